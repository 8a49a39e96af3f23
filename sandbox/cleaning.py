"""The reference cleaner of dirty exports: the answer key of the cleaning exercise.

``clean(dirty_dir)`` reads a dataset saved with ``--dirty RATE`` and recovers the clean tables exactly,
using only its files and the documented rules (:data:`sandbox.generator.dirty.RULES`, also in the data
dictionary), never the truth folder. Each helper below is one rule, so a notebook can show them one at a
time: :func:`split_exports` finds the exports inside a file and their header rows, :func:`parse_export`
reads one export's cells back to the schema's types, :func:`clean_export` combines a table's files.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ._locales import DEFAULT_LOCALE
from ._schema import TABLES, Column
from .dataset import Dataset, apply_schema, find_table_file, read_exports, read_meta, read_table, read_truth
from .generator.export_style import (BLANK_ZERO, LABEL_ALIASES, PLATFORM_NAMES, SPECS, UTC, ExportFormat, export_columns,
                                    omitted)

ID = re.compile(r"^[A-Z]+\d+$")
DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})/\d{4}")
SPACES = "\\s\u00a0\u202f"
BOM = "\ufeff"
#: How X writes a time: UTC with an offset.
UTC_TIME = "%Y-%m-%d %H:%M:%S %z"


@dataclass
class Export:
    """One export inside a file: its description line, its header and every row below it (text)."""

    file: str              # the file, relative to the dataset folder
    platform: str          # the platform whose tool wrote it (from the file name, BRAND_PLATFORM.csv)
    part: int              # 0 for the file's first export, 1 for the next
    description: str
    fields: dict           # what the description line says: tool, table, account, start, end, clock, exported
    header: list[str]      # the header row as written
    columns: list[str]     # the data model's name of each header (a header the tool does not write stays as is)
    below: list[list[str]]  # every row below the header, as text
    lines: np.ndarray      # the file line of each of those rows (1 = the file's first line)
    is_data: np.ndarray    # rows whose first cell is an id (the others: a metric description row, a totals row)

    @cached_property
    def cells(self) -> pd.DataFrame:
        """Every row below the header, columns named as in the data model."""
        return pd.DataFrame(self.below, columns=self.columns, dtype=object)

    @property
    def rows(self) -> pd.DataFrame:
        """The data rows."""
        return self.cells[self.is_data]

    @property
    def data_lines(self) -> np.ndarray:
        return self.lines[self.is_data]

    @property
    def clock(self) -> str:
        return self.fields["clock"]


def platform_of(path) -> str:
    """The platform of an export file, named BRAND_PLATFORM.csv."""
    return Path(path).stem.rsplit("_", 1)[-1]


@cache
def description_pattern(locale: str) -> re.Pattern:
    """A regular expression reading the fields of ``locale``'s description line."""
    template = ExportFormat.of(locale).words["description"]
    pieces = re.split(r"\{(\w+)\}", template)
    return re.compile("^" + "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces))
                      + "$")


def header_names(table: str, platform: str, fmt: ExportFormat) -> dict:
    """Header as a tool writes it (older or later export) -> the data model's column."""
    out = {}
    for newer in (False, True):
        out.update({label: col for col, label in fmt.headers(table, platform, newer).items()})
    return out


def read_rows(text: str, fmt: ExportFormat) -> list[list[str]]:
    """The file's rows as lists of cells, without the byte-order mark."""
    return list(csv.reader(io.StringIO(text.removeprefix(BOM)), delimiter=fmt.separator))


def split_exports(text: str, file: str, table: str, fmt: ExportFormat) -> list[Export]:
    """The exports of one file: each opens with a one-cell description line and a header row."""
    platform = platform_of(file)
    names = header_names(table, platform, fmt)
    pattern = description_pattern(fmt.language_of(platform).locale)
    rows = read_rows(text, fmt)
    out = []
    i = 0
    while i < len(rows):
        if len(rows[i]) != 1 or i + 1 >= len(rows):
            raise ValueError(f"{file}: line {i + 1} should open an export with its description line")
        description, header = rows[i][0], rows[i + 1]
        found = pattern.match(description)
        if found is None:
            raise ValueError(f"{file}: line {i + 1} is not a description line of {platform}'s tool: {description!r}")
        j = i + 2
        while j < len(rows) and len(rows[j]) != 1:
            if len(rows[j]) != len(header):
                raise ValueError(f"{file}: line {j + 1} has {len(rows[j])} cells, its header {len(header)}")
            j += 1
        below = rows[i + 2:j]
        is_data = np.array([ID.match(r[0]) is not None for r in below], dtype=bool)
        out.append(Export(file, platform, len(out), description, found.groupdict(), header,
                          [names.get(h, h) for h in header], below, np.arange(i + 3, j + 1, dtype=np.int64), is_data))
        i = j
    return out


def read_table_exports(directory, table: str, fmt: ExportFormat) -> list[Export]:
    """Every export of ``table`` in a dirty dataset folder (or a mapping path -> text), file by file."""
    files = directory if isinstance(directory, dict) else read_exports(Path(directory))
    prefix = f"exports/{table}/"
    return [e for path, text in sorted(files.items()) if path.startswith(prefix)
            for e in split_exports(text, path, table, fmt)]


# --------------------------------------------------------------------------- reading cells back

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

    # UTF-8 read as Windows-1252 always shows a lead byte: a character from Â (0xC2) to ô (0xF4)
    suspect = values.str.contains("[\u00c2-\u00f4]", regex=True).to_numpy(dtype=bool)
    out = values.copy()
    if suspect.any():
        out[suspect] = values[suspect].map(fix)
    return out


def parse_count(values: pd.Series, fmt: ExportFormat, nullable: bool) -> pd.Series:
    """'12 345' -> 12345; empty or -- is 0 (missing for a nullable count)."""
    digits = values.str.replace(f"[{SPACES}{re.escape(fmt.thousands)}]", "", regex=True)
    zero = digits.isin(BLANK_ZERO)
    if nullable:
        return pd.to_numeric(digits.where(digits != "", None)).astype("Int64")
    return pd.to_numeric(digits.where(~zero, "0")).astype("int64")


def parse_amount(values: pd.Series, fmt: ExportFormat) -> pd.Series:
    """'1 234,50 €' or '$1,234.50' -> 1234.5."""
    text = values.str.replace(f"[{SPACES}{re.escape(fmt.thousands)}]", "", regex=True)
    text = text.str.replace(f"[^0-9{re.escape(fmt.decimal)}-]", "", regex=True).str.replace(fmt.decimal, ".")
    return pd.to_numeric(text).astype("float64")


def parse_days(values: pd.Series, order: str) -> pd.Series:
    """Days in the locale's order ('dmy' or 'mdy') -> dates."""
    return pd.to_datetime(values, format="%d/%m/%Y" if order == "dmy" else "%m/%d/%Y")


def parse_times(values: pd.Series, order: str, clock: str = UTC) -> pd.Series:
    """Times as an export writes them -> UTC timestamps.

    X writes UTC with an offset ('2025-03-04 14:30:12 +0000'); the other tools write the account's local time
    in the locale's day/month ``order`` with no offset, on the ``clock`` their description line names. In the
    hour when clocks go back a local time occurs twice: the tools then add the zone's abbreviation
    ('11/02/2025 01:30:00 EDT', then '... EST'), which says which of the two it is.
    """
    values = pd.Series(values)
    offset = values.str.contains("+", regex=False).to_numpy(dtype=bool)
    if offset.all():
        return pd.to_datetime(values, format=UTC_TIME, utc=True).astype("datetime64[us, UTC]")
    if offset.any():  # X's times among local ones
        out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
        out[offset] = parse_times(values[offset], order)
        out[~offset] = parse_times(values[~offset], order, clock)
        return out
    parts = values.str.extract(r"^(?P<time>\S+ \S+)(?: (?P<zone>\S+))?$")
    naive = pd.to_datetime(parts["time"], format=("%d/%m/%Y" if order == "dmy" else "%m/%d/%Y") + " %H:%M:%S")
    if clock == UTC:
        return naive.dt.tz_localize("UTC").astype("datetime64[us, UTC]")
    marked = parts["zone"].notna().to_numpy()
    daylight = np.ones(len(naive), dtype=bool)  # only read where a time occurs twice
    if marked.any():
        first = naive[marked].dt.tz_localize(clock, ambiguous=np.ones(int(marked.sum()), dtype=bool))
        daylight[marked] = (first.dt.strftime("%Z") == parts["zone"][marked]).to_numpy()
    local = naive.dt.tz_localize(clock, ambiguous=daylight)
    return local.dt.tz_convert("UTC").astype("datetime64[us, UTC]")


def normalise_label(values: pd.Series) -> pd.Series:
    """' Photo' -> 'photo': stripped, lowercased, inner spaces removed."""
    return values.str.strip().str.lower().str.replace(" ", "", regex=False)


def parse_label(values: pd.Series, vocabulary: dict | None = None) -> pd.Series:
    """A tool's labels back to the data model's values: ``vocabulary`` maps each value to the tool's word
    (post types, objectives); without it the labels are platform names (' IG' -> 'instagram')."""
    key = normalise_label(values)
    if vocabulary is None:
        vocabulary = PLATFORM_NAMES
        key = key.replace(LABEL_ALIASES)
    words = {label.strip().lower().replace(" ", ""): value for value, label in vocabulary.items()}
    return key.map(words).where(key != "", None)


def parse_column(values: pd.Series, col: Column, table: str, fmt: ExportFormat, platform: str, clock: str,
                 order: str) -> pd.Series:
    """One export column of ``table`` back to its schema type (a derivable cell left empty stays missing):
    ``values`` from one platform's files with one ``clock`` and day/month ``order``."""
    spec = SPECS[table]
    if col.kind in ("int", "Int64"):
        return parse_count(values, fmt, col.nullable or col.name in spec.derivable)
    if col.kind == "float":
        return parse_amount(values, fmt)
    if col.kind == "timestamp":
        return parse_times(values, order, clock)
    if col.kind == "date":
        return parse_days(values, order)
    if col.kind == "bool":
        words = fmt.language_of(platform)
        return values.map({words.yes: True, words.no: False})  # empty stays missing until fill_missing
    if col.kind == "category":
        if col.name == "platform":
            labels = parse_label(values)
        elif col.name in spec.labels:
            labels = parse_label(values, fmt.language_of(platform).labels(col.name, platform))
        else:
            labels = values.where(values != "", None)
        return labels.astype(col.dtype)
    text = fix_mojibake(values)
    return (text.where(text != "", None) if col.nullable else text).astype("str")


def stack(exports: list[Export], table: str) -> pd.DataFrame:
    """The data rows of ``exports`` in file order, as text in the export's columns (:func:`export_columns`; a
    column the tool does not export is empty), with ``_file``, ``_part``, ``_line``, ``_platform`` and ``_clock``."""
    columns = export_columns(table)
    rows, meta = [], []
    for e in exports:
        missing = [c for c in export_columns(table, e.platform) if c not in e.columns]
        if missing:
            raise ValueError(f"{e.file}: export {e.part + 1} has no column for {', '.join(missing)}")
        where = [e.columns.index(c) if c in e.columns else None for c in columns]
        rows += [["" if i is None else r[i] for i in where] for r, keep in zip(e.below, e.is_data) if keep]
        meta.append((e.file, e.part, e.data_lines, e.platform, e.clock))
    out = pd.DataFrame(rows, columns=columns, dtype=object)
    sizes = [len(m[2]) for m in meta]
    for k, name in enumerate(("_file", "_part", "_line", "_platform", "_clock")):
        out[name] = np.concatenate([m[2] for m in meta]) if k == 2 and meta else np.repeat(
            np.array([m[k] for m in meta], dtype=object), sizes)
    return out


def file_orders(rows: pd.DataFrame, table: str, fallback: str) -> pd.Series:
    """Each row's day/month order: its file's, read off the file's days and local times (``fallback``, the
    locale's, when they do not settle it)."""
    cols = [c.name for c in TABLES[table].columns if c.kind in ("timestamp", "date") and c.name in rows]
    first = pd.Series(0, index=rows.index)
    second = pd.Series(0, index=rows.index)
    for col in cols:
        parts = rows[col].str.extract(DAY_MONTH).astype(float).fillna(0)
        first, second = np.maximum(first, parts[0]), np.maximum(second, parts[1])
    most = pd.DataFrame({"first": first, "second": second}).groupby(rows["_file"]).transform("max")
    return pd.Series(np.where(most["first"] > 12, "dmy", np.where(most["second"] > 12, "mdy", fallback)),
                     index=rows.index)


def parse_rows(rows: pd.DataFrame, table: str, fmt: ExportFormat) -> pd.DataFrame:
    """Stacked data rows (:func:`stack`) with every column of the data model parsed (derivable cells may be
    missing), keeping ``_file``, ``_part`` and ``_line``."""
    spec = SPECS[table]
    order = file_orders(rows, table, fmt.date_order)
    groups = rows.groupby([rows["_platform"], rows["_clock"], order], sort=True).indices
    out = {}
    for col in TABLES[table].columns:
        if col.name in spec.dropped:
            continue
        values = rows[col.name].astype(object)
        if col.kind in ("timestamp", "date", "bool", "category"):
            pieces = [parse_column(values.iloc[i], col, table, fmt, platform, clock, o)
                      for (platform, clock, o), i in groups.items()]
            out[col.name] = pd.concat(pieces).sort_index() if pieces else values
        else:
            out[col.name] = parse_column(values, col, table, fmt, "", UTC, fmt.date_order)
    return pd.DataFrame(out, index=rows.index).assign(_file=rows["_file"], _part=rows["_part"], _line=rows["_line"],
                                                      _platform=rows["_platform"])


def fill_missing(df: pd.DataFrame, context: dict) -> pd.DataFrame:
    """Give back what an export does not say or left empty, from the data that determines it."""
    if "n_hashtags" in df:
        count = df["hashtags"].str.split().str.len().fillna(0).astype("int64")
        df["n_hashtags"] = df["n_hashtags"].fillna(count).astype("int64")
    if "is_boosted" in df:
        df["is_boosted"] = df["is_boosted"].astype(object).where(df["is_boosted"].notna(), df["campaign_id"].notna())
    if "platform" not in df and "account_id" in df:
        df["platform"] = df["account_id"].map(context["accounts"].set_index("account_id")["platform"].astype(str))
    if "currency" in df:
        currency = df["brand_id"].map(context["brands"].set_index("brand_id")["currency"])
        df["currency"] = df["currency"].where(df["currency"].notna() & (df["currency"] != ""), currency)
    if {"post_id", "impressions", "_platform"} <= set(df):  # the posts table
        unexported = df["_platform"].map(lambda p: "impressions" in omitted("posts", p)).to_numpy(dtype=bool)
        if unexported.any():
            daily = context["post_daily"].groupby("post_id", observed=True)["impressions"].sum()
            df.loc[unexported, "impressions"] = df.loc[unexported, "post_id"].map(daily).fillna(0).astype("int64")
    return df


def parsed_rows(exports: list[Export], table: str, fmt: ExportFormat, context: dict) -> pd.DataFrame:
    """Every data row of ``table``'s exports, parsed and completed, in file order (rows exported twice twice)."""
    return fill_missing(parse_rows(stack(exports, table), table, fmt), context)


def latest_snapshots(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """One row per ``key``: the one from the later export of its file, sorted by ``key``."""
    latest = rows.sort_values("_part", kind="stable").drop_duplicates(key, keep="last")
    return latest.sort_values(key, kind="stable").reset_index(drop=True)


def clean_export(exports: list[Export], table: str, fmt: ExportFormat, context: dict) -> pd.DataFrame:
    """The clean table behind a table's export files (``context``: the clean tables it may need)."""
    rows = latest_snapshots(parsed_rows(exports, table, fmt, context), TABLES[table].columns[0].name)
    return apply_schema(rows[[c.name for c in TABLES[table].columns]], TABLES[table])


def clean(dirty_dir) -> Dataset:
    """Recover the clean dataset from a dirty export folder (see :data:`sandbox.generator.dirty.RULES`)."""
    directory = Path(dirty_dir)
    meta = read_meta(directory)
    fmt = ExportFormat.of(meta.get("locale", DEFAULT_LOCALE))
    exported = meta.get("exports", {})
    paths = {name: find_table_file(directory, name) for name in TABLES if name not in exported}
    missing = [name for name, path in paths.items() if path is None]
    if missing:
        raise FileNotFoundError(f"{directory} has no table {', '.join(missing)}")
    frames = {name: read_table(path, TABLES[name]) for name, path in paths.items()}
    files = read_exports(directory)
    for name in exported:
        frames[name] = clean_export(read_table_exports(files, name, fmt), name, fmt, frames)
    frames = {name: frames[name] for name in TABLES}
    truth = read_truth(directory)
    truth.pop("dirty", None)
    meta = {k: v for k, v in meta.items() if k != "exports"}
    return Dataset(**frames, truth=truth, labels={}, meta=dict(meta, dirty=0.0), path=None)
