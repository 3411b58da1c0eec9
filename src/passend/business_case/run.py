"""``passend business-case FILE``: what a regional transmural palliative team needs, costs, is
paid and saves, per year (seed 004 section 4: "Om hoeveel mensen gaat het? Bij wie zijn zij
verzekerd (%)? Welke zorg kan je voorkomen? Is het haalbaar?"; B5: patient-bound work fits the
titles, non-patient-bound work needs other routes).

Per run:

1. the scenario, simulated with the business case's contract sets: the patients reached (its
   ``reach``), the care avoided and who stops paying for it (``simulate``: the same engine);
2. capacity (``capacity.py``): the phone line by Erlang C per block of the week, the other work
   in hours, FTE per role against the plan;
3. per year from ``first_year`` to ``last_year``, with the catalogue's rules of that year
   (``years.year_rules``: a reviewed year its own; an announced year, marked so, its announced
   rules for the routes and the last reviewed year's titles and tariffs; a later year, marked
   ``carried_forward``, those of the last year with rules):

       cost_y     = sum over roles of fte_needed x cost_per_fte + on-call hours x allowance
                    (+ start-up in the first year)
       revenue_y  = patient-bound work x the tariff of the title the wegwijzer answers for the
                    role (titles that need a contract only when funded), split over the insurers
                    by their insured; + the grants of funded routes valid in y; + the amounts of
                    funded routes
       gap_y      = cost_y - revenue_y            (per activity: what no title or route pays)
       savings_y  = what each financer stops paying (the contract set of year y), per insurer
                    by its share of the insured
       net_y      = savings_y + title revenue_y - cost_y    (the payers and the team together:
                    route money moves between them and cancels)
       NPV        = sum_y net_y / (1 + r)^(y - first_year);   payback: the first year from
                    which the cumulative discounted net stays at or above 0
       break-even = the price per reached patient (or per inhabitant) that closes the gap,
                    and the patients reached at which net is 0 (savings and work per patient
                    scale with them; the roster does not)

Money in integer cents, each amount rounded once half away from zero. Same file and seed give
the same bytes. The years after the simulated year repeat its savings (steady state: no growth
or indexation), which the results say per year.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from passend import __version__, export
from passend.business_case import capacity
from passend.business_case.schema import LoadedCase
from passend.business_case.years import announced, year_rules
from passend.catalogue.loader import Catalogue
from passend.i18n import cite
from passend.population.generate import insurer_shares
from passend.population.params import load_insurers, load_regions
from passend.scenarios.results import interval
from passend.scenarios.run import Progress, counter, simulate, steps
from passend.scenarios.schema import LoadedScenario
from passend.settlement.money import round_cents, split_by_shares
from passend.wegwijzer.navigator import Query, ask

PAYERS = ("health_insurer", "care_office", "municipality")
"""The financer groups whose savings the business case shows (the wrong pocket)."""
HOURLY_UNITS = {"hour": Decimal(1), "minutes": Decimal(1) / 60}
"""Hours per unit of a title paid by time."""
EVENT_UNITS = {"visit", "consult", "conversation", "contact", "session"}


@dataclass
class Demand:
    """The year's volumes the service has to meet."""

    reached: int
    calls_per_year: float
    events: dict[int, float]  # work item index -> events a year


def _eur(x: Decimal) -> int:
    return round_cents(x * 100)


def contract_set_of(lc: LoadedCase, year: int) -> str:
    """The contract set that settles the care in ``year`` (the last one named from a year at
    or before it; else the scenario's first)."""
    chosen = lc.scenario.s.contract_sets[0]
    for y in sorted(lc.bc.contract_sets):
        if y <= year:
            chosen = lc.bc.contract_sets[y]
    return chosen


def _scenario_with_sets(lc: LoadedCase) -> LoadedScenario:
    sets = list(dict.fromkeys([lc.scenario.s.contract_sets[0], *lc.bc.contract_sets.values()]))
    s = lc.scenario.s.model_copy(update={"contract_sets": sets})
    return LoadedScenario(s, lc.scenario.path, lc.scenario.sha256)


def demand(lc: LoadedCase, reached: int) -> Demand:
    bc = lc.bc
    calls = bc.phone.calls_per_year
    if calls is None:
        calls = (bc.phone.calls_per_patient or 0) * reached
    events = {
        i: (w.per_year if w.per_year is not None else (w.per_patient or 0) * reached)
        for i, w in enumerate(bc.work)
    }
    return Demand(reached, calls, events)


def team_capacity(lc: LoadedCase, d: Demand) -> dict[str, Any]:
    """The phone line's roster by Erlang C and the FTE per role (``capacity``)."""
    bc = lc.bc
    ph = bc.phone
    blocks = capacity.weekly_blocks(
        d.calls_per_year, {b.name: (b.hours_per_week, b.call_share) for b in ph.blocks}
    )
    rostered = capacity.roster(blocks, ph.handling_minutes, ph.answer_within_seconds, ph.target)
    on_call = {b.name for b in ph.blocks if b.on_call}
    roster_hours = capacity.rostered_hours(rostered)
    on_call_hours = capacity.rostered_hours(r for r in rostered if r.block.name in on_call)
    work_hours: dict[str, float] = {}
    for i, w in enumerate(bc.work):
        hours = d.events[i] * (w.minutes + w.travel_minutes) / 60
        work_hours[w.role] = work_hours.get(w.role, 0.0) + hours
    needs = [
        capacity.RoleNeed(
            role=r.role,
            rostered_hours=roster_hours if r.role == ph.role else 0.0,
            workload_hours=work_hours.get(r.role, 0.0),
            productive_hours_per_fte=r.productive_hours_per_fte,
            planned_fte=r.planned_fte,
        )
        for r in bc.roles
    ]
    total = capacity.fte_table(needs)["total"]
    table: dict[str, Any] = {
        "fte_needed": round(total["fte_needed"], 3),
        "fte_planned": round(total["fte_planned"], 3),
        "shortfall_fte": round(total["shortfall_fte"], 3),
        "roles": [
            {
                "role": n.role,
                "rostered_hours": round(n.rostered_hours, 1),
                "workload_hours": round(n.workload_hours, 1),
                "productive_hours_per_fte": n.productive_hours_per_fte,
                "fte_needed": round(n.fte_needed, 3),
                "planned_fte": n.planned_fte,
                "shortfall_fte": round(n.shortfall_fte, 3),
            }
            for n in needs
        ],
    }
    table["phone"] = {
        "calls_per_year": round(d.calls_per_year, 1),
        "handling_minutes": ph.handling_minutes,
        "answer_within_seconds": ph.answer_within_seconds,
        "target": ph.target,
        "handling_hours": round(d.calls_per_year * ph.handling_minutes / 60, 1),
        "on_call_hours": on_call_hours,
        "blocks": [
            {
                "name": r.block.name,
                "hours_per_week": r.block.hours_per_week,
                "calls_per_hour": round(r.block.calls_per_hour, 4),
                **{k: v for k, v in r.staffing.as_dict().items() if k != "load"},
                "agent_hours_per_year": r.agent_hours_per_year,
            }
            for r in rostered
        ],
    }
    return table


def _role_costs(lc: LoadedCase, cap: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per role: FTE needed, its cost a year and its cost per hour of work."""
    by_role = {r["role"]: r for r in cap["roles"]}
    out = {}
    for r in lc.bc.roles:
        need = by_role[r.role]
        cents = _eur(Decimal(repr(need["fte_needed"])) * r.cost_per_fte_eur)
        if r.role == lc.bc.phone.role:
            cents += _eur(Decimal(repr(cap["phone"]["on_call_hours"])) * r.on_call_eur_per_hour)
        hours = need["rostered_hours"] + need["workload_hours"]
        out[r.role] = {
            "fte": need["fte_needed"],
            "cents": cents,
            "per_hour": cents / hours if hours else 0,
        }
    return out


def _hours_by_activity(
    lc: LoadedCase, d: Demand, cap: dict[str, Any]
) -> dict[tuple[str, str], float]:
    """(role, activity) -> hours a year: the phone's handling time is consultation
    (patient-bound), the rest of its roster availability (B5: non-patient-bound)."""
    ph = lc.bc.phone
    handling = d.calls_per_year * ph.handling_minutes / 60
    roster = sum(b["agent_hours_per_year"] for b in cap["phone"]["blocks"])
    out = {
        (ph.role, "palliative_consultation"): handling,
        (ph.role, "team_availability"): max(roster - handling, 0.0),
    }
    for i, w in enumerate(lc.bc.work):
        key = (w.role, w.activity)
        out[key] = out.get(key, 0.0) + d.events[i] * (w.minutes + w.travel_minutes) / 60
    return out


def _title_for(
    cat: Catalogue, activity: str, role: str, setting: str, year: int, contracted: set[str]
) -> dict[str, Any] | None:
    """The title that pays one event of the role's activity in ``year``, as the wegwijzer
    answers: the first claimable (or experimental, when contracted) option with a tariff in a
    unit the business case can count, paid by a health insurer; a title that needs a contract
    only when the funding names it."""
    if role not in cat.professionals:
        return None
    key = (id(cat), activity, role, setting, year, frozenset(contracted))
    if key not in _TITLES:  # the break-even and the tornado ask the same questions again
        _TITLES[key] = _first_title(cat, activity, role, setting, year, contracted)
    return _TITLES[key]


_TITLES: dict[tuple, dict[str, Any] | None] = {}


def _first_title(
    cat: Catalogue, activity: str, role: str, setting: str, year: int, contracted: set[str]
) -> dict[str, Any] | None:
    answer = ask(cat, Query(activity, role, setting=setting, year=year))
    for o in answer["options"]:
        if o["status"] not in ("claimable", "experimental") or o["tariff_cents"] is None:
            continue
        if o["contract_required"] and o["title_code"] not in contracted:
            continue
        if o["financer_kind"] != "health_insurer" or o.get("included"):
            continue
        if o["unit"] in HOURLY_UNITS or o["unit"] in EVENT_UNITS or o["unit"] == "trajectory":
            return o
    return None


def _split_insurers(cents: int, shares: dict[str, Decimal]) -> dict[str, int]:
    return split_by_shares(cents, shares) if cents else dict.fromkeys(shares, 0)


def _revenue(
    cat: Catalogue,
    lc: LoadedCase,
    d: Demand,
    year: int,
    rules_year: int,
    shares: dict[str, Decimal],
) -> list[dict[str, Any]]:
    """The year's revenue lines: titles for the patient-bound work, then funded routes."""
    bc = lc.bc
    funded = [f for f in bc.funding if f.from_year <= year <= f.to_year]
    contracted = {f.title for f in funded if f.title}
    items = [
        (
            bc.phone.role,
            "palliative_consultation",
            "home",
            d.calls_per_year,
            bc.phone.handling_minutes,
        )
    ]
    items += [
        (w.role, w.activity, w.setting, d.events[i], w.minutes) for i, w in enumerate(bc.work)
    ]
    lines: list[dict[str, Any]] = []
    for role, activity, setting, events, minutes in items:
        if not cat.activities[activity].patient_bound or events <= 0:
            continue
        o = _title_for(cat, activity, role, setting, rules_year, contracted)
        if o is None:
            continue
        if o["unit"] in HOURLY_UNITS:
            hours = Decimal(repr(events)) * Decimal(repr(minutes)) / 60
            units = hours / HOURLY_UNITS[o["unit"]]  # hours, or minutes for a tariff per minute
        elif o["unit"] == "trajectory":
            units = Decimal(min(events, d.reached))
        else:
            units = Decimal(repr(events))
        cents = round_cents(units * o["tariff_cents"])
        for fid, part in sorted(_split_insurers(cents, shares).items()):
            lines.append(
                {
                    "route": "title",
                    "title_code": o["title_code"],
                    "activity": activity,
                    "financer_kind": "health_insurer",
                    "financer_id": fid,
                    "cents": part,
                    "placeholder": bool(o.get("tariff_placeholder")),
                }
            )
    for f in funded:
        if f.route is None:
            continue
        route = cat.routes[f.route]
        if route.grant is not None:
            amount = route.grant_amount(year)  # dated: none after the route's end
            cents = 0 if amount is None else int(amount.cents or 0)
            placeholder = bool(amount and amount.placeholder)
        else:
            cents, placeholder = _eur(f.amount_eur or Decimal(0)), f.placeholder
        activity = (route.applies_to.activities or ["team_availability"])[0]
        if route.financer_kind == "health_insurer":
            parts = _split_insurers(cents, shares)
        else:
            parts = {"vws" if route.financer_kind == "government" else None: cents}
        for fid, part in sorted(parts.items(), key=lambda kv: str(kv[0])):
            if part:
                lines.append(
                    {
                        "route": f.route,
                        "title_code": None,
                        "activity": activity,
                        "financer_kind": route.financer_kind,
                        "financer_id": fid,
                        "cents": part,
                        "placeholder": placeholder,
                    }
                )
    return lines


def _savings(
    summary: dict[str, Any], cs: str, shares: dict[str, Decimal], scale: Decimal
) -> list[dict[str, Any]]:
    """What each financer stops paying under contract set ``cs`` (the scenario's change in
    money out, mean over the replicates, times ``scale``: reached patients / the scenario's);
    the insurers' part split by their insured."""
    rows = {r["group"]: r for r in summary["wrong_pocket"] if r["contract_set"] == cs}
    out = []
    for group in PAYERS:
        saved = -round_cents(scale * int(rows.get(group, {}).get("delta_money_out_cents", 0)))
        if group == "health_insurer":
            for fid, part in sorted(_split_insurers(saved, shares).items()):
                out.append({"financer_id": fid, "financer_kind": group, "cents": part})
        else:
            out.append({"financer_id": None, "financer_kind": group, "cents": saved})
    return out


def _discount(cents: int, rate: Decimal, t: int) -> int:
    return round_cents(Decimal(cents) / (1 + rate) ** t)


@dataclass
class _Base:
    """What the years share: the simulation's summary, the insured shares, the region."""

    summary: dict[str, Any]
    shares: dict[str, Decimal]
    reached: int
    inhabitants: int
    societal: int


def _base(cat: Catalogue, ls: LoadedScenario, summary: dict[str, Any]) -> _Base:
    """The region's figures: of a synthetic population its region's insured shares and
    inhabitants (times the scale); of an imported one (``imported_region``) its own."""
    care = summary["care_cost_cents"]
    societal = round(float(np.mean(care["baseline"])) - float(np.mean(care["intervention"])))
    regions = load_regions(cat, ls.resolve(ls.s.population.regions))
    if ls.s.population.imported:
        shares, inhabitants = imported_region(ls, summary["population"], regions)
    else:
        region = regions[ls.s.population.region]
        ids, share_arr = insurer_shares(load_insurers(cat), region)
        shares = {i: _share(x) for i, x in zip(ids, share_arr, strict=True)}
        inhabitants = round(region.inhabitants.value * ls.s.population.scale)
    return _Base(summary, shares, int(summary["reached_patients"]), inhabitants, societal)


def _share(x: float) -> Decimal:
    return Decimal(repr(round(float(x), 6)))


def imported_region(
    ls: LoadedScenario, facts: dict[str, Any], regions: dict[str, Any]
) -> tuple[dict[str, Decimal], int]:
    """An imported population's insured shares (its patients per health insurer, of all its
    patients: who the team's patients are insured with) and inhabitants (of the region the
    scenario gives, ``population.region``: the user says the data is that region's; else 0:
    no price per inhabitant)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = ls.resolve(ls.s.population.dir)
    assert path is not None
    ins = pq.read_table(path / "patients.parquet", columns=["insurer_id"])["insurer_id"]
    counts = pc.value_counts(ins).to_pylist()
    total = sum(c["counts"] for c in counts)
    shares = {
        c["values"]: _share(c["counts"] / total)
        for c in sorted(counts, key=lambda c: str(c["values"]))
    }
    given = facts["region"] if facts["region_given"] else None
    return shares, (regions[given].inhabitants.value if given in regions else 0)


def _years(cat: Catalogue, lc: LoadedCase, b: _Base, reached: int) -> tuple[list[dict], dict]:
    """Every year of the case for ``reached`` patients (the simulation's savings scaled to
    them), and the capacity."""
    bc = lc.bc
    d = demand(lc, reached)
    cap = team_capacity(lc, d)
    roles = _role_costs(lc, cap)
    hours = _hours_by_activity(lc, d, cap)
    scale = Decimal(reached) / b.reached if b.reached else Decimal(0)
    years = []
    for y in range(bc.first_year, bc.last_year + 1):
        rules = year_rules(cat, y)  # reviewed, announced or carried forward: what it uses
        rules_year = rules["rules_year"]
        cost_lines = [{"role": r, "fte": v["fte"], "cents": v["cents"]} for r, v in roles.items()]
        start_up = _eur(bc.start_up_eur) if y == bc.first_year else 0
        if start_up:
            cost_lines.append({"role": "start_up", "fte": 0.0, "cents": start_up})
        cost = sum(c["cents"] for c in cost_lines)
        revenue = _revenue(cat, lc, d, y, rules_year, b.shares)
        rev = sum(r["cents"] for r in revenue)
        by_act: dict[str, float] = {}
        for (role, act), h in hours.items():
            by_act[act] = by_act.get(act, 0.0) + h * roles[role]["per_hour"]
        for r in revenue:
            by_act[r["activity"]] = by_act.get(r["activity"], 0.0) - r["cents"]
        if start_up:
            by_act["start_up"] = by_act.get("start_up", 0.0) + start_up
        cs = contract_set_of(lc, y)
        savings = _savings(b.summary, cs, b.shares, scale)
        saved = sum(s["cents"] for s in savings)
        titles = sum(r["cents"] for r in revenue if r["route"] == "title")
        years.append(
            {
                "year": y,
                **rules,
                "contract_set": cs,
                "cost_cents": cost,
                "cost": cost_lines,
                "revenue_cents": rev,
                "revenue": [{k: v for k, v in r.items() if k != "activity"} for r in revenue],
                "gap_cents": cost - rev,
                "gap_by_activity": [
                    {"activity": a, "cents": round(c)}
                    for a, c in sorted(by_act.items())
                    if round(c)
                ],
                "savings_cents": saved,
                "savings": savings,
                "societal_cents": round_cents(b.societal * scale),
                "net_cents": saved + titles - cost,
                "net": _net(savings, revenue, cost),
            }
        )
    return years, cap


def _npv(years: list[dict], rate: Decimal) -> int:
    return sum(_discount(y["net_cents"], rate, i) for i, y in enumerate(years))


def build(
    cat: Catalogue,
    lc: LoadedCase,
    work_dir: Path,
    replicates: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The business case as the JSON contract of docs/business-case.md; ``progress`` is told
    the steps of its simulation done of all."""
    bc = lc.bc
    ls = _scenario_with_sets(lc)
    step = counter(steps(ls, replicates), progress)
    res = simulate(cat, ls, work_dir, replicates, step, workers)
    summary = res.summary
    b = _base(cat, ls, summary)
    years, cap = _years(cat, lc, b, b.reached)
    return {
        "business_case": bc.id,
        "name": bc.name.model_dump(),
        "region": (
            summary["population"]["region"] or summary["population"]["name"]
            if ls.s.population.imported
            else ls.s.population.region
        ),
        **({"population": summary["population"]} if ls.s.population.imported else {}),
        "host": {"provider_kind": bc.host.provider_kind},
        "first_year": bc.first_year,
        "last_year": bc.last_year,
        "discount_rate": str(bc.discount_rate),
        "replicates": summary["replicates"],
        "catalogue_version": cat.meta.version,
        "catalogue_last_year": cat.meta.last_year,
        "announced": announced(cat, list(range(bc.first_year, bc.last_year + 1))),
        "software": f"passend {__version__}",
        "business_case_sha256": lc.sha256,
        "scenario": ls.s.id,
        "inputs": _inputs(lc, cat),
        "years": years,
        "capacity": cap,
        "patients": {
            "reached": b.reached,
            "inhabitants": b.inhabitants,
            "by_insurer": [
                {"financer_id": fid, "share": float(sh), "patients": n}
                for (fid, sh), n in zip(
                    b.shares.items(), split_by_shares(b.reached, b.shares).values(), strict=True
                )
            ],
        },
        "npv_cents": _npv(years, bc.discount_rate),
        "payback_years": _payback(years, bc.discount_rate),
        "break_even": _break_even(cat, lc, b, years),
        "intervals": _intervals(res.groups, summary, years, bc.discount_rate)
        if summary["replicates"] > 1
        else None,
        "tornado": tornado(cat, lc, b),
    }


TORNADO_SWING = Decimal("0.2")
"""Each input of the tornado moves 20% down and up (a placeholder's range, not a source's)."""


def tornado(cat: Catalogue, lc: LoadedCase, b: _Base, top: int = 10) -> list[dict[str, Any]]:
    """The ``top`` inputs that move the NPV most when each moves by ``TORNADO_SWING`` down and
    up, the others fixed: the role costs and hours, the phone's volume and handling, the work
    volumes, the discount rate, and the savings of the scenario as one input."""
    data = lc.bc.model_dump(mode="json")
    paths: list[tuple[str, tuple]] = [("discount_rate", ("discount_rate",))]
    for i, r in enumerate(lc.bc.roles):
        paths += [
            (f"{r.role}.cost_per_fte_eur", ("roles", i, "cost_per_fte_eur")),
            (f"{r.role}.productive_hours_per_fte", ("roles", i, "productive_hours_per_fte")),
        ]
    vol = "calls_per_patient" if lc.bc.phone.calls_per_patient is not None else "calls_per_year"
    paths += [
        (f"phone.{vol}", ("phone", vol)),
        ("phone.handling_minutes", ("phone", "handling_minutes")),
    ]
    for i, w in enumerate(lc.bc.work):
        key = "per_patient" if w.per_patient is not None else "per_year"
        paths += [
            (f"{w.activity}.{key}", ("work", i, key)),
            (f"{w.activity}.minutes", ("work", i, "minutes")),
        ]
    out = []
    for name, path in paths:
        npv = []
        for f in (1 - TORNADO_SWING, 1 + TORNADO_SWING):
            changed = json.loads(json.dumps(data))
            node = changed
            for k in path[:-1]:
                node = node[k]
            node[path[-1]] = str(Decimal(str(node[path[-1]])) * f)
            case = LoadedCase(type(lc.bc).model_validate(changed), lc.path, lc.sha256, lc.scenario)
            npv.append(_npv(_years(cat, case, b, b.reached)[0], case.bc.discount_rate))
        out.append({"input": name, "low_npv_cents": npv[0], "high_npv_cents": npv[1]})
    base_years = _years(cat, lc, b, b.reached)[0]
    saved = [
        _npv(
            [
                {**y, "net_cents": y["net_cents"] + round_cents((f - 1) * y["savings_cents"])}
                for y in base_years
            ],
            lc.bc.discount_rate,
        )
        for f in (1 - TORNADO_SWING, 1 + TORNADO_SWING)
    ]
    out.append(
        {"input": "savings (scenario)", "low_npv_cents": saved[0], "high_npv_cents": saved[1]}
    )
    out.sort(key=lambda r: (-abs(r["high_npv_cents"] - r["low_npv_cents"]), r["input"]))
    return out[:top]


def _net(savings: list[dict], revenue: list[dict], cost: int) -> list[dict[str, Any]]:
    """Per stakeholder group: what it saves minus what it pays the team; the team: its
    revenue minus its cost."""
    net: dict[str, int] = {}
    for s in savings:
        net[s["financer_kind"]] = net.get(s["financer_kind"], 0) + s["cents"]
    for r in revenue:
        if r["route"] != "title":  # titles are in the savings already (the scenario's claims)
            net[r["financer_kind"]] = net.get(r["financer_kind"], 0) - r["cents"]
    net["team"] = sum(r["cents"] for r in revenue) - cost
    return [{"group": g, "cents": c} for g, c in sorted(net.items())]


def _payback(years: list[dict], rate: Decimal) -> int | None:
    """Years until the cumulative discounted net is and stays at or above 0; None if never."""
    cum, since = 0, None
    for i, y in enumerate(years):
        cum += _discount(y["net_cents"], rate, i)
        since = (i + 1 if since is None else since) if cum >= 0 else None
    return since


def _break_even(cat: Catalogue, lc: LoadedCase, b: _Base, years: list[dict]) -> dict[str, Any]:
    """From the first year: the price per reached patient (a bundle) or per inhabitant that
    closes the gap; and the patients reached at which the year's net is 0, found by bisection
    (savings and the work per patient scale with the patients, the roster in steps; None when
    no number of patients up to twenty times the scenario's breaks even)."""
    gap = years[0]["gap_cents"]
    per_patient = max(0, round(gap / b.reached)) if b.reached else None
    per_inhabitant = max(0, round(gap / b.inhabitants)) if b.inhabitants else None

    def net(n: int) -> int:
        return _years(cat, lc, b, n)[0][0]["net_cents"]

    lo, hi = 0, max(1, 20 * b.reached)
    patients = None
    if net(hi) >= 0:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if net(mid) >= 0 else (mid, hi)
        patients = hi
    return {
        "gap_cents": gap,
        "price_per_patient_cents": per_patient,
        "price_per_inhabitant_cents": per_inhabitant,
        "patients_reached": patients,
    }


def _intervals(
    groups: pa.Table, summary: dict[str, Any], years: list[dict], rate: Decimal
) -> dict[str, Any]:
    """Over the replicates: the payers' savings per year and the NPV with each replicate's
    savings (its own draws of the uncertain effects), at the scenario's quantiles. The cost and
    the revenue do not vary with the draws (the reached patients are the replicates' mean), so
    the gap's interval is the gap."""
    lo, hi = summary["interval"]
    rows = groups.to_pylist()  # replicates x sets x arms x groups: a few thousand rows
    out: dict[str, Any] = {"interval": [lo, hi], "savings_cents": {}, "gap_cents": {}}
    npv_per_rep: dict[int, int] = {}
    for i, y in enumerate(years):
        per_rep: dict[int, int] = {}
        for r in rows:
            if r["contract_set"] == y["contract_set"] and r["group"] in PAYERS:
                sign = 1 if r["arm"] == "baseline" else -1
                per_rep[r["replicate"]] = (
                    per_rep.get(r["replicate"], 0) + sign * r["money_out_cents"]
                )
        _, low, high = interval(list(per_rep.values()), lo, hi)
        out["savings_cents"][str(y["year"])] = [round(low), round(high)]
        out["gap_cents"][str(y["year"])] = [y["gap_cents"], y["gap_cents"]]
        for rep_, saved in per_rep.items():
            net = y["net_cents"] - y["savings_cents"] + saved
            npv_per_rep[rep_] = npv_per_rep.get(rep_, 0) + _discount(net, rate, i)
    _, low, high = interval(list(npv_per_rep.values()), lo, hi)
    out["npv_cents"] = [round(low), round(high)]
    return out


def _inputs(lc: LoadedCase, cat: Catalogue) -> list[dict[str, Any]]:
    """The inputs as rows for the workbook and the report, placeholders marked; sources
    cited by their documents' titles."""
    bc = lc.bc

    def src(x: Any) -> str:
        return cite(cat.documents, x.sources)

    rows: list[dict[str, Any]] = [
        {
            "section": "general",
            "name": "discount_rate",
            "value": str(bc.discount_rate),
            "unit": "",
            "placeholder": True,
            "source": "",
        },
        {
            "section": "general",
            "name": "start_up_eur",
            "value": str(bc.start_up_eur),
            "unit": "EUR",
            "placeholder": True,
            "source": "",
        },
    ]
    for r in bc.roles:
        for name, value, unit in (
            ("cost_per_fte_eur", r.cost_per_fte_eur, "EUR"),
            ("productive_hours_per_fte", r.productive_hours_per_fte, "h"),
            ("on_call_eur_per_hour", r.on_call_eur_per_hour, "EUR/h"),
            ("planned_fte", r.planned_fte, "FTE"),
        ):
            rows.append(
                {
                    "section": "roles",
                    "name": f"{r.role}.{name}",
                    "value": str(value),
                    "unit": unit,
                    "placeholder": r.placeholder,
                    "source": src(r),
                }
            )
    ph = bc.phone
    for name in (
        "calls_per_patient",
        "calls_per_year",
        "handling_minutes",
        "answer_within_seconds",
        "target",
    ):
        v = getattr(ph, name)
        if v is not None:
            rows.append(
                {
                    "section": "service",
                    "name": f"phone.{name}",
                    "value": str(v),
                    "unit": "",
                    "placeholder": ph.placeholder,
                    "source": src(ph),
                }
            )
    for w in bc.work:
        volume = (
            f"{w.per_patient} per patient"
            if w.per_patient is not None
            else f"{w.per_year} per year"
        )
        rows.append(
            {
                "section": "service",
                "name": f"{w.activity} ({w.role})",
                "value": f"{volume}, {w.minutes:g} + {w.travel_minutes:g} min",
                "unit": "",
                "placeholder": w.placeholder,
                "source": src(w),
                # the same, for a report in either language (i18n.work_value)
                "per": "patient" if w.per_patient is not None else "year",
                "count": w.per_patient if w.per_patient is not None else w.per_year,
                "minutes": w.minutes,
                "travel_minutes": w.travel_minutes,
            }
        )
    for f in bc.funding:
        rows.append(
            {
                "section": "funding",
                "name": f.route or f.title,
                "value": f"{f.from_year}-{f.to_year}"
                + (f", EUR {f.amount_eur}" if f.amount_eur is not None else ""),
                "unit": "",
                "placeholder": f.placeholder,
                "source": src(f),
            }
        )
    return rows


def result_tables(bc: dict[str, Any]) -> dict[str, pa.Table]:
    """The case's figures per year as tables (for CSV): ``years`` (one row a year: cost,
    revenue, gap, savings, societal, net) and per list of a year (``cost`` per role,
    ``revenue`` per route and financer, ``savings`` per financer, ``gap_by_activity``, ``net``
    per party) a table ``years_<list>`` with the year beside each row; an amount's column is
    ``amount_cents``."""
    years = bc["years"]
    out = {"years": pa.Table.from_pylist([_scalars(y) for y in years])}
    for key in sorted({k for y in years for k, v in y.items() if isinstance(v, list)}):
        rows = [
            {
                "year": y["year"],
                **{("amount_cents" if k == "cents" else k): v for k, v in r.items()},
            }
            for y in years
            for r in y.get(key, [])
        ]
        if rows:
            out[f"years_{key}"] = pa.Table.from_pylist(rows)
    return out


def _scalars(year: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in year.items() if not isinstance(v, list)}


def write_json(bc: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(bc, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def run_business_case(
    cat: Catalogue,
    file: Path,
    out_dir: Path,
    lang: str,
    replicates: int | None = None,
    workers: int = 0,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], dict[str, Path]]:
    """Build the case of ``file`` and write its JSON, its tables per year as CSV
    (``result_tables``), workbook and report (returned by name);
    ``progress`` as in ``passend.scenarios.run.run_scenario``. Raises ``FileNotFoundError``,
    ``CatalogueError`` (the file's problems) or ``ValueError`` (naming the file)."""
    import tempfile

    from pydantic import ValidationError

    from passend import db
    from passend.business_case.report import write_report
    from passend.business_case.schema import load_business_case
    from passend.business_case.workbook import write_workbook

    if not file.exists():
        raise FileNotFoundError(f"{file}: not found")
    lc = load_business_case(file, cat)
    try:
        with tempfile.TemporaryDirectory(prefix="passend-bc-") as tmp:
            bc = build(cat, lc, Path(tmp), replicates, workers or db.available_cpus(), progress)
    except (ValueError, ValidationError) as e:
        raise ValueError(f"{file}: {e}") from None
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / "business_case.json",
        "workbook": out_dir / "business_case.xlsx",
        "report": out_dir / "report.html",
    }
    command = f"passend business-case {file} --out {out_dir} --lang {lang}" + (
        f" --replicates {replicates}" if replicates else ""
    )
    write_json(bc, paths["json"])
    for name, table in result_tables(bc).items():
        paths[f"csv:{name}"] = export.write_csv(table, out_dir / f"{name}.csv")
    write_workbook(bc, paths["workbook"], lang, cat)
    write_report(bc, paths["report"], lang, cat, command)
    return bc, paths


__all__ = ["build", "contract_set_of", "run_business_case", "tornado", "write_json"]
