"""The city's workbook (`gotungnha export --city`), read back with openpyxl.

Four wards are put into the database (tests/city_wards.py) with figures worked out by hand:
people, logs (one undone, one of the quarter before), group chats, models, reports sent on
time, late or not at all, campaigns (the city's, a ward's, one after the quarter). Each test
runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event
from sqlmodel import col, select

from bot.app import App
from handlers.admin import add_ward
from handlers.catalogue import DEFAULT_SERVICES
from reports import labels as L
from reports.city_workbook import City, write_city_workbook
from reports.export import record_city_export
from reports.layout import PRINTABLE_POINTS, printed_points
from schedules.city import reports_due
from storage.deadlines import deadlines_of_ward
from storage.models import AuditEntry, DeadlineSubmission, Team
from tests.city_wards import (
    AN_LAO,
    BY_MONTH,
    CAMPAIGNS,
    CAT_HAI,
    CITY_CAMPAIGN,
    EXPECTED,
    LE_CHAN,
    MISSING,
    NGO_QUYEN,
    QUARTER,
    TODAY,
    WARD_CAMPAIGN,
    WARDS_IN_ORDER,
    YEARLY,
    Launched,
    add_campaigns,
    build_city,
    city_deadlines,
    ward_sends,
)
from tests.conftest import ZONE
from tests.helpers import service_totals
from tests.workbook_pages import narrow_columns, print_problems, widths

CITY = "Thành phố Hải Phòng"
SHEETS = ["Các phường", "Theo dịch vụ và tháng", "Chưa nộp đúng hạn", "Chiến dịch"]
NAMES = {s.code: s.name for s in DEFAULT_SERVICES}
HEADER_ROW = 5  # of `Các phường`: its title, period and "made at" lines come first
FIXED = {  # the columns of `Các phường` besides the services: header -> Figures field
    "Số Tổ CNSCĐ": "teams",
    "Số thành viên": "members",
    "Thành viên đã ghi trong kỳ": "active",
    "Số nhóm Zalo, Telegram đã liên kết": "chats",
    "Số lượt hỗ trợ": "logs",
    "Số hộ": "households",
    "Số người (ít nhất)": "people",
    "Số mô hình đã đăng ký": "models",
    "Số báo cáo tổ phải nộp": "due",
    "Số báo cáo tổ nộp đúng hạn": "on_time",
}


def write(
    app: App,
    path: Path,
    *,
    name: str = CITY,
    start: date = QUARTER[0],
    end: date = QUARTER[1],
    today: date = TODAY,
) -> Path:
    with app.uow(read_only=True) as uow:
        due = reports_due(uow.session, start=start, end=end, today=today, zone=ZONE)
        made_at = datetime(2026, 11, 23, 10, 0, tzinfo=ZONE)
        write_city_workbook(uow.session, City(name, start, end), path, made_at=made_at, due=due)
    return path


def rows(path: Path, sheet: str, *, first: int = 1) -> list[tuple[Any, ...]]:
    return list(load_workbook(path)[sheet].iter_rows(min_row=first, values_only=True))


def ward_rows(path: Path) -> dict[str, dict[str, Any]]:
    """`Các phường` as {ward (or "Tổng cộng"): {header: value}}, in the sheet's order."""
    header, *body = rows(path, "Các phường", first=HEADER_ROW)
    return {str(r[1]): dict(zip(header, r, strict=True)) for r in body}


@pytest.fixture
def city(app: App) -> App:
    build_city(app)
    add_campaigns(app)
    return app


@pytest.fixture
def book(city: App, tmp_path: Path) -> Path:
    return write(city, tmp_path / "thanh-pho.xlsx")


def test_the_workbook_has_its_four_sheets_in_order(book: Path):
    assert load_workbook(book).sheetnames == SHEETS


def test_the_title_names_the_city_and_the_period(book: Path):
    title, period, made, blank = rows(book, "Các phường")[:4]
    assert (
        title[0] == f"BÁO CÁO KẾT QUẢ HOẠT ĐỘNG TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG CÁC PHƯỜNG, XÃ — {CITY}"
    )
    assert period[0] == "Từ ngày 01/10/2026 đến ngày 31/12/2026"
    assert made[0] == "Lập lúc 10:00 23/11/2026" and blank[0] is None


def test_without_a_city_name_the_title_says_the_whole_city(city: App, tmp_path: Path):
    path = write(city, tmp_path / "khong-ten.xlsx", name="")
    assert str(rows(path, "Các phường")[0][0]).endswith("— Toàn thành phố")


def test_each_ward_has_one_row_in_name_order_with_its_figures(book: Path):
    found = ward_rows(book)
    assert list(found) == [*WARDS_IN_ORDER, "Tổng cộng"]
    assert [found[w]["STT"] for w in WARDS_IN_ORDER] == [1, 2, 3, 4]
    for ward, figures in EXPECTED.items():
        row = found[ward]
        assert {h: row[h] for h in FIXED} == {h: getattr(figures, f) for h, f in FIXED.items()}, (
            ward
        )
        services = {code: row[name] for code, name in NAMES.items()}
        assert services == {code: dict(figures.services).get(code, 0) for code in NAMES}, ward


def test_a_ward_with_nothing_yet_has_a_row_of_zeros(book: Path):
    row = ward_rows(book)[AN_LAO]
    assert [v for h, v in row.items() if h not in ("STT", L.HEAD_WARD)] == [0] * (len(row) - 2)


def test_undone_logs_and_days_outside_the_period_count_nowhere(book: Path):
    ngo = ward_rows(book)[NGO_QUYEN]
    # An's 9 VNeID of 30/09 and Bảo's undone "muc2 4" of 20/11 are left out
    assert (ngo["Số lượt hỗ trợ"], ngo[NAMES["vneid"]], ngo[NAMES["muc2"]]) == (5, 4, 0)
    # An and Dung; not Bảo (undone), the officer, nor Hà (her log is her old team's)
    assert ngo["Thành viên đã ghi trong kỳ"] == 2


def test_the_totals_row_sums_each_column_and_matches_the_databases_sums(city: App, book: Path):
    found = ward_rows(book)
    total = found.pop("Tổng cộng")
    for header in [*FIXED, *NAMES.values()]:
        assert total[header] == sum(row[header] for row in found.values()), header
    by_sql = service_totals(city, *QUARTER)
    assert {code: total[name] for code, name in NAMES.items() if total[name]} == by_sql
    assert total["Số thành viên"] == 7 and total["Thành viên đã ghi trong kỳ"] == 3


def test_the_service_and_month_sheet_adds_up_to_the_same_totals(book: Path):
    header, *body = rows(book, "Theo dịch vụ và tháng")
    assert header == ("Dịch vụ", "10/2026", "11/2026", "12/2026", "Tổng cộng")
    table = {r[0]: r[1:] for r in body}
    assert list(table) == [*NAMES.values(), "Tổng cộng"]
    for code, name in NAMES.items():
        months = [BY_MONTH.get((code, m), 0) for m in (10, 11, 12)]
        assert table[name] == (*months, sum(months)), name
    total = ward_rows(book)["Tổng cộng"]
    assert [table[name][-1] for name in NAMES.values()] == [total[n] for n in NAMES.values()]
    columns = list(zip(*(table[name] for name in NAMES.values()), strict=True))
    assert table["Tổng cộng"] == tuple(sum(c) for c in columns)


def test_a_period_across_a_new_year_has_a_column_for_each_month(city: App, tmp_path: Path):
    path = write(city, tmp_path / "nam.xlsx", start=date(2026, 11, 15), end=date(2027, 2, 3))
    header = rows(path, "Theo dịch vụ và tháng")[0]
    assert header == ("Dịch vụ", "11/2026", "12/2026", "01/2027", "02/2027", "Tổng cộng")


MISSING_HEADER = (
    "STT",
    "Phường, xã, đặc khu",
    "Hạn báo cáo",
    "Hạn cuối",
    "Số tổ nộp đúng hạn",
    "Số tổ phải nộp",
)


def test_not_sent_lists_exactly_the_wards_whose_teams_missed_a_passed_deadline(book: Path):
    header, *body = rows(book, "Chưa nộp đúng hạn")
    assert header == MISSING_HEADER
    found = [(r[1], r[2], r[3].date(), r[4], r[5]) for r in body]
    assert found == MISSING
    assert [r[0] for r in body] == [1, 2, 3]


def test_a_deadline_not_over_yet_is_owed_by_no_one(city: App, tmp_path: Path):
    # on 15/12 the quarterly report (last day 14/12) is over as well: no team sent it
    path = write(city, tmp_path / "sau.xlsx", today=date(2026, 12, 15))
    assert ward_rows(path)[NGO_QUYEN]["Số báo cáo tổ phải nộp"] == 4
    quarterly = [r for r in rows(path, "Chưa nộp đúng hạn", first=2) if r[2] == "Báo cáo quý"]
    assert [r[1] for r in quarterly] == ["Đặc khu Cát Hải", LE_CHAN, NGO_QUYEN]


def test_when_every_ward_sent_the_sheet_says_so(city: App, tmp_path: Path):
    with city.uow() as uow:
        for submission in uow.session.exec(select(DeadlineSubmission)):
            submission.submitted_at = datetime(2026, 10, 1, tzinfo=ZONE)
            uow.session.add(submission)
        sent = {s.team_id for s in uow.session.exec(select(DeadlineSubmission))}
        teams = uow.session.exec(select(Team).where(col(Team.residential_group_id).is_not(None)))
        for team in teams:
            assert team.id is not None
            if team.id not in sent:
                [yearly] = [
                    d for d in deadlines_of_ward(uow.session, team.ward_id) if d.name == YEARLY
                ]
                assert yearly.id is not None
                submission = DeadlineSubmission(
                    deadline_id=yearly.id,
                    team_id=team.id,
                    period="2026",
                    submitted_at=datetime(2026, 10, 2, tzinfo=ZONE),
                )
                uow.session.add(submission)
        uow.commit()
    path = write(city, tmp_path / "du.xlsx", end=date(2026, 10, 30))  # before the one-off's
    assert rows(path, "Chưa nộp đúng hạn") == [
        MISSING_HEADER,
        ("Mọi phường đã nộp đủ, đúng hạn.", None, None, None, None, None),
    ]
    assert ward_rows(path)["Tổng cộng"]["Số báo cáo tổ nộp đúng hạn"] == 4


def test_a_period_with_no_deadline_over_says_so(city: App, tmp_path: Path):
    path = write(city, tmp_path / "thang11.xlsx", start=date(2026, 11, 1), end=date(2026, 11, 22))
    assert rows(path, "Chưa nộp đúng hạn", first=2) == [
        ("Trong kỳ này chưa có hạn báo cáo nào đã qua.", None, None, None, None, None)
    ]


def test_every_sheet_prints_a4_landscape_and_no_column_is_too_narrow(book: Path):
    wards, *others = load_workbook(book).worksheets
    # the title and period print in each page's header, the table's header row below them
    assert print_problems(wards, header_rows=f"{HEADER_ROW}:{HEADER_ROW}") == []
    assert wards.print_area == "'Các phường'!$A$5:$W$10"
    assert "Thành phố Hải Phòng" in wards.oddHeader.center.text
    assert [print_problems(ws) for ws in others] == [[], [], []]
    assert narrow_columns(book, {"Các phường": HEADER_ROW}) == []


def test_the_export_is_audited_with_the_city_and_the_period(city: App, tmp_path: Path):
    asked = City(CITY, *QUARTER)
    with city.uow() as uow:
        written = write_city_workbook(
            uow.session, asked, tmp_path / "thanh-pho.xlsx", made_at=city.clock(), due=[]
        )
        record_city_export(uow.session, asked, written, now=city.clock(), via="cli")
        uow.commit()
    with city.uow() as uow:
        [entry] = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export_city"))
    assert entry.detail == {
        "via": "cli",
        "city": CITY,
        "start": "2026-10-01",
        "end": "2026-12-31",
        "wards": 4,
        "logs": 7,
        "file": "thanh-pho.xlsx",
    }


def statements(app: App, path: Path) -> int:
    """How many SQL statements writing the city's workbook takes."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(app.db, "before_cursor_execute", count)
    try:
        write(app, path)
    finally:
        event.remove(app.db, "before_cursor_execute", count)
    return len(seen)


def test_the_figures_take_as_many_queries_for_fourteen_wards_as_for_four(city: App, tmp_path: Path):
    four = statements(city, tmp_path / "bon.xlsx")
    with city.uow() as uow:
        for n in range(10):
            add_ward(uow, f"Xã Thêm {n}", now=city.clock())
        uow.commit()
    assert statements(city, tmp_path / "muoi-bon.xlsx") == four
    found = ward_rows(tmp_path / "muoi-bon.xlsx")
    assert len(found) == 15 and found["Xã Thêm 2"]["Số lượt hỗ trợ"] == 0


# --- Chiến dịch -------------------------------------------------------------------------------

CAMPAIGN_HEADER = (
    "STT",
    "Chiến dịch / Phường, xã, đặc khu",
    "Thời gian",
    "Dịch vụ",
    "Chỉ tiêu giao",
    "Tính đến ngày",
    "Kết quả",
    "Chỉ tiêu",
    "Tỷ lệ đạt",
)


def campaign_rows(campaign: Launched) -> list[tuple[Any, ...]]:
    """The rows `Chiến dịch` must hold for a campaign, from the figures worked out by hand."""
    days, services, target = campaign.shown
    found: list[tuple[Any, ...]] = [
        (None, campaign.name, days, services, target, campaign.until, None, None, None)
    ]
    for n, (ward, (result, goal, rate)) in enumerate(campaign.wards.items(), start=1):
        found.append((n, ward, None, None, None, None, result, goal, rate))
    found.append((None, "Tổng cộng", None, None, None, None, *campaign.total))
    return found


def read_campaigns(path: Path) -> list[tuple[Any, ...]]:
    """`Chiến dịch` below its header, days as days and rates rounded to read."""
    header, *body = rows(path, "Chiến dịch")
    assert header == CAMPAIGN_HEADER
    return [
        tuple(
            v.date() if isinstance(v, datetime) else round(v, 4) if isinstance(v, float) else v
            for v in row
        )
        for row in body
    ]


def rounded(found: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(round(v, 4) if isinstance(v, float) else v for v in row) for row in found]


def test_the_campaign_sheet_has_each_campaign_of_the_period_then_its_wards_and_totals(
    book: Path,
):
    # the city's (every ward, per ward) then Ngô Quyền's (per team); not January's
    expected = [row for campaign in CAMPAIGNS for row in campaign_rows(campaign)]
    assert read_campaigns(book) == rounded(expected)


def test_a_campaign_counts_no_undone_log_and_no_day_outside_its_own(book: Path):
    by_ward = {row[1]: row for row in read_campaigns(book)[:6]}
    # Ngô Quyền: An's VNeID of 05/10 and 12/11 only (not Bảo's undone "muc2 4", not Dung's
    # 114 of 15/12); Lê Chân: Phụng's of 04/10, not Én's of 03/10, the day before
    assert (by_ward[NGO_QUYEN][6], by_ward[LE_CHAN][6]) == (4, 1)


def test_a_period_ending_mid_campaign_counts_through_its_last_day(city: App, tmp_path: Path):
    path = write(city, tmp_path / "thang10.xlsx", start=date(2026, 10, 1), end=date(2026, 10, 31))
    found = read_campaigns(path)
    until = date(2026, 10, 31)
    # the city's: An's VNeID of 05/10 (3) and Phụng's of 04/10 (1); Ngô Quyền's: TDP 1's 3
    # (An's Sổ sức khỏe, Hà's Chữ ký số), TDP 2's and the officer's come later
    assert [(r[1], r[5], r[6], r[7], r[8]) for r in found] == rounded(
        [
            (CITY_CAMPAIGN.name, until, None, None, None),
            (CAT_HAI, None, 0, 3, 0.0),
            (LE_CHAN, None, 1, 3, 1 / 3),
            (NGO_QUYEN, None, 3, 3, 1.0),
            (AN_LAO, None, 0, 3, 0.0),
            ("Tổng cộng", None, 4, 12, "1/4 phường đạt"),
            (WARD_CAMPAIGN.name, until, None, None, None),
            (NGO_QUYEN, None, 3, 6, "1/2 tổ"),
            ("Tổng cộng", None, 3, 6, "0/1 phường đạt"),
        ]
    )


def test_a_period_without_a_campaign_has_no_campaign_sheet(city: App, tmp_path: Path):
    path = write(city, tmp_path / "thang9.xlsx", start=date(2026, 9, 1), end=date(2026, 9, 30))
    assert load_workbook(path).sheetnames == SHEETS[:3]


def test_the_campaign_sheet_prints_one_page_wide_at_full_size(book: Path):
    ws = load_workbook(book)["Chiến dịch"]
    assert print_problems(ws) == []  # one page wide, its header row atop every page
    assert printed_points(list(widths(ws).values())) <= PRINTABLE_POINTS  # not shrunk


def test_the_city_deadlines_take_as_many_queries_for_three_as_for_one(city: App, tmp_path: Path):
    passed = [
        ("Báo cáo tháng 10", date(2026, 10, 20), "2026-10-20"),
        ("Báo cáo nhanh", date(2026, 11, 5), "2026-11-05"),
        ("Báo cáo tháng 11", date(2026, 11, 20), "2026-11-20"),
    ]
    with city.uow() as uow:
        city_deadlines(uow, city.clock(), passed[0])
        uow.commit()
    one = statements(city, tmp_path / "mot.xlsx")
    with city.uow() as uow:
        city_deadlines(uow, city.clock(), *passed[1:])
        ward_sends(uow, LE_CHAN, passed[1], datetime(2026, 11, 1, 9, 0, tzinfo=ZONE))
        ward_sends(uow, LE_CHAN, passed[2], datetime(2026, 11, 22, 9, 0, tzinfo=ZONE))  # late
        uow.commit()
    assert statements(city, tmp_path / "ba.xlsx") == one
    late = {(r[1], r[2]) for r in rows(tmp_path / "ba.xlsx", L.SHEET_CITY_MISSING, first=2)}
    ours = {name for name, _day, _period in passed}
    assert {d for w, d in late if w == LE_CHAN and d in ours} == {
        "Báo cáo tháng 10",
        "Báo cáo tháng 11",
    }
    assert {w for w, d in late if d == "Báo cáo nhanh"} == set(WARDS_IN_ORDER) - {LE_CHAN}
