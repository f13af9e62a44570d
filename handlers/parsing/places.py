"""Places: `@ …` / `tại …` up to what means something of its own (pure, no I/O).

A place never swallows what follows it: it ends before a service word made of letters, a
day phrase, `N hộ` / `N người`, `x3`, another place, a `,` `;` or a line break, and
trailing filler is not part of it. Digits inside it stay ("ngõ 114", "số 12 ngõ 45").
"""

from __future__ import annotations

import re

from handlers.parsing.lexicon import DOWNLOAD_OBJECTS
from handlers.parsing.normalize import fold_key
from handlers.parsing.segments import Item

# words an address number follows: "ngõ 5", "số 12", "tdp 3"; a number after anything
# else at the end of a place, right before a service, may be that service's count
ADDRESS_WORDS = frozenset(
    {
        "ngo",
        "ngach",
        "hem",
        "kiet",
        "so",
        "nha",
        "to",
        "tdp",
        "khu",
        "pho",
        "duong",
        "thon",
        "xom",
        "lo",
        "phong",
        "p",
        "can",
        "tang",
        "khoi",
        "ap",
        "day",
        "block",
    }
)
_ENDS = frozenset({"day", "weekday", "at"})  # a day phrase or another place
_UNITS = frozenset({"households", "people"})
_SPACES = re.compile(r"[ \t]{2,}")
_PLACE_TRIM = " \t\r\n:.!?+-"
_LETTER = re.compile(r"[^\W\d_]")


def split_places(
    items: list[Item], text: str, *, absorb: frozenset[int] = frozenset()
) -> tuple[list[Item], list[str], list[int]]:
    """Take the places out, leaving a `place` mark where each stood (counts never attach
    across it); also return where an uncounted service may be part of a place instead.

    `absorb`: services (by start) read as part of the place they end instead."""
    kept: list[Item] = []
    places: list[str] = []
    doubts: list[int] = []
    i = 0
    while i < len(items):
        item = items[i]
        if item.kind != "at":
            kept.append(item)
            i += 1
            continue
        if _downloads(items, i, text):  # "tai vneid", "tai app": tải, not tại
            kept.append(Item("filler", item.start, item.end))
            i += 1
            continue
        j = i + 1
        while j < len(items) and not _ends_place(items, j, text, absorb):
            j += 1
        last = j
        while last > i + 1 and items[last - 1].kind == "filler":
            last -= 1  # "tại ngõ 5 nhé", "tại nhà văn hoá cho 3 người"
        tail: Item | None = None
        if j < len(items) and items[j].kind == "service" and _left_behind(items, i, last, text):
            last -= 1  # "3 vneid tại nhà văn hoá 2 sskdt": the 2 is sskdt's, or asked
            tail = items[last]
        end = items[last].start if last < len(items) else len(text)
        place = _tidy(text[item.end : end])
        if place:
            places.append(place)
        kept.append(Item("place", item.start, end))
        if tail is not None:
            kept.append(tail)
        if j < len(items) and items[j].kind == "service":
            doubts.append(items[j].start)  # "tại nhà khác": khác may be the place's
        i = j
    return kept, places, doubts


def _downloads(items: list[Item], i: int, text: str) -> bool:
    """`tai` typed without diacritics before a service, `app`, `ung dung` or `khoan`."""
    item = items[i]
    if text[item.start : item.end].lower() != "tai" or i + 1 >= len(items):
        return False
    nxt = items[i + 1]
    if nxt.kind == "service":
        return True
    words = tuple(fold_key(w) for w in text[nxt.start : nxt.end].split())
    return nxt.kind == "filler" and words in DOWNLOAD_OBJECTS


def _ends_place(items: list[Item], j: int, text: str, absorb: frozenset[int]) -> bool:
    item = items[j]
    nxt = items[j + 1] if j + 1 < len(items) else None
    if item.kind == "sep":
        return text[item.start] in ",;+\n"
    if item.kind == "service":
        return item.start not in absorb and bool(_LETTER.search(text[item.start : item.end]))
    if item.kind in _ENDS:
        return True
    if item.kind == "date":  # "ngõ 5/2" is an address; "ngõ 5 20/11" a day
        return not (j > 0 and _address_word(items[j - 1], text))
    if item.kind == "date_word":
        return nxt is not None and nxt.kind in ("date", "day", "weekday")
    if item.kind == "num":
        return nxt is not None and nxt.kind in _UNITS  # "ngõ 9 2 hộ": 2 households
    return item.kind == "times" and nxt is not None and nxt.kind == "num"


def _left_behind(items: list[Item], at: int, last: int, text: str) -> bool:
    """The place ends with a number right before a service, not an address number."""
    if last - at < 3 or items[last - 1].kind != "num":
        return False
    return not _address_word(items[last - 2], text)


def _address_word(item: Item, text: str) -> bool:
    return item.kind == "word" and fold_key(text[item.start : item.end]) in ADDRESS_WORDS


def _tidy(text: str) -> str | None:
    text = _SPACES.sub(" ", text).strip(_PLACE_TRIM)
    return text or None
