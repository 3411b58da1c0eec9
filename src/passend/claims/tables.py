"""The claims table (declaraties): one row per claim line, money in integer euro-cents.

Every column is documented next to its schema. ``amount_cents`` is rounded half away from zero
to the cent, once per line.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from passend.tables import schema as _schema

ROW_GROUP = 1 << 20  # rows per row group, as the population's and the declaration's files

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
        (
            "code_list",
            pa.string(),
            True,
            "AW319 import: the code-list indicator of the prestatiecode (field 0416, aanduiding"
            " prestatiecodelijst), kept as information, never checked; null for declared"
            " claims and for Parquet/CSV input without a code_list column.",
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
        (
            "reason_code",
            pa.string(),
            False,
            "Why no line pays: the financing gaps no_title (no title for the activity, "
            "professional, setting and year), contract_only (only in a contract; no amount in "
            "the catalogue) and no_amount (the title has no amount for the year); lump_funded "
            "(paid from a fixed budget or grant), included (part of another claim line) or "
            "no_rules (the year of service is before the catalogue's first year).",
        ),
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


def conform(table: pa.Table, schema: pa.Schema = CLAIMS) -> pa.Table:
    """``table`` in the columns of ``schema``: each column keeps its type when it is the schema's,
    or, for a text column, dictionary-encoded text (int32 indices); anything else is cast. The
    fields keep the schema's names, docs and nullability."""
    columns, fields = [], []
    for f in schema:
        c = table[f.name]
        t = c.type
        if pa.types.is_dictionary(t) and pa.types.is_string(f.type):
            if t != pa.dictionary(pa.int32(), pa.string()):
                c = c.cast(pa.dictionary(pa.int32(), pa.string()))
        elif t != f.type:
            c = c.cast(f.type)
        if not f.nullable and c.null_count:
            raise ValueError(f"column {f.name}: {c.null_count} empty value(s) in a required column")
        columns.append(c)
        fields.append(f.with_type(c.type))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields, metadata=schema.metadata))


def write_claims(
    claims: pa.Table | Iterable[pa.Table], path: Path, schema: pa.Schema = CLAIMS
) -> None:
    """Write claims as Parquet with fixed options: the same claims give the same bytes.

    ``claims`` is a table or its parts in order (each part one row group, a larger one split
    at ``ROW_GROUP`` rows). Each part is encoded in a second thread while the next one is being
    produced, so that checking and writing use both cores.

    Text columns may be dictionary-encoded in memory (as read from Parquet, or derived from the
    catalogue per title): Parquet stores text with a dictionary anyway, so they are written as
    they are, without turning them into millions of strings and hashing those again. The file's
    stored Arrow schema is ``schema`` itself (plain text columns), so every reader sees exactly
    the documented columns, as if the table had been written with ``write_parquet``."""
    parts = [claims] if isinstance(claims, pa.Table) else claims
    writer: pq.ParquetWriter | None = None
    pending: Future | None = None
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            for part in parts:
                part = conform(part, schema)
                if writer is None:
                    writer = _writer(path, part.schema)
                elif not part.schema.equals(writer.schema):
                    part = part.cast(writer.schema)  # text here, dictionary in the first part
                if pending is not None:
                    pending.result()
                pending = pool.submit(writer.write_table, part, ROW_GROUP)
            if pending is not None:
                pending.result()
        if writer is None:  # no rows: an empty file with the columns
            writer = _writer(path, schema)
            writer.write_table(schema.empty_table())
        writer.add_key_value_metadata(
            {b"ARROW:schema": base64.b64encode(schema.serialize().to_pybytes())}
        )
        writer.close()
    except BaseException:
        if writer is not None:  # no half-written file is left behind
            writer.close()
            path.unlink(missing_ok=True)
        raise


def _writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    # the options of write_parquet (zstd 3, dictionaries, statistics on every column), with
    # the writer's batches at 64k rows instead of 1k: its per-batch work (statistics of each
    # dictionary column) is done 64 times less often; the same table still gives the same bytes
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        compression_level=3,
        use_dictionary=True,
        write_statistics=True,
        write_batch_size=1 << 16,
    )
