"""Habits planted in every world so that a lesson's step matters (recorded in truth.json under ``habits``).

- Giveaways go live at night: on a consumer platform, what a brand posts between GIVEAWAY_HOURS (local time) is
  a scheduled giveaway launch ("comment to enter"), and it engages several times more than its usual posts. The
  night hours hold few posts, so the giveaways decide their medians (notebooks 03 and 05: judge only the hours
  holding MIN_SHARE of the posts). Only engagement changes: no post moves, so the world's other draws stay.
- A format trial: on one platform, one account tried a format a handful of times (fewer than MIN_POSTS posts; the
  platform's other accounts never post it) and the novelty lifted their engagement above the platform's best
  format's (notebook 04: judge only the formats with MIN_POSTS posts on the platform).
- Activity: the brand with the most posts and the brand with the most posts per account are two clearly different
  brands; one brand's posts are multiplied when the world has not made it so, taken from other brands' accounts on
  the same platform so that each platform keeps its posts (notebook 01: compare the brands by their posts per
  account).

Each is decided world-wide (:func:`plant_habits`, on the accounts frame, as hidden columns) and applied block by
block while the posts are drawn (:func:`giveaways`, :func:`format_trial`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Giveaways: the platforms where brands run them, the local hours they go live and their engagement lift
#: (assumption: "comment to enter" posts engage several times more than the account's usual posts, and scheduled
#: launches go out after midnight, when brands post little else: their habitual hours start at 6).
GIVEAWAY_PLATFORMS = ("instagram", "facebook", "tiktok")
GIVEAWAY_HOURS = (0, 1, 2, 3)
GIVEAWAY_LIFT = (2.5, 4.0)
#: Format trials: the (platform, format) cells a trial may use (formats newer or rarer for brands), the number of
#: trial posts (below MIN_POSTS = 30) and their engagement over the platform's best format's (assumption: novelty;
#: platforms push the formats they launch).
TRIAL_CELLS = (("tiktok", "live"), ("youtube", "live"), ("linkedin", "document"), ("tiktok", "carousel"),
               ("x", "video"), ("facebook", "text"))
TRIAL_POSTS = (8, 20)
TRIAL_OVER_BEST = (1.6, 2.2)
#: Activity: the most active brand per account leads the posts per account by ACTIVITY_LEAD (three times notebook
#: 01's 5% tie band) over the brand with the most posts, which leads the posts by ACTIVITY_TOTAL; one brand's posts
#: are multiplied by at most ACTIVITY_MAX to make it so, the extra posts taken from other brands on the same platform
#: (assumption: brands differ in how much they publish; media brands post several times more than others).
ACTIVITY_LEAD = 1.15
ACTIVITY_TOTAL = 1.02
ACTIVITY_MAX = 4.0
#: The hidden columns :func:`plant_habits` adds to the accounts frame.
HIDDEN = ("_trial_format", "_trial_posts", "_trial_lift", "_posts_multiplier")


def plant_habits(accounts: pd.DataFrame, format_er: dict, best_format: dict,
                 rng: np.random.Generator) -> pd.DataFrame:
    """``accounts`` with the hidden habit columns (HIDDEN) and, where needed, one brand's posts multiplied.

    ``format_er`` and ``best_format``: the world's planted format multipliers and best format per platform."""
    accounts = separate_activity_leaders(accounts)
    accounts = accounts.assign(_trial_format="", _trial_posts=0, _trial_lift=1.0)
    cells = [(p, f) for p, f in TRIAL_CELLS if best_format.get(p) != f and (accounts["platform"] == p).any()]
    if cells:
        platform, fmt = cells[rng.integers(len(cells))]
        mine = accounts["platform"] == platform
        account = accounts.loc[mine, "_n_posts"].idxmax()
        lift = format_er[platform][best_format[platform]] / format_er[platform][fmt] * rng.uniform(*TRIAL_OVER_BEST)
        accounts.loc[mine, "_trial_format"] = fmt  # the platform's accounts never post it...
        accounts.loc[account, ["_trial_posts", "_trial_lift"]] = (  # ...but for the trial account's few posts
            int(rng.integers(TRIAL_POSTS[0], TRIAL_POSTS[1] + 1)), round(float(lift), 3))
    return accounts


def activity_leaders(posts: pd.Series, per_account: pd.Series) -> tuple | None:
    """(the brand with the most ``posts``, the brand with the most posts ``per_account``) when they differ clearly:
    the second leads the posts per account by ACTIVITY_LEAD and the first the posts by ACTIVITY_TOTAL; else None."""
    most, busiest = posts.idxmax(), per_account.idxmax()
    if most == busiest or per_account[busiest] < ACTIVITY_LEAD * per_account[most] \
            or posts[most] < ACTIVITY_TOTAL * posts[busiest]:
        return None
    return most, busiest


def separate_activity_leaders(accounts: pd.DataFrame) -> pd.DataFrame:
    """``accounts`` where the brand with the most posts and the brand with the most posts per account differ clearly
    (:func:`activity_leaders`): when the world has not made it so, the posts of the one brand that needs the smallest
    multiplier (at most ACTIVITY_MAX) are multiplied (``_posts_multiplier``: 0 for the brands left as drawn), the
    extra posts taken from the other brands' accounts on the same platform (:func:`moved_posts`), so that every
    platform keeps its number of posts and the world's other draws stay as they were."""
    counts = accounts.groupby("_brand")["_n_posts"].agg(["sum", "size"])
    unchanged = accounts.assign(_posts_multiplier=0.0)
    most = counts["sum"].idxmax()
    if activity_leaders(counts["sum"], counts["sum"] / counts["size"]) is not None:
        return unchanged
    for factor in np.round(np.arange(1.05, ACTIVITY_MAX + 1e-9, 0.05), 2):
        for brand in counts.index.drop(most):
            n_posts = moved_posts(accounts, brand, most, factor)
            if n_posts is None:
                continue
            posts = pd.Series(n_posts).groupby(accounts["_brand"].to_numpy()).sum().astype(float)
            if activity_leaders(posts, posts / counts["size"]) is not None:
                mine = (accounts["_brand"] == brand).to_numpy()
                old = accounts["_n_posts"].to_numpy()
                cadence = np.round(accounts["posts_per_week"] * n_posts / np.maximum(old, 1), 2)
                return accounts.assign(posts_per_week=cadence, _n_posts=n_posts,
                                       _post_offset=np.cumsum(n_posts) - n_posts,
                                       _posts_multiplier=np.where(mine, float(factor), 0.0))
    return unchanged


def moved_posts(accounts: pd.DataFrame, brand, keep, factor: float) -> np.ndarray | None:
    """Each account's number of posts once ``brand``'s accounts post ``factor`` times more, the extra posts taken
    from the accounts of the other brands but ``keep`` on the same platform, in proportion to their posts (each keeps
    at least half of them); None when a platform's donors cannot give that many."""
    n_posts = accounts["_n_posts"].to_numpy().copy()
    brands, platforms = accounts["_brand"].to_numpy(), accounts["platform"].astype(str).to_numpy()
    for row in np.flatnonzero(brands == brand):
        extra = int(round(n_posts[row] * (factor - 1)))
        donors = np.flatnonzero((platforms == platforms[row]) & (brands != brand) & (brands != keep))
        room = n_posts[donors] // 2
        if extra > room.sum():
            return None
        take = np.minimum(np.floor(extra * room / max(room.sum(), 1)).astype(n_posts.dtype), room)
        rest = extra - int(take.sum())
        for i in np.argsort(-(room - take), kind="stable"):  # the remainder from the donors with most room left
            step = min(rest, int(room[i] - take[i]))
            take[i], rest = take[i] + step, rest - step
        n_posts[donors] -= take
        n_posts[row] += extra
    return n_posts


def giveaways(accounts: pd.DataFrame, acc: np.ndarray, hour: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each post's engagement lift: the posts going live at GIVEAWAY_HOURS (``hour``: local) on GIVEAWAY_PLATFORMS
    are giveaways, their engagement multiplied within GIVEAWAY_LIFT (``acc``: each post's row in ``accounts``)."""
    runs = accounts["platform"].isin(GIVEAWAY_PLATFORMS).to_numpy()[acc] & np.isin(hour, GIVEAWAY_HOURS)
    lift = np.ones(len(acc))
    lift[runs] = rng.uniform(*GIVEAWAY_LIFT, int(runs.sum()))
    return lift


def format_trial(accounts: pd.DataFrame, acc: np.ndarray, fmt_code: np.ndarray, formats: tuple,
                 format_mix: dict, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(format codes with the trial planted, each post's engagement lift). The posts of the trial platform's accounts
    (``_trial_format`` set) in the trial format get another of the platform's formats (drawn from ``format_mix``
    without it), then ``_trial_posts`` posts of the trial account get the trial format, their engagement multiplied
    by ``_trial_lift``."""
    lift = np.ones(len(acc))
    fmt_code = fmt_code.copy()
    trial = accounts["_trial_format"].to_numpy(dtype=object)
    for row in np.flatnonzero(trial != ""):
        mix = format_mix[accounts["platform"].iloc[row]]
        others = [f for f in mix if f != trial[row]]
        weights = np.array([mix[f] for f in others], dtype=float)
        code = formats.index(trial[row])
        mine = np.flatnonzero(acc == row)
        hit = mine[fmt_code[mine] == code]
        fmt_code[hit] = np.array([formats.index(f) for f in others])[rng.choice(len(others), len(hit),
                                                                                 p=weights / weights.sum())]
        k = min(int(accounts["_trial_posts"].iloc[row]), len(mine))
        if k:
            chosen = rng.choice(mine, size=k, replace=False)
            fmt_code[chosen] = code
            lift[chosen] = float(accounts["_trial_lift"].iloc[row])
    return fmt_code, lift


def habits_truth(accounts: pd.DataFrame) -> dict:
    """truth.json's ``habits``: the giveaways, the format trial and the activity leaders."""
    out = {"giveaways": {"local_hours": list(GIVEAWAY_HOURS),
                         "lift": list(GIVEAWAY_LIFT), "platforms": list(GIVEAWAY_PLATFORMS)}}
    trial = accounts[accounts["_trial_posts"] > 0]
    if len(trial):
        row = trial.iloc[0]
        out["format_trial"] = {"account_id": row["account_id"], "platform": row["platform"],
                               "format": row["_trial_format"], "posts": int(row["_trial_posts"]),
                               "lift": float(row["_trial_lift"])}
    counts = accounts.groupby("brand_id")["_n_posts"].agg(["sum", "size"])
    leaders = activity_leaders(counts["sum"], counts["sum"] / counts["size"])
    if leaders is not None:
        multiplied = accounts[accounts["_posts_multiplier"] > 0]
        out["activity"] = {"most_posts_brand": leaders[0], "most_posts_per_account_brand": leaders[1],
                           "multiplied_brand": multiplied["brand_id"].iloc[0] if len(multiplied) else None,
                           "posts_multiplier": float(multiplied["_posts_multiplier"].iloc[0]) if len(multiplied) else 1.0}
    return out
