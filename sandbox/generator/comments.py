"""The comments table: a sample of each post's comments, with text that carries sentiment.

Comments talk about the noun their post's caption is about (see
:mod:`sandbox.generator.captions`), rendered from the locale's typed grammar.
Around them, what real comment sections hold: short stock comments that
repeat ("Love this"), emoji, friends tagged with an @mention, occasional
typos, customer-service threads where the brand answers a complaint (the
reply is written by the brand's own account and is neutral) and spam bots.

Bots are recognisable but not trivially: their handles look like anyone's,
but a few bot accounts write many comments across unrelated brands, within
minutes of the post, with the same promotional lines and stacks of emoji.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .ids import make_ids
from .pools import SENTIMENTS, Pools
from .posts import Crisis

SAMPLE_PER_POST = 2          # comments kept per post (the `comments` column counts them all)
SAMPLE_PER_CRISIS_POST = 8   # more during the crisis, so its timeline can be read
CRISIS_TEMPLATE_SHARE = 0.6  # crisis negatives that talk about the crisis itself
#: Share of comments of each sentiment that are short stock comments (negative, neutral, positive).
STOCK_SHARE = (0.12, 0.2, 0.3)
#: Share of comments of each sentiment that end with emoji (negative, neutral, positive).
EMOJI_SHARE = (0.25, 0.1, 0.45)
MENTION_SHARE = 0.1          # comments that tag a friend first
TYPO_SHARE = 0.06            # comments with one typo (two letters swapped, see pools.with_typo)
REPLY_SHARE = 0.35           # complaints the brand answers, when the post has room for one more sampled comment
REPLY_DELAY_HOURS = 2.0      # median time to the brand's answer
COMMENTS_PER_BOT = 12        # bot accounts are few and busy
BOT_DELAY_MINUTES = 4.0      # bots comment within minutes


def _emoji_suffixes(emoji: np.ndarray, low: int, high: int) -> np.ndarray:
    """' 😍', ' 😍😍'...: every emoji repeated ``low`` to ``high`` times, after a space."""
    return np.array([" " + e * r for e in emoji for r in range(low, high + 1)], dtype=object)


def _rank(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of a sorted array."""
    if len(groups) == 0:
        return groups
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    return np.arange(len(groups)) - np.repeat(starts, np.diff(np.r_[starts, len(groups)]))


def make_comments(posts: pd.DataFrame, hidden: dict, crisis: Crisis, pools: Pools, scale: Scale,
                  rng: np.random.Generator, comment_id_width: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample comments per post; returns ``(comments, labels)``."""
    cap = np.where(hidden["in_crisis"], SAMPLE_PER_CRISIS_POST, SAMPLE_PER_POST)
    n_comments = posts["comments"].to_numpy()
    k = np.minimum(n_comments, cap)
    post_row = np.repeat(np.arange(len(posts)), k)
    n = len(post_row)
    crisis_row = hidden["in_crisis"][post_row]
    noun = hidden["noun"][post_row]

    is_bot = rng.random(n) < cal.COMMENT_BOT_SHARE
    neg_share = np.where(crisis_row, crisis.negative_share, cal.COMMENT_SENTIMENT[0])
    rest = (1 - neg_share) / (1 - cal.COMMENT_SENTIMENT[0])
    u = rng.random(n)
    sentiment = np.where(u < neg_share, 0, np.where(u < neg_share + cal.COMMENT_SENTIMENT[1] * rest, 1, 2))
    sentiment = np.where(is_bot, 1, sentiment)  # spam reads as neutral

    kinds = np.array(SENTIMENTS, dtype=object)[sentiment]
    kinds = np.where(crisis_row & (sentiment == 0) & (rng.random(n) < CRISIS_TEMPLATE_SHARE), "crisis", kinds)
    kinds = np.where(is_bot, "bot", kinds)
    stock = ~is_bot & (kinds != "crisis") & (rng.random(n) < np.array(STOCK_SHARE)[sentiment])
    typo = ~is_bot & (rng.random(n) < TYPO_SHARE)
    text = np.empty(n, dtype=object)
    for kind in ("negative", "neutral", "positive", "crisis", "bot"):
        mask = (kinds == kind) & ~stock
        text[mask] = pools.comments[kind].pick(noun[mask], rng, typo[mask])
    for s, name in enumerate(SENTIMENTS):
        mask = stock & (sentiment == s)
        pick = rng.integers(0, len(pools.stock[name]), int(mask.sum()))
        text[mask] = np.where(typo[mask], pools.stock_typo[name][pick], pools.stock[name][pick])
    for s, name in enumerate(SENTIMENTS):
        mask = ~is_bot & (sentiment == s) & (rng.random(n) < EMOJI_SHARE[s])
        suffix = _emoji_suffixes(pools.emoji[name], 1, 3)
        text[mask] = text[mask] + suffix[rng.integers(0, len(suffix), int(mask.sum()))]
    n_bots = int(is_bot.sum())
    spam = _emoji_suffixes(pools.emoji["positive"], 2, 4)
    text[is_bot] = text[is_bot] + spam[rng.integers(0, len(spam), n_bots)]

    at = "@" + pools.user_handles  # a few thousand strings: prefix them once
    handles = at[rng.integers(0, len(at), n)]
    mention = ~is_bot & (rng.random(n) < MENTION_SHARE)
    text[mention] = (at + " ")[rng.integers(0, len(at), int(mention.sum()))] + text[mention]
    bot_accounts = at[rng.integers(0, len(at), max(1, n_bots // COMMENTS_PER_BOT))]
    bot_accounts = bot_accounts + rng.integers(10, 100, len(bot_accounts)).astype(str)
    handles[is_bot] = bot_accounts[rng.integers(0, len(bot_accounts), n_bots)]

    posted = posts["posted_at"].dt.tz_localize(None).to_numpy()[post_row].astype("datetime64[s]")
    delay_s = np.where(is_bot, rng.lognormal(np.log(BOT_DELAY_MINUTES * 60), 0.5, n),
                       rng.lognormal(np.log(cal.COMMENT_DELAY_HOURS_MEDIAN * 3600), 1.2, n))
    end = np.datetime64((scale.end_ts - pd.Timedelta(seconds=1)).tz_localize(None).isoformat(), "s")
    created = np.maximum(np.minimum(posted + np.round(delay_s).astype("timedelta64[s]"), end), posted)
    likes = rng.poisson(rng.lognormal(0, 1.2, n))

    # Customer service: the brand answers some complaints, if the post has room for one more sampled comment.
    complaint = (sentiment == 0) & (kinds == "negative") & ~is_bot
    wants = complaint & (rng.random(n) < REPLY_SHARE)
    room = k[post_row[wants]] + _rank(post_row[wants]) < n_comments[post_row[wants]]
    src = np.flatnonzero(wants)[room]
    m = len(src)
    reply_text = ("@" + np.char.lstrip(handles[src].astype(str), "@").astype(object) + " "
                  + pools.comments["reply"].pick(noun[src], rng)) if m else np.zeros(0, dtype=object)
    reply_delay = np.round(rng.lognormal(np.log(REPLY_DELAY_HOURS * 3600), 0.8, m)).astype("timedelta64[s]")

    post_row = np.r_[post_row, post_row[src]]
    text = np.r_[text, reply_text]
    handles = np.r_[handles, "@" + np.char.lstrip(hidden["account_handle"][post_row[n:]].astype(str), "@").astype(object)]
    created = np.r_[created, np.minimum(created[src] + reply_delay, end)]
    likes = np.r_[likes, rng.poisson(0.5, m)]
    sentiment = np.r_[sentiment, np.ones(m, dtype=sentiment.dtype)]
    is_bot = np.r_[is_bot, np.zeros(m, dtype=bool)]
    order = np.lexsort((np.arange(len(post_row)), created, post_row))  # time order within each post
    post_row, text, handles, created, likes, sentiment, is_bot = (
        a[order] for a in (post_row, text, handles, created, likes, sentiment, is_bot))

    numbers = hidden["post_number"][post_row] * 100 + _rank(post_row) + 1
    ids = make_ids("C", numbers, comment_id_width)
    comments = pd.DataFrame({
        "comment_id": ids,
        "post_id": posts["post_id"].to_numpy(dtype=object)[post_row],
        "created_at": pd.to_datetime(created).tz_localize("UTC"),
        "author_handle": handles.astype(object),
        "text": text.astype(object),
        "likes": likes,
    })
    labels = pd.DataFrame({
        "comment_id": ids,
        "sentiment": np.array(SENTIMENTS, dtype=object)[sentiment],
        "is_bot": is_bot,
    })
    return comments, labels
