"""``passend demo``: the main work in one command (a scenario under every contract set with
its report, the business case and the wegwijzer)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from passend.cli import common
from passend.cli.common import FILE, ExtraOpt, LangOpt, _lang, need_paths, out
from passend.i18n import CLI_LABELS


def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the results.")] = Path("out"),
    scenario: Annotated[
        Path | None,
        typer.Option(help="Scenario to simulate (make demo: examples/zuid-gelderland-pzt.yaml)."),
    ] = None,
    business_case: Annotated[
        Path | None,
        typer.Option(
            help="Business case to build (make demo: examples/business-case-zuid-gelderland.yaml)."
        ),
    ] = None,
    lang: LangOpt = "nl",
    extra: ExtraOpt = None,
) -> None:
    """Het hoofdwerk: een scenario onder alle contractsets, met rapport, de businesscase en de wegwijzer."""
    from passend.cli.business_case import print_case, run_business_case
    from passend.cli.simulate import run_scenario
    from passend.demo import run_demo

    lang = _lang(lang)
    need_paths(lang, ("--scenario", scenario, FILE), ("--business-case", business_case, FILE))
    cat = common._load(extra)
    wegwijzer = run_demo(cat, out_dir, lang)
    report = run_scenario(cat, scenario, out_dir / "simulate", lang) if scenario else None
    case = None
    if business_case is not None:
        bc, case = run_business_case(cat, business_case, out_dir / "business-case", lang)
        print_case(bc, lang)
    L = CLI_LABELS[lang]
    out.print(f"\n[bold]{L['demo_wegwijzer']}:[/] {wegwijzer}")
    if report is not None:
        out.print(f"[bold]{L['demo_report']}:[/] {report}")
    if case is not None:
        out.print(f"[bold]{L['demo_case']}:[/] {case['report']}, {case['workbook']}")
