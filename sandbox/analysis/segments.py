"""Audience segments (age group x gender) compared fairly across platforms."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cache import last_dataset_cache


@last_dataset_cache
def segment_cells(ds) -> pd.DataFrame:
    """One row per (platform, age_group, gender): its ``engaged_users`` and ``followers`` over every account, and
    ``platform_rate``, the engaged-user rate of all the platform's followers."""
    a = ds.audience.merge(ds.accounts[["account_id", "platform"]], on="account_id")
    a = a.assign(platform=a["platform"].astype(str), age_group=a["age_group"].astype(str), gender=a["gender"].astype(str))
    g = a.groupby(["platform", "age_group", "gender"])[["engaged_users", "followers"]].sum()
    p = g.groupby(level="platform").transform("sum")
    return g.assign(platform_rate=p["engaged_users"] / p["followers"])


def segment_index(ds) -> pd.Series:
    """Engaged-user rate of each (age_group, gender), relative to its platform's rate, averaged over platforms
    weighted by the segment's followers on each.

    Platforms differ far more than segments (TikTok followers engage more than Facebook's) and their audiences
    differ in age, so pooled rates would mostly measure the platform; dividing by the platform's own rate controls
    for it. Weighting by followers keeps a platform where the segment holds a few dozen followers from deciding its
    index (an unweighted mean over platforms lets such cells name a segment of 0.1% of the audience).
    """
    c = segment_cells(ds)
    relative = c["engaged_users"] / c["followers"] / c["platform_rate"]
    by = ["age_group", "gender"]
    return (relative * c["followers"]).groupby(level=by).sum() / c["followers"].groupby(level=by).sum()


def segment_index_error(ds) -> pd.Series:
    """The standard error of each segment's :func:`segment_index`, from the binomial noise of its engaged users:
    the index is the sum over platforms of engaged users / platform rate, over the segment's followers."""
    c = segment_cells(ds)
    variance = c["engaged_users"] * (1 - c["engaged_users"] / c["followers"]) / c["platform_rate"] ** 2
    by = ["age_group", "gender"]
    return np.sqrt(variance.groupby(level=by).sum()) / c["followers"].groupby(level=by).sum()
