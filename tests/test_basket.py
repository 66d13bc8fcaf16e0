"""Market-basket analysis: the textbook example of Han & Kamber (Data Mining: Concepts and
Techniques, the AllElectronics transactions, minimum support count 2), the same figures
from long-form input, edge cases, and next best offers on a small hand-checked case."""

import numpy as np
import pandas as pd
import pytest
from analytics import basket

HAN_KAMBER = {
    "T100": ["I1", "I2", "I5"],
    "T200": ["I2", "I4"],
    "T300": ["I2", "I3"],
    "T400": ["I1", "I2", "I4"],
    "T500": ["I1", "I3"],
    "T600": ["I2", "I3"],
    "T700": ["I1", "I3"],
    "T800": ["I1", "I2", "I3", "I5"],
    "T900": ["I1", "I2", "I3"],
}
# the published frequent itemsets with their support counts
FREQUENT = {
    ("I1",): 6,
    ("I2",): 7,
    ("I3",): 6,
    ("I4",): 2,
    ("I5",): 2,
    ("I1", "I2"): 4,
    ("I1", "I3"): 4,
    ("I1", "I5"): 2,
    ("I2", "I3"): 4,
    ("I2", "I4"): 2,
    ("I2", "I5"): 2,
    ("I1", "I2", "I3"): 2,
    ("I1", "I2", "I5"): 2,
}


def rule(rules, antecedent, consequent):
    hit = rules[(rules["antecedent"] == antecedent) & (rules["consequent"] == consequent)]
    assert len(hit) == 1, (antecedent, consequent)
    return hit.iloc[0]


def test_han_kamber_frequent_itemsets():
    found = basket.frequent_itemsets(HAN_KAMBER, 2)
    assert dict(zip(found["itemset"], found["count"], strict=True)) == FREQUENT
    assert sorted(found.loc[found["length"] == 3, "itemset"]) == [
        ("I1", "I2", "I3"),
        ("I1", "I2", "I5"),
    ]
    # no 4-itemset: {I1, I2, I3, I5} is in one transaction only
    assert found["length"].max() == 3
    # the share 2/9 is the same threshold as the count 2
    again = basket.frequent_itemsets(HAN_KAMBER, 2 / 9)
    assert dict(zip(again["itemset"], again["count"], strict=True)) == FREQUENT


def test_han_kamber_rules_of_i1_i2_i5():
    rules = basket.association_rules(HAN_KAMBER, 2, 0.0)
    # the six rules of {I1, I2, I5} as published: confidence 2/4, 2/2, 2/2, 2/6, 2/7, 2/2
    expected = {
        (("I1", "I2"), ("I5",)): 0.5,
        (("I1", "I5"), ("I2",)): 1.0,
        (("I2", "I5"), ("I1",)): 1.0,
        (("I1",), ("I2", "I5")): 2 / 6,
        (("I2",), ("I1", "I5")): 2 / 7,
        (("I5",), ("I1", "I2")): 1.0,
    }
    for (ante, cons), confidence in expected.items():
        r = rule(rules, ante, cons)
        assert r["confidence"] == pytest.approx(confidence)
        assert r["support"] == pytest.approx(2 / 9)
        assert r["count"] == 2
    # lift of {I1, I5} => {I2}: 1 / (7/9)
    assert rule(rules, ("I1", "I5"), ("I2",))["lift"] == pytest.approx(9 / 7)
    # {I5} => {I1, I2}: 1 / (4/9)
    assert rule(rules, ("I5",), ("I1", "I2"))["lift"] == pytest.approx(9 / 4)
    # every frequent itemset of k items gives 2^k - 2 rules at confidence 0
    assert len(rules) == 6 * 2 + 2 * 6


def test_min_confidence_keeps_the_strong_rules():
    # at 70 %: only the three 100 % rules of {I1, I2, I5}, I4 => I2 and I5 => I1, I5 => I2
    rules = basket.association_rules(HAN_KAMBER, 2, 0.7)
    found = set(zip(rules["antecedent"], rules["consequent"], strict=True))
    assert found == {
        (("I1", "I5"), ("I2",)),
        (("I2", "I5"), ("I1",)),
        (("I5",), ("I1", "I2")),
        (("I4",), ("I2",)),
        (("I5",), ("I1",)),
        (("I5",), ("I2",)),
    }
    assert rules["confidence"].is_monotonic_decreasing
    assert list(rules.columns[:5]) == ["antecedent", "consequent", "support", "confidence", "lift"]


def test_long_form_input_and_duplicate_lines():
    rows = [(t, item) for t, items in HAN_KAMBER.items() for item in items]
    rows += [("T100", "I1"), ("T800", "I5")]  # the same product twice in an order
    frame = pd.DataFrame(rows, columns=["order_id", "product_id"])
    rules = basket.association_rules(frame, 2, 0.5)
    assert rule(rules, ("I1", "I2"), ("I5",))["confidence"] == pytest.approx(0.5)
    # integer items (product ids)
    ints = frame.assign(product_id=frame["product_id"].str[1:].astype(int))
    rules = basket.association_rules(ints, 2, 0.5)
    assert rule(rules, (1, 5), (2,))["confidence"] == pytest.approx(1.0)


def test_max_len_limits_the_itemsets():
    rules = basket.association_rules(HAN_KAMBER, 2, 0.0, max_len=2)
    assert rules["antecedent"].map(len).max() == 1
    assert len(rules) == 12


def test_edge_cases():
    assert basket.association_rules([], 0.1, 0.5).empty
    assert basket.association_rules([["a"], ["b"]], 1, 0.0).empty  # no pair in any basket
    assert basket.frequent_itemsets([["a"], ["a"], ["b"]], 2)["itemset"].tolist() == [("a",)]
    # nothing frequent above everything
    assert basket.association_rules(HAN_KAMBER, 10, 0.0).empty
    same = basket.association_rules([["a", "b"], ["a", "b"]], 1.0, 1.0)
    assert set(zip(same["antecedent"], same["consequent"], strict=True)) == {
        (("a",), ("b",)),
        (("b",), ("a",)),
    }
    assert same["lift"].tolist() == [1.0, 1.0]
    for bad in (0, 0.0, 1.5, -1, True):
        with pytest.raises(ValueError):
            basket.association_rules(HAN_KAMBER, bad, 0.5)
    with pytest.raises(ValueError):
        basket.association_rules(HAN_KAMBER, 2, 1.2)
    with pytest.raises(ValueError):
        basket.association_rules(["I1 I2"], 1, 0.5)


def test_vectorised_counts_match_brute_force():
    rng = np.random.default_rng(3)
    baskets = [
        sorted(set(rng.choice(12, size=rng.integers(1, 7), replace=True).tolist()))
        for _ in range(400)
    ]
    found = basket.frequent_itemsets(baskets, 15)
    sets = [frozenset(b) for b in baskets]
    for itemset, count in zip(found["itemset"], found["count"], strict=True):
        assert sum(1 for s in sets if s.issuperset(itemset)) == count
    # and nothing frequent is missed among the pairs
    pairs = {
        (a, b)
        for s in sets
        for a in s
        for b in s
        if a < b and sum(1 for t in sets if a in t and b in t) >= 15
    }
    assert pairs == {i for i in found["itemset"] if len(i) == 2}


def test_next_best_offers_ranked_by_lift_margin_and_fit():
    rules = pd.DataFrame(
        {
            "antecedent": [("A",), ("A",), ("B",), ("A", "B")],
            "consequent": [("C",), ("D",), ("C",), ("E",)],
            "support": [0.2, 0.1, 0.1, 0.1],
            "confidence": [0.5, 0.4, 0.6, 0.9],
            "lift": [2.0, 3.0, 4.0, 1.5],
        }
    )
    holdings = pd.DataFrame(
        {"customer": [1, 1, 2, 3], "item": ["A", "B", "A", "C"]},
    )
    margin = pd.Series({"C": 10.0, "D": 5.0, "E": 100.0})
    offers = basket.next_best_offers(rules, holdings, margin, top_n=2)
    one = offers[offers["customer"] == 1]
    # customer 1 holds A and B: E 1.5 x 100 = 150, C best by B => C 4 x 10 = 40, D 15 cut
    assert one["item"].tolist() == ["E", "C"]
    assert one["score"].tolist() == [150.0, 40.0]
    assert one["rank"].tolist() == [1, 2]
    assert one.iloc[1]["antecedent"] == ("B",)
    two = offers[offers["customer"] == 2]
    assert two["item"].tolist() == ["C", "D"]  # 2 x 10 = 20, 3 x 5 = 15
    # customer 3 holds only a consequent: nothing matches
    assert 3 not in offers["customer"].tolist()

    def fit(cand):
        return np.where(cand["item"] == "D", 2.0, 1.0)

    two = basket.next_best_offers(rules, holdings, margin, fit=fit)
    two = two[two["customer"] == 2]
    assert two["item"].tolist() == ["D", "C"]  # 3 x 5 x 2 = 30 beats 20
    # an item already held is never offered; a zero margin is not an offer
    held_c = pd.concat([holdings, pd.DataFrame({"customer": [2], "item": ["C"]})])
    assert (
        "C"
        not in basket.next_best_offers(rules, held_c, margin)
        .query("customer == 2")["item"]
        .tolist()
    )
    assert basket.next_best_offers(rules, holdings, pd.Series(dtype=float)).empty


def test_next_best_offers_in_chunks_equal_one_pass():
    rng = np.random.default_rng(5)
    # baskets of varied sizes: items go together (lift above 1)
    baskets = [rng.choice(8, size=rng.integers(1, 6)).tolist() for _ in range(300)]
    rules = basket.association_rules(baskets, 10, 0.1)
    assert (rules["lift"] > 1).any()
    holdings = pd.DataFrame(
        [(c, i) for c in range(50) for i in rng.choice(8, size=2, replace=False)],
        columns=["customer", "item"],
    )
    margin = pd.Series({i: float(i + 1) for i in range(8)})
    whole = basket.next_best_offers(rules, holdings, margin)
    chunked = basket.next_best_offers(rules, holdings, margin, chunk=7)
    pd.testing.assert_frame_equal(whole, chunked)
    assert len(whole)


def test_need_and_tier_fit():
    holdings = pd.DataFrame(
        {"customer": [1, 2, 3, 4], "item": ["X", "X", "Y", "Y"]},
    )
    tiers = pd.Series({1: "mvc", 2: "mvc", 3: "bz", 4: "bz"})
    affinity = basket.tier_affinity(holdings, tiers)
    mvc_x = affinity[(affinity["tier"] == "mvc") & (affinity["item"] == "X")]["affinity"]
    # P(X | mvc) = (2 + 1) / (2 + 2), P(X) = (2 + 1) / (4 + 2): 0.75 / 0.5 = 1.5
    assert mvc_x.iloc[0] == pytest.approx(1.5)
    cand = pd.DataFrame({"customer": [1, 3, 1], "item": ["X", "X", "Z"]})
    fit = basket.need_tier_fit(
        cand,
        customer_needs=pd.DataFrame({"customer": [1], "need": [7]}),
        item_needs=pd.DataFrame({"item": ["Z"], "need": [7]}),
        customer_tier=tiers,
        affinity=affinity,
    )
    # 1.5 (mvc likes X); bz customers hold no X: tier affinity of bz for X is absent -> 1;
    # Z serves customer 1's need: 1.5, no affinity -> 1
    assert fit.tolist() == pytest.approx([1.5, 1.0, 1.5])
