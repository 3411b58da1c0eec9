"""Pay for performance (add-on on a base model): a bonus, and optionally a malus, from the
score on indicators with targets and weights.

Formula (DESIGN section 6.8; seed 001 table 1 "pay for performance", always on top of another
model):

    achievement_i = min(1, score_i / target_i)       for an indicator where higher is better
                  = min(1, target_i / score_i)       where lower is better (1 when score is 0)
    score         = sum_i weight_i * achievement_i / sum_i weight_i
    bonus         = pool * score                     when score >= threshold, else 0
    malus         = malus_rate * pool                when score < malus_below, else 0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from passend.settlement.money import round_cents


@dataclass(frozen=True)
class Indicator:
    name: str
    score: Decimal
    target: Decimal
    weight: Decimal
    lower_is_better: bool = False

    def achievement(self) -> Decimal:
        if self.target <= 0 or self.score < 0 or self.weight < 0:
            raise ValueError(
                f"indicator {self.name}: target must be positive, score and weight not negative"
            )
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
        raise ValueError("give at least one indicator")
    if pool_cents < 0:
        raise ValueError("pool must not be negative")
    weights = sum(i.weight for i in indicators)
    if weights <= 0:
        raise ValueError("the weights add up to zero")
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
