"""Report periods as typed after /xuat: tuần, tháng, quý, năm, or a range of dates (pure).

A period runs from its first day to today at the latest: a report pulled on 30/11 about
this quarter covers 01/10–30/11. `… trước` means the previous week, month, quarter, year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from handlers.parsing.dates import parse_full_date, parse_typed_date
from handlers.parsing.normalize import fold

UNITS = {
    "tuan": "week",
    "t": "week",
    "thang": "month",
    "th": "month",
    "quy": "quarter",
    "q": "quarter",
    "nam": "year",
    "n": "year",
}
_ISO = r"\d{4}-\d{1,2}-\d{1,2}"  # 2026-10-01: its own dashes are not the range's
_RANGE = re.compile(rf"({_ISO}|\S+)\s*(?:-|–|den|toi)\s*({_ISO}|\S+)")


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class PeriodProblem:
    reason: str  # unknown | bad_date | reversed


def parse_period(text: str, *, today: date, default: str = "quarter") -> Period | PeriodProblem:
    """The days a typed period means (default: this quarter)."""
    words = " ".join(fold(text).split())
    if words.startswith("tu "):  # "từ 01/10 đến 15/11"
        words = words[3:]
    if not words:
        return _unit(default, today, back=False)
    parts = words.split()
    if parts[0] in UNITS and len(parts) <= 2:
        if parts[1:] not in ([], ["nay"], ["truoc"]):
            return PeriodProblem("unknown")
        return _unit(UNITS[parts[0]], today, back=parts[1:] == ["truoc"])
    match = _RANGE.fullmatch(words)
    if not match:
        return PeriodProblem("unknown")
    first = _full_date(match.group(1), today)
    last = _full_date(match.group(2), today)
    if first is None or last is None:
        return PeriodProblem("bad_date")
    if last < first:
        return PeriodProblem("reversed")
    return Period(first, min(last, today) if first <= today else last)


def _full_date(text: str, today: date) -> date | None:
    return parse_full_date(text) or parse_typed_date(text.replace(".", "/"), today=today)


def _unit(unit: str, today: date, *, back: bool) -> Period:
    start = _start(unit, today)
    if back:
        end = start - timedelta(days=1)
        return Period(_start(unit, end), end)
    return Period(start, today)


def _start(unit: str, day: date) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)
