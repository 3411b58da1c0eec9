"""The fixed-width engine of the Vektis claims standards (AW319, ZH308): driven by the layouts.

A Vektis EI standard is a file of fixed-width records, one per line; the first two characters
are the record type. Voorlooprecord 01 opens the file, sluitrecord 99 closes it with counts
and the total declared amount, commentaarrecord 98 holds free text; the detail records between
(02 verzekerde, 04 prestatie, ...) differ per standard. What differs is data:

- the layout (:func:`load_layout`): the standard's own field list (``layouts/*_fields.txt``,
  the Vektis export, one row per field: record code, number, name, type N/AN, length, pattern,
  end position, obligation), checked to be contiguous and as long as the standard says;
- the record rules (:class:`Rules`): which fields are quantities, which identify a person
  (never shown), which hold a BSN (11-test), which codes are allowed, which record belongs to
  which earlier record and on which key fields they must agree, which records the sluitrecord
  counts and which amount it totals.

Reading (:func:`read_lines`): the bytes of all files are split into lines at once, every line
is tagged with its file and line number, and every field of every record type is sliced and
checked with Arrow/numpy over all records of all files together (a loop runs per field, per
record type or per file, never per record). Every problem is a reject row (file, record
number, record type, field, value, reason); a record may have several. A structurally
unreadable file raises the standard's :class:`FixedWidthError` naming the file and line.

Writing (:func:`format_records`, :func:`group_persons`, :func:`write_files`): records are
formatted column-wise (numeric fields right-aligned with zeros, alphanumeric left-aligned with
spaces; a field not given is all zeros or all spaces, the standard's "not used"), placed on
their lines and cut into one file per key.

Conventions: line ends written CRLF, read CRLF, LF or mixed; a trailing DOS end-of-file byte
(0x1A) and a UTF-8 byte order mark are ignored; written ISO-8859-1, read as UTF-8 when valid,
else ISO-8859-1; positions count characters, not bytes. Values of the rules' ``hidden`` fields
(BSN, insured numbers, birth dates, names, address) are never put in a reject (``HIDDEN``), a
closing issue or a message; this module logs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HIDDEN = "<verborgen>"
NAME_PLACEHOLDER = "ONBEKEND"  # 0210 NAAM VERZEKERDE (01): names never leave the source system
INITIALS_PLACEHOLDER = "X"  # 0215 VOORLETTERS VERZEKERDE
LINE_END = "\r\n"
LAYOUTS = Path(__file__).parent / "layouts"


class FixedWidthError(ValueError):
    """The file cannot be read as a file of the standard at all (names file and line)."""


# ---------------------------------------------------------------------------------------------
# layouts


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record, as in the standard; positions are 1-based and inclusive."""

    record: str
    number: str
    name: str
    type: str
    length: int
    start: int
    end: int
    obligation: str
    pattern: str
    kind: str = "text"
    """record_type, reserve, date, dc, int (a quantity), code (other numeric) or text."""

    @property
    def label(self) -> str:
        return f"{self.number} {self.name}"


def _kind(number: str, name: str, typ: str, start: int, pattern: str, ints: frozenset) -> str:
    if start == 1:
        return "record_type"
    if name == "RESERVE":
        return "reserve"
    if pattern == "EEJJMMDD":
        return "date"
    if name.startswith("INDICATIE DEBET/CREDIT"):
        return "dc"
    if typ == "N":
        return "int" if number in ints else "code"
    return "text"


@dataclass(frozen=True)
class Layout:
    """A standard's records: ``records[code]`` its fields in order; ``names[code]`` e.g.
    "PRESTATIERECORD"; ``fields[number]`` every field; ``record_length`` of every record."""

    standard: str
    record_length: int
    records: dict[str, tuple[Field, ...]]
    names: dict[str, str]
    fields: dict[str, Field]

    def name(self, code: str) -> str:
        """The record's name in lower case, as in messages ("verzekerdenrecord")."""
        return self.names[code].lower()


def _number(text: str) -> int:
    return int(float(text))


def load_layout(path: Path, standard: str, record_length: int, ints: frozenset[str]) -> Layout:
    """Parse a Vektis field list (``<standard> | recordnaam | recordcode | volgnummer | naam |
    type | lengte | [patroon |] eindpositie | verplichting | ...``; empty cells are left out of
    the export, so the pattern is there when the cell after the length is not a number)."""
    fields: dict[str, list[Field]] = {}
    names: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) < 9 or parts[0] != standard or not parts[2].isdigit():
            continue
        rec, name, typ, length = parts[2], parts[4], parts[5], _number(parts[6])
        try:
            end, obligation, pattern = _number(parts[7]), parts[8], ""
        except ValueError:
            end, obligation, pattern = _number(parts[8]), parts[9], parts[7]
        number = f"{_number(parts[3]):04d}"
        start = end - length + 1
        kind = _kind(number, name, typ, start, pattern, ints)
        f = Field(rec, number, name, typ, length, start, end, obligation, pattern, kind)
        fields.setdefault(rec, []).append(f)
        names[rec] = parts[1]
    records = {rec: tuple(fs) for rec, fs in fields.items()}
    for rec, fs in records.items():
        position = 1
        for f in fs:
            if f.start != position or f.type not in ("N", "AN"):
                raise AssertionError(
                    f"{standard} layout: field {f.number} of record {rec} is wrong"
                )
            position = f.end + 1
        if position != record_length + 1 or fs[0].name != "KENMERK RECORD":
            raise AssertionError(f"{standard} layout: record {rec} is not {record_length} long")
    by_number = {f.number: f for fs in records.values() for f in fs}
    return Layout(standard, record_length, records, names, by_number)


@dataclass(frozen=True)
class Rules:
    """A standard's record rules, on top of its layout (see the module doc).

    ``parents``: per detail record type, in the order they are checked, the record type it
    belongs to (the last one before it in the same file) and ``{own field: parent field}`` that
    must be equal. ``required_children``: a record type rejected unless it has at least one
    accepted record of the child type and no rejected one. ``counts``: sluitrecord field ->
    record types it counts. ``total``: (sluitrecord amount, its D/C, detail record type, its
    amount, its D/C)."""

    layout: Layout
    error: type[FixedWidthError]
    hidden: frozenset[str]
    bsn_fields: frozenset[str]
    allowed: dict[str, tuple[tuple[str, ...], str]]
    parents: dict[str, tuple[str, dict[str, str]]]
    counts: dict[str, tuple[str, ...]]
    total: tuple[str, str, str, str, str]
    wanted: dict[str, frozenset[str]] = field(default_factory=dict)
    required_children: dict[str, str] = field(default_factory=dict)
    links: tuple[str, ...] = ()
    """Detail record types whose link to their parent record is reported (``Batch.links``)."""


# ---------------------------------------------------------------------------------------------
# small vectorised helpers


def np_(x: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean or integer Arrow array as numpy (nulls as False / must not occur)."""
    if pa.types.is_boolean(x.type):
        x = pc.fill_null(x, False)
    return x.to_numpy(zero_copy_only=False)


def _fixed_digits(arr: pa.Array, width: int) -> np.ndarray:
    """Digits of strings that are all exactly ``width`` ASCII digits, as an (n, width) array."""
    arr = pc.cast(arr, pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if n == 0:
        return np.zeros((0, width), dtype=np.int64)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return data.reshape(n, width).astype(np.int64) - 48


_BSN_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1], dtype=np.int64)


def bsn_valid(bsn: pa.Array | pa.ChunkedArray) -> pa.BooleanArray:
    """True where the value is 9 digits passing the BSN 11-test (and not all zeros)."""
    bsn = pc.cast(bsn, pa.string())
    shape = pc.fill_null(pc.match_substring_regex(bsn, r"^[0-9]{9}$"), False)
    filled = pc.if_else(shape, bsn, pa.scalar("000000000"))
    digits = _fixed_digits(filled, 9)
    ok = ((digits @ _BSN_WEIGHTS) % 11 == 0) & digits.any(axis=1) & np_(shape)
    return pa.array(ok, pa.bool_())


def repeat(value: object, typ: pa.DataType, n: int) -> pa.Array:
    return pa.array([value], typ).take(pa.array(np.zeros(n, dtype=np.int64)))


def cents_text(cents: int) -> str:
    return f"{'C' if cents < 0 else 'D'} {abs(cents) // 100}.{abs(cents) % 100:02d}"


def signed(cents: pa.Array, dc: pa.Array) -> pa.Array:
    """Amounts negated where their D/C indicator is C (a credit)."""
    return pc.if_else(pc.equal(dc, "C"), pc.negate(cents), cents)


# ---------------------------------------------------------------------------------------------
# writing

_PRINTABLE_LATIN1 = r"^[\x{20}-\x{7E}\x{A0}-\x{FF}]*$"


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def input_column(t: pa.Table, name: str, typ: pa.DataType, who: str) -> pa.Array:
    c = t[name]
    c = c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
    if c.type != typ:
        try:
            c = pc.cast(c, typ)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            raise ValueError(f"{who}: column {name!r} cannot be read as {typ}") from None
    return c


def check(ok: pa.Array | np.ndarray, name: str, rule: str, who: str) -> None:
    """Raise naming the column and the first row (0-based) where ``ok`` fails, never a value."""
    ok = ok if isinstance(ok, np.ndarray) else np_(ok)
    if not ok.all():
        raise ValueError(f"{who}: column {name!r}, row {_first(~ok)}: {rule}")


def text_rule(col: pa.Array, name: str, width: int, required: bool, who: str) -> None:
    check(
        pc.match_substring_regex(col, _PRINTABLE_LATIN1),
        name,
        "not printable ISO-8859-1 text",
        who,
    )
    inner = f"[^ ](.{{0,{width - 2}}}[^ ])?" if width > 1 else "[^ ]"
    regex = f"^{inner}$" if required else f"^({inner})?$"
    rule = f"at most {width} characters, no leading or trailing space"
    rule += "" if not required else ", not empty"
    check(pc.match_substring_regex(col, regex), name, rule, who)


def file_key_rule(keys: pa.Array, who: str) -> None:
    check(pc.match_substring_regex(keys, r"^[^/\\\x00]+$"), "file_key", "empty or has a slash", who)
    check(pc.invert(pc.is_in(keys, pa.array([".", ".."]))), "file_key", "'.' or '..'", who)
    check(pc.match_substring_regex(keys, _PRINTABLE_LATIN1), "file_key", "not printable text", who)


def format_records(
    layout: Layout, code: str, n: int, values: dict[str, pa.Array | str], who: str
) -> pa.Array:
    """Records ``code`` for ``n`` rows: numeric fields right-aligned with zeros, alphanumeric
    left-aligned with spaces; fields not in ``values`` are all zeros or all spaces."""
    parts: list[pa.Array | str] = []
    for f in layout.records[code]:
        v = code if f.kind == "record_type" else values.get(f.number, "")
        fill = "0" if f.type == "N" else " "
        if isinstance(v, str):
            if len(v) > f.length:
                raise AssertionError(f"constant for {f.label} is longer than {f.length}")
            v = v.rjust(f.length, fill) if f.type == "N" else v.ljust(f.length, fill)
            if parts and isinstance(parts[-1], str):
                parts[-1] += v
                continue
        else:
            if np_(pc.greater(pc.utf8_length(v), f.length)).any():
                raise ValueError(f"{who}: a value does not fit field {f.label}")
            pad = pc.utf8_lpad if f.type == "N" else pc.utf8_rpad
            v = pad(v, width=f.length, padding=fill)
        parts.append(v)
    if all(isinstance(p, str) for p in parts):
        return repeat("".join(parts), pa.string(), n)  # type: ignore[arg-type]
    return pc.binary_join_element_wise(*parts, "")


def digits(values: pa.Array | np.ndarray) -> pa.Array:
    """Integers as the text of their digits (a numeric field, padded by the record writer)."""
    return pc.cast(
        pa.array(values, pa.int64()) if isinstance(values, np.ndarray) else values, pa.string()
    )


def yyyymmdd(dates: pa.Array) -> pa.Array:
    """EEJJMMDD text of date32 values (years 1000-9999, checked on input)."""
    days = dates.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    months = days.astype("datetime64[M]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return digits(year * 10000 + month * 100 + day)


def sign(cents: pa.Array) -> pa.Array:
    return pc.if_else(pc.less(cents, 0), pa.scalar("C"), pa.scalar("D"))


def check_years(cols: dict[str, pa.Array], types: dict[str, pa.DataType], who: str) -> None:
    for name, typ in types.items():
        if typ == pa.date32():
            years = np_(pc.year(cols[name]))
            check((years >= 1000) & (years <= 9999), name, "year not in 1000-9999", who)


def _group_starts(codes: np.ndarray) -> np.ndarray:
    """Index of the first row of each run of equal values in a sorted array."""
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


@dataclass
class Grouping:
    """Rows ordered by file (order of first appearance), person within file (first
    appearance), then input order; detail records numbered 1, 2, ... in file order.

    ``first_id[i]``: the detail id of row i's first record (its lines take ``per_row`` ids);
    ``person_id``: the id of each person's 02 record; a file has ``size`` lines."""

    file_keys: list[str]
    order: np.ndarray
    file_of: np.ndarray  # per sorted row
    file_start: np.ndarray
    file_rows: np.ndarray
    person_start: np.ndarray
    person_no: np.ndarray
    persons: np.ndarray
    first_id: np.ndarray
    person_id: np.ndarray
    size: np.ndarray
    offset: np.ndarray

    def same_within(self, c: dict[str, pa.Array], file_cols, person_cols, who: str) -> None:
        """Raise unless the file columns agree within a file and the person columns within a
        person."""
        for name in file_cols:
            _same_within(c[name], self.file_start[self.file_of], self.order, name, "file", who)
        for name in person_cols:
            ref = self.person_start[self.person_no - 1]
            _same_within(c[name], ref, self.order, name, "person (BSN)", who)


def group_persons(file_key: pa.Array, bsn: pa.Array, uzovi: pa.Array, per_row: int) -> Grouping:
    file_enc = pc.dictionary_encode(file_key)
    file_keys = [str(k) for k in file_enc.dictionary.to_pylist()]
    file_of = np_(file_enc.indices).astype(np.int64)
    person_key = pc.binary_join_element_wise(file_key, bsn, uzovi, "\x1f")
    person_of = np_(pc.dictionary_encode(person_key).indices).astype(np.int64)
    order = np.lexsort((person_of, file_of))
    f_s, p_s = file_of[order], person_of[order]
    n = len(order)
    file_start = _group_starts(f_s)  # row where each file starts (files are 0, 1, 2, ...)
    file_rows = np.diff(np.r_[file_start, n])
    new_person = np.r_[True, p_s[1:] != p_s[:-1]]
    person_start = np.flatnonzero(new_person)
    person_no = np.cumsum(new_person)  # 1-based person number over all files
    persons_before = person_no[file_start] - 1
    q = person_no - persons_before[f_s]  # person ordinal within its file
    k = np.arange(n) - file_start[f_s]  # row ordinal within its file
    persons = np.bincount(f_s[person_start], minlength=len(file_keys))
    size = persons + per_row * file_rows + 2
    return Grouping(
        file_keys=file_keys,
        order=order,
        file_of=f_s,
        file_start=file_start,
        file_rows=file_rows,
        person_start=person_start,
        person_no=person_no,
        persons=persons,
        first_id=per_row * k + q + 1,
        person_id=(per_row * k + q)[person_start],
        size=size,
        offset=np.r_[0, np.cumsum(size)[:-1]],
    )


def _same_within(
    col: pa.Array, ref_row: np.ndarray, order: np.ndarray, name: str, what: str, who: str
) -> None:
    """Raise unless every (sorted) row equals the row ``ref_row`` of its group."""
    same = np_(pc.equal(col, col.take(pa.array(ref_row))))
    if not same.all():
        row = int(order[_first(~same)])
        raise ValueError(f"{who}: column {name!r}, row {row}: differs within one {what}")


def header_values(c: dict[str, pa.Array], g: Grouping) -> dict[str, pa.Array | str]:
    """The voorlooprecord fields AW319 and ZH308 share (same numbers): 0105 "P" (production),
    0108 the file's UZOVI when all its rows share one (else "0000"), 0112 the instelling, 0113
    "04" (pay the instelling of 0112), 0114/0115 the period, 0116 the invoice, 0117 its date,
    0119 "EUR"."""
    fs = pa.array(g.file_start)
    uz = np_(pc.dictionary_encode(c["uzovi"]).indices).astype(np.int64)
    one_uzovi = np.minimum.reduceat(uz, g.file_start) == np.maximum.reduceat(uz, g.file_start)
    return {
        "0105": "P",
        "0108": pc.if_else(pa.array(one_uzovi), c["uzovi"].take(fs), pa.scalar("0000")),
        "0112": c["instelling_agb"].take(fs),
        "0113": "04",
        "0114": yyyymmdd(c["period_start"].take(fs)),
        "0115": yyyymmdd(c["period_end"].take(fs)),
        "0116": c["invoice_number"].take(fs),
        "0117": yyyymmdd(c["invoice_date"].take(fs)),
        "0119": "EUR",
    }


def person_values(c: dict[str, pa.Array], g: Grouping) -> dict[str, pa.Array | str]:
    """The verzekerdenrecord of every person (AW319 and ZH308 number it alike): 0202-0208 from
    the rows, 0209 "1", 0210 ``NAME_PLACEHOLDER``, 0212 "0", 0215 ``INITIALS_PLACEHOLDER``, 0216
    "0", 0223 1 (deceased) or 2."""
    first = pa.array(g.person_start)
    return {
        "0202": digits(g.person_id),
        "0203": c["bsn"].take(first),
        "0204": c["uzovi"].take(first),
        "0207": yyyymmdd(c["birth_date"].take(first)),
        "0208": c["sex"].take(first),
        "0209": "1",
        "0210": NAME_PLACEHOLDER,
        "0212": "0",
        "0215": INITIALS_PLACEHOLDER,
        "0216": "0",
        "0223": pc.if_else(c["deceased"].take(first), pa.scalar("1"), pa.scalar("2")),
    }


def file_totals(cents: pa.Array, g: Grouping, who: str) -> np.ndarray:
    """The declared total of every file (at most 11 digits, as the sluitrecords' total)."""
    totals = np.add.reduceat(np_(cents).astype(np.int64), g.file_start)
    if (np.abs(totals) > 99_999_999_999).any():
        raise ValueError(f"{who}: a file's total declared amount exceeds 11 digits")
    return totals


def write_files(
    g: Grouping, placed: list[tuple[pa.Array, np.ndarray]], out_dir: Path, suffix: str
) -> list[Path]:
    """Write the records (each with its line number over all files) as one file per key."""
    position = np.concatenate([p for _, p in placed])
    records = pa.concat_arrays([r.cast(pa.large_string()) for r, _ in placed])
    at = np.empty_like(position)
    at[position] = np.arange(len(position))
    eol = pa.scalar(LINE_END, pa.large_string())
    text = pc.binary_join_element_wise(
        records.take(pa.array(at)), eol, pa.scalar("", pa.large_string())
    )
    ascii_only = pc.all(pc.string_is_ascii(text)).as_py()
    bounds = np.frombuffer(text.buffers()[1], dtype=np.int64)[
        text.offset : text.offset + len(text) + 1
    ]
    data = text.buffers()[2]
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for j, key in enumerate(g.file_keys):
        lo, hi = int(bounds[g.offset[j]]), int(bounds[g.offset[j] + g.size[j]])
        chunk = memoryview(data)[lo:hi]
        if not ascii_only:
            chunk = bytes(chunk).decode("utf-8").encode("iso-8859-1")
        path = out_dir / f"{key}{suffix}"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------------
# reading: bytes to lines

_CONTROL = np.zeros(256, dtype=bool)  # bytes that do not occur in a text file
_CONTROL[[*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] = True
_BOM = b"\xef\xbb\xbf"


def file_bytes(path: Path, error: type[FixedWidthError]) -> bytes:
    """The bytes of one file without byte order mark, DOS end-of-file bytes and final line
    ends."""
    try:
        with open(path, "rb", buffering=0) as fh:
            data = fh.readall()
    except OSError as e:
        raise error(f"{path}: line 1: cannot be read ({e.strerror or type(e).__name__})") from None
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    data = data.rstrip(b"\x1a")
    if not data or data.isspace():  # as `not data.strip()`, without a copy
        raise error(f"{path}: line 1: the file is empty")
    return data.rstrip(b"\r\n")  # trailing empty lines are ignored


def _utf8(data: bytes) -> bytes:
    """UTF-8 bytes of a file that is UTF-8, else ISO-8859-1."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1").encode("utf-8")
    return data


def _one_string(data: bytes) -> pa.Array:
    """A large_binary array of one value, without copying ``data``."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    return pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)]
    )


@dataclass
class Lines:
    """The lines of several files, file after file (trailing empty lines dropped)."""

    paths: list[Path]
    lines: pa.Array  # string
    file_of: np.ndarray  # file index of every line
    local: np.ndarray  # 0-based line index within its file
    start: np.ndarray  # index of the first line of every file
    size: np.ndarray  # number of lines of every file


def split(
    paths: list[Path], datas: list[bytes], record_length: int, error: type[FixedWidthError]
) -> Lines:
    """Split the bytes of all files into lines at once. Raises ``error`` for the first file (in
    the given order) that is not a text file or does not start with a voorlooprecord."""
    sizes = np.fromiter(map(len, datas), dtype=np.int64, count=len(datas))
    begin = np.r_[0, np.cumsum(sizes + 1)[:-1]]  # byte offset of every file in the blob
    blob = b"\n".join(datas)
    raw = np.frombuffer(blob, dtype=np.uint8)
    pending = None
    low = np.flatnonzero(raw < 0x20)  # mostly line ends
    bad = low[_CONTROL[raw[low]]]
    if (raw == 0x7F).any():
        bad = np.union1d(bad, np.flatnonzero(raw == 0x7F))
    if len(bad):
        at = int(bad[0])
        i = int(np.searchsorted(begin, at, side="right")) - 1
        data, pos = datas[i], at - int(begin[i])
        line = data.count(b"\n", 0, pos) + 1
        pending = error(
            f"{paths[i]}: line {line}: not a text file (control byte 0x{data[pos]:02x})"
        )
        if i == 0:
            raise pending
        paths, datas, begin = paths[:i], datas[:i], begin[:i]
        blob = blob[: int(begin[-1] + sizes[i - 1])]
        raw = raw[: len(blob)]
        low = low[low < len(blob)]
    nfiles = len(datas)
    line_begin = np.r_[0, low[raw[low] == 10] + 1]
    file_of = np.searchsorted(begin, line_begin, side="right") - 1
    try:
        _one_string(blob).cast(pa.large_string())  # checks that it is UTF-8
        data, bounds = blob, line_begin
    except pa.ArrowInvalid:  # a file that is not UTF-8: read as ISO-8859-1
        data = b"\n".join(map(_utf8, datas))
        bounds = np.r_[0, np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + 1]
    offsets = pa.py_buffer(np.r_[bounds, len(data)].astype(np.int64))
    # every line with its line end; "\n" only at the end, so trimming CR and LF is splitting
    lines = pa.LargeStringArray.from_buffers(len(bounds), offsets, pa.py_buffer(data))
    lines = pc.utf8_rtrim(lines, characters="\r\n")
    k = np.arange(len(lines))
    first = np.searchsorted(file_of, np.arange(nfiles))
    length = np_(pc.utf8_length(lines))
    last = np.maximum.reduceat(np.where(length > 0, k, -1), first)  # >= first: data.strip()
    keep = k <= last[file_of]
    if not keep.all():
        lines, file_of, length = lines.filter(pa.array(keep)), file_of[keep], length[keep]
    size = last - first + 1
    start = np.r_[0, np.cumsum(size)[:-1]]
    lines = lines.cast(pa.string())
    is01 = np_(pc.equal(pc.utf8_slice_codeunits(lines.take(pa.array(start)), 0, 2), "01"))
    head_length = length[start]
    wrong = ~is01 | (head_length != record_length)
    if wrong.any():
        j = int(wrong.argmax())
        if not is01[j]:
            raise error(f"{paths[j]}: line 1: the first record is not a voorlooprecord (01)")
        raise error(
            f"{paths[j]}: line 1: the voorlooprecord is {head_length[j]} characters long, "
            f"not {record_length}"
        )
    if pending is not None:
        raise pending
    local = np.arange(len(lines)) - start[file_of]
    return Lines(list(paths), lines, file_of, local, start, size)


LINK_SCHEMA = pa.schema(
    [
        ("file_key", pa.string()),
        ("record_number", pa.int64()),
        ("record_type", pa.string()),
        ("parent_record_number", pa.int64()),
    ]
)


@dataclass
class Batch:
    """What a standard's reader read from many files (lists are in the order of the paths):
    ``records`` (the standard's), ``rejects`` (file_key first), ``comments``, ``closing_issues``
    (each prefixed with the file name), ``counts`` (summed), per file ``headers``, ``closings``,
    ``file_closing_issues`` and ``file_counts``; ``links``: per record of the rules' ``links``
    types that belongs to a parent, that parent's line."""

    paths: list[Path]
    headers: list[dict[str, object]]
    records: pa.Table
    comments: pa.Table
    rejects: pa.Table
    closings: list[dict[str, object]] = field(default_factory=list)
    closing_issues: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    file_closing_issues: list[list[str]] = field(default_factory=list)
    file_counts: list[dict[str, int]] = field(default_factory=list)
    links: pa.Table = field(default_factory=lambda: LINK_SCHEMA.empty_table())


def _links(p: Parsed, rules: Rules) -> pa.Table:
    parts = [LINK_SCHEMA.empty_table()]
    for code in rules.links:
        part = p.parts[code]
        parent_rows = p.parts[rules.parents[code][0]].rows
        linked = part.parent >= 0
        lines = part.rows[linked]
        parts.append(
            pa.table(
                [
                    p.stems.take(pa.array(p.file_of[lines])),
                    pa.array(p.numbers[lines], pa.int64()),
                    repeat(code, pa.string(), len(lines)),
                    pa.array(p.numbers[parent_rows[part.parent[linked]]], pa.int64()),
                ],
                schema=LINK_SCHEMA,
            )
        )
    return pa.concat_tables(parts)


def read_many(paths: list[Path], rules: Rules, group_bytes: int, records, schema) -> Batch:
    """Read many files of a standard at once; ``records(Parsed) -> pa.Table`` (of ``schema``)
    makes the standard's records. Files are read in groups of about ``group_bytes``."""

    def read(ls: Lines) -> Batch:
        p = read_lines(ls, rules)
        return Batch(
            paths=p.paths,
            headers=p.headers,
            records=records(p),
            comments=p.comments,
            rejects=p.rejects,
            closings=p.closings,
            closing_issues=p.closing_issues,
            counts=p.counts,
            file_closing_issues=p.file_closing_issues,
            file_counts=p.file_counts,
            links=_links(p, rules),
        )

    def empty() -> Batch:
        return Batch(
            paths=[],
            headers=[],
            records=schema.empty_table(),
            comments=BATCH_COMMENT_SCHEMA.empty_table(),
            rejects=BATCH_REJECT_SCHEMA.empty_table(),
            counts={code: 0 for code in [*rules.layout.records, "??"]},
        )

    def concat(parts: list[Batch]) -> Batch:
        return Batch(
            paths=[p for b in parts for p in b.paths],
            headers=[h for b in parts for h in b.headers],
            records=pa.concat_tables([b.records for b in parts]),
            comments=pa.concat_tables([b.comments for b in parts]),
            rejects=pa.concat_tables([b.rejects for b in parts]),
            closings=[c for b in parts for c in b.closings],
            closing_issues=[i for b in parts for i in b.closing_issues],
            counts={code: sum(b.counts[code] for b in parts) for code in parts[0].counts},
            file_closing_issues=[i for b in parts for i in b.file_closing_issues],
            file_counts=[c for b in parts for c in b.file_counts],
            links=pa.concat_tables([b.links for b in parts]),
        )

    return read_groups(paths, rules, group_bytes, read, empty, concat)


def read_groups(paths: list[Path], rules: Rules, group_bytes: int, read, empty, concat) -> object:
    """Read files in groups of about ``group_bytes``: ``read(Lines)`` per group, ``concat`` of
    the parts, ``empty()`` for no files. Raises ``rules.error`` for the first unreadable file."""
    parts = []
    group: list[Path] = []
    datas: list[bytes] = []
    size = 0
    length, error = rules.layout.record_length, rules.error
    for path in paths:
        try:
            data = file_bytes(path, error)
        except FixedWidthError:
            if group:
                split(group, datas, length, error)  # an earlier file may be unreadable too
            raise
        group.append(path)
        datas.append(data)
        size += len(data)
        if size >= group_bytes:
            parts.append(read(split(group, datas, length, error)))
            group, datas, size = [], [], 0
    if group or not parts:
        parts.append(read(split(group, datas, length, error)) if group else empty())
    return parts[0] if len(parts) == 1 else concat(parts)


# ---------------------------------------------------------------------------------------------
# reading: fields

_DAYS_IN_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _parse_dates(v: np.ndarray, digits: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """date32 of EEJJMMDD numbers and a mask of real calendar dates (20260230 is not one)."""
    year, month, day = v // 10000, v // 100 % 100, v % 100
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    last = _DAYS_IN_MONTH[np.clip(month - 1, 0, 11)] + (leap & (month == 2))
    ok = digits & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= last)
    year, month, day = (np.where(ok, x, y) for x, y in ((year, 1970), (month, 1), (day, 1)))
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    return pa.array(dates, pa.date32(), mask=~ok), ok


class Slicer:
    """Fields of records that are all ``length`` characters long. When the records are ASCII,
    every record is ``length`` bytes: a field is then a strided copy out of the records' bytes
    and numbers are read with numpy; otherwise fields are sliced by code point with Arrow."""

    def __init__(self, lines: pa.Array, length: int):
        self.lines = lines
        self.n = len(lines)
        self.length = length
        self.data = None
        self._text: dict[str, pa.Array] = {}
        self._block: dict[str, np.ndarray] = {}
        if self.n and pc.all(pc.string_is_ascii(lines)).as_py():
            offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
            first = int(offsets[lines.offset])
            data = np.frombuffer(lines.buffers()[2], dtype=np.uint8)
            self.data = data[first : first + self.n * length]

    def block(self, f: Field) -> np.ndarray:
        """(n, length) uint8 matrix of the field's bytes (ASCII records only)."""
        if f.number not in self._block:
            strided = np.ndarray(
                (self.n,),
                dtype=f"S{f.length}",
                buffer=self.data,
                offset=f.start - 1,
                strides=(self.length,),
            )
            self._block[f.number] = strided.copy().view(np.uint8).reshape(self.n, f.length)
        return self._block[f.number]

    def text(self, f: Field) -> pa.Array:
        if f.number not in self._text:
            if self.data is None:
                raw = pc.utf8_slice_codeunits(self.lines, f.start - 1, f.end)
            else:
                block = self.block(f)
                offsets = np.arange(0, (self.n + 1) * f.length, f.length, dtype=np.int32)
                raw = pa.StringArray.from_buffers(
                    self.n, pa.py_buffer(offsets), pa.py_buffer(block)
                )
            self._text[f.number] = raw
        return self._text[f.number]

    def numeric(self, f: Field) -> np.ndarray:
        """Mask of the rows whose field is all ASCII digits."""
        return np_(pc.ascii_is_decimal(self.text(f)))

    def number(self, f: Field, ok: np.ndarray) -> np.ndarray:
        """The field as int64 where ``ok``, else 0."""
        if self.data is None:
            raw = self.text(f)
            return np_(pc.cast(pc.if_else(pa.array(ok), raw, pa.scalar("0")), pa.int64()))
        powers = 10 ** np.arange(f.length - 1, -1, -1, dtype=np.int64)
        value = (self.block(f) - np.uint8(48)).astype(np.int64) @ powers
        return np.where(ok, value, 0)

    def digits(self, f: Field, ok: np.ndarray) -> np.ndarray:
        """(n, length) matrix of the field's digits where ``ok``, else zeros."""
        if self.data is None:
            raw = pc.if_else(pa.array(ok), self.text(f), pa.scalar("0" * f.length))
            return _fixed_digits(raw, f.length)
        block = (self.block(f) - np.uint8(48)).astype(np.int64)
        return np.where(ok[:, None], block, 0)


REJECT_SCHEMA = pa.schema(
    [
        ("record_number", pa.int64()),
        ("record_type", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("reason", pa.string()),
    ]
)
COMMENT_SCHEMA = pa.schema(
    [
        ("record_number", pa.int64()),
        ("detail_id", pa.int64()),
        ("line_number", pa.int64()),
        ("text", pa.string()),
    ]
)
_FILE_REJECT_SCHEMA = pa.schema([("file", pa.int64()), *REJECT_SCHEMA])
BATCH_REJECT_SCHEMA = pa.schema([("file_key", pa.string()), *REJECT_SCHEMA])
BATCH_COMMENT_SCHEMA = pa.schema([("file_key", pa.string()), *COMMENT_SCHEMA])


class Rejects:
    def __init__(self, record_numbers: np.ndarray, record_types: pa.Array, file_of: np.ndarray):
        self.numbers = record_numbers
        self.types = record_types
        self.file_of = file_of
        self.parts: list[pa.Table] = []

    def add(
        self, where: np.ndarray, label: str, values: pa.Array | str, reason: str, rows=None
    ) -> None:
        """Reject lines ``rows[where]`` (``rows``: line indices; default all lines)."""
        if not where.any():
            return
        lines = np.flatnonzero(where) if rows is None else rows[where]
        k = len(lines)
        value = (
            repeat(values, pa.string(), k)
            if isinstance(values, str)
            else values.filter(pa.array(where))
        )
        self.parts.append(
            pa.table(
                [
                    pa.array(self.file_of[lines], pa.int64()),
                    pa.array(self.numbers[lines]),
                    self.types.take(pa.array(lines)),
                    repeat(label, pa.string(), k),
                    pc.cast(value, pa.string()),
                    repeat(reason, pa.string(), k),
                ],
                schema=_FILE_REJECT_SCHEMA,
            )
        )

    def table(self) -> pa.Table:
        """All rejects by file and line number (a line's rejects in the order found)."""
        if not self.parts:
            return _FILE_REJECT_SCHEMA.empty_table()
        t = pa.concat_tables(self.parts)
        order = np.lexsort((np_(t["record_number"]), np_(t["file"])))  # stable
        return t.take(pa.array(order))


def parse(
    rules: Rules, code: str, lines: pa.Array, rows: np.ndarray, rej: Rejects
) -> tuple[dict, np.ndarray]:
    """Slice and check every field of records ``code``; returns parsed fields and a bad mask.
    Alphanumeric fields (never checked) not in ``rules.wanted[code]`` are skipped (when the
    rules name wanted fields for the record type)."""
    wanted = rules.wanted.get(code)
    n = len(lines)
    bad = np.zeros(n, dtype=bool)
    out: dict[str, pa.Array] = {}
    field_of = Slicer(lines, rules.layout.record_length)
    for f in rules.layout.records[code]:
        kind = f.kind
        if kind in ("record_type", "reserve"):
            continue
        if kind == "text":
            if wanted is None or f.number in wanted:
                out[f.number] = pc.utf8_rtrim(field_of.text(f), characters=" ")
            continue
        checks: list[tuple[np.ndarray, str]] = []
        if kind == "dc":
            ok = np_(pc.is_in(field_of.text(f), pa.array(["D", "C"])))
            checks.append((ok, "debit/credit indicator is not D or C"))
        else:
            ok = field_of.numeric(f)
            if kind in ("int", "date"):
                number = field_of.number(f, ok)
            if kind == "date":
                parsed, real = _parse_dates(number, ok)
                if f.obligation != "M":  # a date not used is all zeros: empty, not wrong
                    real |= ok & (number == 0)
                checks.append((real, "not a valid date (EEJJMMDD)"))
            else:
                checks.append((ok, "not numeric"))
            if f.number in rules.bsn_fields:
                digits = field_of.digits(f, ok)
                elf = ((digits @ _BSN_WEIGHTS) % 11 == 0) & digits.any(axis=1)
                checks.append((elf, "BSN fails the 11-test"))
            if f.number in rules.allowed:
                values, reason = rules.allowed[f.number]
                checks.append((np_(pc.is_in(field_of.text(f), pa.array(values))), reason))
        ok = np.ones(n, dtype=bool)
        for passed, reason in checks:
            fail = ok & ~passed
            if fail.any():
                value = HIDDEN if f.number in rules.hidden else field_of.text(f)
                rej.add(fail, f.label, value, reason, rows)
                ok &= passed
        bad |= ~ok
        if kind == "date":
            out[f.number] = parsed
        elif kind == "int":
            out[f.number] = pa.array(number, pa.int64(), mask=None if ok.all() else ~ok)
        elif ok.all():
            out[f.number] = field_of.text(f)
        else:
            out[f.number] = pc.if_else(pa.array(ok), field_of.text(f), pa.scalar(None, pa.string()))
    return out, bad


def per_file(mask: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Number of lines per file where ``mask`` (every file has at least one line)."""
    return np.add.reduceat(mask.astype(np.int64), start)


def dicts(layout: Layout, fields: dict[str, pa.Array]) -> list[dict[str, object]]:
    """One dict label -> value per row of parsed fields."""
    labels = [layout.fields[number].label for number in fields]
    columns = [v.to_pylist() for v in fields.values()]
    return [dict(zip(labels, values, strict=True)) for values in zip(*columns, strict=True)]


@dataclass
class Part:
    """The usable records of one type: their line indices, parsed fields, a rejected mask and,
    for a detail record, the row (in its parent type's Part) of the record it belongs to."""

    rows: np.ndarray
    fields: dict[str, pa.Array]
    bad: np.ndarray
    parent: np.ndarray | None = None


@dataclass
class Parsed:
    """Everything :func:`read_lines` found in a group of files (lists per file, in order)."""

    paths: list[Path]
    stems: pa.Array
    file_of: np.ndarray
    numbers: np.ndarray
    header: dict[str, pa.Array]
    headers: list[dict[str, object]]
    parts: dict[str, Part]
    comments: pa.Table
    rejects: pa.Table
    closings: list[dict[str, object]]
    closing_issues: list[str]
    counts: dict[str, int]
    file_closing_issues: list[list[str]]
    file_counts: list[dict[str, int]]


def read_lines(ls: Lines, rules: Rules) -> Parsed:
    """Parse and check the lines of several files at once; see the module doc."""
    lay = rules.layout
    lines, file_of, local, start, size = ls.lines, ls.file_of, ls.local, ls.start, ls.size
    nfiles, n = len(start), len(lines)
    stems = pa.array([p.stem for p in ls.paths], pa.string())
    rtype = pc.utf8_slice_codeunits(lines, 0, 2)
    length = np_(pc.utf8_length(lines))
    is_ = {code: np_(pc.equal(rtype, code)) for code in lay.records}
    numbers = local + 1
    index = np.arange(n)
    rej = Rejects(numbers, rtype, file_of)

    # whole-record problems; end: line index (within its file) of the file's first sluitrecord
    known = np.logical_or.reduce(list(is_.values()))
    end = np.minimum(np.minimum.reduceat(np.where(is_["99"], local, n), start), size)
    has99 = end < size
    end_of = end[file_of]
    unknown = ~known
    wrong = known & (length != lay.record_length)
    second = is_["01"] & (local > 0) & ~wrong
    late = known & ~wrong & ~second & (local > end_of)
    rej.add(unknown, "KENMERK RECORD", rtype, "unknown record type")
    rej.add(
        wrong,
        "record",
        pc.cast(pa.array(length), pa.string()),
        f"record is not {lay.record_length} characters long",
    )
    rej.add(second, "record", "", "a second voorlooprecord (01)")
    rej.add(late, "record", "", "record after the sluitrecord (99)")
    usable = known & ~wrong & ~second & ~late

    def of(code: str) -> tuple[np.ndarray, pa.Array]:
        rows = np.flatnonzero(is_[code] & usable)
        return rows, lines.take(pa.array(rows))

    # 01: the first line of every file
    f01, _ = parse(rules, "01", lines.take(pa.array(start)), start, rej)
    headers = dicts(lay, f01)

    parts: dict[str, Part] = {}
    details = [code for code in lay.records if code not in ("01", "98", "99")]
    for code in [*[c for c in details if c not in rules.parents], *rules.parents]:
        rows, recs = of(code)
        fields, bad = parse(rules, code, recs, rows, rej)
        part = Part(rows, fields, bad)
        if code in rules.parents:
            _belongs(rules, code, part, parts, is_, index, start, file_of, rej)
        parts[code] = part
    for parent_code, child_code in rules.required_children.items():
        _require_children(lay, parts[parent_code], parts[child_code], child_code, rej)

    # 98
    rows98, l98 = of("98")
    f98, bad98 = parse(rules, "98", l98, rows98, rej)
    keep = pa.array(~bad98)
    kept98 = rows98[~bad98]
    comments = pa.table(
        [
            stems.take(pa.array(file_of[kept98])),
            pa.array(numbers[kept98]),
            f98["9802"].filter(keep),
            f98["9803"].filter(keep),
            f98["9804"].filter(keep),
        ],
        schema=BATCH_COMMENT_SCHEMA,
    )

    # 99: per file, the counts and the total against what was read
    issues: list[list[str]] = [[] for _ in range(nfiles)]
    closings: list[dict[str, object]] = [{} for _ in range(nfiles)]
    before = local < end_of
    counted = {c for codes in rules.counts.values() for c in codes}
    count = {c: per_file(np_(pc.equal(rtype, c)) & before, start) for c in counted}
    end_line = start + np.minimum(end, size - 1)  # the (first) sluitrecord, if any
    for j in np.flatnonzero(~has99):
        issues[j].append("no sluitrecord (99): counts and total not checked")
    readable99 = has99 & usable[end_line]
    for j in np.flatnonzero(has99 & ~readable99):
        issues[j].append(
            f"the sluitrecord (line {end[j] + 1}) is not {lay.record_length} characters long: "
            "counts and total not checked"
        )
    files99 = np.flatnonzero(readable99)
    rows99 = end_line[files99]
    f99, _ = parse(rules, "99", lines.take(pa.array(rows99)), rows99, rej)
    for j, closing in zip(files99, dicts(lay, f99), strict=True):
        closings[j] = closing
    for number, codes in rules.counts.items():
        said, unreadable = np_(pc.fill_null(f99[number], 0)), np_(pc.is_null(f99[number]))
        have = sum(count[c] for c in codes)[files99]
        label = lay.fields[number].label
        for i in np.flatnonzero(unreadable | (said != have)):
            j = files99[i]
            if unreadable[i]:
                issues[j].append(f"{label}: unreadable in the sluitrecord")
            else:
                issues[j].append(f"{label}: the sluitrecord says {said[i]}, the file has {have[i]}")
    detail = rules.total[2]
    _total_issues(rules, lines, is_[detail] & before, wrong, start, files99, f99, issues)
    after = size - 1 - end
    for j in np.flatnonzero(has99 & (after > 0)):
        issues[j].append(f"{after[j]} line(s) after the sluitrecord (99) were rejected")

    per_code = {code: per_file(is_[code], start) for code in lay.records}
    per_code["??"] = per_file(unknown, start)
    file_counts = [
        dict(zip(per_code, map(int, values), strict=True))
        for values in zip(*per_code.values(), strict=True)
    ]
    rejects = rej.table()
    rejects = pa.table(
        [stems.take(rejects["file"]), *rejects.columns[1:]], schema=BATCH_REJECT_SCHEMA
    )
    names = [p.name for p in ls.paths]
    return Parsed(
        paths=list(ls.paths),
        stems=stems,
        file_of=file_of,
        numbers=numbers,
        header=f01,
        headers=headers,
        parts=parts,
        comments=comments,
        rejects=rejects,
        closings=closings,
        closing_issues=[f"{names[j]}: {issue}" for j in range(nfiles) for issue in issues[j]],
        counts={code: int(v.sum()) for code, v in per_code.items()},
        file_closing_issues=issues,
        file_counts=file_counts,
    )


def _belongs(rules, code, part, parts, is_, index, start, file_of, rej) -> None:
    """A detail record belongs to the last record of its parent type before it in the same
    file; rejected when there is none, when that one was rejected, or when a key differs."""
    lay = rules.layout
    parent_code, keys = rules.parents[code]
    parent = parts[parent_code]
    rows, bad = part.rows, part.bad
    n = len(index)
    row_of_line = np.full(n, -1, dtype=np.int64)
    row_of_line[parent.rows] = np.arange(len(parent.rows))
    ok_line = np.zeros(n, dtype=bool)
    ok_line[parent.rows[~parent.bad]] = True
    last = np.maximum.accumulate(np.where(is_[parent_code], index, -1))
    line = last[rows]
    own_start = start[file_of[rows]]
    orphan = line < own_start
    parent_bad = ~orphan & ~ok_line[np.maximum(line, 0)]
    parent_numbers = pc.cast(pa.array(np.maximum(line - own_start, 0) + 1), pa.string())
    name = lay.name(parent_code)
    rej.add(orphan, name, "", f"no {name} ({parent_code}) before this record", rows)
    rej.add(parent_bad, name, parent_numbers, f"its {name} ({parent_code}) was rejected", rows)
    bad |= orphan | parent_bad
    linked = np.where(orphan | parent_bad, -1, row_of_line[line])
    take = np.maximum(linked, 0)  # row of the parent per record (0 where there is none)
    if len(parent.rows):
        take_ = pa.array(take)
        for own, theirs in keys.items():
            same = np_(pc.equal(part.fields[own], parent.fields[theirs].take(take_)))
            differ = ~bad & ~same
            value = HIDDEN if own in rules.hidden else part.fields[own]
            reason = f"differs from {lay.fields[theirs].label} of its {name}"
            rej.add(differ, lay.fields[own].label, value, reason, rows)
            bad |= differ
    part.parent = linked


def _require_children(lay: Layout, parent: Part, child: Part, child_code: str, rej) -> None:
    """Reject a record without an accepted child record of ``child_code``, or with a rejected
    one (its amount would be incomplete)."""
    at, m = child.parent, len(parent.rows)
    accepted = np.bincount(at[~child.bad], minlength=m)
    # a rejected child whose parent is known (it was checked against this record)
    rejected = np.bincount(at[child.bad & (at >= 0)], minlength=m)
    name = lay.name(child_code)
    none = ~parent.bad & (accepted == 0) & (rejected == 0)
    some_bad = ~parent.bad & (rejected > 0)
    rej.add(none, name, "", f"no {name} ({child_code}) for this record", parent.rows)
    rej.add(some_bad, name, "", f"a {name} ({child_code}) of this record was rejected", parent.rows)
    parent.bad |= none | some_bad


def _total_issues(rules, lines, mask, wrong, start, files99, f99, issues) -> None:
    """Compare the sluitrecord's total with the sum of the declared amounts of every detail
    line that has one."""
    lay = rules.layout
    total, total_dc, detail, amount_no, dc_no = rules.total
    label = lay.fields[total].label
    good = mask & ~wrong
    rows = np.flatnonzero(good)
    field_of = Slicer(lines.take(pa.array(rows)), lay.record_length)
    amount, dc = field_of.text(lay.fields[amount_no]), field_of.text(lay.fields[dc_no])
    readable = np_(pc.and_(pc.ascii_is_decimal(amount), pc.is_in(dc, pa.array(["D", "C"]))))
    cents = pc.cast(pc.if_else(pa.array(readable), amount, pa.scalar("0")), pa.int64())
    signed_ = np.zeros(len(lines), dtype=np.int64)
    signed_[rows] = np_(signed(cents, dc))
    has = np.zeros(len(lines), dtype=bool)
    has[rows] = readable
    sums = np.add.reduceat(signed_, start)[files99]
    missing = (per_file(mask, start) - per_file(has, start))[files99]
    said, dc99 = np_(pc.fill_null(f99[total], 0)), f99[total_dc]
    unreadable = np_(pc.or_(pc.is_null(f99[total]), pc.is_null(dc99)))
    said = np.where(np_(pc.equal(dc99, "C")), -said, said)
    name = lay.name(detail)
    for i in np.flatnonzero(unreadable | (said != sums)):
        j = files99[i]
        if unreadable[i]:
            issues[j].append(f"{label}: unreadable in the sluitrecord")
            continue
        note = f" ({missing[i]} {name}(s) without a readable amount)" if missing[i] else ""
        issues[j].append(
            f"{label}: the sluitrecord says {cents_text(int(said[i]))}, "
            f"the {name}s add up to {cents_text(int(sums[i]))}{note}"
        )
