"""``passend business-case FILE.yaml --out DIR [--lang en] [--replicates N] [--json]``: the
business case's JSON, workbook and report, and its figures per year on the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from passend.business_case import years
from passend.catalogue.loader import CatalogueError
from passend.cli import common
from passend.cli.common import FILE, LangOpt, _lang, fail, issues_exit, need_paths
from passend.cli.tables import Column, Table, numeric, show
from passend.i18n import CLI_LABELS, K_EUROS, LABELS, LANGS, WORDS, euros, number, thousands
from passend.messages import Message

out = Console()
err = Console(stderr=True)

TEXT = {lang: {**WORDS[lang], "year": LABELS[lang]["year"], **CLI_LABELS[lang]} for lang in LANGS}


def case_table(bc: dict[str, Any], lang: str) -> Table:
    """Cost, revenue, gap, savings and net per year, in thousands of euros."""
    t = TEXT[lang]
    keys = ("cost_cents", "revenue_cents", "gap_cents", "savings_cents", "net_cents")
    table = Table(
        t["bc_title"].format(unit=K_EUROS[lang]),
        [Column(t["year"]), *(numeric(t[k.removesuffix("_cents")]) for k in keys)],
    )
    for y in bc["years"]:
        year = str(y["year"]) + ("" if y["year_status"] == "reviewed" else "*")
        table.add(year, *(thousands(y[k], lang, signed=k == "net_cents") for k in keys))
    return table


def print_case(bc: dict[str, Any], lang: str) -> None:
    t = TEXT[lang]
    show(case_table(bc, lang))
    for note in years.notes(bc, lang):  # the years marked *: which rules they use
        out.print("* " + escape(note))
    p = bc["payback_years"]
    out.print(
        t["npv"].format(
            v=euros(bc["npv_cents"], lang),
            p=t["never"] if p is None else t["year_1" if p == 1 else "years"].format(n=p),
        )
    )
    c = bc["capacity"]
    need, plan, short = (
        number(c[k], lang, 1) for k in ("fte_needed", "fte_planned", "shortfall_fte")
    )
    out.print(t["fte"].format(need=need, plan=plan, short=short))


def business_case_cmd(
    file: Annotated[Path, typer.Argument(help="Business case YAML file (docs/business-case.md).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the results.")] = Path(
        "out/business-case"
    ),
    lang: LangOpt = "nl",
    replicates: Annotated[
        int | None, typer.Option(help="Override the scenario's number of replicates.")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the JSON.")] = False,
    workers: Annotated[int, typer.Option(help="Processes for the simulation (0: the cores).")] = 0,
) -> None:
    """Businesscase van een transmuraal team: capaciteit, kosten, bekostiging en besparing per jaar."""
    lang = _lang(lang)
    need_paths(lang, ("FILE", file, FILE))
    if replicates is not None and replicates < 1:
        fail(Message("at_least_one", option="--replicates"))
    bc, _ = run_business_case(common._load(None), file, out_dir, lang, replicates, workers)
    if json_:
        out.print_json(json.dumps(bc, sort_keys=True, ensure_ascii=False))
        return
    print_case(bc, lang)
    out.print(f"{TEXT[lang]['results']}: {out_dir}")


def run_business_case(
    cat: Any,
    file: Path,
    out_dir: Path,
    lang: str,
    replicates: int | None = None,
    workers: int = 0,
) -> tuple[dict[str, Any], dict[str, Path]]:
    """``passend.business_case.run.run_business_case``; bad input exits with code 2."""
    from passend.business_case import run

    try:
        return run.run_business_case(cat, file, out_dir, lang, replicates, workers)
    except CatalogueError as e:
        raise issues_exit(e) from None
    except (FileNotFoundError, ValueError) as e:
        fail(e)
