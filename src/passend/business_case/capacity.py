"""Capacity of a transmural palliative team (transmuraal team palliatieve zorg): the staffing of
its 24/7 phone line (telefonische consultatie) by Erlang C, and the FTE per role.

Seed 004: the consultation service is reachable 24/7 (section 1: 4,956 phone consults in
2021; appendix B1 article 6: "7x24 uur telefonische consultatiebeschikbaarheid"); organising a
team's regional availability, "rooster en telefonie", is non-patient-bound work (section 4.2.1,
appendix B5), as are coordination, training and team meetings; consults on request of a
generalist are patient-bound (B5). Appendix B3 asks for the business case these figures feed.

Phone line, per hour-of-week block (an M/M/N queue, Erlang C; Gans, Koole & Mandelbaum,
"Telephone call centers: tutorial, review, and research prospects", Manufacturing & Service
Operations Management 5(2), 2003; Koole, "Call Center Optimization", 2013):

    A         = calls per hour x handling time in hours          offered load (Erlang)
    B(0, A)   = 1,   B(n, A) = A B(n-1, A) / (n + A B(n-1, A))   Erlang B, by recursion
    P_wait    = C(N, A) = B(N, A) / (1 - rho (1 - B(N, A))),  rho = A / N      (N > A)
    SL        = 1 - P_wait x exp(-(N - A) x t / AHT)    share of calls answered within t
    occupancy = A / N
    staffing  = the fewest N > A, and N >= min_agents (1: someone on duty in every covered
                hour), with SL >= target

The recursion stays within [0, 1] and needs no factorials, so it is stable for any N. A
service level within 1e-12 of the target counts as met (floating point: a target computed as
the SL of N agents chooses N). A year is taken as 52 weeks.

FTE per role (seed 004 section 4.2.1 and B5: patient-bound and non-patient-bound hours):

    hours        = rostered hours (the phone line's agent-hours, other 24/7 blocks)
                   + workload hours (consults, travel, meetings, non-patient-bound hours)
    fte_needed   = hours / productive hours per FTE
    shortfall    = max(0, fte_needed - planned FTE)      per role ("haalbaar?")

No money here: the business case prices the FTE.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

WEEKS_PER_YEAR = 52
HOURS_PER_WEEK = 168
MAX_LOAD = 10_000.0
"""The largest offered load taken (Erlang): far above any phone line of a region, and small
enough that the search for N stays quick."""
TOLERANCE = 1e-12
"""A service level this close under the target counts as meeting it (floating point)."""


def erlang_b(agents: int, load: float) -> float:
    """Erlang B, the blocking probability of N servers at load A, by the stable recursion."""
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return b


def _c_from_b(b: float, agents: int, load: float) -> float:
    rho = load / agents
    return b / (1 - rho * (1 - b))


def erlang_c(agents: int, load: float) -> float:
    """P_wait = C(N, A): the probability that a call waits; 1.0 when N <= A (no steady state)."""
    if agents <= load:
        return 1.0
    return _c_from_b(erlang_b(agents, load), agents, load)


def _sl(
    p_wait: float, agents: int, load: float, answer_within_s: float, handling_s: float
) -> float:
    return 1 - p_wait * math.exp(-(agents - load) * answer_within_s / handling_s)


def service_level(agents: int, load: float, answer_within_s: float, handling_s: float) -> float:
    """SL = 1 - P_wait x exp(-(N - A) x t / AHT); 1.0 without load, 0.0 when N <= A."""
    if load == 0:
        return 1.0
    if agents <= load:
        return 0.0
    return _sl(erlang_c(agents, load), agents, load, answer_within_s, handling_s)


@dataclass(frozen=True)
class Staffing:
    agents: int
    load: float
    service_level: float
    wait_probability: float
    occupancy: float

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))


def _check(calls_per_hour: float, handling_minutes: float, answer_within_seconds: float) -> None:
    if calls_per_hour < 0:
        raise ValueError(f"calls-per-hour must not be negative, not {calls_per_hour:g}")
    if handling_minutes <= 0:
        raise ValueError(f"handling-minutes must be more than 0, not {handling_minutes:g}")
    if answer_within_seconds < 0:
        raise ValueError(
            f"answer-within-seconds must not be negative, not {answer_within_seconds:g}"
        )


def staffing(
    calls_per_hour: float,
    handling_minutes: float,
    answer_within_seconds: float,
    target: float,
    min_agents: int = 1,
) -> Staffing:
    """The fewest agents N > A (and >= ``min_agents``) with SL >= target; no calls: min_agents.

    The search walks N up from the first N > A, extending the Erlang B recursion one step at a
    time (SL rises with N), so it costs O(N)."""
    _check(calls_per_hour, handling_minutes, answer_within_seconds)
    if not 0 < target < 1:
        raise ValueError(f"target must be between 0 and 1 (exclusive), not {target:g}")
    if min_agents < 0:
        raise ValueError(f"min-agents must not be negative, not {min_agents}")
    load = calls_per_hour * handling_minutes / 60
    if load > MAX_LOAD:
        raise ValueError(
            f"calls-per-hour x handling-minutes / 60 = {load:g} Erlang: more than {MAX_LOAD:g}"
        )
    if load == 0:
        return Staffing(min_agents, 0.0, 1.0, 0.0, 0.0)
    handling_s = handling_minutes * 60
    n = max(min_agents, math.floor(load) + 1)
    b = erlang_b(n, load)
    while True:
        p_wait = _c_from_b(b, n, load)
        sl = _sl(p_wait, n, load, answer_within_seconds, handling_s)
        if sl >= target - TOLERANCE:
            return Staffing(n, load, sl, p_wait, load / n)
        n += 1
        b = load * b / (n + load * b)


@dataclass(frozen=True)
class Block:
    """An hour-of-week block (e.g. office hours, evenings, nights, weekends) with its calls."""

    name: str
    hours_per_week: float
    calls_per_hour: float


@dataclass(frozen=True)
class BlockStaffing:
    block: Block
    staffing: Staffing
    agent_hours_per_year: float
    """agents x hours per week x 52."""


def roster(
    blocks: Iterable[Block],
    handling_minutes: float,
    answer_within_seconds: float,
    target: float,
    min_agents: int = 1,
) -> list[BlockStaffing]:
    """The staffing of each block, and its agent-hours per year (a year taken as 52 weeks)."""
    out = []
    for block in blocks:  # a handful of hour-of-week blocks, not rows of claims
        s = staffing(
            block.calls_per_hour, handling_minutes, answer_within_seconds, target, min_agents
        )
        out.append(BlockStaffing(block, s, s.agents * block.hours_per_week * WEEKS_PER_YEAR))
    return out


def rostered_hours(rostered: Iterable[BlockStaffing]) -> float:
    """The agent-hours per year of a roster, all blocks together."""
    return sum(r.agent_hours_per_year for r in rostered)


def weekly_blocks(calls_per_year: float, profile: Mapping[str, tuple[float, float]]) -> list[Block]:
    """A year's calls split over hour-of-week blocks; ``profile`` gives per block (hours per
    week, share of the calls). Per block:

        calls per hour = calls_per_year x share / (hours per week x 52)

    The shares add up to 1 (within 1e-9) and the blocks to at most a week (168 hours)."""
    if calls_per_year < 0:
        raise ValueError(f"calls-per-year must not be negative, not {calls_per_year:g}")
    if not profile:
        raise ValueError("the profile has no blocks")
    for name, (hours, share) in profile.items():
        if hours <= 0 or share < 0:
            raise ValueError(f"block {name}: hours per week must be > 0 and share >= 0")
    total_share = math.fsum(share for _, share in profile.values())
    if abs(total_share - 1) > 1e-9:
        raise ValueError(f"the shares of the calls add up to {total_share:g}, not 1")
    if math.fsum(hours for hours, _ in profile.values()) > HOURS_PER_WEEK + 1e-9:
        raise ValueError(f"the blocks cover more than a week ({HOURS_PER_WEEK} hours)")
    return [
        Block(name, hours, calls_per_year * share / (hours * WEEKS_PER_YEAR))
        for name, (hours, share) in profile.items()
    ]


@dataclass(frozen=True)
class RoleNeed:
    """The hours a year of one role (e.g. specialised nurse, physician-consultant) and the FTE
    planned for it."""

    role: str
    rostered_hours: float
    workload_hours: float
    productive_hours_per_fte: float
    planned_fte: float

    def __post_init__(self) -> None:
        if self.productive_hours_per_fte <= 0:
            raise ValueError(f"role {self.role}: productive hours per FTE must be more than 0")
        if min(self.rostered_hours, self.workload_hours, self.planned_fte) < 0:
            raise ValueError(f"role {self.role}: hours and planned FTE must not be negative")

    @property
    def hours(self) -> float:
        return self.rostered_hours + self.workload_hours

    @property
    def fte_needed(self) -> float:
        return self.hours / self.productive_hours_per_fte

    @property
    def shortfall_fte(self) -> float:
        return max(0.0, self.fte_needed - self.planned_fte)


def fte_table(needs: Iterable[RoleNeed]) -> dict[str, Any]:
    """Per role and in total: hours, ``fte_needed``, ``fte_planned``, ``shortfall_fte``.

    The total shortfall is the sum of the roles' shortfalls, not the difference of the totals:
    a nurse's spare FTE does not cover a physician's missing one."""
    roles: dict[str, dict[str, float]] = {}
    for n in needs:  # a few roles
        if n.role in roles:
            raise ValueError(f"role {n.role} is given twice")
        roles[n.role] = {
            "hours": n.hours,
            "fte_needed": n.fte_needed,
            "fte_planned": n.planned_fte,
            "shortfall_fte": n.shortfall_fte,
        }
    keys = ("hours", "fte_needed", "fte_planned", "shortfall_fte")
    total = {k: math.fsum(r[k] for r in roles.values()) for k in keys}
    return {"roles": roles, "total": total}
