"""``passend simulate SCENARIO``: baseline and intervention under every contract set, per
replicate of the Monte Carlo, and the results as Parquet plus a summary and a report.

Per replicate r (population seed = scenario seed + r; the uncertain effects drawn from a
generator seeded with (seed, r)):

1. generate the baseline population and the intervention population (paired: the same seed,
   the intervention's effects applied inside generation), declare both as claims and price
   their care once (the full cost per provider, the same under every contract set);
2. for every contract set: settle the baseline (its own reference) and the intervention with
   the baseline as reference (caps, lump sums, prices and benchmarks stay at the baseline's
   level), the intervention's team costs added to the provider that bears them;
3. collect stakeholder groups, outcomes and (replicate 0) the incentives.

Step 2 settles a batch of replicates at once (``engine.settle_batch``: the replicate is a key
of one run, so the per-query cost is paid once per batch, not per replicate), the batch sized to
the memory at hand (``batch_size``). The batches run in waves (one batch, or one per worker):
the wave's populations, then its settlements, then its replicates' folders are removed
(``_drop``), so that a run of many replicates keeps only the replicates in progress on disk and
only their stakeholder groups and outcomes in memory. The steps run in order, or in
``workers`` processes, each with its share of the cores as DuckDB and Arrow threads: the
results are collected in step order either way. Same scenario file and seed give identical results
(timings are kept apart in run.json).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from passend import __version__, db, export
from passend.catalogue.loader import Catalogue
from passend.claims.declare import declare, load_cost_prices, write_declaration
from passend.i18n import COLUMN_LABELS
from passend.messages import Problem
from passend.population.generate import Effects, generate, multiplier_keys
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import write_population
from passend.scenarios.results import OUTCOME_KEYS, groups, incentives, interval, outcomes
from passend.scenarios.schema import Distribution, LoadedScenario, deaths_years
from passend.settlement.contracts import LoadedSet, load_contract_set, resolve_contract_set
from passend.settlement.costs import load_provider_costs
from passend.settlement.engine import (
    Reference,
    Run,
    Settlement,
    claims_full_cost,
    settle_batch,
    write_settlement,
)
from passend.settlement.frame import providers_of_kind
from passend.settlement.money import split_by_shares
from passend.tables import write_parquet

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


def replicate_effects(
    ls: LoadedScenario, r: int, replicates: int
) -> tuple[Effects, dict[str, float]]:
    """The intervention's effects for replicate r of ``replicates``: the central (published)
    values when there is one replicate, else with the uncertain ones drawn."""
    mc = ls.s.monte_carlo
    eff = ls.s.intervention.effects
    if not mc.uncertain or replicates == 1:
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


def _team_costs(cat: Catalogue, ls: LoadedScenario, providers: pa.Table) -> dict[str, int]:
    """Fixed costs of the intervention in cents per provider: a named provider, or split
    equally (exactly, to the cent) over all providers of a kind; scaled with the population.
    The provider that bears a cost employs the team, so it must be a contracting party."""
    out: dict[str, int] = {}
    kinds = dict(
        zip(
            providers["provider_id"].to_pylist(),
            providers["provider_kind"].to_pylist(),
            strict=True,
        )
    )
    for i, tc in enumerate(ls.s.intervention.team_costs):
        cents = round(tc.amount_eur * 100 * ls.s.population.scale)
        if tc.provider:
            why = cat.not_contracting(kinds.get(tc.provider, ""))
            if why:
                where = f"intervention.team_costs.{i}.provider"
                raise Problem(
                    "party_refused", path=ls.path, where=where, value=tc.provider, why=why
                )
            parts = {tc.provider: cents}
        else:
            of_kind = providers_of_kind(providers, tc.provider_kind or "")
            if not of_kind:
                raise ValueError(f"team_costs: the population has no {tc.provider_kind}")
            parts = split_by_shares(cents, {p: Decimal(1) for p in of_kind})
        for pid, c in parts.items():
            out[pid] = out.get(pid, 0) + c
    return out


@dataclass
class _Job:
    """What every step of a run needs; sent once to each worker process."""

    cat: Catalogue
    ls: LoadedScenario
    sets: list[LoadedSet]
    params: Any
    insurers: Any
    regions: Any
    inhabitants: dict[str, int]
    prices: Any
    pcosts: Any
    work: Path
    out_dir: Path
    replicates: int = 1
    imported: dict[str, Any] | None = None
    """``imported_facts`` of an imported population (None: generated)."""


_JOB: _Job | None = None


def _init(job: _Job | None, threads: int | None = None) -> None:
    """Set up a process for the steps (a worker: with its share of the cores as threads)."""
    global _JOB
    _JOB = job
    if threads is not None:
        db.limit_threads(threads)


def _job() -> _Job:
    assert _JOB is not None, "worker not initialised"
    return _JOB


def _arm_dir(r: int, arm: str) -> Path:
    return _job().work / f"r{r}" / arm


def _generate(r: int, arm: str) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, float]]:
    """Step 1 of replicate r for one arm: population, claims, the full cost of the care, the
    outcomes, and as facts the effects derived in generation (the ED-only multiplier) and the
    cost of all care at the cost prices (the Kostenhandleiding's reference prices)."""
    j = _job()
    if j.imported is not None:
        return _use_imported(r, arm)
    s = j.ls.s
    t0 = time.perf_counter()
    effects = (
        replicate_effects(j.ls, r, j.replicates)[0]
        if arm == "intervention"
        else Effects(reach=s.intervention.effects.reach)  # the same patients are reached
    )
    pop = generate(
        j.cat,
        j.params,
        j.insurers,
        j.regions,
        s.population.region,
        s.population.year,
        s.population.seed + r,
        s.population.scale,
        effects,
    )
    d = _arm_dir(r, arm)
    write_population(pop, d / "pop")
    derived = json.loads(pop.meta["derived_effects"])
    del pop
    t1 = time.perf_counter()
    write_declaration(declare(j.cat, d / "pop", prices=j.prices), d / "claims")
    full = claims_full_cost(d / "claims", j.prices)
    write_parquet(full, d / "full_costs.parquet")
    o = [{"replicate": r, "arm": arm, **x} for x in outcomes(d / "pop")]
    cost = int(pc.sum(full["full_cost_cents"]).as_py() or 0)
    facts = {"derived": derived, "care_cost_cents": cost}
    return o, facts, {"population": t1 - t0, "claims": time.perf_counter() - t1}


def _use_imported(
    r: int, arm: str
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, float]]:
    """Step 1 for an imported population: the population as given (its tables copied into
    the arm's folder with a meta.json of its year and region, which settlement reads), its
    claims as given or declared, their full cost and the outcomes. Both arms are the same
    care: the intervention differs by its team costs only (the scenario has no effects)."""
    j = _job()
    facts = j.imported
    assert facts is not None
    t0 = time.perf_counter()
    d = _arm_dir(r, arm)
    (d / "pop").mkdir(parents=True)
    for f in sorted(Path(facts["path"]).glob("*.parquet")):
        shutil.copyfile(f, d / "pop" / f.name)
    # the people who died in the year (their year comes from the deaths): like a generated
    # population's deaths view, their whole last year of care is settled in that year
    meta = {"year": facts["year"], "scale": 1.0, "imported": facts["dir"], "view": "deaths"}
    if facts["region_given"]:  # the region's inhabitants: only when the user says it
        meta["region"] = facts["region"]
    (d / "pop" / "meta.json").write_text(json.dumps(meta, sort_keys=True) + "\n", "utf-8")
    t1 = time.perf_counter()
    if facts["claims_path"] is not None:
        shutil.copytree(facts["claims_path"], d / "claims")
    else:
        dec = declare(j.cat, d / "pop", year=facts["year"], prices=j.prices)
        write_declaration(dec, d / "claims")
    full = claims_full_cost(d / "claims", j.prices)
    write_parquet(full, d / "full_costs.parquet")
    o = [{"replicate": r, "arm": arm, **x} for x in outcomes(d / "pop")]
    cost = int(pc.sum(full["full_cost_cents"]).as_py() or 0)
    return (
        o,
        {"derived": {}, "care_cost_cents": cost},
        {"population": t1 - t0, "claims": time.perf_counter() - t1},
    )


BYTES_PER_LINE = 400
"""Memory of one claim line of one arm while its batch is settled (an upper estimate: the
claims in Arrow and in DuckDB, the per-patient lines, the ledger and its sort), for
``batch_size``."""
MEMORY_SHARE = 4
"""A batch may take 1/``MEMORY_SHARE`` of the memory available (the rest: the other workers,
DuckDB's own caches, the population generation)."""


def available_memory() -> int:
    """Bytes this process may still use: ``MemAvailable`` of /proc/meminfo, capped by the
    cgroup's limit (``memory.max`` minus ``memory.current``, cgroup v2) when there is one;
    4 GiB when neither can be read."""
    avail = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        cg = Path("/sys/fs/cgroup")
        limit = (cg / "memory.max").read_text().strip()
        if limit != "max":
            free = int(limit) - int((cg / "memory.current").read_text())
            avail = free if avail is None else min(avail, free)
    except (OSError, ValueError):
        pass
    return avail if avail is not None else 4 << 30


def batch_size(replicates: int, lines: int, available: int | None = None, workers: int = 1) -> int:
    """How many replicates ``simulate`` settles in one batch: as many as fit in a quarter of
    the memory available (``available``, else ``available_memory()``), shared by the
    ``workers``, at ``BYTES_PER_LINE`` per claim line of each of the two arms (``lines``: a
    replicate's claim lines), at least 1 and at most ``replicates``:

        batch = min(replicates, max(1, available / 4 / workers // (2 * lines * 400)))

    ``PASSEND_REPLICATE_BATCH`` overrides it (1: each replicate alone); the results do not
    depend on it."""
    given = os.environ.get("PASSEND_REPLICATE_BATCH")
    if given:
        return max(1, min(replicates, int(given)))
    avail = available_memory() if available is None else available
    per_replicate = len(ARMS) * max(1, lines) * BYTES_PER_LINE
    return max(1, min(replicates, avail // MEMORY_SHARE // max(1, workers) // per_replicate))


def _settle(
    rs: tuple[int, ...], k: int
) -> tuple[dict[int, list[pa.Table]], pa.Table | None, dict[str, float]]:
    """Step 2 of a batch of replicates ``rs`` for contract set k: the baselines (each its own
    reference) and the interventions (each with its baseline as reference and the team's
    costs), settled as one batch per arm; per replicate their stakeholder groups, and in
    replicate 0 the settlements written out and the incentives."""
    j = _job()
    cs = j.sets[k]
    t0 = time.perf_counter()
    dirs = {r: {arm: _arm_dir(r, arm) for arm in ARMS} for r in rs}
    common = dict(inhabitants_by_region=j.inhabitants, prices=j.prices, provider_costs=j.pcosts)

    def run(r: int, arm: str, ref: Reference | None, extra: dict[str, int] | None) -> Run:
        d = dirs[r][arm]
        full = pq.read_table(d / "full_costs.parquet")
        return Run(d / "claims", d / "pop", ref, extra, full)

    base = settle_batch([run(r, "baseline", None, None) for r in rs], cs, **common)
    # each baseline's groups taken (and replicate 0's settlement written) before the
    # interventions settle, and each settlement dropped once used: only the baselines'
    # references stay alive while the interventions settle, not their ledgers
    base_groups, inter_runs = [], []
    for r in rs:
        b = base.pop(0)
        base_groups.append(_groups(r, cs, "baseline", b))
        ref = Reference(*(b.tables[n] for n in ("basis", "classes", "spend", "costs")))
        del b
        providers = pq.read_table(dirs[r]["intervention"] / "pop" / "providers.parquet")
        inter_runs.append(run(r, "intervention", ref, _team_costs(j.cat, j.ls, providers)))
    inter = settle_batch(inter_runs, cs, **common)
    del inter_runs
    out: dict[int, list[pa.Table]] = {}
    for r, g in zip(rs, base_groups, strict=True):
        out[r] = [g, _groups(r, cs, "intervention", inter.pop(0))]
    t1 = time.perf_counter()
    inc = None
    if 0 in rs:
        d = dirs[0]["baseline"]
        inc = incentives(
            d / "claims" / "claims.parquet",
            cs,
            pq.read_table(d / "pop" / "patients.parquet"),
            pq.read_table(d / "pop" / "providers.parquet"),
            j.prices,
            j.pcosts,
        )
    return out, inc, {"settlement": t1 - t0, "incentives": time.perf_counter() - t1}


@dataclass
class _Collected:
    """What a run keeps of its steps, in step order: per replicate and arm its outcomes and
    the cost of its care, per intervention the effects derived in generation, per batch its
    stakeholder groups (one small table), replicate 0's incentives, the stage times."""

    outcomes: list[dict[str, Any]] = field(default_factory=list)
    care_cost: dict[str, list[int]] = field(default_factory=lambda: {arm: [] for arm in ARMS})
    derived: list[dict[str, float]] = field(default_factory=list)
    groups: list[pa.Table] = field(default_factory=list)
    incentives: list[pa.Table] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, t: dict[str, float]) -> None:
        for k, v in t.items():
            self.timings[k] = self.timings.get(k, 0.0) + v


def _run_steps(
    job: _Job,
    per_wave: int,
    run_all: Callable[[list[Any]], Any],
    progress: Callable[[str], None] | None,
) -> _Collected:
    """All steps of a run, in waves of ``per_wave`` batches (one per worker): replicate 0's
    populations first (its claims size the batches: ``batch_size``), then per wave the
    populations of its replicates and their settlements under every contract set; a batch's
    folders are dropped once it is settled under every set (``_drop``)."""
    n_rep, sets, got = job.replicates, job.sets, _Collected()

    def generate_all(rs: list[int]) -> None:
        for o, facts, t in run_all([(_generate, (r, arm)) for r in rs for arm in ARMS]):
            got.outcomes.extend(o)
            got.care_cost[o[0]["arm"]].append(facts["care_cost_cents"])
            if o[0]["arm"] == "intervention":
                got.derived.append(facts["derived"])
            got.add(t)
            if progress:
                progress(f"replicate {o[0]['replicate'] + 1}/{n_rep}: {o[0]['arm']}")

    generate_all([0])
    claims0 = job.work / "r0" / "baseline" / "claims" / "claims.parquet"
    size = batch_size(n_rep, pq.read_metadata(claims0).num_rows, workers=per_wave)
    if per_wave > 1:  # at least one batch per worker
        size = max(1, min(size, -(-n_rep // per_wave)))
    batches = [tuple(range(b, min(b + size, n_rep))) for b in range(0, n_rep, size)]
    for w in range(0, len(batches), per_wave):
        wave = batches[w : w + per_wave]
        generate_all([r for rs in wave for r in rs if r != 0])
        by_step: dict[tuple[int, int], list[pa.Table]] = {}
        tasks = [(_settle, (rs, k)) for rs in wave for k in range(len(sets))]
        for i, (g, inc, t) in enumerate(run_all(tasks)):
            rs, k = wave[i // len(sets)], i % len(sets)
            for r, tables in g.items():
                by_step[(r, k)] = tables
                if progress:
                    progress(f"replicate {r + 1}/{n_rep}: {sets[k].cs.id}")
            if inc is not None:
                got.incentives.append(inc)
            got.add(t)
            if k == len(sets) - 1:  # the batch is settled under every set
                done = [tb for key in sorted(by_step) for tb in by_step.pop(key)]
                got.groups.append(pa.concat_tables(done))
                _drop(job.work, rs)
    return got


def _drop(work: Path, rs: tuple[int, ...]) -> None:
    """Remove the folders of replicates ``rs`` (populations, claims, full costs) from the run's
    work folder once every step that reads them is done: their settlements under every
    contract set, their outcomes and, for replicate 0, the settlements written out and the
    incentives. A run of many replicates then keeps at most its batches in progress on disk."""
    for r in rs:
        shutil.rmtree(work / f"r{r}")


def _groups(r: int, cs: LoadedSet, arm: str, res: Settlement) -> pa.Table:
    """The stakeholder groups of replicate r's settlement of an arm (replicate 0's settlement
    written out too)."""
    j = _job()
    if r == 0:
        for key in ("claims", "population"):  # the run's temporary folder: not kept
            res.meta[key] = str(Path(res.meta[key]).relative_to(j.work))
        write_settlement(res, j.out_dir / "settlements" / cs.cs.id / arm)
    g = groups(res.tables["stakeholders"])
    n = g.num_rows
    g = g.append_column("replicate", pa.array([r] * n, pa.int32()))
    g = g.append_column("contract_set", pa.array([cs.cs.id] * n))
    return g.append_column("arm", pa.array([arm] * n))


def steps(ls: LoadedScenario, replicates: int | None = None) -> int:
    """Number of steps of a run (for a progress bar): per replicate two populations and one
    settlement step per contract set."""
    return (replicates or ls.s.monte_carlo.replicates) * (len(ARMS) + len(ls.s.contract_sets))


def _star(args: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
    fn, a = args
    return fn(*a)


def checked_inputs(
    cat: Catalogue, ls: LoadedScenario
) -> tuple[dict[str, Any], Any, list[LoadedSet]]:
    """The scenario's regions, the population parameters and its contract sets, checked before
    any step runs: an unknown region or rate multiplier is a ValueError naming the file and the
    field, a contract set's problems a CatalogueError."""
    s = ls.s
    regions = load_regions(cat, ls.resolve(s.population.regions))
    if s.population.imported:
        imported_facts(ls, regions)  # its year and region, or a ValueError naming them
    elif s.population.region not in regions:
        raise Problem(
            "scenario_region", path=ls.path, name=s.population.region, all=sorted(regions)
        )
    params = load_parameters(cat)
    named = {*s.intervention.effects.rate_multipliers} | {
        k.split(".", 1)[1] for k in s.monte_carlo.uncertain if k.startswith("rate_multipliers.")
    }
    valid = multiplier_keys(params)
    if named - valid:
        raise Problem(
            "unknown_multipliers", path=ls.path, names=sorted(named - valid), valid=sorted(valid)
        )
    sets: list[LoadedSet] = [
        load_contract_set(resolve_contract_set(ls.resolve(c) if c.endswith(".yaml") else c), cat)
        for c in s.contract_sets
    ]
    return regions, params, sets


def imported_facts(ls: LoadedScenario, regions: dict[str, Any]) -> dict[str, Any]:
    """What a run on an imported population takes from it: its folder (``path``, and ``dir``
    as the scenario names it), its year (``population.year``, else the one year of its
    deaths), its region (``population.region``, else the one region its patients name, else
    None), its claims folder (``claims.dir``, or None: declared) and the counts the report
    shows. Only a region the scenario gives (``region_given``) brings its inhabitants (to
    population payments, a price per inhabitant): the data may be part of a region (one
    insurer's patients), which only the user knows."""
    s = ls.s
    path = ls.resolve(s.population.dir)
    assert path is not None
    patients = pq.read_table(path / "patients.parquet", columns=["death_date", "region"])
    n_acts = pq.read_metadata(path / "activities.parquet").num_rows
    years = deaths_years(patients)
    year = s.population.year
    if year is None:
        if len(years) != 1:
            found = ", ".join(map(str, years)) or "none"
            raise Problem("imported_years", path=ls.path, found=found)
        year = int(years[0])
    given = "region" in s.population.model_fields_set
    if given and s.population.region not in regions:
        raise Problem(
            "scenario_region", path=ls.path, name=s.population.region, all=sorted(regions)
        )
    named = sorted(set(pc.unique(patients["region"]).to_pylist()) - {None, ""})
    region = s.population.region if given else (named[0] if len(named) == 1 else None)
    claims = ls.resolve(s.claims.dir) if s.claims is not None else None
    return {
        "path": str(path),
        "dir": s.population.dir,
        "name": path.resolve().name,
        "year": year,
        "region": region,
        "region_given": given,
        "patients": patients.num_rows,
        "activities": n_acts,
        "claims_path": str(claims) if claims is not None else None,
        "claims": s.claims.dir if s.claims is not None else None,
        "claims_lines": (
            pq.read_metadata(claims / "claims.parquet").num_rows if claims is not None else None
        ),
    }


IMPORTED_ONE_REPLICATE = (
    "population.dir: an imported population is settled as given: one replicate "
    "(no populations to draw), not {n}"
)


def simulate(
    cat: Catalogue,
    ls: LoadedScenario,
    out_dir: Path,
    replicates: int | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int = 1,
) -> RunResult:
    """Run the scenario. ``workers`` > 1 runs the steps in that many processes; the results
    are collected in step order, so they do not depend on the number of workers."""
    s = ls.s
    n_rep = replicates or s.monte_carlo.replicates
    if s.population.imported and n_rep > 1:
        raise ValueError(f"{ls.path}: " + IMPORTED_ONE_REPLICATE.format(n=n_rep))
    regions, params, sets = checked_inputs(cat, ls)
    own = imported_facts(ls, regions) if s.population.imported else None
    drawn_all = [replicate_effects(ls, r, n_rep)[1] for r in range(n_rep)]
    with tempfile.TemporaryDirectory(prefix="passend-sim-") as tmp:
        job = _Job(
            cat=cat,
            ls=ls,
            sets=sets,
            params=params,
            insurers=load_insurers(cat),
            regions=regions,
            inhabitants={rid: r.inhabitants.value for rid, r in regions.items()},
            prices=load_cost_prices(ls.resolve(s.cost_prices)),
            pcosts=load_provider_costs(ls.resolve(s.provider_costs)),
            work=Path(tmp),
            out_dir=out_dir,
            replicates=n_rep,
            imported=own,
        )
        pool = None
        if workers > 1 and n_rep * (len(ARMS) + len(sets)) > 1:
            ctx = multiprocessing.get_context("spawn")
            threads = db.available_cpus() // workers
            pool = ProcessPoolExecutor(
                workers, mp_context=ctx, initializer=_init, initargs=(job, threads)
            )
        else:
            _init(job)

        def run_all(tasks: list[Any]) -> Any:
            return pool.map(_star, tasks) if pool is not None else map(_star, tasks)

        try:
            got = _run_steps(job, workers if pool is not None else 1, run_all, progress)
        finally:
            if pool is not None:
                pool.shutdown()
            _init(None)
    g_all = pa.concat_tables(got.groups)
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
    out_t = pa.Table.from_pylist(got.outcomes)
    inc_t = pa.concat_tables(got.incentives)
    summary = summarise(ls, sets, g_all, got.outcomes, drawn_all)
    summary["derived_effects"] = got.derived
    summary["care_cost_cents"] = got.care_cost  # per arm and replicate, at the cost prices
    summary.update(year_facts(cat, own["year"] if own is not None else s.population.year))
    if own is not None:  # where the population came from, as the report says it
        summary["population"] = {
            "imported": True,
            **{k: v for k, v in own.items() if k not in ("path", "claims_path")},
        }
    return RunResult(g_all, out_t, inc_t, summary, got.timings)


def year_facts(cat: Catalogue, year: int) -> dict[str, Any]:
    """The run's year as ``summary.json`` gives it: ``year``, ``year_status`` (reviewed or
    announced: ``Catalogue.check_year``; any other year was refused when the scenario was
    loaded) and ``warning``, per language, for an announced year (its rules are not final;
    what the simulate output and the report show), else None."""
    status = cat.check_year(year)
    warning = {lang: cat.year_warning(year, lang) for lang in ("nl", "en")}
    return {
        "year": year,
        "year_status": status,
        "warning": warning if status != "reviewed" else None,
    }


def _by(rows: list[dict], *keys: str) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(tuple(r[k] for k in keys), []).append(r)
    return out


def _outcome_summary(rows: list[dict], lo: float, hi: float) -> dict[str, Any]:
    """Per outcome and arm the mean per patient with its interval over the replicates, and
    the change (intervention minus baseline) and the relative change of the count."""
    out: dict[str, Any] = {}
    by_arm = _by(rows, "arm")
    pairs = list(zip(by_arm[("baseline",)], by_arm[("intervention",)], strict=True))
    for key in OUTCOME_KEYS:
        for arm in ARMS:
            vals = [x[key] / x["patients"] if x["patients"] else 0.0 for x in by_arm[(arm,)]]
            m, l_, h = interval(vals, lo, hi)
            out[f"{key}_per_patient_{arm}"] = {"mean": m, "low": l_, "high": h}
        deltas = [
            (i[key] / i["patients"] if i["patients"] else 0.0)
            - (b[key] / b["patients"] if b["patients"] else 0.0)
            for b, i in pairs
        ]
        m, l_, h = interval(deltas, lo, hi)
        out[f"{key}_per_patient_delta"] = {"mean": m, "low": l_, "high": h}
        ratios = [i[key] / b[key] - 1 for b, i in pairs if b[key]]
        if ratios:
            m, l_, h = interval(ratios, lo, hi)
            out[f"{key}_relative_change"] = {"mean": m, "low": l_, "high": h}
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
    by_subset = _by(outcome_rows, "subset")
    outcome = _outcome_summary(by_subset[("all",)], lo, hi)
    reached = _outcome_summary(by_subset[("reached",)], lo, hi)
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
        "outcomes_reached": reached,
        "reached_patients": round(
            float(
                np.mean([x["patients"] for x in by_subset[("reached",)] if x["arm"] == "baseline"])
            )
        ),
        "drawn_effects": drawn,
    }


RESULT_TABLES = ("groups", "wrong_pocket", "outcomes", "incentives")
"""The run's result tables, each as ``<name>.parquet`` and ``<name>.csv`` (and a sheet of
``results.xlsx`` with ``xlsx``), in the workbook's order."""
WORKBOOK = "results.xlsx"


def write_results(
    res: RunResult,
    out_dir: Path,
    catalogue_version: str,
    xlsx: bool = False,
    lang: str = "nl",
) -> None:
    """The result tables as Parquet and CSV (``passend.export``: column ids, integer cents),
    with ``xlsx`` also one workbook (a sheet per table, headers in ``lang``, euros as
    numbers in a euro format); summary.json and run.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {
        "groups": res.groups,
        "wrong_pocket": pa.Table.from_pylist(res.summary["wrong_pocket"]),
        "outcomes": res.outcomes,
        "incentives": res.incentives,
    }
    for name in RESULT_TABLES:
        write_parquet(tables[name], out_dir / f"{name}.parquet")
        export.write_csv(tables[name], out_dir / f"{name}.csv")
    if xlsx:
        labels = COLUMN_LABELS[lang]
        sheets = {labels[f"sheet.{n}"]: tables[n] for n in RESULT_TABLES}
        (out_dir / WORKBOOK).write_bytes(export.workbook_bytes(sheets, lang))
    summary = {**res.summary, "catalogue_version": catalogue_version}
    (out_dir / "summary.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "run.json").write_text(
        json.dumps({"timings_s": {k: round(v, 2) for k, v in res.timings.items()}}, indent=2)
        + "\n",
        encoding="utf-8",
    )


Progress = Callable[[int, int], None]
"""Called with (steps done, steps in all) before the first step and after each step."""


@dataclass
class ScenarioRun:
    """What ``run_scenario`` did: the scenario as loaded, its results (also written to
    ``out_dir``) and the report's path (None without a report)."""

    scenario: LoadedScenario
    result: RunResult
    out_dir: Path
    report: Path | None


def counter(total: int, progress: Progress | None) -> Callable[[str], None]:
    """The step callback of ``simulate`` that tells ``progress`` (steps done, of ``total``):
    once at the start (0 of total) and after each step."""
    done = 0
    if progress:
        progress(done, total)

    def step(_: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    return step


def run_scenario(
    cat: Catalogue,
    scenario: Path,
    out_dir: Path,
    lang: str = "nl",
    replicates: int | None = None,
    report: bool = True,
    workers: int = 1,
    progress: Progress | None = None,
    xlsx: bool = False,
) -> ScenarioRun:
    """Load ``scenario``, simulate it, write the results (Parquet and CSV, summary.json,
    run.json; with ``xlsx`` results.xlsx) to ``out_dir`` and, with ``report``, its
    report.html in ``lang``. The scenario's problems are
    a CatalogueError (``file:line: field: reason``), a wrong value a ValueError naming the file
    (the region, the rate multipliers and the contract sets are checked before any step runs;
    a team cost's provider when the population is there)."""
    from passend.scenarios.report import write_report
    from passend.scenarios.schema import load_scenario

    if replicates is not None and replicates < 1:
        raise ValueError("replicates must be at least 1")
    ls = load_scenario(scenario, cat)
    if ls.s.population.imported and (replicates or 1) > 1:
        raise ValueError(f"{scenario}: " + IMPORTED_ONE_REPLICATE.format(n=replicates))
    step = counter(steps(ls, replicates), progress)
    res = simulate(cat, ls, out_dir, replicates, step, max(1, workers))
    write_results(res, out_dir, cat.meta.version, xlsx, "en" if lang == "en" else "nl")
    path = write_report(out_dir, ls, lang, cat) if report else None
    return ScenarioRun(ls, res, out_dir, path)
