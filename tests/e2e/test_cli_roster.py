"""`gotungnha roster template`, `roster import` and `invites --out`, run as real processes."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import col, select

from reports.roster import import_roster
from storage.db import make_engine
from storage.models import InviteCode, Member
from storage.uow import UnitOfWork
from tests.e2e.running import gotungnha as run_command
from tests.roster_books import PEOPLE_HEADER, row_counts, write_roster

# the real command, configured by the environment only (no config.toml in its folder)
gotungnha = functools.partial(run_command, inherit=False)
WARD = "Phường Nhị Chiểu"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOTHING = {"ward": 0, "residential_group": 0, "team": 0, "member": 0, "invite_code": 0}
INVITES_HEADER = [
    "STT",
    "Họ và tên",
    "Tổ CNSCĐ",
    "Vai trò",
    "Mã tham gia",
    "Đường dẫn Telegram",
    "Trên Zalo, nhắn cho bot",
    "Hết hạn",
]


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


def invites_of(db: Engine) -> dict[str, InviteCode]:
    """name -> the member's unused invite code."""
    with UnitOfWork(db) as uow:
        rows = uow.session.exec(
            select(Member, InviteCode).where(
                InviteCode.member_id == Member.id, col(InviteCode.used_at).is_(None)
            )
        )
        return {member.name: invite for member, invite in rows}


def open_codes(db: Engine) -> dict[str, str]:
    return {name: invite.code for name, invite in invites_of(db).items()}


def test_the_template_filled_in_imports_and_prints_the_counts(
    db_url: str, db: Engine, tmp_path: Path
):
    template = tmp_path / "mau.xlsx"
    made = gotungnha(["roster", "template", "--out", str(template)], db_url, tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Đã ghi mẫu danh sách" in made.stdout

    wb = load_workbook(template)
    assert wb.sheetnames == ["Tổ dân phố", "Thành viên"]
    groups_ws, people_ws = wb["Tổ dân phố"], wb["Thành viên"]
    assert [c.value for c in groups_ws[1]] == ["Tên tổ dân phố"]
    assert [c.value for c in people_ws[1]] == list(PEOPLE_HEADER)
    groups = ["Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3"]
    people = [
        ("Nguyễn Văn Ánh", "0911 222 333", "Tổ dân phố số 1", "Tổ trưởng", None),
        ("Trần Thị Bích", None, "Tổ dân phố số 1", "Tổ phó", "Đoàn thanh niên"),
        ("Lê Minh Chiến", "+84 98 765 1234", "Tổ dân phố số 2", "Tổ trưởng", None),
        ("Phạm Văn Dũng", "0933333333", "Tổ dân phố số 2", "Thành viên", None),
        ("Hoàng Thị Em", "0944444444", "Tổ dân phố số 3", "Tổ trưởng", None),
    ]
    for row, group in enumerate(groups, start=2):  # typed over the examples
        groups_ws.cell(row=row, column=1, value=group)
    for row, values in enumerate(people, start=2):  # the examples' people replaced
        for column, value in enumerate(values, start=1):
            people_ws.cell(row=row, column=column, value=value)
    wb.save(template)

    imported = gotungnha(["roster", "import", str(template), "--ward", WARD], db_url, tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.splitlines() == [
        "Phường Nhị Chiểu: 3 tổ dân phố mới, 3 tổ CNSCĐ mới;",
        "thành viên: 5 mới, 0 cập nhật, 0 không đổi.",
        "Mã tham gia: gotungnha invites --out ma-tham-gia.xlsx",
    ]
    assert row_counts(db) == {
        "ward": 1,
        "residential_group": 3,
        "team": 3,
        "member": 5,
        "invite_code": 5,
    }

    again = gotungnha(["roster", "import", str(template), "--ward", WARD], db_url, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "thành viên: 0 mới, 0 cập nhật, 5 không đổi." in again.stdout
    assert "không có gì thay đổi" in again.stdout
    assert row_counts(db)["member"] == 5


def test_a_roster_with_bad_rows_exits_1_naming_each_row_and_saves_nothing(
    db_url: str, db: Engine, tmp_path: Path
):
    people = [
        ("Nguyễn Văn An", "0912345678", "TDP 1", "Tổ trưởng", ""),
        ("Trần Thị Bình", "0987654321", "TDP 1", "", ""),
        ("Lê Minh Châu", "12ab", "TDP 1", "", ""),
        (),
        ("Phạm Văn Dũng", "", "TDP 7", "", ""),
    ]
    path = write_roster(tmp_path / "ds.xlsx", ["TDP 1", "TDP 2"], people)

    result = gotungnha(["roster", "import", str(path), "--ward", WARD], db_url, tmp_path)

    assert result.returncode == 1, result.stdout
    assert result.stderr.splitlines() == [
        "Không nhập được danh sách (2 lỗi; chưa lưu gì):",
        "Trang “Thành viên”, dòng 4: số điện thoại “12ab” không đúng "
        "(cần 10 chữ số, ví dụ 0912345678)",
        "Trang “Thành viên”, dòng 6: tổ dân phố “TDP 7” không có trong trang “Tổ dân phố”",
    ]
    assert result.stdout == ""
    assert row_counts(db) == NOTHING


def test_a_csv_renamed_xlsx_exits_1_with_a_vietnamese_reason_and_saves_nothing(
    db_url: str, db: Engine, tmp_path: Path
):
    path = tmp_path / "ds.xlsx"
    path.write_text("Họ và tên,Tổ dân phố\nNguyễn Văn An,TDP 1\n", encoding="utf-8")

    result = gotungnha(["roster", "import", str(path), "--ward", WARD], db_url, tmp_path)

    assert result.returncode == 1
    assert "Tệp không phải là tệp Excel (.xlsx)" in result.stderr
    assert "Traceback" not in result.stderr
    assert row_counts(db) == NOTHING


def _import(db: Engine, tmp_path: Path, ward: str, people: list[tuple[str, ...]]) -> None:
    """Set up a ward in-process (the command itself is run above)."""
    groups = sorted({p[2] for p in people})
    path = write_roster(tmp_path / f"{ward}.xlsx", groups, people)
    with UnitOfWork(db) as uow:
        import_roster(uow.session, path, ward_name=ward, now=datetime.now(UTC), invite_days=30)
        uow.commit()


def _sheet_rows(path: Path) -> list[list[object]]:
    wb = load_workbook(path)
    assert wb.sheetnames == ["Mã tham gia"]
    return [[cell.value for cell in row] for row in wb["Mã tham gia"].iter_rows()]


def test_invites_out_writes_each_waiting_members_code_and_telegram_link(
    db_url: str, db: Engine, tmp_path: Path
):
    _import(
        db,
        tmp_path,
        WARD,
        [
            ("Nguyễn Văn An", "0911111111", "TDP 1", "Tổ trưởng", ""),
            ("Trần Thị Bình", "0922222222", "TDP 1", "Thành viên", ""),
            ("Lê Minh Châu", "0933333333", "TDP 2", "Thành viên", ""),
        ],
    )
    _import(db, tmp_path, "Xã An Sinh", [("Phạm Văn Dũng", "0944444444", "Thôn 1")])
    codes = open_codes(db)
    joined = gotungnha(
        ["chat", "--user", "chau"], db_url, tmp_path, stdin=f"/thamgia {codes['Lê Minh Châu']}\n1\n"
    )
    assert "Chào mừng" in joined.stdout, joined.stdout + joined.stderr

    out = tmp_path / "ma-tham-gia.xlsx"
    result = gotungnha(
        ["invites", "--ward", WARD, "--out", str(out)],
        db_url,
        tmp_path,
        GOTUNGNHA_TELEGRAM_USERNAME="@GoTungNhaBot",
    )

    assert result.returncode == 0, result.stderr
    assert f"Đã ghi 2 mã tham gia vào {out}." in result.stdout
    invites = invites_of(db)

    def expiry(name: str) -> date:
        return invites[name].expires_at.astimezone(ZONE).date()

    rows = _sheet_rows(out)
    assert rows[0] == INVITES_HEADER
    an, binh = codes["Nguyễn Văn An"], codes["Trần Thị Bình"]
    assert [[*row[:7], row[7].date()] for row in rows[1:]] == [
        [
            1,
            "Nguyễn Văn An",
            "Tổ CNSCĐ TDP 1",
            "Tổ trưởng",
            an,
            f"https://t.me/GoTungNhaBot?start={an}",
            f"/thamgia {an}",
            expiry("Nguyễn Văn An"),
        ],
        [
            2,
            "Trần Thị Bình",
            "Tổ CNSCĐ TDP 1",
            "Thành viên",
            binh,
            f"https://t.me/GoTungNhaBot?start={binh}",
            f"/thamgia {binh}",
            expiry("Trần Thị Bình"),
        ],
    ], "the joined member and the other ward's member are left out"


def test_the_invites_workbook_calls_a_deputy_to_pho(db_url: str, db: Engine, tmp_path: Path):
    _import(
        db,
        tmp_path,
        WARD,
        [
            ("Nguyễn Văn An", "0911111111", "TDP 1", "Tổ trưởng", ""),
            ("Trần Thị Bình", "0922222222", "TDP 1", "Tổ phó", ""),
        ],
    )
    out = tmp_path / "ma.xlsx"
    result = gotungnha(
        ["invites", "--ward", WARD, "--out", str(out)],
        db_url,
        tmp_path,
        GOTUNGNHA_TELEGRAM_USERNAME="GoTungNhaBot",
    )
    assert result.returncode == 0, result.stderr

    roles = {row[1]: row[3] for row in _sheet_rows(out)[1:]}
    assert roles == {"Nguyễn Văn An": "Tổ trưởng", "Trần Thị Bình": "Tổ phó"}, (
        "bot/cli/reports.py invites builds InviteLine from PendingInvite.role only "
        "(handlers/admin.py pending_invites drops Member.deputy), so a Tổ phó is printed "
        "as Tổ trưởng in the handout; the report workbook (reports/workbook.py) says Tổ phó"
    )


def test_invites_out_without_a_bot_username_keeps_the_codes_and_says_how_to_get_links(
    db_url: str, db: Engine, tmp_path: Path
):
    _import(db, tmp_path, WARD, [("Nguyễn Văn An", "0911111111", "TDP 1", "", "")])
    out = tmp_path / "ma.xlsx"
    result = gotungnha(["invites", "--ward", WARD, "--out", str(out)], db_url, tmp_path)

    assert result.returncode == 0, result.stderr
    assert "telegram.username" in result.stdout
    code = open_codes(db)["Nguyễn Văn An"]
    (row,) = _sheet_rows(out)[1:]
    assert (row[1], row[4], row[5], row[6]) == ("Nguyễn Văn An", code, None, f"/thamgia {code}")


def test_writing_the_invite_list_or_the_model_table_is_on_the_audit_log(
    db_url: str, db: Engine, tmp_path: Path
):
    from storage.models import AuditEntry

    _import(db, tmp_path, WARD, [("Nguyễn Văn An", "0911111111", "TDP 1", "Tổ trưởng", "")])
    invites = gotungnha(["invites", "--out", str(tmp_path / "ma.xlsx")], db_url, tmp_path)
    models = gotungnha(
        ["export", "models", "--out", str(tmp_path / "mo-hinh.xlsx")], db_url, tmp_path
    )
    assert invites.returncode == 0 and models.returncode == 0, invites.stderr + models.stderr
    with UnitOfWork(db) as uow:
        entries = uow.session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    exports = [(e.action, e.detail.get("file"), e.detail.get("via")) for e in entries]
    assert exports[-2:] == [
        ("export_invites", "ma.xlsx", "cli"),
        ("export_models", "mo-hinh.xlsx", "cli"),
    ]
    assert entries[-2].detail["people"] == 1
