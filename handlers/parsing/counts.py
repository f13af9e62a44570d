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
    # where two readings are plausible: the likelier is read unless its place is flipped
    flips: frozenset[int] = frozenset()
    named: bool = False  # a service was named
    base: str | None = None  # the codes of VNeID and of level 2 (lexicon.base, level_two)
    level_two: str | None = None
    doubts: list[int] = field(default_factory=list)

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
    _untouchable(items)
    for item in items:
        if item.kind == "households_num" and not item.unknown and _valid(item, state):
            state.households = (state.households or 0) + item.value


NUMBERS = frozenset({"num", "people_num", "households_num", "xcount"})


def _untouchable(items: list[Item]) -> None:
    """A number that touches a word not understood is never a count ("tdp 3 cài vneid")."""
    if not any(item.unknown for item in items):
        return
    for n, item in enumerate(items):
        if item.kind not in NUMBERS:
            continue
        # the number's own side: "2 cụ nhà bà Lan" has its unit between number and words
        before = items[n - 1] if n and item.kind != "xcount" else None
        unit = item.kind in ("people_num", "households_num")
        after = items[n + 1] if n + 1 < len(items) and not unit else None
        if any(i is not None and i.unknown and i.kind not in NUMBERS for i in (before, after)):
            item.unknown = True


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
    state.named = bool(services)
    before = False
    if services:
        k = services[0] - 1
        while k >= 0 and items[k].kind in _SKIPPED:
            k -= 1
        before = k >= 0 and items[k].kind in ("num", "people_num") and not items[k].unknown
    loose_people: list[Item] = []
    for n, item in enumerate(items):
        if item.kind not in ("num", "people_num", "xcount") or item.unknown:
            continue
        step = 1 if before and item.kind != "xcount" else -1
        target = _neighbour_service(items, n, step)
        if target is not None:
            target.counted = True
            target.count = item.value if _valid(item, state) else 0
            if item.kind == "people_num" and step < 0:
                _people_of_each(items, n, target, state)
        elif item.kind == "people_num":
            loose_people.append(item)
        else:
            item.unknown = True
    if loose_people:
        _place_people(loose_people, [items[n] for n in services], state)
    if not before and len(services) > 1:
        _level_two_count(items, state)
    last_at: dict[str, int] = {}
    for service in items:
        if service.kind != "service":
            continue
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


def _people_of_each(items: list[Item], at: int, target: Item, state: Reading) -> None:
    """ "cài vneid và kích hoạt mức 2 cho 5 người": 5 each (likelier) or 1 and 5? Ask."""
    chain: list[Item] = []
    k = items.index(target) - 1
    while k >= 0 and items[k].kind in (*_SKIPPED, "service"):
        if items[k].kind == "service":
            if items[k].counted:
                break
            chain.append(items[k])
        k -= 1
    if not chain:
        return
    state.doubts.append(items[at].start)
    if items[at].start not in state.flips:
        for service in chain:
            service.counted, service.count = True, target.count


def _level_two_count(items: list[Item], state: Reading) -> None:
    """ "vneid 3 mức 2": level 2 for 3 (likelier), or VNeID 3 and level 2 once? Ask."""
    for n in range(len(items) - 2):
        base, count, level = items[n : n + 3]
        if (
            base.kind == "service"
            and base.counted
            and count.kind in ("num", "xcount")
            and not count.unknown
            and level.kind == "service"
            and not level.counted
            and (base.value, level.value) == (state.base, state.level_two)
            and state.base is not None
        ):
            state.doubts.append(level.start)
            if level.start not in state.flips:
                level.counted, level.count = True, base.count
                base.kind = "filler"


def _place_people(people: list[Item], services: list[Item], state: Reading) -> None:
    """`N người` no service took: the count of the one service named without one, else people."""
    valid = [item.value for item in people if _valid(item, state)]
    if people and len(services) == 1 and not services[0].counted:
        services[0].counted = True  # "cài vneid cho 2 hộ, 5 người" is vneid 5
        services[0].count = sum(valid) if len(valid) == len(people) else 0
    elif valid:
        state.people = (state.people or 0) + sum(valid)
