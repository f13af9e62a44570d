"""The ward's report workbook (/xuat and reports.export), read back with openpyxl.

A 27-group, 137-member ward is imported from an Excel roster; a few members join on the
console and log over the quarter (one log is undone, one falls in the previous quarter).
Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import re
import tracemalloc
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.workbook import Workbook as LoadedWorkbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import insert
from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.config import Config
from handlers import texts
from handlers.catalogue import DEFAULT_SERVICES
from handlers.messages import Incoming, Reply
from reports import labels as L
from reports.export import export_workbook
from reports.roster import import_roster
from reports.scope import team_scope, ward_scope
from storage import queries
from storage.models import (
    AuditEntry,
    Member,
    Role,
    Service,
    SupportLog,
    SupportLogItem,
    Team,
)
from tests.conftest import Clock, Roster
from tests.workbook_pages import narrow_columns, unprintable_sheets

WARD = "Phường Nhị Chiểu"
GROUPS = 27
PEOPLE = 137
SHEETS = ["Tổng hợp", "Theo tổ", "Theo tuần", "Chi tiết", "Thành viên"]
DATA_SHEETS = ["Theo tổ", "Theo tuần", "Chi tiết", "Thành viên"]
NAMES = {s.code: s.name for s in DEFAULT_SERVICES}
JOINING = {  # name -> (group, role in the roster file)
    "Phạm Văn Minh": (1, "Tổ trưởng"),
    "Nguyễn Thị Lan": (1, "Thành viên"),
    "Trần Văn Bình": (2, "Thành viên"),
    "Đỗ Văn Nam": (2, "Tổ phó"),
}
TEAM_1, TEAM_2 = "Tổ CNSCĐ TDP 1", "Tổ CNSCĐ TDP 2"
OFFICER_TEAM = "Tổ CNSCĐ phường"  # a ward-level team: not a residential group's

# what the quarter (01/10–23/11/2026) holds once the undone log is left out
Q4_LOGS = 5
Q4_SERVICES = {"vneid": 11, "sskdt": 2, "smarthp": 2, "bc114": 1}
TEAM_1_SERVICES = {"vneid": 5, "sskdt": 2, "smarthp": 2, "bc114": 1}
TEAM_2_SERVICES = {"vneid": 6}
Q4_DAYS = [date(2026, 10, 15), date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 10)]
Q4_DAYS.append(date(2026, 11, 23))

_keys = itertools.count()


# --- building the ward ------------------------------------------------------------------------


def roster_file(path: Path, moved: dict[str, int] | None = None) -> Path:
    """A roster workbook: 27 residential groups, 137 people (7 in TDP 1, 5 in each other).

    `moved` puts some people in another group (name -> group number) after the counts.
    """
    wb = Workbook()
    groups = wb.active
    assert groups is not None
    groups.title = L.SHEET_GROUPS
    groups.append([L.HEAD_GROUP_NAME])
    for g in range(1, GROUPS + 1):
        groups.append([f"TDP {g}"])
    people = wb.create_sheet(L.SHEET_PEOPLE)
    people.append([L.HEAD_NAME, L.HEAD_PHONE, L.HEAD_GROUP, L.HEAD_ROLE, L.HEAD_NOTE])
    rows = [[name, None, f"TDP {g}", role, None] for name, (g, role) in JOINING.items()]
    placed = {g: sum(1 for gg, _ in JOINING.values() if gg == g) for g in range(1, GROUPS + 1)}
    for g in range(1, GROUPS + 1):
        wanted = 7 if g == 1 else 5
        for k in range(placed[g] + 1, wanted + 1):
            rows.append([f"Thành viên {k} TDP {g}", None, f"TDP {g}", "Thành viên", None])
    assert len(rows) == PEOPLE
    for r in rows:
        if moved and r[0] in moved:
            r[2] = f"TDP {moved[r[0]]}"
        people.append(r)
    wb.save(path)
    return path


def send(app: App, user: str, *, chat: str | None = None, text: str) -> list[Reply]:
    """One message from `user` (in a private chat unless `chat` is a group)."""
    incoming = Incoming(
        "console",
        chat or user,
        user,
        text=text,
        message_key=f"workbook-test:{next(_keys)}",
        is_group=chat is not None,
    )
    return app.engine.handle(incoming)


def join(app: App, code: str, user: str) -> ConsoleChat:
    chat = ConsoleChat(app.engine, user_id=user)
    chat.say(f"/thamgia {code}")
    answer = chat.say("1")
    assert "Chào mừng" in answer, answer
    return chat


@dataclass
class Ward:
    minh: ConsoleChat  # leader of TDP 1
    lan: ConsoleChat  # member of TDP 1
    binh: ConsoleChat  # member of TDP 2
    nam: ConsoleChat  # deputy leader (Tổ phó) of TDP 2
    officer: ConsoleChat
    officer_id: int
    minh_id: int


def logged(chat: ConsoleChat, text: str) -> None:
    answer = chat.say(text)
    assert "Đã ghi" in answer, answer


@pytest.fixture
def ward(app: App, clock: Clock, roster: Roster, tmp_path: Path) -> Ward:
    """The imported ward, with logs from 29/09 to 23/11/2026; the clock ends on 23/11."""
    clock.set_local(2026, 9, 28, 9, 0)
    with app.uow() as uow:
        done = import_roster(
            uow.session,
            roster_file(tmp_path / "danh-sach.xlsx"),
            ward_name=WARD,
            now=app.clock(),
            invite_days=30,
        )
        uow.commit()
    assert (done.groups_added, done.teams_added, done.added) == (GROUPS, GROUPS, PEOPLE)
    codes = dict(done.invites)
    minh = join(app, codes["Phạm Văn Minh"], "minh")
    lan = join(app, codes["Nguyễn Thị Lan"], "lan")
    binh = join(app, codes["Trần Văn Bình"], "binh")
    nam = join(app, codes["Đỗ Văn Nam"], "nam")
    officer_code = roster.add("Vũ Thị Thu", role=Role.OFFICER, ward=WARD, team=OFFICER_TEAM)
    officer = join(app, officer_code, "thu")

    clock.set_local(2026, 9, 29, 10, 0)  # the previous quarter
    logged(lan, "vneid 9")
    clock.set_local(2026, 10, 15, 10, 0)
    logged(binh, "vneid 1 2 hộ")
    clock.set_local(2026, 11, 2, 10, 0)
    logged(lan, "vneid 3 sskdt 2 @ ngõ 5")
    clock.set_local(2026, 11, 10, 10, 0)
    logged(lan, "smart hp 2")
    logged(minh, "vneid 2 bc114 1")
    clock.set_local(2026, 11, 23, 10, 0)
    logged(binh, "sskdt 7")
    assert "Đã hoàn tác" in binh.say("/huy")
    logged(binh, "vneid 5")
    [linked] = send(app, "minh", chat="-100", text="/lienket")
    assert "Đã liên kết" in linked.text
    with app.uow() as uow:
        officer_id = _member_id(uow.session, "Vũ Thị Thu")
        minh_id = _member_id(uow.session, "Phạm Văn Minh")
    return Ward(minh, lan, binh, nam, officer, officer_id, minh_id)


def _member_id(session: Any, name: str) -> int:
    member = session.exec(select(Member).where(Member.name == name)).one()
    assert member.id is not None
    return int(member.id)


# --- reading the workbook ---------------------------------------------------------------------


def exported(chat: ConsoleChat, args: str = "") -> tuple[Reply, LoadedWorkbook]:
    """Ask for /xuat; the answer, and the workbook it points to, opened."""
    [reply] = chat.send(f"/xuat {args}".strip())
    assert reply.document is not None, f"no file in the answer: {reply.text}"
    assert reply.document.filename.endswith(".xlsx")
    return reply, load_workbook(reply.document.path)


def table(ws: Worksheet, header_row: int = 1) -> tuple[list[Any], list[list[Any]]]:
    """The header and the data rows of a sheet."""
    rows = [list(r) for r in ws.iter_rows(min_row=header_row, values_only=True)]
    return rows[0], rows[1:]


def summary(wb: LoadedWorkbook) -> dict[str, Any]:
    """`Tổng hợp` as {label: value} (labels in column A, values in column B)."""
    _head, rows = table(wb["Tổng hợp"], header_row=5)
    return {r[0]: r[1] for r in rows if r and r[0] is not None}


def by_team(wb: LoadedWorkbook) -> tuple[list[Any], dict[str, list[Any]], list[Any]]:
    """`Theo tổ`: header, {team: row}, and the totals row."""
    head, rows = table(wb["Theo tổ"])
    *teams, total = rows
    assert total[1] == "Tổng cộng", total
    return head, {r[1]: r for r in teams}, total


def detail_rows(wb: LoadedWorkbook) -> tuple[list[Any], list[list[Any]]]:
    return table(wb["Chi tiết"])


def service_column(head: list[Any], code: str) -> int:
    return head.index(NAMES[code])


# --- the officer's ward workbook ----------------------------------------------------------------


def test_the_workbook_has_the_five_sheets_in_order(ward: Ward):
    reply, wb = exported(ward.officer)
    assert wb.sheetnames == SHEETS
    assert reply.text == texts.EXPORT_READY.format(
        who=WARD, period="từ 01/10/2026 đến 23/11/2026", logs=Q4_LOGS
    )


def test_the_console_shows_the_workbook_as_a_file_line(ward: Ward):
    answer = ward.officer.say("/xuat")
    match = re.search(r"\[Tệp: (\S+\.xlsx) — (.+\.xlsx)\]", answer)
    assert match, answer
    assert Path(match.group(2)).name == match.group(1)
    assert load_workbook(match.group(2)).sheetnames == SHEETS


def test_the_summary_counts_the_imported_roster_and_full_coverage(ward: Ward):
    _reply, wb = exported(ward.officer)
    figures = summary(wb)
    assert figures["Số tổ dân phố"] == GROUPS
    assert figures["Số Tổ CNSCĐ đã thành lập"] == GROUPS
    assert figures["Số thành viên"] == PEOPLE
    # the officer sits in the ward-level team but is nobody's member (storage.membership):
    # with no member there, the ward-level line is left out
    assert "Số thành viên Tổ CNSCĐ cấp phường" not in figures
    assert figures["Tỷ lệ tổ dân phố có Tổ CNSCĐ"] == 1.0
    assert figures["Số nhóm Zalo/Telegram đã liên kết"] == 1


def test_the_summary_rows_come_in_the_reports_order_with_services_last(ward: Ward):
    _reply, wb = exported(ward.officer)
    labels = list(summary(wb))
    spec = [
        "Số tổ dân phố",
        "Số Tổ CNSCĐ đã thành lập",
        "Số thành viên",
        "Tỷ lệ tổ dân phố có Tổ CNSCĐ",
        "Số nhóm Zalo/Telegram đã liên kết",
        "Tổng số lượt hỗ trợ",
    ]
    assert [label for label in labels if label in spec] == spec
    services = [s.name for s in DEFAULT_SERVICES]
    assert labels[-len(services) :] == services
    assert labels.index("Tổng số lượt hỗ trợ") < labels.index(services[0])


def test_the_coverage_is_a_percentage_cell(ward: Ward):
    _reply, wb = exported(ward.officer)
    ws = wb["Tổng hợp"]
    [cell] = [row[1] for row in ws.iter_rows(min_row=6) if row[0].value == L.COVERAGE]
    assert cell.value == 1.0
    assert "%" in cell.number_format, cell.number_format


def test_the_summary_title_names_the_ward_and_the_period(ward: Ward):
    _reply, wb = exported(ward.officer)
    ws = wb["Tổng hợp"]
    assert WARD in ws["A1"].value
    assert ws["A2"].value == "Từ ngày 01/10/2026 đến ngày 23/11/2026"
    assert (ws["A5"].value, ws["B5"].value) == ("Chỉ tiêu", "Số liệu")


def test_the_summary_totals_leave_out_the_undone_log_and_the_previous_quarter(ward: Ward):
    _reply, wb = exported(ward.officer)
    figures = summary(wb)
    assert figures["Tổng số lượt hỗ trợ"] == Q4_LOGS
    for spec in DEFAULT_SERVICES:
        assert figures[spec.name] == Q4_SERVICES.get(spec.code, 0), spec.name


def test_the_summary_counts_a_multi_service_log_once_and_sums_its_services(app: App, ward: Ward):
    ward.lan.say("vneid 3 sskdt 2")
    _reply, wb = exported(ward.officer)
    figures = summary(wb)
    assert figures["Tổng số lượt hỗ trợ"] == Q4_LOGS + 1
    assert figures[NAMES["vneid"]] == Q4_SERVICES["vneid"] + 3
    assert figures[NAMES["sskdt"]] == Q4_SERVICES["sskdt"] + 2


def test_by_team_rows_hold_each_teams_logs_and_services(ward: Ward):
    _reply, wb = exported(ward.officer)
    head, teams, _total = by_team(wb)
    assert len(teams) == GROUPS + 1  # and the officers' ward-level team
    logs = head.index("Số lượt hỗ trợ")
    assert teams[TEAM_1][logs] == 3 and teams[TEAM_2][logs] == 2
    for code in NAMES:
        column = service_column(head, code)
        assert teams[TEAM_1][column] == TEAM_1_SERVICES.get(code, 0), code
        assert teams[TEAM_2][column] == TEAM_2_SERVICES.get(code, 0), code
    total = head.index("Tổng dịch vụ")
    assert teams[TEAM_1][total] == sum(TEAM_1_SERVICES.values())
    assert teams[TEAM_2][head.index("Số hộ")] == 2
    assert teams["Tổ CNSCĐ TDP 3"][logs] == 0


def test_by_team_totals_row_is_the_sum_of_each_column(ward: Ward):
    _reply, wb = exported(ward.officer)
    head, teams, total = by_team(wb)
    for column in range(2, len(head)):
        assert total[column] == sum(r[column] for r in teams.values()), head[column]
    assert total[head.index("Số lượt hỗ trợ")] == Q4_LOGS
    assert total[head.index("Tổng dịch vụ")] == sum(Q4_SERVICES.values())


def test_by_week_rows_start_on_mondays_and_sum_to_the_totals(ward: Ward):
    _reply, wb = exported(ward.officer)
    head, weeks = table(wb["Theo tuần"])
    mondays = [w[0] for w in weeks]
    assert mondays[0] == datetime(2026, 9, 28) and mondays[-1] == datetime(2026, 11, 23)
    assert all(m.weekday() == 0 for m in mondays)
    assert len(weeks) == 9
    logs = head.index("Số lượt hỗ trợ")
    per_week = {w[0].date(): w[logs] for w in weeks}
    assert per_week[date(2026, 9, 28)] == 0  # 29/09 is before the quarter
    assert per_week[date(2026, 11, 9)] == 2
    assert sum(w[logs] for w in weeks) == Q4_LOGS
    for code, expected in Q4_SERVICES.items():
        column = service_column(head, code)
        assert sum(w[column] for w in weeks) == expected, code


def test_by_week_has_a_line_chart(ward: Ward):
    _reply, wb = exported(ward.officer)
    charts = wb["Theo tuần"]._charts
    assert len(charts) == 1
    assert charts[0].tagname == "lineChart"


def test_detail_has_one_row_per_counted_log_with_real_dates(ward: Ward):
    _reply, wb = exported(ward.officer)
    head, rows = detail_rows(wb)
    assert len(rows) == Q4_LOGS
    assert [r[0].date() for r in rows] == Q4_DAYS
    for cells in wb["Chi tiết"].iter_rows(min_row=2):
        day = cells[0]
        assert isinstance(day.value, datetime | date) and day.is_date
        assert "DD" in day.number_format.upper() and "YY" in day.number_format.upper()
    sskdt = service_column(head, "sskdt")
    assert [r[sskdt] for r in rows] == [None, 2, None, None, None]  # the 7 was undone
    place = head.index("Địa điểm")
    assert rows[1][place] == "ngõ 5"


def test_detail_names_the_team_and_member_of_each_log(ward: Ward):
    _reply, wb = exported(ward.officer)
    head, rows = detail_rows(wb)
    team, member = head.index("Tổ CNSCĐ"), head.index("Thành viên")
    assert [(r[team], r[member]) for r in rows] == [
        (TEAM_2, "Trần Văn Bình"),
        (TEAM_1, "Nguyễn Thị Lan"),
        (TEAM_1, "Nguyễn Thị Lan"),
        (TEAM_1, "Phạm Văn Minh"),
        (TEAM_2, "Trần Văn Bình"),
    ]


def test_data_sheets_have_a_bold_frozen_filtered_header_and_widths(ward: Ward):
    _reply, wb = exported(ward.officer)
    for name in DATA_SHEETS:
        ws = wb[name]
        assert all(c.font.bold for c in ws[1] if c.value is not None), name
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws.column_dimensions["B"].width and ws.column_dimensions["B"].width > 8, name
    top = wb["Tổng hợp"]
    assert top["A5"].font.bold and top.freeze_panes == "A6" and top.auto_filter.ref


HEADER_ROWS = {"Tổng hợp": 5}  # below the title lines; every other sheet's header is row 1


def test_no_column_is_too_narrow_for_its_days_counts_or_header(ward: Ward):
    reply, _wb = exported(ward.officer)
    assert reply.document is not None
    assert narrow_columns(reply.document.path, HEADER_ROWS) == []


def test_a_huge_figure_still_fits_the_detail_columns_sized_before_the_rows_stream(
    app: App, ward: Ward
):
    with app.uow() as uow:
        lan = uow.session.exec(select(Member).where(Member.name == "Nguyễn Thị Lan")).one()
        [vneid] = uow.session.exec(select(Service.id).where(Service.code == "vneid"))
        log = SupportLog(
            member_id=lan.id,
            team_id=lan.team_id,
            day=date(2026, 11, 20),
            households=123_456_789,
            people=987_654_321,
            created_at=app.clock(),
        )
        uow.session.add(log)
        uow.session.flush()
        assert log.id is not None
        uow.session.add(SupportLogItem(log_id=log.id, service_id=vneid, count=1_234_567_890))
        uow.commit()
    reply, wb = exported(ward.officer)
    assert reply.document is not None
    head, rows = detail_rows(wb)
    assert 123_456_789 in [r[head.index(L.HEAD_HOUSEHOLDS)] for r in rows]
    assert narrow_columns(reply.document.path, HEADER_ROWS) == []


def test_every_sheet_prints_landscape_one_page_wide_with_header_and_page_numbers(ward: Ward):
    reply, _wb = exported(ward.officer)
    assert reply.document is not None
    assert unprintable_sheets(reply.document.path, HEADER_ROWS) == []


def test_members_sheet_lists_the_roster_with_role_platform_and_logs(ward: Ward):
    _reply, wb = exported(ward.officer)
    head, rows = table(wb["Thành viên"])
    assert len(rows) == PEOPLE  # the officer is nobody's member (storage.membership)
    name, role, team = head.index("Họ và tên"), head.index("Vai trò"), head.index("Tổ CNSCĐ")
    linked, logs = head.index("Đã liên kết"), head.index("Số lượt trong kỳ")
    people = {r[name]: r for r in rows}
    assert people["Nguyễn Thị Lan"][linked] == "Thử trên máy"
    assert people["Nguyễn Thị Lan"][logs] == 2  # 29/09 is before the quarter
    assert people["Trần Văn Bình"][logs] == 2  # the undone log does not count
    assert people["Phạm Văn Minh"][role] == "Tổ trưởng"
    assert people["Phạm Văn Minh"][logs] == 1
    assert "Vũ Thị Thu" not in people
    assert people["Thành viên 3 TDP 5"][linked] == "Chưa"
    assert people["Thành viên 3 TDP 5"][logs] == 0
    assert people["Thành viên 3 TDP 5"][team] == "Tổ CNSCĐ TDP 5"
    assert sum(r[logs] for r in rows) == Q4_LOGS


def test_the_officers_export_writes_an_audit_entry_naming_them(app: App, ward: Ward):
    exported(ward.officer)
    with app.uow() as uow:
        entries = list(uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")))
    [entry] = entries
    assert entry.member_id == ward.officer_id
    assert entry.detail["via"] == "console"
    assert entry.detail["logs"] == Q4_LOGS
    assert (entry.detail["start"], entry.detail["end"]) == ("2026-10-01", "2026-11-23")
    assert entry.detail["team_ids"] is None


def test_last_month_covers_only_october(ward: Ward):
    reply, wb = exported(ward.officer, "thang truoc")
    assert "từ 01/10/2026 đến 31/10/2026" in reply.text
    assert summary(wb)["Tổng số lượt hỗ trợ"] == 1
    _head, rows = detail_rows(wb)
    assert [r[0].date() for r in rows] == [date(2026, 10, 15)]


def test_a_typed_range_of_dates_is_the_period(ward: Ward):
    reply, wb = exported(ward.officer, "01/11/2026-10/11/2026")
    assert "từ 01/11/2026 đến 10/11/2026" in reply.text
    figures = summary(wb)
    assert figures["Tổng số lượt hỗ trợ"] == 3
    assert figures[NAMES["vneid"]] == 5


def test_the_file_is_named_without_diacritics_and_the_made_line_is_local_time(ward: Ward):
    reply, wb = exported(ward.officer)
    assert reply.document is not None
    assert reply.document.filename == "bao-cao-phuong-nhi-chieu-01102026-23112026.xlsx"
    assert wb["Tổng hợp"]["A3"].value == "Lập lúc 10:00 23/11/2026"


def test_the_chart_draws_the_logs_and_each_service_logged(ward: Ward):
    _reply, wb = exported(ward.officer)
    [chart] = wb["Theo tuần"]._charts
    assert len(chart.series) == 1 + len(Q4_SERVICES)


def test_just_after_midnight_the_default_period_ends_today_in_hai_phong(
    app: App, clock: Clock, ward: Ward
):
    clock.set_local(2026, 11, 24, 0, 30)  # still 23/11 in UTC
    logged(ward.lan, "vneid 4")
    reply, wb = exported(ward.officer)
    assert "từ 01/10/2026 đến 24/11/2026" in reply.text
    _head, rows = detail_rows(wb)
    assert rows[-1][0].date() == date(2026, 11, 24)
    assert summary(wb)["Tổng số lượt hỗ trợ"] == Q4_LOGS + 1


def test_another_wards_people_and_logs_stay_out(app: App, roster: Roster, ward: Ward):
    far = roster.joined("Lý Văn Tâm", team="Tổ CNSCĐ Thôn 9", ward="Xã Khác")
    logged(far, "vneid 50")
    _reply, wb = exported(ward.officer)
    figures = summary(wb)
    assert figures["Tổng số lượt hỗ trợ"] == Q4_LOGS
    assert figures[NAMES["vneid"]] == Q4_SERVICES["vneid"]
    assert figures["Số tổ dân phố"] == GROUPS and figures["Số thành viên"] == PEOPLE
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any("Thôn 9" in str(v) or "Lý Văn Tâm" in str(v) for v in row), ws.title


def test_an_empty_period_still_gives_the_whole_workbook(ward: Ward):
    reply, wb = exported(ward.officer, "nam truoc")
    assert "từ 01/01/2025 đến 31/12/2025: 0 lượt" in reply.text
    assert wb.sheetnames == SHEETS
    assert summary(wb)["Tổng số lượt hỗ trợ"] == 0
    _head, rows = detail_rows(wb)
    assert rows == []
    _head, weeks = table(wb["Theo tuần"])
    assert len(weeks) == 53 and all(w[2] == 0 for w in weeks)
    _head, _teams, total = by_team(wb)
    assert total[2] == 0


def test_baocao_is_the_same_as_xuat(ward: Ward):
    [reply] = ward.officer.send("/baocao thang")
    assert reply.document is not None
    assert "từ 01/11/2026 đến 23/11/2026: 4 lượt" in reply.text


# --- who may export -----------------------------------------------------------------------------


def test_a_leaders_export_covers_only_their_team(app: App, ward: Ward):
    reply, wb = exported(ward.minh)
    assert TEAM_1 in reply.text and "3 lượt" in reply.text
    figures = summary(wb)
    assert figures["Tổng số lượt hỗ trợ"] == 3
    assert figures["Số tổ dân phố"] == 1 and figures["Số Tổ CNSCĐ đã thành lập"] == 1
    assert figures["Số thành viên"] == 7
    assert figures["Tỷ lệ tổ dân phố có Tổ CNSCĐ"] == 1.0
    assert figures["Số nhóm Zalo/Telegram đã liên kết"] == 1
    assert wb["Tổng hợp"]["A1"].value == (f"BÁO CÁO KẾT QUẢ HOẠT ĐỘNG — {TEAM_1} ({WARD})")
    for spec in DEFAULT_SERVICES:
        assert figures[spec.name] == TEAM_1_SERVICES.get(spec.code, 0), spec.name
    _head, teams, _total = by_team(wb)
    assert list(teams) == [TEAM_1]
    _head, rows = detail_rows(wb)
    assert len(rows) == 3
    everything = [
        str(v)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert not any("Trần Văn Bình" in v or TEAM_2 in v for v in everything)
    _head, people = table(wb["Thành viên"])
    assert len(people) == 7


def test_a_leaders_export_is_audited_with_their_team(app: App, ward: Ward):
    exported(ward.minh)
    with app.uow() as uow:
        [entry] = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export"))
        team = uow.session.exec(select(Team).where(Team.name == TEAM_1)).one()
    assert entry.member_id == ward.minh_id
    assert entry.detail["team_ids"] == [team.id]


def test_a_deputy_leader_exports_their_team_and_is_listed_as_deputy(app: App, ward: Ward):
    reply, wb = exported(ward.nam)
    assert TEAM_2 in reply.text and "2 lượt" in reply.text
    _head, rows = detail_rows(wb)
    assert {r[1] for r in rows} == {TEAM_2}
    head, people = table(wb["Thành viên"])
    roles = {r[head.index("Họ và tên")]: r[head.index("Vai trò")] for r in people}
    assert roles["Đỗ Văn Nam"] == "Tổ phó" and roles["Trần Văn Bình"] == "Thành viên"


def test_a_leaders_workbook_names_a_member_who_logged_for_the_team_then_moved(
    app: App, ward: Ward, tmp_path: Path
):
    with app.uow() as uow:  # the ward's new roster puts Lan in TDP 3
        moved = roster_file(tmp_path / "danh-sach-moi.xlsx", {"Nguyễn Thị Lan": 3})
        done = import_roster(uow.session, moved, ward_name=WARD, now=app.clock(), invite_days=30)
        uow.commit()
    assert done.updated == 1
    _reply, wb = exported(ward.minh)
    head, rows = detail_rows(wb)
    member = head.index("Thành viên")
    names = [r[member] for r in rows]
    assert names == ["Nguyễn Thị Lan", "Nguyễn Thị Lan", "Phạm Văn Minh"], (
        "Chi tiết of TDP 1 must name the member of each of its logs, also one who has "
        f"since moved to TDP 3; got {names}"
    )


def test_a_redelivered_xuat_answers_with_the_same_file_and_one_audit_entry(app: App, ward: Ward):
    incoming = Incoming("console", "thu", "thu", text="/xuat", message_key="workbook-test:again")
    [first] = app.engine.handle(incoming)
    [again] = app.engine.handle(incoming)
    assert first.document is not None and again.document == first.document
    assert load_workbook(again.document.path).sheetnames == SHEETS
    with app.uow() as uow:
        entries = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert len(entries) == 1


def test_a_member_is_refused_kindly_and_nothing_is_written(app: App, ward: Ward, config: Config):
    [reply] = ward.lan.send("/xuat")
    assert reply.text == texts.NOT_ALLOWED["leader"]
    assert reply.document is None
    exports = Path(config.bot.exports_dir)
    assert not exports.exists() or list(exports.rglob("*.xlsx")) == []
    with app.uow() as uow:
        assert uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")).all() == []


def test_an_export_asked_for_in_a_group_chat_is_refused(app: App, ward: Ward):
    [reply] = send(app, "minh", chat="-100", text="/xuat")
    assert reply.text == texts.EXPORT_PRIVATE_ONLY
    assert reply.document is None
    with app.uow() as uow:
        assert uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")).all() == []


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("hôm kia", "unknown"),
        ("thang sau", "unknown"),
        ("31/02/2026-01/03/2026", "bad_date"),
        ("10/11/2026-01/11/2026", "reversed"),
    ],
)
def test_a_period_it_cannot_read_answers_with_the_how_to(ward: Ward, typed: str, reason: str):
    [reply] = ward.officer.send(f"/xuat {typed}")
    assert reply.document is None
    assert reply.text == texts.EXPORT_PERIOD_PROBLEMS[reason] + "\n" + texts.EXPORT_HOW


# --- reports.export.export_workbook ---------------------------------------------------------------


def test_export_workbook_gives_the_same_figures_and_is_audited(
    app: App, ward: Ward, tmp_path: Path
):
    path = tmp_path / "quy-4.xlsx"
    with app.uow() as uow:
        ward_row = queries.ward_by_name(uow.session, WARD)
        assert ward_row is not None
        scope = ward_scope(uow.session, ward_row, start=date(2026, 10, 1), end=date(2026, 12, 31))
        written = export_workbook(
            uow.session,
            scope,
            path,
            now=app.clock(),
            made_at=datetime(2026, 11, 23, 10, 0),
            via="test",
        )
        uow.commit()
    assert written.logs == Q4_LOGS and written.path == path
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS
    figures = summary(wb)
    assert figures["Số thành viên"] == PEOPLE
    assert figures["Tổng số lượt hỗ trợ"] == Q4_LOGS
    assert {c: figures[NAMES[c]] for c in Q4_SERVICES} == Q4_SERVICES
    _, weeks = table(wb["Theo tuần"])
    assert weeks[-1][0] == datetime(2026, 12, 28)  # the whole quarter, week by week
    with app.uow() as uow:
        [entry] = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export"))
    assert entry.member_id is None and entry.detail["via"] == "test"
    assert entry.detail["file"] == "quy-4.xlsx"


def test_a_team_scope_matches_the_teams_row_of_the_ward_workbook(
    app: App, ward: Ward, tmp_path: Path
):
    start, end = date(2026, 10, 1), date(2026, 11, 23)
    with app.uow() as uow:
        ward_row = queries.ward_by_name(uow.session, WARD)
        team = uow.session.exec(select(Team).where(Team.name == TEAM_2)).one()
        assert ward_row is not None and team.id is not None
        for name, scope in [
            ("ward.xlsx", ward_scope(uow.session, ward_row, start=start, end=end)),
            ("team.xlsx", team_scope(uow.session, team.id, start=start, end=end)),
        ]:
            export_workbook(
                uow.session, scope, tmp_path / name, now=app.clock(), made_at=app.clock(), via="t"
            )
    head, teams, _ = by_team(load_workbook(tmp_path / "ward.xlsx"))
    team_head, only, total = by_team(load_workbook(tmp_path / "team.xlsx"))
    assert team_head == head
    assert only[TEAM_2][2:] == teams[TEAM_2][2:] == total[2:]


# --- many logs: streamed, not held in memory ------------------------------------------------------

MANY = 50_000
FIRST_ID = 1_000_000
PEAK_LIMIT = 10 * 2**20


@pytest.fixture
def many(app: App, tmp_path: Path) -> int:
    """A ward of 27 teams holding 50,000 logs in October; returns their VNeID sum."""
    with app.uow() as uow:
        import_roster(
            uow.session,
            roster_file(tmp_path / "danh-sach.xlsx"),
            ward_name=WARD,
            now=app.clock(),
            invite_days=30,
        )
        uow.commit()
        team_ids = [t.id for t in uow.session.exec(select(Team)) if t.id is not None]
        member = uow.session.exec(select(Member)).first()
        assert member is not None and member.id is not None
        member_id = member.id
    _insert_many(app, member_id, team_ids)
    return sum(1 + n % 3 for n in range(MANY))


def _insert_many(app: App, member_id: int, team_ids: list[int]) -> None:
    """50,000 logs over October, one service each, written straight with SQL."""
    with app.uow() as uow:
        [vneid] = uow.session.exec(select(Service.id).where(Service.code == "vneid"))
        created = app.clock()
        logs = [
            {
                "id": FIRST_ID + n,
                "member_id": member_id,
                "team_id": team_ids[n % len(team_ids)],
                "day": date(2026, 10, 1 + n % 31),
                "created_at": created,
            }
            for n in range(MANY)
        ]
        items = [
            {"log_id": FIRST_ID + n, "service_id": vneid, "count": 1 + n % 3} for n in range(MANY)
        ]
        connection = uow.session.connection()
        connection.execute(insert(SupportLog), logs)
        connection.execute(insert(SupportLogItem), items)
        uow.commit()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_fifty_thousand_logs_stream_to_the_detail_sheet_in_little_memory(
    app: App, many: int, tmp_path: Path
):
    path = tmp_path / "lon.xlsx"
    with app.uow() as uow:
        ward_row = queries.ward_by_name(uow.session, WARD)
        assert ward_row is not None
        scope = ward_scope(uow.session, ward_row, start=date(2026, 10, 1), end=date(2026, 10, 31))
        tracemalloc.start()
        try:
            written = export_workbook(
                uow.session, scope, path, now=app.clock(), made_at=app.clock(), via="test"
            )
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        uow.commit()
    assert written.logs == MANY
    # Streamed, the writer peaks near 5 MB; fetching the 50,000 rows at once takes about
    # 15 MB, holding them as logs about 23 MB, an in-memory workbook of them 50+ MB.
    assert peak < PEAK_LIMIT, f"peak Python memory while writing: {peak / 2**20:.1f} MB"
    wb = load_workbook(path, read_only=True)
    try:
        assert wb.sheetnames == SHEETS
        figures = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=6, values_only=True)}
        assert figures["Tổng số lượt hỗ trợ"] == MANY
        assert figures[NAMES["vneid"]] == many
        head, *rows = wb["Chi tiết"].iter_rows(values_only=True)
        vneid = head.index(NAMES["vneid"])
        assert len(rows) == MANY
        assert sum(r[vneid] for r in rows) == many
    finally:
        wb.close()
