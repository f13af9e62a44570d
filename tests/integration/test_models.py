"""A unit (a school, an office) registers its digital-transformation models in chat.

The ward directive asks each unit to register at least one model with a 7-column table;
/dangkymohinh asks its six fields one at a time, /sua changes them before the deadline.
Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from handlers.admin import RosterError, add_unit
from storage import deadlines, queries, units
from storage.models import Audience, ModelRegistration, Role
from tests.conftest import Roster
from tests.workbook_pages import narrow_columns, unprintable_sheets

WARD = "Phường Nhị Chiểu"
SCHOOL = "Trường THCS Chu Văn An"


def new_unit(app: App, name: str = SCHOOL, kind: str = "school", rep: str = "Trần Văn Hùng") -> str:
    """Put a unit and its representative on the roster; the representative's invite code."""
    with app.uow() as uow:
        _unit, _member, invite = add_unit(
            uow,
            name=name,
            kind=kind,
            representative=rep,
            ward=WARD,
            now=app.clock(),
            invite_days=30,
        )
        uow.commit()
        return invite.code


@pytest.fixture
def school(app: App) -> ConsoleChat:
    """The school's representative, joined."""
    code = new_unit(app)
    chat = ConsoleChat(app.engine, user_id="hung")
    assert "Trả lời 1 hoặc 2" in chat.say(f"/thamgia {code}")
    welcome = chat.say("1")
    assert f"người đại diện {SCHOOL}" in welcome and "/dangkymohinh" in welcome
    return chat


def registration_deadline(app: App) -> None:
    """The ward's deadline to register models: before 20/12/2026, reminders 3 days before."""
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD)
        assert ward is not None and ward.id is not None
        deadlines.add_deadline(
            uow.session,
            ward_id=ward.id,
            name="Đăng ký mô hình",
            repeat="once",
            before=date(2026, 12, 20),
            lead_days=[3, 0],
            now=app.clock(),
            audience=Audience.UNITS,
        )
        uow.commit()


def saved_models(app: App) -> list[ModelRegistration]:
    with app.uow() as uow:
        return list(uow.session.exec(select(ModelRegistration).order_by(ModelRegistration.id)))


ANSWERS = [
    "1",  # Trường học chuyển đổi số điển hình, the first of the directive's school models
    "Dạy học trên bài giảng số, quản lý hồ sơ học sinh trên phần mềm",
    "3",  # Kết hợp trực tiếp và trực tuyến
    "Ban giám hiệu và 45 giáo viên",
    "100% giáo viên dùng bài giảng số",
    "Không sử dụng kinh phí",  # a choice typed by its label
]


def register(chat: ConsoleChat) -> str:
    """Answer the six questions; the summary shown."""
    asked = chat.say("/dangkymohinh")
    assert asked.startswith("Bước 1/6. Tên mô hình") and "Lớp học số sáng tạo" in asked
    answer = ""
    for text in ANSWERS:
        answer = chat.say(text)
    return answer


def test_a_school_registers_a_model_field_by_field_and_confirms(app: App, school: ConsoleChat):
    summary = register(school)
    assert f"Mô hình của {SCHOOL}:" in summary
    assert "1. Tên mô hình: Trường học chuyển đổi số điển hình" in summary
    assert "3. Cách thức hoạt động: Kết hợp trực tiếp và trực tuyến" in summary
    assert "6. Kinh phí hoạt động: Không sử dụng kinh phí" in summary
    assert saved_models(app) == []  # nothing saved before "Lưu"
    saved = school.say("Lưu")
    assert "✅ Đã đăng ký mô hình “Trường học chuyển đổi số điển hình”" in saved
    [model] = saved_models(app)
    assert (model.name, model.method, model.participants, model.budget) == (
        "Trường học chuyển đổi số điển hình",
        "Kết hợp trực tiếp và trực tuyến",
        "Ban giám hiệu và 45 giáo viên",
        "Không sử dụng kinh phí",
    )


def test_a_field_is_changed_at_the_summary_before_saving(app: App, school: ConsoleChat):
    register(school)
    assert "Sửa mục nào?" in school.say("Sửa một mục")
    assert school.say("4").startswith("Bước 4/6. Thành viên tham gia?")
    summary = school.say("Toàn bộ 52 giáo viên và nhân viên")
    assert "4. Thành viên tham gia: Toàn bộ 52 giáo viên và nhân viên" in summary
    school.say("Lưu")
    assert [m.participants for m in saved_models(app)] == ["Toàn bộ 52 giáo viên và nhân viên"]


def test_cancel_saves_nothing(app: App, school: ConsoleChat):
    register(school)
    assert school.say("Huỷ") == texts.MODEL_CANCELLED
    assert saved_models(app) == []


def test_a_phone_number_in_an_answer_is_not_kept(app: App, school: ConsoleChat):
    school.say("/dangkymohinh")
    school.say("Lớp học số sáng tạo")
    answer = school.say("Liên hệ cô Lan 0912 345 678 để tham gia")
    assert "Đã bỏ số" in answer
    for text in ANSWERS[2:]:
        school.say(text)
    school.say("Lưu")
    [model] = saved_models(app)
    assert model.name == "Lớp học số sáng tạo"
    assert "0912" not in model.content and "345 678" not in model.content


def test_an_empty_or_overlong_answer_is_asked_again(app: App, school: ConsoleChat):
    school.say("/dangkymohinh")
    school.say("1")
    too_long = school.say("x" * 1200)
    assert "Dài quá (1200 ký tự, tối đa 1000)" in too_long and "Bước 2/6" in too_long
    assert school.say("Dạy học số").startswith("Bước 3/6")


def test_sua_changes_a_saved_model_until_the_last_day_then_refuses(
    app: App, school: ConsoleChat, clock
):
    registration_deadline(app)
    register(school)
    assert "Muốn sửa, gõ /sua (đến hết ngày 19/12/2026)" in school.say("Lưu")
    shown = school.say("/sua")
    assert "1. Tên mô hình: Trường học chuyển đổi số điển hình" in shown
    school.say("Sửa một mục")
    school.say("6")
    school.say("Xã hội hóa 5 triệu đồng")
    assert "✅ Đã sửa mô hình" in school.say("Lưu")
    [model] = saved_models(app)
    assert model.budget == "Xã hội hóa 5 triệu đồng" and model.updated_at is not None
    clock.set_local(2026, 12, 20, 9, 0)
    assert school.say("/sua") == texts.MODEL_CLOSED.format(day="19/12/2026")


def test_a_second_model_is_chosen_by_name_when_changing(app: App, school: ConsoleChat):
    register(school)
    school.say("Lưu")
    school.say("/dangkymohinh")
    school.say("Giáo viên số tiêu biểu")
    for text in ANSWERS[1:]:
        school.say(text)
    school.say("Lưu")
    which = school.say("/sua")
    assert "Đơn vị đã đăng ký 2 mô hình" in which and "Giáo viên số tiêu biểu" in which
    assert "Tên mô hình: Giáo viên số tiêu biểu" in school.say("2")


def test_a_representative_cannot_log_support_and_a_member_cannot_register(
    app: App, school: ConsoleChat, roster: Roster
):
    assert school.say("vneid 3") == texts.NOT_ALLOWED["member"]
    assert school.say("/thongke") == texts.NOT_ALLOWED["member"]
    assert "/dangkymohinh" in school.say("/trogiup")
    lan = roster.joined("Nguyễn Thị Lan")
    assert lan.say("/dangkymohinh") == texts.NOT_ALLOWED["unit"]
    officer = roster.joined("Cán bộ Phương", role=Role.OFFICER)
    assert officer.say("/dangkymohinh") == texts.NOT_ALLOWED["unit"]


def test_a_unit_name_is_unique_in_its_ward_and_its_kind_known(app: App):
    new_unit(app)
    with pytest.raises(RosterError, match="đã có đơn vị"):
        new_unit(app, rep="Người khác")
    with pytest.raises(RosterError, match="Loại đơn vị"):
        new_unit(app, name="Trường Tiểu học A", kind="university")


def test_representatives_are_not_counted_as_team_members(app: App, school: ConsoleChat):
    with app.uow() as uow:
        [row] = units.units_of_ward(uow.session, uow.session.exec(select(units.Unit)).one().ward_id)
    assert (row.unit.name, row.joined, row.models) == (SCHOOL, True, 0)
    assert row.representative is not None and row.representative.role == Role.UNIT


def test_a_representative_gets_no_nudge_to_log_support(app: App, school: ConsoleChat, clock):
    from schedules.snapshot import quiet_candidates

    clock.set_local(2026, 12, 20, 9, 0)  # weeks without a log
    with app.uow() as uow:
        ward = uow.session.exec(select(units.Unit)).one().ward_id
        quiet = quiet_candidates(uow.session, ward, zone=app.config.zone)
    assert [m.name for m in quiet] == []


def test_the_officer_gets_the_directives_table_one_numbered_row_per_model(
    app: App, school: ConsoleChat, tmp_path
):
    from openpyxl import load_workbook

    from reports.models import write_models

    register(school)
    school.say("Lưu")
    code = new_unit(app, name="UBND phường Nhị Chiểu", kind="office", rep="Lê Thị Thu")
    office = ConsoleChat(app.engine, user_id="thu")
    office.say(f"/thamgia {code}")
    office.say("1")
    office.say("/dangkymohinh")
    for text in [
        "Một cửa số thân thiện",
        "Hướng dẫn dịch vụ công",
        "1",
        "Bộ phận một cửa",
        "Ít phải đi lại",
        "2",
    ]:
        office.say(text)
    office.say("Lưu")
    new_unit(app, name="Trường Tiểu học Hoa Sen", rep="Phạm Văn Quang")  # not registered
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD)
        assert ward is not None
        count = write_models(uow.session, ward, tmp_path / "mo-hinh.xlsx")
    assert count == 2
    book = load_workbook(tmp_path / "mo-hinh.xlsx")
    assert book.sheetnames == ["Đăng ký mô hình", "Theo đơn vị"]
    rows = list(book["Đăng ký mô hình"].iter_rows(values_only=True))
    assert rows[0] == (
        "Stt",
        "Tên mô hình",
        "Nội dung hoạt động",
        "Cách thức hoạt động",
        "Thành viên tham gia",
        "Hiệu quả mang lại",
        "Kinh phí hoạt động",
    )
    assert [r[:2] for r in rows[1:]] == [  # unit by unit, by name
        (1, "Trường học chuyển đổi số điển hình"),
        (2, "Một cửa số thân thiện"),
    ]
    assert rows[1][5] and rows[2][6] == "Kinh phí của đơn vị"
    units_rows = list(book["Theo đơn vị"].iter_rows(values_only=True))
    assert [(r[1], r[4], r[5]) for r in units_rows[1:]] == [
        ("Trường THCS Chu Văn An", "Có", 1),
        ("Trường Tiểu học Hoa Sen", "Chưa", 0),
        ("UBND phường Nhị Chiểu", "Có", 1),
    ]


def test_units_that_have_not_registered_are_reminded_and_the_others_are_not(
    app: App, school: ConsoleChat
):
    import asyncio
    import io
    from datetime import datetime

    from bot.channels.sender import ChannelSender
    from schedules.jobs import tick

    code = new_unit(app, name="Trường Tiểu học Hoa Sen", rep="Phạm Văn Quang")
    quang = ConsoleChat(app.engine, user_id="quang")
    quang.say(f"/thamgia {code}")
    quang.say("1")
    register(school)
    school.say("Lưu")
    registration_deadline(app)
    console = io.StringIO()
    at = datetime(2026, 12, 16, 8, 0, tzinfo=app.config.zone)  # three days before the last day
    summary = asyncio.run(
        tick(app.uow, ChannelSender(console=console), now=at, zone=app.config.zone)
    )
    sent = console.getvalue()
    assert "[→ quang] ⏰ Nhắc hạn Đăng ký mô hình: hạn cuối 19/12/2026, còn 3 ngày." in sent
    assert "Trường Tiểu học Hoa Sen chưa đăng ký mô hình nào. Gõ /dangkymohinh" in sent
    assert "[→ hung]" not in sent  # the school has registered
    assert "/danop" not in sent  # no team is reminded of a units' deadline
    assert summary.sent == sent.count("[→ ")


def test_the_wards_workbook_carries_the_model_table_and_a_teams_does_not(
    app: App, school: ConsoleChat, roster: Roster
):
    from openpyxl import load_workbook

    register(school)
    school.say("Lưu")
    officer = roster.joined("Cán bộ Phương", role=Role.OFFICER, ward=WARD)
    leader = roster.joined("Phạm Văn Minh", role=Role.LEADER, ward=WARD)
    [ward_file] = [r.document for r in officer.send("/xuat") if r.document]
    [team_file] = [r.document for r in leader.send("/xuat") if r.document]
    book = load_workbook(ward_file.path, read_only=True)
    assert book.sheetnames[-1] == "Đăng ký mô hình"
    rows = list(book["Đăng ký mô hình"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Stt", "Tên mô hình", "Nội dung hoạt động")
    assert rows[1][:2] == (1, "Trường học chuyển đổi số điển hình")
    assert "Đăng ký mô hình" not in load_workbook(team_file.path, read_only=True).sheetnames


def model_workbooks(app: App, school: ConsoleChat, roster: Roster, folder: Path) -> list[Path]:
    """The officer's model table, and the ward's report workbook that carries it."""
    from reports.models import write_models

    register(school)
    school.say("Lưu")
    new_unit(app, name="Trường Tiểu học Hoa Sen", rep="Phạm Văn Quang")  # not registered
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD)
        assert ward is not None
        write_models(uow.session, ward, folder / "mo-hinh.xlsx")
    officer = roster.joined("Cán bộ Phương", role=Role.OFFICER, ward=WARD)
    [report] = [r.document for r in officer.send("/xuat") if r.document]
    return [folder / "mo-hinh.xlsx", report.path]


def test_no_column_of_the_model_tables_is_too_narrow(
    app: App, school: ConsoleChat, roster: Roster, tmp_path: Path
):
    for path in model_workbooks(app, school, roster, tmp_path):
        assert narrow_columns(path, {"Tổng hợp": 5}) == [], path.name


def test_the_model_tables_print_landscape_one_page_wide_with_header_and_page_numbers(
    app: App, school: ConsoleChat, roster: Roster, tmp_path: Path
):
    for path in model_workbooks(app, school, roster, tmp_path):
        assert unprintable_sheets(path, {"Tổng hợp": 5}) == [], path.name


def test_tiendo_shows_the_officer_which_units_have_not_registered(
    app: App, school: ConsoleChat, roster: Roster
):
    new_unit(app, name="Trường Tiểu học Hoa Sen", rep="Phạm Văn Quang")
    register(school)
    school.say("Lưu")
    officer = roster.joined("Cán bộ Phương", role=Role.OFFICER, ward=WARD)
    shown = officer.say("/tiendo")
    assert "🏫 Đăng ký mô hình: 1/2 đơn vị đã đăng ký." in shown
    assert "Chưa đăng ký: Trường Tiểu học Hoa Sen" in shown
    assert f"Chưa đăng ký: {SCHOOL}" not in shown


def test_what_people_type_never_becomes_a_formula_in_our_workbooks(app: App, tmp_path):
    from openpyxl import load_workbook

    from handlers.admin import pending_invites
    from reports.handouts import InviteLine, write_invites
    from reports.models import write_models

    link = '=HYPERLINK("http://evil.example/x","Bấm vào đây")'
    code = new_unit(app, name="=1+2 Trường", rep="=cmd|' /C calc'!A0")
    rep = ConsoleChat(app.engine, user_id="rep")
    rep.say(f"/thamgia {code}")
    rep.say("1")
    rep.say("/dangkymohinh")
    for text in [link, "@SUM(1+1)", "1", "+84 thành viên", "-2+3", "2"]:
        rep.say(text)
    rep.say("Lưu")
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD)
        assert ward is not None
        write_models(uow.session, ward, tmp_path / "mo-hinh.xlsx")
        found = pending_invites(uow, now=app.clock(), invite_days=30)
        uow.commit()
    lines = [
        InviteLine(f"={i.name}", "=A1", "member", i.code, app.clock(), zalo_bot="=B1")
        for i in found
    ]
    write_invites(tmp_path / "ma-moi.xlsx", "=Phường", lines, bot_username=None)
    for path in (tmp_path / "mo-hinh.xlsx", tmp_path / "ma-moi.xlsx"):
        book = load_workbook(path)
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], path.name
    models = load_workbook(tmp_path / "mo-hinh.xlsx")
    assert models["Đăng ký mô hình"]["B2"].value == link  # kept as typed, shown as text
    assert models["Theo đơn vị"]["B2"].value == "=1+2 Trường"
