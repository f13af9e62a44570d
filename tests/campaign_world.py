"""Two wards with their teams, officers and December's logs, for the campaign tests; and
the tests' own oracle: the sums worked out here from the list of logs, never through
storage.campaigns.

Phường An Biên: Tổ CNSCĐ TDP 1 (Lan, Minh the leader), Tổ CNSCĐ TDP 2 (Bình), and its
officer on the ward's own team. Xã Bình Yên: Tổ CNSCĐ Thôn 1 (Hà) and its officer. The logs
fall before, inside and after December 2026, one is undone, some hold other services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from storage import campaigns, logs, queries
from storage.models import Campaign, Member, Role, SupportLog, TargetPer
from tests.conftest import Roster

WARD_A, WARD_B = "Phường An Biên", "Xã Bình Yên"
TDP_1, TDP_2, THON_1 = "Tổ CNSCĐ TDP 1", "Tổ CNSCĐ TDP 2", "Tổ CNSCĐ Thôn 1"
WARD_TEAM = "Tổ CNSCĐ phường"
DECEMBER = (date(2026, 12, 1), date(2026, 12, 31))


@dataclass(frozen=True)
class Person:
    name: str
    team: str
    ward: str
    role: Role = Role.MEMBER


PEOPLE = {
    "lan": Person("Nguyễn Thị Lan", TDP_1, WARD_A),
    "minh": Person("Phạm Văn Minh", TDP_1, WARD_A, Role.LEADER),
    "binh": Person("Trần Văn Bình", TDP_2, WARD_A),
    "canbo-a": Person("Vũ Thị Cán Bộ", WARD_TEAM, WARD_A, Role.OFFICER),
    "ha": Person("Lê Thu Hà", THON_1, WARD_B),
    "canbo-b": Person("Ngô Văn Cán Bộ", WARD_TEAM, WARD_B, Role.OFFICER),
}


@dataclass(frozen=True)
class Logged:
    who: str
    day: date
    items: dict[str, int] = field(default_factory=dict)
    deleted: bool = False


LOGS = (
    Logged("lan", date(2026, 11, 30), {"sskdt": 5}),  # the day before December
    Logged("lan", date(2026, 12, 1), {"sskdt": 3, "vneid": 2, "muc2": 4}),
    Logged("lan", date(2026, 12, 5), {"vneid": 7}, deleted=True),  # undone
    Logged("minh", date(2026, 12, 10), {"sskdt": 4}),
    Logged("binh", date(2026, 12, 16), {"sskdt": 6, "bc114": 2}),
    Logged("binh", date(2026, 12, 31), {"vneid": 1}),
    Logged("binh", date(2027, 1, 1), {"vneid": 9}),  # the day after
    Logged("canbo-a", date(2026, 12, 12), {"sskdt": 2}),  # the ward's own team
    Logged("ha", date(2026, 12, 3), {"sskdt": 8}),
    Logged("ha", date(2026, 12, 20), {"muc2": 3}),  # a service no campaign counts
)


def counted(
    codes: tuple[str, ...],
    first: date,
    last: date,
    *,
    ward: str | None = None,
    team: str | None = None,
) -> int:
    """The oracle: the sum of `codes` in the logs not undone from `first` to `last`, of a
    ward or of one team (by name, in that ward when both are given)."""
    total = 0
    for log in LOGS:
        person = PEOPLE[log.who]
        if log.deleted or not first <= log.day <= last:
            continue
        if (ward and person.ward != ward) or (team and person.team != team):
            continue
        total += sum(n for code, n in log.items.items() if code in codes)
    return total


def seed(app: App, roster: Roster) -> dict[str, ConsoleChat]:
    """Everyone joined on the console (on the clock's day), then the logs written."""
    chats = {
        key: roster.joined(p.name, user=key, team=p.team, ward=p.ward, role=p.role)
        for key, p in PEOPLE.items()
    }
    with app.uow() as uow:
        session = uow.session
        members = {m.name: m for m in session.exec(select(Member))}
        for log in LOGS:
            member = members[PEOPLE[log.who].name]
            assert member.id is not None
            row = logs.add_log(
                session,
                SupportLog(
                    member_id=member.id,
                    team_id=member.team_id,
                    day=log.day,
                    platform="console",
                    created_at=datetime.combine(log.day, time(3, 0), tzinfo=UTC),
                ),
                log.items,
            )
            if log.deleted:
                logs.soft_delete(row, datetime.combine(log.day, time(4, 0), tzinfo=UTC))
                session.add(row)
        uow.commit()
    return chats


def launch(
    app: App,
    *,
    name: str = "Tháng cao điểm Sổ sức khỏe điện tử",
    services: tuple[str, ...] = ("sskdt", "vneid"),
    days: tuple[date, date] = DECEMBER,
    target: int = 20,
    per: TargetPer = TargetPer.WARD,
    ward: str | None = None,
    now: datetime | None = None,
) -> int:
    """A campaign added as the command line adds it; its number."""
    with app.uow() as uow:
        ward_id = None
        if ward is not None:
            found = queries.ward_by_name(uow.session, ward)
            assert found is not None
            ward_id = found.id
        campaign = campaigns.add_campaign(
            uow.session,
            name=name,
            services=services,
            first_day=days[0],
            last_day=days[1],
            target=target,
            per=per,
            ward_id=ward_id,
            now=now or app.clock(),
        )
        uow.commit()
        assert campaign.id is not None
        return campaign.id


def ids(app: App) -> dict[str, int]:
    """Ward and team name -> id (team names as "ward/team")."""
    with app.uow() as uow:
        found: dict[str, int] = {}
        for ward in queries.wards(uow.session):
            assert ward.id is not None
            found[ward.name] = ward.id
            for team in queries.teams_of_ward(uow.session, ward.id):
                assert team.id is not None
                found[f"{ward.name}/{team.name}"] = team.id
        return found


def stored(app: App, campaign_id: int) -> Campaign:
    with app.uow() as uow:
        found = uow.session.get(Campaign, campaign_id)
        assert found is not None
        uow.session.expunge(found)
        return found
