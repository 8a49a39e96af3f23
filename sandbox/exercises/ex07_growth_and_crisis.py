"""Questions of notebook 07, growth and crisis: net growth, churn, and a follower crisis read off the data.

Definitions used throughout (``ds.followers_daily`` has one row per account and UTC day; ``followers``
is the count at the END of that day, so ``followers_start`` in ``ds.accounts`` is the count before the
first day):

- net follows = follows - unfollows; an account's growth rate = its net follows over the year divided by
  ``followers_start`` (a fraction: 0.25 is +25%), the fair comparison across account sizes;
- churn = unfollows over the year divided by the account's MEAN daily followers: the share of its
  audience an account loses in a year (dividing by the start count inflates the churn of accounts that
  grew);
- the crisis (its account, window and card) is read as :mod:`sandbox.analysis.crisis` says, shared with
  notebook 12.

Everything is judged on the learner's data; the planted truth plays no part.

In the notebook: ``q1, ..., q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

# the crisis analysis is shared with notebook 12; its constants are the notebook's ex.SPIKE, ex.FLOOR...
from ..analysis.crisis import (CARD_MISTAKES, CLAIM_BAND, CLAIM_CODE, CLAIMS, CRISIS_CODE, CRISIS_TIE,  # noqa: F401
                               FLOOR, HORIZON, SMOOTH, SPIKE, WINDOW_DAYS, crisis_account, crisis_accounts,
                               crisis_cards, crisis_window, daily)
from ._chart import BarChart, bar_chart, measure_unnamed
from ._compare import AnyOf, FrameMatch, MemberOf, Moment, Scalar, SeriesMatch, Several, Values
from ._question import Exercise, Mistake, Question, Step

#: How many of the fastest-growing accounts the report lists.
TOP = 3


# ---------------------------------------------------------------- growth and churn


def start_followers(ds) -> pd.Series:
    return ds.accounts.set_index("account_id")["followers_start"]


def growth(ds, first_row: bool = False, denominator: str = "start", percent: bool = False) -> pd.DataFrame:
    """Per account: net follows over the year and the growth rate (net / followers_start).

    ``first_row``: the net as last minus first row of followers, which misses the first day's change;
    ``denominator="end"``: the rate over the year-end followers; ``percent``: the rate x 100 (mistakes).
    """
    f = daily(ds)
    by = f.groupby("account_id")
    if first_row:
        net = by["followers"].last() - by["followers"].first()
    else:
        net = by["net"].sum()
    base = by["followers"].last() if denominator == "end" else start_followers(ds).reindex(net.index)
    rate = net / base * (100 if percent else 1)
    return pd.DataFrame({"net": net, "rate": rate})


def churn(ds, denominator: str = "mean", percent: bool = False) -> pd.Series:
    """Per account: unfollows over the year / mean daily followers (``denominator``: "start", "end": mistakes)."""
    f = daily(ds)
    by = f.groupby("account_id")
    if denominator == "start":
        base = start_followers(ds).reindex(by.size().index)
    elif denominator == "end":
        base = by["followers"].last()
    else:
        base = by["followers"].mean()
    return by["unfollows"].sum() / base * (100 if percent else 1)


def platform_of(ds) -> pd.Series:
    return ds.accounts.set_index("account_id")["platform"].astype(str)


def churn_by_platform(ds, how: str = "median", denominator: str = "mean") -> pd.Series:
    """The chart's bars: ``how`` of the accounts' churn per platform."""
    values = churn(ds, denominator)
    return values.groupby(platform_of(ds).reindex(values.index)).agg(how)


def top_growers(ds, by: str = "rate", ascending: bool = False) -> list:
    """The TOP accounts with the highest growth rate, fastest first; ``by="net"`` (the most followers
    gained) and ``ascending`` (the slowest) are mistakes."""
    return list(growth(ds)[by].sort_values(ascending=ascending, kind="stable").index[:TOP])


# ---------------------------------------------------------------- the crisis


def most_unfollows_account(ds) -> set:
    """The account with the most unfollows on one day (a mistake: the biggest accounts lose most)."""
    f = daily(ds)
    return {f.loc[f["unfollows"].idxmax(), "account_id"]}


def steepest_decline_account(ds) -> set:
    """The account with the lowest growth rate over the year (a mistake: a slow decline is no crisis)."""
    return {growth(ds)["rate"].idxmin()}


def crisis_account_without(ds, step: str) -> set:
    """The crisis account of a learner who writes q5's solution without one ``step`` of it:

    - ``"smoothing"``: the highest daily ratio, not smoothed (one bad day, a platform's cleanup, wins);
    - ``"floor"``: the normal day not clipped at FLOOR (an account that loses one follower a day wins
      on a few unfollows);
    - ``"own-normal"``: no normal day at all, the raw unfollows smoothed (the biggest accounts win);
    - ``"day-followers"``: the normal day as the account's median daily unfollows, not its median RATE times the
      day's followers (floor and smoothing kept);
    - ``"median"``: the ratio smoothed with a rolling MEAN, which one extreme day still moves.
    """
    f = daily(ds)
    if step == "own-normal":
        ratio = f["unfollows"].astype(float)
    elif step == "day-followers":
        ratio = f["unfollows"] / f.groupby("account_id")["unfollows"].transform("median").clip(lower=FLOOR)
    else:
        normal = f["followers"] * (f["unfollows"] / f["followers"]).groupby(f["account_id"]).transform("median")
        ratio = f["unfollows"] / (normal if step == "floor" else normal.clip(lower=FLOOR))
    if step == "median":
        ratio = ratio.groupby(f["account_id"]).transform(lambda s: s.rolling(SMOOTH, center=True).mean())
    elif step != "smoothing":
        ratio = ratio.groupby(f["account_id"]).transform(lambda s: s.rolling(SMOOTH, center=True).median())
    return {ratio.groupby(f["account_id"]).max().idxmax()}


# ---------------------------------------------------------------- questions

#: The working table of the notebook (given in its text and in q1's solution): one row per account and day.
DAILY_CODE = ("f = ds.followers_daily.sort_values(['account_id', 'date'])\n"
              "f['net'] = f['follows'] - f['unfollows']")

Q1 = Question(
    "q1", "Per account over the year: net follows (follows - unfollows) and the growth rate (net follows / "
    "followers_start, a fraction), a DataFrame indexed by account_id with columns net and rate.",
    ("growth",),
    reference=growth, comparison=FrameMatch(rtol=1e-6),
    hints=("followers is counted at the END of each day, so the first row already holds the first day's "
           "change; ds.accounts['followers_start'] is the count before it.",
           "Sum the net column per account (`groupby('account_id')`), then divide by followers_start indexed by "
           "account_id (`ds.accounts.set_index('account_id')`): pandas lines the two up by account."),
    solution=(DAILY_CODE + "\n"
              "start = ds.accounts.set_index('account_id')['followers_start']\n"
              "growth = pd.DataFrame({'net': f.groupby('account_id')['net'].sum()})\n"
              "growth['rate'] = growth['net'] / start"),
    mistakes=(
        Mistake("first-row-net",
                "your net is the last day's followers minus the first day's, which misses the first day's change "
                "(followers is counted at the end of the day): add up follows - unfollows instead",
                lambda ds: growth(ds, first_row=True)),
        Mistake("end-denominator",
                "the rate divides by the followers at the END of the year; growth is relative to where the "
                "account started, followers_start", lambda ds: growth(ds, denominator="end")),
        Mistake("percentage", "the rate is a percentage (x 100); give a fraction such as 0.25 for +25%",
                lambda ds: growth(ds, percent=True)),
    ),
)

Q2 = Question(
    "q2", "Judgement: the TOP (3) fastest-growing accounts, compared fairly across account sizes, as a list of "
    "account_id, fastest first.", ("top_growers",),
    reference=top_growers, comparison=Values(ordered=True),
    hints=("An account of 400,000 followers gains more followers in a slow year than an account of 2,000 in a "
           "great one. Which column of growth puts them on the same scale?",
           "Sort that column from the largest value down and keep the first ex.TOP labels of its index, as a "
           "list."),
    solution="top_growers = list(growth['rate'].sort_values(ascending=False).index[:ex.TOP])",
    mistakes=(
        Mistake("most-gained",
                "those accounts gained the most followers, which a big account does even in a slow year: rank "
                "the accounts by their growth RATE, the net follows relative to their size",
                lambda ds: top_growers(ds, by="net")),
        Mistake("slowest", "those are the slowest accounts: sort_values sorts from the smallest value up; pass "
                "ascending=False", lambda ds: top_growers(ds, ascending=True)),
    ),
    points=2,
    judgement=True,
)

Q3 = Question(
    "q3", "Per account: churn over the year, its unfollows divided by its MEAN daily followers (the share of its "
    "audience it lost in the year, a fraction), a Series indexed by account_id.",
    ("churn",),
    reference=churn, comparison=SeriesMatch(rtol=1e-6),
    hints=("An account that tripled its audience loses more followers in December than in January simply because "
           "it has more of them; the year's average audience is the fair base.",
           "Group f by account_id: the sum of unfollows divided by the mean of followers."),
    solution=("by_account = f.groupby('account_id')\n"
              "churn = by_account['unfollows'].sum() / by_account['followers'].mean()"),
    mistakes=(
        Mistake("start-denominator",
                "that divides by followers_start: an account whose audience grew (or shrank) during the year gets "
                "a churn too high (or too low); divide by its mean daily followers", lambda ds: churn(ds, "start")),
        Mistake("end-denominator",
                "that divides by the followers at the end of the year; divide by the mean daily followers",
                lambda ds: churn(ds, "end")),
        Mistake("percentage", "that churn is a percentage (x 100); give a fraction such as 0.1",
                lambda ds: churn(ds, percent=True)),
    ),
)

Q4 = Question(
    "q4", "Chart: a seaborn bar chart of the median churn per platform from your churn Series (one bar per "
    "platform, no error bars) with a title and a label on the churn axis that says what the bars measure; keep "
    "its Axes.", ("churn_chart",),
    reference=churn_by_platform, comparison=BarChart("platform", measure=("churn", "unfollow")),
    plain=bar_chart,
    hints=("Each account has one platform (ds.accounts); give sns.barplot the platform of each account of churn "
           "as x and the churn as y.",
           "A bar's `estimator` says how it summarises the accounts of a platform; errorbar=None drops the error "
           "bars. barplot returns the Axes: give it a title and axis labels that say what they show with "
           "`.set(title=..., xlabel=..., ylabel=...)` and store it in churn_chart."),
    solution=("platform = ds.accounts.set_index('account_id')['platform'].astype(str)\n"
              "churn_chart = sns.barplot(x=platform[churn.index], y=churn, estimator='median', errorbar=None)\n"
              "churn_chart.set(title='Median yearly churn per platform', xlabel='platform',\n"
              "                ylabel='unfollows / mean followers');"),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show MEANS, seaborn's default estimator, which one account with an extreme churn can "
                "move; pass estimator='median'", lambda ds: churn_by_platform(ds, "mean")),
        Mistake("start-denominator",
                "the bars divide unfollows by followers_start: platforms whose accounts grew fast look as if they "
                "churn more; chart your churn (over the mean daily followers)",
                lambda ds: churn_by_platform(ds, denominator="start")),
        measure_unnamed(churn_by_platform),
    ),
)

Q5 = Question(
    "q5", "Judgement: the account that had a crisis, several days in a row of unfollows far above its own normal "
    "day. Accounts whose peak is within CRISIS_TIE (10%) of the highest are ties.", ("crisis_account",),
    reference=crisis_accounts, comparison=MemberOf(str, "account"),
    hints=("A big account loses hundreds of followers on an ordinary day; a crisis is an account losing far more "
           "than ITS normal, for days. Normal is the account's median unfollow rate (unfollows / followers) times "
           "the day's followers.",
           "Divide each day's unfollows by that normal (at least ex.FLOOR unfollows, so that an account losing one "
           "follower a week is not in crisis over 3 unfollows), then smooth each account's ratio with a centred "
           "rolling median over ex.SMOOTH days, so that one bad day does not count.",
           "`groupby('account_id')[...].transform('median')` keeps the shape of f; `.transform(lambda s: "
           "s.rolling(...).median())` smooths per account. The crisis account has the highest smoothed ratio."),
    solution=(CRISIS_CODE + "\n"
              "crisis_account = f.groupby('account_id')['smooth'].max().idxmax()"),
    steps=(
        Step("floor", "that account loses a follower or so on a normal day, so a few unfollows look like many "
             "times its normal: count a normal day as at least ex.FLOOR unfollows (`.clip(lower=ex.FLOOR)`)",
             lambda ds: crisis_account_without(ds, "floor"), teaches="a normal day of at least FLOOR unfollows"),
        Step("smoothing", "that account's ratio peaks on a single day (a platform's cleanup, a burst of posts); "
             "a crisis lasts several days: smooth each account's ratio with a centred rolling median over "
             "ex.SMOOTH days before taking the peak", lambda ds: crisis_account_without(ds, "smoothing"),
             teaches="smooth each account's daily ratio with a centred rolling median"),
        Step("own-normal", "that account loses the most followers over several days, which a big account does in "
             "any week: divide each day's unfollows by the account's own normal day first",
             lambda ds: crisis_account_without(ds, "own-normal"),
             teaches="each day against the account's own normal day"),
        Step("day-followers", "your normal day is a constant count of unfollows, the same in January and in "
             "December; the account's audience changes during the year: take its median unfollow RATE (unfollows / "
             "followers) times the day's followers", lambda ds: crisis_account_without(ds, "day-followers"),
             teaches="the normal day follows the day's followers (a rate times the day's followers)"),
    ),
    mistakes=(
        Mistake("most-unfollows-day",
                "that account lost the most followers in one day, which a big account does on ordinary days: "
                "compare each account with its own normal day", most_unfollows_account),
        Mistake("rolling-mean",
                "you smoothed with a rolling MEAN: one extreme day (a platform's cleanup) still lifts the mean of "
                "its window; a rolling median over ex.SMOOTH days ignores a single day",
                lambda ds: crisis_account_without(ds, "median")),
        Mistake("steepest-decline",
                "that account shrank the most over the year, slowly: a crisis is a burst of unfollows over a few "
                "days, far above the account's normal day", steepest_decline_account),
    ),
    points=2,
    judgement=True,
)

Q6 = Question(
    "q6", "The crisis window: the first and last day of the crisis account's run of consecutive days whose "
    "smoothed ratio is at least SPIKE (2.5), the run around its peak day. Each end is read to within "
    "WINDOW_DAYS (1) day.", ("crisis_start", "crisis_end"),
    reference=crisis_window,
    comparison=Several(("crisis_start", "crisis_end"), (Moment(days=WINDOW_DAYS), Moment(days=WINDOW_DAYS))),
    hints=("Keep the crisis account's rows of f, indexed by date. Its crisis is the stretch of days around the "
           "peak of the smoothed ratio where the ratio stays at or above ex.SPIKE.",
           "Mark the days at or above ex.SPIKE; `(flag != flag.shift()).cumsum()` numbers the runs of equal "
           "marks; keep the run that holds the peak day (`idxmax` of the smoothed ratio).",
           "The first and last dates of that run are the answer (`.min()`, `.max()` of its index)."),
    solution=("mine = f[f['account_id'] == crisis_account].set_index('date')\n"
              "flag = mine['smooth'] >= ex.SPIKE\n"
              "run = (flag != flag.shift()).cumsum()\n"
              "days = mine.index[run == run[mine['smooth'].idxmax()]]\n"
              "crisis_start, crisis_end = days.min(), days.max()"),
    steps=(
        Step("trailing-window",
             f"your window is late: a rolling window that is not centred looks back {SMOOTH - 1} days, so the "
             "smoothed ratio rises after the crisis starts; pass center=True",
             lambda ds: crisis_window(ds, center=False), teaches="a centred rolling window"),
        Step("run-around-peak",
             "your window runs from the first to the last day at or above ex.SPIKE anywhere in the year, so it "
             "takes in days apart from the crisis; keep the one run of consecutive days that holds the peak day",
             lambda ds: crisis_window(ds, any_run=True), teaches="the run of consecutive days that holds the peak"),
    ),
    mistakes=(
        Mistake("other-threshold",
                "your window does not match the days whose smoothed ratio stays at or above ex.SPIKE; draw the line "
                "at ex.SPIKE", lambda ds: crisis_window(ds, spike=SPIKE + 0.5)),
        Mistake("peak-day-only",
                "that is the peak day alone; the crisis is the run of days around it whose smoothed ratio stays at "
                "or above ex.SPIKE", lambda ds: crisis_window(ds, peak_only=True)),
    ),
    points=2,
)

#: The model written answer of question 7, shown by q7.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "One account had a real crisis: for about ten days it lost several times its normal number of followers "
    "while fewer people followed it, so it lost about 280 followers in net where a normal ten days bring about "
    "225. On its average day outside the crisis it gains about 23 followers, so normal growth wins the loss "
    "back in about two weeks: a dent, not a lasting loss, provided the cause is fixed. It was this account, "
    "not its platform: the biggest accounts lose more followers every day, and the account with the steepest "
    "decline over the year shrank slowly, without a burst. Review what the account posted and how it answered "
    "in the days before the crisis started."
)

Q7 = Question(
    "q7", "Insight card for the manager: the claim that fits (one of CLAIMS), the crisis account's net follows "
    "during your crisis window, and its normal daily net follows (net follows outside the window divided by "
    "the number of days outside it). Recovery times within 20% of HORIZON (60 days) accept both claims "
    "around it.", ("claim", "crisis_net", "normal_net"),
    reference=crisis_cards,
    comparison=AnyOf(Several(("claim", "crisis_net", "normal_net"),
                             (MemberOf(str, "claim", options=CLAIMS), Scalar(rtol=1e-6, percent=False),
                              Scalar(rtol=1e-6, percent=False)))),
    hints=("Split the crisis account's days into the crisis window (your q6) and the rest. How many followers "
           "did the window cost, and how many does a normal day bring?",
           "crisis_net: the net column summed over the window's days; normal_net: the net of the other days "
           "divided by how many they are (their mean). At that pace, how many days win the loss back?",
           "The claims are checked in the order of the list above: a window that cost nothing, then a normal "
           "day that gains nothing; otherwise compare -crisis_net / normal_net with ex.HORIZON days."),
    solution=("inside = (mine.index >= crisis_start) & (mine.index <= crisis_end)\n"
              "crisis_net = mine.loc[inside, 'net'].sum()\n"
              "normal_net = mine.loc[~inside, 'net'].mean()\n"
              + CLAIM_CODE),
    mistakes=(
        *(Mistake(mistake_id, message, lambda ds, kw=kw: crisis_cards(ds, **kw))
          for mistake_id, message, kw in CARD_MISTAKES),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("07_growth_and_crisis", "Growth and crisis", (Q1, Q2, Q3, Q4, Q5, Q6, Q7),
                    tables=("followers_daily", "accounts"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
