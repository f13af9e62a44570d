"""What people write never reaches the bot's log: a message is logged by its route and size.

Messages carrying a marker word and a citizen's phone number (typed with odd separators) go
through the real engine and channel: quick entries with notes and places, /ghi, a display
name, a group's title, an unknown command, a stranger's message, the words of a voice
message (heard by a stand-in for the speech engine, which may also fail quoting them), a
Zalo group mention the bot was not told of (the Zalo channel against the fake Zalo Bot API),
and, on PostgreSQL, a save the database refuses with an error that quotes the row. Every
record reaching the root logger at DEBUG is formatted with its traceback: neither the
marker (in any case, with or without its diacritics) nor the number is in any of them.
"""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.app import App, configure_logging
from bot.channels.console import ConsoleChat
from bot.channels.zalo import ZaloChannel
from bot.config import ZaloBotConfig
from bot.voice.desk import VoiceDesk
from handlers import texts
from handlers.messages import Incoming
from handlers.parsing.normalize import fold
from storage.models import Role
from tests.conftest import Roster
from tests.fakes.zalo_api import FakeZalo
from tests.helpers import stored_logs
from tests.integration.test_personal_numbers_kept_nowhere import compact
from tests.speech import encode, tone
from tests.unit.test_personal_numbers import personal_numbers

MARKER = "Quỳnhtrâmxanh"  # a word nobody else writes: found in a log, it came from a message
PHONES = [  # typed with the separators people use, and some they do not
    ("09.12 345-678", "0912345678"),
    ("0912\u00a0345\u2009678", "0912345678"),
    ("(+84) 912·345·678", "84912345678"),
    ("0987 / 654 / 321", "0987654321"),
]
FORMAT = logging.Formatter("%(name)s %(levelname)s %(message)s")  # with exc_text, stack_info
QUIETED = ("alembic", "httpx", "httpcore", "apscheduler", "telegram", "sqlalchemy")
PHOTO = "https://example.invalid/a.jpg"  # a picture's address, as Zalo gives it
SPEECH = encode(tone(1.0, rate=48_000), rate=48_000, fmt="ogg")  # decodable, loud enough


@pytest.fixture
def every_record(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `gotungnha run` sets it up at DEBUG, caplog's handler on the root logger
    beside the project's own: every record made reaches caplog, before any formatter."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIETED}
    configure_logging("DEBUG")
    [project] = root.handlers
    assert isinstance(project, logging.StreamHandler)
    project.setStream(io.StringIO())
    caplog.handler.setLevel(logging.DEBUG)
    root.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, was in levels.items():
            logging.getLogger(name).setLevel(was)


def leaks(records: list[logging.LogRecord], digits: str) -> list[str]:
    """The records that show the marker or seven digits in a row of the number."""
    assert records, "nothing was logged: nothing was checked"
    found = []
    for record in records:
        shown = "\n".join([FORMAT.format(record), str(record.msg), _args(record.args)])
        flat = compact(shown)
        if fold(MARKER.lower()) in fold(shown.lower()) or any(
            digits[i : i + 7] in flat for i in range(len(digits) - 6)
        ):
            found.append(f"{record.name} {record.levelname}: {shown[:400]!r}")
    return found


def _args(args: object) -> str:
    """A record's arguments as they could be shown. A float (how long a message took) is
    shown by its format, rounded; its full repr can hold seven digits of a number in a row
    by chance (5.03000000026077), so it is left out, as no typed number is ever a float."""
    if isinstance(args, tuple):
        return repr(tuple(a for a in args if not isinstance(a, float)))
    return repr(args)


def logged(records: list[logging.LogRecord], start: str) -> list[str]:
    return [r.getMessage() for r in records if r.getMessage().startswith(start)]


def write_everywhere(app: App, member: ConsoleChat, leader: ConsoleChat, said: str) -> None:
    """`said` typed into every field a member types into, and as a stranger's message."""
    assert "Đã ghi" in member.say(f"vneid 2 ghi chú: {said} nhé")
    assert "Đã ghi" in member.say(f"sskdt 1 @ ngõ 5 {said}")
    member.say(f"vneid 1 {said}")
    member.say("2")  # "Gõ lại": nothing saved
    member.say(said)
    member.say(f"/{MARKER} {said}")  # no such command
    for answer in ("/ghi", "1", "2", "2", "1", "3", f"nhà {said}", "bỏ qua"):
        member.say(answer)
    assert "Đã ghi" in member.say("1")
    app.engine.handle(
        Incoming(
            "console",
            member.user_id,
            member.user_id,
            text=f"vneid 1 ghi chú {said}",
            display_name=f"Lan {said}",
            message_key=f"console:{uuid.uuid4().hex}",
        )
    )
    app.engine.handle(
        Incoming(
            "console",
            f"-100{uuid.uuid4().int % 10**6}",
            leader.user_id,
            text=f"/lienket {said}",
            is_group=True,
            chat_title=f"Tổ 1 {said}",
            message_key=f"console:{uuid.uuid4().hex}",
        )
    )
    stranger = ConsoleChat(app.engine, user_id=f"s{uuid.uuid4().hex[:8]}", display_name=said)
    stranger.say(f"chào bot, {said}")


@pytest.fixture
def people(roster: Roster) -> tuple[ConsoleChat, ConsoleChat]:
    """A member and a leader of Tổ CNSCĐ TDP 1, both joined."""
    return roster.joined("Nguyễn Thị Lan"), roster.joined("Phạm Văn Minh", role=Role.LEADER)


@pytest.mark.parametrize(("typed", "digits"), PHONES)
def test_no_message_name_or_title_reaches_the_log_only_routes_and_sizes(
    app: App,
    people: tuple[ConsoleChat, ConsoleChat],
    every_record: pytest.LogCaptureFixture,
    typed: str,
    digits: str,
):
    member, leader = people
    said = f"{MARKER} gọi {typed}"
    write_everywhere(app, member, leader, said)
    notes = [log.note or "" for log in stored_logs(app)]
    assert any(MARKER in note for note in notes)  # the text was there to be logged
    assert leaks(every_record.records, digits) == []
    answered = logged(every_record.records, "message platform=console route=")
    assert f"route=log_support chars={len(f'vneid 2 ghi chú: {said} nhé')} " in "\n".join(answered)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    number=personal_numbers(),
    form=st.sampled_from(
        [
            "vneid {n} ghi chú: {said}",
            "sskdt {n} @ {said}",
            "{said} vneid {n}",
            "vneid {n} tại {said}, sskdt 1",
            "{said}",
            "hôm qua vneid {n} {said}",
        ]
    ),
    n=st.integers(min_value=1, max_value=9),
    words=st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạ ,.!?-:", max_size=15),
)
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the log, not the database
def test_any_quick_entry_with_a_note_or_a_place_is_logged_without_its_text(
    people: tuple[ConsoleChat, ConsoleChat],
    every_record: pytest.LogCaptureFixture,
    number: tuple[str, str],
    form: str,
    n: int,
    words: str,
):
    every_record.clear()
    member, _ = people
    typed, digits = number
    message = form.format(n=n, said=f"{words} {MARKER} {typed} {words}")
    member.say(message)
    member.say("/huy")  # whatever it asked, the next example starts afresh
    assert leaks(every_record.records, digits) == []
    sizes = logged(every_record.records, "message platform=console")
    assert f"chars={len(message)} " in sizes[0]


class HearingEngine:
    """A stand-in for the speech engine (the outside world): hears `words`, or fails with
    an error that quotes them, as a native library's message might."""

    name = "stand-in"

    def __init__(self, words: str, *, fails: bool = False) -> None:
        self.words, self.fails = words, fails

    def transcribe(self, samples: Any) -> str:
        if self.fails:
            raise RuntimeError(f"decoder stopped after «{self.words}»")
        return self.words


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_what_a_voice_message_said_is_logged_by_its_length_only(
    app: App, people: tuple[ConsoleChat, ConsoleChat], every_record: pytest.LogCaptureFixture
):
    member, _ = people
    words = f"vneid hai ghi chú {MARKER} gọi không chín một hai ba bốn năm sáu bảy tám"
    desks = [VoiceDesk(HearingEngine(words)), VoiceDesk(HearingEngine(words, fails=True))]
    try:
        heard, failed = (desk.hear_now(SPEECH) for desk in desks)
    finally:
        for desk in desks:
            desk.close()
    assert heard.text == words and failed.problem == "failed"
    assert MARKER in member.speak(heard)  # the member sees what was heard
    assert member.say("Lưu").startswith(texts.ENTRY_SAVED)
    assert member.speak(failed)
    assert leaks(every_record.records, "0912345678") == []
    assert logged(every_record.records, "voice engine failed engine=stand-in")
    assert logged(every_record.records, "voice heard seconds=1.0")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_zalo_group_mention_the_bot_was_not_told_is_logged_by_route_and_size(
    app: App, roster: Roster, every_record: pytest.LogCaptureFixture
):
    code = roster.add("Phạm Văn Minh", role=Role.LEADER)
    said = f"{MARKER} 0912…345…678"
    with FakeZalo() as zalo:
        minh = zalo.user("u-minh", f"Minh {said}")
        group = zalo.group("g-1", f"Tổ 1 {said}")
        updates = [
            zalo.send_text(minh, f"/thamgia {code}", queue=False),
            zalo.send_text(minh, "1", queue=False),
            zalo.send_text(minh, f"vneid 2 ghi chú: {said}", queue=False),
            zalo.send_image(minh, PHOTO, f"sskdt 1 @ {said}", queue=False),
            zalo.send_text(minh, f"@Bot {said} /lienket", group, queue=False),  # not its name
            zalo.send_text(minh, f"@Bot {said} vneid 1 ghi chú {said}", group, queue=False),
        ]
        config = ZaloBotConfig(token=zalo.token, base_url=zalo.base_url)  # no display_name

        async def chat() -> None:
            async with ZaloChannel(app.engine, config) as channel:
                for update in updates:
                    await channel.handle(update)

        asyncio.run(chat())
        answers = [m["text"] or "" for m in zalo.sent("u-minh") + zalo.sent("g-1")]
    assert any("Đã liên kết" in a for a in answers)
    assert sum(MARKER in (log.note or log.place or "") for log in stored_logs(app)) == 3
    assert leaks(every_record.records, "0912345678") == []
    learnt = f"@Bot {said}"
    assert logged(every_record.records, "zalo bot=- is mentioned in groups by a name") == [
        "zalo bot=- is mentioned in groups by a name not in its config route=lienket "
        f"chars={len(learnt)}: set display_name to the bot's name in Zalo"
    ]


@dataclass(frozen=True)
class Refusal:
    """A rule the database enforces on support_log, and how it says no."""

    name: str
    add: tuple[str, ...]
    drop: tuple[str, ...]
    error: str


REFUSALS = [
    # PostgreSQL's own message quotes the row: DETAIL: Failing row contains (…, note, …)
    Refusal(
        "a check constraint",
        ("ALTER TABLE support_log ADD CONSTRAINT short_note CHECK (length(note) < 3)",),
        ("ALTER TABLE support_log DROP CONSTRAINT IF EXISTS short_note",),
        "CheckViolation sqlstate=23514",
    ),
    # a trigger's RAISE quotes whatever it is given (not an IntegrityError: the other path)
    Refusal(
        "a trigger",
        (
            "CREATE FUNCTION refuse_note() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused: %', NEW.note; END $$",
            "CREATE TRIGGER refuse_note BEFORE INSERT ON support_log "
            "FOR EACH ROW EXECUTE FUNCTION refuse_note()",
        ),
        (
            "DROP TRIGGER IF EXISTS refuse_note ON support_log",
            "DROP FUNCTION IF EXISTS refuse_note()",
        ),
        "RaiseException sqlstate=P0001",
    ),
]


@pytest.fixture(params=REFUSALS, ids=lambda r: r.name)
def refusing(app: App, request: pytest.FixtureRequest) -> Iterator[Refusal]:
    """The database refusing every support log with a note, until the test ends."""
    refusal: Refusal = request.param
    with app.db.begin() as connection:
        for statement in refusal.add:
            connection.execute(text(statement))
    try:
        yield refusal
    finally:
        with app.db.begin() as connection:
            for statement in refusal.drop:
                connection.execute(text(statement))


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_save_refused_by_an_error_quoting_the_row_is_logged_without_it(
    app: App,
    people: tuple[ConsoleChat, ConsoleChat],
    refusing: Refusal,
    every_record: pytest.LogCaptureFixture,
):
    member, _ = people
    assert member.say(f"vneid 2 ghi chú: {MARKER} gọi 0912 345 678") == (texts.SOMETHING_WENT_WRONG)
    assert stored_logs(app) == []
    assert leaks(every_record.records, "0912345678") == []
    [failed] = [r for r in every_record.records if r.getMessage().startswith("message failed")]
    assert refusing.error in failed.getMessage()  # the traceback says what and where
    assert "handlers/engine.py" in failed.getMessage()
