"""Compare a population with the public figures it should reproduce (parameters ``targets``).

Each measure is computed from the tables with vectorised Arrow/NumPy operations. "Last month"
means the last 30 days of life: an event on day d counts when 0 <= death - d < 30. Counts
(deaths, attended MDOs and PaTz meetings) are divided by the scale: national figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from passend.population.params import Parameters

GP_PROFESSIONALS = ("gp", "gp_palliative")
GP_CONTACTS = ("consult", "home_visit", "terminal_care")


def _days(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return pc.cast(col, pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)


def measures(
    patients: pa.Table,
    activities: pa.Table,
    providers: pa.Table,
    scale: float = 1.0,
    claims: pa.Table | None = None,
) -> dict[str, float]:
    """The calibration measures of one population; the cost per patient needs its claims."""
    n = patients.num_rows
    traj = patients["trajectory"]
    place = patients["place_of_death"]

    def share(mask: Any) -> float:
        return float(pc.sum(pc.cast(mask, pa.int64())).as_py() or 0) / n

    death = _days(patients["death_date"])
    pidx = pc.index_in(activities["patient_id"], value_set=patients["patient_id"])
    bound = pc.is_valid(pidx).to_numpy(zero_copy_only=False)
    idx = pc.fill_null(pidx, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    before = death[idx] - _days(activities["date"])
    last_month = bound & (before >= 0) & (before < 30)
    act = activities["activity"]

    def patients_with(activity_mask: np.ndarray) -> float:
        hit = np.zeros(n, dtype=bool)
        hit[idx[activity_mask & last_month]] = True
        return float(hit.mean())

    is_ = {
        a: pc.equal(act, a).to_numpy(zero_copy_only=False)
        for a in ("hospital_admission", "hospital_day", "ed_visit", "icu_day")
    }
    gp_mask = pc.is_in(act, value_set=pa.array(GP_CONTACTS)).to_numpy(
        zero_copy_only=False
    ) & pc.is_in(activities["professional"], value_set=pa.array(GP_PROFESSIONALS)).to_numpy(
        zero_copy_only=False
    )
    kinds = providers["provider_kind"].take(
        pc.index_in(activities["provider_id"], value_set=providers["provider_id"])
    )
    ooh = pc.equal(kinds, "gp_out_of_hours").to_numpy(zero_copy_only=False)
    stays = is_["hospital_day"] & last_month
    qty = activities["quantity"].to_numpy()
    consults = pc.equal(act, "palliative_consultation")
    n_consults = max(int(pc.sum(pc.cast(consults, pa.int64())).as_py() or 0), 1)

    def consult_share(mask: Any) -> float:
        return float(pc.sum(pc.cast(pc.and_(consults, mask), pa.int64())).as_py() or 0) / n_consults

    def count(activity: str) -> float:
        return float(pc.sum(pc.cast(pc.equal(act, activity), pa.int64())).as_py() or 0) / scale

    cancer = pc.equal(traj, "cancer")
    n_cancer = max(int(pc.sum(pc.cast(cancer, pa.int64())).as_py() or 0), 1)
    cancer_home = pc.and_(cancer, pc.equal(place, "home"))
    return {
        "palliative_deaths": n / scale,
        "share_cancer": share(cancer),
        "share_heart_or_organ_failure": share(pc.equal(traj, "organ_failure")),
        "share_frailty_dementia": share(pc.equal(traj, "frailty_dementia")),
        "share_aged_80_plus": share(pc.greater_equal(patients["age"], 80)),
        "share_female": share(pc.equal(patients["sex"], "female")),
        "place_home": share(pc.equal(place, "home")),
        "place_nursing_home": share(pc.equal(place, "nursing_home")),
        "place_hospital": share(pc.equal(place, "hospital")),
        "place_elsewhere": share(
            pc.is_in(place, value_set=pa.array(["hospice", "palliative_unit", "elv"]))
        ),
        "cancer_place_home": float(pc.sum(pc.cast(cancer_home, pa.int64())).as_py() or 0)
        / n_cancer,
        "admission_last_month": patients_with(is_["hospital_admission"]),
        "admission_los_last_month": float(qty[stays].mean()) if stays.any() else 0.0,
        "ed_visit_last_month": patients_with(is_["ed_visit"]),
        "icu_last_month": patients_with(is_["icu_day"]),
        "gp_contacts_last_month": float((gp_mask & last_month).sum()) / n,
        "gp_out_of_hours_last_month": patients_with(ooh),
        "mdo_attended": count("mdo"),
        "patz_attended": count("patz_meeting"),
        "consults_by_nurse_specialist": consult_share(
            pc.equal(activities["professional"], "nurse_specialist")
        ),
        "consults_patient_at_home": consult_share(pc.equal(activities["setting"], "home")),
        "cost_last_year_per_patient": (
            float(pc.sum(claims["amount_cents"]).as_py() or 0) / 100 / n
            if claims is not None
            else float("nan")
        ),
    }


def compare(params: Parameters, values: dict[str, float]) -> list[dict[str, Any]]:
    """Each target with the generated value and whether it is within tolerance."""
    out = []
    for t in params.targets:
        v = values.get(t.id, float("nan"))
        if v != v:  # not measured (e.g. cost without claims)
            continue
        out.append(
            {
                "id": t.id,
                "kind": t.kind,
                "target": t.value,
                "value": round(v, 4),
                "tolerance": t.tolerance,
                "within": abs(v - t.value) <= t.tolerance,
                "source": f"{t.source.document} — {t.source.section}",
            }
        )
    return out
