"""Delivering the messages the bot starts itself (reminders, tallies) on each platform."""

from __future__ import annotations

import functools
import sys
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TelegramError

from bot.channels.sends import never_left
from bot.channels.text import split_text, utf16_units
from bot.channels.zalo_api import TEXT_LIMIT as ZALO_LIMIT
from bot.channels.zalo_api import ZaloClient, ZaloError
from bot.web.links import FileLinks, link_text
from handlers import texts
from schedules.delivery import Delivery, Outcome, Progress

TELEGRAM_LIMIT = 4096  # UTF-16 code units, as Telegram counts a message's text
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


class ChannelSender:
    """Sends to a Telegram or Zalo chat; console chats print it (for trying out).

    A send that left and got no answer (a timeout, a dropped connection, a gateway's 5xx)
    is UNCERTAIN: it may be in the chat, so the outbox never sends it again. One that
    surely never left (no connection) is FAILED and tried again on a later tick.

    A picture goes as a photo on Telegram. On Zalo, where every message counts against the
    bot's monthly quota, the text, a link to the picture (Zalo takes pictures by URL) and a
    document's download link go as one message. Each Zalo chat is sent to through the bot
    it came through (`bot`, "" for the [zalo] table's own).
    """

    def __init__(
        self,
        *,
        telegram: Bot | None = None,
        zalo: Mapping[str, ZaloClient] | None = None,
        links: FileLinks | None = None,
        console: TextIO = sys.stdout,
        zone: ZoneInfo = LOCAL,
    ) -> None:
        self._zone = zone
        self._telegram = telegram
        self._zalo = dict(zalo or {})
        self._links = links
        self._console = console

    async def send(
        self,
        platform: str,
        chat_id: str,
        text: str,
        picture: Path | None = None,
        document: Path | None = None,
        bot: str = "",
        *,
        skip: int = 0,
        delivered: Progress | None = None,
    ) -> Delivery:
        """Send, and say how it went; never raises. The first `skip` messages went in an
        earlier try; `delivered` is told the count after each message but the last."""
        if platform == "console":
            shown = f"\n[ảnh: {picture}]" if picture else ""
            shown += f"\n[tệp: {document}]" if document else ""
            self._console.write(f"[→ {chat_id}] {text}{shown}\n\n")
            return Delivery(Outcome.SENT, None, 1)
        if platform == "telegram" and self._telegram is not None:
            parts = _telegram_parts(self._telegram, text, picture, document)
            return await _via_telegram(chat_id, parts, skip, delivered)
        if platform == "zalo" and bot in self._zalo:
            pieces = self._zalo_pieces(text, picture, document)
            return await _via_zalo(self._zalo[bot], chat_id, pieces, skip, delivered)
        where = f"{platform} bot {bot}" if bot else platform
        return Delivery(Outcome.FAILED, f"{where} is not configured")

    def _zalo_pieces(self, text: str, picture: Path | None, document: Path | None) -> list[str]:
        """The text, a link to the picture (Zalo takes pictures by URL) and the document's
        download link, as one message cut into the pieces Zalo takes."""
        lines = [text]
        if picture is not None and self._links is not None:
            link = self._links.publish(picture, picture.name, now=datetime.now(UTC))
            lines.append(texts.CHART_LINK.format(url=link.url))
        if document is not None:
            lines.append(link_text(self._links, document, document.name, zone=self._zone))
        return split_text("\n\n".join(lines), ZALO_LIMIT)


Part = Callable[[int], Awaitable[object]]  # one message, sent to a chat id


def _telegram_parts(bot: Bot, text: str, picture: Path | None, document: Path | None) -> list[Part]:
    """The text's pieces, then the picture and the document."""
    parts: list[Part] = [
        functools.partial(bot.send_message, text=piece)
        for piece in split_text(text, TELEGRAM_LIMIT, measure=utf16_units)
    ]
    if picture is not None:
        parts.append(functools.partial(_upload, bot.send_photo, picture))
    if document is not None:
        parts.append(functools.partial(_upload, bot.send_document, document))
    return parts


async def _via_telegram(
    chat_id: str, parts: list[Part], skip: int, delivered: Progress | None
) -> Delivery:
    """Send the parts from `skip` on. A group upgraded to a supergroup refuses them with its
    new id: the rest goes there, once, and the delivery says where (the schedule moves the
    group's link, schedules/sending.py)."""
    target, moved_to, sent = int(chat_id), None, skip
    try:
        while sent < len(parts):
            try:
                await parts[sent](target)
            except ChatMigrated as exc:
                if moved_to is not None:  # followed once already
                    raise
                target, moved_to = exc.new_chat_id, str(exc.new_chat_id)
                continue
            sent += 1
            if delivered is not None and sent < len(parts):
                await delivered(sent)
    except Forbidden as exc:
        return Delivery(Outcome.BLOCKED, exc.message, sent - skip, moved_to)
    except BadRequest as exc:
        blocked = "chat not found" in exc.message.lower()
        outcome = Outcome.BLOCKED if blocked else Outcome.FAILED
        return Delivery(outcome, exc.message, sent - skip, moved_to)
    except NetworkError as exc:  # TimedOut too; a 429 (RetryAfter) is no NetworkError
        if never_left(exc):
            return Delivery(Outcome.FAILED, exc.message, sent - skip, moved_to)
        return Delivery(Outcome.UNCERTAIN, exc.message, sent - skip + 1, moved_to)
    except TelegramError as exc:
        return Delivery(Outcome.FAILED, exc.message, sent - skip, moved_to)
    return Delivery(Outcome.SENT, None, sent - skip, moved_to)


async def _via_zalo(
    zalo: ZaloClient, chat_id: str, pieces: list[str], skip: int, delivered: Progress | None
) -> Delivery:
    sent = skip
    try:
        while sent < len(pieces):
            await zalo.send_message(chat_id, pieces[sent], scheduled=True)
            sent += 1
            if delivered is not None and sent < len(pieces):
                await delivered(sent)
    except ZaloError as exc:
        if exc.uncertain:  # counted: Zalo most likely took it
            return Delivery(Outcome.UNCERTAIN, exc.description, sent - skip + 1)
        # 403 is Zalo's own server error, not a block: the send is tried again later
        outcome = Outcome.QUOTA if exc.quota_exceeded else Outcome.FAILED
        return Delivery(outcome, f"{exc.error_code} {exc.description}", sent - skip)
    return Delivery(Outcome.SENT, None, sent - skip)


async def _upload(send: Callable[..., Awaitable[object]], path: Path, chat_id: int) -> None:
    """Send a file from disk (a photo, a document) under its own name."""
    with path.open("rb") as file:
        await send(chat_id, file, filename=path.name)
