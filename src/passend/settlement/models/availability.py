"""Availability payment (beschikbaarheidsbekostiging): a fixed budget for a function (a 24/7
consultation team, acute-care readiness), independent of volume, split over the financers.

Formula (DESIGN section 6.9; seed 003, long term: availability payment for acute care and the
'brandweerfunctie'):

    part_f = budget * share_f / sum(shares)     split exactly: the parts add up to the budget
                                                (largest remainders get the odd cents)

Settlement (a budget of the contract set, not tied to claim lines): ``amount_eur`` to the
``payee`` (a provider id, or the first provider of ``payee_kind``), split over ``shares`` of
financers, by default the health insurers on their share of the region's insured
(``availability``). The current subsidy route is the same movement with the government as the
only payer (``subsidy``).

Grants (``apply_grant``): a catalogue route with a ``grant`` pays every provider of its payee
kind a yearly amount without a claim or a contract, in every contract set, in the years the
route is valid; e.g. the PZNL consultation subsidy of VWS to the consultation teams until the
end of 2026 (seed 000 theme 3). Booked with model ``subsidy``, the route id as contract id:

    part_p = round(amount(year) * scale)        for every provider p of the payee kind
                                                (scale: the population's, as the team costs)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ibis
from pydantic import BaseModel, ConfigDict, Field, field_validator

from passend.catalogue.schema import Route
from passend.messages import Problem
from passend.settlement.frame import (
    Ctx,
    Margin,
    Part,
    PrincipalParams,
    book,
    marginal_pay,
    movement,
    per_replicate,
    providers_of_kind,
)
from passend.settlement.models.protocol import Model
from passend.settlement.money import check_whole, euros_to_cents, round_cents, split_by_shares

NAME = "availability"
SUBSIDY = "subsidy"


def availability(budget_cents: int, shares: dict[str, Decimal]) -> dict[str, int]:
    if budget_cents < 0:
        raise Problem("must_not_be_negative", option="budget")
    return split_by_shares(budget_cents, shares)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    amount_eur: Decimal = Field(ge=0)
    payee: str | None = None
    payee_kind: str | None = None
    shares: dict[str, Decimal] | None = None
    """financer_id -> share; default: the health insurers' shares of the insured (those are
    normalised). Shares given here must add up to 1 (``money.check_whole``): 0.75 or 1.2 is a
    typing error, not a split to normalise silently."""

    @field_validator("shares")
    @classmethod
    def _whole(cls, shares: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        if shares is not None:
            if any(v < 0 for v in shares.values()):
                raise Problem("shares_negative")
            check_whole(shares, "shares")
        return shares


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """A budget is independent of volume: one unit more or fewer pays nothing."""
    return marginal_pay(lines, 0)


def insurer_shares(fins: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The availability payment's default payers: the health insurers by their shares of the
    insured (normalised by ``split_by_shares``)."""
    return {
        f["financer_id"]: Decimal(str(f["share"] or 0))
        for f in fins
        if f["financer_kind"] == "health_insurer"
    }


def government(fins: list[dict[str, Any]]) -> dict[str, Decimal]:
    """The subsidy's default payer: the ministry (VWS) alone."""
    return {"vws": Decimal(1)}


def apply_budget(
    ctx: Ctx,
    budget_id: str,
    model: str,
    p: Params,
    default_shares: Callable[[list[dict[str, Any]]], dict[str, Decimal]],
) -> Part:
    """The budget split over its payers: the contract's ``shares``, else ``default_shares`` of
    the run's financers (the model's own default payers)."""
    payee = PrincipalParams(principal=p.payee, principal_kind=p.payee_kind).principal_id(
        ctx, budget_id
    )
    fins = ctx.financers.to_pylist() if ctx.financers is not None else []  # a few dozen rows
    kinds = {f["financer_id"]: f["financer_kind"] for f in fins}
    kinds.setdefault("vws", "government")
    shares = p.shares if p.shares is not None else default_shares(fins)
    unknown = sorted(set(shares) - set(kinds))
    if unknown:
        raise Problem("unknown_financers", id=budget_id, names=list(unknown))
    budget = euros_to_cents(p.amount_eur, f"{budget_id}.amount_eur")
    part = Part()
    for fid, cents in sorted(availability(budget, shares).items()):
        book(
            part,
            movement(
                contract_id=budget_id,
                model=model,
                reason=model,
                payer=(fid, kinds[fid]),
                payee=(payee, "provider"),
                amount_cents=cents,
                year=ctx.year,
                basis={"budget_cents": budget, "shares": {k: str(v) for k, v in shares.items()}},
            ),
        )
    return part


def apply_grant(ctx: Ctx, route: Route) -> Part:
    """The route's grant for the settlement's year to every provider of its payee kind."""
    part = Part()
    amount = route.grant_amount(ctx.year)
    if amount is None or route.grant is None or ctx.providers is None:
        return part
    fins = ctx.financers.to_pylist() if ctx.financers is not None else []  # a few dozen rows
    payers = sorted(f["financer_id"] for f in fins if f["financer_kind"] == route.financer_kind)
    payer = payers[0] if payers else "vws"
    cents = round_cents(Decimal(amount.cents or 0) * Decimal(repr(ctx.scale)))
    basis = {"route": route.id, "year": ctx.year, "cents_per_provider": amount.cents}
    basis |= {"scale": repr(ctx.scale), "placeholder": amount.placeholder}
    for pid in providers_of_kind(ctx.providers, route.grant.payee_kind):
        book(
            part,
            movement(
                contract_id=route.id,
                model="subsidy",
                reason="subsidy",
                payer=(payer, route.financer_kind),
                payee=(pid, "provider"),
                amount_cents=cents,
                year=ctx.year,
                basis=basis,
            ),
        )
    return part


def settle_availability(ctx: Ctx, budget_id: str, p: Params) -> Part:
    """Per replicate of a batch (its payee and financers: a few rows, no query)."""
    return per_replicate(ctx, lambda c, r: apply_budget(c, budget_id, NAME, p, insurer_shares))


def settle_subsidy(ctx: Ctx, budget_id: str, p: Params) -> Part:
    """Per replicate of a batch, as ``settle_availability``."""
    return per_replicate(ctx, lambda c, r: apply_budget(c, budget_id, SUBSIDY, p, government))


MODEL = Model(
    NAME,
    "budget",
    Params,
    settle_availability,
    __name__,
    marginal=marginal,
    calculator=NAME,
    batched=True,
)
SUBSIDY_MODEL = Model(
    SUBSIDY,
    "budget",
    Params,
    settle_subsidy,
    __name__,
    marginal=marginal,
    calculator=NAME,
    contract=False,  # a subsidy is no contract: it may reach a network (seed 000 theme 7)
    batched=True,
)
MODELS = (MODEL, SUBSIDY_MODEL)
