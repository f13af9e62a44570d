"""Which scheduled sends go now, wait for a bot the platform paused, or are skipped to keep
a bot within its monthly quota.

A bot with a monthly limit (Zalo's plans count every message) keeps the last tenth of it for
answering members. Near the limit, scheduled sends stop least needed first, so the order
holds across the month and not only within one tick: nudges go until 80 % of the month's
messages are used, weekly tallies until 85 %, deadline reminders, the deadline workbooks
and notices to the officers until 90 %; within a tick the most needed go first. What does
not fit is recorded as skipped for the quota. A bot that was refused for its quota sends
nothing scheduled until it works again: its sends wait in the outbox, and every half hour
one of them tries whether the quota is back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from schedules.planner import PlannedSend

BotKey = tuple[str, str]
SCHEDULED_SHARE = 0.9  # the rest of a bot's monthly messages is for replies to members
SHARES = {"nudge": 0.8, "weekly_tally": 0.85}  # kinds that stop earlier; the rest at 90 %
PROBE_EVERY = timedelta(minutes=30)
PRIORITY = {
    "bot_paused": 0,
    "bot_full": 0,
    "backup_failed": 0,
    "deadline_reminder": 1,
    "deadline_workbook": 2,
    "campaign_launch": 2,
    "campaign_midway": 2,
    "weekly_tally": 3,
    "nudge": 4,
}
WAITING_USEFUL_DAYS = {
    "weekly_tally": 6,
    "nudge": 6,
    "bot_paused": 2,
    "bot_full": 2,
    "backup_failed": 2,
}


@dataclass(frozen=True)
class BotPlan:
    """What the schedule knows of one bot: how people know it, and its plan's monthly limit."""

    label: str
    monthly_messages: int = 0  # 0: not limited


class Decision(StrEnum):
    SEND = "send"
    WAIT = "wait"  # the bot is paused: kept in the outbox as waiting
    QUOTA = "quota"  # does not fit in the bot's scheduled share this month: skipped


@dataclass
class Gate:
    """One tick's decisions, and what it learns while sending."""

    plans: Mapping[BotKey, BotPlan]
    used: Mapping[BotKey, int]  # messages each limited bot sent this month
    paused: dict[BotKey, datetime]  # paused bots, with when they were last tried
    now: datetime
    decisions: dict[str, Decision] = field(default_factory=dict)
    probes: set[str] = field(default_factory=set)

    def gated(self, bot: BotKey) -> bool:
        """Whether sends through this bot need deciding (paused, or limited)."""
        plan = self.plans.get(bot)
        return bot in self.paused or bool(plan and plan.monthly_messages)

    def decide(self, sends: Iterable[PlannedSend], finished: set[str]) -> None:
        """Decide every open send of the gated bots, most needed first. `sends` are those
        still worth sending (a send too late to go is skipped anyway and takes no room)."""
        per_bot: dict[BotKey, dict[str, PlannedSend]] = defaultdict(dict)
        for send in sends:
            if send.key not in finished and self.gated(send.chat.bot_key):
                per_bot[send.chat.bot_key][send.key] = send  # one per key
        for bot, by_key in per_bot.items():
            open_sends = sorted(
                by_key.values(), key=lambda s: (PRIORITY.get(s.kind, 9), s.at, s.key)
            )
            if bot in self.paused:
                probe = self.now - self.paused[bot] >= PROBE_EVERY
                for n, send in enumerate(open_sends):
                    self.decisions[send.key] = Decision.SEND if probe and n == 0 else Decision.WAIT
                if probe:
                    self.probes.add(open_sends[0].key)
                continue
            limit, taken = self.plans[bot].monthly_messages, self.used.get(bot, 0)
            for send in open_sends:
                share = SHARES.get(send.kind, SCHEDULED_SHARE)
                fits = taken < int(limit * share)
                taken += fits
                self.decisions[send.key] = Decision.SEND if fits else Decision.QUOTA

    def decision(self, send: PlannedSend) -> Decision:
        """Send, wait or skip; a bot paused during this tick holds its later sends."""
        decided = self.decisions.get(send.key, Decision.SEND)
        if decided is Decision.SEND and send.chat.bot_key in self.paused:
            return Decision.SEND if send.key in self.probes else Decision.WAIT
        return decided

    def out_of_quota(self, bot: BotKey) -> None:
        """The platform refused a send for the quota: the bot's other sends wait."""
        self.paused[bot] = self.now

    def works(self, bot: BotKey) -> None:
        """A send went through: the bot is not paused any more."""
        self.paused.pop(bot, None)


def still_useful(send: PlannedSend, today: date) -> bool:
    """Whether a send that waited for its bot is still worth sending today: a reminder or a
    workbook until its last day, a tally within its week, a nudge within a week, a notice
    within two days."""
    if send.kind in ("deadline_reminder", "deadline_workbook"):
        return send.last_day is not None and today <= send.last_day
    late = (today - send.at.date()).days
    return late <= WAITING_USEFUL_DAYS.get(send.kind, 2)
