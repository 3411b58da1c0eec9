"""Importing patients and activities: every row accepted or rejected with row, column and
reason; counts reconcile; fatal problems exit 2; identifiers never leak."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from clirun import Ran, passend

# fmt: off
PATIENTS = [
    ["patient_id", "age", "sex", "region", "insurer_id", "trajectory", "wlz", "death_date", "place_of_death", "palliative_marking_date"],
    ["p1", "81", "female", "salland", "eno", "cancer", "false", "2026-03-01", "home", "2025-12-01"],
    ["p2", "77", "male", "salland", "menzis", "organ_failure", "ja", "2026-05-10", "hospital", ""],
    ["p3", "abc", "male", "salland", "vgz", "cancer", "false", "2026-02-30", "home", ""],
    ["p1", "70", "female", "salland", "cz", "other", "false", "2026-01-01", "home", ""],
    ["p5", "90", "x", "salland", "cz", "dementia", "false", "2026-01-01", "attic", ""],
    ["p6", "88", "female", "salland", "cz", "frailty_dementia", "true", "2026-01-01", "nursing_home", "2026-02-01"],
]
# fmt: on
# fmt: off
ACTIVITIES = [
    ["activity_id", "patient_id", "activity", "professional", "specialty", "setting", "provider_id", "date", "quantity", "unit", "patient_bound"],
    ["a1", "p1", "consult", "gp", "", "home", "gp-1", "2026-02-01", "15", "minutes", "true"],
    ["a2", "p2", "hospital_admission", "medical_specialist", "cardiology", "hospital", "h-1", "2026-05-01", "1", "count", "true"],
    ["a3", "", "team_availability", "palliative_nurse", "", "home", "t-1", "2026-01-01", "43800", "minutes", "false"],
    ["a4", "p3", "consult", "gp", "", "home", "gp-1", "2026-01-01", "10", "minutes", "true"],
    ["a5", "", "consult", "gp", "", "home", "gp-1", "2026-01-01", "10", "minutes", "true"],
    ["a6", "p1", "teleport", "gp", "", "home", "gp-1", "2026-01-01", "-3", "hours", "true"],
    ["a1", "p1", "consult", "gp", "", "home", "gp-1", "2026-02-02", "15", "minutes", "true"],
]
# fmt: on


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def run(*args: str, env: dict[str, str] | None = None) -> Ran:
    """``passend population import`` in this process (tests/clirun.py), without a pseudonym
    key unless ``env`` gives one."""
    return passend("population", "import", *args, env=env, drop=("PASSEND_PSEUDONYM",))


def test_rows_are_accepted_or_rejected_with_reasons(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "patients.csv", PATIENTS)
    a = write_csv(tmp_path / "activities.csv", ACTIVITIES)
    r = run("--patients", str(p), "--activities", str(a), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    patients = pq.read_table(tmp_path / "out" / "patients.parquet")
    activities = pq.read_table(tmp_path / "out" / "activities.parquet")
    assert patients["patient_id"].to_pylist() == ["p1", "p2"]
    assert activities["activity_id"].to_pylist() == ["a1", "a2", "a3"]
    assert patients["wlz"].to_pylist() == [False, True]  # "ja" is true
    with (tmp_path / "out" / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    got = {(x["table"], x["row"], x["column"], x["reason"]) for x in rejects}
    expected = {
        ("patients", "3", "age", "not a whole number"),
        ("patients", "3", "death_date", "not a valid calendar date"),
        ("patients", "4", "patient_id", "duplicate id (first occurrence kept)"),
        ("patients", "5", "sex", "unknown sex (female or male)"),
        ("patients", "5", "trajectory", "unknown trajectory"),
        ("patients", "5", "place_of_death", "unknown setting"),
        ("patients", "6", "palliative_marking_date", "marking after death"),
        ("activities", "4", "patient_id", "unknown patient (not among the accepted patients)"),
        ("activities", "5", "patient_id", "patient-bound row without a patient"),
        ("activities", "6", "activity", "unknown activity"),
        ("activities", "6", "quantity", "out of range 0..1000000000"),
        ("activities", "6", "unit", "unknown unit (minutes, days or count)"),
        ("activities", "7", "activity_id", "duplicate id (first occurrence kept)"),
    }
    assert got == expected
    # accepted + rejected = read, per table
    rejected_rows = {(x["table"], x["row"]) for x in rejects}
    assert (
        patients.num_rows + sum(1 for t, _ in rejected_rows if t == "patients") == len(PATIENTS) - 1
    )
    assert (
        activities.num_rows + sum(1 for t, _ in rejected_rows if t == "activities")
        == len(ACTIVITIES) - 1
    )
    assert "gelezen" in r.stdout and "rejects.csv" in r.stdout.replace("\n", "")


def test_generated_population_imports_whole(tmp_path: Path) -> None:
    gen = passend(
        "population",
        "generate",
        "--region",
        "salland",
        "--year",
        "2026",
        "--seed",
        "1",
        "--scale",
        "0.2",
        "--out",
        str(tmp_path / "g"),
    )
    assert gen.returncode == 0, gen.stderr
    r = run(
        "--patients",
        str(tmp_path / "g" / "patients.parquet"),
        "--activities",
        str(tmp_path / "g" / "activities.parquet"),
        "--out",
        str(tmp_path / "i"),
    )
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "i" / "rejects.csv").exists()
    for name in ("patients", "activities"):
        assert pq.read_table(tmp_path / "i" / f"{name}.parquet").equals(
            pq.read_table(tmp_path / "g" / f"{name}.parquet")
        )


def test_missing_column_is_fatal(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "patients.csv", [row[:-3] for row in PATIENTS])
    a = write_csv(tmp_path / "activities.csv", ACTIVITIES)
    r = run("--patients", str(p), "--activities", str(a), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert f"{p}: missing required column(s) death_date, place_of_death" in r.stderr.replace(
        "\n", ""
    )
    assert "Traceback" not in r.stderr


def test_unreadable_file_is_fatal(tmp_path: Path) -> None:
    p = tmp_path / "patients.parquet"
    p.write_bytes(b"not parquet at all")
    a = write_csv(tmp_path / "activities.csv", ACTIVITIES)
    r = run("--patients", str(p), "--activities", str(a), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "unreadable" in r.stderr and "Traceback" not in r.stderr


BSNS = ["123456782", "111222333"]


def _with_identifiers(tmp_path: Path) -> Path:
    rows = [["bsn", "naam", "geboortedatum", "postcode", *PATIENTS[0][1:]]]
    rows.append([BSNS[0], "Jansen", "1944-03-12", "6512 AB", *PATIENTS[1][1:]])
    rows.append([BSNS[1], "de Vries", "1949-11-02", "7411XK", *PATIENTS[2][1:]])
    return write_csv(tmp_path / "patients.csv", rows)


def test_identifiers_without_a_key_are_refused(tmp_path: Path) -> None:
    p = _with_identifiers(tmp_path)
    a = write_csv(tmp_path / "activities.csv", ACTIVITIES[:1])
    r = run("--patients", str(p), "--activities", str(a), "--out", str(tmp_path / "out"))
    assert r.returncode == 2
    assert "PASSEND_PSEUDONYM_KEY" in r.stderr and "bsn" in r.stderr
    for value in [*BSNS, "Jansen", "1944-03-12"]:
        assert value not in r.stderr + r.stdout


def test_identifiers_are_pseudonymised_with_a_key(tmp_path: Path) -> None:
    p = _with_identifiers(tmp_path)
    a = write_csv(tmp_path / "activities.csv", ACTIVITIES[:1])
    r = run(
        "--patients",
        str(p),
        "--activities",
        str(a),
        "--out",
        str(tmp_path / "out"),
        env={"PASSEND_PSEUDONYM_KEY": "test-key"},
    )
    assert r.returncode == 0, r.stderr
    table = pq.read_table(tmp_path / "out" / "patients.parquet")
    ids = table["patient_id"].to_pylist()
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)
    blob = (
        b"".join(f.read_bytes() for f in (tmp_path / "out").iterdir())
        + (r.stdout + r.stderr).encode()
    )
    for value in [*BSNS, "Jansen", "de Vries", "1944-03-12", "6512 AB"]:
        assert value.encode() not in blob
