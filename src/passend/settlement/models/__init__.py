"""One payment model per module: the formula and its source in the docstring, a calculator
function on aggregate figures (``passend calc``) and, for the settlement, ``Params`` and
``settle`` (base models on claim lines), ``apply`` (add-ons on a base model's ledger) or
``apply_budget`` (budgets not tied to claims)."""

from passend.settlement.models import (
    availability,
    bundle,
    fee_for_service,
    integral_hourly_rate,
    lump_sum,
    network,
    pay_for_performance,
    population,
    revenue_cap,
    shared_savings,
)

BASE = {
    "fee_for_service": fee_for_service,
    "integral_hourly_rate": integral_hourly_rate,
    "revenue_cap": revenue_cap,
    "lump_sum": lump_sum,
    "bundle": bundle,
    "population": population,
    "network": network,
}
ADDONS = {"shared_savings": shared_savings, "pay_for_performance": pay_for_performance}
BUDGETS = {"availability": availability, "subsidy": availability}
