"""The parent's handle on one warm grading worker (:mod:`sandbox.course.grade.grade_worker`).

The worker process lives for the whole run and grades one student after
another; :meth:`WarmWorker.grade` sends it a student and waits, at most a time
limit, for that student's outcomes. A worker that overruns is killed with
everything it started (its process group) and a new one takes its place, so a
stuck submission costs one worker start, not the run.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .grade_worker import DONE_LINE, GRADE_LINE
from ..build.settings import CourseError
from ..nbgrader_adapter import nbgrader_env


#: What ``python -m`` runs to start a grading worker (its ``__main__`` starts :mod:`.grade_worker`).
WORKER_MODULE = "sandbox.course.grade"
#: Seconds a worker may take to come from the zygote (the first waits for its imports).
FORK_TIME = 120
#: Seconds allowed, per student, to generate their world when it is not cached yet.
WORLD_TIME = 600


@dataclass
class Outcome:
    """What happened to one student's submission of one assignment."""

    student_id: str
    assignment: str
    status: str  # "graded", "missing", "ungradable" or "unknown student"
    message: str = ""


class ForkedWorker:
    """The parts of ``subprocess.Popen`` the grader uses, for a worker forked by the run's :class:`WorkerZygote`
    (not our child: it is gone once the zygote has reaped it)."""

    def __init__(self, conn: socket.socket, pid: int):
        self.pid, self.conn = pid, conn
        self.stdin, self.stdout = SocketInput(conn), conn.makefile("rb")

    def poll(self) -> int | None:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return -signal.SIGKILL  # its exit status went to the zygote
        return None

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.005)
        self.conn.close()
        return -signal.SIGKILL


class SocketInput:
    """A forked worker's input: closing it ends the worker's job loop, as closing a pipe does."""

    def __init__(self, conn: socket.socket):
        self.conn = conn

    def write(self, data: bytes) -> None:
        self.conn.sendall(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        try:
            self.conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class WorkerZygote:
    """A process that imported what a grading worker needs once, and forks the run's workers
    (``grade_worker ... --zygote``): a second worker, or one restarted after a stuck submission, starts at
    once instead of importing nbgrader again (1.65 CPU s)."""

    def __init__(self, course_dir: Path, run_dir: Path, mode: str, memory: int, env: dict | None = None):
        self.address = str(run_dir / ".zygote.sock")  # run_dir is private to the grader (mkdtemp)
        args = [sys.executable, "-m", WORKER_MODULE, str(course_dir), str(run_dir), mode,
                str(memory), "--zygote", self.address]
        with open(run_dir / ".zygote.log", "ab") as log:
            self.proc = subprocess.Popen(args, cwd=run_dir, env={**nbgrader_env(), **(env or {})},
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.address) and self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # it binds before its imports: milliseconds

    def fork(self, log_path: Path) -> ForkedWorker:
        """A new worker writing its stderr to ``log_path``; OSError if the zygote is gone."""
        log_path.touch()  # before the worker exists: the grader reads its size at once
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(FORK_TIME)
        try:
            conn.connect(self.address)
            conn.sendall((json.dumps({"log": str(log_path)}) + "\n").encode())
            pid = b""
            while not pid.endswith(b"\n"):
                chunk = conn.recv(64)
                if not chunk:
                    raise OSError("the worker zygote closed the connection")
                pid += chunk
        except OSError:
            conn.close()
            raise
        conn.settimeout(None)
        return ForkedWorker(conn, int(pid))

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


class WorkerStopped(RuntimeError):
    """The worker died or was killed before finishing a student; the message holds its last words."""


class WarmWorker:
    """One ``grade_worker`` process, started on first use and restarted after a failure."""

    def __init__(self, course_dir: Path, run_dir: Path, mode: str, memory: int, name: str,
                 env: dict | None = None, zygote: WorkerZygote | None = None):
        """``name``: of the worker's stderr log in ``run_dir`` (start it with a dot: no student id does);
        ``env``: added to the worker's environment; ``zygote``: forks the worker (else, or if it is gone,
        the worker is a new process)."""
        self.args = [sys.executable, "-m", WORKER_MODULE, str(course_dir), str(run_dir),
                     mode, str(memory)]
        self.cwd = run_dir
        self.log_path = run_dir / f"{name}.log"
        self.env = env or {}
        self.zygote = zygote
        self.proc: subprocess.Popen | None = None
        self.buffer = b""
        self.closed = False
        self.lock = threading.Lock()  # start and stop come from different threads on Ctrl-C

    def start(self) -> None:
        """Start the worker (its imports run now, while other workers grade)."""
        with self.lock:
            if self.closed:
                raise WorkerStopped("the run is over")
            if self.proc is not None and self.proc.poll() is None:
                return
            self.buffer = b""
            if self.zygote is not None:
                try:
                    self.proc = self.zygote.fork(self.log_path)
                    return
                except OSError:
                    self.zygote = None  # gone: start workers the slow way
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(self.args, cwd=self.cwd, env={**nbgrader_env(), **self.env},
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                             start_new_session=True)

    def grade(self, student_id: str, assignments: list[str], time_limit: float,
              folder: str | None = None) -> dict[str, dict]:
        """Outcomes (assignment -> outcome dict) of one student; WorkerStopped if the worker fails first.

        The worker grades in ``RUN_DIR/folder`` (``RUN_DIR/student_id`` by default).
        Outcomes received before a failure are in the exception's ``partial``.
        """
        self.start()
        log_start = self.log_path.stat().st_size
        results: dict[str, dict] = {}
        try:
            job = {"student": student_id, "assignments": assignments, "folder": folder}
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            pass  # it died; reading below says so
        deadline = time.monotonic() + time_limit
        while True:
            line = self.read_line(deadline)
            if line is None:
                killed = time.monotonic() >= deadline
                self.stop()
                error = WorkerStopped(self.last_words(log_start) + (f"\n[killed after {time_limit:.0f} s]"
                                                                    if killed else ""))
                error.partial = results
                raise error
            if line.startswith(GRADE_LINE):
                r = json.loads(line[len(GRADE_LINE):])
                results[r["assignment"]] = r
            elif line == f"{DONE_LINE}{student_id}":
                return results

    def read_line(self, deadline: float) -> str | None:
        """The next line of the worker's stdout, or None if it ended or the deadline passed."""
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def last_words(self, since: int) -> str:
        """The tail of what the worker wrote to stderr since byte ``since``."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(since)
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-15:])

    def stop(self, final: bool = False) -> None:
        """Kill the worker and whatever it started (kernels included); ``final``: never start it again."""
        with self.lock:
            self.closed = self.closed or final
            if self.proc is None:
                return
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.proc = None

    def close(self) -> None:
        """End the worker: let it finish on end of input, kill it if it does not."""
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.stop()


def grade_with(worker: WarmWorker, student_id: str, assignments: list[str],
               limits: dict[str, float], folder: str | None = None) -> list[Outcome]:
    """One student's outcomes from a warm worker, graded in ``run_dir/folder`` (``run_dir/student_id`` by default).

    A worker that dies or overruns fails only the submission it was on.
    """
    results, todo = {}, list(assignments)
    while todo:
        try:
            results.update(worker.grade(student_id, todo, WORLD_TIME + sum(limits[a] for a in todo), folder))
            break
        except WorkerStopped as e:
            results.update(e.partial)
            todo = [a for a in todo if a not in results]
            results[todo[0]] = {"status": "ungradable", "message": f"grading stopped:\n{e}"}
            todo = todo[1:]
    return [Outcome(student_id, a, results[a]["status"], results[a]["message"]) if a in results else
            Outcome(student_id, a, "ungradable", "the grading worker gave no result") for a in assignments]


def refuse_network(mode: str, allow_network: bool) -> None:
    """CourseError if ``mode`` leaves students' kernels on the network and the instructor did not allow it."""
    if mode == "nobody" and not allow_network:
        raise CourseError("the only isolation this machine allows is `nobody`: students' kernels would reach the "
                          "network (no network namespace can be made here). Install bubblewrap, grade as root on "
                          "a machine that allows namespaces, or rerun with --allow-network to grade anyway")
