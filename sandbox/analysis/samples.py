"""Minimum samples: cells with too few posts are left out before a best one is named (a median of 6 posts can
be anything)."""

from __future__ import annotations

import pandas as pd

#: Hours holding less than this share of the posts a question is about are too noisy to call "best".
MIN_SHARE = 0.02
#: A format (per platform, or per brand) is judged only with at least this many posts.
MIN_POSTS = 30


def well_sampled(values: pd.Series, hours: pd.Series) -> pd.Series:
    """``values`` (indexed by hour) restricted to the hours holding at least MIN_SHARE of ``hours``
    (the posting hours of the posts the question is about)."""
    share = hours.value_counts(normalize=True)
    return values[values.index.isin(share.index[share >= MIN_SHARE])]
