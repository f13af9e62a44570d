"""The web dashboard's ways in: a one-time login link asked for in chat, then a session.

A token is 32 random bytes (URL-safe); only its SHA-256 is stored. A link opens one
session, once, before it expires; a session lasts until it expires or its owner logs out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.models import Member, WebSession

LINK = "link"
SESSION = "session"
LINK_TTL = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=8)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(session: Session, member_id: int, kind: str, ttl: timedelta, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_hash(token),
            kind=kind,
            member_id=member_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    # what has expired goes, a day late: a link used or not tells nothing after that
    session.execute(delete(WebSession).where(col(WebSession.expires_at) < now - timedelta(days=1)))
    return token


def issue_link(session: Session, member_id: int, *, now: datetime) -> str:
    """A new login link's token for the member, valid for 15 minutes (the caller commits)."""
    return _issue(session, member_id, LINK, LINK_TTL, now)


def link_is_live(session: Session, token: str, *, now: datetime) -> bool:
    """True while the link is unused and unexpired (looking does not use it)."""
    stmt = select(WebSession.id).where(
        col(WebSession.token_hash) == _hash(token),
        col(WebSession.kind) == LINK,
        col(WebSession.used_at).is_(None),
        col(WebSession.expires_at) > now,
    )
    return session.exec(stmt).first() is not None


def redeem_link(session: Session, token: str, *, now: datetime) -> str | None:
    """The token of a new 8-hour session, or None when the link is unknown, used or expired.

    The link is marked used in one UPDATE that only an unused, live link matches: two
    clicks at once open one session (the caller commits).
    """
    used = session.execute(
        update(WebSession)
        .where(
            col(WebSession.token_hash) == _hash(token),
            col(WebSession.kind) == LINK,
            col(WebSession.used_at).is_(None),
            col(WebSession.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(WebSession.member_id))
    ).first()
    if used is None:
        return None
    return _issue(session, int(used[0]), SESSION, SESSION_TTL, now)


def session_member(session: Session, token: str, *, now: datetime) -> Member | None:
    """Whose session this is, while it lasts and the member has not been erased."""
    if not token:
        return None
    stmt = (
        select(Member)
        .join(WebSession, col(WebSession.member_id) == col(Member.id))
        .where(
            col(WebSession.token_hash) == _hash(token),
            col(WebSession.kind) == SESSION,
            col(WebSession.expires_at) > now,
            col(Member.erased_at).is_(None),
        )
    )
    return session.exec(stmt).first()


def end_session(session: Session, token: str) -> None:
    """Log out: the session's token stops working (the caller commits)."""
    session.execute(
        delete(WebSession).where(
            col(WebSession.token_hash) == _hash(token), col(WebSession.kind) == SESSION
        )
    )
