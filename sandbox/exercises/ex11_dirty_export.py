"""Questions of notebook 11, cleaning a dirty export: what a raw export gets wrong for a manager who trusts it.

The learner's export is their own: :func:`export_file` writes the posts export of the world the notebook
loads, made by dirty mode at the fixed rate RATE with a seed drawn from the world's posts (:func:`world_seed`:
a course's kernel does not see the world's seed), into the cache folder on first use. Expected answers are computed from the world (the export is made again in memory), never from a file.

Definitions used throughout (the rules of :data:`sandbox.generator.dirty.RULES`, applied with the helpers of
:mod:`sandbox.cleaning`, the reference cleaner):

- a post row is a row whose post_id looks like a post id: the description lines, the header repeated mid-file
  (two exports concatenated) and the totals row are not posts;
- counts are written with the locale's thousands separator ("12,345"); an empty or "--" count is 0;
- a post exported twice keeps its snapshot with the latest exported_at (the earlier one was taken before its
  metrics settled);
- platform labels: stripped, lowercased, spaces removed, short names mapped (IG=instagram, FB=facebook,
  Twitter=x, LI=linkedin, YT=youtube); an empty platform is the platform of the post's account;
- times are UTC, written in the locale's day/month order, or as ISO 8601 with an offset, or as Unix seconds;
- a platform's overstatement = its impressions summed over every post row of the export (rows exported twice
  included, labels cleaned) / its impressions after cleaning - 1, a fraction; the card names the platform
  the export overstates most (platforms within NEAR_TIE of it are ties).

In the notebook: ``q1, ..., q7 = ex.setup(globals())``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import pandas as pd

from .. import cleaning
from ..cleaning import parse_times  # noqa: F401  (the notebook reads times with the reference cleaner's reader)
from ..dataset import cache_dir, write_table
from ..generator.dirty import EXPORTED_AT, ExportFormat, export_of
from .. import analysis as an
from ._chart import BarChart, bar_chart
from ._compare import AnyOf, MemberOf, Scalar, SeriesMatch, Several
from ._question import Exercise, Mistake, Question

#: The share of damaged rows in the learner's export (the dirty rate), the same for every learner.
RATE = 0.1
TABLE = "posts"
#: Which snapshot of a post exported twice to keep.
SNAPSHOTS = ("first", "latest")
#: The wrong reading of each day/month order.
OTHER_ORDER = {"dmy": "mdy", "mdy": "dmy"}
#: Platforms whose overstatement is within 10% of the largest are ties.
NEAR_TIE = 0.10

_FACTS: dict = {}
#: Worlds whose facts stay in memory (the tests walk 21 worlds question by question).
_KEEP = 32


# ---------------------------------------------------------------- the learner's export


def world_seed(ds) -> int:
    """The seed of ``ds``'s export, drawn from its posts: a course's kernel does not see the world's seed (a
    student's learner tables leave it out), so the kernel and the grader both derive it from the data they share."""
    posts = ds.posts
    text = "\n".join(posts["post_id"].astype(str)) + f"|{int(posts['impressions'].sum())}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def world_key(ds) -> str:
    """What identifies the world behind ``ds`` (and so its export)."""
    meta = ds.meta
    if meta.get("dirty"):
        raise ValueError("notebook 11 makes its own export from a clean world; load a clean dataset "
                         f"(this one was generated with --dirty {meta['dirty']})")
    return f"{meta.get('version', '')}-{meta.get('locale', '')}-{world_seed(ds):016x}"


def export(ds) -> pd.DataFrame:
    """The posts export of ``ds``'s world as text, as the file holds it below its description line."""
    frame, _ = export_of(ds, TABLE, RATE, seed=world_seed(ds))
    return frame


def export_file(ds) -> Path:
    """The learner's export: ``posts.csv`` of ``ds``'s world, written into the cache folder on first use
    (the temporary folder where the cache cannot be written, as in a grading sandbox)."""
    name = Path("exports") / world_key(ds) / f"{TABLE}.csv"
    try:
        return _write_export(ds, cache_dir() / name)
    except OSError:
        return _write_export(ds, Path(tempfile.gettempdir()) / "social-analytics-sandbox" / name)


def _write_export(ds, target: Path) -> Path:
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        os.close(fd)
        write_table(export(ds), Path(tmp), "csv")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the export is an ordinary file
        os.replace(tmp, target)  # atomic: two kernels making the same export never see half a file
    return target


def facts(ds) -> pd.DataFrame:
    """One row per post row of the export, in file order, parsed by the reference cleaner's rules.

    Columns: post_id, label (the platform as exported), platform (cleaned), impressions (parsed),
    impressions_coerced (``pd.to_numeric(errors='coerce')`` of the text: a mistake), posted_at (UTC) and
    posted_text (as exported), row (its place among the post rows), latest (True for the snapshot a post
    keeps) and first (True for its first row in the file). ``attrs``: the file's day/month ``order`` and
    its totals row's impressions. Cached per world (the export takes a second to make).
    """
    key = world_key(ds)
    if key not in _FACTS:
        if len(_FACTS) >= _KEEP:
            _FACTS.pop(next(iter(_FACTS)))
        _FACTS[key] = _parse(ds)
    return _FACTS[key]


def _parse(ds) -> pd.DataFrame:
    raw = export(ds)
    fmt = ExportFormat.of(ds.meta["locale"])
    rows = cleaning.data_rows(raw)
    order = cleaning.date_order(pd.concat([rows["posted_at"], rows[EXPORTED_AT]]), fmt.date_order)
    platform = cleaning.parse_label(rows["platform"])
    filled = cleaning.fill_missing(pd.DataFrame({"account_id": rows["account_id"], "platform": platform}),
                                   rows[["account_id", "platform"]], {"accounts": ds.accounts})
    out = pd.DataFrame({
        "post_id": rows["post_id"],
        "label": rows["platform"],
        "platform": filled["platform"].astype(str),
        "impressions": cleaning.parse_count(rows["impressions"], fmt, nullable=False),
        "impressions_coerced": pd.to_numeric(rows["impressions"], errors="coerce"),
        "posted_at": cleaning.parse_times(rows["posted_at"], order),
        "posted_text": rows["posted_at"],
        "row": range(len(rows)),
    })
    kept = cleaning.latest_snapshots(out.assign(**{EXPORTED_AT: rows[EXPORTED_AT]}), "post_id", order)["row"]
    out["latest"] = out["row"].isin(kept)
    out["first"] = ~out["post_id"].duplicated()
    totals = raw[raw.iloc[:, 0] == fmt.total]
    out.attrs["order"] = order
    out.attrs["totals_impressions"] = int(cleaning.parse_count(totals["impressions"], fmt, nullable=False).sum())
    return out


def posts(ds, keep: str = "latest") -> pd.DataFrame:
    """The post rows a cleaner keeps: one per post, its ``keep`` snapshot (``"first"``: a mistake)."""
    f = facts(ds)
    return f[f[keep]]


# ---------------------------------------------------------------- references and mistakes


def order(ds) -> str:
    """The file's day/month order, ``"dmy"`` or ``"mdy"``, read off its dates (the reference cleaner's rule)."""
    return facts(ds).attrs["order"]


def n_rows(ds, junk: bool = False, distinct: bool = False) -> int:
    """Post rows in the file (rows exported twice counted twice).

    ``junk``: every row below the first header (description line, repeated header and totals row
    included), ``distinct``: distinct posts (mistakes).
    """
    f = facts(ds)
    if distinct:
        return int(f["post_id"].nunique())
    return len(f) + (3 if junk else 0)


def row_impressions(ds, coerce: bool = False, totals: bool = False) -> float:
    """Impressions summed over the post rows (``coerce``: unparsed counts dropped, ``totals``: the totals row
    added; mistakes)."""
    f = facts(ds)
    total = float(f["impressions_coerced" if coerce else "impressions"].sum())
    return total + (f.attrs["totals_impressions"] if totals else 0)


def clean_total(ds, keep: str = "latest", dedupe: bool = True) -> tuple:
    """q4: ({keep}, impressions with one row per post). ``keep="first"`` and ``dedupe=False`` (rows exported twice
    kept, what ``drop_duplicates()`` on whole rows leaves: the two snapshots differ in exported_at) are mistakes."""
    if not dedupe:
        return {keep}, row_impressions(ds)
    return {keep}, float(posts(ds, keep)["impressions"].sum())


def platform_posts(ds, labels: str = "clean", fill: bool = True, keep: str = "latest") -> pd.Series:
    """Posts per platform, one row per post.

    ``labels="raw"`` (as exported: the check's own message names the repeated spellings), ``"stripped"``
    (trimmed and lowercased, short names kept), ``fill=False`` (an empty platform left as a label of its own)
    and ``keep="all"`` (rows exported twice counted twice) are mistakes.
    """
    f = facts(ds) if keep == "all" else posts(ds, keep)
    platform = f["platform"]
    if labels == "raw":
        platform = f["label"]
    elif labels == "stripped":
        platform = f["label"].str.strip().str.lower().str.replace(" ", "")
    elif not fill:
        platform = f["platform"].where(f["label"].str.strip() != "", "")  # an empty cell is a label of its own
    return platform.value_counts().sort_index().rename("posts")


def impressions_by_platform(ds, how: str = "sum", keep: str = "latest") -> pd.Series:
    """The chart's bars: ``how`` of the impressions per platform (``how="mean"``, ``keep="all"``: mistakes)."""
    f = facts(ds) if keep == "all" else posts(ds, keep)
    return f.groupby("platform")["impressions"].agg(how).astype("float64")


def posts_per_month(ds, times: str = "clean", keep: str = "latest") -> pd.Series:
    """Posts per calendar month (1-12) of posted_at in UTC, one row per post.

    ``times="swapped"`` (day and month read the other way round where a date allows it: ``pd.to_datetime``
    with ``dayfirst=True``), ``"dropped"`` (times written as Unix seconds left unparsed and dropped:
    ``errors="coerce"``) and ``keep="all"`` are mistakes.
    """
    f = facts(ds) if keep == "all" else posts(ds, keep)
    when = f["posted_at"]
    text = f["posted_text"]
    if times == "swapped":
        local = ~text.str.fullmatch(r"\d+") & ~text.str.match(r"\d{4}-")
        when = when.where(~local, pd.to_datetime(text.where(local), format="mixed", dayfirst=True, utc=True))
    elif times == "dropped":
        when = when.where(~text.str.fullmatch(r"\d+"))
    return when.dropna().dt.month.astype("int64").value_counts().sort_index().rename("posts")


def overstatement(ds, percent: bool = False, inverted: bool = False) -> pd.Series:
    """Per platform: impressions over every post row / impressions after cleaning - 1 (a fraction).

    ``percent`` (x 100) and ``inverted`` (clean / raw - 1) are mistakes.
    """
    f = facts(ds)
    raw = f.groupby("platform")["impressions"].sum()
    clean = posts(ds).groupby("platform")["impressions"].sum()
    ratio = (clean / raw if inverted else raw / clean) - 1
    return ratio * (100 if percent else 1)


def overstated_cards(ds, percent: bool = False, inverted: bool = False) -> list[tuple]:
    """q7: ({platform}, its overstatement), one per accepted platform (the most overstated and its near-ties),
    the best first."""
    values = overstatement(ds)
    accepted = an.near_best(values, NEAR_TIE)
    shown = overstatement(ds, percent, inverted)
    best = values.idxmax()
    return [({p}, float(shown[p])) for p in [best] + sorted(accepted - {best})]


# ---------------------------------------------------------------- questions

Q1 = Question(
    "q1", "How many post rows does the export hold (rows whose post_id looks like a post id; a post exported "
    "twice counts twice)?", ("n_rows",),
    reference=n_rows, comparison=Scalar(rtol=0, atol=0.5),
    hints=("Look at the end of raw and search the post_id column for rows that are not posts: what did the tool "
           "write there?",
           "A post id is a P followed by digits; `raw['post_id'].str.fullmatch(...)` says which rows have one. "
           "Keep those rows as `rows` (with .copy(): you will add parsed columns to it)."),
    solution=("raw = pd.read_csv(ex.export_file(ds), skiprows=1, dtype=str, keep_default_na=False)\n"
              "is_post = raw['post_id'].str.fullmatch(r'P\\d+')\n"
              "rows = raw[is_post].copy()\n"
              "n_rows = len(rows)"),
    mistakes=(
        Mistake("your count includes rows that are not posts: the description line and the header repeated "
                "mid-file (two exports glued together) and the totals row at the bottom; keep the rows whose "
                "post_id looks like a post id", lambda ds: n_rows(ds, junk=True)),
        Mistake("that counts each post once; the question asks for the post rows in the file, a post exported "
                "twice counted twice (question 4 deals with them)", lambda ds: n_rows(ds, distinct=True)),
    ),
)

Q2 = Question(
    "q2", "Total impressions over your post rows, every count parsed (a thousands separator removed, an empty "
    "or -- count is 0).", ("row_impressions",),
    reference=row_impressions, comparison=Scalar(rtol=0, atol=0.5),
    hints=("The numbers are text: '12,345' is twelve thousand, '--' and an empty cell mean 0. A conversion "
           "that turns what it cannot read into NaN loses rows without a word.",
           "Take every character that is not a digit out of the text (`.str.replace(r'\\D', '', regex=True)`), "
           "turn what is left empty into '0', then `pd.to_numeric`. Store the counts back in "
           "rows['impressions']: the next questions use them."),
    solution=("def to_count(text):\n"
              "    digits = text.str.replace(r'\\D', '', regex=True)\n"
              "    return pd.to_numeric(digits.where(digits != '', '0')).astype('int64')\n\n"
              "rows['impressions'] = to_count(rows['impressions'])\n"
              "row_impressions = rows['impressions'].sum()"),
    mistakes=(
        Mistake("the counts written with a thousands separator ('12,345') became NaN and dropped out of your "
                "sum, the biggest posts first: take the separators out before converting",
                lambda ds: row_impressions(ds, coerce=True)),
        Mistake("your sum includes the totals row at the bottom of the file, which already adds up every row "
                "above it: sum the post rows only", lambda ds: row_impressions(ds, totals=True)),
    ),
)

Q3 = Question(
    "q3", "The file's day/month order, 'dmy' or 'mdy', read off its dates: a first number above 12 is a day, "
    "so is a second one.", ("order",),
    reference=order, comparison=MemberOf(str, "day/month order", options=("dmy", "mdy")),
    hints=("03/04/2025 could be March 4 or April 3; 25/03/2025 cannot. Look for a date that settles it.",
           "Extract the first two numbers of rows['posted_at'] (`.str.extract(r'^(\\d{1,2})/(\\d{1,2})/')`, "
           "then `.dropna().astype(int)`) and ask whether any first number, or any second one, is above 12."),
    solution=("days = rows['posted_at'].str.extract(r'^(\\d{1,2})/(\\d{1,2})/').dropna().astype(int)\n"
              "order = 'dmy' if (days[0] > 12).any() else 'mdy'"),
    mistakes=(
        Mistake("a guess (the first dates, such as 01/01, fit either order): some date of the file settles it, one "
                "whose first or second number is above 12", lambda ds: OTHER_ORDER[order(ds)]),
    ),
)

Q4 = Question(
    "q4", "Judgement: a post exported twice has two snapshots; which one to keep, 'first' or 'latest' (keep), "
    "and the total impressions with one row per post (clean_impressions).", ("keep", "clean_impressions"),
    reference=clean_total,
    comparison=Several(("keep", "clean_impressions"),
                       (MemberOf(str, "snapshot", options=SNAPSHOTS), Scalar(rtol=0, atol=0.5))),
    hints=("The two exports were made on different days (read rows['exported_at'] with ex.parse_times and "
           "your order). A post's impressions keep growing for days after it is published: which export saw "
           "the post's whole life?",
           "Sort rows by exported_at and keep one row per post_id, the right one of the two "
           "(`drop_duplicates('post_id', keep=...)`). Call the result `clean`: the next questions use it.",
           "`drop_duplicates()` with no column compares whole rows: two snapshots of a post differ in their "
           "metrics and exported_at, so name the column that identifies a post."),
    solution=("rows['exported_at'] = ex.parse_times(rows['exported_at'], order)\n"
              "keep = 'latest'\n"
              "clean = rows.sort_values('exported_at').drop_duplicates('post_id', keep='last').copy()\n"
              "clean_impressions = clean['impressions'].sum()"),
    mistakes=(
        Mistake("you kept each post's FIRST snapshot; the earlier export was taken before the post's metrics "
                "settled: keep the row with the latest exported_at", lambda ds: clean_total(ds, "first")),
        Mistake("your total still counts the posts exported twice (drop_duplicates() with no column compares "
                "whole rows, and the two rows of a post differ at least in exported_at): keep one row per post_id",
                lambda ds: clean_total(ds, dedupe=False)),
    ),
    points=2,
    judgement=True,
)

Q5 = Question(
    "q5", "Posts per platform after cleaning the labels (one row per post), as a Series indexed by platform.",
    ("platform_posts",),
    reference=platform_posts, comparison=SeriesMatch(rtol=0, atol=0.5),
    hints=("Count clean['platform'] as it is and read the labels: how many spellings does instagram have? And "
           "what is the empty label?",
           "Strip, lowercase and remove spaces, then map the short names (IG, FB, Twitter, LI, YT, lowercased by "
           "then) with `.replace({...})`. An empty platform is the platform of the post's account: "
           "`clean['account_id'].map(...)` over ds.accounts indexed by account_id.",
           "Put the cleaned labels back into clean['platform'] (question 8 groups by them), with "
           "`.where(label != '', account_platform)` for the empty ones, then `value_counts()`."),
    solution=("short = {'ig': 'instagram', 'fb': 'facebook', 'twitter': 'x', 'li': 'linkedin', 'yt': 'youtube'}\n"
              "label = clean['platform'].str.strip().str.lower().str.replace(' ', '').replace(short)\n"
              "accounts = ds.accounts.set_index('account_id')['platform'].astype(str)\n"
              "account_platform = clean['account_id'].map(accounts)\n"
              "clean['platform'] = label.where(label != '', account_platform)\n"
              "platform_posts = clean['platform'].value_counts()"),
    mistakes=(
        Mistake("some short names are still platforms of their own (IG, FB, Twitter, LI, YT): map each to the "
                "platform it names", lambda ds: platform_posts(ds, "stripped")),
        Mistake("the posts whose platform cell is empty are not counted with a platform: an empty platform is "
                "the platform of the post's account (ds.accounts)", lambda ds: platform_posts(ds, fill=False)),
        Mistake("your counts include the posts exported twice: count your clean table, one row per post",
                lambda ds: platform_posts(ds, keep="all")),
    ),
)

Q6 = Question(
    "q6", "Chart: a seaborn bar chart of the total impressions per platform after cleaning (one bar per platform, "
    "no error bars), with a title and a label on the impressions axis; keep its Axes.", ("impressions_chart",),
    reference=impressions_by_platform, comparison=BarChart("platform"), plain=bar_chart,
    hints=("One bar per platform from your clean table; each bar's height is the platform's impressions added "
           "up.",
           "sns.barplot with data=clean, the platforms as x and the impressions as y; its `estimator` says how a "
           "bar summarises the posts of a platform (seaborn's default is the mean), errorbar=None drops the "
           "error bars. Name the chart and its axes with `.set(title=..., xlabel=..., ylabel=...)`."),
    solution=("impressions_chart = sns.barplot(data=clean, x='platform', y='impressions', estimator='sum',\n"
              "                                errorbar=None)\n"
              "impressions_chart.set(title='Impressions per platform, after cleaning', xlabel='platform',\n"
              "                      ylabel='impressions (total)')"),
    mistakes=(
        Mistake("the bars show the MEAN impressions per post, seaborn's default estimator; the chart shows each "
                "platform's total: estimator='sum'", lambda ds: impressions_by_platform(ds, "mean")),
        Mistake("your bars count the posts exported twice: draw from your clean table, one row per post",
                lambda ds: impressions_by_platform(ds, keep="all")),
    ),
)

Q7 = Question(
    "q7", "Posts per calendar month of posted_at (UTC, months 1-12), one row per post, as a Series indexed by "
    "month number.", ("posts_per_month",),
    reference=posts_per_month, comparison=SeriesMatch(rtol=0, atol=0.5),
    hints=("posted_at is text in three styles. Whatever reads it must read every style, in the file's day/month "
           "order, and leave no time missing (NaT): count them before you count the months.",
           "`ex.parse_times(clean['posted_at'], order)` gives UTC timestamps; `.dt.month` gives the month number "
           "of each, `value_counts()` counts them."),
    solution=("clean['posted_at'] = ex.parse_times(clean['posted_at'], order)\n"
              "posts_per_month = clean['posted_at'].dt.month.value_counts().sort_index()"),
    mistakes=(
        Mistake("in part of your dates day and month are read the wrong way round (dayfirst does that wherever "
                "a date allows it): read the dates in the file's order, your `order`",
                lambda ds: posts_per_month(ds, "swapped")),
        Mistake("the posts whose time is written as Unix seconds (1735689218) are missing: they failed to parse "
                "and became NaT; read them as seconds (parse_times does)",
                lambda ds: posts_per_month(ds, "dropped")),
        Mistake("your counts include the posts exported twice: count your clean table, one row per post",
                lambda ds: posts_per_month(ds, keep="all")),
    ),
)

#: The model written answer of question 8, shown by q8.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "Report 260.9 million impressions for the year's 11,512 posts. The file's own numbers say otherwise: summed "
    "as it stands, its impressions column gives 534 million, twice the truth, because its last row is a totals "
    "row that already adds up every row above it; that is the number that would have misled you most. Without "
    "it, the 11,800 post rows still add up to 267.0 million, 2.4% too many: two overlapping exports put 288 "
    "posts in the file twice, and only each post's latest snapshot counts. The duplicates do not inflate every "
    "platform alike: facebook's impressions are overstated by 3.3%, youtube's by 0.2%, so a platform "
    "comparison made on the raw file flatters facebook. A tool that reads '12,345' as missing would have kept "
    "0.4% of the impressions, and the labels (IG, ' instagram', Twitter) split each platform into several. "
    "Before trusting a total, count the rows and the distinct ids, and check that every value parsed."
)

Q8 = Question(
    "q8", "Insight card for the manager: the platform whose impressions the raw export overstates most "
    "(most_overstated) and by how much (overstated_by: its impressions over every post row / after cleaning "
    "- 1, a fraction). Platforms within NEAR_TIE (10%) of the largest overstatement are ties.",
    ("most_overstated", "overstated_by"),
    reference=overstated_cards,
    comparison=AnyOf(Several(("most_overstated", "overstated_by"),
                             (MemberOf(str, "platform"), Scalar(rtol=1e-6)))),
    hints=("Rows exported twice add impressions to the platform of their post. Compare, platform by platform, "
           "what the export adds up to with what your clean table adds up to.",
           "Give every row of `rows` its post's cleaned platform (`rows['post_id'].map(...)` over clean indexed "
           "by post_id); sum the impressions per platform in rows and in clean.",
           "Divide the first sums by the second and subtract 1; `idxmax()` names the platform, `max()` is its "
           "overstatement."),
    solution=("platform_of = clean.set_index('post_id')['platform']\n"
              "as_exported = rows.groupby(rows['post_id'].map(platform_of))['impressions'].sum()\n"
              "after = clean.groupby('platform')['impressions'].sum()\n"
              "overstated = as_exported / after - 1\n"
              "most_overstated = overstated.idxmax()\n"
              "overstated_by = overstated.max()"),
    mistakes=(
        Mistake("your overstatement is a percentage (x 100); give a fraction such as 0.03",
                lambda ds: overstated_cards(ds, percent=True)),
        Mistake("your overstatement is upside down: divide the impressions as exported by the impressions after "
                "cleaning, then subtract 1", lambda ds: overstated_cards(ds, inverted=True)),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("11_dirty_export", "Cleaning a dirty export", (Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8),
                    tables=("posts", "accounts"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q8 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
