"""Lump sum (aanneemsom) per institution, split over insurers on their actual market share,
with an optional corridor on the deviation of the realised PxQ value.

Formula (DESIGN section 6.4; seed 003 "Contractering": an aanneemsom at institution level,
settled with insurers on the actual market share):

    deviation  = actual_value - contract_value          (realised PxQ minus the contract's)
    settlement = corridor_share * (|deviation| - corridor * contract_value) * sign(deviation)
                 when a corridor is agreed and |deviation| exceeds it, else 0
    total      = amount + settlement
    part_i     = total split on actual shares (exactly: the parts add up to the total)

Settlement: per provider in scope, the amount is ``amounts_eur[provider]`` or
``share_of_reference`` x the provider's claims value in the reference run (the contract value);
the actual shares are each financer's share of the provider's claims value this year (the
reference's shares when the provider has no claims this year). The lines in scope are not paid
one by one (``in_scope`` in the reconciliation); each financer pays its part (``lump_sum``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import ibis
from pydantic import Field, model_validator

from passend.messages import Problem
from passend.settlement.frame import (
    Ctx,
    Margin,
    ModelParams,
    Part,
    book,
    marginal_pay,
    movement,
    mul_share,
    per_replicate,
    recon_from_sums,
    rows_of,
)
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents, round_cents, split_by_shares

NAME = "lump_sum"


@dataclass(frozen=True)
class LumpSumResult:
    amount_cents: int
    deviation_cents: int
    settlement_cents: int
    total_cents: int
    parts_cents: dict[Any, int] = field(default_factory=dict)
    """Insurer -> cents: a name in the calculator, (financer id, kind) in a settlement."""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def lump_sum(
    amount_cents: int,
    actual_shares: dict[Any, Decimal],
    contract_value_cents: int | None = None,
    actual_value_cents: int | None = None,
    corridor: Decimal | None = None,
    corridor_share: Decimal = Decimal(1),
) -> LumpSumResult:
    if amount_cents < 0:
        raise Problem("must_not_be_negative", option="amount")
    deviation = settlement = 0
    if corridor is not None:
        if contract_value_cents is None or actual_value_cents is None:
            raise Problem("corridor_needs_values")
        if corridor < 0 or not Decimal(0) <= corridor_share <= Decimal(1):
            raise Problem("corridor_range")
        deviation = actual_value_cents - contract_value_cents
        band = corridor * contract_value_cents
        if abs(deviation) > band:
            settlement = round_cents(corridor_share * (Decimal(abs(deviation)) - band))
            settlement *= 1 if deviation > 0 else -1
    total = amount_cents + settlement
    return LumpSumResult(
        amount_cents, deviation, settlement, total, split_by_shares(total, actual_shares)
    )


class Params(ModelParams):
    amounts_eur: dict[str, Decimal] | None = None
    """provider_id -> annual amount in euros."""
    share_of_reference: Decimal | None = Field(default=None, ge=0)
    corridor: Decimal | None = Field(default=None, ge=0)
    corridor_share: Decimal = Field(default=Decimal(1), ge=0, le=1)

    @model_validator(mode="after")
    def _one_amount(self) -> Params:
        if (self.amounts_eur is None) == (self.share_of_reference is None):
            raise Problem("one_of_two", a="amounts_eur", b="share_of_reference")
        return self


def _values(rows: list[dict]) -> dict[str, dict[tuple[str, str], int]]:
    out: dict[str, dict[tuple[str, str], int]] = {}
    for r in rows:  # provider x financer pairs
        out.setdefault(r["provider_id"], {})[(r["financer_id"], r["financer_kind"])] = int(
            r["claims_cents"]
        )
    return out


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """What one unit more or fewer pays its provider: nothing within the corridor (the amount
    is fixed), ``corridor_share`` x the line's claims value beyond it (the deviation is
    measured in claims value):

        marginal = 0                                  no corridor, or |deviation| <= band
                 = corridor_share * amount_line       |deviation| > band
    The lines' run is its own reference, so the deviation is 0: beyond the band only when the
    corridor is 0 (every unit settled at the share)."""
    beyond = p.corridor is not None and p.corridor == 0
    return marginal_pay(lines, mul_share(lines.amount_cents, p.corridor_share) if beyond else 0)


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    """The claims per provider x financer and the financers' kinds of all replicates of a
    batch in one query each (grouped by the ``replicate`` key too); the lump sums per
    replicate, from its own reference."""
    key = list(ctx.keys)
    part = Part()
    part.recon = recon_from_sums(ctx, contract_id, NAME, per_line=False)
    now = (
        lines.group_by(*key, "provider_id", "financer_id", "financer_kind")
        .aggregate(claims_cents=lines.claims_cents.sum())
        .to_pyarrow()
        .to_pylist()
    )
    kinds = lines.select(*key, "financer_id", "financer_kind").distinct().to_pyarrow().to_pylist()

    def sums(c: Ctx, r: int | None) -> Part:
        mine = {x["financer_id"]: x["financer_kind"] for x in rows_of(kinds, r)}
        return _lump_sums(c, contract_id, p, rows_of(now, r), mine)

    part.extend(per_replicate(ctx, sums))
    return part


def _lump_sums(
    ctx: Ctx, contract_id: str, p: Params, now_rows: list[dict], kinds: dict[str, str]
) -> Part:
    """Per provider its lump sum, split over the financers (``lump_sum``)."""
    part = Part()
    now = _values(now_rows)
    ref_rows = ctx.reference_claims(contract_id).to_pylist()
    for r in ref_rows:
        r["financer_kind"] = kinds.get(r["financer_id"], "health_insurer")
    ref = _values(ref_rows)
    providers = sorted(set(now) | set(ref) if p.amounts_eur is None else set(p.amounts_eur))
    for prov in providers:
        contract_value = sum(ref.get(prov, {}).values())
        actual_value = sum(now.get(prov, {}).values())
        if p.amounts_eur is not None:
            amount = euros_to_cents(p.amounts_eur[prov], f"amounts_eur.{prov}")
        else:
            assert p.share_of_reference is not None
            # a provider whose reference claims net to a credit gets no lump sum
            amount = max(0, round_cents(p.share_of_reference * contract_value))
        shares_from = now.get(prov) if actual_value > 0 else ref.get(prov)
        if not shares_from or amount == 0:
            continue
        shares = {(fid, kind): Decimal(v) for (fid, kind), v in shares_from.items() if v > 0}
        r = lump_sum(
            amount,
            shares,
            contract_value if p.corridor is not None else None,
            actual_value if p.corridor is not None else None,
            p.corridor,
            p.corridor_share,
        )
        # the basis names each insurer's part as "financer id|kind", as it always has
        parts = {f"{fid}|{kind}": c for (fid, kind), c in r.parts_cents.items()}
        basis = {**r.as_dict(), "parts_cents": parts, "provider_id": prov}
        for (fid, kind), part_cents in sorted(r.parts_cents.items()):
            book(
                part,
                movement(
                    contract_id=contract_id,
                    model=NAME,
                    reason="lump_sum",
                    payer=(fid, kind),
                    payee=(prov, "provider"),
                    amount_cents=part_cents,
                    year=ctx.year,
                    basis={**basis, "financer_id": fid},
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
    calculator="lump-sum",
    batched=True,
)
