"""Row-level validation shared by the importers: every check is a vectorised Arrow expression
that marks failing rows and records (row, column, value, reason) for the rejects file.

Typed input (Parquet with the right types) is checked directly; text input (CSV, or a Parquet
column of another type) is parsed and checked per row, so that one bad value rejects its own row
and nothing else.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
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


def read_any(
    path: Path,
    keep_types: bool = False,
    dictionary: list[str] | None = None,
    columns: Callable[[str], bool] | None = None,
) -> pa.Table:
    """Read Parquet or CSV. CSV columns are text; Parquet columns keep their types when
    ``keep_types`` (the checks then skip parsing), else they are cast to text. ``dictionary``:
    Parquet columns read dictionary-encoded (few distinct values: no strings are built).
    ``columns``: when given, only the columns it accepts are read (the others are not used)."""
    if not path.exists():
        raise ImportError_(f"{path}: no such file")
    try:
        if path.suffix.lower() == ".parquet":
            # one chunk per row group (a dictionary-encoded column keeps one dictionary each)
            present = pq.read_schema(path).names
            names = None if columns is None else [n for n in present if columns(n)]
            as_dictionary = [d for d in dictionary or [] if d in present] if keep_types else None
            table = pq.ParquetFile(path, read_dictionary=as_dictionary).read(columns=names)
            if keep_types:
                return table
            return pa.table({n: pc.cast(table[n], pa.string()) for n in table.column_names})
        with path.open(encoding="utf-8") as fh:
            header = next(csv.reader([fh.readline()]), [])
        if not header:
            raise ImportError_(f"{path}: empty file, no header row")
        opts = pv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            strings_can_be_null=True,
            include_columns=None if columns is None else [h for h in header if columns(h)],
        )
        return pv.read_csv(path, convert_options=opts)
    except ImportError_:
        raise
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError, OSError) as e:
        raise ImportError_(f"{path}: unreadable: {str(e).splitlines()[0]}") from None


class Checker:
    """The checks of one table (or of one part of it: ``first_row`` is then the input row
    number of its first row, and ``rows_in_file`` the size of the whole input)."""

    def __init__(
        self,
        table: pa.Table,
        name: str,
        row_numbers: np.ndarray | None = None,
        first_row: int = 1,
        rows_in_file: int | None = None,
    ):
        self.t = table
        self.name = name
        self.n = table.num_rows
        self._row_numbers = row_numbers
        self._first_row = first_row
        self._rows_in_file = rows_in_file if rows_in_file is not None else self.n
        self._text: dict[str, pa.ChunkedArray] = {}
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._encoded: dict[str, pa.DictionaryArray] = {}
        self._failed: dict[str, np.ndarray] = {}
        self.bad = np.zeros(self.n, dtype=bool)
        self.rejects: list[pa.Table] = []

    @property
    def row_numbers(self) -> np.ndarray:
        """The input's row (or record) number of each row (built only when a row fails)."""
        if self._row_numbers is None:
            start = self._first_row
            self._row_numbers = np.arange(start, start + self.n, dtype=np.int64)
        return self._row_numbers

    def failed(self, column: str) -> np.ndarray | None:
        """Rows that failed a check on ``column`` (None when none did)."""
        return self._failed.get(column)

    def is_text(self, name: str) -> bool:
        t = self.t[name].type
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t)

    def _short(self, name: str) -> bool:
        """Trim before testing for emptiness only on small inputs (trimming millions of ids
        costs seconds; a value of spaces only is then 'present' and fails its own check)."""
        return self._rows_in_file <= 100_000

    def _orderable(self, name: str) -> bool:
        """Text or whole numbers: their own order tells whether a value repeats (a whole number
        is unique exactly when its text is)."""
        t = self.t[name].type
        return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t)

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
        empty or missing value); checks then work on the few distinct values. Arrays indexed by
        it carry one extra last entry, for -1."""
        if name not in self._codes:
            c = self.t[name]
            if self.is_dictionary(name):
                if not pa.types.is_string(c.type.value_type):
                    c = c.cast(pa.dictionary(c.type.index_type, pa.string()))
                enc = (
                    c.unify_dictionaries().combine_chunks() if isinstance(c, pa.ChunkedArray) else c
                )
            else:
                c = self.col(name)  # numbers in a code column are compared as text
                enc = pc.dictionary_encode(
                    c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
                )
            values = [v.strip() if isinstance(v, str) else "" for v in enc.dictionary.to_pylist()]
            blank = [i for i, v in enumerate(values) if not v]
            if enc.indices.null_count == 0 and not blank:  # the indices as they are
                idx = enc.indices.to_numpy().astype(np.int32, copy=False)
            else:
                lookup = np.arange(len(values) + 1, dtype=np.int32)
                lookup[[*blank, len(values)]] = -1
                idx = lookup[pc.fill_null(enc.indices, len(values)).to_numpy()]
            self._codes[name] = (idx, values)
            self._encoded[name] = enc
        return self._codes[name]

    def encoded(self, name: str) -> pa.DictionaryArray | None:
        """The dictionary-encoded column behind :meth:`codes` (one chunk, values as given, not
        trimmed), or None when :meth:`codes` was not asked for it."""
        return self._encoded.get(name)

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
        if column in self._failed:
            self._failed[column] |= mask
        else:
            self._failed[column] = mask.copy()

    def present(self, name: str) -> np.ndarray:
        """Rows with a value (not null, not empty)."""
        if self.is_dictionary(name):
            if name in self._codes:
                return self._codes[name][0] >= 0
            return self._present_in_dictionary(name)
        if not self.is_text(name):
            return as_np(pc.is_valid(self.t[name]))
        text = self.col(name)
        if self._short(name):
            text = pc.utf8_trim_whitespace(text)
        return as_np(pc.greater(pc.binary_length(text), 0))  # bytes: 0 exactly when empty

    def _present_in_dictionary(self, name: str) -> np.ndarray:
        """:meth:`present` for a dictionary-encoded column: each distinct value is tested once
        (vectorised, per chunk) and the rows take the answer of their value."""
        c = self.t[name]
        masks = []
        for chunk in c.chunks if isinstance(c, pa.ChunkedArray) else [c]:
            values = chunk.dictionary
            if not pa.types.is_string(values.type):
                values = pc.cast(values, pa.string())
            filled = pc.fill_null(
                pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(values)), 0), False
            )
            if chunk.null_count == 0 and pc.all(filled).as_py():
                masks.append(np.ones(len(chunk), dtype=bool))
            else:
                masks.append(as_np(pc.take(filled, chunk.indices)))
        return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)

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
        known = set(allowed)
        unknown = np.array([bool(v) and v not in known for v in values] + [False], dtype=bool)
        if unknown.any():  # each distinct value is looked up once; rows only when one is unknown
            self.fail(unknown[idx], name, f"unknown {what}")
        if not optional:
            self.fail(idx < 0, name, "required value is empty")

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
            c = self.t[name]
            values = pc.cast(pc.fill_null(c, 0) if c.null_count else c, pa.int64())
            if not _within(values, lo, hi):
                v = values.to_numpy()
                self.fail(here & ((v < lo) | (v > hi)), name, f"out of range {lo}..{hi}")
            return values
        shape = self.matches(name, INT_RE, "not a whole number")
        col = self.col(name)
        # more than 18 digits may not fit in int64: out of range whatever lo and hi are
        long = shape & as_np(pc.greater(pc.utf8_length(pc.utf8_ltrim(col, "-")), 18))
        fits = shape & ~long
        values = pc.cast(pc.if_else(pa.array(fits), col, pa.scalar("0")), pa.int64())
        v = values.to_numpy(zero_copy_only=False)
        self.fail(long | (fits & ((v < lo) | (v > hi))), name, f"out of range {lo}..{hi}")
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
        """Reject the second and later rows with the same id (the first is kept). Ids in
        ascending order cannot repeat (one linear pass). Otherwise the dataframe engine hashes
        every id to 64 bits; only rows whose hash occurs more than once can repeat, and those
        few are then compared by their values (a hash collision is never taken for a repeat)."""
        if _strictly_increasing(self.t[name] if self._orderable(name) else self.col(name)):
            return  # every id is greater than the one before: none repeats (files numbered in order)
        import ibis

        values = self.col(name)
        t = ibis.memtable(pa.table({"v": values}))
        hashes = t.select(h=t.v.hash()).to_pyarrow()["h"].to_numpy()
        ordered = np.sort(hashes)
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
        if len(repeated) == 0:
            return
        rows = np.flatnonzero(np.isin(hashes, repeated))  # candidates, in input order
        sub = pc.dictionary_encode(values.take(pa.array(rows))).combine_chunks()
        idx = pc.fill_null(sub.indices, -1).to_numpy(zero_copy_only=False)
        order = np.argsort(idx, kind="stable")
        ranked = idx[order]
        later = np.zeros(self.n, dtype=bool)
        later[rows[order[1:][(ranked[1:] == ranked[:-1]) & (ranked[1:] >= 0)]]] = True
        self.fail(later, name, "duplicate id (first occurrence kept)")


def _strictly_increasing(column: pa.ChunkedArray | pa.Array) -> bool:
    """True when no value is missing and each is greater than the one before it (one linear pass
    of vectorised comparisons): then no value occurs twice."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    last = None
    for chunk in chunks:  # a few chunks, not rows
        if len(chunk) == 0:
            continue
        if chunk.null_count:
            return False
        if last is not None and not pc.less(last, chunk[0]).as_py():
            return False
        if len(chunk) > 1:
            step = pc.less(chunk.slice(0, len(chunk) - 1), chunk.slice(1))
            if not pc.all(step).as_py():
                return False
        last = chunk[len(chunk) - 1]
    return True


def _within(values: pa.ChunkedArray | pa.Array, lo: int, hi: int) -> bool:
    """Every value in lo..hi (one pass for the minimum and maximum; nulls ignored)."""
    mm = pc.min_max(values)
    low, high = mm["min"].as_py(), mm["max"].as_py()
    return low is None or (low >= lo and high <= hi)


def as_np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean Arrow mask as NumPy, nulls counted as False."""
    if mask.null_count:
        mask = pc.fill_null(mask, False)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def missing_columns(table: pa.Table, required: list[str], path: Path) -> None:
    missing = [c for c in required if c not in table.column_names]
    if missing:
        raise ImportError_(f"{path}: missing required column(s) {', '.join(missing)}")
