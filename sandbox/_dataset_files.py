"""What a dataset folder holds, by name only, and the rules for reading and writing one.

Light on purpose (no pandas): a command checks its paths with these functions before it imports
anything heavy, so a wrong path is refused at once. :mod:`sandbox.dataset` reads and writes the
tables themselves.

A dataset folder holds ``dataset.json``, ``truth.json``, one file (or folder of ``part-*.parquet``
files) per table, ``truth/`` with the per-row labels and, for a dirty world, ``exports/`` with its
CSV exports. Nothing else: a folder that holds anything
more holds someone's work, and no command replaces it.
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path

from ._schema import TABLES

FORMATS = ("csv", "parquet")
META_FILE = "dataset.json"
TRUTH_FILE = "truth.json"
LABELS_DIR = "truth"
#: A dirty world's exports: its posts, campaigns and comments as the platforms' CSV files.
EXPORTS_DIR = "exports"
#: How many names a message lists before it says "and N more".
LISTED = 5


class DatasetError(ValueError):
    """A dataset folder or argument is not usable; the message says why."""


class OutputHoldsDataset(DatasetError):
    """The output folder already holds a dataset, and nothing else: ``force`` may replace it."""


def check_format(format: str) -> None:
    if format not in FORMATS:
        raise DatasetError(f"unknown format {format!r}; allowed: {', '.join(FORMATS)}")


def _table_entry(entry: Path, names) -> bool:
    """A table's file (NAME.csv, NAME.parquet) or folder of parts (NAME/part-*.parquet) for a name in ``names``."""
    if entry.is_dir():
        return (names is None or entry.name in names) and all(
            p.is_file() and p.name.startswith("part-") and p.suffix == ".parquet" for p in entry.iterdir())
    return entry.suffix in {f".{f}" for f in FORMATS} and (names is None or entry.stem in names)


def foreign_entries(directory) -> list[str]:
    """The entries of ``directory`` that are not part of a dataset, as paths relative to it, sorted.

    A folder without ``dataset.json`` is not a dataset: all its entries are foreign.
    """
    directory = Path(directory)
    entries = sorted(directory.iterdir())
    if not (directory / META_FILE).is_file():
        return [_shown(e, directory) for e in entries]
    foreign = []
    for entry in entries:
        if entry.name == LABELS_DIR and entry.is_dir():
            foreign += [_shown(e, directory) for e in sorted(entry.iterdir()) if not _table_entry(e, None)]
        elif entry.name == EXPORTS_DIR and entry.is_dir():
            foreign += [_shown(e, directory) for e in sorted(entry.rglob("*")) if e.is_file() and e.suffix != ".csv"]
        elif entry.name not in (META_FILE, TRUTH_FILE) and not _table_entry(entry, TABLES):
            foreign.append(_shown(entry, directory))
    return foreign


def _shown(entry: Path, directory: Path) -> str:
    return str(entry.relative_to(directory)) + ("/" if entry.is_dir() else "")


def listing(names: list[str]) -> str:
    """``a, b, c`` or ``a, b, c, d, e and 7 more``."""
    shown = ", ".join(names[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def is_dataset_dir(directory) -> bool:
    return (Path(directory) / META_FILE).is_file()


def require_dataset_dir(directory) -> Path:
    """``directory`` as a Path if it is a dataset folder; otherwise DatasetError saying what it is instead.

    A suggested command is one that works and loses nothing: it never points ``sandbox generate`` at a
    folder holding files.
    """
    path = Path(directory)
    quoted = shlex.quote(str(path))
    if is_dataset_dir(path):
        return path
    if not path.exists():
        raise DatasetError(f"{path} is not a dataset folder: it does not exist; "
                           f"`sandbox generate --out {quoted}` makes one there")
    if not path.is_dir():
        raise DatasetError(f"{path} is not a dataset folder: it is a file")
    entries = foreign_entries(path)
    if not entries:
        raise DatasetError(f"{path} is not a dataset folder: it is empty; `sandbox generate --out {quoted}` makes one there")
    if is_dataset_dir(path / "data"):
        raise DatasetError(f"{path} is not a dataset folder (no {META_FILE}), but its data/ folder is: "
                           f"{path / 'data'}")
    raise DatasetError(f"{path} is not a dataset folder (no {META_FILE}; it holds {listing(entries)})")


def prepare_target(directory, force: bool = False) -> Path:
    """Check that a dataset can be written to ``directory``; returns it, resolved.

    The folder must be new or empty; with ``force`` it may also hold a dataset and nothing else
    (it is then replaced). A folder holding anything else is refused, with or without ``force``,
    naming what it holds: no command deletes a notebook or a note to make room for a dataset.
    """
    target = Path(directory).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise DatasetError(f"output {target} is a file, not a folder; choose a new or empty folder")
    if target.exists() and any(target.iterdir()):
        foreign = foreign_entries(target)
        if foreign:
            why = "; force replaces only a folder that holds a dataset and nothing else" if force else ""
            raise DatasetError(f"output folder {target} holds files that are not part of a dataset "
                               f"({listing(foreign)}); choose a new or empty folder{why}")
        if not force:
            raise OutputHoldsDataset(f"output folder {target} already holds a dataset; choose a new or empty folder")
    probe = target.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise DatasetError(f"output folder {target} cannot be created: {probe} is a file")
    try:  # a real write, not os.access: root passes os.access on read-only file systems
        tempfile.TemporaryFile(dir=probe).close()
    except OSError as e:
        raise DatasetError(f"output folder {target} cannot be written ({probe}: {e.strerror})") from None
    return target
