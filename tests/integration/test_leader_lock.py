"""One scheduler at a time on PostgreSQL, even when the leader's connection dies."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import make_engine
from storage.locks import LeaderLock
from tests.conftest import _empty_postgres


def test_only_one_process_leads_and_the_lock_passes_on_when_the_leader_lets_go(postgres_url: str):
    _empty_postgres(postgres_url)
    first, second = make_engine(postgres_url), make_engine(postgres_url)
    try:
        a, b = LeaderLock(first), LeaderLock(second)
        assert a.try_acquire() and a.try_acquire()  # leading stays leading
        assert not b.try_acquire()
        a.release()
        assert b.try_acquire()
        assert not a.try_acquire()
        b.release()
    finally:
        first.dispose()
        second.dispose()


def test_a_leader_whose_connection_died_stops_leading_and_another_takes_over(postgres_url: str):
    _empty_postgres(postgres_url)
    first, second, admin = (make_engine(postgres_url) for _ in range(3))
    try:
        a, b = LeaderLock(first), LeaderLock(second)
        assert a.try_acquire()
        with admin.connect() as c:  # PostgreSQL restarted under the leader, as far as it knows
            killed = (
                c.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks"
                        " WHERE locktype = 'advisory' AND objid = :k AND granted"
                        # this test's database only: other tests lead in theirs at once
                        " AND database = (SELECT oid FROM pg_database"
                        " WHERE datname = current_database())"
                    ),
                    {"k": 471_130_002},
                )
                .scalars()
                .all()
            )
            c.commit()
        assert killed == [True]
        assert b.try_acquire()  # the lock went with the dead connection
        assert not a.try_acquire()  # and the old leader notices, instead of leading twice
        b.release()
        assert a.try_acquire()  # it can lead again once free
        a.release()
    finally:
        for engine in (first, second, admin):
            engine.dispose()
