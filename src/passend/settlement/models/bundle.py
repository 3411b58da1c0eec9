"""Bundled payment (bundelbekostiging): one price per patient for a package of care over an
episode, paid to a principal contractor (hoofdaannemer); the consortium keeps the result,
within an optional risk corridor, with an optional outlier carve-out.

Formula (DESIGN section 6.5; seed 000 theme 8; seed 001 table 1):

    payment    = sum over classes of price_c * patients_c
    in_bundle  = actual - outlier_costs          (outliers are paid outside the bundle, PxQ)
    result     = payment - in_bundle             (positive: the consortium saved)
    settlement = corridor_share * (|result| - corridor * payment) * sign(result)
                 when |result| > corridor * payment, else 0
                 (positive: the consortium pays back; negative: the financer pays extra)
    consortium result = result - settlement
    financer pays     = payment - settlement + outlier_costs

Settlement: the risk class of a patient is the trajectory (cancer, organ failure, frailty and
dementia, other). Each patient's insurer pays the principal the price of the class
(``bundle``), and the part of the patient's claims above ``outlier_threshold_eur``
(``bundle_outlier``); the principal pays the other providers their lines at the contract's
price (``subcontract``) and keeps the rest; the corridor is settled per insurer
(``bundle_corridor``). Prices are ``prices_eur`` per class (``default`` for the others) or
``price_factor_of_reference`` x the class's average claims per patient in the reference run.
The episode (e.g. palliative marking to death plus bereavement care) is the contract's scope.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

import ibis
import pyarrow as pa
from pydantic import Field, model_validator

from passend import db
from passend.messages import Problem
from passend.settlement.frame import (
    REPLICATE,
    Ctx,
    Margin,
    Part,
    PrincipalParams,
    adjustment,
    book,
    by_replicate,
    ledger_rows,
    movement,
    per_patient,
    per_replicate,
    recon_from_sums,
    rows_of,
    subcontracted,
    subcontracts,
)
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents, round_cents

NAME = "bundle"


@dataclass(frozen=True)
class BundleResult:
    payment_cents: int
    actual_cents: int
    outlier_cents: int
    result_cents: int
    settlement_cents: int
    consortium_result_cents: int
    financer_pays_cents: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def bundle(
    prices_cents: dict[str, int],
    patients: dict[str, int],
    actual_cents: int,
    corridor: Decimal | None = None,
    corridor_share: Decimal = Decimal(1),
    outlier_cents: int = 0,
) -> BundleResult:
    if set(prices_cents) != set(patients):
        raise Problem("same_classes")
    if any(
        v < 0 for v in (*prices_cents.values(), *patients.values(), actual_cents, outlier_cents)
    ):
        raise Problem("bundle_negative")
    if outlier_cents > actual_cents:
        raise Problem("outliers_in_actual")
    if (corridor is not None and corridor < 0) or not Decimal(0) <= corridor_share <= Decimal(1):
        raise Problem("corridor_range")
    payment = sum(prices_cents[c] * patients[c] for c in prices_cents)
    result = payment - (actual_cents - outlier_cents)
    settlement = 0
    if corridor is not None:
        band = corridor * payment
        if abs(result) > band:
            excess = Decimal(abs(result)) - band
            settlement = round_cents(corridor_share * excess) * (1 if result > 0 else -1)
    return BundleResult(
        payment_cents=payment,
        actual_cents=actual_cents,
        outlier_cents=outlier_cents,
        result_cents=result,
        settlement_cents=settlement,
        consortium_result_cents=result - settlement,
        financer_pays_cents=payment - settlement + outlier_cents,
    )


class Params(PrincipalParams):
    prices_eur: dict[str, Decimal] | None = None
    price_factor_of_reference: Decimal | None = Field(default=None, ge=0)
    corridor: Decimal | None = Field(default=None, ge=0)
    corridor_share: Decimal = Field(default=Decimal(1), ge=0, le=1)
    outlier_threshold_eur: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_price(self) -> Params:
        if (self.prices_eur is None) == (self.price_factor_of_reference is None):
            raise Problem("one_of_two", a="prices_eur", b="price_factor_of_reference")
        return self


def class_prices(ctx: Ctx, contract_id: str, p: Params, classes: list[str]) -> dict[str, int]:
    if p.prices_eur is not None:
        out = {}
        for c in classes:
            eur = p.prices_eur.get(c, p.prices_eur.get("default"))
            if eur is None:
                raise Problem("no_class_price", id=contract_id, value=c)
            out[c] = euros_to_cents(eur, f"prices_eur.{c}")
        return out
    assert p.price_factor_of_reference is not None
    ref = {r["risk_class"]: r for r in ctx.reference_classes(contract_id).to_pylist()}
    total = sum(r["claims_cents"] for r in ref.values())
    n = sum(r["patients"] for r in ref.values())
    out = {}
    for c in classes:
        r = ref.get(c)
        claims, pats = (r["claims_cents"], r["patients"]) if r else (total, n)
        out[c] = round_cents(p.price_factor_of_reference * Decimal(claims) / pats) if pats else 0
    return out


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """What one unit more or fewer pays: the principal's own lines nothing (the price per patient is
    fixed: the principal keeps the result), another provider's lines their price, which the
    principal pays them (``subcontract``) and so loses:

        to_provider  = 0                      the principal's own line
                     = price_line             a subcontractor's line
        to_principal = -price_line            a subcontractor's line (one subcontract more)
    So the consortium as a whole (principal and subcontractors) gains nothing from a unit
    more and loses nothing by one fewer: the principal keeps what a subcontractor loses.
    Left out of this view: the risk corridor (it acts on the insurer's total; the lines' run
    is its own reference, so its result is 0) and the outlier carve-out (per patient above
    the threshold the insurer pays the principal the excess, PxQ)."""
    return subcontracted(lines, p, m)


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    """In a batch of replicates (``ctx.keys``) the queries run once for all: the patients,
    prices and principals per replicate are joined by the key; the corridor per insurer and
    replicate."""
    con = ibis.get_backend(lines)
    key = list(ctx.keys)
    pats = db.register(
        con,
        "b_patients",
        ctx.need_patients("bundle").select(["patient_id", "trajectory", *key]),
    )
    pats = pats.rename(c_id="patient_id", **{"c_" + k: k for k in key})
    principal = p.principal_of(ctx, contract_id)
    pp = per_patient(lines)
    pp = pp.left_join(pats, [pp.patient_id == pats.c_id] + [pp[k] == pats["c_" + k] for k in key])
    pp = pp.drop(*["c_" + k for k in key])
    pp = pp.mutate(risk_class=pp.trajectory.fill_null("other"))
    found = pp.select(*key, c=pp.risk_class).distinct().to_pyarrow().to_pylist()
    classes_of: dict[int | None, list[str]] = {}
    for x in found:
        classes_of.setdefault(x.get(REPLICATE), []).append(x["c"])
    prices_of = {
        r: class_prices(ctx.one(r) if key else ctx, contract_id, p, sorted(cs))
        for r, cs in sorted(classes_of.items(), key=lambda x: x[0] or 0)
    }
    price_rows = [(r, c, v) for r, ps in prices_of.items() for c, v in sorted(ps.items())]
    price_t = db.register(
        con,
        "b_prices",
        pa.table(
            {
                "p_class": [c for _, c, _ in price_rows],
                "bundle_price": pa.array([v for _, _, v in price_rows], pa.int64()),
                **{f"p_{k}": pa.array([r for r, _, _ in price_rows], pa.int32()) for k in key},
            }
        ),
    )
    on = [pp.risk_class == price_t.p_class] + [pp[k] == price_t["p_" + k] for k in key]
    pp = pp.inner_join(price_t, on).drop(*["p_" + k for k in key])
    threshold = (
        euros_to_cents(p.outlier_threshold_eur, "outlier_threshold_eur")
        if p.outlier_threshold_eur is not None
        else None
    )
    outlier = (
        ibis.greatest(pp.price_cents - threshold, 0) if threshold is not None else ibis.literal(0)
    )
    pp = pp.mutate(outlier=outlier.cast("int64"))
    part = Part()
    common = dict(
        contract_id=contract_id,
        model=NAME,
        payer_id=pp.payer_id,
        payer_kind=pp.payer_kind,
        payee_id=by_replicate(pp, principal),
        payee_kind=ibis.literal("provider"),
        patient_id=pp.patient_id,
        year=ctx.year,
    )
    part.ledger.append(ledger_rows(pp, reason="bundle", amount=pp.bundle_price, **common))
    part.ledger.append(ledger_rows(pp, reason="bundle_outlier", amount=pp.outlier, **common))
    rows, adjs = subcontracts(lines, contract_id, NAME, principal, ctx.year)
    part.ledger.append(rows)
    part.adjustments += adjs
    part.recon = recon_from_sums(ctx, contract_id, NAME, per_line=False)
    per_class = (
        pp.group_by(*key, "payer_id", "payer_kind", "risk_class")
        .aggregate(
            n=pp.patient_id.count(),
            actual=pp.price_cents.sum(),
            outlier=pp.outlier.sum(),
        )
        .order_by([*key, "payer_id", "risk_class"])
        .to_pyarrow()
        .to_pylist()
    )

    def corridor(c: Ctx, r: int | None) -> Part:
        rows = rows_of(per_class, r)
        who = principal if isinstance(principal, str) or r is None else principal[r]
        return _corridors(c, contract_id, p, who, prices_of.get(r, {}), rows)

    part.extend(per_replicate(ctx, corridor))
    return part


def _corridors(
    ctx: Ctx,
    contract_id: str,
    p: Params,
    principal: str,
    prices: dict[str, int],
    per_class: list[dict],
) -> Part:
    """Per insurer its bundle payment and outliers (adjustments) and its corridor."""
    part = Part()
    insurers: dict[tuple[str, str], list[dict]] = {}
    for r in per_class:  # insurer x risk class
        insurers.setdefault((r["payer_id"], r["payer_kind"]), []).append(r)
    for (ins, kind), rows_ in sorted(insurers.items()):
        r = bundle(
            {x["risk_class"]: prices[x["risk_class"]] for x in rows_},
            {x["risk_class"]: int(x["n"]) for x in rows_},
            sum(int(x["actual"]) for x in rows_),
            p.corridor,
            p.corridor_share,
            sum(int(x["outlier"]) for x in rows_),
        )
        basis = {**r.as_dict(), "financer_id": ins, "prices_cents": prices}
        part.adjustments.append(
            adjustment(contract_id, NAME, "bundle", ins, principal, r.payment_cents, basis)
        )
        if r.outlier_cents:
            part.adjustments.append(
                adjustment(
                    contract_id, NAME, "bundle_outlier", ins, principal, r.outlier_cents, basis
                )
            )
        book(
            part,
            movement(
                contract_id=contract_id,
                model=NAME,
                reason="bundle_corridor",
                payer=(principal, "provider"),
                payee=(ins, kind),
                amount_cents=r.settlement_cents,
                year=ctx.year,
                basis=basis,
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
    calculator="bundle",
    batched=True,
)
