"""/ghi: guided entry, one question at a time, for members who prefer to choose."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.features.entries import answer_entry, save_entry
from handlers.features.pending import pending_entry, summary
from handlers.formatting import day_text, items_lines
from handlers.messages import Choice, Reply
from handlers.parsing.dates import date_problem
from handlers.parsing.normalize import Kind, tokenize
from handlers.parsing.numbers import read_number
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
    if stage == "day":  # "2" typed is Hôm qua; a day typed in words is read as well
        return Reply(texts.GUIDED_DAY, choices=_DAY_CHOICES)
    if stage == "day_typed":  # no choices: "5" or "05/12" typed here is a day, never an option
        return Reply(texts.GUIDED_DAY_TYPE)
    # here a typed number is an answer, so "Bỏ qua" is typed as words (or 0), not as 1
    if stage == "households":
        return Reply(texts.GUIDED_HOUSEHOLDS, choices=(skip,), numbered=False)
    if stage == "place":
        return Reply(texts.GUIDED_PLACE, choices=(skip,), numbered=False)
    if stage == "photo":
        return Reply(texts.GUIDED_PHOTO, choices=(skip,), numbered=False)
    return Reply(
        texts.GUIDED_CONFIRM.format(summary=summary(ctx, _pending(ctx))),
        choices=(Choice(texts.BUTTON_SAVE, "ghi:save"), Choice(texts.BUTTON_CANCEL, "ghi:cancel")),
    )


_DAY_CHOICES = (
    Choice(texts.BUTTON_TODAY, "ghi:day:0"),
    Choice(texts.BUTTON_YESTERDAY, "ghi:day:1"),
    Choice(texts.BUTTON_OTHER_DAY, "ghi:day:other"),
)
_NEXT = {"households": "place", "place": "photo", "photo": "confirm"}
# a unit typed after the number is fine: "3 người", "4 hộ"
_UNITS = {"count": frozenset({"nguoi", "ng", "luot"}), "households": frozenset({"ho"})}


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
        return _go(ctx, "day")
    if action == "day" and data["stage"] in ("day", "day_typed"):
        if value == "other":
            return _go(ctx, "day_typed")
        if value in ("0", "1"):
            return _set_day(ctx, ctx.today - timedelta(days=int(value)))
    if action == "skip" and data["stage"] in _NEXT:
        return _go(ctx, _NEXT[data["stage"]])
    if action == "save" and data["items"]:
        refused = _day_refused(ctx, _day(ctx))  # the day may have grown too old meanwhile
        if refused:
            data["stage"], data["day_again"] = "day", True
            return [Reply(refused), _ask(ctx)]
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
    """Typed answers: a count, a day, a number of households, a place, a photo."""
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
    number = _typed_number(text, _UNITS[stage]) if stage in _UNITS else None
    if number is not None:
        if stage == "count":
            return _add_count(ctx, number)
        if MIN_COUNT <= number <= MAX_COUNT:
            data["households"] = number
            return _go(ctx, "place")
        return [Reply(texts.GUIDED_COUNT_RANGE), _ask(ctx)]
    if stage in ("day", "day_typed") and text:
        day = _typed_day(ctx, text)
        if day is not None:
            refused = _day_refused(ctx, day)
            if refused:
                data["stage"] = "day_typed"
                return [Reply(refused), _ask(ctx)]
            return _set_day(ctx, day)
    if stage == "place" and text:
        data["place"] = " ".join(text.split())[:500] or None  # personal numbers blanked
        return _go(ctx, "photo")
    if stage == "photo" and ctx.incoming.photo:
        data["photo"] = ctx.incoming.photo
        return _go(ctx, "confirm")
    return [Reply(texts.GUIDED_NOT_UNDERSTOOD), _ask(ctx)]


def _typed_number(text: str, units: frozenset[str]) -> int | None:
    """A count typed in digits or words ("12", "mười hai", "hai muoi mốt người"), else None."""
    tokens = tokenize(text)
    if len(tokens) > 1 and tokens[-1].kind is Kind.WORD and tokens[-1].key in units:
        tokens = tokens[:-1]
    if len(tokens) == 1 and tokens[0].kind is Kind.NUM:
        return int(tokens[0].raw)  # negative too: answered as out of range
    value, width = read_number(tokens, 0)
    return value if tokens and width == len(tokens) else None


def _typed_day(ctx: Context, text: str) -> date | None:
    """The day a message that says only a day means ("hôm kia", "thứ 2", "05/12"), else None."""
    result = parse_quick_entry(text, today=ctx.today, catalogue=ctx.catalogue)
    said_more = result.items or result.households or result.people or result.location
    if not result.day_typed or said_more or result.note is not None:
        return None
    if result.kinds() - {"no_service", "future_date", "too_old"}:
        return None  # an impossible date (31/02) or a word besides the day
    return result.date


def _day_refused(ctx: Context, day: date) -> str | None:
    """Why a day cannot be logged (future, or more than 31 days back), or None."""
    kind = date_problem(day, today=ctx.today)
    if kind is None:
        return None
    message = texts.PROBLEM_FUTURE_DATE if kind == "future_date" else texts.PROBLEM_TOO_OLD
    return message.format(day_text(day))


def _set_day(ctx: Context, day: date) -> list[Reply]:
    data = ctx.conversation.data
    data["day"] = day.isoformat()
    # asked again at the save: the rest was answered already, so back to the summary
    return _go(ctx, "confirm" if data.pop("day_again", False) else "households")


def _day(ctx: Context) -> date:
    """The day chosen (today in a conversation begun before the day was asked)."""
    chosen = ctx.conversation.data.get("day")
    return date.fromisoformat(chosen) if chosen else ctx.today


def _pending(ctx: Context) -> dict[str, Any]:
    data = ctx.conversation.data
    return pending_entry(
        ctx,
        data["items"],
        day=_day(ctx),
        households=data.get("households"),
        location=data.get("place"),
        photo=data.get("photo"),
    )
