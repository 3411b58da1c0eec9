"""Vektis AW319 v1.4, "Declaratie Wlz, WV, ELV en ZG zorg": a vectorised writer and reader.

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
    The record layout per record code ("01", "02", "04", "98", "99"), parsed once at import from
    the table ``_LAYOUT_TABLE`` below, which was derived from the Vektis field list
    (AW319v1.4_fields.txt). A :class:`Field` has ``record``, ``number`` (4 digits, e.g.
    "0414"), ``name``, ``type`` ("N" or "AN"), ``length``, ``start`` and ``end`` (1-based,
    inclusive, as the standard's "Eindpositie"), ``obligation`` (M, C, O or S) and ``pattern``
    (e.g. "EEJJMMDD"); ``label`` is "0414 BEGINDATUM PRESTATIE".

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
    Many files at once, with (nearly) no cost per file: the bytes of all files are split into
    lines once, every line is tagged with its file and its line number in that file, and the
    fields of all files are parsed and checked together; the order of the records within a
    file (01 first, 02 before its 04 records, 99 last) and the closing counts and total are
    checked per file with group operations over the file index. The result is exactly what
    ``read_aw319`` gives per file, concatenated in the order of ``paths``: ``records`` (same
    columns; ``record_number`` is the line number within its own file), ``rejects`` (with
    ``file_key`` first), ``comments`` (with ``file_key`` first), ``closing_issues`` (each
    prefixed with the file name, "name.asc: ..."), ``counts`` (summed), and per file, in the
    order of ``paths``: ``headers``, ``closings``, ``file_closing_issues`` (unprefixed) and
    ``file_counts``. An unreadable file raises :class:`Aw319Error` as ``read_aw319`` would, for
    the first such file in ``paths``. Files are parsed in groups of about ``_GROUP_BYTES``
    (256 MiB) to bound memory; ``read_aw319(path)`` is the batch of one file.

``bsn_valid(values) -> pa.BooleanArray``
    True where a value is 9 digits passing the BSN 11-test.

Conventions and choices
-----------------------
* Line ends: written CRLF (``LINE_END``); read CRLF, LF or a mix of both. A trailing DOS
  end-of-file byte (0x1A) and a UTF-8 byte order mark are ignored. Characters (the field list
  does not name a character set; this is a choice): written ISO-8859-1, a value outside it is
  refused; read as UTF-8 when the bytes are valid UTF-8, else as ISO-8859-1. Positions count
  characters, not bytes.
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

Checks on reading
-----------------
A line that is not 310 characters, has an unknown record type, is a second 01 or follows the
99 record is rejected. Per field: numeric fields must be digits, date fields (EEJJMMDD) real
calendar dates, D/C indicators "D" or "C", 0203/0403 must pass the BSN 11-test, 0223 must be
1 or 2. A 04 record is rejected on its own; also when it has no 02 record before it, when
that 02 was rejected, or when its key fields (0403, 0404, 0405, 0408, 0409) differ from the
02's. The code-list indicator 0416 (and code lists in general) is kept as information, never a
reason to reject. Bad header fields are rejects of line 1 and ``None`` in ``header``.

Privacy: the BSN, insured/patient/client numbers, birth date, names, initials and address are
never put in ``rejects`` (their value is ``HIDDEN``, "<verborgen>"), in ``closing_issues``, in
an exception message or in a log; this module logs nothing.

Both directions are vectorised with pyarrow.compute: a loop runs per field, per record type or
per file, never per record; reading loops over files only to read their bytes and to word the
closing issues of files that have one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
RECORD_TYPES = {
    "01": "VOORLOOPRECORD",
    "02": "VERZEKERDENRECORD",
    "04": "PRESTATIERECORD",
    "98": "COMMENTAARRECORD",
    "99": "SLUITRECORD",
}
NAME_PLACEHOLDER = "ONBEKEND"
INITIALS_PLACEHOLDER = "X"
HIDDEN = "<verborgen>"
LINE_END = "\r\n"

# record | field | name | type | length | start | end | obligation | pattern
# Derived from AW319v1.4_fields.txt (Vektis, version 1.4 of 06-04-2012); start = end - length + 1.
_LAYOUT_TABLE = """
01 | 0101 | KENMERK RECORD                                           | N  | 2   | 1   | 2   | M |
01 | 0102 | CODE EXTERNE-INTEGRATIEBERICHT                           | N  | 3   | 3   | 5   | M | NNN
01 | 0103 | VERSIENUMMER BERICHTSTANDAARD                            | N  | 2   | 6   | 7   | M |
01 | 0104 | SUBVERSIENUMMER BERICHTSTANDAARD                         | N  | 2   | 8   | 9   | C |
01 | 0105 | SOORT BERICHT                                            | AN | 1   | 10  | 10  | M |
01 | 0106 | CODE INFORMATIESYSTEEM SOFTWARELEVERANCIER               | N  | 6   | 11  | 16  | O |
01 | 0107 | VERSIEAANDUIDING INFORMATIESYSTEEM SOFTWARELEVERANCIER   | AN | 10  | 17  | 26  | C |
01 | 0108 | UZOVI-NUMMER                                             | N  | 4   | 27  | 30  | C |
01 | 0109 | CODE SERVICEBUREAU                                       | N  | 8   | 31  | 38  | C | NNNNNNNN
01 | 0110 | ZORGVERLENERSCODE                                        | N  | 8   | 39  | 46  | C | NNNNNNNN
01 | 0111 | PRAKTIJKCODE                                             | N  | 8   | 47  | 54  | C | NNNNNNNN
01 | 0112 | INSTELLINGSCODE                                          | N  | 8   | 55  | 62  | C | NNNNNNNN
01 | 0113 | IDENTIFICATIECODE BETALING AAN                           | N  | 2   | 63  | 64  | M |
01 | 0114 | BEGINDATUM DECLARATIEPERIODE                             | N  | 8   | 65  | 72  | M | EEJJMMDD
01 | 0115 | EINDDATUM DECLARATIEPERIODE                              | N  | 8   | 73  | 80  | M | EEJJMMDD
01 | 0116 | FACTUURNUMMER DECLARANT                                  | AN | 12  | 81  | 92  | M |
01 | 0117 | DAGTEKENING FACTUUR                                      | N  | 8   | 93  | 100 | M | EEJJMMDD
01 | 0118 | BTW-IDENTIFICATIENUMMER                                  | AN | 14  | 101 | 114 | C |
01 | 0119 | VALUTACODE                                               | AN | 3   | 115 | 117 | M |
01 | 0180 | RESERVE                                                  | AN | 193 | 118 | 310 | S |
02 | 0201 | KENMERK RECORD                                           | N  | 2   | 1   | 2   | M |
02 | 0202 | IDENTIFICATIE DETAILRECORD                               | N  | 12  | 3   | 14  | M |
02 | 0203 | BURGERSERVICENUMMER (BSN) VERZEKERDE                     | N  | 9   | 15  | 23  | M |
02 | 0204 | UZOVI-NUMMER                                             | N  | 4   | 24  | 27  | M |
02 | 0205 | VERZEKERDENNUMMER (INSCHRIJVINGSNUMMER, RELATIENUMMER)   | AN | 15  | 28  | 42  | C |
02 | 0206 | PATIENT(IDENTIFICATIE)NUMMER                             | AN | 11  | 43  | 53  | O |
02 | 0207 | DATUM GEBOORTE VERZEKERDE                                | N  | 8   | 54  | 61  | M | EEJJMMDD
02 | 0208 | CODE GESLACHT VERZEKERDE                                 | N  | 1   | 62  | 62  | M |
02 | 0209 | NAAMCODE/NAAMGEBRUIK (01)                                | N  | 1   | 63  | 63  | M |
02 | 0210 | NAAM VERZEKERDE (01)                                     | AN | 25  | 64  | 88  | M |
02 | 0211 | VOORVOEGSEL VERZEKERDE (01)                              | AN | 10  | 89  | 98  | C |
02 | 0212 | NAAMCODE/NAAMGEBRUIK (02)                                | N  | 1   | 99  | 99  | C |
02 | 0213 | NAAM VERZEKERDE (02)                                     | AN | 25  | 100 | 124 | C |
02 | 0214 | VOORVOEGSEL VERZEKERDE (02)                              | AN | 10  | 125 | 134 | C |
02 | 0215 | VOORLETTERS VERZEKERDE                                   | AN | 6   | 135 | 140 | M |
02 | 0216 | NAAMCODE/NAAMGEBRUIK (03)                                | N  | 1   | 141 | 141 | C |
02 | 0217 | POSTCODE (HUISADRES) VERZEKERDE                          | AN | 6   | 142 | 147 | C | NNNNAA
02 | 0218 | POSTCODE BUITENLAND                                      | AN | 9   | 148 | 156 | C |
02 | 0219 | HUISNUMMER (HUISADRES) VERZEKERDE                        | N  | 5   | 157 | 161 | C |
02 | 0220 | HUISNUMMERTOEVOEGING (HUISADRES) VERZEKERDE              | AN | 6   | 162 | 167 | C |
02 | 0221 | CODE LAND VERZEKERDE                                     | AN | 2   | 168 | 169 | C |
02 | 0222 | DEBITEURNUMMER                                           | AN | 11  | 170 | 180 | C |
02 | 0223 | INDICATIE CLIENT OVERLEDEN                               | N  | 1   | 181 | 181 | M |
02 | 0224 | CODE INDICATIEORGAAN                                     | N  | 4   | 182 | 185 | C |
02 | 0225 | CLIËNTNUMMER INDICATIEORGAAN                             | AN | 20  | 186 | 205 | C |
02 | 0280 | RESERVE                                                  | AN | 105 | 206 | 310 | S |
04 | 0401 | KENMERK RECORD                                           | N  | 2   | 1   | 2   | M |
04 | 0402 | IDENTIFICATIE DETAILRECORD                               | N  | 12  | 3   | 14  | M |
04 | 0403 | BURGERSERVICENUMMER (BSN) VERZEKERDE                     | N  | 9   | 15  | 23  | M |
04 | 0404 | UZOVI-NUMMER                                             | N  | 4   | 24  | 27  | M |
04 | 0405 | VERZEKERDENNUMMER (INSCHRIJVINGSNUMMER, RELATIENUMMER)   | AN | 15  | 28  | 42  | C |
04 | 0406 | MACHTIGINGSNUMMER                                        | AN | 15  | 43  | 57  | C |
04 | 0407 | DOORSTUREN TOEGESTAAN                                    | N  | 1   | 58  | 58  | M |
04 | 0408 | CODE INDICATIEORGAAN                                     | N  | 4   | 59  | 62  | C |
04 | 0409 | CLIËNTNUMMER INDICATIEORGAAN                             | AN | 20  | 63  | 82  | C |
04 | 0410 | INDICATIE-AANVRAAGNUMMER INDICATIEORGAAN                 | N  | 9   | 83  | 91  | C |
04 | 0411 | INDICATIEBESLUITNUMMER INDICATIEORGAAN                   | N  | 9   | 92  | 100 | C |
04 | 0412 | FUNCTIECODE                                              | N  | 2   | 101 | 102 | C |
04 | 0413 | ZORGZWAARTEPAKKETCODE                                    | N  | 3   | 103 | 105 | C |
04 | 0414 | BEGINDATUM PRESTATIE                                     | N  | 8   | 106 | 113 | M | EEJJMMDD
04 | 0415 | EINDDATUM PRESTATIE                                      | N  | 8   | 114 | 121 | M | EEJJMMDD
04 | 0416 | AANDUIDING PRESTATIECODELIJST                            | N  | 3   | 122 | 124 | M |
04 | 0417 | PRESTATIECODE                                            | AN | 5   | 125 | 129 | M |
04 | 0418 | AANTAL UITGEVOERDE PRESTATIES                            | N  | 4   | 130 | 133 | M |
04 | 0419 | TIJDSEENHEID ZORGPERIODE                                 | N  | 2   | 134 | 135 | C |
04 | 0420 | ZORGVERLENERSCODE BEHANDELAAR/UITVOERDER                 | N  | 8   | 136 | 143 | M | NNNNNNNN
04 | 0421 | SPECIALISME BEHANDELAAR/UITVOERDER                       | N  | 4   | 144 | 147 | C | NNNN
04 | 0422 | ZORGVERLENERSCODE VOORSCHRIJVER/VERWIJZER                | N  | 8   | 148 | 155 | C | NNNNNNNN
04 | 0423 | SPECIALISME VOORSCHRIJVER/VERWIJZER                      | N  | 4   | 156 | 159 | C | NNNN
04 | 0424 | VERREKENPERCENTAGE                                       | N  | 5   | 160 | 164 | C | NNNNN
04 | 0425 | TARIEF PRESTATIE (INCL. BTW)                             | N  | 8   | 165 | 172 | M |
04 | 0426 | BEREKEND BEDRAG (INCL. BTW)                              | N  | 8   | 173 | 180 | M |
04 | 0427 | INDICATIE DEBET/CREDIT (01)                              | AN | 1   | 181 | 181 | M |
04 | 0428 | BTW-PERCENTAGE DECLARATIEBEDRAG                          | N  | 4   | 182 | 185 | C |
04 | 0429 | DECLARATIEBEDRAG (INCL. BTW)                             | N  | 8   | 186 | 193 | M |
04 | 0430 | INDICATIE DEBET/CREDIT (02)                              | AN | 1   | 194 | 194 | M |
04 | 0431 | REFERENTIENUMMER DIT PRESTATIERECORD                     | AN | 20  | 195 | 214 | M |
04 | 0432 | REFERENTIENUMMER VOORGAANDE GERELATEERDE PRESTATIERECORD | AN | 20  | 215 | 234 | C |
04 | 0480 | RESERVE                                                  | AN | 76  | 235 | 310 | S |
98 | 9801 | KENMERK RECORD                                           | N  | 2   | 1   | 2   | M |
98 | 9802 | IDENTIFICATIE DETAILRECORD                               | N  | 12  | 3   | 14  | M |
98 | 9803 | REGELNUMMER VRIJE TEKST                                  | N  | 4   | 15  | 18  | M |
98 | 9804 | VRIJE TEKST                                              | AN | 140 | 19  | 158 | M |
98 | 9880 | RESERVE                                                  | AN | 152 | 159 | 310 | S |
99 | 9901 | KENMERK RECORD                                           | N  | 2   | 1   | 2   | M |
99 | 9902 | AANTAL VERZEKERDENRECORDS                                | N  | 6   | 3   | 8   | M |
99 | 9903 | AANTAL DEBITEURRECORDS                                   | N  | 6   | 9   | 14  | C |
99 | 9904 | AANTAL PRESTATIERECORDS                                  | N  | 6   | 15  | 20  | M |
99 | 9905 | AANTAL COMMENTAARRECORDS                                 | N  | 6   | 21  | 26  | C |
99 | 9906 | TOTAAL AANTAL DETAILRECORDS                              | N  | 7   | 27  | 33  | M |
99 | 9907 | TOTAAL DECLARATIEBEDRAG                                  | N  | 11  | 34  | 44  | C |
99 | 9908 | INDICATIE DEBET/CREDIT                                   | AN | 1   | 45  | 45  | M |
99 | 9980 | RESERVE                                                  | AN | 265 | 46  | 310 | S |
"""

# Numeric fields that are quantities (read as int64); other numeric fields are codes (strings).
_INT_FIELDS = frozenset(
    {"0202", "0402", "9802", "9803", "0418", "0424", "0425", "0426", "0428", "0429"}
    | {"9902", "9903", "9904", "9905", "9906", "9907"}
)
# Identifying fields whose value never goes into a reject, a message or a log.
_HIDDEN_FIELDS = frozenset(
    {"0203", "0205", "0206", "0207", "0210", "0211", "0213", "0214", "0215"}
    | {"0217", "0218", "0219", "0220", "0222", "0225", "0403", "0405", "0409"}
)
_BSN_FIELDS = frozenset({"0203", "0403"})


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record, as in the standard; positions are 1-based and inclusive."""

    record: str
    number: str
    name: str
    type: str
    length: int
    start: int
    end: int
    obligation: str
    pattern: str

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def kind(self) -> str:
        """record_type, reserve, date, dc, int, code (other numeric) or text (alphanumeric)."""
        if self.start == 1:
            return "record_type"
        if self.name == "RESERVE":
            return "reserve"
        if self.pattern == "EEJJMMDD":
            return "date"
        if self.name.startswith("INDICATIE DEBET/CREDIT"):
            return "dc"
        if self.type == "N":
            return "int" if self.number in _INT_FIELDS else "code"
        return "text"


def _parse_layout(table: str) -> dict[str, tuple[Field, ...]]:
    fields: dict[str, list[Field]] = {}
    for row in table.strip().splitlines():
        rec, num, name, typ, length, start, end, obligation, pattern = (
            part.strip() for part in row.split("|")
        )
        f = Field(rec, num, name, typ, int(length), int(start), int(end), obligation, pattern)
        fields.setdefault(rec, []).append(f)
    layout = {rec: tuple(fs) for rec, fs in fields.items()}
    for rec, fs in layout.items():
        position = 1
        for f in fs:
            if f.start != position or f.end - f.start + 1 != f.length or f.type not in ("N", "AN"):
                raise AssertionError(f"AW319 layout: field {f.number} of record {rec} is wrong")
            position = f.end + 1
        if position != RECORD_LENGTH + 1 or fs[0].name != "KENMERK RECORD":
            raise AssertionError(f"AW319 layout: record {rec} is not {RECORD_LENGTH} long")
    return layout


LAYOUT: dict[str, tuple[Field, ...]] = _parse_layout(_LAYOUT_TABLE)
_FIELDS: dict[str, Field] = {f.number: f for fs in LAYOUT.values() for f in fs}
_KIND: dict[str, str] = {number: f.kind for number, f in _FIELDS.items()}

# write_aw319 input: column -> (arrow type, field number(s) it fills)
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
# 02 fields the reader uses
_WANTED_02 = frozenset(_RECORD_FIELDS_02) | frozenset(_KEY_FIELDS.values())


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
_REJECT_SCHEMA = pa.schema(
    [
        ("record_number", pa.int64()),
        ("record_type", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("reason", pa.string()),
    ]
)
_COMMENT_SCHEMA = pa.schema(
    [
        ("record_number", pa.int64()),
        ("detail_id", pa.int64()),
        ("line_number", pa.int64()),
        ("text", pa.string()),
    ]
)
_FILE_REJECT_SCHEMA = pa.schema([("file", pa.int64()), *_REJECT_SCHEMA])
_BATCH_REJECT_SCHEMA = pa.schema([("file_key", pa.string()), *_REJECT_SCHEMA])
_BATCH_COMMENT_SCHEMA = pa.schema([("file_key", pa.string()), *_COMMENT_SCHEMA])


class Aw319Error(ValueError):
    """The file cannot be read as an AW319 file at all (the message names file and line)."""


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


@dataclass
class Aw319Batch:
    """What :func:`read_aw319_many` read from many files (lists are in the order of the paths)."""

    paths: list[Path]
    headers: list[dict[str, object]]
    records: pa.Table
    comments: pa.Table
    rejects: pa.Table
    closings: list[dict[str, object]] = field(default_factory=list)
    closing_issues: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    file_closing_issues: list[list[str]] = field(default_factory=list)
    file_counts: list[dict[str, int]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# small vectorised helpers


def _np(x: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean or integer Arrow array as numpy (nulls as False / must not occur)."""
    if pa.types.is_boolean(x.type):
        x = pc.fill_null(x, False)
    return x.to_numpy(zero_copy_only=False)


def _fixed_digits(arr: pa.Array, width: int) -> np.ndarray:
    """Digits of strings that are all exactly ``width`` ASCII digits, as an (n, width) array."""
    arr = pc.cast(arr, pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if n == 0:
        return np.zeros((0, width), dtype=np.int64)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(n, width).astype(np.int64) - 48


_BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)


def bsn_valid(bsn: pa.Array | pa.ChunkedArray) -> pa.BooleanArray:
    """True where the value is 9 digits passing the BSN 11-test (and not all zeros)."""
    bsn = pc.cast(bsn, pa.string())
    shape = pc.fill_null(pc.match_substring_regex(bsn, r"^[0-9]{9}$"), False)
    filled = pc.if_else(shape, bsn, pa.scalar("000000000"))
    digits = _fixed_digits(filled, 9)
    ok = ((digits @ _BSN_WEIGHTS) % 11 == 0) & digits.any(axis=1) & _np(shape)
    return pa.array(ok, pa.bool_())


def _repeat(value: object, typ: pa.DataType, n: int) -> pa.Array:
    return pa.array([value], typ).take(pa.array(np.zeros(n, dtype=np.int64)))


def _cents_text(cents: int) -> str:
    return f"{'C' if cents < 0 else 'D'} {abs(cents) // 100}.{abs(cents) % 100:02d}"


# ---------------------------------------------------------------------------------------------
# writing

_PRINTABLE_LATIN1 = r"^[\x{20}-\x{7E}\x{A0}-\x{FF}]*$"


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _input_column(t: pa.Table, name: str, typ: pa.DataType) -> pa.Array:
    c = t[name]
    c = c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
    if c.type != typ:
        try:
            c = pc.cast(c, typ)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            raise ValueError(f"write_aw319: column {name!r} cannot be read as {typ}") from None
    return c


def _check(ok: pa.Array | np.ndarray, name: str, rule: str) -> None:
    ok = ok if isinstance(ok, np.ndarray) else _np(ok)
    if not ok.all():
        raise ValueError(f"write_aw319: column {name!r}, row {_first(~ok)}: {rule}")


def _text_rule(col: pa.Array, name: str, width: int, required: bool) -> None:
    _check(pc.match_substring_regex(col, _PRINTABLE_LATIN1), name, "not printable ISO-8859-1 text")
    inner = f"[^ ](.{{0,{width - 2}}}[^ ])?" if width > 1 else "[^ ]"
    regex = f"^{inner}$" if required else f"^({inner})?$"
    rule = f"at most {width} characters, no leading or trailing space"
    _check(
        pc.match_substring_regex(col, regex), name, rule + ("" if not required else ", not empty")
    )


def _inputs(t: pa.Table) -> dict[str, pa.Array]:
    missing = [c for c in WRITE_COLUMNS if c not in t.column_names]
    if missing:
        raise ValueError(f"write_aw319: missing column(s) {missing}")
    cols = {name: _input_column(t, name, typ) for name, typ in WRITE_COLUMNS.items()}
    n = t.num_rows
    for name, typ in _OPTIONAL_WRITE_COLUMNS.items():
        cols[name] = _input_column(t, name, typ) if name in t.column_names else _repeat("", typ, n)
    for name in ("time_unit", "previous_reference"):
        cols[name] = pc.fill_null(cols[name], "")
    for name, c in cols.items():
        _check(pc.is_valid(c), name, "empty (null)")
    digits = {
        "message_code": 3,
        "uzovi": 4,
        "instelling_agb": 8,
        "zorgverlener_agb": 8,
        "codelist": 3,
    }
    for name, width in digits.items():
        _check(pc.match_substring_regex(cols[name], f"^[0-9]{{{width}}}$"), name, f"{width} digits")
    _check(
        pc.match_substring_regex(cols["time_unit"], "^([0-9]{2})?$"),
        "time_unit",
        "2 digits or empty",
    )
    _check(bsn_valid(cols["bsn"]), "bsn", "not 9 digits passing the BSN 11-test")
    _check(pc.is_in(cols["sex"], pa.array(["1", "2"])), "sex", "'1' or '2'")
    keys = cols["file_key"]
    _check(pc.match_substring_regex(keys, r"^[^/\\\x00]+$"), "file_key", "empty or has a slash")
    _check(pc.invert(pc.is_in(keys, pa.array([".", ".."]))), "file_key", "'.' or '..'")
    _check(pc.match_substring_regex(keys, _PRINTABLE_LATIN1), "file_key", "not printable text")
    _text_rule(cols["invoice_number"], "invoice_number", 12, True)
    _text_rule(cols["prestatiecode"], "prestatiecode", 5, True)
    _text_rule(cols["reference"], "reference", 20, True)
    _text_rule(cols["previous_reference"], "previous_reference", 20, False)
    q = _np(cols["quantity"])
    _check((q >= 0) & (q <= 9999), "quantity", "not in 0-9999")
    t_ = _np(cols["tariff_cents"])
    _check((t_ >= 0) & (t_ <= 99_999_999), "tariff_cents", "not in 0-99999999")
    for name in ("calculated_cents", "declared_cents"):
        a = np.abs(_np(cols[name]))
        _check(a <= 99_999_999, name, "absolute value above 99999999")
    for name, typ in WRITE_COLUMNS.items():
        if typ == pa.date32():
            years = _np(pc.year(cols[name]))
            _check((years >= 1000) & (years <= 9999), name, "year not in 1000-9999")
    return cols


def _format(code: str, n: int, values: dict[str, pa.Array | str]) -> pa.Array:
    """Records ``code`` for ``n`` rows: numeric fields right-aligned with zeros, alphanumeric
    left-aligned with spaces; fields not in ``values`` are all zeros or all spaces."""
    parts: list[pa.Array | str] = []
    for f in LAYOUT[code]:
        v = code if f.kind == "record_type" else values.get(f.number, "")
        fill = "0" if f.type == "N" else " "
        if isinstance(v, str):
            if len(v) > f.length:
                raise AssertionError(f"constant for {f.label} is longer than {f.length}")
            v = v.rjust(f.length, fill) if f.type == "N" else v.ljust(f.length, fill)
            if parts and isinstance(parts[-1], str):
                parts[-1] += v
                continue
        else:
            if _np(pc.greater(pc.utf8_length(v), f.length)).any():
                raise ValueError(f"write_aw319: a value does not fit field {f.label}")
            pad = pc.utf8_lpad if f.type == "N" else pc.utf8_rpad
            v = pad(v, width=f.length, padding=fill)
        parts.append(v)
    if all(isinstance(p, str) for p in parts):
        return _repeat("".join(parts), pa.string(), n)  # type: ignore[arg-type]
    return pc.binary_join_element_wise(*parts, "")


def _num(values: pa.Array | np.ndarray) -> pa.Array:
    return pc.cast(
        pa.array(values, pa.int64()) if isinstance(values, np.ndarray) else values, pa.string()
    )


def _yyyymmdd(dates: pa.Array) -> pa.Array:
    """EEJJMMDD text of date32 values (years 1000-9999, checked on input)."""
    days = dates.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return _num(year * 10000 + month * 100 + day)


def _sign(cents: pa.Array) -> pa.Array:
    return pc.if_else(pc.less(cents, 0), pa.scalar("C"), pa.scalar("D"))


def _group_starts(codes: np.ndarray) -> np.ndarray:
    """Index of the first row of each run of equal values in a sorted array."""
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


def write_aw319(lines: pa.Table, out_dir: Path) -> list[Path]:
    """Write one AW319 file ``<file_key>.asc`` per file key in ``out_dir``; see the module doc."""
    out_dir = Path(out_dir)
    cols = _inputs(lines)
    if lines.num_rows == 0:
        return []

    # group: file (order of first appearance), then person within file, then input order
    file_enc = pc.dictionary_encode(cols["file_key"])
    file_keys = [str(k) for k in file_enc.dictionary.to_pylist()]
    file_of = _np(file_enc.indices).astype(np.int64)
    person_key = pc.binary_join_element_wise(cols["file_key"], cols["bsn"], cols["uzovi"], "\x1f")
    person_of = _np(pc.dictionary_encode(person_key).indices).astype(np.int64)
    order = np.lexsort((person_of, file_of))
    take = pa.array(order)
    c = {name: col.take(take) for name, col in cols.items()}
    f_s, p_s = file_of[order], person_of[order]
    n = len(order)

    file_start = _group_starts(f_s)  # row where each file starts (files are 0, 1, 2, ...)
    file_rows = np.diff(np.r_[file_start, n])
    new_person = np.r_[True, p_s[1:] != p_s[:-1]]
    person_start = np.flatnonzero(new_person)
    person_no = np.cumsum(new_person)  # 1-based person number over all files
    persons_before = person_no[file_start] - 1
    q = person_no - persons_before[f_s]  # person ordinal within its file
    k = np.arange(n) - file_start[f_s]  # row ordinal within its file
    id04 = k + q + 1
    id02 = (k + q)[person_start]
    persons = np.bincount(f_s[person_start], minlength=len(file_keys))

    for name in ("invoice_number", "period_start", "period_end", "invoice_date"):
        _same_within(c[name], file_start[f_s], order, name, "file")
    for name in ("message_code", "instelling_agb"):
        _same_within(c[name], file_start[f_s], order, name, "file")
    for name in ("birth_date", "sex", "deceased"):
        _same_within(c[name], person_start[person_no - 1], order, name, "person (BSN)")

    calc, decl = c["calculated_cents"], c["declared_cents"]
    r04 = _format(
        "04",
        n,
        {
            "0402": _num(id04),
            "0403": c["bsn"],
            "0404": c["uzovi"],
            "0407": "1",
            "0414": _yyyymmdd(c["begin_date"]),
            "0415": _yyyymmdd(c["end_date"]),
            "0416": c["codelist"],
            "0417": c["prestatiecode"],
            "0418": _num(c["quantity"]),
            "0419": c["time_unit"],
            "0420": c["zorgverlener_agb"],
            "0425": _num(c["tariff_cents"]),
            "0426": _num(pc.abs(calc)),
            "0427": _sign(calc),
            "0429": _num(pc.abs(decl)),
            "0430": _sign(decl),
            "0431": c["reference"],
            "0432": c["previous_reference"],
        },
    )
    first = pa.array(person_start)
    r02 = _format(
        "02",
        len(person_start),
        {
            "0202": _num(id02),
            "0203": c["bsn"].take(first),
            "0204": c["uzovi"].take(first),
            "0207": _yyyymmdd(c["birth_date"].take(first)),
            "0208": c["sex"].take(first),
            "0209": "1",
            "0210": NAME_PLACEHOLDER,
            "0212": "0",
            "0215": INITIALS_PLACEHOLDER,
            "0216": "0",
            "0223": pc.if_else(c["deceased"].take(first), pa.scalar("1"), pa.scalar("2")),
        },
    )

    # one header and one closing record per file
    fs = pa.array(file_start)
    uz = _np(pc.dictionary_encode(c["uzovi"]).indices).astype(np.int64)
    one_uzovi = np.minimum.reduceat(uz, file_start) == np.maximum.reduceat(uz, file_start)
    nfiles = len(file_keys)
    r01 = _format(
        "01",
        nfiles,
        {
            "0102": c["message_code"].take(fs),
            "0103": "01",
            "0104": "04",
            "0105": "P",
            "0108": pc.if_else(pa.array(one_uzovi), c["uzovi"].take(fs), pa.scalar("0000")),
            "0112": c["instelling_agb"].take(fs),
            "0113": "04",
            "0114": _yyyymmdd(c["period_start"].take(fs)),
            "0115": _yyyymmdd(c["period_end"].take(fs)),
            "0116": c["invoice_number"].take(fs),
            "0117": _yyyymmdd(c["invoice_date"].take(fs)),
            "0119": "EUR",
        },
    )
    totals = np.add.reduceat(_np(decl).astype(np.int64), file_start)
    if (np.abs(totals) > 99_999_999_999).any():
        raise ValueError("write_aw319: a file's total declared amount exceeds 11 digits")
    r99 = _format(
        "99",
        nfiles,
        {
            "9902": _num(persons),
            "9904": _num(file_rows),
            "9906": _num(persons + file_rows),
            "9907": _num(np.abs(totals)),
            "9908": pc.if_else(pa.array(totals < 0), pa.scalar("C"), pa.scalar("D")),
        },
    )

    # place every record on its line: file j occupies lines offset[j] .. offset[j] + size - 1
    size = persons + file_rows + 2
    offset = np.r_[0, np.cumsum(size)[:-1]]
    position = np.concatenate(
        [
            offset,  # 01
            offset[f_s[person_start]] + id02,  # 02
            offset[f_s] + id04,  # 04
            offset + size - 1,  # 99
        ]
    )
    records = pa.concat_arrays([r.cast(pa.large_string()) for r in (r01, r02, r04, r99)])
    placed = np.empty_like(position)
    placed[position] = np.arange(len(position))
    eol = pa.scalar(LINE_END, pa.large_string())
    text = pc.binary_join_element_wise(
        records.take(pa.array(placed)), eol, pa.scalar("", pa.large_string())
    )
    ascii_only = pc.all(pc.string_is_ascii(text)).as_py()
    bounds = np.frombuffer(text.buffers()[1], dtype=np.int64)[
        text.offset : text.offset + len(text) + 1
    ]
    data = text.buffers()[2]

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for j, key in enumerate(file_keys):
        lo, hi = int(bounds[offset[j]]), int(bounds[offset[j] + size[j]])
        chunk = memoryview(data)[lo:hi]
        if not ascii_only:
            chunk = bytes(chunk).decode("utf-8").encode("iso-8859-1")
        path = out_dir / f"{key}.asc"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


def _same_within(col: pa.Array, ref_row: np.ndarray, order: np.ndarray, name: str, what: str):
    """Raise unless every (sorted) row equals the row ``ref_row`` of its group."""
    same = _np(pc.equal(col, col.take(pa.array(ref_row))))
    if not same.all():
        row = int(order[_first(~same)])
        raise ValueError(f"write_aw319: column {name!r}, row {row}: differs within one {what}")


# ---------------------------------------------------------------------------------------------
# reading

_CONTROL = np.zeros(256, dtype=bool)  # bytes that do not occur in a text file
_CONTROL[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] = True
_BOM = b"\xef\xbb\xbf"


def _file_bytes(path: Path) -> bytes:
    """The bytes of one file without byte order mark, DOS end-of-file bytes and final line
    ends."""
    try:
        with open(path, "rb", buffering=0) as fh:
            data = fh.readall()
    except OSError as e:
        raise Aw319Error(
            f"{path}: line 1: cannot be read ({e.strerror or type(e).__name__})"
        ) from None
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    data = data.rstrip(b"\x1a")
    if not data or data.isspace():  # as `not data.strip()`, without a copy
        raise Aw319Error(f"{path}: line 1: the file is empty")
    return data.rstrip(b"\r\n")  # trailing empty lines are ignored


def _utf8(data: bytes) -> bytes:
    """UTF-8 bytes of a file that is UTF-8, else ISO-8859-1."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1").encode("utf-8")
    return data


def _one_string(data: bytes) -> pa.Array:
    """A large_binary array of one value, without copying ``data``."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    return pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)]
    )


@dataclass
class _Lines:
    """The lines of several files, file after file (trailing empty lines dropped)."""

    paths: list[Path]
    lines: pa.Array  # string
    file_of: np.ndarray  # file index of every line
    local: np.ndarray  # 0-based line index within its file
    start: np.ndarray  # index of the first line of every file
    size: np.ndarray  # number of lines of every file


def _split(paths: list[Path], datas: list[bytes]) -> _Lines:
    """Split the bytes of all files into lines at once. Raises :class:`Aw319Error` for the first
    file (in the given order) that is not a text file or does not start with a voorlooprecord."""
    sizes = np.fromiter(map(len, datas), dtype=np.int64, count=len(datas))
    begin = np.r_[0, np.cumsum(sizes + 1)[:-1]]  # byte offset of every file in the blob
    blob = b"\n".join(datas)
    raw = np.frombuffer(blob, dtype=np.uint8)
    error = None
    low = np.flatnonzero(raw < 0x20)  # mostly line ends
    bad = low[_CONTROL[raw[low]]]
    if (raw == 0x7F).any():
        bad = np.union1d(bad, np.flatnonzero(raw == 0x7F))
    if len(bad):
        at = int(bad[0])
        i = int(np.searchsorted(begin, at, side="right")) - 1
        data, pos = datas[i], at - int(begin[i])
        line = data.count(b"\n", 0, pos) + 1
        error = Aw319Error(
            f"{paths[i]}: line {line}: not a text file (control byte 0x{data[pos]:02x})"
        )
        if i == 0:
            raise error
        paths, datas, begin = paths[:i], datas[:i], begin[:i]
        blob = blob[: int(begin[-1] + sizes[i - 1])]
        raw = raw[: len(blob)]
        low = low[low < len(blob)]
    nfiles = len(datas)
    line_begin = np.r_[0, low[raw[low] == 10] + 1]
    file_of = np.searchsorted(begin, line_begin, side="right") - 1
    try:
        _one_string(blob).cast(pa.large_string())  # checks that it is UTF-8
        data, bounds = blob, line_begin
    except pa.ArrowInvalid:  # a file that is not UTF-8: read as ISO-8859-1
        data = b"\n".join(map(_utf8, datas))
        bounds = np.r_[0, np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + 1]
    offsets = pa.py_buffer(np.r_[bounds, len(data)].astype(np.int64))
    # every line with its line end; "\n" only at the end, so trimming CR and LF is splitting
    lines = pa.LargeStringArray.from_buffers(len(bounds), offsets, pa.py_buffer(data))
    lines = pc.utf8_rtrim(lines, characters="\r\n")
    k = np.arange(len(lines))
    first = np.searchsorted(file_of, np.arange(nfiles))
    length = _np(pc.utf8_length(lines))
    last = np.maximum.reduceat(np.where(length > 0, k, -1), first)  # >= first: data.strip()
    keep = k <= last[file_of]
    if not keep.all():
        lines, file_of, length = lines.filter(pa.array(keep)), file_of[keep], length[keep]
    size = last - first + 1
    start = np.r_[0, np.cumsum(size)[:-1]]
    lines = lines.cast(pa.string())
    is01 = _np(pc.equal(pc.utf8_slice_codeunits(lines.take(pa.array(start)), 0, 2), "01"))
    head_length = length[start]
    bad = ~is01 | (head_length != RECORD_LENGTH)
    if bad.any():
        j = int(bad.argmax())
        if not is01[j]:
            raise Aw319Error(f"{paths[j]}: line 1: the first record is not a voorlooprecord (01)")
        raise Aw319Error(
            f"{paths[j]}: line 1: the voorlooprecord is {head_length[j]} characters long, "
            f"not {RECORD_LENGTH}"
        )
    if error is not None:
        raise error
    local = np.arange(len(lines)) - start[file_of]
    return _Lines(list(paths), lines, file_of, local, start, size)


_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _parse_dates(v: np.ndarray, digits: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """date32 of EEJJMMDD numbers and a mask of real calendar dates (20260230 is not one)."""
    year, month, day = v // 10000, v // 100 % 100, v % 100
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = _DAYS_IN_MONTH[np.clip(month - 1, 0, 11)] + (leap & (month == 2))
    ok = digits & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= last)
    year, month, day = (np.where(ok, x, y) for x, y in ((year, 1970), (month, 1), (day, 1)))
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    return pa.array(dates, pa.date32(), mask=~ok), ok


class _Slicer:
    """Fields of records that are all 310 characters long. When the records are ASCII, every
    record is 310 bytes: a field is then a strided copy out of the records' bytes and numbers
    are read with numpy; otherwise fields are sliced by code point with Arrow."""

    def __init__(self, lines: pa.Array):
        self.lines = lines
        self.n = len(lines)
        self.data = None
        self._text: dict[str, pa.Array] = {}
        self._block: dict[str, np.ndarray] = {}
        if self.n and pc.all(pc.string_is_ascii(lines)).as_py():
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
            first = int(offsets[lines.offset])
            data = np.frombuffer(lines.buffers()[2], dtype=np.uint8)
            self.data = data[first : first + self.n * RECORD_LENGTH]

    def block(self, f: Field) -> np.ndarray:
        """(n, length) uint8 matrix of the field's bytes (ASCII records only)."""
        if f.number not in self._block:
            strided = np.ndarray(
                (self.n,),
                dtype=f"S{f.length}",
                buffer=self.data,
                offset=f.start - 1,
                strides=(RECORD_LENGTH,),
            )
            self._block[f.number] = strided.copy().view(np.uint8).reshape(self.n, f.length)
        return self._block[f.number]

    def text(self, f: Field) -> pa.Array:
        if f.number not in self._text:
            if self.data is None:
                raw = pc.utf8_slice_codeunits(self.lines, f.start - 1, f.end)
            else:
                block = self.block(f)
                offsets = np.arange(0, (self.n + 1) * f.length, f.length, dtype=np.int32)
                raw = pa.StringArray.from_buffers(
                    self.n, pa.py_buffer(offsets), pa.py_buffer(block)
                )
            self._text[f.number] = raw
        return self._text[f.number]

    def numeric(self, f: Field) -> np.ndarray:
        """Mask of the rows whose field is all ASCII digits."""
        return _np(pc.ascii_is_decimal(self.text(f)))

    def number(self, f: Field, ok: np.ndarray) -> np.ndarray:
        """The field as int64 where ``ok``, else 0."""
        if self.data is None:
            raw = self.text(f)
            return _np(pc.cast(pc.if_else(pa.array(ok), raw, pa.scalar("0")), pa.int64()))
        powers = 10 ** np.arange(f.length - 1, -1, -1, dtype=np.int64)
        value = (self.block(f) - np.uint8(48)).astype(np.int64) @ powers
        return np.where(ok, value, 0)

    def digits(self, f: Field, ok: np.ndarray) -> np.ndarray:
        """(n, length) matrix of the field's digits where ``ok``, else zeros."""
        if self.data is None:
            raw = pc.if_else(pa.array(ok), self.text(f), pa.scalar("0" * f.length))
            return _fixed_digits(raw, f.length)
        block = (self.block(f) - np.uint8(48)).astype(np.int64)
        return np.where(ok[:, None], block, 0)


class _Rejects:
    def __init__(self, record_numbers: np.ndarray, record_types: pa.Array, file_of: np.ndarray):
        self.numbers = record_numbers
        self.types = record_types
        self.file_of = file_of
        self.parts: list[pa.Table] = []

    def add(
        self, where: np.ndarray, label: str, values: pa.Array | str, reason: str, rows=None
    ) -> None:
        """Reject lines ``rows[where]`` (``rows``: line indices; default all lines)."""
        if not where.any():
            return
        lines = np.flatnonzero(where) if rows is None else rows[where]
        k = len(lines)
        value = (
            _repeat(values, pa.string(), k)
            if isinstance(values, str)
            else values.filter(pa.array(where))
        )
        self.parts.append(
            pa.table(
                [
                    pa.array(self.file_of[lines], pa.int64()),
                    pa.array(self.numbers[lines]),
                    self.types.take(pa.array(lines)),
                    _repeat(label, pa.string(), k),
                    pc.cast(value, pa.string()),
                    _repeat(reason, pa.string(), k),
                ],
                schema=_FILE_REJECT_SCHEMA,
            )
        )

    def table(self) -> pa.Table:
        """All rejects by file and line number (a line's rejects in the order found)."""
        if not self.parts:
            return _FILE_REJECT_SCHEMA.empty_table()
        t = pa.concat_tables(self.parts)
        order = np.lexsort((_np(t["record_number"]), _np(t["file"])))  # stable
        return t.take(pa.array(order))


def _parse(
    code: str, lines: pa.Array, rows: np.ndarray, rej: _Rejects, wanted: frozenset | None = None
) -> tuple[dict, np.ndarray]:
    """Slice and check every field of records ``code``; returns parsed fields and a bad mask.
    Alphanumeric fields (never checked) not in ``wanted`` are skipped (default: none is)."""
    n = len(lines)
    bad = np.zeros(n, dtype=bool)
    out: dict[str, pa.Array] = {}
    field_of = _Slicer(lines)
    for f in LAYOUT[code]:
        kind = _KIND[f.number]
        if kind in ("record_type", "reserve"):
            continue
        if kind == "text":
            if wanted is None or f.number in wanted:
                out[f.number] = pc.utf8_rtrim(field_of.text(f), characters=" ")
            continue
        checks: list[tuple[np.ndarray, str]] = []
        if kind == "dc":
            ok = _np(pc.is_in(field_of.text(f), pa.array(["D", "C"])))
            checks.append((ok, "debit/credit indicator is not D or C"))
        else:
            ok = field_of.numeric(f)
            if kind in ("int", "date"):
                number = field_of.number(f, ok)
            if kind == "date":
                parsed, real = _parse_dates(number, ok)
                checks.append((real, "not a valid date (EEJJMMDD)"))
            else:
                checks.append((ok, "not numeric"))
            if f.number in _BSN_FIELDS:
                digits = field_of.digits(f, ok)
                elf = ((digits @ _BSN_WEIGHTS) % 11 == 0) & digits.any(axis=1)
                checks.append((elf, "BSN fails the 11-test"))
            if f.number == "0223":
                checks.append(
                    (
                        _np(pc.is_in(field_of.text(f), pa.array(["1", "2"]))),
                        "not 1 (deceased) or 2 (alive)",
                    )
                )
        ok = np.ones(n, dtype=bool)
        for passed, reason in checks:
            fail = ok & ~passed
            if fail.any():
                value = HIDDEN if f.number in _HIDDEN_FIELDS else field_of.text(f)
                rej.add(fail, f.label, value, reason, rows)
                ok &= passed
        bad |= ~ok
        if kind == "date":
            out[f.number] = parsed
        elif kind == "int":
            out[f.number] = pa.array(number, pa.int64(), mask=None if ok.all() else ~ok)
        elif ok.all():
            out[f.number] = field_of.text(f)
        else:
            out[f.number] = pc.if_else(pa.array(ok), field_of.text(f), pa.scalar(None, pa.string()))
    return out, bad


def _signed(cents: pa.Array, dc: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(dc, "C"), pc.negate(cents), cents)


def _per_file(mask: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Number of lines per file where ``mask`` (every file has at least one line)."""
    return np.add.reduceat(mask.astype(np.int64), start)


def _dicts(fields: dict[str, pa.Array]) -> list[dict[str, object]]:
    """One dict label -> value per row of parsed fields."""
    labels = [_FIELDS[num].label for num in fields]
    columns = [v.to_pylist() for v in fields.values()]
    return [dict(zip(labels, values, strict=True)) for values in zip(*columns, strict=True)]


def _read_lines(ls: _Lines) -> Aw319Batch:
    """Parse and check the lines of several files at once; see the module doc."""
    lines, file_of, local, start, size = ls.lines, ls.file_of, ls.local, ls.start, ls.size
    nfiles, n = len(start), len(lines)
    stems = pa.array([p.stem for p in ls.paths], pa.string())
    rtype = pc.utf8_slice_codeunits(lines, 0, 2)
    length = _np(pc.utf8_length(lines))
    is_ = {code: _np(pc.equal(rtype, code)) for code in RECORD_TYPES}
    numbers = local + 1
    index = np.arange(n)
    rej = _Rejects(numbers, rtype, file_of)

    # whole-record problems; end: line index (within its file) of the file's first sluitrecord
    known = np.logical_or.reduce(list(is_.values()))
    end = np.minimum(np.minimum.reduceat(np.where(is_["99"], local, n), start), size)
    has99 = end < size
    end_of = end[file_of]
    unknown = ~known
    wrong = known & (length != RECORD_LENGTH)
    second = is_["01"] & (local > 0) & ~wrong
    late = known & ~wrong & ~second & (local > end_of)
    rej.add(unknown, "KENMERK RECORD", rtype, "unknown record type")
    rej.add(
        wrong,
        "record",
        pc.cast(pa.array(length), pa.string()),
        f"record is not {RECORD_LENGTH} characters long",
    )
    rej.add(second, "record", "", "a second voorlooprecord (01)")
    rej.add(late, "record", "", "record after the sluitrecord (99)")
    usable = known & ~wrong & ~second & ~late

    def of(code: str) -> tuple[np.ndarray, pa.Array]:
        rows = np.flatnonzero(is_[code] & usable)
        return rows, lines.take(pa.array(rows))

    # 01: the first line of every file
    f01, _ = _parse("01", lines.take(pa.array(start)), start, rej)
    headers = _dicts(f01)

    # 02
    rows02, l02 = of("02")
    f02, bad02 = _parse("02", l02, rows02, rej, _WANTED_02)
    row02_of_line = np.full(n, -1, dtype=np.int64)
    row02_of_line[rows02] = np.arange(len(rows02))
    ok02_line = np.zeros(n, dtype=bool)
    ok02_line[rows02[~bad02]] = True

    # 04: its 02 is the last 02 line before it in the same file
    rows04, l04 = of("04")
    f04, bad04 = _parse("04", l04, rows04, rej)
    last02 = np.maximum.accumulate(np.where(is_["02"], index, -1))
    parent = last02[rows04]
    own_start = start[file_of[rows04]]
    orphan = parent < own_start
    parent_bad = ~orphan & ~ok02_line[np.maximum(parent, 0)]
    parent_numbers = pc.cast(pa.array(np.maximum(parent - own_start, 0) + 1), pa.string())
    rej.add(orphan, "verzekerdenrecord", "", "no verzekerdenrecord (02) before this record", rows04)
    rej.add(
        parent_bad,
        "verzekerdenrecord",
        parent_numbers,
        "its verzekerdenrecord (02) was rejected",
        rows04,
    )
    bad04 |= orphan | parent_bad
    take02 = pa.array(np.where(bad04, 0, row02_of_line[parent]))  # row of the 02 per 04 record
    if len(rows02):
        for num04, num02 in _KEY_FIELDS.items():
            same = _np(pc.equal(f04[num04], f02[num02].take(take02)))
            differ = ~bad04 & ~same
            value = HIDDEN if num04 in _HIDDEN_FIELDS else f04[num04]
            reason = f"differs from {_FIELDS[num02].label} of its verzekerdenrecord"
            rej.add(differ, _FIELDS[num04].label, value, reason, rows04)
            bad04 |= differ

    accepted = ~bad04
    records = _records(stems, f01, f02, f04, rows04, file_of, numbers, take02, accepted)

    # 98
    rows98, l98 = of("98")
    f98, bad98 = _parse("98", l98, rows98, rej)
    keep = pa.array(~bad98)
    kept98 = rows98[~bad98]
    comments = pa.table(
        [
            stems.take(pa.array(file_of[kept98])),
            pa.array(numbers[kept98]),
            f98["9802"].filter(keep),
            f98["9803"].filter(keep),
            f98["9804"].filter(keep),
        ],
        schema=_BATCH_COMMENT_SCHEMA,
    )

    # 99: per file, the counts and the total against what was read
    issues: list[list[str]] = [[] for _ in range(nfiles)]
    closings: list[dict[str, object]] = [{} for _ in range(nfiles)]
    before = local < end_of
    count = {code: _per_file(is_[code] & before, start) for code in ("02", "04", "98")}
    count["03"] = _per_file(_np(pc.equal(rtype, "03")) & before, start)
    end_line = start + np.minimum(end, size - 1)  # the (first) sluitrecord, if any
    for j in np.flatnonzero(~has99):
        issues[j].append("no sluitrecord (99): counts and total not checked")
    readable99 = has99 & usable[end_line]
    for j in np.flatnonzero(has99 & ~readable99):
        issues[j].append(
            f"the sluitrecord (line {end[j] + 1}) is not {RECORD_LENGTH} characters long: "
            "counts and total not checked"
        )
    files99 = np.flatnonzero(readable99)
    rows99 = end_line[files99]
    f99, _ = _parse("99", lines.take(pa.array(rows99)), rows99, rej)
    for j, closing in zip(files99, _dicts(f99), strict=True):
        closings[j] = closing
    expected = {
        "9902": count["02"],
        "9903": count["03"],
        "9904": count["04"],
        "9905": count["98"],
        "9906": count["02"] + count["03"] + count["04"] + count["98"],
    }
    for num, have_all in expected.items():
        said, unreadable = _np(pc.fill_null(f99[num], 0)), _np(pc.is_null(f99[num]))
        have = have_all[files99]
        for i in np.flatnonzero(unreadable | (said != have)):
            j = files99[i]
            if unreadable[i]:
                issues[j].append(f"{_FIELDS[num].label}: unreadable in the sluitrecord")
            else:
                issues[j].append(
                    f"{_FIELDS[num].label}: the sluitrecord says {said[i]}, the file has {have[i]}"
                )
    _total_issues(lines, is_["04"] & before, wrong, start, files99, f99, issues)
    after = size - 1 - end
    for j in np.flatnonzero(has99 & (after > 0)):
        issues[j].append(f"{after[j]} line(s) after the sluitrecord (99) were rejected")

    per_code = {code: _per_file(is_[code], start) for code in RECORD_TYPES}
    per_code["??"] = _per_file(unknown, start)
    file_counts = [
        dict(zip(per_code, map(int, values), strict=True))
        for values in zip(*per_code.values(), strict=True)
    ]
    rejects = rej.table()
    rejects = pa.table(
        [stems.take(rejects["file"]), *rejects.columns[1:]], schema=_BATCH_REJECT_SCHEMA
    )
    names = [p.name for p in ls.paths]
    return Aw319Batch(
        paths=list(ls.paths),
        headers=headers,
        records=records,
        comments=comments,
        rejects=rejects,
        closings=closings,
        closing_issues=[f"{names[j]}: {issue}" for j in range(nfiles) for issue in issues[j]],
        counts={code: int(v.sum()) for code, v in per_code.items()},
        file_closing_issues=issues,
        file_counts=file_counts,
    )


def _total_issues(
    lines: pa.Array,
    mask04: np.ndarray,
    wrong: np.ndarray,
    start: np.ndarray,
    files99: np.ndarray,
    f99: dict,
    issues: list[list[str]],
) -> None:
    """Compare 9907/9908 with the sum of the declared amounts of every 04 line that has one."""
    label = _FIELDS["9907"].label
    good = mask04 & ~wrong
    rows = np.flatnonzero(good)
    field_of = _Slicer(lines.take(pa.array(rows)))
    amount, dc = field_of.text(_FIELDS["0429"]), field_of.text(_FIELDS["0430"])
    readable = _np(pc.and_(pc.ascii_is_decimal(amount), pc.is_in(dc, pa.array(["D", "C"]))))
    cents = pc.cast(pc.if_else(pa.array(readable), amount, pa.scalar("0")), pa.int64())
    signed = np.zeros(len(lines), dtype=np.int64)
    signed[rows] = _np(_signed(cents, dc))
    has = np.zeros(len(lines), dtype=bool)
    has[rows] = readable
    total = np.add.reduceat(signed, start)[files99]
    missing = (_per_file(mask04, start) - _per_file(has, start))[files99]
    said, sign = _np(pc.fill_null(f99["9907"], 0)), f99["9908"]
    unreadable = _np(pc.or_(pc.is_null(f99["9907"]), pc.is_null(sign)))
    said = np.where(_np(pc.equal(sign, "C")), -said, said)
    for i in np.flatnonzero(unreadable | (said != total)):
        j = files99[i]
        if unreadable[i]:
            issues[j].append(f"{label}: unreadable in the sluitrecord")
            continue
        note = f" ({missing[i]} prestatierecord(s) without a readable amount)" if missing[i] else ""
        issues[j].append(
            f"{label}: the sluitrecord says {_cents_text(int(said[i]))}, "
            f"the prestatierecords add up to {_cents_text(int(total[i]))}{note}"
        )


def _records(
    stems, f01, f02, f04, rows04, file_of, numbers, take02, accepted: np.ndarray
) -> pa.Table:
    keep = pa.array(accepted)
    k = int(accepted.sum())
    lines = rows04[accepted]
    file_idx = pa.array(file_of[lines])
    cols: dict[str, pa.Array] = {
        "file_key": stems.take(file_idx),
        "record_number": pa.array(numbers[lines], pa.int64()),
    }
    for num, name in _RECORD_FIELDS_01.items():
        cols[name] = f01[num].take(file_idx)
    idx02 = take02.filter(keep)
    for num, name in _RECORD_FIELDS_02.items():
        cols[name] = f02[num].take(idx02) if len(f02[num]) else pa.nulls(k, pa.string())
    cols["deceased"] = pc.equal(cols["deceased"], "1")
    for num, name in _RECORD_FIELDS_04.items():
        cols[name] = f04[num].filter(keep)
    dc1 = f04["0427"].filter(keep)
    cols["calculated_cents"] = _signed(cols["calculated_cents"], dc1)
    cols["declared_cents"] = _signed(cols["declared_cents"], cols["debit_credit"])
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
    parts: list[Aw319Batch] = []
    group: list[Path] = []
    datas: list[bytes] = []
    size = 0
    for path in paths:
        try:
            data = _file_bytes(path)
        except Aw319Error:
            if group:
                _split(group, datas)  # an earlier file may be unreadable too
            raise
        group.append(path)
        datas.append(data)
        size += len(data)
        if size >= _GROUP_BYTES:
            parts.append(_read_lines(_split(group, datas)))
            group, datas, size = [], [], 0
    if group or not parts:
        parts.append(_read_lines(_split(group, datas)) if group else _empty_batch())
    return parts[0] if len(parts) == 1 else _concat(parts)


def _empty_batch() -> Aw319Batch:
    return Aw319Batch(
        paths=[],
        headers=[],
        records=_RECORD_SCHEMA.empty_table(),
        comments=_BATCH_COMMENT_SCHEMA.empty_table(),
        rejects=_BATCH_REJECT_SCHEMA.empty_table(),
        counts={code: 0 for code in [*RECORD_TYPES, "??"]},
    )


def _concat(parts: list[Aw319Batch]) -> Aw319Batch:
    return Aw319Batch(
        paths=[p for b in parts for p in b.paths],
        headers=[h for b in parts for h in b.headers],
        records=pa.concat_tables([b.records for b in parts]),
        comments=pa.concat_tables([b.comments for b in parts]),
        rejects=pa.concat_tables([b.rejects for b in parts]),
        closings=[c for b in parts for c in b.closings],
        closing_issues=[i for b in parts for i in b.closing_issues],
        counts={code: sum(b.counts[code] for b in parts) for code in parts[0].counts},
        file_closing_issues=[i for b in parts for i in b.file_closing_issues],
        file_counts=[c for b in parts for c in b.file_counts],
    )


def read_aw319(path: Path) -> Aw319File:
    """Read one AW319 file; see the module doc for what is checked and returned."""
    path = Path(path)
    batch = _read_lines(_split([path], [_file_bytes(path)]))
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
