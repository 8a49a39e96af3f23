"""CLI commands for exercises: `sandbox check` and `sandbox exercises release`."""

from __future__ import annotations

import sys

from .cli import CliError, add_command


def register(subparsers) -> None:
    p = add_command(
        subparsers, "check",
        "Run an exercise notebook headless and print a per-question report and the score. "
        "Exit code 0 when the notebook ran (whatever the score), 1 when it could not run.",
        "sandbox check exercises/01_first_look.ipynb", cmd_check)
    p.add_argument("notebook", help="the learner's notebook (NN_slug.ipynb)")
    p.add_argument("--timeout", type=int, default=120, help="seconds allowed per cell")
    p.add_argument("--dataset", metavar="DIR", help="dataset folder to use instead of the notebook's default")

    ex = add_command(subparsers, "exercises", "Maintain the exercise notebooks.",
                     "sandbox exercises release", lambda args: ex.print_help() or 2)
    sub = ex.add_subparsers(dest="exercises_command", metavar="COMMAND")
    r = add_command(
        sub, "release",
        "Regenerate the student notebooks (exercises/) from the nbgrader sources (solutions/) "
        "with real `nbgrader generate_assignment`.",
        "sandbox exercises release --solutions solutions --out exercises", cmd_release)
    r.add_argument("--solutions", metavar="DIR", help="source notebooks (default: the repository's solutions/)")
    r.add_argument("--out", metavar="DIR", help="where to write the student notebooks (default: the repository's exercises/)")


def cmd_check(args) -> int:
    from .exercises.runner import NotebookRunError, check_notebook

    if args.timeout < 1:
        raise CliError(f"--timeout must be a positive number of seconds, got {args.timeout}")
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


def cmd_release(args) -> int:
    from .exercises.release import release

    try:
        written = release(args.solutions, args.out)
    except RuntimeError as e:
        raise CliError(str(e), code=1) from None
    for path in written:
        print(f"wrote {path}")
    return 0
