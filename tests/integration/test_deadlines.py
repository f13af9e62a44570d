"""Deadlines: the ward's 2026 calendar, /danop stops a team's reminders, /tiendo shows who."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.app import App
from handlers import texts
from schedules.planner import plan
from schedules.snapshot import ward_views
from storage.models import DeadlineSubmission, ResidentialGroup, Role, Team
from tests.conftest import Clock, Roster

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def planned(app: App, start: date, end: date) -> list[dict]:
    with app.uow() as uow:
        return [
            s.as_dict()
            for s in plan(ward_views(uow.session, zone=ZONE), start=start, end=end, zone=ZONE)
        ]


def test_the_wards_2026_calendar_reminds_the_leader_on_the_directives_days(
    app: App, roster: Roster
):
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    sends = [
        s
        for s in planned(app, date(2026, 1, 1), date(2026, 12, 31))
        if s["kind"] == "deadline_reminder"
    ]
    by_deadline: dict[str, list[str]] = {}
    for send in sends:
        by_deadline.setdefault(f"{send['deadline']} {send['last_day']}", []).append(send["at"])
    assert by_deadline["Báo cáo quý 2026-06-14"] == [
        "2026-06-07T08:00:00+07:00",
        "2026-06-11T08:00:00+07:00",
        "2026-06-13T08:00:00+07:00",
        "2026-06-14T08:00:00+07:00",
    ]
    assert by_deadline["Báo cáo năm 2026-10-24"] == [
        "2026-10-17T08:00:00+07:00",
        "2026-10-21T08:00:00+07:00",
        "2026-10-23T08:00:00+07:00",
        "2026-10-24T08:00:00+07:00",
    ]
    assert len(sends) == 4 * 4 + 4  # four quarters and the annual report, four days each
    assert {s["target"] for s in sends} == {"Phạm Văn Minh (tổ trưởng, máy tính)"}


def test_danop_marks_the_coming_period_and_stops_that_teams_reminders(
    app: App, roster: Roster, clock: Clock
):
    leader = roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    roster.joined("Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2", user="mai")
    clock.set_local(2026, 12, 8, 9, 0)
    answer = leader.say("/danop")
    assert "Đã ghi nhận Tổ CNSCĐ TDP 1 đã nộp Báo cáo quý (hạn cuối 14/12/2026)" in answer
    assert "rồi" in leader.say("/danop")
    coming = planned(app, date(2026, 12, 9), date(2026, 12, 14))
    targets = {s["target"] for s in coming if s["kind"] == "deadline_reminder"}
    assert targets == {"Vũ Thị Mai (tổ trưởng, máy tính)"}
    next_quarter = {s["target"] for s in planned(app, date(2027, 3, 7), date(2027, 3, 14))}
    assert "Phạm Văn Minh (tổ trưởng, máy tính)" in next_quarter


def test_only_leaders_mark_a_report_submitted(app: App, roster: Roster, clock: Clock):
    member = roster.joined("Nguyễn Thị Lan", user="lan")
    clock.set_local(2026, 12, 8, 9, 0)  # a deadline is coming: a leader's /danop would store one
    assert member.say("/danop") == texts.NOT_ALLOWED["leader"]
    with app.uow() as uow:
        assert uow.session.exec(select(DeadlineSubmission)).all() == []


def test_tiendo_shows_the_officer_who_has_submitted(app: App, roster: Roster, clock: Clock):
    roster.add("Đỗ Thị Hoa", team="Tổ CNSCĐ TDP 2")
    officer = roster.joined("Trần Văn Hùng", role=Role.OFFICER, team="Tổ CNSCĐ phường", user="hung")
    leader = roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    with app.uow() as uow:  # the two neighbourhood teams belong to residential groups
        for n, team in enumerate(uow.session.exec(select(Team)).all()):
            if "TDP" in team.name:
                group = ResidentialGroup(ward_id=team.ward_id, name=f"Tổ dân phố {n}")
                uow.session.add(group)
                uow.session.flush()
                team.residential_group_id = group.id
                uow.session.add(team)
        uow.commit()
    clock.set_local(2026, 12, 8, 9, 0)
    leader.say("/danop")
    answer = officer.say("/tiendo")
    assert "Báo cáo quý, hạn cuối 14/12/2026: 1/2 tổ đã nộp." in answer
    assert "Đã nộp: Tổ CNSCĐ TDP 1" in answer and "Chưa nộp: Tổ CNSCĐ TDP 2" in answer
    assert leader.say("/tiendo") == "Việc này chỉ cán bộ phường làm được."


def test_an_officer_adds_a_one_off_deadline_in_chat(app: App, roster: Roster):
    officer = roster.joined("Trần Văn Hùng", role=Role.OFFICER, team="Tổ CNSCĐ phường", user="hung")
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    assert "ví dụ: /hanchot Đăng ký mô hình 20/04/2026" in officer.say("/hanchot Đăng ký")
    assert "đã qua" in officer.say("/hanchot Cũ 20/04/2026")
    answer = officer.say("/hanchot Đăng ký mô hình 20/04/2027")
    assert "Đã thêm hạn “Đăng ký mô hình”: hạn cuối 19/04/2027" in answer
    days = [
        s["at"][:10]
        for s in planned(app, date(2027, 4, 1), date(2027, 4, 30))
        if s["deadline"] == "Đăng ký mô hình"
    ]
    assert days == ["2027-04-12", "2027-04-16", "2027-04-18", "2027-04-19"]
    assert "cán bộ phường" in roster.joined("Lê Văn Tư", user="tu").say("/hanchot X 1/1/2030")
