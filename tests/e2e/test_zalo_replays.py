"""Zalo handing messages back, and answering "nothing new" at once, as integrators measured
it live: the real bot (`bot.runner.serve`, as `gotungnha run`) polls the fake Zalo server
over real HTTP, on SQLite and on PostgreSQL.

A copy of a message costs nothing (no answer, no send: every answer spends the month's
quota), and a poll that brought nothing new is followed by the next one no sooner than
`poll_floor_seconds` after it began: the fake's own clock of getUpdates calls shows it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from bot.app import App, build_app
from bot.config import Config
from handlers import texts
from tests.conftest import Clock, Roster
from tests.e2e.running import RunningBot, zalo_config
from tests.e2e.test_zalo import Person, join
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import service_totals, stored_logs

FLOOR = 0.2  # seconds: the tests' poll_floor_seconds (1 by default)
REPLAYS = 6  # polls on which the fake hands each update back


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


@pytest.fixture
def polling(config: Config, zalo: FakeZalo, clock: Clock) -> Iterator[App]:
    settings = zalo_config(config, zalo, mode="polling", poll_floor_seconds=FLOOR)
    app = build_app(settings, clock=clock)
    yield app
    app.db.dispose()


def answers_to(zalo: FakeZalo, chat: str) -> list[str]:
    """Every sendMessage the fake received for a chat, in order."""
    return [body["text"] for body in zalo.calls_of("sendMessage") if body["chat_id"] == chat]


def assert_polled_no_faster_than_the_floor(times: list[float], *, new_messages: int) -> None:
    """Only a poll that brought a new message is followed at once; every other gap is the
    floor, so the polls in the window are at most window / floor, and one for each new
    message, and one for the first (and one for timing jitter between bot and fake)."""
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    quick = [round(gap, 3) for gap in gaps if gap < FLOOR / 2]
    assert len(quick) <= new_messages, f"{len(quick)} polls at once: {quick}"
    window = times[-1] - times[0]
    most = window / FLOOR + new_messages + 2
    assert len(times) <= most, f"{len(times)} getUpdates in {window:.2f}s (at most {most:.1f})"


def test_two_messages_handed_back_in_turn_are_each_answered_once_and_polled_at_the_floor(
    zalo: FakeZalo, polling: App
):
    with RunningBot(polling):
        lan = join(zalo, polling, "u-lan", "Nguyễn Thị Lan")
        before = len(answers_to(zalo, "u-lan"))
        zalo.replay(polls=REPLAYS)
        started = len(zalo.call_times("getUpdates"))
        zalo.send_text(lan.user, "vneid 2")  # A, then B: handed back A, B, A, B…
        zalo.send_text(lan.user, "sskdt 3")
        zalo.wait_for(lambda: not zalo.pending and not zalo.replaying, timeout=30)
        polls = zalo.call_times("getUpdates")[started:]
        zalo.replay(polls=0)
        mine = lan.say("/cuatoi")  # answered after anything taken in before it, in order
    assert_polled_no_faster_than_the_floor(polls, new_messages=2)
    assert len(polls) >= 2 * REPLAYS  # the fake did hand every copy out
    answers = answers_to(zalo, "u-lan")[before:]
    assert len(answers) == 3, answers  # one sendMessage for A, one for B, one for /cuatoi
    assert "Cài đặt VNeID: 2" in answers[0] and "Sổ sức khỏe điện tử: 3" in answers[1]
    assert not any(texts.ALREADY_HANDLED in answer for answer in answers)
    assert "Cài đặt VNeID: 2" in mine
    assert service_totals(polling) == {"vneid": 2, "sskdt": 3}


@pytest.mark.parametrize("http_status", [200, 408], ids=["http-200", "http-408"])
def test_an_instant_no_update_is_not_polled_in_a_tight_loop(
    zalo: FakeZalo, polling: App, http_status: int, caplog: pytest.LogCaptureFixture
):
    with RunningBot(polling):
        zalo.wait_calls("getUpdates")  # the first long poll waits
        zalo.answer_empty_at_once(http_status)  # it and every next one: 408 at once
        started = len(zalo.call_times("getUpdates"))
        zalo.wait_calls("getUpdates", started + 8, timeout=10)
        polls = zalo.call_times("getUpdates")[started - 1 : started + 8]
        code = Roster(polling).add("Nguyễn Thị Lan")
        lan = Person(zalo, "u-lan", "Lan", polling)
        assert "Trả lời 1 hoặc 2" in lan.say(f"thamgia {code}")  # messages still come in
    assert_polled_no_faster_than_the_floor(polls, new_messages=0)
    assert "getUpdates failed" not in caplog.text  # "nothing new", not an outage


def test_a_message_handed_back_after_a_restart_gets_no_answer(zalo: FakeZalo, polling: App):
    with RunningBot(polling):
        lan = join(zalo, polling, "u-lan", "Nguyễn Thị Lan")
        before = len(answers_to(zalo, "u-lan"))
        update = zalo.send_text(lan.user, "vneid 4")
        zalo.wait_sent("u-lan", before + 1)
    with RunningBot(polling):  # a new process remembers nothing: the database does
        zalo.redeliver(update)
        lan.say("/cuatoi")  # answered after the copy, which came first
    answers = answers_to(zalo, "u-lan")[before:]
    assert len(answers) == 2, answers
    assert "Đã ghi" in answers[0] and texts.ALREADY_HANDLED not in answers[1]
    assert len(stored_logs(polling)) == 1
