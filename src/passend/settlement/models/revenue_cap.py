"""Revenue cap (omzetplafond) per provider x insurer x year, with the AZWA exemption.

Formula (DESIGN section 6.3; seed 002, AZWA 2025: revenue caps may not block care for terminal
patients at home):

    capped part   = claimed - exempt            (exempt = terminal care when the exemption is on)
    paid          = min(capped part, cap) + above_cap_share * max(0, capped part - cap) + exempt
    not paid      = claimed - paid              (borne by the provider)

Amounts in cents; the share of the excess is rounded half away from zero once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from passend.settlement.money import round_cents


@dataclass(frozen=True)
class RevenueCapResult:
    claimed_cents: int
    exempt_cents: int
    cap_cents: int
    paid_cents: int
    unpaid_cents: int
    over_cap_cents: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def revenue_cap(
    claimed_cents: int,
    cap_cents: int,
    above_cap_share: Decimal = Decimal(0),
    terminal_cents: int = 0,
    exempt_terminal: bool = True,
) -> RevenueCapResult:
    if not Decimal(0) <= above_cap_share <= Decimal(1):
        raise ValueError("above_cap_share must be between 0 and 1")
    if min(claimed_cents, cap_cents, terminal_cents) < 0 or terminal_cents > claimed_cents:
        raise ValueError("amounts must be non-negative and terminal care part of the claims")
    exempt = terminal_cents if exempt_terminal else 0
    capped = claimed_cents - exempt
    over = max(0, capped - cap_cents)
    paid = min(capped, cap_cents) + round_cents(above_cap_share * over) + exempt
    return RevenueCapResult(claimed_cents, exempt, cap_cents, paid, claimed_cents - paid, over)
