"""Which reports the wards' teams owed in a period: what the city's workbook checks; and
the city's own deadlines for every ward, with the wards that sent each (/tiendo, the page).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from reports.scope import name_key
from schedules.rules import Rule
from storage import deadlines, queries
from storage.city import DueReport
from storage.models import Audience, Deadline


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
            found.append(
                DueReport(
                    deadline.id,
                    deadline.ward_id,
                    deadline.name,
                    period,
                    last_day,
                    _until(last_day, zone),
                    deadline.audience,
                )
            )
    return sorted(found, key=lambda d: (d.last_day, d.ward_id, d.deadline_id))


def _until(last_day: date, zone: ZoneInfo) -> datetime:
    """The end of a last day (local midnight after it), in UTC: sent before it is on time."""
    return datetime.combine(last_day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)


def _city_deadlines(session: Session) -> list[Deadline]:
    """The city's active deadlines for every ward; none in a ward's deployment."""
    office = queries.city_office(session)
    if office is None or office.id is None:
        return []
    return deadlines.city_deadlines(session, office.id)


def _coming(found: Sequence[Deadline], today: date) -> list[tuple[Deadline, str, date]]:
    """Each deadline with the period and last day a report sent `today` counts for, soonest
    first (those over for good left out)."""
    coming = []
    for deadline in found:
        due = Rule.of(deadline).period_of(today)
        if due is not None:
            coming.append((due[1], deadline.id or 0, deadline, due[0]))
    coming.sort(key=lambda item: item[:2])
    return [(deadline, period, last_day) for last_day, _id, deadline, period in coming]


def city_dues(session: Session, today: date) -> list[tuple[Deadline, str, date]]:
    """The city's deadlines for every ward, each with the period and last day a ward's
    /danop sent today counts for, soonest first: (deadline, period, day)."""
    return _coming(_city_deadlines(session), today)


@dataclass(frozen=True)
class WardsReport:
    """One period of a city's deadline for every ward, and when each ward sent it (/danop)."""

    deadline_id: int
    name: str
    period: str
    last_day: date
    until: datetime  # the end of the last day: sent before it is on time
    sent: Mapping[int, datetime]  # ward id -> when a team of the ward first marked it sent

    def sent_by(self, wards: Mapping[int, str]) -> int:
        """How many of `wards` (id -> name) sent it, on time or not."""
        return sum(1 for ward in wards if ward in self.sent)

    def on_time_by(self, wards: Mapping[int, str]) -> int:
        """How many of `wards` sent it by the end of its last day."""
        return sum(1 for ward in wards if ward in self.sent and self.sent[ward] < self.until)

    def missing(self, wards: Mapping[int, str]) -> list[str]:
        """The names of `wards` that have not sent it, as a reader looks them up."""
        return sorted((name for ward, name in wards.items() if ward not in self.sent), key=name_key)


def city_reports(
    session: Session, *, since: date, today: date, zone: ZoneInfo
) -> list[WardsReport]:
    """The city's deadlines that matter on `today`: each one's coming period (soonest first),
    then the periods whose last day was from `since` to yesterday (latest first), each with
    the wards that sent it. Three queries (the office, its deadlines, their submissions),
    whatever the number of wards and deadlines."""
    found = _city_deadlines(session)
    periods = _coming(found, today)
    over = [
        (deadline, period, last_day)
        for deadline in found
        for period, last_day in Rule.of(deadline).last_days(since, today - timedelta(days=1))
    ]
    over.sort(key=lambda item: (item[2], item[0].id or 0), reverse=True)
    periods += over
    sent = deadlines.wards_sent(session, [(d.id or 0, period) for d, period, _day in periods])
    return [
        WardsReport(d.id or 0, d.name, period, day, _until(day, zone), sent[(d.id or 0, period)])
        for d, period, day in periods
    ]
