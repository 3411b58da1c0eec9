"""passend.i18n: the one set of number formats per language, checked against figures written
out by hand, and the rule that no other module formats numbers or defines the shared labels."""

from __future__ import annotations

import ast
import os
from decimal import Decimal
from pathlib import Path

import pytest

from passend.i18n import (
    BUSINESS_CASE_LABELS,
    LABELS,
    LANGS,
    OUTCOME_LABELS,
    PARTY_LABELS,
    check_lang,
    euros,
    number,
    party,
    percent,
    short,
    thousands,
)

SRC = Path(__file__).parents[1] / "src" / "passend"
M = "\u2212"  # the minus sign


def test_languages() -> None:
    assert LANGS == ("nl", "en")
    assert check_lang("nl") == "nl" and check_lang("en") == "en"
    with pytest.raises(ValueError, match=r"must be one of nl, en, not 'fr'"):
        check_lang("fr")


@pytest.mark.parametrize(
    ("args", "nl", "en"),
    [
        ((0,), "0", "0"),
        ((7,), "7", "7"),
        ((1234567,), "1.234.567", "1,234,567"),
        ((-1234567,), f"{M}1.234.567", f"{M}1,234,567"),
        ((1234.5, 1), "1.234,5", "1,234.5"),
        ((0.394, 3), "0,394", "0.394"),
        ((2.5,), "2", "2"),  # halves to even
        ((3.5,), "4", "4"),
        ((-0.4,), "0", "0"),  # rounds to zero: no minus
        ((-0.04, 1), "0,0", "0.0"),
        ((12.3456, 2, True), "+12,35", "+12.35"),
        ((-1.5, 0, True), f"{M}2", f"{M}2"),
        ((0.0004, 3, True), "0,000", "0.000"),  # zero has no sign
        ((10**18,), "1.000.000.000.000.000.000", "1,000,000,000,000,000,000"),  # exact
        ((Decimal("0.125"), 2), "0,12", "0.12"),
        ((Decimal("0.135"), 2), "0,14", "0.14"),
    ],
)
def test_number(args: tuple, nl: str, en: str) -> None:
    x, *rest = args
    assert number(x, "nl", *rest) == nl
    assert number(x, "en", *rest) == en


@pytest.mark.parametrize(
    ("args", "nl", "en"),
    [
        ((0,), "€ 0,00", "EUR 0.00"),
        ((123456,), "€ 1.234,56", "EUR 1,234.56"),
        ((-123456,), f"{M}€ 1.234,56", f"{M}EUR 1,234.56"),
        ((5,), "€ 0,05", "EUR 0.05"),
        ((-5,), f"{M}€ 0,05", f"{M}EUR 0.05"),
        ((10**15,), "€ 10.000.000.000.000,00", "EUR 10,000,000,000,000.00"),
        ((-7952512, 0), f"{M}€ 79.525", f"{M}EUR 79,525"),  # the business case's NPV
        ((50, 0), "€ 0", "EUR 0"),  # half a euro: to even
        ((150, 0), "€ 2", "EUR 2"),
        ((-250, 0), f"{M}€ 2", f"{M}EUR 2"),
        ((-49, 0), "€ 0", "EUR 0"),  # rounds to zero: no minus
        ((123456, 0, True), "+€ 1.235", "+EUR 1,235"),
        ((0, 0, True), "€ 0", "EUR 0"),
        ((12.5,), "€ 0,12", "EUR 0.12"),  # half a cent: to even
        ((13.5,), "€ 0,14", "EUR 0.14"),
    ],
)
def test_euros(args: tuple, nl: str, en: str) -> None:
    cents, *rest = args
    assert euros(cents, "nl", *rest) == nl
    assert euros(cents, "en", *rest) == en


@pytest.mark.parametrize(
    ("cents", "signed", "nl", "en"),
    [
        (862538600, False, "8.625", "8,625"),
        (862538600, True, "+8.625", "+8,625"),
        (-862538600, True, f"{M}8.625", f"{M}8,625"),
        (0, True, "0", "0"),
        (150_000, False, "2", "2"),  # EUR 1,500: halves to even
        (250_000, False, "2", "2"),
        (350_000, False, "4", "4"),
        (49_999, True, "0", "0"),
        (-50_000, True, "0", "0"),  # EUR -500 -> -0: no sign
        (-100_000, True, f"{M}1", f"{M}1"),
        (123_456_789_000_000, False, "1.234.567.890", "1,234,567,890"),
        (1.5e5, False, "2", "2"),  # a float (a chart's running total)
    ],
)
def test_thousands(cents: int | float, signed: bool, nl: str, en: str) -> None:
    assert thousands(cents, "nl", signed) == nl
    assert thousands(cents, "en", signed) == en


@pytest.mark.parametrize(
    ("args", "nl", "en"),
    [
        ((0.125,), "12,5%", "12.5%"),
        ((0.05, 0, True), "+5%", "+5%"),
        ((-0.05, 0, True), f"{M}5%", f"{M}5%"),
        ((0, 1, True), "0,0%", "0.0%"),
        ((1,), "100,0%", "100.0%"),
        ((0.005, 0), "0%", "0%"),  # 0.5 %: to even
        ((0.015, 0), "2%", "2%"),
        ((12.3456, 0), "1.235%", "1,235%"),
    ],
)
def test_percent(args: tuple, nl: str, en: str) -> None:
    share, *rest = args
    assert percent(share, "nl", *rest) == nl
    assert percent(share, "en", *rest) == en


@pytest.mark.parametrize(
    ("args", "nl", "en"),
    [
        ((0.5,), "0,5", "0.5"),
        ((2.0,), "2", "2"),
        ((3,), "3", "3"),
        ((1.23456,), "1,235", "1.235"),
        ((1.23456, 4), "1,2346", "1.2346"),
        ((1234.5, 2), "1.234,5", "1,234.5"),
        ((-0.1004, 2), f"{M}0,1", f"{M}0.1"),
        ((0.0004,), "0", "0"),
        ((0.25, 3, True), "+0,25", "+0.25"),
    ],
)
def test_short(args: tuple, nl: str, en: str) -> None:
    x, *rest = args
    assert short(x, "nl", *rest) == nl
    assert short(x, "en", *rest) == en


def test_label_tables_have_the_same_keys_in_every_language() -> None:
    for table in (LABELS, PARTY_LABELS, OUTCOME_LABELS, BUSINESS_CASE_LABELS):
        assert set(table) == set(LANGS)
        assert set(table["nl"]) == set(table["en"])
    assert party("government", "nl") == "Rijk (subsidie)" and party("provider", "en") == "Providers"
    assert party("unknown_kind", "nl") == "unknown_kind"  # shown as it is


def _defined(path: Path) -> set[str]:
    """The names a module defines at its top level (functions and assignments)."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def test_formats_and_shared_labels_live_only_in_i18n() -> None:
    """No module but passend.i18n defines a number formatter or a shared label table (by the
    names they had before: the old duplicates)."""
    formatters = {"euros", "thousands", "number", "percent", "short", "num", "eur", "pct", "k"}
    tables = {"LABELS", "GROUP_LABELS", "KIND_LABELS", "PARTY_LABELS", "OUTCOME_LABELS", "WORDS"}
    found = {
        str(p.relative_to(SRC)): sorted(_defined(p) & (formatters | tables))
        for p in SRC.rglob("*.py")
        if p.name != "i18n.py"
    }
    assert {p: names for p, names in found.items() if names} == {}


def _summary(replicates: int) -> dict:
    def outcome(key: str, base: float, inter: float) -> dict:
        d = inter - base
        return {
            f"{key}_per_patient_baseline": {"mean": base},
            f"{key}_per_patient_intervention": {"mean": inter},
            f"{key}_per_patient_delta": {"mean": d, "low": d - 0.0104, "high": d + 0.0104},
        }

    outcomes: dict = {}
    for key, base, inter in (
        ("deaths_home", 0.394, 0.4216),
        ("deaths_preferred", 0.5, 0.5),
        ("deaths_hospital", 0.2, 0.1875),
        ("admissions_last_30d", 1.25, 1.125),
        ("ed_visits_last_30d", 1234.5, 1000.0),
    ):
        outcomes |= outcome(key, base, inter)
    entry = {
        "group": "government",
        "contract_set": "pxq",
        "delta_margin_cents": -123_456_789,
        "delta_money_out_cents": 1,
        "delta_margin_cents_low": -150_000_000,
        "delta_margin_cents_high": 0,
    }
    return {
        "contract_sets": [{"id": "pxq"}],
        "replicates": replicates,
        "wrong_pocket": [entry],
        "outcomes": outcomes,
    }


def _render(tables: list) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    for table in tables:
        console.print(table)
    return console.export_text()


def test_simulate_tables_use_the_language_s_decimal_mark() -> None:
    """The outcomes table says what its rows are and writes 0,394 in Dutch (issue 18)."""
    from passend.cli.simulate import headline_tables

    nl = _render(headline_tables(_summary(2), "nl"))
    en = _render(headline_tables(_summary(2), "en"))
    # deaths at home: 0.4216 - 0.394 = 0.0276, interval 0.0276 -/+ 0.0104
    assert "Overleden thuis" in nl and "0,394" in nl and "0,422" in nl
    assert "+0,028 [+0,017; +0,038]" in nl and "+0.028 [+0.017; +0.038]" in en
    assert "0.394" in en and "0.422" in en and "0,394" not in en
    # ED visits 1,234.5 -> 1,000: thousands separated, the minus sign of the language
    assert "1.234,500" in nl and "1,234.500" in en
    assert f"{M}234,500 [{M}234,510; {M}234,490]" in nl
    assert f" 0,000 [{M}0,010; +0,010]" in nl  # no change: 0,000 without a sign
    head = next(line.split() for line in nl.splitlines() if "Basis" in line)
    assert head[0] == "Uitkomst" and "Outcome" in en
    # the margin table: thousands of euros with the sign of the language
    assert "Rijk (subsidie)" in nl and f"{M}1.235 [{M}1.500; 0]" in nl
    assert f"{M}1,235 [{M}1,500; 0]" in en
