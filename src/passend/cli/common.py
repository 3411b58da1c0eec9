"""What every command shares: the consoles, the common options, and the turning of bad input
into a message on stderr and exit code 2 (never a traceback). The library raises exceptions
(``CatalogueError``, ``ValueError``); only the command line turns them into exits.

The commands call ``common._load`` (looked up when they run), so a test can swap the
catalogue once for all of them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

from passend.catalogue.loader import EXTRA_ENV, Catalogue, CatalogueError, load_catalogue
from passend.i18n import CLI_LABELS, LANG_ENV, check_lang, cli_help, env_lang

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
LangOpt = Annotated[
    str, typer.Option("--lang", envvar=LANG_ENV, help="Language of human output: nl or en.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def localize(command: click.Command, lang: str) -> None:
    """The help of ``command``, its options and its subcommands in ``lang``
    (``passend.i18n.cli_help``)."""
    for obj in (command, *command.params):
        for attr in ("help", "short_help"):
            text = getattr(obj, attr, None)
            if text:
                setattr(obj, attr, cli_help(text, lang))
    for sub in getattr(command, "commands", {}).values():
        localize(sub, lang)


class LocalizedGroup(TyperGroup):
    """The root command: built with every subcommand, whose help it turns to the language of
    ``PASSEND_LANG`` (Dutch by default). The help is printed before the options are read, so
    ``--lang`` cannot change it; ``PASSEND_LANG=en passend simulate --help`` does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize(self, env_lang())


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]passend:[/] {message}", highlight=False)
    raise typer.Exit(2)


def issues_exit(e: CatalogueError) -> typer.Exit:
    """The problems of a user's YAML file (contract set, scenario, cost prices or provider
    costs), one ``file:line: field: reason`` per line on stderr; the exit (code 2) to raise."""
    err.print(
        f"[bold red]passend: {CLI_LABELS[env_lang()]['problems'].format(n=len(e.issues))}:[/]"
    )
    for issue in e.issues:
        err.print(f"  {issue}", highlight=False, markup=False)
    return typer.Exit(2)


def _lang(lang: str) -> str:
    try:
        return check_lang(lang)
    except ValueError as e:
        fail(f"--lang {e}")


def _load(extra: Path | None) -> Catalogue:
    try:
        return load_catalogue(extra)
    except CatalogueError as e:
        problems = CLI_LABELS[env_lang()]["catalogue_problems"].format(n=len(e.issues))
        err.print(f"[bold red]passend: {problems}:[/]")
        for issue in e.issues:
            err.print(f"  {issue}", highlight=False, markup=False)
        raise typer.Exit(2) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
