"""The post_daily table: each post's first days, summing to its lifetime totals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._scales import Scale
from .._schema import ENGAGEMENT_COLUMNS, PLATFORMS
from .posts import DAILY_DAYS, daily_shares


def make_post_daily(posts: pd.DataFrame, hidden: dict, scale: Scale, rng: np.random.Generator) -> pd.DataFrame:
    """Split each post's lifetime impressions over its first days (exponential decay
    by platform, cut at the end of the period), then split reach, engagements and
    link clicks over those impressions without replacement (hypergeometric), so
    every daily value stays within that day's impressions and the days add up."""
    n = len(posts)
    n_days = np.minimum(scale.days - hidden["day"], DAILY_DAYS)
    weights = np.stack([daily_shares(p) for p in PLATFORMS])[hidden["plat_code"]]
    weights = np.where(np.arange(DAILY_DAYS) < n_days[:, None], weights, 0.0)
    tail = np.cumsum(weights[:, ::-1], axis=1)[:, ::-1]  # weight of day d and after

    engagements = posts[list(ENGAGEMENT_COLUMNS)].sum(axis=1).to_numpy()
    left = {k: v.copy() for k, v in {
        "impressions": posts["impressions"].to_numpy(), "reach": posts["reach"].to_numpy(),
        "engagements": engagements, "link_clicks": posts["link_clicks"].to_numpy()}.items()}
    out = {k: np.zeros((n, DAILY_DAYS), dtype=np.int64) for k in left}
    for d in range(DAILY_DAYS):
        last = n_days == d + 1
        live = n_days > d
        p = np.divide(weights[:, d], tail[:, d], out=np.zeros(n), where=tail[:, d] > 0)
        imp = np.where(last, left["impressions"], rng.binomial(left["impressions"], np.clip(p, 0, 1)))
        imp = np.where(live, imp, 0)
        out["impressions"][:, d] = imp
        for k in ("reach", "engagements", "link_clicks"):
            other = left["impressions"] - left[k]
            drawn = rng.hypergeometric(left[k], other, imp) if n else left[k]
            out[k][:, d] = np.where(last, left[k], np.where(live, drawn, 0))
        for k in left:
            left[k] = left[k] - out[k][:, d]

    keep = (np.arange(DAILY_DAYS) < n_days[:, None]).ravel()
    day_index = np.tile(np.arange(DAILY_DAYS), n)[keep]
    post_day = np.repeat(posts["posted_at"].dt.tz_localize(None).dt.normalize().to_numpy(), DAILY_DAYS)[keep]
    return pd.DataFrame({
        "post_id": np.repeat(posts["post_id"].to_numpy(dtype=object), DAILY_DAYS)[keep],
        "date": post_day + pd.to_timedelta(day_index, unit="D").to_numpy(),
        "day_index": day_index.astype(np.int64),
        **{k: out[k].ravel()[keep] for k in ("impressions", "reach", "engagements", "link_clicks")},
    })
