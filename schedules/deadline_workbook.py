"""The workbook a deadline's last day brings, unasked: the ward's to officers, a team's to leaders.

It covers the report's period up to the last day: the quarter for a quarterly report, the
year from 1 January for a yearly one. One-off deadlines bring none (schedules/planner.py).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers import texts
from handlers.formatting import day_text
from reports.scope import Scope, team_scope, ward_scope
from reports.workbook import Written, write_workbook
from schedules.planner import PlannedSend
from storage.models import Ward
from storage.targets import period_start


def first_day(send: PlannedSend) -> date:
    """The first day the workbook covers."""
    assert send.last_day is not None
    return period_start("year" if send.repeat == "yearly" else "quarter", send.last_day)


def _scope(session: Session, send: PlannedSend) -> Scope:
    assert send.last_day is not None and send.ward_id is not None
    start = first_day(send)
    if send.team_id is not None:
        return team_scope(session, send.team_id, start=start, end=send.last_day)
    ward = session.get_one(Ward, send.ward_id)
    return ward_scope(session, ward, start=start, end=send.last_day)


def workbook_text(session: Session, send: PlannedSend) -> str:
    """The message that comes with the workbook."""
    assert send.last_day is not None
    scope = _scope(session, send)
    period = texts.EXPORT_PERIOD.format(start=day_text(scope.start), end=day_text(scope.end))
    return texts.WORKBOOK_AT_DEADLINE.format(
        day=day_text(send.last_day),
        deadline=send.deadline,
        who=scope.team_name or scope.ward_name,
        period=period,
    )


def write(
    session: Session, send: PlannedSend, folder: Path, *, now: datetime, zone: ZoneInfo
) -> tuple[Scope, Written]:
    """Write the workbook for one send; the caller records the export."""
    scope = _scope(session, send)
    path = folder / secrets.token_hex(8) / scope.file_name
    return scope, write_workbook(session, scope, path, made_at=now.astimezone(zone))
