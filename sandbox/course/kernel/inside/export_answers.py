"""Runs inside the student's kernel: write the answer variables as data (JSON, Parquet).

Self-contained on purpose (no import from the sandbox package): the runner
sends this file's source to the kernel as its last cell, so exporting costs no
package import. Everything here is as untrusted as the student's code; the
grader decodes the files with :func:`sandbox.course.grade.answers.load_answers`.
"""

import datetime as dt
import json
import math
from pathlib import Path

INDEX_FILE = "answers.json"
MAX_DEPTH = 4
#: Longest text and longest list (or dict) written into the index: a longer one leaves as a "too large" note,
#: so that one huge answer does not make the whole index too large to read (the grader checks again).
MAX_TEXT = 10_000
MAX_ITEMS = 10_000


def export_answers(namespace: dict, variables: list[str], out_dir) -> None:
    """Write the answer ``variables`` of ``namespace`` into ``out_dir`` (runs in the kernel)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    index = {}
    for i, name in enumerate(variables):
        if name not in namespace:
            continue
        try:
            index[name] = _encode(namespace[name], out, f"v{i}", 0)
        except Exception as e:  # anything odd: the judge says the answer is not plain data
            index[name] = {"kind": "unsupported", "type": type(namespace[name]).__name__, "reason": str(e)[:200]}
    (out / INDEX_FILE).write_text(json.dumps(index))


def _encode(value, out: Path, stem: str, depth: int) -> dict:
    import numpy as np
    import pandas as pd

    if value is None or value is Ellipsis:
        return {"kind": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"kind": "json", "value": bool(value)}
    if isinstance(value, (int, np.integer)):
        return {"kind": "json", "value": int(value)}
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return {"kind": "float", "value": repr(f)} if not math.isfinite(f) else {"kind": "json", "value": f}
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return {"kind": "too_large", "what": f"a text of {len(value):,} characters (at most {MAX_TEXT:,})"}
        return {"kind": "json", "value": str(value)}
    if isinstance(value, (pd.Timestamp, dt.datetime, np.datetime64)):
        return {"kind": "timestamp", "value": pd.Timestamp(value).isoformat()}
    if isinstance(value, (pd.Series, pd.DataFrame)):
        if depth:
            raise TypeError("a Series or DataFrame inside a list")
        frame = value.to_frame(name="value") if isinstance(value, pd.Series) else value
        if not all(isinstance(c, str) for c in frame.columns):
            frame = frame.rename(columns=str)
        frame.to_parquet(out / f"{stem}.parquet")
        kind = "series" if isinstance(value, pd.Series) else "frame"
        name = value.name if isinstance(value, pd.Series) and isinstance(value.name, (str, int, float)) else None
        return {"kind": kind, "file": f"{stem}.parquet", "name": name}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Index, dict)) and len(value) > MAX_ITEMS:
        return {"kind": "too_large", "what": f"{len(value):,} values (at most {MAX_ITEMS:,})"}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Index)) and depth < MAX_DEPTH:
        kind = "set" if isinstance(value, (set, frozenset)) else "tuple" if isinstance(value, tuple) else "list"
        items = sorted(value, key=repr) if kind == "set" else list(value)
        return {"kind": kind, "items": [_encode(v, out, f"{stem}_{j}", depth + 1) for j, v in enumerate(items)]}
    chart = globals().get("bar_chart")  # sandbox/exercises/_bars.py, run before this file by the export cell
    if depth == 0 and chart is not None and globals()["is_axes"](value):
        return _encode(chart(value), out, stem, depth)  # a chart answer leaves as the data of its bars
    if isinstance(value, dict) and depth < MAX_DEPTH:
        return {"kind": "dict", "items": [[_encode(k, out, stem, depth + 1), _encode(v, out, stem, depth + 1)]
                                          for k, v in value.items()]}
    return {"kind": "unsupported", "type": type(value).__name__}
