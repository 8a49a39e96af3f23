"""Local clocks: brands post, and their audiences read, on the brand's clock (``brands.timezone``);
``posted_at`` is stored in UTC."""

from __future__ import annotations

import pandas as pd

from .bands import hour_card, medians_with_errors, near_best_within_noise, top_hour_card
from .rates import er_reach
from .samples import well_sampled


def local_posted_at(ds) -> pd.Series:
    """Each post's publication time on its brand's local clock (``brands.timezone``), as
    naive local timestamps; UTC when the dataset has no time zones (data model v1)."""
    posts = ds.posts
    if "timezone" not in ds.brands.columns:
        return posts["posted_at"].dt.tz_localize(None)
    brand = posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"])
    tz = brand.map(ds.brands.set_index("brand_id")["timezone"])
    out = pd.Series(pd.NaT, index=posts.index, dtype="datetime64[us]")
    for zone, rows in tz.groupby(tz).groups.items():
        out[rows] = posts.loc[rows, "posted_at"].dt.tz_convert(zone).dt.tz_localize(None)
    return out


def local_hour(ds) -> pd.Series:
    """Each post's hour (0-23) on its brand's local clock, aligned with ds.posts."""
    return local_posted_at(ds).dt.hour


def instagram_by_hour(ds, hours: pd.Series, how: str = "median", all_platforms: bool = False) -> pd.Series:
    """``how`` of the instagram posts' ER by reach per hour of ``hours`` (aligned with ds.posts);
    ``all_platforms`` keeps every platform's posts."""
    posts = ds.posts if all_platforms else ds.posts[ds.posts["platform"] == "instagram"]
    return er_reach(posts).groupby(hours[posts.index]).agg(how)


def best_local_hours(ds, hours=None, how: str = "median") -> tuple:
    """The data's best well-sampled instagram hour, every brand on its own clock, its near-ties within the noise
    (:func:`~sandbox.analysis.bands.near_best_within_noise`), and the median ER by reach per hour
    (:func:`~sandbox.analysis.bands.hour_card`). ``hours`` (another clock) or ``how`` (another summary) give the
    answer of a learner who made that mistake: the top hour of their numbers."""
    mistaken = hours is not None or how != "median"
    hours = local_hour(ds) if hours is None else hours
    instagram = ds.posts["platform"] == "instagram"
    values = well_sampled(instagram_by_hour(ds, hours, how), hours[instagram])
    if mistaken:
        return top_hour_card(values)
    cells = medians_with_errors(er_reach(ds.posts[instagram]), hours[instagram]).loc[values.index]
    return hour_card(values, {int(h) for h in near_best_within_noise(cells["median"], cells["error"])})
