"""Due dates of reporting deadlines (pure, no I/O).

The ward's directive says "trước ngày …" (before the day): the last day to submit is the
day before. "Quarterly before day 15 of the last month" means last days 14/03, 14/06,
14/09 and 14/12; "yearly before 25/10" means 24/10; a one-off "before 20/04/2026" means
19/04/2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from storage.kinds import DEFAULT_LEAD_DAYS

if TYPE_CHECKING:
    from storage.models import Deadline


class Repeat(StrEnum):
    ONCE = "once"
    YEARLY = "yearly"
    QUARTERLY = "quarterly"


@dataclass(frozen=True)
class Rule:
    """When a deadline falls: `before` is the day named in the directive ("trước ngày …").

    once: `before` is that date; yearly: its day and month every year; quarterly: its day
    of the last month of each quarter (the month of `before` is not used).
    """

    repeat: Repeat
    before: date

    @classmethod
    def of(cls, deadline: Deadline) -> Rule:
        """The rule of a stored deadline."""
        return cls(Repeat(deadline.repeat), deadline.before)

    def last_days(self, start: date, end: date) -> list[tuple[str, date]]:
        """(period key, last day to submit) for every period whose last day is in range."""
        found = []
        for year in range(start.year - 1, end.year + 2):
            for period, before in self._befores(year):
                last = before - timedelta(days=1)
                if start <= last <= end:
                    found.append((period, last))
        return sorted(set(found), key=lambda item: item[1])

    def period_of(self, day: date) -> tuple[str, date] | None:
        """The period a report sent on `day` counts for: the next last day from `day` on."""
        upcoming = self.last_days(day, day + timedelta(days=400))
        return upcoming[0] if upcoming else None

    def _befores(self, year: int) -> list[tuple[str, date]]:
        if self.repeat is Repeat.ONCE:
            return [(self.before.isoformat(), self.before)] if year == self.before.year else []
        if self.repeat is Repeat.YEARLY:
            return [(str(year), _day(year, self.before.month, self.before.day))]
        return [
            (f"{year}-Q{quarter}", _day(year, quarter * 3, self.before.day))
            for quarter in (1, 2, 3, 4)
        ]


def _day(year: int, month: int, day: int) -> date:
    """That day, or the month's last day when it has no such day (31/06 -> 30/06)."""
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1


def reminder_days(last_day: date, lead_days: tuple[int, ...] = DEFAULT_LEAD_DAYS) -> list[date]:
    """The days reminders go out: `lead` days before the last day, for each lead."""
    return sorted({last_day - timedelta(days=lead) for lead in lead_days if lead >= 0})
