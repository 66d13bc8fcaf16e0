"""Actual value, cost to serve, net value and the Peppers & Rogers value tiers.

All amounts are in one currency (the company's); all inputs are pandas Series or numpy
arrays aligned on customers.
"""

import numpy as np

TIERS = [
    ("mvc", "Most valuable"),
    ("mgc", "Most growable"),
    ("maintain", "Maintain"),
    ("bz", "Below zero"),
]


def cost_to_serve(
    orders, deliveries, returns, complaints, late_amount_days, unit_costs, contacts=0.0
):
    """Estimated cost to serve.

    :param contacts: contacts with the customer (calls, e-mails, meetings, visits...),
        each at ``unit_costs["contact"]``
    :param late_amount_days: sum over invoices of amount x days paid late (or overdue today)
    :param unit_costs: dict with ``order``, ``delivery``, ``return``, ``complaint`` (money per
        document) and ``capital_rate`` (annual cost of capital, 0.08 = 8 %)
    """
    return (
        np.asarray(orders, float) * unit_costs.get("order", 0.0)
        + np.asarray(deliveries, float) * unit_costs.get("delivery", 0.0)
        + np.asarray(returns, float) * unit_costs.get("return", 0.0)
        + np.asarray(complaints, float) * unit_costs.get("complaint", 0.0)
        + np.asarray(late_amount_days, float) * unit_costs.get("capital_rate", 0.0) / 365.0
        + np.asarray(contacts, float) * unit_costs.get("contact", 0.0)
    )


def value_tiers(
    net_value,
    predicted_value,
    actual_value,
    active,
    mvc_share=0.2,
    mgc_growth_ratio=1.5,
    mvc_threshold=None,
):
    """Tier of each customer.

    - ``bz`` (below zero): net value < 0, they cost more to serve than they bring;
    - ``mvc``: the top ``mvc_share`` of the active customers with a positive net value,
      ranked by net value (or, when ``mvc_threshold`` is given, those whose net value
      reaches it: scoring a few customers against an earlier population);
    - ``mgc``: the others whose predicted value is at least ``mgc_growth_ratio`` times
      their actual value (they could give much more than they do);
    - ``maintain``: the rest of the active customers; inactive ones with no value get None.
    """
    if not 0 <= mvc_share <= 1:
        raise ValueError("the most-valuable share must be between 0 and 1")
    net = np.asarray(net_value, float)
    predicted = np.nan_to_num(np.asarray(predicted_value, float))
    actual = np.asarray(actual_value, float)
    active = np.asarray(active, bool)
    tiers = np.full(net.shape, None, dtype=object)
    tiers[active] = "maintain"
    positive = active & (net > 0)
    if mvc_threshold is not None:
        tiers[positive & (net >= mvc_threshold)] = "mvc"
    else:
        n_mvc = int(np.floor(positive.sum() * mvc_share + 1e-9))
        if n_mvc:
            # rank by net value, ties broken by position for a stable, exact count
            order = np.argsort(-np.where(positive, net, -np.inf), kind="stable")
            tiers[order[:n_mvc]] = "mvc"
    growable = active & (tiers != "mvc") & (predicted >= mgc_growth_ratio * np.maximum(actual, 0))
    growable &= predicted > 0
    tiers[growable] = "mgc"
    tiers[net < 0] = "bz"
    return tiers


def completeness(filled):
    """Data-completeness score (0-100) and the missing items.

    :param filled: DataFrame of booleans, one row per customer, one column per key item
        (the column name is the label shown to the user)
    :returns: (array of scores, array of "label, label" strings of the missing items)
    """
    if filled.shape[1] == 0:
        raise ValueError("no completeness items")
    flags = filled.to_numpy(dtype=bool)
    scores = flags.mean(axis=1) * 100.0
    missing = np.full(len(filled), "", dtype=object)
    for i, label in enumerate(filled.columns):
        missing = np.where(
            flags[:, i], missing, np.where(missing == "", label, missing + ", " + label)
        )
    return scores, missing
