"""The DuckDB connections of passend (through Ibis, DESIGN section 8) and their thread count.

DuckDB and Arrow use every core by default. ``passend simulate --workers N`` runs N processes
side by side, so each gets ``cores // N`` threads (:func:`limit_threads`): with 2 workers on
2 cores, letting each use both cores made the national run about a quarter slower. The cores
are those this process may use (:func:`available_cpus`: CPU affinity and a container's CPU
quota), not all of the host's.

Ibis compiles every query to SQL before DuckDB runs it, about 15 ms per query whatever the
data size: most of a regional settlement's time. The steps that run once per replicate
(declaration, settlement, outcomes) therefore share one connection per process
(:func:`session`) whose ``compile`` keeps the SQL of each expression: their inputs get fixed
names (``read_parquet(..., table_name=...)``, :func:`register`, :func:`create_temp`), so the
same query on the next replicate's data is the same expression and is compiled once.

Engines (``--engine duckdb|spark``, ``PASSEND_ENGINE``; :func:`set_engine`, :func:`engine`).
The stages build Ibis expressions and call ``.to_pyarrow()``; what differs per engine lives
here and nowhere else:

- ``session``: DuckDB in memory, or one SparkSession per process (master from
  ``PASSEND_SPARK_MASTER``, default ``local[*]``; ``PASSEND_SPARK_PARTITIONS`` shuffle
  partitions, default 4; ``PASSEND_SPARK_MEMORY`` the driver's memory, in local mode the
  whole heap; ``PASSEND_SPARK_CONF`` any other settings; no UI, Arrow on)
  behind Ibis's PySpark backend. The Spark session outlives the steps (it takes seconds to
  start); only the step's views and cached results are dropped at its end.
- ``register`` (Arrow in by name): DuckDB's zero-copy ``register``; on Spark a temporary view
  of a DataFrame made from the Arrow table.
- ``read_parquet_numbered`` (a Parquet file with each row's position in it): DuckDB's
  ``read_parquet(file_row_number=True)``; on Spark the file read as Arrow with the numbers
  appended, then ``register``.
- ``create_temp`` (a cached intermediate result): a DuckDB temporary table; on Spark a
  temporary view, cached (Ibis's ``create_table(temp=True)`` is not implemented on PySpark).
- ``release``: DuckDB's tables and views dropped by SQL; on Spark through the Spark catalog
  (``dropTempView``, ``clearCache``), not Ibis's ``drop_view``, which sqlglot >= 30.18 makes
  emit a ``DROP`` without a name.
- Results: on Spark, Ibis's ``to_pyarrow`` goes through pandas, which rounds an int64 above
  2**53 (and with a null beside it, any int64 becomes a float). The backend here is a small
  subclass of Ibis's PySpark backend (``_spark_backend_class``, made on first use as pyspark is optional) whose ``to_pyarrow`` runs the
  compiled SQL and takes Spark's own Arrow result (exact), and whose in-memory tables go in as
  Arrow too. A subclass, not a wrapper function, because ``expr.to_pyarrow()`` asks the
  expression's backend: the stages' calls stay as they are and cannot miss the exact path.
- Integer division (:func:`floor_div`) is one Ibis operation compiled to each engine's integer
  division (DuckDB ``//``, Spark ``DIV``), so no floating point touches a cent.

Parquet is read with Ibis's ``read_parquet`` (the same call on both backends, a view each).
Both engines raise on an int64 overflow (DuckDB: "Out of Range Error ... Overflow", Spark's
ANSI mode: ``ARITHMETIC_OVERFLOW``), which comes back as a one-line :class:`QueryError` (each
backend a small subclass whose ``to_pyarrow`` translates it); a division never sees a zero
(:func:`floor_div`).
"""

from __future__ import annotations

import functools
import getpass
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.operations as ops
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot.expressions as sge
from ibis.backends.sql.compilers import DuckDBCompiler, PySparkCompiler

_threads: int | None = None
_session: Any = None
_depth = 0
_SQL: dict[tuple[Any, Any], str] = {}
"""Compiled SQL per (expression, limit), oldest dropped first beyond ``_SQL_MAX``."""
_SQL_MAX = 1024

ENGINES = ("duckdb", "spark")
_engine: str | None = None
_spark: Any = None
"""This process's Spark backend (Ibis over a SparkSession), started on first use."""
_spark_conf: dict[str, Any] = {}


class EngineError(RuntimeError):
    """An engine that cannot start here (pyspark not installed, no Java, Spark failed to
    start): its message is one line for the user."""


OVERFLOW_HINT = " (cents beyond the int64 range: check the claims' amounts)"
"""What a :class:`QueryError` of an int64 overflow adds, on either engine."""


class QueryError(ValueError):
    """A query the engine refused on the data: on Spark an arithmetic error of ANSI mode (an
    int64 overflow of cents, a division by zero), in one line for the user. A ValueError, as
    bad input is: the commands report it as they report a ValueError (one line, exit 2)."""


def set_engine(name: str | None, **spark: Any) -> None:
    """Run the steps of this process on engine ``name`` (None: ``PASSEND_ENGINE``, else
    duckdb). ``spark``: ``master``, ``shuffle_partitions`` and ``conf`` (more Spark settings)
    of a Spark session not yet started (default ``PASSEND_SPARK_MASTER`` or ``local[*]``,
    ``PASSEND_SPARK_PARTITIONS`` or 4, and none)."""
    global _engine
    if name is not None and name not in ENGINES:
        raise ValueError(f"engine {name!r}: expected one of {', '.join(ENGINES)}")
    _engine = name
    _spark_conf.update({k: v for k, v in spark.items() if v is not None})
    engine()  # refuse a bad PASSEND_ENGINE now


def engine() -> str:
    """The engine of this process's steps: :func:`set_engine`'s, else ``PASSEND_ENGINE``'s,
    else duckdb."""
    name = _engine or os.environ.get("PASSEND_ENGINE") or "duckdb"
    if name not in ENGINES:
        raise ValueError(f"PASSEND_ENGINE={name!r}: expected one of {', '.join(ENGINES)}")
    return name


def _cgroup_quota(
    root: Path = Path("/sys/fs/cgroup"), proc: Path = Path("/proc/self/cgroup")
) -> float | None:
    """The CPU quota of this process's cgroup in CPUs (quota / period), or None if unlimited
    or unknown. cgroup v2: ``cpu.max`` ("max 100000" or "200000 100000"); v1:
    ``cpu/cpu.cfs_quota_us`` (-1 when unlimited) over ``cpu/cpu.cfs_period_us``."""
    try:
        lines = proc.read_text().splitlines()
    except OSError:
        lines = []
    v2 = v1 = None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            v2 = path
        elif "cpu" in controllers.split(","):
            v1 = path
    candidates: list[tuple[Path, Path | None]] = []
    for base in ([root / v2.lstrip("/")] if v2 is not None else []) + [root]:
        candidates.append((base / "cpu.max", None))
    for base in ([root / "cpu" / v1.lstrip("/")] if v1 is not None else []) + [root / "cpu"]:
        candidates.append((base / "cpu.cfs_quota_us", base / "cpu.cfs_period_us"))
    for quota_file, period_file in candidates:
        try:
            if period_file is None:
                quota, period = quota_file.read_text().split()[:2]
            else:
                quota, period = quota_file.read_text().strip(), period_file.read_text().strip()
        except (OSError, ValueError):
            continue
        if quota in ("max", "-1"):
            return None
        try:
            q, p = int(quota), int(period)
        except ValueError:
            continue
        return q / p if q > 0 and p > 0 else None
    return None


def available_cpus() -> int:
    """The CPUs this process may use: its CPU affinity (``os.sched_getaffinity``, else
    ``os.cpu_count``), capped by a container's CPU quota rounded down (at least 1).
    ``os.cpu_count()`` alone counts the host's CPUs, also inside a container limited to fewer."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        n = min(n, max(1, math.floor(quota)))
    return max(1, n)


def connect() -> Any:
    """A new in-memory DuckDB connection (:func:`_duckdb_backend_class`), with this process's
    thread limit (if any)."""
    backend = _duckdb_backend_class()()
    return backend.connect(threads=_threads) if _threads else backend.connect()


@functools.cache
def _duckdb_backend_class() -> type:
    import duckdb
    from ibis.backends.duckdb import Backend

    class DuckDBBackend(Backend):
        """Ibis's DuckDB backend whose results raise an int64 overflow as a :class:`QueryError`
        (one line), as the Spark backend does."""

        def to_pyarrow(self, expr: Any, /, **kwargs: Any) -> Any:
            try:
                return super().to_pyarrow(expr, **kwargs)
            except (duckdb.OutOfRangeException, pa.ArrowInvalid) as e:
                if (q := _duckdb_overflow(e)) is None:
                    raise
                raise q from e

    return DuckDBBackend


def _duckdb_overflow(e: Exception) -> QueryError | None:
    """A :class:`QueryError` for DuckDB's int64 overflow ``e``: a product or sum of two
    BIGINTs (``OutOfRangeException``), or a sum that DuckDB keeps as HUGEINT and Arrow cannot
    take back as int64 (``ArrowInvalid: Integer value out of bounds``); None for another
    ArrowInvalid. E.g. ``DuckDB: Out of Range Error: Overflow in addition of INT64 (...)``."""
    first = (str(e).strip().splitlines() or [""])[0]
    if isinstance(e, pa.ArrowInvalid) and "out of bounds" not in first:
        return None
    return QueryError(f"DuckDB: {first}{OVERFLOW_HINT}")


def session() -> Any:
    """This process's shared DuckDB connection for the steps that run per replicate, with the
    SQL of its queries kept (``_memoised``). Its tables have fixed names and are replaced by
    the next step's: a step (``on_session``) runs all its queries before it returns (they all
    return Arrow), and its tables are dropped then. One connection, not one per step, also
    because a kept expression refers to its connection: the keys of many open connections
    would keep their databases in memory."""
    global _session
    if engine() == "spark":
        return spark()
    if _session is None:
        _session = connect()
        _session.compile = _memoised(_session.compile)
    return _session


def spark() -> Any:
    """This process's Spark backend, started on first use (see the module docstring): master
    ``PASSEND_SPARK_MASTER`` (default ``local[*]``), ``spark.sql.shuffle.partitions`` small
    (the default 200 costs seconds on a region's data), ``spark.driver.memory`` from
    ``PASSEND_SPARK_MEMORY`` (Spark's 1g by default), more settings from
    ``PASSEND_SPARK_CONF`` (:func:`spark_conf_env`), no UI, Arrow transfers, warehouse and
    scratch in a temporary folder. Raises :class:`EngineError` without pyspark or Java."""
    global _spark
    if _spark is not None:
        return _spark
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(
            "the Spark engine needs pyspark: pip install 'passend[spark]' (from a clone: "
            "pip install -e '.[spark]')"
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        raise EngineError("the Spark engine needs Java 17 or later: java not found (JAVA_HOME)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    master = _spark_conf.get("master") or os.environ.get("PASSEND_SPARK_MASTER") or "local[*]"
    # one scratch folder per user, not one per run (the JVM outlives Python's exit hooks, so a
    # folder per run would stay behind); Spark makes its own unique folders inside it, and
    # passend creates no tables in the warehouse (temporary views only)
    partitions = (
        _spark_conf.get("shuffle_partitions") or os.environ.get("PASSEND_SPARK_PARTITIONS") or 4
    )
    tmp = Path(tempfile.gettempdir(), f"passend-spark-{getpass.getuser()}")
    tmp.mkdir(mode=0o700, exist_ok=True)
    builder = (
        SparkSession.builder.master(master)
        .appName("passend")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", str(Path(tmp, "warehouse")))
        .config("spark.local.dir", str(Path(tmp, "local")))
    )
    memory = os.environ.get("PASSEND_SPARK_MEMORY")
    if memory:  # before the JVM starts, as passend starts it; in local mode the whole heap
        builder = builder.config("spark.driver.memory", memory)
    for key, value in {**spark_conf_env(), **_spark_conf.get("conf", {})}.items():
        builder = builder.config(key, value)
    try:
        session_ = builder.getOrCreate()
    except Exception as e:  # the JVM's failure, often many lines: keep the first
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise EngineError(f"Spark did not start (master {master}): {first}") from None
    session_.sparkContext.setLogLevel("ERROR")
    _spark = _spark_backend_class()().connect(session_)
    _spark.compile = _memoised(_spark.compile)
    return _spark


def spark_conf_env(text: str | None = None) -> dict[str, str]:
    """Spark settings from ``PASSEND_SPARK_CONF`` (or ``text``): ``key=value`` pairs separated
    by ``;`` (a value may hold spaces and commas, as Java options and jar lists do), e.g.
    ``spark.driver.maxResultSize=2g; spark.executor.memory=8g``. Raises :class:`EngineError`
    on a pair without ``=``."""
    text = os.environ.get("PASSEND_SPARK_CONF", "") if text is None else text
    conf = {}
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        key, eq, value = pair.partition("=")
        if not (key.strip() and eq):
            raise EngineError(f"PASSEND_SPARK_CONF: {pair!r} is not key=value")
        conf[key.strip()] = value.strip()
    return conf


def stop_spark() -> None:
    """Stop this process's Spark session (if started)."""
    global _spark
    if _spark is not None:
        _spark.disconnect()
        _spark = None
        _SQL.clear()


@functools.cache
def _spark_backend_class() -> type:
    from ibis.backends.pyspark import Backend
    from ibis.formats.pyarrow import PyArrowData
    from pyspark.errors import ArithmeticException

    class SparkBackend(Backend):
        """Ibis's PySpark backend with exact Arrow results and Arrow in-memory tables."""

        def to_pyarrow(
            self, expr: Any, /, *, params: Any = None, limit: Any = None, **kwargs: Any
        ) -> Any:
            self._run_pre_execute_hooks(expr)
            table = expr.as_table()
            sql = self.compile(table, params=params, limit=limit)
            try:
                out = self._session.sql(sql).toArrow()
            except ArithmeticException as e:
                raise QueryError(_spark_arithmetic(e)) from e
            return expr.__pyarrow_result__(PyArrowData.convert_table(out, table.schema()))

        def execute(self, expr: Any, /, **kwargs: Any) -> Any:
            return expr.__pandas_result__(self.to_pyarrow(expr.as_table(), **kwargs).to_pandas())

        def _register_in_memory_table(self, op: Any) -> None:
            _spark_view(self._session, op.name, op.data.to_pyarrow(op.schema))

    return SparkBackend


def _spark_arithmetic(e: Any) -> str:
    """One line for Spark's arithmetic error ``e``: its condition and its first sentence,
    without Spark's advice to return NULL or turn ANSI mode off (which would lose cents
    silently), e.g. ``Spark: ARITHMETIC_OVERFLOW: long overflow``."""
    condition = e.getCondition() or type(e).__name__
    first = (str(e).strip().splitlines() or [""])[0]
    text = first.removeprefix(f"[{condition}]").strip().split(". ")[0].rstrip(".")
    hint = OVERFLOW_HINT if "OVERFLOW" in condition else ""
    return f"Spark: {condition}: {text}{hint}"


def _spark_view(session_: Any, name: str, table: pa.Table) -> None:
    """``table`` (Arrow) as the temporary view ``name`` of a SparkSession, with its schema
    (also for an empty table, whose types Spark cannot infer)."""
    from ibis.backends.pyspark.datatypes import PySparkSchema

    schema = PySparkSchema.from_ibis(ibis.Schema.from_pyarrow(table.schema))
    session_.createDataFrame(table, schema=schema).createOrReplaceTempView(name)


def _memoised(compile_: Any) -> Any:
    """``compile_`` with the SQL kept per expression. Ibis expressions are immutable and
    compare by structure (a table by its name, schema and database), so an equal expression
    compiles to the same SQL. Expressions on in-memory tables (``ibis.memtable``, a fresh name
    each time) are compiled every time and not kept, as they would hold on to their data."""

    def compile(expr: Any, /, *, limit: Any = None, params: Any = None, **kw: Any) -> str:
        op = expr.op()
        if params or kw or op.find(ops.InMemoryTable):
            return compile_(expr, limit=limit, params=params, **kw)
        key = (op, limit)
        sql = _SQL.get(key)
        if sql is None:
            sql = compile_(expr, limit=limit)
            if len(_SQL) >= _SQL_MAX:
                del _SQL[next(iter(_SQL))]
            _SQL[key] = sql
        return sql

    return compile


def register(con: Any, name: str, table: pa.Table) -> Any:
    """``table`` (Arrow) as the table ``name`` of ``con``, replacing an earlier one of that
    name: unlike ``ibis.memtable`` its queries keep their compiled SQL (see ``session``)."""
    if engine_of(con) == "spark":
        _spark_view(con._session, name, table)
    else:
        con.con.register(name, table)
    return con.table(name)


ROW_NUMBER = "file_row_number"
"""The column of :func:`read_parquet_numbered`: a row's position in its file, from 0."""


def read_parquet_numbered(con: Any, name: str, path: Path) -> Any:
    """The Parquet file ``path`` as the table ``name`` of ``con`` with each row's position in
    the file (0, 1, ...) in the int64 column ``file_row_number``: an order that holds on every
    engine, where a query's own row order does not. DuckDB numbers the rows as it scans
    (``read_parquet(file_row_number=True)``: only the columns a query needs are read, and
    nothing stays in memory); Spark has no such column, so the file goes in as Arrow with the
    numbers appended (:func:`register`)."""
    if engine_of(con) == "spark":
        table = pq.read_table(path)
        numbers = pa.array(np.arange(table.num_rows, dtype=np.int64))
        return register(con, name, table.append_column(ROW_NUMBER, numbers))
    return con.read_parquet(str(path), table_name=name, file_row_number=True)


def engine_of(con: Any) -> str:
    """The engine of an Ibis connection: spark or duckdb."""
    return "spark" if con.name == "pyspark" else "duckdb"


def create_temp(con: Any, name: str, expr: Any) -> Any:
    """The result of ``expr`` stored as the temporary table ``name`` of ``con`` (compiled
    through ``con.compile``, so kept like a query's SQL)."""
    if engine_of(con) == "spark":
        con._session.sql(con.compile(expr)).createOrReplaceTempView(name)
        con._session.catalog.cacheTable(name)
    else:
        con.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {con.compile(expr)}')
    return con.table(name)


def on_session(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A step on the ``session``: what it registered and created there is released when it
    returns (or raises); a step called inside another leaves that to the outer one. An
    outermost step that returns a lazy Ibis expression is a programming error (its tables
    would be gone before it is run): it raises ``TypeError`` instead of failing later."""

    @functools.wraps(fn)
    def step(*args: Any, **kwargs: Any) -> Any:
        global _depth
        _depth += 1
        try:
            out = fn(*args, **kwargs)
            if _depth == 1 and isinstance(out, ibis.Expr):
                raise TypeError(
                    f"{fn.__qualname__} returned a lazy Ibis expression; its session tables "
                    "are dropped when it returns: return its result (e.g. .to_pyarrow())"
                )
            return out
        finally:
            _depth -= 1
            if _depth == 0:
                _end_step()

    return step


_LARGE = 128 << 20
"""DuckDB memory (bytes) at the end of a step above which the session is closed."""


def _end_step() -> None:
    """Release the step's tables; after a large step (the national claims) close the session
    too, as DuckDB keeps the memory it used (about 0.2 GiB after a national settlement) until
    its database is closed. The kept SQL stays valid: the next session's tables have the same
    names, and connections with the same settings compare equal in Ibis's expressions."""
    global _session
    if engine() == "spark":
        if _spark is not None:
            release(_spark)
        return
    con = _session
    if con is None:
        return
    used = con.con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]
    if used is not None and used > _LARGE:
        con.disconnect()
        _session = None
    else:
        release(con)


def release(con: Any) -> None:
    """Free what ``register`` and ``create_temp`` put in ``con``: at the end of a step on the
    ``session``, so that its data does not stay in memory until the next step. On Spark the
    temporary views (not Ibis's in-memory tables, which Ibis tracks itself) and the cache."""
    if engine_of(con) == "spark":
        catalog = con._session.catalog
        for t in catalog.listTables():
            if t.isTemporary and not t.name.startswith("ibis_"):
                catalog.dropTempView(t.name)
        catalog.clearCache()
        return
    rows = con.con.execute("SELECT table_name, table_type FROM information_schema.tables")
    for name, kind in rows.fetchall():
        if kind == "VIEW":  # read_parquet's views and register's Arrow tables
            con.con.unregister(name)  # an Arrow table; does nothing to a view
            con.con.execute(f'DROP VIEW IF EXISTS "{name}"')
        else:
            con.con.execute(f'DROP TABLE IF EXISTS "{name}"')


def limit_threads(n: int) -> None:
    """Use at most ``n`` threads in this process: new DuckDB connections, Ibis's default
    backend (queries on in-memory tables only) and Arrow's compute pool."""
    global _threads, _session
    _threads = max(1, n)
    pa.set_cpu_count(_threads)
    ibis.set_backend(connect())
    _session = None
    _SQL.clear()


class IntegerDivide(ops.Binary):
    """``left / right`` of integers rounded toward zero, in integer arithmetic (DuckDB
    ``//``, Spark ``DIV``); Ibis's ``//`` is FLOOR of a floating-point division."""

    dtype = dt.int64


def _visit_integer_divide(self: Any, op: Any, *, left: Any, right: Any) -> Any:
    return sge.IntDiv(this=sge.paren(left), expression=sge.paren(right))


DuckDBCompiler.visit_IntegerDivide = _visit_integer_divide  # type: ignore[attr-defined]
PySparkCompiler.visit_IntegerDivide = _visit_integer_divide  # type: ignore[attr-defined]


def floor_div(a: Any, b: Any) -> Any:
    """Exact ``floor(a / b)`` of int64 expressions, NULL where ``b`` is 0.

    ``q = a DIV b`` rounds toward zero; its remainder ``r = a - q * b`` has the sign of ``a``
    (no overflow: ``|q * b| <= |a|``), and ``q`` is one too high where ``r`` is non-zero with
    the opposite sign of ``b``. Integer arithmetic only: exact for every int64 (Ibis's ``//``
    goes through a double, exact only below 2**53). A zero denominator gives NULL on both
    engines, explicitly: DuckDB would give NULL, Spark's ANSI mode raises DIVIDE_BY_ZERO."""
    if isinstance(b, int):
        if b == 0:
            raise ZeroDivisionError("floor_div by a literal 0")
        a, d = a.cast("int64"), ibis.literal(b, "int64")
    else:
        a = ibis.ifelse(b == 0, ibis.null("int64"), a.cast("int64"))
        d = ibis.ifelse(b == 0, 1, b).cast("int64")
    q = IntegerDivide(a, d).to_expr()
    r = a - q * d
    return (q - ibis.ifelse((r != 0) & ((r < 0) != (d < 0)), 1, 0)).cast("int64")
