"""From raw per-customer figures to the full value profile.

``build_profiles`` is what the Odoo refresh service calls: it takes one DataFrame of raw
figures gathered by SQL (one row per commercial partner, one company), and returns the
derived columns plus the population state (RFM breakpoints, fitted BG/NBD and Gamma-Gamma
parameters) that a later single-customer refresh reuses.

Raw columns (missing ones count as 0/NaN):
    order_count, order_amount (untaxed, lifetime), first_order_date, last_order_date
    (datetime64), order_days (distinct days with a confirmed order),
    repeat_amount (amount of the orders after the first order day),
    revenue, revenue_12m, margin, margin_12m,
    paid_amount, paid_delay_amount (sum of amount x delay days), paid_count, paid_late_count,
    late_amount_days (amount x late days, paid late or overdue today), overdue_amount,
    delivered_qty, returned_qty, delivery_count, return_count, complaint_count,
    compensation_amount, contact_count (contacts with the customer, at a unit cost each),
    last_nps_score, last_nps_date
"""

import numpy as np
import pandas as pd

from . import clv, interaction, rfm, value

MIN_REPEAT_BUYERS = 10  # below this the BG/NBD / Gamma-Gamma fit is not meaningful

DEFAULTS = {
    "horizon_months": 12,
    "monthly_discount_rate": 0.01,
    "mvc_share": 0.2,
    "mgc_growth_ratio": 1.5,
    "unit_costs": {},
}


def _col(frame, name, default=0.0):
    if name in frame:
        return np.nan_to_num(frame[name].to_numpy(dtype=float, na_value=np.nan), nan=default)
    return np.full(len(frame), default, dtype=float)


def _days_between(later, earlier):
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days.astype(float).to_numpy()


def _ratio(num, den):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def build_profiles(raw, today, config=None, state=None):
    """Derive the value profile of every customer in ``raw``.

    :param raw: DataFrame indexed by partner id, raw columns as in the module docstring
    :param today: the reference date (``datetime.date`` or Timestamp)
    :param config: overrides of ``DEFAULTS``
    :param state: population state from a previous full run; when given, nothing is fitted
        and customers are scored against it (single-customer refresh)
    :returns: (DataFrame of derived columns indexed like ``raw``, state dict)
    """
    cfg = {**DEFAULTS, **(config or {})}
    today = pd.Timestamp(today)
    n = len(raw)
    out = {}  # column -> array (or scalar), made a DataFrame once at the end
    order_count = _col(raw, "order_count")
    active = order_count > 0

    # Sales
    out["avg_order_value"] = np.nan_to_num(_ratio(_col(raw, "order_amount"), order_count))
    last_order = (
        raw["last_order_date"] if "last_order_date" in raw else pd.Series(pd.NaT, index=raw.index)
    )
    recency = _days_between(pd.Series(today, index=raw.index), last_order)
    out["recency_days"] = recency

    # Accounting
    out["avg_payment_delay"] = _ratio(_col(raw, "paid_delay_amount"), _col(raw, "paid_amount"))
    out["late_payment_share"] = (
        _ratio(_col(raw, "paid_late_count"), _col(raw, "paid_count")) * 100.0
    )

    # Inventory
    out["return_rate"] = _ratio(_col(raw, "returned_qty"), _col(raw, "delivered_qty")) * 100.0

    # Cost to serve and net value
    cts = value.cost_to_serve(
        order_count,
        _col(raw, "delivery_count"),
        _col(raw, "return_count"),
        _col(raw, "complaint_count"),
        _col(raw, "late_amount_days"),
        cfg["unit_costs"],
        contacts=_col(raw, "contact_count"),
    )
    cts = cts + _col(raw, "compensation_amount")  # credit notes granted on complaints
    out["cost_to_serve"] = cts
    out["net_value"] = _col(raw, "margin") - cts

    # Satisfaction: the last NPS answer's category (promoters: advocacy candidates)
    out["nps_category"] = interaction.nps_category(
        _col(raw, "last_nps_score", np.nan),
        raw["last_nps_date"] if "last_nps_date" in raw else pd.Series(pd.NaT, index=raw.index),
        today,
    )

    # RFM among the active customers
    state = dict(state or {})
    monetary = _col(raw, "revenue")
    scores, cuts = rfm.rfm_scores(
        np.where(active, recency, np.nan),
        np.where(active, order_count, np.nan),
        np.where(active, monetary, np.nan),
        cuts=state.get("rfm"),
    )
    state["rfm"] = cuts
    for col in scores:
        out[col] = scores[col].to_numpy()

    # Future value: BG/NBD + Gamma-Gamma, time in days
    order_days = _col(raw, "order_days")
    x = np.maximum(order_days - 1, 0)
    first = (
        raw["first_order_date"] if "first_order_date" in raw else pd.Series(pd.NaT, index=raw.index)
    )
    last = (
        raw["last_order_date"] if "last_order_date" in raw else pd.Series(pd.NaT, index=raw.index)
    )
    t_x = np.nan_to_num(_days_between(last, first))
    T = _days_between(pd.Series(today, index=raw.index), first)
    buyers = (order_days > 0) & np.isfinite(T) & (T >= t_x)
    T = np.where(buyers, T, 0.0)
    m = np.nan_to_num(_ratio(_col(raw, "repeat_amount"), x))
    if "bgnbd" not in state and "gg" not in state:
        state.update(_fit(x[buyers], t_x[buyers], T[buyers], m[buyers], cfg.get("bgnbd_start")))
    out["probability_alive"] = np.nan
    out["expected_purchases"] = np.nan
    out["clv_predicted"] = np.nan
    if state.get("bgnbd") and buyers.any():
        b = state["bgnbd"]
        horizon_days = cfg["horizon_months"] * 30.4375
        pa = np.full(n, np.nan)
        pa[buyers] = clv.bgnbd_probability_alive(b, x[buyers], t_x[buyers], T[buyers])
        exp = np.full(n, np.nan)
        exp[buyers] = clv.bgnbd_expected_purchases(
            b, horizon_days, x[buyers], t_x[buyers], T[buyers]
        )
        out["probability_alive"] = pa
        out["expected_purchases"] = exp
        if state.get("gg"):
            cl = np.full(n, np.nan)
            cl[buyers] = clv.discounted_clv(
                b,
                state["gg"],
                x[buyers],
                t_x[buyers],
                T[buyers],
                m[buyers],
                cfg["horizon_months"],
                cfg["monthly_discount_rate"],
            )
            out["clv_predicted"] = cl
    out["churn_probability"] = 1.0 - np.asarray(out["probability_alive"])

    # Tiers
    # a partial run scores against the population's MVC threshold (none: nobody is MVC)
    partial = "mvc_threshold" in state
    threshold = None
    if partial:
        threshold = np.inf if state["mvc_threshold"] is None else state["mvc_threshold"]
    tiers = value.value_tiers(
        out["net_value"],
        np.broadcast_to(out["clv_predicted"], (n,)),
        _col(raw, "revenue_12m"),
        active,
        cfg["mvc_share"],
        cfg["mgc_growth_ratio"],
        threshold,
    )
    out["value_tier"] = tiers
    if not partial:
        mvc_net = np.asarray(out["net_value"])[np.asarray(tiers) == "mvc"]
        state["mvc_threshold"] = float(mvc_net.min()) if mvc_net.size else None
    return pd.DataFrame(
        {k: np.broadcast_to(v, (n,)) if np.ndim(v) == 0 else v for k, v in out.items()},
        index=raw.index,
    ), state


def _fit(x, t_x, T, m, bgnbd_start=None):
    """Fit both models on the buyers, or return no parameters when the data cannot carry a
    fit (too few repeat buyers, or a degenerate optimum)."""
    result = {"bgnbd": None, "gg": None, "fit_note": None}
    repeat_buyers = int((x > 0).sum())
    if repeat_buyers < MIN_REPEAT_BUYERS:
        result["fit_note"] = {
            "code": "few_repeat_buyers",
            "repeat_buyers": repeat_buyers,
            "needed": MIN_REPEAT_BUYERS,
        }
        return result
    try:
        # Fitted at the resolution of weeks (as Fader, Hardie & Lee do): tens of thousands of
        # distinct (x, t_x, T) in days become a few thousand, the optimum barely moves.
        # alpha carries the time unit: back to days.
        start = dict(bgnbd_start, alpha=bgnbd_start["alpha"] / 7.0) if bgnbd_start else None
        b = clv.fit_bgnbd(x, np.floor(t_x / 7.0), np.floor(T / 7.0), start)
        b["alpha"] *= 7.0
        if all(np.isfinite(list(b.values()))):
            result["bgnbd"] = b
        else:
            result["fit_note"] = {"code": "no_optimum", "model": "BG/NBD"}
            return result
        g = clv.fit_gamma_gamma(x, m)
        if np.isfinite(list(g.values())).all() and g["q"] > 1:
            result["gg"] = g
        else:
            # spend too uneven for Gamma-Gamma (q <= 1: no finite mean): no CLV
            result["fit_note"] = {"code": "no_optimum", "model": "Gamma-Gamma"}
    except ValueError as error:
        # Degenerate histories: no model, the figures stay unknown, the reason is kept.
        result["fit_note"] = {"code": "error", "error": str(error)}
    return result
