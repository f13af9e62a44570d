"""A bot near its monthly quota: scheduled sends keep a tenth for replies, the most needed
go first, and what does not fit is recorded as skipped for the quota, never lost silently."""

from __future__ import annotations

import asyncio
import io
import tempfile
from datetime import datetime
from pathlib import Path

from sqlmodel import select

from bot.app import App
from bot.channels.sender import ChannelSender
from schedules.gate import BotPlan
from schedules.jobs import TickSummary, tick
from storage import bot_usage
from storage.models import GroupChat, OutboxMessage, Role
from tests.conftest import ZONE, Roster

CHARTS = Path(tempfile.mkdtemp(prefix="gotungnha-charts-"))
CONSOLE = ("console", "")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE)  # type: ignore[misc]


def run_tick(app: App, now: datetime, limit: int) -> tuple[TickSummary, str]:
    console = io.StringIO()
    plans = {CONSOLE: BotPlan("Bot thử", monthly_messages=limit)}
    summary = asyncio.run(
        tick(
            app.uow,
            ChannelSender(console=console),
            now=now,
            zone=ZONE,
            charts_dir=CHARTS,
            bots=plans,
        )
    )
    return summary, console.getvalue()


def used_already(app: App, count: int, month: str = "2026-12") -> None:
    with app.uow() as uow:
        bot_usage.add_sent(uow.session, CONSOLE, month=month, kind="reply", count=count)
        uow.commit()


def ward_with_two_leaders_and_a_group(app: App, roster: Roster) -> None:
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    roster.joined("Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2", user="mai")
    with app.uow() as uow:
        ward_id = 1
        uow.session.add(GroupChat(platform="console", chat_id="nhom-1", ward_id=ward_id))
        uow.commit()


def test_near_the_quota_reminders_go_before_the_weekly_tally_and_the_rest_is_skipped(
    app: App, roster: Roster
):
    ward_with_two_leaders_and_a_group(app, roster)
    # Monday 07/12/2026 08:00: two deadline reminders, the ward group's tally and each
    # team's (to its leader: the teams have no group of their own) are due
    used_already(app, 88)  # of 100: reminders may go up to 90, a tally only up to 85
    summary, sent = run_tick(app, at(2026, 12, 7, 8, 0), limit=100)
    assert summary == TickSummary(sent=2, skipped=3)
    assert sent.count("⏰ Nhắc hạn") == 2 and "📊" not in sent
    with app.uow() as uow:
        skipped = uow.session.exec(
            select(OutboxMessage).where(OutboxMessage.status == "skipped")
        ).all()
    assert {(s.kind, s.error) for s in skipped} == {("weekly_tally", "quota")}
    # the skipped tally is recorded, and not tried again later
    assert run_tick(app, at(2026, 12, 7, 8, 1), limit=100) == (TickSummary(), "")
    with app.uow() as uow:
        counted = bot_usage.month_usage(uow.session, "2026-12")[CONSOLE]
    assert counted == {"reply": 88, "deadline_reminder": 2}


def test_with_room_left_everything_goes(app: App, roster: Roster):
    ward_with_two_leaders_and_a_group(app, roster)
    used_already(app, 10)
    summary, sent = run_tick(app, at(2026, 12, 7, 8, 0), limit=100)
    assert summary == TickSummary(sent=5)
    assert sent.count("⏰ Nhắc hạn") == 2 and sent.count("📊") == 3


def test_replies_keep_the_last_tenth_no_scheduled_send_takes_it(app: App, roster: Roster):
    ward_with_two_leaders_and_a_group(app, roster)
    used_already(app, 90)
    summary, sent = run_tick(app, at(2026, 12, 7, 8, 0), limit=100)
    assert summary == TickSummary(skipped=5) and sent == ""


def test_sends_too_late_to_go_take_no_room_from_those_still_on_time(app: App, roster: Roster):
    ward_with_two_leaders_and_a_group(app, roster)
    # the bot was down on Monday 07/12: Tuesday morning Monday's reminders are too late, the
    # tallies are not (two days of catch-up); 83 of 100 used leaves the three tallies 2 (85 %)
    used_already(app, 83)
    summary, sent = run_tick(app, at(2026, 12, 8, 8, 0), limit=100)
    assert summary == TickSummary(sent=2, skipped=3)
    assert sent.count("📊") == 2 and "⏰" not in sent


def test_nudges_stop_first_tallies_next_reminders_last(app: App, roster: Roster):
    roster.joined("Nguyễn Thị Lan", user="lan")  # joined 23/11, quiet since: a nudge 30/11
    used_already(app, 82, month="2026-11")  # past 80 %: no more nudges this month
    summary, sent = run_tick(app, at(2026, 11, 30, 9, 0), limit=100)
    assert summary == TickSummary(skipped=1) and sent == ""
    with app.uow() as uow:
        skipped = uow.session.exec(select(OutboxMessage)).one()
    assert (skipped.kind, skipped.error) == ("nudge", "quota")


def test_below_80_percent_a_nudge_still_goes(app: App, roster: Roster):
    roster.joined("Nguyễn Thị Lan", user="lan")
    used_already(app, 79, month="2026-11")
    summary, sent = run_tick(app, at(2026, 11, 30, 9, 0), limit=100)
    assert summary == TickSummary(sent=1) and "[→ lan]" in sent
