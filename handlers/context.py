"""What a feature function gets: the message, the person, their conversation, the time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handlers.catalogue import Catalogue
from handlers.messages import Incoming
from storage.models import Member, Role
from storage.uow import UnitOfWork

RANK = {None: 0, Role.UNIT: 1, Role.MEMBER: 2, Role.LEADER: 3, Role.OFFICER: 4, Role.CITY: 5}


@dataclass(frozen=True)
class BotSeat:
    """One of a platform's bots as joining sees it: its name, and how many it may serve."""

    label: str
    max_users: int = 0  # 0: no limit
    # what people send it counts towards its monthly messages too (the platform may count it)
    count_incoming: bool = False


@dataclass(frozen=True)
class Settings:
    """The handlers' share of the configuration."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    invite_days: int = 30
    undo_hours: int = 24
    exports_dir: Path = Path("data/exports")  # workbooks made for /xuat and at deadlines
    link_copies: Path | None = None  # copies behind download links; None: no links made
    backup_days: int = 14  # [backup] keep_days: how long a backup keeps what was erased since
    web_url: str = ""  # the public address of the web dashboard; empty: /web is off
    bots: Mapping[tuple[str, str], BotSeat] = field(default_factory=dict)  # (platform, name)
    # the deployment's key for the hashes that stand for chat accounts and message keys
    key: bytes = b""
    voice: bool = False  # voice messages are heard (the extra installed and turned on)
    keep_photos: bool = False  # [privacy] keep_photos: photo files kept, not only references


@dataclass
class Conversation:
    """Where this person is in a conversation; stored in the database between messages."""

    step: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # the choices last shown: [value, folded label, *folded aliases]; by number when `numbered`
    options: list[list[str]] = field(default_factory=list)
    numbered: bool = True
    # what this person was already told, by topic: the day it was said (kept across steps)
    told: dict[str, str] = field(default_factory=dict)

    def start(self, step: str, **data: Any) -> None:
        """Begin a step that waits for the person's next message."""
        self.step, self.data = step, dict(data)

    def clear(self) -> None:
        """Nothing pending any more."""
        self.step, self.data, self.options, self.numbered = None, {}, [], True


@dataclass
class Context:
    """One incoming message being handled, inside one unit of work."""

    incoming: Incoming
    uow: UnitOfWork
    member: Member | None
    conversation: Conversation
    catalogue: Catalogue
    settings: Settings
    now: datetime  # timezone-aware UTC
    route: str = "none"  # what handled the message, for the log line
    state_row: object | None = field(default=None, repr=False)  # the stored step, kept loaded

    @property
    def today(self) -> date:
        """The local date (Asia/Ho_Chi_Minh)."""
        return self.now.astimezone(self.settings.timezone).date()

    @property
    def week_start(self) -> date:
        """Monday of this week."""
        return self.today - timedelta(days=self.today.weekday())

    def has_role(self, role: Role | None) -> bool:
        """True when the person may do what `role` may do."""
        mine = Role(self.member.role) if self.member else None
        return RANK[mine] >= RANK[role]

    @property
    def member_id(self) -> int:
        """The id of the member writing (only for routes that require membership)."""
        assert self.member is not None and self.member.id is not None
        return self.member.id
