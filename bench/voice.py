"""Voice messages: how fast and how heavy hearing is, and what it costs typed messages.

Usage: .venv/bin/python -m bench.voice [--rate 20] [--seconds 20] [--clips 12]

The real engine (viet-asr, offline) on the twelve Common Voice clips of tests/fixtures/voice
(CC0; SOURCES.md), decoded from their MP3 like a voice message.

Everything is heard through one voice desk, as in the bot (one model loaded, on its thread).

- Per clip: its length, the time to decode and hear it, the real-time factor (time / length)
  and the process's peak RSS after it (a high-water mark: it only grows), plus the word
  errors against the reference sentence.
- Voice messages a minute: the clips queued on one voice desk (one worker, the bot's
  default), heard one after another: messages / wall time.
- Typed entries while hearing: an in-process bot (the real engine, `build_app` on a fresh
  SQLite demo ward) answers quick entries at `--rate` a second, each through
  `asyncio.to_thread(engine.handle, …)` as the channels do, for `--seconds` with no voice
  (the baseline), then for `--seconds` while the desk hears clips back to back. Reported:
  p50/p95 answer latency of each, and p95 added (target ≤ 25 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
from dataclasses import replace
from statistics import quantiles
from typing import Any

from bench.common import report
from bot.app import build_app
from bot.channels.console import ConsoleChat
from bot.config import Config, DatabaseConfig
from bot.voice.desk import VoiceDesk
from bot.voice.engines import load_engine
from handlers.demo import load_demo
from tests.speech import clips, word_errors

ENTRIES = ["vneid 3 sskdt 2", "hôm qua 4 hộ vneid 6 @ ngõ 5", "mức 2 3", "smart hp 2 bc114 1"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fetching(data: bytes) -> Any:
    """The desk's fetch for bytes already here."""

    async def fetch(limit: int) -> bytes:
        return data

    return fetch


async def per_clip(desk: VoiceDesk, count: int) -> list[dict[str, Any]]:
    rows = []
    for clip in clips()[:count]:
        started = time.perf_counter()
        heard = await desk.hear(fetching(clip.data))
        took = time.perf_counter() - started
        wrong, words = word_errors(clip.sentence, heard.text)
        rows.append(
            {
                "clip": clip.name,
                "seconds": round(heard.seconds, 2),
                "took_s": round(took, 3),
                "rtf": round(took / heard.seconds, 3),
                "peak_rss_mb": round(peak_mb(), 1),
                "word_errors": f"{wrong}/{words}",
            }
        )
    return rows


async def messages_a_minute(desk: VoiceDesk, count: int) -> dict[str, Any]:
    started = time.perf_counter()
    heard = await asyncio.gather(*[desk.hear(fetching(c.data)) for c in clips()[:count]])
    wall = time.perf_counter() - started
    spoken = sum(h.seconds for h in heard)
    return {
        "messages": len(heard),
        "busy": sum(h.problem == "busy" for h in heard),
        "wall_s": round(wall, 2),
        "per_minute": round(len(heard) / wall * 60, 1),
        "speech_seconds": round(spoken, 1),
    }


async def typed_latency(
    chat: ConsoleChat, *, rate: float, seconds: float, desk: VoiceDesk | None
) -> list[float]:
    """Answer latencies (ms) of quick entries sent at `rate` a second; with `desk`, while
    it hears clips back to back."""
    stop = asyncio.Event()

    async def keep_hearing() -> int:
        assert desk is not None
        heard = 0
        data = [clip.data for clip in clips()]
        while not stop.is_set():
            await desk.hear(fetching(data[heard % len(data)]))
            heard += 1
        return heard

    hearing = asyncio.create_task(keep_hearing()) if desk is not None else None
    latencies: list[float] = []

    async def one(text: str) -> None:
        started = time.perf_counter()
        await asyncio.to_thread(chat.send, text)
        latencies.append((time.perf_counter() - started) * 1000)

    tasks = []
    begin = time.perf_counter()
    n = 0
    while time.perf_counter() - begin < seconds:
        tasks.append(asyncio.create_task(one(ENTRIES[n % len(ENTRIES)])))
        n += 1
        await asyncio.sleep(max(0.0, begin + n / rate - time.perf_counter()))
    await asyncio.gather(*tasks)
    stop.set()
    if hearing is not None:
        await hearing
    return latencies


def summary(latencies: list[float]) -> dict[str, float]:
    cuts = quantiles(latencies, n=20)
    return {"n": len(latencies), "p50_ms": round(cuts[9], 1), "p95_ms": round(cuts[18], 1)}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    rss_before = peak_mb()
    engine = load_engine("viet-asr")
    desk = VoiceDesk(engine, max_seconds=60, waiting=100)
    started = time.perf_counter()
    await desk.hear(fetching(clips()[0].data))  # the model loads on the first message
    first = time.perf_counter() - started
    rows = await per_clip(desk, args.clips)
    throughput = await messages_a_minute(desk, args.clips)
    with tempfile.TemporaryDirectory() as folder:
        config = replace(Config(), database=DatabaseConfig(url=f"sqlite:///{folder}/bench.db"))
        app = build_app(config)
        with app.uow() as uow:
            load_demo(uow, now=app.clock(), zone=config.zone, invite_days=30)
            uow.commit()
        chat = ConsoleChat(app.engine, user_id="demo")
        chat.send("vneid 1")  # warm up
        quiet = await typed_latency(chat, rate=args.rate, seconds=args.seconds, desk=None)
        loaded = await typed_latency(chat, rate=args.rate, seconds=args.seconds, desk=desk)
        app.db.dispose()
    desk.close()
    base, busy = summary(quiet), summary(loaded)
    rtfs = [r["rtf"] for r in rows]
    return {
        "engine": engine.name,
        "first_message_s": round(first, 2),
        "rss_before_engine_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_mb(), 1),
        "rtf_mean": round(sum(rtfs) / len(rtfs), 3),
        "rtf_max": max(rtfs),
        "clips": rows,
        "one_worker": throughput,
        "typed_without_voice": base,
        "typed_while_hearing": busy,
        "p95_added_ms": round(busy["p95_ms"] - base["p95_ms"], 1),
        "meets_target": busy["p95_ms"] - base["p95_ms"] <= 25,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20, help="typed entries a second")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--clips", type=int, default=12, help="clips to hear (1-12)")
    args = parser.parse_args()
    report("voice", asyncio.run(run(args)))


if __name__ == "__main__":
    main()
