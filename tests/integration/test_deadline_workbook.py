"""On a deadline's last day at 17:00 the report workbook arrives unasked, once."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from schedules.jobs import TickSummary, tick
from storage.models import AuditEntry, OutboxMessage, Role
from tests.conftest import Clock, Roster

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE)  # type: ignore[misc]


def run_tick(app: App, now: datetime, folder: Path, console: io.StringIO) -> TickSummary:
    sender = ChannelSender(console=console)
    return asyncio.run(
        tick(app.uow, sender, now=now, zone=ZONE, charts_dir=folder, exports_dir=folder)
    )


def files_sent(text: str) -> dict[str, Path]:
    """chat id -> the workbook it got, from the console sender's lines."""
    found = {}
    for chat, path in re.findall(r"\[→ (\w+)\][^\[]*?\[tệp: ([^\]]+\.xlsx)\]", text, re.S):
        found[chat] = Path(path)
    return found


def summary(path: Path) -> dict[str, object]:
    ws = load_workbook(path)["Tổng hợp"]
    return {str(a): b for a, b in ws.iter_rows(min_row=6, max_col=2, values_only=True) if a}


@pytest.fixture
def ward(roster: Roster, clock: Clock) -> None:
    """An officer, two leaders, and a few logs in October and December."""
    roster.joined("Trần Văn Hùng", role=Role.OFFICER, team="Tổ CNSCĐ phường", user="hung")
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    roster.joined("Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2", user="mai")
    clock.set_local(2026, 10, 5, 9, 0)
    assert "Đã ghi" in ConsoleChat(roster.app.engine, user_id="minh").say("vneid 3 sskdt 2")
    clock.set_local(2026, 12, 10, 9, 0)
    assert "Đã ghi" in ConsoleChat(roster.app.engine, user_id="mai").say("vneid 1")
    clock.set_local(2026, 9, 30, 9, 0)  # the quarter before: not in the Q4 workbook
    assert "Đã ghi" in ConsoleChat(roster.app.engine, user_id="mai").say("sskdt 5")


def test_at_17h_on_the_last_day_the_officer_gets_the_wards_workbook_and_leaders_their_teams(
    app: App, ward: None, tmp_path: Path
):
    console = io.StringIO()
    run_tick(app, at(2026, 12, 14, 16, 59), tmp_path, console)  # the day's reminders
    assert files_sent(console.getvalue()) == {}
    result = run_tick(app, at(2026, 12, 14, 17, 0), tmp_path, console)
    assert result.sent == 3
    sent = files_sent(console.getvalue())
    assert set(sent) == {"hung", "minh", "mai"}
    assert "hạn cuối Báo cáo quý" in console.getvalue()
    ward_figures = summary(sent["hung"])
    assert ward_figures["Tổng số lượt hỗ trợ"] == 2  # 05/10 and 10/12, not 30/09
    assert ward_figures["Cài đặt VNeID"] == 4
    assert ward_figures["Sổ sức khỏe điện tử"] == 2
    minh = load_workbook(sent["minh"])
    assert minh["Tổng hợp"]["A2"].value == "Từ ngày 01/10/2026 đến ngày 14/12/2026"
    team_rows = list(minh["Theo tổ"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in team_rows] == ["Tổ CNSCĐ TDP 1", "Tổng cộng"]
    assert summary(sent["mai"])["Cài đặt VNeID"] == 1


def test_the_workbook_goes_once_however_often_the_clock_ticks(app: App, ward: None, tmp_path: Path):
    console = io.StringIO()
    run_tick(app, at(2026, 12, 14, 17, 0), tmp_path, console)
    again = io.StringIO()
    assert run_tick(app, at(2026, 12, 14, 17, 1), tmp_path, again).sent == 0
    assert run_tick(app, at(2026, 12, 14, 22, 0), tmp_path, again).sent == 0
    assert files_sent(again.getvalue()) == {}
    with app.uow() as uow:
        rows = uow.session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "deadline_workbook")
        ).all()
        exports = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert sorted(r.chat_id for r in rows) == ["hung", "mai", "minh"]
    assert {r.status for r in rows} == {"sent"}
    assert len(exports) == 3 and {e.detail["via"] for e in exports} == {"schedule"}


def test_a_team_that_has_submitted_gets_no_workbook_but_the_officer_still_does(
    app: App, ward: None, clock: Clock, tmp_path: Path
):
    clock.set_local(2026, 12, 12, 9, 0)
    assert "Đã ghi nhận" in ConsoleChat(app.engine, user_id="minh").say("/danop")
    console = io.StringIO()
    run_tick(app, at(2026, 12, 14, 17, 0), tmp_path, console)
    assert set(files_sent(console.getvalue())) == {"hung", "mai"}


def test_the_yearly_report_covers_the_year_up_to_its_last_day(app: App, ward: None, tmp_path: Path):
    console = io.StringIO()
    run_tick(app, at(2026, 10, 24, 17, 0), tmp_path, console)
    sent = files_sent(console.getvalue())
    assert "Báo cáo năm" in console.getvalue()
    workbook = load_workbook(sent["hung"])
    assert workbook["Tổng hợp"]["A2"].value == "Từ ngày 01/01/2026 đến ngày 24/10/2026"
    figures = summary(sent["hung"])
    assert figures["Tổng số lượt hỗ trợ"] == 2  # 30/09 and 05/10
    assert figures["Sổ sức khỏe điện tử"] == 7


def test_a_workbook_missed_while_down_is_sent_later_that_day_but_not_the_next(
    app: App, ward: None, tmp_path: Path
):
    console = io.StringIO()
    run_tick(app, at(2026, 12, 14, 21, 30), tmp_path, console)  # down from 16:00 to 21:30
    assert set(files_sent(console.getvalue())) == {"hung", "minh", "mai"}
    other = io.StringIO()
    late = run_tick(app, at(2026, 9, 15, 9, 0), tmp_path, other)  # Q3's 17:00 on 14/09 missed
    assert files_sent(other.getvalue()) == {}
    assert late.sent == other.getvalue().count("📊")  # only Monday's tallies to the leaders
    with app.uow() as uow:
        q3 = uow.session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == "deadline_workbook", OutboxMessage.status == "skipped"
            )
        ).all()
    assert len(q3) == 3


def test_a_one_off_deadline_brings_a_reminder_but_no_workbook(app: App, ward: None, tmp_path: Path):
    assert "Đã thêm hạn" in ConsoleChat(app.engine, user_id="hung").say(
        "/hanchot Đăng ký mô hình 20/04/2027"
    )
    console = io.StringIO()
    run_tick(app, at(2027, 4, 19, 17, 30), tmp_path, console)
    assert "Nhắc hạn Đăng ký mô hình" in console.getvalue()
    assert files_sent(console.getvalue()) == {}
