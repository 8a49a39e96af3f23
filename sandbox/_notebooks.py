"""Where the exercise notebooks are: the one place that knows.

The authored copies live at the top of a source checkout: ``solutions/`` (the
nbgrader sources) and ``exercises/`` (the student versions, made by
``sandbox exercises release``). Building the package (``pip install .``,
``pip wheel .``) copies both into ``sandbox/notebooks/`` inside the package
(see ``setup.py``), so an installed ``sandbox`` finds them without a checkout.
"""

from __future__ import annotations

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

    from .dataset import prepare_target

    target = Path(directory).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a folder")
    notebooks = notebook_paths(notebooks_dir("exercises"))
    if not notebooks:
        raise FileNotFoundError(f"no exercise notebooks (NN_slug.ipynb) in {notebooks_dir('exercises')}")
    taken = [nb.name for nb in notebooks if (target / nb.name).exists()]
    if taken:
        raise FileExistsError(f"{target} already holds {', '.join(taken)}; choose another folder "
                              "(copying would overwrite your work)")
    if seed is not None:
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        prepare_target(target / "data", force=False)
        from .generator import generate

        sized = {} if scale is None else {"scale": scale}
        generate(seed=seed, **sized).save(target / "data")
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for nb in notebooks:
        shutil.copyfile(nb, target / nb.name)
        copies.append(target / nb.name)
    return copies
