"""The settlement's tables (afrekening): the ledger of money movements and the tables that prove
it reconciles. Money is int64 euro-cents. Every column is documented next to its schema.

- ``ledger``: one row per money movement, aggregated per contract, reason, payer, payee and
  patient (patient-bound movements keep the patient). Amounts are positive; the direction is
  payer -> payee.
- ``reconciliation``: per contract, provider and financer, how the claims' amount was settled:
  ``claims = financer + patient + repriced + in_scope``.
- ``adjustments``: the amounts the contracts computed beyond the claim lines (caps, paybacks,
  bundle and capitation payments, corridors, add-ons), one row per movement group, with the
  figures the formula used; the ledger rows of each (contract, reason) add up to them.
- ``stakeholders``: per stakeholder money in, money out, cost and margin.
"""

from __future__ import annotations

import pyarrow as pa

from passend.tables import schema as _schema

KINDS = ("provider", "health_insurer", "care_office", "municipality", "government", "patient")

LEDGER = _schema(
    [
        ("contract_id", pa.string(), False, "Contract of the contract set that moved the money."),
        ("model", pa.string(), False, "Payment model (DESIGN section 6), e.g. fee_for_service."),
        (
            "reason",
            pa.string(),
            False,
            "claims, patient_share, above_cap, efficiency_payback, lump_sum, "
            "bundle, bundle_outlier, bundle_corridor, subcontract, capitation, network_product, "
            "network_share, coordination_fee, shared_savings, shared_loss, p4p_withhold, p4p_bonus, "
            "p4p_malus, "
            "availability or subsidy.",
        ),
        ("payer_id", pa.string(), False, "Who pays: a financer id, a provider id or 'patient'."),
        (
            "payer_kind",
            pa.string(),
            False,
            "provider, health_insurer, care_office, ... or patient.",
        ),
        ("payee_id", pa.string(), False, "Who receives."),
        ("payee_kind", pa.string(), False, "Kind of the payee."),
        ("patient_id", pa.string(), True, "Patient for patient-bound movements, else null."),
        ("law", pa.string(), True, "zvw, wlz, wmo or subsidy for claim-based rows, else null."),
        ("year", pa.int16(), False, "Year settled."),
        ("amount_cents", pa.int64(), False, "Amount in cents, always > 0."),
    ]
)

RECONCILIATION = _schema(
    [
        ("contract_id", pa.string(), False, "Contract the claim lines fell under."),
        ("model", pa.string(), False, "Base model of that contract."),
        ("provider_id", pa.string(), False, "Provider that claimed."),
        ("financer_id", pa.string(), False, "Financer on the claim lines."),
        ("lines", pa.int64(), False, "Number of claim lines."),
        ("claims_cents", pa.int64(), False, "Sum of the lines' amount_cents."),
        ("financer_cents", pa.int64(), False, "Paid line by line by the financer (ledger)."),
        ("patient_cents", pa.int64(), False, "Paid line by line by the patient (ledger)."),
        (
            "repriced_cents",
            pa.int64(),
            False,
            "Claims minus the contract's price of the lines (a discount; negative if more).",
        ),
        (
            "in_scope_cents",
            pa.int64(),
            False,
            "Claims replaced by a payment outside the lines (lump sum, bundle, capitation, ...).",
        ),
    ]
)

ADJUSTMENTS = _schema(
    [
        ("contract_id", pa.string(), False, "Contract."),
        ("model", pa.string(), False, "Model that computed the amount (base or add-on)."),
        ("reason", pa.string(), False, "Reason code, as in the ledger."),
        ("payer_id", pa.string(), False, "Who pays."),
        ("payee_id", pa.string(), False, "Who receives."),
        ("amount_cents", pa.int64(), False, "Amount in cents (>= 0)."),
        ("basis", pa.string(), False, "The figures the formula used, as JSON (cents)."),
    ]
)

STAKEHOLDERS = _schema(
    [
        ("stakeholder_id", pa.string(), False, "Provider id, financer id or 'patient'."),
        ("kind", pa.string(), False, "provider, health_insurer, ... or patient."),
        ("provider_kind", pa.string(), True, "Provider kind for providers, else null."),
        ("money_in_cents", pa.int64(), False, "Received (ledger)."),
        ("money_out_cents", pa.int64(), False, "Paid (ledger)."),
        ("cost_cents", pa.int64(), False, "Cost of the care delivered (providers only)."),
        ("margin_cents", pa.int64(), False, "money_in - money_out - cost."),
    ]
)

BASIS = _schema(
    [
        ("contract_id", pa.string(), False, "Contract."),
        ("provider_id", pa.string(), False, "Provider."),
        ("financer_id", pa.string(), False, "Financer."),
        ("claims_cents", pa.int64(), False, "Claims value (PxQ at the claims' tariffs)."),
        ("minutes", pa.int64(), False, "Minutes on the lines in minutes."),
        (
            "minute_claims_cents",
            pa.int64(),
            False,
            "Claims value of the lines in minutes (the case mix of an hourly rate).",
        ),
        ("patients", pa.int64(), False, "Distinct patients on the lines."),
    ]
)

COSTS = _schema(
    [
        ("provider_id", pa.string(), False, "Provider."),
        ("provider_kind", pa.string(), True, "Provider kind (null when unknown)."),
        ("full_cost_cents", pa.int64(), False, "The year's activities at full cost prices."),
        ("variable_cost_cents", pa.int64(), False, "Variable part of that cost."),
        (
            "fixed_cost_cents",
            pa.int64(),
            False,
            "Fixed annual cost of the kind plus the fixed part of the reference's activities.",
        ),
        ("cost_cents", pa.int64(), False, "variable + fixed."),
    ]
)

CLASSES = _schema(
    [
        ("contract_id", pa.string(), False, "Contract."),
        ("risk_class", pa.string(), False, "Risk class of the patient (the trajectory)."),
        ("patients", pa.int64(), False, "Patients with lines under the contract."),
        ("claims_cents", pa.int64(), False, "Their claims value."),
    ]
)

SPEND = _schema(
    [
        ("contract_id", pa.string(), False, "Contract."),
        ("financer_id", pa.string(), False, "Financer (insurer, care office, municipality, ...)."),
        ("financer_kind", pa.string(), False, "Its kind."),
        ("provider_id", pa.string(), False, "Provider."),
        (
            "spend_cents",
            pa.int64(),
            False,
            "Net paid by the financer to the provider (base model).",
        ),
    ]
)
