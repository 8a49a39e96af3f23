"""Dirty mode: turn a clean posts table into a realistic messy export.

Each kind of damage hits its own random rows (a share of ``rate`` split
between kinds), and every change is logged in the ``dirty_log`` truth table
(post_id, kind, column, original value) so a cleaning exercise can be graded
against what was really injected.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._schema import Column, Table

MAX_RATE = 0.5
#: Share of the dirty budget each kind of damage gets.
KINDS = {
    "duplicate_row": 0.15,
    "missing_value": 0.2,
    "label_variant": 0.25,
    "count_as_text": 0.15,
    "mixed_timestamp": 0.15,
    "impossible_value": 0.1,
}
PLATFORM_VARIANTS = {
    "instagram": ("Instagram", "IG", " instagram", "INSTAGRAM"),
    "tiktok": ("TikTok", "Tik Tok", "tiktok ", "TIKTOK"),
    "facebook": ("Facebook", "FB", " facebook", "FACEBOOK"),
    "x": ("X", "Twitter", "twitter", " x"),
    "linkedin": ("LinkedIn", "Linkedin", " linkedin", "LI"),
    "youtube": ("YouTube", "YT", "Youtube", " youtube"),
}
MISSING_COLUMNS = ("likes", "comments", "topic", "reach")
COUNT_COLUMNS = ("impressions", "reach", "likes")

DIRTY_LOG = Table(
    "dirty_log",
    "Every change dirty mode made to the posts table.",
    (
        Column("post_id", "id", "The damaged post (duplicates repeat it)."),
        Column("kind", "str", "Kind of damage: " + ", ".join(KINDS) + "."),
        Column("column", "str", "Damaged column (empty for duplicate rows)."),
        Column("original", "str", "The clean value, as text."),
    ),
)


def check_dirty(rate) -> float:
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate <= MAX_RATE:
        raise ValueError(f"dirty rate must be a number between 0 and {MAX_RATE} (share of rows to damage), got {rate!r}")
    return float(rate)


def human_count(values: np.ndarray) -> np.ndarray:
    """12345 -> '12.3K', 2500000 -> '2.5M' (what exports and dashboards show)."""
    v = values.astype(float)
    return np.where(v >= 1e6, np.char.add(np.char.mod("%.1f", v / 1e6), "M"),
                    np.char.add(np.char.mod("%.1f", v / 1e3), "K")).astype(object)


def make_dirty(ds, rate: float, rng: np.random.Generator):
    """Return ``ds`` with a messy posts table (all text) and the dirty_log label table."""
    posts = ds.posts.astype("object").astype("str")
    posts = posts.astype(object)
    n = len(posts)
    log = []
    taken = np.zeros(n, dtype=bool)

    def pick(share, eligible=None):
        ok = ~taken if eligible is None else (~taken & eligible)
        pool = np.flatnonzero(ok)
        k = min(len(pool), int(round(n * rate * share)))
        rows = np.sort(rng.choice(pool, size=k, replace=False)) if k else np.array([], dtype=int)
        taken[rows] = True
        return rows

    ids = posts["post_id"].to_numpy()
    rows = pick(KINDS["missing_value"])
    cols = rng.choice(MISSING_COLUMNS, size=len(rows))
    for r, c in zip(rows, cols):
        log.append((ids[r], "missing_value", c, posts.at[r, c]))
        posts.at[r, c] = None

    rows = pick(KINDS["label_variant"])
    for r in rows:
        clean = posts.at[r, "platform"]
        variants = PLATFORM_VARIANTS[clean]
        posts.at[r, "platform"] = variants[rng.integers(len(variants))]
        log.append((ids[r], "label_variant", "platform", clean))

    big = ds.posts["impressions"].to_numpy() >= 1000
    rows = pick(KINDS["count_as_text"], big)
    cols = rng.choice(COUNT_COLUMNS, size=len(rows))
    for r, c in zip(rows, cols):
        value = int(ds.posts.at[r, c])
        if value >= 1000:
            log.append((ids[r], "count_as_text", c, str(value)))
            posts.at[r, c] = human_count(np.array([value]))[0]

    rows = pick(KINDS["mixed_timestamp"])
    style = rng.integers(0, 3, len(rows))
    for r, s in zip(rows, style):
        ts = ds.posts.at[r, "posted_at"]
        text = (ts.strftime("%m/%d/%Y %H:%M:%S") if s == 0
                else ts.tz_convert("Europe/Paris").isoformat() if s == 1
                else str(int(ts.timestamp())))
        log.append((ids[r], "mixed_timestamp", "posted_at", ts.isoformat()))
        posts.at[r, "posted_at"] = text

    rows = pick(KINDS["impossible_value"])
    for r in rows:
        if rng.random() < 0.5:
            log.append((ids[r], "impossible_value", "likes", posts.at[r, "likes"]))
            posts.at[r, "likes"] = str(-int(ds.posts.at[r, "likes"]) - 1)
        else:
            log.append((ids[r], "impossible_value", "reach", posts.at[r, "reach"]))
            posts.at[r, "reach"] = str(int(ds.posts.at[r, "impressions"]) * 2 + 1)

    rows = pick(KINDS["duplicate_row"])
    log.extend((ids[r], "duplicate_row", "", "") for r in rows)
    dup = posts.iloc[rows]
    order = np.argsort(np.r_[np.arange(n), rows + rng.random(len(rows))], kind="stable")
    posts = pd.concat([posts, dup], ignore_index=True).iloc[order].reset_index(drop=True)

    ds.posts = posts.astype("str").where(posts.notna(), None)
    ds.labels["dirty_log"] = pd.DataFrame(log, columns=DIRTY_LOG.column_names).astype("str")
    counts = pd.Series([k for _, k, _, _ in log]).value_counts()
    ds.truth["dirty"] = {"rate": rate, "table": "posts", "clean_rows": n,
                         "injected": {k: int(counts.get(k, 0)) for k in KINDS}}
    ds.meta["dirty"] = rate
    return ds
