"""The outbox: a message the bot starts itself is claimed by its key, then marked. Never commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.locks import LEASE_OF
from storage.models import OutboxMessage

QUOTA_SKIP = "quota"  # the error of a send skipped to keep the bot within its monthly quota
UNCERTAIN = "uncertain"  # the status of a send that left with no answer: never tried again


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
    bot: str = "",
    error: str | None = None,
    lease: str = "",
) -> OutboxMessage:
    """Add the row for one send; its unique key makes a second claim fail at flush."""
    row = OutboxMessage(
        claimed_by=lease,
        key=key,
        kind=kind,
        platform=platform,
        chat_id=chat_id,
        bot=bot,
        text=text,
        due_at=due_at,
        status=status,
        attempts=0,
        claimed_at=now,
        error=error,
    )
    session.add(row)
    session.flush()
    return row


def reclaim(
    session: Session,
    key: str,
    *,
    max_attempts: int,
    now: datetime,
    stale_after: timedelta,
    text: str | None = None,
    lease: str = "",
    gone: Collection[str] = (),
) -> tuple[int, int] | None:
    """Take a send back for another try (one worker wins): its row id and how many of its
    messages were delivered already (`progress`: the try sends the rest); None if not.

    A failed send is tried again, and so is one waiting for its bot's quota; so is a claim
    older than `stale_after` that was never marked: the process that claimed it died before
    or while sending, and so at once is one whose leader's lease is `gone` (storage/locks.py).
    That is the one window where a chat may get a message twice: the platform took one, then
    the process died before recording it (each message's progress, and the mark after the
    last, follow it at once). `lease`: the claimer's now.
    """
    retry = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.key) == key,
            (col(OutboxMessage.status) == "waiting")
            | (
                (col(OutboxMessage.status) == "failed")
                & (col(OutboxMessage.attempts) < max_attempts)
            ),
        )
        .values(status="claimed", claimed_at=now, claimed_by=lease)
    )
    stale = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.key) == key,
            col(OutboxMessage.status) == "claimed",
            (col(OutboxMessage.claimed_at) < now - stale_after)
            | col(OutboxMessage.claimed_by).in_(sorted(gone)),
            col(OutboxMessage.attempts) < max_attempts - 1,
        )
        .values(
            status="claimed", claimed_at=now, claimed_by=lease, attempts=OutboxMessage.attempts + 1
        )
    )
    if not any(session.execute(stmt).rowcount == 1 for stmt in (retry, stale)):  # type: ignore[attr-defined]
        return None
    row = session.exec(select(OutboxMessage).where(OutboxMessage.key == key)).one()
    if text:  # what goes out now (a send that waited was recorded before it had a text)
        row.text = text
        session.add(row)
    assert row.id is not None
    return row.id, row.parts_sent


def progress(session: Session, row_id: int, parts: int) -> None:
    """Record that the first `parts` messages of a claimed send were delivered."""
    session.execute(
        update(OutboxMessage).where(col(OutboxMessage.id) == row_id).values(parts_sent=parts)
    )


# the connections open now of those asked about, with their leases (storage/locks.py
# LEASE); a connection of another database user shows no start (NULL): its lease unknown
_LIVE = text(f"SELECT pid, {LEASE_OF} FROM pg_stat_activity WHERE pid IN :pids").bindparams(
    bindparam("pids", expanding=True)
)


def live_leases(session: Session, leases: Collection[str]) -> set[str]:
    """Which of these leaders' leases may still hold: their lock's connection is open, or a
    connection with its pid is, whose start this user cannot see. On SQLite (no leases), all."""
    if session.get_bind().dialect.name != "postgresql" or not leases:
        return set(leases)
    pids = sorted({int(lease.split("@", 1)[0]) for lease in leases})
    found = session.execute(_LIVE, {"pids": pids}).all()
    open_now = {str(lease) for _pid, lease in found if lease is not None}
    unknown = {str(pid) for pid, lease in found if lease is None}
    return {lease for lease in leases if lease in open_now or lease.split("@", 1)[0] in unknown}


def gone_leases(session: Session) -> set[str]:
    """The leases of claims not marked whose leader is gone: taken again at once."""
    stmt = select(OutboxMessage.claimed_by).where(
        OutboxMessage.status == "claimed", OutboxMessage.claimed_by != ""
    )
    claimers = set(session.exec(stmt.distinct()))
    return claimers - live_leases(session, claimers)


def blocked_chats(session: Session) -> set[tuple[str, str]]:
    """(platform, chat id) of chats that blocked the bot: they are not tried again."""
    stmt = select(OutboxMessage.platform, OutboxMessage.chat_id).where(
        OutboxMessage.status == "blocked"
    )
    return {(platform, chat_id) for platform, chat_id in session.exec(stmt)}


def mark(
    session: Session, row_id: int, *, status: str, now: datetime, error: str | None = None
) -> None:
    """Record how a claimed send ended: sent, failed, blocked, uncertain (it left and no
    answer came back: it may have arrived, so it is never tried again), or waiting (the bot
    is out of quota: not the chat's fault, so it costs no attempt)."""
    row = session.get_one(OutboxMessage, row_id)
    row.status, row.error = status, error
    if status != "waiting":
        row.attempts += 1
    if status == "sent":
        row.sent_at = now
    session.add(row)


def hold(session: Session, key: str, *, status: str, error: str | None, max_attempts: int) -> bool:
    """Turn an open send (waiting, or failed with tries left) into waiting or skipped; True
    when it was. A send given up after its tries stays given up."""
    stmt = (
        update(OutboxMessage)
        .where(col(OutboxMessage.key) == key, _open(max_attempts))
        .values(status=status, error=error)
    )
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def open_sends(session: Session, *, max_attempts: int) -> list[OutboxMessage]:
    """Sends not done yet: waiting for their bot to work again, or failed with tries left;
    oldest first."""
    stmt = select(OutboxMessage).where(_open(max_attempts))
    return list(session.exec(stmt.order_by(col(OutboxMessage.due_at))))


def open_summary(
    session: Session, *, max_attempts: int
) -> dict[tuple[str, str], tuple[int, datetime]]:
    """Per (platform, bot): how many sends are not done yet, and when the oldest was due."""
    stmt = (
        select(
            OutboxMessage.platform,
            OutboxMessage.bot,
            func.count(),
            func.min(OutboxMessage.due_at),
        )
        .where(_open(max_attempts))
        .group_by(col(OutboxMessage.platform), col(OutboxMessage.bot))
    )
    # min() keeps the column's type: an aware UTC datetime on both databases
    return {(platform, bot): (int(n), due) for platform, bot, n, due in session.exec(stmt)}


def _open(max_attempts: int) -> Any:
    return (col(OutboxMessage.status) == "waiting") | (
        (col(OutboxMessage.status) == "failed") & (col(OutboxMessage.attempts) < max_attempts)
    )


def finished(session: Session, keys: list[str], *, max_attempts: int) -> set[str]:
    """Which of these sends need nothing more: sent, skipped, blocked, uncertain, given up,
    or being sent right now."""
    done: set[str] = set()
    for start in range(0, len(keys), 500):
        stmt = select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.attempts).where(
            col(OutboxMessage.key).in_(keys[start : start + 500])
        )
        for key, status, attempts in session.exec(stmt):
            if status != "waiting" and (status != "failed" or attempts >= max_attempts):
                done.add(key)
    return done


def settled(
    session: Session,
    keys: list[str],
    *,
    now: datetime,
    stale_after: timedelta,
    max_attempts: int,
    gone: Collection[str] = (),
) -> set[str]:
    """Which of these sends no tick can take again (outbox.reclaim): sent, skipped, blocked,
    uncertain, given up, or claimed by a worker still alive (its claim not yet stale, its
    leader's lease not `gone`). A tick leaves them before it works out their text and
    chart: after Monday's round, the next ticks of the week would otherwise do every tally
    again to find it sent."""
    done: set[str] = set()
    for start in range(0, len(keys), 500):
        stmt = sa_select(
            col(OutboxMessage.key),
            col(OutboxMessage.status),
            col(OutboxMessage.attempts),
            col(OutboxMessage.claimed_at),
            col(OutboxMessage.claimed_by),
        ).where(col(OutboxMessage.key).in_(keys[start : start + 500]))
        for key, status, attempts, claimed_at, lease in session.execute(stmt):
            if status == "waiting" or (status == "failed" and attempts < max_attempts):
                continue  # tried again
            orphaned = claimed_at < now - stale_after or lease in gone
            stale = orphaned and attempts < max_attempts - 1
            if status == "claimed" and stale:
                continue  # its worker died: taken again
            done.add(key)
    return done


def quota_skips(
    session: Session, since: datetime, until: datetime | None = None
) -> dict[tuple[str, str], int]:
    """Scheduled sends skipped for a bot's quota since `since` (and before `until`), per
    (platform, bot)."""
    stmt = (
        select(OutboxMessage.platform, OutboxMessage.bot, func.count())
        .where(
            OutboxMessage.status == "skipped",
            OutboxMessage.error == QUOTA_SKIP,
            col(OutboxMessage.due_at) >= since,
        )
        .group_by(col(OutboxMessage.platform), col(OutboxMessage.bot))
    )
    if until is not None:
        stmt = stmt.where(col(OutboxMessage.due_at) < until)
    return {(platform, bot): int(n) for platform, bot, n in session.exec(stmt)}


def uncertain_counts(session: Session) -> dict[tuple[str, str], int]:
    """Sends kept as uncertain per (platform, bot): they left and no answer came back, so
    nobody knows whether the chat has them (they are not sent again)."""
    stmt = (
        select(OutboxMessage.platform, OutboxMessage.bot, func.count())
        .where(OutboxMessage.status == UNCERTAIN)
        .group_by(col(OutboxMessage.platform), col(OutboxMessage.bot))
    )
    return {(platform, bot): int(n) for platform, bot, n in session.exec(stmt)}


def waiting_counts(session: Session) -> dict[tuple[str, str], int]:
    """Sends waiting per (platform, bot)."""
    stmt = (
        select(OutboxMessage.platform, OutboxMessage.bot, func.count())
        .where(OutboxMessage.status == "waiting")
        .group_by(col(OutboxMessage.platform), col(OutboxMessage.bot))
    )
    return {(platform, bot): int(n) for platform, bot, n in session.exec(stmt)}
