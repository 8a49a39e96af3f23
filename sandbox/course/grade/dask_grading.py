"""Grade on a dask.distributed cluster: each student is a task, the gradebook stays on the client.

A task is a student, not a submission (as local workers take), because a worker
regenerates the student's world for grading: one task per submission would make
it on as many workers as the student has submissions. On a cluster grading
hundreds of students, the last task alone at the end is a small share of a run.

Optional: ``pip install ".[dask]"``. Workers need only the installed project:
the client ships them the course *kit* once (nbgrader_config.py, course.json,
the source assignments and a gradebook template, scattered to every worker)
and, with each task, one student's submitted files. A worker unpacks the kit
into a private folder of its own (closed to other users), regenerates the
student's world from (salt, id) there, grades with a warm worker
(:class:`sandbox.course.grade.warm.WarmWorker`, isolation as on a local run, detected
on the worker unless the client fixes a mode) and returns the outcomes, the
student's gradebook copy and the autograded notebooks and feedback, as bytes.

The client merges each finished task into the gradebook once: a task runs
again elsewhere if its worker is lost (Dask's own retry), and only the result
of the run that finished comes back, so nothing is lost or counted twice.

A worker's private folder holds the course salt: it is named after the worker
process (``sandbox-grading-UID-PID-KEY`` in the temporary folder) and removed
when that process ends normally. A worker killed outright leaves it behind,
so every worker that starts (a killed one's replacement included, through
:class:`RemoveStaleFolders`) removes the folders whose process is gone, after
killing the grading processes that still work in them.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

try:
    import psutil
    from distributed import Client, WorkerPlugin, as_completed
    from distributed.core import Status
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError('--scheduler needs the optional Dask dependencies: pip install ".[dask]"') from e

from ..build.settings import CONFIG_FILE, QUESTIONS_FILE, SETTINGS_FILE, CourseError
from ..kernel import isolation, leftovers
from .grade_worker import TEMPLATE_DB, submission_ignore
from .verdicts import VERDICTS_DIR
from .warm import Outcome, WarmWorker, grade_with, refuse_network

#: Folders of a student's private course that come back to the client.
RESULT_DIRS = ("autograded", "feedback", VERDICTS_DIR)
#: Start of the name of a worker's private folder: FOLDER_PREFIX-UID-PID-KEY in the temporary folder.
FOLDER_PREFIX = leftovers.GRADING_PREFIX


def read_tree(root: Path, relative_to: Path) -> dict[str, bytes]:
    """relative path -> bytes of every regular file under ``root`` (symlinks are skipped, never followed)."""
    files = {}
    for folder, dirs, names in os.walk(root):  # os.walk does not descend into symlinked folders
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                files[str(path.relative_to(relative_to))] = path.read_bytes()
    return files


def write_tree(files: dict[str, bytes], root: Path) -> None:
    """Write ``files`` (relative path -> bytes) under ``root``, refusing paths that leave it."""
    root = root.resolve()
    for name, data in files.items():
        dest = (root / name).resolve()
        if root not in dest.parents:
            raise ValueError(f"refusing to write {name!r} outside {root}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)


def course_kit(course_dir: Path, run_dir: Path) -> dict:
    """What every worker needs of the course: config, settings, its own questions, source assignments, the
    gradebook template."""
    files = {name: (course_dir / name).read_bytes() for name in (CONFIG_FILE, SETTINGS_FILE, QUESTIONS_FILE)
             if name != QUESTIONS_FILE or (course_dir / name).is_file()}
    files.update(read_tree(course_dir / "source", course_dir))
    files["gradebook.db"] = (run_dir / TEMPLATE_DB).read_bytes()
    key = hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(files.items()))).hexdigest()[:16]
    return {"key": key, "files": files}


def submission_files(course_dir: Path, student_id: str, assignments: list[str]) -> dict[str, bytes]:
    """The student's submitted files of ``assignments`` (relative to the course folder), data/ left out."""
    files = {}
    for a in assignments:
        folder = course_dir / "submitted" / student_id / a
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            rel = path.relative_to(folder)
            skipped = any(submission_ignore(str(folder / Path(*rel.parts[:i])), [rel.parts[i]])
                          for i in range(len(rel.parts)))
            if path.is_file() and not skipped:
                files[str(path.relative_to(course_dir))] = path.read_bytes()
    return files


#: Seconds to wait for a scheduler that accepts the connection, and for a TCP port that does not answer.
CONNECT_TIMEOUT = 30
PROBE_TIMEOUT = 5


def connect(scheduler: str) -> Client:
    """A client of the scheduler at ``scheduler``; CourseError if it cannot be reached."""
    try:
        refuse_unreachable(scheduler)
        return Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError, ValueError) as e:
        raise CourseError(f"cannot use the Dask scheduler {scheduler!r} (give its address, e.g. "
                          f"tcp://10.0.0.5:8786): {e}") from None


def refuse_unreachable(scheduler: str) -> None:
    """OSError at once for a TCP address nothing listens on (Dask would retry it for CONNECT_TIMEOUT s)."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    protocol, location = parse_address(scheduler)
    if protocol != "tcp":
        return
    host, port = parse_host_port(location)
    with socket.create_connection((host, port), timeout=PROBE_TIMEOUT):
        pass


def dask_results(client: Client, course_dir: Path, run_dir: Path, students: dict[str, list[str]], grading,
                 limits: dict[str, float]) -> Iterator[tuple[Path, list]]:
    """(``run_dir/ID``, outcomes) of each student (id -> the assignments to grade) as soon as a Dask worker
    has graded them; their files land there."""
    if not students:
        return
    client.register_plugin(RemoveStaleFolders())
    [kit] = client.scatter([course_kit(course_dir, run_dir)], broadcast=True)
    mode = grading.isolation if grading.fixed_mode else None
    run = uuid.uuid4().hex[:8]
    futures = {client.submit(grade_task, kit, sid, submission_files(course_dir, sid, assignments),
                             assignments, mode, grading.memory, limits, grading.allow_network,
                             key=f"grade-{sid}-{run}"): sid
               for sid, assignments in students.items()}
    for future in as_completed(futures):
        sid = futures[future]
        try:
            outcomes, files = future.result()
        except Exception as e:  # the task failed on every worker it was given
            yield run_dir / sid, [Outcome(sid, a, "ungradable", f"grading crashed: {e!r}") for a in students[sid]]
            continue
        write_tree(files, run_dir / sid)
        yield run_dir / sid, [Outcome(**o) for o in outcomes]
        future.release()


class RemoveStaleFolders(WorkerPlugin):
    """On each worker: remove stale folders when it starts, its own folders when it closes.

    Registering the plugin again (the next run, maybe another course) tears the old one down
    on running workers: their folders stay for the tasks they are grading."""

    name = "sandbox-grading-folders"

    def setup(self, worker) -> None:
        remove_stale_folders()

    def teardown(self, worker) -> None:
        if worker.status == Status.closing:
            clean_up()


def worker_folder(key: str) -> Path:
    """This worker process's private folder for the kit ``key``."""
    return Path(tempfile.gettempdir()) / (leftovers.owned_name(FOLDER_PREFIX) + key)


def kill_processes_in(folder: Path) -> None:
    """SIGKILL this user's processes working in ``folder`` (a lost worker's warm grader) with their groups."""
    for proc in psutil.process_iter(["uids", "cwd"]):
        cwd, uids = proc.info["cwd"], proc.info["uids"]
        if not cwd or not uids or uids.real != os.getuid() or not (cwd + "/").startswith(f"{folder}/"):
            continue
        try:
            if os.getpgid(proc.pid) == proc.pid:  # a warm grader leads its group (bubblewrap kernels die with it)
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.wait(10)
        except (OSError, psutil.Error):
            pass


def remove_stale_folders() -> None:
    """Remove the folders (course salt, students' worlds) that killed workers left behind, and stop the warm
    graders still working in them."""
    leftovers.remove_stale_folders(before_removing=kill_processes_in)


_local = threading.local()
_kits_lock = threading.Lock()
_folders: list[Path] = []  # this process's worker folders
_warm_workers: list = []  # and the warm workers grading in them


def clean_up() -> None:
    """End this process's warm workers and remove its folders (at exit, or when its Dask worker closes)."""
    with _kits_lock:
        for worker in _warm_workers:
            worker.stop(final=True)
        for folder in _folders:
            shutil.rmtree(folder, ignore_errors=True)
        _warm_workers.clear()
        _folders.clear()


atexit.register(clean_up)


def grade_task(kit: dict, student_id: str, submission: dict[str, bytes], assignments: list[str],
               mode: str | None, memory: int, limits: dict[str, float],
               allow_network: bool = False) -> tuple[list[dict], dict[str, bytes]]:
    """On a Dask worker: grade one student; return (outcome dicts, files of their private course)."""
    mode = mode or isolation.detect_mode()
    refuse_network(mode, allow_network)
    course_dir, run_dir = unpacked_course(kit)
    submitted = course_dir / "submitted" / student_id
    shutil.rmtree(submitted, ignore_errors=True)
    write_tree(submission, course_dir)
    worker = warm_worker(kit["key"], course_dir, run_dir, mode, memory)
    try:
        outcomes = grade_with(worker, student_id, assignments, limits)
        private = run_dir / student_id
        files = {"gradebook.db": (private / "gradebook.db").read_bytes()} if (private / "gradebook.db").is_file() else {}
        for kind in RESULT_DIRS:
            files.update(read_tree(private / kind, private))
        return [vars(o) for o in outcomes], files
    finally:
        shutil.rmtree(run_dir / student_id, ignore_errors=True)
        shutil.rmtree(submitted, ignore_errors=True)


def unpacked_course(kit: dict) -> tuple[Path, Path]:
    """This worker's copy of the course kit (made once per kit): (course folder, run folder)."""
    base = worker_folder(kit["key"])
    course_dir, run_dir = base / "course", base / "run"
    with _kits_lock:
        if not (base / "ready").exists():
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(mode=0o700, parents=True)
            isolation.close_to_others(base)
            write_tree(kit["files"], course_dir)
            run_dir.mkdir()
            shutil.copyfile(course_dir / "gradebook.db", run_dir / TEMPLATE_DB)
            (base / "ready").touch()
            _folders.append(base)
    return course_dir, run_dir


def warm_worker(key: str, course_dir: Path, run_dir: Path, mode: str, memory: int):
    """The warm worker of this thread for this kit (one per Dask worker thread, kept between tasks)."""
    workers = getattr(_local, "workers", None)
    if workers is None:
        workers = _local.workers = {}
    if (key, mode, memory) not in workers:
        for old in workers.values():
            old.close()
            with _kits_lock:
                _warm_workers.remove(old)
        workers.clear()
        worker = WarmWorker(course_dir, run_dir, mode, memory, f".dask-{threading.get_ident()}")
        with _kits_lock:
            _warm_workers.append(worker)
        workers[(key, mode, memory)] = worker
    return workers[(key, mode, memory)]
