"""Writing formatted sheets row by row, streamed to disk (xlsxwriter in constant_memory mode).

xlsxwriter writes the same rows in about three quarters of openpyxl write-only's time
(bench/export.py); openpyxl stays for reading (roster import, tests). Text is always
written as text: a note starting with "=" or "http" stays a note, never a formula or link.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reports import labels as L
from reports.layout import PAGES_TALL, PAGES_WIDE, PAPER_A4

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
MAX_WIDTH = 60
EXCEL_MAX_ROWS = 1_048_576
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's (1900 system) serial dates


class Book:
    """A workbook being written; close() finishes the file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.wb = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "default_date_format": DATE_FORMAT,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        add = self.wb.add_format
        self.formats: dict[tuple[str, bool], Format] = {}
        for kind, number in (("text", None), ("date", DATE_FORMAT), ("pct", PERCENT_FORMAT)):
            for bold in (False, True):
                spec: dict[str, Any] = {"bold": bold}
                if number:
                    spec["num_format"] = number
                self.formats[(kind, bold)] = add(spec)
        for bold in (False, True):
            self.formats[("count", bold)] = add({"bold": bold, "num_format": COUNT_FORMAT})
        self.title_format = add({"bold": True, "font_size": 13})
        self.header_format = add(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "bottom": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        )

    def sheet(self, name: str) -> Sheet:
        """A new sheet, after the ones already made, set to print as every sheet of ours."""
        ws = self.wb.add_worksheet(name)
        ws.set_paper(PAPER_A4)
        ws.set_landscape()
        ws.fit_to_pages(PAGES_WIDE, PAGES_TALL)
        ws.set_footer(f"&C{L.PAGE_FOOTER}")
        return Sheet(self, ws)

    def close(self) -> None:
        self.wb.close()


class Sheet:
    """One worksheet, written top to bottom."""

    def __init__(self, book: Book, ws: Worksheet) -> None:
        self.book, self.ws, self.next_row = book, ws, 0

    @property
    def name(self) -> str:
        return str(self.ws.name)

    def set_widths(self, widths: Sequence[int]) -> None:
        """Column widths fitted to Vietnamese text."""
        for index, width in enumerate(widths):
            self.ws.set_column(index, index, min(MAX_WIDTH, max(6, width + 3)))

    def freeze_below(self, header_row: int) -> None:
        """Keep rows 1..header_row in view while scrolling and atop every printed page."""
        self.ws.freeze_panes(header_row, 0)
        self.ws.repeat_rows(0, header_row - 1)

    def add_filter(self, *, header_row: int, columns: int, last_row: int) -> None:
        """Filter buttons on the header (rows are 1-based, as Excel shows them)."""
        self.ws.autofilter(header_row - 1, 0, max(last_row, header_row) - 1, max(columns, 1) - 1)

    def title(self, text: str) -> None:
        self.ws.write_string(self.next_row, 0, text, self.book.title_format)
        self.next_row += 1

    def line(self, text: str | None = None) -> None:
        """A plain line of text (or an empty line)."""
        if text:
            self.ws.write_string(self.next_row, 0, text)
        self.next_row += 1

    def header(self, names: Sequence[str]) -> None:
        self.ws.write_row(self.next_row, 0, list(names), self.book.header_format)
        self.next_row += 1

    def row(self, values: Sequence[Any], *, bold: bool = False) -> None:
        """A data row: dates as dates, whole numbers with thousands, a float as a percent."""
        formats = self.book.formats
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, date):
                self.ws.write_datetime(self.next_row, col, value, formats[("date", bold)])
            elif isinstance(value, bool) or not isinstance(value, int | float):
                self.ws.write_string(self.next_row, col, str(value), formats[("text", bold)])
            elif isinstance(value, float):
                self.ws.write_number(self.next_row, col, value, formats[("pct", bold)])
            else:
                self.ws.write_number(self.next_row, col, value, formats[("count", bold)])
        self.next_row += 1

    def fast_row(
        self,
        day: date,
        texts: Sequence[str],
        numbers: Sequence[int | None],
        tail: Sequence[str | None],
    ) -> None:
        """A `Chi tiết` row without per-cell type checks: day, names, counts, place/note."""
        ws, r = self.ws, self.next_row
        # a date is a number with a date format: the serial is cheaper than write_datetime
        ws.write_number(r, 0, (day - EXCEL_EPOCH).days, self.book.formats[("date", False)])
        col = 1
        for text in texts:
            ws.write_string(r, col, text)
            col += 1
        for number in numbers:
            if number is not None:
                ws.write_number(r, col, number)
            col += 1
        for note in tail:
            if note:
                ws.write_string(r, col, note)
            col += 1
        self.next_row += 1
