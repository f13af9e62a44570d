"""Which failed sends may be tried again: only those that surely never reached the platform.

A send that reached Telegram or Zalo may have been delivered even when its answer never
came back (a read timeout, a connection dropped after the request went, a gateway's 5xx):
sending it again would put it twice in the member's chat and spend the bot's quota twice.
Only a connection that was never made (refused, timed out while connecting, or no free
connection in the pool) proves the request never left. The rest is "uncertain": recorded,
never repeated.
"""

from __future__ import annotations

import httpx

NEVER_LEFT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def never_left(error: BaseException) -> bool:
    """Whether the request behind `error` surely never left this machine.

    python-telegram-bot wraps httpx's errors (NetworkError, TimedOut): the cause chain says
    what really happened.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, NEVER_LEFT):
            return True
        seen = seen.__cause__
    return False
