"""Whose figures a workbook holds (a ward, or one team of it) and for which days."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from reports import labels as L
from storage import queries
from storage.models import Service, Team, Ward
from storage.names import folded_name
from storage.names import same_name as same_name  # kept here for who imports it from reports


@dataclass(frozen=True)
class Scope:
    """A ward (team_name None) or one of its teams, from `start` to `end` (both included)."""

    ward_id: int
    ward_name: str
    team_ids: tuple[int, ...]
    start: date
    end: date
    team_name: str | None = None
    team_names: dict[int, str] = field(default_factory=dict)  # team id -> name, in order

    @property
    def query(self) -> dict[str, Any]:
        """The arguments every period query of `storage.exports` takes."""
        return {"team_ids": self.team_ids, "start": self.start, "end": self.end}

    @property
    def title(self) -> str:
        if self.team_name:
            return L.TITLE_TEAM.format(team=self.team_name, ward=self.ward_name)
        return L.TITLE_WARD.format(ward=self.ward_name)

    @property
    def file_name(self) -> str:
        """A download name without diacritics or spaces (old phones mangle them)."""
        who = _slug(self.team_name or self.ward_name)
        return f"bao-cao-{who}-{self.start:%d%m%Y}-{self.end:%d%m%Y}.xlsx"


def ward_scope(session: Session, ward: Ward, *, start: date, end: date) -> Scope:
    """The whole ward."""
    assert ward.id is not None
    teams = sorted(queries.teams_of_ward(session, ward.id), key=lambda t: natural_key(t.name))
    names = {t.id: t.name for t in teams if t.id is not None}
    return Scope(ward.id, ward.name, tuple(names), start, end, None, names)


def team_scope(session: Session, team_id: int, *, start: date, end: date) -> Scope:
    """One team of its ward."""
    team, ward = queries.team_and_ward(session, team_id)
    assert ward.id is not None
    return Scope(ward.id, ward.name, (team_id,), start, end, team.name, {team_id: team.name})


def services_in_use(session: Session, logged: set[int]) -> list[tuple[int, str]]:
    """(id, display name) of the active services, plus retired ones logged in the period."""
    stmt = select(Service).order_by(col(Service.active).desc(), col(Service.position))
    return [
        (s.id, s.name)
        for s in session.exec(stmt)
        if s.id is not None and (s.active or s.id in logged)
    ]


def team_of_name(session: Session, ward_id: int, name: str) -> Team | None:
    """A team of the ward by its name (any case, with or without diacritics)."""
    wanted = _slug(name)
    for team in queries.teams_of_ward(session, ward_id):
        if _slug(team.name) == wanted:
            return team
    return None


def natural_key(name: str) -> list[object]:
    """Sort key that puts "TDP 2" before "TDP 10" (and "Phường 2" before "Phường 10")."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.split(r"(\d+)", name)
    ]


def name_key(name: str) -> tuple[list[object], str]:
    """Sort key of a ward's name as a reader looks it up: without diacritics (Đ with D, Ân
    with An), numbers in order ("Phường 2" before "Phường 10")."""
    return natural_key(_slug(name)), name


def _slug(text: str) -> str:
    return folded_name(text) or "bao-cao"
