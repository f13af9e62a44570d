"""The city's page on the web dashboard over real HTTP: every ward ranked by its logs, its
trend, the city's totals, the search by name, the periods, the city's own deadlines (how many
wards sent each, which have not); each ward's pages read only; who may open what. Each test
runs on SQLite and on PostgreSQL.

Four wards (tests/city_wards.py, "today" Monday 23/11/2026) and a few logs of the quarter
before; the figures below are counted by hand from what those files put in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text
from sqlmodel import col, select

from bot.channels.console import ConsoleChat
from reports.labels import WARD_TEAM
from storage import deadlines, roster
from storage.models import AuditEntry, Role
from tests.city_wards import AN_LAO, CAT_HAI, LE_CHAN, NGO_QUYEN, WARDS_IN_ORDER, build_city
from tests.conftest import Clock
from tests.e2e.city_dashboard import (
    CITY,
    city_officer,
    city_with_history,
    logged_in,
    team_ids,
    tree,
    ward_id,
    words,
)
from tests.e2e.dashboard_site import Site

OFFICE = "Tổ CNSCĐ phường"  # Ngô Quyền's own team (tests/city_wards.py)
# this quarter so far (01/10–23/11) against 01/07–23/08, counted by hand:
# (ward, logs, before, trend, teams that logged, members active, reports on time)
QUARTER = [
    # An 05/10 and 12/11, Hà 06/10 (for TDP 1), the officer's 01/11; not Dung's 15/12 (to
    # come), An's 30/09 nor Bảo's undone log. Active: An only (Hà logged for another team)
    (NGO_QUYEN, "4", "0", "mới có", "1/2 (50%)", "1/5", "1/2"),
    (LE_CHAN, "2", "1", "+100%", "1/1 (100%)", "1/1", "1/2"),  # Én and Phụng; 20/07 before
    (CAT_HAI, "0", "3", "−100%", "0/1 (0%)", "0/1", "0/1"),  # three logs of 10/08; late
    (AN_LAO, "0", "0", "như cũ", "0/0 (–)", "0/0", "–"),
]
# this month so far (01/11–23/11) against 01/10–23/10
MONTH = [
    (NGO_QUYEN, "2", "2", "như cũ"),
    (CAT_HAI, "0", "0", "như cũ"),
    (LE_CHAN, "0", "2", "−100%"),
    (AN_LAO, "0", "0", "như cũ"),
]


def rows(answer: httpx.Response) -> list[list[str]]:
    """The city table's rows, cell texts squeezed."""
    assert answer.status_code == 200, answer.text
    return [
        [" ".join(td.text_content().split()) for td in tr]
        for tr in tree(answer).cssselect("table.city tbody tr")
    ]


def city_site(site: Site) -> httpx.Client:
    city_with_history(site.app)
    return logged_in(site, city_officer(site.app))


def test_the_city_officer_lands_on_every_ward_ranked_by_logs_with_its_trend(site: Site):
    client = city_site(site)
    home = client.get("/web")
    assert home.status_code == 303 and home.headers["location"] == "/web/thanh-pho"
    found = rows(client.get("/web/thanh-pho"))
    shown = [[r[0], r[1], r[2], r[3], r[4].split(" ", 1)[1], r[5], r[6], r[7]] for r in found]
    expected = [[str(n), *row] for n, row in enumerate(QUARTER, start=1)]
    assert shown == expected


def test_the_city_totals_match_the_databases_own_count(site: Site):
    client = city_site(site)
    page = words(client.get("/web/thanh-pho"))
    with site.app.db.connect() as c:
        logs = c.execute(
            text(
                "SELECT count(*) FROM support_log WHERE deleted_at IS NULL"
                " AND day BETWEEN '2026-10-01' AND '2026-11-23'"
            )
        ).scalar_one()
    assert logs == 6
    assert "Lượt hỗ trợ 4 phường 6 lượt ▲ +50% so với kỳ trước (4 lượt)" in page
    assert "Tổ CNSCĐ đã ghi 2/4 tổ (50%) 2/7 thành viên đã ghi trong kỳ." in page
    assert "Báo cáo đúng hạn 2/5 báo cáo (40%)" in page
    assert "01/10/2026 – 23/11/2026" in page and "01/07/2026 – 23/08/2026" in page


def test_a_search_finds_a_ward_in_any_case_with_or_without_diacritics(site: Site):
    client = city_site(site)
    for typed in ("le chan", "LÊ CHÂN", "lê  chan", "Chân"):
        found = rows(client.get("/web/thanh-pho", params={"q": typed}))
        assert [r[1] for r in found] == [LE_CHAN], typed
        assert found[0][0] == "2"  # its rank in the whole city
    found = rows(client.get("/web/thanh-pho", params={"q": "dac khu"}))
    assert [r[1] for r in found] == [CAT_HAI]  # Đ as D
    nothing = client.get("/web/thanh-pho", params={"q": "Kiến An"})
    assert rows(nothing) == []
    assert "Không có phường nào có tên “Kiến An”" in words(nothing)
    assert "6 lượt" in words(nothing)  # the city's totals stay whole


def test_each_period_compares_with_the_same_days_before_it_and_keeps_the_search(site: Site):
    client = city_site(site)
    month = client.get("/web/thanh-pho", params={"ky": "thang"})
    found = rows(month)
    assert [[r[0], r[1], r[2], r[3], r[4].split(" ", 1)[1]] for r in found] == [
        [str(n), *row] for n, row in enumerate(MONTH, start=1)
    ]
    assert "01/10/2026 – 23/10/2026" in words(month)
    assert "Trong kỳ chưa có hạn báo cáo nào đã qua." in words(month)
    tabs = tree(client.get("/web/thanh-pho", params={"q": "le chan", "ky": "nam"}))
    links = {a.text_content(): a.get("href") for a in tabs.cssselect("nav.tabs a")}
    assert links["Tuần này"] == "/web/thanh-pho?ky=tuan&q=le+chan"
    current = tabs.cssselect('nav.tabs a[aria-current="page"]')
    assert [a.text_content() for a in current] == ["Năm nay"]


def test_the_figures_are_read_again_once_a_minute_has_passed(site: Site, clock: Clock):
    client = city_site(site)
    assert rows(client.get("/web/thanh-pho"))[1][1:3] == [LE_CHAN, "2"]
    with site.app.db.begin() as c:  # three more logs for Lê Chân, today
        c.execute(
            text(
                "INSERT INTO support_log (member_id, team_id, day, created_at)"
                " SELECT member_id, team_id, '2026-11-23', created_at FROM support_log"
                " WHERE day = '2026-07-20'"
            )
        )
        c.execute(
            text(
                "INSERT INTO support_log (member_id, team_id, day, created_at)"
                " SELECT member_id, team_id, '2026-11-23', created_at FROM support_log"
                " WHERE day = '2026-08-10'"
            )
        )
    kept = rows(client.get("/web/thanh-pho"))
    assert kept[1][1:3] == [LE_CHAN, "2"]  # read less than a minute ago
    clock.now += timedelta(seconds=61)
    fresh = rows(client.get("/web/thanh-pho"))
    assert [r[1:3] for r in fresh[:2]] == [[NGO_QUYEN, "4"], [CAT_HAI, "3"]]
    assert fresh[2][1:3] == [LE_CHAN, "3"]


def test_a_ward_page_is_one_click_away_and_read_only(site: Site):
    client = city_site(site)
    ward = ward_id(site.app, NGO_QUYEN)
    front = tree(client.get("/web/thanh-pho"))
    assert front.cssselect(f'a[href="/web/phuong/{ward}"]')[0].text_content() == NGO_QUYEN
    overview = client.get(f"/web/phuong/{ward}")
    assert overview.status_code == 200
    page = tree(overview)
    tabs = [a.text_content() for a in page.cssselect("nav.tabs a")]
    assert tabs == ["← Các phường", "Tổng quan", "Các tổ", "Hạn nộp", "Mô hình"]
    assert "4 lượt hỗ trợ" in words(overview)  # the quarter: as the ward's officer sees it
    assert "Cán bộ phường Vũ Thị Officerxuyen" in words(overview)
    assert not [a for a in page.cssselect("a") if "/tai/" in (a.get("href") or "")]
    assert page.cssselect("form[method=post]") == [page.cssselect("footer form")[0]]  # log out
    teams = tree(client.get(f"/web/phuong/{ward}/cac-to"))
    assert not [a for a in teams.cssselect("main a") if "/web/to/" in (a.get("href") or "")]
    assert "Tổ CNSCĐ TDP 1" in teams.text_content()
    models = client.get(f"/web/phuong/{ward}/mo-hinh")
    assert "Đã đăng ký: 2 mô hình" in words(models)
    assert "Tải biểu" not in models.text


def test_the_city_officer_cannot_open_peoples_pages_teams_downloads_or_the_office(site: Site):
    client = city_site(site)
    ward = ward_id(site.app, NGO_QUYEN)
    for path in (
        f"/web/phuong/{ward}/thanh-vien",
        f"/web/phuong/{ward}/tai/quy",
        f"/web/phuong/{ward}/tai/mo-hinh",
        *(f"/web/to/{t}" for t in team_ids(site.app)),
        *(f"/web/to/{t}/thanh-vien" for t in team_ids(site.app)),
    ):
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "danh sách thành viên, trang của từng tổ và tệp tải về ở lại phường" in answer.text
    with site.app.uow() as uow:
        exports = uow.session.exec(select(AuditEntry).where(col(AuditEntry.action).like("export%")))
        assert list(exports) == []
    with site.app.db.connect() as c:
        office = c.execute(text("SELECT id FROM ward WHERE kind = 'city'")).scalar_one()
    for path in (f"/web/phuong/{office}", f"/web/phuong/{office}/cac-to"):
        answer = client.get(path)
        assert answer.status_code == 404 and "Không có trang này" in answer.text


def test_a_ward_officer_or_a_leader_cannot_open_the_city_page(site: Site):
    build_city(site.app)
    city_officer(site.app)  # the office exists
    for role, team in ((Role.OFFICER, OFFICE), (Role.LEADER, "Tổ CNSCĐ TDP 2")):
        chat = site.roster.joined(f"Người {role}", team=team, role=role, ward=NGO_QUYEN)
        client = logged_in(site, chat)
        refused = client.get("/web/thanh-pho")
        assert refused.status_code == 403
        assert "Trang này không dành cho bạn" in refused.text
        assert CITY not in refused.text and LE_CHAN not in refused.text
        other = client.get(f"/web/phuong/{ward_id(site.app, LE_CHAN)}")
        assert other.status_code == 403 and LE_CHAN not in other.text
    anyone = httpx.Client(base_url=site.url).get("/web/thanh-pho")
    assert anyone.status_code == 401 and "Bạn chưa đăng nhập" in anyone.text


def test_the_wards_own_dashboard_still_lists_its_people_and_downloads(site: Site):
    build_city(site.app)
    chat = site.roster.joined("Phan Thị Nga", team=OFFICE, role=Role.OFFICER, ward=NGO_QUYEN)
    client = logged_in(site, chat)
    ward = ward_id(site.app, NGO_QUYEN)
    page = tree(client.get(f"/web/phuong/{ward}"))
    tabs = [a.text_content() for a in page.cssselect("nav.tabs a")]
    assert tabs == ["Tổng quan", "Các tổ", "Hạn nộp", "Thành viên", "Mô hình"]
    assert page.cssselect(f'a[href="/web/phuong/{ward}/tai/quy"]')
    people = client.get(f"/web/phuong/{ward}/thanh-vien")
    assert people.status_code == 200 and "Lê Thị Cucxuyen" in people.text


# --- the city's own deadlines ------------------------------------------------------------


def city_dues(answer: httpx.Response) -> list[str]:
    """The items of the section of the city's deadlines, texts squeezed."""
    assert answer.status_code == 200, answer.text
    section = tree(answer).cssselect("#han-thanh-pho")
    assert [" ".join(h.text_content().split()) for h in section[0].cssselect("h2")] == [
        "Hạn nộp báo cáo cho thành phố"
    ]
    return [" ".join(li.text_content().split()) for li in section[0].cssselect("li")]


def ward_officer(site: Site, ward: str) -> ConsoleChat:
    """The ward's officer, on the ward's own team, joined in chat."""
    return site.roster.joined(f"Cán bộ {ward}", team=OFFICE, role=Role.OFFICER, ward=ward)


def test_the_city_page_shows_how_many_wards_sent_a_city_deadline_and_which_have_not(site: Site):
    city_with_history(site.app)
    city = city_officer(site.app)
    assert "Đã thêm hạn “Báo cáo tháng 12”" in city.say("/hanchot Báo cáo tháng 12 20/12/2026")
    sent = [LE_CHAN, AN_LAO]
    for ward in sent:
        answer = ward_officer(site, ward).say("/danop")
        assert "đã nộp “Báo cáo tháng 12” cho thành phố" in answer
    missing = [w for w in WARDS_IN_ORDER if w not in sent]  # the order a reader looks them up
    assert missing == [CAT_HAI, NGO_QUYEN]
    client = logged_in(site, city)
    assert city_dues(client.get("/web/thanh-pho")) == [
        "Báo cáo tháng 12: hạn cuối 19/12/2026 (còn 26 ngày). Đã nộp 2/4 phường. "
        f"Chưa nộp {', '.join(missing)}"
    ]
    assert city.say("/tiendo") == (  # the chat says the same
        "📋 Báo cáo tháng 12, hạn cuối 19/12/2026: 2/4 phường đã nộp.\n"
        f"Chưa nộp: {', '.join(missing)}"
    )
    # the search picks wards of the table; the city's deadlines stay whole
    searched = client.get("/web/thanh-pho", params={"q": "le chan"})
    assert [r[1] for r in rows(searched)] == [LE_CHAN]
    assert "Đã nộp 2/4 phường" in city_dues(searched)[0]


def test_without_a_city_deadline_the_page_says_so_and_how_to_add_one(site: Site):
    client = city_site(site)  # the wards' own deadlines (a yearly report over) are not the city's
    section = tree(client.get("/web/thanh-pho")).cssselect("#han-thanh-pho")[0]
    assert section.cssselect("li") == []
    assert " ".join(section.text_content().split()) == (
        "Hạn nộp báo cáo cho thành phố Thành phố chưa có hạn báo cáo nào sắp tới hay đã qua "
        "trong kỳ này. Thêm hạn bằng lệnh /hanchot trong chat, kèm tên báo cáo và ngày “trước "
        "ngày”: các phường chưa nộp sẽ được nhắc."
    )


def test_a_city_deadline_over_shows_how_many_sent_on_time_in_a_period_that_holds_it(
    site: Site, clock: Clock
):
    clock.set_local(2026, 11, 2, 9, 0)
    city_with_history(site.app)
    city = city_officer(site.app)
    city.say("/hanchot Báo cáo tháng 10 10/11/2026")  # last day 09/11
    on_time, late = [NGO_QUYEN, LE_CHAN], CAT_HAI
    ward_officer(site, late)
    clock.set_local(2026, 11, 5, 9, 0)
    for ward in on_time:
        assert "cho thành phố" in ward_officer(site, ward).say("/danop")
    # after its last day /danop counts for the next deadline, so the late report is stored
    # as the chat stores one (schedules.commands._ward_submitted): 00:30 on 10/11
    clock.set_local(2026, 11, 10, 0, 30)
    with site.app.uow() as uow:
        s = uow.session
        [(deadline_id, ward_id)] = s.execute(
            text(
                "SELECT d.id, w.id FROM deadline d, ward w"
                " WHERE d.name = 'Báo cáo tháng 10' AND w.name = :ward"
            ),
            {"ward": late},
        ).all()
        own, _new = roster.ward_team(s, ward_id, name=WARD_TEAM)
        officer = s.execute(
            text("SELECT id FROM member WHERE name = :name"), {"name": f"Cán bộ {late}"}
        ).scalar_one()
        assert own.id is not None and clock.now == datetime(2026, 11, 9, 17, 30, tzinfo=UTC)
        deadlines.mark_submitted(
            s,
            deadline_id=deadline_id,
            team_id=own.id,
            period="2026-11-10",
            member_id=officer,
            now=clock.now,
        )
        uow.commit()
    clock.set_local(2026, 11, 23, 10, 0)
    missing = [w for w in WARDS_IN_ORDER if w not in [*on_time, late]]
    assert missing == [AN_LAO]
    client = logged_in(site, city)
    expected = [
        "Báo cáo tháng 10: hạn cuối 09/11/2026 (đã qua). Đã nộp 3/4 phường, đúng hạn 2/4. "
        f"Chưa nộp {AN_LAO}"
    ]
    for period in ("thang", "quy", "nam"):  # 01/11, 01/10, 01/01 to 23/11: 09/11 is in them
        assert city_dues(client.get("/web/thanh-pho", params={"ky": period})) == expected, period
    week = client.get("/web/thanh-pho", params={"ky": "tuan"})  # 23/11 only
    assert city_dues(week) == []
    assert "Thành phố chưa có hạn báo cáo nào sắp tới hay đã qua trong kỳ này." in words(week)
