"""The brands table: name, industry, home country with its time zone and currency."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._schema import INDUSTRIES
from .ids import id_width, make_ids
from .money import currency_of
from .pools import Pools

def draw_timezones(countries: np.ndarray, timezones: dict, rng: np.random.Generator) -> np.ndarray:
    """One IANA time zone per brand, drawn among its home country's zones.

    ``timezones`` comes from the locale's data file: country -> {zone: weight}, the weights being
    rounded population shares (US: Eastern 47%, Central 29%, Mountain 7%, Pacific 17%).
    """
    u = rng.random(len(countries))
    out = np.empty(len(countries), dtype=object)
    for country in np.unique(countries):
        zones, weights = zip(*timezones[country].items())
        m = countries == country
        out[m] = np.array(zones, dtype=object)[np.searchsorted(np.cumsum(weights) / sum(weights), u[m])]
    return out


def make_brands(n_brands: int, pools: Pools, rng: np.random.Generator) -> pd.DataFrame:
    """``n_brands`` brands with unique names, an industry and a home country (which sets the brand's time
    zone and currency)."""
    order = rng.permutation(len(pools.companies))
    idx = np.arange(n_brands)
    names = pools.companies[order[idx % len(order)]]
    repeat = idx // len(order)
    if repeat.any():  # more brands than pool names: "Name 2", "Name 3"...
        names = np.where(repeat > 0, names + " " + (repeat + 1).astype(str), names)
    # every industry once in each run of len(INDUSTRIES) brands: industries differ several-fold in
    # engagement (_calibration.ER_INDUSTRY), and a portfolio of 16 brands should not hold 5 of one by chance
    runs = -(-n_brands // len(INDUSTRIES))
    industry = np.array(INDUSTRIES, dtype=object)[rng.random((runs, len(INDUSTRIES))).argsort(axis=1).ravel()[:n_brands]]
    country = rng.choice(pools.countries, size=n_brands, p=pools.country_weights)
    return pd.DataFrame({
        "brand_id": make_ids("B", idx + 1, id_width(n_brands, 4)),
        "name": names,
        "industry": industry,
        "country": country,
        "timezone": draw_timezones(country, pools.timezones, rng),
        "currency": currency_of(country),
    })
