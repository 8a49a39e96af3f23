"""The reference analysis: straightforward ways to recover each planted effect.

Each function reads only the learner tables (never ``ds.truth``) and returns
what an analyst would report. ``recover_all`` compares them with the truth;
tests run it over many seeds to prove every effect is findable, and exercise
solutions can lean on the same functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .analysis import er_impressions, local_posted_at, robust_z as _robust_z, segment_index
from .cleaning import clean  # noqa: F401  (the reference cleaner of dirty exports)
from .generator.effects import effect_label

MIN_CELL_POSTS = 15       # ignore hours / hashtag counts with fewer posts than this...
MIN_CELL_SHARE = 1 / 40   # ...or than this share of the posts analysed
MIN_PLATFORM_POSTS = 300  # platforms with fewer posts are too thin to judge...
MIN_TIMING_POSTS = 1000   # ...and timing, spread over 24 hours, needs more


def min_cell(n_posts: int) -> int:
    """Fewest posts a cell (an hour, a hashtag count) needs before its median is trusted."""
    return max(MIN_CELL_POSTS, int(n_posts * MIN_CELL_SHARE))


def _rates(ds) -> pd.DataFrame:
    posts = ds.posts
    local = local_posted_at(ds)
    return pd.DataFrame({
        "account_id": posts["account_id"],
        "platform": posts["platform"].astype(str),
        "format": posts["format"].astype(str),
        "topic": posts["topic"].astype(str),
        "hour": local.dt.hour,
        "weekday": local.dt.day_of_week,
        "n_hashtags": posts["n_hashtags"],
        "er": er_impressions(posts),
    })


def platforms_with_data(ds, minimum: int = MIN_PLATFORM_POSTS) -> list[str]:
    counts = ds.posts["platform"].astype(str).value_counts()
    return sorted(counts[counts >= minimum].index)


def best_format(ds) -> dict:
    """Per platform: the format with the highest median engagement rate (by impressions), each post
    relative to its own account's median (accounts differ several-fold by industry and size)."""
    r = _rates(ds)
    med = r.assign(er=account_relative_er(r)).groupby(["platform", "format"])["er"].median()
    return {p: med[p].idxmax() for p in platforms_with_data(ds)}


def relative_er(r: pd.DataFrame) -> pd.Series:
    """Engagement rate divided by its platform's median: comparable across platforms."""
    return r["er"] / r.groupby("platform")["er"].transform("median")


def best_topic(ds) -> str:
    """The topic with the highest median ER relative to its own account's median (platform and account
    controlled: accounts differ several-fold by industry, and the decoy topic lives on some platforms)."""
    r = _rates(ds)
    return r.assign(rel=account_relative_er(r)).groupby("topic")["rel"].median().idxmax()


def account_relative_er(r: pd.DataFrame) -> pd.Series:
    """Engagement rate divided by its account's median: accounts keep habitual hours, so raw
    rates per hour would partly compare accounts, not hours."""
    return r["er"] / r.groupby("account_id")["er"].transform("median")


def best_hour(ds) -> dict:
    """Per platform: the local hour with the highest median account-relative ER among hours with enough posts."""
    r = _rates(ds)
    r = r.assign(er=account_relative_er(r))
    out = {}
    for p in platforms_with_data(ds, MIN_TIMING_POSTS):
        g = r[r["platform"] == p].groupby("hour")["er"]
        med = g.median()[g.size() >= min_cell(g.size().sum())]
        out[p] = int(med.idxmax())
    return out


def best_weekday(ds) -> dict:
    """Per platform: the local weekday with the highest median account-relative ER."""
    r = _rates(ds)
    r = r.assign(er=account_relative_er(r))
    return {p: int(r[r["platform"] == p].groupby("weekday")["er"].median().idxmax())
            for p in platforms_with_data(ds, MIN_TIMING_POSTS)}


def _weekend_log_ratio(r: pd.DataFrame) -> float:
    """log of median ER of weekend posts over weekday posts, ER relative to each account's median."""
    rel = r["er"] / r.groupby("account_id")["er"].transform("median")
    weekend = r["weekday"] >= 5
    return float(np.log(rel[weekend].median() / rel[~weekend].median()))


def weekend_effects(ds) -> dict:
    """Per platform: is engagement on weekends 'lower', 'higher' or 'about the same' (within
    SAME_BAND) than on weekdays, comparing each post with its own account's median."""
    r = _rates(ds)
    return {p: effect_label(np.exp(_weekend_log_ratio(r[r["platform"] == p])))
            for p in platforms_with_data(ds, MIN_TIMING_POSTS)}


def weekend_stratified(ds) -> str:
    """The weekend effect within platforms (and accounts), averaged over platforms: the careful answer.

    Each platform counts by its number of weekend posts (the harmonic weight of a difference of two medians):
    brands post little on LinkedIn at weekends, and a handful of posts says little."""
    r = _rates(ds)
    platforms = platforms_with_data(ds, MIN_CELL_POSTS * 5)
    logs = [_weekend_log_ratio(r[r["platform"] == p]) for p in platforms]
    weekend = r["weekday"] >= 5
    weights = [1 / (1 / max((weekend & (r["platform"] == p)).sum(), 1) + 1 / max((~weekend & (r["platform"] == p)).sum(), 1))
               for p in platforms]
    return effect_label(np.exp(np.average(logs, weights=weights)))


def weekend_pooled(ds) -> str:
    """The naive answer: median ER by impressions of all weekend posts over all weekday posts."""
    r = _rates(ds)
    weekend = r["weekday"] >= 5
    return effect_label(r.loc[weekend, "er"].median() / r.loc[~weekend, "er"].median())


def best_topic_pooled(ds) -> str:
    """The naive answer: the topic with the highest median ER by impressions over all posts."""
    return _rates(ds).groupby("topic")["er"].median().idxmax()


def weekend_ratio(ds) -> float:
    """Median relative ER on Sundays over Monday-Friday (below 1: weekends are weaker)."""
    r = _rates(ds)
    rel = relative_er(r)
    return float(rel[r["weekday"] == 6].median() / rel[r["weekday"] < 5].median())


def best_hashtag_count(ds) -> int:
    """The hashtag count with the highest median account-relative ER among counts with enough posts."""
    r = _rates(ds)
    g = r.assign(rel=account_relative_er(r)).groupby("n_hashtags")["rel"]
    med = g.median()[g.size() >= min_cell(len(r))]
    return int(med.idxmax())


def best_segment(ds) -> tuple[str, str]:
    """The (age_group, gender) whose followers engage most, platform controlled (:func:`segment_index`)."""
    age, gender = segment_index(ds).idxmax()
    return str(age), str(gender)


def ab_tests(ds, alpha: float = 0.05) -> pd.DataFrame:
    """Per A/B test: conversion rates, relative lift of B over A, its 95% CI and significance.

    Two-proportion z-test on conversions / clicks; the CI of the difference is
    turned into a relative lift by dividing by A's rate.
    """
    c = ds.campaigns.dropna(subset=["test_id"])
    a = c[c["variant"] == "A"].set_index("test_id")
    b = c[c["variant"] == "B"].set_index("test_id").loc[a.index]
    pa, pb = a["conversions"] / a["clicks"], b["conversions"] / b["clicks"]
    pooled = (a["conversions"] + b["conversions"]) / (a["clicks"] + b["clicks"])
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / a["clicks"] + 1 / b["clicks"]))
    z = (pb - pa) / se0
    se = np.sqrt(pa * (1 - pa) / a["clicks"] + pb * (1 - pb) / b["clicks"])
    q = stats.norm.ppf(1 - alpha / 2)
    return pd.DataFrame({
        "rate_a": pa, "rate_b": pb, "lift": pb / pa - 1,
        "lift_low": (pb - pa - q * se) / pa, "lift_high": (pb - pa + q * se) / pa,
        "p_value": 2 * stats.norm.sf(np.abs(z)), "significant": 2 * stats.norm.sf(np.abs(z)) < alpha,
    })


CRISIS_WINDOW = 5  # days: a crisis is a sustained unfollow spike, not one bad day (over-posting, a platform cleanup)
CRISIS_FLOOR = 5   # a normal day counts at least this many unfollows


def crisis(ds) -> dict:
    """The account and day at the centre of the most surprising sustained unfollow spike.

    Each day's unfollows are divided by what the account's median unfollow rate
    (unfollows / followers, so fast-growing accounts do not peak at the end of the
    year) predicts, at least ``CRISIS_FLOOR`` (a handful of unfollows on a small
    account is no crisis), and smoothed with a centred ``CRISIS_WINDOW``-day rolling
    median (one bad day, such as a platform's cleanup of fake accounts, is no crisis)."""
    f = ds.followers_daily.sort_values(["account_id", "date"]).reset_index(drop=True)
    acc = f["account_id"]
    rate = (f["unfollows"] / f["followers"].clip(lower=1)).groupby(acc).transform("median")
    ratio = f["unfollows"] / (f["followers"] * rate).clip(lower=CRISIS_FLOOR)
    smooth = ratio.groupby(acc).transform(lambda x: x.rolling(CRISIS_WINDOW, center=True).median())
    row = f.loc[smooth.idxmax()]
    return {"account_id": row["account_id"], "date": row["date"]}


def bot_spike_posts(ds, threshold: float = 3.5) -> set:
    """Posts whose likes per (comments + saves + shares) are extreme within their account (robust z-score)."""
    p = ds.posts
    ratio = np.log1p(p["likes"]) - np.log1p(p["comments"] + p["saves"] + p["shares"])
    by_acc = ratio.groupby(p["account_id"])
    med = by_acc.transform("median")
    mad = by_acc.transform(lambda s: (s - s.median()).abs().median()) * 1.4826
    z = (ratio - med) / mad.replace(0, np.nan)
    return set(p.loc[z > threshold, "post_id"])


#: Flag influencers whose bought_follower_score exceeds this (3.0 since data model v3: the signals overlap, as
#: real ones do: drip-fed purchases, local bought followers, honest viral weeks and audiences abroad).
BOUGHT_SCORE_THRESHOLD = 3.0


def bought_follower_score(ds) -> pd.Series:
    """How suspicious each influencer looks (higher: more likely bought followers), indexed like
    ``ds.influencers``: a weighted sum of robust z-scores of four signals, each pointing up when suspicious.

    - a jump in the follower history (``max_weekly_gain_pct``; bought followers arrive at once),
    - few followers in the creator's home country (``audience_home_share``; bot farms sit elsewhere),
    - few comments per like (bought likes bring no comments), within platform,
    - few likes per follower for the creator's size (the raw engagement signal), within platform.
    """
    inf = ds.influencers
    platform = inf["platform"].astype(str)
    x = np.log(inf["followers"].clip(lower=1).astype(float))
    er = np.log(inf["avg_likes"].clip(lower=0.1).astype(float)) - x
    residual = pd.Series(np.nan, index=inf.index)
    for p in platform.unique():
        m = (platform == p).to_numpy()
        if m.sum() >= 3:
            slope, intercept = np.polyfit(x[m], er[m], 1)
            residual[m] = er[m] - (intercept + slope * x[m])
    comment_ratio = np.log(inf["avg_comments"].clip(lower=0.1) / inf["avg_likes"].clip(lower=0.1))
    # the follower-history and audience signals are the sharpest: the engagement ones count half
    score = (_robust_z(np.log(inf["max_weekly_gain_pct"].clip(lower=0.01)))
             - _robust_z(inf["audience_home_share"])
             - 0.5 * _robust_z(comment_ratio, platform)
             - 0.5 * _robust_z(residual.fillna(0), platform))
    return score


def auc(score: pd.Series, positive: pd.Series) -> float:
    """Area under the ROC curve of ``score`` for the boolean ``positive`` (Mann-Whitney U)."""
    pos, neg = score[positive.to_numpy()], score[~positive.to_numpy()]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    return float(stats.mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg)))


def recover_all(ds) -> dict[str, bool]:
    """Does the reference analysis find each planted effect of ``ds``? (name -> found)

    Effects the truth marks as too small to detect at this world's size
    (``truth["detectable"]``) are not asked for; confounded questions are
    answered the careful (stratified) way.
    """
    truth = ds.truth
    det = truth.get("detectable", {})

    def can(effect, platform=None):
        value = det.get(effect, True)
        return value.get(platform, True) if isinstance(value, dict) else value

    found = {}
    fmt = best_format(ds)
    found["best_format"] = all(fmt[p] == truth["platforms"][p]["best_format"] for p in fmt if can("format", p))
    found["best_topic"] = not can("topic") or best_topic(ds) == truth["best_topic"]
    hours = best_hour(ds)
    found["best_window"] = all(
        truth["platforms"][p]["best_window"]["hours"][0] <= h < truth["platforms"][p]["best_window"]["hours"][1]
        for p, h in hours.items() if can("window", p))
    days = best_weekday(ds)
    found["best_weekday"] = all(d in truth["platforms"][p]["best_window"]["weekdays"]
                                for p, d in days.items() if can("weekday", p))
    if "weekend_effect" in truth["platforms"][next(iter(truth["platforms"]))]:
        labels = weekend_effects(ds)
        found["weekend_effect"] = all(labels[p] == truth["platforms"][p]["weekend_effect"]
                                      for p in labels if can("weekend", p))
    else:  # data model v1
        found["weekend_effect"] = weekend_ratio(ds) < 0.9
    lo, hi = truth["hashtag_sweet_spot"]
    found["hashtag_sweet_spot"] = not can("hashtag") or lo <= best_hashtag_count(ds) <= hi
    seg = truth["best_segment"]
    found["best_segment"] = not can("segment") or best_segment(ds) == (seg["age_group"], seg["gender"])
    tests = ab_tests(ds)
    # tests the truth calls detectable (a large lift and enough traffic); small lifts are underpowered
    real = {t["test_id"]: t["true_lift"] for t in truth["ab_tests"] if t.get("detectable", t["has_effect"])}
    found["ab_real_lifts"] = all(tests.loc[t, "significant"] and np.sign(tests.loc[t, "lift"]) == np.sign(lift)
                                 for t, lift in real.items())
    c = crisis(ds)
    start = pd.Timestamp(truth["crisis"]["start_date"])
    found["crisis"] = (c["account_id"] == truth["crisis"]["account_id"]
                       and start <= c["date"] < start + pd.Timedelta(days=truth["crisis"]["days"]))
    labels = ds.labels["post_labels"]
    planted = set(labels.loc[labels["is_bot_spike"], "post_id"])
    flagged = bot_spike_posts(ds)
    found["bot_spikes"] = len(planted & flagged) >= 0.8 * len(planted) and len(flagged - planted) <= len(planted)
    inf = ds.labels["influencer_labels"]
    cheats = set(inf.loc[inf["has_bought_followers"], "influencer_id"])
    score = bought_follower_score(ds)
    flagged = set(ds.influencers.loc[score > BOUGHT_SCORE_THRESHOLD, "influencer_id"])
    found["bought_followers"] = len(cheats & flagged) >= 0.6 * len(cheats) and len(flagged - cheats) <= len(cheats)
    return found
