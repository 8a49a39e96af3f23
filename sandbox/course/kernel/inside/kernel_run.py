"""Runs inside the isolation: ``python -I .../sandbox/course/kernel/inside/kernel_run.py WORKDIR``.

Executes ``WORKDIR/notebook.ipynb`` cell by cell in a fresh kernel, and has
the kernel write the answer variables as data (:mod:`sandbox.course.grade.answers`)
after each answer cell (so answers given before a fatal cell count) and at the end.
Writes ``WORKDIR/out/cells.json`` (the outputs of each cell) and
``WORKDIR/out/run.json`` (what stopped the run, if anything). Everything here
is as untrusted as the student's code: the grader only reads data back.

A cell that overruns its timeout is interrupted; if the kernel is not idle
again within :data:`GRACE` seconds (SIGINT ignored), the kernel is killed and
every remaining cell fails with ``KernelKilled``.

Run by path with ``-I``: this file imports nothing from the sandbox package
(nor does the export cell it sends), so no time goes into importing it twice.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

JOB_FILE = "job.json"
NOTEBOOK = "notebook.ipynb"
OUT_DIR = "out"
ANSWERS_DIR = "answers"
CELLS_FILE = "cells.json"
RUN_FILE = "run.json"
#: Seconds an interrupted cell has to give the kernel back before the kernel is killed.
GRACE = 3
TIMEOUT_ERROR = "CellTimeoutError"
KERNEL_DIED = "KernelDied"
KERNEL_KILLED = "KernelKilled"
EXPORT_SOURCE = Path(__file__).with_name("export_answers.py")
#: Turns a chart answer (a matplotlib Axes) into plain data; run next to export_answers, which calls it.
BARS_SOURCE = Path(__file__).parents[3] / "exercises" / "_bars.py"


def export_cell(variables: list[str], out: Path) -> str:
    """Source of the last cell: define export_answers (and bar_chart) in a private namespace, then call it."""
    return ("_sandbox_export = {}\n"
            f"exec(compile({BARS_SOURCE.read_text()!r}, 'bar_chart', 'exec'), _sandbox_export)\n"
            f"exec(compile({EXPORT_SOURCE.read_text()!r}, 'export_answers', 'exec'), _sandbox_export)\n"
            f"_sandbox_export['export_answers'](globals(), {list(variables)!r}, {str(out)!r})\n"
            "del _sandbox_export")


def limit_cell(memory: int) -> str:
    """Source of the first cell: the kernel may allocate ``memory`` bytes of address space beyond what it holds
    now, before any student code has run (a kernel forked from a template starts with its imports mapped)."""
    return ("def _sandbox_limit():\n"
            "    import resource\n"
            "    with open('/proc/self/statm') as f:\n"
            "        held = int(f.read().split()[0]) * resource.getpagesize()\n"
            f"    resource.setrlimit(resource.RLIMIT_AS, (held + {int(memory)}, held + {int(memory)}))\n"
            "_sandbox_limit()\n"
            "del _sandbox_limit")


def error(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]}


def kill_kernel(client) -> None:
    """SIGKILL the kernel and whatever it started (its own process group)."""
    provisioner = client.km.provisioner
    try:
        os.killpg(provisioner.pgid or provisioner.pid, signal.SIGKILL)
    except (OSError, TypeError):
        os.kill(provisioner.pid, signal.SIGKILL)


def run_extra(client, source: str, timeout: int | None = None):
    """Run ``source`` as an extra cell that is not kept in the notebook; returns the cell."""
    import nbformat

    cell = nbformat.v4.new_code_cell(source)
    client.nb.cells.append(cell)
    saved = client.timeout
    client.timeout = timeout or saved
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1)
    finally:
        client.timeout = saved
        client.nb.cells.pop()
    return cell


def quick_ready_client():
    """jupyter_client's asynchronous kernel client, ready as soon as the kernel is.

    jupyter_client's ``wait_for_ready`` ends by reading IOPub until it has been
    silent for 0.2 s: a pure wait, about a tenth of a graded notebook's time.
    This one waits as it does (a kernel_info reply, then one IOPub message,
    which proves IOPub connected) and skips that silence: a message left on
    IOPub answers kernel_info, and nbclient ignores messages of other requests.
    """
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class QuickReadyClient(AsyncKernelClient):
        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.time() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass  # IOPub not connected yet: ask again
                    else:
                        self._handle_kernel_info_reply(msg)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.time() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        wait_for_ready = _async_wait_for_ready  # the asynchronous client's public name for it

    return QuickReadyClient


def timing_client(*args, **kwargs):
    """An nbclient NotebookClient that remembers whether the last cell timed out (``timed_out``)."""
    from nbclient import NotebookClient

    class TimingClient(NotebookClient):
        timed_out = False

        def create_kernel_manager(self):
            km = super().create_kernel_manager()
            km.client_factory = quick_ready_client()
            return km

        async def _async_handle_timeout(self, timeout, cell=None):
            self.timed_out = True
            return await super()._async_handle_timeout(timeout, cell)

    return TimingClient(*args, **kwargs)


def skip_iri_grammar() -> None:
    """Keep jsonschema from building an IRI grammar when nbformat is imported later in this process.

    jsonschema (under nbformat) imports rfc3987_syntax when it is installed, which
    builds a grammar at import: about 1.2 s of CPU, for an IRI format check that
    no notebook needs. Without it jsonschema leaves the "iri" formats unchecked.
    A process that imported it already is left as it is.
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv=None) -> int:
    skip_iri_grammar()
    import nbformat
    from nbclient.exceptions import DeadKernelError

    workdir = Path((argv or sys.argv[1:])[0]).resolve()
    job = json.loads((workdir / JOB_FILE).read_text())
    out = workdir / OUT_DIR
    out.mkdir(exist_ok=True)
    nb = nbformat.read(workdir / NOTEBOOK, as_version=4)
    timeout = int(job["timeout"])
    client = timing_client(
        nb, timeout=timeout, kernel_name="python3", allow_errors=True, interrupt_on_timeout=True,
        error_on_timeout={"ename": TIMEOUT_ERROR, "evalue": f"cell ran longer than {timeout} s", "traceback": []},
        raise_on_iopub_timeout=False, iopub_timeout=2, record_timing=False, shutdown_kernel="immediate",
        resources={"metadata": {"path": str(workdir)}},
    )
    stopped, dead = "", False
    export_after = set(job.get("export_after", []))
    export = export_cell(job["variables"], out / ANSWERS_DIR)
    with client.setup_kernel():
        if job.get("memory"):
            run_extra(client, limit_cell(job["memory"]))
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if dead:
                cell.outputs = [nbformat.from_dict(error(*dead))]
                continue
            client.timed_out = False
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                dead = (KERNEL_DIED, "not run: the kernel died in an earlier cell")
                stopped = stopped or f"the kernel died in code cell {index + 1}"
                cell.outputs.append(nbformat.from_dict(error(KERNEL_DIED, "the kernel died while running this cell")))
                continue
            if client.timed_out:
                cell.outputs.append(nbformat.from_dict(error(TIMEOUT_ERROR, f"cell ran longer than {timeout} s")))
            if client.timed_out and not responds(client):
                kill_kernel(client)
                dead = (KERNEL_KILLED, "not run: an earlier cell ignored the interrupt and the kernel was killed")
                stopped = (f"cell {index + 1} ran past the {timeout} s timeout and ignored the interrupt; "
                           "the kernel was killed and the remaining cells failed")
                cell.outputs.append(nbformat.from_dict(error(KERNEL_KILLED, stopped)))
            elif index in export_after:  # answers given so far survive a later kill
                try:
                    run_extra(client, export)
                except DeadKernelError:
                    dead = (KERNEL_DIED, "not run: the kernel died in an earlier cell")
                    stopped = stopped or f"the kernel died after code cell {index + 1}"
        if not dead:
            try:
                run_extra(client, export)
            except DeadKernelError:
                stopped = stopped or "the kernel died while the answers were read"
    (out / CELLS_FILE).write_text(json.dumps([c.get("outputs", []) for c in nb.cells]))
    (out / RUN_FILE).write_text(json.dumps({"stopped": stopped}))
    return 0


def responds(client) -> bool:
    """Whether the kernel runs a trivial cell within GRACE seconds (after an interrupt)."""
    client.timed_out = False
    try:
        run_extra(client, "pass", timeout=GRACE)
    except Exception:
        return False
    return not client.timed_out


if __name__ == "__main__":
    sys.exit(main())
