"""What each bot sent this month, which bots the platform has paused, who joined through
which bot, how many people wrote to it this month. Never commits.

Plans on some platforms (Zalo) cap the messages a bot sends in a calendar month and the
users it serves; these rows are what the bot knows of both. Two figures stand for users:
the members linked through a bot (what `max_users` is checked against when someone joins)
and everyone who wrote to it this month, joined or not (what Zalo likely counts).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import BotPause, BotSender, BotUsage, ChatIdentity, GroupChat, Member

BotKey = tuple[str, str]  # (platform, bot name; "" is the platform's only bot)


def month_of(now: datetime, zone: ZoneInfo) -> str:
    """The calendar month a message counts in (local time), as YYYY-MM."""
    return now.astimezone(zone).strftime("%Y-%m")


def _insert(session: Session) -> Any:
    """INSERT … ON CONFLICT of the session's database."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def add_sent(session: Session, bot: BotKey, *, month: str, kind: str, count: int = 1) -> None:
    """Count `count` messages a bot sent this month (one statement, safe between workers)."""
    if count <= 0:
        return
    insert = _insert(session)
    table = BotUsage.__table__  # type: ignore[attr-defined]
    stmt = insert(table).values(platform=bot[0], bot=bot[1], month=month, kind=kind, count=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "bot", "month", "kind"],
        set_={"count": table.c.count + stmt.excluded.count},
    )
    session.execute(stmt)


def month_usage(session: Session, month: str) -> dict[BotKey, dict[str, int]]:
    """Each bot's messages this month, by kind."""
    found: dict[BotKey, dict[str, int]] = defaultdict(dict)
    stmt = select(BotUsage).where(BotUsage.month == month)
    for row in session.exec(stmt):
        found[(row.platform, row.bot)][row.kind] = row.count
    return dict(found)


def sent_this_month(session: Session, bot: BotKey, month: str) -> int:
    """All messages one bot sent this month."""
    stmt = select(func.coalesce(func.sum(BotUsage.count), 0)).where(
        BotUsage.platform == bot[0], BotUsage.bot == bot[1], BotUsage.month == month
    )
    return int(session.exec(stmt).one())


def add_sender(session: Session, bot: BotKey, *, month: str, sender: str) -> None:
    """Someone (a keyed hash: storage.personal.monthly_sender_ref) wrote to a bot this
    month; once per month however often they write (one statement, safe between workers)."""
    table = BotSender.__table__  # type: ignore[attr-defined]
    stmt = _insert(session)(table).values(platform=bot[0], bot=bot[1], month=month, sender=sender)
    session.execute(stmt.on_conflict_do_nothing())


def senders_per_bot(session: Session, platform: str, month: str) -> dict[str, int]:
    """How many people wrote to each bot of a platform in a month, joined or not."""
    stmt = (
        select(BotSender.bot, func.count())
        .where(BotSender.platform == platform, BotSender.month == month)
        .group_by(col(BotSender.bot))
    )
    return {bot: int(n) for bot, n in session.exec(stmt)}


def forget_senders_before(session: Session, month: str) -> int:
    """Remove the senders of months before `month` (only this month's and the last are
    shown); how many rows went."""
    stmt = delete(BotSender).where(col(BotSender.month) < month)
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def pause(session: Session, bot: BotKey, *, now: datetime, reason: str) -> bool:
    """Record that the platform stopped a bot; True when it was not paused already.

    One statement either way, so two refusals at once (two chats, or a reply and the
    schedule) both end well: the first pauses, the second only says when it tried.
    """
    table = BotPause.__table__  # type: ignore[attr-defined]
    values = {"platform": bot[0], "bot": bot[1], "since": now, "reason": reason[:300]}
    stmt = _insert(session)(table).values(**values, tried_at=now)
    stmt = stmt.on_conflict_do_nothing(index_elements=["platform", "bot"])
    if session.execute(stmt).rowcount:  # type: ignore[attr-defined]
        return True
    touch_pause(session, bot, now=now)
    return False


def resume(session: Session, bot: BotKey) -> bool:
    """The bot sends again; True when it had been paused."""
    stmt = delete(BotPause).where(col(BotPause.platform) == bot[0], col(BotPause.bot) == bot[1])
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def touch_pause(session: Session, bot: BotKey, *, now: datetime) -> None:
    """A paused bot was tried again just now (and is still paused)."""
    stmt = (
        update(BotPause)
        .where(col(BotPause.platform) == bot[0], col(BotPause.bot) == bot[1])
        .values(tried_at=now)
    )
    session.execute(stmt)


def pauses(session: Session) -> dict[BotKey, BotPause]:
    """The paused bots."""
    return {(p.platform, p.bot): p for p in session.exec(select(BotPause))}


def users_of_bot(session: Session, bot: BotKey) -> int:
    """People linked through one bot (erased members no longer count)."""
    stmt = (
        select(func.count())
        .select_from(ChatIdentity)
        .join(Member, col(Member.id) == col(ChatIdentity.member_id))
        .where(
            ChatIdentity.platform == bot[0],
            ChatIdentity.bot == bot[1],
            col(Member.erased_at).is_(None),
        )
    )
    return int(session.exec(stmt).one())


def users_per_bot(session: Session, platform: str) -> dict[str, int]:
    """People linked through each bot of a platform."""
    stmt = (
        select(ChatIdentity.bot, func.count())
        .join(Member, col(Member.id) == col(ChatIdentity.member_id))
        .where(ChatIdentity.platform == platform, col(Member.erased_at).is_(None))
        .group_by(col(ChatIdentity.bot))
    )
    return {bot: int(n) for bot, n in session.exec(stmt)}


def bots_in_use(session: Session, platform: str) -> set[str]:
    """The bots that people and groups of a platform came through."""
    people = select(ChatIdentity.bot).where(ChatIdentity.platform == platform).distinct()
    groups = select(GroupChat.bot).where(GroupChat.platform == platform).distinct()
    return {*session.exec(people), *session.exec(groups)}
