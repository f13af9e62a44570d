"""Which reports the wards' teams owed in a period: what the city's workbook checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from schedules.rules import Rule
from storage import deadlines
from storage.city import DueReport
from storage.models import Audience


def reports_due(
    session: Session, *, start: date, end: date, today: date, zone: ZoneInfo
) -> list[DueReport]:
    """Every ward's teams' deadlines (/danop) whose last day falls from `start` to `end` and
    is over by `today`, soonest first: whether a team sent its report in time is known only
    once the last day has passed. A units' deadline (a model registration) is not one; the
    city's deadlines for every ward (audience wards, on its office) are, marked as such."""
    over = min(end, today - timedelta(days=1))
    found = []
    for deadline in deadlines.active_deadlines(session):
        if deadline.audience == Audience.UNITS or deadline.id is None:
            continue
        for period, last_day in Rule.of(deadline).last_days(start, over):
            midnight = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=zone)
            found.append(
                DueReport(
                    deadline.id,
                    deadline.ward_id,
                    deadline.name,
                    period,
                    last_day,
                    midnight.astimezone(UTC),
                    deadline.audience,
                )
            )
    return sorted(found, key=lambda d: (d.last_day, d.ward_id, d.deadline_id))
