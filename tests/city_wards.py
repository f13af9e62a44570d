"""Four wards of a city, put straight into the database, with what their figures must be.

Every person's name, phone, roster note and chat account, every log's place and note and
every group's title holds a marker word of its own (MARKERS): none may reach the city's
workbook. The expected figures (EXPECTED) are worked out by hand from what is put in here.

The quarter is 01/10–31/12/2026 and "today" is 23/11/2026: the yearly report (last day
24/10) and a one-off report of Phường Lê Chân (last day 31/10) are over; the quarterly one
(last day 14/12) is not yet, so no ward owes it.

Three campaigns (add_campaigns, apart: a city without one has no `Chiến dịch` sheet): the
city's, per ward; Ngô Quyền's, per team, running on into January; Lê Chân's of January,
outside the quarter. Their results (CAMPAIGNS) are worked out by hand from the logs below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session

from bot.app import App
from handlers.admin import add_city_officer, add_ward
from reports.labels import WARD_TEAM
from storage import campaigns, deadlines, logs, queries, roster
from storage.models import (
    Audience,
    ChatIdentity,
    DeadlineSubmission,
    GroupChat,
    Member,
    ModelRegistration,
    ResidentialGroup,
    Role,
    SupportLog,
    TargetPer,
    Team,
    Unit,
    Ward,
)
from storage.uow import UnitOfWork
from tests.conftest import ZONE

QUARTER = (date(2026, 10, 1), date(2026, 12, 31))
TODAY = date(2026, 11, 23)
CAT_HAI, LE_CHAN, NGO_QUYEN, AN_LAO = (
    "Đặc khu Cát Hải",
    "Phường Lê Chân",
    "Phường Ngô Quyền",
    "Xã An Lão",
)
WARDS_IN_ORDER = [CAT_HAI, LE_CHAN, NGO_QUYEN, AN_LAO]  # as a reader looks them up: Đ with D
YEARLY, ONE_OFF, QUARTERLY = "Báo cáo năm", "Báo cáo chuyên đề", "Báo cáo quý"
MARKERS: list[str] = []  # every private word put in; filled as the wards are built


@dataclass(frozen=True)
class Figures:
    """One ward's row of `Các phường`, as worked out by hand."""

    teams: int = 0
    members: int = 0
    active: int = 0
    chats: int = 0
    logs: int = 0
    services: tuple[tuple[str, int], ...] = ()
    households: int = 0
    people: int = 0
    models: int = 0
    due: int = 0
    on_time: int = 0


EXPECTED = {
    # TDP 1: 1 joined member (late yearly report); no logs
    CAT_HAI: Figures(teams=1, members=1, due=1),
    # TDP 1: Én logged, Phụng erased her data after logging; the yearly report on its last
    # evening, the one-off report never
    LE_CHAN: Figures(
        teams=1,
        members=1,
        active=1,
        chats=1,
        logs=2,
        services=(("vneid", 3), ("smarthp", 2)),
        people=3,
        due=2,
        on_time=1,
    ),
    # TDP 1 (An, Bảo the leader, Cúc who never joined), TDP 2 (Dung, and Hà who logged for
    # TDP 1 before she moved: active in neither), the ward's own team (an officer, never a
    # member); An's log of September and Bảo's undone log count nowhere
    NGO_QUYEN: Figures(
        teams=2,
        members=5,
        active=2,
        chats=2,
        logs=5,
        services=(("vneid", 4), ("sskdt", 2), ("cks", 1), ("bc114", 2), ("dvc", 1)),
        households=3,
        people=12,
        models=2,
        due=2,
        on_time=1,
    ),
    AN_LAO: Figures(),  # a ward with nothing yet
}
# the services' sums by month: (code, month) -> sum
BY_MONTH = {
    ("vneid", 10): 6,
    ("vneid", 11): 1,
    ("sskdt", 10): 2,
    ("cks", 10): 1,
    ("smarthp", 10): 2,
    ("dvc", 11): 1,
    ("bc114", 12): 2,
}
# Chưa nộp đúng hạn: (ward, deadline, last day, teams that sent it, teams)
MISSING = [
    (CAT_HAI, YEARLY, date(2026, 10, 24), 0, 1),
    (NGO_QUYEN, YEARLY, date(2026, 10, 24), 1, 2),
    (LE_CHAN, ONE_OFF, date(2026, 10, 31), 0, 1),
]


def _mark(text: str) -> str:
    MARKERS.append(text)
    return text


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


class _Ward:
    """One ward being built."""

    def __init__(self, session: Session, ward: Ward, now: datetime) -> None:
        self.session, self.now = session, now
        assert ward.id is not None
        self.id = ward.id
        self.people = 0

    def team(self, name: str, *, residential: bool = True) -> Team:
        group = None
        if residential:
            group = ResidentialGroup(ward_id=self.id, name=name)
            self.session.add(group)
            self.session.flush()
        group_id = group.id if group is not None else None
        team = Team(ward_id=self.id, name=f"Tổ CNSCĐ {name}", residential_group_id=group_id)
        self.session.add(team)
        self.session.flush()
        return team

    def person(
        self, team: Team, name: str, *, joined: bool = True, role: Role = Role.MEMBER
    ) -> Member:
        self.people += 1
        assert team.id is not None
        member = Member(
            team_id=team.id,
            name=_mark(name),
            phone=_mark(f"09{self.id:02d}{self.people:02d}45678"),
            role=role,
            note=_mark(f"ghichu{name.split()[-1]}riengtu"),
            created_at=self.now,
            consent_at=self.now if joined else None,
        )
        self.session.add(member)
        self.session.flush()
        assert member.id is not None
        if joined:
            user = _mark(f"taikhoan{self.id}x{self.people}")
            shown = _mark(f"{name.split()[-1]}hienthi")
            identity = ChatIdentity(
                member_id=member.id, platform="telegram", user_id=user, display_name=shown
            )
            self.session.add(identity)
        return member

    def log(
        self,
        member: Member,
        day: date,
        items: dict[str, int],
        *,
        people: int | None = None,
        households: int | None = None,
        deleted: bool = False,
        team: Team | None = None,
    ) -> None:
        assert member.id is not None
        n = len(MARKERS)
        logs.add_log(
            self.session,
            SupportLog(
                member_id=member.id,
                team_id=team.id if team and team.id else member.team_id,
                day=day,
                people=people,
                households=households,
                place=_mark(f"ngo Diadiem{n} rieng"),
                note=_mark(f"ghi chu Noidung{n} rieng"),
                platform="console",
                created_at=_at(day, 9),
                deleted_at=_at(day, 10) if deleted else None,
            ),
            items,
        )

    def chat(self, platform: str, team: Team | None, title: str) -> None:
        self.session.add(
            GroupChat(
                platform=platform,
                chat_id=_mark(f"-100{self.id}{len(MARKERS)}nhom"),
                ward_id=self.id,
                team_id=team.id if team else None,
                title=_mark(title),
            )
        )

    def sent(self, team: Team, name: str, period: str, at: datetime) -> None:
        found = [d for d in deadlines.deadlines_of_ward(self.session, self.id) if d.name == name]
        assert team.id is not None and found[0].id is not None
        self.session.add(
            DeadlineSubmission(
                deadline_id=found[0].id, team_id=team.id, period=period, submitted_at=at
            )
        )


def build_city(app: App) -> None:
    """The four wards, their people, logs, groups, models and reports sent."""
    now = app.clock()
    with app.uow() as uow:
        s = uow.session
        made = {name: _Ward(s, add_ward(uow, name, now=now), now) for name in WARDS_IN_ORDER}

        ngo = made[NGO_QUYEN]
        tdp1, tdp2 = ngo.team("TDP 1"), ngo.team("TDP 2")
        own = ngo.team("phường", residential=False)
        an = ngo.person(tdp1, "Nguyễn Văn Anxuyen")
        bao = ngo.person(tdp1, "Trần Thị Baoxuyen", role=Role.LEADER)
        ngo.person(tdp1, "Lê Thị Cucxuyen", joined=False)
        dung = ngo.person(tdp2, "Phạm Văn Dungxuyen")
        ha = ngo.person(tdp2, "Hà Thị Haxuyen")  # moved from TDP 1 after logging for it
        officer = ngo.person(own, "Vũ Thị Officerxuyen", role=Role.OFFICER)
        ngo.log(an, date(2026, 10, 5), {"vneid": 3, "sskdt": 2}, households=2)
        ngo.log(an, date(2026, 11, 12), {"vneid": 1}, people=5)
        ngo.log(an, date(2026, 9, 30), {"vneid": 9})  # the quarter before
        ngo.log(bao, date(2026, 11, 20), {"muc2": 4}, deleted=True)  # undone
        ngo.log(dung, date(2026, 12, 15), {"bc114": 2}, households=1)
        ngo.log(officer, date(2026, 11, 1), {"dvc": 1})
        ngo.log(ha, date(2026, 10, 6), {"cks": 1}, team=tdp1)
        ngo.chat("zalo", tdp1, "Nhóm Zalo TDP 1 Tieudenhom")
        ngo.chat("telegram", None, "Nhóm phường Tieudephuong")
        school = Unit(ward_id=ngo.id, name="Trường THCS Ngô Quyền", kind="school", created_at=now)
        s.add(school)
        s.flush()
        assert school.id is not None
        for n, gone in ((1, False), (2, False), (3, True)):
            s.add(
                ModelRegistration(
                    unit_id=school.id,
                    name=f"Mô hình {n}",
                    content="Nội dung",
                    method="Cách thức",
                    participants=_mark(f"Giaovien{n} Thamgia"),
                    results="Hiệu quả",
                    budget="Xã hội hoá",
                    created_at=now,
                    deleted_at=now if gone else None,
                )
            )
        ngo.sent(tdp1, YEARLY, "2026", _at(date(2026, 10, 20), 9))

        le = made[LE_CHAN]
        le1 = le.team("TDP 1")
        en = le.person(le1, "Đỗ Thị Enxuyen")
        phung = le.person(le1, "Bùi Thị Phungxuyen")
        le.log(en, date(2026, 10, 3), {"vneid": 2, "smarthp": 2})
        le.log(phung, date(2026, 10, 4), {"vneid": 1})
        phung.erased_at = now  # after logging: her log stays in the totals, she is no member
        s.add(phung)
        le.chat("zalo", le1, "Nhóm Lê Chân Tieudelechan")
        le.sent(le1, YEARLY, "2026", _at(date(2026, 10, 24), 23, 30))  # on its last evening
        deadlines.add_deadline(
            s,
            ward_id=le.id,
            name=ONE_OFF,
            repeat="once",
            before=date(2026, 11, 1),
            lead_days=[7],
            now=now,
        )
        deadlines.add_deadline(  # the units': met by registering a model, not by /danop
            s,
            ward_id=le.id,
            name="Đăng ký mô hình",
            repeat="once",
            before=date(2026, 11, 1),
            lead_days=[7],
            now=now,
            audience=Audience.UNITS,
        )

        cat = made[CAT_HAI]
        cat1 = cat.team("TDP 1")
        cat.person(cat1, "Hoàng Văn Giangxuyen")
        cat.sent(cat1, YEARLY, "2026", _at(date(2026, 10, 25), 0, 30))  # half an hour late
        uow.commit()


def expected_service_totals() -> dict[str, int]:
    """Each service's sum over the wards, from EXPECTED."""
    found: dict[str, int] = {}
    for figures in EXPECTED.values():
        for code, n in figures.services:
            found[code] = found.get(code, 0) + n
    return found


@dataclass(frozen=True)
class Launched:
    """A campaign as added: its row of `Chiến dịch` (texts as shown) and each ward's."""

    name: str
    services: tuple[str, ...]
    days: tuple[date, date]
    target: int
    per: TargetPer
    ward: str | None  # None: every ward
    shown: tuple[str, str, str]  # its days, services and target as the sheet shows them
    until: date  # counted through
    wards: dict[str, tuple[int, int, float | str | None]]  # (result, target, rate), in order
    total: tuple[int, int, str]  # results, targets, wards that reached it


CITY_CAMPAIGN = Launched(
    "Cao điểm định danh điện tử",
    ("vneid", "muc2", "bc114"),
    (date(2026, 10, 4), date(2026, 11, 30)),
    3,
    TargetPer.WARD,
    None,
    (
        "04/10/2026–30/11/2026",
        "Cài đặt VNeID, Kích hoạt định danh điện tử mức 2, Báo cháy 114",
        "3 lượt mỗi phường",
    ),
    date(2026, 11, 30),
    {
        CAT_HAI: (0, 3, 0.0),
        # Phụng's VNeID of 04/10 (her member erased, her log kept); Én's of 03/10 is the day
        # before the campaign
        LE_CHAN: (1, 3, 1 / 3),
        # An's VNeID of 05/10 and 12/11; not his of 30/09 (before), Bảo's undone "muc2 4" of
        # 20/11, nor Dung's "bc114 2" of 15/12 (after its last day)
        NGO_QUYEN: (4, 3, 4 / 3),
        AN_LAO: (0, 3, 0.0),
    },
    (5, 12, "1/4 phường đạt"),
)
WARD_CAMPAIGN = Launched(
    "Sổ sức khỏe, chữ ký số và báo cháy",
    ("sskdt", "cks", "bc114", "dvc"),
    (date(2026, 10, 5), date(2027, 1, 15)),
    3,
    TargetPer.TEAM,
    NGO_QUYEN,
    (
        "05/10/2026–15/01/2027",
        "Sổ sức khỏe điện tử, Chữ ký số, Báo cháy 114, Dịch vụ công trực tuyến",
        "3 lượt mỗi tổ",
    ),
    date(2026, 12, 31),  # the quarter's last day
    # TDP 1: An's "sskdt 2" of 05/10 and Hà's "cks 1" of 06/10 (logged for TDP 1): 3, reached;
    # TDP 2: Dung's "bc114 2": 2, not; the ward's own team: the officer's "dvc 1", no target.
    # 6 of 6, yet not every team reached its target: the ward did not
    {NGO_QUYEN: (6, 6, "1/2 tổ")},
    (6, 6, "0/1 phường đạt"),
)
JANUARY_CAMPAIGN = Launched(  # after the quarter: in no workbook of it
    "Tháng Giêng không tiền mặt",
    ("ttkdtm",),
    (date(2027, 1, 5), date(2027, 1, 31)),
    10,
    TargetPer.WARD,
    LE_CHAN,
    ("05/01/2027–31/01/2027", "Thanh toán không dùng tiền mặt", "10 lượt mỗi phường"),
    date(2027, 1, 31),
    {LE_CHAN: (0, 10, 0.0)},
    (0, 10, "0/1 phường đạt"),
)
CAMPAIGNS = [CITY_CAMPAIGN, WARD_CAMPAIGN]  # the quarter's, soonest first


def add_campaigns(app: App) -> None:
    """The three campaigns, as the command line adds them."""
    with app.uow() as uow:
        for each in (JANUARY_CAMPAIGN, WARD_CAMPAIGN, CITY_CAMPAIGN):
            ward_id = None
            if each.ward is not None:
                ward = queries.ward_by_name(uow.session, each.ward)
                assert ward is not None
                ward_id = ward.id
            campaigns.add_campaign(
                uow.session,
                name=each.name,
                services=each.services,
                first_day=each.days[0],
                last_day=each.days[1],
                target=each.target,
                per=each.per,
                ward_id=ward_id,
                now=app.clock(),
            )
        uow.commit()


def city_deadlines(uow: UnitOfWork, now: datetime, *which: tuple[str, date, str]) -> None:
    """The city's office and its deadlines for every ward (schedules.commands.add_once)."""
    if queries.city_office(uow.session) is None:
        add_city_officer(uow, city="Thành phố Hải Phòng", name="Cán bộ", now=now, invite_days=30)
    office = queries.city_office(uow.session)
    assert office is not None and office.id is not None
    for name, before, _period in which:
        deadlines.add_deadline(
            uow.session,
            ward_id=office.id,
            name=name,
            repeat="once",
            before=before,
            lead_days=[7, 3, 1, 0],
            now=now,
            audience=Audience.WARDS,
        )


def ward_sends(
    uow: UnitOfWork,
    ward: str,
    which: tuple[str, date, str],
    now: datetime,
    team: str = WARD_TEAM,
) -> None:
    """The ward's officer marks the ward's report sent, as /danop stores it
    (schedules.commands._ward_submitted): on the ward's own team."""
    session = uow.session
    found = queries.ward_by_name(session, ward)
    assert found is not None and found.id is not None
    own, _new = roster.ward_team(session, found.id, name=team)
    officer = Member(team_id=own.id or 0, name="Cán bộ phường", role=Role.OFFICER, created_at=now)
    session.add(officer)
    session.flush()
    [deadline] = [d for d in deadlines.active_deadlines(session) if d.name == which[0]]
    assert deadline.id is not None and own.id is not None and officer.id is not None
    new = deadlines.mark_submitted(
        session,
        deadline_id=deadline.id,
        team_id=own.id,
        period=which[2],
        member_id=officer.id,
        now=now,
    )
    assert new
