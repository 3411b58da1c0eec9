"""The calculators (rekenhulp): one contract computed from aggregate figures, for the quick
what-if of a purchaser or a finance officer; the plain functions that ``passend calc`` and the
web app (``POST /api/v1/calc/{model}``, the calculator pages) share. No front end here.

- ``CALCULATORS``: name (the command of ``passend calc``) -> ``Calculator`` (titles in nl and
  en, the Pydantic model of its inputs, the model module whose docstring holds the formula).
- ``compute(name, inputs)``: the inputs (the CLI's option names with ``_``; amounts in euros as
  decimal strings, '1234.56' or '1234,56', or numbers) validated and parsed with the money
  helpers, the model function called; returns exactly the dict ``passend calc NAME --json``
  prints (amounts in integer cents).
- ``explain(name, inputs, result, lang)``: the result line by line, each ``Step`` a label and
  the formula with the numbers filled in (from the inputs and the result: the arithmetic stays
  in the model modules, whose docstrings give each formula and its source).
- ``fields(name)``: the form of a calculator (name, kind, default, description per field).

Repeatable ``name=value`` options (share, price, patients, rate, inhabitants, indicator) are a
JSON object ``{"cz": "0.4", "vgz": 0.6}`` or the CLI's list ``["cz=0.4", "vgz=0.6"]``. An
indicator's value is the CLI's spec ``"score:target:weight"``, the target prefixed with ``<``
when lower is better (``{"ed": "0.25:<0.20:1"}``). Bad input raises ``CalculatorError`` with the
field (the input name) and the reason; the messages are the command line's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from difflib import get_close_matches
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)

from passend.business_case.capacity import staffing
from passend.i18n import euros, number, percent, short
from passend.messages import Message, Problem, from_pydantic, message_of
from passend.settlement import models
from passend.settlement.models.availability import availability
from passend.settlement.models.bundle import bundle
from passend.settlement.models.integral_hourly_rate import integral_hourly_rate
from passend.settlement.models.lump_sum import lump_sum
from passend.settlement.models.pay_for_performance import Indicator, pay_for_performance
from passend.settlement.models.population import population
from passend.settlement.models.revenue_cap import revenue_cap
from passend.settlement.models.shared_savings import shared_savings
from passend.settlement.money import check_whole, euros_to_cents, to_count, to_decimal

Lang = Literal["nl", "en"]
Kind = Literal["amount", "rate", "number", "count", "indicator", "bool", "mapping"]
"""What a field holds: euros, a decimal between 0 and 1, another decimal (hours, factors,
shares, calls per hour), a whole number of people, an indicator spec 'score:target:weight',
a yes/no, or a mapping name -> value (its values' kind in ``of``)."""


class CalculatorError(ValueError):
    """Bad input for a calculator: ``field`` is the input's name (None when the reason is not
    one field's, e.g. classes that differ between prices and patients), ``message`` the
    reason (a :class:`~passend.messages.Message` when it has a template: ``str`` gives the
    English text, ``messages.text(message, lang)`` the user's language); ``suggestions`` the
    closest names for an unknown calculator or field."""

    def __init__(self, field: str | None, message: str, suggestions: list[str] | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.suggestions = suggestions or []


@dataclass(frozen=True)
class Step:
    """One line of an explanation: what it is and the formula with the numbers filled in."""

    label: str
    formula: str


# --- input types -------------------------------------------------------------------------


def _scalar(value: Any, info: ValidationInfo) -> Any:
    """A number as given (a decimal string or a JSON number); parsed later by the money
    helpers, which name the option in their errors."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise Problem("expects_number", field=info.field_name, value=value)
    return value


def _pairs(value: Any, info: ValidationInfo) -> dict[str, Any]:
    """name -> value, from a mapping or from the CLI's repeated ``name=value`` options."""
    option = "--" + str(info.field_name).replace("_", "-")
    if isinstance(value, Mapping):
        items = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list | tuple):
        items = []
        for item in value:
            name, _, text = item.partition("=") if isinstance(item, str) else ("", "", "")
            if not name or not text:
                raise Problem("expects_pair", option=option, item=item)
            items.append((name, text.strip()))
    else:
        raise Problem("expects_mapping", option=option, value=value)
    out: dict[str, Any] = {}
    for name, v in items:
        if not name.strip():
            raise Problem("blank_name", option=option)
        if name.strip() in out:
            raise Problem("given_twice", option=option, name=name.strip())
        out[name.strip()] = _scalar(v, info)
    return out


_NUMBER_SCHEMA = {"anyOf": [{"type": "string"}, {"type": "number"}]}
Scalar = Annotated[Any, PlainValidator(_scalar), WithJsonSchema(_NUMBER_SCHEMA)]
Pairs = Annotated[
    dict[str, Any],
    PlainValidator(_pairs),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "object", "additionalProperties": _NUMBER_SCHEMA},
                {"type": "array", "items": {"type": "string", "pattern": "^[^=]+=.+$"}},
            ]
        }
    ),
]

EURO = "amount in euros, e.g. 1250000.00"
RATE = "a decimal between 0 and 1, e.g. 0.5"


def _f(kind: Kind, description: str, default: Any = ..., of: Kind | None = None) -> Any:
    extra: dict[str, Any] = {"x-kind": kind} | ({"x-of": of} if of else {})
    return Field(default, description=description, json_schema_extra=extra)


class Inputs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class SharedSavingsInputs(Inputs):
    benchmark: Scalar = _f("amount", f"Benchmark B: {EURO}")
    actual: Scalar = _f("amount", f"Actual spending A: {EURO}")
    msr: Scalar = _f("rate", f"Minimum savings rate (MSR): {RATE}", "0")
    mlr: Scalar = _f("rate", f"Minimum loss rate (MLR): {RATE}", "0")
    sharing_rate: Scalar = _f("rate", f"Share of the savings for the provider: {RATE}", "0.5")
    loss_sharing_rate: Scalar = _f("rate", f"Share of a loss paid back: {RATE}", "0")
    quality_score: Scalar = _f("rate", f"Quality score: {RATE}", "1")
    savings_cap: Scalar = _f("rate", f"Cap on earned savings, share of B: {RATE}", "1")
    loss_cap: Scalar = _f("rate", f"Cap on an owed loss, share of B: {RATE}", "1")
    payment_factor: Scalar = _f(
        "number", "Adjustment factor of earned savings paid to the provider (1 = none).", "1"
    )
    loss_factor: Scalar = _f(
        "number", "Adjustment factor of an owed loss (1 = the loss share in full).", "1"
    )
    one_sided: bool = _f("bool", "No loss sharing.", False)


class RevenueCapInputs(Inputs):
    claimed: Scalar = _f("amount", f"Claimed: {EURO}")
    cap: Scalar = _f("amount", f"Revenue cap (omzetplafond): {EURO}")
    above_cap_share: Scalar = _f("rate", f"Share of the claims above the cap paid: {RATE}", "0")
    terminal: Scalar = _f("amount", "Part of the claims for terminal care, in euros.", "0")
    exempt_terminal: bool = _f(
        "bool",
        "Exempt the terminal part from the cap (AZWA: only for district nursing at home).",
        True,
    )


class EfficiencyInputs(Inputs):
    rate: Scalar = _f("amount", f"Integral hourly rate: {EURO}")
    hours: Scalar = _f("number", "Hours of district nursing (decimal).")
    client_months: Scalar = _f("number", "Clients x months in care (decimal).")
    norm: Scalar = _f("number", "Norm: average hours per client per month.")
    payback_share: Scalar = _f("rate", f"Share of the hours above the norm paid back: {RATE}", "1")
    terminal_hours: Scalar = _f("number", "Hours for terminal clients.", "0")
    terminal_client_months: Scalar = _f("number", "Client-months of terminal clients.", "0")
    exclude_terminal: bool = _f("bool", "AZWA: leave terminal clients out of the norm test.", True)


class AvailabilityInputs(Inputs):
    budget: Scalar = _f("amount", f"Budget: {EURO}")
    share: Pairs = _f("mapping", 'financer -> share, e.g. {"cz": "0.4"}', of="number")


class BundleInputs(Inputs):
    price: Pairs = _f("mapping", "class -> euros per patient (e.g. cancer: 9000)", of="amount")
    patients: Pairs = _f("mapping", "class -> number of patients", of="count")
    actual: Scalar = _f("amount", f"Actual costs: {EURO}")
    corridor: Scalar | None = _f(
        "rate", "Risk corridor as a share of the payment, e.g. 0.05 (none when absent)", None
    )
    corridor_share: Scalar = _f("rate", f"Share settled beyond the corridor: {RATE}", "1")
    outliers: Scalar = _f("amount", "Costs of outliers carved out, in euros", "0")


class LumpSumInputs(Inputs):
    amount: Scalar = _f("amount", f"Lump sum (aanneemsom): {EURO}")
    share: Pairs = _f("mapping", "insurer -> actual market share", of="number")
    contract_value: Scalar | None = _f(
        "amount", "PxQ value the lump sum was based on, euros (with corridor)", None
    )
    actual_value: Scalar | None = _f("amount", "Realised PxQ value, euros (with corridor)", None)
    corridor: Scalar | None = _f(
        "rate", "Corridor as a share of the contract value, e.g. 0.03 (none when absent)", None
    )
    corridor_share: Scalar = _f("rate", f"Share settled beyond the corridor: {RATE}", "1")


class CapitationInputs(Inputs):
    rate: Pairs = _f("mapping", "band -> euros per inhabitant per year", of="amount")
    inhabitants: Pairs = _f("mapping", "band -> number of inhabitants", of="count")
    bonus_rate: Scalar = _f("rate", f"Quality bonus as a share of the payment: {RATE}", "0")
    quality_score: Scalar = _f("rate", f"Quality score: {RATE}", "0")


class P4PInputs(Inputs):
    pool: Scalar = _f("amount", f"Bonus pool: {EURO}")
    indicator: Pairs = _f(
        "mapping",
        "indicator -> 'score:target:weight'; prefix the target with < when lower is better",
        of="indicator",
    )
    threshold: Scalar = _f("rate", f"Score needed for the bonus: {RATE}", "0")
    malus_rate: Scalar = _f("rate", f"Malus as a share of the pool: {RATE}", "0")
    malus_below: Scalar = _f("rate", f"Malus when the score is below: {RATE}", "0")


class StaffingInputs(Inputs):
    calls_per_hour: Scalar = _f("number", "Calls per hour (decimal), e.g. 1.5")
    handling_minutes: Scalar = _f("number", "Average handling time in minutes.")
    answer_within_seconds: Scalar = _f(
        "number", "Answer within this many seconds (service level time)."
    )
    target: Scalar = _f("rate", f"Service level target: {RATE}")


# --- parsing -------------------------------------------------------------------------------


def _parsed(field: str, parse: Callable[[Any, str], Any], value: Any, what: str) -> Any:
    try:
        return parse(value, what)
    except ValueError as e:
        raise CalculatorError(field, message_of(e)) from None


def _cents(i: Inputs, field: str) -> int | None:
    v = getattr(i, field)
    return None if v is None else _parsed(field, euros_to_cents, v, field.replace("_", "-"))


def _dec(i: Inputs, field: str) -> Decimal | None:
    v = getattr(i, field)
    return None if v is None else _parsed(field, to_decimal, v, field.replace("_", "-"))


def _each(i: Inputs, field: str, parse: Callable[[Any, str], Any], what: str) -> dict[str, Any]:
    """Every value of a mapping field parsed; ``what`` names one ('price {k}')."""
    return {k: _parsed(field, parse, v, what.format(k=k)) for k, v in getattr(i, field).items()}


def _count(value: Any, what: str) -> int:
    return to_count(str(value), what)


def _number(value: Any, what: str) -> float:
    """A decimal from user input (exactly parsed, as the other options), as a float."""
    return float(to_decimal(value, what))


def _call(i: Inputs, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The model function; its ValueError names the field when its first word is one."""
    try:
        return fn(*args, **kwargs)
    except ValueError as e:
        first = str(e).split(" ")[0].rstrip(":").replace("-", "_")
        field = first if first in type(i).model_fields else None
        raise CalculatorError(field, message_of(e)) from None


# --- the calculators: parse, run --------------------------------------------------------


SHARED_SAVINGS_DECIMALS = (
    *("msr", "mlr", "sharing_rate", "loss_sharing_rate", "quality_score", "savings_cap"),
    *("loss_cap", "payment_factor", "loss_factor"),
)


def _shared_savings_args(i: SharedSavingsInputs) -> dict[str, Any]:
    a: dict[str, Any] = {"benchmark": _cents(i, "benchmark"), "actual": _cents(i, "actual")}
    for f in SHARED_SAVINGS_DECIMALS:
        a[f] = _dec(i, f)
    return a | {"one_sided": i.one_sided}


def _shared_savings(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    return _call(
        i,
        shared_savings,
        *(a[f] for f in ("benchmark", "actual", "msr", "mlr", "sharing_rate")),
        *(a[f] for f in ("loss_sharing_rate", "quality_score", "savings_cap", "loss_cap")),
        a["payment_factor"],
        two_sided=not a["one_sided"],
        loss_factor=a["loss_factor"],
    ).as_dict()


def _revenue_cap_args(i: RevenueCapInputs) -> dict[str, Any]:
    return {
        "claimed": _cents(i, "claimed"),
        "cap": _cents(i, "cap"),
        "above_cap_share": _dec(i, "above_cap_share"),
        "terminal": _cents(i, "terminal"),
        "exempt_terminal": i.exempt_terminal,
    }


def _revenue_cap(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    return _call(i, revenue_cap, *a.values()).as_dict()


EFFICIENCY_ORDER = ("rate", "hours", "client_months", "norm", "payback_share", "terminal_hours")


def _efficiency_args(i: EfficiencyInputs) -> dict[str, Any]:
    a: dict[str, Any] = {"rate": _cents(i, "rate")}
    for f in (*EFFICIENCY_ORDER[1:], "terminal_client_months"):
        a[f] = _dec(i, f)
    return a | {"exclude_terminal": i.exclude_terminal}


def _efficiency(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    return _call(i, integral_hourly_rate, *a.values()).as_dict()


def _whole(field: str, shares: dict[str, Decimal]) -> dict[str, Decimal]:
    try:
        check_whole(shares, "--" + field)
    except ValueError as e:
        raise CalculatorError(field, message_of(e)) from None
    return shares


def _availability_args(i: AvailabilityInputs) -> dict[str, Any]:
    return {
        "share": _whole("share", _each(i, "share", to_decimal, "share of {k}")),
        "budget": _cents(i, "budget"),
    }


def _availability(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    parts = _call(i, availability, a["budget"], a["share"])
    return {f"{k}_cents": v for k, v in parts.items()}


def _bundle_args(i: BundleInputs) -> dict[str, Any]:
    return {
        "price": _each(i, "price", euros_to_cents, "price {k}"),
        "patients": _each(i, "patients", _count, "--patients {k}"),
        "actual": _cents(i, "actual"),
        "corridor": _dec(i, "corridor"),
        "corridor_share": _dec(i, "corridor_share"),
        "outliers": _cents(i, "outliers"),
    }


def _bundle(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    return _call(i, bundle, *a.values()).as_dict()


def _lump_sum_args(i: LumpSumInputs) -> dict[str, Any]:
    a: dict[str, Any] = {"share": _whole("share", _each(i, "share", to_decimal, "share {k}"))}
    for f in ("contract_value", "actual_value"):
        a[f] = _cents(i, f)
        if a[f] is not None and a[f] < 0:
            raise CalculatorError(f, Message("must_not_be_negative", option=f.replace("_", "-")))
    if i.corridor is None and (a["contract_value"] is not None or a["actual_value"] is not None):
        raise CalculatorError("corridor", Message("corridor_only"))
    return a | {
        "amount": _cents(i, "amount"),
        "corridor": _dec(i, "corridor"),
        "corridor_share": _dec(i, "corridor_share"),
    }


def _lump_sum(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    result = _call(
        i,
        lump_sum,
        *(a[f] for f in ("amount", "share", "contract_value", "actual_value", "corridor")),
        a["corridor_share"],
    ).as_dict()
    parts = result.pop("parts_cents")
    return {**result, **{f"{k}_cents": v for k, v in parts.items()}}


def _capitation_args(i: CapitationInputs) -> dict[str, Any]:
    return {
        "rate": _each(i, "rate", euros_to_cents, "rate {k}"),
        "inhabitants": _each(i, "inhabitants", _count, "--inhabitants {k}"),
        "bonus_rate": _dec(i, "bonus_rate"),
        "quality_score": _dec(i, "quality_score"),
    }


def _capitation(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    return _call(i, population, *a.values()).as_dict()


def _indicator(name: str, spec: Any) -> Indicator:
    parts = str(spec).split(":")
    if len(parts) != 3:
        raise CalculatorError("indicator", Message("indicator_spec", name=name))
    score, target, weight = (
        _parsed("indicator", to_decimal, v.lstrip("<") if k == "target" else v, f"{name} {k}")
        for k, v in zip(("score", "target", "weight"), parts, strict=True)
    )
    return Indicator(name, score, target, weight, parts[1].startswith("<"))


def _p4p_args(i: P4PInputs) -> dict[str, Any]:
    return {
        "indicator": [_indicator(k, v) for k, v in i.indicator.items()],
        "pool": _cents(i, "pool"),
        "threshold": _dec(i, "threshold"),
        "malus_rate": _dec(i, "malus_rate"),
        "malus_below": _dec(i, "malus_below"),
    }


def _p4p(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    return _call(
        i,
        pay_for_performance,
        a["pool"],
        a["indicator"],
        *(a[f] for f in ("threshold", "malus_rate", "malus_below")),
    ).as_dict()


STAFFING_ORDER = ("calls_per_hour", "handling_minutes", "answer_within_seconds", "target")


def _staffing_args(i: StaffingInputs) -> dict[str, Any]:
    return {f: _parsed(f, _number, getattr(i, f), f.replace("_", "-")) for f in STAFFING_ORDER}


def _staffing(i: Inputs, a: dict[str, Any]) -> dict[str, Any]:
    return _call(i, staffing, *a.values()).as_dict()


# --- explanations: labels per language, numbers filled in ---------------------------------


class _Fmt:
    """Numbers as a line of a formula shows them, in one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.sep = "; " if lang == "nl" else ", "
        """Between the arguments of min() and max(): the Dutch decimal comma is taken."""

    def eur(self, cents: int) -> str:
        """An amount as an operand: a negative one in parentheses."""
        text = euros(cents, self.lang)
        return f"({text})" if cents < 0 else text

    def num(self, value: Any) -> str:
        """A figure as given (its decimals, none added): 24.0 calls per hour shows as 24."""
        return short(Decimal(str(value)), self.lang, most=12)

    def fixed(self, value: float, places: int) -> str:
        return number(value, self.lang, places)

    def pct(self, share: float) -> str:
        return percent(share, self.lang, 1)

    def sum(self, items: list[str]) -> str:
        return " + ".join(items) if len(items) < 2 else f"({' + '.join(items)})"


def _figure(value: Any, lang: str) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return short(Decimal(str(value)), lang, most=12)
    return value


Texts = dict[str, dict[str, tuple[str, str]]]
"""step key -> language -> (label, formula template with named numbers)."""


def _steps(texts: Texts, lang: str, *steps: tuple[str, dict[str, Any]]) -> list[Step]:
    """The steps' labels and formulas in ``lang``; a figure not yet formatted (a count of
    people or agents) with the language's marks (Dutch ``25.000``)."""
    out = []
    for key, given in steps:
        values = {k: _figure(v, lang) for k, v in given.items()}
        label, template = texts[key][lang]
        out.append(Step(label.format(**values), template.format(**values)))
    return out


SHARED_SAVINGS_TEXTS: Texts = {
    "savings": {
        "nl": ("Besparing", "S = B − A = {B} − {A} = {S}"),
        "en": ("Savings", "S = B − A = {B} − {A} = {S}"),
    },
    "msr": {
        "nl": ("Drempel: minimale besparing (MSR)", "MSR × B = {msr} × {B} = {T}"),
        "en": ("Threshold: minimum savings rate (MSR)", "MSR × B = {msr} × {B} = {T}"),
    },
    "mlr": {
        "nl": ("Drempel: minimaal verlies (MLR)", "MLR × B = {mlr} × {B} = {T}"),
        "en": ("Threshold: minimum loss rate (MLR)", "MLR × B = {mlr} × {B} = {T}"),
    },
    "shared_savings": {
        "nl": (
            "Deel van de besparing voor de aanbieder{capped}",
            "min(deelpercentage × kwaliteitsscore × S; plafond × B) × betalingsfactor"
            " = min({rate} × {q} × {S}; {cap} × {B}) × {factor} = {earned}",
        ),
        "en": (
            "Share of the savings paid to the provider{capped}",
            "min(sharing rate × quality score × S, savings cap × B) × payment factor"
            " = min({rate} × {q} × {S}, {cap} × {B}) × {factor} = {earned}",
        ),
    },
    "below_msr": {
        "nl": ("Geen deel: de besparing haalt de drempel niet", "S = {S}, MSR × B = {T}: {zero}"),
        "en": (
            "No share: the savings do not reach the threshold",
            "S = {S}, MSR × B = {T}: {zero}",
        ),
    },
    "shared_loss": {
        "nl": (
            "Terug te betalen deel van het verlies{capped}",
            "min(verliesdeel × (−S); verliesplafond × B) × verliesfactor"
            " = min({rate} × {minus_S}; {cap} × {B}) × {factor} = {owed}",
        ),
        "en": (
            "Share of the loss paid back{capped}",
            "min(loss sharing rate × (−S), loss cap × B) × loss factor"
            " = min({rate} × {minus_S}, {cap} × {B}) × {factor} = {owed}",
        ),
    },
    "within_mlr": {
        "nl": (
            "Geen terugbetaling: het verlies blijft binnen de drempel",
            "−S = {minus_S}, MLR × B = {T}: {zero}",
        ),
        "en": (
            "Nothing paid back: the loss stays within the threshold",
            "−S = {minus_S}, MLR × B = {T}: {zero}",
        ),
    },
    "one_sided_loss": {
        "nl": ("Geen terugbetaling: eenzijdig contract", "−S = {minus_S}: {zero}"),
        "en": ("Nothing paid back: one-sided contract", "−S = {minus_S}: {zero}"),
    },
}
CAPPED = {"nl": " (plafond bereikt)", "en": " (capped)"}


def _explain_shared_savings(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    v = {
        "B": f.eur(r["benchmark_cents"]),
        "A": f.eur(r["actual_cents"]),
        "S": euros(r["savings_cents"], f.lang),
        "minus_S": f.eur(-r["savings_cents"]),
        "T": euros(r["threshold_cents"], f.lang),
        "msr": f.num(a["msr"]),
        "mlr": f.num(a["mlr"]),
        "zero": euros(0, f.lang),
        "capped": CAPPED[f.lang] if r["capped"] else "",
        "earned": euros(r["earned_cents"], f.lang),
        "owed": euros(r["owed_cents"], f.lang),
    }
    outcome = r["outcome"]
    if outcome in ("shared_savings", "below_msr"):
        threshold = "msr"
        v |= {"rate": f.num(a["sharing_rate"]), "cap": f.num(a["savings_cap"])}
        v |= {"q": f.num(a["quality_score"]), "factor": f.num(a["payment_factor"])}
    else:
        threshold = "mlr"
        v |= {"rate": f.num(a["loss_sharing_rate"]), "cap": f.num(a["loss_cap"])}
        v |= {"factor": f.num(a["loss_factor"])}
    savings = {**v, "S": euros(r["savings_cents"], f.lang)}
    operand = {**v, "S": f.eur(r["savings_cents"])}
    return _steps(
        SHARED_SAVINGS_TEXTS,
        f.lang,
        ("savings", savings),
        (threshold, v),
        (outcome, operand),
    )


REVENUE_CAP_TEXTS: Texts = {
    "exempt": {
        "nl": (
            "Vrijgesteld: terminale zorg (AZWA)",
            "vrijgesteld = terminale zorg = {exempt}",
        ),
        "en": ("Exempt: terminal care (AZWA)", "exempt = terminal care = {exempt}"),
    },
    "not_exempt": {
        "nl": ("Niet vrijgesteld", "vrijgesteld = {exempt}"),
        "en": ("No exemption", "exempt = {exempt}"),
    },
    "over": {
        "nl": (
            "Boven het plafond (erboven)",
            "max(0; gedeclareerd − vrijgesteld − plafond)"
            " = max(0; {claimed} − {exempt} − {cap}) = {over_cap}",
        ),
        "en": (
            "Above the cap (above)",
            "max(0, claimed − exempt − cap) = max(0, {claimed} − {exempt} − {cap}) = {over_cap}",
        ),
    },
    "paid": {
        "nl": (
            "Betaald",
            "min(gedeclareerd − vrijgesteld; plafond) + deel × erboven + vrijgesteld"
            " = min({claimed} − {exempt}; {cap}) + {share} × {over_cap} + {exempt} = {paid}",
        ),
        "en": (
            "Paid",
            "min(claimed − exempt, cap) + share × above + exempt"
            " = min({claimed} − {exempt}, {cap}) + {share} × {over_cap} + {exempt} = {paid}",
        ),
    },
    "unpaid": {
        "nl": (
            "Niet betaald (voor rekening van de aanbieder)",
            "gedeclareerd − betaald = {claimed} − {paid} = {unpaid}",
        ),
        "en": (
            "Not paid (borne by the provider)",
            "claimed − paid = {claimed} − {paid} = {unpaid}",
        ),
    },
}


def _explain_revenue_cap(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    v = {k.removesuffix("_cents"): f.eur(x) for k, x in r.items()}
    v["share"] = f.num(a["above_cap_share"])
    return _steps(
        REVENUE_CAP_TEXTS,
        f.lang,
        ("exempt" if a["exempt_terminal"] else "not_exempt", v),
        ("over", v),
        ("paid", v),
        ("unpaid", v),
    )


EFFICIENCY_TEXTS: Texts = {
    "paid": {
        "nl": ("Betaald", "tarief × uren = {rate} × {hours} = {paid}"),
        "en": ("Paid", "rate × hours = {rate} × {hours} = {paid}"),
    },
    "tested_excl": {
        "nl": (
            "Getoetste uren (zonder terminale cliënten, AZWA)",
            "uren − terminale uren = {hours} − {t_hours} = {tested}",
        ),
        "en": (
            "Hours tested (without terminal clients, AZWA)",
            "hours − terminal hours = {hours} − {t_hours} = {tested}",
        ),
    },
    "tested_all": {
        "nl": ("Getoetste uren", "uren = {tested}"),
        "en": ("Hours tested", "hours = {tested}"),
    },
    "norm_excl": {
        "nl": (
            "Norm in uren",
            "norm × (cliëntmaanden − terminale cliëntmaanden) = {norm} × ({months} − {t_months})"
            " = {norm_hours}",
        ),
        "en": (
            "Norm in hours",
            "norm × (client-months − terminal client-months) = {norm} × ({months} − {t_months})"
            " = {norm_hours}",
        ),
    },
    "norm_all": {
        "nl": ("Norm in uren", "norm × cliëntmaanden = {norm} × {months} = {norm_hours}"),
        "en": ("Norm in hours", "norm × client-months = {norm} × {months} = {norm_hours}"),
    },
    "average": {
        "nl": ("Gemiddeld per cliënt per maand", "{average} uur (norm {norm})"),
        "en": ("Average per client per month", "{average} hours (norm {norm})"),
    },
    "excess": {
        "nl": (
            "Uren boven de norm",
            "max(0; getoetste uren − norm) = max(0; {tested} − {norm_hours}) = {excess}",
        ),
        "en": (
            "Hours above the norm",
            "max(0, hours tested − norm) = max(0, {tested} − {norm_hours}) = {excess}",
        ),
    },
    "payback": {
        "nl": (
            "Terugbetaling",
            "terugbetaaldeel × tarief × uren boven de norm = {share} × {rate} × {excess}"
            " = {payback}",
        ),
        "en": (
            "Payback",
            "payback share × rate × hours above the norm = {share} × {rate} × {excess} = {payback}",
        ),
    },
    "net": {
        "nl": ("Netto", "betaald − terugbetaling = {paid} − {payback} = {net}"),
        "en": ("Net", "paid − payback = {paid} − {payback} = {net}"),
    },
}


def _explain_efficiency(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    v = {
        "rate": f.eur(a["rate"]),
        "hours": f.num(a["hours"]),
        "t_hours": f.num(a["terminal_hours"]),
        "months": f.num(a["client_months"]),
        "t_months": f.num(a["terminal_client_months"]),
        "norm": f.num(a["norm"]),
        "share": f.num(a["payback_share"]),
        "tested": f.num(r["hours_tested"]),
        "norm_hours": f.num(r["norm_hours"]),
        "excess": f.num(r["excess_hours"]),
        "average": f.num(r["average_hours_per_client_month"]),
        **{k.removesuffix("_cents"): f.eur(r[k]) for k in ("paid_cents", "payback_cents")},
        "net": euros(r["net_cents"], f.lang),
    }
    which = "excl" if a["exclude_terminal"] else "all"
    return _steps(
        EFFICIENCY_TEXTS,
        f.lang,
        ("paid", v),
        (f"tested_{which}", v),
        (f"norm_{which}", v),
        ("average", v),
        ("excess", v),
        ("payback", v),
        ("net", v),
    )


SPLIT_TEXTS: Texts = {
    "part": {
        "nl": (
            "Deel van {name}",
            "{total_name} × aandeel / som van de aandelen = {total} × {share} / {shares} = {part}",
        ),
        "en": (
            "Part of {name}",
            "{total_name} × share / sum of the shares = {total} × {share} / {shares} = {part}",
        ),
    },
    "rounding": {
        "nl": (
            "Afronding",
            "de delen tellen exact op tot {total}; de losse centen naar de grootste resten",
        ),
        "en": (
            "Rounding",
            "the parts add up to {total} exactly; the odd cents go to the largest remainders",
        ),
    },
}
TOTAL_NAMES = {"budget": {"nl": "budget", "en": "budget"}, "total": {"nl": "totaal", "en": "total"}}


def _split(
    shares: dict[str, Decimal], total: int, parts: dict[str, int], what: str, f: _Fmt
) -> list[Step]:
    """The exact split of ``money.split_by_shares``, one line per party and one on rounding."""
    common = {
        "total_name": TOTAL_NAMES[what][f.lang],
        "total": f.eur(total),
        "shares": f.sum([f.num(s) for s in shares.values()]),
    }
    steps = [
        ("part", {**common, "name": k, "share": f.num(s), "part": euros(parts[k], f.lang)})
        for k, s in shares.items()
    ]
    return _steps(SPLIT_TEXTS, f.lang, *steps, ("rounding", common))


def _explain_availability(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    parts = {k: r[f"{k}_cents"] for k in a["share"]}
    return _split(a["share"], a["budget"], parts, "budget", f)


CORRIDOR_TEXTS: Texts = {
    "none": {
        "nl": ("Verrekening", "geen corridor: {zero}"),
        "en": ("Settlement", "no corridor: {zero}"),
    },
    "corridor": {
        "nl": (
            "Verrekening buiten de corridor",
            "deel × max(0; |{x}| − corridor × {base_name}) × teken({x})"
            " = {share} × max(0; {abs_x} − {corridor} × {base}) × {sign} = {settlement}",
        ),
        "en": (
            "Settlement beyond the corridor",
            "share × max(0, |{x}| − corridor × {base_name}) × sign({x})"
            " = {share} × max(0, {abs_x} − {corridor} × {base}) × {sign} = {settlement}",
        ),
    },
}


def _corridor(
    a: dict[str, Any], x: int, base: int, settlement: int, names: dict[str, str], f: _Fmt
) -> list[Step]:
    """The corridor of a bundle or a lump sum (the same formula in both modules)."""
    v = {
        "zero": euros(0, f.lang),
        "x": names["x"],
        "base_name": names["base"],
        "share": f.num(a["corridor_share"]),
        "abs_x": f.eur(abs(x)),
        "base": f.eur(base),
        "sign": "+1" if x > 0 else "−1" if x < 0 else "0",
        "settlement": euros(settlement, f.lang),
    }
    if a["corridor"] is None:
        return _steps(CORRIDOR_TEXTS, f.lang, ("none", v))
    return _steps(CORRIDOR_TEXTS, f.lang, ("corridor", v | {"corridor": f.num(a["corridor"])}))


BUNDLE_TEXTS: Texts = {
    "payment": {
        "nl": ("Bundelbetaling", "Σ prijs × patiënten = {terms} = {payment}"),
        "en": ("Bundle payment", "Σ price × patients = {terms} = {payment}"),
    },
    "result": {
        "nl": (
            "Resultaat van het consortium vóór de corridor",
            "betaling − (werkelijk − uitschieters) = {payment_op} − ({actual} − {outlier})"
            " = {result}",
        ),
        "en": (
            "Consortium result before the corridor",
            "payment − (actual − outliers) = {payment_op} − ({actual} − {outlier}) = {result}",
        ),
    },
    "consortium": {
        "nl": (
            "Resultaat van het consortium",
            "resultaat − verrekening = {result_op} − {settlement} = {consortium_result}",
        ),
        "en": (
            "Consortium result",
            "result − settlement = {result_op} − {settlement} = {consortium_result}",
        ),
    },
    "financer": {
        "nl": (
            "Financier betaalt",
            "betaling − verrekening + uitschieters = {payment_op} − {settlement} + {outlier}"
            " = {financer_pays}",
        ),
        "en": (
            "Financer pays",
            "payment − settlement + outliers = {payment_op} − {settlement} + {outlier}"
            " = {financer_pays}",
        ),
    },
}
BUNDLE_NAMES = {
    "nl": {"x": "resultaat", "base": "betaling"},
    "en": {"x": "result", "base": "payment"},
}


def _explain_bundle(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    v = {k.removesuffix("_cents"): euros(x, f.lang) for k, x in r.items()}
    v |= {k.removesuffix("_cents") + "_op": f.eur(x) for k, x in r.items()}
    v |= {"actual": f.eur(r["actual_cents"]), "outlier": f.eur(r["outlier_cents"])}
    v["settlement"] = f.eur(r["settlement_cents"])
    terms = [f"{f.eur(p)} × {f.num(a['patients'][c])}" for c, p in a["price"].items()]
    v["terms"] = " + ".join(terms) or "0"
    corridor = _corridor(
        a, r["result_cents"], r["payment_cents"], r["settlement_cents"], BUNDLE_NAMES[f.lang], f
    )
    return [
        *_steps(BUNDLE_TEXTS, f.lang, ("payment", v), ("result", v)),
        *corridor,
        *_steps(BUNDLE_TEXTS, f.lang, ("consortium", v), ("financer", v)),
    ]


LUMP_SUM_TEXTS: Texts = {
    "deviation": {
        "nl": (
            "Afwijking van de PxQ-waarde",
            "werkelijke waarde − contractwaarde = {actual_value} − {contract_value} = {deviation}",
        ),
        "en": (
            "Deviation of the PxQ value",
            "actual value − contract value = {actual_value} − {contract_value} = {deviation}",
        ),
    },
    "total": {
        "nl": ("Totaal", "aanneemsom + verrekening = {amount} + {settlement} = {total}"),
        "en": ("Total", "lump sum + settlement = {amount} + {settlement} = {total}"),
    },
}
LUMP_SUM_NAMES = {
    "nl": {"x": "afwijking", "base": "contractwaarde"},
    "en": {"x": "deviation", "base": "contract value"},
}


def _explain_lump_sum(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    v = {
        "amount": f.eur(r["amount_cents"]),
        "settlement": f.eur(r["settlement_cents"]),
        "total": euros(r["total_cents"], f.lang),
        "deviation": euros(r["deviation_cents"], f.lang),
        **{k: f.eur(a[k] or 0) for k in ("actual_value", "contract_value")},
    }
    deviation = _steps(LUMP_SUM_TEXTS, f.lang, ("deviation", v)) if a["corridor"] else []
    corridor = _corridor(
        a,
        r["deviation_cents"],
        a["contract_value"] or 0,
        r["settlement_cents"],
        LUMP_SUM_NAMES[f.lang],
        f,
    )
    parts = {k: r[f"{k}_cents"] for k in a["share"]}
    return [
        *deviation,
        *corridor,
        *_steps(LUMP_SUM_TEXTS, f.lang, ("total", v)),
        *_split(a["share"], r["total_cents"], parts, "total", f),
    ]


CAPITATION_TEXTS: Texts = {
    "inhabitants": {
        "nl": ("Inwoners", "Σ inwoners = {terms} = {inhabitants}"),
        "en": ("Inhabitants", "Σ inhabitants = {terms} = {inhabitants}"),
    },
    "payment": {
        "nl": ("Betaling", "Σ tarief × inwoners = {terms} = {payment}"),
        "en": ("Payment", "Σ rate × inhabitants = {terms} = {payment}"),
    },
    "bonus": {
        "nl": (
            "Kwaliteitsbonus",
            "bonuspercentage × kwaliteitsscore × betaling = {rate} × {score} × {payment_op}"
            " = {bonus}",
        ),
        "en": (
            "Quality bonus",
            "bonus rate × quality score × payment = {rate} × {score} × {payment_op} = {bonus}",
        ),
    },
    "total": {
        "nl": ("Totaal", "betaling + bonus = {payment_op} + {bonus_op} = {total}"),
        "en": ("Total", "payment + bonus = {payment_op} + {bonus_op} = {total}"),
    },
}


def _explain_capitation(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    v = {k.removesuffix("_cents"): euros(x, f.lang) for k, x in r.items() if k.endswith("_cents")}
    v |= {"payment_op": f.eur(r["payment_cents"]), "bonus_op": f.eur(r["bonus_cents"])}
    v |= {"rate": f.num(a["bonus_rate"]), "score": f.num(a["quality_score"])}
    counts = a["inhabitants"]
    people = {"terms": " + ".join(f.num(n) for n in counts.values()) or "0"}
    money = {
        "terms": " + ".join(f"{f.eur(c)} × {f.num(counts[b])}" for b, c in a["rate"].items()) or "0"
    }
    return _steps(
        CAPITATION_TEXTS,
        f.lang,
        ("inhabitants", {**people, "inhabitants": r["inhabitants"]}),
        ("payment", v | money),
        ("bonus", v),
        ("total", v),
    )


P4P_TEXTS: Texts = {
    "higher": {
        "nl": ("Realisatie {name}", "min(1; score / doel) = min(1; {score} / {target}) = {a}"),
        "en": ("Achievement {name}", "min(1, score / target) = min(1, {score} / {target}) = {a}"),
    },
    "lower": {
        "nl": (
            "Realisatie {name} (lager is beter)",
            "min(1; doel / score) = min(1; {target} / {score}) = {a}",
        ),
        "en": (
            "Achievement {name} (lower is better)",
            "min(1, target / score) = min(1, {target} / {score}) = {a}",
        ),
    },
    "lower_zero": {
        "nl": ("Realisatie {name} (lager is beter)", "score 0: {a}"),
        "en": ("Achievement {name} (lower is better)", "score 0: {a}"),
    },
    "score": {
        "nl": (
            "Score",
            "Σ gewicht × realisatie / Σ gewicht = {terms} / {weights} = {score}",
        ),
        "en": ("Score", "Σ weight × achievement / Σ weight = {terms} / {weights} = {score}"),
    },
    "bonus": {
        "nl": (
            "Bonus",
            "pool × score als score ≥ drempel = {pool} × {score} als {score} ≥ {threshold}"
            " = {bonus}",
        ),
        "en": (
            "Bonus",
            "pool × score if score ≥ threshold = {pool} × {score} if {score} ≥ {threshold}"
            " = {bonus}",
        ),
    },
    "malus": {
        "nl": (
            "Malus",
            "malusdeel × pool als score < malusgrens = {rate} × {pool} als {score} < {below}"
            " = {malus}",
        ),
        "en": (
            "Malus",
            "malus rate × pool if score < malus below = {rate} × {pool} if {score} < {below}"
            " = {malus}",
        ),
    },
}


def _explain_p4p(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    lines = []
    for ind in a["indicator"]:
        key = "lower_zero" if ind.score == 0 else "lower"
        values = {"name": ind.name, "score": f.num(ind.score), "target": f.num(ind.target)}
        values["a"] = f.num(r["achievements"][ind.name])
        lines.append((key if ind.lower_is_better else "higher", values))
    terms = [f"{f.num(i.weight)} × {f.num(r['achievements'][i.name])}" for i in a["indicator"]]
    v = {
        "terms": f.sum(terms),
        "weights": f.sum([f.num(i.weight) for i in a["indicator"]]),
        "score": f.num(r["score"]),
        "pool": f.eur(a["pool"]),
        "threshold": f.num(a["threshold"]),
        "bonus": euros(r["bonus_cents"], f.lang),
        "rate": f.num(a["malus_rate"]),
        "below": f.num(a["malus_below"]),
        "malus": euros(r["malus_cents"], f.lang),
    }
    return _steps(P4P_TEXTS, f.lang, *lines, ("score", v), ("bonus", v), ("malus", v))


STAFFING_TEXTS: Texts = {
    "load": {
        "nl": (
            "Aangeboden belasting (Erlang)",
            "A = oproepen per uur × gesprekstijd in minuten / 60 = {calls} × {minutes} / 60"
            " = {load}",
        ),
        "en": (
            "Offered load (Erlang)",
            "A = calls per hour × handling minutes / 60 = {calls} × {minutes} / 60 = {load}",
        ),
    },
    "agents": {
        "nl": (
            "Medewerkers op dienst",
            "N = het kleinste aantal boven A (minstens 1) met servicegraad ≥ {target} = {agents}",
        ),
        "en": (
            "Agents on duty",
            "N = the fewest above A (at least 1) with service level ≥ {target} = {agents}",
        ),
    },
    "wait": {
        "nl": ("Kans op wachten", "P = C(N{sep}A) = C({agents}{sep}{load}) = {wait}"),
        "en": ("Probability of waiting", "P = C(N{sep}A) = C({agents}{sep}{load}) = {wait}"),
    },
    "service_level": {
        "nl": (
            "Servicegraad",
            "1 − P × exp(−(N − A) × t / gesprekstijd) = 1 − {wait} × exp(−({agents} − {load})"
            " × {seconds} s / ({minutes} × 60 s)) = {service_level}",
        ),
        "en": (
            "Service level",
            "1 − P × exp(−(N − A) × t / handling time) = 1 − {wait} × exp(−({agents} − {load})"
            " × {seconds} s / ({minutes} × 60 s)) = {service_level}",
        ),
    },
    "occupancy": {
        "nl": ("Bezettingsgraad", "A / N = {load} / {agents} = {occupancy}"),
        "en": ("Occupancy", "A / N = {load} / {agents} = {occupancy}"),
    },
}


def _explain_staffing(a: dict[str, Any], r: dict[str, Any], f: _Fmt) -> list[Step]:
    v = {
        "calls": f.num(a["calls_per_hour"]),
        "minutes": f.num(a["handling_minutes"]),
        "seconds": f.num(a["answer_within_seconds"]),
        "target": f.pct(a["target"]),
        "load": f.fixed(r["load"], 3),
        "agents": r["agents"],
        "sep": f.sep,
        **{k: f.pct(r[k]) for k in ("wait_probability", "service_level", "occupancy")},
    }
    v["wait"] = v.pop("wait_probability")
    keys = ("load", "agents", "wait", "service_level", "occupancy")
    return _steps(STAFFING_TEXTS, f.lang, *((k, v) for k in keys))


# --- the registry ----------------------------------------------------------------------


@dataclass(frozen=True)
class Calculator:
    """One calculator: ``name`` is the command of ``passend calc``; ``inputs`` the Pydantic
    model of its fields; ``module`` the model module whose docstring gives the formula."""

    name: str
    title: Mapping[str, str]
    summary: Mapping[str, str]
    inputs: type[Inputs]
    module: str
    parse: Callable[[Any], dict[str, Any]]
    run: Callable[[Inputs, dict[str, Any]], dict[str, Any]]
    explain: Callable[[dict[str, Any], dict[str, Any], _Fmt], list[Step]]


def _formula(name: str) -> str:
    """The module of the model whose ``calculator`` is ``name`` (``models.REGISTRY``): its
    docstring holds the formula the calculator computes."""
    return next(m.module for m in models.REGISTRY.values() if m.calculator == name)


CALCULATORS: dict[str, Calculator] = {
    c.name: c
    for c in (
        Calculator(
            "shared-savings",
            {"nl": "Shared savings (gedeelde besparingen)", "en": "Shared savings"},
            {
                "nl": "Deel van S = B − A boven MSR × B (kwaliteit, plafond); terug boven MLR × B.",
                "en": "A share of S = B − A above MSR × B (quality, cap); paid back above MLR × B.",
            },
            SharedSavingsInputs,
            _formula("shared-savings"),
            _shared_savings_args,
            _shared_savings,
            _explain_shared_savings,
        ),
        Calculator(
            "revenue-cap",
            {"nl": "Omzetplafond", "en": "Revenue cap"},
            {
                "nl": "Boven het plafond niet (of tegen een deel) betaald; terminale zorg thuis"
                " vrijgesteld (AZWA, wijkverpleging).",
                "en": "Not paid (or at a share) above the cap; terminal care at home exempt"
                " (AZWA, district nursing).",
            },
            RevenueCapInputs,
            _formula("revenue-cap"),
            _revenue_cap_args,
            _revenue_cap,
            _explain_revenue_cap,
        ),
        Calculator(
            "efficiency",
            {
                "nl": "Integraal uurtarief en doelmatigheid",
                "en": "Integral hourly rate and efficiency agreement",
            },
            {
                "nl": "Uren boven de norm worden (deels) terugbetaald.",
                "en": "Hours above the norm are (partly) paid back.",
            },
            EfficiencyInputs,
            _formula("efficiency"),
            _efficiency_args,
            _efficiency,
            _explain_efficiency,
        ),
        Calculator(
            "availability",
            {"nl": "Beschikbaarheidsbekostiging", "en": "Availability payment"},
            {
                "nl": "Een vast budget, verdeeld over financiers naar aandeel.",
                "en": "A fixed budget, split over financers by share.",
            },
            AvailabilityInputs,
            _formula("availability"),
            _availability_args,
            _availability,
            _explain_availability,
        ),
        Calculator(
            "bundle",
            {"nl": "Bundelbekostiging", "en": "Bundled payment"},
            {
                "nl": "Vaste prijs per patiënt; resultaat voor het consortium, met risicocorridor"
                " en uitschieters.",
                "en": "A fixed price per patient; the consortium keeps the result, with a risk"
                " corridor and outliers.",
            },
            BundleInputs,
            _formula("bundle"),
            _bundle_args,
            _bundle,
            _explain_bundle,
        ),
        Calculator(
            "lump-sum",
            {"nl": "Aanneemsom", "en": "Lump sum"},
            {
                "nl": "Vast bedrag, verrekend op het feitelijke marktaandeel, met optionele"
                " corridor.",
                "en": "A fixed amount, settled on the actual market shares, with an optional"
                " corridor.",
            },
            LumpSumInputs,
            _formula("lump-sum"),
            _lump_sum_args,
            _lump_sum,
            _explain_lump_sum,
        ),
        Calculator(
            "capitation",
            {"nl": "Populatiebekostiging", "en": "Capitation (population-based payment)"},
            {
                "nl": "Bedrag per inwoner per leeftijdsband, met kwaliteitsbonus.",
                "en": "An amount per inhabitant per age band, with a quality bonus.",
            },
            CapitationInputs,
            _formula("capitation"),
            _capitation_args,
            _capitation,
            _explain_capitation,
        ),
        Calculator(
            "p4p",
            {"nl": "Pay for performance (betalen voor kwaliteit)", "en": "Pay for performance"},
            {
                "nl": "Bonus (en malus) uit de score op indicatoren met doel en gewicht.",
                "en": "A bonus (and malus) from the score on indicators with targets and weights.",
            },
            P4PInputs,
            _formula("p4p"),
            _p4p_args,
            _p4p,
            _explain_p4p,
        ),
        Calculator(
            "staffing",
            {"nl": "Bezetting telefoonlijn (Erlang C)", "en": "Phone line staffing (Erlang C)"},
            {
                "nl": "Het kleinste aantal medewerkers dat de servicegraad haalt, minstens één.",
                "en": "The fewest agents that meet the service level, at least one.",
            },
            StaffingInputs,
            "passend.business_case.capacity",
            _staffing_args,
            _staffing,
            _explain_staffing,
        ),
    )
}


def calculator(name: str) -> Calculator:
    """The calculator of that name; unknown: a ``CalculatorError`` with the closest names."""
    if name in CALCULATORS:
        return CALCULATORS[name]
    close = get_close_matches(name, list(CALCULATORS), n=3, cutoff=0.5) or list(CALCULATORS)
    raise CalculatorError(None, Message("unknown_calculator", name=name, names=close), close)


def validate(name: str, inputs: Mapping[str, Any]) -> Inputs:
    """The inputs checked against the calculator's model (types, required, no unknown field)."""
    model = calculator(name).inputs
    if not isinstance(inputs, Mapping):
        raise CalculatorError(None, Message("inputs_mapping", name=name))
    try:
        return model.model_validate(dict(inputs))
    except ValidationError as e:
        raise _error(e, model) from None


def _error(e: ValidationError, model: type[Inputs]) -> CalculatorError:
    first = e.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else None
    if first["type"] == "extra_forbidden":
        close = get_close_matches(str(field), list(model.model_fields), n=3, cutoff=0.5)
        hint = Message("closest", names=close) if close else ""
        known = list(model.model_fields)
        return CalculatorError(
            field, Message("unknown_field", field=field, hint=hint, known=known), close
        )
    if first["type"] == "missing":
        return CalculatorError(field, Message("field_required", field=field))
    if first["type"] == "value_error":
        return CalculatorError(field, from_pydantic(first))
    return CalculatorError(field, Message("field_reason", field=field, reason=from_pydantic(first)))


def _parse(name: str, inputs: Mapping[str, Any]) -> tuple[Calculator, Inputs, dict[str, Any]]:
    c = calculator(name)
    checked = validate(name, inputs)
    return c, checked, c.parse(checked)


def compute(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """What ``passend calc NAME --json`` prints for these inputs (amounts in cents)."""
    c, checked, args = _parse(name, inputs)
    return c.run(checked, args)


def explain(
    name: str, inputs: Mapping[str, Any], result: Mapping[str, Any], lang: str = "nl"
) -> list[Step]:
    """The result of ``compute(name, inputs)`` line by line in ``lang`` (nl or en): each step
    its label and the formula with the numbers filled in."""
    if lang not in ("nl", "en"):
        raise CalculatorError("lang", Message("bad_lang", lang=lang))
    c, _, args = _parse(name, inputs)
    return c.explain(args, dict(result), _Fmt(lang))


@dataclass(frozen=True)
class FieldSpec:
    """One field of a calculator's form."""

    name: str
    kind: Kind
    of: Kind | None
    """The kind of a mapping's values."""
    required: bool
    default: Any
    description: str


def fields(name: str) -> list[FieldSpec]:
    """The form of a calculator, in the order of the command line's options."""
    out = []
    for field_name, info in calculator(name).inputs.model_fields.items():
        extra = info.json_schema_extra
        assert isinstance(extra, dict)
        out.append(
            FieldSpec(
                field_name,
                extra["x-kind"],  # type: ignore[arg-type]
                extra.get("x-of"),  # type: ignore[arg-type]
                info.is_required(),
                None if info.is_required() else info.default,
                info.description or "",
            )
        )
    return out


__all__ = [
    "CALCULATORS",
    "Calculator",
    "CalculatorError",
    "FieldSpec",
    "Inputs",
    "Step",
    "calculator",
    "compute",
    "explain",
    "fields",
    "validate",
]
