"""Two workers on one PostgreSQL database answer at the same moment (SPEC §3, §7).

These tests exist for PostgreSQL only: the `db_url` fixture is parametrized here with the
one backend where two processes really write at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config
from handlers import texts
from handlers.messages import Incoming, Reply
from storage.personal import message_ref
from tests.conftest import Clock, Roster
from tests.helpers import service_totals, stored_logs

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

ROUNDS = 5


@pytest.fixture
def worker_two(config: Config, clock: Clock) -> Iterator[App]:
    """A second worker process on the same database."""
    other = build_app(config, clock=clock)
    yield other
    other.db.dispose()


def _at_once(jobs: list[tuple[App, Incoming]]) -> list[list[Reply] | BaseException]:
    """Hand each message to its worker, all starting together; answers or errors in order."""
    barrier = threading.Barrier(len(jobs))
    out: list[list[Reply] | BaseException] = [RuntimeError("not run")] * len(jobs)

    def run(n: int) -> None:
        worker, incoming = jobs[n]
        barrier.wait()
        try:
            out[n] = worker.engine.handle(incoming)
        except BaseException as exc:
            out[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return out


def _says_already(replies: list[Reply]) -> bool:
    return replies[0].text.startswith(texts.ALREADY_HANDLED)


def _message(chat: ConsoleChat, text: str, key: str) -> Incoming:
    return Incoming("console", chat.user_id, chat.user_id, text=text, message_key=key)


def test_postgres_is_the_database_here(app: App):
    assert app.db.dialect.name == "postgresql"


def test_one_message_delivered_to_two_workers_at_once_is_stored_once_with_one_answer(
    app: App, worker_two: App, member: ConsoleChat, clock: Clock
):
    for n in range(ROUNDS):
        clock.now += timedelta(minutes=11)  # a new visit each round, not a report sent again
        incoming = _message(member, "vneid 2", f"telegram:update:{n}")
        first, second = _at_once([(app, incoming), (worker_two, incoming)])
        assert not isinstance(first, BaseException), repr(first)
        assert not isinstance(second, BaseException), repr(second)
        again, once = sorted([first, second], key=lambda r: not _says_already(r))
        assert _says_already(again) and not _says_already(once), (again, once)
        assert "Đã ghi" in once[0].text
        assert again[0].text == f"{texts.ALREADY_HANDLED}\n\n{once[0].text}"
        assert again[1:] == once[1:] and again[0].choices == once[0].choices
    logs = stored_logs(app)
    assert len(logs) == ROUNDS
    key = app.config.privacy_key
    assert sorted(log.message_key or "" for log in logs) == sorted(
        message_ref(key, f"telegram:update:{n}", member.user_id) for n in range(ROUNDS)
    )
    assert service_totals(app) == {"vneid": 2 * ROUNDS}


def test_two_messages_of_one_member_at_once_are_both_stored(
    app: App, worker_two: App, roster: Roster
):
    for n in range(ROUNDS):
        chat = roster.joined(f"Thành viên {n}")
        answers = _at_once(
            [
                (app, _message(chat, "vneid 1", f"{chat.user_id}:a")),
                (worker_two, _message(chat, "sskdt 2", f"{chat.user_id}:b")),
            ]
        )
        for answer in answers:
            assert not isinstance(answer, BaseException), repr(answer)
            assert "Đã ghi" in answer[0].text
    assert len(stored_logs(app)) == 2 * ROUNDS
    assert service_totals(app) == {"vneid": ROUNDS, "sskdt": 2 * ROUNDS}


def test_two_members_logging_at_once_on_two_workers_are_both_stored(
    app: App, worker_two: App, roster: Roster
):
    for n in range(ROUNDS):
        one = roster.joined(f"Người A{n}")
        two = roster.joined(f"Người B{n}")
        answers = _at_once(
            [
                (app, _message(one, "vneid 1", f"{one.user_id}:1")),
                (worker_two, _message(two, "vneid 1", f"{two.user_id}:1")),
            ]
        )
        for answer in answers:
            assert not isinstance(answer, BaseException), repr(answer)
    assert service_totals(app) == {"vneid": 2 * ROUNDS}


def test_one_silent_message_delivered_to_two_workers_at_once_is_answered_by_one_only(
    app: App, worker_two: App, member: ConsoleChat, clock: Clock
):
    """Zalo posting a message twice, to two workers: one answers, the other says nothing."""
    for n in range(ROUNDS):
        clock.now += timedelta(minutes=11)
        incoming = replace(_message(member, "vneid 2", f"zalo:{n}"), silent_redelivery=True)
        answers = _at_once([(app, incoming), (worker_two, incoming)])
        assert not any(isinstance(a, BaseException) for a in answers), answers
        silent, once = sorted(answers, key=len)
        assert silent == [] and "Đã ghi" in once[0].text, answers  # type: ignore[index]
    assert service_totals(app) == {"vneid": 2 * ROUNDS}
