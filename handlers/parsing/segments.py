"""Cutting a message into note, places and matched phrases (pure, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handlers.parsing.lexicon import (
    DOWNLOAD_WORD,
    PEOPLE_TITLES,
    PLACE_WORDS,
    RAW_FILLERS,
    Entry,
    Lexicon,
)
from handlers.parsing.normalize import Kind, Token
from handlers.parsing.numbers import NUMBER_KEYS, read_number


@dataclass(slots=True)
class Item:
    """A token or a matched phrase, with what it means."""

    # service filler day weekday date date_word num households people times sep colon at
    # host (trên VNeID) place (where a place was taken out)
    kind: str
    start: int
    end: int
    value: Any = None
    counted: bool = False  # a service that has been given a typed count
    count: int = 0  # a service's valid typed count (0 when refused)
    unknown: bool = False
    spoken: bool = False  # a number said in words ("ba", "mười lăm")


_PHRASE_KINDS = (Kind.WORD, Kind.NUM)  # the tokens phrases are made of
# the item kind of every other token
_MARK_KINDS = {Kind.DATE: "date", Kind.SEP: "sep", Kind.COLON: "colon", Kind.AT: "at"}
_NOTE_WORDS = ("ghi", "gc")  # the first word of `ghi chú` and of `gc:`
_NOTE_COLON = re.compile(r"^\s*:?")
_SPACES = re.compile(r"[ \t]{2,}")


def split_note(tokens: list[Token], text: str) -> tuple[list[Token], str | None, int]:
    """Cut the note off: `ghi chú` (colon optional) or `gc:` to the end of the message."""
    for i in range(len(tokens) - 1):
        tok, nxt = tokens[i], tokens[i + 1]
        if tok.key in _NOTE_WORDS and _opens_note(tok, nxt):
            body = text[nxt.end :]
            body = _NOTE_COLON.sub("", body, count=1)
            return tokens[:i], _tidy_note(body), tok.start
    return tokens, None, len(text)


def _opens_note(tok: Token, nxt: Token) -> bool:
    """`ghi chú` or `gc:` starts at `tok`."""
    if tok.kind is not Kind.WORD:
        return False
    if tok.key == "ghi":
        return nxt.kind is Kind.WORD and nxt.key == "chu"
    return tok.key == "gc" and nxt.kind is Kind.COLON


def _tidy_note(text: str) -> str | None:
    text = _SPACES.sub(" ", text).strip()
    return text or None


def match_phrases(tokens: list[Token], lexicon: Lexicon) -> list[Item]:
    """Longest-phrase matching: "định danh mức 2" is one service, not vneid + 2."""
    first_words = lexicon.root.following
    items: list[Item] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind not in _PHRASE_KINDS:
            items.append(Item(_MARK_KINDS[tok.kind], tok.start, tok.end))
            i += 1
            continue
        if tok.key in NUMBER_KEYS:
            spoken = _spoken_number(tokens, i, lexicon)
            if spoken is not None:
                items.append(spoken[0])
                i += spoken[1]
                continue
        if tok.key not in first_words:  # no phrase starts so: most counts, unknown words
            items.append(_word_item(tok))
            i += 1
            continue
        entry, width = _longest(tokens, i, lexicon)
        if entry is None:
            items.append(_word_item(tok))
            i += 1
            continue
        last = tokens[i + width - 1]
        items.append(Item(entry.kind, tok.start, last.end, entry.value))
        i += width
    return items


def _spoken_number(tokens: list[Token], i: int, lexicon: Lexicon) -> tuple[Item, int] | None:
    """Number words at token i, unless a phrase there is as long ("ba con" is bà con)."""
    value, width = read_number(tokens, i)
    if width > 1 and _longest(tokens, i + width - 1, lexicon)[1] > 1:
        value, width = read_number(tokens, i, limit=width - 1)  # "mười ba con": 10, bà con
    if not width or _longest(tokens, i, lexicon)[1] >= width:
        return None
    item = Item("num", tokens[i].start, tokens[i + width - 1].end, value, spoken=True)
    return item, width


def _word_item(tok: Token) -> Item:
    if tok.kind is Kind.NUM:
        return Item("num", tok.start, tok.end, int(tok.raw))
    lowered = tok.raw.lower()
    if lowered == DOWNLOAD_WORD or lowered in RAW_FILLERS:
        return Item("filler", tok.start, tok.end)
    if lowered in PLACE_WORDS:
        return Item("at", tok.start, tok.end)
    if lowered in PEOPLE_TITLES:  # "giúp 4 cụ": people, when a count comes before
        return Item("people", tok.start, tok.end)
    return Item("word", tok.start, tok.end, unknown=True)


def _longest(tokens: list[Token], i: int, lexicon: Lexicon) -> tuple[Entry | None, int]:
    """The longest phrase starting at token i, and how many tokens it takes."""
    best: tuple[Entry | None, int] = (None, 0)
    node = lexicon.root
    for j in range(i, min(len(tokens), i + lexicon.longest)):  # no slice: called per word
        tok = tokens[j]
        if tok.kind not in _PHRASE_KINDS:
            break
        step = node.following.get(tok.key)
        if step is None:
            break  # no phrase goes on like this
        node = step
        if node.entry is not None:
            best = (node.entry, j - i + 1)
    return best


_ORDINARY = ("word", "num", "date_word")  # "ngày hai mươi" is a day of the month
_SENTENCE_ENDS = ".!?:\n"


def settle_spoken(items: list[Item], text: str) -> None:
    """Number words that are names or part of other words become ordinary words again."""
    # next to an ordinary word or another number ("bà Tư", "năm nay"), or capitalised
    # inside a sentence ("cho Tư"): a name, not a count
    if not any(item.spoken for item in items):
        return  # almost always: digits are quicker to type
    last = len(items) - 1
    ordinary = [
        n
        for n, item in enumerate(items)
        if item.spoken
        and (
            (n > 0 and items[n - 1].kind in _ORDINARY)
            or (n < last and items[n + 1].kind in _ORDINARY)
            or _named(text, item.start, item.end)
        )
    ]
    for n in ordinary:
        items[n] = Item("word", items[n].start, items[n].end, unknown=True)


def _named(text: str, start: int, end: int) -> bool:
    """Capitalised like a name ("Tư", not "TƯ") and not at the start of a sentence."""
    if not text[start].isupper() or text[start:end].isupper():
        return False
    k = start - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    return k >= 0 and text[k] not in _SENTENCE_ENDS
