"""What the database holds, read the way a test checks it; and how busy a server was."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date

from sqlalchemy import BindParameter, Date, bindparam, text
from sqlmodel import select

from bot.app import App
from storage.models import SupportLog


def stored_logs(app: App) -> list[SupportLog]:
    """Every support log, deleted ones too, oldest first."""
    with app.uow() as uow:
        return list(uow.session.exec(select(SupportLog).order_by(SupportLog.id)))


def service_totals(app: App, start: date | None = None, end: date | None = None) -> dict[str, int]:
    """Per-service sums of the logs not undone, by plain SQL over the tables (not through
    the code under test): every day the logs cover, unless a first or last day is given."""
    window = ""
    params: list[BindParameter[date]] = []
    if start is not None:
        window += " AND l.day >= :start"
        params.append(bindparam("start", start, type_=Date))
    if end is not None:
        window += " AND l.day <= :end"
        params.append(bindparam("end", end, type_=Date))
    query = text(
        "SELECT s.code, SUM(i.count) FROM support_log_item i"
        " JOIN support_log l ON l.id = i.log_id"
        " JOIN service s ON s.id = i.service_id"
        f" WHERE l.deleted_at IS NULL{window}"
        " GROUP BY s.code"
    ).bindparams(*params)
    with app.db.connect() as connection:
        return {code: int(n) for code, n in connection.execute(query)}


def most_in_any(times: Sequence[float], seconds: float) -> int:
    """The most of these moments (sorted) that fall in any period of `seconds`."""
    return max(
        (bisect.bisect_left(times, at + seconds) - i for i, at in enumerate(times)), default=0
    )
