"""Hostile requests to the webhooks of the real bot (`bot.runner.serve`, as `gotungnha run`).

The bot runs in webhook mode against the fake Telegram or Zalo server, over real HTTP, on
SQLite and on PostgreSQL. Each abusive request carries an update that WOULD store a support
log ("vneid 3" from a joined member) if it were accepted: a missing or wrong secret must get
403, a body over 1 MB 413, a body that is not a JSON object 400 (on Zalo an empty body or
one with no message in it is an event the bot ignores: 200), and in every case nothing is
stored (no support_log, no processed_message) and nothing is answered in the chat.

Afterwards a valid `/cuatoi` from the same member goes through the same webhook: the bot
handles a chat's updates in order, so once its answer is there, anything accepted before
it would have been stored already, and the answer itself must still say "no logs yet".
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Config
from bot.web.server import TELEGRAM_SECRET_HEADER, ZALO_SECRET_HEADER
from handlers import texts
from storage.models import ProcessedMessage, SupportLog
from tests.conftest import Clock, Roster
from tests.e2e.running import TOKEN, RunningBot, telegram_config, wait_listening, zalo_config
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo

TG_SECRET = "s3cret-Of-the-ward"
ZALO_SECRET = "zalo-secret-of-the-ward"
MEGABYTE = 1024 * 1024
WAIT = 10


class Hook:
    """One platform's webhook on the running bot, and one member who joined through it."""

    platform: str
    header: str
    other_header: str
    secret: str

    def __init__(self, app: App, url: str) -> None:
        self.app, self.url = app, url

    def post(self, body: bytes, headers: dict[str, str]) -> int:
        """POST raw bytes as JSON; returns the HTTP status."""
        sent = {"Content-Type": "application/json", **headers}
        return httpx.post(self.url, content=body, headers=sent, timeout=30).status_code

    def post_json(self, body: dict[str, Any]) -> int:
        return self.post(json.dumps(body).encode(), {self.header: self.secret})

    def body(self, text: str) -> dict[str, Any]:
        """The JSON body the platform would POST for `text` from the member."""
        raise NotImplementedError

    def answers(self) -> list[str]:
        """What the bot has sent the member so far."""
        raise NotImplementedError

    def join(self, name: str) -> None:
        raise NotImplementedError

    def wait_answer(self, containing: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            found = [a for a in self.answers() if containing in a]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"no answer containing {containing!r}: {self.answers()}")


class TelegramHook(Hook):
    platform = "telegram"
    header = TELEGRAM_SECRET_HEADER
    other_header = ZALO_SECRET_HEADER
    secret = TG_SECRET

    def __init__(self, app: App, url: str, tg: FakeTelegram) -> None:
        super().__init__(app, url)
        self.tg = tg
        self.user = tg.user(5002, "Lan")

    def body(self, text: str) -> dict[str, Any]:
        return self.tg.send_text(self.user, text, queue=False)

    def answers(self) -> list[str]:
        return [m["text"] or "" for m in self.tg.sent(self.user["id"])]

    def join(self, name: str) -> None:
        code = Roster(self.app).add(name)
        assert self.post_json(self.body(f"/start {code}")) == 200
        [question] = self.tg.wait_sent(self.user["id"], 1, timeout=WAIT)
        press = self.tg.press(self.user, question, "consent:yes", queue=False)
        assert self.post_json(press) == 200
        self.wait_answer("Chào mừng")


class ZaloHook(Hook):
    platform = "zalo"
    header = ZALO_SECRET_HEADER
    other_header = TELEGRAM_SECRET_HEADER
    secret = ZALO_SECRET

    def __init__(self, app: App, url: str, zalo: FakeZalo) -> None:
        super().__init__(app, url)
        self.zalo = zalo
        self.user = zalo.user("u-lan", "Lan")

    def body(self, text: str) -> dict[str, Any]:
        return {"ok": True, "result": self.zalo.send_text(self.user, text, queue=False)}

    def answers(self) -> list[str]:
        return [m["text"] or "" for m in self.zalo.sent(self.user["id"])]

    def join(self, name: str) -> None:
        code = Roster(self.app).add(name)
        assert self.post_json(self.body(f"thamgia {code}")) == 200
        self.wait_answer("Trả lời 1 hoặc 2")
        assert self.post_json(self.body("1")) == 200
        self.wait_answer("Chào mừng")


@pytest.fixture(params=["telegram", "zalo"])
def hook(request: pytest.FixtureRequest, config: Config, clock: Clock) -> Iterator[Hook]:
    """The running bot in webhook mode, with Nguyễn Thị Lan joined through the webhook."""
    if request.param == "telegram":
        with FakeTelegram(token=TOKEN, bot_username="gotungnha_test_bot") as tg:
            settings = telegram_config(
                config,
                tg,
                mode="webhook",
                webhook_url="https://bot.example.vn",
                webhook_secret=TG_SECRET,
            )
            yield from _running(settings, clock, lambda app, url: TelegramHook(app, url, tg))
    else:
        with FakeZalo() as zalo:
            settings = zalo_config(
                config, zalo, webhook_url="https://bot.example.vn", webhook_secret=ZALO_SECRET
            )
            yield from _running(settings, clock, lambda app, url: ZaloHook(app, url, zalo))


def _running(settings: Config, clock: Clock, make: Any) -> Iterator[Hook]:
    app = build_app(settings, clock=clock)
    try:
        with RunningBot(app):
            wait_listening(settings.server.port)
            path = "/telegram/webhook" if settings.telegram.token else "/zalo/webhook"
            hook: Hook = make(app, f"http://127.0.0.1:{settings.server.port}{path}")
            hook.join("Nguyễn Thị Lan")
            yield hook
    finally:
        app.db.dispose()


def stored(app: App) -> tuple[int, int]:
    """(support logs, processed messages) in the database."""
    with app.uow() as uow:
        logs = uow.session.exec(select(func.count()).select_from(SupportLog)).one()
        seen = uow.session.exec(select(func.count()).select_from(ProcessedMessage)).one()
    return int(logs), int(seen)


def assert_nothing_came_through(hook: Hook, before: tuple[int, int], answered: int) -> None:
    """A valid /cuatoi now: its answer says no logs, and it is the only thing stored since."""
    assert hook.post_json(hook.body("/cuatoi")) == 200
    mine = hook.wait_answer(texts.MINE_TITLE.format(name="Nguyễn Thị Lan"))
    assert texts.MINE_EMPTY in mine, f"a refused request was handled after all: {mine!r}"
    assert len(hook.answers()) == answered + 1, hook.answers()[answered:]
    logs, seen = stored(hook.app)
    assert logs == 0, f"{logs} support log(s) stored from refused requests"
    assert seen == before[1] + 1, "processed_message rows were stored for refused requests"


def test_a_missing_or_wrong_secret_is_refused_with_403_and_nothing_is_stored(hook: Hook):
    before, answered = stored(hook.app), len(hook.answers())
    body = json.dumps(hook.body("vneid 3")).encode()
    wrong = [
        {},
        {hook.header: ""},
        {hook.header: "wrong-secret"},
        {hook.header: hook.secret[:-1]},
        {hook.header: hook.secret + "x"},
        {hook.header: hook.secret.upper()},
        {hook.header: TOKEN},
        {hook.other_header: hook.secret},
    ]
    statuses = [hook.post(body, headers) for headers in wrong]
    assert statuses == [403] * len(wrong), list(zip(wrong, statuses, strict=True))
    assert_nothing_came_through(hook, before, answered)


def test_a_body_over_one_megabyte_is_refused_with_413_and_nothing_is_stored(hook: Hook):
    before, answered = stored(hook.app), len(hook.answers())
    padded = {**hook.body("vneid 3"), "padding": "x" * (MEGABYTE + 1)}
    body = json.dumps(padded).encode()
    assert len(body) > MEGABYTE
    status = hook.post(body, {hook.header: hook.secret})
    assert status == 413, (
        f"a {len(body):,}-byte webhook body was answered {status}: bot/web/server.py reads any "
        "body whole (no size limit), so the update inside it is handled and stored"
    )
    assert_nothing_came_through(hook, before, answered)


def test_a_body_that_is_not_a_json_object_is_refused_with_400_and_nothing_is_stored(hook: Hook):
    before, answered = stored(hook.app), len(hook.answers())
    real = json.dumps(hook.body("vneid 3")).encode()
    # an empty body, or an object with no message in it, is a Zalo event: 200 (see below)
    empty = [b"", b'{"ok": true}']
    bodies = [
        *(empty if hook.platform == "telegram" else []),
        b"{not json",
        real[: len(real) // 2],  # cut off halfway
        real + b"}",
        b"\xff\xfe\xfa\xfb",  # not text at all
        b"vneid 3",
        b'"vneid 3"',
        b"null",
        b"[]",
        b"[" + real + b"]",
    ]
    statuses = [hook.post(body, {hook.header: hook.secret}) for body in bodies]
    assert statuses == [400] * len(bodies), list(zip(bodies, statuses, strict=True))
    if hook.platform == "zalo":  # Zalo could give up on a webhook that answers errors
        statuses = [hook.post(body, {hook.header: hook.secret}) for body in empty]
        assert statuses == [200] * len(empty), list(zip(empty, statuses, strict=True))
    assert_nothing_came_through(hook, before, answered)


def test_deeply_nested_json_is_refused_with_400_not_a_server_error(hook: Hook):
    before, answered = stored(hook.app), len(hook.answers())
    statuses = [
        hook.post(body, {hook.header: hook.secret})
        for body in (b"[" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
    ]
    assert statuses == [400, 400], (
        f"deeply nested JSON (100 kB, well under 1 MB) was answered {statuses}: "
        "json.loads raises RecursionError, which bot/web/server.py _checked_json does not catch"
    )
    assert_nothing_came_through(hook, before, answered)


def test_an_update_with_wrong_insides_is_refused_with_400_and_no_traceback(
    hook: Hook, caplog: pytest.LogCaptureFixture
):
    before, answered = stored(hook.app), len(hook.answers())
    real = hook.body("vneid 3")
    if hook.platform == "telegram":
        bodies = [
            {"update_id": 91, "message": "x"},
            {"update_id": 92, "message": {"chat": "x"}},
            {"update_id": 93, "callback_query": 5},
        ]
    else:
        update = real["result"]
        bodies = [
            {**update, "message": {**update["message"], "chat": "x"}},
            {**update, "message": {**update["message"], "from": 5}},
        ]
    with caplog.at_level("WARNING"):
        statuses = [hook.post_json(body) for body in bodies]
    assert statuses == [400] * len(bodies), list(zip(bodies, statuses, strict=True))
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert_nothing_came_through(hook, before, answered)
