"""The accounts table, plus each account's hidden traits used by later tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .._schema import PLATFORMS
from .ids import id_width, make_ids
from .pools import slug

MIN_PLATFORMS = 2
#: Hidden per-account columns (dropped before the table is shown): see make_accounts.
HIDDEN = ("_brand", "_industry", "_country", "_timezone", "_n_posts", "_post_offset", "_reach_factor", "_er_factor", "_growth")


def industry_er(industries: np.ndarray) -> np.ndarray:
    """Engagement-rate factor of each industry (``ER_INDUSTRY`` over its geometric mean)."""
    factors = dict(cal.ER_INDUSTRY)
    mean = np.exp(np.mean(np.log(list(factors.values()))))
    return np.array([factors[i] / mean for i in industries], dtype=float)


def make_accounts(brands: pd.DataFrame, scale: Scale, rng: np.random.Generator,
                  platform_size: dict | None = None) -> pd.DataFrame:
    """One account per platform a brand uses (2-6 platforms per brand).

    Besides the public columns, the frame carries hidden traits (``HIDDEN``):
    the owning brand's row number, how many posts the account publishes and the
    number of posts before it (so post ids do not depend on partitioning), its
    reach and engagement-rate factors (some accounts simply do better) and its
    daily follower growth rate. ``platform_size`` (platform -> multiplier, the
    world's planted platform popularity) scales the followers.
    """
    n_brands = len(brands)
    adoption = np.array([cal.PLATFORM_ADOPTION[p] for p in PLATFORMS])
    uses = rng.random((n_brands, len(PLATFORMS))) < adoption
    few = uses.sum(axis=1) < MIN_PLATFORMS
    top = np.argsort(-adoption)[:MIN_PLATFORMS]
    uses[np.ix_(few, top)] = True
    brand_row, plat_code = np.nonzero(uses)  # row-major: ordered by brand, then platform
    n = len(brand_row)
    platform = np.array(PLATFORMS, dtype=object)[plat_code]

    # Bigger brands are bigger everywhere: a brand effect shared by its accounts.
    brand_size = rng.normal(0, 0.9, n_brands)[brand_row]
    size = platform_size or {}
    median = np.array([cal.FOLLOWERS_MEDIAN[p] * size.get(p, 1.0) for p in PLATFORMS])[plat_code]
    followers = np.exp(np.log(median) + brand_size + rng.normal(0, cal.FOLLOWERS_SIGMA * 0.6, n))
    followers = np.clip(np.round(followers), 200, 20_000_000).astype(np.int64)

    cadence = np.array([cal.POSTS_PER_WEEK[p] for p in PLATFORMS])[plat_code] * rng.lognormal(0, 0.35, n)
    cadence = np.round(cadence, 2)
    n_posts = rng.poisson(cadence * scale.days / 7)
    created_days = rng.integers(60, 4000, n)
    # no account before its platform opened: those days are scaled into the platform's years (no extra draw)
    for name, opened in cal.PLATFORM_OPENED.items():
        most = (scale.start_ts - pd.Timestamp(opened, tz=scale.start_ts.tz)).days
        on = platform == name
        created_days[on] = 60 + (created_days[on] - 60) * (most - 61) // (4000 - 60)
    created_at = scale.start_ts - pd.to_timedelta(created_days, unit="D") + pd.to_timedelta(rng.integers(0, 86400, n), unit="s")

    monthly = np.array([cal.MONTHLY_GROWTH[p] for p in PLATFORMS])[plat_code] * rng.lognormal(0, cal.GROWTH_SIGMA, n)
    declining = rng.random(n) < cal.DECLINING_SHARE
    monthly = np.where(declining, -rng.uniform(*cal.DECLINE_RANGE, n), monthly)
    growth = (1 + monthly) ** (1 / 30.44) - 1

    industry = industry_er(brands["industry"].to_numpy()[brand_row])
    names = brands["name"].to_numpy(dtype=object)[brand_row]
    longest = np.array([min(cal.HANDLE_MAX[p], 20) for p in platform])  # a platform's limit, and short as brands pick
    handles = pd.Series(["@" + slug(s)[:k] for s, k in zip(names, longest)])
    clash = handles.duplicated(keep="first") | (handles == "@")
    suffix = (brand_row + 1).astype(str)
    handles = handles.where(~clash, pd.Series(["@" + h[1:][:k - len(x)] + x for h, k, x in zip(handles, longest, suffix)]))

    return pd.DataFrame({
        "account_id": make_ids("A", np.arange(1, n + 1), id_width(n, 5)),
        "brand_id": brands["brand_id"].to_numpy()[brand_row],
        "platform": platform,
        "handle": handles.to_numpy(dtype=object),
        "created_at": created_at,
        "followers_start": followers,
        "posts_per_week": cadence,
        "_brand": brand_row,
        "_industry": brands["industry"].to_numpy(dtype=object)[brand_row],
        "_country": brands["country"].to_numpy(dtype=object)[brand_row],
        "_timezone": brands["timezone"].to_numpy(dtype=object)[brand_row],
        "_n_posts": n_posts,
        "_post_offset": np.cumsum(n_posts) - n_posts,
        "_reach_factor": rng.lognormal(0, cal.REACH_ACCOUNT_SIGMA, n) * industry ** cal.INDUSTRY_REACH_SHARE,
        "_er_factor": rng.lognormal(0, cal.ER_ACCOUNT_SIGMA, n) * industry ** (1 - cal.INDUSTRY_REACH_SHARE),
        "_growth": growth,
    })
