"""AW319 v1.4 claims files: layout, round trip, hand-computed closing totals, rejects, privacy.

Positions in these tests are typed in from the standard (AW319v1.4_fields.txt), not taken from
the module's LAYOUT, so that the writer and reader are checked against the standard itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from passend.claims.vektis import aw319
from passend.claims.vektis.aw319 import (
    HIDDEN,
    LAYOUT,
    RECORD_COLUMNS,
    RECORD_LENGTH,
    WRITE_COLUMNS,
    Aw319Batch,
    Aw319Error,
    read_aw319,
    read_aw319_many,
    write_aw319,
)

STANDARD = Path(__file__).parents[2] / "shared/standards/vektis/AW319v1.4_fields.txt"
D = dt.date
SCHEMA = pa.schema([*WRITE_COLUMNS.items(), ("previous_reference", pa.string())])
INPUT_COLUMNS = ["file_key", *[c for c in SCHEMA.names if c != "file_key"]]


# ---------------------------------------------------------------------------------------------
# helpers


def elfproef(bsn: str) -> bool:
    digits = [int(c) for c in bsn]
    return (
        len(bsn) == 9
        and sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) % 11 == digits[8]
    )


def make_bsns(n: int, seed: int = 319) -> list[str]:
    """Distinct 9-digit numbers that pass the BSN 11-test."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        head = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(w * d for w, d in zip(range(9, 1, -1), head, strict=True)) % 11
        bsn = "".join(map(str, [*head, check]))
        if check <= 9 and bsn not in out:
            out.append(bsn)
    assert all(elfproef(b) for b in out)
    return out


BSN = make_bsns(12)


def row(file_key, person, ref, begin, quantity, tariff, amount, **kw) -> dict:
    """One prestatie; ``person`` is (bsn, birth_date, sex, deceased)."""
    bsn, birth, sex, deceased = person
    wlz = kw.get("message_code") == "187"
    base = {
        "file_key": file_key,
        "invoice_number": kw.get("invoice_number", "F2026-0001"),
        "period_start": D(2026, 1, 1),
        "period_end": D(2026, 1, 31),
        "invoice_date": D(2026, 2, 3),
        "message_code": "428",
        "uzovi": "3311",
        "instelling_agb": "75750001",
        "bsn": bsn,
        "birth_date": birth,
        "sex": sex,
        "deceased": deceased,
        "prestatiecode": "Z100" if wlz else "1004",
        "codelist": "055" if wlz else "065",
        "begin_date": begin,
        "end_date": kw.get("end", begin),
        "quantity": quantity,
        "time_unit": "14" if wlz else "01",
        "zorgverlener_agb": "90001234",
        "tariff_cents": tariff,
        "calculated_cents": amount,
        "declared_cents": amount,
        "reference": ref,
        "previous_reference": "",
    }
    base.update({k: v for k, v in kw.items() if k != "end"})
    return base


def table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)


P1 = (BSN[0], D(1938, 4, 17), "2", True)
P2 = (BSN[1], D(1945, 11, 2), "1", False)
P3 = (BSN[2], D(1951, 7, 30), "2", False)
P4 = (BSN[3], D(1932, 2, 29), "1", True)
P5 = (BSN[4], D(1940, 12, 31), "2", False)
P6 = (BSN[5], D(1949, 3, 8), "1", False)


def sample() -> pa.Table:
    """Three files: district nursing to insurer 3311, Wlz to care office 5509, and a credit file.

    District nursing at 8640 cents an hour, per minute; Wlz at 26730 cents a day (etmaal).
    """
    wv, wlz, cr = "wv-2026-01", "wlz-2026-01", "wv-2026-01-credit"
    w = {"message_code": "187", "uzovi": "5509", "instelling_agb": "73730002"}
    w |= {"invoice_number": "WLZ-26-01"}
    c = {"uzovi": "3343", "invoice_number": "F2026-0002"}
    return table(
        [
            row(wv, P1, "WV-0001", D(2026, 1, 5), 90, 8640, 12960),  # 1.5 h
            row(wv, P2, "WV-0002", D(2026, 1, 6), 120, 8640, 17280),  # 2 h
            row(wv, P1, "WV-0003", D(2026, 1, 7), 45, 8640, 6480),  # 0.75 h
            row(wlz, P4, "WLZ-0001", D(2026, 1, 1), 31, 26730, 828630, end=D(2026, 1, 31), **w),
            # a credit of WV-0001, in the same file, referring to it (0432)
            row(wv, P1, "WV-0004", D(2026, 1, 5), 90, 8640, -12960, previous_reference="WV-0001"),
            row(wv, P3, "WV-0005", D(2026, 1, 8), 30, 8640, 4320, time_unit=""),
            row(wlz, P5, "WLZ-0002", D(2026, 1, 18), 14, 26730, 374220, end=D(2026, 1, 31), **w),
            row(
                cr,
                P6,
                "WV-0006",
                D(2025, 12, 2),
                60,
                8640,
                -8640,
                previous_reference="WV-9001",
                **c,
            ),
            row(cr, P6, "WV-0007", D(2025, 12, 2), 30, 8640, 4320, **c),
        ]
    )


def lines_of(path: Path) -> list[str]:
    return path.read_bytes().decode("iso-8859-1").split("\r\n")[:-1]


def put(line: str, start: int, end: int, text: str) -> str:
    """Replace positions start..end (1-based, inclusive) of a record."""
    assert len(text) == end - start + 1
    return line[: start - 1] + text + line[end:]


def write_lines(path: Path, lines: list[str], eol: str = "\r\n") -> Path:
    path.write_bytes("".join(line + eol for line in lines).encode("iso-8859-1"))
    return path


def read_back(paths: list[Path]) -> pa.Table:
    got = pa.concat_tables([read_aw319(p).records for p in paths])
    got = got.select(INPUT_COLUMNS)
    return got.take(pc.sort_indices(got, [("reference", "ascending")]))


def sorted_input(t: pa.Table) -> pa.Table:
    t = t.select(INPUT_COLUMNS)
    return t.take(pc.sort_indices(t, [("reference", "ascending")]))


# ---------------------------------------------------------------------------------------------
# layout


def test_layout_is_310_wide_contiguous_and_matches_the_standard():
    expected_fields = {"01": 20, "02": 26, "04": 33, "98": 5, "99": 9}
    assert {code: len(fs) for code, fs in LAYOUT.items()} == expected_fields
    for code, fields in LAYOUT.items():
        assert fields[0].start == 1 and fields[-1].end == RECORD_LENGTH == 310
        assert fields[0].name == "KENMERK RECORD" and fields[-1].name == "RESERVE"
        for a, b in itertools.pairwise(fields):
            assert b.start == a.end + 1
        assert all(f.end - f.start + 1 == f.length for f in fields)
        assert all(f.number[:2] == code for f in fields)
    # a few fields typed in from the standard
    by = {f.number: f for fs in LAYOUT.values() for f in fs}
    assert (by["0414"].start, by["0414"].end, by["0414"].pattern) == (106, 113, "EEJJMMDD")
    assert (by["0203"].start, by["0203"].end, by["0203"].type) == (15, 23, "N")
    assert (by["0431"].start, by["0431"].length, by["0431"].type) == (195, 20, "AN")
    assert (by["9907"].start, by["9907"].end) == (34, 44)
    assert {f.number for f in by.values() if f.pattern == "EEJJMMDD"} == {
        "0114",
        "0115",
        "0117",
        "0207",
        "0414",
        "0415",
    }

    if not STANDARD.exists():  # the standards folder is beside the repository, not in it
        return
    rows = []
    for line in STANDARD.read_text(encoding="utf-8").splitlines():
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) < 9 or parts[0] != "AW319" or not parts[2].isdigit():
            continue
        rec, num, name, typ, length = parts[2], parts[3], parts[4], parts[5], int(parts[6])
        # the export leaves out empty cells: the pattern column is there only when filled
        pattern, end, obligation = (
            ("", int(parts[7]), parts[8])
            if parts[7].isdigit()
            else (parts[7], int(parts[8]), parts[9])
        )
        rows.append(
            (rec, num.zfill(4), name, typ, length, end - length + 1, end, obligation, pattern)
        )
    assert len(rows) == 93
    ours = [
        (f.record, f.number, f.name, f.type, f.length, f.start, f.end, f.obligation, f.pattern)
        for fs in LAYOUT.values()
        for f in fs
    ]
    assert ours == rows


# ---------------------------------------------------------------------------------------------
# writing and reading back


def test_round_trip_several_files_persons_credits_crlf_and_lf(tmp_path):
    t = sample()
    paths = write_aw319(t, tmp_path / "out")
    assert [p.name for p in paths] == [
        "wv-2026-01.asc",
        "wlz-2026-01.asc",
        "wv-2026-01-credit.asc",
    ]
    for p in paths:
        data = p.read_bytes()
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
        assert {len(line) for line in lines_of(p)} == {310}
    expected = sorted_input(t)
    assert read_back(paths).equals(expected)

    # the same files with LF, with mixed line ends and without a final line end
    for variant in ("lf", "mixed", "no-final-eol"):
        d = tmp_path / variant
        d.mkdir()
        again = []
        for p in paths:
            lines = lines_of(p)
            if variant == "lf":
                data = "".join(line + "\n" for line in lines)
            elif variant == "mixed":
                data = "".join(line + ("\n" if i % 2 else "\r\n") for i, line in enumerate(lines))
            else:
                data = "\r\n".join(lines)
            again.append(d / p.name)
            again[-1].write_bytes(data.encode("ascii"))
        assert read_back(again).equals(expected), variant

    f = read_aw319(paths[0])
    assert f.rejects.num_rows == 0 and f.closing_issues == [] and f.comments.num_rows == 0
    assert f.records.column_names == list(RECORD_COLUMNS)
    assert f.header["0116 FACTUURNUMMER DECLARANT"] == "F2026-0001"
    assert f.header["0114 BEGINDATUM DECLARATIEPERIODE"] == D(2026, 1, 1)
    assert f.header["0102 CODE EXTERNE-INTEGRATIEBERICHT"] == "428"
    assert f.header["0119 VALUTACODE"] == "EUR"
    # persons grouped: P1's three prestaties directly after P1's 02 record, on lines 3, 4, 5
    recs = f.records.to_pylist()
    assert [(r["record_number"], r["detail_id"], r["reference"]) for r in recs] == [
        (3, 2, "WV-0001"),
        (4, 3, "WV-0003"),
        (5, 4, "WV-0004"),
        (7, 6, "WV-0002"),
        (9, 8, "WV-0005"),
    ]
    assert [r["debit_credit"] for r in recs] == ["D", "D", "C", "D", "D"]
    assert recs[0]["deceased"] is True and recs[3]["deceased"] is False
    assert recs[4]["time_unit"] == ""  # written as 00


def test_records_and_closing_totals_by_hand(tmp_path):
    paths = write_aw319(sample(), tmp_path)
    wv, wlz, credit = (lines_of(p) for p in paths)

    # district nursing: 3 persons, 5 prestaties; 12960 + 6480 - 12960 + 17280 + 4320 = 28080 D
    assert [line[:2] for line in wv] == ["01", "02", "04", "04", "04", "02", "04", "02", "04", "99"]
    assert [int(line[2:14]) for line in wv[1:-1]] == [1, 2, 3, 4, 5, 6, 7, 8]  # 0202/0402
    closing = wv[-1]
    assert closing[2:8] == "000003"  # 9902 verzekerdenrecords
    assert closing[8:14] == "000000"  # 9903 debiteurrecords
    assert closing[14:20] == "000005"  # 9904 prestatierecords
    assert closing[20:26] == "000000"  # 9905 commentaarrecords
    assert closing[26:33] == "0000008"  # 9906 detailrecords
    assert closing[33:44] == "00000028080" and closing[44] == "D"  # 9907, 9908
    assert closing[45:] == " " * 265

    # Wlz: 31 x 26730 = 828630 and 14 x 26730 = 374220; total 1202850 D
    assert wlz[-1][2:8] == "000002" and wlz[-1][14:20] == "000002" and wlz[-1][26:33] == "0000004"
    assert wlz[-1][33:45] == "00001202850D"
    # credit file: -8640 + 4320 = -4320, so C 4320
    assert credit[-1][33:45] == "00000004320C"

    header = wv[0]
    assert header[0:2] == "01" and header[2:5] == "428" and header[5:9] == "0104"  # 0101-0104
    assert header[9] == "P" and header[26:30] == "3311" and header[54:62] == "75750001"
    assert header[62:64] == "04" and header[64:72] == "20260101" and header[72:80] == "20260131"
    assert header[80:92] == "F2026-0001  " and header[92:100] == "20260203"
    assert header[114:117] == "EUR" and wlz[0][2:5] == "187"

    person = wv[1]
    assert person[14:23] == BSN[0] and person[23:27] == "3311"  # 0203, 0204
    assert person[53:61] == "19380417" and person[61] == "2"  # 0207, 0208
    assert person[62] == "1" and person[63:88] == "ONBEKEND".ljust(25)  # 0209, 0210
    assert person[134:140] == "X     " and person[180] == "1"  # 0215, 0223 (deceased)
    assert wv[5][180] == "2"  # P2 alive

    credit_line = wv[4]  # WV-0004, credit of WV-0001
    assert credit_line[14:23] == BSN[0]  # 0403
    assert credit_line[105:113] == "20260105" and credit_line[113:121] == "20260105"
    assert credit_line[121:124] == "065" and credit_line[124:129] == "1004 "  # 0416, 0417
    assert credit_line[129:133] == "0090" and credit_line[133:135] == "01"  # 0418, 0419
    assert credit_line[135:143] == "90001234"  # 0420
    assert credit_line[164:172] == "00008640"  # 0425 tariff
    assert credit_line[172:181] == "00012960C"  # 0426, 0427
    assert credit_line[185:194] == "00012960C"  # 0429, 0430
    assert credit_line[194:214] == "WV-0004".ljust(20)  # 0431
    assert credit_line[214:234] == "WV-0001".ljust(20)  # 0432
    assert wv[8][133:135] == "00"  # empty time unit

    for p in paths:
        assert read_aw319(p).closing_issues == []
    f = read_aw319(paths[0])
    assert f.closing["9907 TOTAAL DECLARATIEBEDRAG"] == 28080
    assert f.closing["9908 INDICATIE DEBET/CREDIT"] == "D"
    assert pc.sum(f.records["declared_cents"]).as_py() == 28080


def test_codelist_and_time_unit_are_information_not_a_reason_to_reject(tmp_path):
    t = table([row("x", P1, "R-1", D(2026, 3, 1), 1, 500, 500, codelist="999", time_unit="81")])
    (path,) = write_aw319(t, tmp_path)
    f = read_aw319(path)
    assert f.rejects.num_rows == 0
    assert f.records["codelist"].to_pylist() == ["999"]
    assert f.records["time_unit"].to_pylist() == ["81"]


def test_latin1_text_round_trips(tmp_path):
    t = table([row("x", P1, "RÉF-ü1", D(2026, 3, 1), 1, 500, 500, invoice_number="FÀCT-1")])
    (path,) = write_aw319(t, tmp_path)
    assert "RÉF-ü1".encode("iso-8859-1") in path.read_bytes()
    assert read_back([path]).equals(sorted_input(t))
    utf8 = tmp_path / "utf8.asc"
    utf8.write_bytes(path.read_bytes().decode("iso-8859-1").encode("utf-8"))
    assert read_aw319(utf8).records["reference"].to_pylist() == ["RÉF-ü1"]


def test_comment_records_are_read(tmp_path):
    (path,) = write_aw319(table([row("c", P2, "R-1", D(2026, 1, 2), 60, 8640, 8640)]), tmp_path)
    lines = lines_of(path)
    comment = "98" + "3".zfill(12) + "0001" + "Toelichting bij de prestatie".ljust(140) + " " * 152
    closing = put(lines[-1], 21, 26, "000001")  # 9905
    closing = put(closing, 27, 33, "0000003")  # 9906: 02 + 04 + 98
    f = read_aw319(write_lines(path, [*lines[:-1], comment, closing]))
    assert f.closing_issues == [] and f.rejects.num_rows == 0
    assert f.comments.to_pylist() == [
        {
            "record_number": 4,
            "detail_id": 3,
            "line_number": 1,
            "text": "Toelichting bij de prestatie",
        }
    ]


# ---------------------------------------------------------------------------------------------
# rejects


def three_persons(tmp_path: Path) -> tuple[Path, list[int]]:
    """One file: per person a 02 and four 04 records; amounts 1000, 2000, ... cents."""
    rows, amounts = [], []
    for p, person in enumerate((P1, P2, P3)):
        for i in range(4):
            cents = 1000 * (4 * p + i + 1)
            amounts.append(cents)
            rows.append(row("bad", person, f"R-{p}{i}", D(2026, 1, 1 + i), 60, cents, cents))
    (path,) = write_aw319(table(rows), tmp_path)
    return path, amounts


def test_bad_records_are_rejected_with_number_and_field_the_rest_is_read(tmp_path):
    path, amounts = three_persons(tmp_path)
    lines = lines_of(path)
    # lines: 1 header, 2 P1, 3-6 its 04s, 7 P2, 8-11, 12 P3, 13-16, 17 closing
    assert [line[:2] for line in lines] == ["01"] + (["02"] + ["04"] * 4) * 3 + ["99"]
    lines[3] = put(lines[3], 106, 113, "20260230")  # line 4: 0414 30 February
    lines[4] = put(lines[4], 130, 133, "12A4")  # line 5: 0418 not numeric
    lines[7] = put(lines[7], 181, 181, "X")  # line 8: 0427 not D or C
    lines[8] = lines[8][:-1]  # line 9: 309 characters
    lines[9] = put(lines[9], 1, 2, "05")  # line 10: unknown record type
    lines[11] = put(lines[11], 54, 61, "19511331")  # line 12: P3's birth date, month 13
    f = read_aw319(write_lines(tmp_path / "bad.asc", lines))

    rejects = [(r["record_number"], r["field"], r["value"]) for r in f.rejects.to_pylist()]
    assert rejects == [
        (4, "0414 BEGINDATUM PRESTATIE", "20260230"),
        (5, "0418 AANTAL UITGEVOERDE PRESTATIES", "12A4"),
        (8, "0427 INDICATIE DEBET/CREDIT (01)", "X"),
        (9, "record", "309"),
        (10, "KENMERK RECORD", "05"),
        (12, "0207 DATUM GEBOORTE VERZEKERDE", HIDDEN),
        (13, "verzekerdenrecord", "12"),
        (14, "verzekerdenrecord", "12"),
        (15, "verzekerdenrecord", "12"),
        (16, "verzekerdenrecord", "12"),
    ]
    reasons = dict(
        zip(f.rejects["record_number"].to_pylist(), f.rejects["reason"].to_pylist(), strict=True)
    )
    assert reasons[4] == "not a valid date (EEJJMMDD)"
    assert reasons[5] == "not numeric"
    assert reasons[9] == "record is not 310 characters long"
    assert reasons[10] == "unknown record type"
    assert reasons[13] == "its verzekerdenrecord (02) was rejected"

    assert f.records["record_number"].to_pylist() == [3, 6, 11]
    assert f.records["declared_cents"].to_pylist() == [amounts[0], amounts[3], amounts[7]]
    assert f.records["bsn"].to_pylist() == [BSN[0], BSN[0], BSN[1]]
    # every 04 line read is accepted or rejected
    rejected_04 = set(
        pc.filter(f.rejects["record_number"], pc.equal(f.rejects["record_type"], "04")).to_pylist()
    )
    assert f.counts["04"] == 11 == f.records.num_rows + len(rejected_04)
    assert f.counts["02"] == 3 and f.counts["??"] == 1

    # the closing record was written for 12 prestaties; line 9's amount cannot be read, line 10
    # is no prestatierecord any more: 78000 - 6000 (line 9) - 7000 (line 10) = 65000
    assert sum(amounts) == 78000
    assert f.closing_issues == [
        "9904 AANTAL PRESTATIERECORDS: the sluitrecord says 12, the file has 11",
        "9906 TOTAAL AANTAL DETAILRECORDS: the sluitrecord says 15, the file has 14",
        "9907 TOTAAL DECLARATIEBEDRAG: the sluitrecord says D 780.00, the prestatierecords add "
        "up to D 650.00 (1 prestatierecord(s) without a readable amount)",
    ]


def test_other_structural_rejects(tmp_path):
    path, _ = three_persons(tmp_path)
    lines = lines_of(path)
    extra_header = lines[0]
    lines.insert(1, extra_header)  # a second 01 on line 2: P1's 02 moves to line 3
    after = lines[3]
    lines.append(after)  # a 04 after the sluitrecord
    f = read_aw319(write_lines(tmp_path / "s.asc", lines))
    got = [(r["record_number"], r["reason"]) for r in f.rejects.to_pylist()]
    assert got == [
        (2, "a second voorlooprecord (01)"),
        (19, "record after the sluitrecord (99)"),
    ]
    assert f.records.num_rows == 12
    assert f.closing_issues == ["1 line(s) after the sluitrecord (99) were rejected"]


def test_closing_record_mismatch_is_reported_not_raised(tmp_path):
    (path, *_) = write_aw319(sample(), tmp_path)
    lines = lines_of(path)
    closing = put(lines[-1], 3, 8, "000004")  # 9902 says 4 persons, there are 3
    closing = put(closing, 34, 45, "00000028081D")  # one cent too much
    f = read_aw319(write_lines(tmp_path / "m.asc", [*lines[:-1], closing]))
    assert f.records.num_rows == 5 and f.rejects.num_rows == 0
    assert f.closing_issues == [
        "9902 AANTAL VERZEKERDENRECORDS: the sluitrecord says 4, the file has 3",
        "9907 TOTAAL DECLARATIEBEDRAG: the sluitrecord says D 280.81, "
        "the prestatierecords add up to D 280.80",
    ]
    sign = put(lines[-1], 45, 45, "C")
    f = read_aw319(write_lines(tmp_path / "c.asc", [*lines[:-1], sign]))
    assert f.closing_issues == [
        "9907 TOTAAL DECLARATIEBEDRAG: the sluitrecord says C 280.80, "
        "the prestatierecords add up to D 280.80"
    ]
    f = read_aw319(write_lines(tmp_path / "n.asc", lines[:-1]))
    assert f.records.num_rows == 5
    assert f.closing_issues == ["no sluitrecord (99): counts and total not checked"]


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("empty.asc", b"", 1),
        ("blank.asc", b"\r\n\r\n", 1),
        ("binary.asc", b"01" + b" " * 308 + b"\r\n\x00\x01\x02PK\x03\x04", 2),
        ("no-header.asc", b"99" + b"0" * 43 + b"D" + b" " * 264 + b"\r\n", 1),
        ("short-header.asc", b"01428" + b" " * 100 + b"\r\n", 1),
    ],
)
def test_unreadable_file_raises_naming_file_and_line(tmp_path, name, content, line):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Aw319Error) as e:
        read_aw319(path)
    assert str(path) in str(e.value) and f"line {line}:" in str(e.value)


def test_missing_file_raises_aw319error(tmp_path):
    with pytest.raises(Aw319Error, match=r"nothing\.asc"):
        read_aw319(tmp_path / "nothing.asc")


# ---------------------------------------------------------------------------------------------
# privacy


def test_bsn_birth_date_and_names_never_leak(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    bsns = make_bsns(40, seed=11)
    births = [D(1930 + i, 1 + i % 12, 1 + i % 28) for i in range(40)]
    rows = [
        row("privacy", (b, births[i], "1", False), f"P-{i}-{j}", D(2026, 2, 1 + j), 30, 4000, 2000)
        for i, b in enumerate(bsns)
        for j in range(2)
    ]
    (path,) = write_aw319(table(rows), tmp_path)
    lines = lines_of(path)
    # lines: 1 header; person i: 02 on line 2 + 3i, 04s on 3 + 3i and 4 + 3i
    other = make_bsns(60, seed=12)[-1]
    broken = bsns[0][:8] + str((int(bsns[0][8]) + 1) % 10)  # fails the 11-test
    lines[1] = put(lines[1], 15, 23, broken)  # person 0: 02 with a bad BSN
    lines[2] = put(lines[2], 15, 23, broken)
    lines[3] = put(lines[3], 15, 23, broken)
    lines[4] = put(
        lines[4], 15, 23, bsns[1][:4] + "X" + bsns[1][5:]
    )  # person 1: 02 BSN not numeric
    lines[8] = put(lines[8], 15, 23, other)  # person 2: a 04 with another person's BSN
    lines[10] = put(lines[10], 54, 61, births[3].strftime("%Y%m") + "32")  # person 3: bad birth
    lines[14] = lines[14][:-3]  # person 4's 04, short: the line still holds the BSN
    lines[16] = "07" + lines[16][2:]  # person 5's 02 as an unknown record type
    lines[-1] = put(lines[-1], 3, 8, "000099")
    f = read_aw319(write_lines(tmp_path / "p.asc", lines))
    assert f.rejects.num_rows >= 8 and f.closing_issues

    shown = " ".join(
        [
            *(str(v) for r in f.rejects.to_pylist() for v in r.values()),
            *f.closing_issues,
            caplog.text,
        ]
    )
    secrets = [*bsns, broken, other, bsns[1][:4] + "X" + bsns[1][5:], "ONBEKEND"]
    secrets += [b.strftime("%Y%m%d") for b in births] + [b.isoformat() for b in births]
    secrets += [births[3].strftime("%Y%m") + "32"]
    for secret in secrets:
        assert secret not in shown
    hidden = pc.filter(f.rejects, pc.equal(f.rejects["value"], HIDDEN))
    assert set(hidden["field"].to_pylist()) == {
        "0203 BURGERSERVICENUMMER (BSN) VERZEKERDE",
        "0403 BURGERSERVICENUMMER (BSN) VERZEKERDE",
        "0207 DATUM GEBOORTE VERZEKERDE",
    }
    assert "differs from 0203 BURGERSERVICENUMMER (BSN) VERZEKERDE of its verzekerdenrecord" in (
        f.rejects["reason"].to_pylist()
    )

    # an exception about a file that starts with a person record does not show the BSN
    bad = write_lines(tmp_path / "starts-with-02.asc", lines[1:])
    with pytest.raises(Aw319Error) as e:
        read_aw319(bad)
    assert not any(b in str(e.value) for b in [*bsns, broken])
    # nor does the writer's refusal of a BSN that fails the 11-test
    with pytest.raises(ValueError) as e:
        write_aw319(
            table([row("w", (broken, D(1940, 1, 1), "1", False), "R", D(2026, 1, 1), 1, 1, 1)]),
            tmp_path,
        )
    assert "bsn" in str(e.value) and broken not in str(e.value)
    assert not any(b in caplog.text for b in bsns)


# ---------------------------------------------------------------------------------------------
# writer refusals


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reference": "R" * 21}, "column 'reference', row 1: at most 20 characters"),
        ({"invoice_number": "OTHER"}, "column 'invoice_number', row 1: differs within one file"),
        ({"birth_date": D(1950, 1, 1)}, "column 'birth_date', row 1: differs within one person"),
        ({"uzovi": "33110"}, "column 'uzovi', row 1: 4 digits"),
        ({"quantity": 10000}, "column 'quantity', row 1: not in 0-9999"),
        ({"time_unit": "1"}, "column 'time_unit', row 1: 2 digits or empty"),
        ({"declared_cents": -100_000_000}, "column 'declared_cents', row 1"),
        ({"reference": "Ω-1"}, "column 'reference', row 1: not printable ISO-8859-1 text"),
        ({"file_key": "../up"}, "column 'file_key', row 1"),
    ],
)
def test_writer_refuses_values_that_do_not_fit(tmp_path, change, message):
    rows = [
        row("k", P1, "R-1", D(2026, 1, 1), 1, 100, 100),
        row("k", P1, "R-2", D(2026, 1, 2), 1, 100, 100),
    ]
    rows[1].update(change)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        write_aw319(table(rows), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_writer_needs_every_column(tmp_path):
    t = sample().drop_columns(["zorgverlener_agb"])
    with pytest.raises(ValueError, match="zorgverlener_agb"):
        write_aw319(t, tmp_path)
    assert write_aw319(sample().slice(0, 0), tmp_path) == []


# ---------------------------------------------------------------------------------------------
# size


def test_200_000_prestaties_write_and_read(tmp_path):
    """A sanity check of the vectorised paths at size (no timing assertion)."""
    n, persons, files = 200_000, 25_000, 8
    rng = np.random.default_rng(2026)
    head = rng.integers(0, 10, size=(persons * 2, 8))
    head[:, 0] = rng.integers(1, 10, size=persons * 2)
    check = (head @ np.arange(9, 1, -1)) % 11
    head = head[check <= 9]
    check = check[check <= 9]
    numbers = np.unique(head @ 10 ** np.arange(8, 0, -1) + check)[:persons]
    assert len(numbers) == persons
    bsn = pa.array(numbers.astype("U9"))
    person = rng.integers(0, persons, size=n)
    file_of = person % files
    begin = np.datetime64("2026-01-01") + rng.integers(0, 31, size=n).astype("timedelta64[D]")
    cents = rng.integers(-2_000, 20_000, size=n)
    births = np.datetime64("1930-01-01") + (numbers % 20_000).astype("timedelta64[D]")
    idx = pa.array(person)
    t = pa.table(
        {
            "file_key": pc.binary_join_element_wise(
                "big", pc.cast(pa.array(file_of), pa.string()), "-"
            ),
            "invoice_number": pc.binary_join_element_wise(
                "F", pc.cast(pa.array(file_of), pa.string()), "-"
            ),
            "period_start": pa.array(np.full(n, np.datetime64("2026-01-01"))).cast(pa.date32()),
            "period_end": pa.array(np.full(n, np.datetime64("2026-01-31"))).cast(pa.date32()),
            "invoice_date": pa.array(np.full(n, np.datetime64("2026-02-02"))).cast(pa.date32()),
            "message_code": pa.array(np.full(n, "428")),
            "uzovi": pa.array(np.full(n, "3311")),
            "instelling_agb": pa.array(np.full(n, "75750001")),
            "bsn": bsn.take(idx),
            "birth_date": pa.array(births).cast(pa.date32()).take(idx),
            "sex": pa.array(np.where(numbers % 2 == 0, "1", "2")).take(idx),
            "deceased": pa.array(numbers % 3 == 0).take(idx),
            "prestatiecode": pa.array(np.full(n, "1004")),
            "codelist": pa.array(np.full(n, "065")),
            "begin_date": pa.array(begin).cast(pa.date32()),
            "end_date": pa.array(begin).cast(pa.date32()),
            "quantity": pa.array(np.abs(cents) % 600),
            "time_unit": pa.array(np.full(n, "01")),
            "zorgverlener_agb": pa.array(np.full(n, "90001234")),
            "tariff_cents": pa.array(np.full(n, 8640)),
            "calculated_cents": pa.array(cents),
            "declared_cents": pa.array(cents),
            "reference": pc.binary_join_element_wise(
                "R", pc.cast(pa.array(np.arange(n)), pa.string()), ""
            ),
        }
    )
    paths = write_aw319(t, tmp_path)
    read = [read_aw319(p) for p in paths]
    assert len(paths) == files
    assert sum(f.records.num_rows for f in read) == n
    assert all(f.rejects.num_rows == 0 and f.closing_issues == [] for f in read)
    assert sum(
        f.closing["9907 TOTAAL DECLARATIEBEDRAG"]
        * (-1 if f.closing["9908 INDICATIE DEBET/CREDIT"] == "C" else 1)
        for f in read
    ) == int(cents.sum())
    got = pa.concat_tables(f.records for f in read).select(INPUT_COLUMNS[:-1])
    got = got.take(pc.sort_indices(got, [("reference", "ascending")]))
    want = t.take(pc.sort_indices(t, [("reference", "ascending")]))
    assert got.equals(want.select(INPUT_COLUMNS[:-1]))


# ---------------------------------------------------------------------------------------------
# many files at once


def mixed_files(tmp_path: Path) -> list[Path]:
    """Good files (CRLF and LF), a file with bad records, a closing mismatch, a comment, a
    non-ASCII (ISO-8859-1) file and a file without sluitrecord."""
    paths = write_aw319(sample(), tmp_path / "good")
    out = list(paths)
    lf = tmp_path / "lf.asc"
    lf.write_bytes("".join(line + "\n" for line in lines_of(paths[1])).encode("ascii"))
    out.append(lf)

    bad, _ = three_persons(tmp_path / "bad")
    lines = lines_of(bad)
    lines[3] = put(lines[3], 106, 113, "20260230")
    lines[7] = put(lines[7], 181, 181, "X")
    lines[8] = lines[8][:-1]
    lines[9] = put(lines[9], 1, 2, "05")
    lines[11] = put(lines[11], 54, 61, "19511331")
    lines[12] = put(lines[12], 15, 23, BSN[9])  # a 04 of P3 with another BSN
    lines.insert(1, lines[0])  # a second 01
    lines.append(lines[5])  # after the sluitrecord
    out.append(write_lines(tmp_path / "bad.asc", lines, eol="\n"))

    lines = lines_of(paths[0])
    closing = put(lines[-1], 3, 8, "000004")
    closing = put(closing, 34, 45, "00000028081D")
    comment = "98" + "9".zfill(12) + "0001" + "Opmerking één".ljust(140) + " " * 152
    out.append(write_lines(tmp_path / "mismatch.asc", [*lines[:-1], comment, closing]))
    out.append(write_lines(tmp_path / "no-closing.asc", lines_of(paths[2])[:-1]))
    latin = [put(line, 195, 202, "RÉF-ÀÇ-1") if line[:2] == "04" else line for line in lines]
    out.append(write_lines(tmp_path / "latin.asc", latin))
    out.append(paths[0])  # the same file twice
    return out


def test_read_many_is_the_concatenation_of_read_per_file(tmp_path):
    paths = mixed_files(tmp_path)
    one = [read_aw319(p) for p in paths]
    assert all(f.rejects.num_rows for f in one[4:5]) and one[5].closing_issues
    assert one[7].records["reference"][0].as_py() == "RÉF-ÀÇ-1"
    many = read_aw319_many(paths)
    assert isinstance(many, Aw319Batch) and many.paths == paths

    assert many.records.column_names == list(RECORD_COLUMNS)
    assert many.records.equals(pa.concat_tables([f.records for f in one]))
    rejects = [
        f.rejects.add_column(0, "file_key", pa.array([p.stem] * f.rejects.num_rows, pa.string()))
        for p, f in zip(paths, one, strict=True)
    ]
    assert many.rejects.column_names == ["file_key", *one[0].rejects.column_names]
    assert many.rejects.equals(pa.concat_tables(rejects))
    assert many.rejects.num_rows > 10
    comments = [
        f.comments.add_column(0, "file_key", pa.array([p.stem] * f.comments.num_rows, pa.string()))
        for p, f in zip(paths, one, strict=True)
    ]
    assert many.comments.equals(pa.concat_tables(comments)) and many.comments.num_rows == 1
    assert many.closing_issues == [
        f"{p.name}: {issue}" for p, f in zip(paths, one, strict=True) for issue in f.closing_issues
    ]
    assert len(many.closing_issues) >= 6
    assert many.file_closing_issues == [f.closing_issues for f in one]
    assert many.counts == {code: sum(f.counts[code] for f in one) for code in one[0].counts}
    assert many.file_counts == [f.counts for f in one]
    assert many.headers == [f.header for f in one]
    assert many.closings == [f.closing for f in one]


def test_read_many_in_groups_and_of_nothing(tmp_path, monkeypatch):
    paths = mixed_files(tmp_path)
    whole = read_aw319_many(paths)
    monkeypatch.setattr(aw319, "_GROUP_BYTES", 5_000)  # a group per file or two
    parts = read_aw319_many(paths)
    for name in ("records", "rejects", "comments"):
        assert getattr(parts, name).equals(getattr(whole, name)), name
    for name in ("closing_issues", "counts", "headers", "closings", "file_counts"):
        assert getattr(parts, name) == getattr(whole, name), name
    empty = read_aw319_many([])
    assert empty.records.num_rows == 0 and empty.records.column_names == list(RECORD_COLUMNS)
    assert empty.closing_issues == [] and empty.counts["04"] == 0


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"", 1),
        (b"\r\n\r\n", 1),
        (b"01" + b" " * 308 + b"\r\n\x00\x01\x02PK\x03\x04", 2),
        (b"99" + b"0" * 43 + b"D" + b" " * 264 + b"\r\n", 1),
        (b"01428" + b" " * 100 + b"\r\n", 1),
        (None, 1),  # missing
    ],
)
def test_read_many_raises_naming_the_unreadable_file(tmp_path, content, line):
    good = write_aw319(sample(), tmp_path)
    broken = tmp_path / "broken.asc"
    if content is not None:
        broken.write_bytes(content)
    with pytest.raises(Aw319Error) as e:
        read_aw319_many([good[0], good[1], broken, good[2]])
    assert str(broken) in str(e.value) and f"line {line}:" in str(e.value)
    with pytest.raises(Aw319Error) as single:
        read_aw319(broken)
    assert str(e.value) == str(single.value)


def test_read_many_names_the_first_unreadable_file(tmp_path):
    good = write_aw319(sample(), tmp_path)
    no_header = write_lines(tmp_path / "no-header.asc", lines_of(good[0])[1:])
    binary = tmp_path / "binary.asc"
    binary.write_bytes(good[1].read_bytes() + b"\x00")
    missing = tmp_path / "missing.asc"
    for paths, first in [
        ([good[0], no_header, binary, missing], no_header),
        ([good[0], binary, no_header, missing], binary),
        ([good[0], missing, binary, no_header], missing),
    ]:
        with pytest.raises(Aw319Error) as e:
            read_aw319_many(paths)
        assert str(e.value).startswith(f"{first}: line ")


def test_read_many_keeps_identifiers_out_of_rejects_and_issues(tmp_path):
    paths = mixed_files(tmp_path)
    many = read_aw319_many(paths)
    shown = " ".join(
        [*(str(v) for r in many.rejects.to_pylist() for v in r.values()), *many.closing_issues]
    )
    for secret in [*BSN, "19511331", "ONBEKEND"]:
        assert secret not in shown


def test_2_000_small_files_at_once(tmp_path):
    """Many small files as real exports come (one per provider x financer x month); no timing."""
    files, per_file = 2_000, 25
    n = files * per_file
    bsn = pa.array(make_bsns(50, seed=7))
    k = np.arange(n)
    file_of = k // per_file
    cents = (k * 7919) % 30_000 - 5_000
    t = pa.table(
        {
            "file_key": pc.binary_join_element_wise(
                "p", pc.cast(pa.array(file_of), pa.string()), ""
            ),
            "invoice_number": pc.binary_join_element_wise(
                "F", pc.cast(pa.array(file_of), pa.string()), ""
            ),
            "period_start": pa.array([D(2026, 1, 1)] * n, pa.date32()),
            "period_end": pa.array([D(2026, 1, 31)] * n, pa.date32()),
            "invoice_date": pa.array([D(2026, 2, 2)] * n, pa.date32()),
            "message_code": pa.array(["428"] * n),
            "uzovi": pa.array(["3311"] * n),
            "instelling_agb": pa.array(["75750001"] * n),
            "bsn": bsn.take(pa.array(k % 50)),
            "birth_date": pa.array([D(1940, 1, 1)] * n, pa.date32()),
            "sex": pa.array(["1"] * n),
            "deceased": pa.array([False] * n),
            "prestatiecode": pa.array(["1004"] * n),
            "codelist": pa.array(["065"] * n),
            "begin_date": pa.array([D(2026, 1, 5)] * n, pa.date32()),
            "end_date": pa.array([D(2026, 1, 5)] * n, pa.date32()),
            "quantity": pa.array(k % 600),
            "time_unit": pa.array(["01"] * n),
            "zorgverlener_agb": pa.array(["90001234"] * n),
            "tariff_cents": pa.array(np.full(n, 8640)),
            "calculated_cents": pa.array(cents),
            "declared_cents": pa.array(cents),
            "reference": pc.binary_join_element_wise("R", pc.cast(pa.array(k), pa.string()), ""),
        }
    )
    paths = write_aw319(t, tmp_path)
    assert len(paths) == files
    many = read_aw319_many(paths)
    assert many.records.num_rows == n and many.rejects.num_rows == 0
    assert many.closing_issues == [] and many.counts["04"] == n
    got = many.records.select(INPUT_COLUMNS[:-1])
    got = got.take(pc.sort_indices(got, [("reference", "ascending")]))
    want = t.take(pc.sort_indices(t, [("reference", "ascending")]))
    assert got.equals(want.select(INPUT_COLUMNS[:-1]))
    # line numbers within each file: 01, then a 02 and a 04 per prestatie (25 persons a file)
    assert many.records["record_number"].to_pylist() == list(range(3, 2 * per_file + 2, 2)) * files
