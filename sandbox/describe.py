"""A readable summary of a dataset: tables, dates, accounts and per-platform medians."""

from __future__ import annotations

import pandas as pd

from ._schema import ENGAGEMENT_COLUMNS, PLATFORMS
from .datadict import render_markdown
from .validate import simulated_period



def table_sizes(ds) -> pd.DataFrame:
    """Rows and columns of every learner table."""
    exported = ds.meta.get("exports", {})  # a dirty world's exported tables are files, not rows
    rows = [(name, len(df), len(df.columns), ", ".join(df.columns)) for name, df in ds.tables.items()
            if name not in exported]
    return pd.DataFrame(rows, columns=["table", "rows", "n_columns", "columns"]).set_index("table")


def platform_medians(ds) -> pd.DataFrame:
    """Per platform: accounts, and medians of posts per account, impressions, reach and engagement rates.

    Engagement rate = (likes + comments + shares + saves) / impressions (or / reach), per post,
    in percent; posts with no impressions (or reach) are left out of that median.
    """
    posts = ds.posts
    engagements = posts[list(ENGAGEMENT_COLUMNS)].sum(axis=1)
    per_post = pd.DataFrame({
        "platform": posts["platform"].astype("str"),
        "impressions": posts["impressions"],
        "reach": posts["reach"],
        "er_impressions_pct": 100 * engagements / posts["impressions"].where(posts["impressions"] > 0),
        "er_reach_pct": 100 * engagements / posts["reach"].where(posts["reach"] > 0),
    })
    medians = per_post.groupby("platform").median()
    accounts = ds.accounts.assign(platform=ds.accounts["platform"].astype("str"))
    posts_per_account = (
        posts.groupby("account_id").size()
        .reindex(accounts["account_id"], fill_value=0)
        .groupby(accounts.set_index("account_id")["platform"]).median()
    )
    out = pd.DataFrame({
        "accounts": accounts.groupby("platform").size(),
        "posts_per_account": posts_per_account,
    }).join(medians, how="left")
    order = [p for p in PLATFORMS if p in out.index]
    return out.loc[order].rename_axis("platform")


def date_range(ds) -> dict:
    """The simulated period and the first and last post."""
    period = simulated_period(ds.meta, ds.truth)
    out = {}
    if period is not None:
        out["period"] = f"{period[0].date()} .. {(period[1] - pd.Timedelta(days=1)).date()}"
    if len(ds.posts) and not ds.meta.get("dirty"):  # dirty exports keep timestamps as raw text
        out["posts"] = f"{ds.posts['posted_at'].min()} .. {ds.posts['posted_at'].max()}"
    return out


def describe(ds, dictionary: bool = True) -> str:
    """The summary as text, followed by the data dictionary unless ``dictionary`` is False."""
    made = ", ".join(f"{k}={ds.meta[k]}" for k in ("seed", "scale", "locale", "version") if k in ds.meta)
    lines = [f"Dataset {ds.path or '(in memory)'}" + (f" ({made})" if made else ""), ""]
    sizes = table_sizes(ds)
    lines += ["Tables", sizes[["rows", "n_columns"]].to_string(), ""]
    for what, span in date_range(ds).items():
        lines.append(f"Date range ({what}): {span}")
    if ds.exports:
        files = pd.Series([path.split("/")[1] for path in ds.exports]).value_counts()
        lines += ["", "Dirty world: " + ", ".join(f"{name} in {files.get(name, 0)} export files" for name in
                                                 ds.meta.get("exports", {}))
                  + " (exports/TABLE/BRAND_PLATFORM.csv, as the platforms' tools write them); recover the tables "
                    "with sandbox.reference.clean(DIR). Per-platform medians are not computed."]
    else:
        medians = platform_medians(ds)
        lines += [
            "",
            "Per platform (medians per post; engagement rate = (likes+comments+shares+saves) / impressions or / reach, %)",
            medians.to_string(float_format=lambda x: f"{x:,.2f}"),
        ]
    text = "\n".join(lines) + "\n"
    if dictionary:
        text += "\n" + render_markdown()
    return text
