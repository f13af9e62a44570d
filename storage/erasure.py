"""Erasing a member's personal data while their logs stay as anonymous counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import ChatIdentity, ConversationState, InviteCode, Member

ERASED_NAME = "(đã xoá)"


def erase_member(session: Session, member_id: int, *, now: datetime) -> None:
    """Drop name, phone, chat accounts, pending steps and invite codes of a member."""
    identities = list(session.exec(select(ChatIdentity).where(ChatIdentity.member_id == member_id)))
    for identity in identities:
        session.execute(
            delete(ConversationState).where(
                col(ConversationState.platform) == identity.platform,
                col(ConversationState.user_id) == identity.user_id,
            )
        )
        session.delete(identity)
    session.execute(delete(InviteCode).where(col(InviteCode.member_id) == member_id))
    member = session.get_one(Member, member_id)
    member.name, member.phone, member.erased_at = ERASED_NAME, None, now
    member.nudges = False
    session.add(member)
