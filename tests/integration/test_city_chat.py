"""The city's officer in chat: /xuat (the city's workbook), /hanchot (a deadline every ward
reports to the city by), /tiendo (which wards sent it), /thongke, /chiendich, /trogiup,
and a kind word for what only a ward or a team does; a ward's officer marks the ward's
report with /danop and is reminded until then, through the outbox, exactly once.

Two wards (tests/campaign_world.py) and the city's officer, joined with the invite code
`gotungnha city add-officer` prints. The figures expected are counted here by hand from
the world's list of logs, and what is stored is read back with plain SQL.
SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from handlers import texts
from handlers.admin import add_city_officer
from handlers.messages import Incoming
from reports import labels as L
from schedules.jobs import tick
from tests.campaign_world import LOGS, PEOPLE, WARD_A, WARD_B, counted, launch, seed
from tests.conftest import ZONE, Clock, Roster

CITY = "Thành phố Hải Phòng"
CITY_USER = "thanhpho"
OFFICERS = {"canbo-a", "canbo-b"}  # the wards' officers' chats (tests/campaign_world.py)
CITY_WORD = "cho thành phố"  # in every reminder of a city's deadline


def sql(app: App, query: str, **params: Any) -> list[tuple[Any, ...]]:
    with app.db.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query), params)]


def join_city_officer(app: App, *, user: str = CITY_USER, name: str = "Đặng Văn Thành") -> Any:
    """The city's officer put on the roster as the command line does, then joined."""
    with app.uow() as uow:
        _member, invite = add_city_officer(
            uow, city=CITY, name=name, now=app.clock(), invite_days=30
        )
        uow.commit()
    chat = ConsoleChat(app.engine, user_id=user)
    chat.say(f"/thamgia {invite.code}")
    assert "Chào mừng" in chat.say("1")
    return chat


@pytest.fixture
def world(app: App, roster: Roster) -> dict[str, ConsoleChat]:
    chats = seed(app, roster)  # on Monday 23/11/2026
    chats[CITY_USER] = join_city_officer(app)
    return chats


def logs_of(ward: str, first: date, last: date) -> int:
    """The oracle: the logs not undone of a ward's people from `first` to `last`."""
    return sum(
        1
        for log in LOGS
        if not log.deleted and first <= log.day <= last and PEOPLE[log.who].ward == ward
    )


def cells(path: Path, sheet: str) -> list[list[Any]]:
    return [list(row) for row in load_workbook(path)[sheet].iter_rows(values_only=True)]


def member_id(app: App, name: str) -> int:
    [(found,)] = sql(app, "SELECT id FROM member WHERE name = :name", name=name)
    return int(found)


# --- /xuat ------------------------------------------------------------------------------


def test_xuat_sends_the_city_officer_every_wards_figures_of_this_quarter(
    app: App, world: dict[str, ConsoleChat], clock: Clock
):
    clock.set_local(2026, 12, 17, 10, 0)
    [reply] = world[CITY_USER].send("/xuat")
    quarter = (date(2026, 10, 1), date(2026, 12, 17))
    a, b = logs_of(WARD_A, *quarter), logs_of(WARD_B, *quarter)
    assert (a, b) == (5, 1)
    assert reply.text == (
        f"📊 Báo cáo {CITY}, từ 01/10/2026 đến 17/12/2026: 2 phường, {a + b} lượt hỗ trợ. "
        "Tệp Excel ở dưới."
    )
    assert reply.document is not None
    assert reply.document.filename == "bao-cao-thanh-pho-hai-phong-01102026-17122026.xlsx"
    rows = cells(Path(reply.document.path), L.SHEET_CITY_WARDS)
    assert rows[0][0] == L.TITLE_CITY.format(city=CITY)
    header = rows[4]
    by_ward = {r[1]: r[header.index(L.HEAD_LOGS)] for r in rows[5:]}
    assert by_ward == {WARD_A: a, WARD_B: b, L.ROW_TOTAL: a + b}
    [(detail, who)] = sql(
        app, "SELECT detail, member_id FROM audit_entry WHERE action = 'export_city'"
    )
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert who == member_id(app, "Đặng Văn Thành")
    assert (detail["via"], detail["start"], detail["end"]) == (
        "console",
        "2026-10-01",
        "2026-12-17",
    )


def test_xuat_takes_the_period_typed_and_says_what_it_did_not_understand(
    world: dict[str, ConsoleChat], clock: Clock
):
    clock.set_local(2026, 12, 17, 10, 0)
    [reply] = world[CITY_USER].send("/xuat thang")
    assert "từ 01/12/2026 đến 17/12/2026" in reply.text
    assert reply.document is not None
    december = logs_of(WARD_A, date(2026, 12, 1), date(2026, 12, 17))
    rows = cells(Path(reply.document.path), L.SHEET_CITY_WARDS)
    assert [r[rows[4].index(L.HEAD_LOGS)] for r in rows[5:] if r[1] == WARD_A] == [december]
    [wrong] = world[CITY_USER].send("/xuat hôm kia")
    assert wrong.document is None and texts.EXPORT_HOW in wrong.text


def test_xuat_is_sent_only_in_a_private_chat(app: App, world: dict[str, ConsoleChat]):
    replies = app.engine.handle(
        Incoming("console", "-100nhom", CITY_USER, text="/xuat", is_group=True)
    )
    assert [r.text for r in replies] == [texts.CITY_PRIVATE_ONLY]
    assert all(r.document is None for r in replies)
    assert sql(app, "SELECT id FROM audit_entry WHERE action = 'export_city'") == []


def test_a_ward_officer_still_gets_the_wards_own_workbook(world: dict[str, ConsoleChat]):
    [reply] = world["canbo-a"].send("/xuat")
    assert reply.text.startswith(f"📊 Báo cáo {WARD_A},")
    assert reply.document is not None and "an-bien" in reply.document.filename


# --- the city's deadlines: /hanchot, /danop, /tiendo ---------------------------------------


def test_hanchot_by_the_city_adds_a_deadline_every_ward_reports_to_the_city_by(
    app: App, world: dict[str, ConsoleChat]
):
    city = world[CITY_USER]
    assert "đã qua" in city.say("/hanchot Cũ 20/04/2026")
    assert "/hanchot Báo cáo tháng 12 20/12/2026" in city.say("/hanchot Báo cáo tháng 12 20/12")
    answer = city.say("/hanchot Báo cáo tháng 12 20/12/2026")
    assert answer.startswith("🗓️ Đã thêm hạn “Báo cáo tháng 12” cho mọi phường: hạn cuối 19/12/2026")
    rows = sql(
        app,
        "SELECT w.kind, w.name, d.audience, d.repeat, d.before FROM deadline d"
        " JOIN ward w ON w.id = d.ward_id WHERE d.name = 'Báo cáo tháng 12'",
    )
    assert [(k, n, a, r, str(b)) for k, n, a, r, b in rows] == [
        ("city", CITY, "wards", "once", "2026-12-20")
    ]
    # the wards' own calendars are theirs: a ward officer's /hanchot is the ward's, as before
    world["canbo-a"].say("/hanchot Họp tổ 10/12/2026")
    [(kind,)] = sql(
        app,
        "SELECT w.kind FROM deadline d JOIN ward w ON w.id = d.ward_id WHERE d.name = 'Họp tổ'",
    )
    assert kind == "ward"


def test_a_ward_officers_danop_marks_the_wards_report_to_the_city(
    app: App, world: dict[str, ConsoleChat]
):
    officer = world["canbo-a"]
    # no city deadline yet: /danop asks which team, as it always has
    assert officer.say("/danop").startswith("/danop là để tổ trưởng báo tổ mình đã nộp")
    world[CITY_USER].say("/hanchot Báo cáo tháng 12 20/12/2026")
    answer = officer.say("/danop")
    assert answer == (
        f"✅ Đã ghi nhận {WARD_A} đã nộp “Báo cáo tháng 12” cho thành phố (hạn cuối 19/12/2026). "
        "Mình thôi nhắc phường cho hạn này.\n"
        "Nếu bạn nộp thay một tổ, gõ kèm tên tổ, ví dụ: /danop Tổ CNSCĐ TDP 1"
    )
    stored = sql(
        app,
        "SELECT t.name, w.name, s.period, s.submitted_by FROM deadline_submission s"
        " JOIN team t ON t.id = s.team_id JOIN ward w ON w.id = t.ward_id"
        " JOIN deadline d ON d.id = s.deadline_id WHERE d.audience = 'wards'",
    )
    officer_id = member_id(app, PEOPLE["canbo-a"].name)
    assert stored == [("Tổ CNSCĐ phường", WARD_A, "2026-12-20", officer_id)]
    assert "rồi" in officer.say("/danop")
    assert len(sql(app, "SELECT id FROM deadline_submission")) == 1


def test_with_a_team_named_danop_marks_that_teams_report_as_before(
    app: App, world: dict[str, ConsoleChat]
):
    world[CITY_USER].say("/hanchot Báo cáo tháng 12 20/12/2026")
    answer = world["canbo-a"].say("/danop TDP 2")
    assert "Đã ghi nhận Tổ CNSCĐ TDP 2 đã nộp Báo cáo quý (hạn cuối 14/12/2026)" in answer
    assert "Đã ghi nhận Tổ CNSCĐ TDP 1 đã nộp Báo cáo quý" in world["minh"].say("/danop")
    stored = sql(
        app,
        "SELECT t.name, d.name FROM deadline_submission s JOIN team t ON t.id = s.team_id"
        " JOIN deadline d ON d.id = s.deadline_id ORDER BY t.name",
    )
    assert stored == [("Tổ CNSCĐ TDP 1", "Báo cáo quý"), ("Tổ CNSCĐ TDP 2", "Báo cáo quý")]


def test_tiendo_tells_the_city_which_wards_sent_the_soonest_report(
    app: App, world: dict[str, ConsoleChat]
):
    city = world[CITY_USER]
    assert city.say("/tiendo") == texts.CITY_NO_DEADLINE
    city.say("/hanchot Báo cáo năm 2026 15/01/2027")
    city.say("/hanchot Báo cáo tháng 12 20/12/2026")  # added later, due sooner
    assert city.say("/tiendo") == (
        "📋 Báo cáo tháng 12, hạn cuối 19/12/2026: 0/2 phường đã nộp.\n"
        f"Chưa nộp: {WARD_A}, {WARD_B}"
    )
    assert "“Báo cáo tháng 12”" in world["canbo-b"].say("/danop")  # the soonest one
    assert city.say("/tiendo") == (
        f"📋 Báo cáo tháng 12, hạn cuối 19/12/2026: 1/2 phường đã nộp.\nChưa nộp: {WARD_A}"
    )
    world["canbo-a"].say("/danop")
    assert city.say("/tiendo").endswith("2/2 phường đã nộp.\nChưa nộp: không có")
    # the ward's officer sees the ward's own report to the city beside the teams'
    ward = world["canbo-a"].say("/tiendo")
    assert "Báo cáo quý, hạn cuối 14/12/2026: 0/2 tổ đã nộp." in ward
    assert "🏙️ Báo cáo cho thành phố “Báo cáo tháng 12”, hạn cuối 19/12/2026: phường đã nộp." in ward


# --- reminders --------------------------------------------------------------------------


def run_tick(app: App, now: datetime, charts: Path) -> list[tuple[str, str]]:
    """(chat, text) of every message one tick sent, as the console prints them."""
    console = io.StringIO()
    asyncio.run(
        tick(app.uow, ChannelSender(console=console), now=now, zone=ZONE, charts_dir=charts)
    )
    found = []
    for part in console.getvalue().split("[→ ")[1:]:
        chat, _, said = part.partition("]")
        found.append((chat.strip(), said.strip()))
    return found


def city_reminders(sent: list[tuple[str, str]]) -> dict[str, str]:
    return {chat: said for chat, said in sent if CITY_WORD in said and "⏰" in said}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE)  # type: ignore[misc]


def test_a_city_deadline_reminds_each_ward_officer_until_the_ward_sends_it_once_each_day(
    app: App, world: dict[str, ConsoleChat], clock: Clock, tmp_path: Path
):
    world[CITY_USER].say("/hanchot Báo cáo tháng 12 20/12/2026")  # last day 19/12: 12, 16, 18, 19
    assert city_reminders(run_tick(app, at(2026, 12, 12, 7, 59), tmp_path)) == {}
    first = run_tick(app, at(2026, 12, 12, 8, 0), tmp_path)
    reminded = city_reminders(first)
    assert set(reminded) == OFFICERS  # privately, to the wards' officers only
    assert reminded["canbo-a"] == (
        "⏰ Nhắc hạn báo cáo cho thành phố “Báo cáo tháng 12”: hạn cuối 19/12/2026, còn 7 ngày.\n"
        "Nộp xong, cán bộ phường gõ /danop nhé."
    )
    assert not [chat for chat, said in first if CITY_WORD in said and chat not in OFFICERS]
    assert city_reminders(run_tick(app, at(2026, 12, 12, 9, 0), tmp_path)) == {}  # once
    clock.set_local(2026, 12, 14, 9, 0)
    world["canbo-a"].say("/danop")
    later = city_reminders(run_tick(app, at(2026, 12, 16, 8, 0), tmp_path))
    assert set(later) == {"canbo-b"} and "còn 3 ngày" in later["canbo-b"]
    last = city_reminders(run_tick(app, at(2026, 12, 19, 8, 0), tmp_path))
    assert set(last) == {"canbo-b"} and "hôm nay" in last["canbo-b"].lower()
    rows = sql(
        app,
        "SELECT chat_id, status FROM outbox_message WHERE kind = 'deadline_reminder'"
        " AND text LIKE :word ORDER BY due_at, chat_id",
        word=f"%{CITY_WORD}%",
    )
    # 12/12 both; 16/12 and 19/12 Bình Yên only (no tick on 18/12: a reminder goes on its day)
    assert rows == [
        ("canbo-a", "sent"),
        ("canbo-b", "sent"),
        ("canbo-b", "sent"),
        ("canbo-b", "sent"),
    ]


# --- the city's workbook: Chưa nộp đúng hạn -------------------------------------------


def test_the_missing_sheet_lists_the_wards_that_did_not_send_a_city_report_in_time(
    app: App, world: dict[str, ConsoleChat], clock: Clock
):
    world[CITY_USER].say("/hanchot Báo cáo tháng 12 20/12/2026")  # last day 19/12
    clock.set_local(2026, 12, 19, 23, 50)
    world["canbo-a"].say("/danop")  # in time
    [(deadline_id,)] = sql(app, "SELECT id FROM deadline WHERE audience = 'wards'")
    [(team_b,)] = sql(
        app,
        "SELECT t.id FROM team t JOIN ward w ON w.id = t.ward_id"
        " WHERE w.name = :ward AND t.residential_group_id IS NULL",
        ward=WARD_B,
    )
    with app.db.begin() as connection:  # Bình Yên's, ten minutes after its last day
        connection.execute(
            text(
                "INSERT INTO deadline_submission (deadline_id, team_id, period, submitted_at)"
                " VALUES (:d, :t, '2026-12-20', :at)"
            ),
            {"d": deadline_id, "t": team_b, "at": at(2026, 12, 20, 0, 10)},
        )
    clock.set_local(2026, 12, 21, 9, 0)
    [reply] = world[CITY_USER].send("/xuat")
    assert reply.document is not None
    rows = cells(Path(reply.document.path), L.SHEET_CITY_MISSING)
    assert rows[0] == [
        L.HEAD_NO,
        L.HEAD_WARD,
        L.HEAD_DEADLINE,
        L.HEAD_LAST_DAY,
        L.HEAD_TEAMS_SENT,
        L.HEAD_TEAMS_OWING,
    ]
    found = [(r[1], r[2], r[3].date(), r[4], r[5]) for r in rows[1:]]
    # by hand: no team sent the yearly (24/10) or the quarterly (14/12) report; An Biên has
    # two teams, Bình Yên one; Bình Yên sent the city's report after its last day
    assert found == [
        (WARD_A, "Báo cáo năm", date(2026, 10, 24), 0, 2),
        (WARD_B, "Báo cáo năm", date(2026, 10, 24), 0, 1),
        (WARD_A, "Báo cáo quý", date(2026, 12, 14), 0, 2),
        (WARD_B, "Báo cáo quý", date(2026, 12, 14), 0, 1),
        (WARD_B, "Báo cáo tháng 12", date(2026, 12, 19), None, None),
    ]
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4, 5]


# --- /thongke and /chiendich ------------------------------------------------------------


def test_thongke_sums_up_the_city_this_week_and_this_quarter(
    world: dict[str, ConsoleChat], clock: Clock
):
    clock.set_local(2026, 12, 17, 10, 0)  # a Thursday: the week began on 14/12
    week, quarter = (
        (date(2026, 12, 14), date(2026, 12, 17)),
        (date(2026, 10, 1), date(2026, 12, 17)),
    )
    assert (logs_of(WARD_A, *week), logs_of(WARD_B, *week)) == (1, 0)
    assert (logs_of(WARD_A, *quarter), logs_of(WARD_B, *quarter)) == (5, 1)
    answer = world[CITY_USER].say("/thongke")
    assert answer.startswith(f"🏙️ {CITY}: 2 phường\n\nTuần này (từ 14/12/2026):\n")
    week_part, _, quarter_part = answer.partition("Quý này (từ 01/10/2026):")
    assert "• Số lượt hỗ trợ: 1\n" in week_part
    assert f"  1. {WARD_A}: 1\n" in week_part and WARD_B not in week_part
    assert "• Số lượt hỗ trợ: 6\n" in quarter_part
    assert f"  1. {WARD_A}: 5\n  2. {WARD_B}: 1" in quarter_part
    assert answer.endswith("Tuần này 1/2 phường chưa ghi lượt nào.")
    # a ward's officer keeps the ward's /thongke
    assert world["canbo-a"].say("/thongke").startswith(f"📊 {WARD_A}")


def test_chiendich_shows_the_city_each_campaign_across_the_wards(
    world: dict[str, ConsoleChat], clock: Clock, app: App
):
    services = ("sskdt", "vneid")
    launch(app, services=services, target=15)
    clock.set_local(2026, 12, 17, 10, 0)
    a = counted(services, date(2026, 12, 1), date(2026, 12, 17), ward=WARD_A)
    b = counted(services, date(2026, 12, 1), date(2026, 12, 17), ward=WARD_B)
    assert (a, b) == (17, 8)  # An Biên reached the target, Bình Yên not yet
    answer = world[CITY_USER].say("/chiendich")
    assert f"• Các phường: {a + b} lượt; 1/2 phường đạt chỉ tiêu." in answer
    assert f"  1. {WARD_A}: {a}\n  2. {WARD_B}: {b}" in answer
    assert "• Chưa có lượt nào: 0 phường." in answer and "Còn 14 ngày." in answer


# --- help, menu, and what the city does not do -----------------------------------------


def test_the_city_officer_is_welcomed_to_the_city_not_told_how_to_log(app: App):
    chat = ConsoleChat(app.engine, user_id="so-moi")
    with app.uow() as uow:
        _member, invite = add_city_officer(
            uow, city=CITY, name="Lê Thị Sở", now=app.clock(), invite_days=30
        )
        uow.commit()
    chat.say(f"/thamgia {invite.code}")
    welcome = chat.say("1")
    assert welcome.startswith(f"Chào mừng Lê Thị Sở, cán bộ {CITY}!")
    assert "/thongke" in welcome and "/xuat" in welcome
    assert "vneid" not in welcome and "/ghi" not in welcome  # the city logs nothing
    again = chat.say(f"/thamgia {invite.code}")
    assert f"cán bộ {CITY}" in again and "cách ghi" not in again


def test_trogiup_explains_the_city_officers_own_commands(world: dict[str, ConsoleChat]):
    answer = world[CITY_USER].say("/trogiup")
    assert answer == texts.HELP_CITY
    for command in texts.MENUS["city"]:
        assert command == "trogiup" or f"/{command}" in answer, command


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/ghi", texts.CITY_LOGS_NOTHING),
        ("vneid 3", texts.CITY_LOGS_NOTHING),
        ("/huy", texts.CITY_LOGS_NOTHING),
        ("/sua", texts.CITY_LOGS_NOTHING),
        ("/cuatoi", texts.CITY_NOT_HERE),
        ("/lienket", texts.CITY_NOT_HERE),
        ("/danop", texts.CITY_NOT_HERE),
        ("/dangkymohinh", texts.CITY_NOT_HERE),
    ],
)
def test_what_only_a_ward_or_a_team_does_is_kindly_refused_to_the_city(
    app: App, world: dict[str, ConsoleChat], typed: str, expected: str
):
    world[CITY_USER].say("/hanchot Báo cáo tháng 12 20/12/2026")  # a /danop would mark it
    assert world[CITY_USER].say(typed) == expected
    assert sql(app, "SELECT id FROM deadline_submission") == []
    city_logs = sql(
        app,
        "SELECT COUNT(*) FROM support_log l JOIN member m ON m.id = l.member_id"
        " WHERE m.role = 'city'",
    )
    assert city_logs == [(0,)]


def test_the_city_officer_keeps_the_account_commands_everyone_has(
    world: dict[str, ConsoleChat],
):
    city = world[CITY_USER]
    mine = city.say("/dulieucuatoi")
    assert "Đặng Văn Thành" in mine and "cán bộ thành phố" in mine
    assert city.say("/web") == texts.WEB_OFF_HERE.format(user=CITY_USER)
    assert city.say("/chiendich") == texts.CAMPAIGN_NONE
