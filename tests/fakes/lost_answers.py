"""Answers lost on the way back, for both fake platforms: the call took effect (the message
is in the chat), and the bot never learns it.

- `DroppedAnswer()`: the connection closes halfway through the answer (the bot's HTTP
  client raises RemoteProtocolError), as when a proxy or the network drops it;
- `held(seconds, closing)`: the answer waits past the bot's read timeout (ReadTimeout);
- a gateway's 5xx page after the call took effect is the fake's own ApiError, answered late.

uvicorn logs an error when an app breaks off an answer; the break here is on purpose, so
that log line is left out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

__all__ = ["HOW", "DroppedAnswer", "held"]

HOW = ("timeout", "drop", "502")  # how an answer is lost


class _Dropped(Exception):
    """Ends an answer halfway on purpose: uvicorn then closes the connection."""


def _not_on_purpose(record: logging.LogRecord) -> bool:
    return not (record.exc_info and isinstance(record.exc_info[1], _Dropped))


logging.getLogger("uvicorn.error").addFilter(_not_on_purpose)


class DroppedAnswer(Response):
    """A 200 answer that stops after a few bytes: the connection is closed under it."""

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", b"200")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b'{"ok": tr', "more_body": True})
        raise _Dropped


async def held(seconds: float, closing: Callable[[], bool]) -> None:
    """Wait `seconds` (past the bot's read timeout), or until the server stops."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not closing():
        await asyncio.sleep(0.05)
