"""Quick entry: properties that hold for any input (hypothesis).

Written from SPEC §2 (default catalogue) and §3, and the "Quick-entry parser" section
of issue 3, independently of the implementation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.parsing.quick_entry import parse_quick_entry

TODAY = date(2026, 11, 23)

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

# SPEC §2, default catalogue: code -> (display name, typed aliases).
CATALOGUE: dict[str, tuple[str, list[str]]] = {
    "vneid": ("Cài đặt VNeID", ["vneid", "cài vneid", "định danh", "ddđt", "đdđt", "tkđdđt"]),
    "muc2": (
        "Kích hoạt định danh điện tử mức 2",
        ["mức 2", "mức độ 2", "muc2", "md2", "định danh mức 2", "kích hoạt mức 2", "lv2"],
    ),
    "sskdt": (
        "Sổ sức khỏe điện tử",
        ["sskđt", "sskdt", "sổ sức khỏe", "sổ sức khoẻ", "ssk", "skđt", "sổ sk"],
    ),
    "smarthp": (
        "Smart Hải Phòng",
        ["smart hp", "smarthp", "smart hải phòng", "hải phòng smart", "shp"],
    ),
    "bc114": ("Báo cháy 114", ["114", "báo cháy", "báo cháy 114", "bc114"]),
    "dvc": (
        "Dịch vụ công trực tuyến",
        ["dvc", "dvctt", "dịch vụ công", "nộp hồ sơ trực tuyến"],
    ),
    "ttkdtm": (
        "Thanh toán không dùng tiền mặt",
        [
            "ttkdtm",
            "thanh toán",
            "thanh toán số",
            "thanh toán trực tuyến",
            "không tiền mặt",
            "chuyển khoản",
            "ví điện tử",
            "qr",
        ],
    ),
    "cks": ("Chữ ký số", ["cks", "chữ ký số", "ký số"]),
    "vssid": (
        "VssID / an sinh xã hội",
        ["vssid", "bhxh", "an sinh", "lương hưu qua tài khoản"],
    ),
    "zalo": ("Tham gia nhóm Zalo tổ dân phố", ["zalo", "nhóm zalo"]),
    "khac": ("Hỗ trợ khác", ["khác", "khac"]),
}

# Fine points: "định danh điện tử" is a vneid alias; ký = kí.
EXTRA_ALIASES = {"vneid": ["định danh điện tử"]}


def normalise(text: str) -> str:
    """Lower case, no diacritics, đ -> d (the matching rule of issue 3)."""
    text = unicodedata.normalize("NFKD", text.casefold()).replace("đ", "d")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _variants(phrase: str) -> set[str]:
    base = normalise(phrase)
    out = {base}
    for a, b in (("ky", "ki"), ("ki", "ky")):
        out |= {v.replace(a, b) for v in list(out)}
    return out


def _words_of(code: str) -> set[str]:
    name, aliases = CATALOGUE[code]
    phrases = [code, name, *aliases, *EXTRA_ALIASES.get(code, [])]
    if code == "vssid":
        phrases += ["vssid", "an sinh xa hoi"]
    out: set[str] = set()
    for p in phrases:
        out |= _variants(p)
    return {" ".join(re.sub(r"[^0-9a-z]+", " ", w).split()) for w in out}


WORDS = {code: _words_of(code) for code in CATALOGUE}

# A word is a run of letters or a run of digits: "sskdt2" is two words, "qrcode" one
_WORD = re.compile(r"[^\W\d_]+|[0-9]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


WORD_TUPLES = {code: {_words(w) for w in words} for code, words in WORDS.items()}


def _input_forms(message: str) -> list[tuple[str, ...]]:
    """The normalised input as words, with the punctuation SPEC §3 ignores (. ! ? ( ))
    read either as a space or as nothing."""
    base = normalise(message)
    return [_words(base), _words(re.sub(r"[.!?()]+", "", base))]


def _names(form: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    """The phrase stands in the message as whole words, in order, side by side."""
    size = len(phrase)
    return any(form[i : i + size] == phrase for i in range(len(form) - size + 1))


def assert_no_invented_service(message: str, items: dict[str, int]) -> None:
    """Every service read is named in the message by one of its words, as whole words:
    "qr" in "qrcode" or "ssk" in "sskx" names nothing."""
    forms = _input_forms(message)
    for code in items:
        assert code in WORDS, f"unknown service code {code!r} for {message!r}"
        assert any(_names(f, w) for w in WORD_TUPLES[code] for f in forms), (
            f"{code!r} invented from {message!r}"
        )


def assert_well_formed(result: dict) -> None:
    # "alternatives" only where two readings are plausible, beside an `ambiguous` problem
    kinds = {p["kind"] for p in result["problems"]}
    assert ("alternatives" in result) == ("ambiguous" in kinds), result
    for other in result.get("alternatives", []):
        assert_well_formed(other)
    assert set(result) - {"alternatives"} == {
        "items",
        "people",
        "households",
        "date",
        "location",
        "note",
        "problems",
    }
    json.dumps(result, ensure_ascii=False)
    assert isinstance(result["items"], dict)
    for code, count in result["items"].items():
        assert isinstance(code, str)
        assert isinstance(count, int) and not isinstance(count, bool)
        assert count >= 1, result
    for key in ("people", "households"):
        assert result[key] is None or (isinstance(result[key], int) and result[key] >= 1)
    for key in ("location", "note"):
        assert result[key] is None or isinstance(result[key], str)
    assert result["date"] is not None
    date.fromisoformat(result["date"])
    for p in result["problems"]:
        assert p["kind"] in KINDS, p
        assert isinstance(p["message"], str) and p["message"].strip(), p


# --------------------------------------------------------------------- strategies

ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x1FFFF, exclude_categories=("Cs",))
ANY_TEXT = st.text(alphabet=ANY_CHAR, max_size=300)
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))

# Letters every sane normaliser agrees on: ASCII, Vietnamese, digits, the punctuation
# the rules name, a few emoji and control characters.
VIET = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
SAFE_ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz"
    + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    + VIET
    + VIET.upper()
    + "0123456789"
    + " ,;+:.!?()@/-\n\t"
    + "👍😀🙏\x00\x07"
)
SAFE_TEXT = st.text(alphabet=SAFE_ALPHABET, max_size=200)

ALL_ALIASES = sorted(
    {a for _, aliases in CATALOGUE.values() for a in aliases}
    | {name for name, _ in CATALOGUE.values() if "/" not in name}
    | set(CATALOGUE)
    | {"định danh điện tử", "chữ kí số", "kí số"}
)
FILLERS = [
    "giúp",
    "hỗ trợ",
    "hướng dẫn",
    "cho",
    "bà con",
    "cài",
    "cài đặt",
    "tải",
    "đăng ký",
    "kích hoạt",
    "lượt",
    "và",
    "đã",
    "được",
]
OTHER_TOKENS = [
    "người",
    "ng",
    "hộ",
    "ho",
    "@",
    "tại",
    "tai",
    "ghi chú:",
    "gc:",
    "hôm qua",
    "hqua",
    "hôm kia",
    "hnay",
    "20/11",
    "31/02",
    "12-11",
    "x3",
    "0",
    "-2",
    "3",
    "201",
    "0912345678",
    "abc",
    "xin chào",
    "👍",
    "ngõ 5",
]
TOKENS = st.sampled_from(ALL_ALIASES + FILLERS + OTHER_TOKENS) | st.integers(0, 999).map(str)
JOINERS = st.sampled_from([" ", "  ", ", ", "; ", " + ", "\n", ": ", ""])


@st.composite
def token_messages(draw, max_tokens: int = 25) -> str:
    tokens = draw(st.lists(TOKENS, max_size=max_tokens))
    out = ""
    for tok in tokens:
        out += (draw(JOINERS) if out else "") + tok
    style = draw(st.sampled_from(["as is", "upper", "lower", "strip"]))
    if style == "upper":
        out = out.upper()
    elif style == "lower":
        out = out.lower()
    elif style == "strip":
        out = normalise(out)
    return out


# ---------------------------------------------------------------- never crashes


@settings(max_examples=200, deadline=None)
@given(message=ANY_TEXT, today=DATES)
def test_any_text_never_crashes_and_is_well_formed(message: str, today: date) -> None:
    result = parse_quick_entry(message, today=today).as_dict()
    assert_well_formed(result)


@settings(max_examples=200, deadline=None)
@given(message=token_messages(max_tokens=40), today=DATES)
def test_messages_made_of_real_words_never_crash(message: str, today: date) -> None:
    result = parse_quick_entry(message, today=today).as_dict()
    assert_well_formed(result)


@settings(max_examples=20, deadline=None)
@given(chunk=token_messages(max_tokens=10), repeat=st.integers(100, 400))
def test_very_long_messages_never_crash(chunk: str, repeat: int) -> None:
    message = ", ".join([chunk or "vneid 3"] * repeat)
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert_well_formed(result)


def test_a_very_long_odd_message_never_crashes() -> None:
    message = ("vneid 3 👍\x00 sskdt2 @ ngõ 5\u200b; " * 2000) + "\ud7ff" + "9" * 5000
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert_well_formed(result)


# ------------------------------------------------------------ never invents services


@settings(max_examples=200, deadline=None)
@given(message=SAFE_TEXT)
def test_random_text_never_invents_a_service(message: str) -> None:
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert_no_invented_service(message, result["items"])


@settings(max_examples=200, deadline=None)
@given(message=token_messages())
def test_word_salad_never_invents_a_service(message: str) -> None:
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert_no_invented_service(message, result["items"])


# a service's one-word name, folded, inside a longer word: "qrcode", "xvneid", "sskdtx"
ONE_WORD_NAMES = sorted({w for words in WORDS.values() for w in words if w.isalpha()})
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@st.composite
def longer_words(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(ONE_WORD_NAMES))
    before = draw(st.text(LETTERS, max_size=3))
    after = draw(st.text(LETTERS, min_size=0 if before else 1, max_size=3))
    count = draw(st.none() | st.integers(1, 50))
    if count is None:
        return before + word + after
    return draw(
        st.sampled_from([f"{before}{word}{after} {count}", f"{count} {before}{word}{after}"])
    )


@settings(max_examples=100, deadline=None)
@given(message=longer_words())
def test_a_service_word_inside_a_longer_word_names_no_service(message: str) -> None:
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert_no_invented_service(message, result["items"])


# ------------------------------------------------------------------ counts add up

ALIAS_TO_CODE = {}
for _code, (_name, _aliases) in CATALOGUE.items():
    for _alias in [_code, *_aliases, *EXTRA_ALIASES.get(_code, [])]:
        ALIAS_TO_CODE[_alias] = _code
    if "/" not in _name:
        ALIAS_TO_CODE[_name] = _code
ALIAS_TO_CODE["chữ kí số"] = "cks"
ALIAS_TO_CODE["kí số"] = "cks"

COUNT_AFTER = ["{a} {n}", "{a}: {n}", "{a} x{n}", "{a} {n} người", "{a} cho {n} người"]
COUNT_BEFORE = ["{n} {a}", "{n} người {a}", "{n} ng {a}", "{n} lượt {a}"]

# SPEC §3, what stands between two clauses. A count never attaches across `,` `;` `+` or a
# newline; spaces, the filler word `và` and the punctuation the parser ignores (`.`) do not
# end a clause: there the message's one order says whose a count is ("vneid 3 sskdt 2").
HARD = [", ", ",", " , ", "; ", ";", "\n", " + ", "+", ";\n", ", và "]
SOFT = [" ", "  ", " và ", ". "]
BETWEEN_CLAUSES = HARD + SOFT
# SPEC §3 "Day" and "Days of the week": (as typed, days back from TODAY, a Monday)
DAY_WORDS = [
    ("hôm nay", 0),
    ("hôm qua", 1),
    ("hôm kia", 2),
    ("hkia", 2),
    ("chiều qua", 1),
    ("sáng nay", 0),
    ("thứ 7", 2),
    ("t6", 3),
    ("thứ hai", 0),
    ("chủ nhật", 1),
    ("cn", 1),
]
MAX_DAYS_BACK = 31  # "more than 31 days back is refused"
# places with digits in them and no service, day, unit, filler or number word
PLACES = [
    "ngõ 5",
    "ngõ 114",
    "số 12 ngõ 45",
    "tdp 3",
    "tổ 7",
    "ngõ 45 Trần Nguyên Hãn",
    "nhà văn hóa tổ 5",
    "UBND phường",
    "ngách 3 ngõ 20",
]
NOTES = ["bà con rất vui", "mai quay lại ngõ 7", "còn 3 hộ chưa cài", "máy của cụ Tư yếu pin"]


@st.composite
def typed_days(draw: st.DrawFn) -> tuple[str, date]:
    """A day as a volunteer types it, and the day it means (TODAY is a Monday)."""
    if draw(st.booleans()):
        words, back = draw(st.sampled_from(DAY_WORDS))
        return words, TODAY - timedelta(days=back)
    day = TODAY - timedelta(days=draw(st.integers(0, MAX_DAYS_BACK)))
    form = draw(
        st.sampled_from(["{d}/{m}", "{dd}/{mm}", "{dd}/{mm}/{y}", "{d}-{m}", "ngày {d}/{m}"])
    )
    typed = form.format(d=day.day, m=day.month, dd=f"{day:%d}", mm=f"{day:%m}", y=day.year)
    return typed, day


@dataclass(frozen=True)
class Counted:
    """A message and what it says, as the generator composed it."""

    text: str
    items: dict[str, int]
    day: date = TODAY
    households: int | None = None
    location: str | None = None
    note: str | None = None


@st.composite
def counted_messages(draw: st.DrawFn, *, extras: bool = False) -> Counted:
    """Services with counts in one order, joined by any separator SPEC §3 allows; with
    `extras`, a day, households, a place and a note where the SPEC settles their reading."""
    pairs = draw(
        st.lists(
            # A bare 114 is always báo cháy, never a count (SPEC §3 fine points); beside
            # counts with only commas between ("1 114, 1 114, 1 114") its digits make nine
            # with no letter between them: a personal number (SPEC §3), so not generated.
            st.tuples(
                st.sampled_from(sorted(a for a in ALIAS_TO_CODE if not a.isdigit())),
                st.integers(1, 200).filter(lambda n: n != 114),
            ),
            min_size=1,
            max_size=8 if not extras else 4,
        )
    )
    after = draw(st.booleans())
    formats = COUNT_AFTER if after else COUNT_BEFORE
    case = draw(st.sampled_from(["as is", "upper", "lower", "strip"]))
    styled = {"as is": str, "upper": str.upper, "lower": str.lower, "strip": normalise}[case]
    clauses = [styled(draw(st.sampled_from(formats)).format(a=alias, n=n)) for alias, n in pairs]
    expected = Counter()
    for alias, n in pairs:
        expected[ALIAS_TO_CODE[alias]] += n
    if not extras:
        text = clauses[0]
        for clause in clauses[1:]:
            text += draw(st.sampled_from(BETWEEN_CLAUSES)) + clause
        return Counted(text, dict(expected))
    # a place ends its clause: after it a service word made of letters (so only in the
    # count-after order, "vneid 2 @ ngõ 7 sskdt 3"), a separator, a day phrase or `ghi chú`
    place = draw(st.none() | st.sampled_from(PLACES))
    place_at = draw(st.integers(0, len(clauses) - 1))
    if place is not None:
        clauses[place_at] += " " + draw(st.sampled_from(["@ ", "@", "tại ", "tai "])) + place
    text = clauses[0]
    for n, clause in enumerate(clauses[1:]):
        placed = place is not None and n == place_at
        joints = BETWEEN_CLAUSES if not placed or after else HARD
        text += draw(st.sampled_from(joints)) + clause
    # SPEC's "hom qua 4 ho vneid 6 smart hp 2": a day first or last, households first
    days = draw(st.none() | typed_days())
    day_first = draw(st.booleans())
    households = draw(st.none() | st.integers(1, 200).filter(lambda n: n != 114))  # báo cháy
    if households is not None:
        # two numbers never meet: before a count-before clause households end at a comma
        joint = ", " if not after else draw(st.sampled_from([" ", ", "]))
        text = f"{households} {draw(st.sampled_from(['hộ', 'ho', 'hộ gia đình']))}{joint}{text}"
    if days is not None and day_first:
        text = styled(days[0]) + draw(st.sampled_from([" ", ", "])) + text
    elif days is not None:
        text += draw(st.sampled_from([" ", ", "])) + styled(days[0])
    note = draw(st.none() | st.sampled_from(NOTES))
    if note is not None:
        mark = draw(st.sampled_from(["ghi chú: ", "ghi chú ", "gc: ", "Ghi chú: "]))
        text += draw(st.sampled_from([" ", ", ", "\n"])) + mark + note
    return Counted(
        text,
        dict(expected),
        day=TODAY if days is None else days[1],
        households=households,
        location=place,
        note=note,
    )


def assert_read_as_counted(message: Counted) -> None:
    result = parse_quick_entry(message.text, today=TODAY).as_dict()
    said = (message.text, result)
    assert result["items"] == message.items, said
    assert result["date"] == message.day.isoformat(), said
    assert result["households"] == message.households, said
    assert result["location"] == message.location, said
    assert result["note"] == message.note, said
    assert result["people"] is None, said
    kinds = {p["kind"] for p in result["problems"]}
    if max(message.items.values()) > 200:  # "vneid 150, vneid 150": asked to confirm
        kinds.discard("large_count")
    assert not kinds, said


@settings(max_examples=200, deadline=None)
@given(message=counted_messages())
def test_counts_add_up_per_service_whatever_separates_them(message: Counted) -> None:
    assert_read_as_counted(message)


@settings(max_examples=100, deadline=None)
@given(message=counted_messages(extras=True))
def test_counts_add_up_beside_a_day_households_a_place_and_a_note(message: Counted) -> None:
    assert_read_as_counted(message)


@pytest.mark.parametrize(
    ("message", "location", "asked"),
    [
        ("vneid 2 @ ngõ 5 + sskdt 3", "ngõ 5", False),  # once saved at "ngõ 5 +"
        ("2 vneid tại UBND phường + 3 sskdt", "UBND phường", False),  # once "UBND phường +"
        ("vneid 2 @ ngõ 5 + 3", "ngõ 5", True),  # once saved at "ngõ 5 + 3" with no question
    ],
)
def test_a_place_ends_at_a_plus_as_at_a_comma(message: str, location: str, asked: bool) -> None:
    result = parse_quick_entry(message, today=TODAY).as_dict()
    comma = parse_quick_entry(message.replace(" +", ","), today=TODAY).as_dict()
    assert (result["location"], result["items"]) == (location, comma["items"]), result
    assert ("unknown_word" in {p["kind"] for p in result["problems"]}) == asked, result


# ------------------------------------------------------- personal numbers scrubbed

NOTE_WORDS = st.lists(
    st.sampled_from(["gọi", "bà Lan", "con trai", "sđt", "số", "CCCD", "hẹn mai", "nhà"]),
    max_size=3,
).map(" ".join)


@st.composite
def typed_numbers(draw) -> tuple[str, str]:
    """A 9-12 digit number as typed, and its digits (without a + sign)."""
    digits = draw(st.text(alphabet="0123456789", min_size=9, max_size=12))
    style = draw(st.sampled_from(["plain", "spaces", "dots", "+84"]))
    if style == "plain":
        return digits, digits
    if style == "+84":
        rest = draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
        sep = draw(st.sampled_from(["", " "]))
        return f"+84{sep}{rest}", "84" + rest
    groups, i = [], 0
    while i < len(digits):
        size = draw(st.integers(2, 4))
        groups.append(digits[i : i + size])
        i += size
    if len(groups[-1]) == 1 and len(groups) > 1:
        last = groups.pop()
        groups[-1] += last
    return (" " if style == "spaces" else ".").join(groups), digits


def _windows(digits: str, size: int = 5) -> set[str]:
    return {digits[i : i + size] for i in range(len(digits) - size + 1)}


@settings(max_examples=200, deadline=None)
@given(
    number=typed_numbers(),
    before=NOTE_WORDS,
    after=NOTE_WORDS,
    marker=st.sampled_from(["ghi chú:", "ghi chú", "ghi chu:", "gc:", "GC:"]),
)
def test_a_personal_number_in_a_note_never_appears_in_the_output(
    number: tuple[str, str], before: str, after: str, marker: str
) -> None:
    typed, digits = number
    message = f"vneid 3 {marker} {before} {typed} {after}".rstrip()
    result = parse_quick_entry(message, today=TODAY).as_dict()
    dumped = json.dumps(result, ensure_ascii=False)
    compact = re.sub(r"[ .]", "", dumped)
    for window in _windows(digits):
        assert window not in dumped, (message, dumped)
        assert window not in compact, (message, dumped)
    assert result["items"] == {"vneid": 3}, (message, result)
    assert "scrubbed" in [p["kind"] for p in result["problems"]], (message, result)


# ------------------------------------------------------------- date never None


@settings(max_examples=200, deadline=None)
@given(message=token_messages() | ANY_TEXT, today=DATES)
def test_output_date_is_never_none(message: str, today: date) -> None:
    result = parse_quick_entry(message, today=today).as_dict()
    assert result["date"] is not None
    assert isinstance(date.fromisoformat(result["date"]), date)
