"""The voice desk: one transcription at a time on its own thread, a short bounded line,
and the event loop (every chat's answers) never waiting behind it.

The speech engine here is `SlowStubEngine`, a stub: it returns fixed words after holding
its thread, so the line and the threads can be watched. The real engine has its own test
(tests/integration/test_voice_real_engine.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from bot.voice.desk import TooBig, VoiceDesk
from tests.speech import encode, tone

SPEECH = encode(tone(1.0, rate=48_000), rate=48_000, fmt="ogg")  # decodable, loud enough


class SlowStubEngine:
    """A stub speech engine: "vneid 3" after `hold` seconds; counts who runs at once."""

    name = "slow-stub"

    def __init__(self, hold: float = 0.3) -> None:
        self.hold = hold
        self.running = 0
        self.most_at_once = 0
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def transcribe(self, samples: Any) -> str:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
            self.threads.add(threading.current_thread().name)
        time.sleep(self.hold)  # holds its thread, as a real model holds a core
        with self._lock:
            self.running -= 1
        return "vneid 3"


async def fetch(limit: int) -> bytes:
    return SPEECH


def test_voice_messages_are_heard_one_at_a_time_and_the_line_is_bounded():
    engine = SlowStubEngine(hold=0.3)
    desk = VoiceDesk(engine, waiting=2)  # one heard, two waiting: three at most

    async def burst() -> list[str]:
        heard = await asyncio.gather(*(desk.hear(fetch) for _ in range(6)))
        return [h.problem or h.text for h in heard]

    answers = asyncio.run(burst())
    desk.close()
    assert answers.count("vneid 3") == 3
    assert answers.count("busy") == 3
    assert engine.most_at_once == 1
    assert engine.threads and all(name.startswith("voice") for name in engine.threads)


def test_a_place_in_the_line_frees_up_when_a_message_has_been_heard():
    desk = VoiceDesk(SlowStubEngine(hold=0.05), waiting=0)

    async def one_after_another() -> list[str]:
        return [((await desk.hear(fetch)).text) for _ in range(3)]

    assert asyncio.run(one_after_another()) == ["vneid 3"] * 3
    assert desk.taken == 0
    desk.close()


def test_the_event_loop_keeps_answering_while_a_message_is_heard():
    desk = VoiceDesk(SlowStubEngine(hold=0.5))

    async def measure() -> float:
        gaps: list[float] = []
        hearing = asyncio.create_task(desk.hear(fetch))
        last = time.perf_counter()
        while not hearing.done():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
        return max(gaps)

    worst = asyncio.run(measure())
    desk.close()
    assert worst < 0.1  # the stub held its thread 0.5 s; the loop went on ticking


def test_a_message_announced_too_long_is_not_even_fetched():
    fetched: list[int] = []

    async def counting_fetch(limit: int) -> bytes:
        fetched.append(limit)
        return SPEECH

    desk = VoiceDesk(SlowStubEngine(hold=0), max_seconds=60)
    heard = asyncio.run(desk.hear(counting_fetch, seconds=61))
    assert (heard.problem, heard.limit, fetched) == ("too_long", 60, [])
    assert asyncio.run(desk.hear(counting_fetch, seconds=60)).text == "vneid 3"
    assert fetched == [desk.max_bytes]
    desk.close()


async def too_big(limit: int) -> bytes:
    raise TooBig


async def unreachable(limit: int) -> bytes:
    raise ConnectionError("file host down")


class BrokenStubEngine:
    """A stub speech engine that always fails, as a crashing model would."""

    name = "broken-stub"

    def transcribe(self, samples: Any) -> str:
        raise RuntimeError("model crashed")


@pytest.mark.parametrize(
    ("engine", "get", "problem"),
    [
        (SlowStubEngine(hold=0), too_big, "too_long"),
        (SlowStubEngine(hold=0), unreachable, "failed"),
        (BrokenStubEngine(), fetch, "failed"),
    ],
)
def test_what_goes_wrong_becomes_an_answer_never_an_exception(engine: Any, get: Any, problem: str):
    desk = VoiceDesk(engine)
    heard = asyncio.run(desk.hear(get))
    desk.close()
    assert (heard.problem, heard.text) == (problem, "")
    assert desk.taken == 0
