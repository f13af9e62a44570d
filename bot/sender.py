"""Delivering the messages the bot starts itself (reminders, tallies) on each platform."""

from __future__ import annotations

import sys
from typing import TextIO

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.text import split_text
from bot.zalo_api import TEXT_LIMIT as ZALO_LIMIT
from bot.zalo_api import ZaloClient, ZaloError
from schedules.jobs import Outcome

TELEGRAM_LIMIT = 4096


class ChannelSender:
    """Sends a text to a Telegram or Zalo chat; console chats print it (for trying out)."""

    def __init__(
        self,
        *,
        telegram: Bot | None = None,
        zalo: ZaloClient | None = None,
        console: TextIO = sys.stdout,
    ) -> None:
        self._telegram = telegram
        self._zalo = zalo
        self._console = console

    async def send(self, platform: str, chat_id: str, text: str) -> tuple[Outcome, str | None]:
        """Send, and say how it went; never raises."""
        if platform == "console":
            self._console.write(f"[→ {chat_id}] {text}\n\n")
            return Outcome.SENT, None
        if platform == "telegram" and self._telegram is not None:
            return await self._via_telegram(self._telegram, chat_id, text)
        if platform == "zalo" and self._zalo is not None:
            return await self._via_zalo(self._zalo, chat_id, text)
        return Outcome.FAILED, f"{platform} is not configured"

    @staticmethod
    async def _via_telegram(bot: Bot, chat_id: str, text: str) -> tuple[Outcome, str | None]:
        try:
            for piece in split_text(text, TELEGRAM_LIMIT):
                await bot.send_message(int(chat_id), piece)
        except Forbidden as exc:
            return Outcome.BLOCKED, exc.message
        except BadRequest as exc:
            blocked = "chat not found" in exc.message.lower()
            return (Outcome.BLOCKED if blocked else Outcome.FAILED), exc.message
        except TelegramError as exc:
            return Outcome.FAILED, exc.message
        return Outcome.SENT, None

    @staticmethod
    async def _via_zalo(zalo: ZaloClient, chat_id: str, text: str) -> tuple[Outcome, str | None]:
        try:
            for piece in split_text(text, ZALO_LIMIT):
                await zalo.send_message(chat_id, piece)
        except ZaloError as exc:
            outcome = Outcome.BLOCKED if exc.error_code == 403 else Outcome.FAILED
            return outcome, f"{exc.error_code} {exc.description}"
        return Outcome.SENT, None
