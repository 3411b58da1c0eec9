"""``passend population ...``: generate, calibrate, import, list regions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from ruamel.yaml import YAML

from passend import messages
from passend.catalogue.loader import CatalogueError
from passend.cli import common
from passend.population.calibration import compare, measures, sizes
from passend.population.generate import Effects, Population, generate
from passend.population.importer import ImportError_, import_population
from passend.population.params import load_insurers, load_parameters, load_regions
from passend.population.tables import write_population
from passend.privacy import PrivacyError

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


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]passend:[/] {message}", highlight=False, markup=True)
    return typer.Exit(2)


def _context(regions_path: Path | None, params_path: Path | None):

    cat = common._load(None)
    try:
        params = load_parameters(cat, params_path)
        regions = load_regions(cat, regions_path)
        insurers = load_insurers(cat)
    except CatalogueError as e:
        for issue in e.issues:
            err.print(f"  {issue}", markup=False, highlight=False)
        raise _fail(f"{len(e.issues)} problem(s) in the population data") from None
    return cat, params, regions, insurers


def _effects(path: Path | None) -> Effects:
    if path is None:
        return Effects()
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        return Effects.model_validate(data or {})
    except Exception as e:  # YAML or validation: one message, no traceback
        raise _fail(f"{path}: {str(e).splitlines()[0]}") from None


def make(
    region: str,
    year: int,
    seed: int,
    scale: float,
    effects: Effects | None = None,
    regions_path: Path | None = None,
    params_path: Path | None = None,
    context: tuple | None = None,
) -> Population:
    cat, params, regions, insurers = context or _context(regions_path, params_path)
    if region not in regions:
        from difflib import get_close_matches

        close = get_close_matches(region, list(regions), n=3)
        hint = f"closest: {', '.join(close)}; " if close else ""
        raise _fail(
            f"unknown region {region!r}; {hint}all: {', '.join(sorted(regions))} "
            "(passend population regions)"
        )
    try:
        return generate(cat, params, insurers, regions, region, year, seed, scale, effects)
    except ValueError as e:
        raise _fail(str(e)) from None


@app.command("regions")
def regions_cmd(
    regions_path: RegionsOpt = None, json_: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """De regio's: het hele land en de acht pilotregio's (seed 004, bijlage B2)."""
    _, _, regions, _ = _context(regions_path, None)
    rows = [
        {
            "id": r.id,
            "name": r.name.nl,
            "inhabitants": r.inhabitants.value,
            "pilot": r.pilot,
            "insurers": r.insurers.shares,
        }
        for r in regions.values()
    ]
    if json_:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title="Regio's")
    for c in ("id", "naam", "inwoners", "verzekeraars (expliciet)"):
        table.add_column(c)
    for r in rows:
        ins = ", ".join(f"{k} {v:.0%}" for k, v in r["insurers"].items()) or "landelijke verdeling"
        table.add_row(r["id"], r["name"], f"{r['inhabitants']:,}".replace(",", "."), ins)
    out.print(table)


@app.command("generate")
def generate_cmd(
    region: Annotated[str, typer.Option(help="Region id, e.g. national or zuid-gelderland.")],
    year: Annotated[int, typer.Option(help="Year of death of the population.")],
    seed: Annotated[
        int, typer.Option(min=0, help="Random seed (0 or more); the same seed, the same files.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the Parquet tables.")],
    scale: Annotated[float, typer.Option(help="Fraction of the population to generate.")] = 1.0,
    effects: Annotated[Path | None, typer.Option(help="YAML file with effect modifiers.")] = None,
    regions_path: RegionsOpt = None,
    params_path: ParamsOpt = None,
) -> None:
    """Genereer patiënten, activiteiten, aanbieders en financiers als Parquet-bestanden."""
    if not 0 < scale <= 10:
        raise _fail("--scale must be in (0, 10]")
    pop = make(region, year, seed, scale, _effects(effects), regions_path, params_path)
    write_population(pop, out_dir)
    table = Table(title=f"Populatie {region} {year} (seed {seed}, schaal {scale})")
    table.add_column("tabel")
    table.add_column("rijen", justify="right")
    for name, t in pop.tables().items():
        table.add_row(name, f"{t.num_rows:,}".replace(",", "."))
    out.print(table)
    out.print(f"Geschreven naar: {out_dir.resolve()}")


@app.command("calibration")
def calibration_cmd(
    region: Annotated[str, typer.Option(help="Region id.")] = "national",
    year: Annotated[int, typer.Option()] = 2026,
    seed: Annotated[int, typer.Option(min=0)] = 1,
    scale: Annotated[float, typer.Option()] = 1.0,
    json_: Annotated[bool, typer.Option("--json")] = False,
    regions_path: RegionsOpt = None,
    params_path: ParamsOpt = None,
) -> None:
    """Vergelijk een gegenereerde populatie met de publieke cijfers (CALIBRATION.md).
    Exit code 1 als een waarde buiten de tolerantie valt."""
    context = _context(regions_path, params_path)
    cat, params, regions, _ = context
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
        table = Table(title=f"Kalibratie {region} {year} (seed {seed}, schaal {scale})")
        for c in ("doel", "doelwaarde", "gegenereerd", "tolerantie", "", "bron"):
            table.add_column(c)
        for r in rows:
            table.add_row(
                r["id"],
                f"{r['target']:g}",
                f"{r['value']:g}",
                f"±{r['tolerance']:g}",
                "[green]✓[/]" if r["within"] else "[red]✗[/]",
                r["source"],
            )
        out.print(table)
        for r in rows:  # why each value that misses its target does
            if r["why"] is not None:
                out.print(f"✗ {r['id']}: {messages.text(r['why'], 'nl')}", highlight=False)
    if not all(r["within"] for r in rows):
        raise typer.Exit(1)


@app.command("import")
def import_cmd(
    patients: Annotated[Path, typer.Option(help="patients file (.parquet or .csv)")],
    activities: Annotated[Path, typer.Option(help="activities file (.parquet or .csv)")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the validated tables.")],
) -> None:
    """Importeer patiënten en activiteiten in plaats van ze te genereren (met rejects.csv)."""

    cat = common._load(None)
    try:
        results = import_population(cat, patients, activities, out_dir)
    except (ImportError_, PrivacyError) as e:
        raise _fail(str(e)) from None
    table = Table(title="Import")
    for c in ("tabel", "gelezen", "geaccepteerd", "geweigerd"):
        table.add_column(c, justify="right")
    for r in results:
        table.add_row(r.table, str(r.read), str(r.accepted), str(r.rejected))
    out.print(table)
    for r in results:
        for note in r.notes:
            out.print(f"{r.table}: {note}")
    if any(r.rejected for r in results):
        out.print(f"Geweigerde rijen: {(out_dir / 'rejects.csv').resolve()}")
    out.print(f"Geschreven naar: {out_dir.resolve()}")
