"""`sandbox check NOTEBOOK`: run a learner's notebook headless and report per question.

The notebook is executed top to bottom in a fresh kernel (its folder as the
working directory, so ``sandbox.load_dataset()`` finds the same data as in
JupyterLab). Cells that raise do not stop the run. A last cell, added only to
the in-memory copy, checks every question of the exercise in the kernel and
prints the results as JSON, which become a :class:`~sandbox.exercises.Report`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sandbox._environment import tool_env
from sandbox._notebooks import CHECK_TIMEOUT, check_notebook_args
from sandbox.dataset import DATA_DIR_ENV

from . import NOTEBOOKS, get_exercise
from ._notebook import hand_graded_points
from ._view import ERROR, Report, Result

MARKER = "@@sandbox-check@@"
_SETUP_RE = re.compile(r"from\s+sandbox\.exercises\s+import\s+(ex\d\d_\w+)")


class NotebookRunError(RuntimeError):
    """The notebook could not be executed at all (kernel died, invalid file...)."""


def report_json(namespace: dict, notebook: str) -> str:
    """Check every question of ``notebook``'s exercise against ``namespace``; JSON with a marker.

    Runs inside the learner's kernel (the probe cell calls it).
    """
    exercise = get_exercise(notebook)
    results = []
    for bound in exercise.setup(namespace):
        try:
            r = bound.result()
        except Exception as e:  # a broken dataset or reference: report it, keep going
            r = Result(bound.id, ERROR, f"could not check: {type(e).__name__}: {e}", bound.question.points)
        results.append({"id": r.question_id, "status": r.status, "message": r.message, "points": r.points})
    return MARKER + json.dumps(results)


def exercise_name(nb, path: Path) -> str:
    """Which exercise a notebook is: its metadata, else its setup line, else its file name."""
    name = nb.metadata.get("sandbox", {}).get("exercise")
    if name in NOTEBOOKS:
        return name
    for cell in nb.cells:
        m = _SETUP_RE.search(cell.source) if cell.cell_type == "code" else None
        if m and m.group(1)[2:] in NOTEBOOKS:
            return m.group(1)[2:]
    for known in NOTEBOOKS:
        if path.stem.startswith(known):
            return known
    raise ValueError(f"{path} is not one of the exercise notebooks ({', '.join(NOTEBOOKS)}): "
                     "no `sandbox.exercise` metadata, setup line or matching file name")


def check_notebook(path, timeout: int = CHECK_TIMEOUT, dataset=None) -> tuple[Report, list[str]]:
    """Execute ``path`` and return (report, errors) where errors lists cells that raised.

    ``dataset``: a dataset folder to use instead of the notebook's default
    (sets ``SANDBOX_DATASET`` for the kernel).
    """
    path = check_notebook_args(path, timeout, dataset)
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:
        raise ValueError(f"{path} is not a readable notebook: {e}") from None
    name = exercise_name(nb, path)
    nb.cells.append(nbformat.v4.new_code_cell(
        "from sandbox.exercises.runner import report_json as _sandbox_report_json\n"
        f"print(_sandbox_report_json(globals(), {name!r}))"))
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", allow_errors=True, **quiet_kernel(),
        error_on_timeout={"ename": "CellTimeoutError", "evalue": f"cell ran longer than {timeout} s",
                          "traceback": []},
        resources={"metadata": {"path": str(path.parent.resolve())}},
    )
    env = tool_env()
    if dataset is not None:
        env[DATA_DIR_ENV] = str(Path(dataset).resolve())
    try:
        client.execute(env=env)
    except (DeadKernelError, CellExecutionError, RuntimeError) as e:
        raise NotebookRunError(f"{path} could not run: {type(e).__name__}: {e}") from None
    return parse_report(nb, name, hand_graded_points(nb)), cell_errors(nb.cells[:-1])


def quiet_kernel() -> dict:
    """NotebookClient options for a kernel that prints nothing the learner did not cause.

    ipykernel warns on stderr that a kernel on plain TCP is unencrypted. The remedy it names is
    CurveZMQ keys provisioned by the kernel manager (jupyter_client's ``transport_encryption``;
    the python3 kernelspec declares support). Without CurveZMQ in pyzmq, the kernel's own log is
    limited to errors instead. Local TCP is kept: kernels start from any folder.
    """
    import zmq
    from traitlets.config import Config

    if zmq.has("curve"):
        config = Config()
        config.KernelManager.transport_encryption = "auto"
        return {"config": config}  # the client still creates, owns and shuts down its kernel manager
    return {"extra_arguments": ["--IPKernelApp.log_level=ERROR"]}


def parse_report(nb, name: str, by_hand: int = 0) -> Report:
    """The Report the probe cell printed; ``by_hand``: the points of the written answers (graded by hand)."""
    title = f"{name}: {get_exercise(name).title}"
    for out in nb.cells[-1].get("outputs", []):
        text = out.get("text", "")
        if out.get("output_type") == "stream" and MARKER in text:
            rows = json.loads(text.split(MARKER, 1)[1])
            return Report(title, tuple(Result(r["id"], r["status"], r["message"], r["points"]) for r in rows), by_hand)
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in nb.cells[-1].get("outputs", []) if o.get("output_type") == "error"]
    raise NotebookRunError(f"the questions could not be checked: {'; '.join(errors) or 'no report printed'}")


def cell_errors(cells) -> list[str]:
    """One line per code cell that raised: its position and the error.

    Failed hidden tests (GradeFailure, in nbgrader source notebooks) are left
    out: the report already lists them.
    """
    lines = []
    for i, cell in enumerate(cells, start=1):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error" and out.get("ename") != "GradeFailure":
                lines.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return lines
