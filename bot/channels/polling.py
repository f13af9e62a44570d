"""One worker polls Telegram: the one holding a PostgreSQL advisory lock; the others stand by.

Telegram hands a bot's updates to one getUpdates at a time: a second process polling the
same token cuts the first one's long poll off with 409 Conflict, and the two keep cutting
each other off, each getting part of the messages. So with several workers on one
PostgreSQL only the worker holding the poller lock (a storage/locks.py `LeaderLock` on
`POLLER_LOCK`) polls. The others run the schedule, the web server and their sends like it,
try the lock every few seconds, and one takes over within seconds when the poller stops or
dies (PostgreSQL frees a dead connection's lock). With SQLite there is one process, and it
polls. In webhook mode none of this is needed: every worker takes the webhook's requests.

Usage:
    lock = LeaderLock(app.db, POLLER_LOCK)
    task = asyncio.create_task(poll_while_elected(channel, lock))
    ...
    task.cancel()  # polling stops, then the lock goes
"""

from __future__ import annotations

import asyncio
import logging

from bot.channels.telegram import TelegramChannel
from storage.locks import LeaderLock

log = logging.getLogger(__name__)
POLLER_LOCK = 471_130_003  # an advisory lock key, beside storage/locks.py's and migrate.py's
STANDBY_SECONDS = 5.0  # how often a worker standing by tries the lock


async def poll_while_elected(
    channel: TelegramChannel, lock: LeaderLock, *, every: float = STANDBY_SECONDS
) -> None:
    """Poll Telegram while this worker holds the poller lock and stand by while another
    does, until cancelled; then stop polling and give the lock up."""
    polling = standing_by = False
    try:
        while True:
            held = await _holds(lock)
            if held and not polling:
                await channel.start_polling()
                polling, standing_by = True, False
                log.info("telegram polling")
            elif polling and not held:  # its connection was lost: another worker may poll now
                await channel.stop_polling()
                polling = False
                log.warning("telegram polling stopped: this worker lost the poller lock")
            if not held and not standing_by:
                standing_by = True
                log.info(
                    "telegram standby: another worker polls Telegram; this one takes over "
                    "when it stops (checked every %.0f s)",
                    every,
                )
            await asyncio.sleep(every)
    finally:  # cancelled (once): these awaits still run
        if polling:  # stopped before the lock goes, so that two never poll at once
            await channel.stop_polling()
        try:
            await asyncio.to_thread(lock.release)
        except Exception as exc:  # its connection is gone, and the lock with it
            log.warning("telegram poller lock not released reason=%s", type(exc).__name__)


async def _holds(lock: LeaderLock) -> bool:
    """Whether this worker holds the lock; not while the database cannot say (the engine
    cannot answer anyone then either, and updates wait at Telegram for a day)."""
    try:
        return await asyncio.to_thread(lock.try_acquire)
    except Exception as exc:
        log.warning("telegram poller lock unknown reason=%s", type(exc).__name__)
        return False
