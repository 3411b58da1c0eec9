"""Import claim files (Parquet, CSV or Vektis AW319) into ``claims.parquet``.

Every row is accepted or written to ``rejects.csv`` with its row (or record) number, the column
(or field), the value (never a direct identifier) and the reason; accepted + rejected = read,
and the amounts reconcile: accepted + rejected amounts = the file's total. Checks: required
columns and types; codes known to the catalogue for the year of service; dates valid and
within the period (``--year``); patient-bound rows carry a patient; duplicate claim ids (the
first is kept); the title's law. An amount above quantity x the maximum tariff is accepted and
flagged in ``above_max_tariff``, never changed. All checks are vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

from passend.catalogue.loader import Catalogue
from passend.claims.tables import CLAIMS
from passend.population.tables import write_parquet
from passend.privacy import pseudonymise
from passend.validation import Checker, as_np, missing_columns, read_any

REQUIRED = [
    "claim_id",
    "patient_id",
    "provider_id",
    "financer_id",
    "law",
    "title_code",
    "activity",
    "professional",
    "setting",
    "service_date",
    "quantity",
    "unit",
    "amount_cents",
    "patient_bound",
]
FIRST_YEAR, LAST_YEAR = 2000, 2100
LOW_CARDINALITY = [
    "law",
    "title_code",
    "activity",
    "professional",
    "specialty",
    "setting",
    "unit",
    "financer_kind",
    "sector",
    "provider_id",
    "financer_id",
]


@dataclass
class ClaimsImport:
    read: int
    accepted: int
    rejected: int
    total_cents: int
    accepted_cents: int
    rejected_cents: int
    unreadable_amounts: int
    flagged_above_max: int
    notes: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


def _units(
    title_unit: np.ndarray, unit: np.ndarray, q: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Quantity in the title's unit as a fraction num/den (the declaration's conversion).
    ``title_unit``: 0 hour, 1 day, 2 per event; ``unit``: 0 minutes, 1 days, 2 count."""
    hour, day = title_unit == 0, title_unit == 1
    num = np.where(
        hour,
        np.where(unit == 0, q, np.where(unit == 1, q * 1440, q * 60)),
        np.where(day, np.where(unit == 1, q, 1), np.where(unit == 2, q, 1)),
    )
    den = np.where(hour, 60, 1)
    return num, den


def validate_claims(
    cat: Catalogue,
    raw: pa.Table,
    year: int | None,
    source: str,
    row_numbers: np.ndarray | None = None,
) -> tuple[pa.Table, pa.Table, ClaimsImport]:
    """Validate claim rows already read into ``raw`` (identifiers already pseudonymised).
    ``row_numbers`` are the input's own row or record numbers (default 1, 2, 3, ...)."""
    missing_columns(raw, REQUIRED, Path(source))
    ck = Checker(raw, "claims", row_numbers)
    n = raw.num_rows
    ck.required("claim_id")
    ck.unique("claim_id")
    ck.required("provider_id")
    ck.required("financer_id")
    service = ck.dates("service_date")
    quantity = ck.ints("quantity", 0, 10**9)
    amount = ck.ints("amount_cents", -(10**13), 10**13)
    ck.one_of("law", sorted(cat.laws), "law")
    ck.one_of("activity", sorted(cat.activities), "activity")
    ck.one_of("professional", sorted(cat.professionals), "professional")
    ck.one_of("setting", sorted(cat.settings), "setting")
    if "specialty" in raw.column_names:
        ck.one_of("specialty", sorted(cat.specialties), "specialty", optional=True)
    ck.one_of("unit", ["minutes", "days", "count"], "unit (minutes, days or count)")
    bound = ck.bools("patient_bound")
    has_patient = ck.present("patient_id")
    ck.fail(as_np(bound) & ~has_patient, "patient_id", "patient-bound row without a patient")

    years = pc.fill_null(pc.year(service), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    dated = ck.present("service_date") & (years > 0)
    if year is not None:
        ck.fail(dated & (years != year), "service_date", f"outside the period {year}")

    # the title must exist and be valid in the year of service; its law must match
    titles = list(cat.titles.values())
    code_index = {t.code: i for i, t in enumerate(titles)}
    cidx, cvalues = ck.codes("title_code")
    to_title = np.array([code_index.get(c, -1) for c in cvalues] + [-1], dtype=np.int64)
    tidx = to_title[cidx]
    known = tidx >= 0
    here = cidx >= 0
    ck.fail(here & ~known, "title_code", "unknown title code")
    ck.fail(~here, "title_code", "required value is empty")
    span = LAST_YEAR - FIRST_YEAR + 1
    valid = np.zeros((len(titles) + 1, span), dtype=bool)
    tariff = np.zeros((len(titles) + 1, span), dtype=np.int64)
    is_max = np.zeros((len(titles) + 1, span), dtype=bool)
    placeholder = np.zeros((len(titles) + 1, span), dtype=bool)
    for i, t in enumerate(titles):  # titles x years: a small table, not rows
        for y in range(max(FIRST_YEAR, t.valid_from.year), LAST_YEAR + 1):
            if not t.valid_in(y):
                continue
            valid[i, y - FIRST_YEAR] = True
            tr = t.tariff(y)
            if tr is not None and tr.cents is not None:
                tariff[i, y - FIRST_YEAR] = tr.cents
                is_max[i, y - FIRST_YEAR] = t.tariff_kind == "maximum" and not tr.placeholder
                placeholder[i, y - FIRST_YEAR] = tr.placeholder
    yi = np.clip(years - FIRST_YEAR, 0, span - 1)
    ti = np.where(known, tidx, len(titles))
    in_year = valid[ti, yi]
    ck.fail(known & dated & ~in_year, "title_code", "title not valid in the year of service")
    laws = sorted(cat.laws)
    lidx, lvalues = ck.codes("law")
    row_law = np.array([laws.index(v) if v in laws else -2 for v in lvalues] + [-2])[lidx]
    title_law = np.array([laws.index(t.law) for t in titles] + [-3])[ti]
    ck.fail(known & (lidx >= 0) & (title_law != row_law), "law", "does not match the title's law")

    # above the maximum tariff: accepted and flagged
    q = quantity.to_numpy(zero_copy_only=False)
    uidx, uvalues = ck.codes("unit")
    unit_code = {"minutes": 0, "days": 1, "count": 2}
    unit = np.array([unit_code.get(v, 3) for v in uvalues] + [3])[uidx]
    title_unit = np.array([{"hour": 0, "day": 1}.get(t.unit, 2) for t in titles] + [2])[ti]
    num, den = _units(title_unit, unit, q)
    t_cents = tariff[ti, yi]
    max_amount = (t_cents * num * 2 + den) // (den * 2)
    a = amount.to_numpy(zero_copy_only=False)
    above = known & in_year & is_max[ti, yi] & (a > max_amount)

    ok = ~ck.bad
    parsed = ck.present("amount_cents") & ~_unparsed(ck)
    total = int(a[parsed].sum())
    accepted_cents = int(a[ok].sum())
    keep = pa.array(ok)
    sectors = np.array([t.sector for t in titles] + [""])[ti]
    fin_kind = np.array([t.financer_kind for t in titles] + [""])[ti]
    ph = placeholder[ti, yi]
    specialty = (
        pc.if_else(
            pa.array(ck.present("specialty")), ck.col("specialty"), pa.scalar(None, pa.string())
        )
        if "specialty" in raw.column_names
        else pa.nulls(n, pa.string())
    )
    claims = pa.table(
        {
            "claim_id": ck.col("claim_id"),
            "patient_id": (
                ck.col("patient_id")
                if has_patient.all()
                else pc.if_else(
                    pa.array(has_patient), ck.col("patient_id"), pa.scalar(None, pa.string())
                )
            ),
            "provider_id": ck.col("provider_id"),
            "financer_id": ck.col("financer_id"),
            "financer_kind": pa.array(fin_kind),
            "law": ck.col("law"),
            "title_code": ck.col("title_code"),
            "sector": pa.array(sectors),
            "activity": ck.col("activity"),
            "professional": ck.col("professional"),
            "specialty": specialty,
            "setting": ck.col("setting"),
            "service_date": service,
            "quantity": quantity,
            "unit": ck.col("unit"),
            "tariff_cents": pa.array(t_cents),
            "amount_cents": amount,
            "patient_bound": bound,
            "year": pa.array(years.astype(np.int16)),
            "tariff_placeholder": pa.array(ph),
            "above_max_tariff": pa.array(above),
            "source_activity_id": pa.nulls(n, pa.string()),
        }
    )
    if not ok.all():  # filtering copies every column: only when a row was refused
        claims = claims.filter(keep)
    claims = claims.cast(CLAIMS)
    rejects = pa.concat_tables(ck.rejects) if ck.rejects else _empty_rejects()
    result = ClaimsImport(
        read=n,
        accepted=int(ok.sum()),
        rejected=int((~ok).sum()),
        total_cents=total,
        accepted_cents=accepted_cents,
        rejected_cents=total - accepted_cents,
        unreadable_amounts=int((~parsed).sum()),
        flagged_above_max=int((above & ok).sum()),
    )
    return claims, rejects, result


def _unparsed(ck: Checker) -> np.ndarray:
    """Rows whose amount could not be read (their amount is not in any total)."""
    bad = np.zeros(ck.n, dtype=bool)
    for t in ck.rejects:  # one table per failed check, not per row
        bad |= np.isin(
            ck.row_numbers, t.filter(pc.equal(t["column"], "amount_cents"))["row"].to_numpy()
        )
    return bad


def _empty_rejects() -> pa.Table:
    return pa.table(
        {
            "table": pa.array([], pa.string()),
            "row": pa.array([], pa.int64()),
            "column": pa.array([], pa.string()),
            "value": pa.array([], pa.string()),
            "reason": pa.array([], pa.string()),
        }
    )


def import_claims(
    cat: Catalogue, path: Path, fmt: str, out_dir: Path, year: int | None = None
) -> ClaimsImport:
    """Import one claims file and write ``claims.parquet`` (and ``rejects.csv``) to ``out_dir``."""
    if fmt == "aw319":
        from passend.claims.vektis import read_aw319_claims

        raw, row_numbers, pre_rejects, notes, issues = read_aw319_claims(cat, path)
    else:
        raw = read_any(path, keep_types=True, dictionary=LOW_CARDINALITY)
        raw, notes = pseudonymise(raw, str(path))
        row_numbers, pre_rejects, issues = None, None, []
    file_total = (raw.schema.metadata or {}).get(b"aw319_total_cents")
    claims, rejects, result = validate_claims(cat, raw, year, str(path), row_numbers)
    if file_total is not None:
        # AW319: the total is the closing records' own; what is not accepted is rejected
        result.total_cents = int(file_total)
        result.rejected_cents = result.total_cents - result.accepted_cents
    if pre_rejects is not None and pre_rejects.num_rows:
        rejects = pa.concat_tables([pre_rejects, rejects.cast(pre_rejects.schema)])
        n_pre = _distinct_rows(pre_rejects)  # records refused while reading the AW319 file
        result.read += n_pre
        result.rejected += n_pre
    result.notes = notes
    result.issues = issues
    out_dir.mkdir(parents=True, exist_ok=True)
    write_parquet(claims, out_dir / "claims.parquet")
    reject_path = out_dir / "rejects.csv"
    if rejects.num_rows:
        pv.write_csv(rejects.sort_by([("row", "ascending"), ("column", "ascending")]), reject_path)
    elif reject_path.exists():
        reject_path.unlink()
    return result


def _distinct_rows(rejects: pa.Table) -> int:
    return int(pc.count_distinct(rejects["row"]).as_py())
