"""What the city's workbook reads: every ward's figures at once. Never commits.

Each figure is one GROUP BY over all the wards (by `Team.ward_id`), never a query per ward:
the same handful of queries for 3 wards or 114, for a thousand logs or two million. The
figures are the ward report's (storage.exports): teams and members are those of
residential groups, members as storage.membership defines them; logs, services,
households and people helped are every team's; deleted logs count nowhere. Only counts
and the wards' names come out of here: no member, note, place or chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import ColumnElement, Select, and_, case, extract, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage import deadlines, membership
from storage.logs import people_helped_each
from storage.models import (
    Audience,
    DeadlineSubmission,
    GroupChat,
    Member,
    ModelRegistration,
    SupportLog,
    SupportLogItem,
    Team,
    Unit,
    Ward,
    WardKind,
)


@dataclass
class WardFigures:
    """One ward's row of the city's workbook."""

    ward_id: int
    name: str
    teams: int = 0  # teams of residential groups
    members: int = 0  # their members (storage.membership)
    active: int = 0  # of them, those with a live log for their team in the period
    group_chats: int = 0  # linked Zalo and Telegram groups, the ward's and its teams'
    logs: int = 0
    households: int = 0
    people: int = 0  # people helped, at least (storage.logs.people_helped_each)
    models: int = 0  # models its units have registered (not removed)
    services: dict[int, int] = field(default_factory=dict)  # service id -> sum


@dataclass(frozen=True)
class CityFigures:
    """Every ward's figures for a period, and the services' sums by month."""

    wards: list[WardFigures]
    per_month: dict[tuple[int, int, int], int]  # (service id, year, month) -> sum


@dataclass(frozen=True)
class DueReport:
    """One period of a ward's deadline for its teams (/danop), or of the city's for every
    ward (audience wards, stored on the city's office), whose last day has passed."""

    deadline_id: int
    ward_id: int
    name: str
    period: str
    last_day: date
    until: datetime  # the end of the last day (local midnight after it): on time if before
    audience: str = Audience.TEAMS


def _residential() -> ColumnElement[bool]:
    return col(Team.residential_group_id).is_not(None)


def _live(start: date, end: date) -> list[ColumnElement[bool]]:
    return [
        col(SupportLog.deleted_at).is_(None),
        col(SupportLog.day) >= start,
        col(SupportLog.day) <= end,
    ]


def ward_rosters(session: Session) -> list[WardFigures]:
    """Every ward with its residential groups' teams and their members (no period figures)."""
    found = {
        ward_id: WardFigures(ward_id, name)
        for ward_id, name in session.exec(
            select(Ward.id, Ward.name).where(Ward.kind == WardKind.WARD)
        )
        if ward_id is not None
    }
    teams = (
        select(Team.ward_id, func.count(col(Team.id)))
        .where(_residential())
        .group_by(col(Team.ward_id))
    )
    for ward_id, n in session.exec(teams):
        if ward_id in found:
            found[ward_id].teams = int(n)
    members = (
        select(Team.ward_id, func.count(col(Member.id)))
        .join(Team, col(Team.id) == col(Member.team_id))
        .where(_residential(), *membership.listed())
        .group_by(col(Team.ward_id))
    )
    for ward_id, n in session.exec(members):
        if ward_id in found:
            found[ward_id].members = int(n)
    return list(found.values())


def city_figures(session: Session, *, start: date, end: date) -> CityFigures:
    """Every ward's roster and period figures, from `start` to `end` (both included)."""
    wards = {w.ward_id: w for w in ward_rosters(session)}
    chats = select(GroupChat.ward_id, func.count(col(GroupChat.id))).group_by(
        col(GroupChat.ward_id)
    )
    for ward_id, n in session.exec(chats):
        if ward_id in wards:  # the city's office is no ward
            wards[ward_id].group_chats = int(n)
    models = (
        select(Unit.ward_id, func.count(col(ModelRegistration.id)))
        .join(Unit, col(Unit.id) == col(ModelRegistration.unit_id))
        .where(col(ModelRegistration.deleted_at).is_(None))
        .group_by(col(Unit.ward_id))
    )
    for ward_id, n in session.exec(models):
        if ward_id in wards:
            wards[ward_id].models = int(n)
    # one pass over the period's items gives the wards' sums and the months' sums
    year, month = extract("year", col(SupportLog.day)), extract("month", col(SupportLog.day))
    items = (
        sa_select(
            col(Team.ward_id),
            col(SupportLogItem.service_id),
            year,
            month,
            func.sum(SupportLogItem.count),
        )
        .join(SupportLog, col(SupportLog.id) == col(SupportLogItem.log_id))
        .join(Team, col(Team.id) == col(SupportLog.team_id))
        .where(*_live(start, end))
        .group_by(col(Team.ward_id), col(SupportLogItem.service_id), year, month)
    )
    per_month: dict[tuple[int, int, int], int] = {}
    for ward_id, service_id, y, m, total in session.execute(items):
        if ward_id not in wards:
            continue
        n, services = int(total or 0), wards[ward_id].services
        services[service_id] = services.get(service_id, 0) + n
        key = (service_id, int(y), int(m))
        per_month[key] = per_month.get(key, 0) + n
    logs = (
        sa_select(
            col(Team.ward_id),
            func.count(col(SupportLog.id)),
            func.sum(SupportLog.households),
            func.sum(people_helped_each()),
        )
        .join(Team, col(Team.id) == col(SupportLog.team_id))
        .where(*_live(start, end))
        .group_by(col(Team.ward_id))
    )
    for ward_id, n, households, people in session.execute(logs):
        if ward_id not in wards:
            continue
        row = wards[ward_id]
        row.logs, row.households, row.people = int(n), int(households or 0), int(people or 0)
    for ward_id, n in session.execute(_active(start, end)):
        if ward_id in wards:
            wards[ward_id].active = int(n)
    return CityFigures(list(wards.values()), per_month)


def _active(start: date, end: date) -> Select[int, int]:
    """ward id -> members of its residential teams with a live log for their own team: a
    team's active members (storage.membership.Activity.active), summed over the ward's
    teams (a person is a member of one team at most). The period's (team, author) pairs
    come first: a few thousand to look up, not every log (bench/city.py)."""
    pairs = (
        sa_select(col(SupportLog.team_id), col(SupportLog.member_id))
        .where(*_live(start, end))
        .distinct()
        .subquery()
    )
    return (
        sa_select(col(Team.ward_id), func.count())
        .select_from(pairs)
        .join(Team, col(Team.id) == pairs.c.team_id)
        .join(
            Member,
            (col(Member.id) == pairs.c.member_id) & (col(Member.team_id) == pairs.c.team_id),
        )
        .where(_residential(), *membership.joined())
        .group_by(col(Team.ward_id))
    )


@dataclass
class WardLine:
    """One ward's line on the city's web page: its roster, the period's logs and those of
    the days it is compared with, and how many of its teams logged."""

    ward_id: int
    name: str
    teams: int = 0  # teams of residential groups
    members: int = 0
    active: int = 0  # members with a live log for their team in the period
    logs: int = 0  # every team's, the ward's own included (as the workbook counts them)
    logs_before: int = 0
    teams_logged: int = 0  # teams of residential groups with a live log in the period


def ward_lines(
    session: Session, *, start: date, end: date, before: tuple[date, date]
) -> list[WardLine]:
    """Every ward's line for `start`..`end` against the days `before` (both ends included,
    all before `start`): five queries whatever the number of wards."""
    lines = {
        w.ward_id: WardLine(w.ward_id, w.name, w.teams, w.members) for w in ward_rosters(session)
    }
    day = col(SupportLog.day)
    now = case((day >= start, 1), else_=0)
    logs = (
        sa_select(col(Team.ward_id), col(Team.residential_group_id), now, func.count())
        .select_from(SupportLog)
        .join(Team, col(Team.id) == col(SupportLog.team_id))
        .where(
            col(SupportLog.deleted_at).is_(None),
            or_(and_(day >= start, day <= end), and_(day >= before[0], day <= before[1])),
        )
        .group_by(col(Team.id), col(Team.ward_id), col(Team.residential_group_id), now)
    )
    for ward_id, group_id, in_period, n in session.execute(logs):
        line = lines.get(ward_id)
        if line is None:  # the city's office
            continue
        if not in_period:
            line.logs_before += int(n)
            continue
        line.logs += int(n)
        line.teams_logged += group_id is not None
    for ward_id, n in session.execute(_active(start, end)):
        if ward_id in lines:
            lines[ward_id].active = int(n)
    return list(lines.values())


def owed_by_ward(
    due: Sequence[DueReport], sent: dict[tuple[int, str], int], teams: dict[int, int]
) -> dict[int, tuple[int, int]]:
    """ward id -> (its teams' reports due, of them sent by their last day), from the
    reports due (schedules.city.reports_due), `on_time` and each ward's teams."""
    out: dict[int, tuple[int, int]] = {}
    for report in due:
        if report.audience != Audience.TEAMS:  # the ward's own report to the city: no team's
            continue
        owed, done = out.get(report.ward_id, (0, 0))
        found = sent.get((report.deadline_id, report.period), 0)
        out[report.ward_id] = (owed + teams.get(report.ward_id, 0), done + found)
    return out


def on_time(session: Session, due: Sequence[DueReport]) -> dict[tuple[int, str], int]:
    """(deadline id, period) -> teams of residential groups that sent /danop for it by the
    end of its last day. One query for each last day (deadlines share them), not per ward."""
    due = [d for d in due if d.audience == Audience.TEAMS]  # a city's is met by the ward
    wanted = {(d.deadline_id, d.period) for d in due}
    found: dict[tuple[int, str], int] = {}
    by_until = sorted(due, key=lambda d: d.until)
    for until, same in groupby(by_until, key=lambda d: d.until):
        reports = list(same)
        stmt = (
            select(
                DeadlineSubmission.deadline_id,
                DeadlineSubmission.period,
                func.count(col(DeadlineSubmission.id)),
            )
            .join(Team, col(Team.id) == col(DeadlineSubmission.team_id))
            .where(
                _residential(),
                col(DeadlineSubmission.deadline_id).in_(sorted({d.deadline_id for d in reports})),
                col(DeadlineSubmission.period).in_(sorted({d.period for d in reports})),
                col(DeadlineSubmission.submitted_at) < until,
            )
            .group_by(col(DeadlineSubmission.deadline_id), col(DeadlineSubmission.period))
        )
        for deadline_id, period, n in session.exec(stmt):
            if (deadline_id, period) in wanted:
                found[(deadline_id, period)] = int(n)
    return found


def wards_on_time(session: Session, due: Sequence[DueReport]) -> dict[tuple[int, str], set[int]]:
    """(deadline id, period) of each of the city's deadlines in `due` -> the wards that sent
    /danop for it by the end of its last day. One query, whatever the number of deadlines
    and wards."""
    city = {(d.deadline_id, d.period): d.until for d in due if d.audience == Audience.WARDS}
    sent = deadlines.wards_sent(session, city)
    return {
        key: {ward for ward, at in sent[key].items() if at < until} for key, until in city.items()
    }
