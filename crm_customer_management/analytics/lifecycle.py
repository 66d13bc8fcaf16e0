"""QCI customer-lifecycle stages: the rules that move customers between stages.

Pure functions over pandas/numpy, no Odoo. The Odoo side gathers one row per customer
(commercial partner) and company, calls :func:`evaluate`, and writes the changes back.

Stages (fixed technical keys, in cycle order)::

    target -> enquiry -> acquired -> onboarding -> known -> developing -> retained
    at_risk, dissatisfied, lost, won_back

Input columns of :func:`evaluate` (index: partner id), dates as ``datetime64`` (NaT when
unknown):

``stage``            current stage key or None (never classified)
``stage_date``       when the current stage was entered
``prev_stage``       the stage before the current one (None when none)
``floor_stage``      highest active stage (onboarding/known/developing/retained) reached
``manual_date``      date of the last manual move when the current stage is manual, else NaT
``first_purchase``   first confirmed order or posted invoice, NaT if never bought
``last_purchase``    last one
``purchase_days``    number of distinct days with a purchase
``best_streak``      longest run of consecutive periods (of ``period_days``) with a purchase
``churn_probability`` from the value model, NaN when unknown
``profile_known``    bool: needs captured and data completeness over the threshold
``open_complaints``  number of open complaints
``last_answer_date`` date of the customer's last satisfaction answer (NPS or CSAT), NaT if none
``last_answer_negative`` bool: that answer was negative (NPS detractor 0-6, CSAT 1-3)
``lead_stage``       best stage of the customer's open leads: 'enquiry', 'target' or None

Configuration (dict): ``onboarding_days``, ``period_days``, ``retained_periods``,
``risk_interval_factor``, ``risk_min_days``, ``churn_threshold`` (0-1), ``lost_days``,
``manual_hold_days``.
"""

import numpy as np
import pandas as pd

STAGES = (
    "target",
    "enquiry",
    "acquired",
    "onboarding",
    "known",
    "developing",
    "retained",
    "at_risk",
    "dissatisfied",
    "lost",
    "won_back",
)
PROSPECT_STAGES = ("target", "enquiry")
ACTIVE_STAGES = ("onboarding", "known", "developing", "retained")
ACTIVE_RANK = {stage: rank for rank, stage in enumerate(ACTIVE_STAGES)}
# Stages that only a customer who bought can be in.
CUSTOMER_STAGES = tuple(s for s in STAGES if s not in PROSPECT_STAGES)
# ... and not lost: the customers a company still holds (churn: active at the start)
HELD_CUSTOMER_STAGES = tuple(s for s in CUSTOMER_STAGES if s != "lost")

DEFAULT_CONFIG = {
    "onboarding_days": 30,
    "period_days": 90,
    "retained_periods": 3,
    "risk_interval_factor": 2.0,
    "risk_min_days": 60,
    "churn_threshold": 0.7,
    "lost_days": 365,
    "manual_hold_days": 30,
}


def _days(today, dates):
    """Whole days from ``dates`` to ``today`` (NaN where unknown)."""
    delta = pd.Timestamp(today) - pd.to_datetime(dates)
    return (delta / pd.Timedelta(days=1)).to_numpy(dtype=float)


def _isin(values, keys):
    keys = set(keys)
    return np.fromiter((v in keys for v in values), dtype=bool, count=len(values))


def _const(n, value):
    return np.full(n, value, dtype=object)


def _str(frame, col):
    return frame[col].astype(object).where(frame[col].notna(), None).to_numpy()


def active_stage(frame, config, today):
    """The active stage each buyer has earned: onboarding during the first
    ``onboarding_days``, then the highest of known (profile known), developing (repeat
    purchase) and retained (``retained_periods`` consecutive periods with purchases), never
    below the highest active stage already reached (``floor_stage``)."""
    n = len(frame)
    since_first = _days(today, frame["first_purchase"])
    rank = np.zeros(n, dtype=int)
    rank = np.where(frame["profile_known"].to_numpy(dtype=bool), 1, rank)
    rank = np.where(frame["purchase_days"].to_numpy(dtype=float) >= 2, 2, rank)
    rank = np.where(
        frame["best_streak"].to_numpy(dtype=float) >= config["retained_periods"], 3, rank
    )
    floor = np.array([ACTIVE_RANK.get(s, 0) for s in _str(frame, "floor_stage")], dtype=int)
    rank = np.maximum(rank, floor)
    onboarding = np.nan_to_num(since_first, nan=np.inf) < config["onboarding_days"]
    rank = np.where(onboarding & (floor == 0), 0, rank)
    return np.array(ACTIVE_STAGES, dtype=object)[rank]


def evaluate(frame, today, config=None):
    """New stage of every customer and whether it comes from an event-like rule.

    Returns a DataFrame (same index) with ``stage`` (the stage the rules give, which may be
    the current one) and ``changed`` (bool). The rules, by priority:

    1. never bought: the best stage of their leads (enquiry > target), else unchanged;
    2. an open complaint -> dissatisfied;
    3. no purchase for ``lost_days`` -> lost;
    4. a purchase after entering lost (or at_risk straight from lost) -> won_back;
    5. a negative last satisfaction answer with no purchase since -> dissatisfied;
    6. won back less than ``onboarding_days`` ago -> stays won_back;
    7. no purchase for ``risk_interval_factor`` times the customer's usual interval (at least
       ``risk_min_days``), or churn probability over ``churn_threshold`` -> at_risk;
    8. a buyer never classified as a customer -> acquired when the first purchase is less
       than ``onboarding_days`` old (else straight to rule 9); acquired -> onboarding;
    9. else the active stage earned (:func:`active_stage`); after won_back, developing at least.

    A manual move holds for ``manual_hold_days`` against rules 7-9 (events still apply).
    """
    config = {**DEFAULT_CONFIG, **(config or {})}
    if frame.empty:
        return pd.DataFrame({"stage": [], "changed": []}, index=frame.index)
    stage = _str(frame, "stage")
    prev_stage = _str(frame, "prev_stage")
    bought = frame["first_purchase"].notna().to_numpy()
    since_last = _days(today, frame["last_purchase"])
    since_stage = _days(today, frame["stage_date"])
    last_purchase = pd.to_datetime(frame["last_purchase"])
    stage_date = pd.to_datetime(frame["stage_date"])
    bought_since_stage = (last_purchase > stage_date).to_numpy() | (
        last_purchase.notna() & stage_date.isna()
    ).to_numpy()
    purchase_days = frame["purchase_days"].to_numpy(dtype=float)
    span = (
        pd.to_datetime(frame["last_purchase"]) - pd.to_datetime(frame["first_purchase"])
    ) / pd.Timedelta(days=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        usual = np.where(
            purchase_days >= 2, span.to_numpy(dtype=float) / (purchase_days - 1), np.nan
        )
    risk_days = np.fmax(config["risk_interval_factor"] * usual, config["risk_min_days"])
    churn = frame["churn_probability"].to_numpy(dtype=float)
    answer_after_purchase = (pd.to_datetime(frame["last_answer_date"]) >= last_purchase).to_numpy()
    negative = frame["last_answer_negative"].to_numpy(dtype=bool) & answer_after_purchase
    complaint = frame["open_complaints"].to_numpy(dtype=float) > 0
    in_stage = _isin(stage, STAGES)
    was_lost = (stage == "lost") | ((stage == "at_risk") & (prev_stage == "lost"))
    manual_hold = _days(today, frame["manual_date"]) < config["manual_hold_days"]

    active = active_stage(frame, config, today)
    active = np.where(
        (stage == "won_back") | (prev_stage == "won_back"),
        np.where(_isin(active, ("onboarding", "known")), "developing", active),
        active,
    )
    lead_stage = _str(frame, "lead_stage")
    prospect = np.where(
        lead_stage == "enquiry",
        "enquiry",
        np.where((lead_stage == "target") & (stage != "enquiry"), "target", stage),
    )
    lost = since_last >= config["lost_days"]
    at_risk = (since_last > risk_days) | (churn > config["churn_threshold"])
    welcome = (stage == "won_back") & (since_stage < config["onboarding_days"])
    entering = ~in_stage | _isin(stage, PROSPECT_STAGES)
    # acquired marks a first purchase; a customer classified long after it (the addon
    # installed on an existing database) gets the stage earned since, not a welcome
    new_buyer = _days(today, frame["first_purchase"]) < config["onboarding_days"]
    n = len(frame)
    rules = [
        (~bought, prospect),
        (complaint, _const(n, "dissatisfied")),
        (lost, _const(n, "lost")),
        (was_lost & bought_since_stage, _const(n, "won_back")),
        (negative, _const(n, "dissatisfied")),
        (welcome, _const(n, "won_back")),
        (at_risk & ~manual_hold, _const(n, "at_risk")),
        (entering & new_buyer, _const(n, "acquired")),
        (stage == "acquired", _const(n, "onboarding")),
        (manual_hold, stage),
    ]
    new = np.select(
        [np.asarray(c, dtype=bool) for c, _ in rules],
        [np.asarray(v, dtype=object) for _, v in rules],
        default=np.asarray(active, dtype=object),
    )
    changed = np.array(
        [(a or None) != (b or None) for a, b in zip(stage, new, strict=True)], dtype=bool
    )
    return pd.DataFrame({"stage": new, "changed": changed}, index=frame.index)


def check_manual_move(current, target, has_bought, allowed=STAGES):
    """Why a manual move from ``current`` to ``target`` is refused, or None when it is valid.
    Returns a message key: 'unknown', 'same', 'not_customer', 'already_customer',
    'not_lost'."""
    if target not in allowed:
        return "unknown"
    if target == current:
        return "same"
    if target in CUSTOMER_STAGES and not has_bought:
        return "not_customer"
    if target in PROSPECT_STAGES and has_bought:
        return "already_customer"
    if target == "won_back" and current not in ("lost", "at_risk"):
        return "not_lost"
    return None
