"""Two Zalo bots on webhooks, against two fake Zalo servers over real HTTP: Zalo issues ids
per bot, so an update through one bot's webhook with the id of someone linked through the
other is a stranger's (no login link, no entry saved for them), and a group linked through
one bot keeps getting its tallies through that bot."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.channels.sender import ChannelSender
from bot.channels.zalo_api import ZaloClient
from bot.config import Config, ServerConfig, ZaloBotConfig, ZaloConfig
from bot.runner import bot_plans
from handlers import texts
from schedules.jobs import tick
from storage.models import Role
from tests.conftest import ZONE, Clock, Roster
from tests.e2e.running import RunningBot, free_port, wait_listening
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import stored_logs

LOGIN = "https://bot.example.vn/web/vao/"


@pytest.fixture
def hooked(config: Config, clock: Clock, fakes: tuple[FakeZalo, FakeZalo]) -> Iterator[App]:
    """Both bots on webhooks (each with its own secret), the dashboard on."""
    bots = tuple(
        ZaloBotConfig(
            name=name,
            token=fake.token,
            base_url=fake.base_url,
            mode="webhook",
            webhook_url="https://bot.example.vn",
            webhook_secret=f"secret-of-{name}-webhook",
            display_name=fake.display_name,
        )
        for name, fake in zip(("to1", "to2"), fakes, strict=True)
    )
    server = ServerConfig(host="127.0.0.1", port=free_port())
    app = build_app(replace(config, zalo=ZaloConfig(bots=bots), server=server), clock=clock)
    yield app
    app.db.dispose()


class Hook:
    """One bot's webhook on the running bot, posted to as Zalo does."""

    def __init__(self, app: App, zalo: FakeZalo, name: str) -> None:
        self.zalo = zalo
        self.url = f"http://127.0.0.1:{app.config.server.port}/zalo/webhook/{name}"

    def say(self, user: str, text: str, group: dict[str, str] | None = None) -> str:
        """A message from `user` through this bot's webhook; what the bot answered."""
        chat = group["id"] if group else user
        before = len(self.zalo.sent(chat))
        person = self.zalo.user(user, "Người dùng")
        update = self.zalo.send_text(person, text, group, queue=False)
        assert self.zalo.post_webhook(self.url, update) == 200
        return self.zalo.wait_sent(chat, before + 1)[-1]["text"] or ""


def test_a_member_of_one_bot_writing_through_the_others_webhook_is_a_stranger(
    hooked: App, fakes: tuple[FakeZalo, FakeZalo]
):
    one, two = fakes
    with RunningBot(hooked):
        wait_listening(hooked.config.server.port)
        to1, to2 = Hook(hooked, one, "to1"), Hook(hooked, two, "to2")
        code = Roster(hooked).add("Nguyễn Thị Lan", role=Role.LEADER)
        assert "Trả lời 1 hoặc 2" in to1.say("u-lan", f"thamgia {code}")
        assert "Chào mừng" in to1.say("u-lan", "1")

        # the same from.id through Bot Tổ 2's webhook: not Lan
        web = to2.say("u-lan", "/web")
        assert LOGIN not in web and texts.NOT_JOINED in web
        assert "/thamgia" in to2.say("u-lan", "vneid 3")
        assert stored_logs(hooked) == []

        # through her own bot she is served as ever
        assert LOGIN in to1.say("u-lan", "/web")
        assert texts.ENTRY_SAVED in to1.say("u-lan", "vneid 3")
    [log] = stored_logs(hooked)
    assert log.member_id is not None
    assert not any(LOGIN in (m["text"] or "") for m in two.sent("u-lan"))


def test_a_group_linked_through_one_bot_gets_its_tally_through_it_only(
    hooked: App, fakes: tuple[FakeZalo, FakeZalo], clock: Clock
):
    one, two = fakes
    clock.set_local(2026, 11, 23, 10, 0)
    with RunningBot(hooked):
        wait_listening(hooked.config.server.port)
        to1, to2 = Hook(hooked, one, "to1"), Hook(hooked, two, "to2")
        code = Roster(hooked).add("Nguyễn Thị Lan", role=Role.LEADER)
        to1.say("u-lan", f"thamgia {code}")
        assert "Chào mừng" in to1.say("u-lan", "1")
        group_one, group_two = one.group("g-1", "Tổ 1"), two.group("g-1", "Tổ 1")
        assert "Đã liên kết" in to1.say("u-lan", one.mention("/lienket"), group_one)
        # Lan's id and the group's id through Bot Tổ 2: a stranger, the group not moved
        assert to2.say("u-lan", two.mention("/lienket"), group_two) == texts.STRANGER_IN_GROUP
        assert texts.ENTRY_SAVED in to1.say("u-lan", "vneid 3")

    async def monday_tick() -> None:
        async with (
            ZaloClient(one.token, base_url=one.base_url, attempts=1) as a,
            ZaloClient(two.token, base_url=two.base_url, attempts=1) as b,
        ):
            sender = ChannelSender(zalo={"to1": a, "to2": b}, zone=ZONE)
            summary = await tick(
                hooked.uow,
                sender,
                now=datetime(2026, 11, 30, 1, 5, tzinfo=UTC),  # Monday 08:05 in Hải Phòng
                zone=ZONE,
                charts_dir=Path(hooked.config.bot.exports_dir) / "charts",
                bots=bot_plans(hooked.config),
            )
            assert summary.sent >= 1

    asyncio.run(monday_tick())
    tallies_one = [m["text"] or "" for m in one.sent("g-1") if "📊" in (m["text"] or "")]
    assert len(tallies_one) == 1 and "Tổ CNSCĐ TDP 1, tuần" in tallies_one[0]
    assert [m["text"] for m in two.sent("g-1")] == [texts.STRANGER_IN_GROUP]
