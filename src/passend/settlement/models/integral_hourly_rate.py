"""Integral hourly rate with an efficiency agreement (integraal uurtarief met
doelmatigheidsafspraak) in district nursing.

Formula (DESIGN section 6.2; seed 000 themes 3 and 4; AZWA 2025 in seed 002):

    paid    = rate * hours
    norm    = norm_hours_per_client_month * client_months
    excess  = max(0, hours - norm)
    payback = payback_share * rate * excess
With the AZWA exclusion the hours and client-months of terminal clients (their last N days of
life) are left out of the norm test (they are paid, never paid back). Hours may be fractional
(minutes / 60); each amount is rounded half away from zero once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from passend.settlement.money import round_cents


@dataclass(frozen=True)
class EfficiencyResult:
    paid_cents: int
    payback_cents: int
    net_cents: int
    hours_tested: str
    norm_hours: str
    excess_hours: str
    average_hours_per_client_month: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def integral_hourly_rate(
    rate_cents: int,
    hours: Decimal,
    client_months: Decimal,
    norm_hours_per_client_month: Decimal,
    payback_share: Decimal,
    terminal_hours: Decimal = Decimal(0),
    terminal_client_months: Decimal = Decimal(0),
    exclude_terminal: bool = True,
) -> EfficiencyResult:
    if not Decimal(0) <= payback_share <= Decimal(1):
        raise ValueError("payback_share must be between 0 and 1")
    if min(rate_cents, hours, client_months, terminal_hours, terminal_client_months) < 0:
        raise ValueError("rate, hours and client-months must not be negative")
    if terminal_hours > hours or terminal_client_months > client_months:
        raise ValueError("terminal hours and client-months are part of the totals")
    tested_hours = hours - terminal_hours if exclude_terminal else hours
    tested_months = client_months - terminal_client_months if exclude_terminal else client_months
    norm = norm_hours_per_client_month * tested_months
    excess = max(Decimal(0), tested_hours - norm)
    paid = round_cents(Decimal(rate_cents) * hours)
    payback = round_cents(payback_share * Decimal(rate_cents) * excess)
    average = tested_hours / tested_months if tested_months else Decimal(0)
    return EfficiencyResult(
        paid_cents=paid,
        payback_cents=payback,
        net_cents=paid - payback,
        hours_tested=str(tested_hours),
        norm_hours=str(norm),
        excess_hours=str(excess),
        average_hours_per_client_month=str(average.quantize(Decimal("0.01"))),
    )
