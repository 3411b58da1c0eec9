"""Wegwijzer cases in the OpenFisca style: a question in (``query``), the expected answer out
(``expect``). Each case names the seed passage its expected answer comes from. The files are
under ``tests/cases/``; the format:

    - name: what is asked
      source: seed file and section the expectation is taken from
      query: {activity, professional, specialty?, setting?, year?, lang?}
      expect:
        eligible: true|false
        options: [codes]            # the exact set of option codes
        options_include: [codes]    # at least these
        options_exclude: [codes]    # none of these
        option: {CODE: {field: value, ...}}   # fields of one option
        caveats_include: [bottleneck ids]     # on an option or in the general caveats
        caveats_exclude: [bottleneck ids]
        caveat: {BOTTLENECK_ID: {field: value, ...}}   # fields of one caveat
        caveat_contains: {BOTTLENECK_ID: [text, ...]}   # substrings of that caveat's text
        routes_include: [route ids]
        routes_exclude: [route ids]
        reason_contains: [text, ...]          # substrings of the reason
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from passend.wegwijzer.navigator import Query, ask

CASES_DIR = Path(__file__).parent / "cases"
EXPECT_KEYS = {
    "eligible",
    "options",
    "options_include",
    "options_exclude",
    "option",
    "caveats_include",
    "caveats_exclude",
    "caveat",
    "caveat_contains",
    "routes_include",
    "routes_exclude",
    "reason_contains",
}


def _load_cases() -> list[Any]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for i, case in enumerate(YAML(typ="safe").load(path.read_text(encoding="utf-8"))):
            cases.append(pytest.param(case, id=f"{path.stem}[{i}] {case['name']}"))
    return cases


CASES = _load_cases()


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_case(cat, case: dict[str, Any]) -> None:
    assert case.get("source"), "every case names the seed passage of its expected answer"
    expect = case["expect"]
    assert set(expect) <= EXPECT_KEYS, f"unknown expect keys {set(expect) - EXPECT_KEYS}"
    q = dict(case["query"])
    lang = q.pop("lang", "nl")
    answer = ask(cat, Query(**q), lang=lang)
    codes = [o["title_code"] for o in answer["options"]]
    by_code = {o["title_code"]: o for o in answer["options"]}
    caveat_ids = {c["bottleneck_id"] for c in answer["caveats"]} | {
        c["bottleneck_id"] for o in answer["options"] for c in o["caveats"]
    }
    route_ids = {r["route_id"] for r in answer["routes"]}
    all_caveats = answer["caveats"] + [c for o in answer["options"] for c in o["caveats"]]

    if "eligible" in expect:
        assert answer["eligible"] is expect["eligible"], answer["reason"]
        assert (answer["reason"] is None) is expect["eligible"]
    if "options" in expect:
        assert sorted(codes) == sorted(expect["options"])
    for code in expect.get("options_include", []):
        assert code in codes, f"{code} missing from {codes}"
    for code in expect.get("options_exclude", []):
        assert code not in codes, f"{code} should not be an option"
    for code, fields in expect.get("option", {}).items():
        assert code in by_code, f"{code} missing from {codes}"
        for field, value in fields.items():
            assert by_code[code][field] == value, f"{code}.{field}"
    for bid in expect.get("caveats_include", []):
        assert bid in caveat_ids, f"caveat {bid} missing from {sorted(caveat_ids)}"
    for bid in expect.get("caveats_exclude", []):
        assert bid not in caveat_ids, f"caveat {bid} should not apply"
    for bid, fields in expect.get("caveat", {}).items():
        matching = [c for c in all_caveats if c["bottleneck_id"] == bid]
        assert matching, f"caveat {bid} missing"
        for field, value in fields.items():
            assert all(c[field] == value for c in matching), f"{bid}.{field}"
    for bid, texts in expect.get("caveat_contains", {}).items():
        matching = [c for c in all_caveats if c["bottleneck_id"] == bid]
        assert matching, f"caveat {bid} missing"
        for text in texts:
            assert all(text in c["text"] for c in matching), f"{bid}: {text!r} not in text"
    for rid in expect.get("routes_include", []):
        assert rid in route_ids, f"route {rid} missing from {sorted(route_ids)}"
    for rid in expect.get("routes_exclude", []):
        assert rid not in route_ids, f"route {rid} should not apply"
    for text in expect.get("reason_contains", []):
        assert text in (answer["reason"] or ""), answer["reason"]
