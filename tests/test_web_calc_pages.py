"""The calculator pages (issue 17): each calculator's form, filled as a person would (decimal
commas, one ``name=value`` per line, a checkbox), shows the figures of the API's JSON for the
same inputs in euros and the API's explanation line by line; hand-computed figures; errors by
their field (422, aria-invalid, the values kept); English with ``?lang=en``; the URL is the
permalink; a label for every field and no inline script or style; unknown names 404."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.test_web_pages import Page

from passend.i18n import PAGE_LABELS, euros
from passend.settlement.calculators import CALCULATORS, fields
from passend.web.app import create_app
from passend.web.settings import Settings

CHECKED = ["0", "1"]  # a ticked box sends the hidden 0 and its own 1
UNTICKED = ["0"]

# name -> (the form as typed, the same inputs as the API's JSON, hand-computed figures)
EXAMPLES: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, int]]] = {
    "shared-savings": (
        {"benchmark": "1000000,00", "actual": "950000", "msr": "0,02", "mlr": "0"}
        | {"sharing_rate": "0,5", "quality_score": "0,8", "savings_cap": "0.1"}
        | {"payment_factor": "0,98", "one_sided": UNTICKED},
        {"benchmark": "1000000", "actual": "950000", "msr": "0.02", "quality_score": "0.8"}
        | {"savings_cap": "0.1", "payment_factor": "0.98"},
        # S = 50,000 >= 0.02 x 1,000,000; min(0.5 x 0.8 x 50,000, 0.1 x 1,000,000) x 0.98
        {"savings_cents": 50_000_00, "threshold_cents": 20_000_00, "earned_cents": 19_600_00},
    ),
    "revenue-cap": (
        {"claimed": "1200000", "cap": "1000000", "above_cap_share": "0,25"}
        | {"terminal": "150000", "exempt_terminal": UNTICKED},
        {"claimed": "1200000", "cap": "1000000", "above_cap_share": "0.25"}
        | {"terminal": "150000", "exempt_terminal": False},
        # 1,000,000 + 0.25 x 200,000; 150,000 not paid
        {"over_cap_cents": 200_000_00, "paid_cents": 1_050_000_00, "unpaid_cents": 150_000_00},
    ),
    "efficiency": (
        {"rate": "70", "hours": "10000", "client_months": "1000", "norm": "8"}
        | {"payback_share": "0,5", "terminal_hours": "1500", "terminal_client_months": "50"}
        | {"exclude_terminal": CHECKED},
        {"rate": "70", "hours": "10000", "client_months": "1000", "norm": "8"}
        | {"payback_share": "0.5", "terminal_hours": "1500", "terminal_client_months": "50"},
        # tested 8,500 h against 8 x 950 = 7,600: 900 h above, paid back 0.5 x 70 x 900
        {"paid_cents": 700_000_00, "payback_cents": 31_500_00, "net_cents": 668_500_00},
    ),
    "availability": (
        {"budget": "1000", "share": "cz=0,4\r\nvgz = 0.6\r\n"},
        {"budget": "1000", "share": {"cz": "0.4", "vgz": "0.6"}},
        {"cz_cents": 400_00, "vgz_cents": 600_00},
    ),
    "bundle": (
        {"price": "cancer=9000\nother=6000", "patients": "cancer=100\nother=50"}
        | {"actual": "1000000", "corridor": "0,05", "corridor_share": "0,5", "outliers": "0"},
        {"price": {"cancer": "9000", "other": "6000"}, "patients": {"cancer": 100, "other": 50}}
        | {"actual": "1000000", "corridor": "0.05", "corridor_share": "0.5"},
        # 1,200,000 paid, 200,000 saved; beyond 0.05 x 1,200,000 half is settled
        {"payment_cents": 1_200_000_00, "settlement_cents": 70_000_00}
        | {"consortium_result_cents": 130_000_00, "financer_pays_cents": 1_130_000_00},
    ),
    "lump-sum": (
        {"amount": "10000000", "share": "cz=0.6\nvgz=0.4", "contract_value": "10000000"}
        | {"actual_value": "10500000", "corridor": "0,03", "corridor_share": "1"},
        {"amount": "10000000", "share": ["cz=0.6", "vgz=0.4"], "contract_value": "10000000"}
        | {"actual_value": "10500000", "corridor": "0.03"},
        # 500,000 above, 300,000 within the corridor: 200,000 settled, split 0.6 / 0.4
        {"settlement_cents": 200_000_00, "cz_cents": 6_120_000_00, "vgz_cents": 4_080_000_00},
    ),
    "capitation": (
        {"rate": "f80=120\nm80=110", "inhabitants": "f80=1000\nm80=800"}
        | {"bonus_rate": "0,05", "quality_score": "0,8"},
        {"rate": {"f80": "120", "m80": "110"}, "inhabitants": {"f80": 1000, "m80": 800}}
        | {"bonus_rate": "0.05", "quality_score": "0.8"},
        # 120 x 1,000 + 110 x 800; bonus 0.05 x 0.8 x 208,000
        {"payment_cents": 208_000_00, "bonus_cents": 8_320_00, "total_cents": 216_320_00},
    ),
    "p4p": (
        {"pool": "100000", "indicator": "acp=0,40:0,50:2\ned=0.25:<0.20:1", "threshold": "0"},
        {"pool": "100000", "indicator": {"acp": "0.40:0.50:2", "ed": "0.25:<0.20:1"}},
        # both indicators achieve 0.8: the score 0.8 of the pool
        {"bonus_cents": 80_000_00, "malus_cents": 0},
    ),
    "staffing": (
        {"calls_per_hour": "24", "handling_minutes": "5", "answer_within_seconds": "20"}
        | {"target": "0,8"},
        {"calls_per_hour": 24, "handling_minutes": "5", "answer_within_seconds": 20}
        | {"target": "0.8"},
        {},  # no money: the agents are checked by hand below
    ),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, cat) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path_factory.mktemp("data")), cat))


def rows(text: str) -> dict[str, tuple[str, str]]:
    """The result table: key -> (label, value)."""
    found = re.findall(
        r'<tr data-key="([^"]+)"><th scope="row">([^<]*)</th><td class="num">([^<]*)</td></tr>',
        text,
    )
    return {k: (unescape(label), unescape(value)) for k, label, value in found}


def steps(text: str) -> list[dict[str, str]]:
    found = re.findall(
        r'<li><span class="step-label">([^<]*)</span><br><code class="formula">([^<]*)</code>',
        text,
    )
    # an amount is never broken: a no-break space after the currency
    return [
        {"label": unescape(label), "formula": unescape(f).replace("\xa0", " ")}
        for label, f in found
    ]


def result_section(text: str) -> str:
    return text[text.index('<section class="result"') : text.index("</section>")]


def shown(value: Any, key: str, lang: str) -> str | None:
    """What the page must show for a value of the API's JSON (None: checked by hand)."""
    if isinstance(value, bool):
        return PAGE_LABELS[lang]["yes" if value else "no"]
    if isinstance(value, int) and key.endswith("_cents"):
        return euros(value, lang)
    return None


def test_every_calculator_has_an_example() -> None:
    assert set(EXAMPLES) == set(CALCULATORS)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_page_shows_the_apis_figures_and_explanation(client: TestClient, name: str) -> None:
    form, api_inputs, by_hand = EXAMPLES[name]
    api = client.post(f"/api/v1/calc/{name}", json=api_inputs).json()
    explained = client.post(f"/api/v1/calc/{name}/explain", json=api_inputs).json()
    r = client.get(f"/rekenhulpen/{name}", params=form)
    assert r.status_code == 200, r.text
    table = rows(r.text)
    expected_keys = [
        f"{k}.{sub}" if isinstance(v, dict) else k
        for k, v in api.items()
        for sub in (v if isinstance(v, dict) else [None])
    ]
    assert list(table) == expected_keys  # every key of the JSON, in its order
    for key, value in api.items():
        if shown(value, key, "nl") is not None:
            assert table[key][1] == shown(value, key, "nl"), key
    for key, cents in by_hand.items():
        assert api[key] == cents, key
        assert table[key][1] == euros(cents, "nl")
    assert steps(r.text) == explained["steps"] and explained["steps"]
    if name != "staffing":
        assert "€\xa0" in unescape(r.text[r.text.index('<ol class="steps">') :])
    # no result label is the fallback except a financer's part, named as typed
    for key, (label, _) in table.items():
        if label.startswith("Deel van "):
            assert name in ("availability", "lump-sum") and label == f"Deel van {key[:-6]}"


def test_figures_by_hand_that_are_not_money(client: TestClient) -> None:
    form = EXAMPLES["staffing"][0]
    table = rows(client.get("/rekenhulpen/staffing", params=form).text)
    # A = 24 x 5 / 60 = 2 Erlang; 4 agents meet 80% in 20 s; occupancy 2 / 4
    assert table["load"][1] == "2" and table["agents"][1] == "4"
    assert table["occupancy"][1] == "0,5"
    p4p = rows(client.get("/rekenhulpen/p4p", params=EXAMPLES["p4p"][0]).text)
    assert p4p["score"] == ("Score", "0,8") and p4p["achievements.ed"] == ("Behaald: ed", "0,8")
    shared = rows(
        client.get("/rekenhulpen/shared-savings", params=EXAMPLES["shared-savings"][0]).text
    )
    assert shared["capped"] == ("Plafond bereikt", "nee")
    assert shared["outcome"] == ("Uitkomst", "besparing gedeeld")


def test_english_with_lang_en(client: TestClient) -> None:
    form, api_inputs, _ = EXAMPLES["shared-savings"]
    r = client.get("/rekenhulpen/shared-savings", params={**form, "lang": "en"})
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert rows(r.text)["earned_cents"] == ("Paid to the provider", "EUR 19,600.00")
    explained = client.post(
        "/api/v1/calc/shared-savings/explain", params={"lang": "en"}, json=api_inputs
    ).json()
    assert steps(r.text) == explained["steps"]
    assert '<label for="f-benchmark">Benchmark B (expected spending)' in r.text
    assert '<input type="hidden" name="lang" value="en">' in r.text  # the form stays English
    assert "Formula and source" in r.text and "Formule" not in r.text


def test_the_defaults_are_filled_in_and_the_formula_is_shown(client: TestClient) -> None:
    r = client.get("/rekenhulpen/shared-savings")
    assert r.status_code == 200 and '<section class="result"' not in r.text
    assert re.search(r'id="f-sharing_rate" name="sharing_rate" value="0,5"', r.text)
    assert re.search(r'inputmode="decimal" autocomplete="off" id="f-benchmark"', r.text)
    en = client.get("/rekenhulpen/shared-savings?lang=en")
    assert re.search(r'id="f-sharing_rate" name="sharing_rate" value="0.5"', en.text)
    # the model module's docstring: its first paragraph and the formula with its source
    assert "the provider shares in savings against a benchmark" in r.text
    assert "Formula (DESIGN section 6.7; seed 001 table 1" in unescape(r.text)
    assert '<pre class="formula">S = B - A ' in r.text
    assert "passend.settlement.models.shared_savings" in r.text


def test_a_link_without_a_checkbox_takes_its_default(client: TestClient) -> None:
    """exempt_terminal is on by default: a hand-written link that leaves it out exempts the
    terminal part; the form's unticked box (the hidden 0 alone) does not."""
    link = {"claimed": "1200000", "cap": "1000000", "terminal": "150000"}
    exempt = rows(client.get("/rekenhulpen/revenue-cap", params=link).text)
    assert exempt["exempt_cents"][1] == euros(150_000_00, "nl")
    # capped part 1,050,000: 1,000,000 paid + the exempt 150,000
    assert exempt["paid_cents"][1] == euros(1_150_000_00, "nl")
    unticked = rows(
        client.get("/rekenhulpen/revenue-cap", params={**link, "exempt_terminal": "0"}).text
    )
    assert unticked["exempt_cents"][1] == euros(0, "nl")


def test_the_url_is_the_permalink(client: TestClient) -> None:
    form = EXAMPLES["bundle"][0]
    first = client.get("/rekenhulpen/bundle", params=form)
    link = re.search(r'id="permalink" type="url" readonly value="([^"]+)"', first.text).group(1)
    link = unescape(link)
    assert link.startswith("http://testserver/rekenhulpen/bundle?price=cancer%3D9000%0Aother")
    again = client.get(link)
    assert result_section(again.text) == result_section(first.text)


def test_an_error_is_shown_by_its_field_with_422_and_the_values_kept(client: TestClient) -> None:
    form = {**EXAMPLES["shared-savings"][0], "benchmark": "een miljoen", "actual": ""}
    r = client.get("/rekenhulpen/shared-savings", params=form)
    assert r.status_code == 422 and '<section class="result"' not in r.text
    # the empty required field is named in Dutch; the other field's value is kept
    assert re.search(
        r'id="f-actual" name="actual" value="" aria-describedby="h-actual e-actual"'
        r' aria-invalid="true"',
        r.text,
    )
    assert '<p class="field-error" id="e-actual">Vul dit veld in.</p>' in r.text
    assert 'name="quality_score" value="0,8"' in r.text
    # a number that is not one: the calculator's message by the field
    form["actual"] = "950000"
    r = client.get("/rekenhulpen/shared-savings", params=form)
    assert r.status_code == 422
    assert re.search(
        r'id="f-benchmark" name="benchmark" value="een miljoen"'
        r' aria-describedby="h-benchmark e-benchmark" aria-invalid="true"',
        r.text,
    )
    error = re.search(r'<p class="field-error" id="e-benchmark">([^<]+)</p>', r.text).group(1)
    assert "benchmark" in error and "een miljoen" in unescape(error)
    assert r.text.count('aria-invalid="true"') == 1  # only that field
    assert '<li><a href="#f-benchmark">' in r.text  # the summary links to the field


def test_a_mapping_error_keeps_the_lines(client: TestClient) -> None:
    form = {"pool": "100000", "indicator": "acp=0.40:0.50:2\ned=0.25"}
    r = client.get("/rekenhulpen/p4p", params=form)
    assert r.status_code == 422
    assert 'aria-invalid="true" required>acp=0.40:0.50:2\ned=0.25</textarea>' in r.text
    assert "--indicator ed: verwacht score:doel:gewicht" in r.text  # in the page's language


def test_an_error_of_no_one_field_is_shown_above_the_form(client: TestClient) -> None:
    form = {"price": "cancer=9000", "patients": "other=5", "actual": "1"}
    r = client.get("/rekenhulpen/bundle", params=form)
    assert r.status_code == 422
    # in the page's language
    assert "geef een prijs en een aantal patiënten voor dezelfde klassen" in r.text
    assert 'aria-invalid="true"' not in r.text


def test_unknown_calculator_is_a_404_with_the_closest(client: TestClient) -> None:
    r = client.get("/rekenhulpen/shared-saving")
    assert r.status_code == 404
    assert '<a href="/rekenhulpen/shared-savings"><code>shared-savings</code></a>' in r.text
    en = client.get("/rekenhulpen/lumpsum?lang=en")
    assert en.status_code == 404 and 'href="/rekenhulpen/lump-sum?lang=en"' in en.text


def test_the_list_links_every_calculator_and_the_nav_has_it(client: TestClient) -> None:
    r = client.get("/rekenhulpen")
    assert r.status_code == 200
    for name, c in CALCULATORS.items():
        assert f'<a href="/rekenhulpen/{name}">{c.title["nl"]}</a>' in unescape(r.text)
    assert '<a href="/rekenhulpen" aria-current="page">Rekenhulpen</a>' in r.text
    page = client.get("/rekenhulpen/p4p?lang=en")
    assert '<a href="/rekenhulpen?lang=en" aria-current="page">Calculators</a>' in page.text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_field_has_a_label_in_both_languages(lang: str) -> None:
    L = PAGE_LABELS[lang]
    for name in CALCULATORS:
        for f in fields(name):
            assert L[f"calc.{name}.{f.name}"], (name, f.name)
            if f.kind == "mapping":
                assert "=" in L[f"calc.{name}.{f.name}.example"]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_a_label_for_every_input_and_no_inline_script_or_style(
    client: TestClient, name: str
) -> None:
    for params in ({}, EXAMPLES[name][0]):
        r = client.get(f"/rekenhulpen/{name}", params=params)
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", r.text, re.I)
        page = Page(r.text)
        assert page.fields and all(ident in page.labels for _, ident in page.fields)
        # every field is described by its hint, which exists
        for ident in re.findall(r'aria-describedby="([^"]+)"', r.text):
            for part in ident.split():
                assert f'id="{part}"' in r.text
