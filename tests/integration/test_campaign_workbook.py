"""The ward workbook's `Chiến dịch` sheet, read back with openpyxl, on SQLite and PostgreSQL:
each campaign of the ward with a day in the period, its ward's result (counted through the
period's end) and each team's below. The expected figures are the test's own sums over the
logs it wrote (tests/campaign_world.py)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.app import App
from reports import labels as L
from reports.scope import team_scope, ward_scope
from reports.workbook import write_workbook
from storage import queries
from storage.models import TargetPer
from tests.campaign_world import (
    DECEMBER,
    TDP_1,
    TDP_2,
    WARD_A,
    WARD_B,
    WARD_TEAM,
    counted,
    ids,
    launch,
    seed,
)
from tests.conftest import Roster
from tests.workbook_pages import narrow_columns, unprintable_sheets

SERVICES = ("sskdt", "vneid")
QUARTER = (date(2026, 10, 1), date(2026, 12, 31))
PEAK = "Tháng cao điểm Sổ sức khỏe điện tử"
FAIR = "Ngày hội Thanh toán số"


@pytest.fixture
def world(app: App, roster: Roster) -> App:
    seed(app, roster)
    launch(app, name=PEAK, target=20)  # every ward
    launch(app, name=FAIR, ward=WARD_A, per=TargetPer.TEAM, target=8)
    launch(app, name="Riêng của xã", ward=WARD_B)  # not ward A's
    launch(app, name="Năm mới", days=(date(2027, 1, 1), date(2027, 1, 31)))  # after the quarter
    return app


def workbook(app: App, path: Path, *, start: date, end: date, team: str | None = None) -> Path:
    team_id = ids(app)[f"{WARD_A}/{team}"] if team else 0
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD_A)
        assert ward is not None
        if team is None:
            scope = ward_scope(uow.session, ward, start=start, end=end)
        else:
            scope = team_scope(uow.session, team_id, start=start, end=end)
        write_workbook(uow.session, scope, path, made_at=datetime(2027, 1, 2, 9, 0))
    return path


def rows(path: Path) -> list[list[Any]]:
    found = []
    for row in load_workbook(path)[L.SHEET_CAMPAIGNS].iter_rows(values_only=True):
        found.append([v.date() if isinstance(v, datetime) else v for v in row])
    return found


def test_the_quarters_workbook_has_each_campaign_of_the_ward_with_its_result_and_its_teams(
    world: App, tmp_path: Path
):
    path = workbook(world, tmp_path / "quy.xlsx", start=QUARTER[0], end=QUARTER[1])
    assert load_workbook(path).sheetnames[-1] == L.SHEET_CAMPAIGNS
    header, *body = rows(path)
    assert tuple(header) == L.CAMPAIGN_HEADS
    ward = counted(SERVICES, *DECEMBER, ward=WARD_A)
    team = {t: counted(SERVICES, *DECEMBER, ward=WARD_A, team=t) for t in (TDP_1, TDP_2)}
    assert (ward, team[TDP_1], team[TDP_2]) == (18, 9, 7)
    services = "Sổ sức khỏe điện tử, Cài đặt VNeID"
    peak, fair = body[:4], body[4:]
    assert peak[0] == [
        1,
        PEAK,
        *DECEMBER,
        services,
        "20 lượt mỗi phường",
        WARD_A,
        20,
        ward,
        ward / 20,
        DECEMBER[1],
    ]
    assert {r[6]: r[7:] for r in peak[1:]} == {
        TDP_1: [None, team[TDP_1], None, None],
        TDP_2: [None, team[TDP_2], None, None],
        WARD_TEAM: [None, 2, None, None],  # the officers' own log: in the ward's, no target
    }
    assert all(r[:6] == [None] * 6 for r in peak[1:])
    assert fair[0][:9] == [2, FAIR, *DECEMBER, services, "8 lượt mỗi tổ", WARD_A, 16, ward]
    assert {r[6]: r[7:10] for r in fair[1:]} == {
        TDP_1: [8, team[TDP_1], team[TDP_1] / 8],
        TDP_2: [8, team[TDP_2], team[TDP_2] / 8],
        WARD_TEAM: [None, 2, None],
    }
    assert len(body) == 8  # B's own campaign and January's are not here
    assert narrow_columns(path, {"Tổng hợp": 5}) == []
    assert unprintable_sheets(path, {"Tổng hợp": 5}) == []


def test_a_period_ending_mid_campaign_counts_through_its_last_day(world: App, tmp_path: Path):
    end = date(2026, 12, 15)
    path = workbook(world, tmp_path / "nua.xlsx", start=date(2026, 12, 1), end=end)
    first = rows(path)[1]
    done = counted(SERVICES, DECEMBER[0], end, ward=WARD_A)
    assert first[1] == PEAK and first[8] == done == 11 and first[10] == end


def test_a_period_without_a_campaign_has_no_such_sheet(world: App, tmp_path: Path):
    path = workbook(world, tmp_path / "t11.xlsx", start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert L.SHEET_CAMPAIGNS not in load_workbook(path).sheetnames


def test_a_teams_workbook_has_the_wards_result_and_that_team_only(world: App, tmp_path: Path):
    path = workbook(world, tmp_path / "to.xlsx", start=QUARTER[0], end=QUARTER[1], team=TDP_1)
    body = rows(path)[1:]
    assert [r[6] for r in body] == [WARD_A, TDP_1, WARD_A, TDP_1]
    assert body[1][8] == counted(SERVICES, *DECEMBER, ward=WARD_A, team=TDP_1)
