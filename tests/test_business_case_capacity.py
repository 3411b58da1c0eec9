"""Capacity of the transmural team: Erlang C against values computed by hand, the edge of the
target, the roster's agent-hours, and the FTE sums per role."""

from __future__ import annotations

import math

import pytest

from passend.business_case.capacity import (
    Block,
    RoleNeed,
    erlang_c,
    fte_table,
    roster,
    rostered_hours,
    service_level,
    staffing,
    weekly_blocks,
)

# A = 24 calls per hour x 5 minutes = 2 Erlang; answer within 20 s, AHT 300 s
B3 = (2**3 / 6) / (1 + 2 + 2**2 / 2 + 2**3 / 6)  # Erlang B(3, 2) = (8/6) / (19/3) = 4/19
C3 = B3 / (1 - (2 / 3) * (1 - B3))  # (4/19) / (1 - (2/3)(15/19)) = (4/19) / (9/19) = 4/9
SL3 = 1 - (4 / 9) * math.exp(-(3 - 2) * 20 / 300)  # 1 - 0.4444 x 0.9355 = 0.5842
B4 = 2 * B3 / (4 + 2 * B3)  # (8/19) / (84/19) = 2/21
C4 = B4 / (1 - (2 / 4) * (1 - B4))  # (2/21) / (23/42) = 4/23
SL4 = 1 - (4 / 23) * math.exp(-(4 - 2) * 20 / 300)  # 1 - 0.1739 x 0.8752 = 0.8478


def test_erlang_c_by_hand() -> None:
    assert abs(B3 - 4 / 19) < 1e-15 and abs(C3 - 4 / 9) < 1e-15
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)
    assert erlang_c(4, 2.0) == pytest.approx(4 / 23, rel=1e-12)
    assert service_level(3, 2.0, 20, 300) == pytest.approx(SL3, rel=1e-12)
    assert service_level(4, 2.0, 20, 300) == pytest.approx(SL4, rel=1e-12)
    assert round(SL3, 4) == 0.5842 and round(SL4, 4) == 0.8478


def test_erlang_c_matches_the_closed_formula() -> None:
    """C(N, A) = (A^N / N!) (N / (N - A)) / (sum_{k<N} A^k / k! + (A^N / N!) (N / (N - A)))."""
    n, a = 5, 3.5
    top = a**n / math.factorial(n) * n / (n - a)
    closed = top / (sum(a**k / math.factorial(k) for k in range(n)) + top)
    assert erlang_c(n, a) == pytest.approx(closed, rel=1e-12)


def test_one_agent_waits_with_probability_rho() -> None:
    # N = 1: C = rho = A; 1 call per hour x 6 minutes = 0.1 Erlang
    s = staffing(1, 6, 30, 0.8)
    assert s.agents == 1 and s.wait_probability == pytest.approx(0.1)
    assert s.service_level == pytest.approx(1 - 0.1 * math.exp(-0.9 * 30 / 360))
    assert s.occupancy == pytest.approx(0.1)


def test_no_steady_state_at_or_above_the_load() -> None:
    assert erlang_c(2, 2.0) == 1.0 and erlang_c(1, 2.5) == 1.0
    assert service_level(2, 2.0, 20, 300) == 0.0
    # a target however low still needs N > A
    assert staffing(24, 5, 20, 0.01).agents == 3


def test_staffing_at_the_edge_of_the_target() -> None:
    s = staffing(24, 5, 20, 0.8)
    assert (s.agents, s.load, s.occupancy) == (4, 2.0, 0.5)
    assert s.service_level == pytest.approx(SL4) and s.wait_probability == pytest.approx(4 / 23)
    assert staffing(24, 5, 20, SL3).agents == 3  # exactly the SL of 3 agents: 3 suffice
    assert staffing(24, 5, 20, SL3 + 1e-6).agents == 4  # just above it: one more
    assert staffing(24, 5, 20, SL4).agents == 4
    assert staffing(24, 5, 20, SL4 + 1e-6).agents == 5


def test_zero_calls_needs_the_minimum_on_duty() -> None:
    s = staffing(0, 5, 20, 0.8)
    assert (s.agents, s.service_level, s.wait_probability, s.occupancy) == (1, 1.0, 0.0, 0.0)
    assert staffing(0, 5, 20, 0.8, min_agents=2).agents == 2
    assert staffing(24, 5, 20, 0.8, min_agents=6).agents == 6  # the minimum above Erlang's 4


def test_service_level_rises_with_agents() -> None:
    for load in (0.05, 0.7, 2.0, 9.3):
        first = math.floor(load) + 1
        sls = [service_level(n, load, 20, 300) for n in range(first, first + 8)]
        waits = [erlang_c(n, load) for n in range(first, first + 8)]
        assert sls == sorted(sls) and waits == sorted(waits, reverse=True)


def test_large_load_is_stable() -> None:
    s = staffing(6000, 5, 20, 0.8)  # 500 Erlang: factorials would overflow a float
    assert 500 < s.agents < 560 and 0 < s.wait_probability < 1 and s.service_level >= 0.8
    below = service_level(s.agents - 1, s.load, 20, 300)
    assert below < 0.8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 5, 20, 0.8), "calls-per-hour must not be negative"),
        ((1, 0, 20, 0.8), "handling-minutes must be more than 0"),
        ((1, 5, -1, 0.8), "answer-within-seconds must not be negative"),
        ((1, 5, 20, 1.0), "target must be between 0 and 1"),
        ((1, 5, 20, 0.0), "target must be between 0 and 1"),
        ((10**9, 5, 20, 0.8), "Erlang: more than"),
    ],
)
def test_staffing_refuses_bad_input(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        staffing(*args)


def test_a_week_at_24_7_with_one_agent_is_8736_hours_a_year() -> None:
    [r] = roster([Block("24/7", 168, 0.05)], 10, 60, 0.8)
    assert r.staffing.agents == 1 and r.agent_hours_per_year == 168 * 52 == 8736


def test_weekly_blocks_split_the_year_and_roster_sums() -> None:
    blocks = weekly_blocks(5200, {"kantoor": (40, 0.5), "rest": (128, 0.5)})
    # 5200 x 0.5 / (40 x 52) = 1.25 per hour; 2600 / (128 x 52) = 0.390625 per hour
    assert [(b.name, b.calls_per_hour) for b in blocks] == [("kantoor", 1.25), ("rest", 0.390625)]
    # 20 minutes: office A = 1.25/3 = 0.4167, rest A = 0.1302; target 0.9 within 60 s
    r = roster(blocks, 20, 60, 0.9)
    # office, N = 1: C = rho = 5/12, SL = 1 - (5/12) e^(-(7/12) 60/1200) = 0.5901 < 0.9: N = 2
    assert 1 - (5 / 12) * math.exp(-(7 / 12) * 60 / 1200) < 0.9
    assert [x.staffing.agents for x in r] == [2, 2]
    assert rostered_hours(r) == 2 * 40 * 52 + 2 * 128 * 52 == 17472
    with pytest.raises(ValueError, match=r"add up to 0\.9, not 1"):
        weekly_blocks(5200, {"kantoor": (40, 0.5), "rest": (128, 0.4)})
    with pytest.raises(ValueError, match="more than a week"):
        weekly_blocks(5200, {"a": (100, 0.5), "b": (100, 0.5)})


def test_fte_sums_per_role() -> None:
    needs = [
        # 4,680 + 1,320 = 6,000 h / 1,500 = 4.0 FTE; planned 3.5: short 0.5
        RoleNeed("verpleegkundige", 4680, 1320, 1500, 3.5),
        # 2,496 + 504 = 3,000 h / 1,500 = 2.0 FTE; planned 2.5: not short
        RoleNeed("arts", 2496, 504, 1500, 2.5),
        # 0 + 750 = 750 h / 1,500 = 0.5 FTE; planned 0.5: exactly enough
        RoleNeed("coordinator", 0, 750, 1500, 0.5),
    ]
    t = fte_table(needs)
    assert t["roles"]["verpleegkundige"] == {
        "hours": 6000,
        "fte_needed": 4.0,
        "fte_planned": 3.5,
        "shortfall_fte": 0.5,
    }
    assert (
        t["roles"]["arts"]["shortfall_fte"] == 0 and t["roles"]["coordinator"]["shortfall_fte"] == 0
    )
    # needed 6.5 = planned 6.5 in total, yet short 0.5: one role's spare FTE covers no other's
    assert t["total"] == {
        "hours": 9750,
        "fte_needed": 6.5,
        "fte_planned": 6.5,
        "shortfall_fte": 0.5,
    }
    with pytest.raises(ValueError, match="given twice"):
        fte_table([needs[0], needs[0]])
    with pytest.raises(ValueError, match="productive hours"):
        RoleNeed("x", 1, 1, 0, 1)
