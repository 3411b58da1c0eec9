"""The claims table (declaraties): one row per claim line, money in integer euro-cents.

Every column is documented next to its schema. ``amount_cents`` is rounded half away from zero
to the cent, once per line.
"""

from __future__ import annotations

import pyarrow as pa

from passend.population.tables import _schema

CLAIMS = _schema(
    [
        (
            "claim_id",
            pa.string(),
            False,
            "Unique id of the claim line (at most 20 characters, fits AW319 field 0431).",
        ),
        ("patient_id", pa.string(), True, "Patient; null for non-patient-bound lines."),
        ("provider_id", pa.string(), False, "Provider that claims (providers table)."),
        (
            "financer_id",
            pa.string(),
            False,
            "Financer that pays: insurer, care office, municipality, 'vws' or 'patient'.",
        ),
        (
            "financer_kind",
            pa.string(),
            False,
            "health_insurer, care_office, municipality, government or patient.",
        ),
        ("law", pa.string(), False, "zvw, wlz, wmo or subsidy."),
        ("title_code", pa.string(), False, "Payment title code of the catalogue."),
        ("sector", pa.string(), False, "Sector of the title."),
        ("activity", pa.string(), False, "Activity id the line declares."),
        ("professional", pa.string(), False, "Professional id."),
        ("specialty", pa.string(), True, "Specialty of a medical specialist, else null."),
        ("setting", pa.string(), False, "Setting id."),
        ("service_date", pa.date32(), False, "Date of the care (start date for stays)."),
        ("quantity", pa.int64(), False, "Quantity in `unit` (minutes, days or count)."),
        ("unit", pa.string(), False, "'minutes', 'days' or 'count'."),
        (
            "tariff_cents",
            pa.int64(),
            False,
            "Tariff per title unit (hour, day, consult, ...) used for the line.",
        ),
        (
            "amount_cents",
            pa.int64(),
            False,
            "Amount of the line in cents; negative for a credit line.",
        ),
        ("patient_bound", pa.bool_(), False, "True when attributable to one patient."),
        ("year", pa.int16(), False, "Year whose rules and tariffs priced the line."),
        (
            "tariff_placeholder",
            pa.bool_(),
            False,
            "True when the tariff is a placeholder of the catalogue.",
        ),
        (
            "above_max_tariff",
            pa.bool_(),
            False,
            "Import: the amount exceeds quantity x maximum tariff (accepted, flagged).",
        ),
        (
            "source_activity_id",
            pa.string(),
            True,
            "Activity the line was declared from (null for imported claims).",
        ),
    ]
)

UNFUNDED = _schema(
    [
        ("activity_id", pa.string(), False, "Activity that no claim line pays for."),
        ("patient_id", pa.string(), True, "Patient; null for non-patient-bound work."),
        ("provider_id", pa.string(), False, "Provider that did the work."),
        ("activity", pa.string(), False, "Activity id."),
        ("professional", pa.string(), False, "Professional id."),
        ("setting", pa.string(), False, "Setting id."),
        ("date", pa.date32(), False, "Date of the activity."),
        ("quantity", pa.int64(), False, "Quantity in `unit`."),
        ("unit", pa.string(), False, "'minutes', 'days' or 'count'."),
        ("patient_bound", pa.bool_(), False, "True when attributable to one patient."),
        ("reason_code", pa.string(), False, "no_title, contract_only, lump_funded or no_amount."),
        ("reason", pa.string(), False, "The reason in words (Dutch)."),
        (
            "routes",
            pa.string(),
            False,
            "Other routes the catalogue names, ids separated by ';' (may be empty).",
        ),
        (
            "cost_cents",
            pa.int64(),
            False,
            "Cost at the stated cost price (claims/data/cost_prices.yaml).",
        ),
    ]
)
