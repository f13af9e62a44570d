"""/dangkymohinh: a unit registers a digital-transformation model, field by field.

The six questions are the columns of the ward directive's table (Tên mô hình, Nội dung hoạt
động, Cách thức hoạt động, Thành viên tham gia, Hiệu quả mang lại, Kinh phí hoạt động);
where the directive gives choices they are buttons (numbered lines on Zalo), any typed
answer is taken too. A summary comes before saving, and any field can be changed there.
`/sua` (from a unit's representative) opens a saved model the same way, until the last day
of the ward's registration deadline.
"""

from __future__ import annotations

from datetime import date, timedelta

from handlers import texts
from handlers.context import Context
from handlers.formatting import day_text
from handlers.messages import Choice, Reply
from handlers.router import Router
from reports import labels as L
from storage import deadlines, units
from storage.models import MODEL_FIELD_MAX, Audience, ModelRegistration, Role, Unit

router = Router()
STEP = "model"
FIELDS = units.FIELDS
LABELS = dict(zip(FIELDS, L.MODEL_HEADS[1:], strict=True))  # the directive's own headings
_OPTIONS = {"method": texts.MODEL_METHODS, "budget": texts.MODEL_BUDGETS}


@router.command("dangkymohinh", "dangky", role=Role.UNIT, only=True)
def start_registration(ctx: Context, _args: str) -> list[Reply]:
    """Ask the six fields of a new model, one at a time."""
    unit = _my_unit(ctx)
    if unit is None:
        return [Reply(texts.UNIT_NOT_FOUND)]
    ctx.conversation.start(STEP, stage=FIELDS[0], values={}, model_id=None, review=False)
    return [_ask(ctx, unit)]


def edit_models(ctx: Context) -> list[Reply]:
    """/sua from a representative: the unit's model to change (a choice when several)."""
    unit = _my_unit(ctx)
    if unit is None or unit.id is None:
        return [Reply(texts.UNIT_NOT_FOUND)]
    closed = _closed_since(ctx, unit)
    if closed is not None:
        return [Reply(texts.MODEL_CLOSED.format(day=day_text(closed)))]
    saved = units.models_of_unit(ctx.uow.session, unit.id)
    if not saved:
        return [Reply(texts.MODEL_NONE_YET)]
    if len(saved) == 1:
        return _open(ctx, unit, saved[0])
    options = tuple(Choice(m.name, f"model:open:{m.id}") for m in saved)
    return [Reply(texts.MODEL_WHICH.format(n=len(saved)), choices=options)]


def _open(ctx: Context, unit: Unit, model: ModelRegistration) -> list[Reply]:
    values = {field: getattr(model, field) for field in FIELDS}
    ctx.conversation.start(STEP, stage="confirm", values=values, model_id=model.id, review=True)
    return [_ask(ctx, unit)]


@router.choice("model", role=Role.UNIT, only=True)
def choose(ctx: Context, arg: str) -> list[Reply]:
    """A button (or its number) in the registration."""
    unit = _my_unit(ctx)
    if unit is None or unit.id is None:
        return [Reply(texts.UNIT_NOT_FOUND)]
    action, _, value = arg.partition(":")
    if action == "open" and value.isdigit():
        found = ctx.uow.session.get(ModelRegistration, int(value))
        if found is None or found.unit_id != unit.id or found.deleted_at is not None:
            return [Reply(texts.MODEL_GONE)]
        return _open(ctx, unit, found)
    conv = ctx.conversation
    if conv.step != STEP:
        return [Reply(texts.CHOICE_EXPIRED)]
    data = conv.data
    if action == "pick" and value.isdigit():
        options = _suggestions(data["stage"], unit)
        if int(value) < len(options):
            return _answer(ctx, unit, options[int(value)])
    if action == "field" and value in FIELDS:
        data["stage"], data["review"] = value, True
        return [_ask(ctx, unit)]
    if action == "change":
        data["stage"] = "field"
        return [_ask(ctx, unit)]
    if action == "save" and set(FIELDS) <= data["values"].keys():
        return _save(ctx, unit)
    if action == "cancel":
        conv.clear()
        return [Reply(texts.MODEL_CANCELLED)]
    return [_ask(ctx, unit)]


@router.step(STEP, role=Role.UNIT, only=True)
def answer(ctx: Context, text: str) -> list[Reply]:
    """A typed answer to the question asked."""
    unit = _my_unit(ctx)
    if unit is None:
        return [Reply(texts.UNIT_NOT_FOUND)]
    if ctx.conversation.data["stage"] in FIELDS:
        return _answer(ctx, unit, text)
    return [_ask(ctx, unit)]


def _answer(ctx: Context, unit: Unit, text: str) -> list[Reply]:
    data = ctx.conversation.data
    value = " ".join(text.split())  # the engine has blanked out any personal number
    if not value:
        return [Reply(texts.MODEL_EMPTY), _ask(ctx, unit)]
    if len(value) > MODEL_FIELD_MAX:
        too_long = texts.MODEL_TOO_LONG.format(n=len(value), limit=MODEL_FIELD_MAX)
        return [Reply(too_long), _ask(ctx, unit)]
    data["values"][data["stage"]] = value
    following = FIELDS.index(data["stage"]) + 1
    data["stage"] = "confirm" if data["review"] or following == len(FIELDS) else FIELDS[following]
    return [_ask(ctx, unit)]


def _ask(ctx: Context, unit: Unit) -> Reply:
    """The question of the current stage: a field, which field to change, or the summary."""
    data = ctx.conversation.data
    stage = data["stage"]
    if stage in FIELDS:
        options = _suggestions(stage, unit)
        choices = tuple(Choice(label, f"model:pick:{n}") for n, label in enumerate(options))
        return Reply(texts.MODEL_ASK[stage], choices=choices)
    if stage == "field":
        choices = tuple(Choice(LABELS[f], f"model:field:{f}") for f in FIELDS)
        return Reply(texts.MODEL_WHICH_FIELD, choices=choices)
    lines = "\n".join(
        texts.MODEL_SUMMARY_LINE.format(n=n, label=LABELS[f], value=data["values"][f])
        for n, f in enumerate(FIELDS, start=1)
    )
    return Reply(
        texts.MODEL_SUMMARY.format(unit=unit.name, lines=lines),
        choices=(
            Choice(texts.BUTTON_SAVE, "model:save"),
            Choice(texts.BUTTON_CHANGE, "model:change"),
            Choice(texts.BUTTON_CANCEL, "model:cancel"),
        ),
    )


def _suggestions(stage: str, unit: Unit) -> tuple[str, ...]:
    if stage == "name":
        return texts.MODEL_NAMES.get(unit.kind, texts.MODEL_NAMES["other"])
    return _OPTIONS.get(stage, ())


def _save(ctx: Context, unit: Unit) -> list[Reply]:
    data = ctx.conversation.data
    assert unit.id is not None
    model_id = data.get("model_id")
    last_day = _last_day(ctx, unit)
    closed = last_day if last_day is not None and ctx.today > last_day else None
    if model_id is not None and closed is not None:
        ctx.conversation.clear()
        return [Reply(texts.MODEL_CLOSED.format(day=day_text(closed)))]
    try:
        model = units.save_model(
            ctx.uow.session,
            unit_id=unit.id,
            values=data["values"],
            member_id=ctx.member_id,
            now=ctx.now,
            model_id=model_id,
        )
    except LookupError:
        ctx.conversation.clear()
        return [Reply(texts.MODEL_GONE)]
    ctx.conversation.clear()
    done = texts.MODEL_UPDATED if model_id is not None else texts.MODEL_SAVED
    lines = [done.format(name=model.name, unit=unit.name)]
    if closed is not None:
        lines.append(texts.MODEL_LATE.format(day=day_text(closed)))
    elif last_day is not None:
        lines.append(texts.MODEL_CHANGE_UNTIL.format(day=day_text(last_day)))
    else:
        lines.append(texts.MODEL_CHANGE_ANYTIME)
    return [Reply("\n".join(lines))]


def _my_unit(ctx: Context) -> Unit | None:
    """The unit this representative stands for (the routes let only representatives in)."""
    return units.unit_of(ctx.uow.session, ctx.member_id)


def _last_day(ctx: Context, unit: Unit) -> date | None:
    """The last day to register: the day before the ward's one-off units deadline, if any."""
    days = [
        d.before - timedelta(days=1)
        for d in deadlines.deadlines_of_ward(ctx.uow.session, unit.ward_id)
        if d.audience == Audience.UNITS and d.repeat == "once"
    ]
    return max(days) if days else None


def _closed_since(ctx: Context, unit: Unit) -> date | None:
    """The last day to register, when it has passed (saved models can no longer change)."""
    last_day = _last_day(ctx, unit)
    return last_day if last_day is not None and ctx.today > last_day else None
