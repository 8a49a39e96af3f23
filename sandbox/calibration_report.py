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
from .analysis import engagements, er_followers, er_impressions, in_base_currency, local_hour, local_posted_at

MIN_POSTS = 200     # a per-platform figure needs this many posts to be judged
MIN_CAMPAIGN_ROWS = 5
AD_MIN_CAMPAIGNS = 8
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


_TAILS: dict = {}


def _tails(ds) -> pd.DataFrame:
    """Per account with at least 30 posts: impressions mean / median and the top 1% posts' share of engagements
    (computed once per posts table: two figures read it)."""
    key = id(ds.posts)
    if key not in _TAILS:
        _TAILS.clear()
        _TAILS[key] = _tails_of(ds)
    return _TAILS[key]


def _tails_of(ds) -> pd.DataFrame:
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


def _campaigns_usd(ds) -> pd.DataFrame:
    """Campaigns with their money in US dollars (base currency, then the base's dollar rate) and the brand's country."""
    from .generator.money import per_usd

    fx = ds.fx_rates
    usd = in_base_currency(ds.campaigns, fx)
    per = float(per_usd([fx["base_currency"].iat[0]])[0]) if len(fx) else 1.0
    return usd.assign(budget=usd["budget"] / per, spend=usd["spend"] / per, revenue=usd["revenue"] / per,
                      country=usd["brand_id"].map(ds.brands.set_index("brand_id")["country"]).astype(str))


def _ads(ds, what: str, us_only: bool = True) -> dict:
    """Pooled CTR, CPC or CPM per platform over at least AD_MIN_CAMPAIGNS campaigns (a pooled rate mixes
    objectives bought at different prices: fewer campaigns make it noisy); the benchmarks are US figures, so
    money ones use US brands."""
    c = _campaigns_usd(ds)
    if us_only:
        c = c[c["country"] == "US"]
    g = c.groupby(c["platform"].astype(str))[["spend", "impressions", "clicks"]].sum()
    n = c.groupby(c["platform"].astype(str)).size()
    value = {"ctr": g["clicks"] / g["impressions"], "cpc": g["spend"] / g["clicks"],
             "cpm": 1000 * g["spend"] / g["impressions"]}[what]
    return {p: float(value[p]) for p in PLATFORMS if n.get(p, 0) >= AD_MIN_CAMPAIGNS and p in value.index}


def _conversion(ds, objective: str, platforms=PLATFORMS) -> dict:
    """Conversions per click of one objective's campaigns at US prices: the benchmarks are US figures, and a
    cheaper market's clicks convert less (``AD_PRICE_INDEX / PRICE_LEVEL``), so its conversions are scaled back."""
    c = _campaigns_usd(ds)
    c = c[(c["objective"].astype(str) == objective) & c["platform"].isin(platforms)]
    if len(c) < MIN_CAMPAIGN_ROWS:
        return {}
    from .generator.money import ad_price_index

    level = c["country"].map(cal.PRICE_LEVEL).to_numpy(float)
    market = np.minimum(ad_price_index(c["country"].to_numpy(), c["platform"].astype(str).to_numpy()) / level, 1.0)
    return {"all": float((c["conversions"] / market).sum() / max(c["clicks"].sum(), 1))}


#: Published ROAS, (lowest, highest) per platform group (sources in the figure); YouTube and X have none,
#: and are held to the cross-industry median, ROAS_FALLBACK, halved to x1.5.
ROAS_SOURCES = {"meta": (2.0, 3.5), "tiktok": (2.0, 3.5), "linkedin": (1.13, 2.9), "all": (2.24, 2.87)}
ROAS_FALLBACK = 2.87


def _roas_range(group: str) -> tuple[float, float]:
    if group in ROAS_SOURCES:
        low, high = ROAS_SOURCES[group]
        return low / 1.5, high * 1.5
    return ROAS_FALLBACK / 2, ROAS_FALLBACK * 1.5

#: Platform groups of the ROAS benchmarks (Meta reports Facebook and Instagram together).
ROAS_GROUPS = {"meta": ("facebook", "instagram"), "tiktok": ("tiktok",), "linkedin": ("linkedin",),
               "youtube": ("youtube",), "x": ("x",)}


def _roas(ds) -> dict:
    """Median ROAS of conversions campaigns, per platform group and over all of them (ROAS needs no conversion:
    revenue and spend of a campaign share its currency)."""
    c = ds.campaigns[ds.campaigns["objective"].astype(str) == "conversions"]
    roas = c["revenue"] / c["spend"]
    out = {g: float(roas[c["platform"].isin(ps)].median()) for g, ps in ROAS_GROUPS.items()
           if c["platform"].isin(ps).sum() >= 2 * MIN_CAMPAIGN_ROWS}
    if len(c) >= MIN_CAMPAIGN_ROWS:
        out["all"] = float(roas.median())
    return out


def _share(values: pd.Series, minimum: int = MIN_CAMPAIGN_ROWS) -> dict:
    return {"all": float(values.mean())} if len(values) >= minimum else {}


def _meta_cpm_by_country(ds) -> dict:
    c = _campaigns_usd(ds)
    c = c[c["platform"].isin(ROAS_GROUPS["meta"]) & c["country"].isin(cal.META_CPM_BY_COUNTRY)]
    g = c.groupby("country")[["spend", "impressions"]].sum()
    n = c.groupby("country").size()
    return {k: float(1000 * g.at[k, "spend"] / max(g.at[k, "impressions"], 1)) for k in g.index
            if n[k] >= 2 * MIN_CAMPAIGN_ROWS}


def _linkedin_cpm_abroad(ds) -> dict:
    """LinkedIn CPM (USD) of the brands of each country but the US, over enough campaigns."""
    c = _campaigns_usd(ds)
    c = c[(c["platform"].astype(str) == "linkedin") & (c["country"] != "US")]
    g = c.groupby("country")[["spend", "impressions"]].sum()
    n = c.groupby("country").size()
    return {k: float(1000 * g.at[k, "spend"] / max(g.at[k, "impressions"], 1)) for k in g.index
            if n[k] >= MIN_CAMPAIGN_ROWS}


def _under_delivery_frequency(ds) -> dict:
    """Median frequency of campaigns spending under 90% of their budget over the others' (same objectives)."""
    c = ds.campaigns.assign(frequency=ds.campaigns["impressions"] / ds.campaigns["reach"].clip(lower=1))
    under = c["spend"] < 0.9 * c["budget"]
    if not under.any() or under.all():
        return {}
    usual = c[~under].groupby(c["objective"].astype(str))["frequency"].median()
    return {"all": float((c.loc[under, "frequency"] / c.loc[under, "objective"].astype(str).map(usual)).median())}


def _boosted_ctr(ds) -> dict:
    """A boosted post's link CTR over its campaign's CTR (median boosted post): the post is the ad."""
    posts = getattr(ds, "posts", None)
    if posts is None:
        return {}
    p = posts[posts["is_boosted"] & (posts["impressions"] > 0)]
    if len(p) < 30:
        return {}
    c = ds.campaigns.set_index("campaign_id")
    ctr = p["campaign_id"].map(c["clicks"] / c["impressions"].clip(lower=1))
    return {"all": float((p["link_clicks"] / p["impressions"] / ctr).median())}


def _ab_ctr_moves(ds) -> dict:
    """Share of A/B tests whose B creative's CTR differs from A's by more than 10%."""
    t = ds.campaigns.dropna(subset=["test_id"])
    ctr = (t["clicks"] / t["impressions"]).groupby([t["test_id"], t["variant"].astype(str)]).first().unstack()
    if len(ctr) < MIN_CAMPAIGN_ROWS:
        return {}
    return {"all": float(((ctr["B"] / ctr["A"] - 1).abs() > 0.10).mean())}


def _monthly_growth_range(p):
    lo, hi = cal.MONTHLY_GROWTH_SOURCES[p]
    return lo, hi


def _const(value):
    return lambda p: value


def _bench(metric, side):
    return lambda p: cal.AD_BENCHMARK_RANGE[p][metric][side]


#: Data model v3 figures of paid campaigns: measured from the campaigns, brands and rates (and posts for
#: boosted posts), so they can be checked on many worlds without drawing their posts.
MONEY_FIGURES = (
    Figure("ROAS of conversions campaigns, median campaign", _roas,
           lambda g: _roas_range(g)[0], lambda g: _roas_range(g)[1],
           "Meta: Varos median Facebook ROAS 2.24, early 2025; roas-calculator.org Meta e-commerce 2.5; Powerhouse "
           "Media 2026 mean 2.8; AdLibrary 2026 blended 2.0-3.5 [secondary]. "
           "TikTok in-feed 2.0-3.5 (Varos) [secondary]. LinkedIn: B2B SaaS 1.13 (Blumpo 2025), 2.9 (Swell 2024) "
           "[secondary]. lowest/1.5..highest*1.5. YouTube, X: no published figure; cross-industry median 2.87 "
           "[secondary], /2..*1.5. all: Varos 2.24 to the cross-industry 2.87, /1.5..*1.5"),
    Figure("conversions campaigns with ROAS above 10, share",
           lambda ds: _share((lambda c: c["revenue"] / c["spend"] > 10)(
               ds.campaigns[ds.campaigns["objective"].astype(str) == "conversions"])),
           _const(0.0), _const(0.05), "rare in practice; no published share (assumption, issue 22: 21% before)"),
    Figure("awareness campaigns with any conversion, share",
           lambda ds: _share(ds.campaigns.loc[ds.campaigns["objective"].astype(str) == "awareness", "conversions"] > 0),
           _const(0.0), _const(0.5), "awareness is bought for reach, not optimised for conversions (assumption)"),
    Figure("spend / budget, median campaign",
           lambda ds: {"all": float((ds.campaigns["spend"] / ds.campaigns["budget"]).median())}
           if len(ds.campaigns) >= MIN_CAMPAIGN_ROWS else {},
           _const(0.98), _const(1.0), "platforms pace a lifetime budget to spend it by the end date (assumption)"),
    Figure("campaigns spending under 90% of their budget, share",
           lambda ds: _share(ds.campaigns["spend"] < 0.9 * ds.campaigns["budget"]),
           _const(0.0), _const(0.10), "under-delivery is rare (assumption)"),
    Figure("under-delivering campaigns: frequency / usual frequency of their objective", _under_delivery_frequency,
           _const(1.5), _const(float("inf")), "under-delivery is explained: the audience is too small (assumption)"),
    Figure("Meta CPM by brand country, USD", _meta_cpm_by_country,
           lambda k: cal.META_CPM_BY_COUNTRY[k] / 3, lambda k: cal.META_CPM_BY_COUNTRY[k] * 1.5,
           "Superads 2025 country medians (US 22.7, CA 12.3, AU 15.6, FR 8.0, ES 6.1, CO 2.7) [secondary]; they "
           "sit above the benchmarks of the platform CPMs: x/3..x*1.5"),
    Figure("LinkedIn CPM by brand country outside the US, USD", _linkedin_cpm_abroad,
           _const(cal.LINKEDIN_CPM_ABROAD[0]), _const(cal.LINKEDIN_CPM_ABROAD[1]),
           "Lever Digital 2026 UK GBP 20-35 (USD 25-45), Merkelijkheid 2025 Western Europe EUR 30-100+ [secondary]: "
           "LinkedIn's CPMs stay near the US ones where Meta's fall; low end /2.5"),
    Figure("boosted post's link CTR / its campaign's CTR, median boosted post", _boosted_ctr,
           _const(0.4), _const(1.2), "the post is the ad: its paid impressions are clicked at the campaign's rate "
           "(assumption)"),
    Figure("A/B tests whose B creative moves CTR by more than 10%, share", _ab_ctr_moves,
           _const(0.2), _const(1.0), "creative tests move CTR, not only conversions (assumption)"),
)

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
           lambda ds: {"all": float((local_hour(ds) < 6).mean())} if len(ds.posts) else {},
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
    Figure("ad CTR (clicks / impressions)", lambda ds: _ads(ds, "ctr", us_only=False),
           _bench("ctr", 0), _bench("ctr", 1),
           "WordStream 2017; ad-calc 2024 [secondary]; LinkedIn 0.4-0.8% [secondary]; lowest/1.5..highest*1.5"),
    Figure("ad CPC, USD, US brands", lambda ds: _ads(ds, "cpc"), _bench("cpc", 0), _bench("cpc", 1),
           "WordStream 2017 (Facebook $1.72); ad-calc 2024 [secondary]; lowest/1.5..highest*1.5"),
    Figure("ad CPM, USD, US brands", lambda ds: _ads(ds, "cpm"), _bench("cpm", 0), _bench("cpm", 1),
           "ad-calc 2024, Prooflytics 2026, wifitalents [secondary]; lowest/1.5..highest*1.5"),
    Figure("conversion rate of Meta conversions campaigns, at US prices",
           lambda ds: _conversion(ds, "conversions", ROAS_GROUPS["meta"]),
           _const(0.0921 / 2), _const(0.0921 * 1.5),
           "WordStream Facebook average 9.21% [secondary]; x/2..x*1.5 (industries convert differently)"),
    Figure("conversion rate of traffic campaigns, at US prices", lambda ds: _conversion(ds, "traffic"),
           _const(0.0375 / 4), _const(0.0375 * 1.5),
           "ad-calc 2024 cross-platform average 3.75% [secondary]; traffic converts less than conversion campaigns "
           "and platforms differ (assumption): x/4..x*1.5"),
    Figure("conversion rate of awareness campaigns, at US prices", lambda ds: _conversion(ds, "awareness"),
           _const(0.0), _const(0.0375 / 3), "below traffic campaigns (assumption)"),
    Figure("A/B tests: share of ad spend",
           lambda ds: (lambda c: {"all": float(c.loc[c["test_id"].notna(), "spend"].sum() / max(c["spend"].sum(), 1))})(
               _campaigns_usd(ds)),
           _const(0.0), _const(cal.AB_SPEND_SHARE_MAX), "issue 10 target (< 40%)"),
    Figure("revenue per conversion, p90 / p50 over campaigns",
           lambda ds: (lambda c: (lambda r: {"all": float(r.quantile(0.9) / r.median())} if len(r) >= 10 else {})(
               (c["revenue"] / c["conversions"]).dropna()))(_campaigns_usd(ds)),
           _const(2.0), _const(20.0), "a tail across industries and campaigns (assumption)"),
    *MONEY_FIGURES,
)


# ---------------------------------------------------------------- data model v3: a practitioner's first look


def _organic(ds) -> pd.DataFrame:
    p = ds.posts[~ds.posts["is_boosted"]]
    return p.assign(er=er_impressions(p))


def _by_account(frame: pd.DataFrame, stat: Callable, minimum: int = 30) -> pd.Series:
    """``stat(group)`` of each account with at least ``minimum`` rows of ``frame``."""
    sizes = frame.groupby("account_id").size()
    keep = frame[frame["account_id"].isin(sizes.index[sizes >= minimum])]
    return keep.groupby("account_id").apply(stat) if len(keep) else pd.Series(dtype=float)


def _er_spread(ds) -> dict:
    p = _organic(ds)
    p = p[p["format"].astype(str) == "image"]
    spread = _by_account(p, lambda g: g["er"].quantile(0.9) / max(g["er"].quantile(0.1), 1e-9))
    return {"all": float(spread.median())} if len(spread) else {}


def _likes_impressions(ds) -> dict:
    """Spearman correlation within each account: Pearson's of the ranks, all accounts at once."""
    p = _organic(ds)
    sizes = p.groupby("account_id")["likes"].transform("size")
    p = p[sizes >= 30]
    if not len(p):
        return {}
    by = p.groupby("account_id")
    x, y = by["likes"].rank(), by["impressions"].rank()
    dx, dy = x - x.groupby(p["account_id"]).transform("mean"), y - y.groupby(p["account_id"]).transform("mean")
    parts = pd.DataFrame({"xy": dx * dy, "xx": dx * dx, "yy": dy * dy}).groupby(p["account_id"]).sum()
    rho = parts["xy"] / np.sqrt(parts["xx"] * parts["yy"]).replace(0, np.nan)
    return {"all": float(rho.median())}


def _comments_per_like(ds) -> dict:
    p = _organic(ds)
    p = p[p["platform"].astype(str) == "facebook"]
    ratio = _by_account(p, lambda g: g["comments"].sum() / max(g["likes"].sum(), 1))
    return {"facebook": float(ratio.median())} if len(ratio) else {}


def _account_spread(ds) -> dict:
    """p90/p10 of the accounts' median ER per follower, per platform, over accounts with 20+ posts and 1,000+
    followers (Rival IQ's benchmarks study brands with real followings; a 300-follower X account's median post
    has no engagement at all, which makes any ratio infinite)."""
    p = ds.posts
    erf = er_followers(p, ds.followers_daily)
    big = ds.accounts.set_index("account_id")["followers_start"] >= 1000
    counts = p.groupby("account_id").size()
    med = erf.groupby(p["account_id"]).median()[(counts >= 20) & big.reindex(counts.index, fill_value=False)]
    platform = ds.accounts.set_index("account_id")["platform"].astype(str).reindex(med.index)
    out = {}
    for name, g in med.groupby(platform):
        if len(g) >= 10:
            out[name] = float(g.quantile(0.9) / max(g.quantile(0.1), 1e-12))
    return out


def _weekend_share(ds) -> dict:
    weekend = local_posted_at(ds).dt.day_of_week >= 5
    return _per_platform(ds, weekend.astype(float), how="mean")


def _video_posts(ds, table: dict | None = None):
    """Video posts with their views as float, keyed 'platform format' (only formats in ``table`` if given)."""
    p = ds.posts.dropna(subset=["video_views"])
    key = p["platform"].astype(str) + " " + p["format"].astype(str)
    if table is not None:
        keep = key.isin([f"{q} {f}" for q, f in table])
        p, key = p[keep.to_numpy()], key[keep.to_numpy()]
    return p, p["video_views"].astype(float), key


def _median_by_format(value, key) -> dict:
    n = key.value_counts()
    return {k: float(v) for k, v in value.groupby(key).median().items() if n[k] >= MIN_POSTS / 4}


def _view_rates(ds) -> dict:
    p, views, key = _video_posts(ds, cal.VIDEO_VIEW_RATE)
    return _median_by_format(views / p["impressions"].clip(lower=1), key)


def _view_rate_range(side):
    def bound(key):
        platform, fmt = key.split(" ")
        return cal.VIDEO_VIEW_RATE[(platform, fmt)] * (1 / 1.5 if side == 0 else 1.5)
    return bound


def _views_per_reach(ds) -> dict:
    p, views, key = _video_posts(ds, cal.VIEWS_PER_REACH)
    return _median_by_format(views / p["reach"].clip(lower=1), key)


def _er_per_view(ds) -> dict:
    p, views, key = _video_posts(ds)
    return _median_by_format(engagements(p) / views.clip(lower=1), key)


def _er_per_view_range(side):
    def bound(key):
        platform, fmt = key.split(" ")
        return cal.ER_PER_VIEW_RANGE.get((platform, fmt), (0.0, cal.ER_PER_VIEW_CEILING))[side]
    return bound


def _engagers_over_views(ds) -> dict:
    p, views, key = _video_posts(ds)
    over = (p["likes"] + p["comments"] > views).astype(float)
    n = key.value_counts()
    return {k: float(v) for k, v in over.groupby(key).mean().items() if n[k] >= MIN_POSTS / 4}


def _flat_months(ds) -> dict:
    f = ds.followers_daily
    month = f.groupby(["account_id", f["date"].dt.to_period("M")])["followers"].agg(["first", "last"])
    return {"all": float(((month["last"] / month["first"].clip(lower=1) - 1).abs() < 0.0025).mean())}


def _influencer_rule(ds, what: str) -> dict:
    labels = ds.labels.get("influencer_labels") if ds.labels else None
    if labels is None:
        return {}
    inf = ds.influencers
    bought = labels.set_index("influencer_id").reindex(inf["influencer_id"])["has_bought_followers"].to_numpy(bool)
    rule = ((inf["max_weekly_gain_pct"] > 3) | (inf["audience_home_share"] < 0.5)).to_numpy()
    hits = float((rule & bought).sum())
    value = hits / max(rule.sum(), 1) if what == "precision" else hits / max(bought.sum(), 1)
    return {"all": value}


def _bought_er_ratio(ds) -> dict:
    """Median ER per displayed follower of the creators with bought followers / that of the others, each ER taken
    relative to the median ER of the honest creators of its platform (platforms engage several-fold apart)."""
    labels = ds.labels.get("influencer_labels") if ds.labels else None
    if labels is None:
        return {}
    inf = ds.influencers
    bought = labels.set_index("influencer_id").reindex(inf["influencer_id"])["has_bought_followers"].to_numpy(bool)
    if bought.sum() < 10:
        return {}
    er = (inf["avg_likes"] + inf["avg_comments"]) / inf["followers"]
    honest_median = er[~bought].groupby(inf["platform"][~bought].astype(str)).median()
    relative = (er / inf["platform"].astype(str).map(honest_median)).to_numpy(float)
    return {"all": float(np.nanmedian(relative[bought]) / np.nanmedian(relative[~bought]))}


def _price_per_1k(ds) -> dict:
    """Median price per 1,000 displayed followers per platform, in US dollars at US prices (the published figures
    are US ones; creators ask their country's PRICE_LEVEL)."""
    from .generator.money import per_usd

    inf = ds.influencers
    level = inf["country"].astype(str).map(cal.PRICE_LEVEL).astype(float)
    usd = inf["rate_per_post"] / per_usd(inf["currency"].astype(str).to_numpy()) / level
    usd_per_1k = usd / inf["followers"] * 1000
    platform = inf["platform"].astype(str)
    n = platform.value_counts()
    med = usd_per_1k.groupby(platform).median()
    return {p: float(med[p]) for p in PLATFORMS if n.get(p, 0) >= 10}


def _day_zero(ds) -> pd.DataFrame:
    """Per post with a full first week: the day-0 share of its impressions and its UTC posting hour."""
    d = ds.post_daily
    full = d.groupby("post_id")["day_index"].transform("max") == 6
    week = d[full].groupby("post_id")["impressions"].sum()
    day0 = d[full & (d["day_index"] == 0)].set_index("post_id")["impressions"].reindex(week.index)
    hour = ds.posts.set_index("post_id")["posted_at"].dt.tz_convert("UTC").dt.hour.reindex(week.index)
    return pd.DataFrame({"share": day0 / week.where(week > 0), "hour": hour}).dropna()


def _late_ratio(ds) -> dict:
    z = _day_zero(ds)
    late, morning = z.loc[z["hour"] >= 20, "share"], z.loc[(z["hour"] >= 6) & (z["hour"] < 11), "share"]
    if len(late) < 30 or len(morning) < 30:
        return {}
    return {"all": float(late.mean() / morning.mean())}


def _day0_spread(ds) -> dict:
    z = _day_zero(ds)
    z = z[(z["hour"] >= 6) & (z["hour"] < 11)]
    return {"all": float(z["share"].std())} if len(z) >= 30 else {}


def _daily_reach(ds) -> dict:
    days = ds.post_daily.groupby("post_id")["reach"].sum()
    life = ds.posts.set_index("post_id")["reach"].reindex(days.index)
    ratio = (days / life.where(life > 0)).dropna()
    return {"all": float(ratio.median())} if len(ratio) else {}


def _words(text: pd.Series) -> pd.Series:
    return text.str.replace(r"@\S+", "", regex=True).str.lower().str.findall(r"\w+").str.join(" ")


def _audience_text(ds) -> pd.Series:
    """The text of the comments the audience wrote (the brands' own replies left out: they are canned)."""
    c = ds.comments.merge(ds.posts[["post_id", "account_id"]], on="post_id", how="left").merge(
        ds.accounts[["account_id", "handle"]], on="account_id", how="left")
    return c.loc[c["author_handle"] != c["handle"], "text"]


def _comment_reuse(ds) -> dict:
    words = _words(_audience_text(ds))
    words = words[words != ""]
    return {"all": float((words.map(words.value_counts()) >= 10).mean())} if len(words) else {}


def _emoji_only(ds) -> dict:
    text = ds.comments["text"].str.replace(r"@\S+", "", regex=True).str.strip()
    return {"all": float(((text != "") & ~text.str.contains(r"\w", regex=True)).mean())} if len(text) else {}


def _lowercase_start(ds) -> dict:
    first = ds.comments["text"].str.extract(r"^(?:@\S+\s+)*[¡¿]?(\w)")[0].dropna()
    return {"all": float(first.str.islower().mean())} if len(first) else {}


def _fr_spacing(ds) -> dict:
    if ds.meta.get("locale") != "fr_FR":
        return {}
    before = _audience_text(ds).str.extractall(r"(.)[!?]")[0]
    return {"all": float((before == "\u00a0").mean())} if len(before) else {}


VOSOTROS = r"\b(?:vosotros|vuestr[oa]s?|os|seguiros|recomendáis|podéis|queréis|tenéis|sois|habéis|pidáis|devolváis)\b"


def _latam_vosotros(ds) -> dict:
    if ds.meta.get("locale") != "es_ES":
        return {}
    country = ds.posts["account_id"].map(ds.accounts.set_index("account_id")["brand_id"]).map(
        ds.brands.set_index("brand_id")["country"].astype(str))
    latam = ds.posts.loc[country.isin(["MX", "AR", "CO", "CL"]).to_numpy(), "post_id"]
    text = ds.comments.loc[ds.comments["post_id"].isin(latam), "text"]
    return {"all": float(text.str.contains(VOSOTROS, case=False, regex=True).mean())} if len(text) else {}


def _realism(key, measure, low=None, high=None) -> Figure:
    lo, hi, source = cal.REALISM[key]
    return Figure(_REALISM_NAMES[key], measure, low or _const(lo), high or _const(hi), source)


_REALISM_NAMES = {
    "er_p90_p10": "ER per impression within an account, organic image posts, p90/p10 (median account)",
    "spearman_likes_impressions": "Spearman(likes, impressions) within an account, organic posts (median account)",
    "facebook_comments_per_like": "comments / likes, organic posts (median account)",
    "account_er_p90_p10": "account median ER per follower across a platform's accounts, p90/p10",
    "weekend_share": "posts published on Saturday or Sunday (local time), share",
    "view_rate": "feed video views / impressions, median post",
    "views_per_reach": "video plays (and YouTube views) / accounts reached, median post",
    "er_per_view": "engagements / video views, median post",
    "engagers_over_views": "videos with more likes + comments than views, share",
    "flat_months": "account-months with net follower growth under 0.25%, share",
    "influencer_rule_precision": "influencers: precision of one rule (best week > 3% or home share < 0.5)",
    "influencer_rule_recall": "influencers: recall of the same rule",
    "influencer_price_per_1k": "influencer price per 1,000 followers, USD, median",
    "bought_follower_er_ratio": "influencers: median ER per follower, bought followers / honest",
    "late_day0_ratio": "day-0 share of the first week, posts at 20-24 UTC / posts at 06-11 UTC",
    "day0_share_sd": "day-0 share of the first week, spread between posts (sd, posts at 06-11 UTC)",
    "daily_reach_over_lifetime": "daily reach summed over a post's days / its lifetime reach (median post)",
    "comment_text_reuse": "audience comments whose words 10+ other comments share",
    "emoji_only_comments": "comments of emoji alone, share",
    "lowercase_comments": "comments starting with a lower-case letter, share",
    "fr_nbsp_share": "French comments: ! and ? after a no-break space, share",
    "latam_vosotros": "comments under Latin American brands' posts in vosotros forms, share",
}

REALISM_FIGURES = (
    _realism("er_p90_p10", _er_spread),
    _realism("spearman_likes_impressions", _likes_impressions),
    _realism("facebook_comments_per_like", _comments_per_like),
    _realism("account_er_p90_p10", _account_spread),
    _realism("weekend_share", _weekend_share, lambda p: cal.WEEKEND_POST_SHARE[p][0] / 3,
             lambda p: min(cal.WEEKEND_POST_SHARE[p][1] * 1.5, 2 / 7)),
    _realism("view_rate", _view_rates, _view_rate_range(0), _view_rate_range(1)),
    _realism("views_per_reach", _views_per_reach),
    _realism("er_per_view", _er_per_view, _er_per_view_range(0), _er_per_view_range(1)),
    _realism("engagers_over_views", _engagers_over_views),
    _realism("flat_months", _flat_months),
    _realism("influencer_rule_precision", lambda ds: _influencer_rule(ds, "precision")),
    _realism("influencer_rule_recall", lambda ds: _influencer_rule(ds, "recall")),
    _realism("influencer_price_per_1k", _price_per_1k, lambda p: cal.INFLUENCER_RATE_PER_1K[p] / 2,
             lambda p: cal.INFLUENCER_RATE_PER_1K[p] * 2),
    _realism("bought_follower_er_ratio", _bought_er_ratio),
    _realism("late_day0_ratio", _late_ratio),
    _realism("day0_share_sd", _day0_spread),
    _realism("daily_reach_over_lifetime", _daily_reach),
    _realism("comment_text_reuse", _comment_reuse),
    _realism("emoji_only_comments", _emoji_only),
    _realism("lowercase_comments", _lowercase_start),
    _realism("fr_nbsp_share", _fr_spacing),
    _realism("latam_vosotros", _latam_vosotros),
)
FIGURES = FIGURES + REALISM_FIGURES


def calibration_report(ds, figures=FIGURES) -> pd.DataFrame:
    """Every calibrated figure measured in ``ds``: figure, platform, measured, low, high, status, source.

    ``status`` is ``in`` or ``out`` of [low, high]; figures a world is too small
    to measure (too few posts or campaigns) are left out.
    """
    rows = []
    for fig in figures:
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
