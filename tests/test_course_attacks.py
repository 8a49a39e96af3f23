"""Students who cheat: one submission per class of attack on `sandbox course autograde`.

Every attacker hands in wrong answers plus one trick that used to give full
marks. The course is graded once (module fixture); each test reads the result.
Honest students keep full marks in the same run.
"""

import csv
import hashlib
import json
import shutil

import nbformat
import pytest

import sandbox
from sandbox.course import autograde_course, build_course, student_seed
from sandbox.course.kernel.isolation import detect_mode
from sandbox.exercises import get_exercise

pytestmark = pytest.mark.slow

A = "01_first_look"
SALT = "attack-salt"
CELL_TIMEOUT = 30  # generous: on a loaded machine, importing sandbox in a kernel can take 10 s
QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9")
POINTS = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1, "q6": 2, "q7": 1, "q8": 2, "q9": 3}
WRONG = {
    "q1_answer": "n_posts = 0",
    "q2_answer": "first_post = last_post = pd.Timestamp('2000-01-01', tz='UTC')",
    "q3_answer": "posts_per_platform = pd.Series({'myspace': 1})",
    "q4_answer": "top_brand = 'nobody'",
    "q5_answer": "boosted_share = 0.99",
    "q6_answer": "biggest_platform = 'myspace'",
    "q7_answer": "followers_chart = sns.barplot(x=['myspace'], y=[1])",
    "q8_answer": "most_active_platform, posts_per_account, platform_accounts = 'myspace', 1.0, 1",
    "q9_answer": "audience_platform, audience_today, audience_share = 'myspace', 1, 1.0",
}
PASS = ("class _Pass:\n    def check(self): return None\n    def grade(self): return None\n"
        "    def result(self): return None\n")
ATTACKS = {
    # replacing the grading objects in the kernel
    "rebind": PASS + "q1 = q2 = q3 = q4 = q5 = q6 = q7 = q8 = q9 = _Pass()",
    "monkeypatch": (
        "import sandbox.exercises._question as _q, sandbox.exercises._compare as _c\n"
        "_q.Question.verify = lambda self, *a, **k: None\n_q.Question.mismatch = lambda self, *a, **k: None\n"
        "_q.BoundQuestion.grade = lambda self: None\n"
        "for _name in dir(_c):\n    _obj = getattr(_c, _name)\n"
        "    if isinstance(_obj, type) and hasattr(_obj, 'compare'):\n        _obj.compare = lambda self, a, e: None\n"
        "try:\n    import sandbox.course.grade.judge as _j\n    _j.judge = lambda *a, **k: {}\nexcept Exception:\n    pass"),
    "transformer": ("get_ipython().input_transformers_cleanup.append(\n"
                    "    lambda lines: [l for l in lines if '.grade()' not in l and 'export' not in l])"),
    "builtins": ("import builtins\nbuiltins.exec = lambda *a, **k: None\nbuiltins.compile = lambda *a, **k: None\n"
                 "builtins.AssertionError = KeyboardInterrupt"),
    # choosing the world the answers are judged on, with answers of that world
    "otherworld": "ds = sandbox.generate(seed=123, scale='tiny')\nq1, q2, q3, q4, q5, q6, q7, q8, q9 = ex.setup(globals())",
}
SHADOW = ("import sandbox.exercises._question as _q\n_q.Question.verify = lambda self, *a, **k: None\n"
          "import sys, importlib\ndel sys.modules['seaborn']\nsys.path = [p for p in sys.path if p not in ('', '.')]\n"
          "globals().update(vars(importlib.import_module('seaborn')))\n")
STUBBORN = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
HONEST = ["honest", "honest2"]
STUDENTS = HONEST + list(ATTACKS) + ["shadow", "reader", "writer", "stubborn"]


def probe(course, sid) -> str:
    """A cell that tries to read secrets and write where grading must be read-only; prints what worked."""
    victim = "honest"
    targets = {
        "salt": course / "course.json",
        "own_truth": course / "grading_data" / sid / "truth.json",
        "other_truth": course / "grading_data" / victim / "truth.json",
        "other_release": course / "release_students" / victim / A / "data" / "posts.csv",
        "other_submission": course / "submitted" / victim / A / f"{A}.ipynb",
        "gradebook": course / "gradebook.db",
    }
    writes = {"gradebook": course / "gradebook.db", "other_submission": targets["other_submission"],
              "grades": course / "sandbox_grades.csv", "new_file": course / "planted.txt"}
    return (f"import glob, os\nfor _k, _p in {({k: str(v) for k, v in targets.items()})!r}.items():\n"
            "    try:\n        open(_p, 'rb').read(10)\n        print('READ', _k)\n"
            "    except OSError:\n        print('DENIED-READ', _k)\n"
            f"for _k, _p in {({k: str(v) for k, v in writes.items()})!r}.items():\n"
            "    try:\n        open(_p, 'ab').write(b'x')\n        print('WROTE', _k)\n"
            "    except OSError:\n        print('DENIED-WRITE', _k)\n"
            "open('data/posts.csv', 'a').write('p_poison\\n')  # its own copy: allowed, and harmless\n"
            "print('OTHERS', len([p for p in glob.glob('/tmp/sandbox-kernel-*') if p != os.getcwd()])"
            f" + len(glob.glob({str(course / '*')!r})))")


def fill(nb, answers: dict, extra: str | None = None) -> None:
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    if extra is not None:
        setup = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(extra))


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    roster = base / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"{s}\n" for s in STUDENTS))
    course = base / "cs"
    build_course(course, roster=roster, salt=SALT, exercises=["01"], scale="tiny", cell_timeout=CELL_TIMEOUT,
                 jobs=2, progress=False)
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    right = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
             if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}

    def submit(sid, answers, extra=None, folder=None):
        dest = course / "submitted" / (folder or sid) / A
        shutil.copytree(course / "release_students" / sid / A, dest)
        nb = nbformat.read(dest / f"{A}.ipynb", as_version=4)
        fill(nb, answers, extra)
        nbformat.write(nb, dest / f"{A}.ipynb")
        return dest

    for sid in HONEST:
        submit(sid, right)
    for sid, trick in ATTACKS.items():
        submit(sid, right if sid == "otherworld" else WRONG, trick)
    (submit("shadow", WRONG) / "seaborn.py").write_text(SHADOW)
    submit("reader", WRONG, probe(course, "reader"))
    submit("writer", WRONG, probe(course, "writer"))
    submit("stubborn", {**right, "q3_answer": STUBBORN})
    submit("honest", right, folder="mallory")  # not on the roster
    victim = course / "submitted" / "honest" / A / f"{A}.ipynb"
    before = digest(victim)
    report = autograde_course(course, jobs=2, progress=False)
    with open(course / "sandbox_grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    return course, report, grades, before


def scores(grades, sid) -> dict:
    return {q: float(grades[sid][f"{A}:{q}"]) for q in QUESTIONS}


def outputs(course, sid) -> str:
    nb = nbformat.read(course / "autograded" / sid / A / f"{A}.ipynb", as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_honest_submissions_keep_full_marks(graded):
    _, _, grades, _ = graded
    for sid in HONEST:
        assert scores(grades, sid) == {q: float(p) for q, p in POINTS.items()}, sid


@pytest.mark.parametrize("sid", ["rebind", "monkeypatch", "transformer", "builtins"])
def test_replacing_grading_objects_in_the_kernel_scores_zero(graded, sid):
    _, _, grades, _ = graded
    assert scores(grades, sid) == dict.fromkeys(QUESTIONS, 0.0)


def test_a_module_in_the_submission_folder_never_reaches_the_kernel(graded):
    course, _, grades, _ = graded
    assert scores(grades, "shadow") == dict.fromkeys(QUESTIONS, 0.0)
    # the file is kept for the instructor, never copied into feedback
    assert (course / "autograded" / "shadow" / A / "seaborn.py").is_file()
    assert sorted(p.name for p in (course / "feedback" / "shadow" / A).iterdir()) == [f"{A}.html"]


def test_answers_from_a_world_of_your_choice_score_zero(graded):
    course, _, grades, _ = graded
    own = sandbox.load_dataset(course / "grading_data" / "otherworld")
    chosen = sandbox.generate(seed=123, scale="tiny")
    exercise = get_exercise(A)
    attacked = [q.id for q in exercise.questions if q.mismatch(q.reference(chosen), q.reference(own))]
    assert "q1" in attacked
    got = scores(grades, "otherworld")
    for q in QUESTIONS:
        assert got[q] == (0.0 if q in attacked else POINTS[q]), q


def test_the_kernel_reads_no_secret_and_writes_nowhere(graded):
    course, report, _, before = graded
    if report.isolation == "none":
        pytest.skip("no isolation on this machine")
    for sid in ("reader", "writer"):
        text = outputs(course, sid)
        assert "READ " not in text.replace("DENIED-READ", "") and "WROTE" not in text, text
        assert text.count("DENIED-READ") == 6 and text.count("DENIED-WRITE") == 4, text
        if "bwrap" in report.isolation:
            assert "OTHERS 0" in text  # no other kernel's folder, nothing of the course
    assert digest(course / "submitted" / "honest" / A / f"{A}.ipynb") == before
    assert not (course / "planted.txt").exists()
    # the kernel's copy of its tables is a copy: the grader's cached world is untouched
    cached = sandbox.load_dataset(course / "grading_data" / "writer", tables=["posts"]).posts
    fresh = sandbox.generate(seed=student_seed(SALT, "writer"), scale="tiny").posts
    assert len(cached) == len(fresh) and "p_poison" not in set(cached["post_id"])


def test_a_sigint_ignoring_loop_is_killed_and_named(graded):
    course, _, grades, _ = graded
    got = scores(grades, "stubborn")
    assert got["q1"] == 1 and got["q2"] == 1 and got["q3"] == 0 and got["q6"] == 0
    status = json.loads((course / "autograde_status.json").read_text())["stubborn"][A]
    assert "ignored the interrupt" in status["message"] and "killed" in status["message"]


def test_unknown_student_folder_is_reported_not_graded(graded):
    course, report, grades, _ = graded
    status = json.loads((course / "autograde_status.json").read_text())
    assert status["_autograde"]["unknown_students"] == ["mallory"]
    assert status["mallory"]["*"]["status"] == "unknown student"
    assert not (course / "autograded" / "mallory").exists()
    assert "mallory" in {o.student_id for o in report.problems()}


def test_status_names_the_isolation_mode(graded):
    course, report, _, _ = graded
    status = json.loads((course / "autograde_status.json").read_text())
    assert status["_autograde"]["isolation"] == report.isolation == detect_mode()


def test_a_built_course_hands_out_no_solutions_and_no_seed(graded, monkeypatch):
    from sandbox.exercises._policy import SOLUTIONS_HIDDEN

    course = graded[0]
    folder = course / "release_students" / "honest" / A
    monkeypatch.chdir(folder)
    q1 = get_exercise(A).setup({})[0]
    assert SOLUTIONS_HIDDEN in repr(q1.solution())
    assert get_exercise(A).questions[0].solution not in repr(q1.solution())
    meta = json.loads((folder / "data" / "dataset.json").read_text())
    assert "seed" not in meta and not (folder / "data" / "truth.json").exists()
