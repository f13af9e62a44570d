"""Quick entry, everyday and spoken forms: a table of messages as volunteers really write.

Every expectation below comes from SPEC §3 "Everyday and spoken forms" (number words,
days of the week, parts of the day, more filler words and units, level 2 as people say
it, one service with no count, near misses) and the examples of its issue. The rows of
`test_quick_entry_table.py` still hold; these extend them.

Each row compares the whole ``as_dict()`` like that table; problems are compared as a
multiset of ``(kind, text, suggestion)``: a problem carries a ``suggestion`` key only
when it offers a service, so a row without one checks that none is offered.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from handlers import texts
from handlers.parsing.quick_entry import parse_quick_entry
from tests.unit.test_quick_entry_table import (
    ANY,
    BAD,
    KINDS,
    LARGE,
    NO_SERVICE,
    T,
    _field_matches,
    _is_vietnamese,
    ignored,
    unknown,
)
from tests.unit.test_quick_entry_table import case as quick_case

# T is Monday 23/11/2026; THU is the Thursday of that week, SUN its Sunday.
THU = date(2026, 11, 26)
SUN = date(2026, 11, 29)


Expected = tuple[Any, ...]  # (kind, text) or (kind, text, suggestion)


def case(message: str, id: str, *, problems: tuple[Expected, ...] = (), **fields: Any) -> Any:
    """A row as in the quick-entry table; a problem may also name its suggestion."""
    return quick_case(message, id, problems=problems, **fields)


def near(text: str, code: str) -> tuple[str, object, str]:
    """An unknown word one edit away from a service: offered as that service."""
    return ("unknown_word", text, code)


ROWS = [
    # ------------------------------------------------------------ the examples
    case(
        "hôm qua đi giúp bà con cài vneid 4 người",
        "issue example yesterday with đi and bà con as fillers is vneid 4",
        items={"vneid": 4},
        day="2026-11-22",
    ),
    case(
        "thứ 2 vneid 3",
        "issue example thứ 2 on a Monday is today and its digit is not the count",
        items={"vneid": 3},
        day="2026-11-23",
    ),
    case(
        "thứ 2 vneid 3",
        "issue example thứ 2 on a Thursday is that week's Monday",
        today=THU,
        items={"vneid": 3},
        day="2026-11-23",
    ),
    case(
        "cai vneid muc 2 cho 3 nguoi",
        "issue example cai vneid muc 2 is the level-2 service alone",
        items={"muc2": 3},
    ),
    case(
        "vnied 2",
        "issue example vnied is offered as vneid and nothing is counted",
        problems=(near("vnied 2", "vneid"), NO_SERVICE),
    ),
    case("cài vneid cho ba người", "issue example ba người is three", items={"vneid": 3}),
    case("sáng nay 2 sskdt", "issue example sáng nay is today", items={"sskdt": 2}),
    case(
        "cài vneid cho 2 hộ, 5 người",
        "spec example one service without a count takes N người from anywhere",
        items={"vneid": 5},
        households=2,
    ),
    # ----------------------------------------------------------------- number words
    case("mười lăm người cài vneid", "spec example mười lăm is 15", items={"vneid": 15}),
    case("vneid hai mươi mốt", "spec example hai mươi mốt is 21", items={"vneid": 21}),
    case(
        "hai muoi lam nguoi cai vneid",
        "spec example hai muoi lam without diacritics is 25",
        items={"vneid": 25},
    ),
    case("vneid một", "một after a service is one", items={"vneid": 1}),
    case("mốt người cài vneid", "mốt is one too", items={"vneid": 1}),
    case("vneid hai", "hai after a service is its count", items={"vneid": 2}),
    case("vneid bốn, sskdt tư", "bốn and tư are both four", items={"vneid": 4, "sskdt": 4}),
    case("năm người cài vneid", "năm before người is five", items={"vneid": 5}),
    case("vneid mười nhăm", "mười nhăm is 15", items={"vneid": 15}),
    case(
        "sáu hộ, vneid bảy",
        "sáu hộ is households and bảy the service count",
        items={"vneid": 7},
        households=6,
    ),
    case("tám ng cài sskdt", "tám ng before a service is its count", items={"sskdt": 8}),
    case("vneid chín", "chín is nine", items={"vneid": 9}),
    case("vneid mười", "mười alone is ten", items={"vneid": 10}),
    case("vneid muoi mot", "muoi mot without diacritics is 11", items={"vneid": 11}),
    case("ba muoi nguoi cai vneid", "ba muoi is thirty", items={"vneid": 30}),
    case(
        "chín mươi chín người cài vneid", "chín mươi chín is the largest, 99", items={"vneid": 99}
    ),
    case(
        "vneid ba, sskdt hai",
        "number words after two services",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "ba vneid hai sskdt",
        "number words before two services",
        items={"vneid": 3, "sskdt": 2},
    ),
    case("VNEID BA", "a number word in capitals is still a count", items={"vneid": 3}),
    case(
        "Ba người cài vneid", "a capital at the start of the message is a count", items={"vneid": 3}
    ),
    case(
        "vneid 3, hai mươi hộ gia đình",
        "hai mươi hộ gia đình is twenty households",
        items={"vneid": 3},
        households=20,
    ),
    case("làm vneid ba lượt", "ba lượt after a service is its count", items={"vneid": 3}),
    case(
        "hướng dẫn mười bà con cài vneid",
        "a number word before bà con and a service",
        items={"vneid": 10},
    ),
    case(
        "giup muoi ba con cai vneid",
        "ba con stays the filler phrase after mười",
        items={"vneid": 10},
    ),
    case(
        "giúp hai mươi ba con cài sskdt",
        "ba con stays the filler phrase after hai mươi",
        items={"sskdt": 20},
    ),
    # ------------------------------------------------- number words that are not counts
    case(
        "nhà bà Tư vneid 2",
        "spec example nhà bà Tư is a name not a count",
        items={"vneid": 2},
        problems=(unknown("nhà bà Tư"),),
    ),
    case(
        "vneid 2 bà Năm 80 tuổi",
        "spec example bà Năm 80 tuổi is words not counts, and the count it touches is asked",
        items={"vneid": 1},
        problems=(unknown("2 bà Năm 80 tuổi"),),
    ),
    case(
        "bà Năm 80 tuổi, vneid 2",
        "bà Năm 80 tuổi first is still words",
        items={"vneid": 2},
        problems=(unknown("bà Năm 80 tuổi"),),
    ),
    case(
        "cài vneid cho bà Tư",
        "a number word after bà is a name even right after a service",
        items={"vneid": 1},
        problems=(unknown("bà Tư"),),
    ),
    case(
        "cài vneid cho ông Ba",
        "a number word after ông is a name",
        items={"vneid": 1},
        problems=(unknown("ông Ba"),),
    ),
    case(
        "cài vneid cho Tư",
        "a capitalised number word inside a sentence is a name",
        items={"vneid": 1},
        problems=(unknown("Tư"),),
    ),
    case(
        "bà con cài vneid 3",
        "spec example bà con is always the filler phrase",
        items={"vneid": 3},
    ),
    case(
        "ba con cai vneid 3",
        "spec example ba con without diacritics is the filler phrase not three",
        items={"vneid": 3},
    ),
    case(
        "năm nay vneid 3",
        "năm in năm nay is the year not a count",
        items={"vneid": 3},
        problems=(unknown("năm nay"),),
    ),
    case(
        "tư vấn vneid 3",
        "tư in tư vấn is a word not a count",
        items={"vneid": 3},
        problems=(unknown("tư vấn"),),
    ),
    case(
        "vneid 3 cho ba mẹ",
        "ba before an ordinary word is not a count",
        items={"vneid": 3},
        problems=(unknown("ba mẹ"),),
    ),
    case(
        "vneid 3, hai",
        "a number word nowhere near a service cannot be placed",
        items={"vneid": 3},
        problems=(unknown("hai"),),
    ),
    case(
        "vneid hai ba",
        "two number words side by side are words",
        items={"vneid": 1},
        problems=(unknown("hai ba"),),
    ),
    case(
        "vneid nhăm",
        "nhăm alone is not a number",
        items={"vneid": 1},
        problems=(unknown("nhăm"),),
    ),
    case(
        "bà vneid",
        "bà is not ba: a word with other diacritics is no number word",
        items={"vneid": 1},
        problems=(ignored("bà"),),
    ),
    case("ba vneid", "ba without diacritics before a service is three", items={"vneid": 3}),
    case(
        "vneid 3, bà con hai hộ",
        "hai hộ after bà con is households",
        items={"vneid": 3},
        households=2,
    ),
    # ------------------------------------------------------------ days of the week
    case("thứ hai vneid 3", "thứ hai is Monday", today=THU, items={"vneid": 3}, day="2026-11-23"),
    case("t2 vneid 3", "t2 is Monday", today=THU, items={"vneid": 3}, day="2026-11-23"),
    case(
        "hôm thứ 3 sskdt 2",
        "hôm before thứ 3 is ignored",
        today=THU,
        items={"sskdt": 2},
        day="2026-11-24",
    ),
    case(
        "thu ba 2 vneid",
        "thu ba without diacritics then a count first",
        today=THU,
        items={"vneid": 2},
        day="2026-11-24",
    ),
    case(
        "t4 vneid",
        "the digit of t4 is not a count",
        today=THU,
        items={"vneid": 1},
        day="2026-11-25",
    ),
    case(
        "thứ tư vneid 2",
        "thứ tư is Wednesday",
        today=THU,
        items={"vneid": 2},
        day="2026-11-25",
    ),
    case(
        "thứ 5 vneid 2",
        "today's day of the week is today",
        today=THU,
        items={"vneid": 2},
        day="2026-11-26",
    ),
    case(
        "thứ năm vneid 2",
        "thứ năm is Thursday and năm is not a count",
        today=THU,
        items={"vneid": 2},
        day="2026-11-26",
    ),
    case(
        "thứ 6 vneid",
        "a day of the week later than today is last week's",
        today=THU,
        items={"vneid": 1},
        day="2026-11-20",
    ),
    case(
        "thứ sáu vneid 4",
        "thứ sáu is Friday",
        today=THU,
        items={"vneid": 4},
        day="2026-11-20",
    ),
    case(
        "thứ bảy vneid 2",
        "thứ bảy is Saturday",
        today=THU,
        items={"vneid": 2},
        day="2026-11-21",
    ),
    case("T7 vneid 2", "T7 is Saturday", today=THU, items={"vneid": 2}, day="2026-11-21"),
    case(
        "thứ 7 vneid",
        "the digit of thứ 7 is not a count",
        today=THU,
        items={"vneid": 1},
        day="2026-11-21",
    ),
    case(
        "vneid t7",
        "t7 right after a service is the day not its count",
        today=THU,
        items={"vneid": 1},
        day="2026-11-21",
    ),
    case(
        "vneid 3 thứ 7",
        "a day of the week at the end of the message",
        today=THU,
        items={"vneid": 3},
        day="2026-11-21",
    ),
    case(
        "chủ nhật vneid 2",
        "chủ nhật is Sunday",
        today=THU,
        items={"vneid": 2},
        day="2026-11-22",
    ),
    case(
        "hom chu nhat vneid 2",
        "hom chu nhat without diacritics",
        today=THU,
        items={"vneid": 2},
        day="2026-11-22",
    ),
    case(
        "chủ nhật vneid 2",
        "chủ nhật on a Sunday is today",
        today=SUN,
        items={"vneid": 2},
        day="2026-11-29",
    ),
    case(
        "thứ 3 vneid 2",
        "thứ 3 on a Monday is the Tuesday before",
        items={"vneid": 2},
        day="2026-11-17",
    ),
    case(
        "thứ 2 3 vneid",
        "a count after thứ 2 goes with the service after it",
        items={"vneid": 3},
        day="2026-11-23",
    ),
    case(
        "thứ 2",
        "a day of the week alone has no service",
        today=THU,
        day="2026-11-23",
        problems=(NO_SERVICE,),
    ),
    # --------------------------------------------------------------- parts of the day
    case("trưa nay vneid 2", "trưa nay is today", items={"vneid": 2}),
    case("trua nay 2 vneid", "trua nay without diacritics", items={"vneid": 2}),
    case("sáng qua 3 vneid", "sáng qua is yesterday", items={"vneid": 3}, day="2026-11-22"),
    case("trưa qua vneid 1", "trưa qua is yesterday", items={"vneid": 1}, day="2026-11-22"),
    case(
        "chiều qua hai người cài vneid",
        "chiều qua and a number word",
        items={"vneid": 2},
        day="2026-11-22",
    ),
    case("toi qua sskdt 2", "toi qua without diacritics", items={"sskdt": 2}, day="2026-11-22"),
    # ----------------------------------------------------------------- filler words
    case("đi vneid 3", "đi is filler", items={"vneid": 3}),
    case("làm vneid 3 xong", "làm and xong are filler", items={"vneid": 3}),
    case("vneid 3 nhé", "nhé is filler", items={"vneid": 3}),
    case("vneid 3 nha", "nha is filler", items={"vneid": 3}),
    case("vneid 3 ạ", "ạ is filler", items={"vneid": 3}),
    case("vneid 3 rồi", "rồi is filler", items={"vneid": 3}),
    case("đc 3 vneid", "đc is được and filler", items={"vneid": 3}),
    case("xong roi nhe, vneid 3", "xong roi nhe without diacritics", items={"vneid": 3}),
    case(
        "vneid 3, nhà văn hóa",
        "nhà is not the filler nha",
        items={"vneid": 3},
        problems=(ignored("nhà văn hóa"),),
    ),
    case(
        "vneid 3 â",
        "a letter with other diacritics is not the filler ạ",
        items={"vneid": 1},
        problems=(unknown("3 â"),),
    ),
    case(
        "cài vneid cho dì Tư",
        "dì is not the filler đi and Tư after it is a name",
        items={"vneid": 1},
        problems=(unknown("dì Tư"),),
    ),
    case(
        "hôm nay đi năm hộ, cài vneid cho tám người, xong rồi nha",
        "a whole spoken report",
        items={"vneid": 8},
        households=5,
    ),
    # what a voice message says around an entry (spoken words, with their diacritics)
    case(
        "hôm nay em cài thêm vneid cho ba người nữa",
        "em, thêm and nữa are filler when spoken",
        items={"vneid": 3},
    ),
    case(
        "tôi cài vneid hai với sổ sức khỏe một",
        "tôi and với are filler",
        items={"vneid": 2, "sskdt": 1},
    ),
    case("mình cài vneid 2", "mình is filler", items={"vneid": 2}),
    case(
        "minh vneid 2",
        "minh without diacritics is a name, not the filler mình",
        items={"vneid": 2},
        problems=(ignored("minh"),),
    ),
    case("tối nay vneid 2", "tối is not the filler tôi", items={"vneid": 2}),
    # ------------------------------------------------------------------------ units
    case("vneid 3 trường hợp", "trường hợp is lượt", items={"vneid": 3}),
    case("3 truong hop vneid", "truong hop before a service", items={"vneid": 3}),
    case(
        "4 hộ gia đình, vneid 3",
        "hộ gia đình is hộ",
        items={"vneid": 3},
        households=4,
    ),
    case(
        "vneid 3, 4 ho gia dinh",
        "ho gia dinh without diacritics",
        items={"vneid": 3},
        households=4,
    ),
    case("vneid 3, 5 ng", "ng is người", items={"vneid": 3}, people=5),
    # ------------------------------------------------------------------ level 2
    case("vneid mức 2", "spec example vneid mức 2 is the level-2 service alone", items={"muc2": 1}),
    case("vneid mức 2 3", "vneid mức 2 then a count", items={"muc2": 3}),
    case("3 vneid mức 2", "a count before vneid mức 2", items={"muc2": 3}),
    case("vneid muc2 x2", "vneid muc2 glued", items={"muc2": 2}),
    case(
        "định danh điện tử mức 2 cho 4 người",
        "spec example định danh điện tử mức 2",
        items={"muc2": 4},
    ),
    case("định danh mức 2 2", "spec example định danh mức 2", items={"muc2": 2}),
    case("kích hoạt vneid mức 2 x2", "spec example kích hoạt vneid mức 2", items={"muc2": 2}),
    case("kich hoat vneid muc 2", "kich hoat vneid muc 2 without diacritics", items={"muc2": 1}),
    case("kích hoạt mức 2 3", "spec example kích hoạt mức 2", items={"muc2": 3}),
    case(
        "cài vneid mức 2 cho ba người",
        "cài vneid mức 2 and a number word",
        items={"muc2": 3},
    ),
    case(
        "cài đặt vneid mức 2 5",
        "the display name Cài đặt VNeID then mức 2",
        items={"muc2": 5},
    ),
    case(
        "vneid 3, mức 2 2",
        "vneid and mức 2 apart are two services",
        items={"vneid": 3, "muc2": 2},
    ),
    # ----------------------------------------------------- one service, no count
    case("5 người, vneid", "N người before the one uncounted service", items={"vneid": 5}),
    case(
        "hôm qua cài vneid, năm người",
        "a number word N người after a comma",
        items={"vneid": 5},
        day="2026-11-22",
    ),
    case(
        "vneid @ ngõ 5, 3 người",
        "N người after a place",
        items={"vneid": 3},
        location="ngõ 5",
    ),
    case(
        "vneid 2, 5 người",
        "a service with a count leaves N người as people",
        items={"vneid": 2},
        people=5,
    ),
    case(
        "vneid, sskdt, 5 người",
        "two services leave N người as people",
        items={"vneid": 1, "sskdt": 1},
        people=5,
    ),
    case(
        "vneid, vneid, 5 người",
        "one service named twice leaves N người as people",
        items={"vneid": 2},
        people=5,
    ),
    case(
        "vneid, 300 người",
        "a large N người for the one service needs confirmation",
        items={"vneid": 300},
        problems=(LARGE,),
    ),
    case("vneid, 0 người", "a zero N người for the one service is refused", problems=(BAD,)),
    # --------------------------------------------------------------- near misses
    case(
        "Vnied 2",
        "a near miss keeps its case in the problem",
        problems=(near("Vnied 2", "vneid"), NO_SERVICE),
    ),
    case("vneidd 3", "one letter too many", problems=(near("vneidd 3", "vneid"), NO_SERVICE)),
    case("vnid 3", "one letter missing", problems=(near("vnid 3", "vneid"), NO_SERVICE)),
    case("vbeid 3", "one letter changed", problems=(near("vbeid 3", "vneid"), NO_SERVICE)),
    case("sksdt 2", "two neighbours swapped", problems=(near("sksdt 2", "sskdt"), NO_SERVICE)),
    case("sskdr 2", "sskdr is sskdt", problems=(near("sskdr 2", "sskdt"), NO_SERVICE)),
    case("zaloo 4", "zaloo is zalo", problems=(near("zaloo 4", "zalo"), NO_SERVICE)),
    case("smarthq 1", "smarthq is smarthp", problems=(near("smarthq 1", "smarthp"), NO_SERVICE)),
    case(
        "bhxx 2",
        "an alias of four letters is offered",
        problems=(near("bhxx 2", "vssid"), NO_SERVICE),
    ),
    case("ddt 2", "ddt is ddđt", problems=(near("ddt 2", "vneid"), NO_SERVICE)),
    case(
        "vnìed 2",
        "a near miss is compared without diacritics",
        problems=(near("vnìed 2", "vneid"), NO_SERVICE),
    ),
    case(
        "sskdt 3, vnied 2",
        "a near miss beside a real service is offered and not counted",
        items={"sskdt": 3},
        problems=(near("vnied 2", "vneid"),),
    ),
    case(
        "vnied sskd",
        "a run of two near misses offers the first",
        problems=(near("vnied sskd", "vneid"), NO_SERVICE),
    ),
    case(
        "vseid 2",
        "a word one edit from two services offers neither",
        problems=(unknown("vseid 2"), NO_SERVICE),
    ),
    case(
        "dvcc 2",
        "a code of three letters is not offered",
        problems=(unknown("dvcc 2"), NO_SERVICE),
    ),
    case(
        "vneid 3, abc",
        "a word far from every service offers nothing",
        items={"vneid": 3},
        problems=(ignored("abc"),),
    ),
]


# ---------------------------------------------------------------------------- checks


def _triples(problems: list[Expected]) -> list[tuple[str, object, object]]:
    return [(p[0], p[1], p[2] if len(p) > 2 else None) for p in problems]


def _match(expected: list[tuple[str, object, object]], actual: list[Expected]) -> bool:
    """Multiset match; exact texts first, then ANY."""
    if len(expected) != len(actual):
        return False
    remaining = list(actual)
    for kind, text, suggestion in sorted(expected, key=lambda e: e[1] is ANY):
        for i, (a_kind, a_text, a_suggestion) in enumerate(remaining):
            if a_kind == kind and (text is ANY or text == a_text) and a_suggestion == suggestion:
                del remaining[i]
                break
        else:
            return False
    return True


@pytest.mark.parametrize(("message", "today", "expected", "expected_problems"), ROWS)
def test_everyday_forms_table(
    message: str,
    today: date,
    expected: dict[str, object],
    expected_problems: list[Expected],
) -> None:
    result = parse_quick_entry(message, today=today).as_dict()

    assert set(result) == {*expected, "problems"}, result
    for field, want in expected.items():
        assert _field_matches(want, result[field]), (field, want, result[field], result)

    problems = result["problems"]
    actual = [(p["kind"], p["text"], p.get("suggestion")) for p in problems]
    assert _match(_triples(expected_problems), actual), (expected_problems, actual)

    for p in problems:
        assert p["kind"] in KINDS, p
        assert set(p) <= {"kind", "text", "message", "suggestion"}, p
        assert "suggestion" not in p or p["kind"] == "unknown_word", p
        assert isinstance(p["message"], str) and _is_vietnamese(p["message"]), p


def test_a_problem_without_a_suggestion_keeps_the_json_shape_of_parse() -> None:
    problems = parse_quick_entry("vneid 3 abc", today=T).as_dict()["problems"]
    assert [set(p) for p in problems] == [{"kind", "text", "message"}]
    offered = parse_quick_entry("vnied 3", today=T).as_dict()["problems"][0]
    assert offered == {
        "kind": "unknown_word",
        "text": "vnied 3",
        "message": texts.PROBLEM_UNKNOWN_WORD.format("vnied 3"),
        "suggestion": "vneid",
    }


def test_every_example_of_the_help_is_read_without_a_problem() -> None:
    examples = [
        line.removeprefix("• ")
        for line in texts.HELP_QUICK_ENTRY.splitlines()
        if line.startswith("• ")
    ]
    assert {"thứ 2 vneid 3", "cài vneid cho ba người", "sáng nay 2 sskdt"} <= set(examples)
    for example in examples:
        result = parse_quick_entry(example, today=T)
        assert result.items and not result.problems, (example, result)


def test_the_days_the_rows_are_typed_on_are_monday_thursday_and_sunday() -> None:
    assert T.weekday() == 0 and THU.weekday() == 3 and SUN.weekday() == 6


def test_row_ids_are_unique() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
