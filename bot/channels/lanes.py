"""Many chats answered at once, each chat's messages in the order they came.

A member's messages must be handled one after another (a reply may answer the question
the previous message asked), but twenty members of a ward should not wait for each other.
`ChatLanes` gives each chat a lane: work in one lane runs in order, lanes run side by side,
at most `limit` at a time (each holds a database connection while the engine works).

Usage:
    lanes = ChatLanes(limit=8)
    lanes.submit(chat_id, lambda: handle(update))   # returns at once
    await lanes.drain(timeout=10)                    # on shutdown: let started work finish
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from handlers.failures import failure_trace

log = logging.getLogger(__name__)
LIMIT = 8  # chats handled at once; below the database pool's 5 + 10 connections
Job = Callable[[], Awaitable[None]]


class ChatLanes:
    """Runs jobs concurrently across chats and one at a time, in order, within a chat."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._lanes: dict[str, tuple[asyncio.Lock, int]] = {}  # lock, jobs using it
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self, chat: str, job: Job) -> None:
        """Run one job in its chat's lane, after the jobs of that chat submitted before it."""
        lock, users = self._lanes.get(chat, (asyncio.Lock(), 0))
        self._lanes[chat] = (lock, users + 1)
        try:
            async with lock, self._slots:  # the lane first: a waiting job holds no slot
                await job()
        finally:
            lock, users = self._lanes[chat]
            if users == 1:
                del self._lanes[chat]
            else:
                self._lanes[chat] = (lock, users - 1)

    def submit(self, chat: str, job: Job) -> None:
        """Start a job in the background; an error is logged and the lane goes on."""
        task = asyncio.create_task(self._guarded(chat, job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guarded(self, chat: str, job: Job) -> None:
        try:
            await self.run(chat, job)
        except Exception as exc:  # one bad update must not stop the others
            log.error("update failed\n%s", failure_trace(exc))  # its message may quote it

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished."""
        return len(self._tasks)

    async def drain(self, timeout: float) -> None:
        """Wait for submitted jobs to finish; those still running after `timeout` are cancelled."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            log.warning("stopped with %d updates unfinished", len(late))
            await asyncio.wait(late)
