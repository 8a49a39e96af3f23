"""Dirty mode: turn the clean posts, campaigns and comments tables into the exports a platform gives.

Each of the three tables becomes an all-text export in the style of Meta
Business Suite, LinkedIn or X analytics exports, for the dataset's locale
(the ``export`` section of ``sandbox/data/text_<locale>.json``):

* file-wide conventions: numbers with the locale's thousands separator and
  decimal mark, money as currency strings ("$1,234.50", "1 234,50 $US"), a
  derived rate column as percent strings ("4.21%"), dates and times in the
  locale's day/month order (UTC), a description line above the header;
* two overlapping exports concatenated: the second export's description line
  and header row reappear mid-file, rows exported twice carry the metric
  snapshot of their export (``exported_at``; keep the latest), and a totals
  row closes the file;
* damage on a share ``rate`` of the rows (split between kinds): platform and
  objective label variants, zero counts left blank or written "--",
  timestamps in other unambiguous styles (ISO 8601 with an offset, Unix
  seconds), and mojibake (UTF-8 read as Windows-1252) in text columns.

Nothing is lost: :func:`sandbox.cleaning.clean` recovers the clean tables
exactly with the rules of :data:`RULES` (documented in the data dictionary).
Every change is logged in the ``dirty_log`` truth table: per damaged cell or
duplicated row (with its line in the CSV file), and once per column for the
file-wide conventions (``id`` is ``*``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._schema import TABLES, Column, Table
from ..worlds import check_dirty
from .grammar import get_grammar

EXPORT_TABLES = ("posts", "campaigns", "comments")
#: Share of the dirty budget each kind of row damage gets (overlap: rows exported twice).
ROW_KINDS = {
    "overlap": 0.25,
    "label_variant": 0.2,
    "zero_as_blank": 0.15,
    "missing_value": 0.1,
    "mixed_timestamp": 0.15,
    "mojibake": 0.15,
}
#: Columns an export may leave empty because other data gives them back (column -> where from).
DERIVABLE = {
    "platform": "the post's account (accounts.platform)",
    "n_hashtags": "the number of hashtags in `hashtags`",
    "is_boosted": "whether campaign_id is set",
    "currency": "the brand's currency (brands.currency)",
}
#: Every kind of change the dirty log records.
KINDS = {
    "duplicate_row": "a row exported twice with the same values (its metrics no longer changed)",
    "stale_snapshot": "an earlier export of a row, with smaller metrics than the latest export",
    "label_variant": "a platform or objective spelled another way (IG, Twitter, ' instagram', CONVERSIONS)",
    "zero_as_blank": "a zero count left empty or written --",
    "missing_value": "an empty cell that other data gives back: " + "; ".join(f"{c} from {w}" for c, w in DERIVABLE.items()),
    "mixed_timestamp": "a time written as ISO 8601 with an offset, as Unix seconds, or a day as YYYY-MM-DD",
    "mojibake": "text encoded as UTF-8 and read back as Windows-1252 (é -> Ã©)",
    "description_line": "a free-text description line (above the header, and again mid-file)",
    "repeated_header": "the header row repeated mid-file (two exports concatenated)",
    "totals_row": "a last row holding the column totals",
    "locale_number": "every count written with the locale's thousands separator",
    "currency_string": "every amount written as a currency string in the locale's format",
    "percent_string": "a derived rate column written as percent strings",
    "locale_date": "every date and time written in the locale's day/month order (UTC)",
}
PLATFORM_VARIANTS = {
    "instagram": ("Instagram", "IG", " instagram", "INSTAGRAM"),
    "tiktok": ("TikTok", "Tik Tok", "tiktok ", "TIKTOK"),
    "facebook": ("Facebook", "FB", " facebook", "FACEBOOK"),
    "x": ("X", "Twitter", "twitter", " x"),
    "linkedin": ("LinkedIn", "Linkedin", " linkedin", "LI"),
    "youtube": ("YouTube", "YT", "Youtube", " youtube"),
}
#: Short names a label variant may use, once lowercased without spaces.
LABEL_ALIASES = {"ig": "instagram", "fb": "facebook", "twitter": "x", "li": "linkedin", "yt": "youtube"}
EXPORTED_AT = "exported_at"
METRICS_SETTLE = pd.Timedelta(days=7)  # post and comment metrics stop changing after this


@dataclass(frozen=True)
class ExportSpec:
    """What the export of one table looks like."""

    time: str                    # column that orders the rows and starts the metric window
    metrics: tuple[str, ...]     # columns that grow until the metrics settle
    money: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    derivable: tuple[str, ...] = ()  # columns an export may leave empty (see DERIVABLE)
    rate: tuple[str, str, str] | None = None  # (name, numerator columns joined by +, denominator)


SPECS = {
    "posts": ExportSpec("posted_at", ("impressions", "reach", "likes", "comments", "shares", "saves", "link_clicks",
                                      "video_views"),
                        labels=("platform",), text=("caption",), derivable=("platform", "n_hashtags", "is_boosted"),
                        rate=("engagement_rate", "likes+comments+shares+saves", "impressions")),
    "campaigns": ExportSpec("start_date", ("spend", "impressions", "clicks", "conversions", "revenue"),
                            money=("budget", "spend", "revenue"), labels=("platform", "objective"),
                            derivable=("currency",), rate=("ctr", "clicks", "impressions")),
    "comments": ExportSpec("created_at", ("likes",), text=("text",)),
}

#: The documented rules that recover the clean tables (also in the data dictionary).
RULES = {
    "description": "Skip the description line above the header; drop rows whose id is not an id (a description "
                   "line, a repeated header row or the totals row).",
    "numbers": "Counts and amounts use the locale's separators (see `export` in text_<locale>.json: en_US "
               "1,234.50; fr_FR 1 234,50; es_ES 1.234,50); money strings carry the currency symbol; "
               "an empty or -- count means 0 (video_views stays missing when empty).",
    "dates": "Days and times are UTC, written day/month or month/day as the locale does; the file itself "
             "settles which: a first number above 12 proves day/month, a second number above 12 proves "
             "month/day. Times may also be ISO 8601 with an offset, or Unix seconds; days may be YYYY-MM-DD.",
    "duplicates": "Rows exported twice are the same row at two snapshots: keep the one with the latest "
                  "exported_at.",
    "missing": "An empty platform, n_hashtags, is_boosted or currency is given back by other data: "
               + "; ".join(f"{c} from {w}" for c, w in DERIVABLE.items()) + ".",
    "labels": "Platform and objective labels: strip, lowercase, remove spaces, then IG=instagram, FB=facebook, "
              "Twitter=x, LI=linkedin, YT=youtube.",
    "mojibake": "Text that reads as UTF-8 once encoded as Windows-1252 is mojibake: decode it back.",
    "derived": "Drop the export-only columns exported_at, engagement_rate and ctr (percent strings).",
    "order": "Sort the rows by their id, as the clean tables are.",
}

DIRTY_LOG = Table(
    "dirty_log",
    "Every change dirty mode made to the posts, campaigns and comments exports.",
    (
        Column("table", "str", "Damaged table: " + ", ".join(EXPORT_TABLES) + "."),
        Column("line", "str", "Line of the CSV file (1 is the description line, 2 the header); empty for a "
                              "file-wide convention."),
        Column("id", "str", "Id of the damaged row; `*` for a file-wide convention, empty for a description, "
                            "header or totals row."),
        Column("kind", "str", "Kind of damage: " + ", ".join(KINDS) + "."),
        Column("column", "str", "Damaged column (empty for whole rows)."),
        Column("original", "str", "The value before the damage, as text (empty for whole rows)."),
    ),
)

TRUTH_DOC = (
    "Dirty exports only: the `rate` of damaged rows, the export `locale` and its `date_order` (`dmy` or `mdy`), "
    "per table (`tables`: `posts`, `campaigns`, `comments`) its `clean_rows`, `export_rows` and how many changes of each "
    "kind it got (`injected`), and the `rules` that recover the clean tables (`description`, `numbers`, "
    "`dates`, `duplicates`, `missing`, `labels`, `mojibake`, `derived`, `order`); the changes themselves are in `truth/dirty_log`."
)


def dictionary_markdown() -> str:
    """The data dictionary's section on dirty exports: what is damaged and the rules that undo it."""
    kinds = "\n".join(f"- `{k}`: {text}." for k, text in KINDS.items())
    rules = "\n".join(f"- **{k}**: {text}" for k, text in RULES.items())
    return (
        "### Dirty exports (`--dirty RATE`)\n\n"
        "`posts`, `campaigns` and `comments` are written the way platform exports are (every value as text, "
        "in the dataset's `locale`); the other tables stay clean. `sandbox validate DIR` lists what is wrong, "
        "kind by kind, with counts and example lines; `sandbox.reference.clean(DIR)` recovers the clean tables "
        "exactly with the rules below.\n\nKinds of damage (the `kind` column of `truth/dirty_log`):\n\n"
        f"{kinds}\n\nRules that recover the clean tables:\n\n{rules}"
    )


@dataclass(frozen=True)
class ExportFormat:
    """The number and date conventions of one locale's exports."""

    locale: str
    decimal: str
    thousands: str
    date_order: str
    currency: dict
    percent: str
    total: str
    description: str

    @classmethod
    def of(cls, locale: str) -> "ExportFormat":
        return cls(locale=locale, **get_grammar(locale).data["export"])

    @property
    def date_pattern(self) -> str:
        return "%d/%m/%Y" if self.date_order == "dmy" else "%m/%d/%Y"

    def integers(self, values) -> np.ndarray:
        return np.array([f"{v:,}".replace(",", self.thousands) for v in values], dtype=object)

    def decimals(self, values, digits: int = 2) -> np.ndarray:
        swap = {",": self.thousands, ".": self.decimal}
        return np.array(["".join(swap.get(ch, ch) for ch in f"{v:,.{digits}f}") for v in values], dtype=object)

    def money(self, values, currency) -> np.ndarray:
        amounts = self.decimals(values)
        return np.array([self.currency[c].format(amount=a) for a, c in zip(amounts, currency)], dtype=object)

    def percents(self, values) -> np.ndarray:
        return np.array([self.percent.format(value=v) for v in self.decimals(np.asarray(values) * 100)], dtype=object)

    def times(self, ts: pd.Series) -> np.ndarray:
        return ts.dt.strftime(self.date_pattern + " %H:%M:%S").to_numpy(dtype=object)

    def days(self, ts: pd.Series) -> np.ndarray:
        return ts.dt.strftime(self.date_pattern).to_numpy(dtype=object)


def mojibake(text: str) -> str | None:
    """``text`` encoded as UTF-8 and read as Windows-1252, or None when that is not reversible."""
    try:
        broken = text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return None
    return broken if broken != text else None


def _seconds(values: pd.Series) -> np.ndarray:
    """Unix seconds of a timestamp (UTC) or day column."""
    if values.dt.tz is not None:
        values = values.dt.tz_localize(None)
    return values.to_numpy().astype("datetime64[s]").astype(np.int64)


def _windows(name: str, df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """When each row's metrics start and stop changing (Unix seconds)."""
    if name == "campaigns":
        return _seconds(df["start_date"]), _seconds(df["end_date"]) + 86400
    start = _seconds(df[SPECS[name].time])
    return start, start + int(METRICS_SETTLE.total_seconds())


def _snapshot(df: pd.DataFrame, spec: ExportSpec, growth: np.ndarray) -> pd.DataFrame:
    """The metrics of ``df`` as an export made when a share ``growth`` of them had accrued."""
    out = df.copy()
    for col in spec.metrics:
        v = df[col]
        if col in spec.money:
            out[col] = np.round(v.to_numpy(float) * growth, 2)
        elif str(v.dtype) == "Int64":
            out[col] = pd.array(np.floor(v.to_numpy(float, na_value=np.nan) * growth), dtype="Float64").astype("Int64")
        else:
            out[col] = np.floor(v.to_numpy() * growth).astype(np.int64)
    return out


def _as_text(df: pd.DataFrame, table: Table, spec: ExportSpec, fmt: ExportFormat) -> pd.DataFrame:
    """Every column as the export writes it."""
    cols = {}
    for col in table.columns:
        s = df[col.name]
        missing = s.isna().to_numpy()
        if col.kind in ("int", "Int64"):
            text = fmt.integers(s.fillna(0).astype(np.int64).to_numpy())
        elif col.name in spec.money:
            text = fmt.money(s.to_numpy(float), df["currency"].to_numpy(dtype=object))
        elif col.kind == "float":
            text = fmt.decimals(s.to_numpy(float))
        elif col.kind == "timestamp":
            text = fmt.times(s)
        elif col.kind == "date":
            text = fmt.days(s)
        else:
            text = s.astype(object).astype(str).to_numpy(dtype=object)
        cols[col.name] = np.where(missing, "", text).astype(object)
    if spec.rate:
        name, num, den = spec.rate
        top = sum(df[c].to_numpy(float) for c in num.split("+"))
        bottom = df[den].to_numpy(float)
        rate = np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)
        cols[name] = np.where(bottom > 0, fmt.percents(rate), "").astype(object)
    return pd.DataFrame(cols)


def _pick(eligible: np.ndarray, taken: np.ndarray, k: int, rng) -> np.ndarray:
    pool = np.flatnonzero(eligible & ~taken)
    rows = np.sort(rng.choice(pool, size=min(k, len(pool)), replace=False)) if k and len(pool) else np.zeros(0, int)
    taken[rows] = True
    return rows


def dirty_table(name: str, clean: pd.DataFrame, meta: dict, fmt: ExportFormat, rate: float,
                rng: np.random.Generator) -> tuple[pd.DataFrame, list]:
    """The messy export of one table and its log entries ``(table, line, id, kind, column, original)``."""
    table, spec = TABLES[name], SPECS[name]
    key = table.columns[0].name
    n = len(clean)
    start, end = _windows(name, clean)
    sorted_start = np.sort(start)
    cut2 = int(sorted_start[int(rng.uniform(0.35, 0.65) * (n - 1))]) if n else 0
    in_a = start <= cut2
    k = int(round(n * rate * ROW_KINDS["overlap"]))
    ends_a = np.sort(end[in_a])[::-1]
    cut1 = min(cut2, int(ends_a[min(k, len(ends_a)) - 1])) if k and len(ends_a) else cut2
    in_b = end >= cut1
    growth = np.sqrt(np.clip((cut2 - start) / np.maximum(end - start, 1), 0.0, 1.0))

    period_end = pd.Timestamp(meta["period_end"])
    exported_a = pd.Timestamp(cut2, unit="s", tz="UTC")
    rows_a = np.flatnonzero(in_a)[np.argsort(start[in_a], kind="stable")]
    rows_b = np.flatnonzero(in_b)[np.argsort(start[in_b], kind="stable")]
    snap_a = _snapshot(clean.iloc[rows_a].reset_index(drop=True), spec, growth[rows_a])
    part_a = _as_text(snap_a, table, spec, fmt)
    part_b = _as_text(clean.iloc[rows_b].reset_index(drop=True), table, spec, fmt)
    part_a[EXPORTED_AT] = fmt.times(pd.Series([exported_a] * len(rows_a), dtype="datetime64[us, UTC]"))
    part_b[EXPORTED_AT] = fmt.times(pd.Series([period_end] * len(rows_b), dtype="datetime64[us, UTC]"))
    columns = list(part_a.columns)

    period_start = pd.Timestamp(meta["period_start"])
    days = {"start": period_start, "end": period_end - pd.Timedelta(days=1)}

    def description(exported):
        return fmt.description.format(table=name, locale=fmt.locale, exported=exported.strftime(fmt.date_pattern),
                                      **{k: v.strftime(fmt.date_pattern) for k, v in days.items()})

    log = []
    # both exports, in file order: rows of A, B's description line and header, rows of B, then the totals row
    body = pd.concat([part_a, part_b], ignore_index=True)
    ids = np.r_[clean[key].to_numpy(dtype=object)[rows_a], clean[key].to_numpy(dtype=object)[rows_b]]
    n_a = len(rows_a)
    line = np.r_[np.arange(n_a) + 3, np.arange(len(rows_b)) + n_a + 5]  # 1 description, 2 header; B after 2 rows

    overlap_a = np.flatnonzero(in_b[rows_a])
    pos_b = np.full(n, -1)
    pos_b[rows_b] = np.arange(len(rows_b))
    same = (part_a.iloc[overlap_a, :-1].to_numpy() == part_b.iloc[pos_b[rows_a[overlap_a]], :-1].to_numpy()).all(axis=1)
    log += [(name, str(line[i]), ids[i], "duplicate_row" if s else "stale_snapshot", "", "")
            for i, s in zip(overlap_a, same)]

    # row damage on the data rows of both exports
    taken = np.zeros(len(body), dtype=bool)
    budget = len(body) * rate

    variants = [c for c in spec.labels]
    if variants:
        rows = _pick(np.ones(len(body), bool), taken, int(round(budget * ROW_KINDS["label_variant"])), rng)
        cols = rng.choice(variants, size=len(rows))
        for r, c in zip(rows, cols):
            clean_value = body.at[r, c]
            options = (PLATFORM_VARIANTS[clean_value] if c == "platform"
                       else (clean_value.capitalize(), clean_value.upper(), " " + clean_value))
            body.at[r, c] = options[rng.integers(len(options))]
            log.append((name, str(line[r]), ids[r], "label_variant", c, clean_value))

    counts = [c.name for c in table.columns if c.kind == "int" and c.name in spec.metrics]
    if counts:
        zero = body[counts].to_numpy(dtype=object) == "0"
        rows = _pick(zero.any(axis=1), taken, int(round(budget * ROW_KINDS["zero_as_blank"])), rng)
        for r in rows:
            options = np.flatnonzero(zero[r])
            c = counts[options[rng.integers(len(options))]]
            body.at[r, c] = ("", "--")[rng.integers(2)]
            log.append((name, str(line[r]), ids[r], "zero_as_blank", c, "0"))

    if spec.derivable:
        rows = _pick(np.ones(len(body), bool), taken, int(round(budget * ROW_KINDS["missing_value"])), rng)
        cols = rng.choice(spec.derivable, size=len(rows))
        for r, c in zip(rows, cols):
            log.append((name, str(line[r]), ids[r], "missing_value", c, body.at[r, c]))
            body.at[r, c] = ""

    times = [c.name for c in table.columns if c.kind in ("timestamp", "date")]
    rows = _pick(np.ones(len(body), bool), taken, int(round(budget * ROW_KINDS["mixed_timestamp"])), rng)
    source = pd.concat([snap_a, clean.iloc[rows_b].reset_index(drop=True)], ignore_index=True)
    for r in rows:
        c = times[rng.integers(len(times))]
        value = source.at[r, c]
        if table.column(c).kind == "date":
            text = value.strftime("%Y-%m-%d")
        elif rng.random() < 0.5:
            text = value.tz_convert("Europe/Paris").isoformat()
        else:
            text = str(int(value.timestamp()))
        log.append((name, str(line[r]), ids[r], "mixed_timestamp", c, body.at[r, c]))
        body.at[r, c] = text

    if spec.text:
        broken = {c: np.array([mojibake(t) for t in body[c]], dtype=object) for c in spec.text}
        fixable = np.any([b != None for b in broken.values()], axis=0)  # noqa: E711
        rows = _pick(fixable, taken, int(round(budget * ROW_KINDS["mojibake"])), rng)
        for r in rows:
            c = next(c for c in spec.text if broken[c][r] is not None)
            log.append((name, str(line[r]), ids[r], "mojibake", c, body.at[r, c]))
            body.at[r, c] = broken[c][r]

    # file structure: B's description line and header mid-file, the totals row at the end
    blank = dict.fromkeys(columns, "")
    desc_b = pd.DataFrame([{**blank, key: description(period_end)}])
    header = pd.DataFrame([dict(zip(columns, columns))])
    totals = dict(blank, **{key: fmt.total})
    displayed = pd.concat([snap_a, clean.iloc[rows_b]], ignore_index=True)
    for col in table.columns:
        if col.kind in ("int", "Int64") and col.name != "n_hashtags":
            totals[col.name] = fmt.integers([int(displayed[col.name].fillna(0).sum())])[0]
        elif col.name in spec.money:
            totals[col.name] = fmt.money([round(float(displayed[col.name].sum()), 2)],
                                         [get_grammar(fmt.locale).data["currency"]])[0]
    out = pd.concat([body.iloc[:n_a], desc_b, header, body.iloc[n_a:], pd.DataFrame([totals])], ignore_index=True)
    out.attrs["preamble"] = [description(exported_a)]

    log += [(name, "1", "", "description_line", "", ""), (name, str(n_a + 3), "", "description_line", "", ""),
            (name, str(n_a + 4), "", "repeated_header", "", ""), (name, str(len(out) + 2), "", "totals_row", "", "")]
    for col in table.columns:
        kind = ("currency_string" if col.name in spec.money else "locale_number" if col.kind in ("int", "Int64")
                else "locale_date" if col.kind in ("timestamp", "date") else None)
        if kind:
            log.append((name, "", "*", kind, col.name, ""))
    log.append((name, "", "*", "locale_date", EXPORTED_AT, ""))
    if spec.rate:
        log.append((name, "", "*", "percent_string", spec.rate[0], ""))
    return out.astype(object), log


def table_rngs(rng: np.random.Generator) -> dict:
    """The random source of each export table, drawn from the world's dirty stream ``rng``."""
    return dict(zip(EXPORT_TABLES, rng.spawn(len(EXPORT_TABLES))))


def export_of(ds, name: str, rate: float, seed: int | None = None) -> tuple[pd.DataFrame, list]:
    """The export of one clean table of ``ds`` (and its log). With the world's own seed (the default), byte for
    byte what ``generate(..., dirty=rate)`` writes for the same world: the same seed, stream and table."""
    from .._seeding import child_rng

    rng = table_rngs(child_rng(ds.meta["seed"] if seed is None else seed, "dirty"))[name]
    return dirty_table(name, getattr(ds, name), ds.meta, ExportFormat.of(ds.meta["locale"]), check_dirty(rate), rng)


def make_dirty(ds, rate: float, rng: np.random.Generator):
    """Return ``ds`` with messy posts, campaigns and comments exports and the dirty_log label table."""
    fmt = ExportFormat.of(ds.meta["locale"])
    log = []
    tables = {}
    for name, child in table_rngs(rng).items():
        clean = getattr(ds, name)
        frame, entries = dirty_table(name, clean, ds.meta, fmt, rate, child)
        setattr(ds, name, frame)
        log += entries
        kinds = pd.Series([e[3] for e in entries], dtype=object).value_counts()
        tables[name] = {"clean_rows": len(clean), "export_rows": len(frame),
                        "injected": {k: int(kinds.get(k, 0)) for k in KINDS}}
    ds.labels["dirty_log"] = pd.DataFrame(log, columns=DIRTY_LOG.column_names).astype("str")
    ds.truth["dirty"] = {"rate": rate, "locale": fmt.locale, "date_order": fmt.date_order, "tables": tables,
                         "rules": dict(RULES)}
    ds.meta["dirty"] = rate
    return ds
