"""Questions of notebook 04, what to post: topics, formats and hashtag counts, compared fairly.

Engagement rate here is ER by impressions (engagements / impressions). Platforms differ far more
than topics do, and brands post some topics mostly on high-engagement platforms (the world's
``topic_by_platform`` confounder), so the pooled median per topic misleads. The fair comparison
divides each post's ER by its own account's median ER (``rel_er``: 1.2 = 20% better than that
account usually does), which controls for platform and account size at once.

Insight answers are judged on the learner's data alone (course datasets ship without truth), against
its own noise: the best label and every label whose median is within TIE_SE standard errors of the
difference from the best one's (:func:`sandbox.analysis.near_best_within_noise`), with the label's
value as evidence.

In the notebook: ``q1, ..., q8 = ex.setup(globals())``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import analysis as an
from ..analysis import rated
from ._chart import BarChart, bar_chart, measure_unnamed
from ._compare import BestPerGroup, FrameMatch, LabelCard, SeriesMatch
from ._question import Exercise, Mistake, Question, Step

#: A platform's format is judged only on formats with at least this many posts there (the notebook's ex.MIN_POSTS).
MIN_POSTS = an.MIN_POSTS
#: Noise band of the insight cards: labels whose median relative ER is within this many standard errors of the
#: difference from the best one's are ties (the notebook's ex.TIE_SE).
TIE_SE = an.TIE_SE
#: The standard error of a median (the notebook's ex.median_error).
median_error = an.median_error
ENGAGEMENTS = "ds.posts[['likes', 'comments', 'shares', 'saves']].sum(axis=1)"


def post_er(ds) -> pd.Series:
    return an.er_impressions(ds.posts)


def topic_er(ds, how: str = "median", rate=an.er_impressions) -> pd.Series:
    """Pooled ER per topic over all platforms (the misleading comparison)."""
    return rated(ds, rate).groupby("topic")["er"].agg(how)


def topic_platform(ds, normalize: str = "index") -> pd.DataFrame:
    posts = rated(ds)
    return pd.crosstab(posts["topic"], posts["platform"], normalize=normalize)


def rel_er(ds, by: str = "account_id", how: str = "median") -> pd.Series:
    return rated(ds, by=by, how=how)["rel_er"]


def topic_rel(ds, by: str = "account_id", how: str = "median") -> pd.Series:
    """Median (or ``how``) relative ER per topic."""
    return rated(ds, by=by).groupby("topic")["rel_er"].agg(how)


def near_ties(values: pd.Series, groups) -> set:
    """The labels of ``groups`` whose median of ``values`` the data cannot tell apart from the best one's."""
    cells = an.medians_with_errors(values, groups)
    return an.near_best_within_noise(cells["median"], cells["error"], TIE_SE)


def topic_card(ds, by: str = "account_id", how: str = "median") -> tuple:
    """(accepted topics, median relative ER per topic, posts per topic): the best topic and its near-ties within the
    noise; with ``by`` or ``how`` (a mistake) the top topic of those numbers, as a learner reads it."""
    values = topic_rel(ds, by, how)
    posts = rated(ds, by=by)
    accepted = near_ties(posts["rel_er"], posts["topic"]) if (by, how) == ("account_id", "median") \
        else an.top_labels(values)
    return accepted, values, rated(ds).groupby("topic").size()


def pooled_card(ds) -> tuple:
    """The pooled favourite with its pooled median ER as evidence (the confounded answer)."""
    values = topic_er(ds)
    return an.top_labels(values), values, rated(ds).groupby("topic").size()


def topic_chart(ds, how: str = "median", column: str = "rel_er") -> pd.Series:
    """The bar heights of the topic chart: ``how`` of ``column`` per topic, over the finite values, as seaborn draws
    them (a post of an account whose median ER is 0 has an infinite rel_er, which seaborn leaves out)."""
    posts = rated(ds)
    return posts[column].where(np.isfinite(posts[column])).groupby(posts["topic"]).agg(how)


def hashtag_rel(ds, how: str = "median", column: str = "rel_er") -> pd.Series:
    return rated(ds).groupby("n_hashtags")[column].agg(how)


def format_cells(ds, how: str = "median", column: str = "rel_er", min_posts: int = MIN_POSTS) -> pd.Series:
    """``how`` of ``column`` per (platform, format), cells with at least ``min_posts`` posts."""
    g = rated(ds).groupby(["platform", "format"])[column]
    values = g.agg(how)
    return values[g.size() >= min_posts]


def format_card(ds, how: str = "median", column: str = "rel_er", min_posts: int = MIN_POSTS) -> tuple:
    """(accepted formats per platform, median relative ER per (platform, format)): on each platform the best format
    with at least ``min_posts`` posts and its near-ties within the noise; with ``how``, ``column`` or ``min_posts``
    (mistakes) each platform's top format of those numbers, as a learner reads it."""
    values = format_cells(ds, how, column, min_posts)
    platforms = values.index.unique("platform")
    if (how, column, min_posts) != ("median", "rel_er", MIN_POSTS):
        return {p: an.top_labels(values[p]) for p in platforms}, values
    posts = rated(ds)
    accepted = {}
    for p in platforms:
        mine = posts[(posts["platform"] == p) & posts["format"].isin(values[p].index)]
        accepted[p] = near_ties(mine["rel_er"], mine["format"])
    return accepted, values


def chosen_formats(ds, choose) -> tuple:
    """A per-platform answer that picks ``choose(platform)`` with its median relative ER as evidence."""
    values = format_cells(ds)
    platforms = values.index.unique("platform")
    return {p: {choose(p)} for p in platforms}, values


def one_format_for_all(ds) -> tuple:
    """The pooled best format (over every platform) given to each platform with its pooled median (a mistake)."""
    pooled = rated(ds).groupby("format")["rel_er"].median()
    best = pooled.idxmax()
    platforms = format_cells(ds).index.unique("platform")
    values = pd.Series(float(pooled[best]), index=pd.MultiIndex.from_product([platforms, [best]]))
    return {p: {best} for p in platforms}, values


def most_posted_format(ds) -> tuple:
    counts = rated(ds).groupby(["platform", "format"]).size()
    return chosen_formats(ds, lambda p: counts[p].idxmax())


def raw_er_formats(ds) -> tuple:
    """Best cell by raw median ER, with the raw median as evidence (the baseline step dropped)."""
    return format_card(ds, column="er")


def raw_er_picked_formats(ds) -> tuple:
    """Each platform's format picked by its raw median ER, with its median rel_er as evidence (a learner who ranks
    by post_er and quotes rel_er: the baseline step dropped from the ranking only)."""
    raw = format_cells(ds, column="er")
    return chosen_formats(ds, lambda p: raw[p].idxmax())


def hashtag_rel_enough_posts(ds) -> pd.Series:
    """q7 with the counts of fewer than MIN_POSTS posts left out (a filter q7 does not ask for)."""
    posts = rated(ds)
    sizes = posts.groupby("n_hashtags").size()
    values = hashtag_rel(ds)
    return values[sizes.reindex(values.index) >= MIN_POSTS]


SERIES = SeriesMatch(rtol=1e-6)

Q1 = Question(
    "q1", "Engagement rate by impressions of every post, a Series aligned with ds.posts.", ("post_er",),
    reference=post_er, comparison=SERIES,
    hints=("Engagements are likes + comments + shares + saves; divide them by the post's impressions.",
           "Sum the four engagement columns row by row (`.sum(axis=1)`) and divide by ds.posts['impressions']."),
    solution=f"post_er = {ENGAGEMENTS} / ds.posts['impressions']",
    mistakes=(
        Mistake("reach-rate",
                "that is ER by reach; this notebook uses ER by impressions", lambda ds: an.er_reach(ds.posts)),
        Mistake("no-saves", "saves are engagements too: likes + comments + shares + saves",
                lambda ds: ds.posts[["likes", "comments", "shares"]].sum(axis=1) / ds.posts["impressions"]),
    ),
)

Q2 = Question(
    "q2", "The pooled comparison: median ER by impressions per topic over all posts, a Series indexed by topic.",
    ("topic_er",),
    reference=topic_er, comparison=SERIES,
    hints=("Group the posts by topic and summarise post_er.",
           "`post_er.groupby(ds.posts['topic'])` groups the rates by topic; take the median."),
    solution="topic_er = post_er.groupby(ds.posts['topic'].astype(str)).median()",
    mistakes=(
        Mistake("mean-not-median",
                "these are MEAN rates; a few viral posts move a mean, use the median", lambda ds: topic_er(ds, "mean")),
        Mistake("reach-rate",
                "that is ER by reach; use post_er (ER by impressions)", lambda ds: topic_er(ds, rate=an.er_reach)),
    ),
)

Q3 = Question(
    "q3", "Where each topic is posted: a table with topics as rows, platforms as columns and, in each row, "
    "the share of that topic's posts on each platform (rows sum to 1).", ("topic_platform",),
    reference=topic_platform, comparison=FrameMatch(rtol=1e-6),
    hints=("A cross-tabulation counts posts per (topic, platform); you want shares within each topic.",
           "`pd.crosstab(rows, columns, normalize=...)` divides by row totals with normalize='index'."),
    solution="topic_platform = pd.crosstab(ds.posts['topic'].astype(str), ds.posts['platform'].astype(str), "
             "normalize='index')",
    mistakes=(
        Mistake("columns-sum-to-one",
                "each COLUMN sums to 1 here (the topic mix of each platform); the question asks for each "
                "topic's split over platforms, rows summing to 1", lambda ds: topic_platform(ds, "columns")),
        Mistake("transposed", "the table is transposed: topics go in the rows, platforms in the columns",
                lambda ds: topic_platform(ds).T),
        Mistake("counts-not-shares", "these are post counts; divide each row by its total (normalize='index')",
                lambda ds: topic_platform(ds, False).astype(float)),
    ),
)

Q4 = Question(
    "q4", "Each post's ER relative to its own account: post_er divided by the median post_er of the posting "
    "account, a Series aligned with ds.posts.", ("rel_er",),
    reference=rel_er, comparison=SERIES,
    hints=("Every post is compared with what its own account usually gets, which removes the platform and "
           "the account's size from the comparison.",
           "`post_er.groupby(ds.posts['account_id']).transform('median')` gives each post its account's "
           "median, aligned with the posts."),
    solution="rel_er = post_er / post_er.groupby(ds.posts['account_id']).transform('median')",
    steps=(
        Step("raw-er", "that is post_er itself; divide each post's rate by the median post_er of its own account",
             post_er, teaches="divide each post's rate by its own account's median rate"),
    ),
    mistakes=(
        Mistake("platform-baseline",
                "that divides by the PLATFORM's median; divide by the median of the post's own account",
                lambda ds: rel_er(ds, by="platform")),
        Mistake("mean-baseline",
                "that divides by each account's MEAN ER; use its median", lambda ds: rel_er(ds, how="mean")),
    ),
)

Q5 = Question(
    "q5", "Insight card: the topic to recommend, judged fairly by the median of rel_er per topic; its "
    "evidence (that median) and its sample size (the number of posts on that topic). A topic is a near-tie of the "
    "best when its median is within TIE_SE (one) standard error of the difference from the best one's.",
    ("best_topic", "best_topic_rel", "best_topic_posts"),
    reference=topic_card, comparison=LabelCard("topic"),
    hints=("Group rel_er by topic as you grouped post_er in question 2, and read off the largest median.",
           "The label of the largest value is the topic (`idxmax`); the value there is the evidence; count "
           "that topic's posts for the sample size.",
           "Keep the per-topic medians in a Series first (you will chart them next); `ds.posts['topic']` "
           "compared with your topic gives the posts to count."),
    solution=("topic_rel = rel_er.groupby(ds.posts['topic'].astype(str)).median()\n"
              "best_topic = topic_rel.idxmax()\n"
              "best_topic_rel = topic_rel.max()\n"
              "best_topic_posts = int((ds.posts['topic'] == best_topic).sum())"),
    steps=(
        Step("pooled-favourite",
             "that is the POOLED favourite: it is posted mostly on high-engagement platforms (see your "
             "topic_platform table); compare topics with rel_er, each post against its own account",
             pooled_card, teaches="judge the topics by rel_er, each post against its own account"),
    ),
    mistakes=(
        Mistake("platform-baseline",
                "that evidence is relative to the PLATFORM's median; use rel_er, relative to each account's "
                "own median", lambda ds: topic_card(ds, by="platform")),
        Mistake("mean-not-median",
                "that evidence is a MEAN of rel_er; use the median", lambda ds: topic_card(ds, how="mean")),
        Mistake("all-posts-count", "the sample size is the number of posts on that topic, not of all posts",
                lambda ds: (lambda c: (c[0], c[1], c[2] * 0 + len(ds.posts)))(topic_card(ds))),
    ),
    points=2,
    judgement=True,
)

Q6 = Question(
    "q6", "Chart: draw the median rel_er per topic as a seaborn bar chart (one bar per topic, no error "
    "bars) with a title and a label on the value axis, and keep its Axes.", ("topic_chart",),
    reference=topic_chart, comparison=BarChart("topic", measure=("rel_er", "engagement", "er", "relative")),
    plain=bar_chart,
    hints=("sns.barplot draws one bar per category; its `estimator` says how the bar summarises the values.",
           "Put rel_er on one axis and the topics on the other (topics on y give horizontal bars with "
           "readable labels); pass estimator='median' and errorbar=None. barplot returns the Axes.",
           "The Axes has `.set(title=..., xlabel=..., ylabel=...)` for a title and axis labels that say what they "
           "show; store the Axes in topic_chart."),
    solution=("topic_chart = sns.barplot(x=rel_er, y=ds.posts['topic'].astype(str), estimator='median', "
              "errorbar=None)\n"
              "topic_chart.set(title='Median engagement relative to the account, by topic', "
              "xlabel='median rel_er', ylabel='topic');"),
    mistakes=(
        Mistake("mean-estimator", "the bars show MEANS, seaborn's default estimator; pass estimator='median'",
                lambda ds: topic_chart(ds, "mean")),
        Mistake("raw-er", "the bars show the raw post_er; chart rel_er, the fair comparison",
                lambda ds: topic_chart(ds, column="er")),
        measure_unnamed(topic_chart),
    ),
)

Q7 = Question(
    "q7", "Hashtags: the median rel_er per number of hashtags (n_hashtags), a Series indexed by the count.",
    ("hashtag_rel",),
    reference=hashtag_rel, comparison=SERIES,
    hints=("The same fair comparison as for topics, grouped by the hashtag count.",
           "Group rel_er by ds.posts['n_hashtags'] and take the median."),
    solution="hashtag_rel = rel_er.groupby(ds.posts['n_hashtags']).median()",
    mistakes=(
        Mistake("raw-er", "these are medians of the raw post_er; use rel_er", lambda ds: hashtag_rel(ds, column="er")),
        Mistake("mean-not-median", "these are MEANS; use the median", lambda ds: hashtag_rel(ds, "mean")),
        Mistake("min-posts-filter",
                "you left out the counts with few posts; this table keeps every hashtag count (the minimum sample is "
                "for the format card of q8)", hashtag_rel_enough_posts),
    ),
)

#: The model written answer, shown by ``q8.solution()`` once the learner wrote theirs.
MODEL_ANSWER = (
    "Post more on the topic that wins the fair comparison: judged against each account's own typical "
    'post, its median post engages clearly better than any other topic, over several hundred posts. The '
    'pooled median pointed to another topic only because that topic is posted mostly on the platforms '
    'that engage best; within the same accounts it does no better than average. On each platform, favour '
    'the format of the card (its median rel_er is the evidence); formats with fewer than 30 posts on a '
    'platform are not judged, and close seconds within the noise are as good a bet. Hashtags: posts with a '
    "moderate number of hashtags (the peak of the chart) do a few percent better than the account's "
    'typical post and posts stuffed with hashtags clearly worse, so cap the count rather than add more. '
    'Re-check in a quarter: medians of a few hundred posts move.'
)

Q8 = Question(
    "q8", "Insight card per platform: the format to recommend on each platform by median rel_er, among "
    "formats with at least MIN_POSTS (30) posts on that platform, and its evidence (that median); two "
    "Series indexed by platform. A format is a near-tie of its platform's best when its median is within TIE_SE "
    "(one) standard error of the difference from the best one's.",
    ("best_format", "best_format_rel"),
    reference=format_card, comparison=BestPerGroup("platform", "format"),
    hints=("Compare formats within each platform: a reel on tiktok and a text post on linkedin do not "
           "compete for the same audience.",
           "Group rel_er by platform and format; keep the cells with at least ex.MIN_POSTS posts "
           "(`.agg(['median', 'size'])` gives both).",
           "For each platform take the format with the largest median (sort the cells by median and keep "
           "the first row per platform) and that median as evidence."),
    solution=("cells = rel_er.groupby([ds.posts['platform'].astype(str), ds.posts['format'].astype(str)])"
              ".agg(['median', 'size'])\n"
              "cells = cells[cells['size'] >= ex.MIN_POSTS].reset_index()\n"
              "top = cells.sort_values('median', ascending=False).drop_duplicates('platform').set_index('platform')\n"
              "best_format = top['format']\n"
              "best_format_rel = top['median']"),
    steps=(
        Step("raw-er", "the evidence is the raw median post_er; compare with rel_er", raw_er_formats,
             teaches="judge the formats by rel_er, each post against its own account"),
        Step("raw-er-ranking",
             "those formats lead by the raw post_er; rank the formats of each platform by their median rel_er too, "
             "each post against its own account", raw_er_picked_formats,
             teaches="rank the formats by rel_er, each post against its own account"),
        Step("min-posts",
             "a format with fewer than ex.MIN_POSTS posts on a platform is not judged: keep the cells with at least "
             "that many posts before picking the best", lambda ds: format_card(ds, min_posts=0),
             teaches="judge only formats with at least MIN_POSTS posts on the platform"),
    ),
    mistakes=(
        Mistake("one-format-for-all",
                "that is one format for every platform (the best over all posts); each platform has its own "
                "formats and audience, compare formats within each platform", one_format_for_all),
        Mistake("most-posted",
                "that is each platform's most POSTED format, not its best performing one", most_posted_format),
        Mistake("mean-not-median",
                "that evidence is a MEAN of rel_er; use the median", lambda ds: format_card(ds, "mean")),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("04_what_to_post", "What to post", (Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8), tables=("posts",))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q8 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
