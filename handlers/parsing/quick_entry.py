"""Quick entry: one volunteer message -> services, counts, day, place, note (pure, no I/O).

Usage:
    parse_quick_entry("hom qua vneid 3 sskdt 2 @ ngõ 5", today=date(2026, 11, 23))
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handlers import texts
from handlers.catalogue import DEFAULT_CATALOGUE, Catalogue
from handlers.parsing.dates import date_problem, day_from_offset, parse_typed_date
from handlers.parsing.normalize import tokenize
from handlers.parsing.segments import Item, match_phrases, split_note, split_places
from storage.personal import scrub, tidy

MIN_COUNT, MAX_COUNT = 1, 200


@dataclass(frozen=True)
class Problem:
    """Something in a message the member should know about or fix."""

    kind: str
    text: str
    message: str


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
            "problems": [
                {"kind": p.kind, "text": p.text, "message": p.message} for p in self.problems
            ],
        }


@dataclass
class _State:
    text: str
    today: date
    items: dict[str, int] = field(default_factory=dict)
    people: int | None = None
    households: int | None = None
    day: date | None = None
    day_span: tuple[int, int] | None = None  # where the day was typed
    problems: list[tuple[int, Problem]] = field(default_factory=list)

    def problem(self, at: int, kind: str, text: str, message: str) -> None:
        self.problems.append((at, Problem(kind, text, message)))


def parse_quick_entry(
    text: str, *, today: date, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> ParseResult:
    """Read one quick-entry message; never raises, never guesses a service."""
    clean, scrubbed = scrub(tidy(unicodedata.normalize("NFC", text)))
    state = _State(clean, today)
    for s in scrubbed:
        state.problem(s.start, "scrubbed", s.masked, texts.PROBLEM_SCRUBBED.format(s.masked))
    tokens = tokenize(clean)
    tokens, note, note_at = split_note(tokens, clean)
    items = match_phrases(tokens, catalogue)
    items, places = split_places(items, clean[:note_at])
    _read_days(items, state)
    _pair_units(items, state)
    _attach_counts(items, state)
    _report_unknown(items, state)
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


def _check_typed_day(state: _State) -> None:
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


def _read_days(items: list[Item], state: _State) -> None:
    """Day words and dates; `ngày` before a date is ignored, an impossible date is unknown."""
    for n, item in enumerate(items):
        day: date | None = None
        if item.kind == "day":
            day = day_from_offset(item.value, today=state.today)
        elif item.kind == "date":
            day = parse_typed_date(state.text[item.start : item.end], today=state.today)
            if day is None:
                item.unknown = True
                continue
        elif item.kind == "date_word":
            nxt = items[n + 1] if n + 1 < len(items) else None
            if nxt is None or nxt.kind not in ("date", "day"):
                item.unknown = True
            continue
        else:
            continue
        if state.day is None:
            state.day, state.day_span = day, (item.start, item.end)
        elif day != state.day:
            item.unknown = True  # two different days in one message: ask


def _pair_units(items: list[Item], state: _State) -> None:
    """`4 hộ`, `5 người` and `x3` are read together; a lone unit word is unknown."""
    out: list[Item] = []
    i = 0
    while i < len(items):
        item = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if item.kind == "num" and nxt and nxt.kind in ("households", "people"):
            out.append(Item(f"{nxt.kind}_num", item.start, nxt.end, item.value))
            i += 2
            continue
        if item.kind == "times" and nxt and nxt.kind == "num":
            out.append(Item("xcount", item.start, nxt.end, nxt.value))
            i += 2
            continue
        if item.kind in ("households", "people", "times"):
            item.unknown = True
        out.append(item)
        i += 1
    items[:] = out
    for item in items:
        if item.kind == "households_num" and _valid(item, state):
            state.households = (state.households or 0) + item.value


def _valid(item: Item, state: _State) -> bool:
    """Counts are 1–200: zero or negative is refused, larger is kept but must be confirmed."""
    if item.value < MIN_COUNT:
        shown = str(item.value)
        state.problem(item.start, "bad_count", shown, texts.PROBLEM_BAD_COUNT.format(shown))
        return False
    if item.value > MAX_COUNT:
        shown = str(item.value)
        state.problem(item.start, "large_count", shown, texts.PROBLEM_LARGE_COUNT.format(shown))
    return True


_SKIPPED = ("filler", "colon")


def _neighbour_service(items: list[Item], at: int, step: int) -> Item | None:
    """The service a count belongs to: next to it, past fillers and colons only."""
    k = at + step
    while 0 <= k < len(items) and items[k].kind in _SKIPPED:
        k += step
    if 0 <= k < len(items) and items[k].kind == "service" and not items[k].counted:
        return items[k]
    return None


def _attach_counts(items: list[Item], state: _State) -> None:
    """Give each count its service, in the one order the message uses throughout."""
    services = [n for n, i in enumerate(items) if i.kind == "service"]
    before = False
    if services:
        k = services[0] - 1
        while k >= 0 and items[k].kind in _SKIPPED:
            k -= 1
        before = k >= 0 and items[k].kind in ("num", "people_num")
    for n, item in enumerate(items):
        if item.kind not in ("num", "people_num", "xcount"):
            continue
        step = 1 if before and item.kind != "xcount" else -1
        target = _neighbour_service(items, n, step)
        if target is not None:
            target.counted = True
            target.count = item.value if _valid(item, state) else 0
        elif item.kind == "people_num":
            if _valid(item, state):
                state.people = (state.people or 0) + item.value
        else:
            item.unknown = True
    last_at: dict[str, int] = {}
    for n in services:
        service = items[n]
        count = service.count if service.counted else 1
        if count:
            state.items[service.value] = state.items.get(service.value, 0) + count
            last_at[service.value] = service.start
    # "vneid 150, vneid 150" is 300: ask too, unless a large number was asked about already
    over = [code for code, total in state.items.items() if total > MAX_COUNT]
    if over and not any(p.kind == "large_count" for _, p in state.problems):
        for code in over:
            shown = str(state.items[code])
            state.problem(
                last_at[code], "large_count", shown, texts.PROBLEM_LARGE_COUNT.format(shown)
            )


def _report_unknown(items: list[Item], state: _State) -> None:
    """One `unknown_word` per run of adjacent words the parser could not place."""
    run: list[Item] = []
    for item in [*items, None]:
        if item is not None and item.unknown:
            run.append(item)
            continue
        if run:
            shown = state.text[run[0].start : run[-1].end]
            state.problem(
                run[0].start, "unknown_word", shown, texts.PROBLEM_UNKNOWN_WORD.format(shown)
            )
            run = []
