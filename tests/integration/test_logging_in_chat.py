"""A member logs support sessions in chat: saved once, undone, asked when unclear."""

from __future__ import annotations

import time

from sqlalchemy import text
from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from handlers.messages import Incoming
from storage.models import SupportLog
from tests.helpers import service_totals, stored_logs


def test_a_clear_message_is_saved_at_once_with_an_undo_choice(app: App, member: ConsoleChat):
    answer = member.say("hom qua vneid 3 sskdt 2 @ ngõ 5")
    assert "Đã ghi" in answer
    assert "Ngày 22/11/2026" in answer
    assert "Cài đặt VNeID: 3" in answer and "Sổ sức khỏe điện tử: 2" in answer
    assert "ngõ 5" in answer
    assert "1. Hoàn tác" in answer
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}


def test_undo_by_number_drops_the_log_out_of_the_totals(app: App, member: ConsoleChat):
    member.say("vneid 3")
    answer = member.say("1")
    assert "Đã hoàn tác" in answer
    assert service_totals(app) == {}
    assert [log.deleted_at is not None for log in stored_logs(app)] == [True]


def test_a_message_with_an_unknown_word_saves_nothing_until_confirmed(
    app: App, member: ConsoleChat
):
    answer = member.say("vneid 3, hộ")  # how many households? not said
    assert "“hộ”" in answer and "Chưa ghi gì" in answer
    assert stored_logs(app) == []
    answer = member.say("1")
    assert "Đã ghi" in answer
    assert service_totals(app) == {"vneid": 3}


def test_a_count_touching_an_unknown_word_is_never_saved_as_the_rest(app: App, member: ConsoleChat):
    answer = member.say("vneid 3 xyzabc")
    assert "“3 xyzabc”" in answer and texts.ENTRY_NUMBER_LEFT_OUT in answer
    assert texts.BUTTON_SAVE_UNDERSTOOD not in answer
    assert member.say("1") == texts.NUMBER_WITHOUT_CHOICE.format("1")
    assert stored_logs(app) == []


def test_a_corrected_message_replaces_the_unclear_one(app: App, member: ConsoleChat):
    member.say("vnied 3")
    assert stored_logs(app) == []
    assert "Đã ghi" in member.say("vneid 3")
    assert service_totals(app) == {"vneid": 3}


def test_a_redelivered_message_is_stored_once_and_answered_again_saying_so(app: App, member):
    incoming = Incoming(
        "console",
        member.user_id,
        member.user_id,
        text="vneid 4",
        message_key="console:redelivered:1",
    )
    first = app.engine.handle(incoming)
    second = app.engine.handle(incoming)
    assert second[0].text == f"{texts.ALREADY_HANDLED}\n\n{first[0].text}"
    assert second[0].choices == first[0].choices and second[1:] == first[1:]
    assert len(stored_logs(app)) == 1
    assert service_totals(app) == {"vneid": 4}


def test_a_photo_with_a_quick_entry_caption_is_a_log_with_photo_evidence(app: App, member):
    incoming = Incoming(
        "console",
        member.user_id,
        member.user_id,
        text="vneid 2 @ ngõ 5",
        photo="photo-file-1",
        message_key="console:photo:1",
    )
    [reply] = app.engine.handle(incoming)
    assert "Có ảnh minh chứng" in reply.text
    [log] = stored_logs(app)
    assert log.photo_file_id == "photo-file-1"


def test_a_photo_without_a_caption_asks_for_the_entry_and_saves_nothing(app: App, member):
    incoming = Incoming(
        "console",
        member.user_id,
        member.user_id,
        photo="photo-file-2",
        message_key="console:photo:2",
    )
    [reply] = app.engine.handle(incoming)
    assert "gửi kèm nội dung" in reply.text
    assert stored_logs(app) == []


def test_a_greeting_is_answered_kindly_and_saves_nothing(app: App, member: ConsoleChat):
    answer = member.say("Xin chào")
    assert "Chào Nguyễn Thị Lan" in answer
    assert "chưa hiểu" not in answer
    assert stored_logs(app) == []


def test_a_stranger_sees_how_to_join_and_nothing_is_saved(app: App):
    stranger = ConsoleChat(app.engine, user_id="stranger")
    assert "/thamgia" in stranger.say("vneid 3")
    assert stored_logs(app) == []


def test_a_database_fault_mid_write_saves_nothing_and_says_so_kindly(app: App, member):
    # the log items table goes missing: the write fails after the log row was inserted
    with app.db.begin() as connection:
        connection.execute(text("ALTER TABLE support_log_item RENAME TO support_log_item_gone"))
    answer = member.say("vneid 3")
    assert "trục trặc" in answer and "chưa ghi gì" in answer
    with app.db.begin() as connection:
        connection.execute(text("ALTER TABLE support_log_item_gone RENAME TO support_log_item"))
    assert stored_logs(app) == []
    assert "Đã ghi" in member.say("vneid 3")
    assert service_totals(app) == {"vneid": 3}


def test_members_keep_logging_while_a_workbook_is_being_read(app: App, member):
    assert "Đã ghi" in member.say("vneid 1")
    with app.uow(read_only=True) as uow:  # an export's long read is under way
        assert len(uow.session.exec(select(SupportLog)).all()) == 1
        started = time.perf_counter()
        assert "Đã ghi" in member.say("sskdt 2")  # not held up by the reader (SQLite: WAL)
        assert time.perf_counter() - started < 5
    assert service_totals(app) == {"vneid": 1, "sskdt": 2}
