"""The terminal channel: the same bot on the same database, no token needed.

Usage:
    chat = ConsoleChat(app.engine, user_id="demo")
    print(chat.say("vneid 3"))     # what the bot answers, choices as numbered lines
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from bot.channels.text import numbered_text
from handlers.engine import Engine
from handlers.messages import Heard, Incoming, Reply
from handlers.parsing.normalize import fold

PLATFORM = "console"
LEAVE_WORDS = frozenset({"thoat", "exit", "quit"})  # typed alone (folded), the chat ends


def is_leaving(line: str) -> bool:
    """Whether a line typed in the terminal chat asks to leave it ("thoát", "Thoat", "exit")."""
    return " ".join(fold(line).split()) in LEAVE_WORDS


def render(reply: Reply) -> str:
    """A reply as the terminal shows it: numbered options, then any file's path."""
    lines = [numbered_text(reply)]
    if reply.document:
        lines.append(f"[Tệp: {reply.document.filename} — {reply.document.path}]")
    if reply.photo:
        lines.append(f"[Ảnh: {reply.photo.path}]")
    return "\n".join(lines)


class ConsoleChat:
    """One person chatting with the bot in the terminal (also the test driver)."""

    def __init__(self, engine: Engine, *, user_id: str, display_name: str | None = None):
        self._engine = engine
        self.user_id = user_id
        self._display_name = display_name
        self._session = uuid.uuid4().hex[:12]
        self._sent = 0

    def send(self, text: str | None, *, heard: Heard | None = None) -> list[Reply]:
        """Send one message (or a voice message, as heard); get the bot's replies."""
        self._sent += 1
        incoming = Incoming(
            platform=PLATFORM,
            chat_id=self.user_id,
            user_id=self.user_id,
            text=text,
            media="voice" if heard is not None else None,
            heard=heard,
            message_key=f"{PLATFORM}:{self.user_id}:{self._session}:{self._sent}",
            display_name=self._display_name,
        )
        return self._engine.handle(incoming)

    def say(self, text: str) -> str:
        """Send one message; get the bot's answer as the terminal shows it."""
        return "\n\n".join(render(r) for r in self.send(text))

    def speak(self, heard: Heard) -> str:
        """Send a voice message the speech engine heard so; get the bot's answer."""
        return "\n\n".join(render(r) for r in self.send(None, heard=heard))

    def script(self, lines: Iterable[str]) -> Iterable[str]:
        """Each input line is one message; yields each answer, until a line says to leave."""
        for line in lines:
            line = line.rstrip("\n")
            if is_leaving(line):
                return
            if line.strip():
                yield self.say(line)
