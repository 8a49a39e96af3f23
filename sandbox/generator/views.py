"""Video views of the posts, drawn after everything else a post carries.

Views are the last column of a post: they read its reach, impressions and engagers and change none of them
(the planted engagement effects stay as they are). Each platform counts views its own way
(see ``_calibration.VIEWS_PER_REACH`` and ``VIDEO_VIEW_RATE``):

* full-screen feeds (Reels, TikTok, Shorts) count plays, and YouTube counts every view of its unique viewers:
  views = reach + replays, so they never fall below reach;
* feed videos (Facebook, X, LinkedIn) count a view at a few seconds of play: views per impression;
* every account that liked or commented watched: views are never fewer than the likes plus comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._schema import FORMATS, PLATFORMS, VIDEO_FORMATS


def _table(values: dict) -> np.ndarray:
    """A (platform x format) lookup table of ``{(platform, format): value}`` (NaN elsewhere)."""
    table = np.full((len(PLATFORMS), len(FORMATS)), np.nan)
    for (p, f), v in values.items():
        table[PLATFORMS.index(p), FORMATS.index(f)] = v
    return table


def draw_video_views(plat_code: np.ndarray, fmt_code: np.ndarray, impressions: np.ndarray, reach: np.ndarray,
                     engagers: np.ndarray, rng: np.random.Generator) -> pd.arrays.IntegerArray:
    """Video views per post (``Int64``; missing for non-video formats).

    ``engagers`` is likes + comments. Draws a fixed number of values per post whatever its format, so the
    draws of a post never depend on the formats of the others."""
    n = len(plat_code)
    per_reach = _table(cal.VIEWS_PER_REACH)[plat_code, fmt_code]
    per_impression = _table(cal.VIDEO_VIEW_RATE)[plat_code, fmt_code]
    replay_noise = rng.lognormal(0, cal.VIDEO_REPLAY_SIGMA, n)
    view_noise = rng.lognormal(0, cal.VIDEO_VIEW_SIGMA, n)
    engaged_share = rng.uniform(*cal.ENGAGED_VIEWER_SHARE, n)
    replays = rng.poisson(np.where(np.isnan(per_reach), 0.0, reach * (np.nan_to_num(per_reach) - 1) * replay_noise))
    # a feed view is one of the accounts reached stopping on it (at the rate per impression)
    per_reached = np.nan_to_num(per_impression) * view_noise * impressions / np.maximum(reach, 1)
    feed_views = rng.binomial(reach, np.minimum(per_reached, 0.95))
    views = np.where(np.isnan(per_reach), feed_views, reach + replays)
    views = np.maximum(views, np.ceil(engagers / engaged_share).astype(np.int64) * (views < engagers))
    is_video = np.isin(np.array(FORMATS, dtype=object)[fmt_code], list(VIDEO_FORMATS))
    out = pd.array(np.where(is_video, views, 0), dtype="Int64")
    out[~is_video] = pd.NA
    return out
