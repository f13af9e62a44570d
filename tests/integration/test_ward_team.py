"""The ward's own team (where officers sit) is not a residential team: it is not ranked,
not counted in /tiendo, and an officer's /danop never records a submission for it; on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from bot.app import App
from handlers import texts
from handlers.catalogue import load_catalogue
from schedules.messages import tally
from schedules.planner import Chat, PlannedSend
from storage import queries
from storage.models import Role
from tests.conftest import Clock, Roster

WARD_TEAM = "Tổ CNSCĐ phường"


def test_an_officer_sees_only_residential_teams_ranked(app: App, roster: Roster, clock: Clock):
    officer = roster.joined("Vũ Thị Thu", team=WARD_TEAM, role=Role.OFFICER)
    roster.joined("Nguyễn Thị Lan", team="Tổ CNSCĐ TDP 1").say("vneid 3")
    roster.joined("Trần Văn Bình", team="Tổ CNSCĐ TDP 2")
    officer.say("vneid 1")  # an officer helping too: counted in the ward's totals
    answer = officer.say("/thongke")
    lines = answer.splitlines()
    ranking = lines[lines.index(texts.WARD_RANKING) + 1 :]
    assert ranking == ["1. Tổ CNSCĐ TDP 1: 1", "2. Tổ CNSCĐ TDP 2: 0"]
    assert "• Số lượt hỗ trợ: 2" in answer
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, "Phường Nhị Chiểu")
        assert ward is not None
        send = PlannedSend(
            at=clock.now,
            kind="weekly_tally",
            chat=Chat("console", "g", "g"),
            key="k",
            ward_id=ward.id,
        )
        said = tally(uow.session, send, load_catalogue(uow.session), today=date(2026, 11, 30))
    assert WARD_TEAM not in said.text and "Tổ CNSCĐ TDP 2" in said.text


def test_an_officers_danop_asks_which_team_and_records_the_one_named(app: App, roster: Roster):
    officer = roster.joined("Vũ Thị Thu", team=WARD_TEAM, role=Role.OFFICER)
    for n in (1, 2, 3):
        roster.add(f"Tổ trưởng {n}", team=f"Tổ CNSCĐ TDP {n}", role=Role.LEADER)
    asked = officer.say("/danop")
    assert "/danop Tổ CNSCĐ TDP 1" in asked and "Đã ghi nhận" not in asked
    assert "0/3 tổ đã nộp" in officer.say("/tiendo")
    assert "Đã ghi nhận Tổ CNSCĐ TDP 2 đã nộp" in officer.say("/danop tdp 2")
    progress = officer.say("/tiendo")
    assert "1/3 tổ đã nộp" in progress and WARD_TEAM not in progress
    assert "không thấy tổ nào" in officer.say("/danop TDP 9")
