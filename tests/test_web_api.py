"""The REST API as a client uses it: each endpoint's answer equals the command line's JSON for
the same input; each error is JSON {error, detail, field} with a 4xx; limits and headers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from passend.cli import app as cli
from passend.demo import QUESTIONS
from passend.tokens import TokenStore
from passend.web.app import create_app
from passend.web.settings import Settings
from test_calculators import SAME_INPUT


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, cat: Any) -> TestClient:
    data = tmp_path_factory.mktemp("web-data")
    return TestClient(create_app(Settings(data_dir=data, upload_limit=64 * 1024), cat))


def cli_json(*args: str) -> Any:
    r = CliRunner().invoke(cli, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _params(q: Any) -> dict[str, Any]:
    given = {
        "activity": q.activity,
        "professional": q.professional,
        "specialty": q.specialty,
        "setting": q.setting,
        "year": q.year,
    }
    return {k: v for k, v in given.items() if v is not None}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("question", QUESTIONS[:4] + QUESTIONS[6:7], ids=lambda q: q[0])
def test_wegwijzer_equals_the_cli_json(client: TestClient, question: Any, lang: str) -> None:
    params = {**_params(question[3]), "lang": lang}
    r = client.get("/api/v1/wegwijzer", params=params)
    assert r.status_code == 200
    args = [x for k, v in params.items() for x in (f"--{k}", str(v))]
    assert r.json() == cli_json("wegwijzer", *args)


def test_wegwijzer_unknown_id_names_the_field_and_the_closest(client: TestClient) -> None:
    r = client.get(
        "/api/v1/wegwijzer", params={"activity": "patz_meting", "professional": "gp_palliative"}
    )
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "unknown_id" and body["field"] == "activity"
    assert "patz_meeting" in body["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"activity": "patz_meeting"}, "professional"),
        ({"activity": "patz_meeting", "professional": "gp", "year": "twee"}, "year"),
        ({"activity": "patz_meeting", "professional": "gp", "lang": "de"}, "lang"),
        ({"activity": "patz_meeting", "professional": "gp", "year": 1890}, "year"),
    ],
)
def test_wegwijzer_invalid_parameters(client: TestClient, params: Any, field: str) -> None:
    r = client.get("/api/v1/wegwijzer", params=params)
    assert r.status_code == 422
    assert r.json()["field"] == field and r.json()["error"] == "invalid"


def test_titles_equal_catalogue_list(client: TestClient) -> None:
    r = client.get("/api/v1/catalogue/titles", params={"year": 2024, "law": "zvw"})
    assert r.status_code == 200
    assert r.json() == cli_json("catalogue", "list", "--year", "2024", "--law", "zvw")
    assert r.json() and all(t["law"] == "zvw" for t in r.json())


def test_title_equals_catalogue_show(client: TestClient) -> None:
    r = client.get("/api/v1/catalogue/titles/12011")
    assert r.status_code == 200 and r.json() == cli_json("catalogue", "show", "12011")


def test_unknown_title_is_a_404_with_the_closest(client: TestClient) -> None:
    r = client.get("/api/v1/catalogue/titles/12O11")
    assert r.status_code == 404
    assert r.json()["field"] == "code" and "12011" in r.json()["detail"]


def test_tables_carry_their_sources(client: TestClient, cat: Any) -> None:
    for name in ("routes", "bottlenecks", "activities", "professionals"):
        rows = client.get(f"/api/v1/catalogue/{name}").json()
        assert [r["id"] for r in rows] == list(getattr(cat, name))
        assert all(r["sources"] for r in rows)


def test_changes_between_years(client: TestClient, cat: Any) -> None:
    r = client.get("/api/v1/catalogue/changes", params={"from": 2025, "to": 2026}).json()
    added = {t["code"] for t in r["added"]}
    assert added == {
        t.code for t in cat.titles.values() if t.valid_in(2026) and not t.valid_in(2025)
    }
    for t in r["tariffs"]:
        title = cat.titles[t["code"]]
        by_year = {x.year: x.cents for x in title.tariffs}
        assert (t["cents_from"], t["cents_to"]) == (by_year.get(2025), by_year.get(2026))
        assert t["cents_from"] != t["cents_to"]


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    r = client.post("/api/v1/runs", content=b"x" * (65 * 1024))
    assert r.status_code == 413 and r.json()["error"] == "too_large"


def test_unknown_path_is_json_404(client: TestClient) -> None:
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and set(r.json()) == {"error", "detail", "field"}


def test_security_headers(client: TestClient) -> None:
    r = client.get("/api/v1/catalogue")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/v1/wegwijzer", "/api/v1/catalogue/titles", "/api/v1/catalogue/titles/{code}"):
        assert p in paths


def test_tokens_are_stored_hashed_and_revocable(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    admin = store.ensure_admin()
    assert admin is not None and store.ensure_admin() is None
    other = store.create("analist")
    stored = (tmp_path / "tokens.json").read_text()
    assert admin not in stored and other.split("_", 2)[2] not in stored
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0
    ident = store.verify(other)
    assert ident is not None and store.verify(other[:-1] + "x") is None
    store.revoke(ident)
    assert store.verify(other) is None and store.verify(admin) is not None


def test_token_cli_create_and_revoke(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["token", "create", "analist", "--data-dir", str(tmp_path)])
    assert r.exit_code == 0
    token = r.stdout.strip()
    ident = TokenStore(tmp_path).verify(token)
    assert ident is not None
    r = CliRunner().invoke(cli, ["token", "revoke", "nope", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2 and ident in r.output
    r = CliRunner().invoke(cli, ["token", "revoke", ident, "--data-dir", str(tmp_path)])
    assert r.exit_code == 0 and TokenStore(tmp_path).verify(token) is None


@pytest.mark.parametrize("name", sorted(SAME_INPUT))
def test_calc_answers_the_cli_json(client: TestClient, name: str) -> None:
    args, inputs = SAME_INPUT[name]
    r = client.post(f"/api/v1/calc/{name}", json=inputs)
    assert r.status_code == 200, r.text
    assert r.json() == cli_json("calc", name, *args)


def test_calc_explain_gives_the_steps(client: TestClient) -> None:
    inputs = {"benchmark": "1000000", "actual": "900000"}
    r = client.post("/api/v1/calc/shared-savings/explain", json=inputs, params={"lang": "nl"})
    body = r.json()
    assert body["result"]["savings_cents"] == 10_000_000
    assert body["steps"][0] == {
        "label": "Besparing",
        "formula": "S = B − A = € 1.000.000,00 − € 900.000,00 = € 100.000,00",
    }


@pytest.mark.parametrize(
    ("path", "body", "status", "field", "text"),
    [
        ("shared-savings", {"benchmark": "1000000"}, 422, "actual", "required"),
        ("shared-savings", {"benchmark": "1O00", "actual": "1"}, 422, "benchmark", "1O00"),
        (
            "shared-savings",
            {"benchmark": 1, "actual": 1, "sharng_rate": 1},
            422,
            "sharng_rate",
            "sharing_rate",
        ),
        ("availability", {"budget": 1, "share": ["cz"]}, 422, "share", "name=value"),
        ("sharedsavings", {}, 404, "model", "shared-savings"),
    ],
)
def test_calc_errors_name_the_field(
    client: TestClient, path: str, body: Any, status: int, field: str, text: str
) -> None:
    r = client.post(f"/api/v1/calc/{path}", json=body)
    assert r.status_code == status, r.text
    assert r.json()["field"] == field and text in r.json()["detail"]


def test_calc_lists_the_calculators_and_their_fields(client: TestClient) -> None:
    calcs = {c["name"]: c for c in client.get("/api/v1/calc").json()}
    assert set(calcs) == set(SAME_INPUT)
    fields = {f["name"]: f for f in calcs["shared-savings"]["fields"]}
    assert fields["sharing_rate"]["default"] == "0.5" and fields["benchmark"]["required"]


def test_a_form_over_the_limit_gets_a_page(client: TestClient) -> None:
    files = {"file": ("big.yaml", b"x" * (65 * 1024), "application/yaml")}
    r = client.post("/scenarios", files=files)
    assert r.status_code == 413 and r.headers["content-type"].startswith("text/html")
    assert (
        "te groot" in r.text
        and "too large" in r.text
        and "64 KiB" in r.text
        and "<script" not in r.text
    )
