"""A result table (Parquet, as the runs write them) in the forms people download: CSV, an
Excel sheet (columns ending in ``_cents`` as euros with a euro format) and JSON records (a
page of rows). Shared by the web app's downloads; plain library."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

EURO_FORMAT = "€ #,##0.00;[Red]-€ #,##0.00"
MAX_XLSX_ROWS = 1_048_575  # Excel's limit, less the header


def read(path: Path) -> pa.Table:
    return pq.read_table(path)


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink)
    return sink.getvalue()


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


def xlsx_bytes(table: pa.Table, sheet: str) -> bytes:
    """One sheet with a header row; ``*_cents`` columns become euros in a euro format. Refuses
    a table longer than an Excel sheet (``ValueError``: download CSV or Parquet instead)."""
    from openpyxl import Workbook

    if table.num_rows > MAX_XLSX_ROWS:
        raise ValueError(
            f"{sheet}: {table.num_rows} rows do not fit in an Excel sheet "
            f"({MAX_XLSX_ROWS}); download it as CSV or Parquet"
        )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    names = table.column_names
    euro = [n.endswith("_cents") for n in names]
    ws.append(
        [
            n.removesuffix("_cents") + (" (EUR)" if e else "")
            for n, e in zip(names, euro, strict=True)
        ]
    )
    columns = [table.column(n).to_pylist() for n in names]
    from openpyxl.cell import WriteOnlyCell

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
    sink = io.BytesIO()
    wb.save(sink)
    return sink.getvalue()
