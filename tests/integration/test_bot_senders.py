"""Counting as Zalo likely counts: everyone who writes to a bot in a month (joined or not)
beside the members linked through it, and with `[zalo] count_incoming` the messages it
receives towards its monthly messages too. Through the engine, on both databases."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import select

from bot.app import App, build_app
from bot.bot_report import zalo_months
from bot.cleanup import clean_up, last_month
from bot.config import Config, ZaloBotConfig, ZaloConfig
from handlers.messages import Incoming
from storage import bot_usage
from storage.models import BotSender, ProcessedMessage
from tests.conftest import ZONE, Clock, Roster

_ids = itertools.count()


def deployment(config: Config, clock: Clock, *, count_incoming: bool) -> App:
    """Two Zalo bots on the Basic plan's figures, counting what they receive or not."""
    bots = tuple(
        ZaloBotConfig(
            name=name,
            token=f"token-{name}",
            monthly_messages=3000,
            max_users=50,
            count_incoming=count_incoming,
        )
        for name in ("to1", "to2")
    )
    return build_app(replace(config, zalo=ZaloConfig(bots=bots)), clock=clock)


def write(app: App, user: str, text: str, *, bot: str = "to1", key: str | None = None) -> str:
    """A private Zalo message from `user` through `bot`; the answer."""
    incoming = Incoming(
        "zalo",
        user,
        user,
        text=text,
        bot=bot,
        message_key=key or f"zalo:{bot}:{next(_ids)}",
    )
    return "\n".join(r.text for r in app.engine.handle(incoming))


def join(app: App, user: str, name: str) -> None:
    code = Roster(app).add(name)
    assert "Bạn có đồng ý không?" in write(app, user, f"thamgia {code}")
    assert "Chào mừng" in write(app, user, "1")


def senders(app: App, month: str = "2026-11") -> dict[str, int]:
    with app.uow() as uow:
        return bot_usage.senders_per_bot(uow.session, "zalo", month)


def usage(app: App, month: str = "2026-11") -> dict[str, dict[str, int]]:
    with app.uow() as uow:
        return {bot: kinds for (_, bot), kinds in bot_usage.month_usage(uow.session, month).items()}


def test_everyone_who_writes_counts_once_a_month_beside_the_linked_members(
    config: Config, clock: Clock
):
    app = deployment(config, clock, count_incoming=False)
    try:
        join(app, "u-lan", "Nguyễn Thị Lan")
        write(app, "u-lan", "vneid 3")
        write(app, "u-khach", "xin chào")  # someone who never joins counts with Zalo too
        write(app, "u-khach", "alo")
        write(app, "u-hoa", "xin chào", bot="to2")
        write(app, "u-hoa", "xin chào", bot="to2", key="zalo:to2:again")
        write(app, "u-hoa", "xin chào", bot="to2", key="zalo:to2:again")  # redelivered
        assert senders(app) == {"to1": 2, "to2": 1}
        with app.uow() as uow:
            months = {m.name: m for m in zalo_months(uow.session, app.config, now=clock.now)}
        assert (months["to1"].users, months["to1"].senders) == (1, 2)
        assert (months["to2"].users, months["to2"].senders) == (0, 1)
        assert months["to1"].as_dict()["senders"] == 2
        assert months["to1"].as_dict()["count_incoming"] is False
        assert "received" not in usage(app).get("to1", {})  # only what the bot sent counts
        # next month everyone counts afresh
        clock.set_local(2026, 12, 1, 9, 0)
        write(app, "u-lan", "vneid 1")
        assert senders(app, "2026-12") == {"to1": 1}
        assert senders(app) == {"to1": 2, "to2": 1}
    finally:
        app.db.dispose()


def test_a_sender_is_kept_as_a_keyed_hash_that_matches_nothing_else(config: Config, clock: Clock):
    app = deployment(config, clock, count_incoming=False)
    try:
        write(app, "u-khach", "xin chào")
        clock.set_local(2026, 12, 1, 9, 0)
        write(app, "u-khach", "xin chào")
        with app.uow() as uow:
            rows = uow.session.exec(select(BotSender)).all()
            processed = {p.sender for p in uow.session.exec(select(ProcessedMessage))}
        assert [(r.bot, r.month) for r in rows] == [("to1", "2026-11"), ("to1", "2026-12")]
        first, second = (r.sender for r in rows)
        assert first != second  # two months' rows cannot be matched with each other
        assert all(len(r.sender) == 64 and "u-khach" not in r.sender for r in rows)
        assert not {first, second} & processed  # nor with the stored answers' senders
    finally:
        app.db.dispose()


def test_with_count_incoming_each_message_received_counts_towards_the_month(
    config: Config, clock: Clock
):
    app = deployment(config, clock, count_incoming=True)
    try:
        join(app, "u-lan", "Nguyễn Thị Lan")  # two messages in, two answers out
        write(app, "u-lan", "vneid 3", key="zalo:to1:entry")
        write(app, "u-lan", "vneid 3", key="zalo:to1:entry")  # a redelivery counts once
        write(app, "u-khach", "xin chào", bot="to2")
        counted = usage(app)
        assert counted["to1"]["received"] == 3 and counted["to2"]["received"] == 1
        with app.uow() as uow:
            # what the schedule keeps within the plan counts them (reply counts are the
            # channel's: the engine only answers here)
            assert bot_usage.sent_this_month(uow.session, ("zalo", "to1"), "2026-11") == 3
            [to1, _to2] = zalo_months(uow.session, app.config, now=clock.now)
        assert to1.count_incoming and to1.sent == 3 and to1.by_kind == {"received": 3}
    finally:
        app.db.dispose()


def test_the_daily_clean_up_forgets_who_wrote_before_last_month(config: Config, clock: Clock):
    app = deployment(config, clock, count_incoming=False)
    try:
        with app.uow() as uow:
            for month in ("2026-09", "2026-10", "2026-11"):
                bot_usage.add_sender(uow.session, ("zalo", "to1"), month=month, sender=month)
            uow.commit()
        assert last_month(clock.now, ZONE) == "2026-10"
        assert last_month(datetime(2026, 12, 31, 18, 0, tzinfo=UTC), ZONE) == "2026-12"
        assert clean_up(app, None)["old_senders"] == 1
        with app.uow() as uow:
            months = sorted(r.month for r in uow.session.exec(select(BotSender)))
        assert months == ["2026-10", "2026-11"]
    finally:
        app.db.dispose()
