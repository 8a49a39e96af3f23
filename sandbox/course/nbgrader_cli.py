"""Running the real ``nbgrader`` command in a course folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import sandbox
from sandbox._environment import tool_env
from sandbox.dataset import DATA_DIR_ENV

#: The folder holding the ``sandbox`` package, so kernels and nbgrader_config.py can import it.
PACKAGE_PARENT = str(Path(sandbox.__file__).resolve().parent.parent)


def nbgrader_env(extra: dict | None = None) -> dict:
    """This process's environment, with the sandbox package importable and this environment's scripts on PATH."""
    env = tool_env()
    paths = [PACKAGE_PARENT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.pop(DATA_DIR_ENV, None)  # the course decides which world a notebook sees
    env.update(extra or {})
    return env


@dataclass
class NbgraderRun:
    args: list[str]
    returncode: int | None  # None: killed after the time limit
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_nbgrader(args: list[str], course_dir, time_limit: float | None = None) -> NbgraderRun:
    """Run ``nbgrader ARGS`` in ``course_dir``; kill it (and its kernels) after ``time_limit`` seconds."""
    return run_python(["-m", "nbgrader", *args], course_dir, time_limit)


def run_python(args: list[str], course_dir, time_limit: float | None = None) -> NbgraderRun:
    """Run ``python ARGS`` in ``course_dir`` like :func:`run_nbgrader`."""
    cmd = [sys.executable, *args]
    proc = subprocess.Popen(cmd, cwd=course_dir, env=nbgrader_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=time_limit)
        return NbgraderRun(args, proc.returncode, out, err)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return NbgraderRun(args, None, out, err + f"\n[killed after {time_limit:.0f} s]")
