"""Per-student worlds: a seed derived from (course salt, student id).

A cryptographic hash (not Python's ``hash()``, which changes between runs)
makes the seed stable across machines and Python versions, different for every
student, and impossible to guess without the course's salt.
"""

from __future__ import annotations

import hashlib
import secrets


def new_salt() -> str:
    """A fresh random course salt (16 hex characters)."""
    return secrets.token_hex(8)


def student_seed(salt: str, student_id: str) -> int:
    """The seed of ``student_id``'s world in the course with ``salt`` (a 63-bit integer)."""
    if not salt:
        raise ValueError("the course salt must be a non-empty string")
    digest = hashlib.sha256(f"{salt}\x00{student_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1
