"""Grade on a dask.distributed cluster: each student is a task, the gradebook stays on the client.

Optional: ``pip install ".[dask]"``. Workers need only the installed project:
the client ships them the course *kit* once (nbgrader_config.py, course.json,
the source assignments and a gradebook template, scattered to every worker)
and, with each task, one student's submitted files. A worker unpacks the kit
into a private folder of its own (closed to other users), regenerates the
student's world from (salt, id) there, grades with a warm worker
(:class:`sandbox.course.warm.WarmWorker`, isolation as on a local run, detected
on the worker unless the client fixes a mode) and returns the outcomes, the
student's gradebook copy and the autograded notebooks and feedback, as bytes.

The client merges each finished task into the gradebook once: a task runs
again elsewhere if its worker is lost (Dask's own retry), and only the result
of the run that finished comes back, so nothing is lost or counted twice.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

try:
    from distributed import Client, as_completed
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError('--scheduler needs the optional Dask dependencies: pip install ".[dask]"') from e

from . import isolation
from .grade_worker import TEMPLATE_DB, submission_ignore
from .settings import CONFIG_FILE, SETTINGS_FILE, CourseError

#: Folders of a student's private course that come back to the client.
RESULT_DIRS = ("autograded", "feedback")


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
    """What every worker needs of the course: config, settings, source assignments, the gradebook template."""
    files = {name: (course_dir / name).read_bytes() for name in (CONFIG_FILE, SETTINGS_FILE)}
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


def connect(scheduler: str) -> Client:
    """A client of the scheduler at ``scheduler``; CourseError if it cannot be reached."""
    try:
        return Client(scheduler, timeout="30s")
    except (OSError, TimeoutError, ValueError) as e:
        raise CourseError(f"cannot use the Dask scheduler {scheduler!r} (give its address, e.g. "
                          f"tcp://10.0.0.5:8786): {e}") from None


def dask_results(client: Client, course_dir: Path, run_dir: Path, students: list[str], grading,
                 limits: dict[str, float]) -> Iterator[list]:
    """Each student's outcomes as soon as a Dask worker has graded them; their files land in ``run_dir/ID``."""
    from .autograde import Outcome

    if not students:
        return
    [kit] = client.scatter([course_kit(course_dir, run_dir)], broadcast=True)
    mode = grading.isolation if grading.fixed_mode else None
    run = uuid.uuid4().hex[:8]
    futures = {client.submit(grade_task, kit, sid, submission_files(course_dir, sid, grading.assignments),
                             grading.assignments, mode, grading.memory, limits, key=f"grade-{sid}-{run}"): sid
               for sid in students}
    for future in as_completed(futures):
        sid = futures[future]
        try:
            outcomes, files = future.result()
        except Exception as e:  # the task failed on every worker it was given
            yield [Outcome(sid, a, "ungradable", f"grading crashed: {e!r}") for a in grading.assignments]
            continue
        write_tree(files, run_dir / sid)
        yield [Outcome(**o) for o in outcomes]
        future.release()


_local = threading.local()
_kits_lock = threading.Lock()


def grade_task(kit: dict, student_id: str, submission: dict[str, bytes], assignments: list[str],
               mode: str | None, memory: int, limits: dict[str, float]) -> tuple[list[dict], dict[str, bytes]]:
    """On a Dask worker: grade one student; return (outcome dicts, files of their private course)."""
    from .autograde import grade_with

    course_dir, run_dir = unpacked_course(kit)
    submitted = course_dir / "submitted" / student_id
    shutil.rmtree(submitted, ignore_errors=True)
    write_tree(submission, course_dir)
    worker = warm_worker(kit["key"], course_dir, run_dir, mode or isolation.detect_mode(), memory)
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
    base = Path(tempfile.gettempdir()) / f"sandbox-grading-{os.getuid()}-{os.getpid()}-{kit['key']}"
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
            atexit.register(shutil.rmtree, base, True)
    return course_dir, run_dir


def warm_worker(key: str, course_dir: Path, run_dir: Path, mode: str, memory: int):
    """The warm worker of this thread for this kit (one per Dask worker thread, kept between tasks)."""
    from .warm import WarmWorker

    workers = getattr(_local, "workers", None)
    if workers is None:
        workers = _local.workers = {}
    if (key, mode, memory) not in workers:
        for old in workers.values():
            old.close()
        workers.clear()
        worker = WarmWorker(course_dir, run_dir, mode, memory, f".dask-{threading.get_ident()}")
        atexit.register(worker.close)
        workers[(key, mode, memory)] = worker
    return workers[(key, mode, memory)]
