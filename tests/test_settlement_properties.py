"""Properties of the settlement, with Hypothesis: money is conserved under any contract set; the
ledger of a PxQ-only contract set is the claims; shared savings never fall when spending falls;
caps are never exceeded.

Settling runs DuckDB queries with a fixed cost per query, so the engine-level properties draw few,
small examples; the add-on properties run on the model's ``apply`` and draw many."""

from __future__ import annotations

import json
import math
import tempfile
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passend.settlement.models import shared_savings
from passend.settlement.tables import SPEND
from test_settlement import FIN_KINDS, PROVIDER_KINDS, line, nursing, patient, run

ENGINE = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FAST = settings(max_examples=150, deadline=None, derandomize=True)

PATIENT_IDS = ["p1", "p2", "p3", "p4"]
PROVIDERS = ["gp1", "gp2", "h1", "dn1", "zg1"]
LAW = {"cz": "zvw", "vgz": "zvw", "menzis": "zvw", "zk1": "wlz", "gm1": "wmo"}
FIRST = date(2025, 7, 1)


def death_dates() -> st.SearchStrategy[list[date]]:
    days = st.integers(0, 364).map(lambda d: date(2026, 1, 1) + timedelta(days=d))
    return st.lists(days, min_size=len(PATIENT_IDS), max_size=len(PATIENT_IDS))


@st.composite
def claim_lines(
    draw: st.DrawFn,
    deaths: list[date],
    amounts: st.SearchStrategy[int],
    financers: list[str] | None = None,
    max_size: int = 10,
) -> list[dict[str, Any]]:
    """A few claim lines of the patients (each before their death) or not patient-bound."""
    out = []
    for _ in range(draw(st.integers(1, max_size))):
        pid = draw(st.sampled_from([*PATIENT_IDS, None]))
        last = deaths[PATIENT_IDS.index(pid)] if pid else date(2026, 12, 31)
        when = FIRST + timedelta(days=draw(st.integers(0, (last - FIRST).days)))
        prov = draw(st.sampled_from(PROVIDERS))
        fin = draw(st.sampled_from(financers or list(LAW)))
        amount = draw(amounts)
        if prov == "dn1" and draw(st.booleans()):
            ln = nursing(prov, fin, draw(st.integers(1, 600)), patient=pid, when=when)
        else:
            ln = line(prov, fin, amount, patient=pid, when=when)
        out.append({**ln, "law": LAW[fin]})
    return out


def population(deaths: list[date], trajectories: list[str] | None = None) -> list[dict]:
    kinds = trajectories or ["cancer", "organ_failure", "cancer", "frailty_dementia"]
    return [
        patient(pid, d, trajectory=t, marking=d - timedelta(days=60))
        for pid, d, t in zip(PATIENT_IDS, deaths, kinds, strict=True)
    ]


def flow(x: Any) -> str:
    """A value as YAML flow (JSON is YAML)."""
    return json.dumps(x)


# --- strategies for contract sets ---------------------------------------------------------------

SHARES = st.sampled_from(["0", "0.25", "0.5", "0.9", "1"])


@st.composite
def base_model(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    model = draw(
        st.sampled_from(
            [
                "fee_for_service",
                "revenue_cap",
                "integral_hourly_rate",
                "lump_sum",
                "bundle",
                "population",
                "network",
            ]
        )
    )
    share = draw(st.sampled_from(["1", "0.9", "1.1", "0.333"]))
    p: dict[str, Any] = {"tariff_share": share}
    if model == "fee_for_service":
        p |= {"contracted": draw(st.booleans()), "non_contracted_share": draw(SHARES)}
    elif model == "revenue_cap":
        p |= {
            "cap_share_of_reference": draw(SHARES),
            "above_cap_share": draw(SHARES),
            "exempt_terminal": draw(st.booleans()),
            "exempt_terminal_beyond_azwa": draw(st.booleans()),
            "terminal_days": draw(st.sampled_from([30, 90, 400])),
        }
    elif model == "integral_hourly_rate":
        p |= {
            "norm_hours_per_client_month": draw(st.sampled_from([0, 1, 8])),
            "payback_share": draw(SHARES),
            "exclude_terminal": draw(st.booleans()),
        }
        if draw(st.booleans()):
            p["rate_eur"] = draw(st.sampled_from(["61.53", "75", "0.01"]))
    elif model == "lump_sum":
        p |= {"share_of_reference": draw(st.sampled_from(["0.5", "1", "1.1"]))}
        if draw(st.booleans()):
            p |= {"corridor": draw(st.sampled_from(["0", "0.05"])), "corridor_share": draw(SHARES)}
    elif model == "bundle":
        p |= {"principal": draw(st.sampled_from(["zg1", "gp1"]))}
        if draw(st.booleans()):
            p["prices_eur"] = {"cancer": "1000", "default": draw(st.sampled_from(["1", "250.5"]))}
        else:
            p["price_factor_of_reference"] = draw(st.sampled_from(["0.8", "1"]))
        if draw(st.booleans()):
            p |= {"corridor": draw(st.sampled_from(["0", "0.1"])), "corridor_share": draw(SHARES)}
        if draw(st.booleans()):
            p["outlier_threshold_eur"] = draw(st.sampled_from(["0", "500"]))
    elif model == "population":
        p |= {"principal_kind": "zorggroep", "rate_eur": draw(st.sampled_from(["0", "12.34"]))}
    else:
        p |= {
            "principal": draw(st.sampled_from(["zg1", "h1"])),
            "coordination_fee_eur": draw(st.sampled_from(["0", "25"])),
        }
        if draw(st.booleans()):
            p["product_price_eur"] = draw(st.sampled_from(["0", "100"]))
    return model, p


@st.composite
def addon(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return {
            "model": "shared_savings",
            "params": {
                "benchmark_eur": str(draw(st.integers(1, 400000)) / 100),
                "msr": draw(st.sampled_from(["0", "0.02"])),
                "mlr": draw(st.sampled_from(["0", "0.02"])),
                "sharing_rate": draw(SHARES),
                "loss_sharing_rate": draw(SHARES),
                "quality_score": draw(SHARES),
                "savings_cap": draw(SHARES),
                "loss_cap": draw(SHARES),
                "payment_factor": draw(st.sampled_from(["0.5", "1", "1.5"])),
                "two_sided": draw(st.booleans()),
            },
        }
    return {
        "model": "pay_for_performance",
        "params": {
            "pool_eur": draw(st.sampled_from(["0", "100.01"])),
            "indicators": [
                {"id": "acp_3m", "target": "0.5"},
                {"id": "hospital_death", "target": "0.2", "weight": 2},
            ],
            "budget_neutral": draw(st.booleans()),
            "malus_rate": draw(SHARES),
            "malus_below": draw(SHARES),
        },
    }


@st.composite
def contract_sets(draw: st.DrawFn) -> str:
    contracts = []
    for i in range(draw(st.integers(0, 3))):
        scope: dict[str, Any] = {}
        what = draw(st.sampled_from(["provider_ids", "financer_ids", "laws", "any"]))
        if what == "provider_ids":
            scope[what] = draw(st.lists(st.sampled_from(PROVIDERS), min_size=1, max_size=3))
        elif what == "financer_ids":
            scope[what] = draw(st.lists(st.sampled_from(list(LAW)), min_size=1, max_size=2))
        elif what == "laws":
            scope[what] = [draw(st.sampled_from(["zvw", "wlz", "wmo"]))]
        model, params = draw(base_model())
        addons = draw(st.lists(addon(), max_size=2))
        contracts.append(
            {"id": f"c{i}", "scope": scope, "model": model, "params": params, "addons": addons}
        )
    budgets = [
        {
            "id": f"b{i}",
            "model": draw(st.sampled_from(["availability", "subsidy"])),
            "params": {"amount_eur": draw(st.sampled_from(["0", "1000.01"])), "payee": "ct1"},
        }
        for i in range(draw(st.integers(0, 2)))
    ]
    return f"contracts: {flow(contracts)}\nbudgets: {flow(budgets)}\n"


# --- engine-level properties --------------------------------------------------------------------


@ENGINE
@given(data=st.data(), deaths=death_dates(), body=contract_sets())
def test_money_is_conserved_under_any_contract_set(data: st.DataObject, deaths, body) -> None:
    lines = data.draw(claim_lines(deaths, st.integers(0, 300000)))
    with tempfile.TemporaryDirectory() as tmp:
        s = run(Path(tmp), lines, body, patients=population(deaths), inhabitants=1001)
    st_ = s.tables["stakeholders"].to_pylist()
    total = sum(r["amount_cents"] for r in s.tables["ledger"].to_pylist())
    assert sum(r["money_in_cents"] for r in st_) == sum(r["money_out_cents"] for r in st_) == total
    assert all(r["amount_cents"] > 0 for r in s.tables["ledger"].to_pylist())
    rec = s.tables["reconciliation"].to_pylist()
    assert sum(r["lines"] for r in rec) == len(lines)
    assert sum(r["claims_cents"] for r in rec) == sum(x["amount_cents"] for x in lines)


def _signed(rows: list[dict[str, Any]]) -> Counter:
    """Claim payments per (patient, provider, financer), a payment back counted negative."""
    out: Counter = Counter()
    for r in rows:
        assert r["reason"] == "claims"
        if r["payer_kind"] == "provider":
            out[(r["patient_id"], r["payer_id"], r["payee_id"])] -= r["amount_cents"]
        else:
            out[(r["patient_id"], r["payee_id"], r["payer_id"])] += r["amount_cents"]
    return out


@ENGINE
@given(data=st.data(), deaths=death_dates())
def test_the_ledger_of_pxq_only_equals_the_claims(data: st.DataObject, deaths) -> None:
    lines = data.draw(claim_lines(deaths, st.integers(-50000, 300000), max_size=14))
    with tempfile.TemporaryDirectory() as tmp:
        s = run(Path(tmp), lines, "", patients=population(deaths))
    got = _signed(s.tables["ledger"].to_pylist())
    per_patient: Counter = Counter()
    per_pair: Counter = Counter()
    for x in lines:
        per_patient[(x["patient_id"], x["provider_id"], x["financer_id"])] += x["amount_cents"]
        per_pair[(x["provider_id"], x["financer_id"])] += x["amount_cents"]
    assert dict(got) == {k: v for k, v in per_patient.items() if v}
    pairs: Counter = Counter()
    for (_, prov, fin), v in got.items():
        pairs[(prov, fin)] += v
    assert {k: v for k, v in pairs.items() if v} == {k: v for k, v in per_pair.items() if v}
    kinds = {(r["payer_id"], r["payer_kind"]) for r in s.tables["ledger"].to_pylist()}
    assert all(kind == FIN_KINDS[fid] for fid, kind in kinds if kind != "provider")


def _round(x: Fraction) -> int:
    r = math.floor(abs(x) + Fraction(1, 2))
    return r if x >= 0 else -r


@ENGINE
@given(
    data=st.data(),
    deaths=death_dates(),
    share=st.sampled_from(["0", "0.25", "0.333", "1"]),
    exempt=st.booleans(),
    terminal_days=st.sampled_from([1, 30, 90, 400]),
)
def test_revenue_cap_is_never_exceeded(data, deaths, share, exempt, terminal_days) -> None:
    lines = data.draw(claim_lines(deaths, st.integers(0, 300000), ["cz", "vgz"], max_size=12))
    caps = {}
    for prov in PROVIDERS:
        for fin in ("cz", "vgz"):
            if data.draw(st.booleans()):
                caps.setdefault(prov, {})[fin] = str(data.draw(st.integers(0, 400000)) / 100)
    params = {
        "caps_eur": caps,
        "above_cap_share": share,
        "exempt_terminal": exempt,
        "terminal_days": terminal_days,
    }
    rate = Fraction(Decimal(share))
    body = f"contracts:\n  - {{id: cap, model: revenue_cap, params: {flow(params)}}}\n"
    with tempfile.TemporaryDirectory() as tmp:
        s = run(Path(tmp), lines, body, patients=population(deaths))
    back = {
        (r["payer_id"], r["payee_id"]): r["amount_cents"]
        for r in s.tables["ledger"].to_pylist()
        if r["reason"] == "above_cap"
    }
    claimed: Counter = Counter()
    terminal: Counter = Counter()
    death = dict(zip(PATIENT_IDS, deaths, strict=True))
    for x in lines:
        key = (x["provider_id"], x["financer_id"])
        claimed[key] += x["amount_cents"]
        pid = x["patient_id"]
        if pid and x["service_date"] > death[pid] - timedelta(days=terminal_days):
            terminal[key] += x["amount_cents"]
    for key, c in claimed.items():
        paid = c - back.get(key, 0)
        assert 0 <= paid <= c
        cap_eur = caps.get(key[0], {}).get(key[1])
        if cap_eur is None:
            assert key not in back
            continue
        cap = round(Decimal(cap_eur) * 100)
        ex = terminal[key] if exempt else 0
        over = max(0, c - ex - cap)
        # never above the cap plus the exempt terminal care plus the agreed share of the excess
        assert paid <= cap + ex + _round(rate * over)
        if rate == 0:
            assert paid - ex <= cap
        assert paid == min(c - ex, cap) + _round(rate * over) + ex
    assert set(back) <= set(claimed)


# --- the add-ons on a spend table (fast) --------------------------------------------------------


@st.composite
def spend_tables(draw: st.DrawFn) -> list[dict[str, Any]]:
    rows = []
    for fin in draw(
        st.lists(st.sampled_from(["cz", "vgz", "zk1"]), min_size=1, max_size=3, unique=True)
    ):
        for prov in draw(st.lists(st.sampled_from(PROVIDERS), min_size=1, max_size=3, unique=True)):
            rows.append(
                {
                    "contract_id": "c",
                    "financer_id": fin,
                    "financer_kind": FIN_KINDS[fin],
                    "provider_id": prov,
                    "spend_cents": draw(st.integers(1, 10**7)),
                }
            )
    return rows


def _savings_params(draw: st.DrawFn, benchmark: int) -> shared_savings.Params:
    rates = st.integers(0, 100).map(lambda n: str(Decimal(n) / 100))
    return shared_savings.Params(
        benchmark_eur=str(Decimal(benchmark) / 100),
        msr=draw(rates),
        mlr=draw(rates),
        sharing_rate=draw(rates),
        loss_sharing_rate=draw(rates),
        quality_score=draw(rates),
        savings_cap=draw(rates),
        loss_cap=draw(rates),
        payment_factor=draw(st.sampled_from(["0", "0.5", "1"])),
        loss_factor=draw(st.sampled_from(["0", "0.5", "1"])),
        two_sided=draw(st.booleans()),
        payee=draw(st.sampled_from([None, "zg1"])),
    )


def _net_to_providers(p: shared_savings.Params, rows: list[dict[str, Any]]) -> tuple[int, int]:
    part = shared_savings.apply(
        SimpleNamespace(year=2026), "c", p, pa.Table.from_pylist(rows, schema=SPEND)
    )
    earned = owed = 0
    for t in part.ledger_tables():
        for r in t.to_pylist():
            assert r["amount_cents"] > 0
            if r["reason"] == "shared_savings":
                assert r["payee_kind"] == "provider" and r["payer_kind"] != "provider"
                earned += r["amount_cents"]
            else:
                assert r["reason"] == "shared_loss" and r["payer_kind"] == "provider"
                owed += r["amount_cents"]
    # the ledger adds up to the computed amounts (the adjustments)
    assert sum(a["amount_cents"] for a in part.adjustments) == earned + owed
    return earned, owed


@FAST
@given(data=st.data(), rows=spend_tables(), benchmark=st.integers(1, 4 * 10**7))
def test_shared_savings_never_decrease_when_spending_falls(data, rows, benchmark) -> None:
    p = _savings_params(data.draw, benchmark)
    lower = [{**r, "spend_cents": data.draw(st.integers(1, r["spend_cents"]))} for r in rows]
    e1, o1 = _net_to_providers(p, rows)
    e2, o2 = _net_to_providers(p, lower)
    assert e2 - o2 >= e1 - o1
    assert e2 >= e1 and o2 <= o1


@FAST
@given(data=st.data(), rows=spend_tables(), benchmark=st.integers(1, 4 * 10**7))
def test_shared_savings_and_losses_never_exceed_their_caps(data, rows, benchmark) -> None:
    p = _savings_params(data.draw, benchmark)
    earned, owed = _net_to_providers(p, rows)
    pf, lf = Fraction(p.payment_factor), Fraction(p.loss_factor)
    assert earned <= _round(Fraction(p.savings_cap) * benchmark * pf)
    # the payment factor scales only savings paid; an owed loss only by the loss factor
    assert owed <= _round(Fraction(p.loss_cap) * benchmark * lf)
    assert earned == 0 or owed == 0
    if pf <= 1:
        assert earned <= Fraction(p.savings_cap) * benchmark + Fraction(1, 2)
    actual = sum(r["spend_cents"] for r in rows)
    if benchmark - actual < Fraction(p.msr) * benchmark:
        assert earned == 0
    if not p.two_sided or actual - benchmark < Fraction(p.mlr) * benchmark:
        assert owed == 0


def test_provider_kinds_of_the_fixture_cover_the_providers() -> None:
    assert set(PROVIDERS) <= set(PROVIDER_KINDS)


INT64 = st.integers(-(2**62), 2**62)


@FAST
@given(pairs=st.lists(st.tuples(INT64, st.integers(1, 2**40)), min_size=1, max_size=50))
def test_floor_div_in_the_engine_is_exact_on_int64(pairs: list[tuple[int, int]]) -> None:
    """The engine's integer division (rounding cents) equals Python's exact floor division on
    DuckDB, also where Ibis's ``//`` (FLOOR of a float division) is off."""
    import ibis

    from passend.db import floor_div

    t = ibis.memtable(  # Arrow, not a dict: a dict goes through pandas
        pa.table({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    )
    got = t.select(q=floor_div(t.a, t.b)).to_pyarrow()["q"].to_pylist()
    assert got == [a // b for a, b in pairs]


def test_floor_div_where_a_float_division_is_off() -> None:
    import ibis

    from passend.db import floor_div

    a = [2**53 + 1, 3 * (2**53 + 1), 2**62 - 1]
    b = [1, 3, 1000003]
    t = ibis.memtable(pa.table({"a": a, "b": b}))
    naive = t.select(q=(t.a // t.b).cast("int64")).to_pyarrow()["q"].to_pylist()
    exact = t.select(q=floor_div(t.a, t.b)).to_pyarrow()["q"].to_pylist()
    assert exact == [2**53 + 1, 2**53 + 1, (2**62 - 1) // 1000003]
    assert naive[0] == 2**53 and naive[1] != 2**53 + 1  # why the engine does not use ``//``
