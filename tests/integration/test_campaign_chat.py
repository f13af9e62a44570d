"""Campaigns in chat, on SQLite and PostgreSQL: the line of each in the weekly tallies
(only those with a day in the tallied week, counted through its Sunday), and /chiendich for
a member, a leader and an officer, each seeing their own team and ward. The figures
expected are the test's own sums over the logs it wrote (tests/campaign_world.py)."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from handlers import texts
from handlers.messages import Incoming
from schedules.jobs import tick
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
    launch,
    seed,
)
from tests.conftest import ZONE, Clock, Roster

SERVICES = ("sskdt", "vneid")
PEAK = "Chiến dịch Tháng cao điểm Sổ sức khỏe điện tử"


@pytest.fixture
def chats(app: App, roster: Roster) -> dict[str, ConsoleChat]:
    return seed(app, roster)


def link_group(app: App, user: str, chat_id: str) -> None:
    incoming = Incoming(
        "console", chat_id, user, text="/lienket", message_key=uuid.uuid4().hex, is_group=True
    )
    assert "Đã liên kết" in app.engine.handle(incoming)[0].text


def tallies(app: App, now: datetime, tmp_path: Path) -> dict[str, str]:
    """chat id -> the text one tick sent it."""
    console = io.StringIO()
    asyncio.run(
        tick(app.uow, ChannelSender(console=console), now=now, zone=ZONE, charts_dir=tmp_path)
    )
    sent = {}
    for part in console.getvalue().split("[→ ")[1:]:
        chat, text = part.split("] ", 1)
        sent[chat] = sent.get(chat, "") + text
    return sent


def test_the_weekly_tallies_show_each_campaign_of_the_week_through_its_sunday(
    app: App, chats: dict[str, ConsoleChat], tmp_path: Path
):
    link_group(app, "minh", "nhom-tdp-1")
    link_group(app, "canbo-a", "nhom-phuong-a")
    launch(app, target=20)
    launch(app, name="Ngày hội Thanh toán số", ward=WARD_A, per=TargetPer.TEAM, target=8)
    launch(app, name="Tháng 11", days=(date(2026, 11, 1), date(2026, 11, 30)))  # over
    launch(app, name="Cuối năm", days=(date(2026, 12, 14), date(2026, 12, 31)))  # not yet
    sent = tallies(app, datetime(2026, 12, 14, 8, 0, tzinfo=ZONE), tmp_path)
    sunday = date(2026, 12, 13)  # the tally is of 07/12–13/12
    ward = counted(SERVICES, DECEMBER[0], sunday, ward=WARD_A)
    team = counted(SERVICES, DECEMBER[0], sunday, ward=WARD_A, team=TDP_1)
    assert (ward, team) == (11, 9)
    group = sent["nhom-tdp-1"]
    assert "📊 Tổ CNSCĐ TDP 1, tuần 07/12/2026–13/12/2026:" in group
    assert f"📣 {PEAK}: {ward}/20 (cả phường)" in group
    assert f"📣 Chiến dịch Ngày hội Thanh toán số: {team}/8 (của tổ)" in group
    assert "Tháng 11" not in group and "Cuối năm" not in group
    in_ward_group = sent["nhom-phuong-a"]
    assert f"📣 {PEAK}: {ward}/20 (cả phường)" in in_ward_group
    assert "📣 Chiến dịch Ngày hội Thanh toán số: 1/2 tổ đạt 8 lượt" in in_ward_group


def test_a_tally_of_a_week_before_the_campaign_has_no_line(
    app: App, chats: dict[str, ConsoleChat], tmp_path: Path
):
    link_group(app, "minh", "nhom-tdp-1")
    launch(app, target=20)
    sent = tallies(app, datetime(2026, 11, 30, 8, 0, tzinfo=ZONE), tmp_path)  # 23/11–29/11
    assert "📊 Tổ CNSCĐ TDP 1" in sent["nhom-tdp-1"] and "📣" not in sent["nhom-tdp-1"]


@pytest.fixture
def december(app: App, chats: dict[str, ConsoleChat], clock: Clock) -> dict[str, ConsoleChat]:
    """The month's campaign, and Thursday 17/12/2026."""
    launch(app, target=20)
    clock.set_local(2026, 12, 17, 10, 0)
    return chats


def test_a_member_sees_the_wards_progress_and_what_their_team_gave(
    december: dict[str, ConsoleChat],
):
    said = december["lan"].say("/chiendich")
    ward = counted(SERVICES, DECEMBER[0], date(2026, 12, 17), ward=WARD_A)
    team = counted(SERVICES, DECEMBER[0], date(2026, 12, 17), ward=WARD_A, team=TDP_1)
    assert (ward, team) == (17, 9)
    assert f"📣 {PEAK} (01/12/2026–31/12/2026)" in said
    assert "Dịch vụ: Sổ sức khỏe điện tử, Cài đặt VNeID. Chỉ tiêu: 20 lượt mỗi phường." in said
    assert f"• {WARD_A}: {ward}/20 ({round(100 * ward / 20)}%)" in said
    assert f"• {TDP_1} góp: {team}" in said
    assert "Còn 14 ngày." in said
    assert TDP_2 not in said and WARD_B not in said
    assert december["minh"].say("/chiendich") == said  # a leader sees the same


def test_an_officer_sees_the_ward_and_every_team_of_it_only(december: dict[str, ConsoleChat]):
    said = december["canbo-a"].say("/chiendich")
    day = date(2026, 12, 17)
    ward = counted(SERVICES, DECEMBER[0], day, ward=WARD_A)
    teams = [
        (t, counted(SERVICES, DECEMBER[0], day, ward=WARD_A, team=t))
        for t in (TDP_1, TDP_2, WARD_TEAM)
    ]
    assert f"• {WARD_A}: {ward}/20" in said and "Các tổ:" in said
    for n, (team, done) in enumerate(sorted(teams, key=lambda t: -t[1]), start=1):
        assert f"{n}. {team}: {done}" in said
    other = december["canbo-b"].say("/chiendich")
    b = counted(SERVICES, DECEMBER[0], day, ward=WARD_B)
    assert f"• {WARD_B}: {b}/20" in other and f"1. {THON_1}: {b}" in other
    assert WARD_A not in other and TDP_1 not in other


def test_per_team_a_member_sees_their_teams_figure_against_its_target(
    app: App, december: dict[str, ConsoleChat]
):
    launch(app, name="Ngày hội Thanh toán số", ward=WARD_A, per=TargetPer.TEAM, target=8)
    said = december["binh"].say("/chiendich")
    team = counted(SERVICES, DECEMBER[0], date(2026, 12, 17), ward=WARD_A, team=TDP_2)
    assert f"• {TDP_2}: {team}/8 ({round(100 * team / 8)}%)" in said
    assert "• Số tổ đạt chỉ tiêu: 1/2" in said  # TDP 1 has 9
    assert "Ngày hội Thanh toán số" not in december["ha"].say("/chiendich")  # ward A's only


def test_in_a_group_chat_too(app: App, december: dict[str, ConsoleChat]):
    incoming = Incoming(
        "console", "nhom-tdp-1", "lan", text="/chiendich", message_key="g-1", is_group=True
    )
    assert f"• {TDP_1} góp: 9" in app.engine.handle(incoming)[0].text


def test_with_none_going_on_it_says_so_and_names_the_next(
    app: App, chats: dict[str, ConsoleChat], clock: Clock
):
    clock.set_local(2026, 12, 10, 9, 0)
    assert chats["lan"].say("/chiendich") == texts.CAMPAIGN_NONE
    launch(app, name="Cuối năm", days=(date(2026, 12, 20), date(2026, 12, 31)))
    said = chats["lan"].say("/chiendich")
    assert said.startswith(texts.CAMPAIGN_NONE)
    assert "Sắp tới: Chiến dịch Cuối năm, từ 20/12/2026 đến 31/12/2026." in said


def test_help_names_it_for_members_and_officers(chats: dict[str, ConsoleChat]):
    assert "/chiendich" in chats["lan"].say("/trogiup")
    assert "/chiendich – tiến độ chiến dịch của cả phường" in chats["canbo-a"].say("/trogiup")


def test_a_name_that_says_campaign_already_is_not_said_twice(
    app: App, chats: dict[str, ConsoleChat], clock: Clock
):
    launch(app, name="chiến dịch Cao điểm cuối năm")
    clock.set_local(2026, 12, 17, 10, 0)
    said = chats["lan"].say("/chiendich")
    assert said.startswith("📣 chiến dịch Cao điểm cuối năm (01/12/2026–31/12/2026)")
    assert "Chiến dịch chiến dịch" not in said
