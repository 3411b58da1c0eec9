"""``passend calc MODEL``: one contract computed from aggregate figures, for the quick what-if of
a purchaser or a finance officer. Money in euros on input (decimal strings, '1234.56' or
'1234,56'), integer cents in JSON output. Rates and shares are decimals (0.5 = 50%).
Also ``calc staffing``: a phone line's agents by Erlang C (``passend.business_case.capacity``).

A thin front end over ``passend.settlement.calculators``: each command hands its options (by
name, ``-`` as ``_``) to ``compute`` and prints the JSON or the result explained line by line."""

from __future__ import annotations

import json
import textwrap
from typing import Annotated, Any

import typer
from rich.markup import escape

from passend.cli.common import LangOpt, _lang, fail, out
from passend.settlement.calculators import CalculatorError, calculator, compute, explain

app = typer.Typer(
    help="Rekenhulp: één contract doorrekenen uit totalen (bedragen in euro's, JSON in centen).",
    no_args_is_help=True,
)
Euro = Annotated[str, typer.Option(help="Amount in euros, e.g. 1250000.00")]
Rate = Annotated[str, typer.Option(help="A decimal between 0 and 1, e.g. 0.5")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (amounts in cents).")]


def _calc(name: str, json_: bool, lang: str, **inputs: Any) -> None:
    """Compute and print: the JSON (amounts in cents), or the result explained line by line."""
    lang = _lang(lang)
    try:
        result = compute(name, inputs)
        steps = [] if json_ else explain(name, inputs, result, lang)
    except CalculatorError as e:
        fail(e.message)
    if json_:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    out.print(f"[bold]{calculator(name).title[lang]}[/]\n", highlight=False)
    width = max(40, out.width - 4)
    for step in steps:
        out.print(f"[bold]{escape(step.label)}[/]", highlight=False)
        out.print(_wrapped(step.formula, width), highlight=False, markup=False)


def _wrapped(formula: str, width: int) -> str:
    """The formula wrapped between its terms, never inside an amount ('€ 1.000,00')."""
    kept = formula.replace("€ ", "€\u00a0")  # textwrap breaks at ASCII whitespace only
    lines = textwrap.wrap(kept, width, initial_indent="  ", subsequent_indent="    ")
    return "\n".join(lines).replace("\u00a0", " ")


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
    lang: LangOpt = "nl",
) -> None:
    """Shared savings: deel van S = B - A boven MSR*B (kwaliteit, plafond); terug boven MLR*B."""
    _calc(
        "shared-savings",
        json_,
        lang,
        benchmark=benchmark,
        actual=actual,
        msr=msr,
        mlr=mlr,
        sharing_rate=sharing_rate,
        loss_sharing_rate=loss_sharing_rate,
        quality_score=quality_score,
        savings_cap=savings_cap,
        loss_cap=loss_cap,
        payment_factor=payment_factor,
        loss_factor=loss_factor,
        one_sided=one_sided,
    )


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
    lang: LangOpt = "nl",
) -> None:
    """Omzetplafond: boven het plafond niet (of tegen een deel) betaald; terminale zorg thuis vrijgesteld (AZWA, wijkverpleging)."""
    _calc(
        "revenue-cap",
        json_,
        lang,
        claimed=claimed,
        cap=cap,
        above_cap_share=above_cap_share,
        terminal=terminal,
        exempt_terminal=exempt_terminal,
    )


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
    lang: LangOpt = "nl",
) -> None:
    """Integraal uurtarief met doelmatigheidsafspraak: uren boven de norm worden (deels) terugbetaald."""
    _calc(
        "efficiency",
        json_,
        lang,
        rate=rate,
        hours=hours,
        client_months=client_months,
        norm=norm,
        payback_share=payback_share,
        terminal_hours=terminal_hours,
        terminal_client_months=terminal_client_months,
        exclude_terminal=exclude_terminal,
    )


@app.command("availability")
def availability_cmd(
    budget: Euro,
    share: Annotated[
        list[str], typer.Option(help="financer=share, repeatable, e.g. --share cz=0.4")
    ],
    json_: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Beschikbaarheidsbekostiging: een vast budget, verdeeld over financiers naar aandeel."""
    _calc("availability", json_, lang, budget=budget, share=share)


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
    lang: LangOpt = "nl",
) -> None:
    """Bundelbekostiging: vaste prijs per patiënt; resultaat voor het consortium, met risicocorridor en uitschieters."""
    _calc(
        "bundle",
        json_,
        lang,
        price=price,
        patients=patients,
        actual=actual,
        corridor=corridor,
        corridor_share=corridor_share,
        outliers=outliers,
    )


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
    lang: LangOpt = "nl",
) -> None:
    """Aanneemsom: vast bedrag, verrekend op het feitelijke marktaandeel, met optionele corridor."""
    _calc(
        "lump-sum",
        json_,
        lang,
        amount=amount,
        share=share,
        contract_value=contract_value,
        actual_value=actual_value,
        corridor=corridor,
        corridor_share=corridor_share,
    )


@app.command("capitation")
def capitation_cmd(
    rate: Annotated[list[str], typer.Option(help="band=euros per inhabitant per year, repeatable")],
    inhabitants: Annotated[list[str], typer.Option(help="band=number of inhabitants, repeatable")],
    bonus_rate: Rate = "0",
    quality_score: Rate = "0",
    json_: JsonOpt = False,
    lang: LangOpt = "nl",
) -> None:
    """Populatiebekostiging: bedrag per inwoner per leeftijdsband, met kwaliteitsbonus."""
    _calc(
        "capitation",
        json_,
        lang,
        rate=rate,
        inhabitants=inhabitants,
        bonus_rate=bonus_rate,
        quality_score=quality_score,
    )


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
    lang: LangOpt = "nl",
) -> None:
    """Pay for performance: bonus (en malus) uit de score op indicatoren met doel en gewicht."""
    _calc(
        "p4p",
        json_,
        lang,
        pool=pool,
        indicator=indicator,
        threshold=threshold,
        malus_rate=malus_rate,
        malus_below=malus_below,
    )


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
    _calc(
        "staffing",
        json_,
        lang,
        calls_per_hour=calls_per_hour,
        handling_minutes=handling_minutes,
        answer_within_seconds=answer_within_seconds,
        target=target,
    )
