"""Calendar years (issue 18, point 3): a line is priced by the rules of its year of service, a
settlement has a contract year, the calendar-year view of a synthetic population, and the
AW319 round trip declare -> export -> import --year -> settle with the same ledger."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from clirun import Ran, passend
from passend.claims.declare import declare, write_declaration
from passend.population.generate import generate
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import ACTIVITIES
from passend.settlement.check import check_ledger
from passend.settlement.contracts import load_contract_set, resolve_contract_set
from passend.settlement.engine import settle, write_settlement
from test_claims_declare import _population, act

D = dt.date


def _dated(pop: Path, dates: list[dt.date]) -> Path:
    """Give the population's activities these dates (one per row, in order)."""
    acts = pq.read_table(pop / "activities.parquet")
    acts = acts.set_column(
        acts.schema.get_field_index("date"), "date", pa.array(dates, pa.date32())
    )
    pq.write_table(acts.cast(ACTIVITIES), pop / "activities.parquet")
    return pop


@pytest.fixture
def two_years(tmp_path: Path) -> Path:
    """Patient p1 (dies 30 June 2025) with a 15-minute GP consult in 2024 and one in 2025:
    both title 12011 (consult 5-20 min), whose tariff is 1151 cents in 2024 and 1243 in 2025
    (gp_care.yaml; no title's tariff differs between 2025 and 2026 in the catalogue)."""
    pop = _population(
        tmp_path / "pop",
        2025,
        [act("consult", "gp", "gp1", 15, "minutes"), act("consult", "gp", "gp1", 15, "minutes")],
    )
    return _dated(pop, [D(2024, 11, 5), D(2025, 2, 3)])


def test_each_line_is_priced_by_its_own_year_of_service(cat, two_years: Path) -> None:
    dec = declare(cat, two_years)
    rows = {r["source_activity_id"]: r for r in dec.claims.to_pylist()}
    # by hand: one consult per line, at the tariff of the line's year
    assert (rows["a01"]["title_code"], rows["a01"]["amount_cents"]) == ("12011", 1151)
    assert (rows["a02"]["title_code"], rows["a02"]["amount_cents"]) == ("12011", 1243)
    assert (rows["a01"]["year"], rows["a02"]["year"]) == (2024, 2025)
    assert (rows["a01"]["tariff_cents"], rows["a02"]["tariff_cents"]) == (1151, 1243)
    assert dec.summary["year"] == 2025  # the population's (meta.json)
    assert dec.summary["claims"]["amount_cents"] == 1151 + 1243
    assert [(r["year"], r["lines"], r["amount_cents"]) for r in dec.summary["by_year"]] == [
        (2024, 1, 1151),
        (2025, 1, 1243),
    ]


def test_care_before_the_catalogues_first_year_has_no_rules(cat, two_years: Path) -> None:
    assert cat.meta.first_year == 2023
    _dated(two_years, [D(2022, 12, 30), D(2025, 2, 3)])
    dec = declare(cat, two_years)
    assert [r["source_activity_id"] for r in dec.claims.to_pylist()] == ["a02"]
    (unf,) = dec.unfunded.to_pylist()
    assert (unf["activity_id"], unf["reason_code"]) == ("a01", "no_rules")
    assert "vóór het eerste jaar van de catalogus" in unf["reason"]
    assert dec.summary["not_claimed"]["gap_rows"] == 0  # not a financing gap
    assert dec.summary["reconciles"]


def test_the_unfunded_schema_documents_every_reason() -> None:
    """Each reason a declaration can give (``included`` and ``no_rules`` too) is named in the
    documentation of ``unfunded.parquet``'s reason_code column."""
    from passend.claims.declare import REASONS
    from passend.claims.tables import UNFUNDED

    doc = UNFUNDED.field("reason_code").metadata[b"doc"].decode()
    assert sorted(r for r in REASONS if r not in doc) == []
    assert len(REASONS) == 6


def test_the_year_comes_from_the_data_and_year_only_checks(cat, two_years: Path) -> None:
    assert declare(cat, two_years, 2025).summary["year"] == 2025
    with pytest.raises(ValueError, match="the population is of 2025, not 2026; leave --year"):
        declare(cat, two_years, 2026)
    # an imported population without meta.json: the year most activities fall in (the later
    # of a tie); --year names one of the years of service
    (two_years / "meta.json").unlink()
    assert declare(cat, two_years).summary["year"] == 2025
    assert declare(cat, two_years, 2024).summary["year"] == 2024
    with pytest.raises(
        ValueError, match=r"no activity falls in 2040 \(years of service: 2024-2025"
    ):
        declare(cat, two_years, 2040)


def _settle(cat, claims: Path, pop: Path | None, out: Path, year: int | None = None):
    ls = load_contract_set(resolve_contract_set("pxq"), cat)
    s = settle(claims, ls, pop, year=year)
    write_settlement(s, out)
    problems, figures = check_ledger(out)
    assert problems == []
    return s, figures


def test_the_contract_year_settles_the_care_delivered_in_it(
    cat, two_years: Path, tmp_path: Path
) -> None:
    write_declaration(declare(cat, two_years), tmp_path / "claims")
    # --year 2025: the 2024 line is reported (count and amount), not settled; money reconciles
    s, figures = _settle(cat, tmp_path / "claims", two_years, tmp_path / "s25", 2025)
    assert s.meta["year"] == 2025
    assert (s.meta["claims_lines"], s.meta["claims_cents"]) == (1, 1243)
    assert s.meta["outside_contract_year"] == {
        "lines": 1,
        "amount_cents": 1151,
        "years": [{"year": 2024, "lines": 1, "amount_cents": 1151}],
    }
    paid = [r for r in s.tables["ledger"].to_pylist() if r["reason"] == "claims"]
    assert [(r["payer_id"], r["payee_id"], r["amount_cents"]) for r in paid] == [
        ("cz", "gp1", 1243)
    ]
    assert (figures["claims_cents"], figures["outside_contract_year_cents"]) == (1243, 1151)
    # --year 2024: the other way round
    s, _ = _settle(cat, tmp_path / "claims", two_years, tmp_path / "s24", 2024)
    assert (s.meta["claims_cents"], s.meta["outside_contract_year"]["amount_cents"]) == (1151, 1243)
    # no --year, a population with a year but no view (imported): its year's care
    s, _ = _settle(cat, tmp_path / "claims", two_years, tmp_path / "meta", None)
    assert (s.meta["year"], s.meta["claims_cents"], s.meta["whole_population"]) == (
        2025,
        1243,
        False,
    )
    # no --year, a deaths-view population (meta.json): its whole last year in its year
    (two_years / "meta.json").write_text('{"year": "2025", "view": "deaths"}', encoding="utf-8")
    s, _ = _settle(cat, tmp_path / "claims", two_years, tmp_path / "all", None)
    assert (s.meta["year"], s.meta["claims_cents"], s.meta["whole_population"]) == (
        2025,
        1151 + 1243,
        True,
    )
    assert s.meta["outside_contract_year"]["lines"] == 0
    # no --year and no population: the year most lines fall in (the later of a tie)
    s, _ = _settle(cat, tmp_path / "claims", None, tmp_path / "nopop", None)
    assert (s.meta["year"], s.meta["claims_cents"]) == (2025, 1243)
    assert s.meta["outside_contract_year"]["lines"] == 1


def test_a_dropped_line_breaks_the_ledger_check(cat, two_years: Path, tmp_path: Path) -> None:
    write_declaration(declare(cat, two_years), tmp_path / "claims")
    _settle(cat, tmp_path / "claims", two_years, tmp_path / "s", 2025)
    meta = json.loads((tmp_path / "s" / "meta.json").read_text(encoding="utf-8"))
    meta["outside_contract_year"]["lines"] = 0  # as if the 2024 line had vanished
    (tmp_path / "s" / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    problems, _ = check_ledger(tmp_path / "s")
    assert any("outside the contract year" in p for p in problems)


def test_the_calendar_view_is_the_care_delivered_in_the_year(cat) -> None:
    ctx = (cat, load_parameters(cat), load_insurers(cat), load_regions(cat))
    deaths = generate(*ctx, "salland", 2026, 7, 0.1)
    cal = generate(*ctx, "salland", 2026, 7, 0.1, view="calendar")
    dates = cal.activities["date"]
    assert pc.min(dates).as_py() >= D(2026, 1, 1) and pc.max(dates).as_py() <= D(2026, 12, 31)
    died = pc.year(cal.patients["death_date"]).to_pylist()
    assert set(died) == {2026, 2027}
    assert (cal.meta["view"], cal.meta["death_years"]) == ("calendar", [2026, 2027])
    assert (deaths.meta["view"], deaths.meta["death_years"]) == ("deaths", [2026])
    # the people who die in 2026 are the deaths view's, with their care dated in 2026
    in_2026 = cal.patients.filter(pc.equal(pc.year(cal.patients["death_date"]), 2026))
    assert set(in_2026["patient_id"].to_pylist()) <= set(deaths.patients["patient_id"].to_pylist())
    d_acts = deaths.activities.filter(
        pc.and_(
            pc.is_in(deaths.activities["patient_id"], value_set=in_2026["patient_id"]),
            pc.equal(pc.year(deaths.activities["date"]), 2026),
        )
    )
    c_acts = cal.activities.filter(
        pc.is_in(cal.activities["patient_id"], value_set=in_2026["patient_id"])
    )
    assert d_acts.num_rows == c_acts.num_rows > 0
    # ids are unique; everyone in the calendar view has care in the year; the team work of the
    # year appears once (the next year's cohort adds none: it is dated in 2027)
    ids = cal.patients["patient_id"]
    assert pc.count_distinct(ids).as_py() == len(ids) == cal.patients.num_rows
    assert set(ids.to_pylist()) == set(pc.drop_null(cal.activities["patient_id"]).to_pylist())
    assert pc.count_distinct(cal.activities["activity_id"]).as_py() == cal.activities.num_rows
    team = pc.invert(cal.activities["patient_bound"])
    d_team = pc.invert(deaths.activities["patient_bound"])
    assert pc.sum(pc.cast(team, pa.int64())).as_py() == pc.sum(pc.cast(d_team, pa.int64())).as_py()
    # in steady state one year's care: about as many rows as the deaths view
    assert abs(cal.activities.num_rows / deaths.activities.num_rows - 1) < 0.05
    with pytest.raises(ValueError, match="unknown view 'cohort'"):
        generate(*ctx, "salland", 2026, 7, 0.1, view="cohort")


def cli(*args: str) -> Ran:
    """The command in this process (tests/clirun.py), with the test's pseudonym key only."""
    env = {"PASSEND_PSEUDONYM_KEY": "test-key"}
    r = passend(*args, env=env, drop=("PASSEND_PSEUDONYM",))
    assert r.returncode == 0, r.stderr
    return r


def _ledger(s) -> list[dict]:
    rows = s.tables["ledger"].to_pylist()
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _round_trip(cat, tmp: Path, view: str, year_on_import: bool) -> tuple[list, list, int]:
    pop, dec, aw, imp = tmp / "pop", tmp / "dec", tmp / "aw", tmp / "imp"
    gen = ("--region", "salland", "--year", "2026", "--seed", "5", "--scale", "0.15")
    cli("population", "generate", *gen, "--view", view, "--out", str(pop))
    cli("claims", "declare", "--population", str(pop), "--out", str(dec))
    cli("claims", "export", "--claims", str(dec), "--population", str(pop), "--out", str(aw))
    extra = ("--year", "2026") if year_on_import else ()
    cli("claims", "import", str(aw), "--format", "aw319", "--out", str(imp), *extra)
    assert not (imp / "rejects.csv").exists()  # every line accepted
    imported = pq.read_table(imp / "claims.parquet")
    # the declared lines that AW319 carries, with the patients as the import pseudonymised them
    declared = pq.read_table(dec / "claims.parquet")
    idx = pc.index_in(declared["claim_id"], value_set=imported["claim_id"])
    subset = declared.filter(pc.is_valid(idx))
    hashed = imported["patient_id"].take(pc.drop_null(idx))
    subset = subset.set_column(subset.schema.get_field_index("patient_id"), "patient_id", hashed)
    (tmp / "sub").mkdir()
    pq.write_table(subset, tmp / "sub" / "claims.parquet")
    a, _ = _settle(cat, tmp / "sub", pop, tmp / "s_declared")
    b, _ = _settle(cat, imp, pop, tmp / "s_imported")
    assert a.meta["outside_contract_year"]["lines"] == b.meta["outside_contract_year"]["lines"]
    return _ledger(a), _ledger(b), imported.num_rows


def test_round_trip_calendar_view_with_the_contract_year(cat, tmp_path: Path) -> None:
    declared, imported, n = _round_trip(cat, tmp_path, "calendar", year_on_import=True)
    assert n > 100 and declared and declared == imported


def test_round_trip_deaths_view_without_year_and_the_message_with_it(cat, tmp_path: Path) -> None:
    declared, imported, n = _round_trip(cat, tmp_path, "deaths", year_on_import=False)
    assert n > 100 and declared and declared == imported
    # with --year 2026 the care of 2025 is refused, and the message says what to do
    r = cli(
        "claims",
        "import",
        str(tmp_path / "aw"),
        "--format",
        "aw319",
        "--out",
        str(tmp_path / "imp26"),
        "--year",
        "2026",
        "--lang",
        "en",
    )
    flat = " ".join(r.stdout.split())
    assert "line(s) dated outside the contract year 2026 refused (2025:" in flat
    assert "import without --year to keep every line" in flat and "--view calendar" in flat


def test_a_contract_year_without_any_line_is_refused(cat, two_years: Path, tmp_path: Path) -> None:
    write_declaration(declare(cat, two_years), tmp_path / "claims")
    ls = load_contract_set(resolve_contract_set("pxq"), cat)
    with pytest.raises(ValueError, match=r"no claim line is dated in the contract year 2030 "):
        settle(tmp_path / "claims", ls, two_years, year=2030)
