"""Alembic environment: the engine (or connection) comes from storage.migrate."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = config.attributes["engine"]
    with engine.connect() as connection, _foreign_keys_held(connection):
        _run(connection)
        _check_foreign_keys(connection)
        connection.commit()


@contextmanager
def _foreign_keys_held(connection: Connection) -> Iterator[None]:
    """On SQLite, foreign keys are off while migrating and checked at the end instead.

    A batch migration rebuilds a table by copying it, dropping the old one and renaming the
    copy: with foreign keys on, SQLite refuses to drop a table other rows point at (a member
    with a chat account, a log), so such a migration failed on any database holding data.
    The pragma only takes effect outside a transaction, hence the driver's own connection,
    before SQLAlchemy begins one; it is turned back on before the connection goes back to
    the pool."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    """Nothing is committed while a row points at a row that is not there (SQLite)."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = ", ".join(sorted({str(row[0]) for row in broken}))
        raise RuntimeError(
            f"Nâng cấp dừng lại, dữ liệu giữ nguyên: {len(broken)} dòng trỏ tới dòng không "
            f"còn (bảng {tables})."
        )


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
