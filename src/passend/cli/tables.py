"""The command line's one table renderer: a number is never cut, folded or ellipsised.

Every command builds its tables as plain data (``Table``: a title, columns that are numeric
or text, rows of formatted strings) and prints them with ``show``. A numeric column is
right-aligned, never wrapped, and at least as wide as its widest value; a text column wraps
between words (a word too long for it is folded, never ellipsised). The table is first laid
out in the console's width and then checked: when a number (or a word of up to ``WORD``
characters) does not come out whole on one line, or a line is wider than the console, the
table is printed stacked instead, one block per row with "label: value" lines.

The strings are formatted by the caller with ``passend.i18n`` (one decimal mark per
language); this module only lays them out."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table as RichTable
from rich.text import Text

WORD = 20
"""A text cell's words up to this length must come out whole, else the table is stacked."""


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = False
    """Right-aligned, never wrapped or cut (amounts, counts, shares, intervals)."""


def numeric(header: str) -> Column:
    """A numeric column."""
    return Column(header, numeric=True)


@dataclass
class Table:
    """A table as data: its title, columns and rows of formatted strings (``""`` for none)."""

    title: str
    columns: Sequence[Column]
    rows: list[list[str]] = field(default_factory=list)
    header: bool = True
    """False for a list of "label  value" lines (no header row, no rules)."""
    notes: list[str] = field(default_factory=list)
    """Lines printed under the table (a footnote, a total in words)."""

    def add(self, *cells: str) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{self.title}: {len(cells)} cells for {len(self.columns)} columns")
        self.rows.append([str(c) for c in cells])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """Printed by any Rich console: laid out in the width it is given."""
        yield layout(self, options.max_width)
        for note in self.notes:
            yield Text(note)


def _grid(t: Table, widths: Sequence[int] | None = None) -> RichTable:
    """The table in columns (of ``widths`` when given): numbers never wrapped, a header or a
    text cell wrapped between words and a word folded only when it must."""
    rt = RichTable(
        box=box.SIMPLE if t.header else None,
        show_header=t.header,
    )
    for i, c in enumerate(t.columns):
        w = None if widths is None else widths[i]
        head = Text(c.header, overflow="fold", no_wrap=False)
        if c.numeric:
            rt.add_column(head, justify="right", no_wrap=True, width=w)
        else:
            rt.add_column(head, overflow="fold", width=w)
    for r in t.rows:
        rt.add_row(*(Text(v) for v in r))
    return rt


def _longest_word(text: str) -> int:
    return max((cell_len(w) for w in text.split()), default=0)


def _widths(t: Table, width: int) -> list[int] | None:
    """Column widths that fit ``width``: each column as wide as its longest line, the widest
    narrowed first, a number never below its full width and a text column never below its
    longest word (up to ``WORD``); None when even that does not fit."""
    cols = list(zip(*t.rows, strict=True)) if t.rows else [() for _ in t.columns]
    natural, least = [], []
    for c, cells in zip(t.columns, cols, strict=True):
        head = c.header if t.header else ""
        longest = max((cell_len(v) for v in (*cells, head)), default=0)
        head_word = min(_longest_word(head), WORD)
        if c.numeric:
            floor = max((cell_len(v) for v in cells), default=0)
        else:
            floor = min(max((_longest_word(v) for v in cells), default=0), WORD)
        natural.append(max(longest, 1))
        least.append(max(floor, head_word, 1))
    probe = Console(width=10_000, file=io.StringIO(), legacy_windows=False)
    overhead = Measurement.get(probe, probe.options, _grid(t, natural)).maximum - sum(natural)
    room = width - overhead
    if sum(least) > room:
        return None
    widths = natural[:]
    while sum(widths) > room:
        i = max(range(len(widths)), key=lambda j: widths[j] - least[j])
        widths[i] -= 1
    return widths


def _stacked(t: Table, width: int) -> Group:
    """One block per row: the first cell as its heading, then "label: value" lines (the value
    on a line of its own when the two do not fit on one)."""
    parts: list[RenderableType] = []
    if t.title:
        parts.append(Text(t.title, style="bold"))
    first = 0 if t.columns[0].numeric else 1
    for r in t.rows:
        parts.append(Text(""))
        if first:
            parts.append(Text(r[0] or "—", style="bold"))
        for c, v in zip(t.columns[first:], r[first:], strict=True):
            if v == "":
                continue
            if not c.header:
                parts.append(Padding(Text(v), (0, 0, 0, 2), expand=False))
            elif cell_len(f"  {c.header}: {v}") <= width:
                parts.append(Padding(Text(f"{c.header}: {v}"), (0, 0, 0, 2), expand=False))
            else:
                parts.append(Padding(Text(f"{c.header}:"), (0, 0, 0, 2), expand=False))
                parts.append(Padding(Text(v), (0, 0, 0, 4), expand=False))
    parts.append(Text(""))
    return Group(*parts)


def _whole(t: Table, lines: list[str], width: int) -> bool:
    """Every line within ``width``; every number and every short word on one line whole."""
    if any(cell_len(line) > width for line in lines):
        return False
    text = "\n".join(lines)
    for r in t.rows:
        for c, v in zip(t.columns, r, strict=True):
            pieces = [v] if c.numeric else [w for w in v.split() if len(w) <= WORD]
            if any(p and p not in text for p in pieces):
                return False
    return True


def _lines(renderable: RenderableType, width: int) -> list[str]:
    probe = Console(
        width=width,
        file=io.StringIO(),
        color_system=None,
        soft_wrap=False,
        legacy_windows=False,
        force_terminal=False,
        emoji=False,
        highlight=False,
    )
    with probe.capture() as cap:
        probe.print(renderable)
    return [line.rstrip() for line in cap.get().splitlines()]


def layout(t: Table, width: int) -> RenderableType:
    """The table in columns if every number comes out whole in ``width``, else stacked."""
    widths = _widths(t, width)
    if widths is not None:
        grid = _grid(t, widths)
        if _whole(t, _lines(grid, width), width):
            return Group(Text(t.title, style="bold"), grid) if t.title else grid
    return _stacked(t, width)


def render(t: Table, width: int) -> str:
    """The table as plain text in ``width`` columns (for tests and files)."""
    return "\n".join(_lines(layout(t, width), width))


def show(tables: Table | Iterable[Table], console: Console | None = None) -> None:
    """Print the tables (and their notes) in the console's width; the console defaults to
    standard output, measured now (``COLUMNS`` or the terminal)."""
    console = console or Console(soft_wrap=False)
    for t in [tables] if isinstance(tables, Table) else tables:
        console.print(t)
