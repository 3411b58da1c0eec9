"""Claims to and from Vektis AW319 files (district nursing, ELV and Wlz), on top of the
AW319 record rules of :mod:`passend.claims.vektis.aw319` and the shared mapping of
:mod:`passend.claims.vektis.mapping`.

Export (``passend claims export --format aw319``) writes one file per provider x financer x
month of service for the claims whose title has a Vektis prestatiecode (``vektis_code`` in the
catalogue: district nursing 1032-1037 officially, P9xxx placeholders for the others) and is
not medical specialist care (that is ZH308). AW319 needs what passend never holds, so the
export fills it visibly (synthetic BSN, birth date, AGB and UZOVI codes: see ``mapping``).

Import (``passend claims import --format aw319``) maps each accepted prestatie record to a
claim line: the BSN becomes a keyed hash, the prestatiecode (0417) the catalogue title, the
reference (0431) the claim id, the instelling (0112) and UZOVI (0404) the provider and
financer, 0419 TIJDSEENHEID the unit, 0418 the quantity, 0429/0430 the amount. Records the
reader rejects keep their record number and reason; the code-list indicator (0416) is
information, never a reason: it is kept in the claims' ``code_list`` column (and written back by
the export).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from passend.catalogue.loader import Catalogue
from passend.claims.vektis import mapping as m
from passend.claims.vektis.aw319 import read_aw319_many, write_aw319
from passend.messages import Message

MESSAGE_CODE = {"wlz": "187", "zvw": "428"}
TIME_UNIT = {"minutes": "01", "days": "14", "count": ""}
UNIT_OF_TIME = {"01": "minutes", "14": "days", "": "count"}
MAX_QUANTITY = 9999  # AW319 field 0418 has four digits
HOSPITAL = "medical_specialist_care"  # claimed in ZH308, not AW319


def export_aw319(
    cat: Catalogue, claims: pa.Table, pop_dir: Path, out_dir: Path
) -> tuple[list[Path], int, int]:
    """Write the AW319 files; returns (paths, lines written, lines left out)."""
    codes = [t.code for t in cat.titles.values() if t.vektis_code and t.sector != HOSPITAL]
    in_scope = pc.and_(
        pc.is_in(claims["title_code"], value_set=pa.array(codes)),
        pc.and_(pc.is_valid(claims["patient_id"]), pc.less_equal(claims["quantity"], MAX_QUANTITY)),
    )
    c = claims.filter(in_scope)
    left_out = claims.num_rows - c.num_rows
    if c.num_rows == 0:
        return [], 0, left_out
    common = m.export_columns(c, pop_dir)
    lines = pa.table(
        {
            **{k: common[k] for k in ("file_key", "invoice_number", "period_start")},
            **{k: common[k] for k in ("period_end", "invoice_date")},
            "message_code": pc.if_else(pc.equal(c["law"], "wlz"), "187", "428"),
            **{k: common[k] for k in ("uzovi", "instelling_agb", "bsn", "birth_date")},
            **{k: common[k] for k in ("sex", "deceased")},
            "prestatiecode": m.prestatiecodes(cat, c["title_code"]),
            "codelist": m.code_list(c),
            "begin_date": c["service_date"],
            "end_date": c["service_date"],
            "quantity": c["quantity"],
            "time_unit": m.per_value(c["unit"], TIME_UNIT.get),
            "zorgverlener_agb": common["instelling_agb"],
            "tariff_cents": c["tariff_cents"],
            "calculated_cents": c["amount_cents"],
            "declared_cents": c["amount_cents"],
            "reference": c["claim_id"],
        }
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = write_aw319(lines, out_dir)
    return paths, c.num_rows, left_out


def read_aw319_claims(
    cat: Catalogue, path: Path
) -> tuple[pa.Table, np.ndarray, pa.Table | None, list[str], list[str]]:
    """Read one AW319 file (or every ``.asc`` file of a folder) into claim columns.
    Returns (claims as text/typed columns, their record numbers, rejects, notes, issues)."""
    files, key = m.files_and_key(path, ".asc", "AW319")
    batch = read_aw319_many(files)  # all files parsed and checked at once
    records = batch.records
    numbered = m.Numbering(files)
    titles = m.title_codes(cat, records["prestatiecode"])
    provider, financer = m.providers_and_financers(
        path, records["instelling_agb"], records["uzovi"]
    )
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
            "unit": m.per_value(records["time_unit"], lambda u: UNIT_OF_TIME.get(u, "count")),
            "amount_cents": pc.cast(records["declared_cents"], pa.int64()),
            "patient_bound": pa.array(np.ones(records.num_rows, dtype=bool)),
            "code_list": records["codelist"],  # 0416: information, kept as read
        }
    )
    notes = [Message("privacy.bsn")]
    total = m.closing_total(
        batch.closings, "9907 TOTAAL DECLARATIEBEDRAG", "9908 INDICATIE DEBET/CREDIT"
    )
    raw = raw.replace_schema_metadata({m.TOTAL_KEY: str(total)})
    return (
        raw,
        numbered(records["file_key"], records["record_number"]),
        m.rejects_table(batch.rejects, ".asc", numbered),
        notes,
        list(batch.closing_issues),
    )


__all__ = ["export_aw319", "read_aw319_claims"]
