"""A group chat with a new id (a Telegram group upgraded to a supergroup) keeps its link
and its outbox history (storage/chat_moves.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select

from bot.app import App
from storage.chat_moves import move_chat
from storage.models import GroupChat, OutboxMessage
from storage.queries import ward_by_name
from tests.conftest import Roster

OLD, NEW = "-1001", "-1000000001001"
NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture
def ward(roster: Roster) -> None:
    """Phường Nhị Chiểu, with a leader who could have linked its groups."""
    roster.add("Phạm Văn Minh")


def linked_group(session: Session, chat_id: str, *, title: str = "Tổ 1", bot: str = "") -> None:
    ward = ward_by_name(session, "Phường Nhị Chiểu")
    assert ward is not None and ward.id is not None
    session.add(
        GroupChat(platform="telegram", chat_id=chat_id, bot=bot, ward_id=ward.id, title=title)
    )


def outbox_row(
    session: Session, key: str, chat_id: str, *, status: str = "sent", platform: str = "telegram"
) -> None:
    session.add(
        OutboxMessage(
            key=key,
            kind="weekly_tally",
            platform=platform,
            chat_id=chat_id,
            text="📊",
            due_at=NOW,
            status=status,
            claimed_at=NOW,
        )
    )


def groups(session: Session) -> list[tuple[str, str, str | None]]:
    rows = session.exec(select(GroupChat).order_by(col(GroupChat.id)))
    return [(row.platform, row.chat_id, row.title) for row in rows]


def outbox(session: Session) -> list[tuple[str, str, str]]:
    rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))
    return [(row.key, row.chat_id, row.status) for row in rows]


def test_the_linked_group_and_its_sends_follow_the_new_id(app: App, ward: None):
    with app.uow() as unit:
        linked_group(unit.session, OLD)
        linked_group(unit.session, "-2002", title="Tổ 2")
        outbox_row(unit.session, f"tally:2026-11-23:telegram:{OLD}", OLD)
        outbox_row(unit.session, f"reminder:4:q4:2026-12-01:telegram:{OLD}", OLD, status="failed")
        outbox_row(unit.session, "tally:2026-11-23:telegram:-2002", "-2002")
        outbox_row(unit.session, f"tally:2026-11-23:zalo:{OLD}", OLD, platform="zalo")
        unit.commit()
    with app.uow() as unit:
        assert move_chat(unit.session, platform="telegram", bot="", old=OLD, new=NEW)
        unit.commit()
    with app.uow(read_only=True) as unit:
        assert groups(unit.session) == [("telegram", NEW, "Tổ 1"), ("telegram", "-2002", "Tổ 2")]
        assert outbox(unit.session) == [
            (f"tally:2026-11-23:telegram:{NEW}", NEW, "sent"),  # planned again: found sent
            (f"reminder:4:q4:2026-12-01:telegram:{NEW}", NEW, "failed"),  # retried there
            ("tally:2026-11-23:telegram:-2002", "-2002", "sent"),
            (f"tally:2026-11-23:zalo:{OLD}", OLD, "sent"),
        ]


def test_a_group_linked_again_under_its_new_id_keeps_that_link(app: App, ward: None):
    with app.uow() as unit:
        linked_group(unit.session, OLD, title="Tổ 1 (cũ)")
        linked_group(unit.session, NEW, title="Tổ 1")  # /lienket in the supergroup first
        outbox_row(unit.session, f"tally:2026-11-23:telegram:{OLD}", OLD)
        outbox_row(unit.session, f"tally:2026-11-23:telegram:{NEW}", NEW)
        outbox_row(unit.session, f"tally:2026-11-16:telegram:{OLD}", OLD)
        unit.commit()
    with app.uow() as unit:
        assert move_chat(unit.session, platform="telegram", bot="", old=OLD, new=NEW)
        unit.commit()
    with app.uow(read_only=True) as unit:
        assert groups(unit.session) == [("telegram", NEW, "Tổ 1")]
        assert outbox(unit.session) == [
            (f"tally:2026-11-23:telegram:{OLD}", OLD, "sent"),  # the new chat had its own
            (f"tally:2026-11-23:telegram:{NEW}", NEW, "sent"),
            (f"tally:2026-11-16:telegram:{NEW}", NEW, "sent"),
        ]


def test_moving_twice_or_an_unlinked_chat_changes_nothing_more(app: App, ward: None):
    with app.uow() as unit:
        linked_group(unit.session, OLD, bot="to1")  # linked through another bot: not this one
        unit.commit()
    with app.uow() as unit:
        assert not move_chat(unit.session, platform="telegram", bot="", old=OLD, new=NEW)
        assert move_chat(unit.session, platform="telegram", bot="to1", old=OLD, new=NEW)
        assert not move_chat(unit.session, platform="telegram", bot="to1", old=OLD, new=NEW)
        unit.commit()
    with app.uow(read_only=True) as unit:
        assert groups(unit.session) == [("telegram", NEW, "Tổ 1")]
