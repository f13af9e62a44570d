"""How every workbook of ours reads on screen and on paper, whichever library writes it.

Widths are worked out from the values before the sheet is written (xlsxwriter's
constant_memory mode cannot measure afterwards): a date shows as dd/mm/yyyy, a count with
its thousands separators, a rate as 12.5%. On paper each sheet is A4 landscape, one page
wide however many pages tall, with its header rows atop every page and "Trang 3/7" below.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

DATE_WIDTH = len("dd/mm/yyyy")
PAPER_A4 = 9  # the paper size code Excel and LibreOffice use for A4
PAGES_WIDE, PAGES_TALL = 1, 0  # 0: as many pages tall as the rows need


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
