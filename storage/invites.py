"""Using an invite code: once only, and not by guessing. Never commits.

A code is marked used by one UPDATE that only an unused, live code matches: two people
agreeing at the same moment on two workers link one chat account. Wrong codes are counted
per chat account in `invite_attempt` (kept a day), so every worker applies the same limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from storage.models import InviteAttempt, InviteCode
from storage.personal import keyed

MAX_FAILED = 10  # wrong codes a chat account may type…
WINDOW = timedelta(hours=1)  # …within this long
KEEP = timedelta(days=1)  # failed attempts older than this are removed


def attempt_ref(secret: bytes, platform: str, user_id: str) -> str:
    """How `invite_attempt` names a chat account: a keyed hash, no chat id."""
    return keyed(secret, f"invite {platform}:{user_id}")


def redeem(session: Session, code: str, *, now: datetime) -> int | None:
    """Mark an unused, unexpired code used now and give its member's id; None when it was
    used meanwhile (or expired): only one of two at once gets the member."""
    used = session.execute(
        update(InviteCode)
        .where(
            col(InviteCode.code) == code,
            col(InviteCode.used_at).is_(None),
            col(InviteCode.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(InviteCode.member_id))
    ).first()
    return None if used is None else int(used[0])


def blocked_until(session: Session, who: str, *, now: datetime) -> datetime | None:
    """When this chat account may type a code again, or None when it may now."""
    stmt = (
        select(InviteAttempt.at)
        .where(col(InviteAttempt.who) == who, col(InviteAttempt.at) > now - WINDOW)
        .order_by(col(InviteAttempt.at).desc())
        .limit(MAX_FAILED)
    )
    recent = list(session.exec(stmt))
    if len(recent) < MAX_FAILED:
        return None
    return recent[-1] + WINDOW  # the oldest of the last ten leaves the hour then


def record_failure(session: Session, who: str, *, now: datetime) -> int:
    """Count a wrong code; the number this chat account typed within the hour. Attempts
    older than a day are removed on the way."""
    session.execute(delete(InviteAttempt).where(col(InviteAttempt.at) < now - KEEP))
    session.add(InviteAttempt(who=who, at=now))
    session.flush()
    stmt = (
        select(func.count())
        .select_from(InviteAttempt)
        .where(col(InviteAttempt.who) == who, col(InviteAttempt.at) > now - WINDOW)
    )
    return int(session.exec(stmt).one())
