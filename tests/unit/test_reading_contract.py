"""Quick entry, the reading contract: a composed message is read as composed, or asked about.

SPEC §3 "The reading contract: never wrong in silence". Messages are composed from known
parts: 1–3 services with counts in one order (before or after, digits or number words),
any alias of SPEC §2 in any case with or without diacritics, day phrases, places with
numbers in them, households, people, a note, filler, chatter and separators. Each one
must be either read exactly as composed (services and counts, people, households, day,
place, note; every chatter word named back in an `ignored` problem) or asked about (a
blocking problem). Saved differently, in silence, is the failure this file hunts.

The generator is independent of the parser: its aliases, number words, day phrases,
places and the truth of every message come from its own tables below, written from the
SPEC; nothing is imported from `handlers.parsing`, `handlers.catalogue` or `storage` but
`parse_quick_entry`, the code under test. A composition whose truth the SPEC leaves
unclear is not made (see the comments on `soft_join` and on the tables).

Reproducible in CI: hypothesis runs derandomized with no example database, and the
friction figures come from a seeded `random.Random`. Run with `-s` to see them.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from typing import Protocol, TypeVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handlers.parsing.quick_entry import parse_quick_entry

TODAY = date(2026, 12, 7)  # a Monday
# the member is asked and nothing is saved at once ("ambiguous": two plausible readings)
BLOCKING = frozenset(
    {
        "unknown_word",
        "no_service",
        "bad_count",
        "large_count",
        "future_date",
        "too_old",
        "ambiguous",
    }
)
# saved, and the member is told: a personal number removed, chatter left out
NOT_BLOCKING = frozenset({"scrubbed", "ignored"})

# ------------------------------------------------------------------ words, as typed


def fold(text: str) -> str:
    """The text as typed with no Vietnamese keyboard: no diacritics, đ as d, case kept."""
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


@cache
def keys(text: str) -> tuple[str, ...]:
    """The words of a text as a reader compares them: folded, lower case, digits apart."""
    return tuple(re.findall(r"[^\W\d_]+|\d+", fold(text).lower()))


# SPEC §2 table; a code and its display name are aliases too (SPEC §3 fine points).
# Left out: the bare `114` (a count beside it is unclear) and "VssID / an sinh xã hội".
ALIASES: dict[str, tuple[str, ...]] = {
    "vneid": (
        *("vneid", "VNeID", "cài vneid", "định danh", "định danh điện tử"),
        *("ddđt", "đdđt", "tkđdđt", "Cài đặt VNeID"),
    ),
    "muc2": (
        *("mức 2", "mức độ 2", "muc2", "md2", "MD2", "định danh mức 2", "kích hoạt mức 2"),
        *("lv2", "Kích hoạt định danh điện tử mức 2"),
    ),
    "sskdt": (
        *("sskđt", "sskdt", "sổ sức khỏe", "sổ sức khoẻ", "ssk", "skđt", "sổ sk"),
        "Sổ sức khỏe điện tử",
    ),
    "smarthp": ("smart hp", "smarthp", "smart hải phòng", "hải phòng smart", "shp", "Smart HP"),
    "bc114": ("báo cháy", "báo cháy 114", "bc114", "Báo cháy 114"),
    "dvc": ("dvc", "dvctt", "dịch vụ công", "nộp hồ sơ trực tuyến", "Dịch vụ công trực tuyến"),
    "ttkdtm": (
        *("ttkdtm", "thanh toán", "thanh toán số", "thanh toán trực tuyến", "không tiền mặt"),
        *("chuyển khoản", "ví điện tử", "qr", "QR", "Thanh toán không dùng tiền mặt"),
    ),
    "cks": ("cks", "chữ ký số", "ký số", "chữ kí số", "kí số", "Chữ ký số"),
    "vssid": ("vssid", "VssID", "bhxh", "an sinh", "an sinh xã hội", "lương hưu qua tài khoản"),
    "zalo": ("zalo", "Zalo", "nhóm zalo", "Tham gia nhóm Zalo tổ dân phố"),
    "khac": ("khác", "khac", "Hỗ trợ khác"),
}
CODES = tuple(ALIASES)
# level 2 as people say it: a vneid word right before a muc2 word is muc2 alone
VNEID_WORDS = ("vneid", "VNeID", "định danh", "định danh điện tử", "đdđt", "ddđt", "tkđdđt")
LEVEL_TWO_WORDS = ("mức 2", "mức độ 2", "md2", "MD2", "muc2", "lv2")
# aliases of one service side by side are one mention
ALIAS_PAIRS: dict[str, tuple[tuple[str, str], ...]] = {
    "ttkdtm": (
        *(("thanh toán", "qr"), ("thanh toán", "chuyển khoản"), ("chuyển khoản", "qr")),
        *(("thanh toán", "ví điện tử"), ("không tiền mặt", "qr"), ("qr", "chuyển khoản")),
    ),
    "vssid": (("bhxh", "vssid"), ("an sinh", "vssid"), ("vssid", "bhxh")),
    "dvc": (("dvc", "nộp hồ sơ trực tuyến"), ("dịch vụ công", "dvc")),
    "sskdt": (("sổ sức khỏe", "sskđt"),),
    "cks": (("chữ ký số", "cks"),),
}

FILLERS = (
    *("giúp", "hỗ trợ", "hướng dẫn", "cho", "bà con", "cài", "cài đặt", "tải", "đăng ký"),
    *("kích hoạt", "lượt", "và", "đã", "được", "đi", "làm", "xong", "đc", "nhé", "nha", "ạ"),
    *("rồi", "em báo cáo", "cả tổ", "báo cáo", "tài khoản", "ứng dụng", "app", "tích hợp"),
    *("khoảng", "hơn", "trường hợp", "trên", "vào"),
)
UNIT_WORDS = (
    *("hộ", "hộ gia đình", "hộ dân", "hộ kinh doanh", "người", "ng", "người dân", "công dân"),
    *("tiểu thương", "cụ", "bác", "cô", "chú", "x"),
)
MARKERS = ("tại", "tai", "ghi chú", "gc", "ngày", "hôm")
FILLER_KEYS = tuple(keys(f) for f in FILLERS)
NUMBER_WORDS = dict(enumerate(("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"), 1))
NUMBER_KEYS = frozenset(
    keys(" ".join([*NUMBER_WORDS.values(), "mốt", "tư", "lăm", "nhăm", "mười", "mươi"]))
)
# words that pair with a number before them: a number never stands beside one by chance
UNIT_KEYS = frozenset({k for w in UNIT_WORDS for k in keys(w)[:1]} | {"luot", "truong"})

WEEKDAYS = (
    ("thứ 2", "thứ hai", "t2"),
    ("thứ 3", "thứ ba", "t3"),
    ("thứ 4", "thứ tư", "t4"),
    ("thứ 5", "thứ năm", "t5"),
    ("thứ 6", "thứ sáu", "t6"),
    ("thứ 7", "thứ bảy", "t7"),
    ("chủ nhật", "cn"),
)
DAY_WORDS = (("hôm qua", 1), ("hôm nay", 0), ("hôm kia", 2), ("hkia", 2))
DAY_PARTS = ("sáng", "trưa", "chiều", "tối")

# places with digits in them; no service, day, number, filler or unit word inside
PLACES = (
    *("ngõ 114", "ngõ 5", "ngõ 9", "số 12 ngõ 45", "tdp 3", "tổ 7", "tổ 3", "khu 2"),
    *("ngõ 45 Trần Nguyên Hãn", "nhà văn hóa tổ 5", "ngõ 12 Lạch Tray", "UBND phường"),
    *("nhà văn hóa", "số 8 Văn Cao", "tổ 12 Cát Dài", "ngách 3 ngõ 20"),
)
# ordinary words: no digit, no number word, not a known word, no near miss of a service
CHATTER = (
    *("trời mưa", "vui vẻ", "nhiệt tình", "trời nắng", "trời rét", "mạng yếu", "gió lạnh"),
    *("cảm ơn", "sôi nổi", "anh Tuấn", "chị Hoa", "gọn gàng"),
)
NOTES = (
    *("bà con rất vui", "mai quay lại ngõ 7", "hẹn thứ 5 quay lại", "còn 3 hộ chưa cài"),
    *("máy của cụ Tư yếu pin", "2 cụ chưa có điện thoại thông minh", "vneid lỗi, quay lại sau"),
    *("cần thêm người hỗ trợ @ tổ 4", "Mai 8h họp tổ"),
)
NOTE_MARKS = ("ghi chú: ", "ghi chú ", "Ghi chú: ", "gc: ", "gc:", "ghi chu: ")
LEADS = ("em báo cáo", "Em báo cáo:", "cả tổ", "Báo cáo:", "đã", "Cả tổ đã")
TRAILS = ("nhé", "nha", "ạ", "rồi", "nhe", "roi")
SOFT = (" ", " ", " ", "  ")
HARD = (", ", ", ", "; ", "\n", ",", " , ", ";\n")


def _phrases() -> frozenset[tuple[str, ...]]:
    """Every phrase a reader knows, as key tuples: two parts must never join into one."""
    typed = [a for aliases in ALIASES.values() for a in aliases]
    typed += [*FILLERS, *UNIT_WORDS, *MARKERS, *(w for names in WEEKDAYS for w in names)]
    typed += [w for w, _ in DAY_WORDS] + [f"{p} {w}" for p in DAY_PARTS for w in ("nay", "qua")]
    return frozenset(keys(t) for t in typed)


PHRASES = _phrases()
LONGEST = max(len(p) for p in PHRASES)
KNOWN_KEYS = frozenset(k for p in PHRASES for k in p) | NUMBER_KEYS


def one_edit(word: str) -> set[str]:
    """Every word one insert, delete, change or swap of neighbours away."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    out = {a + b[1:] for a, b in cuts if b} | {a + c + b for a, b in cuts for c in letters}
    out |= {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    return out | {a + c + b[1:] for a, b in cuts if b for c in letters}


# SPEC near misses: one edit from a code or one-word alias of 4+ letters, without diacritics
ONE_WORD = {
    k[0] for k in map(keys, [*CODES, *(a for v in ALIASES.values() for a in v)]) if len(k) == 1
}
NEAR_MISSES = frozenset(m for k in ONE_WORD if len(k) >= 4 and k.isalpha() for m in one_edit(k))

# ---------------------------------------------------------------- the day, by own code


def latest_weekday(weekday: int) -> date:
    """The latest such day of the week on or before today (Monday 0)."""
    return TODAY - timedelta(days=(TODAY.weekday() - weekday) % 7)


@dataclass(frozen=True)
class Day:
    text: str
    day: date
    after_place: bool  # a phrase the SPEC names as ending a place before it


# ------------------------------------------------------------------- choosing parts

T = TypeVar("T")


class Pick(Protocol):
    """Where the generator's choices come from: hypothesis draws or a seeded random."""

    def one(self, options: Sequence[T]) -> T: ...

    def number(self, low: int, high: int) -> int: ...

    def chance(self, percent: int) -> bool: ...


class DrawPick:
    """Choices drawn by hypothesis (they shrink towards the first option, and towards no)."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def one(self, options: Sequence[T]) -> T:
        return self._draw(st.sampled_from(options))

    def number(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def chance(self, percent: int) -> bool:
        return self._draw(st.integers(0, 99)) >= 100 - percent


class SeededPick:
    """Choices from a seeded random: the same messages on every run."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def one(self, options: Sequence[T]) -> T:
        return self._rng.choice(options)

    def number(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self._rng.randrange(100) < percent


def styled(pick: Pick, typed: str) -> str:
    """An alias as a volunteer may type it: any case, with or without diacritics."""
    text = fold(typed) if pick.chance(40) else typed
    case = pick.one(("as typed", "as typed", "lower", "upper", "title"))
    if case == "lower":
        return text.lower()
    if case == "upper":
        return text.upper()
    if case == "title":
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


def spell(pick: Pick, n: int) -> str:
    """1–99 in number words, as said: "mười lăm", "hai mươi mốt", with or without diacritics."""
    tens, unit = divmod(n, 10)
    words = [] if tens == 0 else ["mười"] if tens == 1 else [NUMBER_WORDS[tens], "mươi"]
    if tens > 1 and unit in (1, 4, 5):
        words.append(pick.one({1: ("mốt",), 4: ("bốn", "tư"), 5: ("lăm", "nhăm")}[unit]))
    elif tens == 1 and unit == 5:
        words.append("lăm")
    elif unit:
        words.append(NUMBER_WORDS[unit])
    text = " ".join(words)
    return fold(text) if pick.chance(40) else text


def count_text(pick: Pick, n: int, *, spoken_ok: bool = True, spoken: int = 35) -> str:
    """A count as digits or, in a count position, as number words."""
    return spell(pick, n) if spoken_ok and pick.chance(spoken) else str(n)


def head_edge(text: str) -> str:
    return edge(keys(text)[0])


def tail_edge(text: str) -> str:
    return edge(keys(text)[-1])


def edge(word: str) -> str:
    """What a part begins or ends with, as far as a count is concerned."""
    if word.isdigit() or word in NUMBER_KEYS:
        return "number"
    return "unit" if word in UNIT_KEYS else "word"


# ------------------------------------------------------------------------ aliases


@dataclass(frozen=True)
class Alias:
    text: str
    code: str
    vneid_word: bool = False  # starts with a vneid word (level 2 as people say it)

    @property
    def letters(self) -> bool:
        """Made of letters: a place before it ends there (SPEC)."""
        return not any(c.isdigit() for c in self.text)

    @property
    def number_led(self) -> bool:
        return keys(self.text)[0] in NUMBER_KEYS  # "hai phong smart"

    @property
    def number_end(self) -> bool:
        return tail_edge(self.text) == "number"  # "mức 2", "ví điện tử" (tu)

    @property
    def filler_led(self) -> bool:
        return any(keys(self.text)[: len(f)] == f for f in FILLER_KEYS)

    @property
    def bare(self) -> bool:
        """Letters only, and a service word first: what ends a place before it."""
        return self.letters and not self.number_led and not self.filler_led

    @property
    def unit_led(self) -> bool:
        return keys(self.text)[0] in UNIT_KEYS  # "hỗ trợ khác" folds to "ho tro khac"


def alias_for(pick: Pick, code: str, *, family: str, mode: str, bare: bool) -> Alias:
    """One way to type a service: an alias, a level-2 phrase, or two aliases side by side."""
    if family == "level_two":
        first = styled(pick, pick.one(VNEID_WORDS))
        prefix = pick.one(("", "", "kích hoạt "))
        return Alias(f"{prefix}{first} {styled(pick, pick.one(LEVEL_TWO_WORDS))}", code, True)
    if family == "alias_pair":
        a, b = pick.one(ALIAS_PAIRS[code])
        return Alias(f"{styled(pick, a)} {styled(pick, b)}", code)
    fits = [
        typed
        for typed in ALIASES[code]
        if not (mode == "before" and (Alias(typed, code).number_led or Alias(typed, code).unit_led))
        and not (bare and not Alias(typed, code).bare)
    ]
    return Alias(styled(pick, pick.one(fits)), code, vneid_word=code == "vneid")


# -------------------------------------------------------------------------- parts


@dataclass(frozen=True)
class Part:
    kind: str  # unit day place households people chatter lead trail note
    text: str
    code: str | None = None  # unit: its service
    count: int | None = None  # unit: its typed count (None: no count, so 1)
    head_code: str | None = None  # the service an alias at the start names (past fillers)
    head_bare: bool = False  # the part starts right with an alias made of letters
    head_vneid: bool = False  # ...and that alias starts with a vneid word
    tail_code: str | None = None  # the service an alias at the very end names
    tail_bare: bool = False  # ...made of letters and ending in a letter word
    worded_count: bool = False  # a unit whose count has a unit word after it: "3 người"
    after_place: bool = False  # may follow a place with no comma: it ends the place


PLAIN_FORMS = (" {n}", " {n}", ": {n}", " được {n}")
AFTER_FORMS = (*PLAIN_FORMS, " x{d}", " {n} lượt")
AFTER_PEOPLE_FORMS = (" cho {n} người", " {n} người", " {n} ng", " cho {n} công dân")
BEFORE_FORMS = ("{n} {a}", "{n} {a}", "{n} lượt {a}", "{n} trường hợp {a}", "{n} tài khoản {a}")
BEFORE_PEOPLE_FORMS = ("{n} người cài {a}", "{n} cụ cài {a}", "{n} người dân cài {a}")
SERVICE_LEADS = (
    *("", "", "", "cài ", "cài đặt ", "hướng dẫn ", "giúp ", "đăng ký ", "tải ", "cài app "),
    *("cài ứng dụng ", "hỗ trợ ", "huong dan ", "giup "),
)
COUNT_LEADS = ("", "", "", "giúp ", "đã ", "hỗ trợ ", "hướng dẫn ", "hơn ", "khoảng ", "đã giúp ")


def unit_part(
    pick: Pick, alias: Alias, *, mode: str, counted: bool, bare: bool, shape: Shape
) -> Part:
    """A service with its count before or after it, or with no count."""
    n = pick.number(1, 30) if counted else None
    if n is not None and mode == "before":
        form = pick.one(BEFORE_FORMS + BEFORE_PEOPLE_FORMS + ("giúp {n} bà con {a}",))
        if alias.filler_led:
            form = form.replace(" cài {a}", " {a}")
        spoken_ok = "bà con" not in form  # "ba bà con" / "ba ba con": which is bà con?
        lead = pick.one(COUNT_LEADS)
        number = count_text(pick, n, spoken_ok=spoken_ok, spoken=shape.spoken)
        text = lead + form.format(n=number, a=alias.text)
        bare_tail = alias.letters and not alias.number_end
        return Part("unit", text, alias.code, n, tail_code=alias.code, tail_bare=bare_tail)
    lead = "" if bare or alias.filler_led else pick.one(SERVICE_LEADS)
    text = lead + alias.text
    worded_count = False
    if n is not None:
        plain = shape.day_after_count  # the count last: the day phrase comes right after it
        form = pick.one(PLAIN_FORMS if plain else AFTER_FORMS + AFTER_PEOPLE_FORMS)
        worded_count = form in AFTER_PEOPLE_FORMS or form.endswith("lượt")
        spoken_ok = "x" not in form and not alias.number_end
        text += form.format(n=count_text(pick, n, spoken_ok=spoken_ok, spoken=shape.spoken), d=n)
    head_bare = not lead and alias.bare
    return Part(
        "unit",
        text,
        alias.code,
        n,
        head_code=alias.code,
        head_bare=head_bare,
        head_vneid=alias.vneid_word,
        tail_code=None if n is not None else alias.code,
        tail_bare=n is None and alias.letters and not alias.number_end,
        worded_count=worded_count,
        after_place=head_bare,
    )


def day_part(pick: Pick, *, after_place: bool = False) -> tuple[Part, date]:
    """A day phrase and the day it means, worked out here, not by the parser."""
    day = pick_day(pick, after_place=after_place)
    text = day.text
    if pick.chance(20):
        text = text[:1].upper() + text[1:]
    return Part("day", text, after_place=day.after_place), day.day


def pick_day(pick: Pick, *, after_place: bool) -> Day:
    kinds = ("word", "part", "weekday", "typed") + (() if after_place else ("part+", "hôm+"))
    kind = pick.one(kinds)
    diacritics = pick.chance(50)

    def as_typed(text: str) -> str:
        return text if diacritics else fold(text)

    if kind == "word":
        text, back = pick.one(DAY_WORDS)
        return Day(as_typed(text), TODAY - timedelta(days=back), True)
    if kind == "part":
        back = pick.number(0, 1)
        said = f"{pick.one(DAY_PARTS)} {('nay', 'qua')[back]}"
        return Day(as_typed(said), TODAY - timedelta(days=back), True)
    if kind in ("weekday", "hôm+"):
        weekday = pick.number(0, 6)
        text = as_typed(pick.one(WEEKDAYS[weekday]))
        if kind == "hôm+":
            return Day(as_typed("hôm ") + text, latest_weekday(weekday), False)
        return Day(text, latest_weekday(weekday), True)
    if kind == "typed":
        return typed_day(pick, after_place=after_place)
    inner = pick.one(("word", "weekday", "typed"))
    if inner == "typed":
        day = typed_day(pick, after_place=True)
    elif inner == "weekday":
        weekday = pick.number(0, 6)
        day = Day(as_typed(pick.one(WEEKDAYS[weekday])), latest_weekday(weekday), False)
    else:
        text, back = pick.one(DAY_WORDS[:3])
        day = Day(as_typed(text), TODAY - timedelta(days=back), False)
    return Day(f"{as_typed(pick.one(DAY_PARTS))} {day.text}", day.day, False)


def typed_day(pick: Pick, *, after_place: bool) -> Day:
    """A `dd/mm` within the last 31 days (today is early December: no year to guess)."""
    day = TODAY - timedelta(days=pick.number(0, 31))
    formats = ("{d}/{m}", "{d:02}/{m:02}", "{d:02}/{m:02}/{y}") + (
        () if after_place else ("{d}-{m}",)
    )
    text = pick.one(formats).format(d=day.day, m=day.month, y=day.year)
    if not after_place and pick.chance(20):
        return Day(f"ngày {text}", day, False)
    return Day(text, day, "-" not in text)  # "ngõ 5 6-11" may be a house number


def households_part(pick: Pick, *, after_place: bool, spoken: int) -> tuple[Part, int]:
    n = pick.number(1, 60)
    lead = "" if after_place else pick.one(("", "", "", "hơn ", "khoảng ", "đi "))
    word = pick.one(
        ("hộ", "hộ", "hộ gia đình") + (() if after_place else ("hộ dân", "hộ kinh doanh"))
    )
    number = count_text(pick, n, spoken_ok=not after_place and n <= 30, spoken=spoken)
    word = fold(word) if pick.chance(30) else word
    plain = not lead and number.isdigit() and fold(word) in ("ho", "ho gia dinh")
    return Part("households", f"{lead}{number} {word}", after_place=plain), n


def people_part(pick: Pick, *, spoken: int) -> tuple[Part, int]:
    n = pick.number(1, 30)
    lead = pick.one(("", "", "", "cho ", "khoảng ", "hơn "))
    word = pick.one(("người", "người", "ng", "người dân", "công dân", "cụ"))
    number = count_text(pick, n, spoken=spoken)
    word = fold(word) if pick.chance(30) else word
    plain = not lead and number.isdigit() and word in ("người", "nguoi", "ng")
    return Part("people", f"{lead}{number} {word}", after_place=plain), n


def place_part(pick: Pick) -> tuple[Part, str]:
    place = pick.one(PLACES)
    if "nhà" not in place and pick.chance(30):
        place = fold(place)  # folded, "nhà" would be the filler "nha"
    return Part("place", pick.one(("@ ", "@", "tại ", "tai ", "tại ")) + place), place


# ---------------------------------------------------------------------- joining


def crosses(left: str, right: str) -> bool:
    """The end of one part and the start of the next would read as one known phrase."""
    a, b = keys(left)[-LONGEST:], keys(right)[:LONGEST]
    return any(a[i:] + b[:j] in PHRASES for i in range(len(a)) for j in range(1, len(b) + 1))


def soft_join(a: Part, b: Part) -> bool:
    """May two parts stand side by side with only spaces between them? (else `,` `;` newline)

    Only where the SPEC settles the reading: a place is followed so only by what the
    SPEC says ends it; chatter touches no number; two numbers never meet; a number word
    never stands right after a service word; nothing runs into a vneid word ("sổ sức
    khỏe điện tử VNeID" is that service alone) and a vneid word never runs into a muc2
    word (level 2); `N người` and a count typed with a people word stand apart from what
    follows them.
    """
    if a.kind == "place":
        return b.after_place and not crosses(a.text, b.text)
    if a.kind == "chatter" or b.kind == "chatter":
        if a.kind == b.kind:
            return False
        bare = b.head_bare if a.kind == "chatter" else a.tail_bare
        return bare and not crosses(a.text, b.text)
    if a.kind == "people" or a.worded_count:  # "… cho 4 người đăng ký dvc": whose 4?
        return False
    tail, head = tail_edge(a.text), head_edge(b.text)
    if (tail == "number" and head in ("number", "unit")) or (tail == "unit" and head == "number"):
        return False
    if a.tail_code is not None and keys(b.text)[0] in NUMBER_KEYS:
        return False
    if a.tail_code is not None and b.head_code is not None:
        if b.head_vneid or b.head_code == "vneid":
            return False
        if a.tail_code == "vneid" and b.head_code == "muc2":
            return False
    return not crosses(a.text, b.text)


def joint(pick: Pick, a: Part, b: Part) -> str:
    """What stands between two parts."""
    if b.kind == "note":
        return pick.one((" ", ", ", "\n"))
    if b.kind == "trail":
        return " "
    if a.kind == "lead":
        return " " if a.text.endswith(":") or b.kind == "chatter" else pick.one((" ", ", "))
    if not soft_join(a, b):
        return pick.one(HARD)
    both_counted = a.kind == b.kind == "unit" and a.count is not None and b.count is not None
    return pick.one(SOFT + HARD + ((" và ",) if both_counted else ()))


# ---------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Composed:
    """A message and what it says, as the generator composed it."""

    text: str
    items: dict[str, int]
    people: int | None = None
    households: int | None = None
    day: date = TODAY
    location: str | None = None
    note: str | None = None
    chatter: tuple[str, ...] = ()
    families: frozenset[str] = field(default=frozenset(), repr=False)


@dataclass(frozen=True)
class Shape:
    """What a message must hold; None leaves it to chance."""

    place_then: str | None = None  # "day" | "unit" | "households": right after the place
    level_two: bool | None = None
    alias_pair: bool | None = None
    chatter: bool | None = None
    spoken: int = 35  # how often a count is said in words (in %)
    day_after_count: bool = False  # a day phrase right after a service's count


@dataclass
class Draft:
    """A message being composed: its parts in order, and what they say."""

    body: list[Part]
    items: dict[str, int]
    families: set[str]
    people: int | None = None
    households: int | None = None
    day: date = TODAY
    location: str | None = None
    note: str | None = None
    chatter: tuple[str, ...] = ()
    glued: Part | None = None  # a part that follows the one before it with spaces only

    def insert(self, pick: Pick, part: Part, *, low: int = 0) -> None:
        self.body.insert(pick.number(low, len(self.body)), part)

    def index(self, part: Part) -> int:
        return next(i for i, p in enumerate(self.body) if p is part)


def decide(pick: Pick, forced: bool | None, percent: int) -> bool:
    return pick.chance(percent) if forced is None else forced


def compose(pick: Pick, shape: Shape = Shape()) -> Composed:
    """A quick-entry message made of known parts, and its one reading."""
    after = shape.place_then == "unit" or shape.day_after_count
    mode = "after" if after else pick.one(("after", "before"))
    units, families, follow = service_units(pick, shape, mode=mode)
    draft = Draft(list(units), {u.code: u.count or 1 for u in units if u.code}, families)
    draft.families.add(f"count_{mode}")
    follow = add_extras(pick, draft, shape, units) or follow
    if follow is not None or pick.chance(40):
        part, draft.location = place_part(pick)
        at = draft.index(follow) if follow is not None else pick.number(0, len(draft.body))
        draft.body.insert(at, part)
    if pick.chance(15):
        draft.body.insert(0, Part("lead", pick.one(LEADS)))
    if pick.chance(25):
        draft.note = pick.one(NOTES)
        draft.body.append(Part("note", pick.one(NOTE_MARKS) + draft.note))
    elif pick.chance(15):
        draft.body.append(Part("trail", pick.one(TRAILS)))
    text = join(pick, draft, place_soft=follow is not None)
    assert longest_digit_run(text) < 9, text  # a personal number would be scrubbed
    return Composed(
        text,
        draft.items,
        draft.people,
        draft.households,
        draft.day,
        draft.location,
        draft.note,
        draft.chatter,
        frozenset(draft.families),
    )


def service_units(
    pick: Pick, shape: Shape, *, mode: str
) -> tuple[list[Part], set[str], Part | None]:
    """1–3 distinct services in one order, each with a count or none."""
    plain = shape.place_then == "unit"  # one unit must be able to end a place before it
    wanted: list[tuple[str, str]] = []
    if not plain and decide(pick, shape.level_two, 10):
        wanted.append(("muc2", "level_two"))
    if not plain and decide(pick, shape.alias_pair, 10):
        wanted.append((pick.one(tuple(ALIAS_PAIRS)), "alias_pair"))
    taken = {code for code, _ in wanted} | ({"muc2"} if plain else set())
    rest = [c for c in CODES if c not in taken]  # every muc2 alias holds a digit
    for _ in range(pick.number(1, 3) - len(wanted)):
        wanted.append((rest.pop(pick.number(0, len(rest) - 1)), ""))
    order = [wanted.pop(pick.number(0, len(wanted) - 1)) for _ in range(len(wanted))]
    bare_at = pick.number(0, len(order) - 1) if plain else -1
    units: list[Part] = []
    for i, (code, family) in enumerate(order):
        # the first count sets the order; the service after a place shows its count
        counted = (mode == "before" and i == 0) or i == bare_at or pick.chance(75)
        bare = i == bare_at
        alias = alias_for(pick, code, family=family, mode=mode, bare=bare)
        units.append(unit_part(pick, alias, mode=mode, counted=counted, bare=bare, shape=shape))
    families = {family for _, family in order if family}
    return units, families, units[bare_at] if plain else None


def add_extras(pick: Pick, draft: Draft, shape: Shape, units: list[Part]) -> Part | None:
    """A day, households, chatter and people among the services; the part after the place."""
    follow = None
    counted = [u for u in units if u.count is not None]
    if shape.day_after_count and counted:
        part, draft.day = day_part(pick)
        draft.body.insert(draft.index(pick.one(counted)) + 1, part)
        draft.glued = part
    elif shape.place_then == "day" or pick.chance(45):
        part, draft.day = day_part(pick, after_place=shape.place_then == "day")
        draft.insert(pick, part)
        follow = part if shape.place_then == "day" else None
    if shape.place_then == "households" or pick.chance(30):
        after_place = shape.place_then == "households"
        part, draft.households = households_part(pick, after_place=after_place, spoken=shape.spoken)
        draft.insert(pick, part)
        follow = part if after_place else follow
    if decide(pick, shape.chatter, 25):
        draft.chatter = tuple(dict.fromkeys(pick.one(CHATTER) for _ in range(pick.number(1, 2))))
        for said in draft.chatter:
            draft.insert(pick, Part("chatter", said))
        draft.families.add("chatter")
    # `N người` only where its truth is certain: every service counted (people), or one
    # service with no count (its count); never before the first service
    single = len(units) == 1 and units[0].count is None
    if (single or all(u.count is not None for u in units)) and pick.chance(25):
        part, n = people_part(pick, spoken=shape.spoken)
        draft.insert(pick, part, low=draft.index(units[0]) + 1)
        if single:
            draft.items = dict.fromkeys(draft.items, n)
            draft.families.add("people_as_count")
        else:
            draft.people = n
    return follow


def join(pick: Pick, draft: Draft, *, place_soft: bool) -> str:
    """The parts with what stands between them."""
    text = draft.body[0].text
    for a, b in pairwise(draft.body):
        if a.kind == "place" and b.kind == "trail":
            draft.families.add("place_then_trail")
        if a.kind == "place" and b.kind not in ("note", "trail"):
            soft = soft_join(a, b) and (place_soft or pick.chance(70))
            sep = pick.one(SOFT if soft else HARD)
            if soft:
                draft.families.add(f"place_then_{b.kind}")
        elif b is draft.glued and soft_join(a, b):
            sep = pick.one(SOFT)
        else:
            sep = joint(pick, a, b)
        count_last = a.kind == "unit" and a.count is not None and a.tail_code is None
        if count_last and b.kind == "day" and not sep.strip():
            draft.families.add("count_then_day")
        text += sep + b.text
    return text


def longest_digit_run(text: str) -> int:
    """Digits in a row with no letter between them, dates aside (SPEC: personal numbers)."""
    text = re.sub(r"\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?", "/", text)
    return max((len(re.sub(r"\D", "", run)) for run in re.split(r"[^\W\d_]+", text)), default=0)


# ------------------------------------------------------------ words of real reports

# ward news and reports word the work this way (SPEC "Words from real reports")
REPORT_AFTER = (
    ("kích hoạt tài khoản định danh điện tử mức 2 cho {n} người", "muc2"),
    ("cài ứng dụng VNeID cho {n} công dân", "vneid"),
    ("tích hợp sổ sức khỏe điện tử trên VNeID cho {n} người", "sskdt"),
    ("thanh toán trực tuyến {n}", "ttkdtm"),
    ("Hải Phòng Smart {n}", "smarthp"),
    ("cài app Hải Phòng Smart cho {n} người", "smarthp"),
    ("TKĐDĐT {n}", "vneid"),
    ("kích hoạt mức độ 2 cho {n} người", "muc2"),
    ("cài app báo cháy 114 cho {n} người", "bc114"),
    ("ký số trên VNeID cho {n} người", "cks"),
    ("sổ sức khỏe điện tử VNeID {n}", "sskdt"),
    ("hướng dẫn thanh toán không dùng tiền mặt cho {n} người", "ttkdtm"),
    ("dịch vụ công trực tuyến: {n}", "dvc"),
    ("nộp hồ sơ trực tuyến cho {n} người", "dvc"),
    ("ví điện tử {n}", "ttkdtm"),
    ("thanh toán số {n}", "ttkdtm"),
    ("sổ sk {n}", "sskdt"),
    ("skđt {n}", "sskdt"),
    ("mức độ 2: {n}", "muc2"),
    ("đăng ký chữ ký số cho {n} tiểu thương", "cks"),
    ("cài đặt tài khoản định danh điện tử cho {n} người", "vneid"),
)
REPORT_BEFORE = (
    ("hướng dẫn {n} cụ cài VNeID", "vneid"),
    ("giúp {n} người dân cài app Hải Phòng Smart", "smarthp"),
    ("{n} công dân kích hoạt mức độ 2", "muc2"),
    ("hỗ trợ {n} tiểu thương thanh toán không dùng tiền mặt", "ttkdtm"),
    ("{n} lượt tích hợp sổ sức khỏe điện tử", "sskdt"),
    ("{n} trường hợp cài VNeID", "vneid"),
    ("{n} tài khoản định danh điện tử mức 2", "muc2"),
    ("{n} người cài ứng dụng VNeID", "vneid"),
    ("{n} lượt thanh toán trực tuyến", "ttkdtm"),
    ("{n} người dân cài Báo cháy 114", "bc114"),
    ("hướng dẫn {n} cụ ký số trên VNeID", "cks"),
)
REPORT_HOUSEHOLDS = ("hơn {n} hộ", "{n} hộ gia đình", "khoảng {n} hộ dân", "{n} hộ")
REPORT_PEOPLE = ("khoảng {n} người", "hơn {n} người", "{n} người")
REPORT_PLACES = ("nhà văn hóa tổ 5", "tổ 7", "ngõ 45 Trần Nguyên Hãn", "UBND phường")
REPORT_LEADS = ("em báo cáo", "cả tổ đã", "báo cáo:")
REPORT_DAYS = (
    *(("Hôm qua", TODAY - timedelta(days=1)), ("Sáng nay", TODAY), ("Hôm nay", TODAY)),
    *(("Chiều qua", TODAY - timedelta(days=1)), ("Chủ nhật", latest_weekday(6))),
    ("Thứ 7", latest_weekday(5)),
)


def compose_report(pick: Pick) -> Composed:
    """A message worded like a ward report: every service counted, clauses apart."""
    table = pick.one((REPORT_AFTER, REPORT_BEFORE))  # one order per message
    clauses: list[str] = []
    items: dict[str, int] = {}
    for _ in range(pick.number(1, 3)):
        template, code = pick.one(tuple(t for t in table if t[1] not in items))
        items[code] = pick.number(1, 40)
        clauses.append(template.format(n=items[code]))
    body = clauses[0]
    for clause in clauses[1:]:
        body += pick.one((*HARD, " và ")) + clause
    tail: list[str] = []
    households = people = location = None
    if pick.chance(35):
        households = pick.number(5, 90)
        tail.append(pick.one(REPORT_HOUSEHOLDS).format(n=households))
    if pick.chance(20):
        people = pick.number(5, 90)
        tail.append(pick.one(REPORT_PEOPLE).format(n=people))
    if pick.chance(30):
        location = pick.one(REPORT_PLACES)
        tail.append(f"tại {location}")
    for part in [tail.pop(pick.number(0, len(tail) - 1)) for _ in range(len(tail))]:
        body += pick.one(HARD) + part
    if pick.chance(30):
        body = pick.one(REPORT_LEADS) + " " + body
    day = TODAY
    if pick.chance(40):
        said, day = pick.one(REPORT_DAYS)
        body = said + pick.one((", ", " ") if body[0].isalpha() else (", ",)) + body
    return Composed(body, items, people, households, day, location)


# --------------------------------------------------------------------- the contract


class Said(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


_Date = date


class Reading(Protocol):
    """What `parse_quick_entry` returns, as far as the contract looks."""

    @property
    def items(self) -> Mapping[str, int]: ...

    @property
    def people(self) -> int | None: ...

    @property
    def households(self) -> int | None: ...

    @property
    def date(self) -> _Date: ...

    @property
    def location(self) -> str | None: ...

    @property
    def note(self) -> str | None: ...

    @property
    def problems(self) -> Sequence[Said]: ...


def read(text: str) -> Reading:
    return parse_quick_entry(text, today=TODAY)


def is_asked(reading: Reading) -> bool:
    """The member is asked before anything is saved (a blocking problem)."""
    kinds = {p.kind for p in reading.problems}
    assert kinds <= BLOCKING | NOT_BLOCKING, f"a kind the contract does not know: {kinds}"
    return bool(kinds & BLOCKING)


def misreadings(composed: Composed, reading: Reading) -> list[str]:
    """How a reading saved without a question differs from what was composed."""
    if is_asked(reading):
        return []
    pairs = (
        ("items", dict(reading.items), composed.items),
        ("people", reading.people, composed.people),
        ("households", reading.households, composed.households),
        ("date", reading.date, composed.day),
        ("location", reading.location, composed.location),
        ("note", reading.note, composed.note),
    )
    wrong = [f"{name} {got!r} (composed {meant!r})" for name, got, meant in pairs if got != meant]
    named = [p.text for p in reading.problems if p.kind == "ignored"]
    for word in " ".join(composed.chatter).split():
        if not any(word in text for text in named):
            wrong.append(f"chatter {word!r} not named back")
    return wrong


def explain(composed: Composed, reading: Reading, wrong: list[str]) -> str:
    problems = [(p.kind, p.text) for p in reading.problems]
    return f"{composed.text!r} saved as: {'; '.join(wrong)}; problems {problems}"


def assert_read_as_composed_or_asked(composed: Composed) -> None:
    reading = read(composed.text)
    wrong = misreadings(composed, reading)
    assert not wrong, explain(composed, reading, wrong)


# -------------------------------------------------------------------- hypothesis

CONTRACT = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
FAMILY = settings(CONTRACT, max_examples=200)


@st.composite
def messages(draw: st.DrawFn, shape: Shape = Shape()) -> Composed:
    return compose(DrawPick(draw), shape)


@CONTRACT
@given(messages())
def test_a_composed_message_is_read_as_composed_or_asked_about(composed: Composed) -> None:
    assert_read_as_composed_or_asked(composed)


@FAMILY
@given(messages(Shape(place_then="day")))
def test_a_place_ends_before_a_day_phrase_that_follows_it(composed: Composed) -> None:
    assume("place_then_day" in composed.families)
    assert_read_as_composed_or_asked(composed)


@FAMILY
@given(messages(Shape(place_then="unit")))
def test_a_place_ends_before_a_service_and_its_count_that_follow_it(composed: Composed) -> None:
    assume("place_then_unit" in composed.families)
    assert_read_as_composed_or_asked(composed)


@FAMILY
@given(messages(Shape(place_then="households")))
def test_a_place_ends_before_households_that_follow_it(composed: Composed) -> None:
    assume("place_then_households" in composed.families)
    assert_read_as_composed_or_asked(composed)


@FAMILY
@given(messages(Shape(level_two=True, alias_pair=False)))
def test_a_vneid_word_before_a_level_two_word_is_level_two_alone(composed: Composed) -> None:
    assert_read_as_composed_or_asked(composed)


@FAMILY
@given(messages(Shape(alias_pair=True, level_two=False)))
def test_two_aliases_of_one_service_side_by_side_are_one_mention(composed: Composed) -> None:
    assert_read_as_composed_or_asked(composed)


@settings(FAMILY, max_examples=300)
@given(messages(Shape(spoken=100, day_after_count=True)))
def test_a_count_said_in_words_stays_a_count_before_a_day_phrase(composed: Composed) -> None:
    assume("count_then_day" in composed.families)
    assert_read_as_composed_or_asked(composed)


@FAMILY
@given(messages(Shape(chatter=True)))
def test_chatter_is_left_out_and_named_back_never_read_into_the_figures(
    composed: Composed,
) -> None:
    assert_read_as_composed_or_asked(composed)


# ------------------------------------------------- friction: a seeded sample, measured

SAMPLE = 2000
REPORTS = 400
MAX_ASKED = 0.25  # the SPEC's question is cheap, but a bot that asks of most messages is not
MIN_REPORTS_READ = 0.75
FAMILIES = (
    *("place_then_day", "place_then_unit", "place_then_households", "level_two"),
    *("alias_pair", "chatter", "people_as_count", "count_before", "count_after"),
    *("place_then_trail", "count_then_day"),
)


@cache
def seeded(kind: str) -> tuple[tuple[Composed, Reading], ...]:
    """A fixed sample of composed messages with their readings (parsed once per run)."""
    make: Callable[[Pick], Composed] = compose if kind == "composed" else compose_report
    pick = SeededPick(20261207 if kind == "composed" else 2025)
    sample = [make(pick) for _ in range(SAMPLE if kind == "composed" else REPORTS)]
    return tuple((c, read(c.text)) for c in sample)


def friction(sample: Sequence[tuple[Composed, Reading]]) -> tuple[float, str]:
    """The share asked about, and a summary by blocking kind and by family."""
    asked = [(c, r) for c, r in sample if is_asked(r)]
    share = len(asked) / len(sample)
    kinds = Counter(p.kind for _, r in asked for p in r.problems if p.kind in BLOCKING)
    lines = [f"{len(asked)}/{len(sample)} asked about ({share:.1%}); {dict(kinds)}"]
    for family in FAMILIES:
        having = [r for c, r in sample if family in c.families]
        if having:
            n = sum(map(is_asked, having))
            lines.append(f"  {family}: {n}/{len(having)} asked ({n / len(having):.0%})")
    lines += [f"  e.g. {c.text!r}: {[(p.kind, p.text) for p in r.problems]}" for c, r in asked[:5]]
    return share, "\n".join(lines)


def test_at_most_a_quarter_of_composed_messages_are_asked_about() -> None:
    share, summary = friction(seeded("composed"))
    print(f"\nreading contract friction, composed messages: {summary}")
    assert share <= MAX_ASKED, summary


def test_no_message_of_the_seeded_sample_is_saved_differently() -> None:
    wrong = [explain(c, r, w) for c, r in seeded("composed") if (w := misreadings(c, r))]
    assert not wrong, f"{len(wrong)} of {SAMPLE} misread in silence:\n" + "\n".join(wrong[:8])


def test_messages_in_the_words_of_real_reports_are_mostly_read_without_a_question() -> None:
    share, summary = friction(seeded("reports"))
    print(f"\nreading contract friction, words of real reports: {summary}")
    assert 1 - share >= MIN_REPORTS_READ, summary


def test_messages_in_the_words_of_real_reports_are_never_saved_differently() -> None:
    wrong = [explain(c, r, w) for c, r in seeded("reports") if (w := misreadings(c, r))]
    assert not wrong, f"{len(wrong)} of {REPORTS} misread in silence:\n" + "\n".join(wrong[:8])


# ------------------------------------------------------ the generator checks itself


def test_the_seeded_sample_reaches_every_family_of_the_contract() -> None:
    reached = set().union(*(c.families for c, _ in seeded("composed")))
    assert set(FAMILIES) <= reached, set(FAMILIES) - reached


@pytest.mark.parametrize("said", CHATTER)
def test_the_generators_chatter_is_no_known_word_near_miss_or_number(said: str) -> None:
    for word in keys(said):
        assert word.isalpha(), word
        assert word not in KNOWN_KEYS, word
        assert word not in NEAR_MISSES, word


@pytest.mark.parametrize("place", PLACES)
def test_the_generators_places_hold_no_service_day_number_or_unit_word(place: str) -> None:
    words = keys(place)
    allowed = {("nha",)} if "nhà" in place else set()  # "nhà" (house), not the filler nha
    inside = {words[i:j] for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    assert not (inside & PHRASES) - allowed, inside & PHRASES
    assert not set(words) & NUMBER_KEYS


def test_the_generators_own_days_are_right() -> None:
    assert TODAY.weekday() == 0
    assert latest_weekday(0) == TODAY  # thứ 2 on a Monday is today
    assert latest_weekday(6) == date(2026, 12, 6)  # chủ nhật: yesterday
    assert latest_weekday(1) == date(2026, 12, 1)  # thứ 3: six days back
    pick = SeededPick(7)
    for _ in range(200):
        day = typed_day(pick, after_place=True)
        assert 0 <= (TODAY - day.day).days <= 31, day
