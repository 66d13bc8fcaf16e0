"""Customer KPIs: the formulas, with 'not defined' (None) instead of a division error.

Every ratio returns None when its denominator is zero or unknown; the dashboard shows None
as "not defined". Percentages are 0-100.
"""

import calendar
from datetime import date, timedelta

import numpy as np
import pandas as pd


def ratio(numerator, denominator):
    """numerator / denominator, or None when the denominator is zero or missing."""
    if numerator is None or denominator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def percent(numerator, denominator):
    value = ratio(numerator, denominator)
    return None if value is None else 100.0 * value


def cac(acquisition_cost, customers_acquired):
    """Customer acquisition cost: cost of the period / customers acquired in it."""
    return ratio(acquisition_cost, customers_acquired)


def churn_rate(lost, active_at_start):
    """% of the customers active at the start of the period lost during it."""
    return percent(lost, active_at_start)


def retention_rate(churn):
    return None if churn is None else 100.0 - churn


def nps(scores):
    """Net Promoter Score of 0-10 answers: % promoters (9-10) - % detractors (0-6)."""
    scores = np.asarray([s for s in scores if s is not None], dtype=float)
    if not len(scores):
        return None
    return 100.0 * (np.mean(scores >= 9) - np.mean(scores <= 6))


def csat(scores, satisfied_from=4):
    """% satisfied answers (4-5 on a 1-5 scale)."""
    scores = np.asarray([s for s in scores if s is not None], dtype=float)
    if not len(scores):
        return None
    return 100.0 * float(np.mean(scores >= satisfied_from))


def conversion_rate(won, lost):
    """% of the leads closed in the period that were won."""
    return percent(won, won + lost)


def roi(margin, cost):
    """Return on an initiative: (margin attributed - cost) / cost, in %."""
    value = ratio(None if margin is None else margin - (cost or 0.0), cost)
    return None if value is None else 100.0 * value


def trend(current, previous):
    """Relative change against the previous period in %, None when not comparable."""
    if current is None or previous is None or not previous:
        return None
    return 100.0 * (current - previous) / abs(previous)


def _month_end(d):
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _add_months(d, months):
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(d.day, calendar.monthrange(year, month + 1)[1]))


def previous_period(date_from, date_to):
    """The period just before [date_from, date_to]: the same number of whole months when the
    period is made of whole months (January -> December of the year before; Q1 -> Q4), else
    the same number of days."""
    if date_from > date_to:
        raise ValueError("the period ends before it starts")
    if date_from.day == 1 and date_to == _month_end(date_to):
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        start = _add_months(date_from, -months)
        return start, date_from - timedelta(days=1)
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)


def month_index(dates):
    """Months since year 0 of each date: consecutive months differ by one."""
    dates = pd.to_datetime(pd.Series(dates))
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy()


def cohort_retention(purchases, max_months=12):
    """Cohort retention matrix from purchases (DataFrame with ``partner_id`` and ``date``).

    A customer's cohort is the month of the first purchase; the customer counts as retained
    in month k (0 = the acquisition month) when buying in that month. Returns a DataFrame
    indexed by cohort month (``YYYY-MM``) with the ``customers`` of the cohort and one
    column per month offset 0..max_months holding the % of the cohort buying then.
    """
    columns = ["customers"] + list(range(max_months + 1))
    if purchases.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {"partner_id": purchases["partner_id"].to_numpy(), "month": month_index(purchases["date"])}
    ).drop_duplicates()
    first = frame.groupby("partner_id")["month"].transform("min")
    frame["cohort"] = first
    frame["offset"] = frame["month"] - first
    frame = frame[frame["offset"] <= max_months]
    sizes = frame[frame["offset"] == 0].groupby("cohort")["partner_id"].nunique()
    counts = frame.pivot_table(
        index="cohort", columns="offset", values="partner_id", aggfunc="nunique", fill_value=0
    )
    counts = counts.reindex(columns=range(max_months + 1), fill_value=0)
    matrix = counts.div(sizes, axis=0) * 100.0
    matrix.insert(0, "customers", sizes)
    matrix.index = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in matrix.index]
    matrix.index.name = "cohort"
    return matrix
