"""Declare activities as claims (declaraties) under the catalogue's rules.

The rules are the wegwijzer's (:func:`candidate_titles`, :func:`claimant_for`): one source of
truth. They are resolved once per distinct combination of activity, professional, specialty,
setting, provider kind and the patient's Wlz status (a few hundred combinations, in Python),
into a small rules table; the activities (millions of rows) are then joined with it and priced
as one dataframe expression in Ibis on DuckDB (DESIGN section 8), so the same code can run on
another Ibis backend.

Choices, documented for users:

- Every activity is priced with the rules and tariffs of the year of its own date (its year
  of service): a population of the people who die in Y (``population generate``'s default
  view, ``deaths``) has care in Y-1 too, and that care is priced with Y-1's tariffs. The rules
  table is built per combination and year of service (still a few hundred rows, not rows of
  activities), and a claim's ``year`` is its year of service. The catalogue's policy values
  (``regular_consult_minutes``) are read per year of service as well.
- Care dated before the catalogue's first year (``meta.first_year``) is not priced with a later
  year's rules: it goes to ``unfunded`` with the reason ``no_rules`` (no financing gap: the
  catalogue does not know that year). Later years answer from the dated rules; a title without
  an amount for such a year is ``no_amount``.
- The declaration's year (the summary's ``year``) comes from the data: the population's
  ``meta.json``, or, for an imported population without one, the year most activities fall
  in. ``--year`` checks it (a population with ``meta.json`` of another year is refused) or,
  without ``meta.json``, names it (a year in which some activity falls); it never reprices.
- Only titles with status ``claimable`` and an amount for the year are declared; experimental
  titles need a contract and are applied by the settlement's contracts. When several titles
  fit, the lowest ``priority`` wins, then catalogue order; time-banded titles (GP consults) are
  chosen by the activity's minutes (a row in another unit counts as a regular consult: the
  catalogue's policy default ``regular_consult_minutes``, 10 minutes, an assumption).
- Line amount = tariff x quantity in the title's unit, rounded half away from zero to the
  cent, once per line. Hourly titles convert minutes to hours; day titles count days;
  per-event titles count one per event.
- The financer follows the law: Zvw the patient's insurer, Wlz the care office, Wmo the
  municipality, subsidies the government ('vws').
- Activities that no line pays for go to the ``unfunded`` table with a reason code:
  ``no_title`` (no title for this professional, setting and year), ``contract_only`` (only
  titles agreed freely in a contract, without an amount), ``no_amount`` (a title without an
  amount for the year), ``lump_funded`` (paid from a lump subsidy, no claim line) or
  ``included`` (paid within another line, e.g. inpatient days within the admission DBC, or
  nursing and a GP's consult within an ELV or Wlz day tariff, also when another provider
  claims that line: ``Title.includes``, the same data the wegwijzer reads); the
  first three are financing gaps. Each row carries the routes the catalogue names and its cost
  at the stated cost price.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from pydantic import BaseModel, ConfigDict, NonNegativeInt

from passend import db
from passend.catalogue.loader import Catalogue, load_model_file
from passend.catalogue.schema import Source, Title
from passend.claims.tables import CLAIMS, UNFUNDED
from passend.population.tables import SCHEMAS
from passend.tables import check_table, write_parquet
from passend.wegwijzer.navigator import (
    candidate_titles,
    claimant_for,
    included_in,
    meant_activities,
)

COST_PRICES = Path(__file__).parent / "data" / "cost_prices.yaml"
GAPS = ("no_title", "contract_only", "no_amount")
NO_RULES = "no_rules"

REASONS = {
    "no_title": "Geen betaaltitel voor deze activiteit, zorgverlener, setting en dit jaar.",
    "contract_only": "Alleen vrij af te spreken in een contract; de catalogus kent geen bedrag.",
    "no_amount": "De betaaltitel heeft geen bedrag voor dit jaar.",
    "lump_funded": "Betaald uit een vast budget of subsidie; geen declaratieregel.",
    "included": "Inbegrepen in een andere declaratieregel; niet apart gedeclareerd.",
    "no_rules": "Geen regels voor het jaar van de zorg: het ligt vóór het eerste jaar van de catalogus.",
}


class CostPrices(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Source
    assumption: bool = False
    sources: list[Source] = []
    """Public sources of the values that are not assumptions (named in the file's comments)."""
    hourly_cents: dict[str, NonNegativeInt]
    day_cents: dict[str, NonNegativeInt]
    minutes_per_event: dict[str, NonNegativeInt]


def load_cost_prices(path: Path | None = None) -> CostPrices:
    """The cost prices (``path`` or the shipped ones); a wrong file is a CatalogueError."""
    return load_model_file(path or COST_PRICES, CostPrices)


def cost_expr(
    unit: ibis.Value,
    quantity: ibis.Value,
    hourly_cents: ibis.Value,
    day_cents: ibis.Value,
    event_minutes: ibis.Value,
) -> ibis.Value:
    """Cost of work at the cost prices, in cents: minutes (or counted events x their minutes)
    at the professional's hourly rate, rounded half up once, plus days at the day price."""
    minutes = ibis.cases(
        (unit == "minutes", quantity), (unit == "count", quantity * event_minutes), else_=0
    )
    return db.floor_div(minutes * hourly_cents * 2 + 60, 120) + ibis.ifelse(
        unit == "days", quantity * day_cents, 0
    )


@dataclass
class Declaration:
    claims: pa.Table
    unfunded: pa.Table
    summary: dict[str, Any]


def _rule_for(
    cat: Catalogue,
    year: int,
    activity: str,
    professional: str,
    specialty: str | None,
    setting: str,
    provider_kind: str | None,
    wlz: bool | None,
) -> tuple[list[Title], str | None]:
    """The titles to declare for one combination (several for a time-banded family), or none
    and the reason code."""
    acts = meant_activities(cat, activity, professional)
    payable, fitting = [], []
    for t in candidate_titles(cat, activity, setting, year, professional):
        if t.status != "claimable":
            continue
        if t.patient_wlz is not None and wlz is not None and t.patient_wlz != wlz:
            continue
        if wlz is None and t.patient_bound and t.tariff_kind != "lump":
            continue  # no patient, so no insurer to pay a patient-bound line
        payable.append(t)
        if claimant_for(cat, t, professional, specialty, provider_kind) is not None:
            fitting.append(t)
    if not fitting:
        # paid within another provider's integral line (a GP's consult in an ELV stay)
        if any(included_in(t, acts) for t in payable):
            return [], "included"
        return [], "no_title"
    order = {code: i for i, code in enumerate(cat.titles)}
    priced = sorted(
        (
            t
            for t in fitting
            if t.tariff_kind != "lump" and (x := t.tariff(year)) and x.cents is not None
        ),
        key=lambda t: (t.priority, order[t.code]),
    )
    if not priced:
        if any(t.tariff_kind == "lump" for t in fitting):
            return [], "lump_funded"
        if all(t.contract_required and not t.tariffs for t in fitting):
            return [], "contract_only"
        return [], "no_amount"
    best = priced[0]
    if included_in(best, acts):
        return [], "included"
    if best.time_band is None:
        return [best], None
    family = [
        t
        for t in priced
        if t.time_band is not None and t.unit == best.unit and t.priority == best.priority
    ]
    return family, None


KEY_COLS = [
    "k_activity",
    "k_professional",
    "k_specialty",
    "k_setting",
    "k_provider_kind",
    "k_wlz",
    "k_year",
]
RULES = pa.schema(
    [
        ("k_activity", pa.string()),
        ("k_professional", pa.string()),
        ("k_specialty", pa.string()),
        ("k_setting", pa.string()),
        ("k_provider_kind", pa.string()),
        ("k_wlz", pa.int8()),
        ("k_year", pa.int16()),
        ("title_code", pa.string()),
        ("band_min", pa.int64()),
        ("band_max", pa.int64()),
        ("tariff_cents", pa.int64()),
        ("placeholder", pa.bool_()),
        ("law", pa.string()),
        ("financer_kind", pa.string()),
        ("sector", pa.string()),
        ("title_unit", pa.string()),
        ("reason_code", pa.string()),
        ("reason", pa.string()),
        ("routes", pa.string()),
        ("hourly_cents", pa.int64()),
        ("day_cents", pa.int64()),
        ("minutes_per_event", pa.int64()),
        ("regular_minutes", pa.int64()),
    ]
)
"""The rules table: one row per combination of the key columns (the year of service among
them) and title (a time-banded family has a row per band), or one row with the reason when no
title pays."""


def _rules_table(cat: Catalogue, keys: pa.Table, prices: CostPrices) -> pa.Table:
    rows: dict[str, list[Any]] = {name: [] for name in RULES.names}
    for key in keys.to_pylist():  # distinct combinations and years, not rows
        year = key["k_year"]
        wlz = None if key["k_wlz"] < 0 else bool(key["k_wlz"])
        known = year >= cat.meta.first_year
        titles, reason = (
            _rule_for(
                cat,
                year,
                key["k_activity"],
                key["k_professional"],
                key["k_specialty"] or None,
                key["k_setting"],
                key["k_provider_kind"] or None,
                wlz,
            )
            if known
            else ([], NO_RULES)
        )
        routes = ";".join(
            r.id
            for r in cat.routes.values()
            if known and key["k_activity"] in r.applies_to.activities and r.valid_in(year)
        )
        common = {
            **key,
            "routes": routes,
            "hourly_cents": prices.hourly_cents.get(key["k_professional"], 0),
            "day_cents": prices.day_cents.get(key["k_activity"], 0),
            "minutes_per_event": prices.minutes_per_event.get(
                key["k_activity"], prices.minutes_per_event.get("default", 30)
            ),
            "regular_minutes": (
                int(cat.policy("regular_consult_minutes", year)) if known else None
            ),
        }
        for t in titles or [None]:
            tariff = t.tariff(year) if t is not None else None
            entry = {
                **common,
                "title_code": t.code if t else None,
                "band_min": t.time_band.min_minutes if t and t.time_band else None,
                "band_max": t.time_band.max_minutes if t and t.time_band else None,
                "tariff_cents": tariff.cents if tariff else None,
                "placeholder": tariff.placeholder if tariff else None,
                "law": t.law if t else None,
                "financer_kind": t.financer_kind if t else None,
                "sector": t.sector if t else None,
                "title_unit": t.unit if t else None,
                "reason_code": reason,
                "reason": REASONS[reason] if reason else None,
            }
            for name in rows:
                rows[name].append(entry[name])
    table = pa.table(rows, schema=RULES)
    return table.append_column("rule_id", pa.array(np.arange(table.num_rows, dtype=np.int32)))


def population_year(pop_dir: Path) -> int | None:
    """The year in the population's ``meta.json`` (None without one)."""
    meta = pop_dir / "meta.json"
    if meta.exists():
        return int(json.loads(meta.read_text(encoding="utf-8"))["year"])
    return None


def declaration_year(pop_dir: Path, service_years: dict[int, int], year: int | None) -> int:
    """The declaration's year, from the data: ``meta.json``'s (``year`` must agree), else the
    year most activities fall in (the latest of a tie), or ``year`` when some activity falls in
    it. ``service_years``: activities per year of service. A disagreement is a ValueError that
    says what to do."""
    meta_year = population_year(pop_dir)
    if meta_year is not None:
        if year is not None and year != meta_year:
            raise ValueError(
                f"{pop_dir / 'meta.json'}: the population is of {meta_year}, not {year}; leave "
                "--year out (every line is priced by the rules of its own year of service)"
            )
        return meta_year
    if year is not None:
        if year not in service_years:
            span = f"{min(service_years)}-{max(service_years)}" if service_years else "none"
            raise ValueError(
                f"{pop_dir / 'activities.parquet'}: no activity falls in {year} (years of "
                f"service: {span}); leave --year out to take the year from the activities"
            )
        return year
    if not service_years:
        raise ValueError(f"{pop_dir / 'activities.parquet'}: no activities, so no year")
    return max(service_years, key=lambda y: (service_years[y], y))


@db.on_session
def declare(
    cat: Catalogue, pop_dir: Path, year: int | None = None, prices: CostPrices | None = None
) -> Declaration:
    """Declare the activities of the population in ``pop_dir``, each by the rules of its year
    of service; ``year`` checks (or, without ``meta.json``, names) the declaration's year."""
    if population_year(pop_dir) is not None:  # refuse a wrong --year before the work
        year = declaration_year(pop_dir, {}, year)
    prices = prices or load_cost_prices()
    for name in ("activities", "patients", "providers"):
        if name != "providers" or (pop_dir / "providers.parquet").exists():
            check_table(pop_dir / f"{name}.parquet", SCHEMAS[name])
    con = db.session()
    # the activities with their row in the file, which fixes the claims' order on every engine
    acts = db.read_parquet_numbered(con, "activities", pop_dir / "activities.parquet")
    pats = con.read_parquet(str(pop_dir / "patients.parquet"), table_name="patients").select(
        "wlz", "insurer_id", "care_office_id", "municipality_id", p_id="patient_id"
    )
    a = acts.left_join(pats, acts.patient_id == pats.p_id)
    if (pop_dir / "providers.parquet").exists():
        provs = con.read_parquet(str(pop_dir / "providers.parquet"), table_name="providers")
        provs = provs.select("provider_kind", pr_id="provider_id")
        a = a.left_join(provs, a.provider_id == provs.pr_id)
    else:
        a = a.mutate(provider_kind=ibis.null("string"))
    a = a.mutate(
        k_activity=a.activity,
        k_professional=a.professional,
        k_specialty=a.specialty.fill_null(""),
        k_setting=a.setting,
        k_provider_kind=a.provider_kind.fill_null(""),
        k_wlz=a.wlz.cast("int8").fill_null(-1),
        k_year=a.date.year().cast("int16"),
    )
    keys = a.select(*KEY_COLS).distinct().order_by(KEY_COLS).to_pyarrow()
    rules_arrow = _rules_table(cat, keys, prices)
    rules = db.register(con, "rules", rules_arrow)

    j = a.inner_join(rules, [a[k] == rules[k] for k in KEY_COLS])
    j = j.mutate(eff_minutes=ibis.ifelse(j.unit == "minutes", j.quantity, j.regular_minutes))
    j = j.filter(
        j.band_min.isnull()
        | ((j.eff_minutes >= j.band_min) & (j.band_max.isnull() | (j.eff_minutes < j.band_max)))
    )
    q = j.quantity
    units_num = ibis.cases(
        ((j.title_unit == "hour") & (j.unit == "minutes"), q),
        ((j.title_unit == "hour") & (j.unit == "days"), q * 1440),
        (j.title_unit == "hour", q * 60),
        ((j.title_unit == "day") & (j.unit == "days"), q),
        (j.title_unit == "day", ibis.literal(1, "int64")),
        (j.unit == "count", q),
        else_=ibis.literal(1, "int64"),
    )
    units_den = ibis.ifelse(j.title_unit == "hour", 60, 1).cast("int64")
    financer = ibis.cases(
        (j.law == "zvw", j.insurer_id),
        (j.law == "wlz", j.care_office_id),
        (j.law == "wmo", j.municipality_id),
        else_=ibis.literal("vws"),
    )
    # One pass over the activities in the engine, returning only what varies per row; the text
    # columns come from the activities file and the small rules table (Arrow takes).
    priced = j.select(
        row=j[db.ROW_NUMBER],
        rule_id=j.rule_id,
        financer_id=financer,
        amount_cents=db.floor_div(j.tariff_cents * units_num * 2 + units_den, units_den * 2),
        cost_cents=cost_expr(j.unit, q, j.hourly_cents, j.day_cents, j.minutes_per_event),
    ).to_pyarrow()
    priced = priced.take(pc.sort_indices(priced["row"]))
    # read after the query, not registered as its input: the engine scans the file itself
    activities = pq.read_table(pop_dir / "activities.parquet")
    n_acts = activities.num_rows
    service_year = pc.cast(pc.year(activities["date"]), pa.int16())
    per_year = pc.value_counts(service_year).to_pylist()
    year = declaration_year(pop_dir, {int(v["values"]): int(v["counts"]) for v in per_year}, year)
    if (
        priced.num_rows != n_acts
        or not pc.all(pc.equal(priced["row"], pa.array(np.arange(n_acts)))).as_py()
    ):
        raise RuntimeError("declaration lost or duplicated activities (rules not exclusive)")
    # The rule columns each table needs, taken once by the rule ids of its own rows (not every
    # rule column for every row, then filtered).
    rid = priced["rule_id"]
    claimed = pc.is_valid(rules_arrow["title_code"]).take(rid)
    unclaimed = pc.invert(claimed)
    rid_c = rid.filter(claimed)
    rid_u = rid.filter(unclaimed)

    def rule(name: str, ids: pa.ChunkedArray) -> pa.ChunkedArray:
        return rules_arrow[name].take(ids)

    def claimed_only(col: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        return col.filter(claimed)

    n_claims = len(rid_c)
    ids = pc.binary_join_element_wise(
        "C", pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n_claims + 1)), pa.string()), 10, "0"), ""
    )
    claims_t = pa.table(
        {
            "claim_id": ids,
            "patient_id": claimed_only(activities["patient_id"]),
            "provider_id": claimed_only(activities["provider_id"]),
            "financer_id": claimed_only(priced["financer_id"]),
            "financer_kind": rule("financer_kind", rid_c),
            "law": rule("law", rid_c),
            "title_code": rule("title_code", rid_c),
            "sector": rule("sector", rid_c),
            "activity": claimed_only(activities["activity"]),
            "professional": claimed_only(activities["professional"]),
            "specialty": claimed_only(activities["specialty"]),
            "setting": claimed_only(activities["setting"]),
            "service_date": claimed_only(activities["date"]),
            "quantity": claimed_only(activities["quantity"]),
            "unit": claimed_only(activities["unit"]),
            "tariff_cents": rule("tariff_cents", rid_c),
            "amount_cents": claimed_only(priced["amount_cents"]),
            "patient_bound": claimed_only(activities["patient_bound"]),
            "year": claimed_only(service_year),
            "tariff_placeholder": rule("placeholder", rid_c),
            "above_max_tariff": pa.array(np.zeros(n_claims, dtype=bool)),
            "source_activity_id": claimed_only(activities["activity_id"]),
            "code_list": pa.nulls(n_claims, pa.string()),
        }
    ).cast(CLAIMS)
    unfunded_t = pa.table(
        {
            **{
                name: activities[name].filter(unclaimed)
                for name in (
                    "activity_id",
                    "patient_id",
                    "provider_id",
                    "activity",
                    "professional",
                    "setting",
                    "date",
                    "quantity",
                    "unit",
                    "patient_bound",
                )
            },
            "reason_code": rule("reason_code", rid_u),
            "reason": rule("reason", rid_u),
            "routes": rule("routes", rid_u),
            "cost_cents": priced["cost_cents"].filter(unclaimed),
        }
    ).cast(UNFUNDED)
    provider_kinds = (
        pq.read_table(pop_dir / "providers.parquet", columns=["provider_id", "provider_kind"])
        if (pop_dir / "providers.parquet").exists()
        else None
    )
    summary = summarise(claims_t, unfunded_t, provider_kinds, year, n_acts)
    return Declaration(claims_t, unfunded_t, summary)


def _group(
    table: pa.Table, keys: list[str], aggs: list[tuple[str, str, str]], sort: str
) -> list[dict[str, Any]]:
    """Group with Arrow (C++), rename the aggregates and sort: largest first, then by keys."""
    out = table.group_by(keys).aggregate([(col, fn) for col, fn, _ in aggs])
    names = {f"{c}_{f}": name for c, f, name in aggs}
    out = out.rename_columns([names.get(n, n) for n in out.column_names])
    return out.sort_by([(sort, "descending"), *((k, "ascending") for k in keys)]).to_pylist()


def summarise(
    claims: pa.Table, unfunded: pa.Table, providers: pa.Table | None, year: int, n_acts: int
) -> dict[str, Any]:
    """Claims and amounts per law, financer kind, financer, sector, title, provider kind and
    year of service (``by_year``); unfunded rows, volume and cost per reason and activity.
    ``year`` is the declaration's year (the population's), not the years of service."""
    if providers is not None:
        kinds = providers["provider_kind"].take(
            pc.index_in(claims["provider_id"], value_set=providers["provider_id"])
        )
    else:
        kinds = pa.nulls(claims.num_rows, pa.string())
    c = claims.append_column("provider_kind", pc.fill_null(kinds, "unknown"))
    money = [("claim_id", "count", "lines"), ("amount_cents", "sum", "amount_cents")]

    def by(*cols: str) -> list[dict[str, Any]]:
        return _group(c, list(cols), money, "amount_cents")

    per_reason = _group(
        unfunded,
        ["reason_code"],
        [("activity_id", "count", "rows"), ("cost_cents", "sum", "cost_cents")],
        "cost_cents",
    )
    per_activity = _group(
        unfunded,
        ["reason_code", "activity", "unit", "routes"],
        [
            ("activity_id", "count", "rows"),
            ("quantity", "sum", "quantity"),
            ("cost_cents", "sum", "cost_cents"),
        ],
        "cost_cents",
    )
    total = int(pc.sum(claims["amount_cents"]).as_py() or 0)
    gap_rows = sum(r["rows"] for r in per_reason if r["reason_code"] in GAPS)
    gap_cost = sum(r["cost_cents"] for r in per_reason if r["reason_code"] in GAPS)
    return {
        "year": year,
        "activities": n_acts,
        "claims": {"lines": claims.num_rows, "amount_cents": total},
        "not_claimed": {
            "rows": unfunded.num_rows,
            "gap_rows": gap_rows,
            "gap_cost_cents": gap_cost,
        },
        "reconciles": claims.num_rows + unfunded.num_rows == n_acts,
        "by_law": by("law"),
        "by_financer_kind": by("financer_kind"),
        "by_financer": by("financer_kind", "financer_id"),
        "by_sector": by("sector"),
        "by_title": by("title_code"),
        "by_provider_kind": by("provider_kind"),
        "by_year": sorted(by("year"), key=lambda r: r["year"]),
        "unfunded_by_reason": per_reason,
        "unfunded_by_activity": per_activity,
    }


def write_declaration(dec: Declaration, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(dec.claims, out_dir / "claims.parquet")
    write_parquet(dec.unfunded, out_dir / "unfunded.parquet")
    (out_dir / "summary.json").write_text(
        json.dumps(dec.summary, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
