"""A group chat that got a new id keeps its link and its outbox history. Never commits.

A platform may give a group a new id: Telegram does when a group is upgraded to a
supergroup, and then refuses every send to the old id. The linked group follows, and so do
the outbox's rows for the old id, whose keys name the chat (schedules/planner.py): planned
again under the new id, a send already made is found made, never sent twice.
"""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import GroupChat, OutboxMessage


def move_chat(session: Session, *, platform: str, bot: str, old: str, new: str) -> bool:
    """Point the group linked as `old` (through `bot`) at `new`; True when one was linked.

    When `new` is linked already (someone ran /lienket in the new group first), that link
    stays and the old one goes. Outbox rows move too, but for a send the new chat has had
    under its own key.
    """
    linked = _group(session, platform, bot, old)
    if linked is not None:
        if _group(session, platform, bot, new) is not None:
            session.delete(linked)
        else:
            linked.chat_id = new
            session.add(linked)
    before, after = f":{platform}:{old}", f":{platform}:{new}"
    rows = select(OutboxMessage).where(
        OutboxMessage.platform == platform, OutboxMessage.bot == bot, OutboxMessage.chat_id == old
    )
    for row in session.exec(rows).all():
        key = row.key.removesuffix(before) + after if row.key.endswith(before) else row.key
        taken = select(OutboxMessage.id).where(OutboxMessage.key == key, OutboxMessage.id != row.id)
        if session.exec(taken).first() is not None:
            continue  # sent to the new chat already: this row stays the old chat's history
        row.key, row.chat_id = key, new
        session.add(row)
    session.flush()
    return linked is not None


def _group(session: Session, platform: str, bot: str, chat_id: str) -> GroupChat | None:
    stmt = select(GroupChat).where(
        GroupChat.platform == platform, GroupChat.bot == bot, GroupChat.chat_id == chat_id
    )
    return session.exec(stmt).first()
