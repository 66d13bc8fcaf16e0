"""RFM quintiles, value tiers, cost to serve and completeness, with hand-computed values."""

import numpy as np
import pandas as pd
import pytest
from analytics import rfm, value


def test_quintile_scores_of_ten_customers():
    values = np.arange(1, 11, dtype=float)  # 1..10
    cuts = rfm.breakpoints(values)
    assert cuts == pytest.approx([2.8, 4.6, 6.4, 8.2])
    assert list(rfm.score(values, cuts)) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # recency: fewer days is better
    assert list(rfm.score(values, cuts, higher_is_better=False)) == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_rfm_score_string_segment_and_missing_data():
    frame, cuts = rfm.rfm_scores([1, 300, np.nan], [10, 1, np.nan], [1000, 5, np.nan])
    assert list(frame["rfm_score"]) == ["555", "111", None]
    assert list(frame["rfm_segment"]) == ["champions", "lost", "no_order"]
    # scoring a single customer against the same population
    one, _ = rfm.rfm_scores([1], [10], [1000], cuts=cuts)
    assert one["rfm_score"][0] == "555"


def test_scores_without_population_are_zero():
    frame, _ = rfm.rfm_scores(
        [5.0], [2.0], [10.0], cuts={k: [None] * 4 for k in ("recency", "frequency", "monetary")}
    )
    assert frame["rfm_score"][0] is None


def test_cost_to_serve():
    costs = {
        "order": 10.0,
        "delivery": 5.0,
        "return": 20.0,
        "complaint": 50.0,
        "capital_rate": 0.0365,
    }
    got = value.cost_to_serve([2], [3], [1], [1], [10_000.0], costs)
    # 2*10 + 3*5 + 1*20 + 1*50 + 10000 * 0.0365 / 365 = 105 + 1
    assert got[0] == pytest.approx(106.0)


def test_value_tiers():
    net = [1000, 500, 300, 100, -50, 0]
    predicted = [0, 0, 2000, 10, 500, 0]
    actual = [1200, 600, 400, 50, 10, 0]
    active = [True, True, True, True, True, False]
    tiers = value.value_tiers(net, predicted, actual, active, mvc_share=0.5, mgc_growth_ratio=1.5)
    # 4 positive -> top 2 are MVC; 300 with predicted 2000 >= 1.5 * 400 -> MGC;
    # 100: predicted 10 < 75 -> maintain; -50 -> BZ; inactive zero -> no tier
    assert list(tiers) == ["mvc", "mvc", "mgc", "maintain", "bz", None]
    # against a stored threshold (single-customer refresh)
    one = value.value_tiers([700], [0], [800], [True], mvc_threshold=500.0)
    assert list(one) == ["mvc"]


def test_value_tiers_rejects_bad_share():
    with pytest.raises(ValueError):
        value.value_tiers([1], [1], [1], [True], mvc_share=1.5)


def test_completeness():
    filled = pd.DataFrame(
        {
            "E-mail": [True, False],
            "Phone": [True, False],
            "VAT": [False, False],
            "Country": [True, True],
        }
    )
    scores, missing = value.completeness(filled)
    assert list(scores) == [75.0, 25.0]
    assert list(missing) == ["VAT", "E-mail, Phone, VAT"]


def test_profiles_add_complaint_compensation_to_cost_to_serve():
    from analytics import profile

    raw = pd.DataFrame(
        {
            "order_count": [2.0, 1.0],
            "margin": [100.0, 50.0],
            "complaint_count": [1.0, 0.0],
            "compensation_amount": [30.0, np.nan],
        },
        index=[1, 2],
    )
    cfg = {"unit_costs": {"order": 5.0, "complaint": 12.0}}
    out, _ = profile.build_profiles(raw, "2026-06-30", cfg, {"rfm": None, "bgnbd": None})
    # 1: 2 orders x 5 + 1 complaint x 12 + 30 compensation = 52; 2: 1 order x 5
    assert list(out["cost_to_serve"]) == pytest.approx([52.0, 5.0])
    assert list(out["net_value"]) == pytest.approx([48.0, 45.0])
