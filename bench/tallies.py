"""Tallies at province scale: 100 wards, 3,000 teams, two years of logs.

Usage: .venv/bin/python -m bench.tallies [--rows 10000000] [--sqlite-rows 1000000]
       [--pg postgresql://root@127.0.0.1:5432/test]

PostgreSQL (a fresh database `gotungnha_bench`, loaded with COPY): the weekly tally of one
ward (this week and the week before, as the Monday tally reads them), one ward's quarterly
`Tổng hợp` (the workbook's roster figures and sums), and every ward's quarter totals by
team and service, against a bare `GROUP BY team, service` over the same rows in the same
run. Targets: ≤ 100 ms, ≤ 300 ms, ≤ 1.2× the bare query. Each figure is the median of 5.
SQLite: the same for one ward with `--sqlite-rows` logs over ten years.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from bench.common import report
from storage import exports, logs
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWork

BARE = """
    SELECT l.team_id, i.service_id, sum(i.count)
    FROM support_log_item i JOIN support_log l ON l.id = i.log_id
    WHERE l.day BETWEEN :start AND :end
    GROUP BY l.team_id, i.service_id
"""


def median_ms(work: Callable[[], Any], times: int = 5) -> float:
    """The median time of a few runs, in milliseconds (the first run warms the cache)."""
    work()
    runs = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        runs.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(runs), 1)


def load(db: Engine, *, wards: int, teams_per_ward: int, rows: int, days: int, end: date) -> None:
    """Wards, teams, members and `rows` logs over `days` up to `end`, in bulk."""
    rng = random.Random(7)
    now = datetime(2026, 11, 30, tzinfo=UTC).isoformat()
    with db.begin() as c:
        services = [r[0] for r in c.execute(text("SELECT id FROM service"))]
        if not services:
            for n, code in enumerate(("vneid", "muc2", "sskdt", "smarthp", "bc114", "dvc")):
                c.execute(
                    text(
                        "INSERT INTO service (code, name, aliases, active, position)"
                        " VALUES (:c, :c, '[]', true, :p)"
                    ),
                    {"c": code, "p": n},
                )
            services = [r[0] for r in c.execute(text("SELECT id FROM service"))]
        members: list[tuple[int, int]] = []
        for w in range(1, wards + 1):
            ward_id = c.execute(
                text("INSERT INTO ward (name, created_at) VALUES (:n, :t) RETURNING id"),
                {"n": f"Phường {w}", "t": now},
            ).scalar_one()
            for t in range(1, teams_per_ward + 1):
                group_id = c.execute(
                    text(
                        "INSERT INTO residential_group (ward_id, name) VALUES (:w, :n) RETURNING id"
                    ),
                    {"w": ward_id, "n": f"TDP {t}"},
                ).scalar_one()
                team_id = c.execute(
                    text(
                        "INSERT INTO team (ward_id, residential_group_id, name)"
                        " VALUES (:w, :g, :n) RETURNING id"
                    ),
                    {"w": ward_id, "g": group_id, "n": f"Tổ CNSCĐ TDP {t}"},
                ).scalar_one()
                for m in range(5):
                    member_id = c.execute(
                        text(
                            "INSERT INTO member (team_id, name, role, nudges, deputy, created_at)"
                            " VALUES (:t, :n, 'member', true, false, :c) RETURNING id"
                        ),
                        {"t": team_id, "n": f"Người {m}", "c": now},
                    ).scalar_one()
                    members.append((member_id, team_id))
    first = end - timedelta(days=days - 1)
    logs_rows = (
        (n, *rng.choice(members), first + timedelta(days=rng.randrange(days)), rng.randrange(1, 6))
        for n in range(1, rows + 1)
    )
    if db.dialect.name == "postgresql":
        _copy(db, logs_rows, services, rng, now)
    else:
        _insert(db, logs_rows, services, rng, now)
    with db.begin() as c:
        c.execute(text("ANALYZE"))


def _items(log_id: int, services: list[int], rng: random.Random) -> list[tuple[int, int, int]]:
    return [(log_id, s, rng.randrange(1, 6)) for s in rng.sample(services, rng.choice((1, 1, 2)))]


def _copy(db: Engine, rows: Any, services: list[int], rng: random.Random, now: str) -> None:
    """COPY in chunks: the logs of a chunk, then their items (they refer to the logs)."""
    raw = db.raw_connection()
    try:
        cursor = raw.cursor()
        done = False
        while not done:
            items = io.StringIO()
            with cursor.copy(  # type: ignore[attr-defined]
                "COPY support_log (id, member_id, team_id, day, people, created_at) FROM STDIN"
            ) as logs_copy:
                for n, (log_id, member, team, day, people) in enumerate(rows, start=1):
                    logs_copy.write_row((log_id, member, team, day, people, now))
                    for item in _items(log_id, services, rng):
                        items.write("{}\t{}\t{}\n".format(*item))
                    if n == 500_000:
                        break
                else:
                    done = True
            with cursor.copy(  # type: ignore[attr-defined]
                "COPY support_log_item (log_id, service_id, count) FROM STDIN"
            ) as items_copy:
                items_copy.write(items.getvalue())
        cursor.execute("SELECT setval('support_log_id_seq', (SELECT max(id) FROM support_log))")
        raw.commit()
    finally:
        raw.close()


def _insert(db: Engine, rows: Any, services: list[int], rng: random.Random, now: str) -> None:
    raw = db.raw_connection()
    try:
        cursor = raw.cursor()
        batch: list[tuple[Any, ...]] = []
        items: list[tuple[int, int, int]] = []
        for log_id, member, team, day, people in rows:
            batch.append((log_id, member, team, day.isoformat(), people, now))
            items += _items(log_id, services, rng)
            if len(batch) == 50_000:
                _flush(cursor, batch, items)
        _flush(cursor, batch, items)
        raw.commit()
    finally:
        raw.close()


def _flush(cursor: Any, batch: list[Any], items: list[Any]) -> None:
    cursor.executemany(
        "INSERT INTO support_log (id, member_id, team_id, day, people, created_at)"
        " VALUES (?,?,?,?,?,?)",
        batch,
    )
    cursor.executemany(
        "INSERT INTO support_log_item (log_id, service_id, count) VALUES (?,?,?)", items
    )
    batch.clear()
    items.clear()


def measure(db: Engine, *, today: date) -> dict[str, Any]:
    """The three figures and the plans behind them."""
    monday = today - timedelta(days=today.weekday())
    quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    with UnitOfWork(db) as uow:
        s = uow.session
        ward_teams = [r[0] for r in s.execute(text("SELECT id FROM team WHERE ward_id = 1"))]
        every_team = [r[0] for r in s.execute(text("SELECT id FROM team"))]

        def weekly() -> None:
            logs.totals(
                s,
                start=monday - timedelta(days=7),
                end=monday - timedelta(days=1),
                team_ids=ward_teams,
            )
            logs.totals(
                s,
                start=monday - timedelta(days=14),
                end=monday - timedelta(days=8),
                team_ids=ward_teams,
            )

        def quarterly() -> None:
            period = {"team_ids": ward_teams, "start": quarter, "end": today}
            exports.roster_figures(s, ward_id=1, team_ids=ward_teams)
            exports.sums_per_team(s, **period)
            exports.logs_per_team(s, **period)
            exports.people_per_team(s, **period)

        def all_wards() -> None:
            exports.sums_per_team(s, team_ids=every_team, start=quarter, end=today)

        def bare() -> None:
            s.execute(text(BARE), {"start": quarter, "end": today}).all()

        result = {
            "weekly_tally_one_ward_ms": median_ms(weekly),
            "quarter_summary_one_ward_ms": median_ms(quarterly),
            "all_wards_quarter_ms": median_ms(all_wards),
            "bare_group_by_ms": median_ms(bare),
        }
        explain = "EXPLAIN " if db.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        result["plan_bare"] = [
            str(r[-1]) for r in s.execute(text(explain + BARE), {"start": quarter, "end": today})
        ]
    result["all_wards_ratio_to_bare"] = round(
        result["all_wards_quarter_ms"] / max(result["bare_group_by_ms"], 0.1), 3
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--sqlite-rows", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1:5432/test")
    args = parser.parse_args()
    today = date(2026, 11, 30)
    admin = make_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("DROP DATABASE IF EXISTS gotungnha_bench"))
        c.execute(text("CREATE DATABASE gotungnha_bench"))
    admin.dispose()
    pg_url = make_url(args.pg).set(database="gotungnha_bench").render_as_string(False)
    pg = make_engine(pg_url)
    upgrade(pg)
    started = time.perf_counter()
    load(pg, wards=100, teams_per_ward=30, rows=args.rows, days=730, end=today)
    pg_load = round(time.perf_counter() - started, 1)
    pg_result = measure(pg, today=today)
    pg.dispose()
    with tempfile.TemporaryDirectory() as tmp:
        lite = make_engine(f"sqlite:///{Path(tmp) / 'decade.db'}")
        upgrade(lite)
        load(lite, wards=1, teams_per_ward=30, rows=args.sqlite_rows, days=3650, end=today)
        lite_result = measure(lite, today=today)
        lite.dispose()
    report(
        "tallies",
        {
            "postgresql": {"rows": args.rows, "load_seconds": pg_load, **pg_result},
            "sqlite": {"rows": args.sqlite_rows, **lite_result},
            "targets": {"weekly_ms": 100, "quarter_summary_ms": 300, "ratio_to_bare": 1.2},
        },
    )


if __name__ == "__main__":
    main()
