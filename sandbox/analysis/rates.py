"""Engagements and engagement rates per post.

- engagements = likes + comments + shares + saves (link clicks and video views are not engagements);
- ER by reach = engagements / reach, by impressions = engagements / impressions, by followers =
  engagements / followers of the account on the posting day (``followers_daily.followers`` of the UTC
  day of ``posted_at``);
- hours and weekdays are UTC as stored, Monday = 0 (:mod:`sandbox.analysis.clocks` reads local clocks).
"""

from __future__ import annotations

import pandas as pd

from .._schema import ENGAGEMENT_COLUMNS


def engagements(posts: pd.DataFrame) -> pd.Series:
    """likes + comments + shares + saves per post."""
    return posts[list(ENGAGEMENT_COLUMNS)].sum(axis=1)


def er_reach(posts: pd.DataFrame) -> pd.Series:
    """Engagements / reach per post (NaN when reach is 0)."""
    return engagements(posts) / posts["reach"]


def er_impressions(posts: pd.DataFrame) -> pd.Series:
    return engagements(posts) / posts["impressions"]


def posting_day(posts: pd.DataFrame) -> pd.Series:
    """The UTC calendar day of each post, comparable with followers_daily.date."""
    return posts["posted_at"].dt.tz_localize(None).dt.normalize().astype("datetime64[us]")


def followers_on_post_day(posts: pd.DataFrame, followers_daily: pd.DataFrame) -> pd.Series:
    """Followers of the posting account at the end of the posting day, aligned with ``posts``."""
    keys = pd.DataFrame({"account_id": posts["account_id"].to_numpy(), "date": posting_day(posts).to_numpy()})
    merged = keys.merge(followers_daily[["account_id", "date", "followers"]], on=["account_id", "date"], how="left")
    return pd.Series(merged["followers"].to_numpy(), index=posts.index, name="followers")


def er_followers(posts: pd.DataFrame, followers_daily: pd.DataFrame) -> pd.Series:
    return engagements(posts) / followers_on_post_day(posts, followers_daily)


def with_rates(ds) -> pd.DataFrame:
    """ds.posts with engagements, er_reach, er_impressions, er_followers, hour and weekday columns."""
    posts = ds.posts
    return posts.assign(
        engagements=engagements(posts),
        er_reach=er_reach(posts),
        er_impressions=er_impressions(posts),
        er_followers=er_followers(posts, ds.followers_daily),
        hour=posts["posted_at"].dt.hour,
        weekday=posts["posted_at"].dt.day_of_week,
    )
