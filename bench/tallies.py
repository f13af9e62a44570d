"""Tallies at province scale: 100 wards, 3,000 teams, two years of logs.

Usage: .venv/bin/python -m bench.tallies [--rows 10000000] [--sqlite-rows 1000000]
       [--pg postgresql://root@127.0.0.1:5432/test] [--repeat 7] [--plans FILE]
       [--proposed-index] [--keep | --reuse]

PostgreSQL (a fresh database `gotungnha_bench`, loaded with COPY, then VACUUM ANALYZE so
that autovacuum does not start on the new rows in the middle of the timings): the weekly
tally of one ward (this week and the week before, as the Monday tally reads them), one
ward's quarterly `Tổng hợp` (the workbook's roster figures and sums), and every ward's
quarter totals by team and service, against a bare `GROUP BY team, service` over the same
rows, the two run in turn so that the load of a shared machine falls on both alike.
Targets: ≤ 100 ms, ≤ 300 ms, ≤ 1.2× the bare query. Each figure is the median of
`--repeat` runs after one warm-up run.

These figures are taken on an engine that never prepares statements, so each run is
planned for its own parameters. The app's engine (psycopg's defaults) prepares a statement
on its 6th run on a connection, and PostgreSQL may then settle on a generic plan:
`steady_state` takes each figure again on a new connection of the app's engine after 10
runs, with the generic and custom plans PostgreSQL counted.

Why each figure is what it is: every ward's totals are also timed in other query shapes
(`= ANY(array)` of the team ids, and a join to `team` on the ward ids, beside the code's
`IN` list of 3,000 ids), each over the quarter and over an empty quarter (what the shape
costs whatever the rows); `--plans FILE` writes EXPLAIN (ANALYZE, BUFFERS) of every
statement behind each figure (SQLite: EXPLAIN QUERY PLAN and each statement's own time).
`--proposed-index` then replaces `ix_support_log_team_day` (team_id, day) by (team_id,
day, deleted_at) and takes every figure again.

SQLite: the same for one ward with `--sqlite-rows` logs over ten years (its "every ward"
is that ward's 30 teams). The PostgreSQL database is dropped at the end unless `--keep`;
`--reuse` measures a kept one without loading it again.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, Integer, any_, bindparam, event, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col

from bench.common import report
from storage import exports, logs
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import SupportLog, SupportLogItem, Team
from storage.uow import UnitOfWork

BENCH_DB = "gotungnha_bench"
BARE = """
    SELECT l.team_id, i.service_id, sum(i.count)
    FROM support_log_item i JOIN support_log l ON l.id = i.log_id
    WHERE l.day BETWEEN :start AND :end
    GROUP BY l.team_id, i.service_id
"""
# the index the figures are taken again with (`--proposed-index`), and the one it replaces
PROPOSED_INDEX = "CREATE INDEX ix_support_log_team_day ON support_log (team_id, day, deleted_at)"
MIGRATED_INDEX = "CREATE INDEX ix_support_log_team_day ON support_log (team_id, day)"


def median_ms(work: Callable[[], Any], times: int = 7) -> float:
    """The median time of a few runs, in milliseconds (the first run warms the cache)."""
    work()
    runs = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        runs.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(runs), 1)


def interleaved_ms(works: dict[str, Callable[[], Any]], times: int = 7) -> dict[str, float]:
    """The median time of each, run in turn (a different one first each round)."""
    for work in works.values():
        work()
    names = list(works)
    runs: dict[str, list[float]] = {name: [] for name in names}
    for n in range(times):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            start = time.perf_counter()
            works[name]()
            runs[name].append((time.perf_counter() - start) * 1000)
    return {name: round(statistics.median(ms), 1) for name, ms in runs.items()}


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
    # days in random order: a log's row sits anywhere in the table (the worst case for
    # reading one ward's week; live logs arrive roughly in day order)
    logs_rows = (
        (n, *rng.choice(members), first + timedelta(days=rng.randrange(days)), rng.randrange(1, 6))
        for n in range(1, rows + 1)
    )
    if db.dialect.name == "postgresql":
        _copy(db, logs_rows, services, rng, now)
    else:
        _insert(db, logs_rows, services, rng, now)
    settle(db)


def settle(db: Engine) -> None:
    """Statistics for the planner; on PostgreSQL also the vacuum autovacuum would start."""
    if db.dialect.name == "postgresql":
        with db.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM (ANALYZE)"))
    else:
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


def _sums(
    s: Session, teams: ColumnElement[bool], start: date, end: date, *, join_team: bool = False
) -> dict[tuple[int, int], int]:
    """`exports.sums_per_team` with another way of naming the teams."""
    stmt = sa_select(
        col(SupportLog.team_id), col(SupportLogItem.service_id), func.sum(SupportLogItem.count)
    ).join_from(SupportLogItem, SupportLog, col(SupportLog.id) == col(SupportLogItem.log_id))
    if join_team:
        stmt = stmt.join(Team, col(Team.id) == col(SupportLog.team_id))
    stmt = stmt.where(
        teams,
        col(SupportLog.deleted_at).is_(None),
        col(SupportLog.day) >= start,
        col(SupportLog.day) <= end,
    ).group_by(col(SupportLog.team_id), col(SupportLogItem.service_id))
    return {(team, service): int(n or 0) for team, service, n in s.execute(stmt)}


def shapes(
    s: Session, every_team: list[int], every_ward: list[int]
) -> dict[str, Callable[[date, date], dict[tuple[int, int], int]]]:
    """Every ward's totals by team and service, as the code asks and in other shapes."""
    out: dict[str, Callable[[date, date], dict[tuple[int, int], int]]] = {
        "in_list": lambda start, end: exports.sums_per_team(
            s, team_ids=every_team, start=start, end=end
        ),
    }
    if s.get_bind().dialect.name == "postgresql":
        ids = bindparam("team_ids", every_team, type_=ARRAY(Integer))
        out["any_array"] = lambda start, end: _sums(
            s, col(SupportLog.team_id) == any_(ids), start, end
        )
    out["join_team"] = lambda start, end: _sums(
        s, col(Team.ward_id).in_(every_ward), start, end, join_team=True
    )
    return out


def statements(db: Engine, work: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The statements a call sends to the database, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def grab(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        seen.append((statement, parameters))

    event.listen(db, "before_cursor_execute", grab)
    try:
        work()
    finally:
        event.remove(db, "before_cursor_execute", grab)
    return seen


def _short(line: str) -> str:
    """A plan line or statement with its long lists of ids cut."""
    line = re.sub(
        r"'\{(\d+,){20,}\d+\}'",
        lambda m: f"'{{…{m.group(0).count(',') + 1} ids…}}'",
        line,
    )
    return re.sub(
        r"IN \(((%\(\w+\)s::INTEGER|\?), ){20,}(%\(\w+\)s::INTEGER|\?)\)",
        lambda m: f"IN (…{m.group(0).count(',') + 1} parameters…)",
        line,
    )


def write_plans(s: Session, out: TextIO, figure: str, work: Callable[[], Any]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of what one figure runs; on SQLite the plan and its time."""
    db = s.get_bind()
    assert isinstance(db, Engine)
    for statement, parameters in statements(db, work):
        out.write(f"\n### {figure}: {_short(' '.join(statement.split()))}\n")
        c = s.connection()
        if db.dialect.name == "postgresql":
            plan = c.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            out.writelines(_short(str(row[0])) + "\n" for row in plan)
        else:
            plan = c.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            out.writelines(f"{row[-1]}\n" for row in plan)
            ms = median_ms(
                lambda c=c, st=statement, p=parameters: c.exec_driver_sql(st, p).all(), 5
            )
            out.write(f"Execution Time: {ms} ms\n")
    out.flush()


class Scenario:
    """What each figure runs, on one session."""

    def __init__(self, s: Session, today: date) -> None:
        self.s, self.today = s, today
        self.monday = today - timedelta(days=today.weekday())
        self.quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        self.ward_teams = [r[0] for r in s.execute(text("SELECT id FROM team WHERE ward_id = 1"))]
        every_team = [r[0] for r in s.execute(text("SELECT id FROM team"))]
        every_ward = [r[0] for r in s.execute(text("SELECT id FROM ward"))]
        self.shapes = shapes(s, every_team, every_ward)

    def weekly(self) -> None:
        for weeks_back in (1, 2):
            start = self.monday - timedelta(days=7 * weeks_back)
            logs.totals(
                self.s, start=start, end=start + timedelta(days=6), team_ids=self.ward_teams
            )

    def quarterly(self) -> None:
        period = {"team_ids": self.ward_teams, "start": self.quarter, "end": self.today}
        exports.roster_figures(self.s, ward_id=1, team_ids=self.ward_teams)
        exports.period_figures(self.s, **period)

    def all_wards(self) -> None:
        self.shapes["in_list"](self.quarter, self.today)

    def bare(self, start: date, end: date) -> None:
        self.s.execute(text(BARE), {"start": start, "end": end}).all()


def measure(db: Engine, *, today: date, repeat: int, plans: TextIO | None = None) -> dict[str, Any]:
    """The three figures, the baseline, the other shapes, and the plans behind them."""
    empty = (date(2000, 1, 1), date(2000, 3, 31))  # a quarter without any logs
    with UnitOfWork(db) as uow:
        s = uow.session
        sc = Scenario(s, today)
        quarter = sc.quarter
        expected = sc.shapes["in_list"](quarter, today)
        for name, shape in sc.shapes.items():
            assert shape(quarter, today) == expected, name
        result: dict[str, Any] = {
            "weekly_tally_one_ward_ms": median_ms(sc.weekly, repeat),
            "quarter_summary_one_ward_ms": median_ms(sc.quarterly, repeat),
        }
        timed = interleaved_ms(
            {
                "bare": lambda: sc.bare(quarter, today),
                **{name: (lambda f=shape: f(quarter, today)) for name, shape in sc.shapes.items()},
            },
            repeat,
        )
        fixed = interleaved_ms(
            {
                "bare": lambda: sc.bare(*empty),
                **{name: (lambda f=shape: f(*empty)) for name, shape in sc.shapes.items()},
            },
            repeat,
        )
        result["all_wards_quarter_ms"] = timed["in_list"]
        result["bare_group_by_ms"] = timed["bare"]
        result["all_wards_ratio_to_bare"] = round(timed["in_list"] / max(timed["bare"], 0.1), 3)
        result["shapes"] = {
            name: {
                "quarter_ms": timed[name],
                "ratio_to_bare": round(timed[name] / max(timed["bare"], 0.1), 3),
                "empty_quarter_ms": fixed[name],
            }
            for name in sc.shapes
        }
        result["bare_empty_quarter_ms"] = fixed["bare"]
        if plans is not None:
            write_plans(s, plans, "weekly", sc.weekly)
            write_plans(s, plans, "quarterly", sc.quarterly)
            write_plans(s, plans, "bare", lambda: sc.bare(quarter, today))
            for name, shape in sc.shapes.items():
                write_plans(s, plans, f"all wards, {name}", lambda f=shape: f(quarter, today))
    return result


def steady_state(url: str, *, today: date, bare_ms: float) -> dict[str, Any]:
    """Each figure on one connection of the app's own engine, after 10 runs of it.

    psycopg prepares a statement on its 6th run; after 5 runs of the prepared statement
    PostgreSQL may keep a generic plan (made without the parameters' values) for good.
    """
    out: dict[str, Any] = {}
    for figure in ("weekly", "quarterly", "all_wards"):
        db = make_engine(url)  # a new connection: nothing prepared yet
        try:
            with UnitOfWork(db) as uow:
                work = getattr(Scenario(uow.session, today), figure)
                for _ in range(10):
                    work()
                ms = median_ms(work, 3)
                generic, custom = uow.session.execute(
                    text(
                        "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)"
                        " FROM pg_prepared_statements WHERE statement LIKE '%support_log%'"
                    )
                ).one()
            out[figure] = {"ms": ms, "generic_plans": int(generic), "custom_plans": int(custom)}
        finally:
            db.dispose()
    out["all_wards"]["ratio_to_bare"] = round(out["all_wards"]["ms"] / max(bare_ms, 0.1), 3)
    return out


def replace_index(db: Engine, create: str) -> float:
    """Swap ix_support_log_team_day for another definition; the seconds the build took."""
    started = time.perf_counter()
    with db.begin() as c:
        c.execute(text("DROP INDEX ix_support_log_team_day"))
        c.execute(text(create))
    took = round(time.perf_counter() - started, 1)
    settle(db)
    return took


def run(
    db: Engine,
    *,
    label: str,
    today: date,
    repeat: int,
    plans: TextIO | None,
    proposed_index: bool,
    steady_url: str | None = None,
) -> dict[str, Any]:
    """Every figure as migrated, then (when asked) with the proposed index."""
    if plans is not None:
        plans.write(f"\n## {label}, as migrated\n")
    result = measure(db, today=today, repeat=repeat, plans=plans)
    if steady_url is not None:
        result["steady_state"] = steady_state(
            steady_url, today=today, bare_ms=result["bare_group_by_ms"]
        )
    if proposed_index:
        build = replace_index(db, PROPOSED_INDEX)
        if plans is not None:
            plans.write(f"\n## {label}, with the proposed index\n")
        result["with_proposed_index"] = {
            "index_build_seconds": build,
            **measure(db, today=today, repeat=repeat, plans=plans),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--sqlite-rows", type=int, default=1_000_000, help="0: no SQLite run")
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure")
    parser.add_argument("--plans", type=Path, help="write the EXPLAIN plans to this file")
    parser.add_argument(
        "--proposed-index",
        action="store_true",
        help="then again with ix_support_log_team_day on (team_id, day, deleted_at)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database")
    args = parser.parse_args()
    today = date(2026, 11, 30)
    plans = args.plans.open("w", encoding="utf-8") if args.plans else None
    admin = make_engine(args.pg, isolation_level="AUTOCOMMIT")
    pg_url = make_url(args.pg).set(database=BENCH_DB).render_as_string(False)
    try:
        if not args.reuse:
            with admin.connect() as c:
                c.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
                c.execute(text(f"CREATE DATABASE {BENCH_DB}"))
        # every run planned for its own parameters (the app's engine: `steady_state`)
        pg = make_engine(pg_url, connect_args={"prepare_threshold": None})
        pg_load = None
        if not args.reuse:
            upgrade(pg)
            started = time.perf_counter()
            load(pg, wards=100, teams_per_ward=30, rows=args.rows, days=730, end=today)
            pg_load = round(time.perf_counter() - started, 1)
        with pg.connect() as c:
            rows = c.execute(text("SELECT count(*) FROM support_log")).scalar_one()
        pg_result = run(
            pg,
            label=f"PostgreSQL, {rows:,} logs",
            today=today,
            repeat=args.repeat,
            plans=plans,
            proposed_index=args.proposed_index,
            steady_url=pg_url,
        )
        if args.proposed_index and args.keep:
            replace_index(pg, MIGRATED_INDEX)
        pg.dispose()
        lite_result: dict[str, Any] = {}
        if args.sqlite_rows:
            with tempfile.TemporaryDirectory() as tmp:
                lite = make_engine(f"sqlite:///{Path(tmp) / 'decade.db'}")
                upgrade(lite)
                started = time.perf_counter()
                load(lite, wards=1, teams_per_ward=30, rows=args.sqlite_rows, days=3650, end=today)
                lite_load = round(time.perf_counter() - started, 1)
                lite_result = {
                    "rows": args.sqlite_rows,
                    "load_seconds": lite_load,
                    **run(
                        lite,
                        label=f"SQLite, {args.sqlite_rows:,} logs",
                        today=today,
                        repeat=args.repeat,
                        plans=plans,
                        proposed_index=args.proposed_index,
                    ),
                }
                lite.dispose()
    finally:
        if not args.keep:
            with admin.connect() as c:
                c.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
        admin.dispose()
        if plans is not None:
            plans.close()
    report(
        "tallies",
        {
            "postgresql": {"rows": rows, "load_seconds": pg_load, **pg_result},
            "sqlite": lite_result,
            "targets": {"weekly_ms": 100, "quarter_summary_ms": 300, "ratio_to_bare": 1.2},
            "plans": str(args.plans) if args.plans else None,
        },
    )


if __name__ == "__main__":
    main()
