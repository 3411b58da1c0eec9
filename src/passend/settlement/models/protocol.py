"""The model protocol: what a payment model module declares, so that the contracts, the engine,
the calculators and the incentives ask the model instead of testing its name (``docs/models.md``).

Each module of ``settlement/models`` ends with its ``MODEL = Model(...)`` (``availability``
declares two: ``MODELS``); the registry (``models.REGISTRY``) is the list of those modules.

    name        the id a contract set names it by (``model: revenue_cap``)
    kind        where a contract set may name it: ``base`` (a contract's model, paid on its
                claim lines), ``addon`` (on top of a base model's spend) or ``budget`` (money
                not tied to claim lines)
    params      the Pydantic model of its ``params`` in a contract set
    settle      the settlement, by kind:
                  base    settle(ctx, lines, contract_id, params) -> Part
                  addon   settle(ctx, contract_id, params, spend, lines) -> Part
                          (``lines`` only when ``needs.lines``, else None)
                  budget  settle(ctx, budget_id, params) -> Part
    needs       what the engine prepares for it (``Needs``)
    marginal    the payment of one unit more or fewer (``frame.Margin``; the incentives):
                marginal(lines, params, margin) -> lines with ``frame.MARGINAL_COLUMNS``;
                None for the add-ons, which act on totals, not per unit
    calculator  the name of its calculator (``passend calc NAME``, ``calculators.CALCULATORS``,
                which calls the same formula function), or None
    contract    paid under a contract: a principal or payee must be of a contracting kind
                (a subsidy is no contract and may pay e.g. a network)
    batched     its settle works on a batch of Monte Carlo replicates at once
                (``engine.settle_batch``): its lines and the context's tables carry the
                ``replicate`` key (``frame.REPLICATE``, named in ``ctx.keys``) and every
                group-by, join, total and computed movement of it is per replicate; the
                result must equal settling each replicate alone, byte for byte
                (tests/test_replicates_batched.py). False: the engine settles it once per
                replicate of the batch (``Ctx.one``)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

Kind = Literal["base", "addon", "budget"]


@dataclass(frozen=True)
class Needs:
    """What a model reads besides its parameters; the engine prepares only what some model of
    the contract set declares it needs.

    lines       an add-on: the contract's lines (per patient, provider and financer) besides
                the base's spend (a base model is always given its lines)
    patients    the patients joined to the claim lines (death date: the terminal phase), for
                the params given: a bool, or a function of the params (e.g. only when its
                ``terminal_days`` > 0)
    months      the months with care per patient, provider and financer (client-months)
    reference   figures fixed from the reference run (caps, prices, rates, benchmarks);
                without a reference the run is its own (documentation: the engine always
                passes the reference it has)
    """

    lines: bool = False
    patients: bool | Callable[[Any], bool] = False
    months: bool = False
    reference: bool = False

    def patients_for(self, params: Any) -> bool:
        return self.patients(params) if callable(self.patients) else self.patients


@dataclass(frozen=True)
class Model:
    """One payment model as the rest of passend sees it (see the module docstring)."""

    name: str
    kind: Kind
    params: type[BaseModel]
    settle: Callable[..., Any]
    module: str
    """The module whose docstring gives the formula and its source (``__name__``)."""
    needs: Needs = field(default_factory=Needs)
    marginal: Callable[..., Any] | None = None
    calculator: str | None = None
    contract: bool = True
    batched: bool = False
