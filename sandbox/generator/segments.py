"""Texts assembled from pieces in Arrow: a caption is a template, a call to action and emoji; a comment an
@mention, an opener, a body, emoji...

Each row's piece of each segment is drawn as an index into that segment's strings (a small pool), and the
texts are joined once, in Arrow, at the end: no Python string is made per row, and none is converted to
Arrow row by row (about 150 ns a string, the largest cost of building text columns from object arrays).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_POOLS: dict[tuple[int, str], tuple] = {}


def pooled(owner, name: str, make_tables: Callable[[], dict]) -> tuple[pa.Array, dict]:
    """The strings of the tables ``make_tables()`` returns (key -> array of str, any shape) as one Arrow array
    after an empty string, and where each table starts after the empty string, so ``start[key] + flat index``
    indexes a string of ``tables[key].reshape(-1)``. Made once per process for ``owner`` (e.g. a locale's
    Pools) and ``name``."""
    cached = _POOLS.get((id(owner), name))
    if cached is None or cached[0] is not owner:
        tables = make_tables()
        start, size = {}, 0
        for key, table in tables.items():
            start[key] = size
            size += table.size
        strings = np.concatenate([[""], *(np.asarray(t, dtype=object).reshape(-1) for t in tables.values())])
        cached = _POOLS[id(owner), name] = (owner, pa.array(strings, pa.large_string()), start)
    return cached[1], cached[2]


class Segments:
    """Texts made of ``names`` segments, joined in that order; each segment of each row is an index into
    that segment's strings (-1: none).

    ``fixed`` gives some segments their strings at once (an Arrow array after an empty string, from
    :func:`pooled`); the others' strings are added with :meth:`put`."""

    def __init__(self, n: int, names: tuple[str, ...], fixed: dict[str, pa.Array] | None = None):
        self.index = {segment: np.full(n, -1, dtype=np.int64) for segment in names}
        self.strings = {segment: [] for segment in names}
        self.fixed = dict(fixed or {})

    def put(self, segment: str, mask: np.ndarray, strings: np.ndarray, picked: np.ndarray) -> None:
        """Rows ``mask`` take ``strings[picked]`` (one pick per row of the mask) as their ``segment``."""
        self.index[segment][mask] = sum(len(s) for s in self.strings[segment]) + picked
        self.strings[segment].append(strings)

    def clear(self, mask: np.ndarray, segments) -> None:
        """Rows ``mask`` lose these segments."""
        for segment in segments:
            self.index[segment][mask] = -1

    def joined(self) -> pa.Array:
        """The texts, as an Arrow large_string array."""
        parts = []
        for segment, index in self.index.items():
            if segment in self.fixed:
                strings = self.fixed[segment]
            elif (index >= 0).any():
                strings = pa.array(np.concatenate([[""], *self.strings[segment]]), pa.large_string())
            else:
                continue
            parts.append(strings.take(index + 1))
        return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string()))
