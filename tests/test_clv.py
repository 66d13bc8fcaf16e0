"""BG/NBD and Gamma-Gamma against the published CDNOW results."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from analytics import clv, profile


def _dataset(name):
    spec = importlib.util.find_spec("lifetimes")  # locates the package without importing it
    if spec is None:
        pytest.fail("the 'lifetimes' package (CDNOW data set) is missing: run 'make setup'")
    return pd.read_csv(Path(spec.submodule_search_locations[0]) / "datasets" / name)


@pytest.fixture(scope="module")
def cdnow():
    return _dataset("cdnow_customers_summary.csv")


@pytest.fixture(scope="module")
def cdnow_bgnbd(cdnow):
    return clv.fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])


def test_bgnbd_cdnow_matches_fader_hardie_lee_2005(cdnow, cdnow_bgnbd):
    assert len(cdnow) == 2357
    # Fader, Hardie & Lee (2005): r=0.243, alpha=4.414, a=0.793, b=2.426
    assert round(cdnow_bgnbd["r"], 2) == 0.24
    assert round(cdnow_bgnbd["alpha"], 2) == 4.41
    assert round(cdnow_bgnbd["a"], 2) == 0.79
    assert round(cdnow_bgnbd["b"], 2) == 2.43
    assert cdnow_bgnbd["r"] == pytest.approx(0.243, abs=1e-3)
    assert cdnow_bgnbd["alpha"] == pytest.approx(4.414, abs=1e-3)
    assert cdnow_bgnbd["a"] == pytest.approx(0.793, abs=1e-3)
    assert cdnow_bgnbd["b"] == pytest.approx(2.426, abs=1e-3)


def test_bgnbd_fit_does_not_depend_on_the_time_unit(cdnow, cdnow_bgnbd):
    days = clv.fit_bgnbd(cdnow["frequency"], cdnow["recency"] * 7, cdnow["T"] * 7)
    assert days["r"] == pytest.approx(cdnow_bgnbd["r"], rel=1e-3)
    assert days["alpha"] == pytest.approx(cdnow_bgnbd["alpha"] * 7, rel=1e-3)
    assert days["a"] == pytest.approx(cdnow_bgnbd["a"], rel=1e-3)


def test_bgnbd_refit_from_the_last_fit_finds_the_same_optimum(cdnow, cdnow_bgnbd):
    """The nightly refit starts from the last parameters: from a point off the optimum
    (the data of an earlier night), the gradient search alone lands on the CDNOW values."""
    off = {k: v * 1.2 for k, v in cdnow_bgnbd.items()}
    refit = clv.fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"], start=off)
    for key in ("r", "alpha", "a", "b"):
        assert refit[key] == pytest.approx(cdnow_bgnbd[key], rel=1e-3)


def test_gamma_gamma_cdnow():
    data = _dataset("cdnow_customers_summary_with_transactions.csv")
    params = clv.fit_gamma_gamma(data["x"], data["zbar"])
    # Fader & Hardie (2013) / lifetimes' documented fit: p=6.25, q=3.74, v=15.45
    assert round(params["p"], 2) == 6.25
    assert round(params["q"], 2) == 3.74
    assert round(params["v"], 2) == 15.45
    spend = clv.gamma_gamma_expected_spend(params, [2, 0], [22.35, 0.0])
    p, q, v = params["p"], params["q"], params["v"]
    assert spend[0] == pytest.approx(p * (v + 2 * 22.35) / (p * 2 + q - 1))
    assert spend[1] == pytest.approx(p * v / (q - 1))


def test_probability_alive_hand_computed():
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    got = clv.bgnbd_probability_alive(params, [0, 2], [0.0, 30.43], [38.86, 38.86])
    expected = 1 / (1 + 0.793 / (2.426 + 2 - 1) * ((4.414 + 38.86) / (4.414 + 30.43)) ** 2.243)
    assert got[0] == 1.0  # no repeat purchase: alive by the model's assumption
    assert got[1] == pytest.approx(expected, rel=1e-12)


def test_expected_purchases_grow_with_time_and_start_at_zero():
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    x, t_x, T = [2, 0], [30.43, 0.0], [38.86, 38.86]
    assert np.all(clv.bgnbd_expected_purchases(params, 0, x, t_x, T) == 0)
    e10 = clv.bgnbd_expected_purchases(params, 10, x, t_x, T)
    e39 = clv.bgnbd_expected_purchases(params, 39, x, t_x, T)
    assert np.all(e39 > e10) and np.all(e10 > 0)


def test_discounted_clv_is_the_sum_of_monthly_increments():
    b = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    g = {"p": 6.25, "q": 3.74, "v": 15.45}
    x, t_x, T, m = [3], [20.0], [30.0], [40.0]
    got = clv.discounted_clv(
        b, g, x, t_x, T, m, horizon_months=3, monthly_discount_rate=0.01, days_per_unit=7
    )
    spend = clv.gamma_gamma_expected_spend(g, x, m)[0]
    months = [clv.bgnbd_expected_purchases(b, k * 30.4375 / 7, x, t_x, T)[0] for k in range(4)]
    expected = sum((months[k] - months[k - 1]) * spend / 1.01**k for k in range(1, 4))
    assert got[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("x", "t_x", "T"),
    [([], [], []), ([1, -1], [1, 1], [2, 2]), ([1], [3], [2]), ([math.nan], [1], [2])],
)
def test_bgnbd_rejects_bad_input(x, t_x, T):
    with pytest.raises(ValueError):
        clv.fit_bgnbd(x, t_x, T)


def test_gamma_gamma_needs_repeat_buyers():
    with pytest.raises(ValueError):
        clv.fit_gamma_gamma([0, 0], [10.0, 20.0])


def test_fit_says_why_it_does_not_predict():
    # three buyers, one of them repeated: 1 repeat buyer of the 10 a fit needs
    x = np.array([2.0, 0.0, 0.0])
    t_x = np.array([30.0, 0.0, 0.0])
    T = np.array([90.0, 60.0, 10.0])
    m = np.array([50.0, 0.0, 0.0])
    result = profile._fit(x, t_x, T, m)
    assert result["bgnbd"] is None and result["gg"] is None
    assert result["fit_note"] == {"code": "few_repeat_buyers", "repeat_buyers": 1, "needed": 10}
