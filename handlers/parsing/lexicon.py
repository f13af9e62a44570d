"""The words the quick-entry parser knows, built once per catalogue (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from handlers.catalogue import Catalogue
from handlers.parsing.dates import DAY_WORDS
from handlers.parsing.normalize import phrase_keys

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
)
# "tải" folds to "tai", which is the place marker when typed tai/tại: handled by the parser
DOWNLOAD_WORD = "tải"
PLACE_WORDS = ("tại", "tai")


class Sense(Enum):
    SERVICE = "service"
    FILLER = "filler"
    DAY = "day"
    HOUSEHOLDS = "households"  # hộ, after a number
    PEOPLE = "people"  # người / ng, after a number
    TIMES = "times"  # x before a count: vneid x3
    DATE_WORD = "date_word"  # ngày, before a date


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
    phrases[("ho",)] = Entry(Sense.HOUSEHOLDS)
    phrases[("nguoi",)] = Entry(Sense.PEOPLE)
    phrases[("ng",)] = Entry(Sense.PEOPLE)
    phrases[("x",)] = Entry(Sense.TIMES)
    phrases[("ngay",)] = Entry(Sense.DATE_WORD)
    for keys, code in _service_phrases(catalogue).items():
        phrases[keys] = Entry(Sense.SERVICE, code)
    return Lexicon(phrases, max(len(k) for k in phrases), _trie(phrases))
