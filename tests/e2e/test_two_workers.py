"""Two real `gotungnha run` workers on one PostgreSQL: one scheduler, one poller, and a
takeover; the daily backup made once, by the leader.

The issue's promise: with two workers on one database exactly one runs the scheduler
(storage/locks.py, a PostgreSQL advisory lock); when that one is killed (kill -9) the
other takes over within a minute (its next tick finds the lock free, since PostgreSQL
frees it when the dead process's connection closes), and every scheduled message is sent
exactly once throughout (the outbox, schedules/jobs.py).

Both run in polling mode, as production can: Telegram cuts a second getUpdates off with 409
Conflict (so does the fake), so only the worker holding the poller lock polls
(bot/channels/polling.py) and the other stands by. The first worker starts alone, so it is
both the scheduler and the poller; once killed, the survivor takes over both, and a message
sent after the kill is answered. No live worker is ever cut off by the other.

Time of day. A deadline reminder goes at 08:00 local time on a lead day and is caught up
later the same local day only (schedules/jobs.py `timely`). A one-off deadline whose last
day is today with lead days [0] is therefore due at 08:00 today and sent by the first
tick, provided the local time is past 08:00 and the day does not end during the test.
Before 08:00 no reminder can be due today at all (yesterday's is skipped, not sent), and
the workers use the system clock, so the test cannot move time. It moves the place
instead: the workers run in Asia/Ho_Chi_Minh when the wall clock there reads 08:00–21:59,
and otherwise in a fixed-offset zone (Etc/GMT±N, `[bot] timezone`) where it is about
noon now. Either way the due send is today's 08:00, already past, and the local day has
at least two hours left. The ward's default deadlines (quarterly and yearly, given to
every new ward) are turned off so that no other reminder depends on the date.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, text
from sqlmodel import col, select

from bot.app import build_app
from bot.config import Config, DatabaseConfig
from handlers.admin import add_member
from storage import deadlines, queries
from storage.db import make_engine
from storage.locks import SCHEDULER_LOCK
from storage.models import AuditEntry, ChatIdentity, Deadline, OutboxMessage, Role
from storage.uow import UnitOfWork
from tests.conftest import _empty_postgres
from tests.e2e.running import TOKEN, free_port
from tests.fakes.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
LEADER_ID = 7001
FIRST = "Đăng ký mô hình dân vận khéo"
SECOND = "Báo cáo nhanh sau sự cố"
TICK_LINE = "schedule tick sent="
START_WAIT = 30  # seconds for both workers to start and the leader's first tick
TICK_SECONDS = 2  # [bot] tick_seconds: the survivor takes over within it (60 s by default)
TAKEOVER_WAIT = 30  # its next tick, with room for a loaded machine


def worker_zone(now: datetime) -> ZoneInfo:
    """Hải Phòng's zone when it is 08:00–21:59 there, else a zone where it is about noon."""
    home = ZoneInfo("Asia/Ho_Chi_Minh")
    if wall_time(8, 0) <= now.astimezone(home).time() < wall_time(22, 0):
        return home
    offset = 12 - now.astimezone(UTC).hour  # -11..12: local hour 12 (minutes as in UTC)
    return ZoneInfo(f"Etc/GMT{-offset:+d}")  # POSIX sign: Etc/GMT-5 is UTC+5


def worker_env(db_url: str, zone: ZoneInfo, tg: FakeTelegram) -> dict[str, str]:
    """The environment of a `python -m bot run` worker polling the fake Telegram server."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PYTHONIOENCODING": "utf-8",
        "GOTUNGNHA_DATABASE_URL": db_url,
        "GOTUNGNHA_BOT_TIMEZONE": zone.key,
        "GOTUNGNHA_LOG_LEVEL": "INFO",
        "GOTUNGNHA_TELEGRAM_TOKEN": tg.token,
        "GOTUNGNHA_TELEGRAM_BASE_URL": tg.base_url,
        "GOTUNGNHA_TELEGRAM_BASE_FILE_URL": tg.base_file_url,
        "GOTUNGNHA_TELEGRAM_MODE": "polling",
        "GOTUNGNHA_BOT_TICK_SECONDS": str(TICK_SECONDS),
        "GOTUNGNHA_SERVER_METRICS": "true",  # each worker's ticks, counted when they end
    }


def advisory_holders(db: Engine) -> list[int]:
    """Backend pids holding the scheduler's advisory lock in this database."""
    query = text(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND classid = 0 AND objid = :key AND objsubid = 1"
    )
    with db.connect() as connection:
        return [int(pid) for pid in connection.execute(query, {"key": SCHEDULER_LOCK}).scalars()]


def polls(worker: Worker) -> int:
    """How many times the worker started polling Telegram (it was elected)."""
    return sum(line.endswith("telegram polling") for line in worker.log().splitlines())


def cut_off(tg: FakeTelegram) -> int:
    """getUpdates calls the fake answered 409: cut off by another poller."""
    return sum(code == 409 for _at, code in tg.statuses("getUpdates"))


def answered(tg: FakeTelegram, chat: dict, text: str, detail: Callable[[], str]) -> int:
    """Send the leader's `text`; how many messages the answer took. A chat's messages are
    answered in turn, so a thanks sent after it is answered once all of it is out."""
    before = len(tg.sent(LEADER_ID))
    tg.send_text(chat, text)
    tg.send_text(chat, "cảm ơn")

    def thanked() -> bool:
        return any("Không có gì đâu" in (m["text"] or "") for m in tg.sent(LEADER_ID)[before:])

    wait_until(thanked, 20, f"the answer to {text}", detail)
    return len(tg.sent(LEADER_ID)) - before - 1


def reminders(tg: FakeTelegram, deadline: str) -> list[str]:
    """The texts the leader got about one deadline."""
    return [m["text"] for m in tg.sent(LEADER_ID) if deadline in (m["text"] or "")]


def wait_until(
    predicate: Callable[[], object],
    timeout: float,
    what: str,
    detail: Callable[[], str] = lambda: "",
) -> None:
    """Poll until `predicate()` is true; on timeout say what was awaited (and `detail()`)."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{detail()}")
        time.sleep(0.2)


class Worker:
    """One `python -m bot run` process, its stdout and stderr in files."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = int(env["GOTUNGNHA_SERVER_PORT"])
        self.folder = folder
        folder.mkdir()
        self.out = folder / "stdout.txt"
        self.err = folder / "stderr.txt"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=folder,
                env=env,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def ticks(self) -> list[str]:
        return [line for line in self.log().splitlines() if TICK_LINE in line]

    def tick_results(self) -> dict[str, float]:
        """Its scheduler ticks that have ended, by result (led, followed, failed), from its
        /metrics; {} before its web server listens."""
        try:
            answer = httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5)
        except httpx.TransportError:
            return {}
        return {
            sample.labels["result"]: sample.value
            for family in text_string_to_metric_families(answer.text)
            for sample in family.samples
            if sample.name == "gotungnha_scheduler_ticks_total"
        }

    def alive(self) -> bool:
        return self.process.poll() is None

    def describe(self) -> str:
        return f"--- {self.name} (pid {self.pid}, exit {self.process.poll()}) stderr:\n{self.log()}"

    def kill(self) -> None:
        """Leave no process behind."""
        if self.alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


def one_off_deadline(db: Engine, ward_id: int, name: str, last_day: date, now: datetime) -> None:
    """A one-off deadline whose last day is `last_day` (due "before" the day after)."""
    with UnitOfWork(db) as uow:
        deadlines.add_deadline(
            uow.session,
            ward_id=ward_id,
            name=name,
            repeat="once",
            before=last_day + timedelta(days=1),
            lead_days=[0],
            now=now,
        )
        uow.commit()


def joined_leader(config: Config, now: datetime) -> int:
    """A ward with one team whose leader has joined on Telegram; returns the ward id.

    The ward's default (recurring) deadlines are turned off: only this test's go out.
    """
    app = build_app(config)  # the catalogue synced once, as a deployed database has it
    try:
        with app.uow() as uow:
            member, _invite = add_member(
                uow,
                team="Tổ CNSCĐ TDP 3",
                name="Phạm Văn Minh",
                role=Role.LEADER,
                ward="Phường Nhị Chiểu",
                now=now,
                invite_days=30,
            )
            member.consent_at = now
            uow.session.add(member)
            assert member.id is not None
            uow.session.add(
                ChatIdentity(
                    member_id=member.id,
                    platform="telegram",
                    user_id=str(LEADER_ID),
                    display_name="Minh",
                    linked_at=now,
                )
            )
            for default in uow.session.exec(select(Deadline)):
                default.active = False
                uow.session.add(default)
            ward = queries.ward_by_name(uow.session, "Phường Nhị Chiểu")
            uow.commit()
    finally:
        app.db.dispose()
    assert ward is not None and ward.id is not None
    return ward.id


def describe(workers: list[Worker]) -> str:
    return "\n".join(w.describe() for w in workers)


def backup_entries(db: Engine) -> list[str]:
    """The audit table's backup lines (made or failed), oldest first."""
    with UnitOfWork(db) as uow:
        stmt = select(AuditEntry).where(col(AuditEntry.action).in_(("backup", "backup_failed")))
        return [entry.action for entry in uow.session.exec(stmt.order_by(col(AuditEntry.at)))]


def outbox_rows(db: Engine, kind: str = "deadline_reminder") -> list[tuple[str, str, int]]:
    """(text, status, attempts) of every outbox row of a kind (from Monday to Wednesday the
    first tick also sends last week's tally, to the leader in private)."""
    with UnitOfWork(db) as uow:
        stmt = select(OutboxMessage).where(OutboxMessage.kind == kind)
        rows = uow.session.exec(stmt.order_by(col(OutboxMessage.id))).all()
        return [(row.text, row.status, row.attempts) for row in rows]


@pytest.mark.slow
def test_two_workers_one_scheduler_and_the_survivor_takes_over_after_kill_9(
    postgres_url: str, tmp_path: Path
):
    _empty_postgres(postgres_url)
    now = datetime.now(UTC)
    zone = worker_zone(now)
    today = now.astimezone(zone).date()
    config = replace(Config(), database=DatabaseConfig(url=postgres_url))
    ward_id = joined_leader(config, now)
    db = make_engine(postgres_url)
    workers: list[Worker] = []
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as tg:
        leader_chat = tg.user(LEADER_ID, "Minh")  # the leader's private chat
        one_off_deadline(db, ward_id, FIRST, today, now)
        backups = tmp_path / "backups"  # one folder for both, as on one server
        base_env = {
            **worker_env(postgres_url, zone, tg),
            "GOTUNGNHA_BACKUP_TIME": "00:00",  # due at once: the leader's first tick makes it
            "GOTUNGNHA_BACKUP_DIR": str(backups),
        }
        try:
            # the first worker alone: it polls and leads the schedule
            for name in ("a", "b"):
                env = {**base_env, "GOTUNGNHA_SERVER_PORT": str(free_port())}
                workers.append(Worker(name, tmp_path / name, env))
                first_line = "telegram polling" if name == "a" else "telegram standby"
                wait_until(
                    lambda line=first_line: line in workers[-1].log() or not workers[-1].alive(),
                    START_WAIT,
                    f"worker {name}'s {first_line!r} line",
                    lambda: describe(workers),
                )

            # one scheduler: the first reminder goes out once, from one worker
            wait_until(
                lambda: reminders(tg, FIRST) or not all(w.alive() for w in workers),
                START_WAIT,
                "the first reminder",
                lambda: describe(workers),
            )
            assert all(w.alive() for w in workers), "a worker died at start\n" + describe(workers)
            wait_until(
                lambda: any(w.ticks() for w in workers),
                10,
                "the leader's tick line",
                lambda: describe(workers),
            )
            # both tick at start: once both ticks have ended, a second sender has sent
            wait_until(
                lambda: all(w.tick_results() for w in workers),
                START_WAIT,
                "both workers' first tick",
                lambda: describe(workers),
            )
            first = reminders(tg, FIRST)
            assert len(first) == 1, f"the first reminder went {len(first)} times: {first}"
            assert f"hạn cuối {today:%d/%m/%Y}, hôm nay là ngày cuối" in first[0], first[0]
            leading = [w.name for w in workers if w.tick_results().get("led")]
            assert leading == ["a"], f"leading ticks: {leading}\n" + describe(workers)
            active = [w for w in workers if w.ticks()]
            assert len(active) == 1, "not one sender of scheduled messages\n" + describe(workers)
            [leader] = active
            [survivor] = [w for w in workers if w is not leader]
            assert leader.name == "a", describe(workers)
            # one poller: a message is answered once, and nobody was cut off with 409
            answer = answered(tg, leader_chat, "/trogiup", lambda: describe(workers))
            assert [polls(w) for w in workers] == [1, 0], describe(workers)
            assert cut_off(tg) == 0, "a live worker was cut off by the other"
            [tick_line] = leader.ticks()
            tallies = len(outbox_rows(db, "weekly_tally"))
            assert tick_line.endswith(f"schedule tick sent={1 + tallies} failed=0 skipped=0"), (
                tick_line
            )
            holders = advisory_holders(db)
            assert len(holders) == 1, f"scheduler lock holders: {holders}"
            assert all(w.alive() for w in workers), describe(workers)

            # kill -9 the active one; the lock goes with its connection
            os.kill(leader.pid, signal.SIGKILL)
            leader.process.wait(timeout=10)
            wait_until(lambda: holders[0] not in advisory_holders(db), 10, "the lock's release")

            # a new reminder due now: only the survivor can send it, at its next tick
            one_off_deadline(db, ward_id, SECOND, today, datetime.now(UTC))
            added = time.monotonic()
            wait_until(
                lambda: reminders(tg, SECOND) or not survivor.alive(),
                TAKEOVER_WAIT,
                "the survivor to send the second reminder",
                survivor.describe,
            )
            took = time.monotonic() - added
            assert survivor.alive(), "the surviving worker died\n" + survivor.describe()
            assert took <= TAKEOVER_WAIT
            # the survivor polls now (it checks every 5 s): a message sent after the kill is
            # answered
            wait_until(lambda: polls(survivor) == 1, 30, "the survivor to poll", survivor.describe)
            assert answered(tg, leader_chat, "/trogiup", survivor.describe) == answer
            assert cut_off(tg) <= 1, "cut off more than the dead worker's abandoned poll"
            assert "409 Conflict" not in survivor.log(), survivor.describe()
            # the tick that sent it has ended (its line comes after its sends), and the killed
            # worker sends nothing: what the leader got is all there will be
            wait_until(survivor.ticks, 10, "the survivor's tick line", survivor.describe)
            second = reminders(tg, SECOND)
            assert len(second) == 1, f"the second reminder went {len(second)} times: {second}"
            assert len(reminders(tg, FIRST)) == 1, "the first reminder was sent again"
            # two reminders, the tallies, and twice the help with its thanks
            assert len(tg.sent(LEADER_ID)) == 2 + tallies + 2 * (answer + 1), [
                m["text"] for m in tg.sent(LEADER_ID)
            ]
            new_holders = advisory_holders(db)
            assert len(new_holders) == 1 and new_holders != holders, new_holders
            [survivor_tick] = survivor.ticks()  # the first reminder: not sent, not skipped
            assert survivor_tick.endswith("schedule tick sent=1 failed=0 skipped=0"), (
                survivor.describe()
            )
            # the daily backup: made once, by the first leader; the survivor finds it done
            made = sorted(p.name for p in backups.iterdir())
            assert len(made) == 1 and made[0].endswith(".dump"), made
            assert backup_entries(db) == ["backup"], describe(workers)
            rows = outbox_rows(db)
            assert [(status, attempts) for _text, status, attempts in rows] == [
                ("sent", 1),
                ("sent", 1),
            ], rows
            assert [FIRST in rows[0][0], SECOND in rows[1][0]] == [True, True], rows

            # a clean stop
            survivor.process.send_signal(signal.SIGTERM)
            code = survivor.process.wait(timeout=30)
            assert code == 0, f"the survivor exited with {code}\n" + survivor.describe()
            assert "Traceback" not in survivor.log(), survivor.describe()
        finally:
            for worker in workers:
                worker.kill()
            db.dispose()
