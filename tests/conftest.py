"""Fixtures: a migrated database on SQLite and on PostgreSQL, a settable clock, chats.

PostgreSQL tests are never skipped: they fail when the server is unreachable. The server
is `GOTUNGNHA_TEST_PG_URL` (default postgresql://postgres@127.0.0.1:5432/postgres); one
fresh database is created per test run and dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import BackupConfig, Config, DatabaseConfig, VoiceConfig
from handlers.admin import add_member
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import ChatIdentity, Role
from tests import hypothesis_profiles  # noqa: F401  (loads the "ci" profile when CI is set)

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PG_SERVER = os.environ.get(
    "GOTUNGNHA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]
# a bot started by a test (`python -m bot run`) makes no daily backup in the folder it runs
# in; the daily backup has its own tests
os.environ["GOTUNGNHA_BACKUP_TIME"] = ""
# nor does it load a speech engine: the voice tests turn voice on themselves
os.environ["GOTUNGNHA_VOICE_ENABLED"] = "false"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set_local(self, *args: int) -> None:
        """Set the time as a wall clock in Hải Phòng reads it."""
        self.now = datetime(*args, tzinfo=ZONE).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test run."""
    server = make_url(PG_SERVER)
    name = f"gotungnha_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - the message is the point
        pytest.fail(f"PostgreSQL is required for the test suite ({server!r}): {exc}")
    url = server.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "gotungnha.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def second_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty (unmigrated) database of the same kind, e.g. to restore into."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second' / 'gotungnha.db'}"
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


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    """An engine on the empty database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    """Monday 23/11/2026, 10:00 in Hải Phòng."""
    c = Clock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    return c


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> Config:
    """Defaults, on the test database, workbooks in the test's folder."""
    bot = replace(Config().bot, exports_dir=str(tmp_path / "exports"))
    # no daily backup from a running bot: tests/integration/test_daily_backup has its own
    backup = BackupConfig(dir=str(tmp_path / "backups"), time="")
    voice = VoiceConfig(enabled=False)  # tests/*/test_voice_* turn it on
    return replace(
        Config(), database=DatabaseConfig(url=db_url), bot=bot, backup=backup, voice=voice
    )


@pytest.fixture
def app(config: Config, clock: Clock) -> Iterator[App]:
    """The whole bot on the test database, with the test clock."""
    built = build_app(config, clock=clock)
    yield built
    built.db.dispose()


class Roster:
    """Puts people on the roster and joins them, as an officer would."""

    def __init__(self, app: App) -> None:
        self.app = app

    def add(
        self,
        name: str,
        *,
        team: str = "Tổ CNSCĐ TDP 1",
        role: Role = Role.MEMBER,
        ward: str = "Phường Nhị Chiểu",
        phone: str | None = None,
    ) -> str:
        """Add a person; returns their invite code."""
        with self.app.uow() as uow:
            _member, invite = add_member(
                uow,
                team=team,
                name=name,
                phone=phone,
                role=role,
                ward=ward,
                now=self.app.clock(),
                invite_days=30,
            )
            uow.commit()
            return invite.code

    def joined(self, name: str, *, user: str | None = None, **kwargs: object) -> ConsoleChat:
        """Add a person who has already joined on the console; returns their chat."""
        code = self.add(name, **kwargs)  # type: ignore[arg-type]
        user = user or f"u{uuid.uuid4().hex[:8]}"
        chat = ConsoleChat(self.app.engine, user_id=user)
        chat.say(f"/thamgia {code}")
        answer = chat.say("1")
        assert "Chào mừng" in answer, answer
        return chat


@pytest.fixture
def roster(app: App) -> Roster:
    return Roster(app)


@pytest.fixture
def member(roster: Roster) -> ConsoleChat:
    """A joined member of Tổ CNSCĐ TDP 1."""
    return roster.joined("Nguyễn Thị Lan")


def identities(app: App) -> list[ChatIdentity]:
    """Every linked chat account."""
    from sqlmodel import select

    with app.uow() as uow:
        return list(uow.session.exec(select(ChatIdentity)))
