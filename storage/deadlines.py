"""Deadlines and their submissions. Never commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlmodel import Session, col, select

from storage.kinds import DEFAULT_LEAD_DAYS as DEFAULT_LEAD_DAYS
from storage.models import Audience, Deadline, DeadlineSubmission, Team

# the ward directive's reporting deadlines, given to every new ward: (name, repeat, before)
DEFAULT_DEADLINES = (
    ("Báo cáo quý", "quarterly", date(2026, 3, 15)),  # before the 15th of a quarter's last month
    ("Báo cáo năm", "yearly", date(2026, 10, 25)),  # before 25/10
)


def add_default_deadlines(session: Session, ward_id: int, *, now: datetime) -> None:
    """Give a ward the directive's deadlines."""
    for name, repeat, before in DEFAULT_DEADLINES:
        add_deadline(
            session,
            ward_id=ward_id,
            name=name,
            repeat=repeat,
            before=before,
            lead_days=list(DEFAULT_LEAD_DAYS),
            now=now,
        )


def deadlines_of_ward(session: Session, ward_id: int) -> list[Deadline]:
    """A ward's active deadlines."""
    stmt = select(Deadline).where(Deadline.ward_id == ward_id, col(Deadline.active).is_(True))
    return list(session.exec(stmt.order_by(col(Deadline.id))))


def city_deadlines(session: Session, office_id: int) -> list[Deadline]:
    """The city's active deadlines: each ward reports to the city (stored on its office)."""
    found = deadlines_of_ward(session, office_id)
    return [d for d in found if d.audience == Audience.WARDS]


def wards_submitted(session: Session, deadline_id: int, period: str) -> set[int]:
    """Wards that marked this period of a city deadline submitted."""
    return set(wards_sent(session, [(deadline_id, period)])[(deadline_id, period)])


def wards_sent(
    session: Session, wanted: Collection[tuple[int, str]]
) -> dict[tuple[int, str], dict[int, datetime]]:
    """(deadline id, period) of each city deadline asked for -> ward id -> when a team of the
    ward first marked it submitted (/danop). One query for them all, whatever their number."""
    found: dict[tuple[int, str], dict[int, datetime]] = {key: {} for key in wanted}
    if not found:
        return found
    stmt = (
        select(
            DeadlineSubmission.deadline_id,
            DeadlineSubmission.period,
            Team.ward_id,
            DeadlineSubmission.submitted_at,
        )
        .join(Team, col(DeadlineSubmission.team_id) == col(Team.id))
        .where(
            col(DeadlineSubmission.deadline_id).in_(sorted({d for d, _p in found})),
            col(DeadlineSubmission.period).in_(sorted({p for _d, p in found})),
        )
    )
    for deadline_id, period, ward_id, at in session.exec(stmt):
        sent = found.get((deadline_id, period))  # the IN pair may match one not asked for
        if sent is not None and (ward_id not in sent or at < sent[ward_id]):
            sent[ward_id] = at
    return found


def active_deadlines(session: Session) -> list[Deadline]:
    """Every ward's active deadlines."""
    stmt = select(Deadline).where(col(Deadline.active).is_(True))
    return list(session.exec(stmt.order_by(col(Deadline.ward_id), col(Deadline.id))))


def add_deadline(
    session: Session,
    *,
    ward_id: int,
    name: str,
    repeat: str,
    before: date,
    lead_days: list[int],
    now: datetime,
    audience: str = Audience.TEAMS,
) -> Deadline:
    """A new deadline for a ward's teams (/danop) or its units (a model registration)."""
    deadline = Deadline(
        ward_id=ward_id,
        name=name,
        repeat=repeat,
        before=before,
        lead_days=lead_days,
        audience=audience,
        created_at=now,
    )
    session.add(deadline)
    session.flush()
    return deadline


def submitted_teams(session: Session, deadline_id: int, period: str) -> set[int]:
    """Teams that marked this period of a deadline submitted."""
    stmt = select(DeadlineSubmission.team_id).where(
        DeadlineSubmission.deadline_id == deadline_id, DeadlineSubmission.period == period
    )
    return set(session.exec(stmt))


def submissions(session: Session, deadline_id: int, period: str) -> dict[int, DeadlineSubmission]:
    """team id -> its submission of this period of a deadline (when, by whom)."""
    stmt = select(DeadlineSubmission).where(
        DeadlineSubmission.deadline_id == deadline_id, DeadlineSubmission.period == period
    )
    return {s.team_id: s for s in session.exec(stmt)}


def mark_submitted(
    session: Session,
    *,
    deadline_id: int,
    team_id: int,
    period: str,
    member_id: int,
    now: datetime,
) -> bool:
    """Record a team's submission; False when it was recorded already."""
    if team_id in submitted_teams(session, deadline_id, period):
        return False
    session.add(
        DeadlineSubmission(
            deadline_id=deadline_id,
            team_id=team_id,
            period=period,
            submitted_at=now,
            submitted_by=member_id,
        )
    )
    return True
