"""Integral hourly rate with an efficiency agreement (integraal uurtarief met
doelmatigheidsafspraak) in district nursing.

Formula (DESIGN section 6.2; seed 000 themes 3 and 4; AZWA 2025 in seed 002):

    paid    = rate * hours
    norm    = norm_hours_per_client_month * client_months
    excess  = max(0, hours - norm)
    payback = payback_share * rate * excess
With the AZWA exclusion the hours and client-months of terminal clients (their last N days of
life) are left out of the norm test (they are paid, never paid back). Hours may be fractional
(minutes / 60); each amount is rounded half away from zero once.

Settlement: the financer pays each patient's minutes at the rate (rounded once per patient and
provider); lines not in minutes are paid at their price. The rate is ``rate_eur`` or, when
absent, derived per provider x financer from the reference run's case mix: the claims value of
the lines in minutes / their hours.
The payback per provider x financer is booked as ``efficiency_payback`` (provider to financer).
Terminal clients: lines within ``terminal_days`` before death (default: the catalogue's policy
default ``terminal_days``, 90 days, an assumption) that an exemption of the catalogue covers
(``catalogue/data/exemptions.yaml``: AZWA, district nursing at home from 2025-09-01; care in a
hospice is not exempt).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import ibis
import pyarrow as pa
from pydantic import Field

from passend import db
from passend.catalogue.loader import policy_default
from passend.messages import Problem
from passend.settlement.frame import (
    Ctx,
    Margin,
    ModelParams,
    Part,
    book,
    in_terminal_phase,
    ledger_rows,
    line_price,
    marginal_pay,
    movement,
    mul_share,
    per_replicate,
    ratio,
    recon_rows,
    rows_of,
)
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents

NAME = "integral_hourly_rate"


@dataclass(frozen=True)
class EfficiencyResult:
    paid_cents: int
    payback_cents: int
    net_cents: int
    hours_tested: str
    norm_hours: str
    excess_hours: str
    average_hours_per_client_month: str

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))  # flat fields: no deep copy (called per provider x financer)


def _round_exact(x: Fraction) -> int:
    """Round an exact amount in cents half away from zero."""
    r = math.floor(abs(x) + Fraction(1, 2))
    return r if x >= 0 else -r


def integral_hourly_rate(
    rate_cents: int,
    hours: Decimal | Fraction,
    client_months: Decimal,
    norm_hours_per_client_month: Decimal,
    payback_share: Decimal,
    terminal_hours: Decimal | Fraction = Decimal(0),
    terminal_client_months: Decimal = Decimal(0),
    exclude_terminal: bool = True,
) -> EfficiencyResult:
    # Hours may be exact fractions (minutes / 60 in the settlement): the money is computed
    # exactly and rounded once; the decimals are for display.
    exact_hours, exact_terminal = Fraction(hours), Fraction(terminal_hours)
    if not isinstance(hours, Decimal):
        hours = Decimal(exact_hours.numerator) / exact_hours.denominator
    if not isinstance(terminal_hours, Decimal):
        terminal_hours = Decimal(exact_terminal.numerator) / exact_terminal.denominator
    if not Decimal(0) <= payback_share <= Decimal(1):
        raise Problem("between_0_1", name="payback_share")
    if min(rate_cents, hours, client_months, terminal_hours, terminal_client_months) < 0:
        raise Problem("hourly_negative")
    if norm_hours_per_client_month < 0:
        raise Problem("must_not_be_negative", option="norm")
    if exact_terminal > exact_hours or terminal_client_months > client_months:
        raise Problem("terminal_in_totals")
    tested_hours = hours - terminal_hours if exclude_terminal else hours
    tested_months = client_months - terminal_client_months if exclude_terminal else client_months
    norm = norm_hours_per_client_month * tested_months
    excess = max(Decimal(0), tested_hours - norm)
    exact_tested = exact_hours - exact_terminal if exclude_terminal else exact_hours
    exact_excess = max(Fraction(0), exact_tested - Fraction(norm))
    paid = _round_exact(rate_cents * exact_hours)
    payback = _round_exact(Fraction(payback_share) * rate_cents * exact_excess)
    average = tested_hours / tested_months if tested_months else Decimal(0)
    return EfficiencyResult(
        paid_cents=paid,
        payback_cents=payback,
        net_cents=paid - payback,
        hours_tested=str(tested_hours),
        norm_hours=str(norm),
        excess_hours=str(excess),
        average_hours_per_client_month=str(average.quantize(Decimal("0.01"))),
    )


class Params(ModelParams):
    rate_eur: Decimal | None = Field(default=None, ge=0)
    norm_hours_per_client_month: Decimal = Field(ge=0)
    payback_share: Decimal = Field(ge=0, le=1)
    exclude_terminal: bool = True
    terminal_days: int = Field(default_factory=lambda: int(policy_default("terminal_days")), ge=0)


def _per_hour(cents: ibis.Value, minutes: ibis.Value) -> ibis.Value:
    """The claims value per hour, rounded half up (non-negative amounts, minutes > 0)."""
    return db.floor_div(cents * 60 * 2 + minutes, minutes * 2)


def _hourly(minutes: ibis.Value, rate_cents: ibis.Value) -> ibis.Value:
    """``minutes`` paid at ``rate_cents`` an hour, rounded half up."""
    return db.floor_div(minutes * rate_cents * 2 + 60, 120)


def _rates(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> pa.Table:
    """The rate per provider x financer pair of the lines (and replicate in a batch: each
    replicate's rate from its own reference)."""
    key = list(ctx.keys)
    pairs = lines.select(*key, "provider_id", "financer_id").distinct().to_pyarrow()
    if p.rate_eur is not None:
        rate = euros_to_cents(p.rate_eur, "rate_eur")
        return pairs.append_column("rate_cents", pa.array([rate] * pairs.num_rows, pa.int64()))
    con = ibis.get_backend(lines)
    ref = db.register(con, "h_reference", ctx.reference_claims(contract_id))
    derived = ref.filter(ref.minutes > 0).select(
        r_provider=ref.provider_id,
        r_financer=ref.financer_id,
        rate_cents=_per_hour(ref.minute_claims_cents, ref.minutes),
        **{"r_" + k: ref[k] for k in key},
    )
    t = db.register(con, "h_pairs", pairs)
    on = [t.provider_id == derived.r_provider, t.financer_id == derived.r_financer]
    j = t.left_join(derived, on + [t[k] == derived["r_" + k] for k in key])
    return j.select(
        *key, "provider_id", "financer_id", rate_cents=j.rate_cents.fill_null(0)
    ).to_pyarrow()


def marginal(lines: ibis.Table, p: Params, m: Margin) -> ibis.Table:
    """What one hour more or fewer pays its provider: the rate per hour, less the payback
    where the provider x financer pair is above the norm (each extra hour is excess then):

        marginal = rate * hours_line                                 at or under the norm
                 = (1 - payback_share) * rate * hours_line           above it (tested lines)
    Lines not in minutes: their price. Terminal clients' hours (AZWA exclusion) are never
    paid back. The rate is ``rate_eur`` or the pair's claims value per hour (the lines' run is
    its own reference). Left out of this view: the client-month an hour may add (one hour
    more is read as one more hour for a client already in care that month) and a pair that
    one hour would move across the norm."""
    is_min = lines.unit == "minutes"
    terminal = in_terminal_phase(lines, p.terminal_days)
    t = lines.mutate(
        _term=terminal,
        _tested=is_min & ~terminal if p.exclude_terminal else is_min,
        _month=lines.service_date.truncate("M"),
    )
    # the pairs' sums grouped and joined back, not windows over the lines; each line's payment
    # a column before the norm test (a join is not merged into the select before it): inlined
    # into floor_div's repeated operands, these took ~14 s of CPU on the national lines
    pairs = t.group_by(c_provider="provider_id", c_financer="financer_id").aggregate(
        c_mins=ibis.ifelse(is_min, t.quantity, 0).sum(),
        c_value=ibis.ifelse(is_min, t.amount_cents, 0).sum(),
        c_tested=ibis.ifelse(t._tested, t.quantity, 0).sum(),
    )
    if p.rate_eur is not None:
        rate = ibis.literal(euros_to_cents(p.rate_eur, "rate_eur"), "int64")
    else:
        mins, value = pairs.c_mins, pairs.c_value
        rate = ibis.ifelse(mins > 0, _per_hour(value, mins), 0)
    rates = pairs.select("c_provider", "c_financer", c_rate=rate.cast("int64"))
    j = t.inner_join(
        rates, (t.provider_id == rates.c_provider) & (t.financer_id == rates.c_financer)
    )
    hourly = _hourly(j.quantity, j.c_rate)
    j = j.mutate(_paid=ibis.ifelse(j.unit == "minutes", hourly, line_price(j, p)).cast("int64"))
    j = j.drop("c_provider", "c_financer", "c_rate")
    helpers = ("_term", "_tested", "_month", "_paid")
    if p.payback_share == 0:
        return marginal_pay(j, j._paid).drop(*helpers)
    # client-months per pair: months with a line, less the months with a terminal line
    cm = t.filter(t.patient_id.notnull())
    cm = cm.group_by("provider_id", "financer_id", "patient_id", "_month").aggregate(
        _terminal=cm._term.max()
    )
    cm = cm.group_by(m_provider="provider_id", m_financer="financer_id").aggregate(
        c_months=cm.count(), c_t_months=ibis.ifelse(cm._terminal, 1, 0).sum()
    )
    on = (pairs.c_provider == cm.m_provider) & (pairs.c_financer == cm.m_financer)
    norms = pairs.left_join(cm, on).select(
        "c_provider", "c_financer", "c_tested", "c_months", "c_t_months"
    )
    j = j.inner_join(
        norms, (j.provider_id == norms.c_provider) & (j.financer_id == norms.c_financer)
    )
    months = j.c_months.fill_null(0) - (j.c_t_months.fill_null(0) if p.exclude_terminal else 0)
    n, d = ratio(p.norm_hours_per_client_month)
    above = j.c_tested * d > months * (60 * n)
    payback = ibis.ifelse(above & j._tested, mul_share(j._paid, p.payback_share), 0)
    out = marginal_pay(j, j._paid - payback)
    return out.drop(*helpers, "c_provider", "c_financer", "c_tested", "c_months", "c_t_months")


def settle(ctx: Ctx, lines: ibis.Table, contract_id: str, p: Params) -> Part:
    """The rates, the payments and the pairs' sums of all replicates of a batch in one query
    each (joined and grouped by the ``replicate`` key too); the paybacks per replicate."""
    key = list(ctx.keys)
    rates = db.register(ibis.get_backend(lines), "h_rates", _rates(ctx, lines, contract_id, p))
    rates = rates.rename(
        r_provider="provider_id", r_financer="financer_id", **{"r_" + k: k for k in key}
    )
    on = [lines.provider_id == rates.r_provider, lines.financer_id == rates.r_financer]
    t = lines.inner_join(rates, on + [lines[k] == rates["r_" + k] for k in key])
    t = t.drop(*["r_" + k for k in key])
    hourly = _hourly(t.minutes, t.rate_cents)
    t = t.mutate(paid=(hourly + t.price_cents - t.m_price_cents).cast("int64"))
    part = Part()
    part.ledger.append(
        ledger_rows(
            t,
            contract_id=contract_id,
            model=NAME,
            reason="claims",
            payer_id=t.financer_id,
            payer_kind=t.financer_kind,
            payee_id=t.provider_id,
            payee_kind=ibis.literal("provider"),
            patient_id=t.patient_id,
            law=t.law,
            amount=t.paid,
            year=ctx.year,
        )
    )
    part.recon = recon_rows(
        t,
        contract_id,
        NAME,
        financer=t.paid,
        patient=0,
        repriced=t.claims_cents - t.paid,
        in_scope=0,
    )
    g = t.group_by(*key, "provider_id", "financer_id", "financer_kind", "rate_cents").aggregate(
        minutes=t.minutes.sum(),
        months=t.months.sum(),
        t_minutes=t.t_minutes.sum(),
        t_months=t.t_months.sum(),
    )
    # Only the pairs above the norm can owe a payback (minutes > 60 * norm * client-months,
    # in integers); the calculator below computes the amount of each.
    n, d = ratio(p.norm_hours_per_client_month)
    tested_minutes = g.minutes - g.t_minutes if p.exclude_terminal else g.minutes
    tested_months = g.months - g.t_months if p.exclude_terminal else g.months
    over = tested_minutes * d > tested_months * (60 * n)
    pairs = (
        g.filter(over & (g.rate_cents > 0))
        .order_by([*key, "provider_id", "financer_id"])
        .to_pyarrow()
        .to_pylist()
        if p.payback_share > 0
        else []
    )

    def paybacks(c: Ctx, r: int | None) -> Part:
        return _paybacks(c, contract_id, p, rows_of(pairs, r))

    part.extend(per_replicate(ctx, paybacks))
    return part


def _paybacks(ctx: Ctx, contract_id: str, p: Params, pairs: list[dict]) -> Part:
    """Per provider x financer pair above the norm its payback (``efficiency_payback``)."""
    part = Part()
    for pair in pairs:  # provider x financer pairs above the norm, not claim lines
        r = integral_hourly_rate(
            int(pair["rate_cents"]),
            Fraction(int(pair["minutes"]), 60),
            Decimal(int(pair["months"])),
            p.norm_hours_per_client_month,
            p.payback_share,
            Fraction(int(pair["t_minutes"]), 60),
            Decimal(int(pair["t_months"])),
            p.exclude_terminal,
        )
        book(
            part,
            movement(
                contract_id=contract_id,
                model=NAME,
                reason="efficiency_payback",
                payer=(pair["provider_id"], "provider"),
                payee=(pair["financer_id"], pair["financer_kind"]),
                amount_cents=r.payback_cents,
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
    Needs(patients=lambda p: p.terminal_days > 0, months=True, reference=True),
    marginal,
    calculator="efficiency",
    batched=True,
)
