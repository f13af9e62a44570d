"""A send that reached the platform and lost its answer is never sent again: a reply shows
once in the member's chat, a tally is marked uncertain in the outbox and not posted again on
later ticks. A send that never left (the connection refused) is tried again and arrives
once. The real engine and scheduler on both databases, against the fake servers over HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.app import App
from bot.channels.sender import ChannelSender
from bot.channels.telegram import sending_bot
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloClient
from bot.config import TelegramConfig, ZaloBotConfig
from schedules.jobs import STALE_CLAIM, TickSummary, tick
from storage.logs import add_log
from storage.models import GroupChat, Member, OutboxMessage, SupportLog, Team
from tests.conftest import ZONE, Roster
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import service_totals

SAVED = "✅ Đã ghi lượt hỗ trợ"
MONDAY_8AM = datetime(2026, 11, 23, 8, 0, tzinfo=ZONE)  # the weekly tally's time


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


def chat_on_zalo(app: App, zalo: FakeZalo, user_id: str, *said: str, before: Any = None) -> None:
    """`user_id` says each text to the Zalo channel in turn, as a webhook delivers them;
    `before(n)` runs before the n-th (the test breaks the platform there)."""
    user = zalo.user(user_id, "Lan")
    config = ZaloBotConfig(token=zalo.token, base_url=zalo.base_url)

    async def talk() -> None:
        client = ZaloClient(zalo.token, base_url=zalo.base_url, timeout=0.5)
        async with ZaloChannel(app.engine, config, client=client) as channel:
            for n, text in enumerate(said):
                if before is not None:
                    before(n)
                await channel.handle(zalo.send_text(user, text, queue=False))

    asyncio.run(talk())


def joined(app: App, zalo: FakeZalo, user_id: str, *said: str, before: Any = None) -> None:
    code = Roster(app).add("Nguyễn Thị Lan")
    chat_on_zalo(app, zalo, user_id, f"/thamgia {code}", "1", *said, before=before)


@pytest.mark.parametrize("how", ["timeout", "drop", "502"])
def test_a_reply_whose_answer_is_lost_after_delivery_is_in_the_chat_once(
    app: App, zalo: FakeZalo, how: str, caplog: pytest.LogCaptureFixture
):
    def lose_the_third(n: int) -> None:  # the quick entry's answer
        if n == 2:
            zalo.lose_answers("sendMessage", how)

    with caplog.at_level(logging.WARNING):
        joined(app, zalo, "u-lan", "vneid 3", before=lose_the_third)
    saved = [m["text"] for m in zalo.sent("u-lan") if m["text"].startswith(SAVED)]
    assert len(saved) == 1  # delivered once, and not repeated for want of an answer
    assert len(zalo.calls_of("sendMessage")) == len(zalo.sent("u-lan"))
    assert service_totals(app) == {"vneid": 3}
    assert "zalo send uncertain" in caplog.text and "not sent again" in caplog.text


def test_a_reply_refused_before_it_left_is_tried_again_and_arrives_once(
    app: App, zalo: FakeZalo, caplog: pytest.LogCaptureFixture
):
    def refuse_the_third(n: int) -> None:
        if n == 2:
            zalo.refuse_connections(1.0)  # the engine answers; the first send finds nobody

    with caplog.at_level(logging.WARNING):
        joined(app, zalo, "u-lan", "vneid 3", before=refuse_the_third)
    saved = [m["text"] for m in zalo.sent("u-lan") if m["text"].startswith(SAVED)]
    assert len(saved) == 1
    assert "zalo sendMessage retry reason=ConnectError" in caplog.text
    assert service_totals(app) == {"vneid": 3}


def team_group(app: App, roster: Roster, platform: str, chat_id: str) -> None:
    """Lan logged last week; Tổ 1's group is linked on `platform`: its tally is due Monday."""
    roster.joined("Nguyễn Thị Lan", user="lan")
    with app.uow() as uow:
        team = uow.session.exec(select(Team).where(Team.name == "Tổ CNSCĐ TDP 1")).one()
        lan = uow.session.exec(select(Member).where(Member.name == "Nguyễn Thị Lan")).one()
        uow.session.add(
            GroupChat(platform=platform, chat_id=chat_id, ward_id=team.ward_id, team_id=team.id)
        )
        log = SupportLog(
            member_id=lan.id, team_id=team.id, day=date(2026, 11, 18), created_at=MONDAY_8AM
        )
        add_log(uow.session, log, {"vneid": 3})
        uow.commit()


def tally_row(app: App, chat_id: str) -> tuple[str, str | None]:
    """The status and error of the weekly tally's outbox row for a group."""
    with app.uow() as uow:
        row = uow.session.exec(
            select(OutboxMessage).where(
                OutboxMessage.kind == "weekly_tally", OutboxMessage.chat_id == chat_id
            )
        ).one()
        return row.status, row.error


def ticks(app: App, sender: Any, *times: datetime) -> list[TickSummary]:
    """`schedule tick` at each time, sending through `sender(…)` (opened per tick)."""
    charts = Path(app.config.bot.exports_dir) / "charts"

    async def run(now: datetime) -> TickSummary:
        async with sender() as send:
            return await tick(app.uow, send, now=now, zone=ZONE, charts_dir=charts)

    return [asyncio.run(run(now)) for now in times]


LATER = (MONDAY_8AM.replace(minute=1), MONDAY_8AM + STALE_CLAIM * 2, MONDAY_8AM.replace(day=24))


def test_a_zalo_tally_whose_send_timed_out_is_uncertain_and_never_posted_again(
    app: App, roster: Roster, zalo: FakeZalo, caplog: pytest.LogCaptureFixture
):
    team_group(app, roster, "zalo", "g-1")
    zalo.group("g-1", "Tổ CNSCĐ TDP 1")
    zalo.lose_answers("sendMessage", "timeout")

    class ZaloSender:
        async def __aenter__(self) -> ChannelSender:
            self.client = ZaloClient(zalo.token, base_url=zalo.base_url, timeout=0.5)
            return ChannelSender(zalo={"": self.client})

        async def __aexit__(self, *exc: object) -> None:
            await self.client.close()

    with caplog.at_level(logging.WARNING):
        first, *later = ticks(app, ZaloSender, MONDAY_8AM, *LATER)
    assert (first.uncertain, first.sent, first.failed) == (1, 0, 0)
    assert first.sends[("zalo", "weekly_tally", "uncertain")] == 1
    assert later == [TickSummary()] * 3  # not again: not a minute on, nor once stale, nor later
    [tally] = zalo.sent("g-1")
    assert tally["text"].startswith("📊 Tổ CNSCĐ TDP 1") and len(zalo.calls_of("sendMessage")) == 1
    status, error = tally_row(app, "g-1")
    assert status == "uncertain" and "ReadTimeout" in (error or "")
    assert "schedule send uncertain key=tally:2026-11-16:zalo:g-1" in caplog.text
    exposed = app.metrics.exposition()[0].decode()  # what the operator watches
    assert 'gotungnha_outbox_uncertain{bot="-",platform="zalo"} 1.0' in exposed


def test_a_telegram_tally_whose_answer_was_cut_off_is_uncertain_and_never_posted_again(
    app: App, roster: Roster
):
    with FakeTelegram() as tg:
        group = tg.group(-100500, "Tổ CNSCĐ TDP 1")
        team_group(app, roster, "telegram", str(group["id"]))
        tg.drop_answers("sendMessage")
        settings = TelegramConfig(
            token=tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url
        )

        class TelegramSender:
            async def __aenter__(self) -> ChannelSender:
                self.bot = sending_bot(settings)
                await self.bot.initialize()
                return ChannelSender(telegram=self.bot)

            async def __aexit__(self, *exc: object) -> None:
                await self.bot.shutdown()

        first, *later = ticks(app, TelegramSender, MONDAY_8AM, *LATER)
        texts = [m["text"] for m in tg.sent(group["id"]) if m["text"]]
    assert first.uncertain == 1 and later == [TickSummary()] * 3
    assert len(texts) == 1 and texts[0].startswith("📊 Tổ CNSCĐ TDP 1")
    assert tally_row(app, str(group["id"]))[0] == "uncertain"
