"""/ghi: a member is asked one question at a time and the session is saved at the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config
from handlers.messages import Incoming
from tests.conftest import Clock
from tests.helpers import service_totals, stored_logs


def _to_households(member: ConsoleChat) -> None:
    """VNeID 3, then on to the households question."""
    member.say("/ghi")
    member.say("1")
    member.say("3")
    assert "bao nhiêu hộ" in member.say("2")


@pytest.fixture
def restarted(config: Config, clock: Clock) -> Iterator[App]:
    """A second bot process on the same database, as after a restart."""
    again = build_app(config, clock=clock)
    yield again
    again.db.dispose()


def test_the_whole_walk_from_service_to_saved(app: App, member: ConsoleChat):
    answer = member.say("/ghi")
    assert "Bạn đã hỗ trợ dịch vụ nào?" in answer
    assert "  1. Cài đặt VNeID" in answer
    assert "  3. Sổ sức khỏe điện tử" in answer

    [question] = member.send("1")
    assert "Cài đặt VNeID: bao nhiêu người?" in question.text
    assert [c.label for c in question.choices] == ["1", "2", "3", "4", "5"]

    answer = member.say("3")
    assert "• Cài đặt VNeID: 3" in answer
    assert "  1. Thêm dịch vụ" in answer and "  2. Không, tiếp tục" in answer

    answer = member.say("1")
    assert "Bạn đã hỗ trợ dịch vụ nào?" in answer
    assert "Xong" in answer
    assert "Sổ sức khỏe điện tử: bao nhiêu người?" in member.say("3")
    assert "• Sổ sức khỏe điện tử: 2" in member.say("2")

    assert "bao nhiêu hộ" in member.say("2")
    assert "Ở đâu?" in member.say("4")
    assert "ảnh" in member.say("ngõ 5 Trần Nguyên Hãn")

    answer = member.say("bỏ qua")
    assert "Bạn kiểm tra lại nhé" in answer
    assert "• Cài đặt VNeID: 3" in answer
    assert "• Sổ sức khỏe điện tử: 2" in answer
    assert "• Số hộ đã đến: 4" in answer
    assert "• Địa điểm: ngõ 5 Trần Nguyên Hãn" in answer
    assert "  1. Lưu" in answer and "  2. Huỷ" in answer
    assert stored_logs(app) == []

    answer = member.say("1")
    assert "Đã ghi" in answer
    assert "Ngày 23/11/2026" in answer
    assert "  1. Hoàn tác" in answer
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}
    [log] = stored_logs(app)
    assert (log.households, log.place, log.day) == (4, "ngõ 5 Trần Nguyên Hãn", date(2026, 11, 23))


def test_the_undo_offered_after_a_guided_entry_undoes_it(app: App, member: ConsoleChat):
    _to_households(member)
    for _ in range(3):
        member.say("bỏ qua")
    assert "Đã ghi" in member.say("1")
    assert "Đã hoàn tác" in member.say("1")
    assert service_totals(app) == {}


def test_a_count_not_among_the_buttons_can_be_typed(app: App, member: ConsoleChat):
    member.say("/ghi")
    member.say("1")
    answer = member.say("12")
    assert "• Cài đặt VNeID: 12" in answer
    member.say("2")
    member.say("bỏ qua")
    member.say("bỏ qua")
    member.say("bỏ qua")
    assert "Đã ghi" in member.say("1")
    assert service_totals(app) == {"vneid": 12}


def test_a_service_can_be_chosen_by_typing_its_name(app: App, member: ConsoleChat):
    member.say("/ghi")
    assert "Sổ sức khỏe điện tử: bao nhiêu người?" in member.say("so suc khoe dien tu")


def test_a_count_out_of_range_is_asked_again(app: App, member: ConsoleChat):
    member.say("/ghi")
    member.say("1")
    answer = member.say("0")
    assert "Số cần từ 1 đến 200" in answer
    assert "bao nhiêu người?" in answer
    assert "• Cài đặt VNeID: 5" in member.say("5")


@pytest.mark.parametrize("typed", ["1", "2"])
def test_a_number_typed_at_the_households_question_is_households_not_a_button(
    app: App, member: ConsoleChat, typed: str
):
    _to_households(member)
    assert "Ở đâu?" in member.say(typed)
    member.say("bỏ qua")
    answer = member.say("bỏ qua")
    assert f"• Số hộ đã đến: {typed}" in answer
    member.say("1")
    [log] = stored_logs(app)
    assert log.households == int(typed)


def test_bo_qua_skips_households_place_and_photo(app: App, member: ConsoleChat):
    _to_households(member)
    assert "Ở đâu?" in member.say("bỏ qua")
    assert "ảnh" in member.say("bo qua")
    answer = member.say("Bỏ qua")
    assert "Bạn kiểm tra lại nhé" in answer
    assert "Số hộ" not in answer and "Địa điểm" not in answer
    member.say("1")
    [log] = stored_logs(app)
    assert (log.households, log.place, log.photo_file_id) == (None, None, None)


def test_a_photo_sent_at_the_photo_question_is_kept_as_evidence(app: App, member: ConsoleChat):
    _to_households(member)
    member.say("bỏ qua")
    member.say("bỏ qua")
    photo = Incoming(
        "console", member.user_id, member.user_id, photo="photo-file-1", message_key="photo:1"
    )
    [reply] = app.engine.handle(photo)
    assert "• Có ảnh minh chứng" in reply.text
    assert "Đã ghi" in member.say("1")
    [log] = stored_logs(app)
    assert log.photo_file_id == "photo-file-1"


def test_huy_in_the_middle_cancels_and_saves_nothing(app: App, member: ConsoleChat):
    _to_households(member)
    answer = member.say("/huy")
    assert "Đã huỷ việc đang làm dở" in answer
    assert stored_logs(app) == []
    # the conversation is over: a number is no longer an answer to a question
    assert "Đã ghi" not in member.say("1")
    assert stored_logs(app) == []


def test_huy_in_the_middle_does_not_undo_an_earlier_log(app: App, member: ConsoleChat):
    member.say("sskdt 2")
    _to_households(member)
    assert "Đã huỷ việc đang làm dở" in member.say("/huy")
    assert service_totals(app) == {"sskdt": 2}


def test_huy_at_the_save_question_saves_nothing(app: App, member: ConsoleChat):
    _to_households(member)
    for _ in range(3):
        member.say("bỏ qua")
    assert "Đã huỷ" in member.say("2")
    assert stored_logs(app) == []


def test_after_a_restart_the_conversation_resumes_at_the_same_step(
    app: App, member: ConsoleChat, restarted: App
):
    member.say("/ghi")
    assert "Cài đặt VNeID: bao nhiêu người?" in member.say("1")

    again = ConsoleChat(restarted.engine, user_id=member.user_id)
    answer = again.say("4")
    assert "• Cài đặt VNeID: 4" in answer
    assert "Thêm dịch vụ" in answer
    assert "bao nhiêu hộ" in again.say("2")
    for _ in range(3):
        again.say("bỏ qua")
    assert "Đã ghi" in again.say("1")
    assert service_totals(restarted) == {"vneid": 4}
    assert len(stored_logs(restarted)) == 1


def test_after_a_restart_at_the_households_question_a_number_is_still_households(
    app: App, member: ConsoleChat, restarted: App
):
    _to_households(member)
    again = ConsoleChat(restarted.engine, user_id=member.user_id)
    assert "Ở đâu?" in again.say("1")
    again.say("bỏ qua")
    again.say("bỏ qua")
    again.say("1")
    [log] = stored_logs(restarted)
    assert log.households == 1


def test_a_phone_number_typed_as_the_place_is_removed_and_the_member_is_told(
    app: App, member: ConsoleChat
):
    _to_households(member)
    member.say("bỏ qua")
    answer = member.say("ngõ 5 nhà bác Tư 0912345678")
    assert "Đã bỏ số 09******78" in answer
    assert "0912345678" not in answer
    answer = member.say("bỏ qua")
    assert "• Địa điểm: ngõ 5 nhà bác Tư" in answer
    assert "0912345678" not in answer
    member.say("1")
    [log] = stored_logs(app)
    assert log.place is not None and "ngõ 5" in log.place
    assert "0912345678" not in log.place and "345678" not in log.place


def test_quick_entry_after_ghi_is_saved_at_once(app: App, member: ConsoleChat):
    answer = member.say("/ghi vneid 3 sskdt 2")
    assert "Đã ghi" in answer
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}
