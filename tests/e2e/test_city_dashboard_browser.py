"""The city's officer on a 390 px phone in a real browser (Debian's chromium, Playwright):
the login link from /web, the city's page with its deadlines and every ward as a card whose
figures are each captioned, the search, then one ward's pages, none of them scrolling
sideways. Screenshots go to build/screenshots/dashboard/<database>/city-*.png. On SQLite and
PostgreSQL.
"""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.city_wards import LE_CHAN, NGO_QUYEN
from tests.e2e import test_dashboard_browser as screens
from tests.e2e.city_dashboard import city_officer, city_with_history
from tests.e2e.dashboard_site import Site
from tests.e2e.test_dashboard_browser import CAPTIONS, PHONE, SHOTS, phone_problems, shot

browser = screens.browser  # Debian's chromium, one for the module


def test_the_city_page_and_a_ward_page_fit_a_390_px_phone(
    site: Site,
    browser: Browser,
    db_url: str,
):
    folder = SHOTS / ("postgresql" if db_url.startswith("postgresql") else "sqlite")
    for old in folder.glob("city-*.png"):
        old.unlink()
    city_with_history(site.app)
    city = city_officer(site.app)
    city.say("/hanchot Báo cáo tháng 12 20/12/2026")  # with the city's deadlines section
    link = site.link(city)
    context = browser.new_context(
        viewport={"width": PHONE, "height": 844}, is_mobile=True, has_touch=True, locale="vi-VN"
    )
    phone = context.new_page()
    phone.goto(link)
    phone.get_by_role("button", name="Vào trang theo dõi").click()
    phone.wait_for_url("**/web/thanh-pho")
    shot(phone, folder, "city-01-cac-phuong")
    assert phone_problems(phone) == []
    assert "Đã nộp 0/4 phường" in phone.locator("#han-thanh-pho li").first.inner_text()
    heads = phone.locator("table.city th").all_text_contents()
    card = phone.locator("table.city tbody tr", has_text=NGO_QUYEN)
    assert all(td.is_visible() for td in card.locator("td").all())
    captions = card.locator("td").evaluate_all(CAPTIONS)
    assert [c for c in captions if c] == heads[2:]  # after the rank and the ward's name

    phone.get_by_label("Tìm phường").fill("le chan")
    phone.get_by_role("button", name="Tìm").click()
    phone.wait_for_url("**q=le+chan**")
    assert phone.locator("table.city tbody tr").all_inner_texts()[0].count(LE_CHAN) == 1
    assert phone.locator("table.city tbody tr").count() == 1
    assert phone_problems(phone) == []
    shot(phone, folder, "city-02-tim")

    phone.get_by_role("link", name=LE_CHAN).click()
    phone.wait_for_url("**/web/phuong/*")
    tabs = {"Tổng quan": "tong-quan", "Các tổ": "cac-to", "Hạn nộp": "han-nop"}
    tabs["Mô hình"] = "mo-hinh"
    for n, (tab, slug) in enumerate(tabs.items(), start=3):
        phone.get_by_role("navigation").get_by_role("link", name=tab, exact=True).click()
        assert phone.locator("main h1").inner_text() in (tab, "Mô hình chuyển đổi số")
        shot(phone, folder, f"city-{n:02d}-phuong-{slug}")
        assert phone_problems(phone) == [], tab
    phone.get_by_role("navigation").get_by_role("link", name="← Các phường").click()
    phone.wait_for_url("**/web/thanh-pho")
    context.close()
