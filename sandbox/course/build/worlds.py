"""Each student's world: generated for release, regenerated (and cached) for grading.

Grading never trusts the data a student hands in: the expected answers come
from the world regenerated from (course salt, student id), cached in
``COURSE/grading_data/<student_id>/`` with its truth files.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from pathlib import Path

from ...dataset import LABELS_DIR, META_FILE, TRUTH_FILE
from .roster import check_student_id
from .seeds import student_seed
from .settings import GRADING_DATA_DIR, CourseSettings


def generate_student_world(settings: CourseSettings, student_id: str):
    """Generate the Dataset of ``student_id`` in the course described by ``settings``."""
    from ...generator import generate

    return generate(seed=student_seed(settings.salt, student_id), scale=settings.scale)


def student_dataset(course_dir, student_id: str) -> Path:
    """The folder of ``student_id``'s regenerated world (truth included), made on first use.

    Grading processes that need the same world at once make it once: the
    others wait for it on a lock file (``grading_data/.ID.lock``).
    """
    course_dir = Path(course_dir)
    check_student_id(student_id)
    settings = CourseSettings.load(course_dir)
    target = course_dir / GRADING_DATA_DIR / student_id
    if is_current(target, settings, student_id):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{student_id}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not is_current(target, settings, student_id):
            generate_student_world(settings, student_id).save(target, format="csv", force=True, include_truth=True)
    return target


def is_current(target: Path, settings: CourseSettings, student_id: str) -> bool:
    """``target`` holds ``student_id``'s world of this course (its seed and scale), truth included."""
    meta = target / META_FILE
    if not meta.is_file() or not (target / TRUTH_FILE).is_file():
        return False
    made = json.loads(meta.read_text())
    return made.get("seed") == student_seed(settings.salt, student_id) and made.get("scale") == settings.scale


def write_learner_copy(dataset_dir: Path, target: Path) -> Path:
    """Copy the learner files of ``dataset_dir`` into ``target``: no truth, and no seed in dataset.json.

    Real copies, never hard links: the kernel may own or write the copy, and must not
    reach the grader's cached world through it. dataset.json is written anew without
    its seed, so the copy cannot regenerate the world.
    """
    dataset_dir, target = Path(dataset_dir), Path(target)
    for src in learner_files(dataset_dir):
        dest = target / src.relative_to(dataset_dir)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.name == META_FILE and src.parent == dataset_dir:
            continue
        shutil.copyfile(src, dest)
    strip_seed(dataset_dir / META_FILE, target / META_FILE)
    return target


def strip_seed(meta_file: Path, dest: Path) -> None:
    """Write ``meta_file`` to ``dest`` without the seed (``dest`` may be ``meta_file``)."""
    meta = json.loads(Path(meta_file).read_text())
    meta.pop("seed", None)
    if dest.exists() or dest.is_symlink():
        dest.unlink()  # never write through a hard link into the original
    dest.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def learner_files(dataset_dir: Path) -> list[Path]:
    """Every file of a dataset folder except the truth files."""
    dataset_dir = Path(dataset_dir)
    return sorted(
        p for p in dataset_dir.rglob("*")
        if p.is_file() and p.name != TRUTH_FILE and LABELS_DIR not in p.relative_to(dataset_dir).parts[:-1]
    )
