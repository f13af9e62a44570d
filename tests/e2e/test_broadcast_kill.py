"""`kill -9` of `gotungnha run` in the middle of a broadcast, then a restart.

The promise: every reminder reaches its chat, and exactly once, but for one window. Sends
are claimed in the outbox (schedules/jobs.py) before they go and marked right after; the
transport is at-least-once (Telegram takes no idempotency key), so a send is either
provably done (marked sent) or retried once its claim is stale (5 minutes on), or at once
on PostgreSQL when the leader that claimed it is gone.

The window (storage/outbox.py `reclaim`): Telegram has taken a message, and the process
dies before its outbox row is marked sent (the answer still on its way back, or the mark
not yet committed). That message goes again when its claim is retried. Without an
idempotency key on Telegram's side it cannot be closed, only kept small, and it is: each
mark is committed as soon as its answer is in, and a sender has one send out at a time,
so one kill can catch at most `SENDERS` (8) messages in it. A claim whose message had not
reached Telegram (waiting in the rate limiter, refused with a 429, on its way) is retried
too, and that chat gets it once.

The test puts the kill in the window at its widest, deterministically: once a third of
the chats have the reminder, the fake Bot API holds its answers to sendMessage (each
message is still delivered at once, as if the answers were stuck on the network) and
refuses one send with a 429 (its answer held too). Each of the `SENDERS` senders then
ends up waiting on one held answer, its earlier sends all answered and marked; then kill
-9. So `SENDERS` sends are in flight: one refused, never delivered, the others delivered
and never marked, the window's worst case. The test checks that exactly those delivered
ones, and no other chat, got the reminder twice, and the refused one once.

Scenario: a ward of `LEADERS` joined leaders on Telegram, one reminder due for each (the
time-of-day trick of test_two_workers.py: a one-off deadline whose last day is today,
lead day 0, due at 08:00 today in a zone where 08:00 is past and the day has hours left).
`python -m bot run` starts sending; it is killed as above. Then:

1. What the dead process left: each chat got it at most once; every row it marked sent
   was delivered; the `SENDERS` rows in flight are still `claimed`, the rest `sent`.
2. A restarted `gotungnha run` sends to every chat that had no outbox row, once. On
   PostgreSQL it also takes the dead one's claims again at once, their leader's lease gone
   with its connection (storage/locks.py): every chat has the reminder, the ones in the
   window twice. On SQLite (no leases) it leaves the fresh claims alone.
3. Six minutes on (`gotungnha schedule tick --now`, after a clean stop of the worker:
   on PostgreSQL a running bot leads), the stale claims are retried on SQLite, nothing is
   left on PostgreSQL: every chat has the reminder, the ones in the window twice, every
   other once; every row is `sent`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.app import build_app
from bot.config import Config
from handlers.admin import add_member
from schedules.jobs import SENDERS, STALE_CLAIM
from storage import queries
from storage.db import make_engine
from storage.models import ChatIdentity, Deadline, GroupChat, OutboxMessage, Role, Team
from storage.uow import UnitOfWork
from tests.e2e.running import TOKEN, free_port
from tests.e2e.test_two_workers import (
    Worker,
    advisory_holders,
    describe,
    one_off_deadline,
    wait_until,
    worker_env,
    worker_zone,
)
from tests.fakes.telegram_api import FakeTelegram

LEADERS = 240  # about 8 s of sends at Telegram's 30 a second
PER_TEAM = 4
FIRST_CHAT = 900_001
DEADLINE = "Báo cáo kết quả Tháng cao điểm chuyển đổi số"
HOLD_AFTER = LEADERS // 3  # sendMessage calls before the fake holds its answers
FLOOD_WAIT = 5  # the 429's retry_after (never read: its answer is held); its chat's window
START_WAIT = 60  # seconds for a worker to start and its first tick to get that far
TICK_WAIT = 90  # seconds for the restarted worker's first tick to finish


def joined_leaders(config: Config, now: datetime) -> int:
    """A ward whose teams' leaders have all joined on Telegram; returns the ward id.

    The ward's default (recurring) deadlines are turned off: only this test's goes out.
    Each team's weekly tally goes to a group of its own on the console, which writes it
    out at once: without a group, a team's tally would go to its leaders on Telegram
    (Monday to Wednesday, in the same broadcast), and only the reminders are counted here.
    """
    app = build_app(config)  # the catalogue synced once, as a deployed database has it
    try:
        with app.uow() as uow:
            for n in range(LEADERS):
                member, _invite = add_member(
                    uow,
                    team=f"Tổ CNSCĐ TDP {n // PER_TEAM + 1}",
                    name=f"Tổ trưởng {n + 1:03d}",
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
                        user_id=str(FIRST_CHAT + n),
                        display_name=member.name,
                        linked_at=now,
                    )
                )
            for team in uow.session.exec(select(Team)):
                assert team.id is not None
                uow.session.add(
                    GroupChat(
                        platform="console",
                        chat_id=f"to-{team.id}",
                        ward_id=team.ward_id,
                        team_id=team.id,
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


def wait_calls(
    tg: FakeTelegram, done: Callable[[], bool], worker: Worker, workers: list[Worker]
) -> None:
    """Wait until `done()` (checked after each call the fake takes) while the worker lives."""
    try:
        tg.wait_for(lambda: done() or not worker.alive(), START_WAIT)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{describe(workers)}") from None
    assert worker.alive(), f"{worker.name} died\n" + describe(workers)


def with_port(env: dict[str, str]) -> dict[str, str]:
    """A worker's environment: its own web server port."""
    return {**env, "GOTUNGNHA_SERVER_PORT": str(free_port())}


def received(tg: FakeTelegram, chats: list[int]) -> Counter[int]:
    """How many copies of the reminder each chat got (chats with none left out)."""
    got: Counter[int] = Counter()
    for chat in chats:
        for message in tg.sent(chat):
            assert DEADLINE in (message["text"] or ""), message
            got[chat] += 1
    return got


def outbox(db_url: str) -> dict[int, str]:
    """The status of each chat's outbox row (chats without one left out)."""
    engine = make_engine(db_url)
    try:
        with UnitOfWork(engine, read_only=True) as uow:
            rows = uow.session.exec(
                select(OutboxMessage).where(OutboxMessage.platform == "telegram")
            ).all()
            assert all(row.kind == "deadline_reminder" for row in rows), rows
            statuses = {int(row.chat_id): row.status for row in rows}
            assert len(statuses) == len(rows), "two rows for one chat"
            return statuses
    finally:
        engine.dispose()


@pytest.mark.slow
def test_kill_9_mid_broadcast_then_restart_sends_every_reminder_once(
    config: Config, db_url: str, tmp_path: Path
):
    now = datetime.now(UTC)
    zone = worker_zone(now)
    today = now.astimezone(zone).date()
    chats = [FIRST_CHAT + n for n in range(LEADERS)]
    ward_id = joined_leaders(config, now)
    db = make_engine(db_url)
    workers: list[Worker] = []
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as tg:
        for n, chat in enumerate(chats):
            tg.user(chat, f"Tổ trưởng {n + 1:03d}")
        one_off_deadline(db, ward_id, DEADLINE, today, now)
        env = worker_env(db_url, zone, tg)
        try:
            # the first worker broadcasts; then every sender is caught in flight, kill -9
            first = Worker("first", tmp_path / "first", with_port(env))
            workers.append(first)
            wait_calls(tg, lambda: len(tg.calls_of("sendMessage")) >= HOLD_AFTER, first, workers)
            tg.hold_answers("sendMessage")  # delivered, never answered
            # not delivered; its chat's own flood window (the others' sends go on)
            tg.fail_next("sendMessage", status=429, retry_after=FLOOD_WAIT, per_chat=True)
            wait_calls(tg, lambda: len(tg.held("sendMessage")) >= SENDERS, first, workers)
            in_flight = {int(call["chat_id"]) for call in tg.held("sendMessage")}
            os.kill(first.pid, signal.SIGKILL)
            first.process.wait(timeout=10)
            tg.release_answers("sendMessage")  # to a dead process: nobody learns of them
            if db.dialect.name == "postgresql":  # the lock goes with the dead one's connection
                wait_until(lambda: not advisory_holders(db), 10, "the lock's release")

            # 1. what the dead process left
            at_kill = received(tg, chats)
            rows = outbox(db_url)
            claimed = {chat for chat, status in rows.items() if status == "claimed"}
            marked = {chat for chat, status in rows.items() if status == "sent"}
            assert claimed | marked == set(rows), rows  # nothing failed, blocked, skipped
            assert set(at_kill.values()) == {1}, at_kill
            assert HOLD_AFTER <= len(at_kill) < LEADERS, "the broadcast was not cut off"
            assert marked <= set(at_kill), "marked sent, never delivered"
            assert set(at_kill) <= set(rows), "delivered without a claim"
            assert len(in_flight) == SENDERS and claimed == in_flight, (claimed, in_flight)
            window = claimed & set(at_kill)  # delivered, never marked: will go twice
            refused = claimed - window  # the 429: never delivered, will go once
            assert len(refused) == 1, refused

            # 2. the restarted worker sends the rest, once; the dead one's claims at once on
            # PostgreSQL (its lease is gone), left alone on SQLite until stale
            leases = db.dialect.name == "postgresql"
            retaken = claimed if leases else set()
            second = Worker("second", tmp_path / "second", with_port(env))
            workers.append(second)
            wait_until(
                lambda: second.ticks() or not second.alive(),
                TICK_WAIT,
                "the restarted worker's first tick",
                lambda: describe(workers),
            )
            assert second.alive(), "the restarted worker died\n" + describe(workers)
            [tick_line] = second.ticks()
            assert tick_line.endswith(
                f"schedule tick sent={LEADERS - len(rows) + len(retaken)} failed=0 skipped=0"
            ), describe(workers)
            after_restart = received(tg, chats)
            twice_now = {chat for chat, copies in after_restart.items() if copies > 1}
            assert twice_now == window & retaken, "a reminder went twice after the restart"
            assert set(after_restart.values()) <= {1, 2}, after_restart
            assert set(after_restart) == set(chats) - (refused - retaken), "missing or unexpected"
            rows = outbox(db_url)
            assert set(rows) == set(chats)
            still = {chat for chat, status in rows.items() if status == "claimed"}
            assert still == claimed - retaken
            second.process.send_signal(signal.SIGTERM)  # PostgreSQL: it leads while it runs
            code = second.process.wait(timeout=30)
            assert code == 0, f"the restarted worker exited with {code}\n" + describe(workers)
            assert "Traceback" not in second.log(), describe(workers)

            # 3. six minutes on, the stale claims are retried
            later = datetime.now(UTC) + STALE_CLAIM + timedelta(minutes=1)
            (tmp_path / "tick").mkdir()
            tick = subprocess.run(
                [sys.executable, "-m", "bot", "schedule", "tick", "--now", later.isoformat()],
                cwd=tmp_path / "tick",
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert tick.returncode == 0, tick.stderr
            summary = json.loads(tick.stdout.splitlines()[-1])
            expected = {"sent": len(claimed - retaken), "skipped": 0, "failed": 0, "waiting": 0}
            assert summary == expected | {"uncertain": 0}, tick.stdout
            final = received(tg, chats)
            assert set(final) == set(chats), "a reminder was lost"
            twice = {chat for chat, copies in final.items() if copies > 1}
            assert twice == window, f"sent twice: {sorted(twice)}; the window: {sorted(window)}"
            assert final.keys() - at_kill.keys() >= refused  # refused, then sent once
            assert set(final.values()) <= {1, 2}, final
            assert set(outbox(db_url).values()) == {"sent"}
            print(  # shown with -s: how the kill fell
                f"\n{db.dialect.name}: {len(at_kill)}/{LEADERS} delivered at the kill,"
                f" {len(claimed)} in flight, {len(window)} of them delivered: sent twice,"
                f" {len(refused)} not: sent once"
            )
        finally:
            for worker in workers:
                worker.kill()
            db.dispose()
