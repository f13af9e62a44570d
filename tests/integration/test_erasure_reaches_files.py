"""What a member erases stays erased beyond the tables, on SQLite and on PostgreSQL:

- /xoadulieucuatoi removes the workbooks made for /xuat and the copies behind their download
  links (a link then says why its file is gone);
- a restore from a backup taken before an erasure does it again (over the same database, or
  into a new one with the old one's erasure log), and leaves everyone else as they were;
- the erasure log holds no name, phone or chat id;
- joining, /dulieucuatoi and the erasure's answer say how long backups keep data.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config
from bot.web.links import COPIES, FileLinks
from bot.web.server import create_web_app
from handlers import texts
from storage.backup import back_up, restore
from storage.db import make_engine
from storage.models import ErasureRecord, Member, Role
from tests.conftest import Clock, Roster
from tests.helpers import service_totals

LAN, LAN_PHONE = "Nguyễn Thị Lan", "0912345678"
HUNG, HUNG_PHONE = "Phạm Văn Hùng", "0987654321"
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


@pytest.fixture
def app(
    config: Config, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[App]:
    """The bot working in the test's folder: download copies go to its data/links."""
    monkeypatch.chdir(tmp_path)
    built = build_app(config, clock=clock)
    yield built
    built.db.dispose()


def cells(path: Path) -> str:
    """Every cell of a workbook, as text."""
    book = load_workbook(path, read_only=True)
    try:
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    finally:
        book.close()


def download(links: FileLinks, token: str) -> httpx.Response:
    """GET /files/<token> from the web app, in this process."""

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_web_app(links=links))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(f"/files/{token}")

    return asyncio.run(get())


def stored_text(db: Engine) -> str:
    """All a database holds, as text."""
    out = []
    with db.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            out += [repr(tuple(row)) for row in connection.execute(table.select())]
    return "\n".join(out)


def erasure_rows(db: Engine) -> list[ErasureRecord]:
    with Session(db) as session:
        return list(session.exec(select(ErasureRecord)))


def erase(chat: ConsoleChat) -> None:
    chat.say("/xoadulieucuatoi")
    assert "Đã xoá dữ liệu" in chat.say("1")


def two_members_with_details(app: App, roster: Roster) -> tuple[ConsoleChat, ConsoleChat]:
    """Lan and Hùng, each with a phone, a roster note and a log with place and note."""
    lan = roster.joined(LAN, user="lan-4417", phone=LAN_PHONE)
    hung = roster.joined(HUNG, user="hung-5521", phone=HUNG_PHONE)
    with app.uow() as uow:
        for member in uow.session.exec(select(Member)):
            if member.name in (LAN, HUNG):
                member.note = "Nhà gần chợ" if member.name == LAN else "Hay đi ca sáng"
                uow.session.add(member)
        uow.commit()
    lan.say("vneid 3 @ ngõ 5 Trần Nguyên Hãn gc: bà Tư nhờ cài")
    hung.say("sskdt 2 @ ngõ 9 Lê Lợi gc: chú Ba nhờ")
    return lan, hung


# --- workbooks ---------------------------------------------------------------------------


def test_erasing_removes_the_workbooks_that_name_me_and_their_links_say_why(
    app: App, roster: Roster
):
    leader = roster.joined("Trần Văn Minh", role=Role.LEADER)
    lan = roster.joined(LAN, user="lan-4417", phone=LAN_PHONE)
    lan.say("vneid 3 @ ngõ 5")
    [made] = [r.document for r in leader.send("/xuat") if r.document]
    book = Path(made.path)
    assert LAN in cells(book)  # the workbook names her: on the members' sheet, by her log
    links = FileLinks(secret=b"k" * 32, folder=COPIES, public_url="https://x", ttl=DAY)
    token = links.publish(book, made.filename, now=datetime.now(UTC)).url.rsplit("/", 1)[1]
    assert download(links, token).status_code == 200

    erase(lan)

    exports = Path(app.config.bot.exports_dir)
    assert not book.exists()
    assert [p for p in [*exports.rglob("*"), *COPIES.rglob("*")] if p.is_file()] == []
    gone = download(links, token)
    assert (gone.status_code, gone.text) == (410, texts.FILE_REMOVED)
    [again] = [r.document for r in leader.send("/xuat") if r.document]  # made again on request
    assert LAN not in cells(Path(again.path)) and "Trần Văn Minh" in cells(Path(again.path))


# --- backups -----------------------------------------------------------------------------


def test_a_restore_over_the_database_does_again_an_erasure_made_after_the_backup(
    app: App, roster: Roster, tmp_path: Path
):
    lan, _hung = two_members_with_details(app, roster)
    backup = back_up(app.db, tmp_path / "backups", label="x", now=NOW)
    erase(lan)
    [logged] = erasure_rows(app.db)
    for personal in (LAN, LAN_PHONE, "lan-4417", "Nhà gần chợ"):
        assert personal not in repr(logged.model_dump()), personal
    assert all(re.fullmatch("[0-9a-f]{64}", h) for h in logged.identities)
    assert len(logged.identities) == 1

    done = restore(app.db, backup, secret=app.config.privacy_key, force=True)

    assert done.erasures_redone == 1
    everything = stored_text(app.db)
    for personal in (LAN, LAN_PHONE, "Nhà gần chợ", "Trần Nguyên Hãn", "bà Tư"):
        assert personal not in everything, personal
    for kept in (HUNG, HUNG_PHONE, "Hay đi ca sáng", "ngõ 9 Lê Lợi", "chú Ba nhờ"):
        assert kept in everything, kept
    assert service_totals(app) == {"vneid": 3, "sskdt": 2}  # her log stays, as a count
    assert [r.ref for r in erasure_rows(app.db)] == [logged.ref]  # the log outlived it


def test_a_restore_into_a_new_database_does_again_the_old_ones_erasures(
    app: App, roster: Roster, second_db_url: str, tmp_path: Path
):
    lan, _hung = two_members_with_details(app, roster)
    backup = back_up(app.db, tmp_path / "backups", label="x", now=NOW)
    erase(lan)
    new = make_engine(second_db_url)
    try:
        done = restore(new, backup, secret=app.config.privacy_key, erasures_from=[app.db])
        assert done.erasures_redone == 1
        everything = stored_text(new)
        assert LAN not in everything and LAN_PHONE not in everything
        assert HUNG in everything and HUNG_PHONE in everything
        assert len(erasure_rows(new)) == 1
    finally:
        new.dispose()


def test_a_restore_leaves_someone_who_joined_again_after_their_erasure(
    app: App, roster: Roster, tmp_path: Path
):
    lan = roster.joined(LAN, user="lan-4417", phone=LAN_PHONE)
    erase(lan)
    back = roster.joined(LAN, user="lan-4417", phone=LAN_PHONE)  # a new code, the same account
    backup = back_up(app.db, tmp_path / "backups", label="x", now=NOW)
    back.say("vneid 1")

    done = restore(app.db, backup, secret=app.config.privacy_key, force=True)

    assert done.erasures_redone == 0  # her erasure is in the backup already
    with Session(app.db) as session:
        members = {m.name: m for m in session.exec(select(Member))}
    assert members[LAN].erased_at is None and members[LAN].phone == LAN_PHONE


# --- what members are told -----------------------------------------------------------------


@pytest.fixture
def nine_days(config: Config, clock: Clock, tmp_path: Path) -> Iterator[App]:
    backup = replace(config.backup, keep_days=9)
    built = build_app(replace(config, backup=backup), clock=clock)
    yield built
    built.db.dispose()


def test_joining_my_data_and_erasing_say_how_long_backups_keep_data(nine_days: App):
    roster = Roster(nine_days)
    code = roster.add(LAN)
    lan = ConsoleChat(nine_days.engine, user_id="lan-4417")
    consent = lan.say(f"/thamgia {code}")
    assert "sao lưu" in consent and "9 ngày" in consent and "Excel" in consent
    lan.say("1")
    mine = lan.say("/dulieucuatoi")
    assert "Bản sao lưu" in mine and "9 ngày" in mine and "khôi phục" in mine
    lan.say("/xoadulieucuatoi")
    done = lan.say("1")
    assert "9 ngày" in done and "Excel" in done
