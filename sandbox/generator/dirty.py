"""Dirty mode: the posts, campaigns and comments tables as the files the platforms' tools export.

A dirty world has no posts, campaigns or comments table: it has their export files, one per brand and
platform (``exports/<table>/<brand>_<platform>.csv``), each written the way that platform's tool writes
it (:mod:`sandbox.generator.export_style`) in the world's language:

* the tool's own column headers (Meta Business Suite, LinkedIn, TikTok Studio, X Analytics in English,
  YouTube Studio), post types and objectives in its own words, yes/no in the user's language;
* the user's number and date conventions: thousands separators, decimal commas and ``;`` between fields in
  fr_FR and es_ES, money as currency strings, a derived rate column as percent strings, days in the
  locale's day/month order; times on the account's local clock without an offset, the time zone named only
  in the description line (X: UTC, written ``+0000``);
* file habits: a byte-order mark (Meta), a description line above each header, Meta's second header row of
  metric descriptions ("Lifetime: ..."), a totals row (YouTube Studio right below the header);
* what a tool does not report, it leaves out: TikTok Studio has no impressions (nor an engagement rate);
* two overlapping exports concatenated: the second export's description line and header reappear mid-file,
  with some columns renamed and the columns in another order (the tool changed between the exports); rows
  exported twice carry the metric snapshot of their export (keep the later one);
* damage on a share ``rate`` of the rows (split between kinds): label variants, zero counts left blank or
  written "--", derivable cells left empty, and mojibake (UTF-8 read as Windows-1252) in text.

Nothing is lost: :func:`sandbox.cleaning.clean` recovers the clean tables exactly with the rules of
:data:`RULES` (documented in the data dictionary). Every change is logged in the ``dirty_log`` truth
table: per damaged cell or duplicated row (with its file and line), per structural line, and once per
file (or file and column) for the file-wide conventions (``id`` is ``*``).

Each file draws from its own random stream (addressed by table, brand and platform), so the files of one
brand are made alone exactly as in the whole world (:func:`export_files` with ``brands``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._schema import PLATFORM_FORMATS, TABLES, Column, Table
from ..dataset import EXPORTS_DIR, empty_table
from .._dirty_rate import check_dirty
from .export_style import DERIVABLE, EXPORT_TABLES, OMITTED, TOOLS, ExportFormat, export_columns, omitted
from .exports import ExportFiles, ExportWorld, plan_files, write_files

#: Every kind of change the dirty log records.
KINDS = {
    "duplicate_row": "a row exported twice with the same values (its metrics no longer changed)",
    "stale_snapshot": "an earlier export of a row, with smaller metrics than the later export",
    "label_variant": "a label written another way (' Photo', 'REEL', IG, Twitter)",
    "zero_as_blank": "a zero count left empty or written --",
    "missing_value": "an empty cell that other data gives back: " + "; ".join(f"{c} from {w}" for c, w in DERIVABLE.items()),
    "mojibake": "text encoded as UTF-8 and read back as Windows-1252 (é -> Ã©)",
    "description_line": "a free-text line above a header: the tool, the account, the period, the clock of its "
                        "times, the export date",
    "repeated_header": "a header row again mid-file (two exports concatenated)",
    "lifetime_row": "a second header row describing each metric (Meta: 'Lifetime: ...'), not data",
    "totals_row": "a row holding the column totals of an export",
    "byte_order_mark": "the file starts with a UTF-8 byte-order mark",
    "semicolon_separator": "fields separated by ; (the locale's spreadsheets use the comma as decimal mark)",
    "tool_header": "column headers in the tool's words and the user's language (X writes English)",
    "renamed_column": "a column the later export names otherwise (the tool renamed it between the exports)",
    "reordered_columns": "the later export lists the columns in another order",
    "omitted_column": "a column the tool does not export at all (TikTok Studio: no impressions, no engagement "
                      "rate); other data gives it back: " + "; ".join(f"{c} from {w}" for c, w in OMITTED.items()),
    "tool_label": "post types, objectives and platforms in the tool's words",
    "yes_no": "booleans written as the language's yes and no",
    "locale_number": "every count written with the locale's thousands separator",
    "currency_string": "every amount written as a currency string in the locale's format",
    "percent_string": "a derived rate column written as percent strings",
    "locale_date": "every day written in the locale's day/month order",
    "local_time": "times on the account's local clock without an offset; the time zone is named only in the "
                  "description line (in the hour clocks go back, which occurs twice, the zone's abbreviation follows)",
    "utc_time": "times in UTC, written with a +0000 offset (X)",
}

#: The documented rules that recover the clean tables (also in the data dictionary).
RULES = {
    "files": f"Each of posts, campaigns and comments is exported as one file per brand and platform, "
             f"`{EXPORTS_DIR}/TABLE/BRAND_PLATFORM.csv`, by the platform's tool (Meta Business Suite for facebook "
             "and instagram, LinkedIn, TikTok Studio, X Analytics, YouTube Studio); combine a table's files. "
             "A post's platform is its account's, a comment's the platform of its post's account.",
    "structure": "A file may start with a byte-order mark. It holds one or two exports, each opening with a "
                 "description line (the tool, the account, the period, the clock of the times, the export "
                 "date) and a header row; Meta's posts exports add a second header row describing each metric, "
                 "and every export has a totals row (YouTube Studio right below the header, the others at the "
                 "end). Keep the rows whose first cell is an id.",
    "columns": "Headers are the tool's words in the user's language (X writes English): the data dictionary "
               "lists them. The later export of a file renames some columns and lists them in another order: "
               "read each export with its own header row. Drop the export-only columns engagement_rate and ctr. "
               "TikTok Studio exports no impressions: a TikTok post's impressions are the sum of its daily "
               "impressions (post_daily).",
    "numbers": "Fields are separated by `;` in fr_FR and es_ES, by `,` in en_US. Counts and amounts use the "
               "locale's separators (en_US 1,234.50; fr_FR 1 234,50; es_ES 1.234,50); money strings carry a "
               "currency symbol; an empty or -- count means 0 (video_views stays missing when empty).",
    "dates": "Days are written day/month or month/day as the locale does; the file settles which: a first "
             "number above 12 proves day/month, a second number above 12 month/day. Times are on the clock the "
             "description line names: the account's local time zone without an offset (convert to UTC), or "
             "UTC with a +0000 offset (X). In the hour when clocks go back a local time occurs twice: the tools "
             "then add the zone's abbreviation (01:30:00 EDT, then 01:30:00 EST).",
    "duplicates": "Rows exported twice are the same row at two snapshots: keep the one from the later export "
                  "(a file's exports come in the order they were made, as their export dates say).",
    "missing": "An empty " + ", ".join(DERIVABLE) + " is given back by other data: "
               + "; ".join(f"{c} from {w}" for c, w in DERIVABLE.items()) + ".",
    "labels": "Post types and objectives are the tool's words (the data dictionary maps them to formats and "
              "objectives), booleans the language's yes and no. Labels may be written another way: strip and "
              "compare without case; platform names may be short (IG=instagram, FB=facebook, Twitter=x, "
              "LI=linkedin, YT=youtube, spaces removed).",
    "mojibake": "Text that reads as UTF-8 once encoded as Windows-1252 is mojibake: decode it back.",
    "order": "Sort the rows by their id, as the clean tables are.",
}

DIRTY_LOG = Table(
    "dirty_log",
    "Every change dirty mode made to the posts, campaigns and comments exports.",
    (
        Column("table", "str", "Damaged table: " + ", ".join(EXPORT_TABLES) + "."),
        Column("file", "str", f"The export file, relative to the dataset folder ({EXPORTS_DIR}/TABLE/BRAND_PLATFORM.csv)."),
        Column("line", "str", "Line of the file (1 is its first description line); empty for a file-wide "
                              "convention."),
        Column("id", "str", "Id of the damaged row; `*` for a file-wide convention, empty for a description, "
                            "header or totals row."),
        Column("kind", "str", "Kind of change: " + ", ".join(KINDS) + "."),
        Column("column", "str", "Damaged column (empty for whole rows and whole files)."),
        Column("original", "str", "The value before the damage, as the tool writes it (empty for whole rows)."),
    ),
)

TRUTH_DOC = (
    "Dirty exports only: the `rate` of damaged rows, the export `locale` and its `date_order` (`dmy` or `mdy`), "
    "per table (`tables`: `posts`, `campaigns`, `comments`) its `clean_rows`, its export `files`, their data "
    "rows (`export_rows`) and how many changes of each kind it got (`injected`), and the `rules` that recover "
    "the clean tables (`files`, `structure`, `columns`, `numbers`, `dates`, `duplicates`, `missing`, `labels`, "
    "`mojibake`, `order`); the changes themselves are in `truth/dirty_log`."
)


def dictionary_markdown() -> str:
    """The data dictionary's section on dirty exports: the files, what is damaged, the rules that undo it, and
    the tools' words (in en_US; the other languages' are in the ``export`` section of their locale file)."""
    kinds = "\n".join(f"- `{k}`: {text}." for k, text in KINDS.items())
    rules = "\n".join(f"- **{k}**: {text}" for k, text in RULES.items())
    return (
        "### Dirty exports (`--dirty RATE`)\n\n"
        "`posts`, `campaigns` and `comments` are written the way the platforms' tools export them, one file per "
        f"brand and platform under `{EXPORTS_DIR}/` (every value as text, in the dataset's `locale`); the other "
        "tables stay clean. `sandbox validate DIR` lists what is wrong, kind by kind, with counts and example "
        "lines; `sandbox.reference.clean(DIR)` recovers the clean tables exactly with the rules below.\n\n"
        "Kinds of changes (the `kind` column of `truth/dirty_log`):\n\n"
        f"{kinds}\n\nRules that recover the clean tables:\n\n{rules}\n\n" + vocabulary_markdown("en_US")
    )


def vocabulary_markdown(locale: str) -> str:
    """Tables of each tool's headers (older -> later export) and labels in ``locale``."""
    fmt = ExportFormat.of(locale)
    tools = list(TOOLS)
    head = "| column | " + " | ".join(f"`{p}`" for p in tools) + " |\n|---|" + "---|" * len(tools)
    parts = [f"#### The tools' words ({locale})\n\nHeaders of each export (a later export's new name after ->):"]
    for name in EXPORT_TABLES:
        rows = []
        for col in export_columns(name):
            cells = []
            for p in tools:
                older, newer = fmt.headers(name, p)[col], fmt.headers(name, p, newer=True)[col]
                cells.append("(not exported)" if col in omitted(name, p) else
                             older if older == newer else f"{older} -> {newer}")
            rows.append(f"| `{col}` | " + " | ".join(cells) + " |")
        parts.append(f"`{name}`:\n\n{head}\n" + "\n".join(rows))
    for kind, values in (("format", PLATFORM_FORMATS), ("objective", None)):
        names = sorted({f for fs in values.values() for f in fs}) if values else list(fmt.words["labels"][kind])
        rows = [f"| `{v}` | " + " | ".join(fmt.labels(kind, p)[v] if values is None or v in values[p] else ""
                                           for p in tools) + " |" for v in names]
        parts.append(f"`{kind}` labels:\n\n{head.replace('column', kind, 1)}\n" + "\n".join(rows))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- the dataset

def export_files(ds, name: str, rate: float, seed: int | None = None, brands=None) -> ExportFiles:
    """The export files of one clean table of ``ds`` (only ``brands``' files when given) and their log. With the
    world's own seed (the default), byte for byte what ``generate(..., dirty=rate)`` writes for the same world."""
    from .._seeding import child_rng

    seq = child_rng(ds.meta["seed"] if seed is None else seed, "dirty").bit_generator.seed_seq
    world = ExportWorld.of(ds)
    clean = getattr(ds, name)
    plans = plan_files(name, clean, world, check_dirty(rate), seq, brands)
    return write_files(name, clean, plans, world, ExportFormat.of(ds.meta["locale"]))


def make_dirty(ds, rate: float, rng: np.random.Generator):
    """Return ``ds`` with its posts, campaigns and comments as export files and the dirty_log label table."""
    fmt = ExportFormat.of(ds.meta["locale"])
    world = ExportWorld.of(ds)
    seq = rng.bit_generator.seed_seq
    log, tables = [], {}
    for name in EXPORT_TABLES:
        clean = getattr(ds, name)
        made = write_files(name, clean, plan_files(name, clean, world, rate, seq), world, fmt)
        ds.exports.update(made.files)
        setattr(ds, name, empty_table(TABLES[name]))  # the table now lives in its export files
        log += made.log
        kinds = pd.Series([e[4] for e in made.log], dtype=object).value_counts()
        tables[name] = {"clean_rows": len(clean), "files": len(made.files), "export_rows": made.data_rows,
                        "injected": {k: int(kinds.get(k, 0)) for k in KINDS}}
    ds.labels["dirty_log"] = pd.DataFrame(log, columns=DIRTY_LOG.column_names).astype("str")
    ds.truth["dirty"] = {"rate": rate, "locale": fmt.locale, "date_order": fmt.date_order, "tables": tables,
                         "rules": dict(RULES)}
    ds.meta["dirty"] = rate
    ds.meta["exports"] = {name: t["files"] for name, t in tables.items()}
    return ds
