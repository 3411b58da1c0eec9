"""Claims to Vektis AW319 and back: the round trip, bad records, the closing record, and BSNs
that never reach an output."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from clirun import Ran, passend
from passend.claims.vektis import synthetic_bsn
from passend.claims.vektis.aw319 import bsn_valid, read_aw319


def cli(*args: str, key: str | None = "test-key") -> Ran:
    """The command in this process (tests/clirun.py), with ``key`` as the only pseudonym key."""
    env = {"PASSEND_PSEUDONYM_KEY": key} if key else {}
    return passend(*args, env=env, drop=("PASSEND_PSEUDONYM",))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("aw319")
    for args in (
        (
            "population",
            "generate",
            "--region",
            "salland",
            "--year",
            "2026",
            "--seed",
            "5",
            "--scale",
            "0.15",
            "--out",
            str(tmp / "pop"),
        ),
        ("claims", "declare", "--population", str(tmp / "pop"), "--out", str(tmp / "dec")),
        (
            "claims",
            "export",
            "--claims",
            str(tmp / "dec"),
            "--population",
            str(tmp / "pop"),
            "--out",
            str(tmp / "aw"),
        ),
    ):
        r = cli(*args)
        assert r.returncode == 0, r.stderr
    return tmp


def test_round_trip_gives_the_same_claims(exported: Path) -> None:
    r = cli(
        "claims",
        "import",
        str(exported / "aw"),
        "--format",
        "aw319",
        "--out",
        str(exported / "imp"),
    )
    assert r.returncode == 0, r.stderr
    declared = pq.read_table(exported / "dec" / "claims.parquet")
    imported = pq.read_table(exported / "imp" / "claims.parquet").sort_by("claim_id")
    in_scope = declared.filter(
        pc.is_in(declared["claim_id"], value_set=imported["claim_id"])
    ).sort_by("claim_id")
    assert imported.num_rows == in_scope.num_rows > 100
    assert set(in_scope["sector"].to_pylist()) <= {"district_nursing", "elv", "long_term_care"}
    for col in (
        "claim_id",
        "provider_id",
        "financer_id",
        "financer_kind",
        "law",
        "title_code",
        "sector",
        "service_date",
        "quantity",
        "unit",
        "amount_cents",
        "patient_bound",
    ):
        assert imported[col].equals(in_scope[col]), col
    # patients come back as keyed hashes: one-to-one with the originals
    pairs = set(
        zip(in_scope["patient_id"].to_pylist(), imported["patient_id"].to_pylist(), strict=True)
    )
    assert len({a for a, _ in pairs}) == len({b for _, b in pairs}) == len(pairs)
    assert not (exported / "imp" / "rejects.csv").exists()
    # the code-list indicator (0416) is kept as information; declared claims have none
    assert set(imported["code_list"].to_pylist()) == {"999"}
    assert declared["code_list"].null_count == declared.num_rows


def test_one_file_per_provider_financer_and_month(exported: Path) -> None:
    files = sorted((exported / "aw").glob("*.asc"))
    aw = read_aw319(files[0])
    assert aw.records.num_rows >= 1 and not aw.closing_issues
    assert len({d.strftime("%Y%m") for d in aw.records["begin_date"].to_pylist()}) == 1
    assert len(set(aw.records["uzovi"].to_pylist())) == 1
    assert len(set(aw.records["instelling_agb"].to_pylist())) == 1


def test_bad_record_is_rejected_on_its_own(exported: Path, tmp_path: Path) -> None:
    src = max((exported / "aw").glob("*.asc"), key=lambda p: p.stat().st_size)
    lines = src.read_bytes().decode("latin-1").split("\r\n")
    prestaties = [i for i, line in enumerate(lines) if line.startswith("04")]
    bad = prestaties[0]
    # field 0414 BEGINDATUM PRESTATIE, positions 106-113: 13th month
    lines[bad] = lines[bad][:105] + "20261340" + lines[bad][113:]
    target = tmp_path / src.name
    target.write_bytes("\r\n".join(lines).encode("latin-1"))
    r = cli("claims", "import", str(target), "--format", "aw319", "--out", str(tmp_path / "imp"))
    assert r.returncode == 0, r.stderr
    with (tmp_path / "imp" / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert {x["row"] for x in rejects} == {str(bad + 1)}
    assert any("0414" in x["column"] for x in rejects)
    accepted = pq.read_table(tmp_path / "imp" / "claims.parquet").num_rows
    assert accepted == len(prestaties) - 1
    assert re.search(rf"gelezen +{len(prestaties)} ", r.stdout)
    assert re.search(r"geweigerd +1 ", r.stdout)
    # money: accepted + rejected = the file's own total (closing record 9907)
    closing = next(line for line in lines if line.startswith("99"))
    file_total = int(closing[33:44]) * (-1 if closing[44] == "C" else 1)
    accepted_cents = sum(
        pq.read_table(tmp_path / "imp" / "claims.parquet")["amount_cents"].to_pylist()
    )
    bad_amount = int(lines[bad][185:193]) * (-1 if lines[bad][193] == "C" else 1)  # 0429, 0430
    assert accepted_cents + bad_amount == file_total


def test_a_file_without_any_good_prestatierecord_is_all_rejects(
    exported: Path, tmp_path: Path
) -> None:
    src = max((exported / "aw").glob("*.asc"), key=lambda p: p.stat().st_size)
    lines = src.read_bytes().decode("latin-1").split("\r\n")
    n = sum(line.startswith("04") for line in lines)
    lines = ["77" + line[2:] if line.startswith("04") else line for line in lines]
    target = tmp_path / src.name
    target.write_bytes("\r\n".join(lines).encode("latin-1"))
    r = cli("claims", "import", str(target), "--format", "aw319", "--out", str(tmp_path / "imp"))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert pq.read_table(tmp_path / "imp" / "claims.parquet").num_rows == 0
    with (tmp_path / "imp" / "rejects.csv").open(encoding="utf-8") as fh:
        assert len({x["row"] for x in csv.DictReader(fh)}) == n


def test_closing_record_mismatch_is_reported(exported: Path, tmp_path: Path) -> None:
    src = sorted((exported / "aw").glob("*.asc"))[0]
    lines = src.read_bytes().decode("latin-1").split("\r\n")
    i = next(k for k, line in enumerate(lines) if line.startswith("99"))
    lines[i] = lines[i][:2] + "999999" + lines[i][8:]  # wrong number of insured persons
    target = tmp_path / src.name
    target.write_bytes("\r\n".join(lines).encode("latin-1"))
    r = cli("claims", "import", str(target), "--format", "aw319", "--out", str(tmp_path / "imp"))
    assert r.returncode == 0, r.stderr
    assert "let op" in r.stdout


def test_aw319_without_a_key_is_refused_and_bsns_never_leak(exported: Path, tmp_path: Path) -> None:
    bsns = set()
    for f in (exported / "aw").glob("*.asc"):
        bsns |= set(read_aw319(f).records["bsn"].to_pylist())
    refused = cli(
        "claims",
        "import",
        str(exported / "aw"),
        "--format",
        "aw319",
        "--out",
        str(tmp_path / "x"),
        key=None,
    )
    assert refused.returncode == 2 and "PASSEND_PSEUDONYM_KEY" in refused.stderr
    ok = cli(
        "claims", "import", str(exported / "aw"), "--format", "aw319", "--out", str(tmp_path / "y")
    )
    blob = b"".join(p.read_bytes() for p in (tmp_path / "y").iterdir())
    blob += (refused.stdout + refused.stderr + ok.stdout + ok.stderr).encode()
    assert bsns and not any(b.encode() in blob for b in bsns)


def test_synthetic_bsns_pass_the_eleven_test_and_are_stable() -> None:
    import pyarrow as pa

    ids = pa.array([f"r-P{i:07d}" for i in range(2000)] + ["r-P0000001"])
    out = synthetic_bsn(ids)
    assert pc.all(bsn_valid(out)).as_py()
    assert out[1].as_py() == out[2000].as_py()
    assert len(set(out.to_pylist())) == 2000
