"""Zalo updates as the live platform hands them out: maybe more than once, maybe at once.

Usage:
    seen = Seen(bot="to1")
    if seen.first(chat_id, message_id): ...          # else: a copy, dropped without a word
    await poll(client, take, stop, floor=1.0, bot="to1")   # take(update) -> new message?

getUpdates answers one update per call, with no offset and no acknowledgement. One
integrator measured consumed updates coming back on every later poll (another did not),
and the webhook may post a message twice. Every answer counts against the bot's monthly
quota, so a copy of a message already taken in costs nothing: no answer, no send. And a
poll that brought nothing new (a copy, an empty answer, even an instant 408) is followed
by the next one no sooner than `floor` seconds after it began, so a replaying server is
never polled in a tight loop; a poll that brought a new message is followed at once, so a
burst of members writing is not slowed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from bot.channels.zalo_api import ZaloClient, ZaloError

log = logging.getLogger(__name__)
RECENT = 2000  # messages remembered per bot: far more than arrive while Zalo replays some
POLL_SECONDS = 30  # getUpdates' long poll
MOST_BACKOFF = 60.0  # seconds between polls while getUpdates fails


class Seen:
    """The messages one bot took in lately, by chat and message id.

    A restart forgets them: the engine then finds the message handled before and, told
    `silent_redelivery`, answers nothing either (the same holds between workers).
    """

    def __init__(self, *, bot: str = "", size: int = RECENT) -> None:
        self._keys: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._size = size
        self._bot = bot or "-"
        self.copies = 0  # copies dropped so far

    def first(self, chat_id: str, message_id: object) -> bool:
        """Whether this is the first delivery of the message here (remembered from now on);
        without a message id nothing can be told, so it is not taken for a copy."""
        if not message_id:
            return True
        key = (chat_id, str(message_id))
        if key in self._keys:
            self._keys.move_to_end(key)
            self.copies += 1
            if self.copies == 1:  # once: that the platform replays is worth knowing
                log.info("zalo bot=%s delivered a message again: copies are dropped", self._bot)
            return False
        self._keys[key] = None
        if len(self._keys) > self._size:
            self._keys.popitem(last=False)
        return True


async def poll(
    client: ZaloClient,
    take: Callable[[dict[str, Any]], bool],
    stop: asyncio.Event,
    *,
    floor: float,
    bot: str = "",
) -> None:
    """Fetch updates with getUpdates until stopped, handing each to `take` (True: it was a
    new message); outages are waited out, and a poll that brought nothing new is followed
    by the next `floor` seconds after it began at the soonest."""
    failures, began, rest = 0, 0.0, False
    while not stop.is_set():
        if rest:
            await asyncio.sleep(max(0.0, began + floor - time.monotonic()))
        began = time.monotonic()
        try:
            update = await client.get_updates(timeout=POLL_SECONDS)
            failures = 0
        except ZaloError as exc:
            failures += 1
            wait = max(floor, min(MOST_BACKOFF, 2.0**failures))
            log.warning("zalo getUpdates failed bot=%s reason=%s wait=%.0fs", bot or "-", exc, wait)
            await asyncio.sleep(wait)
            rest = False
            continue
        rest = update is None or not take(update)


WEBHOOK_RETRY = (5.0, 300.0)  # seconds: the first wait before trying again, the longest


async def register_webhook(
    client: ZaloClient,
    url: str,
    secret: str,
    *,
    bot: str = "",
    retry: tuple[float, float] = WEBHOOK_RETRY,
) -> None:
    """Register the webhook with Zalo, once the web server listens (Zalo may post at once);
    while Zalo refuses, the server keeps serving and the bot tries again, each wait twice
    the last (5 s up to 5 minutes)."""
    wait, most = retry
    while True:
        try:
            await client.set_webhook(url, secret)
        except ZaloError as exc:  # its text holds Zalo's code and words, never the token
            log.warning(
                "Bot Zalo %s chưa đăng ký được webhook %s với Zalo (%s); máy chủ web vẫn chạy, "
                "thử lại sau %g giây.",
                bot or "-",
                url,
                exc,
                wait,
            )
            await asyncio.sleep(wait)
            wait = min(wait * 2, most)
            continue
        log.info("zalo webhook bot=%s url=%s", bot or "-", url)
        return
