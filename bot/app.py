"""The composition root: configuration -> database -> engine. Nothing else builds these."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported by what builds them: a command line's quick commands build nothing
    from sqlalchemy import Engine as DbEngine

    from bot.config import Config
    from bot.web.metrics import Metrics
    from handlers.engine import Engine
    from storage.uow import UowFactory

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class DatabaseNotReady(RuntimeError):
    """The schema is older than the code and upgrading on start is turned off."""


def system_clock() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


@dataclass
class App:
    """Everything a command or a channel needs, built once."""

    config: Config
    db: DbEngine
    uow: UowFactory
    engine: Engine
    clock: Clock
    metrics: Metrics


def open_database(config: Config) -> DbEngine:
    """The database, upgraded to the code's schema (or a clear error when not allowed to)."""
    from storage.db import make_engine
    from storage.migrate import is_up_to_date, upgrade

    db = make_engine(config.database.url)
    if not is_up_to_date(db):
        if not config.database.auto_upgrade:
            raise DatabaseNotReady("Cơ sở dữ liệu chưa được nâng cấp. Chạy: gotungnha db upgrade")
        log.info("database upgrade")
        upgrade(db)
    return db


def build_app(config: Config, *, clock: Clock = system_clock) -> App:
    """Open the database, bring the catalogue in line with the config, build the engine."""
    from bot.voice.engines import missing
    from bot.web.links import COPIES
    from bot.web.metrics import Metrics
    from handlers.admin import sync_catalogue
    from handlers.context import BotSeat, Settings
    from handlers.engine import Engine
    from schedules import city_chat
    from schedules import commands as deadline_commands
    from schedules.sending import MAX_ATTEMPTS
    from storage.uow import UnitOfWork, uow_factory

    db = open_database(config)
    with UnitOfWork(db) as uow:
        sync_catalogue(uow.session, config.services)
        uow.commit()
    settings = Settings(
        timezone=config.zone,
        invite_days=config.bot.invite_days,
        undo_hours=config.bot.undo_hours,
        exports_dir=Path(config.bot.exports_dir),
        link_copies=COPIES,
        backup_days=config.backup.keep_days,
        web_url=config.dashboard_url,
        bots={
            ("zalo", b.name): BotSeat(b.label, b.max_users, b.count_incoming)
            for b in config.zalo.all_bots
        },
        key=config.privacy_key,
        voice=config.voice.enabled and not missing(config.voice.engine),
        keep_photos=config.privacy.keep_photos,
    )
    factory = uow_factory(db)
    quotas = {("zalo", b.name): b.monthly_messages for b in config.zalo.all_bots}
    metrics = Metrics(db, zone=config.zone, clock=clock, quotas=quotas, max_attempts=MAX_ATTEMPTS)
    engine = Engine(
        factory,
        clock=clock,
        settings=settings,
        routers=(deadline_commands.router, city_chat.router),
        observe=metrics.handled,
    )
    return App(config, db, factory, engine, clock, metrics)


class RedactingFormatter(logging.Formatter):
    """Formats a log line, then blanks out every secret (tokens sit inside API URLs)."""

    def __init__(self, fmt: str, secrets: tuple[str, ...]) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        for secret in self._secrets:
            line = line.replace(secret, "***")
        return line


def configure_logging(level: str, *, secrets: tuple[str, ...] = ()) -> None:
    """One line per event on stderr, secrets never shown."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet = max(logging.WARNING, root.level)
    # Alembic announces its dialect on every start; httpx logs every request URL and
    # python-telegram-bot its API URL at DEBUG (the token is in both): only their
    # warnings matter to an admin, and no record carrying a token is ever made. SQLAlchemy
    # at INFO and DEBUG would log every statement and row read (notes, names): its own
    # default (WARNING) is made explicit, so a DEBUG log still holds no one's text
    for name in ("alembic", "httpx", "httpcore", "apscheduler", "telegram", "sqlalchemy"):
        logging.getLogger(name).setLevel(quiet)
