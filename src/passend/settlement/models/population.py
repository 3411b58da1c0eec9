"""Population-based payment (populatiebekostiging, capitation): an amount per inhabitant per
year by age band and sex, for a scope of care in a region, with an optional quality bonus.

Formula (DESIGN section 6.6; seed 001 table 1; seed 003, long term: population payment with a
quality bonus for chronic care):

    payment = sum over bands of rate_b * inhabitants_b
    bonus   = bonus_rate * quality_score * payment
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from passend.settlement.money import round_cents


@dataclass(frozen=True)
class PopulationResult:
    inhabitants: int
    payment_cents: int
    bonus_cents: int
    total_cents: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def population(
    rates_cents: dict[str, int],
    inhabitants: dict[str, int],
    bonus_rate: Decimal = Decimal(0),
    quality_score: Decimal = Decimal(0),
) -> PopulationResult:
    if set(rates_cents) != set(inhabitants):
        raise ValueError("give a rate and a number of inhabitants for the same bands")
    if any(v < 0 for v in (*rates_cents.values(), *inhabitants.values())):
        raise ValueError("rates and inhabitants must not be negative")
    if not (Decimal(0) <= bonus_rate <= Decimal(1) and Decimal(0) <= quality_score <= Decimal(1)):
        raise ValueError("bonus_rate and quality_score must be between 0 and 1")
    payment = sum(rates_cents[b] * inhabitants[b] for b in rates_cents)
    bonus = round_cents(bonus_rate * quality_score * payment)
    return PopulationResult(sum(inhabitants.values()), payment, bonus, payment + bonus)
