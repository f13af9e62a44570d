"""How long what we keep is kept: the daily clean-up of answers, sent messages, web
sessions and failed invite attempts (never commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col

from storage import invites
from storage.models import InviteAttempt, OutboxMessage, ProcessedMessage, WebSession

_DONE = ("sent", "skipped", "blocked", "uncertain")  # outbox rows that will not be sent again
# a sent message's row outlives its text this long: the schedule plans sends up to 35 days
# back (a send waiting for its bot's quota), and the row is what stops it sending twice
_PLANNED_BACK = timedelta(days=36)


@dataclass(frozen=True)
class Purged:
    answers: int  # stored replies past the redelivery window
    texts: int  # sent messages whose text was cleared
    messages: int  # sent messages' rows removed
    web: int  # expired login links and dashboard sessions
    attempts: int  # wrong invite codes older than a day


def purge_expired(
    session: Session, *, now: datetime, message_days: int, outbox_days: int
) -> Purged:
    """Remove what is past its keeping time."""
    answers = session.execute(
        delete(ProcessedMessage).where(
            col(ProcessedMessage.created_at) < now - timedelta(days=message_days)
        )
    )
    old_sent = col(OutboxMessage.status).in_(_DONE) & (
        col(OutboxMessage.due_at) < now - timedelta(days=outbox_days)
    )
    texts = session.execute(
        update(OutboxMessage).where(old_sent, col(OutboxMessage.text) != "").values(text="")
    )
    messages = session.execute(
        delete(OutboxMessage).where(
            col(OutboxMessage.status).in_(_DONE),
            col(OutboxMessage.due_at) < now - max(_PLANNED_BACK, timedelta(days=outbox_days)),
        )
    )
    web = session.execute(delete(WebSession).where(col(WebSession.expires_at) < now))
    attempts = session.execute(
        delete(InviteAttempt).where(col(InviteAttempt.at) < now - invites.KEEP)
    )
    return Purged(
        answers=answers.rowcount,  # type: ignore[attr-defined]
        texts=texts.rowcount,  # type: ignore[attr-defined]
        messages=messages.rowcount,  # type: ignore[attr-defined]
        web=web.rowcount,  # type: ignore[attr-defined]
        attempts=attempts.rowcount,  # type: ignore[attr-defined]
    )
