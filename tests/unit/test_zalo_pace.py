"""Zalo's send pace without the clock's mercy: what may go at once goes without waiting, and
what must wait never goes before its time (lower bounds only: a busy machine makes sends
later, never earlier)."""

from __future__ import annotations

import asyncio

from bot.channels.zalo_pace import SendPace


def test_after_a_quiet_spell_a_burst_of_per_second_sends_goes_without_waiting():
    async def burst() -> list[bool]:
        pace = SendPace(10)
        waits = [asyncio.ensure_future(pace.wait()) for _ in range(10)]
        await asyncio.sleep(0)  # one turn of the loop: none of them slept
        done = [w.done() for w in waits]
        await asyncio.gather(*waits)
        return done

    assert asyncio.run(burst()) == [True] * 10


def test_after_the_burst_each_send_waits_its_turn_at_the_even_pace():
    async def paced() -> tuple[float, list[float]]:
        pace = SendPace(10)
        loop = asyncio.get_running_loop()
        started = loop.time()

        async def send() -> float:
            await pace.wait()
            return loop.time()

        return started, list(await asyncio.gather(*(send() for _ in range(15))))

    started, went = asyncio.run(paced())
    after_burst = sorted(went)[10:]
    # the 11th send goes 0.1 s after the start at the earliest, the 15th 0.5 s
    for n, at in enumerate(after_burst, start=1):
        assert at - started >= n * 0.1 - 1e-6, (n, at - started)


def test_a_reply_goes_before_a_scheduled_send_that_was_waiting():
    async def order() -> list[str]:
        pace = SendPace(10)
        for _ in range(10):
            await pace.wait()  # the burst is used up
        gone: list[str] = []

        async def send(name: str, scheduled: bool) -> None:
            await pace.wait(scheduled=scheduled)
            gone.append(name)

        tally = asyncio.ensure_future(send("tally", True))
        await asyncio.sleep(0)
        reply = asyncio.ensure_future(send("reply", False))
        await asyncio.gather(tally, reply)
        return gone

    assert asyncio.run(order()) == ["reply", "tally"]
