"""The audience table: who follows each account, and which segments engage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._schema import AGE_GROUPS, AUDIENCE, GENDERS
from .effects import Effects
from .ids import take_str
from .pools import Pools



def make_audience(accounts: pd.DataFrame, last_followers: np.ndarray,
                  effects: Effects, pools: Pools, rng: np.random.Generator,
                  planted: np.ndarray | None = None, plant_rng: np.random.Generator | None = None) -> pd.DataFrame:
    """Split each account's final followers over age x gender x country segments
    (multinomial), then draw engaged users and engagements per segment, the
    planted best segment engaging far more. ``planted``: followers a plant added to each account after
    ``last_followers`` (see :mod:`.plants`), split and engaged the same way from ``plant_rng``."""
    n_acc = len(accounts)
    platform = accounts["platform"].to_numpy(dtype=object)
    industry = accounts["_industry"].to_numpy(dtype=object)
    home = accounts["_country"].to_numpy(dtype=object)

    age = np.stack([cal.AGE_MIX[p] for p in platform]) * rng.lognormal(0, 0.15, (n_acc, len(AGE_GROUPS)))
    age /= age.sum(axis=1, keepdims=True)
    female = np.array([cal.FEMALE_SHARE.get(i, 0.5) for i in industry]) + rng.normal(0, 0.04, n_acc)
    female = np.clip(female, 0.05, 0.95) * (1 - cal.UNKNOWN_GENDER)
    gender = np.stack([female, 1 - cal.UNKNOWN_GENDER - female, np.full(n_acc, cal.UNKNOWN_GENDER)], axis=1)
    countries = np.array(pools.countries, dtype=object)
    home_share = rng.uniform(*cal.HOME_COUNTRY_SHARE, n_acc)
    country = rng.dirichlet(np.ones(len(countries)) * 2, n_acc) * (1 - home_share)[:, None]
    country += (countries[None, :] == home[:, None]) * home_share[:, None]

    probs = age[:, :, None, None] * gender[:, None, :, None] * country[:, None, None, :]
    shape = probs.shape[1:]
    probs = probs.reshape(n_acc, -1)
    seg_followers = rng.multinomial(last_followers, probs / probs.sum(axis=1, keepdims=True))

    seg_mult = np.array([effects.segment_engaged[(a, g)] for a in AGE_GROUPS for g in GENDERS])
    seg_mult = np.repeat(seg_mult, shape[2])  # same for every country
    rate = np.array([cal.ENGAGED_RATE[p] for p in platform])[:, None] * rng.lognormal(0, 0.2, n_acc)[:, None]
    engaged, engagements = _engaged(seg_followers, np.minimum(rate * seg_mult[None, :], 0.95), rng)
    if planted is not None and planted.any():
        more = plant_rng.multinomial(planted, probs / probs.sum(axis=1, keepdims=True))
        more_engaged, more_engagements = _engaged(more, np.minimum(rate * seg_mult[None, :], 0.95), plant_rng)
        seg_followers, engaged, engagements = (seg_followers + more, engaged + more_engaged,
                                               engagements + more_engagements)

    a_idx, g_idx, c_idx = (ix.ravel() for ix in np.meshgrid(*[np.arange(s) for s in shape], indexing="ij"))
    frame = pd.DataFrame({
        "account_id": take_str(accounts["account_id"], np.repeat(np.arange(n_acc), probs.shape[1])),
        "age_group": pd.Categorical.from_codes(np.tile(a_idx, n_acc), dtype=AUDIENCE.column("age_group").dtype),
        "gender": pd.Categorical.from_codes(np.tile(g_idx, n_acc), dtype=AUDIENCE.column("gender").dtype),
        "country": take_str(countries, np.tile(c_idx, n_acc)),
        "followers": seg_followers.ravel(),
        "engaged_users": engaged.ravel(),
        "engagements": engagements.ravel(),
    })
    return frame[frame["followers"].to_numpy() > 0].reset_index(drop=True)


def _engaged(seg_followers: np.ndarray, rate: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(engaged users, engagements) of each segment's followers, engaged at ``rate``."""
    engaged = rng.binomial(seg_followers, rate)
    return engaged, rng.poisson(engaged * cal.ENGAGEMENTS_PER_ENGAGED * rng.lognormal(0, 0.1, engaged.shape))
