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
from bot.sender import ChannelSender
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


def used_already(app: App, count: int) -> None:
    with app.uow() as uow:
        bot_usage.add_sent(uow.session, CONSOLE, month="2026-12", kind="reply", count=count)
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
    # Monday 07/12/2026 08:00: two deadline reminders and the ward group's tally are due
    used_already(app, 88)  # of 100: scheduled sends may use up to 90
    summary, sent = run_tick(app, at(2026, 12, 7, 8, 0), limit=100)
    assert summary == TickSummary(sent=2, skipped=1)
    assert sent.count("⏰ Nhắc hạn") == 2 and "📊" not in sent
    with app.uow() as uow:
        skipped = uow.session.exec(
            select(OutboxMessage).where(OutboxMessage.status == "skipped")
        ).one()
    assert (skipped.kind, skipped.error) == ("weekly_tally", "quota")
    # the skipped tally is recorded, and not tried again later
    assert run_tick(app, at(2026, 12, 7, 8, 1), limit=100) == (TickSummary(), "")
    with app.uow() as uow:
        counted = bot_usage.month_usage(uow.session, "2026-12")[CONSOLE]
    assert counted == {"reply": 88, "deadline_reminder": 2}


def test_with_room_left_everything_goes(app: App, roster: Roster):
    ward_with_two_leaders_and_a_group(app, roster)
    used_already(app, 10)
    summary, sent = run_tick(app, at(2026, 12, 7, 8, 0), limit=100)
    assert summary == TickSummary(sent=3)
    assert sent.count("⏰ Nhắc hạn") == 2 and "📊" in sent


def test_replies_keep_the_last_tenth_no_scheduled_send_takes_it(app: App, roster: Roster):
    ward_with_two_leaders_and_a_group(app, roster)
    used_already(app, 90)
    summary, sent = run_tick(app, at(2026, 12, 7, 8, 0), limit=100)
    assert summary == TickSummary(skipped=3) and sent == ""
