"""One process at a time runs the scheduler: a PostgreSQL advisory lock (SQLite: one process).

The leader's lease names the lock's connection as PostgreSQL knows it ("<pid>@<backend
start>"): the outbox stamps each claim with it, and the lease holds exactly as long as the
lock does. A claim whose lease no longer holds was made by a leader that is gone (killed:
its connections closed with it), so the next leader takes it again without waiting for
the claim to grow stale (storage/outbox.py); a leader whose lease ended claims nothing more.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

SCHEDULER_LOCK = 471_130_002
# a connection as PostgreSQL's statistics show it: a lease no other connection ever had
LEASE_OF = "pid || '@' || extract(epoch FROM backend_start)::text"  # in pg_stat_activity
LEASE = text(f"SELECT {LEASE_OF} FROM pg_stat_activity WHERE pid = pg_backend_pid()")


class LeaderLock:
    """Held on a connection of its own for as long as this process leads."""

    def __init__(self, engine: Engine, key: int = SCHEDULER_LOCK) -> None:
        self._engine = engine
        self._key = key
        self._connection: Connection | None = None
        self.lease = ""  # while leading on PostgreSQL: its lock connection, "<pid>@<start>"

    @property
    def held(self) -> bool:
        return self._connection is not None or self._engine.dialect.name != "postgresql"

    def try_acquire(self) -> bool:
        """Lead if no other process does; True when this process leads.

        A lock held on a connection that died (PostgreSQL restarted) is gone: the
        connection is dropped and the lock tried again, so two leaders never run at once.
        """
        if self._connection is not None and not self._alive(self._connection):
            self._connection, self.lease = None, ""
        if self.held:
            return True
        connection = self._engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key})
        if got.scalar():
            self.lease = str(connection.execute(LEASE).scalar())
            connection.commit()
            self._connection = connection
            return True
        connection.rollback()
        connection.close()
        return False

    def _alive(self, connection: Connection) -> bool:
        try:
            connection.execute(text("SELECT 1")).scalar()
            connection.commit()
            return True
        except DBAPIError:
            with contextlib.suppress(DBAPIError):
                connection.close()
            return False

    def release(self) -> None:
        """Stop leading (closing the connection frees the lock too)."""
        if self._connection is not None:
            self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
            self._connection.commit()
            self._connection.close()
            self._connection, self.lease = None, ""
