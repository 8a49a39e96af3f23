"""The reference cleaner of dirty exports: the answer key of the cleaning exercise.

``clean(dirty_dir)`` reads a dataset saved with ``--dirty RATE`` and recovers
the clean tables exactly, using only the files and the documented rules
(:data:`sandbox.generator.dirty.RULES`, also in the data dictionary), never
the truth folder. Each helper below is one rule, so the notebook can show them
one at a time.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ._schema import TABLES, Column
from .dataset import Dataset, apply_schema, find_table_file, preamble_lines, read_meta, read_table, read_truth
from .generator.dirty import EXPORT_TABLES, EXPORTED_AT, LABEL_ALIASES, SPECS, ExportFormat

ID = re.compile(r"^[A-Z]+\d+$")
DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}")
SPACES = "\\s\u00a0\u202f"


def read_export(path: Path) -> pd.DataFrame:
    """An export as text, without the description line above its header."""
    if path.suffix == ".parquet" or path.is_dir():
        return read_table(path, None, raw=True).astype(object).fillna("")
    return pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=preamble_lines(path))


def data_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Drop description lines, repeated header rows and the totals row: their id is not an id."""
    return df[df.iloc[:, 0].str.match(ID.pattern)].reset_index(drop=True)


def date_order(values: pd.Series, fallback: str) -> str:
    """``dmy`` or ``mdy``, read off the values: a first number above 12 is a day, so is a second one."""
    parts = values.str.extract(DAY_MONTH).dropna().astype(int)
    if (parts[0] > 12).any():
        return "dmy"
    if (parts[1] > 12).any():
        return "mdy"
    return fallback


def fix_mojibake(values: pd.Series) -> pd.Series:
    """Undo UTF-8 read as Windows-1252 (Ã© -> é); other text is left alone."""

    def fix(text):
        try:
            return text.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return text

    return values.map(fix)


def parse_count(values: pd.Series, fmt: ExportFormat, nullable: bool) -> pd.Series:
    """'12 345' -> 12345; empty or -- is 0 (missing for a nullable count)."""
    digits = values.str.replace(f"[{SPACES}{re.escape(fmt.thousands)}]", "", regex=True)
    zero = digits.isin(["", "--"])
    if nullable:
        return pd.to_numeric(digits.where(digits != "", None)).astype("Int64")
    return pd.to_numeric(digits.where(~zero, "0")).astype("int64")


def parse_amount(values: pd.Series, fmt: ExportFormat) -> pd.Series:
    """'1 234,50 $US' or '$1,234.50' -> 1234.5."""
    text = values.str.replace(f"[{SPACES}{re.escape(fmt.thousands)}]", "", regex=True)
    text = text.str.replace(f"[^0-9{re.escape(fmt.decimal)}-]", "", regex=True).str.replace(fmt.decimal, ".")
    return pd.to_numeric(text).astype("float64")


def parse_times(values: pd.Series, order: str, day_only: bool = False) -> pd.Series:
    """Locale day/month text (UTC), ISO 8601 with an offset or Unix seconds -> UTC timestamps."""
    pattern = "%d/%m/%Y" if order == "dmy" else "%m/%d/%Y"
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    epoch = values.str.fullmatch(r"\d+")
    iso = values.str.match(r"\d{4}-")
    local = ~epoch & ~iso
    if epoch.any():
        out[epoch] = pd.to_datetime(values[epoch].astype("int64"), unit="s", utc=True)
    if iso.any():
        out[iso] = pd.to_datetime(values[iso], utc=True, format="ISO8601")
    if local.any():
        out[local] = pd.to_datetime(values[local], utc=True, format=pattern if day_only else pattern + " %H:%M:%S")
    return out


def parse_label(values: pd.Series) -> pd.Series:
    """' IG' -> 'instagram', 'Tik Tok' -> 'tiktok', 'CONVERSIONS' -> 'conversions'."""
    key = values.str.strip().str.lower().str.replace(" ", "", regex=False)
    return key.replace(LABEL_ALIASES)


def parse_column(values: pd.Series, col: Column, fmt: ExportFormat, order: str, label: bool = False) -> pd.Series:
    """One export column back to its schema type."""
    if col.kind in ("int", "Int64"):
        return parse_count(values, fmt, col.nullable)
    if col.kind == "float":
        return parse_amount(values, fmt)
    if col.kind == "timestamp":
        return parse_times(values, order)
    if col.kind == "date":
        return parse_times(values, order, day_only=True).dt.tz_localize(None)
    if col.kind == "bool":
        return values.map({"True": True, "False": False})  # empty stays missing until fill_missing
    if col.kind == "category":
        labels = parse_label(values) if label else values
        return labels.where(labels != "", None).astype(col.dtype)
    text = fix_mojibake(values)
    return (text.where(text != "", None) if col.nullable else text).astype("str")


def fill_missing(df: pd.DataFrame, raw: pd.DataFrame, context: dict) -> pd.DataFrame:
    """Give back the cells an export left empty from the data that determines them."""
    empty = raw.eq("")
    if "n_hashtags" in df and empty["n_hashtags"].any():
        count = df["hashtags"].str.split().str.len().fillna(0).astype("int64")
        df["n_hashtags"] = df["n_hashtags"].where(~empty["n_hashtags"].to_numpy(), count)
    if "is_boosted" in df and empty["is_boosted"].any():
        df["is_boosted"] = df["is_boosted"].where(~empty["is_boosted"].to_numpy(), df["campaign_id"].notna())
    if "platform" in df and "account_id" in df and empty["platform"].any():
        platform = df["account_id"].map(context["accounts"].set_index("account_id")["platform"].astype(str))
        df["platform"] = df["platform"].astype(object).where(~empty["platform"].to_numpy(), platform)
    if "currency" in df and empty["currency"].any():
        currency = df["brand_id"].map(context["brands"].set_index("brand_id")["currency"])
        df["currency"] = df["currency"].where(~empty["currency"].to_numpy(), currency)
    return df


def latest_snapshots(rows: pd.DataFrame, key: str, order: str) -> pd.DataFrame:
    """One row per ``key``: the snapshot with the latest exported_at (a row exported twice), sorted by ``key``."""
    exported = parse_times(rows[EXPORTED_AT], order)
    latest = rows.assign(_exported=exported).sort_values("_exported", kind="stable")
    latest = latest.drop_duplicates(key, keep="last").drop(columns="_exported")
    return latest.sort_values(key, kind="stable").reset_index(drop=True)


def clean_export(raw: pd.DataFrame, name: str, fmt: ExportFormat, context: dict) -> pd.DataFrame:
    """The clean table behind one messy export (``context``: the clean tables it may need)."""
    table = TABLES[name]
    rows = data_rows(raw)
    time_columns = [c.name for c in table.columns if c.kind in ("timestamp", "date")] + [EXPORTED_AT]
    order = date_order(pd.concat([rows[c] for c in time_columns if c in rows]), fmt.date_order)
    latest = latest_snapshots(rows, table.columns[0].name, order)
    labels = SPECS[name].labels
    columns = {c.name: parse_column(latest[c.name], c, fmt, order, c.name in labels) for c in table.columns}
    df = fill_missing(pd.DataFrame(columns), latest[[c.name for c in table.columns]], context)
    return apply_schema(df, table)


def clean(dirty_dir) -> Dataset:
    """Recover the clean dataset from a dirty export folder (see :data:`sandbox.generator.dirty.RULES`)."""
    directory = Path(dirty_dir)
    meta = read_meta(directory)
    fmt = ExportFormat.of(meta.get("locale", "en_US"))
    paths = {name: find_table_file(directory, name) for name in TABLES}
    missing = [name for name, path in paths.items() if path is None]
    if missing:
        raise FileNotFoundError(f"{directory} has no table {', '.join(missing)}")
    frames = {name: read_table(paths[name], table) for name, table in TABLES.items() if name not in EXPORT_TABLES}
    for name in EXPORT_TABLES:
        frames[name] = clean_export(read_export(paths[name]), name, fmt, frames)
    frames = {name: frames[name] for name in TABLES}
    truth = read_truth(directory)
    truth.pop("dirty", None)
    return Dataset(**frames, truth=truth, labels={}, meta=dict(meta, dirty=0.0), path=None)
