"""Personal data stays in the ward: every page the city's officer can reach on the web
dashboard holds counts, wards' and teams' names and the ward officers' names, and no
volunteer's name, phone, note, place or chat account. On SQLite and PostgreSQL.

Four wards (tests/city_wards.py), and in every one of them more people who carry a marker
of their own in each private field: a leader who sent the coming report (/danop), and in
every other ward the ward's report to the city's deadline, a member quiet for weeks, one who
never joined, a log's place and note, a group's title and id, a unit's representative and a
model's participants. The city's officer crawls every link
from the front page, every period and a search, and asks for every page kind of every ward
and team, the ones refused too: no answer may hold a marker. The same markers do show on
the ward officer's own pages: the test looks where they would be.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode, urljoin, urlsplit

import httpx
from lxml import html
from sqlmodel import Session

from bot.app import App
from storage import deadlines, logs, queries
from storage.models import (
    ChatIdentity,
    DeadlineSubmission,
    GroupChat,
    Member,
    ModelRegistration,
    ResidentialGroup,
    Role,
    SupportLog,
    Team,
    Unit,
)
from tests.city_wards import AN_LAO, LE_CHAN, MARKERS, NGO_QUYEN, QUARTERLY, WARDS_IN_ORDER
from tests.conftest import ZONE
from tests.e2e.city_dashboard import (
    city_officer,
    city_with_history,
    logged_in,
    team_ids,
    tree,
    ward_id,
)
from tests.e2e.dashboard_site import Site

# the ward officers' names: the one thing about a person the city may read
OFFICERS = {"Vũ Thị Officerxuyen"}
PAGES = ("", "/cac-to", "/han-nop", "/thanh-vien", "/mo-hinh", "/tai/quy", "/tai/mo-hinh")
TEAM_PAGES = ("", "/thanh-vien", "/tai/quy")


MORE: list[str] = []  # this file's markers, beside tests/city_wards.py's MARKERS


def _mark(text: str) -> str:
    MORE.append(text)
    return text


def private_people(session: Session, ward_id: int, n: int, now_day: date) -> None:
    """One ward's markers beside tests/city_wards.py's: see the module's docstring."""
    group = ResidentialGroup(ward_id=ward_id, name="Tổ dân phố 9")
    session.add(group)
    session.flush()
    team = Team(ward_id=ward_id, name="Tổ CNSCĐ TDP 9", residential_group_id=group.id)
    own = Team(ward_id=ward_id, name="Tổ CNSCĐ cấp phường")
    session.add_all([team, own])
    session.flush()
    assert team.id is not None and own.id is not None
    at = _at(now_day)
    people = {}
    for key, role, joined, on in (
        ("Lanhdao", Role.LEADER, True, team),
        ("Imlang", Role.MEMBER, True, team),
        ("Chuavao", Role.MEMBER, False, team),
        ("Daidien", Role.UNIT, True, own),
    ):
        member = Member(
            team_id=on.id or 0,
            name=_mark(f"Phạm Thị {key}{n}xuyen"),
            phone=_mark(f"0987{n:02d}{len(people):05d}"),
            role=role,
            note=_mark(f"ghichu{key}{n}riengtu"),
            created_at=at - timedelta(days=40),
            consent_at=at - timedelta(days=40) if joined else None,
        )
        session.add(member)
        session.flush()
        assert member.id is not None
        people[key] = member
        if joined:
            session.add(
                ChatIdentity(
                    member_id=member.id,
                    platform="zalo",
                    user_id=_mark(f"taikhoan{key}{n}"),
                    display_name=_mark(f"{key}{n}hienthi"),
                )
            )
    leader = people["Lanhdao"]
    for day in (now_day, now_day - timedelta(days=60)):  # this week's and the quarter before's
        logs.add_log(
            session,
            SupportLog(
                member_id=leader.id or 0,
                team_id=team.id,
                day=day,
                place=_mark(f"ngo Diadiem{n}x{day.month} rieng"),
                note=_mark(f"ghi chu Noidung{n}x{day.month} rieng"),
                created_at=_at(day),
            ),
            {"vneid": 2},
        )
    session.add(
        GroupChat(
            platform="zalo",
            chat_id=_mark(f"-100{n}77nhom"),
            ward_id=ward_id,
            team_id=team.id,
            title=_mark(f"Nhóm Tieude{n} TDP 9"),
            linked_at=at,
        )
    )
    quarterly = [d for d in deadlines.deadlines_of_ward(session, ward_id) if d.name == QUARTERLY]
    session.add(
        DeadlineSubmission(
            deadline_id=quarterly[0].id or 0,
            team_id=team.id,
            period="2026-Q4",
            submitted_at=at,
            submitted_by=leader.id,
        )
    )
    if n % 2:  # the first and third wards: the ward's report to the city, on its own team
        office = queries.city_office(session)
        assert office is not None and office.id is not None
        [city] = deadlines.city_deadlines(session, office.id)
        assert city.id is not None and leader.id is not None
        deadlines.mark_submitted(
            session,
            deadline_id=city.id,
            team_id=own.id,
            period="2026-12-20",
            member_id=leader.id,
            now=at,
        )
    waiting = Unit(  # joined, no model yet: the officer's list names its representative
        ward_id=ward_id,
        name=f"Trường Tiểu học số {n}",
        kind="school",
        representative_id=people["Daidien"].id,
        created_at=at,
    )
    unit = Unit(ward_id=ward_id, name=f"Trường THCS số {n}", kind="school", created_at=at)
    session.add_all([waiting, unit])
    session.flush()
    session.add(
        ModelRegistration(
            unit_id=unit.id or 0,
            name=f"Mô hình trường số {n}",
            content="Nội dung",
            method="Cách thức",
            participants=_mark(f"Giaovien{n} Thamgiathem"),
            results="Hiệu quả",
            budget="Xã hội hoá",
            created_at=at,
        )
    )


def _at(day: date) -> datetime:
    """09:00 that day in Hải Phòng, in UTC."""
    return datetime.combine(day, time(9), tzinfo=ZONE).astimezone(UTC)


def marked_city(app: App) -> None:
    city_with_history(app)
    city_officer(app, name="Đặng Văn Thành").say("/hanchot Báo cáo tháng 12 20/12/2026")
    wards = [ward_id(app, name) for name in WARDS_IN_ORDER]
    with app.uow() as uow:
        for n, ward in enumerate(wards, start=1):
            private_people(uow.session, ward, n, app.clock().date())
        uow.commit()


def leaks(text: str) -> list[str]:
    return sorted({m for m in [*MARKERS, *MORE] if m in text and m not in OFFICERS})


def crawl(client: httpx.Client) -> dict[str, httpx.Response]:
    """Every page under /web/ reachable from the front page: links, and the search form
    sent with each ward's name, half of one, and one that finds nothing."""
    seen: dict[str, httpx.Response] = {}
    todo = deque(["/web"])
    while todo:
        path = todo.popleft()
        if path in seen:
            continue
        answer = client.get(path, follow_redirects=True)
        seen[path] = answer
        page = html.fromstring(answer.text or "<p></p>")
        found = [a.get("href") for a in page.cssselect("a[href]")]
        for form in page.cssselect("form"):
            if (form.get("method") or "get").lower() != "get":
                continue
            fields = {i.get("name"): i.get("value") or "" for i in form.cssselect("input[name]")}
            for typed in (*WARDS_IN_ORDER, "phuong", "khong co"):
                found.append(f"{form.get('action')}?{urlencode(fields | {'q': typed})}")
        for href in found:
            target = urlsplit(urljoin(path, href))
            link = target.path + (f"?{target.query}" if target.query else "")
            if target.path.startswith("/web") and not target.path.startswith("/web/static"):
                todo.append(link)
    return seen


def test_the_wards_hold_markers_in_every_private_field(site: Site):
    marked_city(site.app)
    assert len(MARKERS) > 40 and len(MORE) >= 4 * 20
    with site.app.db.connect() as c:
        texts = [str(v) for row in c.exec_driver_sql("SELECT * FROM member") for v in row]
    assert sum(1 for m in MORE if m in texts) >= 4 * 12  # names, phones, notes: 4 wards


def test_no_page_the_city_officer_reaches_holds_a_volunteers_data(site: Site):
    marked_city(site.app)
    client = logged_in(site, city_officer(site.app))
    pages = crawl(client)
    # the crawl saw the city page in every period, the search, and each ward's four pages
    assert any("ky=tuan" in p for p in pages) and any("q=" in p for p in pages)
    wards = [ward_id(site.app, name) for name in WARDS_IN_ORDER]
    reached = {p for p, a in pages.items() if a.status_code == 200}
    for ward in wards:
        for kind in ("", "/cac-to", "/han-nop", "/mo-hinh"):
            assert f"/web/phuong/{ward}{kind}" in reached
    assert "Vũ Thị Officerxuyen" in pages[f"/web/phuong/{ward_id(site.app, NGO_QUYEN)}"].text
    # the city's deadline is on the front page: two wards sent it, two have not
    due = tree(pages["/web"]).cssselect("#han-thanh-pho li")[0].text_content()
    assert "Báo cáo tháng 12" in due and "Đã nộp 2/4 phường" in due
    assert due.split("Chưa nộp")[1].split() == f"{LE_CHAN}, {AN_LAO}".split()
    # and asked for by hand: every page kind of every ward and team, refused or not
    asked = [f"/web/phuong/{w}{kind}" for w in wards for kind in PAGES]
    asked += [f"/web/to/{t}{kind}" for t in team_ids(site.app) for kind in TEAM_PAGES]
    for path in asked:
        pages[path] = client.get(path)
        assert pages[path].status_code in (200, 403), path
    assert {p: leaks(a.text) for p, a in pages.items() if leaks(a.text)} == {}
    files = [
        p for p, a in pages.items() if "attachment" in a.headers.get("content-disposition", "")
    ]
    assert files == []


def test_the_same_markers_show_on_the_ward_officers_own_pages(site: Site):
    # where the crawl looks, the ward's own officer sees names: the city's pages leave them out
    marked_city(site.app)
    chat = site.roster.joined(
        "Phan Thị Ngaxuyen", team="Tổ CNSCĐ phường", role=Role.OFFICER, ward=NGO_QUYEN
    )
    client = logged_in(site, chat)
    ward = ward_id(site.app, NGO_QUYEN)
    shown = " ".join(client.get(f"/web/phuong/{ward}{kind}").text for kind in PAGES[:5])
    n = WARDS_IN_ORDER.index(NGO_QUYEN) + 1
    for marker in (
        f"Phạm Thị Lanhdao{n}xuyen",  # sent the report (Hạn nộp)
        f"Phạm Thị Imlang{n}xuyen",  # quiet (Thành viên)
        f"Phạm Thị Chuavao{n}xuyen",  # not joined (Thành viên)
        f"Phạm Thị Daidien{n}xuyen",  # the unit's representative (Hạn nộp, Mô hình)
        f"Giaovien{n} Thamgiathem",  # a model's participants (Mô hình)
    ):
        assert marker in shown, marker
    assert re.search(r"Lê Thị Cucxuyen", shown)
