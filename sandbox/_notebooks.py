"""Where the exercise notebooks are: the one place that knows.

The authored copies live at the top of a source checkout: ``solutions/`` (the
nbgrader sources) and ``exercises/`` (the student versions, made by
``sandbox exercises release``). Building the package (``pip install .``,
``pip wheel .``) copies both into ``sandbox/notebooks/`` inside the package
(see ``setup.py``), so an installed ``sandbox`` finds them without a checkout.
"""

from __future__ import annotations

import shlex
from pathlib import Path

#: Notebook folders, by kind.
KINDS = ("solutions", "exercises")

_PACKAGE = Path(__file__).resolve().parent
#: Where the build puts the shipped copies, inside the installed package.
PACKAGED_DIR = _PACKAGE / "notebooks"
#: The root of a source checkout (an editable install runs from one).
CHECKOUT_DIR = _PACKAGE.parent

#: The notebook file names: ``NN_slug.ipynb``.
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
#: Seconds a cell may run when `sandbox check` runs a notebook headless.
CHECK_TIMEOUT = 120
NBGRADER_CONFIG = "nbgrader_config.py"
#: What `sandbox exercises get` writes beside the notebooks: JupyterLab started in that folder finds an
#: nbgrader configuration (no "No nbgrader_config.py file found" warning) and Validate runs as `sandbox check`.
SELF_LEARNER_CONFIG = f"""\
# nbgrader settings for working on these notebooks on your own (written by `sandbox exercises get`).
# The Validate button runs a notebook top to bottom and lists the questions still wrong, then those
# not attempted yet.
c = get_config()  # noqa: F821
c.Execute.timeout = {CHECK_TIMEOUT}  # seconds a cell may run
"""


def notebooks_dir(kind: str) -> Path:
    """The folder holding the ``kind`` notebooks ("solutions" or "exercises") this ``sandbox`` runs with.

    The copies shipped inside the installed package when there are any, otherwise
    the source checkout's top-level folder (editable install, or running from a clone).
    """
    _check_kind(kind)
    packaged = PACKAGED_DIR / kind
    return packaged if packaged.is_dir() else CHECKOUT_DIR / kind


def authored_dir(kind: str) -> Path:
    """The checkout's top-level ``kind`` folder, which maintainers edit and commit.

    Raises FileNotFoundError when ``sandbox`` is not running from a source checkout
    (an installed package has no authored copies to write to).
    """
    _check_kind(kind)
    folder = CHECKOUT_DIR / kind
    if not (CHECKOUT_DIR / "pyproject.toml").is_file() or not folder.is_dir():
        raise FileNotFoundError(f"no source checkout around {_PACKAGE} (looked for {folder}); "
                                f"pass the folder explicitly")
    return folder


def notebook_paths(folder) -> list[Path]:
    """The ``NN_slug.ipynb`` notebooks in ``folder``, sorted by name."""
    return sorted(Path(folder).glob(NOTEBOOK_GLOB))


def require_notebook(path) -> Path:
    """``path`` as a Path if it is a notebook file; otherwise FileNotFoundError or ValueError saying what it is.

    Light (no pandas or Jupyter imports), so that `sandbox check` refuses a wrong path at once.
    """
    path = Path(path)
    if path.is_dir():
        inside = notebook_paths(path)
        example = f": `sandbox check {shlex.quote(str(inside[0]))}`" if inside else ""
        raise ValueError(f"{path} is a folder; name one notebook in it{example}")
    if not path.exists():
        nearby = sorted(Path.cwd().glob(f"*/{path.name}"))  # where `sandbox exercises get` put the learner's copy
        hint = f"; did you mean `sandbox check {shlex.quote(str(nearby[0].relative_to(Path.cwd())))}`?" if nearby else ""
        raise FileNotFoundError(f"no notebook at {path}{hint}")
    if path.suffix != ".ipynb":
        raise ValueError(f"{path} is not a notebook (a .ipynb file)")
    return path


def check_notebook_args(path, timeout: int = CHECK_TIMEOUT, dataset=None) -> Path:
    """The argument rules of running a notebook headless (:func:`sandbox.check_notebook`); returns the path.

    Light, so that `sandbox check` refuses a wrong path or value before it imports Jupyter.
    """
    from ._dataset_files import require_dataset_dir

    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 1:
        raise ValueError(f"timeout must be a positive whole number of seconds, got {timeout!r}")
    path = require_notebook(path)
    if dataset is not None:
        require_dataset_dir(dataset)
    return path


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown notebook kind {kind!r}; allowed: {', '.join(KINDS)}")


def get_exercises(directory, seed: int | None = None, scale=None) -> list[Path]:
    """Copy the student notebooks into ``directory`` (created if needed); returns the copies.

    With ``seed``, a fresh world of that seed (and ``scale``; None: :func:`sandbox.generate`'s
    default) is written to ``directory/data`` first; the
    notebooks load it (``sandbox.load_dataset()`` looks for a ``data/`` folder beside them).
    Nothing is written when a notebook of that name is already in ``directory`` (it may hold a
    learner's work) or when ``directory/data`` exists and is not empty.
    """
    import shutil

    from ._dataset_files import listing, prepare_target
    from ._scales import get_scale

    target = Path(directory).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    if scale is not None and seed is None:
        raise ValueError("scale sizes the world of seed; give a seed too")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    scale = get_scale(scale) if scale is not None else None
    notebooks = notebook_paths(notebooks_dir("exercises"))
    if not notebooks:
        raise FileNotFoundError(f"no exercise notebooks (NN_slug.ipynb) in {notebooks_dir('exercises')}")
    taken = [nb.name for nb in notebooks if (target / nb.name).exists()]
    if taken:
        raise FileExistsError(f"{target} already holds {listing(taken)}; choose another folder "
                              "(copying would overwrite your work)")
    if seed is not None:
        prepare_target(target / "data", force=False)
        from .generator import generate

        sized = {} if scale is None else {"scale": scale}
        generate(seed=seed, **sized).save(target / "data")
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for nb in notebooks:
        shutil.copyfile(nb, target / nb.name)
        copies.append(target / nb.name)
    config = target / NBGRADER_CONFIG
    if not config.exists():  # one already there is the learner's
        config.write_text(SELF_LEARNER_CONFIG)
    return copies
