"""Questions of notebook 12, the capstone: a manager's brief for one brand, answered end to end.

The brand is the one whose account had the world's crisis (:func:`brand`, read off the data with
notebook 07's method), so it changes with the world. Its manager asks where the brand does best, when
and what to post, and what the crisis cost; the learner picks the fair comparison each time, with what
notebooks 02-07 taught. Definitions (each from the notebook that taught it, never repeated here):

- ER = engagements / impressions per post (04); ``rel`` = a post's ER over its own account's median ER
  (04's ``rel_er``): it removes the platform and the account's size;
- a platform's **index** = the brand's median ER there / the median ER of every post on that platform
  (all brands): how the brand does against the platform's typical post. The brand's raw rates rank its
  platforms the way every brand's do (some platforms engage more), so they say nothing about the brand;
- hours are on the brand's local clock (``brands.timezone``, 05), judged among hours holding at least
  MIN_SHARE of the brand's posts (03);
- formats are judged by their median ``rel``, among formats with at least MIN_POSTS of the brand's posts
  (04);
- the crisis card is notebook 07's (:func:`sandbox.analysis.crisis.crisis_cards`).

Everything is judged on the learner's data; the planted truth plays no part.

In the notebook: ``q1, ..., q6 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis as an
from ..analysis import MIN_POSTS, MIN_SHARE, hour_card as card, local_hour, rated, well_sampled
from ..analysis.crisis import (CARD_MISTAKES, CLAIM_CODE, CLAIMS, CRISIS_CODE, FLOOR, HORIZON,  # noqa: F401 (ex.X)
                               SMOOTH, SPIKE, WINDOW_DAYS, crisis_account, crisis_cards)
from ._chart import BarChart, bar_chart
from ._compare import AnyOf, BestWithEvidence, LabelCard, MemberOf, Scalar, SeriesMatch, Several
from ._question import Exercise, Mistake, Question

#: Noise band of the platform card: platforms whose index is within 5% of the best are ties (a brand
#: has a few hundred posts per platform, so its medians move by a few percent from one year to the next).
PLATFORM_TIE = 0.05
#: Noise bands of the hour card (03's, 1%) and of the format card (04's, 2%).
HOUR_TIE = an.HOUR_TIE
FORMAT_TIE = an.FORMAT_TIE


@an.last_dataset_cache
def brand(ds) -> str:
    """The brand of the brief: the brand of the account with the crisis (notebook 07's crisis account)."""
    return str(ds.accounts.set_index("account_id").loc[crisis_account(ds), "brand_id"])


@an.last_dataset_cache
def brand_posts(ds, rate=an.er_impressions) -> pd.DataFrame:
    """The brand's posts with ``er``, ``rel`` (er over its account's median er) and ``hour`` (local).

    Shared between calls on the same dataset object: read it, never modify it.
    """
    posts = rated(ds, rate)
    accounts = ds.accounts.loc[ds.accounts["brand_id"] == brand(ds), "account_id"]
    mine = posts["account_id"].isin(accounts)
    return posts[mine].assign(hour=local_hour(ds)[mine]).rename(columns={"rel_er": "rel"})


def brand_er(ds, rate=an.er_impressions) -> pd.Series:
    return brand_posts(ds, rate)["er"]


def crisis_account_er(ds) -> pd.Series:
    """ER of the crisis account's posts only (a mistake: the brand has other accounts)."""
    posts = brand_posts(ds)
    return posts.loc[posts["account_id"] == crisis_account(ds), "er"]


# ---------------------------------------------------------------- platforms


def platform_values(ds, how: str = "median", benchmark: str = "platform") -> pd.Series:
    """Per platform of the brand: its ``how`` ER there over the benchmark's ``how`` ER.

    ``benchmark``: "platform" (every post on that platform, the fair comparison), "brand" (the brand's own
    posts on every platform) or "none" (the raw rate; the last two are mistakes).
    """
    mine = brand_posts(ds).groupby("platform")["er"].agg(how)
    if benchmark == "none":
        return mine
    if benchmark == "brand":
        return mine / brand_posts(ds)["er"].agg(how)
    everyone = rated(ds).groupby("platform")["er"].agg(how)
    return mine / everyone[mine.index]


def platform_card(ds, how: str = "median", benchmark: str = "platform") -> tuple:
    """(accepted platforms, index per platform, the brand's posts per platform)."""
    values = platform_values(ds, how, benchmark)
    return an.near_best(values, PLATFORM_TIE), values, brand_posts(ds).groupby("platform").size()


# ---------------------------------------------------------------- hours and formats


def hour_values(ds, column: str = "rel", how: str = "median", clock: str = "local") -> pd.Series:
    """``how`` of ``column`` per posting hour of the brand's posts (``clock="utc"``: UTC hours, a mistake)."""
    posts = brand_posts(ds)
    hours = posts["hour"] if clock == "local" else posts["posted_at"].dt.hour
    return posts[column].groupby(hours).agg(how)


def hours_of(ds, clock: str = "local") -> pd.Series:
    posts = brand_posts(ds)
    return posts["hour"] if clock == "local" else posts["posted_at"].dt.hour


def hour_card(ds, column: str = "rel", how: str = "median", clock: str = "local") -> tuple:
    """(accepted hours, value per well-sampled hour): the brand's best local hour and its near-ties."""
    return card(well_sampled(hour_values(ds, column, how, clock), hours_of(ds, clock)))


def thin_hours(ds) -> tuple:
    """Hours below MIN_SHARE of the brand's posts, with their medians (a mistake)."""
    values = hour_values(ds)
    return card(values, set(values.index) - set(well_sampled(values, hours_of(ds)).index))


def format_card(ds, column: str = "rel", how: str = "median") -> tuple:
    """(accepted formats, ``how`` of ``column`` per format with at least MIN_POSTS posts, posts per format)."""
    posts = brand_posts(ds)
    size = posts.groupby("format").size()
    values = posts.groupby("format")[column].agg(how)
    values = values[size[values.index] >= MIN_POSTS]
    return an.near_best(values, FORMAT_TIE), values, size


# ---------------------------------------------------------------- questions

SERIES = SeriesMatch(rtol=1e-6)

#: The brand's posts and their ER (given in q1's solution; later solutions use them).
POSTS_CODE = ("accounts = ds.accounts.loc[ds.accounts['brand_id'] == ex.brand(ds), 'account_id']\n"
              "posts = ds.posts[ds.posts['account_id'].isin(accounts)]\n"
              "er = ds.posts[['likes', 'comments', 'shares', 'saves']].sum(axis=1) / ds.posts['impressions']")

Q1 = Question(
    "q1", "ER by impressions of each of the brand's posts (all its accounts), a Series indexed like ds.posts.",
    ("brand_er",),
    reference=brand_er, comparison=SERIES,
    hints=("ds.posts has no brand column: a post's account belongs to a brand (ds.accounts).",
           "Keep the posts whose account_id is one of the brand's accounts (`.isin`), then divide their "
           "engagements (likes + comments + shares + saves) by their impressions."),
    solution=POSTS_CODE + "\nbrand_er = er[posts.index]",
    mistakes=(
        Mistake("reach-rate",
                "that is ER by reach; this report uses ER by impressions", lambda ds: brand_er(ds, an.er_reach)),
        Mistake("one-account",
                "those are the posts of one account; the brand has an account on each of its platforms: keep "
                "the posts of every account of the brand", crisis_account_er),
        Mistake("every-post",
                "that is every post of the world; keep the brand's posts only", lambda ds: rated(ds)["er"]),
    ),
)

Q2 = Question(
    "q2", "Insight card: the brand's platform where it does best, compared fairly (its median ER there over the "
    "median ER of the yardstick you judge fair), that ratio as evidence, and the brand's number of posts there. "
    "Platforms within PLATFORM_TIE (5%) of the best are ties.", ("best_platform", "best_platform_index", "best_platform_posts"),
    reference=platform_card, comparison=LabelCard("platform"),
    hints=("Some platforms engage more than others for every brand. Where does THIS brand beat what the "
           "platform usually gets?",
           "Divide the brand's median ER on each platform by the median ER of every post on that platform "
           "(all brands): 1.2 means 20% better than the platform's typical post.",
           "`er.groupby(platform).median()` over all posts is the benchmark; the brand's medians come from its "
           "own rows (`brand_er.groupby(...)`); pandas divides them platform by platform."),
    solution=("platform = ds.posts['platform'].astype(str)\n"
              "benchmark = er.groupby(platform).median()\n"
              "platform_index = brand_er.groupby(platform[posts.index]).median() / benchmark\n"
              "platform_index = platform_index.dropna()\n"
              "best_platform = platform_index.idxmax()\n"
              "best_platform_index = platform_index.max()\n"
              "best_platform_posts = int((posts['platform'] == best_platform).sum())"),
    mistakes=(
        Mistake("raw-rate",
                "that is the brand's highest RAW rate, which on that platform every brand gets; compare the "
                "brand's median with the median of every post on the same platform",
                lambda ds: platform_card(ds, benchmark="none")),
        Mistake("brand-baseline",
                "dividing by the brand's own median keeps the ranking of its raw rates (every platform is "
                "divided by the same number); compare with each platform's typical post, all brands",
                lambda ds: platform_card(ds, benchmark="brand")),
        Mistake("mean-not-median", "that index compares MEAN rates, which a few viral posts move; use medians",
                lambda ds: platform_card(ds, how="mean")),
    ),
    points=2,
    judgement=True,
)

Q3 = Question(
    "q3", "Chart: a seaborn bar chart of your platform index (one bar per platform of the brand), with a title "
    "and a label on the value axis that says what the bars measure; keep its Axes.", ("platform_chart",),
    reference=platform_values, comparison=BarChart("platform"), plain=bar_chart,
    hints=("The bars are the numbers behind your card: the brand's median ER over the platform's median ER.",
           "sns.barplot(x=labels, y=values) draws one bar per label; barplot returns the Axes. Give it a title "
           "and axis labels with `.set(title=..., xlabel=..., ylabel=...)`; a manager should read a bar of 1 as "
           "'as good as the platform's typical post'."),
    solution=("platform_chart = sns.barplot(x=platform_index.index, y=platform_index.to_numpy(), errorbar=None)\n"
              "platform_chart.set(title=\"The brand's median ER against each platform's typical post\",\n"
              "                   xlabel='platform', ylabel='brand median ER / platform median ER');"),
    mistakes=(
        Mistake("raw-median",
                "the bars are the brand's raw median ER per platform; chart the index (over each platform's "
                "median ER, all brands)", lambda ds: platform_values(ds, benchmark="none")),
        Mistake("mean-rates",
                "the bars compare MEAN rates; chart the index of medians", lambda ds: platform_values(ds, "mean")),
    ),
)

Q4 = Question(
    "q4", "Insight card: the brand's best LOCAL posting hour, compared fairly across its platforms, among hours "
    "holding at least MIN_SHARE (2%) of the brand's posts, and its evidence. Hours within HOUR_TIE (1%) of the "
    "best are ties.", ("best_hour", "best_hour_rel"),
    reference=hour_card, comparison=BestWithEvidence("hour"),
    hints=("Two things from earlier notebooks: the audience reads on the brand's clock (05), and the brand "
           "posts on platforms with very different rates at different hours (04).",
           "Convert posted_at to the brand's time zone (ds.brands) before taking the hour. Compare each post "
           "with its own account's median ER (04's rel_er), then take the median per hour.",
           "Drop the hours with less than ex.MIN_SHARE of the brand's posts (`value_counts(normalize=True)`); "
           "the hour of the largest median, as an int, is the answer and that median its evidence."),
    solution=("zone = ds.brands.set_index('brand_id').loc[ex.brand(ds), 'timezone']\n"
              "hour = posts['posted_at'].dt.tz_convert(zone).dt.hour\n"
              "rel = brand_er / brand_er.groupby(posts['account_id']).transform('median')\n"
              "by_hour = rel.groupby(hour).median()\n"
              "share = hour.value_counts(normalize=True)\n"
              "by_hour = by_hour[by_hour.index.isin(share[share >= ex.MIN_SHARE].index)]\n"
              "best_hour = int(by_hour.idxmax())\n"
              "best_hour_rel = by_hour.max()"),
    mistakes=(
        Mistake("utc", "that is a UTC hour; the brand's audience lives on its local clock (brands.timezone)",
                lambda ds: hour_card(ds, clock="utc")),
        Mistake("raw-er", "that compares raw ER: the hours when the brand posts on its high-engagement platforms win; "
                "compare each post with its own account's median first", lambda ds: hour_card(ds, column="er")),
        Mistake("mean-not-median", "that compares MEANS, which one viral post decides; use the median",
                lambda ds: hour_card(ds, how="mean")),
        Mistake("thin-hours",
                "that hour holds too few of the brand's posts to trust its median; keep hours with at least "
                "ex.MIN_SHARE of them", thin_hours),
    ),
    points=2,
    judgement=True,
)

Q5 = Question(
    "q5", "Insight card: the format to push, compared fairly across the brand's platforms, among formats with at "
    "least MIN_POSTS (30) of its posts; its evidence and its number of posts. Formats within FORMAT_TIE (2%) "
    "of the best are ties.", ("best_format", "best_format_rel", "best_format_posts"),
    reference=format_card, comparison=LabelCard("format"),
    hints=("A format lives on some platforms only: a raw comparison ranks the platforms again.",
           "Use the same fair comparison as for hours (each post against its own account's median), the median "
           "per format, and only formats with at least ex.MIN_POSTS posts."),
    solution=("fmt = posts['format'].astype(str)\n"
              "by_format = rel.groupby(fmt).median()\n"
              "n_posts = fmt.value_counts()\n"
              "by_format = by_format[n_posts[by_format.index] >= ex.MIN_POSTS]\n"
              "best_format = by_format.idxmax()\n"
              "best_format_rel = by_format.max()\n"
              "best_format_posts = int(n_posts[best_format])"),
    mistakes=(
        Mistake("raw-er",
                "that compares raw ER: the format of the brand's high-engagement platform wins; compare each post "
                "with its own account's median first", lambda ds: format_card(ds, column="er")),
        Mistake("mean-not-median",
                "that compares MEANS of the relative ER; use the median", lambda ds: format_card(ds, how="mean")),
    ),
    points=2,
    judgement=True,
)

#: The model written answer, shown by ``q6.solution()`` once the learner wrote theirs.
MODEL_ANSWER = (
    "Jones PLC does best on facebook: its median post there engages about a third more than the typical "
    "facebook post of any brand (188 posts), while its instagram posts sit about 7% below instagram's typical "
    "post; its raw rates pointed to youtube only because youtube engages more for every brand. Post around "
    "1 pm New York time, where its posts do about 23% better than their account's typical post, and push "
    "reels, which do about 23% better too (104 posts); shorts looked best on raw rates only because they "
    "sit on youtube. In late June its instagram account had a ten-day crisis that cost about 280 followers in "
    "net, which its normal growth of about 23 a day wins back in about two weeks: find out what set it off "
    "before putting more into instagram. The hour and format medians rest on about a hundred posts each, so "
    "test them for a quarter and re-check."
)

Q6 = Question(
    "q6", "Insight card: what the crisis of one of the brand's accounts cost (notebook 07's method and card): the "
    "claim that fits (one of CLAIMS), the account's net follows during its crisis window and its normal daily "
    "net follows outside it. Windows read to WINDOW_DAYS (1) day and recovery times within 20% of HORIZON "
    "(60 days) are accepted.", ("claim", "crisis_net", "normal_net"),
    reference=crisis_cards,
    comparison=AnyOf(Several(("claim", "crisis_net", "normal_net"),
                             (MemberOf(str, "claim", options=CLAIMS), Scalar(rtol=1e-6, percent=False),
                              Scalar(rtol=1e-6, percent=False)))),
    hints=("Notebook 07: each account's days against its own normal day (its median unfollow rate times the "
           "day's followers, at least ex.FLOOR), smoothed with a centred ex.SMOOTH-day rolling median; the crisis "
           "account peaks highest, and its window is the run of days at or above ex.SPIKE around the peak.",
           "Only the brand's accounts matter: filter ds.followers_daily to them, sort by account and date, and "
           "add net = follows - unfollows. Then the window's net follows, and the mean net of the other days.",
           "The claims, in order: a window that cost nothing; a normal day that gains nothing; otherwise "
           "-crisis_net / normal_net days against ex.HORIZON."),
    solution=("f = ds.followers_daily[ds.followers_daily['account_id'].isin(accounts)]"
              ".sort_values(['account_id', 'date'])\n"
              "f['net'] = f['follows'] - f['unfollows']\n"
              + CRISIS_CODE + "\n"
              "crisis = f[f['account_id'] == f.groupby('account_id')['smooth'].max().idxmax()].set_index('date')\n"
              "flag = crisis['smooth'] >= ex.SPIKE\n"
              "run = (flag != flag.shift()).cumsum()\n"
              "inside = run == run[crisis['smooth'].idxmax()]\n"
              "crisis_net = crisis.loc[inside, 'net'].sum()\n"
              "normal_net = crisis.loc[~inside, 'net'].mean()\n"
              + CLAIM_CODE),
    mistakes=tuple(Mistake(mistake_id, message, lambda ds, kw=kw: crisis_cards(ds, **kw))
                   for mistake_id, message, kw in CARD_MISTAKES),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("12_capstone_insight_report", "Capstone insight report", (Q1, Q2, Q3, Q4, Q5, Q6),
                    tables=("posts", "accounts", "brands", "followers_daily"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q6 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
