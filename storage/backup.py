"""Backups that restore: SQLite through its online backup API (consistent while the bot
keeps writing), PostgreSQL through pg_dump's custom format; restore into an empty database.

Usage:
    path = back_up(engine, folder, label="phuong-nhi-chieu", now=now)
    counts = restore(engine, path)   # refuses a database that holds anything
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlmodel import SQLModel

from storage.db import is_postgres, sqlite_file

SQLITE_SUFFIX = ".db.gz"
POSTGRES_SUFFIX = ".dump"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, in Vietnamese."""


def back_up(engine: Engine, folder: Path, *, label: str, now: datetime) -> Path:
    """Write a compressed backup named with the deployment's label and the time."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"gotungnha-{label}-{now:%Y%m%d-%H%M%S}"
    if is_postgres(engine):
        path = folder / (stem + POSTGRES_SUFFIX)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"], engine)
        return path
    path = folder / (stem + SQLITE_SUFFIX)
    source = _sqlite_path(engine)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "copy.db"
        with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
            live.backup(target)  # page by page, a consistent snapshot while others write
        with copy.open("rb") as raw, gzip.open(path, "wb") as packed:
            shutil.copyfileobj(raw, packed)
    return path


def restore(engine: Engine, path: Path, *, force: bool = False) -> dict[str, int]:
    """Load a backup into this database (empty, unless `force`); its rows per table."""
    if not path.is_file():
        raise BackupError(f"Không thấy tệp sao lưu {path}.")
    if not force and (tables := inspect(engine).get_table_names()):
        raise BackupError(
            f"Cơ sở dữ liệu đích đã có dữ liệu ({len(tables)} bảng). Khôi phục vào một cơ sở "
            "dữ liệu trống, hoặc thêm --force để ghi đè."
        )
    if is_postgres(engine):
        if not path.name.endswith(POSTGRES_SUFFIX):
            raise BackupError("Tệp này là bản sao lưu SQLite; cơ sở dữ liệu đích là PostgreSQL.")
        clean = ["--clean", "--if-exists"] if force else []
        _run(["pg_restore", "--no-owner", "--exit-on-error", *clean, str(path)], engine)
    else:
        if not path.name.endswith(SQLITE_SUFFIX):
            raise BackupError("Tệp này là bản sao lưu PostgreSQL; cơ sở dữ liệu đích là SQLite.")
        engine.dispose()
        target = _sqlite_path(engine)
        with tempfile.TemporaryDirectory() as work:
            copy = Path(work) / "copy.db"
            with gzip.open(path, "rb") as packed, copy.open("wb") as raw:
                shutil.copyfileobj(packed, raw)
            with sqlite3.connect(copy) as saved, sqlite3.connect(target) as live:
                saved.backup(live)
    engine.dispose()
    return row_counts(engine)


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


def _sqlite_path(engine: Engine) -> Path:
    path = sqlite_file(engine.url)
    if path is None:
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return path


def _run(args: list[str], engine: Engine) -> None:
    """pg_dump / pg_restore on this database, with every option of its URL (sslmode,
    sslrootcert, a socket `host=`…); the password goes in the environment, never on the
    command line (where `ps` shows it)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    # libpq reads the URL itself, query options included; without the driver's name
    conninfo = url.set(drivername="postgresql", password=None)
    where = [f"--dbname={conninfo.render_as_string(hide_password=False)}"]
    if shutil.which(args[0]) is None:
        raise BackupError(f"Máy này chưa có {args[0]} (gói postgresql-client).")
    done = subprocess.run(
        [args[0], *where, *args[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = (done.stderr or "").strip().splitlines()
        raise BackupError(f"{args[0]} không chạy được: {lines[-1] if lines else done.returncode}")
