"""Words not understood: asked about, or left out as chatter and named (pure, no I/O).

Chatter is a run of ordinary words that holds no digit and no number word, is no near miss
of a service, and touches no number ("em báo cáo", "trời mưa"): it cannot hide a count, so
the rest is saved and the answer names what was left out. Anything else is asked about.
"""

from __future__ import annotations

from handlers import texts
from handlers.parsing.counts import NUMBERS, Reading
from handlers.parsing.lexicon import Lexicon
from handlers.parsing.normalize import fold_key
from handlers.parsing.numbers import is_number_word
from handlers.parsing.segments import Item

_ENDING_IN_NUMBER = frozenset({"num", "xcount"})
_STARTING_WITH_NUMBER = frozenset({"num", "people_num", "households_num"})


def report_unknown(items: list[Item], state: Reading, lexicon: Lexicon, *, chatter: bool) -> bool:
    """One problem per run of adjacent words not understood: `ignored` for chatter (only
    when `chatter`: something was read), else `unknown_word`. True when a number was
    among the words not understood."""
    if not any(item.unknown for item in items):
        return False
    left_out = False
    start: int | None = None
    for n, item in enumerate([*items, None]):
        if item is not None and item.unknown:
            start = n if start is None else start
            continue
        if start is None:
            continue
        run = items[start:n]
        shown = state.text[run[0].start : run[-1].end]
        suggestion = _suggestion(run, state.text, lexicon)
        if chatter and suggestion is None and _is_chatter(items, start, n, state.text):
            state.problem(run[0].start, "ignored", shown, texts.PROBLEM_IGNORED.format(shown))
        else:
            message = texts.PROBLEM_UNKNOWN_WORD.format(shown)
            state.problem(run[0].start, "unknown_word", shown, message, suggestion)
            left_out = left_out or _holds_number(run, state.text)
        start = None
    return left_out


def _is_chatter(items: list[Item], start: int, end: int, text: str) -> bool:
    """Ordinary words only, no number word among them, no number on either side."""
    for item in items[start:end]:
        if item.kind != "word" or _has_number_word(text[item.start : item.end]):
            return False
    # a number's own side: "2 cụ nhà bà Lan" and "vneid x3" have their unit in between
    left = items[start - 1].kind if start else None
    right = items[end].kind if end < len(items) else None
    return left not in _ENDING_IN_NUMBER and right not in _STARTING_WITH_NUMBER


def _holds_number(run: list[Item], text: str) -> bool:
    return any(
        i.kind in NUMBERS or i.kind == "date" or _has_number_word(text[i.start : i.end])
        for i in run
    )


def _has_number_word(words: str) -> bool:
    """An item may span words: "mười một" said as a name stays one item."""
    return any(is_number_word(word) for word in words.split())


def _suggestion(run: list[Item], text: str, lexicon: Lexicon) -> str | None:
    """The service the first misspelt word of a run may mean ("vnied" -> vneid)."""
    for item in run:
        if item.kind == "word":
            code = lexicon.near.get(fold_key(text[item.start : item.end]))
            if code is not None:
                return code
    return None
