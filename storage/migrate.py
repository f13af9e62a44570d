"""Alembic, driven from code: `gotungnha db upgrade` and the check every command makes."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from storage.db import is_postgres

MIGRATIONS = Path(__file__).parent / "migrations"
_UPGRADE_LOCK = 471_130_001  # PostgreSQL advisory lock: one worker migrates at a time


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at our migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    """The newest migration in the code."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None when empty)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_up_to_date(engine: Engine) -> bool:
    """True when the database schema matches the code."""
    return current_revision(engine) == head_revision(engine)


def not_ready(engine: Engine) -> str | None:
    """Why this database cannot serve the code now ("unreachable", "schema behind"), or
    None when it can. Never the driver's message: it may name the host or the user."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        behind = not is_up_to_date(engine)
    except Exception:
        return "database unreachable"
    return "schema behind the code: run gotungnha db upgrade" if behind else None


def upgrade(engine: Engine) -> None:
    """Apply every pending migration (safe with several workers starting at once)."""
    config = alembic_config(engine)
    if not is_postgres(engine):
        command.upgrade(config, "head")
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _UPGRADE_LOCK})
        connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _UPGRADE_LOCK})
            connection.commit()
