"""QCI lifecycle rules: one customer walked through the cycle, and each rule's edge."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from analytics import lifecycle

TODAY = date(2026, 6, 30)


def row(**kw):
    base = {
        "stage": None,
        "stage_date": pd.NaT,
        "prev_stage": None,
        "floor_stage": None,
        "manual_date": pd.NaT,
        "first_purchase": pd.NaT,
        "last_purchase": pd.NaT,
        "purchase_days": 0,
        "best_streak": 0,
        "churn_probability": np.nan,
        "profile_known": False,
        "open_complaints": 0,
        "last_answer_date": pd.NaT,
        "last_answer_negative": False,
        "lead_stage": None,
    }
    base.update(kw)
    for col in ("stage_date", "manual_date", "first_purchase", "last_purchase", "last_answer_date"):
        base[col] = pd.Timestamp(base[col]) if base[col] is not pd.NaT else pd.NaT
    return base


def stage_of(today=TODAY, config=None, **kw):
    frame = pd.DataFrame([row(**kw)], index=[7])
    out = lifecycle.evaluate(frame, today, config)
    return out["stage"].iloc[0]


def test_prospects_follow_their_leads():
    assert stage_of() is None
    assert stage_of(lead_stage="target") == "target"
    assert stage_of(stage="target", lead_stage="enquiry") == "enquiry"
    # an enquiry does not fall back to target because another lead is new
    assert stage_of(stage="enquiry", lead_stage="target") == "enquiry"


def test_first_purchase_acquires_then_onboards_then_active():
    bought = {"first_purchase": "2026-06-29", "last_purchase": "2026-06-29", "purchase_days": 1}
    assert stage_of(stage="enquiry", **bought) == "acquired"
    assert stage_of(stage="acquired", **bought) == "onboarding"
    # still onboarding within 30 days, even with a repeat purchase
    assert stage_of(stage="onboarding", **{**bought, "purchase_days": 2}) == "onboarding"
    later = date(2026, 8, 1)  # 33 days after the first purchase
    assert stage_of(later, stage="onboarding", **bought) == "onboarding"
    assert stage_of(later, stage="onboarding", profile_known=True, **bought) == "known"
    assert stage_of(later, stage="known", **{**bought, "purchase_days": 2}) == "developing"
    assert (
        stage_of(later, stage="developing", best_streak=3, **{**bought, "purchase_days": 4})
        == "retained"
    )


def test_first_classification_of_old_customers_skips_acquired():
    old = {"first_purchase": "2025-01-01", "last_purchase": "2026-06-01", "purchase_days": 3}
    assert stage_of(**old) == "developing"
    assert stage_of(stage="enquiry", **{**old, "purchase_days": 1}) == "onboarding"


def test_active_stage_never_falls_below_what_was_reached():
    bought = {"first_purchase": "2025-01-01", "last_purchase": "2026-06-01", "purchase_days": 1}
    assert stage_of(stage="at_risk", floor_stage="retained", **bought) == "retained"


def test_inactivity_against_the_usual_interval_and_churn():
    # 5 purchase days over 120 days: usual interval 30 days; at risk after 2 x 30 = 60 days
    hist = {"first_purchase": "2025-12-01", "purchase_days": 5, "floor_stage": "developing"}
    # last 2026-05-01: span 151 days / 4 intervals = 37.75, threshold 75.5 days; 60 days ago
    assert stage_of(stage="developing", last_purchase="2026-05-01", **hist) == "developing"
    # last 2026-04-15: span 135 / 4 = 33.75, threshold 67.5 days; 76 days ago
    assert stage_of(stage="developing", last_purchase="2026-04-15", **hist) == "at_risk"
    # churn probability alone
    recent = {"first_purchase": "2026-01-01", "last_purchase": "2026-06-20", "purchase_days": 3}
    assert stage_of(stage="developing", churn_probability=0.8, **recent) == "at_risk"
    assert stage_of(stage="developing", churn_probability=0.5, **recent) == "developing"
    # lost after 365 days without purchase
    assert stage_of(stage="at_risk", last_purchase="2025-06-30", **hist) == "lost"
    assert stage_of(stage="at_risk", last_purchase="2025-07-01", **hist) == "at_risk"


def test_usual_interval_threshold_exactly():
    # first 2026-01-01, last 2026-03-02 (60 days), 3 purchase days: interval 30 -> at risk > 60
    hist = {"first_purchase": "2026-01-01", "last_purchase": "2026-03-02", "purchase_days": 3}
    cfg = {"risk_min_days": 10}
    assert stage_of(date(2026, 5, 1), cfg, stage="developing", **hist) == "developing"  # 60 d
    assert stage_of(date(2026, 5, 2), cfg, stage="developing", **hist) == "at_risk"  # 61 d


def test_complaints_and_answers_make_dissatisfied_and_back():
    hist = {
        "first_purchase": "2026-01-01",
        "last_purchase": "2026-06-01",
        "purchase_days": 3,
        "floor_stage": "developing",
    }
    assert stage_of(stage="developing", open_complaints=1, **hist) == "dissatisfied"
    # resolved, satisfied answer: back to the previous active stage
    assert (
        stage_of(
            stage="dissatisfied", prev_stage="developing", last_answer_date="2026-06-20", **hist
        )
        == "developing"
    )
    # a detractor answer after the last purchase
    negative = {"last_answer_date": "2026-06-20", "last_answer_negative": True}
    assert stage_of(stage="developing", **negative, **hist) == "dissatisfied"
    # ... but not one older than a later purchase
    older = {"last_answer_date": "2026-05-20", "last_answer_negative": True}
    assert stage_of(stage="developing", **older, **hist) == "developing"


def test_win_back_then_developing():
    hist = {"first_purchase": "2024-01-01", "purchase_days": 4, "floor_stage": "known"}
    assert (
        stage_of(stage="lost", stage_date="2026-01-01", last_purchase="2026-06-29", **hist)
        == "won_back"
    )
    assert (
        stage_of(
            stage="at_risk",
            prev_stage="lost",
            stage_date="2026-03-01",
            last_purchase="2026-06-29",
            **hist,
        )
        == "won_back"
    )
    # still lost without a purchase after the move
    assert (
        stage_of(stage="lost", stage_date="2026-01-01", last_purchase="2025-06-01", **hist)
        == "lost"
    )
    # welcome-back period, then developing even though the floor is only known
    back = {"stage": "won_back", "last_purchase": "2026-06-29", **hist}
    assert stage_of(stage_date="2026-06-20", **back) == "won_back"
    assert stage_of(stage_date="2026-05-01", **back) == "developing"


def test_manual_move_holds_against_schedule_not_events():
    hist = {"first_purchase": "2026-01-01", "last_purchase": "2026-06-20", "purchase_days": 3}
    manual = {"stage": "known", "manual_date": "2026-06-25", "stage_date": "2026-06-25"}
    assert stage_of(**manual, **hist) == "known"
    assert stage_of(open_complaints=1, **manual, **hist) == "dissatisfied"
    expired = {**manual, "manual_date": "2026-05-01", "stage_date": "2026-05-01"}
    assert stage_of(**expired, **hist) == "developing"


def test_changed_flag_and_many_rows():
    frame = pd.DataFrame(
        [
            row(
                stage="developing",
                first_purchase="2026-01-01",
                last_purchase="2026-06-01",
                purchase_days=2,
            ),
            row(
                stage=None, first_purchase="2026-06-01", last_purchase="2026-06-01", purchase_days=1
            ),
        ],
        index=[1, 2],
    )
    out = lifecycle.evaluate(frame, TODAY)
    assert list(out["stage"]) == ["developing", "acquired"]
    assert list(out["changed"]) == [False, True]
    assert lifecycle.evaluate(frame.iloc[:0], TODAY).empty


@pytest.mark.parametrize(
    ("current", "target", "bought", "error"),
    [
        ("developing", "at_risk", True, None),
        ("target", "acquired", False, "not_customer"),
        ("developing", "enquiry", True, "already_customer"),
        ("developing", "developing", True, "same"),
        ("developing", "won_back", True, "not_lost"),
        ("lost", "won_back", True, None),
        ("developing", "nonsense", True, "unknown"),
    ],
)
def test_manual_move_validation(current, target, bought, error):
    assert lifecycle.check_manual_move(current, target, bought) == error
