"""Personal data stays in the ward: the city's workbook holds counts and wards' names only.

Four wards (tests/city_wards.py) whose every member's name, phone, roster note and chat
account, every log's place and note, every group's id and title and every model's people
carry a marker of their own. None may appear in any cell of any sheet, nor anywhere in the
file's XML (shared strings, inline strings, document properties), whatever the period; nor
may a team's name (`Chiến dịch` counts each campaign per ward, never per team).
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App
from reports.city_workbook import City, write_city_workbook
from schedules.city import reports_due
from storage.models import Team
from tests.city_wards import MARKERS, QUARTER, add_campaigns, build_city
from tests.conftest import ZONE

# the private word in each marker (a name's given name, a place's, a note's, a title's…)
PRIVATE = re.compile(r"xuyen|Tieude|Diadiem|Noidung|taikhoan|hienthi|riengtu|Giaovien|\d+nhom")
PERIODS = [QUARTER, (date(2026, 9, 1), date(2026, 12, 31)), (date(2026, 10, 5), date(2026, 10, 5))]
# the teams' names (the campaign of Phường Ngô Quyền has a target per team)
TEAMS = re.compile(r"Tổ CNSCĐ (TDP|phường)|TDP \d")


@pytest.fixture
def city(app: App) -> App:
    build_city(app)
    add_campaigns(app)  # every period below has a day of two of them
    return app


def written(app: App, path: Path, start: date, end: date) -> Path:
    with app.uow(read_only=True) as uow:
        today = date(2026, 12, 20)  # every deadline of the quarter over: all sheets filled
        due = reports_due(uow.session, start=start, end=end, today=today, zone=ZONE)
        made_at = datetime(2026, 12, 20, 9, 0, tzinfo=ZONE)
        asked = City("Thành phố Hải Phòng", start, end)
        write_city_workbook(uow.session, asked, path, made_at=made_at, due=due)
    return path


def leaks(text: str) -> list[str]:
    """The markers, or private words of them, found in a text."""
    return [m for m in MARKERS if m in text] + PRIVATE.findall(text) + TEAMS.findall(text)


def test_the_wards_hold_the_markers_the_test_looks_for(city: App):
    # a test that cannot fail is a bug: the markers are in the database to be left out
    assert len(MARKERS) > 40
    assert all(PRIVATE.search(m) or re.fullmatch(r"09\d{9}", m) for m in MARKERS), MARKERS
    with city.uow() as uow:
        teams = [t.name for t in uow.session.exec(select(Team))]
    assert len(teams) == 5 and all(TEAMS.search(name) for name in teams), teams


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_no_cell_of_any_sheet_holds_a_name_note_place_or_chat(
    city: App, tmp_path: Path, start: date, end: date
):
    path = written(city, tmp_path / "thanh-pho.xlsx", start, end)
    cells = [
        (ws.title, cell.coordinate, str(cell.value))
        for ws in load_workbook(path).worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    assert len(cells) > 50
    # a campaign with a target per team: the teams that reached it counted, never named
    assert any(s == "Chiến dịch" and re.fullmatch(r"\d/2 tổ", v) for s, _, v in cells)
    assert [(s, c, v) for s, c, v in cells if leaks(v)] == []


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_no_part_of_the_file_holds_one_either(city: App, tmp_path: Path, start: date, end: date):
    path = written(city, tmp_path / "thanh-pho.xlsx", start, end)
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name).decode("utf-8") for name in book.namelist()}
    assert any("Phường Ngô Quyền" in text for text in parts.values())  # the reading works
    assert {name: leaks(text) for name, text in parts.items() if leaks(text)} == {}
