"""What comes in from a chat and what goes back, with no platform in sight."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Heard:
    """What a voice message said, as the speech engine heard it: words, never the sound."""

    text: str = ""
    seconds: float = 0.0
    limit: int = 0  # the longest voice message heard, in seconds
    # why nothing could be heard: too_long, too_quiet, unreadable, busy, failed
    problem: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One message, button press or photo from a person in a chat."""

    platform: str
    chat_id: str
    user_id: str
    text: str | None = None
    choice: str | None = None  # the value of a pressed button
    photo: str | None = None  # the platform's file id
    message_key: str | None = None  # unique per platform message: a redelivery repeats it
    is_group: bool = False
    display_name: str | None = None
    chat_title: str | None = None  # a group's name
    contact_phone: str | None = None  # a shared contact card's number
    contact_is_own: bool = False  # the contact card is the sender's own
    media: str | None = None  # what came instead of text or a photo: voice / sticker / other
    bot: str = ""  # which of the platform's bots it came through ("": the only one)
    # how members reach the bot in this group: "all" (it reads everything), "reply" (only
    # commands and replies to it reach it), "mention" (only messages that mention it)
    group_reach: str | None = None
    bot_mention: str | None = None  # what members type to mention the bot, e.g. "@tro_ly_bot"
    # how the bot gets into a group: None, added like a person; "invite", through an invite
    # its owner sends and the group's owner confirms; "unavailable", the platform lets this
    # bot into no group now (tallies and reminders then go to leaders privately)
    group_join: str | None = None
    # the personal numbers blanked out of `text`, as shown to the member ("09******78")
    scrubbed: tuple[str, ...] = ()
    heard: Heard | None = None  # a voice message, transcribed by the bot's own speech engine
    # a redelivery (a message_key handled before) gets no answer at all, not its first answer
    # again: for a platform that hands messages back on its own and counts every answer
    silent_redelivery: bool = False


@dataclass(frozen=True)
class Choice:
    """One option: a button on Telegram, a numbered line elsewhere."""

    label: str
    value: str
    aliases: tuple[str, ...] = ()  # other words that answer it when typed ("có" for Đồng ý)


@dataclass(frozen=True)
class Document:
    """A file to hand over (a workbook)."""

    filename: str
    path: str


@dataclass(frozen=True)
class Photo:
    """A picture to show (a chart)."""

    path: str
    caption: str | None = None


@dataclass(frozen=True)
class Reply:
    """One message back to the person who wrote."""

    text: str
    choices: tuple[Choice, ...] = ()
    numbered: bool = True  # False where a typed number is an answer (a count), not a choice
    ask_phone: bool = False  # offer the platform's "share my phone number" button, if any
    document: Document | None = None
    photo: Photo | None = None
    evidence: str | None = None  # a photo's file id just stored as evidence of a log
    # the commands menu this private chat should now show: a role's ("leader", "officer",
    # "unit", "member"), or "" for the one everybody sees; None: unchanged
    menu: str | None = None
    # False: not kept for a redelivery (a login link, someone's own data): stored as a word
    # to ask again instead
    keep: bool = True

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form, kept so a redelivered message gets the same answer."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reply:
        """The reply `to_dict` stored."""
        return cls(
            text=data["text"],
            choices=tuple(
                Choice(c["label"], c["value"], tuple(c.get("aliases", ())))
                for c in data.get("choices", ())
            ),
            numbered=data.get("numbered", True),
            ask_phone=data.get("ask_phone", False),
            document=Document(**data["document"]) if data.get("document") else None,
            photo=Photo(**data["photo"]) if data.get("photo") else None,
            evidence=data.get("evidence"),
            menu=data.get("menu"),
        )
