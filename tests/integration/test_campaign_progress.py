"""What a campaign counts (storage/campaigns.py), on SQLite and PostgreSQL: the sum of its
services in the logs not undone whose day is within its dates, by ward and by team, against
a target for each ward or each team. The expected figures are the test's own sums over the
logs it wrote (tests/campaign_world.py), never the code under test."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app import App
from storage import campaigns
from storage.models import TargetPer
from tests.campaign_world import (
    DECEMBER,
    TDP_1,
    TDP_2,
    THON_1,
    WARD_A,
    WARD_B,
    WARD_TEAM,
    counted,
    ids,
    launch,
    seed,
    stored,
)
from tests.conftest import Roster

SERVICES = ("sskdt", "vneid")


@pytest.fixture
def world(app: App, roster: Roster) -> dict[str, int]:
    seed(app, roster)
    return ids(app)


def test_the_sums_leave_out_undone_logs_other_services_and_days_outside_the_dates(
    app: App, world: dict[str, int]
):
    number = launch(app, services=SERVICES, target=20)
    campaign = stored(app, number)
    with app.uow() as uow:
        found = campaigns.progress(uow.session, campaign)
    a, b = found.wards[world[WARD_A]], found.wards[world[WARD_B]]
    # by hand: 3 + 2 (01/12) + 4 (10/12) + 6 (16/12) + 1 (31/12) + 2 (the officers', 12/12)
    assert a.count == counted(SERVICES, *DECEMBER, ward=WARD_A) == 18
    assert b.count == counted(SERVICES, *DECEMBER, ward=WARD_B) == 8
    assert found.until == DECEMBER[1]
    assert a.teams == {
        world[f"{WARD_A}/{TDP_1}"]: counted(SERVICES, *DECEMBER, ward=WARD_A, team=TDP_1),
        world[f"{WARD_A}/{TDP_2}"]: counted(SERVICES, *DECEMBER, ward=WARD_A, team=TDP_2),
        world[f"{WARD_A}/{WARD_TEAM}"]: 2,
    }
    assert a.teams[world[f"{WARD_A}/{TDP_1}"]] == 9 and a.teams[world[f"{WARD_A}/{TDP_2}"]] == 7
    assert (a.target, b.target) == (20, 20)  # each ward's target


def test_a_campaign_of_one_service_counts_that_service_only(app: App, world: dict[str, int]):
    number = launch(app, services=("vneid",))
    campaign = stored(app, number)
    with app.uow() as uow:
        found = campaigns.progress(uow.session, campaign)
    assert found.wards[world[WARD_A]].count == counted(("vneid",), *DECEMBER, ward=WARD_A) == 3
    assert found.wards[world[WARD_B]].count == 0


def test_a_per_team_target_is_each_residential_teams_and_adds_up_for_the_ward(
    app: App, world: dict[str, int]
):
    number = launch(app, per=TargetPer.TEAM, target=8)
    campaign = stored(app, number)
    with app.uow() as uow:
        found = campaigns.progress(uow.session, campaign)
    a = found.wards[world[WARD_A]]
    teams = {world[f"{WARD_A}/{TDP_1}"], world[f"{WARD_A}/{TDP_2}"]}  # not the ward's own
    assert set(a.targeted) == teams and a.team_target == 8
    assert a.target == 2 * 8
    reached = [t for t in (TDP_1, TDP_2) if counted(SERVICES, *DECEMBER, ward=WARD_A, team=t) >= 8]
    assert a.teams_reached == len(reached) == 1  # TDP 1 has 9, TDP 2 has 7
    b = found.wards[world[WARD_B]]
    assert b.target == 8 and b.teams_reached == 1  # Thôn 1 has 8


def test_a_wards_own_campaign_covers_that_ward_only(app: App, world: dict[str, int]):
    number = launch(app, ward=WARD_B)
    campaign = stored(app, number)
    with app.uow() as uow:
        found = campaigns.progress(uow.session, campaign)
        assert list(found.wards) == [world[WARD_B]]
        assert [
            c.id
            for c in campaigns.of_ward(
                uow.session, world[WARD_A], start=DECEMBER[0], end=DECEMBER[1]
            )
        ] == []
        theirs = campaigns.of_ward(uow.session, world[WARD_B], start=DECEMBER[0], end=DECEMBER[1])
    assert [c.id for c in theirs] == [number]
    assert found.wards[world[WARD_B]].teams == {
        world[f"{WARD_B}/{THON_1}"]: counted(SERVICES, *DECEMBER, ward=WARD_B),
        world[f"{WARD_B}/{WARD_TEAM}"]: 0,
    }


def test_counting_through_a_day_stops_there(app: App, world: dict[str, int]):
    number = launch(app)
    until = date(2026, 12, 15)
    campaign = stored(app, number)
    with app.uow() as uow:
        found = campaigns.progress(uow.session, campaign, until=until)
        before = campaigns.progress(uow.session, campaign, until=date(2026, 11, 30))
    assert found.until == until
    assert found.wards[world[WARD_A]].count == counted(SERVICES, DECEMBER[0], until, ward=WARD_A)
    assert found.wards[world[WARD_A]].count == 11
    assert before.wards[world[WARD_A]].count == 0  # not begun: nothing yet


def test_the_period_finds_the_campaigns_with_a_day_in_it_each_counted_through_its_end(
    app: App, world: dict[str, int]
):
    december = launch(app, name="Tháng 12")
    november = launch(app, name="Tháng 11", days=(date(2026, 11, 1), date(2026, 11, 30)))
    own = launch(app, name="Riêng xã", ward=WARD_B, days=(date(2026, 12, 20), date(2027, 1, 10)))
    with app.uow() as uow:
        city = campaigns.progress_in_period(
            uow.session, start=date(2026, 12, 1), end=date(2026, 12, 15)
        )
        ward_a = campaigns.progress_in_period(
            uow.session, start=date(2026, 10, 1), end=date(2026, 12, 31), ward_id=world[WARD_A]
        )
        ward_b = campaigns.progress_in_period(
            uow.session, start=date(2026, 12, 25), end=date(2027, 1, 5), ward_id=world[WARD_B]
        )
    assert [p.campaign.id for p in city] == [december]  # 20/12 is after the 15th
    assert city[0].until == date(2026, 12, 15)
    assert city[0].wards[world[WARD_A]].count == 11
    assert [p.campaign.id for p in ward_a] == [november, december]
    assert [list(p.wards) for p in ward_a] == [[world[WARD_A]]] * 2
    assert (
        ward_a[0].wards[world[WARD_A]].count
        == counted(SERVICES, date(2026, 11, 1), date(2026, 11, 30), ward=WARD_A)
        == 5
    )
    assert [p.campaign.id for p in ward_b] == [december, own]
    assert ward_b[1].until == date(2027, 1, 5)
    assert ward_b[1].wards[world[WARD_B]].count == 0  # Hà's 20/12 log is muc2


def test_ending_early_and_removing(app: App, world: dict[str, int]):
    number = launch(app)
    with app.uow() as uow:
        campaign = campaigns.get(uow.session, number)
        assert campaign is not None
        campaigns.end_on(uow.session, campaign, date(2026, 12, 10))
        uow.commit()
    campaign = stored(app, number)
    with app.uow() as uow:
        found = campaigns.progress(uow.session, campaign)
    assert found.until == date(2026, 12, 10)
    assert found.wards[world[WARD_A]].count == counted(
        SERVICES, DECEMBER[0], date(2026, 12, 10), ward=WARD_A
    )
    with app.uow() as uow:
        campaign = campaigns.get(uow.session, number)
        assert campaign is not None
        campaigns.remove(uow.session, campaign)
        uow.commit()
    with app.uow() as uow:
        assert campaigns.all_campaigns(uow.session) == []
