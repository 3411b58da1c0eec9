"""``passend claims ...``: declare activities as claims (and, later, import and export)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from passend.catalogue.loader import Catalogue, CatalogueError
from passend.cli import common
from passend.cli.common import (
    ANY,
    FILE,
    FOLDER,
    EngineOpt,
    LangOpt,
    _lang,
    check_year,
    fail,
    issues_exit,
    need_paths,
    use_engine,
)
from passend.cli.tables import Column, Table, numeric, show
from passend.i18n import CLI_LABELS, LABELS, euros, number
from passend.messages import Message, text

app = typer.Typer(
    help="Declaraties: activiteiten declareren onder de regels van de catalogus.",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)


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
            help="The population's year, to check (default: from meta.json, or the year most "
            "activities fall in). Every line is priced by the rules of its own year of service."
        ),
    ] = None,
    cost_prices: Annotated[Path | None, typer.Option(help="Your own cost prices file.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    lang: LangOpt = "nl",
    engine: EngineOpt = None,
) -> None:
    """Declareer de activiteiten van een populatie; wat geen titel betaalt gaat naar 'unfunded'."""
    from passend.claims.declare import (
        declare,
        load_cost_prices,
        population_year,
        write_declaration,
    )

    lang = _lang(lang)
    L = CLI_LABELS[lang]
    need_paths(lang, ("--population", population, FOLDER), ("--cost-prices", cost_prices, FILE))
    for name in ("activities.parquet", "patients.parquet"):
        if not (population / name).exists():
            fail(Message("no_population_file", path=population / name))
    use_engine(engine)
    cat = common._load(None)
    check_year(cat, year, lang)
    if year is None:  # the population's year prices the care
        check_year(cat, population_year(population), lang, f"{population / 'meta.json'}: year")
    try:
        prices = load_cost_prices(cost_prices)
        dec = declare(cat, population, year, prices)
    except CatalogueError as e:
        raise issues_exit(e) from None
    except (ValueError, OSError) as e:
        fail(e, first_line=True)
    write_declaration(dec, out_dir)
    s = dec.summary
    if json_:
        print(json.dumps(s, ensure_ascii=False, indent=2, default=str))
        return
    show(declare_tables(cat, s, lang))
    out.print(
        L["declared_sum"].format(
            activities=number(s["activities"], lang),
            lines=number(s["claims"]["lines"], lang),
            unclaimed=number(s["not_claimed"]["rows"], lang),
        )
    )
    out.print(f"{L['written']}: {out_dir.resolve()}")


def declare_tables(cat: Catalogue, s: dict[str, Any], lang: str) -> list[Table]:
    """A declaration's summary: per financer and law, per title (the top 15), and what was
    not claimed, with the catalogue's names."""
    L = {**LABELS[lang], **CLI_LABELS[lang]}

    def name(kind: str, ident: str) -> str:
        item = getattr(cat, kind).get(ident)
        return item.name.get(lang) if item is not None else ident

    money = [numeric(L["lines"]), numeric(L["amount"])]
    kinds = Table(L["declared_by_financer"].format(year=s["year"]), [Column(L["financer"]), *money])
    for r in s["by_financer_kind"]:
        kinds.add(
            name("financer_kinds", r["financer_kind"]),
            number(r["lines"], lang),
            euros(r["amount_cents"], lang),
        )
    laws = Table(L["declared_by_law"].format(year=s["year"]), [Column(L["law"]), *money])
    for r in s["by_law"]:
        laws.add(name("laws", r["law"]), number(r["lines"], lang), euros(r["amount_cents"], lang))
    laws.add(
        L["total"], number(s["claims"]["lines"], lang), euros(s["claims"]["amount_cents"], lang)
    )
    titles = Table(L["declared_by_title"], [Column(L["code"]), Column(L["name"]), *money])
    for r in s["by_title"][:15]:
        t = cat.titles.get(r["title_code"])
        titles.add(
            r["title_code"],
            t.name if t is not None else "",
            number(r["lines"], lang),
            euros(r["amount_cents"], lang),
        )
    gaps = Table(
        L["not_declared"],
        [
            Column(L["reason"]),
            Column(L["activity"]),
            numeric(L["rows"]),
            numeric(L["volume"]),
            numeric(L["cost_price"]),
            Column(L["routes"]),
        ],
    )
    for r in s["unfunded_by_activity"]:
        gaps.add(
            L.get(f"unfunded.{r['reason_code']}", r["reason_code"]),
            name("activities", r["activity"]),
            number(r["rows"], lang),
            f"{number(r['quantity'], lang)} {L.get('unit.' + r['unit'], r['unit'])}",
            euros(r["cost_cents"], lang),
            "; ".join(name("routes", x) for x in r["routes"].split(";") if x),
        )
    return [kinds, laws, titles, gaps]


@app.command("import")
def import_cmd(
    file: Annotated[
        Path, typer.Argument(help="Claims file: .parquet, .csv or a Vektis AW319 or ZH308 file.")
    ],
    fmt: Annotated[str, typer.Option("--format", help="parquet, csv, aw319 or zh308.")],
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for claims.parquet and rejects.csv.")
    ],
    year: Annotated[
        int | None,
        typer.Option(
            help="Contract year: lines dated in another year are refused (leave out to keep "
            "every year; each line is checked by its own year of service)."
        ),
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option(
            help="Folder of the claims' population (patients, providers, financers): dates of "
            "death, providers and financer kinds are checked against it."
        ),
    ] = None,
    lang: LangOpt = "nl",
) -> None:
    """Importeer een declaratiebestand met controles; geweigerde regels naar rejects.csv."""
    from passend.claims.importer import import_claims
    from passend.privacy import PrivacyError
    from passend.validation import ImportError_

    lang = _lang(lang)
    formats = ["parquet", "csv", "aw319", "zh308"]
    if fmt not in formats:
        fail(Message("one_of_options", option="--format", choices=formats, value=fmt))
    need_paths(lang, ("FILE", file, ANY), ("--population", population, FOLDER))
    cat = common._load(None)
    check_year(cat, year, lang)
    try:
        r = import_claims(cat, file, fmt, out_dir, year, population, lang)
    except (ImportError_, PrivacyError) as e:
        fail(e)
    except Exception as e:  # AW319 structural errors and the like: one line, no traceback
        if type(e).__name__ in {"Aw319Error", "Zh308Error"}:
            fail(e)
        raise
    L = CLI_LABELS[lang]
    table = Table(
        f"Import {file.name}",
        [Column(L["lines"]), numeric(L["count"]), numeric(L["amount"])],
    )
    table.add(L["read"], number(r.read, lang), euros(r.total_cents, lang))
    table.add(L["accepted"], number(r.accepted, lang), euros(r.accepted_cents, lang))
    table.add(L["rejected"], number(r.rejected, lang), euros(r.rejected_cents, lang))
    show(table)
    if r.unreadable_amounts:
        out.print(L["unreadable_amounts"].format(n=number(r.unreadable_amounts, lang)))
    if r.flagged_above_max:
        out.print(L["above_max"].format(n=number(r.flagged_above_max, lang)), highlight=False)
    if r.flagged:
        path = (out_dir / "flags.csv").resolve()
        out.print(L["flagged_lines"].format(n=number(r.flagged, lang), path=path))
    for note in r.notes:
        privacy = getattr(note, "id", "").startswith("privacy.")
        shown = text(note, lang)
        out.print(f"privacy: {shown}" if privacy else shown, highlight=False, markup=False)
    for issue in r.issues:
        out.print(f"[yellow]{L['note']}:[/] {escape(text(issue, lang))}")
    if r.rejected:
        out.print(f"{L['rejected_lines']}: {(out_dir / 'rejects.csv').resolve()}")
    out.print(f"{L['written']}: {(out_dir / 'claims.parquet').resolve()}")


@app.command("export")
def export_cmd(
    claims: Annotated[
        Path, typer.Option(help="Folder with claims.parquet (from declare or import).")
    ],
    population: Annotated[
        Path, typer.Option(help="Folder with the population (patients, providers, financers).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the AW319 or ZH308 files.")],
    fmt: Annotated[str, typer.Option("--format", help="aw319 or zh308.")] = "aw319",
    lang: LangOpt = "nl",
) -> None:
    """Schrijf declaraties als Vektis AW319-bestanden (één per aanbieder x financier x maand)."""
    import pyarrow.parquet as pq

    from passend.claims.vektis import EXPORTERS

    lang = _lang(lang)
    if fmt not in EXPORTERS:
        fail(Message("one_of_options", option="--format", choices=sorted(EXPORTERS), value=fmt))
    need_paths(lang, ("--claims", claims, FOLDER), ("--population", population, FOLDER))
    from passend.claims.tables import CLAIMS
    from passend.population.tables import SCHEMAS
    from passend.tables import table_problem

    for f, schema in (
        (claims / "claims.parquet", CLAIMS),
        (population / "patients.parquet", SCHEMAS["patients"]),
        (population / "providers.parquet", SCHEMAS["providers"]),
        (population / "financers.parquet", SCHEMAS["financers"]),
    ):
        if not f.exists():
            fail(Message("no_such_file", path=f))
        problem = table_problem(f, schema)
        if problem is not None:
            fail(problem)
    cat = common._load(None)
    try:
        paths, written, left_out = EXPORTERS[fmt](
            cat, pq.read_table(claims / "claims.parquet"), population, out_dir
        )
    except ValueError as e:
        fail(e, first_line=True)
    for name in ("providers.parquet", "financers.parquet"):
        (out_dir / name).write_bytes(
            (population / name).read_bytes()
        )  # code lists to read them back
    L = CLI_LABELS[lang]
    out.print(
        L["exported"].format(
            files=number(len(paths), lang),
            format=fmt.upper(),
            lines=number(written, lang),
            left_out=number(left_out, lang),
            outside=L[f"outside.{fmt}"],
        ),
        highlight=False,
    )
    out.print(L["synthetic_bsn"])
    out.print(f"{L['written']}: {out_dir.resolve()}")
