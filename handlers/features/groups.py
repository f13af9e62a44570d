"""/lienket: a leader links the team's group chat (an officer, the ward's) for tallies."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.messages import Reply
from handlers.router import Router
from storage import identities, queries
from storage.models import GroupChat, Role

router = Router()


@router.command("lienket", role=Role.LEADER)
def link_group(ctx: Context, _args: str) -> list[Reply]:
    """Make this group chat the team's (or, from an officer, the ward's) group."""
    incoming = ctx.incoming
    if not incoming.is_group:
        return [Reply(_how_to_link(incoming.group_join, incoming.bot_mention or ""))]
    assert ctx.member is not None
    session = ctx.uow.session
    team, ward = queries.team_and_ward(session, ctx.member.team_id)
    assert ward.id is not None and team.id is not None
    is_officer = ctx.has_role(Role.OFFICER)
    team_id = None if is_officer else team.id
    name = ward.name if is_officer else team.name
    # a group id means something only in the bot that issued it: the same id linked
    # through another bot is another group, left as it is
    unnamed = identities.unnamed_bot(ctx.settings.bots, incoming.platform)
    group = identities.group_chat(
        session, incoming.platform, incoming.chat_id, bot=incoming.bot, unnamed=unnamed
    )
    if group is not None and (group.ward_id, group.team_id) == (ward.id, team_id):
        group.bot = incoming.bot  # one linked through the unnamed bot is now this one's
        session.add(group)
        return [Reply(_with_reach(ctx, texts.LINK_ALREADY.format(name=name)))]
    if group is not None and not (is_officer and group.ward_id == ward.id):
        return [Reply(texts.LINK_TAKEN)]  # only the ward's officer moves a linked group
    group = group or GroupChat(
        platform=incoming.platform, chat_id=incoming.chat_id, bot=incoming.bot, ward_id=ward.id
    )
    group.ward_id, group.team_id, group.title = ward.id, team_id, incoming.chat_title
    group.linked_by, group.linked_at, group.bot = ctx.member_id, ctx.now, incoming.bot
    session.add(group)
    return [Reply(_with_reach(ctx, texts.LINK_DONE.format(name=name)))]


def _how_to_link(join: str | None, mention: str) -> str:
    """How the bot gets into the team's group here, and what happens while it is not."""
    if join == "unavailable":
        return texts.LINK_NO_GROUPS
    if join == "invite":
        return texts.LINK_BY_INVITE.format(mention=mention or "@bot")
    return texts.LINK_ONLY_IN_GROUP


def _with_reach(ctx: Context, text: str) -> str:
    """The answer, with what members must do so that the bot hears them in this group."""
    reach, mention = ctx.incoming.group_reach, ctx.incoming.bot_mention or ""
    if reach not in texts.GROUP_REACH:
        return text
    return f"{text}\n{texts.GROUP_REACH[reach].format(mention=mention)}"
