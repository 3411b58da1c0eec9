"""The DuckDB connections of passend (through Ibis, DESIGN section 8) and their thread count.

DuckDB and Arrow use every core by default. ``passend simulate --workers N`` runs N processes
side by side, so each gets ``cores // N`` threads (:func:`limit_threads`): with 2 workers on
2 cores, letting each use both cores made the national run about a quarter slower. The cores
are those this process may use (:func:`available_cpus`: CPU affinity and a container's CPU
quota), not all of the host's.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

_threads: int | None = None


def _cgroup_quota(
    root: Path = Path("/sys/fs/cgroup"), proc: Path = Path("/proc/self/cgroup")
) -> float | None:
    """The CPU quota of this process's cgroup in CPUs (quota / period), or None if unlimited
    or unknown. cgroup v2: ``cpu.max`` ("max 100000" or "200000 100000"); v1:
    ``cpu/cpu.cfs_quota_us`` (-1 when unlimited) over ``cpu/cpu.cfs_period_us``."""
    try:
        lines = proc.read_text().splitlines()
    except OSError:
        lines = []
    v2 = v1 = None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            v2 = path
        elif "cpu" in controllers.split(","):
            v1 = path
    candidates: list[tuple[Path, Path | None]] = []
    for base in ([root / v2.lstrip("/")] if v2 is not None else []) + [root]:
        candidates.append((base / "cpu.max", None))
    for base in ([root / "cpu" / v1.lstrip("/")] if v1 is not None else []) + [root / "cpu"]:
        candidates.append((base / "cpu.cfs_quota_us", base / "cpu.cfs_period_us"))
    for quota_file, period_file in candidates:
        try:
            if period_file is None:
                quota, period = quota_file.read_text().split()[:2]
            else:
                quota, period = quota_file.read_text().strip(), period_file.read_text().strip()
        except (OSError, ValueError):
            continue
        if quota in ("max", "-1"):
            return None
        try:
            q, p = int(quota), int(period)
        except ValueError:
            continue
        return q / p if q > 0 and p > 0 else None
    return None


def available_cpus() -> int:
    """The CPUs this process may use: its CPU affinity (``os.sched_getaffinity``, else
    ``os.cpu_count``), capped by a container's CPU quota rounded down (at least 1).
    ``os.cpu_count()`` alone counts the host's CPUs, also inside a container limited to fewer."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        n = min(n, max(1, math.floor(quota)))
    return max(1, n)


def connect() -> Any:
    """A new in-memory DuckDB connection, with this process's thread limit (if any)."""
    return ibis.duckdb.connect(threads=_threads) if _threads else ibis.duckdb.connect()


def limit_threads(n: int) -> None:
    """Use at most ``n`` threads in this process: new DuckDB connections, Ibis's default
    backend (queries on in-memory tables only) and Arrow's compute pool."""
    global _threads
    _threads = max(1, n)
    pa.set_cpu_count(_threads)
    ibis.set_backend(connect())


def floor_div(a: Any, b: Any) -> Any:
    """Exact ``floor(a / b)`` of int64 expressions, for b > 0.

    Ibis compiles ``a // b`` to FLOOR of a floating-point division (seen on DuckDB), which is
    exact only while ``a`` stays below 2**53: a rounding cent could go astray on large
    amounts. The remainder ``r = a - q * b`` of that first quotient is computed exactly
    in int64 and is small, so ``q + floor(r / b)`` is exact. Overflow of int64 raises an error
    in DuckDB rather than wrapping."""
    q = (a // b).cast("int64")
    r = a - q * b
    return (q + (r // b).cast("int64")).cast("int64")
