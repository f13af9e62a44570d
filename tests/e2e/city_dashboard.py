"""The city's officer on the web dashboard over real HTTP: the four wards of tests/city_wards.py
on the `site` fixture's server, a few older logs to compare with, and logged-in clients."""

from __future__ import annotations

import uuid
from datetime import date
from urllib.parse import urlsplit

import httpx
from lxml import html
from sqlmodel import col, select

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers.admin import add_city_officer
from storage import logs, queries
from storage.models import Member, SupportLog, Team
from tests.city_wards import CAT_HAI, LE_CHAN, build_city
from tests.e2e.dashboard_site import Site

CITY = "Thành phố Hải Phòng"
# logs of the quarter before's same days (01/07–23/08/2026): (ward, day, how many)
EARLIER = [(CAT_HAI, date(2026, 8, 10), 3), (LE_CHAN, date(2026, 7, 20), 1)]


def city_with_history(app: App) -> None:
    """The four wards, and the earlier logs: each by the first member of the ward's first
    team of a residential group."""
    build_city(app)
    with app.uow() as uow:
        s = uow.session
        for name, day, n in EARLIER:
            ward = queries.ward_by_name(s, name)
            assert ward is not None and ward.id is not None
            team = queries.residential_teams(s, ward.id)[0]
            first = select(Member).where(Member.team_id == team.id).order_by(col(Member.id))
            member = s.exec(first).first()
            assert member is not None and team.id is not None
            for _ in range(n):
                log = SupportLog(
                    member_id=member.id, team_id=team.id, day=day, created_at=app.clock()
                )
                logs.add_log(s, log, {"vneid": 1})
        uow.commit()


def join(app: App, code: str) -> ConsoleChat:
    chat = ConsoleChat(app.engine, user_id=f"u{uuid.uuid4().hex[:8]}")
    chat.say(f"/thamgia {code}")
    answer = chat.say("1")
    assert "Chào mừng" in answer, answer
    return chat


def city_officer(app: App, name: str = "Trần Văn Thành") -> ConsoleChat:
    """One of the city's officers, put on the office's roster by `city add-officer`, joined."""
    with app.uow() as uow:
        _member, invite = add_city_officer(
            uow, city=CITY, name=name, now=app.clock(), invite_days=30
        )
        uow.commit()
    return join(app, invite.code)


def logged_in(site: Site, chat: ConsoleChat) -> httpx.Client:
    """A browser-like client that opened the chat's /web link and pressed the button."""
    client = httpx.Client(base_url=site.url)
    path = urlsplit(site.link(chat)).path
    answer = client.post(path)
    assert answer.status_code == 303, answer.text
    return client


def tree(answer: httpx.Response) -> html.HtmlElement:
    return html.fromstring(answer.text)


def words(answer: httpx.Response) -> str:
    """The page's text, spaces squeezed."""
    return " ".join(tree(answer).text_content().split())


def ward_id(app: App, name: str) -> int:
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, name)
        assert ward is not None and ward.id is not None
        return ward.id


def team_ids(app: App) -> list[int]:
    with app.uow() as uow:
        return [t for t in uow.session.exec(select(Team.id).order_by(col(Team.id))) if t]
