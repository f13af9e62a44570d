"""What we keep about a person, how long, and what erasing takes away; on SQLite and on
PostgreSQL, through the real engine and the daily clean-up.

- /xoadulieucuatoi leaves only the counts, day and team of their logs: no note, place or
  photo (nor its kept file), no roster note, no message to their chat, no stored answer or
  group message naming them.
- Stored message keys and senders are keyed hashes: no chat id in processed_message; a
  redelivered key answers only its own sender.
- A reply with a login link or someone's own data is never stored; stored answers, sent
  texts, web sessions and download copies go after their days.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import SQLModel, col, select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.cleanup import clean_up
from bot.config import Config, ServerConfig
from bot.photos import photo_path
from bot.web.links import FileLinks
from handlers import texts
from handlers.messages import Incoming
from storage.erasure import ERASED_NAME
from storage.models import (
    Member,
    OutboxMessage,
    ProcessedMessage,
    Role,
    SupportLog,
    WebSession,
)
from tests.conftest import Clock, Roster
from tests.helpers import service_totals

LAN = "Nguyễn Thị Lan"


def rows(app: App, model: type[SQLModel]) -> list:  # type: ignore[type-arg]
    with app.uow() as uow:
        return list(uow.session.exec(select(model)))


def every_stored_text(app: App) -> str:
    """All the database holds, as text."""
    out = []
    with app.db.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            out += [repr(tuple(row)) for row in conn.execute(table.select())]
    return "\n".join(out)


def outbox_row(app: App, chat_id: str, text: str, *, status: str, days_ago: int = 0) -> None:
    """A message the schedule planned (a reminder to a person, a tally to a group)."""
    now = app.clock()
    with app.uow() as uow:
        uow.session.add(
            OutboxMessage(
                key=f"test:{chat_id}:{days_ago}:{status}:{text[:20]}",
                kind="tally",
                platform="console",
                chat_id=chat_id,
                text=text,
                due_at=now - timedelta(days=days_ago),
                status=status,
                claimed_at=now - timedelta(days=days_ago),
                sent_at=now - timedelta(days=days_ago) if status == "sent" else None,
            )
        )
        uow.commit()


@pytest.fixture
def config(config: Config, tmp_path: Path) -> Config:
    """Kept photos in the test's folder (the clean-up deletes there)."""
    privacy = replace(config.privacy, keep_photos=True, photo_dir=str(tmp_path / "photos"))
    return replace(config, privacy=privacy)


def test_erasing_leaves_only_counts_day_and_team(app: App, roster: Roster, tmp_path: Path):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    lan = roster.joined(LAN, user="lan", phone="0912345678")
    other = roster.joined("Phạm Văn Hùng")
    with app.uow() as uow:  # the officer's roster note about her
        member = uow.session.exec(select(Member).where(Member.name == LAN)).one()
        member.note = "Nhà gần chợ, hay đi ca chiều"
        uow.session.add(member)
        uow.commit()
    lan.say("20/11 vneid 3 @ ngõ 5 Trần Nguyên Hãn gc: bà Tư nhờ cài")  # last week
    app.engine.handle(
        Incoming(
            "console", "lan", "lan", text="20/11 sskdt 1", photo="photo-of-lan", message_key="p1"
        )
    )
    app.engine.handle(
        Incoming(
            "console",
            other.user_id,
            other.user_id,
            text="sskdt 2",
            photo="photo-of-hung",
            message_key="p2",
        )
    )
    folder = Path(app.config.privacy.photo_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for file_id in ("photo-of-lan", "photo-of-hung"):
        photo_path(folder, file_id).write_bytes(b"\xff\xd8 a kept photo")
    idle = leader.say("/thongke")
    assert LAN in idle  # "Chưa ghi tuần này: …": a stored answer naming her
    outbox_row(app, "lan", f"Chào {LAN}, tuần này bạn chưa ghi lượt nào.", status="sent")
    outbox_row(app, "group-1", f"Tuần qua: {LAN} 4 lượt, Phạm Văn Hùng 1 lượt", status="waiting")
    outbox_row(app, "group-1", f"Tuần trước: {LAN} 2 lượt", status="sent", days_ago=7)

    lan.say("/xoadulieucuatoi")
    assert "Đã xoá dữ liệu" in lan.say("1")
    clean_up(app, None)

    everything = every_stored_text(app)
    assert LAN not in everything
    for gone in ("Trần Nguyên Hãn", "bà Tư", "photo-of-lan", "chợ", "0912345678", "'lan'"):
        assert gone not in everything, gone
    with app.uow() as uow:
        logs = list(uow.session.exec(select(SupportLog).order_by(col(SupportLog.id))))
        texts_left = sorted(m.text for m in uow.session.exec(select(OutboxMessage)))
        processed = list(uow.session.exec(select(ProcessedMessage)))
    kept = [
        (log.day.isoformat(), log.team_id, log.note, log.place, log.photo_file_id)
        for log in logs[:2]
    ]
    assert [k[:2] for k in kept] == [("2026-11-20", logs[0].team_id)] * 2
    assert all(k[2:] == (None, None, None) for k in kept)
    assert logs[2].photo_file_id == "photo-of-hung"  # another member's stays
    assert service_totals(app) == {"vneid": 3, "sskdt": 3}
    assert texts_left == sorted(
        [
            f"Tuần qua: {ERASED_NAME} 4 lượt, Phạm Văn Hùng 1 lượt",
            f"Tuần trước: {ERASED_NAME} 2 lượt",
        ]
    )
    assert not photo_path(folder, "photo-of-lan").exists()
    assert photo_path(folder, "photo-of-hung").exists()
    assert [p.sender for p in processed if "Đã xoá dữ liệu" in str(p.replies)] == [None]


def test_erasing_a_name_inside_another_leaves_the_other_whole(app: App, roster: Roster):
    ta = roster.joined("Lê Văn Tá", user="ta")
    roster.joined("Lê Văn Tám", user="tam")
    outbox_row(app, "group-1", "Tuần qua: Lê Văn Tám 3 lượt, Lê Văn Tá 1 lượt", status="sent")
    outbox_row(app, "group-1", "Chưa ghi tuần này: Lê Văn Tám", status="waiting")
    ta.say("/xoadulieucuatoi")
    assert "Đã xoá dữ liệu" in ta.say("1")
    with app.uow() as uow:
        left = sorted(m.text for m in uow.session.exec(select(OutboxMessage)))
    assert left == [
        "Chưa ghi tuần này: Lê Văn Tám",
        f"Tuần qua: Lê Văn Tám 3 lượt, {ERASED_NAME} 1 lượt",
    ]


def test_no_chat_id_is_stored_with_a_handled_message(app: App, roster: Roster):
    lan = roster.joined(LAN, user="zalo-user-8841")
    lan.say("vneid 3")
    lan.say("/cuatoi")
    stored = [(p.message_key, p.sender) for p in rows(app, ProcessedMessage)]
    assert len(stored) >= 4
    assert "zalo-user-8841" not in repr(stored)
    assert "zalo-user-8841" not in repr([log.message_key for log in rows(app, SupportLog)])


def test_a_redelivered_key_answers_only_its_sender_and_the_chat_is_part_of_it(
    app: App, roster: Roster
):
    lan = roster.joined(LAN, user="lan")
    hung = roster.joined("Phạm Văn Hùng", user="hung")
    first = app.engine.handle(Incoming("console", "g1", "lan", text="vneid 3", message_key="m-7"))
    assert first[0].text.startswith(texts.ENTRY_SAVED)
    # the same platform key in the same chat from someone else: not their answer to see
    assert (
        app.engine.handle(Incoming("console", "g1", "hung", text="vneid 3", message_key="m-7"))
        == []
    )
    # the same platform key in another chat is another message
    other = app.engine.handle(
        Incoming("console", "hung", "hung", text="sskdt 1", message_key="m-7")
    )
    assert other[0].text.startswith(texts.ENTRY_SAVED)
    again = app.engine.handle(Incoming("console", "g1", "lan", text="vneid 3", message_key="m-7"))
    assert again[0].text.startswith(texts.ALREADY_HANDLED)
    assert service_totals(app) == {"vneid": 3, "sskdt": 1}
    _ = (lan, hung)


@pytest.fixture
def web_app(config: Config, clock: Clock):  # type: ignore[no-untyped-def]
    server = ServerConfig(public_url="https://bot.phuong.example")
    built = build_app(replace(config, server=server), clock=clock)
    yield built
    built.db.dispose()


def test_a_login_link_and_my_data_are_never_stored_for_a_redelivery(web_app: App):
    roster = Roster(web_app)
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER, user="minh", phone="0987654321")
    asked = Incoming("console", "minh", "minh", text="/web", message_key="web-1")
    [link] = web_app.engine.handle(asked)
    assert "https://bot.phuong.example/web/vao/" in link.text
    mine = Incoming("console", "minh", "minh", text="/dulieucuatoi", message_key="data-1")
    [data] = web_app.engine.handle(mine)
    assert "0987654321" in data.text
    stored = every_stored_text(web_app)
    assert "/web/vao/" not in stored and "0987654321" not in repr(rows(web_app, ProcessedMessage))
    for message in (asked, mine):
        [again] = web_app.engine.handle(message)
        assert again.text == f"{texts.ALREADY_HANDLED}\n\n{texts.REPLY_NOT_KEPT}"
    _ = leader


def test_dulieucuatoi_shows_everything_kept_about_me(app: App, roster: Roster):
    lan = ConsoleChat(app.engine, user_id="lan", display_name="Lan Nguyễn")
    code = roster.add(LAN)
    lan.say(f"/thamgia {code}")
    lan.say("1")
    with app.uow() as uow:
        member = uow.session.exec(select(Member).where(Member.name == LAN)).one()
        member.note = "Hay đi ca chiều"
        uow.session.add(member)
        uow.commit()
    lan.say("vneid 3 @ ngõ 5 gc: bà Tư nhờ")
    app.engine.handle(
        Incoming("console", "lan", "lan", text="sskdt 1", photo="ph-1", message_key="p")
    )
    lan.say("vneid 1 gc: nhầm")
    lan.say("/huy")
    shown = lan.say("/dulieucuatoi")
    assert "máy tính (thử nghiệm) “Lan Nguyễn”" in shown
    assert "• Ghi chú trong danh sách của phường: Hay đi ca chiều" in shown
    assert "• Ghi chú, địa điểm, ảnh trong các lượt đã ghi (3):" in shown
    assert "23/11/2026: địa điểm “ngõ 5”; ghi chú “bà Tư nhờ”" in shown
    assert "có ảnh" in shown
    assert "(đã hoàn tác): ghi chú “nhầm”" in shown


def test_the_daily_clean_up_removes_what_is_past_its_days(
    app: App, roster: Roster, clock: Clock, tmp_path: Path
):
    lan = roster.joined(LAN, user="lan")
    lan.say("vneid 3")  # answered now: kept 7 days
    clock.now += timedelta(days=8)
    lan.say("sskdt 1")  # answered 8 days later
    outbox_row(app, "g", "Tổng kết tuần 1", status="sent", days_ago=31)
    outbox_row(app, "g", "Tổng kết tuần 0", status="sent", days_ago=40)
    outbox_row(app, "g", "Chờ gửi", status="waiting", days_ago=31)
    outbox_row(app, "g", "Tuần này", status="sent", days_ago=2)
    with app.uow() as uow:
        now = app.clock()
        member = uow.session.exec(select(Member).where(Member.name == LAN)).one()
        assert member.id is not None
        for n, ends in enumerate((now - timedelta(minutes=1), now + timedelta(hours=1))):
            uow.session.add(
                WebSession(
                    token_hash=f"{n:064d}",
                    kind="session",
                    member_id=member.id,
                    created_at=now,
                    expires_at=ends,
                )
            )
        uow.commit()
    links = FileLinks(
        secret=b"k" * 32, folder=tmp_path / "links", public_url="https://x", ttl=timedelta(hours=24)
    )
    links.publish(Path(__file__), "a.xlsx", now=datetime.now(UTC))
    [copy] = (tmp_path / "links").iterdir()
    links.publish(Path(__file__), "b.xlsx", now=datetime.now(UTC))
    day_ago = time.time() - 25 * 3600
    os.utime(copy, (day_ago, day_ago))

    done = clean_up(app, links)

    assert done["answers"] == 3  # the join's two answers and "vneid 3", 8 days old
    assert len(rows(app, ProcessedMessage)) == 1
    outbox = {m.text or f"(cleared, {m.status})" for m in rows(app, OutboxMessage)}
    assert outbox == {"(cleared, sent)", "Chờ gửi", "Tuần này"}
    assert len(rows(app, WebSession)) == 1
    left = [p.name for p in (tmp_path / "links").iterdir()]
    assert len(left) == 1 and copy.name not in left  # the day-old copy went, the new stayed
    assert done["link_copies"] == 1


def test_retention_days_are_settings(config: Config, clock: Clock):
    privacy = replace(config.privacy, message_days=1, outbox_days=3)
    app = build_app(replace(config, privacy=privacy), clock=clock)
    try:
        lan = Roster(app).joined(LAN, user="lan")
        lan.say("vneid 3")
        clock.now += timedelta(days=2)
        assert clean_up(app, None)["answers"] >= 1
        assert rows(app, ProcessedMessage) == []
    finally:
        app.db.dispose()
