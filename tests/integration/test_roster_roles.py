"""A team's roster holds members, leaders and officers; a unit's representative joins only
with their unit (`add_unit`), never as a team member."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.app import App
from handlers.admin import RosterError, add_member
from storage.models import Member, Role, Team


def test_add_member_refuses_a_unit_representative_and_saves_nothing(app: App):
    with app.uow() as uow, pytest.raises(RosterError, match="gotungnha unit add"):
        add_member(
            uow,
            team="Tổ CNSCĐ TDP 1",
            name="Trần Văn Trường",
            role=Role.UNIT,
            ward="Phường Nhị Chiểu",
            now=app.clock(),
            invite_days=30,
        )
    with app.uow() as uow:
        assert uow.session.exec(select(Member)).all() == []
        assert uow.session.exec(select(Team)).all() == []


@pytest.mark.parametrize("role", [Role.MEMBER, Role.LEADER, Role.OFFICER])
def test_add_member_takes_the_roles_of_a_team(app: App, role: Role):
    with app.uow() as uow:
        member, _invite = add_member(
            uow,
            team="Tổ CNSCĐ TDP 1",
            name="Lê Thị Hạnh",
            role=role,
            ward="Phường Nhị Chiểu",
            now=app.clock(),
            invite_days=30,
        )
        uow.commit()
        assert member.role == role
