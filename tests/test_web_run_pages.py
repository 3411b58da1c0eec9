"""The scenario and business-case pages: a small scenario uploaded through the page's form
runs (one run for the module), its page shows the progress and then the headline with the
figures of summary.json as the report formats them, and links to downloads that answer; the
form's refusals (CSRF, invalid file, too many runs, too large, an example that is not offered)
are HTML pages with their status. An example picked with another region, scale and contract sets
runs with exactly those (a second small run); a bad scale or a heavy pick comes back on the form."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ruamel.yaml import YAML
from tests.test_web_runs import SCENARIO

from passend.i18n import euros, party
from passend.scenarios.report import parties
from passend.web.app import create_app
from passend.web.settings import Settings

MEDIA = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("run-pages")


@pytest.fixture(scope="module")
def client(data: Path, cat: Any) -> Any:
    with TestClient(create_app(Settings(data_dir=data, runs_per_client=1), cat)) as c:
        yield c


def token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def upload(client: TestClient, path: str, text: str, name: str = "small.yaml", **data: str):
    form = {"csrf_token": token(client, path), **data}
    files = {"file": (name, text.encode(), "application/yaml")}
    return client.post(path, data=form, files=files, follow_redirects=False)


@pytest.fixture(scope="module")
def run(client: TestClient, data: Path) -> dict[str, Any]:
    r = upload(client, "/scenarios", SCENARIO)
    assert r.status_code == 303, r.text
    path = r.headers["location"]
    run_id = path.rsplit("/", 1)[1]
    early = client.get(path)
    # while it is active: a second run is refused (the limit is 1), also the heavy example
    again = upload(client, "/scenarios", SCENARIO)
    heavy = client.post(
        "/scenarios",
        data={"csrf_token": token(client, "/scenarios"), "example": "national-2026.yaml"},
        follow_redirects=False,
    )
    end = time.monotonic() + 180
    while client.get(f"/api/v1/runs/{run_id}").json()["status"] in ("queued", "running"):
        assert time.monotonic() < end, "the run did not finish"
        time.sleep(0.2)
    out = data / "runs" / run_id / "out"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {"id": run_id, "path": path, "early": early, "again": again, "heavy": heavy,
            "summary": summary, "page": client.get(path)}  # fmt: skip


def test_a_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    before = len(client.app.state.jobs.list_runs())
    files = {"file": ("small.yaml", SCENARIO.encode(), "application/yaml")}
    r = client.post("/scenarios", files=files, follow_redirects=False)
    assert r.status_code == 403 and "text/html" in r.headers["content-type"]
    r = client.post("/businesscase", data={"csrf_token": "x" * 43}, follow_redirects=False)
    assert r.status_code == 403
    assert len(client.app.state.jobs.list_runs()) == before


def test_the_run_page_shows_its_progress_while_it_runs(run: dict[str, Any]) -> None:
    early = run["early"]
    assert early.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in early.text
    assert re.search(r'<progress id="run-progress" max="3" value="[0-3]">', early.text)
    assert re.search(r"[0-3] van 3 stappen", early.text)
    assert run["again"].status_code == 429 and "1 runs" in run["again"].text
    assert run["heavy"].status_code == 422 and "national-2026.yaml" in run["heavy"].text
    page = run["page"].text
    assert "http-equiv" not in page  # done: no more refreshing
    assert '<progress id="run-progress" max="3" value="3">' in page and "klaar" in page


def _headline(page: str) -> list[list[str]]:
    table = re.search(r'<table class="headline">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_headline_has_the_figures_of_summary_json(
    client: TestClient, run: dict[str, Any], lang: str
) -> None:
    s = run["summary"]
    page = client.get(run["path"] + ("?lang=en" if lang == "en" else "")).text
    rows = _headline(page)
    assert rows[0][1:] == [c["name"][lang] for c in s["contract_sets"]]
    main = parties(s)[2]
    assert main, "the small run moves money"
    wp = {(e["contract_set"], e["group"]): e["delta_margin_cents"] for e in s["wrong_pocket"]}
    expected = [
        [party(g, lang)]
        + [euros(wp[(c["id"], g)], lang, 0, signed=True) for c in s["contract_sets"]]
        for g in main
    ]
    assert rows[1:] == expected
    # the party whose margin changes most is among them
    top = max(s["wrong_pocket"], key=lambda e: abs(e["delta_margin_cents"]))
    assert party(top["group"], lang) in [r[0] for r in rows[1:]]
    assert f'<html lang="{lang}">' in page
    if lang == "en":
        assert "Change in margin" in page and "EUR" in rows[1][1] + "".join(rows[1][1:])


def test_the_downloads_answer_with_their_types(client: TestClient, run: dict[str, Any]) -> None:
    page = run["page"].text
    links = re.findall(r'href="(/api/v1/runs/[^"]+)"', page)
    tables = sorted(
        p.stem for p in (client.app.state.jobs.runs / run["id"] / "out").glob("*.parquet")
    )
    for name in tables:
        for fmt, media in MEDIA.items():
            link = f"/api/v1/runs/{run['id']}/results/{name}?format={fmt}"
            assert html.escape(link) in page or link in links
            r = client.get(link)
            assert r.status_code == 200 and r.headers["content-type"].startswith(media), link
    report = re.search(r'<a id="report" href="([^"]+)"', page).group(1)
    r = client.get(report)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<title>" in r.text
    r = client.get(f"/api/v1/runs/{run['id']}/summary")
    assert f'href="/api/v1/runs/{run["id"]}/summary"' in page and r.json() == run["summary"]


def test_the_list_shows_the_run(client: TestClient, run: dict[str, Any]) -> None:
    page = client.get("/scenarios").text
    assert f'href="/scenarios/{run["id"]}"' in page and "web-runs" in page
    assert "3 van 3 stappen" in page
    assert "Palliatieve Zorgplanning Thuis in Zuid-Gelderland" in page
    # the main demo is chosen, the national example is listed but not offered
    assert re.search(r'<option value="zuid-gelderland-pzt.yaml" selected>', page)
    assert re.search(r'<option value="national-2026.yaml" disabled>[^<]*zwaar', page)


def test_an_invalid_upload_shows_its_errors_on_the_form(
    client: TestClient, run: dict[str, Any]
) -> None:
    bad = SCENARIO.replace("scale: 0.02", "scale: 2") + "colour: blue\n"
    r = upload(client, "/scenarios?lang=en", bad, "mine.yaml", replicates="1")
    assert r.status_code == 422 and "The file is not valid" in r.text
    errors = [html.unescape(e) for e in re.findall(r"<li><code>(.*?)</code></li>", r.text)]
    assert any(re.match(r"mine\.yaml:\d+: population\.scale: ", e) for e in errors), errors
    assert any(re.match(r"mine\.yaml:\d+: colour: ", e) for e in errors), errors
    assert 'value="1"' in r.text  # the form keeps what was typed
    r = upload(client, "/scenarios", SCENARIO, replicates="many")
    assert r.status_code == 422 and "replicaties" in r.text


def test_a_file_larger_than_the_limit_is_413(client: TestClient, run: dict[str, Any]) -> None:
    store = client.app.state.jobs
    limit, store.max_bytes = store.max_bytes, 100
    try:
        r = upload(client, "/scenarios", SCENARIO)
    finally:
        store.max_bytes = limit
    assert r.status_code == 413 and "te groot" in r.text


def test_unknown_runs_and_the_wrong_kind_are_404(client: TestClient, run: dict[str, Any]) -> None:
    last = "y" if run["id"].endswith("x") else "x"  # a well-formed id that is not the run's
    r = client.get(f"/scenarios/{run['id'][:-1]}{last}")
    assert r.status_code == 404 and f'href="/scenarios/{run["id"]}"' in r.text
    assert client.get(f"/businesscase/{run['id']}").status_code == 404
    assert client.get("/scenarios/..%2F..%2Fetc").status_code == 404


def test_the_business_case_picker_and_an_invalid_upload(client: TestClient) -> None:
    page = client.get("/businesscase?lang=en").text
    assert "Business case of the Zuid-Gelderland transmural team 2026-2030" in page
    assert re.search(r'<option value="business-case-zuid-gelderland.yaml" selected>', page)
    assert "<code>zuid-gelderland-pzt.yaml</code>" in page and "EUR 25,000" in page
    bad = "id: bc\nscenario: ../../etc/passwd.yaml\nfirst_year: 2026\n"
    r = upload(client, "/businesscase", bad, "bc.yaml")
    assert r.status_code == 422
    errors = [html.unescape(e) for e in re.findall(r"<li><code>(.*?)</code></li>", r.text)]
    assert errors and all(re.match(r"bc\.yaml:\d+: [a-z_.0-9]+: ", e) for e in errors), errors
    assert any(e.startswith("bc.yaml:2: scenario: ") for e in errors), errors


def _labelled(page: str) -> None:
    controls = re.findall(r"<(input|select|progress)\b([^>]*)>", page)
    labels = set(re.findall(r'<label for="([^"]+)"', page))
    for tag, attrs in controls:
        if 'type="hidden"' in attrs:
            continue
        ident = re.search(r'id="([^"]+)"', attrs)
        assert ident and ident.group(1) in labels, (tag, attrs)


@pytest.mark.parametrize("path", ["/scenarios", "/businesscase", "/scenarios?lang=en", "run"])
def test_every_field_has_a_label_and_no_inline_script_or_style(
    client: TestClient, run: dict[str, Any], path: str
) -> None:
    page = client.get(run["path"] if path == "run" else path).text
    _labelled(page)
    assert "<script" not in page and "<style" not in page and " style=" not in page
    for item in ("/scenarios", "/businesscase"):  # in the menu
        assert re.search(f'<li><a href="{item}(\\?lang=en)?"', page)


def _errors(page: str) -> list[str]:
    return [html.unescape(e) for e in re.findall(r"<li><code>(.*?)</code></li>", page)]


def pick(client: TestClient, sets: tuple[str, ...] = (), **fields: str) -> Any:
    form = {"csrf_token": token(client, "/scenarios"), "example": "zuid-gelderland-pzt.yaml"}
    form |= fields
    return client.post(
        "/scenarios", data={**form, "contract_set": list(sets)}, follow_redirects=False
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_form_lists_the_regions_and_the_contract_sets(
    client: TestClient, cat: Any, lang: str
) -> None:
    from passend.population.params import load_regions
    from passend.settlement.contracts import DATA

    page = html.unescape(client.get("/scenarios" + ("?lang=en" if lang == "en" else "")).text)
    select = re.search(r'<select id="f-region" name="region">(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    regions = load_regions(cat)
    assert [v for v, _ in options] == ["", *regions]  # first: the example's own
    texts = dict(options)
    assert texts["zuid-gelderland"].startswith(regions["zuid-gelderland"].name.get(lang) + " (")
    assert texts["national"].startswith("Nederland" if lang == "nl" else "The Netherlands")
    boxes = re.findall(
        r'<input id="f-set-([^"]+)" type="checkbox" name="contract_set" value="([^"]+)">', page
    )
    assert [b for _, b in boxes] == sorted(f.stem for f in DATA.glob("*.yaml"))
    pxq = (
        "Huidig stelsel: P×Q tegen maximumtarief"
        if lang == "nl"
        else "Current system: PxQ at the maximum tariff"
    )
    assert f'<label for="f-set-pxq">{pxq} ' in page
    assert (
        "De interventie blijft die van het voorbeeld"
        if lang == "nl"
        else "The intervention stays the example's"
    ) in page
    assert 'name="region"' not in client.get("/businesscase").text  # fmt: skip


def test_an_example_runs_with_the_picked_region_scale_and_sets(
    client: TestClient, run: dict[str, Any], data: Path
) -> None:
    """The main demo, picked with another region, a small scale and two of its four contract
    sets: the run's input is the example with exactly those three fields replaced."""
    from ruamel.yaml import YAML

    r = pick(client, ("pxq", "bundle"), region="salland", scale="0,02")
    assert r.status_code == 303, _errors(r.text)
    run_id = r.headers["location"].rsplit("/", 1)[1]
    end = time.monotonic() + 120
    while (st := client.get(f"/api/v1/runs/{run_id}").json())["status"] in ("queued", "running"):
        assert time.monotonic() < end, "the run did not finish"
        time.sleep(0.2)
    assert st["status"] == "done", st["error"]
    folder = data / "runs" / run_id
    sent = YAML(typ="safe").load((folder / "input.yaml").read_text(encoding="utf-8"))
    example = YAML(typ="safe").load(
        (client.app.state.jobs.examples / "zuid-gelderland-pzt.yaml").read_text(encoding="utf-8")
    )
    assert sent["population"] == {**example["population"], "region": "salland", "scale": 0.02}
    assert sent["contract_sets"] == ["pxq", "bundle"]
    rest = {k: v for k, v in sent.items() if k not in ("population", "contract_sets")}
    assert rest == {k: v for k, v in example.items() if k not in ("population", "contract_sets")}
    summary = json.loads((folder / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in summary["contract_sets"]] == ["pxq", "bundle"]
    page = client.get(f"/scenarios/{run_id}").text
    assert _headline(page)[0][1:] == [c["name"]["nl"] for c in summary["contract_sets"]]


def test_a_bad_scale_or_a_heavy_pick_comes_back_on_the_form(
    client: TestClient, run: dict[str, Any]
) -> None:
    before = len(client.app.state.jobs.list_runs())
    r = pick(client, scale="2", region="zuid-gelderland")
    assert r.status_code == 422 and "Het bestand is niet in orde" in r.text
    # the schema's own check, on the example's line of the population (line 15)
    assert any(
        re.match(r"zuid-gelderland-pzt\.yaml:15: population\.scale: .*less than or equal to 1", e)
        for e in _errors(r.text)
    ), _errors(r.text)
    assert 'value="2"' in r.text and '<option value="zuid-gelderland" selected>' in r.text
    r = pick(client, ("pxq",), scale="abc")
    assert r.status_code == 422 and _errors(r.text) == [
        "population.scale: 'abc' is geen getal; een decimaal getal groter dan 0 en ten hoogste "
        "1, bijvoorbeeld 0,1"
    ]
    assert re.search(
        r'id="f-set-pxq" type="checkbox" name="contract_set" value="pxq" checked>', r.text
    )
    r = pick(client, region="national", scale="1")
    assert r.status_code == 422
    assert re.match(r"population: zwaar: 17\.942\.942 inwoners", _errors(r.text)[0]), _errors(
        r.text
    )
    r = pick(client, ("pxq", "nonesuch"), scale="0.02")
    assert r.status_code == 422 and any(
        re.match(r"zuid-gelderland-pzt\.yaml:\d+: contract_sets\.1: 'nonesuch': not a shipped", e)
        for e in _errors(r.text)
    ), _errors(r.text)
    r = upload(client, "/scenarios", SCENARIO, scale="0.5")  # an upload is not adjusted
    assert r.status_code == 422 and "kies een voorbeeld en upload geen bestand" in r.text
    assert len(client.app.state.jobs.list_runs()) == before  # fmt: skip


def test_the_example_business_case_runs_from_its_page(
    client: TestClient, run: dict[str, Any], data: Path
) -> None:
    """The shipped example, picked on the page with a discount rate and a role's FTE of its
    own (its scenario at scale 1, about 8 s): the input has exactly those and is otherwise the
    example; the page shows the NPV and the workbook of business_case.json."""
    form = {
        "csrf_token": token(client, "/businesscase"),
        "example": "business-case-zuid-gelderland.yaml",
        "discount_rate": "0,03",
        "fte_nurse_specialist": "3",
    }
    r = client.post("/businesscase", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    run_id = r.headers["location"].rsplit("/", 1)[1]
    end = time.monotonic() + 240
    while (st := client.get(f"/api/v1/business-cases/{run_id}").json())["status"] in (
        "queued",
        "running",
    ):
        assert time.monotonic() < end, "the business case did not finish"
        time.sleep(0.5)
    assert st["status"] == "done", st["error"]
    safe = YAML(typ="safe")
    doc = safe.load((data / "runs" / run_id / "input.yaml").read_text(encoding="utf-8"))
    example = safe.load(Path("examples/business-case-zuid-gelderland.yaml").read_text("utf-8"))
    example["discount_rate"] = 0.03
    next(r for r in example["roles"] if r["role"] == "nurse_specialist")["planned_fte"] = 3.0
    assert doc == example  # those two changed, nothing else
    bc = json.loads(
        (data / "runs" / run_id / "out" / "business_case.json").read_text(encoding="utf-8")
    )
    page = html.unescape(client.get(f"/businesscase/{run_id}").text)
    assert euros(bc["npv_cents"], "nl", 0) in page
    first = bc["years"][0]
    assert str(first["year"]) in page
    workbook = client.get(f"/api/v1/business-cases/{run_id}/workbook")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "fte_nurse_specialist",
            "veel",
            "roles.nurse_specialist.planned_fte: 'veel' is geen getal",
        ),
        ("discount_rate", "7", "business-case-zuid-gelderland.yaml:15: discount_rate: "),
        ("fte_no_such_role", "1", "roles: 'no_such_role' komt niet voor in"),
        ("region", "salland", "wat u hier aanpast, past een voorbeeld aan"),
    ],
)
def test_business_case_overrides_that_cannot_be_right_are_refused(
    client: TestClient, field: str, value: str, message: str
) -> None:
    before = len(client.app.state.jobs.list_runs())
    form = {
        "csrf_token": token(client, "/businesscase"),
        "example": "business-case-zuid-gelderland.yaml",
        field: value,
    }
    r = client.post("/businesscase", data=form, follow_redirects=False)
    assert r.status_code == 422
    errors = [html.unescape(e) for e in re.findall(r"<li><code>(.*?)</code></li>", r.text)]
    assert any(e.startswith(message) for e in errors), errors
    assert len(client.app.state.jobs.list_runs()) == before
