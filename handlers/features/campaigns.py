"""/chiendich: the ward's campaigns going on today, with their progress so far."""

from __future__ import annotations

from datetime import timedelta

from handlers import texts
from handlers.campaigns import days_left, head, ranked_teams, team_line, title, ward_lines
from handlers.context import Context
from handlers.formatting import day_text
from handlers.messages import Reply
from handlers.router import Router
from storage import campaigns, queries
from storage.models import Role

router = Router()
SOON_DAYS = 30  # a campaign starting within this many days is named as coming


@router.command("chiendich")
def show_campaigns(ctx: Context, _args: str) -> list[Reply]:
    """My ward's campaigns today: the ward's figure and my team's (an officer: every team's),
    then those starting soon."""
    assert ctx.member is not None
    session = ctx.uow.session
    team, ward = queries.team_and_ward(session, ctx.member.team_id)
    assert team.id is not None and ward.id is not None
    officer = ctx.has_role(Role.OFFICER)
    names = {t.id: t.name for t in queries.teams_of_ward(session, ward.id) if t.id is not None}
    blocks = []
    for campaign in campaigns.of_ward(session, ward.id, start=ctx.today, end=ctx.today):
        found = campaigns.progress(session, campaign, until=ctx.today, ward_ids=[ward.id])
        figures = found.wards[ward.id]
        lines = [*head(campaign, ctx.catalogue), *ward_lines(figures, ward.name)]
        if officer:
            lines += ranked_teams(figures, names)
        else:
            lines.append(team_line(campaign, figures, team.id, team.name))
        lines.append(days_left(campaign, ctx.today))
        blocks.append("\n".join(lines))
    if not blocks:
        blocks.append(texts.CAMPAIGN_NONE)
    tomorrow = ctx.today + timedelta(days=1)
    coming = campaigns.of_ward(
        session, ward.id, start=tomorrow, end=ctx.today + timedelta(days=SOON_DAYS)
    )
    soon = [
        texts.CAMPAIGN_SOON.format(
            title=title(c), first=day_text(c.first_day), last=day_text(c.last_day)
        )
        for c in coming
        if c.first_day >= tomorrow
    ]
    if soon:
        blocks.append("\n".join(soon))
    return [Reply("\n\n".join(blocks))]
