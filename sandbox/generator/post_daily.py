"""The post_daily table: each post's first days; impressions, engagements and link clicks sum to its
lifetime totals, daily reach (unique accounts of the day) to at least its lifetime reach."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .._schema import ENGAGEMENT_COLUMNS, PLATFORMS
from .ids import take_str
from .posts import DAILY_DAYS


def _weights(hidden: dict, factor: float, live_days: np.ndarray, post_rate: np.ndarray) -> np.ndarray:
    """Share of a post's first week on each UTC day (0 = its posting day), zero after the last live day.

    Impressions arrive at a rate decaying as exp(-rate * t) from the moment of posting (t in days; the
    platform's rate times ``factor`` times the post's own ``post_rate``); day 0 only runs to midnight UTC,
    so a post published late in the day gets less of it."""
    rate = np.array([cal.DECAY_RATE[p] for p in PLATFORMS])[hidden["plat_code"]] * factor * post_rate
    left = (86400 - hidden["seconds"] % 86400) / 86400  # part of day 0 (UTC) after the post
    ends = left[:, None] + np.arange(DAILY_DAYS)[None, :]
    starts = np.c_[np.zeros(len(left)), ends[:, :-1]]
    share = np.exp(-rate[:, None] * starts) - np.exp(-rate[:, None] * ends)
    return np.where(live_days, share, 0.0)


def _split(total: np.ndarray, weights: np.ndarray, n_days: np.ndarray, rng) -> np.ndarray:
    """Split ``total`` over days by ``weights`` (a multinomial per post over its live days)."""
    norm = weights.sum(axis=1, keepdims=True)
    probs = np.divide(weights, norm, out=np.zeros_like(weights), where=norm > 0)
    probs[:, 0] += 1 - probs.sum(axis=1)  # rounding, and posts without live weight: everything on day 0
    return rng.multinomial(total, np.clip(probs, 0, 1)) if len(total) else np.zeros(weights.shape, dtype=np.int64)


def make_post_daily(posts: pd.DataFrame, hidden: dict, scale: Scale, rng: np.random.Generator,
                    planted: np.ndarray | None = None, plant_rng: np.random.Generator | None = None) -> pd.DataFrame:
    """Split each post's lifetime totals over its first days (cut at the end of the period).

    Each post decays at its own pace (the platform's rate times a log-normal factor), from the moment
    it was published: day 0 (the UTC posting day) is short for a late post. Accounts reached for the
    first time decay faster than repeat views (impressions - reach), so a post's reach / impressions
    falls day by day; impressions = new accounts + repeat views each day and sum to the lifetime
    impressions. A day's reach counts the accounts that saw the post that day, some of whom saw it on
    an earlier day too (RETURNING_SHARE of the day's repeat views): daily reach sums to more than the
    lifetime reach, as platforms report it. Engagements and link clicks are split over the day's
    impressions without replacement (hypergeometric), so every daily value stays within that day's
    impressions and the days add up. ``planted``: engagements the plants added to each post after ``posts`` (see
    :mod:`.plants`), split the same way over the impressions left, from ``plant_rng``."""
    n = len(posts)
    n_days = np.minimum(scale.days - hidden["day"], DAILY_DAYS)
    live_days = np.arange(DAILY_DAYS) < n_days[:, None]
    post_rate = rng.lognormal(0, cal.DECAY_POST_SIGMA, n)
    reach_total = posts["reach"].to_numpy()
    repeat_total = posts["impressions"].to_numpy() - reach_total
    new = _split(reach_total, _weights(hidden, cal.REACH_DECAY_FACTOR, live_days, post_rate), n_days, rng)
    repeat = _split(repeat_total, _weights(hidden, cal.REPEAT_DECAY_FACTOR, live_days, post_rate),
                    n_days, rng)
    seen_before = np.cumsum(new, axis=1) - new  # accounts reached on an earlier day
    returning = np.minimum(rng.binomial(repeat, cal.RETURNING_SHARE), seen_before)
    out = {"impressions": new + repeat, "reach": new + returning}

    engagements = posts[list(ENGAGEMENT_COLUMNS)].sum(axis=1).to_numpy()
    left = {"impressions": posts["impressions"].to_numpy().copy(), "engagements": engagements.copy(),
            "link_clicks": posts["link_clicks"].to_numpy().copy()}
    for k in ("engagements", "link_clicks"):
        out[k] = np.zeros((n, DAILY_DAYS), dtype=np.int64)
    for d in range(DAILY_DAYS):
        imp = out["impressions"][:, d]
        for k in ("engagements", "link_clicks"):
            drawn = rng.hypergeometric(left[k], left["impressions"] - left[k], imp) if n else left[k]
            out[k][:, d] = drawn
            left[k] = left[k] - drawn
        left["impressions"] = left["impressions"] - imp

    if planted is not None and planted.any():
        _add_planted(out, planted, plant_rng)

    # (post, day) cells within the period: each post's first live_days.sum() days, post after post
    per_post = live_days.sum(axis=1)
    row = np.repeat(np.arange(n), per_post)
    day_index = np.arange(len(row)) - np.repeat(np.cumsum(per_post) - per_post, per_post)
    first_day = np.datetime64(scale.start_ts.tz_localize(None).normalize(), "D").astype(np.int64) + hidden["day"]
    return pd.DataFrame({  # new arrays, not copied again
        "post_id": take_str(posts["post_id"], row),
        "date": ((first_day[row] + day_index) * 86_400_000_000).view("datetime64[us]"),
        "day_index": day_index.astype(np.int64),
        **{k: out[k][live_days] for k in ("impressions", "reach", "engagements", "link_clicks")},
    }, copy=False)


def _add_planted(out: dict, planted: np.ndarray, rng: np.random.Generator) -> None:
    """Add each post's ``planted`` engagements to ``out["engagements"]``, over the days' impressions not engaged yet
    (hypergeometric, as the drawn ones)."""
    rows = np.flatnonzero(planted > 0)
    free = out["impressions"][rows] - out["engagements"][rows]
    left, left_free = planted[rows].astype(np.int64), free.sum(axis=1)
    for d in range(DAILY_DAYS):
        drawn = rng.hypergeometric(left, left_free - left, free[:, d])
        out["engagements"][rows, d] += drawn
        left, left_free = left - drawn, left_free - free[:, d]
