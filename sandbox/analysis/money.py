"""Money of several brands in one currency.

Each brand's campaigns are in its own currency (``campaigns.currency``); ``fx_rates`` gives every
currency's ``units_per_base``, units of it for one unit of the world's base currency. Amounts of different
brands add up only in one currency: amount in the base currency = amount / units_per_base.
"""

from __future__ import annotations

import pandas as pd


def in_base_currency(frame: pd.DataFrame, fx_rates: pd.DataFrame, columns=("budget", "spend", "revenue")) -> pd.DataFrame:
    """``frame`` with its money ``columns`` in the world's base currency: each amount divided by the
    ``fx_rates.units_per_base`` of the row's ``currency``, so amounts of different brands can be added up."""
    rate = frame["currency"].astype(str).map(fx_rates.set_index("currency")["units_per_base"])
    return frame.assign(**{c: frame[c] / rate for c in columns if c in frame})
