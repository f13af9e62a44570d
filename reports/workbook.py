"""The ward's report workbook: the quarterly report's figures, by team, by week, every log.

Written with openpyxl in write-only mode: rows stream to disk as they are read, so a
million logs never sit in memory. Sheets, in order: `Tổng hợp`, `Theo tổ`, `Theo tuần`
(with a line chart), `Chi tiết`, `Thành viên`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from reports import labels as L
from reports.scope import Scope, services_in_use
from reports.sheets import DATE_FORMAT, add_filter, fit, freeze_below, header, row, set_widths
from reports.sheets import WriteOnlyWorksheet as Sheet
from reports.sheets import title as title_row
from storage import exports

EXCEL_MAX_ROWS = 1_048_576
PROGRESS_EVERY = 2000
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
    per_team = exports.sums_per_team(session, **scope.query)
    sums = _Sums(
        services=services_in_use(session, {sid for _, sid in per_team}),
        per_team=per_team,
        logs=exports.logs_per_team(session, **scope.query),
        people=exports.people_per_team(session, **scope.query),
    )
    wb = Workbook(write_only=True)
    _summary(wb.create_sheet(L.SHEET_SUMMARY), session, scope, sums, made_at)
    _by_team(wb.create_sheet(L.SHEET_TEAMS), scope, sums)
    per_day = exports.sums_per_day(session, **scope.query)
    _by_week(wb.create_sheet(L.SHEET_WEEKS), scope, sums.services, per_day)
    detail = wb.create_sheet(L.SHEET_DETAIL)  # created now to keep the sheet order
    _members(wb.create_sheet(L.SHEET_MEMBERS), session, scope)
    written = _detail(
        wb, detail, session, scope, sums.services, _Progress(progress, sum(sums.logs.values()))
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
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
    set_widths(ws, [max(len(label) for label, _ in lines), 14])
    freeze_below(ws, 5)
    title_row(ws, scope.title)
    ws.append([L.TITLE_PERIOD.format(start=_day(scope.start), end=_day(scope.end))])
    ws.append([L.TITLE_MADE.format(at=made_at.strftime("%H:%M %d/%m/%Y"))])
    ws.append([])
    header(ws, [L.HEAD_INDICATOR, L.HEAD_VALUE])
    for label, value in lines:
        row(ws, [label, value])
    add_filter(ws, header_row=5, columns=2, last_row=5 + len(lines))


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
    set_widths(ws, fit([names, *rows, ["", L.ROW_TOTAL, *totals]]))
    freeze_below(ws, 1)
    header(ws, names)
    for values in rows:
        row(ws, values)
    row(ws, ["", L.ROW_TOTAL, *totals], bold=True)
    add_filter(ws, header_row=1, columns=len(names), last_row=1 + len(rows))


def _by_week(
    ws: Sheet, scope: Scope, services: list[tuple[int, str]], per_day: dict[date, dict[int, int]]
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
    set_widths(ws, fit([names, *weeks]))
    freeze_below(ws, 1)
    header(ws, names)
    for values in weeks:
        row(ws, values)
    add_filter(ws, header_row=1, columns=len(names), last_row=1 + len(weeks))
    if weeks:
        chart = LineChart()
        chart.title, chart.y_axis.title = L.CHART_TITLE, L.CHART_Y
        chart.height, chart.width = 9, 18
        logged = [3] + [4 + i for i in range(len(services)) if any(w[3 + i] for w in weeks)]
        for column in logged:  # the logs, and each service that was logged at all
            data = Reference(ws, min_col=column, min_row=1, max_row=1 + len(weeks))
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(weeks)))
        chart.x_axis.number_format = DATE_FORMAT
        ws.add_chart(chart, f"{_column(len(names) + 2)}2")


def _detail(
    wb: Workbook,
    ws: Sheet,
    session: Session,
    scope: Scope,
    services: list[tuple[int, str]],
    progress: _Progress,
) -> int:
    names = [L.HEAD_DAY, L.HEAD_TEAM, L.HEAD_MEMBER, *(n for _, n in services)]
    names += [L.HEAD_HOUSEHOLDS, L.HEAD_PEOPLE, L.HEAD_PLACE, L.HEAD_NOTE]
    members = exports.member_names(session, team_ids=scope.team_ids)
    widths = fit([names])
    widths[1] = max([widths[1], *map(len, scope.team_names.values())])
    widths[2] = max([widths[2], *map(len, members.values())])
    widths[-2], widths[-1] = 30, 40
    service_ids = [sid for sid, _ in services]
    sheets, written, on_sheet = 1, 0, 0

    def start(sheet: Sheet) -> Cell:
        set_widths(sheet, widths)
        freeze_below(sheet, 1)
        header(sheet, names)
        return WriteOnlyCell(sheet, None)

    day_cell = start(ws)
    for log in exports.stream_logs(session, **scope.query):
        if on_sheet == EXCEL_MAX_ROWS - 1:  # a sheet is full: go on in the next one
            add_filter(ws, header_row=1, columns=len(names), last_row=1 + on_sheet)
            sheets += 1
            ws = wb.create_sheet(L.SHEET_DETAIL_MORE.format(n=sheets))
            day_cell, on_sheet = start(ws), 0
        day_cell.value, day_cell.number_format = log.day, DATE_FORMAT
        counts = [log.counts.get(sid) for sid in service_ids]
        member = members.get(log.member_id, "")
        team = scope.team_names.get(log.team_id, "")
        ws.append(
            [day_cell, team, member, *counts, log.households, log.people, log.place, log.note]
        )
        written, on_sheet = written + 1, on_sheet + 1
        if written % PROGRESS_EVERY == 0:
            progress.report(written)
    add_filter(ws, header_row=1, columns=len(names), last_row=1 + on_sheet)
    progress.report(written)
    return written


def _members(ws: Sheet, session: Session, scope: Scope) -> None:
    names = [L.HEAD_NO, L.HEAD_NAME, L.HEAD_PHONE, L.HEAD_TEAM, L.HEAD_ROLE]
    names += [L.HEAD_PLATFORMS, L.HEAD_ACTIVE_LOGS]
    activity = exports.logs_per_member(session, **scope.query)
    rows: list[list[Any]] = []
    for n, m in enumerate(exports.members(session, team_ids=scope.team_ids), start=1):
        role = L.ROLE_NAMES["deputy" if m.deputy else m.role]
        linked = ", ".join(L.PLATFORM_NAMES.get(p, p) for p in m.platforms) or L.NO
        team = scope.team_names.get(m.team_id, "")
        rows.append([n, m.name, m.phone, team, role, linked, activity.get(m.id, 0)])
    set_widths(ws, fit([names, *rows]))
    freeze_below(ws, 1)
    header(ws, names)
    for values in rows:
        row(ws, values)
    add_filter(ws, header_row=1, columns=len(names), last_row=1 + len(rows))


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _column(index: int) -> str:
    return get_column_letter(index)
