"""Backups that restore, on SQLite and PostgreSQL: taken while a member keeps logging, the
backup is a consistent snapshot; restored into an empty database, every table's rows and
every workbook figure are those of the source; a database that holds data is refused."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlmodel import Session

from bot.app import App
from handlers.messages import Incoming
from reports.scope import ward_scope
from storage import exports, queries
from storage.backup import BackupError, back_up, restore, row_counts
from storage.db import is_postgres, make_engine
from storage.migrate import current_revision, head_revision
from tests.conftest import PG_SERVER, Roster

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def empty_url(app: App, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind as the app's."""
    if not is_postgres(app.db):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = make_url(PG_SERVER)
    name = f"gotungnha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def figures(
    engine_url: str,
) -> tuple[dict[tuple[int, int], int], dict[int, int], dict[int, tuple[int, int]]]:
    """The report workbook's sums for the quarter, read from one database."""
    engine = make_engine(engine_url)
    with Session(engine) as session:
        ward = queries.ward_by_name(session, "Phường Nhị Chiểu")
        assert ward is not None
        scope = ward_scope(session, ward, start=date(2026, 10, 1), end=date(2026, 12, 31))
        found = exports.period_figures(session, **scope.query)
    engine.dispose()
    return found.sums_per_team, found.logs_per_team, found.people_per_team


def test_a_backup_taken_while_members_log_restores_whole(
    app: App, roster: Roster, empty_url: str, tmp_path: Path
):
    chats = [roster.joined(f"Thành viên {n}") for n in range(3)]
    for chat in chats:
        chat.say("vneid 2 sskdt 1 @ ngõ 5")
    stop = threading.Event()
    written = []

    def keep_logging() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            chat = chats[n % len(chats)]
            key = f"console:writer:{n}"
            app.engine.handle(
                Incoming("console", chat.user_id, chat.user_id, text="vneid 1", message_key=key)
            )
            written.append(n)

    writer = threading.Thread(target=keep_logging)
    writer.start()
    try:
        while len(written) < 5:  # the writer is well under way
            stop.wait(0.01)
        during = back_up(app.db, tmp_path / "during", label="phuong-nhi-chieu", now=NOW)
        while len(written) < 10:
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    assert during.name.startswith("gotungnha-phuong-nhi-chieu-20261123-030000")

    counts = restore(make_engine(empty_url), during)
    source = row_counts(app.db)
    assert set(counts) == set(source)
    assert 3 + 5 <= counts["support_log"] <= source["support_log"]
    # a snapshot: every log restored with its items, every item with its log
    assert counts["support_log_item"] == counts["support_log"] + 3
    restored_db = make_engine(empty_url)
    assert current_revision(restored_db) == head_revision(restored_db)
    restored_db.dispose()

    # with nobody writing, a second backup restores to exactly the source, figures and all
    after = back_up(app.db, tmp_path / "after", label="phuong-nhi-chieu", now=NOW)
    again = restore(make_engine(empty_url), after, force=True)
    assert again == row_counts(app.db)
    assert figures(empty_url) == figures(app.config.database.url)


def test_a_database_that_holds_data_is_not_overwritten_unasked(
    app: App, roster: Roster, tmp_path: Path
):
    roster.joined("Nguyễn Thị Lan").say("vneid 3")
    backup = back_up(app.db, tmp_path, label="x", now=NOW)
    with pytest.raises(BackupError, match="đã có dữ liệu"):
        restore(app.db, backup)
    assert row_counts(app.db)["support_log"] == 1
