"""Questions of notebook 03, when to post: hour x weekday, best windows, weekday vs weekend.

The reference analysis is the median engagement rate by reach per posting
hour / weekday (UTC, Monday = 0). Insight answers are checked against both the
data and the planted truth (``ds.truth["platforms"][p]["best_window"]``), see
:func:`sandbox.exercises._analysis.supported`.

In the notebook: ``q1, q2, q3, q4, q5, q6, q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from . import _analysis as an
from ._compare import FrameMatch, MemberOf, Scalar, Several, SeriesMatch
from ._question import Exercise, Mistake, Question

#: Hours holding less than this share of the instagram posts are too noisy to call "best"
#: (a median of 6 posts can be anything).
MIN_SHARE = 0.02
#: Ratio band read as "about the same" in the weekday/weekend question.
SAME_BAND = (0.95, 1.05)
EFFECT_CHOICES = ("higher", "lower", "about the same")


def timing(ds) -> tuple[pd.Series, pd.Series]:
    return ds.posts["posted_at"].dt.hour, ds.posts["posted_at"].dt.day_of_week


def instagram(ds, rate=an.er_reach) -> pd.DataFrame:
    posts = ds.posts[ds.posts["platform"] == "instagram"]
    return posts.assign(er=rate(posts), hour=posts["posted_at"].dt.hour, weekday=posts["posted_at"].dt.day_of_week)


def ig_er_by_hour(ds, how: str = "median", rate=an.er_reach, platform_filter: bool = True) -> pd.Series:
    if platform_filter:
        posts = instagram(ds, rate)
    else:
        posts = ds.posts.assign(er=rate(ds.posts), hour=ds.posts["posted_at"].dt.hour)
    return posts.groupby("hour")["er"].agg(how)


def ig_heatmap(ds, how: str = "median") -> pd.DataFrame:
    return instagram(ds).pivot_table(index="weekday", columns="hour", values="er", aggfunc=how)


def window(ds, platform: str) -> dict | None:
    """The planted best window of ``platform``, or None for a dataset saved without truth.json
    (per-student course data): then only the data decides."""
    return ds.truth.get("platforms", {}).get(platform, {}).get("best_window")


def well_sampled(ds, values: pd.Series) -> pd.Series:
    """``values`` (indexed by hour) restricted to hours with at least MIN_SHARE of the instagram posts."""
    share = instagram(ds)["hour"].value_counts(normalize=True)
    return values[values.index.isin(share.index[share >= MIN_SHARE])]


def best_hours(ds) -> set:
    planted = window(ds, "instagram")
    # Data model v2 plants the window in each brand's local time, not in the UTC hours asked here:
    # then only the data decides.
    utc = planted and planted.get("clock", "UTC") == "UTC"
    lo, hi = planted["hours"] if utc else (0, 0)
    return an.supported(well_sampled(ds, ig_er_by_hour(ds)), set(range(lo, hi)), k=max(hi - lo, 1))


def ig_er_by_weekday(ds) -> pd.Series:
    return instagram(ds).groupby("weekday")["er"].median()


def best_weekdays(ds) -> set:
    planted = window(ds, "instagram")
    return an.supported(ig_er_by_weekday(ds), set(planted["weekdays"]) if planted else set(), k=2)


def weekend_ratio(ds, how: str = "median") -> float:
    er = an.er_reach(ds.posts)
    weekend = ds.posts["posted_at"].dt.day_of_week >= 5
    return float(er[weekend].agg(how) / er[~weekend].agg(how))


def effect_label(ratio: float) -> str:
    lo, hi = SAME_BAND
    return "lower" if ratio < lo else "higher" if ratio > hi else "about the same"


def weekend_effect(ds) -> set:
    """The label the data shows, and the planted multiplier's label when they disagree (both defensible)."""
    seen = effect_label(weekend_ratio(ds))
    # data model v2 plants a weekend confounder: the planted (within-platform) effect answers another
    # question than this pooled one, so only the data's label is right
    if "weekend_multiplier" not in ds.truth or "confounders" in ds.truth:
        return {seen}
    return {seen, effect_label(ds.truth["weekend_multiplier"])}


SERIES = SeriesMatch(rtol=1e-6)

Q1 = Question(
    "q1", "Posting hour (0-23, UTC) and weekday (Monday = 0 ... Sunday = 6) of every post, as two Series "
    "aligned with ds.posts.", ("post_hour", "post_weekday"),
    reference=timing, comparison=Several(("post_hour", "post_weekday"), (SERIES, SERIES)),
    hints=("posted_at is a UTC timestamp; the .dt accessor extracts its parts.",
           "ds.posts['posted_at'].dt.hour and ds.posts['posted_at'].dt.day_of_week"),
    solution="post_hour = ds.posts['posted_at'].dt.hour\npost_weekday = ds.posts['posted_at'].dt.day_of_week",
    mistakes=(
        Mistake("`post_weekday` counts from 1 (ISO day numbers); here Monday = 0, use .dt.day_of_week",
                lambda ds: (timing(ds)[0], timing(ds)[1] + 1)),
        Mistake("hour and weekday are swapped", lambda ds: timing(ds)[::-1]),
    ),
)

Q2 = Question(
    "q2", "Instagram only: the median engagement rate by reach for each posting hour, a Series indexed by hour.",
    ("ig_er_by_hour",),
    reference=ig_er_by_hour, comparison=SERIES,
    hints=("Filter to instagram, compute engagements / reach, then group by hour.",
           "ig = ds.posts[ds.posts['platform'] == 'instagram'].assign(er=..., hour=...); "
           "ig.groupby('hour')['er'].median()"),
    solution=("ig = ds.posts[ds.posts['platform'] == 'instagram']\n"
              "ig = ig.assign(er=ig[['likes', 'comments', 'shares', 'saves']].sum(axis=1) / ig['reach'],\n"
              "               hour=ig['posted_at'].dt.hour,\n"
              "               weekday=ig['posted_at'].dt.day_of_week)\n"
              "ig_er_by_hour = ig.groupby('hour')['er'].median()"),
    mistakes=(
        Mistake("you forgot to filter the platform: these are all posts; keep instagram posts only",
                lambda ds: ig_er_by_hour(ds, platform_filter=False)),
        Mistake("these are MEAN rates per hour; the question asks for medians", lambda ds: ig_er_by_hour(ds, "mean")),
        Mistake("wrong denominator: that is ER by impressions; use reach",
                lambda ds: ig_er_by_hour(ds, rate=an.er_impressions)),
    ),
)

Q3 = Question(
    "q3", "Instagram heatmap table: median ER by reach with weekdays as rows (0-6) and hours as columns.",
    ("ig_heatmap",),
    reference=ig_heatmap, comparison=FrameMatch(rtol=1e-6),
    hints=("A pivot table puts one variable in rows and another in columns.",
           "ig.pivot_table(index='weekday', columns='hour', values='er', aggfunc='median')"),
    solution="ig_heatmap = ig.pivot_table(index='weekday', columns='hour', values='er', aggfunc='median')",
    mistakes=(
        Mistake("the table is transposed: weekdays go in the rows (index), hours in the columns",
                lambda ds: ig_heatmap(ds).T),
        Mistake("the cells hold MEANS; use the median (aggfunc='median')", lambda ds: ig_heatmap(ds, "mean")),
    ),
)

Q4 = Question(
    "q4", "Insight: what is the best hour (UTC) to post on instagram, among hours holding at least "
    "MIN_SHARE (2%) of the instagram posts? One whole number 0-23.", ("best_hour_instagram",),
    reference=best_hours, comparison=MemberOf(int, "hour"),
    hints=("Look for the highest value in ig_er_by_hour, but first drop the hours with few posts: "
           "a median of 6 posts is mostly noise.",
           "share = ig['hour'].value_counts(normalize=True); keep = share[share >= ex.MIN_SHARE].index",
           "best_hour_instagram = ig_er_by_hour[ig_er_by_hour.index.isin(keep)].idxmax()"),
    solution=("share = ig['hour'].value_counts(normalize=True)\n"
              "well_sampled = ig_er_by_hour[ig_er_by_hour.index.isin(share[share >= ex.MIN_SHARE].index)]\n"
              "best_hour_instagram = int(well_sampled.idxmax())"),
    mistakes=(
        Mistake(f"that hour holds less than {MIN_SHARE:.0%} of the instagram posts, too few to trust its median; "
                "keep only hours with at least ex.MIN_SHARE of the posts",
                lambda ds: set(ig_er_by_hour(ds).index) - set(well_sampled(ds, ig_er_by_hour(ds)).index)),
        Mistake("that hour has the most instagram POSTS, not the highest engagement rate",
                lambda ds: an.top_labels(instagram(ds)["hour"].value_counts())),
        Mistake("that is the best hour by MEAN engagement rate, which a few viral posts can decide; use the median",
                lambda ds: an.top_labels(ig_er_by_hour(ds, "mean"))),
        Mistake("that is the best hour over ALL platforms; the question is about instagram",
                lambda ds: an.top_labels(ig_er_by_hour(ds, platform_filter=False))),
    ),
    points=2,
)

Q5 = Question(
    "q5", "Insight: which weekday (Monday = 0) is best for instagram, by median ER by reach?",
    ("best_weekday_instagram",),
    reference=best_weekdays, comparison=MemberOf(int, "weekday number"),
    hints=("Group the instagram posts by weekday instead of hour.",
           "best_weekday_instagram = ig.groupby('weekday')['er'].median().idxmax()"),
    solution="best_weekday_instagram = int(ig.groupby('weekday')['er'].median().idxmax())",
    mistakes=(
        Mistake("that weekday has the most instagram POSTS, not the highest engagement rate",
                lambda ds: an.top_labels(instagram(ds)["weekday"].value_counts())),
        Mistake("counted from 1? Monday is 0 here (dt.day_of_week)",
                lambda ds: {d + 1 for d in best_weekdays(ds)}),
    ),
)

Q6 = Question(
    "q6", "All platforms: median ER by reach of weekend posts (Saturday, Sunday) divided by that of weekday posts.",
    ("weekend_ratio",),
    reference=weekend_ratio, comparison=Scalar(rtol=1e-4),
    hints=("Weekend posts have dayofweek 5 or 6.",
           "er = engagements / reach for all posts; weekend = ds.posts['posted_at'].dt.day_of_week >= 5; "
           "er[weekend].median() / er[~weekend].median()"),
    solution=("er = ds.posts[['likes', 'comments', 'shares', 'saves']].sum(axis=1) / ds.posts['reach']\n"
              "weekend = ds.posts['posted_at'].dt.day_of_week >= 5\n"
              "weekend_ratio = er[weekend].median() / er[~weekend].median()"),
    mistakes=(
        Mistake("the ratio is upside down: weekend divided by weekday", lambda ds: 1 / weekend_ratio(ds)),
        Mistake("that ratio uses MEANS; use medians", lambda ds: weekend_ratio(ds, "mean")),
        Mistake("Friday is not weekend: weekend posts have dayofweek 5 (Saturday) or 6 (Sunday)",
                lambda ds: float(an.er_reach(ds.posts)[ds.posts["posted_at"].dt.day_of_week >= 4].median()
                                 / an.er_reach(ds.posts)[ds.posts["posted_at"].dt.day_of_week < 4].median())),
    ),
)

Q7 = Question(
    "q7", "Insight: is engagement on weekends 'higher', 'lower' or 'about the same' (within 5%) compared with "
    "weekdays?", ("weekend_effect",),
    reference=weekend_effect, comparison=MemberOf(str, "choice", options=EFFECT_CHOICES),
    hints=("Read it off your weekend_ratio.",
           f"Below {SAME_BAND[0]} is 'lower', above {SAME_BAND[1]} 'higher', in between 'about the same'."),
    solution=("weekend_effect = 'lower' if weekend_ratio < 0.95 else 'higher' if weekend_ratio > 1.05 "
              "else 'about the same'"),
    mistakes=(
        Mistake("read the ratio the right way round: weekend / weekday below 1 means weekends do worse",
                lambda ds: {effect_label(1 / weekend_ratio(ds))}),
    ),
)

EXERCISE = Exercise("03_when_to_post", "When to post", (Q1, Q2, Q3, Q4, Q5, Q6, Q7), tables=("posts",))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
