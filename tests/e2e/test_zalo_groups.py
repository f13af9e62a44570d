"""Groups as Zalo does them: a bot joins by invite (Zalo Bot Creator, "Mời Bot vào nhóm"),
the group's owner confirms; getMe's `can_join_groups` may say it joins none. Without a
linked group, a team's weekly tally goes to its leaders in private.

The real bot (`gotungnha run`'s loop) against the fake Zalo Bot API over real HTTP, on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.app import App, build_app
from bot.config import Config
from handlers import texts
from storage.models import Role
from tests.conftest import Clock
from tests.e2e.running import RunningBot, zalo_config
from tests.e2e.test_zalo import join
from tests.fakes.zalo_api import FakeZalo

BOT = "Bot Tổ CNSCĐ"


def started(config: Config, zalo: FakeZalo, clock: Clock) -> App:
    return build_app(zalo_config(config, zalo, mode="polling", display_name=BOT), clock=clock)


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    with FakeZalo(display_name=BOT) as fake:
        yield fake


@pytest.fixture
def kept_out() -> Iterator[FakeZalo]:
    """A bot Zalo lets into no group (groups are beta): getMe says can_join_groups false."""
    with FakeZalo(display_name=BOT, can_join_groups=False) as fake:
        yield fake


def test_lienket_in_private_says_how_to_invite_the_bot_into_the_teams_group(
    zalo: FakeZalo, config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    app = started(config, zalo, clock)
    try:
        with caplog.at_level(logging.INFO), RunningBot(app):
            minh = join(zalo, app, "u-minh", "Phạm Văn Minh", role=Role.LEADER)
            how = minh.say("/lienket")
        assert "Zalo Bot Creator" in how and "“Mời Bot vào nhóm”" in how
        assert "Trưởng nhóm xác nhận lời mời" in how
        assert f"@{BOT} /lienket" in how  # typed in the group, mentioning the bot
        assert "tổng kết tuần và nhắc hạn sẽ gửi riêng cho tổ trưởng" in how
        [line] = [r.getMessage() for r in caplog.records if "can_join_groups" in r.getMessage()]
        assert "can_join_groups=true" in line and "Mời Bot vào nhóm" in line
        assert zalo.token not in line
    finally:
        app.db.dispose()


def test_a_bot_kept_out_of_groups_says_so_and_the_leader_gets_the_tally_in_private(
    kept_out: FakeZalo, config: Config, clock: Clock, caplog: pytest.LogCaptureFixture
):
    zalo = kept_out
    clock.set_local(2026, 11, 22, 18, 0)  # Sunday evening: no tally due yet
    app = started(config, zalo, clock)
    try:
        with caplog.at_level(logging.INFO), RunningBot(app):
            minh = join(zalo, app, "u-minh", "Phạm Văn Minh", role=Role.LEADER)
            lan = join(zalo, app, "u-lan", "Nguyễn Thị Lan")
            assert minh.say("/lienket") == texts.LINK_NO_GROUPS
            assert "Đã ghi" in lan.say("vneid 3 sskdt 2")
        [line] = [r for r in caplog.records if "can_join_groups" in r.getMessage()]
        assert line.levelno == logging.WARNING and "can_join_groups=false" in line.getMessage()
        assert "in private" in line.getMessage() and zalo.token not in line.getMessage()
        before = {chat: len(zalo.sent(chat)) for chat in ("u-minh", "u-lan")}
        clock.set_local(2026, 11, 23, 8, 5)  # Monday: the schedule ticks as the bot starts
        with RunningBot(app):
            tally = zalo.wait_sent("u-minh", before["u-minh"] + 1, timeout=20)[-1]["text"]
        assert tally.startswith("📊 Tổ CNSCĐ TDP 1, tuần 16/11/2026–22/11/2026:")
        assert "• Cài đặt VNeID: 3" in tally and "• Sổ sức khỏe điện tử: 2" in tally
        assert tally.endswith(texts.TALLY_PRIVATE)
        assert len(zalo.sent("u-lan")) == before["u-lan"]  # a member gets no tally
        assert len(zalo.sent("u-minh")) == before["u-minh"] + 1  # once, as one message
    finally:
        app.db.dispose()
