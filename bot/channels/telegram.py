"""The Telegram channel on python-telegram-bot 22: updates in, replies out, nothing else.

Usage:
    channel = TelegramChannel(engine, config.telegram)
    async with channel:                 # initialise, set the commands menu, start
        await channel.start_polling()   # or feed webhook updates: await channel.feed(json)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeChat,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatMemberStatus, ChatType
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.channels.lanes import ChatLanes
from bot.channels.sends import never_left
from bot.channels.telegram_pacing import PausingRateLimiter
from bot.channels.telegram_render import message_parts
from bot.config import TelegramConfig
from bot.photos import photo_path
from bot.voice.desk import TooBig, VoiceDesk
from bot.web.metrics import Metrics
from handlers import texts
from handlers.engine import Engine
from handlers.failures import failure_trace
from handlers.messages import Heard, Incoming, Reply

log = logging.getLogger(__name__)
PLATFORM = "telegram"
SEND_ATTEMPTS = 4
UNCERTAIN = object()  # a send that left and got no answer: it may be in the chat


def sending_bot(config: TelegramConfig) -> ExtBot[int]:
    """A bot for sends outside the running channel (`schedule tick`), paced to Telegram's
    limits like the channel's own: 30 messages a second, 20 a minute in a group."""
    return ExtBot(
        config.token,
        base_url=config.base_url,
        base_file_url=config.base_file_url,
        rate_limiter=PausingRateLimiter(),
    )


class TelegramChannel:
    """Translates between Telegram and the engine; the engine decides everything."""

    def __init__(
        self,
        engine: Engine,
        config: TelegramConfig,
        *,
        webhook: bool = False,
        photo_dir: Path | None = None,
        voice: VoiceDesk | None = None,
        metrics: Metrics | None = None,
    ):
        self._engine = engine
        self._metrics = metrics
        self._voice = voice  # None: voice messages get the "type it, please" answer
        self._photo_dir = photo_dir  # None: photo evidence is kept as a file id only
        self.reads_all = False  # getMe's can_read_all_group_messages, read at start
        builder = (
            ApplicationBuilder()
            .token(config.token)
            .base_url(config.base_url)
            .base_file_url(config.base_file_url)
            .rate_limiter(PausingRateLimiter())
            .concurrent_updates(ChatOrderedProcessor())
        )
        if webhook:
            builder = builder.updater(None)  # our own web server feeds the update queue
        self.app: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.app.add_handler(CallbackQueryHandler(self._on_button))
        self.app.add_handler(
            MessageHandler(filters.ALL & ~filters.UpdateType.EDITED, self._on_message)
        )
        self.app.add_error_handler(self._on_error)

    async def __aenter__(self) -> TelegramChannel:
        await self.app.initialize()
        bot = self.app.bot
        # with privacy mode on (BotFather's default) a group's messages reach the bot only
        # as commands and replies to it; an @mention alone may never arrive
        self.reads_all = bool(bot.can_read_all_group_messages)
        await bot.set_my_commands(menu(""))
        await bot.set_my_commands(menu("group"), scope=BotCommandScopeAllGroupChats())
        await self.app.start()
        log.info("telegram started bot=@%s", bot.username)
        if self.reads_all:
            log.info("telegram bot reads every group message: members may just @mention it")
        else:
            log.warning(
                "telegram bot has privacy mode on (can_read_all_group_messages=false): in "
                "groups it hears only commands and replies to its messages; make it a group "
                "admin or turn privacy off with BotFather (/setprivacy) to hear @mentions"
            )
        return self

    async def set_menus(self, people: list[tuple[str, str]]) -> None:
        """Give leaders, officers and units their own commands menu in their private chat."""
        for user_id, role in people:
            await self._set_menu(int(user_id), role)

    async def _set_menu(self, chat_id: int, role: str) -> None:
        scope = BotCommandScopeChat(chat_id)
        try:
            if role in ("", "member"):  # back to the menu everybody sees
                await self.app.bot.delete_my_commands(scope=scope)
            else:
                await self.app.bot.set_my_commands(menu(role), scope=scope)
        except TelegramError as exc:
            log.warning("telegram menu not set reason=%s", exc.message)

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()

    async def start_polling(self) -> None:
        """Fetch updates with getUpdates (long polling), in one worker only (polling.py)."""
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, timeout=30, error_callback=_polling_failed
        )

    async def stop_polling(self) -> None:
        """Stop fetching updates (another worker polls now); sending goes on."""
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()

    async def feed(self, data: dict[str, Any]) -> bool:
        """Queue one update received by the webhook; False when it is no update at all."""
        try:
            update = Update.de_json(data, self.app.bot)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # `"message": "x"`: the shape of an update with wrong insides, never a traceback
            log.warning("telegram webhook update unreadable reason=%s", type(exc).__name__)
            return False
        await self.app.update_queue.put(update)
        return True

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = self._incoming(update)
        if incoming is None or update.effective_chat is None:
            return
        if incoming.media == "voice" and update.message and await self._may_hear(incoming):
            incoming = replace(incoming, heard=await self._hear(update.message))
        asks = incoming.group_reach == "reply" and _asks_how_to_reach(incoming.text)
        if asks and await self._is_admin(update.effective_chat.id):  # an admin hears all
            incoming = replace(incoming, group_reach="all")
        replies = await asyncio.to_thread(self._engine.handle, incoming)
        message = update.effective_message
        quote = message.message_id if incoming.is_group and message else None
        await self._send_all(
            update.effective_chat.id, replies, private=not incoming.is_group, quote=quote
        )
        for reply in replies:
            if reply.menu is not None and not incoming.is_group:
                await self._set_menu(update.effective_chat.id, reply.menu)
        for reply in replies:
            if reply.evidence and self._photo_dir is not None:
                await self._keep_photo(reply.evidence, self._photo_dir)

    async def _may_hear(self, incoming: Incoming) -> bool:
        """Voice is on and the sender has joined: a stranger's voice is neither downloaded
        nor heard (they are asked to join)."""
        if self._voice is None:
            return False
        return await asyncio.to_thread(self._engine.knows, incoming.platform, incoming.user_id)

    async def _hear(self, message: Message) -> Heard:
        """What a voice note (or audio, or round video) says, heard on this machine."""
        assert self._voice is not None
        sound = message.voice or message.audio or message.video_note
        if sound is None:
            return self._voice.problem("unreadable")
        await self._attempt(message.chat.send_action, ChatAction.TYPING)

        async def fetch(limit: int) -> bytes:
            if (sound.file_size or 0) > limit:
                raise TooBig
            file = await sound.get_file()
            data = await file.download_as_bytearray()
            if len(data) > limit:
                raise TooBig
            return bytes(data)

        length = sound.duration  # whole seconds, or a timedelta as PTB may be set to give
        seconds = length.total_seconds() if isinstance(length, timedelta) else float(length)
        return await self._voice.hear(fetch, seconds=seconds)

    async def _is_admin(self, chat_id: int) -> bool:
        """Whether the bot is an administrator of a group (then privacy mode does not apply)."""
        try:
            member = await self.app.bot.get_chat_member(chat_id, self.app.bot.id)
        except TelegramError as exc:
            log.warning("telegram group membership unknown reason=%s", exc.message)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    async def _keep_photo(self, file_id: str, folder: Path) -> None:
        """Save a photo stored as evidence (the deployment chose to keep the files)."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            photo = await self.app.bot.get_file(file_id)
            await photo.download_to_drive(photo_path(folder, file_id))
        except (TelegramError, OSError) as exc:
            log.warning("telegram photo not kept reason=%s", exc)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log an update that failed: by the frames and types of the error only (PTB's own
        log line would print the error's message, which may quote what was typed)."""
        if context.error is not None:
            log.error("update failed\n%s", failure_trace(context.error))

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None or update.effective_chat is None:
            return
        chat = update.effective_chat
        message = query.message if isinstance(query.message, Message) else None
        owner = message.reply_to_message if message else None
        if owner is not None and owner.from_user and owner.from_user.id != query.from_user.id:
            # in a group the buttons under an answer belong to the member it answered
            await self._attempt(query.answer, texts.BUTTON_NOT_YOURS)
            return
        await self._attempt(query.answer)
        incoming = Incoming(
            platform=PLATFORM,
            chat_id=str(chat.id),
            user_id=str(query.from_user.id),
            choice=query.data,
            message_key=self._key(update),
            is_group=chat.type != ChatType.PRIVATE,
            display_name=query.from_user.full_name,
        )
        replies = await asyncio.to_thread(self._engine.handle, incoming)
        for reply in replies:
            if reply.menu is not None and not incoming.is_group:
                await self._set_menu(chat.id, reply.menu)
        if replies and message is not None:
            # the pressed message shows the outcome instead of its now stale buttons
            parts = message_parts(replies[0], private=False)
            if len(parts) == 1 and await self._edit(message, *parts[0]):
                replies = replies[1:]
        await self._send_all(
            chat.id,
            replies,
            private=not incoming.is_group,
            quote=owner.message_id if owner else None,
        )

    def _incoming(self, update: Update) -> Incoming | None:
        """The message as the engine sees it; None when a group message is not for us."""
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None or user.is_bot:
            return None
        text: str | None = message.text or message.caption or ""
        is_group = chat.type != ChatType.PRIVATE
        if is_group:
            text = self._addressed_text(message, text or "")
            if text is None:
                return None
        contact = message.contact
        return Incoming(
            platform=PLATFORM,
            chat_id=str(chat.id),
            user_id=str(user.id),
            text=text or None,
            photo=message.photo[-1].file_id if message.photo else None,
            message_key=self._key(update),
            is_group=is_group,
            display_name=user.full_name,
            chat_title=chat.title,
            contact_phone=contact.phone_number if contact else None,
            contact_is_own=bool(contact and contact.user_id == user.id),
            media=_media(message) if not text and not message.photo else None,
            group_reach=("all" if self.reads_all else "reply") if is_group else None,
            bot_mention=f"@{self.app.bot.username}",
        )

    def _addressed_text(self, message: Message, text: str) -> str | None:
        """In a group only a command, a reply to the bot or an @mention is for the bot."""
        mention = f"@{self.app.bot.username}"
        replied = message.reply_to_message
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            return text if "@" not in command or command.lower().endswith(mention.lower()) else None
        if mention.lower() in text.lower():
            start = text.lower().index(mention.lower())
            return (text[:start] + text[start + len(mention) :]).strip()
        if replied is not None and replied.from_user and replied.from_user.id == self.app.bot.id:
            return text
        return None

    def _key(self, update: Update) -> str:
        return f"{PLATFORM}:{self.app.bot.id}:{update.update_id}"

    async def _send_all(
        self, chat_id: int, replies: list[Reply], *, private: bool, quote: int | None = None
    ) -> None:
        """Send each reply; in a group they quote the member's message, to show whose they are."""
        reply_to = ReplyParameters(quote, allow_sending_without_reply=True) if quote else None
        results = []
        for reply in replies:
            for text, markup in message_parts(reply, private=private):
                results.append(
                    await self._attempt(
                        self.app.bot.send_message,
                        chat_id,
                        text,
                        reply_markup=markup,
                        reply_parameters=reply_to,
                    )
                )
            if reply.document is not None:
                with open(reply.document.path, "rb") as document:
                    results.append(
                        await self._attempt(
                            self.app.bot.send_document,
                            chat_id,
                            document,
                            filename=reply.document.filename,
                        )
                    )
            if reply.photo is not None:
                with open(reply.photo.path, "rb") as photo:
                    results.append(
                        await self._attempt(
                            self.app.bot.send_photo, chat_id, photo, caption=reply.photo.caption
                        )
                    )
        if self._metrics is not None:
            for result in results:
                self._metrics.sent(PLATFORM, "reply", _result(result))

    async def _edit(self, message: Message, text: str, markup: Any) -> bool:
        try:
            await message.edit_text(text, reply_markup=markup)
        except BadRequest as exc:  # too old, or unchanged: send it as a new message instead
            log.info("telegram edit refused reason=%s", exc.message)
            return False
        return True

    async def _attempt(self, send: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """Send; tried again, with backoff, only when the request surely never left.

        The rate limiter already waited out Telegram's 429s (`RETRIES` of them): one still
        coming is given up, not waited out again. A timeout, a dropped connection or a 5xx
        may come after Telegram delivered the message: UNCERTAIN, never sent twice.
        """
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await send(*args, **kwargs)
            except RetryAfter as exc:
                log.error("telegram send failed reason=%s (429s waited out)", exc.message)
                return None
            except (
                Forbidden,
                BadRequest,
            ) as exc:  # blocked, removed, or a message Telegram refuses
                log.warning("telegram send refused reason=%s", exc.message)
                return None
            except NetworkError as exc:  # TimedOut among them
                if not never_left(exc):
                    log.warning("telegram send uncertain reason=%s: not sent again", exc.message)
                    return UNCERTAIN
                wait, reason = 0.5 * 2 ** (attempt - 1), str(exc.message)
            if attempt == SEND_ATTEMPTS:
                log.error("telegram send failed reason=%s attempts=%d", reason, attempt)
                return None
            log.warning("telegram send retry reason=%s wait=%.1fs", reason, wait)
            await asyncio.sleep(wait)
        return None


def _result(sent: Any) -> str:
    """How a send went, for the metrics."""
    return "failed" if sent is None else "uncertain" if sent is UNCERTAIN else "sent"


def _polling_failed(exc: TelegramError) -> None:
    """A getUpdates failed (python-telegram-bot tries again, waiting longer each time): one
    line, and a plain one for the operator when someone else takes this bot's updates."""
    if isinstance(exc, Conflict) and "getUpdates request" in exc.message:
        log.error(
            "telegram 409 Conflict: một nơi khác (máy khác, hoặc worker không dùng chung cơ sở "
            "dữ liệu PostgreSQL này) cũng đang nhận tin của bot bằng getUpdates, nên mỗi nơi chỉ "
            "nhận được một phần tin nhắn. Chỉ để một nơi chạy, hoặc dùng webhook "
            "(docs/van-hanh.md, mục 7)."
        )
    elif isinstance(exc, Conflict):
        log.error(
            "telegram 409 Conflict: bot đang có webhook (do nơi khác đặt), nên không nhận tin "
            'bằng getUpdates được. Xoá webhook đó, hoặc chuyển sang [telegram] mode = "webhook".'
        )
    else:
        log.warning("telegram polling failed reason=%s", exc.message)


def menu(role: str) -> list[BotCommand]:
    """The commands menu of a role's private chat ("": everybody's; "group": a group's)."""
    described = dict(texts.COMMAND_MENU)
    if role == "city":  # the city's officer reads the city's words for the same commands
        described |= texts.CITY_MENU_WORDS
    return [BotCommand(name, described[name]) for name in texts.MENUS[role]]


def _asks_how_to_reach(text: str | None) -> bool:
    """A command whose answer says how members make the bot hear them in the group."""
    command = (text or "").split(maxsplit=1)[0].split("@")[0].lower() if text else ""
    return command in ("/lienket", "/trogiup", "/help")


def _media(message: Message) -> str | None:
    """What came instead of text: a voice note, a sticker, or something else we cannot read."""
    if message.voice or message.audio or message.video_note:
        return "voice"
    if message.sticker:
        return "sticker"
    if message.document or message.video or message.location or message.poll:
        return "other"
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Updates on chat lanes (bot/channels/lanes.py): chats at once, each in order."""

    def __init__(self) -> None:
        super().__init__(max_concurrent_updates=256)  # the lanes do the real limiting
        self.lanes = ChatLanes()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = str(chat.id) if chat is not None else "-"

        async def job() -> None:
            await coroutine

        await self.lanes.run(key, job)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the application waits for its update tasks itself."""
