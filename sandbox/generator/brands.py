"""The brands table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._schema import INDUSTRIES
from .ids import id_width, make_ids
from .pools import Pools


def make_brands(n_brands: int, pools: Pools, rng: np.random.Generator) -> pd.DataFrame:
    """``n_brands`` brands with unique names, an industry and a home country."""
    order = rng.permutation(len(pools.companies))
    idx = np.arange(n_brands)
    names = pools.companies[order[idx % len(order)]]
    repeat = idx // len(order)
    if repeat.any():  # more brands than pool names: "Name 2", "Name 3"...
        names = np.where(repeat > 0, names + " " + (repeat + 1).astype(str), names)
    return pd.DataFrame({
        "brand_id": make_ids("B", idx + 1, id_width(n_brands, 4)),
        "name": names,
        "industry": rng.choice(INDUSTRIES, size=n_brands),
        "country": rng.choice(pools.countries, size=n_brands, p=pools.country_weights),
        "currency": "USD",
    })
