"""Quick entry: a large table of realistic volunteer messages, written from the rules.

Every expectation below comes from SPEC §3 ("Logging a support session" and its
"Fine points"), the default catalogue of SPEC §2 and the "Quick-entry parser" section
of issue 3. They were written without looking at the implementation.

Each row compares the whole ``as_dict()``; problems are compared as a multiset of
``(kind, text)`` pairs (``ANY`` where the rules do not define the text), and every
problem's ``message`` must be Vietnamese and must not leak a scrubbed number.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pytest

from handlers.parsing.quick_entry import parse_quick_entry

# A Monday; most rows are typed "today" = 23/11/2026.
T = date(2026, 11, 23)

KINDS = {
    "unknown_word",
    "no_service",
    "future_date",
    "too_old",
    "bad_count",
    "large_count",
    "scrubbed",
    "ignored",
    "ambiguous",
}

VIETNAMESE_LETTERS = set("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")


class _Any:
    """Matches any problem text (the rules do not define it for this kind)."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


@dataclass(frozen=True)
class Mask:
    """A scrubbed number: text keeps the first 2 and last 2 digits, `*` in between.

    With ``exact`` the masked text must be exactly that; otherwise (number typed split
    by spaces or dots) only its digits and stars, in order, are compared.
    """

    digits: str
    exact: bool = True

    @property
    def masked(self) -> str:
        return self.digits[:2] + "*" * (len(self.digits) - 4) + self.digits[-2:]

    def matches(self, text: object) -> bool:
        if not isinstance(text, str):
            return False
        if self.exact:
            return text == self.masked
        return re.sub(r"[^0-9*]", "", text) == self.masked


@dataclass(frozen=True)
class Secret:
    """A scrubbed number whose masked form is not pinned down (e.g. +84 prefix)."""

    digits: str


@dataclass(frozen=True)
class Spaced:
    """A note/place from which a number was cut out: compared with spaces collapsed."""

    text: str

    def matches(self, value: object) -> bool:
        return isinstance(value, str) and " ".join(value.split()) == self.text


def case(
    message: str,
    id: str,
    *,
    today: date = T,
    items: dict[str, int] | None = None,
    people: int | None = None,
    households: int | None = None,
    day: str | None = None,
    location: str | Spaced | None = None,
    note: str | Spaced | None = None,
    problems: tuple[tuple[str, object], ...] = (),
):
    expected = {
        "items": items or {},
        "people": people,
        "households": households,
        "date": day or today.isoformat(),
        "location": location,
        "note": note,
    }
    return pytest.param(message, today, expected, list(problems), id=id)


def unknown(text: str) -> tuple[str, object]:
    return ("unknown_word", text)


def ignored(text: str) -> tuple[str, object]:
    """Chatter: no digit, no number word, no near miss, touching no number (left out)."""
    return ("ignored", text)


NO_SERVICE = ("no_service", ANY)
FUTURE = ("future_date", ANY)
TOO_OLD = ("too_old", ANY)
BAD = ("bad_count", ANY)
LARGE = ("large_count", ANY)


def scrubbed(digits: str, *, exact: bool = True) -> tuple[str, object]:
    return ("scrubbed", Mask(digits, exact))


def scrubbed_any(digits: str) -> tuple[str, object]:
    return ("scrubbed", Secret(digits))


ROWS = [
    # ------------------------------------------------------------------ SPEC examples
    case(
        "vneid 3 sskdt 2",
        "spec example service then count for two services",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "3 vneid, 2 sổ sức khỏe",
        "spec example count then service with comma",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "hom qua 4 ho vneid 6 smart hp 2",
        "spec example yesterday with households and two services",
        items={"vneid": 6, "smarthp": 2},
        households=4,
        day="2026-11-22",
    ),
    case(
        "Hôm nay giúp 5 người cài VNeID",
        "spec example N người before cài VNeID is the vneid count",
        items={"vneid": 5},
    ),
    case(
        "12/5 muc2 x2 @ ngõ 45 Trần Nguyên Hãn",
        "spec example date muc2 x2 and place as typed",
        today=date(2026, 5, 20),
        items={"muc2": 2},
        day="2026-05-12",
        location="ngõ 45 Trần Nguyên Hãn",
    ),
    case("vneid", "spec example a service alone counts one", items={"vneid": 1}),
    case(
        "hom qua vneid 3 sskdt 2 @ ngõ 5",
        "done-when example yesterday two services and a place",
        items={"vneid": 3, "sskdt": 2},
        day="2026-11-22",
        location="ngõ 5",
    ),
    case(
        "hom qua vneid 3 sskdt 2",
        "interface example yesterday without diacritics",
        items={"vneid": 3, "sskdt": 2},
        day="2026-11-22",
    ),
    # ------------------------------------------------------------ separators, spacing
    case("vneid 3, sskdt 2", "comma separates services", items={"vneid": 3, "sskdt": 2}),
    case("vneid 3; sskdt 2", "semicolon separates services", items={"vneid": 3, "sskdt": 2}),
    case("vneid 3 + sskdt 2", "plus separates services", items={"vneid": 3, "sskdt": 2}),
    case("vneid 3\nsskdt 2", "newline separates services", items={"vneid": 3, "sskdt": 2}),
    case(
        "vneid: 3, sskdt: 2",
        "colon between service and count",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "vneid:3;sskdt:2",
        "colon and semicolon without spaces",
        items={"vneid": 3, "sskdt": 2},
    ),
    case("vneid 3,sskdt 2", "comma without space after it", items={"vneid": 3, "sskdt": 2}),
    case("vneid 3+sskdt 2", "plus without spaces around it", items={"vneid": 3, "sskdt": 2}),
    case(
        "  vneid    3   sskdt  2  ",
        "repeated spaces are ignored",
        items={"vneid": 3, "sskdt": 2},
    ),
    case("vneid\t3", "a tab is just space", items={"vneid": 3}),
    case(
        "vneid 3 ,  sskdt 2 ,",
        "stray spaces around commas and a trailing comma",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "vneid 3. sskdt 2.",
        "full stops are ignored",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "vneid 3! sskdt 2?",
        "exclamation and question marks are ignored",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "vneid (3), sskdt (2)",
        "brackets around counts are ignored",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "3 vneid + 2 sskdt + 1 shp",
        "count first joined by plus",
        items={"vneid": 3, "sskdt": 2, "smarthp": 1},
    ),
    case(
        "3 vneid; 2 sskdt\n1 zalo",
        "count first with semicolon and newline",
        items={"vneid": 3, "sskdt": 2, "zalo": 1},
    ),
    # ------------------------------------------------- catalogue aliases, case, marks
    case("VNEID 3 SSKDT 2", "upper case codes", items={"vneid": 3, "sskdt": 2}),
    case("VNeID 2", "mixed case VNeID", items={"vneid": 2}),
    case("cài vneid 2", "alias cài vneid", items={"vneid": 2}),
    case("Cài đặt VNeID 4", "display name Cài đặt VNeID is an alias", items={"vneid": 4}),
    case("định danh 3", "định danh is vneid", items={"vneid": 3}),
    case("dinh danh 3", "dinh danh without diacritics is vneid", items={"vneid": 3}),
    case("định danh điện tử 2", "định danh điện tử is vneid", items={"vneid": 2}),
    case("ddđt 2", "alias ddđt is vneid", items={"vneid": 2}),
    case("ĐDĐT 5", "upper case ĐDĐT is vneid", items={"vneid": 5}),
    case("dddt 2", "dddt without đ is vneid", items={"vneid": 2}),
    case("mức 2", "mức 2 alone is one muc2 not a count", items={"muc2": 1}),
    case("muc 2 3", "muc 2 then count three", items={"muc2": 3}),
    case("md2 4", "alias md2", items={"muc2": 4}),
    case("lv2 2", "alias lv2 with a count", items={"muc2": 2}),
    case("LV2", "upper case LV2 alone is one muc2", items={"muc2": 1}),
    case(
        "định danh mức 2 cho 3 người",
        "longest alias wins định danh mức 2 is muc2 not vneid",
        items={"muc2": 3},
    ),
    case("dinh danh muc 2: 6", "dinh danh muc 2 with colon count", items={"muc2": 6}),
    case("kích hoạt mức 2 x4", "kích hoạt mức 2 with x count", items={"muc2": 4}),
    case(
        "Kích hoạt định danh điện tử mức 2 5",
        "muc2 display name is an alias and the trailing number is the count",
        items={"muc2": 5},
    ),
    case("sskđt 3", "alias sskđt", items={"sskdt": 3}),
    case("sổ sức khoẻ 2", "old tone placement khoẻ", items={"sskdt": 2}),
    case("so suc khoe 4", "sổ sức khỏe without diacritics", items={"sskdt": 4}),
    case("Sổ sức khỏe điện tử 2", "sskdt display name is an alias", items={"sskdt": 2}),
    case("ssk 3", "short alias ssk", items={"sskdt": 3}),
    case(
        unicodedata.normalize("NFD", "sổ sức khỏe 2"),
        "decomposed unicode diacritics still match",
        items={"sskdt": 2},
    ),
    case("smart hp 2", "alias smart hp", items={"smarthp": 2}),
    case("SmartHP 3", "alias SmartHP mixed case", items={"smarthp": 3}),
    case("smart hải phòng 1", "alias smart hải phòng", items={"smarthp": 1}),
    case("Smart Hai Phong 2", "smart hai phong without diacritics", items={"smarthp": 2}),
    case("shp 5", "short alias shp", items={"smarthp": 5}),
    case("báo cháy 2", "báo cháy with a count", items={"bc114": 2}),
    case("bao chay 114 3", "báo cháy 114 is one alias then the count", items={"bc114": 3}),
    case("bc114", "bc114 alone is one not a count of 114", items={"bc114": 1}),
    case("BC114 2", "upper case BC114 with a count", items={"bc114": 2}),
    case("114", "a bare 114 is one báo cháy", items={"bc114": 1}),
    case("114 4", "bare 114 then a count", items={"bc114": 4}),
    case(
        "vneid 114",
        "bare 114 after a service is báo cháy not a count",
        items={"vneid": 1, "bc114": 1},
    ),
    case("dvc 2", "alias dvc", items={"dvc": 2}),
    case("dvctt 3", "alias dvctt", items={"dvc": 3}),
    case("dịch vụ công 2", "alias dịch vụ công", items={"dvc": 2}),
    case("dịch vụ công trực tuyến 3", "dvc display name is an alias", items={"dvc": 3}),
    case("nộp hồ sơ trực tuyến 1", "alias nộp hồ sơ trực tuyến", items={"dvc": 1}),
    case("ttkdtm 2", "code ttkdtm", items={"ttkdtm": 2}),
    case("thanh toán 3", "alias thanh toán", items={"ttkdtm": 3}),
    case("không tiền mặt 2", "alias không tiền mặt", items={"ttkdtm": 2}),
    case("chuyển khoản 4", "alias chuyển khoản", items={"ttkdtm": 4}),
    case("QR 2", "alias QR upper case", items={"ttkdtm": 2}),
    case(
        "thanh toán không dùng tiền mặt 5",
        "ttkdtm display name is one alias",
        items={"ttkdtm": 5},
    ),
    case("cks 2", "alias cks", items={"cks": 2}),
    case("chữ ký số 3", "alias chữ ký số", items={"cks": 3}),
    case("chữ kí số 1", "kí spelled with i is the same as ký", items={"cks": 1}),
    case("ký số 2", "alias ký số", items={"cks": 2}),
    case("ki so 2", "ki so without diacritics is ký số", items={"cks": 2}),
    case("vssid 2", "alias vssid", items={"vssid": 2}),
    case("bhxh 3", "alias bhxh", items={"vssid": 3}),
    case("an sinh 1", "alias an sinh", items={"vssid": 1}),
    case("lương hưu qua tài khoản 2", "alias lương hưu qua tài khoản", items={"vssid": 2}),
    case(
        "luong huu qua tai khoan 3",
        "tai inside an alias is not the place marker",
        items={"vssid": 3},
    ),
    case("zalo 4", "alias zalo", items={"zalo": 4}),
    case("nhóm Zalo 2", "alias nhóm Zalo", items={"zalo": 2}),
    case(
        "Tham gia nhóm Zalo tổ dân phố 3",
        "zalo display name is an alias",
        items={"zalo": 3},
    ),
    case("khác 2", "alias khác", items={"khac": 2}),
    case("khac 1", "alias khac without diacritics", items={"khac": 1}),
    case("hỗ trợ khác 3", "display name hỗ trợ khác", items={"khac": 3}),
    case(
        "vneid 1 muc2 2 sskdt 3 shp 4 bc114 5 dvc 6 qr 7 cks 8 vssid 9 zalo 10 khac 11",
        "every default service in one message",
        items={
            "vneid": 1,
            "muc2": 2,
            "sskdt": 3,
            "smarthp": 4,
            "bc114": 5,
            "dvc": 6,
            "ttkdtm": 7,
            "cks": 8,
            "vssid": 9,
            "zalo": 10,
            "khac": 11,
        },
    ),
    # ---------------------------------------------------------------- count position
    case("vneid x3", "x3 after a service is a count", items={"vneid": 3}),
    case("VNEID X3", "upper case X3 is a count", items={"vneid": 3}),
    case(
        "vneid x3, sskdt x2",
        "x counts for two services",
        items={"vneid": 3, "sskdt": 2},
    ),
    case("3 lượt vneid", "N lượt before a service", items={"vneid": 3}),
    case("vneid 3 lượt", "count then lượt after a service", items={"vneid": 3}),
    case("vneid vneid", "an alias repeated side by side is one mention", items={"vneid": 1}),
    case("vneid 3, vneid 2", "same service twice adds up", items={"vneid": 5}),
    case("3 vneid, 2 vneid", "same service twice count first adds up", items={"vneid": 5}),
    case(
        "vneid sskdt 2",
        "first service without count is one in a count-after message",
        items={"vneid": 1, "sskdt": 2},
    ),
    case(
        "3 vneid sskdt",
        "last service without count is one in a count-before message",
        items={"vneid": 3, "sskdt": 1},
    ),
    case(
        "vneid, 3 sskdt",
        "count never attaches across a comma in a count-after message",
        items={"vneid": 1, "sskdt": 1},
        problems=(unknown("3"),),
    ),
    case(
        "3 vneid, sskdt 2",
        "a message keeps one order so a trailing count in a count-before message is unknown",
        items={"vneid": 3, "sskdt": 1},
        problems=(unknown("2"),),
    ),
    case("vneid : 3", "colon with spaces around it", items={"vneid": 3}),
    case(
        "vneid 3 và sskdt 2",
        "và between services is filler",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "muc 2 3, vneid 2",
        "digit inside mức 2 is not a count",
        items={"muc2": 3, "vneid": 2},
    ),
    case("3 mức 2", "count before mức 2", items={"muc2": 3}),
    case("2 báo cháy 114", "count before báo cháy 114", items={"bc114": 2}),
    case(
        "vneid 3 114",
        "bare 114 after a counted service is one báo cháy",
        items={"vneid": 3, "bc114": 1},
    ),
    # ---------------------------------------------------------------- glued counts
    case("vneid3", "glued count after vneid is a count", items={"vneid": 3}),
    case(
        "vneid3 sskdt2",
        "glued counts after two services",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "VNeID3 shp1",
        "glued counts with mixed case",
        items={"vneid": 3, "smarthp": 1},
    ),
    case("ssk2", "glued count after ssk", items={"sskdt": 2}),
    case("dvc3", "glued count after dvc", items={"dvc": 3}),
    case("zalo4", "glued count after zalo", items={"zalo": 4}),
    case("qr2", "glued count after qr", items={"ttkdtm": 2}),
    case("bhxh2", "glued count after bhxh", items={"vssid": 2}),
    case("muc2", "muc2 is a whole alias not muc with count 2", items={"muc2": 1}),
    case("muc2 3", "muc2 then a count", items={"muc2": 3}),
    case("lv2 x2", "lv2 then x count", items={"muc2": 2}),
    case("md2", "md2 is a whole alias not a glued count", items={"muc2": 1}),
    case("bc114 3", "bc114 then a count", items={"bc114": 3}),
    case("vneid0", "glued zero count is refused", problems=(BAD,)),
    case(
        "vneid250",
        "glued large count needs confirmation",
        items={"vneid": 250},
        problems=(LARGE,),
    ),
    case(
        "hqua vneid3 sskdt2",
        "glued counts with hqua",
        items={"vneid": 3, "sskdt": 2},
        day="2026-11-22",
    ),
    # ---------------------------------------------------------------- filler words
    case("giúp 3 người cài vneid", "giúp and cài are filler", items={"vneid": 3}),
    case(
        "hỗ trợ 4 người cài đặt VNeID",
        "hỗ trợ and cài đặt are filler",
        items={"vneid": 4},
    ),
    case(
        "hướng dẫn bà con cài vneid 5",
        "hướng dẫn and bà con are filler",
        items={"vneid": 5},
    ),
    case(
        "Hướng dẫn 10 bà con cài VNeID",
        "count then bà con then service",
        items={"vneid": 10},
    ),
    case("đã cài được 3 vneid", "đã and được are filler", items={"vneid": 3}),
    case("tải VNeID cho 4 người", "tải with diacritics is filler", items={"vneid": 4}),
    case(
        "đăng ký sổ sức khỏe điện tử cho 6 người",
        "đăng ký is filler and N người after the service is its count",
        items={"sskdt": 6},
    ),
    case(
        "kích hoạt mức 2 cho 2 người",
        "kích hoạt mức 2 cho N người",
        items={"muc2": 2},
    ),
    case(
        "huong dan 3 nguoi dang ky vssid",
        "filler words without diacritics",
        items={"vssid": 3},
    ),
    case(
        "giup ba con cai sskdt 7",
        "giup ba con cai without diacritics",
        items={"sskdt": 7},
    ),
    case(
        "vneid 3 và sskdt 2 và shp 1",
        "và twice",
        items={"vneid": 3, "sskdt": 2, "smarthp": 1},
    ),
    case("được 2 lượt zalo", "được and lượt are filler", items={"zalo": 2}),
    # -------------------------------------------------------- people and households
    case(
        "vneid 3, 5 người",
        "N người alone is people helped",
        items={"vneid": 3},
        people=5,
    ),
    case("vneid 3, 5 ng", "ng is người", items={"vneid": 3}, people=5),
    case("3 ng cài vneid", "N ng before a service is its count", items={"vneid": 3}),
    case(
        "vneid 3 người",
        "N người right after a service is its count and people stays null",
        items={"vneid": 3},
    ),
    case(
        "cài VNeID cho 6 người",
        "cho between service and N người does not matter",
        items={"vneid": 6},
    ),
    case(
        "vneid 5 cho 7 người",
        "N người after a service that already has a count is people",
        items={"vneid": 5},
        people=7,
    ),
    case("sskdt cho 4 ng", "service cho N ng is its count", items={"sskdt": 4}),
    case(
        "3 người cài vneid, 2 người sổ sức khỏe",
        "two N người before services",
        items={"vneid": 3, "sskdt": 2},
    ),
    case(
        "3 vneid cho 5 người",
        "N người not followed by a service in a count-before message is people",
        items={"vneid": 3},
        people=5,
    ),
    case("5 người", "N người alone with no service", people=5, problems=(NO_SERVICE,)),
    case("4 hộ", "N hộ alone with no service", households=4, problems=(NO_SERVICE,)),
    case("4 hộ, vneid 3", "N hộ first then a service", items={"vneid": 3}, households=4),
    case(
        "vneid 6, smart hp 2, 4 hộ",
        "N hộ at the end",
        items={"vneid": 6, "smarthp": 2},
        households=4,
    ),
    case(
        "hqua 4 hộ 3 vneid 2 sskdt",
        "N hộ then count-before services",
        items={"vneid": 3, "sskdt": 2},
        households=4,
        day="2026-11-22",
    ),
    case(
        "vneid 3, 5 người, 2 hộ",
        "people and households both",
        items={"vneid": 3},
        people=5,
        households=2,
    ),
    case("7 ho vneid 5", "ho without diacritics is hộ", items={"vneid": 5}, households=7),
    case(
        "VNeID 3 người, sổ sức khỏe 2 người",
        "N người as count after each service",
        items={"vneid": 3, "sskdt": 2},
    ),
    # ---------------------------------------------------------------------- day words
    case("hôm nay vneid 3", "hôm nay is today", items={"vneid": 3}),
    case("hnay vneid 3", "hnay is today", items={"vneid": 3}),
    case("sáng nay vneid 2", "sáng nay is today", items={"vneid": 2}),
    case("chieu nay sskdt 2", "chieu nay is today", items={"sskdt": 2}),
    case("tối nay zalo 1", "tối nay is today", items={"zalo": 1}),
    case("hôm qua vneid 3", "hôm qua is yesterday", items={"vneid": 3}, day="2026-11-22"),
    case("HQUA vneid 3", "HQUA is yesterday", items={"vneid": 3}, day="2026-11-22"),
    case("tối qua vneid 1", "tối qua is yesterday", items={"vneid": 1}, day="2026-11-22"),
    case("hôm kia vneid 2", "hôm kia is two days ago", items={"vneid": 2}, day="2026-11-21"),
    case("hom kia 3 vneid", "hom kia then count first", items={"vneid": 3}, day="2026-11-21"),
    case(
        "vneid 3 hôm qua",
        "day word at the end of the message",
        items={"vneid": 3},
        day="2026-11-22",
    ),
    case(
        "hôm qua: vneid 3",
        "colon after the day word",
        items={"vneid": 3},
        day="2026-11-22",
    ),
    # ---------------------------------------------------------------- numeric dates
    case("20/11 vneid 3", "dd/mm this year", items={"vneid": 3}, day="2026-11-20"),
    case("20-11 vneid 3", "dd-mm this year", items={"vneid": 3}, day="2026-11-20"),
    case(
        "ngày 20/11 vneid 3", "ngày before a date is ignored", items={"vneid": 3}, day="2026-11-20"
    ),
    case(
        "vneid 3 ngày 5/11",
        "single digit day after the services",
        items={"vneid": 3},
        day="2026-11-05",
    ),
    case("05/11 vneid 2", "zero padded day", items={"vneid": 2}, day="2026-11-05"),
    case("20/11/2026 vneid 3", "dd/mm/yyyy", items={"vneid": 3}, day="2026-11-20"),
    case(
        "vneid 20/11",
        "a date after a service is not its count",
        items={"vneid": 1},
        day="2026-11-20",
    ),
    case(
        "25/11 vneid 3",
        "a day later this month is in the future",
        items={"vneid": 3},
        day="2026-11-25",
        problems=(FUTURE,),
    ),
    case(
        "01/12/2026 vneid",
        "a full date next month is in the future",
        items={"vneid": 1},
        day="2026-12-01",
        problems=(FUTURE,),
    ),
    case("23/10 vneid 2", "exactly 31 days back is allowed", items={"vneid": 2}, day="2026-10-23"),
    case(
        "22/10 vneid 2",
        "32 days back is too old",
        items={"vneid": 2},
        day="2026-10-22",
        problems=(TOO_OLD,),
    ),
    case(
        "12/5 vneid 2",
        "months back is too old and date keeps the parsed day",
        items={"vneid": 2},
        day="2026-05-12",
        problems=(TOO_OLD,),
    ),
    case(
        "20/11/2025 vneid 2",
        "last year's full date is too old",
        items={"vneid": 2},
        day="2025-11-20",
        problems=(TOO_OLD,),
    ),
    case(
        "31/02 vneid 3",
        "impossible date 31/02 is an unknown word",
        items={"vneid": 3},
        problems=(unknown("31/02"),),
    ),
    case(
        "31/11 vneid 3",
        "impossible date 31/11 is an unknown word",
        items={"vneid": 3},
        problems=(unknown("31/11"),),
    ),
    case(
        "15/13 vneid 3",
        "month 13 is an unknown word",
        items={"vneid": 3},
        problems=(unknown("15/13"),),
    ),
    # -------------------------------------------------------------- around New Year
    case(
        "30/12 vneid 2",
        "in early January 30/12 means last year",
        today=date(2026, 1, 5),
        items={"vneid": 2},
        day="2025-12-30",
    ),
    case(
        "10/12 vneid 2",
        "in early January 10/12 within 31 days means last year",
        today=date(2026, 1, 5),
        items={"vneid": 2},
        day="2025-12-10",
    ),
    case(
        "5/1 vneid 2",
        "in early January today's dd/mm is today",
        today=date(2026, 1, 5),
        items={"vneid": 2},
        day="2026-01-05",
    ),
    case(
        "6/1 vneid 2",
        "in early January tomorrow's dd/mm is in the future",
        today=date(2026, 1, 5),
        items={"vneid": 2},
        day="2026-01-06",
        problems=(FUTURE,),
    ),
    case(
        "31/12/2025 vneid",
        "full date of last year's last day in early January",
        today=date(2026, 1, 5),
        items={"vneid": 1},
        day="2025-12-31",
    ),
    case(
        "31/12 vneid",
        "31/12 exactly 31 days before 31 January means last year",
        today=date(2026, 1, 31),
        items={"vneid": 1},
        day="2025-12-31",
    ),
    case(
        "hôm qua vneid",
        "yesterday on New Year's day is 31 December",
        today=date(2026, 1, 1),
        items={"vneid": 1},
        day="2025-12-31",
    ),
    case(
        "hôm kia vneid",
        "two days ago on 2 January is 31 December",
        today=date(2026, 1, 2),
        items={"vneid": 1},
        day="2025-12-31",
    ),
    case(
        "hôm qua vneid",
        "yesterday on 1 March of a common year is 28 February",
        today=date(2026, 3, 1),
        items={"vneid": 1},
        day="2026-02-28",
    ),
    case(
        "29/02 vneid",
        "29/02 in a leap year is a date",
        today=date(2028, 3, 1),
        items={"vneid": 1},
        day="2028-02-29",
    ),
    case(
        "29/02 vneid",
        "29/02 in a common year is an unknown word",
        today=date(2027, 3, 10),
        items={"vneid": 1},
        problems=(unknown("29/02"),),
    ),
    case(
        "02/01/2027 vneid",
        "a full date of next year on New Year's eve is in the future",
        today=date(2026, 12, 31),
        items={"vneid": 1},
        day="2027-01-02",
        problems=(FUTURE,),
    ),
    # ------------------------------------------------------------------ place, note
    case("vneid 3 @ ngõ 5", "place after @", items={"vneid": 3}, location="ngõ 5"),
    case("vneid 3 @ngõ 5", "place after @ with no space", items={"vneid": 3}, location="ngõ 5"),
    case(
        "vneid 3 tại nhà văn hóa tổ 3",
        "place after tại keeps its digits",
        items={"vneid": 3},
        location="nhà văn hóa tổ 3",
    ),
    case(
        "vneid 3 tai nha van hoa to 3",
        "place after tai without diacritics",
        items={"vneid": 3},
        location="nha van hoa to 3",
    ),
    case(
        "vneid 3 TẠI Chợ Cột Đèn",
        "upper case TẠI and the place keeps its case",
        items={"vneid": 3},
        location="Chợ Cột Đèn",
    ),
    case(
        "vneid 3 @ ngõ 5, sskdt 2",
        "place ends at a comma",
        items={"vneid": 3, "sskdt": 2},
        location="ngõ 5",
    ),
    case(
        "vneid 3 @ ngõ 5; sskdt 2",
        "place ends at a semicolon",
        items={"vneid": 3, "sskdt": 2},
        location="ngõ 5",
    ),
    case(
        "vneid 3 @ ngõ 5\nsskdt 2",
        "place ends at a newline",
        items={"vneid": 3, "sskdt": 2},
        location="ngõ 5",
    ),
    case(
        "@ ngõ 12, vneid 3",
        "place first then the services",
        items={"vneid": 3},
        location="ngõ 12",
    ),
    case(
        "vneid 3 @ ngõ 5 sskdt 2",
        "a place ends before the next service word",
        items={"vneid": 3, "sskdt": 2},
        location="ngõ 5",
    ),
    case(
        "vneid 3 @ ngõ 5 ghi chú: hẹn quay lại",
        "place ends at the note marker",
        items={"vneid": 3},
        location="ngõ 5",
        note="hẹn quay lại",
    ),
    case(
        "vneid 3 ghi chú: bà cụ 80 tuổi",
        "note after ghi chú keeps its digits",
        items={"vneid": 3},
        note="bà cụ 80 tuổi",
    ),
    case(
        "vneid 3 ghi chu ba cu kho nghe",
        "colon is optional after ghi chu",
        items={"vneid": 3},
        note="ba cu kho nghe",
    ),
    case(
        "vneid 3 Ghi Chú: Ông Tư, 80 tuổi, cần quay lại",
        "note runs to the end across commas",
        items={"vneid": 3},
        note="Ông Tư, 80 tuổi, cần quay lại",
    ),
    case(
        "vneid 3 gc: nhà đóng cửa", "note after gc colon", items={"vneid": 3}, note="nhà đóng cửa"
    ),
    case(
        "vneid 3 GC: Nhà số 12 đóng cửa",
        "upper case GC and the note keeps its case",
        items={"vneid": 3},
        note="Nhà số 12 đóng cửa",
    ),
    case(
        "vneid 3 gc: con muốn cài sskdt 2",
        "service words inside a note are not counted",
        items={"vneid": 3},
        note="con muốn cài sskdt 2",
    ),
    case(
        "vneid 3 tại tổ 5 gc: nhà đóng cửa",
        "place after tại then a gc note",
        items={"vneid": 3},
        location="tổ 5",
        note="nhà đóng cửa",
    ),
    case("gc: hẹn mai", "a note alone has no service", note="hẹn mai", problems=(NO_SERVICE,)),
    case("@ ngõ 5", "a place alone has no service", location="ngõ 5", problems=(NO_SERVICE,)),
    case("vneid 3 @   ngõ 5   ", "place is trimmed", items={"vneid": 3}, location="ngõ 5"),
    case(
        "tải vneid 2 tại tổ 7",
        "tải is filler and tại is the place marker",
        items={"vneid": 2},
        location="tổ 7",
    ),
    case(
        "hqua 4 hộ, vneid 7, sskdt 4, smart hp 2 tại tổ 12",
        "households services and a place after the last count",
        items={"vneid": 7, "sskdt": 4, "smarthp": 2},
        households=4,
        day="2026-11-22",
        location="tổ 12",
    ),
    # ---------------------------------------------------------------------- limits
    case("vneid 0", "zero count is refused and the service removed", problems=(BAD,)),
    case("0 vneid", "zero count before the service is refused", problems=(BAD,)),
    case("vneid -3", "negative count is refused", problems=(BAD,)),
    case(
        "vneid 0, sskdt 2",
        "zero count removes only that service",
        items={"sskdt": 2},
        problems=(BAD,),
    ),
    case("vneid x0", "x0 is refused", problems=(BAD,)),
    case("vneid 200", "200 is still fine", items={"vneid": 200}),
    case("vneid 201", "201 needs confirmation", items={"vneid": 201}, problems=(LARGE,)),
    case(
        "201 vneid",
        "201 before the service needs confirmation",
        items={"vneid": 201},
        problems=(LARGE,),
    ),
    case(
        "vneid 201 sskdt 200",
        "only the count over 200 needs confirmation",
        items={"vneid": 201, "sskdt": 200},
        problems=(LARGE,),
    ),
    case("vneid 1000", "1000 needs confirmation", items={"vneid": 1000}, problems=(LARGE,)),
    case(
        "vneid 3, 300 hộ",
        "households over 200 need confirmation",
        items={"vneid": 3},
        households=300,
        problems=(LARGE,),
    ),
    case(
        "vneid 3, 500 người",
        "people over 200 need confirmation",
        items={"vneid": 3},
        people=500,
        problems=(LARGE,),
    ),
    # ------------------------------------------------------------ personal numbers
    case(
        "vneid 3 gc: sđt con trai 0912345678",
        "phone number in a note is scrubbed and masked",
        items={"vneid": 3},
        note="sđt con trai",
        problems=(scrubbed("0912345678"),),
    ),
    case(
        "vneid 2 ghi chú: CCCD 001234567890 đã kích hoạt",
        "12 digit ID number in a note is scrubbed",
        items={"vneid": 2},
        note=Spaced("CCCD đã kích hoạt"),
        problems=(scrubbed("001234567890"),),
    ),
    case(
        "vneid 1 @ nhà ông Hải 0987654321",
        "phone number in a place is scrubbed",
        items={"vneid": 1},
        location="nhà ông Hải",
        problems=(scrubbed("0987654321"),),
    ),
    case(
        "vneid 123456789",
        "9 digit number after a service is scrubbed and never a count",
        items={"vneid": 1},
        problems=(scrubbed("123456789"),),
    ),
    case(
        "vneid 2 gc: số cũ 0912.345.678",
        "phone number split by dots is scrubbed",
        items={"vneid": 2},
        note="số cũ",
        problems=(scrubbed("0912345678", exact=False),),
    ),
    case(
        "vneid 2 gc: gọi 0912 345 678",
        "phone number split by spaces is scrubbed",
        items={"vneid": 2},
        note="gọi",
        problems=(scrubbed("0912345678", exact=False),),
    ),
    case(
        "vneid 2 gc: gọi +84912345678",
        "phone number with +84 prefix is scrubbed",
        items={"vneid": 2},
        note="gọi",
        problems=(scrubbed_any("84912345678"),),
    ),
    case(
        "vneid 2 gc: gọi +84 912 345 678",
        "phone number with +84 prefix split by spaces is scrubbed",
        items={"vneid": 2},
        note="gọi",
        problems=(scrubbed_any("84912345678"),),
    ),
    case(
        "vneid 2 gc: 0912345678 hoặc 0987654321 gọi lại",
        "two phone numbers in a note give two scrubbed problems",
        items={"vneid": 2},
        note=Spaced("hoặc gọi lại"),
        problems=(scrubbed("0912345678"), scrubbed("0987654321")),
    ),
    case(
        "tại nhà 0912345678, vneid 2",
        "phone number in a place that ends at a comma",
        items={"vneid": 2},
        location="nhà",
        problems=(scrubbed("0912345678"),),
    ),
    case(
        "0912345678 vneid 2",
        "phone number at the start is scrubbed and not a count",
        items={"vneid": 2},
        problems=(scrubbed("0912345678"),),
    ),
    case(
        "vneid 2 gc: BHXH 0123456789",
        "social insurance number in a note is scrubbed",
        items={"vneid": 2},
        note="BHXH",
        problems=(scrubbed("0123456789"),),
    ),
    case(
        "sskdt 2 ghi chú: bà Lan 098.765.4321",
        "dotted phone number after ghi chú is scrubbed",
        items={"sskdt": 2},
        note="bà Lan",
        problems=(scrubbed("0987654321", exact=False),),
    ),
    case(
        "vneid 1 gc: máy bàn 02253 123 456",
        "11 digit landline split by spaces is scrubbed",
        items={"vneid": 1},
        note="máy bàn",
        problems=(scrubbed("02253123456", exact=False),),
    ),
    case(
        "vneid 2 @ tổ 5 gc: hỏi số 0912345678",
        "place kept and the number in the note scrubbed",
        items={"vneid": 2},
        location="tổ 5",
        note="hỏi số",
        problems=(scrubbed("0912345678"),),
    ),
    # --------------------------------------------------- unknown words, no service
    case("", "empty message has no service", problems=(NO_SERVICE,)),
    case("   ", "blank message has no service", problems=(NO_SERVICE,)),
    case("hôm qua", "a day word alone has no service", day="2026-11-22", problems=(NO_SERVICE,)),
    case(
        "Xin chào",
        "a greeting is unknown words as typed and no service",
        problems=(unknown("Xin chào"), NO_SERVICE),
    ),
    case(
        "vneid 3 xyz",
        "a count touching an unknown word is not a count",
        items={"vneid": 1},
        problems=(unknown("3 xyz"),),
    ),
    case(
        "abc vneid 3", "chatter first is left out", items={"vneid": 3}, problems=(ignored("abc"),)
    ),
    case(
        "vneid 3 abc def sskdt 2",
        "adjacent unknown words and the count they touch are one problem",
        items={"vneid": 1, "sskdt": 2},
        problems=(unknown("3 abc def"),),
    ),
    case(
        "abc vneid 3 def",
        "separate unknown words are separate problems",
        items={"vneid": 1},
        problems=(ignored("abc"), unknown("3 def")),
    ),
    # changed by the everyday forms (SPEC §3): ạ is now a filler word
    case("vneid 3 ạ", "polite ạ is a filler word", items={"vneid": 3}),
    case(
        "vnied 3",
        "misspelt service and its unplaceable count are one unknown run",
        problems=(unknown("vnied 3"), NO_SERVICE),
    ),
    case("3", "a lone number cannot be placed", problems=(unknown("3"), NO_SERVICE)),
    case(
        "vneid 3 Bà Cụ",
        "unknown words keep their case and diacritics",
        items={"vneid": 1},
        problems=(unknown("3 Bà Cụ"),),
    ),
    case(
        "vneid 3 sskdt 2, ok",
        "trailing chatter after a comma is left out",
        items={"vneid": 3, "sskdt": 2},
        problems=(ignored("ok"),),
    ),
    case(
        "vneid 3 sskdt 2 ok",
        "a trailing unknown word touching a count takes the count with it",
        items={"vneid": 3, "sskdt": 1},
        problems=(unknown("2 ok"),),
    ),
    # ---------------------------------------------------------- realistic messages
    case(
        "Hôm nay tổ em đi được 6 hộ, hỗ trợ 8 người cài VNeID, 5 người sổ sức khỏe",
        "chatty report names its unknown words and keeps the counts",
        items={"vneid": 8, "sskdt": 5},
        households=6,
        # đi is a filler word since the everyday forms, em since voice entries; tổ is chatter
        problems=(ignored("tổ"),),
    ),
    case(
        "hqua\nVNeID 5\nSổ sức khỏe 3\n@ nhà văn hóa tổ 7",
        "one line per item with a place line",
        items={"vneid": 5, "sskdt": 3},
        day="2026-11-22",
        location="nhà văn hóa tổ 7",
    ),
    case(
        "Sáng nay hướng dẫn 12 người kích hoạt mức 2, 4 người ký số",
        "morning report count first with mức 2 and ký số",
        items={"muc2": 12, "cks": 4},
    ),
    case(
        "chiều nay: vneid 4 + sskdt 3 + bhxh 2 @ Tổ dân phố số 9",
        "afternoon report with plus and a place",
        items={"vneid": 4, "sskdt": 3, "vssid": 2},
        location="Tổ dân phố số 9",
    ),
    case(
        "20/11 tại chợ Hàng, vneid 2, qr 3 gc: bán hàng cần mã QR",
        "market visit with date place services and note",
        items={"vneid": 2, "ttkdtm": 3},
        day="2026-11-20",
        location="chợ Hàng",
        note="bán hàng cần mã QR",
    ),
    case(
        "HOM QUA VNEID 10 SSKDT 8 ZALO 5",
        "caps lock report",
        items={"vneid": 10, "sskdt": 8, "zalo": 5},
        day="2026-11-22",
    ),
    case(
        "giúp 3 bà con đăng ký bhxh, 2 bà con chuyển khoản",
        "bà con counts before services",
        items={"vssid": 3, "ttkdtm": 2},
    ),
    case(
        "vneid 3 sskdt 2 shp 1 tại NVH tổ 4 ghi chú: mưa to",
        "three services a place and a note",
        items={"vneid": 3, "sskdt": 2, "smarthp": 1},
        location="NVH tổ 4",
        note="mưa to",
    ),
    case(
        "Hom kia 5 ho, cai vneid cho 9 nguoi",
        "no diacritics households and cai vneid cho N nguoi",
        items={"vneid": 9},
        households=5,
        day="2026-11-21",
    ),
    case(
        "ngày 18/11 hỗ trợ 15 người cài VNeID và 6 người cài sổ sức khoẻ điện tử tại tổ 3",
        "long sentence with date counts first and a place",
        items={"vneid": 15, "sskdt": 6},
        day="2026-11-18",
        location="tổ 3",
    ),
]


# ---------------------------------------------------------------------------- checks


def _secrets(expected_problems: list[tuple[str, object]]) -> list[str]:
    out = []
    for _kind, text in expected_problems:
        if isinstance(text, Mask | Secret):
            out.append(text.digits)
    return out


def _windows(digits: str, size: int = 5) -> set[str]:
    return {digits[i : i + size] for i in range(len(digits) - size + 1)}


def _leaks(text: str, secret: str) -> bool:
    compact = re.sub(r"[ .]", "", text)
    return any(w in text or w in compact for w in _windows(secret))


def _is_vietnamese(text: str) -> bool:
    return any(ch in VIETNAMESE_LETTERS for ch in unicodedata.normalize("NFC", text).lower())


def _text_matches(expected: object, actual: object) -> bool:
    if expected is ANY:
        return True
    if isinstance(expected, Mask):
        return expected.matches(actual)
    if isinstance(expected, Secret):
        return isinstance(actual, str) and not _leaks(actual, expected.digits)
    return expected == actual


def _match_problems(expected: list[tuple[str, object]], actual: list[tuple[str, object]]) -> bool:
    """Multiset match; exact texts are matched first, then matchers, then ANY."""
    if len(expected) != len(actual):
        return False

    def rank(e: tuple[str, object]) -> int:
        if e[1] is ANY:
            return 2
        return 1 if isinstance(e[1], Mask | Secret) else 0

    remaining = list(actual)
    for kind, text in sorted(expected, key=rank):
        for i, (a_kind, a_text) in enumerate(remaining):
            if a_kind == kind and _text_matches(text, a_text):
                del remaining[i]
                break
        else:
            return False
    return True


def _field_matches(expected: object, actual: object) -> bool:
    if isinstance(expected, Spaced):
        return expected.matches(actual)
    return expected == actual


@pytest.mark.parametrize(("message", "today", "expected", "expected_problems"), ROWS)
def test_quick_entry_table(
    message: str,
    today: date,
    expected: dict[str, object],
    expected_problems: list[tuple[str, object]],
) -> None:
    result = parse_quick_entry(message, today=today).as_dict()

    assert set(result) == {*expected, "problems"}, result
    for field, want in expected.items():
        assert _field_matches(want, result[field]), (field, want, result[field], result)

    problems = result["problems"]
    actual = [(p["kind"], p["text"]) for p in problems]
    assert _match_problems(expected_problems, actual), (expected_problems, actual)

    secrets = _secrets(expected_problems)
    dumped = json.dumps(result, ensure_ascii=False)
    for secret in secrets:
        assert not _leaks(dumped, secret), (secret, dumped)

    for p in problems:
        assert p["kind"] in KINDS, p
        msg = p["message"]
        assert isinstance(msg, str), p
        assert msg.strip(), p
        assert _is_vietnamese(msg), p
        for secret in secrets:
            assert not _leaks(msg, secret), p


def test_the_table_is_large() -> None:
    assert len(ROWS) >= 150


def test_row_ids_are_unique() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
