"""Erasing a member's personal data while their logs stay as anonymous counts."""

from __future__ import annotations

import json
import re
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.invites import attempt_ref
from storage.models import (
    ChatIdentity,
    ConversationState,
    InviteAttempt,
    InviteCode,
    Member,
    OutboxMessage,
    ProcessedMessage,
    SupportLog,
    WebSession,
)
from storage.personal import sender_ref

ERASED_NAME = "(đã xoá)"


def erase_member(
    session: Session,
    member_id: int,
    *,
    now: datetime,
    secret: bytes,
    current_message: str | None = None,
) -> None:
    """Drop name, phone, roster note, chat accounts, pending steps, invite codes, web
    sessions, past answers and messages to them or naming them.

    The logs stay, as anonymous counts (services, counts, day, team): they lose their note,
    place, photo and chat message key. Kept photo files go with the next daily clean-up.
    `current_message` is the message asking for the erasure, still being handled: its
    answer stays, without its sender.
    """
    member = session.get_one(Member, member_id)
    name = member.name
    identities = list(session.exec(select(ChatIdentity).where(ChatIdentity.member_id == member_id)))
    for identity in identities:
        platform, user_id = identity.platform, identity.user_id
        session.execute(
            delete(ConversationState).where(
                col(ConversationState.platform) == platform,
                col(ConversationState.user_id) == user_id,
            )
        )
        sender = sender_ref(secret, platform, user_id)
        session.execute(
            delete(ProcessedMessage).where(
                col(ProcessedMessage.sender) == sender,
                col(ProcessedMessage.message_key) != (current_message or ""),
            )
        )
        session.execute(
            update(ProcessedMessage)
            .where(col(ProcessedMessage.message_key) == (current_message or ""))
            .values(sender=None)
        )
        session.execute(  # their private chat's messages: reminders, notices, copies
            delete(OutboxMessage).where(
                col(OutboxMessage.platform) == platform, col(OutboxMessage.chat_id) == user_id
            )
        )
        session.execute(
            delete(InviteAttempt).where(
                col(InviteAttempt.who) == attempt_ref(secret, platform, user_id)
            )
        )
        session.delete(identity)
    _forget_name(session, name, current_message)
    session.execute(
        update(SupportLog)
        .where(col(SupportLog.member_id) == member_id)
        .values(message_key=None, note=None, place=None, photo_file_id=None)
    )
    session.execute(delete(InviteCode).where(col(InviteCode.member_id) == member_id))
    session.execute(delete(WebSession).where(col(WebSession.member_id) == member_id))
    member.name, member.phone, member.note, member.erased_at = ERASED_NAME, None, None, now
    member.nudges = False
    session.add(member)


def _forget_name(session: Session, name: str, current_message: str | None) -> None:
    """Stored answers and group messages that name them ("Chưa ghi tuần này: …", a tally):
    answers kept for redelivery go; a group message, sent or still to be sent, names them
    as erased (its row stays, so it is never planned and sent again)."""
    if not name or name == ERASED_NAME:
        return
    # the whole name, never a part of another: erasing "Lê Văn Tá" leaves "Lê Văn Tám"
    whole = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    for row in session.exec(select(ProcessedMessage)):
        if row.message_key != current_message and whole.search(
            json.dumps(row.replies, ensure_ascii=False)
        ):
            session.delete(row)
    named = select(OutboxMessage).where(col(OutboxMessage.text).contains(name))
    for message in session.exec(named):
        if whole.search(message.text):
            message.text = whole.sub(ERASED_NAME, message.text)
            session.add(message)
