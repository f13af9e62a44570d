"""The city's front page: every ward ranked by its logs in a period, with the trend against
the same days of the period before, and the city's totals. Counts and wards' names only.

Usage:
    board = city_board(session, today=date(2026, 11, 23), zone=ZONE, slug="quy")
    shown = searched(board, "le chan")

The figures take the same few queries for 4 wards or 114 (storage.city.ward_lines, the
reports due and those sent on time, the city's own deadlines and the wards that sent them:
schedules.city.city_reports), whatever the search: every ward is read and ranked, then the
search picks the wards to show. At city size (2 M logs) a quarter's figures take
about half a second of the database's time, so each process reads them at most once a
minute per period (Boards) and every officer's page in that minute shares them
(bench/city.py --dashboard).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from reports.scope import name_key
from schedules.city import WardsReport, city_reports, reports_due
from storage.city import WardLine, on_time, owed_by_ward, ward_lines
from storage.names import folded_name

DEFAULT = "quy"


@dataclass(frozen=True)
class Choice:
    """A period the page can show: this week, month, quarter or year so far."""

    slug: str
    label: str
    start: date
    end: date
    before: tuple[date, date]  # as many days from the start of the period before


def choices(today: date) -> list[Choice]:
    """The periods offered, each compared with the same days of the one before it."""
    week = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    year = date(today.year, 1, 1)
    last_month = (month - timedelta(days=1)).replace(day=1)
    last_quarter = (quarter - timedelta(days=1)).replace(day=1)
    last_quarter = last_quarter.replace(month=last_quarter.month - 2)
    last_year = date(today.year - 1, 1, 1)
    found = [
        ("tuan", "Tuần này", week, week - timedelta(days=7), week),
        ("thang", "Tháng này", month, last_month, month),
        ("quy", "Quý này", quarter, last_quarter, quarter),
        ("nam", "Năm nay", year, last_year, year),
    ]
    return [
        Choice(slug, label, start, today, _same_days(start, today, first, ends))
        for slug, label, start, first, ends in found
    ]


def _same_days(start: date, today: date, first: date, ends: date) -> tuple[date, date]:
    """The days of the period before (from `first`, before `ends`) as many as from `start`
    to `today`: 1/10–23/11 against 1/7–23/8."""
    last = first + (today - start)
    return first, min(last, ends - timedelta(days=1))


@dataclass(frozen=True)
class Row:
    """One ward on the page, with its rank in the city."""

    rank: int
    line: WardLine
    reports: tuple[int, int]  # (teams' reports due in the period, of them sent on time)

    @property
    def trend(self) -> str:
        return trend(self.line.logs, self.line.logs_before)

    @property
    def change(self) -> str:
        return change(self.line.logs, self.line.logs_before)


@dataclass(frozen=True)
class CityDue:
    """One of the city's deadlines for every ward: how many wards sent it (on time, once it
    is over) and the names of those that have not; counts and wards' names only."""

    name: str
    last_day: date
    days_left: int  # below 0: over
    wards: int
    sent: int
    on_time: int  # sent by the end of the last day
    missing: tuple[str, ...]

    @property
    def over(self) -> bool:
        return self.days_left < 0


def city_due(report: WardsReport, wards: dict[int, str], today: date) -> CityDue:
    """A city deadline's period as the page shows it, for `wards` (id -> name)."""
    return CityDue(
        report.name,
        report.last_day,
        (report.last_day - today).days,
        len(wards),
        report.sent_by(wards),
        report.on_time_by(wards),
        tuple(report.missing(wards)),
    )


@dataclass(frozen=True)
class Board:
    """The page: the period shown, the city's totals, the wards asked for, ranked, and the
    city's deadlines still open or over in the period (the search leaves them whole)."""

    choice: Choice
    choices: list[Choice]
    total: WardLine
    total_reports: tuple[int, int]
    wards: int
    rows: list[Row]
    asked: str
    deadlines: tuple[CityDue, ...] = ()

    @property
    def trend(self) -> str:
        return trend(self.total.logs, self.total.logs_before)

    @property
    def change(self) -> str:
        return change(self.total.logs, self.total.logs_before)


def trend(now: int, before: int) -> str:
    """up / down / same: the period against the same days before it."""
    return "up" if now > before else "down" if now < before else "same"


def change(now: int, before: int) -> str:
    """How the logs changed, as the page says it: "+25%", "−10%", "mới có", "như cũ"."""
    if now == before:
        return "như cũ"
    if before == 0:
        return "mới có"
    percent = round((now - before) * 100 / before)
    return f"+{percent}%" if percent > 0 else f"−{-percent}%" if percent < 0 else "gần như cũ"


def percent(part: int, whole: int) -> str:
    """The share in percent ("75%"), or "–" when there is nothing to divide by."""
    return f"{round(part * 100 / whole)}%" if whole else "–"


def chosen(today: date, slug: str) -> Choice:
    """The period of `slug`; an unknown one: this quarter."""
    offered = choices(today)
    found = next((c for c in offered if c.slug == slug), None)
    return found or next(c for c in offered if c.slug == DEFAULT)


def city_board(session: Session, *, today: date, zone: ZoneInfo, slug: str) -> Board:
    """Every ward's figures for the period `slug` (an unknown one: this quarter), ranked by
    logs, the city's totals, and the city's deadlines open or over in the period."""
    offered = choices(today)
    choice = chosen(today, slug)
    lines = ward_lines(session, start=choice.start, end=choice.end, before=choice.before)
    due = reports_due(session, start=choice.start, end=choice.end, today=today, zone=zone)
    owed = owed_by_ward(due, on_time(session, due), {w.ward_id: w.teams for w in lines})
    lines.sort(key=lambda w: name_key(w.name))
    lines.sort(key=lambda w: -w.logs)
    rows = [
        Row(rank, line, owed.get(line.ward_id, (0, 0))) for rank, line in enumerate(lines, start=1)
    ]
    total = WardLine(0, "")
    for w in lines:
        total.teams += w.teams
        total.members += w.members
        total.active += w.active
        total.logs += w.logs
        total.logs_before += w.logs_before
        total.teams_logged += w.teams_logged
    reports = (sum(r.reports[0] for r in rows), sum(r.reports[1] for r in rows))
    names = {w.ward_id: w.name for w in lines}
    found = city_reports(session, since=choice.start, today=today, zone=zone)
    dues = tuple(city_due(report, names, today) for report in found)
    return Board(choice, offered, total, reports, len(rows), rows, "", dues)


def searched(board: Board, asked: str) -> Board:
    """The board with only the wards whose name holds `asked` (any case, with or without
    diacritics or spaces, as storage.names folds names); the city's totals stay whole."""
    wanted = folded_name(asked)
    if not wanted:
        return board
    rows = [r for r in board.rows if wanted in folded_name(r.line.name)]
    return replace(board, rows=rows, asked=" ".join(asked.split()))


class Boards:
    """Each period's board, read at most once every `seconds` by the app's clock: the
    officers who open the page within that time share one reading, so their number does not
    add to the database's work. When it is older, the next request reads it again while the
    others meanwhile get the last reading; only the very first reading is waited for."""

    def __init__(self, seconds: float) -> None:
        self._seconds = timedelta(seconds=seconds)
        self._lock = threading.Lock()  # guards the two dicts
        self._found: dict[tuple[str, date], tuple[datetime, Board]] = {}
        self._reading: dict[tuple[str, date], threading.Lock] = {}  # held while one reads

    def get(
        self, key: tuple[str, date], now: datetime, read: Callable[[], Board]
    ) -> tuple[datetime, Board]:
        """The board of `key` and when it was read: the kept one while fresh, else read
        (`seconds` 0: read at every request)."""
        if self._seconds <= timedelta(0):
            return now, read()
        with self._lock:
            kept = self._found.get(key)
            if kept is not None and now - kept[0] < self._seconds:
                return kept
            reading = self._reading.setdefault(key, threading.Lock())
        if kept is None:
            reading.acquire()  # the first reading: wait for it rather than read it twice
        elif not reading.acquire(blocking=False):
            return kept  # being read again: the last reading meanwhile
        try:
            with self._lock:
                again = self._found.get(key)
            if again is not None and now - again[0] < self._seconds:
                return again  # read by another request while this one waited
            fresh = (now, read())
            with self._lock:  # keep today's boards only
                self._found = {k: v for k, v in self._found.items() if k[1] == key[1]}
                self._reading = {k: v for k, v in self._reading.items() if k[1] == key[1]}
                self._found[key] = fresh
            return fresh
        finally:
            reading.release()
