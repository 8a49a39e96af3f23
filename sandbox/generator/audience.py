"""The audience table: who follows each account, and which segments engage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._schema import AGE_GROUPS, GENDERS, PLATFORMS
from .effects import Effects
from .pools import Pools

# Age mix of followers by platform (assumption shaped on platform demographics:
# TikTok young, LinkedIn working age, Facebook older).
AGE_MIX = {
    "instagram": (0.06, 0.30, 0.31, 0.17, 0.09, 0.05, 0.02),
    "tiktok": (0.15, 0.38, 0.25, 0.12, 0.06, 0.03, 0.01),
    "facebook": (0.02, 0.15, 0.25, 0.20, 0.16, 0.13, 0.09),
    "x": (0.04, 0.25, 0.33, 0.18, 0.10, 0.07, 0.03),
    "linkedin": (0.00, 0.18, 0.40, 0.22, 0.12, 0.06, 0.02),
    "youtube": (0.10, 0.25, 0.25, 0.17, 0.11, 0.08, 0.04),
}
FEMALE_SHARE = {"fashion": 0.72, "beauty": 0.8, "sports": 0.35, "technology": 0.35, "finance": 0.4}
UNKNOWN_GENDER = 0.04
HOME_COUNTRY_SHARE = (0.55, 0.85)
ENGAGED_RATE = {"instagram": 0.12, "tiktok": 0.20, "facebook": 0.03, "x": 0.04, "linkedin": 0.15, "youtube": 0.08}
ENGAGEMENTS_PER_ENGAGED = 3.0


def make_audience(accounts: pd.DataFrame, last_followers: np.ndarray,
                  effects: Effects, pools: Pools, rng: np.random.Generator) -> pd.DataFrame:
    """Split each account's final followers over age x gender x country segments
    (multinomial), then draw engaged users and engagements per segment, the
    planted best segment engaging far more."""
    n_acc = len(accounts)
    platform = accounts["platform"].to_numpy(dtype=object)
    industry = accounts["_industry"].to_numpy(dtype=object)
    home = accounts["_country"].to_numpy(dtype=object)

    age = np.stack([AGE_MIX[p] for p in platform]) * rng.lognormal(0, 0.15, (n_acc, len(AGE_GROUPS)))
    age /= age.sum(axis=1, keepdims=True)
    female = np.array([FEMALE_SHARE.get(i, 0.5) for i in industry]) + rng.normal(0, 0.04, n_acc)
    female = np.clip(female, 0.05, 0.95) * (1 - UNKNOWN_GENDER)
    gender = np.stack([female, 1 - UNKNOWN_GENDER - female, np.full(n_acc, UNKNOWN_GENDER)], axis=1)
    countries = np.array(pools.countries, dtype=object)
    home_share = rng.uniform(*HOME_COUNTRY_SHARE, n_acc)
    country = rng.dirichlet(np.ones(len(countries)) * 2, n_acc) * (1 - home_share)[:, None]
    country += (countries[None, :] == home[:, None]) * home_share[:, None]

    probs = age[:, :, None, None] * gender[:, None, :, None] * country[:, None, None, :]
    shape = probs.shape[1:]
    probs = probs.reshape(n_acc, -1)
    seg_followers = rng.multinomial(last_followers, probs / probs.sum(axis=1, keepdims=True))

    seg_mult = np.array([effects.segment_engaged[(a, g)] for a in AGE_GROUPS for g in GENDERS])
    seg_mult = np.repeat(seg_mult, shape[2])  # same for every country
    rate = np.array([ENGAGED_RATE[p] for p in platform])[:, None] * rng.lognormal(0, 0.2, n_acc)[:, None]
    engaged = rng.binomial(seg_followers, np.minimum(rate * seg_mult[None, :], 0.95))
    engagements = rng.poisson(engaged * ENGAGEMENTS_PER_ENGAGED * rng.lognormal(0, 0.1, engaged.shape))

    a_idx, g_idx, c_idx = (ix.ravel() for ix in np.meshgrid(*[np.arange(s) for s in shape], indexing="ij"))
    frame = pd.DataFrame({
        "account_id": np.repeat(accounts["account_id"].to_numpy(dtype=object), probs.shape[1]),
        "age_group": np.tile(np.array(AGE_GROUPS, dtype=object)[a_idx], n_acc),
        "gender": np.tile(np.array(GENDERS, dtype=object)[g_idx], n_acc),
        "country": np.tile(countries[c_idx], n_acc),
        "followers": seg_followers.ravel(),
        "engaged_users": engaged.ravel(),
        "engagements": engagements.ravel(),
    })
    return frame[frame["followers"].to_numpy() > 0].reset_index(drop=True)
