"""`sandbox course build`, `autograde` and `grades`: thin wrappers over sandbox.course."""

from __future__ import annotations

import os
import sys

from .cli import CliError, add_command, add_library_option

#: ``--jobs`` default of the course commands: every core (the library's default is 1 process).
ALL_CORES = os.cpu_count() or 1
BUILD = "sandbox.course.build.course:build_course"

_UNITS = {"K": 2**10, "M": 2**20, "G": 2**30}


def memory_size(text: str) -> int:
    """``4G``, ``512M`` or a number of bytes -> bytes (argparse type)."""
    import argparse

    t = text.strip().upper().removesuffix("B")
    try:
        return int(float(t[:-1]) * _UNITS[t[-1]]) if t and t[-1] in _UNITS else int(t)
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a memory size; use e.g. 4G, 512M or bytes") from None


def hint_mode(text: str) -> str:
    """A value of ``--hints`` (argparse type); imports the policy only when the option is given."""
    import argparse

    from .exercises._policy import HINT_MODES

    if text not in HINT_MODES:
        raise argparse.ArgumentTypeError(f"{text!r} is not a hint mode; use one of {', '.join(HINT_MODES)}")
    return text


def register(subparsers) -> None:
    group = add_command(subparsers, "course", "Run an nbgrader course: build it, autograde it, export its grades.",
                        "sandbox course build my_course --roster roster.csv", func=None)
    group.set_defaults(func=lambda args: _help(group))
    sub = group.add_subparsers(dest="course_command", metavar="COURSE_COMMAND")

    p = add_command(sub, "build", "Create a ready nbgrader course folder: config, source assignments, "
                    "gradebook with the roster's students, and a release folder per student with their own dataset.",
                    "sandbox course build stats101 --roster roster.csv --salt s3cret --exercises 01,02", _build)
    p.add_argument("course", metavar="COURSE", help="course folder to create (must not exist or be empty)")
    p.add_argument("--roster", metavar="CSV", help="CSV with a student_id column (optional: first_name, last_name, "
                   "email); without it, the course has no students yet")
    p.add_argument("--salt", metavar="S", help="course secret mixed into every student's seed; without it, a random one")
    p.add_argument("--exercises", metavar="LIST", help="comma-separated exercise numbers or names; without it, all of them")
    add_library_option(p, "--scale", target="sandbox._scales:DEFAULT_SCALE",
                       help="dataset scale of each student's world: {sandbox._scales:SCALES} (any case)")
    add_library_option(p, "--timeout", target="sandbox.course.build.folder:CELL_TIMEOUT", type=int, metavar="SECONDS",
                       help="seconds a cell may run at autograde")
    p.add_argument("--jobs", type=int, default=ALL_CORES, metavar="N",
                   help="worker processes generating students' worlds (default: the number of cores)")
    p.add_argument("--solutions", metavar="DIR", help="folder of nbgrader source notebooks; without it, the ones "
                   "shipped with sandbox")
    p.add_argument("--questions", metavar="FILE", help="Python module defining EXERCISES, your own questions "
                   "(sandbox.exercises Question objects), judged outside the students' kernels like ours")
    p.add_argument("--allow-kernel-tests", action="store_true",
                   help="keep graded test cells that no question judges: they run in the student's kernel, "
                   "where a student can defeat them (refused otherwise)")
    p.add_argument("--show-solutions", action="store_true",
                   help="let students' qN.solution() show the reference code (hidden otherwise)")
    add_library_option(p, "--hints", target=BUILD, type=hint_mode, fill=False,
                       help="whether students' qN.hint() shows hints: {sandbox.exercises._policy:HINT_MODES}")
    p.add_argument("--exchange", metavar="DIR", help="nbgrader exchange folder shared by a JupyterHub's users; "
                   "without it, COURSE/exchange (release and collect without root)")

    p = add_command(sub, "autograde", "Grade every submission (submitted/<student>/<assignment>/) in parallel; "
                    "write the gradebook, sandbox_grades.csv and feedback HTML.",
                    "sandbox course autograde stats101 --jobs 2 --assignment 01_first_look", _autograde)
    p.add_argument("course", metavar="COURSE", help="course folder made by `sandbox course build`")
    p.add_argument("--jobs", type=int, default=ALL_CORES, metavar="N",
                   help="worker processes, each grading one student at a time (default: the number of cores)")
    p.add_argument("--assignment", metavar="A", action="append",
                   help="grade only this assignment (repeatable); without it, all of them")
    add_library_option(p, "--memory", target="sandbox.course.kernel.limits:DEFAULT_MEMORY", type=memory_size,
                       metavar="SIZE",
                       help="memory limit of each student's kernel in bytes, or e.g. 4G or 512M")
    p.add_argument("--allow-unknown-students", action="store_true",
                   help="also grade submitted/<id>/ folders of ids not on the roster (reported and skipped otherwise)")
    p.add_argument("--resume", action="store_true",
                   help="after an interrupted run: grade only the submissions it did not finish")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on the workers of this dask.distributed scheduler (e.g. tcp://10.0.0.5:8786) "
                   "instead of local processes; needs the [dask] extra")
    p.add_argument("--allow-network", action="store_true",
                   help="grade even where the only isolation is `nobody`, whose kernels reach the network "
                   "(refused otherwise)")

    p = add_command(sub, "grades", "Rewrite COURSE/sandbox_grades.csv from the gradebook, e.g. after manual "
                    "grading in formgrader.", "sandbox course grades stats101", _grades)
    p.add_argument("course", metavar="COURSE", help="course folder made by `sandbox course build`")

    p = add_command(sub, "export", "Write the course's grades in the gradebook import format of an LMS (Canvas, "
                    "Moodle) or as one plain table; written answers count once graded in formgrader.",
                    "sandbox course export stats101 --to canvas", _export)
    p.add_argument("course", metavar="COURSE", help="course folder made by `sandbox course build`")
    p.add_argument("--to", required=True, metavar="FORMAT",
                   help="gradebook format: {sandbox.course.build.folder:EXPORT_FORMATS}")
    p.add_argument("--out", metavar="FILE", help="file to write (must not exist); without it, "
                   "COURSE/grades-<format>.csv, rewritten by each export")


    p = add_command(sub, "report", "Write what the class got wrong, for the instructor: a self-contained HTML page "
                    "(mistakes to re-teach first, skills, every question's typical mistakes, students who may need "
                    "help) and the same data as CSV, from the verdicts `sandbox course autograde` kept.",
                    "sandbox course report stats101 --assignment 01_first_look --out report.html", _report)
    p.add_argument("course", metavar="COURSE", help="course folder graded by `sandbox course autograde`")
    p.add_argument("--assignment", metavar="A", action="append",
                   help="report only this assignment (repeatable); without it, every assignment graded so far")
    p.add_argument("--out", metavar="FILE", help="the HTML file to write, its CSV files beside it; without it, "
                   "COURSE/{sandbox.report:REPORT_FILE}")


def _help(parser) -> int:
    parser.print_help()
    return 2


def _build(args) -> int:
    from ._scales import get_scale
    from .course.build.folder import check_course_target
    from .course.build.roster import read_roster

    check_course_target(args.course)  # what can be refused at once is, before nbgrader and pandas load
    if args.roster is not None:
        read_roster(args.roster)
    get_scale(args.scale)
    from .course import build_course

    exercises = [e for e in args.exercises.split(",") if e.strip()] if args.exercises else None
    chosen = {} if args.hints is None else {"hints": args.hints}
    result = build_course(args.course, roster=args.roster, salt=args.salt, exercises=exercises,
                          scale=args.scale, cell_timeout=args.timeout, solutions_dir=args.solutions,
                          jobs=args.jobs, progress=sys.stderr.isatty(), show_solutions=args.show_solutions,
                          exchange=args.exchange, questions=args.questions,
                          allow_kernel_tests=args.allow_kernel_tests, **chosen)
    s = result.settings
    print(f"course {result.course_dir}: {len(s.assignments)} assignment(s) ({', '.join(s.assignments)}), "
          f"{len(result.students)} student(s), {s.scale} worlds")
    if result.students:
        print("hand each student release_students/<student_id>/; collect into submitted/<student_id>/<assignment>/")
    if result.unprotected:
        print(f"UNPROTECTED: {len(result.unprotected)} test cell(s) run in the student's kernel, where a student "
              f"can defeat them: {', '.join(result.unprotected)}")
    return 0


def _autograde(args) -> int:
    from .course.build.folder import require_course_dir
    from .course.kernel.inside.kernel_run import skip_iri_grammar

    require_course_dir(args.course)  # a wrong path is refused before nbgrader and pandas load

    skip_iri_grammar()  # before autograde imports nbformat: 1.2 s less CPU for the command
    from .course import autograde_course

    import time

    start = time.perf_counter()
    report = autograde_course(args.course, jobs=args.jobs, assignments=args.assignment, progress=sys.stderr.isatty(),
                              memory=args.memory, allow_unknown_students=args.allow_unknown_students,
                              resume=args.resume, scheduler=args.scheduler, allow_network=args.allow_network)
    seconds = time.perf_counter() - start
    graded = sum(o.status == "graded" for o in report.outcomes)
    done = sum(o.assignment != "*" and o.status != "unknown student" for o in report.outcomes)
    print(f"graded {graded} submission(s) in {seconds:.0f} s ({done / seconds:.2f} submissions/s; "
          f"isolation: {report.isolation}); grades: {report.grades_csv}")
    if report.skipped:
        print(f"left {len(report.skipped)} submission(s) graded by the interrupted run as they were (--resume)")
    for o in report.problems():
        print(f"  {o.student_id} {o.assignment}: {o.status}" + (f" - {o.message.splitlines()[0]}" if o.message else ""))
    if not report.outcomes and report.skipped:
        print("nothing left to grade: every submission already has a status (--resume)")
    elif not report.outcomes:
        raise CliError(f"no students or submissions found in {report.course_dir}")
    return 0


def _grades(args) -> int:
    from .course.build.folder import require_course_dir

    require_course_dir(args.course)  # a wrong path is refused before nbgrader and pandas load
    from .course import refresh_grades

    print(f"grades: {refresh_grades(args.course)}")
    return 0


def _report(args) -> int:
    from .report.course import course_report
    from .report.render import terminal_text

    report = course_report(args.course, assignments=args.assignment, out=args.out)
    summary = report.summary
    print(f"class report: {report.html} (CSV: {', '.join(p.name for p in report.csv)})")
    print(f"{report.outcomes.table['student'].nunique()} students, {', '.join(report.outcomes.assignments)}")
    if len(summary.reteach):
        answered = summary.questions.set_index(["assignment", "question"])["answered"]
        print("re-teach first:")
        for m in summary.reteach.to_dict("records"):
            print(f"  {m['assignment']} {m['question']} {m['mistake']}: {m['count']} of "
                  f"{answered[(m['assignment'], m['question'])]} students, {m['points_lost']} points lost - "
                  f"{terminal_text(m['message'])}")
    helped = int(summary.learners["needs_help"].sum())
    print(f"students who may need help (names in the report's last part): {helped}")
    return 0


def _export(args) -> int:
    from .course.build.folder import check_export_args

    check_export_args(args.course, args.to, args.out)  # refused at once, before nbgrader loads
    from .course.kernel.inside.kernel_run import skip_iri_grammar

    skip_iri_grammar()  # before nbgrader imports jsonschema: 1.2 s less CPU for the command
    from .course import export_grades

    path, grades = export_grades(args.course, args.to, args.out)
    print(f"wrote {path}: {len(grades.students)} student(s) x {len(grades.assignments)} assignment(s), {args.to} format")
    waiting = grades.waiting()
    if waiting:
        print(f"{len(waiting)} submission(s) have written answers not graded yet, counted 0 until graded in "
              f"formgrader: {', '.join(f'{s} {a}' for s, a in waiting)}", file=sys.stderr)
    return 0
