"""Questions of notebook 03, when to post: one market's clock, hour x weekday, best windows, weekends.

Brands post, and their audiences read, on their local clock (``brands.timezone``), and the
generator plants the best posting window in local time; ``posted_at`` is stored in UTC. A UTC
hour mixes clocks (03:00 UTC is a Sydney evening and a London night), so a "best UTC hour" is an
answer no manager can act on. Notebook 03 therefore works on ONE market: the brands of the time
zone with the most instagram posts (:func:`market_zone`), every time converted to that zone, the
simple case of one ``tz_convert``. Notebook 05 generalises to every brand on its own clock.

The reference analysis is the median engagement rate by reach per posting hour / weekday of the
market's posts (local time, Monday = 0), which the learner also draws as a bar chart (q4). The best
hour (q5) and the best weekday (q6) are judged on the data alone, against its own noise: the best
well-sampled hour (weekday) and every one whose median is within one standard error of the difference
(:func:`sandbox.analysis.bands.near_best_within_noise`), with that label's median as evidence. The
weekend effect (q8) is judged within platforms, and against the noise: 'higher' or 'lower' when the
bootstrap interval of the ratio excludes 1, 'about the same' when it holds 1. Weekend posts come mostly
from some platforms (the planted confounder ``weekend_by_platform``), so the pooled ratio of q7 is the
naive first look, and its label is q8's dropped step.

In the notebook: ``q1, ..., q8 = ex.setup(globals())``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import analysis as an
from ..analysis import hour_card as card, well_sampled
from ._chart import BarChart, bar_chart
from ._compare import BestWithEvidence, FrameMatch, MemberOf, Scalar, Several, SeriesMatch
from ._question import Exercise, Mistake, Question, Step

#: Hours holding less than this share of the instagram posts are too noisy to call "best"
#: (a median of 6 posts can be anything); the notebook's ex.MIN_SHARE.
MIN_SHARE = an.MIN_SHARE
#: Noise band of the best hour and weekday: labels whose median is within this many standard errors of the
#: difference from the best one's are near-ties, and each of them is accepted (the notebook's ex.TIE_SE).
TIE_SE = an.TIE_SE
#: The standard error of a median (the notebook's ex.median_error, shown next to the best hours).
median_error = an.median_error
#: A clock learners convert to by mistake: their own (Paris), which is no brand's zone in the
#: default locale. The realistic other wrong zones (most brands, most posts overall) are the
#: market itself on most worlds, so no message could be trusted for them.
OWN_ZONE = "Europe/Paris"
EFFECT_CHOICES = ("higher", "lower", "about the same")
#: The weekend effect's interval (q8): the central LEVEL of BOOTSTRAP resamples of the ratio (the notebook's
#: ex.LEVEL and ex.BOOTSTRAP). A learner's own bootstrap (another seed, another number of resamples) moves the
#: interval's ends a little: the labels of the intervals LEVEL_BAND either side are accepted too.
LEVEL = 0.90
BOOTSTRAP = an.BOOTSTRAP_RESAMPLES
LEVEL_BAND = 0.05
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
    """The data's best well-sampled instagram hour of the market (local time) and its near-ties within the noise,
    with the median ER per hour. The planted window plays no part: the learner is judged on what their data shows.
    The arguments other than ``ds`` make mistakes: a learner who makes one names the top hour of their numbers."""
    ig = instagram(ds, clock, every_brand)
    values = well_sampled(ig.groupby("hour")["er"].agg(how), ig["hour"])
    if how != "median" or clock != MARKET or every_brand:
        return an.top_hour_card(values)
    cells = an.medians_with_errors(ig["er"], ig["hour"]).loc[values.index]
    return card(values, {int(h) for h in an.near_best_within_noise(cells["median"], cells["error"], TIE_SE)})


def off_by_one(ds) -> tuple[set, pd.Series]:
    best, _ = best_hours(ds)
    return card(ig_er_by_hour(ds), {(h + d) % 24 for h in best for d in (-1, 1)} - best)


def best_hour_by_total(ds) -> tuple[set, pd.Series]:
    """Best well-sampled hour by total engagements instead of the rate, totals as evidence (a mistake)."""
    ig = instagram(ds)
    return an.top_hour_card(well_sampled(an.engagements(ig).groupby(ig["hour"]).sum().astype(float), ig["hour"]))


def brand_local_best_hours(ds) -> tuple[set, pd.Series]:
    """The best well-sampled hour of every brand on its own clock: notebook 05's question (a mistake here)."""
    return an.top_hour_card(an.best_local_hours(ds)[1])


def every_hour_best(ds) -> tuple[set, pd.Series]:
    """The top hour over every hour, thin ones included (the step MIN_SHARE dropped)."""
    return an.top_hour_card(ig_er_by_hour(ds))


def ig_er_by_weekday(ds, platform_filter: bool = True) -> pd.Series:
    posts = instagram(ds) if platform_filter else market(ds)
    return posts.groupby("weekday")["er"].median()


def best_weekdays(ds) -> tuple[set, pd.Series]:
    """(the data's best weekday for the market's instagram posts and its near-ties within the noise, the median
    ER by reach per weekday)."""
    ig = instagram(ds)
    cells = an.medians_with_errors(ig["er"], ig["weekday"])
    return {int(d) for d in an.near_best_within_noise(cells["median"], cells["error"], TIE_SE)}, cells["median"]


def top_weekday(values: pd.Series, shift: int = 0) -> tuple[set, pd.Series]:
    """The weekday a learner reads off ``values`` (the largest), numbered from ``shift``, with ``values`` as evidence."""
    values = values.set_axis(values.index + shift)
    return {int(d) for d in an.top_labels(values)}, values


def weekend_ratio(ds, how: str = "median", first_weekend_day: int = 5, every_brand: bool = False) -> float:
    """The market's median ER by reach of weekend posts / that of weekday posts, all platforms (local weekdays)."""
    posts = market(ds, every_brand=every_brand)
    weekend = posts["weekday"] >= first_weekend_day
    return float(posts["er"][weekend].agg(how) / posts["er"][~weekend].agg(how))


def weekend_medians(ds) -> pd.DataFrame:
    """The market's median ER by reach per platform (rows) for weekday (False) and weekend (True) posts."""
    posts = market(ds)
    return posts.groupby([posts["platform"].astype(str), posts["weekday"] >= 5])["er"].median().unstack()


def weekend_weights(ds) -> pd.Series:
    """The market's weekend posts per platform: the weight of each platform's ratio (a ratio read off three
    weekend posts says little)."""
    posts = market(ds)
    return posts[posts["weekday"] >= 5].groupby(posts["platform"].astype(str)).size()


def within_ratios(ratios: pd.DataFrame, weights: pd.Series | None) -> pd.Series:
    """Per row of ``ratios`` (one column per platform: its weekend / weekday ratio of medians; NaN where it has no
    weekend or no weekday post), the geometric mean of the ratios over platforms, weighted by ``weights`` (per
    platform; None: unweighted, the dropped step): the product of each ratio to the power of its weight's share."""
    w = pd.Series(1.0, index=ratios.columns) if weights is None else weights.reindex(ratios.columns).fillna(0)
    w = ratios.notna() * w.to_numpy()
    return (ratios.fillna(1.0) ** w.div(w.sum(axis=1), axis=0)).prod(axis=1)


def weekend_within(ds, weighted: bool = True) -> float:
    """The weekend effect within platforms: the geometric mean over platforms of their weekend / weekday ratios,
    weighted by their weekend posts (``weighted=False``: unweighted, the dropped step).

    Each platform is compared with itself, so the platform mix of weekend posts drops out; the
    geometric mean treats a ratio and its inverse symmetrically, as the planted truth does.
    """
    medians = weekend_medians(ds)
    ratios = (medians[True] / medians[False]).to_frame().T
    return float(within_ratios(ratios, weekend_weights(ds) if weighted else None).iloc[0])


@an.last_dataset_cache
def weekend_bootstrap(ds, how: str = "within") -> np.ndarray:
    """BOOTSTRAP resampled values of the weekend ratio: ``how`` "within" platforms (q8), "unweighted" within
    platforms or "pooled" (q7's ratio): the dropped steps."""
    posts = market(ds)
    weekend = posts["weekday"] >= 5
    if how == "pooled":
        medians = an.bootstrap_medians(posts["er"], weekend)
        return (medians[True] / medians[False]).to_numpy()
    medians = an.bootstrap_medians(posts["er"], [posts["platform"].astype(str), weekend])
    platforms = sorted({p for p, _ in medians.columns})
    ratios = pd.DataFrame({p: medians.get((p, True), np.nan) / medians.get((p, False), np.nan) for p in platforms})
    return within_ratios(ratios, weekend_weights(ds) if how == "within" else None).to_numpy()


def interval_label(low: float, high: float) -> str:
    """'higher' when the whole interval is above 1, 'lower' when below, 'about the same' when it holds 1."""
    return "higher" if low > 1 else "lower" if high < 1 else "about the same"


def weekend_labels(ds, how: str = "within") -> set:
    """The label of the weekend ratio's central LEVEL bootstrap interval, and those of the intervals LEVEL_BAND
    wider or narrower (a learner's own bootstrap moves the ends a little)."""
    boot = weekend_bootstrap(ds, how)
    return {interval_label(*np.quantile(boot, [(1 - level) / 2, (1 + level) / 2]))
            for level in (LEVEL - LEVEL_BAND, LEVEL, LEVEL + LEVEL_BAND)}


def weekend_card(ds, how: str = "within") -> tuple:
    """(accepted labels, the ratio): the weekend effect within platforms judged against its bootstrap interval,
    with the ratio as evidence (the careful answer); ``how`` "unweighted" or "pooled": a dropped step.

    Only the data decides: the planted label (``truth["confounders"]["weekend_by_platform"]["answer"]``)
    is measured over every brand on ER by impressions relative to each account, a finer comparison
    than the notebook's.
    """
    ratio = weekend_ratio(ds) if how == "pooled" else weekend_within(ds, weighted=how == "within")
    return weekend_labels(ds, how), ratio


def upside_down_card(ds) -> tuple:
    """The card read off weekday / weekend ratios (a mistake)."""
    flip = {"higher": "lower", "lower": "higher", "about the same": "about the same"}
    labels, ratio = weekend_card(ds)
    return {flip[label] for label in labels}, 1 / ratio


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
#: What the clock step teaches (questions 1-5 read the market's posts on its clock).
CLOCK = "read the market's posts on the market's clock (.dt.tz_convert(market_zone)), not in UTC as stored"


def clock_step(answer, message: str = CLOCK_MESSAGES["utc"]) -> Step:
    """The clock step dropped: the same answer from posted_at read in UTC."""
    return Step("utc", message, answer, teaches=CLOCK)


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
    steps=(clock_step(lambda ds: timing(ds, UTC)),),
    mistakes=(
        Mistake("iso-weekday", "`local_weekday` counts from 1 (ISO day numbers); here Monday = 0, use .dt.day_of_week",
                lambda ds: (lambda z, h, w: (z, h, w + 1))(*timing(ds))),
        Mistake("hour-weekday-swapped",
                "hour and weekday are swapped", lambda ds: (lambda z, h, w: (z, w, h))(*timing(ds))),
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
    steps=(clock_step(lambda ds: ig_er_by_hour(ds, clock=UTC)),),
    mistakes=(
        Mistake("all-platforms",
                "you forgot to filter the platform: these are all the market's posts; keep instagram posts only",
                lambda ds: ig_er_by_hour(ds, platform_filter=False)),
        Mistake("mean-not-median",
                "these are MEAN rates per hour; the question asks for medians", lambda ds: ig_er_by_hour(ds, "mean")),
        Mistake("impressions-rate", "wrong denominator: that is ER by impressions; use reach",
                lambda ds: ig_er_by_hour(ds, rate=an.er_impressions)),
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
    steps=(clock_step(lambda ds: ig_heatmap(ds, clock=UTC)),),
    mistakes=(
        Mistake("transposed", "the table is transposed: weekdays go in the rows (index), hours in the columns",
                lambda ds: ig_heatmap(ds).T),
        Mistake("mean-not-median",
                "the cells hold MEANS; use the median (aggfunc='median')", lambda ds: ig_heatmap(ds, "mean")),
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
    steps=(clock_step(lambda ds: ig_er_by_hour(ds, clock=UTC)),),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show MEAN rates, seaborn's default estimator; a few viral posts decide them, pass "
                "estimator='median'", lambda ds: ig_er_by_hour(ds, "mean")),
        Mistake("all-platforms", "that chart holds all the market's platforms; keep its instagram posts only",
                lambda ds: ig_er_by_hour(ds, platform_filter=False)),
        Mistake("every-brand", CLOCK_MESSAGES["every_brand"], lambda ds: ig_er_by_hour(ds, every_brand=True)),
    ),
)

#: How the insight cards judge near-ties (the notebook's text says it too).
TIES = ("its median is within TIE_SE (one) standard error of the difference from the best one's, so the data cannot "
        "rank them")

Q5 = Question(
    "q5", "Insight card: the best local hour to post on instagram in the market, among hours holding at least "
    "MIN_SHARE (2%) of the market's instagram posts, and its evidence: that hour's median ER by reach. An hour is a "
    f"near-tie of the best when {TIES}.", ("best_hour_instagram", "best_hour_er"),
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
    steps=(
        Step("thin-hours",
             f"that hour holds less than {MIN_SHARE:.0%} of the instagram posts, too few to trust its median; "
             "keep only hours with at least ex.MIN_SHARE of the posts", every_hour_best,
             teaches="judge only the hours holding at least MIN_SHARE of the market's instagram posts"),
        clock_step(lambda ds: best_hours(ds, clock=UTC),
                   "that is the best UTC hour of the market's posts: a manager schedules on the market's clock; "
                   "use the local hours of question 1"),
    ),
    mistakes=(
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
                lambda ds: an.top_hour_card(ig_er_by_hour(ds, platform_filter=False))),
    ),
    points=2,
    judgement=True,
)

Q6 = Question(
    "q6", "Insight card: the best weekday (Monday = 0, the market's local_weekday of question 1) for instagram in the "
    f"market by median ER by reach, and its evidence: that weekday's median. A weekday is a near-tie of the best when "
    f"{TIES}.", ("best_weekday_instagram", "best_weekday_er"),
    reference=best_weekdays, comparison=BestWithEvidence("weekday"),
    hints=("Group the market's instagram posts by weekday instead of hour.",
           "Group ig by its weekday column and take the median of er; the label of the largest value (`idxmax`, as "
           "an int) is the weekday and the value there is the evidence."),
    solution=("ig_er_by_weekday = ig.groupby('weekday')['er'].median()\n"
              "best_weekday_instagram = int(ig_er_by_weekday.idxmax())\n"
              "best_weekday_er = ig_er_by_weekday.max()"),
    mistakes=(
        Mistake("iso-weekday", "counted from 1? Monday is 0 here (dt.day_of_week)",
                lambda ds: top_weekday(ig_er_by_weekday(ds), shift=1)),
        Mistake("all-platforms",
                "that is the best weekday over ALL the market's platforms; the question is about instagram",
                lambda ds: top_weekday(ig_er_by_weekday(ds, platform_filter=False))),
    ),
    judgement=True,
)

Q7 = Question(
    "q7", "The market's posts, all platforms: median ER by reach of weekend posts (Saturday and Sunday: "
    "local_weekday 5 or 6) divided by that of weekday posts.", ("weekend_ratio",),
    reference=weekend_ratio, comparison=Scalar(rtol=1e-4),
    hints=("Weekend posts have a local_weekday of 5 or 6.",
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
        # weekdays read in UTC are not listed: the clock is question 1's step (local_weekday), and UTC moves only
        # the posts of the first local hour after midnight in a London market (0.1% of them)
        Mistake("every-brand", "that ratio is over every brand's posts; keep the posts of the market's brands",
                lambda ds: weekend_ratio(ds, every_brand=True)),
    ),
)

#: The learner's within-platform ratio and its bootstrap (solution code of question 8).
WITHIN_CODE = (
    "posts = market.assign(er=er, weekend=weekend)\n"
    "by_platform = posts.groupby(['platform', 'weekend'], observed=True)['er'].median().unstack()\n"
    "ratios = (by_platform[True] / by_platform[False]).dropna()\n"
    "weights = posts[posts['weekend']].groupby('platform', observed=True).size()[ratios.index]\n"
    "shares = weights / weights.sum()\n"
    "within_ratio = (ratios ** shares).prod()\n"
    "rng = np.random.default_rng(0)\n"
    "cells = {key: group.dropna().to_numpy() for key, group in posts.groupby(['platform', 'weekend'], observed=True)['er']}\n"
    "boot = []\n"
    "for _ in range(ex.BOOTSTRAP):\n"
    "    medians = pd.Series({key: np.median(rng.choice(x, len(x))) for key, x in cells.items()}).unstack()\n"
    "    boot.append(((medians[True] / medians[False])[ratios.index] ** shares).prod())\n"
    "low, high = np.quantile(boot, [(1 - ex.LEVEL) / 2, (1 + ex.LEVEL) / 2])")

Q8 = Question(
    "q8", "Insight card: in the market, within each platform, is engagement on weekends 'higher', 'lower' or "
    "'about the same' compared with weekdays, and the evidence: within_ratio, the geometric mean over platforms of "
    "each platform's weekend / weekday ratio of median ER by reach, weighted by the platform's weekend posts. Judge "
    "it against its noise, its central LEVEL (90%) bootstrap interval: 'higher' when the whole interval is above 1, "
    "'lower' when it is below 1, 'about the same' when it holds 1.",
    ("weekend_effect", "within_ratio"),
    reference=weekend_card,
    comparison=Several(("weekend_effect", "within_ratio"),
                       (MemberOf(str, "choice", options=EFFECT_CHOICES), Scalar(rtol=1e-4))),
    hints=("Compare each platform with itself: the market's weekend posts are not spread over the platforms "
           "like its weekday posts. Then ask whether the ratio could be 1 by chance.",
           "Group the market's posts by platform and by a weekend flag, take the median er, `.unstack()` the flag "
           "and divide the weekend column by the weekday column: one ratio per platform. The weighted geometric mean "
           "multiplies the ratios, each to the power of its platform's share of the weekend posts.",
           "The bootstrap: draw each (platform, weekend) group's er values again with replacement "
           "(`rng.choice(x, len(x))`), recompute the weighted geometric mean, ex.BOOTSTRAP times (the weights stay "
           "the same); `np.quantile` of those values at (1 - ex.LEVEL) / 2 and (1 + ex.LEVEL) / 2 bounds the "
           "interval."),
    solution=(WITHIN_CODE + "\n"
              "weekend_effect = 'higher' if low > 1 else 'lower' if high < 1 else 'about the same'"),
    steps=(
        Step("pooled", "that is the pooled answer of question 7: weekend posts come mostly from a few platforms, so "
             "the pooled ratio measures the platform mix; compare weekends with weekdays within each platform",
             lambda ds: weekend_card(ds, "pooled"),
             teaches="compare weekend and weekday posts within each platform, not pooled"),
        Step("unweighted", "that is the plain geometric mean of the platforms' ratios, where a platform with a "
             "handful of weekend posts counts as much as one with hundreds; weight each platform by its weekend posts",
             lambda ds: weekend_card(ds, "unweighted"),
             teaches="weight each platform's ratio by its weekend posts"),
    ),
    mistakes=(
        Mistake("upside-down", "within_ratio is upside down: divide the weekend median by the weekday median",
                upside_down_card),
    ),
    points=2,
    judgement=True,
)

EXERCISE = Exercise("03_when_to_post", "When to post", (Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8),
                    tables=("posts", "accounts", "brands"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q8 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
