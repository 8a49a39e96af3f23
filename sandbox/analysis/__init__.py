"""The analysis the exercise notebooks and the reference analysis share: one home per idea.

Topic modules (each small, each with one job):

- :mod:`~sandbox.analysis.rates`: engagements and engagement rates per post;
- :mod:`~sandbox.analysis.clocks`: local clocks (``brands.timezone``) and the best local hour;
- :mod:`~sandbox.analysis.baselines`: per-account baselines (each post against its own account);
- :mod:`~sandbox.analysis.samples`: minimum samples before a best cell is named;
- :mod:`~sandbox.analysis.bands`: near-ties and the noise bands of insight cards;
- :mod:`~sandbox.analysis.screens`: robust z-scores, the screens for outliers;
- :mod:`~sandbox.analysis.segments`: audience segments compared fairly across platforms;
- :mod:`~sandbox.analysis.crisis`: crisis frames, windows and the crisis card;
- :mod:`~sandbox.analysis.money`: amounts of several currencies in the world's base currency;
- :mod:`~sandbox.analysis.cache`: results kept for the last world.

A notebook module (``sandbox.exercises.exNN_*``) imports this library and the question engine, never another
notebook module, so editing one notebook never changes another's grading; what two notebooks share lives
here. The library imports neither the exercises nor ``sandbox.reference``. Usage: ``from sandbox import
analysis as an`` then ``an.er_reach(ds.posts)``.
"""

from .bands import FORMAT_TIE, HOUR_TIE, hour_card, near_best, near_best_hours, supported, top_labels
from .baselines import rated
from .cache import last_dataset_cache
from .clocks import best_local_hours, instagram_by_hour, local_hour, local_posted_at
from .crisis import crisis_account, crisis_accounts, crisis_cards, crisis_window, daily
from .money import in_base_currency
from .rates import (engagements, er_followers, er_impressions, er_reach, followers_on_post_day, posting_day,
                    with_rates)
from .samples import MIN_POSTS, MIN_SHARE, well_sampled
from .screens import MAD_TO_SD, robust_z
from .segments import segment_index

__all__ = [
    "FORMAT_TIE", "HOUR_TIE", "MAD_TO_SD", "MIN_POSTS", "MIN_SHARE", "best_local_hours", "crisis_account",
    "crisis_accounts", "crisis_cards", "crisis_window", "daily", "engagements", "er_followers", "er_impressions",
    "er_reach", "followers_on_post_day", "hour_card", "in_base_currency", "instagram_by_hour", "last_dataset_cache",
    "local_hour",
    "local_posted_at", "near_best", "near_best_hours", "posting_day", "rated", "robust_z", "segment_index",
    "supported", "top_labels", "well_sampled", "with_rates",
]
