"""What the city's officer reads in chat holds counts and wards' names, nothing of a person.

Four wards (tests/city_wards.py) whose every member's name, phone, roster note and chat
account, every log's place and note, every group's id and title carry a marker of their
own; a ward's officer's name is one of them too (the city is told which wards sent a
report, never who sent it). The city's officer joins with the invite code of
`gotungnha city add-officer` and asks for everything they may: /thongke, /hanchot,
/tiendo, /xuat (every cell and every XML part of the file), /chiendich, /trogiup, /web
(its answer; the page is the dashboard's). No marker, and no team's name, may appear.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config, ServerConfig
from handlers.admin import add_city_officer
from handlers.messages import Reply
from tests.city_wards import AN_LAO, CAT_HAI, LE_CHAN, MARKERS, NGO_QUYEN, add_campaigns
from tests.city_wards import build_city as build_wards
from tests.conftest import Clock
from tests.integration.test_city_workbook_privacy import leaks

CITY = "Thành phố Hải Phòng"
WARDS = [CAT_HAI, LE_CHAN, NGO_QUYEN, AN_LAO]


@pytest.fixture
def city(config: Config, clock: Clock) -> Iterator[App]:
    """The four wards, their campaigns, and the dashboard on (so /web gives a link)."""
    server = ServerConfig(public_url="https://bot.thanhpho.example.vn")
    app = build_app(replace(config, server=server), clock=clock)
    build_wards(app)
    add_campaigns(app)
    yield app
    app.db.dispose()


@pytest.fixture
def officer(city: App) -> ConsoleChat:
    with city.uow() as uow:
        _member, invite = add_city_officer(
            uow, city=CITY, name="Đặng Văn Thành", now=city.clock(), invite_days=30
        )
        uow.commit()
    chat = ConsoleChat(city.engine, user_id="thanhpho")
    chat.say(f"/thamgia {invite.code}")
    assert "Chào mừng" in chat.say("1")
    return chat


def ngo_quyen_sends_the_citys_report(app: App) -> None:
    """Ngô Quyền's officer marks the ward's report sent, as /danop stores it."""
    query = text(
        "INSERT INTO deadline_submission (deadline_id, team_id, period, submitted_at,"
        " submitted_by)"
        " SELECT d.id, t.id, '2027-01-20', :at, m.id FROM deadline d, team t"
        " JOIN ward w ON w.id = t.ward_id JOIN member m ON m.team_id = t.id"
        " WHERE d.audience = 'wards' AND w.name = :ward AND t.residential_group_id IS NULL"
        " AND m.role = 'officer'"
    )
    with app.db.begin() as connection:
        done = connection.execute(query, {"at": app.clock(), "ward": NGO_QUYEN})
        assert done.rowcount == 1


def everything_the_city_reads(app: App, officer: ConsoleChat, tmp_path: Path) -> dict[str, str]:
    """Each command's answer, and each cell and XML part of the city's workbook."""
    read: dict[str, str] = {}
    for typed in ("/trogiup", "/thongke", "/hanchot Báo cáo tháng 1 20/01/2027"):
        read[typed] = officer.say(typed)
    ngo_quyen_sends_the_citys_report(app)
    for typed in ("/tiendo", "/chiendich", "/web", "/xuat", "/xuat 01/09/2026-31/12/2026"):
        replies: list[Reply] = officer.send(typed)
        read[typed] = "\n".join(r.text for r in replies)
        for n, reply in enumerate(r for r in replies if r.document is not None):
            assert reply.document is not None
            path = Path(reply.document.path)
            read[f"{typed} file name {n}"] = reply.document.filename
            book = load_workbook(path)
            read[f"{typed} cells {n}"] = "\n".join(
                str(cell.value)
                for ws in book.worksheets
                for row in ws.iter_rows()
                for cell in row
                if cell.value is not None
            )
            with zipfile.ZipFile(path) as parts:
                for name in parts.namelist():
                    read[f"{typed} {name}"] = parts.read(name).decode("utf-8")
    return read


def test_the_city_officer_reads_counts_and_wards_names_and_no_ones_data(
    city: App, officer: ConsoleChat, tmp_path: Path
):
    read = everything_the_city_reads(city, officer, tmp_path)
    assert len(MARKERS) > 40 and any("Officerxuyen" in m for m in MARKERS)
    # the reading works: the answers name the wards and count what is there
    assert "1/4 phường đã nộp" in read["/tiendo"]
    assert all(ward in read["/tiendo"] for ward in (CAT_HAI, LE_CHAN, AN_LAO))
    assert "Phường Ngô Quyền" in read["/thongke"] and "Phường Ngô Quyền" in read["/chiendich"]
    assert "https://bot.thanhpho.example.vn/web/vao/" in read["/web"]
    assert sum(1 for key in read if " cells " in key) == 2
    assert all(ward in read["/xuat cells 0"] for ward in WARDS)
    assert "Báo cáo chuyên đề" in read["/xuat cells 0"]  # the Chưa nộp đúng hạn sheet is read too
    assert {key: leaks(said) for key, said in read.items() if leaks(said)} == {}


def test_the_markers_would_be_found_if_an_answer_held_one(city: App):
    # the check itself can fail: a ward's officer's /thongke names the ward's teams, and a
    # ward's workbook names its members
    assert leaks("Tổ CNSCĐ TDP 1: 3 lượt")
    assert leaks(f"Thành viên: {next(m for m in MARKERS if 'xuyen' in m)}")
