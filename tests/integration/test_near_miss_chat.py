"""A misspelt service ("vnied 2") is offered as what it likely means; "Đúng" saves exactly
what the summary showed, "Sửa lại" saves nothing and asks to type again; on SQLite and
PostgreSQL."""

from __future__ import annotations

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from tests.helpers import service_totals, stored_logs


def test_vnied_then_dung_saves_one_log_with_vneid(app: App, member: ConsoleChat):
    asked = member.say("vnied 2 @ ngõ 5")
    assert asked.startswith("Ý bạn là Cài đặt VNeID?")
    assert "• Cài đặt VNeID: 2" in asked and "• Địa điểm: ngõ 5" in asked
    assert "1. Đúng" in asked and "2. Sửa lại" in asked
    assert stored_logs(app) == []  # nothing before the member says yes
    assert "Đã ghi" in member.say("đúng")
    [log] = stored_logs(app)
    assert service_totals(app) == {"vneid": 2} and log.place == "ngõ 5"


def test_vnied_then_sua_lai_saves_nothing_and_asks_again(app: App, member: ConsoleChat):
    member.say("vnied 2")
    assert member.say("2") == texts.ENTRY_CANCELLED
    assert stored_logs(app) == []


def test_a_word_that_is_no_near_miss_is_not_guessed(app: App, member: ConsoleChat):
    answer = member.say("vneid 2 xyz")
    assert "Ý bạn là" not in answer and "Mình chưa hiểu “2 xyz”" in answer
