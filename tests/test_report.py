"""The scenario report (``report.html``): self-contained, a chart per question, Dutch and
English, byte-identical on a re-render, and rendered by a real browser (headless Chromium;
skipped when there is none). The results are a small hand-made run folder, so these tests do
not depend on the simulator's speed; one smoke test runs ``passend simulate`` at a tiny scale.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from markupsafe import escape

from browser import chromium
from browser import dom as page_dom
from browser import flags as browser_flags
from passend.catalogue.loader import Catalogue
from passend.i18n import number
from passend.scenarios.report import write_report
from passend.scenarios.schema import LoadedScenario, load_scenario

FIGURES = {
    "fig-margins",
    "fig-waterfall",
    "fig-incentives",
    "fig-wrong-pocket",
    "fig-outcomes",
    "fig-uncertainty",
}
SCENARIO = """\
id: tiny-report
name: {nl: "Klein rapportscenario", en: "Tiny report scenario"}
description: {nl: "Een scenario voor de tests.", en: "A scenario for the tests."}
sources:
  - {document: 004_b7ec9e43c39af928.txt, section: "4.1.3 Zuid-Gelderland"}
population: {region: zuid-gelderland, year: 2026, seed: 3, scale: 0.02}
intervention:
  name: {nl: "Transmuraal team", en: "Transmural team"}
  sources:
    - {document: passend_placeholder, section: "the team's fixed cost"}
  effects:
    rate_multipliers: {admission_via_ed: 0.6, ed_visit_only: 0.8}
    odds_home: 2.0
    added:
      - {activity: palliative_consultation, professional: palliative_nurse, provider_kind: consultation_team, unit: minutes, quantity: 20, share: 0.8, per_patient: 2.0, who: marked, window_days: 90}
  team_costs:
    - provider_kind: consultation_team
      amount_eur: 20000
      note: "rota and coordination; placeholder amount"
      sources: [{document: passend_placeholder, section: "team availability"}]
contract_sets: [pxq, bundle]
monte_carlo:
  replicates: 2
  uncertain:
    odds_home: {dist: triangular, low: 1.6, mode: 2.0, high: 2.4}
"""
NAMES = {
    "pxq": {"nl": "Huidig stelsel: P×Q tegen maximumtarief", "en": "Current system: PxQ"},
    "bundle": {"nl": "Bundel per palliatieve patiënt", "en": "Bundle per palliative patient"},
}
# group -> (money in, money out, cost) in the baseline, cents
BASE = {
    "health_insurer": (0, 4_400_000_000, 0),
    "care_office": (0, 10_000_000_000, 0),
    "hospital": (3_000_000_000, 0, 2_800_000_000),
    "network": (0, 0, 7_000_000),
    "consultation_team": (0, 0, 69_000_000),
    "gp_practice": (170_000_000, 0, 248_000_000),
    "zorggroep": (0, 0, 0),
}
# (contract set, group) -> change (money in, money out, cost) in the intervention, cents
DELTA = {
    ("pxq", "health_insurer"): (0, -123_456_700, 0),
    ("pxq", "hospital"): (-123_456_700, 0, -30_000_000),
    ("pxq", "network"): (0, 0, 2_000_000),
    ("pxq", "consultation_team"): (0, 0, 4_000_000),
    ("bundle", "health_insurer"): (0, -60_000_000, 0),
    ("bundle", "hospital"): (-123_456_700, 0, -30_000_000),
    ("bundle", "network"): (63_456_700, 0, 2_000_000),
    ("bundle", "consultation_team"): (0, 0, 4_000_000),
}
OUTCOMES = {
    "deaths_home": (0.40, 0.52),
    "deaths_preferred": (0.57, 0.66),
    "deaths_hospital": (0.18, 0.11),
    "admissions_last_30d": (0.37, 0.24),
    "ed_visits_last_30d": (0.22, 0.14),
}


def _interval(values: list[float]) -> tuple[float, float, float]:
    arr = np.asarray(values, dtype=float)
    return float(arr.mean()), float(np.quantile(arr, 0.05)), float(np.quantile(arr, 0.95))


def _fake_run(out: Path, ls: LoadedScenario, cat: Catalogue, replicates: int) -> None:
    """A run folder as ``passend simulate`` writes it (the parts the report reads)."""
    out.mkdir(parents=True)
    rows: list[dict[str, Any]] = []
    for r in range(replicates):
        for cs in ("pxq", "bundle"):
            for arm in ("baseline", "intervention"):
                for g, (m_in, m_out, cost) in BASE.items():
                    d = DELTA.get((cs, g), (0, 0, 0)) if arm == "intervention" else (0, 0, 0)
                    wobble = 1_000_000 * r if g == "health_insurer" and d != (0, 0, 0) else 0
                    m_in, m_out, cost = m_in + d[0], m_out + d[1] + wobble, cost + d[2]
                    rows.append(
                        {
                            "replicate": r,
                            "contract_set": cs,
                            "arm": arm,
                            "group": g,
                            "money_in_cents": m_in,
                            "money_out_cents": m_out,
                            "cost_cents": cost,
                            "margin_cents": m_in - m_out - cost,
                        }
                    )
    pq.write_table(pa.Table.from_pylist(rows), out / "groups.parquet")
    wrong_pocket = []
    for cs in ("pxq", "bundle"):
        for g in BASE:
            entry: dict[str, Any] = {"contract_set": cs, "group": g}
            for col in ("money_in", "money_out", "cost", "margin"):
                key = f"{col}_cents"
                base = [
                    x[key]
                    for x in rows
                    if (x["contract_set"], x["group"], x["arm"]) == (cs, g, "baseline")
                ]
                inter = [
                    x[key]
                    for x in rows
                    if (x["contract_set"], x["group"], x["arm"]) == (cs, g, "intervention")
                ]
                m, lo, hi = _interval([i - b for b, i in zip(base, inter, strict=True)])
                entry[f"baseline_{key}"] = round(float(np.mean(base)))
                entry[f"delta_{key}"] = round(m)
                entry[f"delta_{key}_low"] = round(lo)
                entry[f"delta_{key}_high"] = round(hi)
            wrong_pocket.append(entry)
    pq.write_table(pa.Table.from_pylist(wrong_pocket), out / "wrong_pocket.parquet")
    incentives = [
        {
            "contract_set": cs,
            "provider_kind": kind,
            "unit": unit,
            "units_in_baseline": n,
            "revenue_cents": rev,
            "cost_cents": cost,
            "margin_cents": rev - cost,
        }
        for cs in ("pxq", "bundle")
        for kind, unit, n, rev, cost in (
            ("hospital", "avoided_admission", 39.0, -450_000, -5_600),
            ("district_nursing_org", "extra_nursing_hour", 381.5, 7_352, 5_525),
        )
    ]
    pq.write_table(pa.Table.from_pylist(incentives), out / "incentives.parquet")
    outcomes: dict[str, dict[str, float]] = {}
    for key, (b, i) in OUTCOMES.items():
        spread = 0.01 if replicates > 1 else 0.0
        for arm, v in (("baseline", b), ("intervention", i), ("delta", i - b)):
            outcomes[f"{key}_per_patient_{arm}"] = {
                "mean": v,
                "low": v - spread,
                "high": v + spread,
            }
    summary = {
        "scenario": ls.s.id,
        "scenario_sha256": ls.sha256,
        "seed": ls.s.population.seed,
        "replicates": replicates,
        "interval": [0.05, 0.95],
        "software": "passend 0.1.0",
        "catalogue_version": cat.meta.version,
        "contract_sets": [{"id": c, "name": NAMES[c], "sha256": "ab" * 32} for c in NAMES],
        "wrong_pocket": wrong_pocket,
        "outcomes": outcomes,
        "drawn_effects": [{"odds_home": 1.9 + 0.2 * r} for r in range(replicates)],
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True), "utf-8")


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, cat: Catalogue) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("report")
    (root / "tiny.yaml").write_text(SCENARIO, encoding="utf-8")
    ls = load_scenario(root / "tiny.yaml", cat)
    dirs = {}
    for lang, reps in (("nl", 2), ("en", 2), ("one", 1)):
        _fake_run(root / lang, ls, cat, reps)
        dirs[lang] = root / lang
    html = {
        lang: write_report(dirs[lang], ls, "en" if lang == "en" else "nl", cat).read_text("utf-8")
        for lang in dirs
    }
    return {"root": root, "ls": ls, "dirs": dirs, "html": html, "cat": cat}


def _figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'<figure id="([^"]+)">(.*?)</figure>', html, flags=re.S))


@pytest.mark.parametrize("lang", ["nl", "en", "one"])
def test_self_contained_no_network(run: dict[str, Any], lang: str) -> None:
    html = run["html"][lang]
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, flags=re.I)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", html, flags=re.I)
    assert "@import" not in html
    assert "<script" not in html
    assert "<link" not in html
    assert "<img" not in html
    assert "<metadata>" not in html  # matplotlib's RDF block (with its http URIs) is dropped
    # Anchors only point inside the page.
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', html))
    # Ids are unique, also across the inline SVGs.
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("lang", ["nl", "en", "one"])
def test_a_figure_with_an_svg_per_question(run: dict[str, Any], lang: str) -> None:
    figs = _figures(run["html"][lang])
    assert set(figs) == FIGURES
    for fig_id, body in figs.items():
        assert body.count("<svg") == 1, fig_id
        assert f'id="{fig_id}-svg"' in body
        assert "<figcaption>" in body
        assert "<text" in body  # svg.fonttype none: labels stay text


def test_dutch_and_english(run: dict[str, Any]) -> None:
    nl, en = run["html"]["nl"], run["html"]["en"]
    assert '<html lang="nl">' in nl and '<html lang="en">' in en
    for text in (
        "Kerncijfers",
        "Zorgverzekeraars",
        "Ziekenhuizen",
        "Aannames en bronnen",
        "Reproduceren",
        "Wrong-pocketmatrix",
        "Klein rapportscenario",
    ):
        assert text in nl, text
        assert text not in en, text
    for text in (
        "Headline figures",
        "Health insurers",
        "Hospitals",
        "Assumptions and sources",
        "<h2>Reproduce</h2>",
        "Wrong-pocket matrix",
        "Tiny report scenario",
    ):
        assert text in en, text
        assert text not in nl, text
    # The insurer saves EUR 1,234,567, less half of the second replicate's EUR 10,000.
    assert "+€ 1.229.567" in nl and "+EUR 1,229,567" in en
    assert "−€ 934.567" in nl and "−EUR 934,567" in en  # the hospital: revenue minus cost
    assert "−4.444,00" in nl and "−4,444.00" in en  # margin of one avoided admission
    assert number(1234.5, "nl", 1) == "1.234,5" and number(1234.5, "en", 1) == "1,234.5"
    # Chart labels follow the language too.
    assert "Marge (€ mln)" in nl and "Margin (EUR million)" in en


def test_intervals_assumptions_and_reproduction(run: dict[str, Any]) -> None:
    nl, one = run["html"]["nl"], run["html"]["one"]
    ls = run["ls"]
    assert "5–95%-interval over 2 replicaties" in nl
    assert "Eén replicatie" in one and "Eén replicatie" not in nl
    assert "Foutbalken" in nl and "Foutbalken" not in one
    # Assumptions: sources with document titles, placeholders marked, contract notes.
    assert 'class="badge">placeholder' in nl
    assert nl.count('<li class="ph">') >= 3
    assert "Transitie Consultatie palliatieve zorg" in nl  # title of document 004
    assert "admission_via_ed: × 0,6 (−40,0%)" in nl
    assert "rota and coordination; placeholder amount" in nl
    assert "palliative-bundle" in nl and "corridor" in nl  # the bundle contract's parameters
    # Reproduction: the exact command, the scenario's hash, the seed, versions.
    assert f"passend simulate {ls.path} --out {run['dirs']['nl']} --replicates 2" in nl
    assert ls.sha256 in nl and "passend 0.1.0" in nl and run["cat"].meta.version in nl


def test_byte_identical_on_rerender(run: dict[str, Any]) -> None:
    path = write_report(run["dirs"]["nl"], run["ls"], "nl", run["cat"])
    assert path == run["dirs"]["nl"] / "report.html"
    assert path.read_text("utf-8") == run["html"]["nl"]


def test_renders_in_headless_chromium(run: dict[str, Any], tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        pytest.skip("no chromium binary found (apt-get install chromium; .ci/run does)")
    from PIL import Image

    report = run["dirs"]["nl"] / "report.html"
    flags = browser_flags(tmp_path / "profile")
    dom = page_dom(browser, report, tmp_path / "profile")
    for fig_id in FIGURES:
        assert f'id="{fig_id}-svg"' in dom, fig_id
    assert dom.count("<svg") == len(FIGURES)
    shot = tmp_path / "report.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1280,4000", report.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.exists() and shot.stat().st_size > 50_000
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 4000)
    small = img.resize((320, 1000))
    assert len(small.getcolors(maxcolors=1 << 20)) > 200  # not blank: text, tables, charts
    # The charts' bar colours (baseline grey, intervention blue) only occur in the SVGs.
    counts = {colour: n for n, colour in img.getcolors(maxcolors=1 << 20)}
    assert counts.get((0x1F, 0x5F, 0x99), 0) > 2_000
    assert counts.get((0x9A, 0xA5, 0xB1), 0) > 2_000


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_seeds_cited_by_title_and_no_raw_parameter_json(run: dict[str, Any], lang: str) -> None:
    """Issue 18: a report cites the seeds by their titles, never by file name, and shows a
    contract's parameters as labelled values, not JSON."""
    html = run["html"][lang]
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt", html)
    assert escape(run["cat"].documents["004_b7ec9e43c39af928.txt"].title) in html
    assert '{"' not in html and "{&#34;" not in html and "{&quot;" not in html
    corridor = "corridor (bandbreedte): 10%" if lang == "nl" else "corridor: 10%"
    assert corridor in html  # the bundle contract's parameter, labelled and formatted
