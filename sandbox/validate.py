"""Check a dataset against the data contract (brief section 3).

``validate(ds)`` checks an in-memory :class:`~sandbox.dataset.Dataset`,
``validate_dir(path)`` a dataset folder (CSV, Parquet or partitioned Parquet).
Both run every rule of :data:`RULES` with vectorised pandas/numpy code and
return the problems as :class:`Violation` records: table, columns, rule, how
many rows break it and a few example ids.

A column whose values cannot be read as its schema type is reported once
(rule ``dtype``) and left out of the later rules, so one bad column does not
bury the report under follow-on errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._scales import SCALES
from ._schema import ENGAGEMENT_COLUMNS, PLATFORM_FORMATS, TABLES, TRUTH_TABLES, VIDEO_FORMATS, Column, Table
from .dataset import LABELS_DIR, META_FILE, TRUTH_FILE, DatasetError, find_table_file, read_table

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
}

N_EXAMPLES = 5
#: What a value of each column kind must look like (in messages).
KIND_WORDS = {
    "id": "ids", "str": "text", "category": "categories", "int": "integers", "Int64": "integers",
    "float": "numbers", "bool": "booleans (True/False)", "timestamp": "ISO 8601 timestamps",
    "date": "days (YYYY-MM-DD)",
}
DAILY_TOTALS = ("impressions", "reach", "engagements", "link_clicks")
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Violation:
    """One broken rule: where, what, how many rows and a few example ids."""

    table: str
    columns: tuple[str, ...]
    rule: str
    message: str
    n_rows: int
    examples: tuple[str, ...] = ()

    def __str__(self) -> str:
        cols = ", ".join(self.columns) or "-"
        eg = f" (e.g. {', '.join(self.examples)})" if self.examples else ""
        return f"{self.table} [{cols}] {self.rule}: {self.message}; {self.n_rows:,} rows{eg}"


@dataclass
class Report:
    """The result of a validation run."""

    violations: list[Violation] = field(default_factory=list)
    n_checks: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    def format(self) -> str:
        """Human-readable text: an OK line, or the violations grouped by table and column."""
        if self.ok:
            return f"OK: {self.n_checks} checks passed"
        rows = sorted(self.violations, key=lambda v: (v.table, v.columns, v.rule))
        header = ("table", "columns", "rule", "rows", "examples")
        body = [
            (v.table, ", ".join(v.columns) or "-", v.rule, f"{v.n_rows:,}", ", ".join(v.examples))
            for v in rows
        ]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [header, *body]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        details = [f"- {v.table} [{', '.join(v.columns) or '-'}] {v.rule}: {v.message}" for v in rows]
        summary = f"{len(self.violations)} of {self.n_checks} checks failed"
        return "\n".join([summary, "", *lines, "", *details])


def validate(ds) -> list[Violation]:
    """Check an in-memory Dataset; return the violations (empty when valid)."""
    return check_dataset(ds).violations


def check_dataset(ds) -> Report:
    """Check an in-memory Dataset; return a :class:`Report`."""
    frames = {name: (getattr(ds, name, None), True) for name in TABLES}
    labels = {name: (df, True) for name, df in (ds.labels or {}).items() if name in TRUTH_TABLES}
    return _Checker(frames, labels, ds.meta or {}, ds.truth or {}).run()


def validate_dir(path) -> Report:
    """Check a dataset folder (CSV, Parquet or folders of Parquet parts).

    Raises :class:`~sandbox.dataset.DatasetError` when ``path`` is not a
    dataset folder at all.
    """
    directory = Path(path)
    if not directory.is_dir():
        raise DatasetError(f"{directory} is not a folder")
    meta_path = directory / META_FILE
    if not meta_path.is_file():
        raise DatasetError(
            f"{directory} is not a dataset folder (no {META_FILE}); make one with `sandbox generate --out {directory}`"
        )
    try:
        meta = json.loads(meta_path.read_text())
        truth_path = directory / TRUTH_FILE
        truth = json.loads(truth_path.read_text()) if truth_path.is_file() else {}
    except json.JSONDecodeError as e:
        raise DatasetError(f"{directory}: {META_FILE} or {TRUTH_FILE} is not valid JSON ({e})") from None
    frames = {name: _read(directory, name) for name in TABLES}
    labels = {}
    for name in TRUTH_TABLES:
        found = _read(directory / LABELS_DIR, name)
        if found[0] is not None:
            labels[name] = found
    from .validate_dirty import add_export_problems  # a dirty export: what is wrong, kind by kind

    return add_export_problems(_Checker(frames, labels, meta, truth).run(), directory, meta)


def _read(directory: Path, name: str):
    """(raw frame or None, strict): CSV is read as text and parsed by the checker."""
    path = find_table_file(directory, name)
    if path is None:
        return None, True
    return read_table(path, None, raw=True), path.suffix != ".csv"


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


def _arrow(values) -> pa.Array:
    """Text values as one Arrow array, so lookups hash in C++ instead of over Python objects."""
    arr = pa.array(pd.Series(values) if isinstance(values, (pd.Index, np.ndarray)) else values, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr


def _positions(values, targets) -> np.ndarray:
    """Position in ``targets`` of the first match of each of ``values``; -1 when absent."""
    values = _arrow(values)
    found = pc.index_in(values, value_set=_arrow(targets))
    found = pc.if_else(pc.is_null(values), None, found)  # a missing value matches nothing
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _isin(values, targets) -> np.ndarray:
    """``values.isin(targets)`` as a boolean array."""
    return _positions(values, targets) >= 0


def _codes(s: pd.Series) -> np.ndarray:
    """Integer codes of a column's values (equal values, equal codes; missing -1)."""
    if _is_text(s):
        return pc.dictionary_encode(_arrow(s)).indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.factorize(s, use_na_sentinel=True)[0].astype(np.int64)


def _duplicated(df: pd.DataFrame, columns) -> np.ndarray:
    """Rows whose key (``columns``) appears more than once."""
    key = np.zeros(len(df), dtype=np.int64)
    for col in columns:
        codes = _codes(df[col]) + 1
        key = pd.factorize(key * (int(codes.max(initial=0)) + 1) + codes)[0].astype(np.int64)
    return pd.Series(key).duplicated(keep=False).to_numpy()


# --------------------------------------------------------------------------- types

def _is_text(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s.dtype) or s.dtype == object


def _coerce(s: pd.Series, col: Column, strict: bool):
    """Read ``s`` as ``col``'s type.

    Returns (typed series, mask of unreadable values, dtype problem or "").
    A dtype problem means the stored type itself is wrong (only in ``strict``
    mode, i.e. typed sources such as Parquet or memory); unreadable values are
    text that does not parse (CSV).
    """
    kind = col.kind
    none = np.zeros(len(s), dtype=bool)
    text = _is_text(s)
    if kind in ("id", "str"):
        if not text:
            return None, none, f"stored as {s.dtype}, expected text"
        return s, none, ""
    if kind == "category":
        is_cat = isinstance(s.dtype, pd.CategoricalDtype)
        if not (text or is_cat):
            return None, none, f"stored as {s.dtype}, expected category"
        problem = "" if is_cat or not strict else f"stored as {s.dtype}, expected category"
        # values outside the allowed list become missing, reported as `category`
        typed = (s if is_cat else s.astype("category")).cat.set_categories(list(col.categories))
        return typed, none, problem
    if kind in ("int", "Int64", "float"):
        if pd.api.types.is_bool_dtype(s.dtype):
            return None, none, f"stored as {s.dtype}, expected a number"
        problem = ""
        if text:
            if strict:
                problem = f"stored as {s.dtype}, expected a number"
            num = pd.to_numeric(s, errors="coerce")
        elif pd.api.types.is_numeric_dtype(s.dtype):
            num = s
            if kind != "float" and not pd.api.types.is_integer_dtype(s.dtype):
                problem = f"stored as {s.dtype}, expected integers"
        else:
            return None, none, f"stored as {s.dtype}, expected a number"
        num = num.astype("Float64" if kind != "float" else "float64")
        bad = np.asarray(s.notna() & num.isna(), dtype=bool)
        if kind != "float":
            fractional = np.asarray((num.fillna(0) % 1 != 0).fillna(False), dtype=bool)
            bad = bad | fractional
            num = num.where(~pd.Series(bad, index=s.index))
            num = num.round().astype("Int64")
            if kind == "int" and not num.isna().any():
                num = num.astype("int64")
        return num, bad, problem
    if kind == "bool":
        if pd.api.types.is_bool_dtype(s.dtype):
            return s.astype("boolean"), none, ""
        if not text:
            return None, none, f"stored as {s.dtype}, expected booleans"
        mapped = s.str.strip().str.lower().map({"true": True, "false": False}).astype("boolean")
        bad = np.asarray(s.notna() & mapped.isna(), dtype=bool)
        return mapped, bad, f"stored as {s.dtype}, expected booleans" if strict else ""
    # timestamps and days
    problem = ""
    if text:
        parsed = pd.to_datetime(s, utc=True, format="ISO8601", errors="coerce")
        if kind == "date":
            parsed = parsed.dt.tz_localize(None)
        if strict:
            problem = f"stored as {s.dtype}, expected {col.dtype}"
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        tz = getattr(s.dtype, "tz", None)
        if kind == "timestamp":
            if tz is None:
                return None, none, "timestamps without a time zone; expected UTC"
            parsed = s.dt.tz_convert("UTC")
        else:
            if tz is not None:
                return None, none, f"stored as {s.dtype}, expected a day without time zone"
            parsed = s
    else:
        return None, none, f"stored as {s.dtype}, expected {col.dtype}"
    bad = np.asarray(s.notna() & parsed.isna(), dtype=bool)
    if kind == "date":
        bad = bad | np.asarray(parsed.notna() & (parsed != parsed.dt.normalize()), dtype=bool)
        parsed = parsed.where(~bad)
    return parsed, bad, problem


# --------------------------------------------------------------------------- checker

class _Checker:
    """Runs every rule over typed frames and collects the violations."""

    def __init__(self, frames: dict, labels: dict, meta: dict, truth: dict):
        self.raw = frames
        self.raw_labels = labels
        self.meta = meta
        self.truth = truth
        self.tables: dict[str, Table] = {**TABLES, **{n: TRUTH_TABLES[n] for n in labels}}
        self.frames: dict[str, pd.DataFrame | None] = {}
        self.report_ = Report()
        self.unique_keys: dict[str, bool] = {}
        self.incomplete: set[tuple[str, str]] = set()

    # ---- plumbing
    def run(self) -> Report:
        for name, (df, strict) in {**self.raw, **self.raw_labels}.items():
            self.frames[name] = self._structure(name, df, strict)
        self._keys()
        self._non_negative()
        self._posts()
        self._post_daily()
        self._followers()
        self._audience()
        self._campaigns()
        self._comments()
        return self.report_

    def check(self, table, columns, rule, bad, message, ids=None):
        """Count one check; record a violation when any ``bad`` row exists.

        ``bad`` is aligned with the rows of ``table`` unless ``ids`` (aligned
        with ``bad``) names the offending entities.
        """
        assert rule in RULES, rule
        self.report_.n_checks += 1
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
        self.report_.violations.append(Violation(table, tuple(columns), rule, message, n, tuple(ids)))

    def _row_ids(self, table, positions) -> list[str]:
        df = self.frames.get(table)
        key = [c for c in self.tables[table].primary_key if df is not None and c in df]
        if not key:
            return [f"row {p}" for p in positions]
        rows = df.iloc[positions]
        out = []
        for values in zip(*(rows[c] for c in key)):
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

    # ---- structure: tables, columns, types
    def _structure(self, name, df, strict):
        table = self.tables[name]
        if df is None:
            if name in TABLES:
                self.check(name, (), "missing_table", [True], "table not found", ids=[name])
            return None
        self.check(name, (), "missing_table", [False], "")
        out = {}
        for col in table.columns:
            if col.name not in df.columns:
                self.check(name, col.name, "missing_column", [True], "required column missing", ids=[col.name])
                continue
            self.check(name, col.name, "missing_column", [False], "")
            typed, bad, problem = _coerce(df[col.name], col, strict)
            raw_ids = (lambda df=df, table=table: self._raw_ids(df, table))
            if problem:
                self.check(name, col.name, "dtype", np.ones(len(df), bool), problem, ids=())
                if typed is None:
                    continue
            else:
                self.check(name, col.name, "dtype", bad, f"values that are not {KIND_WORDS[col.kind]}", ids=raw_ids)
            if typed is None:
                continue
            # Unreadable values became missing: the column stays usable for row-by-row rules,
            # but rules that need every value (keys, daily series) skip an incomplete column.
            incomplete = bool(bad.any())
            missing = df[col.name].isna().to_numpy()
            if not col.nullable and col.kind != "str":  # empty text and missing are the same in CSV
                self.check(name, col.name, "not_null", missing, "missing values in a required column", ids=raw_ids)
                incomplete |= bool(missing.any())
            if col.kind == "category":
                outside = ~missing & ~bad & typed.isna().to_numpy()
                self.check(name, col.name, "category", outside,
                           f"values outside the allowed {', '.join(col.categories)}", ids=raw_ids)
                incomplete |= bool(outside.any())
            if incomplete:
                self.incomplete.add((name, col.name))
            out[col.name] = typed
        return pd.DataFrame(out, index=pd.RangeIndex(len(df)))

    @staticmethod
    def _raw_ids(df, table):
        """The first key column as text, aligned with the rows of a raw frame."""
        key = table.primary_key[0] if table.primary_key and table.primary_key[0] in df else None
        if key is None:
            return np.array([f"row {i}" for i in range(len(df))], dtype=object)
        return df[key].astype("str").to_numpy(dtype=object)

    # ---- keys
    def _keys(self):
        for name, table in self.tables.items():
            df = self.get(name, *table.primary_key, complete=True)
            if df is not None and table.primary_key:
                dup = _duplicated(df, table.primary_key)
                self.unique_keys[name] = not dup.any()
                self.check(name, table.primary_key, "unique_key", dup, "duplicate key")
            for col in table.columns:
                if not col.references:
                    continue
                ref_table, ref_col = col.references.split(".")
                src = self.get(name, col.name)
                if src is None or self.get(ref_table, ref_col) is None:
                    continue
                values = src[col.name]
                missing = values.notna().to_numpy() & ~_isin(values, self.frames[ref_table][ref_col])
                self.check(name, col.name, "foreign_key", missing, f"values not found in {col.references}")

    def _non_negative(self):
        for name, table in self.tables.items():
            for col in table.columns:
                df = self.get(name, col.name)
                if df is not None and col.kind in ("int", "Int64", "float"):
                    self.check(name, col.name, "non_negative", (df[col.name] < 0).fillna(False), "negative values")

    def period(self):
        return simulated_period(self.meta, self.truth)

    def lookup(self, table, key, values, column):
        """``column`` of ``table`` for each of ``values`` (matched on ``key``).

        Returns (Series with a 0..n-1 index, NA where not found; found mask).
        """
        ref = self.frames[table]
        pos = _positions(values, ref[key])
        found = pos >= 0
        out = ref[column].iloc[np.where(found, pos, 0)].reset_index(drop=True) if len(ref) else \
            pd.Series([pd.NA] * len(pos), dtype=object)
        return out.where(pd.Series(found)), found

    # ---- posts
    def _posts(self):
        df = self.get("posts", "platform", "account_id")
        if df is not None and self.get("accounts", "account_id", "platform") is not None:
            acc_platform, found = self.lookup("accounts", "account_id", df["account_id"], "platform")
            same = df["platform"].reset_index(drop=True) == acc_platform  # same categories on both sides
            bad = found & df["platform"].notna().to_numpy() & ~same.to_numpy(dtype=bool, na_value=False)
            self.check("posts", "platform", "platform_matches_account", bad, "platform differs from the account's")
        df = self.get("posts", "platform", "format")
        if df is not None:
            platforms, formats = df["platform"].cat.categories, df["format"].cat.categories
            allowed = np.array([[f in PLATFORM_FORMATS.get(p, ()) for f in formats] for p in platforms])
            p_codes, f_codes = df["platform"].cat.codes.to_numpy(), df["format"].cat.codes.to_numpy()
            bad = (p_codes >= 0) & (f_codes >= 0) & ~allowed[p_codes, f_codes]
            self.check("posts", ("platform", "format"), "format_platform", bad,
                       "format not offered by the platform (see PLATFORM_FORMATS)")
        df = self.get("posts", "reach", "impressions")
        if df is not None:
            self.check("posts", ("reach", "impressions"), "reach_le_impressions",
                       (df["reach"] > df["impressions"]).fillna(False), "reach > impressions")
        df = self.get("posts", "likes", "reach")
        if df is not None:
            self.check("posts", ("likes", "reach"), "likes_le_reach",
                       (df["likes"] > df["reach"]).fillna(False), "likes > reach")
        df = self.get("posts", "impressions", *ENGAGEMENT_COLUMNS)
        if df is not None:
            eng = sum(df[c] for c in ENGAGEMENT_COLUMNS)
            self.check("posts", (*ENGAGEMENT_COLUMNS, "impressions"), "engagements_le_impressions",
                       (eng > df["impressions"]).fillna(False), "likes + comments + shares + saves > impressions")
        df = self.get("posts", "link_clicks", "impressions")
        if df is not None:
            self.check("posts", ("link_clicks", "impressions"), "link_clicks_le_impressions",
                       (df["link_clicks"] > df["impressions"]).fillna(False), "link_clicks > impressions")
        df = self.get("posts", "format", "video_views", complete=True)
        if df is not None:
            is_video = df["format"].isin(list(VIDEO_FORMATS))
            bad = is_video == df["video_views"].isna()
            self.check("posts", ("format", "video_views"), "video_views_null", bad & df["format"].notna(),
                       "video_views missing for a video format or set for a non-video format")
        df = self.get("posts", "hashtags", "n_hashtags")
        if df is not None:
            counted = pc.count_substring_regex(_arrow(df["hashtags"].fillna("")), r"\S+")
            counted = pd.Series(counted.fill_null(0).to_numpy(zero_copy_only=False))
            self.check("posts", ("hashtags", "n_hashtags"), "n_hashtags",
                       (counted != df["n_hashtags"]).fillna(False), "n_hashtags differs from the hashtags listed")
        df = self.get("posts", "is_boosted", "campaign_id")
        if df is not None:
            boosted = df["is_boosted"]
            bad = boosted.notna().to_numpy() & (boosted.fillna(False).to_numpy(dtype=bool) != df["campaign_id"].notna().to_numpy())
            self.check("posts", ("is_boosted", "campaign_id"), "boosted_campaign", bad,
                       "is_boosted without campaign_id or campaign_id without is_boosted")
        df = self.get("posts", "posted_at")
        if df is not None:
            self._in_period("posts", "posted_at", df["posted_at"])
            if self.get("posts", "account_id") is not None and self.get("accounts", "account_id", "created_at") is not None:
                created, found = self.lookup("accounts", "account_id", df["account_id"], "created_at")
                bad = found & (df["posted_at"].reset_index(drop=True) < created).fillna(False).to_numpy(bool)
                self.check("posts", "posted_at", "after_account_created", bad, "posted before the account was created")

    def _in_period(self, table, column, values, day=False):
        period = self.period()
        if period is None:
            return
        start, end = period
        if day:
            start, end = start.tz_localize(None), end.tz_localize(None)
        bad = ((values < start) | (values >= end)).fillna(False)
        last = (end - (DAY if day else pd.Timedelta(microseconds=1)))
        self.check(table, column, "in_period", bad, f"outside the simulated period {start} .. {last}")

    # ---- post_daily
    def _post_daily(self):
        daily = self.get("post_daily", "post_id", "date", "day_index", complete=True)
        posts = self.get("posts", "post_id", "posted_at", complete=True)
        if daily is None:
            return
        self._in_period("post_daily", "date", daily["date"], day=True)
        if posts is None:
            return
        if not self.unique_keys.get("posts", False):
            return  # duplicate post ids were reported; per-post rules need unique posts
        pos = _positions(daily["post_id"], posts["post_id"])
        found = pos >= 0
        daily = daily[found]
        pos = pos[found]
        posted_day = posts["posted_at"].dt.tz_localize(None).dt.normalize().to_numpy()[pos]
        dates = daily["date"].to_numpy()
        day_index = daily["day_index"].to_numpy()
        codes = pos  # one code per post, aligned with the daily rows
        n_posts = len(posts)
        # start: the post's earliest row is day 0 on its posting day
        order = np.lexsort((day_index, codes))
        first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]] if len(order) else order
        has_rows = np.zeros(n_posts, bool)
        has_rows[codes[first]] = True
        starts_ok = np.ones(n_posts, bool)
        starts_ok[codes[first]] = (day_index[first] == 0) & (dates[first] == posted_day[first])
        self.check("post_daily", ("post_id", "date", "day_index"), "daily_start",
                   ~starts_ok | ~has_rows, "daily rows missing or not starting with day_index 0 on the posting day",
                   ids=posts["post_id"])
        # consecutive: date - day_index is the same day for all rows of a post, no gaps in day_index
        implied = dates - day_index.astype("timedelta64[D]")
        implied_first = np.empty(n_posts, dtype=implied.dtype)
        implied_first[codes[first]] = implied[first]
        shifted = implied != implied_first[codes]
        counts = np.bincount(codes, minlength=n_posts)
        max_index = np.full(n_posts, -1)
        np.maximum.at(max_index, codes, day_index)
        gaps = has_rows & (max_index != counts - 1)
        bad_post = gaps.copy()
        bad_post[codes[shifted]] = True
        self.check("post_daily", ("post_id", "date", "day_index"), "daily_consecutive", bad_post,
                   "daily rows are not consecutive days with date = posting day + day_index", ids=posts["post_id"])
        # sums
        totals = self.get("posts", "post_id", "impressions", "reach", "link_clicks", *ENGAGEMENT_COLUMNS, complete=True)
        sums = self.get("post_daily", *DAILY_TOTALS, complete=True)
        if totals is None or sums is None:
            return
        expected = {
            "impressions": totals["impressions"], "reach": totals["reach"], "link_clicks": totals["link_clicks"],
            "engagements": sum(totals[c] for c in ENGAGEMENT_COLUMNS),
        }
        for col in DAILY_TOTALS:
            values = sums[col].to_numpy()[found].astype("float64")
            got = np.bincount(codes, weights=values, minlength=n_posts)
            want = expected[col].to_numpy(dtype="float64", na_value=np.nan)
            if col == "reach":  # unique per day: an account reached on two days counts on both
                most = expected["impressions"].to_numpy(dtype="float64", na_value=np.nan)
                sane = want <= most  # a post whose reach exceeds its impressions is reported once, by its own rule
                self.check("post_daily", col, "daily_sums", sane & ((got < want) | (got > most)),
                           "daily reach sums to less than the post's lifetime reach or more than its lifetime "
                           "impressions", ids=posts["post_id"])
                continue
            self.check("post_daily", col, "daily_sums", got != want,
                       f"daily {col} do not sum to the post's lifetime {col}" +
                       (" (likes + comments + shares + saves)" if col == "engagements" else ""),
                       ids=posts["post_id"])

    # ---- followers_daily
    def _followers(self):
        fd = self.get("followers_daily", "account_id", "date", "followers", "follows", "unfollows", complete=True)
        accounts = self.get("accounts", "account_id", complete=True)
        self.last_followers = None
        if fd is None or not len(fd):
            return
        self._in_period("followers_daily", "date", fd["date"], day=True)
        if not self.unique_keys.get("followers_daily", False):
            return  # reported by unique_key; the series rules need one row per day
        codes = _codes(fd["account_id"])
        order = np.lexsort((fd["date"].to_numpy(), codes))
        codes = codes[order]
        dates = fd["date"].to_numpy()[order]
        followers = fd["followers"].to_numpy(dtype="int64")[order]
        net = (fd["follows"].to_numpy(dtype="int64") - fd["unfollows"].to_numpy(dtype="int64"))[order]
        new_account = np.r_[True, codes[1:] != codes[:-1]]
        starts = np.flatnonzero(new_account)
        ends = np.r_[starts[1:] - 1, len(codes) - 1]

        def ids():
            return (fd["account_id"].astype("str") + "|" + fd["date"].dt.strftime("%Y-%m-%d")).to_numpy(dtype=object)[order]

        prev = np.r_[0, followers[:-1]]
        bad = ~new_account & (followers != prev + net)
        self.check("followers_daily", ("followers", "follows", "unfollows"), "followers_balance", bad,
                   "followers[t] != followers[t-1] + follows[t] - unfollows[t]", ids=ids)
        # one row per day of the period, for every account
        account_ids = fd["account_id"].iloc[order[starts]].reset_index(drop=True)
        n_days = ends - starts + 1
        bad_days = (dates[ends] - dates[starts]) // np.timedelta64(1, "D") + 1 != n_days
        period = self.period()
        if period is not None:
            first, last = period[0].tz_localize(None), period[1].tz_localize(None) - DAY
            bad_days = bad_days | (dates[starts] != first.to_datetime64()) | (dates[ends] != last.to_datetime64())
        bad_ids = list(account_ids[bad_days])
        if accounts is not None:
            bad_ids += list(accounts["account_id"][~_isin(accounts["account_id"], account_ids)])
        self.check("followers_daily", ("account_id", "date"), "followers_days", np.ones(len(bad_ids), bool),
                   "accounts without exactly one row per day of the period", ids=np.array(bad_ids, dtype=object))
        # first day against accounts.followers_start
        if self.get("accounts", "account_id", "followers_start", complete=True) is not None:
            start, found = self.lookup("accounts", "account_id", account_ids, "followers_start")
            expected = start.to_numpy(dtype="float64", na_value=np.nan) + net[starts]
            bad = found & (followers[starts] != expected)
            self.check("followers_daily", ("followers", "follows", "unfollows"), "followers_start", bad,
                       "first day followers != accounts.followers_start + follows - unfollows",
                       ids=lambda: ids()[starts])
        self.last_followers = (account_ids, followers[ends])

    # ---- audience
    def _audience(self):
        aud = self.get("audience", "account_id", "followers", complete=True)
        if aud is not None and self.last_followers is not None:
            account_ids, last = self.last_followers
            pos = _positions(aud["account_id"], account_ids)
            known = pos >= 0  # unknown accounts are foreign_key violations
            total = np.bincount(pos[known], weights=aud["followers"].to_numpy(dtype="float64")[known],
                                minlength=len(account_ids))
            self.check("audience", "followers", "audience_sum", total != last,
                       "segment followers do not sum to the account's last followers_daily value",
                       ids=account_ids.to_numpy(dtype=object))
        aud = self.get("audience", "engaged_users", "followers")
        if aud is not None:
            self.check("audience", ("engaged_users", "followers"), "engaged_le_followers",
                       (aud["engaged_users"] > aud["followers"]).fillna(False), "engaged_users > followers")

    # ---- campaigns
    def _campaigns(self):
        for a, b, rule in (("spend", "budget", "spend_le_budget"), ("clicks", "impressions", "clicks_le_impressions"),
                           ("conversions", "clicks", "conversions_le_clicks"),
                           ("start_date", "end_date", "start_le_end")):
            df = self.get("campaigns", a, b)
            if df is not None:
                self.check("campaigns", (a, b), rule, (df[a] > df[b]).fillna(False), f"{a} > {b}")
        df = self.get("campaigns", "campaign_id", "test_id", "variant", complete=True)
        if df is not None:
            variant_mismatch = df["test_id"].isna() != df["variant"].isna()
            tests = df[df["test_id"].notna()]
            arms = (tests.assign(a=tests["variant"] == "A", b=tests["variant"] == "B")
                    .groupby("test_id", observed=True).agg(a=("a", "sum"), b=("b", "sum"), n=("a", "size")))
            broken = arms.index[(arms["a"] != 1) | (arms["b"] != 1) | (arms["n"] != 2)]
            bad = variant_mismatch | df["test_id"].isin(broken)
            self.check("campaigns", ("test_id", "variant"), "ab_arms", bad,
                       "A/B tests without exactly one A and one B, or variant set without test_id")

    # ---- comments
    def _comments(self):
        com = self.get("comments", "created_at")
        if com is None:
            return
        self._in_period("comments", "created_at", com["created_at"])
        com = self.get("comments", "post_id", "created_at")
        if com is None or self.get("posts", "post_id", "posted_at") is None:
            return
        posted, found = self.lookup("posts", "post_id", com["post_id"], "posted_at")
        created_at = com["created_at"].reset_index(drop=True)
        bad = found & (created_at < posted).fillna(False).to_numpy(bool)
        self.check("comments", "created_at", "comment_after_post", bad, "comment written before its post")
        if self.get("posts", "post_id", "account_id") is None or self.get("accounts", "account_id", "created_at") is None:
            return
        account, found_post = self.lookup("posts", "post_id", com["post_id"], "account_id")
        created, found_acc = self.lookup("accounts", "account_id", account, "created_at")
        bad = found_post & found_acc & (created_at < created).fillna(False).to_numpy(bool)
        self.check("comments", "created_at", "after_account_created", bad,
                   "comment written before the account was created")
