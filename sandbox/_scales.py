"""World sizes. One place holds every size knob of the generator.

Light on purpose (pandas is imported only for the timestamps), so that a command checks a scale name
before it imports the generator.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """How big a world is.

    Parameters
    ----------
    name : str
    n_brands : int
        Brands; each runs one account on each of 2-6 platforms.
    days : int
        Length of the simulated period, starting on ``start``.
    n_influencers : int
    start : str
        First day of the period (UTC).
    """

    name: str
    n_brands: int
    days: int
    n_influencers: int
    start: str = "2025-01-01"

    def __post_init__(self):
        if self.n_brands < 1:
            raise ValueError(f"n_brands must be >= 1, got {self.n_brands}")
        if not 28 <= self.days <= 3 * 366:
            raise ValueError(f"days must be between 28 and 1098, got {self.days}")
        if self.n_influencers < 1:
            raise ValueError(f"n_influencers must be >= 1, got {self.n_influencers}")

    @property
    def start_ts(self):
        """First instant of the period (a UTC ``pandas.Timestamp``)."""
        import pandas as pd

        return pd.Timestamp(self.start, tz="UTC")

    @property
    def end_ts(self):
        """First instant after the period."""
        import pandas as pd

        return self.start_ts + pd.Timedelta(days=self.days)


SCALES = {
    "tiny": Scale("tiny", n_brands=3, days=120, n_influencers=40),
    "small": Scale("small", n_brands=16, days=365, n_influencers=300),
    "medium": Scale("medium", n_brands=160, days=365, n_influencers=3_000),
    "large": Scale("large", n_brands=1_100, days=365, n_influencers=20_000),
}

#: Scale of the default world (datasets/default) and of every function's ``scale`` default.
DEFAULT_SCALE = "small"

#: Sizes ``scale_for_posts`` accepts: from a few brands' worth to a billion posts.
MIN_POSTS, MAX_POSTS = 100, 1_000_000_000

#: Average posts one brand publishes in a 365-day year (all platforms), measured on 5,000-brand
#: worlds (accounts.py draws the cadence); used by --posts.
POSTS_PER_BRAND_YEAR = 835


def get_scale(scale) -> Scale:
    """Return a :class:`Scale` from its name, in any case (``"Small"`` is ``"small"``), or pass a Scale through."""
    if isinstance(scale, Scale):
        return scale
    try:
        return SCALES[str(scale).strip().lower()]
    except KeyError:
        raise ValueError(f"unknown scale {scale!r}; allowed: {', '.join(SCALES)}") from None


def scale_for_posts(n_posts: int, days: int = 365) -> Scale:
    """A custom scale sized to give about ``n_posts`` posts (from MIN_POSTS to MAX_POSTS)."""
    if isinstance(n_posts, bool) or not isinstance(n_posts, numbers.Integral) or not MIN_POSTS <= n_posts <= MAX_POSTS:
        raise ValueError(f"posts must be a whole number from {MIN_POSTS:,} to {MAX_POSTS:,}, got {n_posts!r}")
    n_brands = max(1, round(n_posts / POSTS_PER_BRAND_YEAR * 365 / days))
    return Scale(f"posts-{n_posts}", n_brands=n_brands, days=days, n_influencers=max(40, n_posts // 50))
