"""Crisis frames: a follower crisis read off ``followers_daily``, each account against its own normal day.

``followers_daily`` has one row per account and UTC day; ``followers`` is the count at the END of that day.

- a day's unfollow ratio = unfollows / the account's normal day (the day's followers times the account's
  median unfollow rate, at least FLOOR unfollows): how far the day is above the account's own normal;
  smoothed with a centred SMOOTH-day rolling median, so one bad day (several posts that day) is not a
  crisis but several days in a row are. The crisis account has the highest smoothed ratio; its window is
  the run of days at or above SPIKE around the peak, read to WINDOW_DAYS either way;
- the crisis card: the window's net follows, the normal day's net follows (the average day outside the
  window) and the claim they support (how long normal growth takes to win the loss back).

Notebooks 07 and 12 ask for the same card; both read it here.
"""

from __future__ import annotations

import pandas as pd

from .bands import near_best
from .cache import last_dataset_cache

#: Days whose smoothed unfollow ratio reaches SPIKE times the account's normal day are crisis days.
SPIKE = 2.5
#: A normal day counts at least this many unfollows, so that 3 unfollows on an account that loses one
#: every few days is not a crisis.
FLOOR = 5
#: Rolling window (days, centred) that smooths the daily unfollow ratio.
SMOOTH = 5
#: Noise band of the crisis window: its first and last day are read to within this many days either way
#: (a day at the edge can sit on either side of SPIKE by chance).
WINDOW_DAYS = 1
#: Noise band of the crisis account: accounts whose peak smoothed ratio is within 10% of the highest are ties.
CRISIS_TIE = 0.10
#: The manager's question about the crisis: will normal growth win the lost followers back within HORIZON days?
HORIZON = 60
#: Recovery times within this factor of HORIZON are near-ties: both claims around it are accepted.
CLAIM_BAND = 1.2
CLAIMS = ("kept growing", "back within two months", "more than two months", "not growing anyway")


@last_dataset_cache
def daily(ds) -> pd.DataFrame:
    """ds.followers_daily sorted by account and date, with ``net`` = follows - unfollows."""
    f = ds.followers_daily.sort_values(["account_id", "date"], kind="stable")
    return f.assign(net=f["follows"] - f["unfollows"]).reset_index(drop=True)


def expected_unfollows(ds) -> pd.Series:
    """Each day's normal unfollows: the day's followers times the account's median daily unfollow rate
    (unfollows / followers), at least FLOOR; aligned with :func:`daily`.

    A rate, not a count: an account that doubled its audience loses twice as many followers on a
    normal day at the end of the year as at the start."""
    f = daily(ds)
    rate = (f["unfollows"] / f["followers"]).groupby(f["account_id"]).transform("median")
    return (f["followers"] * rate).clip(lower=FLOOR)


@last_dataset_cache
def unfollow_ratio(ds, center: bool = True) -> pd.Series:
    """Each day's unfollows over its normal unfollows (:func:`expected_unfollows`), smoothed with a
    SMOOTH-day rolling median (centred unless ``center`` is False), aligned with :func:`daily`."""
    f = daily(ds)
    ratio = f["unfollows"] / expected_unfollows(ds)
    return ratio.groupby(f["account_id"]).rolling(SMOOTH, center=center).median().droplevel(0).reindex(f.index)


@last_dataset_cache
def peaks(ds) -> pd.Series:
    """Each account's highest smoothed unfollow ratio."""
    return unfollow_ratio(ds).groupby(daily(ds)["account_id"]).max()


def crisis_accounts(ds) -> set:
    """The account whose smoothed unfollow ratio peaks highest, and its near-ties (CRISIS_TIE)."""
    return near_best(peaks(ds), CRISIS_TIE)


def crisis_account(ds) -> str:
    """The one crisis account the window and card questions follow (the highest peak)."""
    return str(peaks(ds).idxmax())


@last_dataset_cache
def crisis_frame(ds, center: bool = True) -> pd.DataFrame:
    """The crisis account's rows of :func:`daily`, indexed by date, with the smoothed unfollow ratio
    ``smooth`` (``center=False``: from a trailing rolling window, a mistake)."""
    f = daily(ds)
    ratio = unfollow_ratio(ds)
    mine = f["account_id"] == ratio.groupby(f["account_id"]).max().idxmax()
    if not center:
        ratio = unfollow_ratio(ds, center=False)
    return f[mine].assign(smooth=ratio[mine]).set_index("date")


def utc(day) -> pd.Timestamp:
    return pd.Timestamp(day).tz_localize("UTC")


def window_of(mine: pd.DataFrame, peak_only: bool = False, spike: float = SPIKE, any_run: bool = False) -> tuple:
    """(first day, last day), as UTC timestamps, of the run of consecutive days of ``mine`` whose smoothed
    ratio reaches ``spike``, the run that holds the peak day (``peak_only``: the peak day alone; ``any_run``: the
    first and last day at or above ``spike`` in any run, a later flare-up included: mistakes)."""
    peak = mine["smooth"].idxmax()
    if peak_only:
        return utc(peak), utc(peak)
    above = mine["smooth"] >= spike
    if any_run:
        days = mine.index[above]
    else:
        run = (above != above.shift()).cumsum()
        days = mine.index[run == run[peak]]
    return utc(days.min()), utc(days.max())


def crisis_window(ds, center: bool = True, **mistake) -> tuple:
    """(first day, last day) of the crisis as UTC timestamps; ``center=False`` (a trailing window) and the
    keywords of :func:`window_of` are mistakes."""
    return window_of(crisis_frame(ds, center), **mistake)


def windows(start: pd.Timestamp, end: pd.Timestamp) -> list[tuple]:
    """The window (start, end) first, then every window whose ends are within WINDOW_DAYS of it."""
    shifts = [pd.Timedelta(days=d) for d in range(-WINDOW_DAYS, WINDOW_DAYS + 1)]
    others = [(start + a, end + b) for a in shifts for b in shifts if a or b]
    return [(start, end)] + others


@last_dataset_cache
def crisis_cards(ds, normal: str = "outside", lost: str = "net") -> list[tuple]:
    """(accepted claims, net follows during the crisis, normal daily net follows) of the crisis account, for
    the data's crisis window and then each window within the noise band (:func:`windows`).

    The normal day is the average day outside the window: its net follows divided by its days (viral
    days are part of normal growth). ``normal="median"`` (the median day outside), ``normal="all"`` (the
    average day of the whole year, crisis included) and ``lost="unfollows"`` (the unfollows alone, as a
    loss) are mistakes (:data:`CARD_MISTAKES`).
    """
    mine = crisis_frame(ds)
    cards = []
    for start, end in windows(*window_of(mine)):
        inside = (mine.index >= start.tz_localize(None)) & (mine.index <= end.tz_localize(None))
        net = float(-mine.loc[inside, "unfollows"].sum() if lost == "unfollows" else mine.loc[inside, "net"].sum())
        days = mine["net"] if normal == "all" else mine.loc[~inside, "net"]
        usual = float(days.median() if normal == "median" else days.mean())
        cards.append((claims_for(net, usual), net, usual))
    return cards


def claims_for(crisis_net: float, normal_net: float) -> set:
    """The claims the evidence supports; recovery times near HORIZON accept both claims around it."""
    if crisis_net >= 0:
        return {"kept growing"}
    if normal_net <= 0:
        return {"not growing anyway"}
    days = -crisis_net / normal_net
    accepted = set()
    if days <= HORIZON * CLAIM_BAND:
        accepted.add("back within two months")
    if days > HORIZON / CLAIM_BAND:
        accepted.add("more than two months")
    return accepted


#: The crisis card's typical wrong readings: (id, what the learner is told, the keywords of :func:`crisis_cards`
#: that give its answer).
CARD_MISTAKES = (
    ("normal-includes-crisis",
     "your normal day includes the crisis days; a normal day is measured outside the crisis window",
     {"normal": "all"}),
    ("median-normal-day",
     "that normal day is the MEDIAN day; the pace that wins followers back is the average day outside the crisis "
     "(viral days are part of normal growth): their net divided by their number",
     {"normal": "median"}),
    ("unfollows-only",
     "crisis_net counts the unfollows only; the net change is follows minus unfollows (fewer people followed the "
     "account during the crisis too)",
     {"lost": "unfollows"}),
)

#: The crisis card's claim, from crisis_net and normal_net (solution code of notebooks 07 and 12).
CLAIM_CODE = ("if crisis_net >= 0:\n"
              "    claim = 'kept growing'\n"
              "elif normal_net <= 0:\n"
              "    claim = 'not growing anyway'\n"
              "elif -crisis_net / normal_net <= ex.HORIZON:\n"
              "    claim = 'back within two months'\n"
              "else:\n"
              "    claim = 'more than two months'")

#: Each day's smoothed unfollow ratio on the working table ``f`` (solution code of notebooks 07 and 12).
CRISIS_CODE = (
    "normal = f['followers'] * (f['unfollows'] / f['followers']).groupby(f['account_id']).transform('median')\n"
    "f['ratio'] = f['unfollows'] / normal.clip(lower=ex.FLOOR)\n"
    "f['smooth'] = f.groupby('account_id')['ratio'].transform(lambda s: s.rolling(ex.SMOOTH, center=True).median())")
