"""passend simulate: a small scenario end to end (scale 0.05 of Zuid-Gelderland, two contract
sets, two replicates), its invariants, determinism, and errors on bad scenario files."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from passend.cli import app
from passend.settlement.check import check_ledger

runner = CliRunner()

SCENARIO = """\
id: test-small
name: {nl: "Klein testscenario", en: "Small test scenario"}
sources: [{document: passend_placeholder, section: "test"}]
population: {region: zuid-gelderland, year: 2026, seed: 3, scale: 0.05}
intervention:
  name: {nl: "Minder SEH en IC", en: "Less ED and ICU"}
  effects:
    rate_multipliers: {ed_visit_only: 0.5, admission_via_ed: 0.5, icu: 0.5}
    odds_home: 2.0
  team_costs:
    - {provider_kind: consultation_team, amount_eur: 100000, note: "test"}
contract_sets: [pxq, availability]
monte_carlo:
  replicates: 2
  uncertain:
    odds_home: {dist: uniform, low: 1.5, high: 2.5}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("scenario")
    scen = d / "small.yaml"
    scen.write_text(SCENARIO, encoding="utf-8")
    out = d / "out"
    res = runner.invoke(
        app, ["simulate", str(scen), "--out", str(out), "--lang", "en", "--workers", "2"]
    )
    assert res.exit_code == 0, res.output
    return scen, out


def test_outputs_and_headline(run: tuple[Path, Path]) -> None:
    _, out = run
    for name in (
        "groups.parquet",
        "outcomes.parquet",
        "incentives.parquet",
        "wrong_pocket.parquet",
        "summary.json",
        "run.json",
        "report.html",
    ):
        assert (out / name).exists(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["replicates"] == 2
    assert (summary["year"], summary["year_status"], summary["warning"]) == (2026, "reviewed", None)
    assert [c["id"] for c in summary["contract_sets"]] == ["pxq", "availability"]
    assert set(summary["drawn_effects"][0]) == {"odds_home"}
    assert 1.5 <= summary["drawn_effects"][0]["odds_home"] <= 2.5


def test_money_is_conserved_per_set_arm_and_replicate(run: tuple[Path, Path]) -> None:
    _, out = run
    g = pq.read_table(out / "groups.parquet").to_pylist()
    keys = {(r["replicate"], r["contract_set"], r["arm"]) for r in g}
    assert len(keys) == 2 * 2 * 2
    for k in keys:
        rows = [r for r in g if (r["replicate"], r["contract_set"], r["arm"]) == k]
        assert sum(r["money_in_cents"] for r in rows) == sum(r["money_out_cents"] for r in rows)
        for r in rows:
            assert r["margin_cents"] == r["money_in_cents"] - r["money_out_cents"] - r["cost_cents"]


def test_settlements_of_replicate_0_pass_the_ledger_check(run: tuple[Path, Path]) -> None:
    _, out = run
    for cs in ("pxq", "availability"):
        for arm in ("baseline", "intervention"):
            problems, figures = check_ledger(out / "settlements" / cs / arm)
            assert problems == [], (cs, arm, problems)
            assert figures["claims_lines"] > 0


def test_paired_intervention_moves_outcomes_the_right_way(run: tuple[Path, Path]) -> None:
    _, out = run
    o = json.loads((out / "summary.json").read_text())["outcomes"]
    assert o["ed_visits_last_30d_per_patient_delta"]["mean"] < 0
    assert o["deaths_home_per_patient_delta"]["mean"] > 0
    # every replicate: the interval holds the mean
    for key, v in o.items():
        assert v["low"] <= v["mean"] <= v["high"], key


def test_team_cost_lands_on_the_consultation_team_in_every_contract_set(
    run: tuple[Path, Path],
) -> None:
    _, out = run
    wp = pq.read_table(out / "wrong_pocket.parquet").to_pylist()
    # the team's own work does not change between the arms (no added activities), so its
    # extra cost is the team cost: EUR 100,000 x scale 0.05 = EUR 5,000
    for cs in ("pxq", "availability"):
        team = next(r for r in wp if r["contract_set"] == cs and r["group"] == "consultation_team")
        assert team["delta_cost_cents"] == 500_000


def test_spagaat_under_pxq_and_not_under_availability(run: tuple[Path, Path]) -> None:
    """Seed 003: under PxQ the hospital loses the ICU-day tariff of an avoided ICU day; under
    availability payment (the ICU days in a lump sum) it loses no revenue and saves the
    variable cost."""
    _, out = run
    inc = pq.read_table(out / "incentives.parquet").to_pylist()
    icu = {
        r["contract_set"]: r
        for r in inc
        if r["unit"] == "avoided_icu_day" and r["provider_kind"] == "hospital"
    }
    assert icu["pxq"]["revenue_cents"] < 0
    assert icu["pxq"]["margin_cents"] < 0
    assert icu["availability"]["revenue_cents"] == 0
    assert icu["availability"]["margin_cents"] > 0
    assert icu["pxq"]["cost_cents"] == icu["availability"]["cost_cents"] < 0
    wp = pq.read_table(out / "wrong_pocket.parquet").to_pylist()
    hosp = {r["contract_set"]: r for r in wp if r["group"] == "hospital"}
    assert hosp["availability"]["delta_margin_cents"] > hosp["pxq"]["delta_margin_cents"]


def test_same_file_and_seed_give_identical_results(run: tuple[Path, Path], tmp_path: Path) -> None:
    """The fixture ran in two worker processes; this run in one: the same bytes, settlements
    (with their meta.json) included."""
    scen, out = run
    again = tmp_path / "again"
    args = ["simulate", str(scen), "--out", str(again), "--lang", "en", "--no-report"]
    res = runner.invoke(app, [*args, "--workers", "1"])
    assert res.exit_code == 0, res.output
    names = ["groups.parquet", "outcomes.parquet", "incentives.parquet", "summary.json"]
    settled = sorted(p.relative_to(out) for p in (out / "settlements").rglob("*") if p.is_file())
    assert len(settled) == 2 * 2 * 9  # 2 sets x 2 arms x (8 tables + meta.json)
    for name in names + [str(p) for p in settled]:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_bad_scenario_file_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCENARIO.replace("  replicates: 2\n", "  replicates: 2\n  colour: red\n"))
    res = runner.invoke(app, ["simulate", str(bad), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert f"{bad}:" in res.output and "monte_carlo.colour" in res.output
    assert "Traceback" not in res.output
    kind = tmp_path / "kind.yaml"
    kind.write_text(SCENARIO.replace("provider_kind: consultation_team", "provider_kind: castle"))
    res = runner.invoke(app, ["simulate", str(kind), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "castle" in res.output
    region = tmp_path / "region.yaml"
    region.write_text(SCENARIO.replace("region: zuid-gelderland", "region: atlantis"))
    res = runner.invoke(app, ["simulate", str(region), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "atlantis" in res.output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "icu: 0.5}",
            "icu: -0.5}",
            "intervention.effects.rate_multipliers.icu: Input should be greater than or equal to 0",
        ),
        (
            "odds_home: {dist: uniform, low: 1.5, high: 2.5}",
            "odds_home: {dist: normal, mean: 2, sd: 1}",
            "monte_carlo.uncertain.odds_home: odds and relative risks must stay above 0: give low > 0",
        ),
        (
            "odds_home: {dist: uniform, low: 1.5, high: 2.5}",
            "rate_multipliers.icu: {dist: uniform, low: -0.1, high: 0.9}",
            "monte_carlo.uncertain.rate_multipliers.icu: a rate multiplier must stay within 0..100",
        ),
        (
            "icu: 0.5}",
            "icu: 0.5, ed_admisions: 0.5}",
            "unknown rate multiplier(s) ed_admisions; valid: admission_other, admission_via_ed,",
        ),
        ("region: zuid-gelderland", "region: atlantis", "population.region: unknown region"),
        ("seed: 3", "seed: -1", "population.seed: Input should be greater than or equal to 0"),
    ],
)
def test_wrong_effects_region_or_seed_are_refused_before_any_replicate_runs(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in SCENARIO
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCENARIO.replace(old, new))
    out = str(tmp_path / "o")
    res = runner.invoke(app, ["simulate", str(bad), "--out", out, "--lang", "en"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    flat = "".join(res.output.split())  # the console may wrap a long line
    assert f"{bad}:" in flat and "".join(message.split()) in flat, res.output
    assert not (tmp_path / "o").exists()
