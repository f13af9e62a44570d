"""Voice entries through the engine, on SQLite and PostgreSQL: the member sees what was
heard and what would be logged, and nothing is saved before "Lưu".

The words come as a speech engine would hand them over (`Heard`); how real speech becomes
those words is tested in tests/integration/test_voice_real_engine.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config, VoiceConfig
from handlers import texts
from handlers.messages import Heard
from tests.conftest import Clock, Roster
from tests.helpers import service_totals, stored_logs
from tests.integration.test_personal_numbers_kept_nowhere import assert_absent, stored_texts

SAID = "hôm nay cài vneid cho ba người, sổ sức khỏe hai"


def test_what_was_heard_is_shown_with_what_would_be_saved_and_nothing_is_saved_yet(
    app: App, member: ConsoleChat
):
    answer = member.speak(Heard(text=SAID, seconds=4.2))
    assert answer.startswith(texts.VOICE_HEARD.format(SAID))
    assert "• Cài đặt VNeID: 3" in answer and "• Sổ sức khỏe điện tử: 2" in answer
    assert "1. Lưu" in answer and "2. Sửa" in answer and "3. Huỷ" in answer
    assert stored_logs(app) == []


def test_lưu_saves_the_same_log_a_typed_entry_makes_with_the_words_as_its_note(
    app: App, member: ConsoleChat, roster: Roster
):
    member.speak(Heard(text=SAID))
    saved = member.say("Lưu")
    assert saved.startswith(texts.ENTRY_SAVED)
    [log] = stored_logs(app)
    assert log.note == texts.VOICE_NOTE.format(SAID)
    typist = roster.joined("Trần Văn Hùng")
    typist.say("vneid 3 sskdt 2")
    assert service_totals(app) == {"vneid": 6, "sskdt": 4}  # the two entries weigh the same
    assert "Chọn Lưu" not in saved  # the question is gone once answered


def test_huỷ_saves_nothing_and_an_old_lưu_button_does_nothing_afterwards(
    app: App, member: ConsoleChat
):
    member.speak(Heard(text=SAID))
    assert member.say("3") == texts.ENTRY_CANCELLED
    assert member.say("Lưu") != texts.ENTRY_SAVED
    assert stored_logs(app) == []


def test_sửa_shows_the_entry_typed_out_and_saves_what_the_member_types_instead(
    app: App, member: ConsoleChat
):
    member.speak(Heard(text="hôm qua cài vneid ba người sổ sức khỏe hai"))
    fix = member.say("sửa")
    assert "22/11 vneid 3 sskdt 2" in fix  # the tests' today is 23/11/2026
    assert stored_logs(app) == []
    assert member.say("22/11 vneid 4 sskdt 2").startswith(texts.ENTRY_SAVED)
    [log] = stored_logs(app)
    assert (log.day.isoformat(), log.note) == ("2026-11-22", None)
    assert service_totals(app) == {"vneid": 4, "sskdt": 2}


def test_chatter_is_left_out_and_a_misheard_service_is_suggested(app: App, member: ConsoleChat):
    answer = member.speak(Heard(text="hôm nay trời mưa em cài vnied cho ba người"))
    assert "trời mưa" not in answer.split("»", 1)[1]  # heard on top, not asked about
    assert texts.VOICE_MAYBE.format("Cài đặt VNeID") in answer
    assert "• Cài đặt VNeID: 3" in answer  # "vnied" read as the service it nearly is
    assert member.say("1").startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 3}


def test_a_voice_entry_with_two_readings_says_the_other_and_lưu_saves_the_one_shown(
    app: App, member: ConsoleChat
):
    answer = member.speak(Heard(text="cài vneid và kích hoạt mức 2 cho ba người"))
    assert "• Cài đặt VNeID: 3" in answer and "• Kích hoạt định danh điện tử mức 2: 3" in answer
    other = "Cài đặt VNeID: 1; Kích hoạt định danh điện tử mức 2: 3"
    assert texts.VOICE_OTHER_READING.format(other) in answer
    assert member.say("1").startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 3, "muc2": 3}


def test_words_with_no_service_in_them_save_nothing_and_say_how_to_speak(
    app: App, member: ConsoleChat
):
    answer = member.speak(Heard(text="lẽ ra thì chúng tôi không nên nhắc lại"))
    assert texts.VOICE_NOTHING_PLACED in answer
    assert "Lưu" not in answer.split(texts.VOICE_NOTHING_PLACED)[-1]
    assert member.say("1") == texts.NUMBER_WITHOUT_CHOICE.format("1")
    assert stored_logs(app) == []


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        (Heard(problem="too_long", limit=60), texts.VOICE_PROBLEM["too_long"].format(seconds=60)),
        (Heard(problem="too_quiet", limit=60), texts.VOICE_PROBLEM["too_quiet"]),
        (Heard(problem="busy", limit=60), texts.VOICE_PROBLEM["busy"]),
        (Heard(problem="unreadable", limit=60), texts.VOICE_PROBLEM["unreadable"]),
        (Heard(text="   ", seconds=3), texts.VOICE_NOT_HEARD),
    ],
)
def test_a_message_that_could_not_be_heard_gets_a_clear_answer_and_saves_nothing(
    app: App, member: ConsoleChat, heard: Heard, expected: str
):
    assert member.speak(heard) == expected
    assert stored_logs(app) == []


def test_a_number_read_out_digit_by_digit_is_kept_nowhere(app: App, member: ConsoleChat):
    said = "cài vneid ba người gọi chị hoa không chín một hai ba bốn năm sáu bảy tám nhé"
    answer = member.speak(Heard(text=said))
    assert texts.PROBLEM_SCRUBBED.format("09******78") in answer
    assert "bốn năm sáu" not in answer
    member.say("Lưu")
    [log] = stored_logs(app)
    assert log.note == texts.VOICE_NOTE.format("cài vneid ba người gọi chị hoa nhé")
    for where, text in stored_texts(app):
        assert "bốn năm sáu" not in text, where
        assert_absent("0912345678", text, where)


def test_the_counts_of_a_voice_entry_stay_counts_not_a_number_to_hide(
    app: App, member: ConsoleChat
):
    member.speak(Heard(text="vneid ba sskdt hai smart hải phòng một"))
    assert member.say("Lưu").startswith(texts.ENTRY_SAVED)
    assert service_totals(app) == {"vneid": 3, "sskdt": 2, "smarthp": 1}


def test_someone_not_yet_joined_is_greeted_not_logged(app: App):
    stranger = ConsoleChat(app.engine, user_id="stranger-1")
    answer = stranger.speak(Heard(text=SAID))
    assert "/thamgia" in answer
    assert stored_logs(app) == []


def test_help_tells_members_they_may_speak_only_where_voice_is_heard(config: Config, clock: Clock):
    for enabled in (False, True):
        app = build_app(replace(config, voice=VoiceConfig(enabled=enabled)), clock=clock)
        try:
            help_text = Roster(app).joined("Nguyễn Thị Lan").say("/trogiup")
        finally:
            app.db.dispose()
        assert (texts.HELP_VOICE in help_text) is enabled
