"""Telegram's send limits, never stepped over, with a 429 pause that holds for every send.

Telegram takes 30 messages a second from a bot and 20 a minute in one group. python-
telegram-bot's `AIORateLimiter` paces with leaky buckets (aiolimiter), which let a full
bucket go at once after a lull and keep filling meanwhile: up to 59 messages in one second,
39 in a group's minute. Each 429 that earns stops every send for a second or more; a
city's Monday tallies (5,801 messages) met 905 of them and took 1.18x the 30-a-second floor
on their own. `Window` counts instead every send that may have reached Telegram in the
last period: from when it leaves until a period after its answer (it arrived somewhere in
between), so no period on Telegram's clock ever holds more than the limit, whatever the
round trip; the pace is the limit, less a round trip per period.

On a 429 ("retry after N s") `AIORateLimiter` stops sending for N s, but a send already in
flight when the 429 came reopens the gate as it finishes, so with several chats served at
once sends went out inside the pause (python-telegram-bot issue #5338, fixed upstream after
22.8). `PausingRateLimiter` keeps the pause as a time: every send waits until it is over,
right before it goes out, whatever finished meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from types import TracebackType
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

# python-telegram-bot's timedelta `retry_after` (its int form is deprecated), for every
# RetryAfter the bot reads: the channel's sends and this limiter
os.environ.setdefault("PTB_TIMEDELTA", "true")
RETRIES = 3  # 429s waited out before a send is given up
MARGIN = 0.1  # seconds added to every pause, as python-telegram-bot does
PER_SECOND = 30  # messages a second to all chats
PER_GROUP_MINUTE = 20  # messages a minute to one group
GROUP_WINDOWS_KEPT = 512  # idle groups' windows beyond this are forgotten

Answer = bool | dict[str, Any] | list[dict[str, Any]]
Call = Callable[..., Coroutine[Any, Any, Answer]]


class Window:
    """At most `most` sends in any `seconds`, held as an async context around each send:
    a send counts from when it enters until `seconds` after it leaves (its answer)."""

    def __init__(self, most: int, seconds: float) -> None:
        self.most, self.seconds = most, seconds
        self._flying = 0  # sends gone out, not answered yet
        self._counted_until: deque[float] = deque()  # answered ones, in the order they end
        self._waiting: list[asyncio.Future[None]] = []

    def idle(self, now: float) -> bool:
        """Counts nothing any more: forgetting it changes nothing."""
        return not self._flying and (not self._counted_until or self._counted_until[-1] <= now)

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            while self._counted_until and self._counted_until[0] <= now:
                self._counted_until.popleft()
            if self._flying + len(self._counted_until) < self.most:
                self._flying += 1
                return
            # a place frees when the oldest answered send stops counting, or when a send
            # in flight is answered (only then can its end be known)
            wake: asyncio.Future[None] = loop.create_future()
            self._waiting.append(wake)
            until = self._counted_until[0] - now if self._counted_until else None
            try:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake, until)
            finally:
                with contextlib.suppress(ValueError):
                    self._waiting.remove(wake)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._flying -= 1
        self._counted_until.append(asyncio.get_running_loop().time() + self.seconds)
        waiting, self._waiting = self._waiting, []
        for wake in waiting:
            if not wake.done():
                wake.set_result(None)


class PausingRateLimiter(AIORateLimiter):
    """`AIORateLimiter` paced by `Window`s, whose 429 pause no send can cut short."""

    def __init__(self, max_retries: int = RETRIES) -> None:
        super().__init__(max_retries=max_retries)
        self._paused_until = 0.0  # the event loop's clock
        self._overall = Window(PER_SECOND, 1.0)
        self._groups: dict[str | int, Window] = {}

    def _group(self, group: str | int) -> Window:
        if group not in self._groups and len(self._groups) >= GROUP_WINDOWS_KEPT:
            now = asyncio.get_running_loop().time()
            for key in [key for key, window in self._groups.items() if window.idle(now)]:
                del self._groups[key]
        return self._groups.setdefault(group, Window(PER_GROUP_MINUTE, 60.0))

    async def _run_request(
        self,
        chat: bool,
        group: str | int | bool,
        allow_paid_broadcast: bool,
        callback: Call,
        args: Any,
        kwargs: dict[str, Any],
    ) -> Answer:
        """One try of a request, within Telegram's limits (`AIORateLimiter`'s own for a
        paid broadcast, which this bot never sends)."""
        if allow_paid_broadcast:
            return await super()._run_request(
                chat, group, allow_paid_broadcast, callback, args, kwargs
            )
        async with contextlib.AsyncExitStack() as windows:
            if group:
                await windows.enter_async_context(self._group(group))
            if chat:
                await windows.enter_async_context(self._overall)
            await self._retry_after_event.wait()
            return await callback(*args, **kwargs)

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
