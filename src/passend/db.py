"""The DuckDB connections of passend (through Ibis, DESIGN section 8) and their thread count.

DuckDB and Arrow use every core by default. ``passend simulate --workers N`` runs N processes
side by side, so each gets ``cores // N`` threads (:func:`limit_threads`): with 2 workers on
2 cores, letting each use both cores made the national run about a quarter slower.
"""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa

_threads: int | None = None


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
