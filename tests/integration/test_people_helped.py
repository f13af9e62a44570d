"""People helped is a lower bound per log (SPEC §6): a log's typed `N người`, else its
largest service count; the same figure, under the same "(ít nhất)" label, in /thongke, the
weekly tally, the workbook and the dashboard; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.app import App
from bot.web.dashboard import pages
from handlers import texts
from handlers.catalogue import load_catalogue
from reports import labels as L
from reports.export import export_workbook
from reports.scope import team_scope
from schedules.messages import tally
from schedules.planner import Chat, PlannedSend
from storage.models import Role
from tests.conftest import Clock, Roster

# 23/11/2026 is a Monday: these go in last week (for the tally) and this quarter
ENTRIES = {
    "20/11 vneid 3 sskdt 2": 3,  # no people typed: at least the largest count
    "20/11 vneid 1 5 người": 5,  # typed: as typed
    "21/11 sskdt 2": 2,
    "21/11 smart hp 1 mức 2 4": 4,
}
AT_LEAST = sum(ENTRIES.values())  # 14, where the typed people alone gave 5


def test_people_helped_is_the_same_lower_bound_everywhere(
    app: App, roster: Roster, clock: Clock, tmp_path: Path
):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    for text in ENTRIES:
        assert "Đã ghi" in leader.say(text), text

    clock.now -= timedelta(days=1)  # Sunday 22/11: /thongke's week is last week
    week_line = texts.STATS_PEOPLE.format(AT_LEAST)
    assert week_line in leader.say("/thongke")
    assert "(ít nhất)" in week_line
    clock.now += timedelta(days=1)

    with app.uow() as uow:
        session = uow.session
        team_id = _team_id(app)
        send = PlannedSend(
            at=clock.now,
            kind="weekly_tally",
            chat=Chat("console", "g1", "nhóm"),
            key="t",
            team_id=team_id,
        )
        said = tally(session, send, load_catalogue(session), today=date(2026, 11, 23))
        assert week_line in said.text

        scope = team_scope(session, team_id, start=date(2026, 10, 1), end=date(2026, 12, 31))
        path = tmp_path / "q4.xlsx"
        export_workbook(
            session, scope, path, now=clock.now, made_at=datetime(2026, 11, 23), via="test"
        )
        view = pages.overview(session, scope, date(2026, 11, 23), app.config.zone)
        uow.commit()
    assert view.quarter.people == AT_LEAST

    wb = load_workbook(path)
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(values_only=True) if row[0]}
    assert summary[L.PEOPLE] == AT_LEAST
    detail = list(wb["Chi tiết"].iter_rows(values_only=True))
    head = next(r for r in detail if r and L.HEAD_PEOPLE in r)
    column = head.index(L.HEAD_PEOPLE)
    rows = detail[detail.index(head) + 1 :]
    assert sorted(r[column] for r in rows if r[column] is not None) == sorted(ENTRIES.values())


def _team_id(app: App) -> int:
    from sqlmodel import select

    from storage.models import Team

    with app.uow() as uow:
        team = uow.session.exec(select(Team).where(Team.name == "Tổ CNSCĐ TDP 1")).one()
        assert team.id is not None
        return team.id
