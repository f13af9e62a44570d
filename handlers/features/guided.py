"""/ghi: guided entry, one question at a time, for members who prefer to choose."""

from __future__ import annotations

from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.features.entries import answer_entry, pending_entry, save_entry
from handlers.formatting import detail_lines, items_lines
from handlers.messages import Choice, Reply
from handlers.parsing.quick_entry import MAX_COUNT, MIN_COUNT, parse_quick_entry
from handlers.router import Router

router = Router()
STEP = "ghi"


@router.command("ghi")
def start_guided(ctx: Context, args: str) -> list[Reply]:
    """Start guided entry; `/ghi vneid 3` is a quick entry."""
    if args:
        return answer_entry(ctx, args, edit_id=None)
    ctx.conversation.start(STEP, stage="service", items={})
    return [_ask(ctx)]


def _ask(ctx: Context) -> Reply:
    """The question of the current stage."""
    data = ctx.conversation.data
    stage = data["stage"]
    skip = Choice(texts.BUTTON_SKIP, "ghi:skip")
    if stage == "service":
        options = [Choice(s.name, f"ghi:svc:{s.code}") for s in ctx.catalogue.active]
        if data["items"]:
            options.append(Choice(texts.BUTTON_DONE, "ghi:done"))
        return Reply(texts.GUIDED_SERVICE, choices=tuple(options))
    if stage == "count":
        name = ctx.catalogue.name(data["current"])
        return Reply(
            texts.GUIDED_COUNT.format(service=name),
            choices=tuple(Choice(str(n), f"ghi:count:{n}") for n in range(1, 6)),
            numbered=False,  # "3" typed is the count 3 whatever the buttons are
        )
    if stage == "more":
        lines = "\n".join(items_lines(data["items"], ctx.catalogue))
        return Reply(
            texts.GUIDED_MORE.format(items=lines),
            choices=(
                Choice(texts.BUTTON_ADD_SERVICE, "ghi:more"),
                Choice(texts.BUTTON_NEXT, "ghi:done"),
            ),
        )
    # here a typed number is an answer, so "Bỏ qua" is typed as words (or 0), not as 1
    if stage == "households":
        return Reply(texts.GUIDED_HOUSEHOLDS, choices=(skip,), numbered=False)
    if stage == "place":
        return Reply(texts.GUIDED_PLACE, choices=(skip,), numbered=False)
    if stage == "photo":
        return Reply(texts.GUIDED_PHOTO, choices=(skip,), numbered=False)
    return Reply(
        texts.GUIDED_CONFIRM.format(summary=_summary_lines(ctx)),
        choices=(Choice(texts.BUTTON_SAVE, "ghi:save"), Choice(texts.BUTTON_CANCEL, "ghi:cancel")),
    )


def _summary_lines(ctx: Context) -> str:
    data = ctx.conversation.data
    details = detail_lines(
        ctx.catalogue,
        data["items"],
        households=data.get("households"),
        place=data.get("place"),
        photo=bool(data.get("photo")),
    )
    return "\n".join(details)


_NEXT = {"households": "place", "place": "photo", "photo": "confirm"}


def _go(ctx: Context, stage: str) -> list[Reply]:
    ctx.conversation.data["stage"] = stage
    return [_ask(ctx)]


@router.choice("ghi")
def choose(ctx: Context, arg: str) -> list[Reply]:
    """A button (or number) at the current question."""
    conv = ctx.conversation
    if conv.step != STEP:
        return [Reply(texts.CHOICE_EXPIRED)]
    data = conv.data
    action, _, value = arg.partition(":")
    if action == "svc" and ctx.catalogue.get(value):
        data["current"] = value
        return _go(ctx, "count")
    if action == "count" and value.isdigit():
        return _add_count(ctx, int(value))
    if action == "more":
        return _go(ctx, "service")
    if action == "done" and data["items"]:
        return _go(ctx, "households")
    if action == "skip" and data["stage"] in _NEXT:
        return _go(ctx, _NEXT[data["stage"]])
    if action == "save" and data["items"]:
        return save_entry(ctx, _pending(ctx))
    if action == "cancel":
        conv.clear()
        return [Reply(texts.STEP_CANCELLED)]
    return [_ask(ctx)]


def _add_count(ctx: Context, count: int) -> list[Reply]:
    data = ctx.conversation.data
    if not MIN_COUNT <= count <= MAX_COUNT:
        return [Reply(texts.GUIDED_COUNT_RANGE), _ask(ctx)]
    code = data.pop("current")
    data["items"][code] = data["items"].get(code, 0) + count
    return _go(ctx, "more")


@router.step(STEP)
def answer(ctx: Context, text: str) -> list[Reply]:
    """Typed answers: a count, a number of households, a place, a photo."""
    data = ctx.conversation.data
    stage = data["stage"]
    if stage == "service" and text:
        result = parse_quick_entry(text, today=ctx.today, catalogue=ctx.catalogue)
        if result.items and not result.kinds() & {"unknown_word", "large_count", "bad_count"}:
            for code, n in result.items.items():
                data["items"][code] = data["items"].get(code, 0) + n
            return _go(ctx, "more")
    if stage in _NEXT and text == "0":
        return _go(ctx, _NEXT[stage])
    if stage in ("count", "households") and text.isdigit():
        if stage == "count":
            return _add_count(ctx, int(text))
        if MIN_COUNT <= int(text) <= MAX_COUNT:
            data["households"] = int(text)
            return _go(ctx, "place")
        return [Reply(texts.GUIDED_COUNT_RANGE), _ask(ctx)]
    if stage == "place" and text:
        data["place"] = " ".join(text.split())[:500] or None  # personal numbers blanked
        return _go(ctx, "photo")
    if stage == "photo" and ctx.incoming.photo:
        data["photo"] = ctx.incoming.photo
        return _go(ctx, "confirm")
    return [Reply(texts.GUIDED_NOT_UNDERSTOOD), _ask(ctx)]


def _pending(ctx: Context) -> dict[str, Any]:
    data = ctx.conversation.data
    return pending_entry(
        ctx,
        data["items"],
        day=ctx.today,
        households=data.get("households"),
        location=data.get("place"),
        photo=data.get("photo"),
    )
