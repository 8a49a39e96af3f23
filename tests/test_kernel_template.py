"""Kernels forked from a template: same results as a fresh interpreter, same isolation, nothing shared."""

import contextlib
import copy
import json
import time

import nbformat
import psutil
import pytest

from sandbox.course.kernel import isolation
from sandbox.course.grade.isolated_run import run_isolated
from sandbox.course.grade.judge import answer_variables, exercise_of
from sandbox.course.kernel.kernel_template import KernelTemplate, TemplateServer
from synthetic import solution_answers
from sandbox.exercises import NOTEBOOKS
from sandbox.exercises._policy import Policy

pytestmark = pytest.mark.skipif(isolation.detect_mode() != "bwrap+nobody",
                                reason="kernel templates serve the bwrap+nobody mode (root with bubblewrap)")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, tiny_dataset):
    folder = tmp_path_factory.mktemp("world") / "data"
    tiny_dataset.save(folder)
    return folder


@pytest.fixture(scope="module")
def template():
    t = KernelTemplate()
    yield t
    t.close()


def run(cells, data_dir, template, variables=(), timeout=30):
    nb = cells if isinstance(cells, nbformat.NotebookNode) else \
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    return run_isolated(nb, data_dir, list(variables), timeout=timeout, mode="bwrap+nobody",
                        limits=isolation.Limits(), hidden=[], policy=Policy(), template=template)


def shape(outputs):
    """What a cell showed, without what may differ between two runs of the same code (images, timings)."""
    return [[(o["output_type"], o.get("name"), sorted(o.get("data", {})), o.get("ename"),
              o.get("data", {}).get("text/plain") if o["output_type"] == "execute_result" else None)
             for o in cell] for cell in outputs]


def solved(notebook: str):
    """The solution notebook with its answer cells filled in, as a student hands it in."""
    from sandbox._notebooks import authored_dir

    return nbformat.read(authored_dir("solutions") / f"{notebook}.ipynb", as_version=4)


#: Notebooks that between them import every library a graded notebook uses (pandas, seaborn, scipy, statsmodels,
#: time zones, re, files written from the kernel): 07, 08, 10 and 12 import nothing these do not.
FORK_CHECKED = [n for n in sorted(NOTEBOOKS) if n[:2] in {"01", "02", "03", "04", "05", "06", "09", "11"}]


@pytest.mark.slow
@pytest.mark.parametrize("notebook", FORK_CHECKED)
def test_a_forked_kernel_gives_what_a_fresh_interpreter_gives(notebook, data_dir, template):
    nb = solved(notebook)
    variables = answer_variables(exercise_of(notebook))
    fresh = run(copy.deepcopy(nb), data_dir, None, variables)
    forked = run(copy.deepcopy(nb), data_dir, template, variables)
    assert fresh.stopped == forked.stopped == ""
    assert shape(forked.outputs) == shape(fresh.outputs)
    images = [o for cell in forked.outputs for o in cell if "image/png" in o.get("data", {})]
    assert len(images) == len([o for cell in fresh.outputs for o in cell if "image/png" in o.get("data", {})]) > 0
    assert forked.answers.keys() == fresh.answers.keys() and forked.answers.keys()
    for name, value in fresh.answers.items():
        got = forked.answers[name]
        assert got.equals(value) if hasattr(value, "equals") else got == value, name


@pytest.mark.slow
def test_nothing_of_one_notebook_reaches_the_next(data_dir, template):
    # (a patch the kernel itself needs, such as builtins.len, would only hang this notebook until its timeout)
    first = run(["import pandas as pd, sandbox\npd.DataFrame.sum = lambda *a, **k: 42\nsandbox.LEFT_BEHIND = 1\n"
                 "import builtins\nbuiltins.abs = lambda x: 0\nbuiltins.LEFT_BEHIND = 1\n"
                 "patched = (pd.DataFrame({'a': [1, 2]}).sum(), abs(-2))"], data_dir, template, ["patched"])
    assert first.answers["patched"] == (42, 0)  # the patches took effect in their own notebook
    got = run(["import pandas as pd, sandbox, builtins\nclean = (int(pd.DataFrame({'a': [1, 2]}).sum().iloc[0]), "
               "hasattr(sandbox, 'LEFT_BEHIND'), abs(-2), hasattr(builtins, 'LEFT_BEHIND'))"],
              data_dir, template, ["clean"])
    assert got.answers["clean"] == (3, False, 2, False)


@pytest.mark.slow
def test_a_forked_kernel_is_as_confined_as_a_fresh_one(data_dir, template):
    probe = ("import os\n"
             "status = dict(l.split(':\\t') for l in open('/proc/self/status').read().splitlines() if ':\\t' in l)\n"
             "facts = {'uid': os.getuid(), 'caps': status['CapEff'].strip(), 'nnp': status['NoNewPrivs'].strip(),\n"
             "         'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),\n"
             "         'tmp': os.listdir('/tmp'), 'cwd': os.getcwd()}\n"
             "import socket\n"
             "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); facts['net'] = 'open'\n"
             "except OSError:\n    facts['net'] = 'none'")
    got = run([probe], data_dir, template, ["facts"]).answers["facts"]
    assert got["uid"] >= isolation.RUN_UID_BASE and int(got["caps"], 16) == 0 and got["nnp"] == "1"
    assert max(got["pids"]) < 50, got["pids"]  # its own pid namespace: no grader, no template, no other kernel
    # /tmp: its own folder, and the Python installation or package when they live under /tmp (a clone there)
    allowed = {got["cwd"].split("/")[2]} | {p.split("/")[2] for p in isolation.needed_paths() if p.startswith("/tmp/")}
    assert set(got["tmp"]) <= allowed and got["cwd"].split("/")[2] in got["tmp"] and got["net"] == "none"


@pytest.mark.slow
def test_what_a_notebook_leaves_running_dies_with_its_sandbox(data_dir, template):
    marker = "3217.25"
    run([f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n"
         f"import os\nif os.fork() == 0:\n    os.setsid()\n    os.execvp('sleep', ['sleep', '{marker}'])"],
        data_dir, template)
    left = [p.pid for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]
    assert left == []


@pytest.mark.slow
def test_a_dead_template_is_replaced(data_dir, template):
    template.start()
    template.proc.kill()
    template.proc.wait()
    got = run(["x = 1"], data_dir, template, ["x"])
    assert got.answers == {"x": 1}


@pytest.mark.slow
def test_workers_share_one_template_and_run_at_once(data_dir):
    """Two workers' notebooks run together from one template's sessions; neither worker starts a template."""
    from concurrent.futures import ThreadPoolExecutor

    server = TemplateServer()
    clients = [KernelTemplate(server.address), KernelTemplate(server.address)]
    try:
        with ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(run, ["import time\ntime.sleep(4)\nx = 1"], data_dir, c, ["x"]) for c in clients]
            most = 0  # sessions running a notebook at the same time
            while not all(r.done() for r in runs):
                with contextlib.suppress(psutil.Error):
                    most = max(most, sum(bool(s.children()) for s in psutil.Process(server.proc.pid).children()))
                time.sleep(0.02)
            assert [r.result().answers for r in runs] == [{"x": 1}, {"x": 1}]
        assert most == 2
        assert all(c.proc is None for c in clients)  # no template of their own
        server.close()
        got = run(["x = 2"], data_dir, clients[0], ["x"])  # the shared one is gone: it starts its own
        assert got.answers == {"x": 2} and clients[0].proc is not None
    finally:
        for c in clients:
            c.close()
        server.close()


def test_the_template_runs_no_notebook_code_itself(tmp_path):
    """Its job carries the kernel's folder and environment only: no salt, no course, no truth."""
    from sandbox.course.grade import isolated_run

    seen = {}

    class Recorder(KernelTemplate):
        def run(self, job, time_limit, on_timeout):
            seen.update(job)
            return 0

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    world = tmp_path / "world"
    world.mkdir()
    (world / "dataset.json").write_text(json.dumps({}))
    isolated_run.run_isolated(nb, world, ["x"], timeout=5, mode="bwrap+nobody", limits=isolation.Limits(),
                              hidden=[], policy=Policy(), template=Recorder())
    assert set(seen) == {"holder", "workdir", "env", "uid", "limits", "cgroups"}
    assert seen["uid"] >= isolation.RUN_UID_BASE and not any("salt" in k.lower() for k in seen["env"])


#: Allocates (and touches) 16 MB blocks until the kernel refuses, then frees them; writes 1 MB blocks to files
#: until the folder is full, then removes them. ``allocatable`` and ``writable`` are what it got.
MEASURE_LIMITS = """
import os
import numpy as np
allocatable, blocks = 0, []
try:
    while allocatable < 64 * 2**30:
        blocks.append(np.ones(16 * 2**20, dtype=np.uint8))
        allocatable += 16 * 2**20
except MemoryError:
    pass
del blocks
writable = 0
try:
    for i in range(8):
        with open(f'fill{i}.bin', 'wb') as f:
            for _ in range(256):
                f.write(b'x' * 2**20)
                writable += 2**20
except OSError:
    pass
for i in range(8):
    if os.path.exists(f'fill{i}.bin'):
        os.remove(f'fill{i}.bin')
"""


@pytest.mark.slow
def test_a_kernel_gets_the_memory_and_disk_it_is_given(data_dir, template):
    """--memory is what the student can allocate (not the kernel's own address space plus it), and the kernel's
    folder holds its disk limit on top of what the grader put there, no more."""
    from sandbox.course.grade import isolated_run

    memory, disk = 2**30, 256 * 2**20
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(MEASURE_LIMITS)])
    got = run_isolated(nb, data_dir, ["allocatable", "writable"], timeout=120, mode="bwrap+nobody",
                       limits=isolation.Limits(memory=memory, disk=disk), hidden=[], policy=Policy(),
                       template=template).answers
    # within 64 MB: what the kernel held when its limit was set includes mappings it later gives back
    assert abs(got["allocatable"] - memory) <= 64 * 2**20, got
    assert disk - 2**20 <= got["writable"] <= disk + isolated_run.GIVEN_SLACK, got
