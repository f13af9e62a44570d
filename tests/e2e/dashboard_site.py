"""The web dashboard served on loopback for a test: the bot's own web app (as `gotungnha run`
serves it) on a free port, with a ward of two neighbourhood teams and another ward beside it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from sqlmodel import select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.config import Config, ServerConfig
from bot.runner import web_dashboard
from bot.web.server import create_web_app
from storage import queries
from storage.models import ResidentialGroup, Role, Team
from tests.conftest import Clock, Roster
from tests.e2e.running import free_port
from tests.fakes.zalo_api import ServerThread

WARD = "Phường Nhị Chiểu"
OTHER_WARD = "Phường Hoàng Văn Thụ"
OFFICE = "Tổ CNSCĐ phường"
TEAM_1, TEAM_2 = "Tổ CNSCĐ TDP 1", "Tổ CNSCĐ TDP 2"
LINK = re.compile(r"(http://\S+/web/vao/\S+)")


@dataclass
class Site:
    app: App
    url: str
    roster: Roster

    def link(self, chat: ConsoleChat) -> str:
        """Ask for a login link with /web, as an officer or a leader does in chat."""
        answer = chat.say("/web")
        found = LINK.search(answer)
        assert found, answer
        return found.group(1)

    def ward_id(self, name: str = WARD) -> int:
        with self.app.uow() as uow:
            ward = queries.ward_by_name(uow.session, name)
            assert ward is not None and ward.id is not None
            return ward.id

    def team_id(self, name: str, ward: str = WARD) -> int:
        with self.app.uow() as uow:
            team = queries.teams_named(uow.session, name, self.ward_id(ward))[0]
            assert team.id is not None
            return team.id


@pytest.fixture
def site(config: Config, clock: Clock) -> Iterator[Site]:
    """The dashboard on http://127.0.0.1:<port>, /web links pointing there."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = ServerConfig(host="127.0.0.1", port=port, public_url=url)
    app = build_app(replace(config, server=server), clock=clock)
    web = create_web_app(dashboard=web_dashboard(app))
    with ServerThread(web, name="dashboard", port=port):
        yield Site(app, url, Roster(app))
    app.db.dispose()


def neighbourhood_teams(app: App) -> None:
    """Give every "TDP" team its residential group: those are the teams that report."""
    with app.uow() as uow:
        for n, team in enumerate(uow.session.exec(select(Team)).all(), start=1):
            if "TDP" in team.name and team.residential_group_id is None:
                group = ResidentialGroup(ward_id=team.ward_id, name=f"Tổ dân phố {n}")
                uow.session.add(group)
                uow.session.flush()
                team.residential_group_id = group.id
                uow.session.add(team)
        uow.commit()


def officer(site: Site, ward: str = WARD, name: str = "Vũ Thị Ánh") -> ConsoleChat:
    return site.roster.joined(name, team=OFFICE, role=Role.OFFICER, ward=ward)
