"""``passend calc MODEL``: one contract computed from aggregate figures, for the quick what-if of
a purchaser or a finance officer. Money in euros on input (decimal strings, '1234.56' or
'1234,56'), integer cents in JSON output. Rates and shares are decimals (0.5 = 50%).
Also ``calc staffing``: a phone line's agents by Erlang C (``passend.business_case.capacity``)."""

from __future__ import annotations

import json
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from passend.business_case.capacity import staffing
from passend.i18n import LABELS, euros
from passend.settlement.models.availability import availability
from passend.settlement.models.bundle import bundle
from passend.settlement.models.integral_hourly_rate import integral_hourly_rate
from passend.settlement.models.lump_sum import lump_sum
from passend.settlement.models.pay_for_performance import Indicator, pay_for_performance
from passend.settlement.models.population import population
from passend.settlement.models.revenue_cap import revenue_cap
from passend.settlement.models.shared_savings import shared_savings
from passend.settlement.money import euros_to_cents, to_count, to_decimal

app = typer.Typer(
    help="Rekenhulp: één contract doorrekenen uit totalen (bedragen in euro's, JSON in centen).",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

Euro = Annotated[str, typer.Option(help="Amount in euros, e.g. 1250000.00")]
Rate = Annotated[str, typer.Option(help="A decimal between 0 and 1, e.g. 0.5")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (amounts in cents).")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of human output: nl or en.")]

STAFFING_LABELS = {
    "nl": {
        "title": "Bezetting telefoonlijn (Erlang C)",
        "agents": "medewerkers op dienst",
        "load": "aangeboden belasting (Erlang)",
        "service_level": "servicegraad",
        "wait_probability": "kans op wachten",
        "occupancy": "bezettingsgraad",
    },
    "en": {
        "title": "Phone line staffing (Erlang C)",
        "agents": "agents on duty",
        "load": "offered load (Erlang)",
        "service_level": "service level",
        "wait_probability": "probability of waiting",
        "occupancy": "occupancy",
    },
}


def _stop(message: str) -> NoReturn:
    err.print(f"[bold red]passend:[/] {message}", highlight=False)
    raise typer.Exit(2)


def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except ValueError as e:
        _stop(str(e))


def _show(title: str, result: dict[str, Any], json_: bool) -> None:
    if json_:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table(title=title)
    table.add_column("")
    table.add_column("", justify="right")
    for k, v in result.items():
        shown = euros(v, "nl") if k.endswith("_cents") and isinstance(v, int) else str(v)
        table.add_row(k.removesuffix("_cents"), shown)
    out.print(table)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        if not name or not value:
            _stop(f"{what} expects name=value, not {item!r}")
        if name.strip() in out:
            _stop(f"{what} {name.strip()} is given twice")
        out[name.strip()] = value.strip()
    return out


@app.command("shared-savings")
def shared_savings_cmd(
    benchmark: Euro,
    actual: Euro,
    msr: Rate = "0",
    mlr: Rate = "0",
    sharing_rate: Rate = "0.5",
    loss_sharing_rate: Rate = "0",
    quality_score: Rate = "1",
    savings_cap: Rate = "1",
    loss_cap: Rate = "1",
    payment_factor: Annotated[
        str,
        typer.Option(help="Adjustment factor of earned savings paid to the provider (1 = none)."),
    ] = "1",
    loss_factor: Annotated[
        str, typer.Option(help="Adjustment factor of an owed loss (1 = the loss share in full).")
    ] = "1",
    one_sided: Annotated[bool, typer.Option(help="No loss sharing.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Shared savings: deel van S = B - A boven MSR*B (kwaliteit, plafond); terug boven MLR*B."""
    d = lambda v, n: _run(to_decimal, v, n)  # noqa: E731
    r = _run(
        shared_savings,
        _run(euros_to_cents, benchmark, "benchmark"),
        _run(euros_to_cents, actual, "actual"),
        d(msr, "msr"),
        d(mlr, "mlr"),
        d(sharing_rate, "sharing-rate"),
        d(loss_sharing_rate, "loss-sharing-rate"),
        d(quality_score, "quality-score"),
        d(savings_cap, "savings-cap"),
        d(loss_cap, "loss-cap"),
        d(payment_factor, "payment-factor"),
        two_sided=not one_sided,
        loss_factor=d(loss_factor, "loss-factor"),
    )
    _show("Shared savings", r.as_dict(), json_)


@app.command("revenue-cap")
def revenue_cap_cmd(
    claimed: Euro,
    cap: Euro,
    above_cap_share: Rate = "0",
    terminal: Annotated[
        str, typer.Option(help="Part of the claims for terminal care, in euros.")
    ] = "0",
    exempt_terminal: Annotated[
        bool,
        typer.Option(
            help="Exempt the terminal part from the cap (AZWA: only for district nursing at home)."
        ),
    ] = True,
    json_: JsonOpt = False,
) -> None:
    """Omzetplafond: boven het plafond niet (of tegen een deel) betaald; terminale zorg thuis vrijgesteld (AZWA, wijkverpleging)."""
    r = _run(
        revenue_cap,
        _run(euros_to_cents, claimed, "claimed"),
        _run(euros_to_cents, cap, "cap"),
        _run(to_decimal, above_cap_share, "above-cap-share"),
        _run(euros_to_cents, terminal, "terminal"),
        exempt_terminal,
    )
    _show("Omzetplafond", r.as_dict(), json_)


@app.command("efficiency")
def efficiency_cmd(
    rate: Euro,
    hours: Annotated[str, typer.Option(help="Hours of district nursing (decimal).")],
    client_months: Annotated[str, typer.Option(help="Clients x months in care (decimal).")],
    norm: Annotated[str, typer.Option(help="Norm: average hours per client per month.")],
    payback_share: Rate = "1",
    terminal_hours: Annotated[str, typer.Option(help="Hours for terminal clients.")] = "0",
    terminal_client_months: Annotated[
        str, typer.Option(help="Client-months of terminal clients.")
    ] = "0",
    exclude_terminal: Annotated[
        bool, typer.Option(help="AZWA: leave terminal clients out of the norm test.")
    ] = True,
    json_: JsonOpt = False,
) -> None:
    """Integraal uurtarief met doelmatigheidsafspraak: uren boven de norm worden (deels) terugbetaald."""
    d = lambda v, n: _run(to_decimal, v, n)  # noqa: E731
    r = _run(
        integral_hourly_rate,
        _run(euros_to_cents, rate, "rate"),
        d(hours, "hours"),
        d(client_months, "client-months"),
        d(norm, "norm"),
        d(payback_share, "payback-share"),
        d(terminal_hours, "terminal-hours"),
        d(terminal_client_months, "terminal-client-months"),
        exclude_terminal,
    )
    _show("Integraal uurtarief en doelmatigheid", r.as_dict(), json_)


@app.command("availability")
def availability_cmd(
    budget: Euro,
    share: Annotated[
        list[str], typer.Option(help="financer=share, repeatable, e.g. --share cz=0.4")
    ],
    json_: JsonOpt = False,
) -> None:
    """Beschikbaarheidsbekostiging: een vast budget, verdeeld over financiers naar aandeel."""
    shares = {k: _run(to_decimal, v, f"share of {k}") for k, v in _pairs(share, "--share").items()}
    parts = _run(availability, _run(euros_to_cents, budget, "budget"), shares)
    _show("Beschikbaarheidsbekostiging", {f"{k}_cents": v for k, v in parts.items()}, json_)


@app.command("bundle")
def bundle_cmd(
    price: Annotated[
        list[str], typer.Option(help="class=euros per patient, repeatable (e.g. cancer=9000)")
    ],
    patients: Annotated[list[str], typer.Option(help="class=number of patients, repeatable")],
    actual: Euro,
    corridor: Annotated[
        str | None, typer.Option(help="Risk corridor as a share of the payment, e.g. 0.05")
    ] = None,
    corridor_share: Rate = "1",
    outliers: Annotated[str, typer.Option(help="Costs of outliers carved out, in euros")] = "0",
    json_: JsonOpt = False,
) -> None:
    """Bundelbekostiging: vaste prijs per patiënt; resultaat voor het consortium, met risicocorridor en uitschieters."""
    prices = {k: _run(euros_to_cents, v, f"price {k}") for k, v in _pairs(price, "--price").items()}
    counts = {
        k: _run(to_count, v, f"--patients {k}") for k, v in _pairs(patients, "--patients").items()
    }
    r = _run(
        bundle,
        prices,
        counts,
        _run(euros_to_cents, actual, "actual"),
        None if corridor is None else _run(to_decimal, corridor, "corridor"),
        _run(to_decimal, corridor_share, "corridor-share"),
        _run(euros_to_cents, outliers, "outliers"),
    )
    _show("Bundel", r.as_dict(), json_)


@app.command("lump-sum")
def lump_sum_cmd(
    amount: Euro,
    share: Annotated[list[str], typer.Option(help="insurer=actual market share, repeatable")],
    contract_value: Annotated[
        str | None, typer.Option(help="PxQ value the lump sum was based on, euros")
    ] = None,
    actual_value: Annotated[str | None, typer.Option(help="Realised PxQ value, euros")] = None,
    corridor: Annotated[
        str | None, typer.Option(help="Corridor as a share of the contract value, e.g. 0.03")
    ] = None,
    corridor_share: Rate = "1",
    json_: JsonOpt = False,
) -> None:
    """Aanneemsom: vast bedrag, verrekend op het feitelijke marktaandeel, met optionele corridor."""
    shares = {k: _run(to_decimal, v, f"share {k}") for k, v in _pairs(share, "--share").items()}
    values = {}
    for name, v in (("contract-value", contract_value), ("actual-value", actual_value)):
        if v is not None:
            values[name] = _run(euros_to_cents, v, name)
            if values[name] < 0:
                _stop(f"{name} must not be negative")
    if corridor is None and values:
        _stop("--contract-value and --actual-value are used with --corridor only")
    r = _run(
        lump_sum,
        _run(euros_to_cents, amount, "amount"),
        shares,
        values.get("contract-value"),
        values.get("actual-value"),
        None if corridor is None else _run(to_decimal, corridor, "corridor"),
        _run(to_decimal, corridor_share, "corridor-share"),
    )
    result = r.as_dict()
    parts = result.pop("parts_cents")
    _show("Aanneemsom", {**result, **{f"{k}_cents": v for k, v in parts.items()}}, json_)


@app.command("capitation")
def capitation_cmd(
    rate: Annotated[list[str], typer.Option(help="band=euros per inhabitant per year, repeatable")],
    inhabitants: Annotated[list[str], typer.Option(help="band=number of inhabitants, repeatable")],
    bonus_rate: Rate = "0",
    quality_score: Rate = "0",
    json_: JsonOpt = False,
) -> None:
    """Populatiebekostiging: bedrag per inwoner per leeftijdsband, met kwaliteitsbonus."""
    rates = {k: _run(euros_to_cents, v, f"rate {k}") for k, v in _pairs(rate, "--rate").items()}
    counts = {
        k: _run(to_count, v, f"--inhabitants {k}")
        for k, v in _pairs(inhabitants, "--inhabitants").items()
    }
    r = _run(
        population,
        rates,
        counts,
        _run(to_decimal, bonus_rate, "bonus-rate"),
        _run(to_decimal, quality_score, "quality-score"),
    )
    _show("Populatiebekostiging", r.as_dict(), json_)


@app.command("p4p")
def p4p_cmd(
    pool: Euro,
    indicator: Annotated[
        list[str],
        typer.Option(
            help="name=score:target:weight, repeatable; prefix the target with < when lower is better"
        ),
    ],
    threshold: Rate = "0",
    malus_rate: Rate = "0",
    malus_below: Rate = "0",
    json_: JsonOpt = False,
) -> None:
    """Pay for performance: bonus (en malus) uit de score op indicatoren met doel en gewicht."""
    inds = []
    for name, spec in _pairs(indicator, "--indicator").items():
        parts = spec.split(":")
        if len(parts) != 3:
            _stop(f"--indicator {name}: expects score:target:weight")
        lower = parts[1].startswith("<")
        inds.append(
            Indicator(
                name,
                _run(to_decimal, parts[0], f"{name} score"),
                _run(to_decimal, parts[1].lstrip("<"), f"{name} target"),
                _run(to_decimal, parts[2], f"{name} weight"),
                lower,
            )
        )
    r = _run(
        pay_for_performance,
        _run(euros_to_cents, pool, "pool"),
        inds,
        _run(to_decimal, threshold, "threshold"),
        _run(to_decimal, malus_rate, "malus-rate"),
        _run(to_decimal, malus_below, "malus-below"),
    )
    _show("Pay for performance", r.as_dict(), json_)


def _number(value: str, what: str) -> float:
    """A decimal from user input (exactly parsed, as the other options), as a float."""
    return float(to_decimal(value, what))


def _percent(share: float, lang: str) -> str:
    text = f"{100 * share:.1f}%"
    return text.replace(".", ",") if lang == "nl" else text


@app.command("staffing")
def staffing_cmd(
    calls_per_hour: Annotated[str, typer.Option(help="Calls per hour (decimal), e.g. 1.5")],
    handling_minutes: Annotated[str, typer.Option(help="Average handling time in minutes.")],
    answer_within_seconds: Annotated[
        str, typer.Option(help="Answer within this many seconds (service level time).")
    ],
    target: Rate,
    json_: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Bezetting van de telefoonlijn (Erlang C): het kleinste aantal medewerkers dat de servicegraad haalt, minstens één."""
    if lang not in LABELS:
        _stop(f"--lang must be one of {', '.join(LABELS)}, not {lang!r}")
    r = _run(
        staffing,
        _run(_number, calls_per_hour, "calls-per-hour"),
        _run(_number, handling_minutes, "handling-minutes"),
        _run(_number, answer_within_seconds, "answer-within-seconds"),
        _run(_number, target, "target"),
    ).as_dict()
    if json_:
        _show("", r, json_)
        return
    L = STAFFING_LABELS[lang]
    shown = {
        L["agents"]: r["agents"],
        L["load"]: f"{r['load']:.3f}".replace(".", "," if lang == "nl" else "."),
        **{L[k]: _percent(r[k], lang) for k in ("service_level", "wait_probability", "occupancy")},
    }
    _show(L["title"], shown, json_)
