"""Questions of notebook 02, engagement KPIs: rate definitions, mean vs median, heavy tails, benchmarks,
and the fair rate to compare accounts of different sizes.

In the notebook: ``q1, ..., q9 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis as an
from ._chart import BarChart, bar_chart, measure_unnamed
from ._compare import ChoiceAndBest, FrameMatch, Scalar, SeriesMatch, Several, Values
from ._question import Exercise, Mistake, Question, Step

#: Median engagement rate per post by followers, Rival IQ 2023 Social Media Industry
#: Benchmark Report (2022 data), in PERCENT as published (see CALIBRATION.md).
BENCHMARK_PCT = pd.Series({"tiktok": 5.69, "instagram": 0.47, "facebook": 0.06, "x": 0.035},
                          name="median_er_followers_pct")

RATE_COLUMNS = ["er_reach", "er_impressions", "er_followers"]

#: q9: the two rates offered to compare accounts of different sizes, and the near-tie band of the best account.
ACCOUNT_RATES = ("er_followers", "er_reach")
NEAR_TIE = 0.02


def per_post(posts: pd.DataFrame, values) -> pd.Series:
    """A per-post Series aligned with ds.posts (same index)."""
    return pd.Series(values, index=posts.index)


def er_by_platform(ds, how: str = "median") -> pd.DataFrame:
    rates = an.with_rates(ds)
    return rates.groupby("platform", observed=True)[RATE_COLUMNS].agg(how)


def vs_benchmark(ds, column: str = "er_followers", how: str = "median", scale: float = 1.0) -> pd.Series:
    """Typical ER of each platform the benchmark covers divided by the benchmark (benchmark in percent
    / 100 * scale): 1.5 means 50% above it."""
    typical = er_by_platform(ds, how)[column]
    bench = BENCHMARK_PCT / 100 * scale
    common = [p for p in bench.index if p in typical.index]
    return (typical[common] / bench[common]).rename("vs_benchmark")


def above_benchmark(ds, column: str = "er_followers", how: str = "median", scale: float = 1.0) -> tuple:
    """(ratio to the benchmark per platform, sorted list of the platforms above it)."""
    ratio = vs_benchmark(ds, column, how, scale)
    return ratio, sorted(ratio.index[ratio > 1])


def mean_to_median(values: pd.Series) -> float:
    return float(values.mean() / values.median())


def instagram_engagements(ds) -> pd.Series:
    posts = ds.posts[ds.posts["platform"] == "instagram"]
    return an.engagements(posts)


def per_account(ds, how: str = "median", platform: str | None = "instagram") -> pd.DataFrame:
    """Per account_id of ``platform`` (every platform when None): the ``how`` over its posts of
    engagements and of the per-post rates."""
    rates = an.with_rates(ds)
    if platform is not None:
        rates = rates[rates["platform"] == platform]
    return rates.groupby("account_id", observed=True)[["engagements", *RATE_COLUMNS]].agg(how)


def best_account(ds, rate: str = "er_reach", how: str = "median", platform: str | None = "instagram",
                 chosen: str | None = None) -> tuple:
    """q9's card: (accepted rates, the accounts with the best ``how`` of ``rate`` and their near-ties, that
    value per account). ``chosen``: the rate the learner names, when it is not the one ranked by."""
    values = per_account(ds, how, platform)[rate]
    return {chosen or rate}, an.near_best(values, NEAR_TIE), values


def best_account_picked_by(ds, rate: str = "er_followers") -> tuple:
    """q9 as a learner who names er_reach but picks the account by the median of ``rate`` and quotes that account's
    er_reach median (the fair rate stated, not used)."""
    values = per_account(ds)
    return {"er_reach"}, {values[rate].idxmax()}, values["er_reach"]


def best_account_pooled(ds) -> tuple:
    """q9 done with a pooled rate per account: its total engagements / its total reach."""
    posts = ds.posts[ds.posts["platform"] == "instagram"]
    sums = posts.assign(engagements=an.engagements(posts)).groupby("account_id", observed=True)[
        ["engagements", "reach"]].sum()
    values = sums["engagements"] / sums["reach"]
    return {"er_reach"}, an.near_best(values, NEAR_TIE), values


SERIES = SeriesMatch(rtol=1e-6)

Q1 = Question(
    "q1", "Engagements per post: a Series aligned with ds.posts (same index) of likes + comments + shares + saves.",
    ("engagements",),
    reference=lambda ds: an.engagements(ds.posts), comparison=SERIES,
    hints=("Engagements are four interaction counts added up, per row.",
           "Add the columns likes, comments, shares and saves of ds.posts.",
           "Select the four columns with a list, `ds.posts[[...]]`, and sum across each row (`axis=1`)."),
    solution="engagements = ds.posts[['likes', 'comments', 'shares', 'saves']].sum(axis=1)",
    mistakes=(
        Mistake("no-saves", "saves are missing: engagements = likes + comments + shares + saves",
                lambda ds: ds.posts[["likes", "comments", "shares"]].sum(axis=1)),
        Mistake("link-clicks",
                "link clicks are not engagements in this course; use likes + comments + shares + saves only",
                lambda ds: ds.posts[["likes", "comments", "shares", "saves", "link_clicks"]].sum(axis=1)),
        Mistake("summed-down-columns", "you summed down the columns (axis=0); sum across each row with axis=1",
                lambda ds: ds.posts[["likes", "comments", "shares", "saves"]].sum()),
    ),
)

Q2 = Question(
    "q2", "Engagement rate by reach per post (a fraction, aligned with ds.posts).", ("er_reach",),
    reference=lambda ds: an.er_reach(ds.posts), comparison=SERIES,
    hints=("ER by reach divides engagements by the number of unique accounts that saw the post.",
           "Divide your engagements Series by ds.posts['reach'] (keep it a fraction, do not multiply by 100)."),
    solution="er_reach = engagements / ds.posts['reach']",
    mistakes=(
        Mistake("impressions-denominator",
                "wrong denominator: that is engagements / impressions; ER by reach divides by reach",
                lambda ds: an.er_impressions(ds.posts)),
        Mistake("followers-start-denominator",
                "wrong denominator: that divides by followers_start; ER by reach divides by reach",
                lambda ds: an.engagements(ds.posts)
                / ds.posts["account_id"].map(ds.accounts.set_index("account_id")["followers_start"])),
        Mistake("likes-only", "only likes are counted; engagements are likes + comments + shares + saves",
                lambda ds: ds.posts["likes"] / ds.posts["reach"]),
    ),
)

Q3 = Question(
    "q3", "The median engagement rate by reach over all posts.", ("median_er_reach",),
    reference=lambda ds: float(an.er_reach(ds.posts).median()), comparison=Scalar(rtol=1e-4),
    hints=("A typical value of a heavy-tailed metric is its median.",
           "A pandas Series has a method for its median."),
    solution="median_er_reach = er_reach.median()",
    mistakes=(
        Mistake("mean-not-median",
                "your value equals the MEAN; the question asks for the median (the mean is pulled up by a few "
                "viral posts)", lambda ds: float(an.er_reach(ds.posts).mean())),
        Mistake("impressions-rate", "that is the median ER by impressions; this question uses reach",
                lambda ds: float(an.er_impressions(ds.posts).median())),
        Mistake("pooled-rate",
                "that is total engagements / total reach (a pooled rate); the question asks for the median of "
                "the per-post rates",
                lambda ds: float(an.engagements(ds.posts).sum() / ds.posts["reach"].sum())),
    ),
)

Q4 = Question(
    "q4", "Followers of the posting account on the day of each post (followers_daily.followers of the UTC "
    "posting day), aligned with ds.posts.", ("followers_at_post",),
    reference=lambda ds: an.followers_on_post_day(ds.posts, ds.followers_daily), comparison=SERIES,
    hints=("followers_daily has one row per account and day; find the row of each post's account and day.",
           "Make a `date` column from posted_at (UTC day, no time zone) and merge on account_id and date.",
           "`.dt.tz_localize(None)` drops the time zone and `.dt.normalize()` the time of day. A left merge "
           "of the posts' account_id and date with ds.followers_daily keeps one row per post in order; "
           "give the result ds.posts' index."),
    solution=("day = ds.posts['posted_at'].dt.tz_localize(None).dt.normalize()\n"
              "keys = ds.posts.assign(date=day)[['account_id', 'date']]\n"
              "merged = keys.merge(ds.followers_daily, on=['account_id', 'date'], how='left')\n"
              "followers_at_post = pd.Series(merged['followers'].to_numpy(), index=ds.posts.index)"),
    steps=(
        Step("posting-day", teaches="read each account's followers on the day of the post, not one count per account",
             message="those are the followers at the start of the period (accounts.followers_start); accounts grow, "
                     "use the follower count on the posting day from followers_daily",
             answer=lambda ds: ds.posts["account_id"].map(ds.accounts.set_index("account_id")["followers_start"])),
    ),
    mistakes=(
        Mistake("last-day", "those are the followers on the last day of the period; use the posting day's count",
                lambda ds: ds.posts["account_id"].map(
                    ds.followers_daily.sort_values("date").groupby("account_id")["followers"].last())),
    ),
    points=2,
)

Q5 = Question(
    "q5", "Per platform, the MEDIAN of the three rates: a DataFrame indexed by platform with columns "
    "er_reach, er_impressions, er_followers.", ("er_by_platform",),
    reference=er_by_platform, comparison=FrameMatch(rtol=1e-4),
    hints=("Put the three per-post rates into columns of one DataFrame together with platform.",
           "posts = ds.posts.assign(er_reach=..., er_impressions=..., er_followers=...), then group by "
           "platform (observed=True) and take the median.",
           "Select the three rate columns with a list after `groupby('platform', observed=True)`, then "
           "aggregate with the median."),
    solution=("posts = ds.posts.assign(er_reach=er_reach,\n"
              "                        er_impressions=engagements / ds.posts['impressions'],\n"
              "                        er_followers=engagements / followers_at_post)\n"
              "er_by_platform = posts.groupby('platform', observed=True)[['er_reach', 'er_impressions', 'er_followers']].median()"),
    mistakes=(
        Mistake("mean-not-median",
                "these are MEANS per platform; the question asks for medians (means are dragged up by viral posts)",
                lambda ds: er_by_platform(ds, "mean")),
    ),
    points=2,
)

Q6 = Question(
    "q6", "Heavy tails: on instagram, the mean engagements per post divided by the median engagements per post.",
    ("instagram_mean_to_median",),
    reference=lambda ds: mean_to_median(instagram_engagements(ds)),
    comparison=Scalar(rtol=1e-4, nan_message="your value is NaN: probably your platform filter matched no rows; "
                      "platform names are lowercase ('instagram')"),
    hints=("Keep only the instagram posts first.",
           "Index your engagements with a boolean mask on ds.posts['platform'], then divide its mean by its "
           "median."),
    solution=("ig = engagements[ds.posts['platform'] == 'instagram']\n"
              "instagram_mean_to_median = ig.mean() / ig.median()"),
    mistakes=(
        Mistake("all-platforms",
                "you forgot to filter the platform: that ratio is over ALL posts; keep instagram posts only",
                lambda ds: mean_to_median(an.engagements(ds.posts))),
        Mistake("upside-down", "the ratio is upside down: mean divided by median, not median divided by mean",
                lambda ds: 1 / mean_to_median(instagram_engagements(ds))),
    ),
)

Q7 = Question(
    "q7", "Chart: a seaborn bar chart of the median ER by followers per platform, drawn from the posts (one bar "
    "per platform, no error bars), on a linear value axis, with a title and a label on the value axis; "
    "keep its Axes.", ("follower_rate_chart",),
    reference=lambda ds: er_by_platform(ds)["er_followers"],
    comparison=BarChart("platform", measure=("er", "engagement")), plain=bar_chart,
    hints=("Each post's ER by followers is engagements / followers_at_post; sns.barplot summarises it per platform "
           "with its `estimator`.",
           "Give barplot the rates on one axis and ds.posts['platform'] on the other, estimator='median' and "
           "errorbar=None. Leave the value axis linear: a bar's length must be proportional to its value.",
           "barplot returns the Axes: give it a title and axis labels that say what they show "
           "(`.set(title=..., xlabel=..., ylabel=...)`) and store it in follower_rate_chart."),
    solution=("er_followers = engagements / followers_at_post\n"
              "follower_rate_chart = sns.barplot(x=er_followers, y=ds.posts['platform'], estimator='median',\n"
              "                                  errorbar=None)\n"
              "follower_rate_chart.set(title='Median engagement rate by followers per platform',\n"
              "                        xlabel='median engagements / followers', ylabel='platform');"),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show MEAN rates, seaborn's default estimator; a few viral posts pull them up, pass "
                "estimator='median'", lambda ds: er_by_platform(ds, "mean")["er_followers"]),
        Mistake("reach-rate",
                "the bars show ER by reach; this chart is about ER by followers, the rate of the benchmark",
                lambda ds: er_by_platform(ds)["er_reach"]),
        Mistake("impressions-rate",
                "the bars show ER by impressions; this chart is about ER by followers, the rate of the benchmark",
                lambda ds: er_by_platform(ds)["er_impressions"]),
        Mistake("percentages", "the bars are percentages; keep the rates as fractions, as everywhere in this course",
                lambda ds: er_by_platform(ds)["er_followers"] * 100),
        measure_unnamed(lambda ds: er_by_platform(ds)["er_followers"]),
    ),
)

#: The model answer of the written part after q8 (``q8.solution()`` shows it once the learner wrote theirs).
MODEL_ANSWER = (
    "The rates differ mainly by denominator: per follower counts people who may never see a post, so it\n"
    "is far lower than per reach or per impression, and platforms differ in how much of their following\n"
    "they reach. Medians rather than means, because a few viral posts dominate the mean. For a client I\n"
    "would report ER by reach (how engaging the content was for the people who saw it): big accounts\n"
    "tend to reach a smaller share of their followers, so ER by followers mixes reach with content and\n"
    "can put another account on top (question 9). I would give ER by followers only next to a benchmark\n"
    "that uses the same definition."
)

Q8 = Question(
    "q8", "Insight: for each platform the Rival IQ benchmark covers (BENCHMARK_PCT, in percent), your median "
    "ER by followers divided by the benchmark (1.5 = 50% above it); and the list of platforms above it.",
    ("vs_benchmark", "above_benchmark"),
    reference=above_benchmark,
    comparison=Several(("vs_benchmark", "above_benchmark"), (SeriesMatch(rtol=1e-4), Values(ordered=False))),
    hints=("Compare like with like: your rates are fractions, the benchmark is in percent.",
           "Turn the benchmark into fractions (divide by 100), then divide your er_followers medians by it "
           "on the platforms both cover (`bench.index.intersection(...)`).",
           "The platforms above the benchmark are those whose ratio is above 1; `list(...)` of an index "
           "gives a list."),
    solution=("bench = ex.BENCHMARK_PCT / 100\n"
              "common = bench.index.intersection(er_by_platform.index)  # the platforms both cover\n"
              "vs_benchmark = er_by_platform.loc[common, 'er_followers'] / bench[common]\n"
              "above_benchmark = list(vs_benchmark[vs_benchmark > 1].index)"),
    steps=(
        Step("benchmark-fraction", teaches="turn the benchmark's percentages into fractions before dividing",
             message="it looks like you compared fractions with percentages: divide BENCHMARK_PCT by 100 first",
             answer=lambda ds: above_benchmark(ds, scale=100)),
    ),
    mistakes=(
        Mistake("reach-rate", "the benchmark is a per-FOLLOWER rate; compare it with er_followers, not er_reach",
                lambda ds: above_benchmark(ds, column="er_reach")),
        Mistake("impressions-rate",
                "the benchmark is a per-FOLLOWER rate; compare it with er_followers, not er_impressions",
                lambda ds: above_benchmark(ds, column="er_impressions")),
        Mistake("mean-rates", "you compared MEAN rates; the benchmark is a median, compare medians",
                lambda ds: above_benchmark(ds, how="mean")),
    ),
    points=2,
    model_answer=MODEL_ANSWER,
    judgement=True,
)

Q9 = Question(
    "q9", "Insight card: whose instagram posts engage best? Accounts differ a lot in size: decide which rate "
    "compares accounts of different sizes fairly, 'er_followers' or 'er_reach' (fair_rate); then the account_id "
    "with the highest median of that rate over its instagram posts (best_account) and that median, its evidence "
    "(best_account_er). Accounts within NEAR_TIE (2%) of the best median are ties.",
    ("fair_rate", "best_account", "best_account_er"),
    reference=best_account,
    comparison=ChoiceAndBest(ACCOUNT_RATES, choice="fair rate", describe="account"),
    hints=("Which of the two rates counts, in its denominator, people who never saw the post? A fair comparison "
           "of content should not reward an account for reaching a larger share of a smaller audience.",
           "ER by followers counts followers who never saw the post, and big accounts reach a smaller share of "
           "theirs. Choose the rate whose denominator is the people who saw the post, keep the instagram posts "
           "and take the median of that rate per account_id.",
           "A DataFrame of account_id and your per-post rate, filtered to instagram and grouped by account_id, "
           "gives one median per account; `idxmax()` names the best one and `max()` is its evidence."),
    solution=("fair_rate = 'er_reach'\n"
              "on_instagram = ds.posts['platform'] == 'instagram'\n"
              "rates = pd.DataFrame({'account_id': ds.posts['account_id'], 'er_reach': er_reach,\n"
              "                      'er_followers': engagements / followers_at_post})[on_instagram]\n"
              "account_medians = rates.groupby('account_id')[fair_rate].median()\n"
              "best_account = account_medians.idxmax()\n"
              "best_account_er = account_medians.max()"),
    steps=(
        Step("reach-denominator", teaches="rate the posts by the people who saw them (er_reach), not every follower",
             message="you named er_reach but ranked the accounts by ER by followers; rank them by the rate you chose",
             answer=lambda ds: best_account(ds, "er_followers", chosen="er_reach")),
        Step("picked-by-reach", teaches="pick the account by the rate you chose",
             message="that account leads by ER by followers, not by the rate you chose; rank the accounts by "
                     "their median er_reach", answer=best_account_picked_by),
    ),
    mistakes=(
        Mistake("followers-rate",
                "ER by followers divides by every follower, also those a post never reached (big accounts tend to "
                "reach a smaller share of theirs), so it mixes reach with content; compare what the people who saw "
                "the posts did",
                lambda ds: best_account(ds, "er_followers")),
        Mistake("all-platforms",
                "you compared the accounts of every platform; typical rates differ a lot between platforms, keep "
                "the instagram posts only", lambda ds: best_account(ds, platform=None)),
        Mistake("mean-not-median",
                "you ranked the accounts by their MEAN rate; a few viral posts pull a mean up, take the median",
                lambda ds: best_account(ds, how="mean")),
        Mistake("engagements-not-rate",
                "you ranked the accounts by engagements per post, which grow with the audience; rank them by the "
                "rate you chose", lambda ds: best_account(ds, "engagements", chosen="er_reach")),
        Mistake("pooled-rate",
                "that is each account's total engagements / total reach, a pooled rate its viral posts dominate; "
                "take the median of the per-post rates", best_account_pooled),
    ),
    points=3,
    judgement=True,
)

EXERCISE = Exercise("02_engagement_kpis", "Engagement KPIs", (Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8, Q9),
                    tables=("accounts", "posts", "followers_daily"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q9 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
