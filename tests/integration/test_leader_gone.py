"""A claim of a leader that is gone is taken again at once, not 5 minutes on; a leader that
no longer holds its lock claims nothing more. PostgreSQL only (its lock and leases:
storage/locks.py).

The leader is "killed" as `kill -9` kills it, as far as PostgreSQL sees: its lock's
connection ends (pg_terminate_backend), and nothing more is written. Its tick dies right
after a tally's text was delivered and recorded (tests/integration/test_tally_parts.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, make_url, text
from sqlmodel import Session

from bot.app import App
from schedules.jobs import LostLead, TickSummary, tick
from storage.db import make_engine
from storage.locks import LEASE, LeaderLock
from storage.outbox import live_leases
from tests.conftest import ZONE, Roster
from tests.fakes.telegram_api import FakeTelegram
from tests.integration.test_sends_that_may_have_arrived import MONDAY_8AM, tally_row, team_group
from tests.integration.test_tally_parts import GROUP, WorkerDied, held, telegram

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
A_MINUTE_ON = MONDAY_8AM + timedelta(minutes=1)  # no claim is stale by its age yet


def ticked(app: App, sender: Any, now: datetime, lease: str) -> TickSummary:
    async def run() -> TickSummary:
        async with sender() as send:
            charts = Path(app.config.bot.exports_dir) / "charts"
            return await tick(app.uow, send, now=now, zone=ZONE, charts_dir=charts, lease=lease)

    return asyncio.run(run())


def killed(admin: Engine, lease: str) -> None:
    """The leader's process is gone: its lock's connection closes, the lock with it."""
    with admin.connect() as connection:
        pid = int(lease.split("@")[0])
        assert connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()


@pytest.fixture
def engines(db_url: str) -> Any:
    made = [make_engine(db_url) for _ in range(3)]
    yield made
    for engine in made:
        engine.dispose()


@pytest.fixture
def tg(app: App, roster: Roster) -> Iterator[FakeTelegram]:
    """Tổ 1's group, linked on Telegram: its tally is due Monday 08:00."""
    team_group(app, roster, "telegram", str(GROUP))
    with FakeTelegram() as fake:
        fake.group(GROUP, "Tổ CNSCĐ TDP 1")
        yield fake


def died_after_the_text(app: App, tg: FakeTelegram, lease: str) -> None:
    """The leader's tick dies right after the tally's text was delivered and recorded."""
    with pytest.raises(WorkerDied):
        ticked(app, telegram(tg, dies_after_text=True), MONDAY_8AM, lease)


def test_a_tally_claimed_by_a_leader_that_was_killed_goes_again_at_once_with_its_chart_only(
    app: App, tg: FakeTelegram, engines: list[Engine]
):
    first, second, admin = engines
    a, b = LeaderLock(first), LeaderLock(second)
    assert a.try_acquire()
    died_after_the_text(app, tg, a.lease)
    left = held(tg)
    killed(admin, a.lease)
    assert b.try_acquire()
    after = ticked(app, telegram(tg), A_MINUTE_ON, b.lease)
    b.release()
    assert left == ["sendMessage"]
    assert after.sent == 1  # a minute on, not five
    assert held(tg) == ["sendMessage", "sendPhoto"]
    assert tally_row(app, str(GROUP)) == ("sent", None)


def test_a_claim_of_a_leader_still_holding_its_lock_is_left_to_it_until_stale(
    app: App, tg: FakeTelegram, engines: list[Engine]
):
    a = LeaderLock(engines[0])
    assert a.try_acquire()
    died_after_the_text(app, tg, a.lease)
    # the leader is alive (its lock held): a slow send of its own, not a dead one's
    again = ticked(app, telegram(tg), A_MINUTE_ON, "")
    a.release()
    assert again.sent == 0
    assert held(tg) == ["sendMessage"]
    assert tally_row(app, str(GROUP))[0] == "claimed"


def test_a_leader_whose_lock_is_gone_claims_nothing_more(
    app: App, tg: FakeTelegram, engines: list[Engine]
):
    first, _second, admin = engines
    a = LeaderLock(first)
    assert a.try_acquire()
    killed(admin, a.lease)  # its connection cut; the process runs on, as far as it knows
    with pytest.raises(LostLead):
        ticked(app, telegram(tg), MONDAY_8AM, a.lease)
    assert held(tg) == []
    with app.uow() as uow:
        rows = uow.session.execute(text("SELECT count(*) FROM outbox_message")).scalar()
    assert rows == 0


def test_a_lease_whose_start_this_user_cannot_see_is_taken_as_holding(
    db_url: str, engines: list[Engine]
):
    """A worker of another database user: PostgreSQL shows its pid but not its start to a
    user without pg_read_all_stats. Its lease cannot be told from a dead one's, so it is
    taken as holding: its claims wait until stale rather than go twice."""
    admin = engines[2]
    suffix = uuid.uuid4().hex[:8]
    leader, checker = f"gtn_leader_{suffix}", f"gtn_checker_{suffix}"
    with admin.connect() as c:
        for role in (leader, checker):
            c.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            c.execute(text(f'GRANT CONNECT ON DATABASE "{make_url(db_url).database}" TO "{role}"'))
        c.commit()
    as_leader, as_checker = (
        make_engine(make_url(db_url).set(username=role).render_as_string(hide_password=False))
        for role in (leader, checker)
    )
    try:
        with as_leader.connect() as held:
            lease = str(held.execute(LEASE).scalar())
            with Session(as_checker) as session:
                holding = live_leases(session, {lease})
            with Session(admin) as session:  # a user who sees every start: it holds
                seen = live_leases(session, {lease})
        as_leader.dispose()  # its connection closed: gone, even unseen
        deadline = time.monotonic() + 10
        while True:  # PostgreSQL's backend ends just after the connection does
            with Session(as_checker) as session:
                after = live_leases(session, {lease})
            if not after or time.monotonic() > deadline:
                break
    finally:
        as_leader.dispose()
        as_checker.dispose()
        with admin.connect() as c:
            for role in (leader, checker):
                c.execute(text(f'DROP OWNED BY "{role}"'))
                c.execute(text(f'DROP ROLE "{role}"'))
            c.commit()
    assert (holding, seen, after) == ({lease}, {lease}, set())
