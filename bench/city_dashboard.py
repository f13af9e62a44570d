"""The city's web page under concurrent officers, over real HTTP, on a city-sized PostgreSQL.

Usage: .venv/bin/python -m bench.city --keep                 # a city of 2 M logs, kept
       .venv/bin/python -m bench.city_dashboard --reuse NAME [--officers 1,10,20,40,80,160]
       [--uncached 1,2,5,10] [--seconds 15] [--pg postgresql://postgres@127.0.0.1:5432/postgres]
       (`python -m bench.city --dashboard` runs it on the city it has just generated)

The web server is the project's own (bot.web.server.create_web_app with the dashboard's
routes, served by uvicorn through bot.runner.serve_web, as `gotungnha web` serves it), in a
process of its own on 127.0.0.1. Each officer is one of the city's officers (role city) with
a session of their own (a login link redeemed), a thread asking for the front page
(`/web/thanh-pho`, this quarter so far) again as soon as the answer is in. Four servers,
one after the other, each at every number of officers (`--officers` for the page as
shipped, `--uncached` for the other two), `--seconds` each:

- `page`: the page as shipped: each process reads the wards' figures at most once a minute
  per period (bot.web.dashboard.city.Boards), every officer in that minute shares them;
- `page_uncached`: the same page reading the figures at every request (`city_seconds=0`);
- `bare`: the baseline, a route on the same server running the same GROUP BYs by hand
  (teams, members, logs of both periods per team, active members; plain SQL; not the
  reports on time, a few ms) and answering a bare HTML table, at every request;
- `static`: the other baseline, the dashboard's CSS file from the same server: what one
  uvicorn process answers at best on this machine.

Meanwhile a member logs every 50 ms (storage.logs.add_log, one transaction each, as the chat
writes one): its p95 alone before each server (the machine may be shared), then beside each
load. One PostgreSQL stops keeping up
where the page's p95 passes 300 ms or the writes' p95 passes twice their p95 alone.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from bench.common import report
from storage.db import make_engine

CITY = "Thành phố Hải Phòng"
TARGET_MS = 300
WRITE_EVERY = 0.05
PROBE_DAY = date(2026, 12, 31)  # the write probe's logs: removed after
BARE_PERIOD = (
    "l.deleted_at IS NULL AND ((l.day BETWEEN :start AND :end) OR (l.day BETWEEN :b0 AND :b1))"
)
BARE = {
    "teams": "SELECT ward_id, count(*) FROM team WHERE residential_group_id IS NOT NULL"
    " GROUP BY ward_id",
    "members": "SELECT t.ward_id, count(*) FROM member m JOIN team t ON t.id = m.team_id"
    " WHERE t.residential_group_id IS NOT NULL AND m.role IN ('member', 'leader')"
    " AND m.erased_at IS NULL GROUP BY t.ward_id",
    "logs": "SELECT t.ward_id, t.residential_group_id, l.day >= :start, count(*)"
    f" FROM support_log l JOIN team t ON t.id = l.team_id WHERE {BARE_PERIOD}"
    " GROUP BY t.id, t.ward_id, t.residential_group_id, l.day >= :start",
    "active": "SELECT t.ward_id, count(*) FROM (SELECT DISTINCT l.team_id, l.member_id"
    " FROM support_log l WHERE l.deleted_at IS NULL AND l.day BETWEEN :start AND :end) a"
    " JOIN team t ON t.id = a.team_id JOIN member m ON m.id = a.member_id"
    " AND m.team_id = a.team_id WHERE t.residential_group_id IS NOT NULL"
    " AND m.role IN ('member', 'leader') AND m.erased_at IS NULL"
    " AND m.consent_at IS NOT NULL GROUP BY t.ward_id",
    "wards": "SELECT id, name FROM ward WHERE kind = 'ward'",
}


# -- the server (run in its own process) -------------------------------------------------


def serve(url: str, port: int, city_seconds: float) -> None:
    """The project's web app with the dashboard and the bare route, until killed."""
    from starlette.requests import Request
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    from bot.app import build_app
    from bot.config import CityConfig, Config, DatabaseConfig, ServerConfig, VoiceConfig
    from bot.runner import serve_web
    from bot.web.dashboard.city import chosen
    from bot.web.dashboard.routes import Dashboard
    from bot.web.server import create_web_app

    server = ServerConfig(host="127.0.0.1", port=port, public_url=f"http://127.0.0.1:{port}")
    config = replace(
        Config(),
        database=DatabaseConfig(url=url),
        server=server,
        city=CityConfig(name=CITY),
        voice=VoiceConfig(enabled=False),
    )
    app = build_app(config)

    def bare(request: Request) -> HTMLResponse:
        today = datetime.now(config.zone).date()
        c = chosen(today, "quy")
        period = {"start": c.start, "end": c.end, "b0": c.before[0], "b1": c.before[1]}
        with app.db.connect() as db:
            found = {name: db.execute(text(sql), period).all() for name, sql in BARE.items()}
        logs: dict[int, list[int]] = {}
        for ward_id, _group, now, n in found["logs"]:
            logs.setdefault(ward_id, [0, 0])[0 if now else 1] += n
        rows = "".join(
            f"<tr><td>{name}</td><td>{logs.get(ward_id, [0, 0])[0]}</td></tr>"
            for ward_id, name in found["wards"]
        )
        return HTMLResponse(f"<table>{rows}</table>")

    dashboard = Dashboard(app, secure=False, city_seconds=city_seconds).routes()
    web = create_web_app(dashboard=[Route("/bench/bare", bare), *dashboard])
    asyncio.run(serve_web(config, web))


# -- the officers, the sessions, the probe -----------------------------------------------


def officers_with_sessions(db: Engine, n: int) -> list[str]:
    """n of the city's officers (added once, joined), each with a fresh session's token."""
    from sqlmodel import col, select

    from handlers.admin import add_city_officer
    from storage import web_sessions
    from storage.models import Member, Role
    from storage.uow import UnitOfWork

    now = datetime.now(UTC)
    with UnitOfWork(db) as uow:
        s = uow.session
        ours = select(Member).where(Member.role == Role.CITY).order_by(col(Member.id))
        have = list(s.exec(ours))
        for i in range(len(have), n):
            member, _code = add_city_officer(
                uow, city=CITY, name=f"Cán bộ thành phố {i + 1}", now=now, invite_days=30
            )
            have.append(member)
        tokens = []
        for member in have[:n]:
            member.consent_at = member.consent_at or now
            s.add(member)
            assert member.id is not None
            link = web_sessions.issue_link(s, member.id, now=now)
            token = web_sessions.redeem_link(s, link, now=now)
            assert token is not None
            tokens.append(token)
        uow.commit()
    return tokens


def summary(took: list[float]) -> dict[str, Any]:
    if not took:
        return {"n": 0}
    p95 = statistics.quantiles(took, n=20, method="inclusive")[18] if len(took) > 1 else took[0]
    return {
        "n": len(took),
        "median_ms": round(statistics.median(took) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(max(took) * 1000, 1),
    }


def probe(db: Engine, stop: threading.Event, took: list[float]) -> None:
    """A member's log every 50 ms, as the chat writes one: each transaction's seconds."""
    from storage.logs import add_log
    from storage.models import SupportLog
    from storage.uow import UnitOfWork

    with db.connect() as c:
        member, team = c.execute(text("SELECT id, team_id FROM member LIMIT 1")).one()
    while not stop.wait(WRITE_EVERY):
        started = time.perf_counter()
        with UnitOfWork(db) as uow:
            log = SupportLog(member_id=member, team_id=team, day=PROBE_DAY, platform="zalo")
            add_log(uow.session, log, {"vneid": 2, "sskdt": 1})
            uow.commit()
        took.append(time.perf_counter() - started)


def load(base: str, path: str, tokens: list[str], seconds: float) -> tuple[list[float], int]:
    """Each officer asks for `path` again as soon as the answer is in, for `seconds`."""
    took: list[float] = []
    errors = [0]
    until = time.perf_counter() + seconds

    def officer(token: str) -> None:
        with httpx.Client(base_url=base, cookies={"gtn_phien": token}, timeout=60) as client:
            while time.perf_counter() < until:
                started = time.perf_counter()
                try:
                    answer = client.get(path)
                except httpx.HTTPError:
                    errors[0] += 1
                    continue
                took.append(time.perf_counter() - started)
                page = path.startswith(("/web/thanh-pho", "/bench"))
                if answer.status_code != 200 or (page and b"<table" not in answer.content):
                    errors[0] += 1

    threads = [threading.Thread(target=officer, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return took, errors[0]


def started_server(url: str, port: int, city_seconds: float) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "bench.city_dashboard", "--serve", url, "--port", str(port)]
    process = subprocess.Popen([*args, "--city-seconds", str(city_seconds)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the web server did not start")


def run(
    url: str, *, officers: list[int], seconds: float, uncached: list[int] | None = None
) -> dict[str, Any]:
    """Every server, every number of officers (`uncached`: of the uncached page and the
    bare route, which saturate the database sooner), the write probe beside each."""
    uncached = uncached or officers
    db = make_engine(url)
    port = 18000 + os.getpid() % 1000
    base = f"http://127.0.0.1:{port}"
    tokens = officers_with_sessions(db, max(officers + uncached))
    out: dict[str, Any] = {"seconds_each": seconds, "target_p95_ms": TARGET_MS}
    try:
        servers = (
            ("page", 60.0, "/web/thanh-pho", officers),
            ("page_uncached", 0.0, "/web/thanh-pho", uncached),
            ("bare", 0.0, "/bench/bare", uncached),
            ("static", 60.0, "/web/static/dashboard.css", officers),
        )
        for name, city_seconds, path, levels_of in servers:
            stop, alone = threading.Event(), list[float]()  # before each server: the
            writer = threading.Thread(target=probe, args=(db, stop, alone))  # machine is shared
            writer.start()
            time.sleep(seconds)
            stop.set()
            writer.join()
            writes_alone = summary(alone) | {"load_average": round(os.getloadavg()[0], 2)}
            server = started_server(url, port, city_seconds)
            try:
                cold_started = time.perf_counter()
                first = httpx.get(base + path, cookies={"gtn_phien": tokens[0]}, timeout=60)
                assert first.status_code == 200, first.text[:300]
                first_ms = round((time.perf_counter() - cold_started) * 1000, 1)
                levels = []
                for n in levels_of:
                    stop, took_w = threading.Event(), list[float]()
                    writer = threading.Thread(target=probe, args=(db, stop, took_w))
                    writer.start()
                    took, errors = load(base, path, tokens[:n], seconds)
                    stop.set()
                    writer.join()
                    page, writes = summary(took), summary(took_w)
                    levels.append(
                        {
                            "officers": n,
                            "page": page,
                            "pages_per_s": round(len(took) / seconds, 1),
                            "errors": errors,
                            "writes": writes,
                            "writes_p95_x_alone": round(
                                writes["p95_ms"] / writes_alone["p95_ms"], 2
                            ),
                            "load_average": round(os.getloadavg()[0], 2),
                        }
                    )
                    print(name, levels[-1], file=sys.stderr, flush=True)
                out[name] = {
                    "writes_alone": writes_alone,
                    "first_ms": first_ms,  # the first request: the figures read cold
                    "levels": levels,
                }
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        with db.begin() as c:  # the probe's logs go again
            c.execute(
                text(
                    "DELETE FROM support_log WHERE day = :day AND note IS NULL"
                    " AND place IS NULL AND message_key IS NULL"
                ),
                {"day": PROBE_DAY},
            )
        db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", metavar="NAME", help="a city kept by bench.city --keep")
    parser.add_argument("--officers", default="1,10,20,40,80,160")
    parser.add_argument("--uncached", default="1,2,5,10", help="officers, uncached and bare")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "GOTUNGNHA_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--city-seconds", type=float, default=60, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.city_seconds)
        return
    if not args.reuse:
        parser.error("--reuse NAME: a city kept by `python -m bench.city --keep`")
    url = make_url(args.pg).set(database=args.reuse).render_as_string(False)
    officers = [int(n) for n in args.officers.split(",")]
    uncached = [int(n) for n in args.uncached.split(",")]
    result = run(url, officers=officers, seconds=args.seconds, uncached=uncached)
    report("city_dashboard", {"database": args.reuse, **result})


if __name__ == "__main__":
    main()
