"""Market-basket analysis and next best offers.

Frequent itemsets are counted level by level with sparse matrix products (no candidate
lists in Python): a basket x item incidence matrix ``X`` gives every pair count as
``X.T @ X``; the baskets holding a frequent (k-1)-itemset are found as ``X @ A == k-1``
(``A``: item x itemset incidence) and multiplying that back by ``X`` counts every
k-itemset that extends it by a larger item, exactly once. Counts are exact, so the result is
the one of Apriori or FP-growth on the same thresholds.

Inputs:

- ``baskets``: a DataFrame whose first two columns are (basket, item) in long form (one row
  per line; duplicates are counted once), or a sequence of item collections, or a mapping
  basket -> items. Items are any sortable labels (product ids in the addon).
- ``min_support``: a share of the baskets in (0, 1], or an ``int`` >= 1 read as a count of
  baskets (the textbook's "minimum support count").
- ``min_confidence``: a share in [0, 1].
"""

import math
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse

RULE_COLUMNS = [
    "antecedent",
    "consequent",
    "support",
    "confidence",
    "lift",
    "count",
    "antecedent_support",
    "consequent_support",
]
OFFER_COLUMNS = [
    "customer",
    "item",
    "score",
    "lift",
    "confidence",
    "antecedent",
    "expected_margin",
    "fit",
    "rank",
    "rule",
]
# itemsets are looked up by an int64 key of their codes; longer ones do not fit
MAX_KEY = 2**62


def _long_form(baskets):
    """(basket codes, item codes, item labels, basket count) of ``baskets``."""
    if isinstance(baskets, pd.DataFrame):
        if baskets.shape[1] < 2:
            raise ValueError("baskets: a DataFrame needs (basket, item) columns")
        frame = baskets.iloc[:, :2].dropna()
        basket_col, item_col = frame.iloc[:, 0].to_numpy(), frame.iloc[:, 1].to_numpy()
    else:
        if isinstance(baskets, dict):
            baskets = list(baskets.values())
        basket_col, item_col = [], []
        for b, items in enumerate(baskets):
            if isinstance(items, (str, bytes)):
                raise ValueError("baskets: each basket is a collection of items, not a string")
            for item in items:
                if item is not None:
                    basket_col.append(b)
                    item_col.append(item)
        basket_col, item_col = np.asarray(basket_col), np.asarray(item_col)
    if not len(item_col):
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), 0
    basket_labels, basket_codes = np.unique(basket_col, return_inverse=True)
    item_labels, item_codes = np.unique(item_col, return_inverse=True)
    return basket_codes, item_codes, item_labels, len(basket_labels)


def _incidence(rows, cols, shape):
    """Binary CSR matrix (int32) with ones at (rows, cols), duplicates counted once."""
    m = sparse.csr_matrix((np.ones(len(rows), np.int32), (rows, cols)), shape=shape)
    m.sum_duplicates()
    m.data[:] = 1
    return m


def _min_count(min_support, n_baskets):
    if isinstance(min_support, (bool, np.bool_)):
        raise ValueError("min_support: a share in (0, 1] or a count of baskets")
    if isinstance(min_support, (int, np.integer)):
        if min_support < 1:
            raise ValueError("min_support: a count of baskets is at least 1")
        return int(min_support)
    if not (0 < float(min_support) <= 1):
        raise ValueError("min_support: a share of the baskets in (0, 1]")
    return max(1, math.ceil(float(min_support) * n_baskets - 1e-9))


def _counted_levels(X, min_count, max_len):
    """[(itemsets (m, k) of column codes of X, counts (m,))] for k = 1..max_len."""
    counts1 = np.asarray(X.sum(axis=0)).ravel()
    singles = np.flatnonzero(counts1 >= min_count)
    levels = [(singles.reshape(-1, 1), counts1[singles])]
    if max_len < 2 or len(singles) < 2:
        return levels
    Xf = X[:, singles].tocsr()
    # baskets of a single frequent item extend nothing
    Xf = Xf[np.flatnonzero(np.diff(Xf.indptr) >= 2)]
    pairs = (Xf.T @ Xf).tocoo()
    keep = (pairs.row < pairs.col) & (pairs.data >= min_count)
    sets = np.column_stack([pairs.row[keep], pairs.col[keep]])
    order = np.lexsort(sets.T[::-1])
    sets, counts = sets[order], pairs.data[keep][order]
    local = [(sets, counts)]
    for k in range(3, max_len + 1):
        prev, _ = local[-1]
        if not len(prev):
            break
        m = len(prev)
        A = _incidence(prev.ravel(), np.repeat(np.arange(m), k - 1), (Xf.shape[1], m))
        held = (Xf @ A).tocsr()
        held.data = (held.data == k - 1).astype(np.int32)
        held.eliminate_zeros()
        ext = (held.T @ Xf).tocoo()
        keep = (ext.col > prev[ext.row, -1]) & (ext.data >= min_count)
        sets = np.column_stack([prev[ext.row[keep]], ext.col[keep]])
        if not len(sets):
            break
        order = np.lexsort(sets.T[::-1])
        local.append((sets[order], ext.data[keep][order]))
    # back to the codes of X
    levels += [(singles[s], c) for s, c in local if len(s)]
    return levels


def _keys(sets, base):
    """One int64 per itemset (rows of sorted codes; any length up to the level's)."""
    key = np.zeros(len(sets), np.int64)
    for j in range(sets.shape[1]):
        key = key * base + (sets[:, j].astype(np.int64) + 1)
    return key


def _frequent(baskets, min_support, max_len):
    if max_len is not None and max_len < 1:
        raise ValueError("max_len: at least 1")
    basket_codes, item_codes, labels, n = _long_form(baskets)
    if not n:
        return [], labels, 0
    min_count = _min_count(min_support, n)
    X = _incidence(basket_codes, item_codes, (n, len(labels)))
    longest = int(np.diff(X.indptr).max())
    max_len = min(max_len or longest, longest)
    return _counted_levels(X, min_count, max_len), labels, n


def _labelled(sets, labels):
    return [tuple(row) for row in labels[sets].tolist()]


def frequent_itemsets(baskets, min_support, max_len=None):
    """Frequent itemsets: DataFrame ``itemset`` (tuple of sorted items), ``count`` (baskets
    holding it), ``support`` (share of the baskets), ``length``; by length, then items."""
    levels, labels, n = _frequent(baskets, min_support, max_len)
    frames = [
        pd.DataFrame(
            {
                "itemset": _labelled(sets, labels),
                "count": counts.astype(np.int64),
                "support": counts / n,
                "length": sets.shape[1],
            }
        )
        for sets, counts in levels
        if len(sets)
    ]
    if not frames:
        return pd.DataFrame(columns=["itemset", "count", "support", "length"])
    return pd.concat(frames, ignore_index=True)


def association_rules(baskets, min_support, min_confidence, max_len=3):
    """Association rules X => Y of the frequent itemsets (up to ``max_len`` items, None for
    any length): DataFrame ``antecedent``, ``consequent`` (tuples of sorted items),
    ``support`` (of X and Y together), ``confidence`` P(Y | X), ``lift`` confidence / P(Y),
    ``count``, ``antecedent_support``, ``consequent_support``; by confidence, then lift,
    descending."""
    if not (0 <= float(min_confidence) <= 1):
        raise ValueError("min_confidence: a share in [0, 1]")
    levels, labels, n = _frequent(baskets, min_support, max_len)
    if len(levels) < 2:
        return pd.DataFrame(columns=RULE_COLUMNS)
    base = len(labels) + 1
    if base ** len(levels) >= MAX_KEY:
        raise ValueError("max_len: too many items for itemsets this long")
    all_keys = np.concatenate([_keys(s, base) for s, _ in levels])
    all_counts = np.concatenate([c for _, c in levels]).astype(np.float64)
    order = np.argsort(all_keys)
    all_keys, all_counts = all_keys[order], all_counts[order]

    def count_of(sets):
        # every subset of a frequent itemset is frequent (and so counted)
        return all_counts[np.searchsorted(all_keys, _keys(sets, base))]

    parts = []
    for sets, counts in levels[1:]:
        k = sets.shape[1]
        for j in range(1, k):
            for ante_pos in combinations(range(k), j):
                cons_pos = [i for i in range(k) if i not in ante_pos]
                ante, cons = sets[:, list(ante_pos)], sets[:, cons_pos]
                ante_count, cons_count = count_of(ante), count_of(cons)
                confidence = counts / ante_count
                keep = confidence >= min_confidence - 1e-12
                if not keep.any():
                    continue
                parts.append(
                    pd.DataFrame(
                        {
                            "antecedent": _labelled(ante[keep], labels),
                            "consequent": _labelled(cons[keep], labels),
                            "support": counts[keep] / n,
                            "confidence": confidence[keep],
                            "lift": confidence[keep] / (cons_count[keep] / n),
                            "count": counts[keep].astype(np.int64),
                            "antecedent_support": ante_count[keep] / n,
                            "consequent_support": cons_count[keep] / n,
                        }
                    )
                )
    if not parts:
        return pd.DataFrame(columns=RULE_COLUMNS)
    rules = pd.concat(parts, ignore_index=True)
    return rules.sort_values(
        ["confidence", "lift", "support"], ascending=False, kind="stable"
    ).reset_index(drop=True)


# ----------------------------------------------------------------------------------------
# Next best offers
# ----------------------------------------------------------------------------------------


def tier_affinity(holdings, customer_tier, low=0.5, high=2.0):
    """How much more a tier's customers hold each item than all customers do: DataFrame
    ``tier``, ``item``, ``affinity`` = P(item | tier) / P(item), smoothed (one customer
    added to each side) and clipped to [low, high].

    ``holdings``: DataFrame (customer, item); ``customer_tier``: Series customer -> tier."""
    held = holdings.iloc[:, :2].drop_duplicates()
    held.columns = ["customer", "item"]
    held = held.assign(tier=held["customer"].map(customer_tier)).dropna(subset=["tier"])
    n = max(len(customer_tier.dropna()), 1)
    per_tier = customer_tier.dropna().value_counts()
    per_item = held.groupby("item")["customer"].nunique()
    both = held.groupby(["tier", "item"])["customer"].nunique().rename("n").reset_index()
    p_cond = (both["n"] + 1) / (both["tier"].map(per_tier).to_numpy() + 2)
    p_item = (both["item"].map(per_item).to_numpy() + 1) / (n + 2)
    both["affinity"] = np.clip(p_cond / p_item, low, high)
    return both[["tier", "item", "affinity"]]


def need_tier_fit(
    candidates, customer_needs=None, item_needs=None, customer_tier=None, affinity=None, bonus=0.5
):
    """Fit of each candidate (customer, item) with the customer's needs and tier: 1, times
    ``1 + bonus`` when the item serves one of the customer's needs, times the tier's
    affinity for the item (``tier_affinity``; 1 when unknown). Returns a float array.

    ``customer_needs`` / ``item_needs``: DataFrames (customer, need) / (item, need)."""
    fit = np.ones(len(candidates))
    if not len(candidates):
        return fit
    customer = candidates["customer"].to_numpy()
    item = candidates["item"].to_numpy()
    if customer_needs is not None and item_needs is not None and len(customer_needs):
        cn = customer_needs.iloc[:, :2].set_axis(["customer", "need"], axis=1)
        inn = item_needs.iloc[:, :2].set_axis(["item", "need"], axis=1)
        served = cn.merge(inn, on="need")
        if len(served):
            served = pd.MultiIndex.from_arrays([served["customer"], served["item"]])
            hit = pd.MultiIndex.from_arrays([customer, item]).isin(served)
            fit *= np.where(hit, 1.0 + bonus, 1.0)
    if customer_tier is not None and affinity is not None and len(affinity):
        tier = customer_tier.reindex(customer).to_numpy()
        known = pd.MultiIndex.from_arrays([affinity["tier"], affinity["item"]])
        pos = known.get_indexer(pd.MultiIndex.from_arrays([tier, item]))
        values = affinity["affinity"].to_numpy(dtype=np.float64)
        fit *= np.where(pos >= 0, values[pos], 1.0)
    return fit


def next_best_offers(rules, holdings, margin, fit=None, top_n=5, rules_per_item=20, chunk=5000):
    """Items each customer does not hold whose rule antecedents he holds, ranked by
    lift x expected margin x fit.

    ``rules``: DataFrame of ``association_rules``: the rules with one-item consequents and a
    lift above 1 are used, at most ``rules_per_item`` per consequent (the highest lifts);
    ``holdings``: DataFrame (customer, item); ``margin``: Series item -> expected margin of
    selling it (negative counts as 0); ``fit``: None or a function of the candidates
    DataFrame (customer, item) returning a float array (see ``need_tier_fit``).

    Returns DataFrame ``OFFER_COLUMNS``: per customer at most ``top_n`` items with a positive
    score, the best rule of each (its lift, confidence, antecedent and ``rule``, its index
    label in ``rules``), ``rank`` from 1. Customers are taken ``chunk`` at a time, so
    memory stays bounded."""
    empty = pd.DataFrame(columns=OFFER_COLUMNS)
    if rules is None or not len(rules) or not len(holdings):
        return empty
    consequents = rules["consequent"].tolist()
    lifts = rules["lift"].to_numpy(dtype=np.float64)
    usable = np.flatnonzero(
        np.fromiter((len(c) == 1 for c in consequents), bool, len(consequents)) & (lifts > 1)
    )
    if len(usable):
        # the highest lifts of each consequent
        cons_codes, _ = pd.factorize(pd.Series([consequents[i][0] for i in usable]))
        order = np.lexsort((-lifts[usable], cons_codes))
        sorted_codes = cons_codes[order]
        starts = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
        rank = np.arange(len(order)) - np.maximum.accumulate(
            np.where(starts, np.arange(len(order)), 0)
        )
        usable = np.sort(usable[order[rank < rules_per_item]])
    labels = rules.index.to_numpy()[usable]
    rules = rules.iloc[usable].reset_index(drop=True)
    rules = rules.assign(_cons=[c[0] for c in rules["consequent"]], _label=labels)
    held = holdings.iloc[:, :2].dropna().drop_duplicates()
    held.columns = ["customer", "item"]
    if not len(rules) or not len(held):
        return empty
    cons = rules["_cons"].to_numpy()
    ante_flat = [i for a in rules["antecedent"] for i in a]
    ante_len = rules["antecedent"].map(len).to_numpy()
    every = pd.concat(
        [held["item"], pd.Series(ante_flat), pd.Series(cons)], ignore_index=True
    ).infer_objects()
    codes, items = pd.factorize(every, sort=True)
    items = np.asarray(items)
    n_items, n_rules = len(items), len(rules)
    held_item = codes[: len(held)]
    ante_codes = codes[len(held) : len(held) + len(ante_flat)]
    cons_codes = codes[len(held) + len(ante_flat) :]
    cust_codes, customers = pd.factorize(held["customer"], sort=True)
    customers = np.asarray(customers)
    A = _incidence(ante_codes, np.repeat(np.arange(n_rules), ante_len), (n_items, n_rules))
    margin_by_item = np.clip(
        pd.Series(items).map(margin).fillna(0.0).to_numpy(dtype=np.float64), 0.0, None
    )
    rule_base = rules["lift"].to_numpy(dtype=np.float64) * margin_by_item[cons_codes]
    order = np.argsort(cust_codes, kind="stable")
    sorted_cust = cust_codes[order]
    out = []
    for first in range(0, len(customers), chunk):
        lo, hi = np.searchsorted(sorted_cust, [first, first + chunk])
        if lo >= hi:
            continue
        rows = order[lo:hi]
        size = min(chunk, len(customers) - first)
        H = _incidence(cust_codes[rows] - first, held_item[rows], (size, n_items))
        M = (H @ A).tocoo()
        match = (M.data == ante_len[M.col]) & (rule_base[M.col] > 0)
        cust, rule = M.row[match].astype(np.int64), M.col[match]
        item = cons_codes[rule]
        # not an item the customer holds
        held_keys = np.repeat(np.arange(size, dtype=np.int64), np.diff(H.indptr)) * n_items
        held_keys += H.indices
        key = cust * n_items + item
        pos = np.minimum(np.searchsorted(held_keys, key), len(held_keys) - 1)
        new = held_keys[pos] != key
        cust, rule, item, key = cust[new], rule[new], item[new], key[new]
        if not len(cust):
            continue
        # the best rule of each (customer, item): the fit does not depend on the rule
        best = np.lexsort((-rule_base[rule], key))
        first_of_key = np.r_[True, key[best][1:] != key[best][:-1]]
        pick = best[first_of_key]
        cust, item, rule = cust[pick] + first, item[pick], rule[pick]
        base = rule_base[rule]
        if fit:
            fitted = np.asarray(
                fit(pd.DataFrame({"customer": customers[cust], "item": items[item]})),
                dtype=np.float64,
            )
        else:
            fitted = np.ones(len(cust))
        score = base * fitted
        keep = score > 0
        cust, item, rule, score, fitted = (a[keep] for a in (cust, item, rule, score, fitted))
        # per customer by score, then item; the first top_n
        ranked = np.lexsort((item, -score, cust))
        cust, item, rule, score, fitted = (a[ranked] for a in (cust, item, rule, score, fitted))
        starts = np.r_[True, cust[1:] != cust[:-1]]
        rank = (
            np.arange(len(cust))
            - np.maximum.accumulate(np.where(starts, np.arange(len(cust)), 0))
            + 1
        )
        top = rank <= top_n
        out.append(tuple(a[top] for a in (cust, item, rule, score, fitted, rank)))
    if not out:
        return empty
    cust, item, rule, score, fitted, rank = (np.concatenate(a) for a in zip(*out, strict=True))
    picked = rules.iloc[rule]
    return pd.DataFrame(
        {
            "customer": customers[cust],
            "item": items[item],
            "score": score,
            "lift": picked["lift"].to_numpy(),
            "confidence": picked["confidence"].to_numpy(),
            "antecedent": picked["antecedent"].to_numpy(),
            "expected_margin": pd.Series(items[item]).map(margin).fillna(0.0).to_numpy(),
            "fit": fitted,
            "rank": rank,
            "rule": picked["_label"].to_numpy(),
        },
        columns=OFFER_COLUMNS,
    )
