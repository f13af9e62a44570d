"""/danop (a leader marks the team's report submitted) and /tiendo (who has submitted)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import Session

from handlers import texts
from handlers.context import Context
from handlers.formatting import day_text
from handlers.messages import Reply
from handlers.parsing.normalize import fold
from handlers.router import Router
from reports.labels import WARD_TEAM
from schedules.city import city_dues
from schedules.rules import Repeat, Rule
from storage import deadlines, queries, units
from storage.deadlines import DEFAULT_LEAD_DAYS
from storage.models import NAME_MAX, Audience, Deadline, Role, Team, Ward
from storage.roster import ward_team

router = Router()


def next_due(ctx: Context, ward_id: int) -> tuple[Deadline, str, date] | None:
    """The ward's teams' deadline whose last day comes first: (deadline, period, day)."""
    return next_due_of(ctx.uow.session, ward_id, ctx.today)


def upcoming_deadlines(
    session: Session, ward_id: int, today: date
) -> list[tuple[Deadline, str, date]]:
    """Each of the ward's deadlines with the period and last day a report sent today counts
    for, soonest first (teams' and units' alike)."""
    found: list[tuple[date, int, Deadline, str]] = []
    for deadline in deadlines.deadlines_of_ward(session, ward_id):
        due = Rule.of(deadline).period_of(today)
        if due is not None:
            found.append((due[1], deadline.id or 0, deadline, due[0]))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(deadline, period, last_day) for last_day, _id, deadline, period in found]


def next_due_of(session: Session, ward_id: int, today: date) -> tuple[Deadline, str, date] | None:
    """The ward's teams' deadline whose last day comes first: (deadline, period, day).

    A units' deadline (model registration) is met by registering, not by /danop.
    """
    for deadline, period, last_day in upcoming_deadlines(session, ward_id, today):
        if deadline.audience == Audience.TEAMS:
            return deadline, period, last_day
    return None


def next_city_due(session: Session, today: date) -> tuple[Deadline, str, date] | None:
    """The city's deadline for every ward whose last day comes first, from today on:
    (deadline, period, day); None without a city or such a deadline."""
    coming = city_dues(session, today)
    return coming[0] if coming else None


@router.command("danop", role=Role.LEADER)
def mark_submitted(ctx: Context, args: str) -> list[Reply]:
    """Mark my team's report for the coming deadline as submitted: its reminders stop.
    From the ward's own team (an officer), `/danop TDP 3` marks that team's."""
    assert ctx.member is not None
    session = ctx.uow.session
    team, ward = queries.team_and_ward(session, ctx.member.team_id)
    assert ward.id is not None and team.id is not None
    if team.residential_group_id is None and not args.strip():
        city_due = next_city_due(session, ctx.today)
        if city_due is not None and ctx.has_role(Role.OFFICER):
            return [_ward_submitted(ctx, ward, city_due)]
    due = next_due(ctx, ward.id)
    if due is None:
        return [Reply(texts.NO_DEADLINE)]
    deadline, period, last_day = due
    assert deadline.id is not None
    if team.residential_group_id is None:  # the ward's own team reports nothing itself
        teams = queries.residential_teams(session, ward.id)
        if not args.strip() or not teams:
            done = deadlines.submitted_teams(session, deadline.id, period)
            missing = [t.name for t in teams if t.id not in done]
            example = teams[0].name if teams else "Tổ CNSCĐ TDP 1"
            text = texts.SUBMITTED_WHICH_TEAM.format(
                example=example, deadline=deadline.name, missing=", ".join(missing) or texts.NOBODY
            )
            return [Reply(text)]
        names = ", ".join(t.name for t in teams)
        found = _teams_matching(teams, args)
        if not found:
            return [Reply(texts.SUBMITTED_NO_SUCH_TEAM.format(typed=args.strip(), teams=names))]
        if len(found) > 1:
            several = ", ".join(t.name for t in found)
            return [Reply(texts.SUBMITTED_SEVERAL_TEAMS.format(typed=args.strip(), teams=several))]
        team = found[0]
    assert team.id is not None
    new = deadlines.mark_submitted(
        ctx.uow.session,
        deadline_id=deadline.id,
        team_id=team.id,
        period=period,
        member_id=ctx.member_id,
        now=ctx.now,
    )
    template = texts.SUBMITTED if new else texts.SUBMITTED_ALREADY
    return [Reply(template.format(team=team.name, deadline=deadline.name, day=day_text(last_day)))]


def _ward_submitted(ctx: Context, ward: Ward, due: tuple[Deadline, str, date]) -> Reply:
    """Mark the ward's own report for the city's deadline sent, by the ward's own team; say
    how a team's report is marked (/danop TDP 3), as before."""
    session = ctx.uow.session
    deadline, period, last_day = due
    assert ward.id is not None and deadline.id is not None
    own, _new = ward_team(session, ward.id, name=WARD_TEAM)
    assert own.id is not None
    new = deadlines.mark_submitted(
        session,
        deadline_id=deadline.id,
        team_id=own.id,
        period=period,
        member_id=ctx.member_id,
        now=ctx.now,
    )
    template = texts.WARD_SUBMITTED if new else texts.WARD_SUBMITTED_ALREADY
    words = {"ward": ward.name, "deadline": deadline.name, "day": day_text(last_day)}
    teams = queries.residential_teams(session, ward.id)
    example = teams[0].name if teams else "Tổ CNSCĐ TDP 1"
    how = texts.WARD_SUBMITTED_TEAM_HOW.format(example=example)
    return Reply(f"{template.format(**words)}\n{how}")


def _teams_matching(teams: list[Team], typed: str) -> list[Team]:
    """Teams named as typed, loosely: "tdp 3" is "Tổ CNSCĐ TDP 3" (not TDP 30)."""
    words = fold(typed).split()
    exact = [t for t in teams if fold(t.name).split() == words]
    if exact:
        return exact
    return [t for t in teams if fold(t.name).split()[-len(words) :] == words] if words else []


@router.command("tiendo", role=Role.OFFICER)
def progress(ctx: Context, _args: str) -> list[Reply]:
    """Which teams have sent /danop for the coming deadline, and which have not; which
    units have registered a model."""
    assert ctx.member is not None
    session = ctx.uow.session
    _team, ward = queries.team_and_ward(session, ctx.member.team_id)
    assert ward.id is not None
    registrations = [*_units_progress(ctx, ward.id), *_city_progress(ctx, ward.id)]
    due = next_due(ctx, ward.id)
    if due is None:
        return [Reply("\n".join([texts.NO_DEADLINE, *registrations]))]
    deadline, period, last_day = due
    assert deadline.id is not None
    done = deadlines.submitted_teams(session, deadline.id, period)
    teams = queries.residential_teams(session, ward.id)
    sent = [t.name for t in teams if t.id in done]
    missing = [t.name for t in teams if t.id not in done]
    lines = [
        texts.PROGRESS_TITLE.format(
            deadline=deadline.name, day=day_text(last_day), sent=len(sent), total=len(teams)
        )
    ]
    lines.append(texts.PROGRESS_SENT.format(", ".join(sent) or texts.NOBODY))
    lines.append(texts.PROGRESS_MISSING.format(", ".join(missing) or texts.NOBODY))
    return [Reply("\n".join([*lines, *registrations]))]


def _city_progress(ctx: Context, ward_id: int) -> list[str]:
    """A line on the ward's own report for the city's coming deadline, when there is one."""
    due = next_city_due(ctx.uow.session, ctx.today)
    if due is None:
        return []
    deadline, period, last_day = due
    assert deadline.id is not None
    sent = ward_id in deadlines.wards_submitted(ctx.uow.session, deadline.id, period)
    line = texts.WARD_CITY_PROGRESS[sent].format(deadline=deadline.name, day=day_text(last_day))
    return ["", line]


def _units_progress(ctx: Context, ward_id: int) -> list[str]:
    """Lines on the ward's units: how many registered a model, and who has not yet."""
    rows = units.units_of_ward(ctx.uow.session, ward_id)
    if not rows:
        return []
    done = [r.unit.name for r in rows if r.models]
    missing = [r.unit.name for r in rows if not r.models]
    return [
        "",
        texts.PROGRESS_UNITS.format(done=len(done), total=len(rows)),
        texts.PROGRESS_UNITS_MISSING.format(", ".join(missing) or texts.NOBODY),
    ]


_BEFORE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})\s*$")
_NO_YEAR = re.compile(r"(?<![\d/-])(\d{1,2})[/-](\d{1,2})\s*$")


def _how_to_add(ctx: Context, args: str) -> Reply:
    """What is missing from a /hanchot: the year of a day typed without one, or both."""
    short = _NO_YEAR.search(args)
    name = args[: short.start()].strip(" :-–") if short else ""
    if short and name:
        day, month = int(short.group(1)), int(short.group(2))
        year = ctx.today.year
        try:
            if date(year, month, day) < ctx.today:
                year += 1  # a day already past this year is next year's
        except ValueError:
            return Reply(texts.DEADLINE_HOW)
        example = f"{' '.join(name.split())} {day:02d}/{month:02d}/{year}"
        return Reply(texts.DEADLINE_NEEDS_YEAR.format(day=short.group().strip(), example=example))
    return Reply(texts.DEADLINE_HOW)


def typed_deadline(ctx: Context, args: str) -> tuple[str, date] | Reply:
    """The name and "before" day of a /hanchot, or what is wrong with it."""
    match = _BEFORE.search(args)
    name = args[: match.start()].strip(" :-–") if match else ""
    if not match:
        return _how_to_add(ctx, args)
    if not name:
        example = f"Báo cáo tháng {match.group(2)} {match.group().strip()}"
        return Reply(texts.DEADLINE_NEEDS_NAME.format(example=example))
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        return Reply(texts.DEADLINE_NAME_TOO_LONG.format(n=len(name), limit=NAME_MAX))
    try:
        before = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return Reply(texts.DEADLINE_HOW)
    last_day = before - timedelta(days=1)
    if last_day < ctx.today:
        return Reply(texts.DEADLINE_PAST.format(day_text(last_day)))
    return name, before


def add_once(ctx: Context, name: str, before: date, audience: str = Audience.TEAMS) -> date:
    """A one-off deadline on the writer's own ward (the city's office for the city's
    officer), reminded on the usual lead days; its last day."""
    assert ctx.member is not None
    _team, ward = queries.team_and_ward(ctx.uow.session, ctx.member.team_id)
    assert ward.id is not None
    deadlines.add_deadline(
        ctx.uow.session,
        ward_id=ward.id,
        name=name,
        repeat=Repeat.ONCE,
        before=before,
        lead_days=list(DEFAULT_LEAD_DAYS),
        now=ctx.now,
        audience=audience,
    )
    return before - timedelta(days=1)


@router.command("hanchot", role=Role.OFFICER)
def add_deadline(ctx: Context, args: str) -> list[Reply]:
    """Add a one-off deadline: `/hanchot Đăng ký mô hình 20/04/2026` (the "before" day)."""
    typed = typed_deadline(ctx, args)
    if isinstance(typed, Reply):
        return [typed]
    name, before = typed
    last_day = add_once(ctx, name, before)
    added = texts.DEADLINE_ADDED.format(name=name, day=day_text(last_day), before=day_text(before))
    return [Reply(added)]
