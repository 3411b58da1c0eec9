"""Vektis ZH308 v9.0 (hospital claims): layout, a file written and read back, per-record rejects,
the sluitrecord's totals, BSNs pseudonymised, and claims import/export --format zh308.

Positions are typed in from the standard (ZH308v9.0_fields.txt), not taken from the module."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from clirun import Ran, passend
from passend.claims.vektis.fixedwidth import HIDDEN
from passend.claims.vektis.zh308 import (
    LAYOUT,
    RECORD_LENGTH,
    WRITE_COLUMNS,
    Zh308Error,
    read_zh308,
    write_zh308,
)

D = dt.date
BSN = ["111222333", "123456782"]  # pass the 11-test (checked in sample())


def elfproef(bsn: str) -> bool:
    d = [int(c) for c in bsn]
    return sum(w * x for w, x in zip(range(9, 1, -1), d[:8], strict=True)) % 11 == d[8]


def row(bsn, ref, code, begin, quantity, tariff, amount, **kw) -> dict:
    base = {
        "file_key": "zkh-2026-03",
        "invoice_number": "ZH-26-0003",
        "period_start": D(2026, 3, 1),
        "period_end": D(2026, 3, 31),
        "invoice_date": D(2026, 4, 2),
        "uzovi": "3311",
        "instelling_agb": "06010001",
        "bsn": bsn,
        "birth_date": {BSN[0]: D(1941, 5, 6), BSN[1]: D(1950, 1, 31)}[bsn],
        "sex": "2" if bsn == BSN[0] else "1",
        "deceased": bsn == BSN[0],
        "prestatiecode": code,
        "codelist": "041",
        "begin_date": begin,
        "end_date": begin,
        "quantity": quantity,
        "tariff_cents": tariff,
        "declared_cents": amount,
        "reference": ref,
    }
    return base | kw


def sample() -> pa.Table:
    """Three prestaties of two persons; two equal ones (code and date) of the first person get
    volgnummers 01 and 02; one is a credit."""
    assert all(elfproef(b) for b in BSN)
    return pa.Table.from_pylist(
        [
            row(BSN[0], "ZH-0001", "P9801", D(2026, 3, 4), 1, 120000, 120000),
            row(BSN[1], "ZH-0002", "P9806", D(2026, 3, 9), 3, 758333, 2274999),
            row(BSN[0], "ZH-0003", "P9804", D(2026, 3, 4), 1, 35000, 35000),
            row(BSN[0], "ZH-0004", "P9801", D(2026, 3, 4), 1, 120000, -120000),
        ],
        schema=pa.schema(WRITE_COLUMNS.items()),
    )


def test_layout_is_610_wide_and_matches_the_standard():
    assert set(LAYOUT) == {"01", "02", "04", "06", "16", "98", "99"}
    for fields in LAYOUT.values():
        assert fields[0].start == 1 and fields[-1].end == RECORD_LENGTH == 610
    by = {f.number: f for fs in LAYOUT.values() for f in fs}
    assert (by["0410"].start, by["0410"].end, by["0410"].type) == (70, 75, "AN")
    assert (by["0411"].start, by["0411"].end, by["0411"].pattern) == (76, 83, "EEJJMMDD")
    assert (by["0620"].start, by["0620"].end) == (107, 114)
    assert (by["0440"].start, by["0440"].end) == (242, 249)
    assert (by["9909"].start, by["9909"].end) == (46, 56)


def test_written_and_read_back(tmp_path):
    (path,) = write_zh308(sample(), tmp_path)
    assert path.name == "zkh-2026-03.zh308"
    lines = _lines(path)
    # 01, person 1 (02 + 3 x 04/06), person 2 (02 + 04/06), 99
    assert [x[:2] for x in lines] == ["01", "02", *["04", "06"] * 3, "02", "04", "06", "99"]
    assert all(len(x) == 610 for x in lines)
    assert lines[0][2:5] == "101" and lines[0][54:62] == "06010001"  # 0102, 0112
    # 0413 volgnummer (positions 92-93): the two P9801 lines of 4 March are 01 and 02
    p9801 = [x for x in lines if x.startswith("04") and x[69:75] == "P9801 "]
    assert [x[91:93] for x in p9801] == ["01", "02"]
    # 06: 0614 tariff (79-86), 0615 100 % (87-91), 0620/0621 amount (107-115)
    credit = lines[7]
    assert credit[78:86] == "00120000" and credit[86:91] == "10000"
    assert credit[106:115] == "00120000C"
    # sluitrecord, by hand: 2 persons, 4 prestaties, 4 tariefrecords, 2 + 8 detail records,
    # 120000 + 2274999 + 35000 - 120000 = 2309999 cents
    closing = lines[-1]
    assert closing[2:8] == "000002" and closing[14:20] == "000004" and closing[20:26] == "000004"
    assert closing[38:45] == "0000010" and closing[45:57] == "00002309999D"

    got = read_zh308(path)
    assert got.rejects.num_rows == 0 and got.closing_issues == []
    r = got.records.sort_by("reference")
    want = sample().sort_by("reference")
    for col in ("bsn", "prestatiecode", "begin_date", "quantity", "tariff_cents", "uzovi"):
        assert r[col].equals(want[col]), col
    assert r["declared_cents"].to_pylist() == [120000, 2274999, 35000, -120000]
    assert r["instelling_agb"].to_pylist() == ["06010001"] * 4
    assert r["tariff_records"].to_pylist() == [1, 1, 1, 1]


def _lines(path: Path) -> list[str]:
    """The records of a file (every line ends in CRLF)."""
    text = path.read_bytes().decode("latin-1")
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def _rewrite(path: Path, edit) -> list[str]:
    lines = _lines(path)
    edit(lines)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return lines


def _rejects(path: Path) -> list[tuple]:
    rej = read_zh308(path).rejects
    return list(
        zip(
            rej["file_key"].to_pylist(),
            rej["record_number"].to_pylist(),
            rej["field"].to_pylist(),
            rej["value"].to_pylist(),
            rej["reason"].to_pylist(),
            strict=True,
        )
    )


def test_a_bad_date_rejects_the_prestatie_and_its_tariefrecord(tmp_path):
    (path,) = write_zh308(sample(), tmp_path)
    # line 3 is the first 04; 0411 BEGINDATUM PRESTATIE at 76-83: 31 February
    _rewrite(path, lambda ls: ls.__setitem__(2, ls[2][:75] + "20260231" + ls[2][83:]))
    f = read_zh308(path)
    assert _rejects(path) == [
        ("zkh-2026-03", 3, "0411 BEGINDATUM PRESTATIE", "20260231", "not a valid date (EEJJMMDD)"),
        ("zkh-2026-03", 4, "prestatierecord", "3", "its prestatierecord (04) was rejected"),
    ]
    assert sorted(f.records["reference"].to_pylist()) == ["ZH-0002", "ZH-0003", "ZH-0004"]


def test_a_wrong_record_type_is_rejected_on_its_own(tmp_path):
    (path,) = write_zh308(sample(), tmp_path)
    _rewrite(path, lambda ls: ls.__setitem__(8, "77" + ls[8][2:]))  # the 02 of person 2
    rej = _rejects(path)
    assert rej[0] == ("zkh-2026-03", 9, "KENMERK RECORD", "77", "unknown record type")
    # its 04 now follows person 1's 02: the BSN differs (hidden), the 06 goes with it
    assert rej[1][:3] == ("zkh-2026-03", 10, "0403 BURGERSERVICENUMMER (BSN) VERZEKERDE")
    assert rej[1][3] == HIDDEN
    assert read_zh308(path).file_closing_issues[0] == [
        "9902 AANTAL VERZEKERDENRECORDS: the sluitrecord says 2, the file has 1",
        "9908 TOTAAL AANTAL DETAILRECORDS: the sluitrecord says 10, the file has 9",
    ]


def test_a_bsn_failing_the_eleven_test_is_rejected_and_never_shown(tmp_path):
    (path,) = write_zh308(sample(), tmp_path)
    bad = BSN[1][:8] + str((int(BSN[1][8]) + 1) % 10)  # another check digit
    assert not elfproef(bad)

    def edit(ls):
        for i in (8, 9, 10):  # the 02, 04 and 06 of person 2: BSN at 15-23
            ls[i] = ls[i][:14] + bad + ls[i][23:]

    _rewrite(path, edit)
    rej = _rejects(path)
    bsn_rows = [r for r in rej if r[4] == "BSN fails the 11-test"]
    assert [(r[1], r[2], r[3]) for r in bsn_rows] == [
        (9, "0203 BURGERSERVICENUMMER (BSN) VERZEKERDE", HIDDEN),
        (10, "0403 BURGERSERVICENUMMER (BSN) VERZEKERDE", HIDDEN),
        (11, "0603 BURGERSERVICENUMMER (BSN) VERZEKERDE", HIDDEN),
    ]
    assert not any(bad in str(r) or BSN[1] in str(r) for r in rej)
    assert "ZH-0002" not in read_zh308(path).records["reference"].to_pylist()


def test_a_wrong_closing_total_is_reported_with_file_field_and_reason(tmp_path):
    (path,) = write_zh308(sample(), tmp_path)
    _rewrite(path, lambda ls: ls.__setitem__(-1, ls[-1][:45] + "00002309990D" + ls[-1][57:]))
    f = read_zh308(path)
    assert f.closing_issues == [
        "zkh-2026-03.zh308: 9909 TOTAAL DECLARATIEBEDRAG: the sluitrecord says D 23099.90, "
        "the tariefrecords add up to D 23099.99"
    ]
    assert f.records.num_rows == 4  # reported, not a reason to drop a claim


def test_a_bad_amount_rejects_the_claim_and_unreadable_files_raise(tmp_path):
    (path,) = write_zh308(sample(), tmp_path)
    _rewrite(path, lambda ls: ls.__setitem__(3, ls[3][:106] + "00X00000" + ls[3][114:]))
    rej = _rejects(path)
    assert rej == [
        ("zkh-2026-03", 3, "tariefrecord", "", "a tariefrecord (06) of this record was rejected"),
        ("zkh-2026-03", 4, "0620 DECLARATIEBEDRAG (INCL. BTW)", "00X00000", "not numeric"),
    ]
    broken = tmp_path / "broken.zh308"
    broken.write_bytes(b"01" + b" " * 308 + b"\r\n")  # an AW319-wide voorlooprecord
    with pytest.raises(Zh308Error, match=r"broken.zh308: line 1: .* 310 characters long, not 610"):
        read_zh308(broken)


def test_write_refuses_a_bad_bsn_naming_column_and_row_not_the_value(tmp_path):
    t = sample()
    bad = t.set_column(t.schema.get_field_index("bsn"), "bsn", pa.array([BSN[0]] * 3 + ["1"]))
    with pytest.raises(ValueError, match=r"^write_zh308: column 'bsn', row 3: not 9 digits") as e:
        write_zh308(bad, tmp_path)
    assert BSN[0] not in str(e.value) and not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------------------------
# through the CLI, from a declaration


def cli(*args: str, key: str | None = "test-key") -> Ran:
    """The command in this process (tests/clirun.py), with ``key`` as the only pseudonym key."""
    env = {"PASSEND_PSEUDONYM_KEY": key} if key else {}
    return passend(*args, env=env, drop=("PASSEND_PSEUDONYM",))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("zh308")
    pop, dec, out = str(tmp / "pop"), str(tmp / "dec"), str(tmp / "zh")
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
            pop,
        ),
        ("claims", "declare", "--population", pop, "--out", dec),
        (
            "claims",
            "export",
            "--claims",
            dec,
            "--population",
            pop,
            "--out",
            out,
            "--format",
            "zh308",
        ),
    ):
        r = cli(*args)
        assert r.returncode == 0, r.stderr
    return tmp


def test_cli_round_trip_gives_the_same_hospital_claims(exported: Path) -> None:
    r = cli(
        "claims",
        "import",
        str(exported / "zh"),
        "--format",
        "zh308",
        "--out",
        str(exported / "imp"),
    )
    assert r.returncode == 0, r.stderr
    declared = pq.read_table(exported / "dec" / "claims.parquet")
    hospital = declared.filter(pc.equal(declared["sector"], "medical_specialist_care"))
    imported = pq.read_table(exported / "imp" / "claims.parquet").sort_by("claim_id")
    hospital = hospital.sort_by("claim_id")
    assert imported.num_rows == hospital.num_rows > 100
    assert imported["claim_id"].equals(hospital["claim_id"])
    for col in (
        "provider_id",
        "financer_id",
        "financer_kind",
        "law",
        "title_code",
        "sector",
        "service_date",
        "tariff_cents",
        "amount_cents",
        "patient_bound",
    ):
        assert imported[col].equals(hospital[col]), col
    # ZH308 has no time unit: a line in minutes (a conversation paid per prestatie) is 1 prestatie
    minutes = pc.equal(hospital["unit"], "minutes")
    assert pc.sum(minutes).as_py() > 0
    assert set(imported.filter(minutes)["quantity"].to_pylist()) == {1}
    assert set(imported.filter(minutes)["unit"].to_pylist()) == {"count"}
    other = pc.invert(minutes)
    for col in ("quantity", "unit"):
        assert imported.filter(other)[col].equals(hospital.filter(other)[col]), col
    pairs = set(
        zip(hospital["patient_id"].to_pylist(), imported["patient_id"].to_pylist(), strict=True)
    )
    assert len({a for a, _ in pairs}) == len({b for _, b in pairs}) == len(pairs)
    assert not (exported / "imp" / "rejects.csv").exists()


def test_cli_import_rejects_per_record_and_keeps_the_money(exported: Path, tmp_path: Path) -> None:
    src = max((exported / "zh").glob("*.zh308"), key=lambda p: p.stat().st_size)
    lines = _lines(src)
    bad = next(i for i, x in enumerate(lines) if x.startswith("04"))
    lines[bad] = lines[bad][:75] + "20261340" + lines[bad][83:]  # 0411: 13th month
    target = tmp_path / src.name
    target.write_bytes("\r\n".join(lines).encode("latin-1"))
    r = cli("claims", "import", str(target), "--format", "zh308", "--out", str(tmp_path / "imp"))
    assert r.returncode == 0, r.stderr
    with (tmp_path / "imp" / "rejects.csv").open(encoding="utf-8") as fh:
        rejects = list(csv.DictReader(fh))
    assert {x["row"] for x in rejects} == {str(bad + 1)}  # the 06 goes with it, on the same row
    assert rejects[0]["table"] == src.name and "0411" in rejects[0]["column"]
    n = sum(x.startswith("04") for x in lines)
    assert pq.read_table(tmp_path / "imp" / "claims.parquet").num_rows == n - 1
    assert re.search(r"geweigerd +1 ", r.stdout)
    closing = lines[-1]
    file_total = int(closing[45:56]) * (-1 if closing[56] == "C" else 1)
    accepted = sum(pq.read_table(tmp_path / "imp" / "claims.parquet")["amount_cents"].to_pylist())
    tarief = lines[bad + 1]
    assert accepted + int(tarief[106:114]) * (-1 if tarief[114] == "C" else 1) == file_total


def test_cli_without_a_key_refuses_and_bsns_never_leak(exported: Path, tmp_path: Path) -> None:
    bsns = set()
    for f in (exported / "zh").glob("*.zh308"):
        bsns |= set(read_zh308(f).records["bsn"].to_pylist())
    refused = cli(
        "claims",
        "import",
        str(exported / "zh"),
        "--format",
        "zh308",
        "--out",
        str(tmp_path / "x"),
        key=None,
    )
    assert refused.returncode == 2 and "PASSEND_PSEUDONYM_KEY" in refused.stderr
    ok = cli(
        "claims", "import", str(exported / "zh"), "--format", "zh308", "--out", str(tmp_path / "y")
    )
    assert ok.returncode == 0, ok.stderr
    blob = b"".join(p.read_bytes() for p in (tmp_path / "y").iterdir())
    blob += (refused.stdout + refused.stderr + ok.stdout + ok.stderr).encode()
    assert bsns and not any(b.encode() in blob for b in bsns)


def test_cli_refuses_an_unknown_format(exported: Path, tmp_path: Path) -> None:
    r = cli(
        "claims",
        "export",
        "--claims",
        str(exported / "dec"),
        "--population",
        str(exported / "pop"),
        "--out",
        str(tmp_path),
        "--format",
        "zh309",
    )
    assert r.returncode == 2 and "--format moet een van aw319, zh308 zijn" in r.stderr


def _zorgactiviteit(prestatie: str, code: str) -> str:
    """A 16 record for the 04 record ``prestatie``, by the standard's positions: its keys
    (BSN 15-23, UZOVI 24-27, insured number 28-42, code list 43-45, prestatiecode 46-51,
    begin date 52-59, volgnummer 60-61) copied from the 04 (15-42, 67-69, 70-75, 76-83, 92-93);
    then 1610 number (62-76), 1611 code (77-86), 1612/1613 dates, 1614 quantity, 1615 (107-108),
    1616-1618 AGB codes (109-128), 1619 D/C (129), 1620/1621 references (130-169)."""
    keys = prestatie[14:42] + prestatie[66:69] + prestatie[69:75] + prestatie[75:83]
    body = "16" + "0" * 12 + keys + prestatie[91:93]
    body += "ZA-1".ljust(15) + code.ljust(10) + prestatie[75:83] * 2 + "0001" + "00"
    body += "0" * 20 + "D" + "ZA-REF-1".ljust(20) + " " * 20  # 1616-1618, 1619-1621
    return body.ljust(610)


def test_zorgactiviteitrecords_are_checked_against_their_prestatie_and_counted(tmp_path):
    (path,) = write_zh308(sample(), tmp_path)
    lines = _lines(path)
    good = _zorgactiviteit(lines[2], "039133")
    wrong = good[:45] + "P9999 " + good[51:]  # 1607 differs from the 04's 0410

    def edit(ls):  # after the 06 of the first prestatie (lines 5 and 6)
        ls[4:4] = [good, wrong]

    _rewrite(path, edit)
    f = read_zh308(path)
    assert f.counts["16"] == 2
    assert _rejects(path) == [
        (
            "zkh-2026-03",
            6,
            "1607 PRESTATIECODE/DBC DECLARATIECODE",
            "P9999",  # alphanumeric values are read without their trailing spaces
            "differs from 0410 PRESTATIECODE/DBC DECLARATIECODE of its prestatierecord",
        )
    ]
    assert f.records.num_rows == 4  # a zorgactiviteit is information, the claim stands
    assert f.file_closing_issues[0] == [
        "9906 AANTAL ZORGACTIVITEITRECORDS: the sluitrecord says 0, the file has 2",
        "9908 TOTAAL AANTAL DETAILRECORDS: the sluitrecord says 10, the file has 12",
    ]
