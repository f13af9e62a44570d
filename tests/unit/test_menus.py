"""The Telegram command menus: each role sees the commands it may use, all of them real."""

from __future__ import annotations

import pytest

from handlers import texts
from handlers.context import RANK
from handlers.features import ROUTER
from handlers.features.city import AS_IS
from schedules.city_chat import router as city_router
from schedules.commands import router as deadline_router
from storage.models import Role

COMMANDS = {**ROUTER.commands, **deadline_router.commands}
# everybody's menu ("") is the members' one, with /thamgia for those who have not joined
ROLES = {"": Role.MEMBER, "member": Role.MEMBER, "leader": Role.LEADER, "unit": Role.UNIT}
ROLES |= {"officer": Role.OFFICER}


@pytest.mark.parametrize("menu", sorted(texts.MENUS))
def test_every_command_in_a_menu_exists_and_is_described(menu: str):
    described = dict(texts.COMMAND_MENU)
    for name in texts.MENUS[menu]:
        assert name in COMMANDS and name in described, name


@pytest.mark.parametrize("menu", sorted(ROLES))
def test_a_menu_offers_only_what_its_role_may_do(menu: str):
    role = ROLES[menu]
    for name in texts.MENUS[menu]:
        route = COMMANDS[name]
        if name == "thamgia":  # everybody's menu: how a newcomer joins
            continue
        may = RANK[role] >= RANK[route.role] and not (route.only and route.role != role)
        assert may, (menu, name)


def test_leaders_and_officers_see_their_own_commands_members_do_not():
    assert {"lienket", "danop", "xuat"} <= set(texts.MENUS["leader"])
    assert {"tiendo", "hanchot"} <= set(texts.MENUS["officer"])
    assert not {"lienket", "tiendo", "xuat"} & set(texts.MENUS["member"])


def test_the_city_officers_menu_offers_what_answers_the_city_and_nothing_refused():
    city = {**ROUTER.city, **city_router.city}
    for name in texts.MENUS["city"]:
        assert name in city or COMMANDS[name].handler.__module__ in AS_IS, name
    assert {"xuat", "tiendo", "hanchot", "thongke", "chiendich"} <= set(city)
    assert not {"ghi", "danop", "lienket", "huy", "sua"} & set(texts.MENUS["city"])
