"""The real bot against Zalo's updates exactly as the live platform sends them.

Every file under tests/fixtures/zalo/ (each says where its shape was captured) goes through
the webhook and through the poller, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Config
from handlers import texts
from storage.models import ConversationState, OutboxMessage, ProcessedMessage, Role
from tests.conftest import Clock, Roster
from tests.e2e.running import RunningBot, wait_listening, zalo_config
from tests.fakes.zalo_api import FakeZalo
from tests.fakes.zalo_fixtures import UPDATES, fixture_body, fixture_update
from tests.helpers import service_totals, stored_logs

LAN = "a1b2c3d4e5f60718293a"  # the member the live captures come from
PHOTO_ONLY = "user-123"  # the sender of the captured picture without a caption
GROUP = "zgr-f8a7101d77709e2ec761"
BOT_NAME = "Bot Tổ CNSCĐ Lê Lợi"  # the name the captured group text mentions
SECRET = "zalo-secret-of-the-ward"


class Bot:
    """The running bot, fed by the poller or the webhook."""

    def __init__(self, zalo: FakeZalo, app: App, mode: str) -> None:
        self.zalo, self.app, self.mode = zalo, app, mode
        self.url = f"http://127.0.0.1:{app.config.server.port}/zalo/webhook"

    def deliver(self, body: dict[str, Any], secret: str | None = None) -> int:
        """Hand a captured body to the bot the way this mode gets it; the HTTP status."""
        if self.mode == "webhook":
            return self.zalo.post_webhook(self.url, body, secret)
        update = body["result"] if "event_name" not in body else body
        self.zalo.deliver(update)
        return 200

    def say(self, user: str, text: str) -> str:
        """A message from `user`, answered (for joining and as a barrier)."""
        before = len(self.zalo.sent(user))
        person = self.zalo.user(user, "Thành viên")
        self.deliver(self.zalo.send_text(person, text, queue=False))
        return self.zalo.wait_sent(user, before + 1)[-1]["text"] or ""

    def answer(self, name: str, chat: str, secret: str | None = None) -> str:
        """Deliver a fixture and return the bot's one answer to it."""
        before = len(self.zalo.sent(chat))
        assert self.deliver(fixture_body(name), secret) == 200
        return self.zalo.wait_sent(chat, before + 1)[-1]["text"] or ""


@contextlib.contextmanager
def running(config: Config, clock: Clock, mode: str) -> Iterator[Bot]:
    """The bot in `mode`, on a fake Zalo that knows the bot by the captured group's name."""
    with FakeZalo(display_name=BOT_NAME) as zalo:
        settings = {"display_name": BOT_NAME, "webhook_secret": SECRET, "mode": mode}
        if mode == "webhook":
            settings["webhook_url"] = "https://bot.example.vn"
        app = build_app(zalo_config(config, zalo, **settings), clock=clock)
        try:
            with RunningBot(app):
                if mode == "webhook":
                    wait_listening(app.config.server.port)
                yield Bot(zalo, app, mode)
        finally:
            app.db.dispose()


@pytest.fixture(params=["polling", "webhook"])
def b(request: pytest.FixtureRequest, config: Config, clock: Clock) -> Iterator[Bot]:
    with running(config, clock, request.param) as b:
        yield b


@pytest.fixture
def hooked(config: Config, clock: Clock) -> Iterator[Bot]:
    with running(config, clock, "webhook") as b:
        yield b


def joined(bot: Bot, user: str, name: str, **kwargs: object) -> None:
    code = Roster(bot.app).add(name, **kwargs)  # type: ignore[arg-type]
    assert "Trả lời 1 hoặc 2" in bot.say(user, f"thamgia {code}")
    assert "Chào mừng" in bot.say(user, "1")


def test_the_fixtures_cover_every_event_kind_and_say_where_they_come_from():
    kinds = {fixture_update(name)["event_name"] for name in UPDATES}
    assert kinds == {
        "message.text.received",
        "message.image.received",
        "message.voice.received",
        "message.sticker.received",
        "message.unsupported.received",
    }
    assert "event_name" in fixture_body("message.text.received")  # live: flat
    assert "result" in fixture_body("message.text.received.wrapped")  # the docs: wrapped


def test_a_flat_text_entry_is_logged_once_though_delivered_twice(b: Bot):
    joined(b, LAN, "Nguyễn Thị Lan")
    assert "Đã ghi lượt hỗ trợ" in b.answer("message.text.received", LAN)
    b.deliver(fixture_body("message.text.received"))  # Zalo delivers it again
    b.say(LAN, "/cuatoi")  # answered after the repeat: it has been dealt with
    assert len(stored_logs(b.app)) == 1
    assert service_totals(b.app) == {"vneid": 3, "sskdt": 2}


def test_the_docs_wrapped_body_is_read_too(b: Bot):
    greeting = b.answer("message.text.received.wrapped", "6ede9afa66b88fe6d6a9")
    assert "/thamgia" in greeting  # a stranger is told how to join


def test_a_picture_with_a_caption_is_a_log_with_its_photo_as_evidence(b: Bot):
    joined(b, LAN, "Nguyễn Thị Lan")
    answer = b.answer("message.image.received.caption", LAN)
    assert "Có ảnh minh chứng" in answer
    [log] = stored_logs(b.app)
    assert (
        log.photo_file_id
        == fixture_update("message.image.received.caption")["message"]["photo_url"]
    )
    assert log.place == "ngõ 45"


def test_a_picture_without_a_caption_is_answered_with_what_to_do(b: Bot):
    joined(b, PHOTO_ONLY, "Trần Văn Hùng")
    # the capture's ids were anonymised apart: its chat is "chat-123", its sender "user-123"
    assert b.answer("message.image.received", "chat-123") == texts.PHOTO_NEEDS_CAPTION
    assert stored_logs(b.app) == []


def test_a_voice_message_gets_a_kind_answer_and_its_address_is_kept_nowhere(
    b: Bot, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    joined(b, LAN, "Nguyễn Thị Lan")
    assert b.answer("message.voice.received", LAN) == texts.VOICE_NOT_YET
    before = len(b.zalo.sent(LAN))
    b.deliver(fixture_body("message.voice.received"))  # again: no word, no quota spent
    assert texts.MINE_EMPTY in b.say(LAN, "/cuatoi")  # answered after the copy
    assert len(b.zalo.sent(LAN)) == before + 1
    voice_url = fixture_update("message.voice.received")["message"]["voice_url"]
    assert voice_url not in caplog.text
    assert voice_url.rsplit("/", 1)[-1] not in dump(b.app)
    assert stored_logs(b.app) == []


def test_stickers_and_unreadable_messages_get_one_kind_word_not_a_lecture_each(
    b: Bot,
):
    joined(b, LAN, "Nguyễn Thị Lan")
    assert b.answer("message.sticker.received", LAN) == texts.STICKER_SEEN
    before = len(b.zalo.sent(LAN))
    b.deliver(fixture_body("message.unsupported.received"))
    b.say(LAN, "vneid 1")  # answered after the unreadable one, which got no second word
    assert len(b.zalo.sent(LAN)) == before + 1


def test_a_protected_sender_is_told_once_what_the_bot_reads(b: Bot):
    joined(b, LAN, "Nguyễn Thị Lan")
    assert b.answer("message.unsupported.received", LAN) == texts.UNSUPPORTED
    before = len(b.zalo.sent(LAN))
    unreadable = fixture_update("message.unsupported.received")
    for n in range(3):  # the same sender's next messages: Zalo hides them all
        unreadable["message"]["message_id"] = f"m-hidden-{n}"
        b.deliver(unreadable)
    b.say(LAN, "/trogiup")
    assert len(b.zalo.sent(LAN)) == before + 1


def test_a_group_text_that_mentions_the_bot_by_its_zalo_name_is_logged(b: Bot):
    joined(b, LAN, "Nguyễn Thị Lan")
    joined(b, "u-minh", "Phạm Văn Minh", role=Role.LEADER)
    minh = b.zalo.user("u-minh", "Minh")
    group = b.zalo.group(GROUP, "Tổ CNSCĐ TDP 1")
    b.deliver(b.zalo.send_text(minh, f"@{BOT_NAME} /lienket", group, queue=False))
    linked = b.zalo.wait_sent(GROUP, 1)[-1]["text"]
    assert "Đã liên kết" in linked and f"@{BOT_NAME}" in linked
    answer = b.answer("message.text.received.group", GROUP)
    assert answer.startswith("✅ Nguyễn Thị Lan: Cài đặt VNeID: 2")
    assert service_totals(b.app) == {"vneid": 2}


def test_a_mention_learnt_from_a_group_is_logged_by_its_size_never_its_text(
    b: Bot, caplog: pytest.LogCaptureFixture
):
    joined(b, "u-minh", "Phạm Văn Minh", role=Role.LEADER)
    minh = b.zalo.user("u-minh", "Minh")
    group = b.zalo.group(GROUP, "Tổ CNSCĐ TDP 1")
    with caplog.at_level("WARNING"):
        said = "@Bot Tổ 1 gọi 0912 345 678 /lienket"
        b.deliver(b.zalo.send_text(minh, said, group, queue=False))
        b.zalo.wait_sent(GROUP, 1)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "by a name not in its config route=lienket chars=26" in logged
    assert "Bot Tổ" not in logged and "gọi" not in logged
    assert "0912" not in logged and "345" not in logged


def test_a_flat_body_without_the_secret_is_refused(hooked: Bot):
    b = hooked
    joined(b, LAN, "Nguyễn Thị Lan")
    assert b.deliver(fixture_body("message.text.received"), secret="") == 403
    assert b.deliver(fixture_body("message.text.received"), secret="wrong-secret") == 403
    for empty in (b"null", b"[]"):
        assert post_raw(b.url, empty) == 400
    for nothing in (b"", b"   ", b'{"event_name": "message.text.received"}'):
        assert post_raw(b.url, nothing) == 200  # no message in it: an event, not an error
    b.say(LAN, "/cuatoi")
    assert stored_logs(b.app) == []


def post_raw(url: str, body: bytes) -> int:
    headers = {"X-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    return httpx.post(url, content=body, headers=headers, timeout=5).status_code


def dump(app: App) -> str:
    """Everything stored that could hold what a message carried."""
    with app.uow() as uow:
        rows: list[Any] = []
        for model in (ProcessedMessage, ConversationState, OutboxMessage):
            rows += [row.model_dump(mode="json") for row in uow.session.exec(select(model))]
    return json.dumps(rows, ensure_ascii=False) + repr(stored_logs(app))


def test_polling_removes_a_webhook_left_from_before(
    config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    with FakeZalo() as zalo:
        left = {"url": "https://old.example.vn/zalo/webhook", "secret_token": SECRET}
        httpx.post(f"{zalo.base_url}{zalo.token}/setWebhook", json=left, timeout=5)
        app = build_app(zalo_config(config, zalo, mode="polling"), clock=clock)
        try:
            with RunningBot(app):
                zalo.wait_calls("getUpdates")
                assert zalo.webhook["url"] == ""
                code = Roster(app).add("Nguyễn Thị Lan")
                lan = zalo.user("u-lan", "Lan")
                zalo.send_text(lan, f"thamgia {code}")
                assert "Trả lời 1 hoặc 2" in zalo.wait_sent("u-lan", 1)[0]["text"]
        finally:
            app.db.dispose()
    names = [name for name, _ in zalo.calls if name != "getUpdates"]
    assert names.index("deleteWebhook") < [n for n, _ in zalo.calls].index("getUpdates")
    assert "had a webhook set: removed it to poll" in caplog.text


def test_an_update_without_a_message_id_is_not_handled(b: Bot):
    """Without an id a redelivery cannot be told from a new message: nothing is logged."""
    joined(b, LAN, "Nguyễn Thị Lan")
    body = fixture_body("message.text.received")
    del body["message"]["message_id"]
    b.deliver(body)
    b.deliver(body)
    b.say(LAN, "/cuatoi")  # answered after both: they have been dealt with
    assert stored_logs(b.app) == []
