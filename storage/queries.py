"""Reads and writes of people, conversations and processed messages. Never commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from storage.models import (
    ChatIdentity,
    ConversationState,
    InviteCode,
    Member,
    ProcessedMessage,
    Service,
    SupportLog,
    Team,
    Ward,
    WardKind,
)
from storage.names import same_name


def identities_of(session: Session, member_id: int) -> list[ChatIdentity]:
    """Every chat account linked to a member."""
    stmt = select(ChatIdentity).where(ChatIdentity.member_id == member_id)
    return list(session.exec(stmt.order_by(col(ChatIdentity.linked_at))))


def members_with_phone(session: Session, phone: str) -> list[Member]:
    """Roster members (not erased) with this phone number (digits, 0-prefixed)."""
    stmt = select(Member).where(Member.phone == phone, col(Member.erased_at).is_(None))
    return list(session.exec(stmt.order_by(col(Member.id))))


def team_and_ward(session: Session, team_id: int) -> tuple[Team, Ward]:
    """A team with its ward."""
    team = session.get_one(Team, team_id)
    return team, session.get_one(Ward, team.ward_id)


def lock_conversation(
    session: Session, platform: str, chat_id: str, user_id: str, *, bot: str = ""
) -> None:
    """Handle one person's messages one at a time, across workers (until commit).

    PostgreSQL takes a transaction advisory lock; SQLite's write lock at BEGIN already
    serialises every transaction.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        key = f"{platform}\x1f{chat_id}\x1f{user_id}" + (f"\x1f{bot}" if bot else "")
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def load_conversation(
    session: Session, platform: str, chat_id: str, user_id: str, *, bot: str = ""
) -> ConversationState | None:
    """The pending step of one person in one chat of one bot (ids are each bot's own)."""
    return session.get(ConversationState, (platform, chat_id, user_id, bot))


def save_conversation(
    session: Session,
    key: tuple[str, str, str],
    *,
    step: str | None,
    data: dict[str, Any],
    now: datetime,
    bot: str = "",
) -> None:
    """Store a pending step, or forget it when nothing is pending."""
    platform, chat_id, user_id = key
    row = session.get(ConversationState, (platform, chat_id, user_id, bot))
    if step is None and not data:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = ConversationState(
            platform=platform, chat_id=chat_id, user_id=user_id, bot=bot, step=""
        )
    row.step, row.data, row.updated_at = step or "", dict(data), now
    session.add(row)


def processed_message(session: Session, message_key: str) -> ProcessedMessage | None:
    """A message already handled (its replies and sender), or None if it is new."""
    return session.get(ProcessedMessage, message_key)


def claim_message(
    session: Session, message_key: str, *, sender: str, now: datetime
) -> ProcessedMessage:
    """Mark a message as being handled; a second worker with the same key fails here."""
    row = ProcessedMessage(message_key=message_key, sender=sender, replies=[], created_at=now)
    session.add(row)
    session.flush()
    return row


def invite(session: Session, code: str) -> InviteCode | None:
    """An invite code as typed (any case, spaces ignored)."""
    return session.get(InviteCode, code.replace(" ", "").upper())


def open_invite(session: Session, member_id: int, now: datetime) -> InviteCode | None:
    """A member's unused, unexpired invite code."""
    stmt = select(InviteCode).where(
        InviteCode.member_id == member_id,
        col(InviteCode.used_at).is_(None),
        col(InviteCode.expires_at) > now,
    )
    return session.exec(stmt.order_by(col(InviteCode.expires_at).desc())).first()


def services(session: Session) -> list[Service]:
    """The whole catalogue, retired services included, in display order."""
    return list(session.exec(select(Service).order_by(col(Service.position), col(Service.id))))


def wards(session: Session) -> list[Ward]:
    """Every ward of this deployment (not the city's office)."""
    stmt = select(Ward).where(Ward.kind == WardKind.WARD).order_by(col(Ward.id))
    return list(session.exec(stmt))


def city_office(session: Session) -> Ward | None:
    """The city's office, where its officers sit (role city); None in a ward's deployment."""
    return session.exec(select(Ward).where(Ward.kind == WardKind.CITY)).first()


def ward_by_name(session: Session, name: str) -> Ward | None:
    """A ward by its name as typed: any case, with or without diacritics, any spacing
    (storage.names.same_name). Of two such wards (kept from before `ward add` refused
    them) the one named exactly, else the oldest."""
    found = [w for w in wards(session) if same_name(w.name, name)]
    return next((w for w in found if w.name == name.strip()), found[0] if found else None)


def teams_named(session: Session, name: str, ward_id: int | None = None) -> list[Team]:
    """Teams with this name (in one ward, or in any)."""
    stmt = select(Team).where(Team.name == name)
    if ward_id is not None:
        stmt = stmt.where(Team.ward_id == ward_id)
    return list(session.exec(stmt))


def teams_of_ward(session: Session, ward_id: int) -> list[Team]:
    """A ward's teams by name."""
    return list(session.exec(select(Team).where(Team.ward_id == ward_id).order_by(col(Team.name))))


def residential_teams(session: Session, ward_id: int) -> list[Team]:
    """A ward's teams of residential groups by name: the ones ranked and expected to report
    (the ward's own team, where officers sit, is not one of them)."""
    return [t for t in teams_of_ward(session, ward_id) if t.residential_group_id is not None]


def members_by_ids(session: Session, ids: list[int | None]) -> list[Member]:
    """The members with these ids (None and unknown ids are passed over)."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return []
    return list(session.exec(select(Member).where(col(Member.id).in_(wanted))))


def log_count(session: Session, member_id: int) -> int:
    """How many logs a member has that are not deleted."""
    stmt = select(func.count(col(SupportLog.id))).where(
        SupportLog.member_id == member_id, col(SupportLog.deleted_at).is_(None)
    )
    return int(session.exec(stmt).one())


def identities_with_role(
    session: Session, platform: str, roles: list[str], *, bot: str = ""
) -> list[tuple[str, str]]:
    """(user id, role) of the joined people of these roles linked through one bot of a
    platform (user ids are each bot's own)."""
    stmt = (
        select(ChatIdentity.user_id, Member.role)
        .join(Member, col(Member.id) == col(ChatIdentity.member_id))
        .where(
            ChatIdentity.platform == platform,
            ChatIdentity.bot == bot,
            col(Member.role).in_(roles),
            col(Member.erased_at).is_(None),
        )
        .order_by(col(ChatIdentity.id))
    )
    return [(user_id, role) for user_id, role in session.exec(stmt)]
