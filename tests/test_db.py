"""The cores passend counts for its worker processes and threads (db.available_cpus): the CPU
affinity capped by a container's CPU quota, read from cgroup v1 or v2 files (here fakes). The
shared connection of the per-replicate steps (db.session): each query's SQL compiled once, the
answers always from the current data, and the step's tables released when it returns."""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
import pytest
from ibis.backends.duckdb import Backend as DuckDB

from passend import db


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        f = root / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)


@pytest.mark.parametrize(
    ("proc", "files", "expected"),
    [
        # cgroup v2, the process in the root group: 1.5 CPUs
        ("0::/\n", {"cpu.max": "150000 100000\n"}, 1.5),
        # cgroup v2 without a limit
        ("0::/\n", {"cpu.max": "max 100000\n"}, None),
        # cgroup v2, the process in a child group: that group's file counts
        (
            "0::/job/7\n",
            {"job/7/cpu.max": "400000 100000\n", "cpu.max": "max 100000\n"},
            4.0,
        ),
        # cgroup v1 (this machine's layout): -1 is no limit
        (
            "4:memory:/x\n1:cpu,cpuacct:/\n0::/\n",
            {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"},
            None,
        ),
        (
            "1:cpu,cpuacct:/\n",
            {"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"},
            0.5,
        ),
        # no cgroup files at all (another OS, or not mounted)
        ("", {}, None),
    ],
)
def test_cgroup_quota(tmp_path: Path, proc: str, files: dict[str, str], expected: float | None):
    root = tmp_path / "cgroup"
    root.mkdir()
    _write(root, files)
    (tmp_path / "self_cgroup").write_text(proc)
    assert db._cgroup_quota(root, tmp_path / "self_cgroup") == expected


@pytest.mark.parametrize(
    ("affinity", "quota", "expected"),
    [(8, None, 8), (8, 2.0, 2), (8, 2.5, 2), (2, 16.0, 2), (4, 0.5, 1)],
)
def test_available_cpus_is_the_affinity_capped_by_the_quota(
    monkeypatch: pytest.MonkeyPatch, affinity: int, quota: float | None, expected: int
) -> None:
    monkeypatch.setattr(db.os, "sched_getaffinity", lambda _pid: set(range(affinity)))
    monkeypatch.setattr(db, "_cgroup_quota", lambda: quota)
    assert db.available_cpus() == expected


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fresh session whose real compilations are recorded (SQL per call)."""
    monkeypatch.setattr(db, "_session", None)
    monkeypatch.setattr(db, "_SQL", {})
    calls: list[str] = []
    real = DuckDB.compile

    def compile(self, expr, /, **kw):  # type: ignore[no-untyped-def]
        sql = real(self, expr, **kw)
        calls.append(sql)
        return sql

    monkeypatch.setattr(DuckDB, "compile", compile)
    return calls


def _total_per_kind(con) -> dict[str, int]:  # type: ignore[no-untyped-def]
    t = con.table("claims")
    g = t.group_by("kind").aggregate(cents=t.cents.sum()).order_by("kind")
    rows = g.to_pyarrow().to_pylist()
    return {r["kind"]: r["cents"] for r in rows}


def test_the_same_query_on_new_data_is_compiled_once_and_answers_from_the_new_data(
    counted: list[str],
) -> None:
    con = db.session()
    db.register(con, "claims", pa.table({"kind": ["a", "b", "a"], "cents": [100, 7, 23]}))
    assert _total_per_kind(con) == {"a": 123, "b": 7}
    assert len(counted) == 1
    # the next replicate: other rows under the same name and schema
    db.register(con, "claims", pa.table({"kind": ["b", "c"], "cents": [5, 11]}))
    assert _total_per_kind(con) == {"b": 5, "c": 11}
    assert len(counted) == 1  # the kept SQL, not a second compilation
    # another schema (cents as int32) is another expression: compiled, and right
    db.register(con, "claims", pa.table({"kind": ["x"], "cents": pa.array([3], pa.int32())}))
    assert _total_per_kind(con) == {"x": 3}
    assert len(counted) == 2
    # another literal is another expression too
    t = con.table("claims")
    assert t.filter(t.cents > 2).count().to_pyarrow().as_py() == 1
    assert t.filter(t.cents > 3).count().to_pyarrow().as_py() == 0
    assert len(counted) == 4


def test_queries_on_in_memory_tables_are_not_kept(counted: list[str]) -> None:
    con = db.session()
    for rows in ([1, 2], [3]):
        t = ibis.memtable(pa.table({"v": rows}))
        assert con.to_pyarrow(t.v.sum()).as_py() == sum(rows)
    assert len(counted) == 2
    assert db._SQL == {}


def test_a_step_releases_its_tables_and_a_nested_step_leaves_them_to_the_outer(
    counted: list[str],
) -> None:
    con = db.session()

    def names() -> set[str]:
        return set(con.list_tables())

    @db.on_session
    def inner() -> set[str]:
        db.register(con, "inner_t", pa.table({"v": [1]}))
        return names()

    @db.on_session
    def outer() -> tuple[set[str], set[str]]:
        db.register(con, "outer_t", pa.table({"v": [1]}))
        db.create_temp(con, "lines", con.table("outer_t"))
        seen_inside = inner()
        return seen_inside, names()

    inside, after_inner = outer()
    assert inside == {"inner_t", "outer_t", "lines"}
    assert after_inner == {"inner_t", "outer_t", "lines"}  # the outer step still runs
    assert names() == set()  # released when the outer step returned

    @db.on_session
    def failing() -> None:
        db.register(con, "t", pa.table({"v": [1]}))
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        failing()
    assert names() == set()


def test_an_outer_step_may_not_return_a_lazy_expression(counted: list[str]) -> None:
    con = db.session()

    @db.on_session
    def inner() -> ibis.Table:  # lazy is fine inside a step: the outer one still runs
        return db.register(con, "t", pa.table({"v": [4, 5]}))

    @db.on_session
    def outer() -> int:
        return inner().v.sum().to_pyarrow().as_py()

    assert outer() == 9
    with pytest.raises(TypeError, match="inner returned a lazy Ibis expression"):
        inner()
    assert set(con.list_tables()) == set()  # released all the same


def test_a_large_step_closes_the_session_and_the_next_one_keeps_the_sql(
    monkeypatch: pytest.MonkeyPatch, counted: list[str]
) -> None:
    @db.on_session
    def step(cents: list[int]) -> dict[str, int]:
        con = db.session()
        db.register(con, "claims", pa.table({"kind": ["a"] * len(cents), "cents": cents}))
        return _total_per_kind(con)

    monkeypatch.setattr(db, "_LARGE", -1)  # every step counts as large
    first = db.session()
    assert step([1, 2]) == {"a": 3}
    assert db._session is None  # closed after the large step
    assert step([5]) == {"a": 5}  # a new connection, the same query
    assert db.session() is not first
    assert len(counted) == 1


def test_limit_threads_starts_a_new_session(
    monkeypatch: pytest.MonkeyPatch, counted: list[str]
) -> None:
    # the process-wide settings of Arrow and Ibis stay as they are for the other tests
    monkeypatch.setattr(db, "_threads", None)
    monkeypatch.setattr(db.pa, "set_cpu_count", lambda n: None)
    monkeypatch.setattr(db.ibis, "set_backend", lambda backend: None)
    first = db.session()
    db._SQL[("key", None)] = "SELECT 1"
    db.limit_threads(1)
    assert db.session() is not first
    assert db._SQL == {}
    assert db.session().raw_sql("SELECT current_setting('threads')").fetchone()[0] == 1


def test_an_int64_overflow_on_duckdb_is_a_one_line_query_error() -> None:
    t = db.register(db.session(), "t_overflow", pa.table({"k": [1, 1], "c": [2**62, 2**62]}))
    overflowing = {
        "sum": t.group_by("k").aggregate(s=t.c.sum()),  # HUGEINT in DuckDB, refused by Arrow
        "multiplication": t.mutate(s=t.c * 4),
        "addition": t.mutate(s=t.c + t.c),
    }
    for what, expr in overflowing.items():
        with pytest.raises(db.QueryError) as e:
            expr.to_pyarrow()
        text = str(e.value)
        assert text.startswith("DuckDB: ") and "\n" not in text and "int64 range" in text
        assert what == "sum" or f"Overflow in {what} of INT64" in text
    assert t.mutate(s=t.c + 1).to_pyarrow()["s"].to_pylist() == [2**62 + 1] * 2
