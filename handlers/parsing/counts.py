"""Counts: which number belongs to which service, `N hộ`, `N người` (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from handlers import texts
from handlers.parsing.segments import Item

MIN_COUNT, MAX_COUNT = 1, 200


@dataclass(frozen=True)
class Problem:
    """Something in a message the member should know about or fix."""

    kind: str
    text: str
    message: str
    suggestion: str | None = None  # unknown_word: the service code a near miss may mean


@dataclass
class Reading:
    """What has been read of one message so far, and the problems found."""

    text: str
    today: date
    items: dict[str, int] = field(default_factory=dict)
    people: int | None = None
    households: int | None = None
    day: date | None = None
    day_span: tuple[int, int] | None = None  # where the day was typed
    problems: list[tuple[int, Problem]] = field(default_factory=list)

    def problem(
        self, at: int, kind: str, text: str, message: str, suggestion: str | None = None
    ) -> None:
        self.problems.append((at, Problem(kind, text, message, suggestion)))


def pair_units(items: list[Item], state: Reading) -> None:
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


def _valid(item: Item, state: Reading) -> bool:
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


def attach_counts(items: list[Item], state: Reading) -> None:
    """Give each count its service, in the one order the message uses throughout."""
    services = [n for n, i in enumerate(items) if i.kind == "service"]
    before = False
    if services:
        k = services[0] - 1
        while k >= 0 and items[k].kind in _SKIPPED:
            k -= 1
        before = k >= 0 and items[k].kind in ("num", "people_num")
    loose_people: list[Item] = []
    for n, item in enumerate(items):
        if item.kind not in ("num", "people_num", "xcount"):
            continue
        step = 1 if before and item.kind != "xcount" else -1
        target = _neighbour_service(items, n, step)
        if target is not None:
            target.counted = True
            target.count = item.value if _valid(item, state) else 0
        elif item.kind == "people_num":
            loose_people.append(item)
        else:
            item.unknown = True
    if loose_people:
        _place_people(loose_people, [items[n] for n in services], state)
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


def _place_people(people: list[Item], services: list[Item], state: Reading) -> None:
    """`N người` no service took: the count of the one service named without one, else people."""
    valid = [item.value for item in people if _valid(item, state)]
    if people and len(services) == 1 and not services[0].counted:
        services[0].counted = True  # "cài vneid cho 2 hộ, 5 người" is vneid 5
        services[0].count = sum(valid) if len(valid) == len(people) else 0
    elif valid:
        state.people = (state.people or 0) + sum(valid)
