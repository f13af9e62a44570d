"""The scheduled job: send what is due, each message exactly once (the outbox).

`tick(now)` plans the sends due up to `now`, claims each by its unique key in a committed
transaction before it goes out, and marks it sent or failed after. A second worker, a
second tick or a restart finds the key taken and sends nothing; a failed send is tried
again on later ticks (three tries in all), and so is a claim never marked 5 minutes on (its
process was killed: storage/outbox.py names the one window for a double send). A send
missed while the bot was down is caught up if still timely (a reminder: the same day; a
tally: within two days), otherwise it is recorded as skipped. A send through a bot the
platform paused for its quota waits in the outbox and goes, with today's figures, once the
bot works again (schedules/gate.py); the officers are told of the pause once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers import texts
from handlers.catalogue import load_catalogue
from schedules.backups import FAILED
from schedules.delivery import Delivery, Outcome, Sender, TickSummary
from schedules.gate import BotKey, BotPlan, Gate, still_useful
from schedules.planner import Notice, PlannedSend, plan
from schedules.sending import (
    CATCH_UP_DAYS,
    MAX_ATTEMPTS,
    STALE_CLAIM,
    LostLead,
    SendRun,
    timely,
)
from schedules.snapshot import ward_views
from storage import audit, bot_usage, outbox
from storage.models import BotPause
from storage.uow import UowFactory

__all__ = [
    "MAX_ATTEMPTS",
    "SENDERS",
    "STALE_CLAIM",
    "Delivery",
    "LostLead",
    "Outcome",
    "Sender",
    "TickSummary",
    "tick",
    "timely",
]
log = logging.getLogger(__name__)
SENDERS = 8  # chats sent to at once
WAIT_AT_MOST = timedelta(days=35)  # a send waiting for its bot longer than this is not tried


async def tick(
    uow: UowFactory,
    sender: Sender,
    *,
    now: datetime,
    zone: ZoneInfo,
    charts_dir: Path = Path("data/charts"),
    exports_dir: Path = Path("data/exports"),
    bots: Mapping[BotKey, BotPlan] | None = None,
    lease: str = "",
) -> TickSummary:
    """Send everything due up to `now` that has not been sent; returns what happened.

    Up to `SENDERS` chats are sent to at once (the sender's rate limiter paces them to
    the platform's limits), each chat's messages one after another in their planned order.
    `bots` names the bots and their monthly limits (schedules/gate.py): a send through a
    paused bot waits in the outbox, one that does not fit a bot's quota is skipped.
    `lease`: the leader's (storage/locks.py), stamped on its claims; the claims of a leader
    whose lease is gone are taken again at once, and once this one's is gone the tick
    claims nothing more (LostLead).
    """
    today = now.astimezone(zone).date()
    bots = bots or {}
    with uow() as unit:
        session = unit.session
        # sends not done yet (waiting for their bot, or failed with tries left) are planned
        # again as far back as they go, so they are sent with today's figures or let go
        waiting = {row.key: row for row in outbox.open_sends(session, max_attempts=MAX_ATTEMPTS)}
        oldest = min((r.due_at.astimezone(zone).date() for r in waiting.values()), default=today)
        start = max(min(today - timedelta(days=CATCH_UP_DAYS), oldest), today - WAIT_AT_MOST)
        paused = bot_usage.pauses(session)
        planned = plan(
            ward_views(session, zone=zone, bots=bots),
            start=start,
            end=today,
            zone=zone,
            notices=(
                *bot_notices(session, bots, paused, now=now, zone=zone),
                *backup_notices(session, now=now, zone=zone),
            ),
        )
        catalogue = load_catalogue(session)
        blocked = outbox.blocked_chats(session)
        month = bot_usage.month_of(now, zone)
        used = {
            bot: bot_usage.sent_this_month(session, bot, month)
            for bot, limits in bots.items()
            if limits.monthly_messages
        }
        recent = today - timedelta(days=CATCH_UP_DAYS)
        due = list(
            {
                send.key: send
                for send in planned
                if send.at <= now
                and (send.chat.platform, send.chat.chat_id) not in blocked  # not tried
                and (send.at.date() >= recent or send.key in waiting)
            }.values()
        )
        gate = Gate(bots, used, {bot: p.tried_at for bot, p in paused.items()}, now)
        useful = [s for s in due if gate.gated(s.chat.bot_key) and worth(s, today, waiting)]
        finished = outbox.finished(session, [s.key for s in useful], max_attempts=MAX_ATTEMPTS)
        gate.decide(useful, finished)
        # a send not done yet that is no longer planned (the team submitted, the member
        # logged, the deadline is gone) needs sending no more
        gone = set(waiting) - {send.key for send in due}
        for key in gone:
            outbox.hold(
                session, key, status="skipped", error="no longer needed", max_attempts=MAX_ATTEMPTS
            )
        unit.commit()
        keys = [send.key for send in due]
        gone_leaders = frozenset(outbox.gone_leases(session))
        settled = outbox.settled(
            session,
            keys,
            now=now,
            stale_after=STALE_CLAIM,
            max_attempts=MAX_ATTEMPTS,
            gone=gone_leaders,
        )
    by_chat: dict[tuple[str, str], list[PlannedSend]] = {}
    for send in due:
        if send.key in settled:
            continue  # sent, or being sent: nothing to work out again
        by_chat.setdefault((send.chat.platform, send.chat.chat_id), []).append(send)
    run = SendRun(uow, sender, catalogue, today, now, zone, charts_dir, exports_dir)
    run.gate, run.waited = gate, set(waiting)
    run.lease, run.gone = lease, gone_leaders
    run.summary.skipped += len(gone)
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


def worth(send: PlannedSend, today: date, waiting: Mapping[str, object]) -> bool:
    """Whether a send is still worth sending today (one not done yet: while useful)."""
    return still_useful(send, today) if send.key in waiting else timely(send, today)


def bot_notices(
    session: Session,
    bots: Mapping[BotKey, BotPlan],
    paused: Mapping[BotKey, BotPause],
    *,
    now: datetime,
    zone: ZoneInfo,
) -> tuple[Notice, ...]:
    """What the officers must hear: a bot paused for its quota, a bot that turned someone
    away because it is full (once a day)."""
    found: dict[tuple[str, ...], Notice] = {
        ("bot_paused", *bot): Notice(
            "bot_paused",
            bot[0],
            bot[1],
            _bot_label(bots, bot),
            p.since.astimezone(zone),
            p.since.isoformat(),
        )
        for bot, p in paused.items()
    }
    for entry in audit.entries_since(session, "bot_full", now - timedelta(days=CATCH_UP_DAYS)):
        bot = (str(entry.detail.get("platform", "")), str(entry.detail.get("bot", "")))
        at = entry.at.astimezone(zone)
        day = at.date().isoformat()  # the first refusal of a day tells; the others are news
        notice = Notice("bot_full", *bot, _bot_label(bots, bot), at, day)
        found.setdefault(("bot_full", *bot, day), notice)
    return tuple(found.values())


MORNING = 7  # a failed backup is told from 07:00 local time


def backup_notices(session: Session, *, now: datetime, zone: ZoneInfo) -> tuple[Notice, ...]:
    """A daily backup that failed, told to the officers once (it is tried once a day), not
    before the morning: a backup fails at night, nobody needs waking for it."""
    found = []
    for entry in audit.entries_since(session, FAILED, now - timedelta(days=CATCH_UP_DAYS)):
        at = entry.at.astimezone(zone)
        when = texts.TIME_ON_DAY.format(time=f"{at:%H:%M}", day=f"{at:%d/%m/%Y}")
        morning = at.replace(hour=MORNING, minute=0, second=0, microsecond=0)
        found.append(Notice("backup_failed", "", "", when, max(at, morning), at.isoformat()))
    return tuple(found)


def _bot_label(bots: Mapping[BotKey, BotPlan], bot: BotKey) -> str:
    platform = texts.PLATFORM_NAMES.get(bot[0], bot[0])
    plan = bots.get(bot)
    return f"{plan.label if plan else bot[1] or 'Bot'} ({platform})"
