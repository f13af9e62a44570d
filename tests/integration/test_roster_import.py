"""Importing the ward's Excel roster, on SQLite and PostgreSQL: all or nothing, idempotent."""

from __future__ import annotations

import os
import unicodedata
import zipfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.app import App
from reports import labels as L
from reports.handouts import write_template
from reports.roster import Imported, import_roster
from reports.roster_file import RosterFileError
from storage.models import InviteCode, Member, ResidentialGroup, Team, Ward
from tests.conftest import Clock
from tests.roster_books import add_zip_member, row_counts, write_roster

WARD = "Phường Nhị Chiểu"
INVITE_DAYS = 30
MB = 1024 * 1024
NOTHING = {"ward": 0, "residential_group": 0, "team": 0, "member": 0, "invite_code": 0}

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Lý"]
MIDDLES = ["Văn", "Thị", "Minh", "Thu", "Gia", "Ngọc", "Đức", "Thanh", "Hữu", "Kim", "Xuân", "Bảo"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Sơn"]

NOT_XLSX = "Tệp không phải là tệp Excel (.xlsx). Anh/chị lưu lại bằng Excel rồi gửi lại nhé."


def person_name(i: int) -> str:
    """A different full name for each i below 144."""
    return f"{SURNAMES[i % 12]} {MIDDLES[(i // 12) % 12]} {GIVEN[(i * 5) % 12]}"


def ward_roster() -> tuple[list[str], list[tuple[str, str, str, str, str]]]:
    """27 residential groups, 137 people: a leader and a deputy in each, every 10th no phone."""
    groups = [f"Tổ dân phố số {n}" for n in range(1, 28)]
    people = []
    i = 0
    for index, group in enumerate(groups):
        for k in range(6 if index < 2 else 5):
            role = "Tổ trưởng" if k == 0 else "Tổ phó" if k == 1 else "Thành viên"
            phone = "" if i % 10 == 9 else f"09{i:08d}"
            note = "Đoàn thanh niên" if k == 2 else ""
            people.append((person_name(i), phone, group, role, note))
            i += 1
    return groups, people


def import_file(app: App, path: Path, ward: str = WARD) -> Imported:
    """Import and commit, as `gotungnha roster import` does."""
    with app.uow() as uow:
        done = import_roster(
            uow.session, path, ward_name=ward, now=app.clock(), invite_days=INVITE_DAYS
        )
        uow.commit()
    return done


def refused(app: App, path: Path, ward: str = WARD) -> list[str]:
    """Import a file that must be refused; commit whatever the attempt left in the session."""
    with app.uow() as uow:
        with pytest.raises(RosterFileError) as caught:
            import_roster(
                uow.session, path, ward_name=ward, now=app.clock(), invite_days=INVITE_DAYS
            )
        uow.commit()  # the import promises to write nothing before every row is checked
    problems = caught.value.problems
    assert str(caught.value) == "\n".join(problems), "the message is every problem, a line each"
    return problems


def snapshot(app: App) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the roster tables, by id."""
    with app.uow() as uow:
        s = uow.session
        return {
            "wards": [(w.id, w.name) for w in s.exec(select(Ward).order_by(Ward.id))],
            "groups": [
                (g.id, g.ward_id, g.name)
                for g in s.exec(select(ResidentialGroup).order_by(ResidentialGroup.id))
            ],
            "teams": [
                (t.id, t.ward_id, t.residential_group_id, t.name)
                for t in s.exec(select(Team).order_by(Team.id))
            ],
            "members": [
                (m.id, m.team_id, m.name, m.phone, m.role, m.deputy, m.note, m.created_at)
                for m in s.exec(select(Member).order_by(Member.id))
            ],
            "invites": [
                (i.code, i.member_id, i.created_at, i.expires_at, i.used_at)
                for i in s.exec(select(InviteCode).order_by(InviteCode.code))
            ],
        }


def members(app: App) -> dict[str, tuple[str | None, str, bool, str]]:
    """name -> (phone, role, deputy, team name)."""
    with app.uow() as uow:
        rows = uow.session.exec(select(Member, Team).where(Member.team_id == Team.id)).all()
        return {m.name: (m.phone, m.role, m.deputy, t.name) for m, t in rows}


# --- a whole ward ------------------------------------------------------------------------


def test_a_ward_of_27_groups_and_137_members_becomes_27_teams_and_137_invited_members(
    app: App, tmp_path: Path
):
    groups, people = ward_roster()
    done = import_file(app, write_roster(tmp_path / "ds.xlsx", groups, people))

    assert (done.ward, done.groups_added, done.teams_added) == (WARD, 27, 27)
    assert (done.added, done.updated, done.unchanged) == (137, 0, 0)
    assert row_counts(app.db) == {
        "ward": 1,
        "residential_group": 27,
        "team": 27,
        "member": 137,
        "invite_code": 137,
    }
    with app.uow() as uow:
        s = uow.session
        group_names = {g.id: g.name for g in s.exec(select(ResidentialGroup))}
        teams = {t.id: t for t in s.exec(select(Team))}
        stored = list(s.exec(select(Member)))
        invites = list(s.exec(select(InviteCode)))
    assert sorted(group_names.values()) == sorted(groups)
    assert sorted(f"Tổ CNSCĐ {group_names[t.residential_group_id]}" for t in teams.values()) == (
        sorted(t.name for t in teams.values())
    ), "every team is named after the residential group it belongs to"
    expected_sizes = Counter(f"Tổ CNSCĐ {p[2]}" for p in people)
    assert Counter(teams[m.team_id].name for m in stored) == expected_sizes
    assert Counter((m.role, m.deputy) for m in stored) == {
        ("leader", False): 27,
        ("leader", True): 27,
        ("member", False): 83,
    }
    assert {(m.name, m.phone or "") for m in stored} == {(p[0], p[1]) for p in people}
    assert Counter(m.note for m in stored) == {"Đoàn thanh niên": 27, None: 110}
    assert Counter(i.member_id for i in invites) == Counter(m.id for m in stored)
    assert all(len(i.code) == 8 for i in invites)
    assert {i.expires_at for i in invites} == {app.clock() + timedelta(days=INVITE_DAYS)}
    assert sorted(done.invites) == sorted(
        (m.name, i.code) for m in stored for i in invites if i.member_id == m.id
    )


def test_importing_the_same_file_again_changes_nothing(app: App, clock: Clock, tmp_path: Path):
    groups, people = ward_roster()
    path = write_roster(tmp_path / "ds.xlsx", groups, people)
    import_file(app, path)
    before, counts = snapshot(app), row_counts(app.db)

    clock.set_local(2026, 12, 7, 9, 30)
    again = import_file(app, path)

    assert again.changed is False
    assert (again.groups_added, again.teams_added) == (0, 0)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 137)
    assert again.invites == []
    assert row_counts(app.db) == counts
    assert snapshot(app) == before


def test_an_edited_file_updates_names_roles_and_phones_in_place(app: App, tmp_path: Path):
    groups = ["TDP 1", "TDP 2"]
    first = [
        ("Nguyễn Văn An", "0911111111", "TDP 1", "Tổ trưởng", ""),
        ("Trần Thị Bình", "0922222222", "TDP 1", "Thành viên", ""),
        ("Lê Minh Châu", "", "TDP 1", "Thành viên", ""),
        ("Phạm Văn Dũng", "0933333333", "TDP 2", "Tổ trưởng", ""),
        ("Hoàng Thị Em", "0944444444", "TDP 2", "Thành viên", ""),
    ]
    import_file(app, write_roster(tmp_path / "v1.xlsx", groups, first))
    ids_before = {m[2]: m[0] for m in snapshot(app)["members"]}
    invites_before = snapshot(app)["invites"]

    edited = [
        ("Nguyễn Văn Anh", "0911111111", "TDP 1", "Tổ trưởng", ""),  # name corrected
        ("Trần Thị Bình", "0922222222", "TDP 1", "Tổ phó", ""),  # now the deputy
        ("Lê Minh Châu", "0966 666 666", "TDP 1", "Thành viên", ""),  # phone given
        ("Phạm Văn Dũng", "0955555555", "TDP 2", "Tổ trưởng", ""),  # phone changed
        ("Hoàng Thị Em", "0944444444", "TDP 2", "Thành viên", ""),
    ]
    path = write_roster(tmp_path / "v2.xlsx", groups, edited)
    done = import_file(app, path)

    assert (done.added, done.updated, done.unchanged) == (0, 4, 1)
    assert done.changed is True
    assert row_counts(app.db) == {
        "ward": 1,
        "residential_group": 2,
        "team": 2,
        "member": 5,
        "invite_code": 5,
    }
    assert members(app) == {
        "Nguyễn Văn Anh": ("0911111111", "leader", False, "Tổ CNSCĐ TDP 1"),
        "Trần Thị Bình": ("0922222222", "leader", True, "Tổ CNSCĐ TDP 1"),
        "Lê Minh Châu": ("0966666666", "member", False, "Tổ CNSCĐ TDP 1"),
        "Phạm Văn Dũng": ("0955555555", "leader", False, "Tổ CNSCĐ TDP 2"),
        "Hoàng Thị Em": ("0944444444", "member", False, "Tổ CNSCĐ TDP 2"),
    }
    ids_after = {m[2]: m[0] for m in snapshot(app)["members"]}
    assert ids_after["Nguyễn Văn Anh"] == ids_before["Nguyễn Văn An"], "renamed, not re-added"
    assert {k: v for k, v in ids_after.items() if k != "Nguyễn Văn Anh"} == {
        k: v for k, v in ids_before.items() if k != "Nguyễn Văn An"
    }
    assert snapshot(app)["invites"] == invites_before, "nobody updated gets a new code"
    assert import_file(app, path).changed is False, "the edited file, imported again"


def test_roles_are_read_in_any_case_with_or_without_diacritics(app: App, tmp_path: Path):
    nfd = unicodedata.normalize("NFD", "Tổ phó")  # as some keyboards type it
    people = [
        ("Nguyễn Văn An", "", "TDP 1", "TỔ TRƯỞNG", ""),
        ("Trần Thị Bình", "", "TDP 1", "to pho", ""),
        ("Lê Minh Châu", "", "TDP 1", nfd, ""),
        ("Phạm Văn Dũng", "", "TDP 1", "THANH VIEN", ""),
        ("Hoàng Thị Em", "", "TDP 1", "", ""),
        ("Đỗ Thị Hà", "", "TDP 1", "cán bộ phường", ""),
        ("Vũ Văn Giang", "", "TDP 1", "Can Bo Phuong", ""),
        ("Bùi Thị Lan", "", "TDP 1", "  tổ   Trưởng ", ""),
        ("Ngô Văn Nam", "", "TDP 1", "Tổ Phó", ""),
    ]
    import_file(app, write_roster(tmp_path / "ds.xlsx", ["TDP 1"], people))

    roles = {name: (role, deputy) for name, (_, role, deputy, _) in members(app).items()}
    assert roles == {
        "Nguyễn Văn An": ("leader", False),
        "Trần Thị Bình": ("leader", True),
        "Lê Minh Châu": ("leader", True),
        "Phạm Văn Dũng": ("member", False),
        "Hoàng Thị Em": ("member", False),
        "Đỗ Thị Hà": ("officer", False),
        "Vũ Văn Giang": ("officer", False),
        "Bùi Thị Lan": ("leader", False),
        "Ngô Văn Nam": ("leader", True),
    }


def test_a_ward_officer_may_leave_the_group_empty_and_sits_in_the_ward_team(
    app: App, tmp_path: Path
):
    people = [
        ("Nguyễn Văn An", "0911111111", "TDP 1", "Tổ trưởng", ""),
        ("Đỗ Thị Hà", "0988888888", "", "Cán bộ phường", "Văn hoá - xã hội"),
    ]
    path = write_roster(tmp_path / "ds.xlsx", ["TDP 1"], people)
    import_file(app, path)

    assert members(app)["Đỗ Thị Hà"] == ("0988888888", "officer", False, "Tổ CNSCĐ phường")
    assert row_counts(app.db)["team"] == 2
    assert import_file(app, path).changed is False


def test_phones_are_normalised_from_plus_84_dots_spaces_and_number_cells(app: App, tmp_path: Path):
    people = [
        ("Nguyễn Văn An", "+84 912.345.678", "TDP 1", "", ""),
        ("Trần Thị Bình", 912345679, "TDP 1", "", ""),  # typed as a number: the 0 is lost
        ("Lê Minh Châu", "098.765.4321", "TDP 1", "", ""),
        ("Phạm Văn Dũng", "84 987 654 322", "TDP 1", "", ""),
        ("Hoàng Thị Em", 987654323.0, "TDP 1", "", ""),
        ("Đỗ Thị Hà", "", "TDP 1", "", ""),
    ]
    import_file(app, write_roster(tmp_path / "ds.xlsx", ["TDP 1"], people))

    phones = {name: phone for name, (phone, *_) in members(app).items()}
    assert phones == {
        "Nguyễn Văn An": "0912345678",
        "Trần Thị Bình": "0912345679",
        "Lê Minh Châu": "0987654321",
        "Phạm Văn Dũng": "0987654322",
        "Hoàng Thị Em": "0987654323",
        "Đỗ Thị Hà": None,
    }
    retyped = [("Nguyễn Văn An", "0912 345 678", "TDP 1", "", ""), *people[1:]]
    again = import_file(app, write_roster(tmp_path / "again.xlsx", ["TDP 1"], retyped))
    assert again.changed is False, "the same phone written another way is the same person"


def test_a_phone_written_with_both_84_and_the_leading_0_is_not_stored_with_two_zeros(
    app: App, tmp_path: Path
):
    people = [("Nguyễn Văn An", "+84 (0) 912 345 678", "TDP 1", "", "")]
    path = write_roster(tmp_path / "ds.xlsx", ["TDP 1"], people)
    with app.uow() as uow:
        try:
            import_roster(uow.session, path, ward_name=WARD, now=app.clock(), invite_days=30)
            uow.commit()
        except RosterFileError as exc:  # refusing the number is fine too
            assert exc.problems[0].startswith("Trang “Thành viên”, dòng 2: số điện thoại")
            return
    phone = members(app)["Nguyễn Văn An"][0]
    assert phone == "0912345678", (
        f"“+84 (0) 912 345 678” was stored as {phone!r}: storage/roster.py normalise_phone "
        "replaces +84 by 0 and keeps the 0 that follows, giving an 11-digit number nobody has"
    )


# --- bad rows: reported, and nothing changes ---------------------------------------------


def test_every_kind_of_bad_row_is_reported_with_its_sheet_and_row_number(app: App, tmp_path: Path):
    groups = ["TDP 1", "TDP 2", "tdp 1"]
    people = [
        ("Nguyễn Văn An", "0912345678", "TDP 1", "Tổ trưởng", ""),  # 2: fine
        ("", "0912345679", "TDP 1", "", ""),  # 3
        ("Lê Thị Cúc", "", "TDP 9", "", ""),  # 4
        ("Phạm Văn Dũng", "0912 34", "TDP 2", "", ""),  # 5
        ("Hoàng Thị Em", "+84 912 345 678", "TDP 2", "", ""),  # 6
        ("Vũ Văn Giang", "", "TDP 2", "Chủ tịch", ""),  # 7
        (),  # 8: empty, skipped
        ("Đỗ Thị Hà", "", "", "Thành viên", ""),  # 9
        ("X" * 201, "", "TDP 1", "", ""),  # 10
        ("Bùi Thị Lan", "0987654321", "TDP 2", "Thành viên", ""),  # 11: fine
    ]
    problems = refused(app, write_roster(tmp_path / "ds.xlsx", groups, people))

    people_sheet = "Trang “Thành viên”, dòng"
    assert problems == [
        "Trang “Tổ dân phố”, dòng 4: tổ dân phố “tdp 1” đã có ở dòng 2",
        f"{people_sheet} 3: thiếu họ và tên",
        f"{people_sheet} 4: tổ dân phố “TDP 9” không có trong trang “Tổ dân phố”",
        f"{people_sheet} 5: số điện thoại “0912 34” không đúng (cần 10 chữ số, ví dụ 0912345678)",
        f"{people_sheet} 6: số điện thoại 0912345678 trùng với dòng 2",
        f"{people_sheet} 7: vai trò “Chủ tịch” không rõ "
        "(chọn: Tổ trưởng, Tổ phó, Thành viên, Cán bộ phường)",
        f"{people_sheet} 9: thiếu tổ dân phố (cán bộ phường có thể để trống)",
        f"{people_sheet} 10: ô “Họ và tên” dài quá 200 ký tự",
    ]
    assert row_counts(app.db) == NOTHING, "not even the ward is created"


def test_a_phone_already_on_another_wards_roster_is_refused(app: App, tmp_path: Path):
    other = [("Nguyễn Văn An", "0912345678", "Thôn Đông", "", "")]
    import_file(app, write_roster(tmp_path / "xa.xlsx", ["Thôn Đông"], other), ward="Xã An Sinh")
    before = snapshot(app)

    people = [
        ("Trần Thị Bình", "0987654321", "TDP 1", "", ""),
        ("Nguyễn Văn Ân", "+84912345678", "TDP 1", "", ""),
    ]
    problems = refused(app, write_roster(tmp_path / "ds.xlsx", ["TDP 1"], people))

    assert problems == [
        "Trang “Thành viên”, dòng 3: "
        "số điện thoại 0912345678 đã thuộc một thành viên của Xã An Sinh"
    ]
    assert snapshot(app) == before


def test_one_bad_row_among_good_ones_changes_nothing_in_the_database(
    app: App, clock: Clock, tmp_path: Path
):
    groups, people = ward_roster()
    import_file(app, write_roster(tmp_path / "v1.xlsx", groups, people))
    before, counts = snapshot(app), row_counts(app.db)

    clock.set_local(2026, 12, 1, 8, 0)
    renamed = [(f"{p[0]} (đã sửa)", *p[1:]) for p in people]
    newcomers = [(person_name(140 + k), f"08{k:08d}", "Tổ dân phố số 28", "", "") for k in range(3)]
    bad = ("Lê Văn Sai", "12ab", "Tổ dân phố số 1", "Thành viên", "")
    rows = [*renamed, *newcomers, bad]
    problems = refused(app, write_roster(tmp_path / "v2.xlsx", [*groups, "Tổ dân phố số 28"], rows))

    assert problems == [
        f"Trang “Thành viên”, dòng {len(rows) + 1}: số điện thoại “12ab” không đúng "
        "(cần 10 chữ số, ví dụ 0912345678)"
    ]
    assert row_counts(app.db) == counts
    assert snapshot(app) == before


def test_the_first_import_of_a_file_with_a_bad_row_creates_nothing(app: App, tmp_path: Path):
    people = [
        ("Nguyễn Văn An", "0912345678", "TDP 1", "Tổ trưởng", ""),
        ("Trần Thị Bình", "0912345678", "TDP 2", "", ""),
    ]
    problems = refused(app, write_roster(tmp_path / "ds.xlsx", ["TDP 1", "TDP 2"], people))

    assert problems == ["Trang “Thành viên”, dòng 3: số điện thoại 0912345678 trùng với dòng 2"]
    assert row_counts(app.db) == NOTHING


# --- the shape of the file ---------------------------------------------------------------


def test_sheets_with_other_names_are_refused_naming_the_sheets_found(app: App, tmp_path: Path):
    path = write_roster(
        tmp_path / "ds.xlsx",
        ["TDP 1"],
        [("Nguyễn Văn An", "", "TDP 1", "", "")],
        sheets=("Sheet1", "Danh sách"),
    )
    assert refused(app, path) == [
        "Thiếu trang tính “Tổ dân phố” (tệp có: “Sheet1”, “Danh sách”).",
        "Thiếu trang tính “Thành viên” (tệp có: “Sheet1”, “Danh sách”).",
    ]
    assert row_counts(app.db) == NOTHING


def test_sheet_names_are_matched_in_any_case_and_without_diacritics(app: App, tmp_path: Path):
    path = write_roster(
        tmp_path / "ds.xlsx",
        ["TDP 1"],
        [("Nguyễn Văn An", "", "TDP 1", "", "")],
        sheets=("TO DAN PHO", "thành viên"),
    )
    assert import_file(app, path).added == 1


def test_a_missing_column_is_named_with_its_sheet(app: App, tmp_path: Path):
    path = write_roster(
        tmp_path / "ds.xlsx",
        ["TDP 1"],
        [("0912345678", "TDP 1", "")],
        people_header=("Số điện thoại", "Tổ dân phố", "Vai trò"),
    )
    assert refused(app, path) == [
        "Trang “Thành viên”: thiếu cột “Họ và tên” ở dòng tiêu đề (dòng 1)."
    ]
    assert row_counts(app.db) == NOTHING


def test_merged_header_cells_are_refused_naming_the_merged_range(app: App, tmp_path: Path):
    path = write_roster(
        tmp_path / "ds.xlsx",
        ["TDP 1"],
        [("Nguyễn Văn An", "0912345678", "TDP 1", "", "")],
        merge="A1:B1",
    )
    assert refused(app, path) == [
        "Trang “Thành viên”: dòng tiêu đề có ô gộp (A1:B1); hãy bỏ gộp ô."
    ]
    assert row_counts(app.db) == NOTHING


def test_empty_rows_between_people_and_groups_are_skipped(app: App, tmp_path: Path):
    groups = ["TDP 1", None, None, "TDP 2"]
    people = [
        ("Nguyễn Văn An", "0912345678", "TDP 1", "Tổ trưởng", ""),
        (),
        ("", "  ", None, "", ""),  # cells touched but blank
        (),
        ("Trần Thị Bình", "0987654321", "TDP 2", "", ""),
        (),
    ]
    done = import_file(app, write_roster(tmp_path / "ds.xlsx", groups, people))

    assert (done.groups_added, done.added) == (2, 2)
    assert set(members(app)) == {"Nguyễn Văn An", "Trần Thị Bình"}


def test_a_csv_renamed_xlsx_is_refused_as_not_an_excel_file(app: App, tmp_path: Path):
    path = tmp_path / "ds.xlsx"
    path.write_text(
        "Họ và tên,Số điện thoại,Tổ dân phố\nNguyễn Văn An,0912345678,TDP 1\n", encoding="utf-8"
    )
    assert refused(app, path) == [NOT_XLSX]
    assert row_counts(app.db) == NOTHING


def test_a_zip_that_is_not_a_workbook_is_refused_as_not_an_excel_file(app: App, tmp_path: Path):
    path = tmp_path / "ds.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ghi-chu.txt", "không phải Excel")
    assert refused(app, path) == [NOT_XLSX]


def _padded_workbook(path: Path, megabytes: int) -> Path:
    """A good roster padded with incompressible bytes, stored uncompressed."""
    write_roster(path, ["TDP 1"], [("Nguyễn Văn An", "0912345678", "TDP 1", "", "")])
    add_zip_member(
        path,
        "xl/media/padding.bin",
        chunk=os.urandom(MB),
        times=megabytes,
        compression=zipfile.ZIP_STORED,
    )
    return path


def test_a_file_over_10_mb_is_refused(app: App, tmp_path: Path):
    path = _padded_workbook(tmp_path / "ds.xlsx", 11)
    assert path.stat().st_size > 10 * MB
    assert refused(app, path) == ["Tệp quá lớn (11 MB, tối đa 10 MB)."]
    assert row_counts(app.db) == NOTHING


def test_a_file_just_under_10_mb_is_imported(app: App, tmp_path: Path):
    path = _padded_workbook(tmp_path / "ds.xlsx", 9)
    assert 9 * MB < path.stat().st_size < 10 * MB
    assert import_file(app, path).added == 1


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good roster whose zip also holds 300 MB of zeros: a few hundred KB on disk."""
    path = tmp_path_factory.mktemp("bomb") / "ds.xlsx"
    write_roster(path, ["TDP 1"], [("Nguyễn Văn An", "0912345678", "TDP 1", "", "")])
    add_zip_member(
        path,
        "xl/media/image1.bin",
        chunk=bytes(MB),
        times=300,
        compression=zipfile.ZIP_DEFLATED,
    )
    return path


def test_a_zip_bomb_is_refused_quickly_without_unpacking_it(
    app: App, zip_bomb: Path, monkeypatch: pytest.MonkeyPatch
):
    assert zip_bomb.stat().st_size < 2 * MB
    # quick because nothing is unpacked: every read of a member (read, testzip, openpyxl)
    # goes through ZipFile.open, so the 300 MB member must never be opened
    opened: list[str] = []
    open_member = zipfile.ZipFile.open

    def recorded(archive: zipfile.ZipFile, name: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(getattr(name, "filename", name))
        return open_member(archive, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recorded)
    problems = refused(app, zip_bomb)

    assert problems == ["Tệp Excel giải nén ra quá lớn; có thể tệp bị hỏng. Hãy lưu lại từ mẫu."]
    assert "xl/media/image1.bin" not in opened, opened
    assert row_counts(app.db) == NOTHING


def _many_people(count: int) -> list[tuple[object, ...]]:
    return [(f"Người số {n}", f"09{n:08d}", "TDP 1") for n in range(count)]


@pytest.fixture(scope="module")
def rows_20001(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "ds.xlsx"
    return write_roster(path, ["TDP 1"], _many_people(20_001))


@pytest.fixture(scope="module")
def rows_20000_one_bad(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 people, 3 empty rows among them, the last with a bad phone (row 20004)."""
    people = _many_people(19_999)
    people[10:10] = [(), (), ()]  # empty rows do not count
    people.append(("Người cuối", "không có", "TDP 1"))
    path = tmp_path_factory.mktemp("big") / "ds.xlsx"
    return write_roster(path, ["TDP 1"], people)


def test_more_than_20000_member_rows_are_refused(app: App, rows_20001: Path):
    assert refused(app, rows_20001) == ["Trang “Thành viên” có quá nhiều dòng (tối đa 20000)."]
    assert row_counts(app.db) == NOTHING


def test_20000_member_rows_with_empty_rows_between_are_within_the_limit(
    app: App, rows_20000_one_bad: Path
):
    assert refused(app, rows_20000_one_bad) == [
        "Trang “Thành viên”, dòng 20004: số điện thoại “không có” không đúng "
        "(cần 10 chữ số, ví dụ 0912345678)"
    ], "only the bad row is reported: 20,000 people are within the limit"


# --- people who share a name -------------------------------------------------------------


def test_two_people_with_the_same_name_and_different_phones_in_one_group_are_both_imported(
    app: App, tmp_path: Path
):
    people = [
        ("Nguyễn Thị Hoa", "0911111111", "TDP 1", "Tổ trưởng", ""),
        ("Nguyễn Thị Hoa", "0922222222", "TDP 1", "Thành viên", ""),
    ]
    path = write_roster(tmp_path / "ds.xlsx", ["TDP 1"], people)
    done = import_file(app, path)

    with app.uow() as uow:
        stored = sorted((m.phone, m.role) for m in uow.session.exec(select(Member)))
    assert stored == [("0911111111", "leader"), ("0922222222", "member")], (
        "reports/roster.py _Known.find matches row 3 by name to the member row 2 just created, "
        f"so the second person overwrites the first (added={done.added}, updated={done.updated})"
    )
    assert import_file(app, path).changed is False


def test_two_people_with_the_same_name_in_different_groups_are_both_imported(
    app: App, tmp_path: Path
):
    people = [
        ("Trần Thị Bình", "", "TDP 1", "", ""),
        ("Trần Thị Bình", "", "TDP 2", "", ""),
    ]
    path = write_roster(tmp_path / "ds.xlsx", ["TDP 1", "TDP 2"], people)
    done = import_file(app, path)

    with app.uow() as uow:
        teams = sorted(
            t.name
            for _, t in uow.session.exec(select(Member, Team).where(Member.team_id == Team.id))
        )
    assert teams == ["Tổ CNSCĐ TDP 1", "Tổ CNSCĐ TDP 2"], (
        "reports/roster.py _Known.find takes the member row 2 just created as “the name unique "
        f"in the ward” and moves it to TDP 2 (added={done.added}, updated={done.updated})"
    )
    assert import_file(app, path).changed is False


# --- limits of the columns ---------------------------------------------------------------


def test_a_group_name_within_the_200_character_limit_imports_on_both_databases(
    app: App, tmp_path: Path
):
    group = "Tổ dân phố " + "x" * 185  # 196 characters, accepted by the import's own check
    people = [("Nguyễn Văn An", "0912345678", group, "", "")]
    path = write_roster(tmp_path / "ds.xlsx", [group], people)
    try:
        done = import_file(app, path)
    except RosterFileError as exc:  # refusing it with a clear row error would be fine too
        assert exc.problems[0].startswith("Trang “Tổ dân phố”, dòng 2:")
        return
    except Exception as exc:
        raise AssertionError(
            "reports/roster.py accepts a group name of up to 200 characters but names its team "
            "“Tổ CNSCĐ <group>” (9 more) in team.name VARCHAR(200): PostgreSQL fails with "
            f"{type(exc).__name__} instead of a Vietnamese row error"
        ) from exc
    assert done.added == 1
    assert members(app)["Nguyễn Văn An"][3] == f"Tổ CNSCĐ {group}"


def test_the_template_imported_unchanged_adds_nobody_and_says_why(app: App, tmp_path: Path):
    path = write_template(tmp_path / "mau.xlsx")
    problems = refused(app, path)
    examples = [p for p in problems if "dòng ví dụ của mẫu" in p]
    assert len(examples) == len(L.TEMPLATE_EXAMPLE_PEOPLE), problems
    assert "Nguyễn Văn An" in examples[0]
    with app.uow() as uow:
        assert uow.session.exec(select(Member)).all() == []
