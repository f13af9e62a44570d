"""The officer's dashboard in a real browser: Debian's chromium driven by Playwright.

The bot runs as `gotungnha run` does (Telegram against the fake Bot API server, the web
app on loopback); the officer asks /web in Telegram, opens the link, reads the ward's
figures on each page, downloads the workbook, and is refused another ward's page. On a
390 px phone every page, the ward's and a team's, shows every tab and every table column
without scrolling sideways, and the Thành viên page the invite codes and join links.
Screenshots of every page go to build/screenshots/dashboard/<database>/. Runs on SQLite
and on PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, sync_playwright

from bot.app import App, build_app
from bot.config import Config, ServerConfig
from storage import queries
from storage.models import Role
from tests.conftest import Clock, Roster
from tests.e2e.dashboard_site import OFFICE, OTHER_WARD, TEAM_1, TEAM_2, WARD
from tests.e2e.running import TOKEN, RunningBot, free_port, telegram_config
from tests.fakes.telegram_api import FakeTelegram

CHROMIUM = os.environ.get("GOTUNGNHA_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "dashboard"
LINK = re.compile(r"(http://\S+/web/vao/\S+)")
PHONE = 390  # CSS pixels: a common phone's width
# Every element a phone shows must lie within the screen, and nothing may scroll sideways
# inside the page (a table in a scroll box hides its columns from a reader who does not
# know to swipe it). Run in the page through the DevTools protocol: the CSP does not apply.
SIDEWAYS = """width => {
  const name = el => el.tagName.toLowerCase() +
    (typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    if (box.left < -1 || box.right > width + 1) {
      found.push(`${name(el)} «${text}» spans ${Math.round(box.left)}–${Math.round(box.right)}px`);
    }
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      const sizes = `${el.scrollWidth}px in ${el.clientWidth}px`;
      found.push(`${name(el)} «${text}» scrolls sideways: ${sizes}`);
    }
  }
  return found;
}"""
CAPTIONS = """tds => tds.map(td => {
  const content = getComputedStyle(td, "::before").content;
  return content === "none" || content === "normal" ? "" : JSON.parse(content);
})"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"The dashboard tests need Debian's chromium at {CHROMIUM} (apt install chromium)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def bot(config: Config, clock: Clock) -> Iterator[tuple[App, FakeTelegram]]:
    """The whole bot on Telegram (the fake) with its web server and dashboard on loopback."""
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as tg:
        port = free_port()
        server = ServerConfig(host="127.0.0.1", port=port, public_url=f"http://127.0.0.1:{port}")
        settings = telegram_config(config, tg, username="gotungnha_test_bot")
        app = build_app(replace(settings, server=server), clock=clock)
        with RunningBot(app):
            yield app, tg
        app.db.dispose()


def shot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def phone_problems(page: Page) -> list[str]:
    """What a 390 px phone cannot show on this page without scrolling sideways."""
    found: list[str] = page.evaluate(SIDEWAYS, PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE:
        found.append(f"the page is {width}px wide")
    for link in page.get_by_role("navigation").get_by_role("link").all():
        box = link.bounding_box()
        if not link.is_visible() or box is None or box["x"] < 0 or box["x"] + box["width"] > PHONE:
            found.append(f"the tab «{link.inner_text()}» is off the screen: {box}")
    return found


def telegram_officer(tg: FakeTelegram, roster: Roster) -> dict:
    """The ward's officer, joined on Telegram with the invite deep link."""
    code = roster.add("Vũ Thị Ánh", team=OFFICE, role=Role.OFFICER)
    user = tg.user(5001, "Ánh")
    tg.send_text(user, f"/start {code}")
    tg.press(user, tg.wait_sent(user["id"], 1)[-1], "consent:yes")
    tg.wait_for(lambda: tg.sent(user["id"])[0]["edited"])
    return user


def test_an_officer_follows_the_ward_in_a_browser(
    bot: tuple[App, FakeTelegram], browser: Browser, db_url: str, tmp_path: Path, clock: Clock
):
    app, tg = bot
    roster = Roster(app)
    folder = SHOTS / ("postgresql" if db_url.startswith("postgresql") else "sqlite")
    shutil.rmtree(folder, ignore_errors=True)
    officer = telegram_officer(tg, roster)
    clock.now -= timedelta(days=10)  # joined ten days ago and never logged: a quiet member
    roster.joined("Đỗ Thị Hoa", team=TEAM_2)
    clock.now += timedelta(days=10)
    code = roster.add("Bùi Thị Thu", team=TEAM_2)  # on the roster, not joined yet
    roster.joined("Nguyễn Thị Lan", team=TEAM_1).say("vneid 3 sskdt 2")
    roster.joined("Lê Văn Tám", team=TEAM_2).say("vneid 1 smarthp 2")
    roster.joined("Lê Thị Bé", team=TEAM_1, ward=OTHER_WARD).say("vneid 50")
    with app.uow() as uow:
        other = queries.ward_by_name(uow.session, OTHER_WARD)
        mine = queries.ward_by_name(uow.session, WARD)
        assert other is not None and mine is not None
        other_id, ward_id = other.id, mine.id
        team_id = queries.teams_named(uow.session, TEAM_2, mine.id or 0)[0].id

    sent = len(tg.sent(officer["id"]))
    tg.send_text(officer, "/web")
    reply = tg.wait_sent(officer["id"], sent + 1)[-1]["text"]
    link = LINK.search(reply)
    assert link, reply

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(link.group(1))
    shot(page, folder, "01-dang-nhap")
    page.get_by_role("button", name="Vào trang theo dõi").click()
    page.wait_for_url(f"**/web/phuong/{ward_id}")
    assert page.locator(".big-number").first.inner_text() == "2 lượt hỗ trợ"
    vneid = page.locator("tr", has_text="Cài đặt VNeID").locator("td")
    assert vneid.all_inner_texts() == ["Cài đặt VNeID", "4", "4"]  # 3 + 1, not the other ward's
    shot(page, folder, "02-tong-quan")

    tabs = [  # (tab, words on its page, screenshot)
        ("Các tổ", TEAM_1, "03-cac-to"),
        ("Hạn nộp", "Báo cáo quý", "04-han-nop"),
        ("Thành viên", "thành viên đã vào bot", "05-thanh-vien"),
        ("Mô hình", "Đã đăng ký: 0 mô hình", "06-mo-hinh"),
    ]
    for tab, words, name in tabs:
        page.get_by_role("navigation").get_by_role("link", name=tab).click()
        assert words in page.locator("main").inner_text()
        shot(page, folder, name)

    page.get_by_role("navigation").get_by_role("link", name="Tổng quan").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Quý này")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("bao-cao-phuong-nhi-chieu-01102026-")
    summary = {
        r[0]: r[1] for r in load_workbook(saved)["Tổng hợp"].iter_rows(values_only=True) if r
    }
    assert summary["Tổng số lượt hỗ trợ"] == 2

    refused = page.goto(page.url.replace(f"/phuong/{ward_id}", f"/phuong/{other_id}"))
    assert refused is not None and refused.status == 403
    assert "Trang này không dành cho bạn" in page.locator("main").inner_text()
    assert OTHER_WARD not in page.content()
    shot(page, folder, "07-phuong-khac")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        storage_state=context.storage_state(),
    ).new_page()
    ward, team = f"/web/phuong/{ward_id}", f"/web/to/{team_id}"
    paths = [ward + p for p in ("", "/cac-to", "/han-nop", "/thanh-vien", "/mo-hinh")]
    for path in [*paths, team, team + "/thanh-vien"]:
        phone.goto(app.config.public_url + path)
        name = path.replace(ward, "").replace(team, "-to").replace("/", "-") or "-tong-quan"
        shot(phone, folder, f"08-dien-thoai{name}")
        assert phone_problems(phone) == [], path
        if path.endswith("/cac-to"):  # each team a card: every column's figure, captioned
            heads = phone.locator("table.ranking th").all_text_contents()
            card = phone.locator("table.ranking tbody tr", has_text=TEAM_1)
            assert all(td.is_visible() for td in card.locator("td").all())
            captions = card.locator("td").evaluate_all(CAPTIONS)
            assert [c for c in captions if c] == heads[2:]  # after the rank and the team name
        if path.endswith("/thanh-vien"):  # the codes to hand out, on the phone
            invite = phone.locator(".invites li", has_text="Bùi Thị Thu")
            assert invite.get_by_text(code, exact=True).is_visible()
            telegram = invite.get_by_role("link", name=re.compile("t.me"))
            assert telegram.get_attribute("href") == f"https://t.me/gotungnha_test_bot?start={code}"
    context.close()
