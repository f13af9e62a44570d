"""Zalo sends against the fake server over real HTTP: tried again only when they surely did
not arrive, and paced with replies first."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from bot.channels.sender import ChannelSender
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloClient, ZaloError
from bot.config import ZaloBotConfig
from handlers.messages import Reply
from schedules.delivery import Outcome
from tests.fakes.zalo_api import FakeZalo


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


def send_once(zalo: FakeZalo, text: str, **client: Any) -> None:
    async def work() -> None:
        async with ZaloClient(zalo.token, base_url=zalo.base_url, **client) as zalo_client:
            await zalo_client.send_message("u-1", text)

    asyncio.run(work())


@pytest.mark.parametrize("how", ["timeout", "drop", "502"])
def test_a_send_whose_answer_is_lost_after_delivery_is_not_sent_again(zalo: FakeZalo, how: str):
    zalo.user("u-1", "Lan")
    zalo.lose_answers("sendMessage", how)
    with pytest.raises(ZaloError) as caught:
        send_once(zalo, "Đã ghi lượt hỗ trợ", timeout=0.5)
    assert caught.value.uncertain and not caught.value.quota_exceeded
    assert [m["text"] for m in zalo.sent("u-1")] == ["Đã ghi lượt hỗ trợ"]
    assert len(zalo.calls_of("sendMessage")) == 1


def test_a_send_refused_before_it_left_is_tried_again_and_arrives_once(zalo: FakeZalo):
    zalo.user("u-1", "Lan")
    zalo.refuse_connections(0.3)  # the first try finds nobody listening; the retry, Zalo
    send_once(zalo, "Đã ghi lượt hỗ trợ")
    assert [m["text"] for m in zalo.sent("u-1")] == ["Đã ghi lượt hỗ trợ"]
    assert len(zalo.calls_of("sendMessage")) == 1  # the refused try never reached Zalo


def test_zalos_own_server_error_answer_is_tried_again_it_says_nothing_was_sent(zalo: FakeZalo):
    zalo.user("u-1", "Lan")
    zalo.fail_next("sendMessage", status=403)  # "internal server error", retry later
    send_once(zalo, "Đã ghi lượt hỗ trợ")
    assert [m["text"] for m in zalo.sent("u-1")] == ["Đã ghi lượt hỗ trợ"]


def test_a_scheduled_send_whose_answer_is_lost_is_uncertain_counted_and_not_repeated(
    zalo: FakeZalo,
):
    group = zalo.group("g-1", "Tổ CNSCĐ TDP 1")
    zalo.lose_answers("sendMessage", "drop")

    async def send() -> Any:
        async with ZaloClient(zalo.token, base_url=zalo.base_url) as client:
            return await ChannelSender(zalo={"": client}).send("zalo", group["id"], "📊 Tổ 1")

    delivery = asyncio.run(send())
    assert delivery.outcome is Outcome.UNCERTAIN
    assert "RemoteProtocolError" in (delivery.error or "")
    assert delivery.messages == 1  # Zalo most likely took it: it counts against the quota
    assert len(zalo.sent("g-1")) == 1 and len(zalo.calls_of("sendMessage")) == 1


def test_a_reply_goes_before_the_scheduled_sends_waiting_for_the_pace(zalo: FakeZalo):
    leaders = [zalo.user(f"u-{n}", f"Tổ trưởng {n}")["id"] for n in range(8)]
    member = zalo.user("u-lan", "Lan")["id"]
    config = ZaloBotConfig(token=zalo.token, base_url=zalo.base_url, sends_per_second=5)

    async def work() -> int:
        # one client for the channel's replies and the schedule's sends, as `gotungnha run`
        # wires them (bot/runner.py)
        channel = ZaloChannel(engine=None, config=config)  # type: ignore[arg-type]
        sender = ChannelSender(zalo={"": channel.client})
        try:
            reminders = [
                asyncio.create_task(sender.send("zalo", chat, f"⏰ Nhắc hạn {n}"))
                for n, chat in enumerate(leaders)
            ]
            # the first reminder has reached Zalo: the others wait for the pace (a scheduled
            # send takes no burst: one every 0.2 s)
            for _ in range(1000):
                if zalo.calls_of("sendMessage"):
                    break
                await asyncio.sleep(0.01)
            gone = len(zalo.calls_of("sendMessage"))
            await channel.send(member, Reply("✅ Đã ghi lượt hỗ trợ"))
            await asyncio.gather(*reminders)
            return gone
        finally:
            await channel.client.close()

    gone = asyncio.run(work())
    order = [body["text"] for body in zalo.calls_of("sendMessage")]
    assert 1 <= gone <= 3 and len(order) == 9
    # at most one reminder let through before may still have been on its way
    assert order.index("✅ Đã ghi lượt hỗ trợ") <= gone + 1, order
    # the reply went at once: the reminders waiting then went after it, in their order
    assert [text for text in order if text.startswith("⏰")] == [
        f"⏰ Nhắc hạn {n}" for n in range(8)
    ]
