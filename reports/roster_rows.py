"""Checking a roster file's rows before anything is written: every problem, by row."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from sqlmodel import Session, col, select

from reports import labels as L
from reports.roster_file import SheetRows, fold
from storage import queries
from storage.models import Member, ResidentialGroup, Role, Team, Ward
from storage.names import same_name
from storage.personal import one_line
from storage.roster import BadPhone, normalise_phone

GROUP_COLUMNS = ((L.HEAD_GROUP_NAME,), ())
PEOPLE_COLUMNS = (
    (L.HEAD_NAME, L.HEAD_GROUP),
    (L.HEAD_PHONE, L.HEAD_ROLE, L.HEAD_NOTE, L.HEAD_ZALO_BOT),
)
ROLES: dict[str, tuple[Role, bool]] = {  # folded word -> (role, deputy)
    "": (Role.MEMBER, False),
    "thanh vien": (Role.MEMBER, False),
    "to vien": (Role.MEMBER, False),
    "to truong": (Role.LEADER, False),
    "to pho": (Role.LEADER, True),
    "can bo phuong": (Role.OFFICER, False),
    "can bo": (Role.OFFICER, False),
}
# the columns' sizes; a group's name leaves room for its team's ("Tổ CNSCĐ " + name)
LIMITS = {
    L.HEAD_NAME: 200,
    L.HEAD_GROUP: 190,
    L.HEAD_NOTE: 500,
    L.HEAD_GROUP_NAME: 190,
    L.HEAD_ZALO_BOT: 40,
}


@dataclass(frozen=True)
class Person:
    row: int
    name: str
    phone: str | None
    group: str | None  # folded name; None for a ward officer outside any group
    role: Role
    deputy: bool
    note: str | None
    zalo_bot: str | None = None  # the Zalo bot named in the roster, if any
    sheet: str = L.SHEET_PEOPLE  # the sheet the row is on, for the problems that name it


def _problem(sheet: str, row: int, reason: str) -> str:
    return L.ROSTER_ROW.format(sheet=sheet, row=row, reason=reason)


def _too_long(sheet: SheetRows, row: int, record: dict[str, str], problems: list[str]) -> bool:
    long = [c for c, limit in LIMITS.items() if len(record.get(c, "")) > limit]
    for column in long:
        reason = L.ROSTER_TOO_LONG.format(column=column, limit=LIMITS[column])
        problems.append(_problem(sheet.sheet, row, reason))
    return bool(long)


def read_groups(sheet: SheetRows, problems: list[str]) -> dict[str, str]:
    """folded name -> name as written, from the `Tổ dân phố` sheet."""
    groups: dict[str, str] = {}
    first: dict[str, int] = {}
    for row, record in sheet.rows:
        name = record[L.HEAD_GROUP_NAME]
        if _too_long(sheet, row, record, problems):
            continue
        if not name:
            problems.append(_problem(sheet.sheet, row, L.ROSTER_NO_GROUP_NAME))
        elif fold(name) in first:
            reason = L.ROSTER_DUPLICATE_GROUP.format(group=name, first=first[fold(name)])
            problems.append(_problem(sheet.sheet, row, reason))
        else:
            first[fold(name)], groups[fold(name)] = row, name
    return groups


def read_people(sheet: SheetRows, groups: dict[str, str], problems: list[str]) -> list[Person]:
    """The people of the `Thành viên` sheet; each bad row adds its problems instead."""
    people: list[Person] = []
    phones: dict[str, int] = {}
    for row, record in sheet.rows:
        if _too_long(sheet, row, record, problems):
            continue
        name, group = one_line(record[L.HEAD_NAME]), record[L.HEAD_GROUP]
        role_word, phone_text = record.get(L.HEAD_ROLE, ""), record.get(L.HEAD_PHONE, "")
        reasons = []
        if not name:
            reasons.append(L.ROSTER_NO_NAME)
        elif _is_example(name, phone_text, group):
            reasons.append(L.ROSTER_EXAMPLE_ROW.format(name=name))
        role = ROLES.get(fold(role_word))
        if role is None:
            reasons.append(L.ROSTER_UNKNOWN_ROLE.format(role=role_word))
        if group and fold(group) not in groups:
            reasons.append(L.ROSTER_UNKNOWN_GROUP.format(group=group))
        elif not group and (role is None or role[0] is not Role.OFFICER):
            reasons.append(L.ROSTER_NO_GROUP)
        try:
            phone = normalise_phone(phone_text)
        except BadPhone:
            phone = None
            reasons.append(L.ROSTER_BAD_PHONE.format(phone=phone_text))
        if phone and phone in phones:
            reasons.append(L.ROSTER_DUPLICATE_PHONE.format(phone=phone, first=phones[phone]))
        elif phone:
            phones[phone] = row
        problems += [_problem(sheet.sheet, row, reason) for reason in reasons]
        if not reasons and role is not None:
            folded = fold(group) if group else None
            note = one_line(record.get(L.HEAD_NOTE) or "") or None
            zalo_bot = (record.get(L.HEAD_ZALO_BOT) or "").strip().lower() or None
            found = Person(row, name, phone, folded, *role, note, zalo_bot, sheet.sheet)
            people.append(found)
    return people


_EXAMPLES = {
    (fold(name), re.sub(r"\D", "", phone), fold(group))
    for name, phone, group, _role, _note in L.TEMPLATE_EXAMPLE_PEOPLE
}


def _is_example(name: str, phone: str, group: str) -> bool:
    """A row of the template's examples left in: never imported."""
    return (fold(name), re.sub(r"\D", "", phone or ""), fold(group or "")) in _EXAMPLES


def groups_of(session: Session, ward: Ward | None) -> dict[str, str]:
    """folded name -> name of the residential groups a ward already has."""
    if ward is None:
        return {}
    stmt = select(ResidentialGroup).where(ResidentialGroup.ward_id == ward.id)
    return {fold(g.name): g.name for g in session.exec(stmt)}


def phones_elsewhere(session: Session, people: list[Person], ward: Ward | None) -> list[str]:
    """A phone already on another ward's roster would make joining by phone ambiguous."""
    phones = {p.phone: p for p in people if p.phone}
    if not phones:
        return []
    stmt = (
        select(Member.phone, Ward.name)
        .join(Team, col(Team.id) == col(Member.team_id))
        .join(Ward, col(Ward.id) == col(Team.ward_id))
        .where(col(Member.phone).in_(list(phones)), col(Member.erased_at).is_(None))
    )
    if ward is not None:
        stmt = stmt.where(Team.ward_id != ward.id)
    return [
        _problem(
            phones[phone].sheet,
            phones[phone].row,
            L.ROSTER_PHONE_OTHER_WARD.format(phone=phone, ward=other),
        )
        for phone, other in session.exec(stmt)
        if phone is not None
    ]


def unknown_bots(people: list[Person], zalo_bots: Collection[str] | None) -> list[str]:
    """A `Bot Zalo` cell must name one of the deployment's Zalo bots (None: any will do)."""
    if zalo_bots is None:
        return []
    known = ", ".join(zalo_bots)
    return [
        _problem(p.sheet, p.row, L.ROSTER_UNKNOWN_BOT.format(bot=p.zalo_bot, known=known))
        for p in people
        if p.zalo_bot is not None and p.zalo_bot not in zalo_bots
    ]


def office_named(session: Session, name: str, city_name: str = "") -> str | None:
    """The city office's name (or the configured city's) when a ward's `name` is it: a ward
    cannot take it. None when it is free."""
    office = queries.city_office(session)
    for taken in (office.name if office else "", city_name):
        if taken and same_name(taken, name):
            return taken
    return None
