"""Questions of notebook 03, when to post: hour x weekday, best windows, weekday vs weekend.

The reference analysis is the median engagement rate by reach per posting
hour / weekday (UTC, Monday = 0). The best hour (q4) is judged on the data alone:
its best well-sampled hour and near-ties within NEAR_TIE, with that hour's median
as evidence. The best weekday (q5) also accepts the planted truth (``ds.truth``)
where the data ranks it near the top, see :func:`sandbox.exercises._analysis.supported`.
The weekend effect (q7) is judged on the data within platforms: weekend posts come
mostly from some platforms (the planted confounder ``weekend_by_platform``), so the
pooled ratio of q6 is the naive first look, and its label is q7's typical mistake.

In the notebook: ``q1, q2, q3, q4, q5, q6, q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _analysis as an
from ._compare import BestWithEvidence, FrameMatch, MemberOf, Scalar, Several, SeriesMatch
from ._question import Exercise, Mistake, Question

#: Hours holding less than this share of the instagram posts are too noisy to call "best"
#: (a median of 6 posts can be anything).
MIN_SHARE = 0.02
#: Noise band of the best-hour question: hours whose median ER is within 1% of the best hour's are
#: near-ties, and each of them is accepted. Wider would accept neighbouring hours of a planted window.
NEAR_TIE = 0.01
#: Local times learners convert to by mistake (the question is in UTC).
LOCAL_ZONES = {"Paris": "Europe/Paris", "London": "Europe/London"}
#: Ratio band read as "about the same" in the weekday/weekend question.
SAME_BAND = (0.95, 1.05)
EFFECT_CHOICES = ("higher", "lower", "about the same")


def timing(ds) -> tuple[pd.Series, pd.Series]:
    return ds.posts["posted_at"].dt.hour, ds.posts["posted_at"].dt.day_of_week


def instagram(ds, rate=an.er_reach) -> pd.DataFrame:
    posts = ds.posts[ds.posts["platform"] == "instagram"]
    return posts.assign(er=rate(posts), hour=posts["posted_at"].dt.hour, weekday=posts["posted_at"].dt.day_of_week)


def ig_er_by_hour(ds, how: str = "median", rate=an.er_reach, platform_filter: bool = True,
                  zone: str | None = None) -> pd.Series:
    """Instagram's ER per posting hour (UTC, or the local hour of ``zone``; a mistake for the question)."""
    posts = instagram(ds, rate) if platform_filter else ds.posts.assign(er=rate(ds.posts))
    hours = posts["posted_at"].dt.tz_convert(zone).dt.hour if zone else posts["posted_at"].dt.hour
    return posts.assign(hour=hours).groupby("hour")["er"].agg(how)


def ig_heatmap(ds, how: str = "median") -> pd.DataFrame:
    return instagram(ds).pivot_table(index="weekday", columns="hour", values="er", aggfunc=how)


def window(ds, platform: str) -> dict | None:
    """The planted best window of ``platform``, or None for a dataset saved without truth.json
    (per-student course data): then only the data decides."""
    return ds.truth.get("platforms", {}).get(platform, {}).get("best_window")


def well_sampled(ds, values: pd.Series, zone: str | None = None) -> pd.Series:
    """``values`` (indexed by hour) restricted to hours with at least MIN_SHARE of the instagram posts."""
    posted = instagram(ds)["posted_at"]
    hours = posted.dt.tz_convert(zone).dt.hour if zone else posted.dt.hour
    share = hours.value_counts(normalize=True)
    return values[values.index.isin(share.index[share >= MIN_SHARE])]


def near_best(values: pd.Series) -> set:
    """Labels within NEAR_TIE (relative) of the largest value: the data cannot tell them apart."""
    values = values.dropna()
    if values.empty:
        return set()
    return {int(h) for h in values.index[values >= values.max() * (1 - NEAR_TIE)]}


def card(values: pd.Series, accepted: set | None = None) -> tuple[set, pd.Series]:
    """An insight card's expected value: (accepted hours, the value per hour that is their evidence)."""
    return (near_best(values) if accepted is None else accepted), values


def best_hours(ds) -> tuple[set, pd.Series]:
    """The data's best well-sampled instagram hour (UTC) and its near-ties, with the median ER per hour.

    The planted window plays no part: the learner is judged on what their data shows.
    """
    return card(well_sampled(ds, ig_er_by_hour(ds)))


def local_best_hours(ds, zone: str) -> tuple[set, pd.Series]:
    """The best hour a learner finds after converting posted_at to ``zone`` (a mistake)."""
    return card(well_sampled(ds, ig_er_by_hour(ds, zone=zone), zone=zone))


def off_by_one(ds) -> tuple[set, pd.Series]:
    best, _ = best_hours(ds)
    return card(ig_er_by_hour(ds), {(h + d) % 24 for h in best for d in (-1, 1)} - best)


def best_hour_by_total(ds) -> tuple[set, pd.Series]:
    """Best well-sampled hour by total engagements instead of the rate, totals as evidence (a mistake)."""
    ig = instagram(ds)
    return card(well_sampled(ds, an.engagements(ig).groupby(ig["hour"]).sum().astype(float)))


def brand_local_best_hours(ds) -> tuple[set, pd.Series]:
    """The best well-sampled hour on each brand's own clock (``brands.timezone``): notebook 05's question."""
    from .ex05_audience_local_time import best_local_hours  # ex05 builds on this module

    return best_local_hours(ds)


def thin_hours(ds) -> tuple[set, pd.Series]:
    """Hours below MIN_SHARE, with their (noisy) medians (a mistake)."""
    values = ig_er_by_hour(ds)
    return card(values, set(values.index) - set(well_sampled(ds, values).index))


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


def weekend_pooled(ds) -> set:
    """The label of the pooled ratio (q6): the naive first look, a mistake for q7 (the platform mix decides it)."""
    return {effect_label(weekend_ratio(ds))}


def weekend_ratios_by_platform(ds) -> pd.Series:
    """Per platform: median ER by reach of weekend posts / that of weekday posts."""
    posts = ds.posts.assign(er=an.er_reach(ds.posts), weekend=ds.posts["posted_at"].dt.day_of_week >= 5)
    by = posts.groupby(["platform", "weekend"], observed=True)["er"].median().unstack()
    return by[True] / by[False]


def weekend_within(ds) -> float:
    """The weekend effect within platforms: geometric mean over platforms of their weekend / weekday ratios.

    Each platform is compared with itself, so the platform mix of weekend posts drops out; the
    geometric mean treats a ratio and its inverse symmetrically, as the planted truth does.
    """
    return float(np.exp(np.log(weekend_ratios_by_platform(ds)).mean()))  # a platform without weekend posts is skipped


def weekend_effect(ds) -> set:
    """The label of the weekend effect within platforms (the careful answer).

    Only the data decides: the planted label (``truth["confounders"]["weekend_by_platform"]["answer"]``)
    is measured on ER by impressions relative to each account, a finer comparison than the notebook's.
    """
    return {effect_label(weekend_within(ds))}


SERIES = SeriesMatch(rtol=1e-6)

Q1 = Question(
    "q1", "Posting hour (0-23, UTC) and weekday (Monday = 0 ... Sunday = 6) of every post, as two Series "
    "aligned with ds.posts.", ("post_hour", "post_weekday"),
    reference=timing, comparison=Several(("post_hour", "post_weekday"), (SERIES, SERIES)),
    hints=("posted_at is a UTC timestamp; the .dt accessor extracts its parts.",
           "`.dt.hour` gives the hour; `.dt.day_of_week` numbers the days from Monday = 0."),
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
           "Keep the rows where platform is 'instagram', add er and hour columns with `.assign(...)`, group "
           "by hour and take the median of er."),
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
           "`ig.pivot_table(...)` takes index=, columns=, values= and aggfunc= (here the median)."),
    solution="ig_heatmap = ig.pivot_table(index='weekday', columns='hour', values='er', aggfunc='median')",
    mistakes=(
        Mistake("the table is transposed: weekdays go in the rows (index), hours in the columns",
                lambda ds: ig_heatmap(ds).T),
        Mistake("the cells hold MEANS; use the median (aggfunc='median')", lambda ds: ig_heatmap(ds, "mean")),
    ),
)

Q4 = Question(
    "q4", "Insight card: the best hour (UTC) to post on instagram, among hours holding at least MIN_SHARE (2%) "
    "of the instagram posts, and its evidence: that hour's median ER by reach. Hours within NEAR_TIE (1%) of "
    "the best median count as ties.", ("best_hour_instagram", "best_hour_er"),
    reference=best_hours, comparison=BestWithEvidence("hour"),
    hints=("Look for the highest value in ig_er_by_hour, but first drop the hours with few posts: "
           "a median of 6 posts is mostly noise.",
           "`value_counts(normalize=True)` of ig's hour column gives each hour's share of the posts; keep "
           "the hours whose share is at least ex.MIN_SHARE.",
           "Restrict ig_er_by_hour to those hours (`.index.isin(...)`); the label of the largest value "
           "(`idxmax`, as an int) is the hour, and the value there is the evidence."),
    solution=("share = ig['hour'].value_counts(normalize=True)\n"
              "well_sampled = ig_er_by_hour[ig_er_by_hour.index.isin(share[share >= ex.MIN_SHARE].index)]\n"
              "best_hour_instagram = int(well_sampled.idxmax())\n"
              "best_hour_er = well_sampled.max()"),
    mistakes=(
        Mistake(f"that hour holds less than {MIN_SHARE:.0%} of the instagram posts, too few to trust its median; "
                "keep only hours with at least ex.MIN_SHARE of the posts", thin_hours),
        Mistake("that is the best hour in Paris time; the question asks for UTC, as posted_at is stored",
                lambda ds: local_best_hours(ds, LOCAL_ZONES["Paris"])),
        Mistake("that is the best hour in London time; the question asks for UTC, as posted_at is stored",
                lambda ds: local_best_hours(ds, LOCAL_ZONES["London"])),
        Mistake("that is the best hour on each brand's LOCAL clock (brands.timezone); this question asks for the "
                "UTC hour, as posted_at stores it (notebook 05 works in local time)", brand_local_best_hours),
        Mistake("one hour off: that hour is next to the best one", off_by_one),
        Mistake("that is the hour with the most engagements in TOTAL (hours with many posts win); compare the "
                "median engagement RATE", best_hour_by_total),
        Mistake("that is the best hour by MEAN engagement rate, which a few viral posts can decide; use the median",
                lambda ds: card(well_sampled(ds, ig_er_by_hour(ds, "mean")))),
        Mistake("that is the best hour over ALL platforms; the question is about instagram",
                lambda ds: card(ig_er_by_hour(ds, platform_filter=False))),
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
        Mistake("counted from 1? Monday is 0 here (dt.day_of_week)",
                lambda ds: {d + 1 for d in best_weekdays(ds)}),
        Mistake("that is the best weekday over ALL platforms; the question is about instagram",
                lambda ds: an.top_labels(an.er_reach(ds.posts).groupby(ds.posts["posted_at"].dt.day_of_week).median(), 1)),
    ),
)

Q6 = Question(
    "q6", "All platforms: median ER by reach of weekend posts (Saturday, Sunday) divided by that of weekday posts.",
    ("weekend_ratio",),
    reference=weekend_ratio, comparison=Scalar(rtol=1e-4),
    hints=("Weekend posts have dayofweek 5 or 6.",
           "Compute er for all posts and a boolean `weekend` mask (day_of_week 5 or 6); `er[weekend]` and "
           "`er[~weekend]` are the two groups whose medians you divide."),
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
    "q7", "Insight: within each platform, is engagement on weekends 'higher', 'lower' or 'about the same' "
    "(within 5%) compared with weekdays? Judge it on the geometric mean over platforms of each platform's "
    "weekend / weekday ratio of median ER by reach.", ("weekend_effect",),
    reference=weekend_effect, comparison=MemberOf(str, "choice", options=EFFECT_CHOICES),
    hints=("Compare each platform with itself: weekend posts are not spread over the platforms like weekday posts.",
           "Group the posts by platform and by a weekend flag, take the median er, `.unstack()` the flag and "
           "divide the weekend column by the weekday column: one ratio per platform.",
           f"Average those ratios geometrically (the product to the power 1 / their count), then read the label: below "
           f"{SAME_BAND[0]} is 'lower', above {SAME_BAND[1]} 'higher', in between 'about the same'."),
    solution=("posts = ds.posts.assign(er=er, weekend=weekend)\n"
              "by_platform = posts.groupby(['platform', 'weekend'], observed=True)['er'].median().unstack()\n"
              "platform_ratios = by_platform[True] / by_platform[False]\n"
              "within_ratio = platform_ratios.prod() ** (1 / platform_ratios.count())\n"
              "weekend_effect = 'lower' if within_ratio < 0.95 else 'higher' if within_ratio > 1.05 "
              "else 'about the same'"),
    mistakes=(
        Mistake("that is the pooled answer of question 6: weekend posts come mostly from a few platforms, so "
                "the pooled ratio measures the platform mix; compare weekends with weekdays within each platform",
                weekend_pooled),
        # the upside-down reading is not listed: it differs from the reference only when the effect is
        # not 'about the same' (about half of the worlds), so no message could be trusted
    ),
    points=2,
)

EXERCISE = Exercise("03_when_to_post", "When to post", (Q1, Q2, Q3, Q4, Q5, Q6, Q7), tables=("posts",))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
