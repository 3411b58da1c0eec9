"""``passend simulate SCENARIO``: baseline and intervention under every contract set, per
replicate of the Monte Carlo, and the results as Parquet plus a summary and a report.

Per replicate r (population seed = scenario seed + r; the uncertain effects drawn from a
generator seeded with (seed, r)):

1. generate the baseline population and the intervention population (paired: the same seed,
   the intervention's effects applied inside generation) and declare both as claims;
2. for every contract set: settle the baseline (its own reference) and the intervention with
   the baseline as reference (caps, lump sums, prices and benchmarks stay at the baseline's
   level), the intervention's team costs added to the provider that bears them;
3. collect stakeholder groups, outcomes and (replicate 0) the incentives.

Same scenario file and seed give identical results (timings are kept apart in run.json).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from passend import __version__
from passend.catalogue.loader import Catalogue
from passend.claims.declare import declare, load_cost_prices, write_declaration
from passend.population.commands import write_population
from passend.population.generate import Effects, generate
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import write_parquet
from passend.scenarios.results import groups, incentives, interval, outcomes
from passend.scenarios.schema import Distribution, LoadedScenario
from passend.settlement.commands import resolve_contract_set
from passend.settlement.contracts import LoadedSet, load_contract_set
from passend.settlement.costs import load_provider_costs
from passend.settlement.engine import Reference, settle, write_settlement
from passend.settlement.frame import providers_of_kind
from passend.settlement.money import split_by_shares

ARMS = ("baseline", "intervention")


@dataclass
class RunResult:
    groups: pa.Table
    outcomes: pa.Table
    incentives: pa.Table
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)


def draw(d: Distribution, rng: np.random.Generator) -> float:
    if d.dist == "triangular":
        assert d.low is not None and d.mode is not None and d.high is not None
        return float(rng.triangular(d.low, d.mode, d.high)) if d.low < d.high else d.low
    if d.dist == "uniform":
        assert d.low is not None and d.high is not None
        return float(rng.uniform(d.low, d.high))
    assert d.mean is not None and d.sd is not None
    v = float(rng.normal(d.mean, d.sd))
    lo = d.low if d.low is not None else -np.inf
    hi = d.high if d.high is not None else np.inf
    return float(min(max(v, lo), hi))


def replicate_effects(ls: LoadedScenario, r: int) -> tuple[Effects, dict[str, float]]:
    """The intervention's effects for replicate r, with the uncertain ones drawn."""
    mc = ls.s.monte_carlo
    eff = ls.s.intervention.effects
    if not mc.uncertain:
        return eff, {}
    rng = np.random.default_rng([ls.s.population.seed, r])
    data = eff.model_dump()
    drawn = {}
    for key in sorted(mc.uncertain):
        v = draw(mc.uncertain[key], rng)
        drawn[key] = v
        if key.startswith("rate_multipliers."):
            data["rate_multipliers"][key.split(".", 1)[1]] = v
        else:
            data[key] = v
    return Effects.model_validate(data), drawn


def _team_costs(ls: LoadedScenario, providers: pa.Table) -> dict[str, int]:
    """Fixed costs of the intervention in cents per provider: a named provider, or split
    equally (exactly, to the cent) over all providers of a kind; scaled with the population."""
    out: dict[str, int] = {}
    for tc in ls.s.intervention.team_costs:
        cents = round(tc.amount_eur * 100 * ls.s.population.scale)
        if tc.provider:
            parts = {tc.provider: cents}
        else:
            of_kind = providers_of_kind(providers, tc.provider_kind or "")
            if not of_kind:
                raise ValueError(f"team_costs: the population has no {tc.provider_kind}")
            parts = split_by_shares(cents, {p: Decimal(1) for p in of_kind})
        for pid, c in parts.items():
            out[pid] = out.get(pid, 0) + c
    return out


def simulate(
    cat: Catalogue,
    ls: LoadedScenario,
    out_dir: Path,
    replicates: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    s = ls.s
    n_rep = replicates or s.monte_carlo.replicates
    params = load_parameters(cat)
    insurers = load_insurers(cat)
    regions = load_regions(cat, ls.resolve(s.population.regions))
    if s.population.region not in regions:
        raise ValueError(f"unknown region {s.population.region!r}")
    inhabitants = {rid: r.inhabitants.value for rid, r in regions.items()}
    prices = load_cost_prices(ls.resolve(s.cost_prices))
    pcosts = load_provider_costs(ls.resolve(s.provider_costs))
    sets: list[LoadedSet] = [
        load_contract_set(resolve_contract_set(ls.resolve(c) if c.endswith(".yaml") else c), cat)
        for c in s.contract_sets
    ]
    timings: dict[str, float] = {}
    group_rows: list[pa.Table] = []
    outcome_rows: list[dict[str, Any]] = []
    inc: list[pa.Table] = []
    drawn_all: list[dict[str, float]] = []

    def tick(stage: str, t0: float) -> float:
        t1 = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + t1 - t0
        return t1

    with tempfile.TemporaryDirectory(prefix="passend-sim-") as tmp:
        work = Path(tmp)
        for r in range(n_rep):
            t = time.perf_counter()
            effects, drawn = replicate_effects(ls, r)
            drawn_all.append(drawn)
            seed = s.population.seed + r
            dirs = {}
            for arm in ARMS:
                pop = generate(
                    cat,
                    params,
                    insurers,
                    regions,
                    s.population.region,
                    s.population.year,
                    seed,
                    s.population.scale,
                    effects if arm == "intervention" else None,
                )
                d = work / f"r{r}" / arm
                write_population(pop, d / "pop")
                providers = pop.providers
                del pop
                t = tick("population", t)
                write_declaration(declare(cat, d / "pop", prices=prices), d / "claims")
                t = tick("claims", t)
                o = outcomes(d / "pop")
                outcome_rows.append({"replicate": r, "arm": arm, **o})
                dirs[arm] = d
            extra = _team_costs(ls, providers)
            patients = pq.read_table(dirs["baseline"] / "pop" / "patients.parquet")
            prov_b = pq.read_table(dirs["baseline"] / "pop" / "providers.parquet")
            for cs in sets:
                base = settle(
                    dirs["baseline"] / "claims",
                    cs,
                    dirs["baseline"] / "pop",
                    None,
                    inhabitants_by_region=inhabitants,
                    prices=prices,
                    provider_costs=pcosts,
                )
                ref = Reference(
                    base.tables["basis"],
                    base.tables["classes"],
                    base.tables["spend"],
                    base.tables["costs"],
                )
                inter = settle(
                    dirs["intervention"] / "claims",
                    cs,
                    dirs["intervention"] / "pop",
                    ref,
                    inhabitants_by_region=inhabitants,
                    prices=prices,
                    provider_costs=pcosts,
                    extra_costs=extra,
                )
                if r == 0:
                    for arm, res in (("baseline", base), ("intervention", inter)):
                        write_settlement(res, out_dir / "settlements" / cs.cs.id / arm)
                for arm, res in (("baseline", base), ("intervention", inter)):
                    g = groups(res.tables["stakeholders"])
                    n = g.num_rows
                    g = g.append_column("replicate", pa.array([r] * n, pa.int32()))
                    g = g.append_column("contract_set", pa.array([cs.cs.id] * n))
                    g = g.append_column("arm", pa.array([arm] * n))
                    group_rows.append(g)
                t = tick("settlement", t)
                if r == 0:
                    inc.append(
                        incentives(
                            dirs["baseline"] / "claims" / "claims.parquet",
                            cs,
                            patients,
                            prov_b,
                            prices,
                            pcosts,
                        )
                    )
                    t = tick("incentives", t)
            if progress:
                progress(f"replicate {r + 1}/{n_rep}")
    g_all = pa.concat_tables(group_rows)
    g_all = g_all.select(
        [
            "replicate",
            "contract_set",
            "arm",
            "group",
            "money_in_cents",
            "money_out_cents",
            "cost_cents",
            "margin_cents",
        ]
    )
    out_t = pa.Table.from_pylist(outcome_rows)
    inc_t = pa.concat_tables(inc)
    summary = summarise(ls, sets, g_all, outcome_rows, drawn_all)
    return RunResult(g_all, out_t, inc_t, summary, timings)


def _by(rows: list[dict], *keys: str) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


def summarise(
    ls: LoadedScenario,
    sets: list[LoadedSet],
    g: pa.Table,
    outcome_rows: list[dict],
    drawn: list[dict[str, float]],
) -> dict[str, Any]:
    """Headline figures with intervals: per contract set and group the change in margin and
    money out from baseline to intervention; the outcomes per arm and their change."""
    lo, hi = ls.s.monte_carlo.interval
    rows = g.to_pylist()  # stakeholder groups x arms x replicates: hundreds of rows
    idx = {(r["replicate"], r["contract_set"], r["arm"], r["group"]): r for r in rows}
    reps = sorted({r["replicate"] for r in rows})
    wrong_pocket = []
    for cs in sets:
        grp_names = sorted({r["group"] for r in rows if r["contract_set"] == cs.cs.id})
        for grp in grp_names:
            entry: dict[str, Any] = {"contract_set": cs.cs.id, "group": grp}
            for col in ("money_in_cents", "money_out_cents", "cost_cents", "margin_cents"):
                base_v, delta = [], []
                for rep in reps:
                    b = idx.get((rep, cs.cs.id, "baseline", grp), {}).get(col, 0)
                    i = idx.get((rep, cs.cs.id, "intervention", grp), {}).get(col, 0)
                    base_v.append(b)
                    delta.append(i - b)
                m, l_, h = interval(delta, lo, hi)
                entry[f"baseline_{col}"] = round(float(np.mean(base_v)))
                entry[f"delta_{col}"] = round(m)
                entry[f"delta_{col}_low"] = round(l_)
                entry[f"delta_{col}_high"] = round(h)
            wrong_pocket.append(entry)
    outcome = {}
    by_arm = _by(outcome_rows, "arm")
    for key in (
        "deaths_home",
        "deaths_preferred",
        "deaths_hospital",
        "admissions_last_30d",
        "ed_visits_last_30d",
    ):
        for arm in ARMS:
            vals = [x[key] / x["patients"] for x in by_arm[(arm,)]]
            m, l_, h = interval(vals, lo, hi)
            outcome[f"{key}_per_patient_{arm}"] = {"mean": m, "low": l_, "high": h}
        deltas = [
            i[key] / i["patients"] - b[key] / b["patients"]
            for b, i in zip(by_arm[("baseline",)], by_arm[("intervention",)], strict=True)
        ]
        m, l_, h = interval(deltas, lo, hi)
        outcome[f"{key}_per_patient_delta"] = {"mean": m, "low": l_, "high": h}
    return {
        "scenario": ls.s.id,
        "scenario_sha256": ls.sha256,
        "seed": ls.s.population.seed,
        "replicates": len(reps),
        "interval": [lo, hi],
        "software": f"passend {__version__}",
        "contract_sets": [
            {"id": cs.cs.id, "name": cs.cs.name.model_dump(), "sha256": cs.sha256} for cs in sets
        ],
        "wrong_pocket": wrong_pocket,
        "outcomes": outcome,
        "drawn_effects": drawn,
    }


def write_results(res: RunResult, out_dir: Path, catalogue_version: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(res.groups, out_dir / "groups.parquet")
    write_parquet(res.outcomes, out_dir / "outcomes.parquet")
    write_parquet(res.incentives, out_dir / "incentives.parquet")
    wp = pa.Table.from_pylist(res.summary["wrong_pocket"])
    write_parquet(wp, out_dir / "wrong_pocket.parquet")
    summary = {**res.summary, "catalogue_version": catalogue_version}
    (out_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "run.json").write_text(
        json.dumps({"timings_s": {k: round(v, 2) for k, v in res.timings.items()}}, indent=2)
        + "\n",
        encoding="utf-8",
    )
