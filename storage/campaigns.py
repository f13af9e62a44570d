"""Campaigns (chiến dịch): adding, ending and removing them, and what they count. Never commits.

A campaign's figure is the sum of the counts of its services in the logs not undone whose
day is from its first to its last day (both included), by the log's team and that team's
ward: exactly as the ward's workbook sums a service (storage.exports). A target per ward is
each ward's; a target per team is each team's of a residential group (the teams ranked and
expected to report; the ward's own team counts in its ward's figure, with no target).

Usage:
    found = progress_in_period(session, start=date(2026, 10, 1), end=date(2026, 12, 31))
    for each in found:                 # every campaign overlapping those days
        each.campaign.name, each.until  # counted from its first day through `until`
        for ward in each.wards.values():
            ward.count, ward.target, ward.teams_reached, ward.teams  # team id -> count
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.logs import service_ids
from storage.models import Campaign, SupportLog, SupportLogItem, TargetPer, Team, Ward, WardKind


@dataclass(frozen=True)
class WardProgress:
    """A campaign's figures in one ward."""

    ward_id: int
    count: int  # every team of the ward, its own team included
    target: int  # per ward: the campaign's; per team: the campaign's for each targeted team
    teams: dict[int, int] = field(default_factory=dict)  # every team of the ward -> its count
    targeted: tuple[int, ...] = ()  # per team: the teams a target is for (residential groups')
    team_target: int | None = None  # per team: each targeted team's target

    @property
    def teams_reached(self) -> int:
        """Per team: how many targeted teams have reached their target (per ward: 0)."""
        if self.team_target is None:
            return 0
        return sum(1 for t in self.targeted if self.teams.get(t, 0) >= self.team_target)


@dataclass(frozen=True)
class Progress:
    """A campaign's figures from its first day through `until`, in each ward it covers."""

    campaign: Campaign
    until: date
    wards: dict[int, WardProgress] = field(default_factory=dict)


def add_campaign(
    session: Session,
    *,
    name: str,
    services: Sequence[str],
    first_day: date,
    last_day: date,
    target: int,
    per: TargetPer,
    ward_id: int | None,
    now: datetime,
    created_by: str = "cli",
) -> Campaign:
    """A new campaign of one ward, or of every ward (`ward_id` None)."""
    campaign = Campaign(
        name=name,
        services=list(services),
        first_day=first_day,
        last_day=last_day,
        target=target,
        per=per,
        ward_id=ward_id,
        created_at=now,
        created_by=created_by,
    )
    session.add(campaign)
    session.flush()
    return campaign


def get(session: Session, campaign_id: int) -> Campaign | None:
    """A campaign by its number."""
    return session.get(Campaign, campaign_id)


def all_campaigns(session: Session) -> list[Campaign]:
    """Every campaign, soonest first."""
    stmt = select(Campaign).order_by(col(Campaign.first_day), col(Campaign.id))
    return list(session.exec(stmt))


def covers(campaign: Campaign, ward_id: int) -> bool:
    """Whether a campaign is the ward's: the city's (every ward) or its own."""
    return campaign.ward_id is None or campaign.ward_id == ward_id


def of_ward(session: Session, ward_id: int, *, start: date, end: date) -> list[Campaign]:
    """The ward's campaigns (the city's and its own) with a day from `start` to `end`."""
    stmt = (
        select(Campaign)
        .where(
            col(Campaign.ward_id).is_(None) | (col(Campaign.ward_id) == ward_id),
            col(Campaign.first_day) <= end,
            col(Campaign.last_day) >= start,
        )
        .order_by(col(Campaign.first_day), col(Campaign.id))
    )
    return list(session.exec(stmt))


def end_on(session: Session, campaign: Campaign, day: date) -> None:
    """End a campaign early: `day` becomes its last day."""
    campaign.last_day = day
    session.add(campaign)


def remove(session: Session, campaign: Campaign) -> None:
    """Remove a campaign (one typed wrong): its figures were only ever sums of the logs."""
    session.delete(campaign)


def progress(
    session: Session,
    campaign: Campaign,
    *,
    until: date | None = None,
    ward_ids: Iterable[int] | None = None,
) -> Progress:
    """A campaign's figures from its first day through its last day, or through `until`
    when that is earlier, in every ward it covers (or those of `ward_ids` among them)."""
    last = campaign.last_day if until is None else min(campaign.last_day, until)
    wards = _wards(session, campaign, ward_ids)
    teams = list(session.exec(select(Team).where(col(Team.ward_id).in_(wards))))
    counts = _sums(session, campaign, wards, last) if wards and last >= campaign.first_day else {}
    per_team = campaign.per == TargetPer.TEAM
    found = {}
    for ward_id in wards:
        mine = [t for t in teams if t.ward_id == ward_id and t.id is not None]
        figures = {t.id: counts.get(t.id, 0) for t in mine if t.id is not None}
        targeted = tuple(t.id for t in mine if t.id is not None and t.residential_group_id)
        found[ward_id] = WardProgress(
            ward_id,
            sum(figures.values()),
            campaign.target * len(targeted) if per_team else campaign.target,
            figures,
            targeted if per_team else (),
            campaign.target if per_team else None,
        )
    return Progress(campaign, last, found)


def progress_in_period(
    session: Session, *, start: date, end: date, ward_id: int | None = None
) -> list[Progress]:
    """Every campaign with a day from `start` to `end` (of one ward: the city's and its
    own), each counted from its first day through `end` (or its last day, if earlier), in
    each ward it covers (or that ward only): the ward's workbook and the city's read this."""
    if ward_id is not None:
        found = of_ward(session, ward_id, start=start, end=end)
        return [progress(session, c, until=end, ward_ids=[ward_id]) for c in found]
    return [
        progress(session, c, until=end)
        for c in all_campaigns(session)
        if c.first_day <= end and c.last_day >= start
    ]


def _wards(session: Session, campaign: Campaign, ward_ids: Iterable[int] | None) -> list[int]:
    """The wards a campaign covers, in order (within `ward_ids` when given)."""
    if campaign.ward_id is not None:
        every = [campaign.ward_id]
    else:
        wards = select(Ward.id).where(Ward.kind == WardKind.WARD).order_by(col(Ward.id))
        every = [w for w in session.exec(wards) if w is not None]  # never the city's office
    if ward_ids is None:
        return every
    wanted = set(ward_ids)
    return [w for w in every if w in wanted]


def _sums(session: Session, campaign: Campaign, wards: list[int], last: date) -> dict[int, int]:
    """team id -> the sum of the campaign's services in its live logs through `last`."""
    ids = service_ids(session)
    services = [ids[code] for code in campaign.services if code in ids]
    if not services:
        return {}
    stmt = (
        select(SupportLog.team_id, func.sum(SupportLogItem.count))
        .join(SupportLog, col(SupportLog.id) == col(SupportLogItem.log_id))
        .join(Team, col(Team.id) == col(SupportLog.team_id))
        .where(
            col(Team.ward_id).in_(wards),
            col(SupportLogItem.service_id).in_(services),
            col(SupportLog.deleted_at).is_(None),
            col(SupportLog.day) >= campaign.first_day,
            col(SupportLog.day) <= last,
        )
        .group_by(col(SupportLog.team_id))
    )
    return {team_id: int(n or 0) for team_id, n in session.exec(stmt)}
