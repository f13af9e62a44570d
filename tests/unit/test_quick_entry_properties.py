"""Quick entry: properties that hold for any input (hypothesis).

Written from SPEC §2 (default catalogue) and §3, and the "Quick-entry parser" section
of issue 3, independently of the implementation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from datetime import date

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


def _input_forms(message: str) -> list[str]:
    """The normalised input, with punctuation read either as space or as nothing."""
    base = normalise(message)
    spaced = " ".join(re.sub(r"[^0-9a-z]+", " ", base).split())
    squeezed = " ".join(re.sub(r"[^0-9a-z\s]+", "", base).split())
    return [spaced, squeezed]


def assert_no_invented_service(message: str, items: dict[str, int]) -> None:
    forms = _input_forms(message)
    for code in items:
        assert code in WORDS, f"unknown service code {code!r} for {message!r}"
        assert any(w in f for w in WORDS[code] for f in forms), (
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


@st.composite
def counted_messages(draw):
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
            max_size=8,
        )
    )
    formats = COUNT_AFTER if draw(st.booleans()) else COUNT_BEFORE
    case = draw(st.sampled_from(["as is", "upper", "lower", "strip"]))
    clauses = []
    for alias, n in pairs:
        typed = {
            "as is": alias,
            "upper": alias.upper(),
            "lower": alias.lower(),
            "strip": normalise(alias),
        }[case]
        clauses.append(draw(st.sampled_from(formats)).format(a=typed, n=n))
    expected = Counter()
    for alias, n in pairs:
        expected[ALIAS_TO_CODE[alias]] += n
    return ", ".join(clauses), dict(expected)


@settings(max_examples=200, deadline=None)
@given(data=counted_messages())
def test_counts_add_up_per_service(data: tuple[str, dict[str, int]]) -> None:
    message, expected = data
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert result["items"] == expected, message
    assert result["people"] is None, message
    assert result["households"] is None, message
    kinds = [p["kind"] for p in result["problems"]]
    assert not {"unknown_word", "no_service", "bad_count", "scrubbed"} & set(kinds), (
        message,
        result["problems"],
    )
    if max(expected.values()) <= 200:
        assert "large_count" not in kinds, (message, result["problems"])


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
