"""Social analytics practice sandbox.

Generate a synthetic social-media world with planted, checkable effects, load
it, validate it, and practise with graded notebooks::

    import sandbox
    ds = sandbox.load_dataset()          # the dataset in use (the default world unless told otherwise)
    ds = sandbox.generate(seed=123)      # a fresh world, in memory
    ds.posts.head()
    sandbox.generate_to("my_world", seed=123)   # what `sandbox generate` does: a world written to a folder
"""

from __future__ import annotations

import importlib

__version__ = "0.3.0"

#: Public names and the module defining each. They are imported on first use, so that
#: ``import sandbox`` and ``sandbox --help`` do not pay for pandas, scipy and Faker.
_PUBLIC = {
    "Dataset": "sandbox.dataset",
    "DatasetError": "sandbox.dataset",
    "load_dataset": "sandbox.loading",
    "SCALES": "sandbox._scales",
    "Scale": "sandbox._scales",
    "get_scale": "sandbox._scales",
    "scale_for_posts": "sandbox._scales",
    "generate": "sandbox.generator",
    # what the commands run, one library function each
    "generate_to": "sandbox.worlds",         # sandbox generate
    "plan_generate": "sandbox.worlds",       # sandbox generate's rules, checked without generating
    "validate_dir": "sandbox.validate",      # sandbox validate
    "get_exercises": "sandbox._notebooks",   # sandbox exercises get
    "check_notebook": "sandbox.exercises.runner",  # sandbox check
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
