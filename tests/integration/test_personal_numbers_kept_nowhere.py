"""A citizen's phone or CCCD number, typed into any field in any everyday format, reaches
neither the database, nor the logs, nor a stored reply, nor a workbook; on SQLite and on
PostgreSQL, through the real engine.

Every field a member or a unit representative types into is tried: a quick entry's note and
place, a word the bot does not know, the /ghi place step, each /dangkymohinh answer, the
chat's display name, a group's title, a voice message's words; the roster import's name and
note columns too. Numbers are drawn typed with any separator, or said in words.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook
from sqlmodel import SQLModel, select

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers.admin import add_unit
from handlers.messages import Heard, Incoming
from reports.export import export_workbook
from reports.models import write_models
from reports.roster import import_roster
from reports.scope import ward_scope
from storage import queries
from storage.models import Member, Role
from tests.conftest import Clock, Roster
from tests.roster_books import write_roster
from tests.unit.test_personal_numbers import (
    SLIPPED_PAST_BEFORE,
    numbers_split_by_anything,
    personal_numbers,
    said_numbers,
)

WARD = "Phường Nhị Chiểu"


def compact(text: str) -> str:
    """The text with its digits as 0-9 (full-width ones too) and nothing but letters left
    between them: a number typed with anything that is not a letter between its digits
    (spaces, dots, dashes, invisible marks) reads as its bare digits."""
    return "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in text
        if c.isdecimal() or c.isalpha()
    )


SHA256_HEX = re.compile(r"\b[0-9a-f]{64}\b")


def assert_absent(digits: str, text: str, where: str, *, said: str = "") -> None:
    """No seven digits in a row of the number, whatever separates them, are in the text;
    nor, for a number said in words, six of its words in a row."""
    # a SHA-256 in hex (a keyed hash standing for a message or an account) holds digit runs
    # by chance: 87608288 matched 0387608280; it is no number anyone typed
    flat = compact(SHA256_HEX.sub("#", text))
    for i in range(len(digits) - 6):
        assert digits[i : i + 7] not in flat, f"{digits} found in {where}: {text[:300]!r}"
    words, kept = _words(said), " ".join(_words(text))
    for i in range(len(words) - 5):
        assert " ".join(words[i : i + 6]) not in kept, f"{said!r} found in {where}: {text!r}"


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def stored_texts(app: App) -> Iterator[tuple[str, str]]:
    """Every text value of every row of every table, JSON taken apart."""
    with app.db.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                for column, value in row._mapping.items():
                    for text in _leaves(value):
                        yield f"{table.name}.{column}", text


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)


def workbook_texts(path: Path) -> Iterator[str]:
    # a date cell holds no typed text, and "2026-11-23 00:00:00" compacts to a run of digits
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows(values_only=True):
            yield from (str(v) for v in row if v is not None and not isinstance(v, date | time))


def unit_representative(app: App) -> ConsoleChat:
    with app.uow() as uow:
        _unit, _member, invite = add_unit(
            uow,
            name="Trường THCS Chu Văn An",
            kind="school",
            representative="Trần Văn Hùng",
            ward=WARD,
            now=app.clock(),
            invite_days=30,
        )
        uow.commit()
    chat = ConsoleChat(app.engine, user_id="hung")
    chat.say(f"/thamgia {invite.code}")
    assert "Chào mừng" in chat.say("1")
    return chat


def type_everywhere(
    app: App,
    member: ConsoleChat,
    school: ConsoleChat,
    typed: str,
    leader: ConsoleChat | None = None,
) -> None:
    """The number typed into every field a person can type into, and said in a voice
    message."""
    member.say(f"vneid 2 ghi chú: gọi {typed} nhé")
    member.say(f"sskdt 1 @ ngõ 5, {typed}")
    member.say(f"vneid 1 {typed} xyz")
    member.say("2")  # "Gõ lại": nothing saved, the echo not kept
    member.say(f"{typed}")
    for answer in ("/ghi", "1", "2", "2", "1", "3", f"nhà {typed}", "bỏ qua", "1"):
        member.say(answer)
    member.speak(Heard(text=f"vneid hai ghi chú gọi {typed} nhé", seconds=6.0, limit=60))
    member.say("Lưu")
    app.engine.handle(
        Incoming(
            "console",
            member.user_id,
            member.user_id,
            text="vneid 1",
            display_name=f"Lan {typed}",
            message_key=f"console:{uuid.uuid4().hex}",
        )
    )
    if leader is not None:
        app.engine.handle(
            Incoming(
                "console",
                f"-100{uuid.uuid4().int % 10**6}",
                leader.user_id,
                text="/lienket",
                is_group=True,
                chat_title=f"Tổ 1 {typed}",
                message_key=f"console:{uuid.uuid4().hex}",
            )
        )
    school.say("/dangkymohinh")
    for answer in (f"Mô hình {typed}", f"Nội dung {typed}", "1", typed, f"Lớp {typed}", "Tốt"):
        school.say(answer)
    school.say(f"Xã hội hóa {typed}")
    assert "Đã đăng ký mô hình" in school.say("Lưu")


def workbooks(app: App, folder: Path) -> list[Path]:
    """The ward's report workbook and its models workbook, as the officer gets them."""
    paths = [
        folder / f"bao-cao-{uuid.uuid4().hex}.xlsx",
        folder / f"mo-hinh-{uuid.uuid4().hex}.xlsx",
    ]
    with app.uow() as uow:
        ward = queries.ward_by_name(uow.session, WARD)
        assert ward is not None
        scope = ward_scope(uow.session, ward, start=date(2026, 10, 1), end=date(2026, 12, 31))
        export_workbook(
            uow.session, scope, paths[0], now=app.clock(), made_at=app.clock(), via="test"
        )
        write_models(uow.session, ward, paths[1])
        uow.commit()
    return paths


def assert_kept_nowhere(
    app: App, digits: str, caplog: pytest.LogCaptureFixture, folder: Path, *, said: str = ""
) -> None:
    for where, text in stored_texts(app):
        assert_absent(digits, text, where, said=said)
    assert_absent(digits, caplog.text, "the log", said=said)
    for path in workbooks(app, folder):
        for text in workbook_texts(path):
            assert_absent(digits, text, path.name, said=said)


@pytest.fixture
def people(app: App, roster: Roster) -> tuple[ConsoleChat, ConsoleChat]:
    return roster.joined("Nguyễn Thị Lan", ward=WARD), unit_representative(app)


@pytest.fixture
def leader(roster: Roster) -> ConsoleChat:
    return roster.joined("Phạm Văn Minh", ward=WARD, role=Role.LEADER, user="minh")


@pytest.mark.parametrize(("typed", "digits"), SLIPPED_PAST_BEFORE)
def test_each_format_that_slipped_past_is_kept_nowhere(
    app: App,
    people: tuple[ConsoleChat, ConsoleChat],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    typed: str,
    digits: str,
):
    caplog.set_level(logging.DEBUG)
    member, school = people
    type_everywhere(app, member, school, typed)
    assert_kept_nowhere(app, digits, caplog, tmp_path)


def test_the_member_is_told_which_number_was_left_out(
    app: App, people: tuple[ConsoleChat, ConsoleChat]
):
    member, school = people
    saved = member.say("vneid 2 ghi chú: gọi 0912-345-678 nhé")
    assert "Đã bỏ số 09******78" in saved and "Cài đặt VNeID: 2" in saved
    school.say("/dangkymohinh")
    told = school.say("Mô hình gọi 001.203.004.567")
    assert "Đã bỏ số 00********67" in told and "Bước 2/6" in told


def _said(number: tuple[str, str]) -> tuple[str, str, str]:
    return (*number, number[0])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    number=personal_numbers().map(lambda n: (*n, ""))
    | numbers_split_by_anything().map(lambda n: (*n, ""))
    | said_numbers().map(_said)
)
def test_any_number_typed_or_said_anywhere_is_kept_nowhere(
    app: App,
    people: tuple[ConsoleChat, ConsoleChat],
    leader: ConsoleChat,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    clock: Clock,
    number: tuple[str, str, str],
):
    caplog.set_level(logging.DEBUG)
    clock.now += timedelta(minutes=11)  # each example a new visit, not a report sent again
    typed, digits, said = number
    member, school = people
    type_everywhere(app, member, school, typed, leader)
    assert_kept_nowhere(app, digits, caplog, tmp_path, said=said)


def test_roster_names_and_notes_lose_their_numbers(app: App, tmp_path: Path):
    person = ["Lê Văn Nam 0912-345-678", "", "TDP 1", "Thành viên", "CCCD 001 203 004 567"]
    path = write_roster(tmp_path / "ds.xlsx", ["TDP 1"], [person])
    with app.uow() as uow:
        import_roster(uow.session, path, ward_name=WARD, now=app.clock(), invite_days=30)
        uow.commit()
    for digits in ("0912345678", "001203004567"):
        for where, text in stored_texts(app):
            assert_absent(digits, text, where)
    with app.uow() as uow:
        member = uow.session.exec(select(Member).where(Member.name == "Lê Văn Nam")).one()
    assert member.note == "CCCD"
