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

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import _calibration as cal
from .._scales import Scale
from .._schema import TRUTH_TABLES
from .ids import make_ids, str_array, take_str
from .captions import variety_of
from .pools import SENTIMENTS, Pools
from .posts import Crisis, _draw_rows as draw_rows
from .segments import Segments, pooled

#: comment_labels.sentiment: its categorical dtype, and the code of each of SENTIMENTS in it
SENTIMENT_DTYPE = TRUTH_TABLES["comment_labels"].column("sentiment").dtype
SENTIMENT_CODES = np.array([list(SENTIMENT_DTYPE.categories).index(s) for s in SENTIMENTS])

SAMPLE_PER_POST = 2          # comments kept per post (the `comments` column counts them all)...
SAMPLE_EXTRA_EVERY = 100     # ...plus one per this many comments beyond...
SAMPLE_MAX = 8               # ...up to this many
SAMPLE_PER_CRISIS_POST = 10  # at least this many during the crisis, so its timeline can be read
CRISIS_TEMPLATE_SHARE = 0.6  # crisis negatives that talk about the crisis itself
#: Share of comments of each sentiment that are short stock comments (negative, neutral, positive).
STOCK_SHARE = (0.12, 0.18, 0.24)
#: Share of comments of each sentiment that end with emoji (negative, neutral, positive), and that are
#: emoji alone ("😍😍").
EMOJI_SHARE = (0.25, 0.1, 0.4)
EMOJI_ONLY_SHARE = (0.03, 0.03, 0.12)
MENTION_SHARE = 0.1          # comments that tag a friend first
#: How people type, by sentiment (negative, neutral, positive): weights of pools.STYLES (as written,
#: casual, lower case, casual with a typo, shouted). Assumption: most comments are typed on a phone,
#: quickly; anger shouts more often.
STYLE_WEIGHTS = ((0.36, 0.28, 0.19, 0.07, 0.10), (0.42, 0.32, 0.19, 0.07, 0.0), (0.30, 0.31, 0.27, 0.07, 0.05))
CASUAL_STYLES = (1, 2, 3)    # styles that take an opener or a closer ("omg", "lol")
OPENER_SHARE = 0.3
CLOSER_SHARE = 0.35
REPLY_SHARE = 0.35           # complaints the brand answers, when the post has room for one more sampled comment
REPLY_DELAY_HOURS = 2.0      # median time to the brand's answer
COMMENTS_PER_BOT = 12        # bot accounts are few and busy
BOT_DELAY_MINUTES = 4.0      # bots comment within minutes


def _emoji_suffixes(emoji: np.ndarray, low: int, high: int) -> np.ndarray:
    """' 😍', ' 😍😍'...: every emoji repeated ``low`` to ``high`` times, after a space."""
    return np.array([" " + e * r for e in emoji for r in range(low, high + 1)], dtype=object)


#: A comment's segments, in the order they are joined (see :class:`~sandbox.generator.segments.Segments`).
COMMENT_SEGMENTS = ("mention", "openers", "body", "alone", "closers", "emoji", "spam")


def _comment_bodies(pools: Pools) -> tuple[pa.Array, dict]:
    """Every comment body of ``pools`` (each rendered pool in every style, each stock table) in one Arrow
    array, and where each starts: ``("pool", variety, kind)``, ``("stock", variety, sentiment)`` (see
    :func:`~sandbox.generator.segments.pooled`)."""
    def tables():
        out = {}
        for v in pools.comments:
            out.update({("pool", v, kind): pool.styles for kind, pool in pools.comments[v].items()})
            out.update({("stock", v, name): table for name, table in pools.stock[v].items()})
        return out

    return pooled(pools, "comments", tables)


def _rank(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal values of a sorted array."""
    if len(groups) == 0:
        return groups
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    return np.arange(len(groups)) - np.repeat(starts, np.diff(np.r_[starts, len(groups)]))


@dataclass(frozen=True)
class CommentEvents:
    """Planted comment events besides the crisis (world account rows, period day indexes).

    - ``complaints``: (account, usual negative share): a customer-service account, whose audience
      complains every week (it has the most negative comments of any account in most weeks, yet no
      burst: counting negative comments without the account's usual share points at it);
    - ``incident``: (account, first day, days, negative share): a service incident at another account; its
      audience complains more than usual for a week and the brand answers nearly every complaint (the
      apologies name the problem, so a word list reads them as negative: kept in, they make the incident
      look worse than the crisis);
    - ``raid``: (account, first day, days): bots flood another account's posts with hostile comments (see
      PostEvents.raid for how many): kept in, they make the raid look like the crisis.
    """

    complaints: tuple = ()
    incident: tuple = ()
    raid: tuple = ()


INCIDENT_REPLY_SHARE = 0.95  # the brand answers nearly every complaint during its incident...
INCIDENT_FOLLOW_UPS = (0.9, 0.6)  # ...and follows most of them up, some twice
RAID_BOTS = (8, 15)         # bot accounts of a raid, each writing several comments
RAID_DELAY_MINUTES = 3.0


def _event_posts(hidden: dict, events: CommentEvents) -> np.ndarray:
    """True for the posts of the complaints account and of the incident's days."""
    out = np.zeros(len(hidden["day"]), dtype=bool)
    if events.complaints:
        out |= hidden["world_acc"] == events.complaints[0]
    if events.incident:
        account, first, days, _ = events.incident
        out |= (hidden["world_acc"] == account) & (hidden["day"] >= first) & (hidden["day"] < first + days)
    return out


def make_comments(posts: pd.DataFrame, hidden: dict, crisis: Crisis, pools: Pools, scale: Scale,
                  rng: np.random.Generator, comment_id_width: int,
                  events: CommentEvents = CommentEvents()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample comments per post; returns ``(comments, labels)``."""
    n_comments = posts["comments"].to_numpy()
    raid = hidden.get("raid_comments", np.zeros(len(posts), dtype=np.int64))
    cap = np.minimum(SAMPLE_PER_POST + np.maximum(n_comments - raid - SAMPLE_PER_POST, 0) // SAMPLE_EXTRA_EVERY,
                     SAMPLE_MAX)
    cap = np.where(hidden["in_crisis"], np.maximum(cap, SAMPLE_PER_CRISIS_POST), cap)
    cap = np.where(_event_posts(hidden, events), SAMPLE_MAX, cap)  # their comment sections are read in full
    k = np.minimum(n_comments - raid, cap)
    post_row = np.repeat(np.arange(len(posts)), k)
    n = len(post_row)
    crisis_row = hidden["in_crisis"][post_row]
    noun = hidden["noun"][post_row]
    world_acc = hidden["world_acc"][post_row]
    day = hidden["day"][post_row]

    is_bot = rng.random(n) < cal.COMMENT_BOT_SHARE
    neg_share = np.where(crisis_row, crisis.negative_share, cal.COMMENT_SENTIMENT[0])
    if events.complaints:
        account, share = events.complaints
        neg_share = np.where(world_acc == account, share, neg_share)
    incident_row = np.zeros(n, dtype=bool)
    if events.incident:
        account, first, days, share = events.incident
        incident_row = (world_acc == account) & (day >= first) & (day < first + days)
        neg_share = np.where(incident_row, share, neg_share)
    rest = (1 - neg_share) / (1 - cal.COMMENT_SENTIMENT[0])
    u = rng.random(n)
    sentiment = np.where(u < neg_share, 0, np.where(u < neg_share + cal.COMMENT_SENTIMENT[1] * rest, 1, 2))
    sentiment = np.where(is_bot, 1, sentiment)  # spam reads as neutral

    kinds = np.array(SENTIMENTS, dtype=object)[sentiment]
    kinds = np.where(crisis_row & (sentiment == 0) & (rng.random(n) < CRISIS_TEMPLATE_SHARE), "crisis", kinds)
    kinds = np.where(is_bot, "bot", kinds)
    stock = ~is_bot & (kinds != "crisis") & (rng.random(n) < np.array(STOCK_SHARE)[sentiment])
    style = draw_rows(np.array(STYLE_WEIGHTS), sentiment, rng)
    style = np.where(is_bot, 0, style)  # spam is written with care
    variety = variety_of(hidden["country"], pools, len(posts))[post_row]
    # A comment is segments joined: an @mention, an opener, its body (or emoji alone), a closer, emoji, spam;
    # each drawn as an index into that segment's strings and joined in Arrow, with no Python string per comment.
    bodies, start = _comment_bodies(pools)
    mentions, _ = pooled(pools, "mentions", lambda: {"": "@" + pools.user_handles + " "})
    text = Segments(n, COMMENT_SEGMENTS, fixed={"body": bodies, "mention": mentions})
    body = text.index["body"]
    for v in pools.comments:
        here = variety == v
        for kind in ("negative", "neutral", "positive", "crisis", "bot"):
            mask = (kinds == kind) & ~stock & here
            body[mask] = start["pool", v, kind] + pools.comments[v][kind].pick_index(noun[mask], rng, style[mask])
        for s, name in enumerate(SENTIMENTS):
            mask = stock & (sentiment == s) & here
            table = pools.stock[v][name]
            body[mask] = start["stock", v, name] + style[mask] * table.shape[1] + rng.integers(0, table.shape[1],
                                                                                             int(mask.sum()))
    # people add a word before or after, in their own casual style
    for part, share, sep in (("openers", OPENER_SHARE, " "), ("closers", CLOSER_SHARE, "")):
        for s, name in enumerate(SENTIMENTS):
            mask = ~is_bot & (sentiment == s) & np.isin(style, CASUAL_STYLES) & (rng.random(n) < share)
            words = pools.parts[part][name]
            text.put(part, mask, words + sep, rng.integers(0, len(words), int(mask.sum())))
    for s, name in enumerate(SENTIMENTS):
        mask = ~is_bot & (sentiment == s) & (rng.random(n) < EMOJI_SHARE[s])
        suffix = _emoji_suffixes(pools.emoji[name], 1, 3)
        text.put("emoji", mask, suffix, rng.integers(0, len(suffix), int(mask.sum())))
        alone = ~is_bot & (sentiment == s) & (kinds != "crisis") & (rng.random(n) < EMOJI_ONLY_SHARE[s])
        text.clear(alone, ("openers", "body", "closers", "emoji"))
        text.put("alone", alone, np.char.lstrip(suffix.astype(str)).astype(object),
                 rng.integers(0, len(suffix), int(alone.sum())))
    n_bots = int(is_bot.sum())
    spam = _emoji_suffixes(pools.emoji["positive"], 2, 4)
    text.put("spam", is_bot, spam, rng.integers(0, len(spam), n_bots))

    at = "@" + pools.user_handles  # a few thousand strings: prefix them once
    handles = at[rng.integers(0, len(at), n)]
    mention = ~is_bot & (rng.random(n) < MENTION_SHARE)
    text.index["mention"][mention] = rng.integers(0, len(at), int(mention.sum()))  # "@handle " of the same pool
    text = text.joined()
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
    wants = complaint & (rng.random(n) < np.where(incident_row, INCIDENT_REPLY_SHARE, REPLY_SHARE))
    room = k[post_row[wants]] + _rank(post_row[wants]) < n_comments[post_row[wants]]
    src = np.flatnonzero(wants)[room]
    # during its incident the brand follows up: an apology, then the fix (a second reply in the thread)
    first = src
    for share in INCIDENT_FOLLOW_UPS:
        first = first[incident_row[first] & (rng.random(len(first)) < share)]
        src = np.r_[src, first]
    src = np.sort(src)
    m = len(src)
    reply_text = np.empty(m, dtype=object)
    for v in pools.comments:
        mask = variety[src] == v
        reply_text[mask] = pools.comments[v]["reply"].pick(noun[src][mask], rng)
    reply_text = ("@" + np.char.lstrip(handles[src].astype(str), "@").astype(object) + " " + reply_text) if m \
        else np.zeros(0, dtype=object)
    reply_delay = np.round(rng.lognormal(np.log(REPLY_DELAY_HOURS * 3600), 0.8, m)).astype("timedelta64[s]")

    post_row = np.r_[post_row, post_row[src]]
    text = pa.concat_arrays([text, pa.array(reply_text, pa.large_string())])
    handles = np.r_[handles, "@" + np.char.lstrip(hidden["account_handle"][post_row[n:]].astype(str), "@").astype(object)]
    created = np.r_[created, np.minimum(created[src] + reply_delay, end)]
    likes = np.r_[likes, rng.poisson(0.5, m)]
    sentiment = np.r_[sentiment, np.ones(m, dtype=sentiment.dtype)]
    is_bot = np.r_[is_bot, np.zeros(m, dtype=bool)]

    # A bot raid: hostile comments within minutes, from a few bot accounts, on the raided posts.
    raid_rows = np.repeat(np.arange(len(posts)), raid)
    r = len(raid_rows)
    if r:
        bots = at[rng.integers(0, len(at), int(rng.integers(*RAID_BOTS)))] + rng.integers(100, 1000, 1).astype(str)
        raid_noun = hidden["noun"][raid_rows]
        raid_variety = variety_of(hidden["country"][raid_rows], pools, r)
        raid_text = np.empty(r, dtype=object)
        for v in pools.comments:
            mask = raid_variety == v
            raid_text[mask] = pools.comments[v]["negative"].pick(raid_noun[mask], rng)
        angry = _emoji_suffixes(pools.emoji["negative"], 1, 3)
        raid_text = raid_text + angry[rng.integers(0, len(angry), r)]
        raid_posted = posts["posted_at"].dt.tz_localize(None).to_numpy()[raid_rows].astype("datetime64[s]")
        raid_delay = np.round(rng.lognormal(np.log(RAID_DELAY_MINUTES * 60), 0.5, r)).astype("timedelta64[s]")
        post_row = np.r_[post_row, raid_rows]
        text = pa.concat_arrays([text, pa.array(raid_text, pa.large_string())])
        handles = np.r_[handles, bots[rng.integers(0, len(bots), r)]]
        created = np.r_[created, np.minimum(raid_posted + raid_delay, end)]
        likes = np.r_[likes, rng.poisson(0.2, r)]
        sentiment = np.r_[sentiment, np.zeros(r, dtype=sentiment.dtype)]
        is_bot = np.r_[is_bot, np.ones(r, dtype=bool)]
    order = np.lexsort((np.arange(len(post_row)), created, post_row))  # time order within each post
    post_row, handles, created, likes, sentiment, is_bot = (
        a[order] for a in (post_row, handles, created, likes, sentiment, is_bot))
    text = text.take(order)

    numbers = hidden["post_number"][post_row] * 100 + _rank(post_row) + 1
    ids = make_ids("C", numbers, comment_id_width)
    comments = pd.DataFrame({
        "comment_id": ids,
        "post_id": take_str(posts["post_id"], post_row),
        "created_at": pd.DatetimeIndex(created.astype("datetime64[us]")).tz_localize("UTC"),
        "author_handle": str_array(handles),
        "text": pd.array(text, dtype="str"),
        "likes": likes,
    })
    labels = pd.DataFrame({
        "comment_id": ids,
        "sentiment": pd.Categorical.from_codes(SENTIMENT_CODES[sentiment], dtype=SENTIMENT_DTYPE),
        "is_bot": is_bot,
    })
    return comments, labels
