"""Roster building blocks shared by chat, the CLI and the Excel import. Never commits."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

from storage import deadlines
from storage.models import InviteCode, Team, Ward

# no 0/O, 1/I/L: easy to read aloud and to type on a phone
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# 31^8, about 40 bits: not guessed at 10 tries an hour (storage.invites); codes of 6 given
# out before stay valid, as a code is looked up as typed
CODE_LENGTH = 8


class BadPhone(ValueError):
    """Not a Vietnamese phone number."""


def normalise_phone(phone: str | None) -> str | None:
    """Digits only, +84 as 0: the form the roster and the contact button compare."""
    if not phone or not phone.strip():
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+84") or (digits.startswith("84") and len(digits) in (11, 12)):
        digits = "0" + digits[2:].lstrip("0")  # "+84 (0) 912…" has its 0 once only
    if len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits  # Excel drops the leading 0 of a number typed into a cell
    if not 10 <= len(digits) <= 11 or not digits.startswith("0"):
        raise BadPhone(phone)
    return digits


def new_invite(session: Session, member_id: int, *, now: datetime, days: int) -> InviteCode:
    """A fresh one-use code for a member."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.get(InviteCode, code) is None:
            break
    invite = InviteCode(
        code=code, member_id=member_id, created_at=now, expires_at=now + timedelta(days=days)
    )
    session.add(invite)
    return invite


def ward_team(session: Session, ward_id: int, *, name: str) -> tuple[Team, bool]:
    """The ward's own team (officers and units' representatives sit there), and whether it
    was made just now."""
    team = session.exec(select(Team).where(Team.ward_id == ward_id, Team.name == name)).first()
    if team is not None:
        return team, False
    team = Team(ward_id=ward_id, name=name)
    session.add(team)
    session.flush()
    return team, True


def create_ward(session: Session, name: str, *, now: datetime) -> Ward:
    """A new ward, with the directive's default deadlines."""
    ward = Ward(name=name, created_at=now)
    session.add(ward)
    session.flush()
    assert ward.id is not None
    deadlines.add_default_deadlines(session, ward.id, now=now)
    return ward
