"""``passend settle`` and ``passend ledger check``: apply a contract set to claims, write the
ledger and prove that it reconciles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from passend import messages
from passend.catalogue.loader import CatalogueError
from passend.cli import common
from passend.cli.common import (
    ANY,
    FILE,
    FOLDER,
    EngineOpt,
    LangOpt,
    _lang,
    fail,
    issues_exit,
    need_paths,
    use_engine,
)
from passend.cli.tables import Column, Table, numeric, show
from passend.i18n import CLI_LABELS, K_EUROS, PATH_TEXT, WORDS, euros, number, party, thousands

ledger_app = typer.Typer(
    help="Het grootboek van een afrekening: controleren dat het geld sluit.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

HEAD_KEYS = ("money_in_cents", "money_out_cents", "cost_cents", "margin_cents")


def settle_cmd(
    claims: Annotated[Path, typer.Option(help="Folder with claims.parquet (and unfunded).")],
    contracts: Annotated[
        str, typer.Option(help="Contract-set YAML file, or a shipped one: pxq, current, ...")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the ledger and summaries.")],
    population: Annotated[
        Path | None,
        typer.Option(help="Population folder (patients, providers, financers), if any."),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(help="Settlement folder of the baseline: fixes caps, prices, benchmarks."),
    ] = None,
    costs: Annotated[Path | None, typer.Option(help="Your own provider costs YAML.")] = None,
    cost_prices: Annotated[Path | None, typer.Option(help="Your own cost prices YAML.")] = None,
    regions: Annotated[Path | None, typer.Option(help="Extra region file or folder.")] = None,
    year: Annotated[
        int | None,
        typer.Option(
            help="Contract year: only the care delivered in it is settled; the other lines are "
            "reported (default: the claims' year, or the population's)."
        ),
    ] = None,
    lang: LangOpt = "nl",
    json_: Annotated[bool, typer.Option("--json", help="Print JSON (cents).")] = False,
    engine: EngineOpt = None,
) -> None:
    """Reken declaraties af onder een contractset: grootboek, aansluiting en marges per partij."""
    from passend.claims.declare import load_cost_prices
    from passend.population.params import inhabitants_by_region
    from passend.settlement.contracts import load_contract_set, resolve_contract_set
    from passend.settlement.costs import load_provider_costs
    from passend.settlement.engine import kind_totals, load_reference, settle, write_settlement

    lang = _lang(lang)
    need_paths(
        lang,
        ("--claims", claims, FOLDER),
        ("--population", population, FOLDER),
        ("--reference", reference, FOLDER),
        ("--costs", costs, FILE),
        ("--cost-prices", cost_prices, FILE),
        ("--regions", regions, ANY),
    )
    tables = ("patients.parquet", "providers.parquet", "financers.parquet")
    if population is not None and not any((population / t).exists() for t in tables):
        fail(
            PATH_TEXT[lang]["no_tables"].format(
                what="--population", path=population, tables=", ".join(tables)
            )
        )
    use_engine(engine)
    cat = common._load(None)
    try:
        ls = load_contract_set(resolve_contract_set(contracts), cat)
        ref = load_reference(reference) if reference else None
        s = settle(
            claims,
            ls,
            population,
            ref,
            year=year,
            inhabitants_by_region=inhabitants_by_region(cat, regions),
            prices=load_cost_prices(cost_prices),
            provider_costs=load_provider_costs(costs),
        )
    except CatalogueError as e:
        raise issues_exit(e) from None
    except (ValueError, OSError) as e:
        fail(e, first_line=True)
    write_settlement(s, out_dir)
    totals = kind_totals(s.tables["stakeholders"])
    if json_:
        print(json.dumps({"meta": s.meta, "kinds": totals}, indent=2, ensure_ascii=False))
        return
    show(settle_table(ls.cs.name.get(lang), ls.cs.id, totals, lang))
    L = CLI_LABELS[lang]
    outside, y = s.meta["outside_contract_year"], s.meta["year"]
    if outside["lines"]:
        amount = euros(outside["amount_cents"], lang)
        line = L["outside_year"].format(year=y, lines=number(outside["lines"], lang), amount=amount)
        out.print(line, highlight=False)
    elif s.meta["whole_population"]:
        out.print(L["whole_population"].format(year=y), highlight=False)
    if s.meta["own_reference"]:
        line = L["own_reference"].format(contracts=", ".join(s.meta["own_reference"]))
        out.print(line, highlight=False)
    out.print(f"{CLI_LABELS[lang]['written']}: {out_dir}")


def settle_table(name: str, ident: str, totals: list[dict], lang: str) -> Table:
    """Money in, out, cost and margin per party, in thousands of euros."""
    L = {**WORDS[lang], **CLI_LABELS[lang]}
    table = Table(
        f"{name} ({ident}), {K_EUROS[lang]}",
        [Column(L["party"]), *(numeric(L[k]) for k in HEAD_KEYS)],
    )
    for r in totals:
        table.add(party(r["kind"], lang), *(thousands(int(r[k]), lang) for k in HEAD_KEYS))
    return table


@ledger_app.command("check")
def ledger_check(
    folder: Annotated[Path, typer.Argument(help="Folder written by passend settle.")],
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    lang: LangOpt = "nl",
) -> None:
    """Controleer een afrekening: geld sluit, grootboek = declaraties + aanvullingen.
    Exit code 1 als een controle faalt."""
    from passend.settlement.check import check_ledger

    lang = _lang(lang)
    L = CLI_LABELS[lang]
    if not folder.is_dir():
        fail(L["not_a_folder"].format(path=folder))
    problems, figures = check_ledger(folder)
    if json_:
        print(json.dumps({"ok": not problems, "problems": problems, **figures}, indent=2))
    else:
        for p in problems:
            err.print(Text.assemble(("✗", "red"), " ", messages.text(p, lang)), highlight=False)
        if not problems:
            amounts = {
                k: euros(figures[f"{k}_cents"], lang)
                for k in ("claims", "claims_paid", "repriced", "in_scope")
            }
            line = L["ledger_ok"].format(rows=number(figures["ledger_rows"], lang), **amounts)
            out.print(f"[green]✓[/] {line}", highlight=False)
    if problems:
        raise typer.Exit(1)
