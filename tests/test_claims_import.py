"""Importing claim files: checks, rejects with row and reason, reconciled counts and amounts,
flags above the maximum tariff, pseudonymisation."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clirun import Ran, passend
from passend.claims.importer import ClaimsValidation, import_claims, validate_claims
from passend.claims.tables import CLAIMS
from passend.validation import Checker, read_any

# fmt: off
HEADER = [
    "claim_id",
    "patient_id",
    "provider_id",
    "financer_id",
    "law",
    "title_code",
    "activity",
    "professional",
    "setting",
    "service_date",
    "quantity",
    "unit",
    "amount_cents",
    "patient_bound",
]
# fmt: on
# fmt: off
ROWS = [
    ["c1", "p1", "gp1", "cz", "zvw", "12011", "consult", "gp", "home", "2025-03-01", "15", "minutes", "1243", "true"],
    ["c2", "p1", "wv1", "cz", "zvw", "1034", "nursing", "district_nurse", "home", "2025-03-02", "90", "minutes", "10914", "true"],
    ["c3", "p1", "gp1", "cz", "zvw", "12011", "consult", "gp", "home", "2025-03-03", "15", "minutes", "1500", "true"],  # above max 1243: flagged
    ["c4", "p1", "gp1", "cz", "zvw", "12011", "consult", "gp", "home", "2025-03-03", "15", "minutes", "-1243", "true"],  # credit line
    ["c1", "p1", "gp1", "cz", "zvw", "12011", "consult", "gp", "home", "2025-03-04", "15", "minutes", "1243", "true"],  # duplicate id
    ["c6", "p1", "h1", "cz", "zvw", "MSZ-OZP-PZP", "advance_care_planning", "medical_specialist", "hospital", "2024-05-01", "1", "count", "25000", "true"],  # not valid in 2024
    ["c7", "", "gp1", "cz", "zvw", "12011", "consult", "gp", "home", "2025-03-05", "15", "minutes", "1243", "true"],  # no patient
    ["c8", "p1", "gp1", "cz", "wlz", "12011", "consult", "gp", "home", "2025-03-06", "15", "minutes", "1243", "true"],  # wrong law
    ["c9", "p1", "gp1", "cz", "zvw", "99999", "consult", "gp", "home", "2025-13-01", "x", "minutes", "12,43", "true"],  # code, date, qty, amount
]
# fmt: on


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def run(*args: str, env: dict[str, str] | None = None) -> Ran:
    """``passend claims import`` in this process (tests/clirun.py), without a pseudonym key
    unless ``env`` gives one."""
    return passend("claims", "import", *args, env=env, drop=("PASSEND_PSEUDONYM",))


def test_csv_import_checks_every_row(tmp_path: Path) -> None:
    f = write(tmp_path / "claims.csv", HEADER, ROWS)
    r = run(str(f), "--format", "csv", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    claims = pq.read_table(tmp_path / "out" / "claims.parquet")
    assert claims["claim_id"].to_pylist() == ["c1", "c2", "c3", "c4"]
    assert claims["above_max_tariff"].to_pylist() == [False, False, True, False]
    assert claims["amount_cents"].to_pylist() == [1243, 10914, 1500, -1243]  # never changed
    assert claims["tariff_cents"].to_pylist()[:2] == [1243, 8835]  # 1034: 2024 tariff carried
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8") as fh:
        got = {(x["row"], x["column"], x["reason"]) for x in csv.DictReader(fh)}
    assert got == {
        ("5", "claim_id", "duplicate id (first occurrence kept)"),
        ("6", "title_code", "title not valid in the year of service"),
        ("7", "patient_id", "patient-bound row without a patient"),
        ("8", "law", "does not match the title's law"),
        ("9", "title_code", "unknown title code"),
        ("9", "service_date", "not a valid calendar date"),
        ("9", "quantity", "not a whole number"),
        ("9", "amount_cents", "not a whole number"),
    }
    # counts and money reconcile: read = accepted + rejected; total = accepted + rejected amounts
    out = r.stdout.replace("\u00a0", " ")
    readable = [1243, 10914, 1500, -1243, 1243, 25000, 1243, 1243]  # row 9's amount is unreadable
    accepted = 1243 + 10914 + 1500 - 1243
    assert sum(claims["amount_cents"].to_pylist()) == accepted == 12414
    assert sum(readable) == 41143
    assert re.search(r"gelezen +9 +€ 411,43", out)
    assert re.search(r"geaccepteerd +4 +€ 124,14", out)
    assert re.search(r"geweigerd +5 +€ 287,29", out)
    assert "1 regel(s) met een onleesbaar bedrag" in out
    assert "boven het maximumtarief" in out


def test_numbers_too_large_for_int64_are_rejected_rows_not_a_crash(tmp_path: Path) -> None:
    big = list(ROWS[0])
    big[0], big[10], big[12] = "big", "99999999999999999999", "-99999999999999999999"
    f = write(tmp_path / "claims.csv", HEADER, [ROWS[0], big])
    r = run(str(f), "--format", "csv", "--out", str(tmp_path / "out"))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert pq.read_table(tmp_path / "out" / "claims.parquet")["claim_id"].to_pylist() == ["c1"]
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8") as fh:
        got = {(x["row"], x["column"], x["reason"]) for x in csv.DictReader(fh)}
    assert got == {
        ("2", "quantity", "out of range 0..1000000000"),
        ("2", "amount_cents", "out of range -10000000000000..10000000000000"),
    }
    assert "1 regel(s) met een onleesbaar bedrag" in r.stdout


def test_period_check(tmp_path: Path) -> None:
    f = write(tmp_path / "claims.csv", HEADER, ROWS[:2])
    r = run(str(f), "--format", "csv", "--out", str(tmp_path / "out"), "--year", "2026")
    assert r.returncode == 0
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8") as fh:
        reasons = {x["reason"] for x in csv.DictReader(fh)}
    assert reasons == {"outside the contract year 2026 (import without --year to keep it)"}
    # the summary says how many lines of which year, and what to do: Dutch by default
    flat = " ".join(r.stdout.split())
    assert "regel(s) buiten contractjaar 2026 geweigerd" in flat
    assert "importeer zonder --year" in flat and "--view calendar" in flat
    args = (str(f), "--format", "csv", "--out", str(tmp_path / "en"), "--year", "2026")
    flat = " ".join(run(*args, "--lang", "en").stdout.split())
    assert "line(s) dated outside the contract year 2026 refused" in flat
    assert "import without --year" in flat and "--view calendar" in flat


def test_missing_column_and_unreadable_file_exit_2(tmp_path: Path) -> None:
    # patient_bound (like activity, professional, setting, law and unit) follows from the title
    # when a file lacks it (tests/test_own_data.py); the amount never does
    f = write(tmp_path / "claims.csv", HEADER[:-2], [row[:-2] for row in ROWS[:1]])
    r = run(str(f), "--format", "csv", "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "missing required column(s) amount_cents" in r.stderr
    bad = tmp_path / "claims.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    r = run(str(bad), "--format", "parquet", "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and str(bad) in r.stderr and "Traceback" not in r.stderr


def test_parquet_round_trip_of_declared_claims(tmp_path: Path) -> None:
    def cli(*args: str) -> None:
        r = passend(*args)
        assert r.returncode == 0, r.stderr

    cli(
        "population",
        "generate",
        "--region",
        "salland",
        "--year",
        "2026",
        "--seed",
        "2",
        "--scale",
        "0.2",
        "--out",
        str(tmp_path / "pop"),
    )
    cli("claims", "declare", "--population", str(tmp_path / "pop"), "--out", str(tmp_path / "dec"))
    r = run(
        str(tmp_path / "dec" / "claims.parquet"),
        "--format",
        "parquet",
        "--out",
        str(tmp_path / "imp"),
    )
    assert r.returncode == 0, r.stderr
    declared = pq.read_table(tmp_path / "dec" / "claims.parquet")
    imported = pq.read_table(tmp_path / "imp" / "claims.parquet")
    assert not (tmp_path / "imp" / "rejects.csv").exists()
    # the declaration prices a population year at one year's rules; an import looks up each line
    # in the year of its service date, so tariff, placeholder flag and year may differ
    derived = ("source_activity_id", "year", "tariff_cents", "tariff_placeholder")
    same = [c for c in declared.column_names if c not in derived]
    assert imported.select(same).equals(declared.select(same))
    assert imported["year"].to_pylist() == [d.year for d in declared["service_date"].to_pylist()]


BSNS = ["123456782", "111222333", "999999990"]


def test_identifiers_are_pseudonymised_or_refused(tmp_path: Path) -> None:
    header = ["bsn", "naam", *HEADER[:1], *HEADER[2:]]
    rows = [[BSNS[i], "Jansen", *row[:1], *row[2:]] for i, row in enumerate(ROWS[:3])]
    f = write(tmp_path / "claims.csv", header, rows)
    refused = run(str(f), "--format", "csv", "--out", str(tmp_path / "o1"))
    assert refused.returncode == 2 and "PASSEND_PSEUDONYM_KEY" in refused.stderr
    ok = run(
        str(f), "--format", "csv", "--out", str(tmp_path / "o2"), env={"PASSEND_PSEUDONYM_KEY": "k"}
    )
    assert ok.returncode == 0, ok.stderr
    claims = pq.read_table(tmp_path / "o2" / "claims.parquet")
    assert len(set(claims["patient_id"].to_pylist())) == 3 and "naam" not in claims.column_names
    blob = b"".join(p.read_bytes() for p in (tmp_path / "o2").iterdir())
    blob += (refused.stdout + refused.stderr + ok.stdout + ok.stderr).encode()
    for value in [*BSNS, "Jansen"]:
        assert value.encode() not in blob


def typed(rows: list[list[str]]) -> pa.Table:
    """ROWS as a typed Parquet-like table: dates, whole numbers and booleans typed, the text
    columns dictionary-encoded (as an import reads them); an unreadable value becomes null."""

    def num(v: str) -> int | None:
        return int(v) if v.lstrip("-").isdigit() else None

    def day(v: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None

    cols = {h: [r[i] for r in rows] for i, h in enumerate(HEADER)}
    out = {h: pa.array(v).dictionary_encode() for h, v in cols.items()}
    out["claim_id"] = pa.array(cols["claim_id"])
    out["service_date"] = pa.array([day(v) for v in cols["service_date"]], pa.date32())
    out["quantity"] = pa.array([num(v) for v in cols["quantity"]], pa.int64())
    out["amount_cents"] = pa.array([num(v) for v in cols["amount_cents"]], pa.int64())
    out["patient_bound"] = pa.array([v == "true" for v in cols["patient_bound"]])
    return pa.table(out)


def plain(claims: pa.Table) -> list[dict]:
    return claims.cast(CLAIMS).to_pylist()


def sorted_rejects(rejects: pa.Table) -> list[tuple]:
    """(row, column, value, reason); an empty value and a missing one (CSV) alike."""
    cols = [rejects[c].to_pylist() for c in ("row", "column", "value", "reason")]
    return sorted((r, c, v or "", why) for r, c, v, why in zip(*cols, strict=True))


def test_typed_parquet_rows_are_checked_as_the_csv_rows(tmp_path: Path, cat) -> None:
    f = write(tmp_path / "claims.csv", HEADER, ROWS[:8])
    from_csv = validate_claims(cat, read_any(f), None, str(f))
    from_parquet = validate_claims(cat, typed(ROWS[:8]), None, "claims.parquet")
    assert plain(from_parquet[0]) == plain(from_csv[0])
    assert [r["claim_id"] for r in plain(from_parquet[0])] == ["c1", "c2", "c3", "c4"]
    assert sorted_rejects(from_parquet[1]) == sorted_rejects(from_csv[1])
    assert from_parquet[2] == from_csv[2]
    assert (from_parquet[2].read, from_parquet[2].accepted, from_parquet[2].rejected) == (8, 4, 4)


def test_checking_in_parts_gives_what_checking_at_once_gives(cat) -> None:
    # duplicates across parts, blanks, a refused row in every part, an unreadable amount
    rows = [*ROWS, ["c10", *ROWS[1][1:]]]
    rows[8] = [*ROWS[8][:12], "", "true"]  # row 9: unknown code, bad date, and no amount at all
    rows.append(["c11", " ", *ROWS[1][2:]])  # a patient of spaces only: refused, no patient
    rows.append(["c12", "", *ROWS[1][2:13], "false"])  # not patient-bound, patient empty
    raw = typed(rows)
    whole = ClaimsValidation(cat, raw, 2025, "claims.parquet")
    at_once = pa.concat_tables(list(whole.parts()))
    for size in (1, 2, 3, 5):
        v = ClaimsValidation(cat, raw, 2025, "claims.parquet")
        parts = list(v.parts(size))
        assert len(parts) == -(-raw.num_rows // size)
        assert plain(pa.concat_tables([p.cast(CLAIMS) for p in parts])) == plain(at_once)
        assert sorted_rejects(v.rejects()) == sorted_rejects(whole.rejects())
        assert v.result() == whole.result()
    r = whole.result()
    assert r.read == r.accepted + r.rejected == 12
    assert r.unreadable_amounts == 1 and r.flagged_above_max == 1
    assert r.total_cents == r.accepted_cents + r.rejected_cents
    assert r.accepted_cents == 1243 + 10914 + 1500 - 1243 + 10914 + 10914
    got = plain(at_once)
    assert [c["claim_id"] for c in got] == ["c1", "c2", "c3", "c4", "c10", "c12"]
    assert got[-1]["patient_id"] is None and got[-1]["patient_bound"] is False
    assert ("5", "claim_id") in {(str(r), c) for r, c, _, _ in sorted_rejects(whole.rejects())}


def test_unique_finds_repeats_in_order_or_not() -> None:
    for values, repeated in (
        (["a", "b", "c"], []),
        (["a", "b", "b", "c"], [3]),
        (["b", "a", "b"], [3]),
        ([1, 2, 2], [3]),
        ([3, 1, 2], []),
    ):
        ck = Checker(pa.table({"id": values}), "t")
        ck.unique("id")
        rows = sorted(r for t in ck.rejects for r in t["row"].to_pylist())
        assert rows == repeated, values


def test_parquet_import_writes_the_same_bytes_and_the_claims_schema(tmp_path: Path, cat) -> None:
    src = tmp_path / "in.parquet"
    pq.write_table(typed(ROWS[:8]), src, row_group_size=3)  # dictionary pages, several groups
    a = import_claims(cat, src, "parquet", tmp_path / "a")
    b = import_claims(cat, src, "parquet", tmp_path / "b")
    assert a == b and (a.read, a.accepted) == (8, 4)
    out = (tmp_path / "a" / "claims.parquet").read_bytes()
    assert out == (tmp_path / "b" / "claims.parquet").read_bytes()
    claims = pq.read_table(tmp_path / "a" / "claims.parquet")
    assert claims.schema.equals(CLAIMS, check_metadata=True)  # plain text, docs, nullability
    assert claims["sector"].to_pylist() == ["gp_care", "district_nursing", "gp_care", "gp_care"]
    assert claims["amount_cents"].to_pylist() == [1243, 10914, 1500, -1243]


def test_code_list_is_kept_as_information(tmp_path: Path, cat) -> None:
    f = write(
        tmp_path / "claims.csv",
        [*HEADER, "code_list"],
        [[*ROWS[0], "045"], [*ROWS[1], ""], [*ROWS[2], "not a code list"]],
    )
    claims, rejects, r = validate_claims(cat, read_any(f), None, str(f))
    assert r.accepted == 3 and rejects.num_rows == 0  # never a reason to refuse
    assert claims.cast(CLAIMS)["code_list"].to_pylist() == ["045", None, "not a code list"]
    without = validate_claims(cat, typed(ROWS[:2]), None, "claims.parquet")[0]
    assert without.cast(CLAIMS)["code_list"].to_pylist() == [None, None]
