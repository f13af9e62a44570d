"""Which services a run of service words names (pure, no I/O).

- Two aliases of one service side by side, with only filler between, are one mention:
  "thanh toán qr 3", "chuyển khoản qr 4" are 3 and 4, never 4 and 5.
- A `vneid` word right before a level-2 word is level 2 alone ("vneid md2 2").
- VNeID is also where services live: `trên` / `vào` VNeID is never an install (asked about
  when no other service is named), and a hosted service written out in words ("sổ sức
  khỏe điện tử VNeID") takes the VNeID after it; written short ("sskdt vneid") it is asked.
"""

from __future__ import annotations

from handlers.parsing.lexicon import HOSTED_CODES, Lexicon
from handlers.parsing.segments import Item

_WORDS_WRITTEN_OUT = 3  # "sổ sức khỏe", "chữ ký số": a name, not a list typed short


def merge_mentions(
    items: list[Item], text: str, lexicon: Lexicon, *, flips: frozenset[int]
) -> list[int]:
    """Merge what is one mention; return where a VNeID may be an install after all."""
    _level_two(items, lexicon)
    _side_by_side(items)
    return _hosts(items, text, lexicon, flips)


def _level_two(items: list[Item], lexicon: Lexicon) -> None:
    n = 0
    while n < len(items) - 1:
        item, nxt = items[n], items[n + 1]
        if (
            item.kind == "service"
            and item.value == lexicon.base
            and nxt.kind == "service"
            and nxt.value == lexicon.level_two
        ):
            items[n : n + 2] = [Item("service", item.start, nxt.end, nxt.value)]
        n += 1


def _side_by_side(items: list[Item]) -> None:
    n = 0
    while n < len(items):
        item = items[n]
        if item.kind != "service":
            n += 1
            continue
        k = n + 1
        while k < len(items) and items[k].kind == "filler":
            k += 1
        if k < len(items) and items[k].kind == "service" and items[k].value == item.value:
            items[n : k + 1] = [Item("service", item.start, items[k].end, item.value)]
            continue  # a third alias may follow
        n += 1


def _hosts(items: list[Item], text: str, lexicon: Lexicon, flips: frozenset[int]) -> list[int]:
    doubts: list[int] = []
    named = any(i.kind == "service" for i in items)
    for n, item in enumerate(items):
        if item.kind == "host":
            if named:
                item.kind = "filler"
            else:
                item.unknown = True  # "cài vào VNeID 3": which service? ask
            continue
        nxt = items[n + 1] if n + 1 < len(items) else None
        if (
            item.kind == "service"
            and item.value in HOSTED_CODES
            and nxt is not None
            and nxt.kind == "service"
            and nxt.value == lexicon.base
        ):
            if len(text[item.start : item.end].split()) < _WORDS_WRITTEN_OUT:
                doubts.append(nxt.start)
                if nxt.start in flips:
                    continue  # asked: "sskdt vneid 3" may be both
            nxt.kind = "filler"
    return doubts
