"""Prefixed string identifiers (B0001, A00001, P0000001...)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def id_width(count: int, minimum: int) -> int:
    """Digits needed for ``count`` ids, at least ``minimum``."""
    return max(minimum, len(str(max(count, 1))))


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> pd.api.extensions.ExtensionArray:
    """``prefix`` + zero-padded ``numbers``, as a pandas ``str`` array.

    Built with Arrow string kernels: about 8x faster than ``np.char`` on a
    million ids, which matters for the posts and comments tables.
    """
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), width, "0")
    return pd.array(pc.binary_join_element_wise(prefix, digits, ""), dtype="str")


def str_array(texts: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """A pandas ``str`` array from an object array of Python strings, converted by Arrow directly
    (3x faster than ``pd.array(texts, dtype="str")``, which checks every value first)."""
    return pd.array(pa.array(texts, type=pa.large_string()), dtype="str")


def take_str(values, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[rows]`` as a pandas ``str`` array (``values``: a ``str`` Series or array, or a sequence of str);
    a row of -1 gives a missing value.

    Taken in Arrow, never through Python string objects: repeating ids over a post's days or an
    account's days costs a fraction of building the same column from an object array.
    """
    values = values.array if isinstance(values, pd.Series) else pd.array(values, dtype="str")
    return values.take(np.asarray(rows, dtype=np.int64), allow_fill=True)
