"""The city page's figures are read at most once a minute, and while they are read again the
other officers get the last reading at once (bot.web.dashboard.city.Boards)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from bot.web.dashboard.city import Board, Boards, choices
from storage.city import WardLine

TODAY = date(2026, 11, 23)
T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
KEY = ("quy", TODAY)


def board(logs: int) -> Board:
    """A board whose city total is `logs`: enough to tell two readings apart."""
    offered = choices(TODAY)
    return Board(offered[2], offered, WardLine(0, "", logs=logs), (0, 0), 0, [], "")


def test_a_reading_serves_every_request_for_a_minute_then_is_read_again():
    boards, reads = Boards(60), []

    def read() -> Board:
        reads.append(1)
        return board(len(reads))

    assert boards.get(KEY, T0, read)[1].total.logs == 1
    assert boards.get(KEY, T0 + timedelta(seconds=59), read)[1].total.logs == 1
    at, found = boards.get(KEY, T0 + timedelta(seconds=60), read)
    assert (at, found.total.logs, len(reads)) == (T0 + timedelta(seconds=60), 2, 2)
    assert boards.get(("thang", TODAY), T0, read)[1].total.logs == 3  # each period its own


def test_while_one_request_reads_again_the_others_get_the_last_reading_at_once():
    boards = Boards(60)
    boards.get(KEY, T0, lambda: board(1))
    started, go = threading.Event(), threading.Event()

    def slow() -> Board:
        started.set()
        assert go.wait(10)
        return board(2)

    def never() -> Board:
        raise AssertionError("read twice at once")

    found: list[Board] = []
    reader = threading.Thread(
        target=lambda: found.append(boards.get(KEY, T0 + timedelta(seconds=61), slow)[1])
    )
    reader.start()
    assert started.wait(10)
    assert boards.get(KEY, T0 + timedelta(seconds=62), never)[1].total.logs == 1
    go.set()
    reader.join(10)
    assert [b.total.logs for b in found] == [2]
    assert boards.get(KEY, T0 + timedelta(seconds=63), never)[1].total.logs == 2


def test_the_first_reading_is_waited_for_not_read_twice():
    boards = Boards(60)
    started, go = threading.Event(), threading.Event()

    def slow() -> Board:
        started.set()
        assert go.wait(10)
        return board(7)

    def never() -> Board:
        raise AssertionError("read twice at once")

    found: list[int] = []
    first = threading.Thread(target=lambda: found.append(boards.get(KEY, T0, slow)[1].total.logs))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: found.append(boards.get(KEY, T0, never)[1].total.logs))
    second.start()
    go.set()
    first.join(10)
    second.join(10)
    assert found == [7, 7]


def test_with_no_seconds_every_request_reads():
    boards, reads = Boards(0), []

    def read() -> Board:
        reads.append(1)
        return board(len(reads))

    assert [boards.get(KEY, T0, read)[1].total.logs for _ in range(3)] == [1, 2, 3]
