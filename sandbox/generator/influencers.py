"""The influencers table: creators to vet, some with bought followers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._schema import NICHES, PLATFORMS
from .._seeding import child_rng
from .ids import id_width, make_ids
from .money import per_usd
from .pools import Pools

BOUGHT_SHARE = 0.12
BOUGHT_FRACTION = (0.10, 0.70)   # share of a cheater's displayed followers that were bought
#: (share of cheaters who also buy likes, extra likes per real like): a few, so that a cheater's ER per displayed
#: follower stays lower than an honest creator's by about its bought share (bought followers do not engage).
BOUGHT_LIKES = (0.6, (0.05, 0.35))
VISIBLE_PURCHASE = 0.75          # share of cheaters whose purchase shows as a jump (others drip-fed them in)
FOREIGN_PURCHASE = 0.65          # share of cheaters whose bought followers live abroad (others bought local ones)
WEEKLY_GROWTH = (0.004, 0.4)     # organic weekly growth: median and log-normal sigma (assumption)
HOME_SHARE = (0.55, 0.85)        # share of a real audience in the creator's home country (assumption)
#: Honest creators whose history looks like a cheater's (assumption): a viral video brought a week of
#: VIRAL_WEEK growth, or the creator speaks to an audience abroad (expats, an English-language niche).
VIRAL_WEEK_SHARE, VIRAL_WEEK = 0.04, (0.04, 0.25)
ABROAD_SHARE, ABROAD_HOME = 0.04, (0.15, 0.40)
#: The cheap cheater every world holds: an instagram creator who bought followers and likes and prices low,
#: so that its cost per engagement is the marketplace's lowest; only the bought-followers screen catches it.
CHEAP_CHEATER = {"real_followers": (10_000, 60_000), "bought_share": (0.45, 0.65), "extra_likes": (3.5, 5.0),
                 "price_factor": (0.3, 0.45)}
#: In CHEAP_PER_FOLLOWER of the worlds it also undercuts the market per 1,000 followers (CHEAP_CHEATER's price);
#: in the others it asks a near-market price per follower and bought more likes (FAIR_PRICED_CHEATER), so its
#: engagements are still the cheapest but the marketplace's CPM pick is an honest creator, good or poor value.
CHEAP_PER_FOLLOWER = 0.5
FAIR_PRICED_CHEATER = {"extra_likes": (7.0, 10.0), "price_factor": (0.65, 0.85)}


def round_quote(price: np.ndarray) -> np.ndarray:
    """Prices as creators quote them: to the step of their size (``INFLUENCER_PRICE_STEPS``), never below one step."""
    bounds, steps = zip(*cal.INFLUENCER_PRICE_STEPS)
    step = np.array(steps)[np.searchsorted(bounds, price, side="right")]
    return np.maximum(np.round(price / step), 1) * step


def cheap_cheater_row(seed: int, n: int) -> int:
    """Row of the world's cheap instagram cheater (CHEAP_CHEATER), from its own addressed seed, so that the
    truth can name it without the table."""
    return int(child_rng(seed, "influencers", 1).integers(n))


def cheap_cheater_id(seed: int, n: int) -> str:
    return str(make_ids("I", np.array([cheap_cheater_row(seed, n) + 1]), id_width(n, 5))[0])


def cheap_cheater_per_follower(seed: int) -> bool:
    """Whether the world's cheap cheater also undercuts the market per 1,000 followers (CHEAP_PER_FOLLOWER of
    the worlds), from its own addressed seed."""
    return bool(child_rng(seed, "influencers", 2).random() < CHEAP_PER_FOLLOWER)


def make_influencers(n: int, pools: Pools, rng: np.random.Generator, cheap: int | None = None,
                     cheap_per_follower: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` influencers; returns ``(influencers, labels)``; ``cheap`` is the row of the cheap cheater, who
    undercuts the market per follower too when ``cheap_per_follower`` (else FAIR_PRICED_CHEATER).

    Engagement follows the real audience. A cheater's displayed followers
    include a bought share (10-70%), who do not engage: a cheater's engagement
    rate per displayed follower is lower by about that share (most cheaters
    bought a few likes too, which makes up a little of it; the cheap cheater
    bought many), but ER also falls with size and varies by creator, so it is
    no clean signal alone. What gives them away, none of it cleanly: bought followers usually
    arrive in a jump (``max_weekly_gain_pct``; some cheaters drip-fed them, and
    a viral week gives honest creators a jump too), usually come from elsewhere
    (``audience_home_share``; some bought local followers, and some honest
    creators speak to an audience abroad) and bought likes bring no comments
    (comments / likes). Prices follow displayed followers (marketplaces price on
    them), at a price per 1,000 followers that depends on the platform and falls
    with size (``_calibration.INFLUENCER_RATE_PER_1K``).
    """
    platform = rng.choice(np.array(PLATFORMS, dtype=object), size=n, p=[cal.INFLUENCER_PLATFORMS[p] for p in PLATFORMS])
    real = np.clip(np.round(rng.lognormal(np.log(30_000), 1.4, n)), 1_000, 20_000_000).astype(np.int64)
    bought = rng.random(n) < BOUGHT_SHARE
    fraction = np.where(bought, rng.uniform(*BOUGHT_FRACTION, n), 0.0)
    share, extra = BOUGHT_LIKES
    extra_likes = np.where(bought & (rng.random(n) < share), rng.uniform(*extra, n), 0.0)
    price_factor = rng.lognormal(0, 0.3, n)
    if cheap is not None:
        platform[cheap] = "instagram"
        real[cheap] = int(rng.integers(*CHEAP_CHEATER["real_followers"]))
        bought[cheap] = True
        fraction[cheap] = rng.uniform(*CHEAP_CHEATER["bought_share"])
        style = CHEAP_CHEATER if cheap_per_follower else FAIR_PRICED_CHEATER
        extra_likes[cheap] = rng.uniform(*style["extra_likes"])
        price_factor[cheap] = rng.uniform(*style["price_factor"])
    displayed = np.round(real / (1 - fraction)).astype(np.int64)
    bounds, rates = zip(*cal.INFLUENCER_ER)
    er = np.array(rates)[np.searchsorted(bounds, real)] * np.array([cal.INFLUENCER_PLATFORM_ER[p] for p in platform])
    er = er * rng.lognormal(0, 0.3, n)
    avg_likes = np.round(real * er * 0.93 * (1 + extra_likes), 1)
    avg_comments = np.round(real * er * 0.07 * rng.lognormal(0, 0.4, n), 1)
    # follower history: the largest week-on-week gain of the last 26 weeks, in % of followers
    median, sigma = WEEKLY_GROWTH
    organic = median * rng.lognormal(0, sigma, n) * rng.uniform(1.5, 3.0, n)  # the best organic week
    organic = np.where(~bought & (rng.random(n) < VIRAL_WEEK_SHARE), rng.uniform(*VIRAL_WEEK, n), organic)
    purchases = rng.integers(1, 4, n)
    visible = rng.random(n) < VISIBLE_PURCHASE
    if cheap is not None:
        visible[cheap] = True
    spike = np.where(bought & visible, fraction / purchases, 0.0)
    max_gain_pct = np.round(100 * np.maximum(organic, spike + median), 2)
    home_share = rng.uniform(*HOME_SHARE, n) * rng.lognormal(0, 0.05, n)
    foreign = bought & (rng.random(n) < FOREIGN_PURCHASE)
    if cheap is not None:
        foreign[cheap] = True
    home_share = np.where(foreign, home_share * (1 - fraction), home_share)
    home_share = np.where(~bought & (rng.random(n) < ABROAD_SHARE), rng.uniform(*ABROAD_HOME, n), home_share)
    user = pools.user_handles[rng.integers(0, len(pools.user_handles), n)]
    handles = pd.Series("@" + user)
    handles = handles.where(~handles.duplicated(), handles + "_" + pd.Series(np.arange(n)).astype(str))
    ids = make_ids("I", np.arange(1, n + 1), id_width(n, 5))
    niche = rng.choice(NICHES, size=n)
    country = rng.choice(pools.countries, size=n, p=pools.country_weights)
    # the marketplace lists every price in the world's base currency; creators ask their country's prices
    per_1k = np.array([cal.INFLUENCER_RATE_PER_1K[p] for p in platform])
    size = (displayed / cal.INFLUENCER_RATE_SIZE) ** (cal.INFLUENCER_RATE_EXPONENT - 1)
    level = np.array([cal.PRICE_LEVEL[c] for c in country]) * per_usd([pools.currency])
    floor = np.array([cal.INFLUENCER_MIN_RATE[p] for p in platform]) * level
    rate = round_quote(np.maximum(displayed / 1000 * per_1k * size * level * price_factor, floor))
    influencers = pd.DataFrame({
        "influencer_id": ids,
        "handle": handles.to_numpy(dtype=object),
        "platform": platform,
        "niche": niche,
        "country": country,
        "followers": displayed,
        "avg_likes": avg_likes,
        "avg_comments": avg_comments,
        "posts_30d": rng.poisson(np.array([cal.INFLUENCER_POSTS_30D[p] for p in platform])),
        "rate_per_post": rate,
        "currency": pools.currency,
        "max_weekly_gain_pct": max_gain_pct,
        "audience_home_share": np.round(np.minimum(home_share, 1.0), 3),
    })
    labels = pd.DataFrame({"influencer_id": ids, "has_bought_followers": bought, "real_followers": real,
                           "bought_share": np.round(fraction, 3)})
    return influencers, labels
