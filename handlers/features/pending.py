"""A log waiting to be saved: what a reading would save, kept in the conversation state
(JSON) until the member says yes, and shown to them as it will be saved."""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers import texts
from handlers.context import Context
from handlers.formatting import day_label, detail_lines
from handlers.parsing.quick_entry import ParseResult


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
    ignored: list[str] | None = None,
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
        "ignored": ignored or [],  # chatter left out of the reading, named when saved
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
        ignored=result.ignored(),
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
