"""Revenue cap (omzetplafond) per provider x insurer x year, with the AZWA exemption.

Formula (DESIGN section 6.3; seed 002, AZWA 2025: revenue caps for district nursing may not
block care for terminal patients at home):

    capped part   = claimed - exempt            (exempt = the terminal care the exemption covers)
    paid          = min(capped part, cap) + above_cap_share * max(0, capped part - cap) + exempt
    not paid      = claimed - paid              (borne by the provider)

Amounts in cents; the share of the excess is rounded half away from zero once.

Settlement: the lines are paid at the contracted price (PxQ); per provider x financer the part
not paid is paid back by the provider (reason ``above_cap``). The cap is given per pair
(``caps_eur``) or as a share of the pair's claims value in the reference run
(``cap_share_of_reference``: the baseline's volume, as insurers set caps on last year's
turnover). Exempt (``exempt_terminal``, on by default) = lines within ``terminal_days`` before
death that an exemption of the catalogue covers (``catalogue/data/exemptions.yaml``: AZWA,
district nursing at home from 2025-09-01), so a hospital's cap exempts nothing; the wider
``exempt_terminal_beyond_azwa`` (off by default, not the current rule) exempts every terminal
line in the contract's scope. Terminal days: the catalogue's policy default ``terminal_days``
(90, an assumption: a life expectancy under three months).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis
from pydantic import Field, model_validator

from passend.catalogue.loader import policy_default
from passend.messages import Problem
from passend.settlement.frame import (
    Ctx,
    Margin,
    ModelParams,
    Part,
    book,
    in_terminal_phase,
    line_price,
    marginal_pay,
    movement,
    mul_share,
    per_replicate,
    rows_of,
)
from passend.settlement.models.fee_for_service import pxq_lines
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents, round_cents

NAME = "revenue_cap"


@dataclass(frozen=True)
class RevenueCapResult:
    claimed_cents: int
    exempt_cents: int
    cap_cents: int
    paid_cents: int
    unpaid_cents: int
    over_cap_cents: int

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))  # flat fields: no deep copy (called per provider x financer)


def revenue_cap(
    claimed_cents: int,
    cap_cents: int,
    above_cap_share: Decimal = Decimal(0),
    terminal_cents: int = 0,
    exempt_terminal: bool = True,
) -> RevenueCapResult:
    if not Decimal(0) <= above_cap_share <= Decimal(1):
        raise Problem("between_0_1", name="above_cap_share")
    if min(claimed_cents, cap_cents, terminal_cents) < 0 or terminal_cents > claimed_cents:
        raise Problem("cap_amounts")
    return _revenue_cap(claimed_cents, cap_cents, above_cap_share, terminal_cents, exempt_terminal)


def _revenue_cap(
    claimed_cents: int,
    cap_cents: int,
    above_cap_share: Decimal,
    terminal_cents: int,
    exempt_terminal: bool,
) -> RevenueCapResult:
    """The formula, also for claims with credit lines (a negative terminal or other part)."""
    exempt = terminal_cents if exempt_terminal else 0
    capped = claimed_cents - exempt
    over = max(0, capped - cap_cents)
    paid = min(capped, cap_cents) + round_cents(above_cap_share * over) + exempt
    return RevenueCapResult(claimed_cents, exempt, cap_cents, paid, claimed_cents - paid, over)


class Params(ModelParams):
    caps_eur: dict[str, dict[str, Decimal]] | None = None
    """provider_id -> financer_id -> cap in euros."""
    cap_share_of_reference: Decimal | None = Field(default=None, ge=0)
    above_cap_share: Decimal = Field(default=Decimal(0), ge=0, le=1)
    exempt_terminal: bool = True
    exempt_terminal_beyond_azwa: bool = False
    """Also exempt terminal care that no exemption of the catalogue covers (e.g. a hospital's):
    a wider option than the current rule, labelled so in the contract set."""
    terminal_days: int = Field(default_factory=lambda: int(policy_default("terminal_days")), ge=0)

    @model_validator(mode="after")
    def _one_cap(self) -> Params:
        if (self.caps_eur is None) == (self.cap_share_of_reference is None):
            raise Problem("one_of_two", a="caps_eur", b="cap_share_of_reference")
        if any(v < 0 for caps in (self.caps_eur or {}).values() for v in caps.values()):
            raise Problem("must_not_be_negative", option="caps_eur")
        return self


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """What one unit more or fewer pays its provider: the line's price while the cap does not
    bind, ``above_cap_share`` x the price where it binds; exempt terminal care always its
    price. Per provider x financer (the lines' run is its own reference, so the cap of
    ``cap_share_of_reference`` is that share of the pair's claims value):

        capped   = sum of the pair's prices, exempt lines left out
        binds    = capped >= cap   for one unit more     (the next unit is above the cap)
                   capped >  cap   for one unit fewer    (the last unit was above the cap)
        marginal = above_cap_share * price_line   when binds and the line is not exempt
                 = price_line                      otherwise (also a pair without a cap)

    At a cap set at the reference's volume (share 1) an avoided unit loses its price and an
    extra unit earns only the share: the asymmetry of a cap met exactly."""
    price = line_price(lines, p)
    exempt = in_terminal_phase(lines, p.terminal_days if p.exempt_terminal else 0)
    pair = ibis.window(group_by=[lines.provider_id, lines.financer_id])
    capped = ibis.ifelse(exempt, 0, price).sum().over(pair)
    if p.caps_eur is None:
        assert p.cap_share_of_reference is not None
        cap = mul_share(lines.amount_cents.sum().over(pair), p.cap_share_of_reference)
    else:
        caps = [
            (
                (lines.provider_id == prov) & (lines.financer_id == fin),
                euros_to_cents(eur, f"caps_eur.{prov}.{fin}"),
            )
            for prov, by_fin in sorted(p.caps_eur.items())
            for fin, eur in sorted(by_fin.items())
        ]
        cap = ibis.cases(*caps, else_=ibis.null("int64")) if caps else ibis.null("int64")
    binds = (capped >= cap) if m.direction > 0 else (capped > cap)
    binds = binds.fill_null(False) & ~exempt
    paid = ibis.ifelse(binds, mul_share(price, p.above_cap_share), price).cast("int64")
    return marginal_pay(lines, paid)


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    """The lines and the pairs' sums of all replicates of a batch in one query each; the caps
    per replicate (its pairs and its reference)."""
    part = pxq_lines(ctx, lines, contract_id, NAME)
    key = list(ctx.keys)
    pairs = (
        lines.group_by(*key, "provider_id", "financer_id", "financer_kind")
        .aggregate(claimed=lines.financer_cents.sum(), terminal=lines.t_financer_cents.sum())
        .order_by([*key, "provider_id", "financer_id"])
        .to_pyarrow()
        .to_pylist()
    )

    def caps(c: Ctx, r: int | None) -> Part:
        return _caps(c, contract_id, p, rows_of(pairs, r))

    part.extend(per_replicate(ctx, caps))
    return part


def _caps(ctx: Ctx, contract_id: str, p: Params, pairs: list[dict]) -> Part:
    """Per provider and financer pair the part above its cap, paid back."""
    part = Part()
    ref = {
        (r["provider_id"], r["financer_id"]): r["claims_cents"]
        for r in ctx.reference_claims(contract_id).to_pylist()
    }
    for pair in pairs:  # provider x financer pairs, not claim lines
        key = (pair["provider_id"], pair["financer_id"])
        if p.caps_eur is not None:
            cap_eur = p.caps_eur.get(key[0], {}).get(key[1])
            if cap_eur is None:
                continue
            cap = euros_to_cents(cap_eur, f"caps_eur.{key[0]}.{key[1]}")
        else:
            assert p.cap_share_of_reference is not None
            cap = round_cents(p.cap_share_of_reference * ref.get(key, 0))
        r = _revenue_cap(  # the pair's sums: credit lines may make a part negative
            int(pair["claimed"]),
            cap,
            p.above_cap_share,
            int(pair["terminal"]),
            p.exempt_terminal,
        )
        book(
            part,
            movement(
                contract_id=contract_id,
                model=NAME,
                reason="above_cap",
                payer=(key[0], "provider"),
                payee=(key[1], pair["financer_kind"]),
                amount_cents=r.unpaid_cents,
                year=ctx.year,
                basis=r.as_dict(),
            ),
        )
    return part


MODEL = Model(
    NAME,
    "base",
    Params,
    settle,
    __name__,
    Needs(patients=lambda p: p.terminal_days > 0, reference=True),
    marginal,
    calculator="revenue-cap",
    batched=True,
)
