"""Seeded random sources. Every table draws from its own child generator.

The world's root is ``SeedSequence(seed)``. A child is what
``SeedSequence.spawn`` would return, addressed by a stable key instead of by
call order: ``(stream, block)``. ``stream`` names a table (or the planted
effects), ``block`` a fixed-size group of brands. Because a block's draws never
depend on other blocks, a world cut into any number of partitions (made of
whole blocks) is identical to the world made in one go.
"""

from __future__ import annotations

import numpy as np

STREAMS = (
    "effects", "brands", "accounts", "campaigns", "posts", "post_daily",
    "followers_daily", "audience", "comments", "influencers", "dirty", "pools",
    "plant_posts", "plant_engagement",
)

#: Brands per block: the unit of partitioning (partition boundaries fall between blocks).
BLOCK_BRANDS = 32


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return int(seed)


def child_rng(seed: int, stream: str, block: int = 0) -> np.random.Generator:
    """The generator of one table (``stream``) for one block of brands."""
    if stream not in STREAMS:
        raise ValueError(f"unknown random stream {stream!r}; streams: {STREAMS}")
    seq = np.random.SeedSequence(seed, spawn_key=(STREAMS.index(stream), block))
    return np.random.Generator(np.random.PCG64(seq))
