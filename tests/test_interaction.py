"""Interaction figures and the NPS programme's maths, with hand-computed values."""

from datetime import date

import numpy as np
from analytics import interaction


def test_nps_category_by_score_and_age():
    today = date(2026, 6, 30)
    scores = [10, 9, 8, 7, 6, 0, np.nan, 10]
    dates = ["2026-06-01"] * 7 + ["2025-06-01"]  # the last one is 394 days old
    got = list(interaction.nps_category(scores, dates, today))
    assert got == [
        "promoter",
        "promoter",
        "passive",
        "passive",
        "detractor",
        "detractor",
        None,
        None,
    ]


def test_response_rate():
    assert interaction.response_rate(8, 2) == 25.0
    assert interaction.response_rate(0, 0) is None


def test_sample_is_stable_and_sized():
    wave = "2026-06"
    picked = [k for k in range(10000) if interaction.in_sample(k, wave, 30)]
    assert picked == [k for k in range(10000) if interaction.in_sample(k, wave, 30)]
    assert 2800 < len(picked) < 3200  # about 30 %
    other = {k for k in range(10000) if interaction.in_sample(k, "2026-12", 30)}
    assert other != set(picked)
    assert interaction.in_sample(5, wave, 100) and not interaction.in_sample(5, wave, 0)
