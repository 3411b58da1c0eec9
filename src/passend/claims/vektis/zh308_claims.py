"""Claims to and from Vektis ZH308 files (medical specialist care, Zvw), on top of the ZH308
record rules of :mod:`passend.claims.vektis.zh308` and the shared mapping of
:mod:`passend.claims.vektis.mapping`.

Export (``passend claims export --format zh308``): the claim lines of the hospital titles
(sector ``medical_specialist_care``, law ``zvw``, with a ``vektis_code``: P9801-P9806,
passend placeholders, as the DBC declaratiecodes are not in the sources at hand) of patients,
one file ``<provider>_<financer>_<YYYYMM>.zh308`` per provider x financer x month of service.
Per line: 0410 the title's code, 0411/0412 the service date, 0426 the quantity, 0440 and 0112
the provider's AGB, 0404 the financer's UZOVI, 0458/0622 the claim id, 0614 the tariff,
0620/0621 the amount (a credit is "C"), 0409 the line's own 3-digit code list or else "041"
(prescribed for DBC-zorgproducten). ZH308 has no time unit: a line in days (MSZ-IC-DAG) or a
count is written with its quantity; a line in minutes on a title paid per prestatie
(MSZ-OZP-PZP: the minutes of the conversation) is written as 1 prestatie and reads back as
``1 count``.

Import (``passend claims import --format zh308``): each accepted prestatierecord becomes a
claim line: the BSN a keyed hash, 0410 the title, 0458 the claim id, 0440 (else 0112) the
provider, 0404 the financer, 0411 the service date, 0426 the quantity in ``days`` for a title
paid per day, else ``count``, the sum of its tariefrecords (0620/0621) the amount; activity,
professional and setting the title's first (ZH308 carries none of them), specialty empty
(0439 is not mapped). The files' own total (9909/9910) is the import's total.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from passend.catalogue.loader import Catalogue
from passend.claims.vektis import mapping as m
from passend.claims.vektis.zh308 import SUFFIX, read_zh308_many, write_zh308
from passend.messages import Message

SECTOR, LAW = "medical_specialist_care", "zvw"
DBC_CODELIST = "041"  # 0409: "instellingen met DBC-zorgproducten" (the layout's constraint)
MAX_QUANTITY = 9999  # 0426 has four digits


def zh308_titles(cat: Catalogue) -> list[str]:
    """The titles claimed in ZH308: hospital (MSZ, Zvw) titles with a Vektis code."""
    return [
        t.code
        for t in cat.titles.values()
        if t.vektis_code and t.sector == SECTOR and t.law == LAW and t.unit != "hour"
    ]


def _quantity(c: pa.Table) -> pa.Array:
    """0426: the quantity; a line in minutes is one prestatie (the title is paid per prestatie)."""
    return pc.if_else(pc.equal(c["unit"], "minutes"), pa.scalar(1, pa.int64()), c["quantity"])


def export_zh308(
    cat: Catalogue, claims: pa.Table, pop_dir: Path, out_dir: Path
) -> tuple[list[Path], int, int]:
    """Write the ZH308 files; returns (paths, lines written, lines left out)."""
    in_scope = pc.and_(
        pc.is_in(claims["title_code"], value_set=pa.array(zh308_titles(cat), pa.string())),
        pc.and_(pc.is_valid(claims["patient_id"]), pc.less_equal(claims["quantity"], MAX_QUANTITY)),
    )
    c = claims.filter(in_scope)
    left_out = claims.num_rows - c.num_rows
    if c.num_rows == 0:
        return [], 0, left_out
    common = m.export_columns(c, pop_dir)
    own = m.code_list(c)
    codelist = pc.if_else(pc.equal(own, m.CODELIST), pa.scalar(DBC_CODELIST), own)
    lines = pa.table(
        {
            **common,
            "prestatiecode": m.prestatiecodes(cat, c["title_code"]),
            "codelist": codelist,
            "begin_date": c["service_date"],
            "end_date": c["service_date"],
            "quantity": _quantity(c),
            "tariff_cents": c["tariff_cents"],
            "declared_cents": c["amount_cents"],
            "reference": c["claim_id"],
        }
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_zh308(lines, out_dir), c.num_rows, left_out


def read_zh308_claims(
    cat: Catalogue, path: Path
) -> tuple[pa.Table, np.ndarray, pa.Table | None, list[str], list[str]]:
    """Read one ZH308 file (or every ``.zh308`` file of a folder) into claim columns.
    Returns (claims as text/typed columns, their record numbers, rejects, notes, issues)."""
    files, key = m.files_and_key(path, SUFFIX, "ZH308")
    batch = read_zh308_many(files)
    records = batch.records
    numbered = m.Numbering(files)
    titles = m.title_codes(cat, records["prestatiecode"])
    per_day = {t.code for t in cat.titles.values() if t.unit == "day"}
    institution = pc.if_else(
        pc.equal(records["institution_agb"], "00000000"),
        records["instelling_agb"],
        records["institution_agb"],
    )
    provider, financer = m.providers_and_financers(path, institution, records["uzovi"])
    derived = m.from_title(cat, titles)
    raw = pa.table(
        {
            "claim_id": pc.utf8_trim_whitespace(records["reference"]),
            "patient_id": m.hashed(key, records["bsn"]),
            "provider_id": provider,
            "financer_id": financer,
            "law": derived["law"],
            "title_code": titles,
            "activity": derived["activity"],
            "professional": derived["professional"],
            "setting": derived["setting"],
            "service_date": records["begin_date"],
            "quantity": pc.cast(records["quantity"], pa.int64()),
            "unit": m.per_value(titles, lambda t: "days" if t in per_day else "count"),
            "amount_cents": records["declared_cents"],
            "patient_bound": pa.array(np.ones(records.num_rows, dtype=bool)),
            "code_list": records["codelist"],  # 0409: information, kept as read
        }
    )
    notes = [Message("privacy.bsn")]
    total = m.closing_total(
        batch.closings, "9909 TOTAAL DECLARATIEBEDRAG", "9910 INDICATIE DEBET/CREDIT"
    )
    raw = raw.replace_schema_metadata({m.TOTAL_KEY: str(total)})
    return (
        raw,
        numbered(records["file_key"], records["record_number"]),
        m.rejects_table(_on_claims(batch), SUFFIX, numbered),
        notes,
        list(batch.closing_issues),
    )


def _on_claims(batch) -> pa.Table:
    """The reader's rejects with those of a tariefrecord or zorgactiviteitrecord on the line of
    its prestatierecord (the claim), the record named in the field ("0620 ... (06, line 5)"), so
    that a rejected claim is one row; "its prestatierecord was rejected" adds nothing there."""
    rej = batch.rejects
    child = pc.is_in(rej["record_type"], pa.array(["06", "16"]))
    redundant = pc.and_(child, pc.match_substring(rej["reason"], "its prestatierecord (04)"))
    rej = rej.filter(pc.invert(redundant))
    links = batch.links.drop_columns(["record_type"])
    joined = rej.join(links, ["file_key", "record_number"], join_type="left outer")
    mapped = pc.is_valid(joined["parent_record_number"])
    where = pc.binary_join_element_wise(
        joined["field"],
        " (",
        joined["record_type"],
        ", line ",
        pc.cast(joined["record_number"], pa.string()),
        ")",
        "",
    )
    out = pa.table(
        {
            "file_key": joined["file_key"],
            "record_number": pc.if_else(
                mapped, joined["parent_record_number"], joined["record_number"]
            ),
            "record_type": joined["record_type"],
            "field": pc.if_else(mapped, where, joined["field"]),
            "value": joined["value"],
            "reason": joined["reason"],
        }
    )
    return out.sort_by([("file_key", "ascending"), ("record_number", "ascending")])


__all__ = ["export_zh308", "read_zh308_claims", "zh308_titles"]
