"""Chat lanes: members of a ward are answered side by side, each member's messages in order."""

from __future__ import annotations

import asyncio

from bot.channels.lanes import ChatLanes


def test_a_chats_messages_are_handled_in_the_order_they_came_even_when_the_first_is_slow():
    async def work() -> list[str]:
        lanes, done = ChatLanes(), []
        slow = asyncio.Event()

        async def first() -> None:
            await slow.wait()
            done.append("/ghi")

        async def second() -> None:
            done.append("3")

        lanes.submit("lan", first)
        lanes.submit("lan", second)
        for _ in range(20):  # turns of the loop: a lane that did not wait would run "3" now
            await asyncio.sleep(0)
        assert done == []  # the answer "3" waits for the question it answers
        slow.set()
        await lanes.drain(timeout=5)
        return done

    assert asyncio.run(work()) == ["/ghi", "3"]


def test_another_member_is_answered_while_one_members_message_is_still_being_handled():
    async def work() -> None:
        lanes, answered = ChatLanes(), asyncio.Event()
        stuck = asyncio.Event()

        async def lan() -> None:
            await stuck.wait()

        async def minh() -> None:
            answered.set()

        lanes.submit("lan", lan)
        lanes.submit("minh", minh)
        await asyncio.wait_for(answered.wait(), timeout=2)  # Minh does not wait for Lan
        stuck.set()
        await lanes.drain(timeout=5)

    asyncio.run(work())


def test_no_more_chats_than_the_limit_are_handled_at_once():
    async def work() -> int:
        lanes, running, most = ChatLanes(limit=3), 0, 0

        async def job() -> None:
            nonlocal running, most
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.01)
            running -= 1

        for n in range(20):
            lanes.submit(f"chat-{n}", job)
        await lanes.drain(timeout=5)
        assert lanes.pending == 0
        return most

    assert asyncio.run(work()) == 3


def test_a_failing_message_does_not_stop_the_next_one_in_its_chat():
    async def work() -> list[str]:
        lanes, done = ChatLanes(), []

        async def broken() -> None:
            raise RuntimeError("bad update")

        async def fine() -> None:
            done.append("vneid 2")

        lanes.submit("lan", broken)
        lanes.submit("lan", fine)
        await lanes.drain(timeout=5)
        return done

    assert asyncio.run(work()) == ["vneid 2"]


def test_stopping_waits_for_work_taken_in_and_cancels_only_what_outlives_the_wait():
    async def work() -> tuple[list[str], int]:
        lanes, done = ChatLanes(), []

        async def quick() -> None:
            await asyncio.sleep(0.05)
            done.append("quick")

        async def hung() -> None:
            await asyncio.sleep(60)
            done.append("hung")

        lanes.submit("lan", quick)
        lanes.submit("minh", hung)
        await lanes.drain(timeout=0.5)
        return done, lanes.pending

    assert asyncio.run(work()) == (["quick"], 0)
