"""The invariants of the data contract (brief section 3), one small check per rule family.

:func:`run_checks` reads every frame as its schema type (:func:`structure`),
then runs each function of :data:`CHECKS` on a shared :class:`Checks` context:
keys, signs, posts, daily post rows, follower series, audience, campaigns and
comments. A check asks the context for the typed columns it needs
(:meth:`Checks.get`) and records what breaks its rule (:meth:`Checks.check`).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from ._scales import SCALES
from ._schema import ENGAGEMENT_COLUMNS, PLATFORM_FORMATS, TABLES, TRUTH_TABLES, VIDEO_FORMATS, Table
from .validate_report import N_EXAMPLES, Report, Violation
from .validate_types import KIND_WORDS, arrow, codes, coerce, duplicated, isin, positions

#: Every rule the validator checks, with the invariant it stands for.
RULES = {
    "missing_table": "every table of the data model is present",
    "missing_column": "every required column is present",
    "dtype": "values have the column's type (ids and text, integers, numbers, booleans, UTC timestamps, days)",
    "not_null": "columns that are not nullable have no missing values",
    "category": "category columns hold only their allowed values",
    "unique_key": "the primary key (ids) is unique",
    "foreign_key": "every foreign key resolves to a row of the referenced table",
    "non_negative": "counts and amounts are >= 0",
    "platform_matches_account": "posts.platform equals the platform of the post's account",
    "format_platform": "a post's format is one the platform offers",
    "reach_le_impressions": "reach <= impressions",
    "likes_le_reach": "likes <= reach (an account likes a post at most once, and only after seeing it)",
    "engagements_le_impressions": "likes + comments + shares + saves <= impressions",
    "link_clicks_le_impressions": "link_clicks <= impressions",
    "video_views_null": "video_views is missing exactly for non-video formats",
    "n_hashtags": "n_hashtags equals the number of hashtags in `hashtags`",
    "boosted_campaign": "is_boosted is true exactly when campaign_id is set",
    "in_period": "posts, comments and daily rows fall inside the simulated period",
    "after_account_created": "posts and comments come after the account's created_at",
    "comment_after_post": "a comment's created_at >= its post's posted_at",
    "daily_sums": "post_daily impressions, engagements and link_clicks sum to the post's lifetime totals; daily "
                  "reach (the accounts reached that day: someone reached on two days counts twice) sums to at least "
                  "the lifetime reach and at most the lifetime impressions",
    "daily_start": "a post's daily rows start with day_index 0 on its posting day (UTC)",
    "daily_consecutive": "a post's daily rows are consecutive days, date = posting day + day_index",
    "followers_days": "followers_daily has one row per account per day of the period",
    "followers_start": "first day: followers = followers_start + follows - unfollows",
    "followers_balance": "followers[t] = followers[t-1] + follows[t] - unfollows[t]",
    "audience_sum": "audience followers of an account sum to its last followers_daily value",
    "engaged_le_followers": "audience engaged_users <= followers",
    "spend_le_budget": "campaign spend <= budget",
    "clicks_le_impressions": "campaign clicks <= impressions",
    "conversions_le_clicks": "campaign conversions <= clicks",
    "start_le_end": "campaign start_date <= end_date",
    "ab_arms": "an A/B test has exactly one A and one B campaign; variant is set exactly when test_id is",
    "fx_base": "fx_rates names one base currency, and the base currency's own row has units_per_base 1",
}

DAILY_TOTALS = ("impressions", "reach", "engagements", "link_clicks")
DAY = pd.Timedelta(days=1)


def simulated_period(meta: dict, truth: dict) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(first instant, first instant after) of the simulated period, or None if unknown.

    Looks at dataset.json (``period_start``/``period_end``), then truth.json
    (``period``), then the named scale. An end given as a day is inclusive.
    """
    start = meta.get("period_start")
    end = meta.get("period_end")
    if not (start and end) and isinstance(truth.get("period"), dict):
        start, end = truth["period"].get("start"), truth["period"].get("end")
    if start and end:
        start_ts = _utc(start)
        end_ts = _utc(end)
        if len(str(end)) <= 10:  # a calendar day: the period includes it
            end_ts += DAY
        return start_ts, end_ts
    scale = SCALES.get(meta.get("scale"))
    if scale is not None:
        return scale.start_ts, scale.end_ts
    return None


def _utc(value) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


# --------------------------------------------------------------------------- the shared context

class Checks:
    """Typed frames of one validation run, the violations found so far, and the helpers checks share."""

    def __init__(self, frames: dict, labels: dict, meta: dict, truth: dict):
        self.raw = {**frames, **labels}  # name -> (frame or None, strict)
        self.meta = meta
        self.truth = truth
        self.tables: dict[str, Table] = {**TABLES, **{n: TRUTH_TABLES[n] for n in labels}}
        self.frames: dict[str, pd.DataFrame | None] = {}
        self.report = Report()
        self.unique_keys: dict[str, bool] = {}
        self.incomplete: set[tuple[str, str]] = set()

    def check(self, table, columns, rule, bad, message, ids=None):
        """Count one check; record a violation when any ``bad`` row exists.

        ``bad`` is aligned with the rows of ``table`` unless ``ids`` (aligned
        with ``bad``) names the offending entities.
        """
        assert rule in RULES, rule
        self.report.n_checks += 1
        bad = np.asarray(bad, dtype=bool)
        n = int(bad.sum())
        if not n:
            return
        if ids is None:
            ids = self._row_ids(table, np.flatnonzero(bad)[:N_EXAMPLES])
        else:
            ids = ids() if callable(ids) else ids
            ids = [str(x) for x in np.asarray(ids, dtype=object)[bad][:N_EXAMPLES]] if len(ids) else []
        if isinstance(columns, str):
            columns = (columns,)
        self.report.violations.append(Violation(table, tuple(columns), rule, message, n, tuple(ids)))

    def _row_ids(self, table, rows) -> list[str]:
        df = self.frames.get(table)
        key = [c for c in self.tables[table].primary_key if df is not None and c in df]
        if not key:
            return [f"row {p}" for p in rows]
        picked = df.iloc[rows]
        out = []
        for values in zip(*(picked[c] for c in key)):
            out.append("|".join(str(v.date()) if isinstance(v, pd.Timestamp) else str(v) for v in values))
        return out

    def get(self, table, *columns, complete=False) -> pd.DataFrame | None:
        """The typed frame if it has every column (unusable columns were dropped).

        ``complete`` also refuses columns where some values were missing or unreadable.
        """
        df = self.frames.get(table)
        if df is None or any(c not in df.columns for c in columns):
            return None
        if complete and any((table, c) in self.incomplete for c in columns):
            return None
        return df

    def lookup(self, table, key, values, column):
        """``column`` of ``table`` for each of ``values`` (matched on ``key``).

        Returns (Series with a 0..n-1 index, NA where not found; found mask).
        """
        ref = self.frames[table]
        pos = positions(values, ref[key])
        found = pos >= 0
        out = ref[column].iloc[np.where(found, pos, 0)].reset_index(drop=True) if len(ref) else \
            pd.Series([pd.NA] * len(pos), dtype=object)
        return out.where(pd.Series(found)), found

    def period(self):
        return simulated_period(self.meta, self.truth)

    def in_period(self, table, column, values, day=False):
        """Check that ``values`` (a column of ``table``) fall inside the simulated period."""
        period = self.period()
        if period is None:
            return
        start, end = period
        if day:
            start, end = start.tz_localize(None), end.tz_localize(None)
        bad = ((values < start) | (values >= end)).fillna(False)
        last = (end - (DAY if day else pd.Timedelta(microseconds=1)))
        self.check(table, column, "in_period", bad, f"outside the simulated period {start} .. {last}")

    @cached_property
    def daily(self):
        """Daily post rows matched to their (unique) posts, or None when the tables do not allow it."""
        daily = self.get("post_daily", "post_id", "date", "day_index", complete=True)
        posts = self.get("posts", "post_id", "posted_at", complete=True)
        if daily is None or posts is None or not self.unique_keys.get("posts", False):
            return None  # duplicate post ids were reported; per-post rules need unique posts
        return _DailyRows(daily, posts)

    @cached_property
    def followers(self):
        """Each account's follower series in date order, or None when the table does not allow it."""
        fd = self.get("followers_daily", "account_id", "date", "followers", "follows", "unfollows", complete=True)
        if fd is None or not len(fd) or not self.unique_keys.get("followers_daily", False):
            return None  # duplicate days were reported by unique_key; the series rules need one row per day
        return _FollowerSeries(fd)


class _DailyRows:
    """post_daily rows aligned with their post (``code``: the post's row in posts) and its first row."""

    def __init__(self, daily: pd.DataFrame, posts: pd.DataFrame):
        pos = positions(daily["post_id"], posts["post_id"])
        self.found = pos >= 0
        self.posts = posts
        self.codes = pos[self.found]
        self.n_posts = len(posts)
        self.dates = daily["date"].to_numpy()[self.found]
        self.day_index = daily["day_index"].to_numpy()[self.found]
        self.posted_day = posts["posted_at"].dt.tz_localize(None).dt.normalize().to_numpy()[self.codes]
        order = np.lexsort((self.day_index, self.codes))
        self.first = order[np.r_[True, self.codes[order][1:] != self.codes[order][:-1]]] if len(order) else order
        self.has_rows = np.zeros(self.n_posts, bool)
        self.has_rows[self.codes[self.first]] = True


class _FollowerSeries:
    """followers_daily sorted by account and date, with where each account's series starts and ends."""

    def __init__(self, fd: pd.DataFrame):
        self.fd = fd
        account = codes(fd["account_id"])
        self.order = np.lexsort((fd["date"].to_numpy(), account))
        account = account[self.order]
        self.dates = fd["date"].to_numpy()[self.order]
        self.followers = fd["followers"].to_numpy(dtype="int64")[self.order]
        self.net = (fd["follows"].to_numpy(dtype="int64") - fd["unfollows"].to_numpy(dtype="int64"))[self.order]
        self.new_account = np.r_[True, account[1:] != account[:-1]]
        self.starts = np.flatnonzero(self.new_account)
        self.ends = np.r_[self.starts[1:] - 1, len(account) - 1]
        self.account_ids = fd["account_id"].iloc[self.order[self.starts]].reset_index(drop=True)

    def ids(self):
        """account|date of each row, in series order."""
        fd = self.fd
        return (fd["account_id"].astype("str") + "|" + fd["date"].dt.strftime("%Y-%m-%d")).to_numpy(dtype=object)[self.order]


# --------------------------------------------------------------------------- structure: tables, columns, types

def structure(c: Checks, name: str, df, strict: bool) -> pd.DataFrame | None:
    """``df`` with each column read as its schema type; reports missing tables, columns and unreadable values."""
    table = c.tables[name]
    if df is None:
        if name in TABLES:
            c.check(name, (), "missing_table", [True], "table not found", ids=[name])
        return None
    c.check(name, (), "missing_table", [False], "")
    out = {}
    for col in table.columns:
        if col.name not in df.columns:
            c.check(name, col.name, "missing_column", [True], "required column missing", ids=[col.name])
            continue
        c.check(name, col.name, "missing_column", [False], "")
        typed, bad, problem = coerce(df[col.name], col, strict)
        raw_ids = (lambda df=df, table=table: _raw_ids(df, table))
        if problem:
            c.check(name, col.name, "dtype", np.ones(len(df), bool), problem, ids=())
            if typed is None:
                continue
        else:
            c.check(name, col.name, "dtype", bad, f"values that are not {KIND_WORDS[col.kind]}", ids=raw_ids)
        if typed is None:
            continue
        # Unreadable values became missing: the column stays usable for row-by-row rules,
        # but rules that need every value (keys, daily series) skip an incomplete column.
        incomplete = bool(bad.any())
        missing = df[col.name].isna().to_numpy()
        if not col.nullable and col.kind != "str":  # empty text and missing are the same in CSV
            c.check(name, col.name, "not_null", missing, "missing values in a required column", ids=raw_ids)
            incomplete |= bool(missing.any())
        if col.kind == "category":
            outside = ~missing & ~bad & typed.isna().to_numpy()
            c.check(name, col.name, "category", outside,
                    f"values outside the allowed {', '.join(col.categories)}", ids=raw_ids)
            incomplete |= bool(outside.any())
        if incomplete:
            c.incomplete.add((name, col.name))
        out[col.name] = typed
    return pd.DataFrame(out, index=pd.RangeIndex(len(df)))


def _raw_ids(df, table):
    """The first key column as text, aligned with the rows of a raw frame."""
    key = table.primary_key[0] if table.primary_key and table.primary_key[0] in df else None
    if key is None:
        return np.array([f"row {i}" for i in range(len(df))], dtype=object)
    return df[key].astype("str").to_numpy(dtype=object)


# --------------------------------------------------------------------------- every table

def keys(c: Checks):
    for name, table in c.tables.items():
        df = c.get(name, *table.primary_key, complete=True)
        if df is not None and table.primary_key:
            dup = duplicated(df, table.primary_key)
            c.unique_keys[name] = not dup.any()
            c.check(name, table.primary_key, "unique_key", dup, "duplicate key")
        for col in table.columns:
            if not col.references:
                continue
            ref_table, ref_col = col.references.split(".")
            src = c.get(name, col.name)
            if src is None or c.get(ref_table, ref_col) is None:
                continue
            values = src[col.name]
            missing = values.notna().to_numpy() & ~isin(values, c.frames[ref_table][ref_col])
            c.check(name, col.name, "foreign_key", missing, f"values not found in {col.references}")


def non_negative(c: Checks):
    for name, table in c.tables.items():
        for col in table.columns:
            df = c.get(name, col.name)
            if df is not None and col.kind in ("int", "Int64", "float"):
                c.check(name, col.name, "non_negative", (df[col.name] < 0).fillna(False), "negative values")


# --------------------------------------------------------------------------- posts

def posts_platform(c: Checks):
    df = c.get("posts", "platform", "account_id")
    if df is not None and c.get("accounts", "account_id", "platform") is not None:
        acc_platform, found = c.lookup("accounts", "account_id", df["account_id"], "platform")
        same = df["platform"].reset_index(drop=True) == acc_platform  # same categories on both sides
        bad = found & df["platform"].notna().to_numpy() & ~same.to_numpy(dtype=bool, na_value=False)
        c.check("posts", "platform", "platform_matches_account", bad, "platform differs from the account's")
    df = c.get("posts", "platform", "format")
    if df is not None:
        platforms, formats = df["platform"].cat.categories, df["format"].cat.categories
        allowed = np.array([[f in PLATFORM_FORMATS.get(p, ()) for f in formats] for p in platforms])
        p_codes, f_codes = df["platform"].cat.codes.to_numpy(), df["format"].cat.codes.to_numpy()
        bad = (p_codes >= 0) & (f_codes >= 0) & ~allowed[p_codes, f_codes]
        c.check("posts", ("platform", "format"), "format_platform", bad,
                "format not offered by the platform (see PLATFORM_FORMATS)")


def posts_metric_bounds(c: Checks):
    df = c.get("posts", "reach", "impressions")
    if df is not None:
        c.check("posts", ("reach", "impressions"), "reach_le_impressions",
                (df["reach"] > df["impressions"]).fillna(False), "reach > impressions")
    df = c.get("posts", "likes", "reach")
    if df is not None:
        c.check("posts", ("likes", "reach"), "likes_le_reach", (df["likes"] > df["reach"]).fillna(False), "likes > reach")
    df = c.get("posts", "impressions", *ENGAGEMENT_COLUMNS)
    if df is not None:
        eng = sum(df[col] for col in ENGAGEMENT_COLUMNS)
        c.check("posts", (*ENGAGEMENT_COLUMNS, "impressions"), "engagements_le_impressions",
                (eng > df["impressions"]).fillna(False), "likes + comments + shares + saves > impressions")
    df = c.get("posts", "link_clicks", "impressions")
    if df is not None:
        c.check("posts", ("link_clicks", "impressions"), "link_clicks_le_impressions",
                (df["link_clicks"] > df["impressions"]).fillna(False), "link_clicks > impressions")


def posts_derived_columns(c: Checks):
    df = c.get("posts", "format", "video_views", complete=True)
    if df is not None:
        is_video = df["format"].isin(list(VIDEO_FORMATS))
        bad = is_video == df["video_views"].isna()
        c.check("posts", ("format", "video_views"), "video_views_null", bad & df["format"].notna(),
                "video_views missing for a video format or set for a non-video format")
    df = c.get("posts", "hashtags", "n_hashtags")
    if df is not None:
        counted = pc.count_substring_regex(arrow(df["hashtags"].fillna("")), r"\S+")
        counted = pd.Series(counted.fill_null(0).to_numpy(zero_copy_only=False))
        c.check("posts", ("hashtags", "n_hashtags"), "n_hashtags",
                (counted != df["n_hashtags"]).fillna(False), "n_hashtags differs from the hashtags listed")
    df = c.get("posts", "is_boosted", "campaign_id")
    if df is not None:
        boosted = df["is_boosted"]
        bad = boosted.notna().to_numpy() & (boosted.fillna(False).to_numpy(dtype=bool) != df["campaign_id"].notna().to_numpy())
        c.check("posts", ("is_boosted", "campaign_id"), "boosted_campaign", bad,
                "is_boosted without campaign_id or campaign_id without is_boosted")


def posts_times(c: Checks):
    df = c.get("posts", "posted_at")
    if df is None:
        return
    c.in_period("posts", "posted_at", df["posted_at"])
    if c.get("posts", "account_id") is not None and c.get("accounts", "account_id", "created_at") is not None:
        _after_account_created(c, "posts", "posted_at", df["posted_at"], df["account_id"], True,
                               "posted before the account was created")


def _after_account_created(c: Checks, table, column, times, account_ids, known, message):
    """Check that ``times`` (rows of ``table`` whose account is ``known``) come after their account's creation."""
    created, found = c.lookup("accounts", "account_id", account_ids, "created_at")
    bad = known & found & (times.reset_index(drop=True) < created).fillna(False).to_numpy(bool)
    c.check(table, column, "after_account_created", bad, message)


# --------------------------------------------------------------------------- post_daily

def daily_period(c: Checks):
    daily = c.get("post_daily", "post_id", "date", "day_index", complete=True)
    if daily is not None:
        c.in_period("post_daily", "date", daily["date"], day=True)


def daily_start(c: Checks):
    """A post's earliest row is day 0 on its posting day."""
    d = c.daily
    if d is None:
        return
    starts_ok = np.ones(d.n_posts, bool)
    first = d.first
    starts_ok[d.codes[first]] = (d.day_index[first] == 0) & (d.dates[first] == d.posted_day[first])
    c.check("post_daily", ("post_id", "date", "day_index"), "daily_start", ~starts_ok | ~d.has_rows,
            "daily rows missing or not starting with day_index 0 on the posting day", ids=d.posts["post_id"])


def daily_consecutive(c: Checks):
    """date - day_index is the same day for all rows of a post, and day_index has no gaps."""
    d = c.daily
    if d is None:
        return
    implied = d.dates - d.day_index.astype("timedelta64[D]")
    implied_first = np.empty(d.n_posts, dtype=implied.dtype)
    implied_first[d.codes[d.first]] = implied[d.first]
    shifted = implied != implied_first[d.codes]
    counts = np.bincount(d.codes, minlength=d.n_posts)
    max_index = np.full(d.n_posts, -1)
    np.maximum.at(max_index, d.codes, d.day_index)
    bad_post = d.has_rows & (max_index != counts - 1)
    bad_post[d.codes[shifted]] = True
    c.check("post_daily", ("post_id", "date", "day_index"), "daily_consecutive", bad_post,
            "daily rows are not consecutive days with date = posting day + day_index", ids=d.posts["post_id"])


def daily_sums(c: Checks):
    """Each daily total sums to the post's lifetime total."""
    d = c.daily
    totals = c.get("posts", "post_id", "impressions", "reach", "link_clicks", *ENGAGEMENT_COLUMNS, complete=True)
    sums = c.get("post_daily", *DAILY_TOTALS, complete=True)
    if d is None or totals is None or sums is None:
        return
    expected = {
        "impressions": totals["impressions"], "reach": totals["reach"], "link_clicks": totals["link_clicks"],
        "engagements": sum(totals[col] for col in ENGAGEMENT_COLUMNS),
    }
    for col in DAILY_TOTALS:
        values = sums[col].to_numpy()[d.found].astype("float64")
        got = np.bincount(d.codes, weights=values, minlength=d.n_posts)
        want = expected[col].to_numpy(dtype="float64", na_value=np.nan)
        if col == "reach":  # unique per day: an account reached on two days counts on both
            most = expected["impressions"].to_numpy(dtype="float64", na_value=np.nan)
            sane = want <= most  # a post whose reach exceeds its impressions is reported once, by its own rule
            c.check("post_daily", col, "daily_sums", sane & ((got < want) | (got > most)),
                    "daily reach sums to less than the post's lifetime reach or more than its lifetime "
                    "impressions", ids=d.posts["post_id"])
            continue
        c.check("post_daily", col, "daily_sums", got != want,
                f"daily {col} do not sum to the post's lifetime {col}" +
                (" (likes + comments + shares + saves)" if col == "engagements" else ""),
                ids=d.posts["post_id"])


# --------------------------------------------------------------------------- followers_daily

def followers_period(c: Checks):
    fd = c.get("followers_daily", "account_id", "date", "followers", "follows", "unfollows", complete=True)
    if fd is not None and len(fd):
        c.in_period("followers_daily", "date", fd["date"], day=True)


def followers_balance(c: Checks):
    s = c.followers
    if s is None:
        return
    prev = np.r_[0, s.followers[:-1]]
    bad = ~s.new_account & (s.followers != prev + s.net)
    c.check("followers_daily", ("followers", "follows", "unfollows"), "followers_balance", bad,
            "followers[t] != followers[t-1] + follows[t] - unfollows[t]", ids=s.ids)


def followers_days(c: Checks):
    """One row per day of the period, for every account."""
    s = c.followers
    if s is None:
        return
    n_days = s.ends - s.starts + 1
    bad_days = (s.dates[s.ends] - s.dates[s.starts]) // np.timedelta64(1, "D") + 1 != n_days
    period = c.period()
    if period is not None:
        first, last = period[0].tz_localize(None), period[1].tz_localize(None) - DAY
        bad_days = bad_days | (s.dates[s.starts] != first.to_datetime64()) | (s.dates[s.ends] != last.to_datetime64())
    bad_ids = list(s.account_ids[bad_days])
    accounts = c.get("accounts", "account_id", complete=True)
    if accounts is not None:
        bad_ids += list(accounts["account_id"][~isin(accounts["account_id"], s.account_ids)])
    c.check("followers_daily", ("account_id", "date"), "followers_days", np.ones(len(bad_ids), bool),
            "accounts without exactly one row per day of the period", ids=np.array(bad_ids, dtype=object))


def followers_start(c: Checks):
    """The first day against accounts.followers_start."""
    s = c.followers
    if s is None or c.get("accounts", "account_id", "followers_start", complete=True) is None:
        return
    start, found = c.lookup("accounts", "account_id", s.account_ids, "followers_start")
    expected = start.to_numpy(dtype="float64", na_value=np.nan) + s.net[s.starts]
    bad = found & (s.followers[s.starts] != expected)
    c.check("followers_daily", ("followers", "follows", "unfollows"), "followers_start", bad,
            "first day followers != accounts.followers_start + follows - unfollows", ids=lambda: s.ids()[s.starts])


# --------------------------------------------------------------------------- audience, campaigns, comments

def audience(c: Checks):
    aud = c.get("audience", "account_id", "followers", complete=True)
    s = c.followers
    if aud is not None and s is not None:
        last = s.followers[s.ends]
        pos = positions(aud["account_id"], s.account_ids)
        known = pos >= 0  # unknown accounts are foreign_key violations
        total = np.bincount(pos[known], weights=aud["followers"].to_numpy(dtype="float64")[known],
                            minlength=len(s.account_ids))
        c.check("audience", "followers", "audience_sum", total != last,
                "segment followers do not sum to the account's last followers_daily value",
                ids=s.account_ids.to_numpy(dtype=object))
    aud = c.get("audience", "engaged_users", "followers")
    if aud is not None:
        c.check("audience", ("engaged_users", "followers"), "engaged_le_followers",
                (aud["engaged_users"] > aud["followers"]).fillna(False), "engaged_users > followers")


def campaigns(c: Checks):
    for a, b, rule in (("spend", "budget", "spend_le_budget"), ("clicks", "impressions", "clicks_le_impressions"),
                       ("reach", "impressions", "reach_le_impressions"),
                       ("conversions", "clicks", "conversions_le_clicks"), ("start_date", "end_date", "start_le_end")):
        df = c.get("campaigns", a, b)
        if df is not None:
            c.check("campaigns", (a, b), rule, (df[a] > df[b]).fillna(False), f"{a} > {b}")


def ab_arms(c: Checks):
    df = c.get("campaigns", "campaign_id", "test_id", "variant", complete=True)
    if df is None:
        return
    variant_mismatch = df["test_id"].isna() != df["variant"].isna()
    tests = df[df["test_id"].notna()]
    arms = (tests.assign(a=tests["variant"] == "A", b=tests["variant"] == "B")
            .groupby("test_id", observed=True).agg(a=("a", "sum"), b=("b", "sum"), n=("a", "size")))
    broken = arms.index[(arms["a"] != 1) | (arms["b"] != 1) | (arms["n"] != 2)]
    bad = variant_mismatch | df["test_id"].isin(broken)
    c.check("campaigns", ("test_id", "variant"), "ab_arms", bad,
            "A/B tests without exactly one A and one B, or variant set without test_id")


def fx_rates(c: Checks):
    df = c.get("fx_rates", "currency", "base_currency", "units_per_base", complete=True)
    if df is None or df.empty:
        return
    base = df["base_currency"].mode().iat[0]
    own = df["currency"] == base
    bad = (df["base_currency"] != base) | (own & (df["units_per_base"] != 1))
    if not own.any():
        bad[:] = True
    c.check("fx_rates", ("currency", "base_currency", "units_per_base"), "fx_base", bad,
            f"the rates must share one base currency ({base}), listed itself with units_per_base 1")


def comments(c: Checks):
    com = c.get("comments", "created_at")
    if com is None:
        return
    c.in_period("comments", "created_at", com["created_at"])
    com = c.get("comments", "post_id", "created_at")
    if com is None or c.get("posts", "post_id", "posted_at") is None:
        return
    posted, found = c.lookup("posts", "post_id", com["post_id"], "posted_at")
    created_at = com["created_at"].reset_index(drop=True)
    bad = found & (created_at < posted).fillna(False).to_numpy(bool)
    c.check("comments", "created_at", "comment_after_post", bad, "comment written before its post")
    if c.get("posts", "post_id", "account_id") is None or c.get("accounts", "account_id", "created_at") is None:
        return
    account, found_post = c.lookup("posts", "post_id", com["post_id"], "account_id")
    _after_account_created(c, "comments", "created_at", created_at, account, found_post,
                           "comment written before the account was created")


#: The checks in the order they run (the report lists violations in this order).
CHECKS = (
    keys, non_negative,
    posts_platform, posts_metric_bounds, posts_derived_columns, posts_times,
    daily_period, daily_start, daily_consecutive, daily_sums,
    followers_period, followers_balance, followers_days, followers_start,
    audience, campaigns, ab_arms, comments, fx_rates,
)


def run_checks(frames: dict, labels: dict, meta: dict, truth: dict) -> Report:
    """Every rule over ``frames`` and ``labels`` (name -> (raw frame or None, strict)); the :class:`Report`."""
    c = Checks(frames, labels, meta, truth)
    for name, (df, strict) in c.raw.items():
        c.frames[name] = structure(c, name, df, strict)
    for check in CHECKS:
        check(c)
    return c.report
