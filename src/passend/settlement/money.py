"""Exact money: euros given as decimal strings become integer cents; a computed amount is
rounded half away from zero to the cent, once (DESIGN section 5)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from passend.messages import Problem

K = TypeVar("K")
"""A party: an id, or a tuple such as (financer id, kind); parties sort for the tie-break."""


LIMIT = Decimal(10) ** 12
"""The largest number taken from user input (euros, hours, counts): a thousand billion, far
above any national total, and small enough that products of two such figures stay exact."""


def to_decimal(value: str | int | float | Decimal, what: str) -> Decimal:
    """A number from user input, exactly (a float goes through its shortest text)."""
    try:
        d = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise Problem("not_a_number", what=what, value=value) from None
    if not d.is_finite():
        raise Problem("not_finite", what=what, value=value)
    if abs(d) > LIMIT:
        raise Problem("too_large", what=what, value=value)
    return d


def euros_to_cents(value: str | int | float | Decimal, what: str = "amount") -> int:
    """'1234.56' -> 123456. More than two decimals is refused rather than rounded away."""
    d = to_decimal(value, what) * 100
    if d != d.to_integral_value():
        raise Problem("two_decimals", what=what, value=value)
    return int(d)


def round_cents(amount: Decimal) -> int:
    """Round an amount in cents half away from zero (ROUND_HALF_UP on the absolute value)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


SHARE_TOLERANCE = Decimal("0.001")
"""How far a user's shares may add up from 1 (rounded market shares: 0.333 + 0.333 + 0.333)."""


def check_whole(shares: dict[K, Decimal], what: str) -> None:
    """Shares a user gives (of a budget, of a market) must add up to 1 within
    ``SHARE_TOLERANCE``: 0.75 or 1.2 is a typing error, not something to normalise silently."""
    total = sum(shares.values(), Decimal(0))
    if abs(total - 1) > SHARE_TOLERANCE:
        raise Problem(
            "shares_not_whole",
            what=what,
            total=Decimal(f"{total.normalize():f}"),
            tolerance=SHARE_TOLERANCE,
        )


def split_by_shares(total_cents: int, shares: dict[K, Decimal]) -> dict[K, int]:
    """Split an amount over parties by shares so that the parts add up to the total exactly:
    each part rounded down, the remaining cents to the largest remainders (ties by name)."""
    if not shares:
        raise Problem("no_shares")
    if any(s < 0 for s in shares.values()):
        raise Problem("shares_negative")
    weight = sum(shares.values())
    if weight <= 0:
        raise Problem("shares_zero")
    sign = -1 if total_cents < 0 else 1
    raw = {k: Decimal(abs(total_cents)) * s / weight for k, s in shares.items()}
    parts = {k: int(v) for k, v in raw.items()}  # int() truncates towards zero
    left = abs(total_cents) - sum(parts.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - parts[k]), k))[:left]:
        parts[k] += 1
    return {k: sign * v for k, v in parts.items()}


def to_count(value: str, what: str) -> int:
    """A number of people (``what`` names it in the error): a whole number, 0 or more."""
    try:
        n = int(value)
    except ValueError:
        raise Problem("not_whole", what=what, value=value) from None
    if n < 0:
        raise Problem("not_negative", what=what, n=n)
    if n > LIMIT:
        raise Problem("too_large", what=what, value=value)
    return n
