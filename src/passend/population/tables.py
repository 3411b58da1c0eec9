"""The population's tables: Arrow schemas, with every column documented next to it, and the
writer of a population (its tables and meta.json). The generic pieces (a documented schema,
the deterministic Parquet writer, the check of a table given as input) are in
``passend.tables``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from passend.tables import schema as _schema
from passend.tables import write_parquet

if TYPE_CHECKING:
    from passend.population.generate import Population


PATIENTS = _schema(
    [
        ("patient_id", pa.string(), False, "Pseudonymous id, unique in the population."),
        ("age", pa.int16(), False, "Age in years at death."),
        ("sex", pa.string(), False, "'female' or 'male'."),
        ("region", pa.string(), False, "Region id (population/data/regions)."),
        ("insurer_id", pa.string(), False, "Health insurer (concern) of the patient."),
        ("care_office_id", pa.string(), False, "Care office (zorgkantoor) for Wlz care."),
        ("municipality_id", pa.string(), False, "Municipality (gemeente) for Wmo support."),
        ("trajectory", pa.string(), False, "cancer, organ_failure, frailty_dementia or other."),
        ("wlz", pa.bool_(), False, "Has a Wlz indication."),
        ("wlz_resident", pa.bool_(), False, "Lives in a nursing home under the Wlz."),
        (
            "palliative_marking_date",
            pa.date32(),
            True,
            "Date the palliative phase was marked; null if never marked.",
        ),
        ("death_date", pa.date32(), False, "Date of death (within the population's year)."),
        ("place_of_death", pa.string(), False, "Setting id where the patient died."),
        (
            "preferred_place_of_death",
            pa.string(),
            False,
            "Setting id where the patient wished to die.",
        ),
        ("gp_practice_id", pa.string(), False, "Provider id of the patient's GP practice."),
        ("hospital_id", pa.string(), False, "Provider id of the patient's main hospital."),
        (
            "reached",
            pa.bool_(),
            True,
            "Reached by the scenario's intervention (its `reach`), in both arms; null when no "
            "reach was given or the population was imported.",
        ),
    ]
)

ACTIVITIES = _schema(
    [
        ("activity_id", pa.string(), False, "Unique id of the care event."),
        ("patient_id", pa.string(), True, "Patient; null for non-patient-bound work."),
        ("activity", pa.string(), False, "Activity id of the catalogue (DESIGN section 4)."),
        ("professional", pa.string(), False, "Professional id who performed it."),
        ("specialty", pa.string(), True, "Specialty of a medical specialist, else null."),
        ("setting", pa.string(), False, "Setting id where it took place."),
        ("provider_id", pa.string(), False, "Provider id (providers table)."),
        ("date", pa.date32(), False, "Date of the event (start date for stays)."),
        ("quantity", pa.int64(), False, "Amount in `unit`: minutes, days or a count."),
        ("unit", pa.string(), False, "'minutes', 'days' or 'count'."),
        ("patient_bound", pa.bool_(), False, "True when attributable to one patient."),
    ]
)

PROVIDERS = _schema(
    [
        ("provider_id", pa.string(), False, "Unique provider id."),
        ("provider_kind", pa.string(), False, "Provider kind id of the catalogue."),
        ("name", pa.string(), False, "Synthetic name."),
        ("region", pa.string(), False, "Region id."),
        (
            "agb_code",
            pa.string(),
            False,
            "8-digit AGB-like code used in Vektis files (synthetic: '30' + number).",
        ),
    ]
)

FINANCERS = _schema(
    [
        ("financer_id", pa.string(), False, "Unique financer id."),
        (
            "financer_kind",
            pa.string(),
            False,
            "health_insurer, care_office, municipality, government or patient.",
        ),
        ("name", pa.string(), False, "Name."),
        ("region", pa.string(), False, "Region id the financer row belongs to."),
        (
            "share",
            pa.float64(),
            True,
            "Share of the region's patients (insurers, care offices, municipalities).",
        ),
        (
            "uzovi",
            pa.string(),
            True,
            "4-digit UZOVI number in Vektis files (insurers and care offices; synthetic).",
        ),
    ]
)

SCHEMAS = {
    "patients": PATIENTS,
    "activities": ACTIVITIES,
    "providers": PROVIDERS,
    "financers": FINANCERS,
}


def write_population(pop: Population, out_dir: Path) -> None:
    """The population's tables as Parquet files and meta.json (with the rows per table)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in pop.tables().items():
        write_parquet(table, out_dir / f"{name}.parquet")
    meta = {**pop.meta, "rows": {k: t.num_rows for k, t in pop.tables().items()}}
    (out_dir / "meta.json").write_text(
        json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
