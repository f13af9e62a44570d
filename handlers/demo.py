"""A demo ward to try the bot with: groups, teams, members and a month of support logs."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from handlers.admin import PendingInvite, add_member, pending_invites
from handlers.errors import NotEmpty as NotEmpty
from reports.labels import WARD_TEAM
from storage import logs, queries
from storage.models import (
    ChatIdentity,
    InviteCode,
    Member,
    ResidentialGroup,
    Role,
    SupportLog,
    Team,
)
from storage.roster import create_ward
from storage.uow import UnitOfWork

WARD = "Phường Nhị Chiểu (thử nghiệm)"
GROUPS = [f"Tổ dân phố {n}" for n in range(1, 7)]  # TDP 6 has no team yet: 5/6 = 83%
# (team, name, role, console user id or None when not joined yet)
PEOPLE = [
    (WARD_TEAM, "Trần Văn Hùng", Role.OFFICER, "canbo"),
    ("Tổ CNSCĐ TDP 1", "Phạm Văn Minh", Role.LEADER, "totruong"),
    ("Tổ CNSCĐ TDP 1", "Nguyễn Thị Lan", Role.MEMBER, "demo"),
    ("Tổ CNSCĐ TDP 1", "Lê Văn Tám", Role.MEMBER, "tam"),
    ("Tổ CNSCĐ TDP 1", "Đỗ Thị Hoa", Role.MEMBER, None),
    ("Tổ CNSCĐ TDP 2", "Vũ Thị Mai", Role.LEADER, "mai"),
    ("Tổ CNSCĐ TDP 2", "Hoàng Văn Nam", Role.MEMBER, "nam"),
    ("Tổ CNSCĐ TDP 2", "Bùi Thị Thu", Role.MEMBER, None),
    ("Tổ CNSCĐ TDP 3", "Ngô Văn Bình", Role.LEADER, "binh"),
    ("Tổ CNSCĐ TDP 3", "Đặng Thị Hằng", Role.MEMBER, "hang"),
    ("Tổ CNSCĐ TDP 4", "Phan Văn Đức", Role.LEADER, None),
    ("Tổ CNSCĐ TDP 4", "Trịnh Thị Nga", Role.MEMBER, "nga"),
    ("Tổ CNSCĐ TDP 5", "Lý Văn Sơn", Role.LEADER, None),
]
PLACES = ["ngõ 5 Trần Nguyên Hãn", "nhà văn hoá tổ 2", "chợ Đôn", None, None]
WEIGHTS = {
    "vneid": 5,
    "muc2": 3,
    "sskdt": 5,
    "smarthp": 3,
    "bc114": 2,
    "dvc": 1,
    "ttkdtm": 1,
    "vssid": 1,
    "zalo": 2,
}


@dataclass(frozen=True)
class DemoResult:
    ward: str
    logs: int
    invites: list[PendingInvite]


def load_demo(
    uow: UnitOfWork, *, now: datetime, zone: ZoneInfo, invite_days: int, seed: int = 7
) -> DemoResult:
    """Fill an empty database with the demo ward; the caller commits."""
    session = uow.session
    if queries.wards(session):
        raise NotEmpty("Cơ sở dữ liệu đã có dữ liệu; demo chỉ nạp vào cơ sở dữ liệu trống.")
    ward = create_ward(session, WARD, now=now)
    assert ward.id is not None
    groups = {}
    for name in GROUPS:
        group = ResidentialGroup(ward_id=ward.id, name=name)
        session.add(group)
        groups[name] = group
    session.flush()
    for n in range(1, 6):
        group = groups[f"Tổ dân phố {n}"]
        session.add(Team(ward_id=ward.id, residential_group_id=group.id, name=f"Tổ CNSCĐ TDP {n}"))
    session.add(Team(ward_id=ward.id, name=WARD_TEAM))
    session.flush()
    joined: list[tuple[int, int]] = []  # (member id, team id) of those who log
    for team, name, role, user_id in PEOPLE:
        member, invite = add_member(
            uow, team=team, name=name, role=role, ward=WARD, now=now, invite_days=invite_days
        )
        if user_id is None:
            continue
        join(uow, member, invite, user_id, now=now)
        if role is not Role.OFFICER:
            joined.append((invite.member_id, member.team_id))
    session.flush()
    count = month_of_logs(uow, joined, now=now, zone=zone, rng=random.Random(seed))
    invites = pending_invites(uow, now=now, invite_days=invite_days, ward_id=ward.id)
    return DemoResult(WARD, count, invites)


def join(
    uow: UnitOfWork, member: Member, invite: InviteCode, user_id: str | None, *, now: datetime
) -> None:
    """The person has joined, with their invite: on the console as `user_id` (None: on no
    chat here, so that no invite of theirs is left waiting)."""
    if user_id is not None:
        uow.session.add(
            ChatIdentity(
                member_id=invite.member_id, platform="console", user_id=user_id, linked_at=now
            )
        )
    member.consent_at, invite.used_at = now, now
    uow.session.add_all([member, invite])


def month_of_logs(
    uow: UnitOfWork,
    members: list[tuple[int, int]],
    *,
    now: datetime,
    zone: ZoneInfo,
    rng: random.Random,
    busy: float = 0.35,
) -> int:
    """A month of logs of (member id, team id) each, on a `busy` share of days each."""
    session = uow.session
    today = now.astimezone(zone).date()
    codes, weights = list(WEIGHTS), list(WEIGHTS.values())
    count = 0
    for back in range(30, 0, -1):  # today is left for the person trying it out
        day = today - timedelta(days=back)
        for member_id, team_id in members:
            if rng.random() > busy:
                continue
            picked = set(rng.choices(codes, weights, k=rng.randint(1, 3)))
            items = {code: rng.randint(1, 6) for code in codes if code in picked}
            created = datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), zone)
            logs.add_log(
                session,
                SupportLog(
                    member_id=member_id,
                    team_id=team_id,
                    day=day,
                    households=rng.choice([None, None, rng.randint(1, 8)]),
                    place=rng.choice(PLACES),
                    platform="console",
                    created_at=created,
                ),
                items,
            )
            count += 1
    return count
