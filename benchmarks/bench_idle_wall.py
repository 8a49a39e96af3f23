"""Idle-machine wall time of ``sandbox generate --posts N --format parquet``, projected from CPU time, against a
baseline version of the code in the same run.

On a shared machine the clock says little: a run gets whatever share of the cores the other work leaves it.
Its CPU time says more, and where the CPU goes says the rest. So each run is traced: every process of it (the
command, the fork server, the workers) logs its CPU seconds when it finishes importing, draws the world plan,
starts the worker pool, starts and ends each block, writes the world-wide tables and exits (a ``sitecustomize``
put first on the path for these runs only; the code under test is not changed). From the trace:

* this process: CPU before its first block (interpreter, imports, plan), after its last (world-wide tables,
  dataset.json, exit);
* each worker is ready when this process has started the pool and the fork server has done its imports (the
  fork server starts when it is started, in parallel), plus the worker's own CPU before its first block;
* each block's CPU, wherever it ran.

Blocks are then handed out in order to whichever process is free first (what ``run_blocks`` does, to within a
block) on as many idle cores as processes; the projected wall time is the last block's end plus this process's
work after it. With ``--jobs 1`` it is the run's CPU time.

    python benchmarks/bench_idle_wall.py                         # 1M posts, jobs 1 and 2, against main
    python benchmarks/bench_idle_wall.py --base a33b172 --runs 2
"""

from __future__ import annotations

import argparse
import heapq
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench_dirty import ROOT, extract  # the baseline's package, from git archive

#: Put first on the path of a traced run: logs "pid event cpu_seconds wall_seconds" lines to $SANDBOX_TRACE.
TRACER = r'''
import atexit, importlib.abc, importlib.machinery, os, sys, time
_file = os.environ.get("SANDBOX_TRACE")
if _file:
    def log(event):
        with open(_file, "a") as f:
            f.write(f"{os.getpid()} {event} {time.process_time():.4f} {time.time():.4f}\n")
    log("start")
    atexit.register(lambda: log("exit"))

    def wrap(module, name, event):
        real = getattr(module, name)
        def traced(*args, **kwargs):
            label = event(args) if callable(event) else event
            log(label + "-start")
            try:
                return real(*args, **kwargs)
            finally:
                log(label + "-end")
        traced.__name__ = traced.__qualname__ = name
        traced.__module__ = module.__name__
        setattr(module, name, traced)

    class Finder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "sandbox.partitioned":
                return None
            sys.meta_path.remove(self)
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            load = spec.loader.exec_module
            def exec_module(module):
                load(module)
                wrap(module, "write_block", lambda args: f"block{args[1]}")
                for name, event in (("plan_world", "plan"), ("start_pool", "pool"), ("global_tables", "global"),
                                    ("_init_worker", "worker")):
                    wrap(module, name, event)
                log("imported")
            spec.loader.exec_module = exec_module
            return spec
    sys.meta_path.insert(0, Finder())
'''


def traced_run(code: Path, posts: int, jobs: int, seed: int, scratch: Path) -> dict[int, list]:
    """Run the command on the package under ``code``; its trace: pid -> [(event, cpu, wall)]."""
    trace, out = scratch / "trace.txt", scratch / "world"
    trace.unlink(missing_ok=True)
    env = dict(os.environ, SANDBOX_TRACE=str(trace), PYTHONPATH=f"{scratch / 'tracer'}{os.pathsep}{code}")
    subprocess.run([sys.executable, "-m", "sandbox", "generate", "--posts", str(posts), "--jobs", str(jobs),
                    "--format", "parquet", "--seed", str(seed), "--quiet", "--out", str(out)],
                   env=env, cwd=scratch, check=True, capture_output=True)
    shutil.rmtree(out)
    events = defaultdict(list)
    for line in trace.read_text().splitlines():
        pid, event, cpu, wall = line.split()
        events[int(pid)].append((event, float(cpu), float(wall)))
    return events


def project(events: dict[int, list]) -> dict:
    """Phases and the projected idle wall time of one traced run (see the module docstring)."""
    main = next(p for p, es in events.items() if any(e == "plan-start" for e, _, _ in es))
    workers = [p for p, es in events.items() if any(e == "worker-start" for e, _, _ in es)]
    servers = [p for p, es in events.items() if p != main and p not in workers and any(e == "imported" for e, _, _ in es)]
    at = {e: c for e, c, _ in events[main]}
    blocks, started = {}, {}
    for es in events.values():
        for e, c, _ in es:
            if e.startswith("block"):
                block, what = e[5:].split("-")
                if what == "start":
                    started[block] = c
                else:
                    blocks[int(block)] = c - started[block]
    mine = [c for e, c, _ in events[main] if e.startswith("block")]
    first, last = min(mine), max(mine)
    server_cpu = sum(max(c for _, c, _ in events[p]) for p in servers)
    server_start = min((w for p in servers for e, _, w in events[p] if e == "start"), default=0.0)
    main_at_server_start = max((c for _, c, w in events[main] if w <= server_start), default=0.0)
    ready = [max(at.get("pool-start", 0.0), main_at_server_start + server_cpu)
             + min(c for e, c, _ in events[w] if e.startswith("block") and e.endswith("-start")) for w in workers]
    free = [(first, 0)] + [(r, i + 1) for i, r in enumerate(ready)]
    heapq.heapify(free)
    end = 0.0
    for block in sorted(blocks):
        t, who = heapq.heappop(free)
        end = max(end, t + blocks[block])
        heapq.heappush(free, (t + blocks[block], who))
    return {"cpu": sum(max(c for _, c, _ in es) for es in events.values()), "import": at["imported"],
            "plan": at["plan-end"] - at["plan-start"], "before": first, "blocks": sum(blocks.values()),
            "n_blocks": len(blocks), "server": server_cpu, "ready": ready, "after": at["exit"] - last,
            "idle_wall": end + at["exit"] - last}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--posts", type=int, default=1_000_000, help="world size in posts (default 1000000)")
    p.add_argument("--jobs-list", default="1,2", help="job counts, comma-separated (default 1,2)")
    p.add_argument("--base", default="main", help="git revision of the baseline code (default: main)")
    p.add_argument("--runs", type=int, default=1, help="interleaved runs of each; the lowest projection is kept")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    jobs_list = [int(j) for j in args.jobs_list.split(",")]
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-idle-") as tmp:
        scratch = Path(tmp)
        (scratch / "tracer").mkdir()
        (scratch / "tracer" / "sitecustomize.py").write_text(TRACER)
        (scratch / "base").mkdir()
        codes = {f"base ({args.base})": extract(args.base, scratch / "base"), "this checkout": ROOT}
        best: dict[tuple, dict] = {}
        for _ in range(args.runs):
            for jobs in jobs_list:
                for name, code in codes.items():  # alternately, so a burst of other work hits both
                    r = project(traced_run(code, args.posts, jobs, args.seed, scratch))
                    print(f"  {name}, --jobs {jobs}: projected {r['idle_wall']:.2f} s", file=sys.stderr, flush=True)
                    if (name, jobs) not in best or r["idle_wall"] < best[name, jobs]["idle_wall"]:
                        best[name, jobs] = r
    print(f"--posts {args.posts:,}; load average before the runs {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; CPU seconds")
    print(f"{'code':<22}{'jobs':>5}{'all CPU':>9}{'import':>8}{'plan':>7}{'1st block':>10}{'blocks':>8}"
          f"{'n':>4}{'server':>8}{'ready':>7}{'after':>7}{'idle wall':>11}")
    for (name, jobs), r in best.items():
        ready = ", ".join(f"{x:.2f}" for x in r["ready"]) or "-"
        print(f"{name:<22}{jobs:>5}{r['cpu']:>9.2f}{r['import']:>8.2f}{r['plan']:>7.2f}{r['before']:>10.2f}"
              f"{r['blocks']:>8.2f}{r['n_blocks']:>4}{r['server']:>8.2f}{ready:>7}{r['after']:>7.2f}{r['idle_wall']:>9.2f} s")
    for jobs in jobs_list:
        base, new = (best[name, jobs]["idle_wall"] for name in codes)
        print(f"--jobs {jobs}: {new:.2f} s projected on idle cores, {new / base:.2f}x the baseline's {base:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
