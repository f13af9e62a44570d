"""Scheduled sends go out exactly once: ticks twice, two workers, a crash, a restart."""

from __future__ import annotations

import asyncio
import io
import tempfile
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from bot.config import Config, DatabaseConfig
from handlers import texts
from schedules.jobs import TickSummary, tick
from storage import outbox
from storage.logs import add_log
from storage.models import (
    ChatIdentity,
    GroupChat,
    Member,
    OutboxMessage,
    Role,
    SupportLog,
    Team,
)
from storage.targets import set_target
from tests.conftest import Clock, Roster, _empty_postgres

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE)  # type: ignore[misc]


CHARTS = Path(tempfile.mkdtemp(prefix="gotungnha-charts-"))


def run_tick(app: App, now: datetime, console: io.StringIO | None = None) -> TickSummary:
    sender = ChannelSender(console=console or io.StringIO())
    return asyncio.run(tick(app.uow, sender, now=now, zone=ZONE, charts_dir=CHARTS))


@pytest.fixture
def leaders(roster: Roster) -> None:
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    roster.joined("Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2", user="mai")


def test_a_reminder_goes_once_however_often_the_clock_ticks(app: App, leaders: None):
    console = io.StringIO()
    assert run_tick(app, at(2026, 6, 7, 7, 59), console) == TickSummary()
    assert run_tick(app, at(2026, 6, 7, 8, 0), console) == TickSummary(sent=2)
    assert run_tick(app, at(2026, 6, 7, 8, 1), console) == TickSummary()
    assert run_tick(app, at(2026, 6, 7, 20, 0), console) == TickSummary()
    text = console.getvalue()
    assert text.count("⏰ Nhắc hạn Báo cáo quý: hạn cuối 14/06/2026, còn 7 ngày.") == 2
    assert "[→ minh]" in text and "[→ mai]" in text


def test_the_last_day_says_so(app: App, leaders: None):
    console = io.StringIO()
    run_tick(app, at(2026, 10, 24, 8, 30), console)
    assert "Báo cáo năm: hạn cuối 24/10/2026, hôm nay là ngày cuối." in console.getvalue()


def test_danop_stops_the_remaining_reminders_of_that_team(
    app: App, roster: Roster, clock: Clock, leaders: None
):
    run_tick(app, at(2026, 6, 7, 8, 0))
    clock.set_local(2026, 6, 9, 10, 0)
    assert "Đã ghi nhận" in ConsoleChat(app.engine, user_id="minh").say("/danop")
    console = io.StringIO()
    assert run_tick(app, at(2026, 6, 11, 8, 0), console) == TickSummary(sent=1)
    assert "[→ mai]" in console.getvalue() and "[→ minh]" not in console.getvalue()


def test_a_reminder_missed_while_down_is_caught_up_the_same_day_else_skipped(
    app: App, leaders: None
):
    assert run_tick(app, at(2026, 6, 7, 16, 0)) == TickSummary(sent=2)  # down until 16:00
    summary = run_tick(app, at(2026, 6, 12, 9, 0))  # the 11/06 reminders were missed
    assert summary == TickSummary(skipped=2)
    assert run_tick(app, at(2026, 6, 12, 9, 5)) == TickSummary()
    with app.uow() as uow:
        statuses = sorted(r.status for r in uow.session.exec(select(OutboxMessage)))
    assert statuses == ["sent", "sent", "skipped", "skipped"]


def test_a_crash_between_claim_and_send_never_sends_twice(app: App, leaders: None):
    first = run_tick(app, at(2026, 6, 7, 8, 0))
    assert first.sent == 2
    with app.uow() as uow:  # a process claimed the 11/06 reminder for minh and died
        outbox.claim(
            uow.session,
            key="reminder:1:2026-Q2:2026-06-11:console:minh",
            kind="deadline_reminder",
            platform="console",
            chat_id="minh",
            text="",
            due_at=at(2026, 6, 11, 8, 0),
            now=at(2026, 6, 11, 8, 0),
        )
        uow.commit()
    console = io.StringIO()
    assert run_tick(app, at(2026, 6, 11, 8, 1), console) == TickSummary(sent=1)
    assert "[→ minh]" not in console.getvalue()


def test_a_send_whose_process_was_killed_goes_once_five_minutes_later(app: App, leaders: None):
    run_tick(app, at(2026, 6, 7, 8, 0))
    with app.uow() as uow:  # killed (kill -9) after claiming minh's reminder, before sending
        outbox.claim(
            uow.session,
            key="reminder:1:2026-Q2:2026-06-11:console:minh",
            kind="deadline_reminder",
            platform="console",
            chat_id="minh",
            text="",
            due_at=at(2026, 6, 11, 8, 0),
            now=at(2026, 6, 11, 8, 0),
        )
        uow.commit()
    assert "[→ minh]" not in _ticked(app, at(2026, 6, 11, 8, 4))  # the claim may be in flight
    assert "[→ minh]" in _ticked(app, at(2026, 6, 11, 8, 6))  # now it is stale: sent
    assert "[→ minh]" not in _ticked(app, at(2026, 6, 11, 8, 12))  # and never again
    with app.uow() as uow:
        row = uow.session.exec(
            select(OutboxMessage).where(
                OutboxMessage.chat_id == "minh", OutboxMessage.due_at == at(2026, 6, 11, 8, 0)
            )
        ).one()
    assert (row.status, row.attempts) == ("sent", 2)


def _ticked(app: App, now: datetime) -> str:
    console = io.StringIO()
    run_tick(app, now, console)
    return console.getvalue()


def test_a_failed_send_is_tried_again_on_later_ticks_three_times_in_all(app: App, roster: Roster):
    roster.add("Lê Văn Tư", role=Role.LEADER)
    with app.uow() as uow:  # a leader on a platform this deployment does not run
        tu = uow.session.exec(select(Member).where(Member.name == "Lê Văn Tư")).one()
        uow.session.add(
            ChatIdentity(
                member_id=tu.id, platform="telegram", user_id="42", linked_at=at(2026, 6, 1, 0, 0)
            )
        )
        uow.commit()
    results = [run_tick(app, at(2026, 6, 7, 8, minute)) for minute in range(5)]
    assert [r.failed for r in results] == [1, 1, 1, 0, 0]
    with app.uow() as uow:
        [row] = uow.session.exec(select(OutboxMessage)).all()
    assert (row.status, row.attempts, row.error) == ("failed", 3, "telegram is not configured")


def test_two_workers_ticking_at_once_on_postgresql_send_each_reminder_once(
    postgres_url: str, clock: Clock
):
    _empty_postgres(postgres_url)
    config = replace(Config(), database=DatabaseConfig(url=postgres_url))
    first, second = build_app(config, clock=clock), build_app(config, clock=clock)
    roster = Roster(first)
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    roster.joined("Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2", user="mai")
    consoles = [io.StringIO(), io.StringIO()]
    barrier = threading.Barrier(2)
    results: list[TickSummary] = []

    def worker(which: App, console: io.StringIO) -> None:
        barrier.wait()
        for minute in range(3):
            results.append(run_tick(which, at(2026, 6, 7, 8, minute), console))

    threads = [
        threading.Thread(target=worker, args=pair)
        for pair in zip((first, second), consoles, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    first.db.dispose()
    second.db.dispose()
    assert sum(r.sent for r in results) == 2
    sent = consoles[0].getvalue() + consoles[1].getvalue()
    assert sent.count("[→ minh]") == 1 and sent.count("[→ mai]") == 1


def test_the_weekly_tally_gives_last_weeks_totals_to_the_team_group(app: App, roster: Roster):
    roster.joined("Nguyễn Thị Lan", user="lan")
    roster.joined("Lê Văn Tám", user="tam")
    with app.uow() as uow:
        team = uow.session.exec(select(Team).where(Team.name == "Tổ CNSCĐ TDP 1")).one()
        member = uow.session.exec(select(Member).where(Member.name == "Nguyễn Thị Lan")).one()
        uow.session.add(
            GroupChat(
                platform="console",
                chat_id="nhom-1",
                ward_id=team.ward_id,
                team_id=team.id,
                title="Tổ 1",
            )
        )
        for day, items in (
            (date(2026, 11, 16), {"vneid": 3, "sskdt": 2}),
            (date(2026, 11, 20), {"vneid": 4}),
            (date(2026, 11, 12), {"vneid": 9}),
        ):  # the week before
            add_log(
                uow.session,
                SupportLog(
                    member_id=member.id, team_id=team.id, day=day, created_at=at(2026, 11, 20, 9, 0)
                ),
                items,
            )
        set_target(uow.session, team_id=team.id, service="vneid", period="quarter", count=100)
        uow.commit()
    console = io.StringIO()
    assert run_tick(app, at(2026, 11, 23, 8, 0), console).sent == 1
    text = console.getvalue()
    assert "[→ nhom-1] 📊 Tổ CNSCĐ TDP 1, tuần 16/11/2026–22/11/2026:" in text
    assert "• Số lượt hỗ trợ: 2 (+1 so với tuần trước)" in text
    assert "• Cài đặt VNeID: 7" in text and "• Sổ sức khỏe điện tử: 2" in text
    assert "• Chỉ tiêu quý: Cài đặt VNeID 16/100 (16%)" in text  # 1/10–22/11: 3 + 4 + 9
    assert "• Thành viên đã ghi: 1/2" in text and "mong gặp lại: Lê Văn Tám" in text
    picture = Path(text.split("[ảnh: ")[1].split("]")[0])
    assert picture.read_bytes().startswith(b"\x89PNG") and picture.parent == CHARTS


def test_a_first_week_with_logs_says_the_week_before_had_none(app: App, roster: Roster):
    roster.joined("Nguyễn Thị Lan", user="lan")
    with app.uow() as uow:
        team = uow.session.exec(select(Team).where(Team.name == "Tổ CNSCĐ TDP 1")).one()
        member = uow.session.exec(select(Member).where(Member.name == "Nguyễn Thị Lan")).one()
        uow.session.add(
            GroupChat(platform="console", chat_id="nhom-1", ward_id=team.ward_id, team_id=team.id)
        )
        add_log(
            uow.session,
            SupportLog(
                member_id=member.id,
                team_id=team.id,
                day=date(2026, 11, 18),
                created_at=at(2026, 11, 18, 9, 0),
            ),
            {"vneid": 5},
        )
        uow.commit()
    console = io.StringIO()
    assert run_tick(app, at(2026, 11, 23, 8, 0), console).sent == 1
    [logs] = [line for line in console.getvalue().splitlines() if "Số lượt hỗ trợ" in line]
    assert logs == "• Số lượt hỗ trợ: 1 (tuần trước chưa có lượt nào)"


def test_a_team_without_a_linked_group_gets_its_tally_in_its_leaders_private_chats(
    app: App, roster: Roster, clock: Clock
):
    clock.set_local(2026, 11, 20, 10, 0)  # Friday of the week the tally is about
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    roster.joined("Đỗ Văn Hùng", role=Role.LEADER, user="hung")  # a team may have two
    roster.joined("Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2", user="mai")
    lan = roster.joined("Nguyễn Thị Lan", user="lan")
    with app.uow() as uow:  # only the second team linked its group
        team = uow.session.exec(select(Team).where(Team.name == "Tổ CNSCĐ TDP 2")).one()
        uow.session.add(
            GroupChat(platform="console", chat_id="nhom-2", ward_id=team.ward_id, team_id=team.id)
        )
        uow.commit()
    assert "Đã ghi" in lan.say("vneid 3")
    console = io.StringIO()
    assert run_tick(app, at(2026, 11, 23, 7, 59), console) == TickSummary()
    assert run_tick(app, at(2026, 11, 23, 8, 0), console).sent == 3
    assert run_tick(app, at(2026, 11, 23, 8, 1), console) == TickSummary()  # once
    sent = {
        part.split("]", 1)[0]: part.split("]", 1)[1] for part in console.getvalue().split("[→ ")[1:]
    }
    assert set(sent) == {"minh", "hung", "nhom-2"}  # Mai's team has its group; Lan is no leader
    for leader in ("minh", "hung"):
        assert sent[leader].startswith(" 📊 Tổ CNSCĐ TDP 1, tuần 16/11/2026–22/11/2026:")
        assert "• Cài đặt VNeID: 3" in sent[leader] and texts.TALLY_PRIVATE in sent[leader]
    assert (
        sent["nhom-2"].startswith(" 📊 Tổ CNSCĐ TDP 2")
        and texts.TALLY_PRIVATE not in sent["nhom-2"]
    )
    with app.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage).where(OutboxMessage.kind == "weekly_tally"))
        assert sorted((r.chat_id, r.status) for r in rows) == [
            ("hung", "sent"),
            ("minh", "sent"),
            ("nhom-2", "sent"),
        ]


def test_a_member_quiet_for_a_week_gets_one_kind_nudge(app: App, roster: Roster, clock: Clock):
    lan = roster.joined("Nguyễn Thị Lan", user="lan")  # joined Monday 23/11
    console = io.StringIO()
    assert run_tick(app, at(2026, 11, 29, 9, 0), console).sent == 0
    assert run_tick(app, at(2026, 11, 30, 9, 0), console).sent == 1
    assert run_tick(app, at(2026, 11, 30, 9, 30), console).sent == 0
    assert run_tick(app, at(2026, 12, 1, 9, 0), console).sent == 0
    text = console.getvalue()
    assert text.count("[→ lan] Chào Nguyễn Thị Lan! Cả tuần nay mình chưa thấy") == 1
    clock.set_local(2026, 12, 2, 10, 0)
    lan.say("vneid 1")  # active again: the next nudge only after another quiet week
    assert run_tick(app, at(2026, 12, 8, 9, 0)).sent == 0
    assert run_tick(app, at(2026, 12, 9, 9, 0)).sent == 1


def test_tatnhac_turns_the_nudge_off_and_batnhac_on_again(app: App, roster: Roster):
    lan = roster.joined("Nguyễn Thị Lan", user="lan")
    assert "Đã tắt" in lan.say("/tatnhac")
    assert run_tick(app, at(2026, 11, 30, 9, 0)).sent == 0
    assert "Đã bật" in lan.say("/batnhac")
    assert run_tick(app, at(2026, 11, 30, 9, 5)).sent == 1


def test_a_chat_that_blocked_the_bot_is_not_tried_again(app: App, leaders: None):
    with app.uow() as uow:  # minh blocked the bot when last week's reminder went out
        row = outbox.claim(
            uow.session,
            key="earlier",
            kind="deadline_reminder",
            platform="console",
            chat_id="minh",
            text="",
            now=at(2026, 6, 1, 8, 0),
            due_at=at(2026, 6, 1, 8, 0),
        )
        outbox.mark(
            uow.session,
            row.id or 0,
            status="blocked",
            now=at(2026, 6, 1, 8, 0),
            error="Forbidden: bot was blocked by the user",
        )
        uow.commit()
    console = io.StringIO()
    assert run_tick(app, at(2026, 6, 7, 8, 0), console) == TickSummary(sent=1)
    assert "[→ minh]" not in console.getvalue() and "[→ mai]" in console.getvalue()


def _teams_with_groups(app: App, roster: Roster, teams: int) -> None:
    """`teams` teams, each with a joined member, a linked group and a log last week."""
    for n in range(1, teams + 1):
        roster.joined(f"Thành viên {n}", team=f"Tổ CNSCĐ TDP {n}", user=f"tv{n}")
    with app.uow() as uow:
        for member in uow.session.exec(select(Member)):
            uow.session.add(
                GroupChat(
                    platform="console",
                    chat_id=f"nhom-{member.team_id}",
                    ward_id=uow.session.get(Team, member.team_id).ward_id,  # type: ignore[union-attr]
                    team_id=member.team_id,
                )
            )
            log = SupportLog(member_id=member.id, team_id=member.team_id, day=date(2026, 11, 17))
            add_log(uow.session, log, {"vneid": 2})
        uow.commit()


def _statements_of(app: App, now: datetime) -> tuple[TickSummary, int]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(app.db, "before_cursor_execute", count)
    try:
        summary = run_tick(app, now)
    finally:
        event.remove(app.db, "before_cursor_execute", count)
    return summary, len(seen)


@pytest.mark.parametrize("teams", [2, 8])
def test_the_ticks_after_mondays_round_leave_the_sent_tallies_alone(
    app: App, roster: Roster, teams: int
):
    """Once Monday's tallies are out, each later tick of the week reads what is done in a
    fixed handful of statements, as a tick with nothing due does: it does not work every
    tally out again to find it sent (a city's 3,000 teams would keep the leading worker
    busy until Wednesday)."""
    _teams_with_groups(app, roster, teams)
    idle = _statements_of(app, at(2026, 11, 23, 7, 59))
    assert idle[0] == TickSummary()
    assert run_tick(app, at(2026, 11, 23, 8, 0)).sent == teams
    summary, statements = _statements_of(app, at(2026, 11, 23, 8, 1))
    assert summary == TickSummary()
    assert statements <= idle[1] + 2  # what is due, and which of it is done: two reads
    with app.db.connect() as connection:
        rows = connection.execute(
            text("SELECT status, attempts FROM outbox_message WHERE kind = 'weekly_tally'")
        ).all()
    assert sorted(tuple(r) for r in rows) == [("sent", 1)] * teams
