"""Who counts as a member of a team: the one definition behind every member count (the
dashboard's pages, the weekly tally, /thongke, the nudges, the workbook). Never commits.

A team's **members** are the people on its roster whose role is member or leader (a tổ phó
is a leader), and who have not erased their data (/xoadulieucuatoi). Nobody else is one:

- a ward officer oversees the ward (every team's figures, deadlines, exports) and sits in a
  team, usually the ward's own, only to have one: never a member, even when they log;
- a unit's representative (a school, an office) registers models and logs no support.

A person is a member of one team at most: the one the roster names now. Of a team's
members, those who said "Đồng ý" in chat are joined ("đã vào bot"), the rest are waiting
("chưa vào bot"); of the joined, those with a live log *for that team* in a period are
active ("đã ghi"), the others idle (the tally hopes to see them again).

A log stays its team's log whoever made it, so a team's logs are its members' logs plus
those of people it does not count: who moved to another team or erased their data (`left`)
and ward officers (`officers`). Every place that shows both says how many, so "15 lượt"
beside "đã ghi 0/3" reads true.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from storage.models import Member, Role, SupportLog

TEAM_ROLES = (Role.MEMBER, Role.LEADER)
IN_BATCH = 900  # ids per IN (…): under every SQLite's limit on a statement's parameters


def is_member(member: Member, team_id: int) -> bool:
    """Whether this person counts as a member of this team: on its roster now, as member or
    leader (tổ phó too), data not erased; never an officer or a unit's representative.
    `listed()` says the same in SQL."""
    return member.team_id == team_id and member.role in TEAM_ROLES and member.erased_at is None


def listed() -> list[ColumnElement[bool]]:
    """The definition as SQL conditions on `Member`: the team is `Member.team_id`."""
    return [col(Member.role).in_(TEAM_ROLES), col(Member.erased_at).is_(None)]


def joined() -> list[ColumnElement[bool]]:
    """Members who have joined in chat ("đã vào bot")."""
    return [*listed(), col(Member.consent_at).is_not(None)]


def members(
    session: Session, team_ids: Iterable[int], *, joined_only: bool | None = None
) -> list[Member]:
    """The members of some teams by name: all, only the joined (True) or only the waiting
    (False)."""
    where = [col(Member.team_id).in_(list(team_ids)), *listed()]
    if joined_only is not None:
        consent = col(Member.consent_at)
        where.append(consent.is_not(None) if joined_only else consent.is_(None))
    stmt = select(Member).where(*where).order_by(col(Member.name), col(Member.id))
    return list(session.exec(stmt))


def count_per_team(
    session: Session, team_ids: Iterable[int], *, joined_only: bool = False
) -> dict[int, int]:
    """team id -> its members (joined_only: those who have joined); teams without any are
    left out."""
    stmt = (
        select(Member.team_id, func.count(col(Member.id)))
        .where(col(Member.team_id).in_(list(team_ids)), *(joined() if joined_only else listed()))
        .group_by(col(Member.team_id))
    )
    return {team_id: int(n) for team_id, n in session.exec(stmt)}


@dataclass(frozen=True)
class Activity:
    """A team's people and logs in a period (several teams' summed: `sum(…, Activity())`)."""

    joined: int = 0  # members who have joined in chat
    active: int = 0  # of them, those with a log for the team in the period
    logs: int = 0  # the team's live logs in the period, whoever made them
    left: int = 0  # of those, logs of people who moved to another team or erased their data
    officers: int = 0  # of those, logs of ward officers

    def __add__(self, other: Activity) -> Activity:
        return Activity(
            self.joined + other.joined,
            self.active + other.active,
            self.logs + other.logs,
            self.left + other.left,
            self.officers + other.officers,
        )


def logs_per_author(
    session: Session, *, team_ids: Iterable[int], start: date, end: date
) -> dict[tuple[int, int], int]:
    """(team id, member id) -> live logs that member made for that team in the period."""
    stmt = (
        select(SupportLog.team_id, SupportLog.member_id, func.count(col(SupportLog.id)))
        .where(
            col(SupportLog.team_id).in_(list(team_ids)),
            col(SupportLog.deleted_at).is_(None),
            col(SupportLog.day) >= start,
            col(SupportLog.day) <= end,
        )
        .group_by(col(SupportLog.team_id), col(SupportLog.member_id))
    )
    return {(team_id, member_id): int(n) for team_id, member_id, n in session.exec(stmt)}


def activity(
    session: Session, *, team_ids: Iterable[int], start: date, end: date
) -> dict[int, Activity]:
    """team id -> its Activity from `start` to `end` (both included)."""
    ids = list(team_ids)
    found = logs_per_author(session, team_ids=ids, start=start, end=end)
    return activity_from(session, found, team_ids=ids)


def activity_of_all(
    session: Session, *, team_ids: Iterable[int], start: date, end: date
) -> Activity:
    """Several teams' Activity summed (each person is a member of one team at most)."""
    return sum(activity(session, team_ids=team_ids, start=start, end=end).values(), Activity())


def activity_from(
    session: Session, per_author: Mapping[tuple[int, int], int], *, team_ids: Iterable[int]
) -> dict[int, Activity]:
    """team id -> its Activity, from logs already counted per (team id, member id)."""
    ids = list(team_ids)
    joined_now = count_per_team(session, ids, joined_only=True)
    wanted = sorted({member_id for _team, member_id in per_author})
    authors: dict[int | None, Member] = {}
    for at in range(0, len(wanted), IN_BATCH):
        stmt = select(Member).where(col(Member.id).in_(wanted[at : at + IN_BATCH]))
        authors.update((m.id, m) for m in session.exec(stmt))
    out = {t: Activity(joined=joined_now.get(t, 0)) for t in ids}
    for (team_id, member_id), n in per_author.items():
        if team_id not in out:
            continue
        author = authors.get(member_id)
        if author is not None and is_member(author, team_id):
            active = int(author.consent_at is not None)
            out[team_id] += Activity(active=active, logs=n)
        elif author is not None and author.erased_at is None and author.role == Role.OFFICER:
            out[team_id] += Activity(logs=n, officers=n)
        else:
            out[team_id] += Activity(logs=n, left=n)
    return out


def idle_members(session: Session, *, team_id: int, start: date, end: date) -> list[Member]:
    """Joined members of a team with no log for it in the period, by name."""
    logged = select(SupportLog.member_id).where(
        SupportLog.team_id == team_id,
        col(SupportLog.deleted_at).is_(None),
        col(SupportLog.day) >= start,
        col(SupportLog.day) <= end,
    )
    stmt = (
        select(Member)
        .where(Member.team_id == team_id, *joined(), col(Member.id).not_in(logged))
        .order_by(col(Member.name), col(Member.id))
    )
    return list(session.exec(stmt))


def last_log_days(session: Session, *, team_ids: Iterable[int]) -> list[tuple[Member, date | None]]:
    """Joined members of some teams, each with the day of their latest live log for any team
    (None: never logged; being quiet is a person's, not a team's), by name."""
    last = (
        select(SupportLog.member_id, func.max(SupportLog.day).label("last_day"))
        .where(col(SupportLog.deleted_at).is_(None))
        .group_by(col(SupportLog.member_id))
        .subquery()
    )
    stmt = (
        select(Member, last.c.last_day)
        .outerjoin(last, last.c.member_id == col(Member.id))
        .where(col(Member.team_id).in_(list(team_ids)), *joined())
        .order_by(col(Member.name), col(Member.id))
    )
    return [(member, day) for member, day in session.exec(stmt)]
