"""`sandbox course report` on the benchmark's synthetic class: 30 students, notebooks 01-03, planted mistakes.

Each submission is judged by the grader's own judge, in this process, on one tiny world shared by the
class (the expensive part, isolated kernels under real nbgrader, is proven on a few students in
test_course_solutions.py), and its verdicts are written as autograde keeps them. The report built
from them must show every planted mistake with its exact count.
"""

from __future__ import annotations

import base64
import csv
import html.parser
import io
import json
import shutil
import subprocess
import time
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from sandbox.cli import main
from sandbox.course.build.settings import CourseSettings
from sandbox.course.grade.autograde import collect, save_status
from sandbox.course.grade.judge import judge
from sandbox.course.grade.verdicts import VERDICTS_DIR, read_verdicts, verdicts_folder, write_verdicts
from sandbox.course.grade.warm import Outcome
from sandbox.exercises import NOTEBOOKS, SKILLS, get_exercise
from synthetic import (MISTAKE, NOT_ATTEMPTED, WRONG, answer_values, class_plants, missing_submission, planted_class,
                       planted_counts, reported_counts)
from test_exercises_checks import remembering_exercise

STUDENTS = [f"s{i:03d}" for i in range(30)]
ASSIGNMENTS = ["01_first_look", "02_engagement_kpis", "03_when_to_post"]  # the benchmark's notebooks
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def new_course(folder: Path, assignments: list[str]) -> Path:
    """A course folder as far as the report reads it: its settings and its source assignments."""
    folder.mkdir(parents=True)
    CourseSettings(folder.name, "salt", scale="tiny", assignments=assignments).save(folder)
    for a in assignments:
        (folder / "source" / a).mkdir(parents=True)
        (folder / "source" / a / f"{a}.ipynb").write_text("{}")
    return folder


@pytest.fixture(scope="module")
def planted(tmp_path_factory, tiny_dataset):
    """The synthetic class judged and recorded: (course folder, exercises, plants, planted submissions)."""
    world = tiny_dataset
    course = new_course(tmp_path_factory.mktemp("report") / "bootcamp", ASSIGNMENTS)
    exercises = {a: remembering_exercise(a) for a in ASSIGNMENTS}  # each answer computed once for the shared world
    plants = {a: class_plants(exercises[a], world) for a in ASSIGNMENTS}
    submissions = planted_class(STUDENTS, plants)
    missing = missing_submission(STUDENTS, ASSIGNMENTS)
    outcomes = []
    for sid in STUDENTS:
        for a in ASSIGNMENTS:
            if (sid, a) == missing:
                outcomes.append(Outcome(sid, a, "missing", f"no submission (submitted/{sid}/{a}/)"))
                continue
            mine = {p.question: p for p in submissions.get((sid, a), [])}
            answers = {}
            for q in exercises[a].questions:
                answers.update(answer_values(q, mine.get(q.id), world))
            write_verdicts(course, sid, a, a, exercises[a], judge(exercises[a], answers, world))
            outcomes.append(Outcome(sid, a, "graded"))
    save_status(course, outcomes)
    return course, exercises, plants, {k: v for k, v in submissions.items() if k != missing}


@pytest.fixture(scope="module")
def report(planted, tmp_path_factory):
    """The report of the planted class, built once through the command line: (html path, stdout, CPU seconds)."""
    course = planted[0]
    out = tmp_path_factory.mktemp("out") / "monday.html"
    stdout = io.StringIO()
    start = time.process_time()
    with redirect_stdout(stdout):
        assert main(["course", "report", str(course), "--out", str(out)]) == 0
    seconds = time.process_time() - start
    print(f"class report of {len(STUDENTS)} students x {len(ASSIGNMENTS)} notebooks: {seconds:.2f} CPU s "
          "(imports included)")
    return out, stdout.getvalue(), seconds


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def expected_counts(planted) -> Counter:
    """(assignment, question, outcome, mistake id) -> how many submissions the plan gave it."""
    return planted_counts(planted[3])


def test_every_planted_mistake_appears_with_its_exact_count(planted, report):
    html_path, _, _ = report
    rows = read_csv(html_path.with_suffix(".csv"))
    expected = expected_counts(planted)
    assert reported_counts(html_path.with_suffix(".csv")) == expected
    assert {kind for _, _, kind, _ in expected} == {MISTAKE, NOT_ATTEMPTED, WRONG}
    assert len([k for k in expected if k[2] == MISTAKE]) == 3 * len(ASSIGNMENTS)
    graded = {a: len(STUDENTS) - (a == ASSIGNMENTS[1]) for a in ASSIGNMENTS}  # one student missed the second
    for r in rows:
        if r["outcome"] == "passed":
            lost = sum(n for (a, q, _, _), n in expected.items() if (a, q) == (r["assignment"], r["question"]))
            assert int(r["count"]) == graded[r["assignment"]] - lost, r


def test_each_mistake_row_names_who_made_it_and_what_they_saw(planted, report):
    _, exercises, _, submissions = planted
    rows = [r for r in read_csv(report[0].with_suffix(".csv")) if r["outcome"] == MISTAKE]
    for r in rows:
        q = exercises[r["assignment"]][r["question"]]
        who = sorted(sid for (sid, a), plants in submissions.items() if a == r["assignment"]
                     and any(p.question == q.id and p.mistake == r["mistake"] for p in plants))
        assert r["students"].split("; ") == who
        assert r["message"] == q.mistake(r["mistake"]).message


def test_reteach_first_is_the_three_costliest_planted_mistakes(planted, report):
    _, exercises, _, _ = planted
    cost = {key: n * exercises[key[0]][key[1]].points for key, n in expected_counts(planted).items()
            if key[2] == MISTAKE}
    counts = expected_counts(planted)
    # the report's order: points lost, then students, then the course's order of questions
    top = sorted(cost, key=lambda k: (-cost[k], -counts[k], ASSIGNMENTS.index(k[0]), int(k[1][1:])))[:3]
    html_path, stdout, _ = report
    lines = stdout.split("re-teach first:\n")[1].splitlines()[:3]
    assert [tuple(line.replace(":", " ").split()[:3]) for line in lines] == [(a, q, m) for a, q, _, m in top]
    for (a, q, _, m), line in zip(top, lines):
        assert f"{cost[(a, q, MISTAKE, m)]} points lost" in line


def judgement_shares(planted) -> dict[str, float]:
    """Each student's share of the judgement points, worked out from the plan alone."""
    _, exercises, _, submissions = planted
    missing = missing_submission(STUDENTS, ASSIGNMENTS)
    shares = {}
    for sid in STUDENTS:
        earned = available = 0
        for a in ASSIGNMENTS:
            wrong = {p.question for p in submissions.get((sid, a), [])}
            for q in exercises[a].questions:
                if q.judgement:
                    available += q.points
                    earned += q.points if (sid, a) != missing and q.id not in wrong else 0
        shares[sid] = earned / available
    return shares


def test_students_who_may_need_help_are_those_the_plan_puts_under_half(planted, report):
    html_path, _, _ = report
    students = {r["student"]: r for r in read_csv(html_path.with_name(f"{html_path.stem}_students.csv"))}
    shares = judgement_shares(planted)
    assert set(students) == set(STUDENTS)
    for sid, share in shares.items():
        assert float(students[sid]["judgement_share"]) == pytest.approx(share)
        assert (students[sid]["needs_help"] == "True") == (share < 0.5)
    helped = [sid for sid, share in shares.items() if share < 0.5]
    assert helped, "the plan should put someone under half of the judgement points"
    public, private = html_path.read_text().split('id="instructor"')
    for sid in helped:
        assert f"<td>{sid}</td>" in private
    shown = " ".join(Page(public + ">").text)  # the text of the part to project (the images are pictures)
    assert not any(sid in shown for sid in STUDENTS), "names belong in the instructor's part only"


def test_skill_shares_count_the_judgement_points_of_the_skills_notebooks(planted, report):
    _, exercises, _, submissions = planted
    html_path, _, _ = report
    skills = {r["skill"]: r for r in read_csv(html_path.with_name(f"{html_path.stem}_skills.csv"))}
    assert list(skills) == list(SKILLS)
    missing = missing_submission(STUDENTS, ASSIGNMENTS)
    for skill, notebooks in SKILLS.items():
        earned = available = 0
        for a in (a for a in ASSIGNMENTS if a in notebooks):
            for sid in STUDENTS:
                wrong = {p.question for p in submissions.get((sid, a), [])}
                for q in (q for q in exercises[a].questions if q.judgement):
                    available += q.points
                    earned += q.points if (sid, a) != missing and q.id not in wrong else 0
        assert int(skills[skill]["available"]) == available and int(skills[skill]["earned"]) == earned
    assert skills["creativity"]["share"] == ""  # notebook 06 is not in this course: not assessed, not 0%


class Page(html.parser.HTMLParser):
    """What a report page holds: its tags (checked balanced), attributes, images and text."""

    VOID = {"meta", "img", "br", "link", "input", "hr"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.open, self.tags, self.attrs, self.images, self.text, self.errors = [], Counter(), [], [], [], []
        self.feed(text)
        self.close()
        if self.open:
            self.errors.append(f"unclosed: {self.open}")

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attrs += attrs
        if tag == "img":
            self.images.append(dict(attrs))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def png_of(uri: str):
    import matplotlib.image

    assert uri.startswith("data:image/png;base64,")
    return matplotlib.image.imread(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])), format="png")


def test_the_page_is_self_contained_well_formed_and_runs_nothing(report):
    page = Page(report[0].read_text())
    assert not page.errors
    assert page.tags["script"] == 0 and page.tags["iframe"] == 0 and page.tags["link"] == 0
    assert not [name for name, _ in page.attrs if name.startswith("on")]
    assert all(value.startswith(("data:image/png;base64,", "#")) for name, value in page.attrs
               if name in ("src", "href"))
    assert "Content-Security-Policy" in report[0].read_text() and "default-src 'none'" in report[0].read_text()
    assert len(page.images) == len(ASSIGNMENTS) + 1  # one chart per assignment, one of the skills
    text = " ".join(page.text)
    assert "Re-teach first" in text and "Students who may need help" in text


def test_the_charts_hold_the_counts(planted, report):
    """Each assignment's chart draws every count of its table, and its image is a real picture."""
    from sandbox.report.charts import outcome_chart
    from sandbox.report.course import class_outcomes
    from sandbox.report.summary import summarize

    summary = summarize(class_outcomes(planted[0]).table)
    for a in ASSIGNMENTS:
        questions = summary.questions[summary.questions["assignment"] == a]
        mistakes = summary.mistakes[summary.mistakes["assignment"] == a]
        ax = outcome_chart(questions, mistakes, a).axes[0]
        drawn = Counter()
        for patch in ax.patches:
            if patch.get_width() > 0:
                drawn[round(patch.get_y() + patch.get_height() / 2)] += patch.get_width()
        assert [drawn[i] for i in range(len(questions))] == list(questions["answered"])  # every student, every bar
        segments = sorted(p.get_width() for p in ax.patches if p.get_width() > 0)
        assert Counter(segments) >= Counter(mistakes["count"].tolist())
    page = Page(report[0].read_text())
    for image in page.images:
        pixels = png_of(image["src"])
        assert pixels.shape[1] >= 600 and len({tuple(p) for p in pixels[::7, ::7].reshape(-1, pixels.shape[2])}) > 20
    alts = [image["alt"] for image in page.images[1:]]  # the skills chart comes first
    for (a, q, kind, m), n in expected_counts(planted).items():
        bar = next(part for part in alts[ASSIGNMENTS.index(a)].split("; ") if part.startswith(f"{q}: "))
        assert (f"{m} {n}" if kind == MISTAKE else f"{kind} {n}") in bar.split(", ")


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium to open the page in")
def test_the_page_renders_in_headless_chromium(report, tmp_path):
    """Chromium opens the file as an instructor would; the screenshot holds text and charts."""
    shot = tmp_path / "page.png"
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run(base + ["--dump-dom", report[0].as_uri()], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Re-teach first" in dom.stdout and dom.stdout.count("<img") == len(ASSIGNMENTS) + 1
    run = subprocess.run(base + [f"--screenshot={shot}", "--window-size=1280,2400", report[0].as_uri()],
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert len({tuple(p) for p in pixels[::9, ::9].reshape(-1, pixels.shape[2])}) > 50  # text and charts, not blank


def test_report_build_time_is_measured(report):
    """Done when: under 5 s on a 30-student class (measured and printed, never asserted: the machine is shared)."""
    print(f"class report build: {report[2]:.2f} CPU s")
    assert report[2] > 0


def test_student_supplied_text_is_escaped_everywhere(tmp_path, planted):
    """A student controls what their answers make a message quote; ids come from the roster or folder names."""
    evil_id, formula_id = "x<img src=x onerror=alert(1)>", "=cmd|'calc'!A0"
    evil = "<script>alert('pwned')</script> `</code><b>`"
    formula = '=HYPERLINK("http://evil", "click")'
    course = new_course(tmp_path / "c", ["01_first_look"])
    record = read_verdicts(planted[0], STUDENTS[0], "01_first_look")[0]
    record["questions"][0].update(status="failed", mistake="mistake-1", message=evil)
    record["questions"][1].update(status="failed", mistake="mistake-1", message=formula)
    for sid in (evil_id, formula_id):
        folder = verdicts_folder(course, sid, "01_first_look")
        folder.mkdir(parents=True)
        (folder / "01_first_look.json").write_text(json.dumps(record))
    save_status(course, [Outcome(sid, "01_first_look", "graded") for sid in (evil_id, formula_id)])
    out = tmp_path / "r.html"
    assert main(["course", "report", str(course), "--out", str(out)]) == 0
    text = out.read_text()
    page = Page(text)
    assert not page.errors and page.tags["script"] == 0
    assert not [name for name, _ in page.attrs if name.startswith("on")]
    assert "&lt;script&gt;" in text and "<code>&lt;/code&gt;&lt;b&gt;</code>" in text
    assert "x&lt;img src=x onerror=alert(1)&gt;" in text
    cells = [cell for name in ("r.csv", "r_students.csv") for row in csv.reader(open(tmp_path / name))
             for cell in row]
    assert "'" + formula_id in cells and "'" + formula in cells
    assert not [cell for cell in cells if cell.startswith("=")]


def test_bad_requests_are_clear_errors_and_write_nothing(tmp_path, planted, capsys):
    course = new_course(tmp_path / "c", ["01_first_look", "02_engagement_kpis"])
    assert main(["course", "report", str(course)]) == 2
    assert "has not been graded yet" in capsys.readouterr().err
    save_status(course, [Outcome("ann", "01_first_look", "missing")])
    assert main(["course", "report", str(course), "--assignment", "09_comments_sentiment"]) == 2
    assert "unknown assignment '09_comments_sentiment'; assignments: 01_first_look, 02_engagement_kpis" in \
        capsys.readouterr().err
    assert main(["course", "report", str(course), "--assignment", "02_engagement_kpis"]) == 2
    assert "02_engagement_kpis has not been graded yet" in capsys.readouterr().err
    assert main(["course", "report", str(tmp_path / "nowhere")]) == 2
    assert "is not a course folder" in capsys.readouterr().err
    assert main(["course", "report", str(planted[0]), "--out", str(tmp_path / "no" / "such" / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert sorted(p.name for p in course.iterdir()) == ["autograde_status.json", "course.json", "source"]


def test_one_assignment_only(planted, tmp_path):
    out = tmp_path / "only.html"
    assert main(["course", "report", str(planted[0]), "--assignment", "03_when_to_post", "--out", str(out)]) == 0
    assert {r["assignment"] for r in read_csv(out.with_suffix(".csv"))} == {"03_when_to_post"}
    assert reported_counts(out.with_suffix(".csv")) == \
        Counter({k: n for k, n in expected_counts(planted).items() if k[0] == "03_when_to_post"})


def test_an_assignment_nobody_handed_in_is_said_so_without_an_empty_chart(tmp_path, planted):
    course = new_course(tmp_path / "c", ASSIGNMENTS[:2])
    shutil.copytree(verdicts_folder(planted[0], STUDENTS[0], ASSIGNMENTS[0]), verdicts_folder(course, "ann", ASSIGNMENTS[0]))
    save_status(course, [Outcome("ann", ASSIGNMENTS[0], "graded"), Outcome("bob", ASSIGNMENTS[0], "missing")]
                + [Outcome(sid, ASSIGNMENTS[1], "missing") for sid in ("ann", "bob")])
    with redirect_stdout(io.StringIO()):
        assert main(["course", "report", str(course)]) == 0
    page = Page((course / "class_report.html").read_text())
    assert len(page.images) == 2  # the skills and the one assignment handed in
    assert "0 graded submissions, 2 missing." in " ".join(page.text)
    assert "No graded submission yet" in " ".join(page.text)
    students = {r["student"]: r for r in read_csv(course / "class_report_students.csv")}
    assert students["bob"]["earned"] == "0" and students["bob"]["no_submission"] == "; ".join(ASSIGNMENTS[:2])


def test_a_damaged_record_is_named(tmp_path, planted):
    course = new_course(tmp_path / "c", ["01_first_look"])
    folder = verdicts_folder(course, "ann", "01_first_look")
    folder.mkdir(parents=True)
    (folder / "01_first_look.json").write_text("{not json")
    with pytest.raises(ValueError, match=r"01_first_look.json is damaged .*grade the submission again"):
        read_verdicts(course, "ann", "01_first_look")


def test_verdicts_of_a_submission_that_is_no_longer_graded_are_dropped(tmp_path, planted):
    """autograde's collect: a regrade that finds the submission missing removes its old verdicts."""
    course = new_course(tmp_path / "c", ["01_first_look"])
    shutil.copytree(verdicts_folder(planted[0], STUDENTS[0], "01_first_look"),
                    verdicts_folder(course, "ann", "01_first_look"))
    private = tmp_path / "private"
    private.mkdir()
    collect(course, private, CourseSettings.load(course), [Outcome("ann", "01_first_look", "missing")], None)
    assert not verdicts_folder(course, "ann", "01_first_look").exists()
    assert (course / VERDICTS_DIR).is_dir()


def test_a_verdicts_message_names_at_most_one_mistake_of_its_question():
    """The report reads the mistake from the message the student saw: no two of a question's mistakes (or
    dropped steps) may share one, and the judge must not cut one short."""
    from sandbox.course.grade.judge import MAX_MESSAGE

    for notebook in NOTEBOOKS:
        for q in get_exercise(notebook).questions:
            messages = [m.message for m in q.known_mistakes]
            assert len(set(messages)) == len(messages), (notebook, q.id)
            assert max(map(len, messages), default=0) <= MAX_MESSAGE, (notebook, q.id)


def test_every_notebook_trains_a_skill():
    trained = {nb for notebooks in SKILLS.values() for nb in notebooks}
    assert trained == set(NOTEBOOKS)
    assert list(SKILLS) == ["data to insight", "creativity", "audience", "subject expertise"]
