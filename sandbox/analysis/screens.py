"""Robust z-scores: screens for outliers (bot spikes, viral posts, bought followers) that the outliers
themselves cannot hide from.

A robust z-score = (x - median) / (MAD_TO_SD x MAD), the median absolute deviation scaled to match the
standard deviation of normal data, so that the outliers it looks for cannot inflate its scale.
"""

from __future__ import annotations

import pandas as pd

#: The MAD of normally distributed data times this is its standard deviation.
MAD_TO_SD = 1.4826


def robust_z(x: pd.Series, groups=None) -> pd.Series:
    """(x - median) / (MAD_TO_SD * MAD), within ``groups`` when given, aligned with ``x``.

    A group whose MAD is 0 (most of its values equal) is scaled by the standard deviation of ``x`` instead.
    """
    if groups is None:
        groups = pd.Series(0, index=x.index)
    med = x.groupby(groups).transform("median")
    mad = (x - med).abs().groupby(groups).transform("median") * MAD_TO_SD
    return (x - med) / mad.where(mad > 0, x.std() or 1.0)
