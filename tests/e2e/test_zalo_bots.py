"""Several Zalo bots on one deployment: each member answered through their own bot, each
bot's month counted, a bot out of quota paused while the other keeps sending, what waited
sent once the quota is back, and a full bot turning newcomers to another."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.channels.sender import ChannelSender
from bot.channels.zalo_api import ZaloClient
from bot.config import Config, ZaloBotConfig, ZaloConfig
from bot.runner import bot_plans
from schedules.jobs import TickSummary, tick
from storage import bot_usage
from storage.models import AuditEntry, ChatIdentity, OutboxMessage, Role
from tests.conftest import ZONE, Clock, Roster
from tests.e2e.running import RunningBot, free_port
from tests.fakes.zalo_api import FakeZalo

MONTH = "2026-12"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZONE)  # type: ignore[misc]


@pytest.fixture
def two_bots(config: Config, clock: Clock, fakes: tuple[FakeZalo, FakeZalo]) -> Iterator[App]:
    bots = tuple(
        ZaloBotConfig(
            name=name,
            token=fake.token,
            base_url=fake.base_url,
            mode="polling",
            display_name=fake.display_name,
            monthly_messages=3000,
            max_users=3,
        )
        for name, fake in zip(("to1", "to2"), fakes, strict=True)
    )
    server = replace(config.server, port=free_port())
    app = build_app(replace(config, zalo=ZaloConfig(bots=bots), server=server), clock=clock)
    yield app
    app.db.dispose()


def say(zalo: FakeZalo, user: str, text: str) -> str:
    before = len(zalo.sent(user))
    zalo.send_text(zalo.user(user, "Thành viên"), text)
    return zalo.wait_sent(user, before + 1)[-1]["text"] or ""


def join(zalo: FakeZalo, app: App, user: str, name: str, **kwargs: object) -> None:
    code = Roster(app).add(name, **kwargs)  # type: ignore[arg-type]
    assert "Trả lời 1 hoặc 2" in say(zalo, user, f"thamgia {code}")
    assert "Chào mừng" in say(zalo, user, "1")


def usage(app: App) -> dict[tuple[str, str], dict[str, int]]:
    with app.uow() as uow:
        return bot_usage.month_usage(uow.session, MONTH)


def run_tick(app: App, fakes: tuple[FakeZalo, FakeZalo], now: datetime) -> TickSummary:
    async def work() -> TickSummary:
        one, two = fakes
        async with (
            ZaloClient(one.token, base_url=one.base_url, attempts=1) as a,
            ZaloClient(two.token, base_url=two.base_url, attempts=1) as b,
        ):
            sender = ChannelSender(zalo={"to1": a, "to2": b}, zone=ZONE)
            return await tick(
                app.uow,
                sender,
                now=now,
                zone=ZONE,
                charts_dir=Path(app.config.bot.exports_dir) / "charts",
                bots=bot_plans(app.config),
            )

    return asyncio.run(work())


def texts_to(zalo: FakeZalo, user: str) -> list[str]:
    return [m["text"] or "" for m in zalo.sent(user)]


def test_members_of_each_bot_are_answered_through_it_and_counted_per_bot(
    two_bots: App, fakes: tuple[FakeZalo, FakeZalo], clock: Clock
):
    one, two = fakes
    clock.set_local(2026, 12, 4, 10, 0)
    with RunningBot(two_bots):
        join(one, two_bots, "u-lan", "Nguyễn Thị Lan")
        join(two, two_bots, "u-hoa", "Đỗ Thị Hoa", team="Tổ CNSCĐ TDP 2")
        assert "Đã ghi" in say(one, "u-lan", "vneid 3")
        assert "Đã ghi" in say(two, "u-hoa", "sskdt 2")
        assert two.sent("u-lan") == [] and one.sent("u-hoa") == []
    with two_bots.uow() as uow:
        bots = {i.user_id: i.bot for i in uow.session.exec(select(ChatIdentity))}
    assert bots == {"u-lan": "to1", "u-hoa": "to2"}
    counted = usage(two_bots)
    assert counted[("zalo", "to1")] == {"reply": len(one.sent("u-lan"))}
    assert counted[("zalo", "to2")] == {"reply": len(two.sent("u-hoa"))}


def test_a_bot_out_of_quota_waits_while_the_other_sends_and_catches_up_once(
    two_bots: App, fakes: tuple[FakeZalo, FakeZalo], clock: Clock
):
    one, two = fakes
    clock.set_local(2026, 12, 1, 10, 0)
    with RunningBot(two_bots):
        join(one, two_bots, "u-minh", "Phạm Văn Minh", role=Role.LEADER)
        join(two, two_bots, "u-mai", "Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2")
        join(two, two_bots, "u-canbo", "Trần Thu Hà", role=Role.OFFICER)
    replies = {bot: sum(kinds.values()) for bot, kinds in usage(two_bots).items()}
    one.set_quota(0)  # Bot Tổ 1 has used up its month

    # 7 days before the quarter's last day (14/12): one reminder per leader; a Monday, so
    # each leader also gets the team's tally (no team has a linked group)
    first = run_tick(two_bots, fakes, at(2026, 12, 7, 8, 0))
    assert (first.sent, first.waiting) == (2, 2)
    assert [t[:2] for t in texts_to(two, "u-mai")[-2:]] == ["⏰ ", "📊 "]
    assert len(one.calls_of("sendMessage")) == replies[("zalo", "to1")] + 1  # tried once
    # the officer hears of it once, through the bot that still works
    run_tick(two_bots, fakes, at(2026, 12, 7, 8, 1))
    run_tick(two_bots, fakes, at(2026, 12, 7, 8, 2))
    notices = [t for t in texts_to(two, "u-canbo") if "hết hạn mức" in t]
    assert len(notices) == 1 and "Bot Tổ 1" in notices[0]
    # no tight retries while paused: nothing more is tried before half an hour
    calls = len(one.calls_of("sendMessage"))
    assert run_tick(two_bots, fakes, at(2026, 12, 7, 8, 20)) == TickSummary()
    assert len(one.calls_of("sendMessage")) == calls
    with two_bots.uow() as uow:
        waiting = uow.session.exec(
            select(OutboxMessage).where(OutboxMessage.status == "waiting")
        ).all()
    assert {(w.kind, w.chat_id, w.bot) for w in waiting} == {
        ("deadline_reminder", "u-minh", "to1"),
        ("weekly_tally", "u-minh", "to1"),
    }

    one.set_quota(None)  # the plan was raised
    one.fail_next("sendMessage", status=403)  # but the first try meets Zalo's server error
    assert run_tick(two_bots, fakes, at(2026, 12, 7, 8, 31)).failed == 1
    assert run_tick(two_bots, fakes, at(2026, 12, 7, 8, 45)) == TickSummary()  # still paused
    resumed = run_tick(two_bots, fakes, at(2026, 12, 7, 9, 2))  # the next half-hourly try
    assert resumed.sent == 1  # one send tries the bot
    assert run_tick(two_bots, fakes, at(2026, 12, 7, 9, 3)).sent == 1  # it works: the tally
    assert run_tick(two_bots, fakes, at(2026, 12, 7, 9, 4)) == TickSummary()
    reminders = [t for t in texts_to(one, "u-minh") if t.startswith("⏰ Nhắc hạn")]
    assert reminders == [reminders[0]] and "còn 7 ngày" in reminders[0]
    assert len([t for t in texts_to(one, "u-minh") if t.startswith("📊 ")]) == 1
    assert len([t for t in texts_to(two, "u-mai") if t.startswith("⏰")]) == 1
    counted = usage(two_bots)
    assert counted[("zalo", "to1")]["deadline_reminder"] == 1
    assert counted[("zalo", "to1")]["weekly_tally"] == 1
    assert counted[("zalo", "to2")]["deadline_reminder"] == 1
    assert counted[("zalo", "to2")]["bot_paused"] == 1
    with two_bots.uow() as uow:
        assert bot_usage.pauses(uow.session) == {}


def test_a_full_bot_turns_a_newcomer_to_another_and_tells_the_officer(
    two_bots: App, fakes: tuple[FakeZalo, FakeZalo], clock: Clock
):
    one, two = fakes
    with RunningBot(two_bots):
        join(two, two_bots, "u-canbo", "Trần Thu Hà", role=Role.OFFICER)
        for n in range(3):  # Bot Tổ 1 serves 3 people on this plan
            join(one, two_bots, f"u-{n}", f"Thành viên {n}")
        code = Roster(two_bots).add("Người Thứ Tư")
        refused = say(one, "u-4", f"thamgia {code}")
        assert "Bot Tổ 1 đã đủ người" in refused and "Bot Tổ 2" in refused
        fifth = Roster(two_bots).add("Người Thứ Năm")
        assert "Bot Tổ 1 đã đủ người" in say(one, "u-5", f"thamgia {fifth}")
        assert "Trả lời 1 hoặc 2" in say(two, "u-4", f"thamgia {code}")
        assert "Chào mừng Người Thứ Tư" in say(two, "u-4", "1")
    with two_bots.uow() as uow:
        refusals = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "bot_full"))
        assert len(refusals.all()) == 2
    run_tick(two_bots, fakes, clock.now)
    run_tick(two_bots, fakes, clock.now)
    told = [t for t in texts_to(two, "u-canbo") if "đã đủ số người" in t]
    assert len(told) == 1  # once a day, however many were turned away


def noon_zone(now: datetime) -> ZoneInfo:
    """A fixed-offset zone where it is about noon at `now`: its month ends hours later."""
    offset = 12 - now.astimezone(UTC).hour  # -11..12: local hour 12 (minutes as in UTC)
    return ZoneInfo(f"Etc/GMT{-offset:+d}")  # POSIX sign: Etc/GMT-5 is UTC+5


def test_zalo_usage_prints_each_bots_month(
    two_bots: App, fakes: tuple[FakeZalo, FakeZalo], tmp_path: Path
):
    # `zalo usage` counts the month it is by the real clock, read when it runs; it runs in a
    # zone where it is about noon now, so it finds the month found here (at midnight on the
    # 1st, Vietnam time, the two would differ)
    now = datetime.now(UTC)
    zone = noon_zone(now)
    this_month = now.astimezone(zone).strftime("%Y-%m")
    with two_bots.uow() as uow:
        for month, count in ((this_month, 12), ("2020-01", 999)):
            bot_usage.add_sent(uow.session, ("zalo", "to1"), month=month, kind="reply", count=count)
        bot_usage.add_sent(
            uow.session, ("zalo", "to1"), month=this_month, kind="weekly_tally", count=4
        )
        for n in range(3):  # people who wrote to Bot Tổ 1 this month, none of them joined
            bot_usage.add_sender(uow.session, ("zalo", "to1"), month=this_month, sender=f"h{n}")
        bot_usage.add_sender(uow.session, ("zalo", "to1"), month="2020-01", sender="old")
        bot_usage.add_sent(uow.session, ("zalo", "to2"), month=this_month, kind="received")
        uow.commit()
    shown_month = f"{this_month[5:]}/{this_month[:4]}"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{two_bots.config.database.url}"\n'
        f'[bot]\ntimezone = "{zone.key}"\n'
        "[zalo]\nmonthly_messages = 3000\nmax_users = 50\n"
        '[[zalo.bots]]\nname = "to1"\ntoken = "x"\ndisplay_name = "Bot Tổ 1"\nmax_users = 2\n'
        '[[zalo.bots]]\nname = "to2"\ntoken = "y"\ncount_incoming = true\n',
        encoding="utf-8",
    )

    def usage_command(*extra: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot", "zalo", "usage", "--config", str(config)]
        return subprocess.run([*command, *extra], capture_output=True, text=True, timeout=60)

    shown = usage_command()
    assert shown.returncode == 0, shown.stderr
    assert f"Bot Tổ 1 [to1], tháng {shown_month}: 16/3000 (1%) tin, 0/2 người dùng" in shown.stdout
    assert "trả lời 12, tổng kết tuần 4" in shown.stdout
    one, two = shown.stdout.split("to2 [to2]")
    assert (
        "Người dùng: 0 thành viên đã liên kết (max_users so với số này), 3 người đã nhắn bot "
        "tháng này (Zalo có thể tính theo số này)"
    ) in one
    assert "Tin tính vào hạn mức tháng: tin bot gửi đi (count_incoming = false)" in one
    assert "⚠️ 3 người đã nhắn, nhiều hơn max_users (2)" in one
    assert f", tháng {shown_month}: 1/3000 (0%) tin, 0/50 người dùng" in two
    assert "tin nhận 1" in two and "0 người đã nhắn bot tháng này" in two
    assert "tin bot gửi đi và tin bot nhận (count_incoming = true)" in two
    assert "⚠️" not in two
    as_json = {m["bot"]: m for m in json.loads(usage_command("--json").stdout)}
    assert (as_json["to1"]["users"], as_json["to1"]["senders"]) == (0, 3)
    assert as_json["to2"]["count_incoming"] is True and as_json["to2"]["sent"] == 1
    # a month gone by: its own figures, and a word on what is today's
    gone = usage_command("--month", "1/2020")
    assert gone.returncode == 0, gone.stderr
    assert "Bot Tổ 1 [to1], tháng 01/2020: 999/3000 (33%) tin" in gone.stdout
    assert "1 người đã nhắn bot tháng 01/2020" in gone.stdout
    assert ", tháng 01/2020: 0/3000 (0%) tin" in gone.stdout.split("to2 [to2]")[1]
    assert "Tháng đã qua: số thành viên liên kết là của hôm nay" in gone.stdout
    old = {m["bot"]: m for m in json.loads(usage_command("--month", "2020-01", "--json").stdout)}
    assert (old["to1"]["month"], old["to1"]["sent"], old["to1"]["senders"]) == ("2020-01", 999, 1)
    for typed, said in (("13/2020", "Không có tháng"), ("tháng 1", "Không hiểu tháng")):
        refused = usage_command("--month", typed)
        assert refused.returncode == 1 and said in refused.stderr, refused.stderr
    later = now.astimezone(zone) + timedelta(days=40)
    refused = usage_command("--month", f"{later:%m/%Y}")
    assert refused.returncode == 1 and "chưa đến" in refused.stderr


def two_bot_config(tmp_path: Path, url: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n'
        '[[zalo.bots]]\nname = "to1"\ntoken = "x"\ndisplay_name = "Bot Tổ 1"\n'
        '[[zalo.bots]]\nname = "to2"\ntoken = "y"\ndisplay_name = "Bot Tổ 2"\n',
        encoding="utf-8",
    )
    return config


def gotungnha(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60
    )


def test_the_officer_spreads_teams_over_bots_and_invites_say_which_bot(
    two_bots: App, tmp_path: Path
):
    roster = Roster(two_bots)
    roster.add("Nguyễn Thị Lan")
    roster.add("Đỗ Thị Hoa", team="Tổ CNSCĐ TDP 2")
    config = str(two_bot_config(tmp_path, two_bots.config.database.url))
    moved = gotungnha(
        "invites", "--zalo-bot", "to2", "--team", "Tổ CNSCĐ TDP 2", "--config", config
    )
    assert moved.returncode == 0, moved.stderr
    assert "Đã chuyển 1 người chưa tham gia sang Bot Tổ 2." in moved.stdout
    lines = {line.split("  ", 1)[1].split(" (")[0]: line for line in moved.stdout.splitlines()[1:]}
    assert lines["Đỗ Thị Hoa"].endswith("Zalo: nhắn Bot Tổ 2")
    assert lines["Nguyễn Thị Lan"].endswith("Zalo: nhắn Bot Tổ 1")  # not chosen: the first
    sheet = tmp_path / "ma-moi.xlsx"
    assert gotungnha("invites", "--out", str(sheet), "--config", config).returncode == 0
    from openpyxl import load_workbook

    cells = [str(c.value) for row in load_workbook(sheet).active.iter_rows() for c in row]
    assert any(c.startswith("Tìm Bot Tổ 2 trên Zalo, nhắn: /thamgia ") for c in cells)
    wrong = gotungnha("invites", "--zalo-bot", "to9", "--config", config)
    assert wrong.returncode == 1 and "Không có bot Zalo “to9”" in wrong.stderr


def test_a_roster_column_picks_the_bot_and_an_unknown_bot_is_a_row_problem(
    two_bots: App, tmp_path: Path
):
    from tests.roster_books import PEOPLE_HEADER, write_roster

    config = str(two_bot_config(tmp_path, two_bots.config.database.url))
    header = (*PEOPLE_HEADER, "Bot Zalo")
    bad = write_roster(
        tmp_path / "sai.xlsx",
        ["TDP 1"],
        [("Nguyễn Thị Lan", "0912345678", "TDP 1", "Thành viên", "", "to9")],
        people_header=header,
    )
    refused = gotungnha("roster", "import", str(bad), "--ward", "Phường Lê Lợi", "--config", config)
    assert refused.returncode == 1 and "dòng 2" in refused.stderr and "to9" in refused.stderr
    good = write_roster(
        tmp_path / "dung.xlsx",
        ["TDP 1"],
        [("Nguyễn Thị Lan", "0912345678", "TDP 1", "Thành viên", "", "TO2")],
        people_header=header,
    )
    done = gotungnha("roster", "import", str(good), "--ward", "Phường Lê Lợi", "--config", config)
    assert done.returncode == 0, done.stderr
    listed = gotungnha("invites", "--ward", "Phường Lê Lợi", "--config", config)
    assert "Nguyễn Thị Lan" in listed.stdout and "Zalo: nhắn Bot Tổ 2" in listed.stdout
