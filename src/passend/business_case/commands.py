"""``passend business-case FILE.yaml --out DIR [--lang en] [--replicates N] [--json]``: the
business case's JSON, workbook and report, and its figures per year on the terminal."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich import box
from rich.console import Console
from rich.table import Table

from passend.catalogue.loader import CatalogueError
from passend.wegwijzer.render import thousands

out = Console()
err = Console(stderr=True)

LABELS = {
    "nl": {
        "title": "Businesscase per jaar, × € 1.000",
        "year": "Jaar",
        "cost": "Kosten",
        "revenue": "Opbrengsten",
        "gap": "Tekort",
        "savings": "Besparing financiers",
        "net": "Netto",
        "carried": "regels van {y} doorgetrokken",
        "npv": "Netto contante waarde: € {v}; terugverdiend na: {p}",
        "never": "nooit binnen de horizon",
        "years": "{n} jaar",
        "fte": "FTE nodig: {need} (gepland {plan}, tekort {short})",
        "written": "Resultaten: {d}",
    },
    "en": {
        "title": "Business case per year, × EUR 1,000",
        "year": "Year",
        "cost": "Cost",
        "revenue": "Revenue",
        "gap": "Gap",
        "savings": "Financers' savings",
        "net": "Net",
        "carried": "rules of {y} carried forward",
        "npv": "Net present value: EUR {v}; paid back after: {p}",
        "never": "never within the horizon",
        "years": "{n} years",
        "fte": "FTE needed: {need} (planned {plan}, shortfall {short})",
        "written": "Results: {d}",
    },
}


def _k(cents: int) -> str:
    return thousands(round(cents / 100_000))


def print_case(bc: dict[str, Any], lang: str) -> None:
    t = LABELS[lang]
    table = Table(title=t["title"], box=box.SIMPLE)
    for col in ("year", "cost", "revenue", "gap", "savings", "net"):
        table.add_column(t[col], justify="left" if col == "year" else "right")
    for y in bc["years"]:
        year = str(y["year"])
        if y["carried_forward"]:
            year += f" ({t['carried'].format(y=bc['catalogue_last_year'])})"
        table.add_row(
            year,
            _k(y["cost_cents"]),
            _k(y["revenue_cents"]),
            _k(y["gap_cents"]),
            _k(y["savings_cents"]),
            _k(y["net_cents"]),
        )
    out.print(table)
    p = bc["payback_years"]
    out.print(
        t["npv"].format(
            v=thousands(round(bc["npv_cents"] / 100)),
            p=t["never"] if p is None else t["years"].format(n=p),
        )
    )
    c = bc["capacity"]
    out.print(
        t["fte"].format(
            need=f"{c['fte_needed']:.1f}",
            plan=f"{c['fte_planned']:.1f}",
            short=f"{c['shortfall_fte']:.1f}",
        )
    )


def business_case_cmd(
    file: Annotated[Path, typer.Argument(help="Business case YAML file (docs/business-case.md).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the results.")] = Path(
        "out/business-case"
    ),
    lang: Annotated[str, typer.Option("--lang", help="nl or en.")] = "nl",
    replicates: Annotated[
        int | None, typer.Option(help="Override the scenario's number of replicates.")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the JSON.")] = False,
    workers: Annotated[int, typer.Option(help="Processes for the simulation (0: the cores).")] = 0,
) -> None:
    """Businesscase van een transmuraal team: capaciteit, kosten, bekostiging en besparing per jaar."""
    from passend import db
    from passend.business_case.report import write_report
    from passend.business_case.run import build, write_json
    from passend.business_case.schema import load_business_case
    from passend.business_case.workbook import write_workbook
    from passend.cli import _lang, _load, fail, issues_exit

    lang = _lang(lang)
    if replicates is not None and replicates < 1:
        fail("--replicates must be at least 1")
    if not file.exists():
        fail(f"{file}: not found")
    cat = _load(None)
    try:
        lc = load_business_case(file, cat)
    except CatalogueError as e:
        raise issues_exit(e) from None
    try:
        with tempfile.TemporaryDirectory(prefix="passend-bc-") as tmp:
            bc = build(cat, lc, Path(tmp), replicates, workers or db.available_cpus())
    except CatalogueError as e:
        raise issues_exit(e) from None
    except (ValueError, ValidationError) as e:
        fail(f"{file}: {e}")
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(bc, out_dir / "business_case.json")
    write_workbook(bc, out_dir / "business_case.xlsx", lang)
    write_report(bc, out_dir / "report.html", lang)
    if json_:
        out.print_json(json.dumps(bc, sort_keys=True, ensure_ascii=False))
        return
    print_case(bc, lang)
    out.print(LABELS[lang]["written"].format(d=out_dir))
