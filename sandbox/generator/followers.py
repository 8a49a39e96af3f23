"""The followers_daily table: follower counts that grow at platform rates, with a crisis dip."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .posts import Crisis


def make_followers_daily(accounts: pd.DataFrame, crisis: Crisis, scale: Scale, rng: np.random.Generator,
                         account_offset: int) -> pd.DataFrame:
    """Day by day for all accounts at once: follows ~ Poisson(followers * (growth +
    churn)), unfollows ~ Poisson(followers * churn) (never more than the account
    has). During the crisis the crisis account gains less and loses far more."""
    n_acc, days = len(accounts), scale.days
    churn = cal.MONTHLY_CHURN / 30.44
    growth = accounts["_growth"].to_numpy()
    f = accounts["followers_start"].to_numpy().astype(np.int64)
    world_rows = np.arange(n_acc) + account_offset
    follows = np.zeros((n_acc, days), dtype=np.int64)
    unfollows = np.zeros((n_acc, days), dtype=np.int64)
    followers = np.zeros((n_acc, days), dtype=np.int64)
    day_noise = rng.lognormal(0, 0.25, (n_acc, days))  # busy and quiet days
    for t in range(days):
        hit = crisis.active(world_rows, np.full(n_acc, t))
        gain = rng.poisson(f * (growth + churn) * day_noise[:, t] * np.where(hit, crisis.follow_multiplier, 1.0))
        loss = rng.poisson(f * churn * np.where(hit, crisis.unfollow_multiplier, 1.0))
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
