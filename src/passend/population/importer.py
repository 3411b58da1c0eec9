"""Import ``patients`` and ``activities`` from Parquet or CSV instead of generating them.

Every input row is either accepted or written to ``rejects.csv`` with its row number (1-based,
header excluded), the column, the value and the reason; accepted + rejected = read, always.
All checks are vectorised Arrow expressions (no Python loop over rows). A file that cannot be
read at all, or misses a required column, is a fatal :class:`ImportError_` (exit code 2).
Direct identifiers are pseudonymised or refused first (:mod:`passend.privacy`), so they never
reach the tables, the rejects file or a message.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from passend.catalogue.loader import Catalogue
from passend.population.params import TRAJECTORIES
from passend.population.tables import ACTIVITIES, PATIENTS
from passend.privacy import pseudonymise
from passend.tables import write_parquet
from passend.validation import Checker as _Checker
from passend.validation import ImportError_, Result, read_any
from passend.validation import as_np as _np
from passend.validation import missing_columns as _missing_columns

__all__ = ["ImportError_", "Result", "import_population"]


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
            "reached": pa.nulls(raw.num_rows, pa.bool_()),
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
