"""The city's roster: every ward's groups, teams and members from one workbook, all or nothing.

Usage:
    done = import_city_roster(session, Path("thanh-pho.xlsx"), now=now, invite_days=30)

The workbook comes in either of two forms (docs/van-hanh.md §16); in both, the `Tổ dân phố`
sheet has a `Phường` column beside `Tên tổ dân phố`:
- a `Thành viên` sheet with a `Phường` column (any sheet with that column is read so);
- one sheet per ward, named as the ward, its first row the header of the ward template's
  `Thành viên` sheet (at least `Họ và tên` and `Tổ dân phố`).
Any other sheet (a guide, notes) is left alone and named in the answer.

Each ward's rows go through the ward import's own checks (reports.roster.check_ward) and are
saved as `roster import --ward` saves them (save_ward): a ward already in the database is
extended just as importing into it alone would. A ward typed in several spellings
("Phường Lê Chân", "phuong le chan") is one ward (storage.names).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from reports import labels as L
from reports.roster import Checked, Imported, check_ward, save_ward
from reports.roster_file import Columns, RosterFileError, SheetRows, fold, open_sheets
from reports.roster_rows import GROUP_COLUMNS, PEOPLE_COLUMNS, office_named
from storage import queries
from storage.models import NAME_MAX, Ward
from storage.names import folded_name, plain_lower
from storage.roster import create_ward

WARD = L.HEAD_WARD_COLUMN
CITY_GROUP_COLUMNS: Columns = ((WARD, *GROUP_COLUMNS[0]), GROUP_COLUMNS[1])
CITY_PEOPLE_COLUMNS: Columns = ((WARD, *PEOPLE_COLUMNS[0]), PEOPLE_COLUMNS[1])


@dataclass
class CityImported:
    """What a city's import did: each ward's counts, in the order the file names them."""

    wards: list[Imported] = field(default_factory=list)
    new_wards: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sheets that are not a roster

    @property
    def changed(self) -> bool:
        return any(done.changed for done in self.wards)

    def total(self) -> Imported:
        """Every ward's counts added up."""
        total = Imported("")
        for done in self.wards:
            total.groups_added += done.groups_added
            total.teams_added += done.teams_added
            total.added += done.added
            total.updated += done.updated
            total.unchanged += done.unchanged
        return total


@dataclass
class _Ward:
    """One ward's rows gathered from the workbook's sheets."""

    where: tuple[str, int | None]  # the sheet (and row) first naming it: for its problems
    spellings: list[str] = field(default_factory=list)
    groups: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    people: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The spelling with the most diacritics (the first of equals): "Phường Lê Chân"
        before "phuong le chan"."""
        return max(self.spellings, key=_marks)

    def problem(self, reason: str) -> str:
        """A problem with the ward itself, at the place the file first names it."""
        sheet, row = self.where
        if row is None:
            return L.ROSTER_SHEET.format(sheet=sheet, reason=reason)
        return L.ROSTER_ROW.format(sheet=sheet, row=row, reason=reason)


def import_city_roster(
    session: Session,
    path: Path,
    *,
    now: datetime,
    invite_days: int,
    zalo_bots: Collection[str] | None = None,
    city_name: str = "",
) -> CityImported:
    """Check every ward's rows, then add or update each ward's groups, teams and members.

    Nothing is written when any row of any ward has a problem. `city_name` ([city] name) is
    refused as a ward's name, as the city office's name is."""
    kinds: dict[str, str] = {}
    sheets, skipped = open_sheets(path, lambda title, head: _pick(title, head, kinds))
    groups_sheet = next((s.sheet for s in sheets if kinds[s.sheet] == "groups"), None)
    if groups_sheet is None:
        titles = ", ".join(f"“{s}”" for s in [*kinds, *skipped])
        raise RosterFileError([L.ROSTER_MISSING_SHEET.format(sheet=L.SHEET_GROUPS, found=titles)])
    if all(kinds[s.sheet] == "groups" for s in sheets):
        raise RosterFileError([L.ROSTER_CITY_NO_WARDS])
    problems: list[str] = []
    wards = _gather(sheets, kinds, problems)
    if not wards and not problems:
        raise RosterFileError([L.ROSTER_CITY_NO_WARDS])
    checked: list[tuple[_Ward, Ward | None, Checked]] = []
    for ward in wards.values():
        office = office_named(session, ward.name, city_name)
        if office is not None:
            problems.append(ward.problem(L.ROSTER_WARD_IS_CITY_OFFICE.format(name=office)))
            continue
        found = queries.ward_by_name(session, ward.name)
        passed = check_ward(
            session,
            found,
            SheetRows(groups_sheet, ward.groups),
            [SheetRows(sheet, rows) for sheet, rows in ward.people.items()],
            problems,
            zalo_bots,
            empty=L.ROSTER_WARD_EMPTY.format(ward=found.name if found else ward.name),
        )
        checked.append((ward, found, passed))
    problems += _phones_twice([(found.name if found else w.name, c) for w, found, c in checked])
    if problems:
        raise RosterFileError(problems)
    done = CityImported(skipped=skipped)
    for ward, found, passed in checked:
        if found is None:
            found = create_ward(session, ward.name, now=now)
            done.new_wards.append(found.name)
        saved = save_ward(session, found, passed, file=path.name, now=now, invite_days=invite_days)
        done.wards.append(saved)
    return done


def _pick(title: str, head: list[str], kinds: dict[str, str]) -> Columns | None:
    """Which sheet is what, by its title and header row (folded); None: not a roster."""
    if fold(title) == fold(L.SHEET_GROUPS):
        kinds[title] = "groups"
        return CITY_GROUP_COLUMNS
    if fold(WARD) in head or fold(title) == fold(L.SHEET_PEOPLE):
        kinds[title] = "people"
        return CITY_PEOPLE_COLUMNS
    if all(fold(column) in head for column in PEOPLE_COLUMNS[0]):
        kinds[title] = "ward"
        return PEOPLE_COLUMNS
    return None


def _gather(
    sheets: list[SheetRows], kinds: dict[str, str], problems: list[str]
) -> dict[str, _Ward]:
    """Each ward's rows, by its folded name, in the order the workbook first names it."""
    wards: dict[str, _Ward] = {}

    def ward(name: str, where: tuple[str, int | None]) -> _Ward:
        found = wards.setdefault(folded_name(name), _Ward(where))
        found.spellings.append(name)
        return found

    for sheet in sheets:
        if kinds[sheet.sheet] == "ward":
            named = ward(" ".join(sheet.sheet.split()), (sheet.sheet, None))
            named.people.setdefault(sheet.sheet, []).extend(sheet.rows)
            continue
        for row, record in sheet.rows:
            name = record.pop(WARD)
            reason = None
            if not folded_name(name):
                reason = L.ROSTER_NO_WARD
            elif len(name) > NAME_MAX:
                reason = L.ROSTER_TOO_LONG.format(column=WARD, limit=NAME_MAX)
            if reason is not None:
                problems.append(L.ROSTER_ROW.format(sheet=sheet.sheet, row=row, reason=reason))
                continue
            found = ward(name, (sheet.sheet, row))
            if kinds[sheet.sheet] == "groups":
                found.groups.append((row, record))
            else:
                found.people.setdefault(sheet.sheet, []).append((row, record))
    return wards


def _phones_twice(wards: list[tuple[str, Checked]]) -> list[str]:
    """A phone on two wards' rows (or two sheets of one ward) would make joining ambiguous."""
    first: dict[str, tuple[str, int, str]] = {}  # phone -> (sheet, row, ward)
    problems = []
    for ward, checked in wards:
        for person in checked.people:
            if not person.phone:
                continue
            if person.phone not in first:
                first[person.phone] = (person.sheet, person.row, ward)
                continue
            sheet, row, other = first[person.phone]
            reason = L.ROSTER_PHONE_TWICE.format(
                phone=person.phone, sheet=sheet, row=row, ward=other
            )
            problems.append(L.ROSTER_ROW.format(sheet=person.sheet, row=person.row, reason=reason))
    return problems


def _marks(name: str) -> int:
    """How many of a name's letters carry a diacritic (Đ counts)."""
    return sum(plain_lower(letter) != letter.lower() for letter in name)
