"""Cluster analysis of customers: k-means on transformed behaviour features.

``cluster(features)`` groups the customers of one company by what they do (how often and
how much they buy, margin, returns, payment delay, complaints...). Money and counts are
heavily skewed, so each feature is first put on a signed log scale (``sign(x) *
log(1 + |x|)``) and standardised (mean 0, standard deviation 1); k-means from
scikit-learn then runs in that space. When ``k`` is not given it is chosen among 2..8 by
the silhouette of a random sample. Centres are returned in the features' original units
(the transformed centre mapped back), so that they can be stored, shown and matched to
the next run's centres (:func:`match_centres`, the Hungarian assignment), which keeps a
cluster's number (and the name a manager gave it) from one run to the next.
:func:`describe` words a centre against the population ("buys often, low margin").
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

K_RANGE = (2, 8)
SILHOUETTE_SAMPLE = 3000  # customers on which k is chosen
N_INIT = 4  # k-means restarts (the best inertia is kept)
# a centre this many population standard deviations (transformed scale) above or below
# the population's mean gets a word in the description
DESCRIBE_THRESHOLD = 0.5
DESCRIBE_MAX_WORDS = 4


class Clustering(NamedTuple):
    labels: np.ndarray  # one cluster number per row of the features (0..k-1 or matched)
    centres: pd.DataFrame  # one row per cluster number, the features' original units
    k: int
    silhouette: float  # on the sample (NaN when k was given and not scored)


def transform(values):
    """Signed log scale of an array (any shape): robust to the skew of money and counts."""
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.log1p(np.abs(values))


def inverse_transform(values):
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.expm1(np.abs(values))


def _scaler(transformed):
    """Mean and standard deviation per column (1 where a column is constant)."""
    mean = transformed.mean(axis=0)
    std = transformed.std(axis=0)
    std[~np.isfinite(std) | (std == 0)] = 1.0
    return mean, std


def prepare(features):
    """The features as a float matrix in the clustering space, with its scaler.
    Missing values count as the column's median."""
    frame = pd.DataFrame(features).astype(float)
    frame = frame.fillna(frame.median()).fillna(0.0)
    transformed = transform(frame.to_numpy())
    mean, std = _scaler(transformed)
    return (transformed - mean) / std, mean, std


def choose_k(x, k_range=K_RANGE, random_state=0, sample_size=SILHOUETTE_SAMPLE):
    """The k of best silhouette among ``k_range`` (inclusive) on a random sample of ``x``;
    returns (k, silhouette)."""
    rng = np.random.default_rng(random_state)
    sample = x if len(x) <= sample_size else x[rng.choice(len(x), sample_size, replace=False)]
    best = (k_range[0], -1.0)
    for k in range(k_range[0], min(k_range[1], len(sample) - 1) + 1):
        labels = KMeans(k, n_init=N_INIT, random_state=random_state).fit_predict(sample)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(sample, labels)
        if score > best[1] + 1e-9:
            best = (k, float(score))
    return best


def cluster(features, k=None, random_state=0, previous=None):
    """See :func:`_cluster`. k-means runs on one thread: in an Odoo worker beside others,
    OpenMP's threads only compete for the cores (ten times slower on a busy two-core
    machine: 100,000 customers in 17 s instead of 2.4 s)."""
    with threadpool_limits(1):
        return _cluster(features, k, random_state, previous)


def _cluster(features, k=None, random_state=0, previous=None):
    """Cluster the rows of ``features`` (a DataFrame, one column per feature, one row per
    customer; money in the company's currency, days, counts, percentages).

    ``k``: the number of clusters, or None to choose it by silhouette in 2..8.
    ``previous``: the last run's centres (DataFrame indexed by cluster number, same
    columns, original units) to keep the numbers of the clusters that match them.
    Returns a :class:`Clustering`; fewer than 2 distinct customers give one cluster (0)."""
    frame = pd.DataFrame(features).astype(float)
    columns = list(frame.columns)
    if k is not None and not 1 <= int(k) <= len(frame):
        raise ValueError(f"k must be between 1 and the number of rows ({len(frame)}), not {k}")
    x, mean, std = prepare(frame)
    distinct = len(np.unique(x.round(9), axis=0)) if len(x) else 0
    silhouette = float("nan")
    if distinct < 2:
        k = 1
    elif k is None:
        # no more clusters than distinct customers
        k_range = (K_RANGE[0], max(K_RANGE[0], min(K_RANGE[1], distinct)))
        k, silhouette = choose_k(x, k_range, random_state=random_state)
    k = min(int(k), distinct)
    model = KMeans(k, n_init=N_INIT, random_state=random_state).fit(x)
    labels = model.labels_.astype(int)
    centres_x = model.cluster_centers_
    numbers = list(range(k))
    if previous is not None and len(previous):
        prev = pd.DataFrame(previous).reindex(columns=columns).astype(float)
        prev_x = (transform(prev.fillna(0.0).to_numpy()) - mean) / std
        numbers = match_centres(centres_x, prev_x, list(prev.index))
        labels = np.asarray(numbers, dtype=int)[labels]
    centres = pd.DataFrame(
        inverse_transform(centres_x * std + mean), index=numbers, columns=columns
    ).sort_index()
    centres.index.name = "cluster"
    return Clustering(labels, centres, k, silhouette)


def match_centres(new, old, old_numbers):
    """Numbers for the ``new`` centres (rows, clustering space): each new centre takes the
    number of the old centre it is matched to by the Hungarian assignment of least total
    distance; new centres left over (more clusters than last time) take the next unused
    numbers."""
    new = np.asarray(new, dtype=float)
    old = np.asarray(old, dtype=float)
    cost = np.linalg.norm(new[:, None, :] - old[None, :, :], axis=2)
    rows, cols = linear_sum_assignment(cost)
    numbers = [None] * len(new)
    for r, c in zip(rows, cols, strict=True):
        numbers[r] = int(old_numbers[c])
    following = max([int(n) for n in old_numbers] + [-1]) + 1
    for i, n in enumerate(numbers):
        if n is None:
            numbers[i] = following
            following += 1
    return numbers


def profile(features, labels):
    """Per cluster number: its size and the median of each feature (original units)."""
    frame = pd.DataFrame(features).astype(float)
    grouped = frame.groupby(np.asarray(labels))
    out = grouped.median()
    out.insert(0, "size", grouped.size())
    return out


def describe(centre, features, higher_words, threshold=DESCRIBE_THRESHOLD, max_words=None):
    """Codes of the words describing a centre against the population: for each feature in
    ``higher_words`` ({feature: (word when high, word when low)}, either may be None); the
    centre is a mapping by feature or a sequence in the columns' order. The
    word of the side where the centre stands at least ``threshold`` standard deviations
    (clustering space) from the population mean, strongest first, at most ``max_words``.
    Returns a list of word codes; none when the centre is close to the average customer."""
    frame = pd.DataFrame(features).astype(float)
    frame = frame.fillna(frame.median()).fillna(0.0)
    transformed = transform(frame.to_numpy())
    mean, std = _scaler(transformed)
    columns = list(frame.columns)
    if isinstance(centre, (dict, pd.Series)):
        centre = pd.Series(centre, dtype=float).reindex(columns).fillna(0.0)
    point = transform(np.asarray(centre, dtype=float))  # else in the columns' order
    z = (point - mean) / std
    words = []
    for i in np.argsort(-np.abs(z)):
        feature = columns[i]
        if feature not in higher_words or abs(z[i]) < threshold:
            continue
        word = higher_words[feature][0 if z[i] > 0 else 1]
        if word:
            words.append(word)
    return words[: max_words or DESCRIBE_MAX_WORDS]
