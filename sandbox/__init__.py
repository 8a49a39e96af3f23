"""Social analytics practice sandbox.

Generate a synthetic social-media world with planted, checkable effects, load
it, validate it, and practise with graded notebooks::

    import sandbox
    ds = sandbox.load_dataset()          # the committed default world
    ds = sandbox.generate(seed=123)      # a fresh world
    ds.posts.head()
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Public names and the module defining each. They are imported on first use, so that
#: ``import sandbox`` and ``sandbox --help`` do not pay for pandas, scipy and Faker.
_PUBLIC = {
    "Dataset": "sandbox.dataset",
    "DatasetError": "sandbox.dataset",
    "load_dataset": "sandbox.dataset",
    "SCALES": "sandbox._scales",
    "Scale": "sandbox._scales",
    "generate": "sandbox.generator",
}

__all__ = [*_PUBLIC, "__version__"]


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted([*globals(), *_PUBLIC])
