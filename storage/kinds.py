"""The kinds of stored rows and their defaults, in plain Python (no database library): the
command line names them in its options before any command opens the database.
`storage.models` and `storage.deadlines` give the same names."""

from __future__ import annotations

from enum import StrEnum

DEFAULT_LEAD_DAYS = (7, 3, 1, 0)  # days before a deadline's last day that it is reminded


class Role(StrEnum):
    UNIT = "unit"  # a unit's representative (a school, an office): registers models only
    MEMBER = "member"
    LEADER = "leader"
    OFFICER = "officer"
    CITY = "city"  # the city's officer: every ward's counts, never a volunteer's data


class WardKind(StrEnum):
    """A ward row: a ward (phường, xã, đặc khu), or the city's office where its officers sit."""

    WARD = "ward"
    CITY = "city"


class TargetPer(StrEnum):
    """Whom a campaign's target is for: each ward, or each team (of a residential group)."""

    WARD = "ward"
    TEAM = "team"


class Audience(StrEnum):
    """Who a deadline is for: the teams (/danop), the units (a model registration), or the
    wards (the city's deadline: each ward reports to the city, its officer sends /danop)."""

    TEAMS = "teams"
    UNITS = "units"
    WARDS = "wards"
