"""/web: a one-time link into the web dashboard (an officer sees the ward, a leader the team)."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.messages import Reply
from handlers.router import Router
from storage import queries, web_sessions
from storage.models import Role

router = Router()
LOGIN_PATH = "/web/vao/"  # + the link's token; the web app serves it


@router.command("web", "trangweb", "dashboard", role=Role.LEADER)
def web_link(ctx: Context, _args: str) -> list[Reply]:
    """A login link valid once, for 15 minutes; sent only in a private chat."""
    if ctx.incoming.is_group:
        return [Reply(texts.WEB_PRIVATE_ONLY)]
    if not ctx.settings.web_url:
        if ctx.incoming.platform == "console":  # tried in the terminal: say how to open it
            return [Reply(texts.WEB_OFF_HERE.format(user=ctx.incoming.user_id))]
        return [Reply(texts.WEB_OFF)]
    assert ctx.member is not None
    team, ward = queries.team_and_ward(ctx.uow.session, ctx.member.team_id)
    token = web_sessions.issue_link(ctx.uow.session, ctx.member_id, now=ctx.now)
    url = ctx.settings.web_url.rstrip("/") + LOGIN_PATH + token
    who = ward.name if ctx.has_role(Role.OFFICER) else team.name
    return [Reply(texts.WEB_LINK.format(who=who, url=url), keep=False)]  # a login link
