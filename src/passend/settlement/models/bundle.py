"""Bundled payment (bundelbekostiging): one price per patient for a package of care over an
episode, paid to a principal contractor (hoofdaannemer); the consortium keeps the result,
within an optional risk corridor, with an optional outlier carve-out.

Formula (DESIGN section 6.5; seed 000 theme 8; seed 001 table 1):

    payment    = sum over classes of price_c * patients_c
    in_bundle  = actual - outlier_costs          (outliers are paid outside the bundle, PxQ)
    result     = payment - in_bundle             (positive: the consortium saved)
    settlement = corridor_share * (|result| - corridor * payment) * sign(result)
                 when |result| > corridor * payment, else 0
                 (positive: the consortium pays back; negative: the financer pays extra)
    consortium result = result - settlement
    financer pays     = payment - settlement + outlier_costs
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from passend.settlement.money import round_cents


@dataclass(frozen=True)
class BundleResult:
    payment_cents: int
    actual_cents: int
    outlier_cents: int
    result_cents: int
    settlement_cents: int
    consortium_result_cents: int
    financer_pays_cents: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def bundle(
    prices_cents: dict[str, int],
    patients: dict[str, int],
    actual_cents: int,
    corridor: Decimal | None = None,
    corridor_share: Decimal = Decimal(1),
    outlier_cents: int = 0,
) -> BundleResult:
    if set(prices_cents) != set(patients):
        raise ValueError("give a price and a number of patients for the same classes")
    if any(
        v < 0 for v in (*prices_cents.values(), *patients.values(), actual_cents, outlier_cents)
    ):
        raise ValueError("prices, patients and costs must not be negative")
    if outlier_cents > actual_cents:
        raise ValueError("outlier costs are part of the actual costs")
    if (corridor is not None and corridor < 0) or not Decimal(0) <= corridor_share <= Decimal(1):
        raise ValueError("corridor must not be negative; corridor_share between 0 and 1")
    payment = sum(prices_cents[c] * patients[c] for c in prices_cents)
    result = payment - (actual_cents - outlier_cents)
    settlement = 0
    if corridor is not None:
        band = corridor * payment
        if abs(result) > band:
            excess = Decimal(abs(result)) - band
            settlement = round_cents(corridor_share * excess) * (1 if result > 0 else -1)
    return BundleResult(
        payment_cents=payment,
        actual_cents=actual_cents,
        outlier_cents=outlier_cents,
        result_cents=result,
        settlement_cents=settlement,
        consortium_result_cents=result - settlement,
        financer_pays_cents=payment - settlement + outlier_cents,
    )
