"""The database's own door against citizens' numbers: every free text a person typed is
scrubbed as it is written, whichever path brought it (chat, roster import, command line,
dashboard), so no path can forget to.

Usage: imported by `storage.uow`; nothing to call. A row added or changed through a session
has its free-text fields passed through the one scrubber (`storage.personal`) at flush.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from storage.models import (
    Campaign,
    ChatIdentity,
    Deadline,
    GroupChat,
    Member,
    ModelRegistration,
    ProcessedMessage,
    ResidentialGroup,
    SupportLog,
    Team,
    Unit,
    Ward,
)
from storage.personal import scrub, tidy

# what people type into, by table; the member's own phone is theirs to give, not a citizen's
ONE_LINE: dict[type[Any], tuple[str, ...]] = {
    Ward: ("name",),
    ResidentialGroup: ("name",),
    Team: ("name",),
    Member: ("name",),
    ChatIdentity: ("display_name",),
    GroupChat: ("title",),
    Deadline: ("name",),
    Unit: ("name",),
    Campaign: ("name", "created_by"),
}
LINES: dict[type[Any], tuple[str, ...]] = {  # may hold line breaks: kept
    Member: ("note",),
    SupportLog: ("place", "note"),
    ModelRegistration: ("name", "content", "method", "participants", "results", "budget"),
}
# answers kept for a redelivery, as `Reply.to_dict` wrote them: their texts and the labels
# of their buttons may echo what someone typed
REPLIES: dict[type[Any], tuple[str, ...]] = {ProcessedMessage: ("replies",)}
_SPACES = re.compile(r"[ \t]+")


def scrubbed(value: str, *, lines: bool) -> str | None:
    """`value` with every personal number blanked out, or None when it holds none."""
    clean, found = scrub(tidy(value))
    if not found:
        return None
    if not lines:
        return " ".join(clean.split())
    kept = (_SPACES.sub(" ", line).strip() for line in clean.split("\n"))
    return "\n".join(line for line in kept if line)


@event.listens_for(Session, "before_flush")
def _scrub_what_is_written(session: Session, _context: Any, _instances: Any) -> None:
    """Blank out personal numbers in every free text about to be written."""
    for row in (*session.new, *session.dirty):
        for fields, lines in (
            (ONE_LINE.get(type(row), ()), False),
            (LINES.get(type(row), ()), True),
        ):
            for name in fields:
                value = getattr(row, name, None)
                if isinstance(value, str) and value:
                    clean = scrubbed(value, lines=lines)
                    if clean is not None:
                        setattr(row, name, clean)
        for name in REPLIES.get(type(row), ()):
            replies = getattr(row, name, None)
            if replies:
                clean_replies = _scrubbed_replies(replies)
                if clean_replies is not None:
                    setattr(row, name, clean_replies)


def _scrubbed_replies(replies: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Kept answers with every personal number blanked out of their texts and button
    labels (a new list, so the change is written), or None when they hold none."""
    changed = False
    kept: list[dict[str, Any]] = []
    for reply in replies:
        reply = dict(reply)
        text = reply.get("text")
        if isinstance(text, str) and (clean := scrubbed(text, lines=True)) is not None:
            reply["text"], changed = clean, True
        choices = []
        for choice in reply.get("choices") or ():
            label = choice.get("label") if isinstance(choice, dict) else None
            if isinstance(label, str) and (clean := scrubbed(label, lines=False)) is not None:
                choice, changed = {**choice, "label": clean}, True
            choices.append(choice)
        if choices:
            reply["choices"] = choices
        kept.append(reply)
    return kept if changed else None
