"""A platform delivering the same update again (same message_key) changes nothing twice.

Telegram and Zalo retry a webhook delivery they think failed; polling can hand an update out
again after a restart. Each delivery is answered (the member may never have seen the first
answer), but the support log is stored once, a button acts once, a step advances once. A
channel whose platform replays messages on its own (Zalo) asks for silence: copies then get
no answer at all.
On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func
from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat, render
from handlers import texts
from handlers.messages import Incoming, Reply
from storage.models import ProcessedMessage, SupportLog
from storage.personal import message_ref
from tests.helpers import service_totals, stored_logs

TIMES = 5


def delivery(chat: ConsoleChat, key: str, *, text: str | None = None, choice: str | None = None):
    return Incoming(
        platform="console",
        chat_id=chat.user_id,
        user_id=chat.user_id,
        text=text,
        choice=choice,
        message_key=f"console:{chat.user_id}:{key}",
    )


def deliver(app: App, incoming: Incoming, times: int = TIMES) -> list[list[Reply]]:
    return [app.engine.handle(incoming) for _ in range(times)]


def shown(replies: list[Reply]) -> str:
    return "\n\n".join(render(r) for r in replies)


def stored_key(app: App, incoming: Incoming) -> str:
    """How the message's key is stored: a keyed hash with the chat, no chat id in it."""
    assert incoming.message_key is not None
    return message_ref(app.config.privacy_key, incoming.message_key, incoming.chat_id)


def processed(app: App, key: str) -> int:
    with app.uow() as uow:
        count = uow.session.exec(
            select(func.count())
            .select_from(ProcessedMessage)
            .where(ProcessedMessage.message_key == key)
        ).one()
    return int(count)


def test_an_entry_delivered_five_times_is_stored_once_and_answered_five_times(
    app: App, member: ConsoleChat
):
    incoming = delivery(member, "update-1001", text="vneid 3 sskdt 1 @ ngõ 5")
    answers = deliver(app, incoming)
    assert [len(a) for a in answers] == [1] * TIMES, answers
    first = answers[0][0]
    assert first.text.startswith(texts.ENTRY_SAVED), first.text
    [log] = stored_logs(app)
    assert log.message_key == stored_key(app, incoming) and log.deleted_at is None
    assert member.user_id not in (log.message_key or "")
    assert service_totals(app) == {"vneid": 3, "sskdt": 1}
    assert processed(app, stored_key(app, incoming)) == 1
    for n, again in enumerate(answers[1:], start=2):
        said = shown(again)
        assert said.startswith(texts.ALREADY_HANDLED), (
            f"delivery {n} was not told the entry is already recorded: {said!r}"
        )
        assert texts.SOMETHING_WENT_WRONG not in said
        # its Undo still undoes the one log there is
        assert [c.value for c in again[0].choices] == [f"undo:{log.id}"]


def test_an_undo_button_press_delivered_five_times_undoes_once(app: App, member: ConsoleChat):
    [saved] = member.send("vneid 2")
    [undo] = saved.choices
    answers = deliver(app, delivery(member, "press-1", choice=undo.value))
    assert shown(answers[0]).startswith("↩️ Đã hoàn tác"), answers
    assert all(shown(a) == f"{texts.ALREADY_HANDLED}\n\n{shown(answers[0])}" for a in answers[1:])
    [log] = stored_logs(app)
    assert log.deleted_at is not None
    assert service_totals(app) == {}
    assert texts.ENTRY_SAVED in member.say("sskdt 1")  # the conversation goes on normally
    assert service_totals(app) == {"sskdt": 1}


def test_a_count_answered_in_guided_entry_delivered_five_times_counts_once(
    app: App, member: ConsoleChat
):
    member.say("/ghi")
    assert "Cài đặt VNeID: bao nhiêu người?" in member.say("1")  # the first service
    answers = deliver(app, delivery(member, "count-3", text="3"))
    assert len({shown(a) for a in answers[1:]}) == 1  # the same answer each time after
    assert shown(answers[1]) == f"{texts.ALREADY_HANDLED}\n\n{shown(answers[0])}"
    assert "Cài đặt VNeID: 3" in shown(answers[0])
    member.say("2")  # "Không, tiếp tục"
    member.say("1")  # "Hôm nay"
    for _ in range(3):
        member.say("0")  # skip households, place, photo
    assert texts.ENTRY_SAVED in member.say("1")  # Lưu
    assert service_totals(app) == {"vneid": 3}


def test_a_late_redelivery_after_newer_messages_changes_nothing_and_repeats_its_own_answer(
    app: App, member: ConsoleChat
):
    old = delivery(member, "update-1", text="vneid 4")
    [first] = app.engine.handle(old)
    member.say("sskdt 2")
    member.say("/huy")  # undoes the sskdt log, the newest
    [late] = app.engine.handle(old)
    assert late.text == f"{texts.ALREADY_HANDLED}\n\n{first.text}"
    assert late.choices == first.choices
    assert len(stored_logs(app)) == 2
    assert service_totals(app) == {"vneid": 4}
    with app.uow() as uow:
        kept = uow.session.exec(select(SupportLog).where(SupportLog.deleted_at.is_(None))).all()  # type: ignore[union-attr]
    assert [log.message_key for log in kept] == [stored_key(app, old)]


def test_a_redelivery_marked_silent_is_answered_with_nothing_and_changes_nothing(
    app: App, member: ConsoleChat
):
    """Zalo hands messages back on its own and counts every answer: a copy gets none."""
    incoming = replace(delivery(member, "zalo-7", text="vneid 2"), silent_redelivery=True)
    first, *again = deliver(app, incoming)
    assert first[0].text.startswith(texts.ENTRY_SAVED), first
    assert again == [[]] * (TIMES - 1)
    assert service_totals(app) == {"vneid": 2}
    assert processed(app, stored_key(app, incoming)) == 1
