"""Planted events around the crisis, drawn once per world: they make the lessons' methods load-bearing.

A crisis taught with clean data is found by any method. Real data holds what a careless method
mistakes for a crisis, and each event below is one such thing (see the modules that draw them):

- a customer-service account whose audience complains every week (comments.CommentEvents.complaints):
  the most negative comments, but no burst;
- a service incident at another account, whose brand answers nearly every complaint with an apology
  a word list reads as negative (CommentEvents.incident);
- a bot raid of hostile comments on another account (CommentEvents.raid, PostEvents.raid);
- an account that bought large like packages: its bought posts reach as far as viral ones
  (PostEvents.bot_buyers);
- and the accounts go on posting through their crisis, incident and raid (PostEvents.windows), so the
  comments can show them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._scales import Scale
from .comments import CommentEvents
from .posts import Crisis, PostEvents

CRISIS_POSTS = 8                 # the crisis account posts this often during its crisis (statements; ads paused)
COMPLAINT_PLATFORMS = ("facebook", "x")   # where customer service happens in public
COMPLAINT_POSTS_PER_WEEK = (13.0, 16.0)
COMPLAINT_SHARE = (0.5, 0.58)   # its usual share of negative comments (others: _calibration.COMMENT_SENTIMENT)
COMPLAINT_COMMENTS = (1.0, 1.3)  # its posts draw this many times the usual comments (plus a floor)
INCIDENT_DAYS = 7
INCIDENT_POSTS = 20              # the brand posts updates through its incident
INCIDENT_SHARE = 0.25
INCIDENT_COMMENTS = 5.0
RAID_DAYS = 5
RAID_POSTS = 3
RAID_PER_POST = (20.0, 28.0)     # bot comments per raided post
BUYER_PLATFORMS = ("instagram", "facebook", "x")  # low likes per person reached: bought likes stand out
EVENT_PLATFORMS = ("instagram", "tiktok", "facebook", "x", "linkedin")
MIN_GAP_DAYS = 14                # events keep this far from the crisis and from each other


def plan_events(accounts: pd.DataFrame, crisis: Crisis, exclude: tuple, scale: Scale,
                rng: np.random.Generator) -> tuple[pd.DataFrame, PostEvents, CommentEvents]:
    """Pick the accounts and days of the planted events; returns the accounts (the complaint account posts
    more, so its post counts and post offsets change), the post events and the comment events."""
    accounts = accounts.copy()
    followers = accounts["followers_start"].to_numpy()
    platform = accounts["platform"].astype(str).to_numpy()
    taken = {crisis.account, *exclude}
    busy = [(crisis.start_day, crisis.days)]

    def pick(mask):
        rows = [r for r in np.flatnonzero(mask) if r not in taken]
        if not rows:
            rows = [r for r in range(len(accounts)) if r not in taken] or [crisis.account]
        row = int(rows[rng.integers(len(rows))])
        taken.add(row)
        return row

    monday = (7 - scale.start_ts.day_of_week) % 7  # first Monday of the period

    def when(days):
        """A first day, a Monday (an incident or a raid falls within one calendar week), clear of the others."""
        for _ in range(100):
            first = int(rng.integers(int(scale.days * 0.1), max(int(scale.days * 0.9) - days, int(scale.days * 0.1) + 1)))
            first = first - (first - monday) % 7
            if all(first + days + MIN_GAP_DAYS <= s or first >= s + d + MIN_GAP_DAYS for s, d in busy):
                break
        busy.append((first, days))
        return first

    large = followers >= np.median(followers)
    complaint = pick(np.isin(platform, COMPLAINT_PLATFORMS) & large)
    weekly = rng.uniform(*COMPLAINT_POSTS_PER_WEEK)
    n_posts = accounts["_n_posts"].to_numpy().copy()
    n_posts[complaint] = max(n_posts[complaint], int(round(weekly * scale.days / 7)))
    accounts["_n_posts"] = n_posts
    accounts["_post_offset"] = np.cumsum(n_posts) - n_posts
    accounts["posts_per_week"] = np.where(np.arange(len(accounts)) == complaint, round(weekly, 2),
                                          accounts["posts_per_week"])
    active = np.isin(platform, EVENT_PLATFORMS) & (n_posts >= scale.days / 7)
    incident, incident_day = pick(active), when(INCIDENT_DAYS)
    raid, raid_day = pick(active), when(RAID_DAYS)
    # a mid-sized, busy account: enough likes per post for its usual like rate to be steady, and enough posts
    # that a few bought ones hardly move its median
    buyer = pick(np.isin(platform, BUYER_PLATFORMS) & (followers >= np.quantile(followers, 1 / 3))
                 & (followers <= np.quantile(followers, 2 / 3)) & (n_posts >= np.quantile(n_posts, 0.6)))
    per_post = float(rng.uniform(*RAID_PER_POST))
    post_events = PostEvents(
        windows=((crisis.account, crisis.start_day, crisis.days, CRISIS_POSTS, CRISIS_POSTS),
                 (incident, incident_day, INCIDENT_DAYS, INCIDENT_POSTS, None),
                 (raid, raid_day, RAID_DAYS, RAID_POSTS, None)),
        bot_buyers=(buyer,),
        comment_boost=((complaint, 0, scale.days, float(rng.uniform(*COMPLAINT_COMMENTS))),
                       (incident, incident_day, INCIDENT_DAYS, INCIDENT_COMMENTS)),
        raid=(raid, raid_day, RAID_DAYS, per_post),
    )
    comment_events = CommentEvents(
        complaints=(complaint, round(float(rng.uniform(*COMPLAINT_SHARE)), 3)),
        incident=(incident, incident_day, INCIDENT_DAYS, INCIDENT_SHARE),
        raid=(raid, raid_day, RAID_DAYS),
    )
    return accounts, post_events, comment_events


def events_truth(accounts: pd.DataFrame, post_events: PostEvents, comment_events: CommentEvents, scale: Scale) -> dict:
    """The planted events as truth.json reports them."""
    def acc(row):
        return accounts["account_id"].iat[row]

    def day(d):
        return (scale.start_ts + pd.Timedelta(days=int(d))).date().isoformat()

    complaint, share = comment_events.complaints
    incident, first, days, inc_share = comment_events.incident
    raid, raid_first, raid_days = comment_events.raid
    return {
        "complaints_account": {"account_id": acc(complaint), "negative_share": share},
        "service_incident": {"account_id": acc(incident), "start_date": day(first), "days": days,
                             "negative_share": inc_share},
        "bot_raid": {"account_id": acc(raid), "start_date": day(raid_first), "days": raid_days,
                     "bot_comments_per_post": round(post_events.raid[3], 1)},
        "bought_like_packages": [acc(r) for r in post_events.bot_buyers],
    }
