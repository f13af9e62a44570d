""" "Đã ghi / đã vào bot" is one count everywhere (/thongke, the weekly tally, the dashboard's
Tổng quan and Các tổ): erased members are not joined, officers and units' representatives
are no team's members, and active never exceeds joined; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from bot.app import App
from bot.web.dashboard import pages
from handlers import texts
from handlers.catalogue import load_catalogue
from reports.scope import ward_scope
from schedules.messages import tally
from schedules.planner import Chat, PlannedSend
from storage import queries
from storage.models import Role
from tests.conftest import Clock, Roster

TODAY = date(2026, 11, 23)


def test_active_and_joined_agree_everywhere_after_an_erasure(
    app: App, roster: Roster, clock: Clock
):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    a, b = roster.joined("Nguyễn Thị An"), roster.joined("Lê Văn Bình")
    gone = roster.joined("Phạm Thị Cúc")
    officer = roster.joined("Vũ Thị Thu", team="Tổ CNSCĐ phường", role=Role.OFFICER)
    for chat in (a, b, gone, officer):
        chat.say("vneid 2")
    gone.say("/xoadulieucuatoi")
    gone.say("1")

    assert texts.TEAM_ACTIVE.format(active=2, joined=3) in leader.say("/thongke")
    with app.uow() as uow:
        session = uow.session
        ward = queries.ward_by_name(session, "Phường Nhị Chiểu")
        assert ward is not None
        scope = ward_scope(session, ward, start=date(2026, 10, 1), end=date(2026, 12, 31))
        [row] = pages.team_ranking(session, scope, TODAY)
        view = pages.overview(session, scope, TODAY, app.config.zone)
        team_id = row.team_id
        send = PlannedSend(
            at=clock.now,
            kind="weekly_tally",
            chat=Chat("console", "g", "g"),
            key="k",
            team_id=team_id,
        )
        last_week = tally(session, send, load_catalogue(session), today=date(2026, 11, 30))
    assert (row.name, row.active_week, row.joined) == ("Tổ CNSCĐ TDP 1", 2, 3)
    assert (view.active_week, view.joined) == (2, 3)  # the officer is nobody's member
    assert texts.TEAM_ACTIVE.format(active=2, joined=3) in last_week.text
