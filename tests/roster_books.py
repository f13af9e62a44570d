"""Roster workbooks as an officer fills them, written with openpyxl for the import tests."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import Engine, text

GROUPS_SHEET = "Tổ dân phố"
PEOPLE_SHEET = "Thành viên"
GROUPS_HEADER = ("Tên tổ dân phố",)
PEOPLE_HEADER = ("Họ và tên", "Số điện thoại", "Tổ dân phố", "Vai trò", "Ghi chú")
ROSTER_TABLES = ("ward", "residential_group", "team", "member", "invite_code")


def write_roster(
    path: Path,
    groups: Sequence[str | None],
    people: Sequence[Sequence[object]],
    *,
    sheets: tuple[str, str] = (GROUPS_SHEET, PEOPLE_SHEET),
    people_header: Sequence[str] = PEOPLE_HEADER,
    merge: str | None = None,
) -> Path:
    """Both sheets from lists: a group name (None: an empty row), a person's cells (() empty).

    `merge` merges a range of the people sheet, e.g. "A1:B1" for a merged header.
    """
    wb = Workbook()
    groups_ws = wb.active
    assert groups_ws is not None
    groups_ws.title = sheets[0]
    groups_ws.append(list(GROUPS_HEADER))
    for group in groups:
        groups_ws.append([group] if group is not None else [])
    people_ws = wb.create_sheet(sheets[1])
    people_ws.append(list(people_header))
    for row in people:
        people_ws.append(list(row))
    if merge:
        people_ws.merge_cells(merge)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


CITY_GROUPS_HEADER = ("Phường", *GROUPS_HEADER)
CITY_PEOPLE_HEADER = ("Phường", *PEOPLE_HEADER)


def write_city_roster(
    path: Path,
    groups: Sequence[tuple[str, str]],
    people: Sequence[Sequence[object]],
    *,
    people_sheet: str = PEOPLE_SHEET,
) -> Path:
    """The city's file with a `Phường` column: (ward, group) rows, then people rows whose first
    cell is the ward (() an empty row)."""
    wb = Workbook()
    groups_ws = wb.active
    assert groups_ws is not None
    groups_ws.title = GROUPS_SHEET
    groups_ws.append(list(CITY_GROUPS_HEADER))
    for row in groups:
        groups_ws.append(list(row))
    people_ws = wb.create_sheet(people_sheet)
    people_ws.append(list(CITY_PEOPLE_HEADER))
    for person in people:
        people_ws.append(list(person))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_ward_sheets(
    path: Path,
    groups: Sequence[tuple[str, str]],
    sheets: dict[str, Sequence[Sequence[object]]],
    *,
    notes: dict[str, Sequence[Sequence[object]]] | None = None,
) -> Path:
    """The city's file with one sheet per ward: the `Tổ dân phố` sheet of (ward, group) rows,
    then each ward's sheet {title: people rows}, headed as the ward template's `Thành viên`;
    `notes` are other sheets, {title: rows as written}."""
    wb = Workbook()
    groups_ws = wb.active
    assert groups_ws is not None
    groups_ws.title = GROUPS_SHEET
    groups_ws.append(list(CITY_GROUPS_HEADER))
    for row in groups:
        groups_ws.append(list(row))
    for title, people in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(list(PEOPLE_HEADER))
        for person in people:
            ws.append(list(person))
    for title, rows in (notes or {}).items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def add_zip_member(path: Path, name: str, *, chunk: bytes, times: int, compression: int) -> None:
    """Append a member of `times` x `chunk` to a workbook's zip, streamed (memory stays low)."""
    with (
        zipfile.ZipFile(path, "a", compression=compression) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        for _ in range(times):
            member.write(chunk)


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each roster table holds."""
    with engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ROSTER_TABLES
        }
