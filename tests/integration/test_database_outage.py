"""PostgreSQL dropping every connection (a restart) loses nothing and stores nothing twice."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import build_app
from bot.config import Config, DatabaseConfig
from storage.db import make_engine
from tests.conftest import Clock, Roster, _empty_postgres
from tests.helpers import service_totals, stored_logs


def _drop_connections(url: str) -> int:
    """What a restart does to the bot: every connection to its database is cut."""
    name = make_url(url).database
    admin = make_engine(url)
    try:
        with admin.connect() as c:
            cut = c.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = :d AND pid <> pg_backend_pid()"
                ),
                {"d": name},
            ).scalar_one()
            c.commit()
        return int(cut)
    finally:
        admin.dispose()


def test_after_postgresql_drops_every_connection_the_next_message_is_stored_once(
    postgres_url: str, clock: Clock
):
    _empty_postgres(postgres_url)
    app = build_app(replace(Config(), database=DatabaseConfig(url=postgres_url)), clock=clock)
    try:
        lan = Roster(app).joined("Nguyễn Thị Lan")
        assert "Đã ghi" in lan.say("vneid 2")
        assert _drop_connections(postgres_url) >= 1  # the pool held at least one
        assert "Đã ghi" in lan.say("sskdt 3")  # a stale pooled connection is replaced
        assert service_totals(app) == {"vneid": 2, "sskdt": 3}
        assert len(stored_logs(app)) == 2
    finally:
        app.db.dispose()
