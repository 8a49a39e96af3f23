"""Questions of notebook 12, the capstone: next year's plan for one brand, from its manager's brief.

The brand of the brief is the one that ran the most campaigns this year (:func:`brand`; the larger ad spend
breaks a tie), so it changes with the world and has organic posts and paid campaigns to judge. Its manager asks
three things, each answered with an insight card (what to do, the evidence number, the sample behind it); the
learner decides each time which comparison is fair. Definitions (each from the notebook that taught it):

- ER = engagements / impressions per post (04), the rate of the manager's dashboard;
- q1, where the brand stands: a platform's index = the brand's median ER there / a yardstick from the same
  platform. Every fair yardstick is accepted (:data:`YARDSTICKS`): the median ER of every post on the platform,
  of the other brands' posts there, or of the platform's typical account (the median of its accounts' median
  ER), with or without the brand's own account, or of the posts of the other brands in its industry on that
  platform, where they hold at least MIN_POSTS posts (elsewhere that yardstick says nothing). A raw rate, or one
  number for every platform, ranks the platforms the way they engage for every brand;
- q3, content: a format and a topic together (``reel`` + ``education``), judged by the median of ``rel``
  (each post's ER over its own account's median ER, 04's ``rel_er``), among pairs holding at least MIN_SHARE of
  the brand's posts (03's minimum sample) or MIN_POSTS posts (04's; about the same floor for a brand of 1,500
  posts): both floors are accepted. The text names this one yardstick: one from the platform would credit a pair
  with the strength of the account that posts it;
- q4, paid: each of the brand's campaigns judged on the KPI its objective buys (:data:`KPI_OF`; a conversions
  campaign on ROAS or on CPA, :data:`CONVERSION_KPIS`) against the market's campaigns with the same objective:
  its index = how many times better than the yardstick. Accepted yardsticks (:data:`MARKETS`, :data:`POOLS`):
  the pooled KPI of the objective's campaigns (06: sums first, then divide) or its median campaign, over every
  brand's campaigns or the other brands'; the market size is the number of campaigns in the yardstick. Money of
  several brands is added up (or compared) in the base currency (06: each amount / its ``fx_rates.units_per_base``);
- near-ties come from the data's own noise (:mod:`sandbox.analysis.noise`): the bootstrap standard error of a
  median of posts, the Poisson error of a campaign's count of results.

Everything is judged on the learner's data; the planted truth plays no part.

In the notebook: ``q1, ..., q5 = ex.setup(globals())``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from .. import analysis as an
from ..analysis import MIN_POSTS, MIN_SHARE, rated  # noqa: F401 (ex.MIN_SHARE in the notebook)
from ..analysis.bands import near_best_within_noise
from ..analysis.noise import median_se, poisson_log_se
from ._chart import BarChart, bar_chart, measure_unnamed
from ._compare import MethodCard
from ._question import Exercise, Mistake, Question, Step


@an.last_dataset_cache
def brand(ds) -> str:
    """The brand of the brief: the brand that ran the most campaigns (the larger spend, in the base currency, breaks
    a tie)."""
    c = an.in_base_currency(ds.campaigns.assign(brand_id=ds.campaigns["brand_id"].astype(str)), ds.fx_rates)
    table = pd.DataFrame({"campaigns": c.groupby("brand_id").size(), "spend": c.groupby("brand_id")["spend"].sum()})
    return str(table.sort_values(["campaigns", "spend"], ascending=False, kind="stable").index[0])


def brand_accounts(ds) -> pd.Series:
    return ds.accounts.loc[ds.accounts["brand_id"] == brand(ds), "account_id"]


@an.last_dataset_cache
def brand_posts(ds, rate=an.er_impressions) -> pd.DataFrame:
    """The brand's posts with ``er`` and ``rel_er`` (er over its own account's median er). Read it, never modify it."""
    posts = rated(ds, rate)
    return posts[posts["account_id"].isin(brand_accounts(ds))]


# ---------------------------------------------------------------- q1, q2: where the brand stands

#: The yardsticks q1 accepts: each platform's median ER of ...
YARDSTICKS = {
    "platform": "every post on the platform (every brand, the brand's own posts included)",
    "others": "the other brands' posts on the platform",
    "accounts": "the platform's typical account: the median of its accounts' median ER",
    "other-accounts": "the typical account of the other brands on the platform",
    "industry": "the posts of the other brands of the brand's industry on the platform (at least MIN_POSTS of them)",
}


def yardstick(ds, kind: str = "platform", how: str = "median", rate=an.er_impressions) -> pd.Series:
    """The ``kind`` yardstick of each platform (:data:`YARDSTICKS`; "all-posts": one number for every platform,
    and "brand": the brand's own ``how`` ER, are mistakes), indexed by platform."""
    posts = rated(ds, rate)
    others = posts[~posts["account_id"].isin(brand_accounts(ds))]
    platforms = posts["platform"].unique()
    if kind in ("platform", "others"):
        return (posts if kind == "platform" else others).groupby("platform")["er"].agg(how)
    if kind == "industry":
        industry = ds.brands.set_index("brand_id")["industry"].astype(str)
        peers = industry.index[(industry == industry[brand(ds)]) & (industry.index != brand(ds))]
        pool = posts[posts["account_id"].isin(ds.accounts.loc[ds.accounts["brand_id"].isin(peers), "account_id"])]
        by_platform = pool.groupby("platform")["er"]
        return by_platform.agg(how).where(by_platform.size() >= MIN_POSTS)
    if kind in ("accounts", "other-accounts"):
        pool = posts if kind == "accounts" else others
        accounts = pool.groupby(["platform", "account_id"])["er"].median()
        return accounts.groupby(level="platform").median()
    if kind == "all-posts":
        return pd.Series(posts["er"].agg(how), index=platforms)
    if kind == "brand":
        return pd.Series(brand_posts(ds, rate)["er"].agg(how), index=platforms)
    raise ValueError(f"no yardstick {kind!r}")


def platform_values(ds, kind: str = "platform", how: str = "median", rate=an.er_impressions) -> pd.Series:
    """The brand's index per platform: its ``how`` ER there over the ``kind`` yardstick (``kind="none"``: the raw
    rate, a mistake)."""
    mine = brand_posts(ds, rate).groupby("platform")["er"].agg(how)
    if kind == "none":
        return mine
    return (mine / yardstick(ds, kind, how, rate).reindex(mine.index)).dropna()


def platform_card(ds, kind: str = "platform", how: str = "median", rate=an.er_impressions) -> tuple:
    """(platforms the data cannot tell from the best, index per platform, the brand's posts per platform)."""
    posts = brand_posts(ds, rate)
    values = platform_values(ds, kind, how, rate)
    scale = values / posts.groupby("platform")["er"].agg(how).reindex(values.index)
    se = median_se(posts["er"], posts["platform"]).reindex(values.index) * scale
    return near_best_within_noise(values, se), values, posts.groupby("platform").size()


def standing_cards(ds) -> list:
    """q1's reference: one card per accepted yardstick (:data:`YARDSTICKS`), the solution's first."""
    return [card for card in (platform_card(ds, kind) for kind in YARDSTICKS) if not card[1].empty]


def as_written(card: tuple, worst: bool = False) -> list:
    """A typical mistake's answer, as a learner writes it: the card's single best (or worst) label, no near-ties."""
    _, values, sizes = card
    if values.dropna().empty:
        return [(set(), values, sizes)]
    return [({values.idxmin() if worst else values.idxmax()}, values, sizes)]


def one_card(**kw):
    """A typical mistake's answer: the best platform of ``platform_card(ds, **kw)``."""
    return lambda ds: as_written(platform_card(ds, **kw))


def standing_charts(ds) -> list:
    """q2's reference: the index per platform for each accepted yardstick."""
    return [values for values in (platform_values(ds, kind) for kind in YARDSTICKS) if not values.empty]


# ---------------------------------------------------------------- q3: content

CONTENT = ["format", "topic"]


def content_card(ds, column: str = "rel_er", how: str = "median", min_share: float = MIN_SHARE,
                 rate=an.er_impressions, min_posts: int | None = None) -> tuple:
    """(accepted (format, topic) pairs, ``how`` of ``column`` per pair holding at least ``min_share`` of the brand's
    posts (``min_posts``: at least that many posts instead), posts per pair). ``column="platform_rel"``: each post
    against its platform's median ER (a mistake)."""
    posts = brand_posts(ds, rate)
    if column == "platform_rel":
        posts = posts.assign(platform_rel=posts["er"] / yardstick(ds, "platform", rate=rate)[posts["platform"]].to_numpy())
    keys = [posts[k] for k in CONTENT]
    size = posts.groupby(keys).size()
    values = posts.groupby(keys)[column].agg(how)
    values = values[size.reindex(values.index) >= (min_share * len(posts) if min_posts is None else min_posts)]
    se = median_se(posts[column], keys).reindex(values.index)
    return near_best_within_noise(values, se), values, size


def content_shortcut(ds, pick: str = "er", market: bool = False) -> list:
    """q3's mistakes, as a learner writes them: the best pair picked another way, quoted with the brand's relative
    median and posts of that pair. ``pick="er"``: the pair with the brand's highest median raw ER; ``market``: the
    pair with the highest median rel_er over every brand's posts (pairs holding MIN_SHARE of them)."""
    mine = brand_posts(ds)
    values, sizes = (mine.groupby([mine[k] for k in CONTENT])["rel_er"].median(),
                     mine.groupby([mine[k] for k in CONTENT]).size())  # the evidence a learner quotes for any pair
    if market:
        posts = rated(ds, an.er_impressions)
        keys = [posts[k] for k in CONTENT]
        medians = posts.groupby(keys)["rel_er"].median()
        best = medians[posts.groupby(keys).size().reindex(medians.index) >= MIN_SHARE * len(posts)].idxmax()
    else:
        best = content_card(ds, column=pick)[1].idxmax()
    return [({best}, values, sizes)]


def content_cards(ds) -> list:
    """q3's reference: the card of each accepted minimum sample, MIN_SHARE of the brand's posts (the text's) first,
    then MIN_POSTS posts (the course's other minimum sample, about the same floor for a brand of 1,500 posts)."""
    return [content_card(ds), content_card(ds, min_posts=MIN_POSTS)]


def content_mistake(**kw):
    """A typical mistake's answer: the best pair of ``content_card(ds, **kw)``."""
    return lambda ds: as_written(content_card(ds, **kw))


# ---------------------------------------------------------------- q4: paid

#: The KPI each objective is judged on: what it buys (06, "compare objectives on the KPI they were bought for").
#: An engagement campaign's engagements are not in the table: it is judged on its clicks, as a traffic one.
KPI_OF = {"awareness": "cpm", "engagement": "cpc", "traffic": "cpc", "conversions": "roas"}
#: A conversions campaign may be judged on ROAS (what the money returned) or on CPA (what a sale cost).
CONVERSION_KPIS = ("roas", "cpa")
#: KPI -> (numerator, denominator) of the campaigns table; ROAS is better high, the costs better low.
KPI_PARTS = {"cpm": ("spend", "thousands"), "cpc": ("spend", "clicks"), "cpa": ("spend", "conversions"),
             "roas": ("revenue", "spend")}
#: KPI -> the count of results its noise rests on.
RESULTS = {"cpm": "impressions", "cpc": "clicks", "cpa": "conversions", "roas": "conversions"}
#: The markets and the ways to pool them that q4 accepts: every brand's campaigns of the objective or the other
#: brands'; their pooled KPI (sums, then divide, as 06 taught) or their median campaign's KPI.
MARKETS = ("all", "others")
POOLS = ("sum", "median")


def campaigns(ds, conversion_kpi: str = "roas", kpi: str | None = None, convert: bool = True) -> pd.DataFrame:
    """ds.campaigns, money in the base currency (``convert=False``: each in its brand's own, a mistake), with
    ``kpi_name`` (the KPI of each campaign's objective, :data:`KPI_OF`; ``kpi``: one KPI for every campaign, a
    mistake), ``num`` and ``den`` (its parts), ``kpi`` (num / den) and ``results``."""
    c = an.in_base_currency(ds.campaigns, ds.fx_rates) if convert else ds.campaigns
    c = c.assign(objective=c["objective"].astype(str), brand_id=c["brand_id"].astype(str),
                 thousands=c["impressions"] / 1000)
    names = c["objective"].map(KPI_OF).replace({"roas": conversion_kpi}) if kpi is None else pd.Series(kpi, c.index)
    num = pd.Series(np.nan, index=c.index)
    den = pd.Series(np.nan, index=c.index)
    results = pd.Series(np.nan, index=c.index)
    for name, (top, bottom) in KPI_PARTS.items():
        rows = names == name
        num[rows], den[rows], results[rows] = c.loc[rows, top], c.loc[rows, bottom], c.loc[rows, RESULTS[name]]
    with np.errstate(divide="ignore", invalid="ignore"):
        return c.assign(kpi_name=names, num=num, den=den, kpi=num / den, results=results)


def campaign_values(ds, pool: str = "sum", market: str = "all", conversion_kpi: str = "roas", kpi: str | None = None,
                    by: str = "objective", inverted: bool = False, convert: bool = True) -> tuple:
    """(index of each of the brand's campaigns against its market yardstick, campaigns in each yardstick), indexed
    by campaign_id. ``pool``: "sum" (pooled), "median" or "mean" (the mean campaign, a mistake); ``market``: "all",
    "others" or "brand" (the brand's own campaigns, a mistake); ``by="all"``: one yardstick over every objective,
    ``by="objective-platform"``: one per objective and platform, a handful of campaigns each (mistakes);
    ``inverted``: cost KPIs not turned over, so that a dearer campaign scores higher (a mistake);
    ``convert=False``: money left in each brand's currency (a mistake)."""
    c = campaigns(ds, conversion_kpi, kpi, convert)
    mine = c["brand_id"] == brand(ds)
    m = c[{"all": c.index == c.index, "others": ~mine, "brand": mine}[market]]
    # each campaign's yardstick: its own KPI over the market's campaigns of its objective (by="all": of every objective)
    yard_of = pd.Series(np.nan, index=c.index)
    count_of = pd.Series(0, index=c.index)
    for name, (top, bottom) in KPI_PARTS.items():
        rows = c["kpi_name"] == name
        if not rows.any():
            continue
        group = market_key(m, by)
        if pool == "sum":
            yard = m.groupby(group)[top].sum() / m.groupby(group)[bottom].sum()
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                yard = (m[top] / m[bottom]).groupby(group).agg(pool)
        own = market_key(c.loc[rows], by)
        yard_of[rows] = own.map(yard).to_numpy()
        count_of[rows] = own.map(group.value_counts()).fillna(0).to_numpy()
    higher_better = (c["kpi_name"] == "roas") | inverted
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher_better, c["kpi"] / yard_of, yard_of / c["kpi"])
    values = pd.Series(ratio, index=c["campaign_id"])[mine.to_numpy()].replace([np.inf], np.nan)
    return values, pd.Series(count_of[mine].to_numpy(), index=values.index).astype(int)


def market_key(c: pd.DataFrame, by: str) -> pd.Series:
    """The market each campaign of ``c`` is judged against: its objective, its objective and platform, or "all"."""
    if by == "objective":
        return c["objective"]
    if by == "objective-platform":
        return c["objective"] + "/" + c["platform"].astype(str)
    return pd.Series("all", index=c.index)


def campaign_card(ds, **kw) -> tuple:
    """(campaigns the data cannot tell from the worst, index per campaign, campaigns in its yardstick): the campaign
    to cut."""
    values, market = campaign_values(ds, **kw)
    c = campaigns(ds, kw.get("conversion_kpi", "roas"), kw.get("kpi")).set_index("campaign_id")
    return near_worst(values, c.loc[values.index, "results"]), values, market


def near_worst(values: pd.Series, results: pd.Series) -> set:
    """The campaigns whose index the data cannot tell from the lowest: on the log scale, within the Poisson noise
    of their counts of results (an index of 0, a campaign without a sale, is the lowest there is)."""
    logs = np.log(values.clip(lower=1e-9))
    return near_best_within_noise(-logs, poisson_log_se(results))


def paid_cards(ds) -> list:
    """q4's reference: one card per accepted method, the solution's (pooled, every brand, ROAS) first; methods that
    give the same card are kept once."""
    cards = []
    for conversion_kpi, market, pool in itertools.product(CONVERSION_KPIS, MARKETS, POOLS):
        card = campaign_card(ds, pool=pool, market=market, conversion_kpi=conversion_kpi)
        if not any(card[0] == c[0] and card[1].equals(c[1]) and card[2].equals(c[2]) for c in cards):
            cards.append(card)
    return cards


def paid_charts(ds) -> list:
    """q4's reference: the index of every campaign of the brand, for each accepted method (the solution's first)."""
    charts = []
    for conversion_kpi, market, pool in itertools.product(CONVERSION_KPIS, MARKETS, POOLS):
        values = campaign_values(ds, pool=pool, market=market, conversion_kpi=conversion_kpi)[0]
        if not any(values.equals(other) for other in charts):
            charts.append(values)
    return charts


def paid_mistake(**kw):
    """A typical mistake's answer: the worst campaign of ``campaign_card(ds, **kw)``."""
    return lambda ds: as_written(campaign_card(ds, **kw), worst=True)


def dashboard_roas(ds) -> list:
    """Each campaign's raw ROAS, no yardstick (the dashboard's ranking; a mistake)."""
    c = campaigns(ds, kpi="roas").set_index("campaign_id")
    return as_written((None, c.loc[c["brand_id"] == brand(ds), "kpi"], campaign_values(ds)[1]), worst=True)


# ---------------------------------------------------------------- questions

STANDING_CODE = (
    "accounts = ds.accounts.loc[ds.accounts['brand_id'] == ex.brand(ds), 'account_id']\n"
    "posts = ds.posts.assign(er=ds.posts[['likes', 'comments', 'shares', 'saves']].sum(axis=1) / ds.posts['impressions'],\n"
    "                        platform=ds.posts['platform'].astype(str))\n"
    "mine = posts[posts['account_id'].isin(accounts)]\n"
    "platform_index = mine.groupby('platform')['er'].median() / posts.groupby('platform')['er'].median()\n"
    "platform_index = platform_index.dropna()")

Q1 = Question(
    "q1", "Insight card: the platform where the brand does best against the competition: the platform, the brand's "
    "median ER there over the yardstick you judge fair (from the same platform), and the brand's posts there. "
    "Platforms the data cannot tell apart from the best are accepted.",
    ("best_platform", "best_platform_index", "best_platform_posts"),
    reference=standing_cards, comparison=MethodCard(("platform",)),
    hints=("Some platforms engage more than others for every brand: a high rate there says more about the platform "
           "than about the brand.",
           "Measure the brand against posts that face the same platform. There is more than one fair yardstick; "
           "any of them is accepted, and your report says which one you took.",
           "The brief's ER is the dashboard's (by impressions), and a few viral posts must not decide a platform."),
    solution=(STANDING_CODE + "\n"
              "best_platform = platform_index.idxmax()\n"
              "best_platform_index = platform_index.max()\n"
              "best_platform_posts = int((mine['platform'] == best_platform).sum())"),
    steps=(
        Step("same-platform-yardstick", teaches="measure the brand against a yardstick from the same platform",
             message="that ranks the brand's raw rates, which rank the platforms the way they engage for every brand; "
                     "compare the brand on each platform with a yardstick from that same platform",
             answer=one_card(kind="none")),
    ),
    mistakes=(
        Mistake("one-yardstick",
                "dividing every platform by the same number keeps the ranking of the raw rates; the yardstick must "
                "come from each platform", one_card(kind="all-posts")),
        Mistake("brand-baseline",
                "dividing by the brand's own median keeps the ranking of its raw rates (every platform is divided by "
                "the same number); compare with a yardstick from each platform", one_card(kind="brand")),
        Mistake("mean-not-median", "that index compares MEAN rates, which a few viral posts move; use medians",
                one_card(how="mean")),
        Mistake("er-by-reach", "that index divides engagements by reach; the brief's ER is the dashboard's, "
                "engagements over impressions", one_card(rate=an.er_reach)),
    ),
    points=3,
    judgement=True,
)

Q2 = Question(
    "q2", "Chart: a seaborn bar chart of your platform index (one bar per platform of the brand, no error bars), "
    "with a title and a label on the value axis that says what the bars measure; keep its Axes.",
    ("platform_chart",),
    reference=standing_charts, comparison=BarChart("platform", measure=("index", "er", "engagement")),
    plain=bar_chart,
    hints=("The bars are the numbers behind your card, one per platform.",
           "A manager should read a bar of 1 as 'as good as the yardstick': say so on the value axis."),
    solution=("platform_chart = sns.barplot(x=platform_index.index, y=platform_index.to_numpy(), errorbar=None)\n"
              "platform_chart.axhline(1, color='grey', linestyle='--')\n"
              "platform_chart.set(title=\"The brand's median ER against each platform's typical post\",\n"
              "                   xlabel='platform', ylabel='brand median ER / platform median ER');"),
    steps=(
        Step("same-platform-yardstick", teaches="chart the index, not the raw rates",
             message="the bars are the brand's raw median ER per platform; chart your index (over a yardstick from "
                     "each platform)", answer=lambda ds: platform_values(ds, "none")),
    ),
    mistakes=(
        Mistake("mean-rates", "the bars compare MEAN rates; chart the index of medians",
                lambda ds: platform_values(ds, how="mean")),
        measure_unnamed(standing_charts),
    ),
)

Q3 = Question(
    "q3", "Insight card: the content to make more of, a format and a topic together, judged fairly across the "
    "brand's platforms (each post against its own account's median ER) among pairs holding at least MIN_SHARE (2%) of "
    "its posts (or MIN_POSTS (30) posts: both are accepted): the format, the topic, that pair's median and its number of posts. Pairs the data cannot tell "
    "apart from the best are accepted.",
    ("content_format", "content_topic", "content_rel", "content_posts"),
    reference=content_cards, comparison=MethodCard(("format", "topic")),
    hints=("A format lives on some platforms only, and the brand does better on some platforms than on others "
           "(question 1): a raw rate would pick a platform again.",
           "Notebook 04 compared each post with what its own account usually gets. Here the cells are smaller: "
           "how many posts must a pair hold before its median means something?"),
    solution=("mine = mine.assign(rel=mine['er'] / mine.groupby('account_id')['er'].transform('median'),\n"
              "                   format=mine['format'].astype(str), topic=mine['topic'].astype(str))\n"
              "pairs = mine.groupby(['format', 'topic'])['rel'].agg(['median', 'size'])\n"
              "pairs = pairs[pairs['size'] >= ex.MIN_SHARE * len(mine)]\n"
              "content_format, content_topic = pairs['median'].idxmax()\n"
              "content_rel = pairs['median'].max()\n"
              "content_posts = int(pairs.loc[(content_format, content_topic), 'size'])"),
    steps=(
        Step("min-share", teaches="judge only pairs holding at least MIN_SHARE of the brand's posts",
             message="that pair holds too few posts for its median to mean anything; keep the pairs holding at least "
                     "ex.MIN_SHARE of the brand's posts", answer=content_mistake(min_share=0)),
        Step("account-baseline", teaches="compare each post with its own account's median ER",
             message="that compares raw ER: the pairs of the brand's high-engagement platforms win; compare each "
                     "post with its own account's median ER first", answer=content_mistake(column="er")),
    ),
    mistakes=(
        Mistake("platform-yardstick",
                "each post against its platform's typical post still credits a pair with the strength of the "
                "account that posts it (question 1); compare each post with its own account's median ER",
                content_mistake(column="platform_rel")),
        Mistake("mean-not-median", "that compares MEANS of the relative ER, which one viral post moves; use the median",
                content_mistake(how="mean")),
        Mistake("raw-pick", "that pair has the brand's best raw ER, not the best median relative to the account: pick "
                "the pair by the measure you quote", content_shortcut),
        Mistake("market-pairs", "that pair does best over every brand's posts; the manager asks what this brand should "
                "make more of: judge the brand's own posts", lambda ds: content_shortcut(ds, market=True)),
    ),
    points=3,
    judgement=True,
)

#: The model written report, shown by ``q5.solution()`` once the learner wrote theirs: the default world's findings.
MODEL_ANSWER = (
    "Joseph Zuniga and Smith does best on tiktok: its median post there engages 39% more than the typical tiktok "
    "post of any brand (on 233 posts; 52% against the other brands' posts alone), while its facebook posts are 11% "
    "ahead and its instagram posts 4% behind. Its raw rates point to tiktok too (5.0% against 1.2% on facebook), but "
    "most of that gap is the platform: tiktok engages 3.6% for every brand, facebook 1.1%. The content team should "
    "make more live posts: live community and live promotion posts do 79% and 51% better than their account's usual, "
    "and education reels 40% (on 16, 19 and 18 posts, which the data cannot tell apart); community reels, 34% better "
    "on 50 posts, are the surer bet, and behind-the-scenes reels (3.9 times on 5 posts) are too few to show anything. "
    "I would not run the facebook test T0005 again: its B arm CP00046 returned 1.11 per unit spent, 0.36 times the "
    "3.05 of the market's 29 conversions campaigns pooled in US dollars, and its A arm CP00045 (0.40) and the "
    "instagram conversions campaign CP00044 (0.45) are hardly better. The dashboard would have dropped an awareness "
    "campaign, CP00041 or CP00047, whose ROAS of 0 says nothing: they were bought for impressions, and bought them "
    "1.18 and 1.46 times as cheaply as the market's awareness campaigns. The content pairs rest on a few dozen posts "
    "each and the conversions campaigns on 30 to 80 sales each, so try live and education content for a quarter, and "
    "compare the next conversions campaign with the market before renewing it."
)

PAID_CODE = (
    "rate = ds.campaigns['currency'].map(ds.fx_rates.set_index('currency')['units_per_base'])\n"
    "c = ds.campaigns.assign(objective=ds.campaigns['objective'].astype(str),\n"
    "                        spend=ds.campaigns['spend'] / rate, revenue=ds.campaigns['revenue'] / rate)\n"
    "kpi = c['objective'].map({'awareness': 'cpm', 'engagement': 'cpc', 'traffic': 'cpc', 'conversions': 'roas'})\n"
    "c['num'] = c['revenue'].where(kpi == 'roas', c['spend'])\n"
    "c['den'] = c['spend'].where(kpi == 'roas', c['clicks'].where(kpi == 'cpc', c['impressions'] / 1000))\n"
    "market = c.groupby('objective')[['num', 'den']].sum()\n"
    "ratio = (c['num'] / c['den']) / c['objective'].map(market['num'] / market['den'])\n"
    "c['index'] = ratio.where(kpi == 'roas', 1 / ratio)\n"
    "campaign_index = c[c['brand_id'] == ex.brand(ds)].set_index('campaign_id')['index']")

#: Why a market of one objective on one platform is no yardstick (q4's and q5's mistake).
THIN_MARKET = ("that yardstick splits the market by platform too: a handful of campaigns each, the brand's own "
               "among them, too few to judge against; take the market's campaigns of the same objective on every "
               "platform")

Q4 = Question(
    "q4", "Chart: your index of each of the brand's campaigns against the market's campaigns with the same objective "
    "(its KPI, what the objective buys, over the market's, turned so that higher is better), as a seaborn bar chart "
    "(one bar per campaign, no error bars) with a title and a label on the value axis; keep its Axes.",
    ("campaign_chart",),
    reference=paid_charts,
    comparison=BarChart("campaign", measure=("index", "kpi", "yardstick", "market", "roas", "cpm", "cpc", "cpa")),
    plain=bar_chart,
    hints=("An awareness campaign was never meant to sell: judge each campaign on what its objective buys "
           "(notebook 06's last note), against what the market's campaigns with the same objective get.",
           "Pool the market's campaigns as notebook 06 did, or take their typical campaign; either is accepted. "
           "The market pays in several currencies.",
           "One index where higher is better: a cost is better low, a return high."),
    solution=(PAID_CODE + "\n"
              "ranked = campaign_index.sort_values()\n"
              "campaign_chart = sns.barplot(x=ranked.to_numpy(), y=ranked.index, orient='h', errorbar=None)\n"
              "campaign_chart.axvline(1, color='grey', linestyle='--')\n"
              "campaign_chart.set(title=\"The brand's campaigns against the market's with the same objective\",\n"
              "                   xlabel=\"times as good as the market's yardstick\", ylabel='campaign');"),
    steps=(
        Step("objective", teaches="judge each campaign on the KPI its objective buys",
             message="the bars judge every campaign on its sales (ROAS) against the whole market's: an awareness or a "
                     "traffic campaign was bought for impressions or clicks; judge each on what its objective buys, "
                     "against campaigns with that objective",
             answer=lambda ds: campaign_values(ds, kpi="roas", by="all")[0]),
        Step("same-objective", teaches="a yardstick from the market's campaigns with the same objective",
             message="the bars' yardstick pools every objective: campaigns bought for different things pay different "
                     "prices per click or per thousand impressions; compare with the market's campaigns of the same "
                     "objective", answer=lambda ds: campaign_values(ds, by="all")[0]),
        Step("one-currency", teaches="money of several brands in one currency before it is added up or compared",
             message="the market's money is added up as it is: the brands pay in different currencies; divide each "
                     "campaign's spend and revenue by its currency's units_per_base (ds.fx_rates) first",
             answer=lambda ds: campaign_values(ds, convert=False)[0]),
    ),
    mistakes=(
        Mistake("cost-not-turned",
                "the bars reward the dearer campaigns: a cost (CPM, CPC, CPA) is better LOW, so divide the "
                "yardstick by the campaign's cost", lambda ds: campaign_values(ds, inverted=True)[0]),
        Mistake("dashboard-roas", "the bars are the dashboard's raw ROAS: no yardstick, and every objective judged on "
                "sales", lambda ds: dashboard_roas(ds)[0][1]),
        Mistake("objective-and-platform", THIN_MARKET.replace("that yardstick", "the bars' yardstick"),
                lambda ds: campaign_values(ds, by="objective-platform")[0]),
        measure_unnamed(paid_charts),
    ),
)

Q5 = Question(
    "q5", "Insight card: the brand's campaign not to run again, each campaign judged on what its objective buys "
    "against the market's campaigns with the same objective: the campaign_id, its index (how many times better than "
    "the market's yardstick; below 1 is worse) and the number of campaigns in that yardstick. Campaigns the data "
    "cannot tell apart from the worst are accepted.",
    ("worst_campaign", "worst_index", "worst_market"),
    reference=paid_cards, comparison=MethodCard(("campaign",), size_name="market size"),
    hints=("Your chart holds the answer; the dashboard's ROAS does not.",
           "The market size is the number of campaigns behind the yardstick of that campaign's objective."),
    solution=("worst_campaign = campaign_index.idxmin()\n"
              "worst_index = campaign_index.min()\n"
              "worst_market = int((c['objective'] == c.set_index('campaign_id').loc[worst_campaign, 'objective']).sum())"),
    steps=(
        Step("objective", teaches="judge each campaign on the KPI its objective buys",
             message="that judges every campaign on its sales (ROAS) against the whole market's: an awareness or a "
                     "traffic campaign was bought for impressions or clicks; judge each on what its objective buys, "
                     "against campaigns with that objective", answer=paid_mistake(kpi="roas", by="all")),
        Step("same-objective", teaches="a yardstick from the market's campaigns with the same objective",
             message="that yardstick pools every objective: campaigns bought for different things pay different "
                     "prices per click or per thousand impressions; compare with the market's campaigns of the same "
                     "objective", answer=paid_mistake(by="all")),
        Step("one-currency", teaches="money of several brands in one currency before it is added up or compared",
             message="the market's money is added up as it is: the brands pay in different currencies; divide each "
                     "campaign's spend and revenue by its currency's units_per_base (ds.fx_rates) first",
             answer=paid_mistake(convert=False)),
    ),
    mistakes=(
        Mistake("dashboard-roas",
                "that is the dashboard's ranking, the raw ROAS of every campaign: no yardstick, and every objective "
                "judged on sales", dashboard_roas),
        Mistake("mean-of-ratios",
                "that yardstick averages the campaigns' own KPIs, so a small campaign weighs as much as a large one; "
                "pool the market's sums (06) or take its median campaign", paid_mistake(pool="mean")),
        Mistake("own-campaigns",
                "that yardstick is the brand's own campaigns; the manager asks how they did against the market's",
                paid_mistake(market="brand")),
        Mistake("objective-and-platform", THIN_MARKET, paid_mistake(by="objective-platform")),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("12_capstone_insight_report", "Capstone insight report", (Q1, Q2, Q3, Q4, Q5),
                    tables=("posts", "accounts", "brands", "campaigns", "fx_rates"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q5 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
