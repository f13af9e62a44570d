"""Thanks and greetings, with the polite words people put around them (pure, no I/O).

"cảm ơn nhé", "Dạ em cảm ơn ạ", "chao ban nha": answered kindly, never read as an entry.
"""

from __future__ import annotations

import re

from handlers import texts
from handlers.parsing.normalize import fold

_WORD = re.compile(r"[a-z0-9]+")
_LONGEST = 12  # words: a longer message is not just thanks


def chatter(text: str) -> str | None:
    """`thanks` or `greeting` when a message is only that, polite words around it; else None."""
    words = _WORD.findall(fold(text))
    if not words or len(words) > _LONGEST:
        return None
    cores = {
        " ".join(words[start:end])
        for start in range(_polite_run(words, texts.POLITE_BEFORE) + 1)
        for end in range(len(words) - _polite_run(words[::-1], texts.POLITE_AFTER), len(words) + 1)
        if start < end
    }
    if cores & texts.THANKS:
        return "thanks"
    if cores & texts.SMALL_TALK:
        return "greeting"
    return None


def _polite_run(words: list[str], polite: set[str]) -> int:
    """How many of the first words are polite ones."""
    n = 0
    while n < len(words) and words[n] in polite:
        n += 1
    return n
