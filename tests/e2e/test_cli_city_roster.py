"""`gotungnha roster import FILE --city` and `roster template --city`, on SQLite and PostgreSQL.

The command runs in this process (tests/e2e/running.py); what it saved is read back by plain
SQL and compared with what the test wrote into the workbook, counted by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from reports.city_roster import import_city_roster
from storage.names import plain_lower
from storage.uow import UnitOfWork
from tests.e2e.running import gotungnha as run_command
from tests.roster_books import (
    CITY_GROUPS_HEADER,
    CITY_PEOPLE_HEADER,
    row_counts,
    write_city_roster,
    write_roster,
    write_ward_sheets,
)

gotungnha = functools.partial(run_command, inherit=False)
LE_CHAN, NGO_QUYEN, AN_LAO = "Phường Lê Chân", "Phường Ngô Quyền", "Xã An Lão"
CITY = "Thành phố Hải Phòng"
MEMBERS_SQL = """
    SELECT w.name, g.name, t.name, m.name, m.phone, m.role, m.deputy
    FROM member m
    JOIN team t ON t.id = m.team_id
    JOIN ward w ON w.id = t.ward_id
    LEFT JOIN residential_group g ON g.id = t.residential_group_id
"""


def members(db: Engine) -> list[tuple[object, ...]]:
    """(ward, residential group, team, name, phone, role, deputy) of every member, sorted."""
    with db.connect() as connection:
        return _sorted(connection.execute(text(MEMBERS_SQL)).all())


def _sorted(rows: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """Rows in one order, deputy as a bool (SQLite gives 0 or 1)."""
    return sorted(((*r[:6], bool(r[6])) for r in rows), key=str)


def ward_names(db: Engine) -> list[str]:
    with db.connect() as connection:
        found = connection.execute(text("SELECT name FROM ward WHERE kind = 'ward'")).scalars()
        return sorted(found)


def _ward_import(db_url: str, tmp_path: Path, ward: str, groups: list[str], people: list) -> None:
    path = write_roster(tmp_path / f"{ward}.xlsx", groups, people)
    done = gotungnha(["roster", "import", str(path), "--ward", ward], db_url, tmp_path)
    assert done.returncode == 0, done.stderr


# the city's file of test_one_file_makes_the_citys_wards_…: three wards, Lê Chân already there
GROUPS = [
    (LE_CHAN, "TDP 1"),
    (LE_CHAN, "TDP 2"),
    (NGO_QUYEN, "TDP 1"),
    (NGO_QUYEN, "TDP 2"),
    (AN_LAO, "Thôn Đông"),
]
PEOPLE = {
    LE_CHAN: [
        ("Nguyễn Văn An", "0911000001", "TDP 1", "Tổ trưởng", ""),  # already on the roster
        ("Trần Thị Bình", "0911 000 002", "TDP 2", "Tổ trưởng", ""),
        ("Đỗ Văn Cường", "", "", "Cán bộ phường", ""),
    ],
    NGO_QUYEN: [
        ("Lê Minh Châu", "+84 922 000 001", "TDP 1", "Tổ trưởng", ""),
        ("Phạm Văn Dũng", "0922000002", "tdp 1", "Thành viên", ""),
        ("Hoàng Thị Em", "0922000003", "TDP 2", "Tổ phó", ""),
    ],
    AN_LAO: [("Vũ Văn Phúc", "0933000001", "Thôn Đông", "Tổ trưởng", "")],
}
SAVED = [
    (LE_CHAN, "TDP 1", "Tổ CNSCĐ TDP 1", "Nguyễn Văn An", "0911000001", "leader", False),
    (LE_CHAN, "TDP 2", "Tổ CNSCĐ TDP 2", "Trần Thị Bình", "0911000002", "leader", False),
    (LE_CHAN, None, "Tổ CNSCĐ phường", "Đỗ Văn Cường", None, "officer", False),
    (NGO_QUYEN, "TDP 1", "Tổ CNSCĐ TDP 1", "Lê Minh Châu", "0922000001", "leader", False),
    (NGO_QUYEN, "TDP 1", "Tổ CNSCĐ TDP 1", "Phạm Văn Dũng", "0922000002", "member", False),
    (NGO_QUYEN, "TDP 2", "Tổ CNSCĐ TDP 2", "Hoàng Thị Em", "0922000003", "leader", True),
    (AN_LAO, "Thôn Đông", "Tổ CNSCĐ Thôn Đông", "Vũ Văn Phúc", "0933000001", "leader", False),
]


def _city_file(tmp_path: Path, form: str) -> Path:
    if form == "column":
        rows = [(ward, *person) for ward, people in PEOPLE.items() for person in people]
        return write_city_roster(tmp_path / "thanh-pho.xlsx", GROUPS, rows)
    guide = {"Hướng dẫn": [("Mỗi phường một trang, tên trang là tên phường.",)]}
    return write_ward_sheets(tmp_path / "thanh-pho.xlsx", GROUPS, PEOPLE, notes=guide)


@pytest.mark.parametrize("form", ["column", "sheets"])
def test_one_file_makes_the_citys_wards_and_extends_the_ward_already_there(
    db_url: str, db: Engine, tmp_path: Path, form: str
):
    _ward_import(db_url, tmp_path, LE_CHAN, ["TDP 1"], [PEOPLE[LE_CHAN][0]])
    path = _city_file(tmp_path, form)

    result = gotungnha(["roster", "import", str(path), "--city"], db_url, tmp_path)

    assert result.returncode == 0, result.stderr
    skipped = ["Đã bỏ qua trang “Hướng dẫn” (không phải danh sách)."] if form == "sheets" else []
    assert result.stdout.splitlines() == [
        "Phường Lê Chân: 1 tổ dân phố mới, 2 tổ CNSCĐ mới; "
        "thành viên: 2 mới, 0 cập nhật, 1 không đổi.",
        "Phường Ngô Quyền (mới): 2 tổ dân phố mới, 2 tổ CNSCĐ mới; "
        "thành viên: 3 mới, 0 cập nhật, 0 không đổi.",
        "Xã An Lão (mới): 1 tổ dân phố mới, 1 tổ CNSCĐ mới; "
        "thành viên: 1 mới, 0 cập nhật, 0 không đổi.",
        "Cả thành phố: 3 phường, xã (2 mới); 4 tổ dân phố mới, 5 tổ CNSCĐ mới; "
        "thành viên: 6 mới, 0 cập nhật, 1 không đổi.",
        *skipped,
        "Mã tham gia, mỗi phường một tệp:",
        'gotungnha invites --ward "Phường Lê Chân" --out ma-tham-gia-phuong-le-chan.xlsx',
        'gotungnha invites --ward "Phường Ngô Quyền" --out ma-tham-gia-phuong-ngo-quyen.xlsx',
        'gotungnha invites --ward "Xã An Lão" --out ma-tham-gia-xa-an-lao.xlsx',
    ]
    assert members(db) == sorted(SAVED, key=str)
    assert row_counts(db) == {
        "ward": 3,
        "residential_group": 5,
        "team": 6,
        "member": 7,
        "invite_code": 7,
    }

    again = gotungnha(["roster", "import", str(path), "--city"], db_url, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "thành viên: 0 mới, 0 cập nhật, 7 không đổi." in again.stdout
    assert "không có gì thay đổi" in again.stdout
    assert members(db) == sorted(SAVED, key=str)


def test_a_bad_row_in_the_second_ward_saves_nothing_and_every_problem_is_named(
    db_url: str, db: Engine, tmp_path: Path
):
    _ward_import(db_url, tmp_path, LE_CHAN, ["TDP 1"], [PEOPLE[LE_CHAN][0]])
    kenh_duong = ("Đinh Thị Giang", "0944000001", "TDP 1", "Tổ trưởng", "")
    _ward_import(db_url, tmp_path, "Phường Kênh Dương", ["TDP 1"], [kenh_duong])
    before = row_counts(db)
    groups = [(LE_CHAN, "TDP 1"), (NGO_QUYEN, "TDP 1"), ("", "TDP 9")]
    people = [
        (LE_CHAN, "Trần Thị Bình", "0911000002", "TDP 1", "Thành viên"),
        (NGO_QUYEN, "Lê Minh Châu", "12ab", "TDP 1", ""),
        (NGO_QUYEN, "Phạm Văn Dũng", "0922000002", "TDP 7", ""),
        (NGO_QUYEN, "Hoàng Thị Em", "0922000003", "TDP 1", "Trưởng nhóm"),
        (NGO_QUYEN, "Vũ Văn Phúc", "0911 000 002", "TDP 1", ""),
        (NGO_QUYEN, "Đinh Thị Giang", "0944000001", "TDP 1", ""),
        ("", "Ngô Văn Hải", "0955000001", "TDP 1", ""),
        (NGO_QUYEN, "Lý Thị Lan", "0922000004", "TDP 1", ""),  # a good row, not saved either
    ]
    path = write_city_roster(tmp_path / "thanh-pho.xlsx", groups, people)

    result = gotungnha(["roster", "import", str(path), "--city"], db_url, tmp_path)

    assert result.returncode == 1, result.stdout
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Không nhập được danh sách (7 lỗi; chưa lưu gì):",
        "Trang “Tổ dân phố”, dòng 4: thiếu tên phường (cột “Phường”)",
        "Trang “Thành viên”, dòng 8: thiếu tên phường (cột “Phường”)",
        "Trang “Thành viên”, dòng 3: số điện thoại “12ab” không đúng "
        "(cần 10 chữ số, ví dụ 0912345678)",
        "Trang “Thành viên”, dòng 4: tổ dân phố “TDP 7” không có trong trang “Tổ dân phố”",
        "Trang “Thành viên”, dòng 5: vai trò “Trưởng nhóm” không rõ "
        "(chọn: Tổ trưởng, Tổ phó, Thành viên, Cán bộ phường)",
        "Trang “Thành viên”, dòng 7: số điện thoại 0944000001 đã thuộc một thành viên của "
        "Phường Kênh Dương",
        "Trang “Thành viên”, dòng 6: số điện thoại 0911000002 trùng với trang “Thành viên”, "
        "dòng 2 (Phường Lê Chân)",
    ]
    assert row_counts(db) == before
    assert ward_names(db) == ["Phường Kênh Dương", LE_CHAN]


def test_with_a_sheet_per_ward_each_problem_names_the_wards_sheet(
    db_url: str, db: Engine, tmp_path: Path
):
    groups = [(LE_CHAN, "TDP 1"), (NGO_QUYEN, "TDP 1"), (AN_LAO, "Thôn Đông")]
    sheets = {
        LE_CHAN: [("Trần Thị Bình", "0911000002", "TDP 1", "Thành viên", "")],
        NGO_QUYEN: [
            ("Lê Minh Châu", "0922000001", "TDP 1", "", ""),
            ("", "0922000002", "TDP 1", "", ""),
            ("Hoàng Thị Em", "0922000001", "TDP 1", "", ""),
            ("Đinh Thị Giang", "0944000001", "TDP 1", "", ""),
        ],
        AN_LAO: [],
    }
    kenh_duong = ("Đinh Thị Giang", "0944000001", "TDP 1", "Tổ trưởng", "")
    _ward_import(db_url, tmp_path, "Phường Kênh Dương", ["TDP 1"], [kenh_duong])
    before = row_counts(db)
    path = write_ward_sheets(tmp_path / "thanh-pho.xlsx", groups, sheets)

    result = gotungnha(["roster", "import", str(path), "--city"], db_url, tmp_path)

    assert result.returncode == 1, result.stdout
    assert result.stderr.splitlines() == [
        "Không nhập được danh sách (4 lỗi; chưa lưu gì):",
        "Trang “Phường Ngô Quyền”, dòng 3: thiếu họ và tên",
        "Trang “Phường Ngô Quyền”, dòng 4: số điện thoại 0922000001 trùng với dòng 2",
        "Trang “Phường Ngô Quyền”, dòng 5: số điện thoại 0944000001 đã thuộc một thành viên "
        "của Phường Kênh Dương",
        "Xã An Lão: chưa có ai trong danh sách.",
    ]
    assert row_counts(db) == before


@pytest.mark.parametrize("form", ["column", "sheets"])
def test_a_ward_typed_in_several_spellings_is_one_ward(
    db_url: str, db: Engine, tmp_path: Path, form: str
):
    added = gotungnha(["ward", "add", NGO_QUYEN], db_url, tmp_path)
    assert added.returncode == 0, added.stderr
    groups = [("phuong le chan", "TDP 1"), (LE_CHAN, "TDP 2"), ("PHUONG NGO QUYEN", "TDP 1")]
    people = [
        ("phuong le chan", "Trần Thị Bình", "0911000002", "TDP 1", ""),
        ("Phường  Lê Chân", "Lê Minh Châu", "0911000003", "TDP 2", ""),
        ("PHƯỜNG LÊ CHÂN", "Phạm Văn Dũng", "", "tdp 2", ""),
        ("phường ngô quyền", "Hoàng Thị Em", "0922000003", "TDP 1", "Tổ trưởng"),
    ]
    if form == "column":
        path = write_city_roster(tmp_path / "thanh-pho.xlsx", groups, people)
    else:
        sheets: dict[str, list[tuple[str, ...]]] = {}
        for ward, *person in people:
            sheets.setdefault(ward, []).append(tuple(person))
        path = write_ward_sheets(tmp_path / "thanh-pho.xlsx", groups, sheets)

    result = gotungnha(["roster", "import", str(path), "--city"], db_url, tmp_path)

    assert result.returncode == 0, result.stderr
    assert ward_names(db) == [LE_CHAN, NGO_QUYEN]
    assert members(db) == sorted(
        [
            (LE_CHAN, "TDP 1", "Tổ CNSCĐ TDP 1", "Trần Thị Bình", "0911000002", "member", False),
            (LE_CHAN, "TDP 2", "Tổ CNSCĐ TDP 2", "Lê Minh Châu", "0911000003", "member", False),
            (LE_CHAN, "TDP 2", "Tổ CNSCĐ TDP 2", "Phạm Văn Dũng", None, "member", False),
            (NGO_QUYEN, "TDP 1", "Tổ CNSCĐ TDP 1", "Hoàng Thị Em", "0922000003", "leader", False),
        ],
        key=str,
    )
    assert "Phường Lê Chân (mới): 2 tổ dân phố mới" in result.stdout
    assert "Phường Ngô Quyền: 1 tổ dân phố mới" in result.stdout


def test_the_city_offices_name_is_no_wards_name(db_url: str, db: Engine, tmp_path: Path):
    city = {"GOTUNGNHA_CITY_NAME": CITY}
    officer = gotungnha(["city", "add-officer", "--name", "Mai Văn Sở"], db_url, tmp_path, **city)
    assert officer.returncode == 0, officer.stderr
    before = row_counts(db)
    people = [
        (LE_CHAN, "Trần Thị Bình", "0911000002", "TDP 1", ""),
        ("thanh pho hai phong", "Lê Minh Châu", "0922000001", "TDP 1", ""),
    ]
    path = write_city_roster(tmp_path / "thanh-pho.xlsx", [(LE_CHAN, "TDP 1")], people)
    ward_file = write_roster(tmp_path / "phuong.xlsx", ["TDP 1"], [people[0][1:]])

    result = gotungnha(["roster", "import", str(path), "--city"], db_url, tmp_path)
    as_ward = ["roster", "import", str(ward_file), "--ward", "THÀNH PHỐ HẢI PHÒNG"]
    by_ward = gotungnha(as_ward, db_url, tmp_path)

    assert result.returncode == 1, result.stdout
    assert result.stderr.splitlines() == [
        "Không nhập được danh sách (1 lỗi; chưa lưu gì):",
        "Trang “Thành viên”, dòng 3: “Thành phố Hải Phòng” là văn phòng của thành phố, "
        "không phải một phường",
    ]
    assert by_ward.returncode == 1, by_ward.stdout
    assert "“Thành phố Hải Phòng” là văn phòng của thành phố" in by_ward.stderr
    assert row_counts(db) == before


def test_the_configured_city_name_is_refused_before_its_office_is_made(
    db_url: str, db: Engine, tmp_path: Path
):
    people = [("Thành phố Hải Phòng", "Lê Minh Châu", "0922000001", "TDP 1", "")]
    path = write_city_roster(tmp_path / "thanh-pho.xlsx", [], people)

    result = gotungnha(
        ["roster", "import", str(path), "--city"], db_url, tmp_path, GOTUNGNHA_CITY_NAME=CITY
    )

    assert result.returncode == 1, result.stdout
    assert "dòng 2: “Thành phố Hải Phòng” là văn phòng của thành phố" in result.stderr
    assert row_counts(db)["ward"] == 0


def test_a_ward_file_or_a_file_of_groups_only_is_told_what_the_city_file_needs(
    db_url: str, db: Engine, tmp_path: Path
):
    ward_file = write_roster(tmp_path / "phuong.xlsx", ["TDP 1"], [PEOPLE[LE_CHAN][0]])
    groups_only = write_ward_sheets(tmp_path / "to.xlsx", [(LE_CHAN, "TDP 1")], {})

    as_ward = gotungnha(["roster", "import", str(ward_file), "--city"], db_url, tmp_path)
    no_people = gotungnha(["roster", "import", str(groups_only), "--city"], db_url, tmp_path)

    assert as_ward.returncode == 1 and no_people.returncode == 1
    assert as_ward.stderr.splitlines()[1:] == [
        "Trang “Tổ dân phố”: thiếu cột “Phường” ở dòng tiêu đề (dòng 1)."
    ]
    assert no_people.stderr.splitlines()[1:] == [
        "Tệp chưa có danh sách phường nào: cần trang “Thành viên” có cột “Phường”, hoặc mỗi "
        "phường một trang mang tên phường, dòng 1 như trang “Thành viên” của mẫu."
    ]
    assert row_counts(db)["ward"] == 0


def test_city_and_ward_together_are_refused_and_one_of_them_is_needed(
    db_url: str, db: Engine, tmp_path: Path
):
    path = _city_file(tmp_path, "column")

    both = gotungnha(["roster", "import", str(path), "--city", "--ward", LE_CHAN], db_url)
    neither = gotungnha(["roster", "import", str(path)], db_url)

    assert both.returncode == 1
    assert both.stderr.strip() == (
        "Lỗi: --city là danh sách của cả thành phố, không dùng cùng --ward."
    )
    assert neither.returncode == 2
    assert "Lỗi: Thiếu tuỳ chọn --ward." in neither.stderr
    assert row_counts(db)["ward"] == 0


def test_the_city_template_has_a_ward_column_and_imports_once_filled_in(
    db_url: str, db: Engine, tmp_path: Path
):
    template = tmp_path / "mau-thanh-pho.xlsx"
    made = gotungnha(["roster", "template", "--city", "--out", str(template)], db_url, tmp_path)
    assert made.returncode == 0, made.stderr

    wb = load_workbook(template)
    assert wb.sheetnames == ["Tổ dân phố", "Thành viên"]
    groups_ws, people_ws = wb["Tổ dân phố"], wb["Thành viên"]
    assert [c.value for c in groups_ws[1]] == list(CITY_GROUPS_HEADER)
    assert [c.value for c in people_ws[1]] == list(CITY_PEOPLE_HEADER)
    assert [c.value for c in people_ws[2]][:4] == [
        "Phường Lê Chân",
        "Nguyễn Văn An",
        "0912 345 678",
        "Tổ dân phố số 1",
    ]
    assert people_ws["C2"].number_format == "@", "phones stay text: Excel keeps the 0"
    as_made = gotungnha(["roster", "import", str(template), "--city"], db_url, tmp_path)
    assert as_made.returncode == 1
    assert as_made.stderr.count("đây là dòng ví dụ của mẫu") == 3
    assert row_counts(db)["ward"] == 0

    for row, person in enumerate(
        [
            ("Phường Lê Chân", "Trần Văn Khoa", "0911000009", "Tổ dân phố số 1", "Tổ trưởng"),
            ("Phường Lê Chân", "Bùi Thị Mơ", None, "Tổ dân phố số 1", "Thành viên"),
            ("Phường Ngô Quyền", "Đặng Văn Tú", "0922000009", "Tổ dân phố số 2", "Tổ trưởng"),
        ],
        start=2,
    ):
        for column, value in enumerate(person, start=1):
            people_ws.cell(row=row, column=column, value=value)
    wb.save(template)
    filled = gotungnha(["roster", "import", str(template), "--city"], db_url, tmp_path)

    assert filled.returncode == 0, filled.stderr
    assert ward_names(db) == [LE_CHAN, NGO_QUYEN]
    assert row_counts(db)["member"] == 3


# --- any city's file, generated: what is written is what is saved ----------------------

WARDS = [LE_CHAN, NGO_QUYEN, AN_LAO, "Đặc khu Cát Hải", "Phường Hồng Bàng"]
GROUP_NAMES = ["TDP 1", "TDP 2", "Tổ dân phố số 3", "Thôn Đông", "Khu phố Đồng Hoà"]
ROLES = [  # as written, as saved (role, deputy)
    ("Tổ trưởng", "leader", False),
    ("Tổ phó", "leader", True),
    ("Thành viên", "member", False),
    ("", "member", False),
    ("Cán bộ phường", "officer", False),
]
NAMES = st.builds(
    lambda family, given: f"{family} {given}",
    st.sampled_from(["Nguyễn Văn", "Trần Thị", "Lê Minh", "Phạm Đức", "Hoàng Thị Ánh"]),
    st.sampled_from(["An", "Bình", "Châu", "Dũng", "Em", "Giang"]),
)


@dataclass(frozen=True)
class Person:
    """One generated row: as typed in the file, and the member it must be saved as."""

    ward_typed: str
    cells: tuple[str, str, str, str, str]  # Họ và tên, Số điện thoại, Tổ dân phố, Vai trò, Ghi chú
    saved: tuple[object, ...]  # as MEMBERS_SQL reads it


def _spelled(name: str, how: int) -> str:
    """The name as someone may type it: as is, lower case without diacritics, in capitals."""
    return [name, plain_lower(name), name.upper()][how]


@st.composite
def cities(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]], list[Person]]:
    """(form, the `Tổ dân phố` rows, the people) of a city of 1 to 3 wards."""
    form = draw(st.sampled_from(["column", "sheets"]))
    # sheet titles are unique in any case: a ward in capitals would be a sheet titled "…1"
    spellings = st.integers(0, 1 if form == "sheets" else 2)
    wards = draw(st.lists(st.sampled_from(WARDS), min_size=1, max_size=3, unique=True))
    groups: list[tuple[str, str]] = []
    people: list[Person] = []
    for ward in wards:
        names = draw(st.lists(st.sampled_from(GROUP_NAMES), min_size=1, max_size=3, unique=True))
        groups += [(ward, group) for group in names]  # spelled as is: the name the ward keeps
        for _ in range(draw(st.integers(1, 4))):
            typed_role, role, deputy = draw(st.sampled_from(ROLES))
            group: str | None = draw(st.sampled_from(names))
            if role == "officer" and draw(st.booleans()):
                group = None  # an officer outside any group: the ward's own team
            phone = f"09{len(people) + 1:08d}" if draw(st.booleans()) else None
            typed_phone = (
                draw(st.sampled_from([phone, f"+84 {phone[1:]}", phone[1:]])) if phone else ""
            )
            name = draw(NAMES)
            typed_group = _spelled(group, draw(st.integers(0, 2))) if group else ""
            team = f"Tổ CNSCĐ {group}" if group else "Tổ CNSCĐ phường"
            people.append(
                Person(
                    _spelled(ward, draw(spellings)),
                    (name, typed_phone, typed_group, typed_role, ""),
                    (ward, group, team, name, phone, role, deputy),
                )
            )
    return form, groups, people


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(city=cities())
def test_any_citys_file_saves_exactly_its_wards_teams_and_members(
    db: Engine, tmp_path: Path, city: tuple[str, list[tuple[str, str]], list[Person]]
):
    form, groups, people = city
    path = tmp_path / "thanh-pho.xlsx"
    if form == "column":
        write_city_roster(path, groups, [(p.ward_typed, *p.cells) for p in people])
    else:
        sheets: dict[str, list[tuple[str, ...]]] = {}
        for person in people:
            sheets.setdefault(person.ward_typed, []).append(person.cells)
        write_ward_sheets(path, groups, sheets)

    with UnitOfWork(db) as uow:  # left without commit: the next example starts empty again
        import_city_roster(uow.session, path, now=datetime.now(UTC), invite_days=30)
        saved = uow.session.execute(text(MEMBERS_SQL)).all()
        codes = uow.session.execute(text("SELECT count(*) FROM invite_code")).scalar_one()
        wards = uow.session.execute(text("SELECT name FROM ward")).scalars().all()

    assert _sorted(saved) == sorted((p.saved for p in people), key=str)
    assert codes == len(people)
    assert sorted(wards) == sorted({ward for ward, _group in groups})
