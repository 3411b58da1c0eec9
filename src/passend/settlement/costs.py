"""Provider costs (kosten van de zorgaanbieder), so that a settlement shows margins.

    cost = fixed_annual_cents (per provider of the kind)
         + variable_share x full cost of this year's activities
         + (1 - variable_share) x full cost of the reference year's activities

The full cost of an activity is its quantity at the cost prices of
``claims/data/cost_prices.yaml`` (hourly rate of the professional, day price, minutes per counted
event). Work that is done but not claimed (the declaration's ``unfunded`` table) costs as much
as claimed work. The parameters are data (``data/provider_costs.yaml``, placeholders marked);
the reasoning is seed 003's "financiële spagaat": under PxQ a hospital that avoids an admission
loses the tariff and saves only the variable cost.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from passend import db
from passend.catalogue.loader import load_model_file
from passend.catalogue.schema import Source
from passend.claims.declare import CostPrices, cost_expr

PROVIDER_COSTS = Path(__file__).parent / "data" / "provider_costs.yaml"


class KindCost(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    variable_share: float = Field(ge=0, le=1)
    fixed_annual_cents: int = Field(ge=0)
    note: str | None = None


class ProviderCosts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: Source
    assumption: bool = False
    default: KindCost
    kinds: dict[str, KindCost] = {}

    def for_kind(self, kind: str | None) -> KindCost:
        return self.kinds.get(kind or "", self.default)


def load_provider_costs(path: Path | None = None) -> ProviderCosts:
    """The provider costs (``path`` or the shipped ones); a wrong file is a CatalogueError."""
    return load_model_file(path or PROVIDER_COSTS, ProviderCosts)


def full_cost(work: ibis.Table, prices: CostPrices) -> ibis.Table:
    """Full cost per provider of the rows of ``work`` (claims or unfunded activities: columns
    provider_id, activity, professional, quantity, unit), priced once per provider, activity,
    professional and unit."""
    g = work.group_by("provider_id", "activity", "professional", "unit").aggregate(
        q=work.quantity.sum()
    )
    con = ibis.get_backend(work)
    hourly = db.register(
        con,
        "f_hourly",
        pa.table(
            {
                "h_prof": list(prices.hourly_cents),
                "hourly_cents": pa.array(list(prices.hourly_cents.values()), pa.int64()),
            }
        ),
    )
    acts = sorted(set(prices.day_cents) | set(prices.minutes_per_event))
    per_act = db.register(
        con,
        "f_activities",
        pa.table(
            {
                "p_act": acts,
                "day_cents": pa.array([prices.day_cents.get(a, 0) for a in acts], pa.int64()),
                "event_minutes": pa.array(
                    [prices.minutes_per_event.get(a) for a in acts], pa.int64()
                ),
            }
        ),
    )
    j = g.left_join(hourly, g.professional == hourly.h_prof).left_join(
        per_act, g.activity == per_act.p_act
    )
    default_minutes = prices.minutes_per_event.get("default", 30)
    cost = cost_expr(
        j.unit,
        j.q,
        j.hourly_cents.fill_null(0),
        j.day_cents.fill_null(0),
        j.event_minutes.fill_null(default_minutes),
    )
    return j.group_by("provider_id").aggregate(full_cost_cents=cost.sum().cast("int64"))
