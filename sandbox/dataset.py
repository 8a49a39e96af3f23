"""The Dataset: tables + planted truth, and how they are saved and loaded.

A dataset folder looks like this::

    DIR/
      dataset.json          how it was made: seed, scale, locale, version, format, row counts
      truth.json            planted effects (the answers), never read by learner tables
      brands.csv ...        one file per table (CSV or Parquet)
      posts/part-00000.parquet ...   large Parquet worlds: one folder of parts per table
      truth/post_labels.csv ...      per-row labels a learner must infer
      exports/posts/B0001_instagram.csv ...   a dirty world's posts, campaigns and comments, as the
                                             platforms' tools export them (one file per brand and platform)

Saving is atomic: everything is written into a temporary sibling folder that is
renamed into place at the end, so a failed run never leaves half a dataset.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ._dataset_files import (  # noqa: F401  (re-exported: the names a dataset folder is made of)
    FORMATS,
    LABELS_DIR,
    META_FILE,
    TRUTH_FILE,
    EXPORTS_DIR,
    DatasetError,
    OutputHoldsDataset,
    check_format,
    prepare_target,
    require_dataset_dir,
)
from ._schema import TABLES, TRUTH_TABLES, Table

DATA_DIR_ENV = "SANDBOX_DATASET"


@dataclass
class Dataset:
    """A generated world: the learner tables, the planted truth and how it was made.

    Tables are attributes (``ds.posts``) and items (``ds["posts"]``).
    ``truth`` holds the planted effects (JSON-ready dict), ``labels`` the per-row
    truth tables and ``meta`` the generation parameters.
    """

    brands: pd.DataFrame
    accounts: pd.DataFrame
    posts: pd.DataFrame
    post_daily: pd.DataFrame
    followers_daily: pd.DataFrame
    audience: pd.DataFrame
    campaigns: pd.DataFrame
    comments: pd.DataFrame
    influencers: pd.DataFrame
    fx_rates: pd.DataFrame
    truth: dict = field(default_factory=dict)
    labels: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    path: Path | None = None
    #: A dirty world's export files (path relative to the dataset folder -> text); its exported tables are empty.
    exports: dict[str, str] = field(default_factory=dict)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The learner tables by name, in data-model order."""
        return {name: getattr(self, name) for name in TABLES}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables: {', '.join(TABLES)}")
        return getattr(self, name)

    def __repr__(self) -> str:
        rows = ", ".join(f"{name}={len(df):,}" for name, df in self.tables.items())
        made = ", ".join(f"{k}={self.meta[k]!r}" for k in ("seed", "scale") if k in self.meta)
        return f"Dataset({made}; {rows})"

    def save(self, directory, format: str = "csv", force: bool = False, include_truth: bool = True,
             progress: bool = False) -> Path:
        """Write the dataset to ``directory`` atomically and return its path.

        Parameters
        ----------
        directory : path
            Target folder. It must be new or empty, unless ``force``.
        format : {"csv", "parquet"}
        force : bool
            Replace a folder that holds a dataset and nothing else (a folder holding any other
            file is refused, naming the files).
        include_truth : bool
            Write truth.json and truth/ (per-student course datasets leave them out).
        progress : bool
            Show a progress bar over the tables being written.
        """
        from tqdm.auto import tqdm

        check_format(format)
        target = prepare_target(directory, force)
        with staging_dir(target) as tmp:
            for name, df in tqdm(self.tables.items(), desc="writing", unit="table", disable=not progress, leave=False):
                if name not in self.meta.get("exports", {}):
                    write_table(df, tmp / f"{name}.{format}", format)
            for relative, text in self.exports.items():  # export files are CSV text whatever the format
                (tmp / relative).parent.mkdir(parents=True, exist_ok=True)
                (tmp / relative).write_text(text, encoding="utf-8", newline="")
            if include_truth:
                (tmp / TRUTH_FILE).write_text(json.dumps(self.truth, indent=2, sort_keys=True) + "\n")
                (tmp / LABELS_DIR).mkdir()
                for name, df in self.labels.items():
                    write_table(df, tmp / LABELS_DIR / f"{name}.{format}", format)
            exported = self.meta.get("exports", {})
            meta = dict(self.meta, format=format, rows={n: len(df) for n, df in self.tables.items() if n not in exported})
            (tmp / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
        self.path = target
        return target


class staging_dir:
    """Context manager: a temporary sibling folder renamed to ``target`` on success."""

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.tmp-", dir=self.target.parent))
        self.tmp.chmod(0o755)  # mkdtemp makes it private; a dataset folder is not
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old-{os.getpid()}")
            self.target.rename(old)
        self.tmp.rename(self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return False


def write_table(df: pd.DataFrame, path: Path, format: str) -> None:
    """Write one table deterministically (same frame -> same bytes)."""
    if format == "csv":
        with open(path, "w", encoding="utf-8", newline="") as f:
            df.to_csv(f, index=False, lineterminator="\n")
    else:
        df.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


def read_table(path: Path, table: Table | None, raw: bool = False) -> pd.DataFrame:
    """Read one table file or folder of parts, restoring the schema's dtypes.

    ``raw`` keeps every CSV column as text (the validator parses it itself).
    """
    if path.is_dir():
        parts = sorted(path.glob("part-*.parquet"))
        if not parts:
            raise DatasetError(f"{path} holds no part-*.parquet files")
        df = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    elif path.suffix == ".parquet":
        df = pd.read_parquet(path)
    elif raw:
        return pd.read_csv(path, dtype="str", keep_default_na=False, na_values=[""])
    else:
        df = pd.read_csv(path, dtype={c.name: "str" for c in table.columns} if table else None,
                         keep_default_na=False, na_values=[""])
    return apply_schema(df, table) if table is not None and not raw else df


def apply_schema(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Cast the columns of ``df`` to the dtypes of ``table`` (extra columns are kept).

    The result never carries ``df.attrs``. When every column has its dtype already, the columns are
    not copied (a block's tables are written straight after they are made)."""
    out, changed = {}, False
    for col in df.columns:
        out[col] = s = df[col]
        try:
            spec = table.column(col)
        except KeyError:
            continue
        out[col] = cast_column(s, spec)
        changed = changed or out[col] is not s
    if changed:
        return pd.DataFrame(out)
    same = df.copy(deep=False)
    same.attrs = {}  # like a frame built anew: to_parquet would write the attrs into the file
    return same


def cast_column(s: pd.Series, spec) -> pd.Series:
    if spec.kind == "str" and not spec.nullable and s.isna().any():
        s = s.fillna("")  # CSV cannot tell an empty string from a missing one
    if s.dtype == spec.dtype:
        return s
    if spec.kind == "timestamp":
        return pd.to_datetime(s, utc=True, format="ISO8601").astype(spec.dtype)
    if spec.kind == "date":
        return pd.to_datetime(s, format="ISO8601").astype(spec.dtype)
    if spec.kind == "bool":
        return s.map({"True": True, "False": False, True: True, False: False}).astype("bool")
    if spec.kind in ("int", "Int64", "float"):
        return pd.to_numeric(s).astype(spec.dtype)
    return s.astype(spec.dtype)


def find_table_file(directory: Path, name: str) -> Path | None:
    for candidate in (directory / f"{name}.parquet", directory / f"{name}.csv", directory / name):
        if candidate.exists():
            return candidate
    return None


def read_meta(directory: Path) -> dict:
    """dataset.json of a dataset folder; refuses a folder that is not a dataset."""
    return json.loads((require_dataset_dir(directory) / META_FILE).read_text())


def read_truth(directory: Path) -> dict:
    """truth.json of a dataset folder, or {} when it was saved without the answers."""
    path = directory / TRUTH_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def read_exports(directory: Path) -> dict[str, str]:
    """A dirty world's export files: path relative to ``directory`` -> text (a byte-order mark kept)."""
    out = {}
    for path in sorted((directory / EXPORTS_DIR).rglob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            out[path.relative_to(directory).as_posix()] = f.read()
    return out


def empty_table(table: Table) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype=c.dtype) for c in table.columns})
