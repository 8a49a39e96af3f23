"""Questions of notebook 01, first look: load the tables, dtypes, dates, shapes, counts, a first chart.

Two judgements close the first look, each on the data in use:

- the fair count of activity: a brand's posts grow with its number of accounts (2 to 6, one per
  platform it uses), so the brand whose accounts are the most active has the most posts PER ACCOUNT
  (its posts / its accounts); brands within NEAR_TIE of the highest are ties;
- the table that answers "today": ``accounts.followers_start`` is a snapshot from the start of the
  period, ``followers_daily`` holds every day; the audience today is the last day's followers, added
  up over a platform's accounts (a count, exact: no noise band).

In the notebook: ``q1, ..., q9 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis as an
from ._chart import BarChart, bar_chart
from ._compare import LabelCard, Moment, Scalar, Several, SeriesMatch
from ._question import Exercise, Mistake, Question, Step

#: Noise band of the most active brand: posts per account within 5% of the highest are ties (an account's
#: yearly posts vary by more than that around its planned cadence).
NEAR_TIE = 0.05


def n_posts(ds) -> int:
    return len(ds.posts)


def date_range(ds) -> tuple:
    return ds.posts["posted_at"].min(), ds.posts["posted_at"].max()


def posts_per_platform(ds) -> pd.Series:
    return ds.posts["platform"].value_counts().sort_values(ascending=False)


def brand_names(ds) -> pd.Series:
    """Brand name by brand_id."""
    return ds.brands.set_index("brand_id")["name"]


def post_brand_ids(ds) -> pd.Series:
    """The brand_id of each post, aligned with ds.posts."""
    return ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"])


def brand_post_counts(ds) -> pd.Series:
    """Posts per brand name, most first."""
    return post_brand_ids(ds).map(brand_names(ds)).value_counts()


def most_active_account_posts(ds) -> pd.Series:
    """Per brand name, the posts of its most active account (a typical mistake: max instead of sum)."""
    per_account = ds.posts["account_id"].value_counts()
    brand = per_account.index.map(ds.accounts.set_index("account_id")["brand_id"])
    names = ds.brands.set_index("brand_id")["name"]
    return per_account.groupby(brand.map(names)).max().sort_values(ascending=False)


def boosted_share(ds) -> float:
    return float(ds.posts["is_boosted"].mean())


def followers_by_platform(ds, how: str = "median") -> pd.Series:
    """``how`` of followers_start over each platform's accounts (the median is the typical account)."""
    return ds.accounts.groupby("platform", observed=True)["followers_start"].agg(how)


def accounts_per_brand(ds, by_id: bool = False) -> pd.Series:
    """Accounts per brand name (``by_id``: per brand_id); a brand runs one account on each platform it uses."""
    counts = ds.accounts["brand_id"].value_counts()
    return counts if by_id else counts.rename(index=brand_names(ds))


def posts_per_account(ds, divide_by: str = "own", by_id: bool = False) -> pd.Series:
    """Per brand name: its posts divided by its accounts (``divide_by="all"``: by every account of the group, and
    ``by_id``: indexed by brand_id, both mistakes)."""
    posts = post_brand_ids(ds).value_counts()
    accounts = accounts_per_brand(ds, by_id=True).reindex(posts.index)
    per_account = posts / (len(ds.accounts) if divide_by == "all" else accounts)
    return per_account if by_id else per_account.rename(index=brand_names(ds))


def planned_cadence(ds) -> pd.Series:
    """Per brand name: the mean of its accounts' planned posts_per_week (a mistake: a plan, per week)."""
    per_brand = ds.accounts.groupby("brand_id")["posts_per_week"].mean()
    return per_brand.rename(index=brand_names(ds))


def activity_card(ds, values: pd.Series | None = None, by_id: bool = False,
                  evidence: pd.Series | None = None) -> tuple:
    """(accepted brands, posts per account, accounts) of the most-active-brand card, per brand name.

    Accepted: the highest posts per account and its near-ties (NEAR_TIE). ``values`` replaces posts per
    account with a mistake's numbers (``by_id``: indexed by brand_id); a mistake names its own highest
    brand only, with its value of ``evidence`` (by default the mistake's numbers) as evidence.
    """
    if values is None:
        values = posts_per_account(ds)
        return an.near_best(values, NEAR_TIE), values, accounts_per_brand(ds)
    shown = values if evidence is None else evidence
    return an.top_labels(values), shown.astype(float), accounts_per_brand(ds, by_id=by_id)


def audience(ds, when: str = "last", how: str = "sum") -> pd.Series:
    """Per platform, ``how`` over its accounts of their followers ``when``.

    ``when``: "last", the last day of followers_daily (today); mistakes: "first" (its first day),
    "start" (accounts.followers_start, the snapshot before the first day), "every day" (every day's
    followers added up) and "mean" (each account's average day). ``how="median"``: the typical account
    instead of the whole audience (a mistake).
    """
    platform = ds.accounts.set_index("account_id")["platform"].astype(str)
    if when == "start":
        per_account = ds.accounts.set_index("account_id")["followers_start"]
    else:
        f = ds.followers_daily
        if when in ("first", "last"):
            f = f[f["date"] == (f["date"].max() if when == "last" else f["date"].min())]
        per_account = f.groupby("account_id")["followers"].agg("mean" if when == "mean" else "sum")
    return per_account.groupby(platform.reindex(per_account.index)).agg(how)


def audience_card(ds, **kw) -> tuple:
    """(platform with the most followers, followers per platform, share of all followers per platform).

    A count, not an estimate: only an exact tie is accepted besides the largest. ``kw`` go to
    :func:`audience` (mistakes).
    """
    values = audience(ds, **kw).astype(float)
    return an.top_labels(values), values, values / values.sum()


Q1 = Question(
    "q1", "How many posts are in the posts table?", ("n_posts",),
    reference=n_posts, comparison=Scalar(rtol=0, atol=0.5, percent=False),
    hints=("One row of `ds.posts` is one post.",
           "The number of rows of a DataFrame is `len(df)` or `df.shape[0]`."),
    solution="n_posts = len(ds.posts)",
    mistakes=(
        Mistake("post-daily-rows",
                "that is the number of rows in post_daily (one row per post and day); count the posts table",
                lambda ds: len(ds.post_daily)),
        Mistake("accounts-count", "that is the number of accounts, not of posts", lambda ds: len(ds.accounts)),
    ),
)

Q2 = Question(
    "q2", "When was the first post published, and the last one?", ("first_post", "last_post"),
    reference=date_range, comparison=Several(("first_post", "last_post"), (Moment(text=False), Moment(text=False))),
    hints=("`posted_at` already holds timestamps (dtype datetime64, UTC).",
           "Use `.min()` and `.max()` of `ds.posts['posted_at']`."),
    solution="first_post = ds.posts['posted_at'].min()\nlast_post = ds.posts['posted_at'].max()",
    mistakes=(
        Mistake("swapped", "first and last are swapped: the first post is the minimum of posted_at",
                lambda ds: date_range(ds)[::-1]),
        Mistake("accounts-created",
                "that is when the accounts were created (accounts.created_at); the question asks about posts",
                lambda ds: (ds.accounts["created_at"].min(), ds.accounts["created_at"].max())),
    ),
)

Q3 = Question(
    "q3", "Count the posts per platform, as a Series sorted from most to fewest posts.",
    ("posts_per_platform",),
    reference=posts_per_platform, comparison=SeriesMatch(rtol=0, atol=0.5, ordered=True, ignore_zero=True),
    hints=("Each post has a `platform`; count how often each value occurs.",
           "`value_counts()` counts and sorts in one go.",
           "Call it on the `platform` column of `ds.posts`; its result is already sorted."),
    solution="posts_per_platform = ds.posts['platform'].value_counts()",
    mistakes=(
        Mistake("shares-not-counts", "these are shares of posts (normalize=True); the question asks for counts",
                lambda ds: ds.posts["platform"].value_counts(normalize=True)),
        Mistake("accounts-per-platform", "you counted accounts per platform; count posts (ds.posts) instead",
                lambda ds: ds.accounts["platform"].value_counts()),
    ),
)

Q4 = Question(
    "q4", "Posts per brand across all its accounts: a Series indexed by brand NAME, sorted from most to "
    "fewest posts.", ("posts_per_brand",),
    reference=brand_post_counts, comparison=SeriesMatch(rtol=0, atol=0.5, ordered=True),
    hints=("Posts know their account; accounts know their brand; brands know their name.",
           "Map `account_id` to `brand_id` with `ds.accounts.set_index('account_id')['brand_id']`, then "
           "map brand ids to names the same way with `ds.brands`.",
           "With a Series of brand names aligned with ds.posts, one counting method gives the sorted counts."),
    solution=("brand_of = ds.posts['account_id'].map(ds.accounts.set_index('account_id')['brand_id'])\n"
              "names = ds.brands.set_index('brand_id')['name']\n"
              "posts_per_brand = brand_of.map(names).value_counts()"),
    mistakes=(
        Mistake("brand-ids", "your index holds brand ids; give the brand names (from ds.brands)",
                lambda ds: ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"]).value_counts()),
        Mistake("accounts-per-brand", "those are accounts per brand, not posts; count the rows of ds.posts",
                lambda ds: ds.accounts["brand_id"].map(ds.brands.set_index("brand_id")["name"]).value_counts()),
        Mistake("top-account-only",
                "those are the posts of each brand's single most active account; add up all the brand's accounts",
                lambda ds: most_active_account_posts(ds)),
    ),
)

Q5 = Question(
    "q5", "What fraction of posts was boosted with paid budget (a number between 0 and 1)?", ("boosted_share",),
    reference=boosted_share, comparison=Scalar(rtol=1e-3),
    hints=("`is_boosted` is True or False for every post.",
           "The mean of a boolean column is the share of True values."),
    solution="boosted_share = ds.posts['is_boosted'].mean()",
    mistakes=(
        Mistake("count-not-fraction",
                "that is the number of boosted posts; divide by the number of posts to get a fraction",
                lambda ds: int(ds.posts["is_boosted"].sum())),
    ),
)

Q6 = Question(
    "q6", "Insight: the typical account size per platform, the MEDIAN of followers_start, as a Series sorted "
    "from the biggest typical account to the smallest.", ("typical_followers",),
    reference=lambda ds: followers_by_platform(ds).sort_values(ascending=False),
    comparison=SeriesMatch(rtol=1e-6, ordered=True),
    hints=("Follower counts live in `ds.accounts`, one row per account.",
           "Group accounts by platform (observed=True) and take the median of followers_start.",
           "Then sort those medians from the largest down."),
    solution=("typical_followers = (ds.accounts.groupby('platform', observed=True)['followers_start'].median()\n"
              "                     .sort_values(ascending=False))"),
    mistakes=(
        Mistake("posts-per-platform", "those are posts per platform; the question is about followers per account",
                lambda ds: ds.posts["platform"].value_counts()),
        Mistake("mean-not-median",
                "those are MEAN followers; a few huge accounts pull the mean up, the question asks for the median",
                lambda ds: followers_by_platform(ds, "mean").sort_values(ascending=False)),
        Mistake("total-not-median",
                "those are followers in TOTAL; the question asks about the typical (median) account",
                lambda ds: followers_by_platform(ds, "sum").sort_values(ascending=False)),
    ),
    points=2,
)

Q7 = Question(
    "q7", "Chart: the typical account per platform for a manager, a seaborn bar chart of the median "
    "followers_start of each platform's accounts (one bar per platform, no error bars) with a title and a label on the "
    "value axis; keep its Axes.",
    ("followers_chart",),
    reference=followers_by_platform, comparison=BarChart("platform"), plain=bar_chart,
    hints=("sns.barplot draws one bar per category from the accounts table; its `estimator` says how a bar "
           "summarises the accounts of its platform.",
           "Give barplot data=ds.accounts, followers_start on one axis and platform on the other; pass "
           "estimator='median' and errorbar=None (order=typical_followers.index sorts the bars).",
           "barplot returns the Axes: give it a title and axis labels that say what they show with `.set(title=..., "
           "xlabel=..., ylabel=...)` and store it in followers_chart."),
    solution=("followers_chart = sns.barplot(data=ds.accounts, x='followers_start', y='platform',\n"
              "                              order=typical_followers.index, estimator='median', errorbar=None)\n"
              "followers_chart.set(title='The typical account per platform', xlabel='median followers at the start',\n"
              "                    ylabel='platform');"),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show MEAN followers, seaborn's default estimator; a few huge accounts pull it up, pass "
                "estimator='median'", lambda ds: followers_by_platform(ds, "mean")),
        Mistake("sum-estimator",
                "the bars add up each platform's followers (estimator='sum'); the typical account is the median",
                lambda ds: followers_by_platform(ds, "sum")),
        Mistake("posts-per-platform",
                "the bars count posts per platform; chart the followers of the accounts (ds.accounts)",
                lambda ds: posts_per_platform(ds).astype(float)),
        Mistake("accounts-per-platform",
                "the bars count accounts per platform; chart their followers (followers_start)",
                lambda ds: ds.accounts["platform"].value_counts().astype(float)),
    ),
)

Q8 = Question(
    "q8", "Judgement: the brand whose accounts are the most active, compared fairly although brands run different "
    "numbers of accounts: the brand NAME (most_active_brand), its posts per account over the period (its posts "
    "divided by its accounts, posts_per_account) and the number of accounts behind it (brand_accounts). Brands "
    "within NEAR_TIE (5%) of the highest are ties.", ("most_active_brand", "posts_per_account", "brand_accounts"),
    reference=activity_card, comparison=LabelCard("brand", size_name="number of accounts"),
    hints=("A brand with six accounts publishes more posts than a brand with two even when each of its accounts "
           "posts less. How many accounts does each brand run?",
           "Count the accounts per brand_id in ds.accounts; dividing your posts per brand_id (question 4, before "
           "the names) by that Series lines the two up by brand.",
           "The largest ratio is the evidence and its brand_id names the brand (`idxmax`, then the names of "
           "question 4); the account count of that brand_id is the number of accounts."),
    solution=("brand_of = ds.posts['account_id'].map(ds.accounts.set_index('account_id')['brand_id'])\n"
              "accounts = ds.accounts['brand_id'].value_counts()\n"
              "per_account = brand_of.value_counts() / accounts\n"
              "best = per_account.idxmax()\n"
              "most_active_brand = ds.brands.set_index('brand_id').loc[best, 'name']\n"
              "posts_per_account = per_account[best]\n"
              "brand_accounts = accounts[best]"),
    steps=(
        Step("per-account", teaches="compare the brands by their posts per account, not by their posts",
             message="that brand has the most posts in total, which grow with its number of accounts; compare the "
                     "brands by their posts divided by their accounts",
             answer=lambda ds: activity_card(ds, brand_post_counts(ds), evidence=posts_per_account(ds))),
    ),
    mistakes=(
        Mistake("total-posts",
                "that brand has the most posts in total, which grow with its number of accounts; divide each "
                "brand's posts by its accounts", lambda ds: activity_card(ds, brand_post_counts(ds))),
        Mistake("top-account-only",
                "your figure counts the posts of the brand's single most active account; divide all the brand's "
                "posts by its number of accounts", lambda ds: activity_card(ds, most_active_account_posts(ds))),
        Mistake("all-accounts-divisor",
                "you divided by every account of the group; divide each brand's posts by that brand's accounts",
                lambda ds: activity_card(ds, posts_per_account(ds, divide_by="all"))),
        Mistake("planned-cadence",
                "your figure is the accounts' planned posts per week (ds.accounts.posts_per_week), a plan; count "
                "the posts they published over the period (ds.posts)", lambda ds: activity_card(ds, planned_cadence(ds))),
        Mistake("brand-id", "that is a brand_id; give the brand's name (from ds.brands)",
                lambda ds: activity_card(ds, posts_per_account(ds, by_id=True), by_id=True)),
    ),
    points=2,
    judgement=True,
)

#: The model written answer of question 9, shown by q9.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "The data covers one year, 2025 (UTC), of 11,512 posts by 16 brands through 57 accounts on six platforms. "
    "Martinez PLC publishes the most posts because it runs five accounts: per account, Paul and Sons (275 posts "
    "per account over the year, 2 accounts) and Jones Inc (about 268, 4 accounts) are the most active, against "
    "219 for Martinez PLC. Accounts differ enormously in size, so the median describes the typical account; and "
    "followers_start is a year old: today instagram holds the biggest audience, about 1.19 million followers or "
    "44% of all the group's followers (38% at the start). Only about 2% of the posts were boosted, so paid reach "
    "will not distort organic comparisons much. (Model answer for the default world.)"
)

Q9 = Question(
    "q9", "Insight card for the manager: where is our audience today, at the end of the data? The platform whose "
    "accounts have the most followers together (audience_platform), those followers (audience_today) and that "
    "platform's share of all the group's followers today (audience_share, a fraction).",
    ("audience_platform", "audience_today", "audience_share"),
    reference=audience_card,
    comparison=LabelCard("platform", size_name="share of all followers", size_rtol=1e-4, size_atol=1e-12),
    hints=("Which table knows today's followers? ds.accounts.followers_start was counted at the start of the "
           "period; ds.followers_daily has one row per account and day.",
           "Keep the rows of the latest date in ds.followers_daily, give each row its account's platform (from "
           "ds.accounts, as in question 4) and add up the followers per platform.",
           "The largest total names the platform and is its evidence; the share divides it by the followers of all "
           "platforms together."),
    solution=("f = ds.followers_daily\n"
              "today = f[f['date'] == f['date'].max()]\n"
              "platform = today['account_id'].map(ds.accounts.set_index('account_id')['platform'])\n"
              "followers_today = today.groupby(platform, observed=True)['followers'].sum()\n"
              "audience_platform = followers_today.idxmax()\n"
              "audience_today = followers_today.max()\n"
              "audience_share = audience_today / followers_today.sum()"),
    steps=(
        Step("latest-day", teaches="keep the latest date of followers_daily: today's audience",
             message="you added up the followers of every day: followers is the audience on that day, so adding up "
                     "the days counts the same followers again and again; keep the latest date only",
             answer=lambda ds: audience_card(ds, when="every day")),
    ),
    mistakes=(
        Mistake("followers-start",
                "that is the audience at the START of the period: ds.accounts.followers_start was counted before its "
                "first day; today's followers are on the last day of ds.followers_daily",
                lambda ds: audience_card(ds, when="start")),
        Mistake("first-day", "that is the first day of ds.followers_daily; today is its latest date",
                lambda ds: audience_card(ds, when="first")),
        Mistake("mean-day",
                "that is each account's average day over the period; the manager asks about today, the latest date",
                lambda ds: audience_card(ds, when="mean")),
        Mistake("median-account",
                "that is the typical (median) account of each platform; the manager asks for the platform's whole "
                "audience, all its accounts together", lambda ds: audience_card(ds, how="median")),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("01_first_look", "First look at the data", (Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8, Q9),
                    tables=("brands", "accounts", "posts", "post_daily", "followers_daily"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q9 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
