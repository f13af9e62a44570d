"""The city's workbook: how each of its wards is doing, for the Department's report.

It holds counts per ward and the wards' names, nothing else (storage.city reads only
those): no member's name, note, place or chat account leaves a ward through it. Sheets, in
order: `Các phường` (one row per ward, with totals), `Theo dịch vụ và tháng` (each
service's sum by month), `Chưa nộp đúng hạn` (the wards whose teams did not all send a report by
its last day, and those that did not send the city its own report by the last day of a
deadline the city set), and `Chiến dịch` when a campaign has a day in the period (as the ward's
workbook, none otherwise): each campaign's row, then each ward it covers with its result,
target and how far it got (per team: how many of its teams reached theirs), then the
wards that reached it. It prints as the ward's workbook does (reports.sheets,
reports.layout).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session

from reports import labels as L
from reports.layout import NAME_MOST, columns
from reports.scope import name_key, services_in_use
from reports.sheets import Book, Sheet
from storage import campaigns, queries
from storage.campaigns import Progress, WardProgress
from storage.city import (
    DueReport,
    WardFigures,
    city_figures,
    on_time,
    owed_by_ward,
    wards_on_time,
)
from storage.models import Audience, TargetPer

SERVICE_MOST = 30  # a service's name wraps beyond this many characters
DEADLINE_MOST = 24  # and a deadline's
CAMPAIGN_SERVICES_MOST, CAMPAIGN_TARGET_MOST = 16, 12  # so `Chiến dịch` prints at full size


@dataclass(frozen=True)
class City:
    """The city's workbook as asked for: the city's name ([city] name; "" when not set)
    and the days it covers (both included)."""

    name: str
    start: date
    end: date

    @property
    def label(self) -> str:
        return self.name or L.WHOLE_CITY

    @property
    def title(self) -> str:
        return L.TITLE_CITY.format(city=self.label)


@dataclass(frozen=True)
class CityWritten:
    """What was exported: the file, how many wards and logs it counts."""

    path: Path
    wards: int
    logs: int


def write_city_workbook(
    session: Session,
    city: City,
    path: Path,
    *,
    made_at: datetime,
    due: Sequence[DueReport],
) -> CityWritten:
    """Write the city's workbook for a period to `path`; `due` are the teams' reports whose
    last day passed in it, the city's own deadlines among them (schedules.city.reports_due)."""
    figures = city_figures(session, start=city.start, end=city.end)
    wards = sorted(figures.wards, key=lambda w: name_key(w.name))
    services = services_in_use(session, {sid for w in wards for sid in w.services})
    sent = on_time(session, due)
    wards_sent = wards_on_time(session, due)
    running = campaigns.progress_in_period(session, start=city.start, end=city.end)
    book = Book(path)
    try:
        owed = _owed(due, sent, wards)
        _wards(book.sheet(L.SHEET_CITY_WARDS), city, wards, services, owed, made_at)
        _months(book.sheet(L.SHEET_CITY_MONTHS), city, services, figures.per_month)
        _missing(book.sheet(L.SHEET_CITY_MISSING), wards, due, sent, wards_sent)
        if running:
            _campaigns(book.sheet(L.SHEET_CAMPAIGNS), campaign_rows(session, running, wards))
    finally:
        book.close()
    return CityWritten(path, len(wards), sum(w.logs for w in wards))


def _owed(
    due: Sequence[DueReport], sent: dict[tuple[int, str], int], wards: list[WardFigures]
) -> dict[int, tuple[int, int]]:
    """ward id -> (teams' reports due in the period, of them sent by their last day)."""
    return owed_by_ward(due, sent, {w.ward_id: w.teams for w in wards})


def _wards(
    ws: Sheet,
    city: City,
    wards: list[WardFigures],
    services: list[tuple[int, str]],
    owed: dict[int, tuple[int, int]],
    made_at: datetime,
) -> None:
    names = [
        L.HEAD_NO,
        L.HEAD_WARD,
        L.HEAD_CITY_TEAMS,
        L.HEAD_CITY_MEMBERS,
        L.HEAD_CITY_ACTIVE,
        L.HEAD_CITY_CHATS,
        L.HEAD_LOGS,
        *(name for _, name in services),
        L.HEAD_HOUSEHOLDS,
        L.HEAD_PEOPLE,
        L.HEAD_CITY_MODELS,
        L.HEAD_CITY_DUE,
        L.HEAD_CITY_ON_TIME,
    ]
    rows: list[list[Any]] = []
    for n, w in enumerate(wards, start=1):
        counts = [w.services.get(sid, 0) for sid, _ in services]
        due, done = owed.get(w.ward_id, (0, 0))
        roster = [w.teams, w.members, w.active, w.group_chats]
        rows.append(
            [n, w.name, *roster, w.logs, *counts, w.households, w.people, w.models, due, done]
        )
    totals = ["", L.ROW_TOTAL, *(sum(r[i] for r in rows) for i in range(2, len(names)))]
    ws.set_widths(columns(names, [*rows, totals], most=[None, NAME_MOST]), key_columns=2)
    header_row = 5
    period = L.TITLE_PERIOD.format(start=_day(city.start), end=_day(city.end))
    ws.freeze_below(header_row)
    ws.title(city.title)
    ws.line(period)
    ws.line(L.TITLE_MADE.format(at=made_at.strftime("%H:%M %d/%m/%Y")))
    ws.line()
    ws.header(names)
    for values in rows:
        ws.row(values)
    ws.row(totals, bold=True)
    ws.add_filter(header_row=header_row, columns=len(names), last_row=header_row + len(rows))
    # its columns (a service each) may flow over two pages: the title prints on each
    ws.title_atop_pages(city.title, period, header_row=header_row, last_row=ws.next_row)


def _months(
    ws: Sheet,
    city: City,
    services: list[tuple[int, str]],
    per_month: dict[tuple[int, int, int], int],
) -> None:
    months = _months_of(city.start, city.end)
    names = [L.HEAD_SERVICE, *(L.MONTH.format(month=m, year=y) for y, m in months)]
    names.append(L.ROW_TOTAL)
    rows: list[list[Any]] = []
    for sid, name in services:
        counts = [per_month.get((sid, y, m), 0) for y, m in months]
        rows.append([name, *counts, sum(counts)])
    totals = [L.ROW_TOTAL, *(sum(r[i] for r in rows) for i in range(1, len(names)))]
    ws.set_widths(columns(names, [*rows, totals], most=[SERVICE_MOST]))
    ws.freeze_below(1)
    ws.header(names)
    for values in rows:
        ws.row(values)
    ws.row(totals, bold=True)
    ws.add_filter(header_row=1, columns=len(names), last_row=1 + len(rows))


def _missing(
    ws: Sheet,
    wards: list[WardFigures],
    due: Sequence[DueReport],
    sent: dict[tuple[int, str], int],
    wards_sent: dict[tuple[int, str], set[int]],
) -> None:
    """Each passed deadline of each ward some of whose teams did not send the report, and
    each of the city's passed deadlines with each ward that did not send it by its last day
    (no team counts: the team columns stay empty)."""
    names = [L.HEAD_NO, L.HEAD_WARD, L.HEAD_DEADLINE, L.HEAD_LAST_DAY]
    names += [L.HEAD_TEAMS_SENT, L.HEAD_TEAMS_OWING]
    by_id = {w.ward_id: w for w in wards}
    found: list[tuple[date, Any, str, str, int | None, int | None]] = []
    for report in due:
        key = (report.deadline_id, report.period)
        if report.audience == Audience.WARDS:
            late = [w for w in wards if w.ward_id not in wards_sent.get(key, set())]
            found += [
                (report.last_day, name_key(w.name), report.name, w.name, None, None) for w in late
            ]
            continue
        ward = by_id.get(report.ward_id)
        done = sent.get(key, 0)
        if ward is not None and done < ward.teams:
            found.append(
                (report.last_day, name_key(ward.name), report.name, ward.name, done, ward.teams)
            )
    found.sort(key=lambda item: item[:3])
    rows: list[list[Any]] = [
        [n, ward, deadline, last_day, done, owing]
        for n, (last_day, _key, deadline, ward, done, owing) in enumerate(found, start=1)
    ]
    widths = columns(names, rows, most=[None, NAME_MOST, DEADLINE_MOST])
    ws.set_widths(widths, key_columns=2)
    ws.freeze_below(1)
    ws.header(names)
    for values in rows:
        ws.row(values)
    if not rows:
        ws.line(L.ALL_SENT if due else L.NO_DEADLINE_OVER)
    ws.add_filter(header_row=1, columns=len(names), last_row=1 + len(rows))


def campaign_rows(
    session: Session, running: list[Progress], wards: list[WardFigures]
) -> list[list[Any]]:
    """The `Chiến dịch` sheet's rows: for each campaign its own (bold), one for each ward it
    covers in the wards' order, then its totals (bold). Names of wards only, no team's."""
    services = {s.code: s.name for s in queries.services(session)}
    rows: list[list[Any]] = []
    for each in running:
        campaign = each.campaign
        days = L.CITY_CAMPAIGN_DAYS.format(
            first=_day(campaign.first_day), last=_day(campaign.last_day)
        )
        target = L.CAMPAIGN_TARGETS[campaign.per].format(n=campaign.target)
        names = ", ".join(services.get(code, code) for code in campaign.services)
        rows.append([None, campaign.name, days, names, target, each.until, None, None, None])
        covered = [w for w in wards if w.ward_id in each.wards]
        per_team = campaign.per == TargetPer.TEAM
        reached = 0
        for n, ward in enumerate(covered, start=1):
            found = each.wards[ward.ward_id]
            reached += _reached(found, per_team=per_team)
            rate = _rate(found, per_team=per_team)
            rows.append([n, ward.name, None, None, None, None, found.count, found.target, rate])
        targeted = [w for w in covered if each.wards[w.ward_id].target]
        tally = L.CITY_CAMPAIGN_WARDS.format(reached=reached, wards=len(targeted))
        results = sum(each.wards[w.ward_id].count for w in covered)
        goals = sum(each.wards[w.ward_id].target for w in covered)
        rows.append([None, L.ROW_TOTAL, None, None, None, None, results, goals, tally])
    return rows


def _reached(ward: WardProgress, *, per_team: bool) -> bool:
    """Whether a ward reached the campaign's target: per team, every team it is for."""
    if per_team:
        return bool(ward.targeted) and ward.teams_reached == len(ward.targeted)
    return ward.count >= ward.target


def _rate(ward: WardProgress, *, per_team: bool) -> float | str | None:
    """How far a ward got: its share of the target, or (per team) the teams that reached
    theirs of those it is for; None when it has no target (no residential group's team)."""
    if not ward.target:
        return None
    if per_team:
        return L.CITY_CAMPAIGN_TEAMS.format(reached=ward.teams_reached, teams=len(ward.targeted))
    return ward.count / ward.target


def _campaigns(ws: Sheet, rows: list[list[Any]]) -> None:
    names = L.CITY_CAMPAIGN_HEADS
    most = [None, NAME_MOST, None, CAMPAIGN_SERVICES_MOST, CAMPAIGN_TARGET_MOST]
    ws.set_widths(columns(names, rows, most=most), key_columns=2)
    ws.freeze_below(1)
    ws.header(names)
    for values in rows:
        ws.row(values, bold=values[0] is None)
    ws.add_filter(header_row=1, columns=len(names), last_row=1 + len(rows))


def _months_of(start: date, end: date) -> list[tuple[int, int]]:
    """(year, month) of every month the days from `start` to `end` touch, in order."""
    found = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")
