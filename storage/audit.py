"""The audit log: who exported, imported or erased what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

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
