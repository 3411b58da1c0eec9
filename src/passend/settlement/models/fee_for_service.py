"""Fee for service (PxQ, verrichtingenbekostiging): every claim line is paid at the contracted
price; non-contracted care (niet-gecontracteerde zorg) is reimbursed at a share of that price
and the patient pays the rest.

Formula (DESIGN section 6.1; seed 001 table 1 "PxQ"):

    price_line     = round(amount_line * tariff_share)          (half away from zero, per line)
    financer_line  = price_line                                  contracted
                   = round(price_line * non_contracted_share)    not contracted
    patient_line   = price_line - financer_line

The current routes of the Wlz (day tariffs paid by the care office, zorgkantoor) and the Wmo
(municipal payments) are this model with the care office or municipality as financer: the
claims already carry that financer (claims declaration, DESIGN section 5). The default
non-contracted share is the catalogue's policy default ``non_contracted_share`` (0.75, an
assumption: Zvw art. 13 says only that the reimbursement may not be a hindrance to access;
insurers set it per policy); set your own per contract.
"""

from __future__ import annotations

from decimal import Decimal

import ibis
from pydantic import Field

from passend.catalogue.loader import policy_default
from passend.settlement.frame import (
    Ctx,
    Margin,
    ModelParams,
    Part,
    at_price,
    pay_lines,
    recon_from_sums,
)
from passend.settlement.models.protocol import Model

NAME = "fee_for_service"


class Params(ModelParams):
    contracted: bool = True
    non_contracted_share: Decimal = Field(
        default_factory=lambda: policy_default("non_contracted_share"), ge=0, le=1
    )


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    return pxq_lines(ctx, lines, contract_id, NAME)


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """One unit more or fewer pays its provider the line's price, both ways:

        marginal = price_line = round(amount_line * tariff_share)

    Non-contracted care too: the financer pays ``non_contracted_share`` of the price and the
    patient the rest, so the provider receives the whole price (the financer's own margin
    is the share)."""
    return at_price(lines, p)


def pxq_lines(ctx: Ctx, lines: ibis.Table, contract_id: str, model: str) -> Part:
    """Every line paid at its price (financer and patient parts), and its reconciliation; the
    base of the models that pay per line (also the revenue cap's)."""
    part = Part(ledger=pay_lines(lines, contract_id, model, ctx.year))
    part.recon = recon_from_sums(ctx, contract_id, model, per_line=True)
    return part


MODEL = Model(NAME, "base", Params, settle, __name__, marginal=marginal, batched=True)
