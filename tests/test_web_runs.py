"""Runs over the API: a small scenario posted as YAML (and as JSON) runs in the pool beside the
app; its status, progress, tables (JSON, CSV, Parquet, Excel) and report equal what the command
line writes; bad uploads are 4xx with the file's line and field; a restarted app lists the
finished run. One app, one small run for the module."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from ruamel.yaml import YAML

from passend.jobs import INTERRUPTED
from passend.web.app import create_app
from passend.web.settings import Settings

SCENARIO = """\
id: web-runs
name: {nl: "Klein testscenario", en: "Small test scenario"}
sources: [{document: passend_placeholder, section: "test"}]
population: {region: zuid-gelderland, year: 2026, seed: 3, scale: 0.02}
intervention:
  name: {nl: "Minder SEH", en: "Less ED"}
  effects:
    rate_multipliers: {ed_visit_only: 0.5, admission_via_ed: 0.5}
contract_sets: [pxq]
"""
YAML_TYPE = {"content-type": "application/yaml"}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("runs-data")


@pytest.fixture(scope="module")
def client(data: Path, cat: Any) -> Any:
    with TestClient(create_app(Settings(data_dir=data, runs_per_client=1), cat)) as c:
        yield c


def wait(client: TestClient, url: str, timeout: float = 180) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st = client.get(url).json()
        if st["status"] in ("done", "failed"):
            return st
        time.sleep(0.2)
    raise AssertionError(f"{url} did not finish")


@pytest.fixture(scope="module")
def run(client: TestClient) -> dict[str, Any]:
    r = client.post("/api/v1/runs?lang=en", content=SCENARIO, headers=YAML_TYPE)
    assert r.status_code == 202, r.text
    st = r.json()
    assert r.headers["location"] == f"/api/v1/runs/{st['id']}"
    assert st["status"] == "queued" and st["progress"] == {"done": 0, "total": 3}
    assert "client" not in st
    # the per-client limit (1) while it is queued or running
    again = client.post("/api/v1/runs", content=SCENARIO, headers=YAML_TYPE)
    assert again.status_code == 429 and again.json()["error"] == "too_many_runs"
    done = wait(client, f"/api/v1/runs/{st['id']}")
    assert done["status"] == "done", done["error"]
    return done


def test_the_run_finishes_with_its_progress_and_timings(run: dict[str, Any]) -> None:
    assert run["progress"] == {"done": 3, "total": 3}
    assert run["timings"]["run_s"] > 0 and run["started"] and run["finished"]
    assert "groups" in run["results"] and run["files"]["report"].endswith("/report")


def test_tables_in_every_format_agree(client: TestClient, run: dict[str, Any], data: Path) -> None:
    url = run["results"]["groups"]
    parquet = client.get(url, params={"format": "parquet"})
    assert parquet.status_code == 200
    table = pq.read_table(io.BytesIO(parquet.content))
    on_disk = pq.read_table(data / "runs" / run["id"] / "out" / "groups.parquet")
    assert table.equals(on_disk)
    page = client.get(url, params={"limit": 2}).json()
    assert page["total"] == table.num_rows and page["rows"] == table.slice(0, 2).to_pylist()
    csv = pacsv.read_csv(io.BytesIO(client.get(url, params={"format": "csv"}).content))
    assert csv.num_rows == table.num_rows and csv.column_names == table.column_names
    cents = [c for c in table.column_names if c.endswith("_cents")]
    assert cents and csv.column(cents[0]).to_pylist() == table.column(cents[0]).to_pylist()
    xlsx = client.get(url, params={"format": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    col = header.index(cents[0].removesuffix("_cents") + " (EUR)")
    assert [r[col] for r in rows[1:]] == [
        None if v is None else v / 100 for v in table.column(cents[0]).to_pylist()
    ]
    assert ws.cell(row=2, column=col + 1).number_format.startswith("€")


def test_summary_and_report(client: TestClient, run: dict[str, Any], data: Path) -> None:
    out = data / "runs" / run["id"] / "out"
    summary = client.get(run["files"]["summary"])
    assert summary.json() == json.loads((out / "summary.json").read_text(encoding="utf-8"))
    report = client.get(run["files"]["report"])
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in report.headers["content-security-policy"]
    assert report.text == (out / "report.html").read_text(encoding="utf-8")


def test_unknown_run_table_and_kind(client: TestClient, run: dict[str, Any]) -> None:
    r = client.get(f"/api/v1/runs/{run['id'][:-1]}x")
    assert r.status_code == 404 and r.json()["field"] == "run_id"
    r = client.get(f"/api/v1/runs/{run['id']}/results/group")
    assert r.status_code == 404 and "groups" in r.json()["detail"]
    r = client.get("/api/v1/runs/..%2F..%2Fetc")
    assert r.status_code == 404
    r = client.get(f"/api/v1/business-cases/{run['id']}")
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "headers", "status", "field"),
    [
        (SCENARIO.replace("scale: 0.02", "scale: 2"), YAML_TYPE, 422, "population.scale"),
        (SCENARIO.replace("year: 2026", "year: 2031"), YAML_TYPE, 422, "population.year"),
        (SCENARIO + "colour: blue\n", YAML_TYPE, 422, "colour"),
        (SCENARIO.replace("[pxq]", "[../../etc/passwd]"), YAML_TYPE, 422, None),
        ("id: [unclosed", YAML_TYPE, 422, None),
        (SCENARIO, {"content-type": "text/plain"}, 415, "content-type"),
        (SCENARIO, {"content-type": "application/x-www-form-urlencoded"}, 415, "content-type"),
    ],
)
def test_bad_uploads_are_4xx_naming_the_line_and_field(
    client: TestClient, body: str, headers: dict[str, str], status: int, field: str | None
) -> None:
    r = client.post("/api/v1/runs", content=body, headers=headers)
    assert r.status_code == status, r.text
    b = r.json()
    assert set(b) == {"error", "detail", "field"}
    if field is not None:
        assert b["field"] == field
    if status == 422:
        assert "input.yaml:" in b["detail"] and "Traceback" not in b["detail"]


def test_a_scenario_as_json(client: TestClient, run: dict[str, Any]) -> None:
    doc = YAML(typ="safe").load(SCENARIO)
    doc["contract_sets"] = ["no-such-set"]
    r = client.post(
        "/api/v1/runs", content=json.dumps(doc), headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and "no-such-set" in r.json()["detail"]


def test_a_restarted_app_lists_the_run_and_marks_the_interrupted(
    client: TestClient, run: dict[str, Any], data: Path, cat: Any
) -> None:
    # a run a stopped server left running, written as its store would have
    stuck = data / "runs" / "AAAAAAAAAAAAAAAA"
    stuck.mkdir()
    state = json.loads((data / "runs" / run["id"] / "state.json").read_text())
    state.update(id=stuck.name, status="running", finished=None)
    (stuck / "state.json").write_text(json.dumps(state))
    client.app.state.jobs.shutdown(wait=True)  # the first server stops
    with TestClient(create_app(Settings(data_dir=data), cat)) as again:
        listed = {r["id"]: r for r in again.get("/api/v1/runs").json()}
        assert listed[run["id"]]["status"] == "done"
        assert listed[stuck.name]["status"] == "failed"
        assert listed[stuck.name]["error"] == INTERRUPTED
