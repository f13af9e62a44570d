"""The outbox: a message the bot starts itself is claimed by its key, then marked. Never commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import OutboxMessage


def claim(
    session: Session,
    *,
    key: str,
    kind: str,
    platform: str,
    chat_id: str,
    text: str,
    due_at: datetime,
    now: datetime,
    status: str = "claimed",
) -> OutboxMessage:
    """Add the row for one send; its unique key makes a second claim fail at flush."""
    row = OutboxMessage(
        key=key,
        kind=kind,
        platform=platform,
        chat_id=chat_id,
        text=text,
        due_at=due_at,
        status=status,
        attempts=0,
        claimed_at=now,
    )
    session.add(row)
    session.flush()
    return row


def reclaim(
    session: Session, key: str, *, max_attempts: int, now: datetime, stale_after: timedelta
) -> int | None:
    """Take a send back for another try (one worker wins); its row id, or None.

    A failed send is tried again; so is a claim older than `stale_after` that was never
    marked: the process that claimed it died before or while sending. That is the one
    window where a chat may get a message twice: the platform took it, then the process
    died before marking it sent (the mark follows each send at once).
    """
    retry = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.key) == key,
            col(OutboxMessage.status) == "failed",
            col(OutboxMessage.attempts) < max_attempts,
        )
        .values(status="claimed", claimed_at=now)
    )
    stale = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.key) == key,
            col(OutboxMessage.status) == "claimed",
            col(OutboxMessage.claimed_at) < now - stale_after,
            col(OutboxMessage.attempts) < max_attempts - 1,
        )
        .values(status="claimed", claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    if not any(session.execute(stmt).rowcount == 1 for stmt in (retry, stale)):  # type: ignore[attr-defined]
        return None
    row = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
    return row.id


def blocked_chats(session: Session) -> set[tuple[str, str]]:
    """(platform, chat id) of chats that blocked the bot: they are not tried again."""
    stmt = select(OutboxMessage.platform, OutboxMessage.chat_id).where(
        OutboxMessage.status == "blocked"
    )
    return {(platform, chat_id) for platform, chat_id in session.exec(stmt)}


def mark(
    session: Session, row_id: int, *, status: str, now: datetime, error: str | None = None
) -> None:
    """Record how a claimed send ended: sent, failed or blocked."""
    row = session.get_one(OutboxMessage, row_id)
    row.status, row.attempts, row.error = status, row.attempts + 1, error
    if status == "sent":
        row.sent_at = now
    session.add(row)
