"""KPI formulas with hand-computed values and their undefined cases."""

from datetime import date

import pandas as pd
import pytest
from analytics import kpi


def test_cac_and_undefined_cases():
    assert kpi.cac(1500.0, 3) == 500.0
    assert kpi.cac(1500.0, 0) is None  # no customer acquired: not defined
    assert kpi.cac(0.0, 4) == 0.0
    assert kpi.ratio(None, 3) is None


def test_churn_and_retention():
    assert kpi.churn_rate(2, 40) == 5.0
    assert kpi.retention_rate(5.0) == 95.0
    assert kpi.churn_rate(1, 0) is None
    assert kpi.retention_rate(None) is None


def test_nps():
    # 10 answers: 9, 10, 10 promoters (3); 7, 8 passive; 0, 3, 5, 6, 6 detractors (5)
    scores = [9, 10, 10, 7, 8, 0, 3, 5, 6, 6]
    assert kpi.nps(scores) == pytest.approx(30.0 - 50.0)
    assert kpi.nps([]) is None
    assert kpi.nps([10, 10]) == 100.0


def test_csat():
    assert kpi.csat([5, 4, 3, 1]) == 50.0
    assert kpi.csat([]) is None


def test_conversion_and_roi():
    assert kpi.conversion_rate(3, 1) == 75.0
    assert kpi.conversion_rate(0, 0) is None
    assert kpi.roi(1300.0, 1000.0) == pytest.approx(30.0)
    assert kpi.roi(500.0, 0.0) is None
    assert kpi.trend(110.0, 100.0) == pytest.approx(10.0)
    assert kpi.trend(-50.0, -100.0) == pytest.approx(50.0)
    assert kpi.trend(5.0, 0.0) is None


@pytest.mark.parametrize(
    ("period", "previous"),
    [
        ((date(2026, 1, 1), date(2026, 1, 31)), (date(2025, 12, 1), date(2025, 12, 31))),
        ((date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))),
        ((date(2026, 1, 1), date(2026, 3, 31)), (date(2025, 10, 1), date(2025, 12, 31))),
        ((date(2026, 1, 1), date(2026, 12, 31)), (date(2025, 1, 1), date(2025, 12, 31))),
        ((date(2026, 1, 10), date(2026, 1, 19)), (date(2025, 12, 31), date(2026, 1, 9))),
    ],
)
def test_previous_period_crosses_years(period, previous):
    assert kpi.previous_period(*period) == previous


def test_previous_period_refuses_reversed_dates():
    with pytest.raises(ValueError):
        kpi.previous_period(date(2026, 2, 1), date(2026, 1, 1))


def test_staff_scorecard():
    counts = pd.DataFrame(
        {
            "portfolio": [10, 4],
            "active_at_start": [8, 0],
            "customers_lost": [2, 0],
            "csat_satisfied": [3, 0],
            "csat_answers": [4, 0],
            "orders": [5, 1],
            "orders_previous": [4, 0],
            "margin": [1000.0, 50.0],
            "margin_previous": [800.0, 0.0],
            "deliveries": [5, 1],
            "deliveries_previous": [4, 0],
            "returns": [1, 0],
            "complaints": [2, 0],
            "complaints_previous": [1, 0],
            "complaints_handled": [3, 0],
            "handled_in_sla": [2, 0],
            "handled_with_deadline": [3, 0],
            "complaint_csat_satisfied": [1, 0],
            "complaint_csat_answers": [2, 0],
        },
        index=pd.Index([7, 8], name="user_id"),
    )
    costs = {"order": 10.0, "delivery": 5.0, "return": 20.0, "complaint": 50.0}
    card = kpi.staff_scorecard(counts, costs)
    first, second = card.loc[7], card.loc[8]
    # 1000 - (5 x 10 + 5 x 5 + 1 x 20 + 2 x 50) = 805; before: 800 - (40 + 20 + 50) = 690
    assert first["net_value"] == pytest.approx(805.0)
    assert first["net_value_previous"] == pytest.approx(690.0)
    assert first["net_value_growth"] == pytest.approx(100.0 * 115 / 690)
    assert first["churn_rate"] == pytest.approx(25.0)
    assert first["retention_rate"] == pytest.approx(75.0)
    assert first["csat"] == pytest.approx(75.0)
    assert first["complaint_sla_compliance"] == pytest.approx(200.0 / 3)
    assert first["complaint_csat"] == pytest.approx(50.0)
    # nothing to divide by: not defined, never a division error
    assert second["net_value"] == pytest.approx(35.0)  # 50 - 10 - 5
    for key in ("churn_rate", "retention_rate", "csat", "net_value_growth"):
        assert second[key] is None
    assert second["complaint_sla_compliance"] is None


def test_staff_scorecard_missing_columns_count_as_zero():
    card = kpi.staff_scorecard(pd.DataFrame({"portfolio": [3]}, index=[1]), {})
    assert card.loc[1, "net_value"] == 0.0
    assert card.loc[1, "churn_rate"] is None


def test_judge_tells_good_from_bad_directions():
    # a rise of retention is good, a rise of churn or returns bad, a volume neither
    assert kpi.judge(12.5, 1) == "good"
    assert kpi.judge(12.5, -1) == "bad"
    assert kpi.judge(-3.0, -1) == "good"
    assert kpi.judge(-3.0, 1) == "bad"
    assert kpi.judge(40.0, 0) == "neutral"
    assert kpi.judge(None, 1) == "neutral"  # no previous figure: nothing to judge
    assert kpi.judge(0.0, 1) == "neutral"


def test_held_at_starts_counts_the_moves_holding_each_start():
    # three starts; a move made before the first and followed after the second holds 1, 2;
    # one made between the first and the second, never followed, holds 2, 3; one made and
    # followed between the same starts holds none; one made after the last holds none
    intervals = [(0, 2, 4), (1, None, 2), (1, 1, 7), (3, None, 5)]
    assert kpi.held_at_starts(intervals, 3) == [4, 6, 2]
    assert kpi.held_at_starts([], 2) == [0, 0]
