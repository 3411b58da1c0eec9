"""Claims to and from Vektis AW319 files (district nursing, ELV and Wlz), on top of the
fixed-width reader and writer of :mod:`passend.claims.aw319`.

Export (``passend claims export --format aw319``) writes one file per provider x financer x
month of service for the claims whose title has a Vektis prestatiecode (``vektis_code`` in the
catalogue: district nursing 1032-1037 officially, P9xxx placeholders for the others). AW319
needs what passend never holds, so the export fills it visibly:

- the BSN field gets a SYNTHETIC number that passes the 11-test, derived from the pseudonymous
  patient id (passend has no BSNs; these are not the patients' BSNs);
- birth date = 1 January of (year of death - age), sex from the patients table;
- provider and financer codes come from the population's ``providers.agb_code`` and
  ``financers.uzovi`` (synthetic in generated populations).

Import (``passend claims import --format aw319``) maps each accepted prestatie record to a
claim line: the BSN becomes a keyed hash (HMAC-SHA256, ``PASSEND_PSEUDONYM_KEY``; without a key
the file is refused, as it always holds BSNs), the prestatiecode becomes the catalogue title,
the reference (0431) the claim id, the AGB and UZOVI codes the provider and financer ids (through
``providers.parquet``/``financers.parquet`` beside the file when present, else ``agb:...`` and
``uzovi:...``). AW319 carries no activity, professional or setting: those are the title's first
activity, first claimant professional and first setting. Records the reader rejects keep their
record number and reason; the code-list indicator (0416) is information, never a reason: it is
kept in the claims' ``code_list`` column (and written back by the export).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from passend.catalogue.loader import Catalogue
from passend.claims.aw319 import bsn_valid, read_aw319_many, write_aw319
from passend.privacy import PrivacyError, load_key, pseudonym

MESSAGE_CODE = {"wlz": "187", "zvw": "428"}
TIME_UNIT = {"minutes": "01", "days": "14", "count": ""}
UNIT_OF_TIME = {"01": "minutes", "14": "days", "": "count"}
CODELIST = "999"  # passend: the code list of the prestatiecodes is not at hand
MAX_QUANTITY = 9999  # AW319 field 0418 has four digits


def vektis_titles(cat: Catalogue) -> dict[str, str]:
    """Vektis prestatiecode -> title code."""
    return {t.vektis_code: t.code for t in cat.titles.values() if t.vektis_code}


def synthetic_bsn(patient_ids: pa.Array | pa.ChunkedArray) -> pa.Array:
    """A 9-digit number passing the BSN 11-test for each patient id (deterministic; not a BSN
    of anyone passend knows). One hash per distinct id."""
    enc = pc.dictionary_encode(patient_ids)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    base = np.array(
        [
            int(hashlib.sha256(v.encode()).hexdigest()[:12], 16) % 90_000_000 + 10_000_000
            for v in enc.dictionary.to_pylist()
        ],
        dtype=np.int64,
    )
    out = np.zeros(len(base), dtype=np.int64)
    todo = np.ones(len(base), dtype=bool)
    step = 0
    while todo.any():  # at most a few rounds: about 1 in 11 prefixes has no valid check digit
        first8 = (base + step) % 90_000_000 + 10_000_000
        digits = np.stack([(first8 // 10 ** (7 - k)) % 10 for k in range(8)], axis=1)
        s = (digits * np.array([9, 8, 7, 6, 5, 4, 3, 2])).sum(axis=1)
        check = s % 11
        ok = todo & (check < 10)
        out[ok] = first8[ok] * 10 + check[ok]
        todo &= ~ok
        step += 1
    values = pa.array([f"{v:09d}" for v in out])
    assert pc.all(bsn_valid(values)).as_py()
    return values.take(enc.indices)


def export_aw319(
    cat: Catalogue, claims: pa.Table, pop_dir: Path, out_dir: Path
) -> tuple[list[Path], int, int]:
    """Write the AW319 files; returns (paths, lines written, lines left out)."""
    to_vektis = {t.code: t.vektis_code for t in cat.titles.values() if t.vektis_code}
    in_scope = pc.and_(
        pc.is_in(claims["title_code"], value_set=pa.array(list(to_vektis))),
        pc.and_(pc.is_valid(claims["patient_id"]), pc.less_equal(claims["quantity"], MAX_QUANTITY)),
    )
    c = claims.filter(in_scope)
    left_out = claims.num_rows - c.num_rows
    if c.num_rows == 0:
        return [], 0, left_out
    patients = pq.read_table(
        pop_dir / "patients.parquet", columns=["patient_id", "age", "sex", "death_date"]
    )
    providers = pq.read_table(pop_dir / "providers.parquet", columns=["provider_id", "agb_code"])
    financers = pq.read_table(pop_dir / "financers.parquet", columns=["financer_id", "uzovi"])
    p = pc.index_in(c["patient_id"], value_set=patients["patient_id"])
    death = patients["death_date"].take(p)
    age = patients["age"].take(p)
    birth_year = pc.subtract(pc.cast(pc.year(death), pa.int64()), pc.cast(age, pa.int64()))
    birth = pc.strptime(
        pc.binary_join_element_wise(pc.cast(birth_year, pa.string()), "-01-01", ""), "%Y-%m-%d", "s"
    )
    sex = pc.if_else(pc.equal(patients["sex"].take(p), "female"), "2", "1")
    agb = providers["agb_code"].take(
        pc.index_in(c["provider_id"], value_set=providers["provider_id"])
    )
    uzovi = financers["uzovi"].take(
        pc.index_in(c["financer_id"], value_set=financers["financer_id"])
    )
    month_start = pc.strptime(pc.strftime(c["service_date"], "%Y-%m-01"), "%Y-%m-%d", "s")
    month_start_d = pc.cast(month_start, pa.date32())
    days = pc.cast(month_start_d, pa.int32()).to_numpy()
    starts = days.astype("datetime64[D]").astype("datetime64[M]")
    month_end = pa.array((starts + 1).astype("datetime64[D]") - np.timedelta64(1, "D"), pa.date32())
    key = pc.binary_join_element_wise(
        c["provider_id"], c["financer_id"], pc.strftime(c["service_date"], "%Y%m"), "_"
    )
    keys = pc.dictionary_encode(key).combine_chunks()
    invoice = pa.array([f"PAS{i:09d}" for i in range(len(keys.dictionary))]).take(keys.indices)
    code_of = pa.array([to_vektis[code] for code in c["title_code"].unique().to_pylist()]).take(
        pc.index_in(c["title_code"], value_set=c["title_code"].unique())
    )
    lines = pa.table(
        {
            "file_key": key,
            "invoice_number": invoice,
            "period_start": month_start_d,
            "period_end": month_end,
            "invoice_date": month_end,
            "message_code": pc.if_else(pc.equal(c["law"], "wlz"), "187", "428"),
            "uzovi": uzovi,
            "instelling_agb": agb,
            "bsn": synthetic_bsn(c["patient_id"]),
            "birth_date": pc.cast(birth, pa.date32()),
            "sex": sex,
            "deceased": pc.is_valid(death),
            "prestatiecode": code_of,
            "codelist": _code_list(c),
            "begin_date": c["service_date"],
            "end_date": c["service_date"],
            "quantity": c["quantity"],
            "time_unit": pa.array([TIME_UNIT[u] for u in c["unit"].unique().to_pylist()]).take(
                pc.index_in(c["unit"], value_set=c["unit"].unique())
            ),
            "zorgverlener_agb": agb,
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
) -> tuple[pa.Table, np.ndarray, pa.Table, list[str], list[str]]:
    """Read one AW319 file (or every ``.asc`` file of a folder) into claim columns.
    Returns (claims as text/typed columns, their record numbers, rejects, notes, issues)."""
    files = sorted(path.glob("*.asc")) if path.is_dir() else [path]
    key = load_key()
    if key is None:
        raise PrivacyError(
            f"{path}: AW319 files hold BSNs; set PASSEND_PSEUDONYM_KEY or PASSEND_PSEUDONYM_KEY_FILE "
            "to pseudonymise them on import"
        )
    codes = vektis_titles(cat)
    batch = read_aw319_many(files)  # all files parsed and checked at once
    records = batch.records
    issues = list(batch.closing_issues)
    # record numbers are per file; in a folder, file k's records are numbered from k * 1,000,000
    stems = pa.array([f.stem for f in files])
    step = 1_000_000 if len(files) > 1 else 0

    def numbered(
        keys: pa.ChunkedArray | pa.Array, numbers: pa.ChunkedArray | pa.Array
    ) -> np.ndarray:
        k = pc.index_in(keys, value_set=stems).to_numpy(zero_copy_only=False).astype(np.int64)
        return k * step + numbers.to_numpy(zero_copy_only=False).astype(np.int64)

    rejects = None
    if batch.rejects.num_rows:
        rej = batch.rejects
        rejects = pa.table(
            {
                "table": pc.binary_join_element_wise(rej["file_key"], ".asc", ""),
                "row": pa.array(numbered(rej["file_key"], rej["record_number"])),
                "column": rej["field"],
                "value": pc.cast(rej["value"], pa.string()),
                "reason": rej["reason"],
            }
        )
    enc = pc.dictionary_encode(records["bsn"]).combine_chunks()
    hashed = pa.array([pseudonym(key, v) for v in enc.dictionary.to_pylist()]).take(enc.indices)
    pcode = records["prestatiecode"]
    title_codes = pa.array(
        [codes.get(v.strip(), v.strip()) for v in pcode.unique().to_pylist()]
    ).take(pc.index_in(pcode, value_set=pcode.unique()))

    def from_title(attr: str) -> pa.Array:
        uniq = title_codes.unique().to_pylist()
        vals = []
        for code in uniq:
            t = cat.titles.get(code)
            if t is None:
                vals.append("")
            elif attr == "activity":
                vals.append(t.activities[0])
            elif attr == "setting":
                vals.append(t.settings[0])
            elif attr == "law":
                vals.append(t.law)
            else:
                profs = [p for c in t.claimants for p in c.professionals]
                if not profs:
                    kinds = t.claimants[0].provider_kinds
                    profs = [
                        p.id
                        for p in cat.professionals.values()
                        if set(p.provider_kinds) & set(kinds)
                    ]
                    profs = sorted(profs, key=lambda x: x != "carer")
                vals.append(profs[0] if profs else "")
        return pa.array(vals).take(pc.index_in(title_codes, value_set=pa.array(uniq)))

    providers = _code_map(path, "providers.parquet", "agb_code", "provider_id")
    financers = _code_map(path, "financers.parquet", "uzovi", "financer_id")
    agb = records["instelling_agb"]
    uz = records["uzovi"]
    raw = pa.table(
        {
            "claim_id": pc.utf8_trim_whitespace(records["reference"]),
            "patient_id": hashed,
            "provider_id": _mapped(agb, providers, "agb:"),
            "financer_id": _mapped(uz, financers, "uzovi:"),
            "law": from_title("law"),
            "title_code": title_codes,
            "activity": from_title("activity"),
            "professional": from_title("professional"),
            "setting": from_title("setting"),
            "service_date": records["begin_date"],
            "quantity": pc.cast(records["quantity"], pa.int64()),
            "unit": pa.array(
                [UNIT_OF_TIME.get(u, "count") for u in records["time_unit"].unique().to_pylist()]
            ).take(pc.index_in(records["time_unit"], value_set=records["time_unit"].unique())),
            "amount_cents": pc.cast(records["declared_cents"], pa.int64()),
            "patient_bound": pa.array(np.ones(records.num_rows, dtype=bool)),
            "code_list": records["codelist"],  # 0416: information, kept as read
        }
    )
    notes = ["bsn: keyed hash -> patient_id (names, birth dates and addresses are not read)"]
    # the files' own totals (closing records), so that accepted + rejected = the file's total
    file_total = 0
    for closing in batch.closings:  # one small dict per file
        amount = closing.get("9907 TOTAAL DECLARATIEBEDRAG")
        if isinstance(amount, int):
            file_total += -amount if closing.get("9908 INDICATIE DEBET/CREDIT") == "C" else amount
    raw = raw.replace_schema_metadata({"aw319_total_cents": str(file_total)})
    return (
        raw,
        numbered(records["file_key"], records["record_number"]),
        rejects,
        notes,
        issues,
    )


def _code_list(claims: pa.Table) -> pa.Array | pa.ChunkedArray:
    """Field 0416 per line: the claim's own code list where it has one of 3 digits (an AW319
    import keeps it), else ``CODELIST``."""
    default = pa.array([CODELIST] * claims.num_rows)
    if "code_list" not in claims.column_names:
        return default
    own = claims["code_list"]
    fits = pc.fill_null(pc.match_substring_regex(own, r"^[0-9]{3}$"), False)
    return pc.if_else(fits, own, default)


def _code_map(path: Path, name: str, code_col: str, id_col: str) -> dict[str, str]:
    folder = path if path.is_dir() else path.parent
    f = folder / name
    if not f.exists():
        return {}
    t = pq.read_table(f, columns=[code_col, id_col])
    return {c: i for c, i in zip(t[code_col].to_pylist(), t[id_col].to_pylist(), strict=True) if c}


def _mapped(codes: pa.ChunkedArray | pa.Array, mapping: dict[str, str], prefix: str) -> pa.Array:
    uniq = codes.unique().to_pylist()
    # typed, so that a file without any accepted line (no codes) maps to an empty column
    return pa.array([mapping.get(c, f"{prefix}{c}") for c in uniq], pa.string()).take(
        pc.index_in(codes, value_set=pa.array(uniq, codes.type))
    )


__all__ = ["export_aw319", "read_aw319_claims", "synthetic_bsn", "vektis_titles"]
