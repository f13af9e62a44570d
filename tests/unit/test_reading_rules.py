"""The reading contract's rules, one message each (SPEC §3, "never wrong in silence").

Each row is a message volunteers really send, with what it must be read as or that it
must be asked about; the expectations come from the SPEC, not from the parser.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from handlers.parsing.quick_entry import BLOCKING, parse_quick_entry

T = date(2026, 12, 7)  # a Monday
YESTERDAY, DAY_BEFORE = "2026-12-06", "2026-12-05"


def read(message: str, id: str, **expected: Any) -> Any:
    """Saved at once, read as `expected` (items, people, households, date, location, note)."""
    return pytest.param(message, expected, id=id)


READ = [
    # -------------------------------------------------- a place swallows nothing after it
    read(
        "vneid 3 sskdt 2 tại ngõ 5 hôm qua",
        "a place ends before a day phrase",
        items={"vneid": 3, "sskdt": 2},
        location="ngõ 5",
        date=YESTERDAY,
    ),
    read(
        "vneid 2 tại tổ 3 sskdt 1",
        "a place ends before a service word and keeps its own number",
        items={"vneid": 2, "sskdt": 1},
        location="tổ 3",
    ),
    read(
        "vneid 3 @ ngõ 5 4 hộ",
        "a place ends before N hộ",
        items={"vneid": 3},
        households=4,
        location="ngõ 5",
    ),
    read(
        "vneid 3 @ ngõ 9 2 hộ",
        "the SPEC's households after a place",
        items={"vneid": 3},
        households=2,
        location="ngõ 9",
    ),
    read(
        "vneid 2 @ ngõ 7 sskdt 3",
        "the SPEC's service after a place",
        items={"vneid": 2, "sskdt": 3},
        location="ngõ 7",
    ),
    read(
        "vneid 2 tại ngõ 114",
        "digits inside a place stay in it",
        items={"vneid": 2},
        location="ngõ 114",
    ),
    read(
        "vneid 2 tại số 12 ngõ 45 nhé",
        "trailing filler is not part of a place",
        items={"vneid": 2},
        location="số 12 ngõ 45",
    ),
    read(
        "vneid 2 tại tdp 3 gc: nhà cụ Tư",
        "a place ends before the note",
        items={"vneid": 2},
        location="tdp 3",
        note="nhà cụ Tư",
    ),
    read(
        "vneid 3 tại nhà văn hoá chiều thứ 6",
        "a place ends before a part of the day with a weekday",
        items={"vneid": 3},
        location="nhà văn hoá",
        date="2026-12-04",
    ),
    read(
        "3 vneid tại nhà văn hoá 2 sskdt",
        "in a count-first message the number before the next service is its count",
        items={"vneid": 3, "sskdt": 2},
        location="nhà văn hoá",
    ),
    read(
        "vneid 2 tại ngõ 5 cho 3 người",
        "a place ends before N người",
        items={"vneid": 2},
        people=3,
        location="ngõ 5",
    ),
    # ------------------------------------------------------------- level 2 as shorthand
    read("vneid md2 2", "vneid before md2 is level 2 alone", items={"muc2": 2}),
    read("vneid lv2 2", "vneid before lv2 is level 2 alone", items={"muc2": 2}),
    read("VNeID MD2 x5", "VNeID MD2 x5 is level 2 alone", items={"muc2": 5}),
    read("vneid mức độ 2: 4", "mức độ 2 is level 2", items={"muc2": 4}),
    read("3 vneid md2", "count first, vneid md2 is level 2 alone", items={"muc2": 3}),
    # --------------------------------------------------------- two names of one service
    read("thanh toán qr 3", "thanh toán qr is one mention", items={"ttkdtm": 3}),
    read("thanh toán chuyển khoản 2", "two aliases side by side", items={"ttkdtm": 2}),
    read("chuyển khoản qr 4", "chuyển khoản qr is one mention", items={"ttkdtm": 4}),
    read("vneid 3, vneid 2", "mentions with their own counts still add up", items={"vneid": 5}),
    # ---------------------------------------------------------- words from real reports
    read(
        "kích hoạt tài khoản định danh điện tử mức 2 cho 7 người",
        "a ward report's level 2 wording",
        items={"muc2": 7},
    ),
    read("cài ứng dụng VNeID cho 13 công dân", "ứng dụng and công dân", items={"vneid": 13}),
    read(
        "tích hợp sổ sức khỏe điện tử trên VNeID cho 5 người",
        "a service on VNeID is that service alone",
        items={"sskdt": 5},
    ),
    read(
        "sổ sức khỏe điện tử VNeID cho 5 người",
        "the e-health book written out before VNeID is the book alone",
        items={"sskdt": 5},
    ),
    read("ký số trên VNeID 2", "ký số trên VNeID is ký số alone", items={"cks": 2}),
    read("vneid 4, hơn 50 hộ", "hơn before a count is filler", items={"vneid": 4}, households=50),
    read("khoảng 10 người cài vneid", "khoảng before a count is filler", items={"vneid": 10}),
    read("thanh toán trực tuyến 3", "thanh toán trực tuyến is one alias", items={"ttkdtm": 3}),
    read("Hải Phòng Smart 6", "Hải Phòng Smart", items={"smarthp": 6}),
    read("TKĐDĐT 2", "TKĐDĐT is VNeID", items={"vneid": 2}),
    read("tai app báo cháy 114", "unaccented tai before app is tải", items={"bc114": 1}),
    read("cài app báo cháy 114 cho 3 hộ", "app is filler", items={"bc114": 1}, households=3),
    read("3 tài khoản vneid", "N tài khoản X counts like N lượt X", items={"vneid": 3}),
    # ------------------------------------------------------------- more everyday words
    read("giúp 4 cụ cài vneid", "cụ after a count is people", items={"vneid": 4}),
    read("vneid 2, 3 bác", "bác after a count is people", items={"vneid": 2}, people=3),
    read("vneid 2, 5 tiểu thương", "tiểu thương are people", items={"vneid": 2}, people=5),
    read(
        "vneid 2, 3 hộ kinh doanh", "hộ kinh doanh are households", items={"vneid": 2}, households=3
    ),
    read("hkia vneid 2", "hkia is hôm kia", items={"vneid": 2}, date=DAY_BEFORE),
    read("cn vneid 2", "cn is Sunday", items={"vneid": 2}, date=YESTERDAY),
    read(
        "sáng hôm qua vneid 2", "a part of the day with hôm qua", items={"vneid": 2}, date=YESTERDAY
    ),
    read(
        "chiều 05/12 vneid 2", "a part of the day with a date", items={"vneid": 2}, date=DAY_BEFORE
    ),
    read("em báo cáo vneid 3 sskdt 2", "em báo cáo is filler", items={"vneid": 3, "sskdt": 2}),
    read("cả tổ cài vneid 9", "cả tổ is filler", items={"vneid": 9}),
    read("có 5 người cài vneid", "có is filler", items={"vneid": 5}),
]


@pytest.mark.parametrize(("message", "expected"), READ)
def test_a_message_the_rules_cover_is_read_at_once_as_meant(message: str, expected: dict) -> None:
    result = parse_quick_entry(message, today=T)
    assert not result.kinds() & BLOCKING, (message, result.problems)
    got = {
        "items": result.items,
        "people": result.people,
        "households": result.households,
        "date": result.date.isoformat(),
        "location": result.location,
        "note": result.note,
    }
    want = {"people": None, "households": None, "date": T.isoformat(), "location": None}
    want |= {"note": None, **expected}
    assert got == want, message


ASKED = [
    pytest.param("tdp 3 cài vneid", "tdp 3", id="a number touching an unknown word is asked"),
    pytest.param("vneid 3 2 sskdt", "2", id="a number no service can take is asked"),
    pytest.param("vneid 3 tầng 2", "3 tầng 2", id="counts next to an unknown word are asked"),
    pytest.param("cài vào VNeID 3", "vào VNeID 3", id="on VNeID with no other service is asked"),
]


@pytest.mark.parametrize(("message", "shown"), ASKED)
def test_a_number_that_may_be_something_else_is_asked_about(message: str, shown: str) -> None:
    result = parse_quick_entry(message, today=T)
    unknown = [p.text for p in result.problems if p.kind == "unknown_word"]
    assert shown in unknown, result.problems


def test_a_number_left_out_means_the_rest_is_never_offered_for_saving() -> None:
    assert parse_quick_entry("vneid 3 2 sskdt", today=T).left_out_number
    assert parse_quick_entry("tdp 3 cài vneid", today=T).left_out_number
    near_miss = parse_quick_entry("vneid 3, sskdt 2, vnied", today=T)
    assert "unknown_word" in near_miss.kinds() and not near_miss.left_out_number


@pytest.mark.parametrize(
    ("message", "likelier", "other"),
    [
        pytest.param(
            "cài vneid và kích hoạt mức 2 cho 3 người",
            {"vneid": 3, "muc2": 3},
            {"vneid": 1, "muc2": 3},
            id="two services without counts before N người: each N first, or 1 and N",
        ),
        pytest.param(
            "vneid 3 mức 2",
            {"muc2": 3},
            {"vneid": 3, "muc2": 1},
            id="a count between vneid and mức 2: level 2 for them first",
        ),
        pytest.param(
            "sskdt vneid 3",
            {"sskdt": 3},
            {"sskdt": 1, "vneid": 3},
            id="a short hosted service before vneid: the service on VNeID first",
        ),
        pytest.param(
            "vneid 3 tại nhà khác",
            {"vneid": 3, "khac": 1},
            {"vneid": 3},
            id="a service word with no count ending a place may be the place's",
        ),
    ],
)
def test_two_plausible_readings_are_asked_with_the_likelier_first(
    message: str, likelier: dict[str, int], other: dict[str, int]
) -> None:
    result = parse_quick_entry(message, today=T)
    assert "ambiguous" in result.kinds()
    assert result.items == likelier
    assert [alt.items for alt in result.alternatives] == [other]
    assert not any(alt.kinds() & BLOCKING for alt in result.alternatives)


def test_a_place_that_may_hold_a_service_word_offers_the_place_whole() -> None:
    result = parse_quick_entry("vneid 3 tại nhà khác", today=T)
    assert result.location == "nhà"
    assert [alt.location for alt in result.alternatives] == ["nhà khác"]


@pytest.mark.parametrize(
    ("message", "left_out", "items"),
    [
        pytest.param("trời mưa, vneid 3", ["trời mưa"], {"vneid": 3}, id="chatter before"),
        pytest.param(
            "nhà chị Lan vneid 3 sskdt 2", ["nhà chị Lan"], {"vneid": 3, "sskdt": 2}, id="a name"
        ),
        pytest.param(
            "vneid 3, vui lắm, sskdt 2", ["vui lắm"], {"vneid": 3, "sskdt": 2}, id="between commas"
        ),
        pytest.param(
            "cài vneid cho 2 cụ nhà bà Lan",
            ["nhà bà Lan"],
            {"vneid": 2},
            id="after a count's unit the words touch the unit, not the count",
        ),
    ],
)
def test_chatter_is_left_out_and_named(message: str, left_out: list[str], items: dict) -> None:
    result = parse_quick_entry(message, today=T)
    assert not result.kinds() & BLOCKING
    assert result.ignored() == left_out and result.items == items


def test_chatter_alone_is_not_a_report() -> None:
    result = parse_quick_entry("trời mưa quá", today=T)
    assert {"no_service", "unknown_word"} <= result.kinds() and not result.ignored()


def test_a_number_word_in_unknown_words_is_never_chatter() -> None:
    result = parse_quick_entry("vneid 3, nhà bà Tư", today=T)
    assert "unknown_word" in result.kinds() and result.left_out_number
