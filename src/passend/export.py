"""A result table (Parquet, as the runs write them) in the forms people download: CSV, an
Excel sheet (money columns, those named ``*_cents`` or ``*_cents_low``/``_high``, as euros:
numbers, cents / 100, with a euro format) and JSON records (a page of rows). Shared by the web
app's downloads and the runs' own files (``passend simulate``: a CSV per table and with
``--xlsx`` one workbook); plain library. One writer per format:

- CSV: the table as it is (column ids, money in integer cents, exact): what reconciles;
- Excel: one sheet per table, a header row (the column ids, or with ``lang`` the labels of
  ``passend.i18n.COLUMN_LABELS``), euros as numbers; the bytes depend only on the tables
  (``save_workbook`` stamps a fixed time instead of the time of saving).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

EURO_FORMAT = "€ #,##0.00;[Red]-€ #,##0.00"
MAX_XLSX_ROWS = 1_048_575  # Excel's limit, less the header
FIXED_TIME = dt.datetime(2000, 1, 1)
"""The time a run's workbook carries (its bytes must not depend on when it was written)."""


def read(path: Path) -> pa.Table:
    return pq.read_table(path)


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink)
    return sink.getvalue()


def write_csv(table: pa.Table, path: Path) -> Path:
    """The table as ``path`` (CSV, as ``csv_bytes``); returns the path."""
    path.write_bytes(csv_bytes(table))
    return path


def records(table: pa.Table, offset: int = 0, limit: int = 1000) -> dict[str, Any]:
    """Rows ``offset`` to ``offset + limit`` as a list of objects, with the total."""
    page = table.slice(offset, limit)
    return {
        "total": table.num_rows,
        "offset": offset,
        "limit": limit,
        "columns": table.column_names,
        "rows": page.to_pylist(),
    }


def is_money(name: str) -> bool:
    """A column of integer cents: ``*_cents``, or its interval bounds ``*_cents_low/_high``."""
    return name.endswith("_cents") or name.endswith(("_cents_low", "_cents_high"))


def header(name: str, lang: str | None) -> str:
    """A column's header: without ``lang`` its id (``_cents`` dropped, ``(EUR)`` added for
    money, as the web downloads have it), else its label (``passend.i18n.column_label``)."""
    if lang is None:
        return name.replace("_cents", "") + (" (EUR)" if is_money(name) else "")
    from passend.i18n import column_label

    return column_label(name, lang)


def _too_long(table: pa.Table, sheet: str) -> None:
    if table.num_rows > MAX_XLSX_ROWS:
        raise ValueError(
            f"{sheet}: {table.num_rows} rows do not fit in an Excel sheet "
            f"({MAX_XLSX_ROWS}); download it as CSV or Parquet"
        )


def add_sheet(wb: Any, table: pa.Table, sheet: str, lang: str | None = None) -> None:
    """Append ``table`` to the write-only workbook ``wb`` as the sheet ``sheet``: a header
    row, then the rows; money as euros (a number) in ``EURO_FORMAT``."""
    from openpyxl.cell import WriteOnlyCell

    _too_long(table, sheet)
    ws = wb.create_sheet(sheet[:31])
    names = table.column_names
    euro = [is_money(n) for n in names]
    ws.append([header(n, lang) for n in names])
    columns = [table.column(n).to_pylist() for n in names]
    for row in zip(*columns, strict=True):
        cells = []
        for value, is_euro in zip(row, euro, strict=True):
            if is_euro and value is not None:
                cell = WriteOnlyCell(ws, value=value / 100)
                cell.number_format = EURO_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)


def save_workbook(wb: Any, when: dt.datetime = FIXED_TIME) -> bytes:
    """The workbook's bytes, with ``when`` as its creation time and the time of every zip
    entry (openpyxl's own ``save`` stamps the time of saving into the zip and into
    docProps/core.xml): the same tables give the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = "passend"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def xlsx_bytes(table: pa.Table, sheet: str, lang: str | None = None) -> bytes:
    """One sheet with a header row (``add_sheet``). Refuses a table longer than an Excel sheet
    (``ValueError``: download CSV or Parquet instead)."""
    return workbook_bytes({sheet: table}, lang)


def workbook_bytes(sheets: Mapping[str, pa.Table], lang: str | None = None) -> bytes:
    """One workbook, a sheet per table (in the order given)."""
    from openpyxl import Workbook

    for name, table in sheets.items():
        _too_long(table, name)
    wb = Workbook(write_only=True)
    for name, table in sheets.items():
        add_sheet(wb, table, name, lang)
    return save_workbook(wb)
