"""Day words and typed dates (pure, no I/O)."""

from __future__ import annotations

import re
from datetime import date, timedelta

MAX_DAYS_BACK = 31

# how many days back each day word means
DAY_WORDS: dict[str, int] = {
    "hôm nay": 0,
    "hnay": 0,
    "sáng nay": 0,
    "trưa nay": 0,
    "chiều nay": 0,
    "tối nay": 0,
    "hôm qua": 1,
    "hqua": 1,
    "sáng qua": 1,
    "trưa qua": 1,
    "chiều qua": 1,
    "tối qua": 1,
    "hôm kia": 2,
    "hkia": 2,
}

# days of the week as typed -> Monday 0 … Sunday 6; `hôm` before them is ignored
_WEEKDAY_NAMES = (
    ("2", "hai"),
    ("3", "ba"),
    ("4", "tư"),
    ("5", "năm"),
    ("6", "sáu"),
    ("7", "bảy", "bẩy"),
)
WEEKDAY_WORDS: dict[str, int] = {
    **{f"thứ {name}": n for n, names in enumerate(_WEEKDAY_NAMES) for name in names},
    **{f"t{names[0]}": n for n, names in enumerate(_WEEKDAY_NAMES)},
    "chủ nhật": 6,
    "cn": 6,
}
WEEKDAY_WORDS |= {f"hôm {word}": n for word, n in WEEKDAY_WORDS.items()}
# a part of the day goes with any day phrase ("chiều thứ 2", "sáng hôm qua", "tối cn")
PARTS_OF_DAY = ("sáng", "trưa", "chiều", "tối")
# before a date ("sáng 20/11"), typed with their diacritics or with none
PARTS_OF_DAY_TYPED = frozenset({*PARTS_OF_DAY, "sang", "trua", "chieu", "toi"})
DAY_WORDS |= {
    f"{part} {word}": n
    for part in PARTS_OF_DAY
    for word, n in list(DAY_WORDS.items())
    if word.split()[0] not in PARTS_OF_DAY
}
WEEKDAY_WORDS |= {
    f"{part} {word}": n for part in PARTS_OF_DAY for word, n in list(WEEKDAY_WORDS.items())
}

_DATE = re.compile(r"([0-9]{1,2})[/-]([0-9]{1,2})(?:[/-]([0-9]{2,4}))?")
_FULL_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")  # 31/12/2026
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")  # 2026-12-31


def parse_full_date(raw: str) -> date | None:
    """A whole date as an officer types it, `dd/mm/yyyy` (also with `-` or `.`) or
    `yyyy-mm-dd`; None when it is neither or no such day exists."""
    text = raw.strip()
    if m := _FULL_DATE.fullmatch(text):
        return _make(int(m.group(4)), int(m.group(3)), int(m.group(1)))
    if m := _ISO_DATE.fullmatch(text):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def parse_typed_date(raw: str, *, today: date) -> date | None:
    """`dd/mm`, `dd-mm` or `dd/mm/yyyy` as a day; None when no such day exists.

    A `dd/mm` that is still ahead this year means last year when that is within
    31 days back (a note for 30/12 written on 2 January).
    """
    m = _DATE.fullmatch(raw)
    if not m:
        return None
    day, month = int(m.group(1)), int(m.group(2))
    year_text = m.group(3)
    if year_text is not None:
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000
        elif len(year_text) != 4:
            return None
        return _make(year, month, day)
    this_year = _make(today.year, month, day)
    if this_year is None:
        # 29/02 in a common year may still be last leap year's day: not within 31 days
        return None
    if this_year > today:
        last_year = _make(today.year - 1, month, day)
        if last_year is not None and (today - last_year).days <= MAX_DAYS_BACK:
            return last_year
    return this_year


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def day_from_offset(days_back: int, *, today: date) -> date:
    """The day a day word means."""
    return today - timedelta(days=days_back)


def latest_weekday(weekday: int, *, today: date) -> date:
    """The latest day on or before today that falls on this day of the week (Monday 0)."""
    return today - timedelta(days=(today.weekday() - weekday) % 7)


def date_problem(day: date, *, today: date) -> str | None:
    """`future_date` or `too_old` when a day cannot be logged, else None."""
    if day > today:
        return "future_date"
    if (today - day).days > MAX_DAYS_BACK:
        return "too_old"
    return None
