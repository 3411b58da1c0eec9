"""Shared savings (add-on on a base model): the provider shares in savings against a benchmark,
and in the two-sided variant pays back part of a loss.

Formula (DESIGN section 6.7; seed 001 table 1 "shared savings"; the US Medicare Shared
Savings Program is the best-documented instance):

    S = B - A                                   savings: benchmark minus actual spending
    earned = min(sharing_rate * quality_score * S, savings_cap * B) * payment_factor
             when S >= MSR * B (minimum savings rate), else 0
    owed   = min(loss_sharing_rate * (-S), loss_cap * B) * loss_factor
             when -S >= MLR * B (minimum loss rate) and the contract is two-sided, else 0

Each amount is rounded half away from zero to the cent once, at the end. The payment
adjustment factor applies only to money paid *to* the provider, as the MSSP's sequestration
cut applies only to shared-savings payments; an owed loss is paid in full unless a separate
``loss_factor`` says otherwise (both 1 = no adjustment).

Settlement (add-on): A is the net money the contract's base model paid from financers to
providers (its ledger); B is ``benchmark_eur`` or ``benchmark_factor`` x the same spend in the
reference run (the baseline; without a reference the run is its own and S = 0 at factor 1).
The earned amount is paid by the financers in proportion to their spend to the providers in
proportion to theirs, or all to ``payee`` (``shared_savings``); an owed amount flows back
(``shared_loss``).

Incentives (``passend simulate``): an add-on acts on the contract's totals (S against B), not
per unit, so it has no marginal payment of one unit more or fewer and is left out of the
incentive view; the base model answers for the unit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from passend.messages import Problem
from passend.settlement.frame import Ctx, Part, book_spread, only, per_replicate
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents, round_cents

NAME = "shared_savings"


@dataclass(frozen=True)
class SharedSavingsResult:
    benchmark_cents: int
    actual_cents: int
    savings_cents: int
    """B - A; negative is a loss."""
    threshold_cents: int
    """MSR * B for savings, MLR * B for losses (rounded, for display)."""
    earned_cents: int
    """Paid to the provider."""
    owed_cents: int
    """Paid back by the provider."""
    capped: bool
    outcome: str
    """'shared_savings', 'below_msr', 'shared_loss', 'within_mlr' or 'one_sided_loss'."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def shared_savings(
    benchmark_cents: int,
    actual_cents: int,
    msr: Decimal,
    mlr: Decimal,
    sharing_rate: Decimal,
    loss_sharing_rate: Decimal,
    quality_score: Decimal,
    savings_cap: Decimal,
    loss_cap: Decimal,
    payment_factor: Decimal = Decimal(1),
    two_sided: bool = True,
    loss_factor: Decimal = Decimal(1),
) -> SharedSavingsResult:
    for name, v in (
        ("msr", msr),
        ("mlr", mlr),
        ("sharing_rate", sharing_rate),
        ("loss_sharing_rate", loss_sharing_rate),
        ("quality_score", quality_score),
        ("savings_cap", savings_cap),
        ("loss_cap", loss_cap),
    ):
        if not Decimal(0) <= v <= Decimal(1):
            raise Problem("between_0_1_not", name=name, v=v)
    if payment_factor < 0 or loss_factor < 0:
        raise Problem("factors_negative")
    if benchmark_cents <= 0:
        raise Problem("must_be_positive", name="benchmark")
    if actual_cents < 0:
        raise Problem("must_not_be_negative", option="actual")
    b, a = Decimal(benchmark_cents), Decimal(actual_cents)
    s = b - a
    earned = owed = Decimal(0)
    capped = False
    if s >= 0:
        threshold = msr * b
        if s >= threshold and s > 0:
            share = sharing_rate * quality_score * s
            cap = savings_cap * b
            capped = share > cap
            earned = min(share, cap) * payment_factor
            outcome = "shared_savings"
        else:
            outcome = "below_msr"
    else:
        threshold = mlr * b
        if not two_sided:
            outcome = "one_sided_loss"
        elif -s >= threshold:
            share = loss_sharing_rate * (-s)
            cap = loss_cap * b
            capped = share > cap
            owed = min(share, cap) * loss_factor
            outcome = "shared_loss"
        else:
            outcome = "within_mlr"
    return SharedSavingsResult(
        benchmark_cents=benchmark_cents,
        actual_cents=actual_cents,
        savings_cents=benchmark_cents - actual_cents,
        threshold_cents=round_cents(threshold),
        earned_cents=round_cents(earned),
        owed_cents=round_cents(owed),
        capped=capped,
        outcome=outcome,
    )


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    benchmark_eur: Decimal | None = Field(default=None, ge=0)
    benchmark_factor: Decimal = Field(default=Decimal(1), ge=0)
    msr: Decimal = Field(ge=0, le=1)
    mlr: Decimal = Field(default=Decimal(0), ge=0, le=1)
    sharing_rate: Decimal = Field(ge=0, le=1)
    loss_sharing_rate: Decimal = Field(default=Decimal(0), ge=0, le=1)
    quality_score: Decimal = Field(default=Decimal(1), ge=0, le=1)
    savings_cap: Decimal = Field(ge=0, le=1)
    loss_cap: Decimal = Field(default=Decimal(0), ge=0, le=1)
    payment_factor: Decimal = Field(default=Decimal(1), ge=0)
    """Scales the earned savings paid to the provider (1 = none)."""
    loss_factor: Decimal = Field(default=Decimal(1), ge=0)
    """Scales an owed loss (1 = the loss share in full)."""
    two_sided: bool = False
    payee: str | None = None


def apply(ctx: Ctx, contract_id: str, p: Params, spend: pa.Table, lines: object = None) -> Part:
    """``lines``: not needed (``Needs.lines`` off): the savings are of the spend's totals, per
    replicate of a batch (its spend and its reference's)."""

    def one(c: Ctx, r: int | None) -> Part:
        return _apply(c, contract_id, p, spend if r is None else only(spend, r))

    return per_replicate(ctx, one)


def _apply(ctx: Ctx, contract_id: str, p: Params, spend: pa.Table) -> Part:
    actual = sum(int(x) for x in spend["spend_cents"].to_pylist())
    if p.benchmark_eur is not None:
        benchmark = euros_to_cents(p.benchmark_eur, "benchmark_eur")
    else:
        ref = ctx.reference_spend(contract_id, spend)
        if ref.num_rows == 0 and ctx.spend_reference is not None:
            raise Problem("no_reference_spend", id=contract_id)
        benchmark = round_cents(
            p.benchmark_factor * sum(int(x) for x in ref["spend_cents"].to_pylist())
        )
    if benchmark <= 0:  # no spending to compare with: S <= 0 and the loss cap is 0
        return Part()
    r = shared_savings(
        benchmark,
        actual,
        p.msr,
        p.mlr,
        p.sharing_rate,
        p.loss_sharing_rate,
        p.quality_score,
        p.savings_cap,
        p.loss_cap,
        p.payment_factor,
        p.two_sided,
        p.loss_factor,
    )
    part = Part()
    for reason, cents, to_provider in (
        ("shared_savings", r.earned_cents, True),
        ("shared_loss", r.owed_cents, False),
    ):
        book_spread(
            part,
            contract_id=contract_id,
            model=NAME,
            reason=reason,
            cents=cents,
            spend=spend,
            payee=p.payee,
            to_provider=to_provider,
            year=ctx.year,
            basis=r.as_dict(),
        )
    return part


MODEL = Model(
    NAME,
    "addon",
    Params,
    apply,
    __name__,
    Needs(reference=True),
    calculator="shared-savings",
    batched=True,
)
