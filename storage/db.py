"""Opening the database: SQLite (WAL, foreign keys on) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy is loaded when a database is opened: `gotungnha parse` opens none
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

DEFAULT_URL = "sqlite:///data/gotungnha.db"
READ_ONLY = "gotungnha_read_only"  # execution option of a unit of work that only reads
# a SQLite file's URL as SQLAlchemy reads it with nothing to check: no query, no other driver
_SQLITE_FILE = re.compile(r"sqlite(\+pysqlite)?:///[^?]*")


def normalise_url(url: str) -> str:
    """`postgresql://…` and `postgres://…` use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class BadDatabaseUrl(ValueError):
    """A database URL the bot cannot open; `kind` says why: unreadable, backend or driver."""

    def __init__(self, kind: str, name: str = "") -> None:
        super().__init__(f"{kind}: {name}" if name else kind)
        self.kind, self.name = kind, name


def check_url(url: str) -> None:
    """BadDatabaseUrl unless `database_url` takes `url`; a plain SQLite file's URL is known
    good without loading SQLAlchemy."""
    if _SQLITE_FILE.fullmatch(url.strip()) is None:
        database_url(url)


def database_url(url: str) -> URL:
    """The URL to open: SQLite, or PostgreSQL through psycopg 3 (BadDatabaseUrl otherwise)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(normalise_url(url.strip()))
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise BadDatabaseUrl("unreadable") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend not in ("sqlite", "postgresql"):
        raise BadDatabaseUrl("backend", backend)
    if driver not in {"sqlite": ("", "pysqlite"), "postgresql": ("psycopg",)}[backend]:
        raise BadDatabaseUrl("driver", driver)
    return parsed


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite database (None in memory or on PostgreSQL)."""
    parsed = database_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(url: str = DEFAULT_URL, *, create_folder: bool = True, **kwargs: Any) -> Engine:
    """An engine for the configured database; a SQLite file's folder is created when
    `create_folder` (commands that only read leave a missing database missing)."""
    from sqlalchemy import create_engine

    parsed = database_url(url)
    # a failing statement's error names the statement, never its values: they may be a
    # member's note, with what a citizen said in it
    kwargs.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        file = sqlite_file(parsed)
        if file is not None and create_folder:
            file.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)
        _sqlite_pragmas(engine)
        return engine
    # psycopg prepares a statement on its 6th run on a connection, and PostgreSQL may then
    # keep one generic plan for every period: every ward's quarter totals took about 3x as
    # long from their 11th run on a connection (bench/tallies.py, `steady_state`). Unnamed
    # statements are planned for their own parameters every time.
    connect_args = {"prepare_threshold": None, **kwargs.pop("connect_args", {})}
    # up to 8 chats in the engine and 8 scheduled sends at once, each holding a connection
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _sqlite_pragmas(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # take the write lock at BEGIN: two workers never deadlock upgrading a read lock
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # a long read (a workbook) must not hold the write lock: WAL lets it read alongside
        read_only = connection.get_execution_options().get(READ_ONLY)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    """True on PostgreSQL."""
    return engine.dialect.name == "postgresql"
