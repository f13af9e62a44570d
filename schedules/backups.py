"""The daily backup: once a day after `[backup] time`, by the scheduler's leader only, with
its result in the log and the audit table (the dashboard shows the last one), and backups
older than `keep_days` removed."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import select

from reports.scope import _slug
from storage.audit import entries_since, record
from storage.backup import POSTGRES_SUFFIX, SQLITE_SUFFIX, back_up
from storage.models import Ward
from storage.uow import UowFactory

log = logging.getLogger(__name__)
DONE, FAILED = "backup", "backup_failed"


@dataclass(frozen=True)
class BackupPlan:
    folder: Path
    at: str = "02:00"  # local time, HH:MM
    keep_days: int = 14


def daily_backup(
    db: Engine, uow: UowFactory, plan: BackupPlan, *, now: datetime, zone: ZoneInfo
) -> Path | None:
    """Back up if today's backup is due and not done (nor failed) yet; the file, or None."""
    local = now.astimezone(zone)
    hour, minute = (int(part) for part in plan.at.split(":"))
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if local < due:
        return None
    with uow() as unit:
        since = due.astimezone(now.tzinfo)
        if entries_since(unit.session, DONE, since) or entries_since(unit.session, FAILED, since):
            return None  # done today, or failed today and already reported once
        wards = [w.name for w in unit.session.exec(select(Ward))]
    label = backup_label(wards)
    try:
        path = back_up(db, plan.folder, label=label, now=local)
    except Exception as exc:
        log.exception("backup failed")
        with uow() as unit:
            record(unit.session, action=FAILED, now=now, detail={"error": type(exc).__name__})
            unit.commit()
        return None
    size = path.stat().st_size
    with uow() as unit:
        record(unit.session, action=DONE, now=now, detail={"file": path.name, "bytes": size})
        unit.commit()
    removed = prune(plan.folder, keep_days=plan.keep_days)
    log.info("backup file=%s bytes=%d removed_old=%d", path.name, size, removed)
    return path


def prune(folder: Path, *, keep_days: int, now: float | None = None) -> int:
    """Remove our backups older than `keep_days`; how many went."""
    limit = (now if now is not None else time.time()) - keep_days * 86400
    removed = 0
    for path in folder.glob("gotungnha-*"):
        if path.name.endswith((SQLITE_SUFFIX, POSTGRES_SUFFIX)) and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def backup_label(wards: list[str]) -> str:
    """What a backup's name says it holds: the ward (no diacritics, no spaces)."""
    return _slug(wards[0]) if len(wards) == 1 else "nhieu-phuong" if wards else "trong"
