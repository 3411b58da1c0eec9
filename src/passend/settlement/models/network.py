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
    REPLICATE,
    Ctx,
    Margin,
    Part,
    PrincipalParams,
    adjustment,
    by_replicate,
    ledger_rows,
    line_price,
    marginal_pay,
    per_patient,
    per_replicate,
    recon_from_sums,
)
from passend.settlement.models.protocol import Model
from passend.settlement.money import euros_to_cents

NAME = "network"


class Params(PrincipalParams):
    product_price_eur: Decimal | None = Field(default=None, ge=0)
    coordination_fee_eur: Decimal = Field(default=Decimal(0), ge=0)


def split_contributions(lines: ibis.Table, product: ibis.Table) -> ibis.Table:
    """Per patient and provider: the patient's ``product`` split by the providers' price
    weights, exactly (largest remainder); per replicate too in a batch (its key beside the
    patient)."""
    t = lines.filter(lines.patient_id.notnull())
    pat = [REPLICATE, "patient_id"] if REPLICATE in lines.columns else ["patient_id"]
    w = t.group_by(*pat, "provider_id").aggregate(w=ibis.greatest(t.price_cents.sum(), 0))
    tot = w.group_by(*pat).aggregate(big_w=w.w.sum())
    j = w.inner_join(tot, pat).inner_join(product, pat)
    j = j.filter(j.big_w > 0)
    j = j.mutate(base=db.floor_div(j.product * j.w, j.big_w), frac=(j.product * j.w) % j.big_w)
    left = j.group_by(*pat).aggregate(left=(j.product.max() - j.base.sum()))
    j = j.inner_join(left, pat)
    rank = ibis.row_number().over(
        ibis.window(group_by=[j[k] for k in pat], order_by=[ibis.desc(j.frac), j.provider_id])
    )
    return j.select(
        *pat,
        "provider_id",
        share=(j.base + ibis.ifelse(rank < j.left, 1, 0)).cast("int64"),
    )


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """What one line more or fewer (direction d) pays, from the split's formula with the
    line's price c added to its provider's weight (per patient; w_i the provider's weight,
    W the patient's total, w_c the coordinator's):

        without product_price: product = W, so share_i = w_i: every provider, the coordinator
                               too, gets the line's price (to_principal 0)
        with product_price P:  to_provider  = P * ((w_i + d c) / (W + d c) - w_i / W) / d
                               to_principal = P * (w_c / (W + d c) - w_c / W) / d
                                              (the coordinator's share, for another's line)
    Rounded half away from zero per line. The coordination fee is per patient (0 at the
    margin); non-patient-bound lines are not paid by the product (0). The cents the largest
    remainders move are left out."""
    price = line_price(lines, p)
    bound = lines.patient_id.notnull()
    if p.product_price_eur is None:
        return marginal_pay(lines, ibis.ifelse(bound, price, 0))
    product = euros_to_cents(p.product_price_eur, "product_price_eur")
    t = lines.mutate(_price=price)
    b = t.filter(t.patient_id.notnull())
    w = b.group_by(w_patient=b.patient_id, w_provider=b.provider_id).aggregate(
        w=ibis.greatest(b._price.sum(), 0)
    )
    return _share_change(t, w, product, m)


def _share_change(t: ibis.Table, w: ibis.Table, product: int, m: Margin) -> ibis.Table:
    """``marginal`` with a fixed product: the change in the shares, per line."""
    tot = w.group_by(s_patient="w_patient").aggregate(
        big_w=w.w.sum(),
        w_c=ibis.ifelse(w.w_provider == m.principal, w.w, 0).sum(),
    )
    j = t.left_join(w, (t.patient_id == w.w_patient) & (t.provider_id == w.w_provider))
    j = j.left_join(tot, j.patient_id == tot.s_patient)
    d = m.direction
    wi, big_w, w_c = j.w.fill_null(0), j.big_w.fill_null(0), j.w_c.fill_null(0)
    dc = (j._price * d).cast("float64")
    new_w = big_w + dc

    def share(num: ibis.Value, den: ibis.Value) -> ibis.Value:
        return ibis.ifelse(den > 0, num.cast("float64") * product / den, 0.0)

    to_provider = (share(ibis.greatest(wi + dc, 0), new_w) - share(wi, big_w)) / d
    to_principal = (share(w_c, new_w) - share(w_c, big_w)) / d
    own = j.provider_id == m.principal
    bound = j.patient_id.notnull()
    out = marginal_pay(
        j,
        ibis.ifelse(bound, _round(to_provider), 0),
        ibis.ifelse(bound & ~own, _round(to_principal), 0),
    )
    return out.drop("_price", "w_patient", "w_provider", "w", "s_patient", "big_w", "w_c")


def _round(x: ibis.Value) -> ibis.Value:
    """Half away from zero to the cent."""
    return ibis.ifelse(x < 0, -((-x + 0.5).floor()), (x + 0.5).floor())


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    """The per-patient products, the shares and the totals of all replicates of a batch in
    one query each (grouped and joined by the ``replicate`` key too; the coordinator per
    replicate)."""
    key = list(ctx.keys)
    coordinator = p.principal_of(ctx, contract_id)
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
        payee_id=by_replicate(pp, coordinator),
        payee_kind=ibis.literal("provider"),
        patient_id=pp.patient_id,
        year=ctx.year,
    )
    part = Part()
    part.ledger.append(ledger_rows(pp, reason="network_product", amount=pp.product, **common))
    part.ledger.append(ledger_rows(pp, reason="coordination_fee", amount=pp.fee, **common))
    shares = split_contributions(lines, pp.select(*key, "patient_id", "product"))
    others = shares.filter(shares.provider_id != by_replicate(shares, coordinator))
    part.ledger.append(
        ledger_rows(
            others,
            contract_id=contract_id,
            model=NAME,
            reason="network_share",
            payer_id=by_replicate(others, coordinator),
            payer_kind=ibis.literal("provider"),
            payee_id=others.provider_id,
            payee_kind=ibis.literal("provider"),
            patient_id=others.patient_id,
            amount=others.share,
            year=ctx.year,
        )
    )
    shared = _by_key(others.aggregate(shared=others.share.sum(), by=key), key)
    totals = _by_key(pp.aggregate(n=pp.patient_id.count(), product=pp.product.sum(), by=key), key)

    def records(c: Ctx, r: int | None) -> Part:
        who = coordinator if isinstance(coordinator, str) or r is None else coordinator[r]
        return _records(contract_id, who, fee, shared.get(r, {}), totals.get(r, {}))

    part.extend(per_replicate(ctx, records))
    part.recon = recon_from_sums(ctx, contract_id, NAME, per_line=False)
    return part


def _by_key(t: ibis.Table, key: list[str]) -> dict[int | None, dict]:
    """The rows of a small aggregate by replicate (None: one replicate alone)."""
    return {x.get(REPLICATE) if key else None: x for x in t.to_pyarrow().to_pylist()}


def _records(contract_id: str, coordinator: str, fee: int, shared: dict, totals: dict) -> Part:
    """The adjustments records of the network's ledger rows: the shares paid on, the products
    and the fees."""
    part = Part()
    part.adjustments.append(
        adjustment(
            contract_id, NAME, "network_share", coordinator, "*", int(shared.get("shared") or 0), {}
        )
    )
    n, product_total = int(totals.get("n") or 0), int(totals.get("product") or 0)
    basis = {"patients": n, "product_cents": product_total, "fee_cents": fee}
    part.adjustments.append(
        adjustment(contract_id, NAME, "network_product", "*", coordinator, product_total, basis)
    )
    part.adjustments.append(
        adjustment(contract_id, NAME, "coordination_fee", "*", coordinator, n * fee, basis)
    )
    return part


MODEL = Model(NAME, "base", Params, settle, __name__, marginal=marginal, batched=True)
