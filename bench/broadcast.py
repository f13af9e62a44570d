"""Broadcast: 10,000 deadline reminders through the outbox to the fake Telegram server.

Usage: .venv/bin/python -m bench.broadcast [--sends 10000] [--groups N] [--quick]
       [--fault-rate 0.01] [--retry-after 1] [--rtt-ms 0] [--bot run|cli]
       [--pg postgresql://root@127.0.0.1:5432/test] [--profile 30]

One ward on PostgreSQL (database gotungnha_bench_broadcast, made afresh) whose teams have
joined leaders (private Telegram chats) and one linked Telegram group each, and a one-off
deadline whose 7-day reminder is due now: one `schedules.jobs.tick` plans `--sends`
reminders (a tenth to groups by default), one per chat, and sends them up to
`schedules.jobs.SENDERS` chats at once. The tick runs as in production: the real
ChannelSender on the bot of the real TelegramChannel, whose Application has
`AIORateLimiter(max_retries=3)` with PTB's defaults (30 messages/s overall, 20 messages a
minute per group). The fake Bot API server (tests/fakes/telegram_api.py) runs in its own
process, so its work and memory are not ours; it answers `--fault-rate` of sendMessage
calls 429 with retry_after, holds each answer back `--rtt-ms` (the network to Telegram;
0: loopback), and records when each call arrived and was answered
(bench/fake_telegram.py). This process records, through httpx event hooks on the bot's
client, when each sendMessage left the bot and when its answer came back.

Targets: achieved rate (delivered / the tick's seconds) ≥ 95 % of the allowed rate, 0
duplicates, 0 lost (every planned chat got its message exactly once and every outbox row
is `sent`), 429 answers honoured: after the bot received a 429 it started no call (any
chat) until retry_after had passed (`rate_limit_429.bot_side`; calls already in flight
when the 429 came back are counted apart, no client can recall them). The limits' own
rate for the mix is 30/s unless a group gets more than 20 messages (`rate_ratio`); the
target is judged with the pauses the 429s ordered allowed for
(`rate_ratio_with_429_pauses_allowed`: N/30 s + retry_after per 429).
`--bot cli` runs the same tick on the bot `gotungnha schedule tick` builds
(`bot.channels.telegram.sending_bot`, an ExtBot with the same rate limiter); `--bot bare`
on a Bot with no rate limiter, to see how fast the tick's own work (outbox, sender) goes.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import cProfile
import io
import multiprocessing
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from bench.common import peak_rss_mb, report

Span = tuple[float, float, int, int]  # entered, left, chat, worker (the tick's sending task)
HttpCall = tuple[float, float, int, int]  # left the bot, answer back, chat, HTTP status

DATABASE = "gotungnha_bench_broadcast"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=ZONE)  # a Thursday: no weekly tally in the window
LAST_DAY = date(2026, 12, 10)  # a one-off deadline: no workbook; 7 days ahead: due today
OVERALL_PER_S, GROUP_PER_MIN = 30, 20  # AIORateLimiter's defaults (Telegram's limits)
FIRST_USER, FIRST_GROUP = 5_000_000_000, -1_001_000_000_000


@dataclass
class TimedSender:
    """The real sender, with when each send went in and came out (time.monotonic), and
    which of the tick's concurrent senders (its asyncio task) made it."""

    inner: Any
    spans: list[Span] = field(default_factory=list)

    async def send(
        self,
        platform: str,
        chat_id: str,
        text: str,
        picture: Path | None = None,
        document: Path | None = None,
        bot: str = "",
        **more: Any,
    ) -> Any:
        entered = time.monotonic()
        result = await self.inner.send(platform, chat_id, text, picture, document, bot, **more)
        worker = id(asyncio.current_task())
        self.spans.append((entered, time.monotonic(), int(chat_id), worker))
        return result


@dataclass
class HttpLog:
    """The bot's own view of its sendMessage calls, from httpx event hooks on its client:
    when each call left (after the rate limiter let it go) and when its answer came back."""

    calls: list[HttpCall] = field(default_factory=list)
    _started: dict[int, float] = field(default_factory=dict)

    def attach(self, bot: Any) -> None:
        # PTB's HTTPXRequest keeps its httpx.AsyncClient in `_client` (no public handle);
        # the hooks only read the time, they change nothing in the request
        client = bot.request._client
        client.event_hooks = {"request": [self._on_request], "response": [self._on_response]}

    async def _on_request(self, request: Any) -> None:
        self._started[id(request)] = time.monotonic()

    async def _on_response(self, response: Any) -> None:
        request = response.request
        started = self._started.pop(id(request), None)
        if started is None or not request.url.path.endswith("/sendMessage"):
            return
        chat = parse_qs(request.content.decode()).get("chat_id", ["0"])[0]
        self.calls.append((started, time.monotonic(), int(chat), response.status_code))


def make_database(server: str) -> str:
    """A fresh, migrated database on the server; its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.db import make_engine
    from storage.migrate import upgrade

    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        c.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    url = make_url(server).set(database=DATABASE).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def drop_database(server: str) -> None:
    from sqlalchemy import text

    from storage.db import make_engine

    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
    admin.dispose()


def build_ward(url: str, *, leaders: int, groups: int) -> tuple[list[int], list[int]]:
    """A ward of max(groups, 1) teams, `leaders` joined leaders spread over them, one linked
    group per team (for `groups` teams); the Telegram ids of the leaders and of the groups."""
    from sqlmodel import Session

    from storage.db import make_engine
    from storage.models import ChatIdentity, Deadline, GroupChat, Member, Role, Team, Ward

    joined = NOW - timedelta(days=30)  # long enough ago that no nudge is due
    engine = make_engine(url)
    with Session(engine) as s:
        ward = Ward(name="Phường Bench", created_at=joined)
        s.add(ward)
        s.flush()
        assert ward.id is not None
        teams = [
            Team(ward_id=ward.id, name=f"Tổ CNSCĐ {n:05d}") for n in range(1, max(groups, 1) + 1)
        ]
        s.add_all(teams)
        s.flush()
        members = [
            Member(
                team_id=teams[n % len(teams)].id,
                name=f"Tổ trưởng {n + 1:05d}",
                role=Role.LEADER,
                created_at=joined,
                consent_at=joined,
            )
            for n in range(leaders)
        ]
        s.add_all(members)
        s.flush()
        users = [FIRST_USER + n for n in range(leaders)]
        s.add_all(
            ChatIdentity(member_id=m.id, platform="telegram", user_id=str(user), linked_at=joined)
            for m, user in zip(members, users, strict=True)
        )
        group_ids = [FIRST_GROUP - n for n in range(groups)]
        s.add_all(
            GroupChat(
                platform="telegram",
                chat_id=str(group),
                ward_id=ward.id,
                team_id=team.id,
                title=team.name,
                linked_at=joined,
            )
            for team, group in zip(teams, group_ids, strict=False)
        )
        s.add(
            Deadline(
                ward_id=ward.id,
                name="Đăng ký mô hình",
                repeat="once",
                before=LAST_DAY + timedelta(days=1),
                lead_days=[7],
                created_at=joined,
            )
        )
        s.commit()
    engine.dispose()
    return users, group_ids


async def run_tick(
    url: str, base_url: str, base_file_url: str, folder: Path, *, bot: str
) -> dict[str, Any]:
    """One tick with the bot `gotungnha run` uses (bot="run": TelegramChannel's), the one
    `gotungnha schedule tick` uses (bot="cli": `sending_bot`, as bot/cli/main.py builds it), or
    a bare Bot without a rate limiter (bot="bare": what the tick's own work allows)."""
    from telegram import Bot

    from bench.fake_telegram import TOKEN
    from bot.app import build_app
    from bot.channels.sender import ChannelSender
    from bot.channels.telegram import TelegramChannel, sending_bot
    from bot.config import Config, DatabaseConfig, TelegramConfig
    from schedules.jobs import tick

    telegram = replace(
        TelegramConfig(), token=TOKEN, base_url=base_url, base_file_url=base_file_url
    )
    config = replace(Config(), database=DatabaseConfig(url=url), telegram=telegram)
    app = build_app(config, clock=lambda: NOW)
    http = HttpLog()
    async with contextlib.AsyncExitStack() as stack:
        if bot == "run":
            channel = await stack.enter_async_context(TelegramChannel(app.engine, telegram))
            telegram_bot: Any = channel.app.bot
        elif bot == "cli":
            telegram_bot = await stack.enter_async_context(sending_bot(telegram))
        else:  # the tick's own ceiling: no limiter (429s fail the send, for a later tick)
            telegram_bot = Bot(TOKEN, base_url=base_url, base_file_url=base_file_url)
            await stack.enter_async_context(telegram_bot)
        http.attach(telegram_bot)
        sender = TimedSender(ChannelSender(telegram=telegram_bot, zone=ZONE))
        started = time.monotonic()
        summary = await tick(
            app.uow, sender, now=NOW, zone=ZONE, charts_dir=folder, exports_dir=folder
        )
        ended = time.monotonic()
    outbox = outbox_rows(app)
    app.db.dispose()
    return {
        "summary": summary,
        "started": started,
        "ended": ended,
        "spans": sender.spans,
        "http": http.calls,
        "outbox": outbox,
    }


def outbox_rows(app: Any) -> dict[str, Any]:
    from sqlalchemy import func
    from sqlmodel import select

    from storage.models import OutboxMessage

    with app.uow() as uow:
        s = uow.session
        statuses = dict(
            s.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        )
        attempts = dict(
            s.exec(
                select(OutboxMessage.attempts, func.count()).group_by(OutboxMessage.attempts)
            ).all()
        )
        chats = Counter(int(c) for c in s.exec(select(OutboxMessage.chat_id)))
    return {"statuses": statuses, "attempts": attempts, "chats": chats}


def most_in_window(times: list[float], seconds: float) -> int:
    """The most arrivals in any window of `seconds` (times sorted)."""
    best, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] >= seconds:
            first += 1
        best = max(best, last - first + 1)
    return best


def allowed_seconds(per_chat: Counter[int]) -> float:
    """The least time the limits allow for this mix: 30 a second overall, and for a group
    with n messages 20 at once then one every 3 s."""
    overall = sum(per_chat.values()) / OVERALL_PER_S
    per_group = max(
        (max(0, n - GROUP_PER_MIN) * 60 / GROUP_PER_MIN for c, n in per_chat.items() if c < 0),
        default=0.0,
    )
    return max(overall, per_group)


def server_side(calls: list[Any], retry_after: int) -> dict[str, Any]:
    """At the server, after each 429: calls that arrived while it was being answered (in
    flight), and calls that arrived after it was answered but before retry_after passed."""
    sends = [c for c in calls if c[1].lower() == "sendmessage"]
    times = [c[0] for c in sends]
    in_flight = early_any = early_same = 0
    for arrived, _method, chat, _status, answered in (c for c in sends if c[3] == 429):
        after = bisect.bisect_right(times, answered)
        until = bisect.bisect_left(times, answered + retry_after)
        in_flight += after - bisect.bisect_right(times, arrived)
        early_any += until - after
        early_same += sum(1 for c in sends[after:until] if c[2] == chat)
    return {
        "answers_429": sum(1 for c in sends if c[3] == 429),
        "arrived_while_429_was_answered": in_flight,
        "arrived_after_429_answer_before_retry_after": early_any,
        "of_those_same_chat": early_same,
    }


def bot_side(http: list[HttpCall], retry_after: int) -> dict[str, Any]:
    """At the bot, after each 429 came back at r: calls it had already started (in flight,
    beyond recall) and calls it started in (r, r + retry_after), which break the pause."""
    calls = sorted(http)
    starts = [c[0] for c in calls]
    in_flight = early = broken = broken_in_flight = 0
    gaps = []
    for started, back, _chat, status in calls:
        if status != 429:
            continue
        after = bisect.bisect_right(starts, back)
        until = bisect.bisect_left(starts, back + retry_after)
        # calls out when it came back: started before, answered after (not recallable)
        recent = calls[bisect.bisect_left(starts, back - 30) : after]  # 30 s: over any timeout
        flying = sum(1 for c in recent if c[1] > back and c[0] != started)
        in_flight += flying
        early += until - after
        broken += until > after
        broken_in_flight += until > after and flying > 0
        if after < len(starts):
            gaps.append(starts[after] - back)
    return {
        "answers_429": sum(1 for c in calls if c[3] == 429),
        "in_flight_when_429_came_back": in_flight,
        "started_before_retry_after": early,
        "pauses_broken": broken,
        "of_those_with_calls_in_flight": broken_in_flight,
        "least_gap_after_429_s": round(min(gaps), 3) if gaps else None,
        "median_gap_after_429_s": round(statistics.median(gaps), 3) if gaps else None,
        "honoured": early == 0,
    }


def most_in_flight(http: list[HttpCall]) -> int:
    """The most sendMessage calls the bot had out at once."""
    edges = sorted([(s, 1) for s, _b, _c, _st in http] + [(b, -1) for _s, b, _c, _st in http])
    most = now = 0
    for _t, step in edges:
        now += step
        most = max(most, now)
    return most


def time_split(run: dict[str, Any]) -> dict[str, Any]:
    """Where the tick's time goes, in sender-seconds (the tick's senders work side by side):
    in the sender (waiting for the limiter, 429 pauses and retries, the call, the answer
    handled), and between one send and the next of a sender (the outbox's DB work: mark
    the send, claim and write the next); and the same per send, without the limiter's
    waits (`loop_without_limiter`: one sender's cycle)."""
    spans: list[Span] = run["spans"]
    http: list[HttpCall] = sorted(run["http"])
    first: dict[int, float] = {}
    last: dict[int, tuple[float, float]] = {}
    for started, back, chat, _status in http:
        first.setdefault(chat, started)
        last[chat] = (started, back)
    workers: dict[int, list[Span]] = {}
    for span in spans:
        workers.setdefault(span[3], []).append(span)
    gaps, heads, tails = [], [], []
    for own in workers.values():
        own.sort()
        heads.append(own[0][0] - run["started"])
        tails.append(run["ended"] - own[-1][1])
        gaps += [own[i + 1][0] - own[i][1] for i in range(len(own) - 1)]
    sent = [s for s in spans if s[2] in first]
    before = [first[c] - a for a, _b, c, _w in sent]
    retries = [last[c][0] - first[c] for _a, _b, c, _w in sent]
    trip = [last[c][1] - last[c][0] for _a, _b, c, _w in sent]
    after = [b - last[c][1] for _a, b, c, _w in sent]
    in_sender = sum(b - a for a, b, _c, _w in spans)
    loop = statistics.median(gaps) + min(before) + statistics.median(trip)
    loop += statistics.median(after)
    return {
        "senders": len(workers),
        "most_calls_in_flight": most_in_flight(http),
        "time_split_sender_s": {
            "planning_before_first_send": round(min(heads), 2),
            "in_sender": round(in_sender, 1),
            "in_sender_waiting_for_the_limiter": round(sum(before), 1),
            "in_sender_429_pauses_and_retries": round(sum(retries), 1),
            "in_sender_call_round_trip": round(sum(trip), 1),
            "in_sender_after_the_answer": round(sum(after), 1),
            "between_sends_outbox_db": round(sum(gaps) + sum(tails), 1),
            "senders_times_tick": round(len(workers) * (run["ended"] - run["started"]), 1),
        },
        "per_send_ms": {
            "outbox_db_between_sends_median": round(statistics.median(gaps) * 1000, 2),
            "limiter_wait_median": round(statistics.median(before) * 1000, 2),
            "sender_to_call_least": round(min(before) * 1000, 2),
            "call_round_trip_median": round(statistics.median(trip) * 1000, 2),
            "answer_to_sender_median": round(statistics.median(after) * 1000, 2),
            "loop_without_limiter": round(loop * 1000, 2),
        },
        # senders / loop: the bound the senders' own round trips set (with --rtt-ms); on
        # loopback the CPU binds long before it (`--bot bare` measures that ceiling)
        "senders_bound_per_s": round(len(workers) / loop, 1),
    }


def analyse(
    run: dict[str, Any],
    server: dict[str, Any],
    users: list[int],
    groups: list[int],
    retry_after: int,
) -> dict[str, Any]:
    calls = sorted(server["log"])
    sends = [c for c in calls if c[1].lower() == "sendmessage"]
    delivered = Counter(c[2] for c in sends if c[3] == 200)
    planned = Counter({chat: 1 for chat in (*users, *groups)})
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    lost = sum(1 for chat in planned if delivered[chat] == 0)
    unexpected = sum(n for chat, n in delivered.items() if chat not in planned)
    stored = Counter({int(k): v for k, v in server["stored"].items()})
    outbox = run["outbox"]
    rows = sum(outbox["statuses"].values())

    seconds = run["ended"] - run["started"]
    delivered_total = sum(delivered.values())
    bot_view = bot_side(run["http"], retry_after)
    paused = bot_view["answers_429"] * retry_after  # the server said: send nothing this long
    allowed = allowed_seconds(planned)
    first, last = sends[0][0], sends[-1][0]
    ok_times = [c[0] for c in sends if c[3] == 200]
    group_times: dict[int, list[float]] = {}
    for t, _m, chat, status, _a in sends:
        if status == 200 and chat is not None and chat < 0:
            group_times.setdefault(chat, []).append(t)
    return {
        "seconds": round(seconds, 1),
        "rate_per_s": round(delivered_total / seconds, 2),
        "allowed_rate_per_s": round(len(planned) / allowed, 2),
        "rate_ratio": round(delivered_total / seconds / (len(planned) / allowed), 3),
        "pauses_ordered_by_429_s": paused,
        "rate_ratio_with_429_pauses_allowed": round(
            delivered_total / seconds / (len(planned) / (allowed + paused)), 3
        ),
        "sending_window_s": round(last - first, 1),
        "most_sends_in_any_1s": most_in_window(ok_times, 1.0),
        "most_to_one_group_in_any_60s": max(
            (most_in_window(ts, 60.0) for ts in group_times.values()), default=0
        ),
        "planned": len(planned),
        "delivered": delivered_total,
        "duplicates": duplicates,
        "lost": lost,
        "unexpected": unexpected,
        "fake_stored_matches": stored == delivered,
        "outbox": {
            "rows": rows,
            "statuses": outbox["statuses"],
            "attempts": outbox["attempts"],
            "chats_match": outbox["chats"] == planned,
        },
        "tick_summary": {  # each send's (platform, kind, outcome) as one key
            name: {"/".join(k): n for k, n in value.items()} if name == "sends" else value
            for name, value in vars(run["summary"]).items()
        },
        "rate_limit_429": {
            "bot_side": bot_view,
            "server_side": server_side(calls, retry_after),
            "honoured": bot_view["honoured"],
        },
        **time_split(run),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=10_000)
    parser.add_argument("--groups", type=int, help="of the sends, to groups (default a tenth)")
    parser.add_argument("--quick", action="store_true", help="300 sends")
    parser.add_argument("--fault-rate", type=float, default=0.01)
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--rtt-ms", type=float, default=0, help="the fake holds each answer back this long"
    )
    parser.add_argument("--pg", default="postgresql://root@127.0.0.1:5432/test")
    parser.add_argument(
        "--bot",
        choices=("run", "cli", "bare"),
        default="run",
        help="run: the bot of `gotungnha run`; cli: `schedule tick`'s (sending_bot); "
        "bare: a Bot without rate limiter, the tick's own ceiling (use --fault-rate 0)",
    )
    parser.add_argument("--profile", type=int, metavar="N", help="cProfile top N to stderr")
    args = parser.parse_args()
    sends = 300 if args.quick else args.sends
    groups = sends // 10 if args.groups is None else args.groups

    url = make_database(args.pg)
    setup_started = time.perf_counter()
    users, group_ids = build_ward(url, leaders=sends - groups, groups=groups)

    from bench.fake_telegram import serve

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=serve,
        args=(theirs, users, group_ids, args.fault_rate, args.retry_after, args.seed, args.rtt_ms),
        daemon=True,
    )
    process.start()
    while not ours.poll(1):
        if not process.is_alive():
            raise SystemExit("the fake Telegram server did not start")
    base_url, base_file_url = ours.recv()
    setup = time.perf_counter() - setup_started
    profiler = cProfile.Profile() if args.profile else None
    try:
        with tempfile.TemporaryDirectory(prefix="gotungnha-bench-") as tmp:
            if profiler:
                profiler.enable()
            run = asyncio.run(run_tick(url, base_url, base_file_url, Path(tmp), bot=args.bot))
            if profiler:
                profiler.disable()
    finally:
        ours.send("stop")
        server = ours.recv()
        process.join(10)
    drop_database(args.pg)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
        sys.stderr.write(out.getvalue())
    result = analyse(run, server, users, group_ids, args.retry_after)
    meets = (
        result["rate_ratio_with_429_pauses_allowed"] >= 0.95
        and result["duplicates"] == 0
        and result["lost"] == 0
        and result["unexpected"] == 0
        and result["outbox"]["statuses"] == {"sent": result["planned"]}
        and result["rate_limit_429"]["honoured"]
    )
    report(
        "broadcast",
        {
            "sends": sends,
            "bot": args.bot,
            "mix": {"private_chats": len(users), "groups": len(group_ids), "per_chat": 1},
            "limits": {"overall_per_s": OVERALL_PER_S, "per_group_per_min": GROUP_PER_MIN},
            "fault_rate": args.fault_rate,
            "retry_after_s": args.retry_after,
            "rtt_ms": args.rtt_ms,
            "setup_seconds": round(setup, 1),
            **result,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "fake_server_peak_rss_mb": server["peak_rss_mb"],
            "target_rate_ratio": 0.95,
            "meets_target": meets if args.bot != "bare" else None,  # bare: no limits kept
        },
    )


if __name__ == "__main__":
    main()
