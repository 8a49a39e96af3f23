"""Questions of notebook 01, first look: load the tables, dtypes, dates, shapes, counts.

In the notebook: ``q1, q2, q3, q4, q5, q6 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from ._compare import MemberOf, Moment, Scalar, Several, SeriesMatch
from ._question import Exercise, Mistake, Question


def n_posts(ds) -> int:
    return len(ds.posts)


def date_range(ds) -> tuple:
    return ds.posts["posted_at"].min(), ds.posts["posted_at"].max()


def posts_per_platform(ds) -> pd.Series:
    return ds.posts["platform"].value_counts().sort_values(ascending=False)


def brand_post_counts(ds) -> pd.Series:
    brand_of = ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"])
    names = ds.brands.set_index("brand_id")["name"]
    return brand_of.map(names).value_counts()


def ties(counts: pd.Series) -> set:
    """Labels sharing the largest value (any of them is a right answer)."""
    return {str(k) for k in counts.index[counts == counts.max()]}


def boosted_share(ds) -> float:
    return float(ds.posts["is_boosted"].mean())


def median_followers_by_platform(ds) -> pd.Series:
    return ds.accounts.groupby("platform", observed=True)["followers_start"].median()


def biggest_platform(ds) -> set:
    return {k.lower() for k in ties(median_followers_by_platform(ds))}


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
    reference=date_range, comparison=Several(("first_post", "last_post"), (Moment(), Moment())),
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
           "posts_per_platform = ds.posts['platform'].value_counts()"),
    solution="posts_per_platform = ds.posts['platform'].value_counts()",
    mistakes=(
        Mistake("these are shares of posts (normalize=True); the question asks for counts",
                lambda ds: ds.posts["platform"].value_counts(normalize=True)),
        Mistake("you counted accounts per platform; count posts (ds.posts) instead",
                lambda ds: ds.accounts["platform"].value_counts()),
    ),
)

Q4 = Question(
    "q4", "Which brand (its name) published the most posts across all its accounts?", ("top_brand",),
    reference=lambda ds: ties(brand_post_counts(ds)), comparison=MemberOf(str, "brand name", lower=False),
    hints=("Posts know their account; accounts know their brand; brands know their name.",
           "Map `account_id` to `brand_id` with the accounts table, then count posts per brand.",
           "brand_of = ds.posts['account_id'].map(ds.accounts.set_index('account_id')['brand_id']), "
           "then map to names with ds.brands and take value_counts().idxmax()."),
    solution=("brand_of = ds.posts['account_id'].map(ds.accounts.set_index('account_id')['brand_id'])\n"
              "names = ds.brands.set_index('brand_id')['name']\n"
              "top_brand = brand_of.map(names).value_counts().idxmax()"),
    mistakes=(
        Mistake("that is a brand_id; give the brand's name (from ds.brands)",
                lambda ds: ties(ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"]).value_counts())),
        Mistake("that brand has the most accounts, not the most posts; count rows of ds.posts",
                lambda ds: ties(ds.accounts["brand_id"].map(ds.brands.set_index("brand_id")["name"]).value_counts())),
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
    "q6", "Insight: on which platform is the typical account biggest, by the MEDIAN of followers_start?",
    ("biggest_platform",),
    reference=biggest_platform, comparison=MemberOf(str, "platform name"),
    hints=("Follower counts live in `ds.accounts`, one row per account.",
           "Group accounts by platform and take the median of followers_start.",
           "ds.accounts.groupby('platform', observed=True)['followers_start'].median().idxmax()"),
    solution="biggest_platform = ds.accounts.groupby('platform', observed=True)['followers_start'].median().idxmax()",
    mistakes=(
        Mistake("that platform has the most posts; the question is about followers per account",
                lambda ds: {k.lower() for k in ties(ds.posts["platform"].value_counts())}),
        Mistake("that is the platform with the highest MEAN followers; a few huge accounts pull the mean up, "
                "the question asks for the median",
                lambda ds: {k.lower() for k in ties(ds.accounts.groupby("platform", observed=True)["followers_start"].mean())}),
        Mistake("that is the platform with the most followers in TOTAL; the question asks about the typical "
                "(median) account",
                lambda ds: {k.lower() for k in ties(ds.accounts.groupby("platform", observed=True)["followers_start"].sum())}),
    ),
    points=2,
)

EXERCISE = Exercise("01_first_look", "First look at the data", (Q1, Q2, Q3, Q4, Q5, Q6),
                    tables=("brands", "accounts", "posts", "post_daily"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, q2, q3, q4, q5, q6 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
