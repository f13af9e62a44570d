"""Workbooks the officer fills or hands out: the roster template and the invite-code list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reports import labels as L
from reports.layout import (
    CELL_PADDING,
    MARGIN_BOTTOM,
    MARGIN_FOOTER,
    MARGIN_SIDE,
    MARGIN_TOP,
    NAME_MOST,
    PAGES_TALL,
    PAGES_WIDE,
    PAPER_A4,
    columns,
    one_page_wide,
    row_height,
)

_BOLD = Font(name="Calibri", size=11, bold=True)  # a bare bold font prints as a serif
_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEAD = Alignment(wrap_text=True, horizontal="center", vertical="center")
_WRAP = Alignment(wrap_text=True, vertical="top")
_FIGURE = Alignment(horizontal="center", vertical="top")  # a number or a day


def table(
    ws: Worksheet,
    names: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    most: Sequence[int | None] = (),
    key_columns: int = 1,
) -> None:
    """Bold frozen header with filters, then the rows, set to print: the header wraps, a
    column is as wide as its values up to `most[i]` characters (longer text wraps).

    This is how every openpyxl sheet of ours is written: each text cell stays text, so
    what someone typed ("=HYPERLINK(…)", a name starting with "=") never becomes a formula
    in the officer's spreadsheet.
    """
    widths = columns(names, rows, most=most)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width + CELL_PADDING
    append_text(ws, names)
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = _BOLD, _FILL, _HEAD
    ws.row_dimensions[1].height = row_height(list(zip(names, widths, strict=False)), bold=True)
    for values in rows:
        append_text(ws, values)
        texts = [(v, w) for v, w in zip(values, widths, strict=False) if isinstance(v, str)]
        ws.row_dimensions[ws.max_row].height = row_height(texts)
        for cell, value in zip(ws[ws.max_row], values, strict=False):
            figure = isinstance(value, int | float | date) and not isinstance(value, bool)
            cell.alignment = _FIGURE if figure else _WRAP
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(1, len(rows) + 1)}"
    print_setup(ws, widths, key_columns=key_columns)


def print_setup(ws: Worksheet, widths: Sequence[float], *, key_columns: int = 1) -> None:
    """Print as every sheet of ours (reports.layout): A4 landscape, one page wide when
    legible so (else full size, the first `key_columns` on each page), the header row atop
    each page, the sheet's name and "Trang 3/7" below."""
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.orientation = "landscape"
    ws.page_margins = PageMargins(
        left=MARGIN_SIDE,
        right=MARGIN_SIDE,
        top=MARGIN_TOP,
        bottom=MARGIN_BOTTOM,
        footer=MARGIN_FOOTER,
    )
    if one_page_wide(widths):
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = PAGES_WIDE, PAGES_TALL
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.page_setup.scale = 100
        ws.page_setup.pageOrder = "overThenDown"
        ws.print_title_cols = f"A:{get_column_letter(max(key_columns, 1))}"
    ws.print_title_rows = "1:1"
    footer = ws.oddFooter
    assert footer is not None  # every openpyxl sheet has one
    footer.left.text = "&A"
    footer.center.text = L.PAGE_FOOTER


def append_text(ws: Worksheet, values: Sequence[object]) -> None:
    """Add a row whose strings are text cells (openpyxl takes a string starting with "=" for
    a formula; numbers and dates keep their types)."""
    ws.append(list(values))
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if isinstance(value, str) and cell.data_type == "f":
            cell.data_type = "s"


def write_template(path: Path, *, city: bool = False) -> Path:
    """The roster template: groups, people (with example rows), a role list to pick from.

    `city`: the city's form, a `Phường` column first on both sheets (reports.city_roster)."""
    wb = Workbook()
    groups = wb.active
    assert groups is not None
    groups.title = L.SHEET_GROUPS
    people = wb.create_sheet(L.SHEET_PEOPLE)
    names = [L.HEAD_NAME, L.HEAD_PHONE, L.HEAD_GROUP, L.HEAD_ROLE, L.HEAD_NOTE]
    examples: Sequence[Sequence[object]] = L.TEMPLATE_EXAMPLE_PEOPLE
    if city:
        table(groups, [L.HEAD_WARD_COLUMN, L.HEAD_GROUP_NAME], L.TEMPLATE_CITY_EXAMPLE_GROUPS)
        names, examples = [L.HEAD_WARD_COLUMN, *names], L.TEMPLATE_CITY_EXAMPLE_PEOPLE
    else:
        table(groups, [L.HEAD_GROUP_NAME], [[g] for g in L.TEMPLATE_EXAMPLE_GROUPS])
    table(people, names, examples)
    phone = get_column_letter(names.index(L.HEAD_PHONE) + 1)
    people.column_dimensions[phone].number_format = "@"  # phones as text: Excel keeps the 0
    for row in range(2, len(examples) + 2):
        people[f"{phone}{row}"].number_format = "@"
    roles = ",".join(L.ROLE_NAMES[r] for r in ("leader", "deputy", "member", "officer"))
    choose = DataValidation(type="list", formula1=f'"{roles}"', allow_blank=True)
    role = get_column_letter(names.index(L.HEAD_ROLE) + 1)
    choose.add(f"{role}2:{role}2000")
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

    @property
    def role_name(self) -> str:
        """The role in words: Tổ trưởng, Tổ phó, Thành viên …"""
        return L.ROLE_NAMES.get("deputy" if self.deputy else self.role, self.role)

    @property
    def how(self) -> str:
        """What to send to join: to the Zalo bot when there is one, else to any of ours."""
        if self.zalo_bot:
            return L.ZALO_HOW.format(bot=self.zalo_bot, code=self.code)
        return f"/thamgia {self.code}"

    def link(self, bot_username: str | None) -> str:
        """The Telegram link that opens the bot with the code filled in ("" without a bot)."""
        return f"https://t.me/{bot_username}?start={self.code}" if bot_username else ""


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
        link = line.link(bot_username)
        day = line.expires_at.date()
        rows.append([n, line.name, line.team, line.role_name, line.code, link, line.how, day])
    table(ws, names, rows, most=[None, NAME_MOST, NAME_MOST, None, None, None, 30], key_columns=2)
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=8):
        row[0].number_format = "DD/MM/YYYY"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
