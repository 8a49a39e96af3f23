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

from .._schema import FORMATS, INDUSTRIES, TOPICS
from .pools import Pools

FORMAT_CTA_SHARE = 0.85   # posts whose format calls for a call to action that carry one
TOPIC_CTA_SHARE = 0.5     # same for topics that call for one
CAPTION_EMOJI_SHARE = 0.35
NOUN_TAG_SHARE = 0.7      # tagged posts whose first hashtag is the noun itself


def _codes(values: np.ndarray, categories) -> np.ndarray:
    """Index of each value in ``categories``."""
    codes = pd.Categorical(values, categories=list(categories)).codes.astype(np.int64)
    if (codes < 0).any():
        raise ValueError(f"values outside {', '.join(categories)}")
    return codes


def _choice_table(lists_by_code: list, codes: np.ndarray, rng) -> np.ndarray:
    """For each row, a uniform pick from ``lists_by_code[code]`` (None where the list is empty)."""
    out = np.full(len(codes), None, dtype=object)
    for code, options in enumerate(lists_by_code):
        mask = codes == code
        if options and mask.any():
            out[mask] = np.array(options, dtype=object)[rng.integers(0, len(options), int(mask.sum()))]
    return out


def _hashtags(noun, industry_code, topic_code, n_tags, pools: Pools, year: int, rng) -> np.ndarray:
    """Space-separated ``#tags``: ``n_tags`` distinct relevant tags per post."""
    tags = pools.grammar.data["tags"]
    industry = [tags["industry"][ind] for ind in INDUSTRIES]
    topic = [tags["topic"][t] for t in TOPICS]
    width = max(map(len, industry)) + max(map(len, topic)) + len(tags["generic"])
    # candidates per post: industry tags, topic tags, generic tags, then "<industry tag><year>" variants
    n = len(noun)
    ind_m = np.array([tg + [None] * (width - len(tg)) for tg in industry], dtype=object)[industry_code]
    top_m = np.array([tg + [None] * (width - len(tg)) for tg in topic], dtype=object)[topic_code]
    gen_m = np.tile(np.array(tags["generic"], dtype=object), (n, 1))
    year_m = np.where(ind_m == None, None, ind_m.astype(str) + str(year))  # noqa: E711
    cand = np.concatenate([ind_m, top_m, gen_m, year_m], axis=1)
    bias = np.concatenate([np.full(width, -0.2), np.full(width, -0.3), np.zeros(len(tags["generic"])),
                           np.full(width, 0.6)])
    noun_tag = pools.noun_tags[noun]
    cand[cand == noun_tag[:, None]] = None  # the noun's own tag may come first, never twice
    key = rng.random(cand.shape) + bias
    key[cand == None] = np.inf  # noqa: E711
    cand = np.take_along_axis(cand, np.argsort(key, axis=1, kind="stable"), axis=1)
    first = rng.random(n) < NOUN_TAG_SHARE
    cand = np.concatenate([np.where(first, noun_tag, cand[:, 0])[:, None],
                           np.where(first[:, None], cand[:, :-1], cand[:, 1:])], axis=1)
    if n and int(n_tags.max(initial=0)) > (cand != None).sum(axis=1).min():  # noqa: E711
        raise ValueError("more hashtags asked than the locale's tag lists offer")
    out = np.full(n, "", dtype=object)
    for j in range(int(n_tags.max(initial=0))):
        more = j < n_tags
        out[more] = out[more] + np.where(j == 0, "#", " #") + cand[more, j].astype(object)
    return out


def make_post_text(topic_code: np.ndarray, fmt: np.ndarray, industry: np.ndarray, n_tags: np.ndarray,
                   pools: Pools, year: int, rng: np.random.Generator) -> dict:
    """Captions, hashtags and the noun id of each post.

    ``topic_code`` indexes TOPICS, ``fmt`` holds format names, ``industry``
    the industry name of each post's brand and ``n_tags`` how many hashtags
    each post carries. Returns ``{"caption", "hashtags", "noun"}`` arrays.
    """
    n = len(topic_code)
    industry_code = _codes(industry, INDUSTRIES)
    start, count = (np.array(a) for a in zip(*pools.industry_nouns))
    noun = start[industry_code] + (rng.random(n) * count[industry_code]).astype(np.int64)

    caption = np.empty(n, dtype=object)
    for code, t in enumerate(TOPICS):
        mask = topic_code == code
        caption[mask] = pools.captions[t].pick(noun[mask], rng)

    cta = pools.grammar.data["cta"]
    typo = pools.grammar.typography
    by_format = _choice_table([[typo(t) for t in cta["format"].get(f, [])] for f in FORMATS], _codes(fmt, FORMATS), rng)
    by_topic = _choice_table([[typo(t) for t in cta["topic"].get(t, [])] for t in TOPICS], topic_code, rng)
    use_format = (by_format != None) & (rng.random(n) < FORMAT_CTA_SHARE)  # noqa: E711
    use_topic = ~use_format & (by_topic != None) & (rng.random(n) < TOPIC_CTA_SHARE)  # noqa: E711
    for use, text in ((use_format, by_format), (use_topic, by_topic)):
        caption[use] = caption[use] + " " + text[use]
    emoji = pools.emoji["caption"]
    with_emoji = rng.random(n) < CAPTION_EMOJI_SHARE
    caption[with_emoji] = caption[with_emoji] + " " + emoji[rng.integers(0, len(emoji), int(with_emoji.sum()))]
    hashtags = _hashtags(noun, industry_code, topic_code, n_tags, pools, year, rng)
    return {"caption": caption, "hashtags": hashtags, "noun": noun}
