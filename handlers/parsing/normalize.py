"""Text folding and tokens (pure, no I/O); personal numbers are in `personal`."""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import lru_cache
from typing import NamedTuple


class _Folded(dict[int, str]):
    """Code point -> its folded letter, worked out once per character (str.translate table)."""

    def __missing__(self, point: int) -> str:
        ch = chr(point)
        base = "d" if ch in "đĐ" else unicodedata.normalize("NFD", ch)[0].lower()[:1] or ch
        if point < 0x3000:  # letters people type here; emoji and the rest are not kept
            self[point] = base
        return base


_FOLDED = _Folded()


def fold(text: str) -> str:
    """Lowercase without diacritics, đ as d, `kí` as `ký`: how people type on a phone."""
    return unicodedata.normalize("NFC", text).translate(_FOLDED)


@lru_cache(maxsize=8192)  # volunteers type the same few hundred words
def fold_key(word: str) -> str:
    """The matching key of one word."""
    key = fold(word)
    return "ky" if key == "ki" else key


class Kind(Enum):
    WORD = "word"
    NUM = "num"
    DATE = "date"
    SEP = "sep"  # , ; + newline: a count never attaches across it
    COLON = "colon"
    AT = "at"


class Token(NamedTuple):
    """One piece of a message (a named tuple: a message makes dozens, so they must be cheap)."""

    kind: Kind
    raw: str
    start: int
    end: int
    key: str  # what the lexicon matches: a word folded, anything else as typed


_LEX = re.compile(
    r"""
    (?P<word>[^\W\d_]+)  # the commonest, tried first: it never starts where the others do
    |(?P<date>(?<![0-9/-])[0-9]{1,2}[/-][0-9]{1,2}(?:[/-](?:[0-9]{4}|[0-9]{2}))?(?![0-9/]))
    |(?P<num>(?<![^\W_])-?[0-9]+)
    |(?P<glued_num>[0-9]+)  # digits right after letters: "sskdt2" is sskdt, 2
    |(?P<sep>[,;+\n])
    |(?P<colon>:)
    |(?P<at>@)
    """,
    re.VERBOSE,
)
_KIND_OF_GROUP: dict[str | None, Kind] = {
    "date": Kind.DATE,
    "num": Kind.NUM,
    "word": Kind.WORD,
    "glued_num": Kind.NUM,
    "sep": Kind.SEP,
    "colon": Kind.COLON,
    "at": Kind.AT,
}


# group number -> kind: a message makes dozens of tokens, so each step here is counted
_KIND_OF_INDEX = {_LEX.groupindex[name]: kind for name, kind in _KIND_OF_GROUP.items() if name}
_new_token = tuple.__new__  # Token(...) goes through a Python-level __new__; this does not


def tokenize(text: str) -> list[Token]:
    """Split a message into tokens; letters and digits glued together become two tokens."""
    tokens: list[Token] = []
    append = tokens.append
    word = Kind.WORD
    for m in _LEX.finditer(text):
        kind = _KIND_OF_INDEX[m.lastindex]  # type: ignore[index]
        raw = m.group()
        start, end = m.span()
        append(_new_token(Token, (kind, raw, start, end, fold_key(raw) if kind is word else raw)))
    return tokens


def phrase_keys(text: str) -> tuple[str, ...]:
    """The token keys of an alias or a fixed phrase, as the matcher sees them."""
    return tuple(
        t.key
        for t in tokenize(unicodedata.normalize("NFC", text))
        if t.kind in (Kind.WORD, Kind.NUM)
    )
