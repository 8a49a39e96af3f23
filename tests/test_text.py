"""Believable text: the typed grammar, agreement, accents, typography, variety, sentiment, bots."""

from __future__ import annotations

import copy
import re
import unicodedata

import numpy as np
import pandas as pd
import pytest

import sandbox
from sandbox.generator.grammar import Grammar, available_locales, get_grammar, parse_noun, slots_of, templates_for
from sandbox.generator.pools import LOCALES

WORD = r"(?<!\w){}(?!\w)"


@pytest.fixture(scope="module", params=LOCALES)
def world(request):
    ds = sandbox.generate(seed=4, scale="tiny", locale=request.param)
    return request.param, ds


def _texts(ds) -> pd.Series:
    return pd.concat([ds.comments["text"], ds.posts["caption"]], ignore_index=True)


def _strip(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()


def test_locales_are_the_data_files():
    assert LOCALES == available_locales() and {"en_US", "fr_FR", "es_ES"} <= set(LOCALES)


def test_every_template_uses_typed_slots_only():
    for locale in LOCALES:
        data = get_grammar(locale).data
        groups = [*data["captions"].values(), *data["comments"].values()]
        for templates in groups:
            for t in templates_for(templates):
                slots_of(t)  # raises on an untyped slot
    bad = copy.deepcopy(get_grammar("en_US").data)
    grammar = Grammar("en_US", bad)
    with pytest.raises(ValueError, match=r"unknown slot \{word\}; allowed: noun, the_noun"):
        grammar.render("Best {word} ever", parse_noun("m:jacket"))
    with pytest.raises(ValueError, match="gender m or f"):
        parse_noun("n:thing")


def test_generated_text_fills_every_slot(world):
    _, ds = world
    texts = _texts(ds)
    assert not texts.str.contains(r"[{}]").any()
    assert not ds.posts["hashtags"].str.contains(r"[{}]").any()


def _noun_of(texts: pd.Series, nouns) -> pd.Series:
    """The longest noun each text mentions (None when it mentions none)."""
    found = pd.Series([None] * len(texts), index=texts.index, dtype=object)
    for noun in sorted(nouns, key=lambda n: len(n.word)):
        hit = texts.str.contains(WORD.format(re.escape(noun.word)), case=False, regex=True)
        found[hit] = noun
    return found


def test_determiners_and_adjectives_agree_with_the_noun(world):
    locale, ds = world
    grammar = get_grammar(locale)
    texts = _texts(ds)
    nouns = _noun_of(texts, grammar.nouns)
    checked = 0
    for noun in set(nouns.dropna()):
        mine = texts[nouns == noun]
        key = noun.gender + ("v" if noun.vowel else "")
        right = {forms[key].strip().lower() for forms in grammar.articles.values()}
        wrong = {f.strip().lower() for forms in grammar.articles.values() for k, f in forms.items()
                 if k != key} - right
        pattern = "|".join(re.escape(w) + (r"\s" if not w.endswith("'") else "") for w in wrong)
        if pattern:
            bad = mine.str.lower().str.contains(rf"(?<!\w)(?:{pattern}){re.escape(noun.word.lower())}(?!\w)")
            assert not bad.any(), f"{locale}: wrong determiner for {noun}: {mine[bad].head(3).tolist()}"
        other = 1 if noun.gender == "m" else 0
        for forms in grammar.adjectives["positive"] + grammar.adjectives["negative"]:
            if forms[other] != forms[1 - other]:
                bad = mine.str.contains(WORD.format(re.escape(forms[other])))
                assert not bad.any(), f"{locale}: {forms[other]!r} with {noun}: {mine[bad].head(3).tolist()}"
        checked += len(mine)
    assert checked > len(texts) / 2


def test_accents_are_kept(world):
    locale, ds = world
    data = get_grammar(locale).data
    vocabulary = {w for n in get_grammar(locale).nouns for w in n.word.split()}
    vocabulary |= {f for k in ("positive", "negative") for forms in data["adjectives"][k] for f in forms}
    stripped = {_strip(w) for w in vocabulary if _strip(w) != w and len(w) >= 4}  # 'à' -> 'a' is a word too
    text = " ".join(_texts(ds))
    words = set(re.findall(r"\w+", text))
    assert not (words & stripped), f"accent-stripped words: {sorted(words & stripped)[:5]}"
    if locale != "en_US":
        assert len(stripped) > 5 and re.search(r"[éèàíóúñç]", text)


def _brand_written(ds) -> pd.Series:
    """Captions and the brands' replies under their own posts: text a brand's team writes with care."""
    c = ds.comments.merge(ds.posts[["post_id", "account_id"]], on="post_id").merge(
        ds.accounts[["account_id", "handle"]], on="account_id")
    replies = c.loc[c["author_handle"] == c["handle"], "text"]
    return pd.concat([ds.posts["caption"], replies], ignore_index=True)


def test_french_typography_puts_a_non_breaking_space_before_high_punctuation():
    """Brands follow French typography; people typing a comment on a phone often do not (data model v3)."""
    ds = sandbox.generate(seed=6, scale="tiny", locale="fr_FR")
    texts = _brand_written(ds)
    marks = texts[texts.str.contains(r"[?!:;]")]
    assert len(marks) > 100
    bad = marks.str.contains(r"(?<![\u00a0?!:;])[?!:;]+(?=\s|$)")
    assert not bad.any(), marks[bad].head(3).tolist()
    people = ds.comments["text"][~ds.comments["text"].isin(texts)]
    before = people.str.extractall(r"(.)[!?]")[0]
    spaced, plain = (before == "\u00a0").mean(), before.isin([" "]).mean()
    assert 0.15 < spaced < 0.7 and plain > 0.1 and 1 - spaced - plain > 0.1, (spaced, plain)
    en = _texts(sandbox.generate(seed=6, scale="tiny", locale="en_US"))
    assert not en.str.contains("\u00a0").any()


def test_small_world_texts_vary_and_short_stock_comments_repeat():
    ds = sandbox.generate(seed=0, scale="small")
    text = ds.comments["text"]
    assert text.nunique() / len(text) >= 0.4
    assert ds.posts["caption"].nunique() / len(ds.posts) >= 0.3
    counts = text.value_counts()
    assert counts.iloc[0] > 50  # stock comments repeat
    assert text.str.contains("@").mean() > 0.05
    assert text.str.contains(r"[\U0001F300-\U0001FAFF]").mean() > 0.2


def _lexicon_accuracy(comments, labels, locale) -> float:
    """Accuracy of a word-and-emoji lexicon rule (notebook 09's) against the planted sentiment."""
    data = get_grammar(locale).data
    pos, neg = set(data["lexicon"]["positive"]), set(data["lexicon"]["negative"])
    words = comments["text"].str.lower().str.findall(r"\w+")
    score = words.map(lambda ws: sum(w in pos for w in ws) - sum(w in neg for w in ws))
    for sign, kind in ((1, "positive"), (-1, "negative")):
        for e in data["emoji"][kind]:
            score = score + sign * comments["text"].str.count(re.escape(e))
    predicted = np.where(score > 0, "positive", np.where(score < 0, "negative", "neutral"))
    truth = comments[["comment_id"]].merge(labels, on="comment_id")["sentiment"]
    return float((predicted == truth.to_numpy()).mean())


def test_a_lexicon_baseline_reads_sentiment_well_but_not_perfectly(world):
    locale, ds = world
    labels = ds.labels["comment_labels"]
    accuracy = _lexicon_accuracy(ds.comments, labels, locale)
    # people write briefly (emoji alone, "want", "same") and lexicons miss much of it: good, not perfect
    assert 0.65 <= accuracy <= 0.90, f"{locale}: lexicon baseline accuracy {accuracy:.3f}"
    shuffled = labels.assign(sentiment=labels["sentiment"].sample(frac=1, random_state=0).to_numpy())
    assert _lexicon_accuracy(ds.comments, shuffled, locale) < 0.6  # the check can fail


def test_hashtags_fit_the_brand_industry_and_the_topic(world):
    locale, ds = world
    tags = get_grammar(locale).data["tags"]
    posts = ds.posts.merge(ds.accounts[["account_id", "brand_id"]], on="account_id").merge(
        ds.brands[["brand_id", "industry"]], on="brand_id")
    from sandbox.generator.pools import get_pools

    noun_tags = set(get_pools(locale).noun_tags)
    year = str(ds.posts["posted_at"].min().year)
    for industry, topic, hashtags in posts[["industry", "topic", "hashtags"]].itertuples(index=False):
        allowed = set(tags["industry"][industry]) | set(tags["topic"][topic]) | set(tags["generic"]) | noun_tags
        allowed |= {t + year for t in tags["industry"][industry]}
        used = [t[1:] for t in hashtags.split()]
        assert set(used) <= allowed, (industry, topic, hashtags)
        assert len(used) == len(set(used))
    assert (posts["n_hashtags"] == posts["hashtags"].str.split().str.len().fillna(0)).all()


def test_formats_that_call_for_it_carry_a_call_to_action(world):
    locale, ds = world
    grammar = get_grammar(locale)
    for fmt, ctas in grammar.data["cta"]["format"].items():
        captions = ds.posts.loc[ds.posts["format"] == fmt, "caption"]
        if len(captions) < 20:
            continue
        has = captions.map(lambda c: any(grammar.typography(t) in c for t in ctas))
        assert 0.75 <= has.mean() <= 0.95, (fmt, has.mean())


def test_bots_are_recognisable_but_not_by_name():
    ds = sandbox.generate(seed=2, scale="tiny")
    c = ds.comments.merge(ds.labels["comment_labels"], on="comment_id").merge(
        ds.posts[["post_id", "posted_at"]], on="post_id")
    bots, people = c[c["is_bot"]], c[~c["is_bot"]]
    assert len(bots) > 20
    assert not bots["author_handle"].str.contains("bot|promo|spam", case=False).any()
    per_bot = bots.groupby("author_handle").size().mean()
    per_person = people.groupby("author_handle").size().mean()
    assert per_bot > 3 * per_person
    delay = (c["created_at"] - c["posted_at"]).dt.total_seconds() / 60
    assert delay[c["is_bot"]].median() < 30 < delay[~c["is_bot"]].median()


def test_the_brand_answers_complaints_in_threads():
    ds = sandbox.generate(seed=2, scale="tiny")
    c = ds.comments.merge(ds.labels["comment_labels"], on="comment_id").merge(
        ds.posts[["post_id", "account_id"]], on="post_id").merge(ds.accounts[["account_id", "handle"]], on="account_id")
    brand = c["author_handle"].str.lstrip("@") == c["handle"].str.lstrip("@")
    replies = c[brand]
    assert len(replies) > 5
    assert (replies["sentiment"] == "neutral").all() and not replies["is_bot"].any()
    for reply in replies.itertuples():
        target = reply.text.split()[0]
        earlier = c[(c["post_id"] == reply.post_id) & (c["author_handle"] == target)
                    & (c["created_at"] <= reply.created_at) & (c["sentiment"] == "negative")]
        assert len(earlier), reply.text
    per_post = c.groupby("post_id").size()
    assert (per_post <= ds.posts.set_index("post_id")["comments"].reindex(per_post.index)).all()
