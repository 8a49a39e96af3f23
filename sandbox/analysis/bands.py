"""Near-ties: the labels the data cannot tell apart from the best one, and the noise bands that say how near.

An insight card accepts the data's best label and every label within its band (a relative distance
from the best value): the learner is judged on what their world shows, not on a knife-edge.
"""

from __future__ import annotations

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
