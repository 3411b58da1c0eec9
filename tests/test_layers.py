"""The layers of issue 17: only ``passend.cli`` is a front end. No library module imports Typer
or the command line, counting imports inside functions (the AST sees them all)."""

from __future__ import annotations

import ast
from pathlib import Path

import passend

SRC = Path(passend.__file__).parent
FRONT_END = ("typer", "passend.cli")


def front_end_imports(source: str) -> list[str]:
    """The modules of ``FRONT_END`` (or below them) that ``source`` imports, anywhere."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found += [n for n in names if any(n == f or n.startswith(f + ".") for f in FRONT_END)]
    return found


def test_the_check_sees_imports_inside_functions() -> None:
    source = "def f():\n    from passend import cli\n    import typer\n"
    assert front_end_imports(source) == ["passend.cli", "typer"]
    assert front_end_imports("from passend.cli.common import fail") == [
        "passend.cli.common",
        "passend.cli.common.fail",
    ]
    assert front_end_imports("import typing\nfrom passend.client import x") == []


def test_no_library_module_imports_typer_or_the_cli() -> None:
    offenders = {
        str(p.relative_to(SRC)): hits
        for p in sorted(SRC.rglob("*.py"))
        if p.relative_to(SRC).parts[0] != "cli"
        and (hits := front_end_imports(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}
    assert (SRC / "cli" / "__init__.py").exists()  # the walk looks where the code is
