"""``passend population ...``: generate, calibrate, import, list regions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from passend import messages
from passend.catalogue.loader import CatalogueError, load_model_file
from passend.cli import common
from passend.cli.common import ANY, FILE, LangOpt, _lang, check_year, fail, issues_exit, need_paths
from passend.cli.tables import Column, Table, numeric, show
from passend.i18n import CLI_LABELS, number, percent, short, significant
from passend.messages import Message

if TYPE_CHECKING:
    from passend.population.generate import Effects, Population

# the population library is imported inside the commands: every passend command loads this
# module (settle, simulate ...), and the generator, calibration and importer take 0.05 s

app = typer.Typer(
    help="De populatie: patiënten in hun laatste levensjaar en hun zorg (synthetisch of geïmporteerd).",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

RegionsOpt = Annotated[
    Path | None,
    typer.Option("--regions", help="Extra region file or folder (one YAML file per region)."),
]
ParamsOpt = Annotated[Path | None, typer.Option("--parameters", help="Your own parameters file.")]


def _context(regions_path: Path | None, params_path: Path | None):
    from passend.population.params import load_insurers, load_parameters, load_regions

    cat = common._load(None)
    try:
        params = load_parameters(cat, params_path)
        regions = load_regions(cat, regions_path)
        insurers = load_insurers(cat)
    except CatalogueError as e:
        raise issues_exit(e) from None
    return cat, params, regions, insurers


def _effects(path: Path | None) -> Effects:
    """The effects file, every problem as ``file:line: field: reason`` (exit 2)."""
    from passend.population.generate import Effects

    if path is None:
        return Effects()
    try:
        return load_model_file(path, Effects)
    except CatalogueError as e:
        raise issues_exit(e) from None


def make(
    region: str,
    year: int,
    seed: int,
    scale: float,
    effects: Effects | None = None,
    regions_path: Path | None = None,
    params_path: Path | None = None,
    context: tuple | None = None,
    view: str = "deaths",
) -> Population:
    from passend.population.generate import generate

    cat, params, regions, insurers = context or _context(regions_path, params_path)
    if region not in regions:
        from difflib import get_close_matches

        close = get_close_matches(region, list(regions), n=3)
        hint = Message("closest_hint", names=close) if close else ""
        fail(Message("unknown_region", name=region, hint=hint, all=sorted(regions)))
    try:
        return generate(
            cat, params, insurers, regions, region, year, seed, scale, effects, view=view
        )
    except ValueError as e:
        fail(e)


@app.command("regions")
def regions_cmd(
    regions_path: RegionsOpt = None,
    json_: Annotated[bool, typer.Option("--json")] = False,
    lang: LangOpt = "nl",
) -> None:
    """De regio's: het hele land en de acht pilotregio's (seed 004, bijlage B2)."""
    lang = _lang(lang)
    need_paths(lang, ("--regions", regions_path, ANY))
    _, _, regions, _ = _context(regions_path, None)
    rows = [
        {
            "id": r.id,
            "name": r.name.get(lang),
            "inhabitants": r.inhabitants.value,
            "pilot": r.pilot,
            "insurers": r.insurers.shares,
        }
        for r in regions.values()
    ]
    if json_:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    L = CLI_LABELS[lang]
    table = Table(
        L["regions"],
        [
            Column("id"),
            Column(L["name"]),
            numeric(L["inhabitants"]),
            Column(L["insurers_explicit"]),
        ],
    )
    for r in rows:
        ins = ", ".join(f"{k} {percent(v, lang, 0)}" for k, v in r["insurers"].items())
        table.add(r["id"], r["name"], number(r["inhabitants"], lang), ins or L["national_split"])
    show(table)


@app.command("generate")
def generate_cmd(
    region: Annotated[str, typer.Option(help="Region id, e.g. national or zuid-gelderland.")],
    year: Annotated[
        int,
        typer.Option(help="The population's year: of death (deaths view) or of care (calendar)."),
    ],
    seed: Annotated[
        int, typer.Option(min=0, help="Random seed (0 or more); the same seed, the same files.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the Parquet tables.")],
    scale: Annotated[float, typer.Option(help="Fraction of the population to generate.")] = 1.0,
    effects: Annotated[Path | None, typer.Option(help="YAML file with effect modifiers.")] = None,
    regions_path: RegionsOpt = None,
    params_path: ParamsOpt = None,
    view: Annotated[
        str,
        typer.Option(
            help="deaths: the people who die in --year with their last year of care (partly in "
            "the year before; what calibration compares). calendar: the care delivered in "
            "--year, of the people who die in it and in the next year (a contract year)."
        ),
    ] = "deaths",
    lang: LangOpt = "nl",
) -> None:
    """Genereer patiënten, activiteiten, aanbieders en financiers als Parquet-bestanden.
    Standaard de overledenen van het jaar met hun laatste levensjaar (--view deaths); met
    --view calendar de zorg van het kalenderjaar."""
    from passend.population.tables import write_population

    lang = _lang(lang)
    if not 0 < scale <= 10:
        fail(Message("scale_range", scale=scale))
    if view not in ("deaths", "calendar"):
        fail(Message("one_of_options", option="--view", choices=["deaths", "calendar"], value=view))
    paths = (("--effects", effects, FILE), ("--regions", regions_path, ANY))
    need_paths(lang, *paths, ("--parameters", params_path, FILE))
    context = _context(regions_path, params_path)
    check_year(context[0], year, lang)
    pop = make(region, year, seed, scale, _effects(effects), context=context, view=view)
    write_population(pop, out_dir)
    L = CLI_LABELS[lang]
    title = L["population_title"].format(
        region=region, year=year, view=L[f"view.{view}"], seed=seed, scale=short(scale, lang, 6)
    )
    table = Table(title, [Column(L["file"]), numeric(L["rows"])])
    for name, t in pop.tables().items():
        table.add(f"{name}.parquet", number(t.num_rows, lang))
    show(table)
    out.print(f"{L['written']}: {out_dir.resolve()}")


@app.command("calibration")
def calibration_cmd(
    region: Annotated[str, typer.Option(help="Region id.")] = "national",
    year: Annotated[int, typer.Option()] = 2026,
    seed: Annotated[int, typer.Option(min=0)] = 1,
    scale: Annotated[float, typer.Option()] = 1.0,
    json_: Annotated[bool, typer.Option("--json")] = False,
    regions_path: RegionsOpt = None,
    params_path: ParamsOpt = None,
    lang: LangOpt = "nl",
) -> None:
    """Vergelijk een gegenereerde populatie met de publieke cijfers (CALIBRATION.md): de
    overledenen van het jaar (--view deaths). Exit code 1 als een waarde buiten de tolerantie
    valt."""
    from passend.population.calibration import compare, measures, sizes
    from passend.population.tables import write_population

    lang = _lang(lang)
    need_paths(lang, ("--regions", regions_path, ANY), ("--parameters", params_path, FILE))
    context = _context(regions_path, params_path)
    cat, params, regions, _ = context
    check_year(cat, year, lang)
    pop = make(region, year, seed, scale, None, context=context)
    import tempfile

    from passend.claims.declare import declare

    with tempfile.TemporaryDirectory() as tmp:
        write_population(pop, Path(tmp))
        claims = declare(cat, Path(tmp)).claims
    values = measures(pop.patients, pop.activities, pop.providers, scale, claims)
    rows = compare(params, values, regions, region, sizes(pop.patients, pop.activities), scale)
    if json_:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        show(calibration_table(rows, region, year, seed, scale, lang))
        for r in rows:  # why each value that misses its target does
            if r["why"] is not None:
                out.print(f"✗ {r['id']}: {messages.text(r['why'], lang)}", highlight=False)
    if not all(r["within"] for r in rows):
        raise typer.Exit(1)


def calibration_table(
    rows: list[dict], region: str, year: int, seed: int, scale: float, lang: str = "nl"
) -> Table:
    """Each calibration target beside the generated value, its tolerance and its source."""
    L = CLI_LABELS[lang]
    table = Table(
        L["calibration_title"].format(
            region=region, year=year, seed=seed, scale=short(scale, lang, 6)
        ),
        [
            Column(L["target"]),
            numeric(L["target_value"]),
            numeric(L["generated"]),
            numeric(L["tolerance"]),
            Column(""),
            Column(L["source"]),
        ],
    )
    for r in rows:
        table.add(
            r["id"],
            significant(r["target"], lang),
            significant(r["value"], lang),
            "±" + significant(r["tolerance"], lang),
            "✓" if r["within"] else "✗",
            r["source"],
        )
    return table


@app.command("import")
def import_cmd(
    patients: Annotated[Path, typer.Option(help="patients file (.parquet or .csv)")],
    activities: Annotated[Path, typer.Option(help="activities file (.parquet or .csv)")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the validated tables.")],
    providers: Annotated[
        Path | None,
        typer.Option(
            help="providers file (provider_id, provider_kind; optional name, region, agb_code). "
            "Without it, providers are derived from the ids the activities name (AGB codes)."
        ),
    ] = None,
    financers: Annotated[
        Path | None,
        typer.Option(
            help="financers file (financer_id, financer_kind; optional name, region, share, "
            "uzovi). Without it, financers are derived from the patients' insurer, care office "
            "and municipality."
        ),
    ] = None,
    provider_kinds: Annotated[
        Path | None,
        typer.Option(
            "--provider-kinds",
            help="CSV provider_agb,provider_kind: your own kind per AGB code (before the AGB "
            "groups of agb_kinds.yaml).",
        ),
    ] = None,
    claims: Annotated[
        Path | None,
        typer.Option(
            help="claims file (.csv or .parquet, e.g. your system's export): its providers and "
            "financers are derived too (a financer's kind from the law of its titles)."
        ),
    ] = None,
    regions_path: RegionsOpt = None,
    lang: LangOpt = "nl",
) -> None:
    """Importeer patiënten en activiteiten in plaats van ze te genereren (met rejects.csv)."""
    from passend.population.importer import ImportError_, import_population
    from passend.privacy import PrivacyError

    lang = _lang(lang)
    need_paths(
        lang,
        ("--patients", patients, FILE),
        ("--activities", activities, FILE),
        ("--providers", providers, FILE),
        ("--financers", financers, FILE),
        ("--provider-kinds", provider_kinds, FILE),
        ("--claims", claims, FILE),
        ("--regions", regions_path, ANY),
    )
    cat = common._load(None)
    try:
        results = import_population(
            cat,
            patients,
            activities,
            out_dir,
            providers,
            financers,
            provider_kinds,
            claims_path=claims,
            regions_path=regions_path,
            lang=lang,
        )
    except (ImportError_, PrivacyError) as e:
        fail(e)
    except CatalogueError as e:
        raise common.issues_exit(e) from None
    L = CLI_LABELS[lang]
    table = Table(
        "Import",
        [Column(L["file"]), numeric(L["read"]), numeric(L["accepted"]), numeric(L["rejected"])],
    )
    for r in results:
        table.add(
            f"{r.table}.parquet", *(number(n, lang) for n in (r.read, r.accepted, r.rejected))
        )
    show(table)
    for r in results:
        for note in r.notes:
            out.print(f"{r.table}.parquet: {messages.text(note, lang)}", highlight=False)
    if any(r.rejected for r in results):
        out.print(f"{L['rejected_rows']}: {(out_dir / 'rejects.csv').resolve()}")
    if (out_dir / "flags.csv").exists():
        out.print(f"{L['flagged_rows']}: {(out_dir / 'flags.csv').resolve()}")
    out.print(f"{L['written']}: {out_dir.resolve()}")
