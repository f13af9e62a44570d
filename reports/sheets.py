"""Writing formatted sheets row by row, streamed to disk (xlsxwriter in constant_memory mode).

xlsxwriter writes the same rows in about three quarters of openpyxl write-only's time
(bench/export.py); openpyxl stays for reading (roster import, tests). Text is always
written as text: a note starting with "=" or "http" stays a note, never a formula or link.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reports.layout import (
    FOOTER,
    LINE_POINTS,
    MARGIN_BOTTOM,
    MARGIN_FOOTER,
    MARGIN_SIDE,
    MARGIN_TITLED,
    MARGIN_TOP,
    PAGES_TALL,
    PAGES_WIDE,
    PAPER_A4,
    lines,
    one_page_wide,
    row_height,
)

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
EXCEL_MAX_ROWS = 1_048_576
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's (1900 system) serial dates
KNOWN_TEXTS = 5000  # texts a column remembers the lines of (beyond, it starts again)


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
        # text wraps in its column; a row of several lines reads from its top line
        self.formats: dict[tuple[str, bool], Format] = {}
        numbers = (("text", None), ("date", DATE_FORMAT), ("pct", PERCENT_FORMAT))
        for kind, number in (*numbers, ("count", COUNT_FORMAT)):
            for bold in (False, True):
                spec: dict[str, Any] = {"bold": bold, "valign": "top"}
                if number:  # a figure or a day stands in the middle, clear of the text beside
                    spec["num_format"], spec["align"] = number, "center"
                else:
                    spec["text_wrap"] = True
                self.formats[(kind, bold)] = add(spec)
        # fast_row's cells have no format but for its text that wraps and its day (a format
        # on each cell of a million rows costs a quarter of the writing time), so a row of
        # several lines reads on its last line, as Excel puts a cell with none
        self.wrap_format = add({"text_wrap": True})
        self.day_format = add({"num_format": DATE_FORMAT, "align": "center"})
        self.line_format = add({})  # a title line runs on to the right, unwrapped
        self.title_format = add({"bold": True, "font_size": 13})
        self.header_format = add(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "bottom": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )

    def sheet(self, name: str) -> Sheet:
        """A new sheet, after the ones already made, on A4 landscape with our footer (how
        it scales is settled once its columns are: Sheet.set_widths)."""
        ws = self.wb.add_worksheet(name)
        ws.set_paper(PAPER_A4)
        ws.set_landscape()
        ws.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
        ws.set_footer(FOOTER, {"margin": MARGIN_FOOTER})
        return Sheet(self, ws)

    def close(self) -> None:
        self.wb.close()


class Sheet:
    """One worksheet, written top to bottom."""

    def __init__(self, book: Book, ws: Worksheet) -> None:
        self.book, self.ws, self.next_row = book, ws, 0
        self.widths: list[int] = []
        self.tall: list[int] = []  # fast_row's rows of several lines not yet written out
        self.lines_of: dict[int, dict[str, int]] = defaultdict(dict)  # column: text: lines

    @property
    def name(self) -> str:
        return str(self.ws.name)

    def set_widths(self, widths: Sequence[int], *, key_columns: int = 1) -> None:
        """Column widths (reports.layout.columns), and how the sheet prints: one page wide
        if legible so, else at full size with its first `key_columns` on every page."""
        self.widths = list(widths)
        for index, width in enumerate(widths):
            self.ws.set_column(index, index, width)
        if one_page_wide(widths):
            self.ws.fit_to_pages(PAGES_WIDE, PAGES_TALL)
        else:
            self.ws.set_print_scale(100)
            self.ws.repeat_columns(0, max(key_columns, 1) - 1)
            self.ws.print_across()  # a row's pages side by side, before the next rows

    def freeze_below(self, header_row: int) -> None:
        """Keep rows 1..header_row in view while scrolling and atop every printed page."""
        self.ws.freeze_panes(header_row, 0)
        self.ws.repeat_rows(0, header_row - 1)

    def title_atop_pages(self, title: str, line: str, *, header_row: int, last_row: int) -> None:
        """Print the title and a line under it (its period) atop every page, in the page's
        header, and the rows above the header row (the same title, for the screen) on none:
        a title in a cell would print cut short on every page but the first of a row whose
        columns flow over several pages. Call once the rows are written (rows 1-based)."""
        self.ws.print_area(header_row - 1, 0, last_row - 1, max(len(self.widths), 1) - 1)
        self.ws.repeat_rows(header_row - 1)
        title, line = title.replace("&", "&&"), line.replace("&", "&&")
        header = f'&C&"-,Bold"&13{title}\n&"-,Regular"&11{line}'
        self.ws.set_header(header, {"margin": MARGIN_FOOTER})
        self.ws.set_margins(
            left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TITLED, bottom=MARGIN_BOTTOM
        )

    def add_filter(self, *, header_row: int, columns: int, last_row: int) -> None:
        """Filter buttons on the header (rows are 1-based, as Excel shows them)."""
        self.ws.autofilter(header_row - 1, 0, max(last_row, header_row) - 1, max(columns, 1) - 1)

    def title(self, text: str) -> None:
        self.ws.write_string(self.next_row, 0, text, self.book.title_format)
        self.next_row += 1

    def line(self, text: str | None = None) -> None:
        """A plain line of text (or an empty line)."""
        if text:
            self.ws.write_string(self.next_row, 0, text, self.book.line_format)
        self.next_row += 1

    def header(self, names: Sequence[str]) -> None:
        """The header row, each name wrapped onto as many lines as its column needs."""
        self._fit_height(list(zip(names, self.widths, strict=False)), bold=True)
        self.ws.write_row(self.next_row, 0, list(names), self.book.header_format)
        self.next_row += 1

    def _write_text(self, row: int, col: int, text: str) -> int:
        """Write a text cell, wrapped if it needs more than a line; how many it needs."""
        known = self.lines_of[col]  # names and places come back row after row
        found = known.get(text)
        if found is None:
            if len(known) > KNOWN_TEXTS:
                known.clear()
            found = known[text] = lines(text, self.widths[col])
        self.ws.write_string(row, col, text, self.book.wrap_format if found > 1 else None)
        return found

    def _fit_height(self, cells: Sequence[tuple[str, float]], *, bold: bool = False) -> None:
        """Make the next row tall enough for its wrapping text: (text, column width)."""
        height = row_height(cells, bold=bold)
        if height is not None:
            self.ws.set_row(self.next_row, height)

    def row(self, values: Sequence[Any], *, bold: bool = False) -> None:
        """A data row: dates as dates, whole numbers with thousands, a float as a percent."""
        formats = self.book.formats
        texts = [(v, w) for v, w in zip(values, self.widths, strict=False) if isinstance(v, str)]
        self._fit_height(texts, bold=bold)
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
        ws, r, write_text = self.ws, self.next_row, self._write_text
        most, col = 1, 1
        for text in texts:
            found = write_text(r, col, text)
            if found > most:
                most = found
            col += 1
        for number in numbers:
            if number is not None:
                ws.write_number(r, col, number)
            col += 1
        for note in tail:
            if note:
                found = write_text(r, col, note)
                if found > most:
                    most = found
            col += 1
        # a date is a number with a date format: the serial is cheaper than write_datetime
        ws.write_number(r, 0, (day - EXCEL_EPOCH).days, self.book.day_format)
        if most > 1:
            ws.set_row(r, most * LINE_POINTS)
            self.tall.append(r)
        if self.tall and self.tall[0] <= r - 2:  # written out by now
            _forget_height(ws, self.tall.pop(0))
        self.next_row += 1


def _forget_height(ws: Worksheet, row: int) -> None:
    """constant_memory writes a row out once the next one begins, yet xlsxwriter keeps each
    height it was given to the end (~200 bytes a row: a million rows of wrapped text would
    hold 200 MB): forget one once its row is written. Only for a sheet without pictures,
    which are placed by the rows' heights."""
    for kept in (getattr(ws, "row_info", None), getattr(ws, "row_sizes", None)):
        if isinstance(kept, dict):
            kept.pop(row, None)
