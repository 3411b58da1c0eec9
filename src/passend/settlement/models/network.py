"""Network payment (netwerkbekostiging): one product for a patient, paid to the network's
coordinator and split over the providers that contributed, by contribution, plus a
coordination fee.

Formula (DESIGN section 6.10; seed 003, "netwerkbekostiging": one DBC shared by the providers
that delivered the care):

    product_p      = product_price                     (or, when not given, the patient's lines
                                                         in scope at the contract's price)
    share_p,i      = product_p * w_p,i / sum_i w_p,i     w = provider i's lines at the price
                     (rounded down; the cents left go to the largest remainders, ties by id)
    financer pays  = product_p + coordination_fee       per patient, to the coordinator
    coordinator pays every other provider its share_p,i and keeps its own share and the fee

Ledger reasons: ``network_product``, ``coordination_fee`` (financer to coordinator) and
``network_share`` (coordinator to provider).
"""

from __future__ import annotations

from decimal import Decimal

import ibis
from pydantic import Field

from passend import db
from passend.settlement.frame import (
    Ctx,
    Part,
    PrincipalParams,
    adjustment,
    ledger_rows,
    per_patient,
    recon_from_sums,
)
from passend.settlement.money import euros_to_cents

NAME = "network"


class Params(PrincipalParams):
    product_price_eur: Decimal | None = Field(default=None, ge=0)
    coordination_fee_eur: Decimal = Field(default=Decimal(0), ge=0)


def split_contributions(lines: ibis.Table, product: ibis.Table) -> ibis.Table:
    """Per patient and provider: the patient's ``product`` split by the providers' price
    weights, exactly (largest remainder)."""
    t = lines.filter(lines.patient_id.notnull())
    w = t.group_by("patient_id", "provider_id").aggregate(w=ibis.greatest(t.price_cents.sum(), 0))
    tot = w.group_by("patient_id").aggregate(big_w=w.w.sum())
    j = w.inner_join(tot, "patient_id").inner_join(product, "patient_id")
    j = j.filter(j.big_w > 0)
    j = j.mutate(base=db.floor_div(j.product * j.w, j.big_w), frac=(j.product * j.w) % j.big_w)
    left = j.group_by("patient_id").aggregate(left=(j.product.max() - j.base.sum()))
    j = j.inner_join(left, "patient_id")
    rank = ibis.row_number().over(
        ibis.window(group_by=j.patient_id, order_by=[ibis.desc(j.frac), j.provider_id])
    )
    return j.select(
        "patient_id",
        "provider_id",
        share=(j.base + ibis.ifelse(rank < j.left, 1, 0)).cast("int64"),
    )


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    coordinator = p.principal_id(ctx, contract_id)
    pp = per_patient(lines)
    fee = euros_to_cents(p.coordination_fee_eur, "coordination_fee_eur")
    if p.product_price_eur is not None:
        price = ibis.literal(euros_to_cents(p.product_price_eur, "product_price_eur"), "int64")
    else:
        price = ibis.greatest(pp.price_cents, 0)
    pp = pp.mutate(product=price.cast("int64"), fee=ibis.literal(fee, "int64"))
    common = dict(
        contract_id=contract_id,
        model=NAME,
        payer_id=pp.payer_id,
        payer_kind=pp.payer_kind,
        payee_id=ibis.literal(coordinator),
        payee_kind=ibis.literal("provider"),
        patient_id=pp.patient_id,
        year=ctx.year,
    )
    part = Part()
    part.ledger.append(ledger_rows(pp, reason="network_product", amount=pp.product, **common))
    part.ledger.append(ledger_rows(pp, reason="coordination_fee", amount=pp.fee, **common))
    shares = split_contributions(lines, pp.select("patient_id", "product"))
    others = shares.filter(shares.provider_id != coordinator)
    part.ledger.append(
        ledger_rows(
            others,
            contract_id=contract_id,
            model=NAME,
            reason="network_share",
            payer_id=ibis.literal(coordinator),
            payer_kind=ibis.literal("provider"),
            payee_id=others.provider_id,
            payee_kind=ibis.literal("provider"),
            patient_id=others.patient_id,
            amount=others.share,
            year=ctx.year,
        )
    )
    shared = others.share.sum().name("s").as_table().to_pyarrow()["s"][0].as_py() or 0
    part.adjustments.append(
        adjustment(contract_id, NAME, "network_share", coordinator, "*", int(shared), {})
    )
    totals = (
        pp.aggregate(n=pp.patient_id.count(), product=pp.product.sum()).to_pyarrow().to_pylist()[0]
    )
    n, product_total = int(totals["n"] or 0), int(totals["product"] or 0)
    basis = {"patients": n, "product_cents": product_total, "fee_cents": fee}
    part.adjustments.append(
        adjustment(contract_id, NAME, "network_product", "*", coordinator, product_total, basis)
    )
    part.adjustments.append(
        adjustment(contract_id, NAME, "coordination_fee", "*", coordinator, n * fee, basis)
    )
    part.recon = recon_from_sums(ctx, contract_id, NAME, per_line=False)
    return part
