"""``passend settle``: apply a contract set to claims and write the ledger (afrekening).

Steps over claim lines as Ibis expressions on DuckDB (DESIGN section 8), no Python loop over
claim lines:

1. assign every claim line to the first contract whose scope matches it (else ``default``);
2. one pass over the lines: per contract, patient, provider and financer the sums each model
   needs (``frame.py``: price at the contract's tariff share, rounded once per line; the
   non-contracted split; minutes, months and the terminal phase);
3. per contract its base model (``models/*.settle``), then its add-ons on the base's spend,
   then the budgets;
4. provider costs (``costs.py``) and the per-stakeholder summary (money in, out, cost, margin).

What is small or already in Arrow runs without a query: the providers' costs (one row per
provider), the ledger's sums per payer and payee (Arrow's group-by on the ledger the models
returned) and a contract's rows of the reference tables. A query costs about 15 ms of Ibis
compilation besides its run, so the settlement runs on the process's ``db.session``, which
keeps the SQL of each query: its inputs have fixed names (``claims``, ``unfunded``, ``lines``
and the population's tables, registered with ``db.register``), so the next settlement's
queries (the next replicate, the intervention arm) are compiled once per process. Every query
runs before ``settle`` returns; its tables are dropped then (``db.on_session``).

A reference run (``--reference DIR``, the baseline's settlement) fixes what a contract sets
from past volume: caps, lump sums, bundle prices, capitation rates, shared-savings benchmarks,
the fixed part of the providers' costs. Without it the run is its own reference.

The contract year (``year``, ``settle --year``) is a calendar year: the care delivered in it.
Without ``year`` it is the claims' own year when they all fall in one, else the population's
year (``meta.json``), else the year most lines fall in. Lines (and unfunded work) dated in
another year are not settled: ``meta.json`` reports them (``outside_contract_year``: lines and
amount per year), the reconciliation covers the settled lines, and the settled plus the
outside lines are the claims file (``ledger check``). One exception, named in ``meta.json``
(``whole_population``): a population of the people who die in a year (``population generate``'s
default view: ``"view": "deaths"`` in its ``meta.json``) holds its last year of care, partly
dated in the year before; without ``year`` all of it is settled in the population's year (the
population-year view, one cohort's last year of care as one contract year). Use ``population
generate --view calendar`` for the care delivered in one calendar year.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from passend import __version__, db
from passend.claims.declare import CostPrices, load_cost_prices
from passend.claims.tables import CLAIMS, UNFUNDED
from passend.population.tables import SCHEMAS
from passend.settlement import models
from passend.settlement.contracts import Contract, LoadedSet, Scope
from passend.settlement.costs import ProviderCosts, full_cost, load_provider_costs
from passend.settlement.frame import (
    REPLICATE,
    Ctx,
    Part,
    base_spend,
    keyed,
    only,
    per_replicate,
    ratio,
    with_replicate,
)
from passend.settlement.models.availability import apply_grant
from passend.settlement.tables import (
    ADJUSTMENTS,
    BASIS,
    CLASSES,
    COSTS,
    KINDS,
    LEDGER,
    RECONCILIATION,
    SPEND,
    STAKEHOLDERS,
)
from passend.tables import check_table, write_parquet

DEFAULT_ID = "default"
TABLES = {
    "ledger": LEDGER,
    "reconciliation": RECONCILIATION,
    "adjustments": ADJUSTMENTS,
    "stakeholders": STAKEHOLDERS,
    "basis": BASIS,
    "classes": CLASSES,
    "spend": SPEND,
    "costs": COSTS,
}


@dataclass
class Settlement:
    tables: dict[str, pa.Table]
    meta: dict[str, Any]


@dataclass
class Reference:
    basis: pa.Table
    classes: pa.Table
    spend: pa.Table
    costs: pa.Table


def load_reference(path: Path) -> Reference:
    def read(name: str) -> pa.Table:
        f = path / f"{name}.parquet"
        if not f.exists():
            raise ValueError(f"{f}: not found; --reference must be the folder of a settlement")
        check_table(f, TABLES[name])
        return pq.read_table(f)

    return Reference(read("basis"), read("classes"), read("spend"), read("costs"))


def _scope_predicate(t: ibis.Table, s: Scope) -> ibis.Value:
    pred = ibis.literal(True)
    for col, values in (
        ("provider_id", s.provider_ids),
        ("provider_kind", s.provider_kinds),
        ("financer_id", s.financer_ids),
        ("financer_kind", s.financer_kinds),
        ("law", s.laws),
        ("sector", s.sectors),
        ("title_code", s.titles),
        ("activity", s.activities),
        ("p_region", s.regions),
    ):
        if values:
            pred = pred & t[col].isin(values)
    if s.episode is not None:
        e = s.episode
        fallback = (
            t.death_date - ibis.interval(days=e.days_before_death)
            if e.days_before_death is not None
            else None
        )
        if e.start == "palliative_marking":
            start = t.marking_date if fallback is None else t.marking_date.fill_null(fallback)
        else:
            start = fallback
        end = t.death_date + ibis.interval(days=e.after_death_days)
        pred = pred & start.notnull() & (t.service_date >= start) & (t.service_date <= end)
    return pred


def _per_contract(
    cid: ibis.Value, values: dict[str, tuple[int, int]], fn: Any, default: ibis.Value
) -> ibis.Value:
    """``fn(num, den)`` of the contract's share as literals per contract (a CASE over the few
    contracts of the set; shares of 1 are left out, their lines keep ``default``)."""
    cases = [(cid == k, fn(n, d)) for k, (n, d) in sorted(values.items()) if n != d]
    return ibis.cases(*cases, else_=default) if cases else default


@ibis.udf.scalar.builtin(name="bit_count")
def _bit_count(x: int) -> int:  # type: ignore[empty-body]
    """Number of bits set (DuckDB and Spark SQL ``bit_count``)."""


@ibis.udf.agg.builtin(name="bit_or")
def _bit_or(x: int) -> int:  # type: ignore[empty-body]
    """Bitwise OR of a group (DuckDB and Spark SQL ``bit_or``; Ibis's ``.bit_or()`` does not
    compile on PySpark)."""


def month_bit(n: ibis.Value) -> ibis.Value:
    """``2 ** n`` as int64 (0 <= n < 63): the bit of month ``n`` in a mask. The one is
    ``n * 0 + 1``, an int64 column, because Spark types a literal ``1`` as a 32-bit int and
    shifts it silently modulo 32 (``1 << 32`` = 1)."""
    return (n * 0 + 1) << n


def _half_away(x: ibis.Value, num: int, den: int) -> ibis.Value:
    r = db.floor_div(x.abs() * num * 2 + den, den * 2)
    return ibis.ifelse(x < 0, -r, r).cast("int64")


def assign_contracts(
    claims: ibis.Table,
    ls: LoadedSet,
    patients: pa.Table | None,
    providers: pa.Table | None,
    with_kind: bool = False,
) -> ibis.Table:
    """Step 1: every claim line with the contract that settles it (``contract_id``), its
    provider kind and the patient's region and dates. The providers and patients are joined
    only when a scope or a model needs them (or ``with_kind`` asks for the provider kind)."""
    scopes = [c.scope for c in ls.cs.contracts]
    need_kind = with_kind or any(sc.provider_kinds for sc in scopes)
    need_patient = any(sc.regions or sc.episode for sc in scopes) or any(
        models.model(c.model).needs.patients_for(ls.params[c.id]) for c in ls.cs.contracts
    )
    t = claims
    con = ibis.get_backend(claims)
    key = [REPLICATE] if REPLICATE in claims.columns else []
    if providers is not None and need_kind:
        cols = ["provider_id", "provider_kind", *key]
        pr = db.register(con, "a_providers", providers.select(cols))
        pr = pr.rename(pr_id="provider_id", **{"pr_" + k: k for k in key})
        on = [t.provider_id == pr.pr_id] + [t[k] == pr["pr_" + k] for k in key]
        t = t.left_join(pr, on).drop(*["pr_" + k for k in key])
    else:
        t = t.mutate(provider_kind=ibis.null("string"))
    if patients is not None and need_patient:
        pa_ = db.register(
            con,
            "a_patients",
            patients.select(
                ["patient_id", "region", "death_date", "palliative_marking_date", *key]
            ),
        ).rename(pt_id="patient_id", p_region="region", marking_date="palliative_marking_date")
        pa_ = pa_.rename(**{"pt_" + k: k for k in key})
        on = [t.patient_id == pa_.pt_id] + [t[k] == pa_["pt_" + k] for k in key]
        t = t.left_join(pa_, on).drop(*["pt_" + k for k in key])
    else:
        t = t.mutate(
            p_region=ibis.null("string"),
            death_date=ibis.null("date"),
            marking_date=ibis.null("date"),
        )
    cases = [(_scope_predicate(t, c.scope), ibis.literal(c.id)) for c in ls.cs.contracts]
    cid = ibis.cases(*cases, else_=ibis.literal(DEFAULT_ID)) if cases else ibis.literal(DEFAULT_ID)
    return t.mutate(contract_id=cid)


def _exempt(t: ibis.Table, ls: LoadedSet, model: str, params: Any) -> ibis.Value:
    """The lines whose terminal care a contract of ``model`` may not limit: those an exemption
    of the catalogue applies to from its date (AZWA: district nursing at home), or every line
    when the contract says ``exempt_terminal_beyond_azwa`` (a wider, labelled option)."""
    if getattr(params, "exempt_terminal_beyond_azwa", False):
        return ibis.literal(True)
    pred = ibis.literal(False)
    for e in ls.exemptions:
        if model not in e.models:
            continue
        here = t.service_date >= e.valid_from
        if e.valid_to is not None:
            here = here & (t.service_date <= e.valid_to)
        a = e.applies_to
        for col, values in (
            ("sector", a.sectors),
            ("setting", a.settings),
            ("title_code", a.titles),
            ("activity", a.activities),
            ("professional", a.professionals),
        ):
            if values:
                here = here & t[col].isin(values)
        pred = pred | here
    return pred


def _lines(
    con: Any,
    claims: ibis.Table,
    ls: LoadedSet,
    patients: pa.Table | None,
    providers: pa.Table | None,
    first_month: int | None,
    last_month: int,
) -> ibis.Table:
    """Step 2: the per-patient aggregate of the lines of every contract, kept as a temporary
    table of the run's DuckDB connection (``con``) that the models query. ``first_month`` and
    ``last_month`` (year * 12 + month - 1 of the claims' service dates) when a model counts
    months with care, else None."""
    t = assign_contracts(claims, ls, patients, providers)
    ids = [c.id for c in ls.cs.contracts] + [DEFAULT_ID]
    tariff = {cid: ratio(Decimal(ls.params[cid].tariff_share)) for cid in ids}
    non_contracted = {
        cid: ratio(Decimal(getattr(ls.params[cid], "non_contracted_share", 1)))
        for cid in ids
        if not getattr(ls.params[cid], "contracted", True)
    }
    terminal_days = {cid: int(getattr(ls.params[cid], "terminal_days", 0)) for cid in ids}
    amount = t.amount_cents
    price = _per_contract(
        t.contract_id, tariff, lambda n, d: _half_away(amount, n, d), amount
    ).name("price")
    t = t.mutate(price=price)
    fin = _per_contract(
        t.contract_id, non_contracted, lambda n, d: _half_away(t.price, n, d), t.price
    )
    model_of = {c.id: c.model for c in ls.cs.contracts} | {DEFAULT_ID: ls.cs.default.model}
    terminal_cases = [
        (
            t.contract_id == cid,
            t.death_date.notnull()
            & (t.service_date > t.death_date - ibis.interval(days=days))
            & _exempt(t, ls, model_of[cid], ls.params[cid]),
        )
        for cid, days in sorted(terminal_days.items())
        if days > 0
    ]
    terminal = (
        ibis.cases(*terminal_cases, else_=False).fill_null(False)
        if terminal_cases
        else ibis.literal(False)
    )
    is_min = t.unit == "minutes"
    t = t.mutate(fin=fin, terminal=terminal, mins=ibis.ifelse(is_min, t.quantity, 0))

    def total(x: ibis.Value) -> ibis.Value:
        return x.sum().cast("int64")

    aggs: dict[str, Any] = dict(
        n_lines=t.count().cast("int64"),
        claims_cents=total(t.amount_cents),
        price_cents=total(t.price),
        financer_cents=total(t.fin),
        patient_cents=total(t.price - t.fin),
        minutes=total(t.mins),
        m_price_cents=total(ibis.ifelse(is_min, t.price, 0)),
        m_claims_cents=total(ibis.ifelse(is_min, t.amount_cents, 0)),
        t_financer_cents=total(ibis.ifelse(t.terminal, t.fin, 0)),
        t_minutes=total(ibis.ifelse(t.terminal, t.mins, 0)),
    )
    keys = ("contract_id", "patient_id", "provider_id", "financer_id", "financer_kind", "law")
    keys += (REPLICATE,) if REPLICATE in claims.columns else ()
    columns = [*keys, *aggs, "months", "t_months"]
    known = _known_sums(tariff, non_contracted, bool(terminal_cases))
    aggs = {k: v for k, v in aggs.items() if k not in known}
    if first_month is None:  # no model counts months
        g = t.group_by(*keys).aggregate(**aggs)
        g = g.mutate(months=ibis.literal(0, "int64"), t_months=ibis.literal(0, "int64"))
    elif last_month - first_month < 63:
        # distinct months as bits of one integer: a bitwise OR per group and a population
        # count (three times faster than COUNT(DISTINCT) on the national claims)
        bit = month_bit(
            (t.service_date.year() * 12 + t.service_date.month() - 1 - first_month).cast("int64")
        )
        aggs["m_mask"] = _bit_or(bit)
        aggs["t_mask"] = _bit_or(ibis.ifelse(t.terminal, bit, 0))
        g = t.group_by(*keys).aggregate(**aggs)
        g = g.mutate(
            months=_bit_count(g.m_mask).cast("int64"),
            t_months=_bit_count(g.t_mask.fill_null(0)).cast("int64"),
        ).drop("m_mask", "t_mask")
    else:  # claims over more than 63 months: count distinct months
        month = t.service_date.truncate("M")
        aggs["months"] = month.nunique().cast("int64")
        aggs["t_months"] = month.nunique(where=t.terminal).cast("int64")
        g = t.group_by(*keys).aggregate(**aggs)
    g = g.mutate(**{k: g[v] if v else ibis.literal(0, "int64") for k, v in known.items()})
    return db.create_temp(con, "lines", g.select(*columns))


def _known_sums(
    tariff: dict[str, tuple[int, int]], non_contracted: dict[str, tuple[int, int]], terminal: bool
) -> dict[str, str | None]:
    """The sums of ``_lines`` known before its query: without a tariff share below 1 the price
    is the amount, without a non-contracted share the financer pays the price, without a
    terminal phase its sums are zero. Each maps to the sum it equals (None: zero); leaving
    them out of the query takes a third of its time (pxq, national: 1.2 -> 0.75 s CPU)."""
    known: dict[str, str | None] = {}
    if all(n == d for n, d in tariff.values()):
        known |= {"price_cents": "claims_cents", "m_price_cents": "m_claims_cents"}
    if all(n == d for n, d in non_contracted.values()):
        known |= {"financer_cents": known.get("price_cents", "price_cents"), "patient_cents": None}
    if not terminal:
        known |= {"t_financer_cents": None, "t_minutes": None}
    return known


def _sums(lines: ibis.Table) -> pa.Table:
    """Per contract, provider and financer the sums of the lines, in one query: the run's
    BASIS and the reconciliation of the models that pay per line or take every line in scope
    (``frame.recon_from_sums``)."""
    key = [REPLICATE] if REPLICATE in lines.columns else []
    g = lines.group_by(*key, "contract_id", "provider_id", "financer_id").aggregate(
        claims_cents=lines.claims_cents.sum().cast("int64"),
        minutes=lines.minutes.sum().cast("int64"),
        minute_claims_cents=lines.m_claims_cents.sum().cast("int64"),
        patients=lines.patient_id.count().cast("int64"),
        lines=lines.n_lines.sum().cast("int64"),
        price_cents=lines.price_cents.sum().cast("int64"),
        financer_cents=lines.financer_cents.sum().cast("int64"),
        patient_cents=lines.patient_cents.sum().cast("int64"),
    )
    return g.order_by([*key, "contract_id", "provider_id", "financer_id"]).to_pyarrow()


def _classes(lines: ibis.Table, patients: pa.Table | None) -> pa.Table:
    key = [REPLICATE] if REPLICATE in lines.columns else []
    if patients is None:
        return keyed(CLASSES, lines).empty_table()
    con = ibis.get_backend(lines)
    p = db.register(con, "k_patients", patients.select(["patient_id", "trajectory", *key]))
    p = p.rename(c_id="patient_id", **{"c_" + k: k for k in key})
    t = lines.filter(lines.patient_id.notnull())
    pp = t.group_by(*key, "contract_id", "patient_id").aggregate(claims=t.claims_cents.sum())
    j = pp.inner_join(p, [pp.patient_id == p.c_id] + [pp[k] == p["c_" + k] for k in key])
    g = j.group_by(*key, "contract_id", risk_class=j.trajectory).aggregate(
        patients=j.patient_id.count().cast("int64"), claims_cents=j.claims.sum().cast("int64")
    )
    g = g.select("contract_id", "risk_class", "patients", "claims_cents", *key)
    return g.order_by([*key, "contract_id", "risk_class"]).to_pyarrow().cast(keyed(CLASSES, g))


def _sorted(t: pa.Table, keys: list[str]) -> pa.Table:
    """``t`` sorted on ``keys``, nulls last. Each key is replaced by the rank of its value
    among the column's distinct values (dictionary-encode, rank the dictionary), so that the
    sort compares integers: 0.5 s instead of 1.7 s for the national ledger's string keys.
    Arrow's sort is stable and the parts are concatenated in a fixed order (contracts, then
    reasons), each part unique on its keys, so the bytes do not depend on the engine's thread
    scheduling."""
    ranks = {}
    for k in keys:
        d = pc.dictionary_encode(t[k].combine_chunks())
        ranks[k] = pc.rank(d.dictionary, sort_keys="ascending", tiebreaker="dense").take(d.indices)
    order = pc.sort_indices(pa.table(ranks), sort_keys=[(k, "ascending") for k in keys])
    return t.take(order)


def _work(
    con: Any,
    claims_file: Path,
    claims: ibis.Table | None = None,
    year: int | None = None,
    unfunded: ibis.Table | None = None,
) -> ibis.Table:
    """All care delivered: the claim lines (``claims``, when already read) and the unfunded
    activities beside them (those dated in ``year`` when given; ``unfunded``: a batch's, read
    by ``settle_batch``, with the ``replicate`` key like its claims)."""
    if claims is None:
        claims = con.read_parquet(str(claims_file), table_name="claims")
    cols = ["provider_id", "activity", "professional", "quantity", "unit", "patient_id"]
    key = [REPLICATE] if REPLICATE in claims.columns else []
    work = claims.select(*cols, date=claims.service_date, **{k: claims[k] for k in key})
    unfunded_file = claims_file.parent / "unfunded.parquet"
    unf = unfunded
    if unf is None and not key and unfunded_file.exists():
        check_table(unfunded_file, UNFUNDED)
        unf = con.read_parquet(str(unfunded_file), table_name="unfunded")
    if unf is not None:
        if year is not None:
            unf = unf.filter(unf.date.year() == year)
        work = work.union(unf.select(*cols, date=unf.date, **{k: unf[k] for k in key}))
    return work


def service_years(claims: ibis.Table) -> list[dict[str, int]]:
    """Lines and amount per year of service (a few rows), in year order."""
    y = claims.service_date.year().cast("int32")
    g = claims.group_by(year=y).aggregate(
        lines=claims.count().cast("int64"), amount_cents=claims.amount_cents.sum().cast("int64")
    )
    rows = g.order_by("year").to_pyarrow().to_pylist()
    return [{k: int(v or 0) for k, v in r.items()} for r in rows]


def _service_years_by(claims: ibis.Table, n: int) -> list[list[dict[str, int]]]:
    """``service_years`` of each of the ``n`` replicates of a batch, in one query."""
    y = claims.service_date.year().cast("int32")
    g = claims.group_by(REPLICATE, year=y).aggregate(
        lines=claims.count().cast("int64"), amount_cents=claims.amount_cents.sum().cast("int64")
    )
    out: list[list[dict[str, int]]] = [[] for _ in range(n)]
    for row in g.order_by([REPLICATE, "year"]).to_pyarrow().to_pylist():
        r = row.pop(REPLICATE)
        out[r].append({k: int(v or 0) for k, v in row.items()})
    return out


def contract_year(
    years: list[dict[str, int]], meta: dict[str, Any], year: int | None
) -> tuple[int, bool]:
    """The contract year and whether every line is settled in it (see the module docstring):
    ``year`` when given; else the claims' one year; else the population's year, all of whose
    care is settled when it is a deaths-view population; else the year most lines fall in."""
    if year is not None:
        return year, False
    if len(years) == 1:
        return years[0]["year"], False
    if meta.get("year") is not None:
        return int(meta["year"]), meta.get("view") == "deaths"
    if not years:
        return 0, False
    return max(years, key=lambda r: (r["lines"], r["year"]))["year"], False


@db.on_session
def claims_full_cost(claims_dir: Path, prices: CostPrices) -> pa.Table:
    """Full cost per provider of the claims and unfunded work in ``claims_dir`` (the same for
    every contract set: ``passend simulate`` computes it once per population and passes it to
    ``settle`` as ``full_costs``)."""
    claims_file = claims_dir / "claims.parquet" if claims_dir.is_dir() else claims_dir
    return full_cost(_work(db.session(), claims_file), prices).to_pyarrow()


def _costs(
    now: pa.Table,
    providers: pa.Table | None,
    pcosts: ProviderCosts,
    reference: Reference | None,
) -> pa.Table:
    """COSTS per provider (every provider of the population, of the claims and of the
    reference): the variable share of this run's full cost (rounded half up to the cent) plus
    the fixed part: the kind's fixed annual cost and the fixed share of the reference's full
    cost. One row per provider, not per claim: plain Python on exact integers."""
    ref = reference.costs if reference else now
    now_c = dict(
        zip(now["provider_id"].to_pylist(), now["full_cost_cents"].to_pylist(), strict=True)
    )
    ref_c = dict(
        zip(ref["provider_id"].to_pylist(), ref["full_cost_cents"].to_pylist(), strict=True)
    )
    kinds: dict[str, str | None] = {}
    if providers is not None:
        kinds = dict(
            zip(
                providers["provider_id"].to_pylist(),
                providers["provider_kind"].to_pylist(),
                strict=True,
            )
        )
    rows = []
    for pid in sorted(set(now_c) | set(ref_c) | set(kinds)):
        kc = pcosts.for_kind(kinds[pid]) if pid in kinds else pcosts.default
        num, den = ratio(Decimal(str(kc.variable_share)))
        n, r = now_c.get(pid) or 0, ref_c.get(pid) or 0
        variable = (n * num * 2 + den) // (den * 2)
        fixed = kc.fixed_annual_cents + r - (r * num * 2 + den) // (den * 2)
        rows.append(
            {
                "provider_id": pid,
                "provider_kind": kinds.get(pid),
                "full_cost_cents": n,
                "variable_cost_cents": variable,
                "fixed_cost_cents": fixed,
                "cost_cents": variable + fixed,
            }
        )
    return pa.Table.from_pylist(rows, schema=COSTS)


def _add_fixed(costs: pa.Table, extra: dict[str, int]) -> pa.Table:
    """Add fixed costs per provider (providers absent from the table get a row)."""
    rows = {r["provider_id"]: r for r in costs.to_pylist()}
    for pid, cents in extra.items():
        r = rows.setdefault(
            pid,
            {
                "provider_id": pid,
                "provider_kind": None,
                "full_cost_cents": 0,
                "variable_cost_cents": 0,
                "fixed_cost_cents": 0,
                "cost_cents": 0,
            },
        )
        r["fixed_cost_cents"] += cents
        r["cost_cents"] += cents
    return pa.Table.from_pylist([rows[k] for k in sorted(rows)], schema=COSTS)


def stakeholders(ledger: pa.Table, costs: pa.Table) -> pa.Table:
    """STAKEHOLDERS: per payer or payee (id and kind) the money in and out of the ledger, and
    for providers their cost and kind. The ledger's sums run in Arrow's group-by; the rows
    (one per stakeholder) are combined in Python."""
    sums: dict[tuple[str, str], list[int]] = {}
    # per payer and payee first (one pass over the ledger), then per stakeholder in Python
    pairs = ledger.group_by(["payer_id", "payer_kind", "payee_id", "payee_kind"]).aggregate(
        [("amount_cents", "sum")]
    )
    for side, i in (("payee", 0), ("payer", 1)):
        g = pairs.group_by([f"{side}_id", f"{side}_kind"]).aggregate([("amount_cents_sum", "sum")])
        for sid, kind, cents in zip(
            g[f"{side}_id"].to_pylist(),
            g[f"{side}_kind"].to_pylist(),
            g["amount_cents_sum_sum"].to_pylist(),
            strict=True,
        ):
            sums.setdefault((sid, kind), [0, 0, 0])[i] += cents
    pkind: dict[tuple[str, str], str | None] = {}
    for pid, pk, cost in zip(
        costs["provider_id"].to_pylist(),
        costs["provider_kind"].to_pylist(),
        costs["cost_cents"].to_pylist(),
        strict=True,
    ):
        sums.setdefault((pid, "provider"), [0, 0, 0])[2] += cost
        pkind[(pid, "provider")] = pk
    rows = [
        {
            "stakeholder_id": sid,
            "kind": kind,
            "provider_kind": pkind.get((sid, kind)),
            "money_in_cents": m_in,
            "money_out_cents": m_out,
            "cost_cents": cost,
            "margin_cents": m_in - m_out - cost,
        }
        for (sid, kind), (m_in, m_out, cost) in sorted(
            sums.items(), key=lambda x: (x[0][1], x[0][0])
        )
    ]
    return pa.Table.from_pylist(rows, schema=STAKEHOLDERS)


def _read_population(pop_dir: Path | None) -> dict[str, Any]:
    if pop_dir is None:
        return {"patients": None, "providers": None, "financers": None, "meta": {}}
    out: dict[str, Any] = {}
    for name in ("patients", "providers", "financers"):
        f = pop_dir / f"{name}.parquet"
        out[name] = None
        if f.exists():
            check_table(f, SCHEMAS[name])
            out[name] = pq.read_table(f)
    meta = pop_dir / "meta.json"
    out["meta"] = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
    return out


def _inhabitants(meta: dict[str, Any], inhabitants_by_region: dict[str, int]) -> int | None:
    region = meta.get("region")
    if region is None or region not in inhabitants_by_region:
        return None
    return round(inhabitants_by_region[region] * float(meta.get("scale", 1)))


@dataclass
class Run:
    """One replicate's inputs to ``settle_batch`` (the arguments of ``settle`` that differ
    per replicate)."""

    claims_dir: Path
    pop_dir: Path | None = None
    reference: Reference | None = None
    extra_costs: dict[str, int] | None = None
    full_costs: pa.Table | None = None


def _claims_file(claims_dir: Path) -> Path:
    claims_file = claims_dir / "claims.parquet" if claims_dir.is_dir() else claims_dir
    if not claims_file.exists():
        raise ValueError(f"{claims_file}: not found (give the folder of claims.parquet)")
    check_table(claims_file, CLAIMS)
    return claims_file


def _keyed_table(tables: list[pa.Table | None]) -> pa.Table | None:
    """One table of the replicates' tables with the ``replicate`` key (their position in the
    batch), or None when a replicate has none."""
    if any(t is None for t in tables):
        return None
    return pa.concat_tables([with_replicate(t, r) for r, t in enumerate(tables) if t is not None])


def _read_keyed(con: Any, name: str, files: list[tuple[int, Path]]) -> ibis.Table:
    """The Parquet files of a batch's replicates (replicate, file) as one table with the
    ``replicate`` key: a view per file (``name_0``, ``name_1``, ...: the same SQL for every
    batch of a size) and their union."""
    parts = [
        con.read_parquet(str(f), table_name=f"{name}_{i}").mutate(
            **{REPLICATE: ibis.literal(r, "int32")}
        )
        for i, (r, f) in enumerate(files)
    ]
    return ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]


def _reference_of(runs: list[Run]) -> Reference | None:
    """The replicates' references as one keyed reference (None: each is its own)."""
    refs = [r.reference for r in runs]
    if refs[0] is None:
        return None
    assert all(r is not None for r in refs), "a batch has a reference for every replicate or none"
    ks = ("basis", "classes", "spend", "costs")
    return Reference(*(_keyed_table([getattr(r, k) for r in refs]) for k in ks))  # type: ignore[arg-type]


def _uniform(runs: list[Run]) -> bool:
    """Whether the replicates of a batch can be settled as one run: each with its population
    of the same year, region, scale and view (one contract year and inhabitants), all with a
    reference or all without."""
    if len(runs) < 2 or any(r.pop_dir is None for r in runs):
        return False
    facts = set()
    for r in runs:
        f = r.pop_dir / "meta.json" if r.pop_dir else None
        meta = json.loads(f.read_text(encoding="utf-8")) if f and f.exists() else {}
        facts.add(tuple(meta.get(k) for k in ("year", "region", "scale", "view")))
    return len(facts) == 1 and len({r.reference is None for r in runs}) == 1


def settle(
    claims_dir: Path,
    contracts: LoadedSet,
    pop_dir: Path | None = None,
    reference: Reference | None = None,
    *,
    year: int | None = None,
    inhabitants_by_region: dict[str, int] | None = None,
    prices: CostPrices | None = None,
    provider_costs: ProviderCosts | None = None,
    extra_costs: dict[str, int] | None = None,
    full_costs: pa.Table | None = None,
) -> Settlement:
    """Settle the claims in ``claims_dir`` under a contract set. ``extra_costs``: fixed costs
    in cents per provider id added on top of the cost model (e.g. a transmural team's).
    ``full_costs``: ``claims_full_cost`` of these claims when already known."""
    run = Run(claims_dir, pop_dir, reference, extra_costs, full_costs)
    common = dict(inhabitants_by_region=inhabitants_by_region, prices=prices)
    return settle_batch([run], contracts, year=year, provider_costs=provider_costs, **common)[0]


@db.on_session
def settle_batch(
    runs: list[Run],
    contracts: LoadedSet,
    *,
    year: int | None = None,
    inhabitants_by_region: dict[str, int] | None = None,
    prices: CostPrices | None = None,
    provider_costs: ProviderCosts | None = None,
) -> list[Settlement]:
    """Settle a batch of replicates (``runs``) under a contract set in one run: their claims
    and populations as one table each with the ``replicate`` key (``frame.REPLICATE``: the
    position in ``runs``), the models that declare ``batched`` once for all, the others once
    per replicate on its part (``Ctx.one``). The same settlements, byte for byte, as
    ``settle`` of each alone. A batch whose populations differ in year, region, scale or view
    (or in having a reference) is settled one by one."""
    if len(runs) > 1 and not _uniform(runs):
        return _one_by_one(runs, contracts, year, inhabitants_by_region, prices, provider_costs)
    batch = len(runs) > 1
    files = [_claims_file(r.claims_dir) for r in runs]
    pops = [_read_population(r.pop_dir) for r in runs]
    for pop in pops:
        contracts.check_paid_providers(pop["providers"])
    prices = prices or load_cost_prices()
    provider_costs = provider_costs or load_provider_costs()
    con = db.session()
    if batch:
        claims = _read_keyed(con, "claims", list(enumerate(files)))
        unf = [(r, f.parent / "unfunded.parquet") for r, f in enumerate(files)]
        unf = [(r, f) for r, f in unf if f.exists() and check_table(f, UNFUNDED) is None]
        unfunded = _read_keyed(con, "unfunded", unf) if unf else None
        pop = {
            k: _keyed_table([p[k] for p in pops]) for k in ("patients", "providers", "financers")
        }
        pop["meta"] = pops[0]["meta"]
        reference = _reference_of(runs)
    else:
        claims = con.read_parquet(str(files[0]), table_name="claims")
        pop, reference, unfunded = pops[0], runs[0].reference, None
    key = [REPLICATE] if batch else []
    per_rep = _service_years_by(claims, len(runs)) if batch else [service_years(claims)]
    contract = {contract_year(y, pop["meta"], year) for y in per_rep}
    if len(contract) > 1:  # the replicates' claims fall in different years: one by one
        return _one_by_one(runs, contracts, year, inhabitants_by_region, prices, provider_costs)
    year, whole = contract.pop()
    outside_of = [[r for r in ys if r["year"] != year and not whole] for ys in per_rep]
    for f, ys, outside in zip(files, per_rep, outside_of, strict=True):
        if ys and len(outside) == len(ys):
            span = ", ".join(str(r["year"]) for r in ys)
            raise ValueError(
                f"{f}: no claim line is dated in the contract year {year} (years of "
                f"service: {span}); give one of those years, or leave --year out"
            )
    outside_any = any(outside_of)
    if outside_any:
        claims = claims.filter(claims.service_date.year() == year)
    month = claims.service_date.year() * 12 + claims.service_date.month() - 1
    totals_all = (
        claims.group_by(*key)
        .aggregate(
            n=claims.count(),
            cents=claims.amount_cents.sum(),
            m0=month.min(),
            m1=month.max(),
        )
        .order_by(key)
        .to_pyarrow()
        .to_pylist()
        if batch
        else claims.aggregate(
            n=claims.count(),
            cents=claims.amount_cents.sum(),
            m0=month.min(),
            m1=month.max(),
        )
        .to_pyarrow()
        .to_pylist()
    )
    by_rep = {int(t.get(REPLICATE, 0)): t for t in totals_all}
    m0s = [t["m0"] for t in totals_all if t["m0"] is not None]
    totals = {"m0": min(m0s) if m0s else None, "m1": max((t["m1"] or 0) for t in totals_all)}
    counts_months = any(models.model(c.model).needs.months for c in contracts.cs.contracts)
    lines_all = _lines(
        con,
        claims,
        contracts,
        pop["patients"],
        pop["providers"],
        totals["m0"] if counts_months and totals["m0"] is not None else None,
        totals["m1"] or 0,
    )
    sums = _sums(lines_all)
    basis = sums.select(BASIS.names + key).cast(keyed(BASIS, sums))
    classes = _classes(lines_all, pop["patients"])
    work = _work(con, files[0], claims, None if whole or not year else year, unfunded)
    ctx = Ctx(
        year=year,
        patients=pop["patients"],
        providers=pop["providers"],
        financers=pop["financers"],
        inhabitants=_inhabitants(pop["meta"], inhabitants_by_region or {}),
        work=work,
        reference=reference.basis if reference else None,
        basis=basis,
        classes=classes,
        line_sums=sums,
        reference_classes_table=reference.classes if reference else None,
        spend_reference=reference.spend if reference else None,
        scale=float(pop["meta"].get("scale", 1)),
        keys=tuple(key),
        replicates=tuple(range(len(runs))) if batch else (),
    )
    ledger: list[pa.Table] = []
    recon: list[pa.Table] = []
    adjustments: list[dict[str, Any]] = []
    spends: list[pa.Table] = []
    settled: list[tuple[str, Contract | None]] = [(c.id, c) for c in contracts.cs.contracts]
    settled.append((DEFAULT_ID, None))
    for cid, c in settled:
        model = models.model(c.model if c is not None else contracts.cs.default.model)
        lines = lines_all.filter(lines_all.contract_id == cid)
        params = contracts.params[cid]
        part: Part = _each(ctx, model.batched, lines, partial(_base, model, cid, params))
        spend = base_spend(part.ledger_tables(), cid)
        if spend.num_rows == 0:
            spend = keyed(SPEND, lines).empty_table()
        spends.append(spend)
        for j, addon in enumerate(c.addons if c is not None else []):
            a = models.model(addon.model)
            ap = contracts.params[f"{cid}/{j}"]

            part.extend(_each(ctx, a.batched, lines, partial(_addon, a, cid, ap, spend)))
        ledger += part.ledger_tables()
        adjustments += part.adjustments
        if part.recon is not None:
            recon.append(part.recon)
    for b in contracts.cs.budgets:
        bm = models.model(b.model)
        bp = contracts.params[b.id]
        part = _each(ctx, bm.batched, None, partial(_budget, bm, b.id, bp))
        ledger += part.ledger_tables()
        adjustments += part.adjustments
    for route in contracts.grants:  # subsidies: not contracts, the same in every set
        part = _each(ctx, False, None, partial(_grant, route))
        ledger += part.ledger_tables()
        adjustments += part.adjustments
    empty = LEDGER.append(pa.field(REPLICATE, pa.int32())) if batch else LEDGER
    led = _sorted(
        pa.concat_tables(ledger) if ledger else empty.empty_table(),
        [*key, "contract_id", "reason", "payer_id", "payee_id", "patient_id", "law"],
    )
    rec = _sorted(pa.concat_tables(recon), [*key, "contract_id", "provider_id", "financer_id"])
    spend_all = pa.concat_tables(spends)
    out = []
    for r, run in enumerate(runs):

        def mine(t: pa.Table, r: int = r) -> pa.Table:
            return only(t, r) if batch else t

        outside = outside_of[r]
        full_costs = run.full_costs
        if full_costs is None or outside:  # given full costs are of every line
            w = work.filter(work[REPLICATE] == r).drop(REPLICATE) if batch else work
            full_costs = full_cost(w, prices).to_pyarrow()
        costs = _costs(full_costs, pops[r]["providers"], provider_costs, run.reference)
        if run.extra_costs:
            costs = _add_fixed(costs, run.extra_costs)
        adj_r = [
            {k: v for k, v in a.items() if k != REPLICATE}
            for a in adjustments
            if not batch or a[REPLICATE] == r
        ]
        tot = by_rep.get(r, {"n": 0, "cents": 0})
        led_r = mine(led)
        meta = {
            "software": f"passend {__version__}",
            "contract_set": contracts.cs.id,
            "contract_set_file": contracts.path,
            "contract_set_sha256": contracts.sha256,
            "claims": str(files[r]),
            "claims_lines": int(tot["n"]),
            "claims_cents": int(tot["cents"] or 0),
            "population": str(run.pop_dir) if run.pop_dir else None,
            "reference": run.reference is not None,
            "own_reference": [] if run.reference is not None else own_reference(contracts),
            "year": year,
            "service_years": per_rep[r],
            "whole_population": whole and len(per_rep[r]) > 1,
            "outside_contract_year": {
                "lines": sum(x["lines"] for x in outside),
                "amount_cents": sum(x["amount_cents"] for x in outside),
                "years": outside,
            },
        }
        tables = {
            "ledger": led_r,
            "reconciliation": mine(rec),
            "adjustments": pa.Table.from_pylist(adj_r, schema=ADJUSTMENTS),
            "stakeholders": stakeholders(led_r, costs),
            "basis": mine(basis),
            "classes": mine(classes),
            "spend": mine(spend_all).cast(SPEND),
            "costs": costs,
        }
        out.append(Settlement(tables, meta))
    return out


def _one_by_one(
    runs: list[Run],
    contracts: LoadedSet,
    year: int | None,
    inhabitants_by_region: dict[str, int] | None,
    prices: CostPrices | None,
    provider_costs: ProviderCosts | None,
) -> list[Settlement]:
    common = dict(inhabitants_by_region=inhabitants_by_region, prices=prices)
    return [
        settle_batch([r], contracts, year=year, provider_costs=provider_costs, **common)[0]
        for r in runs
    ]


def _base(model: Any, cid: str, params: Any, ctx: Ctx, lines: Any, r: int | None) -> Part:
    return model.settle(ctx, lines, cid, params)


def _addon(
    a: Any, cid: str, params: Any, spend: pa.Table, ctx: Ctx, lines: Any, r: int | None
) -> Part:
    """An add-on on the base's spend (of replicate ``r`` when it is settled alone)."""
    s = spend if r is None else only(spend, r)
    return a.settle(ctx, cid, params, s, lines if a.needs.lines else None)


def _budget(model: Any, bid: str, params: Any, ctx: Ctx, lines: Any, r: int | None) -> Part:
    return model.settle(ctx, bid, params)


def _grant(route: Any, ctx: Ctx, lines: Any, r: int | None) -> Part:
    return apply_grant(ctx, route)


def _each(ctx: Ctx, batched: bool, lines: ibis.Table | None, call: Any) -> Part:
    """``call(ctx, lines, r)`` of a model: once on the batch (``r`` None) when the model is
    ``batched`` or one replicate is settled, else once per replicate ``r`` on its part
    (``frame.per_replicate``: ``Ctx.one``, its lines without the key)."""
    if batched or not ctx.keys:
        return call(ctx, lines, None)

    def one(c: Ctx, r: int | None) -> Part:
        ln = None if lines is None else lines.filter(lines[REPLICATE] == r).drop(REPLICATE)
        return call(c, ln, r)

    return per_replicate(ctx, one)


def own_reference(ls: LoadedSet) -> list[str]:
    """The contracts (and add-ons, ``id/index``) whose model fixes figures from a reference
    run (``Needs.reference``: caps, prices, rates, benchmarks): settled without one, they take
    them from this run's own volume, which ``meta.json`` names so the reader knows."""
    named = [(c.id, c.model) for c in ls.cs.contracts]
    named += [(f"{c.id}/{i}", a.model) for c in ls.cs.contracts for i, a in enumerate(c.addons)]
    return sorted(cid for cid, name in named if models.model(name).needs.reference)


def write_settlement(s: Settlement, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in s.tables.items():
        write_parquet(table.cast(TABLES[name]), out_dir / f"{name}.parquet")
    (out_dir / "meta.json").write_text(
        json.dumps(s.meta, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def kind_totals(stakeholders: Any) -> list[dict[str, Any]]:
    """Money in, out, cost and margin per kind of stakeholder (a handful of rows), in the
    order of ``KINDS``."""
    st = ibis.memtable(stakeholders)
    g = st.group_by("kind").aggregate(
        money_in_cents=st.money_in_cents.sum(),
        money_out_cents=st.money_out_cents.sum(),
        cost_cents=st.cost_cents.sum(),
        margin_cents=st.margin_cents.sum(),
    )
    rows = g.to_pyarrow().to_pylist()
    return sorted(rows, key=lambda r: KINDS.index(r["kind"]) if r["kind"] in KINDS else 99)
