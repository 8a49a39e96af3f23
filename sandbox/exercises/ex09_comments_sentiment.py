"""Questions of notebook 09, comments and sentiment: brand replies, spam bots, a word-and-emoji sentiment
rule, and a crisis read off the comments.

Definitions used throughout (the working table ``c`` is ``ds.comments`` with each commented post's
``account_id`` and ``posted_at`` and its account's ``brand_id`` and ``handle``, in the order of
``ds.comments``; ``minutes`` = minutes from the post to the comment):

- a brand reply is a comment written by the post's own account (``author_handle == handle``): the brand
  answering, not its audience; the audience is every other comment;
- a handle's behaviour: its audience comments, the distinct brands it commented on and its MEDIAN minutes
  after the post. Clear bots comment at least MIN_COMMENTS times, within FAST minutes (median); clear
  people comment SLOW minutes or more after the post (median), or only once or twice. A learner's bot
  list must hold every clear bot and no clear person; handles in between are the learner's call. From
  question 4 on, bots are the clear bots, so that every learner's numbers can be checked;
- a comment's sentiment: its positive words and emoji minus its negative ones (``lexicon``, the word and
  emoji lists of the dataset's language; words are ``\\w+`` runs of the lowercased text, an emoji counts
  each time it appears): above 0 positive, below 0 negative, else neutral;
- a week is a calendar week (``dt.to_period('W')``, Monday to Sunday, UTC) of the comment's
  ``created_at``; an account's usual share is its share of negative audience comments (bots left out) over
  the whole period, and a week's excess = its negative comments - its comments x the usual share: the
  negative comments above the account's normal. The crisis account has the highest weekly excess (a
  week's share alone is high by chance in a week of three comments); its crisis week is that week. The
  crisis shows in the comments only when the account kept posting during it;
- the card: the crisis account's share in its crisis week, the company-wide share that week (every
  account's audience comments, bots left out) and how that week ranks among the company's weeks: its
  worst, one of its TOP_WEEKS worst, or an ordinary week (POOLED_TIE either side of a boundary).

Everything is judged on the learner's data; the planted truth plays no part.

In the notebook: ``q1, ..., q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import analysis as an
from ._chart import KIND, BarChart, bar_chart
from ._compare import Flags, FrameMatch, MemberOf, Mismatch, Scalar, SeriesMatch, Several
from ._question import Exercise, Mistake, Question, Step

#: A clear bot comments at least this many times...
MIN_COMMENTS = 3
#: ...within this many minutes of the post (its median delay).
FAST = 10
#: A handle whose median delay is at least this many minutes comments like a person.
SLOW = 30
#: Accounts whose highest weekly excess is within 10% of the highest are ties.
CRISIS_TIE = 0.10
#: How the crisis week ranks among the company's weeks: its worst, one of its TOP_WEEKS worst, or an ordinary week.
TOP_WEEKS = 5
CLAIMS = ("the worst week of the year", "one of the five worst weeks", "an ordinary week")
#: A crisis week within 3% of the week at a claim's boundary accepts both claims around it (the company's
#: weekly shares sit close together near the top).
POOLED_TIE = 0.03
#: The chart shows the crisis account's weeks from BEFORE weeks before its crisis week to AFTER weeks after it.
BEFORE = 4
AFTER = 3


# ---------------------------------------------------------------- the working table

_MEMO: dict = {}


def memo(ds, key, make):
    """``make()`` computed once per dataset object and its comments table (the references share the
    working table, the sentiment and the bot list; callers never change what it returns)."""
    entry = _MEMO.get(id(ds))
    if entry is None or entry[0]() is not ds or entry[1] is not ds.comments:
        if len(_MEMO) > 32:
            _MEMO.clear()
        entry = _MEMO[id(ds)] = (weakref.ref(ds), ds.comments, {})
    store = entry[2]
    if key not in store:
        store[key] = make()
    return store[key]


def comments(ds) -> pd.DataFrame:
    """The working table ``c``: ds.comments with the post's account_id and posted_at, the account's
    brand_id and handle, and ``minutes`` from the post to the comment; in the order of ds.comments."""
    return memo(ds, "comments", lambda: _comments(ds))


def _comments(ds) -> pd.DataFrame:
    c = (ds.comments.merge(ds.posts[["post_id", "account_id", "posted_at"]], on="post_id")
         .merge(ds.accounts[["account_id", "brand_id", "handle"]], on="account_id"))
    return c.assign(minutes=(c["created_at"] - c["posted_at"]).dt.total_seconds() / 60)


def is_reply(ds) -> pd.Series:
    """True where the comment was written by the post's own account (the brand answering)."""
    c = comments(ds)
    return c["author_handle"] == c["handle"]


def n_replies(ds, mentions: bool = False) -> int:
    """How many comments the brands wrote under their own posts; ``mentions``: every comment that starts
    with an @mention (a mistake: people tag friends that way too)."""
    if mentions:
        return int(comments(ds)["text"].str.startswith("@").sum())
    return int(is_reply(ds).sum())


# ---------------------------------------------------------------- bots


def handles(ds, how: str = "median", unit: float = 60, replies: bool = False) -> pd.DataFrame:
    """Per author handle of the audience: ``comments``, distinct ``brands`` and the ``minutes`` from post to
    comment (``how`` of them; ``how="mean"``, ``unit=3600`` (hours) and ``replies=True`` (the brands'
    own replies kept) are mistakes)."""
    return memo(ds, ("handles", how, unit, replies), lambda: _handles(ds, how, unit, replies))


def _handles(ds, how: str, unit: float, replies: bool) -> pd.DataFrame:
    c = comments(ds)
    if not replies:
        c = c[~is_reply(ds)]
    delay = c["minutes"] * 60 / unit
    by = c.assign(delay=delay).groupby("author_handle")
    return pd.DataFrame({"comments": by.size(), "brands": by["brand_id"].nunique(), "minutes": by["delay"].agg(how)})


def clear_bots(ds) -> set:
    """Handles with at least MIN_COMMENTS audience comments, at most FAST minutes after the post (median)."""
    return memo(ds, "bots", lambda: _clear_bots(ds))


def _clear_bots(ds) -> set:
    h = handles(ds)
    return set(h.index[(h["comments"] >= MIN_COMMENTS) & (h["minutes"] <= FAST)])


def clear_people(ds) -> set:
    """Handles that comment like people: SLOW minutes or more after the post (median), or fewer than
    MIN_COMMENTS comments."""
    h = handles(ds)
    return set(h.index[(h["minutes"] >= SLOW) | (h["comments"] < MIN_COMMENTS)])


def bot_verdict(ds) -> tuple:
    """(handles a bot list must hold, handles it must not hold, the learner's call)."""
    bots, people = clear_bots(ds), clear_people(ds)
    return bots, people, set(handles(ds).index) - bots - people


def flagged_by(ds, column: str, at_least: float | None = None, at_most: float | None = None) -> tuple:
    """A one-signal rule as a verdict: (the handles it flags, every other handle, none left to judge).
    Mistakes: the busiest handles, the handles on the most brands, fast handles whatever their number of
    comments."""
    h = handles(ds)
    keep = pd.Series(True, index=h.index)
    if at_least is not None:
        keep &= h[column] >= at_least
    if at_most is not None:
        keep &= h[column] <= at_most
    return set(h.index[keep]), set(h.index[~keep]), set()


# ---------------------------------------------------------------- sentiment


@lru_cache(maxsize=None)
def _lexicon(locale: str) -> tuple:
    from ..generator.grammar import get_grammar

    data = get_grammar(locale).data
    return (frozenset(data["lexicon"]["positive"]), frozenset(data["lexicon"]["negative"]),
            tuple(data["emoji"]["positive"]), tuple(data["emoji"]["negative"]))


def lexicon(ds) -> dict:
    """The sentiment word and emoji lists of the dataset's language: ``positive_words``,
    ``negative_words`` (sets of lowercase words) and ``positive_emoji``, ``negative_emoji`` (lists)."""
    pos, neg, pos_emoji, neg_emoji = _lexicon(ds.meta.get("locale", "en_US"))
    return {"positive_words": set(pos), "negative_words": set(neg),
            "positive_emoji": list(pos_emoji), "negative_emoji": list(neg_emoji)}


WORD = re.compile(r"\w+")


def score_text(text: str, lex: dict, lower: bool = True, emoji: bool = True) -> int:
    """Positive words and emoji minus negative ones (``lower``/``emoji`` False: mistakes)."""
    words = WORD.findall(text.lower() if lower else text)
    score = sum(w in lex["positive_words"] for w in words) - sum(w in lex["negative_words"] for w in words)
    if emoji:
        score += sum(text.count(e) for e in lex["positive_emoji"]) - sum(text.count(e) for e in lex["negative_emoji"])
    return score


def sentiment(ds, lower: bool = True, emoji: bool = True) -> pd.Series:
    """Each comment's sentiment (negative, neutral, positive) by the word-and-emoji rule, aligned with ds.comments."""
    return memo(ds, ("sentiment", lower, emoji), lambda: _sentiment(ds, lower, emoji))


def _sentiment(ds, lower: bool, emoji: bool) -> pd.Series:
    lex = lexicon(ds)
    score = ds.comments["text"].map(lambda t: score_text(t, lex, lower, emoji))
    return pd.Series(np.select([score > 0, score < 0], ["positive", "negative"], "neutral"),
                     index=ds.comments.index, name="sentiment")


# ---------------------------------------------------------------- the crisis


def audience(ds, bots: bool = False, replies: bool = False) -> pd.DataFrame:
    """The audience comments of the working table, bots left out (``bots``/``replies`` True keep them: mistakes),
    with ``negative`` (True for a negative comment) and ``week`` (calendar week of created_at)."""
    return memo(ds, ("audience", bots, replies), lambda: _audience(ds, bots, replies))


def _audience(ds, bots: bool, replies: bool) -> pd.DataFrame:
    c = comments(ds).assign(negative=sentiment(ds) == "negative")
    keep = pd.Series(True, index=c.index)
    if not replies:
        keep &= ~is_reply(ds)
    if not bots:
        keep &= ~c["author_handle"].isin(clear_bots(ds))
    c = c[keep]
    return c.assign(week=c["created_at"].dt.tz_localize(None).dt.to_period("W"))


def usual_share(ds, **keep) -> pd.Series:
    """Each account's share of negative audience comments over the whole period: its usual share (``keep``: as
    :func:`audience`)."""
    return audience(ds, **keep).groupby("account_id")["negative"].mean()


def weekly(ds, **keep) -> pd.DataFrame:
    """Per account and week: ``comments``, ``negative`` comments, their ``share`` and the ``excess``: negative
    comments above the account's usual (``comments`` x its usual share); ``keep`` as :func:`audience` (the usual
    share is read off the same comments, as a learner who keeps them computes it)."""
    return memo(ds, ("weekly", *sorted(keep.items())), lambda: _weekly(ds, **keep))


def _weekly(ds, **keep) -> pd.DataFrame:
    a = audience(ds, **keep)
    w = a.groupby(["account_id", "week"])["negative"].agg(comments="size", negative="sum", share="mean")
    usual = usual_share(ds, **keep).reindex(w.index.get_level_values("account_id")).to_numpy()
    return w.assign(excess=w["negative"] - w["comments"] * usual)


def worst_weeks(ds, column: str = "excess", **keep) -> pd.Series:
    """Each account's highest weekly ``column`` (``"share"``, ``"negative"``: mistakes); ``keep`` as
    :func:`audience`."""
    return weekly(ds, **keep)[column].groupby(level="account_id").max()


def crisis_accounts(ds) -> set:
    """The account with the highest weekly excess of negative comments, and its near-ties (CRISIS_TIE)."""
    return an.near_best(worst_weeks(ds), CRISIS_TIE)


def crisis_account(ds) -> str:
    """The one crisis account the chart and the card follow (the highest weekly excess)."""
    return str(worst_weeks(ds).idxmax())


def share_account(ds) -> set:
    """The account with the highest weekly share (a mistake: 2 negative comments of 3 is chance)."""
    return {worst_weeks(ds, "share").idxmax()}


def count_account(ds) -> set:
    """The account with the most negative comments in a week, its usual share left out (a dropped step: an
    account that always gets many complaints wins every week)."""
    return {worst_weeks(ds, "negative").idxmax()}


def unscreened_account(ds) -> set:
    """The account of the highest weekly excess with the bots and the brand replies kept (a dropped step)."""
    return {worst_weeks(ds, bots=True, replies=True).idxmax()}


def crisis_week(ds) -> pd.Period:
    """The crisis account's worst week (its highest weekly excess)."""
    return weekly(ds).loc[crisis_account(ds), "excess"].idxmax()


def weeks_around(ds, bots: bool = False, how: str = "mean") -> pd.Series:
    """The chart's bars: the crisis account's negative share per week, from BEFORE weeks before its crisis
    week to AFTER weeks after it, labelled by the week as text; NaN for a week without comments, which the axis
    shows without a bar (``bots=True``: bots and brand replies kept; ``how="sum"``: negative comments counted;
    mistakes)."""
    a = audience(ds, bots=bots, replies=bots)
    week = crisis_week(ds)
    window = pd.period_range(week - BEFORE, week + AFTER, freq="W")
    mine = a[(a["account_id"] == crisis_account(ds)) & a["week"].isin(window)]
    bars = mine["negative"].groupby(mine["week"]).agg(how).astype(float).reindex(window)
    return bars.set_axis(window.astype(str))


#: The texts of a week the chart's labels may use: the week itself ('2025-06-23/2025-06-29', what
#: ``.astype(str)`` of a weekly Period gives), any date of it ('2025-06-23', its Monday, or its Sunday, which
#: ``resample('W')`` writes; a time of day may follow) or its ISO week ('2025-W26').
WEEK_TEXT = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:/\d{4}-\d{2}-\d{2}| \d{2}:\d{2}(?::\d{2})?)?"
                       r"|(?P<year>\d{4})-?W(?P<week>\d{1,2})")


def week_text(label: str) -> str | None:
    """The calendar week (Monday to Sunday) a label names, as the text of its weekly Period; None for a label
    that names no week."""
    found = WEEK_TEXT.fullmatch(str(label).strip())
    if found is None:
        return None
    try:
        day = (pd.Timestamp(found["date"]) if found["date"] else
               pd.Timestamp(datetime.strptime(f"{found['year']}-W{int(found['week']):02d}-1", "%G-W%V-%u")))
    except ValueError:
        return None
    return str(day.to_period("W"))


@dataclass(frozen=True)
class WeekBarChart(BarChart):
    """A bar chart whose bars are labelled by a week, in any text :data:`WEEK_TEXT` allows ("the week as text"),
    and whose axis shows every week of the window, a week without comments (NaN in ``expected``) without a bar."""

    def compare(self, answer, expected: pd.Series) -> None:
        chart = bar_chart(answer)
        if chart.get("kind") == KIND:
            weeks = [week_text(label) for label in chart["labels"]]
            if all(weeks):
                chart = {**chart, "labels": weeks}
        super().compare(chart, expected.dropna())
        shown = {week_text(label) for label in chart.get("categories", expected.index)}
        if not set(expected.index) <= shown:
            raise Mismatch("the bars you drew are right, but the axis lacks weeks of the window (ex.BEFORE weeks "
                           "before the crisis week to ex.AFTER weeks after it): a week without comments has no rows, "
                           "so give `order` every week of the window and let such a week show empty")

    def answers(self, expected: pd.Series) -> list:
        return [{**chart, "categories": list(map(str, expected.index))} for chart in super().answers(expected.dropna())]


def pooled_weekly(ds, bots: bool = False, how: str = "pooled") -> pd.Series:
    """The company-wide negative share per week: every account's audience comments (``bots=True`` keeps
    bots and replies; ``how="accounts"``: the mean of the accounts' weekly shares; mistakes)."""
    a = audience(ds, bots=bots, replies=bots)
    if how == "accounts":
        return a.groupby(["week", "account_id"])["negative"].mean().groupby(level="week").mean()
    return a.groupby("week")["negative"].mean()


def claims_for(pooled: pd.Series, week) -> set:
    """How ``week`` ranks among the company's weeks (CLAIMS); a value within POOLED_TIE of a boundary week
    accepts the claims on both sides."""
    here = pooled[week]
    others = pooled.drop(week).sort_values(ascending=False).to_numpy()
    first, last = others[0], others[TOP_WEEKS - 1]
    worst, top, ordinary = CLAIMS
    accepted = set()
    if here >= first * (1 - POOLED_TIE):
        accepted.add(worst)
    if here < first * (1 + POOLED_TIE) and here >= last * (1 - POOLED_TIE):
        accepted.add(top)
    if here < last * (1 + POOLED_TIE):
        accepted.add(ordinary)
    return accepted


def crisis_card(ds, pooled_how: str = "pooled", pooled_bots: bool = False, year: bool = False) -> tuple:
    """(accepted claims, the crisis account's share in its crisis week, the company-wide share that week).

    ``pooled_how="accounts"`` (the mean of the accounts' shares), ``pooled_bots`` (bots and replies in the
    company-wide share) and ``year`` (the company's share over the whole year) are mistakes.
    """
    week = crisis_week(ds)
    account_share = float(weekly(ds).loc[(crisis_account(ds), week), "share"])
    pooled = pooled_weekly(ds, bots=pooled_bots, how=pooled_how)
    company = float(audience(ds)["negative"].mean()) if year else float(pooled[week])
    return claims_for(pooled, week), account_share, company


# ---------------------------------------------------------------- questions

#: The working table of the notebook (given in its text and in q1's solution): one row per comment.
WORK_CODE = ("c = (ds.comments.merge(ds.posts[['post_id', 'account_id', 'posted_at']], on='post_id')\n"
             "     .merge(ds.accounts[['account_id', 'brand_id', 'handle']], on='account_id'))\n"
             "c['minutes'] = (c['created_at'] - c['posted_at']).dt.total_seconds() / 60")

Q1 = Question(
    "q1", "How many comments did the brands write under their own posts (the author is the post's own "
    "account)? An int.", ("n_replies",),
    reference=n_replies, comparison=Scalar(rtol=0, atol=0.5, percent=False),
    hints=("A brand answering a complaint writes from its own account: compare each comment's author_handle "
           "with the handle of the account that posted.",
           "Both columns are in c: a comparison of the two columns gives one True per brand reply; sum it."),
    solution=(WORK_CODE + "\n"
              "reply = c['author_handle'] == c['handle']\n"
              "n_replies = int(reply.sum())"),
    steps=(
        Step("mentions", teaches="a brand reply is written by the post's own account (author_handle == handle)",
             message="you counted every comment that starts with an @mention; people tag their friends that way too. "
                     "A brand reply is written BY the post's own account: compare author_handle with handle",
             answer=lambda ds: n_replies(ds, mentions=True)),
    ),
)

Q2 = Question(
    "q2", "Per author handle of the audience (brand replies left out): comments written, distinct brands "
    "commented on and the median minutes from the post to the comment, a DataFrame indexed by author_handle "
    "with columns comments, brands and minutes.", ("handles",),
    reference=handles, comparison=FrameMatch(rtol=1e-6),
    hints=("Keep the rows of c that are not brand replies, then group them by author_handle.",
           "Per handle: the group's size, the number of unique brand_id values and the median of the minutes "
           "column; put the three Series in one DataFrame."),
    solution=("people = c[~reply]\n"
              "by_handle = people.groupby('author_handle')\n"
              "handles = pd.DataFrame({'comments': by_handle.size(), 'brands': by_handle['brand_id'].nunique(),\n"
              "                        'minutes': by_handle['minutes'].median()})"),
    steps=(
        Step("brand-replies", teaches="leave the brand replies out: a brand answering under its post is not its audience",
             message="your table keeps the brands' own replies; a brand answering under its post is not its audience",
             answer=lambda ds: handles(ds, replies=True)),
    ),
    mistakes=(
        Mistake("mean-delay",
                "minutes is the MEAN delay: one comment written days later moves it by hours; take the median",
                lambda ds: handles(ds, how="mean")),
        Mistake("hours-not-minutes",
                "minutes looks like hours: divide the seconds by 60, not by 3600", lambda ds: handles(ds, unit=3600)),
    ),
)

Q3 = Question(
    "q3", "Judgement: the handles you flag as spam bots, a list, from how they behave (how many comments, how "
    "many brands, how fast after the post).", ("bots",),
    reference=bot_verdict,
    comparison=Flags("handle", missing="some handles that comment within minutes of the post, again and again, "
                                       "are missing from your list",
                     wrong="your list flags handles that comment like people (hours after the post, or only once "
                           "or twice)"),
    hints=("Look at handles.describe() and at the handles sorted by each column. Which column splits the handles "
           "into two groups with nothing in between?",
           "People comment hours after a post; a script comments within minutes. But anyone can comment quickly "
           "once: what else must a handle show before you call it a script?",
           "Combine two conditions with &: a handle's median minutes small AND its comments more than a couple. "
           "Keep the index of the rows that pass, as a list."),
    solution="bots = list(handles.index[(handles['comments'] >= 3) & (handles['minutes'] <= 10)])",
    steps=(
        Step("busy-only", teaches="a bot comments FAST after the post, not merely often",
             message="busy is not enough: some people comment a lot, hours after the post, and some bots comment only "
                     "a few times. Look at how fast a handle comments",
             answer=lambda ds: flagged_by(ds, "comments", at_least=10)),
        Step("one-quick-comment", teaches="a bot comments fast AGAIN AND AGAIN: one quick comment is chance",
             message="one quick comment is chance: your list flags handles with only one or two comments. A bot "
                     "comments fast again and again", answer=lambda ds: flagged_by(ds, "minutes", at_most=FAST)),
    ),
    mistakes=(
        Mistake("many-brands-only",
                "commenting on many brands is not enough: people who comment often reach many brands too. Look at "
                "how fast a handle comments", lambda ds: flagged_by(ds, "brands", at_least=5)),
    ),
    points=2,
    judgement=True,
)

SENTIMENT_CODE = (
    "import re\n"
    "lex = ex.lexicon(ds)\n"
    "\n"
    "def score(text):\n"
    "    words = re.findall(r'\\w+', text.lower())\n"
    "    s = sum(w in lex['positive_words'] for w in words) - sum(w in lex['negative_words'] for w in words)\n"
    "    return s + sum(text.count(e) for e in lex['positive_emoji']) - sum(text.count(e) for e in lex['negative_emoji'])\n"
    "\n"
    "c['score'] = c['text'].map(score)")

Q4 = Question(
    "q4", "Each comment's sentiment by the word-and-emoji rule: 'positive' when its score is above 0, "
    "'negative' below 0, else 'neutral'; a Series aligned with c.", ("sentiment",),
    reference=sentiment, comparison=SeriesMatch(),
    hints=("Write a function that scores one text, then apply it to every comment with .map. Capital letters: "
           "'Terrible' and 'terrible' are the same word.",
           "Words: re.findall(r'\\w+', ...) of the lowercased text; count how many are in each word set. Emoji are "
           "not words: count each emoji of the lists in the text with str.count (an emoji repeated three times "
           "counts three times).",
           "The score is the positive count minus the negative count; turn it into the three labels with a second "
           ".map or with np.select."),
    solution=(SENTIMENT_CODE + "\n"
              "sentiment = c['score'].map(lambda s: 'positive' if s > 0 else 'negative' if s < 0 else 'neutral')"),
    mistakes=(
        Mistake("no-emoji",
                "your rule ignores the emoji: '😡😡' says as much as a word. Count the emoji of the lists too",
                lambda ds: sentiment(ds, emoji=False)),
        Mistake("case-sensitive",
                "capitalised words are missed ('Terrible', 'Love'): lowercase the text before matching words",
                lambda ds: sentiment(ds, lower=False)),
    ),
)

AUDIENCE_CODE = (
    "is_bot = (handles['comments'] >= ex.MIN_COMMENTS) & (handles['minutes'] <= ex.FAST)\n"
    "a = c[~reply & ~c['author_handle'].isin(handles.index[is_bot])].copy()\n"
    "a['negative'] = a['score'] < 0\n"
    "a['week'] = a['created_at'].dt.tz_localize(None).dt.to_period('W')\n"
    "usual = a.groupby('account_id')['negative'].mean()\n"
    "weeks = a.groupby(['account_id', 'week'])['negative'].agg(comments='size', negative='sum', share='mean')\n"
    "weeks['excess'] = weeks['negative'] - weeks['comments'] * usual.reindex(weeks.index.get_level_values(0)).to_numpy()")

Q5 = Question(
    "q5", "Judgement: the account whose audience turned against it, the highest weekly excess of negative comments "
    "over the account's usual (brand replies and bots left out). Accounts within CRISIS_TIE (10%) of the highest "
    "are ties.", ("crisis_account",),
    reference=crisis_accounts, comparison=MemberOf(str, "account"),
    hints=("A crisis is a burst: a week or two of angry comments on one account. A week of 3 comments with 2 "
           "negative ones has a high share by chance, and an account that posts a lot has many negative comments "
           "every week: compare each week with what is usual for that account.",
           "The usual number of negative comments of a week is the week's comments times the account's share of "
           "negative comments over the whole year; the excess is what the week has on top of that.",
           "Group a by account_id for the usual share, and by ['account_id', 'week'] for the comments ('size') and "
           "the negative ones ('sum') of each week; line the usual share up with the weeks by account "
           "(.reindex on the account level of the index), then take the account of the highest excess."),
    solution=(AUDIENCE_CODE + "\n"
              "crisis_account = weeks.groupby('account_id')['excess'].max().idxmax()"),
    steps=(
        Step("usual-share", teaches="judge each week against the account's usual share of negative comments",
             message="that account gets the most negative comments in a week, as it does every week: it gets many "
                     "comments. Count the negative comments ABOVE each account's usual share", answer=count_account),
        Step("bots-and-replies", teaches="leave the bots and the brand replies out before counting",
             message="your weeks keep the bots and the brand replies: a bot raid or a brand answering every "
                     "complaint moves the counts; leave them out", answer=unscreened_account),
    ),
    mistakes=(
        Mistake("highest-share",
                "that account's worst week has the highest SHARE of negative comments, which a week of a few "
                "comments reaches by chance: count the negative comments above the account's usual",
                share_account),
    ),
    points=2,
    judgement=True,
)

Q6 = Question(
    "q6", "Chart: a seaborn bar chart of the crisis account's share of negative comments per week, from BEFORE (4) "
    "weeks before its crisis week (its week of the highest excess) to AFTER (3) weeks after it, one bar per "
    "week labelled by the week as text (brand replies and bots left out, no error bars), with a title and a "
    "label on the share axis; keep its Axes.", ("week_chart",),
    reference=weeks_around, comparison=WeekBarChart("week", ignore_zero=True), plain=bar_chart,
    hints=("The crisis week is the week of the crisis account's highest excess in weeks (idxmax). Weeks are "
           "pandas Periods: week - ex.BEFORE is the week four weeks earlier.",
           "Keep the crisis account's rows of a whose week lies between the two; give sns.barplot the weeks as "
           "text (.astype(str), or each week's Monday) as x and the negative flags as numbers as y. A week without "
           "comments has no rows: list every week of the window in `order` so that the axis shows it empty "
           "instead of skipping it.",
           "The share of a week is the MEAN of its negative flags (True counts 1): what sns.barplot draws by "
           "default. errorbar=None drops the error bars; .set(title=..., xlabel=..., ylabel=...) labels the Axes."),
    solution=("week = weeks.loc[crisis_account, 'excess'].idxmax()\n"
              "around = a[(a['account_id'] == crisis_account) & (a['week'] >= week - ex.BEFORE)\n"
              "           & (a['week'] <= week + ex.AFTER)]\n"
              "every_week = pd.period_range(week - ex.BEFORE, week + ex.AFTER, freq='W').astype(str)\n"
              "week_chart = sns.barplot(x=around['week'].astype(str), y=around['negative'].astype(float),\n"
              "                         order=every_week, errorbar=None)\n"
              "week_chart.set(title=f'{crisis_account}: share of negative comments per week', xlabel='week',\n"
              "               ylabel='share of negative comments')\n"
              "week_chart.tick_params(axis='x', labelrotation=60)"),
    steps=(
        Step("bots-and-replies", teaches="leave the bots and the brand replies out of the account's weekly share",
             message="your bars keep the bots and the brand replies, which are never negative and dilute the share: "
                     "leave them out", answer=lambda ds: weeks_around(ds, bots=True)),
    ),
    mistakes=(
        Mistake("counts-not-share",
                "the bars count negative comments; a week with more posts has more of everything. Draw the SHARE "
                "of negative comments (the mean of the flags)", lambda ds: weeks_around(ds, how="sum")),
    ),
)

#: The model written answer of question 7, shown by q7.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "One account, Martinez PLC's instagram, saw its audience turn against it at the end of May: in the week "
    "of 26 May 47 of the 67 comments under its posts were negative (70%), about four times its usual 18%, and "
    "most complaints were about the brand's behaviour ('boycott', 'unfollowing', 'terrible way to treat "
    "people'), not about its products. That one account was enough to make it the company's worst week of the "
    "year, 28% of negative comments company-wide where the next worst week reached 25%, yet a dashboard of "
    "raw counts would have pointed elsewhere: another account gets the most negative comments every week, "
    "because it gets by far the most comments and 40% of them are negative in an ordinary week. Watch each "
    "account's weekly negative comments against its own usual share (bots and our own replies left out) and "
    "answer an account's critics publicly as soon as they jump."
)

Q7 = Question(
    "q7", "Insight card for the manager: how the crisis week ranks among the company's weeks by the company-wide "
    "share of negative comments (one of CLAIMS), the crisis account's share in its crisis week, and the "
    "company-wide share that week (every account's audience comments, bots left out). A crisis week within "
    "POOLED_TIE (3%) of the week at a claim's boundary accepts the claims on both sides.",
    ("claim", "account_share", "company_share"),
    reference=crisis_card,
    comparison=Several(("claim", "account_share", "company_share"),
                       (MemberOf(str, "claim", options=CLAIMS), Scalar(rtol=1e-6), Scalar(rtol=1e-6))),
    hints=("account_share is in your weeks table. What share of negative comments did ALL accounts together have in "
           "the crisis week, and how many other weeks of the year were worse?",
           "company-wide: group a by week only, the mean of the negative flags. Count the other weeks whose value is "
           "higher than the crisis week's (.drop(week), then a comparison and .sum()).",
           "No week worse: the worst week of the year; fewer than ex.TOP_WEEKS worse: one of the five worst weeks; "
           "otherwise an ordinary week."),
    solution=("account_share = weeks.loc[(crisis_account, week), 'share']\n"
              "company = a.groupby('week')['negative'].mean()\n"
              "company_share = company[week]\n"
              "worse = (company.drop(week) > company_share).sum()\n"
              "if worse == 0:\n"
              "    claim = 'the worst week of the year'\n"
              "elif worse < ex.TOP_WEEKS:\n"
              "    claim = 'one of the five worst weeks'\n"
              "else:\n"
              "    claim = 'an ordinary week'"),
    steps=(
        Step("bots-and-replies", teaches="leave the bots and the brand replies out of the company-wide share too",
             message="company_share counts the bots and the brand replies; leave them out as for the account's share",
             answer=lambda ds: crisis_card(ds, pooled_bots=True)),
    ),
    mistakes=(
        Mistake("averaged-shares",
                "company_share averages the accounts' shares; the company-wide share pools the comments of every "
                "account (a quiet account's 3 comments weigh as much as a busy one's 60 that way)",
                lambda ds: crisis_card(ds, pooled_how="accounts")),
        Mistake("whole-year", "company_share is the share over the whole year; the card compares the crisis WEEK",
                lambda ds: crisis_card(ds, year=True)),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("09_comments_sentiment", "Comments and sentiment", (Q1, Q2, Q3, Q4, Q5, Q6, Q7),
                    tables=("comments", "posts", "accounts"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q7 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
