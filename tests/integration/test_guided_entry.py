"""/ghi: a member is asked one question at a time and the session is saved at the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config
from handlers.messages import Incoming
from tests.conftest import Clock
from tests.helpers import service_totals, stored_logs


def _to_day(member: ConsoleChat) -> None:
    """VNeID 3, then on to the day question."""
    member.say("/ghi")
    member.say("1")
    member.say("3")
    assert "Bạn hỗ trợ vào ngày nào?" in member.say("2")


def _to_households(member: ConsoleChat) -> None:
    """VNeID 3 today, then on to the households question."""
    _to_day(member)
    assert "bao nhiêu hộ" in member.say("1")


def _save_after_day(member: ConsoleChat) -> str:
    """Skip households, place and photo, then save; the confirmation shown before saving."""
    for _ in range(2):
        member.say("bỏ qua")
    confirm = member.say("bỏ qua")
    assert "Đã ghi" in member.say("1")
    return confirm


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

    answer = member.say("2")
    assert "Bạn hỗ trợ vào ngày nào?" in answer
    assert "  1. Hôm nay" in answer and "  2. Hôm qua" in answer and "  3. Ngày khác" in answer
    assert "bao nhiêu hộ" in member.say("1")
    assert "Ở đâu?" in member.say("4")
    assert "ảnh" in member.say("ngõ 5 Trần Nguyên Hãn")

    answer = member.say("bỏ qua")
    assert "Bạn kiểm tra lại nhé" in answer
    assert "Ngày 23/11/2026 (hôm nay)" in answer
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
    member.say("1")
    member.say("bỏ qua")
    member.say("bỏ qua")
    member.say("bỏ qua")
    assert "Đã ghi" in member.say("1")
    assert service_totals(app) == {"vneid": 12}


def test_a_service_can_be_chosen_by_typing_its_name(app: App, member: ConsoleChat):
    member.say("/ghi")
    assert "Sổ sức khỏe điện tử: bao nhiêu người?" in member.say("so suc khoe dien tu")


@pytest.mark.parametrize("typed", ["0", "-2", "201"])
def test_a_count_out_of_range_is_asked_again(app: App, member: ConsoleChat, typed: str):
    member.say("/ghi")
    member.say("1")
    answer = member.say(typed)
    assert "Số cần từ 1 đến 200" in answer
    assert "bao nhiêu người?" in answer
    assert "• Cài đặt VNeID: 5" in member.say("5")


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("ba", 3),
        ("mười lăm", 15),
        ("hai mươi mốt", 21),
        ("hai muoi lam", 25),
        ("Mười", 10),
        ("bảy người", 7),
    ],
)
def test_a_count_typed_in_words_is_saved_as_that_number(
    app: App, member: ConsoleChat, typed: str, count: int
):
    member.say("/ghi")
    member.say("1")
    assert f"• Cài đặt VNeID: {count}" in member.say(typed)
    member.say("2")
    member.say("1")
    _save_after_day(member)
    assert service_totals(app) == {"vneid": count}


@pytest.mark.parametrize("typed", ["bà", "nhiều", "ba mươi lăm hộ", "vài người"])
def test_a_count_that_is_not_a_number_is_asked_again_and_nothing_is_saved(
    app: App, member: ConsoleChat, typed: str
):
    member.say("/ghi")
    member.say("1")
    answer = member.say(typed)
    assert "Mình chưa hiểu câu trả lời." in answer
    assert "Cài đặt VNeID: bao nhiêu người?" in answer
    assert stored_logs(app) == []
    assert "• Cài đặt VNeID: 4" in member.say("bốn")


@pytest.mark.parametrize(("typed", "households"), [("bốn", 4), ("mười hai hộ", 12)])
def test_households_may_be_typed_in_words(
    app: App, member: ConsoleChat, typed: str, households: int
):
    _to_households(member)
    assert "Ở đâu?" in member.say(typed)
    member.say("bỏ qua")
    assert f"• Số hộ đã đến: {households}" in member.say("bỏ qua")
    member.say("1")
    [log] = stored_logs(app)
    assert log.households == households


@pytest.mark.parametrize("typed", ["2", "Hôm qua", "hom qua"])
def test_hom_qua_at_the_day_question_saves_yesterday_and_the_summary_says_so(
    app: App, member: ConsoleChat, typed: str
):
    _to_day(member)
    assert "bao nhiêu hộ" in member.say(typed)
    confirm = _save_after_day(member)
    assert "Ngày 22/11/2026 (hôm qua)" in confirm
    [log] = stored_logs(app)
    assert log.day == date(2026, 11, 22)
    assert service_totals(app) == {"vneid": 3}


def test_ngay_khac_asks_for_the_day_and_saves_the_day_typed(
    app: App, member: ConsoleChat, clock: Clock
):
    clock.set_local(2026, 12, 7, 10, 0)
    _to_day(member)
    assert "Bạn gõ ngày" in member.say("3")
    # here "1" is not Hôm nay (the choices are gone) and not a day either
    answer = member.say("1")
    assert "Mình chưa hiểu câu trả lời." in answer and "Bạn gõ ngày" in answer
    assert "bao nhiêu hộ" in member.say("05/12")
    confirm = _save_after_day(member)
    assert "Ngày 05/12/2026" in confirm
    [log] = stored_logs(app)
    assert log.day == date(2026, 12, 5)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("hôm kia", date(2026, 11, 21)),
        ("thứ 6", date(2026, 11, 20)),  # the Friday before Monday 23/11
        ("ngày 20/11", date(2026, 11, 20)),
        ("20/11/2026", date(2026, 11, 20)),
    ],
)
def test_a_day_typed_in_words_or_digits_at_the_day_question_is_that_day(
    app: App, member: ConsoleChat, typed: str, day: date
):
    _to_day(member)
    assert "bao nhiêu hộ" in member.say(typed)
    assert f"Ngày {day:%d/%m/%Y}" in _save_after_day(member)
    [log] = stored_logs(app)
    assert log.day == day


def test_a_future_day_and_a_day_forty_days_back_are_refused_and_asked_again(
    app: App, member: ConsoleChat
):
    _to_day(member)
    member.say("Ngày khác")
    answer = member.say("25/11")
    assert "Ngày 25/11/2026 chưa tới" in answer
    assert "Bạn gõ ngày" in answer
    forty_back = date(2026, 11, 23) - timedelta(days=40)
    answer = member.say(f"{forty_back:%d/%m/%Y}")
    assert f"Ngày {forty_back:%d/%m/%Y} đã quá 31 ngày" in answer
    assert "Bạn gõ ngày" in answer
    assert stored_logs(app) == []
    assert "bao nhiêu hộ" in member.say("hôm qua")
    assert "Ngày 22/11/2026 (hôm qua)" in _save_after_day(member)
    [log] = stored_logs(app)
    assert log.day == date(2026, 11, 22)


def test_a_future_day_typed_at_the_day_question_is_refused(app: App, member: ConsoleChat):
    _to_day(member)
    answer = member.say("30/11")
    assert "Ngày 30/11/2026 chưa tới" in answer and "Bạn gõ ngày" in answer
    assert "bao nhiêu hộ" in member.say("23/11")
    _save_after_day(member)
    [log] = stored_logs(app)
    assert log.day == date(2026, 11, 23)


def test_a_day_that_grew_too_old_before_saving_is_asked_again_at_the_save(
    app: App, member: ConsoleChat, clock: Clock
):
    _to_day(member)
    member.say("3")
    assert "bao nhiêu hộ" in member.say("23/10")  # 31 days back: still allowed
    for _ in range(3):
        member.say("bỏ qua")
    clock.set_local(2026, 11, 24, 9, 0)  # the member comes back the next day
    answer = member.say("1")
    assert "Ngày 23/10/2026 đã quá 31 ngày" in answer
    assert "Bạn hỗ trợ vào ngày nào?" in answer
    assert stored_logs(app) == []
    answer = member.say("1")  # Hôm nay: back to the summary, nothing asked twice
    assert "Bạn kiểm tra lại nhé" in answer and "Ngày 24/11/2026 (hôm nay)" in answer
    assert "Đã ghi" in member.say("1")
    [log] = stored_logs(app)
    assert log.day == date(2026, 11, 24)


def test_something_else_at_the_day_question_is_asked_again(app: App, member: ConsoleChat):
    _to_day(member)
    answer = member.say("vneid 2")
    assert "Mình chưa hiểu câu trả lời." in answer
    assert "Bạn hỗ trợ vào ngày nào?" in answer and "  3. Ngày khác" in answer
    assert "Mình chưa hiểu câu trả lời." in member.say("31/02")
    assert stored_logs(app) == []


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
    assert "ngày nào" in again.say("2")
    assert "bao nhiêu hộ" in again.say("1")
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
