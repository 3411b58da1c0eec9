"""Payment-model formulas and the calculator: worked examples computed by hand, caps and
thresholds that bind and that don't, and monotonicity."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal as D

import pytest

from passend.settlement.models.availability import availability
from passend.settlement.models.integral_hourly_rate import integral_hourly_rate
from passend.settlement.models.revenue_cap import revenue_cap
from passend.settlement.models.shared_savings import shared_savings
from passend.settlement.money import euros_to_cents, round_cents, split_by_shares

EUR = 100  # cents per euro
B = 1_000_000 * EUR  # benchmark EUR 1,000,000


def ss(actual_eur: int, **kw):
    args = dict(
        msr=D("0.02"),
        mlr=D("0.02"),
        sharing_rate=D("0.5"),
        loss_sharing_rate=D("0.4"),
        quality_score=D(1),
        savings_cap=D("0.10"),
        loss_cap=D("0.05"),
    )
    args.update(kw)
    return shared_savings(B, actual_eur * EUR, **args)


def test_shared_savings_above_msr() -> None:
    r = ss(950_000, quality_score=D("0.8"))  # S = 50,000 >= 20,000; 0.5 * 0.8 * 50,000 = 20,000
    assert (r.savings_cents, r.earned_cents, r.owed_cents, r.outcome) == (
        50_000 * EUR,
        20_000 * EUR,
        0,
        "shared_savings",
    )


def test_savings_just_under_the_msr_earn_nothing() -> None:
    r = ss(980_001)  # S = 19,999 < 20,000
    assert (r.earned_cents, r.outcome) == (0, "below_msr")
    assert ss(980_000).earned_cents == 10_000 * EUR  # exactly at the MSR: 0.5 * 20,000


def test_quality_score_zero_earns_nothing() -> None:
    assert ss(900_000, quality_score=D(0)).earned_cents == 0


def test_savings_cap_binds_and_does_not() -> None:
    big = ss(600_000)  # S = 400,000; 0.5 * S = 200,000 > cap 0.10 * B = 100,000
    assert (big.earned_cents, big.capped) == (100_000 * EUR, True)
    small = ss(900_000)  # 0.5 * 100,000 = 50,000 < 100,000
    assert (small.earned_cents, small.capped) == (50_000 * EUR, False)


def test_payment_factor_scales_the_payment() -> None:
    assert ss(900_000, payment_factor=D("0.9")).earned_cents == 45_000 * EUR


def test_two_sided_losses_inside_and_beyond_the_mlr() -> None:
    inside = ss(1_015_000)  # loss 15,000 < MLR 20,000
    assert (inside.owed_cents, inside.outcome) == (0, "within_mlr")
    beyond = ss(1_100_000)  # loss 100,000; 0.4 * 100,000 = 40,000 < cap 50,000
    assert (beyond.owed_cents, beyond.capped, beyond.outcome) == (
        40_000 * EUR,
        False,
        "shared_loss",
    )
    capped = ss(1_300_000)  # 0.4 * 300,000 = 120,000 > cap 0.05 * B = 50,000
    assert (capped.owed_cents, capped.capped) == (50_000 * EUR, True)
    assert ss(1_300_000, payment_factor=D(1)).earned_cents == 0
    one_sided = shared_savings(
        B,
        1_300_000 * EUR,
        D("0.02"),
        D("0.02"),
        D("0.5"),
        D("0.4"),
        D(1),
        D("0.1"),
        D("0.05"),
        two_sided=False,
    )
    assert (one_sided.owed_cents, one_sided.outcome) == (0, "one_sided_loss")


def test_rounding_half_away_from_zero_once() -> None:
    # S = 0.03 EUR = 3 cents, sharing 0.5 -> 1.5 cents -> 2 cents
    r = shared_savings(1000, 997, D(0), D(0), D("0.5"), D(0), D(1), D(1), D(1))
    assert r.earned_cents == 2
    assert round_cents(D("-2.5")) == -3


def test_shared_savings_never_decrease_when_spending_falls_and_caps_hold() -> None:
    previous = None
    for actual in range(1_400_000, 500_000, -7_919):  # falling spending, many steps
        r = ss(actual)
        net = r.earned_cents - r.owed_cents
        assert previous is None or net >= previous
        previous = net
        assert r.earned_cents <= 0.10 * B and r.owed_cents <= 0.05 * B


def test_revenue_cap_with_and_without_the_azwa_exemption() -> None:
    # claimed 1,200,000 of which 150,000 terminal care; cap 1,000,000
    on = revenue_cap(1_200_000 * EUR, 1_000_000 * EUR, terminal_cents=150_000 * EUR)
    assert (on.paid_cents, on.unpaid_cents) == (1_150_000 * EUR, 50_000 * EUR)
    off = revenue_cap(
        1_200_000 * EUR, 1_000_000 * EUR, terminal_cents=150_000 * EUR, exempt_terminal=False
    )
    assert (off.paid_cents, off.unpaid_cents) == (1_000_000 * EUR, 200_000 * EUR)
    share = revenue_cap(
        1_200_000 * EUR, 1_000_000 * EUR, above_cap_share=D("0.25"), exempt_terminal=False
    )
    assert share.paid_cents == 1_050_000 * EUR
    under = revenue_cap(800_000 * EUR, 1_000_000 * EUR)
    assert (under.paid_cents, under.unpaid_cents) == (800_000 * EUR, 0)


def test_efficiency_agreement_with_and_without_terminal_clients() -> None:
    # EUR 70/h; 10,000 h for 1,000 client-months; norm 9 h; terminal clients 1,500 h in 50 months
    on = integral_hourly_rate(7000, D(10_000), D(1_000), D(9), D("0.5"), D(1_500), D(50))
    # tested: 8,500 h vs norm 9 * 950 = 8,550 -> no excess
    assert (on.paid_cents, on.payback_cents) == (70_000_000, 0)
    off = integral_hourly_rate(
        7000, D(10_000), D(1_000), D(9), D("0.5"), D(1_500), D(50), exclude_terminal=False
    )
    # tested: 10,000 h vs 9,000 -> excess 1,000 h; 0.5 * 70 * 1,000 = EUR 35,000
    assert (off.payback_cents, off.net_cents) == (3_500_000, 66_500_000)


def test_availability_split_adds_up_exactly() -> None:
    parts = availability(100_000_01, {"cz": D(1), "vgz": D(1), "menzis": D(1)})
    assert sum(parts.values()) == 100_000_01 and sorted(parts.values()) == [
        33_333_33,
        33_333_34,
        33_333_34,
    ]
    assert split_by_shares(-10, {"a": D(1), "b": D(2)}) == {"a": -3, "b": -7}


def test_euros_are_parsed_exactly() -> None:
    assert euros_to_cents("1234,56") == 123456 and euros_to_cents("0.1") == 10
    with pytest.raises(ValueError, match="more than two decimals"):
        euros_to_cents("1.005")


def test_calc_cli_json_contract() -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "passend.cli",
            "calc",
            "shared-savings",
            "--benchmark",
            "1000000",
            "--actual",
            "950000",
            "--msr",
            "0.02",
            "--mlr",
            "0.02",
            "--sharing-rate",
            "0.5",
            "--loss-sharing-rate",
            "0.4",
            "--quality-score",
            "0.8",
            "--savings-cap",
            "0.1",
            "--loss-cap",
            "0.05",
            "--payment-factor",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["savings_cents"], out["earned_cents"], out["owed_cents"]) == (
        5_000_000,
        2_000_000,
        0,
    )
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "passend.cli",
            "calc",
            "shared-savings",
            "--benchmark",
            "x",
            "--actual",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "benchmark" in bad.stderr and "Traceback" not in bad.stderr
