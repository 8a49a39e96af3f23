"""What is wrong with a dirty export, kind by kind (``sandbox validate`` on a ``--dirty`` dataset).

The schema checks of :mod:`sandbox.validate` say which columns break the
contract; these checks say why, in the words of the dirty log's kinds, with
how many cells or rows and example lines of the CSV file. Every check runs:
none stops at the first problem.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._schema import TABLES
from .cleaning import DAY_MONTH, ID, SPACES, date_order, fix_mojibake, parse_label, read_export
from .dataset import find_table_file, preamble_lines
from .generator.dirty import DERIVABLE, EXPORT_TABLES, EXPORTED_AT, SPECS, ExportFormat
from .validate_report import N_EXAMPLES, Report, Violation

#: The checks of an export (one per dirty-log kind, plus columns the schema does not have).
EXPORT_RULES = (
    "description_line", "repeated_header", "totals_row", "locale_number", "currency_string", "percent_string",
    "locale_date", "mixed_timestamp", "label_variant", "zero_as_blank", "missing_value", "mojibake", "duplicate_row",
    "stale_snapshot", "extra_column",
)


def export_problems(directory: Path, meta: dict) -> tuple[list[Violation], int]:
    """Violations of every export table in ``directory`` and the number of checks run."""
    fmt = ExportFormat.of(meta.get("locale", "en_US"))
    found, checks = [], 0
    for name in EXPORT_TABLES:
        path = find_table_file(directory, name)
        if path is None:
            continue
        found += _table_problems(name, path, fmt)
        checks += len(EXPORT_RULES)
    return found, checks


def add_export_problems(report: Report, directory: Path, meta: dict) -> Report:
    """``report`` with the export checks of a dirty dataset added (unchanged for a clean one)."""
    if meta.get("dirty"):
        found, checks = export_problems(directory, meta)
        report.violations.extend(found)
        report.n_checks += checks
    return report


def _table_problems(name: str, path: Path, fmt: ExportFormat) -> list[Violation]:
    table, spec = TABLES[name], SPECS[name]
    skipped = preamble_lines(path) if path.suffix == ".csv" else 0
    raw = read_export(path)
    lines = np.arange(len(raw)) + skipped + 2  # the header is line skipped + 1
    out = []

    def report(columns, rule, mask, message, where=None):
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            at = (where if where is not None else lines)[mask][:N_EXAMPLES]
            out.append(Violation(name, tuple(columns), rule, message, int(mask.sum()),
                                 tuple(f"line {n}" for n in at)))

    key = raw.iloc[:, 0]
    is_row = key.str.match(ID.pattern).to_numpy()
    header = (raw.astype(str) == pd.Series(raw.columns, index=raw.columns)).all(axis=1).to_numpy()
    totals = (key.str.strip() == fmt.total).to_numpy() & ~header
    report((), "repeated_header", header, "the header row again inside the data (exports concatenated)")
    report((), "totals_row", totals, "a totals row; it is not a row of the table")
    inside = ~is_row & ~header & ~totals
    where = np.r_[np.arange(1, skipped + 1), lines[inside]]
    report((), "description_line", np.ones(len(where), bool), "free-text lines above the header row or inside the "
           "data; skip them", where=where)

    rows = raw[is_row].reset_index(drop=True)
    lines = lines[is_row]  # from here on, checks look at data rows only
    extra = [c for c in rows.columns if c not in table.column_names]
    for col in extra:
        share = rows[col].str.contains("%", regex=False)
        report((col,), "percent_string", share, f"percent strings such as {rows[col][share].iat[0]!r}"
               if share.any() else "")
        report((col,), "extra_column", np.arange(len(rows)) == 0,
               "a column the data model does not have (an export-only column)")

    times = [c.name for c in table.columns if c.kind in ("timestamp", "date") and c.name in rows]
    if times:
        values = pd.concat([rows[c] for c in times + ([EXPORTED_AT] if EXPORTED_AT in rows else [])])
        order = date_order(values, "")
        proof = {"dmy": "day/month: a first number above 12 proves it", "mdy": "month/day: a second number above 12 "
                 "proves it", "": f"day/month order not settled by the file; the locale ({fmt.locale}) says "
                 + fmt.date_order}[order]
    for col in table.columns:
        if col.name not in rows:
            continue
        s = rows[col.name]
        if col.name in spec.derivable:
            report((col.name,), "missing_value", s.eq(""), f"empty cells; {DERIVABLE[col.name]} gives them back")
        if col.kind in ("int", "Int64"):
            report((col.name,), "locale_number", s.str.contains(f"[^0-9-]", regex=True) & ~s.isin(["--"]),
                   f"numbers with thousands separators ({fmt.locale})")
            if not col.nullable and col.name not in spec.derivable:
                report((col.name,), "zero_as_blank", s.isin(["", "--"]), "empty or -- counts (they mean 0)")
        elif col.kind == "float":
            report((col.name,), "currency_string", s.str.contains(f"[^0-9.{SPACES}-]", regex=True),
                   f"amounts written as currency strings ({fmt.locale})")
        elif col.kind in ("timestamp", "date"):
            report((col.name,), "locale_date", s.str.match(DAY_MONTH.pattern), f"dates written {proof}")
            report((col.name,), "mixed_timestamp", s.str.fullmatch(r"\d+") | s.str.match(r"\d{4}-"),
                   "times as Unix seconds or ISO 8601 (with an offset) among the locale's dates")
        elif col.kind == "category" and col.name in spec.labels:
            allowed = set(col.categories)
            variant = ~s.isin(allowed) & parse_label(s).isin(allowed)
            report((col.name,), "label_variant", variant, "labels spelled another way (" + ", ".join(
                sorted(set(s[variant]))[:4]) + ")")
        elif col.kind == "str":
            report((col.name,), "mojibake", (fix_mojibake(s) != s).to_numpy(), "mojibake (UTF-8 read as "
                   "Windows-1252, é shown as Ã©)")

    key_col = table.columns[0].name
    twice = rows.duplicated(key_col, keep=False).to_numpy()
    if twice.any():
        body = [c for c in rows.columns if c != EXPORTED_AT]
        exact = rows.duplicated(body, keep=False).to_numpy()
        report((key_col,), "duplicate_row", exact, "rows exported twice with the same values")
        report((key_col,), "stale_snapshot", twice & ~exact, "rows exported twice with different metrics: keep the "
               f"one with the latest {EXPORTED_AT}")
    return out
