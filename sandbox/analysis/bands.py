"""Near-ties: the labels the data cannot tell apart from the best one, and the noise bands that say how near.

An insight card accepts the data's best label and every label within its band (a relative distance
from the best value): the learner is judged on what their world shows, not on a knife-edge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Noise band of the best posting hour (notebooks 03, 05 and 12): hours whose median is within 1% of the best
#: hour's are near-ties. Wider would accept neighbouring hours of a planted window.
HOUR_TIE = 0.01
#: Noise band of the best topic or format by median relative ER (notebooks 04 and 12): within 2% of the best.
FORMAT_TIE = 0.02


def top_labels(values: pd.Series, k: int = 1) -> set:
    """Labels of the ``k`` largest values, ties at the k-th value included (NaN ignored)."""
    values = values.dropna()
    if values.empty:
        return set()
    threshold = values.sort_values(ascending=False).iloc[min(k, len(values)) - 1]
    return set(values.index[values >= threshold])


def supported(data_values: pd.Series, planted: set, k: int) -> set:
    """Answers an insight question accepts: the data's best label, plus planted labels among the data's top ``k``.

    The learner can only see the data, so its best label is always right; a
    planted label is right too when the data ranks it near the top.
    """
    return top_labels(data_values, 1) | (set(planted) & top_labels(data_values, k))


def near_best(values: pd.Series, tie: float) -> set:
    """Labels within ``tie`` (relative) of the largest value: the data cannot tell them apart.

    Missing values are never near the best; an empty or all-missing Series gives no label.
    """
    values = values.dropna()
    return set(values.index[values >= values.max() * (1 - tie)])


def near_best_hours(values: pd.Series) -> set:
    """Hours (as ints) within HOUR_TIE of the largest value."""
    return {int(h) for h in near_best(values, HOUR_TIE)}


def hour_card(values: pd.Series, accepted: set | None = None) -> tuple[set, pd.Series]:
    """An hour card's expected value: (accepted hours, the value per hour that is their evidence).

    Accepted by default: the best hour and its near-ties (:func:`near_best_hours`).
    """
    return (near_best_hours(values) if accepted is None else accepted), values


def top_hour_card(values: pd.Series) -> tuple[set, pd.Series]:
    """An hour card a learner reads off ``values`` (an hour's value per hour): the largest hour, ``values`` as evidence."""
    return {int(h) for h in top_labels(values)}, values


# ---------------------------------------------------------------- bands from the data's own noise

#: Near-ties from the data's noise: a label is a near-tie of the best one when the best median exceeds its median by
#: at most TIE_SE standard errors of the difference (the "one standard error" rule: the data cannot rank them).
TIE_SE = 1.0


def median_error(values) -> float:
    """Standard error of the median of ``values`` (NaN ignored), read off its distribution-free confidence interval.

    The sorted values at ranks n/2 - sqrt(n)/2 and n/2 + sqrt(n)/2 bound a 68% interval for the median (the number
    of values below the median is Binomial(n, 1/2), whose standard deviation is sqrt(n)/2), whatever the values'
    distribution; half its width is one standard error. Deterministic: no resampling, so a check never wavers.
    A single value has no measurable error (0).
    """
    x = np.sort(np.asarray(values, dtype="float64"))
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 2:
        return 0.0
    low = max(int(np.floor(n / 2 - np.sqrt(n) / 2)), 0)
    high = min(int(np.ceil(n / 2 + np.sqrt(n) / 2)), n - 1)
    return float((x[high] - x[low]) / 2)


def medians_with_errors(values: pd.Series, groups) -> pd.DataFrame:
    """Per group of ``values``: its ``median``, the ``error`` of that median (:func:`median_error`) and its ``size``."""
    g = values.groupby(groups, observed=True)
    return pd.DataFrame({"median": g.median(), "error": g.agg(median_error), "size": g.size()})


def near_best_within_noise(values: pd.Series, errors: pd.Series, z: float = TIE_SE) -> set:
    """Labels whose value is within ``z`` standard errors of the difference from the largest value (``errors``: the
    standard error of each label's value, such as :func:`median_error`): the best label and every label the data
    cannot tell apart from it. Missing values are never near the best; a missing error counts as none."""
    values = values.dropna()
    if values.empty:
        return set()
    best = values.idxmax()
    errors = errors.reindex(values.index).fillna(0.0)
    gap = values[best] - values
    return set(values.index[gap <= z * np.hypot(errors[best], errors)])


#: Resamples of a bootstrap (notebooks judge an interval with it) and its seed: fixed, so a check gives the same
#: interval every time it runs on the same world.
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0


def bootstrap_medians(values: pd.Series, groups, resamples: int = BOOTSTRAP_RESAMPLES,
                      seed: int = BOOTSTRAP_SEED) -> pd.DataFrame:
    """The median of each group of ``values`` (NaN dropped) in ``resamples`` bootstrap resamples: each group's values
    drawn again with replacement, as many as it holds. One row per resample, one column per group."""
    rng = np.random.default_rng(seed)
    out = {}
    for key, group in values.dropna().groupby(groups, observed=True):
        x = group.to_numpy(dtype="float64")
        out[key] = np.median(x[rng.integers(0, len(x), (resamples, len(x)))], axis=1)
    return pd.DataFrame(out)
