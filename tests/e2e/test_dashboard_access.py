"""The web dashboard over real HTTP: the one-time link, the session, who sees what, and
what each page and download holds. Each test runs on SQLite and on PostgreSQL.

The link comes from /web in chat, the pages from the bot's own web app on loopback.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from lxml import html
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config, ServerConfig, TelegramConfig, ZaloBotConfig, ZaloConfig
from bot.runner import web_dashboard
from bot.web.dashboard.routes import Dashboard
from bot.web.server import create_web_app
from handlers import texts
from handlers.admin import add_unit, assign_zalo_bot
from handlers.messages import Incoming
from schedules.backups import BackupPlan, daily_backup
from storage import bot_usage, units
from storage.db import make_engine
from storage.models import AuditEntry, Role
from storage.uow import uow_factory
from tests.conftest import Clock, Roster
from tests.e2e.dashboard_site import (
    OTHER_WARD,
    TEAM_1,
    TEAM_2,
    WARD,
    Site,
    neighbourhood_teams,
    officer,
)
from tests.e2e.running import free_port
from tests.fakes.zalo_api import ServerThread


def logged_in(site: Site, chat: ConsoleChat) -> httpx.Client:
    """A browser-like client that opened the chat's /web link and pressed the button."""
    client = httpx.Client(base_url=site.url)
    path = urlsplit(site.link(chat)).path
    assert client.get(path).status_code == 200
    answer = client.post(path)
    assert answer.status_code == 303 and answer.headers["location"] == "/web"
    return client


def page(client: httpx.Client, path: str) -> html.HtmlElement:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return html.fromstring(answer.text)


def text_of(tree: html.HtmlElement) -> str:
    return " ".join(tree.text_content().split())


def table(tree: html.HtmlElement, css: str = "table") -> list[list[str]]:
    """The body rows of the first table matching `css`, cell texts squeezed."""
    found = tree.cssselect(css)[0]
    return [
        [" ".join(td.text_content().split()) for td in tr] for tr in found.cssselect("tbody tr")
    ]


@contextmanager
def site_with(config: Config, clock: Clock, **settings: Any) -> Iterator[Site]:
    """The dashboard on loopback, as the `site` fixture serves it, with other settings."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = ServerConfig(host="127.0.0.1", port=port, public_url=url)
    app = build_app(replace(config, server=server, **settings), clock=clock)
    try:
        with ServerThread(
            create_web_app(dashboard=web_dashboard(app)), name="dashboard", port=port
        ):
            yield Site(app, url, Roster(app))
    finally:
        app.db.dispose()


# --- the way in -------------------------------------------------------------------------


def test_a_login_link_shows_a_button_and_opens_one_session_once(site: Site):
    chat = officer(site)
    link = urlsplit(site.link(chat)).path
    client = httpx.Client(base_url=site.url)
    for _ in range(2):  # a chat app's preview, then the officer: looking does not use it up
        shown = client.get(link)
        assert shown.status_code == 200 and "Vào trang theo dõi" in shown.text
    opened = client.post(link)
    assert opened.status_code == 303
    cookie = opened.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/web" in cookie
    assert "max-age=28800" in cookie and "secure" not in cookie  # plain http on loopback
    home = client.get("/web")
    assert home.status_code == 303
    assert home.headers["location"] == f"/web/phuong/{site.ward_id()}"
    assert WARD in text_of(page(client, home.headers["location"]))

    again = httpx.Client(base_url=site.url)  # the same link, used a second time
    for answer in (again.get(link), again.post(link)):
        assert answer.status_code == 410 and "đã dùng hoặc đã hết hạn" in answer.text
        assert "gtn_phien" not in answer.headers.get("set-cookie", "")


def test_a_link_works_for_15_minutes(site: Site, clock: Clock):
    chat = officer(site)
    late = urlsplit(site.link(chat)).path
    in_time = urlsplit(site.link(chat)).path
    clock.now += timedelta(minutes=14)
    assert httpx.post(site.url + in_time).status_code == 303
    clock.now += timedelta(minutes=2)
    answer = httpx.post(site.url + late)
    assert answer.status_code == 410 and "/web" in answer.text


def test_a_session_lasts_8_hours_then_asks_for_a_new_link(site: Site, clock: Clock):
    client = logged_in(site, officer(site))
    home = f"/web/phuong/{site.ward_id()}"
    clock.now += timedelta(hours=7, minutes=59)
    assert client.get(home).status_code == 200
    clock.now += timedelta(minutes=2)
    answer = client.get(home)
    assert answer.status_code == 401
    assert "Nhắn /web cho bot" in answer.text and WARD not in answer.text


def test_without_a_session_nothing_is_shown(site: Site):
    officer(site)
    home = f"/web/phuong/{site.ward_id()}"
    for cookies in ({}, {"gtn_phien": "forged-token"}):
        answer = httpx.get(site.url + home, cookies=cookies)
        assert answer.status_code == 401 and WARD not in answer.text
        download = httpx.get(site.url + home + "/tai/quy", cookies=cookies)
        assert download.status_code == 401 and not download.content.startswith(b"PK")


def test_logging_out_ends_the_session(site: Site):
    client = logged_in(site, officer(site))
    home = f"/web/phuong/{site.ward_id()}"
    cookie = client.cookies.get("gtn_phien")
    answer = client.post("/web/thoat")
    assert answer.status_code == 200 and "Bạn đã đăng xuất" in answer.text
    assert httpx.get(site.url + home, cookies={"gtn_phien": cookie}).status_code == 401


def test_erasing_my_data_ends_my_sessions(site: Site):
    leader = site.roster.joined("Phạm Văn Minh", team=TEAM_1, role=Role.LEADER)
    client = logged_in(site, leader)
    team_page = f"/web/to/{site.team_id(TEAM_1)}"
    assert client.get(team_page).status_code == 200
    leader.say("/xoadulieucuatoi")
    assert "Đã xoá dữ liệu" in leader.say("1")
    assert client.get(team_page).status_code == 401


def test_the_cookie_is_secure_when_the_site_is_https(config: Config, clock: Clock):
    port = free_port()
    server = ServerConfig(host="127.0.0.1", port=port, public_url="https://bot.phuong.example.vn")
    app = build_app(replace(config, server=server), clock=clock)
    try:
        with ServerThread(create_web_app(dashboard=web_dashboard(app)), port=port):
            chat = officer(Site(app, "", Roster(app)))
            answer = chat.say("/web")
            assert "https://bot.phuong.example.vn/web/vao/" in answer
            path = urlsplit(answer.split("\n")[1]).path
            opened = httpx.post(f"http://127.0.0.1:{port}{path}")
            assert opened.status_code == 303 and "secure" in opened.headers["set-cookie"].lower()
    finally:
        app.db.dispose()


# --- who may ask, who sees what -----------------------------------------------------------


def test_members_and_units_get_no_link_and_links_come_only_in_private(site: Site):
    member = site.roster.joined("Nguyễn Thị Lan", team=TEAM_1)
    assert member.say("/web") == texts.NOT_ALLOWED["leader"]
    with site.app.uow() as uow:
        add_unit(
            uow,
            name="Trường THCS Chu Văn An",
            kind="school",
            representative="Trần Văn Hùng",
            ward=WARD,
            now=site.app.clock(),
            invite_days=30,
        )
        uow.commit()
    chat = officer(site)
    group = Incoming(
        platform="console", chat_id="group-1", user_id=chat.user_id, text="/web", is_group=True
    )
    replies = site.app.engine.handle(group)
    assert [r.text for r in replies] == [texts.WEB_PRIVATE_ONLY]


def test_web_is_off_without_a_public_address(app: App, roster):
    chat = roster.joined("Vũ Thị Ánh", team="Tổ CNSCĐ phường", role=Role.OFFICER)
    # tried in the terminal (make chat): it says how to open the dashboard here
    assert chat.say("/web") == texts.WEB_OFF_HERE.format(user=chat.user_id)


def test_an_officer_sees_their_ward_and_its_teams_but_not_another_ward(site: Site):
    client = logged_in(site, officer(site))
    site.roster.joined("Nguyễn Thị Lan", team=TEAM_1)
    site.roster.joined("Lê Thị Bé", team=TEAM_1, ward=OTHER_WARD)
    officer(site, ward=OTHER_WARD, name="Ngô Thị Bình")
    mine, theirs = site.ward_id(), site.ward_id(OTHER_WARD)
    assert client.get(f"/web/to/{site.team_id(TEAM_1)}").status_code == 200
    for path in (
        f"/web/phuong/{theirs}",
        f"/web/phuong/{theirs}/thanh-vien",
        f"/web/phuong/{theirs}/tai/quy",
        f"/web/to/{site.team_id(TEAM_1, OTHER_WARD)}",
        f"/web/to/{site.team_id(TEAM_1, OTHER_WARD)}/tai/quy",
    ):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "không dành cho bạn" in answer.text and OTHER_WARD not in answer.text
    assert client.get(f"/web/phuong/{mine + theirs + 1}").status_code == 404


def test_a_leader_sees_only_their_own_team(site: Site):
    site.roster.joined("Lê Văn Tám", team=TEAM_2)
    leader = site.roster.joined("Phạm Văn Minh", team=TEAM_1, role=Role.LEADER)
    client = logged_in(site, leader)
    mine = f"/web/to/{site.team_id(TEAM_1)}"
    assert client.get("/web").headers["location"] == mine
    tree = page(client, mine)
    assert [a.text_content() for a in tree.cssselect("nav a")] == ["Tổng quan", "Thành viên"]
    assert client.get(mine + "/thanh-vien").status_code == 200
    for path in (
        f"/web/to/{site.team_id(TEAM_2)}",
        f"/web/phuong/{site.ward_id()}",
        f"/web/phuong/{site.ward_id()}/tai/quy",
    ):
        assert client.get(path).status_code == 403, path


# --- what the pages show -------------------------------------------------------------------


def test_the_overview_adds_up_the_wards_own_logs(site: Site):
    client = logged_in(site, officer(site))
    site.roster.joined("Nguyễn Thị Lan", team=TEAM_1).say("vneid 3 sskdt 2")
    site.roster.joined("Lê Văn Tám", team=TEAM_2).say("vneid 1 smarthp 2")
    site.roster.joined("Lê Thị Bé", team=TEAM_1, ward=OTHER_WARD).say("vneid 50")
    tree = page(client, f"/web/phuong/{site.ward_id()}")
    figures = [" ".join(p.text_content().split()) for p in tree.cssselect(".big-number")]
    # two members joined, both logged; the officer on the ward's own team is nobody's member
    assert figures == ["2 lượt hỗ trợ", "2 lượt hỗ trợ", "2/2 đã ghi tuần này"]
    rows = {row[0]: row[1:] for row in table(tree)}
    assert rows["Cài đặt VNeID"] == ["4", "4"]  # 3 + 1; the other ward's 50 is not here
    assert rows["Sổ sức khỏe điện tử"] == ["2", "2"] and rows["Smart Hải Phòng"] == ["2", "2"]
    chart = tree.cssselect("svg.chart title")
    assert [t.text for t in chart] == [
        "Lượt hỗ trợ theo dịch vụ",
        "Số lượt ghi theo tuần trong quý",
    ]
    assert not tree.cssselect("script")


def test_the_teams_page_ranks_by_this_week_with_the_trend(site: Site, clock: Clock):
    client = logged_in(site, officer(site))
    lan = site.roster.joined("Nguyễn Thị Lan", team=TEAM_1)
    tam = site.roster.joined("Lê Văn Tám", team=TEAM_2)
    clock.now -= timedelta(days=7)  # last week: TDP 2 logged three times
    for n in (1, 2, 3):
        tam.say(f"vneid {n}")
    clock.now += timedelta(days=7)
    lan.say("vneid 2")
    lan.say("sskdt 1")
    tam.say("vneid 1")
    tree = page(client, f"/web/phuong/{site.ward_id()}/cac-to")
    rows = table(tree)
    ranked = [row[1] for row in rows]
    assert ranked.index(TEAM_1) < ranked.index(TEAM_2)
    team_1, team_2 = rows[ranked.index(TEAM_1)], rows[ranked.index(TEAM_2)]
    assert team_1[2:4] == ["2", "0"] and team_2[2:4] == ["1", "3"]
    trends = [td.get("class") for td in tree.cssselect("td.trend")]
    assert trends[ranked.index(TEAM_1)] == "trend up"
    assert trends[ranked.index(TEAM_2)] == "trend down"


def test_the_checklist_shows_which_teams_have_sent_danop(site: Site, clock: Clock):
    client = logged_in(site, officer(site))
    leader = site.roster.joined("Phạm Văn Minh", team=TEAM_1, role=Role.LEADER)
    site.roster.joined("Lê Văn Tám", team=TEAM_2)
    neighbourhood_teams(site.app)
    clock.set_local(2026, 12, 8, 9, 30)
    leader.say("/danop")
    client = logged_in(site, officer(site, name="Đinh Văn Cường"))  # the first expired
    tree = page(client, f"/web/phuong/{site.ward_id()}/han-nop")
    assert "Hạn cuối 14/12/2026 (còn 6 ngày). Đã nộp 1/2 tổ." in text_of(tree)
    rows = table(tree, "table.checklist")
    assert rows[0] == [TEAM_2, "Chưa nộp"]
    assert rows[1] == [TEAM_1, "Đã nộp 09:30 08/12/2026 (Phạm Văn Minh)"]


def test_members_quiet_for_a_week_and_those_not_joined_yet(site: Site, clock: Clock):
    client = logged_in(site, officer(site))
    clock.now -= timedelta(days=10)
    site.roster.joined("Đỗ Thị Hoa", team=TEAM_2)  # joined 10 days ago, never logged
    tam = site.roster.joined("Lê Văn Tám", team=TEAM_2)
    clock.now += timedelta(days=2)
    tam.say("vneid 1")  # 8 days ago
    clock.now += timedelta(days=8)
    site.roster.joined("Nguyễn Thị Lan", team=TEAM_1).say("vneid 2")  # today
    site.roster.add("Bùi Thị Thu", team=TEAM_2)
    tree = page(client, f"/web/phuong/{site.ward_id()}/thanh-vien")
    quiet = table(tree)
    assert quiet[0][0] == "Đỗ Thị Hoa" and quiet[0][3] == "10"
    assert quiet[0][2].startswith("Chưa ghi lần nào")
    assert quiet[1] == ["Lê Văn Tám", TEAM_2, "15/11/2026", "8"]
    assert "Nguyễn Thị Lan" not in [row[0] for row in quiet]
    assert "Bùi Thị Thu" in text_of(tree.cssselect("ul.columns")[0])


def test_registered_models_are_listed_and_downloaded(site: Site):
    client = logged_in(site, officer(site))
    with site.app.uow() as uow:
        unit, rep, _invite = add_unit(
            uow,
            name="Trường THCS Chu Văn An",
            kind="school",
            representative="Trần Văn Hùng",
            ward=WARD,
            now=site.app.clock(),
            invite_days=30,
        )
        add_unit(
            uow,
            name="Trường Mầm non Hoa Sen",
            kind="school",
            representative="Lê Thị Sen",
            ward=WARD,
            now=site.app.clock(),
            invite_days=30,
        )
        assert unit.id is not None and rep.id is not None
        answers = {
            "name": "Lớp học số sáng tạo",
            "content": "Học sinh dùng máy tính bảng",
            "method": "Trực tiếp kết hợp trực tuyến",
            "participants": "Giáo viên, học sinh khối 6",
            "results": "Học sinh tự tra cứu",
            "budget": "Nguồn xã hội hoá",
        }
        units.save_model(
            uow.session, unit_id=unit.id, values=answers, member_id=rep.id, now=site.app.clock()
        )
        uow.commit()
    base = f"/web/phuong/{site.ward_id()}"
    tree = page(client, base + "/mo-hinh")
    model = text_of(tree.cssselect(".model")[0])
    assert "1. Lớp học số sáng tạo Trường THCS Chu Văn An" in model
    assert "Kinh phí hoạt động Nguồn xã hội hoá" in model
    assert "Trường Mầm non Hoa Sen – người đại diện chưa vào bot" in text_of(tree)
    answer = client.get(base + "/tai/mo-hinh")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content))["Đăng ký mô hình"]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [(1, *answers.values())]


def test_a_download_is_the_xuat_workbook_and_goes_in_the_audit_log(site: Site):
    chat = officer(site)
    client = logged_in(site, chat)
    site.roster.joined("Nguyễn Thị Lan", team=TEAM_1).say("vneid 3 sskdt 2")
    site.roster.joined("Lê Văn Tám", team=TEAM_2).say("vneid 1")
    site.roster.joined("Lê Thị Bé", team=TEAM_1, ward=OTHER_WARD).say("vneid 50")
    answer = client.get(f"/web/phuong/{site.ward_id()}/tai/quy")
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert "bao-cao-phuong-nhi-chieu-01102026-23112026.xlsx" in disposition
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames[:2] == ["Tổng hợp", "Theo tổ"]
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True) if row}
    assert summary["Tổng số lượt hỗ trợ"] == 2  # the ward's two logs, not the other ward's
    with site.app.uow() as uow:
        entries = list(uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")))
    assert len(entries) == 1
    assert entries[0].detail["via"] == "web" and entries[0].detail["logs"] == 2
    assert entries[0].detail["ward_id"] == site.ward_id() and entries[0].member_id is not None

    leader = site.roster.joined("Phạm Văn Minh", team=TEAM_1, role=Role.LEADER)
    team_book = logged_in(site, leader).get(f"/web/to/{site.team_id(TEAM_1)}/tai/tuan")
    assert team_book.status_code == 200
    summary = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(team_book.content))["Tổng hợp"].iter_rows(
            values_only=True
        )
        if row
    }
    assert summary["Tổng số lượt hỗ trợ"] == 1


@pytest.mark.parametrize("path", ["", "/cac-to", "/han-nop", "/thanh-vien", "/mo-hinh"])
def test_pages_run_no_script_and_stay_out_of_caches(site: Site, path: str):
    client = logged_in(site, officer(site))
    answer = client.get(f"/web/phuong/{site.ward_id()}{path}")
    assert answer.status_code == 200
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in answer.text


def test_a_database_out_of_reach_gets_a_kind_page(site: Site):
    """Nothing listens where this dashboard looks for its database: every page says so."""
    gone = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gotungnha")
    app = replace(site.app, uow=uow_factory(gone))
    web = create_web_app(dashboard=Dashboard(app, secure=False).routes())
    with ServerThread(web, name="dashboard-no-db") as server:
        for method, path in (("GET", "/web/phuong/1"), ("POST", "/web/vao/any-token")):
            answer = httpx.request(method, server.url + path, cookies={"gtn_phien": "x"})
            assert answer.status_code == 500
            assert "Chưa đọc được số liệu" in answer.text and "psycopg" not in answer.text
    gone.dispose()


def test_the_officer_sees_each_zalo_bots_month_and_a_leader_does_not(config: Config, clock: Clock):
    bots = (
        ZaloBotConfig(name="to1", token="a", display_name="Bot Tổ 1", monthly_messages=3000),
        ZaloBotConfig(
            name="to2",
            token="b",
            display_name="Bot Tổ 2",
            monthly_messages=3000,
            max_users=50,
            count_incoming=True,
        ),
    )
    with site_with(config, clock, zalo=ZaloConfig(bots=bots)) as site:
        month = clock.now.astimezone(site.app.config.zone).strftime("%Y-%m")
        with site.app.uow() as uow:
            bot_usage.add_sent(uow.session, ("zalo", "to1"), month=month, kind="reply", count=2712)
            for n in range(4):  # wrote to Bot Tổ 1 this month, joined or not
                bot_usage.add_sender(uow.session, ("zalo", "to1"), month=month, sender=f"h{n}")
            bot_usage.pause(
                uow.session, ("zalo", "to2"), now=clock.now, reason="429 Quota exceeded"
            )
            uow.commit()
        client = logged_in(site, officer(site))
        overview = page(client, f"/web/phuong/{site.ward_id()}")
        first, second = (text_of(li) for li in overview.cssselect(".bots li"))
        assert first.startswith("Bot Tổ 1 Gần hết")
        assert "Đã gửi 2.712/3.000 tin (90%), 0 người dùng đã liên kết" in first
        assert "4 người đã nhắn bot tháng này" in first
        assert second.startswith("Bot Tổ 2 Hết hạn mức") and "Zalo tạm dừng bot từ" in second
        assert "Đã gửi và nhận 0/3.000 tin (0%), 0/50 người dùng đã liên kết" in second
        hint = text_of(overview.cssselect(".bots .hint")[0])
        assert "max_users) được so với số người đã liên kết" in hint
        assert "Zalo có thể tính mọi người đã nhắn bot" in hint and "cả tin bot nhận" in hint
        leader = site.roster.joined("Phạm Văn Minh", role=Role.LEADER)
        team_page = page(logged_in(site, leader), f"/web/to/{site.team_id(TEAM_1)}")
        assert not team_page.cssselect(".bots")


# --- invite codes, for the officer to hand out from a phone ---------------------------------


def invites(tree: html.HtmlElement) -> dict[str, dict[str, str]]:
    """Each person on the Thành viên page's invite list: their name, then what each line says
    (Mã mời, Telegram, Zalo …) and the Telegram link's address."""
    found = {}
    for li in tree.cssselect(".invites li"):
        lines = {
            " ".join(dt.text_content().split()): " ".join(dd.text_content().split())
            for dt, dd in zip(li.cssselect("dt"), li.cssselect("dd"), strict=True)
        }
        lines["href"] = " ".join(a.get("href") for a in li.cssselect("a"))
        lines["who"] = text_of(li.cssselect(".who")[0])
        found[text_of(li.cssselect(".who strong")[0])] = lines
    return found


def test_the_officer_hands_out_codes_and_join_links_from_the_members_page(
    config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    bots = (
        ZaloBotConfig(name="to1", token="a", display_name="Bot Tổ 1"),
        ZaloBotConfig(name="to2", token="b", display_name="Bot Tổ 2"),
    )
    caplog.set_level(logging.DEBUG)
    settings = {
        "telegram": TelegramConfig(username="@nhichieu_bot"),
        "zalo": ZaloConfig(bots=bots),
    }
    with site_with(config, clock, **settings) as site:
        client = logged_in(site, officer(site))
        thu = site.roster.add("Bùi Thị Thu", team=TEAM_2)
        minh = site.roster.add("Phạm Văn Minh", team=TEAM_1, role=Role.LEADER)
        site.roster.joined("Lê Văn Tám", team=TEAM_2)  # joined: not listed
        with site.app.uow() as uow:  # TDP 2's newcomers write to the second Zalo bot
            assign_zalo_bot(uow, "to2", ward_id=site.ward_id(), team_ids=[site.team_id(TEAM_2)])
            uow.commit()
        caplog.clear()

        ward = page(client, f"/web/phuong/{site.ward_id()}/thanh-vien")
        found = invites(ward)
        assert list(found) == ["Phạm Văn Minh", "Bùi Thị Thu"]  # team by team, as on paper
        assert found["Bùi Thị Thu"]["who"] == f"Bùi Thị Thu {TEAM_2} · Thành viên"
        assert found["Bùi Thị Thu"]["Mã mời"] == f"{thu} hết hạn 23/12/2026"
        assert found["Bùi Thị Thu"]["Telegram"] == f"https://t.me/nhichieu_bot?start={thu}"
        assert found["Bùi Thị Thu"]["href"] == f"https://t.me/nhichieu_bot?start={thu}"
        assert found["Bùi Thị Thu"]["Zalo"] == f"Tìm Bot Tổ 2 trên Zalo, nhắn: /thamgia {thu}"
        assert found["Phạm Văn Minh"]["who"] == f"Phạm Văn Minh {TEAM_1} · Tổ trưởng"
        assert found["Phạm Văn Minh"]["Zalo"] == f"Tìm Bot Tổ 1 trên Zalo, nhắn: /thamgia {minh}"
        assert "gotungnha invites" not in text_of(ward)

        team = page(client, f"/web/to/{site.team_id(TEAM_1)}/thanh-vien")  # one team's only
        assert list(invites(team)) == ["Phạm Văn Minh"]

        leader = logged_in(
            site, site.roster.joined("Đinh Văn Cường", team=TEAM_2, role=Role.LEADER)
        )
        answer = leader.get(f"/web/to/{site.team_id(TEAM_2)}/thanh-vien")
        assert answer.status_code == 200 and "Bùi Thị Thu" in answer.text
        assert thu not in answer.text and "t.me" not in answer.text  # codes are the officer's
        assert not html.fromstring(answer.text).cssselect(".invites")
        assert "Cán bộ phường có mã mời" in answer.text

    records = [r for r in caplog.records if not r.name.startswith("sqlalchemy")]
    assert records and not [r for r in records if thu in r.getMessage() or minh in r.getMessage()]


def test_an_expired_code_is_renewed_on_the_members_page_and_lets_the_person_join(
    site: Site, clock: Clock
):
    old = site.roster.add("Bùi Thị Thu", team=TEAM_2)
    clock.now += timedelta(days=31)  # the code was for 30 days
    client = logged_in(site, officer(site))
    found = invites(page(client, f"/web/phuong/{site.ward_id()}/thanh-vien"))["Bùi Thị Thu"]
    code = found["Mã mời"].split()[0]
    assert code != old and found["Mã mời"] == f"{code} hết hạn 23/01/2027"
    assert "Telegram" not in found and found["href"] == ""  # no [telegram] username: no link
    assert found["Nhắn cho bot"] == f"/thamgia {code}"
    again = invites(page(client, f"/web/phuong/{site.ward_id()}/thanh-vien"))["Bùi Thị Thu"]
    assert again["Mã mời"] == found["Mã mời"]  # the same code each time the page is opened
    newcomer = ConsoleChat(site.app.engine, user_id="thu")
    newcomer.say(f"/thamgia {code}")
    assert "Chào mừng Bùi Thị Thu" in newcomer.say("1")


def test_the_officer_sees_the_last_daily_backup_and_a_leader_does_not(
    site: Site, clock: Clock, tmp_path: Path
):
    client = logged_in(site, officer(site))
    path = f"/web/phuong/{site.ward_id()}"
    backup = " ".join(page(client, path).cssselect("section.backup")[0].text_content().split())
    assert "Chưa có bản sao lưu hằng ngày nào" in backup
    clock.set_local(2026, 11, 23, 2, 30)
    plan = BackupPlan(tmp_path / "backups")
    made = daily_backup(site.app.db, site.app.uow, plan, now=clock(), zone=site.app.config.zone)
    assert made is not None
    backup = " ".join(page(client, path).cssselect("section.backup")[0].text_content().split())
    assert f"Bản gần nhất: 02:30 23/11/2026, {made.stat().st_size // 1024} kB" in backup
    leader = logged_in(site, site.roster.joined("Trần Văn Minh", team=TEAM_1, role=Role.LEADER))
    assert not page(leader, f"/web/to/{site.team_id(TEAM_1)}").cssselect("section.backup")
