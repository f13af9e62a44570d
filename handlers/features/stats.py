"""/cuatoi and /thongke: what I, my team and my ward have logged."""

from __future__ import annotations

from datetime import date

from handlers import texts
from handlers.context import Context
from handlers.formatting import day_text, items_inline, items_lines, outside_line
from handlers.messages import Reply
from handlers.router import Router
from storage import logs, membership, queries
from storage.logs import Totals
from storage.membership import Activity
from storage.models import Role

router = Router()


def _periods(ctx: Context) -> list[tuple[str, date]]:
    """This week (from Monday) and this month, each with its title."""
    month_start = ctx.today.replace(day=1)
    return [
        (texts.PERIOD_WEEK.format(day_text(ctx.week_start)), ctx.week_start),
        (texts.PERIOD_MONTH.format(ctx.today.strftime("%m/%Y")), month_start),
    ]


def _totals_block(
    ctx: Context, title: str, totals: Totals, people: Activity | None = None
) -> list[str]:
    """A period's totals; with a team's (or ward's) people, who logged as well."""
    if not totals.logs:
        return [title, texts.STATS_NONE]
    lines = [title, texts.STATS_LOGS.format(totals.logs)]
    outside = outside_line(people) if people is not None else None
    lines += [outside] if outside else []
    lines += items_lines(totals.by_service, ctx.catalogue)
    if totals.households:
        lines.append(texts.ENTRY_HOUSEHOLDS.format(totals.households))
    if totals.people:
        lines.append(texts.STATS_PEOPLE.format(totals.people))
    if people is not None:
        lines.append(texts.TEAM_ACTIVE.format(active=people.active, joined=people.joined))
    return lines


@router.command("cuatoi")
def my_logs(ctx: Context, _args: str) -> list[Reply]:
    """My latest logs and my totals this week and this month."""
    session = ctx.uow.session
    recent = logs.recent_logs(session, ctx.member_id, limit=5, by_day=True)
    lines = [texts.MINE_TITLE.format(name=ctx.member.name if ctx.member else "")]
    if not recent:
        lines.append(texts.MINE_EMPTY)
        return [Reply("\n".join(lines))]
    items = logs.items_of(session, [r.id for r in recent if r.id is not None])
    lines.append(texts.MINE_RECENT)
    for log in recent:
        assert log.id is not None
        done = items_inline(items[log.id], ctx.catalogue)
        if log.households:
            done += texts.MINE_HOUSEHOLDS.format(log.households)
        where = f" ({log.place})" if log.place else ""
        lines.append(f"• {day_text(log.day)}: {done}{where}")
    for title, start in _periods(ctx):
        totals = logs.totals(session, start=start, end=ctx.today, member_id=ctx.member_id)
        lines += ["", *_totals_block(ctx, title, totals)]
    return [Reply("\n".join(lines))]


@router.command("thongke")
def team_stats(ctx: Context, _args: str) -> list[Reply]:
    """My team's week and month (a ward officer sees the ward, teams ranked)."""
    assert ctx.member is not None
    session = ctx.uow.session
    team, ward = queries.team_and_ward(session, ctx.member.team_id)
    if ctx.has_role(Role.OFFICER):
        assert ward.id is not None
        return [Reply(_ward_stats(ctx, ward.id, ward.name))]
    assert team.id is not None
    lines = [texts.TEAM_TITLE.format(team=team.name)]
    idle_by_period = []
    for title, start in _periods(ctx):
        totals = logs.totals(session, start=start, end=ctx.today, team_ids=[team.id])
        people = membership.activity(session, team_ids=[team.id], start=start, end=ctx.today)
        lines += ["", *_totals_block(ctx, title, totals, people[team.id])]
        idle = membership.idle_members(session, team_id=team.id, start=start, end=ctx.today)
        idle_by_period.append(idle)
    idle_this_week = idle_by_period[0]
    if ctx.has_role(Role.LEADER) and idle_this_week:
        lines += ["", texts.TEAM_IDLE.format(", ".join(m.name for m in idle_this_week))]
    return [Reply("\n".join(lines))]


def _ward_stats(ctx: Context, ward_id: int, ward_name: str) -> str:
    session = ctx.uow.session
    teams = queries.teams_of_ward(session, ward_id)
    team_ids = [t.id for t in teams if t.id is not None]
    lines = [texts.WARD_TITLE.format(ward=ward_name)]
    for title, start in _periods(ctx):
        totals = logs.totals(session, start=start, end=ctx.today, team_ids=team_ids)
        people = membership.activity_of_all(session, team_ids=team_ids, start=start, end=ctx.today)
        lines += ["", *_totals_block(ctx, title, totals, people)]
    counts = logs.logs_by_team(session, ward_id=ward_id, start=ctx.week_start, end=ctx.today)
    residential = queries.residential_teams(session, ward_id)
    ranked = sorted(residential, key=lambda t: (-counts.get(t.id or 0, 0), t.name))
    lines += ["", texts.WARD_RANKING]
    for n, team in enumerate(ranked, start=1):
        lines.append(
            texts.WARD_RANK_LINE.format(n=n, team=team.name, logs=counts.get(team.id or 0, 0))
        )
    return "\n".join(lines)
