"""The web server against other sites: a login button pressed on another site's page opens
no session, and every answer (404, 405, downloads, the dashboard) carries the security
headers. Over real HTTP on loopback, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from bot.app import build_app
from bot.config import Config, ServerConfig
from bot.runner import web_dashboard
from bot.web.links import FileLinks
from bot.web.server import create_web_app
from tests.conftest import Clock, Roster
from tests.e2e.dashboard_site import Site, officer
from tests.e2e.running import free_port
from tests.fakes.zalo_api import ServerThread

REFUSED = "Không vào được từ trang khác"
SECURITY = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _link(site: Site) -> str:
    return urlsplit(site.link(officer(site))).path


def _assert_secured(answer: httpx.Response, *, cached: bool = False) -> None:
    where = f"{answer.request.method} {answer.request.url.path} -> {answer.status_code}"
    csp = answer.headers.get("content-security-policy", "")
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, where
    for name, value in SECURITY.items():
        assert answer.headers.get(name) == value, (where, name)
    if not cached:
        assert answer.headers.get("cache-control") == "no-store", where


# --- login CSRF ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame, or a page that hides where it is
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a neighbour on the same domain is another site too
        {"Origin": "http://127.0.0.1:1"},
        {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["other-origin", "null-origin", "cross-site", "same-site", "other-port", "both"],
)
def test_a_login_button_pressed_on_another_site_logs_nobody_in(site: Site, headers: dict[str, str]):
    link = _link(site)
    answer = httpx.post(site.url + link, headers=headers)
    assert answer.status_code == 403
    assert REFUSED in answer.text and "tin nhắn của bot" in answer.text
    assert "set-cookie" not in answer.headers
    _assert_secured(answer)
    # nothing was used up: the officer's own press still opens the session
    own = {"Origin": site.url, "Sec-Fetch-Site": "same-origin"}
    opened = httpx.post(site.url + link, headers=own)
    assert opened.status_code == 303 and "gtn_phien=" in opened.headers["set-cookie"]


def test_the_login_button_pressed_on_the_bots_own_page_opens_a_session(site: Site):
    link = _link(site)
    shown = httpx.get(site.url + link)
    # so that the browser names our origin with the button's POST instead of "null"
    assert shown.headers["referrer-policy"] == "same-origin"
    own = {"Origin": site.url, "Sec-Fetch-Site": "same-origin"}
    opened = httpx.post(site.url + link, headers=own)
    assert opened.status_code == 303 and opened.headers["location"] == "/web"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "HTTP://127.0.0.1:{port}/"},
        # no page can set Sec-Fetch-Site: when the browser says same-origin, it is
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    ],
    ids=["old-browser-or-curl", "typed-address", "origin-any-case", "browser-says-same-origin"],
)
def test_a_login_that_says_nothing_of_another_site_passes(site: Site, headers: dict[str, str]):
    port = str(urlsplit(site.url).port)
    sent = {name: value.replace("{port}", port) for name, value in headers.items()}
    assert httpx.post(site.url + _link(site), headers=sent).status_code == 303


def test_behind_the_https_proxy_the_public_address_is_the_sites_origin(
    config: Config, clock: Clock
):
    port = free_port()
    public = "https://bot.phuong.example.vn"
    server = ServerConfig(host="127.0.0.1", port=port, public_url=public)
    app = build_app(replace(config, server=server), clock=clock)
    try:
        with ServerThread(create_web_app(dashboard=web_dashboard(app)), port=port):
            site = Site(app, f"http://127.0.0.1:{port}", Roster(app))
            chat = officer(site)
            paths = [urlsplit(chat.say("/web").split("\n")[1]).path for _ in range(2)]
            evil = httpx.post(site.url + paths[0], headers={"Origin": "https://evil.example"})
            assert evil.status_code == 403
            mine = {"Origin": public, "Sec-Fetch-Site": "same-origin"}
            assert httpx.post(site.url + paths[1], headers=mine).status_code == 303
    finally:
        app.db.dispose()


# --- security headers on every answer -----------------------------------------------------------


@pytest.fixture
def whole_site(site: Site, tmp_path: Path) -> Iterator[tuple[str, FileLinks]]:
    """The web app with downloads and the dashboard, as `gotungnha run` serves it."""
    links = FileLinks(
        secret=b"ward-secret",
        folder=tmp_path / "links",
        public_url="https://bot.example.vn",
        ttl=timedelta(hours=24),
    )
    web = create_web_app(links=links, dashboard=web_dashboard(site.app))
    with ServerThread(web, name="whole-site") as server:
        yield server.url, links


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/khong-co", 404),
        ("GET", "/web/khong-co", 404),
        ("POST", "/healthz", 405),
        ("GET", "/web/thoat", 405),
        ("DELETE", "/web/vao/any-token", 405),
        ("GET", "/telegram/webhook", 405),
        ("GET", "/files/not-a-link", 404),
        ("GET", "/healthz", 200),
        ("GET", "/web", 401),
        ("GET", "/web/vao/any-token", 410),
    ],
)
def test_every_answer_carries_the_security_headers(
    whole_site: tuple[str, FileLinks], method: str, path: str, status: int
):
    url, _links = whole_site
    answer = httpx.request(method, url + path)
    assert answer.status_code == status
    _assert_secured(answer)


def test_a_download_carries_the_security_headers(whole_site: tuple[str, FileLinks], tmp_path: Path):
    url, links = whole_site
    book = tmp_path / "bao-cao.xlsx"
    book.write_bytes(b"PK\x03\x04 a workbook")
    published = links.publish(book, "bao-cao.xlsx", now=datetime.now(UTC))
    answer = httpx.get(url + "/files/" + published.url.rsplit("/", 1)[1])
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    _assert_secured(answer)


def test_the_stylesheet_has_the_headers_but_stays_in_the_browser_cache(
    whole_site: tuple[str, FileLinks],
):
    url, _links = whole_site
    answer = httpx.get(url + "/web/static/dashboard.css")
    assert answer.status_code == 200
    _assert_secured(answer, cached=True)
    assert "no-store" not in answer.headers.get("cache-control", "")
