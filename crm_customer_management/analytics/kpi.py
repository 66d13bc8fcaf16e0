"""Customer KPIs: the formulas, with 'not defined' (None) instead of a division error.

Every ratio returns None when its denominator is zero or unknown; the dashboard shows None
as "not defined". Percentages are 0-100.
"""

import calendar
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .value import cost_to_serve


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


# Satisfaction scales: NPS answers 0-10, CSAT answers 1-5. The SQL of the reports and the
# lifecycle rules take their thresholds from here.
NPS_PROMOTER_MIN = 9  # 9-10: promoters
NPS_DETRACTOR_MAX = 6  # 0-6: detractors
CSAT_SATISFIED_MIN = 4  # 4-5: satisfied; 1-3 not


def retention_rate(churn):
    return None if churn is None else 100.0 - churn


def nps(scores):
    """Net Promoter Score of 0-10 answers: % promoters (9-10) - % detractors (0-6)."""
    scores = np.asarray([s for s in scores if s is not None], dtype=float)
    if not len(scores):
        return None
    return 100.0 * (np.mean(scores >= NPS_PROMOTER_MIN) - np.mean(scores <= NPS_DETRACTOR_MAX))


def csat(scores, satisfied_from=CSAT_SATISFIED_MIN):
    """% satisfied answers (4-5 on a 1-5 scale)."""
    scores = np.asarray([s for s in scores if s is not None], dtype=float)
    if not len(scores):
        return None
    return 100.0 * float(np.mean(scores >= satisfied_from))


def held_at_starts(intervals, count):
    """How many stage moves hold each of ``count`` instants (the starts of periods, sorted):
    ``intervals`` [(first, last, moves)], ``moves`` moves made after ``first`` of the
    instants (0 .. count: made before the first instant, ..., after the last) and followed
    by the next move after ``last`` of them (None: not followed, still the stage). Such a
    move holds the instants ``first + 1`` .. ``last``: it was made before them and the next
    move came on or after them. Returns [moves holding instant 1, ..., instant ``count``]."""
    held = [0] * count
    for first, last, moves in intervals:
        for instant in range(int(first) + 1, count + 1 if last is None else int(last) + 1):
            held[instant - 1] += moves
    return held


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


def judge(change, direction):
    """ "good", "bad" or "neutral": a change (in %) of a KPI whose rise is good
    (``direction`` 1), bad (-1) or neither (0)."""
    if not change or not direction:
        return "neutral"
    return "good" if change * direction > 0 else "bad"


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


STAFF_COUNTS = [
    "portfolio",
    "active_at_start",
    "customers_lost",
    "csat_satisfied",
    "csat_answers",
    "orders",
    "orders_previous",
    "margin",
    "margin_previous",
    "deliveries",
    "deliveries_previous",
    "returns",
    "returns_previous",
    "complaints",
    "complaints_previous",
    "complaints_handled",
    "handled_in_sla",
    "handled_with_deadline",
    "complaint_csat_satisfied",
    "complaint_csat_answers",
    "suggestions_made",
    "suggestions_implemented",
]


def staff_scorecard(counts, unit_costs):
    """Customer-centric KPIs per salesperson or agent from counted figures.

    :param counts: DataFrame indexed by person with (some of) the ``STAFF_COUNTS`` columns,
        absent ones count as 0: the person's portfolio (customers with orders), its active
        customers at the start of the period and those lost in it, its satisfaction answers
        (satisfied = 4-5 of 5), its orders, margin, deliveries, returns and complaints in the
        period and the one before (``*_previous``), and the complaints the person resolved
        in the period (in SLA, with a deadline, their CSAT answers), the suggestions the
        person made in the period and those of them implemented
    :param unit_costs: the cost-to-serve unit costs (see ``value.cost_to_serve``; the cost of
        capital of late payments is not counted per period)
    :returns: DataFrame with, per person, ``churn_rate``, ``retention_rate``, ``csat``,
        ``net_value`` (margin minus cost to serve of the period), ``net_value_previous``,
        ``net_value_growth`` (% change), ``complaint_sla_compliance`` and ``complaint_csat``;
        None where not defined
    """
    frame = counts.reindex(columns=STAFF_COUNTS).fillna(0)
    result = frame.copy()

    def net(suffix=""):
        return frame["margin" + suffix].to_numpy(float) - cost_to_serve(
            frame["orders" + suffix],
            frame["deliveries" + suffix],
            frame["returns" + suffix],
            frame["complaints" + suffix],
            np.zeros(len(frame)),
            unit_costs,
        )

    result["net_value"] = net()
    result["net_value_previous"] = net("_previous")
    derived = {
        "churn_rate": [],
        "retention_rate": [],
        "csat": [],
        "net_value_growth": [],
        "complaint_sla_compliance": [],
        "complaint_csat": [],
    }
    for row in result.itertuples():
        churn = churn_rate(row.customers_lost, row.active_at_start)
        derived["churn_rate"].append(churn)
        derived["retention_rate"].append(retention_rate(churn))
        derived["csat"].append(percent(row.csat_satisfied, row.csat_answers))
        derived["net_value_growth"].append(trend(row.net_value, row.net_value_previous))
        derived["complaint_sla_compliance"].append(
            percent(row.handled_in_sla, row.handled_with_deadline)
        )
        derived["complaint_csat"].append(
            percent(row.complaint_csat_satisfied, row.complaint_csat_answers)
        )
    for key, values in derived.items():
        result[key] = pd.Series(values, index=result.index, dtype=object)
    return result
