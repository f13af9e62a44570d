"""What an officer sees of our workbooks on screen and on paper, read back with openpyxl.

On screen: no column too narrow for its dates (shown dd/mm/yyyy), numbers (as their number
format shows them) or header (a wrapped header only for its longest word), so nothing reads
`###`. On paper: A4 landscape, one page wide (or, too wide for that at a legible size, at
full size with its first columns on every page), the header rows again on each page, the
sheet's name and "Trang 3/7" at the foot. tests/printed_pages.py prints them for real.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
DAY = "dd/mm/yyyy"
MARGIN = 1  # a value exactly as wide as its column shows as ### in Excel and LibreOffice
FILTER_BUTTON = 2  # the filter button sits over the right end of a header cell


def shown(cell: Cell) -> str | None:
    """The text a date or number cell shows (None for text and empty cells)."""
    value, fmt = cell.value, str(cell.number_format)
    if isinstance(value, datetime | date):
        assert fmt.lower() == DAY, f"{cell.coordinate}: a date shown as {fmt}"
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if "%" in fmt:
        return f"{value:.1%}"
    if "#,##0" in fmt:
        return f"{value:,.0f}"
    return str(value)


def widths(ws: Worksheet) -> dict[int, float]:
    """Each sized column's width (a <col> element may cover several columns)."""
    out: dict[int, float] = {}
    for dimension in ws.column_dimensions.values():
        if dimension.customWidth and dimension.width:
            for index in range(dimension.min or 1, (dimension.max or dimension.min or 1) + 1):
                out[index] = dimension.width
    return out


def too_narrow(ws: Worksheet, *, header_row: int = 1) -> list[str]:
    """Cells of the header and the rows below it wider than their column."""
    sized, found = widths(ws), []
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            assert isinstance(cell, Cell)
            width = sized.get(cell.column, DEFAULT_WIDTH)
            if cell.row == header_row and isinstance(cell.value, str):
                wraps = bool(cell.alignment and cell.alignment.wrap_text)
                words = cell.value.split() if wraps else [cell.value]
                needed = max(len(word) for word in words) + FILTER_BUTTON
            else:
                text = shown(cell)
                if text is None:
                    continue
                needed = len(text) + MARGIN
            if width < needed:
                letter = get_column_letter(cell.column)
                found.append(
                    f"{ws.title}!{cell.coordinate}: {cell.value!r} needs {needed}, "
                    f"column {letter} is {width:g}"
                )
    return found


def print_problems(ws: Worksheet, *, header_rows: str = "1:1") -> list[str]:
    """How the sheet's page setup differs from A4 landscape, one page wide (or at full
    size, its first columns on every page, a row's pages side by side), header, sheet name
    and page number on every page."""
    setup, fit = ws.page_setup, ws.sheet_properties.pageSetUpPr
    footer = ws.oddFooter
    found: dict[str, object] = {
        "orientation": setup.orientation,
        "paper": str(setup.paperSize),
        "header rows": str(ws.print_title_rows).replace("$", ""),
        "footer": footer.center.text if footer else None,
        "footer's left": footer.left.text if footer else None,
    }
    wanted: dict[str, object] = {
        "orientation": "landscape",
        "paper": "9",  # A4
        "header rows": header_rows,
        "footer": "Trang &P/&N",
        "footer's left": "&A",  # the sheet's name
    }
    if fit and fit.fitToPage:
        # an absent count is the file format's default, 1 (xlsxwriter leaves it out)
        found["pages wide"] = 1 if setup.fitToWidth is None else setup.fitToWidth
        found["pages tall"] = 1 if setup.fitToHeight is None else setup.fitToHeight  # 0: any
        wanted["pages wide"], wanted["pages tall"] = 1, 0
    else:
        found["scale"] = setup.scale or 100
        found["columns on every page"] = bool(ws.print_title_cols)
        found["page order"] = setup.pageOrder
        wanted["scale"], wanted["columns on every page"] = 100, True
        wanted["page order"] = "overThenDown"
    return [
        f"{ws.title}: {key} is {found[key]!r}, not {wanted[key]!r}"
        for key in wanted
        if found[key] != wanted[key]
    ]


def narrow_columns(path: Path, header_rows: dict[str, int] | None = None) -> list[str]:
    """Every sheet's cells wider than their column (the header in row 1 unless
    `header_rows` names another row for a sheet)."""
    found = []
    for ws in load_workbook(path).worksheets:
        found += too_narrow(ws, header_row=(header_rows or {}).get(ws.title, 1))
    return found


def unprintable_sheets(path: Path, header_rows: dict[str, int] | None = None) -> list[str]:
    """Every sheet's page-setup differences (rows 1 to its header row repeat on each page)."""
    found = []
    for ws in load_workbook(path).worksheets:
        last = (header_rows or {}).get(ws.title, 1)
        found += print_problems(ws, header_rows=f"1:{last}")
    return found
