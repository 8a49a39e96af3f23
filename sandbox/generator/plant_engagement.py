"""Planted engagement effects (issue 20): bought likes that rank accounts differently by each yardstick, and a
company-wide run of bad weeks in the comments.

Drawn from the world's own ``plant_engagement`` stream and applied after the block's tables are drawn, so no
other draw of the world moves: a planted bot spike changes the likes, reach and impressions of a post that was
drawn already (and its first day in post_daily: the bots arrive the day the post goes up), and bought likes
bring no follows; a bad week changes the sentiment and text of audience comments that were drawn already.

- ``spikes``: ((account row, role, size), ...). Roles (and sizes):

  - "low-er": the account of lowest engagement on instagram, with a few bought likes (size: the relative
    inflation of its mean ER they aim at): the most inflated relative to its clean ER (notebook 08, question 5),
    yet its median ER hardly moves (few of its posts carry them);
  - "engaging": an account of three to four times its engagement, inflated less (size: idem), which takes
    bought likes on about three times the share of its posts: they add the most ER per post and move its median
    ER more, yet less relative to its clean ER (the yardsticks question 5 rejects; a more engaging or a smaller
    account's packages would hide in its spread of likes per reach: ENGAGING_MAX_ER, ENGAGING_MIN_FOLLOWERS);
  - "line": accounts around the TOP_THIRD line of the low-er account's platform (size: one spike each): the
    line moves when the other accounts' bot spikes are left in (question 6).

  The spikes of the first two are sized from the account's own posts when they are planted (its clean mean ER,
  its number of posts and the bot spikes it has already), each package bought to the ER that makes the inflation
  aimed at the one the data shows.
- ``wave``: (first day, days, share) or (): a company-wide run of bad weeks (a price rise, delivery delays):
  that share of the audience's non-negative comments on every account turns negative, so the crisis week is
  not always the company's worst (notebook 09, question 7). Some worlds have none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .._schema import ENGAGEMENT_COLUMNS
from .captions import variety_of
from .comments import EMOJI_SHARE, SENTIMENT_CODES, STYLE_WEIGHTS, _emoji_suffixes
from .pools import Pools
from .posts import BOT_PLATFORMS

#: A line account's package: this many bought likes per person the post reached, plus a minimum (larger than the
#: bot spikes' of posts.BOT_LIKES_*: a post's likes per reach then reads about 0.9).
PACKAGE_PER_REACH = (4.0, 10.0)
PACKAGE_MIN = (500, 2000)
#: The low-er and engaging accounts' packages are sized: enough posts, each bought to the ER that lifts the
#: account's mean ER by the inflation aimed at (the bot spikes it has already count). Their posts' mean ER, by role:
#: the low-er account's few and high (its median ER hardly moves), the engaging account's more (a median moves by
#: about half the share of spiked posts, so the engaging account needs a clearly larger share).
SIZED_SPIKE_ER = {"low-er": 0.95, "engaging": 0.9}
#: Each sized post's share of the ER to add is jittered by this factor, its ER kept within SPIKE_ER_MIN -
#: SPIKE_ER_MAX (a spike stands out); an account gets at least MIN_PACKAGES.
SPIKE_ER_JITTER = (0.95, 1.05)
SPIKE_ER_MIN, SPIKE_ER_MAX = 0.5, 0.97
MIN_PACKAGES = 2
#: The low-er account: its platform's account of lowest expected ER; its bot spikes lift its mean ER by about
#: this much (relative).
LOW_ER_INFLATION = (1.4, 1.8)
#: The engaging account's inflation, relative to the low-er account's.
ENGAGING_INFLATION = (0.7, 0.85)
LOW_ER_PLATFORMS = ("instagram",)  # the platform of lowest ER per reach where bots operate
#: The engaging account: its expected ER this many times the low-er account's (the nearest to the middle when
#: none is).
ENGAGING_RATIO = (3.0, 4.5)
#: ... and at most this expected ER by reach: above it an account's spread of likes per reach hides a package (a
#: spike's like rate cannot top 1, so it cannot reach BOT_Z robust z-scores above the account's median).
ENGAGING_MAX_ER = 0.03
#: ... and at least this many followers at the start: a small account's few likes per post spread its like rate
#: as widely.
ENGAGING_MIN_FOLLOWERS = 5000
#: The range of the integer drawn to pick the engaging account (a 32-bit draw, whatever the number of candidates).
DRAW_RANGE = 1 << 30
#: Accounts around the low-er platform's TOP_THIRD line (by expected ER) that get one spike each.
LINE_QUANTILE = 2 / 3
LINE_ACCOUNTS = 4
#: The company-wide bad weeks: the share of worlds without any, the run's length in weeks and the share of
#: non-negative audience comments that turn negative; the run keeps this far from the crisis.
WAVE_NONE = 0.3
WAVE_WEEKS = (1, 7)
WAVE_SHARE = (0.06, 0.16)
WAVE_GAP_DAYS = 35


@dataclass(frozen=True)
class EngagementPlant:
    """The planted engagement effects of one world (world account rows, period day indexes)."""

    spikes: tuple = ()
    wave: tuple = ()

    def truth(self, accounts: pd.DataFrame, scale: Scale) -> dict:
        """The plant as truth.json reports it."""
        def acc(row):
            return accounts["account_id"].iat[row]

        out = {"bot_spike_plants": [{"account_id": acc(r), "role": role, **({"bot_spikes": size} if role == "line" else
                                                                             {"er_inflation": size})}
                                    for r, role, size in self.spikes]}
        if self.wave:
            first, days, share = self.wave
            out["company_bad_weeks"] = {"start_date": (scale.start_ts + pd.Timedelta(days=first)).date().isoformat(),
                                        "weeks": days // 7, "turned_negative_share": share}
        else:
            out["company_bad_weeks"] = None
        return out


def expected_er(accounts: pd.DataFrame) -> np.ndarray:
    """Each account's expected ER by reach, before any post is drawn (its platform's and its own factor)."""
    platform = accounts["platform"].astype(str)
    base = platform.map(lambda p: cal.ER_IMPRESSIONS[p] * cal.IMPRESSIONS_PER_REACH[p]).to_numpy(dtype=float)
    return base * accounts["_er_factor"].to_numpy()


def plan_engagement(accounts: pd.DataFrame, taken: set, crisis_day: int, scale: Scale,
                    rng: np.random.Generator) -> EngagementPlant:
    """Pick the planted accounts (never one of ``taken``, the other events' accounts) and the bad weeks."""
    spikes = _plan_spikes(accounts, taken, rng)
    return EngagementPlant(spikes=spikes, wave=_plan_wave(crisis_day, scale, rng))


def _plan_spikes(accounts: pd.DataFrame, taken: set, rng: np.random.Generator) -> tuple:
    """The low-er account, the engaging account and the line accounts (``EngagementPlant.spikes``)."""
    platform = accounts["platform"].astype(str).to_numpy()
    er = expected_er(accounts)
    free = ~np.isin(np.arange(len(accounts)), list(taken))
    homes = [p for p in (*LOW_ER_PLATFORMS, *BOT_PLATFORMS) if (platform == p).sum() >= 3]
    mine = platform == homes[0] if homes else np.zeros(len(accounts), dtype=bool)
    if not (mine & free).any():
        return ()
    rows = np.flatnonzero(mine & free)
    low = int(rows[np.argmin(er[rows])])
    free[low] = False
    inflation = round(float(rng.uniform(*LOW_ER_INFLATION)), 3)
    spikes = [(low, "low-er", inflation)]
    engaging = _engaging_account(er / er[low], np.isin(platform, BOT_PLATFORMS) & free & (er <= ENGAGING_MAX_ER)
                                 & (accounts["followers_start"].to_numpy() >= ENGAGING_MIN_FOLLOWERS), rng)
    if engaging is not None:
        free[engaging] = False
        spikes.append((engaging, "engaging", round(inflation * float(rng.uniform(*ENGAGING_INFLATION)), 3)))
    rows = np.flatnonzero(mine)
    ranked = rows[np.argsort(er[rows], kind="stable")]
    line = (len(ranked) - 1) * LINE_QUANTILE
    near = ranked[np.argsort(np.abs(np.arange(len(ranked)) - line), kind="stable")]
    return tuple(spikes + [(int(r), "line", 1) for r in near[free[near]][:LINE_ACCOUNTS]])


def _engaging_account(ratio: np.ndarray, eligible: np.ndarray, rng: np.random.Generator) -> int | None:
    """An eligible account whose expected ER is ENGAGING_RATIO times the low-er account's (``ratio``), drawn; the
    nearest to the middle of the range when none is."""
    # one draw of the same size whatever the candidates, so the draws after it (the bad weeks) never depend on them
    pick = int(rng.integers(DRAW_RANGE))
    rows = np.flatnonzero(eligible & (ratio >= ENGAGING_RATIO[0]) & (ratio <= ENGAGING_RATIO[1]))
    if len(rows):
        return int(rows[pick % len(rows)])
    rows = np.flatnonzero(eligible)
    return int(rows[np.argmin(np.abs(np.log(ratio[rows] / np.mean(ENGAGING_RATIO))))]) if len(rows) else None


def _plan_wave(crisis_day: int, scale: Scale, rng: np.random.Generator) -> tuple:
    """(first day, days, share) of the company-wide bad weeks, whole calendar weeks clear of the crisis; () in
    the worlds that have none (WAVE_NONE) or no room for them."""
    if rng.random() < WAVE_NONE:
        return ()
    weeks = int(rng.integers(WAVE_WEEKS[0], WAVE_WEEKS[1] + 1))
    share = round(float(rng.uniform(*WAVE_SHARE)), 3)
    monday = (7 - scale.start_ts.day_of_week) % 7
    starts = np.arange(monday, scale.days - weeks * 7 + 1, 7)
    clear = (starts + weeks * 7 + WAVE_GAP_DAYS <= crisis_day) | (starts >= crisis_day + WAVE_GAP_DAYS)
    if not clear.any():
        return ()
    return int(rng.choice(starts[clear])), weeks * 7, share


def plant_spikes(posts: pd.DataFrame, labels: pd.DataFrame, post_daily: pd.DataFrame, account_ids: pd.Series,
                 plant: EngagementPlant, rng: np.random.Generator):
    """``(posts, labels, post_daily)`` with the planted bot spikes of the block's accounts (``account_ids``: the
    world's, by row): bought likes, each bot viewing the post once (reach, impressions and a video's views), all on the
    post's first day. Read from the tables alone (a planted account is never the crisis account: no crisis post is
    hit)."""
    account = posts["account_id"].to_numpy()
    spiked = labels["is_bot_spike"].to_numpy()
    clean = ~spiked & ~labels["is_viral"].to_numpy()
    engaged = posts[list(ENGAGEMENT_COLUMNS)].sum(axis=1).to_numpy()
    reach = np.maximum(posts["reach"].to_numpy(), 1)
    er = engaged / reach
    chosen, aimed = [], []
    for row, role, size in plant.spikes:
        theirs = account == account_ids.iat[row]
        mine = np.flatnonzero(theirs & clean)
        if not len(mine):
            continue
        if role == "line":
            chosen.append(rng.choice(mine, size=min(size, len(mine)), replace=False))
            aimed.append(np.full(len(chosen[-1]), np.nan))
            continue
        # the ER these spikes must add to the account's posts so that its mean ER over all its posts is (1 + size)
        # times the mean over its posts without bot spikes (the spikes it has already count)
        n, c = int(theirs.sum()), float(er[theirs & ~spiked].mean())
        need = size * n * c - float((er[theirs & spiked] - c).sum())
        k = min(len(mine), max(MIN_PACKAGES, int(np.ceil(need / (SIZED_SPIKE_ER[role] - c)))))
        chosen.append(rng.choice(mine, size=k, replace=False))
        jitter = rng.uniform(*SPIKE_ER_JITTER, k)
        aimed.append(np.clip(c + max(need, 0.0) / k * jitter / jitter.mean(), SPIKE_ER_MIN, SPIKE_ER_MAX))
    if not chosen:
        return posts, labels, post_daily
    hit = np.concatenate(chosen)
    order = np.argsort(hit)
    hit, aimed = hit[order], np.concatenate(aimed)[order]
    drawn = rng.poisson(reach[hit] * rng.uniform(*PACKAGE_PER_REACH, len(hit))
                        + rng.uniform(*PACKAGE_MIN, len(hit))).astype(np.int64)
    # a sized package: the bought likes (each bot viewing the post once) that put the post's ER at its aimed ER
    sized = np.ceil((aimed * reach[hit] - engaged[hit]) / (1 - aimed))
    bought = np.where(np.isnan(aimed), drawn, np.maximum(np.nan_to_num(sized), 1)).astype(np.int64)
    posts, labels = posts.copy(), labels.copy()
    for column in ("likes", "reach", "impressions"):
        values = posts[column].to_numpy().copy()
        values[hit] += bought
        posts[column] = values
    if "video_views" in posts:  # a video's bots watch it too (likes + comments never top its views)
        views = posts["video_views"].array.copy()
        views[hit] = views[hit] + bought  # missing (not a video) stays missing
        posts["video_views"] = views
    flags = labels["is_bot_spike"].to_numpy().copy()
    flags[hit] = True
    labels["is_bot_spike"] = flags
    post_daily = post_daily.copy()
    added = pd.Series(bought, index=posts["post_id"].to_numpy()[hit])
    first = post_daily["day_index"].to_numpy() == 0
    extra = np.where(first, added.reindex(post_daily["post_id"].to_numpy()).fillna(0).to_numpy(), 0).astype(np.int64)
    for column in ("impressions", "reach", "engagements"):
        post_daily[column] = post_daily[column].to_numpy() + extra
    return posts, labels, post_daily


def plant_wave(comments: pd.DataFrame, labels: pd.DataFrame, posts: pd.DataFrame, hidden: dict,
               plant: EngagementPlant, pools: Pools, scale: Scale, rng: np.random.Generator):
    """``(comments, labels)`` with the company-wide bad weeks: a share of the audience's non-negative comments
    of those days (bots and brand replies left alone) re-written as complaints about the comment's post."""
    if not plant.wave or not len(comments):
        return comments, labels
    first, days, share = plant.wave
    day = ((comments["created_at"] - scale.start_ts).dt.total_seconds() // 86400).to_numpy()
    post_row = pd.Index(posts["post_id"]).get_indexer(comments["post_id"])
    own = "@" + pd.Series(hidden["account_handle"][post_row]).astype(str).str.lstrip("@").to_numpy()
    negative = SENTIMENT_CODES[0]
    sentiment = labels["sentiment"].cat.codes.to_numpy()
    audience = ~labels["is_bot"].to_numpy() & (comments["author_handle"].to_numpy() != own)
    turned = np.flatnonzero(audience & (sentiment != negative) & (day >= first) & (day < first + days))
    turned = turned[rng.random(len(turned)) < share]
    if not len(turned):
        return comments, labels
    noun = hidden["noun"][post_row[turned]]
    variety = variety_of(hidden["country"][post_row[turned]], pools, len(turned))
    style = rng.choice(len(STYLE_WEIGHTS[0]), size=len(turned), p=STYLE_WEIGHTS[0])
    text = np.empty(len(turned), dtype=object)
    for v in pools.comments:
        here = variety == v
        text[here] = pools.comments[v]["negative"].pick(noun[here], rng, style[here])
    suffix = _emoji_suffixes(pools.emoji["negative"], 1, 3)
    emoji = rng.random(len(turned)) < EMOJI_SHARE[0]
    text[emoji] = text[emoji] + suffix[rng.integers(0, len(suffix), int(emoji.sum()))]
    comments, labels = comments.copy(), labels.copy()
    texts = comments["text"].to_numpy(dtype=object).copy()
    texts[turned] = text
    comments["text"] = pd.array(texts, dtype=comments["text"].dtype)
    codes = sentiment.copy()
    codes[turned] = negative
    labels["sentiment"] = pd.Categorical.from_codes(codes, dtype=labels["sentiment"].dtype)
    return comments, labels
