"""Probabilistic customer-base models: BG/NBD (purchase frequency and probability alive)
and Gamma-Gamma (spend per purchase), with the discounted CLV they give.

References: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2); Fader & Hardie (2013), "The
Gamma-Gamma Model of Monetary Value".

Inputs per customer, all numpy arrays of one length:
- ``frequency`` (x): number of *repeat* purchases (purchase days after the first);
- ``recency`` (t_x): time from the first to the last purchase;
- ``T``: time from the first purchase to the end of the observation;
- ``monetary_value`` (m): average value of the repeat purchases.
Any time unit works as long as all three share it (CDNOW uses weeks, the addon uses days);
the fitted ``alpha`` is in that unit.
"""

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.special import gammaln, hyp2f1

_PENALIZER = 0.0


def _as_float(*arrays):
    out = [np.asarray(a, dtype=float) for a in arrays]
    n = {a.shape for a in out}
    if len(n) != 1:
        raise ValueError("all input arrays must have the same length")
    return out


def _check_bgnbd_inputs(x, t_x, T):
    if x.size == 0:
        raise ValueError("no customers to fit")
    if np.any(~np.isfinite(x)) or np.any(~np.isfinite(t_x)) or np.any(~np.isfinite(T)):
        raise ValueError("frequency, recency and T must be finite")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(T < t_x):
        raise ValueError("need frequency >= 0 and 0 <= recency <= T")


def _bgnbd_loglik(params, x, t_x, T, weights):
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    has_repeat = x > 0
    # a4 only exists for repeat buyers; elsewhere -inf so that exp(a4) = 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            has_repeat,
            np.log(a)
            - np.log(np.where(has_repeat, b + x - 1, 1.0))
            - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    ll = a1 + a2 + np.logaddexp(a3, a4)
    return np.sum(weights * ll)


def _compress(*columns):
    """Unique rows of the columns and how often each occurs: the likelihood is summed once
    per distinct (x, t_x, T), which makes the fit independent of the number of customers."""
    # a hashed group-by, in the lexicographic order np.unique(axis=0) would give, 5x faster
    frame = pd.DataFrame({i: np.asarray(c, dtype=float) for i, c in enumerate(columns)})
    counts = frame.groupby(list(frame.columns), sort=True, dropna=False).size()
    uniq = counts.index.to_frame(index=False).to_numpy(dtype=float)
    return [uniq[:, i] for i in range(uniq.shape[1])], counts.to_numpy(dtype=float)


def fit_bgnbd(frequency, recency, T, start=None):
    """Maximum-likelihood BG/NBD parameters.

    ``start`` (optional, same keys and time unit as the result, e.g. the last fit) starts
    the search there instead of from two generic points: a refit on slightly changed data
    then takes a fraction of the evaluations.

    :returns: ``{"r", "alpha", "a", "b"}`` as floats
    :raises ValueError: on empty, non-finite or inconsistent input
    """
    x, t_x, T = _as_float(frequency, recency, T)
    _check_bgnbd_inputs(x, t_x, T)
    (x, t_x, T), w = _compress(x, t_x, T)
    scale = max(float(T.max()), 1e-9)  # fit on a unit scale, like lifetimes does
    t_x_s, T_s = t_x / scale, T / scale

    def neg_ll(log_params):
        val = -_bgnbd_loglik(np.exp(log_params), x, t_x_s, T_s, w) / w.sum()
        return val if np.isfinite(val) else 1e300

    starts = [np.zeros(4), np.log([0.5, 0.1, 1.0, 2.0])]
    best = None
    if start and all(
        np.isfinite(float(start[k])) and start[k] > 0 for k in ("r", "alpha", "a", "b")
    ):
        # A refit next to the last optimum: the gradient search alone converges in a few
        # dozen evaluations, where the simplex search would still shrink to its tolerance
        # (thousands on a flat likelihood); the simplex remains the fallback.
        point = np.log([start["r"], start["alpha"] / scale, start["a"], start["b"]])
        # (kept when no worse than the start: near a flat optimum BFGS often stops on
        # "precision loss", which is not a failure)
        res = optimize.minimize(neg_ll, point, method="BFGS")
        if np.isfinite(res.fun) and res.fun <= neg_ll(point):
            best = res
        starts = [] if best is not None else [point]
    for point in starts:
        res = optimize.minimize(
            neg_ll,
            point,
            method="Nelder-Mead",
            options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
        )
        res = optimize.minimize(neg_ll, res.x, method="BFGS")
        if best is None or res.fun < best.fun:
            best = res
    r, alpha, a, b = np.exp(best.x)
    return {"r": float(r), "alpha": float(alpha * scale), "a": float(a), "b": float(b)}


def bgnbd_probability_alive(params, frequency, recency, T):
    """P(customer still alive | x, t_x, T)."""
    x, t_x, T = _as_float(frequency, recency, T)
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_ratio = (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        odds = np.where(x > 0, a / np.where(x > 0, b + x - 1, 1.0) * np.exp(log_ratio), 0.0)
    return 1.0 / (1.0 + odds)


def bgnbd_expected_purchases(params, t, frequency, recency, T):
    """E[number of purchases in the next ``t`` time units | x, t_x, T]."""
    x, t_x, T = _as_float(frequency, recency, T)
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    t = float(t)
    if t <= 0:
        return np.zeros_like(x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        hyp = hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        first = (a + b + x - 1) / (a - 1)
        second = 1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp
        numer = first * second
        log_ratio = (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        denom = 1 + np.where(x > 0, a / np.where(x > 0, b + x - 1, 1.0) * np.exp(log_ratio), 0.0)
    out = numer / denom
    return np.where(np.isfinite(out), np.maximum(out, 0.0), 0.0)


def fit_gamma_gamma(frequency, monetary_value):
    """Maximum-likelihood Gamma-Gamma parameters, fitted on repeat buyers only
    (``frequency > 0`` and ``monetary_value > 0``).

    :returns: ``{"p", "q", "v"}`` as floats
    :raises ValueError: when there are no repeat buyers with a positive spend
    """
    x, m = _as_float(frequency, monetary_value)
    keep = (x > 0) & (m > 0) & np.isfinite(m)
    if not keep.any():
        raise ValueError("the Gamma-Gamma model needs repeat buyers with a positive spend")
    (x, m), w = _compress(x[keep], m[keep])
    scale = float(np.average(m, weights=w))
    ms = m / scale

    def neg_ll(log_params):
        p, q, v = np.exp(log_params)
        ll = (
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(ms)
            + (p * x) * np.log(x)
            - (p * x + q) * np.log(x * ms + v)
        )
        val = -np.sum(w * ll) / w.sum()
        return val if np.isfinite(val) else 1e300

    res = optimize.minimize(
        neg_ll,
        np.zeros(3),
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000},
    )
    res = optimize.minimize(neg_ll, res.x, method="BFGS")
    p, q, v = np.exp(res.x)
    return {"p": float(p), "q": float(q), "v": float(v * scale)}


def gamma_gamma_expected_spend(params, frequency, monetary_value):
    """E[spend per purchase | x, m]: the observed mean shrunk towards the population mean.
    Customers with no repeat purchase get the population mean ``p v / (q - 1)``."""
    x, m = _as_float(frequency, monetary_value)
    p, q, v = params["p"], params["q"], params["v"]
    if q <= 1:
        raise ValueError("Gamma-Gamma q <= 1: the population mean spend is not defined")
    population = p * v / (q - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cond = (p * (v + x * m)) / (p * x + q - 1)
    return np.where(x > 0, cond, population)


def discounted_clv(
    bgnbd_params,
    gg_params,
    frequency,
    recency,
    T,
    monetary_value,
    horizon_months=12,
    monthly_discount_rate=0.01,
    days_per_unit=1.0,
):
    """Predicted customer value over ``horizon_months``, discounted monthly.

    Expected purchases in each month (BG/NBD) times the expected spend per purchase
    (Gamma-Gamma), divided by ``(1 + rate) ** month``. ``days_per_unit`` says how many days
    one time unit of ``recency``/``T`` is (1 when they are in days, 7 in weeks).
    """
    spend = gamma_gamma_expected_spend(gg_params, frequency, monetary_value)
    units_per_month = 30.4375 / days_per_unit
    clv = np.zeros_like(spend, dtype=float)
    previous = np.zeros_like(spend, dtype=float)
    for month in range(1, int(horizon_months) + 1):
        cumulative = bgnbd_expected_purchases(
            bgnbd_params, month * units_per_month, frequency, recency, T
        )
        clv += (cumulative - previous) * spend / (1 + monthly_discount_rate) ** month
        previous = cumulative
    return clv
