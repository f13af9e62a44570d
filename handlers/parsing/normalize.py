"""Text folding, tokens and the scrubbing of personal numbers (pure, no I/O)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
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


class _Digits(dict[int, str]):
    """Code point -> itself, or the ASCII digit of another script's digit (٣, ３ -> 3)."""

    def __missing__(self, point: int) -> str:
        ch = chr(point)
        digit = str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
        if point < 0x10000:
            self[point] = digit
        return digit


_DIGITS = _Digits()
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script


def ascii_digits(text: str) -> str:
    """Digits of any script as 0-9, so "vneid ３" counts 3 like "vneid 3"."""
    if text.isascii() or not _OTHER_DIGIT.search(text):
        return text  # nothing to change: skip the slower translate
    return text.translate(_DIGITS)


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


def tokenize(text: str) -> list[Token]:
    """Split a message into tokens; letters and digits glued together become two tokens."""
    tokens: list[Token] = []
    for m in _LEX.finditer(text):
        kind = _KIND_OF_GROUP[m.lastgroup]
        raw = m.group()
        key = fold_key(raw) if kind is Kind.WORD else raw
        tokens.append(Token(kind, raw, m.start(), m.end(), key))
    return tokens


def phrase_keys(text: str) -> tuple[str, ...]:
    """The token keys of an alias or a fixed phrase, as the matcher sees them."""
    return tuple(
        t.key
        for t in tokenize(unicodedata.normalize("NFC", text))
        if t.kind in (Kind.WORD, Kind.NUM)
    )


# --- personal numbers --------------------------------------------------------------

_DIGIT_GROUPS = re.compile(r"(?:\+(?=84))?(?<![0-9])[0-9]+(?:[ .][0-9]+)*(?![0-9])")
_GROUP = re.compile(r"\+?[0-9]+")
_NOT_DIGIT = re.compile(r"[^0-9]")
_FEWEST_DIGITS = 9  # the shortest ID or phone number
# 9+ characters of digits, spaces and dots: where a personal number may be at all
_LONG_DIGIT_RUN = re.compile(r"[0-9][0-9 .]{7,}[0-9]")


@dataclass(frozen=True)
class Scrubbed:
    start: int
    end: int
    masked: str


def mask(digits: str) -> str:
    """Show only the first two and the last two digits: 0912345678 -> 09******78."""
    return digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def _groups(match: re.Match[str]) -> list[tuple[int, int]]:
    return [
        (match.start() + g.start(), match.start() + g.end()) for g in _GROUP.finditer(match.group())
    ]


def _personal_spans(groups: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Which digit groups of one run form an ID or phone number."""
    size = [sum(c in "0123456789" for c in text[s:e]) for s, e in groups]
    # a long group stands alone; the short ones stay counts
    if any(n >= _FEWEST_DIGITS for n in size):
        return [g for g, n in zip(groups, size, strict=True) if n >= _FEWEST_DIGITS]
    lo, hi = 0, len(groups)
    total = sum(size)
    # "vneid 3 0912 345 678": a short group before a number starting with 0 is a count
    while (
        hi - lo > 1
        and size[lo] <= 3
        and text[groups[lo][0]] != "+"
        and total - size[lo] >= _FEWEST_DIGITS
        and text[groups[lo + 1][0]] == "0"
    ):
        total -= size[lo]
        lo += 1
    while hi - lo > 1 and size[hi - 1] <= 2 and total - size[hi - 1] >= _FEWEST_DIGITS:
        total -= size[hi - 1]
        hi -= 1
    if _FEWEST_DIGITS <= total <= 12 or (total > 12 and text[groups[lo][0]] == "+"):
        return [(groups[lo][0], groups[hi - 1][1])]
    return []


def scrub(text: str) -> tuple[str, list[Scrubbed]]:
    """Blank out ID and phone numbers (9–12 digits, maybe split by spaces or dots)."""
    found: list[Scrubbed] = []
    if not _LONG_DIGIT_RUN.search(text):
        return text, found  # most messages: only short counts
    for m in _DIGIT_GROUPS.finditer(text):
        if m.end() - m.start() < _FEWEST_DIGITS:
            continue  # a count like "3" or "12 5": too short to hold a personal number
        for start, end in _personal_spans(_groups(m), text):
            digits = _NOT_DIGIT.sub("", text[start:end])
            found.append(Scrubbed(start, end, mask(digits)))
    if not found:
        return text, found
    chars = list(text)
    for s in found:
        chars[s.start : s.end] = " " * (s.end - s.start)
    return "".join(chars), found
