"""The Bot API's objects and wire format, for the fake server in `telegram_api`.

Objects are the JSON dicts Telegram sends, with the fields python-telegram-bot 22 requires
plus the usual optional ones. Dates are Unix seconds; entity offsets and lengths count
UTF-16 code units, as the real API does. Requests are read the way PTB sends them:
form-urlencoded with JSON-encoded values, or multipart/form-data when uploading files.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

JSON = dict[str, Any]

# What getUpdates delivers when allowed_updates was never given (or given as []).
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)

_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?")
_MENTION = re.compile(r"(?<![\w/@])@[A-Za-z0-9_]{5,32}")


def now() -> int:
    """The current time as the API sends it: whole seconds since the epoch."""
    return int(time.time())


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (the unit of entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def user(user_id: int, first_name: str, username: str | None = None, **extra: Any) -> JSON:
    """A User; `extra` adds fields such as last_name or language_code."""
    found: JSON = {"id": user_id, "is_bot": False, "first_name": first_name, **extra}
    if username:
        found["username"] = username
    return found


def private_chat(of: JSON) -> JSON:
    """The private chat with a user: its id is the user's id."""
    chat: JSON = {"id": of["id"], "type": "private", "first_name": of["first_name"]}
    for key in ("last_name", "username"):
        if key in of:
            chat[key] = of[key]
    return chat


def group_chat(chat_id: int, title: str, chat_type: str | None = None) -> JSON:
    """A group (ids below -10**12 are supergroups unless `chat_type` says otherwise)."""
    if chat_id >= 0:
        raise ValueError(f"group chat ids are negative, got {chat_id}")
    kind = chat_type or ("supergroup" if chat_id < -(10**12) else "group")
    return {"id": chat_id, "type": kind, "title": title}


def chat_full_info(chat: JSON) -> JSON:
    """What getChat answers (ChatFullInfo): the chat plus its required extra fields."""
    gifts = dict.fromkeys(
        ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), True
    )
    gifts["gifts_from_channels"] = False
    return {**chat, "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts}


def me(bot: JSON) -> JSON:
    """What getMe answers for the bot user."""
    flags = ("can_read_all_group_messages", "supports_inline_queries", "can_connect_to_business")
    return {
        **bot,
        "can_join_groups": True,
        **dict.fromkeys(flags, False),
        "has_main_web_app": False,
    }


def entities(text: str) -> list[JSON]:
    """The entities Telegram finds in plain text: bot commands and @username mentions."""
    found = [_entity("bot_command", text, m) for m in _COMMAND.finditer(text)]
    found += [_entity("mention", text, m) for m in _MENTION.finditer(text)]
    return sorted(found, key=lambda entity: entity["offset"])


def _entity(kind: str, text: str, match: re.Match[str]) -> JSON:
    offset = utf16_len(text[: match.start()])
    return {"type": kind, "offset": offset, "length": utf16_len(match.group())}


def message(message_id: int, chat: JSON, sender: JSON, **fields: Any) -> JSON:
    """A Message sent now by `sender` in `chat`; `fields` are its content (text, photo...)."""
    return {"message_id": message_id, "from": sender, "chat": chat, "date": now(), **fields}


def without_reply(original: JSON) -> JSON:
    """A message as it appears inside reply_to_message (no nested reply)."""
    return {key: value for key, value in original.items() if key != "reply_to_message"}


def callback_query(query_id: str, sender: JSON, original: JSON, data: str) -> JSON:
    """A CallbackQuery: `sender` pressed a button carrying `data` under `original`."""
    chat_instance = str(-(abs(original["chat"]["id"]) * 7919 + 104729))
    return {
        "id": query_id,
        "from": sender,
        "message": original,  # with its reply_to_message (one level), as Telegram sends it
        "chat_instance": chat_instance,
        "data": data,
    }


def contact(phone_number: str, first_name: str, user_id: int | None) -> JSON:
    """A shared Contact (user_id is the Telegram user the phone number belongs to)."""
    shared: JSON = {"phone_number": phone_number, "first_name": first_name}
    if user_id is not None:
        shared["user_id"] = user_id
    return shared


def photo_size(file_id: str, unique_id: str, width: int, height: int, size: int) -> JSON:
    """One PhotoSize of a photo."""
    return {
        "file_id": file_id,
        "file_unique_id": unique_id,
        "width": width,
        "height": height,
        "file_size": size,
    }


def update_kind(update: JSON) -> str:
    """The kind of an Update: its one field besides update_id ("message", ...)."""
    return next(key for key in update if key != "update_id")


# ----- wire format ---------------------------------------------------------------------

# Parameters that are plain strings on the wire; the rest are JSON-decoded.
_STRING_PARAMS = frozenset(
    [
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "language_code",
        "action",
        "file_id",
        "inline_message_id",
        "photo",
        "document",
        "ip_address",
        "title",
        "description",
    ]
)
_DISPOSITION_PARAM = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded in a multipart request."""

    filename: str
    data: bytes
    mime_type: str


@dataclass(frozen=True)
class StoredFile:
    """A file the fake can serve through getFile and /file/bot<token>/<file_path>."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    name: str = ""
    mime_type: str = "application/octet-stream"


class ApiError(Exception):
    """An error answer: `{"ok": false, "error_code": status, "description": ...}`."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def response(self) -> Response:
        if self.status == 502:  # Telegram's nginx answers an HTML page, not JSON
            return Response("<html><h1>502 Bad Gateway</h1></html>", 502, media_type="text/html")
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return JSONResponse(body, self.status)


def _decode(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def as_json(value: Any) -> Any:
    """A JSON-valued parameter, sent as an object or as a JSON string."""
    return json.loads(value) if isinstance(value, str) else value


def parse_multipart(body: bytes, content_type: str) -> JSON:
    """The fields of a multipart/form-data body; file parts become `Upload`s."""
    boundary = content_type.split("boundary=", 1)[1].split(";")[0].strip('"')
    params: JSON = {}
    for part in body.split(b"--" + boundary.encode())[1:-1]:
        head, _, data = part.partition(b"\r\n\r\n")
        lines = [line.split(":", 1) for line in head.decode().strip().splitlines()]
        headers = {key.strip().lower(): value.strip() for key, value in lines}
        found = _DISPOSITION_PARAM.findall(headers.get("content-disposition", ""))
        disposition = {key: value.replace("%22", '"').replace("\\\\", "\\") for key, value in found}
        data, name = data.removesuffix(b"\r\n"), disposition["name"]
        if "filename" in disposition:
            mime = headers.get("content-type", "application/octet-stream")
            params[name] = Upload(disposition["filename"], data, mime)
        else:
            params[name] = _decode(name, data.decode())
    return params


async def read_params(request: Request) -> JSON:
    """A method's parameters from the query string and a JSON, form or multipart body."""
    params: JSON = {key: _decode(key, value) for key, value in request.query_params.items()}
    content_type, body = request.headers.get("content-type", ""), await request.body()
    if body and content_type.startswith("application/json"):
        params.update(json.loads(body))
    elif body and content_type.startswith("multipart/form-data"):
        params.update(parse_multipart(body, content_type))
    elif body:
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        params.update({key: _decode(key, value) for key, value in pairs})
    for key, value in list(params.items()):  # "attach://<part>" points at another part
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.pop(value.removeprefix("attach://"), value)
    return params
