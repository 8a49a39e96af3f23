"""Social analytics practice sandbox.

Generate a synthetic social-media world with planted, checkable effects, load
it, validate it, and practise with graded notebooks::

    import sandbox
    ds = sandbox.load_dataset()          # the committed default world
    ds = sandbox.generate(seed=123)      # a fresh world
    ds.posts.head()
"""

__version__ = "0.1.0"

from ._scales import SCALES, Scale  # noqa: E402
from .dataset import Dataset, DatasetError, load_dataset  # noqa: E402
from .generator import generate  # noqa: E402

__all__ = ["Dataset", "DatasetError", "SCALES", "Scale", "generate", "load_dataset", "__version__"]
