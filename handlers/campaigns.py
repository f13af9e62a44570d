"""How a campaign reads in chat: its title, what it counts, and its progress in a ward or a
team (for /chiendich, the weekly tallies and the officers' launch and mid-way notices).

The figures are storage.campaigns': this module only words them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from handlers import texts
from handlers.catalogue import Catalogue
from handlers.formatting import day_text
from handlers.parsing.normalize import fold
from storage.campaigns import WardProgress
from storage.models import Campaign, TargetPer


def title(campaign: Campaign) -> str:
    """ "Chiến dịch <name>", unless its name says so already."""
    if fold(campaign.name).startswith(fold(texts.CAMPAIGN.format(name="")).strip()):
        return campaign.name
    return texts.CAMPAIGN.format(name=campaign.name)


def services(campaign: Campaign, catalogue: Catalogue) -> str:
    """The display names of what it counts, in the order they were given."""
    return ", ".join(catalogue.name(code) for code in campaign.services)


def target(campaign: Campaign) -> str:
    """ "200 lượt mỗi phường" or "50 lượt mỗi tổ"."""
    return texts.CAMPAIGN_TARGET[campaign.per].format(n=campaign.target)


def percent(done: int, goal: int) -> int:
    """How far `done` is towards `goal`, in whole percent."""
    return round(100 * done / goal) if goal else 0


def head(campaign: Campaign, catalogue: Catalogue) -> list[str]:
    """Its title with its days, then what it counts and its target."""
    return [
        texts.CAMPAIGN_HEAD.format(
            title=title(campaign),
            first=day_text(campaign.first_day),
            last=day_text(campaign.last_day),
        ),
        texts.CAMPAIGN_ABOUT.format(
            services=services(campaign, catalogue), target=target(campaign)
        ),
    ]


def launch_text(campaign: Campaign, catalogue: Catalogue, *, ward: str | None) -> str:
    """The officers' notice of a new campaign: what, when, how much, where."""
    return texts.CAMPAIGN_LAUNCH.format(
        title=title(campaign),
        first=day_text(campaign.first_day),
        last=day_text(campaign.last_day),
        services=services(campaign, catalogue),
        target=target(campaign),
        where=ward or texts.CAMPAIGN_EVERY_WARD,
    )


def tally_line(campaign: Campaign, found: WardProgress, team_id: int | None) -> str:
    """One line of a weekly tally: a team's (team_id) or the ward's group's (None)."""
    name = title(campaign)
    if campaign.per == TargetPer.WARD:
        return texts.CAMPAIGN_TALLY.format(
            title=name, done=found.count, target=found.target, whose=texts.CAMPAIGN_WHOSE["ward"]
        )
    if team_id is None:
        return texts.CAMPAIGN_TALLY_TEAMS.format(
            title=name,
            reached=found.teams_reached,
            teams=len(found.targeted),
            target=campaign.target,
        )
    done = found.teams.get(team_id, 0)
    if team_id not in found.targeted:  # the ward's own team: its share, no target
        return texts.CAMPAIGN_TALLY_SHARE.format(title=name, done=done)
    return texts.CAMPAIGN_TALLY.format(
        title=name, done=done, target=campaign.target, whose=texts.CAMPAIGN_WHOSE["team"]
    )


def ward_lines(found: WardProgress, ward: str) -> list[str]:
    """The ward's figure against its target; per team, how many teams reached theirs."""
    lines = [
        texts.CAMPAIGN_WARD_LINE.format(
            ward=ward,
            done=found.count,
            target=found.target,
            percent=percent(found.count, found.target),
        )
    ]
    if found.team_target is not None:
        lines.append(
            texts.CAMPAIGN_REACHED.format(reached=found.teams_reached, teams=len(found.targeted))
        )
    return lines


def team_line(campaign: Campaign, found: WardProgress, team_id: int, team: str) -> str:
    """A team's figure: against its target (per team), or its share of the ward's."""
    done = found.teams.get(team_id, 0)
    if found.team_target is not None and team_id in found.targeted:
        return texts.CAMPAIGN_TEAM_LINE.format(
            team=team, done=done, target=found.team_target, percent=percent(done, campaign.target)
        )
    return texts.CAMPAIGN_TEAM_SHARE.format(team=team, done=done)


def ranked_teams(found: WardProgress, names: Mapping[int, str]) -> list[str]:
    """Every team of the ward, most first (per team: against its target, ✅ once reached)."""
    order = sorted(found.teams, key=lambda t: (-found.teams[t], names.get(t, "")))
    lines = [texts.CAMPAIGN_TEAMS]
    for n, team_id in enumerate(order, start=1):
        done, team = found.teams[team_id], names.get(team_id, "")
        if found.team_target is not None and team_id in found.targeted:
            mark = texts.CAMPAIGN_DONE_MARK if done >= found.team_target else ""
            line = texts.CAMPAIGN_RANK_TARGET.format(
                n=n, team=team, done=done, target=found.team_target
            )
            lines.append(line + mark)
        else:
            lines.append(texts.CAMPAIGN_RANK.format(n=n, team=team, done=done))
    return lines


def days_left(campaign: Campaign, today: date) -> str:
    """ "Còn 12 ngày." or "Hôm nay là ngày cuối." """
    left = (campaign.last_day - today).days
    return texts.CAMPAIGN_LAST_DAY if left <= 0 else texts.CAMPAIGN_DAYS_LEFT.format(n=left)


def midway_text(
    campaign: Campaign,
    found: WardProgress,
    *,
    ward: str,
    names: Mapping[int, str],
    today: date,
) -> str:
    """The officers' mid-way summary: the ward's figure, then every team's."""
    lines = [
        texts.CAMPAIGN_MIDWAY.format(
            title=title(campaign),
            first=day_text(campaign.first_day),
            last=day_text(campaign.last_day),
        ),
        *ward_lines(found, ward),
        *ranked_teams(found, names),
        texts.CAMPAIGN_MIDWAY_END.format(n=(campaign.last_day - today).days),
    ]
    return "\n".join(lines)
