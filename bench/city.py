"""The city's workbook at city size, on PostgreSQL, against bare GROUP BYs and bare xlsxwriter.

Usage: .venv/bin/python -m bench.city [--logs 2000000] [--wards 114] [--teams 3000]
       [--members 15000] [--sizes 1] [--repeat 7] [--plans FILE] [--cli]
       [--pg postgresql://postgres@127.0.0.1:5432/postgres] [--keep | --reuse NAME] [--quick]

A generated city goes into a fresh PostgreSQL database of its own (plain SQL and COPY, in
the tables' order, then VACUUM (ANALYZE) so that autovacuum does not start in the middle of
the timings): `--wards` wards, each with the directive's two deadlines and one ward-level
team, `--teams` teams of residential groups over them (big wards have more), `--members`
people on the rosters, group chats, units and their models, reports sent (/danop) on time,
late or not at all, and `--logs` support logs over 2026 with 1-3 services each. Activity
is skewed as in real wards: a lognormal weight per ward and per member (a few busy wards,
many quiet ones; a fifth of the joined members never log), weekdays busier than weekends,
a little more towards the end of the year; 1 % undone.

Timed, in turns (the order turned each round, one warm-up each), for 01/10-31/12/2026:
(a) `real`: what `gotungnha export --city --from 01/10/2026 --to 31/12/2026` does, from
opening a read-only unit of work to the closed file (bot.cli.wards.export_city's `work`
without the audit line); (b) `bare`: hand-written GROUP BYs giving the same per-ward
figures (checked equal to the real ones) and bare xlsxwriter (constant_memory, no
formats) writing as many rows and columns. Target: real ≤ 1.2× bare. Each statement of
the real path is also timed, and the slowest of each side is run under EXPLAIN (ANALYZE,
BUFFERS) (`--plans FILE` writes every statement's plan).

`--sizes 0.1,0.5,1` does it all again on a city with that share of the logs (same wards,
teams and members), to show what grows with the logs. `--cli` also runs the real command
line once (`gotungnha export --city`, in-process, with a config naming the database);
`--writes S` times a member's log (one transaction every 50 ms) for S seconds alone, then S
seconds while the workbook is written back to back.
`--dashboard 10,20,40,80` also times the city's web page with that many officers at once
over real HTTP, beside a member's writes (bench/city_dashboard.py; `--dashboard-seconds`).
Databases are dropped at the end unless `--keep`; `--reuse NAME` measures a kept one.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import xlsxwriter
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url

from bench.common import report
from storage.db import make_engine
from storage.migrate import upgrade

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2026
START, END = date(2026, 10, 1), date(2026, 12, 31)
MADE_AT = datetime(2027, 1, 5, 9, 0, tzinfo=ZONE)  # the quarter is over: every report is due
CITY = "Thành phố Hải Phòng"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
ROLES_COUNTED = ("member", "leader")  # storage.membership.TEAM_ROLES


# -- the generated city ------------------------------------------------------------------


def _copy(cursor: Any, table: str, columns: str, rows: Iterator[tuple[Any, ...]]) -> int:
    n = 0
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def generate(
    db: Engine,
    *,
    wards: int,
    teams: int,
    members: int,
    logs: int,
    seed: int,
    log_days: tuple[date, int] = (date(YEAR, 1, 1), 365),
) -> None:
    """Wards to support logs, in the tables' order; sequences set after; VACUUM (ANALYZE).
    The logs fall on `log_days`' days: (the first, how many); the year by default."""
    from handlers.admin import sync_catalogue
    from handlers.catalogue import DEFAULT_SERVICES
    from storage.roster import create_ward
    from storage.uow import UnitOfWork

    rng = np.random.default_rng(seed)
    with UnitOfWork(db) as uow:  # the catalogue as the app syncs it; wards with deadlines
        sync_catalogue(uow.session, DEFAULT_SERVICES)
        for w in range(1, wards + 1):
            create_ward(uow.session, f"Phường {w}", now=NOW)
        uow.commit()
    raw = db.raw_connection()
    try:
        cur = raw.cursor()
        ward_ids = [r[0] for r in cur.execute("SELECT id FROM ward ORDER BY id")]
        services = [r[0] for r in cur.execute("SELECT id FROM service ORDER BY position")]
        deadlines = cur.execute("SELECT id, ward_id, repeat FROM deadline").fetchall()
        # big wards have more residential groups (and teams); each ward also has its own
        size = rng.lognormal(0, 0.6, len(ward_ids))
        per_ward = np.maximum(1, np.round(size / size.sum() * teams)).astype(int)
        team_rows: list[tuple[int, int, int | None, str]] = []
        group_rows: list[tuple[Any, ...]] = []
        for ward_id, n in zip(ward_ids, per_ward, strict=True):
            team_rows.append((len(team_rows) + 1, ward_id, None, "Tổ CNSCĐ phường"))
            for t in range(1, int(n) + 1):
                group_rows.append((len(group_rows) + 1, ward_id, f"TDP {t}"))
                team_rows.append((len(team_rows) + 1, ward_id, len(group_rows), f"TDP {t}"))
        _copy(cur, "residential_group", "id, ward_id, name", iter(group_rows))
        _copy(cur, "team", "id, ward_id, residential_group_id, name", iter(team_rows))
        # members: 2 officers in each ward's team, the rest spread over the residential teams
        resident = [t for t in team_rows if t[2] is not None]
        left = max(len(resident), members - 2 * len(ward_ids))
        per_team = rng.multinomial(left - len(resident), [1 / len(resident)] * len(resident)) + 1
        member_rows: list[tuple[Any, ...]] = []
        member_team: list[int] = []
        weight: list[float] = []
        ward_of_team = {t[0]: t[1] for t in team_rows}
        ward_busy = dict(zip(ward_ids, rng.lognormal(0, 1.0, len(ward_ids)), strict=True))
        for team, n in [(t, 2) for t in team_rows if t[2] is None] + list(
            zip(resident, per_team, strict=True)
        ):
            for m in range(int(n)):
                officer = team[2] is None
                role = "officer" if officer else ("leader" if m == 0 else "member")
                joined = rng.random() < 0.85
                erased = not officer and rng.random() < 0.005
                member_id = len(member_rows) + 1
                member_rows.append(
                    (
                        member_id,
                        team[0],
                        f"Người {member_id}",
                        None if erased else f"09{member_id:08d}",
                        role,
                        m == 1 and not officer and rng.random() < 0.3,
                        True,
                        NOW,
                        NOW if joined else None,
                        NOW if erased else None,
                    )
                )
                member_team.append(team[0])
                busy = 0.0 if not joined or rng.random() < 0.2 else rng.lognormal(0, 1.0)
                weight.append(busy * ward_busy[ward_of_team[team[0]]] * (0.2 if officer else 1))
        _copy(
            cur,
            "member",
            "id, team_id, name, phone, role, deputy, nudges, created_at, consent_at, erased_at",
            iter(member_rows),
        )
        _side_tables(cur, rng, team_rows, member_rows, deadlines)
        _logs(cur, rng, logs, member_team, np.array(weight), services, *log_days)
        for table in ("residential_group", "team", "member", "group_chat", "unit"):
            cur.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        for table in ("model_registration", "deadline_submission", "support_log"):
            cur.execute(
                f"SELECT setval('{table}_id_seq', (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        raw.commit()
    finally:
        raw.close()
    with db.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM (ANALYZE)"))


def _side_tables(
    cur: Any,
    rng: np.random.Generator,
    team_rows: list[tuple[int, int, int | None, str]],
    member_rows: list[tuple[Any, ...]],
    deadlines: list[tuple[int, int, str]],
) -> None:
    """Group chats, units and their models, and the teams' /danop for 2026's periods."""
    chats: list[tuple[Any, ...]] = []
    for team_id, ward_id, group, _name in team_rows:
        if group is None or rng.random() < 0.6:
            platform = "zalo" if rng.random() < 0.6 else "telegram"
            chats.append(
                (len(chats) + 1, platform, f"-100{len(chats) + 1}", "", ward_id, team_id, NOW)
            )
    _copy(cur, "group_chat", "id, platform, chat_id, bot, ward_id, team_id, linked_at", iter(chats))
    units: list[tuple[Any, ...]] = []
    models: list[tuple[Any, ...]] = []
    for ward_id in sorted({t[1] for t in team_rows}):
        for u in range(int(rng.integers(0, 7))):
            units.append((len(units) + 1, ward_id, f"Trường {u + 1}", "school", NOW))
            for _ in range(int(rng.integers(0, 4))):
                gone = NOW if rng.random() < 0.1 else None
                text_ = "Mô hình số"
                models.append(
                    (len(models) + 1, len(units), text_, text_, text_, text_, text_, "0", NOW, gone)
                )
    _copy(cur, "unit", "id, ward_id, name, kind, created_at", iter(units))
    _copy(
        cur,
        "model_registration",
        "id, unit_id, name, content, method, participants, results, budget, created_at, deleted_at",
        iter(models),
    )
    leader = {m[1]: m[0] for m in reversed(member_rows) if m[4] == "leader"}
    periods = {
        "quarterly": [(f"{YEAR}-Q{q}", date(YEAR, 3 * q, 14)) for q in (1, 2, 3, 4)],
        "yearly": [(str(YEAR), date(YEAR, 10, 24))],
    }
    sent: list[tuple[Any, ...]] = []
    for deadline_id, ward_id, repeat in deadlines:
        for team_id, team_ward, group, _name in team_rows:
            if team_ward != ward_id or group is None:
                continue
            for period, last_day in periods.get(repeat, []):
                if rng.random() < 0.25:  # not sent
                    continue
                late = int(rng.integers(-10, 6))  # up to 5 days late
                at = datetime(last_day.year, last_day.month, last_day.day, 10, tzinfo=ZONE)
                at += timedelta(days=late)
                sent.append((len(sent) + 1, deadline_id, team_id, period, at, leader.get(team_id)))
    _copy(
        cur,
        "deadline_submission",
        "id, deadline_id, team_id, period, submitted_at, submitted_by",
        iter(sent),
    )


def _logs(
    cur: Any,
    rng: np.random.Generator,
    n: int,
    member_team: list[int],
    weight: np.ndarray,
    services: list[int],
    first: date = date(YEAR, 1, 1),
    span: int = 365,
) -> None:
    """`n` logs over the year in day order (ids grow with time, as live logs do), COPYed
    in chunks, each chunk's items right after it."""
    days = np.arange(span)
    weekday = np.array([1.0, 1.0, 1.0, 1.0, 0.9, 0.6, 0.35])
    day_weight = weekday[[(first + timedelta(days=int(d))).weekday() for d in days]]
    day_weight = day_weight * (0.8 + 0.4 * days / 365)  # a little busier towards the year's end
    day = np.sort(rng.choice(days, size=n, p=day_weight / day_weight.sum()))
    who = rng.choice(len(member_team), size=n, p=weight / weight.sum())
    team = np.array(member_team)[who]
    moved = rng.random(n) < 0.005  # logged for a team they have since left
    team[moved] = np.array(member_team)[rng.integers(0, len(member_team), int(moved.sum()))]
    people = np.where(rng.random(n) < 0.15, rng.integers(1, 7, n), 0)
    households = np.where(rng.random(n) < 0.6, rng.integers(1, 4, n), 0)
    hour = rng.integers(0, 14, n)  # 7:00-21:00 local is 0:00-14:00 UTC
    kinds = rng.random(n)
    deleted = rng.random(n) < 0.01
    popular = 1 / np.arange(1, len(services) + 1) ** 1.2  # VNeID first, as in the catalogue
    popular = popular / popular.sum()
    places = ("Tổ 3, ngõ 12", "Nhà văn hoá", "UBND phường", "Chợ", "Tại nhà")
    platforms = ("zalo", "telegram")
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    chunk = 200_000
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        items = io.StringIO()
        picks = rng.choice(len(services), size=(hi - lo, 3), p=popular)
        sizes = rng.choice((1, 2, 3), size=hi - lo, p=(0.6, 0.3, 0.1))
        counts = rng.geometric(0.45, size=(hi - lo, 3))
        with cur.copy(
            "COPY support_log (id, member_id, team_id, day, people, households, place, note,"
            " platform, message_key, created_at, deleted_at) FROM STDIN"
        ) as copy:
            for i in range(lo, hi):
                log_id = i + 1
                at = start + timedelta(days=int(day[i]), hours=int(hour[i]))
                k = kinds[i]
                copy.write_row(
                    (
                        log_id,
                        int(who[i]) + 1,
                        int(team[i]),
                        first + timedelta(days=int(day[i])),
                        int(people[i]) or None,
                        int(households[i]) or None,
                        places[log_id % 5] if k < 0.3 else None,
                        "Hỗ trợ bà con cài ứng dụng" if k > 0.9 else None,
                        platforms[log_id % 2],
                        f"{rng.bytes(32).hex()}",
                        at,
                        at + timedelta(minutes=5) if deleted[i] else None,
                    )
                )
                seen = set()
                for s in range(int(sizes[i - lo])):
                    sid = services[int(picks[i - lo, s])]
                    if sid not in seen:
                        seen.add(sid)
                        items.write(f"{log_id}\t{sid}\t{int(counts[i - lo, s])}\n")
        with cur.copy("COPY support_log_item (log_id, service_id, count) FROM STDIN") as copy:
            copy.write(items.getvalue())


# -- what is timed -----------------------------------------------------------------------


def real(db: Engine, path: Path) -> Any:
    """What `gotungnha export --city` does, from its read-only unit of work to the file."""
    from reports.city_workbook import City, write_city_workbook
    from schedules.city import reports_due
    from storage import queries
    from storage.uow import UnitOfWork

    with UnitOfWork(db, read_only=True) as uow:
        session = uow.session
        queries.wards(session)
        due = reports_due(session, start=START, end=END, today=MADE_AT.date(), zone=ZONE)
        return write_city_workbook(session, City(CITY, START, END), path, made_at=MADE_AT, due=due)


PERIOD = "l.deleted_at IS NULL AND l.day BETWEEN :start AND :end"
BARE_SQL = {
    "teams": "SELECT ward_id, count(*) FROM team WHERE residential_group_id IS NOT NULL"
    " GROUP BY ward_id",
    "members": "SELECT t.ward_id, count(*) FROM member m JOIN team t ON t.id = m.team_id"
    " WHERE t.residential_group_id IS NOT NULL AND m.role IN ('member', 'leader')"
    " AND m.erased_at IS NULL GROUP BY t.ward_id",
    "chats": "SELECT ward_id, count(*) FROM group_chat GROUP BY ward_id",
    "models": "SELECT u.ward_id, count(*) FROM model_registration r JOIN unit u"
    " ON u.id = r.unit_id WHERE r.deleted_at IS NULL GROUP BY u.ward_id",
    # services by ward and month: the wards' sums and the months' sums both follow
    "items": "SELECT t.ward_id, i.service_id, extract(month FROM l.day)::int, sum(i.count)"
    " FROM support_log_item i JOIN support_log l ON l.id = i.log_id"
    f" JOIN team t ON t.id = l.team_id WHERE {PERIOD} GROUP BY 1, 2, 3",
    # logs, households, people helped (typed, else the log's largest count)
    "logs": "SELECT t.ward_id, count(*), sum(l.households),"
    " sum(coalesce(l.people, (SELECT max(i.count) FROM support_log_item i"
    " WHERE i.log_id = l.id), 0))"
    f" FROM support_log l JOIN team t ON t.id = l.team_id WHERE {PERIOD} GROUP BY t.ward_id",
    # members who logged for their own residential team: the period's pairs, then who
    "active": "SELECT t.ward_id, count(*) FROM (SELECT DISTINCT l.team_id, l.member_id"
    f" FROM support_log l WHERE {PERIOD}) a JOIN team t ON t.id = a.team_id"
    " JOIN member m ON m.id = a.member_id AND m.team_id = a.team_id"
    " WHERE t.residential_group_id IS NOT NULL AND m.role IN ('member', 'leader')"
    " AND m.erased_at IS NULL AND m.consent_at IS NOT NULL GROUP BY t.ward_id",
    "deadlines": "SELECT id, ward_id, name, repeat, before FROM deadline"
    " WHERE active AND audience <> 'units'",
    "sent": "SELECT s.deadline_id, s.period, s.submitted_at FROM deadline_submission s"
    " JOIN team t ON t.id = s.team_id WHERE t.residential_group_id IS NOT NULL",
}


def _last_days(repeat: str, before: date) -> list[tuple[str, date]]:
    """The periods of a deadline in the quarter whose last day is over (schedules.rules)."""
    if repeat == "once":
        found = [(before.isoformat(), before)]
    elif repeat == "yearly":
        found = [(str(YEAR), date(YEAR, before.month, before.day))]
    else:
        found = [(f"{YEAR}-Q{q}", date(YEAR, 3 * q, before.day)) for q in (1, 2, 3, 4)]
    over = min(END, MADE_AT.date() - timedelta(days=1))
    return [(p, b - timedelta(days=1)) for p, b in found if START <= b - timedelta(days=1) <= over]


def bare_figures(db: Engine) -> dict[str, Any]:
    """The same per-ward figures from the hand-written statements."""
    period = {"start": START, "end": END}
    out: dict[str, Any] = {}
    with db.connect() as c:
        for name, sql in BARE_SQL.items():
            out[name] = c.execute(text(sql), period if ":start" in sql else {}).all()
        out["wards"] = c.execute(text("SELECT id, name FROM ward")).all()
        out["services"] = c.execute(
            text("SELECT id, name FROM service WHERE active ORDER BY position")
        ).all()
    sent: dict[tuple[int, str], list[datetime]] = {}
    for deadline_id, period_key, at in out.pop("sent"):
        sent.setdefault((deadline_id, period_key), []).append(at)
    due = []
    for deadline_id, ward_id, name, repeat, before in out.pop("deadlines"):
        for period_key, last_day in _last_days(repeat, before):
            until = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), ZONE)
            on_time = sum(at < until for at in sent.get((deadline_id, period_key), []))
            due.append((ward_id, name, last_day, on_time))
    out["due"] = due
    return out


def bare(db: Engine, path: Path) -> dict[str, Any]:
    """The bare statements, then bare xlsxwriter writing as many rows and columns."""
    f = bare_figures(db)
    wards = {ward_id: [0] * 8 for ward_id, _ in f["wards"]}
    by_service: dict[tuple[int, int], int] = {}
    by_month: dict[tuple[int, int], int] = {}
    for key, col in (("teams", 0), ("members", 1), ("chats", 3), ("models", 7)):
        for ward_id, n in f[key]:
            wards[ward_id][col] = n
    for ward_id, service_id, month, n in f["items"]:
        by_service[(ward_id, service_id)] = by_service.get((ward_id, service_id), 0) + n
        by_month[(service_id, month)] = by_month.get((service_id, month), 0) + n
    for ward_id, logs, households, people in f["logs"]:
        wards[ward_id][4:7] = [logs, households or 0, people or 0]
    for ward_id, active in f["active"]:
        wards[ward_id][2] = active
    months = list(range(START.month, END.month + 1))
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet("wards")
    ws.write_row(0, 0, ["ward", *range(7 + len(f["services"]) + 4)])
    for r, (ward_id, name) in enumerate(f["wards"], start=1):
        w = wards[ward_id]
        counts = [by_service.get((ward_id, sid), 0) for sid, _ in f["services"]]
        due = [d for d in f["due"] if d[0] == ward_id]
        ws.write_row(r, 0, [r, name, *w[:5], *counts, *w[5:], len(due), sum(d[3] for d in due)])
    ws.write_row(len(wards) + 1, 0, ["", "total", *range(len(f["services"]) + 11)])
    ws = book.add_worksheet("months")
    for r, (sid, name) in enumerate(f["services"], start=1):
        counts = [by_month.get((sid, m), 0) for m in months]
        ws.write_row(r, 0, [name, *counts, sum(counts)])
    ws = book.add_worksheet("missing")
    for r, (ward_id, name, last_day, done) in enumerate(f["due"], start=1):
        if done < wards[ward_id][0]:
            ws.write_row(r, 0, [r, ward_id, name, last_day, done, wards[ward_id][0]])
    book.close()
    return {"wards": wards, "by_service": by_service, "by_month": by_month, "due": f["due"]}


def check_same(db: Engine, got: dict[str, Any]) -> None:
    """The bare figures are the real ones (storage.city), ward by ward."""
    from reports.city_workbook import _owed
    from schedules.city import reports_due
    from storage.city import city_figures, on_time
    from storage.uow import UnitOfWork

    with UnitOfWork(db, read_only=True) as uow:
        figures = city_figures(uow.session, start=START, end=END)
        due = reports_due(uow.session, start=START, end=END, today=MADE_AT.date(), zone=ZONE)
        owed = _owed(due, on_time(uow.session, due), figures.wards)
    for w in figures.wards:
        mine = [w.teams, w.members, w.active, w.group_chats, w.logs, w.households, w.people]
        assert got["wards"][w.ward_id][:7] == mine, (w.ward_id, got["wards"][w.ward_id], mine)
        assert got["wards"][w.ward_id][7] == w.models
        theirs = {s: n for (ward, s), n in got["by_service"].items() if ward == w.ward_id}
        assert theirs == {s: n for s, n in w.services.items() if n}, w.ward_id
        due_bare = [d for d in got["due"] if d[0] == w.ward_id]
        pair = (len(due_bare) * w.teams, sum(d[3] for d in due_bare))
        assert owed.get(w.ward_id, (0, 0)) == pair, (w.ward_id, owed.get(w.ward_id), pair)
    assert {(s, m): n for (s, _y, m), n in figures.per_month.items()} == got["by_month"]


# -- timing ------------------------------------------------------------------------------


def in_turns(works: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Seconds of each run, run in turn (a different one first each round), one warm-up."""
    for work in works.values():
        work()
    names = list(works)
    runs: dict[str, list[float]] = {name: [] for name in names}
    for n in range(repeat):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            started = time.perf_counter()
            works[name]()
            runs[name].append(time.perf_counter() - started)
    return runs


def summary(runs: list[float]) -> dict[str, float]:
    """Median and p95 in ms (p95 of a few runs is near their slowest)."""
    p95 = statistics.quantiles(runs, n=20, method="inclusive")[18] if len(runs) > 1 else runs[0]
    return {"median_ms": round(statistics.median(runs) * 1000, 1), "p95_ms": round(p95 * 1000, 1)}


@contextmanager
def statements(db: Engine) -> Iterator[list[tuple[str, Any, float]]]:
    """The statements sent meanwhile, with their parameters and seconds (rows included:
    psycopg's client-side cursor has every row by the end of execute)."""
    seen: list[tuple[str, Any, float]] = []

    def before(conn: Any, cursor: Any, stmt: str, params: Any, ctx: Any, many: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def after(conn: Any, cursor: Any, stmt: str, params: Any, ctx: Any, many: bool) -> None:
        seen.append((stmt, params, time.perf_counter() - conn.info.pop("bench_started")))

    event.listen(db, "before_cursor_execute", before)
    event.listen(db, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", before)
        event.remove(db, "after_cursor_execute", after)


def _short(stmt: str) -> str:
    return re.sub(r"\s+", " ", stmt)[:160]


def per_statement(db: Engine, work: Callable[[], Any], repeat: int) -> list[dict[str, Any]]:
    """Each statement's median over `repeat` runs, slowest first."""
    times: dict[str, list[float]] = {}
    keep: dict[str, tuple[str, Any]] = {}
    for _ in range(repeat):
        with statements(db) as seen:
            work()
        for n, (stmt, params, took) in enumerate(seen):
            key = f"{n:02d} {_short(stmt)}"
            times.setdefault(key, []).append(took)
            keep[key] = (stmt, params)
    rows: list[dict[str, Any]] = [
        {"statement": key[3:], "median_ms": round(statistics.median(ms) * 1000, 1), "key": key}
        for key, ms in times.items()
    ]
    rows.sort(key=lambda r: -r["median_ms"])
    for row in rows:
        row["sql"], row["params"] = keep.pop(row.pop("key"))
    return rows


SCAN = re.compile(
    r"((?:Parallel )?(?:Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan))"
    r"(?: using (\S+))? on (\S+)"
)


def explain(db: Engine, stmt: str, params: Any, out: Any, label: str) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of one statement: its time, scans and buffers."""
    with db.connect() as c:
        plan = [r[0] for r in c.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + stmt, params)]
    if out is not None:
        out.write(f"\n### {label}\n{' '.join(stmt.split())}\n" + "\n".join(plan) + "\n")
    scans = sorted({" ".join(x for x in m.groups() if x) for m in map(SCAN.search, plan) if m})
    took = next((line for line in plan if line.startswith("Execution Time")), "")
    top = next((line for line in plan if "Buffers:" in line), "").strip()
    return {"execution": took, "scans": scans, "buffers_top": top}


# -- the run -----------------------------------------------------------------------------


def measure(db: Engine, *, repeat: int, plans: Any, label: str) -> dict[str, Any]:
    """Real and bare in turns, each statement of both, the slowest ones explained."""
    with tempfile.TemporaryDirectory() as tmp:
        got = bare(db, Path(tmp) / "bare.xlsx")
        check_same(db, got)
        runs = in_turns(
            {
                "real": lambda: real(db, Path(tmp) / "real.xlsx"),
                "bare": lambda: bare(db, Path(tmp) / "bare.xlsx"),
            },
            repeat,
        )
        mine = per_statement(db, lambda: real(db, Path(tmp) / "real.xlsx"), repeat)
        theirs = per_statement(db, lambda: bare_figures(db), repeat)
        real_sql_ms = sum(r["median_ms"] for r in mine)
        bare_sql_ms = sum(r["median_ms"] for r in theirs)
        if plans is not None:
            plans.write(f"\n## {label}\n")
        slowest = {
            "real": explain(db, mine[0]["sql"], mine[0]["params"], plans, f"real: {label}"),
            "bare": explain(db, theirs[0]["sql"], theirs[0]["params"], plans, f"bare: {label}"),
        }
        if plans is not None:
            for row in mine[1:]:
                explain(db, row["sql"], row["params"], plans, f"real: {label}")
            for row in theirs[1:]:
                explain(db, row["sql"], row["params"], plans, f"bare: {label}")
    real_s, bare_s = summary(runs["real"]), summary(runs["bare"])
    return {
        "real": real_s,
        "bare": bare_s,
        "ratio": round(real_s["median_ms"] / bare_s["median_ms"], 3),
        "ratio_p95": round(real_s["p95_ms"] / bare_s["p95_ms"], 3),
        "real_sql_ms": round(real_sql_ms, 1),
        "bare_sql_ms": round(bare_sql_ms, 1),
        "real_statements": [{k: r[k] for k in ("statement", "median_ms")} for r in mine[:6]],
        "bare_statements": [{k: r[k] for k in ("statement", "median_ms")} for r in theirs[:6]],
        "slowest_explained": slowest,
    }


def writes_beside(db: Engine, seconds: float) -> dict[str, Any]:
    """A member logging every 50 ms (storage.logs.add_log, one transaction each, as the
    engine writes one), first alone and then while the city's workbook is written back to
    back: what the workbook costs the chat's writes on the same server."""
    import threading

    from storage.logs import add_log
    from storage.models import SupportLog
    from storage.uow import UnitOfWork

    with db.connect() as c:
        member, team = c.execute(text("SELECT id, team_id FROM member LIMIT 1")).one()

    def log_for(stop: threading.Event, took: list[float]) -> None:
        while not stop.wait(0.05):
            started = time.perf_counter()
            with UnitOfWork(db) as uow:
                log = SupportLog(member_id=member, team_id=team, day=END, platform="zalo")
                add_log(uow.session, log, {"vneid": 2, "sskdt": 1})
                uow.commit()
            took.append(time.perf_counter() - started)

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for phase in ("alone", "beside_exports"):
            stop, took = threading.Event(), list[float]()
            writer = threading.Thread(target=log_for, args=(stop, took))
            writer.start()
            exports, until = 0, time.perf_counter() + seconds
            while time.perf_counter() < until:
                if phase == "alone":
                    time.sleep(0.2)
                    continue
                real(db, Path(tmp) / "real.xlsx")
                exports += 1
            stop.set()
            writer.join()
            out[phase] = {"writes": len(took), "exports": exports, **summary(took)}
    with db.begin() as c:  # the bench's own logs go again
        c.execute(
            text(
                "DELETE FROM support_log WHERE day = :end AND note IS NULL AND place IS NULL"
                " AND message_key IS NULL"
            ),
            {"end": END},
        )
    return out


def cli_once(url: str) -> float:
    """`gotungnha export --city` through typer, in-process, once: seconds."""
    from typer.testing import CliRunner

    import bot.cli.main  # noqa: F401  (registers every command)
    from bot.cli.base import cli

    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(f'[database]\nurl = "{url}"\n[city]\nname = "{CITY}"\n', encoding="utf-8")
        args = ["export", "--city", "--from", "01/10/2026", "--to", "31/12/2026"]
        args += ["--out", str(Path(tmp) / "city.xlsx"), "--config", str(config)]
        started = time.perf_counter()
        result = CliRunner().invoke(cli, args, prog_name="gotungnha")
        took = time.perf_counter() - started
        assert result.exit_code == 0, result.output
    return round(took, 2)


def counts(db: Engine) -> dict[str, int]:
    with db.connect() as c:
        return {
            table: c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("ward", "team", "member", "support_log", "support_log_item")
        } | {
            "quarter_logs": c.execute(
                text(f"SELECT count(*) FROM support_log l WHERE {PERIOD}"),
                {"start": START, "end": END},
            ).scalar_one(),
            "database_mb": c.execute(
                text("SELECT pg_database_size(current_database()) / 1048576")
            ).scalar_one(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=int, default=2_000_000)
    parser.add_argument("--wards", type=int, default=114)
    parser.add_argument("--teams", type=int, default=3000, help="of residential groups")
    parser.add_argument("--members", type=int, default=15_000)
    parser.add_argument("--sizes", default="1", help="shares of --logs, e.g. 0.1,0.5,1")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each")
    parser.add_argument("--plans", type=Path, help="write every statement's EXPLAIN here")
    parser.add_argument("--cli", action="store_true", help="also run the command line once")
    parser.add_argument(
        "--writes", type=float, default=0, help="seconds of logging alone, then beside exports"
    )
    parser.add_argument("--dashboard", metavar="N,N", help="officers at once on the city page")
    parser.add_argument("--dashboard-seconds", type=float, default=15)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "GOTUNGNHA_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    parser.add_argument("--reuse", metavar="NAME", help="measure this kept database")
    parser.add_argument("--quick", action="store_true", help="100,000 logs, 3 runs")
    args = parser.parse_args()
    if args.quick:
        args.logs, args.repeat = 100_000, 3
    plans = args.plans.open("w", encoding="utf-8") if args.plans else None
    admin = make_engine(args.pg, isolation_level="AUTOCOMMIT")
    sizes = [float(s) for s in args.sizes.split(",")] if not args.reuse else [1.0]
    results = []
    made: list[str] = []
    try:
        for share in sizes:
            logs = int(args.logs * share)
            name = args.reuse or f"gotungnha_bench_city_{os.getpid()}_{logs}"
            url = make_url(args.pg).set(database=name).render_as_string(False)
            load = os.getloadavg()[0]
            generated = None
            if not args.reuse:
                with admin.connect() as c:
                    c.execute(text(f"CREATE DATABASE {name}"))
                made.append(name)
            db = make_engine(url)
            try:
                if not args.reuse:
                    upgrade(db)
                    started = time.perf_counter()
                    generate(
                        db,
                        wards=args.wards,
                        teams=args.teams,
                        members=args.members,
                        logs=logs,
                        seed=7,
                    )
                    generated = round(time.perf_counter() - started, 1)
                size = counts(db)
                result = {
                    "database": name,
                    "sizes": size,
                    "generate_seconds": generated,
                    "load_average_at_start": round(load, 2),
                    **measure(
                        db, repeat=args.repeat, plans=plans, label=f"{size['support_log']:,} logs"
                    ),
                    "load_average_at_end": round(os.getloadavg()[0], 2),
                }
                if args.cli:
                    result["cli_once_seconds"] = cli_once(url)
                if args.writes:
                    result["writes"] = writes_beside(db, args.writes)
                if args.dashboard:
                    from bench import city_dashboard

                    officers = [int(n) for n in args.dashboard.split(",")]
                    result["dashboard"] = city_dashboard.run(  # uncached: a few, it is slow
                        url, officers=officers, seconds=args.dashboard_seconds, uncached=[1, 10]
                    )
                results.append(result)
            finally:
                db.dispose()
    finally:
        if not args.keep:
            with admin.connect() as c:
                for name in made:
                    c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
        if plans is not None:
            plans.close()
    report(
        "city",
        {
            "period": [START.isoformat(), END.isoformat()],
            "runs": results,
            "kept": made if args.keep else [],
            "target_ratio": 1.2,
        },
    )


if __name__ == "__main__":
    main()
