"""Delivering the messages the bot starts itself (reminders, tallies) on each platform."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.text import split_text
from bot.links import FileLinks, link_text
from bot.zalo_api import TEXT_LIMIT as ZALO_LIMIT
from bot.zalo_api import ZaloClient, ZaloError
from handlers import texts
from schedules.delivery import Delivery, Outcome

TELEGRAM_LIMIT = 4096
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


class ChannelSender:
    """Sends to a Telegram or Zalo chat; console chats print it (for trying out).

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
    ) -> Delivery:
        """Send, and say how it went; never raises."""
        if platform == "console":
            shown = f"\n[ảnh: {picture}]" if picture else ""
            shown += f"\n[tệp: {document}]" if document else ""
            self._console.write(f"[→ {chat_id}] {text}{shown}\n\n")
            return Delivery(Outcome.SENT, None, 1)
        if platform == "telegram" and self._telegram is not None:
            return await self._via_telegram(self._telegram, chat_id, text, picture, document)
        if platform == "zalo" and bot in self._zalo:
            return await self._via_zalo(self._zalo[bot], chat_id, text, picture, document)
        where = f"{platform} bot {bot}" if bot else platform
        return Delivery(Outcome.FAILED, f"{where} is not configured")

    @staticmethod
    async def _via_telegram(
        bot: Bot, chat_id: str, text: str, picture: Path | None, document: Path | None
    ) -> Delivery:
        sent = 0
        try:
            for piece in split_text(text, TELEGRAM_LIMIT):
                await bot.send_message(int(chat_id), piece)
                sent += 1
            if picture is not None:
                with picture.open("rb") as photo:
                    await bot.send_photo(int(chat_id), photo)
                sent += 1
            if document is not None:
                with document.open("rb") as file:
                    await bot.send_document(int(chat_id), file, filename=document.name)
                sent += 1
        except Forbidden as exc:
            return Delivery(Outcome.BLOCKED, exc.message, sent)
        except BadRequest as exc:
            blocked = "chat not found" in exc.message.lower()
            return Delivery(Outcome.BLOCKED if blocked else Outcome.FAILED, exc.message, sent)
        except TelegramError as exc:
            return Delivery(Outcome.FAILED, exc.message, sent)
        return Delivery(Outcome.SENT, None, sent)

    async def _via_zalo(
        self,
        zalo: ZaloClient,
        chat_id: str,
        text: str,
        picture: Path | None,
        document: Path | None,
    ) -> Delivery:
        lines = [text]
        if picture is not None and self._links is not None:
            link = self._links.publish(picture, picture.name, now=datetime.now(UTC))
            lines.append(texts.CHART_LINK.format(url=link.url))
        if document is not None:
            lines.append(link_text(self._links, document, document.name, zone=self._zone))
        sent = 0
        try:
            for piece in split_text("\n\n".join(lines), ZALO_LIMIT):
                await zalo.send_message(chat_id, piece)
                sent += 1
        except ZaloError as exc:
            # 403 is Zalo's own server error, not a block: the send is tried again later
            outcome = Outcome.QUOTA if exc.quota_exceeded else Outcome.FAILED
            return Delivery(outcome, f"{exc.error_code} {exc.description}", sent)
        return Delivery(Outcome.SENT, None, sent)
