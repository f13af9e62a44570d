"""The Zalo channel: Zalo Bot Platform updates in, numbered-option texts out.

Usage:
    async with ZaloChannel(engine, bot_config, links=links, meter=meter) as channel:
        await channel.poll(stop)          # getUpdates; or feed webhook updates: channel.feed(u)

One channel per Zalo bot: a deployment may run several ([[zalo.bots]]), and a member is
answered by the bot they wrote to. Updates come as the live platform sends them (text,
image with `photo_url`, voice, sticker, unsupported); every message sent is counted for
the bot's monthly quota, so a message Zalo delivers again gets no answer at all, and the
poller never polls flat out (bot/channels/zalo_updates.py).

Zalo has no buttons and no edits: choices are numbered lines answered by number (the
engine keeps what the numbers mean), long texts are split at 2,000 characters, and a
document goes out as a signed download link.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.lanes import ChatLanes
from bot.channels.text import numbered_text, split_text
from bot.channels.usage import UsageMeter
from bot.channels.zalo_api import TEXT_LIMIT, FileTooLarge, ZaloClient, ZaloError
from bot.channels.zalo_groups import group_join
from bot.channels.zalo_updates import Seen, poll
from bot.config import ZaloBotConfig
from bot.photos import MAX_PHOTO_BYTES, keep_photo
from bot.voice.desk import TooBig, VoiceDesk
from bot.web.links import FileLinks, link_text
from bot.web.metrics import Metrics
from handlers import texts
from handlers.engine import Engine
from handlers.messages import Heard, Incoming, Reply

log = logging.getLogger(__name__)
PLATFORM = "zalo"
STOP_WAIT = 10.0  # seconds to finish the updates taken in before stopping


LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


class ZaloChannel:
    """Translates between one Zalo bot and the engine; the engine decides everything."""

    def __init__(
        self,
        engine: Engine,
        config: ZaloBotConfig,
        *,
        links: FileLinks | None = None,
        zone: ZoneInfo = LOCAL,
        meter: UsageMeter | None = None,
        voice: VoiceDesk | None = None,
        metrics: Metrics | None = None,
        photo_dir: Path | None = None,
        client: ZaloClient | None = None,
    ):
        self._metrics = metrics
        self._photo_dir = photo_dir  # None: a photo is kept as Zalo's link only (may expire)
        self.group_join = "invite"  # how it gets into a group; getMe may say it cannot
        self._voice = voice  # None: voice messages get the "type it, please" answer
        self._zone = zone
        self._engine = engine
        self._links = links
        self._meter = meter
        self.config = config
        self.key = (PLATFORM, config.name)
        self.client = client or ZaloClient(
            config.token, base_url=config.base_url, sends_per_second=config.sends_per_second
        )
        self._lanes = ChatLanes()
        self._seen = Seen(bot=config.name)  # Zalo may deliver a message more than once
        self.mentions: tuple[str, ...] = ()

    async def __aenter__(self) -> ZaloChannel:
        try:
            me = await self.client.get_me()
        except ZaloError as exc:  # say which bot, when there are several
            bot = f"bot {self.config.name}: " if self.config.name else ""
            raise ZaloError(exc.error_code, bot + exc.description, exc.method) from None
        # getMe says the account name ("bot.xxxxx") but not the name people see and type
        # after "@" in a group: that one comes from the config (display_name)
        names = (
            self.config.display_name,
            str(me.get("display_name") or ""),
            str(me.get("account_name") or ""),
        )
        self.mentions = tuple(dict.fromkeys(f"@{n.strip()}" for n in names if n.strip()))
        self.group_join = group_join(self.config.name, me)
        log.info(
            "zalo started bot=%s account=%s",
            self.config.name or "-",
            me.get("account_name") or me.get("id"),
        )
        if not self.config.display_name:
            log.warning(
                'zalo bot=%s has no display_name: set the bot\'s name in Zalo ("Bot …") so '
                "group messages that mention it are understood",
                self.config.name or "-",
            )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._lanes.drain(timeout=STOP_WAIT)  # answer what was already taken in
        await self.client.close()

    async def feed(self, update: dict[str, Any]) -> None:
        """Take one update in: the webhook answers at once, the chat's lane handles it."""
        self._take(update)

    def _take(self, update: dict[str, Any]) -> bool:
        """Hand an update to its chat's lane; True when it was a message not taken in before.

        A copy of a message taken in before (getUpdates may hand it back, the webhook post
        it twice) is dropped here without a word: every answer spends the month's quota.
        """
        message = update.get("message") or {}
        chat = str((message.get("chat") or {}).get("id", ""))
        if not self._seen.first(chat, message.get("message_id")):
            return False
        self._lanes.submit(chat, lambda: self.handle(update))
        return bool(message.get("message_id"))

    async def poll(self, stop: asyncio.Event) -> None:
        """Fetch updates with getUpdates until stopped (bot/channels/zalo_updates.py)."""
        await self._drop_webhook()
        floor = self.config.poll_floor_seconds
        await poll(self.client, self._take, stop, floor=floor, bot=self.config.name)

    async def _drop_webhook(self) -> None:
        """getUpdates gets nothing while a webhook is set: remove one left from before."""
        try:
            info = await self.client.get_webhook_info()
            if not info.get("url"):
                return
            await self.client.delete_webhook()
        except ZaloError as exc:
            log.warning("zalo webhook check failed before polling reason=%s", exc)
            return
        log.warning("zalo bot=%s had a webhook set: removed it to poll", self.config.name or "-")

    async def handle(self, update: dict[str, Any]) -> None:
        """Answer one update."""
        message = update.get("message") or {}
        chat = message.get("chat") or {}
        chat_id = str(chat.get("id", ""))
        if not chat_id or (message.get("from") or {}).get("is_bot"):
            return
        if not message.get("message_id"):
            # without an id a redelivery cannot be told from a new message: never guess
            log.warning("zalo bot=%s update without a message id: ignored", self.config.name or "-")
            return
        incoming = self._incoming(str(update.get("event_name", "")), message, chat_id)
        if incoming.media == "voice" and await self._may_hear(incoming):
            incoming = replace(incoming, heard=await self._hear(message))
        replies = await asyncio.to_thread(self._engine.handle, incoming)
        sent = 0
        for reply in replies:
            sent += await self.send(chat_id, reply)
        if sent and self._meter is not None:
            await asyncio.to_thread(self._meter.sent, self.key, "reply", sent)
        for reply in replies:
            if reply.evidence and self._photo_dir is not None:
                await self._keep_photo(reply.evidence, self._photo_dir)

    def _incoming(self, event: str, message: dict[str, Any], chat_id: str) -> Incoming:
        is_group = (message.get("chat") or {}).get("chat_type") == "GROUP"
        text, photo, media = None, None, None
        if event == "message.text.received":
            text = message.get("text")
        elif event == "message.image.received":  # live: photo_url; the docs: photo
            text, photo = message.get("caption"), message.get("photo_url") or message.get("photo")
        elif event == "message.voice.received":
            media = "voice"  # its voice_url is neither stored nor logged
        elif event == "message.sticker.received":
            media = "sticker"
        else:  # message.unsupported.received: files, and what Zalo hides of protected senders
            media = "other"
        text = str(text or "")
        if is_group:  # in a group Zalo passes only the messages that mention the bot
            text = self._without_mention(text)
        sender = message.get("from") or {}
        name = self.config.name
        return Incoming(
            platform=PLATFORM,
            chat_id=chat_id,
            user_id=str(sender.get("id", "")),
            text=text or None,
            photo=str(photo) if photo else None,
            message_key=f"{PLATFORM}:{name + ':' if name else ''}{message['message_id']}",
            is_group=is_group,
            display_name=sender.get("display_name"),
            media=media if not text and not photo else None,
            bot=name,
            group_reach="mention" if is_group else None,
            bot_mention=f"@{self.config.label}",
            group_join=self.group_join,
            silent_redelivery=True,  # Zalo may hand a message back: each answer costs quota
        )

    async def _may_hear(self, incoming: Incoming) -> bool:
        """Voice is on and the sender has joined: a stranger's voice is neither fetched nor
        heard (they are asked to join)."""
        if self._voice is None:
            return False
        return await asyncio.to_thread(
            self._engine.knows, incoming.platform, incoming.user_id, incoming.bot
        )

    async def _hear(self, message: dict[str, Any]) -> Heard:
        """What a voice message says: its .aac fetched from Zalo into memory, heard here."""
        assert self._voice is not None
        url = message.get("voice_url")
        if not isinstance(url, str) or not url:
            return self._voice.problem("unreadable")

        async def fetch(limit: int) -> bytes:
            try:
                return await self.client.download(url, limit=limit)
            except FileTooLarge:
                raise TooBig from None

        return await self._voice.hear(fetch)

    async def _keep_photo(self, url: str, folder: Path) -> None:
        """Save a photo stored as evidence while its link works (Zalo's CDN links expire)."""
        try:
            data = await self.client.download(url, limit=MAX_PHOTO_BYTES)
            await asyncio.to_thread(keep_photo, folder, url, data)
            return
        except FileTooLarge:
            reason = f"over {MAX_PHOTO_BYTES} bytes"
        except ZaloError as exc:  # never the link: it shows the photo to whoever has it
            reason = f"{exc.error_code} {exc.description}"
        except OSError as exc:
            reason = type(exc).__name__
        log.warning("zalo photo not kept bot=%s reason=%s", self.config.name or "-", reason)

    def _without_mention(self, text: str) -> str:
        """The text without the mention of the bot that brought it here.

        Zalo puts "@<the bot's name in Zalo>" first, and getMe does not say that name: it is
        `display_name` in the config, else learnt (until a restart) from the /lienket a
        leader types after it ("@Bot Tổ 1 /lienket": the first word to the bot in a group).
        """
        folded = text.casefold()
        for mention in self.mentions:
            at = folded.find(mention.casefold())
            if at >= 0:
                return (text[:at] + " " + text[at + len(mention) :]).strip(" \t:,")
        command = text.find(" /lienket")  # a leader's first word to the bot in a group
        if text.startswith("@") and command > 1:
            learnt = text[:command].strip()
            self.mentions += (learnt,)
            log.warning(  # what a member typed is never logged: its route and size only
                "zalo bot=%s is mentioned in groups by a name not in its config route=lienket "
                "chars=%d: set display_name to the bot's name in Zalo",
                self.config.name or "-",
                len(learnt),
            )
            return text[command:].strip()
        return text.strip()

    async def send(self, chat_id: str, reply: Reply) -> int:
        """Send one reply; how many messages went out (each counts against the bot's quota).

        A document's download link goes inside the reply's text, before its numbered
        options: one message, not two. A picture goes as a picture (by its link).
        """
        extra = []
        if reply.document is not None:
            document = reply.document
            extra.append(
                link_text(self._links, Path(document.path), document.filename, zone=self._zone)
            )
        if reply.photo is not None and self._links is None:
            extra.append(texts.FILE_NOT_AVAILABLE)
        if extra:
            reply = replace(reply, text="\n\n".join([reply.text, *dict.fromkeys(extra)]))
        sent = await self._send(chat_id, numbered_text(reply))
        if reply.photo is not None and self._links is not None:
            path = Path(reply.photo.path)
            link = self._links.publish(path, path.name, now=datetime.now(UTC))
            sent += await self._deliver(
                self.client.send_photo, chat_id, link.url, reply.photo.caption
            )
        return sent

    async def _send(self, chat_id: str, text: str) -> int:
        sent = 0
        for piece in split_text(text, TEXT_LIMIT):
            sent += await self._deliver(self.client.send_message, chat_id, piece)
        return sent

    async def _deliver(self, send: Any, *args: Any) -> int:
        """Send; 1 when it went (or may have). The client already retried what surely did not
        arrive, so what still fails is logged, never raised; a quota answer pauses the bot's
        scheduled sends."""
        try:
            await send(*args)
        except ZaloError as exc:
            if exc.uncertain:  # it may be in the chat already: never sent twice
                log.warning(
                    "zalo send uncertain bot=%s reason=%s: not sent again",
                    self.config.name or "-",
                    exc.description,
                )
                self._count("uncertain")
                return 1  # counted for the quota: Zalo most likely took it
            log.error("zalo send failed bot=%s reason=%s", self.config.name or "-", exc)
            if exc.quota_exceeded and self._meter is not None:
                await asyncio.to_thread(self._meter.out_of_quota, self.key, str(exc))
            self._count("quota" if exc.quota_exceeded else "failed")
            return 0
        self._count("sent")
        return 1

    def _count(self, result: str) -> None:
        if self._metrics is not None:
            self._metrics.sent(PLATFORM, "reply", result)
