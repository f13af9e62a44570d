"""The conversation engine: Incoming -> list[Reply], one transaction per message.

Usage:
    engine = Engine(uow_factory, clock=lambda: datetime.now(UTC))
    replies = engine.handle(Incoming("console", "u1", "u1", text="vneid 3"))

It never sends anything: channels render the replies it returns.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from handlers import texts
from handlers.catalogue import load_catalogue
from handlers.context import BotSeat, Context, Conversation, Settings
from handlers.failures import failure_trace
from handlers.features import ROUTER
from handlers.features.city import refused_to_city
from handlers.features.onboarding import stranger_greeting
from handlers.messages import Incoming, Reply
from handlers.parsing.normalize import fold
from handlers.router import Route, Router
from storage import bot_usage, identities, queries
from storage.models import ProcessedMessage, Role
from storage.personal import (
    message_ref,
    monthly_sender_ref,
    scrub,
    scrub_spoken,
    sender_ref,
    tidy,
)
from storage.uow import UnitOfWork, UowFactory

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_COMMAND = re.compile(r"^/(\w+)(?:@\w+)?\s*(.*)$", re.DOTALL)
_KEEPS_STEP = {"huy"}  # /huy needs to see what is in progress to cancel it
_KEEPS_CHOICES = {"answer_media"}  # a sticker between a question and its answer changes nothing
_WITHOUT_SLASH = {"thamgia"}  # "thamgia K7M3PX9Q" works too: not everyone finds the slash
# a whole message that says a command in words ("hoàn tác" with no Undo button left)
_SAID_COMMANDS = {"hoan tac": "/huy", "huy": "/huy", "huy bo": "/huy", "tro giup": "/trogiup"}


class Engine:
    """Routes each message to a feature and returns what to answer."""

    def __init__(
        self,
        uow: UowFactory,
        *,
        clock: Clock,
        settings: Settings | None = None,
        routers: tuple[Router, ...] = (),
        observe: Callable[[str, str, float], None] | None = None,
    ):
        self._uow = uow
        self._clock = clock
        self._settings = settings or Settings()
        self._observe = observe  # told (platform, route, seconds) of each message answered
        self._router = Router()
        for router in (ROUTER, *routers):  # layers above handlers add their commands here
            self._router.include(router)

    @property
    def commands(self) -> dict[str, Route]:
        """Every command the engine answers, by name (aliases included)."""
        return dict(self._router.commands)

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one message; a message seen before gets its first answer again, marked so
        (nothing at all when it says `silent_redelivery`)."""
        started = time.perf_counter()
        # the log says a message's route and size, never its text (nor a name or title)
        size = len(incoming.heard.text if incoming.heard else incoming.text or "")
        incoming = self._keyed(_cleaned(incoming))
        key = incoming.message_key
        sender = sender_ref(self._settings.key, incoming.platform, incoming.user_id)
        try:
            replies, route = self._handle_once(incoming, sender)
        except IntegrityError as exc:
            # another worker is handling or has handled the same message: its answer stands
            earlier = self._earlier(key, sender) if key else None
            if earlier is None:
                _log_failure(incoming.platform, size, exc)
                earlier = [Reply(texts.SOMETHING_WENT_WRONG)]
            elif incoming.silent_redelivery:
                earlier = []
            replies, route = earlier, "duplicate"
        except Exception as exc:
            # a bug or an outage: everything was rolled back, so the member may simply resend
            _log_failure(incoming.platform, size, exc)
            replies, route = [Reply(texts.SOMETHING_WENT_WRONG)], "failed"
        took = time.perf_counter() - started
        log.info(
            "message platform=%s route=%s chars=%d replies=%d ms=%.1f",
            incoming.platform,
            route,
            size,
            len(replies),
            took * 1000,
        )
        if self._observe is not None:
            self._observe(incoming.platform, route, took)
        return replies

    def knows(self, platform: str, user_id: str, bot: str = "") -> bool:
        """Whether someone has joined (through this bot): a stranger's voice message is
        neither fetched nor heard."""
        unnamed = identities.unnamed_bot(self._settings.bots, platform)
        with self._uow() as uow:
            found = identities.identity_of(uow.session, platform, user_id, bot=bot, unnamed=unnamed)
            return identities.member_of(uow.session, found) is not None

    def _keyed(self, incoming: Incoming) -> Incoming:
        """The message key as a keyed hash of the platform's key and the chat: no chat id
        is stored with it, and the same message id in another chat is another message."""
        if incoming.message_key is None:
            return incoming
        key = message_ref(self._settings.key, incoming.message_key, incoming.chat_id)
        return replace(incoming, message_key=key)

    def _earlier(self, key: str, sender: str) -> list[Reply] | None:
        try:
            with self._uow() as uow:
                row = queries.processed_message(uow.session, key)
                return None if row is None else _again(row, sender)
        except Exception:
            return None

    def _handle_once(self, incoming: Incoming, sender: str) -> tuple[list[Reply], str]:
        key = incoming.message_key
        now = self._clock()
        with self._uow() as uow:
            queries.lock_conversation(
                uow.session, incoming.platform, incoming.chat_id, incoming.user_id, bot=incoming.bot
            )
            claim = None
            if key:
                earlier = queries.processed_message(uow.session, key)
                if earlier is not None:
                    again = [] if incoming.silent_redelivery else _again(earlier, sender)
                    return again, "duplicate"
                # claim the message first: a second worker waits here, then finds it taken
                claim = queries.claim_message(uow.session, key, sender=sender, now=now)
            seat = self._settings.bots.get((incoming.platform, incoming.bot))
            if seat is not None:  # a bot on a plan (a redelivery returned above: counted once)
                self._count_incoming(uow, incoming, seat, now)
            ctx = self._context(incoming, uow, now)
            replies = _tell_scrubbed(self._route(ctx), incoming.scrubbed)
            if ctx.route not in _KEEPS_CHOICES:
                _remember_choices(ctx.conversation, replies)
            self._save_conversation(ctx)
            if claim is not None:
                claim.replies = [_kept(r) for r in replies]
                uow.session.add(claim)
            uow.commit()
        return replies, ctx.route

    def _count_incoming(
        self, uow: UnitOfWork, incoming: Incoming, seat: BotSeat, now: datetime
    ) -> None:
        """Count the sender among the bot's people this month (a keyed hash, once a month),
        and the message among its monthly messages where the plan may count it."""
        bot = (incoming.platform, incoming.bot)
        month = bot_usage.month_of(now, self._settings.timezone)
        ref = monthly_sender_ref(self._settings.key, bot, month, incoming.user_id)
        bot_usage.add_sender(uow.session, bot, month=month, sender=ref)
        if seat.count_incoming:
            bot_usage.add_sent(uow.session, bot, month=month, kind="received")

    def _context(self, incoming: Incoming, uow: UnitOfWork, now: datetime) -> Context:
        session = uow.session
        # a user id means something only in the bot that issued it: an account linked
        # through another bot is someone else, and this sender a stranger here
        unnamed = identities.unnamed_bot(self._settings.bots, incoming.platform)
        identity = identities.identity_of(
            session, incoming.platform, incoming.user_id, bot=incoming.bot, unnamed=unnamed
        )
        if identity is not None:
            identities.bind(session, identity, incoming.bot)
        member = identities.member_of(session, identity)
        row = queries.load_conversation(
            session, incoming.platform, incoming.chat_id, incoming.user_id, bot=incoming.bot
        )
        conversation = Conversation()
        if row is not None:
            data = dict(row.data)
            options = [list(o) for o in data.pop("_options", [])]
            numbered = bool(data.pop("_numbered", True))
            told = dict(data.pop("_told", {}))
            conversation = Conversation(row.step or None, data, options, numbered, told)
        catalogue = load_catalogue(session)
        ctx = Context(incoming, uow, member, conversation, catalogue, self._settings, now)
        ctx.state_row = row  # held, so saving the step finds it without reading it again
        return ctx

    def _save_conversation(self, ctx: Context) -> None:
        conv = ctx.conversation
        data = dict(conv.data)
        if conv.options:
            data["_options"], data["_numbered"] = conv.options, conv.numbered
        if conv.told:
            data["_told"] = conv.told
        incoming = ctx.incoming
        queries.save_conversation(
            ctx.uow.session,
            (incoming.platform, incoming.chat_id, incoming.user_id),
            step=conv.step,
            data=data,
            now=ctx.now,
            bot=incoming.bot,
        )

    def _route(self, ctx: Context) -> list[Reply]:
        incoming, conv = ctx.incoming, ctx.conversation
        text = (incoming.text or "").strip()
        if incoming.heard is not None and incoming.choice is None:
            return self._call(ctx, self._router.steps["voice"], incoming.heard.text)
        if incoming.media and not text and incoming.choice is None:
            # a voice message or a sticker: answered, and what was pending stays pending
            return self._call(ctx, self._router.steps["media"], incoming.media)
        choice = incoming.choice if incoming.choice is not None else _typed_choice(conv, text)
        conv.options = []
        if choice is not None:
            action, _, arg = choice.partition(":")
            route = self._router.choices.get(action)
            if route is None:
                return [Reply(texts.CHOICE_EXPIRED)]
            return self._call(ctx, route, arg)
        if text and fold(text.split(maxsplit=1)[0]) in _WITHOUT_SLASH:
            text = "/" + text
        text = _SAID_COMMANDS.get(" ".join(fold(text).strip(" .!").split()), text)
        if command := _COMMAND.match(text):
            name = fold(command.group(1))
            route = self._router.commands.get(name)
            if route is None:
                return [Reply(texts.UNKNOWN_COMMAND.format(command.group(1)))]
            if ctx.member is not None and ctx.member.role == Role.CITY:
                route = self._router.city.get(name, route)  # the city's answer, if it has one
            if name not in _KEEPS_STEP:
                conv.clear()
            return self._call(ctx, route, command.group(2).strip())
        if incoming.contact_phone is not None:
            return self._call(ctx, self._router.steps["shared_contact"], incoming.contact_phone)
        if conv.step and (route := self._router.steps.get(conv.step)):
            return self._call(ctx, route, text)
        if ctx.member is None:
            return [stranger_greeting(ctx)]
        if not text and incoming.photo:
            return [Reply(texts.PHOTO_NEEDS_CAPTION)]
        if not text and (incoming.text is None or incoming.scrubbed):
            return []  # nothing typed, or only a number we left out (and say so)
        return self._call(ctx, self._router.steps["quick_entry"], text)

    @staticmethod
    def _call(ctx: Context, route: Route, arg: str) -> list[Reply]:
        ctx.route = route.handler.__name__
        if refusal := refused_to_city(ctx, route):
            return [refusal]
        if route.only and ctx.member is not None and ctx.member.role != route.role:
            return [Reply(texts.NOT_ALLOWED[str(route.role)])]
        if ctx.has_role(route.role):
            return route.handler(ctx, arg)
        if ctx.member is None:
            return [stranger_greeting(ctx, joined_needed=True)]
        return [Reply(texts.NOT_ALLOWED[str(route.role)])]


def _log_failure(platform: str, size: int, exc: Exception) -> None:
    """A message that could not be answered, logged without its text: an exception's own
    message may quote it (handlers/failures.py)."""
    log.error("message failed platform=%s chars=%d\n%s", platform, size, failure_trace(exc))


def _cleaned(incoming: Incoming) -> Incoming:
    """What people typed, tidied (no NUL or other control characters: PostgreSQL refuses
    NUL), with citizens' phone and ID numbers blanked out before anything can keep them."""
    fields: dict[str, Any] = {}
    if incoming.text is not None and not incoming.text.strip():
        fields["text"] = None  # nothing typed; invisible characters alone are typed text
    for name in ("text", "display_name", "chat_title"):
        value = getattr(incoming, name)
        if value and value.strip():
            clean, found = scrub(tidy(value))
            if clean != value:
                # a name or title is one line: "Lan 0912 345 678" -> "Lan"
                fields[name] = clean if name == "text" else " ".join(clean.split()) or None
            if name == "text" and found:
                fields["scrubbed"] = tuple(s.masked for s in found)
    heard = incoming.heard
    if heard is not None and heard.text.strip():
        clean, found = scrub_spoken(heard.text)  # "không chín một hai…" is a number too
        fields["heard"] = replace(heard, text=clean)
        if found:
            fields["scrubbed"] = (*fields.get("scrubbed", ()), *(s.masked for s in found))
    return replace(incoming, **fields) if fields else incoming


def _tell_scrubbed(replies: list[Reply], masked: tuple[str, ...]) -> list[Reply]:
    """Say which numbers were left out, unless a reply already does."""
    untold = [m for m in masked if not any(m in r.text for r in replies)]
    if not untold:
        return replies
    return [Reply("\n".join(texts.PROBLEM_SCRUBBED.format(m) for m in untold)), *replies]


def _typed_choice(conv: Conversation, text: str) -> str | None:
    """A typed answer to the choices last shown: its number, its label or one of its aliases."""
    number = _NUMBER.match(text)
    if number and conv.numbered and 1 <= int(number.group(1)) <= len(conv.options):
        return conv.options[int(number.group(1)) - 1][0]
    typed = " ".join(fold(text).strip(" .!").split())
    return next((option[0] for option in conv.options if typed and typed in option[1:]), None)


def _remember_choices(conv: Conversation, replies: list[Reply]) -> None:
    """Keep the choices of the last reply that has any, so they can be typed."""
    for reply in reversed(replies):
        if reply.choices:
            conv.options = [
                [c.value, *(" ".join(fold(word).split()) for word in (c.label, *c.aliases))]
                for c in reply.choices
            ]
            conv.numbered = reply.numbered
            return
    conv.options, conv.numbered = [], True


def _kept(reply: Reply) -> dict[str, Any]:
    """What is stored of a reply for a redelivery: a reply with a login link or someone's
    own data in it is not kept, only a word to ask again."""
    return (reply if reply.keep else Reply(texts.REPLY_NOT_KEPT)).to_dict()


def _again(row: ProcessedMessage, sender: str) -> list[Reply]:
    """The first answer to a message delivered again, saying nothing was stored twice; to
    its sender only (after an erasure the sender is no longer known: the answer is kept)."""
    if row.sender is not None and row.sender != sender:
        log.warning("message key of another sender: not answered")
        return []
    replies = [Reply.from_dict(r) for r in row.replies]
    if replies:
        first = replies[0]
        replies[0] = replace(first, text=f"{texts.ALREADY_HANDLED}\n\n{first.text}")
    return replies
