"""A fake Zalo Bot Platform API server for tests: real HTTP on 127.0.0.1, in-memory state.

Usage::

    with FakeZalo(display_name="Bot Tổ CNSCĐ") as zalo:
        ...  # start the bot with base_url=zalo.base_url, token=zalo.token
        an = zalo.user("u-an", "An")
        zalo.send_text(an, "xin chào")                 # queued for getUpdates
        [reply] = zalo.wait_sent(an["id"], 1)          # blocks until the bot answered
        assert reply["text"] == "Chào An"
        zalo.fail_next("sendMessage", status=403)      # Zalo's "Internal server error"
        zalo.set_quota(0)                              # every send: 429 "Quota exceeded"
        zalo.deliver(fixture("message.voice.received")) # a captured update, queued as it is

It behaves as the live platform does, not as its docs say (tests/fixtures/zalo/ holds the
captured shapes, each with its source): updates are flat `{"event_name", "message"}`;
pictures come in `photo_url` (with `caption: ""` when none was typed); voice messages in
`voice_url`; getMe has no display name (`display_name` is only what people see and type
after "@" in a group: `mention(text)`); errors are `ok: false` with HTTP 200, 403 meaning
Zalo's internal server error and 429 the month's quota used up; getWebhookInfo without a
webhook answers 404. `FakeZalo(errors_in_http_status=True)` answers every such JSON error
with its code as the HTTP status too (`{"ok": false, "error_code": 429, …}` with HTTP 429),
the other form integrators met (an HTTP 408 getUpdates: ../shared/zalo-live.md); the body
is the same. `fail_next(..., http_status=N)` does it for one fault.

Wire format: `POST /bot<token>/<method>` with a JSON object body. getUpdates long-polls
(`{"timeout": "30"}`, seconds as a string) and returns ONE update per call, removed from
the queue as it is returned; when nothing arrives in time it answers 408 "Request timeout".
A long poll whose client hangs up consumes nothing. `redeliver(update)` queues the very same
update again (a duplicate delivery). While a webhook is set getUpdates answers 400.
`replay(polls=N)` plays the live platform one integrator measured: every update returned
comes back on the next N polls that find nothing new, in turn with the others (A, B, A,
B…), at once. `answer_empty_at_once()` makes a poll with nothing to hand out answer 408 at
once instead of waiting (HTTP 200, or `http_status=408`: both were measured).
`call_times(method)` says when each call came (time.monotonic()).

setWebhook to an address on this machine first tries to connect to it: `webhook_probes`
says, for each setWebhook call, whether something was listening there.

Answers lost after the call took effect: `lose_answers("sendMessage", "timeout")` delivers
the message and holds the answer past the bot's read timeout ("drop": the connection closes
halfway through the answer; "502": the proxy's page comes instead). `refuse_connections(s)`
stops listening for s seconds (connections refused: nothing leaves the bot), then listens
on the same port again.

Quota: `set_quota(n)` lets n more messages (sendMessage, sendPhoto, sendSticker) through,
then every one answers 429 until `set_quota(None)` (the month turned, or the plan was
raised). `rate_limit_next()` makes the proxy answer its own HTML 429 (too fast).

The bot may only message chats the test introduced (`user`, `group`, or a chat an update came
from); others answer 400 "chat not found". Ids must be strings (400 otherwise). The webhook
is only recorded: updates still wait for getUpdates; push them with `post_webhook`.

Not implemented: pushing updates to the webhook by itself, retries of failed webhook
deliveries, HTTPS-only webhook URLs (http is accepted), group mention/reply filtering (the test
decides what the bot receives), photo uploads (sendPhoto takes a URL only), caption
length limits, chat actions other than "typing", GET requests to the API
(405), and any other method (404). Voice URLs are served: `send_voice(user, audio=…)` keeps
the .aac bytes at `{url}/voice/<id>.aac`, as Zalo's file host keeps them. Pictures too:
`host_photo(data, fetches=1)` serves a JPEG at a `photo_url` for `send_image`, answering
404 once fetched that many times (a CDN link that expired). `FakeZalo(can_join_groups=False)`
is a bot Zalo lets into no group (getMe says so).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.fakes import zalo_objects as obj
from tests.fakes.lost_answers import HOW, DroppedAnswer, held
from tests.fakes.zalo_objects import JSON, ApiError

__all__ = ["FakeZalo", "ServerThread"]

SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ServerThread:
    """Serve an ASGI app with uvicorn on 127.0.0.1:<free port> in a daemon thread."""

    def __init__(self, app: ASGIApp, name: str = "asgi-server", port: int = 0) -> None:
        self.app, self.name = app, name
        self.port = port  # 0: any free port
        self.loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 5) -> ServerThread:
        sock = socket.socket(
            socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )  # asyncio sets TCP_NODELAY
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the same port again
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._serve(server, sock),), name=self.name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.01)
        return self

    async def _serve(self, server: uvicorn.Server, sock: socket.socket) -> None:
        self.loop = asyncio.get_running_loop()
        await server.serve(sockets=[sock])

    def stop(self, timeout: float = 10) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError(f"{self.name} did not stop")
        self._server = self._thread = None


class FakeZalo:
    """The Bot API of one Zalo bot, served on 127.0.0.1:<free port> while in a `with` block."""

    def __init__(
        self,
        token: str = "zalo-test-token",
        *,
        bot_id: str = "bot-1",
        display_name: str = "Bot Tổ CNSCĐ",
        can_join_groups: bool = True,
        errors_in_http_status: bool = False,
    ) -> None:
        self.token = token
        self.bot: JSON = obj.bot_info(bot_id)
        # getMe's answer: False where Zalo lets no bot of this account into groups (beta)
        self.bot["can_join_groups"] = can_join_groups
        # JSON errors with their code as the HTTP status too, not HTTP 200
        self.errors_in_http_status = errors_in_http_status
        self.display_name = display_name  # set in the Zalo app; getMe does not say it
        self._quota: int | None = None
        self.port = 0
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[tuple[str, JSON]] = []
        self._call_times: list[float] = []  # when each of `_calls` came: time.monotonic()
        self._faults: dict[str, list[ApiError]] = {}
        self._losing: dict[str, list[str]] = {}  # method: how its next answers are lost
        self._lost_hold = 30.0  # seconds a "timeout" answer is held
        self._back: threading.Timer | None = None  # ends an outage (refuse_connections)
        self._replay_polls = 0  # replay mode: how many later polls hand each update back
        self._replays: list[tuple[JSON, int]] = []  # updates to hand back, times left
        self._empty_at_once: int | None = None  # an instant 408's HTTP status; None: wait
        self._probes: list[tuple[str, bool | None]] = []  # setWebhook: url, listening there
        self._queue: list[JSON] = []
        self._chats: dict[str, JSON] = {}
        self._records: list[JSON] = []
        self._voices: dict[str, bytes] = {}  # what the file host serves under /voice/
        self.voice_fetches: list[str] = []  # the voice files the bot downloaded, by name
        # pictures the file host serves under /photo/: bytes, and fetches left (None: any)
        self._photos: dict[str, tuple[bytes, int | None]] = {}
        self.photo_fetches: list[str] = []  # every fetch of a picture, by name (404s too)
        self._webhook: JSON = {"url": "", "secret_token": None, "updated_at": obj.now_ms()}
        self._methods: dict[str, Callable[[JSON], Any]] = {
            "getMe": lambda body: self.bot,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda body: self._webhook_info(),
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendSticker": self._send_sticker,
            "sendChatAction": self._send_chat_action,
        }
        self._wakeup = asyncio.Event()
        self._closing = False
        self._server: ServerThread | None = None

    # ----- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What the bot prefixes to `{token}/{method}`."""
        return f"http://127.0.0.1:{self.port}/bot"

    def __enter__(self) -> FakeZalo:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 5) -> FakeZalo:
        self._closing, self._wakeup = False, asyncio.Event()
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._api, methods=["POST"]),
                Route("/voice/{name}", self._voice_file, methods=["GET"]),
                Route("/photo/{name}", self._photo_file, methods=["GET"]),
            ]
        )
        self._server = ServerThread(app, "fake-zalo", port=self.port).start(timeout)
        self.port = self._server.port  # kept: a restart after an outage listens there again
        return self

    def stop(self, timeout: float = 10) -> None:
        if self._back is not None:
            self._back.cancel()
        if self._server is None:
            return
        self._closing = True  # pending long polls answer 408 at once
        self._wake()
        self._server.stop(timeout)
        self._server = None

    def _wake(self) -> None:
        loop = self._server.loop if self._server is not None else None
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                loop.call_soon_threadsafe(self._wakeup.set)

    # ----- HTTP ------------------------------------------------------------------------------

    async def _api(self, request: Request) -> Response:
        if request.path_params["token"] != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        name = request.path_params["method"]
        body: JSON = {}
        failure: ApiError | None = None
        try:
            body = await obj.read_body(request)
        except ApiError as error:
            failure = error
        probe = None
        if name == "setWebhook":  # does the bot already listen where Zalo is to post?
            probe = await asyncio.to_thread(_listening_at, body.get("url"))
        with self._cond:
            self._calls.append((name, copy.deepcopy(body)))
            self._call_times.append(time.monotonic())
            if name == "setWebhook":
                self._probes.append((str(body.get("url")), probe))
            faults = self._faults.get(name)
            fault = faults.pop(0) if faults else None
            losing = self._losing.get(name)
            lost = losing.pop(0) if losing and fault is None and failure is None else None
            self._cond.notify_all()
        try:
            if name != "getUpdates" and name not in self._methods:
                raise ApiError(404, "Not Found: method not found")
            if fault is not None:
                raise fault
            if failure is not None:
                raise failure
            if name == "getUpdates":
                return await self._long_poll(request, body)
            with self._cond:
                result = copy.deepcopy(self._methods[name](body))
                self._cond.notify_all()
        except ApiError as error:
            return self._error(error)
        if lost == "drop":  # it took effect; the answer is cut off on the way
            return DroppedAnswer()
        if lost is not None:
            await held(self._lost_hold if lost == "timeout" else 0, lambda: self._closing)
            if lost == "502":
                return ApiError(502).response()
        return obj.ok(result)

    def _error(self, error: ApiError) -> Response:
        """An error answer: HTTP 200, or (errors_in_http_status) its code as the status too."""
        if self.errors_in_http_status and not error.html and error.http == 200:
            error = ApiError(error.status, error.description, http=error.status)
        return error.response()

    async def _long_poll(self, request: Request, body: JSON) -> Response:
        seconds = obj.poll_timeout(body)
        with self._cond:
            if self._webhook["url"]:
                raise ApiError(400, obj.WEBHOOK_SET)
        deadline = time.monotonic() + seconds
        while True:
            self._wakeup.clear()
            if await request.is_disconnected():  # the client gave up: take nothing
                return Response(status_code=499)
            with self._cond:
                update = self._next_update() if not self._closing else None
                at_once = self._empty_at_once
                if update is not None:
                    self._cond.notify_all()
                    return obj.ok(update)
            remaining = deadline - time.monotonic()
            if self._closing or remaining <= 0 or at_once is not None:
                raise ApiError(408, "Request timeout", http=at_once or 200)
            with contextlib.suppress(TimeoutError):  # re-check the client now and then
                await asyncio.wait_for(self._wakeup.wait(), min(remaining, 0.25))

    def _next_update(self) -> JSON | None:
        """The next update to hand out (the lock held): a new one, else in replay mode one
        handed out before, in turn."""
        if self._queue:
            update = self._queue.pop(0)
            if self._replay_polls:
                self._replays.append((update, self._replay_polls))
            return update
        if self._replays:
            update, left = self._replays.pop(0)
            if left > 1:
                self._replays.append((update, left - 1))
            return copy.deepcopy(update)
        return None

    # ----- methods (called with the lock held) -----------------------------------------------

    def _set_webhook(self, body: JSON) -> JSON:
        url = obj.string_param(body, "url")
        assert url is not None
        if not url.startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: url must be an HTTP(S) URL")
        secret = obj.string_param(body, "secret_token")
        low, high = obj.SECRET_LENGTH
        if secret is None or not low <= len(secret) <= high or not _header_safe(secret):
            raise ApiError(
                400, f"Bad Request: secret_token must be {low} to {high} printable ASCII characters"
            )
        self._webhook = {"url": url, "secret_token": secret, "updated_at": obj.now_ms()}
        return self._webhook_info()

    def _delete_webhook(self, body: JSON) -> JSON:
        self._webhook = {"url": "", "secret_token": None, "updated_at": obj.now_ms()}
        return {"url": "", "updated_at": self._webhook["updated_at"]}

    def _webhook_info(self) -> JSON:
        if not self._webhook["url"]:  # live: an error, not an empty url as the docs imply
            raise ApiError(404, "Not Found")
        return {"url": self._webhook["url"], "updated_at": self._webhook["updated_at"]}

    def _chat(self, body: JSON) -> JSON:
        chat_id = obj.string_param(body, "chat_id")
        assert chat_id is not None
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self._chats[chat_id]

    def _send_message(self, body: JSON) -> JSON:
        chat = self._chat(body)
        text = obj.string_param(body, "text")
        assert text is not None
        if len(text) > obj.MAX_TEXT:
            raise ApiError(400, f"Bad Request: text too long (max {obj.MAX_TEXT} characters)")
        return self._record("sendMessage", chat, text=text)

    def _send_photo(self, body: JSON) -> JSON:
        chat = self._chat(body)
        photo = obj.string_param(body, "photo")
        assert photo is not None
        if not photo.startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: photo must be a public URL")
        caption = obj.string_param(body, "caption", required=False)
        return self._record("sendPhoto", chat, photo=photo, caption=caption or None)

    def _send_sticker(self, body: JSON) -> JSON:
        chat = self._chat(body)
        return self._record("sendSticker", chat, sticker=obj.string_param(body, "sticker"))

    def _send_chat_action(self, body: JSON) -> bool:
        self._chat(body)
        if obj.string_param(body, "action") != "typing":
            raise ApiError(400, 'Bad Request: action must be "typing"')
        return True

    def _record(self, method: str, chat: JSON, **content: str | None) -> JSON:
        if self._quota is not None:
            if self._quota <= 0:
                raise ApiError(429)
            self._quota -= 1
        result = {"message_id": obj.new_message_id(), "date": obj.now_ms()}
        record = {"method": method, "chat_id": chat["id"], "text": None, "photo": None}
        record |= {"caption": None, "sticker": None, **content, **result}
        self._records.append(record)
        return result

    # ----- the test's side: people and updates -----------------------------------------------

    def user(self, user_id: str, display_name: str) -> JSON:
        """A Zalo user; the bot may now message their private chat (id = user id)."""
        person = obj.user(user_id, display_name)
        with self._cond:
            self._chats[user_id] = obj.private_chat(person)
        return copy.deepcopy(person)

    def group(self, chat_id: str, name: str) -> JSON:
        """A group chat the bot is a member of: {id, chat_type: "GROUP", name}."""
        chat = obj.group_chat(chat_id, name)
        with self._cond:
            self._chats[chat_id] = chat
        return copy.deepcopy(chat)

    def send_text(
        self, user: JSON, text: str, group: JSON | None = None, *, queue: bool = True
    ) -> JSON:
        """A text message from `user` (in `group`, else privately); returns the update."""
        return self._incoming(obj.TEXT, user, group, queue, text=text)

    def send_image(
        self,
        user: JSON,
        photo_url: str,
        caption: str = "",
        group: JSON | None = None,
        *,
        queue: bool = True,
    ) -> JSON:
        """An image (its URL in `photo_url`) with a caption ("" when none); returns the update."""
        return self._incoming(obj.IMAGE, user, group, queue, caption=caption, photo_url=photo_url)

    def send_voice(
        self,
        user: JSON,
        voice_url: str = "https://f2-voice-aac-dl.zdn.vn/7161588375936326558/2e67445195e4.aac",
        group: JSON | None = None,
        *,
        audio: bytes | None = None,
        queue: bool = True,
    ) -> JSON:
        """A voice message (an .aac file's URL; with `audio`, served here); returns the update."""
        if audio is not None:
            with self._cond:
                name = f"{len(self._voices) + 1:04x}{obj.new_message_id()[:16]}.aac"
                self._voices[name] = audio
            voice_url = f"{self.url}/voice/{name}"
        return self._incoming(obj.VOICE, user, group, queue, voice_url=voice_url)

    @property
    def url(self) -> str:
        """The server's own address (its file host for voice messages)."""
        return f"http://127.0.0.1:{self.port}"

    async def _voice_file(self, request: Request) -> Response:
        with self._cond:
            self.voice_fetches.append(request.path_params["name"])
            data = self._voices.get(request.path_params["name"])
        if data is None:
            return Response(status_code=404)
        return Response(data, media_type="audio/aac")

    def host_photo(self, data: bytes, *, fetches: int | None = None) -> str:
        """Serve a picture as Zalo's CDN does; its URL, for `send_image`. The CDN link may
        expire: with `fetches`, it answers 404 once fetched that many times."""
        with self._cond:
            name = f"{len(self._photos) + 1:04x}{obj.new_message_id()[:16]}.jpg"
            self._photos[name] = (data, fetches)
        return f"{self.url}/photo/{name}"

    async def _photo_file(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self._cond:
            self.photo_fetches.append(name)
            data, left = self._photos.get(name, (b"", 0))
            if left is not None:
                if left <= 0:
                    return Response(status_code=404)
                self._photos[name] = (data, left - 1)
            self._cond.notify_all()
        return Response(data, media_type="image/jpeg")

    def send_sticker(
        self, user: JSON, sticker_id: str, group: JSON | None = None, *, queue: bool = True
    ) -> JSON:
        """A sticker; returns the update."""
        return self._incoming(
            obj.STICKER, user, group, queue, sticker=sticker_id, url=obj.STICKER_URL
        )

    def send_unsupported(
        self, user: JSON, group: JSON | None = None, *, queue: bool = True
    ) -> JSON:
        """A file, or anything from a sender Zalo protects: no content at all."""
        return self._incoming(obj.UNSUPPORTED, user, group, queue)

    def mention(self, text: str) -> str:
        """A group text that mentions the bot, as Zalo delivers it: its name first."""
        return f"@{self.display_name} {text}"

    def deliver(self, update: JSON) -> JSON:
        """Queue an update as it is (a captured fixture): its chat becomes one the bot may
        answer."""
        chat = (update.get("message") or {}).get("chat") or {}
        with self._cond:
            if chat.get("id"):
                self._chats.setdefault(str(chat["id"]), dict(chat))
        return self.redeliver(update)

    def set_quota(self, remaining: int | None) -> None:
        """Let `remaining` more messages through this month, then answer 429 "Quota
        exceeded" to every send; None: no limit (the quota is back)."""
        with self._cond:
            self._quota = remaining

    def rate_limit_next(self, method: str, times: int = 1) -> None:
        """The proxy in front refuses the next calls with its own HTML 429 (too fast)."""
        with self._cond:
            self._faults.setdefault(method, []).extend([ApiError(429, html=True)] * times)

    def _incoming(
        self, event: str, user: JSON, group: JSON | None, queue: bool, **content: Any
    ) -> JSON:
        with self._cond:
            if group is not None:
                chat = self._chats.setdefault(group["id"], obj.group_chat(group["id"], ""))
            else:
                chat = self._chats.setdefault(user["id"], obj.private_chat(user))
            update = obj.update(event, obj.message(user, chat, event, **content))
        return self.redeliver(update) if queue else copy.deepcopy(update)

    def redeliver(self, update: JSON) -> JSON:
        """Queue `update` (again, or for the first time if built with queue=False) as it is:
        same message_id, so the bot sees a duplicate delivery."""
        with self._cond:
            self._queue.append(copy.deepcopy(update))
            self._cond.notify_all()
        self._wake()
        return copy.deepcopy(update)

    @property
    def pending(self) -> list[JSON]:
        """The updates queued and not yet returned by getUpdates."""
        with self._cond:
            return copy.deepcopy(self._queue)

    def replay(self, polls: int) -> None:
        """Replay mode: from now on every update getUpdates returns comes back on the next
        `polls` polls that find nothing new, in turn with the others (A, B, A, B…), at once;
        0: off (what is still to come back is forgotten)."""
        with self._cond:
            self._replay_polls = polls
            if not polls:
                self._replays.clear()

    @property
    def replaying(self) -> int:
        """How many more times updates will be handed back in replay mode."""
        with self._cond:
            return sum(left for _, left in self._replays)

    def answer_empty_at_once(self, http_status: int | None = 200) -> None:
        """A getUpdates with nothing to hand out answers 408 at once instead of waiting:
        `{"ok": false, "error_code": 408}` with HTTP 200, or with HTTP 408 (`http_status`),
        as two integrators measured; None: long polls again."""
        with self._cond:
            self._empty_at_once = http_status
        self._wake()

    # ----- the test's side: what the bot did -------------------------------------------------

    @property
    def calls(self) -> list[tuple[str, JSON]]:
        """Every API call with the right token, in order: (method, JSON body)."""
        with self._cond:
            return copy.deepcopy(self._calls)

    def calls_of(self, method: str) -> list[JSON]:
        """The bodies of every call of one method."""
        return [body for name, body in self.calls if name == method]

    def call_times(self, method: str) -> list[float]:
        """When each call of one method came, in time.monotonic() seconds."""
        with self._cond:
            return [
                t
                for (name, _), t in zip(self._calls, self._call_times, strict=True)
                if name == method
            ]

    @property
    def webhook_probes(self) -> list[tuple[str, bool | None]]:
        """For each setWebhook call: its url, and whether something accepted a connection
        there at that moment (None: not on this machine, not tried)."""
        with self._cond:
            return list(self._probes)

    def sent(self, chat_id: str) -> list[JSON]:
        """What the bot sent to a chat, oldest first: dicts with method, chat_id, text, photo,
        caption, sticker (None when absent), message_id and date."""
        with self._cond:
            return copy.deepcopy([r for r in self._records if r["chat_id"] == chat_id])

    @property
    def sent_count(self) -> int:
        """How many messages the bot sent, to every chat (each one counts for the quota)."""
        with self._cond:
            return len(self._records)

    @property
    def webhook(self) -> JSON:
        """The webhook the bot set: url ("" if none), secret_token (None if none), updated_at."""
        with self._cond:
            return copy.deepcopy(self._webhook)

    def wait_for(self, predicate: Callable[[], object], timeout: float = 10) -> None:
        """Block until `predicate()` is true (re-checked after every API call and update)."""
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise AssertionError(f"timed out after {timeout}s; {self._summary()}")

    def wait_sent(self, chat_id: str, count: int = 1, timeout: float = 10) -> list[JSON]:
        """Block until the bot sent `count` messages to the chat; returns them all."""
        self.wait_for(lambda: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    def wait_calls(self, method: str, count: int = 1, timeout: float = 10) -> list[JSON]:
        """Block until the bot called `method` `count` times; returns their bodies."""
        self.wait_for(lambda: len(self.calls_of(method)) >= count, timeout)
        return self.calls_of(method)

    def _summary(self) -> str:
        sent = [(r["chat_id"], obj.summary(r)) for r in self._records]
        calls = [name for name, _ in self._calls if name != "getUpdates"]
        polls = len(self._calls) - len(calls)
        return (
            f"sent so far (chat, content): {sent}; calls besides getUpdates: {calls}; "
            f"getUpdates calls: {polls}; updates still queued: {len(self._queue)}"
        )

    # ----- faults and webhooks ---------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 429,
        description: str | None = None,
        *,
        times: int = 1,
        http_status: int = 200,
    ) -> None:
        """Make the next `times` calls of `method` fail with `status`: 400, 403 (Zalo's
        internal server error), 429 ("Quota exceeded"), 500 (JSON ok:false) or 502 (the
        proxy's HTML page); a JSON one with HTTP `http_status` (200 unless said)."""
        fault = ApiError(status, description, http=http_status)
        with self._cond:
            self._faults.setdefault(method, []).extend([fault] * times)

    def lose_answers(
        self, method: str, how: str = "timeout", *, times: int = 1, hold: float = 30.0
    ) -> None:
        """The next `times` calls of `method` take effect (a message is delivered: `sent`
        shows it) and their answer is lost: "timeout" holds it `hold` seconds (past the
        bot's read timeout), "drop" closes the connection halfway through it, "502" answers
        the proxy's HTML page instead."""
        assert how in HOW, how
        with self._cond:
            self._lost_hold = hold
            self._losing.setdefault(method, []).extend([how] * times)

    def refuse_connections(self, seconds: float) -> None:
        """Stop listening for `seconds`: connections are refused, so a request never leaves
        the bot (and nothing it sends meanwhile arrives); then listen on the same port."""
        assert self._server is not None
        self.stop()

        def back() -> None:
            with contextlib.suppress(RuntimeError):  # the test ended first
                self.start()

        self._back = threading.Timer(seconds, back)
        self._back.start()

    def timeout_next_get_updates(self, times: int = 1, *, http_status: int = 200) -> None:
        """The next `times` getUpdates answer 408 at once, even with updates queued (with
        HTTP 200, or `http_status`)."""
        with self._cond:
            fault = ApiError(408, "Request timeout", http=http_status)
            self._faults.setdefault("getUpdates", []).extend([fault] * times)

    def post_webhook(
        self,
        url: str,
        update: JSON,
        secret: str | None = None,
        *,
        wrapped: bool = False,
        timeout: float = 5,
    ) -> int:
        """POST an update to a webhook as the live platform does (the update itself, flat);
        returns the HTTP status. `secret` defaults to the secret_token the bot set (waiting,
        up to `timeout`, for it to set one: Zalo posts nothing before); "" sends no secret
        header. wrapped=True posts `{"ok": true, "result": update}` as the docs show it."""
        if secret is None:
            self.wait_for(lambda: self._webhook["secret_token"], timeout)
            secret = self.webhook["secret_token"]
        headers = {SECRET_HEADER: secret} if secret else {}
        inner = update.get("result") if "event_name" not in update else update
        chat = ((inner or {}).get("message") or {}).get("chat") or {}
        with self._cond:  # the bot may answer the chat an update came from
            if chat.get("id"):
                self._chats.setdefault(str(chat["id"]), dict(chat))
        body = {"ok": True, "result": update} if wrapped else update
        return httpx.post(url, json=body, headers=headers, timeout=timeout).status_code


def _listening_at(url: object) -> bool | None:
    """Whether something accepts connections at a URL on this machine (None: elsewhere)."""
    try:
        address = httpx.URL(str(url))
    except httpx.InvalidURL:
        return None
    if address.host not in ("127.0.0.1", "localhost") or address.scheme not in ("http", "https"):
        return None
    port = address.port or (443 if address.scheme == "https" else 80)
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _header_safe(value: str) -> bool:
    """Whether `value` can travel in an HTTP header as it is (visible ASCII, inner spaces)."""
    return value.isascii() and value.isprintable() and value == value.strip()
