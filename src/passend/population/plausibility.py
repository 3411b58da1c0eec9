"""Plausibility of imported data, as data: the rules are in ``population/data/plausibility.yaml``
(each with its id, severity, message in Dutch and English, and sources), evaluated here by one
function for every table that has their columns.

A rule is one of three check kinds, parametrised by the file:

- ``match``: a row fails when every condition holds (``column`` ``in``/``not_in`` values);
- ``date_offset``: a row fails when ``date - reference`` in days is below ``below_days`` or above
  ``above_days`` (among the rows that meet the rule's conditions);
- ``known``: a row fails when ``column`` has a value that is not in the named set (``regions``,
  ``providers``) the caller gives.

Severity ``reject`` refuses the row (``rejects.csv``); ``flag`` accepts it and lists it in
``flags.csv`` (:class:`Flags`). Every check is a vectorised Arrow expression over whole columns;
a rule whose columns (or set) a table lacks is not applied and is named in ``not_applied``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field, model_validator

from passend.catalogue.loader import Catalogue, CatalogueError, CatalogueIssue, load_model_file
from passend.catalogue.schema import Source, Text
from passend.messages import TEMPLATES, Message
from passend.validation import Checker, as_np

RULES = Path(__file__).parent / "data" / "plausibility.yaml"
Table = Literal["patients", "activities", "claims"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Condition(_Model):
    column: str
    in_: list[str | bool] | None = Field(default=None, alias="in")
    not_in: list[str | bool] | None = None

    @model_validator(mode="after")
    def _one(self) -> Condition:
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("a condition has exactly one of `in` and `not_in`")
        return self


class Rule(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    tables: list[Table] = Field(min_length=1)
    kind: Literal["match", "date_offset", "known"]
    conditions: list[Condition] = []
    date: str | None = None
    reference: str | None = None
    below_days: int | None = None
    above_days: int | None = None
    column: str | None = None
    among: Literal["regions", "providers"] | None = None
    severity: Literal["reject", "flag"]
    assumption: bool = False
    message: Text
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Rule:
        need = {
            "match": ["conditions"],
            "date_offset": ["date", "reference"],
            "known": ["column", "among"],
        }[self.kind]
        missing = [n for n in need if not getattr(self, n)]
        if missing:
            raise ValueError(f"a {self.kind} rule needs {', '.join(missing)}")
        if self.kind == "date_offset" and self.below_days is None and self.above_days is None:
            raise ValueError("a date_offset rule needs below_days or above_days")
        if self.assumption and not any(s.document == "passend_assumption" for s in self.sources):
            raise ValueError("an assumption cites passend_assumption with its reason")
        return self

    def columns(self) -> list[str]:
        """The columns the rule reads."""
        own = [self.date, self.reference, self.column]
        return [c for c in own if c] + [c.column for c in self.conditions]

    def reported_column(self) -> str:
        """The column a failing row is reported under."""
        return self.column or self.date or self.conditions[-1].column


class RuleFile(_Model):
    rules: list[Rule] = Field(min_length=1)


def load_rules(cat: Catalogue, path: Path | None = None) -> list[Rule]:
    """The plausibility rules (``path`` or the shipped file); an unknown document, a repeated id
    or a malformed rule is a :class:`CatalogueError` naming the file."""
    path = path or RULES
    rules = load_model_file(path, RuleFile).rules
    issues = [
        CatalogueIssue(str(path), None, f"rules.{r.id}.sources", f"unknown document {s.document!r}")
        for r in rules
        for s in r.sources
        if s.document not in cat.documents
    ]
    ids = [r.id for r in rules]
    issues += [
        CatalogueIssue(str(path), None, f"rules.{i}", "id given twice")
        for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    if issues:
        raise CatalogueError(issues)
    return rules


@dataclass
class Hit:
    rule: Rule
    mask: np.ndarray
    column: str
    """The table's own name of the reported column."""


@dataclass
class Outcome:
    hits: list[Hit] = field(default_factory=list)
    not_applied: list[str] = field(default_factory=list)


Column = pa.Array | pa.ChunkedArray


def _per_value(col: Column, test) -> np.ndarray:
    """``test`` (values -> boolean mask) for each row of a text column: a dictionary-encoded
    column is tested once per distinct value (no string per row is built)."""
    if pa.types.is_dictionary(col.type):
        chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
        masks = []
        for chunk in chunks:  # a chunk per row group, not rows
            values = pc.utf8_trim_whitespace(pc.cast(chunk.dictionary, pa.string()))
            per_value = np.append(test(values), False)
            idx = pc.fill_null(chunk.indices, len(values)).to_numpy(zero_copy_only=False)
            masks.append(per_value[idx])
        return np.concatenate(masks) if masks else np.zeros(0, dtype=bool)
    if not pa.types.is_boolean(col.type):
        col = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    return test(col)


def positions(col: Column, value_set: Column) -> pa.Array:
    """The position of each row's value in ``value_set`` (null when absent), per distinct
    value for a dictionary-encoded column."""
    if pa.types.is_dictionary(col.type):
        parts = []
        for chunk in col.chunks if isinstance(col, pa.ChunkedArray) else [col]:
            values = pc.utf8_trim_whitespace(pc.cast(chunk.dictionary, pa.string()))
            parts.append(pc.index_in(values, value_set=value_set).take(chunk.indices))
        return pa.concat_arrays(parts) if parts else pa.array([], pa.int32())
    text = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    found = pc.index_in(text, value_set=value_set)
    return found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found


def _condition(c: Condition, col: Column) -> np.ndarray:
    values = c.in_ if c.in_ is not None else c.not_in
    typ = pa.bool_() if pa.types.is_boolean(col.type) else pa.string()
    value_set = pa.array(values, typ)

    def test(v: Column) -> np.ndarray:
        inside = as_np(pc.is_in(v, value_set=value_set))
        return inside if c.in_ is not None else as_np(pc.is_valid(v)) & ~inside

    return _per_value(col, test)


def _days(col: Column) -> np.ndarray:
    """Days since 1970 (NaN for a missing date)."""
    days = pc.cast(pc.cast(col, pa.date32()), pa.int32())
    return np.asarray(pc.cast(days, pa.float64()).to_numpy(zero_copy_only=False))


def _check(rule: Rule, columns: dict[str, Column], sets: dict[str, Column | None]) -> np.ndarray:
    n = len(next(iter(columns.values())))
    mask = np.ones(n, dtype=bool)
    for c in rule.conditions:
        mask &= _condition(c, columns[c.column])
    if rule.kind == "date_offset":
        with np.errstate(invalid="ignore"):
            offset = _days(columns[rule.date]) - _days(columns[rule.reference])
            late = offset > rule.above_days if rule.above_days is not None else False
            early = offset < rule.below_days if rule.below_days is not None else False
        mask &= np.asarray(late | early, dtype=bool)  # NaN (a missing date) compares False
    elif rule.kind == "known":
        known = sets[rule.among]

        def unknown(v: Column) -> np.ndarray:
            here = as_np(pc.greater(pc.utf8_length(pc.fill_null(v, "")), 0))
            return here & ~as_np(pc.is_in(v, value_set=known))

        mask &= _per_value(columns[rule.column], unknown)
    return mask


def evaluate(
    rules: list[Rule],
    table: Table,
    columns: dict[str, Column],
    sets: dict[str, Column | None] | None = None,
    names: dict[str, str] | None = None,
) -> Outcome:
    """The rows of ``table`` that fail each rule for it. ``columns``: the table's columns under
    the rules' names (e.g. ``date`` for the claims' ``service_date``: ``names`` maps a rule's
    name back to the table's, for the report); ``sets``: the named sets of ``known`` rules
    (None: not available, the rule is not applied)."""
    sets, names = sets or {}, names or {}
    out = Outcome()
    for rule in rules:  # a handful of rules, each one vectorised expression
        if table not in rule.tables:
            continue
        missing = [c for c in rule.columns() if c not in columns]
        if rule.among is not None and sets.get(rule.among) is None:
            missing.append(rule.among)
        if missing:
            shown = [Message(f"set.{m}") if f"set.{m}" in TEMPLATES else m for m in missing]
            out.not_applied.append(Message("rule_not_applied", rule=rule.id, missing=shown))
            continue
        mask = _check(rule, columns, sets)
        if mask.any():
            column = names.get(rule.reported_column(), rule.reported_column())
            out.hits.append(Hit(rule, mask, column))
    return out


class Flags:
    """Rows accepted with a remark: (table, row, column, value, reason, flag), the columns of
    the rejects and the id of the flag (a rule's id, or e.g. ``tariff_differs``)."""

    def __init__(self, ck: Checker):
        self.ck = ck
        self.parts: list[pa.Table] = []
        self._rows = np.zeros(ck.n, dtype=bool)

    def add(
        self, mask: np.ndarray, column: str, flag: str, reason: str | Column, values: Column = None
    ) -> None:
        if not mask.any():
            return
        rows = np.flatnonzero(mask)
        take = pa.array(rows)
        if values is None:
            values = self.ck.t[column] if column in self.ck.t.column_names else None
        value = pa.nulls(len(rows), pa.string()) if values is None else pc.cast(values, pa.string())
        if values is not None:
            value = value.take(take)
        why = pa.array([reason] * len(rows)) if isinstance(reason, str) else reason.take(take)
        self.parts.append(
            pa.table(
                {
                    "table": pa.array([self.ck.name] * len(rows)),
                    "row": pa.array(self.ck.row_numbers[rows]),
                    "column": pa.array([column] * len(rows)),
                    "value": value,
                    "reason": pc.cast(why, pa.string()),
                    "flag": pa.array([flag] * len(rows)),
                }
            )
        )
        self._rows |= mask

    def count(self) -> int:
        """The rows with at least one flag."""
        return int(self._rows.sum())

    def table(self) -> pa.Table | None:
        return pa.concat_tables(self.parts) if self.parts else None


def apply(outcome: Outcome, ck: Checker, flags: Flags, lang: str = "en") -> None:
    """Rejects to ``ck`` (the row is refused), then flags to ``flags`` for the rows still
    accepted (call it after every other check of the table); the reason is the rule's message
    with its id."""
    for hit in outcome.hits:  # rejects first: a refused row carries no flag
        if hit.rule.severity == "reject":
            ck.fail(hit.mask, hit.column, f"{hit.rule.message.get(lang)} [{hit.rule.id}]")
    for hit in outcome.hits:
        if hit.rule.severity == "flag":
            reason = f"{hit.rule.message.get(lang)} [{hit.rule.id}]"
            flags.add(hit.mask & ~ck.bad, hit.column, hit.rule.id, reason)


def write_flags(tables: list[pa.Table | None], path: Path) -> int:
    """Write ``flags.csv`` (or remove a stale one); the number of flag rows."""
    import pyarrow.csv as pv

    parts = [t for t in tables if t is not None and t.num_rows]
    if not parts:
        path.unlink(missing_ok=True)
        return 0
    table = pa.concat_tables(parts).sort_by([("table", "descending"), ("row", "ascending")])
    pv.write_csv(table, path)
    return table.num_rows
