"""Monday's tallies to every team group of the city, through the outbox, by two workers.

Usage: .venv/bin/python -m bench.city_tallies [--wards 114] [--teams 3000] [--members 15000]
       [--logs 77000] [--tick-seconds 1] [--lead 30] [--limits strict|off] [--no-kill]
       [--pg postgresql://postgres@127.0.0.1:5432/postgres] [--keep] [--quick]

bench/city.py's generator makes the city in a fresh PostgreSQL database: `--wards` wards,
`--teams` teams of residential groups and each ward's own team, `--members` people, and
`--logs` support logs over the two weeks before Monday 07/12/2026 (a 2 M-a-year city logs
about 77,000 in two weeks), which the tallies read. Every team then has one group chat
linked on Telegram, and the wards' deadlines are turned off: at 08:00 only the tallies
are due, one per team group (its text, then its chart as a photo when the team logged
that week).

A fake Telegram Bot API server runs in a process of its own (bench/fake_telegram.py's
recording one) and keeps Telegram's limits (`--limits strict`: tests/fakes/telegram_api.py
`flood_limits`): a message beyond 30 in the last second is answered 429 with retry_after 1
and opens a 1 s window in which every message is refused, as is a group's 21st in a minute
(its own window). Two workers, each what `gotungnha run` runs (`bot.runner.serve` on the app
`bot.app.build_app` makes, polling the fake, `[bot] tick_seconds` small), share the
database; their clock reads Monday 08:00 in Asia/Ho_Chi_Minh `--lead` seconds after they
start (the command line has no clock of its own to set), so both are up, one leading the
scheduler, when the tallies fall due.

Measured, per round: what the fake took per chat (each group's text and photo exactly
once: none lost, none twice), the outbox's rows by status, and the round's time from
08:00 to the last answer against the floor Telegram's 30 messages a second allows
(messages / 30 s). Target: ≤ 1.1× the floor. Round 1 runs to the end; round 2 (the same
tallies again, outbox emptied, a new fake) SIGKILLs the leading worker once half the
groups have their tally: the other takes over on its next tick, and with it the dead
one's sends in flight, whose leader's lease went with its connection (storage/locks.py;
before leases, they waited until their claim was stale, 5 minutes), so round 2 is timed to
their last answer. Then the baselines. `--no-kill` runs round 1 and the baselines only.
The database is dropped at the end unless `--keep`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from datetime import date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from bench.common import peak_rss_mb, report
from tests.helpers import most_in_any

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 12, 7)
EIGHT = datetime(2026, 12, 7, 8, 0, tzinfo=ZONE)
WEEKS_READ = 14  # days of logs the tallies read: the week before and the one before it
RATE = 30  # Telegram's messages a second, overall
SENDS = ("sendmessage", "sendphoto")
TOKEN = "424242:BENCH-broadcast"
CLOCK_AT, CLOCK_SINCE = "CITY_TALLIES_CLOCK_AT", "CITY_TALLIES_CLOCK_SINCE"
ROOT = Path(__file__).resolve().parents[1]
KEPT_LOGS = ROOT / "build" / "bench-logs"  # a round's worker logs, when they hold a traceback


# -- the fake Bot API, in a process of its own ------------------------------------------


def serve_fake(conn: Connection, groups: list[int], strict: bool) -> None:
    """The recording fake with Telegram's send limits; answers `count` (groups with a text)
    until `stop`, then sends back every call and what each chat holds."""
    from bench.fake_telegram import RecordingTelegram

    tg = RecordingTelegram(fault_rate=0.0, retry_after=1, seed=0, rtt_ms=0, flood_limits=strict)
    tg.start()
    for group in groups:
        tg.group(group, f"Nhóm tổ {-group}", "supergroup")
    conn.send((tg.base_url, tg.base_file_url))
    while conn.recv() == "count":
        with tg._cond:
            texts = {chat for chat, _ in tg._records}
        conn.send(len(texts))
    tg.stop()
    held: dict[int, list[int]] = {}
    with tg._cond:
        for (chat, _), record in tg._records.items():
            held.setdefault(chat, [0, 0])[record["method"] == "sendPhoto"] += 1
    conn.send(
        {
            "log": tg.log,
            "held": held,
            "limited": tg.flood_refusals,
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
    )


# -- a worker: what `gotungnha run` runs, on the bench's clock --------------------------


def worker() -> None:
    """`gotungnha run` (bot.cli.main.run) with the app's clock set by the environment."""
    from bot.app import build_app, configure_logging
    from bot.config import load_config
    from bot.runner import serve

    config = load_config(None)
    configure_logging(config.log.level.upper(), secrets=(config.telegram.token,))
    at = datetime.fromisoformat(os.environ[CLOCK_AT])
    since = float(os.environ[CLOCK_SINCE])
    app = build_app(config, clock=lambda: at + timedelta(seconds=time.time() - since))
    asyncio.run(serve(app))


class Worker:
    """One worker process, its log in a file."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name, self.port = name, int(env["GOTUNGNHA_SERVER_PORT"])
        folder.mkdir()
        self.err = folder / "stderr.txt"
        with self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.city_tallies", "--worker"],
                cwd=folder,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )

    def log(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def ticks(self) -> dict[str, float]:
        """Its scheduler ticks that ended, by result (led, followed, failed)."""
        try:
            answer = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5)
        except httpx.TransportError:
            return {}
        found: dict[str, float] = {}
        for line in answer.text.splitlines():
            if line.startswith("gotungnha_scheduler_ticks_total{"):
                result = line.split('result="', 1)[1].split('"', 1)[0]
                found[result] = float(line.rsplit(" ", 1)[1])
            elif line.startswith(
                ("gotungnha_scheduler_tick_seconds_sum", "gotungnha_scheduler_tick_seconds_count")
            ):
                found[line.split(" ", 1)[0].rsplit("_", 1)[1]] = float(line.rsplit(" ", 1)[1])
        return found

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def next_tick(leader: Worker, timeout: float) -> float | None:
    """Seconds of the first tick the leader begins from now (None: none ended in time)."""
    end = time.monotonic() + timeout
    ticks = leader.ticks()
    begun, ended = ticks.get("count", 0) + 1, 0.0
    while time.monotonic() < end:
        now = leader.ticks()
        if now.get("count", 0) == begun and not ended:
            ended = now.get("sum", 0.0)  # the tick under way when asked has ended
        elif now.get("count", 0) > begun:
            return round(now.get("sum", 0.0) - (ended or ticks.get("sum", 0.0)), 2)
        time.sleep(0.2)
    return None


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Any, timeout: float, what: str, workers: list[Worker]) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            logs = "\n".join(f"--- {w.name}\n{w.log()[-3000:]}" for w in workers)
            raise SystemExit(f"timed out after {timeout} s waiting for {what}\n{logs}")
        time.sleep(0.1)


def lock_holders(db: Engine) -> int:
    from storage.locks import SCHEDULER_LOCK

    query = text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND objid = :key"
    )
    with db.connect() as c:
        return int(c.execute(query, {"key": SCHEDULER_LOCK}).scalar_one())


# -- the city ----------------------------------------------------------------------------


def make_city(db: Engine, args: argparse.Namespace) -> dict[str, Any]:
    """bench/city.py's city with logs in the two weeks the tallies read; every team one
    Telegram group; the deadlines off. Returns its sizes."""
    from bench.city import NOW, generate

    first = MONDAY - timedelta(days=WEEKS_READ)
    started = time.perf_counter()
    generate(
        db,
        wards=args.wards,
        teams=args.teams,
        members=args.members,
        logs=args.logs,
        seed=7,
        log_days=(first, WEEKS_READ),
    )
    with db.begin() as c:
        c.execute(text("UPDATE deadline SET active = false"))
        c.execute(text("UPDATE group_chat SET platform = 'telegram', bot = ''"))
        c.execute(
            text(
                "INSERT INTO group_chat (platform, chat_id, bot, ward_id, team_id, linked_at)"
                " SELECT 'telegram', '-100' || ((SELECT max(id) FROM group_chat)"
                " + row_number() OVER (ORDER BY t.id)), '', t.ward_id, t.id, :now"
                " FROM team t WHERE NOT EXISTS"
                " (SELECT 1 FROM group_chat g WHERE g.team_id = t.id)"
            ),
            {"now": NOW},
        )
        sizes = {
            name: c.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("ward", "team", "member", "group_chat", "support_log")
        }
    with db.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM (ANALYZE)"))
    return sizes | {"generate_seconds": round(time.perf_counter() - started, 1)}


def chats_of(db: Engine) -> dict[int, bool]:
    """Every team group's chat id, and whether its team logged last week (a chart is due)."""
    week = MONDAY - timedelta(days=7)
    query = text(
        "SELECT g.chat_id, EXISTS (SELECT 1 FROM support_log l WHERE l.team_id = g.team_id"
        " AND l.deleted_at IS NULL AND l.day BETWEEN :start AND :end)"
        " FROM group_chat g WHERE g.team_id IS NOT NULL"
    )
    with db.connect() as c:
        rows = c.execute(query, {"start": week, "end": MONDAY - timedelta(days=1)})
        return {int(chat): bool(logged) for chat, logged in rows}


def tally_texts(db: Engine) -> dict[int, str]:
    """The text each group's tally went with (round 1's outbox)."""
    with db.connect() as c:
        return {
            int(chat): t for chat, t in c.execute(text("SELECT chat_id, text FROM outbox_message"))
        }


def outbox(db: Engine) -> dict[int, tuple[str, int]]:
    """(status, attempts) of each chat's tally row."""
    with db.connect() as c:
        rows = c.execute(text("SELECT chat_id, status, attempts FROM outbox_message"))
        return {int(chat): (status, attempts) for chat, status, attempts in rows}


# -- the baseline: the same messages from a bare sender ----------------------------------

BARS = {"VNeID": 14, "Sổ sức khỏe điện tử": 6, "Dịch vụ công": 4, "Smart HP": 2, "Khác": 1}


def bare_sends(
    conn: Connection, base_url: str, base_file_url: str, sends: list[tuple[int, str, bool]]
) -> None:
    """Each group's text, then a chart where one is due, 8 groups at once, through the
    bot the scheduler sends with (`sending_bot`: Telegram's limits, 429 pauses kept), from
    memory: no database, no tally to work out. `render` draws each chart as the scheduler
    does (reports.charts.bar_chart); otherwise one chart drawn beforehand goes every time.
    A send that fails on the network (a kept-alive connection the fake had just closed) is
    counted and not tried again, as the scheduler marks it uncertain."""
    from telegram.error import NetworkError

    from bot.channels.telegram import sending_bot
    from bot.config import TelegramConfig
    from reports.charts import bar_chart

    render = conn.recv()
    config = TelegramConfig(token=TOKEN, base_url=base_url, base_file_url=base_file_url)
    with tempfile.TemporaryDirectory() as tmp:
        drawn = bar_chart("Tổ CNSCĐ TDP 1, tuần 30/11–06/12", BARS, Path(tmp) / "chart.png")

        failed: list[str] = []

        async def run() -> None:
            bot = sending_bot(config)
            queue = deque(sends)

            async def sender() -> None:
                while queue:
                    chat, text_, chart = queue.popleft()
                    try:
                        await bot.send_message(chat, text_)
                        if not chart:
                            continue
                        path = drawn
                        if render:
                            title = f"Tổ {chat}, tuần 30/11–06/12"
                            path = await asyncio.to_thread(
                                bar_chart, title, BARS, Path(tmp) / f"{-chat}.png"
                            )
                        with path.open("rb") as file:
                            await bot.send_photo(chat, file, filename=path.name)
                    except NetworkError as exc:
                        failed.append(f"{chat}: {exc.message}")

            async with bot:
                await asyncio.gather(*(sender() for _ in range(8)))

        started = time.monotonic()
        asyncio.run(run())
    conn.send((started, failed))


def bare_round(
    chats: dict[int, bool], texts: dict[int, str], args: argparse.Namespace, *, render: bool
) -> dict[str, Any]:
    """The same messages, to the same groups, from `bare_sends` against a fresh fake."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    fake = context.Process(
        target=serve_fake, args=(theirs, sorted(chats), args.limits == "strict"), daemon=True
    )
    fake.start()
    base_url, base_file_url = ours.recv()
    mine, its = context.Pipe()
    sends = [(chat, texts.get(chat, "📊"), chats[chat]) for chat in sorted(chats, reverse=True)]
    sender = context.Process(
        target=bare_sends, args=(its, base_url, base_file_url, sends), daemon=True
    )
    sender.start()
    its.close()  # the sender's end: a sender that dies ends the pipe, not the bench
    mine.send(render)
    try:
        started, failed = mine.recv()
    except EOFError:
        started, failed = float("nan"), [f"the bare sender died (exit {sender.exitcode})"]
    sender.join(timeout=60)
    ours.send("stop")
    seen = ours.recv()
    fake.join(timeout=30)
    found = {"render_each_chart": render} | figures(seen, chats, {}, started)
    return found | {"sender_network_errors": failed}


# -- one round ---------------------------------------------------------------------------


def one_round(
    db: Engine, url: str, chats: dict[int, bool], args: argparse.Namespace, *, kill: bool
) -> dict[str, Any]:
    """The tallies of Monday 08:00 by two workers; with `kill`, the leader SIGKILLed at half."""
    with db.begin() as c:
        c.execute(text("DELETE FROM outbox_message"))
        c.execute(text("DELETE FROM bot_usage"))
    groups = sorted(chats)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    fake = context.Process(
        target=serve_fake, args=(theirs, groups, args.limits == "strict"), daemon=True
    )
    fake.start()
    base_url, base_file_url = ours.recv()
    since = time.time()
    eight_mono = time.monotonic() + args.lead  # when the workers' clock reads 08:00
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOTUNGNHA_")} | {
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PYTHONIOENCODING": "utf-8",
        "GOTUNGNHA_DATABASE_URL": url,
        "GOTUNGNHA_BOT_TIMEZONE": ZONE.key,
        "GOTUNGNHA_LOG_LEVEL": "INFO",
        "GOTUNGNHA_TELEGRAM_TOKEN": TOKEN,
        "GOTUNGNHA_TELEGRAM_BASE_URL": base_url,
        "GOTUNGNHA_TELEGRAM_BASE_FILE_URL": base_file_url,
        "GOTUNGNHA_TELEGRAM_MODE": "polling",
        "GOTUNGNHA_BOT_TICK_SECONDS": str(args.tick_seconds),
        "GOTUNGNHA_SERVER_METRICS": "true",
        CLOCK_AT: (EIGHT - timedelta(seconds=args.lead)).isoformat(),
        CLOCK_SINCE: repr(since),
    }
    workers: list[Worker] = []
    out: dict[str, Any] = {"kill": kill}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            # the first to start leads; the second follows (both up before 08:00)
            for name, first_tick in (("first", "led"), ("second", "followed")):
                worker_env = env | {"GOTUNGNHA_SERVER_PORT": str(free_port())}
                workers.append(Worker(name, Path(tmp) / name, worker_env))
                wait_until(
                    lambda w=workers[-1], t=first_tick: w.ticks().get(t),
                    max(args.lead, 60),
                    f"the {name} worker's first tick",
                    workers,
                )
            first = workers[0]
            out["workers_ready_before_eight_s"] = round(eight_mono - time.monotonic(), 1)
            assert lock_holders(db) == 1
            count = 0
            half = len(groups) // 2
            killed_at, claimed_at_kill = None, set[int]()
            # ten times the floor, and the stale claims' wait after a kill
            limit = args.lead + 10 * (len(groups) + sum(chats.values())) / RATE + 420 * kill
            while True:
                ours.send("count")
                count = ours.recv()
                if kill and killed_at is None and count >= half:
                    os.kill(first.process.pid, signal.SIGKILL)
                    first.process.wait(timeout=10)
                    killed_at = time.monotonic()
                    ours.send("count")
                    out["at_kill"] = {
                        "groups_with_text": ours.recv(),
                        "seconds_after_eight": round(killed_at - eight_mono, 1),
                        "outbox": dict(Counter(s for s, _ in outbox(db).values())),
                    }
                    claimed_at_kill = {c for c, (s, _) in outbox(db).items() if s == "claimed"}
                rows = outbox(db)
                settled = len(rows) == len(groups) and all(s != "claimed" for s, _ in rows.values())
                if settled and count == len(groups):
                    break
                if time.monotonic() > eight_mono + limit:
                    out["timed_out"] = True
                    break
                time.sleep(0.2)
            out["settled_after_eight_s"] = round(time.monotonic() - eight_mono, 1)
            # the leader's next whole tick: what one costs while the tallies stay due
            alive = [w for w in workers if w.alive()]
            if not kill and alive:
                out["tick_after_the_round_s"] = next_tick(alive[0], args.after)
            out["worker_ticks"] = {w.name: w.ticks() for w in alive}
            out["tick_lines"] = {
                w.name: [ln for ln in w.log().splitlines() if "schedule tick" in ln]
                for w in workers
            }
        finally:
            for w in workers:
                w.stop()
            logs = {w.name: w.log() for w in workers}
            with contextlib.suppress(Exception):
                ours.send("stop")
            seen = ours.recv()
            fake.join(timeout=30)
        rows = outbox(db)
    out |= figures(seen, chats, rows, eight_mono)
    if kill and killed_at is not None:
        out["in_flight_at_kill"] = in_flight(seen, chats, rows, claimed_at_kill, killed_at)
    out["traceback_in_logs"] = any("Traceback" in log for log in logs.values())
    if out["traceback_in_logs"]:  # the round's folder goes with it: keep the logs to read
        kept = KEPT_LOGS / f"{'kill' if kill else 'round'}-{int(time.time())}"
        kept.mkdir(parents=True, exist_ok=True)
        for name, log in logs.items():
            (kept / f"{name}.log").write_text(log, encoding="utf-8")
        out["logs_kept_in"] = str(kept)
    out["warnings_in_logs"] = {
        name: Counter(
            re.sub(r"\d+", "N", line.split(" WARNING ", 1)[1])[:90]
            for line in log.splitlines()
            if " WARNING " in line
        )
        for name, log in logs.items()
    }
    return out


def figures(
    seen: dict[str, Any], chats: dict[int, bool], rows: dict[int, tuple[str, int]], eight: float
) -> dict[str, Any]:
    """What the fake took against what each group should hold, and the round's time."""
    sends = [call for call in seen["log"] if call[1].lower() in SENDS]
    taken = sorted(call for call in sends if call[3] == 200)
    held = {int(chat): counts for chat, counts in seen["held"].items()}
    texts = Counter(held.get(chat, [0, 0])[0] for chat in chats)
    photos_due = Counter(held.get(chat, [0, 0])[1] for chat, due in chats.items() if due)
    photos_not_due = Counter(held.get(chat, [0, 0])[1] for chat, due in chats.items() if not due)
    messages = len(taken)
    floor = messages / RATE
    first_arrived = taken[0][0] if taken else eight
    last_answered = max((call[4] for call in taken), default=eight)
    arrivals = [call[0] for call in taken]
    busiest = most_in_any(arrivals, 1)
    return {
        "groups": len(chats),
        "charts_due": sum(chats.values()),
        "messages_taken": messages,
        "texts_per_group": dict(sorted(texts.items())),
        "photos_per_group_that_logged": dict(sorted(photos_due.items())),
        "photos_per_group_that_did_not": dict(sorted(photos_not_due.items())),
        "groups_without_tally": texts.get(0, 0),
        "groups_with_two_or_more": sum(n for copies, n in texts.items() if copies > 1),
        "outbox": dict(Counter(status for status, _ in rows.values())),
        "outbox_rows_tried_twice": sum(attempts > 1 for _, attempts in rows.values()),
        "answered_429": sum(call[3] == 429 for call in sends),
        "limits_opened_429_windows": seen["limited"],
        "most_sends_in_any_second": busiest,
        "floor_s": round(floor, 1),
        "eight_to_first_send_s": round(first_arrived - eight, 1),
        "sending_s": round(last_answered - first_arrived, 1),
        "round_s": round(last_answered - eight, 1),
        "ratio_round_to_floor": round((last_answered - eight) / floor, 3) if floor else None,
        "ratio_sending_to_floor": round((last_answered - first_arrived) / floor, 3)
        if floor
        else None,
        "fake_peak_rss_mb": seen["peak_rss_mb"],
    }


def in_flight(
    seen: dict[str, Any],
    chats: dict[int, bool],
    rows: dict[int, tuple[str, int]],
    claimed: set[int],
    killed_at: float,
) -> dict[str, Any]:
    """The dead worker's claims: what of each the fake had taken before the kill, and how
    many copies its group holds in the end."""
    before: dict[int, list[int]] = {chat: [0, 0] for chat in claimed}
    for arrived, method, chat, status, _answered in seen["log"]:
        if chat in before and status == 200 and arrived < killed_at:
            before[chat][method.lower() == "sendphoto"] += 1
    held = {int(chat): counts for chat, counts in seen["held"].items()}
    after = sorted(
        (arrived, answered)
        for arrived, method, _chat, status, answered in seen["log"]
        if method.lower() in SENDS and status == 200 and arrived >= killed_at
    )
    stale = killed_at + 240  # before this, only the survivor's own claims went out
    return {
        "first_send_after_kill_s": round(after[0][0] - killed_at, 1) if after else None,
        "rest_sent_after_kill_s": round(
            max((answered for arrived, answered in after if arrived < stale), default=killed_at)
            - killed_at,
            1,
        ),
        "stale_claims_sent_after_kill_s": round(
            max((answered for arrived, answered in after if arrived >= stale), default=killed_at)
            - killed_at,
            1,
        ),
        "claimed": len(claimed),
        "text_taken_before_kill": sum(t > 0 for t, _ in before.values()),
        "photo_taken_before_kill": sum(p > 0 for _, p in before.values()),
        "nothing_taken_before_kill": sum(t == 0 and p == 0 for t, p in before.values()),
        "final_status": dict(Counter(rows[chat][0] for chat in claimed if chat in rows)),
        "final_attempts": dict(Counter(rows[chat][1] for chat in claimed if chat in rows)),
        "texts_held_in_the_end": dict(Counter(held.get(chat, [0, 0])[0] for chat in claimed)),
        "photos_held_in_the_end_chart_due": dict(
            Counter(held.get(chat, [0, 0])[1] for chat in claimed if chats[chat])
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--wards", type=int, default=114)
    parser.add_argument("--teams", type=int, default=3000, help="of residential groups")
    parser.add_argument("--members", type=int, default=15_000)
    parser.add_argument("--logs", type=int, default=77_000, help="over the two weeks read")
    parser.add_argument("--tick-seconds", type=int, default=1)
    parser.add_argument("--lead", type=float, default=30, help="seconds from start to 08:00")
    parser.add_argument("--limits", choices=("strict", "off"), default="strict")
    parser.add_argument("--no-kill", action="store_true", help="round 1 only")
    parser.add_argument(
        "--after", type=float, default=300, help="seconds to wait for a tick after round 1"
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "GOTUNGNHA_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    parser.add_argument("--quick", action="store_true", help="10 wards, 300 teams")
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if args.quick:
        args.wards, args.teams, args.members, args.logs = 10, 300, 1500, 7700
    from storage.db import make_engine
    from storage.migrate import upgrade

    name = f"gotungnha_bench_city_tallies_{os.getpid()}"
    url = make_url(args.pg).set(database=name).render_as_string(False)
    admin = make_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE DATABASE {name}"))
    db = make_engine(url)
    rounds: list[dict[str, Any]] = []
    baselines: list[dict[str, Any]] = []
    try:
        upgrade(db)
        city = make_city(db, args)
        chats = chats_of(db)
        load = os.getloadavg()[0]
        rounds.append(one_round(db, url, chats, args, kill=False))
        sys.stderr.write(json.dumps(rounds[-1]) + "\n")
        texts = tally_texts(db)
        if not args.no_kill:
            rounds.append(one_round(db, url, chats, args, kill=True))
            sys.stderr.write(json.dumps(rounds[-1]) + "\n")
        for render in (False, True):
            baselines.append(bare_round(chats, texts, args, render=render))
            sys.stderr.write(json.dumps(baselines[-1]) + "\n")
    finally:
        db.dispose()
        if not args.keep:
            with admin.connect() as c:
                c.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    report(
        "city_tallies",
        {
            "city": city,
            "monday": EIGHT.isoformat(),
            "limits": args.limits,
            "tick_seconds": args.tick_seconds,
            "rounds": rounds,
            "baselines": baselines,
            "target_ratio": 1.1,
            "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
            "kept": name if args.keep else None,
        },
    )


if __name__ == "__main__":
    main()
