"""The audit log: who exported, imported or erased what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    action: str,
    now: datetime,
    member_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one line to the audit log (never citizens' data)."""
    session.add(AuditEntry(at=now, member_id=member_id, action=action, detail=detail or {}))


def last_of(session: Session, actions: tuple[str, ...]) -> AuditEntry | None:
    """The newest line of these actions."""
    stmt = select(AuditEntry).where(col(AuditEntry.action).in_(actions))
    return session.exec(stmt.order_by(col(AuditEntry.at).desc()).limit(1)).first()


def entries_since(session: Session, action: str, since: datetime) -> list[AuditEntry]:
    """The lines of one action from `since` on, oldest first."""
    stmt = select(AuditEntry).where(AuditEntry.action == action, col(AuditEntry.at) >= since)
    return list(session.exec(stmt.order_by(col(AuditEntry.at))))
