"""The wards as the planner sees them, read from the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from handlers import texts
from schedules.planner import (
    CampaignView,
    Chat,
    DeadlineView,
    MemberView,
    TeamView,
    UnitView,
    WardView,
)
from storage import campaigns, deadlines, membership, queries, units
from storage.bot_usage import BotKey
from storage.identities import unnamed_bot
from storage.models import (
    ChatIdentity,
    DeadlineSubmission,
    GroupChat,
    Member,
    Role,
    SupportLog,
    Team,
)


def ward_views(session: Session, *, zone: ZoneInfo, bots: Iterable[BotKey] = ()) -> list[WardView]:
    """Every ward with its deadlines, teams, joined leaders, linked groups, submissions.

    Each chat is reached through the bot it was linked through; `bots` (the deployment's,
    in config order) say which bot the chats of the unnamed bot of before belong to.
    """
    unnamed = {platform: unnamed_bot(bots, platform) for platform, _name in bots}
    groups: dict[tuple[int, int | None], list[Chat]] = defaultdict(list)
    for group in session.exec(select(GroupChat).order_by(col(GroupChat.id))):
        title = group.title or group.chat_id
        platform = texts.PLATFORM_NAMES.get(group.platform, group.platform)
        label = texts.PREVIEW_GROUP.format(title=title, platform=platform)
        groups[(group.ward_id, group.team_id)].append(
            Chat(group.platform, group.chat_id, label, _bot(group.platform, group.bot, unnamed))
        )
    leaders: dict[int, list[Chat]] = defaultdict(list)  # team id -> leaders' private chats
    officers: dict[int, list[Chat]] = defaultdict(list)  # ward id -> officers' private chats
    stmt = (
        select(Member, ChatIdentity, Team.ward_id)
        .join(ChatIdentity, col(ChatIdentity.member_id) == col(Member.id))
        .join(Team, col(Team.id) == col(Member.team_id))
        .where(col(Member.role).in_([Role.LEADER, Role.OFFICER]), col(Member.erased_at).is_(None))
        .order_by(col(Member.name), col(ChatIdentity.id))
    )
    for member, identity, ward_id in session.exec(stmt):
        # a private chat's id is the user's id on both platforms
        platform = texts.PLATFORM_NAMES.get(identity.platform, identity.platform)
        bot = _bot(identity.platform, identity.bot, unnamed)
        if member.role == Role.OFFICER:
            label = texts.PREVIEW_OFFICER.format(name=member.name, platform=platform)
            officers[ward_id].append(Chat(identity.platform, identity.user_id, label, bot))
            continue
        label = texts.PREVIEW_LEADER.format(name=member.name, platform=platform)
        leaders[member.team_id].append(Chat(identity.platform, identity.user_id, label, bot))
    submitted: dict[tuple[int, str], set[int]] = defaultdict(set)
    for row in session.exec(select(DeadlineSubmission)):
        submitted[(row.deadline_id, row.period)].add(row.team_id)
    every_campaign = campaigns.all_campaigns(session)
    office = queries.city_office(session)
    city_deadlines = tuple(
        DeadlineView(d.id, d.name, d.repeat, d.before, tuple(d.lead_days), d.audience)
        for d in (deadlines.city_deadlines(session, office.id) if office and office.id else [])
        if d.id is not None
    )
    views = []
    for ward in queries.wards(session):
        assert ward.id is not None
        teams = tuple(
            TeamView(team.id, team.name, tuple(leaders[team.id]), tuple(groups[(ward.id, team.id)]))
            for team in queries.teams_of_ward(session, ward.id)
            if team.id is not None
        )
        ward_deadlines = tuple(
            DeadlineView(d.id, d.name, d.repeat, d.before, tuple(d.lead_days), d.audience)
            for d in deadlines.deadlines_of_ward(session, ward.id)
            if d.id is not None
        )
        views.append(
            WardView(
                ward.id,
                ward.name,
                ward_deadlines,
                teams,
                tuple(groups[(ward.id, None)]),
                {key: frozenset(teams_done) for key, teams_done in submitted.items()},
                quiet_candidates(session, ward.id, zone=zone, unnamed=unnamed),
                tuple(officers[ward.id]),
                unit_views(session, ward.id, unnamed=unnamed),
                tuple(
                    CampaignView(c.id, c.first_day, c.last_day, c.created_at)
                    for c in every_campaign
                    if c.id is not None and campaigns.covers(c, ward.id)
                ),
                city_deadlines,
            )
        )
    return views


def _bot(platform: str, bot: str, unnamed: Mapping[str, str]) -> str:
    """The bot a chat is reached through: its own, or for one of the unnamed bot, the bot
    that stands for it (storage.identities.unnamed_bot)."""
    return bot or unnamed.get(platform, "")


def unit_views(
    session: Session, ward_id: int, *, unnamed: Mapping[str, str] | None = None
) -> tuple[UnitView, ...]:
    """A ward's units with their joined representative's private chats."""
    views = []
    for row in units.units_of_ward(session, ward_id):
        assert row.unit.id is not None
        chats: tuple[Chat, ...] = ()
        rep = row.representative
        if rep is not None and rep.id is not None and rep.erased_at is None:
            chats = tuple(
                Chat(
                    i.platform,
                    i.user_id,
                    texts.PREVIEW_UNIT.format(
                        name=rep.name,
                        unit=row.unit.name,
                        platform=texts.PLATFORM_NAMES.get(i.platform, i.platform),
                    ),
                    _bot(i.platform, i.bot, unnamed or {}),
                )
                for i in queries.identities_of(session, rep.id)
            )
        views.append(UnitView(row.unit.id, row.unit.name, chats, row.models > 0))
    return tuple(views)


def quiet_candidates(
    session: Session, ward_id: int, *, zone: ZoneInfo, unnamed: Mapping[str, str] | None = None
) -> tuple[MemberView, ...]:
    """Joined members of a ward's teams (storage.membership) who take nudges, with their
    last active day."""
    last_log = (
        select(SupportLog.member_id, func.max(SupportLog.day).label("last_day"))
        .where(col(SupportLog.deleted_at).is_(None))
        .group_by(col(SupportLog.member_id))
        .subquery()
    )
    stmt = (
        select(Member, ChatIdentity, last_log.c.last_day)
        .join(Team, col(Team.id) == col(Member.team_id))
        .join(ChatIdentity, col(ChatIdentity.member_id) == col(Member.id))
        .outerjoin(last_log, last_log.c.member_id == col(Member.id))
        .where(Team.ward_id == ward_id, col(Member.nudges).is_(True), *membership.joined())
        .order_by(col(Member.id), col(ChatIdentity.id))
    )
    chats: dict[int, list[Chat]] = defaultdict(list)
    found: dict[int, tuple[str, date]] = {}
    for member, identity, last_day in session.exec(stmt):
        assert member.id is not None and member.consent_at is not None
        joined = member.consent_at.astimezone(zone).date()
        found[member.id] = (member.name, max(d for d in (last_day, joined) if d is not None))
        bot = _bot(identity.platform, identity.bot, unnamed or {})
        chats[member.id].append(Chat(identity.platform, identity.user_id, member.name, bot))
    return tuple(
        MemberView(member_id, name, tuple(chats[member_id]), last)
        for member_id, (name, last) in found.items()
    )
