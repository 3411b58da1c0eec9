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
from rich.markup import escape
from rich.text import Text
from typer.core import TyperGroup

from passend import messages
from passend.catalogue.loader import EXTRA_ENV, Catalogue, CatalogueError, load_catalogue
from passend.i18n import CLI_LABELS, LANG_ENV, TYPER_WORDS, check_lang, cli_help, env_lang

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
EngineOpt = Annotated[
    str | None,
    typer.Option(
        "--engine",
        envvar="PASSEND_ENGINE",
        show_envvar=False,
        help="Engine of the queries: duckdb (in this process) or spark (Apache Spark; install "
        "'.\\[spark]', Java 17; master from PASSEND_SPARK_MASTER, default local[*]). The cents "
        "are the same.",
    ),
]


def use_engine(name: str | None) -> None:
    """Run this command's queries on engine ``name`` (``passend.db.set_engine``); a Spark
    session is started now, so that a missing pyspark or Java is one line and exit 2."""
    from passend import db

    try:
        db.set_engine(name)
        if db.engine() == "spark":
            db.spark()
    except ValueError as e:
        fail(f"--engine: {e}")
    except db.EngineError as e:
        fail(str(e))


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


def localize_typer(lang: str) -> None:
    """Typer's own words (the panels' titles, ``[default: ...]``, ``[required]``) in ``lang``:
    the module constants of ``typer.rich_utils`` that its help reads when it prints."""
    from typer import rich_utils

    for name, text in TYPER_WORDS[lang].items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


class LocalizedGroup(TyperGroup):
    """The root command: built with every subcommand, whose help it turns to the language of
    ``PASSEND_LANG`` (Dutch by default). The help is printed before the options are read, so
    ``--lang`` cannot change it; ``PASSEND_LANG=en passend simulate --help`` does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize(self, env_lang())
        localize_typer(env_lang())


_error_lang_now = [env_lang()]
"""The language of the running command's ``--lang``, set by :func:`_lang` (which every
command with that option calls first), reset to ``PASSEND_LANG`` (else Dutch) before each
command (``reset_error_lang``): error messages are in the language of the output."""


def reset_error_lang() -> None:
    _error_lang_now[0] = env_lang()


def _error_lang() -> str:
    return _error_lang_now[0]


def fail(message: str | BaseException, first_line: bool = False) -> NoReturn:
    """``message`` on stderr, exit code 2: a library Message, or an exception that carries
    one (``fail(e)`` for a ``Problem``), in the command's language; other text as it is.
    ``first_line``: only the message's first line (e.g. of a Pydantic error's summary)."""
    text = messages.text(message, _error_lang())
    if first_line:
        text = text.splitlines()[0] if text else text
    err.print(Text.assemble(("passend:", "bold red"), " ", text), highlight=False)
    raise typer.Exit(2)


def issues_exit(e: CatalogueError) -> typer.Exit:
    """The problems of a user's YAML file (contract set, scenario, cost prices or provider
    costs), one ``file:line: field: reason`` per line on stderr in the command's language;
    the exit (code 2) to raise."""
    lang = _error_lang()
    err.print(f"[bold red]passend: {CLI_LABELS[lang]['problems'].format(n=len(e.issues))}:[/]")
    for issue in e.issues:
        err.print(f"  {messages.issue_text(issue, lang)}", highlight=False, markup=False)
    return typer.Exit(2)


FOLDER, FILE, ANY = "folder", "file", "any"


def need_paths(lang: str, *paths: tuple[str, Path | None, str]) -> None:
    """Refuse (exit 2) an input path that does not exist or is of the wrong kind:
    ``(option, path, FOLDER | FILE | ANY)``; None (an option not given) passes."""
    from passend.i18n import PATH_TEXT

    t = PATH_TEXT[lang]
    for what, path, kind in paths:
        if path is None:
            continue
        problem = (
            "missing"
            if not path.exists()
            else "not_folder"
            if kind == FOLDER and not path.is_dir()
            else "not_file"
            if kind == FILE and not path.is_file()
            else None
        )
        if problem:
            fail(t[problem].format(what=what, path=path))


def check_year(cat: Catalogue, year: int | None, lang: str, what: str = "--year") -> None:
    """Refuse (exit 2) a year the catalogue was not reviewed for; for an announced year,
    print its warning on stderr and go on (``Catalogue.check_year``)."""
    from passend.catalogue.loader import YearError

    if year is None:
        return
    try:
        warning = cat.year_warning(year, lang)
    except YearError as e:
        fail(e.text(lang, what))
    if warning:
        warn(warning)


def warn(text: str) -> None:
    """A warning on stderr: the command goes on (e.g. an announced year's)."""
    err.print(f"[bold yellow]passend:[/] {escape(text)}", highlight=False)


def _lang(lang: str) -> str:
    try:
        _error_lang_now[0] = check_lang(lang)
    except ValueError as e:
        fail(f"--lang {e}")
    return lang


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
