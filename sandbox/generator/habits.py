"""Habits planted in every world so that a lesson's step matters (recorded in truth.json under ``habits``).

- Giveaways go live at night: on a consumer platform, what a brand posts between GIVEAWAY_HOURS (local time) is
  a scheduled giveaway launch ("comment to enter"), and it engages several times more than its usual posts. The
  night hours hold few posts, so the giveaways decide their medians (notebooks 03 and 05: judge only the hours
  holding MIN_SHARE of the posts). Only engagement changes: no post moves, so the world's other draws stay.
- A format trial: on one platform, one account tried a format a handful of times (fewer than MIN_POSTS posts; the
  platform's other accounts never post it) and the novelty lifted their engagement above the platform's best
  format's (notebook 04: judge only the formats with MIN_POSTS posts on the platform).

The trial is decided world-wide (:func:`plant_habits`, on the accounts frame, as hidden columns); both are applied
block by block while the posts are drawn (:func:`giveaways`, :func:`format_trial`).
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
#: The hidden columns :func:`plant_habits` adds to the accounts frame.
HIDDEN = ("_trial_format", "_trial_posts", "_trial_lift")


def plant_habits(accounts: pd.DataFrame, format_er: dict, best_format: dict,
                 rng: np.random.Generator) -> pd.DataFrame:
    """``accounts`` with the hidden habit columns (HIDDEN).

    ``format_er`` and ``best_format``: the world's planted format multipliers and best format per platform."""
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
    """truth.json's ``habits``: the giveaways and the format trial."""
    out = {"giveaways": {"local_hours": list(GIVEAWAY_HOURS),
                         "lift": list(GIVEAWAY_LIFT), "platforms": list(GIVEAWAY_PLATFORMS)}}
    trial = accounts[accounts["_trial_posts"] > 0]
    if len(trial):
        row = trial.iloc[0]
        out["format_trial"] = {"account_id": row["account_id"], "platform": row["platform"],
                               "format": row["_trial_format"], "posts": int(row["_trial_posts"]),
                               "lift": float(row["_trial_lift"])}
    return out
