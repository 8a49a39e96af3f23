"""Reading a column as its schema type, and fast lookups over text keys (the validator's helpers).

:func:`coerce` reads a raw column (CSV text or typed values) as its schema
kind and says which values do not fit; the lookups hash ids with Arrow in C++
instead of over Python objects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ._schema import Column

#: What a value of each column kind must look like (in messages).
KIND_WORDS = {
    "id": "ids", "str": "text", "category": "categories", "int": "integers", "Int64": "integers",
    "float": "numbers", "bool": "booleans (True/False)", "timestamp": "ISO 8601 timestamps",
    "date": "days (YYYY-MM-DD)",
}


def arrow(values) -> pa.Array:
    """Text values as one Arrow array, so lookups hash in C++ instead of over Python objects."""
    arr = pa.array(pd.Series(values) if isinstance(values, (pd.Index, np.ndarray)) else values, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr


def positions(values, targets) -> np.ndarray:
    """Position in ``targets`` of the first match of each of ``values``; -1 when absent."""
    values = arrow(values)
    found = pc.index_in(values, value_set=arrow(targets))
    found = pc.if_else(pc.is_null(values), None, found)  # a missing value matches nothing
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def isin(values, targets) -> np.ndarray:
    """``values.isin(targets)`` as a boolean array."""
    return positions(values, targets) >= 0


def codes(s: pd.Series) -> np.ndarray:
    """Integer codes of a column's values (equal values, equal codes; missing -1)."""
    if is_text(s):
        return pc.dictionary_encode(arrow(s)).indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.factorize(s, use_na_sentinel=True)[0].astype(np.int64)


def duplicated(df: pd.DataFrame, columns) -> np.ndarray:
    """Rows whose key (``columns``) appears more than once."""
    key = np.zeros(len(df), dtype=np.int64)
    for col in columns:
        column = codes(df[col]) + 1
        key = pd.factorize(key * (int(column.max(initial=0)) + 1) + column)[0].astype(np.int64)
    return pd.Series(key).duplicated(keep=False).to_numpy()


def is_text(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s.dtype) or s.dtype == object


def coerce(s: pd.Series, col: Column, strict: bool):
    """Read ``s`` as ``col``'s type.

    Returns (typed series, mask of unreadable values, dtype problem or "").
    A dtype problem means the stored type itself is wrong (only in ``strict``
    mode, i.e. typed sources such as Parquet or memory); unreadable values are
    text that does not parse (CSV).
    """
    kind = col.kind
    none = np.zeros(len(s), dtype=bool)
    text = is_text(s)
    if kind in ("id", "str"):
        if not text:
            return None, none, f"stored as {s.dtype}, expected text"
        return s, none, ""
    if kind == "category":
        is_cat = isinstance(s.dtype, pd.CategoricalDtype)
        if not (text or is_cat):
            return None, none, f"stored as {s.dtype}, expected category"
        problem = "" if is_cat or not strict else f"stored as {s.dtype}, expected category"
        # values outside the allowed list become missing, reported as `category`
        typed = (s if is_cat else s.astype("category")).cat.set_categories(list(col.categories))
        return typed, none, problem
    if kind in ("int", "Int64", "float"):
        if pd.api.types.is_bool_dtype(s.dtype):
            return None, none, f"stored as {s.dtype}, expected a number"
        problem = ""
        if text:
            if strict:
                problem = f"stored as {s.dtype}, expected a number"
            num = pd.to_numeric(s, errors="coerce")
        elif pd.api.types.is_numeric_dtype(s.dtype):
            num = s
            if kind != "float" and not pd.api.types.is_integer_dtype(s.dtype):
                problem = f"stored as {s.dtype}, expected integers"
        else:
            return None, none, f"stored as {s.dtype}, expected a number"
        num = num.astype("Float64" if kind != "float" else "float64")
        bad = np.asarray(s.notna() & num.isna(), dtype=bool)
        if kind != "float":
            fractional = np.asarray((num.fillna(0) % 1 != 0).fillna(False), dtype=bool)
            bad = bad | fractional
            num = num.where(~pd.Series(bad, index=s.index))
            num = num.round().astype("Int64")
            if kind == "int" and not num.isna().any():
                num = num.astype("int64")
        return num, bad, problem
    if kind == "bool":
        if pd.api.types.is_bool_dtype(s.dtype):
            return s.astype("boolean"), none, ""
        if not text:
            return None, none, f"stored as {s.dtype}, expected booleans"
        mapped = s.str.strip().str.lower().map({"true": True, "false": False}).astype("boolean")
        bad = np.asarray(s.notna() & mapped.isna(), dtype=bool)
        return mapped, bad, f"stored as {s.dtype}, expected booleans" if strict else ""
    # timestamps and days
    problem = ""
    if text:
        parsed = pd.to_datetime(s, utc=True, format="ISO8601", errors="coerce")
        if kind == "date":
            parsed = parsed.dt.tz_localize(None)
        if strict:
            problem = f"stored as {s.dtype}, expected {col.dtype}"
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        tz = getattr(s.dtype, "tz", None)
        if kind == "timestamp":
            if tz is None:
                return None, none, "timestamps without a time zone; expected UTC"
            parsed = s.dt.tz_convert("UTC")
        else:
            if tz is not None:
                return None, none, f"stored as {s.dtype}, expected a day without time zone"
            parsed = s
    else:
        return None, none, f"stored as {s.dtype}, expected {col.dtype}"
    bad = np.asarray(s.notna() & parsed.isna(), dtype=bool)
    if kind == "date":
        bad = bad | np.asarray(parsed.notna() & (parsed != parsed.dt.normalize()), dtype=bool)
        parsed = parsed.where(~bad)
    return parsed, bad, problem
