"""What an officer sees of our workbooks on screen and on paper, read back with openpyxl.

On screen: no column too narrow for its dates (shown dd/mm/yyyy), numbers (as their number
format shows them) or header, so nothing reads `###`. On paper: A4 landscape, one page wide,
the header rows again on each page, "Trang 3/7" at the foot.
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
                needed = len(cell.value) + FILTER_BUTTON
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
    """How the sheet's page setup differs from A4 landscape, one page wide, header and
    page number on every page."""
    setup, fit = ws.page_setup, ws.sheet_properties.pageSetUpPr
    found = {
        "orientation": setup.orientation,
        "paper": str(setup.paperSize),
        "fit to page": bool(fit and fit.fitToPage),
        # an absent count is the file format's default, 1 (xlsxwriter leaves it out)
        "pages wide": 1 if setup.fitToWidth is None else setup.fitToWidth,
        "pages tall": 1 if setup.fitToHeight is None else setup.fitToHeight,  # 0: any
        "header rows": str(ws.print_title_rows).replace("$", ""),
        "footer": ws.oddFooter.center.text if ws.oddFooter else None,
    }
    wanted = {
        "orientation": "landscape",
        "paper": "9",  # A4
        "fit to page": True,
        "pages wide": 1,
        "pages tall": 0,
        "header rows": header_rows,
        "footer": "Trang &P/&N",
    }
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
