"""Loading a checked backup into a database, all or nothing: SQLite through its backup API
(or, over a damaged file, a new file put in its place), PostgreSQL as pg_restore's SQL run
by psql in one transaction; and the pg_dump / psql runs, with the database URL's options.

Usage:
    with removed_on_failure(engine):   # a SQLite file this creates goes if anything fails
        load(engine, backup.source, tables=tables)
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine

from storage.backup_check import BackupError, run_pg_restore
from storage.db import is_postgres, sqlite_file


def load(engine: Engine, source: Path, *, tables: list[str] | None) -> None:
    """The backup's tables and rows in place of this database's, all or nothing. Every table
    there was (`tables`) goes: one of a newer schema than the backup's must not stay."""
    if is_postgres(engine):
        _load_postgres(engine, source, tables=tables or [])
        return
    engine.dispose()
    target = sqlite_path(engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    if tables is not None:
        with closing(sqlite3.connect(source)) as saved, closing(sqlite3.connect(target)) as live:
            saved.backup(live)  # the whole file replaced, in one write transaction
        return
    # a damaged file: SQLite cannot write into it, so a whole new file takes its place
    fresh = target.with_name(f".{target.name}.restore")
    try:
        with closing(sqlite3.connect(source)) as saved, closing(sqlite3.connect(fresh)) as new:
            saved.backup(new)
    except BaseException:
        _remove_sqlite(fresh)
        raise
    _remove_sqlite(target)  # its journal too: it must not be played onto the new file
    os.replace(fresh, target)


def _load_postgres(engine: Engine, source: Path, *, tables: list[str]) -> None:
    """pg_restore writes the archive out as SQL; psql runs it after dropping the tables there
    were, in one transaction (pg_restore --single-transaction cannot drop what the archive
    lacks)."""
    with tempfile.TemporaryDirectory(prefix="gotungnha-restore-") as work:
        script = Path(work) / "restore.sql"
        clean = ["--clean", "--if-exists"] if tables else []
        if run_pg_restore("--no-owner", *clean, f"--file={script}", str(source)).returncode:
            raise BackupError(f"pg_restore không đọc được {source}. Cơ sở dữ liệu đích chưa đổi.")
        drop = ", ".join('"{}"'.format(name.replace('"', '""')) for name in tables)
        first = [f"--command=DROP TABLE IF EXISTS {drop} CASCADE"] if tables else []
        once = ["--single-transaction", "--set=ON_ERROR_STOP=1", "--no-psqlrc", "--quiet"]
        run_pg(
            ["psql", *once, *first, f"--file={script}"],
            engine,
            failed="Không nạp được bản sao lưu vào cơ sở dữ liệu đích, nên nó vẫn như trước "
            "khi khôi phục",  # one transaction: nothing of it stays
        )


@contextmanager
def removed_on_failure(engine: Engine) -> Iterator[None]:
    """A SQLite database the restore creates goes again, with the folders made for it, if
    the restore fails: nothing half-restored is left behind."""
    file = sqlite_file(engine.url)
    if file is None or file.exists():
        yield
        return
    made = [folder for folder in (file.parent, *file.parent.parents) if not folder.exists()]
    try:
        yield
    except BaseException:
        engine.dispose()
        _remove_sqlite(file)
        for folder in made:  # the innermost first
            with suppress(OSError):
                folder.rmdir()
        raise


def _remove_sqlite(file: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{file}{extra}").unlink(missing_ok=True)


def sqlite_path(engine: Engine) -> Path:
    """The file of this SQLite database (one in memory cannot be backed up)."""
    path = sqlite_file(engine.url)
    if path is None:
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return path


def run_pg(args: list[str], engine: Engine, *, failed: str | None = None) -> None:
    """pg_dump / psql on this database, with every option of its URL (sslmode, sslrootcert,
    a socket `host=`…); the password goes in the environment, never on the command line
    (where `ps` shows it). `failed` says what a failure means, before the tool's words."""
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
    if done.returncode != 0:  # its first error, not the statement it quotes after it
        lines = (done.stderr or "").strip().splitlines()
        said = next((ln for ln in lines if "error:" in ln.lower()), lines[-1] if lines else "")
        if failed is None:
            raise BackupError(f"{args[0]} không chạy được: {said or done.returncode}")
        said = said.partition("ERROR:")[2].strip() or said  # not psql's file:line before it
        raise BackupError(f"{failed} (PostgreSQL báo: {said or done.returncode}).")
