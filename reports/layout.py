"""How every workbook of ours reads on screen and on paper, whichever library writes it.

Widths are worked out from the values before the sheet is written (xlsxwriter's
constant_memory mode cannot measure afterwards): a date shows as dd/mm/yyyy, a count with
its thousands separators, a rate as 12.5%. A header wraps onto several lines, so it asks
only for its longest word: a service column is as narrow as its figures. Text longer than
its column wraps too, and its row is made tall enough here, because LibreOffice keeps a
row at one line however much its cells wrap (Excel would grow it; a set height suits both).

On paper each sheet is A4 landscape with its header rows atop every page, the sheet's name
and "Trang 3/7" below. A sheet whose columns fit one page wide at a legible size is scaled
to one page wide, however many pages tall; a wider one prints at full size, its columns
flowing onto the next pages with its first columns repeated, so no text shrinks below
LEGIBLE points.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from reports import labels as L

DATE_WIDTH = len("dd/mm/yyyy")
PAPER_A4 = 9  # the paper size code Excel and LibreOffice use for A4
PAGES_WIDE, PAGES_TALL = 1, 0  # 0: as many pages tall as the rows need

# the page, in inches: A4 landscape less its margins (the footer sits in the bottom one)
PAGE_WIDTH = 297 / 25.4
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM, MARGIN_FOOTER = 0.4, 0.6, 0.7, 0.3
MARGIN_TITLED = 1.0  # the top one of a sheet whose title prints atop every page
PRINTABLE_POINTS = (PAGE_WIDTH - 2 * MARGIN_SIDE) * 72
TEXT_SIZE = 11  # the workbooks' font (Calibri) in points
LEGIBLE = 8.5  # points: printed smaller than this, the sheet flows onto more pages instead
LINE_POINTS = 15  # the height of a row of one line of TEXT_SIZE text
FOOTER = f"&L&A&C{L.PAGE_FOOTER}"  # the sheet's name at the left, "Trang 3/7" amid

NAME_MOST = 20  # a person's or a team's name wraps beyond this many characters
# the directive's model table: Stt, then its six columns of prose, which wrap
MODEL_WIDTHS = (5, 18, 28, 24, 18, 24, 14)  # at full size on A4 landscape

HEADER_PAD = 2  # characters beside a header's longest word: the filter button sits there
PAD = 1  # and beside a value (as wide as its column, a figure shows as ###)
MIN_WIDTH = 5
CELL_PADDING = 5 / 7  # a stored width counts the cell's 5 pixels of padding too
# points a character of column width takes on paper at full size: Excel's 7 pixels (5.25
# points), LibreOffice's about 5.7; the larger for the columns, the smaller for a picture
# that must stay within them
POINTS_PER_CHARACTER, LEAST_POINTS_PER_CHARACTER = 5.75, 5.25
MAX_WIDTH = 60  # longer text wraps

# character widths in digit widths (the unit of a column's width), from Calibri's metrics
# (Carlito's, the same): a lower-case letter about one, a capital a little more, M and W
# and % nearly two, a space or i or l about half; bold a few hundredths wider
_THIN = set(" .,:;!|'()[]/-iljtfrI1ỉịíìĩ")
_WIDE = set("MWmw%@")
_UPPER, _WIDE_CHAR, _THIN_CHAR, _BOLD = 1.2, 1.8, 0.5, 1.04


def width_of(value: Any) -> int:
    """Characters a value needs on screen (a date shows as dd/mm/yyyy, a count as 12,345)."""
    if value is None:
        return 0
    if isinstance(value, date):
        return DATE_WIDTH
    if isinstance(value, bool):
        return len(str(value))
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, float):
        return len(f"{value:.1%}")
    return len(str(value))


def fit(rows: Sequence[Sequence[Any]]) -> list[int]:
    """The widest value of each column."""
    widths: list[int] = []
    for values in rows:
        for index, value in enumerate(values):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], width_of(value))
    return widths


def longest_word(text: str) -> int:
    """The characters of a header's longest word: all a wrapped header needs on a line."""
    return max((len(word) for word in text.split()), default=0)


def columns(
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    most: Sequence[int | None] = (),
) -> list[int]:
    """Each column's width: its widest value or its header's longest word, with room
    beside, at most `most[i]` characters (or MAX_WIDTH) before its text wraps."""
    values = fit(rows)
    found = []
    for index, name in enumerate(names):
        value = values[index] if index < len(values) else 0
        wanted = max(longest_word(name) + HEADER_PAD - PAD, value)
        cap = (most[index] if index < len(most) else None) or MAX_WIDTH
        found.append(max(MIN_WIDTH, min(cap, wanted + PAD)))
    return found


def _units(text: str, bold: bool) -> float:
    units = sum(
        _THIN_CHAR if ch in _THIN else _WIDE_CHAR if ch in _WIDE else _UPPER if ch.isupper() else 1
        for ch in text
    )
    return units * (_BOLD if bold else 1.0)


def lines(text: str, width: float, *, bold: bool = False) -> int:
    """How many lines `text` wraps onto in a column `width` characters wide (a word too
    long for a line is broken, as LibreOffice and Excel break it)."""
    room = max(1.0, width - 0.5)  # the cell's own padding
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split():
            size = _units(word, bold)
            gap = _units(" ", bold) if used else 0.0
            if used and used + gap + size > room:
                count += 1
                used = 0.0
                gap = 0.0
            while size > room:  # a word wider than the column goes on over several lines
                count += 1
                size -= room
            used += gap + size
    return max(count, 1)


def row_height(cells: Sequence[tuple[str, float]], *, bold: bool = False) -> float | None:
    """The height in points of a row whose text cells (text, column width) wrap, or None
    when each fits on one line (the row keeps its default height)."""
    most = max((lines(text, width, bold=bold) for text, width in cells if text), default=1)
    return most * LINE_POINTS if most > 1 else None


def printed_points(widths: Sequence[float], *, per: float = POINTS_PER_CHARACTER) -> float:
    """The columns' width on paper at full size, as wide as LibreOffice prints them (or
    `per` points a character)."""
    return sum(w + CELL_PADDING for w in widths) * per


def picture_points(widths: Sequence[float], *, after: int = 0) -> float:
    """The width a picture from column `after` may take and stay within the columns of the
    sheet's first page at full size: all of them, or (flowing across pages) those that
    surely fit on the first."""
    count = len(widths)
    if not one_page_wide(widths):
        count = max(
            n for n in range(len(widths) + 1) if printed_points(widths[:n]) <= PRINTABLE_POINTS
        )
    return printed_points(widths[after:count], per=LEAST_POINTS_PER_CHARACTER)


def one_page_wide(widths: Sequence[float]) -> bool:
    """Whether the sheet scaled to one page wide still prints its text at LEGIBLE points or
    more (else it prints at full size, its columns flowing onto more pages)."""
    scale = min(1.0, PRINTABLE_POINTS / max(printed_points(widths), 1.0))
    return TEXT_SIZE * scale >= LEGIBLE
