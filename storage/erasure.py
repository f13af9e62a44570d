"""Erasing a member's personal data while their logs stay as anonymous counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from storage.models import (
    ChatIdentity,
    ConversationState,
    InviteCode,
    Member,
    ProcessedMessage,
    SupportLog,
    WebSession,
)
from storage.queries import sender_ref

ERASED_NAME = "(đã xoá)"


def erase_member(
    session: Session, member_id: int, *, now: datetime, current_message: str | None = None
) -> None:
    """Drop name, phone, chat accounts, pending steps, invite codes, web sessions and past
    answers.

    The logs stay, as anonymous counts: they lose the chat message key (it names the
    chat). `current_message` is the message asking for the erasure, still being handled.
    """
    identities = list(session.exec(select(ChatIdentity).where(ChatIdentity.member_id == member_id)))
    for identity in identities:
        session.execute(
            delete(ConversationState).where(
                col(ConversationState.platform) == identity.platform,
                col(ConversationState.user_id) == identity.user_id,
            )
        )
        session.execute(
            delete(ProcessedMessage).where(
                col(ProcessedMessage.sender) == sender_ref(identity.platform, identity.user_id),
                col(ProcessedMessage.message_key) != (current_message or ""),
            )
        )
        session.delete(identity)
    session.execute(
        update(SupportLog).where(col(SupportLog.member_id) == member_id).values(message_key=None)
    )
    session.execute(delete(InviteCode).where(col(InviteCode.member_id) == member_id))
    session.execute(delete(WebSession).where(col(WebSession.member_id) == member_id))
    member = session.get_one(Member, member_id)
    member.name, member.phone, member.erased_at = ERASED_NAME, None, now
    member.nudges = False
    session.add(member)
