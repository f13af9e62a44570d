"""Targets (chỉ tiêu) per team, service and period. Never commits."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from storage.logs import service_ids
from storage.models import Service, Target

PERIODS = ("month", "quarter", "year")


def period_start(period: str, day: date) -> date:
    """The first day of the month, quarter or year that `day` is in."""
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def set_target(session: Session, *, team_id: int, service: str, period: str, count: int) -> None:
    """Set (or replace) a team's target for a service and period."""
    service_id = service_ids(session)[service]
    stmt = select(Target).where(
        Target.team_id == team_id, Target.service_id == service_id, Target.period == period
    )
    target = session.exec(stmt).first() or Target(
        team_id=team_id, service_id=service_id, period=period, count=count
    )
    target.count = count
    session.add(target)


def targets_of(session: Session, team_id: int) -> list[tuple[str, str, int]]:
    """(service code, period, count) of a team's targets, in catalogue order."""
    stmt = (
        select(Service.code, Target.period, Target.count)
        .join(Service, col(Service.id) == col(Target.service_id))
        .where(Target.team_id == team_id)
        .order_by(col(Service.position), col(Target.period))
    )
    return [(code, period, count) for code, period, count in session.exec(stmt)]
