"""The business case's outputs, built from its JSON: the Excel workbook (opens with openpyxl,
its summary equals the JSON, Dutch and English sheet names, the same bytes twice) and the
offline HTML report (headline figures in Dutch, no external resources, rendered by headless
Chromium; skipped when there is none). The JSON is a small hand-made fixture in the shape the
engine writes, every amount in integer euro-cents.
"""

from __future__ import annotations

import copy
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from browser import chromium
from browser import dom as page_dom
from browser import flags as browser_flags

openpyxl = pytest.importorskip("openpyxl")

from passend.business_case.report import write_report  # noqa: E402
from passend.business_case.workbook import TEXT, write_workbook  # noqa: E402

# Cost per (year, role): (FTE, cents). Revenue per (year, route, financer): cents.
COST = {
    (2026, "nurse_specialist"): (2.5, 25_000_000),
    (2026, "palliative_nurse"): (3.0, 24_000_000),
    (2027, "nurse_specialist"): (2.5, 25_750_000),
    (2027, "palliative_nurse"): (3.0, 24_720_000),
}
REVENUE = {
    (2026, "pznl_consultation_subsidy", "government", "vws"): 12_345_600,
    (2026, "iza_transformation_funds", "health_insurer", "menzis"): 10_000_000,
    (2026, "iza_transformation_funds", "health_insurer", "vgz"): 8_000_000,
    (2027, "pznl_consultation_subsidy", "government", "vws"): 6_000_000,
    (2027, "iza_transformation_funds", "health_insurer", "menzis"): 11_000_000,
    (2027, "iza_transformation_funds", "health_insurer", "vgz"): 9_000_000,
}
SAVINGS = {
    (2026, "menzis"): 9_000_000,
    (2026, "vgz"): 6_000_000,
    (2027, "menzis"): 12_000_000,
    (2027, "vgz"): 8_000_000,
}
GAP_ACTIVITY = {
    (2026, "team_availability"): 12_000_000,
    (2026, "team_coordination"): 6_654_400,
    (2027, "team_availability"): 16_000_000,
    (2027, "team_coordination"): 8_470_000,
}
SOCIETAL = {2026: 21_000_000, 2027: 27_500_000}
# NPV by hand: (savings - gap) per year, discounted at 4%:
# 2026: 15_000_000 - 18_654_400 = -3_654_400; 2027: (20_000_000 - 24_470_000) / 1.04 = -4_298_077
NPV = -3_654_400 - 4_298_077


def _year(year: int, status: str) -> dict[str, Any]:
    cost = [
        {"role": role, "fte": fte, "cents": cents}
        for (y, role), (fte, cents) in COST.items()
        if y == year
    ]
    revenue = [
        {
            "route": route,
            "title_code": None,
            "financer_kind": kind,
            "financer_id": fid,
            "cents": cents,
        }
        for (y, route, kind, fid), cents in REVENUE.items()
        if y == year
    ]
    cost_cents = sum(r["cents"] for r in cost)
    revenue_cents = sum(r["cents"] for r in revenue)
    savings = [
        {"financer_id": fid, "financer_kind": "health_insurer", "cents": cents}
        for (y, fid), cents in SAVINGS.items()
        if y == year
    ]
    paid = {
        kind: sum(r["cents"] for r in revenue if r["financer_kind"] == kind)
        for kind in ("health_insurer", "government")
    }
    saved = sum(r["cents"] for r in savings)
    return {
        "year": year,
        "year_status": status,
        "rules_year": 2026,
        "routes_year": year,
        "carried_forward": status == "carried_forward",
        "cost_cents": cost_cents,
        "cost": cost,
        "revenue_cents": revenue_cents,
        "revenue": revenue,
        "gap_cents": cost_cents - revenue_cents,
        "gap_by_activity": [
            {"activity": a, "cents": c} for (y, a), c in GAP_ACTIVITY.items() if y == year
        ],
        "savings": savings,
        "savings_cents": saved,
        "societal_cents": SOCIETAL[year],
        "net": [
            {"group": "health_insurer", "cents": saved - paid["health_insurer"]},
            {"group": "government", "cents": -paid["government"]},
        ],
    }


ANNOUNCED_NL = "let op: de regels voor 2027 zijn aangekondigd, niet definitief [bron: Bron A, 1]"
ANNOUNCED_EN = "warning: the rules for 2027 are announced, not final [source: Source A, 1]"


def _fixture() -> dict[str, Any]:
    years = [_year(2026, "reviewed"), _year(2027, "announced")]
    for y in years:  # the hand-made figures reconcile
        assert sum(a["cents"] for a in y["gap_by_activity"]) == y["gap_cents"]
    return {
        "business_case": "zuid-gelderland-transmural-team",
        "name": {
            "nl": "Transmuraal palliatief team Zuid-Gelderland",
            "en": "Transmural palliative team Zuid-Gelderland",
        },
        "region": "zuid-gelderland",
        "host": {"provider_kind": "hospital", "provider_id": "zuid-gelderland-hospital-0001"},
        "first_year": 2026,
        "last_year": 2027,
        "discount_rate": "0.04",
        "replicates": 1,
        "catalogue_version": "2026.1",
        "announced": [{"year": 2027, "warning": {"nl": ANNOUNCED_NL, "en": ANNOUNCED_EN}}],
        "inputs": [
            {
                "section": "roles",
                "name": "nurse_specialist.planned_fte",
                "value": 2.5,
                "unit": "fte",
                "placeholder": False,
                "source": "Transitie Consultatie palliatieve zorg, 4.1.3",
            },
            {
                "section": "funding",
                "name": "pznl_consultation_subsidy.amount",
                "value": "123456",
                "unit": "EUR",
                "placeholder": True,
                "source": "passend placeholder, subsidy amount",
            },
            {
                "section": "general",
                "name": "discount_rate",
                "value": "0.04",
                "unit": "",
                "placeholder": False,
                "source": "Kostenhandleiding, discontering",
            },
            {
                "section": "service",
                "name": "phone.hours",
                "value": "24/7",
                "unit": "",
                "placeholder": False,
                "source": "seed 004, B3",
            },
        ],
        "years": years,
        "capacity": {
            "fte_needed": 6.3,
            "fte_planned": 5.5,
            "shortfall_fte": 0.8,
            "roles": [
                {
                    "role": "nurse_specialist",
                    "rostered_hours": 3500.0,
                    "workload_hours": 3780.0,
                    "productive_hours_per_fte": 1400.0,
                    "fte_needed": 2.7,
                    "planned_fte": 2.5,
                    "shortfall_fte": 0.2,
                },
                {
                    "role": "palliative_nurse",
                    "rostered_hours": 4000.0,
                    "workload_hours": 5040.0,
                    "productive_hours_per_fte": 1400.0,
                    "fte_needed": 3.6,
                    "planned_fte": 3.0,
                    "shortfall_fte": 0.6,
                },
            ],
            "phone": {
                "calls_per_year": 1000,
                "handling_minutes": 20,
                "answer_within_seconds": 60,
                "target": 0.8,
                "blocks": [
                    {
                        "name": "office_hours",
                        "hours_per_week": 45,
                        "calls_per_hour": 0.3,
                        "agents": 1,
                        "service_level": 0.9,
                        "wait_probability": 0.1,
                        "occupancy": 0.1,
                        "agent_hours_per_year": 2340,
                    },
                    {
                        "name": "evenings_nights_weekends",
                        "hours_per_week": 123,
                        "calls_per_hour": 0.1,
                        "agents": 1,
                        "service_level": 0.97,
                        "wait_probability": 0.03,
                        "occupancy": 0.03,
                        "agent_hours_per_year": 6396,
                    },
                ],
            },
        },
        "patients": {
            "reached": 800,
            "by_insurer": [
                {"financer_id": "menzis", "share": 0.55, "patients": 440},
                {"financer_id": "vgz", "share": 0.45, "patients": 360},
            ],
        },
        "npv_cents": NPV,
        "payback_years": None,
        "break_even": {
            "patients_reached": 2500,
            "price_per_patient_cents": 123_400,
            "price_per_inhabitant_cents": 37,
        },
        "intervals": None,
        "tornado": [],
    }


@pytest.fixture(scope="module")
def bc() -> dict[str, Any]:
    return _fixture()


@pytest.fixture(scope="module")
def cat() -> Any:
    from passend.catalogue.loader import load_catalogue

    return load_catalogue(None)


# ---------------------------------------------------------------------------- the workbook


def _rows(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_workbook_summary_equals_the_json(bc: dict[str, Any], cat: Any, tmp_path: Path) -> None:
    path = tmp_path / "business_case.xlsx"
    write_workbook(bc, path, cat=cat)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "Invoer",
        "Capaciteit",
        "Kosten",
        "Opbrengsten",
        "Besparingen",
        "Samenvatting",
    ]
    ws = wb["Samenvatting"]
    rows = _rows(ws)
    assert rows[0][:6] == [
        "Jaar",
        "Kosten",
        "Opbrengsten",
        "Financieringstekort",
        "Besparingen financiers",
        "Maatschappelijke kosten vermeden",
    ]
    # 2026 by hand: cost 250.000 + 240.000; revenue 123.456 + 100.000 + 80.000
    assert rows[0][6] == "Regels"
    assert rows[1][:7] == [2026, 490_000.0, 303_456.0, 186_544.0, 150_000.0, 210_000.0, "herzien"]
    assert rows[2][:7] == [
        *[2027, 504_700.0, 260_000.0, 244_700.0, 200_000.0, 275_000.0],
        "aangekondigde regels (niet definitief)",
    ]
    assert rows[4][6].endswith(f"de betaaltitels de regels en tarieven van 2026; {ANNOUNCED_NL}")
    for row, y in zip(rows[1:3], bc["years"], strict=True):
        keys = ("cost_cents", "revenue_cents", "gap_cents", "savings_cents", "societal_cents")
        assert row[1:6] == [y[k] / 100 for k in keys]
    assert rows[3][:6] == ["Totaal", 994_700.0, 563_456.0, 431_244.0, 350_000.0, 485_000.0]
    assert ws["B2"].number_format == '"€" #,##0;[Red]-"€" #,##0'
    assert ws.freeze_panes == "A2"
    key = {r[0]: r[1] for r in rows if r and isinstance(r[0], str)}
    assert (
        key["Netto contante waarde (besparingen plus prestaties min kosten)"]
        == bc["npv_cents"] / 100
    )
    assert key["Netto contante waarde (besparingen plus prestaties min kosten)"] == -79_524.77
    assert key["Terugverdientijd (jaren)"] == "niet binnen de periode"
    assert key["Break-even: bereikte patiënten per jaar"] == 2500
    assert key["Break-even: prijs per patiënt"] == 1234.0
    assert key["Break-even: prijs per inwoner"] == 0.37
    assert key["Disconteringsvoet"] == 0.04
    assert key["Tekort (fte)"] == 0.8


def test_workbook_sheets_reconcile(bc: dict[str, Any], cat: Any, tmp_path: Path) -> None:
    path = tmp_path / "business_case.xlsx"
    write_workbook(bc, path, cat=cat)
    wb = openpyxl.load_workbook(path)
    cost = _rows(wb["Kosten"])
    assert cost[0][:4] == ["Rol", "Code", 2026, None]  # the year spans FTE and euros
    assert cost[1][2:6] == ["fte", "kosten (€)", "fte", "kosten (€)"]
    assert cost[2] == [
        "Verpleegkundig specialist",
        "nurse_specialist",
        2.5,
        250_000.0,
        2.5,
        257_500.0,
    ]
    assert cost[4] == ["Totaal", None, 5.5, 490_000.0, 5.5, 504_700.0]
    revenue = _rows(wb["Opbrengsten"])
    pznl = next(r for r in revenue if r[1] == "pznl_consultation_subsidy")
    assert pznl[5:8] == [123_456.0, 60_000.0, 183_456.0]
    total = next(r for r in revenue if r[0] == "Totaal")
    assert total[5:8] == [303_456.0, 260_000.0, 563_456.0]
    savings = _rows(wb["Besparingen"])
    menzis = next(r for r in savings if r[1] == "menzis")
    assert menzis[0] == "Menzis" and menzis[3:6] == [90_000.0, 120_000.0, 210_000.0]
    inputs = _rows(wb["Invoer"])
    placeholder = next(r for r in inputs if r[1] == "pznl_consultation_subsidy.amount")
    assert placeholder[2:5] == [123456, "EUR", "ja"]  # a number written as text is a number
    assert next(r for r in inputs if r[1] == "phone.hours")[2] == "24/7"
    assert wb["Invoer"]["A3"].fill.fgColor.rgb.endswith("FFF3BF")  # the placeholder row
    assert wb["Invoer"]["A2"].fill.fill_type is None
    cap = _rows(wb["Capaciteit"])
    assert cap[1][1:8] == ["nurse_specialist", 3500.0, 3780.0, 1400.0, 2.7, 2.5, 0.2]
    assert ["Totaal", None, None, None, None, 6.3, 5.5, 0.8] in [r[:8] for r in cap]
    assert any(r[0] == "office_hours" and r[-1] == 2340 for r in cap)


def test_workbook_english_and_same_bytes(bc: dict[str, Any], cat: Any, tmp_path: Path) -> None:
    en = tmp_path / "en.xlsx"
    write_workbook(bc, en, lang="en", cat=cat)
    wb = openpyxl.load_workbook(en)
    assert wb.sheetnames == ["Inputs", "Capacity", "Cost", "Revenue", "Savings", "Summary"]
    assert wb["Summary"]["D1"].value == "Funding gap"
    assert wb["Summary"]["D2"].value == 186_544.0
    assert wb.properties.created.year == 2026 and wb.properties.modified.year == 2026
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(bc, a, cat=cat)
    write_workbook(copy.deepcopy(bc), b, cat=cat)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:  # no time of saving anywhere, so a later run gives these bytes
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    assert set(TEXT["nl"]) == set(TEXT["en"])


# ---------------------------------------------------------------------------- the report


@pytest.fixture(scope="module")
def reports(bc: dict[str, Any], cat: Any, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bc-report")
    paths = {lang: out / f"business_case.{lang}.html" for lang in ("nl", "en")}
    for lang, path in paths.items():
        write_report(bc, path, lang, cat=cat)
    return {"paths": paths, "html": {k: p.read_text("utf-8") for k, p in paths.items()}}


FIGURES = ("fig-fte", "fig-cost-revenue", "fig-funding", "fig-savings")


def test_report_headline_in_dutch(reports: dict) -> None:
    html = reports["html"]["nl"]
    assert '<html lang="nl">' in html
    assert "−€ 79.525" in html  # the NPV, rounded to whole euros
    assert "€ 1.234" in html  # break-even price per patient
    assert "€ 0,37" in html  # per inhabitant, in cents
    assert "€ 186.544" in html and "€ 244.700" in html  # the gap per year
    assert "niet binnen 2026–2027" in html
    assert "Niet haalbaar met de geplande bezetting" in html and "0,8 fte" in html
    assert "Verpleegkundig specialist" in html and "Menzis" in html
    assert '<span class="badge cf">aangekondigde regels (niet definitief)</span>' in html
    assert (
        "2027: aangekondigde regels (niet definitief): de routes en subsidies volgen de regels "
        f"van 2027, de betaaltitels de regels en tarieven van 2026; {ANNOUNCED_NL}"
    ) in html
    assert html.count('class="badge">placeholder') == 2  # the intro and the one placeholder
    assert "Kostenhandleiding" in html


def test_report_english(reports: dict) -> None:
    html = reports["html"]["en"]
    assert '<html lang="en">' in html
    assert "−EUR 79,525" in html and "EUR 1,234" in html
    assert "Not feasible with the planned staff" in html
    assert "Nurse specialist" in html and "announced rules (not final)" in html
    assert f"the titles the rules and tariffs of 2026; {ANNOUNCED_EN}" in html


def test_report_is_self_contained_and_stable(
    reports: dict, bc: dict[str, Any], cat: Any, tmp_path: Path
) -> None:
    for html in reports["html"].values():
        assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
        assert "<script" not in html and "<link" not in html and "@import" not in html
        for fig in FIGURES:
            assert f'id="{fig}-svg"' in html
        assert html.count("<svg") == len(FIGURES)
    again = tmp_path / "again.html"
    write_report(copy.deepcopy(bc), again, "nl", cat=cat)
    assert again.read_text("utf-8") == reports["html"]["nl"]


def test_report_with_intervals_and_tornado(bc: dict[str, Any], cat: Any, tmp_path: Path) -> None:
    many = copy.deepcopy(bc)
    many["replicates"] = 50
    many["payback_years"] = 3
    many["intervals"] = {
        "npv_cents": [-12_000_000, -4_000_000],
        "gap_cents": {"2026": [17_000_000, 20_000_000], "2027": [22_000_000, 26_000_000]},
        "savings_cents": {"2026": [12_000_000, 18_000_000], "2027": [16_000_000, 24_000_000]},
    }
    many["tornado"] = [
        {"input": "effects.admissions", "low_npv_cents": -11_000_000, "high_npv_cents": -5_000_000}
    ]
    path = tmp_path / "many.html"
    write_report(many, path, "nl", cat=cat)
    html = path.read_text("utf-8")
    assert "interval over 50 replicaties: −€ 120.000 tot −€ 40.000" in html
    assert "[€ 170.000; € 200.000]" in html
    assert "3 jaar" in html
    assert "effects.admissions" in html and "−€ 110.000" in html


def test_report_renders_in_headless_chromium(reports: dict, tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        pytest.skip("no chromium binary found (apt-get install chromium; .ci/run does)")
    from PIL import Image

    report = reports["paths"]["nl"]
    flags = browser_flags(tmp_path / "profile")
    dom = page_dom(browser, report, tmp_path / "profile")
    for fig in FIGURES:
        assert f'id="{fig}-svg"' in dom, fig
    shot = tmp_path / "bc-report.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1280,4200", report.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.exists() and shot.stat().st_size > 50_000
    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 4200)
    assert len(img.resize((320, 1050)).getcolors(maxcolors=1 << 20)) > 200  # not blank
    counts = {colour: n for n, colour in img.getcolors(maxcolors=1 << 20)}
    # The bars' colours (cost grey, revenue and needed FTE blue) only occur in the charts.
    assert counts.get((0x1F, 0x5F, 0x99), 0) > 2_000
    assert counts.get((0x9A, 0xA5, 0xB1), 0) > 2_000
