"""Which planted effects are large enough to detect at a world's size.

An effect compares the median engagement rate of two groups of posts (the
winner and the runner-up). With ``n1`` and ``n2`` posts and a per-post spread
``POST_LOG_SIGMA`` of log engagement rate (after dividing by the account's
median), the standard error of the log ratio of medians is about
``1.2533 * sigma * sqrt(1/n1 + 1/n2)`` (the median's efficiency is 2/pi). An
effect is detectable when its log strength exceeds ``Z`` such errors; ``Z`` is
larger where the analysis picks the best of many groups (hours) than where it
compares a handful (formats).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .. import _calibration as cal
from .._schema import PLATFORMS, TOPICS
from .effects import SAME_BAND, WINDOW_HOURS, Effects

#: Measured on small worlds (data model v3): the spread of log(ER / account median) that sets the standard
#: error of a median (bootstrap: 0.72-0.84; the lopsided per-post spread of _calibration.ER_POST_SIGMA_*).
POST_LOG_SIGMA = 0.80
MEDIAN_SE = 1.2533
Z = {"format": 3.0, "topic": 3.0, "window": 4.0, "weekday": 3.5, "hashtag": 3.5, "weekend": 2.5}
SEGMENT_DETECTABLE = 1.1  # segment counts are large: a 10% margin over the runner-up is always visible


def _se(n1: float, n2: float) -> float:
    return MEDIAN_SE * POST_LOG_SIGMA * np.sqrt(1 / max(n1, 1) + 1 / max(n2, 1))


def _margin(values: dict, best) -> float:
    """log(best / runner-up)."""
    return float(np.log(values[best] / max(v for k, v in values.items() if k != best)))


def detectability(effects: Effects, accounts: pd.DataFrame) -> dict:
    """Per effect (and platform), whether the reference analysis can be expected to find it."""
    n_posts = accounts.groupby("platform")["_n_posts"].sum().reindex(PLATFORMS, fill_value=0)
    total = float(n_posts.sum())
    hour_w = np.array(cal.POSTING_HOUR_WEIGHTS) / np.sum(cal.POSTING_HOUR_WEIGHTS)
    out = {"format": {}, "window": {}, "weekday": {}, "weekend": {}}
    for p in PLATFORMS:
        day_w = effects.posting_weekdays(p)
        n = float(n_posts[p])
        fmts = effects.format_er[p]
        best = effects.best_format[p]
        runner = max((f for f in fmts if f != best), key=fmts.get)
        mix = cal.FORMAT_MIX[p]
        out["format"][p] = _margin(fmts, best) >= Z["format"] * _se(n * mix[best], n * mix[runner])
        start = effects.window_start[p]
        inside = hour_w[start:start + WINDOW_HOURS].mean()
        out["window"][p] = np.log(effects.window_er[p]) >= Z["window"] * _se(n * inside, n * hour_w.max())
        table = effects.weekday_table(p)
        order = np.argsort(table)[::-1]
        out["weekday"][p] = (np.log(table[order[0]] / table[order[1]])
                             >= Z["weekday"] * _se(n * day_w[order[0]], n * day_w[order[1]]))
        ratio = abs(np.log(effects.weekend_ratio(p)))
        band = np.log(SAME_BAND[1])
        se = _se(n * day_w[5:].sum(), n * day_w[:5].sum())
        out["weekend"][p] = bool(abs(ratio - band) >= Z["weekend"] * se)
    topics = effects.topic_er
    out["topic"] = _margin(topics, effects.best_topic) >= Z["topic"] * _se(total / len(TOPICS), total / len(TOPICS))
    lo, hi = effects.hashtag_sweet_spot
    pmf = stats.poisson.pmf(np.arange(lo - 1, hi + 2), np.mean(list(cal.HASHTAG_MEAN.values())))
    out["hashtag"] = (np.log(effects.hashtag_multiplier)
                      >= Z["hashtag"] * _se(total * pmf[1:-1].min(), total * pmf.max()))
    seg = effects.segment_engaged
    out["segment"] = np.exp(_margin(seg, effects.best_segment)) >= SEGMENT_DETECTABLE
    return _plain(out)


def _plain(value):
    """numpy booleans to bool, recursively (for truth.json)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return bool(value)

