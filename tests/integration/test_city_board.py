"""The city's web page reads every ward's figures in a fixed number of queries: as many for
fourteen wards, each with teams, people and logs, as for four. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event

from bot.app import App
from bot.web.dashboard.city import Board, city_board
from handlers.admin import add_ward
from storage import logs
from storage.models import Member, ResidentialGroup, SupportLog, Team
from storage.uow import UnitOfWork
from tests.city_wards import TODAY, build_city
from tests.conftest import ZONE


def board(app: App) -> tuple[Board, int]:
    """The quarter's board, and how many statements reading it took."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(app.db, "before_cursor_execute", count)
    try:
        with app.uow(read_only=True) as uow:
            found = city_board(uow.session, today=TODAY, zone=ZONE, slug="quy")
    finally:
        event.remove(app.db, "before_cursor_execute", count)
    return found, len(seen)


def busy_ward(uow: UnitOfWork, now: datetime, n: int) -> None:
    """A ward with two teams of residential groups, a member each, and n + 1 logs."""
    session = uow.session
    ward = add_ward(uow, f"Xã Thêm {n}", now=now)
    for t in (1, 2):
        group = ResidentialGroup(ward_id=ward.id or 0, name=f"Thôn {t}")
        session.add(group)
        session.flush()
        team = Team(ward_id=ward.id or 0, name=f"Tổ CNSCĐ Thôn {t}", residential_group_id=group.id)
        session.add(team)
        session.flush()
        member = Member(team_id=team.id or 0, name=f"Người {n} {t}", role="member", created_at=now)
        member.consent_at = now
        session.add(member)
        session.flush()
        if t == 1:
            for k in range(n + 1):
                log = SupportLog(
                    member_id=member.id or 0,
                    team_id=team.id or 0,
                    day=date(2026, 10, 2 + k),
                    created_at=datetime(2026, 10, 2, tzinfo=UTC),
                )
                logs.add_log(session, log, {"vneid": 1})


def test_the_city_page_takes_as_many_queries_for_fourteen_wards_as_for_four(app: App):
    build_city(app)
    four, statements = board(app)
    assert four.wards == 4
    with app.uow() as uow:
        for n in range(10):
            busy_ward(uow, app.clock(), n)
        uow.commit()
    fourteen, more = board(app)
    assert more == statements
    assert fourteen.wards == 14
    found = {r.line.name: r.line for r in fourteen.rows}
    assert (found["Xã Thêm 9"].logs, found["Xã Thêm 9"].teams_logged) == (10, 1)
    assert (found["Xã Thêm 9"].teams, found["Xã Thêm 9"].members) == (2, 2)
    assert fourteen.total.logs == four.total.logs + sum(range(1, 11))
    assert [r.line.name for r in fourteen.rows[:2]] == ["Xã Thêm 9", "Xã Thêm 8"]
