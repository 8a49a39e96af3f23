"""Audience segments (age group x gender) compared fairly across platforms."""

from __future__ import annotations

import pandas as pd


def segment_index(ds) -> pd.Series:
    """Engaged-user rate of each (age_group, gender), relative to its platform's rate, averaged over platforms.

    Platforms differ far more than segments (TikTok followers engage more than
    Facebook's) and their audiences differ in age, so pooled rates would mostly
    measure the platform; dividing by the platform's own rate controls for it.
    """
    a = ds.audience.merge(ds.accounts[["account_id", "platform"]], on="account_id")
    a = a.assign(platform=a["platform"].astype(str), age_group=a["age_group"].astype(str), gender=a["gender"].astype(str))
    g = a.groupby(["platform", "age_group", "gender"])[["engaged_users", "followers"]].sum()
    p = g.groupby(level="platform").transform("sum")
    relative = (g["engaged_users"] / g["followers"]) / (p["engaged_users"] / p["followers"])
    return relative.groupby(level=["age_group", "gender"]).mean()
