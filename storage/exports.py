"""What the report workbook reads: roster figures, sums, and the logs one by one. Never commits.

Sums are done by the database (GROUP BY); the logs of `Chi tiết` are streamed in order so
a million of them never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage import membership
from storage.logs import people_helped
from storage.models import (
    ChatIdentity,
    GroupChat,
    Member,
    ResidentialGroup,
    SupportLog,
    SupportLogItem,
    Team,
)

STREAM_BATCH = 5000


@dataclass(frozen=True)
class RosterFigures:
    """The report's roster indicators for the ward (or one team)."""

    residential_groups: int
    teams: int
    members: int
    groups_with_team: int
    group_chats: int
    ward_level_members: int  # members of the ward's own team (not a residential group's)


@dataclass(frozen=True)
class LogRow:
    """One non-deleted support log with its per-service counts (service id -> count)."""

    id: int
    day: date
    team_id: int
    member_id: int
    households: int | None
    people: int | None
    place: str | None
    note: str | None
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def helped(self) -> int:
        """People helped, at least: `N người` as typed, else the largest service count."""
        return self.people if self.people is not None else max(self.counts.values(), default=0)


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    phone: str | None
    role: str
    deputy: bool
    team_id: int
    joined: bool
    platforms: tuple[str, ...]


def _in_period(team_ids: Sequence[int], start: date, end: date) -> list[ColumnElement[bool]]:
    return [
        col(SupportLog.team_id).in_(list(team_ids)),
        col(SupportLog.deleted_at).is_(None),
        col(SupportLog.day) >= start,
        col(SupportLog.day) <= end,
    ]


def roster_figures(session: Session, *, ward_id: int, team_ids: Sequence[int]) -> RosterFigures:
    """Residential groups, their teams and members (joined or not), coverage, linked chats.

    As in the ward's report, the teams counted are those of residential groups; a
    ward-level team and its members are counted apart. Members are storage.membership's:
    officers and units' representatives are nobody's.
    """
    teams = list(session.exec(select(Team).where(col(Team.id).in_(list(team_ids)))))
    ward_teams = session.exec(select(Team.id).where(Team.ward_id == ward_id)).all()
    whole_ward = {t.id for t in teams} == set(ward_teams)
    in_groups = [t.id for t in teams if t.residential_group_id is not None]
    at_ward = [t.id for t in teams if t.residential_group_id is None]
    if whole_ward:
        groups = int(
            session.exec(
                select(func.count(col(ResidentialGroup.id))).where(
                    ResidentialGroup.ward_id == ward_id
                )
            ).one()
        )
        chats = select(func.count(col(GroupChat.id))).where(GroupChat.ward_id == ward_id)
    else:
        groups = len({t.residential_group_id for t in teams if t.residential_group_id})
        chats = select(func.count(col(GroupChat.id))).where(
            col(GroupChat.team_id).in_(list(team_ids))
        )
    return RosterFigures(
        residential_groups=groups,
        teams=len(in_groups),
        members=_count_members(session, in_groups),
        groups_with_team=len({t.residential_group_id for t in teams if t.residential_group_id}),
        group_chats=int(session.exec(chats).one()),
        ward_level_members=_count_members(session, at_ward),
    )


def _count_members(session: Session, team_ids: Sequence[int | None]) -> int:
    ids = [t for t in team_ids if t is not None]
    return sum(membership.count_per_team(session, ids).values()) if ids else 0


def sums_per_team(
    session: Session, *, team_ids: Sequence[int], start: date, end: date
) -> dict[tuple[int, int], int]:
    """(team id, service id) -> sum of counts in the period."""
    stmt = (
        select(SupportLog.team_id, SupportLogItem.service_id, func.sum(SupportLogItem.count))
        .join(SupportLog, col(SupportLog.id) == col(SupportLogItem.log_id))
        .where(*_in_period(team_ids, start, end))
        .group_by(col(SupportLog.team_id), col(SupportLogItem.service_id))
    )
    return {(team_id, service_id): int(n or 0) for team_id, service_id, n in session.exec(stmt)}


@dataclass
class PeriodFigures:
    """Every sum the workbook's summary sheets need, from two passes over the period."""

    sums_per_team: dict[tuple[int, int], int] = field(default_factory=dict)
    logs_per_team: dict[int, int] = field(default_factory=dict)
    # households, people helped (at least: storage.logs.people_helped)
    people_per_team: dict[int, tuple[int, int]] = field(default_factory=dict)
    sums_per_day: dict[date, dict[int, int]] = field(default_factory=dict)  # service 0: logs
    # (team id, member id) -> logs: storage.membership.activity_from reads who they are
    logs_per_author: dict[tuple[int, int], int] = field(default_factory=dict)


def period_figures(
    session: Session, *, team_ids: Sequence[int], start: date, end: date
) -> PeriodFigures:
    """The workbook's sums in two passes (items by day, team and service; logs by day, team
    and member) instead of one query each: at a million logs the reading is most of the
    workbook's extra cost over writing its rows (bench/RESULTS.md, Export)."""
    out = PeriodFigures()
    items = (
        sa_select(
            col(SupportLog.day),
            col(SupportLog.team_id),
            col(SupportLogItem.service_id),
            func.sum(SupportLogItem.count),
        )
        .join(SupportLog, col(SupportLog.id) == col(SupportLogItem.log_id))
        .where(*_in_period(team_ids, start, end))
        .group_by(col(SupportLog.day), col(SupportLog.team_id), col(SupportLogItem.service_id))
    )
    for day, team_id, service_id, total in session.execute(items):
        n = int(total or 0)
        key = (team_id, service_id)
        out.sums_per_team[key] = out.sums_per_team.get(key, 0) + n
        per_day = out.sums_per_day.setdefault(day, {})
        per_day[service_id] = per_day.get(service_id, 0) + n
    most, helped = people_helped()
    logs = (
        sa_select(
            col(SupportLog.day),
            col(SupportLog.team_id),
            col(SupportLog.member_id),
            func.count(col(SupportLog.id)),
            func.sum(SupportLog.households),
            func.sum(helped),
        )
        .outerjoin(most, most.c.log_id == col(SupportLog.id))
        .where(*_in_period(team_ids, start, end))
        .group_by(col(SupportLog.day), col(SupportLog.team_id), col(SupportLog.member_id))
    )
    for day, team_id, member_id, count, households, people in session.execute(logs):
        n = int(count)
        out.logs_per_team[team_id] = out.logs_per_team.get(team_id, 0) + n
        h, p = out.people_per_team.get(team_id, (0, 0))
        out.people_per_team[team_id] = (h + int(households or 0), p + int(people or 0))
        per_day = out.sums_per_day.setdefault(day, {})
        per_day[0] = per_day.get(0, 0) + n
        author = (team_id, member_id)
        out.logs_per_author[author] = out.logs_per_author.get(author, 0) + n
    return out


def members(session: Session, *, team_ids: Sequence[int]) -> list[MemberRow]:
    """The members of some teams (storage.membership), with their linked platforms."""
    platforms: dict[int, set[str]] = {}
    linked = select(ChatIdentity.member_id, ChatIdentity.platform).join(
        Member, col(Member.id) == col(ChatIdentity.member_id)
    )
    for member_id, platform in session.exec(linked.where(col(Member.team_id).in_(list(team_ids)))):
        platforms.setdefault(member_id, set()).add(platform)
    stmt = (
        select(Member)
        .where(col(Member.team_id).in_(list(team_ids)), *membership.listed())
        .order_by(col(Member.team_id), col(Member.name), col(Member.id))
    )
    out = []
    for m in session.exec(stmt):
        assert m.id is not None
        out.append(
            MemberRow(
                id=m.id,
                name=m.name,
                phone=m.phone,
                role=m.role,
                deputy=m.deputy,
                team_id=m.team_id,
                joined=m.consent_at is not None and m.id in platforms,
                platforms=tuple(sorted(platforms.get(m.id, ()))),
            )
        )
    return out


def stream_logs(
    session: Session, *, team_ids: Sequence[int], start: date, end: date
) -> Iterator[LogRow]:
    """Every non-deleted log of the period in day order, read in batches."""
    stmt = (
        sa_select(
            col(SupportLog.id),
            col(SupportLog.day),
            col(SupportLog.team_id),
            col(SupportLog.member_id),
            col(SupportLog.households),
            col(SupportLog.people),
            col(SupportLog.place),
            col(SupportLog.note),
            col(SupportLogItem.service_id),
            col(SupportLogItem.count),
        )
        .outerjoin(SupportLogItem, col(SupportLogItem.log_id) == col(SupportLog.id))
        .where(*_in_period(team_ids, start, end))
        .order_by(col(SupportLog.day), col(SupportLog.id))
        .execution_options(yield_per=STREAM_BATCH)
    )
    current: LogRow | None = None
    for (
        log_id,
        day,
        team_id,
        member_id,
        households,
        people,
        place,
        note,
        service,
        count,
    ) in session.execute(stmt):
        if current is None or current.id != log_id:
            if current is not None:
                yield current
            current = LogRow(log_id, day, team_id, member_id, households, people, place, note)
        if service is not None:
            current.counts[service] = int(count)
    if current is not None:
        yield current


def member_names(session: Session, *, team_ids: Sequence[int]) -> dict[int, str]:
    """member id -> name for every member of these teams or who logged for them (moved since)."""
    logged = select(SupportLog.member_id).where(col(SupportLog.team_id).in_(list(team_ids)))
    stmt = select(Member.id, Member.name).where(
        col(Member.team_id).in_(list(team_ids)) | col(Member.id).in_(logged)
    )
    return {member_id: name for member_id, name in session.exec(stmt) if member_id is not None}
