"""The real bot against Telegram's limits, as the fake Bot API server enforces them.

A long reply is cut into messages Telegram accepts (4,096 UTF-16 units each); a 429 is
waited out for its whole window before anything else is sent; a scheduled tally follows a
group upgraded to a supergroup to its new id; and of several workers polling one token,
only one polls at a time (Telegram would cut the others off with 409 Conflict). Each test
runs on SQLite and on PostgreSQL but the last, which needs PostgreSQL's lock.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator

import pytest
from sqlmodel import col, select

from bot.app import App, build_app
from bot.channels.text import utf16_units
from bot.config import Config
from handlers import texts
from storage.models import GroupChat, OutboxMessage, Role
from tests.conftest import Clock, Roster
from tests.e2e.running import TOKEN, RunningBot, telegram_config
from tests.e2e.test_telegram import ticks_ended, wait_for_tick
from tests.fakes.telegram_api import FakeTelegram

LIMIT = 4096  # UTF-16 code units in one message
WINDOW = 1  # seconds: the 429's retry_after
NOTE = "Cụ bà cài VNeID, Sổ sức khỏe 👵📱🏥💊🔐🙏🎉 xong; "  # seven emoji of two units


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as fake:
        yield fake


@pytest.fixture
def tg_app(config: Config, tg: FakeTelegram, clock: Clock) -> Iterator[App]:
    app = build_app(telegram_config(config, tg), clock=clock)
    yield app
    app.db.dispose()


def joined(tg: FakeTelegram, app: App, user: dict, name: str, role: Role = Role.MEMBER) -> int:
    """Join `user` through the deep link; returns how many messages the bot sent them."""
    code = Roster(app).add(name, role=role)
    tg.send_text(user, f"/start {code}")
    tg.press(user, tg.wait_sent(user["id"], 1)[0], "consent:yes")
    tg.wait_for(lambda: tg.sent(user["id"])[0]["edited"])
    return len(tg.sent(user["id"]))


def texts_of(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [m["text"] for m in tg.sent(chat_id) if m["method"] == "sendMessage"]


def test_a_reply_too_long_for_one_message_arrives_whole_in_several(tg: FakeTelegram, tg_app: App):
    """/dulieucuatoi with a dozen long notes, full of emoji (two UTF-16 units each): more
    than one message can hold, and every note arrives, each message within the limit."""
    lan = tg.user(5002, "Lan")
    with RunningBot(tg_app):
        n = joined(tg, tg_app, lan, "Nguyễn Thị Lan")
        notes = [f"Lượt {k:02d}. " + NOTE * 8 for k in range(12)]
        for k, note in enumerate(notes, start=1):
            tg.send_text(lan, f"vneid 1 ghi chú: {note}")
            assert "Đã ghi" in tg.wait_sent(5002, n + k)[-1]["text"]
        before = len(tg.sent(5002))
        tg.send_text(lan, "/dulieucuatoi")
        tg.wait_for(lambda: texts.MYDATA_FOOTER in (tg.sent(5002)[-1]["text"] or ""))
    answer = texts_of(tg, 5002)[before:]
    whole = "\n".join(answer)
    assert len(answer) >= 2, [utf16_units(part) for part in answer]
    assert all(utf16_units(part) <= LIMIT for part in answer), [utf16_units(p) for p in answer]
    assert utf16_units(whole) > LIMIT
    assert answer[0].startswith(texts.MYDATA_TITLE)
    assert answer[-1].endswith(texts.MYDATA_FOOTER)
    for note in notes:  # a note is one line: each arrives whole, in one message
        assert sum(note.strip() in part for part in answer) == 1, note[:12]
    assert all(code == 200 for _at, code in tg.statuses("sendMessage")), "a message was refused"


def assert_waited(tg: FakeTelegram) -> None:
    """The bot sent nothing in the 429's window and sent it all after."""
    answers = tg.statuses("sendMessage")
    refused = [at for at, code in answers if code == 429]
    assert len(refused) == 1, f"{len(refused)} sends refused: the bot did not wait"
    [start] = refused
    inside = [code for at, code in answers if start < at < start + WINDOW]
    assert inside == [], "a send inside the window"
    assert [code for at, code in answers if at >= start + WINDOW][:1] == [200]


def test_a_reply_refused_with_429_waits_out_the_window_then_arrives(tg: FakeTelegram, tg_app: App):
    lan = tg.user(5002, "Lan")
    with RunningBot(tg_app):
        n = joined(tg, tg_app, lan, "Nguyễn Thị Lan")
        tg.fail_next("sendMessage", status=429, retry_after=WINDOW)
        tg.send_text(lan, "vneid 1")
        assert "Đã ghi" in tg.wait_sent(5002, n + 1)[-1]["text"]
    assert_waited(tg)


def test_a_scheduled_reminder_refused_with_429_waits_out_the_window_then_arrives(
    tg: FakeTelegram, tg_app: App, clock: Clock
):
    minh = tg.user(6001, "Minh")
    with RunningBot(tg_app):
        n = joined(tg, tg_app, minh, "Phạm Văn Minh", role=Role.LEADER)
    clock.set_local(2026, 6, 7, 8, 0)  # a quarterly report's reminder is due
    tg.fail_next("sendMessage", status=429, retry_after=WINDOW)
    with RunningBot(tg_app):
        [reminder] = tg.wait_sent(6001, n + 1)[n:]
    assert reminder["text"].startswith("⏰ Nhắc hạn Báo cáo quý")
    assert_waited(tg)


def outbox_statuses(app: App) -> list[str]:
    with app.uow(read_only=True) as unit:
        return list(unit.session.exec(select(OutboxMessage.status)).all())


def wait_until(predicate: Callable[[], object], timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_a_tally_to_a_group_upgraded_to_a_supergroup_follows_it_to_its_new_id(
    tg: FakeTelegram, tg_app: App, clock: Clock
):
    minh = tg.user(6001, "Minh")
    group = tg.group(-1001, "Tổ CNSCĐ TDP 1")
    with RunningBot(tg_app):
        joined(tg, tg_app, minh, "Phạm Văn Minh", role=Role.LEADER)
        tg.send_text(minh, "/lienket", chat=group)
        tg.wait_sent(-1001, 1)
        tg.send_text(minh, "/ghi vneid 3 sskdt 2", chat=group)
        tg.wait_sent(-1001, 2)
    supergroup = tg.migrate(group, by=minh)  # and Telegram's two service messages
    new_id = supergroup["id"]
    clock.set_local(2026, 11, 30, 8, 0)  # Monday: last week's tally is due
    with RunningBot(tg_app):
        tg.wait_for(lambda: any(m["method"] == "sendPhoto" for m in tg.sent(new_id)))
        wait_until(lambda: outbox_statuses(tg_app) == ["sent"])  # marked: the tick is done
    [tally] = texts_of(tg, new_id)
    assert tally.startswith("📊 Tổ CNSCĐ TDP 1, tuần 23/11/2026–29/11/2026:")
    assert "• Cài đặt VNeID: 3" in tally
    assert len(tg.sent(-1001)) == 2  # nothing more reached the old group
    with tg_app.uow(read_only=True) as unit:
        [linked] = unit.session.exec(select(GroupChat)).all()
        assert linked.chat_id == str(new_id)
        keys = unit.session.exec(select(OutboxMessage.key).order_by(col(OutboxMessage.id))).all()
        assert keys == [f"tally:2026-11-23:telegram:{new_id}"]
    ticks = ticks_ended(tg_app)
    with RunningBot(tg_app):  # planned again, now for the new id: found sent already
        wait_for_tick(tg_app, ticks)  # the tick at start has sent what it would
    assert len(tg.sent(new_id)) == 2, [m["method"] for m in tg.sent(new_id)]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # the lock is PostgreSQL's
def test_of_two_workers_polling_one_token_one_polls_and_the_other_takes_over(
    tg: FakeTelegram, config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="bot.channels")
    first, second = (build_app(telegram_config(config, tg), clock=clock) for _ in range(2))
    lan = tg.user(5002, "Lan")
    try:
        with contextlib.ExitStack() as poller:
            poller.enter_context(RunningBot(first))
            tg.wait_calls("getUpdates")
            n = joined(tg, first, lan, "Nguyễn Thị Lan")
            with RunningBot(second):
                tg.wait_for(lambda: "telegram standby" in caplog.text)
                for k in range(1, 4):  # every message answered once, none lost to a 409
                    tg.send_text(lan, f"vneid {k}")
                    assert "Đã ghi" in tg.wait_sent(5002, n + k)[-1]["text"]
                assert [code for _at, code in tg.statuses("getUpdates") if code != 200] == []
                assert caplog.text.count("telegram polling\n") == 1
                poller.close()  # the poller stops: the other takes over
                stopped = time.monotonic()
                tg.send_text(lan, "vneid 4")
                assert "Đã ghi" in tg.wait_sent(5002, n + 4, timeout=20)[-1]["text"]
                assert time.monotonic() - stopped < 15
                assert caplog.text.count("telegram polling\n") == 2
        assert "409 Conflict" not in caplog.text
        cut_off = [code for _at, code in tg.statuses("getUpdates") if code == 409]
        assert len(cut_off) <= 1  # at most the stopped worker's abandoned long poll
    finally:
        first.db.dispose()
        second.db.dispose()
