"""A churn model that is measured: features as of a cut-off date, the label "no purchase in
the next N days", a time-based hold-out, ROC AUC and top-decile lift, and the choice
between a supervised model (standardised logistic regression, scikit-learn), BG/NBD's
churn probability and a recency-only baseline.

Pure functions over pandas/numpy, no Odoo. The Odoo side gathers one row per customer as
of a cut-off date (``crm.customer.churn``) with these raw columns (index: partner id):

``recency_days``        days from the last purchase to the cut-off
``purchase_days``       distinct days with a purchase up to the cut-off
``span_days``           days from the first to the last purchase
``amount``              ordered amount (untaxed, company currency) up to the cut-off
``margin``              its margin
``amount_recent``       ordered in the half-year before the cut-off
``amount_prior``        ordered in the half-year before that
``delivered_qty`` / ``returned_qty``  quantities delivered to and returned by the customer
``payment_delay``       average days paid after the due date (amount-weighted), NaN if none
``complaints_90d``      complaints opened in the 90 days before the cut-off
``complaints_open``     complaints open at the cut-off
``complaints_recovered`` complaints closed with the customer kept or won back
``satisfaction``        last NPS/CSAT answer before the cut-off on a 0-1 scale, NaN if none
``stage``               lifecycle stage at the cut-off (None when unknown)
``tier``                value tier (None when unknown)
"""

import json
import math

import numpy as np
import pandas as pd

RISK_STAGES = ("at_risk", "dissatisfied", "lost")
FEATURES = (
    "recency_ratio",
    "log_recency",
    "log_frequency",
    "log_monetary",
    "margin_rate",
    "spend_trend",
    "return_rate",
    "payment_delay",
    "complaints_90d",
    "complaints_open",
    "complaints_recovered",
    "dissatisfaction",
    "risk_stage",
    "tier_mvc",
    "tier_bz",
)
METHODS = ("model", "bgnbd", "recency")
# below this many customers of each class, a model is not trained (nor measured)
MIN_CLASS = 10
DEFAULT_HORIZON_DAYS = 90
DRIVER_COUNT = 3


def _col(frame, name, default=0.0):
    if name in frame:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    return np.full(len(frame), default, dtype=float)


def usual_interval(frame):
    """Days between purchases of each repeat buyer (NaN for one-time buyers)."""
    days = _col(frame, "purchase_days")
    span = _col(frame, "span_days")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(days >= 2, span / np.maximum(days - 1, 1), np.nan)


def features(frame):
    """The model's feature matrix (DataFrame, columns ``FEATURES``, same index): scale-free
    transforms of the raw figures, no NaN."""
    n = len(frame)
    recency = np.nan_to_num(_col(frame, "recency_days", np.nan), nan=3650.0)
    interval = usual_interval(frame)
    known = interval[np.isfinite(interval) & (interval > 0)]
    fallback = float(np.median(known)) if known.size else 90.0
    interval = np.where(np.isfinite(interval) & (interval > 0), interval, fallback)
    amount = np.nan_to_num(_col(frame, "amount"))
    margin = np.nan_to_num(_col(frame, "margin"))
    recent = np.nan_to_num(_col(frame, "amount_recent"))
    prior = np.nan_to_num(_col(frame, "amount_prior"))
    delivered = np.nan_to_num(_col(frame, "delivered_qty"))
    returned = np.nan_to_num(_col(frame, "returned_qty"))
    satisfaction = _col(frame, "satisfaction", np.nan)
    stage = frame["stage"].to_numpy(dtype=object) if "stage" in frame else np.full(n, None)
    tier = frame["tier"].to_numpy(dtype=object) if "tier" in frame else np.full(n, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin_rate = np.where(amount > 0, margin / np.where(amount > 0, amount, 1), 0.0)
        trend = np.where(recent + prior > 0, (recent - prior) / (recent + prior), 0.0)
        return_rate = np.where(delivered > 0, returned / np.where(delivered > 0, delivered, 1), 0)
    out = {
        "recency_ratio": np.clip(recency / interval, 0, 20),
        "log_recency": np.log1p(np.maximum(recency, 0)),
        "log_frequency": np.log1p(np.maximum(_col(frame, "purchase_days"), 0)),
        "log_monetary": np.log1p(np.maximum(amount, 0)),
        "margin_rate": np.clip(margin_rate, -1, 1),
        "spend_trend": np.clip(trend, -1, 1),
        "return_rate": np.clip(return_rate, 0, 1),
        "payment_delay": np.clip(np.nan_to_num(_col(frame, "payment_delay")), -30, 120),
        "complaints_90d": np.nan_to_num(_col(frame, "complaints_90d")),
        "complaints_open": np.nan_to_num(_col(frame, "complaints_open")),
        "complaints_recovered": np.nan_to_num(_col(frame, "complaints_recovered")),
        # 0 when satisfied or unknown, up to 1 for the worst answer
        "dissatisfaction": np.nan_to_num(np.clip(0.5 - satisfaction, 0, 0.5) * 2),
        "risk_stage": np.fromiter((s in RISK_STAGES for s in stage), dtype=float, count=n),
        "tier_mvc": np.fromiter((t == "mvc" for t in tier), dtype=float, count=n),
        "tier_bz": np.fromiter((t == "bz" for t in tier), dtype=float, count=n),
    }
    return pd.DataFrame(out, index=frame.index, columns=list(FEATURES))


def horizons(frame, horizon_days, own_interval=False, factor=2.0):
    """The label's horizon of each customer in days: ``horizon_days``, or with
    ``own_interval`` ``factor`` times the customer's usual interval, between 30 days and
    ``horizon_days`` (``horizon_days`` for one-time buyers)."""
    n = len(frame)
    if not own_interval:
        return np.full(n, float(horizon_days))
    interval = usual_interval(frame)
    own = np.clip(np.round(factor * interval), 30, horizon_days)
    return np.where(np.isfinite(own), own, float(horizon_days))


def labels(days_to_next, horizon):
    """1 when the customer did not buy within ``horizon`` days after the cut-off (churned),
    else 0. ``days_to_next``: days from the cut-off to the next purchase, NaN when none."""
    nxt = np.asarray(days_to_next, dtype=float)
    return (~(np.nan_to_num(nxt, nan=np.inf) <= np.asarray(horizon, dtype=float))).astype(int)


def roc_auc(y, score):
    """Area under the ROC curve (probability that a churner scores above a stayer, ties
    count half); NaN when only one class is present."""
    y = np.asarray(y, dtype=int)
    score = np.asarray(score, dtype=float)
    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return math.nan
    ranks = pd.Series(score).rank(method="average").to_numpy()
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def top_decile_lift(y, score, share=0.1):
    """Churn rate among the ``share`` highest scores (at least one customer) divided by
    the overall churn rate; NaN when nobody churned."""
    y = np.asarray(y, dtype=float)
    score = np.asarray(score, dtype=float)
    if not len(y) or y.sum() == 0:
        return math.nan
    k = max(1, math.ceil(len(y) * share))
    top = np.argsort(-score, kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def measure(y, score):
    return {"auc": roc_auc(y, score), "lift": top_decile_lift(y, score)}


def fit(X, y, C=1.0):
    """Standardised L2 logistic regression; the result is plain lists (JSON-able), scored
    by :func:`score` without scikit-learn objects."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415 - heavy import

    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=int)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = LogisticRegression(C=C, max_iter=1000)
    model.fit((X - mean) / scale, y)
    return {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": model.coef_[0].tolist(),
        "intercept": float(model.intercept_[0]),
    }


def contributions(params, X):
    """Each feature's contribution to the log-odds of churn (coefficient times the
    standardised value)."""
    X = np.asarray(X, dtype=float)
    mean, scale, coef = (np.asarray(params[k], dtype=float) for k in ("mean", "scale", "coef"))
    return (X - mean) / scale * coef


def score(params, X):
    """Churn probability of each row of ``X``."""
    z = contributions(params, X).sum(axis=1) + params["intercept"]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def driver_indices(params, X, count=DRIVER_COUNT):
    """The ``count`` features that push each customer's churn up the most (positive
    contributions only), strongest first (ties in feature order): an integer array of
    shape (rows, ``count``) of column indexes of ``X``, -1 where fewer features push up
    (always after the others)."""
    contrib = contributions(params, X)
    order = np.argsort(-contrib, axis=1, kind="stable")[:, :count]
    top = np.take_along_axis(contrib, order, axis=1)
    return np.where(top > 1e-9, order, -1)


def drivers(params, X, names=FEATURES, count=DRIVER_COUNT):
    """:func:`driver_indices` as lists of feature names."""
    return [[names[i] for i in row if i >= 0] for row in driver_indices(params, X, count)]


def drivers_json(indices, figures, names=FEATURES):
    """Per row, the JSON text of ``[[driver name, its figure], ...]`` for the driver
    ``indices`` of :func:`driver_indices`; ``figures``: feature name -> the per-row figure
    told with it (None, a number or a text). Only the drivers' own figures are encoded,
    feature by feature: a third of the figures at most, no per-row JSON encoder."""
    indices = np.asarray(indices)
    n = len(indices)
    out = np.full(n, "[", dtype=object)
    for k in range(indices.shape[1] if indices.ndim == 2 else 0):
        column = indices[:, k]
        for feature in np.unique(column[column >= 0]).tolist():
            rows = np.flatnonzero(column == feature)
            head = ("[" if k == 0 else ", [") + json.dumps(names[feature]) + ", "
            values = figures[names[feature]]
            out[rows] += [head + _json_scalar(values[r]) + "]" for r in rows.tolist()]
    out += "]"
    return out.tolist()


def _json_scalar(value):
    """JSON text of None, a boolean, a number (Python's or numpy's) or a text, as
    ``json.dumps`` writes it (NaN and infinities as null)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    return float.__repr__(value) if math.isfinite(value) else "null"


def train_and_evaluate(train, test, bgnbd_test=None, C=1.0):
    """Fit on ``train`` (features as of an earlier cut-off, with their later ``label``),
    measure on ``test`` (a later cut-off: the time-based hold-out) the model, BG/NBD's
    churn probability (``bgnbd_test``, aligned to ``test``, NaN where unknown) and a
    recency-only baseline; choose the best AUC.

    ``train``/``test``: DataFrames of raw columns (see the module) plus ``label``.
    Returns ``{"figures": {method: {"auc", "lift"}}, "chosen", "n_train", "n_test",
    "churn_rate", "params", "recency_params"}``.
    :raises ValueError: when a side has fewer than ``MIN_CLASS`` customers of a class
    """
    for name, side in (("training", train), ("hold-out", test)):
        counts = np.bincount(side["label"].to_numpy(dtype=int), minlength=2)
        if counts.min() < MIN_CLASS:
            raise ValueError(
                f"the {name} period has {counts[1]} churners and {counts[0]} staying "
                f"customers; at least {MIN_CLASS} of each are needed"
            )
    y_train = train["label"].to_numpy(dtype=int)
    y_test = test["label"].to_numpy(dtype=int)
    X_train = features(train).to_numpy()
    X_test = features(test).to_numpy()
    params = fit(X_train, y_train, C=C)
    rec = FEATURES.index("log_recency")
    recency_params = fit(X_train[:, [rec]], y_train)
    figures = {
        "model": measure(y_test, score(params, X_test)),
        "recency": measure(y_test, score(recency_params, X_test[:, [rec]])),
    }
    if bgnbd_test is not None:
        bg = np.asarray(bgnbd_test, dtype=float)
        if np.isfinite(bg).any():
            # unknown BG/NBD scores rank in the middle
            figures["bgnbd"] = measure(y_test, np.where(np.isfinite(bg), bg, 0.5))
    chosen = max(figures, key=lambda m: (np.nan_to_num(figures[m]["auc"], nan=-1), m == "model"))
    return {
        "figures": figures,
        "chosen": chosen,
        "n_train": len(train),
        "n_test": len(test),
        "churn_rate": float(y_test.mean()),
        "params": params,
        "recency_params": recency_params,
    }
