"""What /xuat's period words and ranges mean, on Monday 30/11/2026."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.parsing.dates import parse_full_date
from handlers.parsing.periods import Period, PeriodProblem, parse_period

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("", date(2026, 10, 1), TODAY),  # nothing typed: this quarter so far
        ("quy", date(2026, 10, 1), TODAY),
        ("Quý", date(2026, 10, 1), TODAY),
        ("  quý   nay ", date(2026, 10, 1), TODAY),
        ("tuan", date(2026, 11, 30), TODAY),
        ("tuần trước", date(2026, 11, 23), date(2026, 11, 29)),
        ("thang", date(2026, 11, 1), TODAY),
        ("tháng trước", date(2026, 10, 1), date(2026, 10, 31)),
        ("quy truoc", date(2026, 7, 1), date(2026, 9, 30)),
        ("năm", date(2026, 1, 1), TODAY),
        ("nam truoc", date(2025, 1, 1), date(2025, 12, 31)),
        ("01/10/2026-31/12/2026", date(2026, 10, 1), TODAY),  # no further than today
        ("1/10/2026 - 15/11/2026", date(2026, 10, 1), date(2026, 11, 15)),
        ("1/10/2026 đến 15/11/2026", date(2026, 10, 1), date(2026, 11, 15)),
        ("01.07.2026-30.09.2026", date(2026, 7, 1), date(2026, 9, 30)),
        ("1/11-15/11", date(2026, 11, 1), date(2026, 11, 15)),
        ("từ 1/11/2026 đến 15/11/2026", date(2026, 11, 1), date(2026, 11, 15)),
        # as the CLI takes dates too: YYYY-MM-DD, whose own dashes are not the range's
        ("2026-10-01-2026-11-15", date(2026, 10, 1), date(2026, 11, 15)),
        ("2026-10-01 - 2026-11-15", date(2026, 10, 1), date(2026, 11, 15)),
        ("từ 2026-10-01 đến 2026-11-15", date(2026, 10, 1), date(2026, 11, 15)),
        ("01/10/2026 đến 2026-11-15", date(2026, 10, 1), date(2026, 11, 15)),
    ],
)
def test_a_typed_period_means_these_days(typed: str, start: date, end: date):
    assert parse_period(typed, today=TODAY) == Period(start, end)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("hôm qua", "unknown"),
        ("quy 3 nam ngoai", "unknown"),
        ("31/02/2026-01/03/2026", "bad_date"),
        ("2026-02-31-2026-03-01", "bad_date"),
        ("15/11/2026-01/11/2026", "reversed"),
    ],
)
def test_a_period_that_cannot_be_read_says_why(typed: str, reason: str):
    assert parse_period(typed, today=TODAY) == PeriodProblem(reason)


def test_last_quarter_in_january_is_the_previous_years_fourth():
    assert parse_period("quy truoc", today=date(2027, 1, 5)) == Period(
        date(2026, 10, 1), date(2026, 12, 31)
    )


@pytest.mark.parametrize(
    "typed",
    ["31/12/2026", "31-12-2026", "31.12.2026", "2026-12-31", " 31/12/2026 ", "2026-12-31"],
)
def test_a_whole_date_is_read_as_the_ward_writes_it_or_as_iso(typed: str):
    assert parse_full_date(typed) == date(2026, 12, 31)


@pytest.mark.parametrize(
    "typed", ["31/12", "31/02/2026", "2026-02-31", "12/31/2026", "31/12-2026", "2026/12/31", ""]
)
def test_a_date_without_its_year_or_that_does_not_exist_is_not_read(typed: str):
    assert parse_full_date(typed) is None
