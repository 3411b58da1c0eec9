"""The same cents on Spark as on DuckDB (issue 19, points 2 and 3).

A small region's declaration and its settlement under every shipped contract set, on DuckDB
and on Spark local mode, give identical claims, ledger, stakeholder and reconciliation rows;
and small checks on data that hits each trap of Ibis on Spark (32-bit shifts, ``bit_or``,
int64 through pandas, float division, zero denominators). One Spark session for all
(``conftest.spark``); the population is the smallest that gives every set lines to move."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from passend import db
from passend.claims.declare import declare, write_declaration
from passend.population.generate import generate
from passend.population.params import (
    inhabitants_by_region,
    load_insurers,
    load_parameters,
    load_regions,
)
from passend.population.tables import write_population
from passend.settlement.contracts import load_contract_set, shipped_sets
from passend.settlement.engine import (
    _bit_count,
    _bit_or,
    load_reference,
    month_bit,
    settle,
    write_settlement,
)

SETS = [p.stem for p in shipped_sets()]
TABLES = ("ledger", "stakeholders", "reconciliation")


@contextmanager
def on(engine: str) -> Iterator[Any]:
    """Steps inside run on ``engine``; the process's engine is duckdb again after."""
    db.set_engine(engine)
    try:
        yield db.session()
    finally:
        db.set_engine(None)


def rows(t: pa.Table) -> list[tuple]:
    """The rows of ``t`` sorted (None before values), for a comparison without order."""
    names = t.column_names
    return sorted(
        (tuple(r[n] for n in names) for r in t.to_pylist()),
        key=lambda r: tuple((v is not None, v) for v in r),
    )


REFERENCED = ("current", "pxq-shared-savings")
"""Sets settled a second time with their first run as the reference run (fixing caps, hourly
rates and savings benchmarks from it, as ``passend simulate`` does with the baseline's)."""


def run_all(cat: Any, pop: Path, out: Path) -> dict[str, Any]:
    """Declare ``pop`` and settle it under every shipped set, on the current engine."""
    dec = declare(cat, pop)
    write_declaration(dec, out / "claims")
    inhabitants = inhabitants_by_region(cat)
    done: dict[str, Any] = {"claims": dec.claims, "unfunded": dec.unfunded}
    for name in [*SETS, *(f"{s}+ref" for s in REFERENCED)]:
        stem = name.removesuffix("+ref")
        ls = load_contract_set(next(p for p in shipped_sets() if p.stem == stem), cat)
        ref = load_reference(out / stem) if name.endswith("+ref") else None
        done[name] = settle(out / "claims", ls, pop, ref, inhabitants_by_region=inhabitants)
        if stem in REFERENCED and ref is None:
            write_settlement(done[name], out / stem)
    return done


@pytest.fixture(scope="module")
def population(cat, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark_pop")
    pop = generate(
        cat,
        load_parameters(cat),
        load_insurers(cat),
        load_regions(cat),
        "zuid-gelderland",
        2026,
        seed=11,
        scale=0.02,
    )
    write_population(pop, out)
    return out


@pytest.fixture(scope="module")
def duck(cat, population, tmp_path_factory) -> dict[str, Any]:
    return run_all(cat, population, tmp_path_factory.mktemp("duck"))


def test_declaration_and_every_contract_set_give_the_same_cents_on_spark(
    cat, population, duck, spark, tmp_path
) -> None:
    with on("spark"):
        sp = run_all(cat, population, tmp_path)
    assert sp["claims"].equals(duck["claims"])  # the same lines in the same order
    assert sp["unfunded"].equals(duck["unfunded"])
    for name in [*SETS, *(f"{s}+ref" for s in REFERENCED)]:
        for table in TABLES:
            d, s = duck[name].tables[table], sp[name].tables[table]
            assert s.schema == d.schema, (name, table)
            assert rows(s) == rows(d), (name, table)
    # every set moved money (the comparison is of real ledgers), also against a reference
    for name in SETS:
        ledger = duck[name].tables["ledger"]
        assert ledger.num_rows > 0, name
        assert pa.compute.sum(ledger["amount_cents"]).as_py() > 0, name


def on_both(spark: Any, fn: Any) -> dict[str, Any]:
    """``fn(con)`` on a DuckDB connection and on the Spark session."""
    return {"duckdb": fn(db.connect()), "spark": fn(spark)}


def test_a_month_mask_over_more_than_32_months(spark) -> None:
    # months 0, 31, 32, 40 and 62 of one patient, 5 and 33 of another: shifts of 32 and more,
    # which Spark would take modulo 32 with a 32-bit one (1 << 32 = 1, 1 << 40 = 256)
    months = {"a": [0, 31, 32, 40, 62, 40], "b": [5, 33]}
    data = pa.table(
        {
            "patient": [p for p, ms in months.items() for _ in ms],
            "month": pa.array([m for ms in months.values() for m in ms], pa.int64()),
        }
    )

    def masks(con: Any) -> list[dict[str, Any]]:
        t = db.register(con, "t_months", data)
        bit = month_bit(t.month)
        g = t.group_by("patient").aggregate(mask=_bit_or(bit))
        g = g.mutate(months=_bit_count(g.mask).cast("int64"))
        return g.order_by("patient").to_pyarrow().to_pylist()

    expected = [
        {"patient": "a", "mask": 1 + 2**31 + 2**32 + 2**40 + 2**62, "months": 5},
        {"patient": "b", "mask": 2**5 + 2**33, "months": 2},
    ]
    assert on_both(spark, masks) == {"duckdb": expected, "spark": expected}


def test_int64_above_2_53_comes_back_exact_also_beside_a_null(spark) -> None:
    big = 2**53 + 1  # a double holds 2**53 and 2**53 + 2, not this
    data = pa.table({"k": [1, 2, 3], "v": pa.array([big, None, -(2**62) - 3], pa.int64())})

    def back(con: Any) -> list[Any]:
        t = db.register(con, "t_big", data)
        mem = ibis.memtable(pa.table({"k": [1, 2], "w": pa.array([big + 2, None], pa.int64())}))
        j = t.left_join(mem, t.k == mem.k).select("k", "v", "w", s=t.v + 1)
        return j.order_by("k").to_pyarrow().to_pylist()

    expected = [
        {"k": 1, "v": big, "w": big + 2, "s": big + 1},
        {"k": 2, "v": None, "w": None, "s": None},
        {"k": 3, "v": -(2**62) - 3, "w": None, "s": -(2**62) - 2},
    ]
    assert on_both(spark, back) == {"duckdb": expected, "spark": expected}


def test_floor_division_exact_negative_and_by_zero_without_floating_point(spark) -> None:
    a = [-7, 7, -6, 2**62 + 1, -(2**62) - 1, 5, 0, -1]
    b = [2, -2, 3, 3, 3, 0, 0, 2]
    data = pa.table({"a": pa.array(a, pa.int64()), "b": pa.array(b, pa.int64())})

    def divide(con: Any) -> tuple[list[Any], list[Any], str]:
        t = db.register(con, "t_div", data)
        e = t.mutate(q=db.floor_div(t.a, t.b), h=db.floor_div(t.a, 4))
        out = e.to_pyarrow()
        return out["q"].to_pylist(), out["h"].to_pylist(), con.compile(e)

    # floor(a / b), by hand: NULL where b is 0 (Spark's ANSI mode would raise)
    q = [-4, -4, -2, 1537228672809129301, -1537228672809129302, None, None, -1]
    h = [-2, 1, -2, 2**60, -(2**60) - 1, 1, 0, -1]
    for engine, (got_q, got_h, sql) in on_both(spark, divide).items():
        assert (got_q, got_h) == (q, h), engine
        # integer division only (DuckDB //, Spark DIV): no division through a double
        assert "/" not in sql.replace("//", ""), engine


def test_an_engine_that_cannot_start_is_one_line_and_exit_2(monkeypatch, tmp_path) -> None:
    from passend.cli import app

    monkeypatch.setattr(db, "_spark", None)
    for name in ("pyspark", "pyspark.sql"):  # as if not installed
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setattr(db, "_engine", None)
    runner = CliRunner()
    claims = tmp_path / "claims"
    claims.mkdir()
    args = ["settle", "--claims", str(claims), "--contracts", "pxq", "--out", str(tmp_path)]
    r = runner.invoke(app, [*args, "--engine", "spark"])
    assert r.exit_code == 2
    assert "pip install" in r.stderr and ".[spark]" in r.stderr
    assert "Traceback" not in r.output + r.stderr and len(r.stderr.strip().splitlines()) <= 2
    r = runner.invoke(app, [*args, "--engine", "sqlite"])
    assert r.exit_code == 2 and "duckdb, spark" in r.stderr
    monkeypatch.setattr(db, "_engine", None)
    monkeypatch.setenv("PASSEND_ENGINE", "bogus")
    with pytest.raises(ValueError, match="PASSEND_ENGINE"):
        db.engine()


def test_an_int64_overflow_on_spark_is_one_line_and_exit_2(spark, monkeypatch, tmp_path) -> None:
    # two lines of 2**62 cents: their sum is 2**63, one beyond int64, which Spark's ANSI mode
    # refuses (ARITHMETIC_OVERFLOW) with a message of many lines and advice to lose the cents
    data = pa.table({"k": [1, 1], "amount_cents": pa.array([2**62, 2**62], pa.int64())})

    def overflowing(*args: Any, **kwargs: Any) -> Any:
        t = db.register(db.session(), "t_overflow", data)
        return t.group_by("k").aggregate(s=t.amount_cents.sum()).to_pyarrow()

    with on("spark"), pytest.raises(db.QueryError) as e:
        overflowing()
    assert str(e.value).startswith("Spark: ARITHMETIC_OVERFLOW: long overflow")
    assert "\n" not in str(e.value) and "try_add" not in str(e.value)

    from passend.cli import app
    from passend.settlement import engine

    monkeypatch.setattr(engine, "settle", overflowing)  # the command imports it when it runs
    monkeypatch.setattr(db, "_engine", None)
    claims = tmp_path / "claims"
    claims.mkdir()
    args = ["settle", "--claims", str(claims), "--contracts", "pxq", "--out", str(tmp_path)]
    r = CliRunner().invoke(app, [*args, "--engine", "spark"])
    assert r.exit_code == 2, r.output
    assert r.stderr.strip().splitlines() == [f"passend: {e.value}"]
    assert not (tmp_path / "ledger.parquet").exists()


def test_spark_settings_from_passend_spark_conf(monkeypatch) -> None:
    text = " spark.driver.maxResultSize=2g; spark.driver.extraJavaOptions=-Xss4m -XX:+UseG1GC;;"
    assert db.spark_conf_env(text) == {
        "spark.driver.maxResultSize": "2g",
        "spark.driver.extraJavaOptions": "-Xss4m -XX:+UseG1GC",  # spaces stay in a value
    }
    monkeypatch.setenv("PASSEND_SPARK_CONF", "spark.jars=a.jar,b.jar")
    assert db.spark_conf_env() == {"spark.jars": "a.jar,b.jar"}
    monkeypatch.delenv("PASSEND_SPARK_CONF")
    assert db.spark_conf_env() == {}
    with pytest.raises(db.EngineError, match=r"'spark\.driver\.memory' is not key=value"):
        db.spark_conf_env("spark.driver.memory; spark.ui.enabled=false")
