"""The directive's "trước ngày …" deadlines: last days and reminder days of 2026."""

from __future__ import annotations

from datetime import date

import pytest

from schedules.rules import Repeat, Rule, reminder_days

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def days(found: list[tuple[str, date]]) -> list[str]:
    return [f"{period} {day:%d/%m}" for period, day in found]


def test_quarterly_before_the_15th_means_the_14th_of_march_june_september_december():
    rule = Rule(Repeat.QUARTERLY, date(2026, 3, 15))
    assert days(rule.last_days(*YEAR)) == [
        "2026-Q1 14/03",
        "2026-Q2 14/06",
        "2026-Q3 14/09",
        "2026-Q4 14/12",
    ]


def test_the_annual_report_before_25_10_is_due_on_24_10():
    assert days(Rule(Repeat.YEARLY, date(2026, 10, 25)).last_days(*YEAR)) == ["2026 24/10"]


def test_a_one_off_deadline_before_20_04_2026_is_due_on_19_04():
    rule = Rule(Repeat.ONCE, date(2026, 4, 20))
    assert days(rule.last_days(*YEAR)) == ["2026-04-20 19/04"]
    assert rule.last_days(date(2027, 1, 1), date(2027, 12, 31)) == []


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [
        (date(2026, 6, 14), ["07/06", "11/06", "13/06", "14/06"]),
        (date(2026, 10, 24), ["17/10", "21/10", "23/10", "24/10"]),
    ],
)
def test_reminders_go_7_3_1_and_0_days_before_the_last_day(last_day: date, expected: list[str]):
    assert [d.strftime("%d/%m") for d in reminder_days(last_day)] == expected


def test_a_report_counts_for_the_next_last_day_from_the_day_it_is_sent():
    rule = Rule(Repeat.QUARTERLY, date(2026, 3, 15))
    assert rule.period_of(date(2026, 6, 14)) == ("2026-Q2", date(2026, 6, 14))
    assert rule.period_of(date(2026, 6, 15)) == ("2026-Q3", date(2026, 9, 14))
    assert rule.period_of(date(2026, 12, 20)) == ("2027-Q1", date(2027, 3, 14))


def test_a_day_the_month_lacks_falls_back_to_the_months_last_day():
    rule = Rule(Repeat.QUARTERLY, date(2026, 1, 31))  # "before the 31st": June has 30 days
    assert [d for _, d in rule.last_days(*YEAR)][1] == date(2026, 6, 29)
