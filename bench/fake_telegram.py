"""The fake Telegram server for bench.broadcast, in its own process, recording every call.

Usage (from the benchmark): a multiprocessing target,
`serve(conn, users, groups, fault_rate, retry_after, seed, rtt_ms)`. It sends back
(base_url, base_file_url) once listening, waits for any message, stops, and sends back
what it saw: one (arrived, method, chat_id, status, answered) per API call, with `arrived`
(the call came in) and `answered` (its answer was ready to go back) on time.monotonic()
(system-wide on Linux, so comparable with the benchmark's clock), the fake's own count of
stored messages per chat, and its peak RSS.

A share `fault_rate` of sendMessage calls, drawn with `seed`, is answered 429 "Too Many
Requests" with `retry_after` through the fake's own `fail_next`; `rtt_ms` holds every answer
back that long, standing in for the network between the bot and api.telegram.org. Calls
are served concurrently (the scheduler sends to several chats at once); with calls in
flight a drawn 429 may be answered to a neighbouring call, which the log records as it was.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bench.common import peak_rss_mb
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_objects import read_params

TOKEN = "424242:BENCH-broadcast"
Call = tuple[float, str, int | None, int, float]


class RecordingTelegram(FakeTelegram):
    """FakeTelegram that keeps each call's arrival time and answer, and injects 429s."""

    def __init__(
        self,
        *,
        fault_rate: float,
        retry_after: int,
        seed: int,
        rtt_ms: float,
        flood_limits: bool = False,
    ) -> None:
        super().__init__(token=TOKEN, bot_username="bench_broadcast_bot", flood_limits=flood_limits)
        self.log: list[Call] = []
        self._fault_rate = fault_rate
        self._retry_after = retry_after
        self._rng = random.Random(seed)
        self._rtt = rtt_ms / 1000

    async def _api(self, request: Request) -> Response:
        arrived = time.monotonic()
        method = request.path_params["method"]
        params = await read_params(request)  # the body is cached: the fake reads it again
        if method.lower() == "sendmessage" and self._rng.random() < self._fault_rate:
            self.fail_next("sendMessage", status=429, retry_after=self._retry_after)
        if self._rtt:
            await asyncio.sleep(self._rtt)
        response = await super()._api(request)
        chat = params.get("chat_id")
        answered = time.monotonic()
        chat_id = int(chat) if chat is not None else None
        self.log.append((arrived, method, chat_id, response.status_code, answered))
        return response

    def stored_per_chat(self) -> Counter[int]:
        """Messages the fake stored (what a chat would show), per chat."""
        with self._cond:
            return Counter(chat for chat, _ in self._records)


def serve(
    conn: Connection,
    users: list[int],
    groups: list[int],
    fault_rate: float,
    retry_after: int,
    seed: int,
    rtt_ms: float,
) -> None:
    tg = RecordingTelegram(fault_rate=fault_rate, retry_after=retry_after, seed=seed, rtt_ms=rtt_ms)
    tg.start()
    for user in users:
        tg.user(user, f"Tổ trưởng {user}")
    for group in groups:
        tg.group(group, f"Nhóm tổ {-group}", "supergroup")
    conn.send((tg.base_url, tg.base_file_url))
    conn.recv()
    tg.stop()
    result: dict[str, Any] = {
        "log": tg.log,
        "stored": dict(tg.stored_per_chat()),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    conn.send(result)
