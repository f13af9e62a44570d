"""Undo: the member takes back a log just made (the button under it, or /huy)."""

from __future__ import annotations

from datetime import timedelta

from handlers import texts
from handlers.context import Context
from handlers.formatting import day_text, items_lines
from handlers.messages import Choice, Reply
from handlers.router import Router
from storage import logs
from storage.models import SupportLog

router = Router()
JUST_LOGGED = timedelta(minutes=15)  # /huy undoes such a log without asking


@router.choice("undo")
def undo_log(ctx: Context, log_id: str) -> list[Reply]:
    """Undo the log the button was shown under (or keep it, asked by /huy)."""
    if log_id == "keep":
        return [Reply(texts.UNDO_KEPT)]
    log = logs.own_log(ctx.uow.session, ctx.member_id, int(log_id)) if log_id.isdigit() else None
    return _undo(ctx, log)


@router.command("huy")
def undo_last(ctx: Context, _args: str) -> list[Reply]:
    """Cancel what is in progress, or undo the log just made; an older one only when the
    member says yes to it, shown by day and services."""
    if ctx.conversation.step is not None:
        ctx.conversation.clear()
        return [Reply(texts.STEP_CANCELLED)]
    recent = logs.recent_logs(ctx.uow.session, ctx.member_id, limit=1)
    log = recent[0] if recent else None
    too_old = log is not None and ctx.now - log.created_at > timedelta(
        hours=ctx.settings.undo_hours
    )
    if log is None or too_old or _just_logged(ctx, log):
        return _undo(ctx, log)  # undone, or told why it cannot be
    assert log.id is not None
    items = logs.items_of(ctx.uow.session, [log.id])[log.id]
    question = [texts.UNDO_ASK.format(day_text(log.day)), *items_lines(items, ctx.catalogue)]
    choices = (
        Choice(texts.BUTTON_UNDO, f"undo:{log.id}"),
        Choice(texts.BUTTON_KEEP, "undo:keep", texts.WORDS_NO),
    )
    return [Reply("\n".join(question), choices=choices)]


def _just_logged(ctx: Context, log: SupportLog) -> bool:
    """The last thing the member did: made within minutes, and nothing undone since."""
    if ctx.now - log.created_at > JUST_LOGGED:
        return False
    return not logs.undone_since(ctx.uow.session, ctx.member_id, log.created_at)


def _undo(ctx: Context, log: SupportLog | None) -> list[Reply]:
    if log is None:
        return [Reply(texts.UNDO_NOTHING)]
    if log.deleted_at is not None:
        return [Reply(texts.UNDO_ALREADY)]
    if ctx.now - log.created_at > timedelta(hours=ctx.settings.undo_hours):
        return [Reply(texts.UNDO_TOO_LATE.format(hours=ctx.settings.undo_hours))]
    logs.soft_delete(log, ctx.now)
    ctx.uow.session.add(log)
    assert log.id is not None
    items = logs.items_of(ctx.uow.session, [log.id])[log.id]
    return [
        Reply(
            "\n".join(
                [texts.UNDO_DONE.format(day_text(log.day)), *items_lines(items, ctx.catalogue)]
            )
        )
    ]
