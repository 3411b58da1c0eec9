"""Pay for performance (add-on on a base model): a bonus, and optionally a malus, from the
score on indicators with targets and weights.

Formula (DESIGN section 6.8; seed 001 table 1 "pay for performance", always on top of another
model):

    achievement_i = min(1, score_i / target_i)       for an indicator where higher is better
                  = min(1, target_i / score_i)       where lower is better (1 when score is 0)
    score         = sum_i weight_i * achievement_i / sum_i weight_i
    bonus         = pool * score                     when score >= threshold, else 0
    malus         = malus_rate * pool                when score < malus_below, else 0

Settlement (add-on): the indicators are computed over the patients with lines under the
contract, from the population (place of death, preferred place, date of death) and all care
delivered (claims and unfunded activities):

    acp_3m                   share with advance care planning >= 90 days before death
    preferred_place          share dying at their preferred place
    ed_last_30d              share with an ED visit in the last 30 days (lower is better)
    hospital_death           share dying in hospital (lower is better)
    specialist_consultation  share that received a palliative consultation (consultation team,
                             SCEN, bedside, look-along or advice consultation)

The pool is ``pool_eur`` or ``pool_share`` x the contract's base spend. The bonus is paid by
the financers in proportion to their spend to the providers (or ``payee``): ``p4p_bonus``; a
malus flows back (``p4p_malus``). ``budget_neutral``: the pool is first withheld from the base
payments (``p4p_withhold``), so that only the score moves money between the parties.

Incentives (``passend simulate``): an add-on acts on the contract's totals (the score, the
pool), not per unit, so it has no marginal payment of one unit more or fewer and is left out
of the incentive view; the base model answers for the unit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Literal

import ibis
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from passend import db
from passend.messages import Problem
from passend.settlement.frame import REPLICATE, Ctx, Part, book_spread, only, per_replicate
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents, round_cents

NAME = "pay_for_performance"
CONSULTATIONS = (
    "palliative_consultation",
    "scen_consult",
    "bedside_consult",
    "look_along_consult",
    "advice_consult",
)
LOWER_IS_BETTER = {"ed_last_30d", "hospital_death"}
IndicatorId = Literal[
    "acp_3m", "preferred_place", "ed_last_30d", "hospital_death", "specialist_consultation"
]


@dataclass(frozen=True)
class Indicator:
    name: str
    score: Decimal
    target: Decimal
    weight: Decimal
    lower_is_better: bool = False

    def achievement(self) -> Decimal:
        if self.target <= 0 or self.score < 0 or self.weight < 0:
            raise Problem("indicator_values", name=self.name)
        if self.lower_is_better:
            return Decimal(1) if self.score == 0 else min(Decimal(1), self.target / self.score)
        return min(Decimal(1), self.score / self.target)


@dataclass(frozen=True)
class P4PResult:
    score: str
    bonus_cents: int
    malus_cents: int
    achievements: dict[str, str]

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def pay_for_performance(
    pool_cents: int,
    indicators: list[Indicator],
    threshold: Decimal = Decimal(0),
    malus_rate: Decimal = Decimal(0),
    malus_below: Decimal = Decimal(0),
) -> P4PResult:
    if not indicators:
        raise Problem("no_indicator")
    if pool_cents < 0:
        raise Problem("must_not_be_negative", option="pool")
    weights = sum(i.weight for i in indicators)
    if weights <= 0:
        raise Problem("weights_zero")
    ach = {i.name: i.achievement() for i in indicators}
    score = sum(i.weight * ach[i.name] for i in indicators) / weights
    bonus = round_cents(pool_cents * score) if score >= threshold else 0
    malus = round_cents(malus_rate * pool_cents) if score < malus_below else 0
    return P4PResult(
        score=str(score.quantize(Decimal("0.0001"))),
        bonus_cents=bonus,
        malus_cents=malus,
        achievements={k: str(v.quantize(Decimal("0.0001"))) for k, v in ach.items()},
    )


class IndicatorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: IndicatorId
    target: Decimal = Field(gt=0, le=1)
    weight: Decimal = Field(default=Decimal(1), ge=0)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    indicators: list[IndicatorSpec] = Field(min_length=1)
    pool_eur: Decimal | None = Field(default=None, ge=0)
    pool_share: Decimal | None = Field(default=None, ge=0, le=1)
    threshold: Decimal = Field(default=Decimal(0), ge=0, le=1)
    malus_rate: Decimal = Field(default=Decimal(0), ge=0, le=1)
    malus_below: Decimal = Field(default=Decimal(0), ge=0, le=1)
    budget_neutral: bool = False
    payee: str | None = None


INDICATOR_IDS = (
    "acp_3m",
    "preferred_place",
    "ed_last_30d",
    "hospital_death",
    "specialist_consultation",
)


def indicator_scores(ctx: Ctx, patient_ids: ibis.Table) -> dict[int | None, dict[str, Decimal]]:
    """The five indicators over the given patients (exact fractions), per replicate of a
    batch (``ctx.keys``; one query for all), or under None for one replicate alone."""
    key = list(ctx.keys)
    pats = db.register(
        ibis.get_backend(patient_ids),
        "p_patients",
        ctx.need_patients("pay for performance").select(
            ["patient_id", "death_date", "place_of_death", "preferred_place_of_death", *key]
        ),
    )
    ids = patient_ids.select(*key, c_id=patient_ids.patient_id).distinct()
    ids = ids.rename(**{"c_" + k: k for k in key})
    on = [pats.patient_id == ids.c_id] + [pats[k] == ids["c_" + k] for k in key]
    p = pats.inner_join(ids, on).drop(*["c_" + k for k in key])
    w = ctx.work
    w = w.inner_join(p.select("patient_id", "death_date", *key), ["patient_id", *key])
    flags = w.group_by(*key, "patient_id").aggregate(
        acp=(
            (w.activity == "advance_care_planning")
            & (w.date <= w.death_date - ibis.interval(days=90))
        ).any(),
        ed=((w.activity == "ed_visit") & (w.date > w.death_date - ibis.interval(days=30))).any(),
        cons=w.activity.isin(CONSULTATIONS).any(),
    )
    flags = flags.rename(f_id="patient_id", **{"f_" + k: k for k in key})
    on = [p.patient_id == flags.f_id] + [p[k] == flags["f_" + k] for k in key]
    j = p.left_join(flags, on)
    sums = dict(
        n=j.patient_id.count(),
        acp_3m=j.acp.fill_null(False).cast("int64").sum(),
        preferred_place=(j.place_of_death == j.preferred_place_of_death).cast("int64").sum(),
        ed_last_30d=j.ed.fill_null(False).cast("int64").sum(),
        hospital_death=(j.place_of_death == "hospital").cast("int64").sum(),
        specialist_consultation=j.cons.fill_null(False).cast("int64").sum(),
    )
    agg = (j.group_by(*key).aggregate(**sums) if key else j.aggregate(**sums)).to_pyarrow()
    out: dict[int | None, dict[str, Decimal]] = {
        r: dict.fromkeys(INDICATOR_IDS, Decimal(0)) for r in ctx.replicates
    }
    for row in agg.to_pylist():
        n = int(row.pop("n") or 0)
        r = row.pop(REPLICATE, None)
        out[r] = {k: (Decimal(int(v or 0)) / n if n else Decimal(0)) for k, v in row.items()}
    return out


def apply(ctx: Ctx, contract_id: str, p: Params, spend: pa.Table, lines: ibis.Table) -> Part:
    """The indicators of all replicates of a batch in one query; the pool, score and
    payments per replicate (on its spend)."""
    ids = lines.filter(lines.patient_id.notnull()).select("patient_id", *ctx.keys)
    scores = indicator_scores(ctx, ids)

    def one(c: Ctx, r: int | None) -> Part:
        return _pay(c, contract_id, p, spend if r is None else only(spend, r), scores[r])

    return per_replicate(ctx, one)


def _pay(
    ctx: Ctx, contract_id: str, p: Params, spend: pa.Table, scores: dict[str, Decimal]
) -> Part:
    base = sum(int(x) for x in spend["spend_cents"].to_pylist())
    if p.pool_eur is not None:
        pool = euros_to_cents(p.pool_eur, "pool_eur")
    elif p.pool_share is not None:
        pool = round_cents(p.pool_share * base)
    else:
        raise Problem("p4p_pool", id=contract_id)
    r = pay_for_performance(
        pool,
        [
            Indicator(i.id, scores[i.id], i.target, i.weight, i.id in LOWER_IS_BETTER)
            for i in p.indicators
        ],
        p.threshold,
        p.malus_rate,
        p.malus_below,
    )
    basis = {**r.as_dict(), "pool_cents": pool, "scores": {k: str(v) for k, v in scores.items()}}
    part = Part()
    flows = [("p4p_bonus", r.bonus_cents, True), ("p4p_malus", r.malus_cents, False)]
    if p.budget_neutral:
        flows.insert(0, ("p4p_withhold", pool, False))
    for reason, cents, to_provider in flows:
        book_spread(
            part,
            contract_id=contract_id,
            model=NAME,
            reason=reason,
            cents=cents,
            spend=spend,
            payee=p.payee,
            to_provider=to_provider,
            year=ctx.year,
            basis=basis,
        )
    return part


MODEL = Model(
    NAME, "addon", Params, apply, __name__, Needs(lines=True), calculator="p4p", batched=True
)
