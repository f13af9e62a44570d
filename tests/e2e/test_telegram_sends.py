"""The running bot's Telegram replies are sent again only when they surely never left: an
answer cut off after Telegram delivered the message is not repeated; a connection refused
before the request went is tried again. Each test on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import build_app
from bot.config import Config
from tests.conftest import Clock, Roster
from tests.e2e.running import TOKEN, RunningBot, telegram_config, wait_listening
from tests.fakes.telegram_api import FakeTelegram

SAVED = "✅ Đã ghi lượt hỗ trợ"
THANKS = "Không có gì đâu"


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as fake:
        yield fake


def saved(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [m["text"] for m in tg.sent(chat_id) if (m["text"] or "").startswith(SAVED)]


def thanked(tg: FakeTelegram, chat_id: int) -> bool:
    """Whether the bot has answered a thanks. A chat's messages are answered in turn, and a
    reply's retries are part of its answer: once a thanks sent after a message is answered,
    the bot is done sending that message's reply."""
    return any(THANKS in (m["text"] or "") for m in tg.sent(chat_id))


def test_a_reply_whose_answer_was_cut_off_after_delivery_is_in_the_chat_once(
    tg: FakeTelegram, config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    app = build_app(telegram_config(config, tg), clock=clock)
    try:
        with RunningBot(app):
            lan = tg.user(5002, "Lan")
            code = Roster(app).add("Nguyễn Thị Lan")
            tg.send_text(lan, f"/start {code}")
            tg.press(lan, tg.wait_sent(5002, 1)[-1], "consent:yes")
            tg.wait_for(lambda: tg.sent(5002)[0]["edited"])
            calls = len(tg.calls_of("sendMessage"))
            tg.drop_answers("sendMessage")  # delivered; the bot never hears back
            tg.send_text(lan, "vneid 1")
            tg.send_text(lan, "cảm ơn")
            tg.wait_for(lambda: thanked(tg, 5002))
            assert len(saved(tg, 5002)) == 1
            assert len(tg.calls_of("sendMessage")) == calls + 2  # the reply, then the thanks
            assert "telegram send uncertain" in caplog.text
    finally:
        app.db.dispose()


def test_a_reply_refused_before_it_left_is_tried_again_and_arrives_once(
    tg: FakeTelegram, config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    settings = telegram_config(config, tg, mode="webhook", webhook_url="https://bot.example.vn")
    app = build_app(settings, clock=clock)
    try:
        with RunningBot(app):
            tg.wait_calls("setWebhook")
            port = settings.server.port
            url = f"http://127.0.0.1:{port}/telegram/webhook"
            wait_listening(port)
            lan = tg.user(5002, "Lan")
            code = Roster(app).add("Nguyễn Thị Lan")
            assert tg.post_webhook(url, tg.send_text(lan, f"/start {code}", queue=False)) == 200
            question = tg.wait_sent(5002, 1)[-1]
            assert tg.post_webhook(url, tg.press(lan, question, "consent:yes", queue=False)) == 200
            tg.wait_for(lambda: tg.sent(5002)[0]["edited"])
            # the answer finds nobody listening, then Telegram: long enough for a busy machine's
            # bot to answer within it (1 s was not, once), short enough for its retries
            # (0.5 + 1 + 2 s of waits) to outlast it
            tg.refuse_connections(2.0)
            assert tg.post_webhook(url, tg.send_text(lan, "vneid 1", queue=False)) == 200
            tg.wait_for(lambda: saved(tg, 5002), timeout=10)
            assert tg.post_webhook(url, tg.send_text(lan, "cảm ơn", queue=False)) == 200
            tg.wait_for(lambda: thanked(tg, 5002))
            assert len(saved(tg, 5002)) == 1
            assert "telegram send retry reason=httpx.ConnectError" in caplog.text
    finally:
        app.db.dispose()
