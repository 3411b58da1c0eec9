"""``passend claims ...``: declare activities as claims (and, later, import and export)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from passend.wegwijzer.render import euros

app = typer.Typer(
    help="Declaraties: activiteiten declareren onder de regels van de catalogus.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]passend:[/] {message}", highlight=False)
    return typer.Exit(2)


@app.command("declare")
def declare_cmd(
    population: Annotated[
        Path, typer.Option(help="Folder with patients, activities and providers Parquet.")
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help="Folder for claims.parquet, unfunded.parquet, summary.json."),
    ],
    year: Annotated[
        int | None,
        typer.Option(
            help="Year whose rules and tariffs price the care (default: the population's year)."
        ),
    ] = None,
    cost_prices: Annotated[Path | None, typer.Option(help="Your own cost prices file.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Declareer de activiteiten van een populatie; wat geen titel betaalt gaat naar 'unfunded'."""
    from passend.claims.declare import declare, load_cost_prices, write_declaration
    from passend.cli import _load

    for name in ("activities.parquet", "patients.parquet"):
        if not (population / name).exists():
            raise _fail(
                f"{population / name}: no such file (generate or import a population first)"
            )
    cat = _load(None)
    try:
        prices = load_cost_prices(cost_prices)
        dec = declare(cat, population, year, prices)
    except (ValueError, OSError) as e:
        raise _fail(str(e).splitlines()[0]) from None
    write_declaration(dec, out_dir)
    s = dec.summary
    if json_:
        print(json.dumps(s, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"Declaraties {s['year']}: per wet en financier")
    for c in ("wet", "financier", "regels", "bedrag"):
        table.add_column(c, justify="right" if c in ("regels", "bedrag") else "left")
    for r in s["by_financer_kind"]:
        table.add_row(
            "",
            r["financer_kind"],
            f"{r['lines']:,}".replace(",", "."),
            euros(r["amount_cents"], "nl"),
        )
    for r in s["by_law"]:
        table.add_row(
            r["law"], "", f"{r['lines']:,}".replace(",", "."), euros(r["amount_cents"], "nl")
        )
    table.add_row(
        "totaal",
        "",
        f"{s['claims']['lines']:,}".replace(",", "."),
        euros(s["claims"]["amount_cents"], "nl"),
    )
    out.print(table)
    titles = Table(title="Per betaaltitel (top 15)")
    for c in ("titel", "regels", "bedrag"):
        titles.add_column(c, justify="left" if c == "titel" else "right")
    for r in s["by_title"][:15]:
        titles.add_row(
            r["title_code"], f"{r['lines']:,}".replace(",", "."), euros(r["amount_cents"], "nl")
        )
    out.print(titles)
    gaps = Table(title="Niet gedeclareerd (financieringsgaten en ander geld)")
    for c in ("reden", "activiteit", "rijen", "volume", "kosten (kostprijs)", "routes"):
        gaps.add_column(c)
    for r in s["unfunded_by_activity"]:
        gaps.add_row(
            r["reason_code"],
            r["activity"],
            str(r["rows"]),
            f"{r['quantity']:,} {r['unit']}".replace(",", "."),
            euros(r["cost_cents"], "nl"),
            r["routes"].replace(";", ", "),
        )
    out.print(gaps)
    out.print(
        f"Activiteiten {s['activities']:,} = declaratieregels {s['claims']['lines']:,} + niet gedeclareerd "
        f"{s['not_claimed']['rows']:,}".replace(",", ".")
    )
    out.print(f"Geschreven naar: {out_dir.resolve()}")
