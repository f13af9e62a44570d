"""Sends keep to Telegram's limits as its server counts them, and a 429 from Telegram
stops every send for its pause, even with several chats at once.

The callbacks below stand in for the Bot API at its edge: they answer, or raise the
RetryAfter that python-telegram-bot raises for a 429.
"""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import RetryAfter

from bot.channels.telegram_pacing import PausingRateLimiter, Window
from tests.helpers import most_in_any


def test_a_send_in_flight_at_a_429_does_not_reopen_the_pause_for_the_others():
    async def work() -> tuple[float, list[float]]:
        limiter = PausingRateLimiter()
        await limiter.initialize()
        loop = asyncio.get_running_loop()
        started: list[float] = []
        told_at: list[float] = []
        refused_once = False

        async def send(chat: int, slow: bool = False) -> Any:
            nonlocal refused_once
            started.append(loop.time())
            if chat == 1 and not refused_once:
                refused_once = True
                told_at.append(loop.time())
                raise RetryAfter(timedelta(seconds=1))
            await asyncio.sleep(0.3 if slow else 0)
            return True

        async def request(chat: int, slow: bool = False, delay: float = 0) -> Any:
            await asyncio.sleep(delay)
            return await limiter.process_request(
                send, (chat, slow), {}, "sendMessage", {"chat_id": chat}, None
            )

        # chat 2 is in flight when chat 1 is told 429; chat 3 asks just after chat 2 is answered
        await asyncio.gather(request(2, slow=True), request(1, delay=0.05), request(3, delay=0.4))
        await limiter.shutdown()
        return told_at[0], sorted(started)

    told, started = asyncio.run(work())
    after_pause = [t for t in started if t > told]
    assert len(after_pause) == 2  # chat 3, and chat 1 tried again
    assert all(t >= told + 1.0 for t in after_pause), [round(t - told, 2) for t in after_pause]


@settings(max_examples=15, deadline=None)
@given(
    most=st.integers(1, 6),
    senders=st.integers(1, 12),
    sends=st.integers(1, 40),
    trips=st.lists(st.floats(0, 0.03), min_size=1, max_size=8),
    seed=st.integers(0, 2**16),
)
def test_no_period_on_the_servers_clock_holds_more_sends_than_the_window_allows(
    most: int, senders: int, sends: int, trips: list[float], seed: int
):
    """Sends from several senders at once, each reaching the server at some moment of its
    round trip: in no period of `seconds` does the server take more than `most`. A leaky
    bucket (what python-telegram-bot paces with) lets a full bucket go at once and keeps
    filling meanwhile, so the server sees nearly twice the limit after a lull."""
    seconds = 0.05
    chance = random.Random(seed)
    arrived: list[float] = []

    async def work() -> None:
        window = Window(most, seconds)
        loop = asyncio.get_running_loop()
        queue = list(range(sends))

        async def sender() -> None:
            while queue:
                queue.pop()
                trip = chance.choice(trips)
                async with window:
                    await asyncio.sleep(trip * chance.random())  # on its way
                    arrived.append(loop.time())  # the server takes it
                    await asyncio.sleep(trip * chance.random())  # the answer on its way

        await asyncio.gather(*(sender() for _ in range(senders)))

    asyncio.run(work())
    arrived.sort()
    assert len(arrived) == sends
    busiest = most_in_any(arrived, seconds)
    assert busiest <= most, (busiest, most)
