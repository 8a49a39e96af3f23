"""The influencers table: creators to vet, some with bought followers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._schema import NICHES, PLATFORMS
from .ids import id_width, make_ids
from .money import per_usd
from .pools import Pools

BOUGHT_SHARE = 0.12
BOUGHT_FRACTION = (0.10, 0.70)   # share of a cheater's displayed followers that were bought
BOUGHT_LIKES = (0.6, (0.2, 1.2))  # (share of cheaters who also buy likes, extra likes per real like)
VISIBLE_PURCHASE = 0.9           # share of cheaters whose purchase falls inside the 26 weeks of history
WEEKLY_GROWTH = (0.004, 0.4)     # organic weekly growth: median and log-normal sigma (assumption)
HOME_SHARE = (0.55, 0.85)        # share of a real audience in the creator's home country (assumption)


def make_influencers(n: int, pools: Pools, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` influencers; returns ``(influencers, labels)``.

    Engagement follows the real audience. A cheater's displayed followers
    include a bought share (10-70%); most cheaters bought likes too, which
    lifts their engagement rate back, so raw engagement rate alone is a weak
    signal. What gives them away together: bought followers arrive in a jump
    (``max_weekly_gain_pct``), come from elsewhere (``audience_home_share``) and
    bought likes bring no comments (comments / likes). Prices follow displayed
    followers (marketplaces price on them).
    """
    platform = rng.choice(np.array(PLATFORMS, dtype=object), size=n, p=[cal.INFLUENCER_PLATFORMS[p] for p in PLATFORMS])
    real = np.clip(np.round(rng.lognormal(np.log(30_000), 1.4, n)), 1_000, 20_000_000).astype(np.int64)
    bought = rng.random(n) < BOUGHT_SHARE
    fraction = np.where(bought, rng.uniform(*BOUGHT_FRACTION, n), 0.0)
    displayed = np.round(real / (1 - fraction)).astype(np.int64)
    bounds, rates = zip(*cal.INFLUENCER_ER)
    er = np.array(rates)[np.searchsorted(bounds, real)] * np.array([cal.INFLUENCER_PLATFORM_ER[p] for p in platform])
    er = er * rng.lognormal(0, 0.3, n)
    share, extra = BOUGHT_LIKES
    extra_likes = np.where(bought & (rng.random(n) < share), rng.uniform(*extra, n), 0.0)
    avg_likes = np.round(real * er * 0.93 * (1 + extra_likes), 1)
    avg_comments = np.round(real * er * 0.07 * rng.lognormal(0, 0.4, n), 1)
    rate_noise = rng.lognormal(0, 0.3, n)
    # follower history: the largest week-on-week gain of the last 26 weeks, in % of followers
    median, sigma = WEEKLY_GROWTH
    organic = median * rng.lognormal(0, sigma, n) * rng.uniform(1.5, 3.0, n)  # the best organic week
    purchases = rng.integers(1, 4, n)
    spike = np.where(bought & (rng.random(n) < VISIBLE_PURCHASE), fraction / purchases, 0.0)
    max_gain_pct = np.round(100 * np.maximum(organic, spike + median), 2)
    home_share = rng.uniform(*HOME_SHARE, n) * (1 - fraction) * rng.lognormal(0, 0.05, n)
    user = pools.user_handles[rng.integers(0, len(pools.user_handles), n)]
    handles = pd.Series("@" + user)
    handles = handles.where(~handles.duplicated(), handles + "_" + pd.Series(np.arange(n)).astype(str))
    ids = make_ids("I", np.arange(1, n + 1), id_width(n, 5))
    niche = rng.choice(NICHES, size=n)
    country = rng.choice(pools.countries, size=n, p=pools.country_weights)
    # the marketplace lists every price in the world's base currency; creators ask their country's prices
    rate = np.round(displayed / 1000 * cal.INFLUENCER_RATE_PER_1K * per_usd([pools.currency])
                    * np.array([cal.PRICE_LEVEL[c] for c in country]) * rate_noise, -1)
    influencers = pd.DataFrame({
        "influencer_id": ids,
        "handle": handles.to_numpy(dtype=object),
        "platform": platform,
        "niche": niche,
        "country": country,
        "followers": displayed,
        "avg_likes": avg_likes,
        "avg_comments": avg_comments,
        "posts_30d": rng.poisson(12, n),
        "rate_per_post": np.maximum(rate, 50.0),
        "currency": pools.currency,
        "max_weekly_gain_pct": max_gain_pct,
        "audience_home_share": np.round(np.minimum(home_share, 1.0), 3),
    })
    labels = pd.DataFrame({"influencer_id": ids, "has_bought_followers": bought, "real_followers": real,
                           "bought_share": np.round(fraction, 3)})
    return influencers, labels
