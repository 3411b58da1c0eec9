"""The ``passend`` command line (Typer + Rich). Human output is Dutch by default (``--lang en``
for English); ``--json`` prints machine-readable output. Bad input exits with code 2 and a
message that names what is wrong, never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from passend import __version__
from passend.catalogue.loader import EXTRA_ENV, Catalogue, CatalogueError, load_catalogue
from passend.wegwijzer.navigator import Query, UnknownIdError, ask
from passend.wegwijzer.render import LABELS, euros, render_answer

app = typer.Typer(
    name="passend",
    help="passend: de financiering van palliatieve zorg als software (rules as data, wegwijzer).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
catalogue_app = typer.Typer(
    help="De catalogus: wetten, financiers, betaaltitels, tarieven en knelpunten per jaar.",
    no_args_is_help=True,
)
app.add_typer(catalogue_app, name="catalogue")


def _register_stages() -> None:
    """The pipeline stages' commands (imported here to keep `passend --help` quick to load)."""
    from passend.business_case.commands import business_case_cmd
    from passend.claims.commands import app as claims_app
    from passend.population.commands import app as population_app
    from passend.scenarios.commands import simulate_cmd
    from passend.settlement.calc import app as calc_app
    from passend.settlement.commands import ledger_app, settle_cmd

    app.add_typer(population_app, name="population")
    app.add_typer(claims_app, name="claims")
    app.command("settle")(settle_cmd)
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(calc_app, name="calc")
    app.command("simulate")(simulate_cmd)
    app.command("business-case")(business_case_cmd)


out = Console(soft_wrap=False)
err = Console(stderr=True, soft_wrap=True)

ExtraOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalogue-extra",
        envvar=EXTRA_ENV,
        help="Extra catalogue YAML file or folder (e.g. your own tariff_overrides).",
    ),
]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of human output: nl or en.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]passend:[/] {message}", highlight=False)
    raise typer.Exit(2)


def issues_exit(e: CatalogueError) -> typer.Exit:
    """The problems of a user's YAML file (contract set, scenario, cost prices or provider
    costs), one ``file:line: field: reason`` per line on stderr; the exit (code 2) to raise."""
    err.print(f"[bold red]passend: {len(e.issues)} problem(s):[/]")
    for issue in e.issues:
        err.print(f"  {issue}", highlight=False, markup=False)
    return typer.Exit(2)


def _lang(lang: str) -> str:
    if lang not in LABELS:
        fail(f"--lang must be one of {', '.join(LABELS)}, not {lang!r}")
    return lang


def _load(extra: Path | None) -> Catalogue:
    try:
        return load_catalogue(extra)
    except CatalogueError as e:
        err.print(f"[bold red]passend: the catalogue has {len(e.issues)} problem(s):[/]")
        for issue in e.issues:
            err.print(f"  {issue}", highlight=False, markup=False)
        raise typer.Exit(2) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _version(value: bool) -> None:
    if value:
        out.print(f"passend {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """passend: de financiering van palliatieve zorg als software."""


# -- catalogue --------------------------------------------------------------------------------


@catalogue_app.command("check")
def catalogue_check(extra: ExtraOpt = None, lang: LangOpt = "nl") -> None:
    """Laad en controleer elk catalogusbestand (schema en verwijzingen)."""
    lang = _lang(lang)
    cat = _load(extra)
    placeholders = sum(1 for t in cat.titles.values() for x in t.tariffs if x.placeholder)
    tariffs = sum(len(t.tariffs) for t in cat.titles.values())
    if lang == "en":
        out.print(
            f"Catalogue {cat.meta.version} OK: {len(cat.files)} files, {len(cat.titles)} payment "
            f"titles, {tariffs} tariffs ({placeholders} placeholders), "
            f"{len(cat.bottlenecks)} bottlenecks, {len(cat.routes)} routes."
        )
    else:
        out.print(
            f"Catalogus {cat.meta.version} in orde: {len(cat.files)} bestanden, "
            f"{len(cat.titles)} betaaltitels, {tariffs} tarieven ({placeholders} plaatshouders), "
            f"{len(cat.bottlenecks)} knelpunten, {len(cat.routes)} routes."
        )


@catalogue_app.command("list")
def catalogue_list(
    json_: JsonOpt = False,
    year: Annotated[int | None, typer.Option(help="Only titles valid in this year.")] = None,
    law: Annotated[str | None, typer.Option(help="Only titles under this law id.")] = None,
    status: Annotated[str | None, typer.Option(help="claimable, experimental or proposed.")] = None,
    extra: ExtraOpt = None,
    lang: LangOpt = "nl",
) -> None:
    """Elke betaaltitel met code, naam, wet en status."""
    lang = _lang(lang)
    cat = _load(extra)
    if law is not None and law not in cat.laws:
        fail(f"unknown law {law!r}; valid: {', '.join(cat.laws)}")
    if status is not None and status not in {"claimable", "experimental", "proposed"}:
        fail(f"unknown status {status!r}; valid: claimable, experimental, proposed")
    titles = [
        t
        for t in cat.titles.values()
        if (year is None or t.valid_in(year))
        and (law is None or t.law == law)
        and (status is None or t.status == status)
    ]
    if json_:
        _print_json(
            [
                {
                    "code": t.code,
                    "name": t.name,
                    "law": t.law,
                    "status": t.status,
                    "sector": t.sector,
                    "segment": t.segment,
                    "official_code": t.official_code,
                    "valid_from": t.valid_from.isoformat(),
                    "valid_to": t.valid_to.isoformat() if t.valid_to else None,
                }
                for t in titles
            ]
        )
        return
    L = LABELS[lang]
    table = Table(title=L["options"])
    for col in ("code", "naam" if lang == "nl" else "name", L["law"], L["status"], L["sector"]):
        table.add_column(col)
    for t in titles:
        table.add_row(t.code, t.name, t.law, L[t.status], cat.sectors[t.sector].name.get(lang))
    out.print(table)


@catalogue_app.command("show")
def catalogue_show(
    code: Annotated[str, typer.Argument(help="Title code, e.g. 12011 or MSZ-DBC-PZ.")],
    json_: JsonOpt = False,
    extra: ExtraOpt = None,
    lang: LangOpt = "nl",
) -> None:
    """Alles over één betaaltitel: regels, tarieven per jaar en bronnen."""
    lang = _lang(lang)
    cat = _load(extra)
    if code not in cat.titles:
        from difflib import get_close_matches

        close = get_close_matches(code, list(cat.titles), n=5, cutoff=0.4)
        fail(f"unknown title code {code!r}; closest: {', '.join(close) or 'none'}")
    t = cat.titles[code]
    if json_:
        _print_json(t.model_dump(mode="json"))
        return
    L = LABELS[lang]
    grid = Table.grid(padding=(0, 2))
    grid.add_row("code", f"{t.code}" + ("" if t.official_code else " (passend id)"))
    grid.add_row("naam" if lang == "nl" else "name", t.name)
    grid.add_row("", t.description.get(lang))
    grid.add_row(L["law"], cat.laws[t.law].name.get(lang))
    grid.add_row(L["financer"], cat.financer_kinds[t.financer_kind].name.get(lang))
    grid.add_row(
        L["sector"], cat.sectors[t.sector].name.get(lang) + (f" / {t.segment}" if t.segment else "")
    )
    grid.add_row(L["status"], L[t.status])
    grid.add_row(L["contract"], L["yes"] if t.contract_required else L["no"])
    grid.add_row(
        "geldig" if lang == "nl" else "valid",
        f"{t.valid_from.isoformat()} – {t.valid_to.isoformat() if t.valid_to else ''}",
    )
    for tariff in t.tariffs:
        amount = euros(tariff.cents, lang) if tariff.cents is not None else L["no_tariff"]
        flag = f" ({L['placeholder']})" if tariff.placeholder else ""
        grid.add_row(f"{L['tariff']} {tariff.year}", amount + flag)
    for c in t.conditions:
        grid.add_row(L["conditions"], c.get(lang))
    for s in t.sources:
        grid.add_row(L["sources"], f"{s.document} — {s.section}")
    out.print(grid)


# -- wegwijzer --------------------------------------------------------------------------------


@app.command("wegwijzer")
def wegwijzer(
    activity: Annotated[
        str, typer.Option("--activity", "-a", help="Activity id, e.g. patz_meeting.")
    ],
    professional: Annotated[
        str, typer.Option("--professional", "-p", help="Professional id, e.g. gp_palliative.")
    ],
    specialty: Annotated[
        str | None, typer.Option(help="Specialty id of a medical specialist.")
    ] = None,
    setting: Annotated[str | None, typer.Option(help="Setting id, e.g. home or hospice.")] = None,
    year: Annotated[
        int | None, typer.Option(help="Year (default: the catalogue's default).")
    ] = None,
    json_: JsonOpt = False,
    lang: LangOpt = "nl",
    extra: ExtraOpt = None,
) -> None:
    """Hoe kan deze activiteit betaald worden? Betaaltitels, voorwaarden, knelpunten, routes."""
    lang = _lang(lang)
    cat = _load(extra)
    try:
        answer = ask(cat, Query(activity, professional, specialty, setting, year), lang=lang)
    except UnknownIdError as e:
        fail(f"unknown {e.kind} {e.value!r}; closest valid ids: {', '.join(e.suggestions)}")
    if json_:
        _print_json(answer)
    else:
        render_answer(answer, cat, out)


@app.command("demo")
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
    from passend.business_case.commands import print_case, run_business_case
    from passend.demo import run_demo
    from passend.scenarios.commands import run_scenario

    lang = _lang(lang)
    cat = _load(extra)
    wegwijzer = run_demo(cat, out_dir, lang)
    report = run_scenario(cat, scenario, out_dir / "simulate", lang) if scenario else None
    case = None
    if business_case is not None:
        bc, case = run_business_case(cat, business_case, out_dir / "business-case", lang)
        print_case(bc, lang)
    label = "Result" if lang == "en" else "Resultaat"
    out.print(f"\n[bold]{label} (wegwijzer):[/] {wegwijzer}")
    if report is not None:
        out.print(f"[bold]{label} ({'report' if lang == 'en' else 'rapport'}):[/] {report}")
    if case is not None:
        name = "business case" if lang == "en" else "businesscase"
        out.print(f"[bold]{label} ({name}):[/] {case['report']}, {case['workbook']}")


_register_stages()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
