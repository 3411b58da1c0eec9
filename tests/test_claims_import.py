"""Importing claim files: checks, rejects with row and reason, reconciled counts and amounts,
flags above the maximum tariff, pseudonymisation."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

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


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PASSEND_PSEUDONYM")}
    return subprocess.run(
        [sys.executable, "-m", "passend.cli", "claims", "import", *args],
        capture_output=True,
        text=True,
        env={**e, **(env or {})},
        check=False,
    )


def test_csv_import_checks_every_row(tmp_path: Path) -> None:
    f = write(tmp_path / "claims.csv", HEADER, ROWS)
    r = run(str(f), "--format", "csv", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    claims = pq.read_table(tmp_path / "out" / "claims.parquet")
    assert claims["claim_id"].to_pylist() == ["c1", "c2", "c3", "c4"]
    assert claims["above_max_tariff"].to_pylist() == [False, False, True, False]
    assert claims["amount_cents"].to_pylist() == [1243, 10914, 1500, -1243]  # never changed
    assert claims["tariff_cents"].to_pylist()[:2] == [1243, 7276]
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
    assert "gelezen │      9 │ € 411,43" in out
    assert "geaccepteerd │      4 │ € 124,14" in out
    assert "geweigerd │      5 │ € 287,29" in out
    assert "1 regel(s) met een onleesbaar bedrag" in out
    assert "boven het maximumtarief" in out


def test_period_check(tmp_path: Path) -> None:
    f = write(tmp_path / "claims.csv", HEADER, ROWS[:2])
    r = run(str(f), "--format", "csv", "--out", str(tmp_path / "out"), "--year", "2026")
    assert r.returncode == 0
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8") as fh:
        reasons = {x["reason"] for x in csv.DictReader(fh)}
    assert reasons == {"outside the period 2026"}


def test_missing_column_and_unreadable_file_exit_2(tmp_path: Path) -> None:
    f = write(tmp_path / "claims.csv", HEADER[:-1], [row[:-1] for row in ROWS[:1]])
    r = run(str(f), "--format", "csv", "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "missing required column(s) patient_bound" in r.stderr
    bad = tmp_path / "claims.parquet"
    bad.write_bytes(b"PAR1 this is not parquet")
    r = run(str(bad), "--format", "parquet", "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and str(bad) in r.stderr and "Traceback" not in r.stderr


def test_parquet_round_trip_of_declared_claims(tmp_path: Path) -> None:
    def cli(*args: str) -> None:
        r = subprocess.run(
            [sys.executable, "-m", "passend.cli", *args],
            capture_output=True,
            text=True,
            check=False,
        )
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
