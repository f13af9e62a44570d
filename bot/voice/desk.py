"""The voice desk: voice messages heard one at a time, off the event loop, in a short line.

Usage:
    desk = VoiceDesk(load_engine("viet-asr"), max_seconds=60)
    heard = await desk.hear(fetch)     # fetch(max_bytes) -> the message's bytes

Transcribing takes a few seconds of one core. It runs on the desk's own threads (`workers`,
1 by default), never on the event loop nor on the threads that answer typed messages, so
chat answers never wait behind it. At most `waiting` more messages queue; past that the
member is told to try again later instead of waiting minutes. The sound stays in memory
and is dropped when heard: it is never written to disk and never stored.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from bot.voice.audio import SoundProblem, decode
from bot.voice.engines import Transcriber
from handlers.failures import failure_trace
from handlers.messages import Heard

log = logging.getLogger(__name__)
# a minute of speech is about 250 KB as Opus and 500 KB as AAC; a file far larger than
# this for its length is not a voice message
BYTES_PER_SECOND = 40_000
Fetch = Callable[[int], Awaitable[bytes]]


class TooBig(Exception):
    """The file is larger than a voice message of the allowed length can be."""


class VoiceDesk:
    """Hears voice messages on its own threads, with a bounded line."""

    def __init__(
        self,
        engine: Transcriber,
        *,
        max_seconds: int = 60,
        workers: int = 1,
        waiting: int = 4,
        observe: Callable[[str], None] | None = None,
    ) -> None:
        self._engine = engine
        self._observe = observe  # told "heard", or the problem, of each message
        self.max_seconds = max_seconds
        self.max_bytes = 64_000 + BYTES_PER_SECOND * max_seconds
        self.capacity = workers + waiting
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="voice")
        self._taken = 0  # messages being fetched, heard or waiting: touched on the loop only

    @property
    def taken(self) -> int:
        """How many voice messages are being heard or waiting now."""
        return self._taken

    def problem(self, kind: str) -> Heard:
        """A voice message that was not heard, and why."""
        if self._observe is not None:
            self._observe(kind)
        return Heard(problem=kind, limit=self.max_seconds)

    async def hear(self, fetch: Fetch, *, seconds: float | None = None) -> Heard:
        """Fetch, decode and transcribe one message; always an answer, never an exception.

        `seconds`: the length the platform announced, checked before anything is fetched.
        """
        if seconds is not None and seconds > self.max_seconds:
            return self.problem("too_long")
        if self._taken >= self.capacity:
            log.warning("voice line full capacity=%d", self.capacity)
            return self.problem("busy")
        self._taken += 1
        try:
            try:
                data = await fetch(self.max_bytes)
            except TooBig:
                return self.problem("too_long")
            except Exception as exc:  # the platform's file server: told, never raised
                log.warning("voice not fetched reason=%s", type(exc).__name__)
                return self.problem("failed")
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, self.hear_now, data)
        finally:
            self._taken -= 1

    def hear_now(self, data: bytes) -> Heard:
        """Decode and transcribe on the calling thread (the desk's own, or the CLI's)."""
        started = time.perf_counter()
        try:
            sound = decode(data, max_seconds=self.max_seconds)
        except SoundProblem as exc:
            log.info("voice not heard reason=%s", exc)
            return self.problem(exc.kind)
        try:
            words = self._engine.transcribe(sound.samples)
        except Exception as exc:  # its message could hold what was heard
            log.error("voice engine failed engine=%s\n%s", self._engine.name, failure_trace(exc))
            return self.problem("failed")
        took = time.perf_counter() - started
        # never the words themselves: they may name citizens
        log.info(
            "voice heard seconds=%.1f took=%.2fs words=%d", sound.seconds, took, len(words.split())
        )
        if self._observe is not None:
            self._observe("heard")
        return Heard(text=words, seconds=sound.seconds, limit=self.max_seconds)

    def close(self) -> None:
        """Stop the desk's threads; what is waiting is dropped."""
        self._pool.shutdown(wait=False, cancel_futures=True)
