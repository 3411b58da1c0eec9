"""Vektis ZH308 v9.0, "Declaratie DBC/ziekenhuiszorg": its layout, record rules, writer and
reader, on the fixed-width engine (:mod:`passend.claims.vektis.fixedwidth`).

The claims file of hospitals and other institutions for medical specialist care (medisch-
specialistische zorg): fixed-width records of 610 characters, from the standard's field list
``layouts/ZH308v9.0_fields.txt`` (Vektis, version 9.0 of 12-07-2013).

====  ====================  =====================================================
code  record                here
====  ====================  =====================================================
01    voorlooprecord        one per file: sender, invoice number and period
02    verzekerdenrecord     one per insured person, before that person's records
04    prestatierecord       one per claimed prestatie (DBC-zorgproduct, overig
                            zorgproduct, ...): code, dates, quantity, instelling
06    tariefrecord          the money of the prestatie before it: tariff and amount
16    zorgactiviteitrecord  a zorgactiviteit of the prestatie before it; read and
                            checked, never written (passend holds no zorgactiviteiten)
98    commentaarrecord      free text; read, never written
99    sluitrecord           record counts and the total declared amount
====  ====================  =====================================================

``write_zh308(lines, out_dir) -> list[Path]``: one row per prestatie (``WRITE_COLUMNS``), written
as a 04 and one 06 record; one file ``<file_key>.zh308`` per key. ``read_zh308(path)`` and
``read_zh308_many(paths)`` return a :class:`Zh308Batch` (as AW319's): ``records`` (one row per
accepted 04, ``RECORD_COLUMNS``, with its 02's person fields, its 01's file fields and the sum of
its 06 records' declared amounts), ``rejects`` (file_key, record_number, record_type, field,
value, reason), ``closing_issues``, ``closings``, ``counts``.

Record rules (``RULES``): every field checked by its type and pattern; 0203/0403/0603/1603 pass
the BSN 11-test; 0223 is 1 or 2. A 04 belongs to the last 02 before it (0403, 0404, 0405 and
0408 equal 0203, 0204, 0205, 0207), a 06 and a 16 to the last 04 before it (BSN, UZOVI,
insured number, code list, prestatiecode, begin date and volgnummer equal the 04's). A 04 is
rejected without an accepted 06 or with a rejected one (its amount would be incomplete). The
sluitrecord: 9902 = 02, 9903 = 03 (debiteurrecords; not in this layout), 9904 = 04, 9905 = 06,
9906 = 16, 9907 = 98, 9908 = all detail records, 9909/9910 = the sum of 0620/0621.

Fields written (the rest as the standard says for "not used": zeros or spaces):

* 01: 0102 "101" (ziekenhuiszorg/DBC, prescribed), 0103 "09", 0104 "00" (no subversion),
  0105 "P" (production), 0108 the file's UZOVI when all its rows share one (else "0000"), 0112
  the instelling's AGB, 0113 "04" (pay the instelling of 0112), 0114/0115 the period, 0116 the
  invoice number, 0117 its date, 0119 "EUR" (prescribed).
* 02: 0202, 0203 (the BSN), 0204, 0207, 0208, 0209 "1", 0210 ``NAME_PLACEHOLDER``, 0212 "0",
  0215 ``INITIALS_PLACEHOLDER``, 0216 "0", 0223 (1 deceased, 2 alive). Names and address
  (0210-0221) are not in passend: placeholders that satisfy the patterns, address empty.
* 04: 0402, 0403, 0404, 0407 "1" (forwarding allowed, the default), 0408 the birth date,
  0409 the code list, 0410 the prestatiecode, 0411/0412 the dates, 0413 the volgnummer (1, 2,
  ... among the person's prestaties with the same code and begin date), 0426 the quantity, 0439
  the specialism when given, 0440 the instelling's AGB, 0457 D/C of the amount, 0458 the
  reference, 0459 the previous reference when given.
* 06: 0602, 0603-0606, 0608-0610 as the 04 (prescribed), 0611 "02" (soort prestatie/tarief:
  kostendeel instelling, the DBC code the layout names), 0614 the tariff, 0615 "10000" (100 %
  in hundredths of a percent, as the layout's example "09000 = 90%"), 0617/0618 and
  0620/0621 the amount (passend claims one amount: berekend = gedeclareerd), 0622 the
  reference.

Mandatory or DBC fields passend does not know, written as "not used" (zeros / spaces); a reader
of these files must not take them for facts:

* 0421 CODE (ZELF)VERWIJZER (M, COD327): "00"; passend records no referrer. 0420, 0422-0425
  (referral date, referrer AGB/specialism/instelling, referring trajectory): empty.
* 0436 CODE HERDECLARATIE (M, COD651): "00"; passend writes first declarations only.
* 0414-0419 (zorgproductcode, zorgtraject and subtraject numbers and dates, closing reason),
  0427-0433 (zorgtype, zorgvraag, diagnosis code lists and codes, ICD-10), 0441-0447 (hash
  total, grouper): empty; the DBC grouper's output is not in passend.
* 0439 ZORGVERLENERSSPECIFICATIE (C, "verplicht voor DBC-zorgproducten"): only when the input
  gives a 4-digit code; passend's specialties have no COD016 codes in the sources at hand.
* 0448-0456 (zorgactiviteit, zorgpad, paramedical fields, accident): empty; 16 records are not
  written (9906 = 0). 0607 (second code list), 0612/0613 (the treating professional's AGB
  and specialism), 0616 (toeslag), 0619 (VAT: care is exempt): empty.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from passend.claims.vektis import fixedwidth as fw

RECORD_LENGTH = 610
SUFFIX = ".zh308"
WHO = "write_zh308"
MESSAGE_CODE = "101"
FULL_PERCENTAGE = "10000"  # 0615 VERREKENPERCENTAGE: 100 % in hundredths of a percent
TARIFF_KIND = "02"  # 0611 SOORT PRESTATIE/TARIEF: kostendeel instelling (DBC)

_INT_FIELDS = frozenset(
    {"0202", "0402", "0602", "1602", "9802", "9803", "0426", "0614", "0615", "0617", "0619"}
    | {"0620", "1614", "9902", "9903", "9904", "9905", "9906", "9907", "9908", "9909"}
)
_LAYOUT = fw.load_layout(fw.LAYOUTS / "ZH308v9.0_fields.txt", "ZH308", RECORD_LENGTH, _INT_FIELDS)
LAYOUT: dict[str, tuple[fw.Field, ...]] = _LAYOUT.records
RECORD_TYPES: dict[str, str] = _LAYOUT.names


class Zh308Error(fw.FixedWidthError):
    """The file cannot be read as a ZH308 file at all (the message names file and line)."""


# the key fields of a 06 or 16 record -> the 04's (BSN, UZOVI, insured number, code list,
# prestatiecode, begin date, volgnummer)
_KEYS_04 = ("0403", "0404", "0405", "0409", "0410", "0411", "0413")
_KEYS_06 = dict(
    zip(("0603", "0604", "0605", "0606", "0608", "0609", "0610"), _KEYS_04, strict=True)
)
_KEYS_16 = dict(
    zip(("1603", "1604", "1605", "1606", "1607", "1608", "1609"), _KEYS_04, strict=True)
)

RULES = fw.Rules(
    layout=_LAYOUT,
    error=Zh308Error,
    hidden=frozenset(
        {"0203", "0205", "0206", "0207", "0210", "0211", "0213", "0214", "0215", "0217"}
        | {"0218", "0219", "0220", "0222", "0403", "0405", "0408", "0603", "0605"}
        | {"1603", "1605"}
    ),
    bsn_fields=frozenset({"0203", "0403", "0603", "1603"}),
    allowed={"0223": (("1", "2"), "not 1 (deceased) or 2 (alive)")},
    parents={
        "04": ("02", {"0403": "0203", "0404": "0204", "0405": "0205", "0408": "0207"}),
        "06": ("04", _KEYS_06),
        "16": ("04", _KEYS_16),
    },
    counts={
        "9902": ("02",),
        "9903": ("03",),
        "9904": ("04",),
        "9905": ("06",),
        "9906": ("16",),
        "9907": ("98",),
        "9908": ("02", "03", "04", "06", "16", "98"),
    },
    total=("9909", "9910", "06", "0620", "0621"),
    required_children={"04": "06"},
    links=("06", "16"),
)

WRITE_COLUMNS: dict[str, pa.DataType] = {
    "file_key": pa.string(),
    "invoice_number": pa.string(),
    "period_start": pa.date32(),
    "period_end": pa.date32(),
    "invoice_date": pa.date32(),
    "uzovi": pa.string(),
    "instelling_agb": pa.string(),
    "bsn": pa.string(),
    "birth_date": pa.date32(),
    "sex": pa.string(),
    "deceased": pa.bool_(),
    "prestatiecode": pa.string(),
    "codelist": pa.string(),
    "begin_date": pa.date32(),
    "end_date": pa.date32(),
    "quantity": pa.int64(),
    "tariff_cents": pa.int64(),
    "declared_cents": pa.int64(),
    "reference": pa.string(),
}
_OPTIONAL = {"specialism": pa.string(), "previous_reference": pa.string()}

# records: field -> column, per record type
_FROM_01 = {
    "0116": "invoice_number",
    "0114": "period_start",
    "0115": "period_end",
    "0117": "invoice_date",
    "0102": "message_code",
    "0112": "instelling_agb",
}
_FROM_02 = {"0203": "bsn", "0207": "birth_date", "0208": "sex", "0223": "deceased"}
_FROM_04 = {
    "0402": "detail_id",
    "0404": "uzovi",
    "0409": "codelist",
    "0410": "prestatiecode",
    "0411": "begin_date",
    "0412": "end_date",
    "0413": "sequence",
    "0426": "quantity",
    "0439": "specialism",
    "0440": "institution_agb",
    "0457": "debit_credit",
    "0458": "reference",
    "0459": "previous_reference",
}
_RECORD_SCHEMA = pa.schema(
    [
        ("file_key", pa.string()),
        ("record_number", pa.int64()),
        ("detail_id", pa.int64()),
        *[
            (c, pa.date32() if "period" in c or "date" in c else pa.string())
            for c in _FROM_01.values()
        ],
        ("uzovi", pa.string()),
        ("bsn", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("deceased", pa.bool_()),
        *[
            (c, pa.date32() if c.endswith("_date") else pa.string())
            for c in _FROM_04.values()
            if c not in ("detail_id", "uzovi", "quantity")
        ],
        ("quantity", pa.int64()),
        ("tariff_cents", pa.int64()),
        ("declared_cents", pa.int64()),
        ("tariff_records", pa.int64()),
    ]
)
RECORD_COLUMNS: tuple[str, ...] = tuple(_RECORD_SCHEMA.names)


Zh308Batch = fw.Batch  # what read_zh308_many read; ``links``: 06/16 -> their 04


# ---------------------------------------------------------------------------------------------
# writing


def _inputs(t: pa.Table) -> dict[str, pa.Array]:
    missing = [c for c in WRITE_COLUMNS if c not in t.column_names]
    if missing:
        raise ValueError(f"{WHO}: missing column(s) {missing}")
    cols = {name: fw.input_column(t, name, typ, WHO) for name, typ in WRITE_COLUMNS.items()}
    for name, typ in _OPTIONAL.items():
        given = name in t.column_names
        col = fw.input_column(t, name, typ, WHO) if given else fw.repeat("", typ, t.num_rows)
        cols[name] = pc.fill_null(col, "")
    for name, c in cols.items():
        fw.check(pc.is_valid(c), name, "empty (null)", WHO)
    for name, width in {"uzovi": 4, "instelling_agb": 8, "codelist": 3}.items():
        regex = f"^[0-9]{{{width}}}$"
        fw.check(pc.match_substring_regex(cols[name], regex), name, f"{width} digits", WHO)
    specialism = pc.match_substring_regex(cols["specialism"], "^([0-9]{4})?$")
    fw.check(specialism, "specialism", "4 digits or empty", WHO)
    fw.check(fw.bsn_valid(cols["bsn"]), "bsn", "not 9 digits passing the BSN 11-test", WHO)
    fw.check(pc.is_in(cols["sex"], pa.array(["1", "2"])), "sex", "'1' or '2'", WHO)
    fw.file_key_rule(cols["file_key"], WHO)
    fw.text_rule(cols["invoice_number"], "invoice_number", 12, True, WHO)
    fw.text_rule(cols["prestatiecode"], "prestatiecode", 6, True, WHO)
    fw.text_rule(cols["reference"], "reference", 20, True, WHO)
    fw.text_rule(cols["previous_reference"], "previous_reference", 20, False, WHO)
    q = fw.np_(cols["quantity"])
    fw.check((q >= 0) & (q <= 9999), "quantity", "not in 0-9999", WHO)
    t_ = fw.np_(cols["tariff_cents"])
    fw.check((t_ >= 0) & (t_ <= 99_999_999), "tariff_cents", "not in 0-99999999", WHO)
    a = np.abs(fw.np_(cols["declared_cents"]))
    fw.check(a <= 99_999_999, "declared_cents", "absolute value above 99999999", WHO)
    fw.check_years(cols, WRITE_COLUMNS, WHO)
    return cols


def _sequence(c: dict[str, pa.Array]) -> np.ndarray:
    """0413 PRESTATIEVOLGNUMMER: 1, 2, ... among the rows (in file order) of one person with the
    same prestatiecode and begin date."""
    key = pc.binary_join_element_wise(
        c["file_key"],
        c["bsn"],
        c["uzovi"],
        c["prestatiecode"],
        pc.cast(c["begin_date"], pa.string()),
        "\x1f",
    )
    ids = fw.np_(pc.dictionary_encode(key).indices).astype(np.int64)
    order = np.lexsort((np.arange(len(ids)), ids))
    starts = np.r_[True, ids[order][1:] != ids[order][:-1]]
    run = np.arange(len(ids)) - np.maximum.accumulate(np.where(starts, np.arange(len(ids)), 0))
    seq = np.empty(len(ids), dtype=np.int64)
    seq[order] = run + 1
    return seq


def write_zh308(lines: pa.Table, out_dir: Path) -> list[Path]:
    """Write one ZH308 file ``<file_key>.zh308`` per file key in ``out_dir``; see the module doc.
    A value that does not fit raises ``ValueError`` naming the column and row, never the value."""
    out_dir = Path(out_dir)
    cols = _inputs(lines)
    if lines.num_rows == 0:
        return []
    g = fw.group_persons(cols["file_key"], cols["bsn"], cols["uzovi"], per_row=2)
    take = pa.array(g.order)
    c = {name: col.take(take) for name, col in cols.items()}
    n = len(g.order)
    file_cols = ("invoice_number", "period_start", "period_end", "invoice_date", "instelling_agb")
    g.same_within(c, file_cols, ("birth_date", "sex", "deceased"), WHO)
    seq = _sequence(c)
    if (seq > 99).any():
        raise ValueError(
            f"{WHO}: row {int(g.order[np.argmax(seq > 99)])}: more than 99 equal prestaties"
        )
    decl = c["declared_cents"]
    shared = {  # fields the 06 record repeats from its 04
        "03": c["bsn"],
        "04": c["uzovi"],
        "codelist": c["codelist"],
        "code": c["prestatiecode"],
        "begin": fw.yyyymmdd(c["begin_date"]),
        "seq": fw.digits(seq),
    }
    r04 = fw.format_records(
        _LAYOUT,
        "04",
        n,
        {
            "0402": fw.digits(g.first_id),
            "0403": shared["03"],
            "0404": shared["04"],
            "0407": "1",
            "0408": fw.yyyymmdd(c["birth_date"]),
            "0409": shared["codelist"],
            "0410": shared["code"],
            "0411": shared["begin"],
            "0412": fw.yyyymmdd(c["end_date"]),
            "0413": shared["seq"],
            "0426": fw.digits(c["quantity"]),
            "0439": pc.if_else(pc.equal(c["specialism"], ""), pa.scalar("0000"), c["specialism"]),
            "0440": c["instelling_agb"],
            "0457": fw.sign(decl),
            "0458": c["reference"],
            "0459": c["previous_reference"],
        },
        WHO,
    )
    amount, dc = fw.digits(pc.abs(decl)), fw.sign(decl)
    r06 = fw.format_records(
        _LAYOUT,
        "06",
        n,
        {
            "0602": fw.digits(g.first_id + 1),
            "0603": shared["03"],
            "0604": shared["04"],
            "0606": shared["codelist"],
            "0608": shared["code"],
            "0609": shared["begin"],
            "0610": shared["seq"],
            "0611": TARIFF_KIND,
            "0614": fw.digits(c["tariff_cents"]),
            "0615": FULL_PERCENTAGE,
            "0617": amount,
            "0618": dc,
            "0620": amount,
            "0621": dc,
            "0622": c["reference"],
        },
        WHO,
    )
    r02 = fw.format_records(_LAYOUT, "02", len(g.person_start), fw.person_values(c, g), WHO)
    nfiles = len(g.file_keys)
    values01 = fw.header_values(c, g) | {"0102": MESSAGE_CODE, "0103": "09", "0104": "00"}
    r01 = fw.format_records(_LAYOUT, "01", nfiles, values01, WHO)
    totals = fw.file_totals(decl, g, WHO)
    r99 = fw.format_records(
        _LAYOUT,
        "99",
        nfiles,
        {
            "9902": fw.digits(g.persons),
            "9904": fw.digits(g.file_rows),
            "9905": fw.digits(g.file_rows),
            "9908": fw.digits(g.persons + 2 * g.file_rows),
            "9909": fw.digits(np.abs(totals)),
            "9910": pc.if_else(pa.array(totals < 0), pa.scalar("C"), pa.scalar("D")),
        },
        WHO,
    )
    at = g.offset[g.file_of] + g.first_id
    placed = [
        (r01, g.offset),
        (r02, g.offset[g.file_of[g.person_start]] + g.person_id),
        (r04, at),
        (r06, at + 1),
        (r99, g.offset + g.size - 1),
    ]
    return fw.write_files(g, placed, out_dir, SUFFIX)


# ---------------------------------------------------------------------------------------------
# reading


def _records(p: fw.Parsed) -> pa.Table:
    """One row per accepted prestatierecord, with its person's and its file's fields and the
    sum of its tariefrecords' declared amounts."""
    part04, part06 = p.parts["04"], p.parts["06"]
    accepted = ~part04.bad
    keep = pa.array(accepted)
    lines = part04.rows[accepted]
    file_idx = pa.array(p.file_of[lines])
    cols: dict[str, pa.Array] = {
        "file_key": p.stems.take(file_idx),
        "record_number": pa.array(p.numbers[lines], pa.int64()),
    }
    for number, name in _FROM_01.items():
        cols[name] = p.header[number].take(file_idx)
    idx02 = pa.array(part04.parent[accepted])
    f02 = p.parts["02"].fields
    for number, name in _FROM_02.items():
        cols[name] = f02[number].take(idx02)
    cols["deceased"] = pc.equal(cols["deceased"], "1")
    for number, name in _FROM_04.items():
        cols[name] = part04.fields[number].filter(keep)
    cols["specialism"] = pc.if_else(
        pc.equal(cols["specialism"], "0000"), pa.scalar(""), cols["specialism"]
    )
    # the accepted tariefrecords of every prestatierecord: their sum and the first's tariff
    ok06 = ~part06.bad
    at = part06.parent[ok06]
    m = len(part04.rows)
    cents = fw.np_(pc.fill_null(fw.signed(part06.fields["0620"], part06.fields["0621"]), 0)).astype(
        np.int64
    )[ok06]
    tariffs = np.r_[fw.np_(pc.fill_null(part06.fields["0614"], 0)).astype(np.int64)[ok06], 0]
    first = np.full(m, len(at), dtype=np.int64)  # len(at): none (tariff 0)
    first[at[::-1]] = np.arange(len(at))[::-1]
    declared = np.zeros(m, dtype=np.int64)
    np.add.at(declared, at, cents)
    cols["declared_cents"] = pa.array(declared[accepted])
    cols["tariff_cents"] = pa.array(tariffs[first][accepted])
    cols["tariff_records"] = pa.array(np.bincount(at, minlength=m)[accepted].astype(np.int64))
    return pa.table(
        [pc.cast(cols[c], _RECORD_SCHEMA.field(c).type) for c in RECORD_COLUMNS],
        schema=_RECORD_SCHEMA,
    )


_GROUP_BYTES = 256 << 20


def read_zh308_many(paths: list[Path]) -> Zh308Batch:
    """Read many ZH308 files at once; see the module doc."""
    paths = [Path(p) for p in paths]
    return fw.read_many(paths, RULES, _GROUP_BYTES, _records, _RECORD_SCHEMA)


def read_zh308(path: Path) -> Zh308Batch:
    """Read one ZH308 file; see the module doc."""
    return read_zh308_many([Path(path)])


__all__ = [
    "LAYOUT",
    "RECORD_COLUMNS",
    "RECORD_LENGTH",
    "RECORD_TYPES",
    "RULES",
    "WRITE_COLUMNS",
    "Zh308Batch",
    "Zh308Error",
    "read_zh308",
    "read_zh308_many",
    "write_zh308",
]
