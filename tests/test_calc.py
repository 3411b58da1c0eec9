"""Payment-model formulas and the calculator: worked examples computed by hand, caps and
thresholds that bind and that don't, and monotonicity."""

from __future__ import annotations

import json
import math
from decimal import Decimal as D

import pytest

from clirun import Ran, passend
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


def test_payment_factor_cuts_savings_paid_but_not_an_owed_loss() -> None:
    """The payment factor applies to money paid to the provider (as the MSSP's sequestration
    cut applies only to shared-savings payments); an owed loss is paid in full unless a
    separate loss factor says otherwise."""
    # loss 100,000 >= MLR 20,000: 0.4 x 100,000 = 40,000 (cap 50,000), in full at factor 0.98
    assert ss(1_100_000, payment_factor=D("0.98")).owed_cents == 40_000 * EUR
    # loss factor 0.5: 0.5 x 40,000 = 20,000
    r = ss(1_100_000, payment_factor=D("0.98"), loss_factor=D("0.5"))
    assert r.owed_cents == 20_000 * EUR
    # savings 100,000: 0.5 x 100,000 = 50,000 x 0.98 = 49,000; the loss factor does not apply
    assert ss(900_000, payment_factor=D("0.98"), loss_factor=D("0.5")).earned_cents == 49_000 * EUR
    with pytest.raises(ValueError, match="loss_factor"):
        ss(1_100_000, loss_factor=D("-0.1"))


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
    r = passend(
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
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["savings_cents"], out["earned_cents"], out["owed_cents"]) == (
        5_000_000,
        2_000_000,
        0,
    )
    bad = passend("calc", "shared-savings", "--benchmark", "x", "--actual", "1")
    assert bad.returncode == 2 and "benchmark" in bad.stderr and "Traceback" not in bad.stderr


def test_calc_shared_savings_loss_factor_option() -> None:
    """``calc`` and ``settle`` agree: --payment-factor 0.98 leaves a two-sided loss in full
    (B 1,000,000, A 1,100,000: 0.4 x 100,000 = 40,000 euros), --loss-factor 0.5 halves it."""
    from typer.testing import CliRunner

    from passend.cli import app

    args = ["calc", "shared-savings", "--benchmark", "1000000", "--actual", "1100000"]
    args += ["--mlr", "0.02", "--loss-sharing-rate", "0.4", "--loss-cap", "0.05"]
    args += ["--payment-factor", "0.98", "--json"]
    owed = []
    for extra in ([], ["--loss-factor", "0.5"]):
        res = CliRunner().invoke(app, args + extra)
        assert res.exit_code == 0, res.output
        owed.append(json.loads(res.output)["owed_cents"])
    assert owed == [40_000 * EUR, 20_000 * EUR]


def test_bundle_with_corridor_and_outliers() -> None:
    from passend.settlement.models.bundle import bundle

    prices = {"cancer": 9_000 * EUR, "other": 6_000 * EUR}
    patients = {"cancer": 100, "other": 50}  # payment 900,000 + 300,000 = 1,200,000
    inside = bundle(prices, patients, 1_170_000 * EUR, corridor=D("0.05"), corridor_share=D("0.5"))
    assert (inside.result_cents, inside.settlement_cents) == (30_000 * EUR, 0)  # 30,000 < 60,000
    saving = bundle(prices, patients, 1_000_000 * EUR, corridor=D("0.05"), corridor_share=D("0.5"))
    # result 200,000; beyond the band of 60,000 by 140,000; half goes back to the financer
    assert (saving.settlement_cents, saving.consortium_result_cents) == (
        70_000 * EUR,
        130_000 * EUR,
    )
    assert saving.financer_pays_cents == 1_130_000 * EUR
    loss = bundle(prices, patients, 1_400_000 * EUR, corridor=D("0.05"), corridor_share=D("0.5"))
    assert (loss.result_cents, loss.settlement_cents) == (-200_000 * EUR, -70_000 * EUR)
    out = bundle(prices, patients, 1_300_000 * EUR, outlier_cents=150_000 * EUR)
    # outliers paid outside the bundle: in-bundle cost 1,150,000, result 50,000
    assert (out.result_cents, out.financer_pays_cents) == (50_000 * EUR, 1_350_000 * EUR)


def test_lump_sum_split_on_actual_market_shares_that_differ_from_the_contract() -> None:
    from passend.settlement.models.lump_sum import lump_sum

    # contract assumed 50/50; actual volume 60/40 -> the same lump sum is split 60/40
    r = lump_sum(10_000_000 * EUR, {"cz": D("0.6"), "vgz": D("0.4")})
    assert r.parts_cents == {"cz": 6_000_000 * EUR, "vgz": 4_000_000 * EUR}
    # corridor 3%: realised PxQ 10.5m on a contract value of 10m: 500k above, band 300k, settle half of 200k
    c = lump_sum(
        10_000_000 * EUR,
        {"cz": D("0.6"), "vgz": D("0.4")},
        10_000_000 * EUR,
        10_500_000 * EUR,
        D("0.03"),
        D("0.5"),
    )
    assert (c.settlement_cents, c.total_cents) == (100_000 * EUR, 10_100_000 * EUR)
    assert sum(c.parts_cents.values()) == c.total_cents
    within = lump_sum(10_000_000 * EUR, {"a": D(1)}, 10_000_000 * EUR, 9_800_000 * EUR, D("0.03"))
    assert within.settlement_cents == 0


def test_capitation_with_quality_bonus() -> None:
    from passend.settlement.models.population import population

    r = population(
        {"f80": 120 * EUR, "m80": 110 * EUR}, {"f80": 1_000, "m80": 800}, D("0.05"), D("0.8")
    )
    # 120,000 + 88,000 = 208,000; bonus 0.05 * 0.8 * 208,000 = 8,320
    assert (r.payment_cents, r.bonus_cents, r.total_cents) == (
        208_000 * EUR,
        8_320 * EUR,
        216_320 * EUR,
    )


def test_pay_for_performance_bonus_and_malus() -> None:
    from passend.settlement.models.pay_for_performance import Indicator, pay_for_performance

    inds = [
        Indicator("acp_3_months", D("0.40"), D("0.50"), D(2)),  # 0.8
        Indicator("preferred_place", D("0.75"), D("0.70"), D(1)),  # capped at 1
        Indicator("ed_last_30_days", D("0.25"), D("0.20"), D(1), lower_is_better=True),  # 0.8
    ]
    r = pay_for_performance(100_000 * EUR, inds)
    # (2 * 0.8 + 1 + 0.8) / 4 = 0.85 -> EUR 85,000
    assert (r.score, r.bonus_cents, r.malus_cents) == ("0.8500", 85_000 * EUR, 0)
    strict = pay_for_performance(
        100_000 * EUR, inds, threshold=D("0.9"), malus_rate=D("0.1"), malus_below=D("0.9")
    )
    assert (strict.bonus_cents, strict.malus_cents) == (0, 10_000 * EUR)


def test_calc_cli_other_models() -> None:
    def calc(*args: str) -> dict:
        r = passend("calc", *args, "--json")
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)

    assert (
        calc("bundle", "--price", "a=9000", "--patients", "a=100", "--actual", "850000")[
            "result_cents"
        ]
        == 5_000_000
    )
    assert calc("lump-sum", "--amount", "100", "--share", "x=0.3333", "--share", "y=0.6667") == {
        "amount_cents": 10_000,
        "deviation_cents": 0,
        "settlement_cents": 0,
        "total_cents": 10_000,
        "x_cents": 3_333,
        "y_cents": 6_667,
    }
    assert (
        calc("capitation", "--rate", "all=100", "--inhabitants", "all=10")["payment_cents"]
        == 100_000
    )
    assert calc("p4p", "--pool", "1000", "--indicator", "acp=0.5:0.5:1")["bonus_cents"] == 100_000
    assert (
        calc("revenue-cap", "--claimed", "120", "--cap", "100", "--terminal", "15")["paid_cents"]
        == 11_500
    )
    assert (
        calc(
            "efficiency",
            "--rate",
            "70",
            "--hours",
            "100",
            "--client-months",
            "10",
            "--norm",
            "9",
            "--payback-share",
            "0.5",
            "--no-exclude-terminal",
        )["payback_cents"]
        == 35_000  # 0.5 * EUR 70 * 10 excess hours
    )
    assert calc(
        "availability",
        "--budget",
        "1",
        "--share",
        "a=0.333",
        "--share",
        "b=0.333",
        "--share",
        "c=0.333",
    ) == {"a_cents": 34, "b_cents": 33, "c_cents": 33}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["bundle", "--price", "a=90", "--patients", "a=x", "--actual", "1"],
            "--patients a: not a whole number: 'x'",
        ),
        (
            ["bundle", "--price", "a=90", "--patients", "a=-2", "--actual", "1"],
            "--patients a: must be 0 or more, not -2",
        ),
        (
            ["capitation", "--rate", "all=100", "--inhabitants", "all=1.5"],
            "--inhabitants all: not a whole number: '1.5'",
        ),
        (
            ["p4p", "--pool", "1e400", "--indicator", "a=0.4:0.5:1"],
            "pool: out of range (at most 10^12): '1e400'",
        ),
        (
            ["capitation", "--rate", "all=1", "--inhabitants", "all=1000000000001"],
            "--inhabitants all: out of range (at most 10^12)",
        ),
        (
            ["lump-sum", "--amount", "100", "--share", "a=0.5", "--share", "a=0.2"],
            "--share a is given twice",
        ),
        (
            ["lump-sum", "--amount", "100", "--share", "a=1", "--contract-value", "50"],
            "--contract-value and --actual-value are used with --corridor only",
        ),
        (
            [
                "lump-sum",
                "--amount",
                "1",
                "--share",
                "a=1",
                "--corridor",
                "0.03",
                "--contract-value",
                "-5",
                "--actual-value",
                "10",
            ],
            "contract-value must not be negative",
        ),
        (
            [
                "efficiency",
                "--rate",
                "70",
                "--hours",
                "100",
                "--client-months",
                "10",
                "--norm",
                "-9",
            ],
            "norm must not be negative",
        ),
    ],
)
def test_calc_counts_and_amounts_out_of_range_exit_2(args: list[str], message: str) -> None:
    r = passend("calc", *args, "--lang", "en")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert message in " ".join(r.stderr.split()), r.stderr


def test_shared_savings_refuses_negative_actual_spending() -> None:
    with pytest.raises(ValueError, match="actual must not be negative"):
        shared_savings(1000, -5, D(0), D(0), D("0.5"), D(0), D(1), D(1), D(1))
    assert shared_savings(1000, 0, D(0), D(0), D("0.5"), D(0), D(1), D(1), D(1)).earned_cents == 500


def test_calc_staffing_cli() -> None:
    """24 calls per hour x 5 minutes = 2 Erlang; 4 agents: C = 4/23, SL = 1 - (4/23) e^(-2/15)."""

    def calc(*args: str) -> Ran:
        return passend("calc", "staffing", *args)

    opts = ["--calls-per-hour", "24", "--handling-minutes", "5", "--answer-within-seconds", "20"]
    r = calc(*opts, "--target", "0.8", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"agents", "load", "service_level", "wait_probability", "occupancy"}
    assert (out["agents"], out["load"], out["occupancy"]) == (4, 2.0, 0.5)
    assert out["wait_probability"] == pytest.approx(4 / 23)
    assert out["service_level"] == pytest.approx(1 - 4 / 23 * math.exp(-2 * 20 / 300))
    nl = calc(*opts, "--target", "0,8")
    assert nl.returncode == 0 and "servicegraad" in nl.stdout and "84,8%" in nl.stdout
    en = calc(*opts, "--target", "0.8", "--lang", "en")
    assert en.returncode == 0 and "service level" in en.stdout and "84.8%" in en.stdout
    for bad, message in (
        (["--target", "1.2"], "target must be between 0 and 1"),
        (["--target", "x"], "target: not a number"),
    ):
        r = calc(*opts, *bad, "--lang", "en")
        assert r.returncode == 2 and "Traceback" not in r.stderr and message in r.stderr, r.stderr
    r = calc(*opts, "--target", "x")  # the command's language: Dutch by default
    assert r.returncode == 2 and "target: geen getal: 'x'" in r.stderr, r.stderr
    r = calc("--calls-per-hour", "-3", *opts[2:], "--target", "0.8")
    assert r.returncode == 2 and "calls-per-hour must not be negative" in r.stderr
