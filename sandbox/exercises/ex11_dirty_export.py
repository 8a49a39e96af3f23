"""Questions of notebook 11, cleaning a dirty export: what the platforms' raw files get wrong for a manager
who trusts them.

The learner's files are their own: :func:`export_files` writes the posts exports of one brand of the world the
notebook loads (:func:`brand`: the brand on the most platforms), one file per platform as each platform's tool
writes it, made by dirty mode at the fixed rate RATE with a seed drawn from the world's posts
(:func:`world_seed`: a course's kernel does not see the world's seed), into the cache folder on first use.
Expected answers are computed from the world (the files are made again in memory), never from a file.

Definitions used throughout (the rules of :data:`sandbox.generator.dirty.RULES`, applied with the helpers of
:mod:`sandbox.cleaning`, the reference cleaner):

- :func:`read_export` reads one file: each of its exports with its own header, columns named as in the data
  model, every row below the headers as text, plus the file's ``platform``, the row's ``export`` (0, 1) and
  the ``exported`` date and ``clock`` its description line names;
- a post row is a row whose post_id looks like a post id: Meta's metric description row (a second header) and
  the totals rows are not posts;
- counts are written with the locale's thousands separator; an empty or "--" count is 0;
- TikTok Studio exports no impressions (it reports video views and reached audience): TikTok's post rows have
  none, so impressions sums, the chart and the overstatements cover the platforms whose tools export them;
- a post exported twice keeps its snapshot from the later export (the earlier one was taken before its metrics
  settled);
- post types are the tools' words, stripped and lowercased, mapped to formats by :func:`post_types`;
- times are on the clock the export's description line names (the brand's time zone), without an offset, in the
  locale's day/month order; X writes its times in UTC with their +0000 offset, as X Analytics does, which any
  clock reads right (the clock step is for the other tools' files); :func:`parse_times` reads them to UTC;
- a platform's overstatement = its impressions summed over every post row of its file (rows exported twice
  included) / its impressions after cleaning - 1, a fraction; the card names the platform the export
  overstates most (platforms within NEAR_TIE of it are ties).

In the notebook: ``q1, ..., q8 = ex.setup(globals())``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import cleaning
from ..cleaning import parse_times  # noqa: F401  (the notebook reads times with the reference cleaner's reader)
from .. import analysis as an
from ..loading import cache_dir
from ..generator.dirty import export_files as make_export_files
from ..generator.export_style import TOOLS, ExportFormat, omitted
from ..generator.pools import LOCALES
from ._chart import NOT_SORTED, OFFSET, BarChart, bar_chart, chart_of, measure_unnamed
from ._compare import AnyOf, MemberOf, Mismatch, Scalar, SeriesMatch, Several
from ._question import Exercise, Mistake, Question, Step

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


# ---------------------------------------------------------------- the learner's files


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


def brand(ds) -> str:
    """The brand whose files the notebook cleans: the one on the most platforms (then the one with the most
    posts, then the first)."""
    accounts = ds.accounts
    platforms = accounts.groupby("brand_id")["platform"].nunique()
    posts = ds.posts["account_id"].map(accounts.set_index("account_id")["brand_id"]).value_counts()
    return min(platforms.index, key=lambda b: (-platforms[b], -posts.get(b, 0), b))


def export_texts(ds) -> dict:
    """The brand's posts export files, path -> text, as dirty mode writes them (see the module docstring)."""
    world_key(ds)  # refuses a dirty world
    return make_export_files(ds, TABLE, RATE, seed=world_seed(ds), brands=[brand(ds)]).files


def export_files(ds) -> dict:
    """The learner's files: platform -> path of the brand's posts export from that platform's tool, written into
    the cache folder on first use (the temporary folder where the cache cannot be written, as in a grading
    sandbox)."""
    folder = Path("exports") / world_key(ds)
    try:
        return _write_files(ds, cache_dir() / folder)
    except OSError:
        return _write_files(ds, Path(tempfile.gettempdir()) / "social-analytics-sandbox" / folder)


def _write_files(ds, folder: Path) -> dict:
    out = {}
    texts = None
    for platform in sorted(ds.accounts.loc[ds.accounts["brand_id"] == brand(ds), "platform"].astype(str)):
        target = folder / f"{brand(ds)}_{platform}.csv"
        if not target.is_file():
            texts = texts or export_texts(ds)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(texts[f"exports/{TABLE}/{target.name}"])
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the export is an ordinary file
            os.replace(tmp, target)  # atomic: two kernels making the same export never see half a file
        out[platform] = target
    return out


def _format_of(text: str, platform: str) -> ExportFormat:
    """The locale a file was written in: its separator, then the language of its description line."""
    header = text.removeprefix(cleaning.BOM).split("\n", 2)[1]
    separator = ";" if header.count(";") > header.count(",") else ","
    for locale in LOCALES:
        fmt = ExportFormat.of(locale)
        language = fmt.language_of(platform).locale
        if fmt.separator == separator and (TOOLS[platform].language or
                                           cleaning.description_pattern(language).match(
                                               next(iter(cleaning.read_rows(text, fmt)))[0])):
            return fmt
    raise ValueError(f"a file of {platform}'s tool in no known locale")


def read_export(path) -> pd.DataFrame:
    """One export file as text: each of its exports read with its own header, the columns named as in the data
    model (each tool's headers are in the data dictionary), every row below the headers kept, plus ``platform``
    (the file's), ``export`` (0 for the file's first export, 1 for the next), ``exported`` (the export date its
    description line gives) and ``clock`` (the time zone its times are on)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    platform = cleaning.platform_of(path)
    frames = [e.cells.assign(platform=platform, export=e.part, exported=e.fields["exported"], clock=e.clock)
              for e in cleaning.split_exports(text, f"exports/{TABLE}/{path.name}", TABLE, _format_of(text, platform))]
    return pd.concat(frames, ignore_index=True)


def post_types(ds) -> dict:
    """(platform, post type as its tool writes it, stripped and lowercased) -> the data model's format."""
    fmt = ExportFormat.of(ds.meta.get("locale", "en_US"))
    return {(platform, label.strip().lower()): value for platform in TOOLS
            for value, label in fmt.labels("format", platform).items()}


# ---------------------------------------------------------------- what the files hold


def facts(ds) -> pd.DataFrame:
    """One row per post row of the brand's files, in file order, parsed by the reference cleaner's rules.

    Columns: post_id, platform, export, label (the post type as exported), format (cleaned), impressions
    (parsed), impressions_coerced (``pd.to_numeric(errors='coerce')`` of the text: a mistake), posted_at (UTC)
    and posted_as_utc (local times read as UTC: a mistake), row (its place among the post rows), latest (True
    for the snapshot a post keeps) and first (True for its first row). ``attrs``: the files' day/month
    ``order``, the impressions of their totals rows, how many metric description rows and totals rows they have,
    and the post rows of the first file. Cached per world (the files take a moment to make).
    """
    key = world_key(ds)
    if key not in _FACTS:
        if len(_FACTS) >= _KEEP:
            _FACTS.pop(next(iter(_FACTS)))
        _FACTS[key] = _parse(ds)
    return _FACTS[key]


def _parse(ds) -> pd.DataFrame:
    fmt = ExportFormat.of(ds.meta["locale"])
    exports = [e for path, text in sorted(export_texts(ds).items())
               for e in cleaning.split_exports(text, path, TABLE, fmt)]
    rows = cleaning.stack(exports, TABLE)
    parsed = cleaning.parse_rows(rows, TABLE, fmt)
    unreported = rows["_platform"].map(lambda p: "impressions" in omitted(TABLE, p)).to_numpy(dtype=bool)
    order = cleaning.date_order(rows["posted_at"], fmt.date_order)
    out = pd.DataFrame({
        "post_id": rows["post_id"],
        "platform": rows["_platform"],
        "export": rows["_part"],
        "label": rows["format"],
        "format": parsed["format"].astype(str),
        # a tool that exports no impressions (TikTok Studio) leaves its rows without any
        "impressions": parsed["impressions"].astype("Int64").mask(unreported),
        "impressions_coerced": pd.to_numeric(rows["impressions"], errors="coerce"),
        "posted_at": parsed["posted_at"],
        "posted_as_utc": parse_times(rows["posted_at"], order),
        "row": range(len(rows)),
    })
    kept = cleaning.latest_snapshots(out.assign(_part=out["export"]), "post_id")["row"]
    out["latest"] = out["row"].isin(kept)
    out["first"] = ~out["post_id"].duplicated()
    other = [(e, ~e.is_data) for e in exports]
    totals = [e.cells[mask & (e.cells["post_id"] == fmt.language_of(e.platform).total).to_numpy()] for e, mask in other]
    out.attrs["order"] = order
    out.attrs["totals_impressions"] = int(sum(cleaning.parse_count(t["impressions"], fmt, False).sum() for t in totals
                                              if "impressions" in t))
    out.attrs["totals_rows"] = sum(len(t) for t in totals)
    out.attrs["description_rows"] = sum(int(mask.sum()) for _, mask in other) - out.attrs["totals_rows"]
    out.attrs["first_file_rows"] = int((rows["_file"] == rows["_file"].iat[0]).sum())
    return out


def posts(ds, keep: str = "latest") -> pd.DataFrame:
    """The post rows a cleaner keeps: one per post, its ``keep`` snapshot (``"first"``: a mistake)."""
    f = facts(ds)
    return f[f[keep]]


# ---------------------------------------------------------------- references and mistakes


def order(ds) -> str:
    """The files' day/month order, ``"dmy"`` or ``"mdy"``, read off their dates (the reference cleaner's rule)."""
    return facts(ds).attrs["order"]


def n_rows(ds, junk: str = "", distinct: bool = False, one_file: bool = False) -> int:
    """Post rows in the files (rows exported twice counted twice).

    ``junk="all"``: every row below the headers (Meta's metric description rows and the totals rows included),
    ``junk="description"``: the totals rows left out but Meta's description rows kept, ``distinct``: distinct
    posts, ``one_file``: the first file only (mistakes).
    """
    f = facts(ds)
    if distinct:
        return int(f["post_id"].nunique())
    if one_file:
        return f.attrs["first_file_rows"]
    extra = {"": 0, "description": f.attrs["description_rows"],
             "all": f.attrs["description_rows"] + f.attrs["totals_rows"]}[junk]
    return len(f) + extra


def row_impressions(ds, coerce: bool = False, totals: bool = False) -> float:
    """Impressions summed over the post rows (``coerce``: unparsed counts dropped, ``totals``: the totals rows
    added; mistakes)."""
    f = facts(ds)
    total = float(f["impressions_coerced" if coerce else "impressions"].sum())
    return total + (f.attrs["totals_impressions"] if totals else 0)


def clean_total(ds, keep: str = "latest", dedupe: bool = True) -> tuple:
    """q4: ({keep}, impressions with one row per post). ``keep="first"`` and ``dedupe=False`` (rows exported twice
    kept, what ``drop_duplicates()`` on whole rows leaves: the two snapshots differ) are mistakes."""
    if not dedupe:
        return {keep}, row_impressions(ds)
    return {keep}, float(posts(ds, keep)["impressions"].sum())


def format_posts(ds, labels: str = "clean", keep: str = "latest") -> pd.Series:
    """Posts per format, one row per post.

    ``labels="raw"`` (post types as exported: the check's own message names the repeated spellings),
    ``"stripped"`` (stripped and lowercased, the tools' words kept) and ``keep="all"`` (rows exported twice
    counted twice) are mistakes.
    """
    f = facts(ds) if keep == "all" else posts(ds, keep)
    value = f["format"]
    if labels == "raw":
        value = f["label"]
    elif labels == "stripped":
        value = f["label"].str.strip().str.lower()
    return value.value_counts().sort_index().rename("posts")


def impressions_by_platform(ds, how: str = "sum", keep: str = "latest") -> pd.Series:
    """The chart's bars: ``how`` of the impressions per platform (``how="mean"``, ``keep="all"``: mistakes)."""
    f = facts(ds) if keep == "all" else posts(ds, keep)
    f = f.dropna(subset=["impressions"])  # TikTok Studio exports no impressions: no bar
    return f.groupby("platform")["impressions"].agg(how).astype("float64")


def posts_per_hour(ds, clock: str = "named", keep: str = "latest") -> pd.Series:
    """Posts per hour of the day in UTC (0-23), one row per post.

    ``clock="utc"`` (every time read as UTC: the clock named in the description line ignored) and ``keep="all"``
    are mistakes.
    """
    f = facts(ds) if keep == "all" else posts(ds, keep)
    when = f["posted_as_utc" if clock == "utc" else "posted_at"]
    return when.dt.hour.astype("int64").value_counts().sort_index().rename("posts")


@dataclass(frozen=True)
class HourCounts(SeriesMatch):
    """Posts per hour: says so when the learner's hours are decimals, the mark of times that did not parse
    (``.dt.hour`` of a column holding NaT gives floats, and ``value_counts`` drops the NaT rows)."""

    def compare(self, answer, expected) -> None:
        got = self.to_series(answer)
        if pd.api.types.is_float_dtype(got.index.dtype):
            raise Mismatch("your hours are decimals, which .dt.hour gives when some times are NaT: those posts did "
                           "not parse and dropped out of your counts (errors='coerce' hides them). Check "
                           "`.isna().sum()` of your times and read every one with ex.parse_times and its export's "
                           "clock")
        super().compare(answer, expected)


def overstatement(ds, percent: bool = False, inverted: bool = False) -> pd.Series:
    """Per platform: impressions over every post row / impressions after cleaning - 1 (a fraction).

    ``percent`` (x 100) and ``inverted`` (clean / raw - 1) are mistakes.
    """
    f = facts(ds).dropna(subset=["impressions"])  # platforms whose tool exports impressions
    raw = f.groupby("platform")["impressions"].sum()
    clean = f[f["latest"]].groupby("platform")["impressions"].sum()
    ratio = (clean / raw if inverted else raw / clean) - 1
    return ratio * (100 if percent else 1)


def largest_difference_cards(ds, rows: bool = False) -> list[tuple]:
    """q8's mistake, as a learner writes it: the platform with the largest difference between the files and the clean
    table, in impressions (``rows``: in rows, the posts exported twice), and that platform's overstatement."""
    f, clean = facts(ds), posts(ds)
    if rows:
        difference = f.groupby("platform").size() - clean.groupby("platform").size()
    else:
        difference = f.groupby("platform")["impressions"].sum() - clean.groupby("platform")["impressions"].sum()
    platform = difference.idxmax()  # by rows, it may be a platform whose tool exports no impressions: no rate
    return [({platform}, float(overstatement(ds).get(platform, np.nan)))]


def learner_cards(values: pd.Series, pick: str = "idxmax") -> list[tuple]:
    """A learner's card read off their own overstatements: ({the platform ``pick`` names}, its value)."""
    platform = getattr(values, pick)()
    return [({platform}, float(values[platform]))]


def overstated_cards(ds, percent: bool = False, inverted: bool = False, dedupe: bool = True) -> list[tuple]:
    """q8: ({platform}, its overstatement), one per accepted platform (the most overstated and its near-ties),
    the best first.

    Mistakes, as a learner reads them off their own numbers: ``percent`` (x 100), ``inverted`` (clean / raw - 1:
    its largest value, the least overstated platform, first; the most overstated platform's value next) and
    ``dedupe=False`` (the clean table still holds the posts exported twice: every overstatement 0).
    """
    if not dedupe:
        return learner_cards(overstatement(ds) * 0)
    if inverted:
        shown = overstatement(ds, inverted=True)
        return learner_cards(shown) + learner_cards(shown, "idxmin")
    values = overstatement(ds)
    accepted = an.near_best(values, NEAR_TIE)
    shown = overstatement(ds, percent, inverted)
    best = values.idxmax()
    return [({p}, float(shown[p])) for p in [best] + sorted(accepted - {best})]


# ---------------------------------------------------------------- questions

Q1 = Question(
    "q1", "How many post rows do the brand's files hold together (rows whose post_id looks like a post id; a post "
    "exported twice counts twice)?", ("n_rows",),
    reference=n_rows, comparison=Scalar(rtol=0, atol=0.5),
    hints=("Read every file with ex.read_export and combine them; then look at the rows whose post_id is not a "
           "post id: what did the tools write there?",
           "A post id is a P followed by digits; `raw['post_id'].str.fullmatch(...)` says which rows have one. "
           "Keep those rows as `rows` (with .copy(): you will add parsed columns to it)."),
    solution=("raw = pd.concat([ex.read_export(path) for path in ex.export_files(ds).values()], ignore_index=True)\n"
              "is_post = raw['post_id'].str.fullmatch(r'P\\d+')\n"
              "rows = raw[is_post].copy()\n"
              "n_rows = len(rows)"),
    steps=(
        Step("non-post-rows", teaches="keep the rows whose post_id looks like a post id",
             message="your count includes rows that are not posts: Meta's second header row, which describes each "
                     "metric, and the totals row of each export; keep the rows whose post_id looks like a post id",
             answer=lambda ds: n_rows(ds, junk="all")),
    ),
    mistakes=(
        Mistake("description-row",
                "your count still includes Meta's second header row (its post_id is empty and its cells say "
                "'Lifetime: ...'): it describes the columns, it is not a post", lambda ds: n_rows(ds, junk="description")),
        Mistake("posts-once",
                "that counts each post once; the question asks for the post rows in the files, a post exported "
                "twice counted twice (question 4 deals with them)", lambda ds: n_rows(ds, distinct=True)),
        Mistake("one-file",
                "that counts one platform's file; the brand's posts are spread over one file per platform: read "
                "every file in `files` and combine them with pd.concat", lambda ds: n_rows(ds, one_file=True)),
    ),
)

Q2 = Question(
    "q2", "Total impressions over your post rows, every count parsed (a thousands separator removed, an empty "
    "or -- count is 0).", ("row_impressions",),
    reference=row_impressions, comparison=Scalar(rtol=0, atol=0.5),
    hints=("The numbers are text with the locale's thousands separator, and '--' or an empty cell mean 0. A "
           "conversion that turns what it cannot read into NaN loses rows without a word. TikTok Studio exports no "
           "impressions: its rows have none (NaN after the concat), and stay without.",
           "Take every character that is not a digit out of the text (`.str.replace(r'\\D', '', regex=True)`), "
           "turn what is left empty into '0', then `pd.to_numeric`. Store the counts back in "
           "rows['impressions']: the next questions use them."),
    solution=("def to_count(text):\n"
              "    digits = text.str.replace(r'\\D', '', regex=True)\n"
              "    return pd.to_numeric(digits.where(digits != '', '0')).astype('Int64')  # NaN (no column) stays missing\n\n"
              "rows['impressions'] = to_count(rows['impressions'])\n"
              "row_impressions = rows['impressions'].sum()"),
    mistakes=(
        Mistake("thousands-separator-nan",
                "the counts written with a thousands separator became NaN and dropped out of your sum, the biggest "
                "posts first: take the separators out before converting", lambda ds: row_impressions(ds, coerce=True)),
        Mistake("totals-row",
                "your sum includes the totals rows (one per export), which already add up the post rows of their "
                "export: sum the post rows only", lambda ds: row_impressions(ds, totals=True)),
    ),
)

Q3 = Question(
    "q3", "The files' day/month order, 'dmy' or 'mdy', read off their dates: a first number above 12 is a day, "
    "so is a second one.", ("order",),
    reference=order, comparison=MemberOf(str, "day/month order", options=("dmy", "mdy")),
    hints=("03/04/2025 could be March 4 or April 3; 25/03/2025 cannot. Look for a date that settles it.",
           "Extract the first two numbers of rows['posted_at'] (`.str.extract(r'^(\\d{1,2})/(\\d{1,2})/')`, then "
           "`.dropna().astype(int)`: X's times, written year first, drop out) and ask whether any first number, "
           "or any second one, is above 12."),
    solution=("days = rows['posted_at'].str.extract(r'^(\\d{1,2})/(\\d{1,2})/').dropna().astype(int)\n"
              "order = 'dmy' if (days[0] > 12).any() else 'mdy'"),
    mistakes=(
        Mistake("guess",
                "a guess (the first dates, such as 01/01, fit either order): some date of the files settles it, "
                "one whose first or second number is above 12", lambda ds: OTHER_ORDER[order(ds)]),
    ),
)

Q4 = Question(
    "q4", "Judgement: a post exported twice has two snapshots; which one to keep, 'first' or 'latest' (keep), "
    "and the total impressions with one row per post (clean_impressions).", ("keep", "clean_impressions"),
    reference=clean_total,
    comparison=Several(("keep", "clean_impressions"),
                       (MemberOf(str, "snapshot", options=SNAPSHOTS), Scalar(rtol=0, atol=0.5))),
    hints=("The two exports of a file were made on different days (rows['exported']; rows['export'] numbers them "
           "in the file's order). A post's impressions keep growing for days after it is published: which export "
           "saw the post's whole life?",
           "Sort rows by export and keep one row per post_id, the right one of the two "
           "(`drop_duplicates('post_id', keep=...)`). Call the result `clean`: the next questions use it.",
           "`drop_duplicates()` with no column compares whole rows: two snapshots of a post differ in their "
           "metrics and export, so name the column that identifies a post."),
    solution=("keep = 'latest'\n"
              "clean = rows.sort_values('export', kind='stable').drop_duplicates('post_id', keep='last').copy()\n"
              "clean_impressions = clean['impressions'].sum()"),
    steps=(
        Step("first-snapshot", teaches="keep each post's snapshot from the later export",
             message="you kept each post's FIRST snapshot; the earlier export was taken before the post's metrics "
                     "settled: keep the row from the later export", answer=lambda ds: clean_total(ds, "first")),
        Step("duplicates-kept", teaches="one row per post_id (the dedupe)",
             message="your total still counts the posts exported twice (drop_duplicates() with no column compares "
                     "whole rows, and the two rows of a post differ at least in their export): keep one row per "
                     "post_id", answer=lambda ds: clean_total(ds, dedupe=False)),
    ),
    points=2,
    judgement=True,
)

Q5 = Question(
    "q5", "Posts per format after cleaning the post types (one row per post), as a Series indexed by the data "
    "model's formats.", ("format_posts",),
    reference=format_posts, comparison=SeriesMatch(rtol=0, atol=0.5),
    hints=("Count clean['format'] as it is and read the labels: each tool writes its post types in its own "
           "words, and some are spelled another way (' Photo', 'REEL').",
           "Strip and lowercase the labels, then map each (platform, label) pair to a format with "
           "ex.post_types(ds), a dict keyed by (platform, label): Photo is an image on Meta but a carousel on "
           "TikTok.",
           "Put the formats back into clean['format'] (`pd.Series(list(zip(platform, label)), index=clean.index)"
           ".map(types)`), then `value_counts()`."),
    solution=("types = ex.post_types(ds)\n"
              "label = clean['format'].str.strip().str.lower()\n"
              "clean['format'] = pd.Series(list(zip(clean['platform'], label)), index=clean.index).map(types)\n"
              "format_posts = clean['format'].value_counts()"),
    mistakes=(
        Mistake("tool-words",
                "some labels are still the tools' words (Photo, Status...): map each platform's "
                "words to the data model's formats with ex.post_types(ds)", lambda ds: format_posts(ds, "stripped")),
        Mistake("duplicates-kept",
                "your counts include the posts exported twice: count your clean table, one row per post",
                lambda ds: format_posts(ds, keep="all")),
    ),
)

Q6 = Question(
    "q6", "Chart: a seaborn bar chart of the total impressions per platform after cleaning (one bar per platform "
    "that reports impressions, no error bars), with a title and a label on the impressions axis, the bars sorted "
    "from the largest and the amounts written without an offset such as 1e7 above the axis; keep its Axes.",
    ("impressions_chart",),
    reference=impressions_by_platform,
    comparison=BarChart("platform", measure=("impression",), largest_first=True, no_offset=True), plain=bar_chart,
    hints=("One bar per platform from your clean table; each bar's height is the platform's impressions added "
           "up. TikTok's posts have no impressions (its tool exports none): leave them out of the chart.",
           "sns.barplot with data=clean, the platforms as x and the impressions as y; its `estimator` says how a "
           "bar summarises the posts of a platform (seaborn's default is the mean), errorbar=None drops the "
           "error bars. Name the chart and its axes with `.set(title=..., xlabel=..., ylabel=...)`."),
    solution=("reported = clean.dropna(subset=['impressions'])  # TikTok Studio exports no impressions\n"
              "largest_first = reported.groupby('platform')['impressions'].sum().sort_values(ascending=False).index\n"
              "impressions_chart = sns.barplot(data=reported, x='platform', y='impressions', estimator='sum',\n"
              "                                order=largest_first, errorbar=None)\n"
              "impressions_chart.set(title='Impressions per platform, after cleaning', xlabel='platform',\n"
              "                      ylabel='impressions (total)')\n"
              "impressions_chart.yaxis.set_major_formatter(ticker.EngFormatter())  # 16 M, no offset above the axis"),
    mistakes=(
        Mistake("mean-estimator",
                "the bars show the MEAN impressions per post, seaborn's default estimator; the chart shows each "
                "platform's total: estimator='sum'", lambda ds: impressions_by_platform(ds, "mean")),
        Mistake("duplicates-kept",
                "your bars count the posts exported twice: draw from your clean table, one row per post",
                lambda ds: impressions_by_platform(ds, keep="all")),
        Mistake("unsorted", NOT_SORTED,
                lambda ds: chart_of(impressions_by_platform(ds), "Impressions per platform", "impressions")),
        Mistake("offset-above-axis", OFFSET,
                lambda ds: chart_of(impressions_by_platform(ds).sort_values(ascending=False), "Impressions per platform",
                                    "impressions", offset="1e7")),
        measure_unnamed(impressions_by_platform),
    ),
)

Q7 = Question(
    "q7", "The posting tool schedules in UTC: posts per hour of the day in UTC (0-23), one row per post, as a "
    "Series indexed by hour.", ("posts_per_hour",),
    reference=posts_per_hour, comparison=HourCounts(rtol=0, atol=0.5),
    hints=("X writes its times in UTC with their offset (+0000), as X Analytics does; the other tools' times have "
           "no offset: the clock they are on is named only in their export's description line (clean['clock'], "
           "the brand's time zone).",
           "Read each clock's times with it: `ex.parse_times(times, order, clock)` gives UTC timestamps; do it per "
           "clean.groupby('clock') and put the pieces back together with pd.concat. `.dt.hour` then gives the UTC "
           "hour of each post."),
    solution=("clean['posted_at'] = pd.concat([ex.parse_times(group['posted_at'], order, clock)\n"
              "                                for clock, group in clean.groupby('clock')])\n"
              "posts_per_hour = clean['posted_at'].dt.hour.value_counts().sort_index()"),
    steps=(
        Step("local-as-utc", teaches="read each export's times on the clock its description line names",
             message="your hours are the local clocks' hours read as UTC: each export's times are on the clock its "
                     "description line names (the clock column); give it to ex.parse_times",
             answer=lambda ds: posts_per_hour(ds, "utc")),
    ),
    mistakes=(
        Mistake("duplicates-kept",
                "your counts include the posts exported twice: count your clean table, one row per post",
                lambda ds: posts_per_hour(ds, keep="all")),
    ),
)

#: The model written answer of question 8, shown by q8.solution() once the learner wrote theirs.
MODEL_ANSWER = (
    "Report 24.5 million impressions for Guerra Inc's 1,584 posts of the year. Summed as they stand, the five "
    "files give 50.1 million, twice the truth, because each export ends with a totals row that already adds "
    "up its posts; that is the number that would have misled you most. Without the totals rows, the 1,638 "
    "post rows still add up to 25.1 million, 2.5% too many: each file glues two overlapping exports together, "
    "so 54 posts appear twice, and only each post's later snapshot counts. The duplicates do not inflate "
    "every platform alike: x's impressions are overstated by 4.9%, linkedin's by 0.2%, so a platform "
    "comparison made on the raw files flatters x. A tool that reads '12,345' as missing would have kept 0.5% "
    "of the impressions, the tools' words split one format into several (Photo and Image, Status and Text), "
    "and times read as UTC would put the busiest posting hour at 12:00 instead of 18:00 UTC, because every "
    "file but X's is on Denver time. Before trusting a total, count the rows and the distinct ids, check that "
    "every value parsed, and read each file's description line."
)

Q8 = Question(
    "q8", "Insight card for the manager: the platform whose impressions the raw files overstate most "
    "(most_overstated) and by how much (overstated_by: its impressions over every post row of its file / after "
    "cleaning - 1, a fraction). Platforms within NEAR_TIE (10%) of the largest overstatement are ties.",
    ("most_overstated", "overstated_by"),
    reference=overstated_cards,
    comparison=AnyOf(Several(("most_overstated", "overstated_by"),
                             (MemberOf(str, "platform"), Scalar(rtol=1e-6)))),
    hints=("Rows exported twice add impressions to the platform of their file. Compare, platform by platform, "
           "what the files add up to with what your clean table adds up to.",
           "Sum the impressions per platform in rows and in clean (groupby('platform')).",
           "Divide the first sums by the second and subtract 1; `idxmax()` names the platform, `max()` is its "
           "overstatement."),
    solution=("as_exported = rows.groupby('platform')['impressions'].sum()\n"
              "after = clean.groupby('platform')['impressions'].sum()\n"
              "overstated = as_exported / after - 1\n"
              "most_overstated = overstated.idxmax()\n"
              "overstated_by = overstated.max()"),
    steps=(
        Step("dedupe", teaches="compare the files with the clean table, one row per post",
             message="every platform comes out at 0: your clean table still holds the posts exported twice. Compare "
                     "the files with your table of one row per post (question 4)",
             answer=lambda ds: overstated_cards(ds, dedupe=False)),
    ),
    mistakes=(
        Mistake("percentage",
                "your overstatement is a percentage (x 100); give a fraction such as 0.03",
                lambda ds: overstated_cards(ds, percent=True)),
        Mistake("upside-down",
                "your overstatement is upside down: divide the impressions as exported by the impressions after "
                "cleaning, then subtract 1", lambda ds: overstated_cards(ds, inverted=True)),
        Mistake("largest-difference",
                "that platform's files add the most impressions, but a large platform adds the most for a small "
                "error: rank the platforms by their overstatement, the files' impressions over the clean ones - 1",
                largest_difference_cards),
        Mistake("most-duplicated-rows",
                "that platform has the most rows exported twice, but a large file has the most for the same error "
                "rate: rank the platforms by their overstatement of impressions, the files' over the clean ones - 1",
                lambda ds: largest_difference_cards(ds, rows=True)),
    ),
    model_answer=MODEL_ANSWER,
    points=3,
    judgement=True,
)

EXERCISE = Exercise("11_dirty_export", "Cleaning the platforms' exports", (Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8),
                    tables=("posts", "accounts", "brands"))


def setup(namespace: dict, dataset=None):
    """Bind this notebook's questions: ``q1, ..., q8 = ex.setup(globals())``."""
    return EXERCISE.setup(namespace, dataset)
