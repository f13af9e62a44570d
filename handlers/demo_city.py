"""A demo city to try the city's view with: the demo ward, three more wards (one busy, one
quiet, one barely started), a city officer, a city deadline and a city campaign."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.admin import add_city_officer, add_member
from handlers.demo import DemoResult, join, load_demo, month_of_logs
from reports.labels import WARD_TEAM
from storage import campaigns, deadlines, queries
from storage.models import Audience, Member, ResidentialGroup, Role, TargetPer, Team
from storage.roster import create_ward
from storage.uow import UnitOfWork

CITY = "Thành phố Hải Phòng (thử nghiệm)"
CITY_OFFICER = ("Vũ Thị Thanh", "thanhpho")  # (name, console user id)


@dataclass(frozen=True)
class DemoWard:
    """One more ward of the demo city: its officer, its teams, how often its members log (a
    share of days), and whether it has sent the city its report."""

    name: str
    officer: str
    teams: int
    members: int  # per team, the leader among them
    busy: float
    sent: bool


OTHER_WARDS = [
    DemoWard("Phường Lê Chân (thử nghiệm)", "Đoàn Văn Khoa", 8, 5, busy=0.45, sent=True),
    DemoWard("Xã An Lão (thử nghiệm)", "Mai Thị Hương", 5, 4, busy=0.15, sent=False),
    DemoWard("Đặc khu Cát Hải (thử nghiệm)", "Tạ Văn Lực", 3, 3, busy=0.04, sent=False),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Ngọc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Khánh", "Linh", "Long", "Nga"]
CAMPAIGN = ("Tháng cao điểm Sổ sức khỏe điện tử", ["sskdt"], 60)  # (name, services, per ward)


@dataclass(frozen=True)
class DemoCity:
    city: str
    wards: int
    logs: int
    demo: DemoResult  # the demo ward, its invites included


def load_demo_city(
    uow: UnitOfWork, *, city: str, now: datetime, zone: ZoneInfo, invite_days: int, seed: int = 7
) -> DemoCity:
    """Fill an empty database with the demo city; the caller commits."""
    demo = load_demo(uow, now=now, zone=zone, invite_days=invite_days, seed=seed)
    officer, invite = add_city_officer(
        uow, city=city, name=CITY_OFFICER[0], now=now, invite_days=invite_days
    )
    join(uow, officer, invite, CITY_OFFICER[1], now=now)
    today = now.astimezone(zone).date()
    due = _city_deadline(uow, today, now=now)
    name, services, target = CAMPAIGN
    campaigns.add_campaign(
        uow.session,
        name=name,
        services=services,
        first_day=today.replace(day=1),
        last_day=_month_end(today),
        target=target,
        per=TargetPer.WARD,
        ward_id=None,
        now=now,
        created_by="demo",
    )
    rng = random.Random(seed + 1)
    logs = demo.logs
    for ward in OTHER_WARDS:
        logs += _other_ward(uow, ward, due, now=now, zone=zone, invite_days=invite_days, rng=rng)
    return DemoCity(city, 1 + len(OTHER_WARDS), logs, demo)


def _city_deadline(uow: UnitOfWork, today: date, *, now: datetime) -> tuple[int, str]:
    """A one-off city deadline ten days on: its id and its period."""
    office = queries.city_office(uow.session)
    assert office is not None and office.id is not None
    before = today + timedelta(days=10)
    deadline = deadlines.add_deadline(
        uow.session,
        ward_id=office.id,
        name=f"Báo cáo tháng {today.month}",
        repeat="once",
        before=before,
        lead_days=[7, 3, 1, 0],
        now=now,
        audience=Audience.WARDS,
    )
    assert deadline.id is not None
    return deadline.id, before.isoformat()  # a one-off's period is its day (schedules.rules)


def _other_ward(
    uow: UnitOfWork,
    ward: DemoWard,
    due: tuple[int, str],
    *,
    now: datetime,
    zone: ZoneInfo,
    invite_days: int,
    rng: random.Random,
) -> int:
    """One more ward, its people all joined (none of them chats here), its logs, and its
    /danop for the city's deadline if it has sent it. How many logs it has."""
    session = uow.session
    made = create_ward(session, ward.name, now=now)
    assert made.id is not None
    officer, invite = add_member(
        uow,
        team=WARD_TEAM,
        name=ward.officer,
        role=Role.OFFICER,
        ward=ward.name,
        now=now,
        invite_days=invite_days,
    )
    join(uow, officer, invite, None, now=now)
    if ward.sent:
        assert officer.id is not None
        deadlines.mark_submitted(
            session,
            deadline_id=due[0],
            team_id=officer.team_id,
            period=due[1],
            member_id=officer.id,
            now=now,
        )
    logging: list[tuple[int, int]] = []
    for n in range(1, ward.teams + 1):
        group = ResidentialGroup(ward_id=made.id, name=f"Tổ dân phố {n}")
        session.add(group)
        session.flush()
        team = Team(ward_id=made.id, residential_group_id=group.id, name=f"Tổ CNSCĐ TDP {n}")
        session.add(team)
        session.flush()
        for m in range(ward.members):
            member, invite = add_member(
                uow,
                team=team.name,
                name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                role=Role.LEADER if m == 0 else Role.MEMBER,
                ward=ward.name,
                now=now,
                invite_days=invite_days,
            )
            join(uow, member, invite, None, now=now)
            logging.append((invite.member_id, member.team_id))
            if m == 0 and rng.random() < min(1.0, 2 * ward.busy):
                _sent_yearly(uow, made.id, member, now=now, zone=zone)
    session.flush()
    return month_of_logs(uow, logging, now=now, zone=zone, rng=rng, busy=ward.busy)


def _sent_yearly(
    uow: UnitOfWork, ward_id: int, leader: Member, *, now: datetime, zone: ZoneInfo
) -> None:
    """The leader's team sent the ward's yearly report (its last period gone by) five days
    before its last day."""
    [yearly] = [
        d for d in deadlines.deadlines_of_ward(uow.session, ward_id) if d.repeat == "yearly"
    ]
    today = now.astimezone(zone).date()
    year = today.year if today >= yearly.before.replace(year=today.year) else today.year - 1
    sent = datetime.combine(yearly.before.replace(year=year), time(9), zone) - timedelta(days=6)
    assert yearly.id is not None and leader.id is not None
    deadlines.mark_submitted(
        uow.session,
        deadline_id=yearly.id,
        team_id=leader.team_id,
        period=str(year),  # a yearly deadline's period is its year (schedules.rules)
        member_id=leader.id,
        now=sent,
    )


def _month_end(day: date) -> date:
    first_of_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_of_next - timedelta(days=1)
