"""RFM scoring: recency, frequency and monetary value scored 1-5 by quintiles.

Scores are computed among one company's *active* customers (at least one confirmed order).
5 is always best: the most recent, the most frequent, the highest spending. The quintile
breakpoints are returned too, so that one customer can later be scored against the same
population without recomputing it (the single-customer refresh).
"""

import numpy as np
import pandas as pd

QUINTILES = (0.2, 0.4, 0.6, 0.8)

# Segment names from the (R, mean of F and M) grid commonly used for RFM marketing.
SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential loyalist"),
    ("new", "New customer"),
    ("promising", "Promising"),
    ("need_attention", "Needs attention"),
    ("about_to_sleep", "About to sleep"),
    ("at_risk", "At risk"),
    ("cannot_lose", "Cannot lose them"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
    # not scored: no confirmed order (a profile from invoices or complaints only)
    ("no_order", "No order yet"),
]


def breakpoints(values):
    """The four quintile breakpoints of ``values`` (NaN ignored); empty -> all NaN."""
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return [float("nan")] * 4
    return [float(v) for v in np.quantile(arr, QUINTILES)]


def score(values, cuts, higher_is_better=True):
    """Score each value 1-5 against quintile ``cuts``. A value equal to a breakpoint falls in
    the lower quintile, so ties share a score. NaN scores 0 (no data)."""
    arr = np.asarray(values, dtype=float)
    cuts = np.asarray(cuts, dtype=float)
    if np.isnan(cuts).any():  # no population to score against
        return np.zeros(arr.shape, dtype=int)
    quint = np.searchsorted(cuts, arr, side="left") + 1  # 1..5, low values -> 1
    if not higher_is_better:
        quint = 6 - quint
    return np.where(np.isfinite(arr), quint, 0).astype(int)


def segment(r, f, m):
    """RFM segment key from the three scores (arrays of ints 1-5, 0 = no data)."""
    r = np.asarray(r)
    fm = (np.asarray(f) + np.asarray(m)) / 2.0
    rules = [
        ("champions", (r >= 4) & (fm >= 4)),
        ("loyal", (r >= 3) & (fm >= 3)),
        ("potential_loyalist", (r >= 4) & (fm >= 2)),
        ("new", r >= 4),
        ("promising", (r == 3) & (fm < 2)),
        ("need_attention", r == 3),
        ("at_risk", (r == 2) & (fm >= 3)),
        ("cannot_lose", (r == 1) & (fm >= 4)),
        ("about_to_sleep", r == 2),
        ("hibernating", (r == 1) & (fm >= 2)),
    ]
    conditions = [cond for _key, cond in rules]
    choices = [key for key, _cond in rules]
    out = np.select(conditions, choices, default="lost")
    return np.where(r == 0, None, out)


def rfm_scores(recency_days, frequency, monetary, cuts=None):
    """Score customers; ``cuts`` (from a previous call) scores against that population.

    :returns: (DataFrame with r_score, f_score, m_score, rfm_score, rfm_segment; cuts dict)
    """
    if cuts is None:
        cuts = {
            "recency": breakpoints(recency_days),
            "frequency": breakpoints(frequency),
            "monetary": breakpoints(monetary),
        }
    r = score(recency_days, cuts["recency"], higher_is_better=False)
    f = score(frequency, cuts["frequency"])
    m = score(monetary, cuts["monetary"])
    out = pd.DataFrame({"r_score": r, "f_score": f, "m_score": m})
    has = (r > 0) & (f > 0) & (m > 0)
    digits = np.char.add(np.char.add(r.astype(str), f.astype(str)), m.astype(str))
    out["rfm_score"] = pd.Series(np.where(has, digits, None), dtype=object)
    out["rfm_segment"] = pd.Series(np.where(has, segment(r, f, m), "no_order"), dtype=object)
    return out, cuts
