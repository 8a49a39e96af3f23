"""The data dictionary: every table and column, rendered from the schema.

``datasets/README.md`` is the output of :func:`render_markdown`; a test
re-renders it and compares, so the documentation cannot drift from
``sandbox/_schema.py``. Rewrite it with ``python -m sandbox.datadict`` or
``sandbox describe --dictionary --write datasets/README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ._scales import DEFAULT_SCALE, SCALES
from ._schema import PLATFORM_FORMATS, TABLES, TRUTH_TABLES, VIDEO_FORMATS, Column, Table
from .generator.dirty import DIRTY_LOG, TRUTH_DOC as DIRTY_TRUTH_DOC, dictionary_markdown as dirty_exports_markdown

#: How each column kind reads in the dictionary.
KIND_LABELS = {
    "id": "id (text)",
    "str": "text",
    "category": "category",
    "int": "integer",
    "Int64": "integer or missing",
    "float": "number",
    "bool": "boolean",
    "timestamp": "timestamp (UTC)",
    "date": "date",
}

#: The documented keys of truth.json; every field name the generator writes appears
#: in backquotes here (tests/test_datadict.py checks it against a generated world).
TRUTH_KEYS = {
    "period": "The simulated period: `start` and `end` (first and last day, UTC, inclusive) and its length in `days`.",
    "platforms": (
        "Per platform: `best_format`, `format_multipliers` (engagement-rate multiplier of each format), "
        "`best_window`: `clock` (always `local`: the brand's time zone, `brands.timezone`), `weekdays` "
        "(Monday = 0, local), `hours` [start, end) in local time, the window's `er_multiplier` and "
        "`reach_multiplier`, and `by_timezone`: for each `timezone` of the world the window in UTC hours, "
        "`utc_hours_at_start` and `utc_hours_mid_period` (they differ across daylight saving time); "
        "`weekday_multipliers` (Monday..Sunday), `weekend_ratio` (planted weekend / weekday multiplier) and "
        "its label `weekend_effect` (`lower`, `higher` or `about the same` within 5%), and "
        "`followers_multiplier` (how popular the platform is in this world)."
    ),
    "best_topic": "The topic with the highest engagement-rate multiplier.",
    "topic_multipliers": "Engagement-rate multiplier of each topic.",
    "weekend_multiplier": "Geometric mean over platforms of the Sunday multiplier (Saturday sits between it and 1).",
    "weekend_effect": "The weekend effect within platforms, averaged over platforms: `lower`, `higher` or `about the same`.",
    "hashtag_sweet_spot": "[lo, hi]: posts with lo to hi hashtags (inclusive) engage most.",
    "hashtag_sweet_multiplier": "Engagement-rate multiplier inside the hashtag sweet spot.",
    "seasonality": (
        "Reach by calendar month: it `applies_to` reach, with an `amplitude` and the resulting "
        "`month_multipliers` (January..December; holiday peak, summer dip)."
    ),
    "best_segment": "The most engaged audience segment: `age_group`, `gender` and its `engaged_multiplier`.",
    "detectable": (
        "Whether each planted effect is large enough to detect at this world's size (effect strengths vary "
        "by seed, some are too small): `format`, `window`, `weekday` and `weekend` per platform; `topic`, "
        "`hashtag` and `segment` for the world."
    ),
    "confounders": (
        "Planted confounders, where a pooled comparison misleads: `topic_by_platform` (a `decoy` topic "
        "posted mostly on the `decoy_platforms`) and `weekend_by_platform` (brands post least at weekends on "
        "LinkedIn and most on the consumer feeds: each platform's `weekend_post_share`, the "
        "`weekend_heavy_platforms` first). Each has the `question`, the `confounder` to stratify by and the "
        "careful `answer`."
    ),
    "ab_tests": (
        "One entry per A/B test: `test_id`, `platform`, the `metric` compared, `true_lift` (relative lift of B "
        "over A, 0 when there is no real difference), `has_effect`, its `kind` (`null`, `small` lift of 5-15% "
        "or `large` lift of 25-60%; every world has a large one of each sign), the test's `power` (5% two-sided "
        "z-test), whether it is `detectable` (a real lift with power >= 0.95), `ctr_lift`, how B's creative "
        "changed the click-through rate (relative), and `settled_null`: the world's confirmation test, a null "
        "with the traffic to see a 20% lift, whose crossing interval is a real \"no difference\"."
    ),
    "crisis": (
        "The planted crisis: `account_id`, `brand_id`, `platform`, `start_date`, `days`, the "
        "`unfollow_multiplier` and `follow_multiplier` during it, and the share of negative comments "
        "`negative_share_before` and `negative_share_during`."
    ),
    "follower_events": (
        "Events of the follower histories that are not a crisis: a `giveaway` on a small account "
        "(`account_id`, `date`, `followers_gained`, then `unfollows_per_day` for `unfollow_days`) and the "
        "`platform_cleanups` (each a `platform` and `date` on which every account there lost `share_lost` of "
        "its followers at once)."
    ),
    "events": (
        "Comment and like events that a careless analysis mistakes for the crisis or for virality: the "
        "`complaints_account` (`account_id`, its usual `negative_share`: customer service in public), a "
        "`service_incident` (`account_id`, `start_date`, `days`, audience `negative_share`; the brand answers "
        "nearly every complaint), a `bot_raid` (`account_id`, `start_date`, `days`, `bot_comments_per_post`) "
        "and the accounts that bought large like packages, `bought_like_packages`. Planted so that each "
        "yardstick of bought likes names its own account, `bot_spike_plants` (each an `account_id` and its "
        "`role`: 'low-er', the most inflated relative to its clean ER, its `er_inflation` aimed at; 'engaging', "
        "the most ER added per post yet less inflated; 'line', `bot_spikes` on an account near instagram's "
        "top-third line), and `company_bad_weeks` (`start_date`, `weeks`, `turned_negative_share`: a share of "
        "every account's non-negative audience comments turned negative; null in the worlds without)."
    ),
    "plants": (
        "Effects planted in every world so that a lesson's step matters (drawn from their own random stream, "
        "added to what the tables drew): `giveaways` (posts going live at `local_hours` on `platforms` engage "
        "`engagement_lift` times more), `weekday_lift` (per platform, how much stronger its best weekday's effect "
        "is than drawn; `platforms` holds the effect as planted), `series` when a brand's content series "
        "(`brand_id`, `extra_posts` per account) separates the brand with the most posts from the most active "
        "per account, and `platform_surge` when the platform second by `followers_start` ends above the first "
        "(`platform`, the one it `overtakes`, `start_date`, `days`, `followers_gained` per account)."
    ),
    "cheap_cheater": (
        "The instagram creator (`influencer_id`) who bought followers and likes and prices low: the lowest "
        "cost per engagement unless bought followers are screened out; in about half the worlds "
        "(`cheap_per_follower`) also the cheapest per 1,000 followers, elsewhere priced near the market per "
        "follower with more bought likes; `about` says so."
    ),
    "bot_spikes": "Number of posts whose likes were inflated by bots (see `truth/post_labels`).",
    "viral_posts": "Number of viral posts (see `truth/post_labels`).",
    "bought_followers": "Number of influencers with bought followers (see `truth/influencer_labels`).",
    "calibration": (
        "Published targets the generator was calibrated against (see CALIBRATION.md): "
        "`er_impressions_median` and `er_followers_range` per platform, and the `engagements` definition."
    ),
    "dirty": DIRTY_TRUTH_DOC,
}

INTRO = """\
# Datasets and data dictionary

`datasets/default/` holds the default world: a synthetic social-media dataset made by
`sandbox generate --seed 0 --scale {default_scale} --format csv` ({n_brands} brands with one account on each
of several platforms, {days} days from {start}). Every number comes from a model with planted
effects, so the answers of the exercises can be checked; nothing describes real brands or people.

```python
import sandbox
ds = sandbox.load_dataset()      # the default world (or the one in $SANDBOX_DATASET / ./data)
ds.posts.head()                  # tables are DataFrames with the types listed below
```

Make another world, check it and summarise it:

```
sandbox generate --seed 123 --out my_world      # --scale tiny|small|medium|large, --format csv|parquet
sandbox validate my_world                       # every invariant below; exit 1 on a violation
sandbox describe my_world                       # rows, date range, per-platform medians
```

A dataset folder holds `dataset.json` (how it was made: seed, scale, locale, version, row counts), one
file per table (`posts.csv`, `posts.parquet`, or a folder `posts/part-*.parquet` for large worlds),
`truth.json` (the planted effects) and `truth/` (per-row labels). Learner tables never contain the truth.

Conventions: ids are text with a prefix (`B0001`, `A00001`, `P0000001`, ...); timestamps are UTC;
a missing value is an empty CSV cell; money is in the currency named in the row's `currency` column
(a brand's is its home country's: GBP, CAD, MXN...), so amounts of different brands add up only after
dividing each by its currency's `fx_rates.units_per_base`; engagements = likes + comments + shares + saves.

This file is generated from `sandbox/_schema.py` by `python -m sandbox.datadict`; do not edit it by hand.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _meaning(col: Column) -> str:
    text = col.description
    if col.categories:
        text += " One of: " + ", ".join(f"`{c}`" for c in col.categories) + "."
    if col.nullable:
        text += " May be missing."
    return text


def _relations(table: Table, col: Column, referenced_by: dict) -> str:
    parts = []
    if table.primary_key == (col.name,):
        parts.append("primary key")
    elif col.name in table.primary_key:
        parts.append("part of the key")
    if col.references:
        parts.append(f"→ `{col.references}`")
    parts += [f"← `{src}`" for src in referenced_by.get(f"{table.name}.{col.name}", [])]
    return "; ".join(parts)


def _references(tables) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in tables:
        for c in t.columns:
            if c.references:
                out.setdefault(c.references, []).append(f"{t.name}.{c.name}")
    return out


def render_table(table: Table, referenced_by: dict, level: str = "###") -> str:
    """One table as a Markdown section: description, key and a row per column."""
    key = ", ".join(f"`{c}`" for c in table.primary_key)
    lines = [
        f"{level} `{table.name}`",
        "",
        table.description + (f" Key: {key}." if key else ""),
        "",
        "| column | type | unit | meaning | relations |",
        "|---|---|---|---|---|",
    ]
    for col in table.columns:
        lines.append(
            f"| `{col.name}` | {KIND_LABELS[col.kind]} | {_cell(col.unit)} | {_cell(_meaning(col))} "
            f"| {_relations(table, col, referenced_by)} |"
        )
    return "\n".join(lines)


def render_formats() -> str:
    lines = ["| platform | formats | of which video formats |", "|---|---|---|"]
    for platform, formats in PLATFORM_FORMATS.items():
        videos = ", ".join(f"`{f}`" for f in formats if f in VIDEO_FORMATS)
        lines.append(f"| `{platform}` | {', '.join(f'`{f}`' for f in formats)} | {videos} |")
    return "\n".join(lines)


def render_invariants() -> str:
    from .validate import RULES

    return "\n".join(f"- `{rule}`: {text}" for rule, text in RULES.items())


def render_markdown() -> str:
    """The whole data dictionary (datasets/README.md) as Markdown text."""
    default = SCALES[DEFAULT_SCALE]
    everything = [*TABLES.values(), *TRUTH_TABLES.values()]
    referenced_by = _references(everything)
    parts = [
        INTRO.format(default_scale=default.name, n_brands=default.n_brands, days=default.days, start=default.start).strip(),
        "## Platforms and formats\n\nWhich formats each platform offers; `video_views` is set exactly for video formats.\n\n"
        + render_formats(),
        "## Tables",
        *(render_table(t, referenced_by) for t in TABLES.values()),
        "## Invariants\n\nEvery dataset satisfies these rules; `sandbox validate DIR` checks them all.\n\n"
        + render_invariants(),
        "## Truth (the answers)\n\nPlanted per-row labels live in `truth/`, beside the tables, never inside them.",
        *(render_table(t, referenced_by) for t in TRUTH_TABLES.values()),
        render_table(DIRTY_LOG, referenced_by).replace(DIRTY_LOG.description, DIRTY_LOG.description
                                                       + " Written for dirty exports only (`--dirty RATE`).")
        + "\n\n" + dirty_exports_markdown(),
        "### `truth.json`\n\nThe planted effects of the world, as JSON. Top-level keys:\n\n"
        + "\n".join(f"- `{key}`: {text}" for key, text in TRUTH_KEYS.items()),
    ]
    return "\n\n".join(parts) + "\n"


def readme_path() -> Path:
    """Where a source checkout keeps the data dictionary."""
    return Path(__file__).resolve().parent.parent / "datasets" / "README.md"


def write_markdown(path=None) -> Path:
    """Write the data dictionary to ``path`` (default: datasets/README.md); return the path."""
    path = Path(path) if path is not None else readme_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown())
    return path


if __name__ == "__main__":
    print(f"wrote {write_markdown(sys.argv[1] if len(sys.argv) > 1 else None)}")
