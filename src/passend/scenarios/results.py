"""What a scenario's results show (DESIGN section 7), each computed as a dataframe query:

- ``groups``: per replicate, contract set and arm (baseline, intervention), per stakeholder group
  (each provider kind, insurers, care offices, municipalities, patients, the government) money
  in, money out, cost and margin;
- ``wrong_pocket``: per contract set and group the change from baseline to intervention (mean
  and interval over the replicates): who pays for the intervention (its cost rises) and who
  receives the savings (money out falls or margin rises);
- ``outcomes``: per replicate and arm: deaths at home and at the preferred place, hospital
  admissions and ED visits in the last 30 days of life;
- ``incentives``: per contract set and provider kind, the marginal revenue, cost and margin of
  one avoided admission, ED visit and ICU day, and of one extra consultation, ACP
  conversation and nursing hour, from the baseline's lines and the model that pays them.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from passend import db
from passend.claims.declare import CostPrices
from passend.settlement import models
from passend.settlement.contracts import LoadedSet
from passend.settlement.costs import ProviderCosts
from passend.settlement.engine import DEFAULT_ID, assign_contracts
from passend.settlement.frame import MARGINAL_COLUMNS, Margin, PrincipalParams

# The group of each financer kind in the wrong-pocket tables (names: passend.i18n.PARTY_LABELS).
GROUP_OF_KIND = {
    "health_insurer": "health_insurer",
    "care_office": "care_office",
    "municipality": "municipality",
    "government": "government",
    "patient": "patient",
}

# The units of seed 003's "spagaat" and of the transmural team's work (DESIGN section 7):
# (label, activity, sign: -1 avoided / +1 extra, units per event, unit of the activity)
MARGINAL_UNITS = [
    ("avoided_admission", "hospital_admission", -1),
    ("avoided_ed_visit", "ed_visit", -1),
    ("avoided_icu_day", "icu_day", -1),
    ("extra_consultation", "palliative_consultation", 1),
    ("extra_acp", "advance_care_planning", 1),
    ("extra_nursing_hour", "nursing", 1),
]
UNFUNDED_ID = "(unfunded)"
SIGN_OF = {activity: sign for _, activity, sign in MARGINAL_UNITS} | {"hospital_day": -1}
"""The direction each activity is asked in (an admission's inpatient days go with it)."""
LINE_KEYS = ("contract_id", "provider_kind", "provider_id", "activity", "professional")


def groups(stakeholders: pa.Table) -> pa.Table:
    """Per stakeholder group: providers by kind, the others by their kind (one row per
    stakeholder in, Arrow's group-by)."""
    is_provider = pc.equal(stakeholders["kind"], "provider")
    grp = pc.if_else(
        is_provider, pc.fill_null(stakeholders["provider_kind"], "provider"), stakeholders["kind"]
    )
    cols = ["money_in_cents", "money_out_cents", "cost_cents", "margin_cents"]
    t = pa.table({"group": grp, **{c: stakeholders[c] for c in cols}})
    g = t.group_by("group").aggregate([(c, "sum") for c in cols])
    g = g.rename_columns(
        ["group" if n == "group" else n.removesuffix("_sum") for n in g.column_names]
    )
    return g.select(["group", *cols]).sort_by("group")


HEADLINE_OUTCOMES = (
    "deaths_home",
    "deaths_preferred",
    "deaths_hospital",
    "admissions_last_30d",
    "ed_visits_last_30d",
)
"""The outcomes the command line and the report show, per patient."""
OUTCOME_KEYS = (*HEADLINE_OUTCOMES, "ed_visits", "admissions_via_ed", "admissions_other")
"""Every count of ``outcomes`` besides ``patients`` (the summary's per-patient figures)."""
SUBSETS = ("all", "reached")
"""Outcome rows per arm: every patient, and the patients the intervention reaches (its
``reach``; everyone when none is given), in both arms."""


@db.on_session
def outcomes(pop_dir: Path) -> list[dict[str, Any]]:
    """Patient-level outcomes next to the money, per subset (``SUBSETS``): deaths at home, at
    the preferred place and in hospital; admissions and ED visits in the last 30 days; and in
    the last year of life ED visits (with and without admission), admissions via the ED (an
    admission with an ED visit of the patient on its day) and other admissions."""
    con = db.session()
    p = con.read_parquet(str(pop_dir / "patients.parquet"), table_name="patients")
    a = con.read_parquet(str(pop_dir / "activities.parquet"), table_name="activities")
    p = p.mutate(in_reach=p.reached.fill_null(True))
    a = a.filter(a.activity.isin(["hospital_admission", "ed_visit"]) & a.patient_id.notnull())
    dd = p.select(pid="patient_id", death_date="death_date", in_reach="in_reach")
    j = a.inner_join(dd, a.patient_id == dd.pid)
    year = j.filter(j.date > j.death_date - ibis.interval(days=365))
    ed_days = (
        year.filter(year.activity == "ed_visit")
        .select(e_pid="patient_id", e_date="date")
        .distinct()
    )
    adm = year.filter(year.activity == "hospital_admission")
    adm = adm.left_join(ed_days, (adm.patient_id == ed_days.e_pid) & (adm.date == ed_days.e_date))
    adm = adm.mutate(via_ed=adm.e_pid.notnull())

    def one(x: ibis.Value) -> ibis.Value:
        return x.cast("int64").sum()

    last30 = year.date > year.death_date - ibis.interval(days=30)
    events = year.aggregate(
        by=[year.in_reach],
        admissions_last_30d=one(last30 & (year.activity == "hospital_admission")),
        ed_visits_last_30d=one(last30 & (year.activity == "ed_visit")),
        ed_visits=one(year.activity == "ed_visit"),
    )
    admissions = adm.aggregate(
        by=[adm.in_reach], admissions_via_ed=one(adm.via_ed), admissions_other=one(~adm.via_ed)
    )
    people = p.aggregate(
        by=[p.in_reach],
        patients=p.count(),
        deaths_home=one(p.place_of_death == "home"),
        deaths_preferred=one(p.place_of_death == p.preferred_place_of_death),
        deaths_hospital=one(p.place_of_death == "hospital"),
    )
    rows = {
        t: {r["in_reach"]: r for r in x.to_pyarrow().to_pylist()}
        for t, x in (("events", events), ("admissions", admissions), ("people", people))
    }
    keys = {
        "people": ("patients", "deaths_home", "deaths_preferred", "deaths_hospital"),
        "events": ("admissions_last_30d", "ed_visits_last_30d", "ed_visits"),
        "admissions": ("admissions_via_ed", "admissions_other"),
    }
    out = []
    for subset, flags in (("all", (True, False)), ("reached", (True,))):
        row: dict[str, Any] = {"subset": subset}
        for t, names in keys.items():
            for k in names:
                row[k] = sum(int(rows[t].get(f, {}).get(k) or 0) for f in flags)
        out.append(row)
    return out


def _marginal_lines(
    t: ibis.Table, ls: LoadedSet, providers: pa.Table | None
) -> tuple[ibis.Table | None, dict[str, str]]:
    """Every claim line of the marginal units with what one unit more (extra units) or fewer
    (avoided units) pays, as the model of the contract that settles it answers
    (``models.<model>.marginal``, given all the contract's lines: caps and norms bind on the
    pair's totals). Also the principal of each contract that has one. A model without a
    ``marginal`` (``protocol.Model``) does not answer per unit: its lines are left out."""
    ids = [(c.id, c.model) for c in ls.cs.contracts] + [(DEFAULT_ID, ls.cs.default.model)]
    parts, principals = [], {}
    for cid, name in ids:
        marginal = models.model(name).marginal
        if marginal is None:
            continue
        p = ls.params[cid]
        principal = p.principal_in(providers, cid) if isinstance(p, PrincipalParams) else None
        if principal is not None:
            principals[cid] = principal
        lines = t.filter(t.contract_id == cid)
        for direction in (1, -1):
            acts = [a for a, sign in SIGN_OF.items() if sign == direction]
            m = marginal(lines, p, Margin(cid, direction, principal))
            m = m.filter(m.activity.isin(acts) & m.provider_kind.notnull())
            parts.append(m.select(*LINE_KEYS, "unit", "quantity", *MARGINAL_COLUMNS))
    return (ibis.union(*parts, distinct=False) if parts else None), principals


@db.on_session
def incentives(
    claims_file: Path,
    ls: LoadedSet,
    patients: pa.Table | None,
    providers: pa.Table | None,
    prices: CostPrices,
    pcosts: ProviderCosts,
) -> pa.Table:
    """Marginal revenue, cost and margin per provider kind of one unit of each activity of
    MARGINAL_UNITS under the contract set, from the baseline's claim lines:

        revenue per unit = what the model of the contract that settles the unit's lines pays
                           for one unit more (extra units) or fewer (avoided units)
                           (``models.<model>.marginal``: PxQ its price at the tariff share, a
                           revenue cap the share above the cap where it binds, an hourly rate
                           less the payback above the norm, a lump sum or availability 0
                           within the corridor, a bundle or capitation 0 to the principal and
                           the subcontract price to the others, ...) / units; unfunded work 0
        cost per unit    = variable share of the kind x cost price of the unit
        margin per unit  = sign x (revenue - cost)      (sign -1 for an avoided unit)
    A unit at a subcontractor also counts for the principal's kind, with what it pays or
    saves the principal (cost 0: the principal does not deliver it): who keeps the savings.
    An admission counts with its inpatient days (their revenue and cost per admission).
    Add-ons (shared savings, pay for performance) act on totals and are left out."""
    con = db.session()
    claims = con.read_parquet(str(claims_file), table_name="claims")
    t = assign_contracts(claims, ls, patients, providers, with_kind=True)
    acts = list(SIGN_OF)
    m, principal_of = _marginal_lines(t, ls, providers)
    assert m is not None  # the default contract answers at least
    # units as exact integer sums (minutes apart), not float sums: a float sum depends on the
    # order DuckDB's threads add in, and the figures must not depend on the thread count
    is_min = m.unit == "minutes"
    g = m.group_by(*LINE_KEYS).aggregate(
        price=m.to_provider.sum().cast("int64"),
        to_principal=m.to_principal.sum().cast("int64"),
        minutes=ibis.ifelse(is_min, m.quantity, 0).sum().cast("int64"),
        other=ibis.ifelse(is_min, 0, m.quantity).sum().cast("int64"),
    )
    rows = g.to_pyarrow().to_pylist()  # aggregated groups, not claim lines
    unfunded = claims_file.parent / "unfunded.parquet"
    if unfunded.exists() and providers is not None:
        # work no title pays for (e.g. the consultation team's consultations): revenue 0
        u = con.read_parquet(str(unfunded), table_name="unfunded")
        pk = db.register(con, "u_providers", providers.select(["provider_id", "provider_kind"]))
        pk = pk.rename(u_pid="provider_id")
        u = u.filter(u.activity.isin(acts)).inner_join(pk, u.provider_id == pk.u_pid)
        u_min = u.unit == "minutes"
        ug = u.group_by("provider_kind", "provider_id", "activity", "professional").aggregate(
            minutes=ibis.ifelse(u_min, u.quantity, 0).sum().cast("int64"),
            other=ibis.ifelse(u_min, 0, u.quantity).sum().cast("int64"),
        )
        for r in ug.to_pyarrow().to_pylist():  # aggregated groups
            rows.append({**r, "contract_id": UNFUNDED_ID, "price": 0, "to_principal": 0})
    kind_of = (
        dict(
            zip(
                providers["provider_id"].to_pylist(),
                providers["provider_kind"].to_pylist(),
                strict=True,
            )
        )
        if providers is not None
        else {}
    )
    acc: dict[tuple[str, str], dict[str, Any]] = {}
    # in a fixed order (the engine returns groups in any order): the float cost sums below
    # then do not depend on it
    for r in sorted(rows, key=lambda r: tuple(r[k] for k in LINE_KEYS)):
        units = Fraction(r["other"]) + Fraction(r["minutes"], 60)
        principal = principal_of.get(r["contract_id"])
        if principal is not None and principal != r["provider_id"] and principal in kind_of:
            # the principal pays (or saves) the subcontract of another's unit
            a = acc.setdefault(
                (kind_of[principal], r["activity"]),
                {"paid": 0, "units": Fraction(0), "cost": 0.0},
            )
            a["paid"] += r["to_principal"]
            a["units"] += units
        unit_minutes = (
            60
            if r["activity"] == "nursing"
            else prices.minutes_per_event.get(
                r["activity"], prices.minutes_per_event.get("default", 30)
            )
        )
        full = (
            prices.day_cents.get(r["activity"], 0)
            if r["activity"] in prices.day_cents
            else unit_minutes * prices.hourly_cents.get(r["professional"], 0) / 60
        )
        var = float(Decimal(str(pcosts.for_kind(r["provider_kind"]).variable_share))) * full
        a = acc.setdefault(
            (r["provider_kind"], r["activity"]), {"paid": 0, "units": Fraction(0), "cost": 0.0}
        )
        a["paid"] += r["price"]
        a["units"] += units
        a["cost"] += var * float(units)
    for (kind, act), a in list(acc.items()):
        # an avoided admission also avoids its inpatient days (paid inside the admission's
        # DBC or apart): their revenue and cost per admission are added to the admission
        days = acc.get((kind, "hospital_day"))
        if act == "hospital_admission" and days and a["units"] > 0:
            a["paid"] += days["paid"]
            a["cost"] += days["cost"]
    out = []
    for label, activity, sign in MARGINAL_UNITS:
        for (kind, act), a in sorted(acc.items()):
            if act != activity or a["units"] <= 0:
                continue
            rev, cost = float(a["paid"] / a["units"]), a["cost"] / float(a["units"])
            out.append(
                {
                    "contract_set": ls.cs.id,
                    "provider_kind": kind,
                    "unit": label,
                    "units_in_baseline": _one_decimal(a["units"]),
                    "revenue_cents": round(sign * rev),
                    "cost_cents": round(sign * cost),
                    "margin_cents": round(sign * (rev - cost)),
                }
            )
    schema = pa.schema(
        [
            ("contract_set", pa.string()),
            ("provider_kind", pa.string()),
            ("unit", pa.string()),
            ("units_in_baseline", pa.float64()),
            ("revenue_cents", pa.int64()),
            ("cost_cents", pa.int64()),
            ("margin_cents", pa.int64()),
        ]
    )
    return pa.Table.from_pylist(out, schema=schema)


def _one_decimal(x: Fraction) -> float:
    """``x`` (not negative) rounded half up to one decimal, exactly."""
    return float(Fraction(math.floor(x * 10 + Fraction(1, 2)), 10))


def interval(values: list[float], lo: float, hi: float) -> tuple[float, float, float]:
    """Mean and the (lo, hi) quantiles over the replicates."""
    arr = np.asarray(values, dtype=float)
    return float(arr.mean()), float(np.quantile(arr, lo)), float(np.quantile(arr, hi))
