"""Who may run what, and who may see what: every registered command against every kind of person.

The world: ward A with team A1 (a member and a leader) and team A2 (a leader, a member who
logged at a secret place, a member who never logs), the officer of ward A, the officer of
ward B (with a member of ward B who logged too) and a stranger who never joined. Every name,
place, note, phone number and deadline is distinctive, so an answer that shows something of
a team or ward its reader may not see is caught by a plain substring search.

The commands are read from the engine's merged router, never listed here by hand; the table
of the role each command needs must cover exactly the registered commands.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from handlers.admin import add_unit
from handlers.context import RANK
from handlers.messages import Incoming, Reply
from storage import campaigns
from storage.models import Member, ResidentialGroup, Role, SupportLog, TargetPer, Team
from tests.conftest import Roster

# --- the table every new command must be added to --------------------------------------------

# the least role a command needs (None: anyone, strangers included)
NEEDS: dict[str, Role | None] = {
    "start": None,
    "thamgia": None,
    "trogiup": None,
    "help": None,
    "ghi": Role.MEMBER,
    "huy": Role.MEMBER,
    "sua": Role.UNIT,  # a unit's representative changes its models with it
    "dangkymohinh": Role.UNIT,  # for units only: the routes say `only`
    "dangky": Role.UNIT,
    "cuatoi": Role.MEMBER,
    "thongke": Role.MEMBER,
    "chiendich": Role.MEMBER,
    "dulieucuatoi": Role.UNIT,
    "xoadulieucuatoi": Role.UNIT,
    "tatnhac": Role.MEMBER,
    "batnhac": Role.MEMBER,
    "lienket": Role.LEADER,
    "xuat": Role.LEADER,
    "baocao": Role.LEADER,
    "danop": Role.LEADER,
    "web": Role.LEADER,  # a login link to the dashboard
    "trangweb": Role.LEADER,
    "dashboard": Role.LEADER,
    "tiendo": Role.OFFICER,
    "hanchot": Role.OFFICER,
}

# a realistic argument, for the commands that take one (each is also sent bare)
ARGUMENTS: dict[str, str] = {
    "start": "KHONGCO9",
    "thamgia": "KHONGCO9",
    "ghi": "vneid 1 @ ngõ thử quyền",
    "sua": "vneid 2",
    "xuat": "thang",
    "baocao": "01/10/2026-23/11/2026",
    "hanchot": "Hạn thử quyền 20/12/2026",
}

# --- the world -------------------------------------------------------------------------------

WARD_A, WARD_B = "Phường Ánh Dương", "Xã Bình Yên"
TEAM_A1, TEAM_A2 = "Tổ CNSCĐ Hoa Sen", "Tổ CNSCĐ Hoa Mai"
OFFICE_A, OFFICE_B = "Ban chỉ đạo Ánh Dương", "Ban chỉ đạo Bình Yên"
TEAM_B1 = "Tổ CNSCĐ Trúc Xanh"
DEADLINE_A, DEADLINE_B = "Hạn-nộp-A-nội-bộ", "Hạn-nộp-B-nội-bộ"


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    team: str
    ward: str
    role: Role
    phone: str


MEMBER_A1 = Person("member A1", "Nguyễn Thị Sen Viên", TEAM_A1, WARD_A, Role.MEMBER, "0912000101")
LEADER_A1 = Person("leader A1", "Trần Văn Sen Trưởng", TEAM_A1, WARD_A, Role.LEADER, "0912000102")
LEADER_A2 = Person("leader A2", "Lê Văn Mai Trưởng", TEAM_A2, WARD_A, Role.LEADER, "0912000201")
LOGGER_A2 = Person("logger A2", "Phạm Thị Mai Kín", TEAM_A2, WARD_A, Role.MEMBER, "0912000202")
IDLE_A2 = Person("idle A2", "Hồ Văn Mai Vắng", TEAM_A2, WARD_A, Role.MEMBER, "0912000203")
OFFICER_A = Person("officer A", "Vũ Thị Cán Bộ Ánh", OFFICE_A, WARD_A, Role.OFFICER, "0912000301")
MEMBER_B = Person("member B", "Đỗ Văn Trúc Độc Nhất", TEAM_B1, WARD_B, Role.MEMBER, "0912000401")
OFFICER_B = Person("officer B", "Ngô Thị Cán Bộ Bình", OFFICE_B, WARD_B, Role.OFFICER, "0912000402")
UNIT_A = Person(
    "unit A", "Đinh Văn Đại Diện", "Trường Ánh Dương Số", WARD_A, Role.UNIT, "0912000501"
)
EVERYONE = (MEMBER_A1, LEADER_A1, LEADER_A2, LOGGER_A2, IDLE_A2, OFFICER_A, MEMBER_B, OFFICER_B)

LOG_A1 = "vneid 3 @ ngõ A1-của-Sen gc: ghi-chú-A1-riêng"
LOG_A2 = "vneid 2 sskdt 1 @ ngõ A2-bí-mật gc: chuyện-riêng-A2"
LOG_B = "sskdt 4 @ ngõ B-riêng-tư gc: ghi-chú-B-riêng"

# what only some may see, by the unit it belongs to
SECRETS: dict[str, list[str]] = {
    "A1": [
        TEAM_A1,
        MEMBER_A1.name,
        LEADER_A1.name,
        MEMBER_A1.phone,
        LEADER_A1.phone,
        "ngõ A1-của-Sen",
        "ghi-chú-A1-riêng",
    ],
    "A2": [
        TEAM_A2,
        LEADER_A2.name,
        LOGGER_A2.name,
        IDLE_A2.name,
        LEADER_A2.phone,
        LOGGER_A2.phone,
        IDLE_A2.phone,
        "ngõ A2-bí-mật",
        "chuyện-riêng-A2",
    ],
    "A office": [OFFICE_A, OFFICER_A.name, OFFICER_A.phone],
    "A unit": [UNIT_A.team, UNIT_A.name, UNIT_A.phone],
    "A ward": [WARD_A, DEADLINE_A],
    "B": [
        WARD_B,
        TEAM_B1,
        OFFICE_B,
        MEMBER_B.name,
        OFFICER_B.name,
        MEMBER_B.phone,
        OFFICER_B.phone,
        "ngõ B-riêng-tư",
        "ghi-chú-B-riêng",
        DEADLINE_B,
    ],
}

# the people in the matrix: their role (None: a stranger) and the units they may see
ASKERS: dict[str, tuple[Role | None, set[str]]] = {
    "stranger": (None, set()),
    MEMBER_A1.key: (Role.MEMBER, {"A1", "A ward"}),
    LEADER_A1.key: (Role.LEADER, {"A1", "A ward"}),
    LEADER_A2.key: (Role.LEADER, {"A2", "A ward"}),
    OFFICER_A.key: (Role.OFFICER, {"A1", "A2", "A office", "A unit", "A ward"}),
    UNIT_A.key: (Role.UNIT, {"A unit", "A ward"}),
    OFFICER_B.key: (Role.OFFICER, {"B"}),
}

STRANGER_ANSWERS = {
    texts.STRANGER_GREETING,
    texts.NOT_JOINED,
    texts.INVITE_INVALID,
    texts.STRANGER_IN_GROUP,
    texts.JOIN_IN_PRIVATE,
}
REFUSALS = {
    *texts.NOT_ALLOWED.values(),
    texts.NOT_JOINED,
    texts.STRANGER_GREETING,
    texts.STRANGER_IN_GROUP,
    texts.SOMETHING_WENT_WRONG,
}
GROUP_CHAT = "nhom-chung-cua-phuong"


class World:
    """The people above, joined on the console, with their logs and deadlines."""

    def __init__(self, app: App, roster: Roster) -> None:
        self.app = app
        self.chats: dict[str, ConsoleChat] = {}
        for person in EVERYONE:
            self.chats[person.key] = roster.joined(
                person.name,
                user=person.key.replace(" ", "-"),
                team=person.team,
                role=person.role,
                ward=person.ward,
                phone=person.phone,
            )
        self.chats["stranger"] = ConsoleChat(app.engine, user_id="stranger-never-joined")
        self.chats[UNIT_A.key] = self._unit(UNIT_A)
        self._neighbourhood_teams()
        for key, entry in ((MEMBER_A1.key, LOG_A1), (LOGGER_A2.key, LOG_A2), (MEMBER_B.key, LOG_B)):
            assert texts.ENTRY_SAVED in self.chats[key].say(entry)
        assert "Đã thêm hạn" in self.chats[OFFICER_A.key].say(f"/hanchot {DEADLINE_A} 10/12/2026")
        assert "Đã thêm hạn" in self.chats[OFFICER_B.key].say(f"/hanchot {DEADLINE_B} 08/12/2026")
        with app.uow() as uow:  # every ward's: /chiendich shows each reader their own teams
            campaigns.add_campaign(
                uow.session,
                name="Chiến dịch thử quyền",
                services=["vneid", "sskdt"],
                first_day=date(2026, 11, 1),
                last_day=date(2026, 11, 30),
                target=5,
                per=TargetPer.TEAM,
                ward_id=None,
                now=app.clock(),
            )
            uow.commit()

    def _unit(self, person: Person) -> ConsoleChat:
        """A school of ward A, its representative joined (`team` is the unit's name)."""
        with self.app.uow() as uow:
            _unit, _member, invite = add_unit(
                uow,
                name=person.team,
                kind="school",
                representative=person.name,
                phone=person.phone,
                ward=person.ward,
                now=self.app.clock(),
                invite_days=30,
            )
            uow.commit()
        chat = ConsoleChat(self.app.engine, user_id=person.key.replace(" ", "-"))
        chat.say(f"/thamgia {invite.code}")
        assert person.team in chat.say("1")
        return chat

    def _neighbourhood_teams(self) -> None:
        """A1, A2 and B1 belong to residential groups (so /tiendo counts them)."""
        with self.app.uow() as uow:
            for n, team in enumerate(uow.session.exec(select(Team)).all()):
                if team.name in (TEAM_A1, TEAM_A2, TEAM_B1):
                    group = ResidentialGroup(ward_id=team.ward_id, name=f"Tổ dân phố {n}")
                    uow.session.add(group)
                    uow.session.flush()
                    team.residential_group_id = group.id
                    uow.session.add(team)
            uow.commit()

    def send(self, asker: str, text: str, *, group: bool) -> list[Reply]:
        """What `asker` gets for `text`, in a private chat or in a shared group chat."""
        chat = self.chats[asker]
        if not group:
            return chat.send(text)
        incoming = Incoming(
            platform="console",
            chat_id=GROUP_CHAT,
            user_id=chat.user_id,
            text=text,
            message_key=f"console:{GROUP_CHAT}:{uuid.uuid4().hex}",
            is_group=True,
            chat_title="Nhóm chung của phường",
        )
        return self.app.engine.handle(incoming)


@pytest.fixture
def world(app: App, roster: Roster) -> Iterator[World]:
    yield World(app, roster)


def registered(app: App) -> dict[str, Role | None]:
    """Every command the running engine answers, with the role its route needs."""
    return {name: route.role for name, route in app.engine._router.commands.items()}


def messages(app: App) -> list[str]:
    """Each registered command as a person types it: bare, and with an argument if it takes one."""
    out = []
    for name in sorted(registered(app)):
        out.append(f"/{name}")
        if name in ARGUMENTS:
            out.append(f"/{name} {ARGUMENTS[name]}")
    return out


def shown(replies: list[Reply]) -> str:
    """Everything the replies show: texts, button labels, and the contents of any workbook."""
    parts = []
    for reply in replies:
        parts.append(reply.text)
        parts += [c.label for c in reply.choices]
        if reply.document is not None:
            parts.append(reply.document.filename)
            if reply.document.path.endswith(".xlsx"):
                parts.append(_workbook_text(Path(reply.document.path)))
    return "\n".join(parts)


def _workbook_text(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    cells = [ws.title for ws in book.worksheets]
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += [str(v) for v in row if v is not None]
    book.close()
    return "\n".join(cells)


def leaks(text: str, visible: set[str]) -> list[str]:
    """The secrets of units the reader may not see that `text` shows."""
    squeezed = re.sub(r"[ .]", "", text)
    found = []
    for unit, secrets in SECRETS.items():
        if unit in visible:
            continue
        for secret in secrets:
            if secret in text or (secret.isdigit() and secret in squeezed):
                found.append(f"{unit}: {secret!r}")
    return found


# --- the table and the router agree -----------------------------------------------------------


def test_the_role_table_covers_exactly_the_registered_commands(app: App):
    commands = set(registered(app))
    missing = sorted(commands - set(NEEDS))
    extra = sorted(set(NEEDS) - commands)
    assert not missing, f"commands without an entry in NEEDS (add who may run them): {missing}"
    assert not extra, f"NEEDS lists commands the engine does not have: {extra}"


def test_every_command_needs_the_role_the_table_says(app: App):
    differ = {
        name: (str(role), str(NEEDS.get(name)))
        for name, role in registered(app).items()
        if role != NEEDS.get(name)
    }
    assert differ == {}, f"route role differs from the table (route, table): {differ}"


def test_the_matrix_covers_every_registered_command_and_the_arguments_are_for_real_commands(
    app: App,
):
    commands = set(registered(app))
    typed = {m.split()[0][1:] for m in messages(app)}
    assert typed == commands
    assert set(ARGUMENTS) <= commands, sorted(set(ARGUMENTS) - commands)


# --- the matrix ----------------------------------------------------------------------------------


@pytest.mark.parametrize("asker", sorted(ASKERS))
def test_each_command_answers_each_person_only_as_their_role_and_scope_allow(
    app: App, world: World, asker: str
):
    role, visible = ASKERS[asker]
    routes = app.engine._router.commands
    problems: list[str] = []
    sent = 0
    for text in messages(app):
        name = text.split()[0][1:]
        needs = registered(app)[name]
        for group in (False, True):
            where = "group" if group else "private"
            replies = world.send(asker, text, group=group)
            sent += 1
            said = shown(replies)
            cell = f"{asker} {where} {text!r}"
            if not replies:
                problems.append(f"{cell}: no answer at all")
                continue
            if texts.SOMETHING_WENT_WRONG in said:
                problems.append(f"{cell}: crashed (the apology)")
            for leak in leaks(said, visible):
                problems.append(f"{cell}: shows {leak}")
            if role is None:
                odd = [r.text for r in replies if r.text not in STRANGER_ANSWERS]
                if odd or any(r.document or r.photo or r.choices for r in replies):
                    problems.append(f"{cell}: a stranger got more than how to join: {said!r}")
            elif routes[name].only and role != needs:
                refusal = texts.NOT_ALLOWED[str(needs)]
                if [r.text for r in replies] != [refusal]:
                    problems.append(f"{cell}: expected only {refusal!r}, got {said[:200]!r}")
            elif RANK[role] < RANK[needs]:
                refusal = texts.NOT_ALLOWED[str(needs)]
                if [r.text for r in replies] != [refusal] or replies[0].document:
                    problems.append(f"{cell}: expected only {refusal!r}, got {said[:200]!r}")
            else:
                refused = [r.text for r in replies if r.text in REFUSALS]
                unknown = texts.UNKNOWN_COMMAND.format(name)
                if refused or unknown in said:
                    problems.append(f"{cell}: refused though allowed: {said[:200]!r}")
    assert sent >= 2 * len(registered(app))
    assert not problems, "\n".join(problems)


def test_the_world_has_the_data_the_matrix_looks_for(app: App, world: World):
    """Each secret is stored, and seen by someone who may see it: the search is not vacuous."""
    officer_a = shown(world.send(OFFICER_A.key, "/xuat", group=False))
    officer_b = shown(world.send(OFFICER_B.key, "/xuat", group=False))
    leader_a2 = shown(world.send(LEADER_A2.key, "/thongke", group=False))
    for secret in ("ngõ A2-bí-mật", "chuyện-riêng-A2", TEAM_A1, TEAM_A2, OFFICE_A, WARD_A):
        assert secret in officer_a, secret
    for secret in ("ngõ B-riêng-tư", MEMBER_B.name, TEAM_B1, WARD_B):
        assert secret in officer_b, secret
    assert IDLE_A2.name in leader_a2
    assert DEADLINE_B in shown(world.send(OFFICER_B.key, "/tiendo", group=False))
    running = shown(world.send(OFFICER_A.key, "/chiendich", group=False))
    assert TEAM_A1 in running and TEAM_A2 in running and WARD_A in running
    assert TEAM_B1 in shown(world.send(OFFICER_B.key, "/chiendich", group=False))
    with app.uow() as uow:
        places = {log.place for log in uow.session.exec(select(SupportLog))}
    assert {"ngõ A1-của-Sen", "ngõ A2-bí-mật", "ngõ B-riêng-tư"} <= places


# --- forged button values ------------------------------------------------------------------------


def _log_of(app: App, place: str) -> SupportLog:
    with app.uow() as uow:
        return uow.session.exec(select(SupportLog).where(SupportLog.place == place)).one()


@pytest.mark.parametrize("asker", ["stranger", MEMBER_A1.key, LEADER_A1.key, OFFICER_B.key])
def test_a_forged_button_value_never_touches_or_shows_another_teams_log(
    app: App, world: World, asker: str
):
    """Button values come back from the chat app: a modified client can send any value."""
    secret = _log_of(app, "ngõ A2-bí-mật")
    _role, visible = ASKERS[asker]
    problems = []
    for action in sorted(app.engine._router.choices):
        for arg in (str(secret.id), f"delete:{secret.id}", "yes", "save", "svc:vneid"):
            incoming = Incoming(
                platform="console",
                chat_id=world.chats[asker].user_id,
                user_id=world.chats[asker].user_id,
                choice=f"{action}:{arg}",
                message_key=f"console:forged:{uuid.uuid4().hex}",
            )
            said = shown(app.engine.handle(incoming))
            for leak in leaks(said, visible):
                problems.append(f"{action}:{arg}: shows {leak}")
            if texts.SOMETHING_WENT_WRONG in said:
                problems.append(f"{action}:{arg}: crashed")
    after = _log_of(app, "ngõ A2-bí-mật")
    assert after.deleted_at is None, "another team's log was undone or deleted by a forged button"
    with app.uow() as uow:
        logger = uow.session.exec(select(Member).where(Member.name == LOGGER_A2.name)).one()
    assert logger.erased_at is None
    assert not problems, "\n".join(problems)


def test_my_personal_data_is_not_posted_into_a_group_chat(world: World):
    """Everyone in a group reads the answers there; /xuat refuses in groups for that reason."""
    said = shown(world.send(MEMBER_A1.key, "/dulieucuatoi", group=True))
    assert MEMBER_A1.phone not in said, (
        "/dulieucuatoi typed in a group chat posts the member's phone number (and name, "
        f"ward, chat accounts) to everyone in the group: {said!r}"
    )
