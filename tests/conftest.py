from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from passend.catalogue import loader
from passend.catalogue.loader import Catalogue, load_catalogue


def _parse_shipped_files_once() -> None:
    """The suite loads the catalogue a few hundred times (every command run in-process loads
    it), and parsing its YAML files is nearly all of that (about 0.5 s a load). A shipped file
    is parsed once per session and its document kept under its path and its bytes: the same
    bytes give the same document, so every load still validates, merges and checks the files
    as before, and a file that changed (or a user's file, or one with a problem) is parsed as
    before. The documents are only read after parsing (for line numbers)."""
    read = loader._read
    parsed: dict[tuple[str, str, bytes], Any] = {}
    shipped = loader.DATA_DIR.resolve()

    def _read(path: Path, shown: str) -> tuple[Any, list]:
        if not path.resolve().is_relative_to(shipped):
            return read(path, shown)
        key = (str(path), shown, path.read_bytes())
        if key not in parsed:
            doc, issues = read(path, shown)
            if issues:
                return doc, issues
            parsed[key] = doc
        return parsed[key], []

    loader._read = _read


_parse_shipped_files_once()


@pytest.fixture(scope="session")
def cat() -> Catalogue:
    return load_catalogue(extra=None)
