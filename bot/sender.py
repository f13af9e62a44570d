"""Delivering the messages the bot starts itself (reminders, tallies) on each platform."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.text import split_text
from bot.links import FileLinks
from bot.zalo_api import TEXT_LIMIT as ZALO_LIMIT
from bot.zalo_api import ZaloClient, ZaloError
from handlers import texts
from schedules.jobs import Outcome

TELEGRAM_LIMIT = 4096
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
Result = tuple[Outcome, str | None]


class ChannelSender:
    """Sends to a Telegram or Zalo chat; console chats print it (for trying out).

    A picture goes as a photo on Telegram and, on Zalo, as a signed link to it (Zalo takes
    pictures by URL), when the deployment has a public address for links. A document (a
    workbook) goes as a file on Telegram and as a signed download link on Zalo.
    """

    def __init__(
        self,
        *,
        telegram: Bot | None = None,
        zalo: ZaloClient | None = None,
        links: FileLinks | None = None,
        console: TextIO = sys.stdout,
        zone: ZoneInfo = LOCAL,
    ) -> None:
        self._zone = zone
        self._telegram = telegram
        self._zalo = zalo
        self._links = links
        self._console = console

    async def send(
        self,
        platform: str,
        chat_id: str,
        text: str,
        picture: Path | None = None,
        document: Path | None = None,
    ) -> Result:
        """Send, and say how it went; never raises."""
        if platform == "console":
            shown = f"\n[ảnh: {picture}]" if picture else ""
            shown += f"\n[tệp: {document}]" if document else ""
            self._console.write(f"[→ {chat_id}] {text}{shown}\n\n")
            return Outcome.SENT, None
        if platform == "telegram" and self._telegram is not None:
            return await self._via_telegram(self._telegram, chat_id, text, picture, document)
        if platform == "zalo" and self._zalo is not None:
            return await self._via_zalo(self._zalo, chat_id, text, picture, document)
        return Outcome.FAILED, f"{platform} is not configured"

    @staticmethod
    async def _via_telegram(
        bot: Bot, chat_id: str, text: str, picture: Path | None, document: Path | None
    ) -> Result:
        try:
            for piece in split_text(text, TELEGRAM_LIMIT):
                await bot.send_message(int(chat_id), piece)
            if picture is not None:
                with picture.open("rb") as photo:
                    await bot.send_photo(int(chat_id), photo)
            if document is not None:
                with document.open("rb") as file:
                    await bot.send_document(int(chat_id), file, filename=document.name)
        except Forbidden as exc:
            return Outcome.BLOCKED, exc.message
        except BadRequest as exc:
            blocked = "chat not found" in exc.message.lower()
            return (Outcome.BLOCKED if blocked else Outcome.FAILED), exc.message
        except TelegramError as exc:
            return Outcome.FAILED, exc.message
        return Outcome.SENT, None

    async def _via_zalo(
        self,
        zalo: ZaloClient,
        chat_id: str,
        text: str,
        picture: Path | None,
        document: Path | None,
    ) -> Result:
        try:
            for piece in split_text(text, ZALO_LIMIT):
                await zalo.send_message(chat_id, piece)
            if picture is not None and self._links is not None:
                link = self._links.publish(picture, picture.name, now=datetime.now(UTC))
                await zalo.send_photo(chat_id, link.url)
            if document is not None:
                await zalo.send_message(chat_id, self._document_link(document))
        except ZaloError as exc:
            outcome = Outcome.BLOCKED if exc.error_code == 403 else Outcome.FAILED
            return outcome, f"{exc.error_code} {exc.description}"
        return Outcome.SENT, None

    def _document_link(self, document: Path) -> str:
        """A signed download link to a file, in words (Zalo takes no files from bots)."""
        if self._links is None:
            return texts.FILE_NOT_AVAILABLE
        link = self._links.publish(document, document.name, now=datetime.now(UTC))
        until = link.expires_at.astimezone(self._zone).strftime("%H:%M %d/%m/%Y")
        return texts.FILE_LINK.format(name=document.name, url=link.url, until=until)
