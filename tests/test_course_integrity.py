"""Grading integrity, round two (issue 21): a private course from its first write, a bounded judge, inert HTML,
the instructor's own questions judged outside the kernel, and the instructor's workflow (late penalties, a grades
file of our own name, refreshing it after manual grading, --resume on a finished run, leftovers, the network).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from sandbox import cli
from sandbox.course import CourseError, CourseSettings, autograde_course, build_course
from sandbox.course.grade import answers as answers_module
from sandbox.course.grade import judge as judge_module
from sandbox.course.grade.answers import Unsupported, load_answers
from sandbox.course.grade.sanitize import sanitize_notebook
from sandbox.course.kernel import isolation, leftovers
from sandbox.course.nbgrader_adapter import nbgrader_env
from sandbox.exercises import Exercise, Question
from sandbox.exercises._compare import Scalar
from synthetic import submit

A = "01_first_look"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ----------------------------------------------------------------------------------- private from the first write
def test_a_course_is_private_from_its_first_write(tmp_path, monkeypatch):
    seen = {}
    save = CourseSettings.save

    def spy(self, folder):
        seen["folder"] = mode_of(Path(folder))
        save(self, folder)
        seen["file"] = mode_of(Path(folder) / "course.json")

    monkeypatch.setattr(CourseSettings, "save", spy)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\ns1\n")
    course = tmp_path / "c"
    build_course(course, roster=roster, exercises=["01"], scale="tiny", progress=False)
    assert seen == {"folder": 0o700, "file": 0o600}  # the secret never existed readable by others
    assert mode_of(course) == 0o700
    for path in (course / "course.json", course / "gradebook.db", course / "source" / A / f"{A}.ipynb"):
        assert mode_of(path) & 0o077 == 0, path
    assert os.umask(0o022) == 0o022  # the process's umask is given back


# ------------------------------------------------------------------------------------------- the bounded judge
def table_answers(folder: Path, frame: pd.DataFrame, extra: dict | None = None) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(folder / "v0.parquet")
    index = {"table": {"kind": "frame", "file": "v0.parquet"}, "ok": {"kind": "json", "value": 3}, **(extra or {})}
    (folder / "answers.json").write_text(json.dumps(index))
    from sandbox.course.grade.isolated_run import read_untrusted

    return load_answers(lambda name, limit: read_untrusted(folder, name, limit))


def test_answers_over_a_cap_are_refused_before_they_are_read(tmp_path):
    rows = answers_module.MAX_ROWS + 1
    got = table_answers(tmp_path / "a", pd.DataFrame({"a": range(rows)}), {
        "label": {"kind": "json", "value": "x" * (answers_module.MAX_TEXT + 1)},
        "many": {"kind": "list", "items": [{"kind": "json", "value": 1}] * (answers_module.MAX_ITEMS + 1)},
        "deep": {"kind": "list", "items": [{"kind": "list", "items": []}]}})
    assert got["ok"] == 3 and got["deep"] == [[]]
    assert got["table"].too_large and f"{rows:,} rows" in got["table"].reason
    assert got["label"].too_large and "characters" in got["label"].reason
    assert got["many"].too_large and "values" in got["many"].reason


def test_a_malformed_answer_is_that_questions_failure_never_the_submissions(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "answers.json").write_text("[" * 100_000 + "]" * 100_000)  # too deep for the JSON parser
    from sandbox.course.grade.isolated_run import read_untrusted

    assert load_answers(lambda name, limit: read_untrusted(folder, name, limit)) == {}
    (folder / "answers.json").write_text(json.dumps({"t": {"kind": "frame", "file": "v0.parquet"},
                                                     "ok": {"kind": "json", "value": 1}}))
    (folder / "v0.parquet").write_bytes(b"PAR1 not a parquet file PAR1")
    got = load_answers(lambda name, limit: read_untrusted(folder, name, limit))
    assert got["ok"] == 1 and isinstance(got["t"], Unsupported)


def question(qid: str, reference, points: int = 1) -> Question:
    return Question(id=qid, prompt="p", variables=(qid,), reference=reference, comparison=Scalar(), hints=("h",),
                    solution="", points=points)


def test_the_judge_bounds_its_time_and_memory_per_question(monkeypatch):
    import time

    monkeypatch.setattr(judge_module, "JUDGE_SECONDS", 8)
    monkeypatch.setattr(judge_module, "JUDGE_MEMORY", 512 * 2**20)
    exercise = Exercise(name="x", title="x", tables=(), questions=(
        question("fine", lambda ds: 1),
        question("hog", lambda ds: len(bytearray(2 * 2**30))),  # past the judge's memory
        question("crash", lambda ds: os._exit(3)),  # the judge's process dies on this one
        question("after", lambda ds: 2),
        question("slow", lambda ds: time.sleep(60)),  # past the judge's time
        question("last", lambda ds: 5)))
    answers = {"fine": 1, "hog": 1, "crash": 1, "after": 2, "slow": 1, "last": 5}
    start = time.monotonic()
    got = judge_module.judge(exercise, answers, dataset=None)
    assert time.monotonic() - start < 20
    assert got["fine"].passed and got["after"].passed
    assert got["hog"].status == "error" and "MemoryError" in got["hog"].message
    assert got["crash"].status == "error" and "judge's limits" in got["crash"].message
    assert got["slow"].status == "error" and "time" in got["slow"].message
    assert got["last"].status == "error"  # the submission's time was spent: judged as out of time, not a crash


def test_verdict_messages_are_cut_to_a_readable_length():
    class Loud:
        def compare(self, answer, expected):
            from sandbox.exercises._compare import Mismatch

            raise Mismatch("your value " + "x" * 1_000_000)

    q = Question(id="q", prompt="p", variables=("q",), reference=lambda ds: 1, comparison=Loud(), hints=("h",),
                 solution="")
    got = judge_module.judge(Exercise(name="x", title="x", tables=(), questions=(q,)), {"q": 2}, None)["q"]
    assert got.status == "failed" and len(got.message) <= judge_module.MAX_MESSAGE


# -------------------------------------------------------------------------------------------------- inert HTML
def test_sanitizing_keeps_tables_text_and_charts_and_drops_what_runs():
    out = nbformat.v4.new_output("display_data", data={
        "text/html": '<table class="dataframe"><tr><th onclick="x()">a</th></tr></table><script>bad()</script>',
        "text/plain": "table", "application/javascript": "bad()", "image/svg+xml": "<svg onload='bad()'/>"})
    chart = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    md = nbformat.v4.new_output("display_data", data={"text/markdown": "[x](javascript:bad())"})
    trusted = "## The question\n<b>bold</b> as the instructor wrote it"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(trusted),
        nbformat.v4.new_markdown_cell('My answer <img src=x onerror="bad()"> [a](javascript:bad())'),
        nbformat.v4.new_code_cell("x", outputs=[out, chart, md])])
    sanitize_notebook(nb, {trusted})
    text = json.dumps(nb)
    assert "bad()" not in text.replace('"application/javascript"', "") and "onerror" not in text
    assert nb.cells[0].source == trusted
    assert "My answer" in nb.cells[1].source and "<img" in nb.cells[1].source
    data = nb.cells[2].outputs[0]["data"]
    assert set(data) == {"text/html", "text/plain"} and '<table class="dataframe">' in data["text/html"]
    assert nb.cells[2].outputs[1]["data"] == {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}


# ---------------------------------------------------------------------------------- the instructor's workflow
@pytest.fixture(scope="module")
def workflow(tmp_path_factory):
    """A course graded once: s1 on time, s2 late (penalty "zero"), s3 nothing; leftovers of killed processes."""
    base = tmp_path_factory.mktemp("workflow")
    roster = base / "roster.csv"
    roster.write_text("student_id\ns1\ns2\ns3\n")
    course = base / "c"
    build_course(course, roster=roster, salt="wf", exercises=["01"], scale="tiny", progress=False)
    with open(course / "nbgrader_config.py", "a") as f:
        f.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    from nbgrader.api import Gradebook

    due = dt.datetime(2026, 1, 10, 12, 0)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(A, duedate=due)
    for sid, when in (("s1", due - dt.timedelta(hours=1)), ("s2", due + dt.timedelta(days=2))):
        (submit(course, sid, A) / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S"))
    dead = dead_pid()
    tmp = Path(tempfile.gettempdir())
    stale = [tmp / f"{p}-{os.getuid()}-{dead}-x" for p in leftovers.PREFIXES]
    live = tmp / f"{leftovers.GRADING_PREFIX}-{os.getuid()}-{os.getpid()}-x"
    for folder in stale + [live]:
        folder.mkdir(exist_ok=True)
        (folder / "course.json").write_text("{}")
    report = autograde_course(course, jobs=1, progress=False)
    yield course, report, stale, live
    live.rmdir() if not (live / "course.json").exists() else (live / "course.json").unlink() or live.rmdir()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def read_grades(course: Path) -> dict:
    with open(course / "sandbox_grades.csv", newline="") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


def test_late_penalties_count_as_nbgrader_export_counts_them(workflow):
    course, _, _, _ = workflow
    grades = read_grades(course)
    full = float(grades["s1"][f"{A}:total"])
    assert full == 13 and grades["s1"][f"{A}:late_penalty"] == "0"
    assert grades["s2"][f"{A}:late_penalty"] == "13" and grades["s2"][f"{A}:total"] == "0"
    assert grades["s2"]["total"] == "0"
    run = subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=course, env=nbgrader_env(),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    exported = {r["student_id"]: r for r in csv.DictReader(io.StringIO((course / "grades.csv").read_text()))}
    assert float(exported["s2"]["score"]) == 0 and float(exported["s1"]["score"]) == full
    assert read_grades(course)["s2"][f"{A}:total"] == "0"  # nbgrader's file is its own: ours is untouched


def test_the_grades_file_is_refreshed_after_manual_grading(workflow, capsys):
    course, _, _, _ = workflow
    from nbgrader.api import Gradebook

    assert read_grades(course)["s1"][f"{A}:q9_narrative"] == ""  # waits for manual grading
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.find_grade("q9_narrative", A, A, "s1").manual_score = 1.5
        gb.db.commit()
    assert cli.main(["course", "grades", str(course)]) == 0
    assert "sandbox_grades.csv" in capsys.readouterr().out
    grades = read_grades(course)
    assert grades["s1"][f"{A}:q9_narrative"] == "1.5" and grades["s1"]["total"] == "14.5"


def test_resume_on_a_finished_run_has_nothing_to_grade_and_succeeds(workflow, capsys):
    course, _, _, _ = workflow
    assert cli.main(["course", "autograde", str(course), "--resume", "--jobs", "1"]) == 0
    assert "nothing left to grade" in capsys.readouterr().out


def test_folders_left_by_killed_processes_are_removed_by_the_next_run(workflow):
    _, _, stale, live = workflow
    assert not any(folder.exists() for folder in stale)
    assert live.exists()  # its process (this one) is alive


def test_nobody_only_isolation_keeps_the_network_so_it_is_refused_unless_allowed(workflow):
    course, _, _, _ = workflow
    with pytest.raises(CourseError, match="--allow-network"):
        autograde_course(course, mode="nobody", progress=False, assignments=[A], resume=True)
    report = autograde_course(course, mode="nobody", allow_network=True, progress=False, resume=True)
    assert report.isolation == "nobody" and not report.outcomes


# ------------------------------------------------------------------------ the instructor's own questions
EXTRA = "13_extra"
QUESTIONS_MODULE = f'''
from sandbox.exercises import Exercise, Question
from sandbox.exercises._compare import Scalar

EXERCISES = [Exercise(name={EXTRA!r}, title="Extra", tables=("accounts",), questions=(
    Question(id="q1", prompt="How many accounts?", variables=("n_accounts",), reference=lambda ds: len(ds.accounts),
             comparison=Scalar(percent=False), hints=("count the rows",), solution="n_accounts = len(ds.accounts)",
             points=2),))]
'''


def extra_notebook(test_source: str) -> nbformat.NotebookNode:
    def cell(source, **meta):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = {"schema_version": 3, "solution": False, "grade": False, "locked": False, **meta}
        return c

    return nbformat.v4.new_notebook(cells=[
        cell("import sandbox\nds = sandbox.load_dataset()", grade_id="setup", locked=True),
        cell("### BEGIN SOLUTION\nn_accounts = len(ds.accounts)\n### END SOLUTION", grade_id="q1_answer",
             solution=True),
        cell(test_source, grade_id="q1", grade=True, locked=True, points=2)])


def test_test_cells_that_would_run_in_the_kernel_are_refused_or_flagged(tmp_path, capsys):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(extra_notebook("assert n_accounts == len(ds.accounts)"), solutions / f"{EXTRA}.ipynb")
    with pytest.raises(CourseError, match=f"{EXTRA}:q1.*--allow-kernel-tests"):
        build_course(tmp_path / "c1", solutions_dir=solutions, scale="tiny", progress=False)
    assert not (tmp_path / "c1").exists()
    assert cli.main(["course", "build", str(tmp_path / "c2"), "--solutions", str(solutions), "--scale", "tiny",
                     "--allow-kernel-tests"]) == 0
    assert f"UNPROTECTED: 1 test cell(s) run in the student's kernel, where a student can defeat them: {EXTRA}:q1" \
        in capsys.readouterr().out


@pytest.mark.slow
def test_an_instructors_own_questions_are_judged_outside_the_kernel(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(extra_notebook("# judged by the grader, outside your kernel"), solutions / f"{EXTRA}.ipynb")
    module = tmp_path / "my_questions.py"
    module.write_text(QUESTIONS_MODULE)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id\nhonest\nwrong\ntrick\n")
    course = tmp_path / "c"
    build_course(course, roster=roster, solutions_dir=solutions, questions=module, scale="tiny", progress=False)
    assert mode_of(course / "questions.py") == 0o600
    submit(course, "honest", EXTRA)
    submit(course, "wrong", EXTRA, {"q1_answer": "n_accounts = 0"})
    # the in-kernel way of beating a test cell: drop every line of it before it runs
    submit(course, "trick", EXTRA, {"q1_answer": "n_accounts = 0\nget_ipython().input_transformers_cleanup.append("
                                                 "lambda lines: [])"})
    report = autograde_course(course, jobs=1, progress=False)
    assert all(o.status == "graded" for o in report.outcomes), report.outcomes
    grades = read_grades(course)
    assert [grades[s][f"{EXTRA}:q1"] for s in ("honest", "wrong", "trick")] == ["2", "0", "0"]
    feedback = (course / "feedback" / "wrong" / EXTRA / f"{EXTRA}.html").read_text()
    assert "your value 0 is too low" in feedback
