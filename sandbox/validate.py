"""Check a dataset against the data contract (brief section 3).

``validate(ds)`` checks an in-memory :class:`~sandbox.dataset.Dataset`,
``validate_dir(path)`` a dataset folder (CSV, Parquet or partitioned Parquet).
Both run every rule of :data:`RULES` with vectorised pandas/numpy code and
return the problems as :class:`Violation` records: table, columns, rule, how
many rows break it and a few example ids.

A column whose values cannot be read as its schema type is reported once
(rule ``dtype``) and left out of the later rules, so one bad column does not
bury the report under follow-on errors. The rules themselves live in
:mod:`sandbox.validate_checks`, one small function per family; a dirty
export's own checks in :mod:`sandbox.validate_dirty`.
"""

from __future__ import annotations

import json
from pathlib import Path

from ._schema import TABLES, TRUTH_TABLES
from .dataset import LABELS_DIR, META_FILE, TRUTH_FILE, DatasetError, find_table_file, read_table, require_dataset_dir
from .validate_checks import RULES, run_checks, simulated_period
from .validate_dirty import check_exports
from .validate_report import N_EXAMPLES, Report, Violation

__all__ = ["N_EXAMPLES", "RULES", "Report", "Violation", "check_dataset", "simulated_period", "validate",
           "validate_dir"]


def validate(ds) -> list[Violation]:
    """Check an in-memory Dataset; return the violations (empty when valid)."""
    return check_dataset(ds).violations


def check_dataset(ds) -> Report:
    """Check an in-memory Dataset; return a :class:`Report`."""
    frames = {name: (getattr(ds, name, None), True) for name in TABLES}
    labels = {name: (df, True) for name, df in (ds.labels or {}).items() if name in TRUTH_TABLES}
    return run_checks(frames, labels, ds.meta or {}, ds.truth or {})


def validate_dir(path) -> Report:
    """Check a dataset folder (CSV, Parquet or folders of Parquet parts).

    Raises :class:`~sandbox.dataset.DatasetError` when ``path`` is not a
    dataset folder at all.
    """
    directory = require_dataset_dir(path)
    meta_path = directory / META_FILE
    try:
        meta = json.loads(meta_path.read_text())
        truth_path = directory / TRUTH_FILE
        truth = json.loads(truth_path.read_text()) if truth_path.is_file() else {}
    except json.JSONDecodeError as e:
        raise DatasetError(f"{directory}: {META_FILE} or {TRUTH_FILE} is not valid JSON ({e})") from None
    frames = {name: _read(directory, name) for name in TABLES}
    labels = {}
    for name in TRUTH_TABLES:
        found = _read(directory / LABELS_DIR, name)
        if found[0] is not None:
            labels[name] = found
    exported, damage, n_checks = check_exports(directory, meta) if meta.get("exports") else ({}, [], 0)
    frames.update({name: (df, True) for name, df in exported.items()})  # the contract holds once recovered
    report = run_checks(frames, labels, meta, truth)
    report.violations += damage
    report.n_checks += n_checks
    return report


def _read(directory: Path, name: str):
    """(raw frame or None, strict): CSV is read as text and parsed by the checker."""
    path = find_table_file(directory, name)
    if path is None:
        return None, True
    return read_table(path, None, raw=True), path.suffix != ".csv"
