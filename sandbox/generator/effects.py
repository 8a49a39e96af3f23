"""The planted effects: the world's hidden rules, drawn fresh for every seed.

Everything a learner should discover is decided here, before any table is
drawn, and the table generators apply it. ``Effects.truth()`` is what lands in
truth.json (per-table facts such as the A/B lifts and the crisis account are
added by the world builder).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _calibration as cal
from .._schema import AGE_GROUPS, GENDERS, PLATFORM_FORMATS, PLATFORMS, TOPICS

# Strength of each planted effect. Sized so the reference analysis (medians on the
# default small world) recovers each one on >= 99% of seeds; tests/test_effects.py shows it.
BEST_FORMAT_ER = 1.6          # engagement-rate multiplier of the winning format per platform
OTHER_FORMAT_ER = (0.8, 1.05)  # range of the other formats' multipliers
BEST_TOPIC_ER = 1.45
OTHER_TOPIC_ER = (0.8, 1.05)
WINDOW_HOURS = 3               # width of the best posting window
WINDOW_ER = 1.45               # engagement-rate multiplier inside the window
WINDOW_REACH = 1.25            # reach multiplier inside the window
BEST_WEEKDAY_ER = 1.25
HASHTAG_SWEET_ER = 1.3
HASHTAG_PENALTY_PER_TAG = 0.06  # per hashtag beyond the sweet spot, floored at HASHTAG_FLOOR
HASHTAG_FLOOR = 0.6
BEST_SEGMENT_ENGAGED = 2.0     # engaged-user rate multiplier of the most engaged segment


@dataclass(frozen=True)
class Effects:
    """Planted effects of one world."""

    format_er: dict        # platform -> {format: multiplier}
    best_format: dict      # platform -> format
    topic_er: dict         # topic -> multiplier
    best_topic: str
    window_start: dict     # platform -> first hour (brand's local time) of the best window
    best_weekday: dict     # platform -> weekday (Monday=0)
    weekend_multiplier: float
    hashtag_sweet_spot: tuple  # (lo, hi) inclusive
    segment_engaged: dict  # (age_group, gender) -> multiplier
    best_segment: tuple
    season_amplitude: float  # reach multiplier by month = 1 + amplitude * SEASON_SHAPE[month]

    def season(self, months: np.ndarray) -> np.ndarray:
        """Reach multiplier of calendar months (0 = January)."""
        return 1 + self.season_amplitude * np.array(cal.SEASON_SHAPE)[months]

    def hour_er(self, platform: str, hours: np.ndarray) -> np.ndarray:
        """Engagement-rate multiplier of posting hours (the brand's local time) on ``platform``."""
        start = self.window_start[platform]
        inside = (hours >= start) & (hours < start + WINDOW_HOURS)
        return np.where(inside, WINDOW_ER, 1.0)

    def hour_reach(self, platform: str, hours: np.ndarray) -> np.ndarray:
        start = self.window_start[platform]
        inside = (hours >= start) & (hours < start + WINDOW_HOURS)
        return np.where(inside, WINDOW_REACH, 1.0)

    def weekday_er(self, platform: str, weekdays: np.ndarray) -> np.ndarray:
        """Multiplier of the day of the week: best weekday up, weekend down (Sunday weakest)."""
        table = np.ones(7)
        table[5] = self.weekend_multiplier + (1 - self.weekend_multiplier) / 3
        table[6] = self.weekend_multiplier
        table[self.best_weekday[platform]] = BEST_WEEKDAY_ER
        return table[weekdays]

    def hashtag_er(self, n: np.ndarray) -> np.ndarray:
        lo, hi = self.hashtag_sweet_spot
        above = np.maximum(HASHTAG_SWEET_ER - HASHTAG_PENALTY_PER_TAG * (n - hi), HASHTAG_FLOOR)
        return np.where(n < lo, 1.0, np.where(n <= hi, HASHTAG_SWEET_ER, above))

    def truth(self) -> dict:
        lo, hi = self.hashtag_sweet_spot
        return {
            "platforms": {
                p: {
                    "best_format": self.best_format[p],
                    "format_multipliers": self.format_er[p],
                    "best_window": {
                        "clock": "local",  # the brand's time zone (brands.timezone); see by_timezone
                        "weekdays": [self.best_weekday[p]],
                        "hours": [self.window_start[p], self.window_start[p] + WINDOW_HOURS],
                        "er_multiplier": WINDOW_ER,
                        "reach_multiplier": WINDOW_REACH,
                    },
                }
                for p in PLATFORMS
            },
            "best_topic": self.best_topic,
            "topic_multipliers": self.topic_er,
            "weekend_multiplier": self.weekend_multiplier,
            "best_weekday_multiplier": BEST_WEEKDAY_ER,
            "hashtag_sweet_spot": [lo, hi],
            "hashtag_sweet_multiplier": HASHTAG_SWEET_ER,
            "seasonality": {"applies_to": "reach", "amplitude": self.season_amplitude,
                            "month_multipliers": [round(float(m), 4) for m in self.season(np.arange(12))]},
            "best_segment": {"age_group": self.best_segment[0], "gender": self.best_segment[1],
                             "engaged_multiplier": BEST_SEGMENT_ENGAGED},
        }


def _multipliers(rng, names, best_value, other_range):
    best = names[rng.integers(len(names))]
    values = rng.uniform(*other_range, size=len(names))
    out = {n: round(float(v), 3) for n, v in zip(names, values)}
    out[best] = best_value
    return out, best


def draw_effects(rng: np.random.Generator) -> Effects:
    """Draw a world's planted effects from its ``effects`` generator."""
    format_er, best_format = {}, {}
    for p in PLATFORMS:
        format_er[p], best_format[p] = _multipliers(rng, PLATFORM_FORMATS[p], BEST_FORMAT_ER, OTHER_FORMAT_ER)
    topic_er, best_topic = _multipliers(rng, TOPICS, BEST_TOPIC_ER, OTHER_TOPIC_ER)
    # Windows open inside the working day, where brands post most (Sprout Social: 8:00-14:00).
    window_start = {p: int(rng.integers(8, 17)) for p in PLATFORMS}
    best_weekday = {p: int(rng.integers(0, 5)) for p in PLATFORMS}
    weekend_multiplier = round(float(rng.uniform(0.6, 0.8)), 3)
    lo = int(rng.integers(1, 5))
    hashtag_sweet_spot = (lo, lo + int(rng.integers(1, 3)))
    segments = [(a, g) for a in AGE_GROUPS for g in GENDERS]
    eligible = [(a, g) for a, g in segments if a in AGE_GROUPS[1:5] and g != "unknown"]
    best_segment = eligible[rng.integers(len(eligible))]
    seg_values = rng.uniform(0.7, 1.15, size=len(segments))
    segment_engaged = {s: float(v) for s, v in zip(segments, seg_values)}
    segment_engaged[best_segment] = BEST_SEGMENT_ENGAGED
    season_amplitude = round(float(rng.uniform(*cal.SEASON_AMPLITUDE)), 3)
    return Effects(format_er, best_format, topic_er, best_topic, window_start, best_weekday,
                   weekend_multiplier, hashtag_sweet_spot, segment_engaged, best_segment, season_amplitude)
