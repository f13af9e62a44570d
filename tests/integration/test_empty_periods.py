"""Periods with nothing logged, and the calendar's edges in Hải Phòng (SPEC §5, §6).

A ward whose teams logged nothing in a period still gets a workbook that opens, with zeros
where the figures go, and tallies that say nothing was logged. Around midnight, month end
and year end (Asia/Ho_Chi_Minh, UTC+7: local midnight is 17:00 UTC the day before) a log
counts on the local day it was typed, weekly tallies go on Monday 08:00 local about the
Monday-to-Sunday week before, and reminders go at 08:00 local on each lead day.

The oracle is the test's own calendar arithmetic: every date below was worked out by hand.
Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from sqlalchemy import text
from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from handlers.catalogue import DEFAULT_SERVICES
from handlers.messages import Incoming
from schedules.jobs import tick
from storage import deadlines
from storage.models import Role, Ward
from tests.conftest import Clock, Roster

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
WARD = "Phường Nhị Chiểu"
TEAMS = ["Tổ CNSCĐ TDP 1", "Tổ CNSCĐ TDP 2", "Tổ CNSCĐ TDP 3"]
SHEETS = ["Tổng hợp", "Theo tổ", "Theo tuần", "Chi tiết", "Thành viên"]
NAMES = {s.code: s.name for s in DEFAULT_SERVICES}


def at(*args: int) -> datetime:
    """A wall-clock time in Hải Phòng."""
    return datetime(*args, tzinfo=ZONE)  # type: ignore[misc]


@dataclass
class People:
    officer: ConsoleChat
    minh: ConsoleChat  # leader, TDP 1
    lan: ConsoleChat  # member, TDP 1
    mai: ConsoleChat  # leader, TDP 2
    binh: ConsoleChat  # leader, TDP 3: never logs


@pytest.fixture
def people(roster: Roster) -> People:
    """Three teams of a ward and its officer, all joined; nobody has logged yet."""
    return People(
        officer=roster.joined("Vũ Thị Thu", role=Role.OFFICER, team="Tổ CNSCĐ phường", user="thu"),
        minh=roster.joined("Phạm Văn Minh", role=Role.LEADER, team=TEAMS[0], user="minh"),
        lan=roster.joined("Nguyễn Thị Lan", team=TEAMS[0], user="lan"),
        mai=roster.joined("Vũ Thị Mai", role=Role.LEADER, team=TEAMS[1], user="mai"),
        binh=roster.joined("Ngô Văn Bình", role=Role.LEADER, team=TEAMS[2], user="binh"),
    )


def logged(chat: ConsoleChat, message: str) -> None:
    answer = chat.say(message)
    assert "Đã ghi" in answer, answer


def exported(chat: ConsoleChat, period: str) -> tuple[str, Workbook]:
    """/xuat for a period: the answer's text and the workbook, opened with openpyxl."""
    [reply] = chat.send(f"/xuat {period}")
    assert reply.document is not None, reply.text
    return reply.text, load_workbook(reply.document.path)


def rows(wb: Workbook, sheet: str, header_row: int = 1) -> list[list[Any]]:
    """A sheet's rows below its header."""
    return [list(r) for r in wb[sheet].iter_rows(min_row=header_row + 1, values_only=True)]


def summary(wb: Workbook) -> dict[str, Any]:
    """`Tổng hợp` as {label: value}."""
    return {r[0]: r[1] for r in rows(wb, "Tổng hợp", header_row=5) if r and r[0] is not None}


def no_error_cells(wb: Workbook) -> None:
    """No cell holds an Excel error (#DIV/0!, #VALUE!…) or a formula that could give one."""
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not value.startswith(("#", "=")), (ws.title, value)


def run_tick(app: App, now: datetime, tmp_path: Path) -> str:
    """One tick of the scheduler at `now`; what it sent, as the console prints it."""
    console = io.StringIO()
    sender = ChannelSender(console=console)
    asyncio.run(tick(app.uow, sender, now=now, zone=ZONE, charts_dir=tmp_path / "charts"))
    return console.getvalue()


def sent_to(printed: str) -> dict[str, list[str]]:
    """What each chat was sent: chat id -> its messages."""
    found: dict[str, list[str]] = {}
    for part in printed.split("[→ ")[1:]:
        chat, _, message = part.partition("]")
        found.setdefault(chat, []).append(message.strip())
    return found


def stored_days(app: App) -> list[tuple[str, str, int]]:
    """(day, service, count) of every live log item, by plain SQL."""
    with app.db.connect() as connection:
        found = connection.execute(
            text(
                "SELECT l.day, s.code, i.count FROM support_log l "
                "JOIN support_log_item i ON i.log_id = l.id JOIN service s ON s.id = i.service_id "
                "WHERE l.deleted_at IS NULL ORDER BY l.day, s.code"
            )
        ).all()
    return [(str(day), code, count) for day, code, count in found]


# --- a period with no logs ----------------------------------------------------------------


@pytest.fixture
def october_only(app: App, people: People, clock: Clock) -> People:
    """Two logs on Tuesday 20/10/2026, none since; the clock is back on Monday 23/11."""
    clock.set_local(2026, 10, 20, 9, 0)
    logged(people.lan, "vneid 3 2 hộ")
    logged(people.mai, "sskdt 2")
    clock.set_local(2026, 11, 23, 10, 0)
    return people


def test_the_ward_workbook_of_a_month_without_logs_opens_with_zeros(october_only: People):
    said, wb = exported(october_only.officer, "thang")
    assert (
        said == f"📊 Báo cáo {WARD}, từ 01/11/2026 đến 23/11/2026: 0 lượt hỗ trợ. Tệp Excel ở dưới."
    )
    assert wb.sheetnames == SHEETS
    no_error_cells(wb)
    figures = summary(wb)
    assert figures["Số Tổ CNSCĐ đã thành lập"] == len(TEAMS)
    assert figures["Tỷ lệ tổ dân phố có Tổ CNSCĐ"] == 1.0
    assert figures["Tổng số lượt hỗ trợ"] == 0
    assert figures["Số hộ gia đình được hỗ trợ"] == 0
    for name in NAMES.values():
        assert figures[name] == 0, name
    teams = rows(wb, "Theo tổ")
    assert {r[1] for r in teams} >= set(TEAMS) | {"Tổng cộng"}
    for r in teams:
        assert all(v == 0 for v in r[2:]), r  # logs, each service, total, households, people
    # the weeks of 01/11–23/11: Mondays 26/10, 02/11, 09/11, 16/11 and 23/11, all at zero
    weeks = rows(wb, "Theo tuần")
    assert [r[0].date() for r in weeks] == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
    ]
    assert [r[1].date() for r in weeks][-1] == date(2026, 11, 29)
    assert all(v == 0 for r in weeks for v in r[2:])
    assert [r for r in rows(wb, "Chi tiết") if any(v is not None for v in r)] == []
    members = rows(wb, "Thành viên")
    assert {r[1] for r in members} >= {"Phạm Văn Minh", "Nguyễn Thị Lan", "Ngô Văn Bình"}
    assert all(r[-1] == 0 for r in members if r[1]), members


def test_the_month_before_has_the_logs_the_empty_month_lacks(october_only: People):
    """The same workbook counts what there is: the zeros above are the month's, not fixed."""
    said, wb = exported(october_only.officer, "thang truoc")
    assert "từ 01/10/2026 đến 31/10/2026: 2 lượt hỗ trợ" in said
    figures = summary(wb)
    assert figures["Tổng số lượt hỗ trợ"] == 2
    assert (figures[NAMES["vneid"]], figures[NAMES["sskdt"]]) == (3, 2)
    assert figures["Số hộ gia đình được hỗ trợ"] == 2
    assert len([r for r in rows(wb, "Chi tiết") if r[0] is not None]) == 2


def test_the_workbook_of_a_team_that_never_logged_opens_with_zeros(people: People):
    said, wb = exported(people.binh, "")  # this quarter: 01/10–23/11/2026
    assert said == (
        "📊 Báo cáo Tổ CNSCĐ TDP 3, từ 01/10/2026 đến 23/11/2026: 0 lượt hỗ trợ. Tệp Excel ở dưới."
    )
    no_error_cells(wb)
    assert summary(wb)["Tổng số lượt hỗ trợ"] == 0
    [team, total] = rows(wb, "Theo tổ")
    assert team[1] == TEAMS[2] and total[1] == "Tổng cộng"
    assert all(v == 0 for v in [*team[2:], *total[2:]])
    assert len(rows(wb, "Theo tuần")) == 9  # Mondays 28/09 … 23/11
    assert all(v == 0 for r in rows(wb, "Theo tuần") for v in r[2:])


def test_stats_of_a_week_and_month_without_logs_say_there_are_none(october_only: People):
    answer = october_only.minh.say("/thongke")
    assert "Tuần này (từ 23/11/2026):\n• Chưa có lượt nào." in answer
    assert "Tháng 11/2026:\n• Chưa có lượt nào." in answer


def test_the_weekly_tally_of_a_week_without_logs_says_so_plainly(
    app: App, people: People, clock: Clock, tmp_path: Path
):
    clock.set_local(2026, 11, 12, 9, 0)  # Thursday of the week before last
    logged(people.lan, "vneid 2")
    clock.set_local(2026, 11, 23, 7, 0)
    group = Incoming(
        "console", "nhom-phuong", "thu", text="/lienket", message_key="g", is_group=True
    )
    assert "Đã liên kết" in app.engine.handle(group)[0].text  # the ward's group
    assert run_tick(app, at(2026, 11, 23, 7, 59), tmp_path) == ""
    sent = sent_to(run_tick(app, at(2026, 11, 23, 8, 0), tmp_path))
    # no team has a linked group: each team's tally goes to its leader
    assert set(sent) == {"minh", "mai", "binh", "nhom-phuong"}
    week = "tuần 16/11/2026–22/11/2026"
    [minh] = sent["minh"]
    assert minh.startswith(f"📊 {TEAMS[0]}, {week}:")
    assert "• Số lượt hỗ trợ: 0 (-1 so với tuần trước)" in minh.splitlines()
    assert "• Thành viên đã ghi: 0/2" in minh.splitlines()
    assert "Tuần này mong gặp lại: Nguyễn Thị Lan, Phạm Văn Minh." in minh
    for chat in ("mai", "binh"):
        [tally] = sent[chat]
        assert "• Số lượt hỗ trợ: 0 (tuần trước chưa có lượt nào)" in tally.splitlines()
        assert "• Thành viên đã ghi: 0/1" in tally.splitlines()
    for [tally] in (sent["minh"], sent["mai"], sent["binh"]):
        assert not any(name in tally for name in NAMES.values())  # no service at zero
        assert "[ảnh:" not in tally  # and no chart of nothing
    [ward] = sent["nhom-phuong"]
    assert ward.splitlines() == [
        f"📊 {WARD}, {week}, các tổ theo số lượt hỗ trợ:",
        f"1. {TEAMS[0]}: 0",
        f"2. {TEAMS[1]}: 0",
        f"3. {TEAMS[2]}: 0",
    ]


# --- midnight, month end, year end --------------------------------------------------------


def test_logs_at_23_59_on_31_12_and_00_01_on_01_01_count_in_their_own_year(
    app: App, people: People, clock: Clock, tmp_path: Path
):
    clock.set_local(2026, 12, 31, 23, 59)  # 16:59 UTC
    logged(people.lan, "vneid 1")
    clock.set_local(2027, 1, 1, 0, 1)  # 17:01 UTC on 31/12: still 2026 in UTC
    logged(people.lan, "sskdt 2")
    assert stored_days(app) == [("2026-12-31", "vneid", 1), ("2027-01-01", "sskdt", 2)]

    clock.set_local(2027, 1, 1, 0, 2)  # Friday 01/01: its week began on Monday 28/12/2026
    stats = people.minh.say("/thongke")
    week, month = stats.split("\n\n")[1:3]
    assert week.splitlines()[:2] == ["Tuần này (từ 28/12/2026):", "• Số lượt hỗ trợ: 2"]
    assert month.splitlines()[:2] == ["Tháng 01/2027:", "• Số lượt hỗ trợ: 1"]
    assert f"• {NAMES['sskdt']}: 2" in month and NAMES["vneid"] not in month

    said, last_year = exported(people.officer, "nam truoc")
    assert "từ 01/01/2026 đến 31/12/2026: 1 lượt hỗ trợ" in said
    assert (summary(last_year)[NAMES["vneid"]], summary(last_year)[NAMES["sskdt"]]) == (1, 0)
    said, this_year = exported(people.officer, "nam")
    assert "từ 01/01/2027 đến 01/01/2027: 1 lượt hỗ trợ" in said
    assert (summary(this_year)[NAMES["vneid"]], summary(this_year)[NAMES["sskdt"]]) == (0, 2)

    # the tally of Monday 04/01/2027 is about 28/12/2026–03/01/2027: both logs
    [tally] = sent_to(run_tick(app, at(2027, 1, 4, 8, 0), tmp_path))["minh"]
    assert tally.startswith(f"📊 {TEAMS[0]}, tuần 28/12/2026–03/01/2027:")
    assert "• Số lượt hỗ trợ: 2 (tuần trước chưa có lượt nào)" in tally
    assert f"• {NAMES['vneid']}: 1" in tally and f"• {NAMES['sskdt']}: 2" in tally


@pytest.mark.parametrize(
    ("sunday", "monday", "week_before", "week_after"),
    [  # the night a month ends, and a night a year ends (01/01/2029 is a Monday)
        ((2027, 1, 31), (2027, 2, 1), "25/01/2027–31/01/2027", "01/02/2027–07/02/2027"),
        ((2028, 12, 31), (2029, 1, 1), "25/12/2028–31/12/2028", "01/01/2029–07/01/2029"),
    ],
    ids=["month-end", "year-end"],
)
def test_a_sunday_night_log_and_a_monday_00_01_log_fall_in_two_weekly_tallies(
    app: App,
    people: People,
    clock: Clock,
    tmp_path: Path,
    sunday: tuple[int, int, int],
    monday: tuple[int, int, int],
    week_before: str,
    week_after: str,
):
    clock.set_local(*sunday, 23, 59)
    logged(people.lan, "vneid 1")
    clock.set_local(*monday, 0, 1)
    logged(people.lan, "sskdt 2")
    first = date(*sunday).isoformat(), date(*monday).isoformat()
    assert stored_days(app) == [(first[0], "vneid", 1), (first[1], "sskdt", 2)]

    clock.set_local(*monday, 0, 2)
    stats = people.lan.say("/cuatoi")
    assert f"Tuần này (từ {date(*monday):%d/%m/%Y}):\n• Số lượt hỗ trợ: 1" in stats
    assert f"Tháng {date(*monday):%m/%Y}:\n• Số lượt hỗ trợ: 1" in stats

    # Monday 00:00 and 07:59 local: nothing yet; 08:00: the week that ended at midnight
    assert run_tick(app, at(*monday, 0, 0), tmp_path) == ""
    assert run_tick(app, at(*monday, 7, 59), tmp_path) == ""
    [tally] = sent_to(run_tick(app, at(*monday, 8, 0), tmp_path))["minh"]
    assert tally.startswith(f"📊 {TEAMS[0]}, tuần {week_before}:")
    assert "• Số lượt hỗ trợ: 1 (tuần trước chưa có lượt nào)" in tally
    assert f"• {NAMES['vneid']}: 1" in tally and NAMES["sskdt"] not in tally
    # a week on, the Monday 00:01 log is the week's
    next_monday = date.fromordinal(date(*monday).toordinal() + 7)
    later = sent_to(run_tick(app, at(*next_monday.timetuple()[:3], 8, 0), tmp_path))
    [tally] = later["minh"]
    assert tally.startswith(f"📊 {TEAMS[0]}, tuần {week_after}:")
    assert "• Số lượt hỗ trợ: 1 (+0 so với tuần trước)" in tally
    assert f"• {NAMES['sskdt']}: 2" in tally and NAMES["vneid"] not in tally


def _ward_id(app: App) -> int:
    with app.uow() as uow:
        ward = uow.session.exec(select(Ward).where(Ward.name == WARD)).one()
        assert ward.id is not None
        return ward.id


def test_a_deadline_on_01_01_is_reminded_across_the_new_year_at_08_00_local(
    app: App, roster: Roster, clock: Clock, tmp_path: Path
):
    clock.set_local(2026, 12, 20, 9, 0)
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    with app.uow() as uow:  # "trước ngày 02/01/2027": the last day is 01/01/2027
        deadlines.add_deadline(
            uow.session,
            ward_id=_ward_id(app),
            name="Danh sách hộ",
            repeat="once",
            before=date(2027, 1, 2),
            lead_days=[7, 3, 1, 0],
            now=clock(),
        )
        uow.commit()

    def reminder(*when: int) -> str | None:
        said = [m for m in sent_to(run_tick(app, at(*when), tmp_path)).get("minh", [])]
        found = [m for m in said if "Danh sách hộ" in m]
        assert len(found) <= 1, found
        return found[0].splitlines()[0] if found else None

    # 7, 3, 1 and 0 days before 01/01/2027: 25/12, 29/12, 31/12, 01/01
    assert reminder(2026, 12, 25, 8, 0) == (
        "⏰ Nhắc hạn Danh sách hộ: hạn cuối 01/01/2027, còn 7 ngày."
    )
    assert reminder(2026, 12, 26, 8, 0) is None
    assert reminder(2026, 12, 29, 8, 0) == (
        "⏰ Nhắc hạn Danh sách hộ: hạn cuối 01/01/2027, còn 3 ngày."
    )
    assert reminder(2026, 12, 30, 8, 0) is None
    assert reminder(2026, 12, 31, 7, 59) is None
    assert reminder(2026, 12, 31, 8, 0) == (
        "⏰ Nhắc hạn Danh sách hộ: hạn cuối 01/01/2027, còn 1 ngày."
    )
    assert reminder(2027, 1, 1, 0, 0) is None  # midnight: the last day, but not 08:00 yet
    assert reminder(2027, 1, 1, 7, 59) is None
    assert reminder(2027, 1, 1, 8, 0) == (
        "⏰ Nhắc hạn Danh sách hộ: hạn cuối 01/01/2027, hôm nay là ngày cuối."
    )
    assert reminder(2027, 1, 1, 8, 1) is None  # once
    assert reminder(2027, 1, 2, 8, 0) is None  # and not after the last day


def test_a_yearly_deadline_before_01_01_falls_on_31_12_of_each_year(
    app: App, roster: Roster, clock: Clock, tmp_path: Path
):
    clock.set_local(2026, 12, 20, 9, 0)
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    with app.uow() as uow:
        deadlines.add_deadline(
            uow.session,
            ward_id=_ward_id(app),
            name="Tổng kết năm",
            repeat="yearly",
            before=date(2026, 1, 1),
            lead_days=[0],
            now=clock(),
        )
        uow.commit()

    def reminders(*when: int) -> list[str]:
        said = sent_to(run_tick(app, at(*when), tmp_path)).get("minh", [])
        return [m.splitlines()[0] for m in said if "Tổng kết năm" in m]

    assert reminders(2026, 12, 30, 8, 0) == []
    assert reminders(2026, 12, 31, 8, 0) == [
        "⏰ Nhắc hạn Tổng kết năm: hạn cuối 31/12/2026, hôm nay là ngày cuối."
    ]
    assert reminders(2027, 1, 1, 8, 0) == []
    clock.set_local(2027, 12, 20, 9, 0)
    assert reminders(2027, 12, 31, 8, 0) == [
        "⏰ Nhắc hạn Tổng kết năm: hạn cuối 31/12/2027, hôm nay là ngày cuối."
    ]
