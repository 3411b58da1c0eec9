"""Lump sum (aanneemsom) per institution, split over insurers on their actual market share,
with an optional corridor on the deviation of the realised PxQ value.

Formula (DESIGN section 6.4; seed 003 "Contractering": an aanneemsom at institution level,
settled with insurers on the actual market share):

    deviation  = actual_value - contract_value          (realised PxQ minus the contract's)
    settlement = corridor_share * (|deviation| - corridor * contract_value) * sign(deviation)
                 when a corridor is agreed and |deviation| exceeds it, else 0
    total      = amount + settlement
    part_i     = total split on actual shares (exactly: the parts add up to the total)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from passend.settlement.money import round_cents, split_by_shares


@dataclass(frozen=True)
class LumpSumResult:
    amount_cents: int
    deviation_cents: int
    settlement_cents: int
    total_cents: int
    parts_cents: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def lump_sum(
    amount_cents: int,
    actual_shares: dict[str, Decimal],
    contract_value_cents: int | None = None,
    actual_value_cents: int | None = None,
    corridor: Decimal | None = None,
    corridor_share: Decimal = Decimal(1),
) -> LumpSumResult:
    if amount_cents < 0:
        raise ValueError("amount must not be negative")
    deviation = settlement = 0
    if corridor is not None:
        if contract_value_cents is None or actual_value_cents is None:
            raise ValueError("a corridor needs the contract value and the actual value")
        if corridor < 0 or not Decimal(0) <= corridor_share <= Decimal(1):
            raise ValueError("corridor must not be negative; corridor_share between 0 and 1")
        deviation = actual_value_cents - contract_value_cents
        band = corridor * contract_value_cents
        if abs(deviation) > band:
            settlement = round_cents(corridor_share * (Decimal(abs(deviation)) - band))
            settlement *= 1 if deviation > 0 else -1
    total = amount_cents + settlement
    return LumpSumResult(
        amount_cents, deviation, settlement, total, split_by_shares(total, actual_shares)
    )
