"""The model protocol (``settlement/models/protocol.py``, ``docs/models.md``): a payment model
is one module that declares itself; the contracts, the engine, the calculators and the
incentives ask the registry. Proved with a model this test defines and registers itself."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import ibis
import pytest
from pydantic import Field

from passend.catalogue.loader import CatalogueError
from passend.settlement import models
from passend.settlement.calculators import CALCULATORS
from passend.settlement.contracts import load_contract_set
from passend.settlement.frame import (
    Ctx,
    ModelParams,
    Part,
    adjustment,
    ledger_rows,
    recon_from_sums,
)
from passend.settlement.models.protocol import Model, Needs
from passend.settlement.money import euros_to_cents
from test_settlement import catalogue, contract_file, line, moves, run, stakeholder

# --- a model of this test: a fixed fee per claim line and per month with care ---------------


class FixedFeeParams(ModelParams):
    per_line_eur: Decimal = Field(ge=0)
    per_month_eur: Decimal = Field(default=Decimal(0), ge=0)


def settle_fixed_fee(ctx: Ctx, lines: ibis.Table, contract_id: str, p: FixedFeeParams) -> Part:
    """Fixed fee (a test's model): per patient, provider and financer

    fee = per_line * lines + per_month * months with a line      (the financer pays)
    """
    per_line = euros_to_cents(p.per_line_eur, "per_line_eur")
    per_month = euros_to_cents(p.per_month_eur, "per_month_eur")
    fee = (lines.n_lines * per_line + lines.months * per_month).cast("int64")
    part = Part()
    part.ledger.append(
        ledger_rows(
            lines,
            contract_id=contract_id,
            model="fixed_fee",
            reason="fixed_fee",
            payer_id=lines.financer_id,
            payer_kind=lines.financer_kind,
            payee_id=lines.provider_id,
            payee_kind=ibis.literal("provider"),
            patient_id=lines.patient_id,
            law=lines.law,
            amount=fee,
            year=ctx.year,
        )
    )
    total = fee.sum().name("s").as_table().to_pyarrow()["s"][0].as_py() or 0
    part.adjustments.append(
        adjustment(contract_id, "fixed_fee", "fixed_fee", "*", "*", int(total), {})
    )
    part.recon = recon_from_sums(ctx, contract_id, "fixed_fee", per_line=False)
    return part


FIXED_FEE = Model(
    "fixed_fee", "base", FixedFeeParams, settle_fixed_fee, __name__, Needs(months=True)
)


@pytest.fixture
def fixed_fee():
    models.register(FIXED_FEE)
    yield FIXED_FEE
    models.unregister(FIXED_FEE.name)


FIXED_FEE_SET = """\
contracts:
  - id: gp1-fixed
    scope: {provider_ids: [gp1]}
    model: fixed_fee
    params: {per_line_eur: "12.50", per_month_eur: 5}
"""


def test_a_registered_model_settles_through_a_contract_set_file(
    tmp_path: Path, fixed_fee: Model
) -> None:
    lines = [
        line("gp1", "cz", 1000, patient="p1", when=date(2026, 3, 1)),
        line("gp1", "cz", 500, patient="p1", when=date(2026, 3, 20)),
        line("gp1", "cz", 700, patient="p1", when=date(2026, 5, 12)),
        line("gp1", "vgz", 300, patient="p2", when=date(2026, 3, 2)),
        line("dn1", "cz", 4000, patient="p3", when=date(2026, 3, 2)),  # default: PxQ
    ]
    s = run(tmp_path, lines, FIXED_FEE_SET)
    # p1 at gp1 (cz): 3 lines x 12.50 + 2 months (March, May) x 5.00 = 47.50
    # p2 at gp1 (vgz): 1 line x 12.50 + 1 month x 5.00 = 17.50; dn1 paid its claim (PxQ)
    assert moves(s) == [
        ("claims", "cz", "dn1", "p3", 4000),
        ("fixed_fee", "cz", "gp1", "p1", 4750),
        ("fixed_fee", "vgz", "gp1", "p2", 1750),
    ]
    assert stakeholder(s, "gp1")["money_in_cents"] == 4750 + 1750
    rec = {
        (r["contract_id"], r["provider_id"], r["financer_id"]): (
            r["claims_cents"],
            r["in_scope_cents"],
        )
        for r in s.tables["reconciliation"].to_pylist()
    }
    assert rec[("gp1-fixed", "gp1", "cz")] == (1000 + 500 + 700, 2200)  # in scope, not per line
    assert rec[("gp1-fixed", "gp1", "vgz")] == (300, 300)


def test_an_unknown_model_name_lists_the_registered_ones(tmp_path: Path, fixed_fee) -> None:
    body = FIXED_FEE_SET.replace("model: fixed_fee", "model: fixed_fees")
    with pytest.raises(CatalogueError) as e:
        load_contract_set(contract_file(tmp_path, body), catalogue())
    text = str(e.value)
    assert "contracts.0.model" in text
    assert "'network' or 'fixed_fee'" in text  # the registry's base models, the test's last


def test_an_unregistered_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as e:
        load_contract_set(contract_file(tmp_path, FIXED_FEE_SET), catalogue())
    assert "'population' or 'network'" in str(e.value)


def test_every_module_of_the_registry_declares_its_model() -> None:
    for mod in models.MODULES:
        for m in getattr(mod, "MODELS", None) or (mod.MODEL,):
            assert models.REGISTRY[m.name] is m
            assert m.module == mod.__name__
            assert importlib.import_module(m.module).__doc__  # the formula's docstring
            if m.kind == "base":
                assert m.marginal is not None, f"{m.name}: a base model answers per unit"
    assert models.names("addon") == ["shared_savings", "pay_for_performance"]
    assert models.names("budget") == ["availability", "subsidy"]


def test_each_calculator_is_the_one_a_model_points_to() -> None:
    pointed = {m.calculator: m.module for m in models.REGISTRY.values() if m.calculator}
    for name, c in CALCULATORS.items():
        if c.module.startswith("passend.settlement.models."):
            assert pointed[name] == c.module
    assert set(pointed) <= set(CALCULATORS)


def test_months_are_counted_only_when_a_model_needs_them(tmp_path: Path) -> None:
    """``Needs.months`` is what the engine reads: the fixed fee without it is paid no month."""
    no_months = Model("fixed_fee", "base", FixedFeeParams, settle_fixed_fee, __name__)
    models.register(no_months)
    try:
        s = run(tmp_path, [line("gp1", "cz", 1000, when=date(2026, 3, 1))], FIXED_FEE_SET)
    finally:
        models.unregister("fixed_fee")
    assert moves(s) == [("fixed_fee", "cz", "gp1", "p1", 1250)]


def test_the_contracts_that_fix_figures_from_a_reference_are_named() -> None:
    """``Needs.reference``: settled without a reference, meta.json names the contracts (and
    add-ons) that take their caps, prices or benchmarks from the run's own volume."""
    from passend.settlement.contracts import resolve_contract_set
    from passend.settlement.engine import own_reference

    def named(set_id: str) -> list[str]:
        return own_reference(load_contract_set(resolve_contract_set(set_id), catalogue()))

    assert named("pxq") == []  # fee for service fixes nothing
    assert named("bundle") == ["palliative-bundle"]
    assert named("pxq-shared-savings") == ["zvw-shared-savings/0"]  # the add-on, not its base


def test_settling_without_a_reference_says_so(tmp_path: Path) -> None:
    lump = "contracts:\n  - id: gp-lump\n    scope: {provider_ids: [gp1]}\n    model: lump_sum\n    params: {share_of_reference: 1}\n"
    s = run(tmp_path, [line("gp1", "cz", 1000)], lump)
    assert s.meta["reference"] is False and s.meta["own_reference"] == ["gp-lump"]
