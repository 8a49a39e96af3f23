"""Questions of notebook 03, when to post: one market's clock, hour x weekday, best windows, weekends.

Brands post, and their audiences read, on their local clock (``brands.timezone``), and the
generator plants the best posting window in local time; ``posted_at`` is stored in UTC. A UTC
hour mixes clocks (03:00 UTC is a Sydney evening and a London night), so a "best UTC hour" is an
answer no manager can act on. Notebook 03 therefore works on ONE market: the brands of the time
zone with the most instagram posts (:func:`market_zone`), every time converted to that zone, the
simple case of one ``tz_convert``. Notebook 05 generalises to every brand on its own clock.

The reference analysis is the median engagement rate by reach per posting hour / weekday of the
market's posts (local time, Monday = 0), which the learner also draws as a bar chart (q4). The best
hour (q5) is judged on the data alone: its best well-sampled hour and near-ties within NEAR_TIE,
with that hour's median as evidence. The best weekday (q6) also accepts the planted truth (``ds.truth``) where the data ranks it near the top,
see :func:`sandbox.analysis.bands.supported`. The weekend effect (q8) is judged on the data
within platforms: weekend posts come mostly from some platforms (the planted confounder
``weekend_by_platform``), so the pooled ratio of q7 is the naive first look, and its label is
q8's typical mistake.

In the notebook: ``q1, ..., q8 = ex.setup(globals())``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import analysis as an
from ..analysis import hour_card as card, well_sampled
from ._chart import BarChart, bar_chart
from ._compare import BestWithEvidence, FrameMatch, MemberOf, Scalar, Several, SeriesMatch
from ._question import Exercise, Mistake, Question

#: Hours holding less than this share of the instagram posts are too noisy to call "best"
#: (a median of 6 posts can be anything); the notebook's ex.MIN_SHARE.
MIN_SHARE = an.MIN_SHARE
#: Noise band of the best-hour question: hours whose median ER is within 1% of the best hour's are
#: near-ties, and each of them is accepted (the notebook's ex.NEAR_TIE).
NEAR_TIE = an.HOUR_TIE
#: A clock learners convert to by mistake: their own (Paris), which is no brand's zone in the
#: default locale. The realistic other wrong zones (most brands, most posts overall) are the
#: market itself on most worlds, so no message could be trusted for them.
OWN_ZONE = "Europe/Paris"
#: Ratio band read as "about the same" in the weekday/weekend question.
SAME_BAND = (0.95, 1.05)
EFFECT_CHOICES = ("higher", "lower", "about the same")
#: Where clocks are read from: the market's zone, or UTC as ``posted_at`` is stored (a mistake).
MARKET, UTC = "market", None


def post_zone(ds) -> pd.Series:
    """Each post's time zone, its brand's ``brands.timezone``, aligned with ds.posts."""
    brand = ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"])
    return brand.map(ds.brands.set_index("brand_id")["timezone"])


def market_zone(ds) -> str:
    """The market of notebook 03: the time zone whose brands published the most instagram posts."""
    return str(post_zone(ds)[ds.posts["platform"] == "instagram"].value_counts().idxmax())


def market(ds, clock=MARKET, every_brand: bool = False, rate=an.er_reach) -> pd.DataFrame:
    """The market's posts with ``er``, ``hour`` and ``weekday`` read on ``clock``.

    ``clock``: MARKET (the market's zone), another IANA zone or UTC (mistakes); ``every_brand``
    keeps every brand's posts instead of the market's (a mistake).
    """
    zone = market_zone(ds)
    posts = ds.posts if every_brand else ds.posts[post_zone(ds) == zone]
    at = posts["posted_at"] if clock is UTC else posts["posted_at"].dt.tz_convert(zone if clock == MARKET else clock)
    return posts.assign(er=rate(posts), hour=at.dt.hour, weekday=at.dt.day_of_week)


def timing(ds, clock=MARKET, every_brand: bool = False) -> tuple[str, pd.Series, pd.Series]:
    posts = market(ds, clock, every_brand)
    return market_zone(ds), posts["hour"], posts["weekday"]


def instagram(ds, clock=MARKET, every_brand: bool = False, rate=an.er_reach) -> pd.DataFrame:
    posts = market(ds, clock, every_brand, rate)
    return posts[posts["platform"] == "instagram"]


def ig_er_by_hour(ds, how: str = "median", rate=an.er_reach, platform_filter: bool = True, clock=MARKET,
                  every_brand: bool = False) -> pd.Series:
    """The market's instagram ER per local posting hour (the arguments other than ``ds`` make mistakes)."""
    posts = instagram(ds, clock, every_brand, rate) if platform_filter else market(ds, clock, every_brand, rate)
    return posts.groupby("hour")["er"].agg(how)


def ig_heatmap(ds, how: str = "median", clock=MARKET) -> pd.DataFrame:
    return instagram(ds, clock).pivot_table(index="weekday", columns="hour", values="er", aggfunc=how)


def window(ds, platform: str) -> dict | None:
    """The planted best window of ``platform``, or None for a dataset saved without truth.json
    (per-student course data): then only the data decides."""
    return ds.truth.get("platforms", {}).get(platform, {}).get("best_window")


def best_hours(ds, how: str = "median", clock=MARKET, every_brand: bool = False) -> tuple[set, pd.Series]:
    """The data's best well-sampled instagram hour of the market (local time) and its near-ties, with the
    median ER per hour. The planted window plays no part: the learner is judged on what their data shows.
    The arguments other than ``ds`` make mistakes."""
    ig = instagram(ds, clock, every_brand)
    return card(well_sampled(ig.groupby("hour")["er"].agg(how), ig["hour"]))


def off_by_one(ds) -> tuple[set, pd.Series]:
    best, _ = best_hours(ds)
    return card(ig_er_by_hour(ds), {(h + d) % 24 for h in best for d in (-1, 1)} - best)


def best_hour_by_total(ds) -> tuple[set, pd.Series]:
    """Best well-sampled hour by total engagements instead of the rate, totals as evidence (a mistake)."""
    ig = instagram(ds)
    return card(well_sampled(an.engagements(ig).groupby(ig["hour"]).sum().astype(float), ig["hour"]))


def brand_local_best_hours(ds) -> tuple[set, pd.Series]:
    """The best well-sampled hour of every brand on its own clock: notebook 05's question (a mistake here)."""
    return an.best_local_hours(ds)


def thin_hours(ds) -> tuple[set, pd.Series]:
    """Hours below MIN_SHARE, with their (noisy) medians (a mistake)."""
    values = ig_er_by_hour(ds)
    return card(values, set(values.index) - set(well_sampled(values, instagram(ds)["hour"]).index))


def ig_er_by_weekday(ds, platform_filter: bool = True) -> pd.Series:
    posts = instagram(ds) if platform_filter else market(ds)
    return posts.groupby("weekday")["er"].median()


def best_weekdays(ds) -> set:
    planted = window(ds, "instagram")
    return an.supported(ig_er_by_weekday(ds), set(planted["weekdays"]) if planted else set(), k=2)


def weekend_ratio(ds, how: str = "median", first_weekend_day: int = 5, every_brand: bool = False) -> float:
    """The market's median ER by reach of weekend posts / that of weekday posts, all platforms (local weekdays)."""
    posts = market(ds, every_brand=every_brand)
    weekend = posts["weekday"] >= first_weekend_day
    return float(posts["er"][weekend].agg(how) / posts["er"][~weekend].agg(how))


def effect_label(ratio: float) -> str:
    lo, hi = SAME_BAND
    return "lower" if ratio < lo else "higher" if ratio > hi else "about the same"


def weekend_pooled(ds) -> set:
    """The label of the pooled ratio (q7): the naive first look, a mistake for q8 (the platform mix decides it)."""
    return {effect_label(weekend_ratio(ds))}


def weekend_ratios_by_platform(ds) -> pd.Series:
    """Per platform: the market's median ER by reach of weekend posts / that of weekday posts."""
    posts = market(ds)
    by = posts.assign(weekend=posts["weekday"] >= 5).groupby(["platform", "weekend"], observed=True)["er"].median()
    by = by.unstack()
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
    is measured over every brand on ER by impressions relative to each account, a finer comparison
    than the notebook's.
    """
    return {effect_label(weekend_within(ds))}


SERIES = SeriesMatch(rtol=1e-6)
#: Each post's time zone, given in the notebook's text (the start of question 1's answer).
ZONE_CODE = ("zone = ds.posts['account_id'].map(ds.accounts.set_index('account_id')['brand_id'])"
             ".map(ds.brands.set_index('brand_id')['timezone'])")
CLOCK_MESSAGES = {
    "utc": "these are UTC hours, as posted_at is stored, not the market's clock its audience lives on; convert "
           "the market's posts with .dt.tz_convert(market_zone)",
    "every_brand": "these are every brand's posts on the market's clock; keep the posts of the market's brands "
                   "(zone == market_zone), which are the only ones on that clock",
    "own_zone": "that is Paris time (your own clock?); convert to the market's zone, market_zone",
    "every_brand_utc": "these are every brand's posts per UTC hour: a UTC hour mixes the clocks of several time "
                       "zones; keep the market's posts and convert them with .dt.tz_convert(market_zone)",
}

Q1 = Question(
    "q1", "The market: the time zone (brands.timezone) whose brands published the most instagram posts, and the "
    "posting hour (0-23) and weekday (Monday = 0 ... Sunday = 6) of every post of that market's brands (all "
    "platforms) on the market's clock, as two Series indexed like those posts.",
    ("market_zone", "local_hour", "local_weekday"),
    reference=timing,
    comparison=Several(("market_zone", "local_hour", "local_weekday"),
                       (MemberOf(str, "time zone"), SERIES, SERIES)),
    hints=("zone holds each post's time zone; count the instagram posts per zone. posted_at is a UTC timestamp: "
           "`.dt.tz_convert(...)` moves it to another clock and the .dt accessor extracts its parts.",
           "Count zone's instagram rows per zone (`value_counts`): the label of the largest count is the market. "
           "Keep the posts with `zone == market_zone` in `market`, convert their posted_at with "
           "`.dt.tz_convert(market_zone)`, then take `.dt.hour` and `.dt.day_of_week` (Monday = 0)."),
    solution=(ZONE_CODE + "\n"
              "market_zone = zone[ds.posts['platform'] == 'instagram'].value_counts().idxmax()\n"
              "market = ds.posts[zone == market_zone]\n"
              "local_time = market['posted_at'].dt.tz_convert(market_zone)\n"
              "local_hour = local_time.dt.hour\n"
              "local_weekday = local_time.dt.day_of_week"),
    mistakes=(
        Mistake("iso-weekday", "`local_weekday` counts from 1 (ISO day numbers); here Monday = 0, use .dt.day_of_week",
                lambda ds: (lambda z, h, w: (z, h, w + 1))(*timing(ds))),
        Mistake("hour-weekday-swapped",
                "hour and weekday are swapped", lambda ds: (lambda z, h, w: (z, w, h))(*timing(ds))),
        Mistake("utc", CLOCK_MESSAGES["utc"], lambda ds: timing(ds, UTC)),
        Mistake("every-brand", CLOCK_MESSAGES["every_brand"], lambda ds: timing(ds, every_brand=True)),
        Mistake("own-zone", CLOCK_MESSAGES["own_zone"], lambda ds: timing(ds, OWN_ZONE)),
        Mistake("every-brand-utc", CLOCK_MESSAGES["every_brand_utc"], lambda ds: timing(ds, UTC, every_brand=True)),
    ),
)

Q2 = Question(
    "q2", "The market's instagram posts: the median engagement rate by reach for each local posting hour, a "
    "Series indexed by hour.", ("ig_er_by_hour",),
    reference=ig_er_by_hour, comparison=SERIES,
    hints=("Keep the market's instagram posts, compute engagements / reach, then group by local hour.",
           "Keep the rows of market where platform is 'instagram', add er, hour (local_hour) and weekday "
           "(local_weekday) columns with `.assign(...)` (Series align on the index), group by hour and take "
           "the median of er."),
    solution=("ig = market[market['platform'] == 'instagram']\n"
              "ig = ig.assign(er=ig[['likes', 'comments', 'shares', 'saves']].sum(axis=1) / ig['reach'],\n"
              "               hour=local_hour, weekday=local_weekday)\n"
              "ig_er_by_hour = ig.groupby('hour')['er'].median()"),
    mistakes=(
        Mistake("all-platforms",
                "you forgot to filter the platform: these are all the market's posts; keep instagram posts only",
                lambda ds: ig_er_by_hour(ds, platform_filter=False)),
        Mistake("mean-not-median",
                "these are MEAN rates per hour; the question asks for medians", lambda ds: ig_er_by_hour(ds, "mean")),
        Mistake("impressions-rate", "wrong denominator: that is ER by impressions; use reach",
                lambda ds: ig_er_by_hour(ds, rate=an.er_impressions)),
        Mistake("utc", CLOCK_MESSAGES["utc"], lambda ds: ig_er_by_hour(ds, clock=UTC)),
        Mistake("every-brand", CLOCK_MESSAGES["every_brand"], lambda ds: ig_er_by_hour(ds, every_brand=True)),
        Mistake("own-zone", CLOCK_MESSAGES["own_zone"], lambda ds: ig_er_by_hour(ds, clock=OWN_ZONE)),
        Mistake("every-brand-utc",
                CLOCK_MESSAGES["every_brand_utc"], lambda ds: ig_er_by_hour(ds, clock=UTC, every_brand=True)),
    ),
)

Q3 = Question(
    "q3", "The market's instagram heatmap table: median ER by reach with local weekdays as rows (0-6) and local "
    "hours as columns.", ("ig_heatmap",),
    reference=ig_heatmap, comparison=FrameMatch(rtol=1e-6),
    hints=("A pivot table puts one variable in rows and another in columns.",
           "`ig.pivot_table(...)` takes index=, columns=, values= and aggfunc= (here the median)."),
    solution="ig_heatmap = ig.pivot_table(index='weekday', columns='hour', values='er', aggfunc='median')",
    mistakes=(
        Mistake("transposed", "the table is transposed: weekdays go in the rows (index), hours in the columns",
                lambda ds: ig_heatmap(ds).T),
        Mistake("mean-not-median",
                "the cells hold MEANS; use the median (aggfunc='median')", lambda ds: ig_heatmap(ds, "mean")),
        Mistake("utc", CLOCK_MESSAGES["utc"], lambda ds: ig_heatmap(ds, clock=UTC)),
    ),
)

Q4 = Question(
    "q4", "Chart: the market's instagram posts, a seaborn bar chart of the median ER by reach per local posting "
    "hour (one bar per hour, no error bars) with a title and a label on the value "
    "axis; keep its Axes.", ("hour_chart",),
    reference=ig_er_by_hour, comparison=BarChart("hour"), plain=bar_chart,
    hints=("Your DataFrame ig holds the market's instagram posts with their er and local hour; sns.barplot "
           "summarises er per hour with its `estimator`.",
           "Give barplot data=ig, x='hour' and y='er', estimator='median' and errorbar=None.",
           "barplot returns the Axes: give it a title and axis labels that say what they show "
           "(`.set(title=..., xlabel=..., ylabel=...)`) and store it in hour_chart."),
    solution=("hour_chart = sns.barplot(data=ig, x='hour', y='er', estimator='median', errorbar=None)\n"
              "hour_chart.set(title=f'Instagram in {market_zone}: median ER by reach per local hour',\n"
              "               xlabel='local hour', ylabel='median ER by reach');"),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show MEAN rates, seaborn's default estimator; a few viral posts decide them, pass "
                "estimator='median'", lambda ds: ig_er_by_hour(ds, "mean")),
        Mistake("utc", CLOCK_MESSAGES["utc"], lambda ds: ig_er_by_hour(ds, clock=UTC)),
        Mistake("all-platforms", "that chart holds all the market's platforms; keep its instagram posts only",
                lambda ds: ig_er_by_hour(ds, platform_filter=False)),
        Mistake("every-brand", CLOCK_MESSAGES["every_brand"], lambda ds: ig_er_by_hour(ds, every_brand=True)),
    ),
)

Q5 = Question(
    "q5", "Insight card: the best local hour to post on instagram in the market, among hours holding at least "
    "MIN_SHARE (2%) of the market's instagram posts, and its evidence: that hour's median ER by reach. Hours "
    "within NEAR_TIE (1%) of the best median count as ties.", ("best_hour_instagram", "best_hour_er"),
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
        Mistake("thin-hours",
                f"that hour holds less than {MIN_SHARE:.0%} of the instagram posts, too few to trust its median; "
                "keep only hours with at least ex.MIN_SHARE of the posts", thin_hours),
        Mistake("utc", "that is the best UTC hour of the market's posts: a manager schedules on the market's clock; "
                "use the local hours of question 1", lambda ds: best_hours(ds, clock=UTC)),
        Mistake("every-brand",
                "that card is computed on every brand's instagram posts; the card is for the market's brands, "
                "the only ones on the market's clock", lambda ds: best_hours(ds, every_brand=True)),
        Mistake("brand-local-clocks",
                "that is the best hour with every brand on its own clock (notebook 05's question); this card is "
                "for the market's brands only", brand_local_best_hours),
        Mistake("own-zone", CLOCK_MESSAGES["own_zone"], lambda ds: best_hours(ds, clock=OWN_ZONE)),
        Mistake("every-brand-utc",
                "that is the best UTC hour over every brand: a UTC hour mixes the clocks of several time zones, "
                "so no manager can schedule by it; use the market's posts on the market's clock",
                lambda ds: best_hours(ds, clock=UTC, every_brand=True)),
        Mistake("off-by-one", "one hour off: that hour is next to the best one", off_by_one),
        Mistake("total-engagements",
                "that is the hour with the most engagements in TOTAL (hours with many posts win); compare the "
                "median engagement RATE", best_hour_by_total),
        Mistake("mean-not-median",
                "that is the best hour by MEAN engagement rate, which a few viral posts can decide; use the median",
                lambda ds: best_hours(ds, "mean")),
        Mistake("all-platforms",
                "that is the best hour over ALL the market's platforms; the question is about instagram",
                lambda ds: card(ig_er_by_hour(ds, platform_filter=False))),
    ),
    points=2,
    judgement=True,
)

Q6 = Question(
    "q6", "Insight: which local weekday (Monday = 0) is best for instagram in the market, by median ER by reach?",
    ("best_weekday_instagram",),
    reference=best_weekdays, comparison=MemberOf(int, "weekday number"),
    hints=("Group the market's instagram posts by weekday instead of hour.",
           "best_weekday_instagram = ig.groupby('weekday')['er'].median().idxmax()"),
    solution="best_weekday_instagram = int(ig.groupby('weekday')['er'].median().idxmax())",
    mistakes=(
        Mistake("iso-weekday", "counted from 1? Monday is 0 here (dt.day_of_week)",
                lambda ds: {d + 1 for d in best_weekdays(ds)}),
        Mistake("all-platforms",
                "that is the best weekday over ALL the market's platforms; the question is about instagram",
                lambda ds: an.top_labels(ig_er_by_weekday(ds, platform_filter=False), 1)),
    ),
    judgement=True,
)

Q7 = Question(
    "q7", "The market's posts, all platforms: median ER by reach of weekend posts (Saturday, Sunday, local time) "
    "divided by that of weekday posts.", ("weekend_ratio",),
    reference=weekend_ratio, comparison=Scalar(rtol=1e-4),
    hints=("Weekend posts have a local weekday of 5 or 6.",
           "Compute er for the market's posts and a boolean `weekend` mask (local_weekday 5 or 6); `er[weekend]` "
           "and `er[~weekend]` are the two groups whose medians you divide."),
    solution=("er = market[['likes', 'comments', 'shares', 'saves']].sum(axis=1) / market['reach']\n"
              "weekend = local_weekday >= 5\n"
              "weekend_ratio = er[weekend].median() / er[~weekend].median()"),
    mistakes=(
        Mistake("upside-down",
                "the ratio is upside down: weekend divided by weekday", lambda ds: 1 / weekend_ratio(ds)),
        Mistake("mean-not-median", "that ratio uses MEANS; use medians", lambda ds: weekend_ratio(ds, "mean")),
        Mistake("friday-weekend", "Friday is not weekend: weekend posts have dayofweek 5 (Saturday) or 6 (Sunday)",
                lambda ds: weekend_ratio(ds, first_weekend_day=4)),
        # UTC weekdays are not listed: they move only the posts near midnight, which leaves the medians of a
        # London market unchanged on many worlds (caught on 80% of 20 seeds, not on the default world)
        Mistake("every-brand", "that ratio is over every brand's posts; keep the posts of the market's brands",
                lambda ds: weekend_ratio(ds, every_brand=True)),
    ),
)

Q8 = Question(
    "q8", "Insight: in the market, within each platform, is engagement on weekends 'higher', 'lower' or "
    "'about the same' (within 5%) compared with weekdays? Judge it on the geometric mean over platforms of each "
    "platform's weekend / weekday ratio of median ER by reach.", ("weekend_effect",),
    reference=weekend_effect, comparison=MemberOf(str, "choice", options=EFFECT_CHOICES),
    hints=("Compare each platform with itself: the market's weekend posts are not spread over the platforms "
           "like its weekday posts.",
           "Group the market's posts by platform and by a weekend flag, take the median er, `.unstack()` the flag "
           "and divide the weekend column by the weekday column: one ratio per platform.",
           f"Average those ratios geometrically (the product to the power 1 / their count), then read the label: below "
           f"{SAME_BAND[0]} is 'lower', above {SAME_BAND[1]} 'higher', in between 'about the same'."),
    solution=("posts = market.assign(er=er, weekend=weekend)\n"
              "by_platform = posts.groupby(['platform', 'weekend'], observed=True)['er'].median().unstack()\n"
              "platform_ratios = by_platform[True] / by_platform[False]\n"
              "within_ratio = platform_ratios.prod() ** (1 / platform_ratios.count())\n"
              "weekend_effect = 'lower' if within_ratio < 0.95 else 'higher' if within_ratio > 1.05 "
              "else 'about the same'"),
    mistakes=(
        Mistake("pooled", "that is the pooled answer of question 7: weekend posts come mostly from a few platforms, so "
                "the pooled ratio measures the platform mix; compare weekends with weekdays within each platform",
                weekend_pooled),
        # the upside-down reading is not listed: it differs from the reference only when the effect is
        # not 'about the same' (about half of the worlds), so no message could be trusted
    ),
    points=2,
    judgement=True,
)

EXERCISE = Exercise("03_when_to_post", "When to post", (Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8),
                    tables=("posts", "accounts", "brands"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q8 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
