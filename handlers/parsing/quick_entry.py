"""Quick entry: one volunteer message -> services, counts, day, place, note (pure, no I/O).

Usage:
    parse_quick_entry("hom qua vneid 3 sskdt 2 @ ngõ 5", today=date(2026, 11, 23))
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
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
    date_problem,
    day_from_offset,
    latest_weekday,
    parse_typed_date,
)
from handlers.parsing.lexicon import build_lexicon
from handlers.parsing.normalize import fold_key, tokenize
from handlers.parsing.segments import (
    Item,
    match_phrases,
    settle_spoken,
    split_note,
    split_places,
)
from storage.personal import scrub, tidy

__all__ = ["MAX_COUNT", "MIN_COUNT", "ParseResult", "Problem", "parse_quick_entry"]


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

    def kinds(self) -> set[str]:
        """The kinds of problems found."""
        return {p.kind for p in self.problems}

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `gotungnha parse --json`."""
        return {
            "items": dict(self.items),
            "people": self.people,
            "households": self.households,
            "date": self.date.isoformat(),
            "location": self.location,
            "note": self.note,
            "problems": [_problem_dict(p) for p in self.problems],
        }


def _problem_dict(problem: Problem) -> dict[str, str]:
    out = {"kind": problem.kind, "text": problem.text, "message": problem.message}
    if problem.suggestion is not None:  # only then: the JSON shape is otherwise unchanged
        out["suggestion"] = problem.suggestion
    return out


def parse_quick_entry(
    text: str, *, today: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> ParseResult:
    """Read one quick-entry message; never raises, never guesses a service."""
    clean, scrubbed = scrub(tidy(unicodedata.normalize("NFC", text)))
    state = Reading(clean, today)
    for s in scrubbed:
        state.problem(s.start, "scrubbed", s.masked, texts.PROBLEM_SCRUBBED.format(s.masked))
    tokens = tokenize(clean)
    tokens, note, note_at = split_note(tokens, clean)
    items = match_phrases(tokens, catalogue)
    items, places = split_places(items, clean[:note_at])
    settle_spoken(items, clean)
    _read_days(items, state)
    pair_units(items, state)
    attach_counts(items, state)
    _report_unknown(items, state, catalogue)
    if not any(i.kind == "service" for i in items):
        state.problem(len(clean) + 1, "no_service", "", texts.PROBLEM_NO_SERVICE)
    _check_typed_day(state)
    problems = tuple(p for _, p in sorted(state.problems, key=_position))
    location = "; ".join(places) or None
    return ParseResult(
        state.items,
        state.people,
        state.households,
        state.day or today,
        location,
        note,
        problems,
        day_typed=state.day is not None,
    )


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


def _report_unknown(items: list[Item], state: Reading, catalogue: Catalogue) -> None:
    """One `unknown_word` per run of adjacent words the parser could not place."""
    run: list[Item] = []
    for item in [*items, None]:
        if item is not None and item.unknown:
            run.append(item)
            continue
        if run:
            shown = state.text[run[0].start : run[-1].end]
            state.problem(
                run[0].start,
                "unknown_word",
                shown,
                texts.PROBLEM_UNKNOWN_WORD.format(shown),
                _suggestion(run, state.text, catalogue),
            )
            run = []


def _suggestion(run: list[Item], text: str, catalogue: Catalogue) -> str | None:
    """The service the first misspelt word of a run may mean ("vnied" -> vneid)."""
    near = build_lexicon(catalogue).near
    for item in run:
        if item.kind == "word":
            code = near.get(fold_key(text[item.start : item.end]))
            if code is not None:
                return code
    return None
