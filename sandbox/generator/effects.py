"""The planted effects: the world's hidden rules, drawn fresh for every seed.

Everything a learner should discover is decided here, before any table is
drawn, and the table generators apply it. ``Effects.truth()`` is what lands in
truth.json (per-table facts such as the A/B lifts, the crisis account and which
effects are detectable at the world's size are added by the world builder).

Effects have graded strengths that vary by seed (``STRENGTH``): the winner's
multiplier over the runner-up is drawn from a range that starts at "no real
difference", so on some seeds an effect is too small to detect. Two confounders
are planted (``CONFOUNDERS``) so that a pooled comparison misleads where a
comparison within platforms is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _calibration as cal
from .._schema import AGE_GROUPS, GENDERS, PLATFORM_FORMATS, PLATFORMS, TOPICS

#: Range of each effect's strength: the winner's multiplier divided by the runner-up's.
#: Lower ends sit at or near 1 (undetectable); the topic effect, which a confounder hides,
#: is always large enough for a stratified analysis to find.
#: Data model v3 widened the upper ends (format 1.6 -> 1.8, window 1.5 -> 1.6, weekday 1.3 -> 1.35, hashtag
#: 1.35 -> 1.45): posts now spread as widely as real ones (_calibration.ER_POST_SIGMA_*), so an effect needs
#: more strength to show at small scale; Instagram's published formats differ 1.9x (carousel 1.38% vs image
#: 0.72% [secondary]).
STRENGTH = {
    "format": (1.0, 1.8),
    "topic": (1.3, 1.6),
    "window": (1.0, 1.6),
    "weekday": (1.0, 1.35),
    "hashtag": (1.0, 1.45),
    "segment": (1.0, 1.8),
}
OTHER_MULTIPLIER = (0.8, 1.05)  # the other formats / topics / segments
WINDOW_HOURS = 3               # width of the best posting window
HASHTAG_PENALTY_PER_TAG = 0.06  # per hashtag beyond the sweet spot, floored at HASHTAG_FLOOR
HASHTAG_FLOOR = 0.6
#: Instagram's best format is one of the published winners (carousel 1.38% and reel 1.23%
#: against image 0.72% engagement [secondary], see _calibration.FORMAT_REACH); elsewhere any.
FORMAT_CANDIDATES = {"instagram": ("carousel", "reel")}
#: Weekend effect on engagement per post, within a platform. Published evidence points both ways:
#: fewer brand posts compete at weekends (LinkedIn company pages' weekend posts earned 53% more
#: impressions and twice the engagements of weekday posts, Oktopost 2025 [secondary:
#: linkedinsider.blog]; TrackMaven: weekend content earns more shares), while Socialbakers found
#: Saturday's and Sunday's Facebook posts less often among the top posts. A world draws its kind
#: (WEEKEND_WORLD: probability of each) and each platform follows it with WEEKEND_FOLLOW, else draws
#: any kind (WEEKEND_KINDS: probability, multiplier range of Sunday). "lower" is the rare kind: the
#: weekend confounder (weekend posts come mostly from the low-engagement feeds) already pushes a pooled
#: comparison down, and a lesson needs worlds where the pooled answer is wrong.
#: |mean log weekend ratio| over platforms too close to the SAME_BAND edge (log 1.05 = 0.049) for
#: the answer to be clear at small scale: such draws are redrawn.
WEEKEND_UNCLEAR = (0.01, 0.13)
WEEKEND_WORLD = {"lower": 0.05, "about the same": 0.55, "higher": 0.40}
WEEKEND_FOLLOW = 0.85
WEEKEND_KINDS = {"lower": (0.34, (0.74, 0.86)), "about the same": (0.32, (0.99, 1.01)), "higher": (0.34, (1.2, 1.42))}
#: Platform popularity in this world: followers multiplier, log-normal (assumption), so that
#: the biggest platform changes between seeds.
PLATFORM_SIZE_SIGMA = 0.6
#: Confounders: the decoy topic is posted this many times more often on the high-engagement
#: platforms and this much less often elsewhere.
HIGH_ER_PLATFORMS = ("linkedin", "tiktok", "youtube")  # highest engagement per impression
DECOY_TOPIC_WEIGHT = (5.0, 0.3)

CONFOUNDERS = {
    "topic_by_platform": (
        "Which topic engages best (engagement rate by impressions)? The decoy topic is posted mostly on "
        "high-engagement platforms, so a pooled median ranks it first; engagement relative to each "
        "platform's median ranks the true best topic first."),
    "weekend_by_platform": (
        "Do weekend posts engage better than weekday posts? Brands post less at weekends everywhere, on "
        "LinkedIn (the highest engagement per impression) least and on the consumer feeds (the lowest) most, "
        "so weekend posts come mostly from low-engagement platforms and the pooled weekend/weekday ratio "
        "reads lower than the effect measured within each platform."),
}


@dataclass(frozen=True)
class Effects:
    """Planted effects of one world."""

    format_er: dict        # platform -> {format: multiplier}
    best_format: dict      # platform -> format
    topic_er: dict         # topic -> multiplier
    best_topic: str
    window_start: dict     # platform -> first hour (brand's local time) of the best window
    window_er: dict        # platform -> engagement-rate multiplier inside the window
    best_weekday: dict     # platform -> weekday (Monday=0) with the best multiplier
    weekday_multiplier: dict  # platform -> multiplier of its best weekday (Mon-Fri)
    weekend: dict          # platform -> Sunday multiplier (Saturday sits between it and 1)
    hashtag_sweet_spot: tuple  # (lo, hi) inclusive
    hashtag_multiplier: float
    segment_engaged: dict  # (age_group, gender) -> multiplier
    best_segment: tuple
    season_amplitude: float  # reach multiplier by month = 1 + amplitude * SEASON_SHAPE[month]
    platform_size: dict    # platform -> followers multiplier
    decoy_topic: str       # confounder topic_by_platform
    weekend_share: dict    # platform -> share of its posts published at weekends (confounder weekend_by_platform)

    def season(self, months: np.ndarray) -> np.ndarray:
        """Reach multiplier of calendar months (0 = January)."""
        return 1 + self.season_amplitude * np.array(cal.SEASON_SHAPE)[months]

    def hour_er(self, platform: str, hours: np.ndarray) -> np.ndarray:
        """Engagement-rate multiplier of posting hours (the brand's local time) on ``platform``."""
        start = self.window_start[platform]
        inside = (hours >= start) & (hours < start + WINDOW_HOURS)
        return np.where(inside, self.window_er[platform], 1.0)

    def hour_reach(self, platform: str, hours: np.ndarray) -> np.ndarray:
        """Reach multiplier of posting hours: half the window's engagement effect."""
        return 1 + (self.hour_er(platform, hours) - 1) / 2

    def weekday_table(self, platform: str) -> np.ndarray:
        """Multiplier of each day of the week (Monday = 0) on ``platform``."""
        sunday = self.weekend[platform]
        table = np.ones(7)
        table[5] = sunday + (1 - sunday) / 3
        table[6] = sunday
        table[self.best_weekday[platform]] = self.weekday_multiplier[platform]
        return table

    def posting_weekdays(self, platform: str) -> np.ndarray:
        """Probability that a post on ``platform`` falls on each local day of the week (Monday = 0)."""
        w = np.array(cal.POSTING_WEEKDAY_WEIGHTS)
        share = self.weekend_share[platform]
        out = np.r_[w[:5] / w[:5].sum() * (1 - share), w[5:] / w[5:].sum() * share]
        return out

    def weekday_er(self, platform: str, weekdays: np.ndarray) -> np.ndarray:
        """Multiplier of the (local) day of the week."""
        return self.weekday_table(platform)[weekdays]

    def hashtag_er(self, n: np.ndarray) -> np.ndarray:
        lo, hi = self.hashtag_sweet_spot
        top = self.hashtag_multiplier
        above = np.maximum(top - HASHTAG_PENALTY_PER_TAG * (n - hi), min(HASHTAG_FLOOR, top))
        return np.where(n < lo, 1.0, np.where(n <= hi, top, above))

    def weekend_ratio(self, platform: str) -> float:
        """Planted weekend (Sat+Sun) / weekday (Mon-Fri) multiplier, geometric means, posting-weighted."""
        table, w = np.log(self.weekday_table(platform)), np.array(cal.POSTING_WEEKDAY_WEIGHTS)
        return float(np.exp(np.average(table[5:], weights=w[5:]) - np.average(table[:5], weights=w[:5])))

    def truth(self) -> dict:
        lo, hi = self.hashtag_sweet_spot
        return {
            "platforms": {
                p: {
                    "best_format": self.best_format[p],
                    "format_multipliers": self.format_er[p],
                    "best_window": {
                        "clock": "local",  # the brand's time zone (brands.timezone); see by_timezone
                        "weekdays": [int(np.argmax(self.weekday_table(p)))],
                        "hours": [self.window_start[p], self.window_start[p] + WINDOW_HOURS],
                        "er_multiplier": self.window_er[p],
                        "reach_multiplier": round(1 + (self.window_er[p] - 1) / 2, 4),
                    },
                    "weekday_multipliers": [round(float(x), 4) for x in self.weekday_table(p)],
                    "weekend_ratio": round(self.weekend_ratio(p), 4),
                    "weekend_effect": effect_label(self.weekend_ratio(p)),
                    "followers_multiplier": self.platform_size[p],
                }
                for p in PLATFORMS
            },
            "best_topic": self.best_topic,
            "topic_multipliers": self.topic_er,
            "weekend_multiplier": round(float(np.exp(np.mean(np.log([self.weekend[p] for p in PLATFORMS])))), 4),
            "weekend_effect": effect_label(float(np.exp(np.mean([np.log(self.weekend_ratio(p)) for p in PLATFORMS])))),
            "hashtag_sweet_spot": [lo, hi],
            "hashtag_sweet_multiplier": self.hashtag_multiplier,
            "seasonality": {"applies_to": "reach", "amplitude": self.season_amplitude,
                            "month_multipliers": [round(float(m), 4) for m in self.season(np.arange(12))]},
            "best_segment": {"age_group": self.best_segment[0], "gender": self.best_segment[1],
                             "engaged_multiplier": self.segment_engaged[self.best_segment]},
            "confounders": {
                "topic_by_platform": {"question": CONFOUNDERS["topic_by_platform"], "decoy": self.decoy_topic,
                                      "answer": self.best_topic, "confounder": "platform",
                                      "decoy_platforms": list(HIGH_ER_PLATFORMS)},
                "weekend_by_platform": {"question": CONFOUNDERS["weekend_by_platform"],
                                        "answer": effect_label(float(np.exp(np.mean(
                                            [np.log(self.weekend_ratio(p)) for p in PLATFORMS])))),
                                        "confounder": "platform",
                                        "weekend_heavy_platforms": sorted(PLATFORMS, key=self.weekend_share.get)[-2:],
                                        "weekend_post_share": {p: self.weekend_share[p] for p in PLATFORMS}},
            },
        }


#: Ratio band read as "about the same" (weekend versus weekday).
SAME_BAND = (0.95, 1.05)


def effect_label(ratio: float) -> str:
    """'lower', 'higher' or 'about the same' (within SAME_BAND) for a ratio."""
    lo, hi = SAME_BAND
    return "lower" if ratio < lo else "higher" if ratio > hi else "about the same"


def _multipliers(rng, names, strength, candidates=None):
    """Multipliers of ``names``: others uniform in OTHER_MULTIPLIER, the best ``strength`` times the runner-up."""
    pool = candidates or names
    best = pool[rng.integers(len(pool))]
    values = rng.uniform(*OTHER_MULTIPLIER, size=len(names))
    out = {n: round(float(v), 3) for n, v in zip(names, values)}
    out[best] = round(max(v for n, v in out.items() if n != best) * strength, 3)
    return out, best


def _strength(rng, name):
    return float(rng.uniform(*STRENGTH[name]))


def draw_effects(rng: np.random.Generator) -> Effects:
    """Draw a world's planted effects from its ``effects`` generator."""
    format_er, best_format = {}, {}
    for p in PLATFORMS:
        format_er[p], best_format[p] = _multipliers(rng, PLATFORM_FORMATS[p], _strength(rng, "format"),
                                                    FORMAT_CANDIDATES.get(p))
    topic_er, best_topic = _multipliers(rng, TOPICS, _strength(rng, "topic"))
    # Windows open inside the working day, where brands post most (Sprout Social: 8:00-14:00).
    window_start = {p: int(rng.integers(8, 17)) for p in PLATFORMS}
    window_er = {p: round(_strength(rng, "window"), 3) for p in PLATFORMS}
    best_weekday = {p: int(rng.integers(0, 5)) for p in PLATFORMS}
    weekday_multiplier = {p: round(_strength(rng, "weekday"), 3) for p in PLATFORMS}
    kinds = list(WEEKEND_KINDS)
    while True:  # redraw until the average over platforms is clearly inside or outside SAME_BAND
        weekend = {}
        world_kind = kinds[rng.choice(len(kinds), p=[WEEKEND_WORLD[k] for k in kinds])]
        for p in PLATFORMS:
            other = kinds[rng.choice(len(kinds), p=[WEEKEND_KINDS[k][0] for k in kinds])]
            kind = world_kind if rng.random() < WEEKEND_FOLLOW else other
            # relative to the average weekday, which the platform's best weekday lifts
            lift = weekday_multiplier[p] ** (1 / 5)
            weekend[p] = round(float(rng.uniform(*WEEKEND_KINDS[kind][1])) * lift, 3)
        mean = abs(np.mean([np.log(_Weekend(weekend, best_weekday, weekday_multiplier).ratio(p)) for p in PLATFORMS]))
        if not WEEKEND_UNCLEAR[0] <= mean <= WEEKEND_UNCLEAR[1]:
            break
    lo = int(rng.integers(1, 5))
    hashtag_sweet_spot = (lo, lo + int(rng.integers(1, 3)))
    hashtag_multiplier = round(_strength(rng, "hashtag"), 3)
    segments = [(a, g) for a in AGE_GROUPS for g in GENDERS]
    eligible = [(a, g) for a, g in segments if a in AGE_GROUPS[1:5] and g != "unknown"]
    best_segment = eligible[rng.integers(len(eligible))]
    seg_values = rng.uniform(0.7, 1.15, size=len(segments))
    segment_engaged = {s: float(v) for s, v in zip(segments, seg_values)}
    runner_up = max(v for s, v in segment_engaged.items() if s != best_segment)
    segment_engaged[best_segment] = round(runner_up * _strength(rng, "segment"), 3)
    season_amplitude = round(float(rng.uniform(*cal.SEASON_AMPLITUDE)), 3)
    platform_size = {p: round(float(rng.lognormal(0, PLATFORM_SIZE_SIGMA)), 3) for p in PLATFORMS}
    decoys = [t for t in TOPICS if t != best_topic]
    decoy_topic = decoys[rng.integers(len(decoys))]
    # confounder weekend_by_platform: each platform's share of weekend posts, inside its published range
    weekend_share = {p: round(float(rng.uniform(*cal.WEEKEND_POST_SHARE[p])), 4) for p in PLATFORMS}
    return Effects(format_er, best_format, topic_er, best_topic, window_start, window_er, best_weekday,
                   weekday_multiplier, weekend, hashtag_sweet_spot, hashtag_multiplier, segment_engaged,
                   best_segment, season_amplitude, platform_size, decoy_topic, weekend_share)


@dataclass(frozen=True)
class _Weekend:
    """The fields :meth:`Effects.weekend_ratio` reads, before the Effects exist."""

    weekend: dict
    best_weekday: dict
    weekday_multiplier: dict

    weekday_table = Effects.weekday_table
    ratio = Effects.weekend_ratio
