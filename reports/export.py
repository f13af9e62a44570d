"""One export as the officer asks for it: the workbook written, and a line in the audit log
(the ward's workbook, or the city's)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from reports.city_workbook import City, CityWritten
from reports.scope import Scope
from reports.workbook import Progress, Written, write_workbook
from storage import audit


def export_workbook(
    session: Session,
    scope: Scope,
    path: Path,
    *,
    now: datetime,
    made_at: datetime,
    via: str,
    member_id: int | None = None,
    progress: Progress | None = None,
) -> Written:
    """Write the workbook and record who took which figures (the caller commits)."""
    written = write_workbook(session, scope, path, made_at=made_at, progress=progress)
    record_export(session, scope, written, now=now, via=via, member_id=member_id)
    return written


def record_export(
    session: Session,
    scope: Scope,
    written: Written,
    *,
    now: datetime,
    via: str,
    member_id: int | None = None,
) -> None:
    """The audit line of an export (written apart when the workbook was read read-only)."""
    audit.record(
        session,
        action="export",
        now=now,
        member_id=member_id,
        detail={
            "via": via,
            "ward_id": scope.ward_id,
            "team_ids": list(scope.team_ids) if scope.team_name else None,
            "start": scope.start.isoformat(),
            "end": scope.end.isoformat(),
            "logs": written.logs,
            "file": written.path.name,
        },
    )


def record_city_export(
    session: Session,
    city: City,
    written: CityWritten,
    *,
    now: datetime,
    via: str,
    member_id: int | None = None,
) -> None:
    """The audit line of the city's workbook: who took every ward's figures, for which days."""
    audit.record(
        session,
        action="export_city",
        now=now,
        member_id=member_id,
        detail={
            "via": via,
            "city": city.label,
            "start": city.start.isoformat(),
            "end": city.end.isoformat(),
            "wards": written.wards,
            "logs": written.logs,
            "file": written.path.name,
        },
    )
