"""Finding and loading the dataset in use: a folder given, ``SANDBOX_DATASET``, a notebook's ``data/`` folder,
the committed default world, or the default world regenerated once into a cache.

Apart from :mod:`sandbox.dataset` (the Dataset and its files, which imports neither the generator nor Dask),
since loading may regenerate the default world or hand a folder to Dask.
"""

from __future__ import annotations

import os
from pathlib import Path

from ._schema import TABLES, TRUTH_TABLES
from .dataset import (DATA_DIR_ENV, LABELS_DIR, META_FILE, Dataset, DatasetError, empty_table, find_table_file,
                      read_exports, read_meta, read_table, read_truth)


def load_dataset(directory=None, *, tables=None, engine: str = "pandas") -> Dataset:
    """Load a dataset folder (see module docstring) with the schema's dtypes.

    With no ``directory``, the dataset in use is found in this order: the
    ``SANDBOX_DATASET`` environment variable, a ``data/`` folder beside the
    notebook (the working directory) holding a dataset (a course's notebook,
    with ``exercise_settings.json`` beside it, stops here), the committed default
    dataset of a source checkout, and finally the default world (seed 0,
    small scale) regenerated once into a cache folder, byte-identical to the
    committed one.

    ``engine="dask"`` returns lazy dask DataFrames instead (see
    :func:`sandbox.dask.read_dataset`; needs ``pip install ".[dask]"``).
    """
    directory = Path(directory) if directory is not None else default_dataset_dir()
    if engine == "dask":
        from .dask import read_dataset

        return read_dataset(directory)
    if engine != "pandas":
        raise DatasetError(f"unknown engine {engine!r}; allowed: pandas, dask")
    meta = read_meta(directory)
    exported = meta.get("exports", {})
    wanted = list(TABLES) if tables is None else list(tables)
    frames = {}
    for name in TABLES:
        if name in exported:  # a dirty world: the table is its export files (Dataset.exports)
            frames[name] = empty_table(TABLES[name])
            continue
        path = find_table_file(directory, name)
        if name in wanted and path is None:
            raise DatasetError(f"{directory} has no table {name!r} ({name}.csv, {name}.parquet or {name}/)")
        frames[name] = read_table(path, TABLES[name]) if name in wanted else empty_table(TABLES[name])
    truth = read_truth(directory)
    labels = {}
    for name, table in TRUTH_TABLES.items():
        path = find_table_file(directory / LABELS_DIR, name)
        if path is not None:
            labels[name] = read_table(path, table)
    return Dataset(**frames, truth=truth, labels=labels, meta=meta, path=directory.resolve(),
                   exports=read_exports(directory) if exported else {})


def repo_default_dir() -> Path:
    """Where a source checkout keeps the committed default dataset."""
    return Path(__file__).resolve().parent.parent / "datasets" / "default"


def default_dataset_dir() -> Path:
    """Resolve the dataset a notebook should use (see :func:`load_dataset`)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    local = Path.cwd() / "data"
    if (local / META_FILE).is_file():
        return local
    from .exercises._policy import POLICY_FILE

    if (Path.cwd() / POLICY_FILE).is_file():  # a course's notebook: its answers are graded on the student's own world
        raise DatasetError("this notebook belongs to a course, but its data/ folder (your own world) is not beside "
                           "it; ask your instructor for your folder release_students/<your id>/ (a notebook fetched "
                           "from nbgrader's exchange comes without it)")
    repo = repo_default_dir()
    if (repo / META_FILE).is_file():
        return repo
    return cached_default_dir()


def cache_dir() -> Path:
    """The project's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``), for files remade on demand."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "social-analytics-sandbox"


def cached_default_dir() -> Path:
    """Regenerate the default world into a per-version cache folder (once)."""
    from . import __version__
    from ._scales import DEFAULT_SCALE
    from .generator import generate

    target = cache_dir() / f"default-{__version__}"
    if not (target / META_FILE).is_file():
        generate(seed=0, scale=DEFAULT_SCALE).save(target, format="csv", force=True)
    return target
