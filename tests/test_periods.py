"""Calendar periods, hand-computed at the Nowruz boundary and in the Jalali leap year 1403
(Esfand 1403 has 30 days: 1403-12-30 = 2025-03-20, 1 Farvardin 1404 = 2025-03-21;
1 Farvardin 1403 = 2024-03-20)."""

from datetime import date

import pytest
from analytics import periods
from analytics.periods import GREGORIAN, JALALI


def test_gregorian_periods():
    day = date(2026, 2, 14)
    assert periods.period_of(day, "month") == (date(2026, 2, 1), date(2026, 2, 28))
    assert periods.period_of(day, "quarter") == (date(2026, 1, 1), date(2026, 3, 31))
    assert periods.period_of(day, "year") == (date(2026, 1, 1), date(2026, 12, 31))
    assert periods.preset("last_month", day) == (date(2026, 1, 1), date(2026, 1, 31))
    assert periods.preset("last_quarter", day) == (date(2025, 10, 1), date(2025, 12, 31))
    assert periods.preset("last_year", day) == (date(2025, 1, 1), date(2025, 12, 31))
    # leap February 2024
    assert periods.period_of(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))


def test_jalali_month_at_nowruz_in_a_leap_year():
    # 20 March 2025 is Esfand 30, 1403: the last day of the leap year 1403
    assert periods.year_month(date(2025, 3, 20), JALALI) == (1403, 12)
    assert periods.year_month(date(2025, 3, 21), JALALI) == (1404, 1)
    esfand = periods.period_of(date(2025, 3, 1), "month", JALALI)
    assert esfand == (date(2025, 2, 19), date(2025, 3, 20))  # 30 days
    assert (esfand[1] - esfand[0]).days + 1 == 30
    farvardin = periods.period_of(date(2025, 3, 21), "month", JALALI)
    assert farvardin == (date(2025, 3, 21), date(2025, 4, 20))  # 31 days
    # Esfand 1402 (not leap): 29 days, 1 Farvardin 1403 = 20 March 2024
    esfand_1402 = periods.period_of(date(2024, 3, 1), "month", JALALI)
    assert esfand_1402 == (date(2024, 2, 20), date(2024, 3, 19))
    assert periods.month_start(1403, 1, JALALI) == date(2024, 3, 20)


def test_jalali_year_and_quarters_start_at_nowruz():
    assert periods.period_of(date(2025, 1, 1), "year", JALALI) == (
        date(2024, 3, 20),
        date(2025, 3, 20),
    )  # 1403: 366 days
    assert periods.period_of(date(2025, 3, 21), "year", JALALI) == (
        date(2025, 3, 21),
        date(2026, 3, 20),
    )
    # Q1 1404 = Farvardin to Khordad (31 + 31 + 31 days)
    assert periods.period_of(date(2025, 5, 1), "quarter", JALALI) == (
        date(2025, 3, 21),
        date(2025, 6, 21),
    )
    # Q4 1403 = Dey to Esfand: 1 Dey 1403 = 21 December 2024
    assert periods.period_of(date(2025, 3, 20), "quarter", JALALI) == (
        date(2024, 12, 21),
        date(2025, 3, 20),
    )


def test_previous_periods_across_nowruz():
    farvardin = (date(2025, 3, 21), date(2025, 4, 20))
    assert periods.previous_period(*farvardin, JALALI) == (date(2025, 2, 19), date(2025, 3, 20))
    assert periods.preset("last_year", date(2025, 4, 1), JALALI) == (
        date(2024, 3, 20),
        date(2025, 3, 20),
    )
    assert periods.preset("last_quarter", date(2025, 4, 1), JALALI) == (
        date(2024, 12, 21),
        date(2025, 3, 20),
    )
    # the same dates in the Gregorian calendar are no whole months: the same number of days
    assert periods.previous_period(*farvardin, GREGORIAN) == (date(2025, 2, 18), date(2025, 3, 20))
    # Gregorian whole months: January -> December
    assert periods.previous_period(date(2026, 1, 1), date(2026, 1, 31)) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
    )
    with pytest.raises(ValueError):
        periods.previous_period(date(2026, 2, 1), date(2026, 1, 1))


def test_last_twelve_months_and_labels():
    months = periods.last_periods(date(2025, 3, 25), "month", 12, JALALI)
    assert len(months) == 12
    assert months[-1] == (date(2025, 3, 21), date(2025, 4, 20))  # Farvardin 1404
    assert months[0] == (date(2024, 4, 20), date(2024, 5, 20))  # Ordibehesht 1403
    # consecutive: each period starts the day after the one before ends
    assert all((b[0] - a[1]).days == 1 for a, b in zip(months, months[1:], strict=False))
    assert periods.period_label(months[-1], "month", JALALI) == "1404/01"
    assert periods.period_label(months[-1], "quarter", JALALI) == "1404 Q1"
    assert periods.period_label((date(2026, 2, 1), date(2026, 2, 28))) == "2026-02"
    assert periods.format_date(date(2025, 3, 21), JALALI) == "1404/01/01"
    assert periods.format_date(date(2025, 3, 20), JALALI) == "1403/12/30"


def test_bad_input():
    with pytest.raises(ValueError):
        periods.period_of(date(2025, 1, 1), "week")
    with pytest.raises(ValueError):
        periods.period_of(date(2025, 1, 1), "month", "hebrew")
    with pytest.raises(ValueError):
        periods.preset("next_month", date(2025, 1, 1))
