"""Citizens' numbers are kept out by the database's door, whatever path writes the text.

Each free-text field people type into is written through a session with a phone or CCCD
number in it, in every form that once slipped past (the scrubber's own property test draws
separators from every Unicode category but letters), and read back with plain SQL: the
digits are nowhere. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.app import App
from storage.guard import LINES, ONE_LINE, REPLIES
from storage.models import (
    ChatIdentity,
    Deadline,
    GroupChat,
    Member,
    ModelRegistration,
    ProcessedMessage,
    ResidentialGroup,
    SupportLog,
    Team,
    Unit,
    Ward,
)
from tests.conftest import Roster


def _digits(value: object) -> str:
    return re.sub(r"[^0-9]", "", str(value or ""))


def test_every_typed_field_is_guarded():
    guarded = {
        (model.__name__, f)
        for table in (ONE_LINE, LINES)
        for model, fs in table.items()
        for f in fs
    }
    assert {
        ("Member", "name"),
        ("Member", "note"),
        ("Team", "name"),
        ("ResidentialGroup", "name"),
        ("Ward", "name"),
        ("Unit", "name"),
        ("Deadline", "name"),
        ("ChatIdentity", "display_name"),
        ("GroupChat", "title"),
        ("SupportLog", "place"),
        ("SupportLog", "note"),
        ("ModelRegistration", "participants"),
    } <= guarded
    assert {ProcessedMessage: ("replies",)} == REPLIES


TYPED = [  # the forms that slipped past the scrubber, and a few of its categories' worst
    "0912...345...678",
    "09-12 345 678",
    "0912\n345\n678",
    "0987·654·321",
    "0912    345    678",
    "0912\u034f345\ufe0f678",
    "0912\u3164345\u2800678",
    "\u2792\u278a12 345 678",
    "09.12 345.678",
    "09/12/34 5678",
    "001203004567",
]


@pytest.mark.parametrize("typed", TYPED)
def test_a_number_written_into_any_typed_field_never_reaches_the_database(
    app: App, roster: Roster, typed: str
):
    digits = _digits(
        unicodedata.normalize("NFKC", typed).replace("\u2792", "9").replace("\u278a", "1")
    )
    said = f"Tổ Hai gọi {typed} nhé"
    roster.joined("Nguyễn Thị Lan")
    with app.uow() as uow:
        s = uow.session
        ward = s.exec(select(Ward)).first()
        team = s.exec(select(Team)).first()
        member = s.exec(select(Member)).first()
        assert ward and ward.id and team and team.id and member and member.id
        s.add(ResidentialGroup(ward_id=ward.id, name=said))
        s.add(Team(ward_id=ward.id, name=said))
        s.add(Member(team_id=team.id, name=said, note=said))
        s.add(ChatIdentity(member_id=member.id, platform="zalo", user_id="u-x", display_name=said))
        s.add(GroupChat(ward_id=ward.id, platform="zalo", chat_id="g-x", title=said))
        s.add(Deadline(ward_id=ward.id, name=said, repeat="once", before=date(2026, 12, 15)))
        unit = Unit(ward_id=ward.id, name=said, kind="school")
        s.add(unit)
        s.flush()
        assert unit.id is not None
        s.add(
            ModelRegistration(
                unit_id=unit.id,
                **dict.fromkeys(("name", "content", "method", "participants", "results"), said),
                budget=said,
            )
        )
        s.add(
            SupportLog(
                member_id=member.id, team_id=team.id, day=date(2026, 11, 23), place=said, note=said
            )
        )
        s.add(
            ProcessedMessage(
                message_key="k-x",
                replies=[{"text": f"Đã lưu.\n{said}", "choices": [{"label": said, "value": "v"}]}],
            )
        )
        uow.commit()
    with app.db.connect() as conn:
        stored = {
            table: conn.execute(text(f"SELECT {columns} FROM {table}")).all()
            for table, columns in (
                ("residential_group", "name"),
                ("team", "name"),
                ("member", "name, note"),
                ("chat_identity", "display_name"),
                ("group_chat", "title"),
                ("deadline", "name"),
                ("unit", "name"),
                ("model_registration", "name, content, method, participants, results, budget"),
                ("support_log", "place, note"),
                ("processed_message", "replies"),
            )
        }
    for table, rows in stored.items():
        for row in rows:
            for value in row:
                assert digits not in _digits(value), (table, value)
    assert any("Tổ Hai gọi nhé" in str(row) for row in stored["team"])  # the words stay
