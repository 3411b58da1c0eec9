"""Issue 18 point 2: what cannot be right is refused with exit code 2 and one line naming it
(a path that does not exist, a year nobody reviewed the rules for, an effects file that does
not validate, shares that do not add up to 1); an announced year is answered with a visible
warning. Dutch by default, English with ``--lang en``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

import passend.catalogue.loader as loader
from passend.catalogue.loader import Catalogue, CatalogueError, YearError
from passend.catalogue.schema import Meta
from passend.cli import app
from passend.settlement.contracts import shipped_sets
from passend.web.app import create_app
from passend.web.settings import Settings

REFUSED_NL = "niemand heeft de regels voor {y} nagekeken; kies een jaar van 2023 tot en met 2026"
REFUSED_EN = "nobody reviewed the rules for {y}; choose a year from 2023 to 2026"
ANNOUNCED_NL = "2027 valt na de herziene jaren van de catalogus (2023–2026); de regels voor 2027 zijn aangekondigd, niet definitief"
ANNOUNCED_EN = "the rules for 2027 are announced, not final"


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def said(result: Any) -> str:
    """Everything the command printed (stdout and stderr), with wrapped lines joined."""
    return " ".join(result.output.split())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small population of 2026 and its claims."""
    root = tmp_path_factory.mktemp("refusals")
    pop, claims = root / "pop", root / "claims"
    r = run(
        "population", "generate", "--region", "zuid-gelderland", "--year", "2026",
        "--seed", "1", "--scale", "0.01", "--out", pop,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    r = run("claims", "declare", "--population", pop, "--out", claims)
    assert r.exit_code == 0, r.output
    return {"root": root, "pop": pop, "claims": claims}


# -- paths that do not exist ----------------------------------------------------------------


def _path_cases(w: dict[str, Path]) -> list[tuple[str, list[Any]]]:
    gone = w["root"] / "nonexistent"
    settle = ["settle", "--claims", w["claims"], "--contracts", "current", "--out", w["root"] / "s"]
    generate = [
        "population", "generate", "--region", "zuid-gelderland", "--year", "2026",
        "--seed", "1", "--scale", "0.01", "--out", w["root"] / "p",
    ]  # fmt: skip
    declare = ["claims", "declare", "--population", w["pop"], "--out", w["root"] / "c"]
    return [
        ("--population", [*settle, "--population", gone]),
        ("--regions", [*settle, "--regions", gone]),
        ("--reference", [*settle, "--reference", gone]),
        ("--costs", [*settle, "--costs", gone]),
        ("--cost-prices", [*settle, "--cost-prices", gone]),
        ("--claims", ["settle", "--claims", gone, "--contracts", "current", "--out", gone]),
        ("--regions", [*generate, "--regions", gone]),
        ("--effects", [*generate, "--effects", gone]),
        ("--parameters", [*generate, "--parameters", gone]),
        ("--regions", ["population", "regions", "--regions", gone]),
        ("--population", ["claims", "declare", "--population", gone, "--out", gone]),
        ("--cost-prices", [*declare, "--cost-prices", gone]),
        ("FILE", ["claims", "import", gone, "--format", "csv", "--out", gone]),
        (
            "--claims",
            ["claims", "export", "--claims", gone, "--population", w["pop"], "--out", gone],
        ),
        ("SCENARIO", ["simulate", gone, "--out", gone]),
        ("FILE", ["business-case", gone, "--out", gone]),
        ("--scenario", ["demo", "--scenario", gone, "--out", gone]),
    ]


def test_every_path_option_that_does_not_exist_is_refused(world: dict[str, Path]) -> None:
    gone = world["root"] / "nonexistent"
    for option, args in _path_cases(world):
        r = run(*args)
        assert r.exit_code == 2, (args, r.output)
        assert f"passend: {option} {gone}: bestaat niet" in said(r), args
        assert "Traceback" not in r.output


def test_a_missing_path_in_english_and_a_file_where_a_folder_belongs(
    world: dict[str, Path],
) -> None:
    gone = world["root"] / "nonexistent"
    base = ["settle", "--claims", world["claims"], "--contracts", "current", "--out", gone]
    r = run(*base, "--population", gone, "--lang", "en")
    assert r.exit_code == 2
    assert f"passend: --population {gone}: does not exist" in said(r)
    a_file = world["pop"] / "patients.parquet"
    r = run(*base, "--population", a_file)
    assert r.exit_code == 2
    assert f"--population {a_file}: is geen map" in said(r)


def test_a_population_folder_without_its_tables_is_refused(world: dict[str, Path]) -> None:
    empty = world["root"] / "empty"
    empty.mkdir()
    r = run(
        "settle", "--claims", world["claims"], "--contracts", "current",
        "--out", world["root"] / "s-empty", "--population", empty,
    )  # fmt: skip
    assert r.exit_code == 2
    assert (
        f"--population {empty}: deze map bevat geen van patients.parquet, "
        "providers.parquet, financers.parquet"
    ) in said(r)


# -- years ----------------------------------------------------------------------------------


def test_check_year_reviewed_announced_or_refused(cat: Catalogue) -> None:
    assert (cat.meta.first_year, cat.meta.last_year) == (2023, 2026)
    assert [cat.check_year(y) for y in (2023, 2026, 2027)] == ["reviewed", "reviewed", "announced"]
    assert cat.year_warning(2026, "nl") is None
    for year in (1890, 2022, 2028, 2031):
        with pytest.raises(YearError) as e:
            cat.check_year(year)
        assert e.value.text("nl", "--year") == (
            f"--year {year}: {REFUSED_NL.format(y=year)} (de herziene jaren van de catalogus) "
            "of 2027 (aangekondigde regels, niet definitief)"
        )
    warning = cat.year_warning(2027, "en")
    assert warning is not None and ANNOUNCED_EN in warning
    assert "advance care planning enters basic GP funding from 2027" in warning
    assert "PZNL, Meest gestelde vragen" in warning  # the source by its title


def test_population_generate_refuses_1890(world: dict[str, Path]) -> None:
    r = run(
        "population", "generate", "--region", "zuid-gelderland", "--year", "1890",
        "--seed", "1", "--scale", "0.01", "--out", world["root"] / "p1890",
    )  # fmt: skip
    assert r.exit_code == 2
    assert f"passend: --year 1890: {REFUSED_NL.format(y=1890)}" in said(r)
    assert not (world["root"] / "p1890").exists()


def test_claims_declare_refuses_2040(world: dict[str, Path]) -> None:
    out = world["root"] / "c2040"
    r = run("claims", "declare", "--population", world["pop"], "--out", out, "--year", "2040")
    assert r.exit_code == 2
    assert f"passend: --year 2040: {REFUSED_NL.format(y=2040)}" in said(r)
    assert not out.exists()


def test_claims_declare_refuses_a_population_of_an_unreviewed_year(
    world: dict[str, Path],
) -> None:
    old = world["root"] / "pop2031"
    shutil.copytree(world["pop"], old)
    meta = json.loads((old / "meta.json").read_text(encoding="utf-8"))
    (old / "meta.json").write_text(json.dumps({**meta, "year": "2031"}), encoding="utf-8")
    r = run("claims", "declare", "--population", old, "--out", world["root"] / "c2031")
    assert r.exit_code == 2
    assert f"{old / 'meta.json'}: year 2031: {REFUSED_NL.format(y=2031)}" in said(r)


def test_wegwijzer_refuses_2031_in_dutch_and_english() -> None:
    ask = ["wegwijzer", "-a", "palliative_consultation", "-p", "gp_palliative", "--year", "2031"]
    r = run(*ask)
    assert r.exit_code == 2
    assert f"passend: --year 2031: {REFUSED_NL.format(y=2031)}" in said(r)
    assert "Ja" not in r.output
    r = run(*ask, "--lang", "en")
    assert r.exit_code == 2
    assert f"passend: --year 2031: {REFUSED_EN.format(y=2031)}" in said(r)


def test_wegwijzer_answers_an_announced_year_with_a_warning() -> None:
    ask = ["wegwijzer", "-a", "palliative_consultation", "-p", "gp_palliative", "--year", "2027"]
    r = run(*ask)
    assert r.exit_code == 0
    assert ANNOUNCED_NL in said(r)
    answer = json.loads(run(*ask, "--json", "--lang", "en").stdout)
    assert answer["year_status"] == "announced" and ANNOUNCED_EN in answer["warning"]
    reviewed = json.loads(run(*ask[:-1], "2026", "--json").stdout)
    assert (reviewed["year_status"], reviewed["warning"]) == ("reviewed", None)


def test_population_generate_warns_for_an_announced_year(world: dict[str, Path]) -> None:
    r = run(
        "population", "generate", "--region", "zuid-gelderland", "--year", "2027",
        "--seed", "1", "--scale", "0.01", "--out", world["root"] / "p2027",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert ANNOUNCED_NL in " ".join(r.stderr.split())


SCENARIO = """\
id: years
name: {nl: "Jaren", en: "Years"}
sources: [{document: passend_placeholder, section: "test"}]
population: {region: zuid-gelderland, year: 2026, seed: 1, scale: 0.01}
intervention:
  name: {nl: "Niets", en: "Nothing"}
contract_sets: [pxq]
"""


def test_a_scenario_of_an_unreviewed_year_is_refused_naming_the_line(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO.replace("year: 2026", "year: 2031"), encoding="utf-8")
    r = run("simulate", scen, "--out", tmp_path / "out")
    assert r.exit_code == 2
    assert f"{scen}:4: population.year: jaar 2031: {REFUSED_NL.format(y=2031)}" in said(r)
    r = run("simulate", scen, "--out", tmp_path / "out", "--lang", "en")
    assert f"{scen}:4: population.year: year 2031: {REFUSED_EN.format(y=2031)}" in said(r)
    assert not (tmp_path / "out").exists()


def test_an_imported_population_whose_deaths_fall_in_an_unreviewed_year_is_refused(
    world: dict[str, Path], tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pop = tmp_path / "pop"
    shutil.copytree(world["pop"], pop)
    (pop / "meta.json").unlink()
    p = pq.read_table(pop / "patients.parquet")
    later = pa.array([d.replace(year=2031) for d in p["death_date"].to_pylist()], pa.date32())
    p = p.set_column(p.schema.get_field_index("death_date"), "death_date", later)
    pq.write_table(p, pop / "patients.parquet")  # the deaths of 2026 moved to 2031
    scen = tmp_path / "s.yaml"
    text = SCENARIO.replace("{region: zuid-gelderland, year: 2026, seed: 1, scale: 0.01}", "")
    scen.write_text(text.replace("population: ", "population: {dir: pop}"), encoding="utf-8")
    r = run("simulate", scen, "--out", tmp_path / "out", "--lang", "en")
    assert r.exit_code == 2
    assert (
        f"{scen}:4: population.year: the year of the deaths in population.dir, 2031: "
        f"{REFUSED_EN.format(y=2031)}"
    ) in said(r)


def test_a_scenario_of_an_announced_year_runs_with_its_warning(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(SCENARIO.replace("year: 2026", "year: 2027"), encoding="utf-8")
    out = tmp_path / "out"
    r = run("simulate", scen, "--out", out, "--workers", "1")
    assert r.exit_code == 0, r.output
    assert ANNOUNCED_NL in " ".join(r.stderr.split())
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["year"], summary["year_status"]) == (2027, "announced")
    assert ANNOUNCED_NL in summary["warning"]["nl"] and ANNOUNCED_EN in summary["warning"]["en"]
    html = (out / "report.html").read_text(encoding="utf-8")
    headline = html[html.index('<section id="headline">') :]
    note = headline[: headline.index("</p>")]
    assert '<p class="note warning" id="year-warning">' in note and ANNOUNCED_NL in note


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, cat: Catalogue) -> TestClient:
    data = tmp_path_factory.mktemp("web-data")
    return TestClient(create_app(Settings(data_dir=data, upload_limit=64 * 1024), cat))


def test_api_wegwijzer_refuses_an_unreviewed_year(client: TestClient) -> None:
    q = {"activity": "palliative_consultation", "professional": "gp_palliative"}
    r = client.get("/api/v1/wegwijzer", params={**q, "year": 2031, "lang": "en"})
    assert r.status_code == 422
    assert r.json() == {
        "error": "year_not_reviewed",
        "detail": f"year 2031: {REFUSED_EN.format(y=2031)} (the catalogue's reviewed years) "
        "or 2027 (announced rules, not final)",
        "field": "year",
    }
    ok = client.get("/api/v1/wegwijzer", params={**q, "year": 2027})
    assert ok.status_code == 200 and ANNOUNCED_NL in ok.json()["warning"]


def test_wegwijzer_page_refuses_an_unreviewed_year_and_warns_for_an_announced_one(
    client: TestClient,
) -> None:
    q = {"activity": "palliative_consultation", "professional": "gp_palliative"}
    r = client.get("/wegwijzer", params={**q, "year": "2031"})
    assert r.status_code == 422
    assert f"Jaar 2031: {REFUSED_NL.format(y=2031)}" in r.text
    r = client.get("/wegwijzer", params={**q, "year": "2027"})
    assert r.status_code == 200
    assert '<p class="warning" role="note">' in r.text and ANNOUNCED_NL in r.text
    assert '<option value="2027" selected' in r.text


# -- the catalogue states its announced years -----------------------------------------------


def test_a_rule_after_the_reviewed_years_must_be_in_an_announced_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(loader.DATA_DIR, data)
    docs = data / "documents.yaml"
    docs.write_text(
        docs.read_text(encoding="utf-8").replace("    - year: 2027\n", "    - year: 2028\n"),
        encoding="utf-8",
    )
    monkeypatch.setattr(loader, "DATA_DIR", data)
    with pytest.raises(CatalogueError) as e:
        loader.load_catalogue(extra=None)
    found = {str(i) for i in e.value.issues}
    line = next(
        n
        for n, text in enumerate((data / "titles" / "gp_care.yaml").read_text().splitlines(), 1)
        if "valid_from: 2027-01-01" in text
    )
    assert (
        f"catalogue/titles/gp_care.yaml:{line}: titles[15].valid_from (HA-PZP-2027): changes the "
        "rules of 2027, after the reviewed years 2023-2026, and 2027 is not in meta.announced "
        "(add it there, with its sources)"
    ) in found
    assert any("PZNL-CONSULTATIE" in i and "valid_to" in i for i in found)  # ends in 2026


def test_meta_years_are_consistent(cat: Catalogue) -> None:
    meta = cat.meta.model_dump()
    with pytest.raises(ValidationError, match="must come after last_year 2026"):
        Meta.model_validate({**meta, "announced": [{**meta["announced"][0], "year": 2026}]})
    with pytest.raises(ValidationError, match="default_year 2031 must lie in"):
        Meta.model_validate({**meta, "default_year": 2031})


# -- files: effects, contract-set shares ----------------------------------------------------


def test_an_effects_file_error_names_file_line_field_and_reason(world: dict[str, Path]) -> None:
    effects = world["root"] / "effects.yaml"
    effects.write_text(
        "rate_multipliers:\n  ed_visit_only: 0.5\nodds_home: -1\nodds_preferd: 2\n",
        encoding="utf-8",
    )
    args = (
        "population", "generate", "--region", "zuid-gelderland", "--year", "2026",
        "--seed", "1", "--scale", "0.01", "--out", world["root"] / "p-eff", "--effects", effects,
    )  # fmt: skip
    r = run(*args)
    assert r.exit_code == 2
    text = said(r)  # Dutch by default
    assert f"{effects}:3: odds_home: moet groter zijn dan 0" in text
    assert f"{effects}:4: odds_preferd: onbekend veld (niet in het schema)" in text
    r = run(*args, "--lang", "en")
    assert r.exit_code == 2
    text = said(r)
    assert f"{effects}:3: odds_home: Input should be greater than 0" in text
    assert f"{effects}:4: odds_preferd: unknown field (not in the schema)" in text
    assert "validation error for Effects" not in text


def test_explicit_shares_in_a_contract_set_must_add_up_to_1(world: dict[str, Path]) -> None:
    shipped = next(p for p in shipped_sets() if p.stem == "availability")
    text = shipped.read_text(encoding="utf-8")
    given = "payee_kind: consultation_team}"
    assert given in text
    out = world["root"] / "s-shares"
    for shares, ok in (("{cz: 0.5, vgz: 0.25}", False), ("{cz: 0.5, vgz: 0.5}", True)):
        cs = world["root"] / "availability-shares.yaml"
        cs.write_text(text.replace(given, f"payee_kind: consultation_team, shares: {shares}}}"))
        line = next(n for n, t in enumerate(cs.read_text().splitlines(), 1) if "shares:" in t)
        args = (
            "settle", "--claims", world["claims"], "--contracts", cs, "--out", out,
            "--population", world["pop"],
        )  # fmt: skip
        r = run(*args)
        if ok:
            assert r.exit_code == 0, r.output
        else:
            assert r.exit_code == 2
            assert (
                f"{cs}:{line}: budgets.0.params.shares: shares: de aandelen tellen op tot 0,75, "
                "niet 1 (tolerantie 0,001)"
            ) in said(r)
            r = run(*args, "--lang", "en")
            assert (
                f"{cs}:{line}: budgets.0.params.shares: shares: the shares add up to 0.75, not 1 "
                "(tolerance 0.001)"
            ) in said(r)
