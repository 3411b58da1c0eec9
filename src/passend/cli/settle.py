"""``passend settle`` and ``passend ledger check``: apply a contract set to claims, write the
ledger and prove that it reconciles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from passend.catalogue.loader import CatalogueError
from passend.cli import common
from passend.cli.common import ANY, FILE, FOLDER, _lang, issues_exit, need_paths
from passend.i18n import K_EUROS, PATH_TEXT, WORDS, euros, party, thousands

ledger_app = typer.Typer(
    help="Het grootboek van een afrekening: controleren dat het geld sluit.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

HEAD = {
    "nl": (WORDS["nl"]["party"], "Ontvangen", "Betaald", WORDS["nl"]["cost"], "Marge"),
    "en": (WORDS["en"]["party"], "Money in", "Money out", WORDS["en"]["cost"], "Margin"),
}


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]passend:[/] {message}", highlight=False)
    return typer.Exit(2)


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
    lang: Annotated[str, typer.Option("--lang", help="nl or en.")] = "nl",
    json_: Annotated[bool, typer.Option("--json", help="Print JSON (cents).")] = False,
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
        raise _fail(
            PATH_TEXT[lang]["no_tables"].format(
                what="--population", path=population, tables=", ".join(tables)
            )
        )
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
        raise _fail(str(e).splitlines()[0]) from None
    write_settlement(s, out_dir)
    totals = kind_totals(s.tables["stakeholders"])
    if json_:
        print(json.dumps({"meta": s.meta, "kinds": totals}, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{ls.cs.name.get(lang)} ({ls.cs.id}), {K_EUROS[lang]}", box=box.SIMPLE)
    for i, h in enumerate(HEAD[lang]):
        table.add_column(h, justify="left" if i == 0 else "right", no_wrap=True, min_width=12)
    for r in totals:
        table.add_row(
            party(r["kind"], lang),
            *(thousands(int(r[k]), lang) for k in HEAD_KEYS),
        )
    out.print(table)
    outside = s.meta["outside_contract_year"]
    if outside["lines"]:
        out.print(
            (
                f"Buiten contractjaar {s.meta['year']} (niet afgerekend): {outside['lines']} "
                f"regel(s), {euros(outside['amount_cents'], lang)}"
                if lang == "nl"
                else f"Outside contract year {s.meta['year']} (not settled): "
                f"{outside['lines']} line(s), {euros(outside['amount_cents'], lang)}"
            ),
            highlight=False,
        )
    elif s.meta["whole_population"]:
        out.print(
            (
                f"Populatie van overledenen in {s.meta['year']}: hun hele laatste levensjaar is "
                f"afgerekend in {s.meta['year']} (--year {s.meta['year']} voor alleen de zorg "
                "van dat jaar)"
                if lang == "nl"
                else f"Population of the people who die in {s.meta['year']}: their whole last "
                f"year of care is settled in {s.meta['year']} (--year {s.meta['year']} for the "
                "care of that year only)"
            ),
            highlight=False,
        )
    out.print(f"{'Geschreven naar' if lang == 'nl' else 'Written to'}: {out_dir}")


HEAD_KEYS = ("money_in_cents", "money_out_cents", "cost_cents", "margin_cents")


@ledger_app.command("check")
def ledger_check(
    folder: Annotated[Path, typer.Argument(help="Folder written by passend settle.")],
    json_: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Controleer een afrekening: geld sluit, grootboek = declaraties + aanvullingen.
    Exit code 1 als een controle faalt."""
    from passend.settlement.check import check_ledger

    if not folder.is_dir():
        raise _fail(f"{folder}: not a folder")
    problems, figures = check_ledger(folder)
    if json_:
        print(json.dumps({"ok": not problems, "problems": problems, **figures}, indent=2))
    else:
        for p in problems:
            err.print(f"[red]✗[/] {p}", highlight=False)
        if not problems:
            out.print(
                f"[green]✓[/] {figures['ledger_rows']} ledger rows; claims "
                f"{euros(figures['claims_cents'], 'nl')} = paid per line "
                f"{euros(figures['claims_paid_cents'], 'nl')} + repriced "
                f"{euros(figures['repriced_cents'], 'nl')} + in scope of other payments "
                f"{euros(figures['in_scope_cents'], 'nl')}; money conserved."
            )
    if problems:
        raise typer.Exit(1)
