"""Undo, /sua and the answers that save nothing: refused days, large counts, unknown words."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from bot.app import App
from bot.channels.console import ConsoleChat, render
from handlers.messages import Incoming
from tests.conftest import Clock
from tests.helpers import service_totals, stored_logs


def _undo_button(chat: ConsoleChat, text: str) -> str:
    """Log a session and keep the value of the Hoàn tác button shown under the answer."""
    [reply] = chat.send(text)
    [button] = [c for c in reply.choices if c.label == "Hoàn tác"]
    return button.value


def _press(app: App, chat: ConsoleChat, value: str) -> str:
    """Press a button of an older message (as on Telegram), not the last choices shown."""
    incoming = Incoming(
        "console",
        chat.user_id,
        chat.user_id,
        choice=value,
        message_key=f"press:{uuid.uuid4().hex}",
    )
    return "\n\n".join(render(r) for r in app.engine.handle(incoming))


# --- undo ------------------------------------------------------------------------------


def test_huy_undoes_the_last_log_within_24_hours(app: App, member: ConsoleChat, clock: Clock):
    member.say("vneid 2")
    member.say("sskdt 3")
    clock.now += timedelta(hours=23)
    assert "Hoàn tác lượt ghi ngày 23/11/2026?" in member.say("/huy")  # not just made: asked
    answer = member.say("1")
    assert "Đã hoàn tác lượt ghi ngày 23/11/2026" in answer
    assert "Sổ sức khỏe điện tử: 3" in answer
    assert service_totals(app) == {"vneid": 2}
    assert len(stored_logs(app)) == 2  # undo keeps the row, marked deleted


def test_huy_is_refused_after_24_hours(app: App, member: ConsoleChat, clock: Clock):
    member.say("vneid 2")
    clock.now += timedelta(hours=25)
    answer = member.say("/huy")
    assert "quá 24 giờ" in answer
    assert "/sua" in answer
    assert service_totals(app) == {"vneid": 2}


def test_huy_with_nothing_to_undo_says_so(app: App, member: ConsoleChat):
    assert "chưa có lượt nào để hoàn tác" in member.say("/huy")


def test_huy_twice_undoes_the_two_latest_logs_in_turn(app: App, member: ConsoleChat):
    member.say("vneid 2")
    member.say("sskdt 3")
    member.say("/huy")
    answer = member.say("/huy")
    assert "Cài đặt VNeID: 2" in answer
    assert service_totals(app) == {}
    assert "chưa có lượt nào để hoàn tác" in member.say("/huy")


def test_the_undo_button_of_an_older_message_undoes_that_log(app: App, member: ConsoleChat):
    older = _undo_button(member, "vneid 2")
    member.say("sskdt 3")
    answer = _press(app, member, older)
    assert "Đã hoàn tác" in answer
    assert "Cài đặt VNeID: 2" in answer
    assert service_totals(app) == {"sskdt": 3}


def test_undoing_the_same_log_twice_says_it_is_already_undone(app: App, member: ConsoleChat):
    button = _undo_button(member, "vneid 2")
    assert "Đã hoàn tác" in member.say("1")
    answer = _press(app, member, button)
    assert "đã được hoàn tác rồi" in answer
    assert service_totals(app) == {}


def test_the_undo_button_is_refused_after_24_hours(app: App, member: ConsoleChat, clock: Clock):
    button = _undo_button(member, "vneid 2")
    clock.now += timedelta(hours=25)
    assert "quá 24 giờ" in _press(app, member, button)
    assert service_totals(app) == {"vneid": 2}


def test_nobody_can_undo_a_teammates_log_with_its_button(app: App, member: ConsoleChat, roster):
    button = _undo_button(member, "vneid 2")
    teammate = roster.joined("Trần Văn Bình")
    answer = _press(app, teammate, button)
    assert "Đã hoàn tác" not in answer
    assert service_totals(app) == {"vneid": 2}


# --- /sua ------------------------------------------------------------------------------


def test_sua_shows_the_last_log_with_delete_and_keep(app: App, member: ConsoleChat):
    member.say("vneid 3 @ ngõ 5")
    answer = member.say("/sua")
    assert "Lượt gần nhất của bạn, ngày 23/11/2026" in answer
    assert "• Cài đặt VNeID: 3" in answer
    assert "• Địa điểm: ngõ 5" in answer
    assert "  1. Xoá lượt này" in answer
    assert "  2. Giữ nguyên" in answer


def test_a_typed_correction_replaces_the_counts_of_the_last_log(app: App, member: ConsoleChat):
    member.say("vneid 3")
    member.say("/sua")
    answer = member.say("vneid 5 sskdt 1")
    assert "Đã sửa" in answer
    assert "Cài đặt VNeID: 5" in answer and "Sổ sức khỏe điện tử: 1" in answer
    assert service_totals(app) == {"vneid": 5, "sskdt": 1}
    assert len(stored_logs(app)) == 1


def test_a_correction_of_yesterdays_log_keeps_it_on_yesterday(app: App, member: ConsoleChat):
    member.say("hôm qua vneid 3")
    assert "ngày 22/11/2026" in member.say("/sua")
    answer = member.say("vneid 5")
    assert "Đã sửa" in answer
    assert "Ngày 22/11/2026" in answer
    [log] = stored_logs(app)
    assert log.day == date(2026, 11, 22)


def test_sua_then_keep_changes_nothing(app: App, member: ConsoleChat):
    member.say("vneid 3")
    member.say("/sua")
    assert "Đã giữ nguyên" in member.say("2")
    assert service_totals(app) == {"vneid": 3}


def test_sua_then_delete_removes_the_log_from_the_totals(app: App, member: ConsoleChat):
    member.say("sskdt 2")
    member.say("vneid 3")
    member.say("/sua")
    answer = member.say("1")
    assert "Đã xoá lượt ngày 23/11/2026" in answer
    assert service_totals(app) == {"sskdt": 2}
    assert [log.deleted_at is not None for log in stored_logs(app)] == [False, True]


def test_sua_with_the_correction_in_the_command_corrects_at_once(app: App, member: ConsoleChat):
    member.say("vneid 3 sskdt 2")
    answer = member.say("/sua vneid 5")
    assert "Đã sửa" in answer
    assert service_totals(app) == {"vneid": 5}
    assert len(stored_logs(app)) == 1


def test_sua_with_nothing_logged_says_so(app: App, member: ConsoleChat):
    assert "chưa có lượt nào để sửa" in member.say("/sua")
    assert "chưa có lượt nào để sửa" in member.say("/sua vneid 3")
    assert stored_logs(app) == []


def test_sua_corrects_my_own_log_not_a_teammates(app: App, member: ConsoleChat, roster):
    teammate = roster.joined("Trần Văn Bình")
    member.say("vneid 3")
    teammate.say("sskdt 2")
    member.say("/sua vneid 4")
    assert service_totals(app) == {"vneid": 4, "sskdt": 2}


# --- what is not saved at once -----------------------------------------------------------


def test_a_large_count_asks_first_and_saves_only_after_1(app: App, member: ConsoleChat):
    answer = member.say("vneid 250")
    assert "250" in answer and "khá lớn" in answer
    assert "  1. Đúng, ghi lại" in answer
    assert stored_logs(app) == []
    assert "Đã ghi" in member.say("1")
    assert service_totals(app) == {"vneid": 250}


def test_a_large_count_answered_2_saves_nothing(app: App, member: ConsoleChat):
    member.say("vneid 250")
    assert "chưa ghi gì" in member.say("2")
    assert stored_logs(app) == []


def test_a_large_count_retyped_is_saved_as_retyped(app: App, member: ConsoleChat):
    member.say("vneid 250")
    assert "Đã ghi" in member.say("vneid 25")
    assert service_totals(app) == {"vneid": 25}


def test_a_future_day_is_refused_and_nothing_is_saved(app: App, member: ConsoleChat):
    answer = member.say("25/11 vneid 3")
    assert "25/11/2026 chưa tới" in answer
    assert "Chưa ghi gì" in answer
    assert stored_logs(app) == []
    member.say("1")
    assert stored_logs(app) == []


def test_a_day_more_than_31_days_back_is_refused_and_nothing_is_saved(
    app: App, member: ConsoleChat
):
    answer = member.say("10/10 vneid 3")
    assert "10/10/2026 đã quá 31 ngày" in answer
    assert "Chưa ghi gì" in answer
    assert stored_logs(app) == []
    member.say("1")
    assert stored_logs(app) == []


def test_a_day_31_days_back_is_still_accepted(app: App, member: ConsoleChat):
    assert "Ngày 23/10/2026" in member.say("23/10 vneid 3")
    assert service_totals(app) == {"vneid": 3}


def test_a_message_of_unknown_words_saves_nothing_and_shows_the_services(
    app: App, member: ConsoleChat
):
    answer = member.say("hôm nay trời đẹp quá")
    assert "“trời đẹp quá”" in answer
    assert "chưa ghi gì" in answer
    assert "Các dịch vụ: vneid, muc2, sskdt, smarthp, bc114" in answer
    assert "/trogiup" in answer
    assert "  1." not in answer  # nothing to confirm
    assert stored_logs(app) == []
    member.say("1")
    assert stored_logs(app) == []


def test_a_correction_keeps_the_place_and_note_it_does_not_retype(app: App, member: ConsoleChat):
    member.say("vneid 3 @ ngõ 5 gc: nhà cụ Tư")
    member.say("/sua")
    answer = member.say("vneid 5")
    assert "• Địa điểm: ngõ 5" in answer
    [log] = stored_logs(app)
    assert (log.place, log.note) == ("ngõ 5", "nhà cụ Tư")
    assert service_totals(app) == {"vneid": 5}


def test_a_correction_that_retypes_the_place_replaces_it(app: App, member: ConsoleChat):
    member.say("vneid 3 @ ngõ 5")
    member.say("/sua vneid 3 @ ngõ 7")
    [log] = stored_logs(app)
    assert log.place == "ngõ 7"
