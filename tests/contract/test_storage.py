"""Storage behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from handlers.admin import sync_catalogue
from handlers.catalogue import DEFAULT_SERVICES
from storage import logs, queries
from storage.db import make_engine
from storage.models import ConversationState, Member, SupportLog, Team, Ward
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


@pytest.fixture
def team(db: Engine) -> tuple[int, int]:
    """(team id, member id) of a fresh ward with one member."""
    with UnitOfWork(db) as uow:
        sync_catalogue(uow.session, DEFAULT_SERVICES)
        ward = Ward(name="Phường A")
        uow.session.add(ward)
        uow.session.flush()
        team = Team(ward_id=ward.id, name="Tổ 1")
        uow.session.add(team)
        uow.session.flush()
        member = Member(team_id=team.id, name="Lan")
        uow.session.add(member)
        uow.session.flush()
        ids = (team.id, member.id)
        uow.commit()
    return ids  # type: ignore[return-value]


def _log(team_member: tuple[int, int], **fields: object) -> SupportLog:
    team_id, member_id = team_member
    return SupportLog(team_id=team_id, member_id=member_id, day=date(2026, 11, 23), **fields)


def test_rolls_back_uncommitted_work_by_default(db: Engine, team):
    with UnitOfWork(db) as uow:
        logs.add_log(uow.session, _log(team), {"vneid": 3})
    with UnitOfWork(db) as uow:
        assert uow.session.exec(select(SupportLog)).all() == []


def test_a_message_key_is_stored_only_once(db: Engine, team):
    with UnitOfWork(db) as uow:
        logs.add_log(uow.session, _log(team, message_key="tg:1:5"), {"vneid": 1})
        uow.commit()
    with UnitOfWork(db) as uow, pytest.raises(IntegrityError):
        logs.add_log(uow.session, _log(team, message_key="tg:1:5"), {"vneid": 1})
        uow.commit()


def test_deleted_logs_count_nowhere(db: Engine, team):
    with UnitOfWork(db) as uow:
        kept = logs.add_log(uow.session, _log(team, households=2), {"vneid": 3, "sskdt": 2})
        undone = logs.add_log(uow.session, _log(team, households=5), {"vneid": 7})
        logs.soft_delete(undone, NOW)
        uow.session.add(undone)
        uow.commit()
        kept_id = kept.id
    with UnitOfWork(db) as uow:
        found = logs.totals(uow.session, start=date(2026, 11, 1), end=date(2026, 11, 30))
        assert (found.logs, found.by_service, found.households) == (1, {"vneid": 3, "sskdt": 2}, 2)
        assert [r.id for r in logs.recent_logs(uow.session, team[1])] == [kept_id]


def test_times_come_back_timezone_aware_in_utc(db: Engine, team):
    local = datetime(2026, 11, 24, 6, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with UnitOfWork(db) as uow:
        log = logs.add_log(uow.session, _log(team, created_at=local), {"vneid": 1})
        uow.commit()
        log_id = log.id
    with UnitOfWork(db) as uow:
        stored = uow.session.get_one(SupportLog, log_id)
        assert stored.created_at == local
        assert stored.created_at.utcoffset() == timedelta(0)


def test_naive_times_are_refused(db: Engine, team):
    with UnitOfWork(db) as uow, pytest.raises(Exception, match="naive"):
        logs.add_log(uow.session, _log(team, created_at=datetime(2026, 1, 1)), {})
        uow.commit()


def test_a_conversation_step_survives_between_units_of_work(db: Engine):
    key = ("zalo", "chat-1", "user-1")
    with UnitOfWork(db) as uow:
        queries.save_conversation(
            uow.session, key, step="ghi", data={"stage": "count", "items": {"vneid": 2}}, now=NOW
        )
        uow.commit()
    with UnitOfWork(db) as uow:
        row = queries.load_conversation(uow.session, *key)
        assert row is not None and (row.step, row.data) == (
            "ghi",
            {"stage": "count", "items": {"vneid": 2}},
        )
        queries.save_conversation(uow.session, key, step=None, data={}, now=NOW)
        uow.commit()
    with UnitOfWork(db) as uow:
        assert uow.session.exec(select(ConversationState)).all() == []


def test_foreign_keys_are_enforced(db: Engine):
    with UnitOfWork(db) as uow, pytest.raises(IntegrityError):
        uow.session.add(Team(ward_id=999, name="Tổ ma"))
        uow.commit()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(tmp_path):
    db = make_engine(f"sqlite:///{tmp_path}/x.db")
    with db.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_catalogue_sync_retires_a_service_but_keeps_it(db: Engine):
    with UnitOfWork(db) as uow:
        sync_catalogue(uow.session, DEFAULT_SERVICES)
        uow.commit()
    with UnitOfWork(db) as uow:
        sync_catalogue(uow.session, DEFAULT_SERVICES[:-1])
        uow.commit()
    with UnitOfWork(db) as uow:
        rows = {s.code: s.active for s in queries.services(uow.session)}
    assert rows["khac"] is False and rows["vneid"] is True and len(rows) == 11
