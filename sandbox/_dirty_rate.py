"""The dirty rate of a world's exports: one rule, read by the CLI, the library and the generator (a light module:
``sandbox generate`` refuses a bad rate before anything heavy is imported)."""

from __future__ import annotations

import numbers

#: Largest share of rows a dirty export may damage.
MAX_DIRTY = 0.5


def check_dirty(rate) -> float:
    """The dirty rate as a float; ValueError unless it is a number from 0 to MAX_DIRTY."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= MAX_DIRTY:
        raise ValueError(f"dirty rate must be a number between 0 and {MAX_DIRTY} (share of rows to damage), got {rate!r}")
    return float(rate)
