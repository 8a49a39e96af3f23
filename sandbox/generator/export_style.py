"""What a platform's export looks like: the tool's habits and the words and numbers of the user's language.

Two sources, one per kind of fact:

* :data:`TOOLS` (code): each platform's export tool and its habits, the same in every language: Meta Business
  Suite writes a byte-order mark and a second header row describing each metric, X Analytics writes English
  headers and UTC times with a ``+0000`` offset, YouTube Studio puts the totals row right below the header.
* the ``export`` section of ``sandbox/data/text_<locale>.json``: the language's numbers, dates, separator,
  yes/no and description line, and each tool's words: column headers (``columns``, overridden per tool in
  ``tools``), the headers a newer export renamed (``tools.<platform>.renamed``), post types and objectives
  (``labels``, overridden per tool), Meta's metric descriptions (``lifetime``).

:class:`ExportFormat` puts both together for one locale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._schema import TABLES
from .._dataset_files import EXPORTS_DIR
from .grammar import get_grammar

#: What a count left empty may be written as (zero_as_blank).
BLANK_ZERO = ("", "--")
#: The platforms' names as the tools write them (a campaigns export's platform column), in every language.
PLATFORM_NAMES = {"instagram": "Instagram", "tiktok": "TikTok", "facebook": "Facebook", "x": "X",
                  "linkedin": "LinkedIn", "youtube": "YouTube"}
#: The clock X Analytics writes its times in.
UTC = "UTC"
#: The tables a dirty world writes as export files.
EXPORT_TABLES = ("posts", "campaigns", "comments")

#: Columns an export may leave empty because other data gives them back (column -> where from).
DERIVABLE = {
    "n_hashtags": "the number of hashtags in `hashtags`",
    "is_boosted": "whether campaign_id is set",
    "currency": "the brand's currency (brands.currency)",
}
#: Posts columns a tool may not export at all, and what gives them back. TikTok Studio reports video views and
#: reached audience, no impressions (nor an engagement rate over them).
OMITTED = {
    "impressions": "the sum of the post's daily impressions (post_daily)",
    "engagement_rate": "nothing: an export-only column",
}
PLATFORM_VARIANTS = {
    "instagram": ("IG", " Instagram", "INSTAGRAM", "instagram"),
    "tiktok": ("Tik Tok", "TikTok ", "TIKTOK", "tiktok"),
    "facebook": ("FB", " Facebook", "FACEBOOK", "facebook"),
    "x": ("Twitter", "twitter", " X", "x"),
    "linkedin": ("Linkedin", " LinkedIn", "LI", "linkedin"),
    "youtube": ("YT", "Youtube", " YouTube", "youtube"),
}
#: Short names a platform label variant may use, once lowercased without spaces.
LABEL_ALIASES = {"ig": "instagram", "fb": "facebook", "twitter": "x", "li": "linkedin", "yt": "youtube"}


@dataclass(frozen=True)
class Tool:
    """A platform's export tool and its habits."""

    platform: str
    bom: bool = False            # the file starts with a UTF-8 byte-order mark
    utc: bool = False            # times in UTC with a +0000 offset, not on the account's local clock
    language: str | None = None  # headers, labels and description in this language whatever the user's
    lifetime_row: bool = False   # the posts export has a second header row describing each metric
    totals_first: bool = False   # the totals row comes right below the header, not at the end
    omits: tuple = ()            # posts columns the tool does not export (see OMITTED)


TOOLS = {
    "facebook": Tool("facebook", bom=True, lifetime_row=True),
    "instagram": Tool("instagram", bom=True, lifetime_row=True),
    "linkedin": Tool("linkedin"),
    "tiktok": Tool("tiktok", omits=("impressions", "engagement_rate")),
    "x": Tool("x", utc=True, language="en_US"),
    "youtube": Tool("youtube", totals_first=True),
}


@dataclass(frozen=True)
class ExportFormat:
    """The conventions of one locale's exports (numbers, dates, words), with the tools' habits."""

    locale: str
    decimal: str
    thousands: str
    separator: str
    date_order: str
    currency: dict
    percent: str
    total: str
    yes: str
    no: str
    words: dict  # the whole export section: tables, columns, labels, lifetime, tools, description

    @classmethod
    def of(cls, locale: str) -> "ExportFormat":
        data = get_grammar(locale).data["export"]
        fields = ("decimal", "thousands", "separator", "date_order", "currency", "percent", "total", "yes", "no")
        return cls(locale, **{k: data[k] for k in fields}, words=data)

    @property
    def date_pattern(self) -> str:
        return "%d/%m/%Y" if self.date_order == "dmy" else "%m/%d/%Y"

    # ---- the words of a tool
    def language_of(self, platform: str) -> "ExportFormat":
        """The format whose words ``platform``'s tool writes (X writes English in every locale)."""
        language = TOOLS[platform].language
        return self if language in (None, self.locale) else ExportFormat.of(language)

    def tool_name(self, platform: str) -> str:
        return self.language_of(platform).words["tools"][platform]["name"]

    def headers(self, table: str, platform: str, newer: bool = False) -> dict:
        """Column -> header of ``table``'s export by ``platform``'s tool (``newer``: the renamed headers of a newer export)."""
        words = self.language_of(platform).words
        tool = words["tools"].get(platform, {})
        out = {**words["columns"][table], **tool.get(table, {})}
        if newer:
            out.update(tool.get("renamed", {}).get(table, {}))
        return out

    def labels(self, kind: str, platform: str) -> dict:
        """Value -> label of a ``kind`` column (``format``, ``objective``) in ``platform``'s tool."""
        words = self.language_of(platform).words
        return {**words["labels"][kind], **words["tools"].get(platform, {}).get(kind, {})}

    def lifetime(self, platform: str) -> dict:
        """Column -> the metric description of Meta's second header row."""
        return self.language_of(platform).words["lifetime"]

    def description(self, platform: str, **fields) -> str:
        """The description line above an export's header (``fields``: table, account, start, end, clock, exported)."""
        words = self.language_of(platform)
        fields["table"] = words.words["tables"][fields["table"]]
        return words.words["description"].format(tool=words.tool_name(platform), **fields)

    # ---- numbers
    def integers(self, values) -> np.ndarray:
        text = map("{:,}".format, np.asarray(values, dtype=np.int64).tolist())
        if self.thousands != ",":
            text = (t.replace(",", self.thousands) for t in text)
        return np.array(list(text), dtype=object)

    def decimals(self, values, digits: int = 2) -> np.ndarray:
        text = map(f"{{:,.{digits}f}}".format, np.asarray(values, dtype=float).tolist())
        if (self.thousands, self.decimal) != (",", "."):
            swap = str.maketrans({",": self.thousands, ".": self.decimal})
            text = (t.translate(swap) for t in text)
        return np.array(list(text), dtype=object)

    def money(self, values, currency) -> np.ndarray:
        amounts = self.decimals(values)
        pattern = self.currency
        return np.array([pattern[c].format(amount=a) if c in pattern else f"{a} {c}" for a, c in zip(amounts, currency)],
                        dtype=object)

    def percents(self, values) -> np.ndarray:
        return np.array([self.percent.format(value=v) for v in self.decimals(np.asarray(values) * 100)], dtype=object)

    def booleans(self, values) -> np.ndarray:
        return np.where(np.asarray(values, dtype=bool), self.yes, self.no).astype(object)

    # ---- dates and times
    def local_times(self, ts: pd.Series, zone: str) -> np.ndarray:
        """UTC times on the local clock of ``zone``, in the locale's day/month order, without an offset; in the
        hour when clocks go back (it occurs twice) the zone's abbreviation follows (01:30:00 EDT, 01:30:00 EST)."""
        local = ts.dt.tz_convert(zone)
        naive = local.dt.tz_localize(None)
        text = naive.dt.strftime(self.date_pattern + " %H:%M:%S").to_numpy(dtype=object)
        twice = naive.dt.tz_localize(zone, ambiguous="NaT").isna().to_numpy()
        if twice.any():
            text[twice] = text[twice] + " " + local[twice].dt.strftime("%Z").to_numpy(dtype=object)
        return text

    @staticmethod
    def utc_times(ts: pd.Series) -> np.ndarray:
        """Times in UTC with a +0000 offset, as X writes them."""
        return ts.dt.strftime("%Y-%m-%d %H:%M:%S +0000").to_numpy(dtype=object)

    def days(self, ts: pd.Series) -> np.ndarray:
        return ts.dt.strftime(self.date_pattern).to_numpy(dtype=object)

    def day(self, ts: pd.Timestamp) -> str:
        return ts.strftime(self.date_pattern)


# --------------------------------------------------------------------------- what each export holds

@dataclass(frozen=True)
class ExportSpec:
    """What the export of one table holds."""

    time: str                    # column that orders the rows and starts the metric window
    metrics: tuple[str, ...]     # columns that grow until the metrics settle
    money: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # columns written in the tool's words (label variants damage them)
    text: tuple[str, ...] = ()
    derivable: tuple[str, ...] = ()  # columns an export may leave empty (see DERIVABLE)
    rate: tuple[str, str, str] | None = None  # (name, numerator columns joined by +, denominator)
    dropped: tuple[str, ...] = ()  # columns the file says once for all its rows (a posts file is one account's)


SPECS = {
    "posts": ExportSpec("posted_at", ("impressions", "reach", "likes", "comments", "shares", "saves", "link_clicks",
                                      "video_views"),
                        labels=("format",), text=("caption",), derivable=("n_hashtags", "is_boosted"),
                        rate=("engagement_rate", "likes+comments+shares+saves", "impressions"), dropped=("platform",)),
    "campaigns": ExportSpec("start_date", ("spend", "impressions", "clicks", "conversions", "revenue"),
                            money=("budget", "spend", "revenue"), labels=("platform", "objective"),
                            derivable=("currency",), rate=("ctr", "clicks", "impressions")),
    "comments": ExportSpec("created_at", ("likes",), text=("text",)),
}


def omitted(name: str, platform: str) -> tuple[str, ...]:
    """The columns of ``name``'s export that ``platform``'s tool does not write."""
    return TOOLS[platform].omits if name == "posts" else ()


def export_columns(name: str, platform: str | None = None) -> list[str]:
    """The columns of ``name``'s export, in the older export's order (the schema's, without the dropped ones);
    with ``platform``, only those its tool writes."""
    spec = SPECS[name]
    cols = [c.name for c in TABLES[name].columns if c.name not in spec.dropped]
    cols = cols + ([spec.rate[0]] if spec.rate else [])
    return [c for c in cols if c not in omitted(name, platform)] if platform else cols


def newer_order(name: str, platform: str | None = None) -> list[str]:
    """The later export's column order: the id, the time, the metrics (and rate), then the rest."""
    spec = SPECS[name]
    cols = export_columns(name, platform)
    rate = [spec.rate[0]] if spec.rate and spec.rate[0] in cols else []
    first = [cols[0], spec.time, *[c for c in spec.metrics if c in cols], *rate]
    return first + [c for c in cols if c not in first]


def file_path(name: str, brand_id: str, platform: str) -> str:
    return f"{EXPORTS_DIR}/{name}/{brand_id}_{platform}.csv"
