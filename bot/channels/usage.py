"""Counting what each bot sends, and pausing a bot the platform says is out of quota.

Usage:
    meter = UsageMeter(app.uow, zone=config.zone, clock=app.clock)
    await asyncio.to_thread(meter.sent, ("zalo", "to1"), "reply", 2)
    await asyncio.to_thread(meter.out_of_quota, ("zalo", "to1"), "429 Quota exceeded")

Every message counts once in the calendar month (local time) it went out in: Zalo's plans
cap a bot's messages a month. A bot that sent something again is no longer paused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from storage import bot_usage
from storage.bot_usage import BotKey, month_of
from storage.uow import UowFactory

log = logging.getLogger(__name__)


class UsageMeter:
    """Writes each bot's sends and pauses to the database (call it from a thread)."""

    def __init__(self, uow: UowFactory, *, zone: ZoneInfo, clock: Callable[[], datetime]):
        self._uow, self._zone, self._clock = uow, zone, clock

    def sent(self, bot: BotKey, kind: str, count: int) -> None:
        """`count` messages went out through `bot`: counted, and the bot works again."""
        if count <= 0:
            return
        with self._uow() as unit:
            month = month_of(self._clock(), self._zone)
            bot_usage.add_sent(unit.session, bot, month=month, kind=kind, count=count)
            resumed = bot_usage.resume(unit.session, bot)
            unit.commit()
        if resumed:
            log.warning("%s bot=%s sends again: quota back", bot[0], bot[1] or "-")

    def out_of_quota(self, bot: BotKey, reason: str) -> None:
        """The platform refused a send for the quota: scheduled sends wait from now on."""
        with self._uow() as unit:
            new = bot_usage.pause(unit.session, bot, now=self._clock(), reason=reason)
            unit.commit()
        if new:
            log.warning(
                "%s bot=%s out of quota: scheduled sends wait reason=%s",
                bot[0],
                bot[1] or "-",
                reason,
            )
