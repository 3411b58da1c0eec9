"""Population-based payment (populatiebekostiging, capitation): an amount per inhabitant per
year by age band and sex, for a scope of care in a region, with an optional quality bonus.

Formula (DESIGN section 6.6; seed 001 table 1; seed 003, long term: population payment with a
quality bonus for chronic care):

    payment = sum over bands of rate_b * inhabitants_b
    bonus   = bonus_rate * quality_score * payment

Settlement: the inhabitants are the population's region (regions data, times the population's
scale); each insurer pays for its members (inhabitants x its share of the region's insured,
the financers table) the rate per inhabitant to the principal (``capitation``), split over
``bands`` of age and sex when given (each band a share of the inhabitants). The principal pays
the other providers their lines in scope at the contract's price (``subcontract``) and keeps
the rest. The rate is ``rate_eur`` or ``rate_factor_of_reference`` x the scope's claims value
in the reference run per inhabitant. A quality bonus is the pay-for-performance add-on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

import ibis
from pydantic import BaseModel, ConfigDict, Field, model_validator

from passend.messages import Problem
from passend.settlement.frame import (
    Ctx,
    Margin,
    Part,
    PrincipalParams,
    book,
    movement,
    per_replicate,
    recon_from_sums,
    subcontracted,
    subcontracts,
)
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents, round_cents, split_by_shares

NAME = "population"


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
        raise Problem("same_bands")
    if any(v < 0 for v in (*rates_cents.values(), *inhabitants.values())):
        raise Problem("capitation_negative")
    if not (Decimal(0) <= bonus_rate <= Decimal(1) and Decimal(0) <= quality_score <= Decimal(1)):
        raise Problem("bonus_quality_range")
    payment = sum(rates_cents[b] * inhabitants[b] for b in rates_cents)
    bonus = round_cents(bonus_rate * quality_score * payment)
    return PopulationResult(sum(inhabitants.values()), payment, bonus, payment + bonus)


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    band: str
    """E.g. '0-64 female'."""
    share: Decimal = Field(ge=0, le=1)
    """Share of the inhabitants in the band."""
    rate_eur: Decimal = Field(ge=0)


class Params(PrincipalParams):
    rate_eur: Decimal | None = Field(default=None, ge=0)
    rate_factor_of_reference: Decimal | None = Field(default=None, ge=0)
    bands: list[Band] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rates(self) -> Params:
        given = sum(x is not None for x in (self.rate_eur, self.rate_factor_of_reference))
        if self.bands:
            if given or abs(sum(b.share for b in self.bands) - 1) > Decimal("0.000001"):
                raise Problem("bands_alone")
        elif given != 1:
            raise Problem("one_of_these", names=["rate_eur", "rate_factor_of_reference", "bands"])
        return self


def _members(ctx: Ctx, contract_id: str) -> dict[tuple[str, str], int]:
    if ctx.inhabitants is None or ctx.financers is None:
        raise Problem("capitation_population", id=contract_id)
    fin = ctx.financers.to_pylist()  # the financers table: a few dozen rows
    shares = {
        (f["financer_id"], f["financer_kind"]): Decimal(str(f["share"] or 0))
        for f in fin
        if f["financer_kind"] == "health_insurer"
    }
    return split_by_shares(ctx.inhabitants, shares)


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """What one unit more or fewer pays: the principal's own lines nothing (the amount per inhabitant is
    fixed: the principal keeps the result), another provider's lines their price, which the
    principal pays them (``subcontract``) and so loses:

        to_provider  = 0                      the principal's own line
                     = price_line             a subcontractor's line
        to_principal = -price_line            a subcontractor's line (one subcontract more)
    So the consortium as a whole (principal and subcontractors) gains nothing from a unit
    more and loses nothing by one fewer: the principal keeps what a subcontractor loses.
    The quality bonus is the pay-for-performance add-on, which acts on totals and is left
    out."""
    return subcontracted(lines, p, m)


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    """The subcontracts of all replicates of a batch in one query; the capitation per
    replicate (``per_replicate``: a few rows per insurer)."""
    principal = p.principal_of(ctx, contract_id)
    rows, adjs = subcontracts(lines, contract_id, NAME, principal, ctx.year)
    part = Part(ledger=[rows], adjustments=adjs)
    part.recon = recon_from_sums(ctx, contract_id, NAME, per_line=False)
    part.extend(per_replicate(ctx, lambda c, _: _capitation(c, contract_id, p)))
    return part


def _capitation(ctx: Ctx, contract_id: str, p: Params) -> Part:
    """Each insurer pays the principal the rate per inhabitant for its members."""
    principal = p.principal_id(ctx, contract_id)
    members = _members(ctx, contract_id)
    part = Part()
    if p.bands:
        rates = {b.band: euros_to_cents(b.rate_eur, f"bands.{b.band}.rate_eur") for b in p.bands}
        band_shares = {b.band: b.share for b in p.bands}
    else:
        if p.rate_eur is not None:
            rate = euros_to_cents(p.rate_eur, "rate_eur")
        else:
            assert p.rate_factor_of_reference is not None
            ref = sum(int(r["claims_cents"]) for r in ctx.reference_claims(contract_id).to_pylist())
            inhabitants = ctx.inhabitants or 0
            rate = round_cents(p.rate_factor_of_reference * ref / inhabitants) if inhabitants else 0
        rates, band_shares = {"all": rate}, {"all": Decimal(1)}
    for (ins, kind), n in sorted(members.items()):
        if n == 0:
            continue
        per_band = split_by_shares(n, band_shares)
        r = population(rates, per_band)
        book(
            part,
            movement(
                contract_id=contract_id,
                model=NAME,
                reason="capitation",
                payer=(ins, kind),
                payee=(principal, "provider"),
                amount_cents=r.total_cents,
                year=ctx.year,
                basis={**r.as_dict(), "rates_cents": rates, "inhabitants": per_band},
            ),
        )
    return part


MODEL = Model(
    NAME,
    "base",
    Params,
    settle,
    __name__,
    Needs(reference=True),
    marginal,
    calculator="capitation",
    batched=True,
)
