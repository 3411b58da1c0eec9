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
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa

_threads: int | None = None
_session: Any = None
_depth = 0
_SQL: dict[tuple[Any, Any], str] = {}
"""Compiled SQL per (expression, limit), oldest dropped first beyond ``_SQL_MAX``."""
_SQL_MAX = 1024


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
    """A new in-memory DuckDB connection, with this process's thread limit (if any)."""
    return ibis.duckdb.connect(threads=_threads) if _threads else ibis.duckdb.connect()


def session() -> Any:
    """This process's shared DuckDB connection for the steps that run per replicate, with the
    SQL of its queries kept (``_memoised``). Its tables have fixed names and are replaced by
    the next step's: a step (``on_session``) runs all its queries before it returns (they all
    return Arrow), and its tables are dropped then. One connection, not one per step, also
    because a kept expression refers to its connection: the keys of many open connections
    would keep their databases in memory."""
    global _session
    if _session is None:
        _session = connect()
        _session.compile = _memoised(_session.compile)
    return _session


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
    con.con.register(name, table)
    return con.table(name)


def create_temp(con: Any, name: str, expr: Any) -> Any:
    """The result of ``expr`` stored as the temporary table ``name`` of ``con`` (compiled
    through ``con.compile``, so kept like a query's SQL)."""
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
            if _depth == 0 and _session is not None:
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
    con = _session
    used = con.con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]
    if used is not None and used > _LARGE:
        con.disconnect()
        _session = None
    else:
        release(con)


def release(con: Any) -> None:
    """Free what ``register`` and ``create_temp`` put in ``con``: at the end of a step on the
    ``session``, so that its data does not stay in memory until the next step."""
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


def floor_div(a: Any, b: Any) -> Any:
    """Exact ``floor(a / b)`` of int64 expressions, for b > 0.

    Ibis compiles ``a // b`` to FLOOR of a floating-point division (seen on DuckDB), which is
    exact only while ``a`` stays below 2**53: a rounding cent could go astray on large
    amounts. The remainder ``r = a - q * b`` of that first quotient is computed exactly
    in int64 and is small, so ``q + floor(r / b)`` is exact. Overflow of int64 raises an error
    in DuckDB rather than wrapping."""
    q = (a // b).cast("int64")
    r = a - q * b
    return (q + (r // b).cast("int64")).cast("int64")
