"""Kernel templates: import once what every graded notebook needs, then fork a fresh kernel per notebook.

A fresh interpreter per notebook spends about 3 s of CPU before the first
student line runs: ipykernel, nbclient, pandas, seaborn, scipy and the sandbox
package are imported again each time. A template is a process that imports
them once and never runs student code; for each notebook it forks a child that
enters that notebook's bubblewrap sandbox, drops to ``nobody`` and runs
:mod:`sandbox.course.kernel.inside.kernel_run`, whose kernel is itself a fork
(:mod:`sandbox.course.kernel.inside.forked_kernel`). Every notebook still gets a new
process, in new namespaces, with no state but the imports.

How a child enters the sandbox (``bwrap+nobody`` only, where the grader is root):

1. The grader starts bubblewrap around a *holder* (``cat``) with the same
   options as for a kernel: the mounts, the pid, network, ipc and uts
   namespaces are bubblewrap's, never ours.
2. The template forks; the child joins the kernel's cgroup (:mod:`.limits`)
   and the holder's namespaces with ``setns``, and forks again, so that the
   grandchild is inside the sandbox's pid namespace.
3. The grandchild moves to its own session, sets the resource limits, sends
   its output to a log, closes every other file, drops to the kernel's own
   user with no capabilities and ``no_new_privs``, then runs the notebook.
4. When the notebook is done (or its time is up) the grader ends the holder:
   bubblewrap's pid 1 exits and the kernel kills every process left in the
   namespace, including anything the student started in the background.

The template talks to the grader over a pipe: one JSON job per line in, one
``{"exit": code}`` line out. It holds no secret: it is started with a minimal
environment, and its jobs carry only the kernel's folder and environment.

Shared by the workers of one run (:class:`TemplateServer`): started with
``--listen SOCKET``, the template serves each connection from a fork of itself
(a *session*, which speaks the same protocol), so that several grading workers
on one machine import the kernels' libraries once between them, not once each
(1.7-2.1 CPU s per extra worker). The socket is in a folder only root can
enter; kernels run as other users, in their own mount namespace.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import types
from pathlib import Path

from .isolation import minimal_env, set_rlimits
from .leftovers import TEMPLATE_PREFIX, owned_name
from .limits import Limits, join_cgroups

#: What graded notebooks import; a module missing here is simply imported by the kernel later.
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "jupyter_client", "nbclient", "nbformat",
    "numpy", "pandas", "pyarrow.parquet", "matplotlib.pyplot", "seaborn", "scipy.stats",
    "statsmodels.stats.proportion", "statsmodels.stats.power", "sqlite3", "sandbox", "sandbox.exercises",
)
#: The order namespaces are joined in; the mount namespace last, as it changes what /proc shows.
NAMESPACES = ("ipc", "uts", "net", "pid", "mnt")
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
LOG_FILE = "kernel.log"
#: Seconds the template's child has to exit once its sandbox was ended.
STOP_GRACE = 30
#: Exit code of a grandchild that failed before the notebook ran.
SETUP_FAILED = 70
#: What ``python -m`` runs to start a template: this module (the packages above it import nothing).
TEMPLATE_MODULE = __spec__.name


def preload() -> None:
    """Import what every graded notebook imports, the way a kernel would, without running any of it."""
    # ipykernel would set this in each kernel; matplotlib reads it once, at import, here
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    from .inside.kernel_run import skip_iri_grammar

    skip_iri_grammar()
    # Libraries that ask at import whether they run in a Jupyter kernel must hear yes, as they would in
    # one (pandas then shows 20 columns of a wide frame, not the terminal's "fit the width").
    builtins.get_ipython = lambda: types.SimpleNamespace(kernel=True)
    try:
        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
    finally:
        del builtins.get_ipython
    from ...exercises import NOTEBOOKS, get_exercise
    from .inside import forked_kernel, kernel_run  # noqa: F401  (what runs each notebook)

    for notebook in NOTEBOOKS:
        get_exercise(notebook)


def libc_call(name: str, *args: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if getattr(libc, name)(*args) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{name}: {os.strerror(error)}")


def enter_namespaces(pid: int) -> None:
    """Join the namespaces of process ``pid`` (as root); the pid namespace applies to our next child."""
    fds = [os.open(f"/proc/{pid}/ns/{ns}", os.O_RDONLY) for ns in NAMESPACES]
    try:
        for fd in fds:
            libc_call("setns", fd, 0)
    finally:
        for fd in fds:
            os.close(fd)


def become_kernel(job: dict) -> int:
    """In the sandbox: isolate this process for good, then run the notebook. Returns kernel_run's exit code."""
    workdir = job["workdir"]
    os.setsid()
    os.chdir(workdir)
    log = os.open(os.path.join(workdir, LOG_FILE), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the template's pipes above all
    set_rlimits(Limits(**job["limits"]))
    uid = job["uid"]
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)  # from root: every capability is gone too
    libc_call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.environ.clear()
    os.environ.update(job["env"])
    from .inside import kernel_run
    from .inside.forked_kernel import use_forked_kernels

    sys.path[0] = workdir  # as for a kernel started in this folder
    use_forked_kernels()
    return kernel_run.main([workdir])


def run_job(job: dict) -> None:
    """The template's child: enter the sandbox, fork the kernel-to-be inside it, and exit with its code."""
    from .inside.forked_kernel import exit_with

    def enter_and_wait() -> int:
        libc_call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        join_cgroups(job["cgroups"])  # before the sandbox's mounts: its /sys is read-only
        enter_namespaces(job["holder"])
        pid = os.fork()
        if pid == 0:
            exit_with(lambda: become_kernel(job), SETUP_FAILED)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    exit_with(enter_and_wait, SETUP_FAILED)


def serve(jobs, out) -> None:
    """Run each job read from the lines of ``jobs``, one at a time, and write its ``{"exit": code}`` line to ``out``."""
    for line in jobs:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            run_job(job)
        _, status = os.waitpid(pid, 0)
        out.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        out.flush()


def serve_sessions(listener: socket.socket) -> None:
    """Serve each connection to ``listener`` from a fork of this process (a session), at the same time."""
    while True:
        conn, _ = listener.accept()
        pid = os.fork()
        if pid == 0:
            def session() -> int:
                libc_call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                listener.close()
                with conn, conn.makefile("r") as jobs, conn.makefile("w") as out:
                    try:
                        serve(jobs, out)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # its worker is gone
                return 0

            from .inside.forked_kernel import exit_with

            exit_with(session, SETUP_FAILED)
        conn.close()
        while True:  # reap the sessions that ended
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break


def main(parent: int | None = None, listen: str | None = None) -> int:
    """The template process; ``parent``: the grader's pid, whose death ends the template; ``listen``: the path
    of a Unix socket to serve sessions on (else one session on stdin and stdout)."""
    libc_call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        return 0  # the grader is already gone
    listener = None
    if listen:  # bound before the imports: workers can connect (and queue a job) at once
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(listen)
        listener.listen(64)
    out = sys.stdout
    sys.stdout = sys.stderr  # imports that print must not break the protocol
    preload()
    # Imported objects move to a generation the collector never scans: a kernel's collections then
    # neither spend time on them nor write to their pages, which the fork shares (10-20% less kernel CPU).
    gc.freeze()
    if listener is not None:
        serve_sessions(listener)
    else:
        serve(sys.stdin, out)
    return 0


class KernelTemplate:
    """The grader's handle on one template: a session of the run's shared template (``server``: its socket),
    or a template process of its own, started on first use and restarted if it died. Without a server, or
    when the server cannot be reached, it starts its own.

    One job runs at a time: :meth:`run` holds a lock.
    """

    def __init__(self, server: str | None = None):
        self.server = server
        self.proc: subprocess.Popen | None = None
        self.conn: socket.socket | None = None
        self.jobs = self.replies = None  # the session's or the process's pipe ends
        self.home: str | None = None
        self.lock = threading.Lock()

    def start(self) -> None:
        if self.conn is not None and select.select([self.conn], [], [], 0)[0]:
            self.close()  # between jobs a session says nothing: readable means it is gone
        if self.conn is not None or (self.proc is not None and self.proc.poll() is None):
            return
        if self.server:
            try:
                self.conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.conn.connect(self.server)
                self.jobs, self.replies = self.conn.makefile("wb"), self.conn.makefile("rb")
                return
            except OSError:
                self.conn.close()
                self.conn, self.server = None, None  # the shared template is gone: start one of our own
        self.home = self.home or tempfile.mkdtemp(prefix=owned_name(TEMPLATE_PREFIX))
        env = minimal_env(Path(self.home))
        command = [sys.executable, "-m", TEMPLATE_MODULE, str(os.getpid())]
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=self.home,
                                     start_new_session=True)
        self.jobs, self.replies = self.proc.stdin, self.proc.stdout

    def run(self, job: dict, time_limit: float, on_timeout) -> int | None:
        """Run one job; its exit code, or None if the template died or ``time_limit`` passed.

        ``on_timeout()`` must end the job's sandbox (the template's child then exits and we wait for it).
        """
        with self.lock:
            return self._run(job, time_limit, on_timeout)

    def _run(self, job: dict, time_limit: float, on_timeout) -> int | None:
        self.start()
        try:
            self.jobs.write((json.dumps(job) + "\n").encode())
            self.jobs.flush()
        except OSError:
            self.close()
            return None
        fd = self.replies.fileno()
        ready = select.select([fd], [], [], time_limit)[0]
        if not ready:
            on_timeout()  # the child exits once its sandbox is gone
            if not select.select([fd], [], [], STOP_GRACE)[0]:
                self.close()
                return None
        line = self.replies.readline()
        if not line:
            self.close()
            return None
        return json.loads(line)["exit"] if ready else None

    def close(self) -> None:
        if self.conn is not None:  # the session ends; the shared template lives on
            for stream in (self.jobs, self.replies, self.conn):
                with contextlib.suppress(OSError):
                    stream.close()
            self.conn = None
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                with contextlib.suppress(OSError):
                    stream.close()
            self.proc = None
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


class TemplateServer:
    """One template for every grading worker of a run, serving each from a session (see the module docstring).

    Started by the grader (root) before its workers; :attr:`address` goes to them in :data:`SERVER_ENV`.
    """

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix=owned_name(TEMPLATE_PREFIX))  # mode 700: only root reaches the socket
        self.address = os.path.join(self.home, "template.sock")
        command = [sys.executable, "-m", TEMPLATE_MODULE, str(os.getpid()), "--listen", self.address]
        self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, env=minimal_env(Path(self.home)),
                                     cwd=self.home, start_new_session=True)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.address) and self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # it binds before its imports: milliseconds

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        shutil.rmtree(self.home, ignore_errors=True)


#: Environment variable that gives a grading worker the socket of its run's :class:`TemplateServer`.
SERVER_ENV = "SANDBOX_KERNEL_TEMPLATE"

_shared: list[KernelTemplate] = []


def shared() -> KernelTemplate:
    """This process's template (a session of the run's server if :data:`SERVER_ENV` names one), started on
    first use and ended when the process exits."""
    if not _shared:
        import atexit

        _shared.append(KernelTemplate(os.environ.get(SERVER_ENV) or None))
        atexit.register(_shared[0].close)
    return _shared[0]


if __name__ == "__main__":
    listen = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--listen" else None
    sys.exit(main(int(sys.argv[1]), listen))
