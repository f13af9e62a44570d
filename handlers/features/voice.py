"""Voice entries: what the bot heard, what it would save, and nothing saved before "Lưu".

The channel hands over the words (`Incoming.heard`), never the sound. The words are read
by the same parser as a typed entry; the member sees both and chooses Lưu, Sửa or Huỷ.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.features.entries import answer_entry
from handlers.features.pending import reading_pending, summary
from handlers.formatting import items_inline
from handlers.messages import Choice, Reply
from handlers.parsing.near_miss import corrected
from handlers.parsing.quick_entry import ParseResult, parse_quick_entry
from handlers.router import Router
from storage.models import NOTE_MAX

router = Router()
_REFUSE = {"future_date", "too_old"}


@router.step("voice")
def hear_entry(ctx: Context, words: str) -> list[Reply]:
    """Show what a voice message said and what it would log; ask before saving."""
    heard = ctx.incoming.heard
    if heard is not None and heard.problem:
        problem = texts.VOICE_PROBLEM.get(heard.problem, texts.VOICE_PROBLEM["failed"])
        return [Reply(problem.format(seconds=heard.limit))]
    words = " ".join(words.split())
    if not words:
        return [Reply(texts.VOICE_NOT_HEARD)]
    ctx.conversation.clear()  # a voice entry replaces whatever was pending
    result = parse_quick_entry(words, today=ctx.today, catalogue=ctx.catalogue)
    suggested: list[str] = []
    if "unknown_word" in result.kinds():  # "cài vnied ba người": read as vneid, and said so
        fix = corrected(words, result, today=ctx.today, catalogue=ctx.catalogue, others_stay=True)
        if fix is not None:
            result, suggested = fix
    lines = [texts.VOICE_HEARD.format(words), *_doubts(result)]
    for other in result.alternatives:  # the likelier reading is shown; the other is said
        lines.append(texts.VOICE_OTHER_READING.format(items_inline(other.items, ctx.catalogue)))
    if suggested:
        names = ", ".join(ctx.catalogue.name(code) for code in suggested)
        lines.append(texts.VOICE_MAYBE.format(names))
    if not result.items:
        return [Reply("\n".join([*lines, texts.VOICE_NOTHING_PLACED]))]
    if result.kinds() & _REFUSE:
        refused = [p.message for p in result.problems if p.kind in _REFUSE]
        return [Reply("\n".join([*lines, *refused, texts.ENTRY_RETYPE]))]
    # the words are the note: what the member said, as it was heard
    pending = {
        **reading_pending(ctx, result),
        "note": texts.VOICE_NOTE.format(words)[:NOTE_MAX],
        "ignored": [],  # spoken filler abounds; the words are shown on top already
    }
    ctx.conversation.start("confirm_entry", **pending)
    shown = summary(ctx, {**pending, "note": None})  # the words are already on top
    return [
        Reply(
            "\n".join([*lines, texts.VOICE_WILL_SAVE, shown, texts.VOICE_CHOOSE]),
            choices=(
                Choice(texts.BUTTON_SAVE, "entry:save", texts.WORDS_SAVE),
                Choice(texts.BUTTON_VOICE_FIX, "voice:fix", texts.WORDS_FIX),
                Choice(texts.BUTTON_CANCEL, "entry:cancel", texts.WORDS_CANCEL),
            ),
        )
    ]


def _doubts(result: ParseResult) -> list[str]:
    """Words not placed, and counts to check."""
    lines = []
    for problem in result.problems:
        if problem.kind == "unknown_word" or problem.kind == "bad_count":
            lines.append(problem.message)
        elif problem.kind == "large_count":
            lines.append(texts.VOICE_LARGE.format(problem.text))
    return lines


@router.choice("voice")
def fix_heard(ctx: Context, _answer: str) -> list[Reply]:
    """Let the member type the entry instead, starting from what was heard."""
    conv = ctx.conversation
    if conv.step != "confirm_entry" or not conv.data.get("items"):
        return [Reply(texts.CHOICE_EXPIRED)]
    example = typed_form(conv.data, ctx)
    conv.start("voice_fix")
    return [Reply(texts.VOICE_FIX.format(example))]


@router.step("voice_fix")
def typed_fix(ctx: Context, text: str) -> list[Reply]:
    """The typed entry after "Sửa": read like any other."""
    ctx.conversation.clear()
    return answer_entry(ctx, text, edit_id=None)


def typed_form(pending: dict[str, Any], ctx: Context) -> str:
    """The pending entry as a member would type it: "hôm qua vneid 3 sskdt 2 4 hộ @ ngõ 5"."""
    parts = []
    day = date.fromisoformat(pending["date"])
    if day != ctx.today:
        parts.append(day.strftime("%d/%m"))
    parts += [f"{code} {count}" for code, count in pending["items"].items()]
    if pending.get("households"):
        parts.append(f"{pending['households']} hộ")
    if pending.get("people"):
        parts.append(f"{pending['people']} người")
    if pending.get("location"):
        parts.append(f"@ {pending['location']}")
    return " ".join(parts)
