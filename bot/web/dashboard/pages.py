"""What each dashboard page shows, read from the database: figures only, no HTML.

Who sees what follows the chat commands: an officer the whole ward and each of its teams
(/thongke, /tiendo, /xuat), a leader their own team, the city's officer every ward's counts
and its officers' names (no one else's); members and units have no dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from handlers.admin import invite_lines, pending_invites
from handlers.parsing.periods import Period, parse_period
from reports import labels as L
from reports.handouts import InviteLine
from reports.scope import Scope, team_scope, ward_scope
from schedules.commands import next_due_of, upcoming_deadlines
from storage import audit, deadlines, logs, membership, queries, units
from storage.logs import Totals
from storage.membership import Activity
from storage.models import Audience, Member, Role, Team, Ward
from storage.uow import UnitOfWork

CITY_PATH = "/web/thanh-pho"  # the city's front page
QUIET_DAYS = 7  # a member this long without a log is listed (the nudge comes after as long)
TREND_WEEKS = 8
DOWNLOADS = (  # the same periods as /xuat: (path part, button, what /xuat takes)
    ("tuan", "Tuần này", "tuan"),
    ("thang", "Tháng này", "thang"),
    ("quy", "Quý này", "quy"),
    ("quy-truoc", "Quý trước", "quy truoc"),
    ("nam", "Năm nay", "nam"),
)


@dataclass(frozen=True)
class Viewer:
    """The person logged in, and what they may see."""

    member_id: int
    name: str
    role: Role
    team_id: int
    team_name: str
    ward_id: int
    ward_name: str

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_city(self) -> bool:
        """The city's officer: every ward's pages, read only, without anyone's data."""
        return self.role == Role.CITY

    def may_see_ward(self, ward_id: int) -> bool:
        """Whether the ward's pages are open to the viewer (the caller checks that the ward
        is one, not the city's office)."""
        return self.is_city or (self.is_officer and ward_id == self.ward_id)

    def may_see_team(self, team: Team) -> bool:
        if self.is_officer:
            return team.ward_id == self.ward_id
        return self.role == Role.LEADER and team.id == self.team_id

    @property
    def home(self) -> str:
        if self.is_city:
            return CITY_PATH
        return f"/web/phuong/{self.ward_id}" if self.is_officer else f"/web/to/{self.team_id}"


def viewer_of(session: Session, member: Member) -> Viewer | None:
    """The dashboard's view of a member; None for a role without a dashboard."""
    role = Role(member.role)
    if role not in (Role.LEADER, Role.OFFICER, Role.CITY):
        return None
    assert member.id is not None
    team, ward = queries.team_and_ward(session, member.team_id)
    assert team.id is not None and ward.id is not None
    return Viewer(member.id, member.name, role, team.id, team.name, ward.id, ward.name)


@dataclass(frozen=True)
class Download:
    slug: str
    label: str
    start: date
    end: date


def downloads(today: date) -> list[Download]:
    """The workbook buttons, each with the days it covers."""
    found = []
    for slug, label, typed in DOWNLOADS:
        period = parse_period(typed, today=today)
        assert isinstance(period, Period)
        found.append(Download(slug, label, period.start, period.end))
    return found


def download_period(slug: str, today: date) -> Period | None:
    """The days of a download button, or None for an unknown one."""
    for d in downloads(today):
        if d.slug == slug:
            return Period(d.start, d.end)
    return None


def scope_of(session: Session, ward: Ward | None, team: Team | None, period: Period) -> Scope:
    """The workbook's scope: the ward, or one team."""
    if team is not None:
        assert team.id is not None
        return team_scope(session, team.id, start=period.start, end=period.end)
    assert ward is not None
    return ward_scope(session, ward, start=period.start, end=period.end)


# --- Tổng quan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    name: str
    week: int
    quarter: int


@dataclass(frozen=True)
class Due:
    """The coming deadline, and for a team whether it has sent /danop."""

    name: str
    last_day: date
    days_left: int
    sent: int
    total: int
    team_sent_at: datetime | None = None


@dataclass(frozen=True)
class Overview:
    today: date
    week_start: date
    quarter_start: date
    week: Totals
    quarter: Totals
    services: list[ServiceRow]
    weeks: list[tuple[date, int]]  # Monday of each week of the quarter -> logs
    week_people: Activity  # who logged this week, by storage.membership
    quarter_people: Activity
    due: Due | None
    downloads: list[Download]

    @property
    def joined(self) -> int:
        return self.week_people.joined

    @property
    def active_week(self) -> int:
        return self.week_people.active


@dataclass(frozen=True)
class LastBackup:
    at: datetime
    ok: bool
    file: str = ""
    kb: int = 0


def last_backup(session: Session, zone: ZoneInfo) -> LastBackup | None:
    """The last daily backup, or its failure (schedules/backups.py records both)."""
    found = audit.last_of(session, ("backup", "backup_failed"))
    if found is None:
        return None
    ok = found.action == "backup"
    size = int(found.detail.get("bytes", 0)) // 1024
    return LastBackup(found.at.astimezone(zone), ok, str(found.detail.get("file", "")), size)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def overview(session: Session, scope: Scope, today: date, zone: ZoneInfo) -> Overview:
    """This week's and this quarter's totals by service, and the quarter week by week."""
    week_start = today - timedelta(days=today.weekday())
    q_start = quarter_start(today)
    team_ids = list(scope.team_ids)
    week = logs.totals(session, start=week_start, end=today, team_ids=team_ids)
    quarter = logs.totals(session, start=q_start, end=today, team_ids=team_ids)
    names = {s.code: s.name for s in queries.services(session)}
    services = [
        ServiceRow(names.get(code, code), week.by_service.get(code, 0), n)
        for code, n in quarter.by_service.items()
        if n
    ]
    per_day = logs.logs_per_team_day(session, team_ids=team_ids, start=q_start, end=today)
    first_monday = q_start - timedelta(days=q_start.weekday())
    weeks: dict[date, int] = {}
    monday = first_monday
    while monday <= today:
        weeks[monday] = 0
        monday += timedelta(days=7)
    for (_team, day), n in per_day.items():
        weeks[day - timedelta(days=day.weekday())] += n
    people = [
        membership.activity_of_all(session, team_ids=team_ids, start=s, end=today)
        for s in (week_start, q_start)
    ]
    return Overview(
        today,
        week_start,
        q_start,
        week,
        quarter,
        services,
        sorted(weeks.items()),
        people[0],
        people[1],
        _due(session, scope, today, zone),
        downloads(today),
    )


def _due(session: Session, scope: Scope, today: date, zone: ZoneInfo) -> Due | None:
    found = next_due_of(session, scope.ward_id, today)
    if found is None:
        return None
    deadline, period, last_day = found
    assert deadline.id is not None
    done = deadlines.submissions(session, deadline.id, period)
    teams = [t for t in queries.teams_of_ward(session, scope.ward_id) if t.residential_group_id]
    sent_at = None
    if scope.team_name is not None and scope.team_ids[0] in done:
        sent_at = done[scope.team_ids[0]].submitted_at.astimezone(zone)
    return Due(
        deadline.name,
        last_day,
        (last_day - today).days,
        sum(1 for t in teams if t.id in done),
        len(teams),
        sent_at,
    )


# --- Các tổ -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    rank: int
    team_id: int
    name: str
    week: int
    last_week: int
    quarter: int
    joined: int
    active_week: int
    weeks: list[int] = field(default_factory=list)  # the last TREND_WEEKS weeks, oldest first

    @property
    def trend(self) -> str:
        """up / down / same: this week against last week."""
        if self.week > self.last_week:
            return "up"
        return "down" if self.week < self.last_week else "same"


def team_ranking(session: Session, scope: Scope, today: date) -> list[TeamRow]:
    """The ward's teams ranked by this week's logs (as /thongke does), with their trend."""
    residential = {t.id for t in queries.residential_teams(session, scope.ward_id)}
    team_ids = [t for t in scope.team_ids if t in residential]  # not the ward's own team
    rows = _team_rows(session, scope, team_ids, today)
    order = sorted(rows, key=lambda r: (-r.week, team_ids.index(r.team_id)))
    return [replace(row, rank=rank) for rank, row in enumerate(order, start=1)]


def teams_apart(session: Session, scope: Scope, today: date) -> list[TeamRow]:
    """The ward's own team, not ranked, when it has members or logs: with it the columns of
    Các tổ add up to Tổng quan's figures."""
    residential = {t.id for t in queries.residential_teams(session, scope.ward_id)}
    team_ids = [t for t in scope.team_ids if t not in residential]
    rows = _team_rows(session, scope, team_ids, today)
    return [r for r in rows if r.joined or r.quarter or any(r.weeks)]


def _team_rows(session: Session, scope: Scope, team_ids: list[int], today: date) -> list[TeamRow]:
    """Some teams' figures, in the scope's order, not ranked yet (rank 0)."""
    week_start = today - timedelta(days=today.weekday())
    first = week_start - timedelta(weeks=TREND_WEEKS - 1)
    per_day = logs.logs_per_team_day(session, team_ids=team_ids, start=first, end=today)
    weekly: dict[int, list[int]] = {t: [0] * TREND_WEEKS for t in team_ids}
    for (team_id, day), n in per_day.items():
        weekly[team_id][(day - first).days // 7] += n
    quarter = logs.logs_by_team(
        session, ward_id=scope.ward_id, start=quarter_start(today), end=today
    )
    people = membership.activity(session, team_ids=team_ids, start=week_start, end=today)
    return [
        TeamRow(
            0,
            team_id,
            scope.team_names[team_id],
            weekly[team_id][-1],
            weekly[team_id][-2],
            quarter.get(team_id, 0),
            people[team_id].joined,
            people[team_id].active,
            weekly[team_id],
        )
        for team_id in team_ids
    ]


# --- Hạn nộp ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistRow:
    team_id: int
    name: str
    sent_at: datetime | None
    sent_by: str | None


@dataclass(frozen=True)
class UnitStatus:
    name: str
    representative: str | None
    joined: bool
    models: int


@dataclass(frozen=True)
class DeadlineRow:
    name: str
    last_day: date
    days_left: int
    for_units: bool


@dataclass(frozen=True)
class Checklist:
    due: Due | None
    rows: list[ChecklistRow]
    upcoming: list[DeadlineRow]
    units: list[UnitStatus]


def checklist(
    session: Session, scope: Scope, today: date, zone: ZoneInfo, *, people: bool = True
) -> Checklist:
    """Who has sent /danop for the coming deadline, the ward's deadlines, units' models;
    without `people` (the city's view) no one's name."""
    upcoming = [
        DeadlineRow(d.name, last_day, (last_day - today).days, d.audience == Audience.UNITS)
        for d, _period, last_day in upcoming_deadlines(session, scope.ward_id, today)
    ]
    unit_rows = unit_statuses(session, scope.ward_id, people=people)
    found = next_due_of(session, scope.ward_id, today)
    if found is None:
        return Checklist(None, [], upcoming, unit_rows)
    deadline, period, _last_day = found
    assert deadline.id is not None
    done = deadlines.submissions(session, deadline.id, period)
    teams = [t for t in queries.teams_of_ward(session, scope.ward_id) if t.residential_group_id]
    by = {
        m.id: m.name
        for m in queries.members_by_ids(session, [s.submitted_by for s in done.values()])
    }
    rows = []
    for team in sorted(teams, key=lambda t: list(scope.team_names).index(t.id or 0)):
        assert team.id is not None
        sent = done.get(team.id)
        rows.append(
            ChecklistRow(
                team.id,
                team.name,
                sent.submitted_at.astimezone(zone) if sent else None,
                by.get(sent.submitted_by) if people and sent and sent.submitted_by else None,
            )
        )
    rows.sort(key=lambda r: r.sent_at is not None)  # who has not sent comes first
    return Checklist(_due(session, scope, today, zone), rows, upcoming, unit_rows)


def unit_statuses(session: Session, ward_id: int, *, people: bool = True) -> list[UnitStatus]:
    """The ward's units: their representative (once joined; not for the city's view) and
    how many models."""
    return [
        UnitStatus(
            r.unit.name,
            r.representative.name if people and r.representative and r.joined else None,
            r.joined,
            r.models,
        )
        for r in units.units_of_ward(session, ward_id)
    ]


# --- Thành viên ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietRow:
    name: str
    team: str
    last_day: date | None
    joined_day: date
    days: int


@dataclass(frozen=True)
class People:
    joined: int
    quiet: list[QuietRow]  # quiet for QUIET_DAYS or more, longest first
    waiting: list[tuple[str, str]]  # (name, team) on the roster, not joined in chat yet


def people(session: Session, scope: Scope, today: date, zone: ZoneInfo) -> People:
    """Members quiet for a week or more, and those who have not joined yet."""
    team_ids = list(scope.team_ids)
    quiet = []
    found = membership.last_log_days(session, team_ids=team_ids)
    for member, last_day in found:
        assert member.consent_at is not None
        joined_day = member.consent_at.astimezone(zone).date()
        since = max(d for d in (last_day, joined_day) if d is not None)
        days = (today - since).days
        if days >= QUIET_DAYS:
            name = scope.team_names.get(member.team_id, "")
            quiet.append(QuietRow(member.name, name, last_day, joined_day, days))
    quiet.sort(key=lambda r: (-r.days, r.name))
    waiting = [
        (m.name, scope.team_names.get(m.team_id, ""))
        for m in membership.members(session, team_ids, joined_only=False)
    ]
    return People(len(found), quiet, waiting)


def invites(
    uow: UnitOfWork,
    scope: Scope,
    *,
    now: datetime,
    invite_days: int,
    zone: ZoneInfo,
    zalo_bots: dict[str | None, str],
) -> list[InviteLine]:
    """The invite codes of the people who have not joined yet, for the officer to hand out:
    what `gotungnha invites` lists (a fresh code where one expired), team by team, with the
    Zalo bot each is to write to (zalo_bots: name in the config -> how people know it; no
    bot chosen for them, or one no longer configured: the first)."""
    order = list(scope.team_names.values())
    found = pending_invites(uow, now=now, invite_days=invite_days, ward_id=scope.ward_id)
    lines = invite_lines(
        (i for i in found if i.role != Role.UNIT and scope.team_name in (None, i.team)),
        zone=zone,
        zalo_bots=zalo_bots,
    )
    lines.sort(key=lambda line: order.index(line.team) if line.team in order else len(order))
    return lines


# --- Mô hình ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelRow:
    unit: str
    name: str  # Tên mô hình
    details: list[tuple[str, str]]  # the directive's five other columns: (heading, answer)


def models(session: Session, ward_id: int, *, people: bool = True) -> list[ModelRow]:
    """Every registered model of the ward, unit by unit; without `people` (the city's
    view) the column of who takes part is left out: it may name them."""
    heads = L.MODEL_HEADS[2:]  # after Stt and Tên mô hình
    rows = []
    for unit, model in units.models_of_ward(session, ward_id):
        answers = [getattr(model, f) for f in units.FIELDS]
        details = zip(heads, answers[1:], units.FIELDS[1:], strict=True)
        shown = [(h, a) for h, a, f in details if people or f != "participants"]
        rows.append(ModelRow(unit.name, answers[0], shown))
    return rows


def officers(session: Session, ward_id: int) -> list[str]:
    """The names of the ward's officers who joined: whom the city calls about the ward."""
    stmt = (
        select(Member.name)
        .join(Team, col(Team.id) == col(Member.team_id))
        .where(
            Team.ward_id == ward_id,
            Member.role == Role.OFFICER,
            col(Member.consent_at).is_not(None),
            col(Member.erased_at).is_(None),
        )
        .order_by(col(Member.name))
    )
    return list(session.exec(stmt))
