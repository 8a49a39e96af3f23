"""Questions of notebook 08, anomalies: bought likes, viral posts and robust z-scores, read off the posts.

Definitions used throughout (one row of ``ds.posts`` per post):

- the dashboard's z-score of a post = (likes - mean likes) / SD of likes, over ALL posts: the ordinary
  post of an account whose posts get many likes is an outlier there, and one huge post inflates the SD
  that every other post is measured against;
- a robust z-score (``sandbox.analysis.robust_z``) = (x - median) / (1.4826 x MAD), within each account: the
  post against its own account's posts, on a scale the outliers themselves cannot inflate;
- bought likes come without the people to explain them: a bot spike is a post whose likes per reach,
  x = log((likes + 1) / (reach + 1)), has a robust z above BOT_Z (the + 1s keep posts without likes or
  reach finite);
- a viral post reached far more people than its account usually reaches: log(reach + 1) with a robust z above
  VIRAL_Z, and not a bot spike (bots add their own views to reach);
- ER = engagements / reach per post (``sandbox.analysis.er_reach``); the dashboard reports each account's MEAN
  ER per post. The bought likes inflate it by mean ER with all posts / mean ER without the bot spikes - 1.

Everything is judged on the learner's data; the planted truth plays no part.

In the notebook: ``q1, ..., q6 = ex.setup(globals())``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import analysis as an
from ._chart import BarChart, bar_chart
from ._compare import AnyOf, MemberOf, Scalar, SeriesMatch, Several, Values
from ._question import Exercise, Mistake, Question, Step

#: A post whose likes per reach has a robust z-score above this within its account is a bot spike; the
#: dashboard flags posts whose global z-score of likes is above it too.
BOT_Z = 3.5
#: A post whose log reach has a robust z-score above this within its account (and is no bot spike) is viral.
VIRAL_Z = 3.0
#: The kinds of post the chart compares.
KINDS = ("ordinary", "viral", "bot spike")
#: Noise band of the most inflated account: accounts within 5% of the highest inflation are ties.
INFLATION_TIE = 0.05
#: The card's line: the ER above which an account is in the top third of its platform (a quantile of the
#: platform's accounts' mean ER).
TOP_THIRD = 2 / 3
#: Noise band of the card's claim: an ER within 5% of the line accepts both sides of it.
CLAIM_BAND = 0.05
CLAIMS = ("top third either way", "top third only with the bought likes", "below the top third either way")


# ---------------------------------------------------------------- z-scores and flags


def global_z(ds, per_account: bool = False) -> pd.Series:
    """The dashboard's z-score of likes over all posts, aligned with ds.posts (``per_account``: a mistake)."""
    likes = ds.posts["likes"].astype(float)
    if per_account:
        by = likes.groupby(ds.posts["account_id"])
        return (likes - by.transform("mean")) / by.transform("std")
    return (likes - likes.mean()) / likes.std()


def z_score(x: pd.Series, groups: pd.Series | None, how: str = "robust") -> pd.Series:
    """A z-score of ``x`` within ``groups`` (all rows together when None).

    ``how``: "robust" (median and 1.4826 x MAD), "mad" (median and the MAD without the factor) or "mean"
    (mean and SD); the last two are mistakes.
    """
    if how == "robust":
        return an.robust_z(x, groups)
    by = x.groupby(groups if groups is not None else pd.Series(0, index=x.index))
    if how == "mean":
        return (x - by.transform("mean")) / by.transform("std")
    med = by.transform("median")
    return (x - med) / (x - med).abs().groupby(by.ngroup()).transform("median")


def like_rate(posts: pd.DataFrame) -> pd.Series:
    """log((likes + 1) / (reach + 1)) per post: likes per person reached, on a log scale."""
    return np.log((posts["likes"] + 1) / (posts["reach"] + 1))


def bot_z(ds, how: str = "robust", pooled: bool = False, signal: str = "per reach") -> pd.Series:
    """Each post's z-score of :func:`like_rate` within its account, aligned with ds.posts.

    ``pooled`` (against all posts), ``how`` "mean" or "mad" and ``signal="likes"`` (log(likes + 1), not per
    reach) are mistakes.
    """
    p = ds.posts
    x = like_rate(p) if signal == "per reach" else np.log(p["likes"] + 1)
    return z_score(x, None if pooled else p["account_id"], how)


def flagged(ds, z: pd.Series, threshold: float) -> list:
    """The post_ids whose z-score is above ``threshold``, in table order."""
    return list(ds.posts.loc[z > threshold, "post_id"])


def bot_posts(ds, dashboard: bool = False, **kwargs) -> list:
    """The bot-spike posts (robust z of likes per reach above BOT_Z within the account); ``dashboard`` (the
    global z-score of likes above BOT_Z) and the keywords of :func:`bot_z` are mistakes."""
    return flagged(ds, global_z(ds) if dashboard else bot_z(ds, **kwargs), BOT_Z)


def reach_z(ds, how: str = "robust", pooled: bool = False) -> pd.Series:
    """Each post's z-score of log(reach + 1) within its account (``how``, ``pooled``: mistakes)."""
    p = ds.posts
    return z_score(np.log(p["reach"] + 1), None if pooled else p["account_id"], how)


def viral_posts(ds, keep_bots: bool = False, **kwargs) -> list:
    """The viral posts: robust z of log reach above VIRAL_Z within the account, bot spikes left out (the
    keywords of :func:`reach_z` and ``keep_bots`` are mistakes)."""
    bots = set() if keep_bots else set(bot_posts(ds))
    return [post for post in flagged(ds, reach_z(ds, **kwargs), VIRAL_Z) if post not in bots]


def kinds(ds, bots_as_viral: bool = False) -> pd.Series:
    """Each post's kind (one of KINDS), aligned with ds.posts.

    ``bots_as_viral``: the bot spikes marked first, then every post of far reach marked viral over them (the
    two kinds not told apart: a mistake).
    """
    post = ds.posts["post_id"]
    kind = pd.Series("ordinary", index=post.index)
    if bots_as_viral:
        kind[post.isin(bot_posts(ds))] = "bot spike"
        kind[post.isin(viral_posts(ds, keep_bots=True))] = "viral"
        return kind
    kind[post.isin(viral_posts(ds))] = "viral"
    kind[post.isin(bot_posts(ds))] = "bot spike"
    return kind


def like_rate_by_kind(ds, how: str = "median", bots_as_viral: bool = False) -> pd.Series:
    """The chart's bars: ``how`` of likes / reach over the posts of each kind present."""
    p = ds.posts
    return (p["likes"] / p["reach"]).groupby(kinds(ds, bots_as_viral)).agg(how)


# ---------------------------------------------------------------- what the bought likes do to the report


def account_er(ds, drop: list | None = None, how: str = "mean") -> pd.Series:
    """Per account: the ``how`` (mean, as the dashboard reports) of ER by reach over its posts, the posts in
    ``drop`` left out."""
    p = ds.posts
    keep = ~p["post_id"].isin(drop or [])
    return an.er_reach(p)[keep].groupby(p.loc[keep, "account_id"]).agg(how)


def inflation(ds, how: str = "mean", relative: bool = True) -> pd.Series:
    """Per account: how much its bot spikes raise its ER per post: reported / clean - 1.

    Mistakes: ``how="median"`` (the median ER per post, reported and clean); ``relative=False`` (reported -
    clean, which favours accounts with a high ER).
    """
    reported, clean = account_er(ds, how=how), account_er(ds, bot_posts(ds), how)
    return reported / clean - 1 if relative else reported - clean


def highest_reported(ds) -> set:
    """The account with the highest mean ER on the dashboard (a mistake: high is not inflated)."""
    return {account_er(ds).idxmax()}


def inflated_accounts(ds, **kw) -> set:
    """The account whose mean ER the bought likes inflate the most, relative to its clean ER, and its
    near-ties (INFLATION_TIE); ``kw`` go to :func:`inflation` (mistakes)."""
    return an.near_best(inflation(ds, **kw), INFLATION_TIE)


def inflated_account(ds) -> str:
    """The one account the card follows (the highest inflation)."""
    return str(inflation(ds).idxmax())


def claims_for(reported: float, clean: float, line: float) -> set:
    """The claims the evidence supports; an ER within CLAIM_BAND of the line accepts both sides of it."""
    def above(er):
        return {True, False} if abs(er / line - 1) <= CLAIM_BAND else {er > line}

    accepted = set()
    if True in above(clean):
        accepted.add(CLAIMS[0])
    if True in above(reported) and False in above(clean):
        accepted.add(CLAIMS[1])
    if False in above(reported):
        accepted.add(CLAIMS[2])
    return accepted


def inflation_cards(ds, **kw) -> list[tuple]:
    """The card of each account question 5 accepts, the most inflated first (:func:`inflation_card`).

    A learner who named a near-tie in question 5 writes that account's card: it is as right as the first.
    ``kw`` go to :func:`inflation_card` (mistakes).
    """
    top = inflated_account(ds)
    ties = sorted(inflated_accounts(ds) - {top})
    return [inflation_card(ds, account=a, **kw) for a in [top, *ties]]


def median_cards(ds) -> list[tuple]:
    """The cards of a learner who took medians throughout: the account whose MEDIAN ER per post moves most (their
    question 5), then the accounts question 5 accepts, each with median ERs and a line of median ERs."""
    theirs = sorted(inflated_accounts(ds, how="median"))
    return [inflation_card(ds, how="median", account=a) for a in theirs] + inflation_cards(ds, how="median")


def inflation_card(ds, how: str = "mean", line_from: str = "clean", over: str = "accounts",
                   account: str | None = None) -> tuple:
    """(accepted claims, reported ER, clean ER, top-third line) of ``account`` (the most inflated by default).

    reported and clean: its mean ER per post with and without its bot spikes; the line: the TOP_THIRD quantile
    of the mean ER of its platform's accounts, every account without its bot spikes. ``how="median"`` (median
    ER per post), ``line_from="reported"`` (the other accounts' bought likes left in) and ``over="posts"`` (the
    quantile of the platform's posts, not accounts) are mistakes.
    """
    account = account or inflated_account(ds)
    bots = bot_posts(ds)
    reported = float(account_er(ds, how=how)[account])
    clean = float(account_er(ds, bots, how)[account])
    platform = ds.posts.drop_duplicates("account_id").set_index("account_id")["platform"].astype(str)
    drop = bots if line_from == "clean" else []
    if over == "posts":
        p = ds.posts[~ds.posts["post_id"].isin(drop)]
        values = an.er_reach(p)[p["platform"].astype(str) == platform[account]]
    else:
        values = account_er(ds, drop)
        values = values[platform.reindex(values.index) == platform[account]]
    line = float(values.quantile(TOP_THIRD))
    return claims_for(reported, clean, line), reported, clean, line


# ---------------------------------------------------------------- questions

#: The likes-per-reach signal and the robust z-score, as the solutions write them.
BOT_CODE = ("import numpy as np\n"
            "p = ds.posts.copy()\n"
            "p['x'] = np.log((p['likes'] + 1) / (p['reach'] + 1))\n"
            "median = p.groupby('account_id')['x'].transform('median')\n"
            "mad = (p['x'] - median).abs().groupby(p['account_id']).transform('median')\n"
            "p['bot_z'] = (p['x'] - median) / (1.4826 * mad)")

Q1 = Question(
    "q1", "The dashboard's z-score of each post's likes: (likes - mean) / SD over ALL posts, a Series aligned "
    "with ds.posts.", ("global_z",),
    reference=global_z, comparison=SeriesMatch(rtol=1e-3),
    hints=("One mean and one standard deviation for the whole likes column, then every post measured against "
           "them.",
           "Series arithmetic keeps the index of ds.posts: subtract `.mean()` of the likes column from it and "
           "divide by its `.std()`."),
    solution="global_z = (ds.posts['likes'] - ds.posts['likes'].mean()) / ds.posts['likes'].std()",
    mistakes=(
        Mistake("per-account",
                "that z-score measures each post against its own account (a groupby); the dashboard's measures "
                "every post against the mean and SD of ALL posts", lambda ds: global_z(ds, per_account=True)),
    ),
)

Q2 = Question(
    "q2", "Judgement: the bot-spike posts, as a list of post_id: posts whose likes per reach, x = log((likes + 1) / "
    "(reach + 1)), is far above what is normal for their account (a z-score above BOT_Z, 3.5) measured on a scale the "
    "spikes themselves cannot inflate.", ("bot_posts",),
    reference=bot_posts, comparison=Values(),
    hints=("A post is suspicious when it is unusual for ITS account: a big account's ordinary post is not "
           "suspicious because a small account never gets that many likes. And a post with thousands of bought "
           "likes inflates the mean and SD it would be measured against: which centre and spread does it not "
           "move?",
           "Per account (`groupby('account_id')` with `transform`), the median of x and the MAD: the median of "
           "|x - that median|. The robust z-score is (x - median) / (1.4826 * MAD).",
           "Compute x as a column of a copy of ds.posts, then the z-score column, and keep the post_id of the "
           "rows whose z-score is above ex.BOT_Z, as a list."),
    solution=BOT_CODE + "\nbot_posts = list(p.loc[p['bot_z'] > ex.BOT_Z, 'post_id'])",
    steps=(
        Step("pooled",
             "that z-score measures each post against ALL accounts' posts; accounts differ in how many of the "
             "people they reach like a post: compute the median and MAD within each account",
             lambda ds: bot_posts(ds, pooled=True), teaches="each post against its own account"),
        Step("mean-sd",
             "that z-score uses the mean and SD, which the spikes themselves inflate (an account with several "
             "spikes hides them); use the median and 1.4826 x the MAD", lambda ds: bot_posts(ds, how="mean"),
             teaches="a robust centre and spread: the median and the MAD"),
    ),
    mistakes=(
        Mistake("dashboard-flags",
                "those are the dashboard's flags, likes measured against every account's posts together (mostly "
                "ordinary posts of accounts that get many likes anyway); compare likes per reach with the post's "
                "own account",
                lambda ds: bot_posts(ds, dashboard=True)),
        Mistake("no-mad-factor",
                "the MAD needs the factor 1.4826 to be on the scale of a standard deviation; without it the "
                "z-scores are 1.48 times too large", lambda ds: bot_posts(ds, how="mad")),
        Mistake("likes-alone",
                "that z-score is of the likes alone, which also rise when many people see a post (viral ones); "
                "bought likes are likes the reach does not explain: use x = log((likes + 1) / (reach + 1))",
                lambda ds: bot_posts(ds, signal="likes")),
    ),
    points=2,
    judgement=True,
)

Q3 = Question(
    "q3", "The viral posts, as a list of post_id: log(reach + 1) with a robust z-score (within the account) above "
    "VIRAL_Z (3), bot spikes left out.", ("viral_posts",),
    reference=viral_posts, comparison=Values(),
    hints=("The same robust z-score as for the bot spikes, now of np.log(reach + 1): each post against its own "
           "account's reach.",
           "Bought likes come with their own views, so a bot spike can reach more people than usual too: drop "
           "the posts of bot_posts (`~p['post_id'].isin(...)`) before keeping those above ex.VIRAL_Z."),
    solution=("p['log_reach'] = np.log(p['reach'] + 1)\n"
              "median = p.groupby('account_id')['log_reach'].transform('median')\n"
              "mad = (p['log_reach'] - median).abs().groupby(p['account_id']).transform('median')\n"
              "p['reach_z'] = (p['log_reach'] - median) / (1.4826 * mad)\n"
              "viral = (p['reach_z'] > ex.VIRAL_Z) & ~p['post_id'].isin(bot_posts)\n"
              "viral_posts = list(p.loc[viral, 'post_id'])"),
    steps=(
        Step("pooled",
             "that z-score measures each post's reach against ALL accounts' posts, where the accounts with the "
             "widest reach set the scale; compute the median and MAD within each account",
             lambda ds: viral_posts(ds, pooled=True), teaches="each post against its own account"),
        Step("mean-sd",
             "that z-score uses the mean and SD of each account's log reach; use the median and 1.4826 x the "
             "MAD, which the viral posts cannot inflate", lambda ds: viral_posts(ds, how="mean"),
             teaches="a robust centre and spread: the median and the MAD"),
        Step("bot-spikes-kept",
             "some of your viral posts are bot spikes: bought likes come with their own views, so they reach far "
             "too; leave out the posts of bot_posts", lambda ds: viral_posts(ds, keep_bots=True),
             teaches="the bot spikes left out of the viral posts"),
    ),
)

Q4 = Question(
    "q4", "Chart: a seaborn bar chart of the median likes per reach (likes / reach) of each kind of post, "
    "'ordinary', 'viral' and 'bot spike' (one bar per kind, no error bars), with a title and a label on the "
    "value axis; keep its Axes.", ("kind_chart",),
    reference=like_rate_by_kind, comparison=BarChart("kind"), plain=bar_chart,
    hints=("Give every post a kind: 'ordinary' by default, 'viral' for the posts of viral_posts, 'bot spike' for "
           "those of bot_posts. Then one bar per kind, its height the median of likes / reach over its posts.",
           "sns.barplot with the kind column as x and likes / reach as y; `estimator` says how a bar summarises "
           "its posts and errorbar=None drops the error bars. `.set(title=..., xlabel=..., ylabel=...)` on the "
           "Axes it returns; keep the value axis linear, so that each bar's length is proportional to its value."),
    solution=("p['kind'] = 'ordinary'\n"
              "p.loc[p['post_id'].isin(viral_posts), 'kind'] = 'viral'\n"
              "p.loc[p['post_id'].isin(bot_posts), 'kind'] = 'bot spike'\n"
              "kind_chart = sns.barplot(x=p['kind'], y=p['likes'] / p['reach'], estimator='median', errorbar=None,\n"
              "                         order=list(ex.KINDS))\n"
              "kind_chart.set(title='Likes per person reached, by kind of post', xlabel='kind of post',\n"
              "               ylabel='median likes / reach');"),
    steps=(
        Step("bots-as-viral",
             "some bot spikes are in your viral bar: a bot spike reaches far too (each bot views the post), so "
             "mark the viral posts of viral_posts, which leaves them out, and the bot spikes last",
             lambda ds: like_rate_by_kind(ds, bots_as_viral=True), teaches="bot spikes told apart from viral posts"),
    ),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show MEANS, seaborn's default estimator, which a few extreme posts move; pass "
                "estimator='median'", lambda ds: like_rate_by_kind(ds, "mean")),
    ),
)

Q5 = Question(
    "q5", "Judgement: the account whose mean ER by reach (the dashboard's number) its bot spikes inflate the most, "
    "relative to its mean ER without them. Accounts within INFLATION_TIE (5%) of the highest are ties.",
    ("inflated_account",),
    reference=inflated_accounts, comparison=MemberOf(str, "account"),
    hints=("Per account, the mean ER by reach twice: over all its posts (what the dashboard shows) and over its "
           "posts without the bot spikes. An account with no bot spike is not inflated at all.",
           "ER by reach = (likes + comments + shares + saves) / reach. An ER of 0.02 pushed to 0.03 is worse than "
           "0.10 pushed to 0.11: compare the two means as a ratio (reported / clean - 1), then take the account "
           "with the largest."),
    solution=("p['er'] = p[['likes', 'comments', 'shares', 'saves']].sum(axis=1) / p['reach']\n"
              "reported = p.groupby('account_id')['er'].mean()\n"
              "clean = p[~p['post_id'].isin(bot_posts)].groupby('account_id')['er'].mean()\n"
              "inflation = reported / clean - 1\n"
              "inflated_account = inflation.idxmax()"),
    steps=(
        Step("absolute-inflation",
             "you compared the difference reported - clean, which favours accounts with a high ER anyway; compare "
             "them as a ratio, reported / clean - 1", lambda ds: inflated_accounts(ds, relative=False),
             teaches="the inflation relative to the clean ER"),
    ),
    mistakes=(
        Mistake("median-er",
                "that is how much the MEDIAN ER per post moves, which a few posts hardly move; the dashboard reports "
                "the mean ER per post", lambda ds: inflated_accounts(ds, how="median")),
        Mistake("highest-reported",
                "that account has a high ER on the dashboard, with or without bot spikes; the question is how much "
                "its bot spikes raise it: compare each account's mean ER with and without them",
                highest_reported),
    ),
    points=2,
    judgement=True,
)

#: The model written answer of question 6, shown by q6.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "Account A00001's dashboard ER is propped up by bought likes: two of its posts got about 1,600 likes each "
    "from bots, about 45 times the likes per person reached of its usual post, and they lift its mean ER per "
    "post by almost a third, from 1.27% to 1.66%. Even so it stays below the line of the top third of instagram "
    "accounts (1.89%), and without them it is a third below that line: an ordinary account whose figures are not "
    "to be trusted until the likes are explained. Viral posts are different: many real people saw them and liked "
    "them at a normal or lower rate, so they stay in the report. From now on, report ER without the bot-spike "
    "posts (or the median ER per post, which a few posts hardly move), and find out who bought the likes."
)

Q6 = Question(
    "q6", "Insight card for the manager about your inflated_account: its mean ER by reach with all its posts "
    "(reported_er) and without its bot spikes (clean_er), the line of its platform's top third (top_third_er: "
    "the TOP_THIRD (2/3) quantile of the mean ER of the platform's accounts, every account without its bot "
    "spikes), and the claim that fits, one of CLAIMS. An ER within CLAIM_BAND (5%) of the line accepts both sides.",
    ("claim", "reported_er", "clean_er", "top_third_er"),
    reference=inflation_cards,
    comparison=AnyOf(Several(("claim", "reported_er", "clean_er", "top_third_er"),
                             (MemberOf(str, "claim", options=CLAIMS), Scalar(rtol=1e-6), Scalar(rtol=1e-6),
                              Scalar(rtol=1e-6)))),
    hints=("You have reported and clean from question 5. For the line, take the accounts of the inflated "
           "account's platform (itself included), each with its clean mean ER, and the quantile ex.TOP_THIRD of "
           "those ERs.",
           "The claims are read in the order of ex.CLAIMS: the clean ER above the line, else the reported ER "
           "above it, else neither."),
    solution=("reported_er = reported[inflated_account]\n"
              "clean_er = clean[inflated_account]\n"
              "platform = p.drop_duplicates('account_id').set_index('account_id')['platform']\n"
              "peers = clean[platform[clean.index] == platform[inflated_account]]\n"
              "top_third_er = peers.quantile(ex.TOP_THIRD)\n"
              "if clean_er > top_third_er:\n"
              "    claim = 'top third either way'\n"
              "elif reported_er > top_third_er:\n"
              "    claim = 'top third only with the bought likes'\n"
              "else:\n"
              "    claim = 'below the top third either way'"),
    steps=(
        Step("line-keeps-spikes",
             "top_third_er keeps the other accounts' bot spikes in: compare the clean ER with a line measured the "
             "same way, every account without its bot spikes",
             lambda ds: inflation_cards(ds, line_from="reported"), teaches="the bot spikes screened out of the line"),
    ),
    mistakes=(
        Mistake("medians",
                "your reported and clean ERs are MEDIANS; the dashboard reports the mean ER per post (the median "
                "hardly moves with a few posts, which is why it is the safer number to report next time)",
                median_cards),
        Mistake("posts-quantile",
                "top_third_er is a quantile of the platform's POSTS; the question ranks accounts: the quantile of "
                "the accounts' mean ERs", lambda ds: inflation_cards(ds, over="posts")),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("08_anomalies", "Anomalies", (Q1, Q2, Q3, Q4, Q5, Q6), tables=("posts",))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q6 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
