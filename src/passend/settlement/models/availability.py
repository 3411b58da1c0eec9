"""Availability payment (beschikbaarheidsbekostiging): a fixed budget for a function (a 24/7
consultation team, acute-care readiness), independent of volume, split over the financers.

Formula (DESIGN section 6.9; seed 003, long term: availability payment for acute care and the
'brandweerfunctie'):

    part_f = budget * share_f / sum(shares)     split exactly: the parts add up to the budget
                                                (largest remainders get the odd cents)
"""

from __future__ import annotations

from decimal import Decimal

from passend.settlement.money import split_by_shares


def availability(budget_cents: int, shares: dict[str, Decimal]) -> dict[str, int]:
    if budget_cents < 0:
        raise ValueError("budget must not be negative")
    return split_by_shares(budget_cents, shares)
