"""The report workbook's `Chiến dịch` sheet: each campaign of the ward with a day in the
period, the ward's result (bold) and below it each team's.

A result counts from the campaign's first day through its last day, or through the
period's last day when that is earlier (`Tính đến ngày`): a workbook made after a campaign
has ended holds its final result. A per-team target is each residential group's team's;
the ward's row then holds their targets added up.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from reports import labels as L
from reports.layout import NAME_MOST, columns
from reports.scope import Scope
from reports.sheets import Sheet
from storage import queries
from storage.campaigns import Progress
from storage.models import TargetPer

# a campaign's name and its services wrap in these: the sheet prints at full size on A4
NAME_WIDTH, SERVICES_WIDTH = 16, 16


def campaign_rows(session: Session, scope: Scope, found: list[Progress]) -> list[list[Any]]:
    """The sheet's rows: per campaign, the ward's (bold when written) then its teams'."""
    names = {s.code: s.name for s in queries.services(session)}
    rows: list[list[Any]] = []
    for n, each in enumerate(found, start=1):
        campaign, ward = each.campaign, each.wards[scope.ward_id]
        services = ", ".join(names.get(code, code) for code in campaign.services)
        per_team = campaign.per == TargetPer.TEAM
        rows.append(
            [
                n,
                campaign.name,
                campaign.first_day,
                campaign.last_day,
                services,
                L.CAMPAIGN_TARGETS[campaign.per].format(n=campaign.target),
                scope.ward_name,
                ward.target,
                ward.count,
                ward.count / ward.target if ward.target else None,
                each.until,
            ]
        )
        for team_id, team in scope.team_names.items():
            done = ward.teams.get(team_id, 0)
            goal = campaign.target if per_team and team_id in ward.targeted else None
            rate = done / goal if goal else None
            rows.append([None, None, None, None, None, None, team, goal, done, rate, None])
    return rows


def write_campaigns(ws: Sheet, session: Session, scope: Scope, found: list[Progress]) -> None:
    """Write the sheet (only called when the period has a campaign of the ward)."""
    rows = campaign_rows(session, scope, found)
    most = [None, NAME_WIDTH, None, None, SERVICES_WIDTH, None, NAME_MOST]
    ws.set_widths(columns(L.CAMPAIGN_HEADS, rows, most=most), key_columns=2)
    ws.freeze_below(1)
    ws.header(L.CAMPAIGN_HEADS)
    for values in rows:
        ws.row(values, bold=values[0] is not None)
    ws.add_filter(header_row=1, columns=len(L.CAMPAIGN_HEADS), last_row=1 + len(rows))
