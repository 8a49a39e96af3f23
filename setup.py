"""Packaging hook: ship the exercise notebooks inside the package.

Everything else is in pyproject.toml. The top-level ``solutions/`` and ``exercises/``
stay the authored, committed copies; a (non-editable) build copies them into
``sandbox/notebooks/`` of the wheel, where ``sandbox._notebooks.notebooks_dir`` finds them.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NOTEBOOK_KINDS = ("solutions", "exercises")  # = sandbox._notebooks.KINDS (the build cannot import the package)


class BuildPyWithNotebooks(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        for kind in NOTEBOOK_KINDS:
            target = Path(self.build_lib) / "sandbox" / "notebooks" / kind
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            notebooks = sorted((HERE / kind).glob("[0-9][0-9]_*.ipynb"))
            if not notebooks:
                raise FileNotFoundError(f"no NN_slug.ipynb notebooks in {HERE / kind}: nothing to ship")
            for nb in notebooks:
                shutil.copy(nb, target / nb.name)


setup(cmdclass={"build_py": BuildPyWithNotebooks})
