"""``passend simulate SCENARIO.yaml``: run a scenario, print the headline table, write the
results (Parquet, summary.json, run.json) and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from passend import db
from passend.catalogue.loader import Catalogue, CatalogueError
from passend.cli import common
from passend.cli.common import (
    FILE,
    EngineOpt,
    LangOpt,
    _lang,
    fail,
    issues_exit,
    need_paths,
    use_engine,
)
from passend.cli.tables import Column, Table, numeric, show
from passend.i18n import (
    CLI_LABELS,
    K_EUROS,
    LANGS,
    OUTCOME_LABELS,
    WORDS,
    number,
    party,
    thousands,
)
from passend.messages import Message
from passend.scenarios.results import HEADLINE_OUTCOMES

out = Console()
err = Console(stderr=True, soft_wrap=True)

TEXT = {lang: {**WORDS[lang], **OUTCOME_LABELS[lang], **CLI_LABELS[lang]} for lang in LANGS}


def _money(entry: dict[str, Any], lang: str, replicates: int) -> str:
    text = thousands(entry["delta_margin_cents"], lang, signed=True)
    if replicates > 1:
        lo = thousands(entry["delta_margin_cents_low"], lang, signed=True)
        hi = thousands(entry["delta_margin_cents_high"], lang, signed=True)
        text += f" [{lo}; {hi}]"
    return text


def headline_tables(summary: dict[str, Any], lang: str) -> list[Table]:
    """The change in margin per party and set, and the outcomes per patient."""
    t = TEXT[lang]
    sets = [c["id"] for c in summary["contract_sets"]]
    reps = int(summary["replicates"])
    money = Table(
        t["sim_title"].format(unit=K_EUROS[lang]), [Column(t["party"]), *(numeric(s) for s in sets)]
    )
    rows: dict[str, dict[str, Any]] = {}
    for e in summary["wrong_pocket"]:
        rows.setdefault(e["group"], {})[e["contract_set"]] = e
    for grp, per_set in sorted(rows.items()):
        if all(
            v["delta_margin_cents"] == 0 and v["delta_money_out_cents"] == 0
            for v in per_set.values()
        ):
            continue
        money.add(
            party(grp, lang),
            *(_money(per_set[s], lang, reps) if s in per_set else "" for s in sets),
        )
    oc = Table(
        t["sim_outcomes"],
        [Column(t["outcome"]), numeric(t["base"]), numeric(t["inter"]), numeric("Δ")],
    )
    o = summary["outcomes"]
    for key in HEADLINE_OUTCOMES:
        b = o[f"{key}_per_patient_baseline"]["mean"]
        i = o[f"{key}_per_patient_intervention"]["mean"]
        d = o[f"{key}_per_patient_delta"]
        delta = number(d["mean"], lang, 3, signed=True)
        if reps > 1:
            lo, hi = (number(d[k], lang, 3, signed=True) for k in ("low", "high"))
            delta += f" [{lo}; {hi}]"
        oc.add(t[key], number(b, lang, 3), number(i, lang, 3), delta)
    return [money, oc]


def simulate_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (see docs/scenarios.md).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the results.")] = Path(
        "out/simulate"
    ),
    replicates: Annotated[
        int | None, typer.Option(help="Override the scenario's number of replicates.")
    ] = None,
    lang: LangOpt = "nl",
    report: Annotated[bool, typer.Option(help="Write the HTML report.")] = True,
    workers: Annotated[
        int,
        typer.Option(
            help="Processes to run the steps in (default: the cores this process may use, within "
            "a container's CPU quota); the results "
            "do not depend on it. Each national step needs up to ~4 GiB."
        ),
    ] = 0,
    xlsx: Annotated[
        bool,
        typer.Option(
            "--xlsx",
            help="Also write results.xlsx: every result table as a sheet, euros as numbers.",
        ),
    ] = False,
    engine: EngineOpt = None,
) -> None:
    """Simuleer een scenario onder elke contractset: marges, prikkels, uitkomsten, rapport."""

    lang = _lang(lang)
    need_paths(lang, ("SCENARIO", scenario, FILE))
    if replicates is not None and replicates < 1:
        fail(Message("at_least_one", option="--replicates"))
    if workers < 0:
        fail(Message("workers_range"))
    use_engine(engine)
    if db.engine() == "spark":  # one Spark session, in this process: Spark runs in parallel
        workers = 1
    run_scenario(common._load(None), scenario, out_dir, lang, replicates, report, workers, xlsx)


def run_scenario(
    cat: Catalogue,
    scenario: Path,
    out_dir: Path,
    lang: str,
    replicates: int | None = None,
    report: bool = True,
    workers: int = 0,
    xlsx: bool = False,
) -> Path | None:
    """``passend.scenarios.run.run_scenario`` with a progress bar, then the headline tables;
    returns the report's path. Bad input exits with code 2."""
    from passend.scenarios import run

    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task(scenario.stem, total=None)
            done = run.run_scenario(
                cat,
                scenario,
                out_dir,
                lang,
                replicates,
                report,
                workers or db.available_cpus(),
                lambda n, total: bar.update(task, completed=n, total=total),
                xlsx,
            )
    except CatalogueError as e:
        raise issues_exit(e) from None
    except (ValueError, OSError) as e:
        fail(e, first_line=True)
    if warning := done.result.summary.get("warning"):  # an announced year: rules not final
        common.warn(warning["en" if lang == "en" else "nl"])
    show(headline_tables(done.result.summary, lang))
    out.print(f"{TEXT[lang]['results']}: {out_dir}")
    if done.report is not None:
        out.print(f"{TEXT[lang]['report']}: {done.report}")
    return done.report
