"""Workbooks the officer fills or hands out: the roster template and the invite-code list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from reports import labels as L

_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")


def table(ws: Worksheet, names: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Bold frozen header with filters, then the rows, with fitted widths.

    This is how every openpyxl sheet of ours is written: each text cell stays text, so
    what someone typed ("=HYPERLINK(…)", a name starting with "=") never becomes a formula
    in the officer's spreadsheet.
    """
    append_text(ws, names)
    for cell in ws[1]:
        cell.font, cell.fill = _BOLD, _FILL
    for values in rows:
        append_text(ws, values)
    for index, name in enumerate(names, start=1):
        widest = max([len(name), *(len(str(r[index - 1] or "")) for r in rows)])
        ws.column_dimensions[get_column_letter(index)].width = min(60, widest + 4)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(1, len(rows) + 1)}"


def append_text(ws: Worksheet, values: Sequence[object]) -> None:
    """Add a row whose strings are text cells (openpyxl takes a string starting with "=" for
    a formula; numbers and dates keep their types)."""
    ws.append(list(values))
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if isinstance(value, str) and cell.data_type == "f":
            cell.data_type = "s"


def write_template(path: Path) -> Path:
    """The roster template: groups, people (with example rows), a role list to pick from."""
    wb = Workbook()
    groups = wb.active
    assert groups is not None
    groups.title = L.SHEET_GROUPS
    table(groups, [L.HEAD_GROUP_NAME], [[g] for g in L.TEMPLATE_EXAMPLE_GROUPS])
    people = wb.create_sheet(L.SHEET_PEOPLE)
    names = [L.HEAD_NAME, L.HEAD_PHONE, L.HEAD_GROUP, L.HEAD_ROLE, L.HEAD_NOTE]
    table(people, names, L.TEMPLATE_EXAMPLE_PEOPLE)
    people.column_dimensions["B"].number_format = "@"  # phones as text: Excel keeps the 0
    for row in range(2, len(L.TEMPLATE_EXAMPLE_PEOPLE) + 2):
        people.cell(row=row, column=2).number_format = "@"
    roles = ",".join(L.ROLE_NAMES[r] for r in ("leader", "deputy", "member", "officer"))
    choose = DataValidation(type="list", formula1=f'"{roles}"', allow_blank=True)
    choose.add("D2:D2000")
    people.add_data_validation(choose)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@dataclass(frozen=True)
class InviteLine:
    name: str
    team: str
    role: str
    code: str
    expires_at: datetime  # local time
    deputy: bool = False
    zalo_bot: str = ""  # the Zalo bot to write to, as people know it ("Bot …")


def write_invites(
    path: Path, ward: str, lines: Sequence[InviteLine], *, bot_username: str | None
) -> Path:
    """Each member's code and Telegram link, for the officer to hand out."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = L.SHEET_INVITES
    names = [L.HEAD_NO, L.HEAD_NAME, L.HEAD_TEAM, L.HEAD_ROLE, L.HEAD_CODE]
    names += [L.HEAD_LINK, L.HEAD_ZALO_HOW, L.HEAD_EXPIRES]
    rows = []
    for n, line in enumerate(lines, start=1):
        link = f"https://t.me/{bot_username}?start={line.code}" if bot_username else ""
        role = L.ROLE_NAMES.get("deputy" if line.deputy else line.role, line.role)
        how = f"/thamgia {line.code}"
        if line.zalo_bot:
            how = L.ZALO_HOW.format(bot=line.zalo_bot, code=line.code)
        rows.append([n, line.name, line.team, role, line.code, link, how, line.expires_at.date()])
    table(ws, names, rows)
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=8):
        row[0].number_format = "DD/MM/YYYY"
    ws.column_dimensions["H"].width = 14
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
