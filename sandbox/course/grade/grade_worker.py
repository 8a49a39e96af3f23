"""A warm grading worker: one process grades many students in turn.

``python -m sandbox.course.grade COURSE RUN_DIR ISOLATION MEMORY``

nbgrader, pandas and the judge are imported once, when the worker starts. It
then reads one job per line on stdin, ``{"student": ID, "assignments": [...],
"folder": NAME}``, and grades that student's submissions in a private copy of
the course (``RUN_DIR/NAME``, ``RUN_DIR/ID`` without a folder: its own
gradebook copy, the submission without its data/ folder): nbgrader's
autograde (with :class:`~sandbox.course.grade.nbgrader_ext.IsolatedExecute`: every
notebook runs in a fresh isolated kernel, answers are judged here) and
generate_feedback, through nbgrader's Python API. No student code ever runs in
this process, and nothing of one student outlives its job but the imports. In
``bwrap+nobody`` mode the worker connects, as it starts, to the kernel
template its run shares between workers (:mod:`sandbox.course.kernel.kernel_template`,
named in ``SANDBOX_KERNEL_TEMPLATE``), or starts one of its own.

For each assignment it prints one line ``@grade {"student_id", "assignment",
"status", "message"}`` as soon as it is done, then ``@done ID``. The parent
(:class:`sandbox.course.grade.warm.WarmWorker`) kills and restarts it if it overruns.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import signal
import socket
import sys
import traceback
from pathlib import Path

import nbformat

from ..build.settings import CONFIG_FILE, GRADING_DATA_DIR, QUESTIONS_FILE, SETTINGS_FILE
from ..build.worlds import student_dataset
from ..kernel import kernel_template
from ..kernel.limits import private_mounts
from ..nbgrader_adapter import load_api
from .nbgrader_ext import RUN_NOTES

GRADE_LINE = "@grade "
#: The gradebook every private course starts from, in RUN_DIR (a dot name: no student id starts with a dot).
TEMPLATE_DB = ".gradebook.template.db"
DONE_LINE = "@done "


def job_folder(student_id: str, assignment: str) -> str:
    """The private course folder of one submission in a run folder: ASSIGNMENT/ID, never ambiguous (ids and
    assignment names hold no "/"; the run's own files start with a dot)."""
    return f"{assignment}/{student_id}"


def outcome(student_id: str, assignment: str, status: str, message: str = "") -> dict:
    return {"student_id": student_id, "assignment": assignment, "status": status, "message": message}


def grade_student(course_dir: Path, run_dir: Path, student_id: str, assignments: list[str], api_options: dict,
                  emit, folder: str | None = None) -> None:
    """Grade one student's ``assignments`` in ``run_dir/folder`` (``run_dir/student_id`` by default).

    ``emit(outcome)`` is called for each assignment as it ends.
    """
    private = run_dir / (folder or student_id)
    if private.exists():  # left by a worker killed on this job
        shutil.rmtree(private)
    make_private_course(course_dir, run_dir, private)
    ready, notes = [], {}
    for assignment in assignments:
        refused = prepare_submission(course_dir, private, student_id, assignment, notes)
        if refused:
            emit(refused)
        else:
            ready.append(assignment)
    if not ready:
        return
    student_dataset(private, student_id)  # generated (or found in the cache) before nbgrader starts
    api = load_api(private, **api_options)
    for assignment in ready:
        RUN_NOTES.clear()
        result = api.autograde(assignment, student_id, force=True, create=True)
        step = "autograde"
        if result["success"]:
            step = "generate_feedback"
            result = api.generate_feedback(assignment, student_id, force=True)
        if result["success"]:
            said = notes.get(assignment, []) + [n for n in RUN_NOTES if n]
            emit(outcome(student_id, assignment, "graded", "; ".join(said)))
        else:
            log = (result.get("log") or "") + (result.get("error") or "")
            tail = "\n".join(log.strip().splitlines()[-15:])
            emit(outcome(student_id, assignment, "ungradable", f"nbgrader {step} failed:\n{tail}"))


def make_private_course(course_dir: Path, run_dir: Path, private: Path) -> None:
    """A minimal course folder for one student: config, settings, a gradebook copy, links to source and worlds."""
    private.mkdir(parents=True)
    for name in (CONFIG_FILE, SETTINGS_FILE, QUESTIONS_FILE):
        if name != QUESTIONS_FILE or (course_dir / name).is_file():
            shutil.copyfile(course_dir / name, private / name)
    shutil.copyfile(run_dir / TEMPLATE_DB, private / "gradebook.db")
    (private / "source").symlink_to(course_dir / "source")
    (course_dir / GRADING_DATA_DIR).mkdir(exist_ok=True)
    (private / GRADING_DATA_DIR).symlink_to(course_dir / GRADING_DATA_DIR)


def prepare_submission(course_dir: Path, private: Path, student_id: str, assignment: str,
                       notes: dict) -> dict | None:
    """Copy a submission (without its data/) into the private course; an outcome if it cannot be graded."""
    submission = course_dir / "submitted" / student_id / assignment
    if not submission.is_dir():
        return outcome(student_id, assignment, "missing", f"no submission (submitted/{student_id}/{assignment}/)")
    copy = private / "submitted" / student_id / assignment
    shutil.copytree(submission, copy, symlinks=True, ignore=submission_ignore)
    expected = sorted(p.name for p in (course_dir / "source" / assignment).glob("*.ipynb"))
    for name in expected:  # a submitted file named like our feedback must never pass for it
        (copy / f"{Path(name).stem}.html").unlink(missing_ok=True)
    problems, valid = [], []
    for name in expected:
        path = copy / name
        if not path.is_file():
            problems.append(f"{name} was not submitted (scored 0)")
            continue
        error = notebook_error(path)
        if error:
            path.unlink()  # nbgrader then scores it 0, like a missing notebook
            problems.append(f"{name} is not a valid notebook ({error}) (scored 0)")
        else:
            valid.append(name)
    if not valid:
        return outcome(student_id, assignment, "ungradable", "; ".join(problems) or "no notebooks submitted")
    notes[assignment] = problems
    return None


def submission_ignore(folder: str, names: list[str]) -> list[str]:
    """shutil.copytree ignore function: no data/, caches or symlinks (which could point at any file)."""
    skip = {"data", ".ipynb_checkpoints", "__pycache__"}
    return [n for n in names if n in skip or (Path(folder) / n).is_symlink()]


def notebook_error(path: Path) -> str | None:
    """Why ``path`` cannot be graded as a notebook, or None."""
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # NotJSONError, ValidationError, UnicodeDecodeError, ...
        return f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
    return None


def serve_jobs(course_dir: Path, run_dir: Path, options: dict, jobs, out) -> None:
    """Grade each job read from the lines of ``jobs``, writing the protocol lines to ``out``."""
    def emit(result: dict) -> None:
        out.write(GRADE_LINE + json.dumps(result) + "\n")
        out.flush()

    for line in jobs:
        job = json.loads(line)
        sid, done = job["student"], set()

        def emit_once(result: dict) -> None:
            done.add(result["assignment"])
            emit(result)

        try:
            grade_student(course_dir, run_dir, sid, job["assignments"], options, emit_once, job.get("folder"))
        except Exception as e:  # a bug or a broken file must not take the worker (and its imports) down
            for a in job["assignments"]:
                if a not in done:
                    emit(outcome(sid, a, "ungradable", f"grading crashed: {e!r}"))
        out.write(f"{DONE_LINE}{sid}\n")
        out.flush()


def serve_forks(listener: socket.socket, course_dir: Path, run_dir: Path, options: dict) -> None:
    """The run's worker zygote: for each connection, fork a worker that grades the jobs sent on it.

    The connection's first line is ``{"log": PATH}`` (the worker's stderr); the
    zygote answers with the worker's pid. Workers start with nbgrader and
    pandas imported, in their own session (the grader kills a worker's group).
    """
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    while True:
        conn, _ = listener.accept()
        with conn.makefile("r") as hello:
            log = json.loads(hello.readline())["log"]
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the worker waits for its own children
                listener.close()
                os.setsid()
                kernel_template.libc_call("prctl", kernel_template.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                os.dup2(fd, 2)
                os.close(fd)
                with conn.makefile("r") as jobs, conn.makefile("w") as out:
                    start_template(options)
                    serve_jobs(course_dir, run_dir, options, jobs, out)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(0)
        conn.sendall(f"{pid}\n".encode())
        conn.close()


def start_template(options: dict) -> None:
    """In ``bwrap+nobody`` mode, connect to the run's kernel template now (or start our own: it imports while
    this worker does; see kernel_template)."""
    if options["isolation"] == "bwrap+nobody":
        kernel_template.shared().start()


def main(argv=None) -> int:
    """``COURSE RUN_DIR MODE MEMORY``: grade jobs from stdin; with ``--zygote SOCKET`` after them, serve
    workers forked from this process on SOCKET instead."""
    args = argv if argv is not None else sys.argv[1:]
    course, run_dir, mode, memory = args[:4]
    course_dir, run_dir = Path(course).resolve(), Path(run_dir).resolve()
    private_mounts()  # the kernels' folders (tmpfs) go with this worker and its forks, even if killed
    options = {"isolation": mode, "memory": int(memory)}
    out = sys.stdout
    # nbgrader and the converters print to stdout at times: keep our protocol lines apart
    sys.stdout = sys.stderr
    if args[4:5] == ["--zygote"]:
        kernel_template.libc_call("prctl", kernel_template.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(args[5])  # before the imports: the grader can connect (and wait) at once
        listener.listen(64)
        warm_up()
        # the imports move to a generation the collector never scans: the workers' collections then skip
        # them, and leave their pages shared with the zygote (the kernel template does the same)
        gc.freeze()
        serve_forks(listener, course_dir, run_dir, options)
        return 0
    start_template(options)
    warm_up()
    serve_jobs(course_dir, run_dir, options, sys.stdin, out)
    return 0


def warm_up() -> None:
    """Import once what every job needs: nbgrader's apps and converters, pandas (the judge).

    Not the generator: the students' worlds are usually cached (``grading_data/``) from
    an earlier run, and a worker that must make one imports it then, once.
    """
    import nbgrader.apps  # noqa: F401
    import pandas  # noqa: F401
