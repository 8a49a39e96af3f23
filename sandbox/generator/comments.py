"""The comments table: a sample of each post's comments, with text that carries sentiment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .ids import make_ids
from .pools import SENTIMENTS, Pools
from .posts import Crisis

SAMPLE_PER_POST = 2          # comments kept per post (the `comments` column counts them all)
SAMPLE_PER_CRISIS_POST = 8   # more during the crisis, so its timeline can be read
CRISIS_TEMPLATE_SHARE = 0.6  # crisis negatives that talk about the crisis itself


def make_comments(posts: pd.DataFrame, hidden: dict, crisis: Crisis, pools: Pools, scale: Scale,
                  rng: np.random.Generator, comment_id_width: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample comments per post; returns ``(comments, labels)``."""
    cap = np.where(hidden["in_crisis"], SAMPLE_PER_CRISIS_POST, SAMPLE_PER_POST)
    k = np.minimum(posts["comments"].to_numpy(), cap)
    post_row = np.repeat(np.arange(len(posts)), k)
    n = len(post_row)
    rank = np.arange(n) - np.repeat(np.cumsum(k) - k, k)
    crisis_row = hidden["in_crisis"][post_row]

    is_bot = rng.random(n) < cal.COMMENT_BOT_SHARE
    neg_share = np.where(crisis_row, crisis.negative_share, cal.COMMENT_SENTIMENT[0])
    rest = (1 - neg_share) / (1 - cal.COMMENT_SENTIMENT[0])
    u = rng.random(n)
    sentiment = np.where(u < neg_share, 0, np.where(u < neg_share + cal.COMMENT_SENTIMENT[1] * rest, 1, 2))
    sentiment = np.where(is_bot, 1, sentiment)  # spam reads as neutral

    text = np.empty(n, dtype=object)
    kinds = np.array(SENTIMENTS, dtype=object)[sentiment]
    kinds = np.where(crisis_row & (sentiment == 0) & (rng.random(n) < CRISIS_TEMPLATE_SHARE), "crisis", kinds)
    kinds = np.where(is_bot, "bot", kinds)
    for kind in ("negative", "neutral", "positive", "crisis", "bot"):
        mask = kinds == kind
        pool = pools.comments[kind]
        text[mask] = pool[rng.integers(0, len(pool), int(mask.sum()))]

    handles = "@" + pools.user_handles[rng.integers(0, len(pools.user_handles), n)]
    n_bots = int(is_bot.sum())
    handles[is_bot] = ("@" + pools.words[rng.integers(0, len(pools.words), n_bots)] + "_"
                       + rng.integers(1000, 9999, n_bots).astype(str) + "_promo")

    posted = posts["posted_at"].dt.tz_localize(None).to_numpy()[post_row]
    delay_s = np.round(rng.lognormal(np.log(cal.COMMENT_DELAY_HOURS_MEDIAN * 3600), 1.2, n)).astype("timedelta64[s]")
    end = (scale.end_ts - pd.Timedelta(seconds=1)).tz_localize(None)
    created = np.minimum(posted.astype("datetime64[s]") + delay_s, np.datetime64(end.isoformat(), "s"))
    created = np.maximum(created, posted.astype("datetime64[s]"))

    numbers = hidden["post_number"][post_row] * 100 + rank + 1
    ids = make_ids("C", numbers, comment_id_width)
    comments = pd.DataFrame({
        "comment_id": ids,
        "post_id": posts["post_id"].to_numpy(dtype=object)[post_row],
        "created_at": pd.to_datetime(created).tz_localize("UTC"),
        "author_handle": handles,
        "text": text,
        "likes": rng.poisson(rng.lognormal(0, 1.2, n)),
    })
    labels = pd.DataFrame({
        "comment_id": ids,
        "sentiment": np.array(SENTIMENTS, dtype=object)[sentiment],
        "is_bot": is_bot,
    })
    return comments, labels
