"""The same report sent again within minutes is asked about, never logged twice in silence.

A volunteer whose network seems slow sends "vneid 4 sskdt 2" a second time; the ward's
figures must not double without a word. A platform redelivering the same message (same
message_key) is answered as before and stores nothing. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from handlers.messages import Heard, Incoming, Reply
from tests.conftest import Clock, Roster
from tests.helpers import service_totals, stored_logs

REPORT = "vneid 4 sskdt 2"
_keys = itertools.count()


def _sent_at_0902_and_again_at_0905(member: ConsoleChat, clock: Clock) -> str:
    clock.set_local(2026, 11, 23, 9, 2)
    assert texts.ENTRY_SAVED in member.say(REPORT)
    clock.now += timedelta(minutes=3)
    return member.say(REPORT)


def _live(app: App) -> int:
    return sum(log.deleted_at is None for log in stored_logs(app))


def _message(chat: ConsoleChat, text: str, **fields: object) -> Incoming:
    return Incoming(
        "console",
        chat.user_id,
        chat.user_id,
        text=text,
        message_key=f"again:{next(_keys)}",
        **fields,  # type: ignore[arg-type]
    )


def test_the_same_report_sent_again_within_ten_minutes_is_asked_about_and_saves_nothing(
    app: App, member: ConsoleChat, clock: Clock
):
    answer = _sent_at_0902_and_again_at_0905(member, clock)
    assert answer.startswith("Bạn vừa ghi y hệt lúc 09:02. Ghi thêm một lượt nữa?"), answer
    assert "• Cài đặt VNeID: 4" in answer and "• Sổ sức khỏe điện tử: 2" in answer
    assert "Ngày 23/11/2026 (hôm nay)" in answer
    assert "1. Ghi thêm" in answer and "2. Không" in answer
    assert texts.ENTRY_SAVED not in answer
    assert len(stored_logs(app)) == 1
    assert service_totals(app) == {"vneid": 4, "sskdt": 2}


def test_the_time_asked_about_is_the_local_time_of_the_earlier_log(
    app: App, member: ConsoleChat, clock: Clock
):
    clock.set_local(2026, 11, 23, 21, 47)  # 14:47 UTC
    member.say(REPORT)
    clock.now += timedelta(minutes=9, seconds=59)
    answer = member.say(REPORT)
    assert "lúc 21:47" in answer and "14:47" not in answer


@pytest.mark.parametrize("typed", ["1", "Ghi thêm", "ghi them", "có"])
def test_ghi_them_saves_a_second_log_once_and_the_totals_double(
    app: App, member: ConsoleChat, clock: Clock, typed: str
):
    _sent_at_0902_and_again_at_0905(member, clock)
    answer = member.say(typed)
    assert answer.startswith(texts.ENTRY_SAVED), answer
    assert "Hoàn tác" in answer
    assert _live(app) == 2
    assert service_totals(app) == {"vneid": 8, "sskdt": 4}
    [late] = app.engine.handle(_message(member, "", choice="entry:save"))  # pressed again
    assert late.text == texts.CHOICE_EXPIRED
    assert _live(app) == 2


def test_the_undo_shown_after_ghi_them_undoes_only_the_second_log(
    app: App, member: ConsoleChat, clock: Clock
):
    _sent_at_0902_and_again_at_0905(member, clock)
    member.say("Ghi thêm")
    assert "Đã hoàn tác" in member.say("1")
    assert [log.deleted_at is None for log in stored_logs(app)] == [True, False]
    assert service_totals(app) == {"vneid": 4, "sskdt": 2}


@pytest.mark.parametrize("typed", ["2", "Không", "khong"])
def test_khong_keeps_the_one_log_and_says_so_kindly(
    app: App, member: ConsoleChat, clock: Clock, typed: str
):
    _sent_at_0902_and_again_at_0905(member, clock)
    answer = member.say(typed)
    assert answer.startswith("Được, mình không ghi thêm."), answer
    assert len(stored_logs(app)) == 1
    assert service_totals(app) == {"vneid": 4, "sskdt": 2}


def test_the_same_report_eleven_minutes_later_is_saved_at_once(
    app: App, member: ConsoleChat, clock: Clock
):
    member.say(REPORT)
    clock.now += timedelta(minutes=11)
    assert member.say(REPORT).startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 8, "sskdt": 4}


@pytest.mark.parametrize(
    "other",
    [
        "vneid 4 sskdt 3",
        "vneid 4",
        "vneid 4 sskdt 2 ttkdtm 1",
        "hôm qua vneid 4 sskdt 2",
        "vneid 4 sskdt 2 @ ngõ 5",
        "vneid 4 sskdt 2 3 hộ",
        "vneid 4 sskdt 2 6 người",
        "vneid 4 sskdt 2 gc: nhà bà Tư",
    ],
)
def test_a_different_reading_a_minute_later_is_saved_at_once(
    app: App, member: ConsoleChat, clock: Clock, other: str
):
    member.say(REPORT)
    clock.now += timedelta(minutes=1)
    assert member.say(other).startswith(texts.ENTRY_SAVED)
    assert _live(app) == 2


def test_the_same_words_in_another_order_are_the_same_report(
    app: App, member: ConsoleChat, clock: Clock
):
    member.say("vneid 4 sskdt 2 @ ngõ 5")
    clock.now += timedelta(minutes=2)
    assert "y hệt" in member.say("2 sổ sức khỏe, 4 vneid @ ngõ 5")
    assert len(stored_logs(app)) == 1


def test_an_undone_log_is_not_a_report_sent_before(app: App, member: ConsoleChat, clock: Clock):
    member.say(REPORT)
    assert "Đã hoàn tác" in member.say("1")
    clock.now += timedelta(minutes=1)
    assert member.say(REPORT).startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 4, "sskdt": 2}


def test_a_teammates_identical_report_is_not_mine(
    app: App, member: ConsoleChat, roster: Roster, clock: Clock
):
    teammate = roster.joined("Trần Văn Hùng")
    teammate.say(REPORT)
    clock.now += timedelta(minutes=1)
    assert member.say(REPORT).startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 8, "sskdt": 4}


def test_a_redelivery_of_the_same_message_is_answered_as_before_not_asked_about(
    app: App, member: ConsoleChat, clock: Clock
):
    incoming = _message(member, REPORT)
    [first] = app.engine.handle(incoming)
    clock.now += timedelta(minutes=1)
    [again] = app.engine.handle(incoming)
    assert again.text == f"{texts.ALREADY_HANDLED}\n\n{first.text}"
    assert "y hệt" not in again.text
    assert len(stored_logs(app)) == 1


def test_a_different_photo_with_the_same_caption_is_another_log(
    app: App, member: ConsoleChat, clock: Clock
):
    app.engine.handle(_message(member, REPORT, photo="photo-1"))
    clock.now += timedelta(minutes=1)
    [same] = app.engine.handle(_message(member, REPORT, photo="photo-1"))
    assert "y hệt" in same.text
    [other] = app.engine.handle(_message(member, REPORT, photo="photo-2"))
    assert other.text.startswith(texts.ENTRY_SAVED)
    assert [log.photo_file_id for log in stored_logs(app)] == ["photo-1", "photo-2"]


def test_a_large_count_confirmed_again_is_asked_about_before_it_is_saved_twice(
    app: App, member: ConsoleChat, clock: Clock
):
    member.say("vneid 250")
    assert texts.ENTRY_SAVED in member.say("Đúng")
    clock.now += timedelta(minutes=2)
    member.say("vneid 250")
    assert "y hệt" in member.say("Đúng")
    assert member.say("Ghi thêm").startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 500}


def test_a_guided_entry_saved_again_is_asked_about(app: App, member: ConsoleChat, clock: Clock):
    member.say("vneid 3")
    clock.now += timedelta(minutes=4)
    member.say("/ghi")
    member.say("1")  # Cài đặt VNeID
    member.say("3")
    if "ngày nào" in member.say("2"):  # Không, tiếp tục; then the day, where it is asked
        member.say("1")  # Hôm nay
    for _ in range(3):
        member.say("bỏ qua")  # households, place, photo
    assert "y hệt" in member.say("1")  # Lưu
    assert member.say("không").startswith("Được, mình không ghi thêm.")
    assert service_totals(app) == {"vneid": 3}


def test_a_voice_entry_saved_again_is_asked_about(app: App, member: ConsoleChat, clock: Clock):
    said = "cài vneid cho ba người"
    member.speak(Heard(text=said))
    assert member.say("Lưu").startswith(texts.ENTRY_SAVED)
    clock.now += timedelta(minutes=5)
    member.speak(Heard(text=said))
    assert "y hệt" in member.say("Lưu")
    assert member.say("Ghi thêm").startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 6}


def test_a_correction_with_sua_is_never_asked_about(app: App, member: ConsoleChat, clock: Clock):
    member.say(REPORT)
    member.say("vneid 1")
    clock.now += timedelta(minutes=1)
    assert "Đã sửa" in member.say(f"/sua {REPORT}")
    assert service_totals(app) == {"vneid": 8, "sskdt": 4}


def test_in_a_group_the_same_report_is_asked_about_in_a_short_line(
    app: App, roster: Roster, clock: Clock
):
    roster.joined("Nguyễn Thị Lan", user="lan")

    def in_group(**fields: object) -> list[Reply]:
        key = f"group:{next(_keys)}"
        incoming = Incoming("console", "-100", "lan", message_key=key, is_group=True, **fields)  # type: ignore[arg-type]
        return app.engine.handle(incoming)

    clock.set_local(2026, 11, 23, 9, 2)
    in_group(text=REPORT)
    clock.now += timedelta(minutes=1)
    [asked] = in_group(text=REPORT)
    assert asked.text == (
        "Nguyễn Thị Lan: bạn vừa ghi y hệt lúc 09:02 "
        "(Cài đặt VNeID: 4; Sổ sức khỏe điện tử: 2). Ghi thêm một lượt nữa?"
    )
    assert [c.label for c in asked.choices] == ["Ghi thêm", "Không"]
    assert len(stored_logs(app)) == 1
    [saved] = in_group(choice=asked.choices[0].value)
    assert saved.text == "✅ Nguyễn Thị Lan: Cài đặt VNeID: 4; Sổ sức khỏe điện tử: 2"
    assert service_totals(app) == {"vneid": 8, "sskdt": 4}
