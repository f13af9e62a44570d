"""The officers hear of a campaign twice, privately, each exactly once: its launch (the first
tick once it is made and has begun) and a mid-way summary of their ward (08:00 on its
middle day), through the outbox like every scheduled send: a second tick or a second
worker sends nothing again, and nothing goes before its time. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.app import App, build_app
from bot.channels.sender import ChannelSender
from bot.config import Config
from schedules.jobs import tick
from storage import campaigns
from storage.models import OutboxMessage, TargetPer
from tests.campaign_world import (
    DECEMBER,
    TDP_1,
    TDP_2,
    WARD_A,
    WARD_B,
    counted,
    launch,
    seed,
)
from tests.conftest import ZONE, Clock, Roster

SERVICES = ("sskdt", "vneid")
KINDS = ("campaign_launch", "campaign_midway")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE)  # type: ignore[misc]


def run_tick(app: App, now: datetime, charts: Path) -> str:
    """What one tick sent, as the console chats print it."""
    console = io.StringIO()
    sender = ChannelSender(console=console)
    asyncio.run(tick(app.uow, sender, now=now, zone=ZONE, charts_dir=charts))
    return console.getvalue()


def to_officers(printed: str) -> list[str]:
    """The campaign notices among what a tick sent: one per chat and message."""
    return [
        part.strip() for part in printed.split("[→ ") if part.startswith("canbo-") and "📣" in part
    ]


def campaign_rows(app: App) -> list[tuple[str, str, str]]:
    with app.uow() as uow:
        rows = uow.session.exec(
            select(OutboxMessage).where(col(OutboxMessage.kind).in_(KINDS))
        ).all()
        return sorted((r.kind, r.chat_id, r.status) for r in rows)


@pytest.fixture
def world(app: App, roster: Roster) -> App:
    seed(app, roster)  # on the suite's clock: Monday 23/11/2026
    return app


def test_the_launch_goes_to_every_wards_officers_once_on_the_first_day_not_before(
    world: App, tmp_path: Path
):
    launch(world, target=20)  # made on 23/11, it begins on 01/12
    assert to_officers(run_tick(world, at(2026, 11, 30, 20, 0), tmp_path)) == []
    assert to_officers(run_tick(world, at(2026, 12, 1, 7, 59), tmp_path)) == []
    sent = to_officers(run_tick(world, at(2026, 12, 1, 8, 0), tmp_path))
    assert sorted(s.split("]")[0] for s in sent) == ["canbo-a", "canbo-b"]
    for text in sent:
        assert "📣 Phát động Chiến dịch Tháng cao điểm Sổ sức khỏe điện tử" in text
        assert "• Thời gian: 01/12/2026–31/12/2026" in text
        assert "• Dịch vụ: Sổ sức khỏe điện tử, Cài đặt VNeID" in text
        assert "• Chỉ tiêu: 20 lượt mỗi phường" in text
        assert "• Áp dụng cho: mọi phường, xã" in text
    assert to_officers(run_tick(world, at(2026, 12, 1, 8, 1), tmp_path)) == []
    assert to_officers(run_tick(world, at(2026, 12, 2, 9, 0), tmp_path)) == []
    assert campaign_rows(world) == [
        ("campaign_launch", "canbo-a", "sent"),
        ("campaign_launch", "canbo-b", "sent"),
    ]


def test_a_campaign_made_once_it_has_begun_is_told_at_the_next_tick(
    world: App, clock: Clock, tmp_path: Path
):
    launch(world, ward=WARD_B, now=at(2026, 12, 3, 14, 30))
    assert to_officers(run_tick(world, at(2026, 12, 3, 14, 29), tmp_path)) == []
    [sent] = to_officers(run_tick(world, at(2026, 12, 3, 14, 31), tmp_path))
    assert sent.startswith("canbo-b]") and "• Áp dụng cho: Xã Bình Yên" in sent
    assert to_officers(run_tick(world, at(2026, 12, 3, 14, 32), tmp_path)) == []


def test_the_mid_way_summary_goes_once_at_8_on_the_middle_day_with_the_wards_figures(
    world: App, tmp_path: Path
):
    launch(world, target=20)
    run_tick(world, at(2026, 12, 1, 8, 0), tmp_path)  # the launch
    assert to_officers(run_tick(world, at(2026, 12, 15, 20, 0), tmp_path)) == []
    assert to_officers(run_tick(world, at(2026, 12, 16, 7, 59), tmp_path)) == []
    sent = {
        s.split("]")[0]: s for s in to_officers(run_tick(world, at(2026, 12, 16, 8, 0), tmp_path))
    }
    assert set(sent) == {"canbo-a", "canbo-b"}
    ward_a = counted(SERVICES, DECEMBER[0], date(2026, 12, 16), ward=WARD_A)
    tdp_1 = counted(SERVICES, DECEMBER[0], date(2026, 12, 16), ward=WARD_A, team=TDP_1)
    tdp_2 = counted(SERVICES, DECEMBER[0], date(2026, 12, 16), ward=WARD_A, team=TDP_2)
    assert (ward_a, tdp_1, tdp_2) == (17, 9, 6)
    a = sent["canbo-a"]
    assert "đã đi được nửa chặng" in a and "(01/12/2026–31/12/2026)" in a
    assert f"• {WARD_A}: {ward_a}/20 ({round(100 * ward_a / 20)}%)" in a
    assert f"1. {TDP_1}: {tdp_1}" in a and f"2. {TDP_2}: {tdp_2}" in a
    assert "Còn 15 ngày." in a
    assert WARD_A not in sent["canbo-b"] and TDP_1 not in sent["canbo-b"]  # their own ward
    ward_b = counted(SERVICES, DECEMBER[0], date(2026, 12, 16), ward=WARD_B)
    assert f"• {WARD_B}: {ward_b}/20" in sent["canbo-b"]
    assert to_officers(run_tick(world, at(2026, 12, 16, 8, 1), tmp_path)) == []
    assert to_officers(run_tick(world, at(2026, 12, 17, 8, 0), tmp_path)) == []
    assert [r[0] for r in campaign_rows(world)].count("campaign_midway") == 2


def test_per_team_the_mid_way_summary_marks_the_teams_that_reached_their_target(
    world: App, tmp_path: Path
):
    launch(world, ward=WARD_A, per=TargetPer.TEAM, target=8)
    # first ticked on 16/12: the launch, due on 01/12, is long past and not sent late
    [text] = to_officers(run_tick(world, at(2026, 12, 16, 8, 0), tmp_path))
    assert text.startswith("canbo-a]")
    total = counted(SERVICES, DECEMBER[0], date(2026, 12, 16), ward=WARD_A)
    assert f"• {WARD_A}: {total}/16" in text  # two teams' targets
    assert "• Số tổ đạt chỉ tiêu: 1/2" in text
    assert f"1. {TDP_1}: 9/8 ✅" in text and f"2. {TDP_2}: 6/8" in text


def test_a_short_campaign_has_no_mid_way_and_one_whose_days_change_is_not_told_again(
    world: App, tmp_path: Path
):
    launch(world, ward=WARD_A, days=(date(2026, 12, 1), date(2026, 12, 2)))
    month = launch(world, ward=WARD_B)
    run_tick(world, at(2026, 12, 1, 8, 0), tmp_path)  # both launches
    assert to_officers(run_tick(world, at(2026, 12, 2, 8, 0), tmp_path)) == []
    assert len(to_officers(run_tick(world, at(2026, 12, 16, 8, 0), tmp_path))) == 1
    with world.uow() as uow:  # two days longer: its middle is now 17/12
        campaign = campaigns.get(uow.session, month)
        assert campaign is not None
        campaign.last_day = date(2027, 1, 2)
        uow.session.add(campaign)
        uow.commit()
    assert to_officers(run_tick(world, at(2026, 12, 17, 8, 0), tmp_path)) == []
    assert campaign_rows(world) == [
        ("campaign_launch", "canbo-a", "sent"),
        ("campaign_launch", "canbo-b", "sent"),
        ("campaign_midway", "canbo-b", "sent"),
    ]


def test_two_workers_ticking_at_once_send_each_notice_once(
    world: App, config: Config, clock: Clock, tmp_path: Path
):
    launch(world, target=20)
    other = build_app(config, clock=clock)
    barrier = threading.Barrier(2)
    printed: list[str] = []

    def worker(which: App) -> None:
        barrier.wait()
        for minute in range(3):
            printed.append(run_tick(which, at(2026, 12, 1, 8, minute), tmp_path))

    threads = [threading.Thread(target=worker, args=(each,)) for each in (world, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    other.db.dispose()
    sent = [s.split("]")[0] for p in printed for s in to_officers(p)]
    assert sorted(sent) == ["canbo-a", "canbo-b"]
    assert [r[2] for r in campaign_rows(world)] == ["sent", "sent"]
