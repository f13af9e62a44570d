"""Quick entry: log a support session from one message, confirm it, undo it, correct it."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.formatting import day_label, day_text, detail_lines, items_inline, items_lines
from handlers.messages import Choice, Reply
from handlers.parsing.near_miss import corrected
from handlers.parsing.normalize import fold
from handlers.parsing.quick_entry import ParseResult, parse_quick_entry
from handlers.router import Router
from storage import logs
from storage.models import NOTE_MAX, PLACE_MAX, SupportLog

router = Router()
JUST_LOGGED = timedelta(minutes=15)  # /huy undoes such a log without asking
_BARE_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.)]?\s*$")

_ASK = {"unknown_word", "no_service", "bad_count"}  # nothing is saved until the member answers
_REFUSE = {"future_date", "too_old"}


@router.step("quick_entry")
def log_support(ctx: Context, text: str) -> list[Reply]:
    """Log the support session a message describes, or ask about what is unclear."""
    if _BARE_NUMBER.match(text):  # "1" after its choices have gone: not a count of nothing
        return [Reply(texts.NUMBER_WITHOUT_CHOICE.format(text.strip(" .)")))]
    said = " ".join(fold(text).strip(" .!?").split())
    name = ctx.member.name if ctx.member else ""
    if said in texts.THANKS:
        return [Reply(texts.THANKS_ANSWER.format(name=name))]
    if said in texts.SMALL_TALK:
        return [Reply(texts.SMALL_TALK_ANSWER.format(name=name))]
    return answer_entry(ctx, text, edit_id=None)


def answer_entry(ctx: Context, text: str, *, edit_id: int | None) -> list[Reply]:
    """Save a clear entry at once; ask about an unclear one; refuse an impossible day."""
    result = parse_quick_entry(text, today=ctx.today, catalogue=ctx.catalogue)
    suggested: list[str] = []
    if "unknown_word" in result.kinds():  # "vnied 2": read again as "vneid 2", then asked
        fix = corrected(text, result, today=ctx.today, catalogue=ctx.catalogue)
        if fix is not None:
            result, suggested = fix
    pending = reading_pending(ctx, result, edit_id=edit_id)
    original = logs.own_log(ctx.uow.session, ctx.member_id, edit_id) if edit_id else None
    if original is not None:
        # a correction keeps what it does not retype: "vneid 5" fixes a count, not the day
        if not result.day_typed:
            pending["date"] = original.day.isoformat()
        for field, kept in (
            ("location", original.place),
            ("note", original.note),
            ("households", original.households),
            ("people", original.people),
        ):
            if pending[field] is None:
                pending[field] = kept
    kinds = result.kinds()
    if suggested:
        ctx.conversation.start("confirm_entry", **pending)
        names = ", ".join(ctx.catalogue.name(code) for code in suggested)
        return [
            Reply(
                "\n".join([texts.SUGGEST_ASK.format(names), summary(ctx, pending)]),
                choices=(
                    Choice(texts.BUTTON_RIGHT, "entry:save", texts.WORDS_RIGHT),
                    Choice(texts.BUTTON_FIX, "entry:cancel", texts.WORDS_WRONG),
                ),
            )
        ]
    if kinds & _REFUSE:
        lines = [p.message for p in result.problems if p.kind in _REFUSE | {"unknown_word"}]
        return [Reply("\n".join([*lines, texts.ENTRY_RETYPE]))]
    if kinds & _ASK:
        shown = _ASK - {"no_service"} if "unknown_word" in kinds else _ASK  # one "not understood"
        lines = [p.message for p in result.problems if p.kind in shown]
        if not result.items:
            codes = ", ".join(s.code for s in ctx.catalogue.active)
            return [Reply("\n".join([*lines, texts.ENTRY_NOTHING_UNDERSTOOD.format(codes)]))]
        ctx.conversation.start("confirm_entry", **pending)
        understood = summary(ctx, pending)  # all that "save" would save: day, place, note
        return [
            Reply(
                "\n".join([*lines, texts.ENTRY_PARTLY_UNDERSTOOD.format(items=understood)]),
                choices=(
                    Choice(texts.BUTTON_SAVE_UNDERSTOOD, "entry:save"),
                    Choice(texts.BUTTON_RETYPE, "entry:cancel"),
                ),
            )
        ]
    if "large_count" in kinds:
        ctx.conversation.start("confirm_entry", **pending)
        numbers = ", ".join(p.text for p in result.problems if p.kind == "large_count")
        return [
            Reply(
                texts.ENTRY_CONFIRM_LARGE.format(numbers=numbers, summary=summary(ctx, pending)),
                choices=(
                    Choice(texts.BUTTON_CONFIRM_LARGE, "entry:save", texts.WORDS_RIGHT),
                    Choice(texts.BUTTON_RETYPE, "entry:cancel", texts.WORDS_WRONG),
                ),
            )
        ]
    return save_entry(ctx, pending)


def pending_entry(
    ctx: Context,
    items: dict[str, int],
    *,
    day: date,
    households: int | None = None,
    people: int | None = None,
    location: str | None = None,
    note: str | None = None,
    photo: str | None = None,
    scrubbed: list[str] | None = None,
    edit_id: int | None = None,
) -> dict[str, Any]:
    """A log waiting to be saved, as kept in the conversation state (JSON)."""
    return {
        "items": items,
        "people": people,
        "households": households,
        "date": day.isoformat(),
        "location": location,
        "note": note,
        "scrubbed": scrubbed or [],
        "message_key": ctx.incoming.message_key,
        "photo": photo,
        "edit_id": edit_id,
    }


def reading_pending(
    ctx: Context, result: ParseResult, *, edit_id: int | None = None
) -> dict[str, Any]:
    """The log a parsed message would save, waiting in the conversation state."""
    return pending_entry(
        ctx,
        result.items,
        day=result.date,
        households=result.households,
        people=result.people,
        location=result.location,
        note=result.note,
        photo=ctx.incoming.photo,
        edit_id=edit_id,
        scrubbed=[
            *ctx.incoming.scrubbed,
            *(p.text for p in result.problems if p.kind == "scrubbed"),
        ],
    )


def summary(ctx: Context, pending: dict[str, Any]) -> str:
    """The day and every fact a pending log holds, as the member will see it saved."""
    day = day_label(date.fromisoformat(pending["date"]), ctx.today)
    details = detail_lines(
        ctx.catalogue,
        pending["items"],
        households=pending["households"],
        people=pending["people"],
        place=pending["location"],
        note=pending["note"],
        photo=bool(pending.get("photo")),
    )
    return "\n".join([texts.ENTRY_DAY.format(day), *details])


def save_entry(ctx: Context, pending: dict[str, Any]) -> list[Reply]:
    """Write the log and offer Undo, or apply a correction to the log being edited."""
    ctx.conversation.clear()
    for key, limit, text in (
        ("location", PLACE_MAX, texts.ENTRY_PLACE_TOO_LONG),
        ("note", NOTE_MAX, texts.ENTRY_NOTE_TOO_LONG),
    ):
        if len(pending.get(key) or "") > limit:  # nothing is saved, nothing is cut
            return [Reply(text.format(n=len(pending[key]), limit=limit))]
    session = ctx.uow.session
    assert ctx.member is not None
    fields = {
        "day": date.fromisoformat(pending["date"]),
        "people": pending["people"],
        "households": pending["households"],
        "place": pending["location"],
        "note": pending["note"],
    }
    scrubbed = [texts.PROBLEM_SCRUBBED.format(m) for m in pending.get("scrubbed", [])]
    if pending.get("edit_id"):
        log = logs.own_log(session, ctx.member_id, pending["edit_id"])
        if log is None or log.deleted_at is not None:
            return [Reply(texts.EDIT_GONE)]
        for name, value in fields.items():
            setattr(log, name, value)
        log.updated_at = ctx.now
        session.add(log)
        logs.set_items(session, log, pending["items"])
        # no Undo here: it would delete the whole log, not the correction
        return [Reply("\n".join([texts.EDIT_SAVED, summary(ctx, pending), *scrubbed]))]
    log = logs.add_log(
        session,
        SupportLog(
            member_id=ctx.member_id,
            team_id=ctx.member.team_id,
            platform=ctx.incoming.platform,
            message_key=pending.get("message_key"),
            photo_file_id=pending.get("photo"),
            created_at=ctx.now,
            **fields,
        ),
        pending["items"],
    )
    if ctx.incoming.is_group:  # short in groups: one line everyone can scroll past
        items = items_inline(pending["items"], ctx.catalogue)
        lines = [texts.GROUP_SAVED.format(name=ctx.member.name, items=items), *scrubbed]
    else:
        lines = [texts.ENTRY_SAVED, summary(ctx, pending), *scrubbed, texts.ENTRY_UNDO_HINT]
    undo = Choice(texts.BUTTON_UNDO, f"undo:{log.id}")
    return [Reply("\n".join(lines), choices=(undo,), evidence=pending.get("photo"))]


@router.step("confirm_entry", "edit")
def retype_entry(ctx: Context, text: str) -> list[Reply]:
    """A new message instead of an answer is the corrected entry (or /sua's correction)."""
    edit_id = ctx.conversation.data.get("edit_id")
    ctx.conversation.clear()
    return answer_entry(ctx, text, edit_id=edit_id)


@router.choice("entry")
def confirm_entry(ctx: Context, answer: str) -> list[Reply]:
    """Save the part understood, or drop it so the member can type again."""
    conv = ctx.conversation
    if conv.step != "confirm_entry":
        return [Reply(texts.CHOICE_EXPIRED)]
    if answer == "save":
        return save_entry(ctx, dict(conv.data))
    conv.clear()
    return [Reply(texts.ENTRY_CANCELLED)]


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
