"""/huy undoes only what was just logged without asking; anything older is shown (day,
services) and undone only on "Hoàn tác". The words "hoàn tác" work as /huy, and a number
typed after its choices have gone says so; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from tests.conftest import Clock
from tests.helpers import service_totals


def test_a_second_huy_asks_before_undoing_an_older_log(app: App, member: ConsoleChat, clock: Clock):
    member.say("20/11 vneid 3")  # typed this morning for last Friday
    clock.now += timedelta(hours=10)
    member.say("sskdt 2")
    assert "Đã hoàn tác lượt ghi ngày 23/11/2026" in member.say("/huy")
    asked = member.say("/huy")
    assert "Hoàn tác lượt ghi ngày 20/11/2026?" in asked
    assert "• Cài đặt VNeID: 3" in asked and "1. Hoàn tác" in asked and "2. Giữ nguyên" in asked
    assert service_totals(app) == {"vneid": 3}  # nothing undone by asking
    assert member.say("2") == texts.UNDO_KEPT
    assert service_totals(app) == {"vneid": 3}
    member.say("/huy")
    assert "Đã hoàn tác lượt ghi ngày 20/11/2026" in member.say("1")
    assert service_totals(app) == {}


def test_an_hour_old_log_is_asked_about_too(app: App, member: ConsoleChat, clock: Clock):
    member.say("vneid 3")
    clock.now += timedelta(hours=1)
    assert "Hoàn tác lượt ghi ngày 23/11/2026?" in member.say("/huy")
    assert service_totals(app) == {"vneid": 3}


def test_hoan_tac_typed_as_words_undoes_the_log_just_made(app: App, member: ConsoleChat):
    member.say("vneid 3")
    member.say("/cuatoi")  # the Undo choice is gone
    for words in ("hoàn tác", "hoan tac"):
        member.say("sskdt 1")
        member.say("/cuatoi")
        assert "Đã hoàn tác" in member.say(words), words
    assert service_totals(app) == {"vneid": 3}


def test_a_late_1_after_the_undo_choice_has_gone_says_how_to_undo(app: App, member: ConsoleChat):
    member.say("vneid 3")
    member.say("/cuatoi")
    answer = member.say("1")
    assert "hết hạn" in answer and "/huy" in answer
    assert "chưa hiểu" not in answer
    assert service_totals(app) == {"vneid": 3}
