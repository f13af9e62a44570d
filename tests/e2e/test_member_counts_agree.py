"""Every place that counts a team's members says what the tables say, by one definition
(storage.membership): the dashboard's pages over HTTP, the weekly tally as sent, /thongke,
the nudge list and the workbook downloaded from the dashboard. On SQLite and PostgreSQL.

The ward: an officer who logs, a unit's representative, two teams, a member who erased
their data after logging, a member who logged for one team and then moved to the other, a
member never joined, and another ward beside it. The expected figures come from an oracle
of plain SQL over the tables, not from the code under test:

- a team's members: on its roster, role member or leader, data not erased;
- joined: of them, who said "Đồng ý" in chat; active: joined, with a live log for the team;
- a team's logs: all its live logs; of them, officers' and the rest of non-members'.
"""

from __future__ import annotations

import asyncio
import io
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from lxml import html
from openpyxl import load_workbook
from sqlalchemy import Date, Engine, bindparam, text

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from handlers.admin import add_unit
from reports import labels as L
from reports.roster import import_roster
from schedules.jobs import TickSummary, tick
from schedules.snapshot import quiet_candidates
from storage.models import Role
from tests.conftest import Clock
from tests.e2e.dashboard_site import OFFICE, OTHER_WARD, TEAM_1, TEAM_2, WARD, Site
from tests.roster_books import write_roster

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2026, 11, 23)  # a Monday
WEEK = (TODAY, TODAY)
LAST_WEEK = (date(2026, 11, 16), date(2026, 11, 22))
MONTH = (date(2026, 11, 1), TODAY)
QUARTER = (date(2026, 10, 1), TODAY)
LEFT = re.compile(r"(\d+) lượt của người đã rời tổ hoặc đã xoá dữ liệu")
OFFICERS = re.compile(r"(\d+) lượt của cán bộ phường")

# --- the oracle: plain SQL over the tables ------------------------------------------------

MEMBER = "m.role IN ('member', 'leader') AND m.erased_at IS NULL"
LIVE = "l.team_id IN :teams AND l.deleted_at IS NULL AND l.day >= :start AND l.day <= :end"


@dataclass(frozen=True)
class Counts:
    roster: int
    joined: int
    active: int
    logs: int
    left: int
    officers: int


class Oracle:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _all(self, sql: str, **params: Any) -> list[Any]:
        statement = text(sql)
        if "teams" in params:
            statement = statement.bindparams(bindparam("teams", expanding=True))
        if "start" in params:
            statement = statement.bindparams(
                bindparam("start", type_=Date), bindparam("end", type_=Date)
            )
        with self.engine.connect() as connection:
            return list(connection.execute(statement, params))

    def _one(self, sql: str, **params: Any) -> int:
        return int(self._all(sql, **params)[0][0])

    def team_ids(self, ward: str, *names: str) -> list[int]:
        rows = self._all(
            "SELECT t.id, t.name FROM team t JOIN ward w ON w.id = t.ward_id WHERE w.name = :w",
            w=ward,
        )
        found = {name: team_id for team_id, name in rows}
        return [found[n] for n in names] if names else sorted(found.values())

    def counts(self, teams: Sequence[int], period: tuple[date, date]) -> Counts:
        start, end = period
        team_args = {"teams": list(teams)}
        args = {**team_args, "start": start, "end": end}
        roster = f"SELECT count(*) FROM member m WHERE m.team_id IN :teams AND {MEMBER}"
        logs = f"SELECT count(*) FROM support_log l WHERE {LIVE}"
        by = f"FROM support_log l JOIN member m ON m.id = l.member_id WHERE {LIVE}"
        own = f"m.team_id = l.team_id AND {MEMBER}"
        of_members = self._one(f"SELECT count(*) {by} AND {own}", **args)
        officers = self._one(
            f"SELECT count(*) {by} AND m.role = 'officer' AND m.erased_at IS NULL", **args
        )
        all_logs = self._one(logs, **args)
        return Counts(
            roster=self._one(roster, **team_args),
            joined=self._one(roster + " AND m.consent_at IS NOT NULL", **team_args),
            active=self._one(
                f"SELECT count(DISTINCT l.member_id) {by} AND {own} AND m.consent_at IS NOT NULL",
                **args,
            ),
            logs=all_logs,
            left=all_logs - of_members - officers,
            officers=officers,
        )

    def names(self, teams: Sequence[int], *, joined: bool | None = None) -> set[str]:
        sql = f"SELECT m.name FROM member m WHERE m.team_id IN :teams AND {MEMBER}"
        if joined is not None:
            sql += " AND m.consent_at IS " + ("NOT NULL" if joined else "NULL")
        return {name for (name,) in self._all(sql, teams=list(teams))}

    def idle(self, team: int, period: tuple[date, date]) -> set[str]:
        start, end = period
        logged = {
            name
            for (name,) in self._all(
                f"SELECT m.name FROM support_log l JOIN member m ON m.id = l.member_id "
                f"WHERE {LIVE}",
                teams=[team],
                start=start,
                end=end,
            )
        }
        return self.names([team], joined=True) - logged

    def own_logs(self, teams: Sequence[int], period: tuple[date, date]) -> dict[str, int]:
        """Each member's logs for their own team."""
        start, end = period
        rows = self._all(
            f"SELECT m.name, (SELECT count(*) FROM support_log l WHERE l.member_id = m.id "
            f"AND l.team_id = m.team_id AND l.deleted_at IS NULL AND l.day >= :start "
            f"AND l.day <= :end) FROM member m WHERE m.team_id IN :teams AND {MEMBER}",
            teams=list(teams),
            start=start,
            end=end,
        )
        return {name: int(n) for name, n in rows}

    def quiet(self, teams: Sequence[int], today: date, days: int = 7) -> set[str]:
        """Joined members with no log (for any team) in the last `days` days since joining."""
        rows = self._all(
            f"SELECT m.name, m.consent_at, (SELECT max(l.day) FROM support_log l "
            f"WHERE l.member_id = m.id AND l.deleted_at IS NULL) FROM member m "
            f"WHERE m.team_id IN :teams AND {MEMBER} AND m.consent_at IS NOT NULL",
            teams=list(teams),
        )
        out = set()
        for name, consent, last in rows:
            joined = _utc(consent).astimezone(ZONE).date()
            last_day = date.fromisoformat(last) if isinstance(last, str) else last
            since = max(d for d in (joined, last_day) if d is not None)
            if (today - since).days >= days:
                out.add(name)
        return out


def _utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


# --- the ward -----------------------------------------------------------------------------


@dataclass
class People:
    officer: ConsoleChat
    an: ConsoleChat  # a member of TDP 1
    mai: ConsoleChat  # the leader of TDP 2


def joined(site: Site, name: str, **kwargs: Any) -> ConsoleChat:
    return site.roster.joined(name, ward=WARD, **kwargs)


def logged(chat: ConsoleChat, said: str) -> None:
    answer = chat.say(said)
    assert "Đã ghi" in answer, answer


def build_ward(site: Site, clock: Clock, tmp_path: Path) -> People:
    app = site.app
    clock.set_local(2026, 11, 16, 9, 0)  # everyone joins on Monday of last week
    officer = joined(site, "Vũ Thị Ánh", team=OFFICE, role=Role.OFFICER, user="anh")
    with app.uow() as uow:
        _unit, _rep, invite = add_unit(
            uow,
            name="Trường THCS Chu Văn An",
            kind="school",
            representative="Trần Văn Hùng",
            ward=WARD,
            now=app.clock(),
            invite_days=30,
        )
        uow.commit()
        code = invite.code
    school = ConsoleChat(app.engine, user_id="hung")
    school.say(f"/thamgia {code}")
    assert "Chào mừng" in school.say("1")
    minh = joined(site, "Phạm Văn Minh", team=TEAM_1, role=Role.LEADER, user="minh")
    an = joined(site, "Nguyễn Thị An", team=TEAM_1, user="an")
    joined(site, "Lê Văn Bình", team=TEAM_1, user="binh")  # never logs
    cuc = joined(site, "Phạm Thị Cúc", team=TEAM_1, user="cuc")  # erases her data
    ha = joined(site, "Hoàng Thị Hà", team=TEAM_1, user="ha", phone="0912345678")  # moves
    site.roster.add("Đỗ Văn Dũng", team=TEAM_1, ward=WARD)  # never joins
    mai = joined(site, "Vũ Thị Mai", team=TEAM_2, role=Role.LEADER, user="mai")
    joined(site, "Hoàng Văn Nam", team=TEAM_2, user="nam")  # logs this week only
    far = site.roster.joined("Lê Thị Bé", team=TEAM_1, ward=OTHER_WARD, user="be")

    for day, chat, said in (  # last week
        (17, minh, "vneid 2"),
        (17, cuc, "vneid 3"),
        (17, cuc, "sskdt 1"),
        (18, an, "vneid 1"),
        (18, officer, "vneid 1"),
        (19, ha, "smart hp 2"),
        (20, mai, "vneid 4"),
        (20, far, "vneid 50"),
    ):
        clock.set_local(2026, 11, day, 10, 0)
        logged(chat, said)

    clock.set_local(2026, 11, 23, 7, 0)  # this Monday, early
    logged(cuc, "vneid 1")
    logged(ha, "vneid 1")  # still for TDP 1
    clock.set_local(2026, 11, 23, 7, 30)
    cuc.say("/xoadulieucuatoi")
    assert "Đã xoá" in cuc.say("1")
    roster = write_roster(
        tmp_path / "danh-sach.xlsx",
        [TEAM_1, TEAM_2],
        [("Hoàng Thị Hà", "0912345678", TEAM_2, "Thành viên", "")],
    )
    with app.uow() as uow:  # the ward's new roster puts Hà in TDP 2
        done = import_roster(uow.session, roster, ward_name=WARD, now=app.clock(), invite_days=30)
        uow.commit()
    assert done.updated == 1
    return People(officer, an, mai)


def run_tick(app: App, now: datetime, console: io.StringIO) -> TickSummary:
    """The scheduler's tick at `now`, sending to the console."""
    charts = Path(tempfile.mkdtemp(prefix="gotungnha-charts-"))
    return asyncio.run(
        tick(app.uow, ChannelSender(console=console), now=now, zone=ZONE, charts_dir=charts)
    )


# --- reading what each place says ---------------------------------------------------------


def number(pattern: str, said: str) -> int:
    found = re.search(pattern, said)
    assert found, f"{pattern!r} not in {said!r}"
    return int(found.group(1).replace(".", ""))


def outside(said: str) -> tuple[int, int]:
    """(logs of people who left or erased their data, logs of officers) as a text says."""
    left, officers = LEFT.search(said), OFFICERS.search(said)
    return (int(left.group(1)) if left else 0, int(officers.group(1)) if officers else 0)


def logged_in(site: Site, chat: ConsoleChat) -> httpx.Client:
    client = httpx.Client(base_url=site.url)
    path = urlsplit(site.link(chat)).path
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 303
    return client


def page(client: httpx.Client, path: str) -> html.HtmlElement:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return html.fromstring(answer.text)


def squeeze(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


@dataclass(frozen=True)
class Card:
    logs: int
    active: int
    outside: tuple[int, int]


def overview(tree: html.HtmlElement) -> tuple[Card, Card, tuple[int, int]]:
    """Tổng quan: this week's card, this quarter's, and "đã ghi / đã vào bot" this week."""
    cards = []
    for card in tree.cssselect("section.card.figure")[:2]:
        said = squeeze(card)
        cards.append(
            Card(
                number(r"(\d+) lượt hỗ trợ", said),
                number(r"(\d+) thành viên đã ghi", said),
                outside(said),
            )
        )
    members = squeeze(tree.cssselect("section.card.figure")[2])
    found = re.search(r"(\d+)/(\d+) đã ghi tuần này", members)
    assert found, members
    return cards[0], cards[1], (int(found.group(1)), int(found.group(2)))


def teams_page(tree: html.HtmlElement) -> dict[str, list[str]]:
    """Các tổ: team name -> [tuần này, tuần trước, quý này, đã ghi/đã vào bot]."""
    rows = {}
    for tr in tree.cssselect("tbody tr"):
        cells = [squeeze(td) for td in tr.cssselect("td")]
        rows[squeeze(tr.cssselect("td a")[0])] = [cells[2], cells[3], cells[5], cells[6]]
    return rows


def members_page(tree: html.HtmlElement) -> tuple[int, set[str], set[str]]:
    """Thành viên: how many joined, who is quiet, who has not joined yet."""
    said = squeeze(tree)
    quiet = {squeeze(tr.cssselect("td")[0]) for tr in tree.cssselect("table tbody tr")}
    waiting = {squeeze(s) for s in tree.cssselect("ul.invites .who strong, ul.plain li")}
    waiting = {w.split(" Tổ CNSCĐ")[0] for w in waiting}
    return number(r"(\d+) thành viên đã vào bot", said), quiet, waiting


def stats_blocks(answer: str) -> list[str]:
    """/thongke: the week's block, then the month's."""
    return answer.split("\n\n")[1:3]


# --- the test -----------------------------------------------------------------------------


def test_every_page_tally_answer_and_sheet_counts_members_as_the_tables_do(
    site: Site, clock: Clock, tmp_path: Path
):
    people = build_ward(site, clock, tmp_path)
    oracle = Oracle(site.app.db)
    ward_teams = oracle.team_ids(WARD)
    team_1, team_2, office = oracle.team_ids(WARD, TEAM_1, TEAM_2, OFFICE)
    residential = [team_1, team_2]
    ward_id = site.ward_id()

    # the oracle's view of the ward, as a sanity check of the scene itself
    assert oracle.counts([team_1], LAST_WEEK) == Counts(
        roster=4, joined=3, active=2, logs=5, left=3, officers=0
    )
    assert oracle.counts(ward_teams, WEEK) == Counts(
        roster=7, joined=6, active=0, logs=2, left=2, officers=0
    )

    # the weekly tally, as sent at 08:00 to each leader (no team linked a group)
    console = io.StringIO()
    assert run_tick(site.app, datetime(2026, 11, 23, 8, 0, tzinfo=ZONE), console).sent == 2
    sent = {
        part.split("]", 1)[0]: part.split("]", 1)[1] for part in console.getvalue().split("[→ ")[1:]
    }
    for leader, team in (("minh", team_1), ("mai", team_2)):
        want, tally = oracle.counts([team], LAST_WEEK), sent[leader]
        assert number(r"• Số lượt hỗ trợ: (\d+) \(", tally) == want.logs, tally
        assert outside(tally) == (want.left, want.officers), tally
        assert f"• Thành viên đã ghi: {want.active}/{want.joined}" in tally, tally
        idle = re.search(r"mong gặp lại: (.+)\. Cảm ơn", tally)
        assert set(idle.group(1).split(", ") if idle else ()) == oracle.idle(team, LAST_WEEK)

    # later that morning
    clock.set_local(2026, 11, 23, 10, 0)
    logged(people.officer, "vneid 1")
    logged(ConsoleChat(site.app.engine, user_id="minh"), "vneid 2")
    logged(ConsoleChat(site.app.engine, user_id="nam"), "vneid 1")
    logged(ConsoleChat(site.app.engine, user_id="be"), "vneid 50")  # the other ward

    # /thongke: a member of TDP 1, the leader of TDP 2, the officer (the whole ward)
    for chat, teams in ((people.an, [team_1]), (people.mai, [team_2]), (people.officer, None)):
        blocks = stats_blocks(chat.say("/thongke"))
        for said, period in zip(blocks, (WEEK, MONTH), strict=True):
            want = oracle.counts(teams or ward_teams, period)
            assert number(r"• Số lượt hỗ trợ: (\d+)", said) == want.logs, said
            assert outside(said) == (want.left, want.officers), said
            assert f"• Thành viên đã ghi: {want.active}/{want.joined}" in said, said

    # the dashboard, over HTTP
    client = logged_in(site, people.officer)
    for base, teams in ((f"/web/phuong/{ward_id}", ward_teams), (f"/web/to/{team_1}", [team_1])):
        week, quarter, (active, joined_now) = overview(page(client, base))
        for card, period in ((week, WEEK), (quarter, QUARTER)):
            want = oracle.counts(teams, period)
            assert card == Card(want.logs, want.active, (want.left, want.officers)), base
        want = oracle.counts(teams, WEEK)
        assert (active, joined_now) == (want.active, want.joined), base
        joined_count, quiet, waiting = members_page(page(client, base + "/thanh-vien"))
        assert joined_count == want.joined, base
        assert quiet == oracle.quiet(teams, TODAY), base
        assert waiting == oracle.names(teams, joined=False), base

    rows = teams_page(page(client, f"/web/phuong/{ward_id}/cac-to"))
    assert set(rows) == {TEAM_1, TEAM_2, OFFICE}  # the ward's own team apart: it logged
    for name, team in ((TEAM_1, team_1), (TEAM_2, team_2), (OFFICE, office)):
        week_n, last_n = oracle.counts([team], WEEK), oracle.counts([team], LAST_WEEK)
        quarter_n = oracle.counts([team], QUARTER)
        assert rows[name] == [
            str(week_n.logs),
            str(last_n.logs),
            str(quarter_n.logs),
            f"{week_n.active}/{week_n.joined}",
        ], name
    ward_week = oracle.counts(ward_teams, WEEK)
    assert sum(int(r[0]) for r in rows.values()) == ward_week.logs
    assert sum(int(r[3].split("/")[1]) for r in rows.values()) == ward_week.joined

    # the nudge list: the ward's joined members, no officer, no representative
    with site.app.uow() as uow:
        nudged = {m.name for m in quiet_candidates(uow.session, ward_id, zone=ZONE)}
    assert nudged == oracle.names(ward_teams, joined=True)

    # the quarter's workbook, downloaded from the dashboard
    answer = client.get(f"/web/phuong/{ward_id}/tai/quy")
    assert answer.status_code == 200, answer.text
    wb = load_workbook(io.BytesIO(answer.content))
    summary_ws = wb[L.SHEET_SUMMARY]
    start, end = (
        datetime.strptime(d, "%d/%m/%Y").date()
        for d in re.findall(r"\d\d/\d\d/\d{4}", str(summary_ws["A2"].value))
    )
    period = (start, end)
    summary = {r[0]: r[1] for r in summary_ws.iter_rows(min_row=6, values_only=True)}
    assert summary[L.MEMBERS] == oracle.counts(residential, period).roster
    assert summary.get(L.WARD_LEVEL_MEMBERS, 0) == oracle.counts([office], period).roster
    assert summary[L.LOGS] == oracle.counts(ward_teams, period).logs
    by_team = {r[1]: r[2] for r in wb[L.SHEET_TEAMS].iter_rows(min_row=2, values_only=True)}
    for name, team in ((TEAM_1, team_1), (TEAM_2, team_2), (OFFICE, office)):
        assert by_team[name] == oracle.counts([team], period).logs, name
    head, *lines = wb[L.SHEET_MEMBERS].iter_rows(values_only=True)
    name_at, team_at = head.index(L.HEAD_NAME), head.index(L.HEAD_TEAM)
    linked_at, logs_at = head.index(L.HEAD_PLATFORMS), head.index(L.HEAD_ACTIVE_LOGS)
    listed = [r for r in lines if isinstance(r[0], int)]
    others = {r[name_at]: r[logs_at] for r in lines if not isinstance(r[0], int)}
    assert {r[name_at] for r in listed} == oracle.names(ward_teams)
    assert {r[name_at]: r[logs_at] for r in listed} == oracle.own_logs(ward_teams, period)
    for name, team in ((TEAM_1, team_1), (TEAM_2, team_2)):
        on_team = [r for r in listed if r[team_at] == name]
        assert sum(r[linked_at] != L.NO for r in on_team) == oracle.counts([team], period).joined
    want = oracle.counts(ward_teams, period)
    assert (others.get(L.LOGS_LEFT, 0), others.get(L.LOGS_OFFICERS, 0)) == (
        want.left,
        want.officers,
    )
    assert sum(r[logs_at] for r in lines) == want.logs  # the column adds up to the period's
