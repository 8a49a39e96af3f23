"""Effects planted after the tables' own draws, so that a lesson's step matters in every world (issue 20).

Each plant draws from the ``plant_posts`` stream only (block 0: the world-wide plan, block b + 1: block b's
tables), and adds to what the other streams drew instead of changing their inputs: a world with the plants
holds every draw of the same world without them (a binomial or Poisson draw takes more or fewer random numbers
when its parameters change, so changing an input would re-roll every later draw of its stream).

- Night giveaways: on GIVEAWAY_PLATFORMS, what a brand posts between GIVEAWAY_HOURS (local time) is a scheduled
  giveaway launch ("comment to enter"), and it engages GIVEAWAY_LIFT times its usual rate. The night hours hold
  few posts, so the giveaways decide their medians (notebooks 03 and 05: judge only the hours holding MIN_SHARE
  of the posts).
- Instagram's weekday rhythm: its best weekday's effect is WEEKDAY_LIFT times the drawn one, and its weekend
  follows (the weekend is relative to the average weekday, as drawn in ``effects``): the weekday effect shows
  against the few, noisy weekend posts (notebook 03, the best weekday).
- A brand's series: when the brand with the most posts is also (or nearly) the most active per account, another
  brand runs a content series on its accounts, extra posts that make its accounts clearly the most active
  (ACTIVITY_LEAD) while another brand keeps the most posts, or give it the most posts while another brand's
  accounts stay the most active (notebook 01: compare brands by their posts per account). The series is drawn by the posts model from the plant stream and appended to the block (its posts are
  numbered with the account's others, in time order); it brings no followers of its own (followers are drawn from
  the drawn posts).
- A platform surge: in SURGE_SHARE of the worlds the platform second by followers at the start grows past the
  first over the year: its biggest accounts break out, gaining followers for a few months (notebook 01: today's
  audience is not ``followers_start``'s). Its other accounts, most of them, grow as drawn, so the platform's
  typical growth stays in its published range (tests/test_calibration_report).

Each is recorded in truth.json under ``plants`` (:meth:`Plants.truth`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._schema import PLATFORMS
from .._scales import Scale
from .effects import Effects
from .ids import id_width, make_ids

#: Giveaways: the platforms where brands run them, the local hours they go live and their engagement lift
#: (assumption: "comment to enter" posts engage several times more than the account's usual posts, and scheduled
#: launches go out after midnight, when brands post little else: their habitual hours start at 6).
GIVEAWAY_PLATFORMS = ("instagram", "facebook", "tiktok")
GIVEAWAY_HOURS = (0, 1, 2, 3)
GIVEAWAY_LIFT = (2.5, 4.0)
#: Instagram's weekday rhythm: its best weekday's multiplier is this many times the drawn one (published
#: Instagram engagement peaks midweek and is lowest at weekends, Sprout Social 2025 [secondary]).
WEEKDAY_PLATFORMS = ("instagram",)
WEEKDAY_LIFT = (1.15, 1.35)
#: Platform surge: the share of worlds that plant one, how far the surging platform ends above the first one
#: (expected followers at the end), the share of its accounts that break out (its biggest, at least one), the
#: most they may gain (times their own expected end), and when and for how long they gain the extra followers
#: (share of the period, days). Assumption: a brand account that breaks out (a viral series, a platform's push)
#: can double or triple its followers in a few months (up to 3.5 times its expected end here).
SURGE_SHARE = 0.75
SURGE_OVER_FIRST = (1.08, 1.3)
SURGE_ACCOUNTS = 1 / 3
SURGE_MAX_GROWTH = 2.5
SURGE_START = (0.1, 0.5)
SURGE_DAYS = (90, 180)
#: A brand's series: how far its posts per account end above every other brand's, the most posts it may add
#: (times its drawn posts), and how far the brand with the most posts must stay ahead of it in posts.
ACTIVITY_LEAD = (1.15, 1.3)
#: The series runs on the brand's consumer platforms; a LinkedIn page keeps to its plan (and LinkedIn's posts stay as
#: drawn: their weekend answer is the one that varies least between worlds, tests/test_effects).
SERIES_SKIPS = ("linkedin",)
ACTIVITY_MAX = 2.0
ACTIVITY_TOTAL = 1.02


@dataclass(frozen=True)
class Surge:
    """A platform's surge: ``gains`` (world account row -> extra followers over ``days`` from day ``first``)."""

    platform: str
    overtakes: str
    first: int
    days: int
    gains: tuple = ()  # ((account row, followers), ...)


@dataclass(frozen=True)
class Plants:
    """The plants of one world (see the module's docstring)."""

    weekday_lift: dict  # platform -> multiplier of its best weekday's effect
    surge: Surge | None = None
    series: tuple = ()  # ((world account row, extra posts), ...): a brand's series

    def effects(self, drawn: Effects) -> Effects:
        """The world's effects as planted: ``drawn`` with the weekday rhythm strengthened (truth.json's)."""
        best, weekend = dict(drawn.weekday_multiplier), dict(drawn.weekend)
        for p, lift in self.weekday_lift.items():
            best[p] = round(best[p] * lift, 3)
            weekend[p] = round(weekend[p] * lift ** (1 / 5), 3)  # relative to the average weekday, as drawn
        return dataclasses.replace(drawn, weekday_multiplier=best, weekend=weekend)

    def truth(self, accounts: pd.DataFrame, scale: Scale) -> dict:
        out = {"giveaways": {"platforms": list(GIVEAWAY_PLATFORMS), "local_hours": list(GIVEAWAY_HOURS),
                             "engagement_lift": list(GIVEAWAY_LIFT)},
               "weekday_lift": {p: round(float(v), 3) for p, v in self.weekday_lift.items()}}
        if self.series:
            rows = [row for row, _ in self.series]
            out["series"] = {"brand_id": accounts["brand_id"].iat[rows[0]],
                             "extra_posts": {accounts["account_id"].iat[r]: int(n) for r, n in self.series}}
        s = self.surge
        if s is not None:
            out["platform_surge"] = {
                "platform": s.platform, "overtakes": s.overtakes,
                "start_date": (scale.start_ts + pd.Timedelta(days=s.first)).date().isoformat(), "days": s.days,
                "followers_gained": {accounts["account_id"].iat[row]: int(n) for row, n in s.gains}}
        return out


def plan_plants(effects: Effects, accounts: pd.DataFrame, scale: Scale, spared: tuple,
                rng: np.random.Generator) -> Plants:
    """The world's plants, drawn from the ``plant_posts`` stream's block 0 (``spared``: the rows of the accounts
    that carry another planted event, left as drawn by the surge and the series)."""
    lift = {p: float(rng.uniform(*WEEKDAY_LIFT)) for p in WEEKDAY_PLATFORMS}
    surge = plan_surge(accounts, scale, spared, rng)
    return Plants(lift, surge, plan_series(accounts, spared, float(rng.uniform(*ACTIVITY_LEAD))))


def plan_series(accounts: pd.DataFrame, spared: tuple, lead: float) -> tuple:
    """A brand's series, ((world account row, extra posts), ...), or () when the brand with the most posts is
    already clearly not the most active per account. The series brand (holding none of the ``spared`` accounts)
    either leads every other brand's posts per account by ``lead`` while staying ACTIVITY_TOTAL behind the most
    posts, or (many accounts posting little) takes the most posts by ACTIVITY_TOTAL while the most active per
    account stays ``lead`` ahead of it per account; whichever brand and way need the fewest extra posts, at most
    ACTIVITY_MAX times the brand's posts, spread over its accounts in proportion to their posts (not on
    SERIES_SKIPS). Brands of three
    accounts or more come first: a two-account brand's median account is its posts per account, so the series
    would make the "median account" answer right."""
    brand = accounts["_brand"].to_numpy()
    n_posts = accounts["_n_posts"].to_numpy()
    runs = ~accounts["platform"].isin(SERIES_SKIPS).to_numpy()
    counts = pd.DataFrame({"brand": brand, "posts": n_posts}).groupby("brand")["posts"].agg(["sum", "size"])
    per_account = counts["sum"] / counts["size"]
    most, leader = counts["sum"].idxmax(), per_account.idxmax()
    if leader != most and per_account[leader] >= ACTIVITY_LEAD[0] * per_account[most]:
        return ()
    busy = set(brand[list(spared)])
    options = []
    for b in sorted(set(brand[runs]) - busy):
        posts, size = counts.at[b, "sum"], counts.at[b, "size"]
        others = counts.drop(b)
        most_active = int(np.ceil(lead * (others["sum"] / others["size"]).max() * size))  # leads per account
        if ACTIVITY_TOTAL * most_active <= others["sum"].max():
            options.append((most_active - posts, b))
        most_posts = int(np.ceil(ACTIVITY_TOTAL * others["sum"].max()))  # the most posts, not per account
        if lead * most_posts / size <= (others["sum"] / others["size"]).max():
            options.append((most_posts - posts, b))
    options = [(counts.at[b, "size"] < 3, extra, b) for extra, b in options
               if 0 < extra <= ACTIVITY_MAX * counts.at[b, "sum"]]
    if not options:
        return ()
    _, extra, chosen = min(options)
    rows = np.flatnonzero((brand == chosen) & runs)
    share = np.floor(extra * n_posts[rows] / n_posts[rows].sum()).astype(int)
    share[np.argmax(n_posts[rows])] += extra - share.sum()
    return tuple((int(r), int(k)) for r, k in zip(rows, share))


def with_series(accounts: pd.DataFrame, plants: Plants) -> pd.DataFrame:
    """``accounts`` whose post numbers (``_post_offset``, the id width) leave room for the series' posts."""
    total = accounts["_n_posts"].to_numpy() + series_posts(plants, len(accounts))
    accounts = accounts.assign(_post_offset=np.cumsum(total) - total)
    accounts.attrs["post_id_width"] = id_width(int(total.sum()), 7)
    return accounts


def series_posts(plants: Plants, n_acc: int, offset: int = 0) -> np.ndarray:
    """The series' extra posts of the accounts of rows ``offset``.. ``offset + n_acc``."""
    out = np.zeros(n_acc, dtype=np.int64)
    for row, k in plants.series:
        if 0 <= row - offset < n_acc:
            out[row - offset] = k
    return out


def series_accounts(plants: Plants, accounts: pd.DataFrame, offset: int) -> tuple[pd.DataFrame, int] | None:
    """(the block's accounts from its first to its last series account, their series posts as ``_n_posts``, and
    the block row of the first) or None when the block holds no series."""
    extra = series_posts(plants, len(accounts), offset)
    rows = np.flatnonzero(extra)
    if len(rows) == 0:
        return None
    lo, hi = rows[0], rows[-1] + 1
    return accounts.iloc[lo:hi].assign(_n_posts=extra[lo:hi]), int(lo)


def merged_order(accounts: pd.DataFrame, hidden: dict, series_hidden: dict, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """(the order of the drawn posts followed by the series' in the block's posts table (account, then time),
    each one's post number in that order). ``shift``: the block row of the series' first account."""
    acc = np.r_[hidden["acc"], series_hidden["acc"] + shift]
    order = np.lexsort((np.r_[hidden["seconds"], series_hidden["seconds"]], acc))
    starts = np.searchsorted(acc[order], acc[order], side="left")
    numbers = np.empty(len(acc), dtype=np.int64)
    numbers[order] = accounts["_post_offset"].to_numpy()[acc[order]] + np.arange(len(acc)) - starts + 1
    return order, numbers


def renumbered(posts: pd.DataFrame, labels: pd.DataFrame, hidden: dict, numbers: np.ndarray, width: int):
    """``posts``, ``labels`` and ``hidden`` with the post numbers ``numbers`` (and their ids)."""
    ids = make_ids("P", numbers, width)
    return posts.assign(post_id=ids), labels.assign(post_id=ids), {**hidden, "post_number": numbers}


def plan_surge(accounts: pd.DataFrame, scale: Scale, spared: tuple, rng: np.random.Generator) -> Surge | None:
    """The platform surge, or None: the platform second by followers at the start is given the followers that put
    its expected end SURGE_OVER_FIRST above the first platform's, spread over its biggest accounts (SURGE_ACCOUNTS of
    them) in proportion to their followers, when that takes less than SURGE_MAX_GROWTH times their expected end."""
    planted, over, start, days = (rng.random() < SURGE_SHARE, rng.uniform(*SURGE_OVER_FIRST),
                                  rng.uniform(*SURGE_START), int(rng.integers(SURGE_DAYS[0], SURGE_DAYS[1] + 1)))
    platform = accounts["platform"].astype(str).to_numpy()
    start_total = pd.Series(accounts["followers_start"].to_numpy(), index=platform).groupby(level=0).sum()
    if not planted or len(start_total) < 2:
        return None
    first, second = start_total.sort_values(ascending=False).index[:2]
    end = accounts["followers_start"].to_numpy() * (1 + accounts["_growth"].to_numpy()) ** scale.days
    expected = pd.Series(end, index=platform).groupby(level=0).sum()
    needed = over * expected.drop(second).max() - expected[second]
    mine = np.flatnonzero(platform == second)
    rows = mine[np.argsort(-end[mine], kind="stable")][:max(1, int(len(mine) * SURGE_ACCOUNTS))]
    rows = np.setdiff1d(rows, spared)
    if len(rows) == 0 or needed <= 0 or needed > SURGE_MAX_GROWTH * end[rows].sum():
        return None
    weights = end[rows] / end[rows].sum()
    gains = tuple((int(r), int(round(needed * w))) for r, w in zip(rows, weights))
    first_day = int(start * scale.days)
    return Surge(second, first, first_day, min(days, scale.days - first_day), gains)


def surge_follows(surge: Surge | None, n_acc: int, account_offset: int, days: int,
                  rng: np.random.Generator) -> np.ndarray | None:
    """(days x accounts) extra follows of a block's accounts (None without a surge there): each surging account's
    gain spread evenly over the surge's days, Poisson day to day."""
    if surge is None:
        return None
    rate = np.zeros((days, n_acc))
    for row, gain in surge.gains:
        if 0 <= row - account_offset < n_acc:
            rate[surge.first:surge.first + surge.days, row - account_offset] = gain / surge.days
    return rng.poisson(rate) if rate.any() else None


def add_surge(followers_daily: pd.DataFrame, extra: np.ndarray | None) -> pd.DataFrame:
    """``followers_daily`` (account by account, day by day) with the surge's ``extra`` follows (days x accounts)."""
    if extra is None:
        return followers_daily
    by_account = extra.T.ravel()
    grown = np.cumsum(extra, axis=0).T.ravel()
    return followers_daily.assign(follows=followers_daily["follows"].to_numpy() + by_account,
                                  followers=followers_daily["followers"].to_numpy() + grown)


def post_lift(plants: Plants, drawn: Effects, plat_code: np.ndarray, weekday: np.ndarray, hour: np.ndarray,
              eligible: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each post's engagement lift over what the posts stream drew (1: none): the giveaways (local ``hour``) and
    the weekday rhythm (local ``weekday``); ``eligible``: posts a plant may lift (not the crisis's)."""
    lift = np.ones(len(plat_code))
    planted = plants.effects(drawn)
    for p in plants.weekday_lift:
        mine = plat_code == PLATFORMS.index(p)
        lift[mine] = planted.weekday_er(p, weekday[mine]) / drawn.weekday_er(p, weekday[mine])
    giveaway = np.isin(plat_code, [PLATFORMS.index(p) for p in GIVEAWAY_PLATFORMS]) & np.isin(hour, GIVEAWAY_HOURS)
    lift[giveaway] *= rng.uniform(*GIVEAWAY_LIFT, int(giveaway.sum()))
    return np.where(eligible, lift, 1.0)


def extra_engagements(lift: np.ndarray, er: np.ndarray, impressions: np.ndarray, engaged: np.ndarray,
                      mix: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(posts x 4) likes, comments, shares and saves a post's ``lift`` adds to the ``engaged`` drawn at rate ``er``
    per impression: Binomial(the impressions not engaged yet, er x (lift - 1)), split by the post's ``mix``."""
    lifted = lift > 1
    out = np.zeros((len(lift), 4), dtype=np.int64)
    if lifted.any():
        free = np.maximum(impressions[lifted] - engaged[lifted], 0)
        n = rng.binomial(free, np.clip(er[lifted] * (lift[lifted] - 1), 0, 0.5))
        out[lifted] = rng.multinomial(n, mix[lifted] / mix[lifted].sum(axis=1, keepdims=True))
    return out


def drawn_posts(posts: pd.DataFrame, hidden: dict) -> pd.DataFrame:
    """``posts`` as the posts stream drew them, without the plants' engagements (the post_daily and comments
    streams draw from these, so that the plants shift none of their draws)."""
    extra = hidden["planted_engagements"]
    return posts.assign(**{c: posts[c].to_numpy() - extra[:, i]
                           for i, c in enumerate(("likes", "comments", "shares", "saves"))})
