"""Money of a world: which currency each country pays in, the rates table, rounding to a currency.

Amounts are modelled in US dollars at US prices, moved to the brand's market
(:func:`ad_price_index` for what media costs, ``cal.PRICE_LEVEL`` for what
brands sell and spend), then written in the brand's currency at the world's
rates (``fx_rates``). The rates table draws nothing: it is the published
reference rates of ``cal.FX_DATE`` (see ``cal.FX_QUOTES``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal

#: Significant digits of a rate in the fx_rates table (the ECB publishes 5).
RATE_DIGITS = 6


def ad_price_index(countries, platforms) -> np.ndarray:
    """What an impression costs in each country on each platform, relative to the US (``cal.AD_PRICE_INDEX``,
    flattened by the platform's ``cal.AD_PRICE_ELASTICITY``: LinkedIn's CPMs vary less by country)."""
    index = np.array([cal.AD_PRICE_INDEX[c] for c in np.asarray(countries, dtype=object)], dtype=float)
    elasticity = np.array([cal.AD_PRICE_ELASTICITY.get(p, 1.0) for p in np.asarray(platforms, dtype=object)])
    return index ** elasticity


def currency_of(countries) -> np.ndarray:
    """The ISO 4217 currency of each country code."""
    countries = np.asarray(countries, dtype=object)
    unknown = sorted(set(countries) - set(cal.COUNTRY_CURRENCY))
    if unknown:
        raise ValueError(f"no currency for the countries {', '.join(unknown)}; "
                         f"known: {', '.join(cal.COUNTRY_CURRENCY)} (sandbox._calibration.COUNTRY_CURRENCY)")
    return np.array([cal.COUNTRY_CURRENCY[c] for c in countries], dtype=object)


def _per_eur(currency: str) -> float:
    if currency == "EUR":
        return 1.0
    quoted_per, units, _ = cal.FX_QUOTES[currency]
    return units if quoted_per == "EUR" else units * _per_eur(quoted_per)


def _quote_sources(currency: str) -> list[str]:
    """The published quotes that link ``currency`` to the euro."""
    if currency == "EUR":
        return []
    quoted_per, _, source = cal.FX_QUOTES[currency]
    return [source] + _quote_sources(quoted_per)


def per_usd(currencies) -> np.ndarray:
    """Units of each currency for one US dollar, at the world's rates."""
    return np.array([_per_eur(c) / _per_eur("USD") for c in np.asarray(currencies, dtype=object)])


def _round_significant(x: float, digits: int) -> float:
    return float(f"{x:.{digits - 1}e}")


def make_fx_rates(base: str, countries) -> pd.DataFrame:
    """The rates table of a world reporting in ``base`` whose brands live in ``countries``: one row per
    currency (``base`` first, then alphabetical), units of the currency per unit of ``base``."""
    currencies = [base] + sorted(set(currency_of(countries)) - {base})
    sources = [" + ".join(dict.fromkeys(_quote_sources(c) + _quote_sources(base))) if c != base else "base currency"
               for c in currencies]
    return pd.DataFrame({
        "currency": currencies,
        "base_currency": base,
        "units_per_base": fx_table_rates(base, currencies),
        "rate_date": pd.Timestamp(cal.FX_DATE),
        "source": sources,
    })


def decimals(currencies) -> np.ndarray:
    """Decimals each currency is written with (0 for CLP and COP, else 2)."""
    return np.array([cal.CURRENCY_DECIMALS.get(c, 2) for c in np.asarray(currencies, dtype=object)])


def round_money(amounts, currencies) -> np.ndarray:
    """Amounts rounded to their currency's smallest unit."""
    scale = 10.0 ** decimals(currencies)
    return np.round(np.asarray(amounts, dtype=float) * scale) / scale


def floor_money(amounts, currencies) -> np.ndarray:
    """Amounts rounded down to their currency's smallest unit (never above the amount)."""
    scale = 10.0 ** decimals(currencies)
    return np.floor(np.asarray(amounts, dtype=float) * scale + 1e-9) / scale


def round_budget(amounts) -> np.ndarray:
    """Budgets as people set them: two significant figures (3,487.53 -> 3,500; 6,218,000 -> 6,200,000)."""
    amounts = np.asarray(amounts, dtype=float)
    step = 10.0 ** (np.floor(np.log10(np.maximum(amounts, 1e-9))) - 1)
    return np.maximum(np.round(amounts / step), 1) * step


def fx_table_rates(base: str, currencies) -> np.ndarray:
    """Units of each currency per unit of ``base``, as written in the world's fx_rates table (rounded)."""
    return np.array([_round_significant(_per_eur(c) / _per_eur(base), RATE_DIGITS)
                     for c in np.asarray(currencies, dtype=object)])
