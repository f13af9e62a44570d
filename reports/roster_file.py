"""Reading a roster workbook safely: size, format, sheets, header, then its rows as text.

A file is refused before openpyxl parses it when it is too big, is not a zip (a .csv
renamed .xlsx), or would unpack to far more than it weighs (a zip bomb).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from reports import labels as L
from storage.names import plain_lower

MAX_FILE_MB = 10
MAX_UNPACKED_MB = 200
MAX_ROWS = 20_000
MAX_PROBLEMS_SHOWN = 50


class RosterFileError(ValueError):
    """The roster cannot be imported; `problems` says why, one Vietnamese line each."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(f"… và {len(problems) - len(shown)} lỗi khác.")
        super().__init__("\n".join(shown))
        self.problems = problems


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: how typed names are compared."""
    return " ".join(plain_lower(text).split())


@dataclass(frozen=True)
class SheetRows:
    """The non-empty rows of one sheet: (row number, {column name: text})."""

    sheet: str
    rows: list[tuple[int, dict[str, str]]]


def open_roster(
    path: Path, wanted: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
) -> dict[str, SheetRows]:
    """The rows of each wanted sheet: {sheet: (required columns, optional columns)}."""
    with _opened(path) as wb:
        found = {fold(ws.title): ws for ws in wb.worksheets}
        missing = [s for s in wanted if fold(s) not in found]
        if missing:
            names = ", ".join(f"“{ws.title}”" for ws in wb.worksheets)
            raise RosterFileError(
                [L.ROSTER_MISSING_SHEET.format(sheet=s, found=names) for s in missing]
            )
        out = {}
        for sheet, (required, optional) in wanted.items():
            ws = found[fold(sheet)]
            _check_header_not_merged(wb, ws, sheet)
            out[sheet] = SheetRows(sheet, list(_rows(ws, sheet, required, optional)))
        return out


Columns = tuple[tuple[str, ...], tuple[str, ...]]  # (required, optional) column names


def open_sheets(
    path: Path, pick: Callable[[str, list[str]], Columns | None]
) -> tuple[list[SheetRows], list[str]]:
    """The rows of every sheet `pick` takes, in the workbook's order, and the titles of the
    sheets it left. `pick` gets a sheet's title and its header row, folded."""
    with _opened(path) as wb:
        taken, left = [], []
        for ws in wb.worksheets:
            head = next(ws.iter_rows(max_row=1, values_only=True), ())
            columns = pick(ws.title, [fold(_text(v)) for v in head])
            if columns is None:
                left.append(ws.title)
                continue
            _check_header_not_merged(wb, ws, ws.title)
            taken.append(SheetRows(ws.title, list(_rows(ws, ws.title, *columns))))
        return taken, left


@contextmanager
def _opened(path: Path) -> Iterator[Any]:
    """The workbook, read only, once the file passed the checks of its container."""
    _check_container(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise RosterFileError([L.ROSTER_NOT_XLSX]) from None
    try:
        yield wb
    finally:
        wb.close()


def _check_container(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_MB * 1024 * 1024:
        mb = f"{size / 1024 / 1024:.0f}"
        raise RosterFileError([L.ROSTER_TOO_BIG.format(size=mb, limit=MAX_FILE_MB)])
    if not zipfile.is_zipfile(path):
        raise RosterFileError([L.ROSTER_NOT_XLSX])
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise RosterFileError([L.ROSTER_NOT_XLSX]) from None
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise RosterFileError([L.ROSTER_UNPACKED_TOO_BIG])


def _check_header_not_merged(wb: Any, ws: Any, sheet: str) -> None:
    """Merged cells in the header hide column names: say so instead of "missing column"."""
    merged = []
    with wb._archive.open(ws._worksheet_path) as xml:  # read-only sheets do not expose merges
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell"):
                ref = element.get("ref", "")
                _, min_row, _, _ = range_boundaries(ref)
                if min_row == 1:
                    merged.append(ref)
            if element.tag.endswith("}row"):
                element.clear()  # bounded memory on a big sheet
    if merged:
        raise RosterFileError([L.ROSTER_MERGED_HEADER.format(sheet=sheet, cells=", ".join(merged))])


def _rows(
    ws: Any, sheet: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    rows = ws.iter_rows(values_only=True)
    head = [fold(_text(v)) for v in next(rows, ())]
    columns = {}
    for name in (*required, *optional):
        if fold(name) in head:
            columns[name] = head.index(fold(name))
        elif name in required:
            raise RosterFileError([L.ROSTER_MISSING_COLUMN.format(sheet=sheet, column=name)])
    seen = 0
    for number, values in enumerate(rows, start=2):
        record = {
            name: _text(values[index]) if index < len(values) else ""
            for name, index in columns.items()
        }
        if not any(record.values()):
            continue  # empty rows between people are common: skip them
        seen += 1
        if seen > MAX_ROWS:
            raise RosterFileError([L.ROSTER_TOO_MANY_ROWS.format(sheet=sheet, limit=MAX_ROWS)])
        yield number, record


def _text(value: object) -> str:
    """A cell as text; a whole number typed into a cell loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())
