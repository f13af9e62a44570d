"""What is due when: deadline reminders and weekly tallies for a window (pure, no I/O).

Reminders go at 08:00 local time on each lead day of a deadline's last day, privately to
every joined leader of a team that has not marked the period submitted, and to that
team's linked group chats; of a city's deadline, privately to every joined officer of a
ward that has not sent the city its report. Weekly tallies go on Mondays at 08:00 to
every linked group; a team with no linked group (a bot the platform lets into no group,
or none linked yet) gets its tally in each joined leader's private chat instead. A
campaign is told to the officers of each ward it covers twice, privately: its launch (at
the first tick once it is made and has begun) and a mid-way summary (08:00 on its middle
day).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedules.rules import Repeat, Rule, reminder_days

SEND_AT = time(8, 0)
NUDGE_AT = time(9, 0)
WORKBOOK_AT = time(17, 0)  # on a deadline's last day: the period's workbook, unasked
NUDGE_AFTER_DAYS = 7


@dataclass(frozen=True)
class Chat:
    """Somewhere a message can go: a person's private chat or a group."""

    platform: str
    chat_id: str
    label: str  # who or what it is, for people reading a preview
    bot: str = ""  # the platform's bot that reaches it ("": the only one)

    @property
    def bot_key(self) -> tuple[str, str]:
        return (self.platform, self.bot)


@dataclass(frozen=True)
class TeamView:
    team_id: int
    name: str
    leaders: tuple[Chat, ...] = ()
    groups: tuple[Chat, ...] = ()


@dataclass(frozen=True)
class DeadlineView:
    deadline_id: int
    name: str
    repeat: str
    before: date
    lead_days: tuple[int, ...]
    audience: str = "teams"  # teams (/danop) or units (a model registration)


@dataclass(frozen=True)
class UnitView:
    """A unit of the ward: its representative's private chats, registered yet or not."""

    unit_id: int
    name: str
    chats: tuple[Chat, ...]
    registered: bool


@dataclass(frozen=True)
class MemberView:
    """A joined member who takes nudges, with the day they were last active."""

    member_id: int
    name: str
    chats: tuple[Chat, ...]
    last_active: date


@dataclass(frozen=True)
class CampaignView:
    """A campaign of the ward (the city's or its own): its days, and when it was made."""

    campaign_id: int
    first_day: date
    last_day: date
    created_at: datetime


@dataclass(frozen=True)
class WardView:
    """A ward as the planner needs it: its deadlines, teams, ward groups, submissions."""

    ward_id: int
    name: str
    deadlines: tuple[DeadlineView, ...] = ()
    teams: tuple[TeamView, ...] = ()
    groups: tuple[Chat, ...] = ()
    submitted: dict[tuple[int, str], frozenset[int]] = field(default_factory=dict)
    members: tuple[MemberView, ...] = ()
    officers: tuple[Chat, ...] = ()  # the ward officers' private chats
    units: tuple[UnitView, ...] = ()
    campaigns: tuple[CampaignView, ...] = ()
    # the city's deadlines every ward reports to it by (the same for each ward)
    city_deadlines: tuple[DeadlineView, ...] = ()


@dataclass(frozen=True)
class Notice:
    """What the officers must hear: a bot out of quota or full, a daily backup that failed."""

    kind: str  # bot_paused | bot_full | backup_failed
    platform: str
    bot: str
    label: str  # the bot as people know it
    at: datetime
    occasion: str  # what makes it once: when the pause began, the day it was full


@dataclass(frozen=True)
class PlannedSend:
    """One message the bot will start itself."""

    at: datetime
    kind: str  # deadline_reminder | deadline_workbook | weekly_tally | nudge
    chat: Chat
    key: str  # unique per occasion and chat: what makes a send happen once
    deadline: str | None = None
    last_day: date | None = None
    period: str | None = None
    team_id: int | None = None
    ward_id: int | None = None
    person: str | None = None  # the member a nudge is for
    repeat: str | None = None  # a workbook's deadline: once / yearly / quarterly
    unit: str | None = None  # the unit a reminder to register a model is for
    # what a notice to the officers is about: a bot, or when a backup failed
    bot_label: str | None = None
    private: bool = False  # a tally to a leader's own chat: the team has no linked group
    campaign_id: int | None = None  # what a campaign's launch or mid-way notice is about
    to_city: bool = False  # a reminder of the ward's own report to the city

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of `gotungnha schedule preview --json`."""
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "deadline": self.deadline,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "target": self.chat.label,
            "platform": self.chat.platform,
            "key": self.key,
        }


def plan(
    wards: list[WardView],
    *,
    start: date,
    end: date,
    zone: ZoneInfo,
    notices: tuple[Notice, ...] = (),
) -> list[PlannedSend]:
    """Every send due from `start` to `end` (local days, both included), in time order."""
    sends: list[PlannedSend] = []
    for ward in wards:
        sends += _reminders(ward, start, end, zone)
        sends += _city_reminders(ward, start, end, zone)
        sends += _workbooks(ward, start, end, zone)
        sends += _tallies(ward, start, end, zone)
        sends += _nudges(ward, start, end, zone)
        sends += _notices(ward, notices, start, end, zone)
        sends += _campaigns(ward, start, end, zone)
    return sorted(sends, key=lambda s: (s.at, s.kind, s.key))


def _notices(
    ward: WardView, notices: tuple[Notice, ...], start: date, end: date, zone: ZoneInfo
) -> list[PlannedSend]:
    """Each notice once to every officer (about a paused bot: through any other chat)."""
    return [
        PlannedSend(
            notice.at,
            notice.kind,
            chat,
            _key("notice", notice.kind, notice.platform, notice.bot, notice.occasion, chat),
            ward_id=ward.ward_id,
            bot_label=notice.label,
        )
        for notice in notices
        if start <= notice.at.astimezone(zone).date() <= end
        for chat in ward.officers
        if notice.kind != "bot_paused" or chat.bot_key != (notice.platform, notice.bot)
    ]


def _campaigns(ward: WardView, start: date, end: date, zone: ZoneInfo) -> list[PlannedSend]:
    """Each campaign to each officer, once at its launch (the first tick once it is made and
    has begun: 08:00 on its first day if made before) and once mid-way (08:00 on its middle
    day, unless it was made after that or lasts under three days). The keys name neither
    day: a campaign ended early is not told again."""
    sends = []
    for campaign in ward.campaigns:
        made = campaign.created_at.astimezone(zone)
        launch = max(made, _at(campaign.first_day, zone))
        half = (campaign.last_day - campaign.first_day).days // 2
        middle = campaign.first_day + timedelta(days=half)
        occasions = []
        if made.date() <= campaign.last_day and start <= launch.date() <= end:
            occasions.append(("campaign_launch", launch))
        if half and made < _at(middle, zone) and start <= middle <= end:
            occasions.append(("campaign_midway", _at(middle, zone)))
        for kind, at in occasions:
            for chat in ward.officers:
                key = _key(kind, campaign.campaign_id, chat)
                sends.append(
                    PlannedSend(
                        at, kind, chat, key, ward_id=ward.ward_id, campaign_id=campaign.campaign_id
                    )
                )
    return sends


def _key(*parts: object) -> str:
    """The occasion's unique key; a chat counts as its platform and id."""
    flat = [f"{p.platform}:{p.chat_id}" if isinstance(p, Chat) else str(p) for p in parts]
    return ":".join(flat)


def _at(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, SEND_AT, zone)


def _reminder_days(
    deadline: DeadlineView, start: date, end: date
) -> Iterator[tuple[str, date, date]]:
    """(period, its last day, a day to remind on) for each reminder of `deadline` from
    `start` to `end`: a period ending after `end` is reminded of before it ends."""
    rule = Rule(Repeat(deadline.repeat), deadline.before)
    longest = max(deadline.lead_days, default=0)
    for period, last_day in rule.last_days(start, end + timedelta(days=longest)):
        for day in reminder_days(last_day, deadline.lead_days):
            if start <= day <= end:
                yield period, last_day, day


def _reminder(
    deadline: DeadlineView,
    period: str,
    last_day: date,
    day: date,
    chat: Chat,
    zone: ZoneInfo,
    *,
    ward_id: int,
    team_id: int | None = None,
    unit: str | None = None,
    to_city: bool = False,
) -> PlannedSend:
    """A reminder of `deadline` to `chat` on `day`, for a team, a unit or the ward's report
    to the city."""
    return PlannedSend(
        _at(day, zone),
        "deadline_reminder",
        chat,
        _key("reminder", deadline.deadline_id, period, day, chat),
        deadline.name,
        last_day,
        period,
        team_id,
        ward_id,
        unit=unit,
        to_city=to_city,
    )


def _reminders(ward: WardView, start: date, end: date, zone: ZoneInfo) -> list[PlannedSend]:
    """A team's deadline: each leader and group of a team that has not sent /danop; a
    registration deadline: each unit that has not registered a model."""
    sends = []
    for deadline in ward.deadlines:
        for period, last_day, day in _reminder_days(deadline, start, end):
            to: list[tuple[Chat, int | None, str | None]]  # each reminder's chat, team, unit
            if deadline.audience == "units":
                to = [
                    (chat, None, unit.name)
                    for unit in ward.units
                    if not unit.registered
                    for chat in unit.chats
                ]
            else:
                done = ward.submitted.get((deadline.deadline_id, period), frozenset())
                to = [
                    (chat, team.team_id, None)
                    for team in ward.teams
                    if team.team_id not in done
                    for chat in (*team.leaders, *team.groups)
                ]
            sends += [
                _reminder(
                    deadline,
                    period,
                    last_day,
                    day,
                    chat,
                    zone,
                    ward_id=ward.ward_id,
                    team_id=team_id,
                    unit=unit,
                )
                for chat, team_id, unit in to
            ]
    return sends


def _city_reminders(ward: WardView, start: date, end: date, zone: ZoneInfo) -> list[PlannedSend]:
    """A city's deadline: each officer of a ward that has not sent the city its report,
    privately (a ward's report is marked by any of its teams: its own, through /danop)."""
    teams = {team.team_id for team in ward.teams}
    return [
        _reminder(deadline, period, last_day, day, chat, zone, ward_id=ward.ward_id, to_city=True)
        for deadline in ward.city_deadlines
        for period, last_day, day in _reminder_days(deadline, start, end)
        if not teams & ward.submitted.get((deadline.deadline_id, period), frozenset())
        for chat in ward.officers
    ]


def _workbooks(ward: WardView, start: date, end: date, zone: ZoneInfo) -> list[PlannedSend]:
    """At 17:00 on a report's last day: the ward's workbook to each officer, privately,
    and each team's to its leaders (unless the team has already submitted).

    Only recurring reports (quarterly, yearly) bring one: a one-off deadline is often not
    a report of figures (model registration), and /xuat is there when it is.
    """
    sends = []
    for deadline in ward.deadlines:
        if deadline.repeat == Repeat.ONCE or deadline.audience == "units":
            continue
        rule = Rule(Repeat(deadline.repeat), deadline.before)
        for period, last_day in rule.last_days(start, end):
            at = datetime.combine(last_day, WORKBOOK_AT, zone)
            done = ward.submitted.get((deadline.deadline_id, period), frozenset())
            targets: list[tuple[Chat, int | None]] = [(chat, None) for chat in ward.officers]
            targets += [
                (chat, team.team_id)
                for team in ward.teams
                if team.team_id not in done
                for chat in team.leaders
            ]
            for chat, team_id in targets:
                key = _key("workbook", deadline.deadline_id, period, chat)
                sends.append(
                    PlannedSend(
                        at,
                        "deadline_workbook",
                        chat,
                        key,
                        deadline.name,
                        last_day,
                        period,
                        team_id,
                        ward.ward_id,
                        repeat=deadline.repeat,
                    )
                )
    return sends


def _nudges(ward: WardView, start: date, end: date, zone: ZoneInfo) -> list[PlannedSend]:
    """One friendly word to a member quiet for 7 days (once per quiet stretch)."""
    sends = []
    for member in ward.members:
        day = member.last_active + timedelta(days=NUDGE_AFTER_DAYS)
        if start <= day <= end:
            for chat in member.chats:
                key = _key("nudge", member.member_id, member.last_active, chat)
                sends.append(
                    PlannedSend(
                        datetime.combine(day, NUDGE_AT, zone),
                        "nudge",
                        chat,
                        key,
                        ward_id=ward.ward_id,
                        person=member.name,
                    )
                )
    return sends


def _tallies(ward: WardView, start: date, end: date, zone: ZoneInfo) -> list[PlannedSend]:
    sends = []
    monday = start + timedelta(days=(7 - start.weekday()) % 7)
    while monday <= end:
        week = f"{monday - timedelta(days=7)}"  # the tally is about the week before
        for team in ward.teams:
            for chat in team.groups or team.leaders:
                key = _key("tally", week, chat)
                sends.append(
                    PlannedSend(
                        _at(monday, zone),
                        "weekly_tally",
                        chat,
                        key,
                        period=week,
                        team_id=team.team_id,
                        ward_id=ward.ward_id,
                        private=not team.groups,
                    )
                )
        for chat in ward.groups:
            key = _key("tally", week, chat)
            sends.append(
                PlannedSend(
                    _at(monday, zone), "weekly_tally", chat, key, period=week, ward_id=ward.ward_id
                )
            )
        monday += timedelta(days=7)
    return sends
