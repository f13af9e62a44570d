"""Sends paced to a rate, replies first.

A leaky bucket (the generic cell rate algorithm): up to `per_second` sends at once after a
quiet spell, then one every 1/per_second seconds, evenly spaced. A sliding window (at most
N in any second) lets a busy chat send N at once and then makes the next one wait up to a
second: one reply in N waited hundreds of milliseconds (bench/RESULTS.md); even spacing
does not.

A member waits for a reply; nobody waits for a reminder or a tally to the minute. So a
reply may use the whole burst and goes before every scheduled send still waiting, and a
scheduled send goes only when the bucket is empty: a reminder run never takes the room a
reply needs, and a reply never waits behind one.

Usage:
    pace = SendPace(10)
    await pace.wait()                  # a reply: at once, or first in line
    await pace.wait(scheduled=True)    # a reminder or a tally: after the replies
"""

from __future__ import annotations

import asyncio
import heapq
import itertools

REPLY, SCHEDULED = 0, 1  # lower goes first


class SendPace:
    """At most `per_second` sends a second on average, bursts of `per_second` when quiet."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1 / per_second if per_second > 0 else 0.0
        # how far ahead of the even pace a reply may go: a burst of `per_second` sends
        self._burst = (max(1, int(per_second)) - 1) * self._interval
        self._due = 0.0  # when the bucket is empty again (the event loop's clock)
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._turns: asyncio.Task[None] | None = None

    async def wait(self, *, scheduled: bool = False) -> None:
        """Return when this send may go."""
        if not self._interval:
            return
        loop = asyncio.get_running_loop()
        rank = SCHEDULED if scheduled else REPLY
        ahead = any(r <= rank and not turn.done() for r, _, turn in self._waiting)
        if not ahead and self._delay(loop.time(), rank) <= 0:
            self._take(loop.time())
            return
        turn: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiting, (rank, next(self._order), turn))
        if self._turns is not None:  # a reply may go before the send it was sleeping for
            self._turns.cancel()
        self._turns = loop.create_task(self._give_turns())
        await turn

    async def _give_turns(self) -> None:
        loop = asyncio.get_running_loop()
        while self._waiting:
            rank, _, turn = self._waiting[0]
            if turn.done():  # its sender gave up
                heapq.heappop(self._waiting)
                continue
            delay = self._delay(loop.time(), rank)
            if delay > 0:
                await asyncio.sleep(delay)
                continue
            heapq.heappop(self._waiting)
            self._take(loop.time())
            turn.set_result(None)

    def _delay(self, now: float, rank: int) -> float:
        room = self._burst if rank == REPLY else 0.0
        return self._due - room - now

    def _take(self, now: float) -> None:
        self._due = max(self._due, now) + self._interval
