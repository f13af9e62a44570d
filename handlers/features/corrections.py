"""/sua: correct or delete my last support log."""

from __future__ import annotations

from handlers import texts
from handlers.context import Context
from handlers.features.entries import answer_entry
from handlers.features.models import edit_models
from handlers.formatting import day_text, detail_lines
from handlers.messages import Choice, Reply
from handlers.router import Router
from storage import logs
from storage.models import Role

router = Router()


@router.command("sua", role=Role.UNIT)
def correct_last(ctx: Context, args: str) -> list[Reply]:
    """Show my last log and wait for the corrected text (or `/sua vneid 3` at once).

    A unit's representative has no logs: /sua opens the unit's registered models.
    """
    if ctx.member is not None and ctx.member.role == Role.UNIT:
        return edit_models(ctx)
    session = ctx.uow.session
    recent = logs.recent_logs(session, ctx.member_id, limit=1)
    if not recent:
        return [Reply(texts.EDIT_NOTHING)]
    log = recent[0]
    assert log.id is not None
    if args:
        return answer_entry(ctx, args, edit_id=log.id)
    items = logs.items_of(session, [log.id])[log.id]
    ctx.conversation.start("edit", edit_id=log.id)
    details = detail_lines(
        ctx.catalogue,
        items,
        households=log.households,
        people=log.people,
        place=log.place,
        note=log.note,
        photo=bool(log.photo_file_id),
    )
    lines = [texts.EDIT_SHOW.format(day_text(log.day)), *details, texts.EDIT_ASK]
    return [
        Reply(
            "\n".join(lines),
            choices=(
                Choice(texts.BUTTON_DELETE_LOG, f"edit:delete:{log.id}"),
                Choice(texts.BUTTON_KEEP, "edit:keep"),
            ),
        )
    ]


@router.choice("edit")
def finish_correction(ctx: Context, answer: str) -> list[Reply]:
    """Delete the log shown, or leave it as it is."""
    ctx.conversation.clear()
    action, _, log_id = answer.partition(":")
    if action != "delete" or not log_id.isdigit():
        return [Reply(texts.EDIT_KEPT)]
    log = logs.own_log(ctx.uow.session, ctx.member_id, int(log_id))
    if log is None or log.deleted_at is not None:
        return [Reply(texts.EDIT_GONE)]
    logs.soft_delete(log, ctx.now)
    ctx.uow.session.add(log)
    return [Reply(texts.EDIT_DELETED.format(day_text(log.day)))]
