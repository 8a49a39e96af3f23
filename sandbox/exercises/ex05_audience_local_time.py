"""Questions of notebook 05, audience and local time: segments, personas, posting when the audience is awake.

Segments are ``age_group + " " + gender`` of the ``audience`` table (followers and engaged users per
account and segment). Platforms differ far more than segments and their audiences differ in age, so
the fair engagement index of a segment compares its engaged-user rate with its own platform's rate,
then averages over platforms weighted by the segment's followers there
(:func:`sandbox.analysis.segment_index`, the one source): a platform where a segment holds a few dozen
followers does not decide its index.

Posting times are stored in UTC but brands post, and their audiences read, on their local clock
(``brands.timezone``); the best posting window lives in local time. Insight answers are judged on
the learner's data alone (course datasets ship without truth), against its own noise: the best label
and every label within one standard error of the difference (:data:`TIE_SE`).

In the notebook: ``q1, ..., q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import pandas as pd

from .. import analysis as an
from ..analysis import best_local_hours, instagram_by_hour, local_hour, top_hour_card
from ._chart import BarChart, bar_chart
from ._compare import BestWithEvidence, LabelCard, SeriesMatch
from ._question import Exercise, Mistake, Question, Step

#: The notebook's ex.MIN_SHARE (hours with fewer instagram posts are not judged) and ex.TIE_SE (the noise band of
#: the insight cards: labels within this many standard errors of the difference from the best one are ties).
MIN_SHARE = an.MIN_SHARE
TIE_SE = an.TIE_SE


def audience(ds) -> pd.DataFrame:
    """ds.audience with a ``segment`` label ("25-34 female") and the account's platform."""
    a = ds.audience
    platform = a["account_id"].map(ds.accounts.set_index("account_id")["platform"]).astype(str)
    return a.assign(segment=a["age_group"].astype(str) + " " + a["gender"].astype(str), platform=platform)


def segment_followers(ds, column: str = "followers") -> pd.Series:
    return audience(ds).groupby("segment")[column].sum()


def segment_rate(ds, numerator: str = "engaged_users") -> pd.Series:
    """Pooled engaged-user rate per segment: engaged users / followers over every account."""
    g = audience(ds).groupby("segment")
    return g[numerator].sum() / g["followers"].sum()


def segment_index(ds, how: str = "weighted") -> pd.Series:
    """Each segment's engaged-user rate over its platform's rate, averaged over platforms weighted by the segment's
    followers there (``how="mean"``, ``"median"``: unweighted, mistakes)."""
    if how == "weighted":
        index = an.segment_index(ds)
        return pd.Series(index.to_numpy(), index=[f"{a} {g}" for a, g in index.index])
    cells = an.segment_cells(ds)
    relative = cells["engaged_users"] / cells["followers"] / cells["platform_rate"]
    segment = [f"{a} {g}" for _, a, g in relative.index]
    return relative.groupby(segment).agg(how)


def segment_error(ds) -> pd.Series:
    """The standard error of each segment's index (:func:`sandbox.analysis.segment_index_error`)."""
    error = an.segment_index_error(ds)
    return pd.Series(error.to_numpy(), index=[f"{a} {g}" for a, g in error.index])


def unadjusted_index(ds) -> pd.Series:
    """The pooled rate over the overall rate: no platform control (a mistake)."""
    a = audience(ds)
    return segment_rate(ds) / (a["engaged_users"].sum() / a["followers"].sum())


def follower_share(ds) -> pd.Series:
    followers = segment_followers(ds)
    return followers / followers.sum()


def segment_card(ds, index=None, share=None) -> tuple:
    """(accepted segments, engagement index per segment, share of followers per segment).

    Accepted: the highest index and its near-ties within the noise; ``index`` (a mistake's numbers) names its own
    highest segment, as a learner reads it."""
    if index is None:
        index = segment_index(ds)
        accepted = an.near_best_within_noise(index, segment_error(ds), TIE_SE)
    else:
        accepted = an.top_labels(index)
    return accepted, index, follower_share(ds) if share is None else share


def utc_hours(ds) -> pd.Series:
    return ds.posts["posted_at"].dt.hour


def fixed_offset_hours(ds) -> pd.Series:
    """Local hours from one UTC offset per time zone, the one of the first post's day (a mistake: daylight
    saving moves the offset during the year)."""
    posted = ds.posts["posted_at"]
    zone = ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"]).map(
        ds.brands.set_index("brand_id")["timezone"])
    offset = zone.map({z: posted.min().tz_convert(z).utcoffset() for z in zone.unique()})
    return (posted + offset).dt.hour


SERIES = SeriesMatch(rtol=1e-6)
#: What the clock step teaches (questions 5-7 read each post on its brand's clock).
CLOCK = "read each post on its brand's clock (brands.timezone), not in UTC as stored"
#: The learner's working table (given in the notebook's text): one row per account and segment.
AUD_CODE = ("aud = ds.audience.assign(\n"
            "    segment=ds.audience['age_group'].astype(str) + ' ' + ds.audience['gender'].astype(str),\n"
            "    platform=ds.audience['account_id'].map(ds.accounts.set_index('account_id')['platform']).astype(str))")
LOCAL_HOUR_CODE = (
    "zone = ds.posts['account_id'].map(ds.accounts.set_index('account_id')['brand_id'])"
    ".map(ds.brands.set_index('brand_id')['timezone'])\n"
    "local_hour = pd.Series(0, index=ds.posts.index)\n"
    "for tz, rows in zone.groupby(zone).groups.items():\n"
    "    local_hour[rows] = ds.posts.loc[rows, 'posted_at'].dt.tz_convert(tz).dt.hour")

Q1 = Question(
    "q1", "Followers per audience segment (age group and gender), summed over every account, a Series "
    "indexed by segment.", ("segment_followers",),
    reference=segment_followers, comparison=SERIES,
    hints=("Each row of aud is one account's followers in one segment (and one country).",
           "Group aud by its segment column and add up the followers."),
    solution=(AUD_CODE + "\nsegment_followers = aud.groupby('segment')['followers'].sum()"),
    mistakes=(
        Mistake("row-counts", "these are numbers of ROWS per segment; add up the followers column",
                lambda ds: audience(ds).groupby("segment").size()),
        Mistake("engaged-users", "these are engaged users; the size of a segment is its followers",
                lambda ds: segment_followers(ds, "engaged_users")),
    ),
)

Q2 = Question(
    "q2", "The pooled engaged-user rate per segment: total engaged users divided by total followers of the "
    "segment, over every account, a Series indexed by segment.", ("segment_rate",),
    reference=segment_rate, comparison=SERIES,
    hints=("A rate of a group is the sum of its numerator over the sum of its denominator.",
           "Group aud by segment, sum engaged_users and followers, then divide the two sums."),
    solution="totals = aud.groupby('segment')[['engaged_users', 'followers']].sum()\n"
             "segment_rate = totals['engaged_users'] / totals['followers']",
    mistakes=(
        Mistake("mean-of-row-rates",
                "that is the MEAN of the rows' rates, where a segment of 3 followers counts as much as one of "
                "3,000; divide the summed engaged users by the summed followers",
                lambda ds: (lambda a: (a["engaged_users"] / a["followers"]).groupby(a["segment"]).mean())(
                    audience(ds))),
        Mistake("engagements", "that counts engagements (several per user); the rate counts engaged_users",
                lambda ds: segment_rate(ds, "engagements")),
    ),
)

Q3 = Question(
    "q3", "The fair segment index: for each platform, each segment's engaged-user rate divided by that "
    "platform's overall rate; then the mean over platforms weighted by the segment's followers on each platform, a "
    "Series indexed by segment.", ("segment_index",),
    reference=segment_index, comparison=SERIES,
    hints=("Compute the rate per (platform, segment) and per platform, then divide: 1.3 means that segment "
           "engages 30% more than the platform's typical follower.",
           "Group aud by ['platform', 'segment'] and sum engaged_users and followers; the platform totals come "
           "from grouping those sums by the platform level (`transform('sum')` keeps the shape).",
           "Divide the two rates; the weighted mean of each segment is the sum over its platforms of relative x "
           "followers, divided by the sum of its followers (group both by the segment level)."),
    solution=("cells = aud.groupby(['platform', 'segment'])[['engaged_users', 'followers']].sum()\n"
              "totals = cells.groupby(level='platform').transform('sum')\n"
              "relative = (cells['engaged_users'] / cells['followers']) / (totals['engaged_users'] / totals['followers'])\n"
              "weighted = (relative * cells['followers']).groupby(level='segment').sum()\n"
              "segment_index = weighted / cells['followers'].groupby(level='segment').sum()"),
    steps=(
        Step("not-platform-controlled",
             "that divides the pooled rate by the overall rate: the platform is not controlled for; compare "
             "each segment with its own platform's rate first", unadjusted_index,
             teaches="compare each segment with its own platform's rate"),
        Step("unweighted-mean",
             "that is the plain mean over platforms, where a platform on which the segment has a few dozen followers "
             "counts as much as one with thousands; weight each platform by the segment's followers there",
             lambda ds: segment_index(ds, "mean"), teaches="weight the platforms by the segment's followers on each"),
    ),
    mistakes=(
        Mistake("median-over-platforms", "that is the MEDIAN over platforms; the question asks for the mean weighted "
                "by the segment's followers", lambda ds: segment_index(ds, "median")),
    ),
)

Q4 = Question(
    "q4", "Insight card: the segment to target (the highest segment_index), its evidence (that index) and its "
    "share of all followers (is it also the largest audience?). A segment is a near-tie of the best when its index "
    "is within TIE_SE (one) standard error of the difference from the best one's.",
    ("target_segment", "target_index", "target_share"),
    reference=segment_card,
    comparison=LabelCard("segment", size_name="share of followers", size_rtol=1e-4, size_atol=1e-12),
    hints=("The segment with the largest fair index engages most; its followers divided by all followers is "
           "its share.",
           "`idxmax` gives the label of the largest index; segment_followers from question 1 holds each "
           "segment's followers."),
    solution=("target_segment = segment_index.idxmax()\n"
              "target_index = segment_index.max()\n"
              "target_share = segment_followers[target_segment] / segment_followers.sum()"),
    mistakes=(
        Mistake("pooled-rate-evidence",
                "that evidence is the segment's pooled rate; give its fair index (segment_index)",
                lambda ds: segment_card(ds, index=segment_rate(ds))),
        Mistake("row-share", "the share counts ROWS of the audience table; count followers",
                lambda ds: segment_card(ds, share=audience(ds)["segment"].value_counts(normalize=True))),
        Mistake("percentage-share", "that share is a percentage; give a fraction such as 0.12",
                lambda ds: segment_card(ds, share=follower_share(ds) * 100)),
    ),
    points=2,
    judgement=True,
)

Q5 = Question(
    "q5", "Each post's hour (0-23) on its brand's local clock (brands.timezone), a Series aligned with ds.posts.",
    ("local_hour",),
    reference=local_hour, comparison=SERIES,
    hints=("posted_at is UTC. A post's account belongs to a brand, and the brand has a time zone.",
           "Map account_id to brand_id (ds.accounts) and brand_id to timezone (ds.brands); `.dt.tz_convert(zone)` "
           "converts UTC timestamps to one zone, so convert the posts of each zone separately.",
           "Loop over `zone.groupby(zone).groups.items()` (zone name, row labels), convert those rows and write "
           "their `.dt.hour` into a Series with the index of ds.posts."),
    solution=LOCAL_HOUR_CODE,
    steps=(Step("utc", "these are UTC hours; convert each post to its brand's time zone", utc_hours, teaches=CLOCK),),
    mistakes=(
        Mistake("london", "every post converted to London time; each brand has its own time zone (brands.timezone)",
                lambda ds: ds.posts["posted_at"].dt.tz_convert("Europe/London").dt.hour),
        Mistake("fixed-offset",
                "each time zone got one fixed UTC offset, but daylight saving moves it during the year; "
                "`.dt.tz_convert(zone)` knows the offset of every date", fixed_offset_hours),
    ),
)

Q6 = Question(
    "q6", "Chart: instagram posts only, a seaborn bar chart of the median ER by reach per local hour (one bar "
    "per hour, no error bars) with a title and a label on the value axis; keep its Axes.", ("hour_chart",),
    reference=lambda ds: instagram_by_hour(ds, local_hour(ds)), comparison=BarChart("hour"), plain=bar_chart,
    hints=("Keep the instagram rows of ds.posts, their ER by reach and their local_hour.",
           "sns.barplot takes x= the local hours and y= the ER by reach; a bar's `estimator` says how it "
           "summarises, and errorbar=None drops the error bars.",
           "barplot returns the Axes; give it a title and axis labels that say what they show "
           "(`.set(title=..., xlabel=..., ylabel=...)`) and store it in hour_chart."),
    solution=("ig = ds.posts['platform'] == 'instagram'\n"
              "ig_er = ds.posts[['likes', 'comments', 'shares', 'saves']].sum(axis=1)[ig] / ds.posts['reach'][ig]\n"
              "hour_chart = sns.barplot(x=local_hour[ig], y=ig_er, estimator='median', errorbar=None)\n"
              "hour_chart.set(title='Instagram: median ER by reach per local posting hour', "
              "xlabel='local hour', ylabel='median ER by reach');"),
    steps=(Step("utc", "the bars are per UTC hour; use local_hour", lambda ds: instagram_by_hour(ds, utc_hours(ds)),
                teaches=CLOCK),),
    mistakes=(
        Mistake("mean-estimator", "the bars show MEANS, seaborn's default estimator; pass estimator='median'",
                lambda ds: instagram_by_hour(ds, local_hour(ds), "mean")),
        Mistake("all-platforms", "that chart holds every platform; keep instagram posts only",
                lambda ds: instagram_by_hour(ds, local_hour(ds), all_platforms=True)),
    ),
)

#: The model written answer, shown by ``q7.solution()`` once the learner wrote theirs.
MODEL_ANSWER = (
    'Write for the segment with the highest fair index: its followers engage clearly more than their '
    "platform's typical follower (the index is the evidence), although it is only a modest share of the "
    'audience (a few percent of the followers), so it is an engaged niche to delight next to the bulk of '
    'the followers, not a replacement for it. The pooled rates mix platforms whose followers engage very '
    "differently, so they partly measure the platform; comparing each segment with its own platform's "
    'rate removes that. Schedule instagram posts at the best local hour of the card and its neighbours: '
    'in local time the medians peak clearly, while per UTC hour the peak is smeared over several hours '
    'because the brands sit in different time zones. Hours with few posts were left out, and a window '
    'found in one year should be re-tested.'
)

Q7 = Question(
    "q7", "Insight card: the best LOCAL hour to post on instagram, among hours holding at least MIN_SHARE (2%) "
    "of the instagram posts, and its evidence: that hour's median ER by reach. An hour is a near-tie of the best "
    "when its median is within TIE_SE (one) standard error of the difference from the best one's.",
    ("best_local_hour", "best_local_er"),
    reference=best_local_hours, comparison=BestWithEvidence("hour"),
    hints=("The bars of your chart are the medians; drop the hours with few instagram posts first.",
           "`value_counts(normalize=True)` of the instagram posts' local_hour gives each hour's share; keep the "
           "hours whose share is at least ex.MIN_SHARE.",
           "Among the remaining hours, the label of the largest median (as an int) is the hour and the value "
           "there is the evidence."),
    solution=("ig_by_hour = ig_er.groupby(local_hour[ig]).median()\n"
              "share = local_hour[ig].value_counts(normalize=True)\n"
              "ig_by_hour = ig_by_hour[ig_by_hour.index.isin(share[share >= ex.MIN_SHARE].index)]\n"
              "best_local_hour = int(ig_by_hour.idxmax())\n"
              "best_local_er = ig_by_hour.max()"),
    steps=(
        Step("thin-hours",
             f"that hour holds less than {MIN_SHARE:.0%} of the instagram posts, too few to trust its median; "
             "keep only hours with at least ex.MIN_SHARE of the posts",
             lambda ds: top_hour_card(instagram_by_hour(ds, local_hour(ds))),
             teaches="judge only the hours holding at least MIN_SHARE of the instagram posts"),
        Step("utc", "that is the best UTC hour; the audience lives on the brand's local clock, use local_hour",
             lambda ds: best_local_hours(ds, utc_hours(ds)), teaches=CLOCK),
    ),
    mistakes=(
        Mistake("mean-not-median",
                "that is the best hour by MEAN ER, which a few viral posts can decide; use the median",
                lambda ds: best_local_hours(ds, how="mean")),
    ),
    model_answer=MODEL_ANSWER,
    points=2,
    judgement=True,
)

EXERCISE = Exercise("05_audience_local_time", "Audience and local time", (Q1, Q2, Q3, Q4, Q5, Q6, Q7),
                    tables=("posts", "accounts", "brands", "audience"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
