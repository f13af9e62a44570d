"""Quick entry: log a support session from one message, or ask first (what is unclear,
which of two readings is meant, whether a report sent again is a new visit)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.features.pending import reading_pending, summary
from handlers.formatting import items_inline
from handlers.messages import Choice, Reply
from handlers.parsing.chatter import chatter
from handlers.parsing.near_miss import corrected
from handlers.parsing.quick_entry import ParseResult, parse_quick_entry
from handlers.router import Router
from storage import logs
from storage.models import NOTE_MAX, PLACE_MAX, SupportLog

router = Router()
SENT_AGAIN = timedelta(minutes=10)  # the same report within this is asked about first
_BARE_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.)]?\s*$")

_ASK = {"unknown_word", "no_service", "bad_count"}  # nothing is saved until the member answers
_REFUSE = {"future_date", "too_old"}


@router.step("quick_entry")
def log_support(ctx: Context, text: str) -> list[Reply]:
    """Log the support session a message describes, or ask about what is unclear."""
    if _BARE_NUMBER.match(text):  # "1" after its choices have gone: not a count of nothing
        return [Reply(texts.NUMBER_WITHOUT_CHOICE.format(text.strip(" .)")))]
    return small_talk(ctx, text) or answer_entry(ctx, text, edit_id=None)


def small_talk(ctx: Context, text: str) -> list[Reply] | None:
    """Thanks or a greeting ("cảm ơn nhé", "chào bạn ạ") answered kindly, nothing saved;
    None for anything else."""
    said = chatter(text)
    name = ctx.member.name if ctx.member else ""
    if said == "thanks":
        return [Reply(texts.THANKS_ANSWER.format(name=name))]
    if said == "greeting":
        return [Reply(texts.SMALL_TALK_ANSWER.format(name=name))]
    return None


def answer_entry(ctx: Context, text: str, *, edit_id: int | None) -> list[Reply]:
    """Save a clear entry at once; ask about an unclear one; refuse an impossible day."""
    result = parse_quick_entry(text, today=ctx.today, catalogue=ctx.catalogue)
    suggested: list[str] = []
    if "unknown_word" in result.kinds():  # "vnied 2": read again as "vneid 2", then asked
        fix = corrected(text, result, today=ctx.today, catalogue=ctx.catalogue)
        if fix is not None:
            result, suggested = fix
    original = logs.own_log(ctx.uow.session, ctx.member_id, edit_id) if edit_id else None
    pending = _pending_of(ctx, result, original, edit_id)
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
        if result.left_out_number:  # the rest would hold a count the member never meant
            return [Reply("\n".join([*lines, texts.ENTRY_NUMBER_LEFT_OUT]))]
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
    if "ambiguous" in kinds:
        others = [_pending_of(ctx, other, original, edit_id) for other in result.alternatives]
        return _ask_reading(ctx, [pending, *others])
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


def _pending_of(
    ctx: Context, result: ParseResult, original: SupportLog | None, edit_id: int | None
) -> dict[str, Any]:
    """The log a reading would save; a correction keeps what it does not retype."""
    pending = reading_pending(ctx, result, edit_id=edit_id)
    if original is None:
        return pending
    if not result.day_typed:  # "vneid 5" fixes a count, not the day
        pending["date"] = original.day.isoformat()
    for field, kept in (
        ("location", original.place),
        ("note", original.note),
        ("households", original.households),
        ("people", original.people),
    ):
        if pending[field] is None:
            pending[field] = kept
    return pending


def _ask_reading(ctx: Context, readings: list[dict[str, Any]]) -> list[Reply]:
    """Two plausible readings: show each, the likelier first, and let the member choose."""
    edit_id = readings[0]["edit_id"]
    ctx.conversation.start("pick_reading", readings=readings, edit_id=edit_id)
    lines = [texts.PROBLEM_AMBIGUOUS]
    choices = []
    for n, reading in enumerate(readings, start=1):
        lines += ["", texts.READING_HEADING.format(n), summary(ctx, reading)]
        choices.append(Choice(texts.BUTTON_READING.format(n), f"reading:{n - 1}"))
    choices.append(Choice(texts.BUTTON_RETYPE, "reading:cancel", texts.WORDS_WRONG))
    return [Reply("\n".join(lines), choices=tuple(choices))]


@router.choice("reading")
def pick_reading(ctx: Context, answer: str) -> list[Reply]:
    """Save the reading the member chose, exactly as it was shown."""
    conv = ctx.conversation
    readings = conv.data.get("readings") or []
    if conv.step != "pick_reading" or not (answer == "cancel" or answer.isdigit()):
        return [Reply(texts.CHOICE_EXPIRED)]
    if answer == "cancel" or int(answer) >= len(readings):
        conv.clear()
        return [Reply(texts.ENTRY_CANCELLED)]
    return save_entry(ctx, dict(readings[int(answer)]))


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
    told = [texts.PROBLEM_SCRUBBED.format(m) for m in pending.get("scrubbed", [])]
    if pending.get("ignored"):  # "Mình bỏ qua: «em báo cáo»": what was not read is said
        told.append(texts.ENTRY_IGNORED.format("», «".join(pending["ignored"])))
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
        return [Reply("\n".join([texts.EDIT_SAVED, summary(ctx, pending), *told]))]
    log = SupportLog(
        member_id=ctx.member_id,
        team_id=ctx.member.team_id,
        platform=ctx.incoming.platform,
        message_key=pending.get("message_key"),
        photo_file_id=pending.get("photo"),
        created_at=ctx.now,
        **fields,
    )
    if not pending.get("same_asked"):  # asked once; "Ghi thêm" saves it
        same = logs.recent_same(session, log, pending["items"], since=ctx.now - SENT_AGAIN)
        if same is not None:
            return _ask_same(ctx, pending, same)
    logs.add_log(session, log, pending["items"])
    if ctx.incoming.is_group:  # short in groups: one line everyone can scroll past
        items = items_inline(pending["items"], ctx.catalogue)
        lines = [texts.GROUP_SAVED.format(name=ctx.member.name, items=items), *told]
    else:
        lines = [texts.ENTRY_SAVED, summary(ctx, pending), *told, texts.ENTRY_UNDO_HINT]
    undo = Choice(texts.BUTTON_UNDO, f"undo:{log.id}")
    return [Reply("\n".join(lines), choices=(undo,), evidence=pending.get("photo"))]


@router.step("confirm_entry", "edit", "pick_reading")
def retype_entry(ctx: Context, text: str) -> list[Reply]:
    """A new message instead of an answer is the corrected entry (or /sua's correction);
    thanks or a greeting ends the question, saving nothing, as any new message does."""
    edit_id = ctx.conversation.data.get("edit_id")
    ctx.conversation.clear()
    return small_talk(ctx, text) or answer_entry(ctx, text, edit_id=edit_id)


@router.choice("entry")
def confirm_entry(ctx: Context, answer: str) -> list[Reply]:
    """Save the pending log (the part understood, or a report sent again), or drop it."""
    conv = ctx.conversation
    if conv.step != "confirm_entry":
        return [Reply(texts.CHOICE_EXPIRED)]
    if answer == "save":
        return save_entry(ctx, dict(conv.data))
    conv.clear()
    if answer == "keep":  # the same report sent again: the earlier log is enough
        return [Reply(texts.SAME_NOT_SAVED)]
    return [Reply(texts.ENTRY_CANCELLED)]


def _ask_same(ctx: Context, pending: dict[str, Any], same: SupportLog) -> list[Reply]:
    """Ask before logging what the member logged minutes ago: a resend is not a new visit."""
    ctx.conversation.start("confirm_entry", **pending, same_asked=True)
    time = f"{same.created_at.astimezone(ctx.settings.timezone):%H:%M}"
    if ctx.incoming.is_group:
        assert ctx.member is not None
        items = items_inline(pending["items"], ctx.catalogue)
        text = texts.GROUP_SAME_ASK.format(name=ctx.member.name, time=time, items=items)
    else:
        text = texts.SAME_ASK.format(time=time, summary=summary(ctx, pending))
    choices = (
        Choice(texts.BUTTON_LOG_AGAIN, "entry:save", texts.WORDS_LOG_AGAIN),
        Choice(texts.BUTTON_NO, "entry:keep", texts.WORDS_NO),
    )
    return [Reply(text, choices=choices)]
