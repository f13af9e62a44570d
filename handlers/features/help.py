"""/trogiup: how to log, with examples, and the commands this person may use."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.formatting import service_list
from handlers.messages import Reply
from handlers.router import Router
from storage.models import Role

router = Router()


@router.command("trogiup", "help", role=None)
def show_help(ctx: Context, _args: str) -> list[Reply]:
    """Examples first, then the service list and the commands."""
    if ctx.member is None:
        return [Reply(texts.STRANGER_GREETING)]
    if ctx.member.role == Role.UNIT:
        return [Reply(texts.UNIT_HELP)]
    if ctx.member.role == Role.CITY:  # the city logs nothing: its own commands only
        return [Reply(texts.HELP_CITY)]
    parts = [
        texts.HELP_QUICK_ENTRY,
        *([texts.HELP_VOICE] if ctx.settings.voice else []),
        texts.HELP_SERVICES.format(service_list(ctx.catalogue)),
        texts.HELP_COMMANDS,
    ]
    if ctx.has_role(Role.LEADER):
        parts.append(texts.HELP_LEADER)
    if ctx.has_role(Role.OFFICER):
        parts.append(texts.HELP_OFFICER)
    reach = ctx.incoming.group_reach if ctx.incoming.is_group else None
    if reach in texts.GROUP_REACH:  # in a group: how to make the bot hear you here
        parts.append(texts.GROUP_REACH[reach].format(mention=ctx.incoming.bot_mention or ""))
    return [Reply("\n\n".join(parts))]
