"""Answer variables leave the student's kernel as data, never as objects.

``export_answers`` (:mod:`sandbox.course.kernel.inside.export_answers`) runs inside the
kernel (untrusted): each answer variable becomes JSON (numbers, text,
timestamps, lists, sets, dicts) or a Parquet file (Series, DataFrame).
:func:`load_answers` runs in the trusted grader: it reads only JSON and Parquet, never pickle, nothing that executes
code on load, and gives back plain Python/pandas values. A value that is not
plain data comes back as :class:`Unsupported`, which the judge marks wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ..kernel.inside.export_answers import INDEX_FILE, MAX_DEPTH as _MAX_DEPTH

#: Largest answer file the grader reads (bytes): answers are small tables, not datasets.
MAX_FILE_BYTES = 64 * 2**20
_FILE_RE = re.compile(r"^v[0-9]{1,3}(_[0-9]{1,6})*\.parquet$")


@dataclass(frozen=True)
class Unsupported:
    """An answer that could not leave the kernel as plain data."""

    type_name: str
    reason: str = ""


# ---------------------------------------------------------------- trusted side
def load_answers(read) -> dict:
    """The answers written by :func:`export_answers`, decoded in the trusted grader.

    ``read(name, max_bytes)`` returns the bytes of a file of the answers folder
    (None if absent or unsafe). Missing or unreadable files give no answers
    (every question then reads "not attempted"); a value that cannot be decoded
    becomes :class:`Unsupported`.
    """
    raw = read(INDEX_FILE, MAX_FILE_BYTES)
    try:
        index = json.loads(raw) if raw else {}
    except (ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(index, dict):
        return {}
    answers = {}
    for name, spec in index.items():
        try:
            value = _decode(spec, read, 0)
        except Exception as e:  # a tampered index: that answer is not usable data
            value = Unsupported("unreadable value", type(e).__name__)
        if value is not None:
            answers[str(name)] = value
    return answers


def _decode(spec, read, depth: int):
    import io

    import pandas as pd

    if not isinstance(spec, dict) or depth > _MAX_DEPTH:
        raise ValueError("malformed answer")
    kind = spec.get("kind")
    if kind == "none":
        return None
    if kind == "json":
        value = spec["value"]
        if not isinstance(value, (bool, int, float, str)):
            raise ValueError("malformed answer")
        return value
    if kind == "float":
        return float(spec["value"]) if spec["value"] in ("nan", "inf", "-inf") else _bad()
    if kind == "timestamp":
        return pd.Timestamp(str(spec["value"]))
    if kind in ("series", "frame"):
        name = str(spec.get("file"))
        raw = read(name, MAX_FILE_BYTES) if _FILE_RE.match(name) else None
        if raw is None:
            raise ValueError("missing answer file")
        frame = pd.read_parquet(io.BytesIO(raw), engine="pyarrow")
        if kind == "frame":
            return frame
        series = frame["value"]
        series.name = spec.get("name") if isinstance(spec.get("name"), (str, int, float)) else None
        return series
    if kind in ("list", "tuple", "set"):
        items = [_decode(v, read, depth + 1) for v in spec["items"]]
        return set(items) if kind == "set" else tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {_decode(k, read, depth + 1): _decode(v, read, depth + 1) for k, v in spec["items"]}
    if kind == "unsupported":
        return Unsupported(str(spec.get("type", "object"))[:80], str(spec.get("reason", ""))[:200])
    raise ValueError("malformed answer")


def _bad():
    raise ValueError("malformed answer")
