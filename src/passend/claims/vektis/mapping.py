"""What the Vektis standards' mappings to and from claims share.

Export: a SYNTHETIC BSN per patient (passes the 11-test, derived from the pseudonymous patient
id; passend has no BSNs), birth date = 1 January of (year of death - age), sex from the
patients table, AGB and UZOVI codes from the population's ``providers.agb_code`` and
``financers.uzovi``, one file per provider x financer x month of service.

Import: the BSN becomes a keyed hash (HMAC-SHA256, ``PASSEND_PSEUDONYM_KEY``; without a key the
file is refused, as it always holds BSNs); the prestatiecode becomes the catalogue title (the
title's ``vektis_code``), and what the standard does not carry (activity, professional,
setting) is the title's first; AGB and UZOVI codes become provider and financer ids through
``providers.parquet``/``financers.parquet`` beside the file when present, else ``agb:...`` and
``uzovi:...``. Record numbers are per file; in a folder, file k's records are numbered from
k * 1,000,000.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from passend.catalogue.loader import Catalogue
from passend.claims.titles import title_defaults
from passend.claims.vektis.fixedwidth import bsn_valid
from passend.privacy import PrivacyError, load_key, pseudonym

CODELIST = "999"  # passend: the code list of the prestatiecodes is not at hand
TOTAL_KEY = "aw319_total_cents"  # schema metadata the importer reads: the files' own total


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


def per_value(values: pa.Array | pa.ChunkedArray, fn, typ: pa.DataType | None = None) -> pa.Array:
    """``fn`` applied once per distinct value, spread back to every row."""
    uniq = values.unique()
    return pa.array([fn(v) for v in uniq.to_pylist()], typ or pa.string()).take(
        pc.index_in(values, value_set=uniq)
    )


def export_columns(claims: pa.Table, pop_dir: Path) -> dict[str, pa.Array]:
    """The columns every Vektis export needs, for claim lines ``claims`` (see the module doc)."""
    c = claims
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
    return {
        "file_key": key,
        "invoice_number": invoice,
        "period_start": month_start_d,
        "period_end": month_end,
        "invoice_date": month_end,
        "uzovi": uzovi,
        "instelling_agb": agb,
        "bsn": synthetic_bsn(c["patient_id"]),
        "birth_date": pc.cast(birth, pa.date32()),
        "sex": sex,
        "deceased": pc.is_valid(death),
    }


def prestatiecodes(cat: Catalogue, title_codes: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The title's Vektis prestatiecode per line."""
    to_vektis = {t.code: t.vektis_code for t in cat.titles.values() if t.vektis_code}
    return per_value(title_codes, lambda code: to_vektis[code])


def code_list(claims: pa.Table) -> pa.Array | pa.ChunkedArray:
    """The code-list indicator per line: the claim's own where it has one of 3 digits (an import
    keeps it), else ``CODELIST``."""
    default = pa.array([CODELIST] * claims.num_rows)
    if "code_list" not in claims.column_names:
        return default
    own = claims["code_list"]
    fits = pc.fill_null(pc.match_substring_regex(own, r"^[0-9]{3}$"), False)
    return pc.if_else(fits, own, default)


# ---------------------------------------------------------------------------------------------
# import


def files_and_key(path: Path, suffix: str, standard: str) -> tuple[list[Path], bytes]:
    """The files to read (one file, or every ``suffix`` file of a folder) and the pseudonym
    key; without a key the file is refused (it holds BSNs)."""
    files = sorted(path.glob(f"*{suffix}")) if path.is_dir() else [path]
    key = load_key()
    if key is None:
        raise PrivacyError(
            f"{path}: {standard} files hold BSNs; set PASSEND_PSEUDONYM_KEY or "
            "PASSEND_PSEUDONYM_KEY_FILE to pseudonymise them on import"
        )
    return files, key


class Numbering:
    """Record numbers over the files of a folder: file k's from k * 1,000,000."""

    def __init__(self, files: list[Path]):
        self.stems = pa.array([f.stem for f in files])
        self.step = 1_000_000 if len(files) > 1 else 0

    def __call__(self, keys, numbers) -> np.ndarray:
        k = pc.index_in(keys, value_set=self.stems).to_numpy(zero_copy_only=False)
        return k.astype(np.int64) * self.step + numbers.to_numpy(zero_copy_only=False).astype(
            np.int64
        )


def rejects_table(rej: pa.Table, suffix: str, numbered: Numbering) -> pa.Table | None:
    """The reader's rejects as the importer's (table, row, column, value, reason)."""
    if not rej.num_rows:
        return None
    return pa.table(
        {
            "table": pc.binary_join_element_wise(rej["file_key"], suffix, ""),
            "row": pa.array(numbered(rej["file_key"], rej["record_number"])),
            "column": rej["field"],
            "value": pc.cast(rej["value"], pa.string()),
            "reason": rej["reason"],
        }
    )


def hashed(key: bytes, bsn: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Keyed hash of every BSN (one hash per distinct BSN)."""
    enc = pc.dictionary_encode(bsn)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    return pa.array([pseudonym(key, v) for v in enc.dictionary.to_pylist()]).take(enc.indices)


def title_codes(cat: Catalogue, prestatiecode: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The catalogue title of every prestatiecode (an unknown code is kept as it is: the
    importer rejects it)."""
    codes = vektis_titles(cat)
    return per_value(prestatiecode, lambda v: codes.get(v.strip(), v.strip()))


def from_title(cat: Catalogue, titles: pa.Array) -> dict[str, pa.Array]:
    """What the standard does not carry, from the title (:func:`passend.claims.titles.
    title_defaults`): its law, first activity, first claimant professional and first setting
    ("" for an unknown title), one lookup table for the four."""
    defaults = title_defaults(cat)
    return {
        attr: per_value(titles, lambda code, a=attr: defaults.get(code, {}).get(a, ""))
        for attr in ("law", "activity", "professional", "setting")
    }


def code_map(path: Path, name: str, code_col: str, id_col: str) -> dict[str, str]:
    folder = path if path.is_dir() else path.parent
    f = folder / name
    if not f.exists():
        return {}
    t = pq.read_table(f, columns=[code_col, id_col])
    return {c: i for c, i in zip(t[code_col].to_pylist(), t[id_col].to_pylist(), strict=True) if c}


def mapped(codes: pa.ChunkedArray | pa.Array, mapping: dict[str, str], prefix: str) -> pa.Array:
    uniq = codes.unique().to_pylist()
    # typed, so that a file without any accepted line (no codes) maps to an empty column
    return pa.array([mapping.get(c, f"{prefix}{c}") for c in uniq], pa.string()).take(
        pc.index_in(codes, value_set=pa.array(uniq, codes.type))
    )


def providers_and_financers(path: Path, agb, uzovi) -> tuple[pa.Array, pa.Array]:
    providers = code_map(path, "providers.parquet", "agb_code", "provider_id")
    financers = code_map(path, "financers.parquet", "uzovi", "financer_id")
    return mapped(agb, providers, "agb:"), mapped(uzovi, financers, "uzovi:")


def closing_total(closings: list[dict[str, object]], amount: str, dc: str) -> int:
    """The files' own total (their sluitrecords), so that accepted + rejected = that total."""
    total = 0
    for closing in closings:  # one small dict per file
        value = closing.get(amount)
        if isinstance(value, int):
            total += -value if closing.get(dc) == "C" else value
    return total
