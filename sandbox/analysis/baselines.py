"""Per-account baselines: each post against what its own account usually gets.

Platforms differ far more than topics, formats or hours do, and accounts differ in size; dividing a
post's ER by its own account's median ER (``rel_er``: 1.2 = 20% better than that account usually does)
removes both at once.
"""

from __future__ import annotations

import pandas as pd

from .cache import last_dataset_cache
from .rates import er_impressions


@last_dataset_cache
def rated(ds, rate=er_impressions, by: str = "account_id", how: str = "median") -> pd.DataFrame:
    """ds.posts with ``er`` and ``rel_er`` (er over the median er of the post's ``by`` group), and platform,
    topic and format as text. Shared between calls on the same dataset object: read it, never modify it."""
    posts = ds.posts.assign(platform=ds.posts["platform"].astype(str), topic=ds.posts["topic"].astype(str),
                            format=ds.posts["format"].astype(str))
    er = rate(posts)
    return posts.assign(er=er, rel_er=er / er.groupby(posts[by]).transform(how))
