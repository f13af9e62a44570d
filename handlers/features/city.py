"""The city's officer (role city) in chat: what a ward's command answers them instead
(/thongke, /chiendich; /xuat, /tiendo and /hanchot are schedules.city_chat's), and a kind
word for what is only a ward's or a team's to do.

The city sees every ward's counts and the wards' names, never a volunteer's name, note,
place or chat: the figures come from storage.city and storage.campaigns.
"""

from __future__ import annotations

from datetime import date

from handlers import texts
from handlers.campaigns import days_left, head
from handlers.context import Context
from handlers.formatting import day_text
from handlers.messages import Reply
from handlers.parsing.periods import Period, parse_period
from handlers.router import Route, Router
from storage import campaigns, queries
from storage.campaigns import WardProgress
from storage.city import WardFigures, city_figures
from storage.models import Role

router = Router()
BUSIEST = 5  # wards named in /thongke and /chiendich, most logs first
# what a city's officer uses as everybody does: joining, help, the web link, their own data
AS_IS = frozenset(
    f"handlers.features.{name}" for name in ("onboarding", "help", "dashboard", "privacy", "media")
)
# what logs support (or undoes or corrects a log): the city logs none
LOGGING = frozenset(
    f"handlers.features.{name}"
    for name in ("entries", "guided", "voice", "undo", "corrections", "pending")
)


def refused_to_city(ctx: Context, route: Route) -> Reply | None:
    """A kind refusal when a city's officer asks what only a ward or a team does (the
    office is no ward: it has no teams, members or logs); None for everyone else."""
    if ctx.member is None or ctx.member.role != Role.CITY or route.role == Role.CITY:
        return None
    module = route.handler.__module__
    if module in AS_IS:
        return None
    return Reply(texts.CITY_LOGS_NOTHING if module in LOGGING else texts.CITY_NOT_HERE)


def city_name(ctx: Context) -> str:
    """The city's name: its office's (made with [city] name)."""
    assert ctx.member is not None
    _team, office = queries.team_and_ward(ctx.uow.session, ctx.member.team_id)
    return office.name


def this_quarter(today: date) -> Period:
    """From the first day of this quarter to today."""
    period = parse_period("", today=today)
    assert isinstance(period, Period)
    return period


@router.city_command("thongke")
def city_stats(ctx: Context, _args: str) -> list[Reply]:
    """The city this week and this quarter: logs, who logged, the busiest wards."""
    session = ctx.uow.session
    week = city_figures(session, start=ctx.week_start, end=ctx.today).wards
    quarter_start = this_quarter(ctx.today).start
    quarter = city_figures(session, start=quarter_start, end=ctx.today).wards
    lines = [texts.CITY_STATS_TITLE.format(city=city_name(ctx), wards=len(week))]
    for title, wards in (
        (texts.PERIOD_WEEK.format(day_text(ctx.week_start)), week),
        (texts.CITY_PERIOD_QUARTER.format(day_text(quarter_start)), quarter),
    ):
        lines += ["", title, *_period_lines(wards)]
    idle = sum(1 for w in week if not w.logs)
    lines += ["", texts.CITY_STATS_IDLE.format(n=idle, wards=len(week))]
    return [Reply("\n".join(lines))]


def _period_lines(wards: list[WardFigures]) -> list[str]:
    logs = sum(w.logs for w in wards)
    if not logs:
        return [texts.STATS_NONE]
    lines = [
        texts.STATS_LOGS.format(logs),
        texts.CITY_STATS_ACTIVE.format(
            active=sum(w.active for w in wards), members=sum(w.members for w in wards)
        ),
        texts.CITY_STATS_BUSIEST,
    ]
    busiest = sorted((w for w in wards if w.logs), key=lambda w: (-w.logs, w.name))[:BUSIEST]
    lines += [
        texts.CITY_RANK_LINE.format(n=n, ward=w.name, logs=w.logs)
        for n, w in enumerate(busiest, start=1)
    ]
    return lines


@router.city_command("chiendich")
def city_campaigns(ctx: Context, _args: str) -> list[Reply]:
    """Each campaign going on today across the wards it covers: the sum, how many wards
    reached the target, the busiest wards and how many have nothing yet."""
    session = ctx.uow.session
    names = {w.id: w.name for w in queries.wards(session) if w.id is not None}
    blocks = []
    for found in campaigns.progress_in_period(session, start=ctx.today, end=ctx.today):
        campaign = found.campaign
        wards = {i: w for i, w in found.wards.items() if i in names}  # not the city's office
        reached = sum(1 for w in wards.values() if _reached(w))
        lines = [
            *head(campaign, ctx.catalogue),
            texts.CITY_CAMPAIGN_WARDS.format(
                done=sum(w.count for w in wards.values()),
                reached=reached,
                wards=sum(1 for w in wards.values() if w.target),
            ),
        ]
        busiest = sorted(
            (w for w in wards.values() if w.count), key=lambda w: (-w.count, names[w.ward_id])
        )[:BUSIEST]
        if busiest:
            lines.append(texts.CITY_CAMPAIGN_TOP)
            lines += [
                texts.CITY_RANK_LINE.format(n=n, ward=names[w.ward_id], logs=w.count)
                for n, w in enumerate(busiest, start=1)
            ]
        nothing = sum(1 for w in wards.values() if not w.count)
        lines.append(texts.CITY_CAMPAIGN_NOTHING.format(n=nothing))
        lines.append(days_left(campaign, ctx.today))
        blocks.append("\n".join(lines))
    return [Reply("\n\n".join(blocks or [texts.CAMPAIGN_NONE]))]


def _reached(ward: WardProgress) -> bool:
    """Whether a ward reached a campaign's target (per team: every team it is for), as the
    city's workbook counts it."""
    if not ward.target:
        return False
    if ward.team_target is not None:
        return bool(ward.targeted) and ward.teams_reached == len(ward.targeted)
    return ward.count >= ward.target
