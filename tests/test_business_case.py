"""passend business-case: a small team's case end to end (Zuid-Gelderland at scale 0.05, one
replicate), its sums per year, the subsidy's end, the savings per insurer, and the refusals."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from passend.business_case.run import build
from passend.business_case.schema import load_business_case
from passend.catalogue.loader import CatalogueError
from passend.cli import app

EXAMPLES = Path(__file__).parent.parent / "examples"

SCENARIO = """\
id: bc-small
name: {nl: Klein, en: Small}
sources: [{document: passend_placeholder, section: test}]
population: {region: zuid-gelderland, year: 2026, seed: 3, scale: 0.05}
intervention:
  name: {nl: Team, en: Team}
  effects:
    reach: {who: marked_at_home, share: 1.0, assumption: true, note: test}
    rate_multipliers: {admission_via_ed: 0.579, admission_other: 0.692}
contract_sets: [pxq]
"""

CASE = """\
id: bc-test
name: {nl: Test, en: Test}
sources: [{document: passend_placeholder, section: test}]
scenario: scenario.yaml
first_year: 2026
last_year: 2028
discount_rate: 0.05
host: {provider_kind: hospital}
roles:
  - {role: palliative_nurse, cost_per_fte_eur: 73000, productive_hours_per_fte: 1456, on_call_eur_per_hour: 5, planned_fte: 4, placeholder: true, note: test}
  - {role: coordinator, cost_per_fte_eur: 80000, productive_hours_per_fte: 1456, planned_fte: 0.5, placeholder: true, note: test}
phone:
  role: palliative_nurse
  calls_per_year: 500
  handling_minutes: 20
  answer_within_seconds: 60
  target: 0.8
  placeholder: true
  note: test
  blocks:
    - {name: days, hours_per_week: 84, call_share: 0.8}
    - {name: nights, hours_per_week: 84, call_share: 0.2, on_call: true}
work:
  - {activity: team_coordination, role: coordinator, per_year: 52, minutes: 420, placeholder: true, note: test}
funding:
  - {route: pznl_consultation_subsidy, from_year: 2026, to_year: 2028, placeholder: true, note: test}
"""


def _write(tmp: Path, case: str = CASE) -> Path:
    (tmp / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    f = tmp / "case.yaml"
    f.write_text(case, encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def case(cat, tmp_path_factory: pytest.TempPathFactory) -> dict:
    d = tmp_path_factory.mktemp("bc")
    lc = load_business_case(_write(d), cat)
    return build(cat, lc, d / "work", workers=1)


def test_every_year_adds_up(case: dict) -> None:
    for y in case["years"]:
        assert y["cost_cents"] == sum(c["cents"] for c in y["cost"])
        assert y["revenue_cents"] == sum(r["cents"] for r in y["revenue"])
        assert y["gap_cents"] == y["cost_cents"] - y["revenue_cents"]
        # the gap per activity is the cost per activity less its revenue (rounded per activity)
        assert abs(sum(g["cents"] for g in y["gap_by_activity"]) - y["gap_cents"]) <= 10
        assert y["savings_cents"] == sum(s["cents"] for s in y["savings"])
    assert [y["carried_forward"] for y in case["years"]] == [False, False, True]


def test_each_year_says_which_rules_it_uses(case: dict) -> None:
    """2026 is reviewed; 2027 is announced: its routes follow 2027's rules (the PZNL subsidy
    ends with 2026: no line in 2027) while its titles are priced with 2026's rules and tariffs;
    2028 carries 2027's rules forward. The notes say exactly that, with the sources."""
    from passend.business_case.years import notes

    got = [(y["year_status"], y["rules_year"], y["routes_year"]) for y in case["years"]]
    assert got == [
        ("reviewed", 2026, 2026),
        ("announced", 2026, 2027),
        ("carried_forward", 2026, 2027),
    ]
    y26, y27, _ = case["years"]
    titles = lambda y: {r["title_code"]: r["cents"] for r in y["revenue"] if r["route"] == "title"}  # noqa: E731
    assert titles(y27) == titles(y26) != {}  # the same titles at the same (2026) tariffs
    assert [a["year"] for a in case["announced"]] == [2027]
    nl, en = notes(case, "nl"), notes(case, "en")
    assert nl[0].startswith(
        "2027: aangekondigde regels (niet definitief): de routes en subsidies volgen de regels "
        "van 2027, de betaaltitels de regels en tarieven van 2026; let op: 2027 valt na de "
        "herziene jaren"
    )
    assert "PZNL, Meest gestelde vragen" in nl[0]  # the announcement's source, by its title
    assert nl[1].startswith(
        "2028: na 2027 heeft de catalogus geen regels; die van 2027 zijn doorgetrokken (de "
        "betaaltitels met de regels en tarieven van 2026)"
    )
    assert en[1].startswith("2028: after 2027 the catalogue has no rules; those of 2027 were")
    assert len(nl) == 2


def test_capacity_by_hand(case: dict) -> None:
    """500 calls a year of 20 minutes over 168 hours a week: one nurse in every hour is enough
    (0.06 and 0.01 Erlang), so the roster is 168 h x 52 = 8,736 hours; the coordinator works
    52 x 7 = 364 hours. FTE: 8,736 / 1,456 = 6 and 364 / 1,456 = 0.25."""
    cap = case["capacity"]
    roles = {r["role"]: r for r in cap["roles"]}
    assert [b["agents"] for b in cap["phone"]["blocks"]] == [1, 1]
    assert roles["palliative_nurse"]["rostered_hours"] == 8736
    assert roles["palliative_nurse"]["fte_needed"] == pytest.approx(6.0)
    assert roles["coordinator"]["fte_needed"] == pytest.approx(0.25)
    assert cap["fte_needed"] == pytest.approx(6.25) and cap["fte_planned"] == pytest.approx(4.5)
    assert cap["shortfall_fte"] == pytest.approx(2.0)
    # cost: 6 x 73,000 + the nights' 84 x 52 = 4,368 on-call hours x EUR 5; 0.25 x 80,000
    cost = {c["role"]: c["cents"] for c in case["years"][0]["cost"]}
    assert cost == {"palliative_nurse": (438_000 + 21_840) * 100, "coordinator": 20_000 * 100}


def test_the_subsidy_ends_with_2026_and_the_gap_grows_by_it(case: dict) -> None:
    y26, y27, _ = case["years"]
    subsidy = [r for r in y26["revenue"] if r["route"] == "pznl_consultation_subsidy"]
    assert [(r["financer_id"], r["cents"]) for r in subsidy] == [("vws", 5_905_500)]
    assert not [r for r in y27["revenue"] if r["route"] == "pznl_consultation_subsidy"]
    assert y27["gap_cents"] - y26["gap_cents"] == 5_905_500


def test_savings_per_insurer_add_up_and_follow_the_insured(case: dict) -> None:
    shares = {p["financer_id"]: Decimal(str(p["share"])) for p in case["patients"]["by_insurer"]}
    y = case["years"][0]
    ins = {
        s["financer_id"]: s["cents"] for s in y["savings"] if s["financer_kind"] == "health_insurer"
    }
    total = sum(ins.values())
    assert total > 0 and set(ins) == set(shares)
    for fid, cents in ins.items():  # largest remainders: within a cent of the exact share
        assert abs(cents - total * shares[fid] / sum(shares.values())) < 1
    assert case["patients"]["reached"] == sum(p["patients"] for p in case["patients"]["by_insurer"])


def test_npv_and_payback_follow_the_years(case: dict) -> None:
    r = Decimal("0.05")
    nets = [y["net_cents"] for y in case["years"]]
    expect = sum(Decimal(n) / (1 + r) ** t for t, n in enumerate(nets))
    assert abs(case["npv_cents"] - expect) <= 3  # each year rounded once
    assert case["payback_years"] == (1 if nets[0] >= 0 else case["payback_years"])


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("role: coordinator, cost", "role: wizard, cost", "roles.1.role: Input should be"),
        (
            "planned_fte: 0.5",
            "planned_fte: -1",
            "roles.1.planned_fte: Input should be greater than or equal to 0",
        ),
        (
            "host: {provider_kind: hospital}",
            "host: {provider_kind: network}",
            "host.provider_kind: provider kind 'network' is no contracting party",
        ),
        (
            "first_year: 2026",
            "first_year: 2019",
            "first_year: 2019 is before the catalogue's first reviewed year 2023",
        ),
        (
            "route: pznl_consultation_subsidy",
            "route: lottery",
            "funding.0.route: unknown route 'lottery'",
        ),
    ],
)
def test_bad_input_exits_2_with_file_line_and_field(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in CASE
    f = _write(tmp_path, CASE.replace(old, new))
    out = str(tmp_path / "o")
    res = CliRunner().invoke(app, ["business-case", str(f), "--out", out, "--lang", "en"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    flat = "".join(res.output.split())
    line = next(i for i, t in enumerate(CASE.replace(old, new).splitlines(), 1) if new in t)
    assert f"{f}:{line}:" in flat and "".join(message.split()) in flat, res.output
    assert not (tmp_path / "o").exists()


def test_the_examples_load(cat) -> None:
    for f in sorted(EXAMPLES.glob("business-case-*.yaml")):
        lc = load_business_case(f, cat)
        assert cat.provider_kinds[lc.bc.host.provider_kind].contracting_party


def test_a_role_named_twice_is_refused(cat, tmp_path: Path) -> None:
    twice = CASE.replace(
        "  - {role: coordinator,",
        "  - {role: palliative_nurse, cost_per_fte_eur: 1, productive_hours_per_fte: 1, placeholder: true, note: x}\n  - {role: coordinator,",
    )
    with pytest.raises(CatalogueError) as e:
        load_business_case(_write(tmp_path, twice), cat)
    assert "a role is given twice" in str(e.value)
    json.dumps([str(i) for i in e.value.issues])


def test_the_engines_json_fills_the_workbook_and_the_report(
    cat, case: dict, tmp_path: Path
) -> None:
    """The engine's own JSON (not a fixture) through both outputs: the summary sheet's NPV and
    the first year's gap are the JSON's, in euros."""
    import openpyxl

    from passend.business_case.report import write_report
    from passend.business_case.workbook import write_workbook

    write_workbook(case, tmp_path / "bc.xlsx", "nl", cat)
    write_report(case, tmp_path / "report.html", "nl", cat)
    rows = [
        [c.value for c in r]
        for r in openpyxl.load_workbook(tmp_path / "bc.xlsx")["Samenvatting"].iter_rows()
    ]
    first = next(r for r in rows if r[0] == case["first_year"])
    assert first[3] == case["years"][0]["gap_cents"] / 100
    key = {r[0]: r[1] for r in rows if r and isinstance(r[0], str)}
    assert (
        key["Netto contante waarde (besparingen plus prestaties min kosten)"]
        == case["npv_cents"] / 100
    )
    assert "DOORGETROKKEN" in (tmp_path / "report.html").read_text(encoding="utf-8").upper()


def test_replicates_give_intervals_of_savings_and_npv(cat, tmp_path: Path) -> None:
    lc = load_business_case(_write(tmp_path), cat)
    bc = build(cat, lc, tmp_path / "work", replicates=2, workers=1)
    iv = bc["intervals"]
    assert iv["interval"] == [0.05, 0.95]
    low, high = iv["npv_cents"]
    assert low <= high
    for y in bc["years"]:
        lo, hi = iv["savings_cents"][str(y["year"])]
        assert lo <= hi
        assert iv["gap_cents"][str(y["year"])] == [y["gap_cents"], y["gap_cents"]]


def test_revenue_of_the_phone_line_by_hand(cat, case: dict) -> None:
    """500 calls of 20 minutes by the palliative nurse: the wegwijzer's title for a palliative
    consultation by that nurse at home pays per hour (1036, gespecialiseerde verpleging):
    500 x 20 / 60 = 166.67 hours x the 2026 tariff, split over the insurers."""
    from passend.wegwijzer.navigator import Query, ask

    answer = ask(
        cat, Query("palliative_consultation", "palliative_nurse", setting="home", year=2026)
    )
    title = next(
        o for o in answer["options"] if o["financer_kind"] == "health_insurer" and o["tariff_cents"]
    )
    assert (title["title_code"], title["unit"]) == ("1036", "hour")
    expect = round(Decimal(500 * 20) / 60 * title["tariff_cents"])
    got = sum(r["cents"] for r in case["years"][0]["revenue"] if r["title_code"] == "1036")
    assert got == expect
