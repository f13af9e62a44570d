"""The dashboard's web routes: the login link, the session cookie, pages and downloads.

A login link from /web (valid once, 15 minutes) shows a button; pressing it (a POST, so a
chat app's link preview cannot use the link up) opens an 8-hour session kept in an
HttpOnly, SameSite=Strict cookie. A press that another site's page sent (the browser says
so in Sec-Fetch-Site or Origin) is refused: nobody is logged in to someone else's session.
Every page checks the session, then the role and the ward or team, the way chat commands
do. The city's officer gets the city's page (/web/thanh-pho) and each ward's pages read only,
without anyone's name. Pages carry no script; charts are SVG drawn here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import (
    BaseRoute,
    Match,
    Mount,
    NoMatchFound,
    Route,
    request_response,
)
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from bot.app import App
from bot.bot_report import zalo_months
from bot.web.dashboard import charts, pages
from bot.web.dashboard import city as city_page
from bot.web.dashboard.pages import CITY_PATH, Viewer
from handlers.failures import failure_trace
from handlers.features.exports import fresh_folder
from handlers.formatting import day_text
from handlers.parsing.periods import Period
from reports.export import export_workbook
from reports.models import write_models
from storage import audit, web_sessions
from storage.models import Team, Ward, WardKind
from storage.uow import UnitOfWork
from storage.web_sessions import SESSION_TTL

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
COOKIE = "gtn_phien"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLE_NAMES = {"city": "Cán bộ thành phố", "officer": "Cán bộ phường", "leader": "Tổ trưởng"}
PROBLEMS = {  # status -> (heading, what to do)
    401: (
        "Bạn chưa đăng nhập",
        "Nhắn /web cho bot trong tin nhắn riêng để nhận link đăng nhập (dùng một lần, "
        "trong 15 phút).",
    ),
    403: (
        "Trang này không dành cho bạn",
        "Bạn chỉ xem được số liệu của phường hoặc tổ mình. Bấm «Trang của tôi» để quay lại.",
    ),
    404: ("Không có trang này", "Đường dẫn không đúng. Bấm «Trang của tôi» để quay lại."),
    500: (
        "Chưa đọc được số liệu",
        "Máy chủ đang gặp trục trặc. Bạn tải lại trang sau ít phút nhé; số liệu không mất.",
    ),
    410: (
        "Link đăng nhập đã dùng hoặc đã hết hạn",
        "Mỗi link chỉ dùng được một lần, trong 15 phút. Nhắn /web cho bot để nhận link mới.",
    ),
}
CITY_REFUSED = (
    "Cán bộ thành phố xem số liệu của từng phường; danh sách thành viên, trang của từng tổ "
    "và tệp tải về ở lại phường. Bấm «Trang của tôi» để quay lại."
)
FROM_ELSEWHERE = (
    "Không vào được từ trang khác",
    "Nút «Vào trang theo dõi» chỉ dùng được trên trang của bot. Bạn mở lại link trong tin "
    "nhắn của bot nhé.",
)
CITY_SECONDS = 60.0  # the city's page reads every ward's figures at most once a minute
TABLES_KEPT = 64  # the city page's tables drawn and kept (periods and searches)
SEARCH_MOST = 80  # characters of a ward's name searched for
SAME_SITE = ("same-origin", "none")  # Sec-Fetch-Site of our own form, or of a typed address


@dataclass(frozen=True)
class Where:
    """The ward or the team a page is about."""

    ward: Ward
    team: Team | None

    @property
    def base(self) -> str:
        if self.team is not None:
            return f"/web/to/{self.team.id}"
        return f"/web/phuong/{self.ward.id}"

    @property
    def name(self) -> str:
        return self.team.name if self.team is not None else self.ward.name


class Dashboard:
    """The dashboard's routes on the bot's database, clock and time zone."""

    def __init__(self, app: App, *, secure: bool, city_seconds: float = CITY_SECONDS) -> None:
        self._uow = app.uow
        self._boards = city_page.Boards(city_seconds)
        self._tables: dict[tuple[Any, ...], Markup] = {}  # the city page's table, as drawn
        self._config = app.config
        self._clock = app.clock
        self._zone = app.config.zone
        self._exports = Path(app.config.bot.exports_dir)
        self._secure = secure  # the cookie only travels over HTTPS when the site is HTTPS
        self._public_origin = _origin(app.config.dashboard_url)  # behind a proxy: its address
        self._jinja = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._jinja.filters.update(so=charts.number, ngay=day_text, gio=_time_text)
        self._jinja.filters.update(phantram=city_page.percent)

    def routes(self) -> list[BaseRoute]:
        ward, team = "/web/phuong/{ward_id:int}", "/web/to/{team_id:int}"
        pages = [  # (path, endpoint, method)
            ("/web", self.home, "GET"),
            ("/web/vao/{token}", self.login_page, "GET"),
            ("/web/vao/{token}", self.login, "POST"),
            ("/web/thoat", self.logout, "POST"),
            ("/web/thanh-pho", self.city, "GET"),
            (ward, self._page("overview"), "GET"),
            (ward + "/cac-to", self._page("teams"), "GET"),
            (ward + "/han-nop", self._page("deadlines"), "GET"),
            (ward + "/thanh-vien", self._page("people"), "GET"),
            (ward + "/mo-hinh", self._page("models"), "GET"),
            (ward + "/tai/{slug}", self.download, "GET"),
            (team, self._page("overview"), "GET"),
            (team + "/thanh-vien", self._page("people"), "GET"),
            (team + "/tai/{slug}", self.download, "GET"),
        ]
        routes: list[BaseRoute] = [
            Route(path, self._safe(endpoint, path), methods=[method])
            for path, endpoint, method in pages
        ]
        static = StaticFiles(directory=HERE / "static")
        unknown = Unknown(self._safe(self.not_found, "/web/…"))
        return [*routes, Mount("/web/static", static, name="static"), unknown]

    # --- logging in and out -----------------------------------------------------------

    def home(self, request: Request) -> Response:
        with self._uow(read_only=True) as uow:
            viewer = self._viewer(request, uow)
        if viewer is None:
            return self._problem(401, None)
        return RedirectResponse(viewer.home, status_code=303)

    def login_page(self, request: Request) -> Response:
        """The link from chat: a button to press (looking at the link does not use it)."""
        token = request.path_params["token"]
        with self._uow(read_only=True) as uow:
            live = web_sessions.link_is_live(uow.session, token, now=self._clock())
        if not live:
            return self._problem(410, None)
        page = self._render("login.html", status=200, title="Đăng nhập", action=request.url.path)
        # with no-referrer the browser would send "Origin: null" with the button's POST; the
        # link still never leaves this site
        page.headers["Referrer-Policy"] = "same-origin"
        return page

    def login(self, request: Request) -> Response:
        if self._from_elsewhere(request):
            log.warning("dashboard login refused: the form came from another site")
            heading, text = FROM_ELSEWHERE
            return self._render("message.html", status=403, title=heading, text=text)
        token = request.path_params["token"]
        with self._uow() as uow:
            session_token = web_sessions.redeem_link(uow.session, token, now=self._clock())
            uow.commit()
        if session_token is None:
            return self._problem(410, None)
        response = RedirectResponse("/web", status_code=303)
        response.set_cookie(
            COOKIE,
            session_token,
            max_age=int(SESSION_TTL.total_seconds()),
            path="/web",
            secure=self._secure,
            httponly=True,
            samesite="strict",
        )
        return response

    def _from_elsewhere(self, request: Request) -> bool:
        """True when the browser says another site sent this POST (a login CSRF): by
        Sec-Fetch-Site (no page can set it, so it settles the question when sent), else by
        an Origin that is neither this server nor its public address. A request that says
        neither (an old browser, curl) passes."""
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            return site.lower() not in SAME_SITE
        origin = request.headers.get("origin")
        if origin is None:
            return False
        own = _origin(f"{request.url.scheme}://{request.headers.get('host', '')}")
        return _origin(origin) not in {own, self._public_origin} - {""}

    def logout(self, request: Request) -> Response:
        with self._uow() as uow:
            web_sessions.end_session(uow.session, request.cookies.get(COOKIE, ""))
            uow.commit()
        response = self._render(
            "message.html",
            status=200,
            title="Đã đăng xuất",
            text="Bạn đã đăng xuất. Lần sau nhắn /web cho bot để vào lại.",
        )
        response.delete_cookie(COOKIE, path="/web", secure=self._secure, httponly=True)
        return response

    # --- pages -----------------------------------------------------------------------

    def _page(self, kind: str) -> Callable[[Request], Response]:
        read_only = kind != "people"  # the officer's Thành viên page renews expired codes

        def endpoint(request: Request) -> Response:
            with self._uow(read_only=read_only) as uow:
                found = self._where(request, uow)
                if isinstance(found, Response):
                    return found
                viewer, where = found
                if where.team is not None and kind not in ("overview", "people"):
                    return self._problem(404, viewer)
                if viewer.is_city and kind == "people":  # the city sees no one's name
                    return self._problem(403, viewer)
                page = self._render_page(kind, uow, viewer, where, request.url.path)
                if not read_only:
                    uow.commit()
                return page

        return endpoint

    def _render_page(
        self, kind: str, uow: UnitOfWork, viewer: Viewer, where: Where, path: str
    ) -> Response:
        session, now = uow.session, self._clock()
        today = now.astimezone(self._zone).date()
        scope = pages.scope_of(session, where.ward, where.team, Period(today, today))
        data: dict[str, Any] = {}
        if kind == "overview":
            view = pages.overview(session, scope, today, self._zone)
            data = {"view": view, **_overview_charts(view)}
            if viewer.is_officer and where.team is None:  # the bots serve the whole ward
                data["bots"] = zalo_months(session, self._config, now=now)
                data["backup"] = pages.last_backup(session, self._zone)
            if viewer.is_city:
                data["officers"] = pages.officers(session, where.ward.id or 0)
        elif kind == "teams":
            data = {"rows": pages.team_ranking(session, scope, today)}
            data["apart"] = pages.teams_apart(session, scope, today)
            data["sparks"] = {
                r.team_id: charts.sparkline(r.weeks, label=f"{r.name}: 8 tuần gần đây")
                for r in [*data["rows"], *data["apart"]]
            }
        elif kind == "deadlines":
            people = not viewer.is_city
            data = {"view": pages.checklist(session, scope, today, self._zone, people=people)}
        elif kind == "people":
            data = {"view": pages.people(session, scope, today, self._zone)}
            if viewer.is_officer:  # codes are secrets: the page is no-store, and never logged
                data["invites"] = pages.invites(
                    uow,
                    scope,
                    now=now,
                    invite_days=self._config.bot.invite_days,
                    zone=self._zone,
                    zalo_bots={b.name: b.label for b in self._config.zalo.all_bots},
                )
                data["bot_username"] = self._config.telegram.username.lstrip("@") or None
        elif kind == "models":
            people = not viewer.is_city
            data = {
                "models": pages.models(session, scope.ward_id, people=people),
                "units": pages.unit_statuses(session, scope.ward_id, people=people),
            }
        return self._render(
            f"{kind}.html",
            status=200,
            viewer=viewer,
            where=where,
            nav=_nav(viewer, where, path),
            title=f"{TITLES[kind]} · {where.name}",
            today=today,
            now=now.astimezone(self._zone),
            **data,
        )

    def city(self, request: Request) -> Response:
        """The city's front page: every ward ranked by its logs in a period, with its trend
        and the city's totals; ?ky= picks the period, ?q= searches the wards by name."""
        with self._uow(read_only=True) as uow:
            viewer = self._viewer(request, uow)
            if viewer is None:
                return self._problem(401, None)
            if not viewer.is_city:
                return self._problem(403, viewer)
        now = self._clock()
        today = now.astimezone(self._zone).date()
        slug = city_page.chosen(today, request.query_params.get("ky", "")).slug

        def read() -> city_page.Board:
            with self._uow(read_only=True) as uow:
                return city_page.city_board(uow.session, today=today, zone=self._zone, slug=slug)

        read_at, whole = self._boards.get((slug, today), now, read)
        asked = request.query_params.get("q", "")[:SEARCH_MOST]
        found = city_page.searched(whole, asked)
        table = self._city_table((slug, today, read_at, id(whole), found.asked), found)
        name = self._config.city.name or viewer.ward_name
        return self._render(
            "city.html",
            status=200,
            viewer=viewer,
            title=f"Các phường · {name}",
            nav=_periods(found),
            city=name,
            board=found,
            table=table,
            today=today,
            now=read_at.astimezone(self._zone),
        )

    def _city_table(self, key: tuple[Any, ...], board: city_page.Board) -> Markup:
        """The wards' table, drawn once for each reading and search: it is most of the
        page's work and the same for every officer (a dict's get and set are atomic)."""
        found = self._tables.get(key)
        if found is None:
            html = self._jinja.get_template("city_table.html").render(board=board)
            found = Markup(html)  # drawn by our autoescaping template
            if len(self._tables) >= TABLES_KEPT:
                self._tables = {}
            self._tables[key] = found
        return found

    # --- downloads ---------------------------------------------------------------------

    def download(self, request: Request) -> Response:
        """The workbook of a period, as /xuat makes it (or the ward's model table)."""
        slug = request.path_params["slug"]
        with self._uow() as uow:
            found = self._where(request, uow)
            if isinstance(found, Response):
                return found
            viewer, where = found
            if viewer.is_city:  # the city reads; a download writes a file and an audit line
                return self._problem(403, viewer)
            now = self._clock()
            local = now.astimezone(self._zone)
            folder = fresh_folder(self._exports)
            if slug == "mo-hinh" and where.team is None:
                name = f"dang-ky-mo-hinh-{local:%d%m%Y}.xlsx"
                count = write_models(uow.session, where.ward, folder / name)
                detail = {"via": "web", "ward_id": where.ward.id, "models": count, "file": name}
                audit.record(
                    uow.session,
                    action="export_models",
                    now=now,
                    member_id=viewer.member_id,
                    detail=detail,
                )
                path = folder / name
            else:
                period = pages.download_period(slug, local.date())
                if period is None:
                    return self._problem(404, viewer)
                scope = pages.scope_of(uow.session, where.ward, where.team, period)
                name = scope.file_name
                path = export_workbook(
                    uow.session,
                    scope,
                    folder / name,
                    now=now,
                    made_at=local,
                    via="web",
                    member_id=viewer.member_id,
                ).path
            uow.commit()
        return FileResponse(path, filename=name, media_type=XLSX)

    def not_found(self, request: Request) -> Response:
        """Any other address under /web/: the kind page a team that does not exist gets."""
        with self._uow(read_only=True) as uow:
            viewer = self._viewer(request, uow)
        return self._problem(404, viewer)

    # --- who is asking, about what ----------------------------------------------------------

    def _viewer(self, request: Request, uow: UnitOfWork) -> Viewer | None:
        token = request.cookies.get(COOKIE, "")
        member = web_sessions.session_member(uow.session, token, now=self._clock())
        return pages.viewer_of(uow.session, member) if member is not None else None

    def _where(self, request: Request, uow: UnitOfWork) -> tuple[Viewer, Where] | Response:
        """The viewer and the ward or team of the path, or the page that refuses."""
        viewer = self._viewer(request, uow)
        if viewer is None:
            return self._problem(401, None)
        session = uow.session
        if "team_id" in request.path_params:
            team = session.get(Team, request.path_params["team_id"])
            if team is None:
                return self._problem(404, viewer)
            if not viewer.may_see_team(team):
                return self._problem(403, viewer)
            return viewer, Where(session.get_one(Ward, team.ward_id), team)
        ward = session.get(Ward, request.path_params["ward_id"])
        if ward is None or ward.kind != WardKind.WARD:  # the city's office has no pages
            return self._problem(404, viewer)
        if not viewer.may_see_ward(request.path_params["ward_id"]):
            return self._problem(403, viewer)
        return viewer, Where(ward, None)

    def _safe(
        self, endpoint: Callable[[Request], Response], path: str
    ) -> Callable[[Request], Response]:
        """The endpoint, answering a kind page instead of a bare 500 when something breaks
        (the database out of reach, say); the details go to the log, by the route's pattern
        (a login link's token is in its path) and without the error's message (names)."""

        def guarded(request: Request) -> Response:
            try:
                return endpoint(request)
            except Exception as exc:
                log.error("dashboard page failed route=%s\n%s", path, failure_trace(exc))
                return self._problem(500, None)

        return guarded

    def _problem(self, status: int, viewer: Viewer | None) -> Response:
        heading, text = PROBLEMS[status]
        if status == 403 and viewer is not None and viewer.is_city:
            text = CITY_REFUSED
        return self._render("message.html", status=status, title=heading, text=text, viewer=viewer)

    def _render(self, template: str, *, status: int, **context: Any) -> Response:
        viewer: Viewer | None = context.setdefault("viewer", None)
        context["role_name"] = ROLE_NAMES.get(viewer.role, "") if viewer else ""
        html = self._jinja.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)


class Unknown(BaseRoute):
    """Every address under /web/ that no page has (`/web/to/1/khong`): a Vietnamese 404 page,
    not starlette's English "Not Found". It matches only partly, so starlette takes it when
    nothing else fits at all: an address with the wrong method still gets its 405."""

    def __init__(self, endpoint: Callable[[Request], Response]) -> None:
        self._app = request_response(endpoint)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and str(scope["path"]).startswith("/web/"):
            return Match.PARTIAL, {}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


TITLES = {
    "overview": "Tổng quan",
    "teams": "Các tổ",
    "deadlines": "Hạn nộp",
    "people": "Thành viên",
    "models": "Mô hình",
}


def _nav(viewer: Viewer, where: Where, path: str) -> list[tuple[str, str, bool]]:
    """The tabs of a page: the ward's five, or a team's two (with the way back to the ward)."""
    base = where.base
    if where.team is None:
        tabs = [("Tổng quan", base), ("Các tổ", base + "/cac-to"), ("Hạn nộp", base + "/han-nop")]
        if viewer.is_city:  # read only, and no one's name: no Thành viên
            tabs.insert(0, ("← Các phường", CITY_PATH))
        else:
            tabs.append(("Thành viên", base + "/thanh-vien"))
        tabs.append(("Mô hình", base + "/mo-hinh"))
    else:
        tabs = [("Tổng quan", base), ("Thành viên", base + "/thanh-vien")]
        if viewer.is_officer:
            tabs.insert(0, ("← Cả phường", f"/web/phuong/{viewer.ward_id}/cac-to"))
    return [(label, href, href == path) for label, href in tabs]


def _periods(board: city_page.Board) -> list[tuple[str, str, bool]]:
    """The city page's periods as tabs, each keeping the search."""
    tabs = []
    for c in board.choices:
        query = {"ky": c.slug} | ({"q": board.asked} if board.asked else {})
        tabs.append((c.label, f"{CITY_PATH}?{urlencode(query)}", c == board.choice))
    return tabs


def _overview_charts(view: pages.Overview) -> dict[str, Any]:
    services = [(s.name, s.week, s.quarter) for s in view.services]
    weeks = [(f"{monday:%d/%m}", n) for monday, n in view.weeks]
    return {
        "service_chart": charts.bars(
            services, label="Lượt hỗ trợ theo dịch vụ", first="Tuần này", second="Quý này"
        ),
        "week_chart": charts.columns(weeks, label="Số lượt ghi theo tuần trong quý"),
    }


def _time_text(moment: datetime) -> str:
    return f"{moment:%H:%M} {day_text(moment.date())}"


def _origin(url: str) -> str:
    """scheme://host[:port] as a browser's Origin header writes it; "" when not a web address
    (an Origin of "null" among them)."""
    try:
        parts = urlsplit(url.strip().lower())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")
