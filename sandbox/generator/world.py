"""Putting a world together: plan, blocks of brands, truth.

Generation has two stages:

1. :func:`plan_world` draws everything small and world-wide: the planted
   effects, brands, accounts (with how many posts each will publish, which
   fixes every post id in advance), campaigns, the crisis.
2. :func:`generate_block` draws the big per-post and per-day tables for one
   block of ``BLOCK_BRANDS`` brands from that block's own child generators.

A block never looks at another block, so the world is the same whether blocks
are made in one process, in parallel workers or as lazy Dask partitions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import __version__
from .._locales import DEFAULT_LOCALE
from .._scales import DEFAULT_SCALE, Scale, get_scale
from .._schema import BLOCK_TABLES, TABLES, TRUTH_TABLES, WORLD_TABLES
from .._seeding import BLOCK_BRANDS, check_seed, child_rng
from ..dataset import Dataset, apply_schema
from .accounts import make_accounts
from .audience import make_audience
from .brands import make_brands
from .campaigns import ab_test_truth, make_campaigns
from .comments import CommentEvents, make_comments
from .detect import detectability
from .effects import Effects, draw_effects
from .followers import FollowerEvents, make_followers_daily, plan_follower_events, plant_small_account, post_activity
from .influencers import cheap_cheater_id, cheap_cheater_per_follower, cheap_cheater_row, make_influencers
from .money import make_fx_rates
from .pools import Pools, check_locale, get_pools
from .post_daily import make_post_daily
from .events import events_truth, plan_events
from .plants import (Plants, add_surge, drawn_posts, merged_order, plan_plants, renumbered, series_accounts,
                     surge_follows, with_series)
from .plant_engagement import EngagementPlant, plan_engagement, plant_spikes, plant_wave
from .posts import Crisis, PostEvents, make_posts

CRISIS_DAYS = 10
CRISIS_UNFOLLOW_RANGE = (4.0, 8.0)  # the crisis multiplies the account's unfollow rate by this (graded by seed)
#: Day-by-day shape of the crisis (Crisis.profile): the first days at full strength, one lull day early on
#: (the day after the brand's statement), the other days between the bounds (assumption).
CRISIS_PROFILE = {"first": (0.85, 1.0), "lull": (0.0, 0.06), "other": (0.5, 1.0), "lull_day": (3, 6)}
CRISIS_PLATFORMS = ("instagram", "facebook", "x", "tiktok")


@dataclass(frozen=True)
class WorldPlan:
    """Everything world-wide, drawn before any block."""

    seed: int
    scale: Scale
    locale: str
    effects: Effects
    pools: Pools
    brands: pd.DataFrame
    accounts: pd.DataFrame   # with hidden columns
    campaigns: pd.DataFrame  # with hidden columns
    crisis: Crisis
    fx_rates: pd.DataFrame   # drawn from nothing: the published rates of the locale's currencies
    events: FollowerEvents
    post_events: PostEvents
    comment_events: CommentEvents
    plants: Plants
    engagement: EngagementPlant = EngagementPlant()

    @property
    def n_blocks(self) -> int:
        return -(-len(self.brands) // BLOCK_BRANDS)

    def block_accounts(self, block: int) -> tuple[pd.DataFrame, int]:
        """Accounts of one block and the world row of its first account."""
        brand = self.accounts["_brand"].to_numpy()
        lo, hi = np.searchsorted(brand, [block * BLOCK_BRANDS, (block + 1) * BLOCK_BRANDS])
        return self.accounts.iloc[lo:hi], int(lo)


def check_args(seed, scale, locale) -> tuple[int, Scale, str]:
    return check_seed(seed), get_scale(scale), check_locale(locale)


def plan_world(seed: int = 0, scale=DEFAULT_SCALE, locale: str = DEFAULT_LOCALE) -> WorldPlan:
    """Draw the world-wide part of a world (cheap even for large worlds)."""
    seed, scale, locale = check_args(seed, scale, locale)
    effects_rng = child_rng(seed, "effects")
    effects = draw_effects(effects_rng)
    pools = get_pools(locale)
    brands = make_brands(scale.n_brands, pools, child_rng(seed, "brands"))
    accounts = make_accounts(brands, scale, child_rng(seed, "accounts"), effects.platform_size)
    accounts, small_account = plant_small_account(accounts, effects_rng)
    crisis = pick_crisis(accounts, scale, effects_rng)
    accounts, post_events, comment_events = plan_events(accounts, crisis, (small_account,), scale, effects_rng)
    plants = plan_plants(effects, accounts, scale, event_accounts(crisis, small_account, post_events, comment_events),
                         child_rng(seed, "plant_posts"))
    accounts = with_series(accounts, plants)  # the post numbers leave room for a brand's series
    campaigns = make_campaigns(accounts, scale, child_rng(seed, "campaigns"), pools.currency)
    fx_rates = make_fx_rates(pools.currency, pools.countries)
    events = plan_follower_events(accounts, small_account, scale, effects_rng)
    taken = set(event_accounts(crisis, small_account, post_events, comment_events))
    engagement = plan_engagement(accounts, taken, crisis.start_day, scale, child_rng(seed, "plant_engagement"))
    return WorldPlan(seed, scale, locale, effects, pools, brands, accounts, campaigns, crisis, fx_rates, events,
                     post_events, comment_events, plants, engagement)


def event_accounts(crisis: Crisis, small_account: int, post_events: PostEvents, comment_events: CommentEvents) -> tuple:
    """The world rows of the accounts that carry a planted event (the plants leave them as drawn)."""
    rows = {crisis.account, small_account, *post_events.bot_buyers}
    rows |= {w[0] for w in (*post_events.windows, *post_events.comment_boost)}
    rows |= {e[0] for e in (post_events.raid, comment_events.complaints, comment_events.incident, comment_events.raid) if e}
    return tuple(sorted(int(r) for r in rows))


def pick_crisis(accounts: pd.DataFrame, scale: Scale, rng: np.random.Generator) -> Crisis:
    """A large account on a conversational platform hits a crisis mid-period."""
    followers = accounts["followers_start"].to_numpy()
    eligible = np.flatnonzero(accounts["platform"].isin(CRISIS_PLATFORMS).to_numpy()
                              & (followers >= np.median(followers)) & (accounts["_n_posts"].to_numpy() >= 10))
    if len(eligible) == 0:
        eligible = np.array([int(np.argmax(followers))])
    account = int(eligible[rng.integers(len(eligible))])
    start = int(rng.integers(int(scale.days * 0.35), int(scale.days * 0.7)))
    unfollow = round(float(rng.uniform(*CRISIS_UNFOLLOW_RANGE)), 2)
    profile = rng.uniform(*CRISIS_PROFILE["other"], CRISIS_DAYS)
    profile[:2] = rng.uniform(*CRISIS_PROFILE["first"], 2)
    profile[int(rng.integers(*CRISIS_PROFILE["lull_day"]))] = rng.uniform(*CRISIS_PROFILE["lull"])
    return Crisis(account=account, start_day=start, days=CRISIS_DAYS, unfollow_multiplier=unfollow,
                  profile=tuple(round(float(x), 3) for x in profile))


def generate_block(plan: WorldPlan, block: int) -> dict[str, pd.DataFrame]:
    """The per-block tables (``BLOCK_TABLES``) and per-row labels of one block."""
    accounts, offset = plan.block_accounts(block)
    seed, scale = plan.seed, plan.scale
    # the plants draw from their own stream (block 0 is the world's plan), each table's part from its own child
    plant_posts, plant_daily, plant_followers, plant_audience, plant_series = child_rng(
        seed, "plant_posts", block + 1).spawn(5)
    posts, post_labels, hidden = make_posts(accounts, plan.campaigns, plan.effects, plan.crisis, plan.pools,
                                            scale, child_rng(seed, "posts", block), offset, plan.post_events,
                                            plan.plants, plant_posts)
    series = series_accounts(plan.plants, accounts, offset)
    if series is not None:  # a brand's series: posts drawn from the plant stream, appended to the drawn ones
        series_rng = plant_series.spawn(5)  # its posts, their plants, post_daily, its plants, comments
        extra = make_posts(series[0], plan.campaigns, plan.effects, plan.crisis, plan.pools, scale, series_rng[0],
                           offset + series[1], PostEvents(), plan.plants, series_rng[1])
        order, numbers = merged_order(accounts, hidden, extra[2], series[1])
        width = plan.accounts.attrs["post_id_width"]
        posts, post_labels, hidden = renumbered(posts, post_labels, hidden, numbers[:len(posts)], width)
        extra = renumbered(*extra, numbers[len(posts):], width)
    drawn = drawn_posts(posts, hidden)  # what the other streams draw from: the plants add to them
    post_daily = make_post_daily(drawn, hidden, scale, child_rng(seed, "post_daily", block),
                                 hidden["planted_engagements"].sum(axis=1), plant_daily)
    post_follows, posts_per_day = post_activity(posts, hidden, post_labels, len(accounts), scale.days)
    followers_daily = make_followers_daily(accounts, plan.crisis, scale, child_rng(seed, "followers_daily", block),
                                           offset, post_follows, posts_per_day, plan.events)
    surge = surge_follows(plan.plants.surge, len(accounts), offset, scale.days, plant_followers)
    followers_daily = add_surge(followers_daily, surge)
    last = followers_daily["followers"].to_numpy().reshape(len(accounts), scale.days)[:, -1] if len(accounts) else np.zeros(0, int)
    gained = surge.sum(axis=0) if surge is not None else None
    audience = make_audience(accounts, last if gained is None else last - gained, plan.effects, plan.pools,
                             child_rng(seed, "audience", block), gained, plant_audience)
    comments, comment_labels = make_comments(drawn, hidden, plan.crisis, plan.pools, scale,
                                             child_rng(seed, "comments", block),
                                             plan.accounts.attrs["post_id_width"] + 2, plan.comment_events)
    # the planted engagement effects, from their own stream (block + 1; the plan drew from block 0), on the drawn
    # tables (a series' posts are left as drawn)
    spikes_rng, wave_rng = child_rng(seed, "plant_engagement", block + 1).spawn(2)
    posts, post_labels, post_daily = plant_spikes(posts, post_labels, post_daily, plan.accounts["account_id"],
                                                  plan.engagement, spikes_rng)
    comments, comment_labels = plant_wave(comments, comment_labels, drawn, hidden, plan.engagement, plan.pools, scale,
                                          wave_rng)
    tables = {"posts": posts, "post_daily": post_daily, "comments": comments, "post_labels": post_labels,
              "comment_labels": comment_labels}
    if series is not None:
        extra_drawn = drawn_posts(extra[0], extra[2])
        more = {"posts": extra[0], "post_labels": extra[1],
                "post_daily": make_post_daily(extra_drawn, extra[2], scale, series_rng[2],
                                              extra[2]["planted_engagements"].sum(axis=1), series_rng[3])}
        more["comments"], more["comment_labels"] = make_comments(
            extra_drawn, extra[2], plan.crisis, plan.pools, scale, series_rng[4],
            plan.accounts.attrs["post_id_width"] + 2)
        tables = appended(tables, more, order)
    return {**tables, "followers_daily": followers_daily, "audience": audience}


def appended(tables: dict, more: dict, order: np.ndarray) -> dict:
    """The block's tables with a series' rows (``more``) appended, posts in ``order`` (account, then time) and the
    other tables' rows in the order of their posts."""
    posts = pd.concat([tables["posts"], more["posts"]], ignore_index=True)
    position = pd.Series(np.argsort(order, kind="stable"), index=posts["post_id"].to_numpy())
    out = {"posts": posts.iloc[order].reset_index(drop=True),
           "post_labels": pd.concat([tables["post_labels"], more["post_labels"]], ignore_index=True).iloc[order]
           .reset_index(drop=True)}
    for name, labels in (("post_daily", None), ("comments", "comment_labels")):
        frame = pd.concat([tables[name], more[name]], ignore_index=True)
        rows = np.argsort(frame["post_id"].map(position).to_numpy(), kind="stable")
        out[name] = frame.iloc[rows].reset_index(drop=True)
        if labels:
            out[labels] = pd.concat([tables[labels], more[labels]], ignore_index=True).iloc[rows].reset_index(drop=True)
    return out


def world_tables(plan: WorldPlan) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The world-wide tables (``WORLD_TABLES``, with their hidden columns) and the influencer labels: the one place
    they are assembled, for a world made in one piece and for a partitioned one."""
    influencers, influencer_labels = world_influencers(plan)
    made = {"brands": plan.brands, "accounts": plan.accounts, "campaigns": plan.campaigns,
            "influencers": influencers, "fx_rates": plan.fx_rates}
    return {name: made[name] for name in WORLD_TABLES}, influencer_labels


def world_influencers(plan: WorldPlan) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The influencers table and its labels (world-wide, from the influencers stream)."""
    n = plan.scale.n_influencers
    return make_influencers(n, plan.pools, child_rng(plan.seed, "influencers"), cheap_cheater_row(plan.seed, n),
                            cheap_cheater_per_follower(plan.seed))


def public(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The learner-facing version of a table: schema columns and dtypes only."""
    table = TABLES.get(name) or TRUTH_TABLES[name]
    return apply_schema(frame[table.column_names], table)


def world_truth(plan: WorldPlan, post_labels: pd.DataFrame, influencer_labels: pd.DataFrame) -> dict:
    """truth.json: planted effects plus facts fixed while drawing tables."""
    return world_truth_from_counts(plan, label_counts(post_labels), int(influencer_labels["has_bought_followers"].sum()))


def label_counts(post_labels: pd.DataFrame) -> dict[str, int]:
    """The per-row label counts truth.json reports; they add up over blocks."""
    return {"bot_spikes": int(post_labels["is_bot_spike"].sum()), "viral_posts": int(post_labels["is_viral"].sum())}


def world_truth_from_counts(plan: WorldPlan, counts: dict[str, int], bought_followers: int) -> dict:
    """:func:`world_truth` from label counts (``label_counts`` summed over blocks),
    for streamed worlds that never hold all labels at once."""
    from .. import _calibration as cal

    scale, crisis = plan.scale, plan.crisis
    acc = plan.accounts.iloc[crisis.account]
    crisis_start = scale.start_ts + pd.Timedelta(days=crisis.start_day)
    effects = plan.plants.effects(plan.effects)  # as planted
    truth = effects.truth()
    zones = sorted(set(plan.brands["timezone"]))
    for p, info in truth["platforms"].items():
        info["best_window"]["by_timezone"] = [{"timezone": tz, **utc_window(info["best_window"]["hours"], tz, scale)}
                                              for tz in zones]
    truth.update({
        "detectable": detectability(effects, plan.accounts),
        "period": {"start": scale.start_ts.date().isoformat(),
                   "end": (scale.end_ts - pd.Timedelta(days=1)).date().isoformat(), "days": scale.days},
        "ab_tests": ab_test_truth(plan.campaigns),
        "crisis": {
            "account_id": acc["account_id"], "brand_id": acc["brand_id"], "platform": acc["platform"],
            "start_date": crisis_start.date().isoformat(), "days": crisis.days,
            "unfollow_multiplier": crisis.unfollow_multiplier, "follow_multiplier": crisis.follow_multiplier,
            "negative_share_before": cal.COMMENT_SENTIMENT[0], "negative_share_during": crisis.negative_share,
        },
        "follower_events": plan.events.truth(plan.accounts, scale),
        "plants": plan.plants.truth(plan.accounts, scale),
        "events": {**events_truth(plan.accounts, plan.post_events, plan.comment_events, scale),
                   **plan.engagement.truth(plan.accounts, scale)},
        "bot_spikes": int(counts["bot_spikes"]),
        "viral_posts": int(counts["viral_posts"]),
        "bought_followers": int(bought_followers),
        "cheap_cheater": {"influencer_id": cheap_cheater_id(plan.seed, scale.n_influencers),
                          "cheap_per_follower": cheap_cheater_per_follower(plan.seed),
                          "about": "an instagram creator who bought followers and likes and prices low: the lowest "
                                   "cost per engagement unless the bought-followers screen removes it; when "
                                   "cheap_per_follower, the marketplace's cheapest per 1,000 followers too"},
        "calibration": {
            "er_impressions_median": dict(cal.ER_IMPRESSIONS),
            "er_followers_range": {p: list(r) for p, r in cal.ER_FOLLOWERS_RANGE.items()},
            "engagements": "likes + comments + shares + saves",
        },
    })
    return truth


def utc_window(hours: list, tz: str, scale: Scale) -> dict:
    """A local window ``[start, end)`` in UTC hours, at the start and in the middle of the
    period (they differ when daylight saving time changes in between)."""
    out = {}
    for when, day in (("utc_hours_at_start", 0), ("utc_hours_mid_period", scale.days // 2)):
        offset = (scale.start_ts + pd.Timedelta(days=day)).tz_convert(tz).utcoffset().total_seconds() / 3600
        out[when] = [int((h - offset) % 24) if offset == int(offset) else float((h - offset) % 24) for h in hours]
    return out


def world_meta(plan: WorldPlan) -> dict:
    scale = plan.scale
    return {
        "generator": "social-analytics-sandbox", "version": __version__,
        "seed": plan.seed, "scale": scale.name, "locale": plan.locale,
        "n_brands": scale.n_brands, "n_blocks": plan.n_blocks,
        "period_start": scale.start_ts.isoformat(), "period_end": scale.end_ts.isoformat(),
        "dirty": 0.0,
    }


def generate(seed: int = 0, scale=DEFAULT_SCALE, locale: str = DEFAULT_LOCALE, dirty: float = 0.0,
             progress: bool = False) -> Dataset:
    """Generate a whole world in memory.

    Parameters
    ----------
    seed : int
        Any non-negative integer; same seed and version give identical output.
    scale : {"tiny", "small", "medium", "large"} or Scale
    locale : one of ``sandbox._locales.available_locales()`` (en_US, fr_FR, es_ES)
        Language of names, captions and comments.
    dirty : float
        0 for a clean world; otherwise the share of rows to corrupt (see
        :mod:`sandbox.generator.dirty`), for cleaning practice.
    progress : bool
        Show a progress bar over blocks of brands.

    Examples
    --------
    >>> ds = generate(seed=1, scale="tiny")
    >>> ds.posts.columns[:3].tolist()
    ['post_id', 'account_id', 'platform']
    """
    from .dirty import check_dirty, make_dirty

    check_dirty(dirty)
    plan = plan_world(seed, scale, locale)
    blocks = range(plan.n_blocks)
    if progress:
        from tqdm.auto import tqdm

        blocks = tqdm(blocks, desc="generating", unit="block", leave=False)
    parts = [generate_block(plan, b) for b in blocks]
    merged = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}
    world, influencer_labels = world_tables(plan)
    tables = {**world, **{n: merged[n] for n in BLOCK_TABLES}}
    labels = {"post_labels": merged["post_labels"], "comment_labels": merged["comment_labels"],
              "influencer_labels": influencer_labels}
    ds = Dataset(
        **{name: public(name, tables[name]) for name in TABLES},
        truth=world_truth(plan, labels["post_labels"], influencer_labels),
        labels={name: public(name, df) for name, df in labels.items()},
        meta=world_meta(plan),
    )
    if dirty:
        ds = make_dirty(ds, dirty, child_rng(plan.seed, "dirty"))
    return ds
