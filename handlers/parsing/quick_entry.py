"""Quick entry: one volunteer message -> services, counts, day, place, note (pure, no I/O).

Usage:
    parse_quick_entry("hom qua vneid 3 sskdt 2 @ ngõ 5", today=date(2026, 11, 23))
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from itertools import pairwise
from typing import Any

from handlers import texts
from handlers.catalogue import DEFAULT_CATALOGUE, Catalogue
from handlers.parsing.counts import (
    MAX_COUNT,
    MIN_COUNT,
    Problem,
    Reading,
    attach_counts,
    pair_units,
)
from handlers.parsing.dates import (
    PARTS_OF_DAY_TYPED,
    date_problem,
    day_from_offset,
    latest_weekday,
    parse_typed_date,
)
from handlers.parsing.lexicon import build_lexicon
from handlers.parsing.mentions import merge_mentions
from handlers.parsing.normalize import tokenize
from handlers.parsing.places import split_places
from handlers.parsing.segments import Item, match_phrases, settle_spoken, split_note
from handlers.parsing.unknown import report_unknown
from storage.personal import scrub, tidy

__all__ = ["BLOCKING", "MAX_COUNT", "MIN_COUNT", "ParseResult", "Problem", "parse_quick_entry"]

# the member is asked before anything is saved; `scrubbed` and `ignored` are only told
BLOCKING = frozenset(
    {
        "unknown_word",
        "no_service",
        "bad_count",
        "large_count",
        "future_date",
        "too_old",
        "ambiguous",
    }
)
_MOST_READINGS = 3


@dataclass(frozen=True)
class ParseResult:
    """What a quick-entry message says."""

    items: dict[str, int]
    people: int | None
    households: int | None
    date: date
    location: str | None
    note: str | None
    problems: tuple[Problem, ...] = ()
    day_typed: bool = False  # False: `date` is today because no day was given
    alternatives: tuple[ParseResult, ...] = ()  # `ambiguous`: the other plausible readings
    left_out_number: bool = False  # a number was not understood: never "save the rest"

    def kinds(self) -> set[str]:
        """The kinds of problems found."""
        return {p.kind for p in self.problems}

    def ignored(self) -> list[str]:
        """Chatter left out of the reading, as typed."""
        return [p.text for p in self.problems if p.kind == "ignored"]

    def reads_as(self, other: ParseResult) -> bool:
        """The same log would be saved from both."""
        return self.reading() == other.reading()

    def reading(self) -> tuple[Any, ...]:
        """What a saved log would hold."""
        fields = (self.people, self.households, self.date, self.location, self.note)
        return (sorted(self.items.items()), *fields)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `gotungnha parse --json`; "alternatives" only when ambiguous."""
        shape = {
            "items": dict(self.items),
            "people": self.people,
            "households": self.households,
            "date": self.date.isoformat(),
            "location": self.location,
            "note": self.note,
            "problems": [_problem_dict(p) for p in self.problems],
        }
        if self.alternatives:
            shape["alternatives"] = [other.as_dict() for other in self.alternatives]
        return shape


def _problem_dict(problem: Problem) -> dict[str, str]:
    out = {"kind": problem.kind, "text": problem.text, "message": problem.message}
    if problem.suggestion is not None:  # only then: the JSON shape is otherwise unchanged
        out["suggestion"] = problem.suggestion
    return out


def parse_quick_entry(
    text: str, *, today: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> ParseResult:
    """Read one quick-entry message; never raises, never guesses a service; where two
    readings are plausible, the likelier with an `ambiguous` problem and the others."""
    result, doubts = _read(text, today, catalogue, frozenset())
    if not doubts or result.kinds() & BLOCKING:
        return result
    others: list[ParseResult] = []
    for doubt in doubts[:_MOST_READINGS]:
        other, _ = _read(text, today, catalogue, frozenset({doubt}))
        if other.kinds() & BLOCKING or any(other.reads_as(r) for r in (result, *others)):
            continue
        others.append(other)
    if not others:
        return result
    asked = Problem("ambiguous", "", texts.PROBLEM_AMBIGUOUS)
    return replace(result, problems=(*result.problems, asked), alternatives=tuple(others))


def _read(
    text: str, today: date, catalogue: Catalogue, flips: frozenset[int]
) -> tuple[ParseResult, list[int]]:
    """One reading, the likelier at each doubt except those in `flips`; and the doubts."""
    lexicon = build_lexicon(catalogue)
    clean, scrubbed = scrub(tidy(unicodedata.normalize("NFC", text)))
    state = Reading(clean, today, flips=flips, base=lexicon.base, level_two=lexicon.level_two)
    for s in scrubbed:
        state.problem(s.start, "scrubbed", s.masked, texts.PROBLEM_SCRUBBED.format(s.masked))
    tokens = tokenize(clean)
    tokens, note, note_at = split_note(tokens, clean)
    items = match_phrases(tokens, lexicon)
    kinds = [item.kind for item in items]  # what the passes below look for, found once
    if "date" in kinds or "date_word" in kinds:  # "sáng 20/11"
        _parts_of_day(items, clean)
    places: list[str] = []
    place_doubts: list[int] = []
    if "at" in kinds:
        items, places, place_doubts = split_places(items, clean[:note_at], absorb=flips)
    settle_spoken(items, clean)
    if kinds.count("service") + 2 * kinds.count("host") > 1:  # else nothing to merge
        state.doubts += merge_mentions(items, clean, lexicon, flips=flips)
    _read_days(items, state)
    pair_units(items, state)
    attach_counts(items, state)
    if place_doubts:  # "tại nhà khác": an uncounted service ending a place may be the place's
        state.doubts += [d for d in place_doubts if _uncounted(items, d)]
    left_out = report_unknown(items, state, lexicon, chatter=state.named)
    if not state.named:
        state.problem(len(clean) + 1, "no_service", "", texts.PROBLEM_NO_SERVICE)
    _check_typed_day(state)
    problems = tuple(p for _, p in sorted(state.problems, key=_position))
    location = "; ".join(places) or None
    result = ParseResult(
        state.items,
        state.people,
        state.households,
        state.day or today,
        location,
        note,
        problems,
        day_typed=state.day is not None,
        left_out_number=left_out,
    )
    return result, state.doubts


def _uncounted(items: list[Item], start: int) -> bool:
    return any(i.kind == "service" and i.start == start and not i.counted for i in items)


def _check_typed_day(state: Reading) -> None:
    """A typed day in the future or more than 31 days back is a problem."""
    if state.day is None or state.day_span is None:
        return  # no day typed: today is always fine
    kind = date_problem(state.day, today=state.today)
    if kind:
        message = texts.PROBLEM_FUTURE_DATE if kind == "future_date" else texts.PROBLEM_TOO_OLD
        start, end = state.day_span
        shown = state.day.strftime("%d/%m/%Y")
        state.problem(start, kind, state.text[start:end], message.format(shown))


def _position(problem: tuple[int, Problem]) -> int:
    return problem[0]


def _read_days(items: list[Item], state: Reading) -> None:
    """Day words and dates; `ngày` before a date is ignored, an impossible date is unknown."""
    for n, item in enumerate(items):
        day: date | None = None
        if item.kind == "day":
            day = day_from_offset(item.value, today=state.today)
        elif item.kind == "weekday":
            day = latest_weekday(item.value, today=state.today)
        elif item.kind == "date":
            day = parse_typed_date(state.text[item.start : item.end], today=state.today)
            if day is None:
                item.unknown = True
                continue
        elif item.kind == "date_word":
            nxt = items[n + 1] if n + 1 < len(items) else None
            if nxt is None or nxt.kind not in ("date", "day", "weekday"):
                item.unknown = True
            continue
        else:
            continue
        if state.day is None:
            state.day, state.day_span = day, (item.start, item.end)
        elif day != state.day:
            item.unknown = True  # two different days in one message: ask


def _parts_of_day(items: list[Item], text: str) -> None:
    """ "sáng 20/11", "chiều ngày 5/12": the part of the day goes with the date."""
    for item, nxt in pairwise(items):
        if (
            item.kind == "word"
            and nxt.kind in ("date", "date_word")
            and text[item.start : item.end].lower() in PARTS_OF_DAY_TYPED
        ):
            item.kind, item.unknown = "filler", False
