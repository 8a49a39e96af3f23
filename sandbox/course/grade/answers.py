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

from ..kernel.inside.export_answers import INDEX_FILE, MAX_ITEMS, MAX_TEXT
from ..kernel.inside.export_answers import MAX_DEPTH as _MAX_DEPTH

#: What the grader reads of a submission's answers, checked before reading: answers are small tables and values,
#: not datasets. Larger is wrong, with a message saying which cap it passed.
MAX_INDEX_BYTES = 2**20  # answers.json
MAX_FILE_BYTES = 16 * 2**20  # one Parquet file, as stored
MAX_TABLE_BYTES = 64 * 2**20  # one table, uncompressed (a small file can unpack to gigabytes)
MAX_ROWS = 100_000
MAX_COLUMNS = 200
# and MAX_TEXT characters of one text, MAX_ITEMS values of one list, set, tuple or dict (export_answers)
_FILE_RE = re.compile(r"^v[0-9]{1,3}(_[0-9]{1,6})*\.parquet$")


@dataclass(frozen=True)
class Unsupported:
    """An answer that could not leave the kernel as plain data, or that is too large to judge."""

    type_name: str
    reason: str = ""
    too_large: bool = False


class TooLarge(ValueError):
    """An answer over one of the caps above; the message says which."""


# ---------------------------------------------------------------- trusted side
def load_answers(read) -> dict:
    """The answers written by :func:`export_answers`, decoded in the trusted grader.

    ``read(name, max_bytes)`` returns the bytes of a file of the answers folder, at most
    ``max_bytes + 1`` (None if absent or unsafe). Missing or unreadable files give no answers
    (every question then reads "not attempted"); a value that cannot be decoded, or is over a cap,
    becomes :class:`Unsupported`: that question is wrong, the others are judged as usual.
    """
    raw = read(INDEX_FILE, MAX_INDEX_BYTES)
    try:
        index = json.loads(raw) if raw and len(raw) <= MAX_INDEX_BYTES else {}
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    if not isinstance(index, dict):
        return {}
    answers = {}
    for name, spec in list(index.items())[:MAX_ITEMS]:
        try:
            value = _decode(spec, read, 0)
        except TooLarge as e:
            value = Unsupported("answer", str(e), too_large=True)
        except Exception as e:  # a tampered index: that answer is not usable data
            value = Unsupported("unreadable value", type(e).__name__)
        if value is not None:
            answers[str(name)[:MAX_TEXT]] = value
    return answers


def _decode(spec, read, depth: int):
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
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise TooLarge(f"a text of {len(value):,} characters (at most {MAX_TEXT:,})")
        return value
    if kind == "float":
        return float(spec["value"]) if spec["value"] in ("nan", "inf", "-inf") else _bad()
    if kind == "timestamp":
        return pd.Timestamp(str(spec["value"])[:100])
    if kind in ("series", "frame"):
        frame = _read_table(str(spec.get("file")), read)
        if kind == "frame":
            return frame
        series = frame["value"]
        name = spec.get("name")
        series.name = name if isinstance(name, (int, float)) or (isinstance(name, str) and len(name) <= MAX_TEXT) \
            else None
        return series
    if kind in ("list", "tuple", "set", "dict"):
        items = spec["items"]
        if not isinstance(items, list):
            raise ValueError("malformed answer")
        if len(items) > MAX_ITEMS:
            raise TooLarge(f"{len(items):,} values (at most {MAX_ITEMS:,})")
        if kind == "dict":
            return {_decode(k, read, depth + 1): _decode(v, read, depth + 1) for k, v in items}
        values = [_decode(v, read, depth + 1) for v in items]
        return set(values) if kind == "set" else tuple(values) if kind == "tuple" else values
    if kind == "too_large":  # the kernel's export found it over a cap
        raise TooLarge(str(spec.get("what", "over a cap"))[:200])
    if kind == "unsupported":
        return Unsupported(str(spec.get("type", "object"))[:80], str(spec.get("reason", ""))[:200])
    raise ValueError("malformed answer")


def _read_table(name: str, read):
    """A Parquet answer file as a DataFrame, its size checked from its metadata before its data is read."""
    import io

    import pyarrow.parquet as pq

    raw = read(name, MAX_FILE_BYTES) if _FILE_RE.match(name) else None
    if raw is None:
        raise ValueError("missing answer file")
    if len(raw) > MAX_FILE_BYTES:
        raise TooLarge(f"a file of more than {MAX_FILE_BYTES // 2**20} MB")
    meta = pq.ParquetFile(io.BytesIO(raw)).metadata
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    for count, cap, what in ((meta.num_rows, MAX_ROWS, "rows"), (meta.num_columns, MAX_COLUMNS, "columns")):
        if count > cap:
            raise TooLarge(f"{count:,} {what} (at most {cap:,})")
    if unpacked > MAX_TABLE_BYTES:
        raise TooLarge(f"{unpacked / 2**20:,.0f} MB of data (at most {MAX_TABLE_BYTES // 2**20} MB)")
    return pq.read_table(io.BytesIO(raw)).to_pandas()


def _bad():
    raise ValueError("malformed answer")
