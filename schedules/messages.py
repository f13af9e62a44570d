"""The texts of reminders, weekly tallies and campaign notices, with the figures read from
the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from handlers import texts
from handlers.campaigns import launch_text, midway_text, tally_line
from handlers.catalogue import Catalogue
from handlers.formatting import day_text, items_lines, outside_line
from schedules.planner import PlannedSend
from storage import campaigns, logs, membership, queries, targets
from storage.models import Ward


@dataclass(frozen=True)
class Tally:
    """A weekly tally: its text, and the bars of its chart (label -> count)."""

    text: str
    chart_title: str
    bars: dict[str, int] = field(default_factory=dict)


def reminder_text(send: PlannedSend, *, today: date) -> str:
    """ "Báo cáo quý: hạn cuối 14/06/2026, còn 3 ngày." with what to do next."""
    assert send.deadline is not None and send.last_day is not None
    left = (send.last_day - today).days
    when = texts.REMINDER_TODAY if left == 0 else texts.REMINDER_DAYS_LEFT.format(left)
    if send.to_city:
        return texts.REMINDER_CITY.format(
            deadline=send.deadline, day=day_text(send.last_day), when=when
        )
    if send.unit is not None:
        return texts.REMINDER_UNIT.format(
            deadline=send.deadline, day=day_text(send.last_day), when=when, unit=send.unit
        )
    return texts.REMINDER.format(deadline=send.deadline, day=day_text(send.last_day), when=when)


def last_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week before `today`'s."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def tally(session: Session, send: PlannedSend, catalogue: Catalogue, *, today: date) -> Tally:
    """Last week's totals for a team's group, or the teams ranked for the ward's group."""
    start, end = last_week(today)
    if send.team_id is None:
        assert send.ward_id is not None
        return _ward_tally(session, send.ward_id, start, end)
    week = logs.totals(session, start=start, end=end, team_ids=[send.team_id])
    previous = logs.totals(
        session,
        start=start - timedelta(days=7),
        end=start - timedelta(days=1),
        team_ids=[send.team_id],
    )
    people = membership.activity(session, team_ids=[send.team_id], start=start, end=end)
    active, joined = people[send.team_id].active, people[send.team_id].joined
    idle = membership.idle_members(session, team_id=send.team_id, start=start, end=end)
    team, _ward = queries.team_and_ward(session, send.team_id)
    title = texts.TALLY_TITLE.format(team=team.name, start=day_text(start), end=day_text(end))
    if previous.logs:
        count = texts.TALLY_LOGS.format(logs=week.logs, change=f"{week.logs - previous.logs:+d}")
    else:
        count = texts.TALLY_LOGS_FIRST.format(logs=week.logs)
    lines = [title, count]
    outside = outside_line(people[send.team_id])
    lines += [outside] if outside else []
    lines += items_lines(week.by_service, catalogue)
    if week.people:
        lines.append(texts.STATS_PEOPLE.format(week.people))
    lines += _progress(session, send.team_id, catalogue, end)
    lines += _campaigns(session, team.ward_id, start, end, team_id=send.team_id)
    lines.append(texts.TEAM_ACTIVE.format(active=active, joined=joined))
    if idle:
        lines.append(texts.TALLY_IDLE.format(", ".join(m.name for m in idle)))
    if send.private:
        lines.append(texts.TALLY_PRIVATE)
    bars = {catalogue.name(code): count for code, count in week.by_service.items()}
    chart = texts.TALLY_CHART.format(name=team.name, start=day_text(start), end=day_text(end))
    return Tally("\n".join(lines), chart, bars)


def _progress(session: Session, team_id: int, catalogue: Catalogue, end: date) -> list[str]:
    """Progress to the team's targets, from the start of each target's period to `end`."""
    done: dict[str, dict[str, int]] = {}
    lines = []
    for code, period, target in targets.targets_of(session, team_id):
        if period not in done:
            start = targets.period_start(period, end)
            done[period] = logs.totals(session, start=start, end=end, team_ids=[team_id]).by_service
        count = done[period].get(code, 0)
        lines.append(
            texts.TALLY_TARGET.format(
                period=texts.PERIOD_NAMES[period],
                service=catalogue.name(code),
                done=count,
                target=target,
                percent=round(100 * count / target),
            )
        )
    return lines


def _ward_tally(session: Session, ward_id: int, start: date, end: date) -> Tally:
    ward = next(w for w in queries.wards(session) if w.id == ward_id)
    counts = logs.logs_by_team(session, ward_id=ward_id, start=start, end=end)
    teams = sorted(
        queries.residential_teams(session, ward_id),
        key=lambda t: (-counts.get(t.id or 0, 0), t.name),
    )
    title = texts.TALLY_WARD_TITLE.format(ward=ward.name, start=day_text(start), end=day_text(end))
    lines = [title]
    lines += [
        texts.WARD_RANK_LINE.format(n=n, team=t.name, logs=counts.get(t.id or 0, 0))
        for n, t in enumerate(teams, start=1)
    ]
    lines += _campaigns(session, ward_id, start, end, team_id=None)
    bars = {t.name: counts[t.id] for t in teams if t.id in counts}
    chart = texts.TALLY_CHART.format(name=ward.name, start=day_text(start), end=day_text(end))
    return Tally("\n".join(lines), chart, bars)


def _campaigns(
    session: Session, ward_id: int, start: date, end: date, *, team_id: int | None
) -> list[str]:
    """ "📣 Chiến dịch …: 120/200": each campaign of the ward with a day in the tallied
    week, counted from its first day through the week's end."""
    lines = []
    for campaign in campaigns.of_ward(session, ward_id, start=start, end=end):
        found = campaigns.progress(session, campaign, until=end, ward_ids=[ward_id])
        lines.append(tally_line(campaign, found.wards[ward_id], team_id))
    return lines


def campaign_text(session: Session, send: PlannedSend, catalogue: Catalogue, *, today: date) -> str:
    """A campaign's launch notice to an officer, or its mid-way summary of their ward."""
    assert send.campaign_id is not None and send.ward_id is not None
    campaign = campaigns.get(session, send.campaign_id)
    ward = session.get(Ward, send.ward_id)
    if campaign is None or ward is None or ward.id is None:
        raise LookupError(f"campaign {send.campaign_id} of ward {send.ward_id} is gone")
    if send.kind == "campaign_launch":
        return launch_text(campaign, catalogue, ward=ward.name if campaign.ward_id else None)
    found = campaigns.progress(session, campaign, until=today, ward_ids=[ward.id])
    names = {t.id: t.name for t in queries.teams_of_ward(session, ward.id) if t.id is not None}
    return midway_text(campaign, found.wards[ward.id], ward=ward.name, names=names, today=today)
