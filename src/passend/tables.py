"""passend's typed tables as files, the one home of what every step shares: a schema with each
column documented next to it, the deterministic Parquet writer (same table, same bytes), and
the check of a table given as input (its footer alone: a wrong or damaged file gets one line
naming it, not a traceback from the engine). The schemas themselves are with their step:
``population/tables.py``, ``claims/tables.py``, ``settlement/tables.py``."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from passend.messages import Message, Problem


def schema(columns: list[tuple[str, pa.DataType, bool, str]]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(name, typ, nullable=nullable, metadata={"doc": doc})
            for name, typ, nullable, doc in columns
        ]
    )


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write with fixed options so that the same table gives the same bytes."""
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=3,
        use_dictionary=True,
        write_statistics=True,
        row_group_size=1 << 20,
    )


def table_problem(path: Path, schema: pa.Schema) -> Message | None:
    """Why ``path`` cannot be read as a passend table of ``schema``, from its footer alone: not
    a Parquet file, a column missing, or a column of another type. None when it can. Other
    columns may be there. For the tables a command takes from an earlier step (a population,
    claims, a settlement), so that a wrong or damaged file gets one line naming it, not a
    traceback from the engine."""
    try:
        got = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as e:
        return Message("not_parquet", path=path, error=str(e).splitlines()[0])
    for f in schema:
        if f.name not in got.names:
            return Message("column_missing", path=path, column=f.name)
        t = got.field(f.name).type
        if pa.types.is_dictionary(t):
            t = t.value_type
        if t != f.type:
            return Message("column_type", path=path, column=f.name, got=t, expected=f.type)
    return None


def check_table(path: Path, schema: pa.Schema) -> None:
    """Raise ``ValueError`` with ``table_problem`` (the commands turn it into exit code 2)."""
    problem = table_problem(path, schema)
    if problem is not None:
        raise Problem(problem.id, **problem.params)
