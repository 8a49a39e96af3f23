"""The influencers table: creators to vet, some with bought followers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._schema import NICHES, PLATFORMS
from .ids import id_width, make_ids
from .pools import Pools

BOUGHT_SHARE = 0.12
BOUGHT_MULTIPLIER = (3.0, 10.0)   # displayed / real followers of a cheater


def make_influencers(n: int, pools: Pools, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` influencers; returns ``(influencers, labels)``.

    Engagement follows the real audience; displayed followers of cheaters are
    inflated, and so is their price (marketplaces price on displayed followers),
    which is what makes cost per engagement the giveaway.
    """
    platform = rng.choice(np.array(PLATFORMS, dtype=object), size=n, p=[cal.INFLUENCER_PLATFORMS[p] for p in PLATFORMS])
    real = np.clip(np.round(rng.lognormal(np.log(30_000), 1.4, n)), 1_000, 20_000_000).astype(np.int64)
    bought = rng.random(n) < BOUGHT_SHARE
    displayed = np.where(bought, np.round(real * rng.uniform(*BOUGHT_MULTIPLIER, n)), real).astype(np.int64)
    bounds, rates = zip(*cal.INFLUENCER_ER)
    er = np.array(rates)[np.searchsorted(bounds, real)] * np.array([cal.INFLUENCER_PLATFORM_ER[p] for p in platform])
    er = er * rng.lognormal(0, 0.3, n)
    avg_likes = np.round(real * er * 0.93, 1)
    avg_comments = np.round(real * er * 0.07 * rng.lognormal(0, 0.4, n), 1)
    rate = np.round(displayed / 1000 * cal.INFLUENCER_RATE_PER_1K * rng.lognormal(0, 0.3, n), -1)
    user = pools.user_handles[rng.integers(0, len(pools.user_handles), n)]
    handles = pd.Series("@" + user)
    handles = handles.where(~handles.duplicated(), handles + "_" + pd.Series(np.arange(n)).astype(str))
    ids = make_ids("I", np.arange(1, n + 1), id_width(n, 5))
    influencers = pd.DataFrame({
        "influencer_id": ids,
        "handle": handles.to_numpy(dtype=object),
        "platform": platform,
        "niche": rng.choice(NICHES, size=n),
        "followers": displayed,
        "avg_likes": avg_likes,
        "avg_comments": avg_comments,
        "posts_30d": rng.poisson(12, n),
        "rate_per_post": np.maximum(rate, 50.0),
    })
    labels = pd.DataFrame({"influencer_id": ids, "has_bought_followers": bought, "real_followers": real})
    return influencers, labels
