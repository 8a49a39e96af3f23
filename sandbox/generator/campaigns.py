"""The campaigns table: paid campaigns, some run as A/B tests with a known true lift.

A/B tests come in three kinds, drawn per test: true nulls, small lifts (5-15%,
usually too small to detect with the test's traffic) and clear winners or losers
(25-60%); every world has at least one clear winner and one clear loser, and one settled null (no lift, the
traffic to see a 20% one: a real "no difference"). A new creative also moves
the click-through rate. The truth says for each test its power and whether it is detectable.

Money: see :mod:`sandbox.generator.money` (each brand pays in its own currency, at its market's prices).
Platforms spend a campaign's budget nearly in full; a few campaigns, whose audience is too small,
under-deliver and show their ads to the same people more often (a high frequency).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .._schema import OBJECTIVES
from . import money
from .distributions import normal_cdf, normal_ppf, normal_sf
from .ids import id_width, make_ids

AB_TEST_SHARE = 0.16      # share of campaign slots run as an A/B test (two campaigns)
#: Kinds of A/B test: (share of tests, |relative lift| range of the conversion rate).
AB_KINDS = {"null": (0.3, (0.0, 0.0)), "small": (0.35, (0.05, 0.15)), "large": (0.35, (0.25, 0.6))}
AB_BUDGET_MEDIAN = 4000.0  # per arm at a CPM of 8 USD: a test costs 2 ordinary campaigns
DETECTABLE_POWER = 0.95    # a test is "detectable" when a 5% two-sided z-test has this power
MAX_CONVERSION_RATE = 0.5  # of clicks, before a test's lift


def make_campaigns(accounts: pd.DataFrame, scale: Scale, rng: np.random.Generator, base_currency: str) -> pd.DataFrame:
    """Campaigns of every brand, money in the brand's currency (``base_currency`` is the world's reporting
    currency, the base of its ``fx_rates``).

    Amounts are modelled in US dollars at US prices, then moved to the brand's market: media costs
    follow ``money.ad_price_index``, budgets and order values ``cal.PRICE_LEVEL``, and conversions per
    click their ratio, so ROAS does not depend on the market. Returns the table plus hidden columns
    ``_account`` (row of the boosted account), ``_true_lift`` (0 for arm A and for campaigns outside
    tests), ``_ctr_lift`` (the same for the click-through rate), ``_kind`` (A/B test kind, see
    ``AB_KINDS``) and ``_power`` (the test's power, NaN outside tests)."""
    n_brands = int(accounts["_brand"].max()) + 1
    n_slots_per_brand = rng.poisson(cal.CAMPAIGNS_PER_BRAND_YEAR * scale.days / 365, n_brands)
    brand = np.repeat(np.arange(n_brands), n_slots_per_brand)
    n_slots = len(brand)

    # Each slot runs on one of the brand's accounts, chosen uniformly.
    first = np.searchsorted(accounts["_brand"].to_numpy(), np.arange(n_brands))
    count = np.bincount(accounts["_brand"].to_numpy(), minlength=n_brands)
    account = first[brand] + (rng.random(n_slots) * count[brand]).astype(np.int64)
    platform = accounts["platform"].to_numpy(dtype=object)[account]
    country = accounts["_country"].to_numpy(dtype=object)[account]
    currency = money.currency_of(country)
    ad_price = money.ad_price_index(country, platform)
    price_level = np.array([cal.PRICE_LEVEL[c] for c in country])

    is_test = rng.random(n_slots) < AB_TEST_SHARE
    if n_slots and not is_test.any():  # every world has at least one A/B test to analyse
        is_test[rng.integers(n_slots)] = True
    objective = rng.choice(OBJECTIVES, size=n_slots)
    objective = np.where(is_test, "conversions", objective)
    duration = rng.integers(7, 31, n_slots)
    start = (rng.random(n_slots) * (scale.days - duration)).astype(np.int64)

    def by(table, keys):
        return np.array([table[k] for k in keys])

    platform_cpm = by(cal.AD_CPM, platform)
    cpm = platform_cpm * by(cal.OBJECTIVE_CPM_MULTIPLIER, objective) * ad_price * rng.lognormal(0, 0.15, n_slots)
    # the team sets a round budget in its own currency; a cheap market buys more impressions with it
    budget_usd = (np.where(is_test, AB_BUDGET_MEDIAN, cal.CAMPAIGNS_BUDGET_MEDIAN) * (platform_cpm / 8.0)
                  * price_level * rng.lognormal(0, 0.35, n_slots))
    to_local = money.per_usd([base_currency]) * money.fx_table_rates(base_currency, currency)
    budget = money.round_budget(budget_usd * to_local)
    ctr = by(cal.AD_CTR, platform) * by(cal.OBJECTIVE_CTR_MULTIPLIER, objective) * rng.lognormal(0, 0.2, n_slots)
    industry = accounts["_industry"].to_numpy(dtype=object)[account]
    value = by(cal.ORDER_VALUE, industry)
    conv_rate = (by(cal.CONVERSION_RATE, objective) * by(cal.PLATFORM_CONVERSION, platform)
                 * (value / np.median(list(cal.ORDER_VALUE.values()))) ** -cal.CONVERSION_VALUE_ELASTICITY
                 * np.minimum(ad_price / price_level, 1.0) * rng.lognormal(0, cal.CONVERSION_RATE_SIGMA, n_slots))
    conv_rate = np.minimum(conv_rate, MAX_CONVERSION_RATE)
    kinds = list(AB_KINDS)
    kind = np.array(kinds)[rng.choice(len(kinds), n_slots, p=[AB_KINDS[k][0] for k in kinds])]
    lo, hi = (np.array([AB_KINDS[k][1][i] for k in kind]) for i in (0, 1))
    lift = rng.choice([-1.0, 1.0], n_slots) * rng.uniform(lo, hi)
    lift = np.where(is_test, np.round(lift, 3), 0.0)
    order_value = value * price_level * rng.lognormal(0, cal.REVENUE_SIGMA, n_slots)
    ctr_lift = np.where(is_test, np.round(rng.normal(0, cal.AB_CTR_LIFT_SD, n_slots), 3), 0.0)
    under = rng.random(n_slots) < cal.UNDER_DELIVERY_SHARE
    frequency = (by(cal.FREQUENCY, objective) * np.where(under, cal.UNDER_DELIVERY_FREQUENCY, 1.0)
                 * rng.lognormal(0, 0.15, n_slots))
    # power of each test, from the traffic it was planned to get (expected clicks per arm)
    planned_clicks = budget / to_local / cpm * 1000 * ctr
    plant_clear_results(is_test, kind, lift, planned_clicks * conv_rate,
                        rng.uniform(*AB_KINDS["large"][1], n_slots).round(3))
    planted = plant_nulls(is_test, kind, lift, under, planned_clicks * conv_rate,
                          planned_clicks * np.minimum(1 + ctr_lift, 1.0), conv_rate)
    for slot, factor in planted:  # their budget buys the traffic they need (no draw: other values stay as they were)
        budget[slot] = money.round_budget(budget[slot] * factor)
        planned_clicks[slot] = budget[slot] / to_local[slot] / cpm[slot] * 1000 * ctr[slot]
    settled = planted[0] if planted else None

    # Expand: a test slot becomes two campaigns (A then B) sharing budget, dates and base rates.
    arms = np.where(is_test, 2, 1)
    row = np.repeat(np.arange(n_slots), arms)
    arm = np.arange(len(row)) - np.repeat(np.cumsum(arms) - arms, arms)
    n = len(row)
    test_number = np.cumsum(is_test) * is_test  # 1-based test number of each slot, 0 if none
    true_lift = np.where(arm == 1, lift[row], 0.0)
    b_ctr_lift = np.where(arm == 1, ctr_lift[row], 0.0)

    delivered = np.where(under[row], rng.uniform(*cal.UNDER_DELIVERY_RANGE, n),
                         1 - np.minimum(rng.exponential(cal.FULL_DELIVERY_SHORTFALL, n), 0.03))
    spend = money.floor_money(budget[row] * delivered, currency[row])
    impressions = rng.poisson(spend / to_local[row] / cpm[row] * 1000 * rng.lognormal(0, 0.1, n))
    reach = np.minimum(impressions, np.maximum(np.round(impressions / frequency[row]), impressions > 0))
    reach = reach.astype(np.int64)
    clicks = rng.binomial(impressions, np.minimum(ctr[row] * (1 + b_ctr_lift), 0.5))
    conversions = rng.binomial(clicks, np.minimum(conv_rate[row] * (1 + true_lift), 0.9))
    revenue = money.round_money(conversions * order_value[row] * rng.lognormal(0, 0.08, n) * to_local[row],
                                currency[row])
    # the power a test really has: its smaller arm's clicks (B's creative moves the CTR too), on the budget an
    # under-delivering campaign spends
    delivered_share = np.where(under, np.mean(cal.UNDER_DELIVERY_RANGE), 1.0)
    power = ab_power(conv_rate, lift, planned_clicks * np.minimum(1 + ctr_lift, 1.0) * delivered_share)

    start_date = scale.start_ts.tz_localize(None) + pd.to_timedelta(start[row], unit="D")
    test_ids = make_ids("T", test_number[row], id_width(int(test_number.max(initial=0)), 4))
    in_test = is_test[row]
    brand_ids = accounts["brand_id"].to_numpy(dtype=object)[first[brand[row]]]
    return pd.DataFrame({
        "campaign_id": make_ids("CP", np.arange(1, n + 1), id_width(n, 5)),
        "brand_id": brand_ids,
        "platform": platform[row],
        "objective": objective[row],
        "test_id": np.where(in_test, test_ids, None) if n else np.array([], dtype=object),
        "variant": np.where(in_test, np.where(arm == 0, "A", "B"), None) if n else np.array([], dtype=object),
        "start_date": start_date,
        "end_date": start_date + pd.to_timedelta(duration[row] - 1, unit="D"),
        "currency": currency[row],
        "budget": budget[row],
        "spend": spend,
        "impressions": impressions,
        "reach": reach,
        "clicks": clicks,
        "conversions": conversions,
        "revenue": revenue,
        "_account": account[row],
        "_true_lift": true_lift,
        "_ctr_lift": b_ctr_lift,
        "_kind": np.where(is_test[row], kind[row], None) if n else np.array([], dtype=object),
        "_power": np.where(is_test[row], power[row], np.nan) if n else np.array([]),
        "_settled": (np.arange(n_slots) == (settled[0] if settled else -1))[row],
    })


def plant_clear_results(is_test: np.ndarray, kind: np.ndarray, lift: np.ndarray, planned_conversions: np.ndarray,
                        magnitude: np.ndarray) -> None:
    """Make sure the world has a clear winner and a clear loser (a large positive and a large negative lift)
    among its tests, planted where tests get the most conversions; ``kind`` and ``lift`` change in place.

    Tests are few in a small world: without this, some worlds would hold no B win, or no A win, to read.
    """
    tests = np.flatnonzero(is_test)
    order = tests[np.argsort(-planned_conversions[tests], kind="stable")]
    for sign in (1.0, -1.0):
        large = (kind == "large") & is_test
        if (large & (np.sign(lift) == sign)).any():
            continue
        free = [t for t in order if not (large[t] and np.sign(lift[t]) == -sign)]
        if free:
            kind[free[0]], lift[free[0]] = "large", sign * magnitude[free[0]]


#: Planted nulls (no true lift), by the power their traffic gives to see a 20% relative lift (the notebooks'
#: MIN_LIFT): first a settled null, whose crossing interval is a real "no difference"; then tests just short of 80%
#: power two-sided (about 0.86 one-sided), which only a two-sided power calls underpowered.
NULL_POWERS = (0.99, 0.75, 0.75, 0.75)
NULL_LIFT = 0.2


def plant_nulls(is_test: np.ndarray, kind: np.ndarray, lift: np.ndarray, under: np.ndarray,
                planned_conversions: np.ndarray, planned_clicks: np.ndarray, conv_rate: np.ndarray) -> list:
    """Make tests nulls with the traffic of NULL_POWERS (a confirmation test with a large budget first): [(slot, the
    factor its budget is multiplied by), ...], as many as the world has tests besides its clear winner and loser.
    ``kind`` and ``lift`` change in place.

    Without them, many worlds hold no well-powered test without a winner (calling every inconclusive test
    underpowered, never computing a power, is right there), and none whose power a one-sided test overstates.
    """
    tests = list(np.flatnonzero(is_test & (kind != "large") & ~under))
    tests.sort(key=lambda t: -planned_conversions[t])
    planted = []
    for slot, power in zip(tests, NULL_POWERS):
        kind[slot], lift[slot] = "null", 0.0
        planted.append((int(slot), clicks_for_power(conv_rate[slot], NULL_LIFT, power) / max(planned_clicks[slot], 1.0)))
    return planted


def clicks_for_power(rate_a: float, lift: float, power: float, alpha: float = 0.05) -> float:
    """Clicks per arm a two-sided two-proportion z-test (as :func:`ab_power`) needs to see a relative ``lift`` of
    ``rate_a`` with ``power``."""
    rate_b = min(rate_a * (1 + lift), 0.9)
    z = normal_ppf(1 - alpha / 2) + normal_ppf(power)
    return float(z ** 2 * (rate_a * (1 - rate_a) + rate_b * (1 - rate_b)) / (rate_b - rate_a) ** 2)


def ab_power(rate_a: np.ndarray, lift: np.ndarray, clicks_per_arm: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    """Power of a two-sided two-proportion z-test for a relative ``lift`` of ``rate_a``."""
    rate_b = np.minimum(rate_a * (1 + lift), 0.9)
    se = np.sqrt((rate_a * (1 - rate_a) + rate_b * (1 - rate_b)) / np.maximum(clicks_per_arm, 1))
    z = np.abs(rate_b - rate_a) / se
    q = normal_ppf(1 - alpha / 2)
    return np.where(lift == 0, alpha, normal_sf(q - z) + normal_cdf(-q - z))


def ab_test_truth(campaigns: pd.DataFrame) -> list[dict]:
    """The planted A/B tests: relative lift of B's conversion rate over A's."""
    tests = campaigns[campaigns["variant"] == "B"]
    return [
        {"test_id": t, "platform": p, "metric": "conversion_rate = conversions / clicks",
         "true_lift": float(lift), "has_effect": bool(lift != 0), "kind": kind,
         "power": round(float(power), 3), "detectable": bool(lift != 0 and power >= DETECTABLE_POWER),
         "ctr_lift": float(ctr_lift), "settled_null": bool(settled)}
        for t, p, lift, kind, power, ctr_lift, settled in zip(tests["test_id"], tests["platform"], tests["_true_lift"],
                                                              tests["_kind"], tests["_power"], tests["_ctr_lift"],
                                                              tests["_settled"])
    ]
