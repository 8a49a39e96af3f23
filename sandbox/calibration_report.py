"""The calibration report: every calibrated figure measured in a world, next to its published range.

``calibration_report(ds)`` measures each figure of ``FIGURES`` in the learner
tables (never the truth) and says whether it sits inside the published range
(or the stated assumption) of ``sandbox._calibration``. ``sandbox describe DIR
--calibration`` prints it, and a test runs it over the default world and 20
seeds. It needs no real data: the ranges are the published figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from . import _calibration as cal
from ._schema import PLATFORMS
from .exercises._analysis import engagements, er_followers, er_impressions

MIN_POSTS = 200     # a per-platform figure needs this many posts to be judged
MIN_CAMPAIGN_ROWS = 5
FEED_PLATFORMS = ("instagram", "tiktok", "facebook", "x", "linkedin")


@dataclass(frozen=True)
class Figure:
    """One calibrated figure: how to measure it, its range and where the range comes from."""

    name: str
    measure: Callable  # ds -> {platform or "all": value}
    low: Callable      # platform -> float
    high: Callable
    source: str


def _per_platform(ds, values: pd.Series, minimum: int = MIN_POSTS, how: str = "median") -> dict:
    platform = ds.posts["platform"].astype(str)
    counts = platform.value_counts()
    agg = values.groupby(platform).agg(how)
    return {p: float(agg[p]) for p in PLATFORMS if counts.get(p, 0) >= minimum and p in agg.index}


def _local_hour(ds) -> pd.Series:
    from .reference import local_posted_at

    return local_posted_at(ds).dt.hour


def _tails(ds) -> pd.DataFrame:
    """Per account with at least 30 posts: impressions mean / median and the top 1% posts' share of engagements."""
    posts = ds.posts.assign(eng=engagements(ds.posts))
    rows = []
    for _, g in posts.groupby("account_id"):
        if len(g) < 30:
            continue
        eng = np.sort(g["eng"].to_numpy())[::-1]
        k = max(1, round(len(eng) * 0.01))
        rows.append((g["impressions"].mean() / max(g["impressions"].median(), 1), eng[:k].sum() / max(eng.sum(), 1)))
    return pd.DataFrame(rows, columns=["mean_median", "top1"])


def _paid_ratio(ds) -> dict:
    """Median ER per impression of boosted posts relative to their own account's median organic ER."""
    posts = ds.posts.assign(er=er_impressions(ds.posts))
    organic = posts[~posts["is_boosted"]].groupby("account_id")["er"].median()
    boosted = posts[posts["is_boosted"]]
    if len(boosted) < 30:
        return {}
    return {"all": float((boosted["er"] / boosted["account_id"].map(organic)).median())}


def _day01_share(ds) -> dict:
    d = ds.post_daily
    full = d.groupby("post_id")["day_index"].transform("max") == 6
    d = d[full].merge(ds.posts[["post_id", "platform"]], on="post_id")
    g = d.groupby([d["platform"].astype(str), d["day_index"] <= 1])["impressions"].sum().unstack(fill_value=0)
    n = d.groupby(d["platform"].astype(str))["post_id"].nunique()
    share = g.get(True, 0) / g.sum(axis=1)
    return {p: float(share[p]) for p in PLATFORMS if p in share.index and n.get(p, 0) >= MIN_POSTS / 4}


def _growth(ds) -> pd.DataFrame:
    f = ds.followers_daily.sort_values(["account_id", "date"])
    g = f.groupby("account_id").agg(first=("followers", "first"), last=("followers", "last"),
                                     n=("followers", "size"))
    start = ds.accounts.set_index("account_id")["followers_start"]
    months = g["n"] / 30.44
    monthly = (g["last"] / start.loc[g.index]) ** (1 / months) - 1
    return pd.DataFrame({"monthly": monthly, "platform": ds.accounts.set_index("account_id")["platform"].astype(str)
                         .loc[g.index], "declined": g["last"] < start.loc[g.index]})


def _viral_bump(ds) -> dict:
    labels = ds.labels.get("post_labels") if ds.labels else None
    if labels is None or not labels["is_viral"].any():
        return {}
    viral = ds.posts[ds.posts["post_id"].isin(labels.loc[labels["is_viral"], "post_id"])]
    f = ds.followers_daily
    median = f.groupby("account_id")["follows"].median().clip(lower=1)
    day = viral["posted_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    that_day = f.set_index(["account_id", "date"])["follows"].reindex(list(zip(viral["account_id"], day)))
    ratio = that_day.to_numpy() / viral["account_id"].map(median).to_numpy()
    return {"all": float(np.nanmedian(ratio))}


def _ads(ds, what: str) -> dict:
    c = ds.campaigns.assign(spend=lambda d: d["spend"] / d["currency"].astype(str).map(cal.PER_USD))  # in USD
    g = c.groupby(c["platform"].astype(str))[["spend", "impressions", "clicks"]].sum()
    n = c.groupby(c["platform"].astype(str)).size()
    value = {"ctr": g["clicks"] / g["impressions"], "cpc": g["spend"] / g["clicks"],
             "cpm": 1000 * g["spend"] / g["impressions"]}[what]
    return {p: float(value[p]) for p in PLATFORMS if n.get(p, 0) >= MIN_CAMPAIGN_ROWS and p in value.index}


def _conversion(ds, objective: str) -> dict:
    c = ds.campaigns[ds.campaigns["objective"].astype(str) == objective]
    if len(c) < MIN_CAMPAIGN_ROWS:
        return {}
    return {"all": float(c["conversions"].sum() / max(c["clicks"].sum(), 1))}


def _monthly_growth_range(p):
    lo, hi = cal.MONTHLY_GROWTH_SOURCES[p]
    return lo, hi


def _const(value):
    return lambda p: value


def _bench(metric, side):
    return lambda p: cal.AD_BENCHMARK_RANGE[p][metric][side]


FIGURES = (
    Figure("ER per impression, median post", lambda ds: _per_platform(ds, er_impressions(ds.posts)),
           lambda p: cal.ER_IMPRESSIONS[p] / 1.5, lambda p: cal.ER_IMPRESSIONS[p] * 1.5,
           "Buffer 2025 [secondary]; Facebook: UCI Facebook Metrics (Moro et al. 2016); YouTube: assumption; x/1.5..x*1.5"),
    Figure("ER per follower, median post",
           lambda ds: {p: v for p, v in _per_platform(ds, er_followers(ds.posts, ds.followers_daily)).items()
                       if p in cal.ER_FOLLOWERS_RANGE},
           lambda p: cal.ER_FOLLOWERS_RANGE[p][0], lambda p: cal.ER_FOLLOWERS_RANGE[p][1],
           "Rival IQ 2023/2024, Socialinsider 2026 [secondary]; lowest/1.5..highest*1.5"),
    Figure("impressions / reach, median post",
           lambda ds: {k: v for k, v in _per_platform(ds, ds.posts["impressions"] / ds.posts["reach"].where(
               ds.posts["reach"] > 0)).items() if k == "facebook"},
           _const(1.5), _const(2.1), "UCI Facebook Metrics page: IQR 1.66-1.88 (Moro et al. 2016)"),
    Figure("reach / followers, median post",
           lambda ds: {k: v for k, v in _per_platform(ds, ds.posts["reach"] / ds.posts["account_id"].map(
               ds.accounts.set_index("account_id")["followers_start"])).items() if k == "facebook"},
           _const(0.02), _const(0.12), "UCI Facebook Metrics page: 4.9% (Moro et al. 2016); range assumption"),
    Figure("impressions mean / median within an account (median account)",
           lambda ds: {"all": float(_tails(ds)["mean_median"].median())} if len(_tails(ds)) else {},
           _const(2.0), _const(4.0), "issue 10 target; UCI Facebook Metrics page 3.27"),
    Figure("top 1% of an account's posts: share of its engagements (median account)",
           lambda ds: {"all": float(_tails(ds)["top1"].median())} if len(_tails(ds)) else {},
           _const(0.10), _const(0.20), "issue 10 target; UCI Facebook Metrics page 13.4%"),
    Figure("boosted / organic ER per impression, same account", _paid_ratio,
           _const(0.65), _const(1.05), "UCI Facebook Metrics page: paid 0.88x organic; range assumption (a small "
           "world's 100-200 boosted posts spread as widely as real posts)"),
    Figure("organic instagram/tiktok posts with link clicks, share",
           lambda ds: {p: float((ds.posts.loc[(ds.posts["platform"] == p) & ~ds.posts["is_boosted"], "link_clicks"]
                                 > 0).mean()) for p in ("instagram", "tiktok")
                       if ((ds.posts["platform"] == p) & ~ds.posts["is_boosted"]).sum() >= MIN_POSTS},
           _const(0.0), _const(0.0), "platform rules: no clickable links in organic captions"),
    Figure("posts between 00:00 and 06:00 local time, share",
           lambda ds: {"all": float((_local_hour(ds) < 6).mean())} if len(ds.posts) else {},
           _const(0.0), _const(0.05), "issue 10 target (local working habits)"),
    Figure("first-week impressions on days 0-1, share", _day01_share,
           lambda p: 0.5 if p in FEED_PLATFORMS else 0.3, lambda p: 1.0 if p in FEED_PLATFORMS else 0.75,
           "issue 10 target: feed platforms >= 50%, YouTube slower (assumption)"),
    Figure("posts per account per week, median",
           lambda ds: {p: v for p, v in (ds.posts.groupby("account_id").size().reindex(ds.accounts["account_id"],
                                                                                        fill_value=0)
                                         / (ds.followers_daily.groupby("account_id").size().max() / 7)).groupby(
               ds.accounts.set_index("account_id")["platform"].astype(str)).median().items()
               if p in cal.POSTS_PER_WEEK_SOURCES},
           lambda p: cal.POSTS_PER_WEEK_SOURCES[p] / 1.5, lambda p: cal.POSTS_PER_WEEK_SOURCES[p] * 1.5,
           "Rival IQ 2023: Facebook 5.04, Instagram 4.5, X 3.9 per week; x/1.5..x*1.5"),
    Figure("net monthly follower growth, median growing account",
           lambda ds: {p: v for p, v in (lambda g: g[~g["declined"]])(_growth(ds)).groupby("platform")["monthly"]
                       .median().items() if p in cal.MONTHLY_GROWTH_SOURCES},
           lambda p: _monthly_growth_range(p)[0] / 3, lambda p: _monthly_growth_range(p)[1] * 2,
           "monthly growth: Instagram/LinkedIn 1-3%, X 0.3-1%, Facebook 0.2-0.8% [secondary]; TikTok brands 2-5% "
           "(Rival IQ 2022 TikTok benchmark); lo/3..hi*2 (the sources describe growing accounts)"),
    Figure("accounts that lose followers over the period, share",
           lambda ds: {"all": float(_growth(ds)["declined"].mean())}, _const(0.10), _const(0.45),
           "issue 10 target (>= 10%); upper bound assumption"),
    Figure("follows on a viral post's day / account's median daily follows (median viral post)", _viral_bump,
           _const(2.0), _const(float("inf")), "issue 10 target (>= 2x)"),
    Figure("ad CTR (clicks / impressions)", lambda ds: _ads(ds, "ctr"), _bench("ctr", 0), _bench("ctr", 1),
           "WordStream 2017; ad-calc 2024 [secondary]; LinkedIn 0.4-0.8% [secondary]; lowest/1.5..highest*1.5"),
    Figure("ad CPC, USD", lambda ds: _ads(ds, "cpc"), _bench("cpc", 0), _bench("cpc", 1),
           "WordStream 2017 (Facebook $1.72); ad-calc 2024 [secondary]; lowest/1.5..highest*1.5"),
    Figure("ad CPM, USD", lambda ds: _ads(ds, "cpm"), _bench("cpm", 0), _bench("cpm", 1),
           "ad-calc 2024, Prooflytics 2026, wifitalents [secondary]; lowest/1.5..highest*1.5"),
    Figure("conversion rate of conversions campaigns", lambda ds: _conversion(ds, "conversions"),
           _const(0.0921 / 1.5), _const(0.0921 * 1.5), "WordStream Facebook average 9.21% [secondary]; x/1.5..x*1.5"),
    Figure("conversion rate of traffic campaigns", lambda ds: _conversion(ds, "traffic"),
           _const(0.0375 / 3), _const(0.0375), "ad-calc 2024 cross-platform 3.75% [secondary] as the ceiling; assumption"),
    Figure("conversion rate of awareness campaigns", lambda ds: _conversion(ds, "awareness"),
           _const(0.0), _const(0.0375 / 3), "below traffic campaigns (assumption)"),
    Figure("A/B tests: share of ad spend",
           lambda ds: {"all": float(ds.campaigns.loc[ds.campaigns["test_id"].notna(), "spend"].sum()
                                    / max(ds.campaigns["spend"].sum(), 1))},
           _const(0.0), _const(cal.AB_SPEND_SHARE_MAX), "issue 10 target (< 40%)"),
    Figure("revenue per conversion, p90 / p50 over campaigns",
           lambda ds: (lambda r: {"all": float(r.quantile(0.9) / r.median())} if len(r) >= 10 else {})(
               (ds.campaigns["revenue"] / ds.campaigns["conversions"]).dropna()),
           _const(2.0), _const(20.0), "a tail across industries and campaigns (assumption)"),
)


def calibration_report(ds) -> pd.DataFrame:
    """Every calibrated figure measured in ``ds``: figure, platform, measured, low, high, status, source.

    ``status`` is ``in`` or ``out`` of [low, high]; figures a world is too small
    to measure (too few posts or campaigns) are left out.
    """
    rows = []
    for fig in FIGURES:
        for platform, value in fig.measure(ds).items():
            lo, hi = fig.low(platform), fig.high(platform)
            ok = bool(np.isfinite(value) and lo <= value <= hi)
            rows.append((fig.name, platform, value, lo, hi, "in" if ok else "out", fig.source))
    return pd.DataFrame(rows, columns=["figure", "platform", "measured", "low", "high", "status", "source"])


def format_report(report: pd.DataFrame) -> str:
    """The report as text: one block per figure, a line per platform, and a count of figures out of range."""
    lines = []
    for name, g in report.groupby("figure", sort=False):
        lines.append(f"{name}  [{g['source'].iat[0]}]")
        for r in g.itertuples():
            lines.append(f"  {r.platform:<10} {r.measured:>12.4g}   range {r.low:.4g} .. {r.high:.4g}   {r.status}")
    out = int((report["status"] == "out").sum())
    lines.append(f"\n{len(report) - out} of {len(report)} calibrated figures inside their published range"
                 + (f"; {out} out" if out else ""))
    return "\n".join(lines) + "\n"
