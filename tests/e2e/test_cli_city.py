"""`gotungnha ward add|list`, `gotungnha export --city` and `gotungnha demo --city`, on SQLite
and PostgreSQL.

The wards are put into the database (tests/city_wards.py) through the test's app; the
command line then runs on the same database, in this process (tests/e2e/running.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from handlers.demo_city import OTHER_WARDS
from storage.models import AuditEntry, Deadline, Member, Role, Team, Ward, WardKind
from tests.city_wards import MARKERS, build_city
from tests.e2e.running import gotungnha

CITY = "Thành phố Hải Phòng"
QUARTER = ["--from", "01/10/2026", "--to", "31/12/2026"]


@pytest.fixture
def city(app: App) -> App:
    build_city(app)
    return app


def wards(app: App) -> list[Ward]:
    with app.uow() as uow:
        return list(uow.session.exec(select(Ward).order_by(Ward.id)))


def audit(app: App, action: str) -> list[AuditEntry]:
    with app.uow() as uow:
        return list(uow.session.exec(select(AuditEntry).where(AuditEntry.action == action)))


def test_ward_add_adds_a_ward_with_the_directives_deadlines(app: App, db_url: str, tmp_path: Path):
    result = gotungnha(["ward", "add", "Phường   Hồng Bàng"], db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Đã thêm Phường Hồng Bàng. Nhập danh sách: "
        'gotungnha roster import TỆP.xlsx --ward "Phường Hồng Bàng"'
    )
    [ward] = wards(app)
    assert ward.name == "Phường Hồng Bàng"
    with app.uow() as uow:
        names = uow.session.exec(select(Deadline.name).where(Deadline.ward_id == ward.id)).all()
    assert sorted(names) == ["Báo cáo năm", "Báo cáo quý"]
    [entry] = audit(app, "ward_add")
    assert entry.detail == {"ward_id": ward.id}


@pytest.mark.parametrize("typed", ["Phường Hồng Bàng", "phuong hong bang", "PHƯỜNG  HỒNG BÀNG"])
def test_ward_add_refuses_a_name_already_there_in_any_case_or_spelling(
    app: App, db_url: str, tmp_path: Path, typed: str
):
    assert gotungnha(["ward", "add", "Phường Hồng Bàng"], db_url, tmp_path).returncode == 0
    result = gotungnha(["ward", "add", typed], db_url, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "Lỗi: Đã có “Phường Hồng Bàng”: không thêm lần nữa."
    assert "Traceback" not in result.stderr
    assert [w.name for w in wards(app)] == ["Phường Hồng Bàng"]


def test_ward_add_refuses_an_empty_name(app: App, db_url: str, tmp_path: Path):
    result = gotungnha(["ward", "add", "   "], db_url, tmp_path)
    assert result.returncode == 1
    assert "Cần có tên phường, xã" in result.stderr
    assert wards(app) == []


def test_ward_list_shows_each_wards_teams_and_members_and_the_city(
    city: App, db_url: str, tmp_path: Path
):
    result = gotungnha(["ward", "list"], db_url, tmp_path, GOTUNGNHA_CITY_NAME=CITY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Đặc khu Cát Hải: 1 tổ CNSCĐ, 1 thành viên",
        "Phường Lê Chân: 1 tổ CNSCĐ, 1 thành viên",
        "Phường Ngô Quyền: 2 tổ CNSCĐ, 5 thành viên",
        "Xã An Lão: 0 tổ CNSCĐ, 0 thành viên",
        f"{CITY}: 4 phường, xã; 4 tổ CNSCĐ; 7 thành viên.",
    ]
    assert [m for m in MARKERS if m in result.stdout] == []


def test_ward_list_of_an_empty_database_says_how_to_add_one(app: App, db_url: str, tmp_path: Path):
    result = gotungnha(["ward", "list"], db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'Chưa có phường nào. Thêm bằng: gotungnha ward add "Tên phường"'


def test_export_city_writes_the_city_workbook_and_says_what_it_holds(
    city: App, db_url: str, tmp_path: Path
):
    out = tmp_path / "thanh-pho.xlsx"
    args = ["export", "--city", *QUARTER, "--out", str(out)]
    result = gotungnha(args, db_url, tmp_path, GOTUNGNHA_CITY_NAME=CITY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"Đã ghi {out}: {CITY}, 01/10/2026–31/12/2026, 4 phường, 7 lượt hỗ trợ."
    )
    book = load_workbook(out)
    assert book.sheetnames == ["Các phường", "Theo dịch vụ và tháng", "Chưa nộp đúng hạn"]
    assert str(book["Các phường"]["A1"].value).endswith(f"— {CITY}")
    [entry] = audit(city, "export_city")
    assert entry.member_id is None
    assert entry.detail == {
        "via": "cli",
        "city": CITY,
        "start": "2026-10-01",
        "end": "2026-12-31",
        "wards": 4,
        "logs": 7,
        "file": "thanh-pho.xlsx",
    }
    assert audit(city, "export") == []  # not a ward's export


def test_export_city_without_a_city_name_is_the_whole_citys(city: App, db_url: str, tmp_path: Path):
    out = tmp_path / "toan.xlsx"
    result = gotungnha(["export", "--city", *QUARTER, "--out", str(out)], db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Toàn thành phố, 01/10/2026–31/12/2026, 4 phường, 7 lượt hỗ trợ." in result.stdout
    assert str(load_workbook(out)["Các phường"]["A1"].value).endswith("— Toàn thành phố")


@pytest.mark.parametrize("other", [["--ward", "Phường Lê Chân"], ["--team", "TDP 1"]])
def test_export_city_with_a_ward_or_a_team_is_refused(
    city: App, db_url: str, tmp_path: Path, other: list[str]
):
    out = tmp_path / "sai.xlsx"
    result = gotungnha(["export", "--city", *other, *QUARTER, "--out", str(out)], db_url, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Lỗi: --city là tệp của cả thành phố, không dùng cùng --ward hay --team."
    )
    assert not out.exists() and audit(city, "export_city") == []


def test_export_city_of_an_empty_database_says_there_is_no_ward(
    app: App, db_url: str, tmp_path: Path
):
    out = tmp_path / "trong.xlsx"
    result = gotungnha(["export", "--city", *QUARTER, "--out", str(out)], db_url, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "Lỗi: Chưa có phường nào trong cơ sở dữ liệu."
    assert not out.exists()


def test_export_city_needs_an_xlsx_file(city: App, db_url: str, tmp_path: Path):
    out = tmp_path / "thanh-pho.csv"
    result = gotungnha(["export", "--city", *QUARTER, "--out", str(out)], db_url, tmp_path)
    assert result.returncode == 1
    assert f"Tệp ra cần đuôi .xlsx: {out}" in result.stderr


# --- gotungnha city add-officer ----------------------------------------------------------


def test_city_add_officer_without_a_city_name_is_refused(app: App, db_url: str, tmp_path: Path):
    result = gotungnha(["city", "add-officer", "--name", "Mai Văn Sở"], db_url, tmp_path)
    assert result.returncode != 0
    assert "[city] name" in result.stdout + result.stderr
    assert wards(app) == []


def test_city_add_officer_prints_an_invite_that_joins_them_as_the_citys_officer(
    city: App, db_url: str, tmp_path: Path
):
    args = ["city", "add-officer", "--name", "Mai Văn Sở", "--phone", "0912345678"]
    result = gotungnha(args, db_url, tmp_path, GOTUNGNHA_CITY_NAME=CITY)
    assert result.returncode == 0, result.stderr
    found = re.fullmatch(
        rf"Đã thêm Mai Văn Sở, cán bộ {CITY}\. Mã mời: (\w+) \(dùng một lần\)\.",
        result.stdout.strip(),
    )
    assert found, result.stdout
    chat = ConsoleChat(city.engine, user_id="so")
    chat.say(f"/thamgia {found.group(1)}")
    assert "Chào mừng" in chat.say("1")
    assert chat.say("/trogiup") == texts.HELP_CITY
    with city.uow() as uow:
        [office] = uow.session.exec(select(Ward).where(Ward.kind == WardKind.CITY)).all()
        member = uow.session.exec(select(Member).where(Member.name == "Mai Văn Sở")).one()
        team = uow.session.get(Team, member.team_id)
    assert office.name == CITY and member.role == Role.CITY
    assert team is not None and team.ward_id == office.id
    # a second officer sits in the same office
    again = ["city", "add-officer", "--name", "Lê Thị Hai"]
    assert gotungnha(again, db_url, tmp_path, GOTUNGNHA_CITY_NAME=CITY).returncode == 0
    assert len([w for w in wards(city) if w.kind == WardKind.CITY]) == 1
    # the office is no ward: `ward list` leaves it out
    listed = gotungnha(["ward", "list"], db_url, tmp_path, GOTUNGNHA_CITY_NAME=CITY)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 5 and not any(line.startswith(f"{CITY}:") for line in lines[:-1])
    assert lines[-1].startswith(f"{CITY}: 4 phường, xã;")


@pytest.mark.parametrize("typed", ["Phường Lê Chân", "phuong le chan"])
def test_city_add_officer_refuses_a_city_named_as_one_of_its_wards(
    city: App, db_url: str, tmp_path: Path, typed: str
):
    args = ["city", "add-officer", "--name", "Mai Văn Sở"]
    result = gotungnha(args, db_url, tmp_path, GOTUNGNHA_CITY_NAME=typed)
    assert result.returncode != 0
    assert "Đã có phường tên “Phường Lê Chân”" in result.stdout + result.stderr
    assert [w for w in wards(city) if w.kind == WardKind.CITY] == []
    with city.uow() as uow:
        assert uow.session.exec(select(Member).where(Member.name == "Mai Văn Sở")).all() == []


# --- the demo city ----------------------------------------------------------------------


def flat(text: str) -> str:
    """The text with every run of spaces and line breaks as one space (the terminal may wrap
    a long line)."""
    return " ".join(text.split())


def test_the_demo_city_is_tried_as_its_officer_and_names_no_volunteer(
    app: App, db_url: str, tmp_path: Path
):
    loaded = gotungnha(["demo", "--city"], db_url, tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "gotungnha chat --user thanhpho" in loaded.stdout
    with app.uow() as uow:
        wards = uow.session.exec(select(Ward.name).where(Ward.kind == WardKind.WARD)).all()
        people = uow.session.exec(
            select(Member.name).where(col(Member.role).in_([Role.MEMBER, Role.LEADER]))
        ).all()
        office = uow.session.exec(select(Ward).where(Ward.kind == WardKind.CITY)).one()
    assert len(wards) == 4 and len(people) > 60
    said = gotungnha(
        ["chat", "--user", "thanhpho"], db_url, tmp_path, stdin="/thongke\n/tiendo\n/chiendich\n"
    )
    assert said.returncode == 0, said.stderr
    seen = flat(said.stdout)
    assert f"{office.name}: 4 phường" in seen
    assert [w for w in wards if w not in seen] == []
    sent = sum(w.sent for w in OTHER_WARDS)
    assert f"{sent}/4 phường đã nộp" in seen and "Chiến dịch" in seen
    assert [p for p in people if p in seen] == []
    # the demo ward's officer still sees the demo ward alone
    own = flat(gotungnha(["chat", "--user", "canbo"], db_url, tmp_path, stdin="/thongke\n").stdout)
    assert "Nhị Chiểu" in own and [w for w in wards if w in own and "Nhị Chiểu" not in w] == []


def test_the_demo_city_loads_only_into_an_empty_database(app: App, db_url: str, tmp_path: Path):
    assert gotungnha(["demo"], db_url, tmp_path).returncode == 0
    again = gotungnha(["demo", "--city"], db_url, tmp_path)
    assert again.returncode == 1 and "trống" in again.stderr
    assert len(wards(app)) == 1
