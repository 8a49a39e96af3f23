"""A hostile student graded beside honest ones (issue 21): they keep full marks, and the instructor's browser,
the grader and the feedback folder stay safe.

One course, graded once with 2 jobs (module fixture). The roster interleaves hostile and honest students,
so that jobs go out in pairs: each hostile notebook runs while an honest one runs beside it.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from sandbox.course import autograde_course, build_course
from sandbox.course.kernel import isolation, limits

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not isolation.is_root(), reason="kernels apart from each other need root")]

A = "01_first_look"
CELL_TIMEOUT = 40
MEMORY = 1 * 2**30
POINTS = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1, "q6": 2, "q7": 1, "q8": 2, "q9": 3}
MB = 2**20

#: Starts processes until it cannot (from a small process, which forks fast), and holds them while its
#: neighbours are graded.
FORK_BOMB = '''
import subprocess, sys
BOMB = """
import os, time
forked = 0
try:
    while forked < 5000:
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
        forked += 1
except OSError as e:
    print('FORK STOPPED', forked, type(e).__name__, flush=True)
time.sleep(10)
"""
print(subprocess.run([sys.executable, '-c', BOMB], capture_output=True, text=True).stdout)
'''
#: Two hundred processes spinning on the CPU while its neighbours are graded (until its cell's time is up).
CPU_HOG = """
import os, signal, time
for _ in range(200):
    if os.fork() == 0:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            pass
time.sleep(60)
"""
#: 1.2 GB in three files.
DISK_FILL = """
written = 0
try:
    for i in range(3):
        with open(f'big{i}.bin', 'wb') as f:
            for _ in range(400):
                f.write(b'x' * 2**20)
                written += 2**20
except OSError as e:
    print('DISK STOPPED', written // 2**20, 'MB', type(e).__name__)
print('WROTE', written // 2**20, 'MB')
"""
#: Four processes each touching 700 MB: 2.8 GB together, past the kernel's cgroup (1 GB + disk + overhead).
MEMORY_HOG = """
import os, time
import numpy as np
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        block = np.ones(700 * 2**20, dtype=np.uint8)
        time.sleep(15)
        os._exit(0)
    children.append(pid)
print('HOG EXITS', [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children])
"""
MARK = "pwned"
#: HTML, markdown and a written answer that would run code in the instructor's browser.
XSS_CELL = f"""
from IPython.display import HTML, Javascript, Markdown, SVG, display
display(HTML('<b onmouseover="document.title=\\'{MARK}1\\'">table</b><script>document.title="{MARK}2"</script>'))
display(Javascript('document.title="{MARK}3"'))
display(Markdown('[click](javascript:document.title="{MARK}4")'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\\'{MARK}5\\'"><circle r="4"/></svg>'))
"""
XSS_MARKDOWN = f'<img src=x onerror="document.title=\'{MARK}6\'"> <a href="javascript:document.title=\'{MARK}7\'">see</a>'
XSS_WRITTEN = f'My answer. [details](javascript:document.title="{MARK}8") <iframe src="javascript:1"></iframe>'
#: Answers too large to judge: 2 million rows, a 30 MB label.
HUGE = "import pandas as pd\nn_posts = pd.DataFrame({'a': range(2_000_000)})\nmost_active_brand = 'x' * 30_000_000"

HOSTILE = {"a_bomb": FORK_BOMB, "c_disk": DISK_FILL, "e_memory": MEMORY_HOG, "i_spin": CPU_HOG}
HONEST = ["b_honest", "d_honest", "f_honest", "h_honest", "j_honest"]
STUDENTS = sorted([*HOSTILE, *HONEST, "g_xss"])


def right_answers(course: Path) -> dict[str, str]:
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("neighbours")
    roster = base / "roster.csv"
    roster.write_text("student_id\n" + "".join(f"{s}\n" for s in STUDENTS))
    course = base / "cs"
    build_course(course, roster=roster, salt="neighbours", exercises=["01"], scale="tiny", cell_timeout=CELL_TIMEOUT,
                 jobs=2, progress=False)
    right = right_answers(course)
    for sid in STUDENTS:
        dest = course / "submitted" / sid / A
        shutil.copytree(course / "release_students" / sid / A, dest)
        nb = nbformat.read(dest / f"{A}.ipynb", as_version=4)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in right:
                cell.source = right[gid] if gid != "q9_narrative" else "Instagram, by a wide margin."
        setup = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
        if sid in HOSTILE:
            nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(HOSTILE[sid]))
        if sid == "g_xss":
            nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(XSS_CELL))
            nb.cells.insert(setup + 1, nbformat.v4.new_markdown_cell(XSS_MARKDOWN))
            nb.cells.append(nbformat.v4.new_code_cell(HUGE))
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == "q9_narrative":
                    cell.source = XSS_WRITTEN
            (dest / "evil.html").write_text(f"<script>document.title='{MARK}9'</script>")
        nbformat.write(nb, dest / f"{A}.ipynb")
    report = autograde_course(course, jobs=2, progress=False, memory=MEMORY)
    with open(course / "sandbox_grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f)}
    return course, report, grades


def scores(grades, sid) -> dict:
    return {q: float(grades[sid][f"{A}:{q}"]) for q in POINTS}


def outputs(course, sid) -> str:
    nb = nbformat.read(course / "autograded" / sid / A / f"{A}.ipynb", as_version=4)
    return "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_honest_students_graded_beside_hostile_ones_keep_full_marks(graded):
    course, report, grades = graded
    status = json.loads((course / "autograde_status.json").read_text())
    for sid in HONEST:
        assert scores(grades, sid) == {q: float(p) for q, p in POINTS.items()}, (sid, status[sid])
        assert status[sid][A] == {"status": "graded", "message": ""}, sid


def test_a_fork_bomb_stops_at_its_own_kernels_limit(graded):
    course, _, _ = graded
    stopped = re.search(r"FORK STOPPED (\d+) (\w+)", outputs(course, "a_bomb"))
    assert stopped, outputs(course, "a_bomb")
    assert int(stopped[1]) < limits.MAX_PROCESSES and stopped[2] in ("BlockingIOError", "OSError")


def test_a_kernel_writes_at_most_its_disk(graded):
    """Its folder is full at its disk limit: the kernel runner cannot even write the outputs back (that hurts
    only the student who filled it)."""
    course, _, _ = graded
    status = json.loads((course / "autograde_status.json").read_text())["c_disk"][A]
    assert "No space left on device" in status["message"], status


def test_memory_of_all_a_kernels_processes_is_capped(graded):
    course, report, grades = graded
    kernel_cgroup = limits.KernelCgroup(limits.Limits(MEMORY))
    applied = kernel_cgroup.limits
    kernel_cgroup.kill_all()
    if "memory" not in applied:
        pytest.skip("no memory cgroup on this machine: only each process's address space is limited")
    exits = re.search(r"HOG EXITS \[(.*)\]", outputs(course, "e_memory"))
    # the kernel's own out-of-memory killer ended some of its children: not all 2.8 GB were held at once
    assert exits and "-9" in exits[1].split(", "), outputs(course, "e_memory")


def test_processes_spinning_in_one_kernel_leave_the_others_their_share(graded):
    """j_honest, graded beside it, kept full marks (test above); the spinning kernel ran out of its own time."""
    course, _, _ = graded
    nb = nbformat.read(course / "autograded" / "i_spin" / A / f"{A}.ipynb", as_version=4)
    spin = next(c for c in nb.cells if c.cell_type == "code" and "while True" in c.source)
    assert any(o.get("ename") == "CellTimeoutError" for o in spin.outputs), spin.outputs


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every script."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def dangerous(html: str) -> list:
    parsed = Elements()
    parsed.feed(html)
    found = [s for s in parsed.scripts if MARK in s]
    for tag, attrs in parsed.tags:
        found += [(tag, k) for k in attrs if k.startswith("on")]
        found += [(tag, k, v) for k, v in attrs.items() if v and v.strip().lower().startswith(("javascript:", "data:text"))]
        if tag in ("iframe", "object", "embed"):
            found.append(tag)
    return found


def rendered(course: Path, sid: str) -> str:
    """The autograded notebook as formgrader renders it (nbconvert's HTML exporter, no sanitising of its own)."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(course / "autograded" / sid / A / f"{A}.ipynb", as_version=4)
    return HTMLExporter().from_notebook_node(nb)[0]


def test_untrusted_html_is_inert_in_feedback_and_in_formgrader(graded):
    course, _, _ = graded
    feedback = (course / "feedback" / "g_xss" / A / f"{A}.html").read_text()
    for html in (feedback, rendered(course, "g_xss")):
        assert not dangerous(html), dangerous(html)
        assert "data:image/png;base64," in html  # the chart answer still shows
        assert "My answer." in html and "table" in html  # the student's text still shows, inert
    assert "GradeFailure" in feedback or "✓ q1: passed" in feedback  # our check messages still render


def test_feedback_holds_only_our_html(graded):
    course, _, _ = graded
    assert sorted(p.name for p in (course / "feedback" / "g_xss" / A).iterdir()) == [f"{A}.html"]


def test_answers_too_large_are_wrong_with_a_message_and_stay_out_of_feedback(graded):
    course, _, grades = graded
    got = scores(grades, "g_xss")
    assert got["q1"] == 0 and got["q8"] == 0
    feedback = course / "feedback" / "g_xss" / A / f"{A}.html"
    assert feedback.stat().st_size < 3 * MB
    assert (course / "autograded" / "g_xss" / A / f"{A}.ipynb").stat().st_size < 3 * MB
    text = feedback.read_text()
    assert "too large" in text and "2,000,000 rows" in text and "30,000,000 characters" in text


CHROMIUM = Path("/usr/bin/chromium")


def test_no_script_of_the_student_runs_when_a_browser_loads_the_pages(request, tmp_path):
    """Every payload sets the page's title when it runs; the DOM a headless browser ends with keeps ours."""
    import subprocess

    if not CHROMIUM.exists():  # checked before the course is graded (a skipif mark would grade it first)
        pytest.skip("no headless browser (/usr/bin/chromium) on this machine")
    course, _, _ = request.getfixturevalue("graded")
    formgrader = tmp_path / "formgrader.html"
    formgrader.write_text(rendered(course, "g_xss"))
    for page in (course / "feedback" / "g_xss" / A / f"{A}.html", formgrader):
        dom = subprocess.run([str(CHROMIUM), "--headless", "--disable-gpu", "--no-sandbox", "--virtual-time-budget=5000",
                              "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        assert title and MARK not in title[1], (page, title)
