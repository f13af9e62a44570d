"""The scheduler inside `gotungnha run`: APScheduler ticks every minute, one leader at a time."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from handlers.failures import failure_trace
from schedules.backups import BackupPlan, daily_backup
from schedules.delivery import TickSummary
from schedules.gate import BotKey, BotPlan
from schedules.jobs import LostLead, Sender, tick
from storage.locks import LeaderLock
from storage.uow import UowFactory

log = logging.getLogger(__name__)


class ScheduleRunner:
    """Runs `tick` every minute (the first at start: missed sends are caught up)."""

    def __init__(
        self,
        db: Engine,
        uow: UowFactory,
        sender: Sender,
        *,
        zone: ZoneInfo,
        clock: Callable[[], datetime],
        every_seconds: int = 60,
        exports_dir: Path = Path("data/exports"),
        bots: Mapping[BotKey, BotPlan] | None = None,
        backup: BackupPlan | None = None,
        observe: Callable[[str, float, TickSummary | None], None] | None = None,
    ) -> None:
        # told of each tick: led / followed / failed, how long, and what it sent
        self._observe = observe
        self._uow, self._sender, self._zone, self._clock = uow, sender, zone, clock
        self._db, self._backup = db, backup
        self._bots = dict(bots or {})
        self._exports_dir = exports_dir
        self._lock = LeaderLock(db)
        self._scheduler = AsyncIOScheduler(timezone=zone)
        self._every = every_seconds

    def start(self) -> None:
        """Start ticking in the running event loop."""
        self._scheduler.add_job(
            self._tick,
            IntervalTrigger(seconds=self._every),
            next_run_time=datetime.now(self._zone),
            max_instances=1,
            coalesce=True,
            id="tick",
        )
        self._scheduler.start()

    def stop(self) -> None:
        """Stop ticking and give up leadership (again: nothing)."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._lock.release()

    async def _tick(self) -> None:
        started = time.perf_counter()
        if not await asyncio.to_thread(self._lock.try_acquire):
            self._told("followed", started, None)
            return  # another worker leads
        await self._back_up()
        try:
            summary = await tick(
                self._uow,
                self._sender,
                now=self._clock(),
                zone=self._zone,
                exports_dir=self._exports_dir,
                bots=self._bots,
                lease=self._lock.lease,
            )
        except LostLead:
            # its lock's connection closed: another worker may lead and take its claims
            log.warning("schedule tick stopped: this worker no longer leads")
            self._told("failed", started, None)
            return
        except asyncio.CancelledError:
            # the bot is stopping mid-tick: what was claimed and not marked goes again with a
            # later tick, once its claim is stale (schedules/jobs.py), as after a crash
            log.info("schedule tick cut short: the bot is stopping")
            self._told("failed", started, None)
            return
        except Exception as exc:  # the next tick tries again; nothing was marked sent
            # never the error's message: it may quote a reminder's text or a member's name
            log.error("schedule tick failed\n%s", failure_trace(exc))
            self._told("failed", started, None)
            return
        self._told("led", started, summary)
        if summary.sent or summary.failed or summary.skipped:
            log.info(
                "schedule tick sent=%d failed=%d skipped=%d",
                summary.sent,
                summary.failed,
                summary.skipped,
            )

    def _told(self, result: str, started: float, summary: TickSummary | None) -> None:
        if self._observe is not None:
            self._observe(result, time.perf_counter() - started, summary)

    async def _back_up(self) -> None:
        """The leader's daily backup (schedules/backups.py): once a day, after its time."""
        if self._backup is None:
            return
        try:
            await asyncio.to_thread(
                daily_backup, self._db, self._uow, self._backup, now=self._clock(), zone=self._zone
            )
        except Exception:  # the database is down: the next tick tries again
            log.exception("backup check failed")
