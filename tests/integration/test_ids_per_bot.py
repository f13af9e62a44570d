"""Zalo issues user and chat ids per bot: someone linked through one bot is a stranger
through another, whatever id they come with. Through the engine, on both databases."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from bot.app import App, build_app
from bot.config import Config, ServerConfig, ZaloBotConfig, ZaloConfig
from handlers import texts
from handlers.messages import Incoming
from schedules.snapshot import ward_views
from storage import queries
from storage.models import ChatIdentity, ConversationState, GroupChat, Member, Role, WebSession
from tests.conftest import ZONE, Clock, Roster, identities
from tests.helpers import stored_logs

_keys = itertools.count()
LOGIN = "/web/vao/"


def deployment(config: Config, clock: Clock, *names: str) -> App:
    """The bot with these Zalo bots ("" is the [zalo] table's own), in this order, and the
    dashboard on (so /web gives a link)."""
    own = "" in names
    bots = tuple(ZaloBotConfig(name=n, token=f"token-{n}") for n in names if n)
    zalo = ZaloConfig(token="token-own" if own else "", bots=bots)
    server = ServerConfig(public_url="https://bot.example.vn")
    return build_app(replace(config, zalo=zalo, server=server), clock=clock)


@pytest.fixture
def two_bots(config: Config, clock: Clock) -> Iterator[App]:
    app = deployment(config, clock, "to1", "to2")
    yield app
    app.db.dispose()


def say(app: App, user: str, text: str, *, bot: str, group: str | None = None) -> str:
    """A Zalo message from `user` through `bot` (privately, or in `group`); the answer."""
    incoming = Incoming(
        "zalo",
        group or user,
        user,
        text=text,
        bot=bot,
        message_key=f"zalo:{bot}:{next(_keys)}",
        is_group=group is not None,
    )
    return "\n".join(r.text for r in app.engine.handle(incoming))


def join(app: App, user: str, name: str, *, bot: str, **kwargs: object) -> None:
    code = Roster(app).add(name, **kwargs)  # type: ignore[arg-type]
    assert "đồng ý" in say(app, user, f"/thamgia {code}", bot=bot)
    assert f"Chào mừng {name}" in say(app, user, "1", bot=bot)


def logs_of(app: App, name: str) -> int:
    with app.uow() as uow:
        member = uow.session.exec(select(Member).where(Member.name == name)).one()
    return len([log for log in stored_logs(app) if log.member_id == member.id])


def web_sessions(app: App) -> int:
    with app.uow() as uow:
        return len(uow.session.exec(select(WebSession)).all())


def test_a_member_linked_through_one_bot_is_a_stranger_through_another(two_bots: App):
    join(two_bots, "u-lan", "Nguyễn Thị Lan", bot="to1", role=Role.LEADER)

    web = say(two_bots, "u-lan", "/web", bot="to2")  # the same id, through the other bot
    assert LOGIN not in web and web == texts.NOT_JOINED
    assert web_sessions(two_bots) == 0
    entry = say(two_bots, "u-lan", "vneid 3", bot="to2")
    assert texts.ENTRY_SAVED not in entry and "/thamgia" in entry
    assert stored_logs(two_bots) == []

    assert LOGIN in say(two_bots, "u-lan", "/web", bot="to1")
    assert texts.ENTRY_SAVED in say(two_bots, "u-lan", "vneid 3", bot="to1")
    assert logs_of(two_bots, "Nguyễn Thị Lan") == 1
    assert [(i.bot, i.user_id) for i in identities(two_bots)] == [("to1", "u-lan")]


def test_the_same_id_in_two_bots_is_two_people(two_bots: App):
    join(two_bots, "u-1", "Nguyễn Thị Lan", bot="to1")
    join(two_bots, "u-1", "Đỗ Thị Hoa", bot="to2", team="Tổ CNSCĐ TDP 2")
    assert texts.ENTRY_SAVED in say(two_bots, "u-1", "vneid 3", bot="to1")
    assert texts.ENTRY_SAVED in say(two_bots, "u-1", "sskdt 2", bot="to2")
    assert (logs_of(two_bots, "Nguyễn Thị Lan"), logs_of(two_bots, "Đỗ Thị Hoa")) == (1, 1)
    assert sorted((i.bot, i.user_id) for i in identities(two_bots)) == [
        ("to1", "u-1"),
        ("to2", "u-1"),
    ]


def test_a_step_begun_through_one_bot_is_not_answered_through_another(two_bots: App):
    code = Roster(two_bots).add("Nguyễn Thị Lan")
    assert "đồng ý" in say(two_bots, "u-lan", f"/thamgia {code}", bot="to1")
    # "1" through the other bot answers nothing pending there: the invite is not taken
    assert "Chào mừng" not in say(two_bots, "u-lan", "1", bot="to2")
    assert identities(two_bots) == []
    assert "Chào mừng Nguyễn Thị Lan" in say(two_bots, "u-lan", "1", bot="to1")
    assert [(i.bot, i.user_id) for i in identities(two_bots)] == [("to1", "u-lan")]
    with two_bots.uow() as uow:
        assert uow.session.exec(select(ConversationState)).all() == []


def group_bots(app: App) -> list[tuple[str, str]]:
    with app.uow() as uow:
        return sorted((g.bot, g.chat_id) for g in uow.session.exec(select(GroupChat)))


def tally_chats(app: App, names: list[str]) -> list[tuple[str, str]]:
    """(bot, chat) of each group that gets a team's weekly tally."""
    with app.uow() as uow:
        [ward] = ward_views(uow.session, zone=ZONE, bots=[("zalo", n) for n in names])
    return sorted((c.bot, c.chat_id) for team in ward.teams for c in team.groups)


def test_a_group_linked_through_one_bot_stays_that_bots(two_bots: App):
    join(two_bots, "u-lan", "Nguyễn Thị Lan", bot="to1", role=Role.LEADER)
    assert "Đã liên kết" in say(two_bots, "u-lan", "/lienket", bot="to1", group="g-1")
    # the same user id and group id through the other bot: a stranger, the group unmoved
    moved = say(two_bots, "u-lan", "/lienket", bot="to2", group="g-1")
    assert moved == texts.STRANGER_IN_GROUP
    assert group_bots(two_bots) == [("to1", "g-1")]
    assert tally_chats(two_bots, ["to1", "to2"]) == [("to1", "g-1")]
    # a leader of the team joined through the other bot links that bot's group g-1: another
    # group, which takes nothing from the first
    join(two_bots, "u-hoa", "Đỗ Thị Hoa", bot="to2", role=Role.LEADER)
    assert "Đã liên kết" in say(two_bots, "u-hoa", "/lienket", bot="to2", group="g-1")
    assert "đã liên kết" in say(two_bots, "u-lan", "/lienket", bot="to1", group="g-1")
    assert group_bots(two_bots) == [("to1", "g-1"), ("to2", "g-1")]


def test_role_lookups_are_per_bot(two_bots: App):
    join(two_bots, "u-lan", "Nguyễn Thị Lan", bot="to1", role=Role.LEADER)
    with two_bots.uow() as uow:
        found = {
            bot: queries.identities_with_role(uow.session, "zalo", [Role.LEADER], bot=bot)
            for bot in ("to1", "to2", "")
        }
    assert found == {"to1": [("u-lan", Role.LEADER)], "to2": [], "": []}


def test_one_id_links_once_per_bot(two_bots: App):
    join(two_bots, "u-lan", "Nguyễn Thị Lan", bot="to1")
    with two_bots.uow() as uow:
        member = uow.session.exec(select(Member)).one()
        assert member.id is not None
        uow.session.add(
            ChatIdentity(member_id=member.id, platform="zalo", user_id="u-lan", bot="to1")
        )
        with pytest.raises(IntegrityError):
            uow.session.flush()


# ----- accounts linked through the unnamed bot of before (bot "") ----------------------


def joined_through_the_unnamed_bot(config: Config, clock: Clock) -> None:
    """Lan (a leader) and her group, linked when the deployment had one unnamed bot."""
    before = deployment(config, clock, "")
    try:
        join(before, "u-lan", "Nguyễn Thị Lan", bot="", role=Role.LEADER)
        assert "Đã liên kết" in say(before, "u-lan", "/lienket", bot="", group="g-1")
        assert [(i.bot, i.user_id) for i in identities(before)] == [("", "u-lan")]
    finally:
        before.db.dispose()


def test_once_every_bot_has_a_name_the_unnamed_bots_people_are_the_first_ones(
    config: Config, clock: Clock
):
    joined_through_the_unnamed_bot(config, clock)
    app = deployment(config, clock, "to1", "to2")  # the old bot was named, and listed first
    try:
        # before she writes again, her reminders and her group's tallies go through to1
        with app.uow() as uow:
            [ward] = ward_views(uow.session, zone=ZONE, bots=[("zalo", "to1"), ("zalo", "to2")])
        assert [(c.bot, c.chat_id) for t in ward.teams for c in (*t.leaders, *t.groups)] == [
            ("to1", "u-lan"),
            ("to1", "g-1"),
        ]
        assert say(app, "u-lan", "/web", bot="to2") == texts.NOT_JOINED
        assert say(app, "u-lan", "/lienket", bot="to2", group="g-1") == texts.STRANGER_IN_GROUP
        assert LOGIN in say(app, "u-lan", "/web", bot="to1")
        # from now on she is to1's, whatever the order of the bots in the config
        assert [(i.bot, i.user_id) for i in identities(app)] == [("to1", "u-lan")]
        assert "đã liên kết" in say(app, "u-lan", "/lienket", bot="to1", group="g-1")
        assert group_bots(app) == [("to1", "g-1")]
    finally:
        app.db.dispose()
    reordered = deployment(config, clock, "to2", "to1")
    try:
        assert LOGIN in say(reordered, "u-lan", "/web", bot="to1")
        assert say(reordered, "u-lan", "/web", bot="to2") == texts.NOT_JOINED
    finally:
        reordered.db.dispose()


def test_while_the_unnamed_bot_runs_its_people_are_its_own(config: Config, clock: Clock):
    joined_through_the_unnamed_bot(config, clock)
    app = deployment(config, clock, "", "to1")  # the [zalo] table's bot, and a named one
    try:
        assert say(app, "u-lan", "/web", bot="to1") == texts.NOT_JOINED
        assert LOGIN in say(app, "u-lan", "/web", bot="")
        assert [(i.bot, i.user_id) for i in identities(app)] == [("", "u-lan")]
        with app.uow() as uow:
            [ward] = ward_views(uow.session, zone=ZONE, bots=[("zalo", ""), ("zalo", "to1")])
        assert [(c.bot, c.chat_id) for t in ward.teams for c in t.groups] == [("", "g-1")]
    finally:
        app.db.dispose()
