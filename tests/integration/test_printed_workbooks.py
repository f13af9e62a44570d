"""Every workbook the officer gets, printed for real: LibreOffice turns each into a PDF and
each page is read back (tests/printed_pages.py).

One ward on SQLite (storage is tested elsewhere): 27 residential groups of 5 members,
a quarter of logs with places and notes, two units' models. Its report workbook, the
models workbook, the invite list and the roster template are printed once for the whole
module (LibreOffice takes seconds), and so is a report of a ward whose catalogue has ten
more services, too wide to print one page wide at a legible size, and the city's workbook
once the ward is one of Hải Phòng's 114 (45 phường, 67 xã, 2 đặc khu). The first page of
each sheet is kept as a picture in build/workbook-pages/ for a person to look at.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App, build_app
from bot.config import BackupConfig, Config, DatabaseConfig, VoiceConfig
from handlers.admin import add_unit, add_ward
from reports import labels as L
from reports.city_workbook import City, write_city_workbook
from reports.handouts import InviteLine, write_invites, write_template
from reports.models import write_models
from reports.roster import import_roster
from reports.scope import ward_scope
from reports.workbook import write_workbook
from schedules.city import reports_due
from storage import campaigns, logs, queries, units
from storage.models import Member, ResidentialGroup, Service, SupportLog, TargetPer, Team
from tests.conftest import ZONE, Clock
from tests.printed_pages import Page, by_sheet, read_pages, save_pictures, to_pdf
from tests.roster_books import write_roster
from tests.workbook_pages import narrow_columns, print_problems, unprintable_sheets

pytestmark = pytest.mark.slow  # LibreOffice runs

WARD = "Phường Nhị Chiểu"
QUARTER = (date(2026, 10, 1), date(2026, 12, 31))
LOGS = 140
MORE_LOGS = 20  # of the ten services more
SMALLEST = 8.0  # points: the smallest text the officer is asked to read on paper
DAY = re.compile(r"\d\d/\d\d/2026 ")  # a row of Chi tiết
WEEK = re.compile(r"\d\d/\d\d/2026 \d\d/\d\d/202\d \d+ ")  # of Theo tuần (not the chart's axis)
HEADER_BAND = 150  # points from the top of a page: the top margin and the header rows
PICTURES = Path(__file__).resolve().parents[2] / "build" / "workbook-pages"
REPORT, WIDE, MODELS, INVITES, TEMPLATE = "bao-cao", "nhieu-dich-vu", "mo-hinh", "ma-moi", "mau"
CITY = "thanh-pho"
REPORT_SHEETS = [
    "Tổng hợp",
    "Theo tổ",
    "Theo tuần",
    "Chi tiết",
    "Thành viên",
    "Chiến dịch",
    "Đăng ký mô hình",
]
SHEETS = {
    REPORT: REPORT_SHEETS,
    WIDE: REPORT_SHEETS,
    MODELS: [L.SHEET_MODELS, L.SHEET_UNITS],
    INVITES: [L.SHEET_INVITES],
    TEMPLATE: [L.SHEET_GROUPS, L.SHEET_PEOPLE],
    CITY: [L.SHEET_CITY_WARDS, L.SHEET_CITY_MONTHS, L.SHEET_CITY_MISSING, L.SHEET_CAMPAIGNS],
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Thị Thu", "Đức", "Minh", "Thị Ngọc", "Quang"]
GIVEN = ["An", "Bình", "Hương", "Lan", "Minh", "Nam", "Thảo", "Tuấn", "Hằng", "Dũng"]
LONG_NAME = "Tôn Nữ Hoàng Bảo Ngọc Trâm Anh"  # wraps onto a second line
PLACES = ["ngõ 5 Trần Nguyên Hãn", "nhà văn hoá tổ dân phố 12", "chợ Đôn", None, None, None]
NOTES = [
    None,
    None,
    None,
    "bà cụ không nhớ mật khẩu, hẹn tuần sau quay lại",
    "hỗ trợ cả gia đình ba thế hệ: cài ứng dụng, đặt mật khẩu, hướng dẫn nộp hồ sơ trực "
    "tuyến và thanh toán tiền điện qua ứng dụng ngân hàng",
]
MORE_SERVICES = [
    "Đăng ký khai sinh trực tuyến",
    "Nộp thuế điện tử",
    "Gia hạn bảo hiểm y tế trực tuyến",
    "Ứng dụng ngân hàng số",
    "Thanh toán tiền điện, nước",
    "Đăng ký tạm trú trực tuyến",
    "Tra cứu hồ sơ hành chính",
    "Học trực tuyến cho học sinh",
    "Phòng chống lừa đảo qua mạng",
    "Đặt lịch khám bệnh trực tuyến",
]
MODEL = {
    "name": "Trường học chuyển đổi số điển hình",
    "content": "Số hoá hồ sơ học sinh, sổ liên lạc điện tử, thu học phí không dùng tiền "
    "mặt; hướng dẫn phụ huynh cài VNeID và dịch vụ công trực tuyến vào các buổi họp lớp",
    "method": "Mỗi lớp một giáo viên phụ trách, đoàn viên hỗ trợ phụ huynh vào thứ Bảy",
    "participants": "Ban giám hiệu, 32 giáo viên chủ nhiệm, Chi đoàn giáo viên",
    "results": "Toàn bộ phụ huynh nhận thông báo qua ứng dụng; học phí thu qua ngân hàng",
    "budget": "Nguồn xã hội hoá, khoảng 15 triệu đồng mỗi năm",
}


@dataclass(frozen=True)
class Printed:
    """The printed workbooks: each one's pages, and the pictures of its sheets' first."""

    books: dict[str, Path]
    pages: dict[str, list[Page]]
    pictures: dict[str, dict[str, Path]]
    first_words: dict[str, dict[str, str]]  # each sheet's first header word (cell A1)

    def sheets(self, book: str) -> dict[str, list[Page]]:
        return by_sheet(self.pages[book])


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Printed:
    folder = tmp_path_factory.mktemp("printed")
    books = dict(_write_books(folder, sqlite_template))
    pdfs = to_pdf(list(books.values()), folder / "pdf")
    pages = {name: read_pages(pdfs[path]) for name, path in books.items()}
    shutil.rmtree(PICTURES, ignore_errors=True)
    pictures = {
        name: save_pictures(pdfs[path], pages[name], PICTURES) for name, path in books.items()
    }
    first_words = {
        name: {ws.title: str(ws["A1"].value).split()[0] for ws in load_workbook(path)}
        for name, path in books.items()
    }
    return Printed(books, pages, pictures, first_words)


def _write_books(folder: Path, template: Path) -> Iterator[tuple[str, Path]]:
    database = folder / "gotungnha.db"
    shutil.copy(template, database)
    base = Config()
    config = replace(
        base,
        database=DatabaseConfig(url=f"sqlite:///{database}"),
        bot=replace(base.bot, exports_dir=str(folder / "exports")),
        backup=BackupConfig(dir=str(folder / "backups"), time=""),
        voice=VoiceConfig(enabled=False),
    )
    clock = Clock(datetime(2026, 9, 28, 2, 0, tzinfo=UTC))
    app = build_app(config, clock=clock)
    try:
        _ward(app, folder)
        _quarter_of_logs(app, random.Random(28))
        _models(app)
        _campaigns(app)
        yield REPORT, _report(app, folder / f"{REPORT}.xlsx")
        with app.uow() as uow:
            ward = queries.ward_by_name(uow.session, WARD)
            assert ward is not None
            write_models(uow.session, ward, folder / f"{MODELS}.xlsx")
        yield MODELS, folder / f"{MODELS}.xlsx"
        yield CITY, _city(app, folder / f"{CITY}.xlsx", random.Random(30))
        _more_services(app, random.Random(29))
        yield WIDE, _report(app, folder / f"{WIDE}.xlsx")
    finally:
        app.db.dispose()
    yield INVITES, _invites(folder / f"{INVITES}.xlsx")
    yield TEMPLATE, write_template(folder / f"{TEMPLATE}.xlsx")


def _ward(app: App, folder: Path) -> None:
    """27 residential groups of five members, a long name among them."""
    groups = [f"TDP {g}" for g in range(1, 28)]
    people: list[list[object]] = []
    for g, group in enumerate(groups):
        for k in range(5):
            n = g * 5 + k
            name = f"{FAMILY[n % 10]} {MIDDLE[n % 7]} {GIVEN[(n // 3) % 10]}"
            role = "Tổ trưởng" if k == 0 else "Thành viên"
            people.append([LONG_NAME if n == 7 else name, None, group, role, None])
    path = write_roster(folder / "danh-sach.xlsx", groups, people)
    with app.uow() as uow:
        import_roster(uow.session, path, ward_name=WARD, now=app.clock(), invite_days=30)
        uow.commit()


def _log_all(app: App, rng: random.Random, codes: list[str], count: int) -> None:
    """`count` logs over the quarter by members of every team, one to three services each."""
    with app.uow() as uow:
        members = [m for m in uow.session.exec(select(Member)) if m.id is not None]
        for n in range(count):
            member = rng.choice(members)
            assert member.id is not None
            day = QUARTER[0] + timedelta(days=rng.randrange(92))
            picked = rng.sample(codes, k=rng.randint(1, 3))
            logs.add_log(
                uow.session,
                SupportLog(
                    member_id=member.id,
                    team_id=member.team_id,
                    day=day,
                    households=rng.choice([None, None, rng.randint(1, 12)]),
                    place=rng.choice(PLACES),
                    note=NOTES[n % len(NOTES)],
                    platform="console",
                    created_at=datetime.combine(day, time(9, 0), tzinfo=UTC),
                ),
                {code: rng.randint(1, 25) for code in picked},
            )
        uow.commit()


def _quarter_of_logs(app: App, rng: random.Random) -> None:
    with app.uow() as uow:
        codes = [s.code for s in uow.session.exec(select(Service)) if s.active]
    _log_all(app, rng, codes, LOGS)


def _more_services(app: App, rng: random.Random) -> None:
    """Ten services more in the catalogue, and a few logs of them."""
    with app.uow() as uow:
        for n, name in enumerate(MORE_SERVICES):
            uow.session.add(Service(code=f"them{n}", name=name, position=100 + n))
        uow.commit()
    _log_all(app, rng, [f"them{n}" for n in range(len(MORE_SERVICES))], MORE_LOGS)


def _models(app: App) -> None:
    with app.uow() as uow:
        for school in ("Trường THCS Chu Văn An", "Trường Tiểu học Nhị Chiểu"):
            unit, member, _invite = add_unit(
                uow,
                name=school,
                kind="school",
                representative="Trần Văn Hùng",
                ward=WARD,
                now=app.clock(),
                invite_days=30,
            )
            assert unit.id is not None and member.id is not None
            units.save_model(
                uow.session, unit_id=unit.id, values=MODEL, member_id=member.id, now=app.clock()
            )
        uow.commit()


def _campaigns(app: App) -> None:
    """The city's month of three services with a target per ward (a long name that wraps),
    and the ward's own fortnight with a target per team: 27 teams' rows each."""
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD)
        assert ward is not None
        for name, services, days, target, per, ward_id in (
            (
                "Tháng cao điểm Sổ sức khỏe điện tử và định danh điện tử mức 2",
                ["sskdt", "muc2", "vneid"],
                (date(2026, 12, 1), date(2026, 12, 31)),
                1200,
                TargetPer.WARD,
                None,
            ),
            (
                "Hai tuần thanh toán không dùng tiền mặt",
                ["ttkdtm"],
                (date(2026, 11, 2), date(2026, 11, 15)),
                15,
                TargetPer.TEAM,
                ward.id,
            ),
        ):
            campaigns.add_campaign(
                uow.session,
                name=name,
                services=services,
                first_day=days[0],
                last_day=days[1],
                target=target,
                per=per,
                ward_id=ward_id,
                now=app.clock(),
            )
        uow.commit()


def _report(app: App, path: Path) -> Path:
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD)
        assert ward is not None
        scope = ward_scope(uow.session, ward, start=QUARTER[0], end=QUARTER[1])
        write_workbook(uow.session, scope, path, made_at=datetime(2026, 12, 31, 17, 0))
    return path


# Hải Phòng's places, for the city's 113 other wards (a number after those given twice)
PLACES_OF_CITY = [
    "Hồng Bàng",
    "Lê Chân",
    "Ngô Quyền",
    "Hải An",
    "Kiến An",
    "Đồ Sơn",
    "Dương Kinh",
    "An Dương",
    "Thủy Nguyên",
    "Tiên Lãng",
    "Vĩnh Bảo",
    "Kiến Thụy",
    "An Lão",
    "Gia Viên",
    "Đông Hải",
    "Nam Triệu",
    "Bạch Đằng",
    "Lưu Kiếm",
    "Hòa Bình",
    "Nguyễn Bỉnh Khiêm Hải Thành",
]


def _city(app: App, path: Path, rng: random.Random) -> Path:
    """The ward among 113 others, each with one to four residential groups' teams (no
    logs, no /danop), a campaign of the city's, then the city's workbook of the quarter
    once its deadlines are over."""
    kinds = ["Phường"] * 44 + ["Xã"] * 67 + ["Đặc khu"] * 2  # with Nhị Chiểu, 45 phường
    with app.uow() as uow:
        for n, kind in enumerate(kinds):
            place = PLACES_OF_CITY[n % len(PLACES_OF_CITY)]
            again = n // len(PLACES_OF_CITY)
            name = f"{kind} {place}" + (f" {again + 1}" if again else "")
            ward = add_ward(uow, name, now=app.clock())
            assert ward.id is not None
            for g in range(1, rng.randint(1, 4) + 1):
                group = ResidentialGroup(ward_id=ward.id, name=f"Thôn {g}")
                uow.session.add(group)
                uow.session.flush()
                team = Team(
                    ward_id=ward.id, name=f"Tổ CNSCĐ Thôn {g}", residential_group_id=group.id
                )
                uow.session.add(team)
        # the city's quarter with a target per team: each ward's row tells its teams that
        # reached it (the month per ward and Nhị Chiểu's fortnight are there already)
        campaigns.add_campaign(
            uow.session,
            name="Quý IV: mỗi tổ dân phố một điểm thanh toán không dùng tiền mặt",
            services=["ttkdtm", "dvc"],
            first_day=QUARTER[0],
            last_day=QUARTER[1],
            target=40,
            per=TargetPer.TEAM,
            ward_id=None,
            now=app.clock(),
        )
        uow.commit()
    with app.uow(read_only=True) as uow:
        due = reports_due(
            uow.session, start=QUARTER[0], end=QUARTER[1], today=date(2027, 1, 5), zone=ZONE
        )
        city = City("Thành phố Hải Phòng", *QUARTER)
        write_city_workbook(uow.session, city, path, made_at=datetime(2027, 1, 5, 9, 0), due=due)
    return path


def _invites(path: Path) -> Path:
    lines = [
        InviteLine(
            name=LONG_NAME if n == 3 else f"Nguyễn Thị Thu Hương {n}",
            team=f"Tổ CNSCĐ TDP {1 + n % 24}",
            role="leader" if n % 5 == 0 else "member",
            code=f"K7QX{n:04d}",
            expires_at=datetime(2026, 12, 23, 9, 30),
            deputy=n % 10 == 5,
            zalo_bot="Bot Tổ CNSCĐ Nhị Chiểu 2" if n % 2 else "",
        )
        for n in range(1, 121)
    ]
    return write_invites(path, WARD, lines, bot_username="gotungnha_nhichieu_bot")


# --- every sheet of every workbook ------------------------------------------------------------

EVERY_SHEET = [(book, sheet) for book, sheets in SHEETS.items() for sheet in sheets]


@pytest.mark.parametrize(("book", "sheet"), EVERY_SHEET)
def test_every_sheet_prints_its_text_at_eight_points_or_larger(
    printed: Printed, book: str, sheet: str
):
    pages = printed.sheets(book).get(sheet)
    assert pages, f"{book}: no page names {sheet!r} at its foot"
    assert [p for p in pages if p.smallest < SMALLEST] == [], (
        f"{book}: {sheet} prints text smaller than {SMALLEST} pt"
    )


@pytest.mark.parametrize(("book", "sheet"), EVERY_SHEET)
def test_every_page_repeats_the_header_row_and_nothing_overprints(
    printed: Printed, book: str, sheet: str
):
    word, pages = printed.first_words[book][sheet], printed.sheets(book).get(sheet)
    assert pages, f"{book}: no page names {sheet!r} at its foot"
    for page in pages:
        assert word in page.text_above(HEADER_BAND), f"{page}: no header atop it"
        assert page.overlaps() == [], f"{page}: text printed over text: {page.overlaps()[:5]}"
        assert "###" not in page.text, f"{page}: a figure too wide for its column"


@pytest.mark.parametrize("book", list(SHEETS))
def test_every_page_is_numbered_at_its_foot(printed: Printed, book: str):
    pages = printed.pages[book]
    assert [(p.number, p.of) for p in pages] == [(n, len(pages)) for n in range(1, len(pages) + 1)]
    assert list(by_sheet(pages)) == SHEETS[book]  # each page names its sheet, in order


def test_the_long_detail_sheet_flows_over_several_pages_each_with_rows(printed: Printed):
    pages = printed.sheets(REPORT).get("Chi tiết", [])
    days = [[line for line in page.lines if DAY.match(line)] for page in pages]
    assert len(pages) >= 3 and all(days), pages
    assert sum(map(len, days)) == LOGS, "each log is printed once, on one of the pages"


@pytest.mark.parametrize("book", [REPORT, WIDE])
def test_every_sheet_sets_up_its_pages_and_columns_for_what_it_holds(printed: Printed, book: str):
    path = printed.books[book]
    assert unprintable_sheets(path, {"Tổng hợp": 5}) == []
    assert narrow_columns(path, {"Tổng hợp": 5}) == []


def test_the_city_workbook_sets_up_its_pages_and_columns(printed: Printed):
    path = printed.books[CITY]
    book = load_workbook(path)
    # the wards' title and period print in each page's header, the table's header below
    assert print_problems(book[L.SHEET_CITY_WARDS], header_rows="5:5") == []
    assert [print_problems(ws) for ws in book.worksheets[1:]] == [[], [], []]
    assert narrow_columns(path, {L.SHEET_CITY_WARDS: 5}) == []


def test_the_city_workbooks_wards_flow_over_pages_each_headed_by_its_title(printed: Printed):
    pages = printed.sheets(CITY)[L.SHEET_CITY_WARDS]
    assert len(pages) >= 3, pages  # 114 wards and a totals row
    for page in pages:
        top = page.text_above(HEADER_BAND)
        assert "Thành phố Hải Phòng" in top and "đến ngày 31/12/2026" in top, page
    missing = printed.sheets(CITY)[L.SHEET_CITY_MISSING]
    assert len(missing) >= 2 and min(p.smallest for p in missing) >= 10.5, missing


def test_the_city_workbooks_campaigns_print_at_full_size_every_ward_once(printed: Printed):
    # the city's month and quarter (every ward: 114 rows and their totals each) and Nhị
    # Chiểu's fortnight
    pages = printed.sheets(CITY)[L.SHEET_CAMPAIGNS]
    assert len(pages) >= 5 and min(p.smallest for p in pages) >= 10.5, pages
    text = " ".join(page.text for page in pages)
    assert text.count("Phường Nhị Chiểu") == 3 and text.count("Tổng cộng") == 3
    assert "1.200 lượt mỗi" in text or "1,200 lượt mỗi" in text


@pytest.mark.parametrize("book", [MODELS, INVITES, TEMPLATE])
def test_every_handed_out_sheet_sets_up_its_pages_and_columns(printed: Printed, book: str):
    assert unprintable_sheets(printed.books[book]) == []
    assert narrow_columns(printed.books[book]) == []


def test_the_reports_tables_print_at_full_size_and_the_detail_at_a_legible_one(
    printed: Printed,
):
    sheets = printed.sheets(REPORT)
    sizes = {name: min(p.smallest for p in pages) for name, pages in sheets.items()}
    assert min(sizes.values()) >= SMALLEST, sizes
    full = ["Tổng hợp", "Theo tổ", "Theo tuần", "Thành viên", "Chiến dịch", "Đăng ký mô hình"]
    assert all(sizes[name] >= 10.5 for name in full), sizes
    assert len(sheets["Tổng hợp"]) == 1


@pytest.mark.parametrize("book", [REPORT, WIDE])
def test_the_weekly_chart_prints_below_its_table_on_a_page_of_its_own(printed: Printed, book: str):
    pages = printed.sheets(book).get("Theo tuần", [])
    with_chart = [p for p in pages if L.CHART_TITLE in p.text]
    with_weeks = [p for p in pages if any(WEEK.match(line) for line in p.lines)]
    assert len(with_chart) == 1 and with_chart[0] is pages[-1], pages
    assert with_weeks and with_chart[0] not in with_weeks


def test_a_ward_with_many_services_prints_at_full_size_across_pages(printed: Printed):
    wide = printed.sheets(WIDE)
    detail = wide["Chi tiết"]
    assert min(p.smallest for p in detail) >= 10.5, detail  # not shrunk: flowed
    assert len(detail) > len(printed.sheets(REPORT)["Chi tiết"])
    printed_rows = 0
    for page in detail:  # each page begins its rows with their day, team and member
        days = [line for line in page.lines if DAY.match(line)]
        assert "Ngày" in page.text_above(HEADER_BAND) and days, page
        printed_rows += len(days)
    across = printed_rows / (LOGS + MORE_LOGS)  # a row's pages side by side
    assert across == int(across) >= 2, across


@pytest.mark.parametrize("book", list(SHEETS))
def test_the_first_page_of_each_sheet_is_kept_as_a_picture(printed: Printed, book: str):
    pictures = printed.pictures[book]
    assert list(pictures) == SHEETS[book]
    for path in pictures.values():
        assert path.parent == PICTURES and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
