"""The post_daily table: each post's first days, summing to its lifetime totals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .._schema import ENGAGEMENT_COLUMNS, PLATFORMS
from .posts import DAILY_DAYS, daily_shares


def _weights(hidden: dict, factor: float, live_days: np.ndarray) -> np.ndarray:
    """Daily shares of the platform's decay, ``factor`` times as fast, zero after the last day."""
    shares = np.stack([daily_shares(p, factor) for p in PLATFORMS])[hidden["plat_code"]]
    return np.where(live_days, shares, 0.0)


def _split(total: np.ndarray, weights: np.ndarray, n_days: np.ndarray, rng) -> np.ndarray:
    """Split ``total`` over days by ``weights`` (sequential binomials; the last live day takes the rest)."""
    n = len(total)
    tail = np.cumsum(weights[:, ::-1], axis=1)[:, ::-1]  # weight of day d and after
    left = total.copy()
    out = np.zeros((n, DAILY_DAYS), dtype=np.int64)
    for d in range(DAILY_DAYS):
        p = np.divide(weights[:, d], tail[:, d], out=np.zeros(n), where=tail[:, d] > 0)
        part = np.where(n_days == d + 1, left, rng.binomial(left, np.clip(p, 0, 1)))
        out[:, d] = np.where(n_days > d, part, 0)
        left = left - out[:, d]
    return out


def make_post_daily(posts: pd.DataFrame, hidden: dict, scale: Scale, rng: np.random.Generator) -> pd.DataFrame:
    """Split each post's lifetime totals over its first days (cut at the end of the period).

    Reach (new accounts) decays faster than repeat views (impressions - reach), so
    a post's reach / impressions falls day by day; impressions = reach + repeat
    views each day. Engagements and link clicks are then split over the day's
    impressions without replacement (hypergeometric), so every daily value stays
    within that day's impressions and the days add up."""
    n = len(posts)
    n_days = np.minimum(scale.days - hidden["day"], DAILY_DAYS)
    live_days = np.arange(DAILY_DAYS) < n_days[:, None]
    reach_total = posts["reach"].to_numpy()
    repeat_total = posts["impressions"].to_numpy() - reach_total
    out = {"reach": _split(reach_total, _weights(hidden, cal.REACH_DECAY_FACTOR, live_days), n_days, rng),
           "repeat": _split(repeat_total, _weights(hidden, cal.REPEAT_DECAY_FACTOR, live_days), n_days, rng)}
    out["impressions"] = out["reach"] + out["repeat"]

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

    keep = (np.arange(DAILY_DAYS) < n_days[:, None]).ravel()
    day_index = np.tile(np.arange(DAILY_DAYS), n)[keep]
    post_day = np.repeat(posts["posted_at"].dt.tz_localize(None).dt.normalize().to_numpy(), DAILY_DAYS)[keep]
    return pd.DataFrame({
        "post_id": np.repeat(posts["post_id"].to_numpy(dtype=object), DAILY_DAYS)[keep],
        "date": post_day + pd.to_timedelta(day_index, unit="D").to_numpy(),
        "day_index": day_index.astype(np.int64),
        **{k: out[k].ravel()[keep] for k in ("impressions", "reach", "engagements", "link_clicks")},
    })
