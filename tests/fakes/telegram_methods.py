"""The Bot API methods of the fake server: in-memory state and answers like Telegram's.

`BotApi` is not thread-safe: `FakeTelegram` calls it with its lock held.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable
from typing import Any

from tests.fakes import telegram_objects as obj
from tests.fakes.telegram_objects import JSON, ApiError, StoredFile, Upload, as_json

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a content and reply markup of the current message"
)
# Telegram's limits, in UTF-16 code units of the text after entity parsing (the fake does
# not render parse_mode: text is counted as sent, which is the same for plain text)
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"


class BotApi:
    """The state of one bot's Bot API and its methods, each `(params) -> result`."""

    def __init__(self, token: str, bot_username: str, bot_name: str) -> None:
        self.token = token
        # BotFather's default: in groups only commands and replies to the bot reach it
        self.privacy = True
        self.admin_in: set[int] = set()  # groups where the bot is an administrator
        bot_id = int(token.split(":")[0])
        self.bot: JSON = obj.user(bot_id, bot_name, bot_username, is_bot=True)
        self._ids = itertools.count(1)
        self._records: dict[tuple[int, int], JSON] = {}  # what the bot sent, by (chat, msg id)
        self._messages: dict[tuple[int, int], JSON] = {}  # every message, by (chat, msg id)
        self._chats: dict[int, JSON] = {}
        self._upgraded: dict[int, int] = {}  # a group upgraded to a supergroup: its new id
        self._last_message_id: dict[int, int] = {}
        self._queue: list[JSON] = []
        self._forced: list[JSON] = []
        self._next_update_id = 100_000_001
        self._confirmed = 0
        self._allowed: list[str] | None = None
        self._webhook: JSON = {"url": ""}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._files: dict[str, StoredFile] = {}
        self._open_queries: set[str] = set()
        self._methods: dict[str, tuple[str, Callable[[JSON], Any]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": lambda p: (
                    obj.me(self.bot) | {"can_read_all_group_messages": not self.privacy}
                ),
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._webhook_info,
                "sendMessage": self._send_message,
                "sendDocument": lambda p: self._send_file("document", p),
                "sendPhoto": lambda p: self._send_file("photo", p),
                "editMessageText": self._edit_text,
                "editMessageReplyMarkup": self._edit_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": lambda p: bool(self._chat(p.get("chat_id"))),
                "setMyCommands": self._set_commands,
                "getMyCommands": lambda p: self._commands.get(self._scope_key(p), []),
                "deleteMyCommands": self._delete_commands,
                "getFile": self._get_file,
                "getChat": lambda p: obj.chat_full_info(self._chat(p.get("chat_id"))),
                "getChatMember": self._chat_member,
            }.items()
        }

    # ----- updates ---------------------------------------------------------------------------

    def _get_updates(self, params: JSON) -> list[JSON]:
        if self._webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete it",
            )
        offset = int(params.get("offset") or 0)
        if offset < 0:  # the last -offset updates; the earlier ones are forgotten
            self._queue = self._queue[offset:]
        elif offset > self._confirmed:
            self._confirmed = offset
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        if "allowed_updates" in params:
            self._allowed = params["allowed_updates"] or None
        allowed = set(self._allowed or obj.DEFAULT_ALLOWED_UPDATES)
        self._queue = [u for u in self._queue if obj.update_kind(u) in allowed]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        batch = (self._forced + self._queue)[:limit]
        self._forced = self._forced[limit:]
        return copy.deepcopy(batch)

    def _set_webhook(self, params: JSON) -> bool:
        self._delete_webhook(params)
        keys = ("url", "secret_token", "max_connections", "allowed_updates", "ip_address")
        self._webhook.update({key: params[key] for key in keys if key in params})
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self._webhook = {"url": ""}
        return True

    def _webhook_info(self, params: JSON) -> JSON:
        info = {key: value for key, value in self._webhook.items() if key != "secret_token"}
        return {**info, "has_custom_certificate": False, "pending_update_count": len(self._queue)}

    # ----- messages --------------------------------------------------------------------------

    def _chat_member(self, params: JSON) -> JSON:
        """Only the bot's own membership is known: an administrator where it was made one."""
        chat = self._chat(params.get("chat_id"))
        if int(params.get("user_id", 0)) != self.bot["id"]:
            raise ApiError(400, "Bad Request: user not found")
        if chat["id"] in self.admin_in:  # ChatMemberAdministrator: every flag is sent
            rights = (
                "is_anonymous", "can_manage_chat", "can_delete_messages",
                "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                "can_delete_stories",
            )  # fmt: skip
            return {
                "status": "administrator",
                "user": self.bot,
                "can_be_edited": False,
                **dict.fromkeys(rights, False),
            }
        return {"status": "member", "user": self.bot}

    def _chat(self, chat_id: Any) -> JSON:
        if chat_id in (None, ""):
            raise ApiError(400, "Bad Request: chat_id is empty")
        if (moved := self._upgraded.get(_int(chat_id))) is not None:
            raise ApiError(400, UPGRADED, {"migrate_to_chat_id": moved})
        if (chat := self._chats.get(_int(chat_id))) is not None:
            return chat
        raise ApiError(400, "Bad Request: chat not found")

    def _new_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _send_message(self, params: JSON) -> JSON:
        _check_text(params.get("text"), "Bad Request: message is too long")
        return self._store_sent("sendMessage", params, {"text": params["text"]})

    def _send_file(self, kind: str, params: JSON) -> JSON:
        if kind not in params:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if obj.utf16_len((params.get("caption") or "").strip()) > CAPTION_LIMIT:
            raise ApiError(400, "Bad Request: message caption is too long")
        stored = self._input_file(kind, params[kind])
        if kind == "photo":
            size = obj.photo_size(stored.file_id, stored.file_unique_id, 800, 600, len(stored.data))
            content: JSON = {"photo": [size]}
        else:
            content = {"document": self._document(stored)}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._store_sent(f"send{kind.title()}", params, content)

    def _store_sent(self, method: str, params: JSON, content: JSON) -> JSON:
        chat = self._chat(params.get("chat_id"))
        msg = obj.message(self._new_message_id(chat["id"]), chat, self.bot, **content)
        markup = as_json(params.get("reply_markup"))
        if markup and "inline_keyboard" in markup:  # other keyboards are not echoed back
            msg["reply_markup"] = markup
        reply = as_json(params.get("reply_parameters")) or {}
        reply_id = _int(params.get("reply_to_message_id") or reply.get("message_id"))
        if (original := self._messages.get((chat["id"], reply_id))) is not None:
            msg["reply_to_message"] = obj.without_reply(original)
        key = (chat["id"], msg["message_id"])
        self._messages[key] = msg
        self._records[key] = {
            "chat_id": chat["id"],
            "message_id": msg["message_id"],
            "method": method,
            "text": content.get("text"),
            "caption": content.get("caption"),
            "parse_mode": params.get("parse_mode"),
            "reply_markup": markup,
            "reply_to_message_id": reply_id or None,
            "file": params.get("document", params.get("photo")),
            "edited": False,
            "edits": [],
            "deleted": False,
            "message": msg,
        }
        return msg

    def _record(self, params: JSON, missing: str) -> JSON:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: inline messages are not supported by the fake")
        key = (self._chat(params.get("chat_id"))["id"], _int(params.get("message_id")))
        if key not in self._records or self._records[key]["deleted"]:
            raise ApiError(400, f"Bad Request: message to {missing} not found")
        return self._records[key]

    def _edit_text(self, params: JSON) -> JSON:
        record = self._record(params, "edit")
        if "text" not in record["message"]:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        _check_text(params.get("text"), "Bad Request: MESSAGE_TOO_LONG")
        content = {"text": params["text"]}
        return self._apply_edit(record, "editMessageText", content, params.get("reply_markup"))

    def _edit_markup(self, params: JSON) -> JSON:
        record = self._record(params, "edit")
        return self._apply_edit(record, "editMessageReplyMarkup", {}, params.get("reply_markup"))

    def _apply_edit(self, record: JSON, method: str, content: JSON, markup: Any) -> JSON:
        """Edit a sent message; like Telegram, an edit without reply_markup drops the keyboard."""
        msg: JSON = record["message"]
        markup = as_json(markup) or None
        same = all(msg.get(key) == value for key, value in content.items())
        if same and msg.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        msg.update(content, edit_date=obj.now())
        msg.pop("reply_markup", None)
        if markup:
            msg["reply_markup"] = markup
        record.update(content, reply_markup=markup, edited=True)
        record["edits"].append({"method": method, **content, "reply_markup": markup})
        return msg

    def _delete_message(self, params: JSON) -> bool:
        self._record(params, "delete")["deleted"] = True
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_queries.discard(query_id)
        return True

    # ----- commands and files ----------------------------------------------------------------

    @staticmethod
    def _scope_key(params: JSON) -> tuple[str, str]:
        scope = as_json(params.get("scope")) or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    def _set_commands(self, params: JSON) -> bool:
        commands = as_json(params.get("commands")) or []
        if any(not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")) for c in commands):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self._commands[self._scope_key(params)] = commands
        return True

    def _delete_commands(self, params: JSON) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    def _input_file(self, kind: str, value: Any) -> StoredFile:
        if isinstance(value, Upload):
            return self._store_file(value.data, kind, value.filename, value.mime_type)
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._store_file(b"", kind, value.rsplit("/", 1)[-1])
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    def _store_file(
        self, data: bytes, kind: str, name: str = "", mime_type: str = "application/octet-stream"
    ) -> StoredFile:
        number = next(self._ids)
        suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
        file_id = f"{kind[:3].upper()}-{number}-fake"
        path = f"{kind}s/file_{number}{suffix}"
        stored = StoredFile(file_id, f"U{number}", path, data, name, mime_type)
        self._files[file_id] = stored
        return stored

    @staticmethod
    def _document(stored: StoredFile) -> JSON:
        document = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        document |= {"file_name": stored.name, "mime_type": stored.mime_type}
        return {**document, "file_size": len(stored.data)}

    def _get_file(self, params: JSON) -> JSON:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        fields = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
        return {**fields, "file_size": len(stored.data), "file_path": stored.file_path}


def _check_text(text: Any, too_long: str) -> None:
    """Refuse a message text as Telegram does: empty once trimmed, or over 4,096 units."""
    trimmed = str(text or "").strip()
    if not trimmed:
        raise ApiError(400, "Bad Request: message text is empty")
    if obj.utf16_len(trimmed) > TEXT_LIMIT:
        raise ApiError(400, too_long)


def _int(value: Any) -> int:
    """An id sent as a number or a numeric string (0, never an id, if it is neither)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
