"""CLI commands for exercises: `sandbox check`, `sandbox progress`, `sandbox exercises get` and `sandbox exercises release`."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from ._cli_data import GENERATE
from .cli import CliError, add_command, add_library_option


def register(subparsers) -> None:
    p = add_command(
        subparsers, "check",
        "Run an exercise notebook headless and print a per-question report and the score. "
        "Exit code 0 when the notebook ran (whatever the score), 1 when it could not run.",
        "sandbox check my_exercises/02_engagement_kpis.ipynb", cmd_check)
    p.add_argument("notebook", help="the learner's notebook (NN_slug.ipynb)")
    add_library_option(p, "--timeout", target="sandbox._notebooks:check_notebook_args", type=int,
                       metavar="SECONDS", help="seconds allowed per cell")
    p.add_argument("--dataset", metavar="DIR", help="dataset folder to use instead of the notebook's default")

    p = add_command(
        subparsers, "progress",
        "Show your progress over the exercise notebooks you checked (the qN.check() results saved in them): points "
        "per notebook, judgement points per skill, the typical mistakes to revisit; and the same as an HTML page.",
        "sandbox progress my_exercises", cmd_progress)
    p.add_argument("dir", metavar="DIR", help="the folder holding your exercise notebooks")
    p.add_argument("--out", metavar="FILE", help="the HTML page to write; without it, "
                   "DIR/{sandbox.report:PROGRESS_FILE}")

    ex = add_command(subparsers, "exercises", "Get the exercise notebooks to work on; maintain them.",
                     "sandbox exercises get my_exercises --seed 123", lambda args: ex.print_help() or 2)
    sub = ex.add_subparsers(dest="exercises_command", metavar="COMMAND")
    g = add_command(
        sub, "get",
        "Copy the exercise notebooks into DIR (created if needed) and, with --seed, a fresh world into DIR/data "
        "for them to use; prints how to open them in JupyterLab.",
        "sandbox exercises get my_exercises --seed 123", cmd_get)
    g.add_argument("dir", metavar="DIR", help="folder to copy the notebooks into (must not hold them already)")
    g.add_argument("--seed", type=int, help="also write a fresh world of this seed into DIR/data; without it, the "
                   "notebooks use the default world")
    add_library_option(g, "--scale", target=GENERATE, fill=False, help="size of the --seed world: {sandbox._scales:SCALES}")
    r = add_command(
        sub, "release",
        "Regenerate the student notebooks (exercises/) from the nbgrader sources (solutions/) "
        "with real `nbgrader generate_assignment`.",
        "sandbox exercises release --solutions solutions --out exercises", cmd_release)
    r.add_argument("--solutions", metavar="DIR", help="source notebooks; without it, the source checkout's solutions/")
    r.add_argument("--out", metavar="DIR", help="where to write the student notebooks; without it, the source "
                   "checkout's exercises/")


def cmd_check(args) -> int:
    from ._notebooks import check_notebook_args

    check_notebook_args(args.notebook, args.timeout, args.dataset)  # a wrong path is refused before Jupyter loads
    from .exercises.runner import NotebookRunError, check_notebook

    try:
        report, errors = check_notebook(args.notebook, timeout=args.timeout, dataset=args.dataset)
    except NotebookRunError as e:
        raise CliError(str(e), code=1) from None
    print(repr(report))
    if errors:
        print("cells that raised an error:", file=sys.stderr)
        for line in errors:
            print(f"  {line}", file=sys.stderr)
    return 0


def cmd_progress(args) -> int:
    from .report.progress import learner_progress, progress_text

    progress = learner_progress(args.dir, out=args.out)
    print(progress_text(progress))
    print(f"as a page: {progress.html}")
    return 0


def cmd_release(args) -> int:
    from .exercises.release import release

    try:
        written = release(args.solutions, args.out)
    except RuntimeError as e:
        raise CliError(str(e), code=1) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def cmd_get(args) -> int:
    from ._environment import scripts_dir
    from ._notebooks import get_exercises

    try:
        copies = get_exercises(args.dir, seed=args.seed, scale=args.scale)
    except FileExistsError as e:
        raise CliError(str(e)) from None
    folder = copies[0].parent
    print(f"copied {len(copies)} notebooks to {folder}: {', '.join(p.name for p in copies)}")
    if args.seed is not None:
        from ._dataset_files import META_FILE

        scale = json.loads((folder / "data" / META_FILE).read_text())["scale"]
        print(f"their data: the {scale} world of seed {args.seed} in {folder / 'data'}")
    else:
        print("their data: the default world (add --seed N for a fresh one)")
    print("open them in JupyterLab:")
    print(f"  cd {shlex.quote(str(folder))} && {shlex.quote(str(Path(scripts_dir()) / 'jupyter'))} lab")
    print(f"grade one from a terminal: {shlex.quote(str(Path(scripts_dir()) / 'sandbox'))} check {shlex.quote(str(copies[0]))}")
    return 0
