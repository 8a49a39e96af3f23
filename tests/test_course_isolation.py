"""The isolated kernel and the values that leave it, without nbgrader."""

import json
import socket
import sys
import time

import nbformat
import pandas as pd
import pytest

from sandbox.course.kernel import isolation
from sandbox.course.grade.isolated_run import run_isolated
from sandbox.course.kernel.inside.kernel_run import KERNEL_KILLED
from sandbox.exercises._policy import HINTS_OFF, SOLUTIONS_HIDDEN, Policy

STUBBORN = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory, tiny_dataset):
    folder = tmp_path_factory.mktemp("world") / "data"
    tiny_dataset.save(folder)
    return folder


def others_can_run_this_python() -> bool:
    """Every folder on the way to this Python is open to other users (not so for a Python under /root)."""
    import os
    from pathlib import Path

    real = Path(os.path.realpath(sys.executable))
    return all(p.stat().st_mode & 0o001 for p in real.parents) and bool(real.stat().st_mode & 0o001)


def run(nb_cells, data_dir, variables=(), timeout=30, policy=Policy()):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in nb_cells])
    return run_isolated(nb, data_dir, list(variables), timeout=timeout, mode=isolation.detect_mode(),
                        limits=isolation.Limits(), hidden=[], policy=policy)


@pytest.mark.slow
def test_values_leave_the_kernel_as_plain_data(data_dir):
    got = run(["import sandbox, pandas as pd\nds = sandbox.load_dataset()",
               "n = len(ds.posts)\nts = ds.posts['posted_at'].min()\ns = ds.posts['platform'].value_counts()\n"
               "f = ds.brands.head(2)\nnames = {'a', 'b'}\npair = (1.5, 'x')\nfn = lambda: 1\nempty = None"],
              data_dir, ["n", "ts", "s", "f", "names", "pair", "fn", "empty", "absent"])
    a = got.answers
    assert a["n"] > 0 and isinstance(a["n"], int)
    assert isinstance(a["ts"], pd.Timestamp) and str(a["ts"].tz) == "UTC"
    assert isinstance(a["s"], pd.Series) and a["s"].sum() == a["n"] and a["s"].name == "count"
    assert isinstance(a["f"], pd.DataFrame) and len(a["f"]) == 2
    assert a["names"] == {"a", "b"} and a["pair"] == (1.5, "x")
    assert a["fn"].type_name == "function"
    assert "empty" not in a and "absent" not in a
    # a chart answer (the Axes seaborn returns) leaves as the data of its bars, which the chart questions check
    chart = run(["import matplotlib\nmatplotlib.use('Agg')\nimport seaborn as sns",
                 "ax = sns.barplot(x=['b', 'a'], y=[2.0, 1.0], errorbar=None)\nax.set_title('t')"],
                data_dir, ["ax"]).answers["ax"]
    assert chart["kind"] == "bar chart" and chart["title"] == "t"
    assert dict(zip(chart["labels"], chart["values"])) == {"b": 2.0, "a": 1.0}
    # the released copy of the world has no truth and no seed
    probe = run(["import json, os\nprint(sorted(os.listdir('data')))\n"
                 "print('seed' in json.load(open('data/dataset.json')))",
                 "try:\n    big = bytearray(5 * 2**30)\nexcept MemoryError:\n    print('memory limited')"], data_dir)
    text = probe.outputs[0][0]["text"]
    assert "truth.json" not in text and "truth'" not in text and text.strip().endswith("False")
    assert probe.outputs[1][0]["text"] == "memory limited\n"  # the default 4 GB limit


@pytest.mark.slow
def test_a_sigint_ignoring_cell_ends_within_timeout_plus_15_s(data_dir):
    start = time.monotonic()
    run(["x = 1"], data_dir, ["x"], timeout=3)
    baseline = time.monotonic() - start
    start = time.monotonic()
    got = run(["x = 1", STUBBORN, "y = 2"], data_dir, ["x", "y"], timeout=3)
    elapsed = time.monotonic() - start
    assert elapsed - baseline < 3 + 15, (elapsed, baseline)
    assert got.outputs[1][-1]["ename"] == KERNEL_KILLED and got.outputs[2][0]["ename"] == KERNEL_KILLED
    assert "ignored the interrupt" in got.stopped and got.answers == {}


@pytest.mark.slow
def test_an_interruptible_loop_only_fails_its_cell(data_dir):
    got = run(["x = 1", "while True:\n    pass", "y = 2"], data_dir, ["x", "y"], timeout=3)
    assert "CellTimeoutError" in {o.get("ename") for o in got.outputs[1]} and got.answers == {"x": 1, "y": 2}
    assert got.stopped == ""


@pytest.mark.parametrize("policy", [Policy(solutions=False, hints=True), Policy(solutions=True, hints=False),
                                    Policy()])
def test_course_policy_hides_solutions_and_hints(tmp_path, monkeypatch, policy):
    from sandbox.exercises import get_exercise

    policy.write(tmp_path)
    monkeypatch.chdir(tmp_path)
    exercise = get_exercise("01_first_look")
    q1 = exercise.setup({})[0]
    solution, hint = repr(q1.solution()), repr(q1.hint(2))
    reference = exercise.questions[0].solution
    assert (reference in solution) == policy.solutions
    assert (SOLUTIONS_HIDDEN in solution) != policy.solutions
    assert (HINTS_OFF in hint) != policy.hints
    assert (exercise.questions[0].hints[1] in hint) == policy.hints


def test_files_the_kernel_planted_as_links_are_never_followed(tmp_path):
    from sandbox.course.grade.answers import Unsupported, load_answers
    from sandbox.course.grade.isolated_run import collect, read_untrusted

    secret = tmp_path / "course.json"
    secret.write_text('{"salt": "s3cret"}')
    work = tmp_path / "work"
    (work / "out" / "answers").mkdir(parents=True)
    (work / "out" / "cells.json").symlink_to(secret)
    (work / "out" / "answers" / "answers.json").write_text(json.dumps(
        {"s": {"kind": "series", "file": "v0.parquet"}, "t": {"kind": "frame", "file": "../../x.parquet"},
         "n": {"kind": "json", "value": {"not": "plain"}}, "ok": {"kind": "json", "value": 3}}))
    (work / "out" / "answers" / "v0.parquet").symlink_to(secret)
    assert read_untrusted(work, "out/cells.json", 1000) is None
    answers = load_answers(lambda name, limit: read_untrusted(work / "out" / "answers", name, limit))
    assert answers["ok"] == 3
    assert all(isinstance(answers[k], Unsupported) for k in ("s", "t", "n"))
    got = collect(work, isolation.SandboxRun(0, ""))
    assert got.outputs is None


def test_isolation_wrappers():
    import os

    work = isolation.make_workdir("none")
    try:
        if isolation.is_root():
            with pytest.raises(ValueError, match="belongs to root"):  # a kernel never runs as root
                isolation.wrapper("bwrap+nobody", work, [work])
            os.chown(work, isolation.RUN_UID_BASE + 7, isolation.RUN_UID_BASE + 7)
        uid = work.stat().st_uid
        strong = isolation.wrapper("bwrap+nobody", work, [work])
        assert "--unshare-net" in strong and strong[-5:] == ["setpriv", f"--reuid={uid}", f"--regid={uid}",
                                                            "--clear-groups", "--"]
        assert strong.index(str(work)) < strong.index("--bind")  # hidden folders are emptied
        assert isolation.wrapper("none", work, []) == []
        with pytest.raises(ValueError, match="unknown isolation mode 'x'; modes: bwrap\\+nobody, bwrap, netns\\+nobody, nobody, none"):
            isolation.wrapper("x", work, [])
    finally:
        isolation.remove_workdir(work)


#: Connects to the port given, then to a port it listens on itself (the kernel's own ZMQ sockets need that).
CONNECT = ("import socket, sys\n"
           "for port in (int(sys.argv[1]), None):\n"
           "    own = socket.create_server(('127.0.0.1', 0)) if port is None else None\n"
           "    try:\n"
           "        socket.create_connection(('127.0.0.1', port or own.getsockname()[1]), timeout=5).close()\n"
           "        print('connected')\n"
           "    except OSError as e:\n"
           "        print('failed:', e)")


@pytest.fixture
def listening_port():
    """A port listening on the machine's 127.0.0.1, outside any sandbox."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def connect_from(mode: str, port: int) -> list[str]:
    """What CONNECT prints in ``mode``: [outside port, own port]."""
    work = isolation.make_workdir(mode)
    try:
        run = isolation.run_sandboxed([sys.executable, "-I", "-c", CONNECT, str(port)], work, mode, [],
                                      isolation.Limits(), time_limit=60, env=isolation.minimal_env(work))
        assert run.returncode == 0, run.output
        return run.output.splitlines()
    finally:
        isolation.remove_workdir(work)


@pytest.mark.skipif(not isolation.is_root(), reason="the nobody modes need root")
def test_netns_nobody_mode_has_its_own_loopback_but_not_the_machines(listening_port):
    assert connect_from("nobody", listening_port) == ["connected", "connected"]  # the port is reachable
    outside, own = connect_from("netns+nobody", listening_port)
    assert outside == "failed: [Errno 111] Connection refused" and own == "connected"


@pytest.mark.skipif(not isolation.is_root(), reason="the nobody modes need root")
def test_root_without_bubblewrap_gets_netns_nobody_or_nobody_if_namespaces_are_refused(monkeypatch):
    which = isolation.shutil.which
    monkeypatch.setattr(isolation.shutil, "which", lambda name: None if name == "bwrap" else which(name))
    if not others_can_run_this_python():  # a kernel could not start its kernel: no nobody mode works here
        assert isolation.detect_mode.__wrapped__() == "none"
        return
    assert isolation.detect_mode.__wrapped__() == "netns+nobody"

    def refused(flags):
        raise PermissionError(1, "unshare: Operation not permitted")
    monkeypatch.setattr(isolation, "_unshare_function", lambda: refused)
    assert isolation.detect_mode.__wrapped__() == "nobody"


#: Starts a process in a session of its own that outlives this one, and writes its pid down.
ESCAPE = ("import subprocess\n"
          "p = subprocess.Popen(['sleep', '300'], start_new_session=True, stdout=subprocess.DEVNULL,\n"
          "                     stderr=subprocess.DEVNULL)\n"
          "open('escaped.pid', 'w').write(str(p.pid))")


def escaped_pid_after_run(mode: str) -> int:
    work = isolation.make_workdir(mode)
    try:
        run = isolation.run_sandboxed([sys.executable, "-I", "-c", ESCAPE], work, mode, [], isolation.Limits(),
                                      time_limit=60, env=isolation.minimal_env(work))
        assert run.returncode == 0, run.output
        return int((work / "escaped.pid").read_text())
    finally:
        isolation.remove_workdir(work)


def alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not isolation.is_root(), reason="the nobody modes need root")
@pytest.mark.parametrize("mode", ["nobody", "netns+nobody"])
def test_what_a_run_leaves_running_is_killed_when_it_ends(mode, monkeypatch):
    """A background process in its own session would outlive the run as nobody, next to the next kernels."""
    from sandbox.course.kernel import limits

    probe = isolation.KernelCgroup(isolation.Limits())
    made, _ = bool(probe.folders), probe.kill_all()  # kill_all also removes it
    if not made:
        pytest.skip("no cgroup can be made on this machine")
    assert not alive(escaped_pid_after_run(mode))
    monkeypatch.setattr(limits, "cgroup_parents", dict)  # without the run's cgroup, it does outlive the run
    pid = escaped_pid_after_run(mode)
    try:
        assert alive(pid)
    finally:
        import os
        import signal
        os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not isolation.is_root(), reason="the nobody modes need root")
@pytest.mark.parametrize("mode", ["nobody", "netns+nobody"])
def test_kernels_without_bubblewrap_cannot_reach_each_others_folders(mode, tmp_path):
    """Without namespaces, kernels grading at the same time must not share a user (they would as nobody)."""
    other = isolation.make_workdir(mode)
    work = isolation.make_workdir(mode)
    try:
        (other / "answers.json").write_text("{}")
        isolation.hand_over(other, mode)
        assert other.stat().st_uid != work.stat().st_uid and other.stat().st_mode & 0o777 == 0o700
        probe = (f"import os\n"
                 f"for act in (lambda: os.listdir({str(other)!r}), lambda: open({str(other)!r} + '/answers.json', 'w')):\n"
                 f"    try:\n        act()\n        print('reached')\n"
                 f"    except PermissionError:\n        print('refused')\n"
                 f"print(os.getuid())")
        run = isolation.run_sandboxed([sys.executable, "-I", "-c", probe], work, mode, [], isolation.Limits(),
                                      time_limit=60, env=isolation.minimal_env(work))
        assert run.output.split() == ["refused", "refused", str(work.stat().st_uid)], run.output
    finally:
        isolation.remove_workdir(other)
        isolation.remove_workdir(work)


@pytest.mark.skipif(not isolation.is_root(), reason="the nobody modes need root")
def test_a_user_without_an_account_can_run_what_a_kernel_runs():
    """No passwd entry for the kernel's user: what a kernel imports and makes must not need one."""
    work = isolation.make_workdir("netns+nobody")
    probe = ("import os, getpass, IPython, ipykernel.ipkernel, matplotlib.pyplot as plt, sandbox\n"
             "IPython.core.interactiveshell.InteractiveShell.instance()\n"
             "plt.figure(); plt.savefig('chart.png')\n"
             "print(os.getuid(), os.path.expanduser('~'), getpass.getuser())")
    try:
        run = isolation.run_sandboxed([sys.executable, "-I", "-c", probe], work, "netns+nobody", [],
                                      isolation.Limits(), time_limit=120, env=isolation.minimal_env(work))
        assert run.returncode == 0, run.output
        uid, home, _ = run.output.split()[-3:]
        assert int(uid) == work.stat().st_uid >= isolation.RUN_UID_BASE and home.startswith(str(work))
    finally:
        isolation.remove_workdir(work)


def test_a_run_ends_with_its_process_even_if_another_holds_its_output():
    """A background process keeping the output pipe open must not hold the grader until the time limit."""
    work = isolation.make_workdir("none")
    holder = "import subprocess\nsubprocess.Popen(['sleep', '60'], start_new_session=True)\nprint('done')"
    try:
        start = time.monotonic()
        run = isolation.run_sandboxed([sys.executable, "-I", "-c", holder], work, "none", [], isolation.Limits(),
                                      time_limit=50, env=isolation.minimal_env(work))
        took = time.monotonic() - start
        assert run.returncode == 0 and run.output.strip() == "done"
        assert took < isolation.OUTPUT_GRACE + 5, took
    finally:
        isolation.remove_workdir(work)
