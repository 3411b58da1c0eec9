"""Import ``patients`` and ``activities`` from Parquet or CSV instead of generating them.

Every input row is either accepted or written to ``rejects.csv`` with its row number (1-based,
header excluded), the column, the value and the reason; accepted + rejected = read, always.
All checks are vectorised Arrow expressions (no Python loop over rows). A file that cannot be
read at all, or misses a required column, is a fatal :class:`ImportError_` (exit code 2).
Direct identifiers are pseudonymised or refused first (:mod:`passend.privacy`), so they never
reach the tables, the rejects file or a message.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq

from passend.catalogue.loader import Catalogue
from passend.population.params import TRAJECTORIES
from passend.population.tables import ACTIVITIES, PATIENTS, write_parquet
from passend.privacy import pseudonymise

DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
INT_RE = r"^-?\d+$"
BOOL_TRUE = ["true", "1", "ja", "yes", "t", "y"]
BOOL_FALSE = ["false", "0", "nee", "no", "f", "n"]


class ImportError_(Exception):
    """A fatal import error: the file as a whole cannot be used."""


@dataclass
class Result:
    table: str
    read: int
    accepted: int
    rejected: int
    notes: list[str] = field(default_factory=list)


def read_any(path: Path) -> pa.Table:
    """Read Parquet or CSV with every column as text (types are checked per row later)."""
    if not path.exists():
        raise ImportError_(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            table = pq.read_table(path)
            return pa.table({n: pc.cast(table[n], pa.string()) for n in table.column_names})
        with path.open(encoding="utf-8") as fh:
            header = next(csv.reader([fh.readline()]), [])
        if not header:
            raise ImportError_(f"{path}: empty file, no header row")
        opts = pv.ConvertOptions(
            column_types={h: pa.string() for h in header}, strings_can_be_null=True
        )
        return pv.read_csv(path, convert_options=opts)
    except ImportError_:
        raise
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError) as e:
        raise ImportError_(f"{path}: unreadable: {str(e).splitlines()[0]}") from None


class _Checker:
    def __init__(self, table: pa.Table, name: str):
        self.t = table
        self.name = name
        self.n = table.num_rows
        self.bad = np.zeros(self.n, dtype=bool)
        self.rejects: list[pa.Table] = []

    def col(self, name: str) -> pa.ChunkedArray:
        return pc.utf8_trim_whitespace(self.t[name])

    def fail(self, mask: np.ndarray, column: str, reason: str) -> None:
        if not mask.any():
            return
        rows = np.nonzero(mask)[0]
        values = (
            self.t[column].take(pa.array(rows))
            if column in self.t.column_names
            else pa.nulls(len(rows), pa.string())
        )
        self.rejects.append(
            pa.table(
                {
                    "table": pa.array([self.name] * len(rows)),
                    "row": pa.array(rows + 1),
                    "column": pa.array([column] * len(rows)),
                    "value": pc.cast(values, pa.string()),
                    "reason": pa.array([reason] * len(rows)),
                }
            )
        )
        self.bad |= mask

    def present(self, name: str) -> np.ndarray:
        return _np(pc.not_equal(self.col(name), ""))

    def required(self, name: str) -> np.ndarray:
        ok = self.present(name)
        self.fail(~ok, name, "required value is empty")
        return ok

    def matches(self, name: str, regex: str, reason: str, optional: bool = False) -> np.ndarray:
        here = self.present(name)
        ok = _np(pc.match_substring_regex(self.col(name), regex))
        self.fail(here & ~ok, name, reason)
        if not optional:
            self.fail(~here, name, "required value is empty")
        return here & ok

    def one_of(self, name: str, allowed: list[str], what: str, optional: bool = False) -> None:
        here = self.present(name)
        ok = _np(pc.is_in(self.col(name), value_set=pa.array(allowed)))
        self.fail(here & ~ok, name, f"unknown {what}")
        if not optional:
            self.fail(~here, name, "required value is empty")

    def dates(self, name: str, optional: bool = False) -> pa.Array:
        shape = self.matches(name, DATE_RE, "not a date (YYYY-MM-DD)", optional)
        parsed = pc.strptime(
            pc.if_else(pa.array(shape), self.col(name), pa.scalar(None, pa.string())),
            format="%Y-%m-%d",
            unit="s",
            error_is_null=True,
        )
        # a date that does not exist (2026-02-30) must not roll over: format it back and compare
        back = pc.strftime(parsed, format="%Y-%m-%d")
        invalid = shape & ~_np(pc.equal(back, self.col(name)))
        self.fail(invalid, name, "not a valid calendar date")
        return pc.cast(parsed, pa.date32())

    def ints(self, name: str, lo: int, hi: int) -> pa.Array:
        shape = self.matches(name, INT_RE, "not a whole number")
        values = pc.cast(pc.if_else(pa.array(shape), self.col(name), pa.scalar("0")), pa.int64())
        v = values.to_numpy(zero_copy_only=False)
        self.fail(shape & ((v < lo) | (v > hi)), name, f"out of range {lo}..{hi}")
        return values

    def bools(self, name: str) -> pa.Array:
        low = pc.utf8_lower(self.col(name))
        t = _np(pc.is_in(low, value_set=pa.array(BOOL_TRUE)))
        f = _np(pc.is_in(low, value_set=pa.array(BOOL_FALSE)))
        self.fail(~(t | f), name, "not true/false")
        return pa.array(t)

    def unique(self, name: str) -> None:
        """Reject the second and later rows with the same id (the first is kept)."""
        enc = pc.dictionary_encode(self.col(name)).combine_chunks()
        idx = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
        order = np.argsort(idx, kind="stable")
        ranked = idx[order]
        later = np.zeros(self.n, dtype=bool)
        later[order[1:][(ranked[1:] == ranked[:-1]) & (ranked[1:] >= 0)]] = True
        self.fail(later, name, "duplicate id (first occurrence kept)")


def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow mask as NumPy, nulls counted as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _missing_columns(table: pa.Table, required: list[str], path: Path) -> None:
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise ImportError_(f"{path}: missing required column(s) {', '.join(missing)}")


def import_population(
    cat: Catalogue, patients_path: Path, activities_path: Path, out_dir: Path
) -> list[Result]:
    """Validate and write ``patients.parquet``, ``activities.parquet`` and (when any row is
    refused) ``rejects.csv`` to ``out_dir``."""
    results: list[Result] = []
    rejects: list[pa.Table] = []

    # patients -------------------------------------------------------------------------------
    raw = read_any(patients_path)
    raw, notes = pseudonymise(raw, str(patients_path))
    required = [
        "patient_id",
        "age",
        "sex",
        "region",
        "insurer_id",
        "trajectory",
        "wlz",
        "death_date",
        "place_of_death",
    ]
    _missing_columns(raw, required, patients_path)
    ck = _Checker(raw, "patients")
    ck.required("patient_id")
    ck.unique("patient_id")
    age = ck.ints("age", 0, 120)
    ck.one_of("sex", ["female", "male"], "sex (female or male)")
    ck.required("region")
    ck.required("insurer_id")
    ck.one_of("trajectory", list(TRAJECTORIES), "trajectory")
    wlz = ck.bools("wlz")
    settings = sorted(cat.settings)
    ck.one_of("place_of_death", settings, "setting")
    death = ck.dates("death_date")

    def optional(name: str) -> pa.ChunkedArray | pa.Array:
        return raw[name] if name in raw.column_names else pa.nulls(raw.num_rows, pa.string())

    if "preferred_place_of_death" in raw.column_names:
        ck.one_of("preferred_place_of_death", settings, "setting", optional=True)
    resident = ck.bools("wlz_resident") if "wlz_resident" in raw.column_names else wlz
    marking = (
        ck.dates("palliative_marking_date", optional=True)
        if "palliative_marking_date" in raw.column_names
        else pa.nulls(raw.num_rows, pa.date32())
    )
    late = _np(pc.greater(marking, death))
    ck.fail(late, "palliative_marking_date", "marking after death")
    ok = ~ck.bad
    keep = pa.array(ok)
    patients = pa.table(
        {
            "patient_id": pc.utf8_trim_whitespace(raw["patient_id"]),
            "age": pc.cast(age, pa.int16()),
            "sex": raw["sex"],
            "region": raw["region"],
            "insurer_id": raw["insurer_id"],
            "care_office_id": pc.fill_null(pc.cast(optional("care_office_id"), pa.string()), ""),
            "municipality_id": pc.fill_null(pc.cast(optional("municipality_id"), pa.string()), ""),
            "trajectory": raw["trajectory"],
            "wlz": wlz,
            "wlz_resident": resident,
            "palliative_marking_date": marking,
            "death_date": death,
            "place_of_death": raw["place_of_death"],
            "preferred_place_of_death": pc.fill_null(
                pc.cast(optional("preferred_place_of_death"), pa.string()), ""
            ),
            "gp_practice_id": pc.fill_null(pc.cast(optional("gp_practice_id"), pa.string()), ""),
            "hospital_id": pc.fill_null(pc.cast(optional("hospital_id"), pa.string()), ""),
        }
    ).filter(keep)
    patients = patients.cast(PATIENTS)
    rejects += ck.rejects
    results.append(Result("patients", ck.n, int(ok.sum()), int((~ok).sum()), notes))

    # activities -----------------------------------------------------------------------------
    raw = read_any(activities_path)
    raw, notes = pseudonymise(raw, str(activities_path))
    required = [
        "activity_id",
        "patient_id",
        "activity",
        "professional",
        "setting",
        "provider_id",
        "date",
        "quantity",
        "unit",
        "patient_bound",
    ]
    _missing_columns(raw, required, activities_path)
    ck = _Checker(raw, "activities")
    ck.required("activity_id")
    ck.unique("activity_id")
    ck.one_of("activity", sorted(cat.activities), "activity")
    ck.one_of("professional", sorted(cat.professionals), "professional")
    if "specialty" in raw.column_names:
        ck.one_of("specialty", sorted(cat.specialties), "specialty", optional=True)
    ck.one_of("setting", settings, "setting")
    ck.required("provider_id")
    date = ck.dates("date")
    qty = ck.ints("quantity", 0, 10**9)
    ck.one_of("unit", ["minutes", "days", "count"], "unit (minutes, days or count)")
    bound = ck.bools("patient_bound")
    has_patient = ck.present("patient_id")
    bound_np = _np(bound)
    ck.fail(bound_np & ~has_patient, "patient_id", "patient-bound row without a patient")
    known = _np(pc.is_in(ck.col("patient_id"), value_set=patients["patient_id"]))
    ck.fail(has_patient & ~known, "patient_id", "unknown patient (not among the accepted patients)")
    ok = ~ck.bad
    pid = ck.col("patient_id")
    activities = pa.table(
        {
            "activity_id": pc.utf8_trim_whitespace(raw["activity_id"]),
            "patient_id": pc.if_else(pa.array(has_patient), pid, pa.scalar(None, pa.string())),
            "activity": raw["activity"],
            "professional": raw["professional"],
            "specialty": pc.if_else(
                pc.equal(pc.fill_null(optional("specialty"), ""), ""),
                pa.scalar(None, pa.string()),
                optional("specialty"),
            ),
            "setting": raw["setting"],
            "provider_id": raw["provider_id"],
            "date": date,
            "quantity": qty,
            "unit": raw["unit"],
            "patient_bound": bound,
        }
    ).filter(pa.array(ok))
    activities = activities.cast(ACTIVITIES)
    rejects += ck.rejects
    results.append(Result("activities", ck.n, int(ok.sum()), int((~ok).sum()), notes))

    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(patients, out_dir / "patients.parquet")
    write_parquet(activities, out_dir / "activities.parquet")
    reject_path = out_dir / "rejects.csv"
    if rejects:
        table = pa.concat_tables(rejects).sort_by([("table", "descending"), ("row", "ascending")])
        pv.write_csv(table, reject_path)
    elif reject_path.exists():
        reject_path.unlink()
    return results
