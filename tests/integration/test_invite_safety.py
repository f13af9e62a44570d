"""Invite codes stand up to races and guessing (security review: "one invite, two accounts",
"guessable invites").

A code links one chat account, even when two people press "Đồng ý" at the same moment on
two workers; new codes are 8 characters; a chat account that types 10 wrong codes within
an hour is not listened to until the hour is over, and the log never holds what was typed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config
from handlers import texts
from handlers.messages import Incoming, Reply
from storage.invites import attempt_ref
from storage.models import ChatIdentity, InviteAttempt, InviteCode, Member
from storage.roster import CODE_ALPHABET
from tests.conftest import Clock, Roster, identities

ROUNDS = 10
TOO_MANY = "Bạn đã gõ sai mã mời nhiều lần"


def _stranger(app: App, user: str) -> ConsoleChat:
    return ConsoleChat(app.engine, user_id=user, display_name="Bác Hùng")


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


def _linked_to(app: App, code: str) -> list[str]:
    """The chat accounts linked to the member the code was made for."""
    with app.uow() as uow:
        invite = uow.session.get_one(InviteCode, code)
        stmt = select(ChatIdentity.user_id).where(ChatIdentity.member_id == invite.member_id)
        return sorted(uow.session.exec(stmt))


# --- one invite, one account ------------------------------------------------------------


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_people_agreeing_at_once_with_one_code_on_two_workers_link_one_account(
    app: App, worker_two: App, roster: Roster
):
    for n in range(ROUNDS):
        code = roster.add(f"Phạm Văn Hùng {n}")
        first, second = _stranger(app, f"first-{n}"), _stranger(worker_two, f"second-{n}")
        assert "  1. Đồng ý" in first.say(f"/thamgia {code}")
        assert "  1. Đồng ý" in second.say(f"/thamgia {code}")
        agree = [
            Incoming("console", chat.user_id, chat.user_id, text="1", message_key=f"k-{n}-{i}")
            for i, chat in enumerate((first, second))
        ]
        answers = _at_once([(app, agree[0]), (worker_two, agree[1])])
        for answer in answers:
            assert not isinstance(answer, BaseException), repr(answer)
        texts_ = [r[0].text for r in answers if not isinstance(r, BaseException)]
        welcomed = [t for t in texts_ if "Chào mừng" in t]
        assert len(welcomed) == 1, (n, texts_)
        assert texts.INVITE_JUST_USED in texts_, (n, texts_)
        assert len(_linked_to(app, code)) == 1, n


# --- guessable invites --------------------------------------------------------------------


def test_new_codes_are_8_characters_of_the_easy_to_read_alphabet(app: App, roster: Roster):
    codes = [roster.add(f"Người {n}") for n in range(20)]
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert len(set(codes)) == 20


def test_a_6_character_code_given_out_before_still_works(app: App, roster: Roster, clock: Clock):
    roster.add("Phạm Văn Hùng")
    with app.uow() as uow:
        member = uow.session.exec(select(Member).where(Member.name == "Phạm Văn Hùng")).one()
        assert member.id is not None
        old = InviteCode(
            code="K7M3PX",
            member_id=member.id,
            created_at=clock.now,
            expires_at=clock.now + timedelta(days=30),
        )
        uow.session.add(old)
        uow.commit()
    chat = _stranger(app, "hung")
    assert "  1. Đồng ý" in chat.say("/thamgia k7m 3px")
    assert "Chào mừng Phạm Văn Hùng" in chat.say("1")


def _wrong(n: int) -> str:
    return f"SAI{n:02d}XYZ"


def test_after_10_wrong_codes_in_an_hour_even_the_right_code_waits_until_the_hour_is_over(
    app: App, roster: Roster, clock: Clock
):
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app, "guesser")
    for n in range(10):
        assert chat.say(f"/thamgia {_wrong(n)}") == texts.INVITE_INVALID, n
        clock.now += timedelta(minutes=1)
    eleventh = chat.say(f"/thamgia {_wrong(10)}")
    assert TOO_MANY in eleventh
    assert "11:00" in eleventh  # 10:00 in Hải Phòng was the first: it counts until 11:00
    right = chat.say(f"/thamgia {code}")
    assert TOO_MANY in right and "Đồng ý" not in right
    assert TOO_MANY in chat.say(f"thamgia {code}")  # without the slash, or as /start
    assert TOO_MANY in chat.say(f"/start {code}")
    clock.set_local(2026, 11, 23, 10, 59)
    assert TOO_MANY in chat.say(f"/thamgia {code}")
    clock.set_local(2026, 11, 23, 11, 0)  # the first wrong code is an hour old now
    assert "  1. Đồng ý" in chat.say(f"/thamgia {code}")
    assert "Chào mừng Phạm Văn Hùng" in chat.say("1")
    assert [i.user_id for i in identities(app)] == ["guesser"]


def test_refused_attempts_do_not_count_so_the_wait_ends_an_hour_after_the_first_failure(
    app: App, roster: Roster, clock: Clock
):
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app, "guesser")
    for n in range(10):
        chat.say(f"/thamgia {_wrong(n)}")
    for n in range(5):  # refused without looking: the code is not checked, nothing recorded
        clock.now += timedelta(minutes=10)
        assert TOO_MANY in chat.say(f"/thamgia {_wrong(20 + n)}")
    clock.now += timedelta(minutes=10)  # 11:00
    assert "  1. Đồng ý" in chat.say(f"/thamgia {code}")


def test_the_limit_is_per_chat_account(app: App, roster: Roster):
    code = roster.add("Phạm Văn Hùng")
    guesser = _stranger(app, "guesser")
    for n in range(11):
        guesser.say(f"/thamgia {_wrong(n)}")
    assert TOO_MANY in guesser.say(f"/thamgia {code}")
    other = _stranger(app, "hung")
    assert "  1. Đồng ý" in other.say(f"/thamgia {code}")
    assert "Chào mừng" in other.say("1")


def test_the_limit_is_kept_in_the_database_so_another_worker_applies_it(
    app: App, worker_two: App, roster: Roster
):
    code = roster.add("Phạm Văn Hùng")
    for n in range(10):
        _stranger(app, "guesser").say(f"/thamgia {_wrong(n)}")
    assert TOO_MANY in _stranger(worker_two, "guesser").say(f"/thamgia {code}")


def test_a_wrong_code_in_a_group_or_from_a_member_is_not_counted(
    app: App, roster: Roster, member: ConsoleChat
):
    for n in range(12):
        member.say(f"/thamgia {_wrong(n)}")
    group = Incoming("console", "group-1", "guesser", text=f"/thamgia {_wrong(0)}", is_group=True)
    for _ in range(12):
        app.engine.handle(group)
    with app.uow() as uow:
        assert list(uow.session.exec(select(InviteAttempt))) == []


def test_failed_attempts_are_logged_without_the_code_typed(
    app: App, roster: Roster, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    code = roster.add("Phạm Văn Hùng")
    chat = _stranger(app, "guesser-42")
    typed = [_wrong(n) for n in range(11)]
    for guess in typed:
        chat.say(f"/thamgia {guess.lower()}")
    chat.say(f"/thamgia {code}")
    failed = [r.getMessage() for r in caplog.records if "invite failed" in r.getMessage()]
    assert failed[0] == "invite failed platform=console attempts=1"
    assert failed[-1] == "invite failed platform=console attempts=10"
    assert len(failed) == 10
    refused = [r for r in caplog.records if "invite refused" in r.getMessage()]
    assert len(refused) == 2 and all(r.levelno == logging.WARNING for r in refused)
    logged = caplog.text.upper()
    for secret in (*typed, code):
        assert secret not in logged
    assert "GUESSER-42" not in logged


def test_attempts_older_than_a_day_are_removed_when_a_new_one_is_recorded(
    app: App, roster: Roster, clock: Clock
):
    roster.add("Phạm Văn Hùng")
    for n in range(5):
        _stranger(app, f"guesser-{n}").say(f"/thamgia {_wrong(n)}")
    clock.now += timedelta(hours=23)
    _stranger(app, "later").say(f"/thamgia {_wrong(7)}")
    clock.now += timedelta(hours=2)
    _stranger(app, "latest").say(f"/thamgia {_wrong(8)}")
    with app.uow() as uow:
        stmt = select(InviteAttempt).order_by(col(InviteAttempt.at))
        rows = list(uow.session.exec(stmt))
    assert len(rows) == 2
    key = app.config.privacy_key
    assert {row.who for row in rows} == {
        attempt_ref(key, "console", "later"),
        attempt_ref(key, "console", "latest"),
    }
