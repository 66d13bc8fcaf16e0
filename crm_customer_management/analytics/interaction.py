"""Interaction figures of customers and the relationship NPS programme.

Pure functions over pandas/numpy, no Odoo: the NPS category of each customer's last
answer (promoters are the advocacy candidates, detractors the recovery cases), a
survey campaign's response rate, and the deterministic sample of the contacts a survey
wave invites.
"""

import hashlib

import numpy as np
import pandas as pd

from .kpi import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN

NPS_CATEGORIES = [
    ("promoter", "Promoter"),
    ("passive", "Passive"),
    ("detractor", "Detractor"),
]
# a promoter's answer makes an advocacy candidate for this long
ADVOCACY_DAYS = 365


def nps_category(scores, dates, today, window_days=ADVOCACY_DAYS):
    """The category of each customer's last NPS answer, None where there is none or it is
    older than ``window_days``: promoter (9-10), passive (7-8), detractor (0-6).

    :param scores: last NPS score per customer (NaN for none)
    :param dates: date of that answer (NaT for none)
    """
    scores = np.asarray(pd.to_numeric(pd.Series(scores), errors="coerce"), dtype=float)
    age = (pd.Timestamp(today) - pd.to_datetime(pd.Series(dates))).dt.days.to_numpy(dtype=float)
    recent = np.nan_to_num(age, nan=np.inf) <= window_days
    category = np.select(
        [scores >= NPS_PROMOTER_MIN, scores <= NPS_DETRACTOR_MAX, np.isfinite(scores)],
        ["promoter", "detractor", "passive"],
        default=None,
    ).astype(object)
    category[~recent] = None
    return category


def response_rate(sent, answered):
    """Answered invitations per sent one, in %, None when none was sent."""
    if not sent:
        return None
    return 100.0 * answered / sent


def in_sample(key, wave, share):
    """Whether contact ``key`` is in the ``share`` (0-100 %) sample of survey wave
    ``wave`` (a text): a hash of both, so a wave's sample is the same on every run and
    differs from one wave to the next. The SQL selection computes the same hash."""
    if share >= 100:
        return True
    if share <= 0:
        return False
    digest = hashlib.md5(f"{wave}:{key}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:8], 16) % 10000 < share * 100


# the same sample in SQL, on a contact id column, with %(wave)s and %(share)s parameters
SAMPLE_SQL = (
    "(MOD(('x' || LEFT(MD5(%(wave)s || ':' || {column}), 8))::bit(32)::bigint, 10000)"
    " < %(share)s * 100)"
)
