"""What a Zalo bot's getMe says about groups, and the one line that tells the operator.

Zalo lets a bot into a group only through an invite: its owner opens the Zalo Bot Creator
mini-app, "Mời Bot vào nhóm", and the group's owner confirms (it is not added like a
person). There it receives only messages that mention it or reply to it. Groups are beta,
a plan allows a few (3 on Basic), and getMe's `can_join_groups` says whether this bot may
join any now; when it may not, tallies and reminders go to the leaders in private.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def group_join(name: str, me: dict[str, Any]) -> str:
    """How the bot gets into a group ("invite", or "unavailable"), logged in one line."""
    bot = name or "-"
    can = me.get("can_join_groups")
    if can is False:
        log.warning(
            "zalo bot=%s can_join_groups=false: Zalo lets this bot into no group now; weekly "
            "tallies and reminders go to each team's leaders in private",
            bot,
        )
        return "unavailable"
    log.info(
        'zalo bot=%s can_join_groups=%s: invite it from the Zalo Bot Creator ("Mời Bot vào '
        "nhóm\", the group's owner confirms), then /lienket in the group mentioning it; it "
        "hears only mentions and replies there; teams without a group get tallies in private",
        bot,
        "true" if can is True else "unknown",
    )
    return "invite"
