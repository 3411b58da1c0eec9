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


WEB = ("fastapi", "starlette", "uvicorn", "passend.web")


def _imports(source: str, prefixes: tuple[str, ...]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if any(n == f or n.startswith(f + ".") for f in prefixes)]
    return found


def test_no_library_module_imports_the_web_and_the_web_not_the_cli() -> None:
    """The web front end (``passend.web``) is beside the CLI: the library imports neither;
    the web imports no Typer or CLI; the CLI starts the web only by name (``passend serve``
    hands Uvicorn the import string)."""
    hits: dict[str, list[str]] = {}
    for p in sorted(SRC.rglob("*.py")):
        top = p.relative_to(SRC).parts[0]
        source = p.read_text(encoding="utf-8")
        if top == "web":
            bad = _imports(source, FRONT_END)
        elif top == "cli":
            bad = _imports(source, ("fastapi", "starlette", "passend.web"))
        else:
            bad = _imports(source, WEB)
        if bad:
            hits[str(p.relative_to(SRC))] = bad
    assert hits == {}


def _module(p: Path) -> str:
    parts = list(p.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """passend's modules and the passend modules each imports (anywhere in it but under
    ``if TYPE_CHECKING:``, which never runs)."""
    modules = {_module(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, p in modules.items():
        deps: set[str] = set()
        tree = ast.parse(p.read_text(encoding="utf-8"))
        typing_only = {
            id(n)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
            for stmt in block.body
            for n in ast.walk(stmt)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            deps |= {t for t in targets if t in modules and t != name}
        graph[name] = deps
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                return [*stack[stack.index(m) :], m]
            if m not in state and (found := visit(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles() -> None:
    """No module imports (directly or through others) one that imports it back, counting
    imports inside functions. A package's ``__init__`` counts as the package."""
    graph = _graph()
    # a package's __init__ importing its own submodules is how a package exposes them
    for name in graph:
        graph[name] = {d for d in graph[name] if not d.startswith(name + ".")}
    assert _cycle(graph) is None
