"""The ways bench/export.py writes a year of logs: ours, three bare baselines, two optional.

The optional ones (pyexcelerate, rustpy-xlsxwriter) are not project dependencies: they run
only where the package can be imported (see OPTIONAL), and bench/export.py notes a skip
otherwise. Every bare writer writes the same `Chi tiết` rows with a date format on the day.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from reports.scope import ward_scope
from reports.workbook import write_workbook
from storage import exports
from storage.db import make_engine
from storage.models import Service, Ward
from storage.uow import UnitOfWork

START, END = date(2026, 1, 1), date(2026, 12, 31)
DATE_FORMAT = "dd/mm/yyyy"


def _rows(url: str) -> Iterator[list[Any]]:
    """The Chi tiết rows (day, team, member, counts…, households, people, place, note)."""
    with UnitOfWork(make_engine(url)) as uow:
        session = uow.session
        ward = session.exec(select(Ward)).one()
        scope = ward_scope(session, ward, start=START, end=END)
        services = [s.id for s in session.exec(select(Service).where(Service.active))]
        members = exports.member_names(session, team_ids=scope.team_ids)
        for log in exports.stream_logs(session, **scope.query):
            counts = [log.counts.get(sid) for sid in services]
            yield [
                log.day,
                scope.team_names[log.team_id],
                members[log.member_id],
                *counts,
                log.households,
                log.people,
                log.place,
                log.note,
            ]


def ours(url: str, out: Path) -> int:
    """The whole report workbook, as /xuat makes it."""
    with UnitOfWork(make_engine(url)) as uow:
        ward = uow.session.exec(select(Ward)).one()
        scope = ward_scope(uow.session, ward, start=START, end=END)
        return write_workbook(uow.session, scope, out, made_at=datetime.now(UTC)).logs


def bare_openpyxl(url: str, out: Path) -> int:
    """The rows alone, openpyxl write-only, no styles."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Chi tiết")
    n = 0
    for values in _rows(url):
        ws.append(values)
        n += 1
    wb.save(out)
    return n


def bare_xlsxwriter(url: str, out: Path) -> int:
    """The rows alone, xlsxwriter constant_memory, a date format on the day."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("Chi tiết")
    day = wb.add_format({"num_format": DATE_FORMAT})
    n = 0
    for n, values in enumerate(_rows(url), start=1):
        ws.write_datetime(n, 0, datetime.combine(values[0], datetime.min.time()), day)
        ws.write_row(n, 1, values[1:])
    wb.close()
    return n


def bare_csv(url: str, out: Path) -> int:
    """The rows as csv: the floor any spreadsheet writer stands on."""
    n = 0
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        for values in _rows(url):
            writer.writerow(values)
            n += 1
    return n


def bare_pyexcelerate(url: str, out: Path) -> int:
    """The rows alone, pyexcelerate: it builds the whole sheet in memory, then saves."""
    from pyexcelerate import Format, Style, Workbook

    rows = list(_rows(url))
    wb = Workbook()
    ws = wb.new_sheet("Chi tiết", data=rows)
    ws.set_col_style(1, Style(format=Format(DATE_FORMAT)))
    wb.save(str(out))
    return len(rows)


def _records(url: str, counter: list[int]) -> Iterator[dict[str, Any]]:
    """The same rows as dicts (rustpy-xlsxwriter's input), counting them as they go."""
    keys: list[str] = []
    for values in _rows(url):
        if not keys:  # day, team, member, one key per service, households, people, place, note
            services = [f"s{i}" for i in range(len(values) - 7)]
            keys = ["day", "team", "member", *services, "households", "people", "place", "note"]
        counter[0] += 1
        yield dict(zip(keys, values, strict=True))


def bare_rustpy(url: str, out: Path) -> int:
    """The rows alone, rustpy-xlsxwriter (Rust, constant memory), fed a generator of dicts."""
    from rustpy_xlsxwriter import FastExcel

    counter = [0]
    FastExcel(out).format(datetime_format=DATE_FORMAT).sheet(
        "Chi tiết", _records(url, counter)
    ).save()
    return counter[0]


def styled_rustpy(url: str, out: Path) -> int:
    """The rows with ours' `Chi tiết` dressing: header format, widths, frozen header, filter."""
    from rustpy_xlsxwriter import FastExcel, Format

    header = Format().set_bold().set_background_color("#DDEBF7").set_border_bottom("thin")
    header = header.set_text_wrap().set_align("vcenter")
    counter = [0]
    FastExcel(out).format(datetime_format=DATE_FORMAT).freeze(row=1).sheet(
        "Chi tiết",
        _records(url, counter),
        header_format=header,
        column_widths={"day": 13, "team": 20, "member": 25, "place": 30, "note": 40},
        autofilter=True,
    ).save()
    return counter[0]


WRITERS: dict[str, Callable[[str, Path], int]] = {
    "ours": ours,
    "openpyxl": bare_openpyxl,
    "xlsxwriter": bare_xlsxwriter,
    "csv": bare_csv,
    "pyexcelerate": bare_pyexcelerate,
    "rustpy-xlsxwriter": bare_rustpy,
    "rustpy-xlsxwriter-styled": styled_rustpy,
}

# writer -> the module it needs that is not a project dependency
OPTIONAL: dict[str, str] = {
    "pyexcelerate": "pyexcelerate",
    "rustpy-xlsxwriter": "rustpy_xlsxwriter",
    "rustpy-xlsxwriter-styled": "rustpy_xlsxwriter",
}
