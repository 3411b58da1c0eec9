"""Vektis AW319 v1.4, "Declaratie Wlz, WV, ELV en ZG zorg": its layout, record rules, writer
and reader, on the fixed-width engine (:mod:`passend.claims.vektis.fixedwidth`).

The claims file of district nursing (wijkverpleging, WV), first-line stays (eerstelijnsverblijf,
ELV) and long-term care (Wlz): fixed-width records of 310 characters.

====  =================  =========================================================
code  record             here
====  =================  =========================================================
01    voorlooprecord     one per file, first: sender, invoice number and period
02    verzekerdenrecord  one per insured person, before that person's 04 records
04    prestatierecord    one per claimed service (prestatie)
98    commentaarrecord   free text; read, never written
99    sluitrecord        last: record counts and the total declared amount
====  =================  =========================================================

API
---
``LAYOUT: dict[str, tuple[Field, ...]]``
    The record layout per record code, parsed once at import from the standard's field list
    ``layouts/AW319v1.4_fields.txt`` (Vektis, version 1.4 of 06-04-2012). A :class:`Field` has
    ``record``, ``number`` (4 digits, e.g. "0414"), ``name``, ``type`` ("N" or "AN"),
    ``length``, ``start`` and ``end`` (1-based, inclusive, as the standard's "Eindpositie"),
    ``obligation`` (M, C, O or S) and ``pattern`` (e.g. "EEJJMMDD"); ``label`` is
    "0414 BEGINDATUM PRESTATIE".

``write_aw319(lines: pa.Table, out_dir: Path) -> list[Path]``
    ``lines`` has one row per prestatie, columns (``WRITE_COLUMNS``): ``file_key`` (string; one
    file ``<file_key>.asc`` per key), ``invoice_number`` (0116, at most 12 characters),
    ``period_start`` (0114), ``period_end`` (0115), ``invoice_date`` (0117) (date32),
    ``message_code`` (0102: "187" Wlz, "428" WV and ELV), ``uzovi`` (0204/0404, 4 digits),
    ``instelling_agb`` (0112, 8 digits), ``bsn`` (0203/0403, 9 digits passing the 11-test),
    ``birth_date`` (0207, date32), ``sex`` (0208, "1" or "2"), ``deceased`` (0223, bool),
    ``prestatiecode`` (0417, at most 5), ``codelist`` (0416, 3 digits), ``begin_date`` (0414)
    and ``end_date`` (0415) (date32), ``quantity`` (0418, int, 0-9999), ``time_unit`` (0419,
    2 digits or empty), ``zorgverlener_agb`` (0420, 8 digits), ``tariff_cents`` (0425, >= 0),
    ``calculated_cents`` (0426/0427) and ``declared_cents`` (0429/0430) (signed int64: negative
    is a credit, written as the absolute value with indicator "C", else "D"), ``reference``
    (0431, at most 20); optional ``previous_reference`` (0432, at most 20). File-level columns
    (invoice, period, message code, instelling) must be equal on every row of a file, and a
    person's birth date, sex and deceased flag on every row of that person. Files are written
    in the order the keys first appear; the paths are returned. A value that does not fit its
    field raises ``ValueError`` naming the column and the row (0-based index), never the value;
    nothing is written then.

``read_aw319(path: Path) -> Aw319File``
    ``header`` (dict label -> value of the 01 fields), ``records`` (one row per accepted 04
    record, columns ``RECORD_COLUMNS``: ``file_key`` (the file name without suffix),
    ``record_number`` (1-based line number), ``detail_id`` (0402), the header columns, every
    04 field under the ``write_aw319`` name where there is one, ``debit_credit`` (0430), the
    insured person's ``bsn``, ``birth_date``, ``sex`` and ``deceased`` from the 02 record, and
    the other 04 fields under descriptive names), ``comments`` (98 records), ``closing`` (dict
    of the 99 fields), ``closing_issues`` (list of str: the 99 counts and total against what
    was read; a mismatch is reported, never raised), ``rejects`` (``record_number``,
    ``record_type``, ``field``, ``value``, ``reason``; a record can have several rows) and
    ``counts`` (lines read per record type, "??" for unknown types). For 04 records:
    ``counts["04"]`` = ``records.num_rows`` + distinct rejected record numbers of type "04".
    A structurally unreadable file (cannot be opened, empty, not text, first record not a
    voorlooprecord of 310 characters) raises :class:`Aw319Error` naming the file and line.

``read_aw319_many(paths: list[Path]) -> Aw319Batch``
    Many files at once, with (nearly) no cost per file (the engine reads all lines of a group
    of files together). The result is exactly what ``read_aw319`` gives per file,
    concatenated in the order of ``paths``: ``records`` (same columns; ``record_number`` is the
    line number within its own file), ``rejects`` (with ``file_key`` first), ``comments`` (with
    ``file_key`` first), ``closing_issues`` (each prefixed with the file name, "name.asc:
    ..."), ``counts`` (summed), and per file, in the order of ``paths``: ``headers``,
    ``closings``, ``file_closing_issues`` (unprefixed) and ``file_counts``. An unreadable file
    raises :class:`Aw319Error` as ``read_aw319`` would, for the first such file in ``paths``.
    Files are parsed in groups of about ``_GROUP_BYTES`` (256 MiB) to bound memory.

``bsn_valid(values) -> pa.BooleanArray``
    True where a value is 9 digits passing the BSN 11-test.

Conventions and choices (the engine's: line ends, character sets, "not used" fields)
-----------------------------------------------------------------------------------
* Fields the input does not give are filled as the standard says for "not used": numeric with
  zeros, alphanumeric with spaces, with these exceptions: 0103 "01", 0104 "04" (version 1.4),
  0105 "P" (production), 0108 the file's UZOVI when all its rows share one (else "0000"),
  0113 "04" (pay the instelling of 0112), 0119 "EUR", 0209 "1" (prescribed), 0212 "0" (no
  second name), 0216 "0", 0407 "1" (forwarding allowed, prescribed).
* Names are not in the input and never leave the source system: the mandatory 0210 NAAM
  VERZEKERDE (01) is written as ``NAME_PLACEHOLDER`` ("ONBEKEND") and 0215 VOORLETTERS as
  ``INITIALS_PLACEHOLDER`` ("X"); both satisfy the field patterns. The address (0217-0221) is
  left empty, although the standard asks for a Dutch postcode or a country code.
* 0419 TIJDSEENHEID ZORGPERIODE (COD218): an empty ``time_unit`` is written as "00" and "00"
  reads back as "". Other codes pass through: 01 minute, 04 hour, 07 five minutes, 11 daytime
  (WV), 14 etmaal (24 hours), and 16, 31, 41, 81 of the code list.
* Detail records (02 and 04) are numbered 1, 2, 3, ... in file order (0202/0402). Persons are
  grouped by (file, BSN, UZOVI) in the order they first appear; a person's lines keep their
  input order. 9903 (debiteurrecords) is 0; 9905 counts the 98 records.
* A credit line needs 0432 (the related earlier prestatierecord) by the standard: pass
  ``previous_reference``; it is not enforced.

Checks on reading (record rules: ``RULES``)
-------------------------------------------
A line that is not 310 characters, has an unknown record type, is a second 01 or follows the
99 record is rejected. Per field: numeric fields must be digits, date fields (EEJJMMDD) real
calendar dates, D/C indicators "D" or "C", 0203/0403 must pass the BSN 11-test, 0223 must be
1 or 2. A 04 record is rejected on its own; also when it has no 02 record before it, when
that 02 was rejected, or when its key fields (0403, 0404, 0405, 0408, 0409) differ from the
02's. The code-list indicator 0416 (and code lists in general) is kept as information, never a
reason to reject. Bad header fields are rejects of line 1 and ``None`` in ``header``. The
sluitrecord: 9902 = 02 records, 9903 = 03, 9904 = 04, 9905 = 98, 9906 = all of those, 9907/9908
= the sum of 0429/0430.

Privacy: the BSN, insured/patient/client numbers, birth date, names, initials and address are
never put in ``rejects`` (their value is ``HIDDEN``, "<verborgen>"), in ``closing_issues``, in
an exception message or in a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from passend.claims.vektis import fixedwidth as fw
from passend.claims.vektis.fixedwidth import (
    HIDDEN,
    INITIALS_PLACEHOLDER,
    LINE_END,
    NAME_PLACEHOLDER,
    Field,
    bsn_valid,
)

__all__ = [
    "HIDDEN",
    "INITIALS_PLACEHOLDER",
    "LAYOUT",
    "LINE_END",
    "NAME_PLACEHOLDER",
    "RECORD_COLUMNS",
    "RECORD_LENGTH",
    "RECORD_TYPES",
    "WRITE_COLUMNS",
    "Aw319Batch",
    "Aw319Error",
    "Aw319File",
    "Field",
    "bsn_valid",
    "read_aw319",
    "read_aw319_many",
    "write_aw319",
]

RECORD_LENGTH = 310
WHO = "write_aw319"

# Numeric fields that are quantities (read as int64); other numeric fields are codes (strings).
_INT_FIELDS = frozenset(
    {"0202", "0402", "9802", "9803", "0418", "0424", "0425", "0426", "0428", "0429"}
    | {"9902", "9903", "9904", "9905", "9906", "9907"}
)
_LAYOUT = fw.load_layout(fw.LAYOUTS / "AW319v1.4_fields.txt", "AW319", RECORD_LENGTH, _INT_FIELDS)
LAYOUT: dict[str, tuple[Field, ...]] = _LAYOUT.records
RECORD_TYPES: dict[str, str] = _LAYOUT.names
_FIELDS: dict[str, Field] = _LAYOUT.fields


class Aw319Error(fw.FixedWidthError):
    """The file cannot be read as an AW319 file at all (the message names file and line)."""


# read_aw319 records: 04 field -> column (amounts are signed by their D/C indicator)
_RECORD_FIELDS_04 = {
    "0402": "detail_id",
    "0404": "uzovi",
    "0416": "codelist",
    "0417": "prestatiecode",
    "0414": "begin_date",
    "0415": "end_date",
    "0418": "quantity",
    "0419": "time_unit",
    "0420": "zorgverlener_agb",
    "0425": "tariff_cents",
    "0426": "calculated_cents",
    "0429": "declared_cents",
    "0430": "debit_credit",
    "0431": "reference",
    "0432": "previous_reference",
    "0405": "insured_number",
    "0406": "authorisation_number",
    "0407": "forwarding_allowed",
    "0408": "indication_body",
    "0409": "indication_client_number",
    "0410": "indication_request_number",
    "0411": "indication_decision_number",
    "0412": "function_code",
    "0413": "zzp_code",
    "0421": "specialism",
    "0422": "referrer_agb",
    "0423": "referrer_specialism",
    "0424": "settlement_percentage",
    "0428": "vat_percentage",
}
_RECORD_FIELDS_01 = {
    "0116": "invoice_number",
    "0114": "period_start",
    "0115": "period_end",
    "0117": "invoice_date",
    "0102": "message_code",
    "0112": "instelling_agb",
}
_RECORD_FIELDS_02 = {"0203": "bsn", "0207": "birth_date", "0208": "sex", "0223": "deceased"}
# 04 key fields that must equal those of the 02 record they belong to
_KEY_FIELDS = {"0403": "0203", "0404": "0204", "0405": "0205", "0408": "0224", "0409": "0225"}

RULES = fw.Rules(
    layout=_LAYOUT,
    error=Aw319Error,
    # identifying fields whose value never goes into a reject, a message or a log
    hidden=frozenset(
        {"0203", "0205", "0206", "0207", "0210", "0211", "0213", "0214", "0215"}
        | {"0217", "0218", "0219", "0220", "0222", "0225", "0403", "0405", "0409"}
    ),
    bsn_fields=frozenset({"0203", "0403"}),
    allowed={"0223": (("1", "2"), "not 1 (deceased) or 2 (alive)")},
    parents={"04": ("02", _KEY_FIELDS)},
    counts={
        "9902": ("02",),
        "9903": ("03",),
        "9904": ("04",),
        "9905": ("98",),
        "9906": ("02", "03", "04", "98"),
    },
    total=("9907", "9908", "04", "0429", "0430"),
    wanted={"02": frozenset(_RECORD_FIELDS_02) | frozenset(_KEY_FIELDS.values())},
)

# write_aw319 input: column -> arrow type
WRITE_COLUMNS: dict[str, pa.DataType] = {
    "file_key": pa.string(),
    "invoice_number": pa.string(),
    "period_start": pa.date32(),
    "period_end": pa.date32(),
    "invoice_date": pa.date32(),
    "message_code": pa.string(),
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
    "time_unit": pa.string(),
    "zorgverlener_agb": pa.string(),
    "tariff_cents": pa.int64(),
    "calculated_cents": pa.int64(),
    "declared_cents": pa.int64(),
    "reference": pa.string(),
}
_OPTIONAL_WRITE_COLUMNS: dict[str, pa.DataType] = {"previous_reference": pa.string()}


def _arrow_type(f: Field) -> pa.DataType:
    return {"date": pa.date32(), "int": pa.int64()}.get(f.kind, pa.string())


_RECORD_SCHEMA = pa.schema(
    [
        ("file_key", pa.string()),
        ("record_number", pa.int64()),
        ("detail_id", pa.int64()),
        *[(c, _arrow_type(_FIELDS[n])) for n, c in _RECORD_FIELDS_01.items()],
        ("uzovi", pa.string()),
        ("bsn", pa.string()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("deceased", pa.bool_()),
        *[
            (c, _arrow_type(_FIELDS[n]))
            for n, c in _RECORD_FIELDS_04.items()
            if c not in ("detail_id", "uzovi")
        ],
    ]
)
RECORD_COLUMNS: tuple[str, ...] = tuple(_RECORD_SCHEMA.names)


@dataclass
class Aw319File:
    """What :func:`read_aw319` read from one file."""

    path: Path
    header: dict[str, object]
    records: pa.Table
    comments: pa.Table
    rejects: pa.Table
    closing: dict[str, object] = field(default_factory=dict)
    closing_issues: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rejected_record_numbers(self) -> set[int]:
        return set(self.rejects["record_number"].to_pylist())


Aw319Batch = fw.Batch  # what read_aw319_many read (see the module doc)


# ---------------------------------------------------------------------------------------------
# writing


def _inputs(t: pa.Table) -> dict[str, pa.Array]:
    missing = [c for c in WRITE_COLUMNS if c not in t.column_names]
    if missing:
        raise ValueError(f"{WHO}: missing column(s) {missing}")
    cols = {name: fw.input_column(t, name, typ, WHO) for name, typ in WRITE_COLUMNS.items()}
    n = t.num_rows
    for name, typ in _OPTIONAL_WRITE_COLUMNS.items():
        cols[name] = (
            fw.input_column(t, name, typ, WHO) if name in t.column_names else fw.repeat("", typ, n)
        )
    for name in ("time_unit", "previous_reference"):
        cols[name] = pc.fill_null(cols[name], "")
    for name, c in cols.items():
        fw.check(pc.is_valid(c), name, "empty (null)", WHO)
    digits = {
        "message_code": 3,
        "uzovi": 4,
        "instelling_agb": 8,
        "zorgverlener_agb": 8,
        "codelist": 3,
    }
    for name, width in digits.items():
        regex = f"^[0-9]{{{width}}}$"
        fw.check(pc.match_substring_regex(cols[name], regex), name, f"{width} digits", WHO)
    time_unit = pc.match_substring_regex(cols["time_unit"], "^([0-9]{2})?$")
    fw.check(time_unit, "time_unit", "2 digits or empty", WHO)
    fw.check(bsn_valid(cols["bsn"]), "bsn", "not 9 digits passing the BSN 11-test", WHO)
    fw.check(pc.is_in(cols["sex"], pa.array(["1", "2"])), "sex", "'1' or '2'", WHO)
    fw.file_key_rule(cols["file_key"], WHO)
    fw.text_rule(cols["invoice_number"], "invoice_number", 12, True, WHO)
    fw.text_rule(cols["prestatiecode"], "prestatiecode", 5, True, WHO)
    fw.text_rule(cols["reference"], "reference", 20, True, WHO)
    fw.text_rule(cols["previous_reference"], "previous_reference", 20, False, WHO)
    q = fw.np_(cols["quantity"])
    fw.check((q >= 0) & (q <= 9999), "quantity", "not in 0-9999", WHO)
    t_ = fw.np_(cols["tariff_cents"])
    fw.check((t_ >= 0) & (t_ <= 99_999_999), "tariff_cents", "not in 0-99999999", WHO)
    for name in ("calculated_cents", "declared_cents"):
        a = np.abs(fw.np_(cols[name]))
        fw.check(a <= 99_999_999, name, "absolute value above 99999999", WHO)
    fw.check_years(cols, WRITE_COLUMNS, WHO)
    return cols


def write_aw319(lines: pa.Table, out_dir: Path) -> list[Path]:
    """Write one AW319 file ``<file_key>.asc`` per file key in ``out_dir``; see the module doc."""
    out_dir = Path(out_dir)
    cols = _inputs(lines)
    if lines.num_rows == 0:
        return []
    g = fw.group_persons(cols["file_key"], cols["bsn"], cols["uzovi"], per_row=1)
    take = pa.array(g.order)
    c = {name: col.take(take) for name, col in cols.items()}
    n = len(g.order)
    file_cols = ("invoice_number", "period_start", "period_end", "invoice_date")
    g.same_within(c, (*file_cols, "message_code", "instelling_agb"), (), WHO)
    g.same_within(c, (), ("birth_date", "sex", "deceased"), WHO)

    calc, decl = c["calculated_cents"], c["declared_cents"]
    values04 = {
        "0402": fw.digits(g.first_id),
        "0403": c["bsn"],
        "0404": c["uzovi"],
        "0407": "1",
        "0414": fw.yyyymmdd(c["begin_date"]),
        "0415": fw.yyyymmdd(c["end_date"]),
        "0416": c["codelist"],
        "0417": c["prestatiecode"],
        "0418": fw.digits(c["quantity"]),
        "0419": c["time_unit"],
        "0420": c["zorgverlener_agb"],
        "0425": fw.digits(c["tariff_cents"]),
        "0426": fw.digits(pc.abs(calc)),
        "0427": fw.sign(calc),
        "0429": fw.digits(pc.abs(decl)),
        "0430": fw.sign(decl),
        "0431": c["reference"],
        "0432": c["previous_reference"],
    }
    r04 = fw.format_records(_LAYOUT, "04", n, values04, WHO)
    values02 = fw.person_values(c, g)
    r02 = fw.format_records(_LAYOUT, "02", len(g.person_start), values02, WHO)

    # one header and one closing record per file
    fs = pa.array(g.file_start)
    nfiles = len(g.file_keys)
    values01 = fw.header_values(c, g) | {
        "0102": c["message_code"].take(fs),
        "0103": "01",
        "0104": "04",
    }
    r01 = fw.format_records(_LAYOUT, "01", nfiles, values01, WHO)
    totals = fw.file_totals(decl, g, WHO)
    values99 = {
        "9902": fw.digits(g.persons),
        "9904": fw.digits(g.file_rows),
        "9906": fw.digits(g.persons + g.file_rows),
        "9907": fw.digits(np.abs(totals)),
        "9908": pc.if_else(pa.array(totals < 0), pa.scalar("C"), pa.scalar("D")),
    }
    r99 = fw.format_records(_LAYOUT, "99", nfiles, values99, WHO)

    # every record on its line: file j occupies lines offset[j] .. offset[j] + size - 1
    offset = g.offset
    placed = [
        (r01, offset),
        (r02, offset[g.file_of[g.person_start]] + g.person_id),
        (r04, offset[g.file_of] + g.first_id),
        (r99, offset + g.size - 1),
    ]
    return fw.write_files(g, placed, out_dir, ".asc")


# ---------------------------------------------------------------------------------------------
# reading


def _records(p: fw.Parsed) -> pa.Table:
    """One row per accepted prestatierecord, with its file's and its person's fields."""
    f01, f02, part04 = p.header, p.parts["02"].fields, p.parts["04"]
    f04, accepted = part04.fields, ~part04.bad
    keep = pa.array(accepted)
    k = int(accepted.sum())
    lines = part04.rows[accepted]
    file_idx = pa.array(p.file_of[lines])
    cols: dict[str, pa.Array] = {
        "file_key": p.stems.take(file_idx),
        "record_number": pa.array(p.numbers[lines], pa.int64()),
    }
    for number, name in _RECORD_FIELDS_01.items():
        cols[name] = f01[number].take(file_idx)
    idx02 = pa.array(part04.parent[accepted])
    for number, name in _RECORD_FIELDS_02.items():
        cols[name] = f02[number].take(idx02) if len(f02[number]) else pa.nulls(k, pa.string())
    cols["deceased"] = pc.equal(cols["deceased"], "1")
    for number, name in _RECORD_FIELDS_04.items():
        cols[name] = f04[number].filter(keep)
    dc1 = f04["0427"].filter(keep)
    cols["calculated_cents"] = fw.signed(cols["calculated_cents"], dc1)
    cols["declared_cents"] = fw.signed(cols["declared_cents"], cols["debit_credit"])
    cols["time_unit"] = pc.if_else(
        pc.equal(cols["time_unit"], "00"), pa.scalar(""), cols["time_unit"]
    )
    return pa.table(
        [pc.cast(cols[c], _RECORD_SCHEMA.field(c).type) for c in RECORD_COLUMNS],
        schema=_RECORD_SCHEMA,
    )


_GROUP_BYTES = 256 << 20  # files are parsed in groups of about this many bytes


def read_aw319_many(paths: list[Path]) -> Aw319Batch:
    """Read many AW319 files at once, without a cost per file; see the module doc."""
    paths = [Path(p) for p in paths]
    return fw.read_many(paths, RULES, _GROUP_BYTES, _records, _RECORD_SCHEMA)


def read_aw319(path: Path) -> Aw319File:
    """Read one AW319 file; see the module doc for what is checked and returned."""
    path = Path(path)
    batch = read_aw319_many([path])
    return Aw319File(
        path=path,
        header=batch.headers[0],
        records=batch.records,
        comments=batch.comments.drop_columns(["file_key"]),
        rejects=batch.rejects.drop_columns(["file_key"]),
        closing=batch.closings[0],
        closing_issues=batch.file_closing_issues[0],
        counts=batch.file_counts[0],
    )
