import json
import math

import numpy as np
import pandas as pd
import pytest
from analytics import churn


def test_auc_perfectly_separable_is_one():
    assert churn.roc_auc([0, 0, 0, 1, 1], [0.1, 0.2, 0.3, 0.8, 0.9]) == 1.0
    assert churn.roc_auc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.8]) == 0.0


def test_auc_by_hand_with_a_tie():
    # pairs (churner, stayer): (0.8, 0.1) win, (0.8, 0.8) tie = 0.5, (0.4, 0.1) win,
    # (0.4, 0.8) loss -> 2.5 / 4
    assert churn.roc_auc([1, 1, 0, 0], [0.8, 0.4, 0.1, 0.8]) == 0.625
    assert math.isnan(churn.roc_auc([1, 1], [0.2, 0.3]))


def test_top_decile_lift_by_hand():
    # 20 customers, 5 churned (rate 0.25); top 10 % = the 2 highest scores: one churner
    # -> rate 0.5, lift 2.0
    y = np.array([1, 0] + [1] * 4 + [0] * 14)
    score = np.array([0.99, 0.98] + [0.5] * 4 + [0.1] * 14)
    assert churn.top_decile_lift(y, score) == pytest.approx(2.0)
    # 25 customers: ceil(2.5) = 3 in the top decile
    y = np.array([1, 1, 1] + [0] * 22)
    assert churn.top_decile_lift(y, np.arange(25)[::-1]) == pytest.approx(1 / (3 / 25))


def test_labels_and_own_horizon():
    frame = pd.DataFrame({"purchase_days": [5, 1, 3], "span_days": [40, 0, 400]})
    # intervals 10 and 200 days: twice that between 30 and 90; one-time buyer: 90
    assert churn.horizons(frame, 90, own_interval=True).tolist() == [30.0, 90.0, 90.0]
    assert churn.labels([10, np.nan, 95], [30, 90, 90]).tolist() == [0, 1, 1]


def _customers(n, rng, churner):
    recency = rng.uniform(200, 400, n) if churner else rng.uniform(1, 60, n)
    return pd.DataFrame(
        {
            "recency_days": recency,
            "purchase_days": rng.integers(2, 10, n),
            "span_days": rng.uniform(100, 300, n),
            "amount": rng.uniform(100, 1000, n),
            "margin": rng.uniform(10, 100, n),
            "complaints_90d": rng.integers(1, 3, n) if churner else np.zeros(n),
            "label": int(churner),
        }
    )


def test_model_separates_and_names_drivers():
    rng = np.random.default_rng(0)
    train = pd.concat([_customers(50, rng, True), _customers(50, rng, False)], ignore_index=True)
    test = pd.concat([_customers(30, rng, True), _customers(30, rng, False)], ignore_index=True)
    result = churn.train_and_evaluate(train, test, bgnbd_test=np.full(60, np.nan))
    assert result["figures"]["model"]["auc"] == 1.0
    assert result["figures"]["recency"]["auc"] == 1.0
    assert "bgnbd" not in result["figures"]  # no BG/NBD score known: not measured
    # lift of a perfect ranking: the top 6 of 60 are all churners (rate 1 / 0.5)
    assert result["figures"]["model"]["lift"] == pytest.approx(2.0)
    assert result["chosen"] == "model"  # ties go to the model
    X = churn.features(test).to_numpy()
    names = churn.drivers(result["params"], X[:1])[0]
    assert len(names) == 3
    assert set(names) & {"recency_ratio", "log_recency", "complaints_90d"}


def test_too_few_churners_refused():
    rng = np.random.default_rng(1)
    train = pd.concat([_customers(5, rng, True), _customers(50, rng, False)], ignore_index=True)
    with pytest.raises(ValueError, match="at least 10"):
        churn.train_and_evaluate(train, train)


def test_drivers_by_hand():
    # contributions (x - mean) / scale * coef: row 0 -> [2, 0, 3, -1]: features 2 then 0
    # (the third does not push up); row 1 -> [1, 1, 1, 1]: a tie, in feature order; row 2
    # -> all <= 0: none
    params = {"mean": [0, 0, 0, 0], "scale": [1, 1, 1, 1], "coef": [1, 1, 1, 1], "intercept": 0}
    X = np.array([[2.0, 0.0, 3.0, -1.0], [1.0, 1.0, 1.0, 1.0], [0.0, -1.0, 0.0, -2.0]])
    indices = churn.driver_indices(params, X)
    assert indices.tolist() == [[2, 0, -1], [0, 1, 2], [-1, -1, -1]]
    names = ("a", "b", "c", "d")
    assert churn.drivers(params, X, names=names) == [["c", "a"], ["a", "b", "c"], []]


def test_drivers_json_is_the_json_of_the_figures():
    # each row's [[name, figure], ...] as json.dumps writes it: whole numbers, rounded
    # decimals, None and text figures, rows of three, two and no drivers
    names = ("recency_ratio", "log_recency", "risk_stage", "payment_delay")
    figures = {
        "recency_ratio": [2.3, None, 1.0],
        "log_recency": [120, 7, None],
        "risk_stage": ["at_risk", None, "lost"],
        "payment_delay": [None, -3, 12],
    }
    indices = np.array([[0, 2, 1], [3, 1, -1], [-1, -1, -1]])
    texts = churn.drivers_json(indices, figures, names=names)
    expected = [
        [["recency_ratio", 2.3], ["risk_stage", "at_risk"], ["log_recency", 120]],
        [["payment_delay", -3], ["log_recency", 7]],
        [],
    ]
    assert texts == [json.dumps(row) for row in expected]
    assert [json.loads(text) for text in texts] == expected
    assert churn.drivers_json(np.empty((0, 3), dtype=int), figures, names=names) == []
    # numpy's scalars and booleans, NaN, as json.dumps writes their Python equivalents
    numpy_figures = {
        "recency_ratio": np.array([2.5, np.nan]),
        "log_recency": np.array([120, 7]),
        "risk_stage": np.array([True, False]),
        "payment_delay": [None, None],
    }
    texts = churn.drivers_json(np.array([[0, 1, 2], [0, 2, -1]]), numpy_figures, names=names)
    assert [json.loads(text) for text in texts] == [
        [["recency_ratio", 2.5], ["log_recency", 120], ["risk_stage", True]],
        [["recency_ratio", None], ["risk_stage", False]],
    ]
