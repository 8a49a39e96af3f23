"""Run one submitted notebook in an isolated kernel and bring back only data.

The trusted grader calls :func:`run_isolated`: it makes a fresh folder holding
the notebook and the student's learner tables (no truth, no seed), runs
:mod:`sandbox.course.kernel.inside.kernel_run` there under the isolation mode, and reads back
the cell outputs (for the feedback) and the answer values (for the judge).
Files are read without following links the kernel may have planted.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from ...dataset import DATA_DIR_ENV
from ...exercises._policy import Policy
from ..build.worlds import learner_files, write_learner_copy
from ..kernel import isolation, kernel_template
from ..kernel.inside import kernel_run
from ..kernel.kernel_template import KernelTemplate
from ..kernel.limits import KernelCgroup
from .answers import load_answers

#: Largest cells.json read back (bytes); nbgrader's LimitOutput trims further.
MAX_OUTPUT_BYTES = 32 * 2**20
#: Largest part of the kernel's log read back (bytes), for the message of a run that stopped.
MAX_LOG_BYTES = 2**20
#: Seconds allowed on top of the cells (interpreter and kernel start, answer export).
STARTUP = 60
#: Bytes of a kernel's folder besides the files the grader puts there and the kernel's disk (the job, the
#: policy, the tmpfs's own bookkeeping).
GIVEN_SLACK = 2**20


@dataclass
class KernelRun:
    """What came back from the isolated kernel: data only."""

    outputs: list | None  # per cell of the notebook; None when nothing usable came back
    answers: dict = field(default_factory=dict)
    stopped: str = ""  # what ended the run early, for the status


def read_untrusted(base: Path, relative: str, max_bytes: int) -> bytes | None:
    """Bytes of ``base/relative`` if it is a regular file reached without any symlink, else None.

    At most ``max_bytes + 1`` bytes are read: more than ``max_bytes`` says the file is larger.
    """
    parts = Path(relative).parts
    flags = os.O_RDONLY | os.O_NOFOLLOW
    fd = os.open(base, flags | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            nxt = os.open(part, flags | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        f = os.open(parts[-1], flags | os.O_NONBLOCK, dir_fd=fd)
    except OSError:
        return None
    finally:
        os.close(fd)
    with os.fdopen(f, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        return fh.read(max_bytes + 1)


def run_isolated(nb, data_dir: Path, variables: list[str], *, timeout: int, mode: str,
                 limits: isolation.Limits, hidden: list[Path], policy: Policy,
                 template: KernelTemplate | None = None) -> KernelRun:
    """Execute ``nb`` on the learner tables of ``data_dir`` in an isolated kernel; see module docstring.

    ``template``: in ``bwrap+nobody`` mode, the kernel is forked from it (same sandbox, no imports to redo).
    """
    notebook = nbformat.writes(nb).encode()
    # the kernel's disk: room for what the grader puts there, and limits.disk for the kernel to write
    given = len(notebook) + sum(f.stat().st_size for f in learner_files(data_dir))
    workdir = isolation.make_workdir(mode, size=given + GIVEN_SLACK + limits.disk)
    try:
        (workdir / kernel_run.NOTEBOOK).write_bytes(notebook)
        write_learner_copy(data_dir, workdir / "data")
        policy.write(workdir)
        answer_cells = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution")]
        job = {"timeout": timeout, "variables": variables, "export_after": answer_cells if variables else [],
               "memory": limits.memory}
        (workdir / kernel_run.JOB_FILE).write_text(json.dumps(job))
        isolation.hand_over(workdir, mode)
        cells = sum(c.cell_type == "code" for c in nb.cells)
        env = isolation.minimal_env(workdir, {DATA_DIR_ENV: str(workdir / "data")})
        time_limit = STARTUP + cells * (timeout + 2 * kernel_run.GRACE + 5)
        if template is not None and mode == "bwrap+nobody":
            run = run_from_template(template, workdir, hidden, limits, time_limit, env)
        else:
            run = isolation.run_sandboxed([sys.executable, "-I", kernel_run.__file__, str(workdir)],
                                          workdir, mode, hidden, limits, time_limit=time_limit, env=env)
        return collect(workdir, run)
    finally:
        isolation.remove_workdir(workdir)


def run_from_template(template: KernelTemplate, workdir: Path, hidden: list[Path], limits: isolation.Limits,
                      time_limit: float, env: dict) -> isolation.SandboxRun:
    """kernel_run in a bubblewrap sandbox around ``workdir``, forked from ``template`` (see kernel_template)."""
    cgroup = KernelCgroup(limits)
    try:
        holder = isolation.Holder(workdir, hidden)
        try:
            job = {"holder": holder.pid, "workdir": str(workdir), "env": env, "uid": isolation.kernel_user(workdir),
                   "limits": asdict(limits), "cgroups": cgroup.procs_files}
            code = template.run(job, time_limit, on_timeout=holder.kill)
        finally:
            holder.end()
    finally:
        cgroup.kill_all()
    log = (read_untrusted(workdir, kernel_template.LOG_FILE, MAX_LOG_BYTES) or b"").decode("utf-8", "replace")
    if code is None:
        return isolation.SandboxRun(None, log[-20000:] + f"\n[killed after {time_limit:.0f} s]")
    return isolation.SandboxRun(code, log[-20000:])


def collect(workdir: Path, run: isolation.SandboxRun) -> KernelRun:
    out = f"{kernel_run.OUT_DIR}/"
    raw = read_untrusted(workdir, out + kernel_run.CELLS_FILE, MAX_OUTPUT_BYTES)
    outputs = None
    try:
        outputs = json.loads(raw) if raw and len(raw) <= MAX_OUTPUT_BYTES else None
    except (ValueError, RecursionError):
        pass
    if not isinstance(outputs, list):
        outputs = None
    stopped = ""
    try:
        stopped = str(json.loads(read_untrusted(workdir, out + kernel_run.RUN_FILE, 10000) or b"{}").get("stopped", ""))
    except (ValueError, AttributeError, RecursionError):
        pass
    if run.returncode != 0:
        tail = "\n".join(run.output.strip().splitlines()[-5:])
        stopped = stopped or f"the notebook run stopped ({'time limit' if run.returncode is None else run.returncode}): {tail}"
    answers_dir = f"{out}{kernel_run.ANSWERS_DIR}/"
    answers = load_answers(lambda name, limit: read_untrusted(workdir, answers_dir + name, limit))
    return KernelRun(outputs, answers, stopped[:2000])
