"""Clustering: known groups found again (adjusted Rand index), numbers kept across runs,
centres in original units, words describing a centre."""

import numpy as np
import pandas as pd
import pytest
from analytics import segmentation
from sklearn.metrics import adjusted_rand_score

# three behaviours: (orders, average order value, return rate %, payment delay days)
GROUPS = {
    "frequent_small": (40.0, 50.0, 1.0, 2.0),
    "rare_big": (2.0, 5000.0, 2.0, 5.0),
    "returns_late": (8.0, 400.0, 30.0, 60.0),
}
COLUMNS = ["order_count", "avg_order_value", "return_rate", "avg_payment_delay"]


def synthetic(n_per_group=300, seed=1):
    """Customers drawn around each group's figures (log-normal noise, 25 %), and their
    true group."""
    rng = np.random.default_rng(seed)
    rows, truth = [], []
    for g, centre in enumerate(GROUPS.values()):
        rows.append(np.asarray(centre) * rng.lognormal(0.0, 0.25, size=(n_per_group, 4)))
        truth += [g] * n_per_group
    return pd.DataFrame(np.vstack(rows), columns=COLUMNS), np.asarray(truth)


def test_known_groups_are_found_with_k_chosen_by_silhouette():
    features, truth = synthetic()
    result = segmentation.cluster(features, random_state=0)
    assert result.k == 3
    assert adjusted_rand_score(truth, result.labels) >= 0.9
    assert 0.0 < result.silhouette <= 1.0
    # centres in original units: the "rare_big" cluster's order value is near 5,000
    big = result.centres["avg_order_value"].idxmax()
    assert result.centres.loc[big, "avg_order_value"] == pytest.approx(5000, rel=0.1)
    assert result.centres.loc[big, "order_count"] == pytest.approx(2, rel=0.1)


def test_given_k_and_bad_k():
    features, truth = synthetic(100)
    result = segmentation.cluster(features, k=3)
    assert result.k == 3 and np.isnan(result.silhouette)
    assert adjusted_rand_score(truth, result.labels) >= 0.9
    with pytest.raises(ValueError):
        segmentation.cluster(features, k=0)


def test_numbers_are_kept_across_runs():
    features, truth = synthetic(seed=1)
    first = segmentation.cluster(features, k=3, random_state=0)
    # another sample of the same population, another seed of k-means: other raw labels
    again, truth2 = synthetic(seed=2)
    second = segmentation.cluster(again, k=3, random_state=7, previous=first.centres)
    assert sorted(second.centres.index) == [0, 1, 2]
    for g in range(3):
        # the true group has the same cluster number in both runs
        n1 = np.bincount(first.labels[truth == g]).argmax()
        n2 = np.bincount(second.labels[truth2 == g]).argmax()
        assert n1 == n2
    # one more cluster than last time: the new one takes number 3
    third = segmentation.cluster(again, k=4, random_state=0, previous=first.centres)
    assert sorted(third.centres.index) == [0, 1, 2, 3]


def test_match_centres_by_hungarian_assignment():
    old = np.array([[0.0, 0.0], [10.0, 10.0], [0.0, 10.0]])
    new = np.array([[9.0, 9.0], [1.0, 9.0], [1.0, 1.0], [50.0, 50.0]])
    assert segmentation.match_centres(new, old, [4, 7, 9]) == [7, 9, 4, 10]


def test_describe_a_centre_against_the_population():
    features, _ = synthetic()
    words = {
        "order_count": ("buys_often", "buys_rarely"),
        "avg_order_value": ("big_orders", "small_orders"),
        "return_rate": ("returns_a_lot", None),
        "avg_payment_delay": ("pays_late", "pays_on_time"),
    }
    late = segmentation.describe(GROUPS["returns_late"], features, words)
    assert "returns_a_lot" in late and "pays_late" in late
    assert "buys_often" in segmentation.describe(GROUPS["frequent_small"], features, words)
    big = segmentation.describe(GROUPS["rare_big"], features, words, max_words=2)
    assert set(big) == {"big_orders", "buys_rarely"}
    # the population's own middle gets no word
    middle = features.apply(lambda c: np.exp(np.log1p(c).mean()) - 1)
    assert segmentation.describe(middle, features, words) == []


def test_one_distinct_customer_is_one_cluster():
    features = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]})
    result = segmentation.cluster(features)
    assert result.k == 1 and list(result.labels) == [0, 0, 0]
    assert result.centres.loc[0, "b"] == pytest.approx(2.0)
