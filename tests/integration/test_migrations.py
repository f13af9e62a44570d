"""The schema comes from Alembic migrations, and the migrations match the models."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    is_up_to_date,
    upgrade,
)


def test_upgrade_head_on_the_empty_test_database_leaves_nothing_to_migrate(db: Engine):
    assert current_revision(db) == head_revision(db)
    assert is_up_to_date(db)


def test_models_and_migrations_agree(db: Engine):
    with db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_every_model_table_exists_after_the_migrations(db: Engine):
    tables = set(inspect(db).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables


def test_upgrading_twice_changes_nothing(db: Engine):
    before = current_revision(db)
    upgrade(db)
    assert current_revision(db) == before


def test_wards_that_existed_before_deadlines_get_the_directives_deadlines(tmp_path):
    db = make_engine(f"sqlite:///{tmp_path}/old.db")
    command.upgrade(alembic_config(db), "0001")
    with db.begin() as connection:
        connection.execute(
            text("INSERT INTO ward (name, created_at) VALUES ('Phường cũ', '2026-01-01 00:00:00')")
        )
    upgrade(db)
    with db.connect() as connection:
        rows = connection.execute(text("SELECT name, repeat, lead_days FROM deadline")).all()
    assert sorted((name, repeat) for name, repeat, _lead in rows) == [
        ("Báo cáo năm", "yearly"),
        ("Báo cáo quý", "quarterly"),
    ]


def test_zalo_chats_once_marked_blocked_for_zalos_403_are_written_to_again(tmp_path):
    db = make_engine(f"sqlite:///{tmp_path}/old.db")
    command.upgrade(alembic_config(db), "0008")
    insert = text(
        "INSERT INTO outbox_message (key, kind, platform, chat_id, text, due_at, status, "
        "attempts, claimed_at, error) VALUES (:key, 'nudge', :platform, 'u-1', '', "
        "'2026-11-30 02:00:00', 'blocked', 1, '2026-11-30 02:00:00', '403 Forbidden')"
    )
    with db.begin() as connection:
        connection.execute(insert, {"key": "nudge:zalo", "platform": "zalo"})
        connection.execute(insert, {"key": "nudge:telegram", "platform": "telegram"})
    upgrade(db)
    with db.connect() as connection:
        rows = dict(connection.execute(text("SELECT key, status FROM outbox_message")).all())
        bots = connection.execute(text("SELECT DISTINCT bot FROM outbox_message")).all()
    assert rows == {"nudge:zalo": "failed", "nudge:telegram": "blocked"}  # Telegram's 403 is
    assert bots == [("",)]  # a real block; old sends went through the only bot there was


def test_ids_become_each_bots_own_and_what_was_linked_stays(second_db_url: str):
    db = make_engine(second_db_url)
    try:
        command.upgrade(alembic_config(db), "0012")
        when = {"at": "2026-11-30 02:00:00+00:00"}
        with db.begin() as connection:
            for sql in (
                "INSERT INTO ward (id, name, created_at) VALUES (1, 'Phường cũ', :at)",
                "INSERT INTO team (id, ward_id, name) VALUES (1, 1, 'Tổ 1')",
                "INSERT INTO member (id, team_id, name, role, deputy, nudges, created_at) "
                "VALUES (1, 1, 'Lan', 'leader', false, true, :at)",
                "INSERT INTO chat_identity (member_id, platform, user_id, bot, linked_at) "
                "VALUES (1, 'zalo', 'u-1', 'to1', :at)",
                "INSERT INTO group_chat (platform, chat_id, bot, ward_id, linked_at) "
                "VALUES ('zalo', 'g-1', 'to1', 1, :at)",
                "INSERT INTO conversation_state (platform, chat_id, user_id, step, data, "
                "updated_at) VALUES ('zalo', 'u-1', 'u-1', 'consent', '{}', :at)",
            ):
                connection.execute(text(sql), when)
        upgrade(db)
        with db.begin() as connection:  # the same ids through another bot: someone else
            for sql in (
                "INSERT INTO chat_identity (member_id, platform, user_id, bot, linked_at) "
                "VALUES (1, 'zalo', 'u-1', 'to2', :at)",
                "INSERT INTO group_chat (platform, chat_id, bot, ward_id, linked_at) "
                "VALUES ('zalo', 'g-1', 'to2', 1, :at)",
                "INSERT INTO conversation_state (platform, chat_id, user_id, bot, step, data, "
                "updated_at) VALUES ('zalo', 'u-1', 'u-1', 'to2', 'consent', '{}', :at)",
            ):
                connection.execute(text(sql), when)
        with db.connect() as connection:
            identities = connection.execute(text("SELECT bot FROM chat_identity")).all()
            groups = connection.execute(text("SELECT bot FROM group_chat")).all()
            steps = connection.execute(text("SELECT bot, step FROM conversation_state")).all()
        assert sorted(identities) == sorted(groups) == [("to1",), ("to2",)]
        assert sorted(steps) == [("", "consent"), ("to2", "consent")]  # the old step is kept
        again = "INSERT INTO chat_identity (member_id, platform, user_id, bot, linked_at) "
        with pytest.raises(IntegrityError), db.begin() as connection:  # once per bot
            connection.execute(text(again + "VALUES (1, 'zalo', 'u-1', 'to1', :at)"), when)
        with db.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        db.dispose()
