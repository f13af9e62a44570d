"""Small helpers to write formatted rows in openpyxl's write-only (streaming) mode."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

# openpyxl's stubs describe write-only sheets poorly (no column_dimensions, auto_filter)
WriteOnlyWorksheet = Any

DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
MAX_WIDTH = 60

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEAD_BORDER = Border(bottom=Side(style="thin"))
_WRAP = Alignment(wrap_text=True, vertical="center")


def width_of(value: Any) -> int:
    """Characters a value needs on screen (a date shows as dd/mm/yyyy)."""
    if value is None:
        return 0
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return 8
    return len(str(value))


def set_widths(ws: WriteOnlyWorksheet, widths: Sequence[int]) -> None:
    """Column widths (before the first row is written), fitted to Vietnamese text."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(6, width + 3))


def fit(rows: Sequence[Sequence[Any]]) -> list[int]:
    """The widest value of each column."""
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], width_of(value))
    return widths


def title(ws: WriteOnlyWorksheet, text: str) -> None:
    """A bold title line."""
    cell = WriteOnlyCell(ws, text)
    cell.font = _TITLE
    ws.append([cell])


def header(ws: WriteOnlyWorksheet, names: Sequence[str]) -> None:
    """The bold, shaded header row."""
    cells = []
    for name in names:
        cell = WriteOnlyCell(ws, name)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEAD_FILL, _HEAD_BORDER, _WRAP
        cells.append(cell)
    ws.append(cells)


def row(ws: WriteOnlyWorksheet, values: Sequence[Any], *, bold: bool = False) -> None:
    """A data row: dates as dates, whole numbers with thousands, a float as a percent."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(ws, value)
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, float):
            cell.number_format = PERCENT_FORMAT
        elif isinstance(value, int):
            cell.number_format = COUNT_FORMAT
        if bold:
            cell.font = _BOLD
        cells.append(cell)
    ws.append(cells)


def freeze_below(ws: WriteOnlyWorksheet, header_row: int) -> None:
    """Keep the header in view while scrolling (call before the first row is written)."""
    ws.freeze_panes = f"A{header_row + 1}"


def add_filter(ws: WriteOnlyWorksheet, *, header_row: int, columns: int, last_row: int) -> None:
    """Filter buttons on the header over the whole table (may be set after the rows)."""
    last = max(last_row, header_row)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(max(columns, 1))}{last}"
