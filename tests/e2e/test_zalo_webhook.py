"""The Zalo webhook of the real bot (`bot.runner.serve`, as `gotungnha run`) as Zalo uses it,
against the fake Zalo server over real HTTP, on SQLite and on PostgreSQL.

The web server listens before the webhook is registered (Zalo may post at once), and a
refused registration neither stops the bot nor goes untried: it is tried again, each wait
twice the last. Events that bring no message (an empty body, a body without `message`, an
event yet unknown such as a follow) are answered 200 and logged by their name only, so
Zalo never gives up on the webhook for our answers; a wrong secret is still refused, and a
message that is broken inside is still a bad request (400).
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from bot.app import App, build_app
from bot.config import Config
from bot.web.server import ZALO_SECRET_HEADER
from handlers import texts
from tests.conftest import Clock, Roster
from tests.e2e.running import RunningBot, wait_listening, zalo_config
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import stored_logs

SECRET = "zalo-secret-of-the-ward"
REFUSALS = 3  # setWebhook answers 400 this many times first
RETRY = (0.4, 0.8)  # the tests' first and longest wait between tries (5 s and 5 min in use)


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo() as fake:
        yield fake


def test_the_server_listens_before_the_webhook_is_registered_and_a_refusal_is_tried_again(
    zalo: FakeZalo, config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    settings = zalo_config(config, zalo, webhook_secret=SECRET)
    port = settings.server.port
    here = f"http://127.0.0.1:{port}"  # Zalo posts here: the fake tries it at setWebhook
    settings = replace(settings, zalo=replace(settings.zalo, webhook_url=here))
    zalo.fail_next("setWebhook", 400, "Bad Request: webhook url is unreachable", times=REFUSALS)
    app = build_app(settings, clock=clock)
    caplog.set_level(logging.INFO)
    try:
        with RunningBot(app, webhook_retry=RETRY):
            zalo.wait_calls("setWebhook")
            assert httpx.get(f"{here}/healthz", timeout=5).status_code == 200
            assert httpx.get(f"{here}/readyz", timeout=5).status_code == 200
            assert zalo.webhook["url"] == "", "answered only while Zalo still refused"
            zalo.wait_for(lambda: zalo.webhook["url"], timeout=15)
            code = Roster(app).add("Nguyễn Thị Lan")
            lan = zalo.user("u-lan", "Lan")
            joining = zalo.send_text(lan, f"thamgia {code}", queue=False)
            assert zalo.post_webhook(f"{here}/zalo/webhook", joining) == 200
            assert "Trả lời 1 hoặc 2" in zalo.wait_sent("u-lan", 1)[0]["text"]
    finally:
        app.db.dispose()
    probes = zalo.webhook_probes
    assert probes == [(f"{here}/zalo/webhook", True)] * (REFUSALS + 1), probes
    assert zalo.webhook["secret_token"] == SECRET
    tries = zalo.call_times("setWebhook")
    waits = [later - earlier for earlier, later in itertools.pairwise(tries)]
    first, most = RETRY
    assert waits[0] >= first and all(wait >= most for wait in waits[1:]), waits
    assert waits[-1] < 2 * most, waits  # the wait stops doubling at its longest
    refused = [r.getMessage() for r in caplog.records if "chưa đăng ký được webhook" in r.message]
    assert len(refused) == REFUSALS, refused
    assert f"{here}/zalo/webhook" in refused[0] and "400" in refused[0]
    assert "máy chủ web vẫn chạy" in refused[0]
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert zalo.token not in ours and SECRET not in ours  # (httpx's own lines are quieted)


@pytest.fixture
def hooked(config: Config, zalo: FakeZalo, clock: Clock) -> Iterator[tuple[App, str]]:
    """The bot in webhook mode, and its webhook's address on this machine."""
    settings = zalo_config(
        config, zalo, webhook_url="https://bot.example.vn", webhook_secret=SECRET
    )
    app = build_app(settings, clock=clock)
    try:
        with RunningBot(app):
            wait_listening(settings.server.port)
            yield app, f"http://127.0.0.1:{settings.server.port}/zalo/webhook"
    finally:
        app.db.dispose()


def post(url: str, body: bytes, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[ZALO_SECRET_HEADER] = secret
    return httpx.post(url, content=body, headers=headers, timeout=10).status_code


def test_events_without_a_message_are_answered_200_and_logged_by_their_name_only(
    zalo: FakeZalo, hooked: tuple[App, str], caplog: pytest.LogCaptureFixture
):
    app, url = hooked
    code = Roster(app).add("Nguyễn Thị Lan")
    lan = zalo.user("u-lan", "Lan Gọi 0912 345 678")
    assert zalo.post_webhook(url, zalo.send_text(lan, f"thamgia {code}", queue=False)) == 200
    zalo.wait_sent("u-lan", 1)
    assert zalo.post_webhook(url, zalo.send_text(lan, "1", queue=False)) == 200
    zalo.wait_sent("u-lan", 2)
    entry = zalo.send_text(lan, "vneid 3 ngõ Kỳ Lạ", queue=False)
    follow = {"event_name": "user.follow", "user": lan, "timestamp": 1764833100000}
    events = [
        b"",
        b" \n",
        b"{}",
        json.dumps(follow).encode(),
        json.dumps({"ok": True, "result": follow}).encode(),  # as the docs wrap bodies
        json.dumps({**entry, "event_name": "user.follow"}).encode(),  # a message inside
        json.dumps({"event_name": "message.reaction.received"}).encode(),
    ]
    caplog.set_level(logging.INFO)
    assert [post(url, body) for body in events] == [200] * len(events)
    # the secret is still checked first, and a message broken inside is a bad request
    assert post(url, json.dumps(follow).encode(), secret=None) == 403
    assert post(url, json.dumps(follow).encode(), secret="wrong-secret") == 403
    assert post(url, b"", secret="wrong-secret") == 403
    broken = [
        {"event_name": "message.text.received", "message": "x"},
        {**entry, "message": {**entry["message"], "chat": "x"}},
        {"message": entry["message"]},  # a message with no event name
    ]
    assert [post(url, json.dumps(body).encode()) for body in broken] == [400] * len(broken)
    assert zalo.post_webhook(url, zalo.send_text(lan, "/cuatoi", queue=False)) == 200
    mine = zalo.wait_sent("u-lan", 3)[-1]["text"]  # answered after everything posted before
    assert texts.MINE_EMPTY in mine
    assert len(zalo.sent("u-lan")) == 3 and stored_logs(app) == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged.count("event=user.follow") == 3
    assert logged.count("event=-") == 3  # empty, blank and {}
    assert "event=message.reaction.received" in logged
    assert "0912" not in logged and "Kỳ Lạ" not in logged and "u-lan" not in logged


def test_events_without_a_message_from_get_updates_are_ignored_and_logged_by_name_too(
    zalo: FakeZalo, config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    settings = zalo_config(config, zalo, mode="polling", poll_floor_seconds=0.2)
    app = build_app(settings, clock=clock)
    caplog.set_level(logging.INFO)
    try:
        with RunningBot(app):
            lan = zalo.user("u-lan", "Lan Gọi 0912 345 678")
            zalo.deliver({"event_name": "user.follow", "user": lan})
            text = zalo.send_text(lan, "vneid 3 ngõ Kỳ Lạ", queue=False)
            zalo.deliver({**text, "event_name": "user.follow"})  # not a message event
            zalo.send_text(lan, "xin chào")
            [greeting] = zalo.wait_sent("u-lan", 1)  # answered after both events
            assert "/thamgia" in greeting["text"]
    finally:
        app.db.dispose()
    assert len(zalo.sent("u-lan")) == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged.count("zalo getUpdates event=user.follow: not a message") == 2
    assert "0912" not in logged and "Kỳ Lạ" not in logged
