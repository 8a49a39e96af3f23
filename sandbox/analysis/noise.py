"""Noise bands taken from the data's own uncertainty: which labels the data cannot tell apart from the best one.

A fixed band (within 2% of the best) is a knife-edge where a median rests on thirty posts and far too wide
where it rests on three thousand. Here the band is the standard error of the difference between the best
value and each other one, measured on the learner's world: by bootstrap for medians of posts, by the Poisson
error of a count for rates built on counts. A bootstrap draws from a fixed seed per group, so the same world
always gives the same band.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

#: Bootstrap resamples per group.
N_BOOT = 400
#: Seed of every bootstrap (with the group's label): a world's bands never change between checks.
BOOT_SEED = 20


def median_se(values: pd.Series, groups) -> pd.Series:
    """Bootstrap standard error of the median of ``values`` within each group (values resampled within their
    own group, N_BOOT times), indexed like ``values.groupby(groups).median()``. Missing values are left out."""
    out = {}
    for label, part in values.groupby(groups):
        x = part.dropna().to_numpy(dtype="float64")
        if len(x) < 2:
            out[label] = 0.0 if len(x) else np.nan
            continue
        rng = np.random.default_rng([BOOT_SEED, zlib.crc32(repr(label).encode())])
        medians = np.median(x[rng.integers(0, len(x), (N_BOOT, len(x)))], axis=1)
        out[label] = float(medians.std(ddof=1))
    index = values.groupby(groups).median().index
    return pd.Series(out, dtype="float64").reindex(index)


def poisson_log_se(counts: pd.Series) -> pd.Series:
    """Standard error of the log of a rate built on ``counts`` events (1 / sqrt(count); a count of 0 as 1)."""
    return 1.0 / np.sqrt(counts.clip(lower=1).astype("float64"))
