"""The Zalo channel: Zalo Bot Platform updates in, numbered-option texts out.

Usage:
    async with ZaloChannel(engine, config.zalo, links=links) as channel:
        await channel.poll(stop)          # getUpdates; or feed webhook updates: channel.feed(u)

Zalo has no buttons and no edits: choices are numbered lines answered by number (the
engine keeps what the numbers mean), long texts are split at 2,000 characters, and a
document goes out as a signed download link.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.lanes import ChatLanes
from bot.channels.text import numbered_text, split_text
from bot.config import ZaloConfig
from bot.links import FileLinks
from bot.zalo_api import TEXT_LIMIT, ZaloClient, ZaloError
from handlers import texts
from handlers.engine import Engine
from handlers.messages import Incoming, Reply

log = logging.getLogger(__name__)
PLATFORM = "zalo"
STOP_WAIT = 10.0  # seconds to finish the updates taken in before stopping


LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


class ZaloChannel:
    """Translates between Zalo and the engine; the engine decides everything."""

    def __init__(
        self,
        engine: Engine,
        config: ZaloConfig,
        *,
        links: FileLinks | None = None,
        zone: ZoneInfo = LOCAL,
    ):
        self._zone = zone
        self._engine = engine
        self._links = links
        self.client = ZaloClient(config.token, base_url=config.base_url)
        self._lanes = ChatLanes()
        self.bot_name = ""

    async def __aenter__(self) -> ZaloChannel:
        me = await self.client.get_me()
        self.bot_name = str(me.get("display_name") or me.get("account_name") or "")
        log.info("zalo started bot=%s", self.bot_name)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._lanes.drain(timeout=STOP_WAIT)  # answer what was already taken in
        await self.client.close()

    async def feed(self, update: dict[str, Any]) -> None:
        """Take one update in: the webhook answers at once, the chat's lane handles it."""
        chat = ((update.get("message") or {}).get("chat") or {}).get("id", "")
        self._lanes.submit(str(chat), lambda: self.handle(update))

    async def poll(self, stop: asyncio.Event) -> None:
        """Fetch updates with getUpdates until stopped; outages are waited out."""
        failures = 0
        while not stop.is_set():
            try:
                update = await self.client.get_updates(timeout=30)
                failures = 0
            except ZaloError as exc:
                failures += 1
                wait = min(60.0, 2.0**failures)
                log.warning("zalo getUpdates failed reason=%s wait=%.0fs", exc, wait)
                await asyncio.sleep(wait)
                continue
            if update is not None:
                await self.feed(update)

    async def handle(self, update: dict[str, Any]) -> None:
        """Answer one update."""
        event = str(update.get("event_name", ""))
        message = update.get("message") or {}
        chat = message.get("chat") or {}
        chat_id = str(chat.get("id", ""))
        if not chat_id or (message.get("from") or {}).get("is_bot"):
            return
        is_group = chat.get("chat_type") == "GROUP"
        if event == "message.unsupported.received" and not is_group:
            await self._send(chat_id, texts.ZALO_UNSUPPORTED)
            return
        incoming = self._incoming(event, message, is_group=is_group)
        if incoming is None:
            return
        replies = await asyncio.to_thread(self._engine.handle, incoming)
        for reply in replies:
            await self.send(chat_id, reply)

    def _incoming(self, event: str, message: dict[str, Any], *, is_group: bool) -> Incoming | None:
        if event == "message.text.received":
            text, photo = message.get("text"), None
        elif event == "message.image.received":
            text, photo = message.get("caption"), message.get("photo")
        else:  # stickers and the like carry nothing to log
            return None
        text = str(text or "")
        if is_group and self.bot_name:  # in groups Zalo only passes messages that mention us
            text = text.replace(f"@{self.bot_name}", " ").strip()
        sender = message.get("from") or {}
        return Incoming(
            platform=PLATFORM,
            chat_id=str(message["chat"]["id"]),
            user_id=str(sender.get("id", "")),
            text=text or None,
            photo=str(photo) if photo else None,
            message_key=f"{PLATFORM}:{message.get('message_id')}",
            is_group=is_group,
            display_name=sender.get("display_name"),
        )

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one reply: its text with numbered options, then its files as links."""
        await self._send(chat_id, numbered_text(reply))
        for path, name in _files(reply):
            if self._links is None:
                await self._send(chat_id, texts.FILE_NOT_AVAILABLE)
                continue
            link = self._links.publish(path, name, now=datetime.now(UTC))
            if reply.photo is not None and path == Path(reply.photo.path):
                await self._deliver(self.client.send_photo, chat_id, link.url, reply.photo.caption)
            else:
                until = link.expires_at.astimezone(self._zone).strftime("%H:%M %d/%m/%Y")
                await self._send(
                    chat_id, texts.FILE_LINK.format(name=name, url=link.url, until=until)
                )

    async def _send(self, chat_id: str, text: str) -> None:
        for piece in split_text(text, TEXT_LIMIT):
            await self._deliver(self.client.send_message, chat_id, piece)

    async def _deliver(self, send: Any, *args: Any) -> None:
        """Send; the client already retried, so what still fails is logged, never raised."""
        try:
            await send(*args)
        except ZaloError as exc:
            log.error("zalo send failed reason=%s", exc)


def _files(reply: Reply) -> list[tuple[Path, str]]:
    found = []
    if reply.document is not None:
        found.append((Path(reply.document.path), reply.document.filename))
    if reply.photo is not None:
        found.append((Path(reply.photo.path), Path(reply.photo.path).name))
    return found
