"""The committee's agenda and the result of its decisions: plain functions over figures.

No Odoo import: the models gather the figures (the KPI service, grouped counts) and call
these functions to rank what the committee should look at and to report a decision's
result against its baseline."""

# KPIs where a lower value is the better one (a decision aiming at them wants them down)
LOWER_IS_BETTER = frozenset(
    {
        "acquisition_cost",
        "cac",
        "customers_lost",
        "churn_rate",
        "lead_to_order_days",
        "campaign_cost",
        "complaints",
        "complaint_first_response_hours",
        "complaint_resolution_hours",
        "complaint_compensation",
        "late_delivery_rate",
        "returns",
        "overdue_amount",
        "overdue_mvc",
    }
)


def biggest_moves(rows, limit=5):
    """The KPI rows that moved most against the previous period.

    :param rows: iterable of dicts with at least ``key`` and ``trend`` (relative change in
        %, None when not comparable), as the KPI service's comparison gives them
    :param limit: how many to keep
    :returns: the rows with a defined, non-zero trend, largest absolute change first (ties
        in the rows' order), each with ``improved`` (True when it moved the good way)
    """
    if limit < 0:
        raise ValueError("the limit cannot be negative")
    moved = [dict(row) for row in rows if row.get("trend")]
    moved.sort(key=lambda row: -abs(row["trend"]))
    for row in moved:
        row["improved"] = is_improvement(row["key"], row["trend"])
    return moved[:limit]


def rising(current, previous, limit=5):
    """What counts more in this period than in the previous one.

    :param current: {key: count} of the period
    :param previous: {key: count} of the previous period
    :returns: [(key, current count, previous count)] for the keys that rose, the largest
        rise first, then the largest current count, then the key
    """
    if limit < 0:
        raise ValueError("the limit cannot be negative")
    rows = [
        (key, count, previous.get(key, 0))
        for key, count in current.items()
        if count > previous.get(key, 0)
    ]
    rows.sort(key=lambda row: (-(row[1] - row[2]), -row[1], str(row[0])))
    return rows[:limit]


def is_improvement(key, change):
    """Whether a change of ``change`` (any sign) of KPI ``key`` is for the better; None when
    there is no change to judge."""
    if change is None or change == 0:
        return None
    return change < 0 if key in LOWER_IS_BETTER else change > 0


def decision_result(key, baseline, result):
    """The result of a decision on KPI ``key``: the change from the baseline.

    :returns: dict with ``change`` (result - baseline, None when either is undefined) and
        ``improved`` (see :func:`is_improvement`)
    """
    if baseline is None or result is None:
        return {"change": None, "improved": None}
    change = result - baseline
    return {"change": change, "improved": is_improvement(key, change)}
