"""`gotungnha export`, run as a real process on SQLite and PostgreSQL.

The ward is put together through the bot (the `roster` fixture, console chats) on the same
database the process then reads.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App
from reports import labels as L
from storage.models import AuditEntry
from tests.conftest import Clock, Roster
from tests.e2e.running import gotungnha

WARD = "Phường Nhị Chiểu"
SHEETS = ["Tổng hợp", "Theo tổ", "Theo tuần", "Chi tiết", "Thành viên"]


@pytest.fixture
def logged(app: App, roster: Roster, clock: Clock) -> App:
    """Two teams; three logs in the fourth quarter of 2026, one in September."""
    lan = roster.joined("Nguyễn Thị Lan", team="Tổ CNSCĐ TDP 1")
    binh = roster.joined("Trần Văn Bình", team="Tổ CNSCĐ TDP 2")
    for when, chat, text in [
        ((2026, 9, 30, 9, 0), binh, "vneid 9"),
        ((2026, 10, 5, 9, 0), lan, "vneid 2"),
        ((2026, 11, 20, 9, 0), lan, "sskdt 1"),
        ((2026, 11, 23, 9, 0), binh, "vneid 4"),
    ]:
        clock.set_local(*when)
        assert "Đã ghi" in chat.say(text)
    return app


def detail(path: Path) -> list[tuple[object, ...]]:
    """The rows of `Chi tiết` (without the header)."""
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    return list(wb["Chi tiết"].iter_rows(min_row=2, values_only=True))


def exports(app: App) -> list[AuditEntry]:
    with app.uow() as uow:
        return list(uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")))


def test_export_writes_the_wards_workbook_for_the_days_asked(
    logged: App, db_url: str, tmp_path: Path
):
    out = tmp_path / "quy4.xlsx"
    args = ["export", "--from", "2026-10-01", "--to", "2026-12-31", "--out", str(out)]
    result = gotungnha(args, db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Đã ghi {out}: {WARD}, 01/10/2026–31/12/2026, 3 lượt hỗ trợ." in result.stdout
    rows = detail(out)
    assert [(r[0].date().isoformat(), r[1], r[2]) for r in rows] == [  # type: ignore[union-attr]
        ("2026-10-05", "Tổ CNSCĐ TDP 1", "Nguyễn Thị Lan"),
        ("2026-11-20", "Tổ CNSCĐ TDP 1", "Nguyễn Thị Lan"),
        ("2026-11-23", "Tổ CNSCĐ TDP 2", "Trần Văn Bình"),
    ]
    [entry] = exports(logged)
    assert entry.member_id is None and entry.detail["via"] == "cli"
    assert (entry.detail["start"], entry.detail["end"]) == ("2026-10-01", "2026-12-31")


def test_dates_may_be_typed_as_the_ward_writes_them(logged: App, db_url: str, tmp_path: Path):
    out = tmp_path / "quy4-vn.xlsx"
    args = ["export", "--from", "01/10/2026", "--to", "31/12/2026", "--out", str(out)]
    result = gotungnha(args, db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Đã ghi {out}: {WARD}, 01/10/2026–31/12/2026, 3 lượt hỗ trợ." in result.stdout
    assert [r[2] for r in detail(out)] == ["Nguyễn Thị Lan", "Nguyễn Thị Lan", "Trần Văn Bình"]


def test_the_to_day_is_included(logged: App, db_url: str, tmp_path: Path):
    out = tmp_path / "ngay.xlsx"
    args = ["export", "--from", "2026-11-20", "--to", "2026-11-20", "--out", str(out)]
    result = gotungnha(args, db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert [r[2] for r in detail(out)] == ["Nguyễn Thị Lan"]


def test_export_with_team_holds_only_that_team(logged: App, db_url: str, tmp_path: Path):
    out = tmp_path / "to2.xlsx"
    args = ["export", "--from", "2026-10-01", "--to", "2026-12-31", "--out", str(out)]
    result = gotungnha([*args, "--team", "to cnscd tdp 2"], db_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Tổ CNSCĐ TDP 2, 01/10/2026–31/12/2026, 1 lượt hỗ trợ." in result.stdout
    rows = detail(out)
    assert [(r[1], r[2]) for r in rows] == [("Tổ CNSCĐ TDP 2", "Trần Văn Bình")]
    wb = load_workbook(out)
    names = [r[1] for r in wb["Thành viên"].iter_rows(min_row=2, values_only=True)]
    assert names == ["Trần Văn Bình"]
    teams = [r[1] for r in wb["Theo tổ"].iter_rows(min_row=2, values_only=True)]
    assert teams == ["Tổ CNSCĐ TDP 2", "Tổng cộng"]


@pytest.mark.parametrize(
    ("option", "typed"),
    [("--from", "2026-13-01"), ("--from", "01/10"), ("--to", "2026-02-30"), ("--to", "31/02/2026")],
)
def test_a_wrong_date_exits_1_with_a_vietnamese_message(
    logged: App, db_url: str, tmp_path: Path, option: str, typed: str
):
    out = tmp_path / "sai.xlsx"
    days = {"--from": "2026-10-01", "--to": "2026-12-31", option: typed}
    args = ["export", "--from", days["--from"], "--to", days["--to"], "--out", str(out)]
    result = gotungnha(args, db_url, tmp_path)
    assert result.returncode == 1
    assert f"{option} cần dạng dd/mm/yyyy hoặc YYYY-MM-DD, không phải “{typed}”." in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert exports(logged) == []


def test_a_period_ending_before_it_starts_exits_1(logged: App, db_url: str, tmp_path: Path):
    out = tmp_path / "nguoc.xlsx"
    args = ["export", "--from", "2026-12-31", "--to", "2026-10-01", "--out", str(out)]
    result = gotungnha(args, db_url, tmp_path)
    assert result.returncode == 1 and "--to phải từ --from trở đi." in result.stderr
    assert not out.exists()


def test_an_unknown_team_exits_1_and_writes_nothing(logged: App, db_url: str, tmp_path: Path):
    out = tmp_path / "khong.xlsx"
    args = ["export", "--from", "2026-10-01", "--to", "2026-12-31", "--out", str(out)]
    result = gotungnha([*args, "--team", "TDP 99"], db_url, tmp_path)
    assert result.returncode == 1
    assert f"Không có tổ “TDP 99” trong {WARD}." in result.stderr
    assert not out.exists()
    assert exports(logged) == []


def test_an_output_that_is_not_xlsx_exits_1(logged: App, db_url: str, tmp_path: Path):
    out = tmp_path / "bao-cao.csv"
    args = ["export", "--from", "2026-10-01", "--to", "2026-12-31", "--out", str(out)]
    result = gotungnha(args, db_url, tmp_path)
    assert result.returncode == 1 and "đuôi .xlsx" in result.stderr
    assert not out.exists()


def test_with_two_wards_the_ward_must_be_named(
    logged: App, roster: Roster, db_url: str, tmp_path: Path
):
    far = roster.joined("Lý Văn Tâm", team="Tổ CNSCĐ Thôn 9", ward="Xã Khác")
    assert "Đã ghi" in far.say("vneid 50")
    out = tmp_path / "xa.xlsx"
    args = ["export", "--from", "2026-10-01", "--to", "2026-12-31", "--out", str(out)]
    unnamed = gotungnha(args, db_url, tmp_path)
    assert unnamed.returncode == 1 and "Có nhiều phường: chọn một bằng --ward." in unnamed.stderr
    assert not out.exists()
    named = gotungnha([*args, "--ward", "Xã Khác"], db_url, tmp_path)
    assert named.returncode == 0, named.stderr
    assert [(r[1], r[2]) for r in detail(out)] == [("Tổ CNSCĐ Thôn 9", "Lý Văn Tâm")]
    missing = gotungnha([*args, "--ward", "Phường Không Có"], db_url, tmp_path)
    assert missing.returncode == 1 and "Không có phường “Phường Không Có”." in missing.stderr


def test_the_demo_wards_workbook_adds_up_across_its_sheets(db_url: str, tmp_path: Path):
    demo = gotungnha(["demo"], db_url, tmp_path)
    assert demo.returncode == 0, demo.stderr
    today = date.today()
    out = tmp_path / "demo.xlsx"
    start, end = (today - timedelta(days=40)).isoformat(), today.isoformat()
    result = gotungnha(
        ["export", "--from", start, "--to", end, "--out", str(out)], db_url, tmp_path
    )
    assert result.returncode == 0, result.stderr
    wb = load_workbook(out)
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=6, values_only=True)}
    assert (summary["Số tổ dân phố"], summary["Số Tổ CNSCĐ đã thành lập"]) == (6, 5)
    assert summary["Tỷ lệ tổ dân phố có Tổ CNSCĐ"] == pytest.approx(5 / 6)
    assert summary["Số thành viên"] == 12
    assert "Số thành viên Tổ CNSCĐ cấp phường" not in summary  # the officer is nobody's member
    logs = summary["Tổng số lượt hỗ trợ"]
    assert isinstance(logs, int) and logs > 0
    assert f", {logs} lượt hỗ trợ." in result.stdout

    head, *rows = wb["Chi tiết"].iter_rows(values_only=True)
    services = [h for h in head[3:] if h not in ("Số hộ", L.HEAD_PEOPLE, "Địa điểm", "Ghi chú")]
    assert len(rows) == logs
    team_head, *teams = wb["Theo tổ"].iter_rows(values_only=True)
    *teams, total = teams
    week_head, *weeks = wb["Theo tuần"].iter_rows(values_only=True)
    assert total[team_head.index("Số lượt hỗ trợ")] == logs
    assert sum(w[week_head.index("Số lượt hỗ trợ")] for w in weeks) == logs
    for name in services:
        column = head.index(name)
        in_detail = sum(r[column] or 0 for r in rows)
        assert summary[name] == in_detail, name
        assert total[team_head.index(name)] == in_detail, name
        assert sum(t[team_head.index(name)] for t in teams) == in_detail, name
        assert sum(w[week_head.index(name)] for w in weeks) == in_detail, name
    members_head, *members = wb["Thành viên"].iter_rows(values_only=True)
    assert sum(m[members_head.index("Số lượt trong kỳ")] for m in members) == logs
    households = sum(r[head.index("Số hộ")] or 0 for r in rows)
    assert summary["Số hộ gia đình được hỗ trợ"] == households
