"""One tick's sends, each on its own: claim it in the outbox, write it, send it, mark it.

A claim is committed before the send goes out, so a second worker or a second tick finds
the key taken (storage/outbox.py names the one window for a double send). A send that left
without an answer is marked uncertain and, like a sent one, never tried again. The messages
a send took are counted for its bot, a bot refused for its quota pauses (its sends wait),
and a bot that sent works again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from handlers import texts
from handlers.catalogue import Catalogue
from reports.charts import bar_chart
from reports.export import record_export
from schedules.deadline_workbook import workbook_text
from schedules.deadline_workbook import write as _write_workbook
from schedules.delivery import Delivery, Outcome, Sender, TickSummary
from schedules.gate import Decision, Gate, still_useful
from schedules.messages import Tally, campaign_text, reminder_text, tally
from schedules.planner import PlannedSend
from storage import bot_usage, outbox
from storage.chat_moves import move_chat
from storage.uow import UnitOfWork, UowFactory

log = logging.getLogger(__name__)
CATCH_UP_DAYS = 2  # a tally or a nudge missed while down still goes this many days later
MAX_ATTEMPTS = 3
STALE_CLAIM = timedelta(minutes=5)  # a claim this old, never marked: its process died
CAMPAIGN_KINDS = ("campaign_launch", "campaign_midway")  # to the officers, once each
NOTICES = {
    "bot_paused": texts.BOT_PAUSED_NOTICE,
    "bot_full": texts.BOT_FULL_NOTICE,
    "backup_failed": texts.BACKUP_FAILED_NOTICE,
}


def timely(send: PlannedSend, today: date) -> bool:
    """Still worth sending: a reminder or workbook on its day, a tally or nudge within two days."""
    late = (today - send.at.date()).days
    same_day = send.kind in ("deadline_reminder", "deadline_workbook")
    return late == 0 if same_day else late <= CATCH_UP_DAYS


class LostLead(Exception):
    """This worker's lease ended (its lock's connection closed): another may lead now, and
    take this one's claims again at once, so it claims nothing more."""


class SendRun:
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
        self.gate = Gate({}, {}, {}, now)
        self.waited: set[str] = set()  # keys of the sends that were waiting for their bot
        self.lease = ""  # the leader's (storage/locks.py): claims are stamped with it
        self.gone: frozenset[str] = frozenset()  # leases of leaders gone: claims taken at once
        self._started = time.monotonic()

    def clock(self) -> datetime:
        """The tick's `now` moved on by the time spent since it began: claims are stamped
        with when they were made, so a long tick's fresh claims never look stale."""
        return self.now + timedelta(seconds=time.monotonic() - self._started)

    async def deliver(self, send: PlannedSend) -> Outcome | None:
        """Claim, send and mark one send; its outcome, None when not sent by this tick."""
        if send.key in self.waited:
            on_time = still_useful(send, self.today)
        else:
            on_time = timely(send, self.today)
        decision = self.gate.decision(send) if on_time else Decision.SEND  # late: skipped
        if decision is not Decision.SEND:
            status = "waiting" if decision is Decision.WAIT else "skipped"
            error = "bot paused" if decision is Decision.WAIT else outbox.QUOTA_SKIP
            if await asyncio.to_thread(self._hold, send, status, error):
                if decision is Decision.WAIT:
                    self.summary.waiting += 1
                else:
                    self.summary.skipped += 1
                    log.info("schedule skipped key=%s (the bot's monthly quota)", send.key)
            return None
        taken, text, chart = await asyncio.to_thread(self._take, send, on_time)
        if taken is None:
            return None  # sent, being sent, or given up by another tick or worker
        row_id, parts_sent = taken
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
        chat = send.chat

        async def delivered(parts: int) -> None:  # a worker killed after this sends the rest
            await asyncio.to_thread(self._progress, row_id, parts)

        delivery = await self.sender.send(
            chat.platform,
            chat.chat_id,
            text,
            picture,
            document,
            chat.bot,
            skip=parts_sent,
            delivered=delivered,
        )
        if delivery.outcome is Outcome.QUOTA:
            self.gate.out_of_quota(chat.bot_key)
        elif delivery.messages:
            self.gate.works(chat.bot_key)
        await asyncio.to_thread(self._mark, row_id, send, delivery)
        self.summary.sends[(chat.platform, send.kind, str(delivery.outcome))] += 1
        if delivery.outcome is Outcome.SENT or _partly(delivery):
            self.summary.sent += 1
        elif delivery.outcome is Outcome.QUOTA:
            self.summary.waiting += 1
            log.warning("schedule send waits key=%s reason=%s", send.key, delivery.error)
        elif delivery.outcome is Outcome.UNCERTAIN:
            self.summary.uncertain += 1
            log.warning(
                "schedule send uncertain key=%s reason=%s: it may have arrived, never sent "
                "again (outbox status uncertain)",
                send.key,
                delivery.error,
            )
        else:
            self.summary.failed += 1
            log.warning(
                "schedule send %s key=%s reason=%s", delivery.outcome, send.key, delivery.error
            )
        return delivery.outcome

    def _hold(self, send: PlannedSend, status: str, error: str) -> bool:
        """Record a send that waits for its bot, or is skipped for its quota; True when this
        tick recorded it (not already so)."""
        with self.uow() as unit:
            try:
                _claim(
                    unit, send, text="", on_time=False, now=self.clock(), status=status, error=error
                )
                return True
            except IntegrityError:
                unit.rollback()
            changed = outbox.hold(
                unit.session, send.key, status=status, error=error, max_attempts=MAX_ATTEMPTS
            )
            unit.commit()
            return changed and status == "skipped"

    def _take(
        self, send: PlannedSend, on_time: bool
    ) -> tuple[tuple[int, int] | None, str, Tally | None]:
        """Write the send's text and claim it: its row id and messages delivered by an
        earlier try (None: not ours), its text and chart."""
        text, chart = "", None
        with self.uow() as unit:
            if self.lease and not outbox.live_leases(unit.session, {self.lease}):
                raise LostLead(send.key)
            if on_time:
                text, chart = _content(unit, send, self.catalogue, self.today)
            taken = _claim_or_retake(
                unit,
                send,
                text=text,
                on_time=on_time,
                now=self.clock(),
                waited=send.key in self.waited,
                lease=self.lease,
                gone=self.gone,
            )
            return taken, text, chart

    def _progress(self, row_id: int, parts: int) -> None:
        with self.uow() as unit:
            outbox.progress(unit.session, row_id, parts)
            unit.commit()

    def _mark(self, row_id: int, send: PlannedSend, delivery: Delivery) -> None:
        """Mark the send; count the messages it took; a bot refused for its quota pauses, a
        bot that sent works again; a chat that has a new id keeps its link under it."""
        bot = send.chat.bot_key
        quota = delivery.outcome is Outcome.QUOTA
        # a send cut off by the quota after its first piece went counts as sent: sending it
        # again later would repeat what the chat already has
        status = ("sent" if _partly(delivery) else "waiting") if quota else delivery.outcome
        with self.uow() as unit:
            session = unit.session
            outbox.mark(session, row_id, status=status, now=self.clock(), error=delivery.error)
            if delivery.moved_to is not None:  # a Telegram group upgraded to a supergroup
                old, new = send.chat.chat_id, delivery.moved_to
                linked = move_chat(session, platform=bot[0], bot=bot[1], old=old, new=new)
                log.warning("schedule chat moved %s %s -> %s linked=%s", bot[0], old, new, linked)
            if delivery.messages:
                month = bot_usage.month_of(self.now, self.zone)
                bot_usage.add_sent(
                    session, bot, month=month, kind=send.kind, count=delivery.messages
                )
                if not quota and bot_usage.resume(session, bot):
                    log.warning("%s bot=%s sends again: quota back", bot[0], bot[1] or "-")
            if quota:
                reason = delivery.error or "quota exceeded"
                if bot_usage.pause(session, bot, now=self.clock(), reason=reason):
                    log.warning(
                        "%s bot=%s out of quota: scheduled sends wait", bot[0], bot[1] or "-"
                    )
            elif send.key in self.gate.probes:
                bot_usage.touch_pause(session, bot, now=self.clock())
            unit.commit()


def _partly(delivery: Delivery) -> bool:
    """Refused for the quota after some of its pieces went out."""
    return delivery.outcome is Outcome.QUOTA and delivery.messages > 0


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
    if send.kind in NOTICES:
        return NOTICES[send.kind].format(bot=send.bot_label), None
    if send.kind in CAMPAIGN_KINDS:
        return campaign_text(unit.session, send, catalogue, today=today), None
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
    unit: UnitOfWork,
    send: PlannedSend,
    *,
    text: str,
    on_time: bool,
    now: datetime,
    status: str | None = None,
    error: str | None = None,
    lease: str = "",
) -> int | None:
    """Add a send's row in a committed transaction (IntegrityError: it has one); its id."""
    row = outbox.claim(
        unit.session,
        lease=lease,
        key=send.key,
        kind=send.kind,
        platform=send.chat.platform,
        chat_id=send.chat.chat_id,
        bot=send.chat.bot,
        text=text,
        due_at=send.at,
        now=now,
        status=status or ("claimed" if on_time else "skipped"),
        error=error,
    )
    unit.commit()
    return row.id


def _claim_or_retake(
    unit: UnitOfWork,
    send: PlannedSend,
    *,
    text: str,
    on_time: bool,
    now: datetime,
    waited: bool = False,
    lease: str = "",
    gone: frozenset[str] = frozenset(),
) -> tuple[int, int] | None:
    """Claim a send (or a failed or waiting one's retry) in a committed transaction: its
    row id and the messages an earlier try delivered. A waiting send no longer worth
    sending is skipped."""
    try:
        row_id = _claim(unit, send, text=text, on_time=on_time, now=now, lease=lease)
    except IntegrityError:
        unit.rollback()
    else:
        return None if row_id is None else (row_id, 0)
    if not on_time:
        if waited and outbox.hold(
            unit.session, send.key, status="skipped", error="late", max_attempts=MAX_ATTEMPTS
        ):
            unit.commit()
        return None
    taken = outbox.reclaim(
        unit.session,
        send.key,
        max_attempts=MAX_ATTEMPTS,
        now=now,
        stale_after=STALE_CLAIM,
        text=text,
        lease=lease,
        gone=gone,
    )
    unit.commit()
    return taken
