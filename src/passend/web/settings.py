"""The server's settings, from the environment (``passend serve`` sets them from its options).

- ``PASSEND_DATA_DIR``: the data folder (runs, tokens), default ``./passend-data``;
- ``PASSEND_UPLOAD_LIMIT``: the largest request body in bytes (default 16 MiB; 413 beyond);
- ``PASSEND_RUNS_PER_CLIENT``: runs one client may have queued or running at once (default 2);
- ``PASSEND_RUN_WORKERS``: processes that execute runs beside the server (default 1)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MIB = 1024 * 1024


def _int(name: str, default: int, least: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < least:
        raise ValueError(f"{name} must be at least {least}, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("passend-data")
    upload_limit: int = 16 * MIB
    runs_per_client: int = 2
    run_workers: int = 1

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            data_dir=Path(os.environ.get("PASSEND_DATA_DIR") or "passend-data"),
            upload_limit=_int("PASSEND_UPLOAD_LIMIT", 16 * MIB, 1024),
            runs_per_client=_int("PASSEND_RUNS_PER_CLIENT", 2, 1),
            run_workers=_int("PASSEND_RUN_WORKERS", 1, 1),
        )
