"""What the scheduled jobs say about a send: how it went, and who delivers it."""

from __future__ import annotations

import collections
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple, Protocol

# told how many of a send's messages are delivered so far, after each but the last
Progress = Callable[[int], Awaitable[None]]


class Outcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # the person blocked the bot, or it was removed from the group
    QUOTA = "quota"  # the platform refused it for the bot's quota: it waits
    # it left, and no answer came back (a timeout, a dropped connection, a gateway's 5xx):
    # it may be in the chat, so it is never sent again
    UNCERTAIN = "uncertain"


class Delivery(NamedTuple):
    """How a send went, and how many messages this try took (plans count every one)."""

    outcome: Outcome
    error: str | None = None
    messages: int = 0
    # the chat's new id, when it turned out to have one (a Telegram group upgraded to a
    # supergroup): the rest went there, and the group's link follows
    moved_to: str | None = None


class Sender(Protocol):
    """Delivers a text, a picture where the chat can show one, a file; never raises.

    A send may take several messages (a long text's pieces, then the picture, then the
    file): `skip` leaves out the first ones, delivered by an earlier try, and `delivered`
    is told the count after each one but the last, so the outbox can record it."""

    async def send(
        self,
        platform: str,
        chat_id: str,
        text: str,
        picture: Path | None = None,
        document: Path | None = None,
        bot: str = "",
        *,
        skip: int = 0,
        delivered: Progress | None = None,
    ) -> Delivery: ...


@dataclass
class TickSummary:
    # each send's (platform, kind, outcome), for the operator's metrics
    sends: collections.Counter[tuple[str, str, str]] = field(
        default_factory=collections.Counter, compare=False, repr=False
    )
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    waiting: int = 0  # kept for a bot out of quota
    uncertain: int = 0  # may have arrived: not sent again
