"""Replicates as a key (``engine.settle_batch``): a batch of replicates settled in one run gives,
for every shipped contract set, the same tables byte for byte as settling each replicate alone
(its own reference: the baseline; and with the baseline's settlement as reference: the
intervention); and a simulate run's outputs do not depend on the batch size."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from passend.catalogue.loader import Catalogue
from passend.claims.declare import declare, load_cost_prices, write_declaration
from passend.population.generate import Effects, generate
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import write_population
from passend.scenarios import run as sim
from passend.settlement import models
from passend.settlement.contracts import load_contract_set, resolve_contract_set
from passend.settlement.engine import Reference, Run, settle, settle_batch

SETS = ("current", "pxq", "bundle", "population-p4p", "pxq-shared-savings", "lump-sum")
SETS += ("network", "availability")
REPLICATES = 3
INTERVENTION = Effects(rate_multipliers={"admission_via_ed": 0.5, "icu": 0.5}, odds_home=2.0)


def _bytes(t: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(t, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def arms(cat: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Per arm the folders of three replicates (seeds 11, 12, 13) of a small region: each with
    pop/ and claims/."""
    d = tmp_path_factory.mktemp("reps")
    params, insurers, regions = load_parameters(cat), load_insurers(cat), load_regions(cat)
    prices = load_cost_prices()
    out: dict[str, list[Path]] = {"baseline": [], "intervention": []}
    for r in range(REPLICATES):
        for arm, eff in (("baseline", Effects()), ("intervention", INTERVENTION)):
            pop = generate(
                cat, params, insurers, regions, "zuid-gelderland", 2026, 11 + r, 0.03, eff
            )
            a = d / f"r{r}" / arm
            write_population(pop, a / "pop")
            write_declaration(declare(cat, a / "pop", prices=prices), a / "claims")
            out[arm].append(a)
    return out


def _common(cat: Catalogue) -> dict:
    regions = load_regions(cat)
    return {"inhabitants_by_region": {k: r.inhabitants.value for k, r in regions.items()}}


@pytest.mark.parametrize("set_id", SETS)
def test_batched_settlement_equals_each_replicate_alone(
    cat: Catalogue, arms: dict[str, list[Path]], set_id: str
) -> None:
    cs = load_contract_set(resolve_contract_set(set_id), cat)
    common = _common(cat)
    base_runs = [Run(a / "claims", a / "pop") for a in arms["baseline"]]
    alone = [settle(a / "claims", cs, a / "pop", **common) for a in arms["baseline"]]
    batched = settle_batch(base_runs, cs, **common)
    refs = [
        Reference(*(s.tables[k] for k in ("basis", "classes", "spend", "costs"))) for s in alone
    ]
    inter_runs = [
        Run(a / "claims", a / "pop", ref, {"extra-provider": 500_00})
        for a, ref in zip(arms["intervention"], refs, strict=True)
    ]
    alone_i = [
        settle(r.claims_dir, cs, r.pop_dir, r.reference, extra_costs=r.extra_costs, **common)
        for r in inter_runs
    ]
    batched_i = settle_batch(inter_runs, cs, **common)
    totals = []
    for one, many in zip(alone + alone_i, batched + batched_i, strict=True):
        assert one.tables.keys() == many.tables.keys()
        for name, t in one.tables.items():
            assert _bytes(many.tables[name]) == _bytes(t), (set_id, name)
        assert one.meta == many.meta
        totals.append(pc.sum(one.tables["ledger"]["amount_cents"]).as_py())
    # a model that forgot the replicate key would mix the replicates: theirs differ
    assert len(set(totals[:REPLICATES])) == REPLICATES, totals


def test_the_shipped_models_are_batched() -> None:
    """Every shipped model settles a batch at once (its queries keyed by replicate), so the
    engine's per-replicate fallback (``engine._each``) is left for a model registered
    without ``batched``."""
    assert [n for n, m in models.REGISTRY.items() if not m.batched] == []


def test_batch_size_from_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    # 1 GiB available, a quarter of it for the batch, 2 arms x 1,000 lines x 400 bytes per
    # line: 268,435,456 / 800,000 = 335 replicates; never more than asked, at least 1
    monkeypatch.delenv("PASSEND_REPLICATE_BATCH", raising=False)
    assert sim.batch_size(1000, 1_000, available=1 << 30) == 335
    assert sim.batch_size(50, 1_000, available=1 << 30) == 50
    assert sim.batch_size(50, 10**9, available=1 << 30) == 1
    monkeypatch.setenv("PASSEND_REPLICATE_BATCH", "7")
    assert sim.batch_size(50, 1_000, available=1 << 30) == 7


SCENARIO = """\
id: test-batched
name: {nl: "Klein testscenario", en: "Small test scenario"}
sources: [{document: passend_placeholder, section: "test"}]
population: {region: zuid-gelderland, year: 2026, seed: 5, scale: 0.03}
intervention:
  name: {nl: "Minder SEH", en: "Less ED"}
  effects:
    rate_multipliers: {admission_via_ed: 0.5}
  team_costs:
    - {provider_kind: consultation_team, amount_eur: 100000, note: "test"}
contract_sets: [pxq, pxq-shared-savings]
monte_carlo:
  replicates: 3
  uncertain:
    rate_multipliers.admission_via_ed: {dist: uniform, low: 0.3, high: 0.7}
"""


def test_simulate_outputs_do_not_depend_on_the_batch(
    cat: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO, encoding="utf-8")
    outs = {}
    for size in ("1", "3"):
        monkeypatch.setenv("PASSEND_REPLICATE_BATCH", size)
        outs[size] = tmp_path / f"b{size}"
        sim.run_scenario(cat, scen, outs[size], lang="en", report=False)
    files = sorted(p.relative_to(outs["1"]) for p in outs["1"].rglob("*") if p.is_file())
    files = [f for f in files if f.name != "run.json"]  # timings
    assert Path("summary.json") in files and Path("groups.parquet") in files
    for f in files:
        assert (outs["3"] / f).read_bytes() == (outs["1"] / f).read_bytes(), f
    g = pq.read_table(outs["1"] / "groups.parquet")
    margins = {
        r: pc.sum(pc.abs(g.filter(pc.equal(g["replicate"], r))["margin_cents"])).as_py()
        for r in range(3)
    }
    assert len(set(margins.values())) == 3, margins
    assert json.loads((outs["1"] / "summary.json").read_text())["replicates"] == 3


def test_a_run_keeps_only_the_batches_in_progress_on_disk(
    cat: Catalogue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's replicate folders (populations, claims) are removed once it is settled under
    every contract set: with 4 replicates in batches of 2, the run's work folder holds at most 2
    replicates at any step, and replicates 0 and 1 are gone when the last batch settles; what
    replicate 0 gives the outputs (its settlements) is written all the same."""
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO.replace("replicates: 3", "replicates: 4"), encoding="utf-8")
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # the run's work folder goes here
    monkeypatch.setenv("PASSEND_REPLICATE_BATCH", "2")
    seen: list[list[str]] = []

    def look(done: int, total: int) -> None:
        seen.append(sorted(p.name for p in work.glob("passend-sim-*/r*")))

    out = tmp_path / "out"
    sim.run_scenario(cat, scen, out, lang="en", report=False, progress=look)
    assert len(seen) == 1 + 4 * (2 + 2)  # the start, then 2 arms and 2 contract sets each
    assert seen[1] == ["r0"]  # the work folder is observed
    assert max(len(s) for s in seen) == 2, seen
    assert seen[-1] == ["r2", "r3"], seen
    assert not list(work.iterdir())  # and the work folder itself is gone at the end
    for set_id in ("pxq", "pxq-shared-savings"):
        for arm in ("baseline", "intervention"):
            assert (out / "settlements" / set_id / arm / "ledger.parquet").is_file()
    assert pq.read_table(out / "incentives.parquet").num_rows > 0
    assert json.loads((out / "summary.json").read_text())["replicates"] == 4
