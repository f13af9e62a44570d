"""The ward's report workbook: the quarterly report's figures, by team, by week, every log.

Written with xlsxwriter in constant_memory mode (reports/sheets.py): rows stream to disk
as they are read, so a million logs never sit in memory. Sheets, in order: `Tổng hợp`,
`Theo tổ`, `Theo tuần` (with a line chart), `Chi tiết`, `Thành viên`, `Chiến dịch` when
the period has a day of one of the ward's campaigns (reports/campaign_sheet.py), and in a
ward's workbook, once its units have registered models, `Đăng ký mô hình` (the directive's
table).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from reports import labels as L
from reports.campaign_sheet import write_campaigns
from reports.layout import (
    MODEL_WIDTHS,
    NAME_MOST,
    columns,
    one_page_wide,
    picture_points,
)
from reports.scope import Scope, services_in_use
from reports.sheets import DATE_FORMAT, EXCEL_MAX_ROWS, Book, Sheet
from storage import campaigns, exports, membership, units
from storage.membership import Activity
from storage.models import ModelRegistration, Unit

PROGRESS_EVERY = 2000
PLACE_WIDTH, NOTE_WIDTH = 14, 20  # Chi tiết's place and note wrap in these
# pixels: the chart below `Theo tuần`, and a line of its legend; at most, with the header
# row above it, a page
CHART_HEIGHT, LEGEND_ROW, CHART_MOST = 260, 22, 480
Progress = Callable[[int, int], None]  # (logs written, logs in all)


@dataclass(frozen=True)
class _Sums:
    """The period's sums, read once and used by several sheets."""

    services: list[tuple[int, str]]  # (id, display name), the columns
    per_team: dict[tuple[int, int], int]  # (team id, service id) -> sum
    logs: dict[int, int]  # team id -> logs
    people: dict[int, tuple[int, int]]  # team id -> (households, people)

    def service_total(self, service_id: int) -> int:
        return sum(n for (_, sid), n in self.per_team.items() if sid == service_id)

    def largest(self) -> list[int]:
        """Each service's, then households' and people's largest team sum: no one log's
        figure is larger (`Chi tiết` sizes its number columns by them)."""
        services = [
            max((n for (_, s), n in self.per_team.items() if s == sid), default=0)
            for sid, _ in self.services
        ]
        households = max((h for h, _ in self.people.values()), default=0)
        persons = max((p for _, p in self.people.values()), default=0)
        return [*services, households, persons]


@dataclass(frozen=True)
class _Progress:
    call: Progress | None
    total: int

    def report(self, written: int) -> None:
        if self.call is not None:
            self.call(written, self.total)


@dataclass(frozen=True)
class Written:
    """What was exported: the file and how many logs it holds."""

    path: Path
    logs: int


def write_workbook(
    session: Session,
    scope: Scope,
    path: Path,
    *,
    made_at: datetime,
    progress: Progress | None = None,
) -> Written:
    """Write the report workbook of a ward (or one team) for a period to `path`."""
    figures = exports.period_figures(session, **scope.query)
    sums = _Sums(
        services=services_in_use(session, {sid for _, sid in figures.sums_per_team}),
        per_team=figures.sums_per_team,
        logs=figures.logs_per_team,
        people=figures.people_per_team,
    )
    book = Book(path)
    try:
        _summary(book.sheet(L.SHEET_SUMMARY), session, scope, sums, made_at)
        _by_team(book.sheet(L.SHEET_TEAMS), scope, sums)
        _by_week(book, book.sheet(L.SHEET_WEEKS), scope, sums.services, figures.sums_per_day)
        detail = book.sheet(L.SHEET_DETAIL)  # made now to keep the sheet order
        _members(book.sheet(L.SHEET_MEMBERS), session, scope, figures.logs_per_author)
        running = campaigns.progress_in_period(
            session, start=scope.start, end=scope.end, ward_id=scope.ward_id
        )
        if running:
            write_campaigns(book.sheet(L.SHEET_CAMPAIGNS), session, scope, running)
        registered = units.models_of_ward(session, scope.ward_id) if not scope.team_name else []
        if registered:  # the ward's workbook: the directive's model table as well
            _models(book.sheet(L.SHEET_MODELS), registered)
        total = sum(sums.logs.values())
        written = _detail(book, detail, session, scope, sums, _Progress(progress, total))
    finally:
        book.close()
    return Written(path, written)


def _summary(ws: Sheet, session: Session, scope: Scope, sums: _Sums, made_at: datetime) -> None:
    figures = exports.roster_figures(session, ward_id=scope.ward_id, team_ids=scope.team_ids)
    coverage = (
        figures.groups_with_team / figures.residential_groups if figures.residential_groups else 0.0
    )
    ward_level = [(L.WARD_LEVEL_MEMBERS, figures.ward_level_members)]
    lines: list[tuple[str, object]] = [
        (L.RESIDENTIAL_GROUPS, figures.residential_groups),
        (L.TEAMS, figures.teams),
        (L.MEMBERS, figures.members),
        *(ward_level if figures.ward_level_members else []),
        (L.COVERAGE, float(coverage)),
        (L.GROUP_CHATS, figures.group_chats),
        (L.LOGS, sum(sums.logs.values())),
        (L.HOUSEHOLDS, sum(h for h, _ in sums.people.values())),
        (L.PEOPLE, sum(p for _, p in sums.people.values())),
    ]
    lines += [(name, sums.service_total(sid)) for sid, name in sums.services]
    ws.set_widths(columns([L.HEAD_INDICATOR, L.HEAD_VALUE], lines))
    ws.freeze_below(5)
    ws.title(scope.title)
    ws.line(L.TITLE_PERIOD.format(start=_day(scope.start), end=_day(scope.end)))
    ws.line(L.TITLE_MADE.format(at=made_at.strftime("%H:%M %d/%m/%Y")))
    ws.line()
    ws.header([L.HEAD_INDICATOR, L.HEAD_VALUE])
    for label, value in lines:
        ws.row([label, value])
    ws.add_filter(header_row=5, columns=2, last_row=5 + len(lines))


def _by_team(ws: Sheet, scope: Scope, sums: _Sums) -> None:
    names = [L.HEAD_NO, L.HEAD_TEAM, L.HEAD_LOGS, *(n for _, n in sums.services), L.HEAD_TOTAL]
    names += [L.HEAD_HOUSEHOLDS, L.HEAD_PEOPLE]
    rows: list[list[Any]] = []
    for n, (team_id, team) in enumerate(scope.team_names.items(), start=1):
        counts = [sums.per_team.get((team_id, sid), 0) for sid, _ in sums.services]
        households, persons = sums.people.get(team_id, (0, 0))
        logs = sums.logs.get(team_id, 0)
        rows.append([n, team, logs, *counts, sum(counts), households, persons])
    totals = [sum(r[i] for r in rows) for i in range(2, len(names))]
    widths = columns(names, [*rows, ["", L.ROW_TOTAL, *totals]], most=[None, NAME_MOST])
    ws.set_widths(widths, key_columns=2)
    ws.freeze_below(1)
    ws.header(names)
    for values in rows:
        ws.row(values)
    ws.row(["", L.ROW_TOTAL, *totals], bold=True)
    ws.add_filter(header_row=1, columns=len(names), last_row=1 + len(rows))


def _by_week(
    book: Book,
    ws: Sheet,
    scope: Scope,
    services: list[tuple[int, str]],
    per_day: dict[date, dict[int, int]],
) -> None:
    names = [L.HEAD_WEEK, L.HEAD_WEEK_END, L.HEAD_LOGS, *(n for _, n in services)]
    weeks: list[list[Any]] = []
    monday = scope.start - timedelta(days=scope.start.weekday())
    while monday <= scope.end:
        days = [monday + timedelta(days=i) for i in range(7)]
        found = [per_day.get(d, {}) for d in days if scope.start <= d <= scope.end]
        counts = [sum(f.get(sid, 0) for f in found) for sid, _ in services]
        weeks.append([monday, days[-1], sum(f.get(0, 0) for f in found), *counts])
        monday += timedelta(days=7)
    ws.set_widths(columns(names, weeks))
    ws.freeze_below(1)
    ws.header(names)
    for values in weeks:
        ws.row(values)
    ws.add_filter(header_row=1, columns=len(names), last_row=1 + len(weeks))
    if weeks:
        chart = book.wb.add_chart({"type": "line"})
        # its words as large as the table's: the chart shrinks with the sheet when printed
        chart.set_title({"name": L.CHART_TITLE, "name_font": {"size": 13}})
        font = {"size": 11}
        chart.set_y_axis({"name": L.CHART_Y, "name_font": font, "num_font": font})
        chart.set_x_axis({"num_format": DATE_FORMAT, "num_font": font})
        chart.set_legend({"position": "bottom", "font": font})
        last = len(weeks)
        logged = [2] + [3 + i for i in range(len(services)) if any(w[3 + i] for w in weeks)]
        for column in logged:  # the logs, and each service that was logged at all
            chart.add_series(
                {
                    "name": [ws.name, 0, column],
                    "categories": [ws.name, 1, 0, last, 0],
                    "values": [ws.name, 1, column, last, column],
                }
            )
        # below the table, on a page of its own, as wide as the table's first page;
        # a little lower than its row, or its frame's top edge prints below the table.
        # Should the columns flow across pages, the weeks' column repeats on each: the
        # chart starts right of it, or a sliver of it would print there again.
        below, beside = last + 2, 0 if one_page_wide(ws.widths) else 1
        wide = picture_points(ws.widths, after=beside) / 0.75
        legend = LEGEND_ROW * math.ceil(len(logged) / 3)  # about three names a line
        ws.ws.set_h_pagebreaks([below])
        chart.set_size({"width": int(wide), "height": min(CHART_HEIGHT + legend, CHART_MOST)})
        ws.ws.insert_chart(below, beside, chart, {"y_offset": 6})


def _detail(
    book: Book,
    ws: Sheet,
    session: Session,
    scope: Scope,
    sums: _Sums,
    progress: _Progress,
) -> int:
    services = sums.services
    names = [L.HEAD_DAY, L.HEAD_TEAM, L.HEAD_MEMBER, *(n for _, n in services)]
    names += [L.HEAD_HOUSEHOLDS, L.HEAD_PEOPLE, L.HEAD_PLACE, L.HEAD_NOTE]
    members = exports.member_names(session, team_ids=scope.team_ids)
    # the rows stream to disk, so each column is sized before the first one is written:
    # for a day, the longest names, and the largest figure a log of the period can hold
    named = (scope.team_names.values(), members.values())
    longest = [max(found, key=len, default="") for found in named]
    most = [None, NAME_MOST, NAME_MOST]
    widths = columns(names, [[scope.end, *longest, *sums.largest()]], most=most)
    widths[-2], widths[-1] = PLACE_WIDTH, NOTE_WIDTH
    service_ids = [sid for sid, _ in services]
    sheets, written, on_sheet = 1, 0, 0

    def start(sheet: Sheet) -> None:
        # the day, team and member of a row on each page, should its columns flow on
        sheet.set_widths(widths, key_columns=3)
        sheet.freeze_below(1)
        sheet.header(names)

    start(ws)
    for log in exports.stream_logs(session, **scope.query):
        if on_sheet == EXCEL_MAX_ROWS - 1:  # a sheet is full: go on in the next one
            ws.add_filter(header_row=1, columns=len(names), last_row=1 + on_sheet)
            sheets += 1
            ws = book.sheet(L.SHEET_DETAIL_MORE.format(n=sheets))
            start(ws)
            on_sheet = 0
        team = scope.team_names.get(log.team_id, "")
        ws.fast_row(
            log.day,
            (team, members.get(log.member_id, "")),
            [log.counts.get(sid) for sid in service_ids] + [log.households, log.helped or None],
            (log.place, log.note),
        )
        written, on_sheet = written + 1, on_sheet + 1
        if written % PROGRESS_EVERY == 0:
            progress.report(written)
    ws.add_filter(header_row=1, columns=len(names), last_row=1 + on_sheet)
    progress.report(written)
    return written


def _models(ws: Sheet, registered: list[tuple[Unit, ModelRegistration]]) -> None:
    """The ward directive's table: Stt and its six columns, one numbered row per model."""
    rows = [
        [n, *(getattr(model, field) for field in units.FIELDS)]
        for n, (_unit, model) in enumerate(registered, start=1)
    ]
    ws.set_widths(columns(L.MODEL_HEADS, rows, most=MODEL_WIDTHS), key_columns=2)
    ws.freeze_below(1)
    ws.header(L.MODEL_HEADS)
    for row in rows:
        ws.row(row)
    ws.add_filter(header_row=1, columns=len(L.MODEL_HEADS), last_row=1 + len(rows))


def _members(
    ws: Sheet, session: Session, scope: Scope, per_author: dict[tuple[int, int], int]
) -> None:
    """The teams' members (storage.membership), each with their logs for their team; below,
    the logs of people the teams no longer list, so the column adds up to the period's."""
    names = [L.HEAD_NO, L.HEAD_NAME, L.HEAD_PHONE, L.HEAD_TEAM, L.HEAD_ROLE]
    names += [L.HEAD_PLATFORMS, L.HEAD_ACTIVE_LOGS]
    rows: list[list[Any]] = []
    for n, m in enumerate(exports.members(session, team_ids=scope.team_ids), start=1):
        role = L.ROLE_NAMES["deputy" if m.deputy else m.role]
        linked = ", ".join(L.PLATFORM_NAMES.get(p, p) for p in m.platforms) or L.NO
        team = scope.team_names.get(m.team_id, "")
        logs = per_author.get((m.team_id, m.id), 0)
        rows.append([n, m.name, m.phone, team, role, linked, logs])
    found = membership.activity_from(session, per_author, team_ids=scope.team_ids)
    outside = sum(found.values(), Activity())
    others: list[list[Any]] = [
        [None, label, None, None, None, None, n]
        for label, n in ((L.LOGS_LEFT, outside.left), (L.LOGS_OFFICERS, outside.officers))
        if n
    ]
    most = [None, NAME_MOST, None, NAME_MOST]
    ws.set_widths(columns(names, [*rows, *others], most=most), key_columns=2)
    ws.freeze_below(1)
    ws.header(names)
    for values in rows:
        ws.row(values)
    for values in others:
        ws.row(values, bold=True)
    ws.add_filter(header_row=1, columns=len(names), last_row=1 + len(rows))


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")
