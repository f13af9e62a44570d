"""Members writing at the same moment, on a SQLite file as on PostgreSQL (SPEC §3, §5, §7).

SQLite has one writer at a time: storage/db.py begins every writing transaction with
BEGIN IMMEDIATE (the write lock is taken at once, never upgraded from a read) and waits up
to 30 s for it. These tests line real threads up on a barrier, each on its own connection
(and, where it says so, its own worker with its own engine, as a second process would),
and check what members see and what the tables hold. The oracle is plain SQL over the
tables, never storage.logs. Each test runs on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.app import App, build_app
from bot.channels.console import ConsoleChat
from bot.channels.sender import ChannelSender
from bot.config import Config
from handlers import texts
from handlers.messages import Incoming, Reply
from schedules.jobs import TickSummary, tick
from storage.models import GroupChat, Role, Team
from tests.conftest import Clock, Roster

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
ROUNDS = 8  # the same message delivered twice at once, this many times
MESSAGES = 12  # each member's messages in the two-members test
WAIT = 120  # seconds a thread may take before the test calls it stuck


@pytest.fixture
def worker_two(config: Config, clock: Clock) -> Iterator[App]:
    """A second worker on the same database: its own engine and connections."""
    other = build_app(config, clock=clock)
    yield other
    other.db.dispose()


def at_once(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run each job in its own thread, all released together; results (or errors) in order."""
    barrier = threading.Barrier(len(jobs))
    out: list[Any] = [RuntimeError("not run")] * len(jobs)

    def run(n: int) -> None:
        barrier.wait()
        try:
            out[n] = jobs[n]()
        except BaseException as exc:  # the test reports it, with the others' results
            out[n] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)
        assert not thread.is_alive(), "a thread is stuck"
    return out


def sql(app: App, query: str, **params: object) -> list[Any]:
    """Rows of a plain SQL query on the app's database."""
    with app.db.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query), params)]


def live_logs_of(app: App, name: str) -> int:
    [(count,)] = sql(
        app,
        "SELECT count(*) FROM support_log l JOIN member m ON m.id = l.member_id "
        "WHERE m.name = :name AND l.deleted_at IS NULL",
        name=name,
    )
    return int(count)


def service_sums(app: App) -> dict[str, int]:
    """Per-service sums of the live logs, straight from the tables."""
    rows = sql(
        app,
        "SELECT s.code, sum(i.count) FROM support_log_item i "
        "JOIN support_log l ON l.id = i.log_id JOIN service s ON s.id = i.service_id "
        "WHERE l.deleted_at IS NULL GROUP BY s.code",
    )
    return {code: int(total) for code, total in rows}


def says_already(replies: list[Reply]) -> bool:
    return replies[0].text.startswith(texts.ALREADY_HANDLED)


def no_failure(answers: list[Any]) -> None:
    """No thread raised, and no member was told that something went wrong."""
    for answer in answers:
        assert not isinstance(answer, BaseException), repr(answer)
        replies = answer if isinstance(answer, list) else []
        for reply in replies:
            assert isinstance(reply, Reply) and texts.SOMETHING_WENT_WRONG not in reply.text


@pytest.fixture(params=["one worker", "two workers"])
def workers(request: pytest.FixtureRequest, app: App) -> tuple[App, App]:
    """Two threads of one worker (one engine), or two workers (two engines)."""
    if request.param == "one worker":
        return app, app
    return app, request.getfixturevalue("worker_two")


def test_the_database_is_a_file_or_postgresql(app: App):
    url = app.db.url
    assert url.get_backend_name() == "postgresql" or Path(url.database or "").is_file()


def test_one_message_delivered_twice_at_once_is_stored_once_and_answered_twice(
    app: App, workers: tuple[App, App], member: ConsoleChat, clock: Clock
):
    first_worker, second_worker = workers
    answers = []
    for n in range(ROUNDS):
        clock.now += timedelta(minutes=11)  # a new visit each round, not a report sent again
        incoming = Incoming(
            "console", member.user_id, member.user_id, text="vneid 2", message_key=f"upd:{n}"
        )
        pair = at_once(
            [
                lambda m=incoming: first_worker.engine.handle(m),
                lambda m=incoming: second_worker.engine.handle(m),
            ]
        )
        no_failure(pair)
        answers.append(pair)
    for first, second in answers:
        again, once = sorted([first, second], key=lambda replies: not says_already(replies))
        assert says_already(again) and not says_already(once), (first, second)
        assert "Đã ghi" in once[0].text
        assert again[0].text == f"{texts.ALREADY_HANDLED}\n\n{once[0].text}"
    [(logs, keys)] = sql(
        app,
        "SELECT count(*), count(DISTINCT message_key) FROM support_log WHERE deleted_at IS NULL",
    )
    assert (logs, keys) == (ROUNDS, ROUNDS)
    assert service_sums(app) == {"vneid": 2 * ROUNDS}


def test_two_members_logging_many_messages_at_once_have_every_log_stored(
    app: App, workers: tuple[App, App], roster: Roster
):
    lan = roster.joined("Nguyễn Thị Lan", user="lan")
    tam = roster.joined("Lê Văn Tám", team="Tổ CNSCĐ TDP 2", user="tam")
    chats = [
        ConsoleChat(w.engine, user_id=c.user_id) for w, c in zip(workers, (lan, tam), strict=True)
    ]

    def logs(chat: ConsoleChat, template: str) -> list[list[Reply]]:
        return [chat.send(template.format(k)) for k in range(1, MESSAGES + 1)]

    answers = at_once(
        [lambda: logs(chats[0], "vneid {}"), lambda: logs(chats[1], "{} sổ sức khỏe")]
    )
    for member_answers in answers:
        assert not isinstance(member_answers, BaseException), repr(member_answers)
        for replies in member_answers:
            no_failure([replies])
            assert "Đã ghi" in replies[0].text, replies
    each = MESSAGES * (MESSAGES + 1) // 2  # 1 + 2 + … + MESSAGES
    assert live_logs_of(app, "Nguyễn Thị Lan") == MESSAGES
    assert live_logs_of(app, "Lê Văn Tám") == MESSAGES
    assert service_sums(app) == {"vneid": each, "sskdt": each}
    [(teams,)] = sql(app, "SELECT count(DISTINCT team_id) FROM support_log")
    assert teams == 2  # each log went to its member's team


# --- a scheduled tick while members chat --------------------------------------------------


class Lockstep:
    """Members take turns with the tick's sends: each send, after its claim is committed and
    before it is marked sent, waits until every member has stored one more message. Before
    the first send, members send `free` messages at once, racing the tick's planning."""

    def __init__(self, members: int, *, free: int) -> None:
        self._turn = threading.Condition()
        self._given = free
        self._sent = [0] * members
        self._over = False

    def members_write(self) -> None:
        """(The tick) let each member send one more message, and wait until they have."""
        with self._turn:
            self._given += 1
            self._turn.notify_all()
            waited = self._turn.wait_for(lambda: min(self._sent) >= self._given, timeout=WAIT)
        assert waited, "the members did not write"

    def may_write(self, member: int) -> bool:
        """(A member) wait for a turn; False once the tick is over."""
        with self._turn:
            waited = self._turn.wait_for(
                lambda: self._sent[member] < self._given or self._over, timeout=WAIT
            )
            assert waited, "no turn came"
            return self._sent[member] < self._given

    def wrote(self, member: int) -> None:
        with self._turn:
            self._sent[member] += 1
            self._turn.notify_all()

    def over(self) -> None:
        with self._turn:
            self._over = True
            self._turn.notify_all()


class TakingTurns:
    """The channels' sender, letting the members write in the middle of each send."""

    def __init__(self, console: io.StringIO, turns: Lockstep) -> None:
        self._inner = ChannelSender(console=console)
        self._turns = turns

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        await asyncio.to_thread(self._turns.members_write)
        return await self._inner.send(*args, **kwargs)


@pytest.fixture
def busy_ward(app: App, roster: Roster, clock: Clock) -> list[ConsoleChat]:
    """Two teams on Monday 07/12/2026 08:00, when the quarterly report's 7-day reminder
    (last day 14/12) and the weekly tally are both due: team 1 has a linked group. Returns
    the two members who will be logging."""
    clock.set_local(2026, 12, 7, 8, 0)
    roster.joined("Phạm Văn Minh", role=Role.LEADER, user="minh")
    roster.joined("Vũ Thị Mai", role=Role.LEADER, team="Tổ CNSCĐ TDP 2", user="mai")
    lan = roster.joined("Nguyễn Thị Lan", user="lan")
    tam = roster.joined("Lê Văn Tám", team="Tổ CNSCĐ TDP 2", user="tam")
    with app.uow() as uow:
        team = uow.session.exec(select(Team).where(Team.name == "Tổ CNSCĐ TDP 1")).one()
        uow.session.add(
            GroupChat(platform="console", chat_id="nhom-1", ward_id=team.ward_id, team_id=team.id)
        )
        uow.commit()
    return [lan, tam]


def run_tick(app: App, now: datetime, sender: Any, charts: Path) -> TickSummary:
    return asyncio.run(tick(app.uow, sender, now=now, zone=ZONE, charts_dir=charts))


# what 07/12/2026 08:00 sends, worked out by hand: the reminder to each leader and to the
# linked group; the tally to the group, and to Mai's own chat (her team has no group)
DUE = sorted(
    [
        ("deadline_reminder", "minh"),
        ("deadline_reminder", "nhom-1"),
        ("deadline_reminder", "mai"),
        ("weekly_tally", "nhom-1"),
        ("weekly_tally", "mai"),
    ]
)
FREE = 3  # messages each member sends while the tick plans
WRITES = FREE + len(DUE)  # and one more during each send: each member's messages in all


def test_a_tick_running_while_members_chat_loses_and_doubles_nothing(
    app: App, workers: tuple[App, App], busy_ward: list[ConsoleChat], clock: Clock, tmp_path: Path
):
    ticker, chatter = workers
    turns = Lockstep(len(busy_ward), free=FREE)
    console = io.StringIO()
    now = clock.now

    def ticking() -> TickSummary:
        try:
            return run_tick(ticker, now, TakingTurns(console, turns), tmp_path / "charts")
        finally:
            turns.over()

    def chatting(n: int, service: str) -> list[list[Reply]]:
        chat = ConsoleChat(chatter.engine, user_id=busy_ward[n].user_id)
        answers = []
        while turns.may_write(n):
            answers.append(chat.send(f"{service} {len(answers) + 1}"))
            turns.wrote(n)
        return answers

    summary, lans, tams = at_once(
        [ticking, lambda: chatting(0, "vneid"), lambda: chatting(1, "sskdt")]
    )
    assert not isinstance(summary, BaseException), repr(summary)
    assert summary == TickSummary(sent=len(DUE)), summary
    for member in (lans, tams):
        assert not isinstance(member, BaseException), repr(member)
        assert len(member) == WRITES
        for replies in member:
            no_failure([replies])
            assert "Đã ghi" in replies[0].text, replies
    # every message stored once
    assert live_logs_of(app, "Nguyễn Thị Lan") == WRITES
    assert live_logs_of(app, "Lê Văn Tám") == WRITES
    each = WRITES * (WRITES + 1) // 2  # 1 + 2 + … + WRITES
    assert service_sums(app) == {"vneid": each, "sskdt": each}
    # every scheduled message sent once
    rows = sql(app, "SELECT kind, chat_id, status FROM outbox_message")
    assert sorted((kind, chat) for kind, chat, _ in rows) == DUE
    assert {status for _, _, status in rows} == {"sent"}
    printed = console.getvalue()
    assert printed.count("⏰ Nhắc hạn Báo cáo quý: hạn cuối 14/12/2026, còn 7 ngày.") == 3
    assert printed.count("📊 Tổ CNSCĐ TDP 1, tuần 30/11/2026–06/12/2026:") == 1
    assert printed.count("📊 Tổ CNSCĐ TDP 2, tuần 30/11/2026–06/12/2026:") == 1
    # and a tick after it finds nothing left to send
    again = io.StringIO()
    later = now + timedelta(minutes=1)
    assert run_tick(app, later, ChannelSender(console=again), tmp_path / "charts") == TickSummary()
    assert again.getvalue() == ""
