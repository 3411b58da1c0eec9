"""Generate a synthetic population of patients in their last year of life, with their care.

Everything is vectorised with NumPy (no Python loop over patients or rows). Randomness is
split into independent streams, one per component (patients, each event kind, district
nursing, hospital, ...), each seeded from ``(seed, stable id of the component)``. Each stream
draws arrays whose shape does not depend on the effect modifiers, so a baseline and an
intervention with the same seed share their patients and their draws (paired comparison):

- a rate multiplier below 1 keeps each baseline event when its own uniform draw is below the
  multiplier (thinning), so the intervention's events are a subset of the baseline's;
  above 1 it adds events from a separate stream;
- the odds ratios for dying at home and at the preferred place reweight the place-of-death
  probabilities of each patient (a relative risk multiplies the probability of home, bounded
  by 1), and the same uniform draw picks the place (inverse CDF);
- added activities come from streams of their own;
- the effects act on the patients the intervention reaches (``Effects.reach``, drawn from a
  stream of its own, so both arms reach the same patients); the others keep the baseline's
  events and place.

Care follows the trajectory and intensifies towards death: event rates in month m before
death (m = 1 is the last 30 days) are ``last_month * decay^(m-1)``.

Two views of a population of year Y (``view``, ``population generate --view``; recorded in
``meta.json`` as ``view`` and ``death_years``): ``deaths`` (the default, and what the
calibration compares with the deaths of Y) is the people who die in Y with their last year of
care, so part of it is dated in Y-1 (and a marking or a bereavement visit in Y-2 or Y+1);
``calendar`` is the care delivered in Y: the people who die in Y and in Y+1, each with the part
of their last year that falls in Y (in steady state one year's care), for a contract year.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, model_validator

from passend.catalogue.loader import Catalogue
from passend.catalogue.schema import Source
from passend.population.params import (
    PLACES,
    TRAJECTORIES,
    EventSpec,
    Hospital,
    InsurersFile,
    Parameters,
    Region,
)
from passend.population.tables import ACTIVITIES, FINANCERS, PATIENTS, PROVIDERS

HOSPITAL_KEYS = ("admission_via_ed", "admission_other", "ed_visit_only", "icu")
OTHER_KEYS = ("district_nursing", "advance_care_planning")
PROVIDER_KINDS = (
    "hospital",
    "gp_practice",
    "gp_out_of_hours",
    "zorggroep",
    "district_nursing_org",
    "hospice_high_care",
    "hospice_low_care",
    "nursing_home",
    "consultation_team",
    "wmo_provider",
    "network",
)


class AddedActivity(BaseModel):
    """Activities an intervention adds per patient (e.g. consultations of a transmural team)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    activity: str
    professional: str
    specialty: str | None = None
    provider_kind: str
    setting: str = "home"
    unit: Literal["minutes", "days", "count"] = "minutes"
    quantity: int = Field(gt=0)
    share: float = Field(default=1.0, ge=0, le=1)
    """Share of the patients (matching ``who``) who get it."""
    per_patient: float = Field(default=1.0, gt=0)
    """Mean number of events for a patient who gets it (Poisson, at least one)."""
    who: Literal["all", "at_home", "resident", "marked"] = "all"
    window_days: int = Field(default=90, ge=1, le=365)
    """Events fall in the last ``window_days`` before death (after marking for ``marked``)."""


MAX_MULTIPLIER = 100.0
"""The largest rate multiplier: a hundredfold is far beyond any intervention's effect, and a
larger one would mostly make a population that does not fit in memory."""


def multiplier_keys(params: Parameters) -> set[str]:
    """The names a rate multiplier may have: the parameters' event ids and the hospital and
    other groups of ``Effects.rate_multipliers``."""
    return {e.id for e in params.events} | set(HOSPITAL_KEYS) | set(OTHER_KEYS)


class Reach(BaseModel):
    """Which patients an intervention reaches: those matching ``who``, each with probability
    ``share`` (drawn from a stream of its own, the same in both arms). The effects act on
    them only: published effects hold within the protocol's population."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    who: Literal["all", "marked", "at_home", "marked_at_home"] = "all"
    share: float = Field(default=1.0, ge=0, le=1)
    assumption: bool = False
    """True when ``who`` and ``share`` are not taken from a source (say so in ``note``)."""
    note: str | None = None
    sources: list[Source] = []

    @model_validator(mode="after")
    def _cited(self) -> Reach:
        if not self.sources and not self.assumption:
            raise ValueError("a reach needs its sources, or assumption: true with a note")
        if self.assumption and not self.note:
            raise ValueError("an assumed reach needs a note saying what it rests on")
        return self


class Effects(BaseModel):
    """Effect modifiers of an intervention, applied inside generation to the reached patients
    (all patients when ``reach`` is not given)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    rate_multipliers: dict[str, Annotated[float, Field(ge=0, le=MAX_MULTIPLIER)]] = {}
    """Per event id of the parameters, or admission_via_ed, admission_other, ed_visit_only,
    icu, district_nursing (scales minutes) and advance_care_planning (scales the share); from 0
    (the event no longer happens) to ``MAX_MULTIPLIER``."""
    ed_visits_total: float | None = Field(default=None, ge=0, le=MAX_MULTIPLIER)
    """All ED visits (with and without admission) of the reached patients, relative to the
    baseline (0.762: "SEH-bezoek verminderde met 23,8%"); the ED-only multiplier is derived
    from it, the admissions' multipliers and the baseline mix (``ed_only_multiplier``)."""
    odds_home: float = Field(default=1.0, gt=0)
    """Odds ratio for dying at home."""
    relative_risk_home: float | None = Field(default=None, gt=0)
    """Relative risk of dying at home: the probability times this, bounded by 1 (the other
    places shrink in proportion). The literal reading of "2 x zoveel kans om thuis te sterven"."""
    odds_preferred: float = Field(default=1.0, gt=0)
    """Odds ratio for dying at the preferred place."""
    added: list[AddedActivity] = []
    reach: Reach | None = None

    @model_validator(mode="after")
    def _one_reading(self) -> Effects:
        if self.relative_risk_home is not None and self.odds_home != 1:
            raise ValueError("give odds_home or relative_risk_home, not both")
        if self.ed_visits_total is not None and "ed_visit_only" in self.rate_multipliers:
            raise ValueError(
                "give ed_visits_total or rate_multipliers.ed_visit_only, not both "
                "(the first derives the second)"
            )
        return self


@dataclass
class Population:
    patients: pa.Table
    activities: pa.Table
    providers: pa.Table
    financers: pa.Table
    meta: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pa.Table]:
        return {
            "patients": self.patients,
            "activities": self.activities,
            "providers": self.providers,
            "financers": self.financers,
        }


Seed = int | tuple[int, ...]
"""A population's seed, or (seed, year of death) for the second cohort of the calendar view."""


def _stream(seed: Seed, name: str) -> np.random.Generator:
    keys = [seed] if isinstance(seed, int) else list(seed)
    return np.random.default_rng([*keys, zlib.crc32(name.encode())])


def _choice(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Inverse-CDF choice: one category per row of ``weights`` (rows need not sum to 1)."""
    w = np.atleast_2d(weights)
    cdf = np.cumsum(w, axis=1)
    cdf /= cdf[:, -1:]
    if cdf.shape[0] == 1:
        return np.searchsorted(cdf[0], u, side="right").clip(0, w.shape[1] - 1)
    return (u[:, None] >= cdf).sum(axis=1).clip(0, w.shape[1] - 1)


class _Rows:
    """Column arrays of activity rows, collected per component and concatenated once."""

    def __init__(self, vocab: dict[str, list[str]]):
        self.vocab = vocab
        self.index = {k: {v: i for i, v in enumerate(vs)} for k, vs in vocab.items()}
        self.parts: list[dict[str, np.ndarray]] = []

    def code(self, kind: str, value: str | None) -> int:
        return -1 if value is None else self.index[kind][value]

    def add(
        self,
        patient: np.ndarray,
        activity: str | np.ndarray,
        professional: str | np.ndarray,
        specialty: str | np.ndarray | None,
        setting: str | np.ndarray,
        provider: np.ndarray,
        day: np.ndarray,
        quantity: np.ndarray,
        unit: str,
        patient_bound: bool = True,
    ) -> None:
        n = len(day)
        if n == 0:
            return

        def col(kind: str, v: str | int | np.ndarray | None) -> np.ndarray:
            if isinstance(v, np.ndarray):
                return v.astype(np.int16)
            code = v if isinstance(v, int) else self.code(kind, v)
            return np.full(n, code, dtype=np.int16)

        self.parts.append(
            {
                "patient": patient.astype(np.int64),
                "activity": col("activity", activity),
                "professional": col("professional", professional),
                "specialty": col("specialty", specialty),
                "setting": col("setting", setting),
                "provider": provider.astype(np.int32),
                "day": day.astype(np.int64),
                "quantity": np.asarray(quantity).astype(np.int64),
                "unit": col("unit", unit),
                "patient_bound": np.full(n, patient_bound),
            }
        )

    def concat(self) -> dict[str, np.ndarray]:
        keys = self.parts[0].keys()
        return {k: np.concatenate([p[k] for p in self.parts]) for k in keys}


@dataclass
class _People:
    n: int
    traj: np.ndarray
    resident: np.ndarray
    marked: np.ndarray
    death: np.ndarray  # days since 1970-01-01
    marking: np.ndarray  # days; only valid where marked
    place: np.ndarray  # index into PLACES
    providers: dict[str, np.ndarray]  # kind -> provider row index
    reached: np.ndarray  # reached by the intervention (everyone when no reach is given)


def _months_matrix(last: np.ndarray, decay: float, months: int) -> np.ndarray:
    return last[:, None] * decay ** np.arange(months)[None, :]


def _expand(rng: np.random.Generator, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson counts per (patient, month), expanded to one row per event: patient index,
    month index (0 = last 30 days) and days before death (uniform within the month)."""
    months = lam.shape[1]
    counts = rng.poisson(lam)
    flat = np.repeat(np.arange(lam.size), counts.ravel())
    patient, month = np.divmod(flat, months)
    before = month * 30 + np.floor(rng.random(len(flat)) * 30).astype(np.int64)
    return patient, month, before


def _keep(rng: np.random.Generator, multiplier: np.ndarray) -> np.ndarray:
    """Thinning: keep each event whose own uniform draw is below its multiplier (per event)."""
    u = rng.random(len(multiplier))
    return u < np.minimum(multiplier, 1.0)


def _extra(m: np.ndarray) -> np.ndarray:
    """Per patient the rate of events a multiplier above 1 adds (0 elsewhere)."""
    return np.maximum(m - 1.0, 0.0)[:, None]


def _reached(
    reach: Reach | None, seed: Seed, resident: np.ndarray, marked: np.ndarray
) -> np.ndarray:
    """Who the intervention reaches: everyone without a reach; else those matching ``who``,
    each with probability ``share`` (a stream of its own, so both arms agree)."""
    n = len(resident)
    if reach is None:
        return np.ones(n, dtype=bool)
    match = {
        "all": np.ones(n, dtype=bool),
        "marked": marked,
        "at_home": ~resident,
        "marked_at_home": marked & ~resident,
    }[reach.who]
    return match & (_stream(seed, "reach").random(n) < reach.share)


def _place_weights(
    w: np.ndarray, preferred: np.ndarray, reached: np.ndarray, effects: Effects
) -> np.ndarray:
    """The place-of-death weights of each patient with the effects on the reached: an odds
    ratio multiplies the weight of home; a relative risk multiplies the probability of home,
    bounded by 1, and shrinks the other places in proportion; then the odds ratio of the
    preferred place."""
    home = PLACES.index("home")
    w = w.copy()
    w[:, home] = np.where(reached, w[:, home] * effects.odds_home, w[:, home])
    if effects.relative_risk_home is not None:
        prob = w / w.sum(axis=1, keepdims=True)
        p_home = prob[:, home]
        new_home = np.minimum(p_home * effects.relative_risk_home, 1.0)
        rest = np.divide(1.0 - new_home, 1.0 - p_home, out=np.zeros_like(p_home), where=p_home < 1)
        new = prob * rest[:, None]
        new[:, home] = new_home
        w = np.where(reached[:, None], new, w)
    rows = np.arange(len(w))
    w[rows, preferred] = np.where(
        reached, w[rows, preferred] * effects.odds_preferred, w[rows, preferred]
    )
    return w


def _admission_rates(p: _People, h: Hospital) -> np.ndarray:
    """Expected non-terminal admissions per patient and month before death."""
    last = np.array([h.other_admissions_last_month[t] for t in TRAJECTORIES])[p.traj]
    return _months_matrix(last * np.where(p.resident, h.scale_resident, 1.0), h.decay, h.months)


def _ed_only_rates(p: _People, h: Hospital) -> np.ndarray:
    """Expected ED visits without admission per patient and month before death."""
    last = np.array([h.ed_only_last_month[t] for t in TRAJECTORIES])[p.traj]
    return _months_matrix(
        last * np.where(p.resident, h.scale_resident, 1.0), h.ed_only_decay, h.months
    )


def ed_only_multiplier(
    p: _People,
    h: Hospital,
    ed_total: float,
    mult: dict[str, float],
    w_base: np.ndarray,
    w: np.ndarray,
) -> float:
    """The multiplier of ED visits without admission that makes all ED visits of the reached
    patients fall to ``ed_total`` of the baseline (seed 004 section 4.1.3: "SEH-bezoek
    verminderde met 23,8%", with admissions via the ED -42.1%), from the baseline mix in
    expectation over the reached:

        A  = non-terminal admissions via the ED      (rate x via_ed)
        At = terminal admissions via the ED          (P(hospital death) x via_ed), baseline
        At'= the same with the intervention's places of death
        O  = ED visits without admission
        ed_total x (A + At + O) = m_A x A + At' + m_O x O
        m_O = (ed_total x (A + At + O) - m_A x A - At') / O,   within 0..MAX_MULTIPLIER

    m_A is the multiplier of admissions via the ED. The published figures hold together only
    when the ED-only visits fall less than the ED admissions: with the mix of this population
    m_O lies between the two."""
    r = p.reached
    hosp = PLACES.index("hospital")
    a = float(_admission_rates(p, h)[r].sum()) * h.via_ed
    o = float(_ed_only_rates(p, h)[r].sum())
    at_base = float((w_base[r, hosp] / w_base[r].sum(axis=1)).sum()) * h.via_ed
    at_new = float((w[r, hosp] / w[r].sum(axis=1)).sum()) * h.via_ed
    if o <= 0:
        return 1.0
    m_a = mult.get("admission_via_ed", 1.0)
    m_o = (ed_total * (a + at_base + o) - m_a * a - at_new) / o
    return float(min(max(m_o, 0.0), MAX_MULTIPLIER))


def _quantity(rng: np.random.Generator, spec: EventSpec, n: int) -> np.ndarray:
    q = spec.quantity
    if q.fixed is not None:
        return np.full(n, int(q.fixed))
    if q.choice is not None:
        idx = _choice(rng.random(n), np.asarray(q.p))
        return np.asarray(q.choice, dtype=np.int64)[idx]
    return np.maximum(1, np.round(rng.gamma(q.shape, q.gamma_mean / q.shape, n))).astype(np.int64)


def _who(people: _People, who: str) -> np.ndarray:
    if who == "all":
        return np.ones(people.n, dtype=bool)
    if who == "at_home":
        return ~people.resident
    if who == "resident":
        return people.resident.copy()
    return people.marked.copy()


def national_death_rate(regions: dict[str, Region]) -> float:
    nat = regions["national"]
    assert nat.deaths_per_year is not None
    return nat.deaths_per_year.value / nat.inhabitants.value


def region_deaths(regions: dict[str, Region], region_id: str) -> float:
    """The deaths of a region's inhabitants in a year: its own figure, or its inhabitants
    times the national death rate (what the generator draws its patients from and the
    calibration scales the national targets by)."""
    r = regions[region_id]
    if r.deaths_per_year is not None:
        return float(r.deaths_per_year.value)
    return r.inhabitants.value * national_death_rate(regions)


def insurer_shares(insurers: InsurersFile, region: Region) -> tuple[list[str], np.ndarray]:
    """The health insurers (concerns) and their shares of the region's insured: the region's
    own shares (seed 004 B2, vzinfo), the rest over the others by their national shares."""
    nat = {i.id: i.share for i in insurers.insurers}
    explicit = region.insurers.shares
    rest = 1 - sum(explicit.values())
    others = {k: v for k, v in nat.items() if k not in explicit}
    ins_ids = list(nat)
    ins_share = np.array(
        [explicit.get(k, rest * others.get(k, 0) / sum(others.values())) for k in ins_ids]
    )
    return ins_ids, ins_share / ins_share.sum()


VIEWS = ("deaths", "calendar")
"""The views of a synthetic population of year Y: ``deaths``, the people who die in Y with
their last year of care (partly dated in Y-1; the calibration's view, compared with the deaths
of Y), and ``calendar``, the care delivered in Y: the people who die in Y and in Y+1, each with
the part of their last year of care that falls in Y (in steady state one year's care)."""


@dataclass
class _Cohort:
    """The people who die in one year and their care, before the activities become a table."""

    patients: pa.Table
    cols: dict[str, np.ndarray]  # activity rows: patient index (-1: not patient-bound), ...
    providers: pa.Table
    financers: pa.Table
    vocab: dict[str, list[str]]
    derived: dict[str, float]


def generate(
    cat: Catalogue,
    params: Parameters,
    insurers: InsurersFile,
    regions: dict[str, Region],
    region_id: str,
    year: int,
    seed: int,
    scale: float = 1.0,
    effects: Effects | None = None,
    view: str = "deaths",
) -> Population:
    """The synthetic population of ``year`` in ``view`` (:data:`VIEWS`). The deaths view is
    the cohort of deaths in ``year`` (seed ``seed``). The calendar view adds the cohort of
    deaths in ``year + 1`` (its own streams: seed ``(seed, year + 1)``) and keeps the
    activities dated in ``year`` and the people with any of them; the people who die in
    ``year`` are those of the deaths view. Not in the calendar view: care in ``year`` of people
    who die in another year (bereavement care after a death in ``year - 1``, a palliative
    marking up to two years before a death in ``year + 2``: a few rows per thousand)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; valid: {', '.join(VIEWS)}")
    effects = effects or Effects()
    first = _cohort(cat, params, insurers, regions, region_id, year, seed, scale, effects)
    meta = {
        "region": region_id,
        "year": str(year),
        "view": view,
        "death_years": [year],
        "seed": str(seed),
        "scale": repr(scale),
        "effects": effects.model_dump_json(),
        "derived_effects": json.dumps(first.derived, sort_keys=True),
        "catalogue_version": cat.meta.version,
    }
    if view == "deaths":
        patients, cols = first.patients, first.cols
    else:
        nxt = _cohort(
            cat, params, insurers, regions, region_id, year + 1, (seed, year + 1), scale, effects
        )
        patients, cols = _calendar(first, nxt, year)
        meta["death_years"] = [year, year + 1]
        meta["derived_effects_next"] = json.dumps(nxt.derived, sort_keys=True)
    activities = _activities(region_id, patients, cols, first.vocab, first.providers)
    return Population(patients, activities, first.providers, first.financers, meta)


def _calendar(a: _Cohort, b: _Cohort, year: int) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """Cohorts ``a`` (deaths in ``year``) and ``b`` (deaths in ``year + 1``): the activities
    dated in ``year`` and the people with any of them (patient indices renumbered)."""
    n_a = a.patients.num_rows
    shift = {**b.cols, "patient": np.where(b.cols["patient"] < 0, -1, b.cols["patient"] + n_a)}
    cols = {k: np.concatenate([a.cols[k], shift[k]]) for k in a.cols}
    lo = (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days
    hi = (dt.date(year + 1, 1, 1) - dt.date(1970, 1, 1)).days
    inside = (cols["day"] >= lo) & (cols["day"] < hi)
    cols = {k: v[inside] for k, v in cols.items()}
    n = n_a + b.patients.num_rows
    bound = cols["patient"] >= 0
    keep = np.zeros(n, dtype=bool)
    keep[cols["patient"][bound]] = True
    new_index = np.cumsum(keep) - 1
    cols["patient"] = np.where(bound, new_index[np.where(bound, cols["patient"], 0)], -1)
    patients = pa.concat_tables([a.patients, b.patients]).filter(pa.array(keep))
    return patients, cols


def _activities(
    region_id: str,
    patients: pa.Table,
    cols: dict[str, np.ndarray],
    vocab: dict[str, list[str]],
    providers: pa.Table,
) -> pa.Table:
    """The activities table: rows in order of patient (the others last), day and activity."""
    n = patients.num_rows
    order = np.lexsort(
        (cols["activity"], cols["day"], np.where(cols["patient"] < 0, n, cols["patient"]))
    )
    cols = {k: v[order] for k, v in cols.items()}
    m = len(order)

    def take(kind: str, codes: np.ndarray) -> pa.Array:
        mask = codes < 0
        return pa.array(vocab[kind]).take(pa.array(np.where(mask, 0, codes), mask=mask))

    pat = cols["patient"]
    ids = patients["patient_id"]
    return pa.table(
        {
            "activity_id": pc.binary_join_element_wise(
                f"{region_id}-A",
                pc.utf8_lpad(pc.cast(pa.array(np.arange(1, m + 1)), pa.string()), 9, "0"),
                "",
            ),
            "patient_id": ids.take(pa.array(np.where(pat < 0, 0, pat), mask=pat < 0)),
            "activity": take("activity", cols["activity"]),
            "professional": take("professional", cols["professional"]),
            "specialty": take("specialty", cols["specialty"]),
            "setting": take("setting", cols["setting"]),
            "provider_id": providers["provider_id"].take(pa.array(cols["provider"])),
            "date": pa.array(cols["day"].astype("datetime64[D]"), pa.date32()),
            "quantity": pa.array(cols["quantity"]),
            "unit": take("unit", cols["unit"]),
            "patient_bound": pa.array(cols["patient_bound"]),
        },
        schema=ACTIVITIES,
    )


def _cohort(
    cat: Catalogue,
    params: Parameters,
    insurers: InsurersFile,
    regions: dict[str, Region],
    region_id: str,
    year: int,
    seed: Seed,
    scale: float,
    effects: Effects,
) -> _Cohort:
    """The people who die in ``year`` and their care (the deaths view's population)."""
    region = regions[region_id]
    valid_keys = multiplier_keys(params)
    unknown = sorted(set(effects.rate_multipliers) - valid_keys)
    if unknown:
        raise ValueError(f"unknown rate multiplier(s) {unknown}; valid: {sorted(valid_keys)}")
    mult = dict(effects.rate_multipliers)

    deaths = region_deaths(regions, region_id)
    n = round(deaths * params.palliative_share_of_deaths.value * scale)
    if n < 1:
        raise ValueError(f"scale {scale} leaves no patients in region {region_id}")

    # -- providers and financers ---------------------------------------------------------------
    rates = params.provider_rates()
    prov_kind, prov_ids, prov_names = [], [], []
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for kind in PROVIDER_KINDS:
        k = region.providers.get(kind)
        if k is None:
            k = max(1, round(rates.get(kind, 0) * region.inhabitants.value / 1e5 * scale))
        first[kind], count[kind] = len(prov_ids), k
        for i in range(k):  # providers, not patients: at most a few thousand
            prov_kind.append(kind)
            prov_ids.append(f"{region_id}-{kind}-{i + 1:04d}")
            label = cat.provider_kinds[kind].name.nl
            prov_names.append(f"{label} {i + 1} ({region.name.nl})")
    providers = pa.table(
        {
            "provider_id": prov_ids,
            "provider_kind": prov_kind,
            "name": prov_names,
            "region": [region_id] * len(prov_ids),
            "agb_code": [f"30{i + 1:06d}" for i in range(len(prov_ids))],
        },
        schema=PROVIDERS,
    )

    ins_ids, ins_share = insurer_shares(insurers, region)
    co = region.care_offices.entries
    gm = region.municipalities.entries
    fin_rows = (
        [
            (i.id, "health_insurer", i.name, s, i.uzovi)
            for i, s in zip(insurers.insurers, ins_share, strict=True)
        ]
        + [(e.id, "care_office", e.name, e.share, f"5{k + 1:03d}") for k, e in enumerate(co)]
        + [(e.id, "municipality", e.name, e.share, None) for e in gm]
        + [
            ("vws", "government", "Ministerie van VWS", None, None),
            ("patient", "patient", "Patiënt (eigen bijdrage)", None, None),
        ]
    )
    financers = pa.table(
        {
            "financer_id": [r[0] for r in fin_rows],
            "financer_kind": [r[1] for r in fin_rows],
            "name": [r[2] for r in fin_rows],
            "region": [region_id] * len(fin_rows),
            "share": [None if r[3] is None else round(float(r[3]), 6) for r in fin_rows],
            "uzovi": [r[4] for r in fin_rows],
        },
        schema=FINANCERS,
    )

    # -- patients ------------------------------------------------------------------------------
    rng = _stream(seed, "patients")
    tp = [params.trajectories.get(t) for t in TRAJECTORIES]
    traj = _choice(rng.random(n), np.array([t.share for t in tp]))
    female = rng.random(n) < np.array([t.female for t in tp])[traj]
    z_age = rng.standard_normal(n)
    age = np.clip(
        np.round(
            np.array([t.age_mean for t in tp])[traj]
            + np.array([t.age_sd for t in tp])[traj] * z_age
        ),
        18,
        105,
    ).astype(np.int16)
    wlz = rng.random(n) < np.array([t.wlz for t in tp])[traj]
    resident = wlz & (rng.random(n) < np.array([t.resident_given_wlz for t in tp])[traj])
    marked = rng.random(n) < np.array([t.marked for t in tp])[traj]
    lead_mean = np.array([t.marking_lead_days_mean for t in tp])[traj]
    lead = np.clip(np.round(rng.gamma(1.5, lead_mean / 1.5)), 1, 720).astype(np.int64)
    start = (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days
    days_in_year = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    death = start + np.floor(rng.random(n) * days_in_year).astype(np.int64)
    marking = death - lead
    u_pref, u_place = rng.random(n), rng.random(n)
    u_ins, u_co, u_gm = rng.random(n), rng.random(n), rng.random(n)
    u_prov = rng.random((n, len(PROVIDER_KINDS)))

    pref_w = np.where(
        resident[:, None],
        np.asarray(params.preferred_place_of_death.resident)[None, :],
        np.asarray(params.preferred_place_of_death.at_home)[None, :],
    )
    preferred = _choice(u_pref, pref_w)
    reached = _reached(effects.reach, seed, resident, marked)
    pw = params.place_of_death
    at_home_w = np.array([pw.at_home[t] for t in TRAJECTORIES])
    res_w = np.array([pw.resident[t] for t in TRAJECTORIES])
    w_base = np.where(resident[:, None], res_w[traj], at_home_w[traj])
    w = _place_weights(w_base, preferred, reached, effects)
    place = _choice(u_place, w)

    prov_of = {
        kind: first[kind] + np.floor(u_prov[:, j] * count[kind]).astype(np.int64)
        for j, kind in enumerate(PROVIDER_KINDS)
    }
    people = _People(n, traj, resident, marked, death, marking, place, prov_of, reached)
    derived: dict[str, float] = {}
    if effects.ed_visits_total is not None:
        derived["ed_visit_only"] = ed_only_multiplier(
            people, params.hospital, effects.ed_visits_total, mult, w_base, w
        )
        mult["ed_visit_only"] = derived["ed_visit_only"]

    ids = pc.binary_join_element_wise(
        f"{region_id}-P" if isinstance(seed, int) else f"{region_id}-P{year}-",
        pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), 7, "0"),
        "",
    )
    place_names = pa.array(PLACES)
    prov_id_arr = pa.array(prov_ids)
    patients = pa.table(
        {
            "patient_id": ids,
            "age": pa.array(age, pa.int16()),
            "sex": pa.array(np.where(female, "female", "male")),
            "region": pa.array([region_id] * n),
            "insurer_id": pa.array(ins_ids).take(pa.array(_choice(u_ins, ins_share))),
            "care_office_id": pa.array([e.id for e in co]).take(
                pa.array(_choice(u_co, np.array([e.share for e in co])))
            ),
            "municipality_id": pa.array([e.id for e in gm]).take(
                pa.array(_choice(u_gm, np.array([e.share for e in gm])))
            ),
            "trajectory": pa.array(TRAJECTORIES).take(pa.array(traj)),
            "wlz": pa.array(wlz),
            "wlz_resident": pa.array(resident),
            "palliative_marking_date": pa.array(
                np.where(marked, marking, 0).astype("datetime64[D]"), pa.date32(), mask=~marked
            ),
            "death_date": pa.array(death.astype("datetime64[D]"), pa.date32()),
            "place_of_death": place_names.take(pa.array(place)),
            "preferred_place_of_death": place_names.take(pa.array(preferred)),
            "gp_practice_id": prov_id_arr.take(pa.array(prov_of["gp_practice"])),
            "hospital_id": prov_id_arr.take(pa.array(prov_of["hospital"])),
            "reached": pa.array(reached, mask=np.full(n, effects.reach is None)),
        },
        schema=PATIENTS,
    )

    # -- activities ------------------------------------------------------------------------------
    vocab = {
        "activity": sorted(cat.activities),
        "professional": sorted(cat.professionals),
        "specialty": sorted(cat.specialties),
        "setting": sorted(cat.settings),
        "unit": ["count", "days", "minutes"],
    }
    rows = _Rows(vocab)
    spec_by_traj = np.array(
        [rows.code("specialty", params.hospital.specialty[t]) for t in TRAJECTORIES]
    )

    def m(key: str) -> np.ndarray:
        """The multiplier per patient: the effect for the reached, 1 for the others."""
        return np.where(reached, mult.get(key, 1.0), 1.0)

    for spec in params.events:
        _events(rows, people, spec, seed, m(spec.id), spec_by_traj)
    _district_nursing(rows, people, params, seed, m("district_nursing"))
    _hospital(rows, people, params, seed, {k: m(k) for k in HOSPITAL_KEYS}, spec_by_traj)
    _terminal_stays(rows, people, params, seed)
    _residents(rows, people)
    _acp_marking_bereavement(rows, people, params, seed, m("advance_care_planning"))
    _team_work(rows, params, first, count, year)
    for k, added in enumerate(effects.added):
        _added(rows, people, added, seed, k)

    return _Cohort(patients, rows.concat(), providers, financers, vocab, derived)


# -- components ---------------------------------------------------------------------------------


def _events(
    rows: _Rows,
    p: _People,
    spec: EventSpec,
    seed: Seed,
    multiplier: np.ndarray,
    spec_by_traj: np.ndarray,
) -> None:
    rng = _stream(seed, f"event:{spec.id}")
    last = np.array([spec.last_month.get(t, 0.0) for t in TRAJECTORIES])[p.traj]
    last = last * np.where(p.resident, spec.scale_resident, 1.0) * _who(p, spec.who)
    lam = _months_matrix(last, spec.decay, spec.months)
    patient, _, before = _expand(rng, lam)
    qty = _quantity(rng, spec, len(patient))
    keep = _keep(rng, multiplier[patient])
    if (multiplier > 1).any():
        extra_rng = _stream(seed, f"event:{spec.id}:extra")
        ep, _, eb = _expand(extra_rng, lam * _extra(multiplier))
        patient = np.concatenate([patient[keep], ep])
        before = np.concatenate([before[keep], eb])
        qty = np.concatenate([qty[keep], _quantity(extra_rng, spec, len(ep))])
    else:
        patient, before, qty = patient[keep], before[keep], qty[keep]
    day = p.death[patient] - before
    if spec.who == "marked":
        ok = day >= p.marking[patient]
        patient, day, qty = patient[ok], day[ok], qty[ok]
    mix_rng = _stream(seed, f"event:{spec.id}:mix")  # own stream: the other draws stay put
    professional = _mixed(rows, "professional", spec.professional, mix_rng, len(patient))
    setting = _mixed(rows, "setting", spec.setting, mix_rng, len(patient))
    specialty: str | np.ndarray | None = spec.specialty
    if spec.specialty is None and "medical_specialist" in spec.ids("professional"):
        by_traj = spec_by_traj[p.traj[patient]]
        if isinstance(professional, np.ndarray):
            is_ms = professional == rows.code("professional", "medical_specialist")
            specialty = np.where(is_ms, by_traj, -1)
        else:
            specialty = by_traj
    rows.add(
        patient,
        spec.activity,
        professional,
        specialty,
        setting,
        p.providers[spec.provider_kind][patient],
        day,
        qty,
        spec.unit,
    )


def _mixed(
    rows: _Rows, kind: str, value: str | dict[str, float], rng: np.random.Generator, n: int
) -> str | np.ndarray:
    """One id for every event, or one code per event drawn from a mix of shares."""
    if isinstance(value, str):
        return value
    ids = list(value)
    pick = _choice(rng.random(n), np.array([value[i] for i in ids]))
    return np.array([rows.code(kind, i) for i in ids], dtype=np.int16)[pick]


def _district_nursing(
    rows: _Rows, p: _People, params: Parameters, seed: Seed, multiplier: np.ndarray
) -> None:
    dn = params.district_nursing
    rng = _stream(seed, "district_nursing")
    p_last = np.array([dn.in_care_last_month[t] for t in TRAJECTORIES])[p.traj]
    prob = np.clip(_months_matrix(p_last, dn.decay, dn.months), 0, 1)
    in_care = (rng.random(prob.shape) < prob) & ~p.resident[:, None]
    takes = rng.random((p.n, len(dn.titles))) < np.array([t.share for t in dn.titles])[None, :]
    patient, month = np.nonzero(in_care)
    weeks = 4
    patient = np.repeat(patient, weeks)
    month = np.repeat(month, weeks)
    week = np.tile(np.arange(weeks), len(patient) // weeks)
    before = month * 30 + week * 7 + 6
    for j, title in enumerate(dn.titles):
        mean = title.minutes_per_week * np.where(month == 0, dn.last_month_intensity, 1.0)
        minutes = rng.gamma(2.0, mean / 2.0)
        sel = takes[patient, j]
        pat = patient[sel]
        qty = np.maximum(1, np.round(minutes[sel] * multiplier[pat])).astype(np.int64)
        rows.add(
            pat,
            title.activity,
            title.professional,
            None,
            "home",
            p.providers["district_nursing_org"][pat],
            p.death[pat] - before[sel],
            qty,
            "minutes",
        )


def _gamma_days(rng: np.random.Generator, n: int, mean: float, shape: float) -> np.ndarray:
    return np.maximum(1, np.ceil(rng.gamma(shape, mean / shape, n))).astype(np.int64)


def _hospital(
    rows: _Rows,
    p: _People,
    params: Parameters,
    seed: Seed,
    mult: dict[str, np.ndarray],
    spec_by_traj: np.ndarray,
) -> None:
    """Admissions (via the ED or not), their days and ICU days, ED visits without admission
    and the DBC palliatieve zorg; ``mult``: the hospital multipliers per patient."""
    h = params.hospital
    rng = _stream(seed, "hospital")
    lam = _admission_rates(p, h)
    patient, _, before = _expand(rng, lam)
    k = len(patient)
    los = _gamma_days(rng, k, h.los_mean, h.los_shape)
    via_ed = rng.random(k) < h.via_ed
    icu = rng.random(k) < h.icu_share
    icu_days = _gamma_days(rng, k, h.icu_days_mean, 1.5)
    u_keep = rng.random(k)
    keep = u_keep < np.where(
        via_ed,
        np.minimum(mult["admission_via_ed"][patient], 1.0),
        np.minimum(mult["admission_other"][patient], 1.0),
    )
    keep_icu = rng.random(k) < np.minimum(mult["icu"][patient], 1.0)
    patient, before, los, via_ed, icu, icu_days = (
        a[keep] for a in (patient, before, los, via_ed, icu & keep_icu, icu_days)
    )
    for key, route in (("admission_via_ed", True), ("admission_other", False)):
        m = mult[key]
        if (m > 1).any():
            xr = _stream(seed, f"hospital:{key}:extra")
            share = h.via_ed if route else 1 - h.via_ed
            xp, _, xb = _expand(xr, lam * share * _extra(m))
            patient = np.concatenate([patient, xp])
            before = np.concatenate([before, xb])
            los = np.concatenate([los, _gamma_days(xr, len(xp), h.los_mean, h.los_shape)])
            via_ed = np.concatenate([via_ed, np.full(len(xp), route)])
            icu = np.concatenate([icu, xr.random(len(xp)) < h.icu_share])
            icu_days = np.concatenate([icu_days, _gamma_days(xr, len(xp), h.icu_days_mean, 1.5)])
    before = np.maximum(before, 1)
    los = np.minimum(los, before)  # an admission that is not terminal ends before death

    # terminal admissions of those who die in hospital: drawn for everyone, used for some
    t_los = _gamma_days(rng, p.n, h.los_mean, h.los_shape)
    t_ed = rng.random(p.n) < h.via_ed
    t_icu = rng.random(p.n) < h.icu_share
    t_icu_days = _gamma_days(rng, p.n, h.icu_days_mean, 1.5)
    dies = np.nonzero(p.place == PLACES.index("hospital"))[0]
    patient = np.concatenate([patient, dies])
    before = np.concatenate([before, t_los[dies]])
    los = np.concatenate([los, t_los[dies]])
    via_ed = np.concatenate([via_ed, t_ed[dies]])
    icu = np.concatenate([icu, t_icu[dies]])
    icu_days = np.concatenate([icu_days, t_icu_days[dies]])
    icu_days = np.minimum(icu_days, los)

    day = p.death[patient] - before
    hosp = p.providers["hospital"][patient]
    spec = spec_by_traj[p.traj[patient]]
    ones = np.ones(len(patient), dtype=np.int64)
    rows.add(
        patient,
        "hospital_admission",
        "medical_specialist",
        spec,
        "hospital",
        hosp,
        day,
        ones,
        "count",
    )
    rows.add(
        patient, "hospital_day", "medical_specialist", spec, "hospital", hosp, day, los, "days"
    )
    e = via_ed
    rows.add(
        patient[e],
        "ed_visit",
        "medical_specialist",
        rows.code("specialty", "emergency_medicine"),
        "hospital",
        hosp[e],
        day[e],
        ones[e],
        "count",
    )
    i = icu
    rows.add(
        patient[i],
        "icu_day",
        "medical_specialist",
        rows.code("specialty", "anaesthesiology"),
        "hospital",
        hosp[i],
        day[i],
        icu_days[i],
        "days",
    )

    # ED visits without admission
    lam_ed = _ed_only_rates(p, h)
    ep, _, eb = _expand(rng, lam_ed)
    m = mult["ed_visit_only"]
    keep = _keep(rng, m[ep])
    ep, eb = ep[keep], eb[keep]
    if (m > 1).any():
        xr = _stream(seed, "hospital:ed_visit_only:extra")
        xp, _, xb = _expand(xr, lam_ed * _extra(m))
        ep, eb = np.concatenate([ep, xp]), np.concatenate([eb, xb])
    rows.add(
        ep,
        "ed_visit",
        "medical_specialist",
        rows.code("specialty", "emergency_medicine"),
        "hospital",
        p.providers["hospital"][ep],
        p.death[ep] - eb,
        np.ones(len(ep), dtype=np.int64),
        "count",
    )

    # DBC palliatieve zorg: palliative team for a share of those admitted in the last 90 days
    u_team = rng.random(p.n)
    recent = before <= 90
    first_day = np.full(p.n, np.iinfo(np.int64).max)
    np.minimum.at(first_day, patient[recent], day[recent])
    seen = np.nonzero((first_day < np.iinfo(np.int64).max) & (u_team < h.palliative_team_share))[0]
    rows.add(
        seen,
        "hospital_palliative_care",
        "medical_specialist",
        h.palliative_team_specialty,
        "hospital",
        p.providers["hospital"][seen],
        first_day[seen],
        np.ones(len(seen), dtype=np.int64),
        "count",
    )


def _terminal_stays(rows: _Rows, p: _People, params: Parameters, seed: Seed) -> None:
    ts = params.terminal_stays
    rng = _stream(seed, "terminal_stays")
    elv = rows.code("activity", "elv_day")
    wlz_day = rows.code("activity", "nursing_home_day")
    for place, stay, kind in (
        ("hospice", ts.hospice, None),
        ("elv", ts.elv, "nursing_home"),
        ("palliative_unit", ts.palliative_unit, "nursing_home"),
    ):
        days = _gamma_days(rng, p.n, stay.mean_days, stay.shape)
        u = rng.random(p.n)
        who = np.nonzero(p.place == PLACES.index(place))[0]
        activity: str | np.ndarray
        if kind is None:
            high = u[who] < (stay.high_care_share or 0)
            prov = np.where(
                high, p.providers["hospice_high_care"][who], p.providers["hospice_low_care"][who]
            )
            activity = "hospice_day"
        else:
            prov = p.providers[kind][who]
            # a palliative unit is a Wlz stay for residents and a short primary-care stay (ELV)
            # for everyone else
            activity = np.where((place == "palliative_unit") & p.resident[who], wlz_day, elv)
        rows.add(
            who, activity, "carer", None, place, prov, p.death[who] - days[who], days[who], "days"
        )


def _residents(rows: _Rows, p: _People) -> None:
    """Wlz residents: nursing-home days, one row per 30 days of the last year."""
    who = np.nonzero(p.resident)[0]
    months = 12
    patient = np.repeat(who, months)
    m = np.tile(np.arange(months), len(who))
    day = p.death[patient] - (m + 1) * 30
    rows.add(
        patient,
        "nursing_home_day",
        "carer",
        None,
        "nursing_home",
        p.providers["nursing_home"][patient],
        day,
        np.full(len(patient), 30),
        "days",
    )


def _acp_marking_bereavement(
    rows: _Rows, p: _People, params: Parameters, seed: Seed, multiplier: np.ndarray
) -> None:
    rng = _stream(seed, "acp")
    acp = params.acp
    share = np.array([acp.share[t] for t in TRAJECTORIES])[p.traj]
    u = rng.random(p.n)
    u_when = rng.random(p.n)
    u_by = rng.random(p.n)
    has = u < np.minimum(share * multiplier, 1.0)
    window_start = np.where(p.marked, np.maximum(p.marking, p.death - 365), p.death - 180)
    span = np.maximum(p.death - 7 - window_start, 0)
    day = window_start + np.floor(u_when * span).astype(np.int64)
    by_names = list(acp.by)
    by = _choice(u_by, np.array([acp.by[k] for k in by_names]))
    for j, prof in enumerate(by_names):
        who = np.nonzero(has & (by == j))[0]
        if prof == "medical_specialist":
            kind, setting, spec = "hospital", "hospital", "internal_medicine"
        elif prof == "gp":
            kind, setting, spec = "gp_practice", "home", None
        else:
            kind, setting, spec = "district_nursing_org", "home", None
        rows.add(
            who,
            "advance_care_planning",
            prof,
            spec,
            setting,
            p.providers[kind][who],
            day[who],
            np.full(len(who), 45),
            "minutes",
        )
    mk = np.nonzero(p.marked)[0]
    rows.add(
        mk,
        "palliative_marking",
        "gp",
        None,
        "home",
        p.providers["gp_practice"][mk],
        p.marking[mk],
        np.full(len(mk), 20),
        "minutes",
    )
    b = params.bereavement
    rng_b = _stream(seed, "bereavement")
    who = np.nonzero(rng_b.random(p.n) < b.share)[0]
    rows.add(
        who,
        "bereavement_care",
        "gp",
        None,
        "home",
        p.providers["gp_practice"][who],
        p.death[who] + b.days_after_death,
        np.full(len(who), 20),
        "minutes",
    )


def _team_work(
    rows: _Rows, params: Parameters, first: dict[str, int], count: dict[str, int], year: int
) -> None:
    months = np.array(
        [(dt.date(year, m, 1) - dt.date(1970, 1, 1)).days for m in range(1, 13)], dtype=np.int64
    )
    for task in params.team_work.per_team_per_month:
        teams = first[task.provider_kind] + np.arange(count[task.provider_kind])
        prov = np.repeat(teams, len(months))
        day = np.tile(months, len(teams))
        rows.add(
            np.full(len(prov), -1),
            task.activity,
            task.professional,
            None,
            "home",
            prov,
            day,
            np.full(len(prov), task.minutes),
            "minutes",
            patient_bound=False,
        )


def _added(rows: _Rows, p: _People, added: AddedActivity, seed: Seed, k: int) -> None:
    rng = _stream(seed, f"added:{k}:{added.activity}:{added.professional}")
    has = (rng.random(p.n) < added.share) & _who(p, added.who) & p.reached
    n_events = 1 + rng.poisson(max(added.per_patient - 1, 0), p.n)
    patient = np.repeat(np.nonzero(has)[0], n_events[has])
    start = p.death[patient] - added.window_days
    if added.who == "marked":
        start = np.maximum(start, p.marking[patient])
    span = np.maximum(p.death[patient] - start, 1)
    day = start + np.floor(rng.random(len(patient)) * span).astype(np.int64)
    rows.add(
        patient,
        added.activity,
        added.professional,
        added.specialty,
        added.setting,
        p.providers[added.provider_kind][patient],
        day,
        np.full(len(patient), added.quantity),
        added.unit,
    )


def iter_tables(pop: Population) -> Iterable[tuple[str, pa.Table]]:
    yield from pop.tables().items()
