"""Backups that restore, on SQLite and PostgreSQL: taken while a member keeps logging, the
backup is a consistent snapshot; restored into an empty database, every table's rows and
every workbook figure are those of the source; a database that holds data is refused."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, make_url, text
from sqlmodel import Session

from bot.app import App
from handlers.messages import Incoming
from reports.scope import ward_scope
from storage import exports, queries
from storage.backup import BackupError, back_up, restore, row_counts
from storage.db import make_engine
from storage.migrate import current_revision, head_revision
from tests.conftest import Roster

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
KEY = b"the deployment's privacy key"


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
    source = row_counts(app.db)
    assert set(counts) == set(source)
    assert 3 + 5 <= counts["support_log"] <= source["support_log"]
    # a snapshot: every log restored with its items, every item with its log
    assert counts["support_log_item"] == counts["support_log"] + 3
    restored_db = make_engine(second_db_url)
    assert current_revision(restored_db) == head_revision(restored_db)
    restored_db.dispose()

    # with nobody writing, a second backup restores to exactly the source, figures and all
    after = back_up(app.db, tmp_path / "after", label="phuong-nhi-chieu", now=NOW)
    again = restore(make_engine(second_db_url), after, secret=KEY, force=True)
    assert again.tables == row_counts(app.db)
    assert figures(second_db_url) == figures(app.config.database.url)


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
    with pytest.raises(BackupError, match="đã có dữ liệu"):
        restore(app.db, backup, secret=KEY)
    assert row_counts(app.db)["support_log"] == 1


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
