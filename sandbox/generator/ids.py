"""Prefixed string identifiers (B0001, A00001, P0000001...)."""

from __future__ import annotations

import numpy as np


def id_width(count: int, minimum: int) -> int:
    """Digits needed for ``count`` ids, at least ``minimum``."""
    return max(minimum, len(str(max(count, 1))))


def make_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded ``numbers`` (1-based), as an object array of str."""
    numbers = np.asarray(numbers)
    if numbers.size == 0:
        return np.array([], dtype=object)
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width)).astype(object)
