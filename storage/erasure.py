"""Erasing a member's personal data while their logs stay as anonymous counts, and the
erasure log that lets a restore from a backup do each erasure made since again.

Usage:
    erase_member(session, member_id, now=now, secret=key)   # also logs the erasure
    earlier = erasure_log(engine)            # before a restore overwrites the database
    redone = redo_erasures(engine, earlier, secret=key, now=now)   # after it
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, inspect, update
from sqlmodel import Session, col, select

from storage.audit import record
from storage.invites import attempt_ref
from storage.models import (
    ChatIdentity,
    ConversationState,
    ErasureRecord,
    InviteAttempt,
    InviteCode,
    Member,
    OutboxMessage,
    ProcessedMessage,
    SupportLog,
    WebSession,
)
from storage.personal import keyed, sender_ref

ERASED_NAME = "(đã xoá)"
REDONE = "erasure_redone"  # the audit action of an erasure done again after a restore


def identity_ref(secret: bytes, platform: str, bot: str, user_id: str) -> str:
    """How the erasure log names a chat account: a keyed hash, useless without the key. The
    bot is part of it: Zalo's user ids are each bot's own (the same id in two is two people)."""
    return keyed(secret, f"identity {platform}:{bot}:{user_id}")


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

    The erasure log keeps the member's id and keyed hashes of their chat accounts, so that
    a restore from an older backup erases them again (`redo_erasures`).
    """
    accounts = session.exec(select(ChatIdentity).where(ChatIdentity.member_id == member_id))
    session.add(
        ErasureRecord(
            ref=secrets.token_hex(16),
            member_id=member_id,
            identities=sorted(
                {identity_ref(secret, i.platform, i.bot, i.user_id) for i in accounts}
            ),
            erased_at=now,
        )
    )
    _erase(session, member_id, now=now, secret=secret, current_message=current_message)


def _erase(
    session: Session,
    member_id: int,
    *,
    now: datetime,
    secret: bytes,
    current_message: str | None = None,
) -> None:
    """The erasure itself (erase_member, and again after a restore), without logging it."""
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


# --- after a restore ---------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedErasure:
    """One row of the erasure log, read apart from any session (before a restore)."""

    ref: str
    member_id: int
    identities: tuple[str, ...]
    erased_at: datetime


def erasure_log(engine: Engine) -> list[LoggedErasure]:
    """Every erasure this database has logged (none when it has no log yet: empty, or a
    schema from before the log)."""
    if not inspect(engine).has_table(ErasureRecord.__tablename__):
        return []
    with Session(engine) as session:
        return [
            LoggedErasure(r.ref, r.member_id, tuple(r.identities), r.erased_at)
            for r in session.exec(select(ErasureRecord).order_by(col(ErasureRecord.erased_at)))
        ]


def redo_erasures(
    engine: Engine, earlier: Iterable[LoggedErasure], *, secret: bytes, now: datetime
) -> int:
    """After a restore: put back the log entries the restored data lacks (the erasures made
    after the backup was taken: a backup holds the log as it was), and erase again each
    member they name who is still there, found by member id or by a chat account's hash;
    how many erasures were done again. The schema must be the code's (storage.migrate).

    An entry already in the backup's own log was done before the backup and is in its data:
    it is not done again, so someone who joined again after their erasure stays.
    """
    with Session(engine) as session:
        kept = set(session.exec(select(ErasureRecord.ref)))
        later: dict[str, LoggedErasure] = {}
        for entry in earlier:
            if entry.ref not in kept:
                later.setdefault(entry.ref, entry)
        if not later:
            return 0
        for entry in later.values():
            session.add(
                ErasureRecord(
                    ref=entry.ref,
                    member_id=entry.member_id,
                    identities=list(entry.identities),
                    erased_at=entry.erased_at,
                )
            )
        owners: dict[str, int] = {
            identity_ref(secret, i.platform, i.bot, i.user_id): i.member_id
            for i in session.exec(select(ChatIdentity))
        }
        redone = 0
        for entry in sorted(later.values(), key=lambda e: e.erased_at):
            found = _still_there(session, entry, owners)
            for member_id in found:
                _erase(session, member_id, now=entry.erased_at, secret=secret)
                record(
                    session,
                    action=REDONE,
                    now=now,
                    member_id=member_id,
                    detail={"member_id": member_id, "erased_at": entry.erased_at.isoformat()},
                )
            session.flush()
            redone += bool(found)
        session.commit()
    return redone


def _still_there(session: Session, entry: LoggedErasure, owners: dict[str, int]) -> Sequence[int]:
    """The members of the restored data an erasure names and who are not erased yet."""
    ids = {entry.member_id} | {owners[h] for h in entry.identities if h in owners}
    members = session.exec(select(Member).where(col(Member.id).in_(ids)))
    return sorted(m.id for m in members if m.id is not None and m.erased_at is None)
