"""Hostile or odd input from a joined member, on SQLite and on PostgreSQL.

Whatever arrives, the bot answers in Vietnamese, quickly, never with the apology that means
it crashed (texts.SOMETHING_WENT_WRONG), and it stores either nothing or exactly what the
member meant: a note or a place kept literally, the right services and counts, every table
still there.

The abusive parts of the messages carry no Vietnamese letters, so Vietnamese in an answer is
the bot's own words, not an echo.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect
from sqlalchemy import text as sql
from sqlmodel import SQLModel, select

from bot.app import App
from bot.channels.console import ConsoleChat
from handlers import texts
from handlers.parsing.quick_entry import MAX_COUNT
from storage.models import InviteCode, Role, SupportLog
from tests.conftest import Roster
from tests.helpers import service_totals, stored_logs

VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
SECONDS = 2.0


@dataclass
class Sent:
    answer: str
    seconds: float
    logs: list[SupportLog]  # the logs this message stored


def send(app: App, chat: ConsoleChat, text: str) -> Sent:
    before = len(stored_logs(app))
    started = time.perf_counter()
    answer = chat.say(text)
    seconds = time.perf_counter() - started
    return Sent(answer, seconds, stored_logs(app)[before:])


def assert_answered_well(sent: Sent, what: str, limit: float = SECONDS) -> None:
    """Not the crash apology, in Vietnamese, in time."""
    assert texts.SOMETHING_WENT_WRONG not in sent.answer, (
        f"{what}: the bot crashed (answered the apology, stored nothing)"
    )
    assert VIETNAMESE.search(sent.answer), f"{what}: the answer is not Vietnamese: {sent.answer!r}"
    assert sent.seconds < limit, f"{what}: answered in {sent.seconds:.2f}s"


def items(app: App, log: SupportLog) -> dict[str, int]:
    """A log's per-service counts, read straight from the tables (not through storage.logs,
    which the bot's own answers use)."""
    query = sql(
        "SELECT s.code, i.count FROM support_log_item i JOIN service s ON s.id = i.service_id"
        " WHERE i.log_id = :log"
    )
    with app.db.connect() as connection:
        return {code: int(n) for code, n in connection.execute(query, {"log": log.id})}


def tables_intact(app: App) -> None:
    names = set(inspect(app.db).get_table_names())
    expected = {t.name for t in SQLModel.metadata.sorted_tables}
    assert expected <= names, f"tables gone: {sorted(expected - names)}"


# --- 10,000 characters --------------------------------------------------------------------------

LONG = 10_000


def _padded(head: str, filler: str) -> str:
    return (head + filler * LONG)[:LONG]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        pytest.param(_padded("", "xin "), None, id="unknown words"),
        pytest.param(_padded("", "🎉"), None, id="emoji only"),
        pytest.param(_padded("", "\u200b"), None, id="zero-width only"),
        pytest.param(_padded("vneid 3 ", "\u200b🎉"), {"vneid": 3}, id="entry then emoji"),
        pytest.param(_padded("vneid 1 gc: ", "chuyen dai "), {"vneid": 1}, id="long note"),
        pytest.param(_padded("vneid 1 @ ", "ngo dai "), {"vneid": 1}, id="long place"),
    ],
)
def test_a_10000_character_message_is_answered_in_vietnamese_within_two_seconds(
    app: App, member: ConsoleChat, text: str, meant: dict[str, int] | None
):
    assert len(text) == LONG
    sent = send(app, member, text)
    assert_answered_well(sent, f"{text[:20]!r}…")
    if meant is None:
        assert sent.logs == [], "stored a log from a message that names no service"
        return
    if not sent.logs:
        return  # refusing (and saying so) is fine
    [log] = sent.logs
    assert items(app, log) == meant
    if " gc: " in text:
        assert log.note == text.split(" gc: ", 1)[1].strip(), "the note was not kept literally"
    if " @ " in text:
        assert log.place == text.split(" @ ", 1)[1].strip(), "the place was not kept literally"


def test_a_note_that_fits_in_one_telegram_message_is_saved_literally_or_refused(
    app: App, member: ConsoleChat
):
    """3,300 characters: one Telegram message holds 4,096, so a member can really send this."""
    note = ("chuyen dai " * 300).strip()
    sent = send(app, member, f"vneid 1 gc: {note}")
    assert_answered_well(sent, "a 3,300-character note")
    for log in sent.logs:
        assert log.note == note, "the note was not kept literally"


def test_a_very_long_deadline_name_is_saved_literally_or_refused(app: App, roster: Roster):
    officer = roster.joined("Trần Văn Hùng", role=Role.OFFICER, team="Tổ CNSCĐ phường")
    name = ("Bao cao " * 40).strip()
    sent = send(app, officer, f"/hanchot {name} 20/12/2026")
    assert_answered_well(sent, "a 320-character deadline name")
    if "Đã thêm hạn" in sent.answer:
        assert name in sent.answer


def test_a_10000_character_paste_of_one_entry_is_not_stored_as_a_huge_count_unasked(
    app: App, member: ConsoleChat
):
    """`vneid 1` pasted 1,250 times: no single count is over 200, but the total is."""
    text = "vneid 1 " * (LONG // 8)
    sent = send(app, member, text)
    assert_answered_well(sent, "vneid 1 ×1250")
    stored = {code: n for log in sent.logs for code, n in items(app, log).items()}
    assert all(n <= MAX_COUNT for n in stored.values()), (
        f"stored {stored} without the confirmation a count over {MAX_COUNT} needs "
        "(`vneid 250` asks first; `vneid 150, vneid 150` stores 300 unasked)"
    )


# --- emoji, right-to-left scripts, zero-width characters ------------------------------------------


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        pytest.param("🎉 vneid 3 sskdt 2 🙏", {"vneid": 3, "sskdt": 2}, id="emoji around"),
        pytest.param("vneid 3🎉sskdt 2", {"vneid": 3, "sskdt": 2}, id="emoji between"),
        pytest.param("\u200bvneid 3\u200d", {"vneid": 3}, id="zero-width around"),
        pytest.param("vneid\u200b 3", {"vneid": 3}, id="zero-width after a word"),
        pytest.param("vn\u200beid 3", {"vneid": 3}, id="zero-width inside a word"),
        pytest.param("vneid\ufeff 3", {"vneid": 3}, id="byte order mark"),
        pytest.param("vneid 3 \u200f\u200e sskdt 2", {"vneid": 3, "sskdt": 2}, id="rtl marks"),
        pytest.param("\u202bvneid 3\u202c", {"vneid": 3}, id="rtl embedding"),
        pytest.param("vneid 3\u00a0sskdt 2", {"vneid": 3, "sskdt": 2}, id="no-break space"),
        pytest.param("مرحبا vneid 3", {"vneid": 3}, id="arabic word"),
        pytest.param("vneid 3 שלום", {"vneid": 3}, id="hebrew word"),
        pytest.param("vneid ٣", {"vneid": 3}, id="arabic-indic digit"),
        pytest.param("vneid ３", {"vneid": 3}, id="full-width digit"),
    ],
)
def test_emoji_rtl_and_zero_width_characters_in_a_quick_entry_store_nothing_or_what_was_meant(
    app: App, member: ConsoleChat, text: str, meant: dict[str, int]
):
    sent = send(app, member, text)
    assert_answered_well(sent, repr(text))
    if sent.logs:
        [log] = sent.logs
        assert items(app, log) == meant, (
            f"{text!r} was stored as {items(app, log)}, not {meant} (the answer said: "
            f"{sent.answer.splitlines()[2]!r})"
        )
    else:
        assert "chưa ghi gì" in sent.answer.lower(), sent.answer  # and says nothing was saved


@pytest.mark.parametrize(
    ("text", "place", "note"),
    [
        pytest.param(
            "vneid 3 gc: مرحبا بالعالم שלום עולם", None, "مرحبا بالعالم שלום עולם", id="note"
        ),
        pytest.param("vneid 3 @ شارع 5 gc: ok", "شارع 5", "ok", id="place"),
        # direction overrides are format characters: dropped, as they can hide digits
        pytest.param("vneid 3 @ \u202eابجد 7\u202c", "ابجد 7", None, id="override"),
        pytest.param("vneid 3 gc: 🎉🙏👵 x2", None, "🎉🙏👵 x2", id="emoji note"),
    ],
)
def test_right_to_left_text_and_emoji_in_a_note_or_place_are_kept_literally(
    app: App, member: ConsoleChat, text: str, place: str | None, note: str | None
):
    sent = send(app, member, text)
    assert_answered_well(sent, repr(text))
    [log] = sent.logs
    assert (log.place, log.note) == (place, note)
    assert items(app, log) == {"vneid": 3}


# --- SQL and HTML ---------------------------------------------------------------------------------

SQL = "'; DROP TABLE support_log; --"
HTML = "<script>alert(1)</script>"


def test_sql_in_a_note_is_kept_literally_and_every_table_stays(app: App, member: ConsoleChat):
    sent = send(app, member, f"vneid 2 gc: {SQL}")
    assert_answered_well(sent, "sql note")
    [log] = sent.logs
    assert log.note == SQL and items(app, log) == {"vneid": 2}
    assert SQL in sent.answer
    tables_intact(app)
    assert texts.ENTRY_SAVED in member.say("sskdt 1")
    assert service_totals(app) == {"vneid": 2, "sskdt": 1}


def test_sql_in_a_place_stores_nothing_or_the_place_literally(app: App, member: ConsoleChat):
    sent = send(app, member, f"vneid 2 @ {SQL}")
    assert_answered_well(sent, "sql place")
    for log in sent.logs:  # the place ends at ";": what is kept of it is kept literally
        assert log.place and SQL.startswith(log.place), log.place
    tables_intact(app)
    with app.uow() as uow:
        assert uow.session.exec(select(SupportLog)).all() == sent.logs


def test_sql_as_an_invite_code_joins_nobody(app: App, roster: Roster):
    roster.add("Trần Văn Bình")  # an open invite exists
    stranger = ConsoleChat(app.engine, user_id="mallory")
    for code in ("' OR '1'='1", "' OR 1=1 --", f"X{SQL}"):
        sent = send(app, stranger, f"/thamgia {code}")
        assert_answered_well(sent, code)
        assert sent.answer == texts.INVITE_INVALID
    with app.uow() as uow:
        assert all(i.used_at is None for i in uow.session.exec(select(InviteCode)))
    tables_intact(app)


def test_html_in_a_place_and_a_note_is_kept_and_shown_literally(app: App, member: ConsoleChat):
    sent = send(app, member, f"vneid 1 @ {HTML} gc: <b>x</b> & <i>y")
    assert_answered_well(sent, "html")
    [log] = sent.logs
    assert (log.place, log.note) == (HTML, "<b>x</b> & <i>y")
    assert HTML in sent.answer and "&lt;" not in sent.answer
    mine = member.say("/cuatoi")
    assert f"({HTML})" in mine


def test_a_note_or_place_that_looks_like_a_formula_is_exported_as_text(
    app: App, member: ConsoleChat, roster: Roster
):
    """A spreadsheet runs a cell that starts with '=' when the officer opens the report."""
    place, note = '=HYPERLINK("http://evil.example/x")', "=2*3"
    sent = send(app, member, f"vneid 1 @ {place} gc: {note}")
    [log] = sent.logs
    assert (log.place, log.note) == (place, note)
    leader = roster.joined("Phạm Văn Minh", role=Role.LEADER)
    [reply] = leader.send("/xuat")
    assert reply.document is not None
    book = load_workbook(reply.document.path)
    cells = [
        (ws.title, cell.coordinate, cell.data_type, cell.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value in (place, note)
    ]
    assert {c[3] for c in cells} == {place, note}, cells
    formulas = [c for c in cells if c[2] != "s"]
    assert not formulas, (
        f"member-typed text was written into the report workbook as formulas: {formulas} "
        "(reports/workbook.py _detail appends log.place and log.note as raw cell values)"
    )


def test_a_nul_in_a_note_is_dropped_and_nothing_said_reaches_the_error_log(
    app: App, roster: Roster, caplog: pytest.LogCaptureFixture
):
    chat = roster.joined("Nguyễn Thị Lan", user="lan")
    sent = send(app, chat, "vneid 2 gc: ba Hoa\x00 o nha so 7\x07 hen lai")
    assert_answered_well(sent, "a NUL in a note")
    [log] = sent.logs
    assert log.note == "ba Hoa o nha so 7 hen lai"
    assert "ba Hoa" not in caplog.text


def test_a_failing_statement_never_shows_its_values_in_the_error(app: App):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with app.uow() as uow, pytest.raises(DBAPIError) as caught:
        uow.session.execute(
            text("SELECT * FROM no_such_table WHERE note = :note"), {"note": "0912345678"}
        )
    assert "0912345678" not in str(caught.value)
