"""A message read again with its misspelt service names put right ("vnied 2" -> "vneid 2"),
for the member to confirm (pure, no I/O)."""

from __future__ import annotations

import re
from datetime import date

from handlers.catalogue import DEFAULT_CATALOGUE, Catalogue
from handlers.parsing.lexicon import build_lexicon
from handlers.parsing.normalize import fold_key
from handlers.parsing.quick_entry import ParseResult, parse_quick_entry

_WORD = re.compile(r"[^\W\d_]+")
_UNSURE = {"unknown_word", "no_service", "bad_count", "future_date", "too_old"}


def corrected(
    text: str,
    result: ParseResult,
    *,
    today: date,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
    others_stay: bool = False,
) -> tuple[ParseResult, list[str]] | None:
    """The reading with each suggested service in place of its misspelling, and those
    services' codes; None unless every word not understood was a near miss and the new
    reading is otherwise clear.

    `others_stay` (speech, where filler abounds): other words may stay not understood, and
    only a near miss standing alone between understood words is put right ("trời mưa, cài
    vnied cho ba người"), never one inside a run of ordinary words ("… không nên nhắc lại")."""
    unknown = [p for p in result.problems if p.kind == "unknown_word"]
    if others_stay:
        unknown = [p for p in unknown if p.suggestion and len(_WORD.findall(p.text)) == 1]
    if not unknown or any(p.suggestion is None for p in unknown):
        return None
    near = build_lexicon(catalogue).near
    fixed = text
    for problem in unknown:
        word = next((w for w in _WORD.findall(problem.text) if fold_key(w) in near), None)
        if word is None:
            return None
        fixed = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", problem.suggestion or "", fixed, count=1)
    again = parse_quick_entry(fixed, today=today, catalogue=catalogue)
    codes = [p.suggestion or "" for p in unknown]
    unsure = _UNSURE - {"unknown_word"} if others_stay else _UNSURE
    if again.kinds() & unsure or not all(code in again.items for code in codes):
        return None
    return again, codes
