"""The command line run in the test's own process (Typer's CliRunner), answering like a
subprocess: ``returncode``, ``stdout`` and ``stderr``. A new Python process costs about
1.2 s more than the command (start-up and imports), and the tests run the command a few
hundred times; ``test_cli.py`` keeps real processes of the ``passend`` entry point.

What a subprocess showed is kept: an exception that would have ended the process with a
traceback is written to ``stderr`` as that traceback, with exit code 1, so that "no
traceback" assertions still fail on one."""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass

from typer.testing import CliRunner

from passend.cli import app


@dataclass(frozen=True)
class Ran:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def passend(*args: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> Ran:
    """``passend *args`` with ``env`` added to the environment and the variables whose names
    start with one of ``drop`` removed (as the subprocesses were given)."""
    full: dict[str, str | None] = (
        {k: None for k in os.environ if k.startswith(drop)} if drop else {}
    )
    full.update(env or {})
    r = CliRunner().invoke(app, list(args), env=full)
    stderr = r.stderr
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        stderr += "".join(traceback.format_exception(r.exception))
    return Ran(list(args), r.exit_code, r.stdout, stderr)
