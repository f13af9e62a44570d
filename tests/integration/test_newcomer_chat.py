"""What a new volunteer, leader or officer tripped over in chat: help that leaves commands
out, a "partly understood" answer that hides what would be saved, thanks answered with a
greeting, long number lists, /cuatoi out of day order, a /hanchot without a year, and /web
in the terminal; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import App
from bot.channels.text import answer_hint
from handlers import texts
from storage.models import Role
from tests.conftest import Clock, Roster

RANK = {Role.MEMBER: 1, Role.LEADER: 2, Role.OFFICER: 3}


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER, Role.OFFICER])
def test_help_lists_every_command_the_role_may_use(app: App, roster: Roster, role: Role):
    team = "Tổ CNSCĐ phường" if role == Role.OFFICER else "Tổ CNSCĐ TDP 1"
    shown = roster.joined("Người thử", role=role, team=team).say("/trogiup")
    by_handler: dict[object, list[str]] = {}
    for name, route in app.engine.commands.items():
        if route.role is None or (route.role == Role.UNIT and route.only):
            continue  # for strangers (thamgia, trogiup) or a unit's representative alone
        if RANK.get(route.role, 0) <= RANK[role]:
            by_handler.setdefault(route.handler, []).append(name)
    for names in by_handler.values():
        assert any(f"/{n}" in shown for n in names), (role, names)
    if role != Role.OFFICER:
        assert "/tiendo" not in shown and "/hanchot" not in shown
    if role == Role.MEMBER:
        assert "/danop" not in shown and "/lienket" not in shown


def test_partly_understood_shows_all_that_would_be_saved(app: App, roster: Roster):
    member = roster.joined("Nguyễn Thị Lan")
    answer = member.say("hôm qua vneid 3, hộ @ ngõ 5 gc: bà Tư")
    assert "Mình chưa hiểu “hộ”" in answer
    assert "Ngày 22/11/2026 (hôm qua)" in answer
    assert "• Cài đặt VNeID: 3" in answer and "• Địa điểm: ngõ 5" in answer
    assert "• Ghi chú: bà Tư" in answer


@pytest.mark.parametrize("said", ["cam on", "Cảm ơn bạn!", "cảm ơn nhiều"])
def test_thanks_are_answered_with_thanks(roster: Roster, said: str):
    answer = roster.joined("Nguyễn Thị Lan").say(said)
    assert answer.startswith("Không có gì đâu Nguyễn Thị Lan") and "Chào" not in answer


def test_more_than_four_choices_say_the_range():
    assert answer_hint(11) == "Trả lời số từ 1 đến 11"
    assert answer_hint(3) == "Trả lời 1, 2 hoặc 3"


def test_ghi_asks_with_a_short_range(roster: Roster):
    asked = roster.joined("Nguyễn Thị Lan").say("/ghi")
    assert "(Trả lời số từ 1 đến 11)" in asked


def test_cuatoi_lists_logs_by_day_newest_first_with_households(roster: Roster, clock: Clock):
    member = roster.joined("Nguyễn Thị Lan")
    member.say("vneid 1")  # 23/11
    member.say("20/11 sskdt 2 4 hộ")
    member.say("22/11 vneid 3")
    clock.now += timedelta(minutes=5)
    lines = [line for line in member.say("/cuatoi").splitlines() if line.startswith("• 2")]
    assert [line[2:12] for line in lines] == ["23/11/2026", "22/11/2026", "20/11/2026"]
    assert "4 hộ" in lines[2]


def test_hanchot_without_a_year_says_the_year_is_missing(roster: Roster):
    officer = roster.joined("Vũ Thị Thu", team="Tổ CNSCĐ phường", role=Role.OFFICER)
    answer = officer.say("/hanchot Báo cáo tháng 12 31/12")
    assert "“31/12” còn thiếu năm" in answer
    assert "/hanchot Báo cáo tháng 12 31/12/2026" in answer
    answer = officer.say("/hanchot 31/12/2026")
    assert "tên là gì" in answer


def test_web_in_the_terminal_says_how_to_open_the_dashboard(roster: Roster):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER, user="totruong")
    answer = leader.say("/web")
    assert "make web" in answer and "gotungnha web --user totruong" in answer
    assert answer != texts.WEB_OFF
