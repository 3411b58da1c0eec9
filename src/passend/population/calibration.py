"""Compare a population with the public figures it should reproduce (parameters ``targets``).

Each measure is computed from the tables with vectorised Arrow/NumPy operations. "Last month"
means the last 30 days of life: an event on day d counts when 0 <= death - d < 30. Counts
(deaths, attended MDOs and PaTz meetings) are divided by the scale: the region's own figures
at full size.

The targets are national. A region is compared with its own targets (:func:`targets_for`):
a count scales with the region's share of the country's deaths (the deaths of its
inhabitants: ``deaths_per_year``, or its inhabitants times the national death rate, as the
generator makes them), shares and means stay as they are (no regional source):

    palliative_deaths(region) = 112,000 × deaths(region) / 170,000        (seed 002)

When a value misses its target, :func:`compare` says why (``why``): how far off it is, and
whether chance alone can explain it at this size (a share of n patients varies by
2·√(p(1−p)/n), a count of events at scale s by 2·√(target·s)/s, and one generated event
stands for 1/s of them).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from passend.messages import Message
from passend.population.generate import region_deaths
from passend.population.params import Parameters, Region, Target

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


def targets_for(
    params: Parameters, regions: dict[str, Region] | None = None, region_id: str = "national"
) -> list[Target]:
    """The targets of a region: each count (and its tolerance) times the region's share of
    the national deaths; shares and means unchanged."""
    if regions is None or region_id == "national":
        return list(params.targets)
    ratio = region_deaths(regions, region_id) / region_deaths(regions, "national")
    return [
        t.model_copy(update={"value": t.value * ratio, "tolerance": t.tolerance * ratio})
        if t.kind == "count"
        else t
        for t in params.targets
    ]


def sizes(patients: pa.Table, activities: pa.Table) -> dict[str, int]:
    """The number each share is taken of: the patients, the cancer patients (their place of
    death), the consultations (who gave them, where the patient was)."""
    n = patients.num_rows
    cancer = int(
        pc.sum(pc.cast(pc.equal(patients["trajectory"], "cancer"), pa.int64())).as_py() or 0
    )
    consults = pc.equal(activities["activity"], "palliative_consultation")
    n_consults = int(pc.sum(pc.cast(consults, pa.int64())).as_py() or 0)
    return {
        "patients": n,
        "cancer_place_home": cancer,
        "consults_by_nurse_specialist": n_consults,
        "consults_patient_at_home": n_consults,
    }


def _why(t: Target, v: float, n: int | None, scale: float) -> Message:
    """Why ``v`` misses the target ``t``: the difference, and when chance alone at this size
    (a share of n, a count at this scale) varies more than the tolerance, that it does."""
    off = Message(
        "calibration_off",
        generated=round(v, 4),
        diff=round(abs(v - t.value), 4),
        side=Message("above" if v > t.value else "below"),
        target=round(t.value, 4),
        tolerance=round(t.tolerance, 4),
    )
    if t.kind == "share" and n:
        noise = 2 * math.sqrt(t.value * (1 - t.value) / n)
        if noise > t.tolerance:
            return Message("calibration_noise_share", off=off, n=n, noise=round(noise, 4))
    elif t.kind == "count" and scale > 0:
        noise = max(2 * math.sqrt(max(t.value, 0) * scale) / scale, 1 / scale)
        if noise > t.tolerance:
            step = round(1 / scale, 4)
            return Message(
                "calibration_noise_count", off=off, scale=scale, step=step, noise=round(noise, 1)
            )
    return off


def compare(
    params: Parameters,
    values: dict[str, float],
    regions: dict[str, Region] | None = None,
    region_id: str = "national",
    sizes: dict[str, int] | None = None,
    scale: float = 1.0,
) -> list[dict[str, Any]]:
    """Each target of the region (:func:`targets_for`) with the generated value, whether it
    is within tolerance and, when not, why (``sizes``: what each share is taken of, as
    :func:`sizes` gives them; ``scale`` the population's: for the size of chance)."""
    sizes = sizes or {}
    out = []
    for t in targets_for(params, regions, region_id):
        v = values.get(t.id, float("nan"))
        if v != v:  # not measured (e.g. cost without claims)
            continue
        within = abs(v - t.value) <= t.tolerance
        out.append(
            {
                "id": t.id,
                "kind": t.kind,
                "target": round(t.value, 4),
                "value": round(v, 4),
                "tolerance": round(t.tolerance, 4),
                "within": within,
                "why": None
                if within
                else _why(t, v, sizes.get(t.id, sizes.get("patients")), scale),
                "source": f"{t.source.document} — {t.source.section}",
            }
        )
    return out
