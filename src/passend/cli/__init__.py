"""The ``passend`` command line (Typer + Rich): the only front end code; the commands call the
library's plain functions and print. Human output is Dutch by default (``--lang en`` for
English); ``--json`` prints machine-readable output. Bad input exits with code 2 and a message
that names what is wrong, never a traceback."""

from __future__ import annotations

from typing import Annotated

import typer

from passend import __version__
from passend.cli.common import (
    LocalizedGroup,
    _lang,
    _load,
    fail,
    issues_exit,
    out,
    reset_error_lang,
)

__all__ = ["_lang", "_load", "app", "fail", "issues_exit", "main"]

app = typer.Typer(
    name="passend",
    help="passend: de financiering van palliatieve zorg als software (rules as data, wegwijzer). "
    "Uitvoer en hulp in het Engels: PASSEND_LANG=en (of --lang en voor de uitvoer).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LocalizedGroup,
)


def _register() -> None:
    """Every command, from its module in ``passend.cli`` (which import the library inside the
    commands, to keep ``passend --help`` quick to load)."""
    from passend.cli.business_case import business_case_cmd
    from passend.cli.calc import app as calc_app
    from passend.cli.catalogue import app as catalogue_app
    from passend.cli.claims import app as claims_app
    from passend.cli.demo import demo
    from passend.cli.population import app as population_app
    from passend.cli.serve import serve, token_app
    from passend.cli.settle import ledger_app, settle_cmd
    from passend.cli.simulate import simulate_cmd
    from passend.cli.wegwijzer import wegwijzer

    app.add_typer(catalogue_app, name="catalogue")
    app.command("wegwijzer")(wegwijzer)
    app.command("demo")(demo)
    app.add_typer(population_app, name="population")
    app.add_typer(claims_app, name="claims")
    app.command("settle")(settle_cmd)
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(calc_app, name="calc")
    app.command("simulate")(simulate_cmd)
    app.command("business-case")(business_case_cmd)
    app.command("serve")(serve)
    app.add_typer(token_app, name="token")


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
    reset_error_lang()  # each command's errors in its own --lang (Dutch until it says)


_register()


def main() -> None:
    app()
