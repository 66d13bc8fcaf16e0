"""Calendar periods (month, quarter, year) in the Gregorian or the Jalali (Solar Hijri)
calendar, as Gregorian ``datetime.date`` bounds, both inclusive.

The Jalali year starts at Nowruz (1 Farvardin); its months have 31 days (Farvardin to
Shahrivar), 30 (Mehr to Bahman) and 29 or, in a leap year, 30 (Esfand); its quarters are
Farvardin-Khordad, Tir-Shahrivar, Mehr-Azar and Dey-Esfand. Conversions by ``jdatetime``.
"""

from datetime import date, timedelta

import jdatetime

GREGORIAN = "gregorian"
JALALI = "jalali"
CALENDARS = (GREGORIAN, JALALI)
# months in a period of each kind
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _check(calendar, kind=None):
    if calendar not in CALENDARS:
        raise ValueError(f"unknown calendar {calendar!r}")
    if kind is not None and kind not in PERIOD_MONTHS:
        raise ValueError(f"unknown period kind {kind!r}")


def year_month(day, calendar=GREGORIAN):
    """(year, month) of a Gregorian date in the calendar."""
    _check(calendar)
    if calendar == JALALI:
        jday = jdatetime.date.fromgregorian(date=day)
        return jday.year, jday.month
    return day.year, day.month


def month_start(year, month, calendar=GREGORIAN):
    """Gregorian date of the first day of ``month`` of ``year`` (months may overflow:
    month 13 is the first month of the next year, month 0 the last of the year before)."""
    _check(calendar)
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    if calendar == JALALI:
        return jdatetime.date(year, month, 1).togregorian()
    return date(year, month, 1)


def period_of(day, kind="month", calendar=GREGORIAN):
    """(first day, last day) of the month, quarter or year containing ``day``."""
    _check(calendar, kind)
    size = PERIOD_MONTHS[kind]
    year, month = year_month(day, calendar)
    first = (month - 1) // size * size + 1
    start = month_start(year, first, calendar)
    return start, month_start(year, first + size, calendar) - timedelta(days=1)


def shift(period, kind, steps, calendar=GREGORIAN):
    """The period ``steps`` periods of ``kind`` after ``period`` (before when negative),
    ``period`` being the (first, last) day of such a period."""
    _check(calendar, kind)
    size = PERIOD_MONTHS[kind]
    year, month = year_month(period[0], calendar)
    start = month_start(year, month + steps * size, calendar)
    return start, month_start(year, month + (steps + 1) * size, calendar) - timedelta(days=1)


def whole_months(date_from, date_to, calendar=GREGORIAN):
    """Number of whole months of the calendar [date_from, date_to] spans, None when the
    bounds are not a month's first and last days."""
    _check(calendar)
    if date_from > date_to:
        raise ValueError("the period ends before it starts")
    y1, m1 = year_month(date_from, calendar)
    y2, m2 = year_month(date_to + timedelta(days=1), calendar)
    if month_start(y1, m1, calendar) != date_from or month_start(y2, m2, calendar) != (
        date_to + timedelta(days=1)
    ):
        return None
    return (y2 - y1) * 12 + m2 - m1


def previous_period(date_from, date_to, calendar=GREGORIAN):
    """The period just before [date_from, date_to]: the same number of whole months of the
    calendar when the period is made of whole months (Farvardin -> Esfand of the year
    before), else the same number of days."""
    months = whole_months(date_from, date_to, calendar)
    if months:
        year, month = year_month(date_from, calendar)
        return month_start(year, month - months, calendar), date_from - timedelta(days=1)
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)


def last_periods(day, kind="month", count=12, calendar=GREGORIAN):
    """The ``count`` periods of ``kind`` ending with the one containing ``day``, oldest
    first: [(first day, last day), ...]."""
    current = period_of(day, kind, calendar)
    return [shift(current, kind, step, calendar) for step in range(1 - count, 1)]


def preset(name, today, calendar=GREGORIAN):
    """The dashboard's period presets: ``this_month``, ``this_quarter``, ``this_year``,
    ``last_month``, ``last_quarter``, ``last_year`` of ``today``."""
    when, __, kind = name.partition("_")
    if when not in ("this", "last") or kind not in PERIOD_MONTHS:
        raise ValueError(f"unknown period preset {name!r}")
    period = period_of(today, kind, calendar)
    return period if when == "this" else shift(period, kind, -1, calendar)


def format_date(day, calendar=GREGORIAN):
    """``day`` written in the calendar, year first: 2025-03-21 or 1404/01/01."""
    _check(calendar)
    if calendar == JALALI:
        return jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d")
    return day.isoformat()


def period_label(period, kind="month", calendar=GREGORIAN):
    """A short label of a period: 2025-03, 2025 Q1, 2025; 1404/01, 1404 Q1, 1404."""
    _check(calendar, kind)
    year, month = year_month(period[0], calendar)
    if kind == "year":
        return str(year)
    if kind == "quarter":
        return f"{year} Q{(month - 1) // 3 + 1}"
    return f"{year}/{month:02d}" if calendar == JALALI else f"{year}-{month:02d}"
