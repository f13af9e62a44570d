"""Zalo Bot Platform objects and wire format, for the fake server in `zalo_api`.

Objects are the JSON dicts the live Zalo Bot API sends (tests/fixtures/zalo/ holds captured
shapes, each with its source; `../shared/zalo-live.md` lists where the docs are wrong). Ids
are strings; dates are milliseconds since the epoch. Requests carry a JSON object body;
answers are `{"ok": true, "result": ...}`, or `{"ok": false, "error_code": N,
"description": ...}` with HTTP 200, as measured on the live platform (the JSON decides,
not the HTTP status). The proxy in front answers HTML pages of its own: 502, and 429 when
requests come too fast (`html=True`).
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

JSON = dict[str, Any]

TEXT = "message.text.received"
IMAGE = "message.image.received"
VOICE = "message.voice.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
EVENTS = (TEXT, IMAGE, VOICE, STICKER, UNSUPPORTED)
MESSAGE_TYPES = {IMAGE: "CHAT_PHOTO", VOICE: "CHAT_VOICE", STICKER: "CHAT_STICKER"}
STICKER_URL = "https://zalo-api.zadn.vn/api/emoticon/oasticker?eid=1&size=130"

PRIVATE, GROUP = "PRIVATE", "GROUP"
MAX_TEXT = 2000  # characters in sendMessage's text
SECRET_LENGTH = (8, 256)  # setWebhook's secret_token

DEFAULT_ERRORS = {  # the Zalo docs' error table, as the live platform words it
    400: "Bad Request",
    401: "Unauthorized",
    403: "Internal server error",  # Zalo's own server error: try again later
    404: "Not Found",
    408: "Request timeout",
    429: "Quota exceeded",  # the plan's messages of the month are used up
    500: "Internal Server Error",
    502: "Bad Gateway",
}
WEBHOOK_SET = "You cannot use this API while a webhook is set. Please remove the webhook first"
_HTML = {
    502: "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>"
    "</body></html>",
    429: "<html><head><title>429 Too Many Requests</title></head></html>",
}

_numbers = itertools.count(1)


def now_ms() -> int:
    """The current time as the API sends it: whole milliseconds since the epoch."""
    return time.time_ns() // 1_000_000


def new_message_id() -> str:
    """A fresh message id: 32 hex digits, like Zalo's, unique in the test run."""
    return f"{next(_numbers):032x}"


def bot_info(bot_id: str, account_name: str | None = None) -> JSON:
    """What getMe answers: no display name (tests/fixtures/zalo/getMe.json)."""
    return {
        "id": bot_id,
        "account_name": account_name or f"bot.{bot_id}",
        "account_type": "BASIC",
        "can_join_groups": True,
    }


def user(user_id: str, display_name: str) -> JSON:
    """A Zalo user, as `message.from` carries them."""
    _check_id("user_id", user_id)
    return {"id": user_id, "display_name": display_name, "is_bot": False}


def private_chat(of: JSON) -> JSON:
    """The private chat with a user: its id is the user's id."""
    return {"id": of["id"], "chat_type": PRIVATE}


def group_chat(chat_id: str, name: str) -> JSON:
    """A group chat. Updates carry only id and chat_type; `name` is for the test's eyes."""
    _check_id("chat_id", chat_id)
    return {"id": chat_id, "chat_type": GROUP, "name": name}


def as_update_chat(chat: JSON) -> JSON:
    """A chat as `message.chat` carries it: id and chat_type only."""
    return {"id": chat["id"], "chat_type": chat["chat_type"]}


def message(sender: JSON, chat: JSON, event: str = TEXT, **content: Any) -> JSON:
    """A message sent now by `sender` in `chat`, keys in the live platform's order; `content`
    is text, or photo_url and caption, or voice_url, or sticker and url."""
    fields = {key: value for key, value in content.items() if value is not None}
    body: JSON = {"date": now_ms(), "chat": as_update_chat(chat), **fields}
    body["message_id"] = new_message_id()
    if event in MESSAGE_TYPES:
        body["message_type"] = MESSAGE_TYPES[event]
    body["from"] = {key: sender[key] for key in ("id", "is_bot", "display_name")}
    return body


def update(event_name: str, msg: JSON) -> JSON:
    """An update, as getUpdates returns it (and as the `result` of a webhook body)."""
    if event_name not in EVENTS:
        raise ValueError(f"unknown event {event_name!r}")
    return {"event_name": event_name, "message": msg}


def summary(update_or_record: JSON) -> str:
    """A short text for failure messages."""
    msg = update_or_record.get("message", update_or_record)
    for key in ("text", "caption", "photo", "photo_url", "voice_url", "sticker"):
        if msg.get(key):
            return str(msg[key])[:60]
    return str(update_or_record.get("event_name") or update_or_record.get("method"))


def _check_id(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise TypeError(f"Zalo ids are non-empty strings; {name}={value!r}")


# ----- wire format ---------------------------------------------------------------------


class ApiError(Exception):
    """An error answer: `{"ok": false, "error_code": status, "description": ...}` with HTTP
    200, as the live platform sends it (`http`: another HTTP status, as one integrator saw
    getUpdates answer its 408); or the proxy's HTML page (502 always)."""

    def __init__(
        self, status: int, description: str | None = None, *, html: bool = False, http: int = 200
    ):
        description = description or DEFAULT_ERRORS.get(status, "Error")
        super().__init__(description)
        self.status, self.description = status, description
        self.html = html or status == 502
        self.http = http

    def response(self) -> Response:
        if self.html:  # the proxy in front answers an HTML page, not JSON
            return Response(_HTML.get(self.status, _HTML[502]), self.status, media_type="text/html")
        body = {"ok": False, "description": self.description, "error_code": self.status}
        return JSONResponse(body, self.http)


def ok(result: Any) -> Response:
    """A success answer."""
    return JSONResponse({"ok": True, "result": result})


async def read_body(request: Request) -> JSON:
    """A method's parameters: the JSON object body ({} when the body is empty)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError(400, "Bad Request: the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "Bad Request: the body must be a JSON object")
    return body


def string_param(body: JSON, name: str, *, required: bool = True) -> str | None:
    """A string parameter; 400 when it is missing (and required), empty or not a string."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        problem = "is required" if value is None else "must be a string"
        raise ApiError(400, f"Bad Request: {name} {problem}")
    if not value and required:
        raise ApiError(400, f"Bad Request: {name} is empty")
    return value


def poll_timeout(body: JSON) -> float:
    """getUpdates' timeout in seconds: sent as a string ("30"); a number is accepted too."""
    value = body.get("timeout", "30")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ApiError(400, "Bad Request: timeout must be a number of seconds") from None
    if not 0 <= seconds <= 3600:
        raise ApiError(400, "Bad Request: timeout is out of range")
    return seconds
