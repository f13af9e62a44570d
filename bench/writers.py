"""The four ways bench/export.py writes a year of logs: ours and three bare baselines."""

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
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
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


WRITERS: dict[str, Callable[[str, Path], int]] = {
    "ours": ours,
    "openpyxl": bare_openpyxl,
    "xlsxwriter": bare_xlsxwriter,
    "csv": bare_csv,
}
