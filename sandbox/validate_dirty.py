"""What is wrong with a dirty world's export files, kind by kind (``sandbox validate`` on a ``--dirty`` dataset).

:func:`check_exports` reads every export file of posts, campaigns and comments and reports each kind of
damage the dirty log knows (:data:`sandbox.generator.dirty.KINDS`) once per table: how many cells, lines,
files or pairs of rows it affects, two examples (``FILE:LINE``) and the columns concerned. It reads the files
only, never the truth folder; rows exported twice are told apart by comparing their parsed values. It also
recovers the tables with the reference cleaner, so that the data contract's rules can run on them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._locales import DEFAULT_LOCALE
from ._schema import TABLES
from .cleaning import (BOM, DAY_MONTH, SPACES, Export, fill_missing, fix_mojibake, latest_snapshots, parse_label,
                       parse_rows, read_table_exports, stack)
from .dataset import apply_schema, find_table_file, read_exports, read_table
from .generator.dirty import KINDS
from .generator.export_style import BLANK_ZERO, PLATFORM_NAMES, SPECS, UTC, ExportFormat, export_columns, omitted
from .validate_report import N_EXPORT_EXAMPLES, Violation

#: What each kind counts.
UNITS = {
    "duplicate_row": "pairs", "stale_snapshot": "pairs", "description_line": "lines", "repeated_header": "lines",
    "lifetime_row": "lines", "totals_row": "lines", "unexpected_row": "lines", "byte_order_mark": "files",
    "semicolon_separator": "files", "tool_header": "files", "reordered_columns": "files",
    "renamed_column": "columns", "omitted_column": "files", "unreadable_export": "files",
}
#: The checks of one table's exports: every kind of the dirty log, plus files the cleaner cannot read.
EXPORT_RULES = (*KINDS, "unexpected_row", "unreadable_export")


class _Found:
    """Counts and examples of each kind of damage in one table's exports."""

    def __init__(self, table: str):
        self.table = table
        self.count: dict[str, int] = {}
        self.examples: dict[str, list] = {}
        self.columns: dict[str, list] = {}

    def add(self, kind: str, n: int, examples=(), column: str | None = None):
        if n <= 0:
            return
        self.count[kind] = self.count.get(kind, 0) + int(n)
        shown = self.examples.setdefault(kind, [])
        shown += list(examples)[:N_EXPORT_EXAMPLES - len(shown)]
        if column and column not in self.columns.setdefault(kind, []):
            self.columns[kind].append(column)

    def violations(self, messages: dict) -> list[Violation]:
        return [Violation(self.table, tuple(self.columns.get(k, ())), k, messages[k], n,
                          tuple(self.examples[k]), UNITS.get(k, "cells"))
                for k, n in self.count.items()]


def _where(export: Export, lines) -> list[str]:
    return [f"{Path(export.file).name}:{n}" for n in lines]


def check_exports(directory: Path, meta: dict) -> tuple[dict, list[Violation], int]:
    """(recovered tables, violations, checks run) of a dirty world's export files."""
    fmt = ExportFormat.of(meta.get("locale", DEFAULT_LOCALE))
    files = read_exports(directory)
    context = {}
    for name in ("brands", "accounts", "post_daily"):
        path = find_table_file(directory, name)
        context[name] = read_table(path, TABLES[name]) if path is not None else None
    recovered, found = {}, []
    messages = {**KINDS, "unexpected_row": "a row below a header that is neither data, a metric description nor "
                                           "a totals row", "unreadable_export": "a file the documented rules cannot read"}
    for name in meta.get("exports", {}):
        seen = _Found(name)
        try:
            exports = read_table_exports(files, name, fmt)
            _file_kinds(seen, exports, {p: t for p, t in files.items() if p.startswith(f"exports/{name}/")}, name, fmt)
            stacked = stack(exports, name)
            _cell_kinds(seen, stacked, name, fmt)
            if all(context[t] is not None for t in context):
                rows = fill_missing(parse_rows(stacked, name, fmt), context)
                _pairs(seen, rows, name)
                latest = latest_snapshots(rows, TABLES[name].columns[0].name)
                recovered[name] = apply_schema(latest[[c.name for c in TABLES[name].columns]], TABLES[name])
        except (ValueError, TypeError, KeyError) as e:
            seen.add("unreadable_export", 1, [str(e)])
        found += seen.violations(messages)
    return recovered, found, len(EXPORT_RULES) * len(meta.get("exports", {}))


def _file_kinds(seen: _Found, exports: list[Export], texts: dict, name: str, fmt: ExportFormat):
    """Kinds seen once per file or per line: the mark, the separator, descriptions, headers, non-data rows."""
    for path, text in sorted(texts.items()):
        here = [e for e in exports if e.file == path]
        short = Path(path).name
        seen.add("byte_order_mark", text.startswith(BOM), [short])
        seen.add("semicolon_separator", fmt.separator == ";" and len(here[0].header) > 1, [short])
        seen.add("tool_header", any(h != c for e in here for h, c in zip(e.header, e.columns)), [short])
        for col in omitted(name, here[0].platform):
            seen.add("omitted_column", all(col not in e.columns for e in here), [short], col)
        first_lines = [e.lines[0] - 2 if len(e.lines) else None for e in here]
        seen.add("description_line", len(here), [f"{short}:{n}" for n in first_lines if n])
        seen.add("repeated_header", len(here) - 1, [f"{short}:{n + 1}" for n in first_lines[1:] if n])
        if len(here) > 1:
            seen.add("reordered_columns", here[0].columns != here[1].columns, [short])
            older = dict(zip(here[0].columns, here[0].header))
            for col, label in zip(here[1].columns, here[1].header):
                if col in older and older[col] != label:
                    seen.add("renamed_column", 1, [f"{short}: {older[col]} -> {label}"], col)
        for e in here:
            other = ~e.is_data
            first = np.array([r[0] for r in e.below], dtype=object)
            totals = other & (first == fmt.language_of(e.platform).total)
            lifetime = other & (first == "") & ~totals
            seen.add("totals_row", int(totals.sum()), _where(e, e.lines[totals]))
            seen.add("lifetime_row", int(lifetime.sum()), _where(e, e.lines[lifetime]))
            seen.add("unexpected_row", int((other & ~totals & ~lifetime).sum()), _where(e, e.lines[other & ~totals & ~lifetime]))


def _cell_kinds(seen: _Found, rows: pd.DataFrame, name: str, fmt: ExportFormat):
    """Kinds seen cell by cell in the data rows of a table's exports (stacked: :func:`sandbox.cleaning.stack`)."""
    table, spec = TABLES[name], SPECS[name]
    where = rows["_file"].str.rsplit("/", n=1).str[-1] + ":" + rows["_line"].astype(str)
    platforms = rows["_platform"].to_numpy(dtype=object)
    utc = (rows["_clock"] == UTC).to_numpy()

    def add(kind, mask, col):
        mask = np.asarray(mask, dtype=bool)
        seen.add(kind, int(mask.sum()), where[mask].head(N_EXPORT_EXAMPLES), col)

    for col in export_columns(name):
        shown = ~rows["_platform"].map(lambda p: col in omitted(name, p)).to_numpy(dtype=bool)
        s = rows[col].astype(str).where(shown, "0")  # a column a tool does not export is not damage
        if spec.rate and col == spec.rate[0]:
            add("percent_string", s.str.contains("%", regex=False), col)
            continue
        c = table.column(col)
        if col in spec.derivable:
            add("missing_value", s.eq(""), col)
        if c.kind in ("int", "Int64"):
            add("locale_number", s.str.contains("[^0-9-]", regex=True) & ~s.isin(BLANK_ZERO), col)
            if not c.nullable and col not in spec.derivable:
                add("zero_as_blank", s.isin(BLANK_ZERO), col)
        elif col in spec.money:
            add("currency_string", s.str.contains(f"[^0-9.{SPACES}-]", regex=True), col)
        elif c.kind == "date":
            add("locale_date", s.str.match(DAY_MONTH.pattern), col)
        elif c.kind == "timestamp":
            add("utc_time", utc & s.ne("").to_numpy(), col)
            add("local_time", ~utc & s.ne("").to_numpy(), col)
        elif c.kind == "bool":
            words = {p: fmt.language_of(p) for p in set(platforms)}
            add("yes_no", [v in (words[p].yes, words[p].no) for v, p in zip(s, platforms)], col)
        elif col in spec.labels:
            exact = np.zeros(len(s), dtype=bool)
            known = np.zeros(len(s), dtype=bool)
            for p in set(platforms):
                here = platforms == p
                vocabulary = None if col == "platform" else fmt.language_of(p).labels(col, p)
                exact[here] = s[here].isin(list((vocabulary or PLATFORM_NAMES).values())).to_numpy()
                known[here] = parse_label(s[here], vocabulary).notna().to_numpy()
            add("tool_label", exact, col)
            add("label_variant", ~exact & known, col)
        elif c.kind == "str":
            add("mojibake", (fix_mojibake(s) != s).to_numpy(), col)


def _pairs(seen: _Found, rows: pd.DataFrame, name: str):
    """Rows exported twice, as pairs: duplicates when every value agrees, stale snapshots otherwise."""
    key = TABLES[name].columns[0].name
    twice = rows[rows.duplicated(key, keep=False)]
    if twice.empty:
        return
    values = [c.name for c in TABLES[name].columns]
    older = twice.drop_duplicates(key, keep="first").set_index(key)
    newer = twice.drop_duplicates(key, keep="last").set_index(key).loc[older.index]
    same = np.ones(len(older), dtype=bool)
    for col in values:
        if col == key:
            continue
        a, b = older[col], newer[col]
        same &= ((a == b).fillna(False) | (a.isna() & b.isna())).to_numpy(dtype=bool)
    where = [f"{Path(f).name}:{n}" for f, n in zip(older["_file"], older["_line"])]
    for kind, mask in (("duplicate_row", same), ("stale_snapshot", ~same)):
        seen.add(kind, int(mask.sum()), [w for w, m in zip(where, mask) if m], key)
