"""Messages in the user's language (issue 18, point 5): a user's file's problems as
``file:line: field: reason`` in Dutch by default and in English with ``--lang en``; a
calculator's bad number in the page's language; the reports and the wegwijzer cite seeds by
title and show parameters as labelled values; a region is calibrated against its own targets
and told why a value misses."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clirun import passend
from passend import messages
from passend.catalogue.loader import Catalogue, CatalogueError
from passend.cli import app
from passend.population.calibration import compare, targets_for
from passend.population.params import Region, load_parameters, load_regions
from passend.scenarios.schema import load_scenario
from passend.web.app import create_app
from passend.web.settings import Settings

EXAMPLES = Path(__file__).parents[1] / "examples"
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")

SCENARIO = """\
id: tiny
name: {nl: "Klein", en: "Tiny"}
population: {region: zuid-gelderland, year: 2026, seed: 1, scale: 0.01}
intervention:
  name: {nl: "Team", en: "Team"}
contract_sets: [pxq]
monte_carlo:
  replicates: 1
"""


def _problems(tmp_path: Path, cat: Catalogue, text: str) -> list:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as e:
        load_scenario(path, cat)
    return e.value.issues


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "nl", "en"),
    [
        (  # missing
            "contract_sets: [pxq]\n",
            "",
            1,  # a missing field: the line of the mapping it is missing from
            "contract_sets",
            "verplicht veld ontbreekt",
            "required field is missing",
        ),
        (  # extra
            "  replicates: 1\n",
            "  replicates: 1\n  colour: red\n",
            9,
            "monte_carlo.colour",
            "onbekend veld (niet in het schema)",
            "unknown field (not in the schema)",
        ),
        (  # wrong type
            "seed: 1,",
            "seed: een,",
            3,
            "population.seed",
            "moet een geheel getal zijn",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (  # out of range, with the limit in the language's number format
            "scale: 0.01}",
            "scale: 1.5}",
            3,
            "population.scale",
            "mag hoogstens 1 zijn",
            "Input should be less than or equal to 1",
        ),
        (  # a validator of ours
            "monte_carlo:\n  replicates: 1\n",
            "monte_carlo:\n  replicates: 1\n  uncertain:\n    odds_home: {dist: uniform, low: 2}\n",
            10,
            "monte_carlo.uncertain.odds_home",
            "uniform heeft high nodig",
            "uniform needs high",
        ),
    ],
)
def test_a_scenario_problem_names_file_line_field_and_reason_in_the_language(
    tmp_path: Path, cat: Catalogue, old: str, new: str, line, field, nl, en
) -> None:
    assert old in SCENARIO
    issues = _problems(tmp_path, cat, SCENARIO.replace(old, new))
    issue = next(i for i in issues if i.field == field)
    where = f"{tmp_path / 'bad.yaml'}:{line}"
    assert messages.issue_text(issue, "nl") == f"{where}: {field}: {nl}"
    assert messages.issue_text(issue, "en") == f"{where}: {field}: {en}"
    assert str(issue) == f"{where}: {field}: {en}"  # str stays English (API, logs)


def test_the_cli_prints_a_scenario_problem_in_its_language(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCENARIO.replace("seed: 1,", "seed: -1,"), encoding="utf-8")
    out = str(tmp_path / "o")
    runner = CliRunner()
    nl = runner.invoke(app, ["simulate", str(bad), "--out", out])
    en = runner.invoke(app, ["simulate", str(bad), "--out", out, "--lang", "en"])
    assert nl.exit_code == en.exit_code == 2
    flat_nl, flat_en = ("".join(r.output.split()) for r in (nl, en))
    assert f"{bad}:3:population.seed:moetminstens0zijn" in flat_nl, nl.output
    assert "1probleem/problemen" in flat_nl
    assert f"{bad}:3:population.seed:Inputshouldbegreaterthanorequalto0" in flat_en
    assert "Input" not in flat_nl


def test_a_business_case_problem_in_dutch(tmp_path: Path, cat: Catalogue) -> None:
    from passend.business_case.schema import load_business_case

    text = (EXAMPLES / "business-case-zuid-gelderland.yaml").read_text(encoding="utf-8")
    (tmp_path / "zuid-gelderland-pzt.yaml").write_text(
        (EXAMPLES / "zuid-gelderland-pzt.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    bad = tmp_path / "bc.yaml"
    bad.write_text(re.sub(r"first_year: \d+", "first_year: 2019", text, count=1), "utf-8")
    with pytest.raises(CatalogueError) as e:
        load_business_case(bad, cat)
    shown = [messages.issue_text(i, "nl") for i in e.value.issues]
    assert any(
        ": first_year: 2019 ligt voor het eerste nagekeken jaar van de catalogus, 2023" in s
        for s in shown
    ), shown


def test_a_message_keeps_its_language_across_processes() -> None:
    m = messages.Message("not_a_number", what="--budget", value="abc")
    e = pickle.loads(pickle.dumps(messages.Problem("not_a_number", what="x", value="1,2,3")))
    assert str(m) == "--budget: not a number: 'abc'"
    assert messages.text(pickle.loads(pickle.dumps(m)), "nl") == "--budget: geen getal: 'abc'"
    assert messages.text(e, "nl") == "x: geen getal: '1,2,3'" and isinstance(e, ValueError)


def test_every_pydantic_error_of_our_schemas_has_a_dutch_template() -> None:
    """The Pydantic types that occur for the scenario, business case and contract schemas
    are in the table, and their English is Pydantic's own."""
    from pydantic import ValidationError

    from passend.scenarios.schema import Scenario

    with pytest.raises(ValidationError) as e:
        Scenario.model_validate(
            {
                "id": "Bad Id",
                "name": 3,
                "population": {"year": 1800, "scale": 0, "seed": "x", "region": []},
                "intervention": {"name": {"nl": "a", "en": "b"}},
                "contract_sets": [],
                "monte_carlo": {"replicates": 1.5, "interval": "x", "uncertain": {"a": 3}},
                "colour": "red",
            }
        )
    errors = e.value.errors(include_url=False)
    kinds = {err["type"] for err in errors}
    assert {"string_pattern_mismatch", "greater_than", "too_short", "extra_forbidden"} <= kinds
    for err in errors:
        m = messages.from_pydantic(err)
        assert m.id in messages.TEMPLATES, err["type"]
        if err["type"] not in messages.OWN_ENGLISH:
            assert str(m) == err["msg"]
        assert "Input" not in m.in_lang("nl") and "should" not in m.in_lang("nl"), err


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, cat: Catalogue) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), cat))


def test_a_calculator_page_says_not_a_number_in_its_language(client: TestClient) -> None:
    form = {"benchmark": "abc", "actual": "900000"}
    nl = client.get("/rekenhulpen/shared-savings", params=form)
    en = client.get("/rekenhulpen/shared-savings", params={**form, "lang": "en"})
    assert nl.status_code == en.status_code == 422
    assert "benchmark: geen getal: &#39;abc&#39;" in nl.text and "not a number" not in nl.text
    assert "benchmark: not a number: &#39;abc&#39;" in en.text
    api = client.post("/api/v1/calc/shared-savings", json=form)  # the API: English, by contract
    assert api.status_code == 422 and api.json()["detail"] == "benchmark: not a number: 'abc'"


def test_the_calc_command_says_not_a_number_in_its_language() -> None:
    base = ["calc", "shared-savings"]
    args = ["--benchmark", "abc", "--actual", "1"]
    nl = passend(*base, *args)  # in this process (tests/clirun.py)
    en = passend(*base, *args, "--lang", "en")
    assert nl.returncode == en.returncode == 2
    assert "benchmark: geen getal: 'abc'" in nl.stderr, nl.stderr
    assert "benchmark: not a number: 'abc'" in en.stderr, en.stderr


# -- citations and parameters -------------------------------------------------------------------


def test_the_wegwijzer_reason_cites_seeds_by_title(cat: Catalogue) -> None:
    from passend.wegwijzer.navigator import Query, ask

    q = Query("network_coordination", "network_coordinator", year=2026)
    reason = ask(cat, q)["reason"]
    title = cat.documents["000_998a0de785dc4df3.txt"].title
    assert f"(bron: {title}, Thema 7" in reason, reason
    assert not SEED_FILE.search(reason)


def test_contract_parameters_are_labelled_values_not_json() -> None:
    from passend.scenarios.report import _params

    p4p = {
        "pool_share": 0.02,
        "indicators": [{"id": "acp_3m", "target": 0.5, "weight": 1}],
        "budget_neutral": True,
    }
    assert _params(p4p, "nl") == (
        "pot als deel van de uitgaven: 2%; indicatoren: (indicator: acp_3m, doel: 50%, "
        "gewicht: 1); budgetneutraal: ja"
    )
    bundle = {"corridor": 0.1, "outlier_threshold_eur": 150000, "principal_kind": "zorggroep"}
    assert _params(bundle, "en") == (
        "corridor: 10%; outlier threshold: EUR 150,000; kind of principal contractor: GP care groups"
    )
    assert "{" not in _params({"caps_eur": {"hospital": {"2026": 1000.5}}}, "nl")


def test_business_case_inputs_cite_their_sources_by_title(cat: Catalogue) -> None:
    from passend.business_case.names import Names
    from passend.business_case.report import _input_name
    from passend.business_case.run import _inputs
    from passend.business_case.schema import load_business_case

    lc = load_business_case(EXAMPLES / "business-case-zuid-gelderland.yaml", cat)
    rows = _inputs(lc, cat)
    cited = [r["source"] for r in rows if r["source"]]
    assert cited and not any(SEED_FILE.search(s) for s in cited), cited
    assert any(cat.documents["004_b7ec9e43c39af928.txt"].title in s for s in cited)
    names = Names(cat, "nl")
    assert _input_name("phone.target", names, "nl") == "telefoonlijn: doel"
    assert _input_name("discount_rate", names, "en") == "discount rate"
    activity = cat.activities["bedside_consult"].name.nl
    role = cat.professionals["gp_palliative"].name.nl
    assert _input_name("bedside_consult (gp_palliative)", names, "nl") == f"{activity} ({role})"


# -- calibration of a region --------------------------------------------------------------------


def _small_region(cat: Catalogue) -> dict[str, Region]:
    regions = load_regions(cat)
    national = regions["national"]
    small = national.model_copy(
        update={
            "id": "small",
            "deaths_per_year": None,
            "inhabitants": national.inhabitants.model_copy(update={"value": 100_000}),
        }
    )
    return {"national": national, "small": small}


def test_a_region_is_compared_with_its_own_targets(cat: Catalogue) -> None:
    params = load_parameters(cat)
    regions = _small_region(cat)
    # by hand: 100,000 inhabitants at the national death rate 170,000 / 17,942,942 die
    # 947.45 a year; their share of the national deaths is 100,000 / 17,942,942 = 0.557%
    share = 100_000 / 17_942_942
    got = {t.id: t for t in targets_for(params, regions, "small")}
    assert got["palliative_deaths"].value == pytest.approx(112_000 * share)  # 624.2
    assert got["palliative_deaths"].value == pytest.approx(624.2, abs=0.05)
    assert got["palliative_deaths"].tolerance == pytest.approx(1200 * share)  # 6.69
    assert got["mdo_attended"].value == pytest.approx(1227 * share)  # 6.84
    assert got["patz_attended"].value == pytest.approx(841 * share)
    assert got["place_home"].value == 0.39 and got["place_home"].tolerance == 0.02
    national = {t.id: t.value for t in targets_for(params, regions, "national")}
    assert national["palliative_deaths"] == 112_000


def test_a_missed_target_says_why(cat: Catalogue) -> None:
    params = load_parameters(cat)
    regions = _small_region(cat)
    values = {"palliative_deaths": 624.0, "place_home": 0.30, "mdo_attended": 20.0}
    rows = {r["id"]: r for r in compare(params, values, regions, "small", {"patients": 62}, 0.1)}
    assert rows["palliative_deaths"]["within"] and rows["palliative_deaths"]["why"] is None
    home = rows["place_home"]
    assert not home["within"]
    # a share of 62 varies by 2 * sqrt(0.39 * 0.61 / 62) = 0.1239, more than ±0.02
    assert messages.text(home["why"], "nl") == (
        "gegenereerd 0,3, 0,09 onder het doel 0,39 (tolerantie ±0,02); een aandeel van 62 "
        "varieert door toeval alleen al ±0,1239, meer dan de tolerantie: kies een grotere "
        "schaal of regio"
    )
    mdo = rows["mdo_attended"]
    assert not mdo["within"] and "at scale 0.1 one generated event stands for 10" in str(mdo["why"])
    big = compare(params, {"place_home": 0.30}, sizes={"patients": 100_000})
    assert str(big[0]["why"]) == "generated 0.3, 0.09 below the target 0.39 (tolerance ±0.02)"


CALIBRATE = ["--region", "zuid-gelderland", "--scale", "0.05", "--json"]


def test_the_calibration_command_uses_the_regions_targets(cat: Catalogue) -> None:
    r = passend("population", "calibration", *CALIBRATE)
    rows = {x["id"]: x for x in json.loads(r.stdout)}
    regions = load_regions(cat)
    zg = regions["zuid-gelderland"]
    deaths = (
        zg.deaths_per_year.value
        if zg.deaths_per_year is not None
        else zg.inhabitants.value * 170_000 / regions["national"].inhabitants.value
    )
    assert rows["palliative_deaths"]["target"] == pytest.approx(
        112_000 * deaths / 170_000, abs=1e-3
    )
    assert rows["palliative_deaths"]["within"]  # the region's deaths, not the nation's
    assert rows["mdo_attended"]["target"] == pytest.approx(1227 * deaths / 170_000, abs=1e-3)
    assert all((x["why"] is None) == x["within"] for x in rows.values())


# -- the library's refusals and texts in both languages (the sweep of point 5) -------------------


def test_a_settlement_model_refuses_in_either_language() -> None:
    from decimal import Decimal as D

    from passend.settlement.models.integral_hourly_rate import integral_hourly_rate
    from passend.settlement.money import check_whole

    with pytest.raises(ValueError) as e:
        integral_hourly_rate(7000, D(1000), D(50), D(-1), D("0.5"))
    assert str(e.value) == "norm must not be negative"  # the English text, as before
    assert messages.text(e.value, "nl") == "norm mag niet negatief zijn"
    with pytest.raises(ValueError) as e:
        check_whole({"cz": D("0.5"), "vgz": D("0.25")}, "--share")
    assert str(e.value) == "--share: the shares add up to 0.75, not 1 (tolerance 0.001)"
    assert messages.text(e.value, "nl") == (
        "--share: de aandelen tellen op tot 0,75, niet 1 (tolerantie 0,001)"
    )


def test_why_a_provider_kind_cannot_contract_is_in_either_language(cat: Catalogue) -> None:
    kind = next(k for k in cat.provider_kinds if cat.not_contracting(k))
    why = cat.not_contracting(kind)
    nl, en = messages.text(why, "nl"), messages.text(why, "en")
    assert nl.startswith(f"soort zorgaanbieder {kind!r} is geen contractpartij: ")
    assert cat.provider_kinds[kind].contracting_rule.nl in nl
    assert en.startswith(f"provider kind {kind!r} is no contracting party: ")
    assert cat.provider_kinds[kind].contracting_rule.en in en


def test_a_failed_run_is_summed_up_in_its_language() -> None:
    from passend import jobs
    from passend.catalogue.loader import CatalogueIssue

    e = CatalogueError([CatalogueIssue("s.yaml", 3, "x", messages.Message("missing"))] * 3)
    assert jobs.one_line(e, "nl") == "s.yaml:3: x: verplicht veld ontbreekt (en nog 2)"
    assert jobs.one_line(e, "en") == "s.yaml:3: x: required field is missing (and 2 more)"


def test_calc_shows_counts_with_the_language_s_thousands_mark() -> None:
    args = ["calc", "capitation", "--rate", "f80=120", "--inhabitants", "f80=1000"]
    args += ["--rate", "f20=10", "--inhabitants", "f20=25000"]
    nl = " ".join(CliRunner().invoke(app, args, env={"COLUMNS": "200"}).stdout.split())
    assert "Σ inwoners = 1.000 + 25.000 = 26.000" in nl
    assert "€ 120,00 × 1.000 + € 10,00 × 25.000 = € 370.000,00" in nl
    en = CliRunner().invoke(app, [*args, "--lang", "en"], env={"COLUMNS": "200"}).stdout
    assert "Σ inhabitants = 1,000 + 25,000 = 26,000" in " ".join(en.split())


def test_a_service_line_of_a_business_case_reads_in_the_report_s_language() -> None:
    from passend.i18n import work_value

    row = {"per": "patient", "count": 1.5, "minutes": 30, "travel_minutes": 10}
    assert work_value(row, "nl") == "1,5 per patiënt, 30 + 10 min"
    assert work_value({**row, "per": "year", "count": 1200}, "en") == "1,200 per year, 30 + 10 min"
