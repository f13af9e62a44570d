"""Support logs: writing them, undoing them and adding them up. Never commits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Subquery, delete, func
from sqlmodel import Session, col, select

from storage.models import Service, SupportLog, SupportLogItem, Team


@dataclass(frozen=True)
class Totals:
    """What a set of logs adds up to: logs, per-service sums, people, households, and how
    many people made them (whoever they are: who counts as a member is storage.membership's)."""

    logs: int
    by_service: dict[str, int]
    people: int
    households: int
    authors: int


def people_helped() -> tuple[Subquery, ColumnElement[int]]:
    """People a log helped, at least: its typed `N người`, else its largest service count
    ("vneid 3 sskdt 2" helped at least 3). The subquery is outer-joined on log_id."""
    most = (
        select(
            col(SupportLogItem.log_id).label("log_id"),
            func.max(SupportLogItem.count).label("most"),
        )
        .group_by(col(SupportLogItem.log_id))
        .subquery()
    )
    return most, func.coalesce(col(SupportLog.people), most.c.most, 0)


def people_helped_each() -> ColumnElement[int]:
    """The same figure as `people_helped`, read log by log (its items by the primary key),
    for a query on `SupportLog` with no join: it reads only the selected logs' items, where
    the subquery groups every log's (bench/city.py: a city's quarter)."""
    most = (
        select(func.max(SupportLogItem.count))
        .where(col(SupportLogItem.log_id) == col(SupportLog.id))
        .scalar_subquery()
    )
    return func.coalesce(col(SupportLog.people), most, 0)


def service_ids(session: Session) -> dict[str, int]:
    """Service code -> id."""
    return {s.code: s.id for s in session.exec(select(Service)) if s.id is not None}


def set_items(session: Session, log: SupportLog, items: dict[str, int]) -> None:
    """Replace the per-service counts of a log."""
    assert log.id is not None
    session.execute(delete(SupportLogItem).where(col(SupportLogItem.log_id) == log.id))
    ids = service_ids(session)
    for code, count in items.items():
        session.add(SupportLogItem(log_id=log.id, service_id=ids[code], count=count))


def add_log(session: Session, log: SupportLog, items: dict[str, int]) -> SupportLog:
    """Store a new log with its counts."""
    session.add(log)
    session.flush()
    assert log.id is not None
    ids = service_ids(session)  # a new log has no counts yet: nothing to delete first
    for code, count in items.items():
        session.add(SupportLogItem(log_id=log.id, service_id=ids[code], count=count))
    return log


def items_of(session: Session, log_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The per-service counts of some logs, in catalogue order."""
    ids = list(log_ids)
    if not ids:
        return {}
    stmt = (
        select(SupportLogItem.log_id, Service.code, SupportLogItem.count)
        .join(Service, col(Service.id) == col(SupportLogItem.service_id))
        .where(col(SupportLogItem.log_id).in_(ids))
        .order_by(col(Service.position), col(Service.id))
    )
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    for log_id, code, count in session.exec(stmt):
        out[log_id][code] = count
    return out


def recent_logs(
    session: Session, member_id: int, limit: int = 5, *, by_day: bool = False
) -> list[SupportLog]:
    """A member's latest logs that are not deleted, newest first: the last made, or (by_day)
    those of the latest days."""
    order: list[Any] = [col(SupportLog.created_at).desc(), col(SupportLog.id).desc()]
    if by_day:
        order.insert(0, col(SupportLog.day).desc())
    stmt = (
        select(SupportLog)
        .where(SupportLog.member_id == member_id, col(SupportLog.deleted_at).is_(None))
        .order_by(*order)
        .limit(limit)
    )
    return list(session.exec(stmt))


def logs_with_details(session: Session, member_id: int) -> list[SupportLog]:
    """A member's logs that keep a note, a place or a photo (undone ones too), newest first."""
    stmt = (
        select(SupportLog)
        .where(
            SupportLog.member_id == member_id,
            col(SupportLog.note).is_not(None)
            | col(SupportLog.place).is_not(None)
            | col(SupportLog.photo_file_id).is_not(None),
        )
        .order_by(col(SupportLog.day).desc(), col(SupportLog.id).desc())
    )
    return list(session.exec(stmt))


def undone_since(session: Session, member_id: int, since: datetime) -> bool:
    """Whether the member undid any log after `since`."""
    stmt = select(SupportLog.id).where(
        SupportLog.member_id == member_id, col(SupportLog.deleted_at) > since
    )
    return session.exec(stmt.limit(1)).first() is not None


# what a log says, besides its counts: two logs alike in all of these read the same
_READING = ("day", "people", "households", "place", "note", "photo_file_id")


def recent_same(
    session: Session, log: SupportLog, items: dict[str, int], *, since: datetime
) -> SupportLog | None:
    """The newest log of `log`'s member, not undone, made since `since`, that says exactly
    what `log` with `items` would say (the same report sent again), or None."""
    alike = [
        col(getattr(SupportLog, name)).is_(None)
        if getattr(log, name) is None
        else col(getattr(SupportLog, name)) == getattr(log, name)
        for name in _READING
    ]
    stmt = (
        select(SupportLog)
        .where(
            SupportLog.member_id == log.member_id,
            col(SupportLog.deleted_at).is_(None),
            col(SupportLog.created_at) >= since,
            *alike,
        )
        .order_by(col(SupportLog.created_at).desc(), col(SupportLog.id).desc())
    )
    found = list(session.exec(stmt))
    counts = items_of(session, [row.id for row in found if row.id is not None])
    return next((row for row in found if counts.get(row.id or 0) == items), None)


def own_log(session: Session, member_id: int, log_id: int) -> SupportLog | None:
    """A member's own log by id, deleted or not."""
    log = session.get(SupportLog, log_id)
    return log if log is not None and log.member_id == member_id else None


def totals(
    session: Session,
    *,
    start: date,
    end: date,
    team_ids: Iterable[int] | None = None,
    member_id: int | None = None,
) -> Totals:
    """Sums over non-deleted logs from `start` to `end` (both included)."""
    where = [
        col(SupportLog.deleted_at).is_(None),
        col(SupportLog.day) >= start,
        col(SupportLog.day) <= end,
    ]
    if team_ids is not None:
        where.append(col(SupportLog.team_id).in_(list(team_ids)))
    if member_id is not None:
        where.append(col(SupportLog.member_id) == member_id)
    most, helped = people_helped()
    head = session.exec(
        select(
            func.count(col(SupportLog.id)),
            func.coalesce(func.sum(helped), 0),
            func.coalesce(func.sum(SupportLog.households), 0),
            func.count(func.distinct(SupportLog.member_id)),
        )
        .outerjoin(most, most.c.log_id == col(SupportLog.id))
        .where(*where)
    ).one()
    # sums per service first, then their names: joined the other way round, SQLite walks
    # the period's logs once per service of the catalogue
    sums = (
        select(SupportLogItem.service_id, func.sum(SupportLogItem.count).label("n"))
        .join(SupportLog, col(SupportLog.id) == col(SupportLogItem.log_id))
        .where(*where)
        .group_by(col(SupportLogItem.service_id))
        .subquery()
    )
    rows = session.exec(
        select(Service.code, sums.c.n)
        .join(sums, sums.c.service_id == col(Service.id))
        .order_by(col(Service.position), col(Service.id))
    )
    logs, people, households, authors = (int(v or 0) for v in head)
    return Totals(logs, {c: int(n or 0) for c, n in rows}, people, households, authors)


def soft_delete(log: SupportLog, now: datetime) -> None:
    """Undo: the log stays in the database but drops out of every total."""
    log.deleted_at = now


def logs_by_team(session: Session, *, ward_id: int, start: date, end: date) -> dict[int, int]:
    """Number of non-deleted logs per team of a ward in the period."""
    stmt = (
        select(SupportLog.team_id, func.count(col(SupportLog.id)))
        .join(Team, col(Team.id) == col(SupportLog.team_id))
        .where(
            Team.ward_id == ward_id,
            col(SupportLog.deleted_at).is_(None),
            col(SupportLog.day) >= start,
            col(SupportLog.day) <= end,
        )
        .group_by(col(SupportLog.team_id))
    )
    return {team_id: int(n) for team_id, n in session.exec(stmt)}


def logs_per_team_day(
    session: Session, *, team_ids: Iterable[int], start: date, end: date
) -> dict[tuple[int, date], int]:
    """(team id, day) -> number of non-deleted logs, for some teams in the period."""
    stmt = (
        select(col(SupportLog.team_id), col(SupportLog.day), func.count(col(SupportLog.id)))
        .where(
            col(SupportLog.team_id).in_(list(team_ids)),
            col(SupportLog.deleted_at).is_(None),
            col(SupportLog.day) >= start,
            col(SupportLog.day) <= end,
        )
        .group_by(col(SupportLog.team_id), col(SupportLog.day))
    )
    return {(team_id, day): int(n) for team_id, day, n in session.exec(stmt)}
