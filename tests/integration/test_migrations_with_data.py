"""Migrations run down and up again with a ward's data in the tables (SQLite and PostgreSQL).

An operator who rolls back a release (Alembic downgrade) and upgrades again must find the
ward as it was: its roster, chat accounts and every support log. The data is loaded the way
the bot makes it (the demo ward, members chatting, a tick of the scheduler, the officer's
helpers); what the tables hold is read back with plain SQL.

What a downgrade cannot keep, by design, and these tests expect: a table a migration
created is dropped with its rows (and comes back empty, the deadlines re-seeded by 0002);
columns a migration added lose their values; upgrading through 0011 empties
processed_message and support_log.message_key (they held chat ids).
"""

from __future__ import annotations

import asyncio
import io
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from bot.config import BackupConfig, Config, DatabaseConfig, VoiceConfig
from handlers.admin import add_unit
from handlers.demo import load_demo
from handlers.messages import Incoming
from schedules.jobs import tick
from storage import bot_usage, campaigns, deadlines, targets, units, web_sessions
from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade
from storage.models import Member, TargetPer, Team, Ward
from tests.conftest import BACKENDS, PG_SERVER, Clock

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# the tables each revision creates, read off storage/migrations/versions by hand
CREATED = {
    "0001": {
        "conversation_state",
        "processed_message",
        "service",
        "ward",
        "residential_group",
        "team",
        "member",
        "audit_entry",
        "chat_identity",
        "group_chat",
        "invite_code",
        "support_log",
        "support_log_item",
    },
    "0002": {"deadline", "deadline_submission"},
    "0003": {"outbox_message"},
    "0004": {"target"},
    "0005": set(),
    "0006": set(),
    "0007": {"unit", "model_registration"},
    "0008": {"web_session"},
    "0009": {"bot_usage", "bot_pause"},
    "0010": {"invite_attempt"},
    "0011": set(),
    "0012": {"erasure_log"},
    "0013": set(),
    "0014": {"bot_sender"},
    "0015": {"campaign"},
    "0016": set(),
    "0017": set(),
}
REVISIONS = list(CREATED)
# the ward's lasting data, as plain SQL reads it: every column no migration adds or empties
CORE = {
    "ward": "SELECT id, name FROM ward",
    "residential_group": "SELECT id, ward_id, name FROM residential_group",
    "team": "SELECT id, ward_id, residential_group_id, name FROM team",
    "member": "SELECT id, team_id, name, phone, role, nudges, consent_at IS NOT NULL, "
    "erased_at IS NOT NULL FROM member",
    "chat_identity": "SELECT id, member_id, platform, user_id, display_name FROM chat_identity",
    "invite_code": "SELECT code, member_id, used_at IS NOT NULL FROM invite_code",
    "service": "SELECT id, code, name, active, position FROM service",
    "support_log": "SELECT id, member_id, team_id, day, people, households, place, note, "
    "platform, deleted_at IS NOT NULL FROM support_log",
    "support_log_item": "SELECT log_id, service_id, count FROM support_log_item",
    "group_chat": "SELECT id, platform, chat_id, ward_id, team_id, title FROM group_chat",
    "audit_entry": "SELECT id, member_id, action FROM audit_entry",
    "conversation_state": "SELECT platform, chat_id, user_id, step FROM conversation_state",
}


# the migrations that rebuild, on SQLite (batch mode: copy, DROP TABLE, rename), a table
# other rows point at: the downgrades of 0009 and 0005 rebuild member, that of 0007
# deadline; the upgrade to 0005 rebuilds member too. With foreign keys on, SQLite refused
# to drop the old table once rows pointed at it ("FOREIGN KEY constraint failed"): a
# database of a release at 0004 with a member in it could not be upgraded. Migrations now
# run with foreign keys off and checked at the end (storage/migrations/env.py)
REBUILDS_REFERENCED = {"0009", "0007", "0005"}  # their downgrades
REBUILDS_REFERENCED_UP = "0005"  # its upgrade


def _config(url: str, folder: Path) -> Config:
    return replace(
        Config(),
        database=DatabaseConfig(url=url),
        bot=replace(Config().bot, exports_dir=str(folder / "exports")),
        backup=BackupConfig(dir=str(folder / "backups"), time=""),
        voice=VoiceConfig(enabled=False),
    )


def _clock() -> Clock:
    """Monday 23/11/2026, 10:00 in Hải Phòng, as the suite's clock."""
    return Clock(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))


def _postgres(name: str, *, sql: str) -> None:
    admin = create_engine(make_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(sql.format(name=name)))
    finally:
        admin.dispose()


def _pg_url(name: str) -> str:
    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """The loaded database of a backend, made once for the module: a SQLite file, or a
    PostgreSQL database to copy (CREATE DATABASE … TEMPLATE)."""
    made: dict[str, str] = {}

    def get(backend: str) -> str:
        if backend not in made:
            folder = tmp_path_factory.mktemp("loaded")
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'loaded.db'}"
            else:
                name = f"gotungnha_loaded_{uuid.uuid4().hex[:10]}"
                _postgres(name, sql='CREATE DATABASE "{name}"')
                url = _pg_url(name)
            made[backend] = url
            app = build_app(_config(url, folder), clock=_clock())
            try:
                _load(app, app.clock, folder)
            finally:
                app.db.dispose()
        return made[backend]

    yield get
    if "postgresql" in made:
        name = make_url(made["postgresql"]).database
        _postgres(str(name), sql='DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def loaded_url(backend: str, templates: Callable[[str], str], tmp_path: Path) -> Iterator[str]:
    """A copy of the loaded database of `backend`, for this test alone."""
    template = templates(backend)
    if backend == "sqlite":
        path = tmp_path / "gotungnha.db"
        shutil.copy(str(make_url(template).database), path)
        yield f"sqlite:///{path}"
        return
    name = f"gotungnha_test_{uuid.uuid4().hex[:10]}"
    source = make_url(template).database
    _postgres(name, sql=f'CREATE DATABASE "{{name}}" TEMPLATE "{source}"')
    yield _pg_url(name)
    _postgres(name, sql='DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def loaded(loaded_url: str) -> Iterator[Engine]:
    """An engine on the copy, as the bot opens it."""
    engine = make_engine(loaded_url)
    yield engine
    engine.dispose()


def _load(app: App, clock: Clock, tmp_path: Path) -> None:
    now = clock()
    with app.uow() as uow:
        demo = load_demo(uow, now=now, zone=ZONE, invite_days=30)
        uow.commit()
    assert demo.logs > 0
    lan, leader, officer = (
        ConsoleChat(app.engine, user_id=u) for u in ("demo", "totruong", "canbo")
    )
    assert "Đã ghi" in lan.say("vneid 3 sskdt 2 @ ngõ 5 gc: nhà văn hoá")
    assert "Đã ghi" in lan.say("smart hp 2")
    assert "Đã hoàn tác" in lan.say("/huy")  # a deleted log
    assert "Đã ghi nhận" in leader.say("/danop")  # the quarter's report: a submission
    group = Incoming(
        "console", "nhom-1", "totruong", text="/lienket", message_key="g1", is_group=True
    )
    assert "Đã liên kết" in app.engine.handle(group)[0].text
    assert officer.send("/xuat")[0].document is not None  # an export in the audit log
    ConsoleChat(app.engine, user_id="la").say("/thamgia SAIMA123")  # a wrong invite code
    nga = ConsoleChat(app.engine, user_id="nga")
    nga.say("/xoadulieucuatoi")
    assert "Đã xoá dữ liệu" in nga.say("1")
    ConsoleChat(app.engine, user_id="tam").say("/ghi")  # left half-way: a pending step
    with app.uow() as uow:
        session = uow.session
        ward = session.exec(select(Ward)).one()
        team = session.exec(select(Team).where(Team.name == "Tổ CNSCĐ TDP 1")).one()
        minh = session.exec(select(Member).where(Member.name == "Phạm Văn Minh")).one()
        assert ward.id is not None and team.id is not None and minh.id is not None
        deadlines.add_deadline(
            session,
            ward_id=ward.id,
            name="Đăng ký mô hình",
            repeat="once",
            before=date(2026, 12, 20),
            lead_days=[7, 3, 1, 0],
            now=now,
            audience="units",
        )
        targets.set_target(session, team_id=team.id, service="vneid", period="quarter", count=100)
        unit, rep, _invite = add_unit(
            uow,
            name="Trường THCS Nhị Chiểu",
            kind="school",
            representative="Nguyễn Thị Hạnh",
            ward=ward.name,
            now=now,
            invite_days=30,
        )
        assert unit.id is not None and rep.id is not None
        values = {f: f"Mô hình {f}" for f in units.FIELDS}
        units.save_model(session, unit_id=unit.id, values=values, member_id=rep.id, now=now)
        web_sessions.issue_link(session, minh.id, now=now)
        bot = ("zalo", "to1")
        bot_usage.add_sent(session, bot, month="2026-11", kind="weekly_tally", count=3)
        bot_usage.add_sender(session, bot, month="2026-11", sender="a" * 64)
        bot_usage.pause(session, bot, now=now, reason="quota")
        campaigns.add_campaign(  # its launch goes to the officer with the tick below
            session,
            name="Tháng cao điểm Sổ sức khỏe điện tử",
            services=["sskdt", "vneid"],
            first_day=date(2026, 11, 1),
            last_day=date(2026, 11, 30),
            target=200,
            per=TargetPer.WARD,
            ward_id=ward.id,
            now=now,
        )
        uow.commit()
    sender = ChannelSender(console=io.StringIO())
    charts = tmp_path / "charts"
    summary = asyncio.run(tick(app.uow, sender, now=now, zone=ZONE, charts_dir=charts))
    assert summary.sent > 0  # the weekly tallies: outbox rows


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def counts(engine: Engine) -> dict[str, int]:
    """Rows in each table."""
    with engine.connect() as connection:
        return {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
            for t in sorted(tables(engine))
        }


def core(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The lasting data, table by table, sorted."""
    with engine.connect() as connection:
        return {
            t: sorted((tuple(r) for r in connection.execute(text(q))), key=repr)
            for t, q in CORE.items()
        }


def schema_differences(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def down(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def up(engine: Engine, revision: str) -> None:
    command.upgrade(alembic_config(engine), revision)


def step_down(url: str, engine: Engine) -> None:
    """One revision down."""
    at = current_revision(engine)
    assert at is not None
    down(engine, REVISIONS[REVISIONS.index(at) - 1])


def step_up(url: str, engine: Engine) -> None:
    """One revision up."""
    at = current_revision(engine)
    assert at is not None
    up(engine, REVISIONS[REVISIONS.index(at) + 1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_migration_goes_down_and_up_again_with_data_in_the_tables(
    loaded: Engine, loaded_url: str
):
    assert current_revision(loaded) == head_revision(loaded) == REVISIONS[-1]
    expected = counts(loaded)
    assert set(expected) == set().union(*CREATED.values())  # the list above is complete
    assert [t for t, n in expected.items() if n == 0] == []  # and every table holds data
    kept = core(loaded)
    wards = expected["ward"]
    for revision, parent in reversed(list(zip(REVISIONS[1:], REVISIONS, strict=False))):
        step_down(loaded_url, loaded)
        assert current_revision(loaded) == parent
        for table in CREATED[revision]:
            del expected[table]
        assert counts(loaded) == expected, f"down to {parent}"
        assert core(loaded) == kept, f"down to {parent}"

        step_up(loaded_url, loaded)  # one step up again, then down again to go on
        assert current_revision(loaded) == revision
        again = dict(expected, **dict.fromkeys(CREATED[revision], 0))  # back, empty
        if revision == "0002":
            again["deadline"] = 2 * wards  # the directive's two, for each ward there is
        if revision == "0011":  # the old message keys go
            expected["processed_message"] = again["processed_message"] = 0
            with loaded.connect() as connection:
                keys = "SELECT count(*) FROM support_log WHERE message_key IS NOT NULL"
                assert connection.execute(text(keys)).scalar_one() == 0
        assert counts(loaded) == again, f"up to {revision}"
        assert core(loaded) == kept, f"up to {revision}"
        step_down(loaded_url, loaded)
    assert tables(loaded) == CREATED["0001"]

    down(loaded, "base")  # the first revision's tables go too
    assert tables(loaded) == set()
    upgrade(loaded)
    assert tables(loaded) == set().union(*CREATED.values())
    assert schema_differences(loaded) == []


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize(
    ("revision", "direction"),
    [(r, "down") for r in sorted(REBUILDS_REFERENCED, reverse=True)]
    + [(REBUILDS_REFERENCED_UP, "up")],
)
def test_the_sqlite_migrations_that_rebuild_a_referenced_table_run_with_data(
    loaded: Engine, loaded_url: str, revision: str, direction: str
):
    """Each such step alone, with the bot's engine (foreign keys on): PostgreSQL runs them
    in the test above."""
    while current_revision(loaded) != revision:
        step_down(loaded_url, loaded)
    kept = core(loaded)
    if direction == "down":
        down(loaded, REVISIONS[REVISIONS.index(revision) - 1])
    else:
        step_down(loaded_url, loaded)
        up(loaded, revision)
    assert core(loaded) == kept


@pytest.mark.parametrize(
    ("backend", "lowest"),
    [
        pytest.param(backend, lowest, id=f"{backend}-to-{lowest}")
        for backend in BACKENDS
        for lowest in ("0009", REVISIONS[0])
    ],
)
def test_a_round_trip_down_and_up_keeps_the_ward_and_the_bot_answers_alike(
    loaded: Engine, loaded_url: str, lowest: str, tmp_path: Path
):
    def officer_stats() -> str:
        app = build_app(_config(loaded_url, tmp_path), clock=_clock())
        try:
            return ConsoleChat(app.engine, user_id="canbo").say("/thongke")
        finally:
            app.db.dispose()

    stats = officer_stats()
    kept = core(loaded)
    before = counts(loaded)
    while (at := current_revision(loaded)) != lowest:  # step by step, as written
        assert at is not None
        down(loaded, REVISIONS[REVISIONS.index(at) - 1])
        assert core(loaded) == kept, f"down to {current_revision(loaded)}"
    upgrade(loaded)
    assert current_revision(loaded) == REVISIONS[-1]
    assert schema_differences(loaded) == []
    assert core(loaded) == kept
    after = counts(loaded)
    for table in CREATED["0001"] - {"processed_message"}:  # emptied by 0011
        assert after[table] == before[table], table
    assert "Tuần này" in stats and "Số lượt hỗ trợ" in stats
    assert officer_stats() == stats  # the ward's week and month, as the officer sees them


# a ward as an early release stored it: plain SQL, in the columns of the first revision
EARLY_WARD = (
    "INSERT INTO ward (id, name, created_at) VALUES (1, 'Phường Nhị Chiểu', :at)",
    "INSERT INTO residential_group (id, ward_id, name) VALUES (1, 1, 'TDP 1')",
    "INSERT INTO team (id, ward_id, residential_group_id, name) VALUES (1, 1, 1, 'Tổ 1')",
    "INSERT INTO member (id, team_id, name, phone, role, nudges, created_at, consent_at) "
    "VALUES (1, 1, 'Nguyễn Thị Lan', '0912345678', 'leader', true, :at, :at)",
    "INSERT INTO chat_identity (id, member_id, platform, user_id, linked_at) "
    "VALUES (1, 1, 'telegram', '4242', :at)",
    "INSERT INTO invite_code (code, member_id, created_at, expires_at, used_at) "
    "VALUES ('K7M3PX9Q', 1, :at, :at, :at)",
    "INSERT INTO service (id, code, name, aliases, active, position) "
    "VALUES (1, 'vneid', 'Cài đặt VNeID', '[]', true, 1)",
    "INSERT INTO support_log (id, member_id, team_id, day, households, created_at) "
    "VALUES (1, 1, 1, '2026-11-20', 2, :at)",
    "INSERT INTO support_log_item (log_id, service_id, count) VALUES (1, 1, 3)",
)


@pytest.mark.parametrize(
    ("db_url", "revision"),
    [
        pytest.param(backend, revision, id=f"{backend}-{revision}")
        for backend in BACKENDS
        for revision in ("0004", "0005")
    ],
    indirect=["db_url"],
)
def test_a_database_of_an_early_release_with_a_ward_in_it_upgrades_to_the_code(
    second_db_url: str, revision: str
):
    """Minimal: one member with a chat account and a log, at `revision`; then upgrade."""
    engine = make_engine(second_db_url)
    try:
        command.upgrade(alembic_config(engine), revision)
        with engine.begin() as connection:
            for sql in EARLY_WARD:
                connection.execute(text(sql), {"at": "2026-11-20 02:00:00+00:00"})
        upgrade(engine)
        assert current_revision(engine) == REVISIONS[-1]
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT m.name, i.user_id, l.day, l.households, s.code, x.count "
                    "FROM member m JOIN chat_identity i ON i.member_id = m.id "
                    "JOIN support_log l ON l.member_id = m.id "
                    "JOIN support_log_item x ON x.log_id = l.id "
                    "JOIN service s ON s.id = x.service_id"
                )
            ).all()
        found = [(name, user, str(day), *rest) for name, user, day, *rest in rows]
        assert found == [("Nguyễn Thị Lan", "4242", "2026-11-20", 2, "vneid", 3)]
    finally:
        engine.dispose()


def test_foreign_keys_are_on_again_once_sqlite_has_migrated(tmp_path: Path):
    """Migrations run with foreign keys off: the connection they used goes back to the pool
    with them on, so a row pointing nowhere is still refused afterwards."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}", poolclass=StaticPool)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text("INSERT INTO team (id, ward_id, name) VALUES (1, 999, 'Tổ không phường')")
            )
    finally:
        engine.dispose()
