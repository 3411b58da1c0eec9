"""Row-level validation shared by the importers: every check is a vectorised Arrow expression
that marks failing rows and records (row, column, value, reason) for the rejects file.

Typed input (Parquet with the right types) is checked directly; text input (CSV, or a Parquet
column of another type) is parsed and checked per row, so that one bad value rejects its own row
and nothing else.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq

DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
INT_RE = r"^-?\d+$"
BOOL_TRUE = ["true", "1", "ja", "yes", "t", "y"]
BOOL_FALSE = ["false", "0", "nee", "no", "f", "n"]


class ImportError_(Exception):
    """A fatal import error: the file as a whole cannot be used."""


@dataclass
class Result:
    table: str
    read: int
    accepted: int
    rejected: int
    notes: list[str] = field(default_factory=list)


def read_any(path: Path, keep_types: bool = False, dictionary: list[str] | None = None) -> pa.Table:
    """Read Parquet or CSV. CSV columns are text; Parquet columns keep their types when
    ``keep_types`` (the checks then skip parsing), else they are cast to text."""
    if not path.exists():
        raise ImportError_(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            table = pq.read_table(path, read_dictionary=dictionary if keep_types else None)
            if keep_types:
                return table
            return pa.table({n: pc.cast(table[n], pa.string()) for n in table.column_names})
        with path.open(encoding="utf-8") as fh:
            header = next(csv.reader([fh.readline()]), [])
        if not header:
            raise ImportError_(f"{path}: empty file, no header row")
        opts = pv.ConvertOptions(
            column_types={h: pa.string() for h in header}, strings_can_be_null=True
        )
        return pv.read_csv(path, convert_options=opts)
    except ImportError_:
        raise
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError) as e:
        raise ImportError_(f"{path}: unreadable: {str(e).splitlines()[0]}") from None


class Checker:
    def __init__(self, table: pa.Table, name: str, row_numbers: np.ndarray | None = None):
        self.t = table
        self.name = name
        self.n = table.num_rows
        self.row_numbers = (
            row_numbers if row_numbers is not None else np.arange(1, self.n + 1, dtype=np.int64)
        )
        self._text: dict[str, pa.ChunkedArray] = {}
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        self.bad = np.zeros(self.n, dtype=bool)
        self.rejects: list[pa.Table] = []

    def is_text(self, name: str) -> bool:
        t = self.t[name].type
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)

    def _short(self, name: str) -> bool:
        """Trim before testing for emptiness only on small inputs (trimming millions of ids
        costs seconds; a value of spaces only is then 'present' and fails its own check)."""
        return self.n <= 100_000

    def is_dictionary(self, name: str) -> bool:
        return pa.types.is_dictionary(self.t[name].type)

    def col(self, name: str) -> pa.ChunkedArray:
        """The column as text (cached). Surrounding spaces are ignored where values are compared
        with a code list (see :meth:`codes`); ids are kept as given."""
        if name not in self._text:
            c = self.t[name]
            self._text[name] = c if self.is_text(name) else pc.cast(c, pa.string())
        return self._text[name]

    def codes(self, name: str) -> tuple[np.ndarray, list[str]]:
        """Distinct trimmed values of a text column and each row's index into them (-1 for an
        empty or missing value); checks then work on the few distinct values."""
        if name not in self._codes:
            c = self.t[name]
            if self.is_dictionary(name):
                enc = (
                    c.unify_dictionaries().combine_chunks() if isinstance(c, pa.ChunkedArray) else c
                )
            else:
                enc = pc.dictionary_encode(
                    c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
                )
            values = [v.strip() if isinstance(v, str) else "" for v in enc.dictionary.to_pylist()]
            lookup = np.array([i if v else -1 for i, v in enumerate(values)] + [-1], dtype=np.int64)
            idx = pc.fill_null(enc.indices, len(values)).to_numpy(zero_copy_only=False)
            self._codes[name] = (lookup[idx], values)
        return self._codes[name]

    def fail(self, mask: np.ndarray, column: str, reason: str) -> None:
        if not mask.any():
            return
        rows = np.nonzero(mask)[0]
        values = (
            self.t[column].take(pa.array(rows))
            if column in self.t.column_names
            else pa.nulls(len(rows), pa.string())
        )
        self.rejects.append(
            pa.table(
                {
                    "table": pa.array([self.name] * len(rows)),
                    "row": pa.array(self.row_numbers[rows]),
                    "column": pa.array([column] * len(rows)),
                    "value": pc.cast(values, pa.string()),
                    "reason": pa.array([reason] * len(rows)),
                }
            )
        )
        self.bad |= mask

    def present(self, name: str) -> np.ndarray:
        """Rows with a value (not null, not empty)."""
        if self.is_dictionary(name):
            return self.codes(name)[0] >= 0
        if not self.is_text(name):
            return as_np(pc.is_valid(self.t[name]))
        text = self.col(name)
        if self._short(name):
            text = pc.utf8_trim_whitespace(text)
        return as_np(pc.greater(pc.utf8_length(text), 0))

    def required(self, name: str) -> np.ndarray:
        ok = self.present(name)
        self.fail(~ok, name, "required value is empty")
        return ok

    def matches(self, name: str, regex: str, reason: str, optional: bool = False) -> np.ndarray:
        here = self.present(name)
        ok = as_np(pc.match_substring_regex(self.col(name), regex))
        self.fail(here & ~ok, name, reason)
        if not optional:
            self.fail(~here, name, "required value is empty")
        return here & ok

    def one_of(self, name: str, allowed: list[str], what: str, optional: bool = False) -> None:
        idx, values = self.codes(name)
        here = idx >= 0
        good = np.array([v in set(allowed) for v in values] + [False], dtype=bool)
        ok = good[idx]
        self.fail(here & ~ok, name, f"unknown {what}")
        if not optional:
            self.fail(~here, name, "required value is empty")

    def dates(self, name: str, optional: bool = False) -> pa.Array:
        if pa.types.is_date(self.t[name].type) or pa.types.is_timestamp(self.t[name].type):
            if not optional:
                self.fail(~self.present(name), name, "required value is empty")
            return pc.cast(self.t[name], pa.date32())
        shape = self.matches(name, DATE_RE, "not a date (YYYY-MM-DD)", optional)
        parsed = pc.strptime(
            pc.if_else(pa.array(shape), self.col(name), pa.scalar(None, pa.string())),
            format="%Y-%m-%d",
            unit="s",
            error_is_null=True,
        )
        # a date that does not exist (2026-02-30) must not roll over: format it back and compare
        back = pc.strftime(parsed, format="%Y-%m-%d")
        invalid = shape & ~as_np(pc.equal(back, self.col(name)))
        self.fail(invalid, name, "not a valid calendar date")
        return pc.cast(parsed, pa.date32())

    def ints(self, name: str, lo: int, hi: int) -> pa.Array:
        if pa.types.is_integer(self.t[name].type):
            here = self.present(name)
            self.fail(~here, name, "required value is empty")
            values = pc.cast(pc.fill_null(self.t[name], 0), pa.int64())
            v = values.to_numpy()
            self.fail(here & ((v < lo) | (v > hi)), name, f"out of range {lo}..{hi}")
            return values
        shape = self.matches(name, INT_RE, "not a whole number")
        values = pc.cast(pc.if_else(pa.array(shape), self.col(name), pa.scalar("0")), pa.int64())
        v = values.to_numpy(zero_copy_only=False)
        self.fail(shape & ((v < lo) | (v > hi)), name, f"out of range {lo}..{hi}")
        return values

    def bools(self, name: str) -> pa.Array:
        if pa.types.is_boolean(self.t[name].type):
            self.fail(~self.present(name), name, "required value is empty")
            return pa.array(as_np(self.t[name]))
        low = pc.utf8_lower(self.col(name))
        t = as_np(pc.is_in(low, value_set=pa.array(BOOL_TRUE)))
        f = as_np(pc.is_in(low, value_set=pa.array(BOOL_FALSE)))
        self.fail(~(t | f), name, "not true/false")
        return pa.array(t)

    def unique(self, name: str) -> None:
        """Reject the second and later rows with the same id (the first is kept). The
        duplicated values are found by a group-by in the dataframe engine; only their rows are
        then ranked."""
        import ibis

        values = self.col(name)
        t = ibis.memtable(pa.table({"v": values}))
        dups = t.group_by("v").aggregate(n=t.count()).filter(lambda x: x.n > 1).to_pyarrow()["v"]
        if len(dups) == 0:
            return
        rows = np.nonzero(as_np(pc.is_in(values, value_set=dups)))[0]
        sub = pc.dictionary_encode(values.take(pa.array(rows))).combine_chunks()
        idx = pc.fill_null(sub.indices, -1).to_numpy(zero_copy_only=False)
        order = np.argsort(idx, kind="stable")
        ranked = idx[order]
        later = np.zeros(self.n, dtype=bool)
        later[rows[order[1:][(ranked[1:] == ranked[:-1]) & (ranked[1:] >= 0)]]] = True
        self.fail(later, name, "duplicate id (first occurrence kept)")


def as_np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow mask as NumPy, nulls counted as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def missing_columns(table: pa.Table, required: list[str], path: Path) -> None:
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise ImportError_(f"{path}: missing required column(s) {', '.join(missing)}")
