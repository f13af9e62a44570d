"""A fake Telegram Bot API server for tests: real HTTP on 127.0.0.1, in-memory state.

Usage::

    with FakeTelegram(token="123:ABC") as tg:
        application = (
            ApplicationBuilder().token(tg.token)
            .base_url(tg.base_url).base_file_url(tg.base_file_url).build()
        )
        ...  # start it polling (in a background thread / event loop)
        alice = tg.user(1001, "Alice", username="alice")
        tg.send_text(alice, "/start")                  # queued for getUpdates
        [reply] = tg.wait_sent(alice["id"], 1)          # blocks until the bot answered
        assert reply["text"] == "Welcome"
        tg.press(alice, reply, "yes")                   # a callback_query on that message
        tg.fail_next("sendMessage", status=429)         # a 429: sendMessage refused for 1 s
        tg.hold_answers("sendMessage")                  # delivered at once, answered later
        tg.drop_answers("sendMessage")                  # delivered, its answer cut off
        tg.refuse_connections(0.5)                      # nobody listening for 0.5 s
        supergroup = tg.migrate(group)                  # the group now has a new id

Wire format: PTB posts form-urlencoded bodies whose values are JSON-encoded (strings are
sent raw), and multipart/form-data when it uploads a file; JSON bodies and GET query strings
are accepted too. Updates follow the real offset rules: getUpdates returns the queued updates
with update_id >= offset, and an update is confirmed (forgotten) as soon as getUpdates is
called with a greater offset. `redeliver(update)` queues an update again with its update_id,
so it only reaches the bot if that offset has not been confirmed yet; with
`ignore_offset=True` it is delivered once more regardless (a duplicate delivery).

Groups behave as with BotFather's default privacy mode: a member's group message reaches
the bot only when it is a command (not one for another bot) or a reply to one of the bot's
messages, and getMe says can_read_all_group_messages=false; `FakeTelegram(privacy=False)`
delivers everything (privacy turned off), and so does a group where `make_admin(group)`
made the bot an administrator (getChatMember then says so).

The bot may only message chats the test introduced (`user`, `group`, or a chat an update
came from); others answer 400 "chat not found". Methods live in `telegram_methods`, object
builders and the wire format in `telegram_objects`.

Telegram's limits hold, as the Bot API server (tdlib/telegram-bot-api) applies them:
- one getUpdates at a time: a getUpdates that starts to wait cuts off the one already
  waiting, which answers 409 "Conflict: terminated by other getUpdates request; make sure
  that only one bot instance is running" (at most one such answer per 3 s: later ones wait
  3 s first, as on Telegram). Two bots polling one token keep cutting each other off;
- a message text over 4,096 UTF-16 code units (an emoji beyond U+FFFF counts two) is
  refused with 400 "message is too long" (an edit: "MESSAGE_TOO_LONG"), a caption over
  1,024 with "message caption is too long", a blank text with "message text is empty";
- a 429 holds for its retry_after: every call of the method (`per_chat`: to that chat) in
  the window is refused too, told the seconds left (`statuses` shows what was answered);
- a group upgraded to a supergroup (`migrate`) answers sends with 400 "group chat was
  upgraded to a supergroup chat" and parameters.migrate_to_chat_id;
- with `FakeTelegram(flood_limits=True)`, the send limits Telegram names (30 messages a
  second to all chats, 20 a minute to one group), held strictly: a message beyond 30 in
  the last second is refused 429 retry_after 1 and opens a 1 s window in which every
  message is refused; a group's 21st in a minute opens that group's window until its
  oldest leaves the minute. `flood_refusals` counts the 429s the limits gave (not those
  of windows already open). Off by default: a test that sends one message at a time
  needs no pacing.

Not implemented: webhook push (updates wait for getUpdates; use `post_webhook`), parse_mode
rendering (text is stored and counted as sent), other members' rights (getChatMember knows
only the bot), flood limits unless asked for (a 429 comes from `fail_next`), inline mode
and inline-message edits, payments, media groups, fetching file URLs, and any other method
(404 "method not found").
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes import telegram_objects as obj
from tests.fakes.lost_answers import DroppedAnswer
from tests.fakes.telegram_methods import BotApi
from tests.fakes.telegram_objects import JSON, ApiError, Upload, read_params

__all__ = ["FakeTelegram", "Upload"]
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)
CONFLICT_PACE = 3.0  # seconds: Telegram answers at most one such 409 this often
PER_SECOND, PER_GROUP_MINUTE = 30, 20  # Telegram's send limits (flood_limits=True)
MESSAGES = frozenset(  # the methods that send a message: what the flood limits count
    ("sendmessage", "sendphoto", "senddocument", "sendvoice", "copymessage", "forwardmessage")
)
_DEFAULT_ERRORS = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class FakeTelegram(BotApi):
    """The Bot API of one bot, served on 127.0.0.1:<free port> while in a `with` block."""

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_username: str = "fake_test_bot",
        bot_name: str = "Fake Bot",
        privacy: bool = True,
        flood_limits: bool = False,
    ) -> None:
        super().__init__(token, bot_username, bot_name)
        self.privacy = privacy  # False: privacy mode off (BotFather /setprivacy, or an admin)
        self.flood_limits = flood_limits  # True: 30 messages a second, 20 a minute per group
        self.flood_refusals = 0  # 429s the flood limits gave
        self._taken: deque[float] = deque()  # messages taken in the last second
        self._taken_by_group: dict[str, deque[float]] = {}  # ... in the last minute
        self.port = 0
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[tuple[str, JSON]] = []
        self._answers: list[tuple[float, str, int]] = []  # (arrived, method, HTTP status)
        self._faults: dict[str, list[tuple[ApiError, bool]]] = {}  # (error, per chat)
        self._flooded: dict[tuple[str, str | None], float] = {}  # 429 windows: until when
        self._polling: _LongPoll | None = None  # the getUpdates waiting now
        self._next_conflict = 0.0
        self._holding: set[str] = set()  # methods whose answers wait for `release_answers`
        self._dropping: dict[str, int] = {}  # method: answers to cut off after taking effect
        self._back: threading.Timer | None = None  # ends an outage (refuse_connections)
        self._held: list[tuple[str, JSON]] = []  # calls done, their answers waiting
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._closing = False
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 5) -> FakeTelegram:
        sock = socket.socket(
            socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )  # asyncio sets TCP_NODELAY
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the same port again
        sock.bind(("127.0.0.1", self.port))  # 0 at first: any free port
        self.port = sock.getsockname()[1]
        self._closing = False
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._download, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app,
            log_config=None,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
            # api.telegram.org is nginx ("Server: nginx/1.9.1", "Connection: keep-alive", no
            # Keep-Alive timeout: captured in rubenlagus/TelegramBots#14), whose idle
            # connections live 75 s by default: longer than the 5 s httpx keeps one in its
            # pool, so the platform never closes a connection a request is just reusing
            timeout_keep_alive=75,
        )
        self._server = server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._serve(server, sock),), name="fake-telegram", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the fake Telegram server did not start")
            time.sleep(0.01)
        return self

    async def _serve(self, server: uvicorn.Server, sock: socket.socket) -> None:
        self._loop, self._wakeup = asyncio.get_running_loop(), asyncio.Event()
        await server.serve(sockets=[sock])

    def stop(self, timeout: float = 10) -> None:
        if self._back is not None:
            self._back.cancel()
        if self._server is None or self._thread is None:
            return
        self._closing = True  # pending long polls answer [] at once
        self._wake()
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError("the fake Telegram server did not stop")

    def _wake(self) -> None:
        if self._loop is not None and self._wakeup is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                self._loop.call_soon_threadsafe(self._wakeup.set)

    # ----- HTTP ------------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        asked = request.path_params["method"]
        name, handler = self._methods.get(asked.lower(), (asked, None))
        params = await read_params(request)
        arrived = time.monotonic()
        with self._cond:
            self._calls.append((name, params))
            fault = (
                self._flood(name, params, arrived)
                or self._over_limits(name, params, arrived)
                or self._fault(name, params, arrived)
            )
            hold = name.lower() in self._holding
            self._cond.notify_all()
        response = await self._answer(name, handler, params, fault)
        with self._cond:
            self._answers.append((arrived, name, response.status_code))
            drop = response.status_code == 200 and self._dropping.get(name.lower(), 0) > 0
            if drop:
                self._dropping[name.lower()] -= 1
            self._cond.notify_all()
        if drop:  # it took effect; the answer is cut off on the way
            return DroppedAnswer()
        if hold:  # the call took effect; only its answer waits
            await self._held_back(name, params)
        return response

    def _flood(self, name: str, params: JSON, now: float) -> ApiError | None:
        """The 429 of a window that still holds for this call, with the seconds left."""
        for key in ((name.lower(), None), (name.lower(), _chat_key(params))):
            until = self._flooded.get(key, 0.0)
            if now < until:
                left = math.ceil(until - now)
                return ApiError(
                    429, f"Too Many Requests: retry after {left}", {"retry_after": left}
                )
        return None

    def _over_limits(self, name: str, params: JSON, now: float) -> ApiError | None:
        """With `flood_limits`: a message beyond 30 in the last second, or a group's beyond
        20 in the last minute, is refused and opens its window; one within is counted."""
        if not self.flood_limits or name.lower() not in MESSAGES:
            return None
        while self._taken and now - self._taken[0] >= 1:
            self._taken.popleft()
        chat = _chat_key(params)
        group = chat is not None and chat.startswith("-")
        recent = self._taken_by_group.setdefault(chat, deque()) if group else deque()
        while recent and now - recent[0] >= 60:
            recent.popleft()
        if len(self._taken) >= PER_SECOND:
            until = self._taken[0] + 1
            for method in MESSAGES:
                self._flooded[(method, None)] = until
        elif len(recent) >= PER_GROUP_MINUTE:
            until = recent[0] + 60
            for method in MESSAGES:
                self._flooded[(method, chat)] = until
        else:
            self._taken.append(now)
            recent.append(now)
            return None
        self.flood_refusals += 1
        left = max(1, math.ceil(until - now))
        return ApiError(429, f"Too Many Requests: retry after {left}", {"retry_after": left})

    def _fault(self, name: str, params: JSON, now: float) -> ApiError | None:
        """The next fault set by `fail_next`; a 429 opens its window."""
        faults = self._faults.get(name.lower())
        if not faults:
            return None
        fault, per_chat = faults.pop(0)
        if fault.status == 429 and fault.parameters:
            key = (name.lower(), _chat_key(params) if per_chat else None)
            self._flooded[key] = now + fault.parameters["retry_after"]
        return fault

    async def _held_back(self, name: str, params: JSON) -> None:
        call = (name, params)
        with self._cond:
            self._held.append(call)
            self._cond.notify_all()
        try:
            while True:
                with self._cond:
                    if name.lower() not in self._holding or self._closing:
                        return
                await asyncio.sleep(0.02)
        finally:
            with self._cond:
                self._held.remove(call)
                self._cond.notify_all()

    async def _answer(
        self, name: str, handler: Callable[[JSON], Any] | None, params: JSON, fault: ApiError | None
    ) -> Response:
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            if fault is not None:
                raise fault
            if name == "getUpdates":
                return JSONResponse({"ok": True, "result": await self._long_poll(params)})
            with self._cond:
                result = copy.deepcopy(handler(params))
                self._cond.notify_all()
        except ApiError as error:
            return error.response()
        return JSONResponse({"ok": True, "result": result})

    async def _download(self, request: Request) -> Response:
        path = request.path_params["file_path"]
        with self._cond:
            found = next((f for f in self._files.values() if f.file_path == path), None)
        if request.path_params["token"] != self.token or found is None:
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return Response(found.data, media_type=found.mime_type)

    # ----- updates ---------------------------------------------------------------------------

    async def _long_poll(self, params: JSON) -> list[JSON]:
        assert self._wakeup is not None
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        me = _LongPoll()
        try:
            while True:
                if me.cut_off:
                    await self._conflict()
                self._wakeup.clear()
                with self._cond:
                    batch = self._get_updates(params)
                    remaining = deadline - time.monotonic()
                    if batch or self._closing or remaining <= 0:
                        return batch
                    if self._polling is not me:  # it waits now: the one waiting is cut off
                        if self._polling is not None:
                            self._polling.cut_off = True
                            self._wakeup.set()
                        self._polling = me
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), remaining)
        finally:
            with self._cond:
                if self._polling is me:
                    self._polling = None

    async def _conflict(self) -> None:
        """Answer a getUpdates cut off by another: 409, at most one per `CONFLICT_PACE`
        seconds (later ones wait that long first, so two pollers cannot spin)."""
        with self._cond:
            now = time.monotonic()
            paced = now < self._next_conflict
            if not paced:
                self._next_conflict = now + CONFLICT_PACE
        end = now + CONFLICT_PACE
        while paced and not self._closing and time.monotonic() < end:
            await asyncio.sleep(0.05)
        raise ApiError(409, CONFLICT)

    # ----- the test's side: people, updates --------------------------------------------------

    def user(
        self, user_id: int, first_name: str, username: str | None = None, **extra: Any
    ) -> JSON:
        """A Telegram user; the bot may now message their private chat (id = user id)."""
        person = obj.user(user_id, first_name, username, **extra)
        with self._cond:
            self._chats[user_id] = obj.private_chat(person)
        return person

    def group(self, chat_id: int, title: str, chat_type: str | None = None) -> JSON:
        """A group chat (negative id) the bot is a member of."""
        chat = obj.group_chat(chat_id, title, chat_type)
        with self._cond:
            self._chats[chat_id] = chat
        return chat

    def migrate(self, group: JSON, by: JSON | None = None) -> JSON:
        """Upgrade a group to a supergroup (Telegram does so when an admin turns on what only
        supergroups have, such as a public link or topics); returns the supergroup, whose id
        is new (-100…). The bot's sends to the old id then answer 400 "group chat was upgraded
        to a supergroup chat" with parameters.migrate_to_chat_id. With `by` (the user who
        upgraded it) the two service messages Telegram sends are queued too, privacy mode or
        not: migrate_to_chat_id in the old group, migrate_from_chat_id in the new one."""
        with self._cond:
            old = self._chat(group["id"])
            if old["type"] != "group":
                raise ValueError(f"only a basic group is upgraded, not a {old['type']}")
            new_id = -(10**12) - abs(old["id"])
            supergroup = obj.group_chat(new_id, old["title"], "supergroup")
            self._chats[new_id] = supergroup
            self._upgraded[old["id"]] = new_id
            if old["id"] in self.admin_in:  # an administrator stays one
                self.admin_in.add(new_id)
            if by is not None:
                for chat, fields in (
                    (old, {"migrate_to_chat_id": new_id}),
                    (supergroup, {"migrate_from_chat_id": old["id"]}),
                ):
                    msg = obj.message(self._new_message_id(chat["id"]), chat, by, **fields)
                    self._messages[(chat["id"], msg["message_id"])] = msg
                    self._new_update({"message": msg}, queue=True)
            return copy.deepcopy(supergroup)

    def make_admin(self, group: JSON) -> None:
        """Make the bot an administrator of a group: it then gets every message there."""
        with self._cond:
            self.admin_in.add(group["id"])

    def register_file(self, data: bytes, kind: str = "document", name: str = "") -> str:
        """Store bytes the bot can fetch with getFile + download; returns the file_id."""
        with self._cond:
            return self._store_file(data, kind, name).file_id

    def send_text(
        self,
        user: JSON,
        text: str,
        chat: JSON | None = None,
        reply_to: JSON | None = None,
        *,
        queue: bool = True,
    ) -> JSON:
        """A text message from `user` (with command/mention entities); returns the update."""
        fields: JSON = {"text": text}
        if found := obj.entities(text):
            fields["entities"] = found
        return self._user_message(user, chat, fields, reply_to, queue)

    def share_contact(
        self,
        user: JSON,
        phone_number: str,
        contact_user_id: int | None = None,
        *,
        first_name: str | None = None,
        chat: JSON | None = None,
        queue: bool = True,
    ) -> JSON:
        """`user` shares a contact: their own unless `contact_user_id` names someone else."""
        own = contact_user_id in (None, user["id"])
        name = first_name or (user["first_name"] if own else "Contact")
        shared = obj.contact(phone_number, name, user["id"] if own else contact_user_id)
        return self._user_message(user, chat, {"contact": shared}, None, queue)

    def send_photo(
        self,
        user: JSON,
        caption: str | None = None,
        chat: JSON | None = None,
        *,
        data: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        queue: bool = True,
    ) -> JSON:
        """A photo from `user` (two sizes, downloadable through getFile) with a caption."""
        with self._cond:
            small, big = (self._store_file(data, "photo", "photo.jpg") for _ in range(2))
        sizes = [
            obj.photo_size(small.file_id, small.file_unique_id, 90, 67, len(data)),
            obj.photo_size(big.file_id, big.file_unique_id, 800, 600, len(data)),
        ]
        fields: JSON = {"photo": sizes, **({"caption": caption} if caption else {})}
        return self._user_message(user, chat, fields, None, queue)

    def send_voice(
        self,
        user: JSON,
        data: bytes,
        *,
        duration: int,
        chat: JSON | None = None,
        queue: bool = True,
    ) -> JSON:
        """A voice note from `user`: OGG/Opus bytes, downloadable through getFile, with the
        length Telegram states (whole seconds)."""
        with self._cond:
            stored = self._store_file(data, "voice", "file.oga", "audio/ogg")
        voice = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        voice |= {"duration": duration, "mime_type": "audio/ogg", "file_size": len(data)}
        return self._user_message(user, chat, {"voice": voice}, None, queue)

    def press(
        self, user: JSON, message: JSON, data: str, *, strict: bool = True, queue: bool = True
    ) -> JSON:
        """`user` presses the button with callback `data` under a message the bot sent
        (a dict from `sent`); `strict` checks the message currently has that button."""
        with self._cond:
            original = self._original(message)
            if strict and data not in _callback_data(original.get("reply_markup")):
                raise AssertionError(f"no button with callback_data {data!r} in {original}")
            query_id = str(4_000_000_000_000 + next(self._ids))
            self._open_queries.add(query_id)
            query = obj.callback_query(query_id, user, original, data)
            return self._new_update({"callback_query": query}, queue)

    def _user_message(
        self, user: JSON, chat: JSON | None, fields: JSON, reply_to: JSON | None, queue: bool
    ) -> JSON:
        with self._cond:
            chat = chat or self._chats.get(user["id"]) or obj.private_chat(user)
            self._chats.setdefault(chat["id"], chat)
            if reply_to is not None:
                fields["reply_to_message"] = obj.without_reply(self._original(reply_to))
            msg = obj.message(self._new_message_id(chat["id"]), chat, user, **fields)
            self._messages[(chat["id"], msg["message_id"])] = msg
            hears_all = not self.privacy or chat["id"] in self.admin_in
            if chat["type"] != "private" and not hears_all and not self._for_the_bot(msg):
                return self._new_update({"message": msg}, queue=False)  # never delivered
            return self._new_update({"message": msg}, queue)

    def _for_the_bot(self, msg: JSON) -> bool:
        """With privacy mode on, a group message reaches the bot only as a command (not one
        addressed to another bot) or a reply to one of the bot's messages."""
        text = msg.get("text") or msg.get("caption") or ""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            return "@" not in command or command.endswith("@" + self.bot["username"])
        replied = msg.get("reply_to_message") or {}
        return (replied.get("from") or {}).get("id") == self.bot["id"]

    def _original(self, message: JSON) -> JSON:
        chat_id = message["chat_id"] if "chat_id" in message else message["chat"]["id"]
        key = (chat_id, message["message_id"])
        if key not in self._messages:
            raise KeyError(f"no message {message['message_id']} in chat {chat_id}")
        return copy.deepcopy(self._messages[key])

    def _new_update(self, payload: JSON, queue: bool) -> JSON:
        with self._cond:
            update = {"update_id": self._next_update_id, **payload}
            self._next_update_id += 1
        return self.enqueue(update) if queue else copy.deepcopy(update)

    def enqueue(self, update: JSON) -> JSON:
        """Queue an update (built with `queue=False`, or by hand) for getUpdates."""
        with self._cond:
            if "update_id" not in update:
                update = {"update_id": self._next_update_id, **update}
                self._next_update_id += 1
            self._queue.append(copy.deepcopy(update))
            self._queue.sort(key=lambda queued: queued["update_id"])
        self._wake()
        return copy.deepcopy(update)

    def redeliver(self, update: JSON, *, ignore_offset: bool = False) -> bool:
        """Queue `update` again with its update_id. Returns whether it will reach the bot:
        not if the bot confirmed it already (unless `ignore_offset`), and only once if it
        is still pending."""
        with self._cond:
            if ignore_offset:
                self._forced.append(copy.deepcopy(update))
            elif update["update_id"] < self._confirmed:
                return False
            elif all(queued["update_id"] != update["update_id"] for queued in self._queue):
                self._queue.append(copy.deepcopy(update))
                self._queue.sort(key=lambda queued: queued["update_id"])
        self._wake()
        return True

    # ----- the test's side: what the bot did -------------------------------------------------

    @property
    def calls(self) -> list[tuple[str, JSON]]:
        """Every API call the bot made, in order: (method, params)."""
        with self._cond:
            return copy.deepcopy(self._calls)

    def calls_of(self, method: str) -> list[JSON]:
        """The params of every call of one method."""
        return [params for name, params in self.calls if name.lower() == method.lower()]

    def sent(self, chat_id: int) -> list[JSON]:
        """What the bot sent to a chat, oldest first: dicts with text, caption, reply_markup,
        message_id, file (Upload or the string sent), edited, edits, deleted, message."""
        with self._cond:
            found = [r for (chat, _), r in self._records.items() if chat == chat_id]
            return copy.deepcopy(found)

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The commands set with setMyCommands for a scope (default scope if None)."""
        with self._cond:
            key = self._scope_key({"scope": scope, "language_code": language_code})
            return copy.deepcopy(self._commands.get(key, []))

    @property
    def webhook(self) -> JSON:
        """The webhook set by the bot: url ("" if none), secret_token, allowed_updates..."""
        with self._cond:
            return copy.deepcopy(self._webhook)

    @property
    def confirmed_offset(self) -> int:
        """The highest offset the bot passed to getUpdates (updates below are confirmed)."""
        with self._cond:
            return self._confirmed

    def statuses(self, method: str) -> list[tuple[float, int]]:
        """(arrival on `time.monotonic()`, HTTP status) of every answered call of `method`,
        in the order they arrived (200 taken, 429 refused for a flood, 409 cut off...)."""
        with self._cond:
            found = [
                (at, code) for at, name, code in self._answers if name.lower() == method.lower()
            ]
        return sorted(found)

    def wait_for(self, predicate: Callable[[], object], timeout: float = 10) -> None:
        """Block until `predicate()` is true (re-checked after every API call)."""
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise AssertionError(f"timed out after {timeout}s; {self._summary()}")

    def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10) -> list[JSON]:
        """Block until the bot sent `count` messages to the chat; returns them all."""
        self.wait_for(lambda: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    def wait_calls(self, method: str, count: int = 1, timeout: float = 10) -> list[JSON]:
        """Block until the bot called `method` `count` times; returns their params."""
        self.wait_for(lambda: len(self.calls_of(method)) >= count, timeout)
        return self.calls_of(method)

    def _summary(self) -> str:
        sent = [
            (r["chat_id"], r["text"] or r["caption"] or r["method"]) for r in self._records.values()
        ]
        calls = [name for name, _ in self._calls if name != "getUpdates"]
        return f"sent so far (chat, text): {sent}; calls besides getUpdates: {calls}"

    # ----- faults and webhooks ---------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
        *,
        times: int = 1,
        per_chat: bool = False,
    ) -> None:
        """Make the next `times` calls of `method` fail: 429 with retry_after (PTB raises
        RetryAfter), 400 BadRequest, 403 Forbidden, 500 or 502 (HTML; PTB: NetworkError).

        A 429 holds, as on Telegram: every call of `method` in the next `retry_after`
        seconds is refused too, told the seconds left; `per_chat` limits that to calls to
        the refused call's chat (a group's 20 messages a minute). `times` 429s open a window
        each, one after the other."""
        if status == 429:
            text = description or f"Too Many Requests: retry after {retry_after}"
            error = ApiError(429, text, {"retry_after": retry_after})
        else:
            error = ApiError(status, description or _DEFAULT_ERRORS.get(status, "Error"))
        with self._cond:
            self._faults.setdefault(method.lower(), []).extend([(error, per_chat)] * times)

    def drop_answers(self, method: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` that succeed take effect (a message is
        delivered: `sent` shows it), then the connection closes halfway through the answer:
        the bot never learns how they went."""
        with self._cond:
            self._dropping[method.lower()] = self._dropping.get(method.lower(), 0) + times

    def refuse_connections(self, seconds: float) -> None:
        """Stop listening for `seconds`: connections are refused, so a request never leaves
        the bot (and nothing it sends meanwhile arrives); then listen on the same port."""
        self.stop()

        def back() -> None:
            with contextlib.suppress(RuntimeError):  # the test ended first
                self.start()

        self._back = threading.Timer(seconds, back)
        self._back.start()

    def hold_answers(self, method: str) -> None:
        """Hold the answers to later calls of `method` until `release_answers` (or `stop`).
        Each call takes effect at once, as on Telegram (a message is delivered, and `sent`
        shows it, as soon as the server has it, or it is refused by `fail_next`); only the
        answer back to the bot waits, as if stuck on the network. A bot killed meanwhile
        never learns how those calls went."""
        with self._cond:
            self._holding.add(method.lower())

    def release_answers(self, method: str) -> None:
        """Answer the held calls of `method`, and later ones at once again."""
        with self._cond:
            self._holding.discard(method.lower())

    def held(self, method: str) -> list[JSON]:
        """The params of the calls of `method` whose answers are being held, oldest first."""
        with self._cond:
            return copy.deepcopy([p for name, p in self._held if name.lower() == method.lower()])

    def post_webhook(
        self, url: str, update: JSON, secret: str | None = None, timeout: float = 5
    ) -> int:
        """POST an update to a webhook as Telegram does; returns the HTTP status. `secret`
        defaults to the secret_token the bot set; pass "" to send no secret header."""
        secret = self.webhook.get("secret_token") if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        return httpx.post(url, json=update, headers=headers, timeout=timeout).status_code


class _LongPoll:
    """A getUpdates waiting for updates; `cut_off` when a newer one started to wait."""

    def __init__(self) -> None:
        self.cut_off = False


def _chat_key(params: JSON) -> str | None:
    chat_id = params.get("chat_id")
    return None if chat_id is None else str(chat_id)


def _callback_data(markup: JSON | None) -> list[str]:
    rows = (markup or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]
