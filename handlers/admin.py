"""Roster and catalogue work an admin or officer does: members, invite codes, services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from handlers import texts
from handlers.catalogue import ServiceSpec
from handlers.errors import RosterError as RosterError
from reports.labels import CITY_TEAM, WARD_TEAM
from storage import queries, roster, units
from storage.audit import record
from storage.models import (
    NAME_MAX,
    ChatIdentity,
    InviteCode,
    Member,
    ResidentialGroup,
    Role,
    Service,
    Team,
    Unit,
    Ward,
    WardKind,
)
from storage.names import same_name
from storage.personal import one_line
from storage.roster import create_ward, new_invite
from storage.uow import UnitOfWork

if TYPE_CHECKING:
    from reports.handouts import InviteLine


# the roles a team's roster holds; a unit's representative comes with its unit (add_unit)
ROSTER_ROLES = (Role.MEMBER, Role.LEADER, Role.OFFICER)


@dataclass(frozen=True)
class PendingInvite:
    """A roster member who has not joined yet, with the code to give them."""

    name: str
    team: str
    role: str
    code: str
    expires_at: datetime
    deputy: bool = False  # a tổ phó
    zalo_bot: str | None = None  # the Zalo bot they are to write to, when the officer chose


def sync_catalogue(session: Session, specs: tuple[ServiceSpec, ...]) -> None:
    """Make the service table match the configured catalogue; old codes stay, retired."""
    existing = {s.code: s for s in queries.services(session)}
    for position, spec in enumerate(specs):
        row = existing.pop(spec.code, None) or Service(code=spec.code, name=spec.name)
        row.name, row.aliases, row.active, row.position = (
            spec.name,
            list(spec.aliases),
            spec.active,
            position,
        )
        session.add(row)
    for row in existing.values():  # removed from the config: kept for old data, not typed
        row.active = False
        session.add(row)


def normalise_phone(phone: str | None) -> str | None:
    """Digits only, +84 as 0: the form the roster and the contact button compare."""
    try:
        return roster.normalise_phone(phone)
    except roster.BadPhone:
        raise RosterError(texts.ROSTER_BAD_PHONE.format(phone)) from None


def find_or_create_ward(session: Session, name: str | None, *, now: datetime) -> Ward:
    """The named ward (typed in any case, with or without diacritics: queries.ward_by_name;
    created if new), or the only ward when no name is given."""
    if name:
        _not_the_office(session, name)
        return queries.ward_by_name(session, name) or create_ward(session, name, now=now)
    wards = queries.wards(session)
    if len(wards) == 1:
        return wards[0]
    if not wards:
        raise RosterError(texts.ROSTER_NO_WARD)
    raise RosterError(texts.ROSTER_WHICH_WARD)


def add_ward(uow: UnitOfWork, name: str, *, now: datetime) -> Ward:
    """A new ward (phường, xã, đặc khu) of the city, with the directive's deadlines; refused
    when one of the same name is there, typed in any case or without diacritics."""
    session = uow.session
    name = one_line(name)
    if not name or len(name) > NAME_MAX:
        raise RosterError(texts.WARD_NAME)
    same = queries.ward_by_name(session, name)
    if same is not None:
        raise RosterError(texts.WARD_EXISTS.format(name=same.name))
    _not_the_office(session, name)
    ward = create_ward(session, name, now=now)
    record(session, action="ward_add", now=now, detail={"ward_id": ward.id})
    return ward


def _not_the_office(session: Session, name: str) -> None:
    """Refuse the city's office's name where a ward's is wanted."""
    office = queries.city_office(session)
    if office is not None and same_name(office.name, name):
        raise RosterError(texts.WARD_IS_CITY_OFFICE.format(name=office.name))


def add_city_officer(
    uow: UnitOfWork,
    *,
    city: str,
    name: str,
    phone: str | None = None,
    now: datetime,
    invite_days: int,
) -> tuple[Member, InviteCode]:
    """Put one of the city's officers (role city) on the city's office's roster, with an
    invite code; the office is made with the first of them, named as the city."""
    session = uow.session
    name, city = one_line(name), one_line(city)
    if not city:
        raise RosterError(texts.CITY_NAME_NEEDED)
    if not name:
        raise RosterError(texts.ROSTER_NAME_AND_TEAM)
    office = queries.city_office(session)
    if office is None:
        clash = queries.ward_by_name(session, city)
        if clash is not None:
            raise RosterError(texts.CITY_NAME_IS_WARD.format(name=clash.name))
        office = Ward(name=city, kind=WardKind.CITY, created_at=now)
        session.add(office)
        session.flush()
    assert office.id is not None
    team, _new = roster.ward_team(session, office.id, name=CITY_TEAM)
    assert team.id is not None
    member = Member(
        team_id=team.id, name=name, phone=normalise_phone(phone), role=Role.CITY, created_at=now
    )
    session.add(member)
    session.flush()
    assert member.id is not None
    record(
        session,
        action="roster_add",
        now=now,
        detail={"member_id": member.id, "team_id": team.id, "role": str(Role.CITY)},
    )
    return member, new_invite(session, member.id, now=now, days=invite_days)


def add_member(
    uow: UnitOfWork,
    *,
    team: str,
    name: str,
    phone: str | None = None,
    role: Role = Role.MEMBER,
    ward: str | None = None,
    now: datetime,
    invite_days: int,
) -> tuple[Member, InviteCode]:
    """Put a person on a team's roster (the team is created if new) with an invite code."""
    session = uow.session
    name = one_line(name)
    if role not in ROSTER_ROLES:
        raise RosterError(texts.UNIT_VIA_UNIT_ADD)
    if not name or not team.strip():
        raise RosterError(texts.ROSTER_NAME_AND_TEAM)
    ward_row = find_or_create_ward(session, ward, now=now)
    assert ward_row.id is not None
    teams = queries.teams_named(session, team.strip(), ward_row.id)
    team_row = teams[0] if teams else _new_team(session, ward_row.id, team.strip(), role=role)
    assert team_row.id is not None
    member = Member(
        team_id=team_row.id, name=name, phone=normalise_phone(phone), role=role, created_at=now
    )
    session.add(member)
    session.flush()
    assert member.id is not None
    record(
        session,
        action="roster_add",
        now=now,
        detail={"member_id": member.id, "team_id": team_row.id, "role": str(role)},
    )
    return member, new_invite(session, member.id, now=now, days=invite_days)


def _new_team(session: Session, ward_id: int, name: str, *, role: Role) -> Team:
    """A team added by name: the team of a residential group of that name (so it is
    ranked and expected to report), or, for an officer, a team at ward level."""
    if name == WARD_TEAM or role == Role.OFFICER:
        return roster.ward_team(session, ward_id, name=name)[0]
    named = select(ResidentialGroup).where(
        ResidentialGroup.ward_id == ward_id, ResidentialGroup.name == name
    )
    group = session.exec(named).first() or ResidentialGroup(ward_id=ward_id, name=name)
    session.add(group)
    session.flush()
    team = Team(ward_id=ward_id, residential_group_id=group.id, name=name)
    session.add(team)
    session.flush()
    return team


def invite_lines(
    found: Iterable[PendingInvite], *, zone: ZoneInfo, zalo_bots: Mapping[str | None, str]
) -> list[InviteLine]:
    """Pending invites as the officer hands them out: local expiry, and the Zalo bot each is
    to write to (zalo_bots: name in the config -> how people know it; no bot chosen for
    them, or one no longer configured: the first)."""
    from reports.handouts import InviteLine  # here: openpyxl is loaded by who hands them out

    first = next(iter(zalo_bots.values()), "")
    return [
        InviteLine(
            i.name,
            i.team,
            str(i.role),
            i.code,
            i.expires_at.astimezone(zone),
            i.deputy,
            zalo_bots.get(i.zalo_bot, first),
        )
        for i in found
    ]


def pending_invites(
    uow: UnitOfWork, *, now: datetime, invite_days: int, ward_id: int | None = None
) -> list[PendingInvite]:
    """Members who have not joined, each with a valid code (a new one if theirs expired)."""
    session = uow.session
    linked = select(ChatIdentity.member_id)
    stmt = (
        select(Member, Team)
        .join(Team, col(Team.id) == col(Member.team_id))
        .where(col(Member.erased_at).is_(None), col(Member.id).not_in(linked))
        .order_by(col(Team.name), col(Member.name))
    )
    if ward_id is not None:
        stmt = stmt.where(Team.ward_id == ward_id)
    out = []
    for member, team in session.exec(stmt).all():
        assert member.id is not None
        invite = queries.open_invite(session, member.id, now) or new_invite(
            session, member.id, now=now, days=invite_days
        )
        out.append(
            PendingInvite(
                member.name,
                team.name,
                member.role,
                invite.code,
                invite.expires_at,
                member.deputy,
                member.zalo_bot,
            )
        )
    return out


def assign_zalo_bot(
    uow: UnitOfWork, bot: str, *, ward_id: int, team_ids: list[int] | None = None
) -> int:
    """Have the members who have not joined yet (of these teams) write to one Zalo bot;
    how many were changed."""
    session = uow.session
    linked = select(ChatIdentity.member_id)
    stmt = (
        select(Member)
        .join(Team, col(Team.id) == col(Member.team_id))
        .where(
            Team.ward_id == ward_id,
            col(Member.erased_at).is_(None),
            col(Member.id).not_in(linked),
        )
    )
    if team_ids is not None:
        stmt = stmt.where(col(Member.team_id).in_(team_ids))
    changed = 0
    for member in session.exec(stmt).all():
        if member.zalo_bot != bot:
            member.zalo_bot = bot
            session.add(member)
            changed += 1
    return changed


def add_unit(
    uow: UnitOfWork,
    *,
    name: str,
    kind: str,
    representative: str,
    phone: str | None = None,
    ward: str | None = None,
    now: datetime,
    invite_days: int,
) -> tuple[Unit, Member, InviteCode]:
    """A unit (a school, an office) and its representative, with an invite code to join."""
    session = uow.session
    name, representative = " ".join(name.split()), " ".join(representative.split())
    if not name or len(name) > NAME_MAX:
        raise RosterError(texts.ROSTER_UNIT_NAME)
    if kind not in units.KINDS:
        raise RosterError(texts.ROSTER_UNIT_KIND.format(kind=kind))
    if not representative or len(representative) > NAME_MAX:
        raise RosterError(texts.ROSTER_NAME_AND_TEAM)
    ward_row = find_or_create_ward(session, ward, now=now)
    assert ward_row.id is not None
    if units.unit_named(session, ward_row.id, name) is not None:
        raise RosterError(texts.ROSTER_UNIT_EXISTS.format(ward=ward_row.name, name=name))
    team, _made = roster.ward_team(session, ward_row.id, name=WARD_TEAM)
    assert team.id is not None
    member = Member(
        team_id=team.id,
        name=representative,
        phone=normalise_phone(phone),
        role=Role.UNIT,
        created_at=now,
    )
    session.add(member)
    session.flush()
    assert member.id is not None
    unit = units.add_unit(
        session, ward_id=ward_row.id, name=name, kind=kind, representative=member, now=now
    )
    record(
        session,
        action="unit_add",
        now=now,
        detail={"unit_id": unit.id, "member_id": member.id, "kind": kind},
    )
    return unit, member, new_invite(session, member.id, now=now, days=invite_days)
