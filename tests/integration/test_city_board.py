"""The city's web page reads every ward's figures in a fixed number of queries: as many for
fourteen wards, each with teams, people and logs, as for four, with the city's deadlines and
the wards' reports to it or without them. On SQLite and PostgreSQL."""

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
from tests.city_wards import (
    AN_LAO,
    CAT_HAI,
    LE_CHAN,
    NGO_QUYEN,
    TODAY,
    build_city,
    city_deadlines,
    ward_sends,
)
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


# the city's deadlines, as /hanchot stores them: (name, "before" day, period); the first is
# over in the quarter (last day 09/11), the others still open (last days 19/12 and 24/11)
OVER = ("Báo cáo tháng 10", date(2026, 11, 10), "2026-11-10")
OPEN = ("Báo cáo tháng 12", date(2026, 12, 20), "2026-12-20")
LATER = ("Báo cáo nhanh", date(2026, 11, 25), "2026-11-25")  # added with the ten wards


def shown(board: Board) -> list[tuple[str, int, int, int, list[str]]]:
    """The city's deadlines on the board: (name, wards, sent, on time, the missing)."""
    return [(d.name, d.wards, d.sent, d.on_time, list(d.missing)) for d in board.deadlines]


def test_with_the_citys_deadlines_the_page_takes_as_many_queries_for_fourteen_wards(app: App):
    build_city(app)
    now = app.clock()  # 23/11/2026: OVER is over, OPEN is not
    sent_before = datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
    with app.uow() as uow:
        city_deadlines(uow, now, OVER, OPEN)
        ward_sends(uow, LE_CHAN, OPEN, now)
        # and from a second team at ward level (an older roster's): still one ward
        ward_sends(uow, LE_CHAN, OPEN, now, team="Tổ CNSCĐ cấp phường")
        ward_sends(uow, AN_LAO, OPEN, now)
        ward_sends(uow, NGO_QUYEN, OVER, sent_before)
        uow.commit()
    four, statements = board(app)
    assert shown(four) == [
        ("Báo cáo tháng 12", 4, 2, 2, [CAT_HAI, NGO_QUYEN]),
        ("Báo cáo tháng 10", 4, 1, 1, [CAT_HAI, LE_CHAN, AN_LAO]),
    ]
    with app.uow() as uow:
        city_deadlines(uow, now, LATER)  # one more deadline: no more queries either
        for n in range(10):
            busy_ward(uow, now, n)
            if n % 2 == 0:  # Xã Thêm 0, 2, 4, 6, 8 send both, the one over on time
                ward_sends(uow, f"Xã Thêm {n}", OPEN, now)
                ward_sends(uow, f"Xã Thêm {n}", OVER, sent_before)
        uow.commit()
    fourteen, more = board(app)
    assert more == statements
    odd = [f"Xã Thêm {n}" for n in (1, 3, 5, 7, 9)]
    everyone = [CAT_HAI, LE_CHAN, NGO_QUYEN, AN_LAO, *(f"Xã Thêm {n}" for n in range(10))]
    assert shown(fourteen) == [
        ("Báo cáo nhanh", 14, 0, 0, everyone),  # last day 24/11: the soonest
        ("Báo cáo tháng 12", 14, 7, 7, [CAT_HAI, NGO_QUYEN, *odd]),
        ("Báo cáo tháng 10", 14, 6, 6, [CAT_HAI, LE_CHAN, AN_LAO, *odd]),
    ]
