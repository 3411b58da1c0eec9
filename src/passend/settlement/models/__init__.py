"""One payment model per module: the formula and its source in the docstring, the formula as a
pure function that the calculator (``passend calc``) and the settlement share, and at the end
the module's ``MODEL`` (``protocol.Model``: name, kind, params, settle, needs, marginal,
calculator). How to add a model: ``docs/models.md``.

``MODULES`` is the registry: the list of model modules, in the order the contract-set errors
list the names. ``REGISTRY`` maps each name to its ``Model``; ``register`` adds one (a model
outside this package, e.g. a test's).
"""

from __future__ import annotations

from types import ModuleType

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
from passend.settlement.models.protocol import Kind, Model, Needs

MODULES: tuple[ModuleType, ...] = (
    fee_for_service,
    integral_hourly_rate,
    revenue_cap,
    lump_sum,
    bundle,
    population,
    network,
    shared_savings,
    pay_for_performance,
    availability,
)


def _declared(module: ModuleType) -> tuple[Model, ...]:
    return tuple(getattr(module, "MODELS", None) or (module.MODEL,))


REGISTRY: dict[str, Model] = {m.name: m for mod in MODULES for m in _declared(mod)}


def register(model: Model) -> Model:
    """Add a model to the registry (its name must be new); returns it."""
    if model.name in REGISTRY:
        raise ValueError(f"a model named {model.name!r} is already registered")
    REGISTRY[model.name] = model
    return model


def unregister(name: str) -> None:
    REGISTRY.pop(name, None)


def names(kind: Kind) -> list[str]:
    """The registered models of a kind, in registry order."""
    return [n for n, m in REGISTRY.items() if m.kind == kind]


def model(name: str) -> Model:
    return REGISTRY[name]


__all__ = ["MODULES", "REGISTRY", "Kind", "Model", "Needs", "model", "names", "register"]
