"""Who is behind a message, per bot: a platform's user and chat ids are each bot's own.

Zalo issues ids per bot: the same person has another id in each bot, and an id seen by one
bot means nothing in another. So a chat account (and a group) is the one linked through the
bot a message came through, never one linked through another bot. Never commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from storage.bot_usage import BotKey
from storage.models import ChatIdentity, GroupChat, Member


def unnamed_bot(bots: Iterable[BotKey], platform: str) -> str:
    """The bot that accounts and groups linked through the platform's unnamed bot belong to.

    They carry bot "", from when the platform ran one bot without a name. While the
    deployment still runs an unnamed bot (the [zalo] table's own), they are its. Once every
    bot has a name they are the first named bot's: an operator who gave the old bot a name
    lists it first. Not "whichever bot they write through first": an id that happens to
    exist in another bot (or a forged update) would then take a member over for good.
    """
    names = [name for each, name in bots if each == platform]
    return "" if not names or "" in names else names[0]


def _answering(bot: str, unnamed: str) -> list[str]:
    """The bots whose links a message through `bot` may use (its own first)."""
    return [bot, ""] if bot and bot == unnamed else [bot]


def identity_of(
    session: Session, platform: str, user_id: str, *, bot: str, unnamed: str = ""
) -> ChatIdentity | None:
    """The chat account a message through `bot` comes from, if linked (`unnamed`: which
    bot the accounts of the unnamed bot belong to, see unnamed_bot)."""
    bots = _answering(bot, unnamed)
    stmt = select(ChatIdentity).where(
        ChatIdentity.platform == platform,
        ChatIdentity.user_id == user_id,
        col(ChatIdentity.bot).in_(bots),
    )
    return min(session.exec(stmt), key=lambda row: bots.index(row.bot), default=None)


def member_of(session: Session, identity: ChatIdentity | None) -> Member | None:
    """The roster member behind a linked chat account."""
    return None if identity is None else session.get(Member, identity.member_id)


def bind(session: Session, identity: ChatIdentity, bot: str) -> None:
    """Record that an account of the unnamed bot is the named bot's that answered it: its
    reminders go through that bot, and it counts among that bot's users."""
    if identity.bot != bot:
        identity.bot = bot
        session.add(identity)


def group_chat(
    session: Session, platform: str, chat_id: str, *, bot: str, unnamed: str = ""
) -> GroupChat | None:
    """A group chat linked through `bot` (group ids are per bot too)."""
    bots = _answering(bot, unnamed)
    stmt = select(GroupChat).where(
        GroupChat.platform == platform,
        GroupChat.chat_id == chat_id,
        col(GroupChat.bot).in_(bots),
    )
    return min(session.exec(stmt), key=lambda row: bots.index(row.bot), default=None)
