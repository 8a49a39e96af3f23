"""The followers_daily table: follower counts that move with each account's growth, its posts'
reach (viral posts bring a bump), over-posting and the crisis."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .posts import Crisis

#: Share of a post's reach-driven follows that arrive on the posting day (the rest the next day).
SAME_DAY_FOLLOWS = 0.7


def post_activity(posts: pd.DataFrame, hidden: dict, labels: pd.DataFrame, n_acc: int, days: int):
    """Per account and day: follows the posts drive (reach, viral posts far more) and number of posts."""
    acc, day = hidden["acc"], hidden["day"]
    boost = np.where(labels["is_viral"].to_numpy(), cal.VIRAL_FOLLOW_BOOST, 1.0)
    driven = posts["reach"].to_numpy() * cal.FOLLOWS_PER_REACH * boost
    expected = np.zeros((n_acc, days + 1))
    np.add.at(expected, (acc, day), driven * SAME_DAY_FOLLOWS)
    np.add.at(expected, (acc, day + 1), driven * (1 - SAME_DAY_FOLLOWS))
    n_posts = np.zeros((n_acc, days), dtype=np.int64)
    np.add.at(n_posts, (acc, day), 1)
    return expected[:, :days], n_posts


def make_followers_daily(accounts: pd.DataFrame, crisis: Crisis, scale: Scale, rng: np.random.Generator,
                         account_offset: int, post_follows: np.ndarray | None = None,
                         posts_per_day: np.ndarray | None = None) -> pd.DataFrame:
    """Day by day for all accounts at once.

    follows ~ Poisson(followers * (max(growth, 0) + churn) * day noise + follows
    driven by that day's posts), unfollows ~ Poisson(followers * (churn +
    max(-growth, 0)) * over-posting factor); declining accounts have a negative
    growth. During the crisis the crisis account gains less and loses far more.
    ``post_follows`` and ``posts_per_day`` (accounts x days) come from
    :func:`post_activity`."""
    n_acc, days = len(accounts), scale.days
    if post_follows is None:
        post_follows = np.zeros((n_acc, days))
    if posts_per_day is None:
        posts_per_day = np.zeros((n_acc, days), dtype=np.int64)
    churn = cal.MONTHLY_CHURN / 30.44
    growth = accounts["_growth"].to_numpy()
    gain_rate, loss_rate = np.maximum(growth, 0) + churn, churn + np.maximum(-growth, 0)
    f = accounts["followers_start"].to_numpy().astype(np.int64)
    world_rows = np.arange(n_acc) + account_offset
    follows = np.zeros((n_acc, days), dtype=np.int64)
    unfollows = np.zeros((n_acc, days), dtype=np.int64)
    followers = np.zeros((n_acc, days), dtype=np.int64)
    day_noise = rng.lognormal(0, 0.25, (n_acc, days))  # busy and quiet days
    overposting = 1 + cal.OVERPOST_UNFOLLOW * np.maximum(posts_per_day - 1, 0)
    for t in range(days):
        hit = crisis.active(world_rows, np.full(n_acc, t))
        gain = rng.poisson((f * gain_rate * day_noise[:, t] + post_follows[:, t])
                           * np.where(hit, crisis.follow_multiplier, 1.0))
        loss = rng.poisson(f * loss_rate * overposting[:, t] * np.where(hit, crisis.unfollow_multiplier, 1.0))
        loss = np.minimum(loss, f + gain)
        f = f + gain - loss
        follows[:, t], unfollows[:, t], followers[:, t] = gain, loss, f
    dates = pd.date_range(scale.start_ts.tz_localize(None), periods=days, freq="D").to_numpy()
    return pd.DataFrame({
        "account_id": np.repeat(accounts["account_id"].to_numpy(dtype=object), days),
        "date": np.tile(dates, n_acc),
        "followers": followers.ravel(),
        "follows": follows.ravel(),
        "unfollows": unfollows.ravel(),
    })
