"""Terminal tables never show a wrong number (issue 18, point 1): every command's tables
rendered at 60, 80 and 200 columns; every number of the wide rendering must come out whole in
the narrow ones (not cut, not ellipsised, not folded over two lines). And one decimal mark per
language: no English decimals in a Dutch table."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from passend.cli import app
from passend.cli.tables import Column, Table, numeric, render
from test_business_case import CASE as BC_CASE
from test_business_case import SCENARIO as BC_SMALL

WIDTHS = (60, 80, 200)
runner = CliRunner()

NUMBER = re.compile(r"(?<![\w/\\.,:+−-])[+−]?\d(?:[\d.,]*\d)?(?![\w/\\])")
"""A number as a table shows it: digits with their separators and sign ('−1.234,56',
'+0,028'), not a digit inside a word, a path or a date's tail."""

SCENARIO = """\
id: tables-small
name: {nl: "Klein", en: "Small"}
sources: [{document: passend_placeholder, section: "test"}]
population: {region: zuid-gelderland, year: 2026, seed: 3, scale: 0.02}
intervention:
  name: {nl: "Minder SEH", en: "Less ED"}
  effects:
    rate_multipliers: {ed_visit_only: 0.5, admission_via_ed: 0.5}
    odds_home: 2.0
  team_costs:
    - {provider_kind: consultation_team, amount_eur: 100000, note: "test"}
contract_sets: [pxq, availability]
monte_carlo:
  replicates: 2
  uncertain:
    odds_home: {dist: uniform, low: 1.5, high: 2.5}
"""


# the business case of test_business_case, on a smaller population
BC_SCENARIO = BC_SMALL.replace("scale: 0.05", "scale: 0.02")
assert BC_SCENARIO != BC_SMALL


def numbers(text: str) -> Counter[str]:
    return Counter(NUMBER.findall(text))


def assert_whole(outputs: dict[int, str]) -> None:
    """Every number of the widest output appears (as often) in each narrower one, and no
    line is wider than its console."""
    wide = numbers(outputs[max(outputs)])
    assert wide, "no numbers at all: the command printed nothing to compare"
    for width, text in outputs.items():
        too_wide = [line for line in text.splitlines() if len(line.rstrip()) > width]
        assert too_wide == [], (width, too_wide)
        missing = wide - numbers(text)
        assert not missing, (width, sorted(missing), text)


def invoke(args: list[str], width: int, code: int = 0) -> str:
    r = runner.invoke(app, args, env={"COLUMNS": str(width), "PASSEND_LANG": ""})
    assert r.exit_code == code, (args, r.stdout, r.stderr)
    return r.stdout


def at_every_width(args: list[str], code: int = 0) -> dict[int, str]:
    return {w: invoke(args, w, code) for w in WIDTHS}


def printed(renderables: list, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as cap:
        for r in renderables:
            console.print(r)
    return cap.get()


DUTCH = re.compile(r"[+−]?(\d+|[1-9]\d{0,2}(\.\d{3})+)(,\d+)?")
"""A Dutch number: points group thousands, a comma before the decimals (1.234,5; 0,394)."""


def no_english_decimals(text: str) -> None:
    """Every number of a Dutch output is written the Dutch way (not 0.394, not 1,234.5)."""
    wrong = [n for n in NUMBER.findall(text) if not DUTCH.fullmatch(n)]
    assert wrong == [], wrong


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small generated region, its claims and their settlement."""
    d = tmp_path_factory.mktemp("tables")
    paths = {k: d / k for k in ("pop", "claims", "settled")}
    gen = [
        *("population", "generate", "--region", "zuid-gelderland", "--year", "2026"),
        *("--seed", "1", "--scale", "0.05", "--out", str(paths["pop"])),
    ]
    invoke(gen, 200)
    invoke(
        ["claims", "declare", "--population", str(paths["pop"]), "--out", str(paths["claims"])], 200
    )
    settle = [
        *("settle", "--claims", str(paths["claims"]), "--population", str(paths["pop"])),
        *("--contracts", "pxq", "--out", str(paths["settled"])),
    ]
    invoke(settle, 200)
    return paths


def test_a_number_too_wide_for_its_column_switches_to_the_stacked_layout() -> None:
    t = Table("Bedragen", [Column("Partij"), numeric("Ontvangen"), numeric("Betaald (interval)")])
    t.add("Zorgverzekeraars", "€ 1.234.567.890,12", "+9.061 [+8.704; +9.200]")
    t.add("Gemeenten", "€ 5,00", "−1 [−2; 0]")
    wide, narrow = render(t, 80), render(t, 40)
    assert "€ 1.234.567.890,12" in wide and "+9.061 [+8.704; +9.200]" in wide
    assert "Ontvangen" in wide.splitlines()[2]  # in columns: the header row
    # 40 columns cannot hold both numbers side by side: one block per row, every number whole
    assert "Ontvangen: € 1.234.567.890,12" in narrow
    assert "Betaald (interval):\n    +9.061 [+8.704; +9.200]" in narrow
    assert all(len(line) <= 40 for line in narrow.splitlines())
    assert_whole({40: narrow, 80: wide})


def test_text_wraps_between_words_and_numbers_stay_on_one_line() -> None:
    t = Table("", [Column("Naam"), numeric("Bedrag")])
    t.add("Een lange naam die over meerdere regels moet lopen", "€ 1.174.025,99")
    out = render(t, 40)
    assert "€ 1.174.025,99" in out and "Bedrag" in out.splitlines()[1]
    assert all(len(line) <= 40 for line in out.splitlines())


def test_simulate(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "o"
    wide = invoke(["simulate", str(scen), "--out", str(out), "--no-report", "--workers", "1"], 200)
    from passend.cli.simulate import headline_tables

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for lang in ("en", "nl"):
        outputs = {w: printed(headline_tables(summary, lang), w) for w in WIDTHS}
        assert_whole(outputs)
    # the command printed those (Dutch, the default)
    assert numbers(outputs[200]) - numbers(wide) == Counter()
    no_english_decimals(wide)
    assert "[" in wide  # the intervals of two replicates


def test_settle_and_ledger_check(region: dict[str, Path], tmp_path: Path) -> None:
    args = [
        *("settle", "--claims", str(region["claims"]), "--population", str(region["pop"])),
        *("--contracts", "pxq", "--out", str(tmp_path / "s")),
    ]
    assert_whole(at_every_width(args))
    assert_whole(at_every_width(["ledger", "check", str(region["settled"])]))


def test_claims_declare_and_import(region: dict[str, Path], tmp_path: Path) -> None:
    declare = [
        "claims",
        "declare",
        "--population",
        str(region["pop"]),
        "--out",
        str(tmp_path / "c"),
    ]
    outputs = at_every_width(declare)
    assert_whole(outputs)
    no_english_decimals(outputs[200])
    imported = [
        *("claims", "import", str(region["claims"] / "claims.parquet"), "--format", "parquet"),
        *("--out", str(tmp_path / "i")),
    ]
    assert_whole(at_every_width(imported))


def test_population_commands(region: dict[str, Path], tmp_path: Path) -> None:
    gen = [
        *("population", "generate", "--region", "zuid-gelderland", "--year", "2026"),
        *("--seed", "1", "--scale", "0.05", "--out", str(tmp_path / "p")),
    ]
    outputs = at_every_width(gen)
    assert_whole(outputs)
    assert "0,05" in outputs[200]  # the scale with the Dutch decimal comma
    assert_whole(at_every_width(["population", "regions"]))
    cal = [
        *("population", "calibration", "--region", "zuid-gelderland"),
        *("--scale", "0.05", "--seed", "1"),
    ]
    outputs = {w: runner.invoke(app, cal, env={"COLUMNS": str(w)}).stdout for w in WIDTHS}
    assert_whole(outputs)
    # the figures (the sources' own words, English data, come after the verdict)
    no_english_decimals("\n".join(re.split("[✓✗]", line)[0] for line in outputs[200].splitlines()))
    pop = region["pop"]
    imported = [
        *("population", "import", "--patients", str(pop / "patients.parquet")),
        *("--activities", str(pop / "activities.parquet"), "--out", str(tmp_path / "imp")),
    ]
    assert_whole(at_every_width(imported))


def test_catalogue_and_wegwijzer() -> None:
    for lang in ("nl", "en"):
        assert_whole(at_every_width(["catalogue", "list", "--year", "2026", "--lang", lang]))
        assert_whole(at_every_width(["catalogue", "show", "MSZ-DBC-PZ", "--lang", lang]))
    wegwijzer = ["wegwijzer", "--activity", "patz_meeting", "--professional", "gp_palliative"]
    assert_whole(at_every_width(wegwijzer))


def test_calc() -> None:
    assert_whole(
        at_every_width(
            [
                *("calc", "bundle", "--price", "cancer=9000", "--patients", "cancer=10"),
                *("--actual", "80000", "--corridor", "0.05"),
            ]
        )
    )


def test_business_case(tmp_path: Path) -> None:
    (tmp_path / "scenario.yaml").write_text(BC_SCENARIO, encoding="utf-8")
    case = tmp_path / "case.yaml"
    case.write_text(BC_CASE, encoding="utf-8")
    out = tmp_path / "o"
    wide = invoke(["business-case", str(case), "--out", str(out), "--workers", "1"], 200)
    from passend.cli.business_case import case_table

    bc = json.loads((out / "business_case.json").read_text(encoding="utf-8"))
    outputs = {w: printed([case_table(bc, "nl")], w) for w in WIDTHS}
    assert_whole(outputs)
    assert numbers(outputs[200]) - numbers(wide) == Counter()
