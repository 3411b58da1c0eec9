"""Import claim files (Parquet, CSV or Vektis AW319) into ``claims.parquet``.

Every row is accepted or written to ``rejects.csv`` with its row (or record) number, the column
(or field), the value (never a direct identifier) and the reason; accepted + rejected = read,
and the amounts reconcile: accepted + rejected amounts = the file's total. Checks: required
columns and types; codes known to the catalogue for the year of service; dates valid and
within the contract year (``--year``, when given: the care delivered in that calendar year; an
issue says how many lines of which years were refused and what to do); patient-bound rows
carry a patient; duplicate claim ids (the first is kept); the title's law. An amount above quantity x the maximum tariff is accepted and
flagged in ``above_max_tariff``, never changed. A ``code_list`` column (AW319 field 0416) is
kept as information, unchecked.

Claims as real systems export them carry title codes, AGB codes, dates and amounts, not
passend's activity, professional and setting: a file without the columns ``law``,
``activity``, ``professional``, ``setting``, ``unit`` or ``patient_bound`` gets them from the
catalogue's title (:func:`title_defaults`: the title's first activity, first claimant
professional, first setting, its law, the unit of its quantities and whether it is
patient-bound; :mod:`passend.claims.titles`, the mapping the Vektis readers use too), and a
``provider_agb`` column stands for ``provider_id``. The code and the amount are kept as claimed; a line whose code the
catalogue does not know cannot be mapped and is refused with that reason. Columns the file
gives that passend derives itself (``tariff_cents``, ``financer_kind``, ``year``) are compared
with the catalogue: a line that disagrees is accepted with the catalogue's value and listed in
``flags.csv`` (row, column, claimed value, reason, flag), never silently replaced. The
plausibility rules (:mod:`passend.population.plausibility`) reject or flag lines too; with a
population (``population``) the rules on dates of death and on providers apply as well.

All checks are vectorised, and every one runs on every row. Only the columns of the claims (and
any direct identifier, to pseudonymise it) are read; text columns with few distinct values are
read dictionary-encoded and checked once per distinct value. Duplicate ids are looked for over
the whole file (ids in ascending order cannot repeat: one linear pass; otherwise a group-by in
the engine); the other checks are per row, so they run one output row group at a time while
the previous one is being written (both cores; see ``tables.write_claims``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq

from passend.catalogue.loader import Catalogue
from passend.claims.tables import CLAIMS, ROW_GROUP, conform, write_claims
from passend.claims.titles import title_defaults
from passend.messages import Message
from passend.population import plausibility
from passend.privacy import IDENTIFIERS, pseudonymise
from passend.validation import Checker, ImportError_, as_np, missing_columns, read_any

REQUIRED = [
    "claim_id",
    "patient_id",
    "provider_id",
    "financer_id",
    "law",
    "title_code",
    "activity",
    "professional",
    "setting",
    "service_date",
    "quantity",
    "unit",
    "amount_cents",
    "patient_bound",
]
FIRST_YEAR, LAST_YEAR = 2000, 2100
LOW_CARDINALITY = [  # read dictionary-encoded: few distinct values
    "law",
    "title_code",
    "activity",
    "professional",
    "specialty",
    "setting",
    "unit",
    "provider_id",
    "financer_id",
    "code_list",
]
OPTIONAL = ["specialty", "code_list"]
DERIVED = ["law", "activity", "professional", "setting", "unit", "patient_bound"]
"""Columns an exported file may lack: each follows from the title (:func:`title_defaults`)."""
COMPARED = ["tariff_cents", "financer_kind", "year"]
"""Columns passend derives itself; when a file gives them, they are compared (flags.csv)."""
ALIASES = {"provider_agb": "provider_id"}
"""Exported files name the provider by its AGB code."""


def _as_dictionary(path: Path) -> list[str]:
    """The columns read dictionary-encoded: those with few distinct values, and the patient ids
    when the file stores them with a dictionary (a few bytes a row: the usual case, claims
    grouped by patient). Stored as plain text (e.g. rows in random order), patient ids are read
    as text: building a dictionary of millions of them would cost more than it saves."""
    if path.suffix.lower() != ".parquet":
        return LOW_CARDINALITY
    try:
        meta = pq.read_metadata(path)
        col = meta.schema.names.index("patient_id")
    except (ValueError, OSError, pa.ArrowException):
        return LOW_CARDINALITY  # no patient ids (or unreadable: read_any reports it)
    stored = sum(
        meta.row_group(g).column(col).total_uncompressed_size for g in range(meta.num_row_groups)
    )
    compact = stored <= 8 * max(meta.num_rows, 1)
    return [*LOW_CARDINALITY, "patient_id"] if compact else LOW_CARDINALITY


def _used(name: str) -> bool:
    """The columns an import reads: the claims' own and any direct identifier (to pseudonymise
    it or refuse the file). Other columns are not part of the claims and are not read."""
    return (
        name in REQUIRED
        or name in OPTIONAL
        or name in COMPARED
        or name in ALIASES
        or name.lower() in IDENTIFIERS
    )


def fill_from_titles(cat: Catalogue, raw: pa.Table) -> tuple[pa.Table, list[str]]:
    """``raw`` with the columns of :data:`DERIVED` it lacks taken from its title codes (one
    lookup per distinct code; an unknown code gets an empty value and is refused by the title
    check), a ``provider_agb`` column as ``provider_id``, and no patient column as empty
    patients. Returns the table and the names of the columns derived."""
    for alias, name in ALIASES.items():
        if name not in raw.column_names and alias in raw.column_names:
            raw = raw.append_column(name, raw[alias])
    if "patient_id" not in raw.column_names and "title_code" in raw.column_names:
        raw = raw.append_column("patient_id", pa.nulls(raw.num_rows, pa.string()))
    missing = [c for c in DERIVED if c not in raw.column_names]
    if not missing or "title_code" not in raw.column_names:
        return raw, []
    codes = pc.cast(raw["title_code"], pa.string())
    enc = pc.dictionary_encode(pc.utf8_trim_whitespace(codes)).combine_chunks()
    defaults = title_defaults(cat)
    none = {"patient_bound": False}
    for name in missing:
        values = [
            defaults.get(c, {}).get(name, none.get(name, "")) for c in enc.dictionary.to_pylist()
        ]
        typ = pa.bool_() if name == "patient_bound" else pa.string()
        column = pa.array(values, typ).take(enc.indices)
        raw = raw.append_column(name, pc.fill_null(column, none.get(name, "")))
    return raw, missing


@dataclass
class ClaimsImport:
    read: int
    accepted: int
    rejected: int
    total_cents: int
    accepted_cents: int
    rejected_cents: int
    unreadable_amounts: int
    flagged_above_max: int
    flagged: int = 0
    """Accepted lines with a remark in flags.csv (plausibility, a claimed value that differs
    from the catalogue's)."""
    notes: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)


def _units(
    title_unit: np.ndarray, unit: np.ndarray, q: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Quantity in the title's unit as a fraction num/den (the declaration's conversion).
    ``title_unit``: 0 hour, 1 day, 2 per event; ``unit``: 0 minutes, 1 days, 2 count."""
    hour, day = title_unit == 0, title_unit == 1
    num = np.where(
        hour,
        np.where(unit == 0, q, np.where(unit == 1, q * 1440, q * 60)),
        np.where(day, np.where(unit == 1, q, 1), np.where(unit == 2, q, 1)),
    )
    den = np.where(hour, 60, 1)
    return num, den


@dataclass
class _Rules:
    """The catalogue's rules an import checks against, as small lookup tables (titles x years,
    not rows). (title, year) row: ``title * span + (year - FIRST_YEAR)``; the last title stands
    for an unknown code."""

    laws: list[str]
    titles: list
    code_index: dict[str, int]
    span: int
    valid: np.ndarray
    tariff: np.ndarray
    is_max: np.ndarray
    placeholder: np.ndarray
    priced: np.ndarray
    title_law: np.ndarray
    title_unit: np.ndarray


def _rules(cat: Catalogue) -> _Rules:
    titles = list(cat.titles.values())
    laws = sorted(cat.laws)
    span = LAST_YEAR - FIRST_YEAR + 1
    valid = np.zeros((len(titles) + 1, span), dtype=bool)
    tariff = np.zeros((len(titles) + 1, span), dtype=np.int64)
    is_max = np.zeros((len(titles) + 1, span), dtype=bool)
    placeholder = np.zeros((len(titles) + 1, span), dtype=bool)
    priced = np.zeros((len(titles) + 1, span), dtype=bool)
    for i, t in enumerate(titles):  # titles x years: a small table, not rows
        for y in range(max(FIRST_YEAR, t.valid_from.year), LAST_YEAR + 1):
            if not t.valid_in(y):
                continue
            valid[i, y - FIRST_YEAR] = True
            tr = t.tariff(y)
            if tr is not None and tr.cents is not None:
                tariff[i, y - FIRST_YEAR] = tr.cents
                priced[i, y - FIRST_YEAR] = True
                is_max[i, y - FIRST_YEAR] = t.tariff_kind == "maximum" and not tr.placeholder
                placeholder[i, y - FIRST_YEAR] = tr.placeholder
    return _Rules(
        laws=laws,
        titles=titles,
        code_index={t.code: i for i, t in enumerate(titles)},
        span=span,
        valid=valid.ravel(),
        tariff=tariff.ravel(),
        is_max=is_max.ravel(),
        placeholder=placeholder.ravel(),
        priced=priced.ravel(),
        title_law=np.array([laws.index(t.law) for t in titles] + [-3]),
        title_unit=np.array([{"hour": 0, "day": 1}.get(t.unit, 2) for t in titles] + [2]),
    )


def _per_value(values: list[str], index: np.ndarray) -> pa.DictionaryArray:
    """A text column that takes ``values[i]`` for each row index ``i`` (-1: null), built as a
    dictionary of the distinct values: no string per row."""
    distinct = sorted(set(values))
    pos = np.array([distinct.index(v) for v in values] + [-1], dtype=np.int32)[index]
    missing = pos < 0
    indices = pa.array(pos, mask=missing) if missing.any() else pa.array(pos)
    return pa.DictionaryArray.from_arrays(indices, pa.array(distinct, pa.string()))


def _text(ck: Checker, name: str, blank_is_null: bool = False) -> pa.ChunkedArray | pa.Array:
    """A text column for the output, values as given: dictionary-encoded when it was read or
    checked so (no string per row is built), else text. With ``blank_is_null``, an empty value
    or one of spaces only becomes null."""
    c = ck.t[name]
    if pa.types.is_dictionary(c.type):
        if c.num_chunks > 1:  # one dictionary for the part (a row group of the output)
            ck.codes(name)
            c = ck.encoded(name)
    else:
        enc = ck.encoded(name)
        c = enc if enc is not None else ck.col(name)
    if not blank_is_null:
        return c
    here = ck.present(name)
    if here.all() or not (~here & as_np(pc.is_valid(c))).any():
        return c  # nothing blank that is not already null
    if pa.types.is_dictionary(c.type):
        idx, _ = ck.codes(name)
        return pa.DictionaryArray.from_arrays(
            pa.array(idx, mask=~here), ck.encoded(name).dictionary
        )
    return pc.if_else(pa.array(here), c, pa.scalar(None, pa.string()))


def _whole(ck: Checker, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A column the file gives for comparison, as whole numbers (0 where unreadable) and where
    it is readable; never a reason to refuse the row."""
    c = ck.t[name]
    if pa.types.is_integer(c.type):
        return pc.fill_null(c, 0).to_numpy(zero_copy_only=False).astype(np.int64), as_np(
            pc.is_valid(c)
        )
    text = pc.utf8_trim_whitespace(ck.col(name))
    ok = as_np(pc.match_substring_regex(text, r"^-?[0-9]{1,18}$"))
    values = pc.cast(pc.if_else(pa.array(ok), text, "0"), pa.int64())
    return values.to_numpy(zero_copy_only=False), ok


def _spread(values: pa.Array, rows: np.ndarray, n: int) -> pa.Array:
    """``values`` of ``rows`` placed in an array of ``n`` (null elsewhere)."""
    pos = np.full(n, len(values), dtype=np.int64)
    pos[rows] = np.arange(len(rows))
    return pa.concat_arrays([values, pa.nulls(1, values.type)]).take(pa.array(pos))


@dataclass
class Reference:
    """What an import checks the lines against besides the catalogue: the plausibility rules
    and, with a population, its patients' dates of death, its providers and its financers."""

    rules: list
    patients: pa.Table | None = None
    providers: pa.Array | pa.ChunkedArray | None = None
    financers: pa.Table | None = None
    codes: dict[str, tuple[pa.Array, pa.Array]] = field(default_factory=dict)
    """Per id column, (code, id) pairs: AGB codes of the providers, UZOVI numbers of the
    financers, so that an exported file's codes become the population's ids."""


def reference(cat: Catalogue, population: Path | None = None) -> Reference:
    """The :class:`Reference` of an import (the population's tables where they exist)."""
    ref = Reference(plausibility.load_rules(cat))
    if population is None:
        return ref
    if not population.is_dir():
        raise ImportError_(f"{population}: no such folder (the population of the claims)")

    def table(name: str, columns: list[str]) -> pa.Table | None:
        f = population / f"{name}.parquet"
        if not f.exists():
            return None
        try:
            return pq.read_table(f, columns=columns)
        except (pa.ArrowException, OSError, KeyError) as e:
            raise ImportError_(f"{f}: unreadable: {str(e).splitlines()[0]}") from None

    ref.patients = table("patients", ["patient_id", "death_date"])
    providers = table("providers", ["provider_id", "agb_code"])
    financers = table("financers", ["financer_id", "financer_kind", "uzovi"])
    if providers is not None:
        ref.providers = providers["provider_id"]
        ref.codes["provider_id"] = (providers["agb_code"], providers["provider_id"])
    if financers is not None:
        ref.financers = financers
        ref.codes["financer_id"] = (financers["uzovi"], financers["financer_id"])
    return ref


def _codes_not_ids(values: pa.Array, codes: pa.Array, ids: pa.Array) -> np.ndarray:
    """Values that are no id but a code."""
    is_code = as_np(pc.is_in(pc.utf8_trim_whitespace(values), value_set=codes))
    return is_code & ~as_np(pc.is_in(values, value_set=ids))


def ids_from_codes(raw: pa.Table, ref: Reference) -> tuple[pa.Table, list[str]]:
    """``raw`` with each provider or financer value that is no id of the population but one's
    AGB code or UZOVI number replaced by that id (per distinct value), and a note per column
    saying how many values were so mapped."""
    notes = []
    for name, (codes, ids) in ref.codes.items():
        if name not in raw.column_names:
            continue
        given = pc.fill_null(pc.utf8_trim_whitespace(pc.cast(codes, pa.string())), "")
        has_code = pc.greater(pc.utf8_length(given), 0)
        codes_, ids_ = given.filter(has_code), pc.cast(ids, pa.string()).filter(has_code)
        col = raw[name]
        if pa.types.is_dictionary(col.type):  # the distinct values, without a string per row
            chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
            distinct = pc.unique(
                pa.concat_arrays([pc.cast(c.dictionary, pa.string()) for c in chunks])
            )
        else:
            distinct = pc.unique(pc.cast(col, pa.string()))
        if not _codes_not_ids(distinct, codes_, ids_).any():
            continue  # the usual case: the file names the population's own ids
        enc = pc.dictionary_encode(pc.cast(col, pa.string())).combine_chunks()
        values = enc.dictionary
        at = pc.index_in(pc.utf8_trim_whitespace(values), value_set=codes_)
        mapped = _codes_not_ids(values, codes_, ids_)
        new = pc.if_else(pa.array(mapped), ids_.take(pc.fill_null(at, 0)), values)
        raw = raw.set_column(raw.column_names.index(name), name, new.take(enc.indices))
        what = "agb_mapped" if name == "provider_id" else "uzovi_mapped"
        notes.append(Message(what, column=name, n=int(mapped.sum())))
    return raw, notes


class ClaimsValidation:
    """The checks of claim rows already read into ``raw`` (identifiers already pseudonymised).
    ``row_numbers`` are the input's own row or record numbers (default 1, 2, 3, ...).

    Duplicate claim ids are found over the whole input first. Every other check concerns one
    row, so :meth:`parts` checks the rows a part (an output row group) at a time and yields the
    accepted claims of each part: a writer can encode one part while the next is checked. Each
    check is a vectorised operation; text columns with few distinct values (codes, units,
    providers) are checked once per distinct value and mapped back to the rows by their
    dictionary indices. The claims may hold dictionary-encoded text columns (see
    :func:`passend.claims.tables.write_claims`); their values are those of ``CLAIMS``.
    After :meth:`parts`, :meth:`rejects` and :meth:`result` give the refused rows and counts."""

    def __init__(
        self,
        cat: Catalogue,
        raw: pa.Table,
        year: int | None,
        source: str,
        row_numbers: np.ndarray | None = None,
        reference: Reference | None = None,
        lang: str = "en",
    ):
        self.lang = lang  # of the reasons of the plausibility rules in rejects.csv and flags.csv
        raw, self.derived = fill_from_titles(cat, raw)
        missing_columns(raw, REQUIRED, Path(source))
        self.reference = reference or Reference(plausibility.load_rules(cat))
        raw, self._mapped = ids_from_codes(raw, self.reference)
        self._flag_parts: list[pa.Table] = []
        self._flagged = 0
        self._not_applied: list[str] = []
        self.cat, self.raw, self.year = cat, raw, year
        self.row_numbers = row_numbers
        self.rules = _rules(cat)
        ids = Checker(raw, "claims", row_numbers)  # over all rows: a repeat may be far away
        ids.required("claim_id")
        ids.unique("claim_id")
        self._id_bad = ids.bad
        self._rejects: list[pa.Table] = list(ids.rejects)
        self._read = raw.num_rows
        self._accepted = self._total = self._accepted_cents = self._unreadable = 0
        self._above = 0
        self.outside: dict[int, int] = {}
        """Lines refused as dated outside the contract year, per year of service."""

    def parts(self, size: int = ROW_GROUP) -> Iterator[pa.Table]:
        for start in range(0, self.raw.num_rows, size):
            yield self._part(start, min(self.raw.num_rows, start + size))

    def _part(self, start: int, stop: int) -> pa.Table:
        raw, rules = self.raw.slice(start, stop - start), self.rules
        numbers = None if self.row_numbers is None else self.row_numbers[start:stop]
        ck = Checker(raw, "claims", numbers, first_row=start + 1, rows_in_file=self.raw.num_rows)
        ck.bad |= self._id_bad[start:stop]
        n = raw.num_rows
        ck.required("provider_id")
        ck.required("financer_id")
        service = ck.dates("service_date")
        quantity = ck.ints("quantity", 0, 10**9)
        amount = ck.ints("amount_cents", -(10**13), 10**13)
        for name, allowed, what in (  # derived columns come from the catalogue: not checked
            ("law", rules.laws, "law"),
            ("activity", sorted(self.cat.activities), "activity"),
            ("professional", sorted(self.cat.professionals), "professional"),
            ("setting", sorted(self.cat.settings), "setting"),
        ):
            if name not in self.derived:
                ck.one_of(name, allowed, what)
        if "specialty" in raw.column_names:
            ck.one_of("specialty", sorted(self.cat.specialties), "specialty", optional=True)
        if "unit" not in self.derived:
            ck.one_of("unit", ["minutes", "days", "count"], "unit (minutes, days or count)")
        bound = ck.bools("patient_bound")
        has_patient = ck.present("patient_id")
        ck.fail(as_np(bound) & ~has_patient, "patient_id", "patient-bound row without a patient")

        years = pc.fill_null(pc.year(service), 0).to_numpy(zero_copy_only=False).astype(np.int64)
        dated = ck.present("service_date") & (years > 0)
        if self.year is not None:  # the contract year: the care delivered in it
            outside = dated & (years != self.year)
            ck.fail(
                outside,
                "service_date",
                f"outside the contract year {self.year} (import without --year to keep it)",
            )
            for y, k in zip(*np.unique(years[outside], return_counts=True), strict=True):
                self.outside[int(y)] = self.outside.get(int(y), 0) + int(k)  # a few years

        # the title must exist and be valid in the year of service; its law must match
        cidx, cvalues = ck.codes("title_code")
        to_title = np.array([rules.code_index.get(c, -1) for c in cvalues] + [-1], dtype=np.int64)
        tidx = to_title[cidx]
        known = tidx >= 0
        here = cidx >= 0
        unmapped = ": cannot be mapped to an activity" if "activity" in self.derived else ""
        ck.fail(here & ~known, "title_code", f"unknown title code{unmapped}")
        ck.fail(~here, "title_code", "required value is empty")
        ti = np.where(known, tidx, len(rules.titles))
        key = ti * rules.span + np.clip(years - FIRST_YEAR, 0, rules.span - 1)  # (title, year)
        in_year = rules.valid[key]
        ck.fail(known & dated & ~in_year, "title_code", "title not valid in the year of service")
        lidx, lvalues = ck.codes("law")
        law_of = [rules.laws.index(v) if v in rules.laws else -2 for v in lvalues]
        row_law = np.array([*law_of, -2])[lidx]
        wrong_law = known & (lidx >= 0) & (rules.title_law[ti] != row_law)
        ck.fail(wrong_law, "law", "does not match the title's law")

        # above the maximum tariff: accepted and flagged (computed where a title has a maximum)
        t_cents = rules.tariff[key]
        a = amount.to_numpy(zero_copy_only=False)
        above = np.zeros(n, dtype=bool)
        capped = np.flatnonzero(known & in_year & rules.is_max[key])
        if capped.size:
            q = quantity.to_numpy(zero_copy_only=False)[capped]
            uidx, uvalues = ck.codes("unit")
            unit_code = {"minutes": 0, "days": 1, "count": 2}
            unit = np.array([unit_code.get(v, 3) for v in uvalues] + [3])[uidx[capped]]
            num, den = _units(rules.title_unit[ti[capped]], unit, q)
            max_amount = (t_cents[capped] * num * 2 + den) // (den * 2)
            above[capped] = a[capped] > max_amount

        self._remarks(ck, service, years, known & in_year, ti, key)
        ok = ~ck.bad
        unreadable = ~ck.present("amount_cents")
        if ck.failed("amount_cents") is not None:
            unreadable |= ck.failed("amount_cents")
        self._total += int(a[~unreadable].sum())
        self._accepted_cents += int(a[ok].sum())
        self._unreadable += int(unreadable.sum())
        self._accepted += int(ok.sum())
        self._above += int((above & ok).sum())
        self._rejects.extend(ck.rejects)
        titles = rules.titles
        claims = pa.table(
            {
                "claim_id": _text(ck, "claim_id"),
                "patient_id": _text(ck, "patient_id", blank_is_null=True),
                "provider_id": _text(ck, "provider_id"),
                "financer_id": _text(ck, "financer_id"),
                "financer_kind": _per_value([t.financer_kind for t in titles], tidx),
                "law": _text(ck, "law"),
                "title_code": _text(ck, "title_code"),
                "sector": _per_value([t.sector for t in titles], tidx),
                "activity": _text(ck, "activity"),
                "professional": _text(ck, "professional"),
                "specialty": (
                    _text(ck, "specialty", blank_is_null=True)
                    if "specialty" in raw.column_names
                    else pa.nulls(n, pa.string())
                ),
                "setting": _text(ck, "setting"),
                "service_date": service,
                "quantity": quantity,
                "unit": _text(ck, "unit"),
                "tariff_cents": pa.array(t_cents),
                "amount_cents": amount,
                "patient_bound": bound,
                "year": pa.array(years.astype(np.int16)),
                "tariff_placeholder": pa.array(rules.placeholder[key]),
                "above_max_tariff": pa.array(above),
                "source_activity_id": pa.nulls(n, pa.string()),
                "code_list": (  # information only (AW319 field 0416): not checked
                    _text(ck, "code_list", blank_is_null=True)
                    if "code_list" in raw.column_names
                    else pa.nulls(n, pa.string())
                ),
            }
        )
        if not ok.all():  # filtering copies every column: only when a row was refused
            claims = claims.filter(pa.array(ok))
        return conform(claims)

    def rejects(self) -> pa.Table:
        return pa.concat_tables(self._rejects) if self._rejects else _empty_rejects()

    def result(self) -> ClaimsImport:
        return ClaimsImport(
            read=self._read,
            accepted=self._accepted,
            rejected=self._read - self._accepted,
            total_cents=self._total,
            accepted_cents=self._accepted_cents,
            rejected_cents=self._total - self._accepted_cents,
            unreadable_amounts=self._unreadable,
            flagged_above_max=self._above,
            flagged=self._flagged,
            notes=self._mapped
            + [Message("not_checked", what=x) for x in dict.fromkeys(self._not_applied)],
        )

    def flags(self) -> pa.Table | None:
        """The accepted lines with a remark (table, row, column, value, reason, flag)."""
        return pa.concat_tables(self._flag_parts) if self._flag_parts else None

    def _remarks(
        self,
        ck: Checker,
        service: pa.Array,
        years: np.ndarray,
        priced_title: np.ndarray,
        ti: np.ndarray,
        key: np.ndarray,
    ) -> None:
        """The plausibility rules (rejects, then flags) and the comparison of the columns the
        file gives that passend derives (flags), for the rows still accepted."""
        fl = plausibility.Flags(ck)
        self._plausible(ck, fl, service)
        self._compared(ck, fl, years, priced_title, ti, key)
        if fl.parts:
            self._flag_parts.append(fl.table())
            self._flagged += fl.count()

    def _plausible(self, ck: Checker, fl: plausibility.Flags, service: pa.Array) -> None:
        ref = self.reference
        columns: dict[str, pa.Array | pa.ChunkedArray] = {
            "date": service,
            "activity": ck.t["activity"],
            "unit": ck.t["unit"],
            "provider_id": ck.t["provider_id"],
        }
        if ref.patients is not None:
            pos = plausibility.positions(ck.t["patient_id"], ref.patients["patient_id"])
            columns["death_date"] = ref.patients["death_date"].take(pos)
        outcome = plausibility.evaluate(
            ref.rules, "claims", columns, {"providers": ref.providers}, {"date": "service_date"}
        )
        plausibility.apply(outcome, ck, fl, self.lang)
        self._not_applied += outcome.not_applied

    def _compared(
        self,
        ck: Checker,
        fl: plausibility.Flags,
        years: np.ndarray,
        priced_title: np.ndarray,
        ti: np.ndarray,
        key: np.ndarray,
    ) -> None:
        """Claimed tariff, financer kind and year against the catalogue's (and the financer's
        kind in the population's financers table): flags for the rows still accepted. Text
        columns are compared per distinct value; a reason is built only for its rows."""
        ref, rules = self.reference, self.rules
        open_ = ~ck.bad
        known = ti < len(rules.titles)
        codes = [t.code for t in rules.titles] + [""]
        kinds = [t.financer_kind for t in rules.titles] + [""]
        title_kind_idx = np.array([self._kind_index(k) for k in kinds])[ti]

        def texts(values: list[str] | np.ndarray, rows: np.ndarray) -> pa.Array:
            return pc.cast(pa.array(np.asarray(values)[rows]), pa.string())

        if "tariff_cents" in ck.t.column_names:
            claimed, readable = _whole(ck, "tariff_cents")
            differs = priced_title & rules.priced[key] & ck.present("tariff_cents") & open_
            differs &= ~readable | (claimed != rules.tariff[key])
            if differs.any():
                r = np.flatnonzero(differs)
                why = pc.binary_join_element_wise(
                    "differs from the catalogue's tariff of ",
                    texts(rules.tariff[key], r),
                    " cents for title ",
                    texts(codes, ti[r]),
                    " in ",
                    texts(years, r),
                    " (the catalogue's is used)",
                    "",
                )
                fl.add(differs, "tariff_cents", "tariff_differs", _spread(why, r, ck.n))
        if "financer_kind" in ck.t.column_names:
            idx, values = ck.codes("financer_kind")
            claimed_idx = np.array([self._kind_index(v) for v in values] + [-1])[idx]
            differs = known & (idx >= 0) & (claimed_idx != title_kind_idx) & open_
            if differs.any():
                r = np.flatnonzero(differs)
                why = pc.binary_join_element_wise(
                    "differs from the title's financer kind ",
                    texts(kinds, ti[r]),
                    " (the title's is used)",
                    "",
                )
                fl.add(differs, "financer_kind", "financer_kind_differs", _spread(why, r, ck.n))
        if ref.financers is not None:
            at = plausibility.positions(ck.t["financer_id"], ref.financers["financer_id"])
            kind_of = [self._kind_index(k) for k in ref.financers["financer_kind"].to_pylist()]
            theirs = np.array([*kind_of, -1])[pc.fill_null(at, len(kind_of)).to_numpy()]
            differs = known & (theirs >= 0) & (theirs != title_kind_idx) & open_
            if differs.any():
                r = np.flatnonzero(differs)
                names = [*self._kinds, ""]
                why = pc.binary_join_element_wise(
                    "the financer is a ",
                    texts(names, theirs[r]),
                    " (financers table); the title's financer kind is ",
                    texts(kinds, ti[r]),
                    "",
                )
                fl.add(differs, "financer_id", "financer_kind_differs", _spread(why, r, ck.n))
        if "year" in ck.t.column_names:
            claimed, readable = _whole(ck, "year")
            differs = (years > 0) & ck.present("year") & (~readable | (claimed != years)) & open_
            if differs.any():
                r = np.flatnonzero(differs)
                why = pc.binary_join_element_wise(
                    "differs from the year of service ",
                    texts(years, r),
                    " (the year of service is used)",
                    "",
                )
                fl.add(differs, "year", "year_differs", _spread(why, r, ck.n))

    @property
    def _kinds(self) -> list[str]:
        return sorted(self.cat.financer_kinds)

    def _kind_index(self, kind: str | None) -> int:
        """A financer kind as a number (-2 when unknown, so that it differs from every kind)."""
        return self._kinds.index(kind) if kind in self.cat.financer_kinds else -2


def validate_claims(
    cat: Catalogue,
    raw: pa.Table,
    year: int | None,
    source: str,
    row_numbers: np.ndarray | None = None,
    reference: Reference | None = None,
) -> tuple[pa.Table, pa.Table, ClaimsImport]:
    """All of :class:`ClaimsValidation` at once: (accepted claims, rejects, counts)."""
    v = ClaimsValidation(cat, raw, year, source, row_numbers, reference)
    parts = list(v.parts())
    claims = pa.concat_tables(parts) if parts else conform(CLAIMS.empty_table())
    return claims, v.rejects(), v.result()


def _empty_rejects() -> pa.Table:
    return pa.table(
        {
            "table": pa.array([], pa.string()),
            "row": pa.array([], pa.int64()),
            "column": pa.array([], pa.string()),
            "value": pa.array([], pa.string()),
            "reason": pa.array([], pa.string()),
        }
    )


def import_claims(
    cat: Catalogue,
    path: Path,
    fmt: str,
    out_dir: Path,
    year: int | None = None,
    population: Path | None = None,
    lang: str = "en",
) -> ClaimsImport:
    """Import one claims file and write ``claims.parquet`` (and ``rejects.csv``, ``flags.csv``)
    to ``out_dir``. ``population``: the folder of the claims' population (patients, providers,
    financers), for the checks against it. ``lang``: the language of the plausibility rules'
    reasons in the CSV files (read by people), each with the rule's id in brackets."""
    ref = reference(cat, population)
    if fmt in ("aw319", "zh308"):
        from passend.claims.vektis import read_vektis_claims

        raw, row_numbers, pre_rejects, notes, issues = read_vektis_claims(cat, path, fmt)
    else:
        raw = read_any(path, keep_types=True, dictionary=_as_dictionary(path), columns=_used)
        raw, notes = pseudonymise(raw, str(path))
        row_numbers, pre_rejects, issues = None, None, []
    file_total = (raw.schema.metadata or {}).get(b"aw319_total_cents")
    validation = ClaimsValidation(cat, raw, year, str(path), row_numbers, ref, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_claims(validation.parts(), out_dir / "claims.parquet")  # written while checked
    rejects, result = validation.rejects(), validation.result()
    if file_total is not None:
        # AW319: the total is the closing records' own; what is not accepted is rejected
        result.total_cents = int(file_total)
        result.rejected_cents = result.total_cents - result.accepted_cents
    if pre_rejects is not None and pre_rejects.num_rows:
        rejects = pa.concat_tables([pre_rejects, rejects.cast(pre_rejects.schema)])
        n_pre = _distinct_rows(pre_rejects)  # records refused while reading the AW319 file
        result.read += n_pre
        result.rejected += n_pre
    result.notes = notes + result.notes
    result.issues = issues + outside_issue(year, validation.outside)
    plausibility.write_flags([validation.flags()], out_dir / "flags.csv")
    reject_path = out_dir / "rejects.csv"
    if rejects.num_rows:
        pv.write_csv(rejects.sort_by([("row", "ascending"), ("column", "ascending")]), reject_path)
    elif reject_path.exists():
        reject_path.unlink()
    return result


def outside_issue(year: int | None, outside: dict[int, int]) -> list[str]:
    """The lines refused as outside the contract year, and what to do about them."""
    if year is None or not outside:
        return []
    per_year = ", ".join(f"{y}: {n}" for y, n in sorted(outside.items()))
    n = sum(outside.values())
    return [Message("outside_contract_year", n=n, year=year, per_year=per_year, before=year - 1)]


def _distinct_rows(rejects: pa.Table) -> int:
    return int(pc.count_distinct(rejects["row"]).as_py())
