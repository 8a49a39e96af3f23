"""CPU time of building a world's dirty exports, against a baseline version of the code, in the same run.

Usage::

    python benchmarks/bench_dirty.py                 # against main's code
    python benchmarks/bench_dirty.py --base 01a2390 --repeat 5

The baseline is the ``sandbox`` package of git revision ``--base`` (extracted with ``git archive`` into a
temporary folder); both run in fresh interpreters, alternately, on the committed default world (seed 0, small),
and the best of ``--repeat`` runs is kept. Two figures:

* ``world``: the exports of posts, campaigns and comments (what ``generate(..., dirty=0.1)`` adds);
* ``notebook 11``: what notebook 11's checks compute from a world (``ex.facts``): the export it makes for a learner
  and its parsed rows (before: the whole posts export; since exports are one file per brand and platform: the
  files of the brand the notebook uses).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs in a fresh interpreter with the package under test first on sys.path; prints JSON timings.
PROBE = r"""
import json, sys, time
import sandbox
from sandbox.generator import dirty
ds = sandbox.load_dataset(sys.argv[1])
out = {}
def cpu(f):
    t = time.process_time(); f(); return time.process_time() - t
from sandbox.exercises import ex11_dirty_export as ex
build = dirty.export_files if hasattr(dirty, "export_files") else dirty.export_of
out["world"] = sum(cpu(lambda n=n: build(ds, n, 0.1)) for n in dirty.EXPORT_TABLES)
out["notebook 11"] = cpu(lambda: ex.facts(ds))  # the export the notebook makes, parsed (what its checks need)
print(json.dumps(out))
"""


def extract(revision: str, into: Path) -> Path:
    """The sandbox package of ``revision``, extracted under ``into``."""
    archive = into / "base.tar"
    with open(archive, "wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", revision, "sandbox"], stdout=f, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def probe(package_root: Path, world: Path) -> dict:
    env_path = f"{package_root}"
    done = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r})\n" + PROBE,
                           str(world)], capture_output=True, text=True, check=True, cwd=package_root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--base", default="main", help="git revision of the baseline code (default: main)")
    p.add_argument("--repeat", type=int, default=3, help="runs of each version; the best is kept (default: 3)")
    args = p.parse_args(argv)
    world = ROOT / "datasets" / "default"
    best = {"base": {}, "this": {}}
    with tempfile.TemporaryDirectory() as tmp:
        base = extract(args.base, Path(tmp))
        for _ in range(args.repeat):
            for label, root in (("base", base), ("this", ROOT)):
                for k, v in probe(root, world).items():
                    best[label][k] = min(v, best[label].get(k, v))
    print(f"CPU seconds, best of {args.repeat} (default world; base = {args.base})")
    for k in best["this"]:
        print(f"  {k:<12} base {best['base'][k]:6.3f}   this {best['this'][k]:6.3f}   "
              f"ratio {best['this'][k] / best['base'][k]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
