"""Caption and hashtag text of posts, from the locale's grammar pools.

Each post talks about one noun of its brand's industry (a product or a
service); the caption is a topic template rendered for that noun, followed by
a call to action where the format calls for one (a link, a carousel, a
document, a live, a reel or short) or, less often, where the topic does
(promotions, community questions), and sometimes an emoji. Hashtags mix the
noun, the industry's and the topic's tags, so they are relevant to the post.
The comments table reuses the noun (``noun`` in the returned dict).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._schema import FORMATS, INDUSTRIES, TOPICS
from .pools import Pools
from .segments import Segments, pooled

FORMAT_CTA_SHARE = 0.85   # posts whose format calls for a call to action that carry one
TOPIC_CTA_SHARE = 0.5     # same for topics that call for one
CAPTION_EMOJI_SHARE = 0.35
NOUN_TAG_SHARE = 0.7      # tagged posts whose first hashtag is the noun itself


def _codes(values: np.ndarray, categories) -> np.ndarray:
    """Index of each value in ``categories``."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))  # one hash pass; few distinct values
    index = {c: i for i, c in enumerate(categories)}
    if (codes < 0).any() or any(u not in index for u in uniques):
        raise ValueError(f"values outside {', '.join(categories)}")
    return np.array([index[u] for u in uniques], dtype=np.int64)[codes]


def _choice_index(lists_by_code: list, codes: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """For each row, a uniform pick from ``lists_by_code[code]``: the lists' strings one after another, and
    each row's index into them (-1 where its list is empty)."""
    out = np.full(len(codes), -1, dtype=np.int64)
    offset = 0
    for code, options in enumerate(lists_by_code):
        mask = codes == code
        if options and mask.any():
            out[mask] = offset + rng.integers(0, len(options), int(mask.sum()))
        offset += len(options)
    return np.array([o for options in lists_by_code for o in options], dtype=object), out


def _hashtags(noun, industry_code, topic_code, n_tags, pools: Pools, year: int, rng) -> np.ndarray:
    """Space-separated ``#tags``: ``n_tags`` distinct relevant tags per post (a pandas ``str`` array).

    Candidates are the noun's own tag (first, for most posts), then the
    industry's, the topic's and the generic tags in random order, with the
    "<industry tag><year>" variants last.
    """
    tags = pools.grammar.data["tags"]
    vocab = sorted({*pools.noun_tags, *tags["generic"], *(t for ts in tags["topic"].values() for t in ts),
                    *(t + w for ts in tags["industry"].values() for t in ts for w in ("", str(year)))})
    index = {t: i for i, t in enumerate(vocab)}
    groups = []  # per (industry, topic): candidate ids and their sort bias
    for ind in INDUSTRIES:
        for top in TOPICS:
            ids = ([index[t] for t in tags["industry"][ind]] + [index[t] for t in tags["topic"][top]]
                   + [index[t] for t in tags["generic"]] + [index[t + str(year)] for t in tags["industry"][ind]])
            bias = ([-0.2] * len(tags["industry"][ind]) + [-0.3] * len(tags["topic"][top])
                    + [0.0] * len(tags["generic"]) + [0.6] * len(tags["industry"][ind]))
            groups.append((ids, bias))
    width = max(len(ids) for ids, _ in groups)
    table = np.array([ids + [-1] * (width - len(ids)) for ids, _ in groups])
    biases = np.array([bias + [np.inf] * (width - len(bias)) for _, bias in groups], dtype=np.float32)
    combo = industry_code * len(TOPICS) + topic_code
    noun_id = np.array([index[t] for t in pools.noun_tags])[noun]
    cand = table[combo]
    key = rng.random(cand.shape, dtype=np.float32) + biases[combo]
    key[cand == noun_id[:, None]] = np.inf  # the noun's own tag may come first, never twice
    used = min(int(n_tags.max(initial=0)), width)  # only a post's first n_tags candidates are kept
    cand = np.take_along_axis(cand, np.argsort(key, axis=1)[:, :used], axis=1)
    first = rng.random(len(noun)) < NOUN_TAG_SHARE
    cand = np.where(first[:, None], np.c_[noun_id, cand[:, :-1]], cand)
    if len(noun) and (n_tags > (key < np.inf).sum(axis=1) + first).any():
        raise ValueError("more hashtags asked than the locale's tag lists offer")
    # each post's first n_tags candidates, joined in Arrow (no Python string per tag)
    tag_ids = cand[np.arange(cand.shape[1]) < n_tags[:, None]]
    offsets = np.r_[0, np.cumsum(n_tags)].astype(np.int64)
    tags = pa.array(["#" + t for t in vocab], pa.large_string()).take(tag_ids)
    joined = pc.binary_join(pa.LargeListArray.from_arrays(offsets, tags), pa.scalar(" ", pa.large_string()))
    return pd.array(joined, dtype="str")


def make_post_text(topic_code: np.ndarray, fmt: np.ndarray, industry: np.ndarray, n_tags: np.ndarray,
                   pools: Pools, year: int, rng: np.random.Generator, country: np.ndarray | None = None) -> dict:
    """Captions, hashtags and the noun id of each post.

    ``topic_code`` indexes TOPICS, ``fmt`` holds format names, ``industry``
    the industry name of each post's brand, ``country`` its home country (the
    language variety of its captions) and ``n_tags`` how many hashtags each
    post carries. Returns ``{"caption", "hashtags", "noun"}`` arrays.
    """
    n = len(topic_code)
    industry_code = _codes(industry, INDUSTRIES)
    start, count = (np.array(a) for a in zip(*pools.industry_nouns))
    noun = start[industry_code] + (rng.random(n) * count[industry_code]).astype(np.int64)

    # template, call to action and emoji: indexes into their strings, joined in Arrow (see segments)
    templates, first = pooled(pools, "captions", lambda: {(v, t): pool.styles for v, by_topic in pools.captions.items()
                                                          for t, pool in by_topic.items()})
    caption = Segments(n, ("template", "cta", "emoji"), fixed={"template": templates})
    variety = variety_of(country, pools, n)
    for v, by_topic in pools.captions.items():
        for code, t in enumerate(TOPICS):
            mask = (topic_code == code) & (variety == v)
            caption.index["template"][mask] = first[v, t] + by_topic[t].pick_index(noun[mask], rng)

    cta = pools.grammar.data["cta"]
    typo = pools.grammar.typography
    format_cta, by_format = _choice_index([[typo(t) for t in cta["format"].get(f, [])] for f in FORMATS],
                                          _codes(fmt, FORMATS), rng)
    topic_cta, by_topic = _choice_index([[typo(t) for t in cta["topic"].get(t, [])] for t in TOPICS], topic_code, rng)
    use_format = (by_format >= 0) & (rng.random(n) < FORMAT_CTA_SHARE)
    use_topic = ~use_format & (by_topic >= 0) & (rng.random(n) < TOPIC_CTA_SHARE)
    caption.put("cta", use_format, " " + format_cta, by_format[use_format])
    caption.put("cta", use_topic, " " + topic_cta, by_topic[use_topic])
    emoji = pools.emoji["caption"]
    with_emoji = rng.random(n) < CAPTION_EMOJI_SHARE
    caption.put("emoji", with_emoji, " " + emoji, rng.integers(0, len(emoji), int(with_emoji.sum())))
    hashtags = _hashtags(noun, industry_code, topic_code, n_tags, pools, year, rng)
    return {"caption": pd.array(caption.joined(), dtype="str"), "hashtags": hashtags, "noun": noun}


def variety_of(country: np.ndarray | None, pools: Pools, n: int) -> np.ndarray:
    """The language variety (a key of ``pools.captions``) of each row's home country."""
    if country is None:
        return np.full(n, "", dtype=object)
    codes, uniques = pd.factorize(np.asarray(country, dtype=object))  # a few countries: look each up once
    return np.array([pools.varieties.get(c, "") for c in uniques] + [""], dtype=object)[codes]
