"""Questions of notebook 01, first look: load the tables, dtypes, dates, shapes, counts, a first chart.

In the notebook: ``q1, ..., q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from ._chart import BarChart, bar_chart
from ._compare import Moment, Scalar, Several, SeriesMatch
from ._question import Exercise, Mistake, Question


def n_posts(ds) -> int:
    return len(ds.posts)


def date_range(ds) -> tuple:
    return ds.posts["posted_at"].min(), ds.posts["posted_at"].max()


def posts_per_platform(ds) -> pd.Series:
    return ds.posts["platform"].value_counts().sort_values(ascending=False)


def brand_post_counts(ds) -> pd.Series:
    """Posts per brand name, most first."""
    brand_of = ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"])
    names = ds.brands.set_index("brand_id")["name"]
    return brand_of.map(names).value_counts()


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


Q1 = Question(
    "q1", "How many posts are in the posts table?", ("n_posts",),
    reference=n_posts, comparison=Scalar(rtol=0, atol=0.5),
    hints=("One row of `ds.posts` is one post.",
           "The number of rows of a DataFrame is `len(df)` or `df.shape[0]`."),
    solution="n_posts = len(ds.posts)",
    mistakes=(
        Mistake("that is the number of rows in post_daily (one row per post and day); count the posts table",
                lambda ds: len(ds.post_daily)),
        Mistake("that is the number of accounts, not of posts", lambda ds: len(ds.accounts)),
    ),
)

Q2 = Question(
    "q2", "When was the first post published, and the last one?", ("first_post", "last_post"),
    reference=date_range, comparison=Several(("first_post", "last_post"), (Moment(text=False), Moment(text=False))),
    hints=("`posted_at` already holds timestamps (dtype datetime64, UTC).",
           "Use `.min()` and `.max()` of `ds.posts['posted_at']`."),
    solution="first_post = ds.posts['posted_at'].min()\nlast_post = ds.posts['posted_at'].max()",
    mistakes=(
        Mistake("first and last are swapped: the first post is the minimum of posted_at",
                lambda ds: date_range(ds)[::-1]),
        Mistake("that is when the accounts were created (accounts.created_at); the question asks about posts",
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
        Mistake("these are shares of posts (normalize=True); the question asks for counts",
                lambda ds: ds.posts["platform"].value_counts(normalize=True)),
        Mistake("you counted accounts per platform; count posts (ds.posts) instead",
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
        Mistake("your index holds brand ids; give the brand names (from ds.brands)",
                lambda ds: ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"]).value_counts()),
        Mistake("those are accounts per brand, not posts; count the rows of ds.posts",
                lambda ds: ds.accounts["brand_id"].map(ds.brands.set_index("brand_id")["name"]).value_counts()),
        Mistake("those are the posts of each brand's single most active account; add up all the brand's accounts",
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
        Mistake("that is the number of boosted posts; divide by the number of posts to get a fraction",
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
        Mistake("those are posts per platform; the question is about followers per account",
                lambda ds: ds.posts["platform"].value_counts()),
        Mistake("those are MEAN followers; a few huge accounts pull the mean up, the question asks for the median",
                lambda ds: followers_by_platform(ds, "mean").sort_values(ascending=False)),
        Mistake("those are followers in TOTAL; the question asks about the typical (median) account",
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
              "                    ylabel='platform')"),
    mistakes=(
        Mistake("the bars show MEAN followers, seaborn's default estimator; a few huge accounts pull it up, pass "
                "estimator='median'", lambda ds: followers_by_platform(ds, "mean")),
        Mistake("the bars add up each platform's followers (estimator='sum'); the typical account is the median",
                lambda ds: followers_by_platform(ds, "sum")),
        Mistake("the bars count posts per platform; chart the followers of the accounts (ds.accounts)",
                lambda ds: posts_per_platform(ds).astype(float)),
        Mistake("the bars count accounts per platform; chart their followers (followers_start)",
                lambda ds: ds.accounts["platform"].value_counts().astype(float)),
    ),
)

EXERCISE = Exercise("01_first_look", "First look at the data", (Q1, Q2, Q3, Q4, Q5, Q6, Q7),
                    tables=("brands", "accounts", "posts", "post_daily"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
