"""The examples /trogiup gives do what it says they do: the officer's /hanchot example saves
the last day the help names, and the answer names it too; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import date

from bot.app import App
from schedules.rules import Rule
from storage import deadlines
from storage.models import Role
from tests.conftest import Roster

EXAMPLE = re.compile(r"ví dụ: (/hanchot (.+?) (\d\d/\d\d/\d{4})) \(hạn cuối (\d\d/\d\d/\d{4})\)")


def test_the_hanchot_example_saves_the_last_day_the_help_names(app: App, roster: Roster):
    officer = roster.joined("Vũ Thị Thu", team="Tổ CNSCĐ phường", role=Role.OFFICER)
    shown = EXAMPLE.search(officer.say("/trogiup"))
    assert shown is not None, "the help's /hanchot example names its last day"
    typed, name, before, last = shown.groups()
    answer = officer.say(typed)
    assert f"Đã thêm hạn “{name}”: hạn cuối {last} (trước ngày {before})." in answer
    with app.uow() as uow:
        [added] = [d for d in deadlines.active_deadlines(uow.session) if d.name == name]
        due = Rule.of(added).period_of(date(2026, 11, 23))
    assert due is not None and f"{due[1]:%d/%m/%Y}" == last
