"""The fake Telegram Bot API works with a real python-telegram-bot 22 over HTTP.

No project code: a small PTB Application (echo, /start, /menu with buttons, contacts,
photos) polls the fake from an event loop in a background thread, and the test thread
injects updates and checks what the bot sent.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Coroutine, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.telegram_api import FakeTelegram, Upload

TOKEN = "123456:TEST-token"
ALICE = 1001
BOB = 1002
Context = ContextTypes.DEFAULT_TYPE


# ----- a tiny bot ---------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    entity = update.message.entities[0]
    await update.message.reply_text(f"started {context.args} {entity.type} {entity.length}")


async def menu(update: Update, context: Context) -> None:
    buttons = [[InlineKeyboardButton(t, callback_data=t.lower()) for t in ("Yes", "No")]]
    await update.message.reply_text("Pick one", reply_markup=InlineKeyboardMarkup(buttons))


async def echo(update: Update, context: Context) -> None:
    await update.message.reply_text(update.message.text)


async def contact(update: Update, context: Context) -> None:
    shared = update.message.contact
    await update.message.reply_text(f"contact {shared.user_id} {shared.phone_number}")


async def photo(update: Update, context: Context) -> None:
    file = await update.message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await update.message.reply_text(f"photo {len(data)} bytes: {update.message.caption}")


async def pressed(update: Update, context: Context) -> None:
    query = update.callback_query
    await query.answer()
    await query.edit_message_text(f"pressed {query.data}")


def build_application(tg: FakeTelegram) -> Application:
    application = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("menu", menu))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(MessageHandler(filters.CONTACT, contact))
    application.add_handler(MessageHandler(filters.PHOTO, photo))
    application.add_handler(CallbackQueryHandler(pressed))
    return application


class RunningBot:
    """An Application initialized, started and polling on an event loop in a thread."""

    def __init__(self, application: Application) -> None:
        self.application = application
        self.errors: list[object] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ptb-bot", daemon=True)

    def __enter__(self) -> RunningBot:
        self._thread.start()
        if not self._ready.wait(10) or self._failure is not None:
            raise RuntimeError("the bot did not start") from self._failure
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.loop is not None and self._stop is not None
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)
        assert not self._thread.is_alive(), "the bot did not stop"
        assert self._failure is None, self._failure

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 5) -> Any:
        """Run a coroutine (e.g. a Bot method) on the bot's loop and wait for its result."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as failure:
            self._failure = failure
            self._ready.set()

    async def _main(self) -> None:
        self.loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        application = self.application

        async def on_error(update: object, context: Context) -> None:
            self.errors.append(context.error)

        application.add_error_handler(on_error)
        await application.initialize()
        try:
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=1)
            self._ready.set()
            await self._stop.wait()
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as fake:
        yield fake


@pytest.fixture
def bot(tg: FakeTelegram) -> Iterator[RunningBot]:
    with RunningBot(build_application(tg)) as running:
        yield running
    assert running.errors == []


def texts(tg: FakeTelegram, chat_id: int) -> list[str | None]:
    return [sent["text"] for sent in tg.sent(chat_id)]


def seconds(error: RetryAfter) -> float:
    value = error.retry_after  # an int in PTB 22 (with a warning), a timedelta later
    return value.total_seconds() if isinstance(value, timedelta) else value


# ----- the bot through the fake -------------------------------------------------------------


def test_startup_calls_and_get_me(tg: FakeTelegram, bot: RunningBot) -> None:
    tg.wait_calls("getUpdates")
    assert [name for name, _ in tg.calls[:3]] == ["getMe", "deleteWebhook", "getUpdates"]
    assert tg.calls[2][1] == {"offset": 0, "timeout": 1}
    assert bot.application.bot.username == "fake_test_bot"
    me = bot.call(bot.application.bot.get_me())
    assert (me.id, me.is_bot, me.first_name, me.can_join_groups) == (123456, True, "Fake Bot", True)


def test_text_is_echoed(tg: FakeTelegram, bot: RunningBot) -> None:
    alice = tg.user(ALICE, "Alice", username="alice")
    update = tg.send_text(alice, "xin chào 👋")
    [reply] = tg.wait_sent(ALICE, 1)
    assert reply["text"] == "xin chào 👋"
    assert reply["message"]["from"]["username"] == "fake_test_bot"
    assert reply["message"]["chat"] == {
        "id": ALICE,
        "type": "private",
        "first_name": "Alice",
        "username": "alice",
    }
    assert isinstance(reply["message"]["date"], int)
    assert reply["message_id"] == update["message"]["message_id"] + 1  # one sequence per chat


def test_commands_and_mentions_have_entities(tg: FakeTelegram, bot: RunningBot) -> None:
    alice = tg.user(ALICE, "Alice")
    update = tg.send_text(alice, "/start@fake_test_bot now")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 20}]
    assert tg.wait_sent(ALICE, 1)[0]["text"] == "started ['now'] bot_command 20"

    team = tg.group(-100123, "Team")
    tg.send_text(alice, "/start", chat=team)
    assert tg.wait_sent(-100123, 1)[0]["text"] == "started [] bot_command 6"
    assert tg.sent(-100123)[0]["message"]["chat"]["type"] == "group"

    mention = tg.send_text(alice, "👋 @fake_test_bot hi")
    assert mention["message"]["entities"] == [{"type": "mention", "offset": 3, "length": 14}]
    assert tg.wait_sent(ALICE, 2)[1]["text"] == "👋 @fake_test_bot hi"


def test_confirmed_updates_are_not_delivered_twice(tg: FakeTelegram, bot: RunningBot) -> None:
    alice = tg.user(ALICE, "Alice")
    for count, text in enumerate(["one", "two"], start=1):
        update = tg.send_text(alice, text)
        tg.wait_sent(ALICE, count)
        tg.wait_for(lambda update=update: tg.confirmed_offset > update["update_id"])
    polls = len(tg.calls_of("getUpdates"))
    tg.wait_calls("getUpdates", polls + 1)  # one more poll after the confirmation
    assert texts(tg, ALICE) == ["one", "two"]
    offsets = [params["offset"] for params in tg.calls_of("getUpdates")]
    assert offsets == sorted(offsets)


def test_redelivery_follows_the_offset(tg: FakeTelegram, bot: RunningBot) -> None:
    """A confirmed update is not delivered again, unless `ignore_offset` forces a duplicate."""
    alice = tg.user(ALICE, "Alice")
    update = tg.send_text(alice, "again")
    tg.wait_sent(ALICE, 1)
    tg.wait_for(lambda: tg.confirmed_offset > update["update_id"])
    assert tg.redeliver(update) is False
    tg.send_text(alice, "marker")
    tg.wait_sent(ALICE, 2)
    assert tg.redeliver(update, ignore_offset=True) is True
    tg.wait_sent(ALICE, 3)
    assert texts(tg, ALICE) == ["again", "marker", "again"]


def test_button_press_edits_the_message(tg: FakeTelegram, bot: RunningBot) -> None:
    alice = tg.user(ALICE, "Alice")
    tg.send_text(alice, "/menu")
    [sent] = tg.wait_sent(ALICE, 1)
    assert sent["reply_markup"]["inline_keyboard"][0][0] == {"text": "Yes", "callback_data": "yes"}
    update = tg.press(alice, sent, "yes")
    assert update["callback_query"]["message"]["chat"]["id"] == ALICE
    [answer] = tg.wait_calls("answerCallbackQuery")
    assert answer["callback_query_id"] == update["callback_query"]["id"]
    tg.wait_for(lambda: tg.sent(ALICE)[0]["edited"])
    [edited] = tg.sent(ALICE)
    assert (edited["text"], edited["reply_markup"]) == ("pressed yes", None)  # keyboard gone
    edit = {"method": "editMessageText", "text": "pressed yes", "reply_markup": None}
    assert edited["edits"] == [edit]
    assert isinstance(edited["message"]["edit_date"], int)
    with pytest.raises(AssertionError, match="no button"):
        tg.press(alice, edited, "yes")


def test_contact_and_photo(tg: FakeTelegram, bot: RunningBot) -> None:
    alice = tg.user(ALICE, "Alice")
    tg.share_contact(alice, "+84901234567")
    tg.share_contact(alice, "+84907654321", contact_user_id=2002)
    tg.send_photo(alice, caption="ảnh", data=b"\x89PNG" * 10)
    tg.wait_sent(ALICE, 3)
    assert texts(tg, ALICE) == [
        "contact 1001 +84901234567",
        "contact 2002 +84907654321",
        "photo 40 bytes: ảnh",
    ]
    assert len(tg.calls_of("getFile")) == 1


def test_set_my_commands_is_stored(tg: FakeTelegram, bot: RunningBot) -> None:
    api = bot.application.bot
    bot.call(api.set_my_commands([BotCommand("start", "Bắt đầu"), ("help", "Help")]))
    assert tg.commands() == [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "help", "description": "Help"},
    ]
    scope = BotCommandScopeAllPrivateChats()
    bot.call(api.set_my_commands([("log", "Log")], scope=scope, language_code="vi"))
    assert tg.commands({"type": "all_private_chats"}, "vi") == [
        {"command": "log", "description": "Log"}
    ]
    got = bot.call(api.get_my_commands(scope=scope, language_code="vi"))
    assert got == (BotCommand("log", "Log"),)
    bot.call(api.delete_my_commands())
    assert tg.commands() == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):  # PTB strips and capitalizes
        bot.call(api.set_my_commands([("Start", "Upper case is invalid")]))


def test_send_document_is_recorded_and_downloadable(tg: FakeTelegram, bot: RunningBot) -> None:
    tg.user(ALICE, "Alice")
    api = bot.application.bot
    data = bytes(range(256)) + b"\r\n--\r\n\r\n" + "Báo cáo".encode()
    message = bot.call(
        api.send_document(ALICE, document=data, filename="báo cáo.csv", caption="Tháng 11")
    )
    [sent] = tg.sent(ALICE)
    assert sent["file"] == Upload("báo cáo.csv", data, "text/csv")
    assert (sent["method"], sent["caption"]) == ("sendDocument", "Tháng 11")
    assert message.document.file_name == "báo cáo.csv"
    file = bot.call(api.get_file(message.document.file_id))
    assert file.file_path.startswith(tg.base_file_url)
    assert bytes(bot.call(file.download_as_bytearray())) == data
    bot.call(api.send_photo(ALICE, photo=message.document.file_id))  # re-send by file_id
    assert tg.sent(ALICE)[1]["file"] == message.document.file_id


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_faults_raise_ptb_errors(tg: FakeTelegram, bot: RunningBot) -> None:
    tg.user(ALICE, "Alice")
    api = bot.application.bot
    tg.fail_next("getMe", status=429, retry_after=1)  # (a 429's window: test_a_429_holds…)
    with pytest.raises(RetryAfter) as error:
        bot.call(api.get_me())
    assert seconds(error.value) == 1
    for status, exception in [(500, NetworkError), (502, NetworkError), (403, Forbidden)]:
        tg.fail_next("sendMessage", status=status)
        with pytest.raises(exception):
            bot.call(api.send_message(ALICE, "hi"))
    assert bot.call(api.send_message(ALICE, "hi")).text == "hi"
    assert texts(tg, ALICE) == ["hi"]  # failed calls send nothing, but are recorded
    assert len(tg.calls_of("sendMessage")) == 4
    with pytest.raises(BadRequest, match="hat not found"):
        bot.call(api.send_message(4242, "nobody"))


def test_shutdown_is_clean() -> None:
    before = set(threading.enumerate())
    with FakeTelegram(token=TOKEN) as tg:
        with RunningBot(build_application(tg)):
            tg.send_text(tg.user(ALICE, "Alice"), "bye")
            tg.wait_sent(ALICE, 1)
        name, params = tg.calls[-1]  # PTB confirms what it fetched with a last short poll
        assert (name, params["timeout"]) == ("getUpdates", 0)
    assert set(threading.enumerate()) - before == set()


# ----- the fake on its own ------------------------------------------------------------------


def raw_bot(tg: FakeTelegram) -> Bot:
    return Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url)


def test_unconfirmed_updates_come_back(tg: FakeTelegram) -> None:
    """A bot that stops before confirming (no greater offset) gets the same update again."""
    alice = tg.user(ALICE, "Alice")
    update = tg.send_text(alice, "hello")
    uid = update["update_id"]

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            assert [u.update_id for u in await raw.get_updates(timeout=0)] == [uid]
            assert [u.update_id for u in await raw.get_updates(timeout=0)] == [uid]
            assert tg.redeliver(update) is True  # still pending: not queued twice
            assert [u.message.text for u in await raw.get_updates(timeout=0)] == ["hello"]
            assert await raw.get_updates(offset=uid + 1, timeout=0) == ()
            assert tg.redeliver(update) is False
            assert await raw.get_updates(timeout=0) == ()

    asyncio.run(scenario())


def test_held_answers_deliver_at_once(tg: FakeTelegram) -> None:
    """`hold_answers`: the message is there at once; the bot learns it was sent on release."""
    tg.user(ALICE, "Alice")
    tg.hold_answers("sendMessage")

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            sending = asyncio.create_task(raw.send_message(ALICE, "slow"))
            while not tg.held("sendMessage"):
                await asyncio.sleep(0.01)
            tg.fail_next("sendMessage", status=403)
            refused = asyncio.create_task(raw.send_message(ALICE, "refused"))
            while len(tg.held("sendMessage")) < 2:
                await asyncio.sleep(0.01)
            assert [p["text"] for p in tg.held("sendMessage")] == ["slow", "refused"]
            assert texts(tg, ALICE) == ["slow"]
            assert (await raw.get_me()).id == raw.id  # other methods answer at once
            await asyncio.sleep(0.2)
            assert not sending.done() and not refused.done()
            tg.release_answers("sendMessage")
            assert (await sending).text == "slow"
            with pytest.raises(Forbidden):  # an error answer was held too
                await refused
            assert tg.held("sendMessage") == []
            assert (await raw.send_message(ALICE, "fast")).text == "fast"
            assert texts(tg, ALICE) == ["slow", "fast"]

    asyncio.run(scenario())


def test_held_answers_go_at_stop() -> None:
    with FakeTelegram(token=TOKEN) as tg:
        tg.user(ALICE, "Alice")
        tg.hold_answers("sendMessage")
        url = f"{tg.base_url}{TOKEN}/sendMessage"
        with httpx.Client(timeout=10) as client:
            stuck = threading.Thread(
                target=client.post, args=(url,), kwargs={"json": {"chat_id": ALICE, "text": "x"}}
            )
            stuck.start()
            tg.wait_for(lambda: tg.held("sendMessage"), 5)
            started = time.monotonic()
            tg.stop()
            stuck.join(5)
            assert not stuck.is_alive() and time.monotonic() - started < 3


def test_long_poll_limit_and_allowed_updates(tg: FakeTelegram) -> None:
    alice = tg.user(ALICE, "Alice")

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            started = time.monotonic()
            assert await raw.get_updates(timeout=1) == ()
            assert time.monotonic() - started >= 0.9

            def inject_later() -> None:
                time.sleep(0.2)
                tg.send_text(alice, "wake up")

            started = time.monotonic()
            got, _ = await asyncio.gather(
                raw.get_updates(timeout=3), asyncio.to_thread(inject_later)
            )
            assert [u.message.text for u in got] == ["wake up"]
            assert time.monotonic() - started < 2

            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
            menu = await raw.send_message(ALICE, "menu", reply_markup=keyboard)
            tg.send_text(alice, "dropped")
            tg.press(alice, {"chat_id": ALICE, "message_id": menu.message_id}, "a")
            tg.send_text(alice, "also dropped")
            offset = got[0].update_id + 1
            [query] = await raw.get_updates(offset, limit=1, allowed_updates=["callback_query"])
            assert query.callback_query.data == "a"
            assert query.callback_query.message.text == "menu"

    asyncio.run(scenario())


def test_replies_chats_and_actions(tg: FakeTelegram) -> None:
    alice = tg.user(ALICE, "Alice", username="alice")

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            question = tg.send_text(alice, "question")["message"]
            answer = await raw.send_message(
                ALICE, "answer", reply_parameters=ReplyParameters(question["message_id"])
            )
            assert answer.reply_to_message.text == "question"
            assert tg.sent(ALICE)[0]["reply_to_message_id"] == question["message_id"]
            tg.send_text(alice, "thanks", reply_to=tg.sent(ALICE)[0])
            [update] = await raw.get_updates(timeout=0, offset=-1)
            replied = update.message.reply_to_message
            assert (replied.text, replied.from_user.id) == ("answer", raw.id)
            assert await raw.send_chat_action(ALICE, ChatAction.TYPING) is True
            chat = await raw.get_chat(ALICE)
            assert (chat.id, chat.type, chat.username) == (ALICE, "private", "alice")
            with pytest.raises(BadRequest, match="hat not found"):
                await raw.get_chat(-42)

    asyncio.run(scenario())


def test_raw_http_answers(tg: FakeTelegram) -> None:
    url = f"{tg.base_url}{TOKEN}"
    tg.user(ALICE, "Alice")
    assert httpx.post(f"{url}/noSuchMethod").json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    wrong = httpx.post(f"{tg.base_url}1:WRONG/getMe")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert httpx.get(f"{url}/getMe").json()["result"]["is_bot"] is True
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    body = {"chat_id": ALICE, "text": "x", "reply_markup": keyboard}
    sent = httpx.post(f"{url}/sendMessage", json=body)
    assert sent.json()["result"]["reply_markup"] == keyboard
    assert tg.sent(ALICE)[0]["reply_markup"] == keyboard
    unknown_file = httpx.post(f"{url}/getFile", json={"file_id": "nope"})
    assert (unknown_file.status_code, unknown_file.json()["description"]) == (
        400,
        "Bad Request: invalid file_id",
    )
    chat = httpx.post(f"{url}/getChat", data={"chat_id": str(ALICE)}).json()["result"]
    assert (chat["id"], chat["type"]) == (ALICE, "private")


def test_webhooks(tg: FakeTelegram) -> None:
    received: list[tuple[str | None, bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            await raw.set_webhook("https://bot.example/hook", secret_token="s3cret")
            assert (await raw.get_webhook_info()).url == "https://bot.example/hook"
            with pytest.raises(Conflict):
                await raw.get_updates(timeout=0)
            assert tg.webhook["secret_token"] == "s3cret"

    asyncio.run(scenario())
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        update = tg.send_text(tg.user(ALICE, "Alice"), "hi", queue=False)
        hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
        assert tg.post_webhook(hook, update) == 200
        assert tg.post_webhook(hook, update, secret="") == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert [secret for secret, _ in received] == ["s3cret", None]
    assert Update.de_json(json.loads(received[0][1]), None).message.text == "hi"


# ----- Telegram's limits ------------------------------------------------------------------


def test_a_second_long_poll_cuts_off_the_waiting_one_with_409(tg: FakeTelegram) -> None:
    """As on Telegram, a getUpdates that starts to wait ends the one already waiting with 409
    Conflict: two bots polling one token keep cutting each other off. A poll with timeout 0
    (PTB's last one, confirming what it fetched) cuts off nobody."""
    alice = tg.user(ALICE, "Alice")

    async def scenario() -> None:
        async with raw_bot(tg) as first, raw_bot(tg) as second:
            waiting = asyncio.create_task(first.get_updates(timeout=5))
            await asyncio.sleep(0.3)
            assert await second.get_updates(timeout=0) == ()  # answers at once, cuts nobody
            assert not waiting.done()
            started = time.monotonic()
            newer = asyncio.create_task(second.get_updates(timeout=5))
            with pytest.raises(Conflict, match="terminated by other getUpdates request"):
                await waiting
            assert time.monotonic() - started < 1
            tg.send_text(alice, "for whoever polls now")
            [update] = await newer  # the newer poll goes on and gets the update
            assert update.message.text == "for whoever polls now"

            # the first bot polls again and cuts the second off: a second 409 within 3 s of
            # the last one waits 3 s first, so two pollers cannot spin
            waiting = asyncio.create_task(second.get_updates(update.update_id + 1, timeout=5))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            newer = asyncio.create_task(first.get_updates(update.update_id + 1, timeout=1))
            with pytest.raises(Conflict):
                await waiting
            assert time.monotonic() - started > 2.5
            assert await newer == ()

    asyncio.run(scenario())
    assert [status for _at, status in tg.statuses("getUpdates")] == [409, 200, 200, 409, 200]


def test_texts_and_captions_over_telegrams_limits_in_utf16_units_are_refused(
    tg: FakeTelegram,
) -> None:
    tg.user(ALICE, "Alice")

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            await raw.send_message(ALICE, "ệ" * 4096)  # a Vietnamese letter: one unit
            await raw.send_message(ALICE, "😀" * 2048)  # an emoji beyond U+FFFF: two
            await raw.send_message(ALICE, "\n" + "a" * 4096 + "\n\n")  # trimmed first
            for refused in ("a" * 4097, "😀" * 2048 + "!", "ệ" * 4095 + "😀"):
                with pytest.raises(BadRequest, match="Message is too long"):
                    await raw.send_message(ALICE, refused)
            with pytest.raises(BadRequest, match="Message text is empty"):
                await raw.send_message(ALICE, " \n ")
            picture = b"\x89PNG" * 10
            photo = await raw.send_photo(ALICE, picture, caption="📊" * 512)
            with pytest.raises(BadRequest, match="Message caption is too long"):
                await raw.send_photo(ALICE, picture, caption="📊" * 512 + ".")
            with pytest.raises(BadRequest, match="Message caption is too long"):
                await raw.send_document(ALICE, picture, filename="a.png", caption="c" * 1025)
            message = await raw.send_message(ALICE, "short")
            with pytest.raises(BadRequest, match="Message_too_long"):
                await raw.edit_message_text("e" * 4097, ALICE, message.message_id)
            assert photo.caption == "📊" * 512

    asyncio.run(scenario())
    assert len(texts(tg, ALICE)) == 5  # three texts, the photo, "short": nothing refused


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_a_429_holds_for_its_window_and_says_how_long_is_left(tg: FakeTelegram) -> None:
    """Every call in the window is refused too, told the seconds left: a bot that ignored
    retry_after and tried again at once would be refused again."""
    tg.user(ALICE, "Alice")
    tg.user(BOB, "Bob")

    async def refused(raw: Bot, chat_id: int) -> float:
        with pytest.raises(RetryAfter) as error:
            await raw.send_message(chat_id, "refused")
        return seconds(error.value)

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            tg.fail_next("sendMessage", status=429, retry_after=2)
            started = time.monotonic()
            assert await refused(raw, ALICE) == 2
            await asyncio.sleep(1.2)
            assert await refused(raw, BOB) == 1  # every chat: 0.8 s left, said as 1 s
            assert await raw.get_me()  # other methods answer
            await asyncio.sleep(max(0.0, started + 2.05 - time.monotonic()))
            await raw.send_message(ALICE, "after the window")

            # per chat (a group's 20 messages a minute): the other chats go on
            tg.fail_next("sendMessage", status=429, retry_after=1, per_chat=True)
            assert await refused(raw, ALICE) == 1
            await raw.send_message(BOB, "another chat")
            assert await refused(raw, ALICE) == 1
            await asyncio.sleep(1.05)
            await raw.send_message(ALICE, "after the chat's window")

    asyncio.run(scenario())
    assert texts(tg, ALICE) == ["after the window", "after the chat's window"]
    assert texts(tg, BOB) == ["another chat"]
    answers = [status for _at, status in tg.statuses("sendMessage")]
    assert answers == [429, 429, 200, 429, 200, 429, 200]


def test_flood_limits_refuse_the_31st_message_in_a_second_and_a_groups_21st_in_a_minute() -> None:
    """With `flood_limits`, what Telegram names: 30 messages a second to all chats, 20 a
    minute to one group; beyond, 429 and a window in which the others are refused too."""
    groups = [-(100 + n) for n in range(31)]
    with FakeTelegram(token=TOKEN, flood_limits=True) as limited:
        for group in groups:
            limited.group(group, f"Tổ {-group}")

        async def scenario() -> tuple[list[bool], list[bool]]:
            async with raw_bot(limited) as raw:

                async def went(chat: int, text: str) -> bool:
                    try:
                        await raw.send_message(chat, text)
                    except RetryAfter:
                        return False
                    return True

                started = time.monotonic()
                burst = [await went(group, "một") for group in groups]  # well within 1 s
                assert time.monotonic() - started < 1, "the burst took a second: no test"
                await asyncio.sleep(max(0.0, started + 1.05 - time.monotonic()))
                one_group = [await went(groups[0], f"tin {n}") for n in range(20)]
                return burst, one_group

        burst, one_group = asyncio.run(scenario())
        refusals = limited.flood_refusals
    assert burst == [True] * 30 + [False]
    # the group had 1 message in this minute already: 19 more go, the 21st is refused
    assert one_group == [True] * 19 + [False]
    assert refusals == 2


def test_a_group_upgraded_to_a_supergroup_answers_with_its_new_id(tg: FakeTelegram) -> None:
    alice = tg.user(ALICE, "Alice")
    group = tg.group(-4242, "Tổ 3")
    supergroup = tg.migrate(group, by=alice)
    assert supergroup == {"id": -1_000_000_004_242, "type": "supergroup", "title": "Tổ 3"}
    with pytest.raises(ValueError, match="supergroup"):
        tg.migrate(supergroup)

    async def scenario() -> None:
        async with raw_bot(tg) as raw:
            with pytest.raises(ChatMigrated) as moved:
                await raw.send_message(-4242, "to the old id")
            assert moved.value.new_chat_id == -1_000_000_004_242
            await raw.send_message(moved.value.new_chat_id, "to the new id")
            service = await raw.get_updates(timeout=0)
            assert [(u.message.chat.id, u.message.from_user.id) for u in service] == [
                (-4242, ALICE),
                (-1_000_000_004_242, ALICE),
            ]
            assert service[0].message.migrate_to_chat_id == -1_000_000_004_242
            assert service[1].message.migrate_from_chat_id == -4242

    asyncio.run(scenario())
    assert tg.sent(-4242) == []
    assert texts(tg, -1_000_000_004_242) == ["to the new id"]
