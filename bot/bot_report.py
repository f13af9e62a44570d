"""Each Zalo bot's month at a glance: messages against the plan, users, what waits.

Users are two figures: the members linked through the bot (what `max_users` is checked
against when someone joins) and everyone who wrote to it this month, joined or not (what
Zalo likely counts towards its users). Messages are what the bot sent, and with
`count_incoming` what it received too (whether Zalo counts those is unconfirmed).

Shown by `gotungnha zalo usage` and on the officer's dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.config import Config
from storage import bot_usage, outbox
from storage.bot_usage import month_of

KINDS = ("reply", "deadline_reminder", "deadline_workbook", "weekly_tally", "nudge")
OTHER = "other"


@dataclass(frozen=True)
class BotMonth:
    """One bot's figures for the month."""

    name: str  # "" for the [zalo] table's own bot
    label: str
    month: str  # YYYY-MM
    sent: int  # every message counted against the plan (received ones with count_incoming)
    limit: int  # 0: not set
    by_kind: dict[str, int] = field(default_factory=dict)
    users: int = 0  # members linked through it: what max_users is checked against
    max_users: int = 0  # 0: not set
    senders: int = 0  # people who wrote to it this month, joined or not
    count_incoming: bool = False  # received messages count against the limit too
    waiting: int = 0
    skipped_for_quota: int = 0
    paused_since: datetime | None = None

    @property
    def percent(self) -> int | None:
        """Share of the monthly limit used, or None without a limit."""
        return round(100 * self.sent / self.limit) if self.limit else None

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of `gotungnha zalo usage --json`."""
        return {
            "bot": self.name,
            "label": self.label,
            "month": self.month,
            "sent": self.sent,
            "limit": self.limit or None,
            "by_kind": self.by_kind,
            "users": self.users,
            "max_users": self.max_users or None,
            "senders": self.senders,
            "count_incoming": self.count_incoming,
            "waiting": self.waiting,
            "skipped_for_quota": self.skipped_for_quota,
            "paused_since": self.paused_since.isoformat() if self.paused_since else None,
        }


def zalo_months(
    session: Session, config: Config, *, now: datetime, month: str | None = None
) -> list[BotMonth]:
    """Every configured Zalo bot's month so far (and bots still in the data, if dropped); or
    its whole `month` (YYYY-MM) gone by, where what waits and pauses is today's and not shown,
    and the members linked are today's."""
    zone: ZoneInfo = config.zone
    current = month_of(now, zone)
    month = month or current
    usage = {
        bot: kinds
        for (platform, bot), kinds in bot_usage.month_usage(session, month).items()
        if platform == "zalo"
    }
    users = bot_usage.users_per_bot(session, "zalo")
    senders = bot_usage.senders_per_bot(session, "zalo", month)
    first_day = datetime.strptime(month, "%Y-%m").replace(tzinfo=zone)
    next_first = (first_day + timedelta(days=32)).replace(day=1)
    skipped = outbox.quota_skips(session, first_day, next_first)
    this_month = month == current
    waiting = outbox.waiting_counts(session) if this_month else {}
    paused = bot_usage.pauses(session) if this_month else {}
    configured = {bot.name: bot for bot in config.zalo.all_bots}
    names = list(configured) + sorted((set(usage) | set(users)) - set(configured))
    months = []
    for name in names:
        bot = configured.get(name)
        kinds = dict(usage.get(name, {}))
        key = ("zalo", name)
        months.append(
            BotMonth(
                name=name,
                label=bot.label if bot else name or "Bot Zalo",
                month=month,
                sent=sum(kinds.values()),
                limit=bot.monthly_messages if bot else 0,
                by_kind=kinds,
                users=users.get(name, 0),
                max_users=bot.max_users if bot else 0,
                senders=senders.get(name, 0),
                count_incoming=bot.count_incoming if bot else False,
                waiting=waiting.get(key, 0),
                skipped_for_quota=skipped.get(key, 0),
                paused_since=paused[key].since.astimezone(zone) if key in paused else None,
            )
        )
    return months
