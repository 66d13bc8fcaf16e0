"""The committee core: what moved most, what is on the rise, a decision's result."""

import pytest
from analytics import committee


def test_biggest_moves_ranks_by_absolute_change_and_drops_undefined():
    rows = [
        {"key": "deliveries", "trend": 200.0},
        {"key": "late_delivery_rate", "trend": -50.0},
        {"key": "nps", "trend": None},
        {"key": "returns", "trend": 0.0},
        {"key": "churn_rate", "trend": 300.0},
    ]
    moves = committee.biggest_moves(rows, limit=2)
    assert [m["key"] for m in moves] == ["churn_rate", "deliveries"]
    assert moves[0]["improved"] is False  # churn up is worse
    assert moves[1]["improved"] is True
    assert committee.biggest_moves(rows)[2]["improved"] is True  # late deliveries down
    with pytest.raises(ValueError):
        committee.biggest_moves(rows, limit=-1)


def test_rising_keeps_what_rose_largest_rise_first():
    current = {"late": 5, "broken": 3, "rude": 2, "price": 1}
    previous = {"late": 1, "broken": 3, "rude": 0, "gone": 4}
    assert committee.rising(current, previous) == [("late", 5, 1), ("rude", 2, 0), ("price", 1, 0)]
    assert committee.rising(current, previous, limit=1) == [("late", 5, 1)]
    assert committee.rising({}, previous) == []


def test_decision_result_direction():
    assert committee.decision_result("late_delivery_rate", 50.0, 25.0) == {
        "change": -25.0,
        "improved": True,
    }
    assert committee.decision_result("retention_rate", 80.0, 70.0) == {
        "change": -10.0,
        "improved": False,
    }
    assert committee.decision_result("nps", None, 10.0) == {"change": None, "improved": None}
    assert committee.decision_result("nps", 10.0, 10.0)["improved"] is None
