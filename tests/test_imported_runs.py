"""simulate and business-case on an imported population (issue 18, point 4): a small generated
population exported to CSV and imported as a user's own (``passend population import``),
then run as given: its counts in the report, "imported" said, one replicate, the
intervention its team costs only; every result table also as CSV and with ``--xlsx`` one
workbook with Dutch headers and euros as numbers."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from passend.cli import app
from passend.population.generate import generate
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import write_population

TEAM_EUR = 10000
SCENARIO = f"""\
id: own-data
name: {{nl: Eigen data, en: Own data}}
population: {{dir: imp}}
intervention:
  name: {{nl: Team, en: Team}}
  team_costs:
    - {{provider_kind: consultation_team, amount_eur: {TEAM_EUR}}}
contract_sets: [pxq, bundle]
"""


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def own(cat, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a population imported from CSV (imp/), its claims imported (claims/)
    and the scenario beside them (paths relative to it)."""
    d = tmp_path_factory.mktemp("own")
    pop = generate(
        cat,
        load_parameters(cat),
        load_insurers(cat),
        load_regions(cat),
        "salland",
        2026,
        1,
        0.05,
    )
    write_population(pop, d / "g")
    for name in ("patients", "activities"):  # the user's files: CSV
        pacsv.write_csv(pq.read_table(d / "g" / f"{name}.parquet"), d / f"{name}.csv")
    r = invoke(
        "population",
        "import",
        "--patients",
        str(d / "patients.csv"),
        "--activities",
        str(d / "activities.csv"),
        "--out",
        str(d / "imp"),
    )
    assert r.exit_code == 0, r.output
    for name in ("providers", "financers"):  # the providers and their kinds, as the user has
        shutil.copyfile(d / "g" / f"{name}.parquet", d / "imp" / f"{name}.parquet")
    r = invoke("claims", "declare", "--population", str(d / "g"), "--out", str(d / "gc"))
    assert r.exit_code == 0, r.output
    r = invoke(
        "claims",
        "import",
        str(d / "gc" / "claims.parquet"),
        "--format",
        "parquet",
        "--out",
        str(d / "claims"),
    )
    assert r.exit_code == 0, r.output
    (d / "own.yaml").write_text(SCENARIO, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def run(own: Path) -> Path:
    """The run in worker processes (the default: the cores); the other runs of this file use
    one process (--workers 1), as their results do not depend on it."""
    r = invoke("simulate", str(own / "own.yaml"), "--out", str(own / "out"), "--xlsx")
    assert r.exit_code == 0, r.output
    return own / "out"


def test_imported_population_runs_as_given_to_its_report(own: Path, run: Path) -> None:
    patients = pq.read_table(own / "imp" / "patients.parquet").num_rows
    activities = pq.read_table(own / "imp" / "activities.parquet").num_rows
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert summary["replicates"] == 1
    p = summary["population"]
    assert p["imported"] and p["name"] == "imp" and p["year"] == 2026
    assert (p["patients"], p["activities"]) == (patients, activities)
    assert p["region"] == "salland" and not p["region_given"]
    outcome = pq.read_table(run / "outcomes.parquet").to_pylist()
    assert {o["patients"] for o in outcome if o["subset"] == "all"} == {patients}
    report = (run / "report.html").read_text(encoding="utf-8")
    shown = f"{activities:,}".replace(",", ".")
    line = f"geïmporteerd uit imp: {patients} patiënten, {shown} activiteiten"
    assert line in report and "gedeclareerd door passend" in report
    # the same care in both arms: the intervention is its team's cost, borne by the team
    for e in summary["wrong_pocket"]:
        expected = -TEAM_EUR * 100 if e["group"] == "consultation_team" else 0
        assert e["delta_margin_cents"] == expected, e
        assert e["delta_money_out_cents"] == 0, e


def test_imported_claims_are_settled_not_declared(own: Path, tmp_path: Path) -> None:
    f = own / "own-claims.yaml"
    f.write_text(
        SCENARIO.replace("population: {dir: imp}", "population: {dir: imp}\nclaims: {dir: claims}"),
        encoding="utf-8",
    )
    r = invoke("simulate", str(f), "--out", str(tmp_path / "o"), "--no-report", "--workers", "1")
    assert r.exit_code == 0, r.output
    lines = pq.read_table(own / "claims" / "claims.parquet")
    meta = json.loads(
        (tmp_path / "o" / "settlements" / "pxq" / "baseline" / "meta.json").read_text("utf-8")
    )
    assert meta["claims_lines"] == lines.num_rows
    assert meta["claims_cents"] == sum(lines["amount_cents"].to_pylist())
    summary = json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))
    assert summary["population"]["claims_lines"] == lines.num_rows


@pytest.mark.parametrize(
    ("extra", "args", "message"),
    [
        ("monte_carlo: {replicates: 5}\n", [], "monte_carlo.replicates: an imported population"),
        ("", ["--replicates", "3"], "one replicate (no populations to draw), not 3"),
        (
            "",
            ["SED|team_costs:|effects: {odds_home: 2.0}\n  team_costs:"],
            "intervention.effects: an imported population is settled as given",
        ),
        ("", ["SED|dir: imp|dir: nowhere"], "population.dir"),
    ],
)
def test_what_an_imported_population_cannot_do_exits_2(
    own: Path, tmp_path: Path, extra: str, args: list[str], message: str
) -> None:
    text = SCENARIO + extra
    for a in [a for a in args if a.startswith("SED|")]:
        _, old, new = a.split("|")
        text = text.replace(old, new, 1)
    f = own / f"bad-{len(list(own.glob('bad-*')))}.yaml"
    f.write_text(text, encoding="utf-8")
    opts = [a for a in args if not a.startswith("SED|")]
    r = invoke("simulate", str(f), "--out", str(tmp_path / "o"), *opts)
    flat = " ".join(r.output.split())
    assert r.exit_code == 2 and message in flat and "Traceback" not in flat, r.output
    assert str(f) in flat


def test_every_result_table_as_csv(run: Path) -> None:
    for name in ("groups", "wrong_pocket", "outcomes", "incentives"):
        table = pq.read_table(run / f"{name}.parquet")
        csv = pacsv.read_csv(run / f"{name}.csv")
        assert csv.column_names == table.column_names
        for c in table.column_names:
            if c.endswith("_cents"):
                assert csv[c].to_pylist() == table[c].to_pylist()


def test_the_workbook_has_dutch_headers_and_euros_as_numbers(run: Path) -> None:
    wb = load_workbook(run / "results.xlsx")
    assert wb.sheetnames == ["Partijen", "Wie betaalt, wie bespaart", "Uitkomsten", "Prikkels"]
    ws = wb["Partijen"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "Replicatie",
        "Contractset",
        "Arm (basis of interventie)",
        "Partij",
        "Ontvangen (€)",
        "Betaald (€)",
        "Kosten (€)",
        "Marge (€)",
    )
    table = pq.read_table(run / "groups.parquet")
    col = rows[0].index("Marge (€)")
    assert [r[col] for r in rows[1:]] == [v / 100 for v in table["margin_cents"].to_pylist()]
    i = next(k for k, v in enumerate(table["margin_cents"].to_pylist()) if v % 100)
    cell = ws.cell(row=i + 2, column=col + 1)
    assert isinstance(cell.value, float) and cell.number_format.startswith("€")
    wp = wb["Wie betaalt, wie bespaart"]
    head = [c.value for c in wp[1]]
    assert "Verschil (interventie − basis): Marge (€) (ondergrens)" in head


def test_the_workbook_in_english_and_the_same_bytes(own: Path, run: Path, tmp_path: Path) -> None:
    r = invoke(
        "simulate", str(own / "own.yaml"), "--out", str(tmp_path / "en"), "--xlsx", "--lang", "en",
        "--no-report", "--workers", "1",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    wb = load_workbook(tmp_path / "en" / "results.xlsx")
    assert wb.sheetnames[0] == "Parties" and wb["Parties"]["H1"].value == "Margin (EUR)"
    # the workbook again, without its report (the bytes compared are the workbook's), in this
    # process: the same bytes as the fixture's run in worker processes
    r = invoke(
        "simulate", str(own / "own.yaml"), "--out", str(tmp_path / "nl"), "--xlsx", "--no-report",
        "--workers", "1",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (tmp_path / "nl" / "results.xlsx").read_bytes() == (run / "results.xlsx").read_bytes()


def test_business_case_takes_the_imported_population(own: Path, tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_business_case import CASE

    f = own / "case.yaml"
    f.write_text(CASE.replace("scenario: scenario.yaml", "scenario: own.yaml"), encoding="utf-8")
    r = invoke("business-case", str(f), "--out", str(tmp_path / "bc"), "--workers", "1")
    assert r.exit_code == 0, r.output
    bc = json.loads((tmp_path / "bc" / "business_case.json").read_text(encoding="utf-8"))
    patients = pq.read_table(own / "imp" / "patients.parquet")
    ins = patients["insurer_id"].to_pylist()
    assert bc["patients"]["reached"] == len(ins)
    assert {x["financer_id"]: x["patients"] for x in bc["patients"]["by_insurer"]} == {
        i: ins.count(i) for i in set(ins)
    }
    assert bc["patients"]["inhabitants"] == 0  # no region given: no price per inhabitant
    assert bc["break_even"].get("price_per_inhabitant_cents") is None
    report = (tmp_path / "bc" / "report.html").read_text(encoding="utf-8")
    assert f"geïmporteerde populatie imp: {len(ins)} patiënten" in report
    years = pacsv.read_csv(tmp_path / "bc" / "years.csv")
    assert years["net_cents"].to_pylist() == [y["net_cents"] for y in bc["years"]]


def test_web_runs_on_an_imported_population_need_a_token(own: Path, cat, tmp_path: Path) -> None:
    import time

    from fastapi.testclient import TestClient

    from passend.tokens import TokenStore
    from passend.web.app import create_app
    from passend.web.settings import Settings

    data = tmp_path / "data"
    shutil.copytree(own / "imp", data / "populations" / "salland-own")
    token = TokenStore(data).create("analist")
    text = SCENARIO.replace("dir: imp", "dir: salland-own")
    yaml = {"content-type": "application/yaml"}
    bearer = {**yaml, "authorization": f"Bearer {token}"}
    with TestClient(create_app(Settings(data_dir=data), cat)) as client:
        r = client.post("/api/v1/runs", content=text, headers=yaml)
        assert r.status_code == 401, r.text
        assert "salland-own" not in r.text  # the server's folders are not named without one
        for bad in ("../imp", str(own / "imp"), "elsewhere"):
            body = SCENARIO.replace("dir: imp", f"dir: {json.dumps(bad)}")
            r = client.post("/api/v1/runs", content=body, headers=bearer)
            assert r.status_code in (400, 422) and "population.dir" in r.text, (bad, r.text)
        r = client.post("/api/v1/runs?replicates=3", content=text, headers=bearer)
        assert r.status_code == 422 and "one replicate" in r.text, r.text
        r = client.post("/api/v1/runs", content=text, headers=bearer)
        assert r.status_code in (200, 201, 202), r.text
        url = f"/api/v1/runs/{r.json()['id']}"
        end = time.monotonic() + 300
        while (st := client.get(url, headers=bearer).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < end, st
            time.sleep(0.5)
        assert st["status"] == "done", st
        assert client.get(url).status_code == 401  # its results: with the token only
        report = client.get(st["files"]["report"], headers=bearer).text
        assert "geïmporteerd uit salland-own" in report
