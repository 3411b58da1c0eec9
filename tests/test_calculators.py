"""The calculators' library layer (``passend.settlement.calculators``): ``compute`` gives what
``passend calc --json`` prints, ``explain`` fills the numbers into each formula (examples
computed by hand), and bad input raises one error naming the field."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from passend.cli import app
from passend.settlement.calculators import (
    CALCULATORS,
    CalculatorError,
    compute,
    explain,
    fields,
)

# name -> (the CLI's arguments, the same inputs as the API's JSON object)
SAME_INPUT = {
    "shared-savings": (
        [
            "--benchmark",
            "1000000",
            "--actual",
            "950000",
            "--msr",
            "0.02",
            "--quality-score",
            "0.8",
            "--savings-cap",
            "0.1",
            "--payment-factor",
            "0.98",
        ],
        {"benchmark": 1000000, "actual": "950000", "msr": 0.02, "quality_score": "0,8"}
        | {"savings_cap": "0.1", "payment_factor": "0.98"},
    ),
    "revenue-cap": (
        [
            "--claimed",
            "1200000",
            "--cap",
            "1000000",
            "--terminal",
            "150000",
            "--no-exempt-terminal",
            "--above-cap-share",
            "0.25",
        ],
        {"claimed": "1200000", "cap": 1000000, "terminal": "150000.00"}
        | {"exempt_terminal": False, "above_cap_share": "0.25"},
    ),
    "efficiency": (
        [
            "--rate",
            "70",
            "--hours",
            "10000",
            "--client-months",
            "1000",
            "--norm",
            "9",
            "--payback-share",
            "0.5",
            "--terminal-hours",
            "1500",
            "--terminal-client-months",
            "50",
        ],
        {"rate": 70, "hours": 10000, "client_months": "1000", "norm": 9, "payback_share": 0.5}
        | {"terminal_hours": "1500", "terminal_client_months": 50},
    ),
    "availability": (
        ["--budget", "1", "--share", "a=0.333", "--share", "b=0.333", "--share", "c=0.333"],
        {"budget": "1", "share": {"a": 0.333, "b": "0.333", "c": "0,333"}},
    ),
    "bundle": (
        [
            "--price",
            "cancer=9000",
            "--price",
            "other=6000",
            "--patients",
            "cancer=100",
            "--patients",
            "other=50",
            "--actual",
            "1000000",
            "--corridor",
            "0.05",
            "--corridor-share",
            "0.5",
        ],
        {"price": {"cancer": "9000", "other": 6000}, "patients": {"cancer": 100, "other": "50"}}
        | {"actual": "1000000", "corridor": "0.05", "corridor_share": 0.5},
    ),
    "lump-sum": (
        [
            "--amount",
            "10000000",
            "--share",
            "cz=0.6",
            "--share",
            "vgz=0.4",
            "--contract-value",
            "10000000",
            "--actual-value",
            "10500000",
            "--corridor",
            "0.03",
        ],
        {"amount": 10000000, "share": ["cz=0.6", "vgz=0.4"], "contract_value": "10000000"}
        | {"actual_value": 10500000, "corridor": "0.03"},
    ),
    "capitation": (
        [
            "--rate",
            "f80=120",
            "--rate",
            "m80=110",
            "--inhabitants",
            "f80=1000",
            "--inhabitants",
            "m80=800",
            "--bonus-rate",
            "0.05",
            "--quality-score",
            "0.8",
        ],
        {"rate": {"f80": 120, "m80": "110"}, "inhabitants": {"f80": 1000, "m80": 800}}
        | {"bonus_rate": "0.05", "quality_score": 0.8},
    ),
    "p4p": (
        ["--pool", "100000", "--indicator", "acp=0.40:0.50:2", "--indicator", "ed=0.25:<0.20:1"],
        {"pool": "100000", "indicator": {"acp": "0.40:0.50:2", "ed": "0.25:<0.20:1"}},
    ),
    "staffing": (
        [
            "--calls-per-hour",
            "24",
            "--handling-minutes",
            "5",
            "--answer-within-seconds",
            "20",
            "--target",
            "0.8",
        ],
        {"calls_per_hour": 24, "handling_minutes": "5", "answer_within_seconds": 20}
        | {"target": "0,8"},
    ),
}


def test_every_calculator_has_a_case() -> None:
    assert set(SAME_INPUT) == set(CALCULATORS)


@pytest.mark.parametrize("name", sorted(SAME_INPUT))
def test_compute_is_what_the_cli_prints(name: str) -> None:
    args, inputs = SAME_INPUT[name]
    res = CliRunner().invoke(app, ["calc", name, *args, "--json"])
    assert res.exit_code == 0, res.output
    result = compute(name, inputs)
    assert res.stdout == json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    assert explain(name, inputs, result, "en") and explain(name, inputs, result, "nl")


@pytest.mark.parametrize("name", ["availability", "lump-sum"])
@pytest.mark.parametrize(
    ("shares", "total"),
    [({"cz": "0.5", "vgz": "0.25"}, "0.75"), ({"cz": "0.6", "vgz": "0.6"}, "1.2")],
)
def test_shares_must_add_up_to_one(name: str, shares: dict, total: str) -> None:
    inputs = {"budget" if name == "availability" else "amount": "1000", "share": shares}
    with pytest.raises(CalculatorError) as e:
        compute(name, inputs)
    assert e.value.field == "share"
    assert e.value.message == f"--share: the shares add up to {total}, not 1 (tolerance 0.001)"


def test_compute_figures_by_hand() -> None:
    # lump sum 10m, realised 10.5m on 10m: 500k above, band 0.03 x 10m = 300k, settle 200k
    r = compute("lump-sum", SAME_INPUT["lump-sum"][1])
    assert (r["settlement_cents"], r["cz_cents"], r["vgz_cents"]) == (
        200_000_00,
        6_120_000_00,
        4_080_000_00,
    )
    # availability: one euro over three equal shares (0.999: within the tolerance): the odd
    # cent to the first by name
    assert compute("availability", SAME_INPUT["availability"][1]) == {
        "a_cents": 34,
        "b_cents": 33,
        "c_cents": 33,
    }


def test_explain_shared_savings_by_hand() -> None:
    """B 1,000,000, A 900,000: S = 100,000 >= MSR 0.02 x B = 20,000; earned
    min(0.5 x 0.8 x 100,000, 0.1 x 1,000,000) x 1 = 40,000."""
    inputs = {"benchmark": "1000000", "actual": "900000", "msr": "0.02", "quality_score": "0.8"}
    inputs["savings_cap"] = "0.1"
    result = compute("shared-savings", inputs)
    assert result["earned_cents"] == 40_000_00
    steps = explain("shared-savings", inputs, result, "nl")
    assert [s.formula for s in steps] == [
        "S = B − A = € 1.000.000,00 − € 900.000,00 = € 100.000,00",
        "MSR × B = 0,02 × € 1.000.000,00 = € 20.000,00",
        "min(deelpercentage × kwaliteitsscore × S; plafond × B) × betalingsfactor"
        " = min(0,5 × 0,8 × € 100.000,00; 0,1 × € 1.000.000,00) × 1 = € 40.000,00",
    ]
    assert steps[0].label == "Besparing"
    en = explain("shared-savings", inputs, result, "en")
    assert en[0].formula == "S = B − A = EUR 1,000,000.00 − EUR 900,000.00 = EUR 100,000.00"
    # a two-sided loss: A 1,100,000, S = -100,000; owed min(0.4 x 100,000, 0.05 x B) = 40,000
    loss = {"benchmark": 1000000, "actual": 1100000, "mlr": "0.02", "loss_sharing_rate": "0.4"}
    loss["loss_cap"] = "0.05"
    steps = explain("shared-savings", loss, compute("shared-savings", loss), "en")
    assert steps[1].formula == "MLR × B = 0.02 × EUR 1,000,000.00 = EUR 20,000.00"
    assert steps[2].formula.endswith(
        "= min(0.4 × EUR 100,000.00, 0.05 × EUR 1,000,000.00) × 1 = EUR 40,000.00"
    )


def test_explain_revenue_cap_by_hand() -> None:
    """Claimed 1,200,000 of which 150,000 terminal (exempt), cap 1,000,000: above the cap
    1,050,000 - 1,000,000 = 50,000, paid 1,000,000 + 0 + 150,000 = 1,150,000, unpaid 50,000."""
    inputs = {"claimed": "1200000", "cap": "1000000", "terminal": "150000"}
    result = compute("revenue-cap", inputs)
    steps = explain("revenue-cap", inputs, result, "en")
    assert [s.formula for s in steps] == [
        "exempt = terminal care = EUR 150,000.00",
        "max(0, claimed − exempt − cap)"
        " = max(0, EUR 1,200,000.00 − EUR 150,000.00 − EUR 1,000,000.00) = EUR 50,000.00",
        "min(claimed − exempt, cap) + share × above + exempt"
        " = min(EUR 1,200,000.00 − EUR 150,000.00, EUR 1,000,000.00) + 0 × EUR 50,000.00 + EUR 150,000.00"
        " = EUR 1,150,000.00",
        "claimed − paid = EUR 1,200,000.00 − EUR 1,150,000.00 = EUR 50,000.00",
    ]
    nl = explain("revenue-cap", inputs | {"exempt_terminal": False}, result, "nl")
    assert nl[0].label == "Niet vrijgesteld"


def test_explain_p4p_and_staffing_by_hand() -> None:
    # (2 x 0.8 + 1 x 0.8) / (2 + 1) = 0.8; bonus 0.8 x 100,000 = 80,000
    inputs = SAME_INPUT["p4p"][1]
    steps = explain("p4p", inputs, compute("p4p", inputs), "en")
    assert steps[1].formula == "min(1, target / score) = min(1, 0.2 / 0.25) = 0.8"
    assert steps[2].formula.endswith("= (2 × 0.8 + 1 × 0.8) / (2 + 1) = 0.8")
    assert steps[3].formula.endswith("= EUR 100,000.00 × 0.8 if 0.8 ≥ 0 = EUR 80,000.00")
    # 24 calls x 5 min / 60 = 2 Erlang; 4 agents; occupancy 2 / 4 = 50%
    inputs = SAME_INPUT["staffing"][1]
    steps = explain("staffing", inputs, compute("staffing", inputs), "nl")
    assert steps[0].formula.endswith("= 24 × 5 / 60 = 2,000")
    assert steps[-1].formula == "A / N = 2,000 / 4 = 50,0%"


def test_the_cli_explains_in_dutch_and_english() -> None:
    args = ["calc", "revenue-cap", "--claimed", "1200000", "--cap", "1000000"]
    args += ["--terminal", "150000"]
    nl = CliRunner().invoke(app, args)
    assert nl.exit_code == 0 and "Omzetplafond" in nl.stdout and "€ 1.150.000,00" in nl.stdout
    en = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert en.exit_code == 0 and "Revenue cap" in en.stdout and "EUR 1,150,000.00" in en.stdout


@pytest.mark.parametrize(
    ("name", "inputs", "field", "message"),
    [
        ("shared-savings", {"benchmark": "x", "actual": 1}, "benchmark", "not a number: 'x'"),
        ("shared-savings", {"benchmark": "1.005", "actual": 1}, "benchmark", "more than two"),
        ("shared-savings", {"benchmark": True, "actual": 1}, "benchmark", "decimal string"),
        ("shared-savings", {"actual": 1}, "benchmark", "benchmark: required"),
        ("shared-savings", {"benchmark": 1, "actual": 1, "msr": 2}, "msr", "between 0 and 1"),
        (
            "shared-savings",
            {"benchmark": 1, "actual": 1, "sharing_rat": "0.5"},
            "sharing_rat",
            "unknown field 'sharing_rat'; closest: sharing_rate",
        ),
        (
            "availability",
            {"budget": 1, "share": ["cz"]},
            "share",
            "--share expects name=value, not 'cz'",
        ),
        ("availability", {"budget": 1, "share": "cz=1"}, "share", "expects an object"),
        (
            "availability",
            {"budget": 1, "share": ["cz=1", "cz=2"]},
            "share",
            "--share cz is given twice",
        ),
        (
            "bundle",
            {"price": {"a": 90}, "patients": {"a": 1.5}, "actual": 1},
            "patients",
            "--patients a: not a whole number: '1.5'",
        ),
        ("p4p", {"pool": 1, "indicator": {"a": "0.4:0.5"}}, "indicator", "score:target:weight"),
        (
            "lump-sum",
            {"amount": 1, "share": {"a": 1}, "contract_value": 5},
            "corridor",
            "used with --corridor only",
        ),
        (
            "staffing",
            {"calls_per_hour": -3, "handling_minutes": 5, "answer_within_seconds": 20}
            | {"target": 0.8},
            "calls_per_hour",
            "calls-per-hour must not be negative",
        ),
    ],
)
def test_bad_input_names_the_field(name: str, inputs: dict, field: str, message: str) -> None:
    with pytest.raises(CalculatorError) as e:
        compute(name, inputs)
    assert (e.value.field, message in e.value.message) == (field, True), e.value.message


def test_unknown_calculator_suggests_the_closest() -> None:
    with pytest.raises(CalculatorError) as e:
        compute("shared_savings", {})
    assert e.value.suggestions[0] == "shared-savings"
    assert "unknown calculator 'shared_savings'; closest valid names: shared-savings" in str(
        e.value
    )


def test_the_form_of_a_calculator() -> None:
    form = {f.name: f for f in fields("bundle")}
    assert list(form) == ["price", "patients", "actual", "corridor", "corridor_share", "outliers"]
    assert (form["patients"].kind, form["patients"].of, form["patients"].required) == (
        "mapping",
        "count",
        True,
    )
    assert (form["corridor_share"].kind, form["corridor_share"].default) == ("rate", "1")
    assert form["corridor"].default is None and not form["corridor"].required
    assert "outliers" in form["outliers"].description
    shared = {f.name: f for f in fields("shared-savings")}
    assert (shared["one_sided"].kind, shared["one_sided"].default) == ("bool", False)
    assert shared["sharing_rate"].default == "0.5"
    schema = CALCULATORS["availability"].inputs.model_json_schema()
    assert schema["additionalProperties"] is False and schema["required"] == ["budget", "share"]
