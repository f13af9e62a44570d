"""What the database holds, read the way a test checks it."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot.app import App
from storage.logs import totals
from storage.models import SupportLog


def stored_logs(app: App) -> list[SupportLog]:
    """Every support log, deleted ones too, oldest first."""
    with app.uow() as uow:
        return list(uow.session.exec(select(SupportLog).order_by(SupportLog.id)))


def service_totals(
    app: App, start: date = date(2026, 10, 1), end: date = date(2026, 12, 31)
) -> dict[str, int]:
    """Per-service sums of the logs that count (around the tests' 23/11/2026)."""
    with app.uow() as uow:
        return totals(uow.session, start=start, end=end).by_service
