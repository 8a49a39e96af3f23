"""The posts table: when, what and how it performed.

The model, in the order columns are drawn (no column is independent of those
it depends on):

1. timing: a day (fewer posts at weekends) and an hour (working day) in UTC;
2. content: format (platform mix), topic, caption, hashtags;
3. reach: log-normal around ``followers * reach share(size) * multipliers``
   (account, format, posting window, boosting, viral outliers);
4. impressions = reach + repeat views;
5. engagements ~ Binomial(impressions, engagement rate), the rate carrying the
   planted effects (format, topic, window, weekday, hashtags); split into
   likes / comments / shares / saves with per-metric noise;
6. planted anomalies: crisis (fewer likes, many comments), bot spikes (likes
   only);
7. link clicks given impressions;
8. the plants (:mod:`.plants`): engagements added from their own stream;
9. video views as each platform counts them (views.py), from the engagements with the plants'.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .._schema import FORMATS, PLATFORM_FORMATS, PLATFORMS, POSTS, TOPICS
from .effects import DECOY_TOPIC_WEIGHT, HIGH_ER_PLATFORMS, Effects
from .ids import make_ids, take_str
from .captions import make_post_text
from .distributions import normal_cdf, normal_pdf, poisson_pmf
from .plants import Plants, extra_engagements, post_lift
from .pools import Pools
from .views import draw_video_views

MAX_HASHTAGS = 20
VIRAL_SHARE = 0.003
VIRAL_RANGE = (8.0, 40.0)
BOT_SPIKE_SHARE = 0.004  # of the posts on BOT_PLATFORMS
#: A bot spike's bought likes: this many times the people the post reached organically, plus a minimum
#: package (the bots also view the post, so a like stays one person reached).
BOT_LIKES_PER_REACH = (0.5, 2.0)
BOT_LIKES_MIN = (200, 1000)
#: Platforms where like bots operate (likes there are cheap to buy and a like is a small share of the people
#: reached, so bought ones stand out); LinkedIn, TikTok and YouTube posts get none (assumption).
BOT_PLATFORMS = ("instagram", "facebook", "x")
BOOST_SHARE = 0.35      # share of an account's posts boosted while one of its campaigns runs
BOOST_REACH = (2.0, 4.0)
CRISIS_LIKES = 0.6
CRISIS_EXTRA_COMMENTS = 2.0
CRISIS_MIN_COMMENTS = 12  # every crisis post draws a crowd
MAX_IMPRESSIONS = 500_000_000
DAILY_DAYS = 7


def daily_shares(platform: str, factor: float = 1.0) -> np.ndarray:
    """Share of a post's first-week impressions on each day (decaying ``factor`` times the platform rate)."""
    w = np.exp(-cal.DECAY_RATE[platform] * factor * np.arange(DAILY_DAYS))
    return w / w.sum()


@dataclass(frozen=True)
class Crisis:
    """The planted crisis: one account, a start day (index in the period) and a length.

    ``profile`` shapes the unfollows day by day (1 = the full ``unfollow_multiplier``): a crisis is not
    flat, it breaks, lulls for a day (the day after the brand's statement) and flares up again."""

    account: int  # row in the accounts frame
    start_day: int
    days: int
    unfollow_multiplier: float = 8.0
    follow_multiplier: float = 0.4
    negative_share: float = 0.85
    profile: tuple = ()

    def active(self, account_rows: np.ndarray, day: np.ndarray) -> np.ndarray:
        return (account_rows == self.account) & (day >= self.start_day) & (day < self.start_day + self.days)

    def unfollow_factor(self, account_rows: np.ndarray, day: int) -> np.ndarray:
        """Multiplier of the unfollows of ``account_rows`` on ``day`` (1 outside the crisis)."""
        k = day - self.start_day
        if not 0 <= k < self.days:
            return np.ones(len(account_rows))
        shape = self.profile[k] if self.profile else 1.0
        return np.where(account_rows == self.account, 1 + (self.unfollow_multiplier - 1) * shape, 1.0)


@dataclass(frozen=True)
class PostEvents:
    """Planted events the posts carry (world account rows, period day indexes).

    ``windows``: ((account, first day, days, fewest posts, most posts or None), ...): the account posts at
    least (and at most) that often in the window (a crisis or an incident is only seen in comments if the
    account posts through it; during its crisis a brand pauses its scheduled posts).
    ``bot_buyers``: accounts that bought large like packages: BUYER_SPIKES of their posts get
    BUYER_PACKAGE times the post's expected reach in bought likes (each bot also views the post, so the
    post's reach jumps as a viral post's does). ``comment_boost``: ((account, first day, days, factor), ...):
    the account's posts of those days draw factor times the usual comments (customer-service traffic, an
    incident). ``raid``: (account, first day, days, bot comments per post): a bot raid's comments are added
    to the account's posts of those days."""

    windows: tuple = ()
    bot_buyers: tuple = ()
    comment_boost: tuple = ()
    raid: tuple = ()


BUYER_SPIKES = 2
BOOSTED_MIN_COMMENTS = 10  # a boosted post's comments start from this many before the factor
BUYER_PACKAGE = (60.0, 120.0)


def er_normaliser(effects: Effects, platform: str) -> float:
    """exp(E[log multiplier]) of the planted ER effects on ``platform``.

    Dividing by it keeps the median engagement rate at the calibrated value
    whichever effects a seed plants. Computed from the posting distributions,
    never from drawn data, so every partition uses the same value.
    """
    fmts = PLATFORM_FORMATS[platform]
    mix = np.array([cal.FORMAT_MIX[platform][f] for f in fmts])
    log_m = np.dot(mix, np.log([effects.format_er[platform][f] for f in fmts]))
    log_m += np.mean(np.log(list(effects.topic_er.values())))
    hours = np.array(cal.POSTING_HOUR_WEIGHTS) / np.sum(cal.POSTING_HOUR_WEIGHTS)
    log_m += np.dot(hours, np.log(effects.hour_er(platform, np.arange(24))))
    log_m += np.dot(effects.posting_weekdays(platform), np.log(effects.weekday_er(platform, np.arange(7))))
    n = np.arange(MAX_HASHTAGS + 1)
    pmf = poisson_pmf(n, cal.HASHTAG_MEAN[platform])
    log_m += np.dot(pmf / pmf.sum(), np.log(effects.hashtag_er(n)))
    return float(np.exp(log_m))


def format_reach_normalised(platform: str) -> dict:
    fmts = PLATFORM_FORMATS[platform]
    mix = np.array([cal.FORMAT_MIX[platform][f] for f in fmts])
    gm = np.exp(np.dot(mix, np.log([cal.FORMAT_REACH[platform][f] for f in fmts])))
    return {f: cal.FORMAT_REACH[platform][f] / gm for f in fmts}


def _platform_format_table(values_of_platform) -> np.ndarray:
    """A (platform x format) lookup table from ``values_of_platform(p) -> {format: value}``."""
    table = np.zeros((len(PLATFORMS), len(FORMATS)))
    for i, p in enumerate(PLATFORMS):
        for f, v in values_of_platform(p).items():
            table[i, FORMATS.index(f)] = v
    return table


def _by_platform(plat_code: np.ndarray, values_by_platform) -> np.ndarray:
    return np.array([values_by_platform[p] for p in PLATFORMS])[plat_code]


def make_posts(accounts: pd.DataFrame, campaigns: pd.DataFrame, effects: Effects, crisis: Crisis,
               pools: Pools, scale: Scale, rng: np.random.Generator, account_offset: int,
               events: PostEvents = PostEvents(), plants: Plants | None = None,
               plant_rng: np.random.Generator | None = None):
    """Posts of ``accounts`` (a block of whole brands).

    ``account_offset`` is the row number of the block's first account in the
    world, so that crisis and campaign references (world rows) line up. Returns
    ``(posts, labels, hidden)`` where ``hidden`` holds per-post model arrays the
    daily and comments tables need (day index, account row, crisis flag). ``plants`` add engagements
    after every draw of ``rng``, drawn from ``plant_rng`` (``hidden["planted_engagements"]``).
    """
    n_posts = accounts["_n_posts"].to_numpy()
    n = int(n_posts.sum())
    acc = np.repeat(np.arange(len(accounts)), n_posts)
    world_acc = acc + account_offset
    plat_code = pd.Categorical(accounts["platform"], categories=PLATFORMS).codes.astype(np.int64)[acc]

    # 1. timing, in the brand's local time (habitual hours), then converted to UTC
    start = scale.start_ts
    day_weekday = (start.day_of_week + np.arange(scale.days)) % 7
    # each platform its own weekend share (confounder weekend_by_platform, see effects)
    local_day = np.zeros(n, dtype=np.int64)
    for code, p in enumerate(PLATFORMS):
        group = plat_code == code
        day_w = effects.posting_weekdays(p)[day_weekday]
        local_day[group] = rng.choice(scale.days, size=int(group.sum()), p=day_w / day_w.sum())
    local_day = _post_through(local_day, world_acc, events.windows, rng)
    hour_w = np.array(cal.POSTING_HOUR_WEIGHTS) / np.sum(cal.POSTING_HOUR_WEIGHTS)
    day_w_hours = np.where(np.arange(24) >= 6, hour_w, 0.0)
    habits = rng.choice(24, size=(len(accounts), 2), p=day_w_hours / day_w_hours.sum())
    hour = np.where(rng.random(n) < cal.HABIT_SHARE, habits[acc, rng.integers(0, 2, n)],
                    rng.choice(24, size=n, p=hour_w))
    local_seconds = local_day * 86400 + hour * 3600 + rng.integers(0, 3600, n)
    seconds = local_to_utc(local_seconds, accounts["_timezone"].to_numpy(dtype=object)[acc], start)
    # the period is UTC: posts pushed over either edge move one day inward
    shift = np.where(seconds < 0, 1, np.where(seconds >= scale.days * 86400, -1, 0))
    local_day, seconds = local_day + shift, seconds + shift * 86400
    day = seconds // 86400  # UTC day index, for everything measured in UTC days
    weekday = day_weekday[local_day]
    month = (start.tz_localize(None) + pd.to_timedelta(local_day, unit="D")).month.to_numpy() - 1

    # 2. content: each account has its own format mix and an industry-driven topic mix
    fmt_code = np.zeros(n, dtype=np.int64)  # index into FORMATS
    for code, p in enumerate(PLATFORMS):
        mask = plat_code == code
        fmts = PLATFORM_FORMATS[p]
        base = np.array([cal.FORMAT_MIX[p][f] for f in fmts])
        mix = rng.dirichlet(base * cal.FORMAT_MIX_CONCENTRATION, len(accounts))
        local = _draw_rows(mix, acc[mask], rng)
        fmt_code[mask] = np.array([FORMATS.index(f) for f in fmts])[local]
    fmt = np.array(FORMATS, dtype=object)[fmt_code]
    topic_base = np.array([[cal.INDUSTRY_TOPIC_WEIGHT if t in cal.INDUSTRY_TOPICS[i] else 1.0 for t in TOPICS]
                           for i in accounts["_industry"]]).reshape(len(accounts), len(TOPICS))
    # confounder topic_by_platform: the decoy topic lives on the high-engagement platforms
    acc_high = accounts["platform"].isin(HIGH_ER_PLATFORMS).to_numpy()
    topic_base[:, TOPICS.index(effects.decoy_topic)] *= np.where(acc_high, *DECOY_TOPIC_WEIGHT)
    topic_base /= np.maximum(topic_base.sum(axis=1, keepdims=True), 1e-12)
    topic_mix = np.stack([rng.dirichlet(b * cal.TOPIC_MIX_CONCENTRATION) for b in topic_base]) if len(accounts) \
        else np.zeros((0, len(TOPICS)))
    topic_code = _draw_rows(topic_mix, acc, rng)
    n_tags = np.minimum(rng.poisson(_by_platform(plat_code, cal.HASHTAG_MEAN)), MAX_HASHTAGS)
    text = make_post_text(topic_code, fmt, accounts["_industry"].to_numpy(dtype=object)[acc], n_tags, pools,
                          scale.start_ts.year, rng.spawn(1)[0],  # own stream: text never shifts the metrics
                          accounts["_country"].to_numpy(dtype=object)[acc])
    hashtags, captions = text["hashtags"], text["caption"]

    # 3-4. reach and impressions
    followers = accounts["followers_start"].to_numpy()[acc] * (1 + accounts["_growth"].to_numpy()[acc]) ** day
    # size relative to the platform's typical brand account in this world: a platform's popularity
    # does not change how its feed distributes a post over an audience of a given relative size
    typical = 1e4 * _by_platform(plat_code, effects.platform_size)
    share = _by_platform(plat_code, cal.REACH_SHARE_AT_10K) * (followers / typical) ** -cal.REACH_SIZE_EXPONENT
    fmt_reach = _platform_format_table(format_reach_normalised)[plat_code, fmt_code]
    window_reach = np.ones(n)
    window_er = np.ones(n)
    weekday_er = np.ones(n)
    for code, p in enumerate(PLATFORMS):
        mask = plat_code == code
        window_reach[mask] = effects.hour_reach(p, hour[mask])
        window_er[mask] = effects.hour_er(p, hour[mask])
        weekday_er[mask] = effects.weekday_er(p, weekday[mask])
    is_viral = rng.random(n) < VIRAL_SHARE
    viral = np.where(is_viral, rng.uniform(*VIRAL_RANGE, n), 1.0)

    # boosting: while a campaign of the account runs, some posts are promoted by it
    campaign_row = np.full(n, -1)  # the boosting campaign's row in ``campaigns``, -1 for an organic post
    camp_acc = campaigns["_account"].to_numpy() - account_offset
    in_block = (camp_acc >= 0) & (camp_acc < len(accounts))
    if n and in_block.any():
        c = campaigns[in_block]
        c_start = ((c["start_date"] - start.tz_localize(None)).dt.days).to_numpy()
        c_end = ((c["end_date"] - start.tz_localize(None)).dt.days).to_numpy()
        pairs = pd.DataFrame({"post": np.arange(n), "acc": acc, "day": day}).merge(
            pd.DataFrame({"acc": camp_acc[in_block], "s": c_start, "e": c_end, "row": np.flatnonzero(in_block)}),
            on="acc")
        pairs = pairs[(pairs["day"] >= pairs["s"]) & (pairs["day"] <= pairs["e"])]
        pairs = pairs.assign(key=rng.random(len(pairs))).sort_values(["post", "key"]).drop_duplicates("post")
        boosted = pairs[rng.random(len(pairs)) < BOOST_SHARE]
        campaign_row[boosted["post"].to_numpy()] = boosted["row"].to_numpy()
    is_boosted = campaign_row >= 0
    boost = np.where(is_boosted, rng.uniform(*BOOST_REACH, n), 1.0)

    days_left = scale.days - day
    shares = np.stack([daily_shares(p) for p in PLATFORMS])[plat_code]
    observed = np.where(np.arange(DAILY_DAYS) < days_left[:, None], shares, 0).sum(axis=1)

    expected_reach = (followers * share * accounts["_reach_factor"].to_numpy()[acc] * fmt_reach
                      * window_reach * viral * boost * observed * effects.season(month))
    noise = rng.lognormal(0, cal.REACH_POST_SIGMA, n)
    noise = np.where(is_viral, np.maximum(noise, 1.0), noise)  # a viral post is never a dud as well
    reach = rng.poisson(np.minimum(expected_reach * noise, MAX_IMPRESSIONS / 2))
    repeat = ((_by_platform(plat_code, cal.IMPRESSIONS_PER_REACH) - 1)
              * np.exp(_by_platform(plat_code, cal.REPEAT_VIEW_SIGMA) * rng.standard_normal(n)))
    impressions = reach + rng.poisson(np.minimum(reach * repeat, MAX_IMPRESSIONS / 2))

    # 5. engagements
    normaliser = np.array([er_normaliser(effects, p) for p in PLATFORMS])[plat_code]
    fmt_er = _platform_format_table(lambda p: effects.format_er[p])[plat_code, fmt_code]
    topic_er = np.array([effects.topic_er[t] for t in TOPICS])[topic_code]
    er = (_by_platform(plat_code, cal.ER_IMPRESSIONS) * accounts["_er_factor"].to_numpy()[acc]
          * fmt_er * topic_er * window_er * weekday_er * effects.hashtag_er(n_tags) / normaliser
          * np.where(is_boosted, cal.PAID_ER, 1.0) * viral ** cal.VIRAL_ER_EXPONENT
          * noise ** -cal.ER_REACH_ELASTICITY / post_spread_median()
          * split_lognormal(rng, cal.ER_POST_SIGMA_UP, cal.ER_POST_SIGMA_DOWN, n))
    engagements = rng.binomial(impressions, np.minimum(er, 0.5))
    mix = np.stack([cal.ENGAGEMENT_MIX[p] for p in PLATFORMS])[plat_code]
    mix = mix * rng.lognormal(0, 1, (n, 4)) ** np.array(cal.ENGAGEMENT_NOISE_SIGMA)
    parts = rng.multinomial(engagements, mix / mix.sum(axis=1, keepdims=True)) if n else np.zeros((0, 4), int)
    likes, comments, shares_n, saves = (parts[:, i].astype(np.int64) for i in range(4))

    # 6. planted anomalies
    in_crisis = crisis.active(world_acc, day)
    likes = np.where(in_crisis, rng.binomial(likes, CRISIS_LIKES), likes)
    comments = comments + np.where(in_crisis, rng.poisson(CRISIS_EXTRA_COMMENTS * comments + CRISIS_MIN_COMMENTS), 0)
    for account, first, days, factor in events.comment_boost:
        mine = (world_acc == account) & (day >= first) & (day < first + days)
        comments[mine] = rng.poisson((comments[mine] + BOOSTED_MIN_COMMENTS) * factor)
    raid_comments = np.zeros(n, dtype=np.int64)
    if events.raid:
        account, first, days, per_post = events.raid
        hit = (world_acc == account) & (day >= first) & (day < first + days)
        raid_comments[hit] = rng.poisson(per_post, int(hit.sum()))
        comments = comments + raid_comments
    bot_platform = np.isin(plat_code, [PLATFORMS.index(p) for p in BOT_PLATFORMS])
    is_bot_spike = (rng.random(n) < BOT_SPIKE_SHARE) & bot_platform & ~in_crisis & ~is_viral
    bot_likes = rng.poisson(reach * rng.uniform(*BOT_LIKES_PER_REACH, n) + rng.uniform(*BOT_LIKES_MIN, n))
    # accounts that bought large packages: a few of their posts get likes far beyond their reach
    package = _bought_packages(world_acc, events.bot_buyers, ~in_crisis & ~is_viral, rng)
    bot_likes = np.where(package, rng.poisson(expected_reach * rng.uniform(*BUYER_PACKAGE, n) + 1000), bot_likes)
    is_bot_spike = is_bot_spike | package
    bot_likes = np.where(is_bot_spike, bot_likes, 0)
    likes = likes + bot_likes
    # each bot account views the post once: it adds to reach and impressions alike
    reach = reach + bot_likes
    impressions = impressions + bot_likes
    others = comments + shares_n + saves
    comments = np.minimum(comments, impressions - shares_n - saves)
    raid_comments = np.minimum(raid_comments, comments)
    likes = np.minimum(np.minimum(likes, impressions - np.minimum(others, impressions)), reach)

    # 7. clicks and views
    # organic links are clickable only where the platform allows them; a boosted post is its campaign's ad:
    # its paid impressions (all but 1 / boost of them) carry the ad button and get clicked at the campaign's CTR
    has_link = np.isin(plat_code, [PLATFORMS.index(p) for p in cal.LINK_PLATFORMS])
    ctr = np.where(fmt == "link", cal.LINK_CTR["link"], cal.LINK_CTR["default"]) * rng.lognormal(0, 0.3, n)
    ctr = np.where(has_link, ctr, 0.0)
    campaign_ctr = (campaigns["clicks"] / campaigns["impressions"].clip(lower=1)).to_numpy()
    paid_ctr = np.r_[campaign_ctr, 0.0][campaign_row]  # row -1 (organic): 0
    ctr = np.where(is_boosted, ctr / boost + paid_ctr * (1 - 1 / boost), ctr)
    link_clicks = rng.binomial(impressions, np.minimum(ctr, 0.5))
    # 8. the plants: engagements added after every draw of this stream, from the plant stream (see plants)
    planted = np.zeros((n, 4), dtype=np.int64)
    if plants is not None:
        lift = post_lift(plants, effects, plat_code, weekday, hour, ~in_crisis, plant_rng)
        planted = extra_engagements(lift, er, impressions, likes + comments + shares_n + saves, mix, plant_rng)
        planted[:, 0] = np.minimum(planted[:, 0], np.maximum(reach - likes, 0))  # a like is one account reached
        likes, comments, shares_n, saves = (a + planted[:, i] for i, a in enumerate((likes, comments, shares_n, saves)))

    # 9. the last draws of the posts' stream: views read the post's metrics (planted engagements included) and
    # change none of them
    video_views = draw_video_views(plat_code, fmt_code, impressions, reach, likes + comments, rng)

    post_number = accounts["_post_offset"].to_numpy()[acc] + _rank_within(acc) + 1
    post_ids = make_ids("P", post_number, accounts.attrs["post_id_width"])
    order = np.lexsort((seconds, acc))  # rank posts by time within each account
    posted_at = start + pd.to_timedelta(seconds[order], unit="s")

    def o(a):
        return a[order]

    posts = pd.DataFrame({
        "post_id": post_ids,  # numbered in time order within each account
        "account_id": take_str(accounts["account_id"], o(acc)),
        "platform": pd.Categorical.from_codes(o(plat_code), dtype=POSTS.column("platform").dtype),
        "posted_at": posted_at,
        "format": pd.Categorical.from_codes(o(fmt_code), dtype=POSTS.column("format").dtype),
        "topic": pd.Categorical.from_codes(o(topic_code), dtype=POSTS.column("topic").dtype),
        "caption": o(captions),
        "hashtags": o(hashtags),
        "n_hashtags": o(n_tags),
        "is_boosted": o(is_boosted),
        "campaign_id": take_str(campaigns["campaign_id"], o(campaign_row)),
        "impressions": o(impressions),
        "reach": o(reach),
        "likes": o(likes),
        "comments": o(comments),
        "shares": o(shares_n),
        "saves": o(saves),
        "link_clicks": o(link_clicks),
        "video_views": video_views[order],
    }, copy=False)  # new arrays, not copied again
    labels = pd.DataFrame({"post_id": post_ids, "is_bot_spike": o(is_bot_spike), "is_viral": o(is_viral)})
    hidden = {"day": o(day), "acc": o(acc), "plat_code": o(plat_code), "in_crisis": o(in_crisis),
              "raid_comments": o(raid_comments), "world_acc": o(world_acc), "seconds": o(seconds),
              "is_bot_spike": o(is_bot_spike), "post_number": post_number, "planted_engagements": planted[order],
              "noun": o(text["noun"]), "account_handle": accounts["handle"].to_numpy(dtype=object)[o(acc)],
              "country": accounts["_country"].to_numpy(dtype=object)[o(acc)]}
    return posts, labels, hidden


def _post_through(local_day: np.ndarray, world_acc: np.ndarray, windows: tuple, rng: np.random.Generator) -> np.ndarray:
    """``local_day`` with posts of each window's account moved into the window until it holds the fewest posts
    asked for (the account kept posting through its crisis), and out of it beyond the most asked for (it
    paused its scheduled posts); ``most`` None: no limit."""
    local_day = local_day.copy()
    for account, first, days, fewest, most in windows:
        mine = np.flatnonzero(world_acc == account)
        inside = (local_day[mine] >= first) & (local_day[mine] < first + days)
        missing = fewest - int(inside.sum())
        outside, within = mine[~inside], mine[inside]
        if missing > 0 and len(outside):
            moved = rng.choice(outside, size=min(missing, len(outside)), replace=False)
            local_day[moved] = first + rng.integers(0, days, len(moved))
        elif most is not None and len(within) > most:
            moved = rng.choice(within, size=len(within) - most, replace=False)
            others = np.r_[np.arange(0, first), np.arange(first + days, local_day.max() + 1)]
            local_day[moved] = others[rng.integers(0, len(others), len(moved))]
    return local_day


def _bought_packages(world_acc: np.ndarray, buyers: tuple, eligible: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """True for the BUYER_SPIKES posts of each buyer account that carry a bought package."""
    out = np.zeros(len(world_acc), dtype=bool)
    for account in buyers:
        mine = np.flatnonzero((world_acc == account) & eligible)
        if len(mine):
            out[rng.choice(mine, size=min(BUYER_SPIKES, len(mine)), replace=False)] = True
    return out


def local_to_utc(local_seconds: np.ndarray, timezones: np.ndarray, start: pd.Timestamp) -> np.ndarray:
    """Seconds since ``start`` (UTC midnight) of local wall-clock times given as seconds since
    the local midnight of ``start``'s date, in each row's IANA time zone (DST-aware; a time
    skipped by a spring-forward is shifted forward, an ambiguous one read as summer time)."""
    out = np.zeros(len(local_seconds), dtype=np.int64)
    naive = start.tz_localize(None)
    zone_of, zones = pd.factorize(np.asarray(timezones, dtype=object))  # integer codes: cheap masks
    for code, tz in enumerate(zones):
        m = zone_of == code
        wall = pd.DatetimeIndex(naive + pd.to_timedelta(local_seconds[m], unit="s"))
        utc = wall.tz_localize(tz, ambiguous=np.ones(int(m.sum()), dtype=bool), nonexistent="shift_forward")
        out[m] = (utc.tz_convert("UTC") - start).total_seconds().to_numpy().astype(np.int64)
    return out


@lru_cache(maxsize=1)
def post_spread_median() -> float:
    """Median of the per-post engagement-rate multiplier (reach noise ** -elasticity x split log-normal).

    The split log-normal's long lower side drags the median of the product below 1; dividing by this
    keeps the median post at the calibrated engagement rate (computed from the constants, never from data)."""
    s = cal.ER_REACH_ELASTICITY * cal.REACH_POST_SIGMA
    y = np.linspace(-6 * s, 6 * s, 2001)
    w = normal_pdf(y, s)
    w = w / w.sum()

    def cdf(m):
        x = m - y
        return float((w * normal_cdf(x / np.where(x < 0, cal.ER_POST_SIGMA_DOWN, cal.ER_POST_SIGMA_UP))).sum())

    lo, hi = -3.0, 3.0
    for _ in range(60):  # bisection: cdf is increasing
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) < 0.5 else (lo, mid)
    return float(np.exp((lo + hi) / 2))


def split_lognormal(rng: np.random.Generator, sigma_up: float, sigma_down: float, n: int) -> np.ndarray:
    """Multipliers with median 1 whose log is normal with ``sigma_up`` above 0 and ``sigma_down`` below."""
    z = rng.standard_normal(n)
    return np.exp(z * np.where(z > 0, sigma_up, sigma_down))


def _draw_rows(probs: np.ndarray, rows: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each entry of ``rows``, a category index drawn with probabilities ``probs[row]``."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(rows)) * cum[rows, -1] if len(rows) else np.zeros(0)
    return np.minimum((u[:, None] >= cum[rows]).sum(axis=1), probs.shape[1] - 1)


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of a sorted array."""
    if len(groups) == 0:
        return groups
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    sizes = np.diff(np.r_[starts, len(groups)])
    return np.arange(len(groups)) - np.repeat(starts, sizes)
