"""The scheduled job: send what is due, each message exactly once (the outbox).

`tick(now)` plans the sends due up to `now`, claims each by its unique key in a committed
transaction before it goes out, and marks it sent or failed after. A second worker, a
second tick or a restart finds the key taken and sends nothing; a failed send is tried
again on later ticks (three tries in all), and so is a claim never marked 5 minutes on (its
process was killed: storage/outbox.py names the one window for a double send). A send
missed while the bot was down is caught up if still timely (a reminder: the same day; a
tally: within two days), otherwise it is recorded as skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from handlers import texts
from handlers.catalogue import Catalogue, load_catalogue
from reports.charts import bar_chart
from reports.export import record_export
from schedules.deadline_workbook import workbook_text
from schedules.deadline_workbook import write as _write_workbook
from schedules.messages import Tally, reminder_text, tally
from schedules.planner import PlannedSend, plan
from schedules.snapshot import ward_views
from storage import outbox
from storage.uow import UnitOfWork, UowFactory

log = logging.getLogger(__name__)
CATCH_UP_DAYS = 2  # a tally or a nudge missed while down still goes this many days later
MAX_ATTEMPTS = 3
STALE_CLAIM = timedelta(minutes=5)  # a claim this old, never marked: its process died
SENDERS = 8  # chats sent to at once


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # the person blocked the bot, or it was removed from the group


class Sender(Protocol):
    """Delivers a text, a picture where the chat can show one, a file; never raises."""

    async def send(
        self,
        platform: str,
        chat_id: str,
        text: str,
        picture: Path | None = None,
        document: Path | None = None,
    ) -> tuple[Outcome, str | None]: ...


@dataclass
class TickSummary:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def timely(send: PlannedSend, today: date) -> bool:
    """Still worth sending: a reminder or workbook on its day, a tally or nudge within two days."""
    late = (today - send.at.date()).days
    same_day = send.kind in ("deadline_reminder", "deadline_workbook")
    return late == 0 if same_day else late <= CATCH_UP_DAYS


async def tick(
    uow: UowFactory,
    sender: Sender,
    *,
    now: datetime,
    zone: ZoneInfo,
    charts_dir: Path = Path("data/charts"),
    exports_dir: Path = Path("data/exports"),
) -> TickSummary:
    """Send everything due up to `now` that has not been sent; returns what happened.

    Up to `SENDERS` chats are sent to at once (the sender's rate limiter paces them to
    the platform's limits), each chat's messages one after another in their planned order.
    """
    today = now.astimezone(zone).date()
    with uow() as unit:
        planned = plan(
            ward_views(unit.session, zone=zone),
            start=today - timedelta(days=2),
            end=today,
            zone=zone,
        )
        catalogue = load_catalogue(unit.session)
        blocked = outbox.blocked_chats(unit.session)
    by_chat: dict[tuple[str, str], list[PlannedSend]] = {}
    for send in planned:
        chat = (send.chat.platform, send.chat.chat_id)
        if send.at <= now and chat not in blocked:  # a chat that blocked the bot: not tried
            by_chat.setdefault(chat, []).append(send)
    run = _Run(uow, sender, catalogue, today, now, zone, charts_dir, exports_dir)
    chats = deque(by_chat.values())

    async def sends_to_chats() -> None:
        while chats:
            for send in chats.popleft():
                if await run.deliver(send) is Outcome.BLOCKED:
                    break  # the rest of this chat's sends would be refused too

    workers = [sends_to_chats() for _ in range(min(SENDERS, len(chats)))]
    failures = [e for e in await asyncio.gather(*workers, return_exceptions=True) if e]
    if failures:  # the other chats were served first; the next tick retries the rest
        raise failures[0]
    return run.summary


class _Run:
    """One tick's sends: claim, send, mark, each send on its own."""

    def __init__(
        self,
        uow: UowFactory,
        sender: Sender,
        catalogue: Catalogue,
        today: date,
        now: datetime,
        zone: ZoneInfo,
        charts_dir: Path,
        exports_dir: Path,
    ) -> None:
        self.uow, self.sender, self.catalogue = uow, sender, catalogue
        self.today, self.now, self.zone = today, now, zone
        self.charts_dir, self.exports_dir = charts_dir, exports_dir
        self.summary = TickSummary()
        self._started = time.monotonic()

    def clock(self) -> datetime:
        """The tick's `now` moved on by the time spent since it began: claims are stamped
        with when they were made, so a long tick's fresh claims never look stale."""
        return self.now + timedelta(seconds=time.monotonic() - self._started)

    async def deliver(self, send: PlannedSend) -> Outcome | None:
        """Claim, send and mark one send; its outcome, None when not sent by this tick."""
        on_time = timely(send, self.today)
        row_id, text, chart = await asyncio.to_thread(self._take, send, on_time)
        if row_id is None:
            return None  # sent, being sent, or given up by another tick or worker
        if not on_time:
            log.info("schedule skipped key=%s (missed while the bot was down)", send.key)
            self.summary.skipped += 1
            return None
        picture = None
        if chart is not None and chart.bars:  # the tally as a bar chart, where it can be shown
            name = hashlib.sha256(send.key.encode()).hexdigest()[:24] + ".png"
            picture = await asyncio.to_thread(
                bar_chart, chart.chart_title, chart.bars, self.charts_dir / name
            )
        document = None
        if send.kind == "deadline_workbook":
            document = await asyncio.to_thread(
                _workbook, self.uow, send, self.exports_dir, self.now, self.zone
            )
        outcome, error = await self.sender.send(
            send.chat.platform, send.chat.chat_id, text, picture, document
        )
        await asyncio.to_thread(self._mark, row_id, outcome, error)
        if outcome is Outcome.SENT:
            self.summary.sent += 1
        else:
            self.summary.failed += 1
            log.warning("schedule send %s key=%s reason=%s", outcome, send.key, error)
        return outcome

    def _take(self, send: PlannedSend, on_time: bool) -> tuple[int | None, str, Tally | None]:
        """Write the send's text and claim it; its row id (None: not ours), text and chart."""
        text, chart = "", None
        with self.uow() as unit:
            if on_time:
                text, chart = _content(unit, send, self.catalogue, self.today)
            return _claim(unit, send, text=text, on_time=on_time, now=self.clock()), text, chart

    def _mark(self, row_id: int, outcome: Outcome, error: str | None) -> None:
        with self.uow() as unit:
            outbox.mark(unit.session, row_id, status=outcome, now=self.clock(), error=error)
            unit.commit()


def _content(
    unit: UnitOfWork, send: PlannedSend, catalogue: Catalogue, today: date
) -> tuple[str, Tally | None]:
    """The text of a send, and for a tally its chart data."""
    if send.kind == "deadline_reminder":
        return reminder_text(send, today=today), None
    if send.kind == "nudge":
        return texts.NUDGE.format(name=send.person or ""), None
    if send.kind == "deadline_workbook":
        return workbook_text(unit.session, send), None
    found = tally(unit.session, send, catalogue, today=today)
    return found.text, found


def _workbook(
    uow: UowFactory, send: PlannedSend, folder: Path, now: datetime, zone: ZoneInfo
) -> Path:
    with uow(read_only=True) as unit:  # members keep logging while it is written
        scope, written = _write_workbook(unit.session, send, folder, now=now, zone=zone)
    with uow() as unit:
        record_export(unit.session, scope, written, now=now, via="schedule")
        unit.commit()
    return written.path


def _claim(
    unit: UnitOfWork, send: PlannedSend, *, text: str, on_time: bool, now: datetime
) -> int | None:
    """Claim a send (or a failed one's retry) in a committed transaction; its row id."""
    try:
        row = outbox.claim(
            unit.session,
            key=send.key,
            kind=send.kind,
            platform=send.chat.platform,
            chat_id=send.chat.chat_id,
            text=text,
            due_at=send.at,
            now=now,
            status="claimed" if on_time else "skipped",
        )
        unit.commit()
        return row.id
    except IntegrityError:
        unit.rollback()
    if not on_time:
        return None
    row_id = outbox.reclaim(
        unit.session, send.key, max_attempts=MAX_ATTEMPTS, now=now, stale_after=STALE_CLAIM
    )
    unit.commit()
    return row_id
