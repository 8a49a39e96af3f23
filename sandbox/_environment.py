"""The environment every subprocess we start runs in (nbgrader, jupyter, kernels)."""

from __future__ import annotations

import os
import sys
import sysconfig
from contextlib import contextmanager
from pathlib import Path

#: The folder holding the ``sandbox`` package: on the PYTHONPATH of the subprocesses that import it
#: (nbgrader, grading workers, students' kernels).
PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


def scripts_dir() -> str:
    """The folder holding this Python environment's console scripts (``alembic``, ``jupyter``...)."""
    return sysconfig.get_path("scripts") or str(Path(sys.executable).parent)


def tool_env(base: dict | None = None) -> dict:
    """``base`` (default: this process's environment) with this environment's scripts first on PATH.

    nbgrader runs ``alembic`` and jupyter runs its helpers by PATH; a user who calls
    ``.venv/bin/sandbox`` without activating the venv has no venv on PATH.
    """
    env = dict(os.environ if base is None else base)
    paths = [scripts_dir()] + [p for p in env.get("PATH", "").split(os.pathsep) if p]
    env["PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


@contextmanager
def tools_on_path():
    """Within the block, this process's own PATH starts with this environment's scripts.

    For libraries that start tools by PATH from inside this process (nbgrader's Python API
    runs ``alembic`` when it creates a gradebook). PATH is restored afterwards.
    """
    old = os.environ.get("PATH")
    os.environ["PATH"] = tool_env()["PATH"]
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = old
