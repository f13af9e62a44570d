"""/xuat over the real channels: a document on Telegram, a signed download link on Zalo.

The running bot talks to the fake Bot API servers over real HTTP; each test runs on SQLite
and on PostgreSQL (the `config` fixture's database).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Config
from handlers import texts
from storage.models import AuditEntry, Role
from tests.conftest import Clock, Roster
from tests.e2e.running import TOKEN, RunningBot, telegram_config, wait_listening, zalo_config
from tests.e2e.test_zalo import whole_answer
from tests.fakes.telegram_api import FakeTelegram, Upload
from tests.fakes.zalo_api import FakeZalo

BUTTON_WAIT = 10
SHEETS = ["Tổng hợp", "Theo tổ", "Theo tuần", "Chi tiết", "Thành viên"]
FILE_NAME = "bao-cao-phuong-nhi-chieu-01102026-23112026.xlsx"
READY = texts.EXPORT_READY.format(
    who="Phường Nhị Chiểu", period="từ 01/10/2026 đến 23/11/2026", logs=1
)


def figures(data: bytes) -> dict[str, object]:
    """The `Tổng hợp` sheet of a workbook's bytes, as {label: value}; checks the sheets."""
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == SHEETS
    rows = wb["Tổng hợp"].iter_rows(min_row=6, values_only=True)
    return {label: value for label, value, *_ in rows if label}


def audited(app: App) -> list[AuditEntry]:
    with app.uow() as uow:
        return list(uow.session.exec(select(AuditEntry).where(AuditEntry.action == "export")))


# --- Telegram ------------------------------------------------------------------------------------


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as fake:
        yield fake


@pytest.fixture
def tg_app(config: Config, tg: FakeTelegram, clock: Clock) -> Iterator[App]:
    app = build_app(telegram_config(config, tg), clock=clock)
    yield app
    app.db.dispose()


def tg_joined(tg: FakeTelegram, roster: Roster, user: dict, name: str, **kwargs: object) -> int:
    """Join `user` through the deep link; returns how many messages the bot sent them."""
    code = roster.add(name, **kwargs)  # type: ignore[arg-type]
    tg.send_text(user, f"/start {code}")
    question = tg.wait_sent(user["id"], 1)[-1]
    tg.press(user, question, "consent:yes")
    tg.wait_for(lambda: tg.sent(user["id"])[0]["edited"], BUTTON_WAIT)
    return len(tg.sent(user["id"]))


def test_an_officers_xuat_arrives_on_telegram_as_an_xlsx_document(tg: FakeTelegram, tg_app: App):
    roster = Roster(tg_app)
    with RunningBot(tg_app):
        thu, lan = tg.user(6100, "Thu"), tg.user(6101, "Lan")
        n = tg_joined(tg, roster, thu, "Vũ Thị Thu", team="Tổ CNSCĐ phường", role=Role.OFFICER)
        m = tg_joined(tg, roster, lan, "Nguyễn Thị Lan")
        tg.send_text(lan, "vneid 3 sskdt 2")
        assert "Đã ghi" in tg.wait_sent(6101, m + 1)[-1]["text"]
        tg.send_text(thu, "/xuat")
        assert len(tg.wait_calls("sendDocument", timeout=30)) == 1
        answer, sent = tg.wait_sent(6100, n + 2)[n:]
    assert (answer["method"], answer["text"]) == ("sendMessage", READY)
    assert sent["method"] == "sendDocument" and sent["chat_id"] == 6100
    upload = sent["file"]
    assert isinstance(upload, Upload) and upload.filename == FILE_NAME
    assert sent["message"]["document"]["file_name"] == FILE_NAME
    assert upload.data.startswith(b"PK")  # an Office Open XML zip
    summary = figures(upload.data)
    assert summary["Tổng số lượt hỗ trợ"] == 1
    assert summary["Cài đặt VNeID"] == 3 and summary["Sổ sức khỏe điện tử"] == 2
    assert [e.detail["via"] for e in audited(tg_app)] == ["telegram"]


def test_a_telegram_member_asking_for_xuat_gets_no_document(tg: FakeTelegram, tg_app: App):
    with RunningBot(tg_app):
        lan = tg.user(6101, "Lan")
        m = tg_joined(tg, Roster(tg_app), lan, "Nguyễn Thị Lan")
        tg.send_text(lan, "/xuat")
        # a chat's messages are answered in turn: once the thanks after /xuat is answered,
        # whatever /xuat was to send has gone
        tg.send_text(lan, "cảm ơn")
        tg.wait_for(lambda: "Không có gì đâu" in str(tg.sent(6101)[-1]["text"]), BUTTON_WAIT)
        refused, _thanks = tg.sent(6101)[m:]
    assert refused["text"] == texts.NOT_ALLOWED["leader"]
    assert tg.calls_of("sendDocument") == []
    assert audited(tg_app) == []


# --- Zalo ----------------------------------------------------------------------------------------


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


@pytest.fixture
def zalo_linked_config(
    config: Config, zalo: FakeZalo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Config:
    """Zalo by polling, with download links on the bot's own web server.

    Links keep their copies under ./data/links: the test works in its own folder.
    """
    monkeypatch.chdir(tmp_path)
    polling = zalo_config(config, zalo, mode="polling")
    public = f"http://127.0.0.1:{polling.server.port}"
    return replace(polling, server=replace(polling.server, public_url=public))


@pytest.fixture
def zalo_app(zalo_linked_config: Config, clock: Clock) -> Iterator[App]:
    app = build_app(zalo_linked_config, clock=clock)
    yield app
    app.db.dispose()


def zalo_say(zalo: FakeZalo, app: App, user: dict, text: str) -> list[dict]:
    """Send a private message; every message the bot sent back, once all of them went."""
    before = len(zalo.sent(user["id"]))
    zalo.send_text(user, text)
    return whole_answer(zalo, app, user["id"], before, timeout=30)


def zalo_joined(zalo: FakeZalo, app: App, user_id: str, name: str, **kwargs: object) -> dict:
    code = Roster(app).add(name, **kwargs)  # type: ignore[arg-type]
    user = zalo.user(user_id, name)
    assert "Trả lời 1 hoặc 2" in zalo_say(zalo, app, user, f"thamgia {code}")[0]["text"]
    assert "Chào mừng" in zalo_say(zalo, app, user, "1")[0]["text"]
    return user


def test_an_officers_xuat_arrives_on_zalo_as_a_link_the_web_server_serves(
    zalo: FakeZalo, zalo_app: App, zalo_linked_config: Config, tmp_path: Path
):
    with RunningBot(zalo_app):
        thu = zalo_joined(
            zalo, zalo_app, "u-thu", "Vũ Thị Thu", team="Tổ CNSCĐ phường", role=Role.OFFICER
        )
        lan = zalo_joined(zalo, zalo_app, "u-lan", "Nguyễn Thị Lan")
        assert "Đã ghi" in zalo_say(zalo, zalo_app, lan, "vneid 3 sskdt 2")[0]["text"]
        [answer] = zalo_say(zalo, zalo_app, thu, "/xuat")  # one message: each counts for the quota
        text, link = answer["text"].split("\n\n", 1)
        assert text == READY
        found = re.fullmatch(
            r"📎 (\S+): (http://127\.0\.0\.1:\d+/files/\S+)\n\(Đường link dùng được đến .+\)",
            link,
        )
        assert found, link
        name, url = found.groups()
        assert name == FILE_NAME
        assert url.startswith(zalo_linked_config.server.public_url + "/files/")
        wait_listening(zalo_linked_config.server.port)
        download = httpx.get(url, timeout=10)
        forged = httpx.get(url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB"), timeout=10)
    assert download.status_code == 200
    assert FILE_NAME in download.headers["content-disposition"]
    summary = figures(download.content)
    assert summary["Tổng số lượt hỗ trợ"] == 1
    assert summary["Cài đặt VNeID"] == 3 and summary["Sổ sức khỏe điện tử"] == 2
    assert forged.status_code == 404 and forged.text == texts.LINK_EXPIRED
    assert zalo.calls_of("sendPhoto") == []
    assert [e.detail["via"] for e in audited(zalo_app)] == ["zalo"]
    assert len(list((tmp_path / "data" / "links").glob("*.xlsx"))) == 1


def test_without_a_public_address_zalo_says_the_file_cannot_be_sent(
    zalo: FakeZalo, config: Config, clock: Clock
):
    app = build_app(zalo_config(config, zalo, mode="polling"), clock=clock)
    try:
        with RunningBot(app):
            thu = zalo_joined(
                zalo, app, "u-thu", "Vũ Thị Thu", team="Tổ CNSCĐ phường", role=Role.OFFICER
            )
            [answer] = zalo_say(zalo, app, thu, "/xuat")
    finally:
        app.db.dispose()
    assert answer["text"].startswith("📊 Báo cáo Phường Nhị Chiểu")
    assert answer["text"].endswith("\n\n" + texts.FILE_NOT_AVAILABLE)
