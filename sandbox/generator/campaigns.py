"""The campaigns table: paid campaigns, some run as A/B tests with a known true lift."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _calibration as cal
from .._scales import Scale
from .._schema import OBJECTIVES
from .ids import id_width, make_ids

AB_TEST_SHARE = 0.5       # share of campaign slots run as an A/B test (two campaigns)
NULL_LIFT_SHARE = 0.4     # A/B tests where B is no different from A
LIFT_RANGE = (0.4, 0.7)  # |relative lift| of the conversion rate otherwise
AB_BUDGET_MEDIAN = 15000.0  # per arm at a CPM of 8 USD; sized so real lifts are detected


def make_campaigns(accounts: pd.DataFrame, scale: Scale, rng: np.random.Generator) -> pd.DataFrame:
    """Campaigns of every brand. Returns the table plus hidden columns
    ``_account`` (row of the boosted account) and ``_true_lift`` (0 for arm A and
    for campaigns outside tests)."""
    n_brands = int(accounts["_brand"].max()) + 1
    n_slots_per_brand = rng.poisson(cal.CAMPAIGNS_PER_BRAND_YEAR * scale.days / 365, n_brands)
    brand = np.repeat(np.arange(n_brands), n_slots_per_brand)
    n_slots = len(brand)

    # Each slot runs on one of the brand's accounts, chosen uniformly.
    first = np.searchsorted(accounts["_brand"].to_numpy(), np.arange(n_brands))
    count = np.bincount(accounts["_brand"].to_numpy(), minlength=n_brands)
    account = first[brand] + (rng.random(n_slots) * count[brand]).astype(np.int64)
    platform = accounts["platform"].to_numpy(dtype=object)[account]

    is_test = rng.random(n_slots) < AB_TEST_SHARE
    objective = rng.choice(OBJECTIVES, size=n_slots)
    objective = np.where(is_test, "conversions", objective)
    duration = rng.integers(7, 31, n_slots)
    start = (rng.random(n_slots) * (scale.days - duration)).astype(np.int64)
    cpm = np.array([cal.AD_CPM[p] for p in platform])
    budget = np.where(is_test, AB_BUDGET_MEDIAN, cal.CAMPAIGNS_BUDGET_MEDIAN) * (cpm / 8.0) * rng.lognormal(0, 0.35, n_slots)
    ctr = (np.array([cal.AD_CTR[p] for p in platform])
           * np.array([cal.OBJECTIVE_CTR_MULTIPLIER[o] for o in objective]) * rng.lognormal(0, 0.2, n_slots))
    conv_rate = cal.CONVERSION_RATE * rng.lognormal(0, 0.25, n_slots)
    lift = np.where(rng.random(n_slots) < NULL_LIFT_SHARE, 0.0,
                    rng.choice([-1.0, 1.0], n_slots) * rng.uniform(*LIFT_RANGE, n_slots))
    lift = np.where(is_test, np.round(lift, 3), 0.0)

    # Expand: a test slot becomes two campaigns (A then B) sharing budget, dates and base rates.
    arms = np.where(is_test, 2, 1)
    row = np.repeat(np.arange(n_slots), arms)
    arm = np.arange(len(row)) - np.repeat(np.cumsum(arms) - arms, arms)
    n = len(row)
    test_number = np.cumsum(is_test) * is_test  # 1-based test number of each slot, 0 if none
    true_lift = np.where(arm == 1, lift[row], 0.0)

    spend = np.round(budget[row] * rng.uniform(0.85, 1.0, n), 2)
    impressions = rng.poisson(spend / cpm[row] * 1000 * rng.lognormal(0, 0.1, n))
    clicks = rng.binomial(impressions, np.minimum(ctr[row], 0.5))
    conversions = rng.binomial(clicks, np.minimum(conv_rate[row] * (1 + true_lift), 0.9))
    revenue = np.round(conversions * cal.ORDER_VALUE * rng.lognormal(0, 0.08, n), 2)

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
        "currency": "USD",
        "budget": np.round(budget[row], 2),
        "spend": spend,
        "impressions": impressions,
        "clicks": clicks,
        "conversions": conversions,
        "revenue": revenue,
        "_account": account[row],
        "_true_lift": true_lift,
    })


def ab_test_truth(campaigns: pd.DataFrame) -> list[dict]:
    """The planted A/B tests: relative lift of B's conversion rate over A's."""
    tests = campaigns[campaigns["variant"] == "B"]
    return [
        {"test_id": t, "platform": p, "metric": "conversion_rate = conversions / clicks",
         "true_lift": float(lift), "has_effect": bool(lift != 0)}
        for t, p, lift in zip(tests["test_id"], tests["platform"], tests["_true_lift"])
    ]
