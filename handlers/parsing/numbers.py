"""Number words as people say them: "ba", "mười lăm", "hai muoi mốt" (pure, no I/O).

A number word is read as a number only where a count may stand; `segments.settle_spoken`
turns the others back into ordinary words ("nhà bà Tư", "bà Năm 80 tuổi", "năm nay").
"""

from __future__ import annotations

from handlers.parsing.normalize import Kind, Token, fold_key

# folded word -> how it is spelt with its diacritics; typed without any, it is the same word
_SPELLED = {
    "mot": ("một", "mốt"),
    "hai": ("hai",),
    "ba": ("ba",),
    "bon": ("bốn",),
    "tu": ("tư",),
    "nam": ("năm",),
    "lam": ("lăm",),
    "nham": ("nhăm",),
    "sau": ("sáu",),
    "bay": ("bảy", "bẩy"),
    "tam": ("tám",),
    "chin": ("chín",),
    "muoi": ("mười", "mươi"),
}
TEN = "muoi"
# a number may start with these: một … chín
LEADING = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
# after mười / mươi: also lăm, nhăm ("mười lăm" 15, "hai mươi nhăm" 25)
TRAILING = {**LEADING, "lam": 5, "nham": 5}
NUMBER_KEYS = frozenset(_SPELLED)


def _number_word(tokens: list[Token], i: int) -> str | None:
    """The folded number word at token i, if it is one spelt right (`bà` is not `ba`)."""
    if i >= len(tokens):
        return None
    tok = tokens[i]
    if tok.kind is not Kind.WORD or tok.key not in NUMBER_KEYS:
        return None
    typed = tok.raw.lower()
    return tok.key if typed == tok.key or typed in _SPELLED[tok.key] else None


def read_number(tokens: list[Token], i: int, *, limit: int = 3) -> tuple[int, int]:
    """(value, tokens taken) of the number words 1–99 starting at token i; (0, 0) if none."""
    first = _number_word(tokens, i)
    if first == TEN:
        value, width = 10, 1
    elif first in LEADING:
        value, width = LEADING[first], 1
        if value >= 2 and width < limit and _number_word(tokens, i + 1) == TEN:
            value, width = value * 10, 2  # "hai mươi"
        else:
            return value, width
    else:
        return 0, 0
    unit = _number_word(tokens, i + width) if width < limit else None
    if unit in TRAILING:
        value, width = value + TRAILING[unit], width + 1
    return value, width


def is_number_word(word: str) -> bool:
    """A number word spelt as people write it ("Tư", "nam", "mười"; not "bà" or "tù")."""
    typed = word.lower()
    key = fold_key(typed)
    return key in _SPELLED and (typed == key or typed in _SPELLED[key])
