"""Roster import from the ward's Excel file, all or nothing, and the template to fill.

Every row is checked before anything is written; one bad row and nothing changes. The
import is idempotent: a person is found again by phone, else by name in their team, else
by a name unique in the ward, so re-importing changes nothing and an edited file updates
names, roles and phones.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, select

from reports import labels as L
from reports.roster_file import RosterFileError, SheetRows, fold, open_roster
from reports.roster_rows import (
    GROUP_COLUMNS,
    PEOPLE_COLUMNS,
    Person,
    groups_of,
    office_named,
    phones_elsewhere,
    read_groups,
    read_people,
    unknown_bots,
)
from storage import audit, queries
from storage.models import Member, ResidentialGroup, Role, Team, Ward
from storage.roster import create_ward, new_invite, ward_team


@dataclass
class Imported:
    """What an import did, for the officer to read."""

    ward: str
    groups_added: int = 0
    teams_added: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    invites: list[tuple[str, str]] = field(default_factory=list)  # (name, code) of new people

    @property
    def changed(self) -> bool:
        return bool(self.groups_added or self.teams_added or self.added or self.updated)


def import_roster(
    session: Session,
    path: Path,
    *,
    ward_name: str,
    now: datetime,
    invite_days: int,
    zalo_bots: Collection[str] | None = None,
) -> Imported:
    """Check the whole file, then add or update the ward's groups, teams and members.

    `zalo_bots` are the names of the deployment's Zalo bots: a `Bot Zalo` cell must name one.
    """
    sheets = open_roster(path, {L.SHEET_GROUPS: GROUP_COLUMNS, L.SHEET_PEOPLE: PEOPLE_COLUMNS})
    ward = queries.ward_by_name(session, ward_name)  # any case, diacritics or spacing
    office = office_named(session, ward_name) if ward is None else None
    if office is not None:
        raise RosterFileError([L.ROSTER_WARD_IS_CITY_OFFICE.format(name=office)])
    problems: list[str] = []
    checked = check_ward(
        session, ward, sheets[L.SHEET_GROUPS], [sheets[L.SHEET_PEOPLE]], problems, zalo_bots
    )
    if problems:
        raise RosterFileError(problems)
    ward = ward or create_ward(session, ward_name.strip(), now=now)
    return save_ward(session, ward, checked, file=path.name, now=now, invite_days=invite_days)


@dataclass(frozen=True)
class Checked:
    """A ward's rows that passed every check: its groups (folded -> as written), its people."""

    groups: dict[str, str]
    people: list[Person]


def check_ward(
    session: Session,
    ward: Ward | None,
    groups_sheet: SheetRows,
    people_sheets: list[SheetRows],
    problems: list[str],
    zalo_bots: Collection[str] | None,
    *,
    empty: str = L.ROSTER_EMPTY,
) -> Checked:
    """Check one ward's rows (`ward` None: a ward still to make), adding every problem.

    The one set of checks a ward's rows go through, in the ward's file or the city's."""
    before = len(problems)  # the city's file gathers several wards' problems in one list
    known = groups_of(session, ward)
    groups = read_groups(groups_sheet, problems)
    people = [
        person
        for sheet in people_sheets
        for person in read_people(sheet, {**known, **groups}, problems)
    ]
    problems += unknown_bots(people, zalo_bots)
    if not people and len(problems) == before:
        problems.append(empty)
    problems += phones_elsewhere(session, people, ward)
    return Checked(groups, people)


def save_ward(
    session: Session,
    ward: Ward,
    checked: Checked,
    *,
    file: str,
    now: datetime,
    invite_days: int,
) -> Imported:
    """Add or update the ward's groups, teams and members from checked rows."""
    done = Imported(ward.name)
    teams = _ensure_teams(session, ward, checked.groups, done)
    known_members = _Known(session, ward)
    for person in checked.people:
        _apply(session, person, teams, ward, known_members, done, now=now, invite_days=invite_days)
    audit.record(
        session,
        action="roster_import",
        now=now,
        detail={
            "ward_id": ward.id,
            "file": file,
            "added": done.added,
            "updated": done.updated,
            "groups_added": done.groups_added,
        },
    )
    return done


def _ensure_teams(
    session: Session, ward: Ward, groups: dict[str, str], done: Imported
) -> dict[str | None, Team]:
    """folded group name -> its team (created with the group if new); None -> ward team."""
    assert ward.id is not None
    ward_id = ward.id
    existing = {
        fold(g.name): g
        for g in session.exec(select(ResidentialGroup).where(ResidentialGroup.ward_id == ward.id))
    }
    teams = {t.name: t for t in session.exec(select(Team).where(Team.ward_id == ward.id))}
    by_group = {t.residential_group_id: t for t in teams.values() if t.residential_group_id}
    out: dict[str | None, Team] = {}
    for folded, name in groups.items():
        group = existing.get(folded)
        if group is None:
            group = ResidentialGroup(ward_id=ward_id, name=name)
            session.add(group)
            session.flush()
            existing[folded] = group
            done.groups_added += 1
    for folded, group in existing.items():
        team = by_group.get(group.id or 0)
        if team is None:
            team_name = L.TEAM_NAME.format(group=group.name)
            team = teams.get(team_name) or Team(ward_id=ward_id, name=team_name)
            team.residential_group_id = group.id
            session.add(team)
            session.flush()
            done.teams_added += 1
        out[folded] = team
    return out


def _ward_team(session: Session, ward: Ward, teams: dict[str | None, Team], done: Imported) -> Team:
    """The ward's own team, where officers outside any residential group sit."""
    if None not in teams:
        team, made = ward_team(session, ward.id or 0, name=L.WARD_TEAM)
        done.teams_added += made
        teams[None] = team
    return teams[None]


def _apply(
    session: Session,
    person: Person,
    teams: dict[str | None, Team],
    ward: Ward,
    known: _Known,
    done: Imported,
    *,
    now: datetime,
    invite_days: int,
) -> None:
    team = teams[person.group] if person.group else _ward_team(session, ward, teams, done)
    member = known.find(person, team)
    wanted = {
        "name": person.name,
        "phone": person.phone,
        "role": str(person.role),
        "deputy": person.deputy,
        "note": person.note,
        "team_id": team.id,
        "zalo_bot": person.zalo_bot,
    }
    if member is None:
        assert team.id is not None
        member = Member(
            team_id=team.id,
            name=person.name,
            phone=person.phone,
            role=person.role,
            deputy=person.deputy,
            note=person.note,
            zalo_bot=person.zalo_bot,
            created_at=now,
        )
        session.add(member)
        session.flush()
        assert member.id is not None
        invite = new_invite(session, member.id, now=now, days=invite_days)
        known.add(member)
        known.claimed.add(id(member))
        done.added += 1
        done.invites.append((member.name, invite.code))
        return
    if person.phone is None:
        wanted.pop("phone")  # a blank phone cell does not erase a phone already known
    if person.zalo_bot is None:
        wanted.pop("zalo_bot")  # nor does a blank (or missing) Zalo bot cell
    if all(getattr(member, key) == value for key, value in wanted.items()):
        done.unchanged += 1
        return
    for key, value in wanted.items():
        setattr(member, key, value)
    session.add(member)
    done.updated += 1


class _Known:
    """The ward's members, looked up by phone and by folded name (read once)."""

    def __init__(self, session: Session, ward: Ward) -> None:
        stmt = (
            select(Member)
            .join(Team, col(Team.id) == col(Member.team_id))
            .where(
                Team.ward_id == ward.id,
                col(Member.erased_at).is_(None),
                Member.role != Role.UNIT,  # units' representatives are not on the roster file
            )
        )
        self.by_phone: dict[str, Member] = {}
        self.by_name: dict[str, list[Member]] = {}
        self.claimed: set[int] = set()  # id() of members a row of this file is about
        for member in session.exec(stmt):
            self.add(member)

    def add(self, member: Member) -> None:
        if member.phone:
            self.by_phone.setdefault(member.phone, member)
        self.by_name.setdefault(fold(member.name), []).append(member)

    def find(self, person: Person, team: Team) -> Member | None:
        """Same phone, else same name in the team, else a name unique in the ward.

        A member is matched by one row at most: two rows with the same name are two people.
        """
        found = self._find(person, team)
        if found is not None:
            self.claimed.add(id(found))
        return found

    def _find(self, person: Person, team: Team) -> Member | None:
        by_phone = self.by_phone.get(person.phone or "")
        if by_phone is not None and id(by_phone) not in self.claimed:
            return by_phone
        named = [m for m in self.by_name.get(fold(person.name), []) if id(m) not in self.claimed]
        in_team = [m for m in named if m.team_id == team.id]
        if in_team:
            return in_team[0]
        return named[0] if len(named) == 1 and not named[0].phone else None
