"""The followers_daily table: follower counts that move with each account's growth, its posts'
reach (viral posts bring a bump), over-posting, the crisis and the events of a real follower history.

Growth is not smooth: an account's growth rate runs in phases (plateaus, spurts) around its
calibrated monthly rate; follows and unfollows follow the week's rhythm and vary from day to day.
Two planted events (:class:`FollowerEvents`) make the crisis lesson need its method:

- a platform cleanup: on one day the platform removes inactive and fake accounts, and every account
  there loses a share of its followers at once (one bad day, not a crisis: smoothing removes it);
- a giveaway on a small account: people follow for the prize and many leave in the days after it. Ten
  unfollows a day are many times such an account's normal (one a day), but not a crisis of any size (a
  floor on the normal day removes it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .ids import take_str
from .posts import Crisis

#: Share of a post's reach-driven follows that arrive on the posting day (the rest the next day).
SAME_DAY_FOLLOWS = 0.7
#: Growth phases: each lasts PHASE_MIN_DAYS plus an exponential number of days (mean PHASE_MEAN_EXTRA);
#: a phase is a plateau (growth multiplied by PLATEAU_RANGE) with PLATEAU_SHARE, else a log-normal spurt
#: or lull (sigma PHASE_SIGMA). Multipliers average 1 over the period (assumption: brand follower
#: curves show plateaus and steps, TrackMaven/Rival IQ monthly series).
PHASE_MIN_DAYS = 14
PHASE_MEAN_EXTRA = 30.0
PLATEAU_SHARE = 0.3
PLATEAU_RANGE = (0.0, 0.15)
PHASE_SIGMA = 0.6
#: Day-to-day spread of follows and unfollows (log-normal sigma) and the weekly rhythm (Monday first):
#: fewer people follow or leave on weekend days, when brands post least (assumption).
FOLLOW_DAY_SIGMA = 0.25
UNFOLLOW_DAY_SIGMA = 0.35
WEEKLY_RHYTHM = (1.05, 1.08, 1.08, 1.05, 1.0, 0.85, 0.82)
#: Platform cleanups: platforms with one (count), and the share of followers each account loses that day.
#: Instagram's purges of inactive and fake accounts cost brands from a fraction of a percent to several
#: percent of their followers [secondary]; conservative range.
PURGE_PLATFORMS = (1, 3)
PURGE_SHARE = (0.006, 0.015)
PURGE_ELIGIBLE = ("instagram", "tiktok", "x", "facebook")
#: The giveaway of a small account: its unfollows on a normal day (its followers at the start of the
#: period are set to make them so), the extra unfollows a day after the giveaway, for how many days, and
#: the share of the giveaway's new followers who leave again (assumption).
SMALL_ACCOUNT_DAILY_UNFOLLOWS = (0.95, 1.15)
GIVEAWAY_DAILY_LOSS = (9.0, 11.0)
GIVEAWAY_DAYS = (6, 10)
GIVEAWAY_LEAVE_SHARE = (0.35, 0.55)
GIVEAWAY_PLATFORMS = ("instagram", "tiktok")


@dataclass(frozen=True)
class FollowerEvents:
    """The planted follower events of a world (rows are world account rows, days are period day indexes)."""

    giveaway_account: int
    giveaway_day: int
    giveaway_days: int
    giveaway_gain: int
    giveaway_daily_loss: float
    purges: tuple = ()  # ((platform, day, share), ...)

    def truth(self, accounts: pd.DataFrame, scale: Scale) -> dict:
        day = lambda d: (scale.start_ts + pd.Timedelta(days=int(d))).date().isoformat()  # noqa: E731
        return {
            "giveaway": {"account_id": accounts["account_id"].iat[self.giveaway_account], "date": day(self.giveaway_day),
                         "followers_gained": self.giveaway_gain, "unfollow_days": self.giveaway_days,
                         "unfollows_per_day": round(self.giveaway_daily_loss, 2)},
            "platform_cleanups": [{"platform": p, "date": day(d), "share_lost": round(s, 4)} for p, d, s in self.purges],
        }


def plant_small_account(accounts: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, int]:
    """Make one instagram or tiktok account of the smaller half small and flat (the giveaway's account; the
    crisis, a large account, is never it); returns the accounts and its row."""
    followers = accounts["followers_start"].to_numpy()
    eligible = np.flatnonzero(accounts["platform"].isin(GIVEAWAY_PLATFORMS).to_numpy() & (followers <= np.median(followers)))
    if len(eligible) == 0:
        eligible = np.array([int(np.argmin(followers))])
    row = int(eligible[rng.integers(len(eligible))])
    accounts = accounts.copy()
    accounts.iloc[row, accounts.columns.get_loc("_growth")] = 0.0  # it holds its size: one unfollow a day all year
    size = int(round(rng.uniform(*SMALL_ACCOUNT_DAILY_UNFOLLOWS) / (cal.MONTHLY_CHURN / 30.44)))
    accounts.iloc[row, accounts.columns.get_loc("followers_start")] = size
    return accounts, row


def plan_follower_events(accounts: pd.DataFrame, small_account: int, scale: Scale,
                         rng: np.random.Generator) -> FollowerEvents:
    """Draw the giveaway (on ``small_account``) and the platform cleanups of a world."""
    days = int(rng.integers(*GIVEAWAY_DAYS))
    daily = float(rng.uniform(*GIVEAWAY_DAILY_LOSS))
    gain = int(round(daily * days / rng.uniform(*GIVEAWAY_LEAVE_SHARE)))
    start = int(rng.integers(int(scale.days * 0.1), max(int(scale.days * 0.9) - days, int(scale.days * 0.1) + 1)))
    present = [p for p in PURGE_ELIGIBLE if (accounts["platform"] == p).any()]
    k = min(len(present), int(rng.integers(PURGE_PLATFORMS[0], PURGE_PLATFORMS[1])))
    chosen = [present[i] for i in sorted(rng.choice(len(present), size=k, replace=False))] if k else []
    purges = tuple((p, int(rng.integers(7, scale.days - 7)), float(rng.uniform(*PURGE_SHARE))) for p in chosen)
    return FollowerEvents(small_account, start, days, gain, daily, purges)


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


def growth_phases(n_acc: int, days: int, rng: np.random.Generator) -> np.ndarray:
    """(accounts x days) multipliers of each account's growth rate, constant within a phase, mean 1 per account."""
    k = days // PHASE_MIN_DAYS + 1
    lengths = PHASE_MIN_DAYS + rng.exponential(PHASE_MEAN_EXTRA, (n_acc, k))
    ends = np.cumsum(lengths, axis=1)
    plateau = rng.random((n_acc, k)) < PLATEAU_SHARE
    level = np.where(plateau, rng.uniform(*PLATEAU_RANGE, (n_acc, k)), rng.lognormal(0, PHASE_SIGMA, (n_acc, k)))
    # phase of each day: the number of phase ends on or before it (a running count of the boundaries)
    marks = np.zeros((n_acc, days + 1), dtype=np.int64)
    first_day = np.minimum(np.ceil(ends).astype(np.int64), days)
    np.add.at(marks, (np.repeat(np.arange(n_acc), k), first_day.ravel()), 1)
    phase = np.cumsum(marks[:, :days], axis=1)
    out = np.take_along_axis(level, np.minimum(phase, k - 1), axis=1)
    return out / np.maximum(out.mean(axis=1, keepdims=True), 1e-9)


def make_followers_daily(accounts: pd.DataFrame, crisis: Crisis, scale: Scale, rng: np.random.Generator,
                         account_offset: int, post_follows: np.ndarray | None = None,
                         posts_per_day: np.ndarray | None = None, events: FollowerEvents | None = None) -> pd.DataFrame:
    """Day by day for all accounts at once.

    follows ~ Poisson(followers * (max(growth, 0) * phase + churn) * day noise * weekly rhythm + follows
    driven by that day's posts), unfollows ~ Poisson(followers * (churn + max(-growth, 0)) * over-posting
    factor * day noise * weekly rhythm); declining accounts have a negative growth. During the crisis
    the crisis account gains less and loses far more; ``events`` add the giveaway and the platform
    cleanups. ``post_follows`` and ``posts_per_day`` (accounts x days) come from :func:`post_activity`."""
    n_acc, days = len(accounts), scale.days
    if post_follows is None:
        post_follows = np.zeros((n_acc, days))
    if posts_per_day is None:
        posts_per_day = np.zeros((n_acc, days), dtype=np.int64)
    churn = cal.MONTHLY_CHURN / 30.44
    growth = accounts["_growth"].to_numpy()
    phases = growth_phases(n_acc, days, rng)
    gain_rate = np.maximum(growth, 0)[:, None] * phases + churn
    loss_rate = churn + np.maximum(-growth, 0)
    f = accounts["followers_start"].to_numpy().astype(np.int64)
    world_rows = np.arange(n_acc) + account_offset
    rhythm = np.array(WEEKLY_RHYTHM)[(scale.start_ts.day_of_week + np.arange(days)) % 7]
    follow_noise = rng.lognormal(0, FOLLOW_DAY_SIGMA, (n_acc, days)) * rhythm
    unfollow_noise = rng.lognormal(0, UNFOLLOW_DAY_SIGMA, (n_acc, days)) * rhythm
    overposting = 1 + cal.OVERPOST_UNFOLLOW * np.maximum(posts_per_day - 1, 0)
    extra_gain, extra_loss, purge = _event_arrays(accounts, account_offset, days, events)
    # Each day draws from the accounts' state, so the days stay a loop; what does not depend on the state is
    # laid out beforehand, day by day (days x accounts: one contiguous row a day).
    gain_rate, follow_noise, post_follows, extra_gain, overposting, unfollow_noise, extra_loss, purge = (
        np.ascontiguousarray(a.T) for a in (gain_rate, follow_noise, post_follows, extra_gain, overposting,
                                            unfollow_noise, extra_loss, purge))
    follow_factor = np.where(crisis.active(world_rows[None, :], np.arange(days)[:, None]), crisis.follow_multiplier, 1.0)
    unfollow_factor = np.stack([crisis.unfollow_factor(world_rows, t) for t in range(days)])
    purge_day = purge.any(axis=1)  # a binomial draw with p = 0 is 0 and takes nothing from the stream
    follows, unfollows, followers = (np.zeros((days, n_acc), dtype=np.int64) for _ in range(3))
    for t in range(days):
        gain = rng.poisson((f * gain_rate[t] * follow_noise[t] + post_follows[t] + extra_gain[t]) * follow_factor[t])
        loss = rng.poisson(f * loss_rate * overposting[t] * unfollow_noise[t] * unfollow_factor[t] + extra_loss[t])
        if purge_day[t]:
            loss = loss + rng.binomial(f, purge[t])
        loss = np.minimum(loss, f + gain)
        f = f + gain - loss
        follows[t], unfollows[t], followers[t] = gain, loss, f
    dates = pd.date_range(scale.start_ts.tz_localize(None), periods=days, freq="D").to_numpy().astype("datetime64[us]")
    return pd.DataFrame({
        "account_id": take_str(accounts["account_id"], np.repeat(np.arange(n_acc), days)),
        "date": np.tile(dates, n_acc),
        "followers": followers.T.ravel(),
        "follows": follows.T.ravel(),
        "unfollows": unfollows.T.ravel(),
    }, copy=False)  # new arrays, not copied again


def _event_arrays(accounts: pd.DataFrame, account_offset: int, days: int, events: FollowerEvents | None):
    """(accounts x days) expected extra follows, expected extra unfollows and the share lost to a cleanup."""
    n_acc = len(accounts)
    extra_gain, extra_loss, purge = np.zeros((n_acc, days)), np.zeros((n_acc, days)), np.zeros((n_acc, days))
    if events is None:
        return extra_gain, extra_loss, purge
    row = events.giveaway_account - account_offset
    if 0 <= row < n_acc:
        d = events.giveaway_day
        extra_gain[row, d:d + 2] = events.giveaway_gain / 2  # the giveaway runs two days
        extra_loss[row, d + 2:d + 2 + events.giveaway_days] = events.giveaway_daily_loss
    platform = accounts["platform"].astype(str).to_numpy()
    for p, d, share in events.purges:
        purge[platform == p, d] = share
    return extra_gain, extra_loss, purge
