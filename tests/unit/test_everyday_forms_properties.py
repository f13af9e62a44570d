"""Quick entry, everyday and spoken forms: properties that hold for any input (hypothesis).

Written from SPEC §3 "Everyday and spoken forms": number words count like digits in a
count position and never elsewhere; the digit of `thứ 2` / `t7` is never a count; no
message parses to a service it does not name; a near miss is offered, never counted.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from handlers.parsing.quick_entry import parse_quick_entry
from tests.unit.test_quick_entry_properties import (
    ALIAS_TO_CODE,
    BETWEEN_CLAUSES,
    CATALOGUE,
    EXTRA_ALIASES,
    WORDS,
    assert_no_invented_service,
    assert_well_formed,
    normalise,
)

TODAY = date(2026, 11, 23)
DATES = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))

# ------------------------------------------------------------- number words, spelt out

UNIT_WORDS = {
    1: ["một"],
    2: ["hai"],
    3: ["ba"],
    4: ["bốn"],
    5: ["năm"],
    6: ["sáu"],
    7: ["bảy"],
    8: ["tám"],
    9: ["chín"],
}
# after mười / mươi a 1 may be mốt, a 4 tư, a 5 lăm or nhăm
AFTER_TEN = {**UNIT_WORDS, 1: ["một", "mốt"], 4: ["bốn", "tư"], 5: ["năm", "lăm", "nhăm"]}


@st.composite
def spoken_numbers(draw: st.DrawFn) -> tuple[str, int]:
    """A number 1–99 as a volunteer says it, with or without diacritics."""
    n = draw(st.integers(1, 99))
    tens, unit = divmod(n, 10)
    if tens == 0:
        words = [draw(st.sampled_from(UNIT_WORDS[unit]))]
    else:
        words = ["mười"] if tens == 1 else [UNIT_WORDS[tens][0], "mươi"]
        if unit:
            words.append(draw(st.sampled_from(AFTER_TEN[unit])))
    text = " ".join(words)
    return (normalise(text) if draw(st.booleans()) else text), n


# aliases without a number word or a digit that could read as one
PLAIN_ALIASES = sorted(
    a for a in ALIAS_TO_CODE if not any(w in normalise(a).split() for w in ("hai", "114"))
)

# ------------------------------------------- number words never counts out of position

# ordinary words: none is a service, filler, unit, day or number word (cụ, bác, cô, chú
# after a count are people: SPEC §3 "More everyday words")
ORDINARY = ["nhà", "bà", "ông", "tổ", "ngõ", "tuổi", "mẹ", "vấn", "khu", "chợ"]
TITLES = ["bà", "ông", "anh", "chị", "nhà bà", "nhà ông"]
AFTER = ["nay", "vấn", "tuổi", "mẹ", "cháu", "bà cụ"]
FILLER_WORDS = ["cho", "giúp", "đi", "rồi", "và", "đã"]
SEPARATORS = [", ", "; ", "\n"]


@st.composite
def stray_number_clauses(draw: st.DrawFn) -> tuple[str, str]:
    """A number word that is no count, and what joins it to a service clause.

    Either in a clause of its own (no service, hộ, người or lượt in it), or right beside
    the service but stuck to an ordinary word: a name ("bà Tư") or a noun ("năm nay").
    """
    number, _ = draw(spoken_numbers())
    kind = draw(st.sampled_from(["clause", "name", "noun"]))
    if kind == "name":
        name = number.title() if draw(st.booleans()) else number
        return f"{draw(st.sampled_from(TITLES))} {name}", " "
    if kind == "noun":
        return f"{number} {draw(st.sampled_from(AFTER))}", " "
    words = draw(st.lists(st.sampled_from(ORDINARY + FILLER_WORDS), max_size=3))
    at = draw(st.integers(0, len(words)))
    return " ".join([*words[:at], number, *words[at:]]), draw(st.sampled_from(SEPARATORS))


@settings(max_examples=400, deadline=None)
@given(
    alias=st.sampled_from(PLAIN_ALIASES),
    count=st.none() | st.integers(1, 200).filter(lambda n: n != 114),
    before=st.booleans(),
    stray=stray_number_clauses(),
    first=st.booleans(),
)
def test_a_number_word_outside_a_count_position_is_never_a_count(
    alias: str, count: int | None, before: bool, stray: tuple[str, str], first: bool
) -> None:
    clause, sep = stray
    counted = f"{count} {alias}" if before else f"{alias} {count}"
    service = alias if count is None else counted
    message = f"{clause}{sep}{service}" if first else f"{service}{sep}{clause}"
    result = parse_quick_entry(message, today=TODAY).as_dict()
    touching = count is not None and sep == " " and before == first  # "vneid 2 một nay"
    if touching:  # a count touching a word not understood is asked about, never taken
        assert "unknown_word" in {p["kind"] for p in result["problems"]}, (message, result)
        assert result["items"] == {ALIAS_TO_CODE[alias]: 1}, (message, result)
    else:
        assert result["items"] == {ALIAS_TO_CODE[alias]: count or 1}, (message, result)
    assert result["people"] is None, (message, result)
    assert result["households"] is None, (message, result)


# ------------------------------------------------ number words count like digits

COUNT_AFTER = ["{a} {w}", "{a}: {w}", "{a} cho {w} người", "{a} {w} lượt", "{a} {w} ng"]
COUNT_BEFORE = ["{w} {a}", "{w} người cài {a}", "{w} lượt {a}", "giúp {w} bà con {a}"]


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(PLAIN_ALIASES), spoken_numbers()), min_size=1, max_size=4
    ),
    formats=st.sampled_from([COUNT_AFTER, COUNT_BEFORE]),
    data=st.data(),
)
def test_a_number_word_in_a_count_position_counts_like_its_digits(
    pairs: list[tuple[str, tuple[str, int]]], formats: list[str], data: st.DataObject
) -> None:
    clauses = []
    expected: dict[str, int] = {}
    for alias, (words, n) in pairs:
        clauses.append(data.draw(st.sampled_from(formats)).format(a=alias, w=words))
        code = ALIAS_TO_CODE[alias]
        expected[code] = expected.get(code, 0) + n
    message = clauses[0]
    for clause in clauses[1:]:  # "ba vneid hai sskdt", "vneid ba, sskdt hai", "… và …"
        message += data.draw(st.sampled_from(BETWEEN_CLAUSES)) + clause
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert result["items"] == expected, (message, result)
    assert result["people"] is None and result["households"] is None, (message, result)
    kinds = {p["kind"] for p in result["problems"]} - {"large_count"}
    assert not kinds, (message, result["problems"])


# ------------------------------------------- the digit of a day of the week is no count

WEEKDAY_FORMS = ["thứ {d}", "Thứ {d}", "thu {d}", "t{d}", "T{d}", "hôm thứ {d}", "hom t{d}"]
WITH_DAY = [
    "{wd} {a}",
    "{a} {wd}",
    "{wd} {a} {n}",
    "{wd} {n} {a}",
    "{a} {n} {wd}",
    "{n} {a} {wd}",
    "{wd}: {a} {n}",
]


@settings(max_examples=300, deadline=None)
@given(
    alias=st.sampled_from(PLAIN_ALIASES),
    d=st.integers(2, 7),
    form=st.sampled_from(WEEKDAY_FORMS),
    layout=st.sampled_from(WITH_DAY),
    n=st.integers(1, 200).filter(lambda n: n != 114),
    today=DATES,
)
def test_the_digit_of_a_day_of_the_week_is_never_a_count(
    alias: str, d: int, form: str, layout: str, n: int, today: date
) -> None:
    message = layout.format(wd=form.format(d=d), a=alias, n=n)
    result = parse_quick_entry(message, today=today).as_dict()
    counted = n if "{n}" in layout else 1
    assert result["items"] == {ALIAS_TO_CODE[alias]: counted}, (message, result)
    monday_is_2 = d - 2
    back = (today.weekday() - monday_is_2) % 7
    assert result["date"] == (today - timedelta(days=back)).isoformat(), (message, result)
    assert not [p for p in result["problems"] if p["kind"] != "large_count"], (message, result)


# ------------------------------------------- no message names a service it does not name

EVERYDAY_TOKENS = [
    "một",
    "mốt",
    "hai",
    "ba",
    "bốn",
    "tư",
    "năm",
    "lăm",
    "nhăm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mươi",
    "bà con",
    "ba con",
    "nhà bà Tư",
    "bà Năm 80 tuổi",
    "thứ 2",
    "thứ hai",
    "t7",
    "chủ nhật",
    "hôm",
    "sáng nay",
    "trưa qua",
    "đi",
    "làm",
    "xong",
    "đc",
    "nhé",
    "nha",
    "nhà",
    "ạ",
    "rồi",
    "ng",
    "người",
    "hộ",
    "trường hợp",
    "hộ gia đình",
    "lượt",
    "mức",
    "2",
    "mức 2",
    "kích hoạt",
    "điện tử",
    "vnied",
    "vneidd",
    "sskd",
    "zaloo",
    "bhxx",
    "ddt",
    "vseid",
    "x",
    "3",
    "cho",
    "cài",
]
ALIASES = sorted(set(ALIAS_TO_CODE) | {a for a in WORDS["vneid"]})
TOKENS = st.sampled_from(EVERYDAY_TOKENS + ALIASES) | st.integers(0, 120).map(str)
JOINERS = st.sampled_from([" ", ", ", "; ", "\n", ": "])


@st.composite
def everyday_messages(draw: st.DrawFn) -> str:
    tokens = draw(st.lists(TOKENS, max_size=20))
    out = ""
    for tok in tokens:
        out += (draw(JOINERS) if out else "") + tok
    return normalise(out) if draw(st.booleans()) else out


@settings(max_examples=400, deadline=None)
@given(message=everyday_messages(), today=DATES)
def test_no_message_parses_to_a_service_it_does_not_name(message: str, today: date) -> None:
    result = parse_quick_entry(message, today=today).as_dict()
    assert_well_formed(result)
    assert_no_invented_service(message, result["items"])


# ------------------------------------------------ a near miss is offered, never counted


def _one_edit_apart(a: str, b: str) -> bool:
    """One insert, delete, change or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _targets() -> dict[str, str]:
    """Codes and one-word aliases of 4+ letters, without diacritics -> their service."""
    out: dict[str, str] = {}
    for code, (_name, aliases) in CATALOGUE.items():
        for word in [code, *aliases, *EXTRA_ALIASES.get(code, [])]:
            key = normalise(word)
            if key.isalpha() and key.isascii() and len(key) >= 4:
                out[key] = code
    return out


TARGETS = _targets()
KNOWN = {w for words in WORDS.values() for w in words} | {normalise(t) for t in EVERYDAY_TOKENS}


@st.composite
def typos(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(sorted(TARGETS)))
    at = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    edit = draw(st.sampled_from(["insert", "delete", "change", "swap"]))
    if edit == "insert":
        return word[:at] + letter + word[at:]
    if edit == "delete":
        return word[:at] + word[at + 1 :]
    if edit == "change":
        return word[:at] + letter + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


@settings(max_examples=300, deadline=None)
@given(typo=typos(), count=st.none() | st.integers(1, 50), upper=st.booleans())
def test_a_near_miss_is_offered_and_never_counted(
    typo: str, count: int | None, upper: bool
) -> None:
    assume(typo not in KNOWN and typo not in TARGETS)
    typed = typo.upper() if upper else typo
    message = typed if count is None else f"{typed} {count}"
    result = parse_quick_entry(message, today=TODAY).as_dict()
    assert result["items"] == {}, (message, result)
    unknown = [p for p in result["problems"] if p["kind"] == "unknown_word"]
    assert [p["text"] for p in unknown] == [message], (message, result)
    near = {code for word, code in TARGETS.items() if _one_edit_apart(typo, word)}
    if len(near) == 1:
        assert unknown[0].get("suggestion") == near.pop(), (message, result)
    else:
        assert "suggestion" not in unknown[0], (message, result)
