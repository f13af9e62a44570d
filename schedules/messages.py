"""The texts of reminders and weekly tallies, with the figures read from the database."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from handlers import texts
from handlers.catalogue import Catalogue
from handlers.formatting import day_text, items_lines
from schedules.planner import PlannedSend
from storage import logs, queries


def reminder_text(send: PlannedSend, *, today: date) -> str:
    """ "Báo cáo quý: hạn cuối 14/06/2026, còn 3 ngày." with what to do next."""
    assert send.deadline is not None and send.last_day is not None
    left = (send.last_day - today).days
    when = texts.REMINDER_TODAY if left == 0 else texts.REMINDER_DAYS_LEFT.format(left)
    return texts.REMINDER.format(deadline=send.deadline, day=day_text(send.last_day), when=when)


def tally_text(session: Session, send: PlannedSend, catalogue: Catalogue, *, today: date) -> str:
    """Last week's totals for a team's group, or the teams ranked for the ward's group."""
    monday = today - timedelta(days=today.weekday())
    start, end = monday - timedelta(days=7), monday - timedelta(days=1)
    before = (start - timedelta(days=7), start - timedelta(days=1))
    if send.team_id is None:
        assert send.ward_id is not None
        return _ward_tally(session, send.ward_id, start, end)
    week = logs.totals(session, start=start, end=end, team_ids=[send.team_id])
    previous = logs.totals(session, start=before[0], end=before[1], team_ids=[send.team_id])
    joined = queries.joined_members(session, send.team_id)
    idle = logs.members_without_logs(session, team_id=send.team_id, start=start, end=end)
    team, _ward = queries.team_and_ward(session, send.team_id)
    lines = [texts.TALLY_TITLE.format(team=team.name, start=day_text(start), end=day_text(end))]
    change = week.logs - previous.logs
    lines.append(
        texts.TALLY_LOGS.format(logs=week.logs, change=f"{change:+d}" if previous.logs else "mới")
    )
    lines += items_lines(week.by_service, catalogue)
    lines.append(texts.TEAM_ACTIVE.format(active=len(joined) - len(idle), joined=len(joined)))
    if idle:
        lines.append(texts.TALLY_IDLE.format(", ".join(m.name for m in idle)))
    return "\n".join(lines)


def _ward_tally(session: Session, ward_id: int, start: date, end: date) -> str:
    ward = next(w for w in queries.wards(session) if w.id == ward_id)
    counts = logs.logs_by_team(session, ward_id=ward_id, start=start, end=end)
    teams = sorted(
        queries.teams_of_ward(session, ward_id), key=lambda t: (-counts.get(t.id or 0, 0), t.name)
    )
    lines = [
        texts.TALLY_WARD_TITLE.format(ward=ward.name, start=day_text(start), end=day_text(end))
    ]
    lines += [
        texts.WARD_RANK_LINE.format(n=n, team=t.name, logs=counts.get(t.id or 0, 0))
        for n, t in enumerate(teams, start=1)
    ]
    return "\n".join(lines)
