"""Readings the rules leave to judgement, settled the way a volunteer means them."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.parsing.quick_entry import parse_quick_entry

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("message", "items", "problems"),
    [
        pytest.param(
            "BHXH 2 an sinh xã hội 1",
            {"vssid": 3},
            [],
            id="each side of a slash in a display name is an alias",
        ),
        pytest.param(
            "dinh danh dien tu muc 2 3",
            {"muc2": 3},
            [],
            id="a display name without its leading filler is still that service",
        ),
        pytest.param(
            "định danh điện tử mức 2",
            {"muc2": 1},
            [],
            id="level 2 spelt out is one service, not vneid and muc2",
        ),
        pytest.param(
            "tai vneid cho 3 nguoi",
            {"vneid": 3},
            [],
            id="tai right before a service is tải without diacritics, not a place",
        ),
        pytest.param(
            "vneid 3 tai nha van hoa",
            {"vneid": 3},
            [],
            id="tai before anything else still starts the place",
        ),
        pytest.param(
            "vneid 3 sskd 2",
            {"vneid": 1},
            [("unknown_word", "3 sskd 2")],
            id="counts touching an unknown word are given to no service",
        ),
        pytest.param(
            "hôm qua 20/11 vneid",
            {"vneid": 1},
            [("unknown_word", "20/11")],
            id="a second, different day is asked about, not silently chosen",
        ),
        pytest.param("hôm qua 22/11 vneid", {"vneid": 1}, [], id="the same day said twice is fine"),
    ],
)
def test_readings(message: str, items: dict[str, int], problems: list[tuple[str, str]]):
    result = parse_quick_entry(message, today=TODAY)
    assert result.items == items
    assert [(p.kind, p.text) for p in result.problems] == problems


def test_tai_before_a_service_leaves_no_place():
    assert parse_quick_entry("tai vneid 2", today=TODAY).location is None


def test_a_correction_can_tell_a_typed_day_from_the_default():
    assert parse_quick_entry("vneid 2", today=TODAY).day_typed is False
    assert parse_quick_entry("hôm nay vneid 2", today=TODAY).day_typed is True
