"""Backups that restore, on SQLite and PostgreSQL: taken while a member keeps logging, the
backup is a consistent snapshot; restored into an empty database, every table's rows are
those of the source, value for value; a database that holds data is refused. What the tables
hold is read here with plain SELECTs, not with storage.backup's own counts."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, inspect, make_url, text
from sqlmodel import SQLModel

from bot.app import App
from handlers.messages import Incoming
from storage.backup import BackupError, back_up, restore
from storage.db import make_engine
from storage.migrate import current_revision, head_revision
from tests.conftest import Roster

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
KEY = b"the deployment's privacy key"


def rows_of(db: Engine | str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ours, in primary-key order."""
    engine = make_engine(db) if isinstance(db, str) else db
    with engine.connect() as connection:
        found = {
            table.name: [
                tuple(row)
                for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
        }
    if isinstance(db, str):
        engine.dispose()
    return found


def sizes(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, int]:
    return {table: len(found) for table, found in rows.items()}


def test_a_backup_taken_while_members_log_restores_whole(
    app: App, roster: Roster, second_db_url: str, tmp_path: Path
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
            text = f"vneid 1 gc: lần {n}"  # each its own visit, never a report sent again
            app.engine.handle(
                Incoming("console", chat.user_id, chat.user_id, text=text, message_key=key)
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

    counts = restore(make_engine(second_db_url), during, secret=KEY).tables
    restored, source = rows_of(second_db_url), rows_of(app.db)
    assert counts == sizes(restored)
    assert 3 + 5 <= len(restored["support_log"]) <= len(source["support_log"])
    # a snapshot: every log restored with its items, every item with its log
    assert len(restored["support_log_item"]) == len(restored["support_log"]) + 3
    restored_db = make_engine(second_db_url)
    assert current_revision(restored_db) == head_revision(restored_db)
    restored_db.dispose()

    # with nobody writing, a second backup restores to exactly the source, figures and all
    after = back_up(app.db, tmp_path / "after", label="phuong-nhi-chieu", now=NOW)
    again = restore(make_engine(second_db_url), after, secret=KEY, force=True)
    source = rows_of(app.db)
    assert again.tables == sizes(source)
    assert rows_of(second_db_url) == source


def test_a_postgresql_backup_keeps_the_options_of_the_database_url(
    postgres_url: str, tmp_path: Path
):
    url = make_url(postgres_url)
    named = create_engine(url.update_query_dict({"application_name": "gotungnha-backup"}))
    assert back_up(named, tmp_path / "ok", label="x", now=NOW).stat().st_size > 0
    # a certificate pg_dump cannot check: with the URL's sslmode it must refuse, not go on
    checked = url.update_query_dict(
        {"sslmode": "verify-full", "sslrootcert": str(tmp_path / "no-such-root.crt")}
    )
    with pytest.raises(BackupError, match="pg_dump"):
        back_up(create_engine(checked), tmp_path / "refused", label="x", now=NOW)


def test_a_database_that_holds_data_is_not_overwritten_unasked(
    app: App, roster: Roster, tmp_path: Path
):
    roster.joined("Nguyễn Thị Lan").say("vneid 3")
    backup = back_up(app.db, tmp_path, label="x", now=NOW)
    before = rows_of(app.db)
    with pytest.raises(BackupError, match="đã có dữ liệu"):
        restore(app.db, backup, secret=KEY)
    assert rows_of(app.db) == before and len(before["support_log"]) == 1


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_postgresql_restore_that_fails_midway_leaves_the_database_as_it_was(
    app: App, roster: Roster, second_db_url: str, tmp_path: Path
):
    roster.joined("Nguyễn Thị Lan").say("vneid 3")
    backup = back_up(app.db, tmp_path, label="x", now=NOW)
    target = make_engine(second_db_url)
    with target.begin() as connection:  # in the way of the backup's table "ward"
        connection.execute(text("CREATE VIEW ward AS SELECT 1 AS id"))

    with pytest.raises(BackupError, match="vẫn như trước khi khôi phục") as refused:
        restore(target, backup, secret=KEY)
    assert "Traceback" not in str(refused.value)
    assert inspect(target).get_table_names() == []  # no table of the backup's was left
    assert inspect(target).get_view_names() == ["ward"]
    target.dispose()
