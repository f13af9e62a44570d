"""Backups that restore: SQLite through its online backup API (consistent while the bot
keeps writing), PostgreSQL through pg_dump's custom format; restore into an empty database.

A restore does again every erasure (/xoadulieucuatoi) made after the backup was taken: the
erasure log of the database it overwrites (and of `erasures_from`, e.g. the old database
when restoring into a new one) is read first, written back after, and each member it names
who is back in the restored data is erased again (storage/erasure.py).

A restore checks the file before anything else (kind, wholeness, version: a BackupError in
Vietnamese when it will not do), then the database, and loads all of it or nothing.

Usage:
    path = back_up(engine, folder, label="phuong-nhi-chieu", now=now)
    done = restore(engine, path, secret=key)   # refuses a database that holds anything
    done.tables, done.erasures_redone
"""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError
from sqlmodel import SQLModel

from storage.backup_check import POSTGRES, SQLITE, BackupError, checked_backup
from storage.backup_load import load, removed_on_failure, run_pg, sqlite_path
from storage.db import is_postgres, sqlite_file
from storage.erasure import LoggedErasure, erasure_log, redo_erasures
from storage.migrate import head_revision, is_up_to_date, upgrade
from storage.types import utcnow

SQLITE_SUFFIX = ".db.gz"
POSTGRES_SUFFIX = ".dump"
__all__ = [
    "POSTGRES_SUFFIX",
    "SQLITE_SUFFIX",
    "BackupError",
    "Restored",
    "back_up",
    "restore",
    "row_counts",
]


@dataclass(frozen=True)
class Restored:
    """What a restore did: the rows per table, the erasures done again, whether the schema
    was brought up to the code's to do them, and the erasure logs that could not be read."""

    tables: dict[str, int]
    erasures_redone: int = 0
    upgraded: bool = False
    unread_logs: list[str] = field(default_factory=list)


def back_up(engine: Engine, folder: Path, *, label: str, now: datetime) -> Path:
    """Write a compressed backup named with the deployment's label and the time."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"gotungnha-{label}-{now:%Y%m%d-%H%M%S}"
    if is_postgres(engine):
        path = folder / (stem + POSTGRES_SUFFIX)
        run_pg(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"], engine)
        return path
    path = folder / (stem + SQLITE_SUFFIX)
    source = sqlite_path(engine)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "copy.db"
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
            live.backup(target)  # page by page, a consistent snapshot while others write
        with copy.open("rb") as raw, gzip.open(path, "wb") as packed:
            shutil.copyfileobj(raw, packed)
    return path


def restore(
    engine: Engine,
    path: Path,
    *,
    secret: bytes,
    force: bool = False,
    erasures_from: Sequence[Engine] = (),
    now: datetime | None = None,
) -> Restored:
    """Load a backup into this database (empty, unless `force`), then do again the erasures
    made after the backup was taken: those logged in this database before it was overwritten
    and in `erasures_from`. `secret` is the deployment's key ([privacy] key).

    The file is checked whole first (storage/backup_check.py), then the database. A restore
    that fails leaves the database as it was (PostgreSQL: one transaction; SQLite: its backup
    API), and a SQLite file it created is removed."""
    with checked_backup(path, head=head_revision(engine)) as backup:
        kind = POSTGRES if is_postgres(engine) else SQLITE
        if backup.kind != kind:
            raise BackupError(
                f"Tệp {path} là bản sao lưu {backup.kind}; cơ sở dữ liệu đích là {kind}. Đặt "
                f"[database] url là một cơ sở dữ liệu {backup.kind} trống rồi khôi phục lại."
            )
        tables = _tables(engine)  # None: a SQLite file that is not a database (any more)
        if tables is None and not force:
            raise BackupError(
                "Cơ sở dữ liệu đích bị hỏng, không đọc được. Thêm --force để thay nó bằng bản "
                "sao lưu."
            )
        if tables and not force:
            raise BackupError(
                f"Cơ sở dữ liệu đích đã có dữ liệu ({len(tables)} bảng). Khôi phục vào một cơ sở "
                "dữ liệu trống, hoặc thêm --force để ghi đè."
            )
        earlier: list[LoggedErasure] = []
        unread: list[str] = []
        overwritten = [engine] if tables != [] else []  # held data, or damaged: read its log
        for source in overwritten + list(erasures_from):
            try:
                earlier += erasure_log(source)
            except SQLAlchemyError:  # a damaged database: say so, restore all the same
                unread.append(source.url.render_as_string(hide_password=True))
        with removed_on_failure(engine):
            load(engine, backup.source, tables=tables)
            engine.dispose()
            upgraded = False
            if earlier and not is_up_to_date(engine):  # an older backup: erasing needs today's
                upgrade(engine)
                upgraded = True
            when = now or utcnow()
            redone = redo_erasures(engine, earlier, secret=secret, now=when) if earlier else 0
            counts = row_counts(engine)
    return Restored(counts, redone, upgraded, unread)


def _tables(engine: Engine) -> list[str] | None:
    """The database's tables: none for a SQLite file not there yet (left uncreated), None
    for one that cannot be read."""
    file = sqlite_file(engine.url)
    if file is not None and not file.exists():
        return []
    try:
        return inspect(engine).get_table_names()
    except OperationalError:  # cannot be opened at all (no folder, no right): the caller says
        raise
    except DatabaseError:
        if file is None:
            raise
        engine.dispose()
        return None


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of ours (and the migration version table)."""
    names = set(inspect(engine).get_table_names())
    counts = {}
    with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in names:
                counts[table.name] = int(
                    connection.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()
                )
    return counts
