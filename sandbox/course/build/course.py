"""`sandbox course build`: a ready nbgrader course folder in one command.

COURSE/
  nbgrader_config.py          timeouts, warnings ignored, deleted cells restored
  course.json                 salt, scale, assignments (keep private)
  roster.csv                  the roster the course was built with
  questions.py                the instructor's own questions, if any (--questions; judged outside kernels)
  gradebook.db                nbgrader's gradebook: assignments and students
  source/<assignment>/        the solution notebooks (nbgrader source)
  release/<assignment>/       the student version, made by nbgrader generate_assignment
  release_students/<id>/<assignment>/   what to hand to one student: notebook, data/ (their world,
                              without truth or seed) and exercise_settings.json (solutions/hints shown?)
  submitted/                  where collected submissions go: submitted/<id>/<assignment>/
  exchange/                   nbgrader's exchange (release, collect), unless built with --exchange DIR

Everything is written into a temporary sibling folder and renamed at the end,
so a failed build never leaves half a course. The course is private from its
first write: the folder is 700 and every file 600 (the salt derives every
student's world, source/ holds the solutions); hand students their
release_students/ folders by copying them.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ..._notebooks import notebooks_dir
from ..._scales import DEFAULT_SCALE
from ...dataset import META_FILE, staging_dir
from ..nbgrader_adapter import course_config_text, run_python, write_config
from .folder import CELL_TIMEOUT, check_course_target
from .questions import kernel_tests, load_questions, merged_exercise, unjudged_questions
from .roster import SAFE_ID, Student, read_roster
from .seeds import new_salt
from .settings import QUESTIONS_FILE, STUDENT_RELEASE_DIR, CourseError, CourseSettings
from .worlds import generate_student_world, learner_files, strip_seed

#: The course's own nbgrader exchange, unless the build names a shared one.
EXCHANGE_DIR = "exchange"
#: The nbgrader source notebooks this sandbox ships (or a checkout's solutions/).
SOLUTIONS_DIR = notebooks_dir("solutions")


@dataclass
class BuildResult:
    course_dir: Path
    settings: CourseSettings
    students: list[Student]
    #: Test cells that run in the student's kernel, unprotected (``notebook:grade_id``; --allow-kernel-tests).
    unprotected: list[str] = field(default_factory=list)


def available_exercises(solutions_dir: Path) -> list[str]:
    """Names (``01_first_look``...) of the source notebooks in ``solutions_dir``."""
    return sorted(p.stem for p in Path(solutions_dir).glob("[0-9][0-9]_*.ipynb"))


def select_exercises(solutions_dir: Path, wanted: list[str] | None) -> list[str]:
    """Resolve ``["01", "03_when_to_post"]`` against the solutions; all of them when ``wanted`` is None."""
    names = available_exercises(solutions_dir)
    if not names:
        raise CourseError(f"no solution notebooks (NN_slug.ipynb) in {solutions_dir}")
    if not wanted:
        return names
    chosen = []
    for token in wanted:
        token = token.strip()
        matches = [n for n in names if n == token or n.split("_", 1)[0] == token]
        if len(matches) != 1:
            raise CourseError(f"unknown exercise {token!r}; available: {', '.join(names)}")
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


def build_course(course_dir, roster=None, salt: str | None = None, exercises: list[str] | None = None,
                 scale: str = DEFAULT_SCALE, cell_timeout: int = CELL_TIMEOUT, solutions_dir=None, jobs: int = 1,
                 progress: bool = True, show_solutions: bool = False, hints: str = "on", questions=None,
                 allow_kernel_tests: bool = False, exchange=None) -> BuildResult:
    """Create the nbgrader course folder ``course_dir`` (see module docstring).

    Parameters
    ----------
    roster : path, optional
        CSV with ``student_id`` (and optional first_name, last_name, email).
        Without one, the course has no students yet and no per-student worlds.
    salt : str, optional
        Course secret mixed into every student's seed; a random one by default.
    exercises : list of str, optional
        Exercise numbers or names (``["01", "02"]``); all solutions by default.
    scale : str
        Scale of each student's world.
    cell_timeout : int
        Seconds a cell may run at autograde.
    jobs : int
        Worker processes generating the students' worlds.
    show_solutions : bool
        Let ``qN.solution()`` show the reference code; hidden by default.
    hints : str
        ``"on"`` (default) or ``"off"``: whether ``qN.hint()`` shows hints.
    questions : path, optional
        A Python module defining ``EXERCISES``, the instructor's own questions, judged outside the
        student's kernel like ours (see :mod:`sandbox.course.build.questions`); kept as ``questions.py``.
    allow_kernel_tests : bool
        Keep graded test cells that no question judges: they run in the student's kernel, where a
        student can defeat them, and are listed in ``BuildResult.unprotected``. Refused otherwise.
    exchange : path, optional
        nbgrader's exchange folder (an existing folder shared by a JupyterHub's users); by default
        ``COURSE/exchange``, made by the build, so release and collect work without root.
    """
    # Everything that can be refused is checked before anything is written.
    target = check_course_target(course_dir)
    students = read_roster(roster) if roster is not None else []
    solutions_dir = Path(solutions_dir) if solutions_dir is not None else SOLUTIONS_DIR
    assignments = select_exercises(solutions_dir, exercises)
    own = load_questions(questions) if questions is not None else {}
    unprotected = check_tests(solutions_dir, assignments, own, allow_kernel_tests)
    if jobs < 1:
        raise CourseError(f"--jobs must be at least 1, got {jobs}")
    if exchange is not None and not Path(exchange).is_dir():
        raise CourseError(f"exchange folder {exchange} does not exist; a shared exchange is made once, by its admin "
                          "(docs/course.md)")
    course_id = target.name if SAFE_ID.match(target.name) else "course"
    settings = CourseSettings(course_id=course_id, salt=salt or new_salt(), scale=scale,
                              assignments=assignments, cell_timeout=cell_timeout,
                              show_solutions=show_solutions, hints=hints,
                              exchange=str(Path(exchange).resolve()) if exchange is not None else "")

    with private_files(), staging_dir(target) as tmp:
        tmp.chmod(0o700)  # before anything is written: the salt and the solutions are secrets
        settings.save(tmp)
        write_config(tmp, course_config_text(settings))
        if roster is not None:
            shutil.copyfile(roster, tmp / "roster.csv")
        if questions is not None:
            shutil.copyfile(questions, tmp / QUESTIONS_FILE)
        for name in assignments:
            (tmp / "source" / name).mkdir(parents=True)
            shutil.copyfile(solutions_dir / f"{name}.ipynb", tmp / "source" / name / f"{name}.ipynb")
        # nbgrader's part (the student versions, the gradebook) runs in a process of its own while the
        # students' worlds are generated; the released notebooks join each student's folder after it.
        with ThreadPoolExecutor(max_workers=1) as background:
            nbgrader = background.submit(run_python, ["-m", "sandbox.course.build.nbgrader_setup", str(tmp),
                                                      *assignments], tmp)
            release_students(tmp, settings, students, jobs=jobs, progress=progress)
            run = nbgrader.result()
        if not run.ok:
            raise CourseError(f"nbgrader's part of the build failed:\n{run.output[-3000:]}")
        if not settings.exchange:
            (tmp / EXCHANGE_DIR).mkdir()
            (tmp / EXCHANGE_DIR).chmod(0o777)  # what nbgrader's exchange asks (it would change it, warning, at release)
        for name in assignments:  # what nbgrader's release hands out keeps the course's policy too
            settings.policy().write(tmp / "release" / name)
        for student in students:
            for name in assignments:
                shutil.copytree(tmp / "release" / name, tmp / STUDENT_RELEASE_DIR / student.student_id / name,
                                dirs_exist_ok=True)
    return BuildResult(target, settings, students, unprotected)


def check_tests(solutions_dir: Path, assignments: list[str], own: dict, allow_kernel_tests: bool) -> list[str]:
    """The test cells that would run in students' kernels (``notebook:grade_id``): CourseError unless allowed.

    Also refuses an instructor's question that no test cell scores, or an exercise of the questions module
    that names no notebook of the course.
    """
    stray = sorted(set(own) - set(assignments))
    if stray:
        raise CourseError(f"the questions module names notebooks that are not in the course: {', '.join(stray)}; "
                          f"the course's notebooks: {', '.join(assignments)}")
    unprotected = []
    for name in assignments:
        path = solutions_dir / f"{name}.ipynb"
        exercise = merged_exercise(name, own)
        if name in own:
            missing = unjudged_questions(path, own[name])
            if missing:
                raise CourseError(f"{name}.ipynb has no graded test cell for question(s) {', '.join(missing)} of the "
                                  "questions module: give each a code cell with that grade_id and its points")
        unprotected += [f"{name}:{cell}" for cell in kernel_tests(path, exercise)]
    if unprotected and not allow_kernel_tests:
        raise CourseError(
            f"these test cells would run in the student's kernel, where a student can defeat them (an input "
            f"transformer that skips assert lines): {', '.join(unprotected)}. Write them as Question objects in a "
            "questions module (--questions FILE; see docs/grading.md), or build with --allow-kernel-tests to "
            "keep them unprotected")
    return unprotected


@contextmanager
def private_files():
    """Within the block, everything this process and the processes it starts create is private to its user
    (umask 077: folders 700, files 600). The process-wide umask is restored afterwards."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def release_students(course_dir: Path, settings: CourseSettings, students: list[Student],
                     jobs: int = 1, progress: bool = True) -> None:
    """Write release_students/<id>/<assignment>/ with the student's own data/ and the course's policy file.

    The progress bar counts students, with students per second and the time left.
    """
    tasks = [(course_dir, settings, s.student_id) for s in students]
    bar = tqdm(total=len(tasks), desc="student worlds", unit="student", disable=not progress or not tasks)
    if jobs == 1 or len(tasks) < 2:
        for task in tasks:
            release_one_student(*task)
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for _ in pool.map(release_one_student, *zip(*tasks)):
                bar.update()
    bar.close()


def release_one_student(course_dir: Path, settings: CourseSettings, student_id: str) -> None:
    base = course_dir / STUDENT_RELEASE_DIR / student_id
    first = None
    for name in settings.assignments:
        folder = base / name
        folder.mkdir(parents=True)
        settings.policy().write(folder)
        data = folder / "data"
        if first is None:
            generate_student_world(settings, student_id).save(data, format="csv", include_truth=False)
            strip_seed(data / META_FILE, data / META_FILE)  # released data cannot regenerate the world
            first = data
        else:
            link_tree(first, data)


def link_tree(src: Path, dest: Path) -> None:
    """Copy the files of ``src`` into ``dest`` as hard links (plain copies where links are not possible)."""
    for f in learner_files(src):
        out = dest / f.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, out)
        except OSError:
            shutil.copy2(f, out)
