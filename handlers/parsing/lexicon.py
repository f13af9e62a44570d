"""The words the quick-entry parser knows, built once per catalogue (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from handlers.catalogue import Catalogue
from handlers.parsing.dates import DAY_WORDS, WEEKDAY_WORDS
from handlers.parsing.normalize import fold, phrase_keys

FILLERS = (
    "giúp",
    "hỗ trợ",
    "hướng dẫn",
    "cho",
    "bà con",
    "cài",
    "cài đặt",
    "đăng ký",
    "kích hoạt",
    "lượt",
    "và",
    "đã",
    "được",
    "trường hợp",  # = lượt
    # said around an entry, and the words of ward reports and news ("kích hoạt tài khoản
    # định danh điện tử", "cài ứng dụng VNeID", "tích hợp sổ sức khỏe điện tử")
    "em báo cáo",
    "báo cáo",
    "cả tổ",
    "tài khoản",  # "3 tài khoản vneid" counts like "3 lượt vneid"
    "ứng dụng",
    "app",
    "tích hợp",
    "khoảng",  # before a count: the count is kept, as a lower bound
    "hơn",
)
# how people really write, and what a voice message turns into: filler typed so or with no
# diacritics at all, not folded ("nhà" is a house, "dì" an aunt, "â" a letter)
SPOKEN_FILLERS = ("đi", "làm", "xong", "đc", "nhé", "nha", "ạ", "rồi")
# what people say around an entry ("hôm nay em cài thêm vneid ba người nữa"); only as
# spoken, with diacritics: folded, "tôi" would be "tối" and "mình" the name Minh
SPOKEN_ONLY = ("tôi", "em", "mình", "thêm", "nữa", "với", "có")
RAW_FILLERS = frozenset({*SPOKEN_FILLERS, *(fold(word) for word in SPOKEN_FILLERS), *SPOKEN_ONLY})
# "tải" folds to "tai", which is the place marker when typed tai/tại: handled by the parser
DOWNLOAD_WORD = "tải"
PLACE_WORDS = ("tại", "tai")
# typed without diacritics, `tai` before these is tải / tài, not the place marker
DOWNLOAD_OBJECTS = frozenset({("app",), ("ung", "dung"), ("tai", "khoan")})
# people after a count ("giúp 4 cụ"), typed with their own diacritics or with none: folded,
# "cô" would also be "có" and "chú" "chữ"
PEOPLE_TITLES = frozenset({"cụ", "cu", "bác", "bac", "cô", "co", "chú", "chu"})
PEOPLE_WORDS = ("người", "ng", "người dân", "công dân", "tiểu thương")
HOUSEHOLD_WORDS = ("hộ", "hộ gia đình", "hộ dân", "hộ kinh doanh")
# VNeID is also where other services live: "sổ sức khỏe điện tử trên VNeID" is that
# service alone
HOST_WORDS = ("trên", "vào")
BASE_CODE = "vneid"
HOSTED_CODES = frozenset({"sskdt", "cks"})  # "sổ sức khỏe điện tử VNeID": the book, in VNeID


class Sense(Enum):
    SERVICE = "service"
    FILLER = "filler"
    DAY = "day"
    WEEKDAY = "weekday"  # thứ 2 … chủ nhật: the latest such day
    HOUSEHOLDS = "households"  # hộ, after a number
    PEOPLE = "people"  # người / ng, after a number
    TIMES = "times"  # x before a count: vneid x3
    DATE_WORD = "date_word"  # ngày, before a date
    HOST = "host"  # trên / vào VNeID: where a service lives, not an install


@dataclass(frozen=True)
class Entry:
    sense: Sense
    value: str | int | None = None
    kind: str = field(init=False)  # the item kind, `sense.value` as a plain str (faster to read)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", self.sense.value)


@dataclass(slots=True)
class PhraseNode:
    """One step into the phrase trie: the phrase read so far, and the words that may follow."""

    entry: Entry | None = None  # set where a whole phrase ends
    following: dict[str, PhraseNode] = field(default_factory=dict)


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[tuple[str, ...], Entry]
    longest: int
    root: PhraseNode  # the same phrases as a trie, word by word: matching walks it
    near: dict[str, str]  # a word one edit away from one service's word -> that service
    base: str | None = None  # the code `vneid` is typed for: VNeID itself
    level_two: str | None = None  # the code `mức 2` is typed for


def _trie(phrases: dict[tuple[str, ...], Entry]) -> PhraseNode:
    """The phrases as a tree of words, so matching looks up one word at a time."""
    root = PhraseNode()
    for keys, entry in phrases.items():
        node = root
        for key in keys:
            node = node.following.setdefault(key, PhraseNode())
        node.entry = entry
    return root


def _service_phrases(catalogue: Catalogue) -> dict[tuple[str, ...], str]:
    filler_keys = {phrase_keys(f) for f in FILLERS}
    out: dict[tuple[str, ...], str] = {}
    for spec in catalogue.active:
        written = (spec.code, spec.name, *spec.aliases)
        # "VssID / an sinh xã hội": each side of a slash is typed on its own too
        parts = [part for text in written for part in text.split("/") if "/" in text]
        for alias in (*written, *parts):
            keys = phrase_keys(alias)
            # "kích hoạt định danh điện tử mức 2" is also typed without "kích hoạt"
            variants = [keys]
            while len(keys) > 1 and any(keys[: len(f)] == f for f in filler_keys):
                cut = max(len(f) for f in filler_keys if keys[: len(f)] == f)
                keys = keys[cut:]
                variants.append(keys)
            for v in variants:
                if v:
                    out.setdefault(v, spec.code)
    return out


@lru_cache(maxsize=32)
def build_lexicon(catalogue: Catalogue) -> Lexicon:
    """Every phrase the parser knows; a service alias beats any other reading."""
    phrases: dict[tuple[str, ...], Entry] = {}
    for word in FILLERS:
        phrases[phrase_keys(word)] = Entry(Sense.FILLER)
    for word, back in DAY_WORDS.items():
        phrases[phrase_keys(word)] = Entry(Sense.DAY, back)
    for word, weekday in WEEKDAY_WORDS.items():
        phrases[phrase_keys(word)] = Entry(Sense.WEEKDAY, weekday)
    for word in HOUSEHOLD_WORDS:
        phrases[phrase_keys(word)] = Entry(Sense.HOUSEHOLDS)
    for word in PEOPLE_WORDS:
        phrases[phrase_keys(word)] = Entry(Sense.PEOPLE)
    phrases[("x",)] = Entry(Sense.TIMES)
    phrases[("ngay",)] = Entry(Sense.DATE_WORD)
    services = _with_level_two(_service_phrases(catalogue))
    for keys, code in services.items():
        phrases[keys] = Entry(Sense.SERVICE, code)
    base, level_two = services.get((BASE_CODE,)), services.get(_LEVEL_TWO)
    for keys, code in services.items():
        if code == base:
            for word in HOST_WORDS:
                phrases[(*phrase_keys(word), *keys)] = Entry(Sense.HOST)
    longest = max(len(k) for k in phrases)
    return Lexicon(phrases, longest, _trie(phrases), near_misses(services), base, level_two)


_LEVEL_TWO = ("muc", "2")
_ACTIVATE = ("kich", "hoat")


def _with_level_two(services: dict[tuple[str, ...], str]) -> dict[tuple[str, ...], str]:
    """Level 2 as people say it: "(kích hoạt) vneid mức 2" is that service alone, not vneid too."""
    level_two, base = services.get(_LEVEL_TWO), services.get((BASE_CODE,))
    if level_two is None or base is None:
        return services
    out = dict(services)
    for keys, code in services.items():
        if code == base:
            out.setdefault((*keys, *_LEVEL_TWO), level_two)
            out.setdefault((*_ACTIVATE, *keys, *_LEVEL_TWO), level_two)
    return out


NEAR_MIN_LETTERS = 4
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    """Every word one insert, delete, change or swap of neighbours away."""
    cuts = [(word[:n], word[n:]) for n in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in cuts if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    changes = {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
    inserts = {a + c + b for a, b in cuts for c in _LETTERS}
    return (deletes | swaps | changes | inserts) - {word}


def near_misses(services: dict[tuple[str, ...], str]) -> dict[str, str]:
    """Misspellings of a code or one-word alias of 4+ letters -> the service it names."""
    codes: dict[str, set[str]] = {}
    for keys, code in services.items():
        if len(keys) == 1 and keys[0].isalpha() and len(keys[0]) >= NEAR_MIN_LETTERS:
            for miss in _one_edit(keys[0]):
                codes.setdefault(miss, set()).add(code)
    # a misspelling close to two services offers neither
    return {miss: next(iter(found)) for miss, found in codes.items() if len(found) == 1}
