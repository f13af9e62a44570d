"""Telegram's send limits, with a 429 pause that holds for every send.

python-telegram-bot's `AIORateLimiter` paces sends to 30 a second and 20 a minute per
group, and on a 429 ("retry after N s") stops sending for N s. But a send already in flight
when the 429 came reopens the gate as it finishes, so with several chats served at once
sends went out inside the pause (python-telegram-bot issue #5338, fixed upstream after
22.8). `PausingRateLimiter` keeps the pause as a time: every send waits until it is over,
right before it goes out, whatever finished meanwhile.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

# python-telegram-bot's timedelta `retry_after` (its int form is deprecated), for every
# RetryAfter the bot reads: the channel's sends and this limiter
os.environ.setdefault("PTB_TIMEDELTA", "true")
RETRIES = 3  # 429s waited out before a send is given up
MARGIN = 0.1  # seconds added to every pause, as python-telegram-bot does

Answer = bool | dict[str, Any] | list[dict[str, Any]]
Call = Callable[..., Coroutine[Any, Any, Answer]]


class PausingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` whose 429 pause no send can cut short."""

    def __init__(self, max_retries: int = RETRIES) -> None:
        super().__init__(max_retries=max_retries)
        self._paused_until = 0.0  # the event loop's clock

    async def process_request(
        self,
        callback: Call,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Answer:
        loop = asyncio.get_running_loop()

        async def after_any_pause(*call_args: Any, **call_kwargs: Any) -> Answer:
            while (wait := self._paused_until - loop.time()) > 0:
                await asyncio.sleep(wait)
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                pause = _seconds(exc.retry_after) + MARGIN
                self._paused_until = max(self._paused_until, loop.time() + pause)
                raise

        return await super().process_request(
            after_any_pause, args, kwargs, endpoint, data, rate_limit_args
        )


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after
