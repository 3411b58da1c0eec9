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

import typer
from rich.console import Console
from rich.text import Text

from passend import messages
from passend.catalogue.loader import EXTRA_ENV, Catalogue, CatalogueError, load_catalogue
from passend.i18n import LANGS, check_lang

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


_error_lang_now = [LANGS[0]]
"""The language of the running command's ``--lang``, set by :func:`_lang` (which every
command with that option calls first), reset to Dutch before each command
(``reset_error_lang``): error messages are in the language of the output."""


def reset_error_lang() -> None:
    _error_lang_now[0] = LANGS[0]


def _error_lang() -> str:
    return _error_lang_now[0]


PROBLEMS = {"nl": "{n} probleem/problemen", "en": "{n} problem(s)"}


def fail(message: str | BaseException) -> NoReturn:
    """``message`` on stderr, exit code 2: a library Message, or an exception that carries
    one (``fail(e)`` for a ``Problem``), in the command's language; other text as it is."""
    text = messages.text(message, _error_lang())
    err.print(Text.assemble(("passend:", "bold red"), " ", text), highlight=False)
    raise typer.Exit(2)


def issues_exit(e: CatalogueError) -> typer.Exit:
    """The problems of a user's YAML file (contract set, scenario, cost prices or provider
    costs), one ``file:line: field: reason`` per line on stderr in the command's language;
    the exit (code 2) to raise."""
    lang = _error_lang()
    err.print(f"[bold red]passend: {PROBLEMS[lang].format(n=len(e.issues))}:[/]")
    for issue in e.issues:
        err.print(f"  {messages.issue_text(issue, lang)}", highlight=False, markup=False)
    return typer.Exit(2)


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
        err.print(f"[bold red]passend: the catalogue has {len(e.issues)} problem(s):[/]")
        for issue in e.issues:
            err.print(f"  {issue}", highlight=False, markup=False)
        raise typer.Exit(2) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
